//! Byte offsets to line/column and back, counting line ends as LSP does
//! (`\n`, `\r\n`, `\r`), with columns in UTF-8 bytes or UTF-16 units.

use std::cell::RefCell;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts plus every non-ASCII char, so that converting a position
/// costs a binary search, not a walk along the line: a 10 MB line or a
/// reference list of thousands of hits stays cheap. Kept for every
/// document of a workspace, so kept small: offsets as `u32` (as the facts'
/// are), a wide char's UTF-8 length in a byte, and the running count of
/// saved units every [`SAVED_EVERY`] wide chars only (16 MB to 6 MB for
/// the 20,000-document benchmark). A byte offset becomes a line and column
/// without reading the text: a closed document's text may be a mapped
/// file's pages, read in only when needed (a conflict's related places
/// are in thousands of documents).
///
/// All in one allocation, list after list: converting a position in a
/// file not touched for a while costs a cache miss per list read, and an
/// answer of thousands of locations converts one in each of thousands of
/// files (four lists apart, that was most of writing such an answer).
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// The byte offset of the start of each line; the byte offset of each
    /// non-ASCII char, in order; `saved[j]`, UTF-8 bytes minus UTF-16
    /// units of the wide chars before `wide[j * SAVED_EVERY]`; the UTF-8
    /// length of each wide char, four to a `u32`.
    lists: Box<[u32]>,
    lines: usize,
    wides: usize,
    len: usize,
}

/// How many wide chars apart the running counts of saved units are kept.
const SAVED_EVERY: usize = 16;

/// UTF-8 length of a char by its first byte.
fn utf8_len(first: u8) -> u8 {
    if first >= 0xF0 {
        4
    } else if first >= 0xE0 {
        3
    } else {
        2
    }
}

