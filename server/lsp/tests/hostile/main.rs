//! Hostile and big input, each answered within a bounded time, the server
//! alive afterwards (a hover on a normal document still answers): big
//! documents, a 10 MB line, deep nesting, 100,000 spans on a line, random
//! text and random bytes, broken registries, files deleted or renamed
//! under an open document, positions anywhere, changes to documents never
//! opened and ranges outside the document, registry files outside the
//! workspace.
//!
//! Sizes: the biggest cases are cut by ten in debug builds (a debug build
//! parses and reads markup some ten times slower); `cargo test --release
//! -p gloss-lsp --test hostile` runs them at full size (50 MB, 10 MB).
//! Timings go to stderr (`-- --nocapture`); docs/reliability.md has them.

#[path = "../support/mod.rs"]
mod support;

/// Files changed, broken or out of bounds on disk.
mod disk;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{
    codes, config, covered, debounce, decode, indexed, lines, masked, position_of, seeds_dir, uri, whole_document_answers, workspace, Pipelined, Rng,
};

/// Full size in release builds, a tenth in debug builds.
const SCALE: usize = if cfg!(debug_assertions) { 10 } else { 1 };

/// Longest any one answer may take, however big the input: generous, as
/// the test machine may be busy, but a hang or a quadratic blow-up on
/// these sizes takes far longer.
const BOUND: Duration = Duration::from_secs(60);

const NORMAL: &str = "{#n date=2024-10-17}\n[Vladimir Putin]{@putin} spoke; [about 10,000 soldiers]{claim=nk-troops src=@ua-intel}.\n";

struct Session {
    c: Pipelined,
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    root_uri: String,
    utf8: bool,
}

impl Session {
    /// The shared registry (documents `docs/*.txt`) and the normal
    /// document, with these files added or in their place.
    async fn start(files: &[(&str, &str)], utf8: bool) -> Session {
        let registry = config(&[]);
        let mut all = vec![("gloss.toml", registry.as_str()), ("docs/normal.txt", NORMAL)];
        for f in files {
            all.retain(|(p, _)| p != &f.0);
            all.push(*f);
        }
        let dir = workspace(&all);
        Session::in_dir(dir, utf8).await
    }

    async fn in_dir(dir: tempfile::TempDir, utf8: bool) -> Session {
        let root = dir.path().canonicalize().unwrap();
        let c = indexed(&root, if utf8 { &["utf-8"] } else { &[] }, debounce(0)).await;
        let (c, _) = c.pipelined();
        let root_uri = uri(&root);
        Session { c, _dir: dir, root, root_uri, utf8 }
    }

    fn doc(&self, path: &str) -> String {
        format!("{}/{path}", self.root_uri)
    }

    /// A request answered within [`BOUND`]: the whole response, and how
    /// long it took.
    async fn timed(&self, what: &str, method: &str, params: Value) -> (Value, Duration) {
        let started = Instant::now();
        let id = self.c.send_request(method, params);
        let response = self.c.response_within(id, BOUND).await;
        let took = started.elapsed();
        if took > Duration::from_millis(50) {
            eprintln!("{what}: {method} answered in {took:?}");
        }
        (response, took)
    }

    /// As [`Session::timed`], and not an error.
    async fn answered(&self, what: &str, method: &str, params: Value) -> Value {
        let (response, _) = self.timed(what, method, params).await;
        assert!(response.get("error").is_none(), "{what}: {method}: {response}");
        response["result"].clone()
    }

    /// The server still answers: a hover on the normal document.
    async fn alive(&self) {
        let at = position_of(NORMAL, NORMAL.find("@putin").unwrap() + 2, self.utf8);
        let hover = self.answered("alive", "textDocument/hover", json!({"textDocument": {"uri": self.doc("docs/normal.txt")}, "position": at})).await;
        assert!(hover["contents"]["value"].as_str().unwrap().contains("Vladimir Putin"), "{hover}");
    }

