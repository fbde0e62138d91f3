//! Which claims on one subject conflict, which revise each other, and
//! which state their figure in another unit (spec section 4.2).

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use bounds::{ordered, Bounds};

use crate::claim::Claim;
use crate::config::ClaimSettings;
use crate::date::Period;
use crate::figure::Interval;

mod bounds;

/// How the claims of one subject relate; every list indexes the claims
/// given to [`relate`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubjectRelations<'a> {
    /// Each claim's unit: `unit=`, a currency from its text, else the
    /// subject's unit.
    pub units: Vec<Option<&'a str>>,
    /// The unit a claim was expected in, when its own differs.
    pub unit_mismatch: Vec<Option<&'a str>>,
    /// The claims each claim conflicts with (4-byte places: a busy
    /// subject's claims conflict by the million).
    pub conflicts: ClaimLists,
    /// Newer claims by the same sources that revise each claim.
    pub revised_by: ClaimLists,
    /// Older claims by the same sources that each claim revises.
    pub revises: ClaimLists,
}

/// A list of claims per claim, held flat: claim `k`'s list is
/// `places[starts[k]..starts[k + 1]]`, in increasing order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimLists {
    starts: Vec<u32>,
    places: Vec<u32>,
}

impl ClaimLists {
    /// Claim `k`'s list (empty past the last claim).
    pub fn get(&self, k: usize) -> &[u32] {
        match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&start), Some(&end)) => &self.places[start as usize..end as usize],
            _ => &[],
        }
    }

    /// The lists of `n` claims from arrows `(from, to)`: `to` is on
    /// `from`'s list.
    ///
    /// Pushing each place onto a growing list of its own, then sorting
    /// every list, was most of relating: each push missed the cache. Here
    /// the places are counted, then put in their lists twice: first each
    /// `from` on its `to`'s list, in any order; then, reading those lists in
    /// order of `to`, each `to` on its `from`'s list, so that every list
    /// comes out in increasing order without a sort.
    fn of_arrows(n: usize, arrows: impl Iterator<Item = (u32, u32)> + Clone) -> ClaimLists {
        let to_starts = starts_of(n, arrows.clone().map(|(_, to)| to));
        let starts = starts_of(n, arrows.clone().map(|(from, _)| from));
        ClaimLists::laid_out(n, arrows, &to_starts, starts)
    }

    /// Each pair on both of its claims' lists.
    fn of_pairs(n: usize, pairs: &[(u32, u32)]) -> ClaimLists {
        let starts = starts_of(n, pairs.iter().flat_map(|&(i, j)| [i, j]));
        ClaimLists::laid_out(n, pairs.iter().flat_map(|&(i, j)| [(i, j), (j, i)]), &starts.clone(), starts)
    }

    /// [`ClaimLists::of_arrows`], given where each claim's list starts as
    /// counted by the arrows' ends (`to_starts`) and starts (`starts`).
    fn laid_out(n: usize, arrows: impl Iterator<Item = (u32, u32)>, to_starts: &[u32], starts: Vec<u32>) -> ClaimLists {
        let mut next: Vec<u32> = to_starts[..n].to_vec();
        let mut froms = vec![0u32; to_starts[n] as usize];
        for (from, to) in arrows {
            let at = &mut next[to as usize];
            froms[*at as usize] = from;
            *at += 1;
        }
        next.copy_from_slice(&starts[..n]);
        let mut places = vec![0u32; starts[n] as usize];
        for to in 0..n {
            for &from in &froms[to_starts[to] as usize..to_starts[to + 1] as usize] {
                let at = &mut next[from as usize];
                places[*at as usize] = to as u32;
                *at += 1;
            }
        }
        ClaimLists { starts, places }
    }

    /// How many pairs the lists hold, made by [`ClaimLists::of_pairs`]:
    /// each pair is on both its claims' lists, so half the places.
    pub fn pairs(&self) -> usize {
        debug_assert!(self.places.len().is_multiple_of(2), "each pair on both lists");
        self.places.len() / 2
    }

    /// Lists given one by one, each in increasing order.
    #[cfg(test)]
    fn of_lists(lists: &[Vec<u32>]) -> ClaimLists {
        let mut starts = vec![0];
        for list in lists {
            starts.push(starts.last().unwrap() + list.len() as u32);
        }
        ClaimLists { starts, places: lists.concat() }
    }
}

