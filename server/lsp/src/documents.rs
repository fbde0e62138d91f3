//! Open documents: their text as a rope for incremental edits.
//!
//! No tree is kept: reading markup straight into the typed view
//! ([`gloss_syntax::Markup::parse`], ~100 MB/s) is faster than
//! tree-sitter's incremental reparse followed by lowering the whole tree
//! (~45 MB/s), and gives the same result (tested in gloss-syntax). After a
//! batch of edits only the paragraphs they touched are read again
//! ([`gloss_analysis::document::reread_document`]), so each document keeps
//! the bytes its edits changed since it was last read.

use std::ops::Range;
use std::sync::Arc;

use gloss_analysis::line_index::Encoding;
use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use crate::state::{FileRole, Folder};

pub struct OpenDocument {
    pub rope: Rope,
    /// What differs from the text [`OpenDocument::take_text`] gave last.
    changed: Changed,
    /// The version of the text, as the client last sent it.
    pub version: i32,
    /// The version the folder's workspace holds (set under its lock), so
    /// diagnostics go out with the version they were computed for.
    pub analysed_version: i32,
    /// The folder it belongs to, and the path the analysis knows it by.
    pub folder: Arc<Folder>,
    pub key: String,
    /// A document, a registry file, or a file the workspace ignores.
    pub role: FileRole,
}

/// What differs in an open document's text from the text last read.
enum Changed {
    /// All of it: just opened, or replaced whole.
    Whole,
    Nothing,
    /// These bytes of the current text (the edits since, as one range).
    Bytes(Range<usize>),
}

impl OpenDocument {
    /// A document as opened; read whole by the [`OpenDocument::take_text`]
    /// that comes right after.
    pub fn new(text: &str, version: i32, folder: Arc<Folder>, key: String, role: FileRole) -> OpenDocument {
        OpenDocument { rope: Rope::from_str(text), changed: Changed::Whole, version, analysed_version: version, folder, key, role }
    }

    /// Applies one change from `didChange`: a range edit, or the whole
    /// text when it has no range. Positions past a line's end or the
    /// document's end are clamped to them.
    pub fn apply(&mut self, change: &lsp::TextDocumentContentChangeEvent, enc: Encoding) {
        let Some(range) = change.range else {
            self.rope = Rope::from_str(&change.text);
            self.changed = Changed::Whole;
            return;
        };
        let start = self.char_at(range.start, enc);
        let end = self.char_at(range.end, enc).max(start);
        let replaced = self.rope.char_to_byte(start)..self.rope.char_to_byte(end);
        self.rope.remove(start..end);
        self.rope.insert(start, &change.text);
        self.changed = match std::mem::replace(&mut self.changed, Changed::Whole) {
            Changed::Whole => Changed::Whole,
            Changed::Nothing => Changed::Bytes(widened(None, replaced, change.text.len())),
            Changed::Bytes(bytes) => Changed::Bytes(widened(Some(bytes), replaced, change.text.len())),
        };
    }

    /// After a batch of changes: the text, and the bytes of it that differ
    /// from the text the last call gave (`None`: all of them).
    pub fn take_text(&mut self) -> (String, Option<Range<usize>>) {
        let changed = match std::mem::replace(&mut self.changed, Changed::Nothing) {
            Changed::Whole => None,
            Changed::Nothing => Some(0..0),
            Changed::Bytes(bytes) => Some(bytes),
        };
        (self.rope.to_string(), changed)
    }

    fn char_at(&self, pos: lsp::Position, enc: Encoding) -> usize {
        let rope = &self.rope;
        let line = pos.line as usize;
        if line >= rope.len_lines() {
            return rope.len_chars();
        }
        let slice = rope.line(line);
        // The line without its line end.
        let mut len = slice.len_chars();
        while len > 0 && matches!(slice.char(len - 1), '\n' | '\r') {
            len -= 1;
        }
        let content = slice.slice(..len);
        let col = pos.character as usize;
        let in_line = match enc {
            Encoding::Utf16 => content.utf16_cu_to_char(col.min(content.len_utf16_cu())),
            Encoding::Utf8 => {
                let byte = col.min(content.len_bytes());
                // A column inside a character goes to its start.
                content.byte_to_char(byte)
            }
        };
        rope.line_to_char(line) + in_line
    }
}

