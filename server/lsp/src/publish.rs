//! Pushing diagnostics: on open, on save, and debounced on change, for
//! every open document whose list changed (a change in one document can
//! change conflicts in another).

use std::ops::Range;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use gloss_analysis::diagnostics::{diagnostics_seeing, Diagnostic as Found, Kinds};
use gloss_analysis::features::outline;
use gloss_analysis::line_index::Encoding;
use gloss_analysis::{Analysis, File};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::Client;

use crate::json::WrittenPlaces;
use crate::state::{FileRole, Folder, State};

/// The diagnostics of the file at `key`, in protocol form: what
/// [`file_diagnostics_json`] is tested against.
#[cfg(test)]
fn file_diagnostics(folder: &Folder, analysis: &Analysis, key: &str, enc: Encoding) -> Vec<lsp::Diagnostic> {
    use crate::convert;
    let Some((file, list)) = found_diagnostics(analysis, key, &mut Kinds::default()) else { return Vec::new() };
    let locate = |f: gloss_analysis::FileId, r: &std::ops::Range<usize>| {
        let other = analysis.file(f)?;
        Some(lsp::Location { uri: folder.uri(&other.path)?, range: convert::range(other, r, enc) })
    };
    list.iter().map(|d| convert::diagnostic(analysis, file, d, enc, &locate)).collect()
}

/// What writing the lists of one snapshot of a folder, in one encoding,
/// has already worked out, for the lists after it: the kinds of the ids
/// named, and the related places written (see `json::WrittenPlaces`).
#[derive(Default)]
pub(crate) struct ListsPass {
    kinds: Kinds,
    places: WrittenPlaces,
}

/// The diagnostics of the file at `key` as JSON, written directly (see
/// `json`): the list a long document publishes, or is pulled, on every
/// keystroke. `pass`: what lists of this folder's `analysis` in `enc`
/// worked out before (a fresh one for a list alone).
pub(crate) fn file_diagnostics_json(folder: &Folder, analysis: &Analysis, key: &str, enc: Encoding, out: &mut Vec<u8>, pass: &mut ListsPass) {
    match found_diagnostics(analysis, key, &mut pass.kinds) {
        Some((file, list)) => crate::json::diagnostics(out, folder, analysis, file, &list, enc, &mut pass.places),
        None => out.extend_from_slice(b"[]"),
    }
}

/// The file at `key` and its diagnostics; an internal error is logged
/// and gives none.
fn found_diagnostics<'a>(analysis: &'a Analysis, key: &str, kinds: &mut Kinds) -> Option<(&'a File, Vec<Found>)> {
    let id = analysis.file_id(key)?;
    let file = analysis.file(id)?;
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| diagnostics_seeing(analysis, id, kinds))) {
        Ok(list) => Some((file, list)),
        Err(_) => {
            eprintln!("gloss: internal error computing the diagnostics of {key}");
            None
        }
    }
}

