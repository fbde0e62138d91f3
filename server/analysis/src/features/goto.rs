//! Go to definition (an entity's definition; a claim's sources; from a
//! definition, its mentions) and to a claim's subject.

use super::cursor::{target_at, Target};
use super::Location;
use crate::entity::{Definition, DefinitionSite, EntityKind, ReferenceRole};
use crate::{Analysis, FileId};

pub fn definition(analysis: &Analysis, file: FileId, offset: usize) -> Vec<Location> {
    match target_at(analysis, file, offset) {
        Some(Target::Reference(r)) => entity_location(analysis, &r.id).into_iter().collect(),
        Some(Target::Claim(no)) => {
            let (_, c) = analysis.claim(no);
            c.named().filter_map(|s| entity_location(analysis, &s.id)).collect()
        }
        Some(Target::Definition(d)) => super::references::uses(analysis, &d.id),
        None => Vec::new(),
    }
}

/// Go to type definition / declaration: the subject of the claim.
pub fn subject(analysis: &Analysis, file: FileId, offset: usize) -> Vec<Location> {
    let id = match target_at(analysis, file, offset) {
        Some(Target::Claim(no)) => analysis.claim(no).1.subject.id,
        Some(Target::Reference(r)) if r.role == ReferenceRole::Subject => r.id,
        _ => return Vec::new(),
    };
    analysis.definitions(&id).filter(|(_, d)| d.kind == EntityKind::Subject).map(|(f, d)| location(f, d)).take(1).collect()
}

/// Where an id is defined: its `#id` span or header, else its registry
/// table.
pub(crate) fn entity_location(analysis: &Analysis, id: &str) -> Option<Location> {
    let defs: Vec<_> = analysis.definitions(id).collect();
    defs.iter().find(|(_, d)| d.site != DefinitionSite::Registry).or(defs.first()).map(|(f, d)| location(*f, d))
}

pub(crate) fn location(file: FileId, d: &Definition) -> Location {
    Location { file, range: d.id_range.range(), full_range: d.range.range() }
}
