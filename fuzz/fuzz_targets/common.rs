//! Checks shared by the fuzz targets: run every analysis feature over a
//! snapshot and assert what must hold for any input (ranges inside the
//! text and on character boundaries, positions that round-trip, edits that
//! apply). A panic anywhere is a crash.
#![allow(dead_code)]

use std::ops::Range;

use gloss_analysis::diagnostics::{diagnostics, workspace_diagnostics};
use gloss_analysis::features::{code_actions, completion, goto, hover, outline, references, rename, tokens};
use gloss_analysis::line_index::Encoding;
use gloss_analysis::{Analysis, FileId, Workspace};

/// A small registry: an actor, a source, a subject, with aliases.
pub const REGISTRY: &str = r#"[workspace]
documents = ["*.txt"]

[claims]
approx = 0.2

[actor.putin]
name = "Vladimir Putin"
kind = "person"
aliases = ["Putin"]
country = "@russia"

[actor.russia]
name = "Russia"
kind = "state"

[actor.ua-intel]
name = "Ukrainian military intelligence"
kind = "agency"

[source.cnn-2024]
title = "North Korean soldiers in Russia"
reliability = "B"

[subject.nk-troops]
name = "North Korean troops in Russia"
unit = "soldiers"
"#;

/// A second document with claims on the same subject, so conflicts and
/// ledgers have something to relate to.
pub const OTHER: &str = "{#other date=2024-10-23}\n[The White House]{@white-house} says [around 3,000 soldiers]{claim=nk-troops src=@ua-intel}.\n";

/// Offsets to probe: a few derived from the input's bytes, and every
/// markup character among the first ones.
pub fn probes(text: &str, seed: &[u8]) -> Vec<usize> {
    let mut at: Vec<usize> = vec![0, text.len()];
    for chunk in seed.chunks(2).take(6) {
        let n = chunk.iter().fold(0usize, |a, b| a * 256 + *b as usize);
        at.push(n % (text.len() + 1));
    }
    at.extend(text.char_indices().filter(|(_, c)| matches!(c, '@' | '[' | '{' | '=' | ' ' | '#' | ']')).map(|(i, _)| i).take(24));
    for a in at.iter_mut() {
        while !text.is_char_boundary(*a) {
            *a -= 1;
        }
    }
    at.sort_unstable();
    at.dedup();
    at
}

fn range_ok(text: &str, r: &Range<usize>, what: &str) {
    assert!(r.start <= r.end && r.end <= text.len(), "{what}: range {r:?} outside a text of {} bytes", text.len());
    assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end), "{what}: range {r:?} not on char boundaries");
}

fn text_of(a: &Analysis, f: FileId) -> &str {
    &a.file(f).expect("a file the analysis names").text
}

/// Offsets to positions and back, in both encodings.
pub fn check_line_index(a: &Analysis, file: FileId) {
    let f = a.file(file).unwrap();
    let text = &*f.text;
    let bytes = text.as_bytes();
    for (i, _) in text.char_indices().chain([(text.len(), ' ')]).step_by(7).take(400) {
        // Inside a CRLF there is no position of its own.
        if i > 0 && bytes[i - 1] == b'\r' && bytes.get(i) == Some(&b'\n') {
            continue;
        }
        for enc in [Encoding::Utf8, Encoding::Utf16] {
            let lc = f.line_index().line_col(i, enc);
            assert_eq!(f.line_index().offset(text, lc, enc), i, "offset {i} -> {lc:?} ({enc:?}) and back");
        }
    }
}