/// `changed`, the bytes of a text that differ from an earlier one, after
/// the bytes `replaced` of the text became `inserted` bytes: one range of
/// the new text covering both edits.
fn widened(changed: Option<Range<usize>>, replaced: Range<usize>, inserted: usize) -> Range<usize> {
    let new = replaced.start..replaced.start + inserted;
    let Some(changed) = changed else { return new };
    // Where the end of `changed` is now: moved by the edit if after it,
    // at the inserted text's end if inside what it replaced.
    let end = match changed.end {
        at if at <= replaced.start => at,
        at if at >= replaced.end => at - replaced.len() + inserted,
        _ => new.end,
    };
    changed.start.min(new.start)..end.max(new.end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::Place;

    fn doc(text: &str) -> OpenDocument {
        let folder = Arc::new(Folder::new(Place::Root("/ws".into())));
        OpenDocument::new(text, 1, folder, "d.txt".into(), FileRole::Document)
    }

    fn change(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> lsp::TextDocumentContentChangeEvent {
        lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range { start: lsp::Position { line: l1, character: c1 }, end: lsp::Position { line: l2, character: c2 } }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn utf16_and_utf8_edits_after_non_ascii_text_and_crlf() {
        let mut doc = doc("😀 한국 [x]{@a}\r\nline two\n");
        // UTF-16: 😀 is two units; `[` is at 6.
        doc.apply(&change(0, 6, 0, 7, "[["), Encoding::Utf16);
        doc.apply(&change(1, 0, 1, 4, "LINE"), Encoding::Utf16);
        let (text, changed) = doc.take_text();
        assert_eq!(text, "😀 한국 [[x]{@a}\r\nLINE two\n");
        assert_eq!(changed, None, "just opened: read whole");
        // UTF-8: `[` is at byte 12; past the end of a line clamps to it.
        doc.apply(&change(0, 12, 0, 13, ""), Encoding::Utf8);
        doc.apply(&change(1, 99, 1, 99, "!"), Encoding::Utf8);
        doc.apply(&change(9, 0, 9, 0, "end"), Encoding::Utf8);
        let (text, changed) = doc.take_text();
        assert_eq!(text, "😀 한국 [x]{@a}\r\nLINE two!\nend");
        // From the `[[` (byte 12) to the end: three edits as one range.
        assert_eq!(changed, Some(12..text.len()));
        assert_eq!(doc.take_text().1, Some(0..0), "nothing changed since");
    }

    #[test]
    fn a_whole_text_change_then_range_edits_in_one_batch() {
        let mut doc = doc("[a]{@x}\n");
        doc.take_text();
        let whole = lsp::TextDocumentContentChangeEvent { range: None, range_length: None, text: "[b]{@y} c\n".into() };
        doc.apply(&whole, Encoding::Utf16);
        doc.apply(&change(0, 10, 0, 10, " [d]{@z}"), Encoding::Utf16);
        let (text, changed) = doc.take_text();
        assert_eq!(text, "[b]{@y} c [d]{@z}\n");
        assert_eq!(changed, None, "replaced whole: read whole");
    }

    #[test]
    fn edits_in_one_batch_are_one_changed_range_of_the_new_text() {
        let mut doc = doc("aaaa\r\n\r\nbbbb\n\ncccc\n");
        doc.take_text();
        // An insertion, then a deletion before it: the range moves with it.
        doc.apply(&change(4, 2, 4, 2, "XY"), Encoding::Utf16);
        doc.apply(&change(2, 0, 2, 2, ""), Encoding::Utf16);
        let (text, changed) = doc.take_text();
        assert_eq!(text, "aaaa\r\n\r\nbb\n\nccXYcc\n");
        // From the deletion to the insertion's end.
        assert_eq!(changed, Some(8..16));
        // A deletion swallowing an earlier insertion's end.
        doc.apply(&change(0, 1, 0, 1, "한"), Encoding::Utf16);
        doc.apply(&change(0, 0, 0, 3, "z"), Encoding::Utf16);
        let (text, changed) = doc.take_text();
        assert_eq!(text, "zaa\r\n\r\nbb\n\nccXYcc\n");
        assert_eq!(changed, Some(0..1));
    }
}
