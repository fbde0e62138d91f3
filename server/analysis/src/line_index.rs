//! Byte offsets to line/column and back, counting line ends as LSP does
//! (`\n`, `\r\n`, `\r`), with columns in UTF-8 bytes or UTF-16 units.

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

#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { starts, len: text.len() }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The byte range of a line, without its line end.
    pub fn line_range(&self, text: &str, line: usize) -> Range<usize> {
        let start = self.starts[line.min(self.starts.len() - 1)];
        let mut end = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let b = text.as_bytes();
        while end > start && (b[end - 1] == b'\n' || b[end - 1] == b'\r') {
            end -= 1;
        }
        start..end
    }

    /// Line and column of a byte offset (clamped to the text, and down to a
    /// char boundary).
    pub fn line_col(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let mut offset = offset.min(self.len);
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let prefix = &text[self.starts[line]..offset];
        let col = match enc {
            Encoding::Utf8 => prefix.len(),
            Encoding::Utf16 => prefix.chars().map(char::len_utf16).sum(),
        };
        LineCol { line: line as u32, col: col as u32 }
    }

    /// The byte offset of a line and column; positions past the end of a
    /// line go to its end, past the last line to the end of the text.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.starts.len() {
            return self.len;
        }
        let range = self.line_range(text, line);
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
        let lc = idx.line_col(text, at, Encoding::Utf16);
        assert_eq!(lc, LineCol { line: 0, col: 6 });
        assert_eq!(idx.offset(text, lc, Encoding::Utf16), at);
        let lc8 = idx.line_col(text, at, Encoding::Utf8);
        assert_eq!(lc8.col as usize, at);
        let last = text.find("last").unwrap();
        assert_eq!(idx.line_col(text, last, Encoding::Utf16), LineCol { line: 2, col: 0 });
        assert_eq!(idx.line_range(text, 0), 0..text.find('\r').unwrap());
        // Past the end of a line: its end; past the last line: the text's end.
        assert_eq!(idx.offset(text, LineCol { line: 1, col: 99 }, Encoding::Utf16), text.find("\rlast").unwrap());
        assert_eq!(idx.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf16), text.len());
    }
}
