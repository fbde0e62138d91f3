//! The real server over an in-memory pipe: what a session's client
//! controls. Cancelling a request, the log level, the editor's conflict
//! settings over `gloss.toml`'s, and diagnostics pulled before the
//! workspace has been read.

mod support;

use serde_json::{json, Value};
use support::{codes, debounce, indexed, pos, uri, workspace, Client, REGISTRY};

const A: &str = "{#a date=2024-10-17}\n[Vladimir Putin]{@putin} met them. [Ukrainian intelligence]{@ua-intel} said [approximately 10,000 soldiers]{claim=nk-troops src=@ua-intel}.\n";
const B: &str = "{#b date=2024-10-23}\n[The White House]{@white-house} says [around 3,000]{claim=nk-troops src=@white-house}.\n";

fn files() -> tempfile::TempDir {
    workspace(&[("gloss.toml", REGISTRY), ("docs/a.txt", A), ("docs/b.txt", B)])
}

#[tokio::test]
async fn a_cancelled_request_is_answered_with_request_cancelled() {
    let dir = files();
    let root = dir.path().canonicalize().unwrap();
    let mut c = indexed(&root, &[], json!({})).await;
    // A long document, so that its references take long enough to cancel.
    let big = uri(&root.join("docs/big.txt"));
    c.open(&big, &"[Putin]{@putin} ".repeat(200_000)).await;
    let at = json!({"line": 0, "character": 2});
    let params = json!({"textDocument": {"uri": big}, "position": at, "context": {"includeDeclaration": true}});
    let id = 900_001;
    c.send(&json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/references", "params": params})).await;
    c.notify("$/cancelRequest", json!({"id": id})).await;
    let answer = c.response_to(id).await;
    assert_eq!(answer["error"]["code"], -32800, "{}", &answer.to_string()[..200.min(answer.to_string().len())]);
    // The server goes on answering.
    let hover = c.request("textDocument/hover", json!({"textDocument": {"uri": uri(&root.join("docs/a.txt"))}, "position": pos(A, "Putin", 0, false)})).await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Vladimir Putin"));
}

#[tokio::test]
async fn the_client_sets_the_log_level() {
    let logs = |c: &Client| -> Vec<String> {
        c.notifications.iter().filter(|n| n["method"] == "window/logMessage").map(|n| n["params"]["message"].as_str().unwrap().to_string()).collect()
    };
    let dir = files();
    let root = dir.path().canonicalize().unwrap();

    let mut quiet = indexed(&root, &[], json!({"log": {"level": "warn"}})).await;
    quiet.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///never/opened.txt", "version": 2}, "contentChanges": [{"text": "x"}]})).await;
    quiet.wait_for(|n| n["method"] == "window/logMessage" && n["params"]["message"].as_str().unwrap().contains("which is not open")).await;
    quiet.request("workspace/symbol", json!({"query": "x"})).await;
    let said = logs(&quiet);
    assert!(said.iter().any(|m| m.contains("which is not open")), "warnings still come: {said:?}");
    assert!(!said.iter().any(|m| m.contains("indexed") || m.contains("workspace roots")), "no info at warn: {said:?}");

    let mut chatty = indexed(&root, &[], json!({})).await;
    let said = chatty.wait_for(|n| n["method"] == "window/logMessage" && n["params"]["message"].as_str().unwrap().contains("indexed 3 files")).await;
    assert_eq!(said["params"]["type"], 3, "info by default: {said}");
}

#[tokio::test]
async fn the_editors_conflict_tolerance_wins_over_gloss_toml_and_can_be_dropped() {
    let dir = files();
    let root = dir.path().canonicalize().unwrap();
    let a = uri(&root.join("docs/a.txt"));
    let mut c = indexed(&root, &[], debounce(0)).await;
    c.open(&a, A).await;
    assert_eq!(codes(&c.settled_diagnostics(&a).await), ["conflicting-claim"]);

    // 10,000 ± 20% against 3,000 ± 20%, widened by 60% each side: they meet.
    c.notify("workspace/didChangeConfiguration", json!({"settings": {"gloss": {"conflicts": {"tolerance": 0.6}}}})).await;
    assert_eq!(codes(&c.settled_diagnostics(&a).await), Vec::<String>::new());
    // A window of no days cannot join 17 and 23 October either.
    c.notify("workspace/didChangeConfiguration", json!({"settings": {"gloss": {"conflicts": {"tolerance": null, "windowDays": 0}}}})).await;
    assert_eq!(codes(&c.settled_diagnostics(&a).await), Vec::<String>::new());
    // Back to gloss.toml's settings.
    c.notify("workspace/didChangeConfiguration", json!({"settings": {"gloss": {"conflicts": {"windowDays": null}}}})).await;
    assert_eq!(codes(&c.settled_diagnostics(&a).await), ["conflicting-claim"]);
}

#[tokio::test]
async fn diagnostics_pulled_before_the_workspace_is_read_wait_for_it() {
    let dir = files();
    let root = dir.path().canonicalize().unwrap();
    let a = uri(&root.join("docs/a.txt"));
    let mut c = Client::start();
    // Pulls, and cannot be asked to pull again (Neovim 0.10 and 0.11).
    let capabilities = json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}});
    c.initialize_with(vec![&root], capabilities, json!({})).await;
    c.open(&a, A).await;
    let report = c.request("textDocument/diagnostic", json!({"textDocument": {"uri": a}})).await;
    assert_eq!(report["kind"], "full");
    // Without the registry, every id would be unknown; with it, only the conflict.
    assert_eq!(codes(report["items"].as_array().unwrap()), ["conflicting-claim"]);
}

