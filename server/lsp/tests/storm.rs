//! Edit storms: thousands of random incremental edits (markup characters,
//! Korean, Cyrillic, emoji, `\n`, `\r\n`, a lone `\r`), several changes to
//! a notification, in UTF-16 and in UTF-8, interleaved with hover,
//! completion, highlight and semantic-token requests that are never waited
//! for. Each answer must be for the text as it was when the request was
//! sent; at the end the server's text, its pushed and pulled diagnostics
//! and its full-document answers must equal those of a fresh server opened
//! on the final text.
//!
//! `protocol.rs` has the plain in-order test (one range change per
//! notification, no requests); this one adds batches of changes, whole-text
//! replacements, lone `\r`, ranges over line ends, and the requests.

mod support;

use serde_json::{json, Value};
use support::{boundaries, covered, debounce, decode, masked, position_of, uri, whole_document_answers, workspace, Client, Pipelined, Rng, REGISTRY};

const A: &str = "{#a date=2024-10-17}\r\nСеверокорейские 😀 [Vladimir Putin]{@putin} met them.\r\n\r\n[Ukrainian intelligence]{@ua-intel} said [approximately 10,000 soldiers]{claim=nk-troops src=@ua-intel}.\n북한 Putin\n";
const B: &str = "{#b date=2024-10-23}\n[The White House]{@white-house} says [around 3,000]{claim=nk-troops src=@white-house}.\n";

/// What the storm inserts.
const PIECES: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "@",
    "#",
    "=",
    "]{",
    "@putin",
    "#x ",
    "claim=nk-troops ",
    "src=@ua-intel",
    "[x]{@putin}",
    "10,000",
    "한국",
    "북한군",
    "Путин",
    "ё",
    "😀",
    "👩‍👩‍👧",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\n\n",
    "%}",
    "{%",
];

const REQUESTS: &[&str] = &["textDocument/hover", "textDocument/completion", "textDocument/documentHighlight", "textDocument/semanticTokens/full"];

/// An answer checked against the text the client had when it sent the
/// request: every range lies inside it, highlights cover the same id,
/// and tokens of ids cover an id.
fn check_answer(method: &str, result: &Value, text: &str, utf8: bool, id_token: u64) {
    match method {
        "textDocument/hover" if !result.is_null() => {
            covered(text, &result["range"], utf8);
        }
        "textDocument/completion" => {
            // A list (`isIncomplete`, `items`) or a bare array.
            for item in result.get("items").unwrap_or(result).as_array().unwrap() {
                if let Some(edit) = item.get("textEdit") {
                    covered(text, &edit["range"], utf8);
                }
            }
        }
        "textDocument/documentHighlight" => {
            let texts: Vec<String> = result.as_array().unwrap().iter().map(|h| covered(text, &h["range"], utf8)).collect();
            assert!(texts.windows(2).all(|w| w[0] == w[1]), "highlights of different texts: {texts:?}");
        }
        "textDocument/semanticTokens/full" => {
            for (line, start, len, kind) in decode(&result["data"]) {
                let range = json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": start + len}});
                let t = covered(text, &range, utf8);
                if kind == id_token {
                    assert!(!t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || "-_.@#".contains(c)), "an id token over {t:?}");
                }
            }
        }
        _ => {}
    }
}

/// Changes that make every line of `text` a comment (last line first, so
/// that each change's positions hold), and the text they give.
fn line_probe(text: &str, utf8: bool) -> (Vec<Value>, String) {
    let mut changes = Vec::new();
    let mut probed = text.to_string();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.char_indices().filter(|&(i, c)| c == '\n' || (c == '\r' && text.as_bytes().get(i + 1) != Some(&b'\n'))).map(|(i, _)| i + 1))
        .collect();
    for (n, &start) in starts.iter().enumerate().rev() {
        let end = text[start..].find(['\r', '\n']).map_or(text.len(), |i| start + i);
        for (at, mark) in [(end, "%}"), (start, "{%")] {
            let p = position_of(text, at, utf8);
            assert_eq!(p["line"], n, "line {n}");
            changes.push(json!({"range": {"start": p, "end": p}, "text": mark}));
            probed.insert_str(at, mark);
        }
    }
    (changes, probed)
}

