//! A subject's ledger: its claims, and how they relate once worked out.
//!
//! The relations of a busy subject are millions of places (each claim
//! conflicts with hundreds of others), so a related ledger holds them flat:
//! one run of bytes for all its claims' lists, each list's places in
//! increasing order written as the distance from the one before, 7 bits a
//! byte (a claim's conflicts lie a few dozen places apart: a byte each,
//! where a plain place took 2 or 4), and per claim only where its lists
//! start and its units, as numbers into a table of the ledger's few units.
//! [`Relations`] is a view into that, made when asked for.

use std::sync::OnceLock;

use super::{parts, ClaimId, Site};
use crate::claim::Claim;
use crate::config::ClaimSettings;
use crate::conflict::{relate_conflicts_kept, relate_only, SubjectRelations, Wanted};
use crate::workspace::{Files, FilesInOrder};

/// How one claim stands among the others on its subject: a view into its
/// subject's ledger.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Relations<'a> {
    /// `unit=`, a currency from its text, else the subject's unit.
    pub unit: Option<&'a str>,
    /// The unit it was expected in, when its own differs.
    pub unit_mismatch: Option<&'a str>,
    pub conflicts: ClaimList<'a>,
    /// Newer claims by the same sources that revise it.
    pub revised_by: ClaimList<'a>,
    /// Older claims it revises: the other way round, so a hover lists them
    /// without a walk over the subject.
    pub revises: ClaimList<'a>,
}

/// Claims on one subject, in workspace order, held as their places in the
/// subject's ledger (see the module's comment for how they are written).
#[derive(Clone, Copy, Default)]
pub struct ClaimList<'a> {
    ledger: &'a [ClaimId],
    bytes: &'a [u8],
}

impl<'a> ClaimList<'a> {
    /// Every place ends with a byte below 128.
    pub fn len(&self) -> usize {
        self.bytes.iter().filter(|&&b| b < 0x80).count()
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn iter(&self) -> ClaimIter<'a> {
        ClaimIter { ledger: self.ledger, bytes: self.bytes, place: 0 }
    }

    /// The claims' places in their ledger.
    pub(crate) fn places(&self) -> impl Iterator<Item = usize> + 'a {
        let mut places = self.iter();
        std::iter::from_fn(move || places.next_place())
    }

    pub fn contains(&self, claim: &ClaimId) -> bool {
        let Ok(place) = self.ledger.binary_search(claim) else { return false };
        let mut places = self.iter();
        std::iter::from_fn(|| places.next_place()).take_while(|&p| p <= place).any(|p| p == place)
    }
}

impl PartialEq for ClaimList<'_> {
    fn eq(&self, other: &ClaimList) -> bool {
        self.iter().eq(other.iter())
    }
}

impl std::fmt::Debug for ClaimList<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &ClaimList<'a> {
    type Item = &'a ClaimId;
    type IntoIter = ClaimIter<'a>;
    fn into_iter(self) -> ClaimIter<'a> {
        self.iter()
    }
}

pub struct ClaimIter<'a> {
    ledger: &'a [ClaimId],
    bytes: &'a [u8],
    /// The last place read (0 before the first: it is written as its
    /// distance from 0).
    place: usize,
}

impl ClaimIter<'_> {
    fn next_place(&mut self) -> Option<usize> {
        let mut distance = 0usize;
        for shift in (0..usize::BITS).step_by(7) {
            let (&b, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            distance |= usize::from(b & 0x7f) << shift;
            if b < 0x80 {
                break;
            }
        }
        self.place += distance;
        Some(self.place)
    }
}

impl<'a> Iterator for ClaimIter<'a> {
    type Item = &'a ClaimId;
    fn next(&mut self) -> Option<&'a ClaimId> {
        let place = self.next_place()?;
        self.ledger.get(place)
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = ClaimList { ledger: self.ledger, bytes: self.bytes }.len();
        (n, Some(n))
    }
}

impl ExactSizeIterator for ClaimIter<'_> {}

/// Writes increasing places as distances, 7 bits a byte, low bits first.
fn write_places(places: &[u32], out: &mut Vec<u8>) {
    let mut last = 0;
    for &p in places {
        debug_assert!(p >= last, "places are in increasing order");
        let mut distance = p - last;
        while distance >= 0x80 {
            out.push((distance & 0x7f) as u8 | 0x80);
            distance >>= 7;
        }
        out.push(distance as u8);
        last = p;
    }
}

