//! The workspace as the analysis sees it: files by id, each with its text
//! and the facts read from it, and immutable snapshots to answer from.

use std::sync::{Arc, OnceLock};

use imbl::Vector;

use crate::claim::Claim;
use crate::config::{ClaimOverrides, Config};
use crate::document::{read_document_text, reread_document, DocumentFacts};
use crate::entity::{Definition, Reference};
use crate::index::{ClaimId, HashMap, Index, Relations, Site};
use crate::line_index::LineIndex;
use crate::registry::{read_registry, RegistryFacts};
use crate::text::Text;

mod draft;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// Files by id; persistent, so a snapshot is a cheap clone.
pub(crate) type Files = Vector<Option<File>>;

/// Files looked up by increasing id, through the vector's leaves in turn.
/// Relating a subject's claims looks up each claim's file in workspace
/// order, and a references answer each use's file (twice); a lookup from
/// the vector's root each was a twentieth of relating, and a sixth of the
/// server's time for an answer of 5,000 locations. An id before the last
/// one asked for is looked up from the root.
pub struct FilesInOrder<'a> {
    files: &'a Files,
    leaves: imbl::vector::Chunks<'a, Option<File>, imbl::shared_ptr::DefaultSharedPtr>,
    /// The id of the leaf's first file.
    start: usize,
    leaf: &'a [Option<File>],
}

