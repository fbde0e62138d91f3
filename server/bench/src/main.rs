//! `gloss-bench`: the real server and CLI on a generated workspace.
//!
//! ```text
//! gloss-bench [--documents 20000] [--references 20] [--samples 300]
//!             [--gloss target/dist/gloss] [--write docs/performance.md]
//! gloss-bench --corpus DIR [--documents N] [--references N]
//! ```
//!
//! `--corpus` only writes the generated workspace into DIR (for profiling
//! `gloss check` or an editor on it) and measures nothing.
//!
//! Measures, over stdio like an editor: the time from spawning `gloss lsp`
//! to a complete index (references of an entity return every mention),
//! hover / definition / references / completion / workspace-symbol latency
//! (p50, p99) on sampled positions of open documents, keystroke to fresh
//! diagnostics in a 1 MB document when the edit changes a conflict in
//! another document, the server's peak RSS, workspace diagnostics pulled as
//! VS Code pulls them (`pulls`), and `gloss check` throughput.

mod client;
mod pulls;
mod workload;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use client::Server;
use serde_json::json;
use workload::Workload;

struct Options {
    documents: usize,
    references: usize,
    samples: usize,
    gloss: PathBuf,
    write: Option<PathBuf>,
    corpus: Option<PathBuf>,
}

fn options() -> Options {
    let mut o = Options {
        documents: 20_000,
        references: 20,
        samples: 300,
        gloss: std::env::current_exe().ok().and_then(|e| Some(e.parent()?.join("gloss"))).unwrap_or_else(|| "gloss".into()),
        write: None,
        corpus: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage(&format!("{flag} needs a value")));
        let number = |v: String| v.replace('_', "").parse::<usize>().unwrap_or_else(|_| usage(&format!("not a number: {v}")));
        match flag.as_str() {
            "--documents" => o.documents = number(value()),
            "--references" => o.references = number(value()),
            "--samples" => o.samples = number(value()).max(10),
            "--gloss" => o.gloss = value().into(),
            "--write" => o.write = Some(value().into()),
            "--corpus" => o.corpus = Some(value().into()),
            "-h" | "--help" => usage(""),
            other => usage(&format!("unknown option {other}")),
        }
    }
    o
}

fn usage(why: &str) -> ! {
    if !why.is_empty() {
        eprintln!("gloss-bench: {why}");
    }
    eprintln!("usage: gloss-bench [--documents N] [--references N] [--samples N] [--gloss PATH] [--write FILE]");
    eprintln!("       gloss-bench --corpus DIR [--documents N] [--references N]");
    std::process::exit(2)
}

/// Latency percentiles of one request kind.
#[derive(Default)]
struct Latency(Vec<Duration>);

impl Latency {
    fn percentile(&self, p: f64) -> Duration {
        let mut v = self.0.clone();
        v.sort();
        v.get(((v.len() as f64 - 1.0) * p).round() as usize).copied().unwrap_or_default()
    }
    fn cell(&self) -> String {
        format!("{} / {}", ms(self.percentile(0.5)), ms(self.percentile(0.99)))
    }
    /// With the slowest: of a hundred requests, p99 is the second slowest.
    fn cell_with_max(&self) -> String {
        format!("{} / {}", self.cell(), ms(self.percentile(1.0)))
    }
}

/// Where the benchmark splits references' answers: a client parses a
/// list of thousands of locations in milliseconds of its own.
const BIG_ANSWER: usize = 1000;

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

