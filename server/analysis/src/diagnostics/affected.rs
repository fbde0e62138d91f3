//! Which files' diagnostics a change can have changed: a client that
//! pulls every file's diagnostics after every change (VS Code, every two
//! seconds) needs the lists worked out again only for those.
//!
//! What a file's list reads beyond the file itself (`compute`): the
//! settings; the registry (ids, kinds, names, subjects); every definition
//! of an id (unknown and duplicate ids, with the other definitions'
//! places; a kind in a message; a subject's unit); and, through its
//! claims' subjects, every claim on those subjects (conflicts, units,
//! with those claims' places and summaries). So a change of settings or
//! of a registry file can change any list. So can a document's change of
//! definitions, unless it defines the same ids of the same kinds before
//! and after, each defined nowhere else, none a subject: then who else
//! reads them reads the same (a document's `{#id date=…}` header is such
//! a definition, in most documents). Otherwise a document's change can
//! change its own list and those of the files with claims on the
//! subjects it claims on, before or after. A new list read in `compute`
//! must be added here.

use std::collections::HashSet;

use crate::entity::EntityKind;
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
        if !reaches_only_subjects(before, Some(file), now, &mut subjects) {
            return Affected::All;
        }
        changed.insert(file.path.clone());
    }
    for gone in then.files().filter(|f| now.file_id(&f.path).is_none()) {
        if !reaches_only_subjects(Some(gone), None, now, &mut subjects) {
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

/// Adds the subjects a changed file's claims are on, before and after;
/// false if the change can reach any file's list (see the module's doc):
/// a registry file, a file new or gone with definitions, or definitions
/// that changed, are defined elsewhere too, or are subjects.
fn reaches_only_subjects(before: Option<&File>, after: Option<&File>, now: &Analysis, subjects: &mut HashSet<Id>) -> bool {
    let mut defined: [Vec<(Id, EntityKind)>; 2] = Default::default();
    for (version, file) in [before, after].into_iter().enumerate() {
        let Some(file) = file else { continue };
        match &*file.facts {
            Facts::Document(d) => {
                subjects.extend(d.claims.iter().map(|c| c.subject.id));
                defined[version] = d.definitions.iter().map(|d| (d.id, d.kind)).collect();
                defined[version].sort();
            }
            Facts::Registry(_) => return false,
            Facts::Unreadable { registry, .. } if *registry => return false,
            Facts::Unreadable { .. } => {}
        }
    }
    let [old, new] = &defined;
    if before.is_none() || after.is_none() {
        return old.is_empty() && new.is_empty();
    }
    // The same ids before and after, each defined once (now, and so
    // before: every other file whose definitions changed is held to this
    // too, and no file with definitions came or went).
    old == new && new.iter().all(|&(id, kind)| kind != EntityKind::Subject && now.index().definition_count(&id) == 1)
}
