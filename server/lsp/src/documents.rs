//! Open documents: their text as a rope for incremental edits, and their
//! tree for incremental reparsing. Closed documents keep no tree.

use std::sync::Arc;

use gloss_analysis::line_index::Encoding;
use gloss_syntax::{parse_tree, Markup};
use ropey::Rope;
use tower_lsp_server::ls_types as lsp;
use tree_sitter::{InputEdit, Point, Tree};

use crate::state::{FileRole, Folder};

pub struct OpenDocument {
    pub rope: Rope,
    /// The tree of a document of Gloss markup, once parsed (`None` until
    /// the first [`OpenDocument::reparse`], and after a whole-text change).
    pub tree: Option<Tree>,
    /// Whether it is Gloss markup (not a registry file): whether it has a tree.
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
    /// A document as opened; its tree is made by the first
    /// [`OpenDocument::reparse`], which comes right after (parsing here as
    /// well cost a second parse of every document opened: seconds, and a
    /// second tree in memory, for a big one).
    pub fn new(text: &str, version: i32, folder: Arc<Folder>, key: String, role: FileRole) -> OpenDocument {
        let markup = role == FileRole::Document;
        OpenDocument { rope: Rope::from_str(text), tree: None, markup, version, analysed_version: version, folder, key, role }
    }

    /// Applies one change from `didChange`: a range edit, or the whole
    /// text when it has no range. Positions past a line's end or the
    /// document's end are clamped to them.
    pub fn apply(&mut self, change: &lsp::TextDocumentContentChangeEvent, enc: Encoding) {
        let Some(range) = change.range else {
            self.rope = Rope::from_str(&change.text);
            // Parsed afresh by the next reparse.
            self.tree = None;
            return;
        };
        let start = self.char_at(range.start, enc);
        let end = self.char_at(range.end, enc).max(start);
        let start_byte = self.rope.char_to_byte(start);
        let old_end_byte = self.rope.char_to_byte(end);
        let start_position = self.point(start_byte);
        let old_end_position = self.point(old_end_byte);
        self.rope.remove(start..end);
        self.rope.insert(start, &change.text);
        let new_end_byte = start_byte + change.text.len();
        let new_end_position = self.point(new_end_byte);
        if let Some(tree) = &mut self.tree {
            tree.edit(&InputEdit { start_byte, old_end_byte, new_end_byte, start_position, old_end_position, new_end_position });
        }
    }

    /// After a batch of changes: the text, reparsed incrementally (from
    /// scratch the first time). `None` for a registry file.
    pub fn reparse(&mut self) -> (String, Option<Markup>) {
        let text = self.rope.to_string();
        if !self.markup {
            return (text, None);
        }
        let tree = parse_tree(&text, self.tree.as_ref());
        let markup = Markup::from_tree(&tree, &text);
        self.tree = Some(tree);
        (text, Some(markup))
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

    fn point(&self, byte: usize) -> Point {
        let row = self.rope.byte_to_line(byte);
        Point { row, column: byte - self.rope.line_to_byte(row) }
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
    fn incremental_reparse_matches_a_fresh_parse() {
        let mut doc = doc("[a]{@x} b\n[c]{@y}\n");
        doc.apply(&change(0, 8, 0, 8, "[new]{@z} "), Encoding::Utf16);
        doc.apply(&change(1, 0, 1, 1, ""), Encoding::Utf16);
        let (text, markup) = doc.reparse();
        assert_eq!(markup.unwrap(), Markup::parse(&text));
    }

    #[test]
    fn a_whole_text_change_then_range_edits_in_one_batch() {
        let mut doc = doc("[a]{@x}\n");
        assert!(doc.tree.is_none(), "parsed by the first reparse, not on open");
        doc.reparse();
        let whole = lsp::TextDocumentContentChangeEvent { range: None, range_length: None, text: "[b]{@y} c\n".into() };
        doc.apply(&whole, Encoding::Utf16);
        doc.apply(&change(0, 10, 0, 10, " [d]{@z}"), Encoding::Utf16);
        let (text, markup) = doc.reparse();
        assert_eq!(text, "[b]{@y} c [d]{@z}\n");
        assert_eq!(markup.unwrap(), Markup::parse(&text));
    }
}
