//! Reading a document again after an edit, paragraph by paragraph, finds
//! exactly what reading the whole new text finds.

use std::ops::Range;

use gloss_analysis::document::{read_document, read_document_in_runs, reread_document, DocumentFacts};
use gloss_syntax::strategies::markup_piece;
use gloss_syntax::Markup;
use proptest::prelude::*;

fn read(text: &str) -> DocumentFacts {
    read_document(text, &Markup::parse(text))
}

/// An edit: `replaced` (in the text before it) becomes `by`.
#[derive(Debug, Clone)]
struct Edit {
    replaced: Range<usize>,
    by: String,
}

/// Applies `edit` to `text` and widens `changed` (the bytes of `text`
/// that differ from the text before a batch of edits) to cover it.
fn apply(text: &mut String, changed: &mut Option<Range<usize>>, edit: &Edit) {
    let Edit { replaced, by } = edit;
    text.replace_range(replaced.clone(), by);
    let inserted = replaced.start..replaced.start + by.len();
    let moved = |at: usize| match at {
        at if at <= replaced.start => at,
        at if at >= replaced.end => at - replaced.len() + by.len(),
        _ => inserted.end,
    };
    *changed = Some(match changed.take() {
        None => inserted,
        Some(c) => c.start.min(inserted.start)..moved(c.end).max(inserted.end),
    });
}

/// The least range of `new` that differs from `old`.
fn least_change(old: &str, new: &str) -> Range<usize> {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let room = a.len().min(b.len()) - prefix;
    let suffix = a.iter().rev().zip(b.iter().rev()).take(room).take_while(|(x, y)| x == y).count();
    prefix..b.len() - suffix
}

fn check(old: &str, new: &str, changed: Range<usize>) -> Result<(), TestCaseError> {
    let old_facts = read(old);
    let expected = read(new);
    prop_assert_eq!(&reread_document(old, &old_facts, new, changed), &expected, "{:?} -> {:?}", old, new);
    prop_assert_eq!(&reread_document(old, &old_facts, new, least_change(old, new)), &expected, "{:?} -> {:?} (least)", old, new);
    Ok(())
}

/// Text heavy in markup (gloss-syntax's pieces) and in the facts read
/// from it (claims, figures, dates, acks, definitions), with paragraphs.
fn markup_text() -> impl Strategy<Value = String> {
    let facts_and_paragraphs = prop_oneof![
        3 => Just("\n".to_string()),
        3 => Just("\n\n".to_string()),
        1 => Just("\r\n\r\n".to_string()),
        1 => Just("\n\u{3000}\r".to_string()),
        1 => Just("\u{feff}".to_string()),
        1 => Just("\u{2028}".to_string()),
        2 => Just("[about 3,000 soldiers]{claim=t src=@a}".to_string()),
        1 => Just("[10,000 or 12,000]{claim=t date=2024-10 cred=7}".to_string()),
        1 => Just("[no figure]{claim=t src=x ack=unsourced-claim,nope}".to_string()),
        1 => Just("[Kim]{#kim kind=actor note=\"x\"}".to_string()),
        1 => Just("[[nested 5]{@a}]{claim=u value=~5 date=2024-13}".to_string()),
        1 => Just("{#doc date=2024-06 src=@a}".to_string()),
        1 => Just("{#doc date=bad}".to_string()),
    ];
    let piece = prop_oneof![4 => markup_piece(), 1 => facts_and_paragraphs];
    let body = prop::collection::vec(piece, 0..50).prop_map(|v| v.concat());
    let header = prop_oneof![
        2 => Just(String::new()),
        2 => Just("{#doc date=2024-06 src=@a}\n\n".to_string()),
        1 => Just("\u{feff}\n {#d date=2024}\nmore\n\n".to_string()),
        1 => Just("{#doc date=2024-10-02}\n".to_string()),
    ];
    (header, body).prop_map(|(h, b)| h + &b)
}