/// UTF-16 units of a char by its UTF-8 length.
fn units16(len8: u8) -> u32 {
    if len8 == 4 {
        2
    } else {
        1
    }
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        thread_local! {
            /// Lists are gathered here, then copied out at their exact
            /// size: one allocation each, where growing them and shrinking
            /// them to fit took several (7% of reading documents from the facts cache).
            static SCRATCH: RefCell<Scratch> = RefCell::default();
        }
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            // Cleared before (a panic may have left it half full) and after
            // (to give back the lists of a big document).
            scratch.clear();
            let index = scratch.index(text);
            scratch.clear();
            index
        })
    }

    fn starts(&self) -> &[u32] {
        &self.lists[..self.lines]
    }

    fn wide(&self) -> &[u32] {
        &self.lists[self.lines..][..self.wides]
    }

    fn saved(&self) -> &[u32] {
        &self.lists[self.lines + self.wides..][..self.wides.div_ceil(SAVED_EVERY)]
    }

    /// The UTF-8 length of wide char `k`.
    fn wide_len(&self, k: usize) -> u8 {
        let from = self.lines + self.wides + self.wides.div_ceil(SAVED_EVERY);
        (self.lists[from + k / 4] >> (8 * (k % 4))) as u8
    }

    /// Index of the first wide char at or after a byte offset.
    fn wide_from(&self, offset: usize) -> usize {
        self.wide().partition_point(|&at| (at as usize) < offset)
    }

    /// UTF-8 bytes minus UTF-16 units of the wide chars before `wide[k]`.
    fn saved_before(&self, k: usize) -> u32 {
        let Some(last) = self.saved().len().checked_sub(1) else { return 0 };
        let from = (k / SAVED_EVERY).min(last);
        let mut saved = self.saved()[from];
        for len8 in (from * SAVED_EVERY..k).map(|j| self.wide_len(j)) {
            saved += len8 as u32 - units16(len8);
        }
        saved
    }

    /// Where line `line` starts.
    fn start(&self, line: usize) -> usize {
        self.starts()[line] as usize
    }

    /// Reads the index's lists, a word per cache line (up to 1 KB), and
    /// returns their sum so that the reads stay. For callers that convert
    /// positions in many files: reading every file's index first, in a
    /// loop that does nothing else, lets the processor wait for them all
    /// at once (see the server's references answers).
    pub fn touch(&self) -> u32 {
        self.lists.iter().step_by(16).take(16).fold(0, |sum, &word| sum.wrapping_add(word))
    }

    pub fn line_count(&self) -> usize {
        self.lines
    }

    /// The byte range of a line, without its line end.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.start(line.min(self.line_count() - 1));
        let mut end = self.starts().get(line + 1).map_or(self.len, |&s| s as usize);
        let b = text.as_bytes();
        while end > start && (b[end - 1] == b'\n' || b[end - 1] == b'\r') {
            end -= 1;
        }
        start..end
    }

    /// Line and column of a byte offset (clamped to the text, and down to a
    /// char boundary), without reading the text.
    pub fn line_col(&self, offset: usize, enc: Encoding) -> LineCol {
        self.locate(offset, enc).0
    }

    /// Line and column of both ends of a range, as two [`Self::line_col`]s
    /// give them. A range on one line with no wide char in it (most spans)
    /// has its end worked out from its start: the end's own binary
    /// searches were a fifth of writing an answer of thousands of
    /// locations.
    pub fn line_cols(&self, range: &Range<usize>, enc: Encoding) -> (LineCol, LineCol) {
        let (start, at, wides_before) = self.locate(range.start, enc);
        let end = range.end.min(self.len);
        let next_line = self.starts().get(start.line as usize + 1).map_or(usize::MAX, |&s| s as usize);
        let no_wide_between = self.wide().get(wides_before).is_none_or(|&w| w as usize >= end);
        if at <= end && end < next_line && no_wide_between {
            return (start, LineCol { line: start.line, col: start.col + (end - at) as u32 });
        }
        (start, self.line_col(range.end, enc))
    }

    /// [`Self::line_col`], with the offset it is the position of (clamped,
    /// and moved back to the start of a wide char it falls inside) and the
    /// number of wide chars before that offset.
    fn locate(&self, offset: usize, enc: Encoding) -> (LineCol, usize, usize) {
        let mut offset = offset.min(self.len);
        let mut wides_before = self.wide().partition_point(|&at| at as usize <= offset);
        if let Some(j) = wides_before.checked_sub(1) {
            let start = self.wide()[j] as usize;
            if offset < start + self.wide_len(j) as usize {
                // At or inside wide char `j`: its start, with `j` before it.
                offset = start;
                wides_before = j;
            }
        }
        let line = self.starts().partition_point(|&s| s as usize <= offset) - 1;
        let line_start = self.start(line);
        let bytes = offset - line_start;
        let col = match enc {
            Encoding::Utf8 => bytes,
            // No wide char between the line's start and the offset.
            Encoding::Utf16 if wides_before == 0 || (self.wide()[wides_before - 1] as usize) < line_start => bytes,
            Encoding::Utf16 => bytes - (self.saved_before(wides_before) - self.saved_before(self.wide_from(line_start))) as usize,
        };
        (LineCol { line: line as u32, col: col as u32 }, offset, wides_before)
    }

    /// The byte offset of a line and column; positions past the end of a
    /// line go to its end, past the last line to the end of the text.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.line_count() {
            return self.len;
        }
        let range = self.line_range(text, line);
        let col = pos.col as usize;
        let at = match enc {
            Encoding::Utf8 => {
                // A column inside a char goes to the char's end.
                let mut at = (range.start + col).min(range.end);
                while !text.is_char_boundary(at) {
                    at += 1;
                }
                at
            }
            Encoding::Utf16 => {
                let first = self.wide_from(range.start);
                let last = self.wide_from(range.end);
                // UTF-16 column where wide char `k` of this line starts.
                let saved_first = self.saved_before(first);
                let column = |k: usize| self.wide()[k] as usize - range.start - (self.saved_before(k) - saved_first) as usize;
                // Past the wide chars of the line that start before the column.
                let k = first + partition(last - first, |i| column(first + i) < col);
                if k == first {
                    range.start + col
                } else {
                    // After the last wide char before the column, ASCII to it;
                    // a column inside a surrogate pair goes to the char's end.
                    let start = self.wide()[k - 1];
                    let len8 = self.wide_len(k - 1);
                    let end_col = column(k - 1) + units16(len8) as usize;
                    start as usize + len8 as usize + col.saturating_sub(end_col)
                }
            }
        };
        at.min(range.end)
    }
}

/// The lists of a line index being gathered, kept by each thread from one
/// document to the next.
#[derive(Default)]
struct Scratch {
    starts: Vec<u32>,
    wide: Vec<u32>,
    wide_len: Vec<u8>,
    saved: Vec<u32>,
}

