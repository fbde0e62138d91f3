//! Grammar and analysis on arbitrary bytes (read as UTF-8, lossily): the
//! typed view read without a tree against the tree's, incremental
//! reparsing against a fresh parse, facts read again from the edited
//! paragraphs and in runs of paragraphs against a whole read, a workspace with a registry and
//! another document, every feature at offsets taken from the input.
#![no_main]

use gloss_analysis::document::{read_document, read_document_in_runs, reread_document};
use gloss_syntax::{parse_tree, Markup};
use libfuzzer_sys::fuzz_target;
use tree_sitter::{InputEdit, Point};

#[path = "common.rs"]
mod common;

fn point(text: &str, byte: usize) -> Point {
    let before = &text.as_bytes()[..byte];
    let row = before.iter().filter(|&&b| b == b'\n').count();
    let column = byte - before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    Point { row, column }
}

/// Parses `text` with one range deleted, edits that tree back into
/// `text` and reparses incrementally: the typed view must be the same as
/// a fresh parse's.
fn incremental(text: &str, seed: &[u8]) {
    let n = seed.iter().take(4).fold(0usize, |a, b| a * 256 + *b as usize);
    let mut start = n % (text.len() + 1);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + n % 17).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let mut old = text.to_string();
    old.replace_range(start..end, "");
    let mut tree = parse_tree(&old, None);
    tree.edit(&InputEdit {
        start_byte: start,
        old_end_byte: start,
        new_end_byte: end,
        start_position: point(&old, start),
        old_end_position: point(&old, start),
        new_end_position: point(text, end),
    });
    let reparsed = parse_tree(text, Some(&tree));
    assert_eq!(Markup::from_tree(&reparsed, text), Markup::parse(text), "incremental reparse after inserting {start}..{end}");
    // The facts read again from the edited paragraphs only, as an open
    // document's are, equal those of the whole text.
    let old_facts = read_document(&old, &Markup::parse(&old));
    let whole = read_document(text, &Markup::parse(text));
    assert_eq!(reread_document(&old, &old_facts, text, start..end), whole, "facts read again after inserting {start}..{end}");
    // And read a run of paragraphs at a time, as a long document is.
    let run = 1 + n % 64;
    assert_eq!(read_document_in_runs(text, run), whole, "facts read in runs of {run} bytes");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let markup = Markup::parse(&text);
    // The tree-less reader makes the grammar's decisions.
    assert_eq!(markup, Markup::from_tree(&parse_tree(&text, None), &text), "reading without a tree");
    for e in &markup.errors {
        assert!(e.range.end <= text.len(), "syntax error outside the text");
    }
    incremental(&text, data);
    let (mut ws, id) = common::workspace(common::REGISTRY, &text);
    let analysis = ws.snapshot();
    common::check_line_index(&analysis, id);
    common::exercise(&analysis, id, &common::probes(&text, data));
    // The same text removed and set again gives the same answers (it has
    // another file id then: files are compared by path).
    ws.remove("a.txt");
    let again = ws.set_document("a.txt", &text);
    let second = ws.snapshot();
    assert_eq!(common::described(&analysis, id), common::described(&second, again), "diagnostics of the same text after remove and set");
});
