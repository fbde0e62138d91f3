//! The real server over an in-memory pipe: workspaces (several roots, files
//! alone, watched files, an edited gloss.toml), settings, pulled and pushed
//! diagnostics, and the end of a session.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{codes, debounce, decode, pos, uri, workspace, Client, REGISTRY};

const A: &str = "{#a date=2024-10-17}\nСеверокорейские 😀 [Vladimir Putin]{@putin} met them.\n[Ukrainian intelligence]{@ua-intel} said [approximately 10,000 soldiers]{claim=nk-troops src=@ua-intel}.\n";
const B: &str = "{#b date=2024-10-23}\r\n북한 [The White House]{@white-house} says\r\n[around 3,000]{claim=nk-troops src=@white-house}.\r\n";

/// The registry, A and B on disk, a client on them.
async fn started(options: Value) -> (Client, tempfile::TempDir, std::path::PathBuf) {
    support::started(&[("gloss.toml", REGISTRY), ("docs/a.txt", A), ("docs/b.txt", B)], &[], options).await
}

fn change(uri: &str, version: i32, start: Value, end: Value, text: &str) -> Value {
    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": {"start": start, "end": end}, "text": text}]})
}

/// The position `n` UTF-16 units after `p` on its line.
fn plus(p: &Value, n: u64) -> Value {
    json!({"line": p["line"], "character": p["character"].as_u64().unwrap() + n})
}

#[tokio::test]
async fn a_crlf_document_and_both_sides_of_a_conflict_are_republished() {
    let (mut c, _dir, root) = started(debounce(0)).await;
    let (a, b) = (uri(&root.join("docs/a.txt")), uri(&root.join("docs/b.txt")));
    c.open(&a, A).await;
    c.open(&b, B).await;
    let on_b = c.settled_diagnostics(&b).await;
    assert_eq!(codes(&on_b), ["conflicting-claim"]);
    // Lines end in CRLF; the column counts UTF-16 units after Korean text.
    assert_eq!(on_b[0]["range"]["start"], json!({"line": 2, "character": 1}));
    assert_eq!(on_b[0]["range"]["end"], json!({"line": 2, "character": 13}));
    assert_eq!(on_b[0]["relatedInformation"][0]["location"]["uri"], a);
    assert_eq!(codes(&c.settled_diagnostics(&a).await), ["conflicting-claim"]);

    // B now agrees with A: both lose their conflict, B with its new version.
    let at = pos(B, "3,000", 0, false);
    c.notify("textDocument/didChange", change(&b, 7, at.clone(), plus(&at, 5), "10,000")).await;
    assert!(c.settled_diagnostics(&b).await.is_empty());
    assert!(c.settled_diagnostics(&a).await.is_empty());
    assert_eq!(c.last_published(&b).unwrap()["params"]["version"], 7);
    // A second edit puts the conflict back in both.
    let at = pos(B, "3,000", 0, false);
    c.notify("textDocument/didChange", change(&b, 8, at.clone(), plus(&at, 6), "3,000")).await;
    assert_eq!(codes(&c.settled_diagnostics(&a).await), ["conflicting-claim"]);
    assert_eq!(codes(&c.settled_diagnostics(&b).await), ["conflicting-claim"]);
    assert_eq!(c.last_published(&b).unwrap()["params"]["version"], 8);
}

