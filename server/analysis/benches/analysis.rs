//! Throughput of reading documents (parse + facts) and of building the
//! workspace index, on a generated corpus. `cargo bench -p gloss-analysis`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
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
    group.bench_function("read documents (parse + facts)", |b| {
        b.iter(|| corpus.documents.iter().map(|(_, t)| Facts::of_document(t)).collect::<Vec<_>>().len())
    });
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
