//! Renaming an id everywhere: spans, attributes and registry files.

use std::ops::Range;

use super::cursor::{target_at, Target};
use super::{TextEdit, WorkspaceEdit};
use crate::entity::DefinitionSite;
use crate::{Analysis, FileId};

/// The range of the id that would be renamed, or why it cannot be.
pub fn prepare(analysis: &Analysis, file: FileId, offset: usize) -> Result<Range<usize>, String> {
    match target_at(analysis, file, offset) {
        Some(t @ (Target::Reference(_) | Target::Definition(_))) => Ok(t.range(analysis)),
        Some(Target::Claim(_)) => Err("put the cursor on an id (after @ or #, or the subject after claim=) to rename it".into()),
        None => Err("nothing to rename here: put the cursor on an id".into()),
    }
}

pub fn rename(analysis: &Analysis, file: FileId, offset: usize, new_name: &str) -> Result<WorkspaceEdit, String> {
    prepare(analysis, file, offset)?;
    let id = target_at(analysis, file, offset).and_then(|t| t.id()).ok_or("nothing to rename here")?.to_string();
    let new_name = new_name.trim_start_matches(['@', '#']);
    if !is_id(new_name) {
        return Err(format!("`{new_name}` is not an id: use letters, digits and _ . : - (starting with a letter, digit or _, not ending in . or :)"));
    }
    if new_name != id && analysis.entity(new_name).is_some() {
        return Err(format!("`{new_name}` is already defined: renaming would merge two entities"));
    }
    let mut edit = WorkspaceEdit::default();
    for (f, r) in analysis.references(&id) {
        edit.add(f, TextEdit { range: r.range.range(), new_text: new_name.to_string() });
    }
    for (f, d) in analysis.definitions(&id) {
        // A registry table name that is not a bare TOML key must be quoted.
        let bare = new_name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let text = if d.site == DefinitionSite::Registry && !bare { format!("\"{new_name}\"") } else { new_name.to_string() };
        edit.add(f, TextEdit { range: d.id_range.range(), new_text: text });
    }
    for (_, edits) in &mut edit.changes {
        edits.sort_by_key(|e| (e.range.start, e.range.end));
        edits.dedup();
    }
    Ok(edit)
}

/// `ID = [A-Za-z0-9_] { [A-Za-z0-9_.:-] }`, not ending in `.` or `:`.
pub fn is_id(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b) if b.is_ascii_alphanumeric() || b == b'_')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(&b))
        && !s.ends_with(['.', ':'])
}