#[tokio::test]
async fn a_client_that_asks_is_told_the_workspaces_numbers() {
    let dir = files();
    let root = dir.path().canonicalize().unwrap();
    let b = uri(&root.join("docs/b.txt"));
    let mut c = Client::start();
    let capabilities = json!({"experimental": {"glossStatus": true}});
    c.initialize_with(vec![&root], capabilities, debounce(0)).await;
    let status = |n: &Value| n["method"] == "gloss/status" && n["params"]["indexing"] == false;
    let ready = c.wait_for(status).await;
    assert_eq!(ready["params"], json!({"indexing": false, "documents": 2, "claims": 2, "conflicts": 1}));

    // Dropping the White House's figure ends the conflict.
    c.open(&b, B).await;
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": b, "version": 2}, "contentChanges": [{"text": "{#b date=2024-10-23}\nNothing.\n"}]}))
        .await;
    let after = c.wait_for(|n| status(n) && n["params"]["claims"] == 1).await;
    assert_eq!(after["params"]["conflicts"], 0);
}

#[tokio::test]
async fn a_client_that_does_not_ask_gets_no_status() {
    let dir = files();
    let root = dir.path().canonicalize().unwrap();
    let mut c = indexed(&root, &[], json!({})).await;
    c.request("workspace/symbol", json!({"query": "x"})).await;
    assert!(!c.notifications.iter().any(|n| n["method"] == "gloss/status"));
}

/// Polls the diagnostics of `uri` until they have these codes (changes on
/// disk reach the server on their own time).
async fn eventually_codes(c: &mut Client, uri: &str, want: &[&str]) -> Vec<Value> {
    let mut last = Vec::new();
    for _ in 0..40 {
        last = c.settled_diagnostics(uri).await;
        if codes(&last) == want {
            return last;
        }
    }
    panic!("diagnostics of {uri} never became {want:?}: {last:?}");
}

#[tokio::test]
async fn without_a_watching_client_the_server_watches_the_folders_itself() {
    let dir = files();
    let root = dir.path().canonicalize().unwrap();
    let a = uri(&root.join("docs/a.txt"));
    let mut c = Client::start();
    // Neither watched-file registration nor progress: a plain client.
    c.initialize_with(vec![&root], json!({}), debounce(0)).await;
    c.wait_for(|n| n["method"] == "window/logMessage" && n["params"]["message"].as_str().unwrap().starts_with("watching")).await;
    assert!(!c.server_requests.iter().any(|r| r["method"] == "client/registerCapability"));
    // The watch (which walks the folder) begins once the folder is read,
    // not alongside the reading.
    let logged: Vec<&str> = c.notifications.iter().filter(|n| n["method"] == "window/logMessage").filter_map(|n| n["params"]["message"].as_str()).collect();
    let at = |start: &str| logged.iter().position(|m| m.starts_with(start)).unwrap_or_else(|| panic!("no {start:?} in {logged:?}"));
    assert!(at("indexed") < at("watching"), "{logged:?}");
    c.open(&a, A).await;
    eventually_codes(&mut c, &a, &["conflicting-claim"]).await;

    std::fs::remove_file(root.join("docs/b.txt")).unwrap();
    eventually_codes(&mut c, &a, &[]).await;

    let c_text = "{#c date=2024-10-20}\n[Officials]{@white-house} counted [some 500 soldiers]{claim=nk-troops src=@white-house}.\n";
    std::fs::create_dir_all(root.join("docs/more")).unwrap();
    std::fs::write(root.join("docs/more/c.txt"), c_text).unwrap();
    let found = eventually_codes(&mut c, &a, &["conflicting-claim"]).await;
    assert_eq!(found[0]["relatedInformation"][0]["location"]["uri"], uri(&root.join("docs/more/c.txt")));
}

#[tokio::test]
async fn a_second_start_takes_unchanged_documents_from_the_cache_and_a_damaged_cache_is_rebuilt() {
    let dir = files();
    let root = dir.path().canonicalize().unwrap();
    let cache = gloss_project::FactsCache::location(&root).expect("a cache folder (set in .cargo/config.toml)");
    assert!(!cache.starts_with(&root), "the cache is never in the workspace");
    let indexed = |n: &Value| n["method"] == "window/logMessage" && n["params"]["message"].as_str().unwrap().contains("indexed 3 files");
    let wait_written = |min: u64| {
        let cache = cache.clone();
        async move {
            for _ in 0..200 {
                if std::fs::metadata(&cache).is_ok_and(|m| m.len() > min) {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            panic!("no cache written");
        }
    };

    let mut first = Client::start();
    first.initialize(Some(&root), &[], json!({})).await;
    let said = first.wait_for(indexed).await;
    assert!(!said["params"]["message"].as_str().unwrap().contains("cache"), "{said}");
    wait_written(16).await;

    let mut second = Client::start();
    second.initialize(Some(&root), &[], json!({})).await;
    let said = second.wait_for(indexed).await;
    assert!(said["params"]["message"].as_str().unwrap().contains("(2 from the cache)"), "{said}");
    let a = uri(&root.join("docs/a.txt"));
    second.open(&a, A).await;
    assert_eq!(codes(&second.settled_diagnostics(&a).await), ["conflicting-claim"]);

    // Truncated: not read, written again whole.
    let whole = std::fs::read(gloss_project::FactsCache::location(&root).unwrap()).unwrap();
    std::fs::write(gloss_project::FactsCache::location(&root).unwrap(), &whole[..whole.len() / 2]).unwrap();
    let mut third = Client::start();
    third.initialize(Some(&root), &[], json!({})).await;
    let said = third.wait_for(indexed).await;
    assert!(!said["params"]["message"].as_str().unwrap().contains("cache"), "{said}");
    wait_written(whole.len() as u64 - 1).await;
}

/// A document open as the workspace is read (an editor restoring its
/// tabs) is written to the cache as it is on disk, though the editor's
/// text differs: the next start takes it from the cache (and, finding the
/// cache whole, does not write it again) rather than parse it.
#[tokio::test]
async fn a_document_open_at_the_start_goes_into_the_cache_as_it_is_on_disk() {
    let dir = files();
    let root = dir.path().canonicalize().unwrap();
    let cache = gloss_project::FactsCache::location(&root).unwrap();
    let (a, b) = (uri(&root.join("docs/a.txt")), uri(&root.join("docs/b.txt")));
    let indexed = |n: &Value| n["method"] == "window/logMessage" && n["params"]["message"].as_str().unwrap().contains("indexed 3 files");

    // Opened before `initialized`, so before the folder is read: the
    // workspace never holds a.txt's disk text.
    let mut first = Client::start();
    let folders = json!([{"uri": uri(&root), "name": "ws"}]);
    first.request("initialize", json!({"processId": null, "workspaceFolders": folders, "capabilities": {"window": {"workDoneProgress": true}}})).await;
    first.open(&a, &A.replace("10,000", "3,000")).await;
    first.notify("initialized", json!({})).await;
    first.wait_for(indexed).await;
    assert_eq!(codes(&first.settled_diagnostics(&a).await), Vec::<String>::new(), "the editor's text: no conflict");
    for _ in 0..200 {
        if std::fs::metadata(&cache).is_ok_and(|m| m.len() > 16) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    let mut second = Client::start();
    second.initialize(Some(&root), &[], json!({})).await;
    let said = second.wait_for(indexed).await;
    assert!(said["params"]["message"].as_str().unwrap().contains("(2 from the cache)"), "{said}");
    // a.txt as on disk: 10,000 against b.txt's 3,000.
    second.open(&b, B).await;
    assert_eq!(codes(&second.settled_diagnostics(&b).await), ["conflicting-claim"]);
}

#[tokio::test]
async fn a_registry_file_turned_into_a_link_out_of_the_workspace_is_not_read_again() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.toml"), "[actor.secret]\nname = \"Secret Person\"\n").unwrap();
    let files =
        [("gloss.toml", "[workspace]\nregistry = [\"reg.toml\"]\n"), ("reg.toml", "[actor.known]\nname = \"Known Person\"\n"), ("docs/a.txt", "[x]{@known}\n")];
    let (mut c, _dir, root) = support::started(&files, &[], json!({})).await;
    let names = |r: &Value| r.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    assert_eq!(names(&c.request("workspace/symbol", json!({"query": "Person"})).await), ["Known Person"]);

    std::fs::remove_file(root.join("reg.toml")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.toml"), root.join("reg.toml")).unwrap();
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&root.join("reg.toml")), "type": 2}]})).await;
    let pulled = c.request("workspace/diagnostic", json!({"previousResultIds": []})).await;
    let reg = pulled["items"].as_array().unwrap().iter().find(|i| i["uri"] == uri(&root.join("reg.toml"))).expect("a report for reg.toml").clone();
    assert!(reg["items"].as_array().unwrap().iter().any(|d| d["message"].as_str().unwrap().contains("outside the workspace")), "{reg}");
    assert!(names(&c.request("workspace/symbol", json!({"query": "Person"})).await).is_empty(), "nothing of the link's target is read");
}