/// A scratch list longer than this is given back after use rather than
/// kept (a 10 MB document should not leave its lists behind).
const SCRATCH_KEPT: usize = 1 << 16;

impl Scratch {
    fn index(&mut self, text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        // Most of a document is ASCII prose: line ends are found with
        // memchr, and runs of ASCII skipped eight bytes at a time (this is
        // built for every document of a workspace).
        self.starts.push(0);
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                self.starts.push(i as u32 + 1);
            }
        }
        let mut saving = 0u32;
        let mut i = 0;
        while i < bytes.len() {
            // Thirty-two bytes, then eight, at a time: most runs of ASCII
            // are long (a sixth fewer instructions than eight at a time).
            if let Some(chunk) = bytes.get(i..i + 32) {
                let word = |k: usize| u64::from_ne_bytes(chunk[k..k + 8].try_into().expect("eight bytes"));
                if (word(0) | word(8) | word(16) | word(24)) & 0x8080_8080_8080_8080 == 0 {
                    i += 32;
                    continue;
                }
            }
            if let Some(word) = bytes.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
                if u64::from_ne_bytes(word) & 0x8080_8080_8080_8080 == 0 {
                    i += 8;
                    continue;
                }
            }
            let b = bytes[i];
            if b >= 0xC0 {
                if self.wide.len().is_multiple_of(SAVED_EVERY) {
                    self.saved.push(saving);
                }
                let len8 = utf8_len(b);
                self.wide.push(i as u32);
                self.wide_len.push(len8);
                saving += len8 as u32 - units16(len8);
                i += len8 as usize;
            } else {
                i += 1;
            }
        }
        let lengths = self.wide_len.chunks(4).map(|four| four.iter().rev().fold(0u32, |packed, &len8| packed << 8 | u32::from(len8)));
        let lists: Box<[u32]> = self.starts.iter().chain(&self.wide).chain(&self.saved).copied().chain(lengths).collect();
        LineIndex { lists, lines: self.starts.len(), wides: self.wide.len(), len: text.len() }
    }

    fn clear(&mut self) {
        fn reset<T>(list: &mut Vec<T>) {
            list.clear();
            if list.capacity() > SCRATCH_KEPT {
                *list = Vec::new();
            }
        }
        reset(&mut self.starts);
        reset(&mut self.wide);
        reset(&mut self.wide_len);
        reset(&mut self.saved);
    }
}

