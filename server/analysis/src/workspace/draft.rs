//! A workspace changed off to the side: a copy taken, changed at length
//! (a folder's files taken in), then put in place of the workspace it was
//! copied from, which went on taking edits meanwhile.

use super::Workspace;

impl Workspace {
    /// Makes here the changes that took `base` to `live`: files set,
    /// replaced or removed since, and the claim settings. For a workspace
    /// drafted from a copy of `base` while `live` (the same copy) went on
    /// being edited: those edits are newer than anything the draft did,
    /// so they win, file by file. A file set and then removed in `live`,
    /// not in `base`, left no trace there: the draft's stays.
    ///
    /// Costs a walk over both lists of files when `live` changed, nothing
    /// when it did not.
    pub fn carry_over(&mut self, base: &Workspace, live: &Workspace) {
        if live.overrides != base.overrides {
            self.overrides = live.overrides;
            self.shared = None;
        }
        if live.files.ptr_eq(&base.files) {
            return;
        }
        // A path keeps its id until it is removed, and a path set anew
        // takes the next id, never an emptied one: an id is the same path
        // in both, or a slot emptied since. Walked in order of id, a path
        // removed and set again is removed (its old slot) before it is
        // set (its new one).
        let (mut was, mut is) = (base.files.iter(), live.files.iter());
        loop {
            match (was.next(), is.next()) {
                (None, None) => break,
                (Some(Some(before)), Some(Some(now))) if before.is_same(now) => {}
                (_, Some(Some(now))) => {
                    self.set_file(now.clone());
                }
                (Some(Some(before)), _) => self.remove(&before.path),
                _ => {}
            }
        }
    }
}