/// Where each of `n` claims' lists starts, given the claim of each place
/// (and where the last ends). Places fit 4-byte offsets: 4 billion would
/// take tens of GB to relate first.
fn starts_of(n: usize, claims: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut starts = vec![0u32; n + 1];
    for k in claims {
        starts[k as usize + 1] += 1;
    }
    for k in 0..n {
        starts[k + 1] = starts[k + 1].checked_add(starts[k]).expect("fewer than 4 billion places on a subject");
    }
    starts
}

/// Relates the claims on one subject. Claims are compared only within a
/// unit and only while their dates, widened by the window, overlap: a sweep
/// over start dates, so far-apart claims are never paired. Among the claims
/// of the sweep, those whose interval lies wholly above or below a claim's
/// are found in ordered sets, and those with the same sources in a group,
/// so the work follows the pairs found, not every pair of a busy subject.
pub fn relate<'a>(claims: &[&'a Claim], subject_unit: Option<&'a str>, settings: ClaimSettings) -> SubjectRelations<'a> {
    relate_only(claims, subject_unit, settings, Wanted::Both)
}

/// Which relations to work out: a report of conflicts (`gloss check`)
/// need not list a subject's revisions, as many again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// Conflicts (and units).
    Conflicts,
    /// Revisions (and units).
    Revisions,
    Both,
}

/// [`relate`], the lists not wanted left empty.
pub fn relate_only<'a>(claims: &[&'a Claim], subject_unit: Option<&'a str>, settings: ClaimSettings, wanted: Wanted) -> SubjectRelations<'a> {
    let (mut conflicts, mut revisions) = (Vec::<(u32, u32)>::new(), Vec::<(u32, u32)>::new());
    let mut rel = sweep(claims, subject_unit, settings, wanted, |i, j| conflicts.push((i, j)), |older, newer| revisions.push((older, newer)));
    let n = claims.len();
    if wanted != Wanted::Revisions {
        rel.conflicts = ClaimLists::of_pairs(n, &conflicts);
    }
    if wanted != Wanted::Conflicts {
        rel.revised_by = ClaimLists::of_arrows(n, revisions.iter().copied());
        rel.revises = ClaimLists::of_arrows(n, revisions.iter().map(|&(older, newer)| (newer, older)));
    }
    rel
}

/// The conflicts of [`relate`] (and units), each claim's list cut to its
/// first `kept` claims (in workspace order), with how many it has in all:
/// what a report needs that names a few of each claim's conflicts and
/// counts the rest. A busy subject's claims conflict by the million, and
/// laying every list out was a third of relating them.
pub fn relate_conflicts_kept<'a>(
    claims: &[&'a Claim],
    subject_unit: Option<&'a str>,
    settings: ClaimSettings,
    kept: usize,
) -> (SubjectRelations<'a>, Vec<u32>) {
    let mut first = FirstPlaces::new(claims.len(), kept);
    let mut rel = sweep(claims, subject_unit, settings, Wanted::Conflicts, |i, j| first.add_pair(i, j), |_, _| {});
    let (lists, counts) = first.into_lists();
    rel.conflicts = lists;
    (rel, counts)
}

/// Each claim's first places (the smallest, in increasing order) up to a
/// number kept, and how many it was given.
struct FirstPlaces {
    kept: usize,
    /// Per claim, its count then `kept` slots, the first `count.min(kept)`
    /// in use: side by side, as every pair reads both (one cache line
    /// rather than two, for millions of pairs).
    slots: Vec<u32>,
}

impl FirstPlaces {
    fn new(n: usize, kept: usize) -> FirstPlaces {
        // No claim has more than n - 1 others.
        let kept = kept.min(n);
        FirstPlaces { kept, slots: vec![0; n * (kept + 1)] }
    }

    #[inline]
    fn add_pair(&mut self, i: u32, j: u32) {
        self.add(i as usize, j);
        self.add(j as usize, i);
    }

    /// Gives claim `k` the place `p` (never given it before). Inline, to
    /// count and pass by a place after all those kept, as most are in a
    /// busy subject (millions of calls on the benchmark).
    #[inline]
    fn add(&mut self, k: usize, p: u32) {
        let kept = self.kept;
        let claim = &mut self.slots[k * (kept + 1)..(k + 1) * (kept + 1)];
        let count = claim[0] as usize;
        claim[0] += 1;
        // Full, and `p` comes after all of them: nothing to keep.
        if count >= kept && (kept == 0 || p > claim[kept]) {
            return;
        }
        FirstPlaces::keep(&mut claim[1..], p, count);
    }

