//! What is under the cursor: an id as written, a definition, a claim.

use std::ops::Range;

use crate::byte_range::ByteRange;
use crate::claim::Claim;
use crate::entity::{Definition, DefinitionSite, Reference, ReferenceRole};
use crate::index::ClaimId;
use crate::{Analysis, FileId};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Target<'a> {
    /// An id where it is used: `@putin`, `src=@x`, `claim=subject`,
    /// `"@russia"` in the registry, or the text of a span that mentions it.
    Reference(&'a Reference),
    /// An id where it is defined: `#id`, a registry table, a header.
    Definition(&'a Definition),
    /// A claim span, away from its ids.
    Claim(ClaimId),
}

impl<'a> Target<'a> {
    /// The entity or subject id the target is about, if any.
    pub fn id(&self) -> Option<&'a str> {
        match self {
            Target::Reference(r) => Some(&r.id),
            Target::Definition(d) => Some(&d.id),
            Target::Claim(_) => None,
        }
    }

    /// The range a request about the target reports (the id, or the claim
    /// text).
    pub fn range(&self, analysis: &Analysis) -> Range<usize> {
        match self {
            Target::Reference(r) => r.range.range(),
            Target::Definition(d) => d.id_range.range(),
            Target::Claim(no) => analysis.claim(*no).1.text_range.range(),
        }
    }
}

/// The target at `offset` (a position touching the end of an id counts).
pub fn target_at(analysis: &Analysis, file: FileId, offset: usize) -> Option<Target<'_>> {
    let f = analysis.file(file)?;
    let (definitions, references, claims): (&[Definition], &[Reference], &[Claim]) = match (f.document(), f.registry()) {
        (Some(d), _) => (&d.definitions, &d.references, &d.claims),
        (_, Some(r)) => (&r.definitions, &r.references, &[]),
        _ => return None,
    };
    let touches = |r: ByteRange| r.start() <= offset && offset <= r.end();
    if let Some(r) = references.iter().find(|r| touches(r.range)) {
        return Some(Target::Reference(r));
    }
    if let Some(d) = definitions.iter().find(|d| touches(d.id_range)) {
        return Some(Target::Definition(d));
    }
    // Inside a span or a registry table: the innermost construct.
    let inside = |r: &Range<usize>| r.start <= offset && offset < r.end;
    let claims = claims.iter().enumerate().map(|(i, c)| (c.range.range(), Target::Claim(ClaimId { file, index: i as u32 })));
    let mentions = references.iter().filter(|r| r.role == ReferenceRole::Mention).filter_map(|r| Some((r.span()?, Target::Reference(r))));
    let defined = definitions.iter().filter(|d| d.site != DefinitionSite::Header).map(|d| (d.range.range(), Target::Definition(d)));
    claims.chain(mentions).chain(defined).filter(|(range, _)| inside(range)).min_by_key(|(range, _)| range.end - range.start).map(|(_, t)| t)
}
