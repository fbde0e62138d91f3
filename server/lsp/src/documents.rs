//! Open documents: their text as a rope for incremental edits.
//!
//! No tree is kept: reading a whole document straight into the typed view
//! ([`Markup::parse`], ~100 MB/s) is faster than tree-sitter's
//! incremental reparse followed by lowering the whole tree (~45 MB/s), and
//! gives the same result (tested in gloss-syntax). A keystroke in a 1 MB
//! document costs ~10 ms to read again, against ~25 ms with the tree.

use std::sync::Arc;

use gloss_analysis::line_index::Encoding;
use gloss_syntax::Markup;
use ropey::Rope;
use tower_lsp_server::ls_types as lsp;

use crate::state::{FileRole, Folder};

pub struct OpenDocument {
    pub rope: Rope,
    /// Whether it is Gloss markup (not a registry file).
    markup: bool,
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

impl OpenDocument {
    /// A document as opened; read by the [`OpenDocument::reparse`] that
    /// comes right after.
    pub fn new(text: &str, version: i32, folder: Arc<Folder>, key: String, role: FileRole) -> OpenDocument {
        let markup = role == FileRole::Document;
        OpenDocument { rope: Rope::from_str(text), markup, version, analysed_version: version, folder, key, role }
    }

    /// Applies one change from `didChange`: a range edit, or the whole
    /// text when it has no range. Positions past a line's end or the
    /// document's end are clamped to them.
    pub fn apply(&mut self, change: &lsp::TextDocumentContentChangeEvent, enc: Encoding) {
        let Some(range) = change.range else {
            self.rope = Rope::from_str(&change.text);
            return;
        };
        let start = self.char_at(range.start, enc);
        let end = self.char_at(range.end, enc).max(start);
        self.rope.remove(start..end);
        self.rope.insert(start, &change.text);
    }

    /// After a batch of changes: the text, and its markup read again.
    /// `None` for a registry file.
    pub fn reparse(&mut self) -> (String, Option<Markup>) {
        let text = self.rope.to_string();
        let markup = self.markup.then(|| Markup::parse(&text));
        (text, markup)
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
        let (text, markup) = doc.reparse();
        assert_eq!(text, "😀 한국 [[x]{@a}\r\nLINE two\n");
        assert_eq!(markup.unwrap().spans.len(), 1);
        // UTF-8: `[` is at byte 12; past the end of a line clamps to it.
        doc.apply(&change(0, 12, 0, 13, ""), Encoding::Utf8);
        doc.apply(&change(1, 99, 1, 99, "!"), Encoding::Utf8);
        doc.apply(&change(9, 0, 9, 0, "end"), Encoding::Utf8);
        assert_eq!(doc.reparse().0, "😀 한국 [x]{@a}\r\nLINE two!\nend");
    }

    #[test]
    fn a_whole_text_change_then_range_edits_in_one_batch() {
        let mut doc = doc("[a]{@x}\n");
        doc.reparse();
        let whole = lsp::TextDocumentContentChangeEvent { range: None, range_length: None, text: "[b]{@y} c\n".into() };
        doc.apply(&whole, Encoding::Utf16);
        doc.apply(&change(0, 10, 0, 10, " [d]{@z}"), Encoding::Utf16);
        let (text, markup) = doc.reparse();
        assert_eq!(text, "[b]{@y} c [d]{@z}\n");
        assert_eq!(markup.unwrap().spans.len(), 2);
    }
}
