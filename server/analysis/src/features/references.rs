//! References of an entity or subject, and highlights in one document.

use std::ops::Range;

use super::cursor::{target_at, Target};
use super::goto::location;
use super::Location;
use crate::entity::Reference;
use crate::index::Site;
use crate::{Analysis, FileId};

/// Every use of the id under the cursor (for a claim: of its subject),
/// with its definitions when `include_declaration`; in workspace order.
pub fn references(analysis: &Analysis, file: FileId, offset: usize, include_declaration: bool) -> Vec<Location> {
    found(analysis, file, offset, include_declaration).locations(analysis)
}

/// [`references`], found in the index but not yet read from the files.
pub fn found(analysis: &Analysis, file: FileId, offset: usize, include_declaration: bool) -> Found {
    let Some(id) = id_at(analysis, file, offset) else { return Found::default() };
    let mut definitions: Vec<Location> = match include_declaration {
        true => analysis.definitions(&id).map(|(f, d)| location(f, d)).collect(),
        false => Vec::new(),
    };
    definitions.sort_by_key(|l| l.file);
    let uses: Vec<Site> = analysis.index().reference_sites(&id).collect();
    debug_assert!(uses.is_sorted(), "the index keeps sites in order");
    Found { uses, definitions }
}

/// The references of an id as found in the index: where its uses are, not
/// yet read from their files. An entity named in thousands of documents
/// has its uses in thousands of files, each a few cache misses to read, so
/// such an answer can be read in parts side by side ([`Found::parts`]).
#[derive(Debug, Default)]
pub struct Found {
    /// In workspace order, as the index keeps them.
    uses: Vec<Site>,
    /// Already read (an id has one or two), by file.
    definitions: Vec<Location>,
}

impl Found {
    /// How many places were found (the same place may be both a use and
    /// the definition, and is then listed once).
    pub fn len(&self) -> usize {
        self.uses.len() + self.definitions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The locations, in workspace order, as [`references`] lists them.
    pub fn locations(&self, analysis: &Analysis) -> Vec<Location> {
        self.whole().locations(analysis)
    }

    /// All of it as one part.
    pub fn whole(&self) -> Part<'_> {
        Part { uses: &self.uses, definitions: &self.definitions }
    }

    /// At most `n` parts of about the same size, each of whole files, in
    /// order: the locations of one part all come before the next's, so
    /// that the parts' [`Part::locations`] one after the other are
    /// [`Found::locations`].
    pub fn parts(&self, n: usize) -> Vec<Part<'_>> {
        let size = self.uses.len().div_ceil(n.max(1)).max(1);
        let mut parts = Vec::with_capacity(n);
        let (mut uses, mut definitions) = (&self.uses[..], &self.definitions[..]);
        while !uses.is_empty() {
            // Cut after `size` uses, then on to the end of that file.
            let mut cut = size.min(uses.len());
            while cut < uses.len() && uses[cut].file == uses[cut - 1].file {
                cut += 1;
            }
            let last = parts.len() + 1 == n || cut == uses.len();
            let (these, rest) = uses.split_at(if last { uses.len() } else { cut });
            // The definitions in files before the next part's first.
            let until = rest.first().map_or(definitions.len(), |next| definitions.partition_point(|d| d.file < next.file));
            let (mine, later) = definitions.split_at(until);
            parts.push(Part { uses: these, definitions: mine });
            (uses, definitions) = (rest, later);
        }
        if !definitions.is_empty() || parts.is_empty() {
            parts.push(Part { uses: &[], definitions });
        }
        parts
    }
}

/// Some of what [`Found`] found: see [`Found::parts`].
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    uses: &'a [Site],
    definitions: &'a [Location],
}

impl Part<'_> {
    pub fn len(&self) -> usize {
        self.uses.len() + self.definitions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// This part's locations, by file and place, each once.
    pub fn locations(&self, analysis: &Analysis) -> Vec<Location> {
        let mut out: Vec<Location> = analysis.references_at(self.uses.iter().copied()).map(use_location).chain(self.definitions.iter().cloned()).collect();
        out.sort_by_key(|l| (l.file, l.range.start, l.range.end));
        out.dedup();
        out
    }
}

/// Every use of an id, in file order.
pub(crate) fn uses(analysis: &Analysis, id: &str) -> Vec<Location> {
    analysis.references(id).map(use_location).collect()
}

fn use_location((file, r): (FileId, &Reference)) -> Location {
    Location { file, range: r.range.range(), full_range: r.full_range() }
}

/// Uses of the id under the cursor in the same file; `true` for
/// definitions.
pub fn highlights(analysis: &Analysis, file: FileId, offset: usize) -> Vec<(Range<usize>, bool)> {
    let Some(id) = id_at(analysis, file, offset) else { return Vec::new() };
    // The sites in this file first: a source cited 5,000 times has its
    // uses in 5,000 files, each a few cache misses to read.
    let here = analysis.index().reference_sites(&id).filter(|s| s.file == file);
    let mut out: Vec<(Range<usize>, bool)> = analysis
        .references_at(here)
        .map(|(_, r)| (r.range.range(), false))
        .chain(analysis.definitions(&id).filter(|(f, _)| *f == file).map(|(_, d)| (d.id_range.range(), true)))
        .collect();
    out.sort_by_key(|(r, _)| r.start);
    out
}

fn id_at(analysis: &Analysis, file: FileId, offset: usize) -> Option<String> {
    match target_at(analysis, file, offset)? {
        Target::Claim(no) => Some(analysis.claim(no).1.subject.id.to_string()),
        t => t.id().map(str::to_string),
    }
}