    /// The diagnostics pulled for a document.
    async fn pulled(&self, doc: &str) -> Vec<Value> {
        let report = self.answered(doc, "textDocument/diagnostic", json!({"textDocument": {"uri": doc}})).await;
        report["items"].as_array().unwrap().clone()
    }

    /// A document's text, opened, with the time the server took to take it
    /// in (the open is applied before the request after it is answered).
    async fn open_timed(&self, what: &str, doc: &str, text: &str) -> Duration {
        let started = Instant::now();
        self.c.open(doc, text);
        self.answered(what, "workspace/symbol", json!({"query": "zzz-none"})).await;
        let took = started.elapsed();
        eprintln!("{what}: didOpen of {} bytes taken in {took:?}", text.len());
        took
    }
}

/// Peak memory of this test process, for the record.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" ")))
        .unwrap_or_else(|| "?".into())
}

/// The seed articles' bodies (without their header lines).
fn seed_bodies() -> Vec<String> {
    let dir = seeds_dir();
    let mut paths: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "txt")).collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read_to_string(p).unwrap().split_once('\n').unwrap().1.to_string()).collect()
}

/// A big document: the seed articles again and again (a paste of the
/// corpus into one file), then a last line with a mention to hover on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_50_mb_document_of_the_seed_articles_over_and_over() {
    let size = (50 << 20) / SCALE;
    let seeds = seeds_dir();
    let registry = std::fs::read_to_string(seeds.join("registry.toml")).unwrap();
    let config = std::fs::read_to_string(seeds.join("gloss.toml")).unwrap();
    let config = config.replace("\"*.txt\"", "\"docs/*.txt\"");
    let s = Session::start(&[("gloss.toml", &config), ("registry.toml", &registry)], false).await;
    let mut text = String::with_capacity(size + 100_000);
    let bodies = seed_bodies();
    let mut copies = 0;
    while text.len() < size {
        for b in &bodies {
            text.push_str(b);
            text.push_str("\n\n");
        }
        copies += 1;
    }
    text.push_str("The end: [Vladimir Putin]{@putin}.\n");
    let big = s.doc("docs/big.txt");
    s.open_timed("50 MB", &big, &text).await;
    let last = position_of(&text, text.rfind("@putin").unwrap() + 2, false);
    let hover = s.answered("50 MB", "textDocument/hover", json!({"textDocument": {"uri": big}, "position": last})).await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Vladimir Putin"), "{hover}");
    let tokens = decode(&s.answered("50 MB", "textDocument/semanticTokens/full", json!({"textDocument": {"uri": big}})).await["data"]);
    // The whole text is tokenized, to the mention on its last line.
    assert_eq!(tokens.last().map(|t| t.0), last["line"].as_u64(), "tokens to the last line");
    let found = s.pulled(&big).await;
    let line_count = lines(&text).len() as u64;
    assert!(!found.is_empty());
    assert!(found.iter().all(|d| d["range"]["end"]["line"].as_u64().unwrap() < line_count));
    // Conflicts and duplicate ids point at a bounded number of others.
    assert!(found.iter().all(|d| d["relatedInformation"].as_array().map_or(0, Vec::len) <= 50));
    let symbols = s.answered("50 MB", "textDocument/documentSymbol", json!({"textDocument": {"uri": big}})).await;
    assert!(!symbols.as_array().unwrap().is_empty());
    // An edit at the end is taken in, and answered for.
    let end = position_of(&text, text.len(), false);
    s.c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": big, "version": 2}, "contentChanges": [{"range": {"start": end, "end": end}, "text": "[Putin]{@ua-intel}"}]}),
    );
    let hover = s.answered("50 MB", "textDocument/hover", json!({"textDocument": {"uri": big}, "position": {"line": end["line"], "character": 10}})).await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Ukrainian military intelligence"), "{hover}");
    s.alive().await;
    eprintln!("50 MB: {} bytes ({copies} copies of the seeds), {} tokens, {} diagnostics; peak RSS {}", text.len(), tokens.len(), found.len(), peak_rss());
}

