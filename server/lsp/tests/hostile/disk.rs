//! Hostile files on disk: turned unreadable, broken registries, files
//! deleted or renamed under an open document, registry files outside the
//! workspace.

use super::*;

/// A closed document turned on disk into 4 KB of bytes that are not
/// UTF-8, then back into text: read again on each watched-file event, it
/// gets the `unreadable` diagnostic the first read gives such a file (not
/// silently dropped from the workspace), and loses it once it is text
/// again. Closed in the editor over bytes that are not UTF-8, the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_turned_unreadable_on_disk_and_back() {
    let text = "[Putin]{@putin} and [Nobody]{@nobody}.\n";
    let s = Session::start(&[("docs/turned.txt", text)], false).await;
    let doc = s.doc("docs/turned.txt");
    assert_eq!(codes(&s.pulled(&doc).await), ["unknown-id"]);

    let bytes = Rng(0xbad_5eed).bytes(4 << 10);
    let valid_up_to = std::str::from_utf8(&bytes).expect_err("bytes that are not UTF-8").valid_up_to();
    let path = s.root.join("docs/turned.txt");
    let unreadable = |list: &[Value]| {
        list.len() == 1
            && list[0]["code"] == "unreadable"
            && list[0]["severity"] == 1
            && list[0]["message"] == format!("{} is not UTF-8 (invalid byte at offset {valid_up_to}): save it as UTF-8", path.display())
    };
    std::fs::write(&path, &bytes).unwrap();
    s.c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": doc, "type": 2}]}));
    let pulled = s.pulled(&doc).await;
    assert!(unreadable(&pulled), "{pulled:?}");
    // The workspace's report has it too.
    let everything = s.answered("unreadable", "workspace/diagnostic", json!({"previousResultIds": []})).await;
    let report = everything["items"].as_array().unwrap().iter().find(|i| i["uri"] == json!(doc)).expect("a report for the document");
    assert!(unreadable(report["items"].as_array().unwrap()), "{report}");

    // Text again: read as text, the diagnostic gone.
    std::fs::write(&path, text).unwrap();
    s.c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": doc, "type": 2}]}));
    assert_eq!(codes(&s.pulled(&doc).await), ["unknown-id"]);

    // Opened (the editor's text stands), turned to bytes on disk, closed:
    // the disk is read again, and is unreadable.
    s.c.open(&doc, text);
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(codes(&s.pulled(&doc).await), ["unknown-id"]);
    s.c.notify("textDocument/didClose", json!({"textDocument": {"uri": doc}}));
    let pulled = s.pulled(&doc).await;
    assert!(unreadable(&pulled), "{pulled:?}");
    s.alive().await;
}

