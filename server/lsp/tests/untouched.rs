//! Nothing lost, nothing touched: a whole session (open, edits, hover,
//! completion, rename, every kind of quick fix, save, watched files,
//! close, shutdown) leaves every file and folder of the workspace as it
//! was, to the byte and the modification time; the server writes only its
//! cache, in the cache folder. Its rename and quick fixes are workspace
//! edits for the client to apply: applied here to the texts, they give
//! what they say, and the editor's texts with them applied are clean.

mod support;

use std::path::Path;

use serde_json::{json, Value};
use support::{apply_edits, codes, debounce, indexed, pos, sandbox_with_cache, tree_snapshot, uri, Client};

/// Not the shared registry: this session's is split over two files,
/// `gloss.toml` and `more.toml` (`white-house`, and `kremlin`, whose
/// `leader` names `@putin`), and the quick fixes add to the second.
const CONFIG: &str = r#"[workspace]
documents = ["docs/*.txt"]
registry = ["more.toml"]

[actor.putin]
name = "Vladimir Putin"
kind = "person"
aliases = ["Putin"]

[actor.ua-intel]
name = "Ukrainian military intelligence"
kind = "agency"

[subject.nk-troops]
name = "North Korean troops in Russia"
unit = "soldiers"
"#;

const MORE: &str =
    "[actor.kremlin]\nname = \"The Kremlin\"\nkind = \"agency\"\nleader = \"@putin\"\n\n[actor.white-house]\nname = \"The White House\"\nkind = \"agency\"\n";

const A: &str = "{#a date=2024-10-17}\n[Vladimir Putin]{@putin} met [Kim]{@kim} in Vostochny. Putin said so.\n\n[Ukrainian intelligence]{@ua-intel} counted [about 10,000 soldiers]{claim=nk-troops}.\n\n[500,000 155 mm shells]{claim=shells src=@ua-intel unit=shells} went north; Putin denied 5,000 more.\n";

const B: &str = "{#b date=2024-10-23}\n[Putin]{@putin} again: [around 3,000]{claim=nk-troops src=@white-house}.\n";

/// The actions offered over a range, by title.
async fn actions(c: &mut Client, doc: &str, range: Value) -> Vec<Value> {
    c.request("textDocument/codeAction", json!({"textDocument": {"uri": doc}, "range": range, "context": {"diagnostics": []}}))
        .await
        .as_array()
        .unwrap()
        .clone()
}

fn titled<'a>(list: &'a [Value], title: &str) -> &'a Value {
    list.iter().find(|a| a["title"] == title).unwrap_or_else(|| panic!("no action {title:?} in {:?}", list.iter().map(|a| &a["title"]).collect::<Vec<_>>()))
}

/// The range of the first `needle` in `text`.
fn range_of(text: &str, needle: &str) -> Value {
    json!({"start": pos(text, needle, 0, false), "end": pos(text, needle, needle.len(), false)})
}

/// Sends the client's texts of the files it has edited: a change of the
/// whole text for those open, an open for the others.
async fn sync(c: &mut Client, texts: &[(String, String)], opened: &mut Vec<String>, version: &mut i32) {
    for (uri, text) in texts {
        let on_disk = [A, B, CONFIG, MORE];
        if !opened.contains(uri) && on_disk.contains(&text.as_str()) {
            continue;
        }
        *version += 1;
        if opened.contains(uri) {
            c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": *version}, "contentChanges": [{"text": text}]})).await;
        } else {
            c.open(uri, text).await;
            opened.push(uri.clone());
        }
    }
}