impl<'a> FilesInOrder<'a> {
    pub(crate) fn new(files: &'a Files) -> FilesInOrder<'a> {
        FilesInOrder { files, leaves: files.leaves(), start: 0, leaf: &[] }
    }

    pub fn get(&mut self, id: FileId) -> Option<&'a File> {
        let i = id.0 as usize;
        if i < self.start {
            return self.files.get(i)?.as_ref();
        }
        while i >= self.start + self.leaf.len() {
            self.start += self.leaf.len();
            // Past the last leaf: none (and nothing added to `start` again).
            self.leaf = &[];
            self.leaf = self.leaves.next()?;
        }
        self.leaf[i - self.start].as_ref()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Facts {
    Document(DocumentFacts),
    Registry(RegistryFacts),
    /// The file could not be read: why, and whether it is a registry file.
    Unreadable {
        why: String,
        registry: bool,
    },
}

impl Facts {
    /// Reads an annotated document's facts. Pure and `Send`: callers may
    /// read many documents in parallel, then [`Workspace::set`] them.
    pub fn of_document(text: &str) -> Facts {
        Facts::Document(read_document_text(text))
    }

    /// Reads a registry file; `is_config` for the workspace's `gloss.toml`.
    pub fn of_registry(text: &str, is_config: bool) -> Facts {
        Facts::Registry(read_registry(text, is_config))
    }
}

#[derive(Debug, Clone)]
pub struct File {
    /// Relative to the workspace root, with `/` separators.
    pub path: String,
    pub text: Text,
    /// See [`File::line_index`].
    lines: Arc<OnceLock<LineIndex>>,
    pub facts: Arc<Facts>,
}

impl File {
    /// A file at a workspace-relative path, with its text, the facts read
    /// from it and its line index. Pure and `Send`.
    pub fn new(path: &str, text: &str, facts: Facts) -> File {
        File::with_text(path, Text::from(text), facts)
    }

    /// [`File::new`] with a text already shared (not copied again).
    pub fn with_text(path: &str, text: Text, facts: Facts) -> File {
        let file = File::with_cached_text(path, text, facts);
        file.line_index();
        file
    }

    /// [`File::with_text`] for a text and facts taken from a cache, not
    /// read now: its line index is built when first asked for. A warm
    /// start then builds none of the 20,000 a workspace may have (most
    /// are never asked for). A text just read has its index built at once
    /// instead, while its bytes are at hand: a text may then be moved to
    /// a mapped file, whose pages a later build would read in again.
    pub fn with_cached_text(path: &str, text: Text, facts: Facts) -> File {
        File { path: path.to_string(), lines: Arc::default(), text, facts: Arc::new(facts) }
    }

    /// Where its lines start and its wide characters are: byte offsets to
    /// line and column and back.
    pub fn line_index(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// Whether `other` is this very file as set (a clone of it), not
    /// merely one with the same path: what is set anew is a new file.
    pub fn is_same(&self, other: &File) -> bool {
        Arc::ptr_eq(&self.facts, &other.facts) && Arc::ptr_eq(&self.lines, &other.lines) && self.path == other.path
    }

    /// Whether it is the workspace's `gloss.toml` (its settings apply).
    fn is_config(&self) -> bool {
        matches!(&*self.facts, Facts::Registry(r) if r.config.is_some())
    }

    pub fn document(&self) -> Option<&DocumentFacts> {
        match &*self.facts {
            Facts::Document(d) => Some(d),
            _ => None,
        }
    }
    pub fn registry(&self) -> Option<&RegistryFacts> {
        match &*self.facts {
            Facts::Registry(r) => Some(r),
            _ => None,
        }
    }
}

/// Whether `new` is `old` with at most the bytes `changed` (of `new`)
/// differing.
fn edit_of(old: &str, new: &str, changed: &std::ops::Range<usize>) -> bool {
    let (old, new) = (old.as_bytes(), new.as_bytes());
    let Some(tail) = new.len().checked_sub(changed.end) else { return false };
    changed.start <= changed.end
        && changed.start + tail <= old.len()
        && old[..changed.start] == new[..changed.start]
        && old[old.len() - tail..] == new[changed.end..]
}

/// The mutable side: files come and go; [`Workspace::snapshot`] gives an
/// immutable [`Analysis`] to answer questions from.
/// Cloned, it is a copy to change on the side: cheap, as a snapshot is
/// (see [`Workspace::carry_over`]).
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    files: Files,
    by_path: HashMap<String, FileId>,
    /// The file whose `[workspace]`/`[claims]` settings apply.
    config_file: Option<FileId>,
    /// Kept up to date as files change; settled when a snapshot is taken.
    index: Index,
    /// The settled index the last snapshot shared, until a file changes.
    shared: Option<Arc<Index>>,
    overrides: ClaimOverrides,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace::default()
    }

    /// A workspace whose index holds only what diagnostics need: the
    /// definitions, each subject's claims and the registry names, not the
    /// references, usage counts, citations or treaty parties. For a report
    /// over a whole workspace (`gloss check`), where gathering the
    /// references was 6% of the time; what needs them (references,
    /// an entity's counts in a hover, a source's claims) finds none.
    ///
    /// Its diagnostics list at most `listed` related places each (as
    /// [`crate::diagnostics::workspace_diagnostics_listing`] with `listed`
    /// or fewer; `usize::MAX` for all that diagnostics list): each claim
    /// keeps only the conflicts they may name or list, and a count of the
    /// rest. Laying out every list was a third of relating; a claim's
    /// [`crate::Relations`] here hold only those first few conflicts.
    pub fn for_diagnostics(listed: usize) -> Workspace {
        Workspace { index: Index::for_diagnostics(crate::diagnostics::conflicts_needed(listed)), ..Workspace::default() }
    }

    /// Sets an annotated document's text, parsing it.
    pub fn set_document(&mut self, path: &str, text: &str) -> FileId {
        self.set(path, text, Facts::of_document(text))
    }

    /// Sets an edited document's text. `changed` is the bytes of `text`
    /// that differ from the text the workspace holds for `path` (`None`:
    /// all of them); only their paragraphs are read again, provided the
    /// workspace holds that text's facts and `changed` does describe the
    /// edit (checked: a cheap comparison of the unchanged ends), else the
    /// whole text is read.
    /// The text is taken as [`Workspace::set`] takes it.
    pub fn set_edited_document(&mut self, path: &str, text: impl Into<Text>, changed: Option<std::ops::Range<usize>>) -> FileId {
        let text: Text = text.into();
        let old = self.file_id(path).and_then(|id| self.files.get(id.0 as usize)?.as_ref());
        let old = old.and_then(|f| Some((&f.text, f.document()?)));
        let facts = match (old, changed) {
            (Some((old_text, old_facts)), Some(changed)) if edit_of(old_text, &text, &changed) => reread_document(old_text, old_facts, &text, changed),
            _ => read_document_text(&text),
        };
        self.set(path, text, Facts::Document(facts))
    }

    /// Sets a registry file; `is_config` for the workspace's `gloss.toml`.
    pub fn set_registry(&mut self, path: &str, text: &str, is_config: bool) -> FileId {
        self.set(path, text, Facts::of_registry(text, is_config))
    }

    /// Records a file that could not be read, so the annotator hears of it.
    pub fn set_unreadable(&mut self, path: &str, why: &str, registry: bool) -> FileId {
        self.set(path, "", Facts::Unreadable { why: why.to_string(), registry })
    }

    pub fn remove(&mut self, path: &str) {
        if let Some(id) = self.by_path.remove(path) {
            if let Some(old) = self.files.set(id.0 as usize, None) {
                self.index.remove(id, &old);
            }
            self.shared = None;
            if self.config_file == Some(id) {
                self.config_file = None;
            }
        }
    }

    /// The workspace-relative paths of every file, in no particular order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.by_path.keys().map(String::as_str)
    }

    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied()
    }

    /// Sets a file with facts read by the caller ([`Facts::of_document`]...).
    /// The text is taken as it is given: a `String` is kept without a
    /// copy (an open 1 MB document is given whole on every keystroke).
    pub fn set(&mut self, path: &str, text: impl Into<Text>, facts: Facts) -> FileId {
        self.set_file(File::with_text(path, text.into(), facts))
    }

    /// Sets many files made by [`File::new`], as [`Workspace::set_file`]
    /// does one by one, but taking the new ones into the index at once:
    /// what reading a workspace does.
    pub fn set_files(&mut self, files: Vec<File>) -> Vec<FileId> {
        let mut ids = Vec::with_capacity(files.len());
        // New files, not yet in the index: taken in at the end. Their ids
        // are the ones from here on.
        let first_new = self.files.len() as u32;
        let mut new: Vec<FileId> = Vec::new();
        for file in files {
            let is_config = file.is_config();
            let id = match self.by_path.get(&file.path).copied() {
                Some(id) if id.0 < first_new => {
                    ids.push(self.set_file(file));
                    continue;
                }
                // The same path twice: the later file wins, as it would one by one.
                Some(id) => {
                    self.files.set(id.0 as usize, Some(file));
                    id
                }
                None => {
                    let id = FileId(self.files.len() as u32);
                    self.by_path.insert(file.path.clone(), id);
                    self.files.push_back(Some(file));
                    new.push(id);
                    id
                }
            };
            self.track_config(id, is_config);
            ids.push(id);
        }
        self.shared = None;
        let files = &self.files;
        let new: Vec<(FileId, &File)> = new.iter().filter_map(|&id| Some((id, files.get(id.0 as usize)?.as_ref()?))).collect();
        self.index.add_many(&new);
        ids
    }

    /// Sets a file made by [`File::new`] (which callers may do for many
    /// files side by side, before taking the workspace).
    pub fn set_file(&mut self, file: File) -> FileId {
        let is_config = file.is_config();
        let path = file.path.as_str();
        let id = match self.by_path.get(path) {
            Some(&id) => id,
            None => {
                let id = FileId(self.files.len() as u32);
                self.files.push_back(None);
                self.by_path.insert(path.to_string(), id);
                id
            }
        };
        match self.files.set(id.0 as usize, None) {
            Some(old) => self.index.replace(id, &old, &file),
            None => self.index.add(id, &file),
        }
        self.shared = None;
        self.files.set(id.0 as usize, Some(file));
        self.track_config(id, is_config);
        id
    }

    /// Gives the file at `path` another copy of its text, `text` (the same
    /// bytes held elsewhere: a facts cache's mapping), so that its own copy
    /// can go; facts, line index and index stay as they are. Only while
    /// the file still holds the very text `was` (the same bytes in memory,
    /// not an equal copy: comparing would read both), and `text` is as
    /// long: the caller vouches that it is `was`'s bytes. Whether it did.
    pub fn share_text(&mut self, path: &str, was: &str, text: Text) -> bool {
        let Some(id) = self.file_id(path) else { return false };
        let Some(Some(file)) = self.files.get(id.0 as usize) else { return false };
        if !file.text.is_same(was) || text.len() != was.len() {
            return false;
        }
        let shared = File { text, ..file.clone() };
        self.files.set(id.0 as usize, Some(shared));
        true
    }

    /// Keeps `config_file` on the file whose settings apply, after file
    /// `id` was set.
    fn track_config(&mut self, id: FileId, is_config: bool) {
        if is_config {
            self.config_file = Some(id);
        } else if self.config_file == Some(id) {
            self.config_file = None;
        }
    }

    /// Claim settings that win over `gloss.toml`'s (an editor's own).
    pub fn set_claim_overrides(&mut self, overrides: ClaimOverrides) {
        self.overrides = overrides;
    }

    pub fn claim_overrides(&self) -> ClaimOverrides {
        self.overrides
    }

    /// An immutable view of the workspace as it is now, with its index.
    pub fn snapshot(&mut self) -> Analysis {
        let mut config = self.config_file.and_then(|id| self.files.get(id.0 as usize)?.as_ref()).and_then(|f| f.registry()?.config.clone()).unwrap_or_default();
        self.overrides.apply(&mut config.claims);
        let shared = match self.shared.take() {
            Some(index) if index.config == config => index,
            _ => {
                self.index.settle(&self.files, &config);
                Arc::new(self.index.clone())
            }
        };
        self.shared = Some(shared.clone());
        Analysis { files: self.files.clone(), index: shared, by_path: self.by_path.clone() }
    }
}

