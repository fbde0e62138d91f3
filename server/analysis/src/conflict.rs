//! Which claims on one subject conflict, which revise each other, and
//! which state their figure in another unit (spec section 4.2).

use crate::claim::Claim;
use crate::config::ClaimSettings;
use crate::figure::Interval;

/// How the claims of one subject relate; every list indexes the claims
/// given to [`relate`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SubjectRelations {
    /// Each claim's unit: `unit=`, a currency from its text, else the
    /// subject's unit.
    pub units: Vec<Option<String>>,
    /// The unit a claim was expected in, when its own differs.
    pub unit_mismatch: Vec<Option<String>>,
    /// The claims each claim conflicts with.
    pub conflicts: Vec<Vec<usize>>,
    /// Newer claims by the same sources that revise each claim.
    pub revised_by: Vec<Vec<usize>>,
}

/// Relates the claims on one subject. Claims are compared only within a
/// unit and only while their dates, widened by the window, overlap: a sweep
/// over start dates, so far-apart claims are never paired.
pub fn relate(claims: &[&Claim], subject_unit: Option<&str>, settings: ClaimSettings) -> SubjectRelations {
    let n = claims.len();
    let units: Vec<Option<String>> = claims
        .iter()
        .map(|c| c.unit.clone().or_else(|| subject_unit.map(str::to_string)))
        .collect();
    let expected = subject_unit.map(str::to_string).or_else(|| most_common(&units));
    let same_unit = |u: &Option<String>| match (u, &expected) {
        (Some(u), Some(e)) => u.eq_ignore_ascii_case(e),
        _ => true,
    };
    let unit_mismatch = units.iter().map(|u| (!same_unit(u)).then(|| expected.clone()).flatten()).collect();

    let mut rel = SubjectRelations { units, unit_mismatch, conflicts: vec![Vec::new(); n], revised_by: vec![Vec::new(); n] };
    let w = settings.window_days;
    let start = |i: usize| claims[i].date.map_or(i64::MIN, |d| d.first - w);
    let end = |i: usize| claims[i].date.map_or(i64::MAX, |d| d.last + w);
    let intervals: Vec<Option<Interval>> = claims
        .iter()
        .map(|c| c.figure.as_ref().map(|f| widen(f.interval(settings.approx), settings.tolerance)))
        .collect();

    // Each claim's sources, sorted, once: revisions compare them pairwise.
    let sources: Vec<Vec<&str>> = claims
        .iter()
        .map(|c| {
            let mut v: Vec<&str> = c.sources.iter().map(|s| s.id.as_str()).collect();
            v.sort_unstable();
            v.dedup();
            v
        })
        .collect();
    // Units compared without case, lowered once rather than per pair.
    let lowered: Vec<Option<String>> = rel.units.iter().map(|u| u.as_deref().map(str::to_lowercase)).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| start(i));
    let mut active: Vec<usize> = Vec::new();
    for &i in &order {
        active.retain(|&j| end(j) >= start(i));
        for &j in &active {
            let comparable = lowered[i].is_none() || lowered[j].is_none() || lowered[i] == lowered[j];
            let (Some(a), Some(b)) = (&intervals[i], &intervals[j]) else { continue };
            if !comparable || a == b {
                continue;
            }
            if let Some((older, newer)) = revision(claims, &sources, i, j) {
                rel.revised_by[older].push(newer);
            } else if disjoint(a, b) {
                rel.conflicts[i].push(j);
                rel.conflicts[j].push(i);
            }
        }
        active.push(i);
    }
    for list in rel.conflicts.iter_mut().chain(rel.revised_by.iter_mut()) {
        list.sort_unstable();
    }
    rel
}

/// Claims by the same sources at different dates: the older is revised.
fn revision(claims: &[&Claim], sources: &[Vec<&str>], i: usize, j: usize) -> Option<(usize, usize)> {
    if sources[i].is_empty() || sources[i] != sources[j] {
        return None;
    }
    let (da, db) = (claims[i].date?, claims[j].date?);
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

fn most_common(units: &[Option<String>]) -> Option<String> {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for u in units.iter().flatten() {
        match counts.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(u)) {
            Some((_, c)) => *c += 1,
            None => counts.push((u.clone(), 1)),
        }
    }
    // The first seen wins a tie.
    counts.into_iter().rev().max_by_key(|(_, c)| *c).map(|(u, _)| u)
}