/// One line of 10 MB: prose with Korean, Cyrillic and emoji, a span every
/// kilobyte, a mention at its very end (millions of UTF-16 units in).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_single_10_mb_line() {
    for utf8 in [false, true] {
        let s = Session::start(&[], utf8).await;
        let size = 10 << 20;
        let chunk = format!("{} [officials]{{@ua-intel}} ", "lorem ipsum 북한 Северокорейские 😀 dolor ".repeat(20));
        let mut text = chunk.repeat(size / chunk.len() + 1);
        text.push_str("[Vladimir Putin]{@putin}");
        let doc = s.doc("docs/line.txt");
        s.open_timed("10 MB line", &doc, &text).await;
        let at = position_of(&text, text.rfind("@putin").unwrap() + 2, utf8);
        assert_eq!(at["line"], 0);
        let hover = s.answered("10 MB line", "textDocument/hover", json!({"textDocument": {"uri": doc}, "position": at})).await;
        assert!(hover["contents"]["value"].as_str().unwrap().contains("Vladimir Putin"), "{hover}");
        // The id after its `@`.
        assert_eq!(hover["range"]["start"]["character"], at["character"].as_u64().unwrap() - 1, "{hover}");
        // Typing `@` at the end: completion there offers the ids.
        let end = position_of(&text, text.len(), utf8);
        s.c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": doc, "version": 2}, "contentChanges": [{"range": {"start": end, "end": end}, "text": " [x]{@"}]}),
        );
        let after = json!({"line": 0, "character": end["character"].as_u64().unwrap() + 6});
        let items = s.answered("10 MB line", "textDocument/completion", json!({"textDocument": {"uri": doc}, "position": after})).await;
        let labels: Vec<&str> = items.as_array().or(items["items"].as_array()).unwrap().iter().filter_map(|i| i["label"].as_str()).collect();
        assert!(labels.contains(&"putin"), "{labels:?}");
        let tokens = decode(&s.answered("10 MB line", "textDocument/semanticTokens/full", json!({"textDocument": {"uri": doc}})).await["data"]);
        assert_eq!(tokens.len(), text.matches("{@").count(), "one token per id");
        assert!(tokens.iter().all(|t| t.0 == 0));
        assert!(s.pulled(&doc).await.iter().any(|d| d["code"] == "syntax"), "the block left open at the end is an error");
        s.alive().await;
    }
    eprintln!("10 MB line: peak RSS {}", peak_rss());
}

/// 100,000 `[` opened and never closed, then 100,000 spans nested in one
/// another. Nesting stops at 64 (server/syntax/README.md): the innermost
/// 64 are spans, the rest prose.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_nested_brackets() {
    let s = Session::start(&[], false).await;
    let open = "[".repeat(100_000) + "x\n";
    let doc = s.doc("docs/open.txt");
    s.open_timed("100k [", &doc, &open).await;
    assert!(s.pulled(&doc).await.is_empty(), "brackets never closed are prose");
    let tokens = s.answered("100k [", "textDocument/semanticTokens/full", json!({"textDocument": {"uri": doc}})).await;
    assert_eq!(tokens["data"], json!([]));

    let nested = format!("{}x{}\n", "[".repeat(100_000), "]{@putin}".repeat(100_000));
    let doc = s.doc("docs/nested.txt");
    s.open_timed("100k nested spans", &doc, &nested).await;
    let symbols = s.answered("100k nested spans", "textDocument/documentSymbol", json!({"textDocument": {"uri": doc}})).await;
    assert!(symbols.is_array());
    let at = json!({"line": 0, "character": 100_000 + 3});
    let lights = s.answered("100k nested spans", "textDocument/documentHighlight", json!({"textDocument": {"uri": doc}, "position": at})).await;
    assert_eq!(lights.as_array().unwrap().len(), 64);
    let tokens = decode(&s.answered("100k nested spans", "textDocument/semanticTokens/full", json!({"textDocument": {"uri": doc}})).await["data"]);
    assert_eq!(tokens.len(), 64);
    let hover = s.answered("100k nested spans", "textDocument/hover", json!({"textDocument": {"uri": doc}, "position": at})).await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Vladimir Putin"), "{hover}");
    assert!(s.pulled(&doc).await.is_empty());
    s.alive().await;
}

