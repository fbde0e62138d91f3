//! A folder's workspace changed at length off its lock: copied, changed,
//! then put in place with what was changed in it meanwhile. Taking a
//! folder's 20,000 files in took 25 to 110 ms under the lock, which every
//! request and edit meanwhile waited for (a hover among them, on the
//! thread that reads the next messages).

use std::sync::MutexGuard;

use gloss_analysis::Workspace;

use crate::state::Folder;

/// A copy of a folder's workspace, to change (`workspace`) and then put in
/// place with [`Folder::install`].
pub struct Draft<'a> {
    pub workspace: Workspace,
    /// The workspace as copied: what changed in it since is carried over.
    base: Workspace,
    /// One draft of a folder at a time, as when they were made under the
    /// lock: of two made side by side, the one put in place last would
    /// take every file the other changed as an edit made meanwhile (the
    /// older read winning, file by file, under the lock).
    _turn: MutexGuard<'a, ()>,
}

/// What a draft replaced, to drop once the lock is let go: the files no
/// longer held are freed then.
pub struct Replaced {
    _workspace: Workspace,
    _base: Workspace,
}

impl Folder {
    /// A copy of the workspace to change off its lock; waits for the draft
    /// being changed, if any, to be put in place.
    pub fn draft(&self) -> Draft<'_> {
        let turn = self.drafting.lock().unwrap_or_else(|e| e.into_inner());
        let base = self.lock().clone();
        Draft { workspace: base.clone(), base, _turn: turn }
    }

    /// Puts a draft in place of the workspace, with the changes made to it
    /// since it was copied carried over (edits, files read again: newer
    /// than the draft's); as an edit if the draft's own changes may change
    /// answers. Returns the lock, for more changes, and what was replaced.
    pub fn install(&self, draft: Draft<'_>, changes_answers: bool) -> (MutexGuard<'_, Workspace>, Replaced) {
        let Draft { mut workspace, base, _turn } = draft;
        let mut ws = if changes_answers { self.edit() } else { self.lock() };
        workspace.carry_over(&base, &ws);
        let replaced = std::mem::replace(&mut *ws, workspace);
        (ws, Replaced { _workspace: replaced, _base: base })
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::state::{Folder, Place};

    /// A folder's files taken in on a draft, while an open document is
    /// edited and another file removed: the draft put in place has both
    /// changes and its own, and tells pulls that the folder changed.
    #[test]
    fn a_draft_put_in_place_keeps_the_edits_made_meanwhile() {
        let f = Folder::new(Place::Root(PathBuf::from("/ws")));
        f.edit().set_document("open.txt", "[Putin]{@putin} spoke.");
        f.edit().set_document("gone.txt", "[Kim]{@kim} spoke.");
        let mut draft = f.draft();
        draft.workspace.set_document("open.txt", "as on disk");
        draft.workspace.set_document("read.txt", "[10,000]{claim=troops src=@ua}");
        f.edit().set_document("open.txt", "[Putin]{@putin} spoke again.");
        f.edit().remove("gone.txt");
        let (_, before) = f.snapshot_with_id();
        let (ws, replaced) = f.install(draft, true);
        drop(ws);
        assert!(replaced._workspace.file_id("gone.txt").is_none(), "the workspace replaced is the one edited");
        assert_ne!(f.snapshot_with_id().1, before, "pulled diagnostics see a change");
        let now = f.snapshot();
        let mut texts: Vec<(String, String)> = now.files().map(|(_, file)| (file.path.clone(), file.text.to_string())).collect();
        texts.sort();
        let expected = [("open.txt", "[Putin]{@putin} spoke again."), ("read.txt", "[10,000]{claim=troops src=@ua}")];
        assert_eq!(texts, expected.map(|(p, t)| (p.to_string(), t.to_string())));
        assert_eq!(now.references("putin").count(), 1);
    }

    /// A second draft waits for the first to be put in place, then starts
    /// from it.
    #[test]
    fn one_draft_at_a_time() {
        let f = std::sync::Arc::new(Folder::new(Place::Root(PathBuf::from("/ws"))));
        let mut first = f.draft();
        first.workspace.set_document("a.txt", "first");
        let second = {
            let f = f.clone();
            std::thread::spawn(move || {
                let mut draft = f.draft();
                let seen = draft.workspace.file_id("a.txt").is_some();
                draft.workspace.set_document("b.txt", "second");
                drop(f.install(draft, true));
                seen
            })
        };
        // Not started before the first is put in place (if it were, it
        // would not see `a.txt`).
        std::thread::sleep(std::time::Duration::from_millis(50));
        drop(f.install(first, true));
        assert!(second.join().unwrap(), "the second draft starts from the first");
        let mut paths: Vec<String> = f.snapshot().files().map(|(_, file)| file.path.clone()).collect();
        paths.sort();
        assert_eq!(paths, ["a.txt", "b.txt"]);
    }
}
