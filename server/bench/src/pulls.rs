//! VS Code's way with diagnostics: the whole workspace's pulled, in parts
//! (`$/progress`), then pulled again with the result ids it holds, every
//! two seconds and after edits.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::client::Server;
use crate::workload::{self, Pair, Workload};

/// One workspace pull: how long to its answer (every part arrives before
/// it), the JSON sent, in how many parts, and how many files' lists were
/// sent in full.
pub struct Pull {
    pub took: Duration,
    pub bytes: usize,
    pub parts: usize,
    pub largest_part: usize,
    pub full: usize,
    pub files: usize,
}

pub struct Pulls {
    /// The first pull, once every subject is related.
    pub first: Pull,
    /// Again with the ids it gave: nothing changed.
    pub again: Pull,
    /// After the figure of a short document's one claim is edited into a
    /// conflict (with the 1 MB document's claim on its subject).
    pub after_edit: Pull,
    /// After a figure in the 1 MB document (claims on every subject) is
    /// edited.
    pub after_big_edit: Pull,
    pub peak_rss_kb: Option<u64>,
}

/// A server on the workspace at `root` for a client that pulls.
pub fn measure(gloss: &Path, cache: &Path, w: &Workload, root: &Path, pair: &Pair) -> Pulls {
    let spawned = Instant::now();
    let capabilities = json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true},
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {"diagnostics": {"refreshSupport": true}},
    });
    let mut server = Server::started(gloss, cache, &w.uri(root, "."), capabilities);
    server.wait_for(spawned, |n| n["method"] == "window/logMessage" && n["params"]["message"].as_str().is_some_and(|m| m.starts_with("related the claims")));

    let first = pull(&mut server, &[]);
    let held = ids(&server, &first);
    let again = pull(&mut server, &held);

    let at = pair.other_text.find(pair.figure).expect("the short document's figure");
    edit(&mut server, &pair.other_uri, &pair.other_text, workload::position(&pair.other_text, at), pair.figure, pair.conflicting);
    let held = ids(&server, &again);
    let after_edit = pull(&mut server, &held);
    edit(&mut server, &pair.big_uri, &pair.big_text, pair.at.clone(), pair.figure, pair.conflicting);
    let held = ids(&server, &after_edit);
    let after_big_edit = pull(&mut server, &held);
    let peak_rss_kb = server.finish();
    Pulls { first: first.0, again: again.0, after_edit: after_edit.0, after_big_edit: after_big_edit.0, peak_rss_kb }
}

/// Opens a document and replaces `old` at `at` by `new`; returns once the
/// edit is in (the document's own pull, as VS Code makes on an edit, is
/// answered).
fn edit(server: &mut Server, uri: &str, text: &str, at: Value, old: &str, new: &str) {
    server.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "gloss", "version": 1, "text": text}}));
    let range = json!({"start": at, "end": {"line": at["line"], "character": at["character"].as_u64().unwrap() + old.len() as u64}});
    server.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": range, "text": new}]}));
    server.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri}}));
}

/// A pull, and where its parts start among the server's notifications.
type Pulled = (Pull, usize);

fn pull(server: &mut Server, held: &[Value]) -> Pulled {
    let token = format!("pull-{}", server.notifications.len());
    let from = server.notifications.len();
    let (answer, took) = server.request("workspace/diagnostic", json!({"previousResultIds": held, "partialResultToken": token}));
    let parts: Vec<&Value> =
        server.notifications[from..].iter().map(|(_, n)| n).filter(|n| n["method"] == "$/progress" && n["params"]["token"] == token.as_str()).collect();
    let summaries = parts.iter().map(|p| &p["params"]["value"]).chain([&answer]);
    let (mut bytes, mut largest_part, mut full, mut files) = (0, 0, 0, 0);
    for s in summaries {
        let size = s["bytes"].as_u64().unwrap_or(0) as usize;
        bytes += size;
        largest_part = largest_part.max(size);
        full += s["full"].as_u64().unwrap_or(0) as usize;
        files += s["items"].as_array().map_or(0, Vec::len);
    }
    (Pull { took, bytes, parts: parts.len(), largest_part, full, files }, from)
}

/// The result ids the client holds after a pull: `{uri, value}` of each file.
fn ids(server: &Server, pulled: &Pulled) -> Vec<Value> {
    server.notifications[pulled.1..]
        .iter()
        .filter(|(_, n)| n["method"] == "$/progress" && n["params"]["value"]["items"].is_array())
        .flat_map(|(_, n)| n["params"]["value"]["items"].as_array().unwrap().iter())
        .filter(|i| i["resultId"].is_string())
        .map(|i| json!({"uri": i["uri"], "value": i["resultId"]}))
        .collect()
}
