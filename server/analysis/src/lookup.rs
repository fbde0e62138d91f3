//! Every definition of the workspace in one flat table, for the requests
//! that look through all of them (completion after `@`, workspace
//! symbols). Walking the index's maps costs a pointer chase per id: 100 ms
//! at 100,000 documents. The table is built once and kept until a
//! definition changes, which typing prose or mentions never does; a search
//! is then a scan of contiguous memory.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::entity::EntityKind;
use crate::index::{parts, Index, Site};
use crate::workspace::{Files, FilesInOrder};
use crate::Id;

/// A row an id resolves to, in the order of use.
#[derive(Debug, Clone)]
pub struct ByUse {
    pub row: u32,
    pub kind: EntityKind,
    pub uses: u32,
    id_at: u32,
}

/// One definition.
#[derive(Debug, Clone)]
pub struct Row {
    pub site: Site,
    pub kind: EntityKind,
    /// Whether the id resolves to this definition (its first).
    pub resolves: bool,
    /// How often the id was used when the table was built: a ranking hint
    /// that may lag behind by the mentions typed since.
    pub uses: u32,
    pub id: Id,
}

#[derive(Debug, Default)]
pub struct DefinitionTable {
    pub rows: Vec<Row>,
    /// The rows an id resolves to, most used first (then by id): offers
    /// of ids are made in this order and stop once they have enough. What
    /// an offer looks at is kept here, in this order, so that a walk to
    /// the end reads memory in order.
    pub by_use: Vec<ByUse>,
    /// The lowercased ids of `by_use`, one after another.
    by_use_ids: String,
    /// How many ids resolve to a definition of each kind (by `kind as usize`).
    pub per_kind: [usize; 4],
    /// `id\u{1}name\n` of every row, lowercased, one after another.
    haystack: String,
    /// Where each row's part of the haystack starts.
    starts: Vec<usize>,
}

/// The table of one state of the definitions, shared by the index and its
/// snapshots: built by whichever search asks first. A change to a
/// definition starts a new cell ([`TableCell::after`]), which keeps the
/// last table built until its own is built: a search that comes while
/// another thread builds it may answer from that one rather than wait
/// (20 ms or so at 20,000 documents, as a new index is put in place).
#[derive(Debug, Default)]
pub(crate) struct TableCell {
    built: OnceLock<Arc<DefinitionTable>>,
    /// Whether some thread has started to build `built`.
    building: AtomicBool,
    /// The table of the definitions before the change, until this one is
    /// built (then dropped: its memory back).
    earlier: Mutex<Option<Arc<DefinitionTable>>>,
}

pub(crate) type SharedTable = Arc<TableCell>;

/// A table to search: the one of the definitions as they are, or an
/// earlier one ([`crate::Analysis::definitions_known_now`]).
#[derive(Debug)]
pub enum KnownTable<'a> {
    Current(&'a DefinitionTable),
    /// Built before the latest change to a definition: its rows' sites
    /// may point elsewhere now, its ids be gone, and new ids missing.
    Earlier(Arc<DefinitionTable>),
}

impl KnownTable<'_> {
    pub fn is_current(&self) -> bool {
        matches!(self, KnownTable::Current(_))
    }
}

impl std::ops::Deref for KnownTable<'_> {
    type Target = DefinitionTable;

    fn deref(&self) -> &DefinitionTable {
        match self {
            KnownTable::Current(table) => table,
            KnownTable::Earlier(table) => table,
        }
    }
}

impl TableCell {
    /// A cell for definitions that changed, keeping the last table built.
    pub(crate) fn after(&self) -> SharedTable {
        let earlier = self.built.get().cloned().or_else(|| self.earlier().clone());
        Arc::new(TableCell { earlier: Mutex::new(earlier), ..TableCell::default() })
    }

    pub(crate) fn get_or_build(&self, build: impl FnOnce() -> DefinitionTable) -> &DefinitionTable {
        if let Some(table) = self.built.get() {
            return table;
        }
        self.building.store(true, Ordering::Release);
        let table = self.built.get_or_init(|| Arc::new(build()));
        self.earlier().take();
        table
    }

    /// The table if built; the earlier one while another thread builds it;
    /// `None` when the caller should build it (nobody is, or there is no
    /// earlier table).
    pub(crate) fn known_now(&self) -> Option<KnownTable<'_>> {
        if let Some(table) = self.built.get() {
            return Some(KnownTable::Current(table));
        }
        if !self.building.load(Ordering::Acquire) {
            return None;
        }
        // Built meanwhile: the earlier table was just dropped.
        let earlier = self.earlier().clone();
        match self.built.get() {
            Some(table) => Some(KnownTable::Current(table)),
            None => earlier.map(KnownTable::Earlier),
        }
    }

    fn earlier(&self) -> std::sync::MutexGuard<'_, Option<Arc<DefinitionTable>>> {
        // Nothing is left half done under this lock: a panic elsewhere
        // leaves a value as good as any.
        self.earlier.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The table of definitions of an analysis, to be built on another
/// thread: from now on, searches that come before it is built answer from
/// the table built before the latest change rather than wait for it (see
/// [`KnownTable`]). Dropped unbuilt, searches build it again themselves.
#[derive(Debug)]
pub struct TableToBuild(crate::Analysis);

impl TableToBuild {
    pub fn new(analysis: crate::Analysis) -> TableToBuild {
        analysis.index().table.building.store(true, Ordering::Release);
        TableToBuild(analysis)
    }

    /// Whether completions would wait for this build: no table was built
    /// before the change, so there is none to answer from meanwhile.
    pub fn completions_wait(&self) -> bool {
        self.0.index().table.earlier().is_none()
    }

    /// Builds the table, unless a search has built it already.
    pub fn build(self) {
        self.0.definition_table();
    }
}

