//! Answers to an annotator's questions, one module per feature. Each is a
//! pure function of an [`Analysis`](crate::Analysis) snapshot, a file and a
//! byte offset (or range), returning byte ranges; the server translates
//! them to the protocol.

pub mod code_actions;
pub mod completion;
pub mod cursor;
pub mod goto;
pub mod hover;
pub mod outline;
pub mod references;
pub mod rename;
pub mod tokens;

use std::ops::Range;

use crate::FileId;

/// A place in the workspace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Location {
    pub file: FileId,
    /// What to select: the id, the claim text...
    pub range: Range<usize>,
    /// The whole construct around it: the span, the registry table.
    pub full_range: Range<usize>,
}

/// Replace `range` of a file with `new_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub new_text: String,
}

/// Edits to several files, applied together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkspaceEdit {
    pub changes: Vec<(FileId, Vec<TextEdit>)>,
}

impl WorkspaceEdit {
    pub(crate) fn add(&mut self, file: FileId, edit: TextEdit) {
        match self.changes.iter_mut().find(|(f, _)| *f == file) {
            Some((_, edits)) => edits.push(edit),
            None => self.changes.push((file, vec![edit])),
        }
    }

    /// Applies the edits of one file to its text (for tests and the CLI).
    pub fn apply(&self, file: FileId, text: &str) -> String {
        let mut edits: Vec<&TextEdit> = self.changes.iter().filter(|(f, _)| *f == file).flat_map(|(_, e)| e).collect();
        edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        let mut out = text.to_string();
        for e in edits {
            out.replace_range(e.range.clone(), &e.new_text);
        }
        out
    }
}
