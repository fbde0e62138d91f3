//! The real server over an in-memory pipe: lifecycle, encodings,
//! diagnostics across documents, every feature, and edits in order.

mod support;

use serde_json::{json, Value};
use support::{boundaries, codes, debounce, pos, position_of, uri, Client, Rng, REGISTRY};

const A: &str = "{#a date=2024-10-17}\n북한군 병력 😀 [Vladimir Putin]{@putin} met them.\n[Ukrainian intelligence]{@ua-intel} said [approximately 10,000 soldiers]{claim=nk-troops src=@ua-intel}.\n";
const B: &str = "{#b date=2024-10-23}\r\n[The White House]{@white-house} says [around 3,000]{claim=nk-troops src=@white-house}.\r\n";

/// The registry, A and B on disk, a client on them: the client, the
/// folder, A's and B's URIs.
async fn started(encodings: &[&str]) -> (Client, tempfile::TempDir, String, String) {
    let (c, dir, root) = support::started(&[("gloss.toml", REGISTRY), ("docs/a.txt", A), ("docs/b.txt", B)], encodings, debounce(0)).await;
    let (a, b) = (uri(&root.join("docs/a.txt")), uri(&root.join("docs/b.txt")));
    (c, dir, a, b)
}

#[tokio::test]
async fn requests_before_initialize_and_unknown_methods_are_errors() {
    let mut c = Client::start();
    let early = c.call("textDocument/hover", json!({"textDocument": {"uri": "file:///x.txt"}, "position": {"line": 0, "character": 0}})).await;
    assert_eq!(early["error"]["code"], -32002, "{early}");
    c.initialize(None, &[], Value::Null).await;
    let unknown = c.call("gloss/nothing", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad = c.call("textDocument/hover", json!({"nonsense": true})).await;
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    let shutdown = c.call("shutdown", Value::Null).await;
    assert_eq!(shutdown["result"], Value::Null);
    c.notify("exit", Value::Null).await;
}

#[tokio::test]
async fn negotiates_utf8_when_offered_else_utf16() {
    let mut c = Client::start();
    let r = c.initialize(None, &["utf-8", "utf-16"], Value::Null).await;
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-8");
    let mut c = Client::start();
    let r = c.initialize(None, &[], Value::Null).await;
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(r["capabilities"]["textDocumentSync"]["change"], 2);
}

#[tokio::test]
async fn diagnostics_on_open_with_conflicts_across_documents() {
    let (mut c, _dir, a, b) = started(&[]).await;
    c.open(&a, A).await;
    let published = c.wait_for(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == a).await;
    let list = published["params"]["diagnostics"].as_array().unwrap();
    assert_eq!(codes(list), ["conflicting-claim"]);
    let d = &list[0];
    assert_eq!(d["source"], "gloss");
    assert_eq!(d["severity"], 2);
    assert_eq!(d["range"]["start"], pos(A, "approximately", 0, false));
    assert_eq!(d["relatedInformation"][0]["location"]["uri"], b);
    assert_eq!(published["params"]["version"], 1);

    // Editing B so it agrees removes A's conflict: A is republished.
    c.open(&b, B).await;
    let at = pos(B, "3,000", 0, false);
    let end = json!({"line": at["line"], "character": at["character"].as_u64().unwrap() + 5});
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": b, "version": 2}, "contentChanges": [{"range": {"start": at, "end": end}, "text": "10,000"}]}),
    )
    .await;
    assert!(c.settled_diagnostics(&a).await.is_empty());
    // Pull diagnostics agree.
    let pulled = c.request("textDocument/diagnostic", json!({"textDocument": {"uri": a}})).await;
    assert_eq!(pulled["kind"], "full");
    assert!(pulled["items"].as_array().unwrap().is_empty());
    let ws = c.request("workspace/diagnostic", json!({"previousResultIds": []})).await;
    assert!(ws["items"].as_array().unwrap().len() >= 3);
}

