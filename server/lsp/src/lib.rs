//! The Gloss language server. The only layer that knows LSP, JSON-RPC,
//! position encodings, files and threads; every answer comes from the pure
//! analysis (`gloss_analysis::features`) on an immutable snapshot.
//!
//! Ordering: a `didChange` is applied (rope, tree, workspace) before its
//! handler first awaits, so edits apply strictly in order, and a request
//! takes its snapshot before it awaits, so it answers for the text it saw.

mod convert;
mod documents;
mod features;
mod publish;
mod server;
mod state;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves the protocol on a pair of streams until `exit`.
pub async fn serve<I, O>(input: I, output: O)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let (service, socket) = LspService::new(server::Backend::new);
    Server::new(input, output, socket).serve(service).await;
}

/// `gloss lsp`: the server on standard input and output.
pub fn run_stdio() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
}