#[tokio::test]
async fn several_roots_a_root_found_on_open_and_a_file_alone() {
    let one = workspace(&[("gloss.toml", "[actor.putin]\nname = \"Vladimir Putin\"\n"), ("a.txt", "[Putin]{@putin}\n")]);
    let two = workspace(&[("gloss.toml", "[actor.kim]\nname = \"Kim Jong-un\"\n"), ("k.txt", "[Kim]{@kim} and [Putin]{@putin}\n")]);
    let three = workspace(&[("gloss.toml", "[actor.zed]\nname = \"Zed Zedson\"\n"), ("sub/z.txt", "[Zed]{@zed}\n")]);
    let alone = workspace(&[("alone.txt", "[X]{#x kind=person} met [X]{@x} and [P]{@putin}.\n")]);
    let (one_root, two_root) = (one.path().canonicalize().unwrap(), two.path().canonicalize().unwrap());
    let mut c = Client::start();
    let caps = json!({"window": {"workDoneProgress": true}});
    c.initialize_with(vec![&one_root, &two_root], caps, debounce(0)).await;
    // Both roots indexed.
    for _ in 0..100 {
        let ends = c.notifications.iter().filter(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end").count();
        if ends == 2 {
            break;
        }
        c.wait_for(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end").await;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let putin = c.request("workspace/symbol", json!({"query": "Vladimir"})).await;
    assert_eq!(putin[0]["location"]["uri"], uri(&one_root.join("gloss.toml")), "{putin}");
    let kim = c.request("workspace/symbol", json!({"query": "Kim"})).await;
    assert_eq!(kim[0]["location"]["uri"], uri(&two_root.join("gloss.toml")), "{kim}");

    // Roots do not see each other's registry.
    let k = uri(&two_root.join("k.txt"));
    c.open(&k, "[Kim]{@kim} and [Putin]{@putin}\n").await;
    let unknown = c.settled_diagnostics(&k).await;
    assert_eq!(codes(&unknown), ["unknown-id"]);
    assert_eq!(unknown[0]["range"]["start"], json!({"line": 0, "character": 25}));

    // A file under a gloss.toml that is no workspace folder: that root is read.
    let z = uri(&three.path().canonicalize().unwrap().join("sub/z.txt"));
    c.open(&z, "[Zed]{@zed}\n").await;
    let mut hover = Value::Null;
    for _ in 0..100 {
        hover = c.request("textDocument/hover", json!({"textDocument": {"uri": z}, "position": {"line": 0, "character": 8}})).await;
        if hover["contents"]["value"].as_str().is_some_and(|v| v.contains("Zed Zedson")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Zed Zedson"), "{hover}");

    // A file alone: its own definitions, nobody else's.
    let x = uri(&alone.path().canonicalize().unwrap().join("alone.txt"));
    let text = "[X]{#x kind=person} met [X]{@x} and [P]{@putin}.\n";
    c.open(&x, text).await;
    let found = c.settled_diagnostics(&x).await;
    assert_eq!(codes(&found), ["unknown-id"], "{found:?}");
    let defs = c.request("textDocument/definition", json!({"textDocument": {"uri": x}, "position": pos(text, "{@x}", 2, false)})).await;
    assert_eq!(defs[0]["uri"], x);
    assert_eq!(defs[0]["range"]["start"], json!({"line": 0, "character": 5}));
    let pulled = c.request("workspace/diagnostic", json!({"previousResultIds": []})).await;
    let uris: Vec<&str> = pulled["items"].as_array().unwrap().iter().map(|i| i["uri"].as_str().unwrap()).collect();
    assert!(uris.contains(&x.as_str()) && uris.contains(&k.as_str()), "{uris:?}");
}

#[tokio::test]
async fn watched_files_created_changed_and_deleted() {
    let (mut c, dir, root) = started(debounce(0)).await;
    assert!(c
        .server_requests
        .iter()
        .any(|r| r["method"] == "client/registerCapability" && r["params"]["registrations"][0]["method"] == "workspace/didChangeWatchedFiles"));
    let a = uri(&root.join("docs/a.txt"));
    c.open(&a, A).await;
    assert_eq!(codes(&c.settled_diagnostics(&a).await), ["conflicting-claim"]);

    std::fs::remove_file(dir.path().join("docs/b.txt")).unwrap();
    let b = uri(&root.join("docs/b.txt"));
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": b, "type": 3}]})).await;
    assert!(c.settled_diagnostics(&a).await.is_empty());

    let c_text = "{#c date=2024-10-20}\n[Officials]{@white-house} counted [some 500 soldiers]{claim=nk-troops src=@white-house}.\n";
    std::fs::write(dir.path().join("docs/c.txt"), c_text).unwrap();
    let c_uri = uri(&root.join("docs/c.txt"));
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": c_uri, "type": 1}]})).await;
    let found = c.settled_diagnostics(&a).await;
    assert_eq!(codes(&found), ["conflicting-claim"]);
    assert_eq!(found[0]["relatedInformation"][0]["location"]["uri"], c_uri);

    // A registry change on disk: the name on hover follows it.
    std::fs::write(dir.path().join("gloss.toml"), REGISTRY.replace("Vladimir Putin", "V. V. Putin")).unwrap();
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&root.join("gloss.toml")), "type": 2}]})).await;
    let at = pos(A, "@putin", 2, false);
    let mut md = String::new();
    for _ in 0..100 {
        let hover = c.request("textDocument/hover", json!({"textDocument": {"uri": a}, "position": at})).await;
        md = hover["contents"]["value"].as_str().unwrap_or_default().to_string();
        if md.contains("V. V. Putin") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(md.contains("V. V. Putin"), "{md}");
}

