//! After reading a folder from disk, the server writes its facts cache and
//! holds the closed documents' texts where they lie in that file, instead
//! of its own copies (34 MB at 20,000 documents). Answers about those
//! documents must not change: positions after wide chars (which read the
//! text), and the texts of documents opened, edited and closed since.

mod support;

use serde_json::json;
use support::{debounce, indexed, pos, sandbox_with_cache, uri};

const CONFIG: &str = "[workspace]\ndocuments = [\"docs/*.txt\"]\n\n[actor.putin]\nname = \"Vladimir Putin\"\naliases = [\"Putin\"]\n";
const A: &str = "[Putin]{@putin} spoke.\n";
const B: &str = "Ünïcödé — 🙂 [Vladimir Putin]{@putin} and 🙂🙂 [Putin]{@putin} again.\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_documents_answer_the_same_once_their_texts_come_from_the_cache() {
    let files = [("gloss.toml", CONFIG), ("docs/a.txt", A), ("docs/b.txt", B)];
    let (sandbox, ws) = sandbox_with_cache(&files);
    let cache = sandbox.path().join("cache");
    // Files last changed an hour ago: the cache keeps their texts (it keeps
    // none for a file changed in the last seconds).
    let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for (path, _) in files {
        std::fs::File::options().write(true).open(ws.join(path)).unwrap().set_modified(an_hour_ago).unwrap();
    }
    let root = ws.canonicalize().unwrap();
    let mut c = indexed(&root, &["utf-16"], debounce(0)).await;
    // Relating every subject waits for the cache to be written and the
    // texts taken from it.
    c.wait_for(|n| n["method"] == "window/logMessage" && n["params"]["message"].as_str().is_some_and(|m| m.starts_with("related the claims"))).await;
    let written: Vec<_> = std::fs::read_dir(&cache).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(written.iter().any(|n| n.ends_with(".facts")), "{written:?}");

    let (a, b) = (uri(&root.join("docs/a.txt")), uri(&root.join("docs/b.txt")));
    c.open(&a, A).await;
    let at = json!({"textDocument": {"uri": a}, "position": pos(A, "putin", 0, false), "context": {"includeDeclaration": false}});
    let in_b = |found: &serde_json::Value| {
        let mut ranges: Vec<_> = found.as_array().unwrap().iter().filter(|l| l["uri"] == b).map(|l| l["range"].clone()).collect();
        ranges.sort_by_key(|r| r["start"]["character"].as_u64());
        ranges
    };
    let expected = vec![
        json!({"start": pos(B, "putin", 0, false), "end": pos(B, "putin", 5, false)}),
        json!({"start": pos(B, "putin} again", 0, false), "end": pos(B, "putin} again", 5, false)}),
    ];
    // UTF-16 columns after wide chars, counted from the shared text.
    assert_eq!(in_b(&c.request("textDocument/references", at.clone()).await), expected);

    // Opened, edited and closed: the editor's text, then the disk's again.
    c.open(&b, B).await;
    let edited = format!("🙂{B}");
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": b, "version": 2}, "contentChanges": [{"text": edited}]})).await;
    let moved = vec![
        json!({"start": pos(&edited, "putin", 0, false), "end": pos(&edited, "putin", 5, false)}),
        json!({"start": pos(&edited, "putin} again", 0, false), "end": pos(&edited, "putin} again", 5, false)}),
    ];
    assert_eq!(in_b(&c.request("textDocument/references", at.clone()).await), moved);
    c.notify("textDocument/didClose", json!({"textDocument": {"uri": b}})).await;
    assert_eq!(in_b(&c.request("textDocument/references", at.clone()).await), expected);
}