/// 100,000 spans on one line: every feature that lists them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_spans_on_one_line() {
    let s = Session::start(&[], false).await;
    let text = "[P]{@putin} ".repeat(100_000);
    let doc = s.doc("docs/spans.txt");
    s.open_timed("100k spans", &doc, &text).await;
    let at = json!({"line": 0, "character": 6});
    let d = json!({"textDocument": {"uri": doc}, "position": at});
    let lights = s.answered("100k spans", "textDocument/documentHighlight", d.clone()).await;
    assert_eq!(lights.as_array().unwrap().len(), 100_000);
    let refs = s
        .answered("100k spans", "textDocument/references", json!({"textDocument": {"uri": doc}, "position": at, "context": {"includeDeclaration": false}}))
        .await;
    // These, and the one in the normal document.
    assert_eq!(refs.as_array().unwrap().len(), 100_001);
    let tokens = decode(&s.answered("100k spans", "textDocument/semanticTokens/full", json!({"textDocument": {"uri": doc}})).await["data"]);
    assert_eq!(tokens.len(), 100_000);
    let edit = s.answered("100k spans", "textDocument/rename", json!({"textDocument": {"uri": doc}, "position": at, "newName": "vvp"})).await;
    assert_eq!(edit["changes"][&doc].as_array().unwrap().len(), 100_000);
    let hover = s.answered("100k spans", "textDocument/hover", d).await;
    assert!(hover["contents"]["value"].as_str().unwrap().contains("Vladimir Putin"));
    assert!(s.pulled(&doc).await.is_empty());
    s.alive().await;
}

/// Random bytes: as the text of an open document (LSP text is a JSON
/// string, so valid UTF-8: the bytes read lossily), and on disk, where a
/// file that is not UTF-8 gets an `unreadable` diagnostic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_text_and_random_bytes_on_disk() {
    let mut rng = Rng(0x5eed);
    let on_disk = rng.bytes(64 << 10);
    assert!(std::str::from_utf8(&on_disk).is_err());
    let dir = workspace(&[("gloss.toml", &config(&[])), ("docs/normal.txt", NORMAL)]);
    std::fs::write(dir.path().join("docs/binary.txt"), &on_disk).unwrap();
    let s = Session::in_dir(dir, false).await;
    let binary = s.doc("docs/binary.txt");
    let unreadable = s.pulled(&binary).await;
    assert_eq!(unreadable.len(), 1, "{unreadable:?}");
    assert_eq!(unreadable[0]["code"], "unreadable");
    assert!(unreadable[0]["message"].as_str().unwrap().contains("is not UTF-8"), "{unreadable:?}");

    // Random text, opened: every request answers, every range in the text.
    let text = String::from_utf8_lossy(&rng.bytes(256 << 10)).into_owned();
    let doc = s.doc("docs/random.txt");
    s.open_timed("random text", &doc, &text).await;
    let d = json!({"uri": doc});
    for (i, at) in (0..text.len()).step_by(text.len() / 40).enumerate() {
        let at = (0..=at).rev().find(|&b| text.is_char_boundary(b)).unwrap();
        let p = position_of(&text, at, false);
        for method in ["textDocument/hover", "textDocument/completion", "textDocument/documentHighlight", "textDocument/definition"] {
            let result = s.answered("random text", method, json!({"textDocument": d, "position": p})).await;
            for r in result.as_array().into_iter().flatten() {
                covered(&text, if r.get("range").is_some() { &r["range"] } else { &r["textEdit"]["range"] }, false);
            }
        }
        if i % 10 == 0 {
            s.answered("random text", "textDocument/codeAction", json!({"textDocument": d, "range": {"start": p, "end": p}, "context": {"diagnostics": []}}))
                .await;
        }
    }
    for r in s.pulled(&doc).await {
        covered(&text, &r["range"], false);
    }
    s.answered("random text", "textDocument/semanticTokens/full", json!({"textDocument": d})).await;
    s.alive().await;
}