/// An edit of `text`: where (biased to the start, where the header is),
/// how much it takes away, what it puts in.
fn edit() -> impl Strategy<Value = (f64, f64, String)> {
    let at = prop_oneof![3 => 0.0..=1.0f64, 1 => 0.0..=0.1f64];
    let by = prop_oneof![
        4 => markup_text().prop_map(|s| s.chars().take(6).collect()),
        1 => Just("\n\n".to_string()),
        1 => Just("\r".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("{#h date=2023}\n".to_string()),
        1 => Just(String::new()),
    ];
    (at, prop_oneof![3 => Just(0.0), 2 => 0.0..=0.05f64, 1 => 0.0..=0.5f64], by)
}

fn char_floor(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn to_edit(text: &str, (at, len, by): &(f64, f64, String)) -> Edit {
    let start = char_floor(text, (at * text.len() as f64) as usize);
    let end = char_floor(text, (start + (len * text.len() as f64) as usize).min(text.len()));
    Edit { replaced: start..end, by: by.clone() }
}

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Two threads, as on the machines this is measured on.
static POOL: std::sync::LazyLock<rayon::ThreadPool> =
    std::sync::LazyLock::new(|| rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("a pool of two threads"));

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(3000), ..ProptestConfig::default() })]

    /// One edit at a time, each read again from the facts the last one
    /// gave; every so often, several edits in one batch.
    #[test]
    fn reading_the_edited_paragraphs_is_reading_the_whole_text(
        text in markup_text(),
        batches in prop::collection::vec(prop::collection::vec(edit(), 1..4), 1..6),
    ) {
        let mut text = text;
        let mut facts = read(&text);
        for batch in &batches {
            let before = text.clone();
            let mut changed = None;
            for e in batch {
                let e = to_edit(&text, e);
                apply(&mut text, &mut changed, &e);
            }
            let changed = changed.unwrap();
            check(&before, &text, changed.clone())?;
            facts = reread_document(&before, &facts, &text, changed);
            prop_assert_eq!(&facts, &read(&text), "after a batch: {:?} -> {:?}", before, text);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(3000), ..ProptestConfig::default() })]

    /// A long document is read a run of paragraphs at a time: here runs
    /// of a few bytes, so that most texts are read in many. On a pool's
    /// thread the runs are read side by side, and put together the same.
    #[test]
    fn reading_a_text_in_runs_of_paragraphs_is_reading_it_whole(text in markup_text(), size in 1usize..120) {
        let whole = read(&text);
        prop_assert_eq!(&read_document_in_runs(&text, size), &whole, "in runs of {}: {:?}", size, text);
        prop_assert_eq!(&POOL.install(|| read_document_in_runs(&text, size)), &whole, "side by side, in runs of {}: {:?}", size, text);
    }
}

fn edited(old: &str, at: &str, by: &str) -> (String, Range<usize>) {
    let start = old.find(at).unwrap();
    let mut new = old.to_string();
    new.replace_range(start..start + at.len(), by);
    (new, start..start + by.len())
}

#[track_caller]
fn same(old: &str, at: &str, by: &str) {
    let (new, changed) = edited(old, at, by);
    assert_eq!(reread_document(old, &read(old), &new, changed), read(&new), "{old:?} -> {new:?}");
}

#[test]
fn a_span_closed_in_a_later_paragraph() {
    let old = "{#d date=2024-06}\n\nSaid [3,000 soldiers]{claim=t src=@a} then.\n\nOne [two\n\nthree]{@x} [4,000]{claim=t}\n";
    same(old, "two\n\nthree", "two three");
    same(&edited(old, "two\n\nthree", "two three").0, "two three", "two\n\nthree");
    same(old, "Said", "Said [");
    same(old, "then.", "then.]{@a}");
    same(old, "[4,000]", "[4,000 or 5,000]");
}

#[test]
fn the_header_and_its_date() {
    let old = "{#d date=2024-06}\n\n[3,000]{claim=t src=@a}\n";
    // The header's date is every claim's date: its paragraph is read whole.
    same(old, "2024-06", "2023");
    same(old, "{#d", "x {#d");
    same(old, "\n\n[", "\n\n\n[");
    same("\n\n{#d date=2024}\n\nx\n\n[3]{claim=t}", "\n\nx", "\n\nx y");
}

#[test]
fn comments_and_line_ends_of_every_kind() {
    let old = "{#d}\r\n\r\n{% open\r\nstill %} a [b]{@c}\r\rx [y]{#y}\r\n \r\n[1,000]{claim=t}";
    same(old, "%}", "");
    same(old, "\r\rx", "\r\n\rx");
    same(old, "\r\rx", "\rx");
    same(old, " \r\n[1", "\r\n[1");
    same(old, "[y]", "[y😀]");
}

#[test]
fn problems_are_in_order_of_place() {
    let facts = read("[x]{claim=t src=u cred=9 ack=nope} {% open\n\n[y]{k=\"}");
    let starts: Vec<usize> = facts.problems.iter().map(|p| p.range.start).collect();
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted);
}

#[test]
fn prose_stops_at_blank_lines() {
    let text = "{#d}\none\n\n  \ntwo [x]{@a} three\r\n\r\nfour";
    let prose: Vec<&str> = read(text).bare_prose.iter().map(|r| &text[r.range()]).collect();
    assert_eq!(prose, ["\none\n", "two ", " three\r\n", "four"]);
}
