//! Under load: sixteen clients' worth of requests (hover, completion,
//! references) pipelined against one server on the seed workspace while an
//! editor streams edits into one of its documents. Every request must be
//! answered, none with an error; a watchdog fails the test as soon as any
//! request has waited 10 s. Latencies (p50, p90, p99, max) go to stderr:
//!
//!     cargo test --release -p gloss-lsp --test load -- --nocapture
//!
//! docs/reliability.md records them with the machine.

mod support;

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use support::{debounce, indexed, position_of, seeds_dir, uri, Pipelined, Rng};

const CLIENTS: usize = 16;
/// Requests each client sends, and how many it keeps in flight at once.
const REQUESTS: usize = if cfg!(debug_assertions) { 60 } else { 250 };
const IN_FLIGHT: usize = 8;
const EDITS: usize = if cfg!(debug_assertions) { 300 } else { 1500 };
const WATCHDOG: Duration = Duration::from_secs(10);

/// The seed workspace, copied.
fn seeds() -> (tempfile::TempDir, Vec<(String, String)>) {
    let from = seeds_dir();
    let dir = tempfile::tempdir().unwrap();
    let mut docs = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&from).unwrap().flatten().map(|e| e.file_name()).collect();
    names.sort();
    for name in names {
        let text = std::fs::read_to_string(from.join(&name)).unwrap();
        std::fs::write(dir.path().join(&name), &text).unwrap();
        if name.to_string_lossy().ends_with(".txt") {
            docs.push((name.to_string_lossy().into_owned(), text));
        }
    }
    (dir, docs)
}