#[tokio::test]
async fn hover_definition_references_after_korean_and_emoji_in_utf16_and_utf8() {
    for utf8 in [false, true] {
        let (mut c, _dir, a, _) = started(if utf8 { &["utf-8"] } else { &[] }).await;
        c.open(&a, A).await;
        let at = pos(A, "@putin", 3, utf8);
        let hover = c.request("textDocument/hover", json!({"textDocument": {"uri": a}, "position": at})).await;
        let md = hover["contents"]["value"].as_str().unwrap();
        assert!(md.contains("### Vladimir Putin") && md.contains("President of Russia"), "{md}");
        assert_eq!(hover["range"]["start"], pos(A, "@putin", 1, utf8));

        let defs = c.request("textDocument/definition", json!({"textDocument": {"uri": a}, "position": at})).await;
        assert!(defs[0]["uri"].as_str().unwrap().ends_with("gloss.toml"), "{defs}");
        assert_eq!(defs[0]["range"]["start"]["line"], 0);

        // From a claim to its source.
        let claim = pos(A, "10,000", 0, utf8);
        let defs = c.request("textDocument/definition", json!({"textDocument": {"uri": a}, "position": claim})).await;
        assert_eq!(defs.as_array().unwrap().len(), 1);
        assert_eq!(defs[0]["range"]["start"]["line"], 6, "{defs}");
        let subject = c.request("textDocument/typeDefinition", json!({"textDocument": {"uri": a}, "position": claim})).await;
        assert_eq!(subject[0]["range"]["start"]["line"], 14, "{subject}");

        let refs = c.request("textDocument/references", json!({"textDocument": {"uri": a}, "position": at, "context": {"includeDeclaration": true}})).await;
        assert_eq!(refs.as_array().unwrap().len(), 2, "{refs}");
    }
}

#[tokio::test]
async fn rename_completion_symbols_tokens_hints_lenses_folds_actions() {
    let (mut c, _dir, a, _) = started(&[]).await;
    c.open(&a, A).await;
    let at = pos(A, "@putin", 2, false);
    let prepared = c.request("textDocument/prepareRename", json!({"textDocument": {"uri": a}, "position": at})).await;
    assert_eq!(prepared["start"], pos(A, "@putin", 1, false));
    let edit = c.request("textDocument/rename", json!({"textDocument": {"uri": a}, "position": at, "newName": "vladimir-putin"})).await;
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 2, "the document and gloss.toml: {edit}");
    let refused = c.call("textDocument/rename", json!({"textDocument": {"uri": a}, "position": at, "newName": "white-house"})).await;
    assert!(refused["error"]["message"].as_str().unwrap().contains("already defined"));

    let in_block = pos(A, "@ua-intel}", 1, false);
    let items = c.request("textDocument/completion", json!({"textDocument": {"uri": a}, "position": in_block})).await;
    assert_eq!(items["isIncomplete"], false);
    let items = &items["items"];
    let labels: Vec<&str> = items.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"ua-intel") && labels.contains(&"putin"), "{labels:?}");
    // The card comes when the item is resolved, not with the list.
    let putin = items.as_array().unwrap().iter().find(|i| i["label"] == "putin").unwrap().clone();
    assert!(putin.get("documentation").is_none_or(|d| d.is_null()), "{putin}");
    let resolved = c.request("completionItem/resolve", putin).await;
    assert!(resolved["documentation"]["value"].as_str().unwrap().contains("Vladimir Putin"), "{resolved}");

    let symbols = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": a}})).await;
    assert_eq!(symbols[0]["name"], "North Korean troops in Russia");
    let ws = c.request("workspace/symbol", json!({"query": "putin"})).await;
    assert_eq!(ws.as_array().unwrap().len(), 1);

    let tokens = c.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": a}})).await;
    let data = tokens["data"].as_array().unwrap();
    assert_eq!(data.len() % 5, 0);
    // The first token: `#a` on line 0, a source definition.
    assert_eq!(&data[..5], &[json!(0), json!(1), json!(2), json!(2), json!(1)]);

    let hints = c
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": a}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}}),
        )
        .await;
    assert_eq!(hints[0]["label"], "≈10,000 soldiers");
    let lenses = c.request("textDocument/codeLens", json!({"textDocument": {"uri": a}})).await;
    assert_eq!(lenses[0]["command"]["title"], "2 claims on this subject · 1 conflict");
    let folds = c.request("textDocument/foldingRange", json!({"textDocument": {"uri": a}})).await;
    assert!(folds.is_array());

    let unsourced = "[5,000 troops]{claim=nk-troops} says [Ukrainian intelligence]{@ua-intel}.\n";
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": a, "version": 2}, "contentChanges": [{"text": unsourced}]})).await;
    let actions = c
        .request("textDocument/codeAction", json!({"textDocument": {"uri": a}, "range": {"start": {"line": 0, "character": 2}, "end": {"line": 0, "character": 2}}, "context": {"diagnostics": []}}))
        .await;
    let titles: Vec<&str> = actions.as_array().unwrap().iter().map(|x| x["title"].as_str().unwrap()).collect();
    assert!(titles.contains(&"Take the source from the sentence: src=@ua-intel"), "{titles:?}");
}