impl Drop for TableToBuild {
    fn drop(&mut self) {
        let cell = &self.0.index().table;
        if cell.built.get().is_none() {
            cell.building.store(false, Ordering::Release);
        }
    }
}

impl DefinitionTable {
    pub(crate) fn build(index: &Index, files: &Files) -> DefinitionTable {
        // Each definition with its id's uses, then read in file order: the
        // files are looked up leaf by leaf, not each from the root in the
        // order of the ids' map (at 20,000 documents, with a definition in
        // each, a build takes about a third less time). Lowercased in
        // place, ids kept interned: no string of their own for each row.
        let mut found: Vec<(Site, Id, u32, bool)> = Vec::new();
        for (id, sites) in index.definitions_by_id() {
            let uses = index.use_count(id).min(u32::MAX as usize) as u32;
            found.extend(sites.iter().enumerate().map(|(k, &site)| (site, *id, uses, k == 0)));
        }
        found.sort_unstable_by_key(|&(site, ..)| site);
        let mut in_order = FilesInOrder::new(files);
        let mut table = DefinitionTable::default();
        for (site, id, uses, resolves) in found {
            let Some(d) = in_order.get(site.file).and_then(|f| parts(f).0.get(site.index as usize)) else { continue };
            table.starts.push(table.haystack.len());
            push_lowercase(&mut table.haystack, &d.id);
            table.haystack.push('\u{1}');
            push_lowercase(&mut table.haystack, d.display_name());
            table.haystack.push('\n');
            table.rows.push(Row { site, kind: d.kind, resolves, uses, id });
        }
        let rows = &table.rows;
        let mut order: Vec<u32> = (0..rows.len() as u32).filter(|&i| rows[i as usize].resolves).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (&rows[a as usize], &rows[b as usize]);
            b.uses.cmp(&a.uses).then_with(|| a.id.cmp(&b.id))
        });
        let (mut by_use, mut by_use_ids) = (Vec::with_capacity(order.len()), String::new());
        for i in order {
            let row = &rows[i as usize];
            table.per_kind[row.kind as usize] += 1;
            by_use.push(ByUse { row: i, kind: row.kind, uses: row.uses, id_at: by_use_ids.len() as u32 });
            push_lowercase(&mut by_use_ids, &row.id);
        }
        (table.by_use, table.by_use_ids) = (by_use, by_use_ids);
        table
    }

    /// The lowercased id of `by_use[k]`.
    pub fn lowercase_id_by_use(&self, k: usize) -> &str {
        let end = self.by_use.get(k + 1).map_or(self.by_use_ids.len(), |next| next.id_at as usize);
        &self.by_use_ids[self.by_use[k].id_at as usize..end]
    }

    /// The rows whose id or name contains `query` (lowercase already), in
    /// table order; every row for an empty query.
    pub fn matching<'a>(&'a self, query: &'a str) -> Box<dyn Iterator<Item = &'a Row> + 'a> {
        if query.is_empty() {
            return Box::new(self.rows.iter());
        }
        // No id or name holds a line end, so no match may cross a row.
        if query.contains(['\u{1}', '\n']) {
            return Box::new(std::iter::empty());
        }
        let mut last = None;
        Box::new(self.haystack.match_indices(query).filter_map(move |(at, _)| {
            let row = self.starts.partition_point(|&s| s <= at) - 1;
            // A row once, however many times it matches.
            (last.replace(row) != Some(row)).then(|| &self.rows[row])
        }))
    }
}

/// `text` lowercased, at the end of `out`: as `str::to_lowercase` gives it,
/// without a string of its own when it is ASCII (as ids and most names are).
fn push_lowercase(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&text.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table_of(ids: &[&str]) -> DefinitionTable {
        let rows = ids
            .iter()
            .map(|id| Row { site: Site { file: crate::FileId(0), index: 0 }, kind: EntityKind::Actor, resolves: true, uses: 0, id: Id::new(id) })
            .collect();
        DefinitionTable { rows, ..DefinitionTable::default() }
    }

    fn ids(known: Option<KnownTable>) -> Option<(bool, Vec<String>)> {
        known.map(|t| (t.is_current(), t.rows.iter().map(|r| r.id.to_string()).collect()))
    }

    #[test]
    fn a_new_cell_offers_the_last_table_built_only_while_its_own_is_built() {
        let first = TableCell::default();
        assert!(first.known_now().is_none(), "nothing built: the caller builds");
        first.get_or_build(|| table_of(&["a"]));
        assert_eq!(ids(first.known_now()), Some((true, vec!["a".into()])));
        // Two changes in a row, the second before anything was built: the
        // earlier table is still the first's.
        let second = first.after();
        assert!(second.known_now().is_none(), "nobody building: the caller builds");
        let third = second.after();
        third.building.store(true, Ordering::Release); // as another thread would
        assert_eq!(ids(third.known_now()), Some((false, vec!["a".into()])));
        third.get_or_build(|| table_of(&["b"]));
        assert_eq!(ids(third.known_now()), Some((true, vec!["b".into()])));
        assert!(third.earlier().is_none(), "the earlier table is dropped once this one is built");
        // No table ever built: nothing earlier to offer, even while building.
        let fresh = TableCell::default().after();
        fresh.building.store(true, Ordering::Release);
        assert!(fresh.known_now().is_none());
    }

    #[test]
    fn lowercased_as_the_library_lowercases() {
        for text in ["", "putin", "UA-Intel", "Kim Jong Un", "ÉLYSÉE", "Σ-ΣΑΣ", "Шойгу", "북한", "İstanbul", "x😀Y"] {
            let mut out = String::from("before|");
            push_lowercase(&mut out, text);
            assert_eq!(out, format!("before|{}", text.to_lowercase()));
        }
    }
}
