//! Throughput of reading documents (parse + facts) and of building the
//! workspace index, on a generated corpus. `cargo bench -p gloss-analysis`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::collections::BTreeMap;

use gloss_analysis::claim::Claim;
use gloss_analysis::config::ClaimSettings;
use gloss_analysis::conflict::relate;
use gloss_analysis::diagnostics::workspace_diagnostics;
use gloss_analysis::{Facts, Workspace};
use gloss_corpus::{generate, Shape};

fn corpus() -> gloss_corpus::Corpus {
    // 2,000 documents x 100 references: 200,000 spans, ~20 MB.
    generate(Shape { documents: 2_000, references: 100, ..Shape::default() })
}

fn bench(c: &mut Criterion) {
    let corpus = corpus();
    let mut group = c.benchmark_group("analysis");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(corpus.bytes() as u64));
    group
        .bench_function("read documents (parse + facts)", |b| b.iter(|| corpus.documents.iter().map(|(_, t)| Facts::of_document(t)).collect::<Vec<_>>().len()));
    let workspace = || {
        let mut ws = Workspace::new();
        ws.set_registry("gloss.toml", &corpus.config, true);
        ws.set_registry("registry.toml", &corpus.registry, false);
        for (path, text) in &corpus.documents {
            ws.set_document(path, text);
        }
        ws
    };
    group.bench_function("index (definitions, references, conflicts)", |b| {
        // Claims are related lazily: all of them here, as before.
        b.iter_batched(
            workspace,
            |mut ws| {
                let analysis = ws.snapshot();
                analysis.relate_all();
                analysis
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("all diagnostics", |b| {
        let analysis = workspace().snapshot();
        b.iter(|| workspace_diagnostics(&analysis).len())
    });
    group.finish();

    // Relating alone, subject by subject on one thread, at the size of the
    // server's 20,000-document benchmark (100,000 claims on 30 subjects).
    let mut group = c.benchmark_group("relating");
    group.sample_size(10);
    group.bench_function("every subject of 20,000 documents", |b| {
        // Made here, so that running other benchmarks does not make it.
        let big = generate(Shape { documents: 20_000, references: 20, ..Shape::default() });
        let facts: Vec<Facts> = big.documents.iter().map(|(_, t)| Facts::of_document(t)).collect();
        let mut by_subject: BTreeMap<&str, Vec<&Claim>> = BTreeMap::new();
        for claim in facts.iter().flat_map(|f| match f {
            Facts::Document(d) => &d.claims[..],
            _ => &[],
        }) {
            by_subject.entry(claim.subject.id.as_str()).or_default().push(claim);
        }
        b.iter(|| by_subject.values().map(|claims| relate(claims, None, ClaimSettings::default()).units.len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