/// A gloss.toml saved on disk reads its folder again: documents its globs
/// no longer match are dropped, and with them their claims' conflicts,
/// while the open document stays; widened again, they come back.
#[tokio::test]
async fn a_saved_gloss_toml_drops_the_documents_it_no_longer_matches() {
    let (mut c, dir, root) = started(debounce(0)).await;
    let a = uri(&root.join("docs/a.txt"));
    c.open(&a, A).await;
    assert_eq!(codes(&c.settled_diagnostics(&a).await), ["conflicting-claim"]);
    let toml = json!({"changes": [{"uri": uri(&root.join("gloss.toml")), "type": 2}]});
    std::fs::write(dir.path().join("gloss.toml"), format!("[workspace]\ndocuments = [\"docs/a.txt\"]\n\n{REGISTRY}")).unwrap();
    c.notify("workspace/didChangeWatchedFiles", toml.clone()).await;
    assert!(codes_until(&mut c, &a, &[]).await.is_empty());
    std::fs::write(dir.path().join("gloss.toml"), REGISTRY).unwrap();
    c.notify("workspace/didChangeWatchedFiles", toml).await;
    assert_eq!(codes_until(&mut c, &a, &["conflicting-claim"]).await, ["conflicting-claim"]);
}

/// The codes of a document's diagnostics once they are `wanted`, or as
/// they are after some tries.
async fn codes_until(c: &mut Client, uri: &str, wanted: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for _ in 0..50 {
        found = codes(&c.settled_diagnostics(uri).await);
        if found == wanted {
            break;
        }
    }
    found
}

#[tokio::test]
async fn an_open_gloss_toml_applies_live() {
    let (mut c, _dir, root) = started(debounce(0)).await;
    let (a, toml) = (uri(&root.join("docs/a.txt")), uri(&root.join("gloss.toml")));
    c.open(&a, A).await;
    c.open(&toml, REGISTRY).await;
    let renamed = REGISTRY.replace("Vladimir Putin", "Владимир Путин");
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": toml, "version": 2}, "contentChanges": [{"text": renamed}]})).await;
    let hover = c.request("textDocument/hover", json!({"textDocument": {"uri": a}, "position": pos(A, "@putin", 2, false)})).await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Владимир Путин"), "{hover}");
    assert_eq!(codes(&c.settled_diagnostics(&a).await), ["conflicting-claim"]);

    // Narrowing the documents to a.txt drops b.txt, and with it the conflict.
    let narrowed = format!("[workspace]\ndocuments = [\"docs/a.txt\"]\n\n{renamed}");
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": toml, "version": 3}, "contentChanges": [{"text": narrowed}]})).await;
    let mut found = vec![json!(null)];
    for _ in 0..50 {
        found = c.settled_diagnostics(&a).await;
        if found.is_empty() {
            break;
        }
    }
    assert!(found.is_empty(), "{found:?}");
    // A registry error in the open gloss.toml is shown on it.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": toml, "version": 4}, "contentChanges": [{"text": "[actor.putin]\nkind = \"person\"\n"}]}),
    )
    .await;
    assert_eq!(codes(&c.settled_diagnostics(&toml).await), ["registry"]);
}