/// Where requests go: positions at `@` ids and at claims in a document.
fn targets(text: &str) -> Vec<Value> {
    let mut at: Vec<Value> = text.match_indices("{@").map(|(i, _)| position_of(text, i + 3, false)).collect();
    at.extend(text.match_indices("claim=").map(|(i, _)| position_of(text, i.saturating_sub(4), false)));
    at
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixteen_clients_pipelining_while_edits_stream_in() {
    let (dir, docs) = seeds();
    let root = dir.path().canonicalize().unwrap();
    let c = indexed(&root, &[], debounce(50)).await;
    let (p, _server) = c.pipelined();
    let uris: Vec<String> = docs.iter().map(|(name, _)| uri(&root.join(name))).collect();
    // The editor's document: the first seed article, open.
    let (edited, edited_text) = (uris[0].clone(), docs[0].1.clone());
    p.open(&edited, &edited_text);
    for (u, (_, text)) in uris.iter().zip(&docs).skip(1) {
        p.open(u, text);
    }

    // The watchdog: no request may wait 10 s.
    let watched = p.clone();
    let watchdog = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            if let Some((id, waited)) = watched.unanswered().into_iter().max_by_key(|(_, w)| *w) {
                assert!(waited < WATCHDOG, "request {id} unanswered after {waited:?}");
            }
        }
    });

    // The editor: edits at the end of the document's first paragraph,
    // typed and deleted, all the time the clients ask.
    let editor = {
        let (p, edited) = (p.clone(), edited.clone());
        tokio::spawn(async move {
            let mut text = edited_text;
            let at = text.find("\n\n").unwrap();
            let mut rng = Rng(3);
            for version in 2..(EDITS as i64 + 2) {
                let pos = position_of(&text, at, false);
                let change = if version % 2 == 0 {
                    let piece = [" [Putin]{@putin}", " about 10,000", " 북한 😀", " {@"][rng.next(4)];
                    text.insert_str(at, piece);
                    json!({"range": {"start": pos, "end": pos}, "text": piece})
                } else {
                    let end = text[at..].find(['\n']).map_or(text.len(), |i| at + i);
                    let end_pos = position_of(&text, end, false);
                    text.replace_range(at..end, "");
                    json!({"range": {"start": pos, "end": end_pos}, "text": ""})
                };
                p.notify("textDocument/didChange", json!({"textDocument": {"uri": edited, "version": version}, "contentChanges": [change]}));
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            text
        })
    };

    // Sixteen clients, each with its documents and a window of requests in flight.
    let started = Instant::now();
    let mut clients = Vec::new();
    for n in 0..CLIENTS {
        let p = p.clone();
        let docs: Vec<(String, Vec<Value>)> = uris.iter().zip(&docs).skip(1).map(|(u, (_, t))| (u.clone(), targets(t))).collect();
        clients.push(tokio::spawn(async move {
            let mut rng = Rng(n as u64 * 7919 + 1);
            let mut latencies = Vec::new();
            let mut window: Vec<(i64, &str, Instant)> = Vec::new();
            for i in 0..REQUESTS {
                let (doc, at) = &docs[rng.next(docs.len())];
                let position = at[rng.next(at.len())].clone();
                let method = ["textDocument/hover", "textDocument/completion", "textDocument/references"][i % 3];
                let params = match method {
                    "textDocument/references" => json!({"textDocument": {"uri": doc}, "position": position, "context": {"includeDeclaration": true}}),
                    _ => json!({"textDocument": {"uri": doc}, "position": position}),
                };
                window.push((p.send_request(method, params), method, Instant::now()));
                if window.len() == IN_FLIGHT {
                    let (id, method, sent) = window.remove(0);
                    let response = p.response_within(id, WATCHDOG).await;
                    assert!(response.get("error").is_none(), "{method}: {response}");
                    latencies.push((method, answered_at(&p, id) - sent));
                }
            }
            for (id, method, sent) in window {
                let response = p.response_within(id, WATCHDOG).await;
                assert!(response.get("error").is_none(), "{method}: {response}");
                latencies.push((method, answered_at(&p, id) - sent));
            }
            latencies
        }));
    }
    let mut all: Vec<(&str, Duration)> = Vec::new();
    for client in clients {
        all.extend(client.await.expect("a client saw every answer"));
    }
    let elapsed = started.elapsed();
    let final_text = editor.await.unwrap();
    watchdog.abort();
    assert_eq!(all.len(), CLIENTS * REQUESTS);
    assert!(p.unanswered().is_empty(), "{:?}", p.unanswered());

    // The edits all arrived, in order: the document's diagnostics now are
    // those of a fresh open of its final text.
    let pulled = p.request("textDocument/diagnostic", json!({"textDocument": {"uri": edited}})).await;
    let fresh_dir = seeds().0;
    let fresh_root = fresh_dir.path().canonicalize().unwrap();
    let mut fresh = indexed(&fresh_root, &[], Value::Null).await;
    let fresh_uri = uri(&fresh_root.join(&docs[0].0));
    fresh.open(&fresh_uri, &final_text).await;
    let expected = fresh.request("textDocument/diagnostic", json!({"textDocument": {"uri": fresh_uri}})).await;
    let strip = |v: &Value, root: &str| v["items"].as_array().unwrap().iter().map(|d| d.to_string().replace(root, "ROOT")).collect::<Vec<_>>();
    assert_eq!(strip(&pulled, &uri(&root)), strip(&expected, &uri(&fresh_root)));

    let mut sorted: Vec<Duration> = all.iter().map(|(_, d)| *d).collect();
    sorted.sort();
    eprintln!(
        "load ({}): {CLIENTS} clients x {REQUESTS} requests ({IN_FLIGHT} in flight each) with {EDITS} edits streaming, {} requests in {elapsed:?} ({:.0}/s): p50 {:?}, p90 {:?}, p99 {:?}, max {:?}",
        if cfg!(debug_assertions) { "debug" } else { "release" },
        sorted.len(),
        sorted.len() as f64 / elapsed.as_secs_f64(),
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.9),
        percentile(&sorted, 0.99),
        sorted.last().unwrap()
    );
    for method in ["textDocument/hover", "textDocument/completion", "textDocument/references"] {
        let mut d: Vec<Duration> = all.iter().filter(|(m, _)| *m == method).map(|(_, d)| *d).collect();
        d.sort();
        eprintln!("  {method}: p50 {:?}, p99 {:?}", percentile(&d, 0.5), percentile(&d, 0.99));
    }
}

/// When the answer to `id` arrived.
fn answered_at(p: &Pipelined, id: i64) -> Instant {
    p.inbox.lock().unwrap().responses[&id].1
}
