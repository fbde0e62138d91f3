//! Where a cold and a cached workspace read spend their time:
//! `cargo run --release -p gloss-project --example load DIR` (a workspace,
//! e.g. one written by `gloss-bench --corpus DIR`).

use std::time::Instant;

use gloss_analysis::Workspace;
use gloss_project::{read_workspace_cached, FactsCache};

fn main() {
    let dir = std::env::args().nth(1).expect("usage: load DIR");
    let cache_file = std::env::temp_dir().join(format!("gloss-load-example-{}.facts", std::process::id()));
    let _ = std::fs::remove_file(&cache_file);
    for round in ["cold", "cached"] {
        let t = Instant::now();
        let (_, _, files, stats) = read_workspace_cached(dir.as_ref(), || FactsCache::open_file(&cache_file)).expect("the workspace is read");
        let read = t.elapsed();
        let after_read = rss();
        let mut ws = Workspace::new();
        let mut keep = Vec::new();
        for f in &files {
            if let (Ok(file), Some(hash)) = (&f.content, f.hash) {
                keep.push((f.relative.clone(), hash, f.stamp, file.clone()));
            }
        }
        let kept = t.elapsed();
        let files = gloss_project::ready(files);
        let ready = t.elapsed();
        let mut readable = Vec::new();
        for f in files {
            match f.file {
                Ok(file) => readable.push(file),
                Err(why) => {
                    ws.set_unreadable(&f.relative, &why, f.registry);
                }
            };
        }
        ws.set_files(readable);
        let set = t.elapsed();
        let after_set = rss();
        let analysis = ws.snapshot();
        let settled = t.elapsed();
        analysis.relate_all();
        let related = t.elapsed();
        println!("  resident after reading {after_read} MB, after setting {after_set} MB, after relating {} MB (the facts kept for the cache included)", rss());
        println!(
            "{round}: cache opened and documents read, line indexes built {:?} ({} parsed, {} cached, {} of them unread) · [keeping the files for the cache {:?}] · ready {:?} · set {:?} · settle {:?} · relate every subject {:?} · {} files",
            read,
            stats.parsed,
            stats.cached,
            stats.unread,
            kept - read,
            ready - kept,
            set - ready,
            settled - set,
            related - settled,
            analysis.files().count()
        );

        if round == "cold" {
            let t = Instant::now();
            let documents: Vec<gloss_project::cache::Entry> = keep
                .iter()
                .filter_map(|(relative, hash, stamp, file)| {
                    Some(gloss_project::cache::Entry { relative, hash: *hash, stamp: *stamp, text: &file.text, facts: file.document()? })
                })
                .collect();
            FactsCache::save_file(&cache_file, &documents).expect("the cache is written");
            println!("cache written in {:?}, {} bytes", t.elapsed(), std::fs::metadata(&cache_file).map_or(0, |m| m.len()));
        }
    }
    let _ = std::fs::remove_file(&cache_file);
}

/// Resident memory now, in MB (Linux; 0 elsewhere).
fn rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find_map(|l| l.strip_prefix("VmRSS:")?.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()).unwrap_or(0) / 1024
}