/// Publishes the diagnostics of every open document whose list changed;
/// a client that pulls them is asked to pull again instead.
pub async fn publish_open(state: &Arc<State>, client: &Client) {
    let support = state.support();
    if support.pull_diagnostics {
        if support.diagnostic_refresh {
            let _ = client.workspace_diagnostic_refresh().await;
        }
        report_status(state, client).await;
        return;
    }
    let enc = state.encoding();
    let generation = state.generation();
    // Open documents by folder.
    let mut groups: Vec<(Arc<Folder>, Vec<lsp::Uri>)> = Vec::new();
    for d in state.documents.iter().filter(|d| d.role != FileRole::Other && d.folder.is_ready()) {
        match groups.iter_mut().find(|(f, _)| Arc::ptr_eq(f, &d.folder)) {
            Some((_, uris)) => uris.push(d.key().clone()),
            None => groups.push((d.folder.clone(), vec![d.key().clone()])),
        }
    }
    let mut work: Vec<(Arc<Folder>, Analysis, lsp::Uri, String, i32, usize)> = Vec::new();
    for (folder, uris) in groups {
        // The snapshot and the versions it holds, under one lock.
        let mut ws = folder.lock();
        let analysis = ws.snapshot();
        for u in uris {
            if let Some(d) = state.documents.get(&u) {
                let size = analysis.file_id(&d.key).and_then(|id| analysis.file(id)).map_or(0, |f| f.text.len());
                work.push((folder.clone(), analysis.clone(), u.clone(), d.key.clone(), d.analysed_version, size));
            }
        }
    }
    // Short documents first, each sent when ready: a long document's list
    // does not hold back the others' (a conflict it makes shows at once in
    // the short document it conflicts with).
    work.sort_by_key(|w| w.5);
    for (folder, analysis, uri, key, version, _) in work {
        if state.generation() != generation {
            break; // a newer change will publish again, from a newer snapshot
        }
        let current = state.clone();
        let computed = tokio::task::spawn_blocking(move || {
            // A change that came while this waited for a thread (a burst
            // of opens queues many) publishes again itself: nothing to do.
            if current.generation() != generation {
                return None;
            }
            let publication = Publication::written(&uri, version, |out| file_diagnostics_json(&folder, &analysis, &key, enc, out, &mut ListsPass::default()));
            Some((uri, publication))
        });
        let (uri, publication) = match computed.await {
            Ok(Some(computed)) => computed,
            Ok(None) => break,
            Err(_) => continue,
        };
        // A change came while this list was worked out: the publication it
        // started works the document out again, from the newer snapshot.
        // Not sending the stale list spares the client (and the server's
        // memory) a long document's megabyte per keystroke.
        if state.generation() != generation {
            break;
        }
        // Publications run side by side (a newer one need not wait for an
        // older one's long document): each list goes out only if no newer
        // one went out for its document, and the document is still open.
        let mut published = state.published.lock().await;
        if !state.documents.contains_key(&uri) {
            continue;
        }
        match published.get_mut(&uri) {
            Some((sent, _, _)) if *sent > generation => continue,
            Some((sent, v, last)) if *v == version && **last == *publication.list() => *sent = generation,
            _ => {
                let list = publication.list().into();
                // Written as JSON here (see `answers`): a long document's
                // list as tower-lsp's value tree was seven times its JSON.
                client.send_notification::<WrittenDiagnostics>(state.answers.put_replacing(uri.as_str(), publication.json)).await;
                published.insert(uri, (generation, version, list));
            }
        }
    }
    // Diagnostics work out conflicts only; the revisions a hover shows are
    // worked out now, in the background, for the subjects an edit changed
    // (the others are related already), so that the hover need not.
    relate_in_background(state);
    report_status(state, client).await;
}

/// Relates what the latest snapshot of each folder read still lacks, in
/// the background, one run at a time: edits that come faster are related
/// together by the next run. (A run per publication, each on its own
/// snapshot, related an edited subject again for every keystroke, side by
/// side, each with its own lists.)
fn relate_in_background(state: &Arc<State>) {
    let relating = &state.relating;
    relating.wanted.store(true, Ordering::SeqCst);
    if relating.running.swap(true, Ordering::SeqCst) {
        return; // the run under way sees `wanted` when it ends
    }
    let state = state.clone();
    tokio::task::spawn_blocking(move || loop {
        let relating = &state.relating;
        relating.wanted.store(false, Ordering::SeqCst);
        for folder in state.folders().into_iter().filter(|f| f.is_ready()) {
            folder.snapshot().relate_all();
        }
        relating.running.store(false, Ordering::SeqCst);
        if !relating.wanted.load(Ordering::SeqCst) || relating.running.swap(true, Ordering::SeqCst) {
            break;
        }
    });
}