#[tokio::test]
async fn positions_past_the_end_and_unknown_documents_do_not_break_the_server() {
    let (mut c, _dir, a, _) = started(&[]).await;
    c.open(&a, A).await;
    let far = json!({"textDocument": {"uri": a}, "position": {"line": 999, "character": 999}});
    assert_eq!(c.request("textDocument/hover", far).await, Value::Null);
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": "file:///never/opened.txt", "version": 2}, "contentChanges": [{"text": "x"}]})).await;
    let edit = json!({"textDocument": {"uri": a, "version": 2}, "contentChanges": [{"range": {"start": {"line": 50, "character": 3}, "end": {"line": 60, "character": 0}}, "text": "tail"}]});
    c.notify("textDocument/didChange", edit).await;
    let symbols = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": a}})).await;
    assert!(symbols.is_array());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousands_of_edits_sent_without_waiting_apply_in_order() {
    for utf8 in [false, true] {
        let (mut c, _dir, a, _) = started(if utf8 { &["utf-8"] } else { &[] }).await;
        let mut text = A.to_string();
        c.open(&a, &text).await;
        let pieces = ["[", "]", "{", "}", "@putin", " ", "\n", "\r\n", "한", "ё", "😀", "[x]{@ua-intel}", "10,000", "claim=nk-troops "];
        let mut rng = Rng(if utf8 { 7 } else { 11 });
        for version in 2..2002 {
            // Pick a char boundary range and a replacement; never inside
            // a CRLF: clients do not put positions in the middle of a line end.
            let chars = boundaries(&text);
            let s = chars[rng.next(chars.len())];
            let e = chars[(chars.iter().position(|&x| x == s).unwrap() + rng.next(4)).min(chars.len() - 1)];
            let insert = if rng.next(3) == 0 { "" } else { pieces[rng.next(pieces.len())] };
            let (start, end) = (position_of(&text, s, utf8), position_of(&text, e, utf8));
            text.replace_range(s..e, insert);
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": a, "version": version}, "contentChanges": [{"range": {"start": start, "end": end}, "text": insert}]}),
            )
            .await;
        }
        let edited = c.request("workspace/diagnostic", json!({"previousResultIds": []})).await;
        // A fresh server opened on the final text says the same.
        let (mut fresh, _dir2, a2, _) = started(if utf8 { &["utf-8"] } else { &[] }).await;
        fresh.open(&a2, &text).await;
        let expected = fresh.request("textDocument/diagnostic", json!({"textDocument": {"uri": a2}})).await;
        let ours = edited["items"].as_array().unwrap().iter().find(|i| i["uri"] == a).unwrap()["items"].clone();
        let strip = |v: &Value| -> Vec<(Value, Value, Value)> {
            v.as_array().unwrap().iter().map(|d| (d["range"].clone(), d["code"].clone(), d["message"].clone())).collect()
        };
        assert_eq!(strip(&ours), strip(&expected["items"]), "utf8={utf8}");
        let symbols = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": a}})).await;
        let fresh_symbols = fresh.request("textDocument/documentSymbol", json!({"textDocument": {"uri": a2}})).await;
        assert_eq!(symbols, fresh_symbols);
    }
}
