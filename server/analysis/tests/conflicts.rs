//! The conflict rule (spec 4.2) at its edges: date windows, tolerance, open
//! bounds, revisions, units, claims with no date.

use gloss_analysis::Workspace;

/// Conflicting pairs among claims given as `[text]{attributes}` lines, by
/// line number (1-based).
fn conflicts(config: &str, claims: &[&str]) -> Vec<(usize, usize)> {
    let mut ws = Workspace::new();
    ws.set_registry("gloss.toml", &format!("[subject.s]\nname = \"S\"\nunit = \"soldiers\"\n{config}"), true);
    for (i, c) in claims.iter().enumerate() {
        ws.set_document(&format!("{:02}.txt", i + 1), c);
    }
    let a = ws.snapshot();
    let mut out = Vec::new();
    let line = |n| a.file(a.claim(n).0).unwrap().path[..2].parse::<usize>().unwrap();
    for no in a.claims() {
        for &o in a.relations(no).conflicts.iter().filter(|&&o| o > no) {
            let (x, y) = (line(no), line(o));
            out.push((x.min(y), x.max(y)));
        }
    }
    out.sort();
    out
}

#[test]
fn the_spec_examples() {
    let c = conflicts(
        "",
        &[
            "[approximately 10,000 soldiers]{claim=s src=@ua date=2024-10-17}",
            "[around 3,000]{claim=s src=@wh date=2024-10-23}",
            "[at least 3,000]{claim=s src=@x date=2024-10-23}",
            "[up to 100,000]{claim=s src=@y date=2022}",
        ],
    );
    assert_eq!(c, [(1, 2)]);
}

#[test]
fn date_window_is_widened_on_each_side() {
    // 31 days on each side: 62 days apart still overlap, 63 do not.
    let near = conflicts("", &["[10,000]{claim=s src=@a date=2024-10-01}", "[3,000]{claim=s src=@b date=2024-12-02}"]);
    let far = conflicts("", &["[10,000]{claim=s src=@a date=2024-10-01}", "[3,000]{claim=s src=@b date=2024-12-03}"]);
    assert_eq!((near.len(), far.len()), (1, 0));
    // A period overlaps by its whole length; the window is configurable.
    assert_eq!(conflicts("", &["[10,000]{claim=s src=@a date=2024-06..2024-08}", "[3,000]{claim=s src=@b date=2024-10-30}"]).len(), 1);
    assert_eq!(conflicts("[claims]\nwindow-days = 0\n", &["[10,000]{claim=s src=@a date=2024-10-01}", "[3,000]{claim=s src=@b date=2024-10-02}"]).len(), 0);
}

#[test]
fn tolerance_widens_every_finite_bound() {
    // 10,000 and 11,000 widened by 5%: [9,500, 10,500] and [10,450, 11,550] meet.
    assert!(conflicts("", &["[10,000]{claim=s src=@a}", "[11,000]{claim=s src=@b}"]).is_empty());
    // 10,000 and 11,100: [9,500, 10,500] and [10,545, 11,655] do not.
    assert_eq!(conflicts("", &["[10,000]{claim=s src=@a}", "[11,100]{claim=s src=@b}"]).len(), 1);
    assert!(conflicts("[claims]\ntolerance = 0.1\n", &["[10,000]{claim=s src=@a}", "[11,100]{claim=s src=@b}"]).is_empty());
}

#[test]
fn open_bounds_conflict_only_on_their_closed_side() {
    assert_eq!(conflicts("", &["[at least 3,000]{claim=s src=@a}", "[1,000]{claim=s src=@b}"]).len(), 1);
    assert!(conflicts("", &["[at least 3,000]{claim=s src=@a}", "[1 million]{claim=s src=@b}"]).is_empty());
    assert_eq!(conflicts("", &["[up to 100]{claim=s src=@a}", "[1,000]{claim=s src=@b}"]).len(), 1);
    assert!(conflicts("", &["[at least 3,000]{claim=s src=@a}", "[up to 5,000]{claim=s src=@b}"]).is_empty());
    assert_eq!(conflicts("", &["[over 1 million]{claim=s src=@a}", "[350,000]{claim=s src=@b}"]).len(), 1);
}

#[test]
fn approximate_figures_widen_by_approx() {
    // ≈10,000 is [8,000, 12,000], then 5%: 7,600.
    assert!(conflicts("", &["[about 10,000]{claim=s src=@a}", "[7,700]{claim=s src=@b}"]).is_empty());
    assert_eq!(conflicts("[claims]\napprox = 0.1\n", &["[about 10,000]{claim=s src=@a}", "[7,700]{claim=s src=@b}"]).len(), 1);
}

#[test]
fn revisions_by_the_same_sources_are_not_conflicts() {
    assert!(conflicts("", &["[3,000]{claim=s src=@a,@b date=2024-10-01}", "[10,000]{claim=s src=@b,@a date=2024-10-20}"]).is_empty());
    // Same sources, same date: the source contradicts itself.
    assert_eq!(conflicts("", &["[3,000]{claim=s src=@a date=2024-10-01}", "[10,000]{claim=s src=@a date=2024-10-01}"]).len(), 1);
    // Unsourced claims are never revisions of each other.
    assert_eq!(conflicts("", &["[3,000]{claim=s date=2024-10-01}", "[10,000]{claim=s date=2024-10-20}"]).len(), 1);
}

#[test]
fn different_units_are_not_compared() {
    assert!(conflicts("", &["[$10,000]{claim=s src=@a}", "[3,000]{claim=s src=@b}"]).is_empty());
    assert!(conflicts("", &["[10,000]{claim=s src=@a unit=battalions}", "[3]{claim=s src=@b}"]).is_empty());
    assert_eq!(conflicts("", &["[$10,000]{claim=s src=@a}", "[$3,000]{claim=s src=@b}"]).len(), 1);
}

#[test]
fn a_claim_with_no_date_overlaps_every_date() {
    assert_eq!(conflicts("", &["[10,000]{claim=s src=@a}", "[3,000]{claim=s src=@b date=1990}"]).len(), 1);
    // The header's date is the default.
    assert!(conflicts("", &["{#d date=2020-01-01}\n[10,000]{claim=s src=@a}", "[3,000]{claim=s src=@b date=2024}"]).is_empty());
}