/// Registry files that are broken in each way: a TOML syntax error,
/// duplicate tables, wrong types; and one whose fields refer to each other
/// in a cycle, which is no error but must not loop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_registries_get_registry_diagnostics_and_cycles_do_not_loop() {
    let config = config(&["syntax.toml", "dupe.toml", "types.toml", "cycle.toml"]);
    let cycle = "[actor.a]\nname = \"Alpha\"\ncountry = \"@b\"\n\n[actor.b]\nname = \"Beta\"\ncountry = \"@a\"\nparent = \"@b\"\n\n[source.s]\ntitle = \"Loop\"\nvia = \"@s\"\n";
    let s = Session::start(
        &[
            ("gloss.toml", &config),
            ("syntax.toml", "[actor.x\nname = \"X\"\n"),
            ("dupe.toml", "[actor.d]\nname = \"D\"\n\n[actor.d]\nname = \"D again\"\n"),
            ("types.toml", "[actor.t]\nname = [\"T\"]\naliases = [1, {x = 2}]\n\n[actor]\nloose = \"not a table\"\n"),
            ("cycle.toml", cycle),
            ("docs/refs.txt", "[A]{@a} and [B]{@b} per [the loop]{@s}.\n"),
        ],
        false,
    )
    .await;
    let syntax = s.pulled(&s.doc("syntax.toml")).await;
    assert!(!syntax.is_empty() && codes(&syntax).iter().all(|c| c == "registry"), "{syntax:?}");
    assert!(syntax.iter().all(|d| d["message"].as_str().unwrap().starts_with("cannot read the registry")), "{syntax:?}");
    assert_eq!(syntax[0]["range"]["start"]["line"], 0, "at the unclosed table header: {syntax:?}");
    let dupe = s.pulled(&s.doc("dupe.toml")).await;
    // At the second `[actor.d]` (and at its `name`, a key the table had).
    assert!(!dupe.is_empty() && codes(&dupe).iter().all(|c| c == "registry"), "{dupe:?}");
    assert!(dupe.iter().all(|d| d["message"] == "cannot read the registry: duplicate key"), "{dupe:?}");
    assert_eq!(dupe[0]["range"]["start"]["line"], 3, "at the second table: {dupe:?}");
    let types = s.pulled(&s.doc("types.toml")).await;
    assert!(codes(&types).iter().all(|c| c == "registry"), "{types:?}");
    let mut messages: Vec<&str> = types.iter().map(|d| d["message"].as_str().unwrap()).collect();
    messages.sort();
    assert_eq!(
        messages,
        ["`actor.loose` must be a table", "`aliases` must be a string, a date, a number or a list of strings", "`name` of `t` must be a non-empty string"]
    );
    assert!(s.pulled(&s.doc("cycle.toml")).await.is_empty());

    // The cycle: hover, definition, references and rename all end.
    let refs = s.doc("docs/refs.txt");
    let text = "[A]{@a} and [B]{@b} per [the loop]{@s}.\n";
    for needle in ["@a", "@b", "@s"] {
        let at = json!({"textDocument": {"uri": refs}, "position": position_of(text, text.find(needle).unwrap() + 1, false)});
        let hover = s.answered("cycle", "textDocument/hover", at.clone()).await;
        assert!(hover["contents"]["value"].is_string(), "{needle}: {hover}");
        s.answered("cycle", "textDocument/definition", at.clone()).await;
        s.answered(
            "cycle",
            "textDocument/references",
            json!({"textDocument": at["textDocument"], "position": at["position"], "context": {"includeDeclaration": true}}),
        )
        .await;
    }
    let at = position_of(text, text.find("@a").unwrap() + 1, false);
    let edit = s.answered("cycle", "textDocument/rename", json!({"textDocument": {"uri": refs}, "position": at, "newName": "alpha"})).await;
    // The definition, the use in b's country, and the use in the document.
    let count: usize = edit["changes"].as_object().unwrap().values().map(|v| v.as_array().unwrap().len()).sum();
    assert_eq!(count, 3, "{edit}");
    s.alive().await;
}

/// A registry file deleted on disk: while open in the editor its text
/// stands; closed, the server reads the disk and says it is gone. One
/// deleted while closed is reported at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_file_deleted_while_open_and_while_closed() {
    let config = config(&["more.toml", "other.toml"]);
    let more = "[actor.kim]\nname = \"Kim Jong Un\"\n";
    let s = Session::start(
        &[
            ("gloss.toml", &config),
            ("more.toml", more),
            ("other.toml", "[actor.shoigu]\nname = \"Sergei Shoigu\"\n"),
            ("docs/k.txt", "[Kim]{@kim} and [Shoigu]{@shoigu}\n"),
        ],
        false,
    )
    .await;
    let (more_uri, k) = (s.doc("more.toml"), s.doc("docs/k.txt"));
    s.c.open(&more_uri, more);
    std::fs::remove_file(s.root.join("more.toml")).unwrap();
    s.c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": more_uri, "type": 3}]}));
    // Open: the editor's text wins; Kim is known.
    assert!(s.pulled(&k).await.is_empty());
    assert!(s.pulled(&more_uri).await.is_empty());
    // Closed: the file is gone from disk, and the server says so.
    s.c.notify("textDocument/didClose", json!({"textDocument": {"uri": more_uri}}));
    let gone = s.pulled(&more_uri).await;
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert_eq!(gone[0]["code"], "registry");
    assert!(gone[0]["message"].as_str().unwrap().contains("No such file"), "{gone:?}");
    let unknown = s.pulled(&k).await;
    assert_eq!(unknown.iter().map(|d| d["message"].as_str().unwrap()).collect::<Vec<_>>(), ["`@kim` is not defined in the registry or the documents"]);

    // Deleted while closed.
    let other = s.doc("other.toml");
    std::fs::remove_file(s.root.join("other.toml")).unwrap();
    s.c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": other, "type": 3}]}));
    let gone = s.pulled(&other).await;
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert!(gone[0]["message"].as_str().unwrap().contains("was deleted"), "{gone:?}");
    assert_eq!(s.pulled(&k).await.len(), 2);
    s.alive().await;
}