/// The number of leading indices in `0..n` for which `pred` holds (it
/// holds for a prefix).
fn partition(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if pred(mid) {
            lo = mid + 1
        } else {
            hi = mid
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns_after_korean_and_emoji() {
        let text = "한국 😀 [x]{@a}\r\nnext\rlast";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 3);
        let at = text.find('[').unwrap();
        let lc = idx.line_col(at, Encoding::Utf16);
        assert_eq!(lc, LineCol { line: 0, col: 6 });
        assert_eq!(idx.offset(text, lc, Encoding::Utf16), at);
        let lc8 = idx.line_col(at, Encoding::Utf8);
        assert_eq!(lc8.col as usize, at);
        let last = text.find("last").unwrap();
        assert_eq!(idx.line_col(last, Encoding::Utf16), LineCol { line: 2, col: 0 });
        assert_eq!(idx.line_range(text, 0), 0..text.find('\r').unwrap());
        // Past the end of a line: its end; past the last line: the text's end.
        assert_eq!(idx.offset(text, LineCol { line: 1, col: 99 }, Encoding::Utf16), text.find("\rlast").unwrap());
        assert_eq!(idx.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf16), text.len());
    }

    /// The definitions the index must agree with: walk the line.
    fn naive_col(text: &str, idx: &LineIndex, offset: usize, enc: Encoding) -> LineCol {
        let line = idx.starts().partition_point(|&s| s as usize <= offset) - 1;
        let prefix = &text[idx.start(line)..offset];
        let col = match enc {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
        };
        LineCol { line: line as u32, col: col as u32 }
    }

    fn naive_offset(text: &str, idx: &LineIndex, pos: LineCol, enc: Encoding) -> usize {
        if pos.line as usize >= idx.line_count() {
            return text.len();
        }
        let range = idx.line_range(text, pos.line as usize);
        let mut units = 0usize;
        for (i, ch) in text[range.clone()].char_indices() {
            if units >= pos.col as usize {
                return range.start + i;
            }
            units += match enc {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
            };
        }
        range.end
    }

    #[test]
    fn lists_gathered_for_one_document_do_not_leak_into_the_next() {
        // Past the size a thread keeps its lists at, then small ones.
        let big = "ж\n".repeat(SCRATCH_KEPT + 10);
        let idx = LineIndex::new(&big);
        assert_eq!((idx.line_count(), idx.wide().len()), (SCRATCH_KEPT + 11, SCRATCH_KEPT + 10));
        for text in ["", "a\r\nж", "😀"] {
            let idx = LineIndex::new(text);
            assert_eq!(idx.line_col(text.len(), Encoding::Utf16), naive_col(text, &idx, text.len(), Encoding::Utf16));
            let wides = text.chars().filter(|c| !c.is_ascii()).count();
            assert_eq!(idx.wide().len(), wides);
            assert_eq!(idx.lists.len(), idx.line_count() + wides + wides.div_ceil(SAVED_EVERY) + wides.div_ceil(4), "kept at its exact size");
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_walking_the_line(
            text in "([a-z\\[\\]{}@ ]|한|ж|😀|\\r|\\n|\\r\\n){0,90}",
            line in 0u32..8,
            col in 0u32..50,
        ) {
            let idx = LineIndex::new(&text);
            // Line starts and wide chars as a walk over the chars finds them.
            let starts: Vec<u32> = std::iter::once(0)
                .chain(text.char_indices().filter(|&(i, c)| c == '\n' || (c == '\r' && !text[i + 1..].starts_with('\n'))).map(|(i, _)| i as u32 + 1))
                .collect();
            proptest::prop_assert_eq!(idx.starts(), &starts[..]);
            let wide: Vec<u32> = text.char_indices().filter(|(_, c)| !c.is_ascii()).map(|(i, _)| i as u32).collect();
            proptest::prop_assert_eq!(idx.wide(), &wide[..]);
            let wide_len: Vec<u8> = text.chars().filter(|c| !c.is_ascii()).map(|c| c.len_utf8() as u8).collect();
            proptest::prop_assert_eq!((0..wide.len()).map(|k| idx.wide_len(k)).collect::<Vec<_>>(), wide_len);
            for enc in [Encoding::Utf8, Encoding::Utf16] {
                for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                    proptest::prop_assert_eq!(idx.line_col(offset, enc), naive_col(&text, &idx, offset, enc));
                }
                let pos = LineCol { line, col };
                proptest::prop_assert_eq!(idx.offset(&text, pos, enc), naive_offset(&text, &idx, pos, enc), "{:?} {:?}", pos, enc);
            }
        }

        /// Long runs of ASCII between wide chars, skipped a chunk at a
        /// time, and wide chars at every place of a chunk.
        #[test]
        fn wide_chars_are_found_past_long_runs_of_ascii(text in "([a-z ]{0,70}|한|ж|😀|\\r|\\n){0,12}") {
            let idx = LineIndex::new(&text);
            let wide: Vec<u32> = text.char_indices().filter(|(_, c)| !c.is_ascii()).map(|(i, _)| i as u32).collect();
            proptest::prop_assert_eq!(idx.wide(), &wide[..]);
            for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
                proptest::prop_assert_eq!(idx.line_col(offset, Encoding::Utf16), naive_col(&text, &idx, offset, Encoding::Utf16));
            }
        }

        #[test]
        fn both_ends_of_a_range_as_each_end_alone(
            text in "([a-z\\[\\]{}@ ]|한|ж|😀|\\r|\\n|\\r\\n){0,40}",
        ) {
            let idx = LineIndex::new(&text);
            // Every byte offset, inside wide chars and past the end too.
            for start in 0..text.len() + 3 {
                for end in 0..text.len() + 3 {
                    for enc in [Encoding::Utf8, Encoding::Utf16] {
                        proptest::prop_assert_eq!(idx.line_cols(&(start..end), enc), (idx.line_col(start, enc), idx.line_col(end, enc)), "{}..{} {:?}", start, end, enc);
                    }
                }
            }
        }
    }
}