fn main() {
    let o = options();
    if let Some(dir) = &o.corpus {
        let w = Workload::generate(o.documents, o.references);
        std::fs::create_dir_all(dir).and_then(|_| w.write(dir)).unwrap_or_else(|e| usage(&format!("cannot write {}: {e}", dir.display())));
        eprintln!("gloss-bench: {:.1} MB, {} mentions, {} claims in {}", w.bytes as f64 / 1e6, w.mentions, w.claims, dir.display());
        return;
    }
    if !o.gloss.exists() {
        usage(&format!("no gloss binary at {} (build it: cargo build --profile dist -p gloss)", o.gloss.display()));
    }
    eprintln!("gloss-bench: generating {} documents × {} references", o.documents, o.references);
    let dir = tempfile::Builder::new().prefix("gloss-bench-").tempdir().expect("a temporary folder");
    let root = dir.path().canonicalize().unwrap();
    let w = Workload::generate(o.documents, o.references);
    w.write(&root).expect("the workspace written");
    let mb = w.bytes as f64 / 1e6;
    eprintln!("gloss-bench: {mb:.1} MB, {} mentions, {} claims in {}", w.mentions, w.claims, root.display());
    // A workspace is opened some time after its files were written: the
    // facts cache keeps a file's stamp only once its last change is a
    // few seconds old (`gloss_project::cache`), and the warm start below
    // should find what a real one finds.
    std::thread::sleep(Duration::from_millis(2_500));

    // Spawn to a complete index, with no index cache yet.
    let cache = dir.path().join("cache");
    let probe = w.probe(&root);
    let spawned = Instant::now();
    let (mut server, complete, early, [early_hover, early_completion]) = start_and_index(&o.gloss, &cache, &w, &root, &probe);
    // (It may come just after the complete answer: waited for.)
    let (ended, _) = server.wait_for(spawned, |n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end");
    let progress_end = ended - spawned;
    eprintln!("gloss-bench: complete index after {}", ms(complete));
    // The server relates every subject's claims in the background after
    // the index, and logs when it is done.
    let related = |server: &mut Server| {
        let (at, _) = server
            .wait_for(spawned, |n| n["method"] == "window/logMessage" && n["params"]["message"].as_str().is_some_and(|m| m.starts_with("related the claims")));
        at - spawned
    };
    let all_related = related(&mut server);

    // Requests on open documents.
    let opened = w.open_sample(&root, 20);
    let opened_at = Instant::now();
    for d in &opened {
        server.notify("textDocument/didOpen", json!({"textDocument": {"uri": d.uri, "languageId": "gloss", "version": 1, "text": d.text}}));
    }
    // As an annotator does: the documents open, their diagnostics shown,
    // then reading and hovering. (Requests made while the server is busy
    // are measured above, during the index.)
    for d in &opened {
        server.wait_for(opened_at, |n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == d.uri.as_str());
    }
    let sites = w.sites(&opened, o.samples);
    // References by the size of the answer: up to BIG_ANSWER locations, more.
    let mut by_size = [Latency::default(), Latency::default()];
    let mut lat: Vec<(&str, Latency)> =
        ["hover", "definition", "references", "completion", "workspace symbol", "completion of a subject, after `claim=` and a letter"]
            .iter()
            .map(|k| (*k, Latency::default()))
            .collect();
    for (i, site) in sites.iter().enumerate() {
        let at = json!({"textDocument": {"uri": site.uri}, "position": site.position});
        let id_at = json!({"textDocument": {"uri": site.uri}, "position": site.id_position});
        let after_at = json!({"textDocument": {"uri": site.uri}, "position": site.after_at});
        let warm = i < 10;
        let mut time = |k: usize, method: &str, params: serde_json::Value, server: &mut Server| {
            let (result, took) = server.request(method, params);
            if !warm {
                lat[k].1 .0.push(took);
                if k == 2 {
                    let size = result.as_array().map_or(0, Vec::len);
                    by_size[usize::from(size > BIG_ANSWER)].0.push(took);
                }
            }
        };
        time(0, "textDocument/hover", at.clone(), &mut server);
        time(1, "textDocument/definition", at, &mut server);
        let mut refs = id_at.as_object().unwrap().clone();
        refs.insert("context".into(), json!({"includeDeclaration": true}));
        time(2, "textDocument/references", refs.into(), &mut server);
        time(3, "textDocument/completion", after_at, &mut server);
        time(4, "workspace/symbol", json!({"query": format!("Number{}", i % 97)}), &mut server);
        if let Some(subject_at) = &site.subject_at {
            time(5, "textDocument/completion", json!({"textDocument": {"uri": site.uri}, "position": subject_at}), &mut server);
        }
    }

    // Keystroke to diagnostics across documents, in a 1 MB document.
    let pair = w.conflict_pair(&root);
    server.notify("textDocument/didOpen", json!({"textDocument": {"uri": pair.big_uri, "languageId": "gloss", "version": 1, "text": pair.big_text}}));
    server.notify("textDocument/didOpen", json!({"textDocument": {"uri": pair.other_uri, "languageId": "gloss", "version": 1, "text": pair.other_text}}));
    server.request("workspace/symbol", json!({"query": "warm"}));
    let mut keystroke = Latency::default();
    let mut current = pair.figure.to_string();
    for version in 2..62 {
        let next = if current == pair.figure { pair.conflicting.to_string() } else { pair.figure.to_string() };
        let range = json!({"start": pair.at, "end": {"line": pair.at["line"], "character": pair.at["character"].as_u64().unwrap() + current.len() as u64}});
        let sent = Instant::now();
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": pair.big_uri, "version": version}, "contentChanges": [{"range": range, "text": next}]}),
        );
        let conflicted = next == pair.conflicting;
        let other = pair.other_uri.clone();
        let (at, _) = server.wait_for(sent, |n| {
            n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == other.as_str()
                && n["params"]["diagnostics"].as_array().is_some_and(|d| d.iter().any(|d| d["code"] == "conflicting-claim") == conflicted)
        });
        if version > 4 {
            keystroke.0.push(at - sent);
        }
        current = next;
    }
    let rss_kb = server.finish();

    // Again, with the cache the first server wrote: five starts, the
    // median reported (one start moves by tens of ms on a shared machine).
    let mut warm: Vec<Duration> = (0..5)
        .map(|_| {
            let (warm_server, took, _, _) = start_and_index(&o.gloss, &cache, &w, &root, &probe);
            warm_server.finish();
            took
        })
        .collect();
    warm.sort();

    let pulls = pulls::measure(&o.gloss, &cache, &w, &root, &pair);

    // gloss check over the same workspace (best of three), as CI on a
    // fresh machine runs it (JSON, no cache), again with the facts cache the
    // server wrote, and as a person at a terminal does (text, the default).
    let check_in = |args: &[&str]| {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let started = Instant::now();
            let status = std::process::Command::new(&o.gloss)
                .arg("check")
                .args(args)
                .arg(&root)
                .env("GLOSS_CACHE_DIR", &cache)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("gloss check runs");
            assert!(status.code().is_some_and(|c| c < 2), "gloss check could not run: {status}");
            best = best.min(started.elapsed());
        }
        best
    };
    let check = check_in(&["--format", "json", "--no-cache"]);
    let check_cached = check_in(&["--format", "json"]);
    let check_text = check_in(&["--format", "text"]);

    let row = |k: &str, v: String| format!("| {k} | {v} |\n");
    let mut table = String::new();
    table.push_str(&format!(
        "Corpus: {} documents × {} references ({} mentions, {} claims), {mb:.1} MB, plus a 1 MB document; {} sampled positions in 20 open documents.\n\n",
        o.documents,
        o.references,
        w.mentions,
        w.claims,
        sites.len()
    ));
    table.push_str("| measure | result |\n|---|---|\n");
    table.push_str(&row("spawn to complete index (references return every mention), no cache", ms(complete)));
    table.push_str(&row("the same with the index cache (median of 5 starts; fastest, slowest)", format!("{} ({}, {})", ms(warm[2]), ms(warm[0]), ms(warm[4]))));
    table.push_str(&row("spawn to the end of the index progress", ms(progress_end)));
    table.push_str(&row("spawn to every subject's claims related (in the background, after the index)", ms(all_related)));
    if !early.0.is_empty() {
        table.push_str(&row("references while indexing, p50 / p99 / max", early.cell_with_max()));
        table.push_str(&row("hover while indexing, p50 / p99 / max", early_hover.cell_with_max()));
        table.push_str(&row("completion while indexing, p50 / p99 / max", early_completion.cell_with_max()));
    }
    for (k, l) in lat.iter().filter(|(_, l)| !l.0.is_empty()) {
        table.push_str(&row(&format!("{k}, p50 / p99"), l.cell()));
        if *k == "references" {
            for (l, which) in by_size.iter().zip(["up to", "more than"]).filter(|(l, _)| !l.0.is_empty()) {
                let what = format!("references, answers of {which} {BIG_ANSWER} locations ({} of {}), p50 / p99", l.0.len(), lat[2].1 .0.len());
                table.push_str(&row(&what, l.cell()));
            }
        }
    }
    table.push_str(&row("keystroke to diagnostics of another document (1 MB document, debounce 0), p50 / p99", keystroke.cell()));
    if let Some(kb) = rss_kb {
        table.push_str(&row("server peak RSS", format!("{} MB", kb / 1024)));
    }
    let pulled = |p: &pulls::Pull| {
        let parts = if p.parts == 1 { "1 part".to_string() } else { format!("{} parts", p.parts) };
        format!(
            "{}, {:.1} MB in {parts} (largest {:.1} MB), {} of {} files' lists in full",
            ms(p.took),
            p.bytes as f64 / 1e6,
            p.largest_part as f64 / 1e6,
            p.full,
            p.files
        )
    };
    table.push_str(&row("workspace diagnostics pulled as VS Code does (in parts), first pull", pulled(&pulls.first)));
    table.push_str(&row("pulled again with the result ids held, nothing changed", pulled(&pulls.again)));
    table.push_str(&row("pulled again after the figure of a short document's one claim is edited into a conflict", pulled(&pulls.after_edit)));
    table.push_str(&row("pulled again after a figure in the 1 MB document (claims on every subject) is edited", pulled(&pulls.after_big_edit)));
    if let Some(kb) = pulls.peak_rss_kb {
        table.push_str(&row("server peak RSS, pulling", format!("{} MB", kb / 1024)));
    }
    table.push_str(&row("`gloss check --format json --no-cache` (best of 3)", format!("{} ({:.0} MB/s)", ms(check), mb / check.as_secs_f64())));
    table.push_str(&row(
        "`gloss check --format json`, with the facts cache (best of 3)",
        format!("{} ({:.0} MB/s)", ms(check_cached), mb / check_cached.as_secs_f64()),
    ));
    table.push_str(&row("`gloss check`, text, with the facts cache (best of 3)", format!("{} ({:.0} MB/s)", ms(check_text), mb / check_text.as_secs_f64())));
    println!("{table}");
    if let Some(path) = o.write {
        let section = format!("Command: `{}`\n\nMachine: {}\n\n{table}", command_line(), machine());
        write_section(&path, &format!("{} documents", o.documents), &section).expect("the report written");
        eprintln!("gloss-bench: wrote {}", path.display());
    }
}

