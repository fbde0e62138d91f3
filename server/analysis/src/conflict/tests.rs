//! The sweep against comparing every pair, and the lists it lays out.

use super::*;
use crate::Facts;
use proptest::prelude::*;

fn claim_text() -> impl Strategy<Value = String> {
    let figure = prop_oneof![
        Just("10,000"),
        Just("about 3,000"),
        Just("at least 5,000"),
        Just("up to 12,000"),
        Just("2,000-4,000"),
        Just("more than 1 million"),
        Just("US$2 billion"),
        Just("3,000"),
        Just("none"),
        Just("9,000..2,000"),
    ];
    let src = prop_oneof![Just(""), Just(" src=@a"), Just(" src=@b"), Just(" src=@a,@b")];
    let date =
        prop_oneof![Just(""), Just(" date=2024"), Just(" date=2024-10"), Just(" date=2024-10-17"), Just(" date=2024-11-30"), Just(" date=2023-01..2024-12")];
    let unit = prop_oneof![4 => Just(""), 1 => Just(" unit=shells"), 1 => Just(" unit=Soldiers")];
    (figure, src, date, unit).prop_map(|(f, s, d, u)| format!("[{f}]{{claim=x{s}{d}{u}}} "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn the_sweep_finds_what_comparing_every_pair_finds(
        texts in prop::collection::vec(claim_text(), 0..40),
        tolerance in prop_oneof![Just(0.0), Just(0.2)],
        window_days in prop_oneof![Just(0i64), Just(31)],
        unit in prop_oneof![Just(None), Just(Some("soldiers"))],
    ) {
        let text = texts.concat();
        let facts = Facts::of_document(&text);
        let Facts::Document(doc) = &facts else { panic!("a document") };
        let claims: Vec<&Claim> = doc.claims.iter().collect();
        let settings = ClaimSettings { approx: 0.2, tolerance, window_days };
        let both = relate(&claims, unit, settings);
        prop_assert_eq!(&both, &relate_pairwise(&claims, unit, settings), "{}", text);
        // Counted as halves: each pair once, from either of its claims.
        let once: usize = (0..claims.len()).map(|k| both.conflicts.get(k).iter().filter(|&&o| o as usize > k).count()).sum();
        prop_assert_eq!(both.conflicts.pairs(), once);
        // Each half alone is that half of both.
        let conflicts = SubjectRelations { revised_by: ClaimLists::default(), revises: ClaimLists::default(), ..both.clone() };
        let revisions = SubjectRelations { conflicts: ClaimLists::default(), ..both.clone() };
        prop_assert_eq!(relate_only(&claims, unit, settings, Wanted::Conflicts), conflicts, "{}", text);
        prop_assert_eq!(relate_only(&claims, unit, settings, Wanted::Revisions), revisions, "{}", text);
        // Kept to the first few: the first few of each list, and its length.
        for kept in [0, 1, 3, 50] {
            let (cut, counts) = relate_conflicts_kept(&claims, unit, settings, kept);
            prop_assert_eq!(&cut.units, &both.units);
            prop_assert_eq!(&cut.unit_mismatch, &both.unit_mismatch);
            for (k, &count) in counts.iter().enumerate() {
                let all = both.conflicts.get(k);
                prop_assert_eq!(cut.conflicts.get(k), &all[..all.len().min(kept)], "{} kept {}", text, kept);
                prop_assert_eq!(count as usize, all.len());
            }
            prop_assert_eq!(counts.len(), claims.len());
        }
    }

    /// Lists made from pairs in any order are those made by pushing
    /// each pair onto both lists and sorting them; from arrows, each
    /// arrow onto its start's list.
    #[test]
    fn lists_of_pairs_are_the_sorted_lists(
        n in 1usize..300,
        picks in prop::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 0..2_000),
    ) {
        let pairs: Vec<(u32, u32)> = picks
            .iter()
            .map(|(a, b)| (a.index(n) as u32, b.index(n) as u32))
            .filter(|(i, j)| i != j)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .rev()
            .collect();
        let mut lists = vec![Vec::new(); n];
        for &(i, j) in &pairs {
            lists[i as usize].push(j);
            lists[j as usize].push(i);
        }
        lists.iter_mut().for_each(|l| l.sort_unstable());
        let flat = ClaimLists::of_pairs(n, &pairs);
        prop_assert_eq!(&flat, &ClaimLists::of_lists(&lists));
        for (k, list) in lists.iter().enumerate() {
            prop_assert_eq!(flat.get(k), &list[..]);
        }
        prop_assert!(flat.get(n).is_empty());
        let mut from_lists = vec![Vec::new(); n];
        for &(from, to) in &pairs {
            from_lists[from as usize].push(to);
        }
        from_lists.iter_mut().for_each(|l| l.sort_unstable());
        prop_assert_eq!(ClaimLists::of_arrows(n, pairs.iter().copied()), ClaimLists::of_lists(&from_lists));
    }
}