/// What a snapshot's files and settings were, kept to tell later which
/// files' diagnostics may have changed since
/// ([`crate::diagnostics::affected`]). Cheap to keep: it shares the files
/// with the snapshots, and holds no index.
#[derive(Debug, Clone)]
pub struct FilesVersion {
    pub(crate) config: crate::config::Config,
    pub(crate) files: Files,
    pub(crate) by_path: HashMap<String, FileId>,
}

impl FilesVersion {
    pub(crate) fn file(&self, path: &str) -> Option<&File> {
        self.files.get(self.by_path.get(path)?.0 as usize)?.as_ref()
    }

    pub(crate) fn files(&self) -> impl Iterator<Item = &File> {
        self.files.iter().flatten()
    }
}

/// A consistent view of the workspace; cheap to clone, safe to share.
#[derive(Debug, Clone)]
pub struct Analysis {
    files: Files,
    index: Arc<Index>,
    by_path: HashMap<String, FileId>,
}

impl Analysis {
    pub fn file(&self, id: FileId) -> Option<&File> {
        self.files.get(id.0 as usize)?.as_ref()
    }

    /// Its files, to look up many by increasing id (see [`FilesInOrder`]).
    pub fn files_in_order(&self) -> FilesInOrder<'_> {
        FilesInOrder::new(&self.files)
    }

    /// Every claim of the workspace, in file order.
    pub fn claims(&self) -> impl Iterator<Item = ClaimId> + '_ {
        self.files().flat_map(|(id, f)| (0..f.document().map_or(0, |d| d.claims.len())).map(move |index| Site { file: id, index: index as u32 }))
    }

    /// How a claim stands among the others on its subject.
    pub fn relations(&self, claim: ClaimId) -> Relations<'_> {
        let (_, c) = self.claim(claim);
        self.index.ledger(&c.subject.id).and_then(|l| l.relations(&self.files, claim)).unwrap_or_default()
    }

    /// The file at a workspace-relative path.
    pub fn file_id(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied().filter(|id| self.file(*id).is_some())
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &File)> {
        self.files.iter().enumerate().filter_map(|(i, f)| Some((FileId(i as u32), f.as_ref()?)))
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    pub fn config(&self) -> &Config {
        &self.index.config
    }

    /// Its files and settings as they are, to compare a later snapshot
    /// with.
    pub fn files_version(&self) -> FilesVersion {
        FilesVersion { config: self.index.config.clone(), files: self.files.clone(), by_path: self.by_path.clone() }
    }
}

