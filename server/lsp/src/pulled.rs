//! Pulled diagnostics (`textDocument/diagnostic`, `workspace/diagnostic`)
//! as the JSON of their reports.
//!
//! A report's result id names both the folder's state and the diagnostics
//! sent: `SESSION.FOLDER:GENERATION:DIGEST` (`Folder::snapshot_with_id`
//! gives the state), the digest a hash of the list's JSON.
//! A client asking again with the id it holds is told "unchanged" with no
//! work done when nothing in the folder changed since; when something did,
//! the list is worked out again and is still "unchanged" if it came out the
//! same. Without the digest, an edit anywhere sent every file's list again
//! in the next workspace pull, which VS Code makes two seconds after the
//! last one ends: on a big workspace, megabytes per keystroke for the
//! client to read, when one or two files' lists had changed.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use gloss_analysis::{diagnostics, FilesVersion};
use tower_lsp_server::ls_types::notification::{Notification, Progress};
use tower_lsp_server::ls_types::{DocumentDiagnosticParams, Uri, WorkspaceDiagnosticParams};
use tower_lsp_server::Client;
use xxhash_rust::xxh3::xxh3_64;

use crate::answers::Written;
use crate::publish::ListsPass;
use crate::state::{Folder, State};
use crate::{json, priority, publish};

/// A file's list as a client last got it, as far as its result id says.
enum Previous<'a> {
    /// Sent from the folder as it is now: certainly the same.
    Current,
    /// Sent from an older state of the folder, with this digest.
    Older(&'a str),
    /// No id, or not one of ours.
    Unknown,
}

fn previous<'a>(id: Option<&'a str>, state: &str) -> Previous<'a> {
    let Some((at, digest)) = id.and_then(|id| id.rsplit_once(':')) else { return Previous::Unknown };
    if at == state {
        Previous::Current
    } else {
        Previous::Older(digest)
    }
}

/// A file's report: its result id, and whether its list (then written in
/// the caller's buffer) differs from the client's copy, if any.
struct FileReport {
    id: String,
    changed: bool,
}

impl FileReport {
    fn digest(&self) -> &str {
        self.id.rsplit_once(':').map_or("", |(_, digest)| digest)
    }
}

/// Works out a file's report from the folder's `state` (its part of the
/// result id) and the id the client holds; `write_list` writes the list,
/// into `list`, only when the folder changed since that id and the list
/// is not `known` (the digest of the list as it must still be: see
/// `Lists`) to be the client's.
fn file_report(held: Option<&str>, state: &str, known: Option<&str>, list: &mut Vec<u8>, write_list: impl FnOnce(&mut Vec<u8>)) -> FileReport {
    list.clear();
    let older = match previous(held, state) {
        Previous::Current => return FileReport { id: held.unwrap_or_default().to_string(), changed: false },
        Previous::Older(digest) => Some(digest),
        Previous::Unknown => None,
    };
    if let Some(digest) = known.filter(|&k| Some(k) == older) {
        return FileReport { id: format!("{state}:{digest}"), changed: false };
    }
    write_list(list);
    let digest = format!("{:016x}", xxh3_64(list));
    let changed = older != Some(digest.as_str());
    FileReport { id: format!("{state}:{digest}"), changed }
}

/// A document's pulled diagnostics as the JSON of a report, worked out on
/// a blocking thread. A document outside every folder has none.
pub async fn document(state: &State, params: DocumentDiagnosticParams, read_wait: std::time::Duration) -> Option<Vec<u8>> {
    let no_items = |out: &mut Vec<u8>| out.extend_from_slice(b"[]");
    let Some((folder, key)) = state.locate(&params.text_document.uri) else { return Some(json::full_report(None, no_items)) };
    // Before the folder is read, every registry id would look unknown:
    // wait for the read (clients that cannot be asked to pull again
    // would otherwise show nothing until the next edit).
    if !folder.wait_ready(read_wait).await {
        return Some(json::full_report(None, no_items));
    }
    let (analysis, folder_state) = folder.snapshot_with_id();
    if let Previous::Current = previous(params.previous_result_id.as_deref(), &folder_state) {
        return Some(json::unchanged_report(params.previous_result_id.as_deref().unwrap_or_default()));
    }
    let enc = state.encoding();
    let report = tokio::task::spawn_blocking(move || {
        let mut list = Vec::new();
        let held = params.previous_result_id.as_deref();
        let report = file_report(held, &folder_state, None, &mut list, |out| {
            publish::file_diagnostics_json(&folder, &analysis, &key, enc, out, &mut ListsPass::default())
        });
        match report.changed {
            true => json::full_report(Some(&report.id), |out| out.extend_from_slice(&list)),
            false => json::unchanged_report(&report.id),
        }
    });
    report.await.ok()
}