/// A document deleted, or renamed, on disk while open: the editor's text
/// stands while it is open (the renamed copy is read as a document of its
/// own, defining the same ids); closing it drops it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_document_deleted_or_renamed_on_disk_while_open() {
    let text = "[Local Man]{#local kind=person} met [Putin]{@putin}.\n";
    let s = Session::start(&[("docs/a.txt", text), ("docs/d.txt", "[gone]{@putin}\n")], false).await;
    let (a, c_uri) = (s.doc("docs/a.txt"), s.doc("docs/c.txt"));
    s.c.open(&a, text);
    std::fs::rename(s.root.join("docs/a.txt"), s.root.join("docs/c.txt")).unwrap();
    s.c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": a, "type": 3}, {"uri": c_uri, "type": 1}]}));
    let twice = s.pulled(&a).await;
    assert_eq!(twice.iter().map(|d| d["code"].as_str().unwrap()).collect::<Vec<_>>(), ["duplicate-id"], "{twice:?}");
    assert_eq!(twice[0]["relatedInformation"][0]["location"]["uri"], c_uri);
    let hover = s
        .answered("renamed", "textDocument/hover", json!({"textDocument": {"uri": a}, "position": position_of(text, text.find("@putin").unwrap() + 1, false)}))
        .await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Vladimir Putin"));
    // Closed: a.txt is not on disk any more, so it leaves the workspace.
    s.c.notify("textDocument/didClose", json!({"textDocument": {"uri": a}}));
    assert!(s.pulled(&c_uri).await.is_empty());
    let everything = s.answered("renamed", "workspace/diagnostic", json!({"previousResultIds": []})).await;
    let uris: Vec<&str> = everything["items"].as_array().unwrap().iter().map(|i| i["uri"].as_str().unwrap()).collect();
    assert!(!uris.contains(&a.as_str()) && uris.contains(&c_uri.as_str()), "{uris:?}");

    // Deleted while open, then closed.
    let d = s.doc("docs/d.txt");
    s.c.open(&d, "[gone]{@putin}\n");
    std::fs::remove_file(s.root.join("docs/d.txt")).unwrap();
    s.c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": d, "type": 3}]}));
    let symbols = s.answered("deleted", "textDocument/documentSymbol", json!({"textDocument": {"uri": d}})).await;
    assert!(symbols.is_array(), "answered from the editor's text");
    s.c.notify("textDocument/didClose", json!({"textDocument": {"uri": d}}));
    let pulled = s.answered("deleted", "workspace/diagnostic", json!({"previousResultIds": []})).await;
    assert!(pulled["items"].as_array().unwrap().iter().all(|i| i["uri"] != json!(d)), "{pulled}");
    s.alive().await;
}