/// Spawns the server, opens a probe document, and asks for the references
/// of one of its entities until every mention is found: the time from
/// spawning to that answer, and the latency of the answers before it and
/// of hovers and completions on the same id made in between.
fn start_and_index(
    gloss: &std::path::Path,
    cache: &std::path::Path,
    w: &Workload,
    root: &std::path::Path,
    probe: &workload::Probe,
) -> (Server, Duration, Latency, [Latency; 2]) {
    let spawned = Instant::now();
    let capabilities = json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true},
        "textDocument": {"publishDiagnostics": {"versionSupport": true}},
    });
    let mut server = Server::started(gloss, cache, &w.uri(root, "."), capabilities);
    server.notify("textDocument/didOpen", json!({"textDocument": {"uri": probe.uri, "languageId": "gloss", "version": 1, "text": probe.text}}));
    let (mut early, mut early_hover, mut early_completion) = (Latency::default(), Latency::default(), Latency::default());
    loop {
        let (refs, took) = server.request(
            "textDocument/references",
            json!({"textDocument": {"uri": probe.uri}, "position": probe.position, "context": {"includeDeclaration": true}}),
        );
        let found = refs.as_array().map_or(0, |a| a.len());
        // Asked while indexing, the one that finds every reference too:
        // it may have waited for the index to be taken in.
        early.0.push(took);
        if found >= probe.expected {
            return (server, spawned.elapsed(), early, [early_hover, early_completion]);
        }
        assert!(spawned.elapsed() < Duration::from_secs(600), "after 10 minutes, {found} of {} references", probe.expected);
        let (_, took) = server.request("textDocument/hover", json!({"textDocument": {"uri": probe.uri}, "position": probe.position}));
        early_hover.0.push(took);
        // On the id, after its first letter: the ids that start so.
        let (_, took) = server.request("textDocument/completion", json!({"textDocument": {"uri": probe.uri}, "position": probe.position}));
        early_completion.0.push(took);
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("gloss-bench {}", args.join(" "))
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| c.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1)).map(|s| s.trim().to_string()))
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<u64>().ok()))
        .map_or(String::new(), |kb| format!(", {} GiB", kb / 1024 / 1024));
    format!("{cpu}, {cores} cores{mem}")
}

/// Replaces the generated section for this size in the report (between
/// its markers), or appends it; the rest of the file is left as written.
fn write_section(path: &std::path::Path, name: &str, body: &str) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let (begin, end) = (format!("<!-- gloss-bench {name}: begin -->"), format!("<!-- gloss-bench {name}: end -->"));
    let block = format!("{begin}\n{body}{end}");
    let new = match (text.find(&begin), text.find(&end)) {
        (Some(b), Some(e)) if b < e => format!("{}{block}{}", &text[..b], &text[e + end.len()..]),
        _ => format!("{}\n\n### {name}\n\n{block}\n", text.trim_end()),
    };
    std::fs::write(path, new)
}
