//! Every definition of the workspace in one flat table, for the requests
//! that look through all of them (completion after `@`, workspace
//! symbols). Walking the index's maps costs a pointer chase per id: 100 ms
//! at 100,000 documents. The table is built once and kept until a
//! definition changes, which typing prose or mentions never does; a search
//! is then a scan of contiguous memory.

use std::sync::{Arc, OnceLock};

use crate::entity::{Definition, EntityKind};
use crate::index::{parts, Index, Site};
use crate::workspace::Files;

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
    pub id: Box<str>,
}

#[derive(Debug, Default)]
pub struct DefinitionTable {
    pub rows: Vec<Row>,
    /// `id\u{1}name\n` of every row, lowercased, one after another.
    haystack: String,
    /// Where each row's part of the haystack starts.
    starts: Vec<usize>,
}

/// A table shared by the index and its snapshots: built by whichever asks
/// first, dropped (a new empty cell) when a definition changes.
pub(crate) type SharedTable = Arc<OnceLock<Arc<DefinitionTable>>>;

impl DefinitionTable {
    pub(crate) fn build(index: &Index, files: &Files) -> DefinitionTable {
        let definition = |site: Site| -> Option<&Definition> { parts(files.get(site.file.0 as usize)?.as_ref()?).0.get(site.index as usize) };
        let mut table = DefinitionTable::default();
        for (id, sites) in index.definitions_by_id() {
            let uses = index.use_count(id).min(u32::MAX as usize) as u32;
            for (k, &site) in sites.iter().enumerate() {
                let Some(d) = definition(site) else { continue };
                table.starts.push(table.haystack.len());
                table.haystack.push_str(&d.id.to_lowercase());
                table.haystack.push('\u{1}');
                table.haystack.push_str(&d.display_name().to_lowercase());
                table.haystack.push('\n');
                table.rows.push(Row { site, kind: d.kind, resolves: k == 0, uses, id: id.as_str().into() });
            }
        }
        table
    }

    /// Row `row`'s id, lowercased (its part of the haystack, up to the name).
    pub fn lowercase_id(&self, row: usize) -> &str {
        let part = &self.haystack[self.starts[row]..];
        &part[..part.find('\u{1}').unwrap_or(part.len())]
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