/// A server on a fresh workspace, indexed, pipelined.
async fn start(utf8: bool, ms: u64) -> (Pipelined, tempfile::TempDir, String, usize) {
    let dir = workspace(&[("gloss.toml", REGISTRY), ("docs/a.txt", A), ("docs/b.txt", B)]);
    let root = dir.path().canonicalize().unwrap();
    let mut c = Client::start();
    let init = c.initialize(Some(&root), if utf8 { &["utf-8"] } else { &[] }, debounce(ms)).await;
    let legend = init["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"].as_array().unwrap().clone();
    let id_token = legend.iter().position(|t| t == "variable").expect("ids are variables");
    c.wait_indexed().await;
    let (p, _server) = c.pipelined();
    (p, dir, uri(&root), id_token)
}

async fn storm(utf8: bool, seed: u64, notifications: usize, debounce: u64) {
    let started = std::time::Instant::now();
    let (c, _dir, root, id_token) = start(utf8, debounce).await;
    let a = format!("{root}/docs/a.txt");
    let mut text = A.to_string();
    c.open(&a, &text);
    let mut rng = Rng(seed);
    // Requests sent: id, method, the text when sent.
    let mut asked: Vec<(i64, &str, String)> = Vec::new();
    let (mut changes_sent, mut version) = (0, 1);
    for _ in 0..notifications {
        version += 1;
        let mut changes = Vec::new();
        for _ in 0..[1, 1, 1, 2, 3][rng.next(5)] {
            changes_sent += 1;
            if rng.next(400) == 0 {
                // Now and then the whole text, as some clients send it.
                text = format!("{}{}", PIECES[rng.next(PIECES.len())], text);
                changes.push(json!({"text": text}));
                continue;
            }
            let bounds = boundaries(&text);
            let i = rng.next(bounds.len());
            // Mostly short ranges; some over several lines.
            let span = if rng.next(20) == 0 { rng.next(40) } else { rng.next(3) };
            let (s, e) = (bounds[i], bounds[(i + span).min(bounds.len() - 1)]);
            let insert: String = match rng.next(6) {
                // A short text is filled up again with a whole paragraph.
                _ if text.len() < 1500 => A.to_string(),
                0 => String::new(),
                1 => format!("{}{}", PIECES[rng.next(PIECES.len())], PIECES[rng.next(PIECES.len())]),
                _ => PIECES[rng.next(PIECES.len())].to_string(),
            };
            let range = json!({"start": position_of(&text, s, utf8), "end": position_of(&text, e, utf8)});
            text.replace_range(s..e, &insert);
            changes.push(json!({"range": range, "text": insert}));
        }
        c.notify("textDocument/didChange", json!({"textDocument": {"uri": a, "version": version}, "contentChanges": changes}));
        // Keep the text from growing without end: a storm, not a flood.
        if text.len() > 6000 {
            let cut = boundaries(&text).into_iter().find(|&b| b >= 3000).unwrap();
            let end = position_of(&text, cut, utf8);
            text.replace_range(..cut, "");
            version += 1;
            c.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": a, "version": version}, "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": end}, "text": ""}]}),
            );
        }
        if rng.next(3) == 0 {
            let method = REQUESTS[rng.next(REQUESTS.len())];
            let bounds = boundaries(&text);
            let at = position_of(&text, bounds[rng.next(bounds.len())], utf8);
            let params = match method {
                "textDocument/semanticTokens/full" => json!({"textDocument": {"uri": a}}),
                _ => json!({"textDocument": {"uri": a}, "position": at}),
            };
            asked.push((c.send_request(method, params), method, text.clone()));
        }
    }
    let sent_at = started.elapsed();

    // Every request answered, none with an error, each for its own text.
    for (id, method, then) in &asked {
        let response = c.response(*id).await;
        assert!(response.get("error").is_none(), "{method}: {response}");
        check_answer(method, &response["result"], then, utf8, id_token as u64);
    }

    // The diagnostics pushed last are for the last version, and a fresh
    // server opened on the final text says the same of it.
    let (pushed, pushed_version) = c.settled_diagnostics(&a).await;
    assert_eq!(pushed_version, json!(version), "the last publication is for the last version");
    let ours = whole_document_answers(&c, &a, &root).await;

    let (fresh, _dir2, root2, _) = start(utf8, 0).await;
    let a2 = format!("{root2}/docs/a.txt");
    fresh.open(&a2, &text);
    let (expected_pushed, _) = fresh.settled_diagnostics(&a2).await;
    assert_eq!(masked(&pushed, &root), masked(&expected_pushed, &root2), "pushed diagnostics, utf8={utf8}");
    let theirs = whole_document_answers(&fresh, &a2, &root2).await;
    for ((method, got), (_, want)) in ours.iter().zip(&theirs) {
        assert_eq!(got, want, "{method} after the storm (utf8={utf8}); final text {text:?}");
    }

    // Prose without markup leaves no token: to see every line's length,
    // each line is made a comment (`{%` at its start, `%}` at its end) by
    // one last change, on both servers, and their tokens compared again.
    let (probe, probed) = line_probe(&text, utf8);
    c.notify("textDocument/didChange", json!({"textDocument": {"uri": a, "version": version + 1}, "contentChanges": probe}));
    let fresh_probe = format!("{root2}/docs/probe.txt");
    fresh.open(&fresh_probe, &probed);
    let tokens = |r: Value| r["data"].clone();
    let got = tokens(c.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": a}})).await);
    let want = tokens(fresh.request("textDocument/semanticTokens/full", json!({"textDocument": {"uri": fresh_probe}})).await);
    assert_eq!(got, want, "every line's length after the storm (utf8={utf8}); final text {text:?}");
    eprintln!(
        "storm utf8={utf8}: {notifications} notifications, {changes_sent} changes, {} requests interleaved, sent in {sent_at:?}, checked in {:?}; final text {} bytes",
        asked.len(),
        started.elapsed(),
        text.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf16_storm_of_batched_edits_with_requests_interleaved() {
    storm(false, 0x9e37_79b9_7f4a_7c15, 2500, 0).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_storm_of_batched_edits_with_requests_interleaved() {
    storm(true, 0x2545_f491_4f6c_dd1d, 2500, 20).await;
}

/// A storm on two documents at once, one of them CRLF throughout, with the
/// conflict between them coming and going: the other document's pushed
/// diagnostics follow too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_documents_edited_in_turn_end_as_a_fresh_open_of_both() {
    let (c, _dir, root, _) = start(false, 0).await;
    let (a, b) = (format!("{root}/docs/a.txt"), format!("{root}/docs/b.txt"));
    let mut texts = [A.to_string(), B.replace('\n', "\r\n")];
    c.open(&a, &texts[0]);
    c.open(&b, &texts[1]);
    let mut rng = Rng(77);
    let figures = ["10,000", "3,000", "about 500", "12,000"];
    for version in 2..1202 {
        let which = rng.next(2);
        let uri = if which == 0 { &a } else { &b };
        let text = &mut texts[which];
        // Either a random piece somewhere, or a figure of a claim replaced.
        let (s, e, insert) = match (rng.next(3), text.find("]{claim")) {
            (0, Some(end)) => {
                let start = text[..end].rfind('[').map_or(end, |i| i + 1);
                (start, end, figures[rng.next(figures.len())].to_string())
            }
            _ => {
                let bounds = boundaries(text);
                let i = rng.next(bounds.len());
                (bounds[i], bounds[(i + rng.next(3)).min(bounds.len() - 1)], PIECES[rng.next(PIECES.len())].to_string())
            }
        };
        let range = json!({"start": position_of(text, s, false), "end": position_of(text, e, false)});
        text.replace_range(s..e, &insert);
        c.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"range": range, "text": insert}]}));
    }
    let (fresh, _dir2, root2, _) = start(false, 0).await;
    let (a2, b2) = (format!("{root2}/docs/a.txt"), format!("{root2}/docs/b.txt"));
    fresh.open(&a2, &texts[0]);
    fresh.open(&b2, &texts[1]);
    for (ours, theirs) in [(&a, &a2), (&b, &b2)] {
        let (got, _) = c.settled_diagnostics(ours).await;
        let (want, _) = fresh.settled_diagnostics(theirs).await;
        assert_eq!(masked(&got, &root), masked(&want, &root2), "{ours}");
        assert_eq!(whole_document_answers(&c, ours, &root).await, whole_document_answers(&fresh, theirs, &root2).await, "{ours}");
    }
    // The workspace as a whole, too.
    let everything = |r: Value, root: &str| -> Vec<String> {
        let mut items: Vec<String> = r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| format!("{} {}", i["uri"], masked(i["items"].as_array().unwrap(), root).join(";")).replace(root, "ROOT"))
            .collect();
        items.sort();
        items
    };
    let ours = everything(c.request("workspace/diagnostic", json!({"previousResultIds": []})).await, &root);
    let theirs = everything(fresh.request("workspace/diagnostic", json!({"previousResultIds": []})).await, &root2);
    assert_eq!(ours, theirs);
}
