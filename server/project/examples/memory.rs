//! Where the heap goes when a workspace is read and set:
//! `cargo run --release -p gloss-project --example memory DIR`.
//! A counting allocator gives live bytes; each part of the facts is
//! measured by dropping it from every file and seeing what is freed.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use gloss_analysis::{Facts, Workspace};
use gloss_project::{read_workspace_cached, ReadFile};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Relaxed);
        let live = LIVE.fetch_add(new_size, Relaxed) + new_size;
        PEAK.fetch_max(live, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> usize {
    LIVE.load(Relaxed)
}

fn mb(bytes: usize) -> String {
    format!("{:7.1} MB", bytes as f64 / 1e6)
}

fn read(dir: &str) -> Vec<ReadFile> {
    read_workspace_cached(dir.as_ref(), gloss_project::FactsCache::default).expect("the workspace is read").2
}

/// Frees one part of every file's facts; returns the bytes freed.
fn drop_part(facts: &mut [Facts], mut part: impl FnMut(&mut Facts)) -> usize {
    let before = live();
    facts.iter_mut().for_each(&mut part);
    before - live()
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: memory DIR");
    let base = live();
    let files = read(&dir);
    println!("read: {} files, live {}", files.len(), mb(live() - base));
    let (mut texts, mut facts) = (Vec::new(), Vec::new());
    for f in files {
        if let Ok(file) = f.content {
            texts.push(file.text);
            facts.push(std::sync::Arc::unwrap_or_clone(file.facts));
        }
    }
    // Line indexes as the files built them, built again to be measured.
    let before = live();
    let lines: Vec<gloss_analysis::line_index::LineIndex> = texts.iter().map(|t| gloss_analysis::line_index::LineIndex::new(t)).collect();
    let indexes = live() - before;
    let before = live();
    texts = Vec::new();
    println!("  texts         {}", mb(before - live()));
    println!("  line indexes  {}", mb(indexes));
    println!("  facts         {}", mb(live() - base));
    drop((texts, lines));
    let take = std::mem::take;
    type Part<'a> = (&'a str, &'a dyn Fn(&mut Facts));
    let parts: [Part; 8] = [
        ("references", &|f| match f {
            Facts::Document(d) => d.references = Vec::new(),
            Facts::Registry(r) => r.references = Vec::new(),
            _ => {}
        }),
        ("definitions", &|f| match f {
            Facts::Document(d) => d.definitions = Vec::new(),
            Facts::Registry(r) => r.definitions = Vec::new(),
            _ => {}
        }),
        ("claims' text", &|f| {
            if let Facts::Document(d) = f {
                d.claims.iter_mut().for_each(|c| drop(take(&mut c.text)))
            }
        }),
        ("claims' sources", &|f| {
            if let Facts::Document(d) = f {
                for c in &mut d.claims {
                    c.sources = Default::default();
                }
            }
        }),
        ("claims, rest", &|f| {
            if let Facts::Document(d) = f {
                d.claims = Vec::new()
            }
        }),
        ("problems", &|f| match f {
            Facts::Document(d) => d.problems = Vec::new(),
            Facts::Registry(r) => r.problems = Vec::new(),
            _ => {}
        }),
        ("bare prose", &|f| {
            if let Facts::Document(d) = f {
                d.bare_prose = Vec::new()
            }
        }),
        ("acks", &|f| {
            if let Facts::Document(d) = f {
                d.acks = Vec::new()
            }
        }),
    ];
    for (name, part) in parts {
        println!("    {name:<13} {}", mb(drop_part(&mut facts, part)));
    }
    println!("    the rest      {}", mb(live() - base));
    drop(facts);

    let before = live();
    let mut ws = Workspace::new();
    // As the server takes a folder in: all at once.
    let mut readable = Vec::new();
    for f in gloss_project::ready(read(&dir)) {
        match f.file {
            Ok(file) => readable.push(file),
            Err(why) => {
                ws.set_unreadable(&f.relative, &why, f.registry);
            }
        }
    }
    ws.set_files(readable);
    println!("workspace set   {}", mb(live() - before));
    let analysis = ws.snapshot();
    println!("settled         {}", mb(live() - before));
    let (mut claims, mut conflicts, mut revisions) = (0, 0, 0);
    for c in analysis.claims() {
        let r = analysis.relations(c);
        (claims, conflicts, revisions) = (claims + 1, conflicts + r.conflicts.len(), revisions + r.revised_by.len());
    }
    println!("  {claims} claims, {conflicts} conflicts and {revisions} revisions listed");
    // Relations are worked out when first asked for: what they hold.
    println!("related         {}", mb(live() - before));
    analysis.definition_table();
    println!("with the table of definitions (for completion and symbols) {}", mb(live() - before));
    println!("peak            {}", mb(PEAK.load(Relaxed) - base));
    drop(analysis);
}
