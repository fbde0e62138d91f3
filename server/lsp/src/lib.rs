//! The Gloss language server. The only layer that knows LSP, JSON-RPC,
//! position encodings, files and threads; every answer comes from the pure
//! analysis (`gloss_analysis::features`) on an immutable snapshot.
//!
//! Ordering: a `didChange` is applied (rope, tree, workspace) before its
//! handler first awaits, so edits apply strictly in order, and a request
//! takes its snapshot before it awaits, so it answers for the text it saw.

mod answers;
mod capabilities;
mod convert;
mod disk;
mod documents;
mod draft;
mod features;
mod framing;
mod helpers;
mod indexing;
mod json;
mod priority;
mod publish;
mod pulled;
mod requests;
mod server;
mod state;
#[cfg(unix)]
mod stdio;
mod uri;
mod watch;

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};
use tower_lsp_server::{LspService, Server};

/// Serves the protocol on a pair of streams until `exit` (or the end of
/// the input). Returns whether `shutdown` came first, as the protocol
/// wants before a clean exit.
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let shut_down = Arc::new(AtomicBool::new(false));
    let flag = shut_down.clone();
    let answers = Arc::new(answers::Answers::default());
    let kept = answers.clone();
    let (service, socket) = LspService::build(move |client| server::Backend::new(client, flag.clone(), kept.clone()))
        .custom_method(framing::INVALID, framing::invalid_message::<server::Backend>)
        .custom_method(answers::REFERENCES, server::Backend::written_references)
        .custom_method(answers::COMPLETION, server::Backend::written_completion)
        .custom_method(answers::DIAGNOSTIC, server::Backend::written_diagnostic)
        .custom_method(answers::WORKSPACE_DIAGNOSTIC, server::Backend::written_workspace_diagnostic)
        .finish();
    // What the client writes goes through `framing::pump`, so that a
    // message tower-lsp cannot decode gets an error response rather than
    // ending the session; what tower-lsp writes goes through
    // `answers::deliver`, which puts the answers written as JSON in place.
    let (to_server, from_client) = tokio::io::duplex(1 << 16);
    let (to_client, from_server) = tokio::io::duplex(1 << 20);
    let server = async move {
        let server = Server::new(from_client, to_client, socket).serve(service);
        tokio::pin!(server);
        tokio::select! {
            _ = &mut server => {}
            // The client's input ended: the server reads the end and stops.
            _ = framing::pump(input, to_server) => server.await,
        }
    };
    let output = std::pin::pin!(output);
    // Every message tower-lsp wrote reaches the client before this returns
    // (its end of the pipe closes when it stops).
    let (_, delivered) = tokio::join!(server, answers::deliver(from_server, output, &answers));
    if let Err(e) = delivered {
        eprintln!("gloss: cannot write to the client: {e}");
    }
    shut_down.load(Ordering::SeqCst)
}

/// How to give freed memory back to the system at once, when the program's
/// allocator keeps it for a while (`gloss` sets it: jemalloc's freed pages
/// go back after half a second). Asked for after the bursts that free tens
/// of MB: reading a workspace, relating its claims.
static RELEASE_FREED: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Sets how freed memory is given back; once, before [`run_stdio`].
pub fn set_release_freed(release: fn()) {
    let _ = RELEASE_FREED.set(release);
}

pub(crate) fn release_freed() {
    if let Some(release) = RELEASE_FREED.get() {
        release();
    }
}

/// The most threads the runtime starts for blocking work: requests'
/// answers, publications, relating after edits, pulls. Tokio's default,
/// 512, let a burst of publications (twenty documents opened at once, each
/// open publishing the open documents) start 60 to 80 threads, each then
/// keeping its allocator's cache of freed blocks for the ten seconds an
/// idle thread lives: the server's peak went from 140 to 175 MB at 20,000
/// documents. Eight is more than the cores here, so that a long job (a
/// workspace pull, relating) holds no answer back; what comes beyond it
/// waits in order.
const BLOCKING_THREADS: usize = 8;

/// `gloss lsp`: the server on standard input and output. Exit status 0
/// after `shutdown` then `exit`, 1 when `exit` (or the end of the input)
/// comes without `shutdown`.
pub fn run_stdio() -> ExitCode {
    // Background work below the threads that answer (see `priority`).
    priority::lower_background_threads();
    priority::answer_promptly();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(BLOCKING_THREADS)
        .on_thread_start(|| {
            priority::answer_promptly();
        })
        .build()
        .expect("a tokio runtime");
    let clean = runtime.block_on(async {
        // The runtime's own pipes or sockets where they are such (see `stdio`).
        #[cfg(unix)]
        let (input, output) = stdio::standard();
        #[cfg(not(unix))]
        let (input, output) = (tokio::io::stdin(), tokio::io::stdout());
        serve(input, output).await
    });
    // Standard input, when it is neither a pipe nor a socket, is read on a
    // blocking thread that may still wait for bytes that never come: do not
    // wait for it.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
