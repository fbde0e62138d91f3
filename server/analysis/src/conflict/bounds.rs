//! The bounds of the claims a sweep has in view, in order: which lie wholly
//! above a figure, which wholly below.

/// A bound and its claim as one key: the bound's bits turned so that they
/// order as `f64::total_cmp` orders bounds, then the claim.
pub(super) type Key = (u64, u32);

/// `x`'s bits, ordered as [`f64::total_cmp`] orders `x` (the sweep's one
/// order of bounds): negatives (sign bit set) flipped whole, the others
/// with the sign bit set.
pub(super) fn ordered(x: f64) -> u64 {
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | 1 << 63
    }
}

/// Most keys a block holds before it is split in two.
const BLOCK: usize = 64;

/// Keys in order, in blocks of at most [`BLOCK`]: inserted and removed as
/// claims come into view and leave it, and read by the million as runs
/// of a slice. (A `BTreeSet` costs about as much to change, but walking it
/// was a fifth of relating a busy subject's claims.)
#[derive(Default)]
pub(super) struct Bounds {
    blocks: Vec<Vec<Key>>,
    /// The first key of each block.
    firsts: Vec<Key>,
}

impl Bounds {
    /// The block `key` belongs in: the last whose first key is not after
    /// it (the first block for a key before all).
    fn block_of(&self, key: Key) -> usize {
        self.firsts.partition_point(|&f| f <= key).saturating_sub(1)
    }

    pub(super) fn insert(&mut self, key: Key) {
        if self.blocks.is_empty() {
            self.blocks.push(vec![key]);
            self.firsts.push(key);
            return;
        }
        let b = self.block_of(key);
        let block = &mut self.blocks[b];
        let at = block.partition_point(|&k| k < key);
        block.insert(at, key);
        self.firsts[b] = block[0];
        if block.len() > BLOCK {
            let upper = block.split_off(BLOCK / 2);
            self.firsts.insert(b + 1, upper[0]);
            self.blocks.insert(b + 1, upper);
        }
    }

    /// Removes `key`, if it is there.
    pub(super) fn remove(&mut self, key: Key) {
        if self.blocks.is_empty() {
            return;
        }
        let b = self.block_of(key);
        let block = &mut self.blocks[b];
        let Ok(at) = block.binary_search(&key) else { return };
        block.remove(at);
        if block.is_empty() {
            self.blocks.remove(b);
            self.firsts.remove(b);
        } else {
            self.firsts[b] = block[0];
        }
    }

    /// The keys after `key`, in order, as runs of slices: a loop over a
    /// slice, where iterators chained and flattened key by key cost more
    /// than the checks of the pairs they give.
    pub(super) fn runs_after(&self, key: Key) -> impl Iterator<Item = &[Key]> {
        let b = self.block_of(key);
        let (first, rest) = match self.blocks.get(b) {
            Some(block) => (&block[block.partition_point(|&k| k <= key)..], &self.blocks[b + 1..]),
            None => (&[][..], &[][..]),
        };
        std::iter::once(first).chain(rest.iter().map(Vec::as_slice))
    }

    /// The keys before `key`, in order, as runs of slices.
    pub(super) fn runs_before(&self, key: Key) -> impl Iterator<Item = &[Key]> {
        let b = self.block_of(key);
        let (whole, last) = match self.blocks.get(b) {
            Some(block) => (&self.blocks[..b], &block[..block.partition_point(|&k| k < key)]),
            None => (&[][..], &[][..]),
        };
        whole.iter().map(Vec::as_slice).chain(std::iter::once(last))
    }

    /// Every key, in order.
    #[cfg(test)]
    fn keys(&self) -> Vec<Key> {
        self.blocks.concat()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn bound() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(0.0),
            Just(-0.0),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(f64::MAX),
            Just(-1.5),
            (0u32..40).prop_map(f64::from),
            any::<f64>().prop_filter("a figure", |x| !x.is_nan()),
        ]
    }

    proptest! {
        /// The bits order as `total_cmp` orders the bounds.
        #[test]
        fn bits_order_as_bounds_do(a in bound(), b in bound()) {
            prop_assert_eq!(ordered(a).cmp(&ordered(b)), a.total_cmp(&b));
        }

        /// Inserted and removed in any order (past a block's size), the
        /// keys after and before any key are those of an ordered set.
        #[test]
        fn blocks_hold_what_an_ordered_set_holds(
            steps in prop::collection::vec((any::<bool>(), 0u64..60, 0u32..8), 0..600),
            probes in prop::collection::vec((0u64..62, prop_oneof![Just(0u32), Just(3), Just(u32::MAX)]), 1..8),
        ) {
            let (mut blocks, mut set) = (Bounds::default(), BTreeSet::new());
            for (add, bound, claim) in steps {
                let key = (bound, claim);
                if add && !set.contains(&key) {
                    blocks.insert(key);
                    set.insert(key);
                } else if !add {
                    blocks.remove(key);
                    set.remove(&key);
                }
                prop_assert!(blocks.blocks.iter().all(|b| !b.is_empty() && b.len() <= BLOCK));
            }
            prop_assert_eq!(blocks.keys(), set.iter().copied().collect::<Vec<_>>());
            let claims = |keys: std::collections::btree_set::Range<Key>| keys.map(|&(_, claim)| claim).collect::<Vec<_>>();
            for probe in probes {
                let after: Vec<u32> = blocks.runs_after(probe).flatten().map(|&(_, claim)| claim).collect();
                let before: Vec<u32> = blocks.runs_before(probe).flatten().map(|&(_, claim)| claim).collect();
                prop_assert_eq!(after, claims(set.range((std::ops::Bound::Excluded(probe), std::ops::Bound::Unbounded))));
                prop_assert_eq!(before, claims(set.range(..probe)));
            }
        }
    }
}