    /// Keeps place `p` among a claim's `slots`, `count` of them given
    /// before, in order, the last dropped if there were as many as slots.
    #[inline(never)]
    fn keep(slots: &mut [u32], p: u32, count: usize) {
        let used = count.min(slots.len());
        let at = slots[..used].partition_point(|&q| q < p);
        let end = (used + 1).min(slots.len());
        // One by one: a claim keeps a few (three for most reports), and
        // `copy_within` called the library's memmove for each.
        for q in (at + 1..end).rev() {
            slots[q] = slots[q - 1];
        }
        slots[at] = p;
    }

    /// The kept places as lists, and how many each claim was given.
    fn into_lists(self) -> (ClaimLists, Vec<u32>) {
        let stride = self.kept + 1;
        let n = self.slots.len() / stride;
        let (mut starts, mut counts) = (Vec::with_capacity(n + 1), Vec::with_capacity(n));
        let mut places = Vec::new();
        starts.push(0);
        for claim in self.slots.chunks_exact(stride) {
            let used = (claim[0] as usize).min(self.kept);
            places.extend_from_slice(&claim[1..1 + used]);
            starts.push(places.len() as u32);
            counts.push(claim[0]);
        }
        (ClaimLists { starts, places }, counts)
    }
}

/// The sweep of [`relate`]: each conflicting pair found is handed to
/// `conflict` once, each revision to `revision` as (older, newer); the
/// relations returned hold the units only.
fn sweep<'a>(
    claims: &[&'a Claim],
    subject_unit: Option<&'a str>,
    settings: ClaimSettings,
    wanted: Wanted,
    mut conflict: impl FnMut(u32, u32),
    mut revision_found: impl FnMut(u32, u32),
) -> SubjectRelations<'a> {
    let (find_conflicts, find_revisions) = (wanted != Wanted::Revisions, wanted != Wanted::Conflicts);
    let (rel, lowered, intervals, sources, dates, order, start, end) = prepare(claims, subject_unit, settings);
    // What a conflict is decided on, side by side for each claim: a claim's
    // candidates come in no order, and reading them from three lists went
    // to three places in memory each (millions of pairs on a busy subject).
    let compared: Vec<Compared> = (0..claims.len())
        .map(|k| Compared { interval: intervals[k].unwrap_or(Interval { low: None, high: None }), unit: lowered[k], sources: sources[k] })
        .collect();
    let (mut by_low, mut by_high) = (Bounds::default(), Bounds::default());
    // By sources, then by interval: claims with the figure of the claim at
    // hand are no revision of it, and a pasted paragraph repeated a
    // thousand times must not make a thousand times a thousand comparisons.
    let mut by_sources: HashMap<u32, BTreeMap<IntervalKey, BTreeSet<usize>>> = HashMap::new();
    let mut ending: BinaryHeap<Reverse<(i64, usize)>> = BinaryHeap::new();
    for &i in &order {
        let Some(a) = &intervals[i] else { continue };
        while let Some(&Reverse((e, j))) = ending.peek() {
            if e >= start(i) {
                break;
            }
            ending.pop();
            let b = intervals[j].as_ref().expect("only claims with a figure are in the sweep");
            if let Some(l) = b.low {
                by_low.remove((ordered(l), j as u32));
            }
            if let Some(h) = b.high {
                by_high.remove((ordered(h), j as u32));
            }
            if let Some(group) = by_sources.get_mut(&sources[j]) {
                if let Some(same) = group.get_mut(&key(b)) {
                    same.remove(&j);
                    if same.is_empty() {
                        group.remove(&key(b));
                    }
                }
            }
        }
        // The same sources at another date: a revision.
        if let Some(group) = by_sources.get(&sources[i]).filter(|_| find_revisions) {
            let others = group.iter().filter(|(k, _)| **k != key(a)).flat_map(|(_, same)| same);
            for &j in others {
                let b = intervals[j].as_ref().expect("in the sweep");
                if !comparable_units(lowered[i], lowered[j]) || a == b {
                    continue;
                }
                if let Some((older, newer)) = revision(&dates, &sources, i, j) {
                    revision_found(older as u32, newer as u32);
                }
            }
        }
        // Wholly above, then wholly below (but not both: an interval
        // written upside down could be found twice).
        let seen_above = |b: &Interval| matches!((a.high, b.low), (Some(h), Some(l)) if ordered(l) > ordered(h));
        let (unit, source) = (lowered[i], sources[i]);
        // Runs of keys (a few per claim), each read as a slice.
        let above = a.high.filter(|_| find_conflicts).into_iter().flat_map(|h| by_low.runs_after((ordered(h), u32::MAX))).map(|run| (run, true));
        let below = a.low.filter(|_| find_conflicts).into_iter().flat_map(|l| by_high.runs_before((ordered(l), 0))).map(|run| (run, false));
        for (run, from_above) in above.chain(below) {
            for &(_, j) in run {
                let other = &compared[j as usize];
                let b = &other.interval;
                if !from_above && seen_above(b) {
                    continue;
                }
                let same_sources = source != NONE && source == other.sources;
                if comparable_units(unit, other.unit) && a != b && !(same_sources && revision(&dates, &sources, i, j as usize).is_some()) && disjoint(a, b) {
                    conflict(i as u32, j);
                }
            }
        }
        if let Some(l) = a.low.filter(|_| find_conflicts) {
            by_low.insert((ordered(l), i as u32));
        }
        if let Some(h) = a.high.filter(|_| find_conflicts) {
            by_high.insert((ordered(h), i as u32));
        }
        if sources[i] != NONE && find_revisions {
            by_sources.entry(sources[i]).or_default().entry(key(a)).or_default().insert(i);
        }
        ending.push(Reverse((end(i), i)));
    }
    rel
}