/// Every feature of the analysis at the given offsets of `file`.
pub fn exercise(a: &Analysis, file: FileId, offsets: &[usize]) {
    let text = text_of(a, file).to_string();
    for d in diagnostics(a, file) {
        range_ok(&text, &d.range, "diagnostic");
        for r in &d.related {
            range_ok(text_of(a, r.file), &r.range, "related information");
        }
    }
    for d in workspace_diagnostics(a) {
        range_ok(text_of(a, d.file), &d.range, "workspace diagnostic");
    }
    for t in tokens::semantic_tokens(a, file) {
        range_ok(&text, &t.range, "semantic token");
        assert!(!text[t.range.clone()].contains('\n'), "a semantic token over a line end: {:?}", t.range);
    }
    for s in outline::document_symbols(a, file) {
        range_ok(&text, &s.range, "symbol");
        range_ok(&text, &s.selection_range, "symbol selection");
    }
    for (f, s) in outline::workspace_symbols(a, "") {
        range_ok(text_of(a, f), &s.range, "workspace symbol");
    }
    for (r, _) in outline::folding_ranges(a, file) {
        range_ok(&text, &r, "folding range");
    }
    for (r, _) in outline::document_links(a, file) {
        range_ok(&text, &r, "link");
    }
    for (r, _) in outline::code_lenses(a, file) {
        range_ok(&text, &r, "code lens");
    }
    for h in outline::inlay_hints(a, file, 0..text.len()) {
        assert!(h.offset <= text.len() && text.is_char_boundary(h.offset), "inlay hint at {}", h.offset);
    }
    for (i, &at) in offsets.iter().enumerate() {
        if let Some(h) = hover::hover(a, file, at) {
            range_ok(&text, &h.range, "hover");
        }
        for c in completion::complete(a, file, at).items {
            range_ok(&text, &c.replace, "completion");
        }
        for l in goto::definition(a, file, at).into_iter().chain(goto::subject(a, file, at)) {
            range_ok(text_of(a, l.file), &l.range, "definition");
            range_ok(text_of(a, l.file), &l.full_range, "definition (full)");
        }
        for l in references::references(a, file, at, i % 2 == 0) {
            range_ok(text_of(a, l.file), &l.range, "reference");
        }
        for (r, _) in references::highlights(a, file, at) {
            range_ok(&text, &r, "highlight");
        }
        if let Ok(r) = rename::prepare(a, file, at) {
            range_ok(&text, &r, "prepare rename");
            if let Ok(edit) = rename::rename(a, file, at, "renamed-id") {
                apply_all(a, &edit);
            }
        }
        let end = offsets.get(i + 1).copied().unwrap_or(text.len());
        for action in code_actions::code_actions(a, file, at..end.max(at)) {
            apply_all(a, &action.edit);
        }
    }
}

/// Applies a workspace edit to each file it touches: edits in range, on
/// character boundaries, not overlapping.
fn apply_all(a: &Analysis, edit: &gloss_analysis::features::WorkspaceEdit) {
    for (f, edits) in &edit.changes {
        let text = text_of(a, *f);
        let mut ranges: Vec<Range<usize>> = edits.iter().map(|e| e.range.clone()).collect();
        for r in &ranges {
            range_ok(text, r, "edit");
        }
        ranges.sort_by_key(|r| (r.start, r.end));
        for w in ranges.windows(2) {
            assert!(w[0].end <= w[1].start, "overlapping edits {:?} and {:?}", w[0], w[1]);
        }
        let _ = edit.apply(*f, text);
    }
}

/// The diagnostics of a file with files named by path, not id: to compare
/// the answers of two snapshots.
pub fn described(a: &Analysis, file: FileId) -> Vec<String> {
    let path = |f: FileId| a.file(f).map_or("?", |f| f.path.as_str()).to_string();
    diagnostics(a, file)
        .into_iter()
        .map(|d| {
            let related: Vec<String> = d.related.iter().map(|r| format!("{}:{:?} {}", path(r.file), r.range, r.message(a))).collect();
            format!("{}:{:?} {:?} {} {} {related:?}", path(d.file), d.range, d.severity, d.code, d.message)
        })
        .collect()
}

/// A workspace with the registry, the other document and `text` as `a.txt`.
pub fn workspace(registry: &str, text: &str) -> (Workspace, FileId) {
    let mut ws = Workspace::new();
    ws.set_registry("gloss.toml", registry, true);
    ws.set_document("other.txt", OTHER);
    let id = ws.set_document("a.txt", text);
    (ws, id)
}
