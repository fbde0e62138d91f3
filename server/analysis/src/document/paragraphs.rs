//! Paragraphs as the markup sees them: runs of lines between blank lines
//! (lines of white space other than CR and LF; line ends are LF, CRLF or
//! CR). No markup decision crosses a blank line, which is what lets an edit
//! be read again paragraph by paragraph.

use std::ops::Range;

use crate::byte_range::ByteRange;

/// White space other than line ends: a line of these is blank (as the
/// reader's `is_blank`).
fn is_blank(c: char) -> bool {
    c.is_whitespace() && c != '\n' && c != '\r'
}

fn is_line_end(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Where the line starting at `start` ends, its line end excluded.
fn content_end(bytes: &[u8], start: usize) -> usize {
    bytes[start..].iter().position(|&b| is_line_end(b)).map_or(bytes.len(), |i| start + i)
}

/// Where the line after the line end at `end` starts.
fn past_line_end(bytes: &[u8], end: usize) -> usize {
    match bytes.get(end) {
        None => end,
        Some(b'\r') if bytes.get(end + 1) == Some(&b'\n') => end + 2,
        Some(_) => end + 1,
    }
}

/// The start of the line `at` is in (a line end belongs to its line; the
/// LF of a CRLF too).
fn line_start(bytes: &[u8], at: usize) -> usize {
    let at = if bytes.get(at) == Some(&b'\n') && at > 0 && bytes[at - 1] == b'\r' { at - 1 } else { at };
    bytes[..at].iter().rposition(|&b| is_line_end(b)).map_or(0, |i| i + 1)
}

/// Whether a line starts at `at` (the reference walk of the tests).
#[cfg(test)]
fn starts_line(bytes: &[u8], at: usize) -> bool {
    at == 0 || (is_line_end(bytes[at - 1]) && !(bytes[at - 1] == b'\r' && bytes.get(at) == Some(&b'\n')))
}

fn is_blank_line(text: &str, start: usize) -> bool {
    text[start..content_end(text.as_bytes(), start)].chars().all(is_blank)
}

/// The start of the paragraph an edit starting at `changed` is in: the
/// start of the line after the nearest blank line wholly before it. The
/// line of the byte just before `changed` is read again too (a CR there
/// may have been half of a CRLF before the edit): one line more, no
/// reasoning about line ends split by an edit. `None` when the document's
/// first paragraph (which holds the header) would be read.
pub(super) fn start_before(text: &str, changed: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if changed == 0 || changed > bytes.len() {
        return None;
    }
    let mut start = line_start(bytes, changed - 1);
    loop {
        if start == 0 {
            return None;
        }
        let previous = line_start(bytes, start - 1);
        if is_blank_line(text, previous) {
            break;
        }
        start = previous;
    }
    // The header is on the first line with anything but white space on it.
    let before = &text[..start];
    let before = before.strip_prefix('\u{feff}').unwrap_or(before);
    (!before.chars().all(char::is_whitespace)).then_some(start)
}

/// Where the paragraph an edit ending at `changed` is in ends: the start of
/// the first blank line that starts after the first line end at or after
/// `changed` (so its line start does not depend on the edit), or the end.
pub(super) fn end_after(text: &str, changed: usize) -> usize {
    let bytes = text.as_bytes();
    let Some(first) = bytes.get(changed..).and_then(|rest| rest.iter().position(|&b| is_line_end(b))) else {
        return bytes.len();
    };
    let mut start = past_line_end(bytes, changed + first);
    while start < bytes.len() {
        if is_blank_line(text, start) {
            return start;
        }
        start = past_line_end(bytes, content_end(bytes, start));
    }
    bytes.len()
}

/// `text` cut into runs of paragraphs of about `size` bytes each (a
/// paragraph longer than that is a run of its own), for reading it a run
/// at a time. The first run holds the header's line (the first line with
/// anything but white space on it); every other starts on the line after a
/// blank line and each ends where a blank line starts, or at the end. The
/// blank lines between runs are in none.
pub(super) fn runs(text: &str, size: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let header = text.find(|c: char| !c.is_whitespace() && c != '\u{feff}').unwrap_or(bytes.len());
    let mut runs = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let from = if runs.is_empty() { header.max(size) } else { start + size };
        let end = if from >= bytes.len() { bytes.len() } else { end_after(text, from) };
        runs.push(start..end);
        start = end;
        while start < bytes.len() && is_blank_line(text, start) {
            start = past_line_end(bytes, content_end(bytes, start));
        }
    }
    runs
}