/// Every claim on one subject, in workspace order. How they relate is
/// worked out when first asked for, not when the index is built: a
/// workspace is indexed (every definition, reference and claim known)
/// without relating its claims, and a request about one subject relates
/// that subject only. A ledger is made anew when one of its claims, its
/// subject's unit or the claim settings change.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    pub claims: Vec<ClaimId>,
    /// What relating reads besides the claims, as it was when the ledger
    /// was made.
    pub(super) unit: Option<String>,
    pub(super) settings: ClaimSettings,
    /// How many of each claim's conflicts are kept (the first, in
    /// workspace order; the others counted): all when `None`. See
    /// [`crate::Workspace::for_diagnostics`].
    pub(super) conflicts_kept: Option<usize>,
    /// Conflicts and units, worked out on first use.
    pub(super) settled: OnceLock<Settled>,
    /// Revisions, worked out on first use (a report of conflicts does not
    /// ask for them, as many again): the claims that revise each claim,
    /// and those it revises.
    pub(super) revisions: OnceLock<Lists<2>>,
}

/// Lists of places, `N` per claim, written flat (see the module's
/// comment).
#[derive(Debug, Clone, Default)]
pub(super) struct Lists<const N: usize> {
    /// Where each claim's lists start in `places`, list by list, claim by
    /// claim; then where the last ends.
    starts: Box<[u32]>,
    places: Box<[u8]>,
}

/// A ledger's lists fit 4-byte offsets: 4 billion places would be tens of
/// GB of relating first.
fn offset(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 4 billion bytes of places in a ledger")
}

impl<const N: usize> Lists<N> {
    /// `lists[k]`: claim `k`'s lists, places in the ledger's claims.
    fn new(lists: &[[&[u32]; N]]) -> Lists<N> {
        let mut starts = Vec::with_capacity(lists.len() * N + 1);
        let mut places = Vec::new();
        for list in lists.iter().flatten() {
            starts.push(offset(places.len()));
            write_places(list, &mut places);
        }
        starts.push(offset(places.len()));
        Lists { starts: starts.into(), places: places.into() }
    }

    /// The `i`-th list of the `k`-th claim of `claims`, the ledger's.
    fn list<'a>(&'a self, claims: &'a [ClaimId], k: usize, i: usize) -> Option<ClaimList<'a>> {
        let (start, end) = (*self.starts.get(k * N + i)? as usize, *self.starts.get(k * N + i + 1)? as usize);
        Some(ClaimList { ledger: claims, bytes: self.places.get(start..end)? })
    }
}

/// How a claim stands against the others on its subject, revisions aside:
/// all its diagnostics need.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Standing<'a> {
    pub(crate) unit: Option<&'a str>,
    pub(crate) unit_mismatch: Option<&'a str>,
    /// The claims it conflicts with, or the first of them where the
    /// ledger keeps only a few.
    pub(crate) conflicts: ClaimList<'a>,
    /// How many claims it conflicts with, where the ledger keeps only a
    /// few.
    counted: Option<usize>,
}