/// Confinement: a `gloss.toml` whose registry list names a file outside
/// the workspace (`../../etc/passwd`, `../outside/secret.toml`) or a link
/// that leads out gets a `registry` diagnostic for each, and nothing of
/// those files is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_files_outside_the_workspace_or_behind_links_out_are_not_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().canonicalize().unwrap().join("secret.toml");
    std::fs::write(&secret, "[actor.secret]\nname = \"Top Secret Name\"\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let up = "../".repeat(root.components().count() + 2);
    let escape = format!("{up}{}", secret.display().to_string().trim_start_matches('/'));
    let config = config(&["../../etc/passwd", "link.toml", &escape]);
    std::fs::write(root.join("gloss.toml"), config).unwrap();
    std::os::unix::fs::symlink(&secret, root.join("link.toml")).unwrap();
    std::fs::create_dir(root.join("docs")).unwrap();
    std::fs::write(root.join("docs/normal.txt"), NORMAL).unwrap();
    let text = "[Secret]{@secret} and [Putin]{@putin}\n";
    std::fs::write(root.join("docs/s.txt"), text).unwrap();
    let s = Session::in_dir(dir, false).await;

    let everything = s.answered("confinement", "workspace/diagnostic", json!({"previousResultIds": []})).await;
    let registry_errors: Vec<String> = everything["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["items"].as_array().unwrap().iter().filter(|d| d["code"] == "registry").map(|d| d["message"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(registry_errors.len(), 3, "{registry_errors:?}");
    assert!(registry_errors.iter().all(|m| m.contains("is outside the workspace") && m.ends_with("not read")), "{registry_errors:?}");
    // Nothing of the secret is known.
    let found = s.answered("confinement", "workspace/symbol", json!({"query": "Top Secret"})).await;
    assert_eq!(found, json!([]));
    let doc = s.doc("docs/s.txt");
    let unknown = s.pulled(&doc).await;
    assert_eq!(unknown.iter().map(|d| d["message"].as_str().unwrap()).collect::<Vec<_>>(), ["`@secret` is not defined in the registry or the documents"]);
    assert_eq!(masked(&unknown, &s.root_uri).len(), 1);
    s.alive().await;
}

/// Files read again after a change on disk or a close stay confined: a
/// registry link that leads out of the workspace, changed on disk or
/// opened and closed in the editor, is still not read, and a document link
/// out of it, created, is no document.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_read_again_stay_confined() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().canonicalize().unwrap().join("secret.toml");
    std::fs::write(&secret, "[actor.secret]\nname = \"Top Secret Name\"\n").unwrap();
    let dir = workspace(&[("gloss.toml", &config(&["link.toml"])), ("docs/normal.txt", NORMAL), ("docs/s.txt", "[Secret]{@secret}\n")]);
    std::os::unix::fs::symlink(&secret, dir.path().join("link.toml")).unwrap();
    let s = Session::in_dir(dir, false).await;
    let (link, doc) = (s.doc("link.toml"), s.doc("docs/s.txt"));
    let outside_said = |list: &[Value]| list.len() == 1 && list[0]["message"].as_str().unwrap().contains("is outside the workspace");
    assert!(outside_said(&s.pulled(&link).await));
    let secret_unknown = |list: &[Value]| list.iter().any(|d| d["message"] == "`@secret` is not defined in the registry or the documents");
    // Changed on disk: read again, and still refused.
    std::fs::write(&secret, "[actor.secret]\nname = \"Top Secret Name, changed\"\n").unwrap();
    s.c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": link, "type": 2}]}));
    assert!(outside_said(&s.pulled(&link).await), "{:?}", s.pulled(&link).await);
    assert!(secret_unknown(&s.pulled(&doc).await));
    assert_eq!(s.answered("confinement", "workspace/symbol", json!({"query": "Top Secret"})).await, json!([]));
    // Opened in the editor (its text is the client's to send), then closed:
    // the disk is what counts again, and it is not read.
    s.c.open(&link, "[actor.mine]\nname = \"Mine\"\n");
    s.c.notify("textDocument/didClose", json!({"textDocument": {"uri": link}}));
    assert!(outside_said(&s.pulled(&link).await), "{:?}", s.pulled(&link).await);
    assert_eq!(s.answered("confinement", "workspace/symbol", json!({"query": "Top Secret"})).await, json!([]));
    // A document link out of the workspace, created: not a document.
    std::os::unix::fs::symlink(outside.path().join("secret.toml"), s.root.join("docs/leak.txt")).unwrap();
    let leak = s.doc("docs/leak.txt");
    s.c.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": leak, "type": 1}]}));
    let everything = s.answered("confinement", "workspace/diagnostic", json!({"previousResultIds": []})).await;
    assert!(everything["items"].as_array().unwrap().iter().all(|i| i["uri"] != json!(leak)), "{everything}");

    s.alive().await;
}
