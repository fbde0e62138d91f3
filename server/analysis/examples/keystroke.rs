//! Where a keystroke's time goes in a 1 MB document of a generated
//! workspace: `cargo run --release -p gloss-analysis --example keystroke [DOCUMENTS]`.
//! Then a one-character edit read whole and read again paragraph by
//! paragraph (`reread_document`), as the language server does.

use std::time::Instant;

use gloss_analysis::diagnostics::diagnostics;
use gloss_analysis::document::{read_document, reread_document};
use gloss_analysis::Facts;
use gloss_corpus::{generate, Shape};
use gloss_syntax::Markup;

fn main() {
    let documents = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(2000);
    let corpus = generate(Shape { documents, references: 20, ..Shape::default() });
    let mut big = String::from("{#big date=2024-06-01}\n");
    for (_, t) in corpus.documents.iter().cycle() {
        if big.len() > 1_000_000 {
            break;
        }
        big.push_str(t.split_once('\n').map_or("", |(_, b)| b));
    }
    let mut ws = gloss_analysis::Workspace::new();
    ws.set_registry("gloss.toml", &corpus.config, true);
    ws.set_registry("registry.toml", &corpus.registry, false);
    let t = Instant::now();
    let facts: Vec<Facts> = corpus.documents.iter().map(|(_, text)| Facts::of_document(text)).collect();
    let read = t.elapsed();
    let t = Instant::now();
    for ((path, text), facts) in corpus.documents.iter().zip(facts) {
        ws.set(path, text.as_str(), facts);
    }
    ws.set_document("docs/big.txt", &big);
    let set = t.elapsed();
    let t = Instant::now();
    let _ = ws.snapshot();
    println!("cold: read {read:?} (one thread) · set {set:?} · settle {:?}", t.elapsed());
    {
        let a = ws.snapshot();
        let id = a.file_id("docs/doc-000001.txt").unwrap();
        let text = &a.file(id).unwrap().text;
        let at = text.find("{@").unwrap() + 2;
        // Each request ten times: the first, then the best of the others.
        let best = |what: &str, f: &dyn Fn() -> usize| {
            let mut times = Vec::new();
            let mut n = 0;
            for _ in 0..10 {
                let t = Instant::now();
                n = f();
                times.push(t.elapsed());
            }
            println!("{what}: first {:?}, best {:?} ({n} items)", times[0], times[1..].iter().min().unwrap());
        };
        best("completion after @", &|| gloss_analysis::features::completion::complete(&a, id, at).items.len());
        best("workspace symbols", &|| gloss_analysis::features::outline::workspace_symbols(&a, "Number12").len());
    }
    for round in 0..3 {
        let edited = format!("{big} word{round}");
        let t = Instant::now();
        let facts = Facts::of_document(&edited);
        let read = t.elapsed();
        let t = Instant::now();
        ws.set("docs/big.txt", edited.as_str(), facts);
        let a = ws.snapshot();
        let index = t.elapsed();
        let t = Instant::now();
        let id = a.file_id("docs/big.txt").unwrap();
        let n = diagnostics(&a, id).len();
        let big_diags = t.elapsed();
        let t = Instant::now();
        let other = a.file_id("docs/doc-000001.txt").unwrap();
        let m = diagnostics(&a, other).len();
        let small = t.elapsed();
        println!("read {read:?} · index {index:?} · diagnostics of the big document {big_diags:?} ({n}) · of another {small:?} ({m})");
    }
    // A one-character edit in the middle of the document.
    let old = read_document(&big, &Markup::parse(&big));
    let mut at = big.len() / 2;
    while !big.is_char_boundary(at) {
        at += 1;
    }
    let mut edited = big.clone();
    edited.insert(at, 'x');
    let t = Instant::now();
    let whole = read_document(&edited, &Markup::parse(&edited));
    let read = t.elapsed();
    let rounds = 100;
    let t = Instant::now();
    for _ in 0..rounds {
        assert_eq!(reread_document(&big, &old, &edited, at..at + 1).claims.len(), whole.claims.len());
    }
    let reread = t.elapsed() / rounds;
    assert_eq!(reread_document(&big, &old, &edited, at..at + 1), whole);
    ws.set_document("docs/big.txt", &big);
    let t = Instant::now();
    ws.set_edited_document("docs/big.txt", edited.as_str(), Some(at..at + 1));
    let set = t.elapsed();
    println!(
        "a one-character edit in {} bytes ({} claims): read whole {read:?} · paragraphs read again {reread:?} · set in the workspace that way {set:?}",
        edited.len(),
        whole.claims.len()
    );
}
