//! Where reading time goes, stage by stage, on a generated corpus:
//! `cargo run --release -p gloss-analysis --example profile`.

use std::time::Instant;

use gloss_analysis::Facts;
use gloss_corpus::{generate, Shape};
use gloss_syntax::{parse_tree, Markup};

fn main() {
    let corpus = generate(Shape {
        documents: std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(500),
        references: std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(100),
        ..Shape::default()
    });
    let mb = corpus.documents.iter().map(|(_, t)| t.len()).sum::<usize>() as f64 / 1e6;
    let t = Instant::now();
    let trees: Vec<_> = corpus.documents.iter().map(|(_, t)| parse_tree(t, None)).collect();
    let parse = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let markups: Vec<_> = trees.iter().zip(&corpus.documents).map(|(tree, (_, text))| Markup::from_tree(tree, text)).collect();
    let lower = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let read: Vec<_> = corpus.documents.iter().map(|(_, text)| Markup::parse(text)).collect();
    let read_time = t.elapsed().as_secs_f64();
    assert_eq!(read, markups, "the tree-less reader and the tree agree");
    let t = Instant::now();
    let n: usize = corpus.documents.iter().map(|(_, text)| matches!(Facts::of_document(text), Facts::Document(_)) as usize).sum();
    let all = t.elapsed().as_secs_f64();
    let mut ws = gloss_analysis::Workspace::new();
    ws.set_registry("gloss.toml", &corpus.config, true);
    ws.set_registry("registry.toml", &corpus.registry, false);
    for (path, text) in &corpus.documents {
        ws.set_document(path, text);
    }
    let t = Instant::now();
    let analysis = ws.snapshot();
    analysis.relate_all(); // claims are related lazily: counted with the index, as before
    let index = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let found = gloss_analysis::diagnostics::workspace_diagnostics(&analysis);
    let diagnostics = found.len();
    let related: usize = found.iter().map(|d| d.related.len()).sum();
    let conflicts: usize = analysis.claims().map(|c| analysis.relations(c).conflicts.len()).sum();
    let diag = t.elapsed().as_secs_f64();
    println!("index: {index:.3} s; diagnostics: {diag:.3} s ({diagnostics} diagnostics, {related} related places; {conflicts} conflicting pairs, counted from both ends)");
    println!("{mb:.1} MB, {n} documents, {} spans", markups.iter().map(|m| m.spans.len()).sum::<usize>());
    println!("tree-sitter parse: {parse:.3} s ({:.1} MB/s)", mb / parse);
    println!("lowering to Markup: {lower:.3} s ({:.1} MB/s)", mb / lower);
    println!("reading without a tree: {read_time:.3} s ({:.1} MB/s)", mb / read_time);
    println!("read + facts: {all:.3} s ({:.1} MB/s)", mb / all);
}