#[tokio::test]
async fn settings_from_workspace_configuration_and_diagnostics_on_save() {
    let dir = workspace(&[("gloss.toml", REGISTRY), ("docs/a.txt", A), ("docs/b.txt", B)]);
    let root = dir.path().canonicalize().unwrap();
    let mut c = Client::start();
    c.answers.insert("workspace/configuration".into(), json!([{"diagnostics": {"on": "save", "debounceMs": 0}}]));
    let caps = json!({"window": {"workDoneProgress": true}, "workspace": {"configuration": true}});
    c.initialize_with(vec![&root], caps, Value::Null).await;
    c.wait_indexed().await;
    assert!(c.server_requests.iter().any(|r| r["method"] == "workspace/configuration" && r["params"]["items"][0]["section"] == "gloss"));
    let a = uri(&root.join("docs/a.txt"));
    c.open(&a, A).await;
    assert_eq!(codes(&c.settled_diagnostics(&a).await), ["conflicting-claim"]);
    let published = c.publications(&a);

    // On save only: typing publishes nothing, saving does.
    let at = pos(A, "10,000", 0, false);
    c.notify("textDocument/didChange", change(&a, 2, at.clone(), plus(&at, 6), "3,000")).await;
    c.settled_diagnostics(&a).await;
    assert_eq!(c.publications(&a), published);
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": a}})).await;
    assert!(c.settled_diagnostics(&a).await.is_empty());
    assert_eq!(c.last_published(&a).unwrap()["params"]["version"], 2);

    // Settings change: the server asks again, and publishes on typing.
    c.answers.insert("workspace/configuration".into(), json!([{"diagnostics": {"on": "type", "debounceMs": 0}}]));
    c.notify("workspace/didChangeConfiguration", json!({"settings": null})).await;
    c.settled_diagnostics(&a).await;
    let at = pos(A, "10,000", 0, false);
    c.notify("textDocument/didChange", change(&a, 3, at.clone(), plus(&at, 5), "10,000")).await;
    assert_eq!(codes(&c.settled_diagnostics(&a).await), ["conflicting-claim"]);
    assert_eq!(c.last_published(&a).unwrap()["params"]["version"], 3);
}