/// Positions past the end of a line, past the last line, at u32::MAX, in
/// the middle of a character: every request answers, never with an
/// internal error, and every range it gives lies in the text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn positions_past_the_end_of_a_line_or_the_file_in_every_request() {
    let text = "{#p date=2024-10}\n😀 한 [Vladimir Putin]{@putin} said [10,000]{claim=nk-troops src=@ua-intel}\r\nlast";
    for utf8 in [false, true] {
        let s = Session::start(&[("docs/p.txt", text)], utf8).await;
        let doc = s.doc("docs/p.txt");
        s.c.open(&doc, text);
        // Inside 😀 (UTF-16) or inside 한 (UTF-8).
        let inside = if utf8 { json!({"line": 1, "character": 6}) } else { json!({"line": 1, "character": 1}) };
        let far = u32::MAX;
        let positions = [
            json!({"line": 1, "character": 10_000}),
            json!({"line": 2, "character": far}),
            json!({"line": 9, "character": 0}),
            json!({"line": far, "character": far}),
            inside,
        ];
        for p in &positions {
            let d = json!({"uri": doc});
            let requests = [
                ("textDocument/hover", json!({"textDocument": d, "position": p})),
                ("textDocument/completion", json!({"textDocument": d, "position": p})),
                ("textDocument/definition", json!({"textDocument": d, "position": p})),
                ("textDocument/declaration", json!({"textDocument": d, "position": p})),
                ("textDocument/typeDefinition", json!({"textDocument": d, "position": p})),
                ("textDocument/references", json!({"textDocument": d, "position": p, "context": {"includeDeclaration": true}})),
                ("textDocument/documentHighlight", json!({"textDocument": d, "position": p})),
                ("textDocument/prepareRename", json!({"textDocument": d, "position": p})),
                ("textDocument/rename", json!({"textDocument": d, "position": p, "newName": "x"})),
                (
                    "textDocument/codeAction",
                    json!({"textDocument": d, "range": {"start": p, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
                ),
                (
                    "textDocument/codeAction",
                    json!({"textDocument": d, "range": {"start": {"line": 0, "character": 0}, "end": p}, "context": {"diagnostics": []}}),
                ),
                ("textDocument/inlayHint", json!({"textDocument": d, "range": {"start": p, "end": p}})),
                ("textDocument/inlayHint", json!({"textDocument": d, "range": {"start": {"line": 0, "character": 0}, "end": p}})),
            ];
            for (method, params) in requests {
                let (response, _) = s.timed("far", method, params).await;
                if let Some(e) = response.get("error") {
                    // Only a refusal to rename what is not an id, in words.
                    assert!(method.ends_with("ename") && e["code"] == -32602 && !e["message"].as_str().unwrap().is_empty(), "{method} at {p}: {response}");
                    continue;
                }
                let result = &response["result"];
                let mut ranges: Vec<&Value> = Vec::new();
                match method {
                    "textDocument/hover" | "textDocument/prepareRename" if !result.is_null() => ranges.push(result.get("range").unwrap_or(result)),
                    "textDocument/inlayHint" => {
                        for h in result.as_array().unwrap() {
                            covered(text, &json!({"start": h["position"], "end": h["position"]}), utf8);
                        }
                    }
                    "textDocument/codeAction" => {
                        for a in result.as_array().unwrap() {
                            for e in a["edit"]["changes"][&doc].as_array().into_iter().flatten() {
                                ranges.push(&e["range"]);
                            }
                        }
                    }
                    "textDocument/rename" if !result.is_null() => {
                        for e in result["changes"][&doc].as_array().into_iter().flatten() {
                            ranges.push(&e["range"]);
                        }
                    }
                    _ => {
                        for r in result.as_array().into_iter().flatten() {
                            if r["uri"].as_str().is_none_or(|u| u == doc) {
                                ranges.push(if r.get("range").is_some() { &r["range"] } else { &r["textEdit"]["range"] });
                            }
                        }
                    }
                }
                for r in ranges.into_iter().filter(|r| !r.is_null()) {
                    covered(text, r, utf8);
                }
            }
        }
        s.alive().await;
    }
}

/// `didChange` for a document never opened is ignored and logged; ranges
/// outside the document are clamped to it (past a line's end to the end
/// of the line, past the last line to the end of the text, an end before
/// the start to the start), so the server's text is what a fresh open of
/// that text gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_to_a_document_never_opened_and_ranges_outside_the_document() {
    let s = Session::start(&[], false).await;
    let never = s.doc("docs/never.txt");
    s.c.notify("textDocument/didChange", json!({"textDocument": {"uri": never, "version": 2}, "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "[x]{@nobody}"}]}));
    let said =
        s.c.wait_until(Duration::from_secs(20), |inbox| {
            inbox.notifications.iter().find(|n| n["method"] == "window/logMessage" && n["params"]["message"].as_str().unwrap().contains("never.txt")).cloned()
        })
        .await
        .expect("a log message about the change");
    assert!(said["params"]["message"].as_str().unwrap().contains("not open"), "{said}");
    assert_eq!(said["params"]["type"], 2, "a warning");
    // Nothing of it reached the workspace.
    let hover = s.answered("never opened", "textDocument/hover", json!({"textDocument": {"uri": never}, "position": {"line": 0, "character": 6}})).await;
    assert!(hover.is_null(), "{hover}");
    assert!(s.pulled(&never).await.is_empty());

    let doc = s.doc("docs/out.txt");
    let mut text = String::from("[Putin]{@putin} one\r\ntwo 😀\n");
    s.c.open(&doc, &text);
    let changes = [
        // Past the end of line 0: its end.
        (json!({"line": 0, "character": 999}), json!({"line": 0, "character": 999}), " [x]{@putin}", 19),
        // Past the last line: the end of the text.
        (json!({"line": 40, "character": 0}), json!({"line": 50, "character": 7}), "[tail]{@ua-intel}", usize::MAX),
        // An end before the start: an insertion at the start.
        (json!({"line": 1, "character": 3}), json!({"line": 0, "character": 2}), "!", 3),
    ];
    for (version, (start, end, insert, at)) in changes.into_iter().enumerate() {
        let at = if at == usize::MAX {
            text.len()
        } else if at == 3 {
            text.find("two").unwrap() + 3
        } else {
            text.find("\r\n").unwrap()
        };
        text.insert_str(at, insert);
        s.c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": doc, "version": version + 2}, "contentChanges": [{"range": {"start": start, "end": end}, "text": insert}]}),
        );
    }
    // A deletion from far along line 0 to far past the end: line 0's end
    // to the text's end.
    s.c.notify("textDocument/didChange", json!({"textDocument": {"uri": doc, "version": 9}, "contentChanges": [{"range": {"start": {"line": 0, "character": 4000}, "end": {"line": u32::MAX, "character": u32::MAX}}, "text": ""}]}));
    text.truncate(text.find("\r\n").unwrap());
    assert_eq!(text, "[Putin]{@putin} one [x]{@putin}");
    let ours = whole_document_answers(&s.c, &doc, &s.root_uri).await;
    let fresh = Session::start(&[], false).await;
    let doc2 = fresh.doc("docs/out.txt");
    fresh.c.open(&doc2, &text);
    assert_eq!(ours, whole_document_answers(&fresh.c, &doc2, &fresh.root_uri).await);
    s.alive().await;
}