/// The parameters of a `textDocument/publishDiagnostics`, as JSON.
struct Publication {
    json: Vec<u8>,
    /// Where the list is in it.
    list: Range<usize>,
}

impl Publication {
    /// Byte for byte what serde writes for `lsp::PublishDiagnosticsParams`,
    /// its list written by `write_list`; the list is kept apart to tell
    /// whether it changed.
    fn written(uri: &lsp::Uri, version: i32, write_list: impl FnOnce(&mut Vec<u8>)) -> Publication {
        let mut json = b"{\"uri\":".to_vec();
        crate::json::string(&mut json, uri.as_str());
        json.extend_from_slice(b",\"diagnostics\":");
        let start = json.len();
        write_list(&mut json);
        let list = start..json.len();
        json.extend_from_slice(format!(",\"version\":{version}}}").as_bytes());
        json.shrink_to_fit();
        Publication { json, list }
    }

    fn list(&self) -> &[u8] {
        &self.json[self.list.clone()]
    }
}

/// `textDocument/publishDiagnostics` with its parameters written as JSON.
enum WrittenDiagnostics {}

impl lsp::notification::Notification for WrittenDiagnostics {
    type Params = crate::answers::Written;
    const METHOD: &'static str = lsp::notification::PublishDiagnostics::METHOD;
}

/// `gloss/status`: whether the workspace is still being read, else its
/// documents, claims and conflicts, for the editor's status bar.
struct StatusNotification;

impl lsp::notification::Notification for StatusNotification {
    type Params = serde_json::Value;
    const METHOD: &'static str = "gloss/status";
}

/// Tells a client that asked for it (`experimental.glossStatus`) the
/// workspace's numbers, when they changed.
pub async fn report_status(state: &Arc<State>, client: &Client) {
    if !state.support().status {
        return;
    }
    let folders = state.folders();
    let status = if folders.iter().any(|f| f.root().is_some() && !f.is_ready()) {
        serde_json::json!({"indexing": true})
    } else {
        let generation = state.generation();
        let analyses: Vec<_> = folders.iter().filter(|f| f.root().is_some()).map(|f| f.snapshot()).collect();
        // Off the async threads: counting conflicts may relate subjects.
        let counted = tokio::task::spawn_blocking(move || {
            let mut total = outline::Summary::default();
            for analysis in &analyses {
                let s = outline::summary(analysis);
                total.documents += s.documents;
                total.claims += s.claims;
                total.conflicts += s.conflicts;
            }
            total
        });
        let Ok(total) = counted.await else { return };
        // A change came meanwhile: its own report follows with newer numbers.
        if state.generation() != generation {
            return;
        }
        serde_json::json!({"indexing": false, "documents": total.documents, "claims": total.claims, "conflicts": total.conflicts})
    };
    {
        let mut sent = state.status_sent.lock().unwrap_or_else(|e| e.into_inner());
        if sent.as_ref() == Some(&status) {
            return;
        }
        *sent = Some(status.clone());
    }
    client.send_notification::<StatusNotification>(status).await;
}

/// Publishes after the debounce, unless another change comes first.
pub fn schedule(state: &Arc<State>, client: &Client) {
    let generation = state.bump();
    let delay = Duration::from_millis(state.settings().debounce_ms);
    let (state, client) = (state.clone(), client.clone());
    tokio::spawn(async move {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if state.generation() == generation {
            publish_open(&state, &client).await;
        }
    });
}