/// What the sweep compares a candidate on (claims without a figure, never
/// candidates, hold an unbounded interval).
struct Compared {
    interval: Interval,
    unit: u32,
    sources: u32,
}

/// An interval as a key of ordered maps: its bounds' bits, ordered as
/// the bounds are ([`ordered`]; figures are never NaN; were one, the exact
/// test after the ordered lookup would drop it).
type IntervalKey = (Option<u64>, Option<u64>);

fn key(i: &Interval) -> IntervalKey {
    (i.low.map(ordered), i.high.map(ordered))
}

type Prepared<'a, S, E> = (SubjectRelations<'a>, Vec<u32>, Vec<Option<Interval>>, Vec<u32>, Vec<Option<Period>>, Vec<usize>, S, E);

/// No unit, or no sources, in the numbering [`prepare`] gives them.
const NONE: u32 = u32::MAX;

/// Whether two claims' units, numbered by [`numbered_units`], may be
/// compared: the same, or one of them none.
fn comparable_units(a: u32, b: u32) -> bool {
    a == NONE || b == NONE || a == b
}

/// Units compared without case: each claim's unit lowered and numbered
/// ([`NONE`] for none), so pairs compare numbers. Most claims share their
/// subject's unit, the very same text: each distinct text is lowered once.
fn numbered_units<'a>(units: &[Option<&'a str>]) -> Vec<u32> {
    let mut seen: Vec<(&'a str, u32)> = Vec::new();
    let mut lowered: Vec<String> = Vec::new();
    let mut number = |u: &'a str| {
        if let Some(&(_, n)) = seen.iter().find(|(s, _)| std::ptr::eq(*s, u) || *s == u) {
            return n;
        }
        let low = u.to_lowercase();
        let n = lowered.iter().position(|l| *l == low).unwrap_or_else(|| {
            lowered.push(low);
            lowered.len() - 1
        }) as u32;
        seen.push((u, n));
        n
    };
    units.iter().map(|u| u.map_or(NONE, &mut number)).collect()
}

/// Each claim's set of sources numbered ([`NONE`] for none): revisions
/// compare them by the million. Ids are interned, so a set is known by its
/// ids' keys, and a claim with one source (most) needs no list.
fn numbered_sources(claims: &[&Claim]) -> Vec<u32> {
    type Numbers<K> = HashMap<K, u32, foldhash::fast::RandomState>;
    let (mut one, mut several): (Numbers<usize>, Numbers<Vec<usize>>) = Default::default();
    let address = |id: &crate::Id| id.key();
    let mut numbers = Vec::with_capacity(claims.len());
    for c in claims {
        // The next number: one per set seen so far.
        let fresh = (one.len() + several.len()) as u32;
        let n = match &*c.sources {
            [] => NONE,
            [s] => *one.entry(address(&s.id)).or_insert(fresh),
            many => {
                let mut set: Vec<usize> = many.iter().map(|s| address(&s.id)).collect();
                set.sort_unstable();
                set.dedup();
                match set[..] {
                    [s] => *one.entry(s).or_insert(fresh),
                    _ => *several.entry(set).or_insert(fresh),
                }
            }
        };
        numbers.push(n);
    }
    numbers
}