/// `ranges` (in order, not overlapping) without the blank lines in them:
/// stretches of prose end at paragraph ends, whichever part of a document
/// was read. Empty pieces are dropped. A blank line is cut when it starts
/// in a range and its line end is in it too (or the text ends there).
///
/// The lines are walked once, from the first range's line to the last
/// range's end, rather than searched range by range: a document has a
/// couple of ranges of prose to a line, and searching each (then growing
/// and shrinking the list) was 2.5% of `gloss check`'s instructions; the
/// walk is 1.6%.
pub(super) fn without_blank_lines(text: &str, ranges: Vec<Range<usize>>) -> Vec<ByteRange> {
    thread_local! {
        /// The pieces, gathered here and then copied out at their number:
        /// made to size, the list need neither grow nor shrink.
        static PIECES: std::cell::RefCell<Vec<ByteRange>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    PIECES.with(|pieces| {
        let mut pieces = pieces.borrow_mut();
        pieces.clear();
        cut_blank_lines(text, ranges, |piece| pieces.push(piece.into()));
        pieces.to_vec()
    })
}

/// [`without_blank_lines`], each piece handed to `out` in order.
fn cut_blank_lines(text: &str, ranges: Vec<Range<usize>>, mut out: impl FnMut(Range<usize>)) {
    let bytes = text.as_bytes();
    // The start of the line being looked at: lines are walked in order as
    // the ranges are, each looked at once.
    let mut line = ranges.first().map_or(0, |r| line_start(bytes, r.start));
    for range in ranges {
        let mut from = range.start;
        while line < range.end {
            let end = memchr::memchr2(b'\n', b'\r', &bytes[line..]).map_or(bytes.len(), |i| line + i);
            let next = past_line_end(bytes, end);
            if line >= range.start && next <= range.end && text[line..end].chars().all(is_blank) {
                if line > from {
                    out(from..line);
                }
                from = next;
            }
            // A line may run past the range: the next range starts after
            // the range, so no further back than the line after it.
            line = next;
        }
        if range.end > from {
            out(from..range.end);
        }
    }
}

/// [`without_blank_lines`] as it was, each range searched on its own: the
/// reference the walk is tested against.
#[cfg(test)]
fn without_blank_lines_by_range(text: &str, ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(ranges.len());
    for range in ranges {
        let line_end = |at: usize| memchr::memchr2(b'\n', b'\r', &bytes[at..range.end]).map(|i| at + i);
        let mut from = range.start;
        let mut line = match starts_line(bytes, range.start) {
            true => Some(range.start),
            false => line_end(range.start).map(|end| past_line_end(bytes, end)),
        };
        while let Some(start) = line.filter(|&start| start < range.end) {
            let (end, next) = match line_end(start) {
                Some(end) => (end, past_line_end(bytes, end)),
                None if range.end == bytes.len() => (range.end, range.end),
                None => break,
            };
            if next <= range.end && text[start..end].chars().all(is_blank) {
                if start > from {
                    out.push(from..start);
                }
                from = next;
            }
            line = (next > start).then_some(next);
        }
        if range.end > from {
            out.push(from..range.end);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_paragraphs() {
        let text = "{#h}\n\none\ntwo\n  \n\nthree\r\n\r\nfour";
        let at = |s: &str| text.find(s).unwrap();
        assert_eq!(runs(text, 1), [0..at("\n\none") + 1, at("one")..at("  "), at("three")..at("three") + 7, at("four")..text.len()]);
        assert_eq!(runs(text, 12), [0..at("  "), at("three")..text.len()]);
        assert_eq!(runs(text, 100), vec![0..text.len()]);
        assert_eq!(runs("", 1), Vec::<Range<usize>>::new());
        // The header's run reaches the header, however far down it is.
        let late = "\n\n \n\n{#h}\n\nbody";
        assert_eq!(runs(late, 1), [0..late.find("\n\nbody").unwrap() + 1, late.find("body").unwrap()..late.len()]);
    }

    #[test]
    fn paragraphs_around_an_edit() {
        let text = "{#h}\n\none\ntwo\n  \nthree\r\n\r\nfour";
        let three = text.find("three").unwrap();
        assert_eq!(start_before(text, three + 2), Some(three));
        assert_eq!(end_after(text, three + 2), text.find("\r\n\r\n").unwrap() + 2);
        let two = text.find("two").unwrap();
        assert_eq!(start_before(text, two), Some(text.find("one").unwrap()));
        assert_eq!(end_after(text, two), text.find("  \n").unwrap());
        // The header's paragraph, and the edit right at a paragraph's start
        // (the line end before it counts as edited).
        assert_eq!(start_before(text, 2), None);
        assert_eq!(start_before(text, text.find("one").unwrap()), None);
        assert_eq!(start_before("\n\n\nx", 4), None);
        assert_eq!(end_after(text, text.len()), text.len());
    }

    #[test]
    fn blank_lines_cut_prose() {
        let one = |range: Range<usize>| Vec::from_iter([range]);
        let cut = |text: &str, range| without_blank_lines(text, one(range)).into_iter().map(ByteRange::range).collect::<Vec<_>>();
        let text = "a\n \u{3000}\nb\r\n\r\n\rc\n";
        assert_eq!(cut(text, 0..text.len()), [0..2, 7..10, 13..15]);
        assert_eq!(cut(text, 1..3), one(1..3));
        assert!(cut("\n\n", 0..2).is_empty());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]

        /// Walking the lines once cuts what searching each range did:
        /// texts of prose, blank and wide-space lines, every kind of line
        /// end (CRLF split by a range's end too), ranges anywhere.
        #[test]
        fn walking_the_lines_cuts_what_searching_each_range_cut(
            pieces in proptest::collection::vec(proptest::sample::select(vec!["a", "bc", " ", "\u{3000}", "é", "\n", "\r", "\r\n", "\t"]), 0..40),
            cuts in proptest::collection::vec(proptest::prelude::any::<proptest::sample::Index>(), 0..12),
            kept in proptest::collection::vec(proptest::prelude::any::<bool>(), 12),
        ) {
            let text = pieces.concat();
            let mut bounds: Vec<usize> = cuts.iter().map(|c| c.index(text.len() + 1)).filter(|&at| text.is_char_boundary(at)).collect();
            bounds.sort_unstable();
            // Stretches between bounds, some kept as ranges: ranges that
            // touch, ranges apart, empty ones (a bound twice).
            let ranges: Vec<Range<usize>> = bounds.windows(2).zip(&kept).filter(|(_, &k)| k).map(|(pair, _)| pair[0]..pair[1]).collect();
            let by_range: Vec<ByteRange> = without_blank_lines_by_range(&text, ranges.clone()).into_iter().map(ByteRange::from).collect();
            proptest::prop_assert_eq!(without_blank_lines(&text, ranges), by_range, "{:?}", text);
        }
    }
}
