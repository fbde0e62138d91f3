//! Where hover, references and completion spend their time on a generated
//! workspace, by what is under the cursor (a mention, a claim, a source id):
//! `cargo run --release -p gloss-analysis --example requests [DOCUMENTS]`.
//! The slowest answers of each kind, in process, without the protocol.

use std::time::{Duration, Instant};

use gloss_analysis::features::{completion::complete, hover::hover, references::references};
use gloss_analysis::Facts;
use gloss_corpus::{generate, Shape};

fn main() {
    let documents = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let corpus = generate(Shape { documents, references: 20, ..Shape::default() });
    let mut ws = gloss_analysis::Workspace::new();
    ws.set_registry("gloss.toml", &corpus.config, true);
    ws.set_registry("registry.toml", &corpus.registry, false);
    for (path, text) in &corpus.documents {
        ws.set(path, text.as_str(), Facts::of_document(text));
    }
    let analysis = ws.snapshot();
    // Twenty documents spread over the corpus, every span's text and id.
    let step = (corpus.documents.len() / 20).max(1);
    let mut times: Vec<(&str, Duration, usize)> = Vec::new();
    for (path, text) in corpus.documents.iter().step_by(step) {
        let file = analysis.file_id(path).expect("set above");
        for (brace, _) in text.match_indices("]{") {
            let kind = if text[brace..].starts_with("]{claim=") { "claim" } else { "mention" };
            let open = text[..brace].rfind('[').unwrap_or(0);
            let t = Instant::now();
            let h = hover(&analysis, file, open + 1);
            times.push((if kind == "claim" { "hover claim" } else { "hover mention" }, t.elapsed(), h.map_or(0, |h| h.markdown.len())));
            let id = brace + text[brace..].find('@').unwrap_or(0) + 1;
            let t = Instant::now();
            let found = references(&analysis, file, id, true);
            times.push((if kind == "claim" { "references source" } else { "references mention" }, t.elapsed(), found.len()));
            // After the id's first letter: the ids that may become it.
            let t = Instant::now();
            let offered = complete(&analysis, file, id + 1).items;
            times.push(("completion", t.elapsed(), offered.len()));
            // Right after the `@`: every id may follow.
            let t = Instant::now();
            let offered = complete(&analysis, file, id).items;
            times.push(("completion after @", t.elapsed(), offered.len()));
            if kind == "claim" {
                // After the subject's first letter.
                let t = Instant::now();
                let offered = complete(&analysis, file, brace + "]{claim=".len() + 1).items;
                times.push(("completion subject", t.elapsed(), offered.len()));
            }
        }
    }
    for kind in ["hover mention", "hover claim", "references mention", "references source", "completion", "completion after @", "completion subject"] {
        let mut of: Vec<(Duration, usize)> = times.iter().filter(|t| t.0 == kind).map(|t| (t.1, t.2)).collect();
        of.sort();
        let at = |q: f64| of[((of.len() - 1) as f64 * q) as usize];
        println!(
            "{kind:20} n={:4} p50 {:?} p99 {:?} max {:?} (answer size at max {})",
            of.len(),
            at(0.5).0,
            at(0.99).0,
            of.last().unwrap().0,
            of.last().unwrap().1
        );
    }
}