#[tokio::test]
async fn clients_that_pull_are_asked_to_pull_again_not_pushed_to() {
    let dir = workspace(&[("gloss.toml", REGISTRY), ("docs/a.txt", A), ("docs/b.txt", B)]);
    let root = dir.path().canonicalize().unwrap();
    let mut c = Client::start();
    let caps = json!({
        "window": {"workDoneProgress": true},
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {"diagnostics": {"refreshSupport": true}},
    });
    c.initialize_with(vec![&root], caps, debounce(0)).await;
    c.wait_indexed().await;
    let a = uri(&root.join("docs/a.txt"));
    c.open(&a, A).await;
    let at = pos(A, "10,000", 0, false);
    c.notify("textDocument/didChange", change(&a, 2, at.clone(), plus(&at, 6), "3,000")).await;
    c.settled_diagnostics(&a).await;
    assert_eq!(c.publications(&a), 0);
    assert!(c.server_requests.iter().any(|r| r["method"] == "workspace/diagnostic/refresh"));
    let pulled = c.request("textDocument/diagnostic", json!({"textDocument": {"uri": a}})).await;
    assert!(pulled["items"].as_array().unwrap().is_empty(), "{pulled}");

    // Asking again with the result id: unchanged, until something changes.
    let id = pulled["resultId"].clone();
    let again = c.request("textDocument/diagnostic", json!({"textDocument": {"uri": a}, "previousResultId": id})).await;
    assert_eq!(again["kind"], "unchanged", "{again}");
    let everything = c.request("workspace/diagnostic", json!({"previousResultIds": []})).await;
    let ids: Vec<Value> = everything["items"].as_array().unwrap().iter().map(|i| json!({"uri": i["uri"], "value": i["resultId"]})).collect();
    assert_eq!(ids.len(), 3, "{everything}");
    let gone = uri(&root.join("docs/gone.txt"));
    let mut with_gone = ids.clone();
    with_gone.push(json!({"uri": gone, "value": "0:0"}));
    let unchanged = c.request("workspace/diagnostic", json!({"previousResultIds": with_gone})).await;
    let kinds: Vec<(&str, &str)> = unchanged["items"].as_array().unwrap().iter().map(|i| (i["uri"].as_str().unwrap(), i["kind"].as_str().unwrap())).collect();
    assert_eq!(kinds.iter().filter(|(_, k)| *k == "unchanged").count(), 3, "{kinds:?}");
    assert!(kinds.contains(&(gone.as_str(), "full")), "{kinds:?}");

    let at = pos(A, "10,000", 0, false);
    c.notify("textDocument/didChange", change(&a, 3, at.clone(), plus(&at, 5), "10,000")).await;
    let changed = c.request("textDocument/diagnostic", json!({"textDocument": {"uri": a}, "previousResultId": id})).await;
    assert_eq!(changed["kind"], "full");
    assert_eq!(codes(changed["items"].as_array().unwrap()), ["conflicting-claim"]);
    // Only the lists that changed are sent again: both documents now
    // conflict; the registry's list is as it was.
    let after = c.request("workspace/diagnostic", json!({"previousResultIds": ids})).await;
    let b = uri(&root.join("docs/b.txt"));
    let kind = |u: &str| after["items"].as_array().unwrap().iter().find(|i| i["uri"] == u).map(|i| i["kind"].clone());
    let toml = uri(&root.join("gloss.toml"));
    assert_eq!([kind(&a), kind(&b), kind(&toml)], [Some(json!("full")), Some(json!("full")), Some(json!("unchanged"))], "{after}");
    let full_of_b = after["items"].as_array().unwrap().iter().find(|i| i["uri"] == b.as_str()).unwrap();
    assert_eq!(codes(full_of_b["items"].as_array().unwrap()), ["conflicting-claim"]);

    // Each id names its list: asked again with the new ids, nothing is
    // sent; with the old ones after an edit that changes no list (a word
    // of prose), only the lists that differ from the old ones.
    let new_ids: Vec<Value> = after["items"].as_array().unwrap().iter().map(|i| json!({"uri": i["uri"], "value": i["resultId"]})).collect();
    let at = pos(A, "met them", 0, false);
    c.notify("textDocument/didChange", change(&a, 4, at.clone(), at.clone(), "quietly ")).await;
    c.settled_diagnostics(&a).await;
    let quiet = c.request("workspace/diagnostic", json!({"previousResultIds": new_ids})).await;
    assert!(quiet["items"].as_array().unwrap().iter().all(|i| i["kind"] == "unchanged"), "{quiet}");
    let versus_old = c.request("workspace/diagnostic", json!({"previousResultIds": ids})).await;
    let full: Vec<&str> = versus_old["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "full").map(|i| i["uri"].as_str().unwrap()).collect();
    assert_eq!(full.len(), 2, "{versus_old}");
    assert!(!full.contains(&toml.as_str()));
}

#[tokio::test]
async fn shutdown_then_exit_is_a_clean_end_and_exit_alone_is_not() {
    let mut c = Client::start();
    c.initialize(None, &[], Value::Null).await;
    assert_eq!(c.call("shutdown", Value::Null).await["result"], Value::Null);
    let after = c.call("textDocument/hover", json!({"textDocument": {"uri": "file:///x.txt"}, "position": {"line": 0, "character": 0}})).await;
    assert_eq!(after["error"]["code"], -32600, "{after}");
    c.notify("exit", Value::Null).await;
    assert!(tokio::time::timeout(Duration::from_secs(5), c.server).await.unwrap().unwrap());

    let mut c = Client::start();
    c.initialize(None, &[], Value::Null).await;
    c.notify("exit", Value::Null).await;
    assert!(!tokio::time::timeout(Duration::from_secs(5), c.server).await.unwrap().unwrap());
}

#[tokio::test]
async fn highlights_declaration_links_folds_and_fixes_with_their_diagnostics() {
    let text = "{#r date=2024-10-20}\n[Putin]{@putin} and [Putin]{@putin} spoke; [5,000 troops]{claim=nk-troops} per [Ukrainian intelligence]{@ua-intel}.\n\nReferences\n\n[Report one, 2024.]{#one kind=source url=https://example.org/one}\nsecond line.\n\n[Report two, 2024.]{#two kind=source}\nsecond line.\n";
    let (mut c, dir, root) = started(debounce(0)).await;
    std::fs::write(dir.path().join("docs/r.txt"), text).unwrap();
    let r = uri(&root.join("docs/r.txt"));
    c.open(&r, text).await;
    let doc = json!({"uri": r});

    let lights = c.request("textDocument/documentHighlight", json!({"textDocument": doc, "position": pos(text, "@putin", 2, false)})).await;
    assert_eq!(lights.as_array().unwrap().len(), 2, "{lights}");
    let claim = pos(text, "5,000", 0, false);
    let decl = c.request("textDocument/declaration", json!({"textDocument": doc, "position": claim})).await;
    assert!(decl[0]["uri"].as_str().unwrap().ends_with("gloss.toml"), "{decl}");

    let links = c.request("textDocument/documentLink", json!({"textDocument": doc})).await;
    assert_eq!(links[0]["target"], "https://example.org/one");
    assert_eq!(links[0]["range"]["start"], pos(text, "https://example.org/one", 0, false));
    let folds = c.request("textDocument/foldingRange", json!({"textDocument": doc})).await;
    let refs = folds.as_array().unwrap().iter().find(|f| f["collapsedText"] == "References").expect("the reference list folds");
    assert_eq!((refs["startLine"].as_u64(), refs["endLine"].as_u64()), (Some(5), Some(9)), "{folds}");

    let found = c.settled_diagnostics(&r).await;
    let unsourced: Vec<Value> = found.iter().filter(|d| d["code"] == "unsourced-claim").cloned().collect();
    assert_eq!(unsourced.len(), 1, "{found:?}");
    let actions = c.request("textDocument/codeAction", json!({"textDocument": doc, "range": unsourced[0]["range"], "context": {"diagnostics": found}})).await;
    let fix = actions.as_array().unwrap().iter().find(|a| a["title"].as_str().unwrap().contains("src=@ua-intel")).expect("the quick fix");
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["diagnostics"], json!(unsourced));
    let edits = &fix["edit"]["changes"][&r];
    assert_eq!(edits[0]["newText"].as_str().unwrap().trim(), "src=@ua-intel");
}