/// Publishes now, in the background.
pub fn now(state: &Arc<State>, client: &Client) {
    state.bump();
    let (state, client) = (state.clone(), client.clone());
    tokio::spawn(async move { publish_open(&state, &client).await });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publication_is_what_serde_writes_for_its_parameters() {
        let uri: lsp::Uri = "file:///w/caf%C3%A9%20notes.txt".parse().unwrap();
        let at = |line, character| lsp::Position { line, character };
        let list = [
            lsp::Diagnostic {
                range: lsp::Range { start: at(0, 1), end: at(0, 7) },
                severity: Some(lsp::DiagnosticSeverity::WARNING),
                code: Some(lsp::NumberOrString::String("conflicting-claim".into())),
                source: Some("gloss".into()),
                message: "«10,000» against \"3,000\"\n— see below".into(),
                related_information: Some(vec![lsp::DiagnosticRelatedInformation {
                    location: lsp::Location { uri: uri.clone(), range: lsp::Range { start: at(3, 0), end: at(3, 4) } },
                    message: "here".into(),
                }]),
                ..Default::default()
            },
            lsp::Diagnostic { message: "unsourced".into(), ..Default::default() },
        ];
        for list in [&list[..], &[]] {
            let publication = Publication::written(&uri, 7, |out| serde_json::to_writer(out, list).unwrap());
            let params = lsp::PublishDiagnosticsParams { uri: uri.clone(), diagnostics: list.to_vec(), version: Some(7) };
            assert_eq!(publication.json, serde_json::to_vec(&params).unwrap());
            assert_eq!(publication.list(), serde_json::to_vec(list).unwrap());
        }
    }

    /// The seed corpus's diagnostics, conflicts across documents and their
    /// related places included, written directly: what serde writes for
    /// the protocol's diagnostics. A copy of a seed under a key whose URI
    /// is built the long way, and one whose text no longer parses.
    #[test]
    fn diagnostics_written_as_json_are_the_protocols_diagnostics() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../seeds");
        let mut project = gloss_project::Project::load(&seeds).unwrap();
        let first = std::fs::read_to_string(seeds.join("01-russias-north-korean-connection.txt")).unwrap();
        project.workspace.set_document("copies//\"01\" été.txt", &first);
        project.workspace.set_document("broken.txt", "[unclosed {claim=x src=@nobody");
        let analysis = project.workspace.snapshot();
        let folder = Folder::new(crate::state::Place::Root(project.root.clone()));
        // Ids' kinds looked up and related places written once for all
        // the files, as a workspace pull does: the same JSON as each list
        // worked out alone; the same too when the places kept are dropped
        // every few hundred bytes.
        let mut whole = 0;
        for (enc, keeping) in [(Encoding::Utf16, None), (Encoding::Utf8, None), (Encoding::Utf16, Some(300))] {
            let places = keeping.map_or_else(WrittenPlaces::default, WrittenPlaces::keeping);
            let mut pass = ListsPass { places, kinds: Kinds::default() };
            let (mut related, mut listed) = (0, 0);
            for (_, file) in analysis.files() {
                let each = file_diagnostics(&folder, &analysis, &file.path, enc);
                listed += each.len();
                related += each.iter().filter_map(|d| d.related_information.as_ref()).map(Vec::len).sum::<usize>();
                let mut written = Vec::new();
                file_diagnostics_json(&folder, &analysis, &file.path, enc, &mut written, &mut pass);
                assert_eq!(String::from_utf8(written).unwrap(), serde_json::to_string(&each).unwrap(), "{}", file.path);
            }
            assert!(listed > 0 && related > 0, "{listed} diagnostics, {related} related places");
            assert!(pass.places.len() > 0 && pass.places.len() < related, "{} places kept for {related} related places", pass.places.len());
            match keeping {
                // What a pass keeps, all of it: more than the 300 bytes
                // below, so that they are dropped there.
                None => whole = pass.places.written(),
                Some(bytes) => {
                    assert!(whole > 2 * bytes, "{whole} bytes of places in all: too few to be dropped");
                    assert!(pass.places.written() < bytes + 1000, "{} bytes kept", pass.places.written());
                }
            }
        }
        let mut none = Vec::new();
        file_diagnostics_json(&folder, &analysis, "not/a/file.txt", Encoding::Utf16, &mut none, &mut ListsPass::default());
        assert_eq!(none, b"[]");
    }
}