/// What a folder's last workspace pull worked out: the files as they were,
/// and the digest of each one's list. A later pull works out again only
/// the lists a change since can have changed (`diagnostics::affected`);
/// the others are the lists of these digests.
pub struct Lists {
    version: FilesVersion,
    /// By workspace-relative path.
    digests: HashMap<String, String>,
}

/// How big a part of a workspace report grows before it is sent, when the
/// client takes partial results: VS Code reads each message into one
/// string, which V8 caps at about 512 MB, and a first pull of a big,
/// conflict-dense workspace is more (629 MB on the benchmark's 20,000
/// documents).
const PART: usize = 1 << 20;

/// How long a part may wait to be handed to the client, which reads the
/// ones before it meanwhile.
const PART_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// `$/progress` carrying part of a result, written as JSON (see `answers`).
enum PartialResult {}

impl Notification for PartialResult {
    type Params = Written;
    const METHOD: &'static str = Progress::METHOD;
}

/// Every file of every ready folder, as the JSON of a workspace report:
/// each file "unchanged" when the client holds its list as it is, and a
/// file the client holds a list for that is gone, an empty one.
///
/// With a partial result token, the report is sent in parts of about
/// [`PART`] bytes, as `$/progress`, and the answer is empty, as the
/// protocol asks. The work runs below the threads that answer (a workspace
/// pull is background work, which VS Code makes every two seconds), and
/// stops when the request is cancelled. The snapshots and versions are
/// taken first.
pub async fn workspace(state: &State, client: &Client, folders: Vec<Arc<Folder>>, params: WorkspaceDiagnosticParams) -> Option<Vec<u8>> {
    let enc = state.encoding();
    let folders: Vec<_> = folders.into_iter().filter(|f| f.is_ready()).map(|f| (f.clone(), f.snapshot_with_id())).collect();
    let versions: HashMap<Uri, i64> = state.documents.iter().map(|d| (d.key().clone(), d.analysed_version as i64)).collect();
    let token = params.partial_result_params.partial_result_token.clone();
    let (parts, mut sent) = tokio::sync::mpsc::channel::<Vec<u8>>(1);
    let parts = token.is_some().then_some(parts);
    let report = priority::spawn_lowered("gloss-workspace-diagnostics", move || {
        let mut report = Report { out: Vec::new(), parts };
        report.start();
        let held: HashMap<&Uri, &str> = params.previous_result_ids.iter().map(|p| (&p.uri, p.value.as_str())).collect();
        let mut reported: HashSet<Uri> = HashSet::new();
        let mut list = Vec::new();
        for (folder, (analysis, folder_state)) in &folders {
            // The lists of the last pull, and which may have changed since.
            let known = folder.take_pulled_lists();
            let affected = known.as_ref().map(|k| diagnostics::affected(&k.version, analysis));
            let mut digests = HashMap::new();
            let mut pass = ListsPass::default();
            for (_, f) in analysis.files() {
                let Some(uri) = folder.uri(&f.path) else { continue };
                if !reported.insert(uri.clone()) {
                    continue;
                }
                let out = report.next()?;
                let version = versions.get(&uri).copied();
                let unaffected = known.as_ref().filter(|_| affected.as_ref().is_some_and(|a| !a.contains(&f.path)));
                let known_digest = unaffected.and_then(|k| k.digests.get(&f.path)).map(String::as_str);
                let write_list = |out: &mut Vec<u8>| publish::file_diagnostics_json(folder, analysis, &f.path, enc, out, &mut pass);
                let file = file_report(held.get(&uri).copied(), folder_state, known_digest, &mut list, write_list);
                match file.changed {
                    true => json::workspace_full_report(out, uri.as_str(), version, Some(&file.id), |out| out.extend_from_slice(&list)),
                    false => json::workspace_unchanged_report(out, uri.as_str(), version, &file.id),
                }
                digests.insert(f.path.clone(), file.digest().to_string());
            }
            folder.keep_pulled_lists(Lists { version: analysis.files_version(), digests });
        }
        for gone in held.keys().filter(|u| !reported.contains(**u)) {
            json::workspace_full_report(report.next()?, gone.as_str(), None, None, |out| out.extend_from_slice(b"[]"));
        }
        report.finish()
    });
    if let Some(token) = token {
        while let Some(part) = sent.recv().await {
            let mut progress = b"{\"token\":".to_vec();
            let _ = serde_json::to_writer(&mut progress, &token);
            progress.extend_from_slice(b",\"value\":");
            progress.extend_from_slice(&part);
            progress.push(b'}');
            drop(part);
            if !state.answers.notify::<PartialResult>(client, progress, PART_WAIT).await {
                return None;
            }
        }
    }
    report.await.ok().flatten()
}