#[tokio::test]
async fn edits_carry_versions_for_clients_that_take_them() {
    let dir = workspace(&[("gloss.toml", REGISTRY), ("docs/a.txt", A), ("docs/b.txt", B)]);
    let root = dir.path().canonicalize().unwrap();
    let mut c = Client::start();
    let caps = json!({"window": {"workDoneProgress": true}, "workspace": {"workspaceEdit": {"documentChanges": true}}});
    c.initialize_with(vec![&root], caps, debounce(0)).await;
    c.wait_indexed().await;
    let a = uri(&root.join("docs/a.txt"));
    c.open(&a, A).await;
    let at = pos(A, "10,000", 0, false);
    c.notify("textDocument/didChange", change(&a, 5, at.clone(), plus(&at, 6), "10,000")).await;
    let edit = c.request("textDocument/rename", json!({"textDocument": {"uri": a}, "position": pos(A, "@putin", 2, false), "newName": "vvp"})).await;
    let changes = edit["documentChanges"].as_array().expect("versioned edits");
    let version_of = |u: &str| changes.iter().find(|c| c["textDocument"]["uri"] == u).map(|c| c["textDocument"]["version"].clone());
    assert_eq!(version_of(&a), Some(json!(5)));
    assert_eq!(version_of(&uri(&root.join("gloss.toml"))), Some(Value::Null));
    assert!(edit.get("changes").is_none_or(Value::is_null));
}

