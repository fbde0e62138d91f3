//! The plain text of a document: what a reader sees, with the markup taken
//! out. Web annotations point into this text.
//!
//! Taken out: the header line, each span's `[` and `]{...}`, comments, and
//! the backslash of each escape. Everything else stays, byte for byte.

use std::ops::Range;

use gloss_syntax::Markup;

#[derive(Debug, Clone)]
pub struct PlainText {
    pub text: String,
    /// Kept runs: (start in the source, start in the plain text, length).
    runs: Vec<(usize, usize, usize)>,
}

impl PlainText {
    pub fn new(src: &str, markup: &Markup) -> PlainText {
        let mut cuts: Vec<Range<usize>> = Vec::new();
        if let Some(h) = &markup.header {
            let line_end = src[h.range.end..].find('\n').map_or(src.len(), |i| h.range.end + i + 1);
            cuts.push(0..line_end);
        }
        for s in &markup.spans {
            cuts.push(s.range.start..s.text.start);
            cuts.push(s.text.end..s.range.end);
        }
        cuts.extend(markup.comments.iter().cloned());
        cuts.extend(markup.escapes.iter().map(|e| e.start..e.start + 1));
        cuts.sort_by_key(|c| c.start);
        let mut text = String::with_capacity(src.len());
        let mut runs = Vec::new();
        let mut at = 0;
        for c in cuts.into_iter().chain(std::iter::once(src.len()..src.len())) {
            if c.start > at {
                runs.push((at, text.len(), c.start - at));
                text.push_str(&src[at..c.start]);
            }
            at = at.max(c.end);
        }
        PlainText { text, runs }
    }

    /// The plain-text byte offset of a source offset; an offset inside
    /// markup maps to where the markup was taken out.
    pub fn to_plain(&self, src_offset: usize) -> usize {
        let i = self.runs.partition_point(|(s, _, _)| *s <= src_offset);
        if i == 0 {
            return 0;
        }
        let (s, p, len) = self.runs[i - 1];
        p + (src_offset - s).min(len)
    }

    /// Character (code point) position of a plain-text byte offset, as the
    /// W3C TextPositionSelector counts.
    pub fn char_pos(&self, plain_offset: usize) -> usize {
        self.text[..plain_offset].chars().count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_taken_out_and_offsets_map() {
        let src = "{#doc date=2024}\nIn [[Putin]{@putin}'s visit]{@v} \\[sic\\] {% c %}ok";
        let plain = PlainText::new(src, &Markup::parse(src));
        assert_eq!(plain.text, "In Putin's visit [sic] ok");
        let putin = src.find("Putin").unwrap();
        assert_eq!(&plain.text[plain.to_plain(putin)..plain.to_plain(putin + 5)], "Putin");
        assert_eq!(plain.to_plain(0), 0);
    }
}