impl Analysis {
    /// The definitions of an id, in file order.
    pub fn definitions<'a>(&'a self, id: &str) -> impl Iterator<Item = (FileId, &'a Definition)> + 'a {
        self.index.definition_sites(id).map(|s| (s.file, &crate::index::parts(self.file(s.file).unwrap()).0[s.index as usize]))
    }

    /// Relates the claims of every subject now rather than when first asked
    /// about (subjects side by side).
    pub fn relate_all(&self) {
        self.index.relate_all(&self.files);
    }

    /// [`Analysis::relate_all`], conflicts only: what diagnostics need.
    pub fn relate_conflicts(&self) {
        self.index.relate_conflicts(&self.files);
    }

    /// Pairs of claims in conflict over the workspace, each pair once.
    pub fn conflict_pairs(&self) -> usize {
        self.relate_conflicts();
        self.index.subjects().map(|(_, l)| l.conflict_pairs(&self.files)).sum()
    }

    /// The claims on a subject with their relations, in workspace order.
    /// Whether the claims on a subject are related (their conflicts and
    /// revisions worked out), so that answers about them relate nothing.
    /// A subject without claims has nothing to relate.
    pub fn is_related(&self, subject: &str) -> bool {
        self.index.ledger(subject).is_none_or(|l| l.is_related() == (true, true))
    }

    pub(crate) fn ledger_entries(&self, subject: &str) -> Option<impl Iterator<Item = (ClaimId, Relations<'_>)>> {
        Some(self.index.ledger(subject)?.entries(&self.files))
    }

    /// The ledger of a subject, to go from claim to claim by their places.
    pub(crate) fn ledger_view(&self, subject: &str) -> Option<crate::index::LedgerView<'_>> {
        Some(crate::index::LedgerView { ledger: self.index.ledger(subject)?, files: &self.files })
    }

    /// A claim's summary, kept by its subject's ledger once written.
    pub(crate) fn kept_summary(&self, claim: ClaimId, write: impl FnOnce(Option<&str>) -> String) -> Option<&str> {
        let (_, c) = self.claim(claim);
        self.index.ledger(&c.subject.id)?.summary(&self.files, claim, write)
    }

    /// Every definition in one flat table, for searching through them all;
    /// built by the first search after a definition changed.
    pub fn definition_table(&self) -> &crate::lookup::DefinitionTable {
        self.index.table.get_or_build(|| crate::lookup::DefinitionTable::build(&self.index, &self.files))
    }

    /// [`Analysis::definition_table`], or, while another thread builds it,
    /// the table built before the latest change to a definition: for the
    /// searches that would rather answer from what was known than wait.
    pub fn definitions_known_now(&self) -> crate::lookup::KnownTable<'_> {
        match self.index.table.known_now() {
            Some(known) => known,
            None => crate::lookup::KnownTable::Current(self.definition_table()),
        }
    }

    /// The definition at a site of the index.
    pub fn definition_at(&self, site: Site) -> Option<&Definition> {
        crate::index::parts(self.file(site.file)?).0.get(site.index as usize)
    }

    /// Where an id resolves: its first definition.
    pub fn entity(&self, id: &str) -> Option<(FileId, &Definition)> {
        self.definitions(id).next()
    }

    /// Every use of an id, in file order.
    ///
    /// Taken a block of sites at a time, in passes: an entity's uses are
    /// in thousands of files, and each file's facts and the use in them
    /// are cache misses. A pass that only finds the files, then one that
    /// only reads their facts, lets the processor wait for a block's
    /// misses at once, not one after another.
    pub fn references<'a>(&'a self, id: &str) -> impl Iterator<Item = (FileId, &'a Reference)> + 'a {
        self.references_at(self.index.reference_sites(id))
    }

    /// The uses at these sites of the index, as [`Analysis::references`]
    /// reads them.
    pub(crate) fn references_at<'a>(&'a self, mut sites: impl Iterator<Item = Site> + 'a) -> impl Iterator<Item = (FileId, &'a Reference)> + 'a {
        const BLOCK: usize = 64;
        // An id's sites are in file order.
        let mut in_order = self.files_in_order();
        std::iter::from_fn(move || {
            let block: Vec<Site> = sites.by_ref().take(BLOCK).collect();
            if block.is_empty() {
                return None;
            }
            let files: Vec<&File> = block.iter().map(|s| in_order.get(s.file).unwrap()).collect();
            let uses: Vec<(FileId, &Reference)> = block.iter().zip(files).map(|(s, f)| (s.file, &crate::index::parts(f).1[s.index as usize])).collect();
            std::hint::black_box(uses.iter().fold(0u32, |sum, (_, r)| sum.wrapping_add(r.range.range().start as u32)));
            Some(uses)
        })
        .flatten()
    }

    /// A claim by where it is.
    pub fn claim(&self, claim: ClaimId) -> (FileId, &Claim) {
        (claim.file, &crate::index::parts(self.file(claim.file).unwrap()).2[claim.index as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::line_index::Encoding;

    #[test]
    fn a_cached_texts_line_index_is_built_when_asked_once_for_all_copies() {
        let text = "한국 [x]{@a}\r\nnext 😀 [y]{@b}";
        let cached = File::with_cached_text("a.txt", Text::from(text), Facts::of_document(text));
        let copy = cached.clone();
        let read = File::new("a.txt", text, Facts::of_document(text));
        for at in [0, text.find('[').unwrap(), text.find("[y]").unwrap(), text.len()] {
            assert_eq!(copy.line_index().line_col(at, Encoding::Utf16), read.line_index().line_col(at, Encoding::Utf16));
        }
        assert!(std::ptr::eq(cached.line_index(), copy.line_index()), "built once, shared by the copies");
    }

    /// Uses are taken a block at a time: none lost or repeated at a
    /// block's edge, in file order, each the one written.
    #[test]
    fn every_use_of_an_id_is_found_across_blocks_in_file_order() {
        let mut ws = Workspace::new();
        let mut expected = Vec::new();
        for n in 0..150 {
            // 0 to 2 uses a file, and another id between them.
            let text = format!("[x]{{@other}} {}", "[P]{@putin} [y]{@other} ".repeat(n % 3));
            let id = ws.set_file(File::new(&format!("docs/{n:03}.txt"), &text, Facts::of_document(&text)));
            let starts = text.match_indices("putin").map(|(at, _)| at);
            expected.extend(starts.map(|at| (id, at..at + "putin".len())));
        }
        let analysis = ws.snapshot();
        let found: Vec<_> = analysis.references("putin").map(|(f, r)| (f, r.range.range())).collect();
        assert_eq!(found.len(), 150, "more than two blocks");
        assert_eq!(found, expected);
        assert_eq!(analysis.references("absent").count(), 0);
    }

    /// Files looked up in order through the leaves are those looked up
    /// from the root: across leaves, empty slots, going back, past the end.
    #[test]
    fn files_in_order_are_the_files_by_id() {
        let files: Files = (0..300).map(|n| (n % 7 != 3).then(|| File::new(&format!("{n}.txt"), "", Facts::of_document("")))).collect();
        let path = |f: Option<&File>| f.map(|f| f.path.clone());
        let ids = (0..300).step_by(5).chain([0, 299, 64, 63, 64, 65, 128, 300, 301, 1_000, 2, 3]).chain(0..300);
        let mut in_order = FilesInOrder::new(&files);
        for id in ids {
            assert_eq!(path(in_order.get(FileId(id))), path(files.get(id as usize).and_then(Option::as_ref)), "{id}");
        }
    }
}