/// Applies a workspace edit (`changes`) to the texts the client holds; the
/// files it touches, sorted.
fn apply(edit: &Value, texts: &mut [(String, String)]) -> Vec<String> {
    let mut touched = Vec::new();
    for (file, edits) in edit["changes"].as_object().expect("a workspace edit with changes") {
        let (_, text) = texts.iter_mut().find(|(u, _)| u == file).unwrap_or_else(|| panic!("an edit to {file}, which the client does not hold"));
        *text = apply_edits(text, edits.as_array().unwrap(), false);
        touched.push(file.clone());
    }
    touched.sort();
    touched
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_session_touches_no_file_and_its_edits_give_what_they_say() {
    // The workspace, a file that is not Gloss's, and the cache folder, side
    // by side in one sandbox.
    let files =
        [("gloss.toml", CONFIG), ("more.toml", MORE), ("docs/a.txt", A), ("docs/b.txt", B), ("notes/readme.md", "# notes\n"), (".gitignore", "target/\n")];
    let (sandbox, ws) = sandbox_with_cache(&files);
    let root = ws.canonicalize().unwrap();
    let outside_cache = |dir: &Path| {
        let mut all = tree_snapshot(dir);
        all.retain(|p, _| !p.starts_with(dir.join("cache")));
        all
    };
    let before = outside_cache(sandbox.path());

    let mut c = indexed(&root, &[], debounce(0)).await;
    let (a, b, config, more) = (uri(&root.join("docs/a.txt")), uri(&root.join("docs/b.txt")), uri(&root.join("gloss.toml")), uri(&root.join("more.toml")));
    // What the client holds: the editor's text of a.txt, the disk's of the rest.
    let mut texts: Vec<(String, String)> = vec![(a.clone(), A.into()), (b.clone(), B.into()), (config.clone(), CONFIG.into()), (more.clone(), MORE.into())];
    c.open(&a, A).await;
    let found = c.settled_diagnostics(&a).await;
    assert_eq!(
        codes(&found),
        ["ambiguous-value", "conflicting-claim", "unannotated-mention", "unannotated-mention", "undeclared-subject", "unknown-id", "unsourced-claim"],
        "{found:?}"
    );

    // Typing, hovering, completing.
    let at = pos(A, "Vostochny", 0, false);
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": a, "version": 2}, "contentChanges": [{"range": {"start": at, "end": at}, "text": "the cosmodrome of "}]}),
    )
    .await;
    texts[0].1 = A.replacen("Vostochny", "the cosmodrome of Vostochny", 1);
    let text = texts[0].1.clone();
    let hover = c.request("textDocument/hover", json!({"textDocument": {"uri": a}, "position": pos(&text, "@putin", 2, false)})).await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Vladimir Putin"));
    let items = c.request("textDocument/completion", json!({"textDocument": {"uri": a}, "position": pos(&text, "@ua-intel", 1, false)})).await;
    assert!(!items.as_array().or(items["items"].as_array()).unwrap().is_empty());

    // Rename: every document and registry file that names putin.
    let rename = c.request("textDocument/rename", json!({"textDocument": {"uri": a}, "position": pos(&text, "@putin", 2, false), "newName": "vvp"})).await;
    let mut renamed = texts.clone();
    let touched = apply(&rename, &mut renamed);
    let mut expected_touched = vec![a.clone(), b.clone(), config.clone(), more.clone()];
    expected_touched.sort();
    assert_eq!(touched, expected_touched);
    assert_eq!(renamed[0].1, text.replace("{@putin}", "{@vvp}"));
    assert_eq!(renamed[1].1, B.replace("{@putin}", "{@vvp}"));
    assert_eq!(renamed[2].1, CONFIG.replace("[actor.putin]", "[actor.vvp]"));
    assert_eq!(renamed[3].1, MORE.replace("\"@putin\"", "\"@vvp\""));

    // Quick fixes, each applied to the texts the client holds, which the
    // client then holds open (as an editor applying an edit does): the
    // next fix is computed on them.
    let mut version = 2;
    let mut opened = vec![a.clone()];
    let kim = actions(&mut c, &a, range_of(&text, "kim")).await;
    let add = titled(&kim, "Add `kim` to the registry as an actor");
    assert_eq!(apply(&add["edit"], &mut texts), vec![more.clone()]);
    assert_eq!(texts[3].1, format!("{MORE}\n[actor.kim]\nname = \"Kim\"\n"));
    sync(&mut c, &texts, &mut opened, &mut version).await;

    let shells = actions(&mut c, &a, range_of(&text, "shells src")).await;
    let declare = titled(&shells, "Declare subject `shells` in the registry");
    assert_eq!(apply(&declare["edit"], &mut texts), vec![more.clone()]);
    assert_eq!(texts[3].1, format!("{MORE}\n[actor.kim]\nname = \"Kim\"\n\n[subject.shells]\nname = \"shells\"\nunit = \"shells\"\n"));
    sync(&mut c, &texts, &mut opened, &mut version).await;

    let value = actions(&mut c, &a, range_of(&text, "500,000 155 mm shells")).await;
    let write = value.iter().find(|x| x["title"].as_str().unwrap().starts_with("Write the value read into value=")).expect("write the value");
    assert_eq!(apply(&write["edit"], &mut texts), vec![a.clone()]);
    let value_form = write["title"].as_str().unwrap().rsplit_once("value=").unwrap().1.to_string();
    assert_eq!(value_form, "500000");
    assert_eq!(texts[0].1, text.replace("unit=shells}", "unit=shells value=500000}"));
    sync(&mut c, &texts, &mut opened, &mut version).await;

    let text = texts[0].1.clone();
    let source = actions(&mut c, &a, range_of(&text, "about 10,000 soldiers")).await;
    apply(&titled(&source, "Take the source from the sentence: src=@ua-intel")["edit"], &mut texts);
    assert_eq!(texts[0].1, text.replace("{claim=nk-troops}", "{claim=nk-troops src=@ua-intel}"));
    sync(&mut c, &texts, &mut opened, &mut version).await;

    let text = texts[0].1.clone();
    let mention = actions(&mut c, &a, range_of(&text, "Putin said")).await;
    let mut one = texts.clone();
    apply(&titled(&mention, "Annotate `Putin` as @putin")["edit"], &mut one);
    assert_eq!(one[0].1, text.replacen("Putin said", "[Putin]{@putin} said", 1));
    apply(&titled(&mention, "Annotate all 2 unannotated mentions in this file")["edit"], &mut texts);
    assert_eq!(texts[0].1, text.replacen("Putin said", "[Putin]{@putin} said", 1).replacen("Putin denied", "[Putin]{@putin} denied", 1));
    sync(&mut c, &texts, &mut opened, &mut version).await;

    let text = texts[0].1.clone();
    let figure = actions(&mut c, &a, range_of(&text, "5,000 more")).await;
    apply(&titled(&figure, "Mark the figure as a claim")["edit"], &mut texts);
    assert_eq!(texts[0].1, text.replace("denied 5,000 more", "denied [5,000 more]{claim=}"));
    // The annotator finishes the stub.
    texts[0].1 = texts[0].1.replace("{claim=}", "{claim=nk-troops src=@ua-intel}");
    sync(&mut c, &texts, &mut opened, &mut version).await;

    // What the fixes were for is gone: the conflicts (10,000 here, 3,000
    // and 5,000 more in b.txt and here) are what is left.
    let left = c.settled_diagnostics(&a).await;
    assert_eq!(codes(&left), ["conflicting-claim", "conflicting-claim"], "{left:?}");

    // Save (the server writes nothing), files changed on disk (nothing did),
    // close, the end of the session.
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": a}})).await;
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": more}})).await;
    c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": b, "type": 2}, {"uri": config, "type": 2}]})).await;
    for uri in &opened {
        c.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}})).await;
    }
    c.settled_diagnostics(&a).await;
    assert_eq!(c.call("shutdown", Value::Null).await["result"], Value::Null);
    c.notify("exit", Value::Null).await;
    assert!(tokio::time::timeout(std::time::Duration::from_secs(5), c.server).await.unwrap().unwrap());

    // Not a byte, not a time, not a file more or less, outside the cache.
    let after = outside_cache(sandbox.path());
    let changed: Vec<_> = after.iter().filter(|(p, v)| before.get(*p) != Some(v)).map(|(p, _)| p.clone()).collect();
    let gone: Vec<_> = before.keys().filter(|p| !after.contains_key(*p)).cloned().collect();
    assert!(changed.is_empty() && gone.is_empty(), "changed or created: {changed:?}; gone: {gone:?}");
    assert_eq!(before, after);
    // What the server did write: its cache, in the cache folder only.
    let cached: Vec<_> = tree_snapshot(&sandbox.path().join("cache")).into_keys().collect();
    eprintln!("written by the server, all in the cache folder: {cached:?}");
}