impl Standing<'_> {
    /// How many claims it conflicts with.
    pub(crate) fn conflict_count(&self) -> usize {
        self.counted.unwrap_or_else(|| self.conflicts.len())
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct Settled {
    conflicts: Lists<1>,
    /// Each claim's unit and the unit it was expected in: 0 for none, else
    /// one more than its place in `unit_names`.
    units: Box<[[u32; 2]]>,
    unit_names: Box<[Box<str>]>,
    /// Each claim in a few words, worked out when first asked for: a
    /// claim is named in the diagnostics of every claim it conflicts with.
    summaries: Box<[OnceLock<Box<str>>]>,
    /// How many claims each claim conflicts with, where `conflicts` holds
    /// only the first few of each.
    conflict_counts: Option<Box<[u32]>>,
    /// Pairs of claims in conflict, each pair once.
    conflict_pairs: usize,
}

impl Settled {
    /// `counts`: how many conflicts each claim has, where the relations
    /// list only the first few.
    fn new(rel: &SubjectRelations, counts: Option<Vec<u32>>) -> Settled {
        let n = rel.units.len();
        let conflicts: Vec<[&[u32]; 1]> = (0..n).map(|k| [rel.conflicts.get(k)]).collect();
        let mut unit_names: Vec<Box<str>> = Vec::new();
        let mut number = |u: Option<&str>| match u {
            None => 0,
            Some(u) => {
                let at = unit_names.iter().position(|n| **n == *u).unwrap_or_else(|| {
                    unit_names.push(u.into());
                    unit_names.len() - 1
                });
                offset(at + 1)
            }
        };
        let units = rel.units.iter().zip(&rel.unit_mismatch).map(|(unit, expected)| [number(*unit), number(*expected)]).collect();
        Settled {
            conflicts: Lists::new(&conflicts),
            units,
            unit_names: unit_names.into(),
            summaries: (0..n).map(|_| OnceLock::new()).collect(),
            // Each pair is counted from both its claims.
            conflict_pairs: counts.as_ref().map_or_else(|| rel.conflicts.pairs(), |c| c.iter().map(|&n| n as usize).sum::<usize>() / 2),
            conflict_counts: counts.map(Vec::into_boxed_slice),
        }
    }

    /// How the `k`-th claim of `claims`, the ledger's, stands.
    fn standing<'a>(&'a self, claims: &'a [ClaimId], k: usize) -> Option<Standing<'a>> {
        let unit = |n: u32| n.checked_sub(1).and_then(|i| self.unit_names.get(i as usize)).map(|u| &**u);
        let [unit_at, expected_at] = *self.units.get(k)?;
        let counted = match &self.conflict_counts {
            Some(counts) => Some(*counts.get(k)? as usize),
            None => None,
        };
        Some(Standing { unit: unit(unit_at), unit_mismatch: unit(expected_at), conflicts: self.conflicts.list(claims, k, 0)?, counted })
    }
}

fn revision_lists(rel: &SubjectRelations) -> Lists<2> {
    let lists: Vec<[&[u32]; 2]> = (0..rel.units.len()).map(|k| [rel.revised_by.get(k), rel.revises.get(k)]).collect();
    Lists::new(&lists)
}

impl Ledger {
    pub(super) fn new(claims: Vec<ClaimId>, unit: Option<String>, settings: ClaimSettings, conflicts_kept: Option<usize>) -> Ledger {
        Ledger { claims, unit, settings, conflicts_kept, ..Ledger::default() }
    }

    /// Relates its claims: those relations wanted. Any files will do that
    /// hold the claims as they read when the ledger was made (a
    /// snapshot's, or a later one's: an edit that changes how a claim
    /// reads makes a new ledger).
    fn relate<'a>(&'a self, files: &'a Files, wanted: Wanted) -> Option<SubjectRelations<'a>> {
        self.group(files).map(|group| relate_only(&group, self.unit.as_deref(), self.settings, wanted))
    }

    /// Its claims, as `files` hold them.
    fn group<'a>(&self, files: &'a Files) -> Option<Vec<&'a Claim>> {
        // The claims are in workspace order: their files are looked up in order.
        let mut in_order = FilesInOrder::new(files);
        let mut claim = |site: Site| -> Option<&Claim> { parts(in_order.get(site.file)?).2.get(site.index as usize) };
        let group: Vec<&Claim> = self.claims.iter().filter_map(|&s| claim(s)).collect();
        // Always so: every site in a ledger is a claim of a file.
        (group.len() == self.claims.len()).then_some(group)
    }

    /// Conflicts and units, worked out on first use.
    pub(super) fn settled(&self, files: &Files) -> &Settled {
        self.settled.get_or_init(|| {
            let settled = match self.conflicts_kept {
                None => self.relate(files, Wanted::Conflicts).map(|rel| Settled::new(&rel, None)),
                Some(kept) => self.group(files).map(|group| {
                    let (rel, counts) = relate_conflicts_kept(&group, self.unit.as_deref(), self.settings, kept);
                    Settled::new(&rel, Some(counts))
                }),
            };
            settled.unwrap_or_default()
        })
    }

    /// Revisions, worked out on first use.
    fn revisions(&self, files: &Files) -> &Lists<2> {
        self.revisions.get_or_init(|| self.relate(files, Wanted::Revisions).map(|rel| revision_lists(&rel)).unwrap_or_default())
    }

    /// Conflicts and revisions both, in one pass over the claims when
    /// neither is known yet.
    pub(super) fn settle_all(&self, files: &Files) {
        if self.settled.get().is_none() && self.revisions.get().is_none() && self.conflicts_kept.is_none() {
            if let Some(rel) = self.relate(files, Wanted::Both) {
                // Another thread may have been first: the same relations.
                let _ = self.settled.set(Settled::new(&rel, None));
                let _ = self.revisions.set(revision_lists(&rel));
            }
        }
        self.settled(files);
        self.revisions(files);
    }

    /// Whether its claims' conflicts have been worked out yet, and their
    /// revisions.
    pub fn is_related(&self) -> (bool, bool) {
        (self.settled.get().is_some(), self.revisions.get().is_some())
    }

    pub(crate) fn relations(&self, files: &Files, claim: ClaimId) -> Option<Relations<'_>> {
        let at = self.claims.binary_search(&claim).ok()?;
        self.relations_at(files, at)
    }

    fn relations_at(&self, files: &Files, at: usize) -> Option<Relations<'_>> {
        let standing = self.settled(files).standing(&self.claims, at)?;
        let revisions = self.revisions(files);
        Some(Relations {
            unit: standing.unit,
            unit_mismatch: standing.unit_mismatch,
            conflicts: standing.conflicts,
            revised_by: revisions.list(&self.claims, at, 0)?,
            revises: revisions.list(&self.claims, at, 1)?,
        })
    }

    /// Every claim on the subject with its relations, in workspace order.
    pub(crate) fn entries<'a>(&'a self, files: &'a Files) -> impl Iterator<Item = (ClaimId, Relations<'a>)> + 'a {
        self.claims.iter().enumerate().filter_map(move |(k, &c)| Some((c, self.relations_at(files, k)?)))
    }

    /// Pairs of its claims in conflict, each pair once.
    pub(crate) fn conflict_pairs(&self, files: &Files) -> usize {
        self.settled(files).conflict_pairs
    }

    pub(crate) fn summary(&self, files: &Files, claim: ClaimId, write: impl FnOnce(Option<&str>) -> String) -> Option<&str> {
        let at = self.claims.binary_search(&claim).ok()?;
        self.summary_at(files, at, |_, unit| write(unit))
    }

    /// [`Ledger::summary`] of the claim at a place in the ledger (as a
    /// [`ClaimList`]'s places give them, without looking the claim up);
    /// `write` is given the claim and its unit.
    pub(crate) fn summary_at(&self, files: &Files, at: usize, write: impl FnOnce(ClaimId, Option<&str>) -> String) -> Option<&str> {
        let settled = self.settled(files);
        let kept = settled.summaries.get(at)?;
        if let Some(summary) = kept.get() {
            return Some(summary);
        }
        let standing = settled.standing(&self.claims, at)?;
        // Copied to a box of its size: shrinking the string in place
        // (reallocating it) cost five times as much.
        Some(kept.get_or_init(|| Box::from(write(self.claims[at], standing.unit).as_str())))
    }
}