#[tokio::test]
async fn workspace_folders_added_and_removed() {
    let one = workspace(&[("gloss.toml", "[actor.putin]\nname = \"Vladimir Putin\"\n")]);
    let two = workspace(&[("gloss.toml", "[actor.kim]\nname = \"Kim Jong-un\"\n")]);
    let (one_root, two_root) = (one.path().canonicalize().unwrap(), two.path().canonicalize().unwrap());
    let mut c = Client::start();
    c.initialize_with(vec![&one_root], json!({}), Value::Null).await;
    let folder = json!([{"uri": uri(&two_root), "name": "two"}]);
    c.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": folder, "removed": []}})).await;
    let mut kim = json!([]);
    for _ in 0..100 {
        kim = c.request("workspace/symbol", json!({"query": "Kim"})).await;
        if !kim.as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(kim[0]["location"]["uri"], uri(&two_root.join("gloss.toml")), "{kim}");
    c.notify("workspace/didChangeWorkspaceFolders", json!({"event": {"added": [], "removed": folder}})).await;
    assert_eq!(c.request("workspace/symbol", json!({"query": "Kim"})).await, json!([]));
    assert_eq!(c.request("workspace/symbol", json!({"query": "Vladimir"})).await.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn semantic_tokens_in_either_encoding_one_per_line() {
    // A claim whose text runs over a line end, after Cyrillic and an emoji.
    let text = "Северокорейские 😀 [Vladimir Putin]{@putin}: [approximately\n10,000 soldiers]{claim=nk-troops src=@ua-intel}.\n";
    for utf8 in [false, true] {
        let dir = workspace(&[("gloss.toml", REGISTRY), ("docs/t.txt", text)]);
        let root = dir.path().canonicalize().unwrap();
        let mut c = Client::start();
        let r = c.initialize(Some(&root), if utf8 { &["utf-8"] } else { &[] }, Value::Null).await;
        let legend: Vec<String> =
            r["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect();
        c.wait_indexed().await;
        let t = uri(&root.join("docs/t.txt"));
        c.open(&t, text).await;
        let tokens = decode(&c.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": t}})).await["data"]);
        let kind = |name: &str| legend.iter().position(|l| l == name).unwrap() as u64;
        let at = |needle: &str| {
            let p = pos(text, needle, 0, utf8);
            (p["line"].as_u64().unwrap(), p["character"].as_u64().unwrap())
        };
        let putin = at("@putin");
        assert!(tokens.contains(&(putin.0, putin.1, 6, kind("variable"))), "utf8={utf8} {tokens:?}");
        // The claim's text: one token to the end of the first line, one on the next.
        let first = at("approximately");
        assert!(tokens.contains(&(first.0, first.1, 13, kind("number"))), "utf8={utf8} {tokens:?}");
        assert!(tokens.contains(&(1, 0, 15, kind("number"))), "utf8={utf8} {tokens:?}");
        // In order, never overlapping.
        assert!(tokens.windows(2).all(|w| (w[0].0, w[0].1 + w[0].2) <= (w[1].0, w[1].1)), "{tokens:?}");
    }
}

#[tokio::test]
async fn a_document_opened_while_indexing_gets_diagnostics_only_once_the_registry_is_read() {
    let dir = workspace(&[("gloss.toml", REGISTRY), ("docs/a.txt", A), ("docs/b.txt", B)]);
    let root = dir.path().canonicalize().unwrap();
    let mut c = Client::start();
    let a = uri(&root.join("docs/a.txt"));
    c.initialize(Some(&root), &[], debounce(0)).await;
    // No waiting for the index.
    c.open(&a, A).await;
    let first = c.wait_for(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == a).await;
    assert_eq!(codes(first["params"]["diagnostics"].as_array().unwrap()), ["conflicting-claim"], "{first}");
    assert_eq!(c.publications(&a), 1);
}