/// What both ways of relating start from: units, intervals, sources, and
/// the claims in order of their (widened) start dates.
fn prepare<'a>(claims: &[&'a Claim], subject_unit: Option<&'a str>, settings: ClaimSettings) -> Prepared<'a, impl Fn(usize) -> i64, impl Fn(usize) -> i64> {
    let n = claims.len();
    let units: Vec<Option<&str>> = claims.iter().map(|c| c.unit().or(subject_unit)).collect();
    let expected = subject_unit.or_else(|| most_common(&units));
    let same_unit = |u: &Option<&str>| match (u, &expected) {
        (Some(u), Some(e)) => u.eq_ignore_ascii_case(e),
        _ => true,
    };
    let unit_mismatch = units.iter().map(|u| if same_unit(u) { None } else { expected }).collect();
    let lowered = numbered_units(&units);
    let rel = SubjectRelations { units, unit_mismatch, ..SubjectRelations::default() };
    let w = settings.window_days;
    // Dates, like everything a pair of claims is compared on, copied out
    // of the claims: read by the million, side by side they stay in cache.
    let dates: Vec<Option<Period>> = claims.iter().map(|c| c.date).collect();
    let (starts, ends) = (dates.clone(), dates.clone());
    let start = move |i: usize| starts[i].map_or(i64::MIN, |d| d.first - w);
    let end = move |i: usize| ends[i].map_or(i64::MAX, |d| d.last + w);
    let intervals: Vec<Option<Interval>> = claims.iter().map(|c| c.figure.as_ref().map(|f| widen(f.interval(settings.approx), settings.tolerance))).collect();
    let sources = numbered_sources(claims);
    // Sorted as (start, place) pairs, without calling back for each
    // comparison: ties in the order of the claims, as a stable sort keeps.
    let mut keyed: Vec<(i64, usize)> = (0..n).map(|i| (start(i), i)).collect();
    keyed.sort_unstable();
    let order: Vec<usize> = keyed.into_iter().map(|(_, i)| i).collect();
    (rel, lowered, intervals, sources, dates, order, start, end)
}

/// The plain sweep, every active pair compared: the reference the faster
/// [`relate`] is tested against.
#[cfg(test)]
pub(crate) fn relate_pairwise<'a>(claims: &[&'a Claim], subject_unit: Option<&'a str>, settings: ClaimSettings) -> SubjectRelations<'a> {
    let (mut rel, lowered, intervals, sources, dates, order, start, end) = prepare(claims, subject_unit, settings);
    let mut active: Vec<usize> = Vec::new();
    let n = claims.len();
    let (mut conflicts, mut revised_by, mut revises) = (vec![Vec::new(); n], vec![Vec::new(); n], vec![Vec::new(); n]);
    for &i in &order {
        active.retain(|&j| end(j) >= start(i));
        for &j in &active {
            let (Some(a), Some(b)) = (&intervals[i], &intervals[j]) else { continue };
            if !comparable_units(lowered[i], lowered[j]) || a == b {
                continue;
            }
            if let Some((older, newer)) = revision(&dates, &sources, i, j) {
                revised_by[older].push(newer as u32);
                revises[newer].push(older as u32);
            } else if disjoint(a, b) {
                conflicts[i].push(j as u32);
                conflicts[j].push(i as u32);
            }
        }
        active.push(i);
    }
    for list in conflicts.iter_mut().chain(&mut revised_by).chain(&mut revises) {
        list.sort_unstable();
    }
    rel.conflicts = ClaimLists::of_lists(&conflicts);
    rel.revised_by = ClaimLists::of_lists(&revised_by);
    rel.revises = ClaimLists::of_lists(&revises);
    rel
}

/// Claims by the same sources at different dates: the older is revised.
fn revision(dates: &[Option<Period>], sources: &[u32], i: usize, j: usize) -> Option<(usize, usize)> {
    if sources[i] == NONE || sources[i] != sources[j] {
        return None;
    }
    let (da, db) = (dates[i]?, dates[j]?);
    if da == db {
        return None;
    }
    Some(if (da.last, da.first) < (db.last, db.first) { (i, j) } else { (j, i) })
}

fn widen(i: Interval, tolerance: f64) -> Interval {
    Interval { low: i.low.map(|l| l - l.abs() * tolerance), high: i.high.map(|h| h + h.abs() * tolerance) }
}

fn disjoint(a: &Interval, b: &Interval) -> bool {
    let below = |x: &Interval, y: &Interval| matches!((x.high, y.low), (Some(h), Some(l)) if h < l);
    below(a, b) || below(b, a)
}

fn most_common<'a>(units: &[Option<&'a str>]) -> Option<&'a str> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for &u in units.iter().flatten() {
        match counts.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(u)) {
            Some((_, c)) => *c += 1,
            None => counts.push((u, 1)),
        }
    }
    // The first seen wins a tie.
    counts.into_iter().rev().max_by_key(|(_, c)| *c).map(|(u, _)| u)
}

#[cfg(test)]
mod tests;