/// A subject's ledger as a snapshot sees it: claims found by their places
/// in it, for work that goes from one claim to those it relates to.
#[derive(Clone, Copy)]
pub(crate) struct LedgerView<'a> {
    pub(crate) ledger: &'a Ledger,
    pub(crate) files: &'a Files,
}

impl<'a> LedgerView<'a> {
    pub(crate) fn place(&self, claim: ClaimId) -> Option<usize> {
        self.ledger.claims.binary_search(&claim).ok()
    }

    /// How the claim at a place stands (its revisions are not worked out).
    pub(crate) fn standing(&self, at: usize) -> Option<Standing<'a>> {
        self.ledger.settled(self.files).standing(&self.ledger.claims, at)
    }

    pub(crate) fn summary(&self, at: usize, write: impl FnOnce(ClaimId, Option<&str>) -> String) -> Option<&'a str> {
        self.ledger.summary_at(self.files, at, write)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::FileId;
    use proptest::prelude::*;

    proptest! {
        /// Lists read back as written, whatever the distances (one byte
        /// and several), and `contains` agrees with them.
        #[test]
        fn lists_read_back_as_written(
            ledger_len in 1usize..70_000,
            picks in proptest::collection::vec(any::<prop::sample::Index>(), 0..60),
        ) {
            let ledger: Vec<ClaimId> = (0..ledger_len as u32).map(|i| Site { file: FileId(i / 7), index: i % 7 }).collect();
            let mut places: Vec<u32> = picks.iter().map(|p| p.index(ledger_len) as u32).collect();
            places.sort_unstable();
            places.dedup();
            let lists: Vec<[&[u32]; 3]> = vec![[&places, &[], &places[..places.len() / 2]]; 2];
            let flat = Lists::new(&lists);
            let list = |i| flat.list(&ledger, 1, i).unwrap();
            let read: Vec<ClaimId> = list(0).iter().copied().collect();
            let want: Vec<ClaimId> = places.iter().map(|&p| ledger[p as usize]).collect();
            prop_assert_eq!(&read, &want);
            prop_assert_eq!(list(0).len(), places.len());
            prop_assert!(list(1).is_empty());
            prop_assert_eq!(list(2).len(), places.len() / 2);
            for claim in ledger.iter().step_by(97).chain(&want) {
                prop_assert_eq!(list(0).contains(claim), want.contains(claim));
            }
        }
    }
}
