//! Which files' diagnostics a change can have changed: a client that
//! pulls every file's diagnostics after every change (VS Code, every two
//! seconds) needs the lists worked out again only for those.
//!
//! What a file's list reads beyond the file itself (`compute`): the
//! settings; the registry (ids, kinds, names, subjects); every definition
//! of an id (unknown and duplicate ids, with the other definitions'
//! places); and, through its claims' subjects, every claim on those
//! subjects (conflicts, units, with those claims' places and summaries).
//! So a change of settings, of a registry file, or of a document with
//! definitions (before or after) can change any list; a change of any
//! other document, the lists of the files with claims on the subjects it
//! claims on (before or after), and its own. A new list read in `compute`
//! must be added here.

use std::collections::HashSet;

use crate::workspace::FilesVersion;
use crate::{Analysis, Facts, File, Id};

/// The files whose diagnostics may differ between two snapshots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Affected {
    All,
    /// By workspace-relative path.
    Files(HashSet<String>),
}

impl Affected {
    pub fn contains(&self, path: &str) -> bool {
        match self {
            Affected::All => true,
            Affected::Files(paths) => paths.contains(path),
        }
    }
}

/// The files of `now` whose diagnostics may differ from what they were in
/// the snapshot `then` was taken from.
pub fn affected(then: &FilesVersion, now: &Analysis) -> Affected {
    if then.config != *now.config() {
        return Affected::All;
    }
    let mut changed: HashSet<String> = HashSet::new();
    let mut subjects: HashSet<Id> = HashSet::new();
    for (_, file) in now.files() {
        let before = then.file(&file.path);
        if before.is_some_and(|b| b.is_same(file)) {
            continue;
        }
        for version in before.into_iter().chain([file]) {
            if !reaches_only_subjects(version, &mut subjects) {
                return Affected::All;
            }
        }
        changed.insert(file.path.clone());
    }
    for gone in then.files().filter(|f| now.file_id(&f.path).is_none()) {
        if !reaches_only_subjects(gone, &mut subjects) {
            return Affected::All;
        }
    }
    if !subjects.is_empty() {
        for (_, file) in now.files() {
            if file.document().is_some_and(|d| d.claims.iter().any(|c| subjects.contains(&c.subject.id))) {
                changed.insert(file.path.clone());
            }
        }
    }
    Affected::Files(changed)
}

/// Adds the subjects a changed file's claims are on; false if its change
/// can reach any file's list (a registry file, definitions).
fn reaches_only_subjects(file: &File, subjects: &mut HashSet<Id>) -> bool {
    match &*file.facts {
        Facts::Document(d) => {
            subjects.extend(d.claims.iter().map(|c| c.subject.id));
            d.definitions.is_empty()
        }
        Facts::Registry(_) => false,
        Facts::Unreadable { registry, .. } => !registry,
    }
}