/// A workspace report being written: `{"items":[…]}`, sent in parts
/// through `parts` when the client takes them.
struct Report {
    out: Vec<u8>,
    parts: Option<tokio::sync::mpsc::Sender<Vec<u8>>>,
}

impl Report {
    fn start(&mut self) {
        self.out.extend_from_slice(b"{\"items\":[");
    }

    /// Where the next file's report goes; `None` if the request was
    /// cancelled (the part before could not be handed over).
    fn next(&mut self) -> Option<&mut Vec<u8>> {
        if self.out.len() >= PART {
            if let Some(parts) = &self.parts {
                self.out.extend_from_slice(b"]}");
                parts.blocking_send(std::mem::take(&mut self.out)).ok()?;
                self.start();
            }
        }
        if self.out.last() != Some(&b'[') {
            self.out.push(b',');
        }
        Some(&mut self.out)
    }

    /// The answer: the report, or with parts, its last part sent and an
    /// empty report.
    fn finish(mut self) -> Option<Vec<u8>> {
        self.out.extend_from_slice(b"]}");
        if let Some(parts) = &self.parts {
            if self.out.len() > b"{\"items\":[]}".len() {
                parts.blocking_send(std::mem::take(&mut self.out)).ok()?;
            }
            return Some(b"{\"items\":[]}".to_vec());
        }
        Some(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(held: Option<&str>, state: &str, list: &str) -> (String, bool, bool) {
        let mut written = false;
        let mut out = Vec::new();
        let r = file_report(held, state, None, &mut out, |out| {
            written = true;
            out.extend_from_slice(list.as_bytes());
        });
        (r.id, r.changed, written)
    }

    #[test]
    fn a_list_is_worked_out_again_only_when_the_folder_changed_and_sent_only_when_it_did() {
        let (first, changed, written) = report(None, "0:4", "[1]");
        assert!(changed && written);
        assert!(first.starts_with("0:4:") && first.len() == "0:4:".len() + 16, "{first}");

        // The folder as it was: not even worked out.
        assert_eq!(report(Some(&first), "0:4", "[2]"), (first.clone(), false, false));

        // The folder changed, the list did not: unchanged, under the new state.
        let (id, changed, written) = report(Some(&first), "0:5", "[1]");
        assert!(!changed && written);
        assert_eq!(id, format!("0:5:{}", &first["0:4:".len()..]));

        // The list changed.
        let (id, changed, _) = report(Some(&id), "0:6", "[2]");
        assert!(changed);
        assert_ne!(id.rsplit_once(':').unwrap().1, first.rsplit_once(':').unwrap().1);

        // An id that is not ours, or of another folder's state, is no help.
        assert!(report(Some("whatever"), "0:6", "[2]").1);
        assert!(report(Some(""), "0:6", "[2]").1);
        let (_, changed, written) = report(Some(&format!("1:6:{}", &first["0:4:".len()..])), "0:6", "[1]");
        assert!(!changed && written, "another folder's id with the same list says the same list");
    }

    #[test]
    fn a_list_known_not_to_have_changed_is_not_worked_out_again() {
        let digest = &report(None, "0:1", "[1]").0["0:1:".len()..];
        let held = format!("0:1:{digest}");
        let with_known = |known: &str| {
            let mut written = false;
            let r = file_report(Some(&held), "0:2", Some(known), &mut Vec::new(), |out| {
                written = true;
                out.extend_from_slice(b"[1]");
            });
            (r.id.clone(), r.changed, written, r.digest().to_string())
        };
        assert_eq!(with_known(digest), (format!("0:2:{digest}"), false, false, digest.to_string()));
        // Known, but not what the client holds: its list is sent.
        let (_, _, written, _) = with_known("0000000000000000");
        assert!(written);
    }
}
