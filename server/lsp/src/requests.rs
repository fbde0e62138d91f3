//! How a request is answered: on a snapshot of its file's folder, off
//! the thread that reads the next messages unless the answer is quick, a
//! panic in the analysis becoming an error response.

use std::panic::{catch_unwind, AssertUnwindSafe};

use gloss_analysis::line_index::Encoding;
use gloss_analysis::{Analysis, File, FileId};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{MessageType, Uri};
use tower_lsp_server::Client;

use crate::features::Scope;
use crate::server::{send_log, Backend};

impl Backend {
    /// Runs a feature on a snapshot of the folder of the file at `uri`, on
    /// a blocking thread so that the server reads the next messages (and
    /// a `$/cancelRequest` drops this answer) meanwhile. The snapshot is
    /// taken before the first await: the answer is for the text as it was
    /// when the request arrived. A panic becomes an error response for
    /// this request, not a dead server.
    pub(crate) async fn on_file<T: Send + 'static>(
        &self,
        uri: Uri,
        f: impl FnOnce(&Analysis, &Scope, FileId, &File, Encoding) -> Option<T> + Send + 'static,
    ) -> Result<Option<T>> {
        self.on_file_at_once_if(uri, |_, _, _, _| false, f).await
    }

    /// [`Backend::on_file`], but answered at once, on this thread, when
    /// `quick` says the answer costs microseconds (no claims to relate
    /// first): the hop to a blocking thread and back cost as much as such
    /// an answer, on this VM, and more when its cores are idle (waking
    /// one) or busy (waiting for one). See `docs/decisions.md`.
    pub(crate) async fn on_file_at_once_if<T: Send + 'static>(
        &self,
        uri: Uri,
        quick: impl FnOnce(&Analysis, FileId, &File, Encoding) -> bool,
        f: impl FnOnce(&Analysis, &Scope, FileId, &File, Encoding) -> Option<T> + Send + 'static,
    ) -> Result<Option<T>> {
        let Some((folder, key)) = self.state.locate(&uri) else { return Ok(None) };
        let (analysis, versions) = match self.state.support().document_changes {
            true => {
                let (analysis, versions) = self.state.snapshot_with_versions(&folder);
                (analysis, Some(versions))
            }
            false => (folder.snapshot(), None),
        };
        let enc = self.state.encoding();
        let Some(id) = analysis.file_id(&key) else { return Ok(None) };
        let Some(file) = analysis.file(id) else { return Ok(None) };
        if quick(&analysis, id, file, enc) {
            let scope = Scope { folder: &folder, versions };
            return guarded(&self.client, uri.as_str(), || f(&analysis, &scope, id, file, enc));
        }
        let client = self.client.clone();
        let answer = tokio::task::spawn_blocking(move || {
            let scope = Scope { folder: &folder, versions };
            let Some(file) = analysis.file(id) else { return Ok(None) };
            guarded(&client, uri.as_str(), || f(&analysis, &scope, id, file, enc))
        });
        answer
            .await
            .unwrap_or_else(|e| Err(Error { code: tower_lsp_server::jsonrpc::ErrorCode::InternalError, message: format!("gloss: {e}").into(), data: None }))
    }
}

/// For [`Backend::on_file_at_once_if`]: answers that look only at the
/// index and the file at hand (definitions, highlights, whether an id can
/// be renamed there) are always quick. (The first position asked for in a
/// document read from the cache builds its line index, once: 12 ms for
/// the benchmark's 34 MB of documents, so well under a millisecond for
/// 1 MB.)
pub(crate) fn always(_: &Analysis, _: FileId, _: &File, _: Encoding) -> bool {
    true
}

/// Runs an analysis call; a panic in it becomes an internal-error response
/// to this request (and a line in the log), not a dead server.
pub(crate) fn guarded<T>(client: &Client, what: &str, f: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|panic| {
        let why = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
        send_log(client, MessageType::ERROR, format!("internal error answering for {what}: {why}"));
        Error { code: tower_lsp_server::jsonrpc::ErrorCode::InternalError, message: format!("gloss: internal error: {why}").into(), data: None }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn a_panic_in_the_analysis_is_an_error_response() {
        let (service, _socket) = tower_lsp_server::LspService::new(|client| {
            let answer: Result<u32> = guarded(&client, "file:///x.txt", || panic!("index out of bounds"));
            let error = answer.unwrap_err();
            assert_eq!(error.code, tower_lsp_server::jsonrpc::ErrorCode::InternalError);
            assert!(error.message.contains("index out of bounds"), "{}", error.message);
            assert_eq!(guarded(&client, "x", || 7).unwrap(), 7);
            Backend::new(client, Arc::new(AtomicBool::new(false)), Arc::default())
        });
        drop(service);
    }
}
