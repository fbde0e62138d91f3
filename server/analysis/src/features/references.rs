//! References of an entity or subject, and highlights in one document.

use std::ops::Range;

use super::cursor::{target_at, Target};
use super::goto::location;
use super::Location;
use crate::{Analysis, FileId};

/// Every use of the id under the cursor (for a claim: of its subject),
/// with its definitions when `include_declaration`.
pub fn references(analysis: &Analysis, file: FileId, offset: usize, include_declaration: bool) -> Vec<Location> {
    let Some(id) = id_at(analysis, file, offset) else { return Vec::new() };
    let mut out = uses(analysis, &id);
    if include_declaration {
        out.extend(analysis.definitions(&id).map(|(f, d)| location(f, d)));
    }
    out.sort_by_key(|l| (l.file, l.range.start, l.range.end));
    out.dedup();
    out
}

/// Every use of an id, in file order.
pub(crate) fn uses(analysis: &Analysis, id: &str) -> Vec<Location> {
    analysis.references(id).map(|(f, r)| Location { file: f, range: r.range.range(), full_range: r.span().unwrap_or(r.range.range()) }).collect()
}

/// Uses of the id under the cursor in the same file; `true` for
/// definitions.
pub fn highlights(analysis: &Analysis, file: FileId, offset: usize) -> Vec<(Range<usize>, bool)> {
    let Some(id) = id_at(analysis, file, offset) else { return Vec::new() };
    let mut out: Vec<(Range<usize>, bool)> = analysis
        .references(&id)
        .filter(|(f, _)| *f == file)
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
