//! Byte ranges as the facts hold them: two `u32` offsets, 8 bytes instead
//! of a `Range<usize>`'s 16. A workspace keeps every document's facts, with
//! several ranges per reference and claim, for as long as it is open.
//! Features and the LSP layer still speak `Range<usize>` ([`ByteRange::range`]).
//!
//! Offsets past `u32::MAX` (documents over 4 GiB, which nothing refuses but
//! nobody annotates) are clamped to it: such a range is wrong, never a panic
//! (`docs/decisions.md`).

use std::fmt;
use std::ops::Range;

#[derive(serde::Serialize, serde::Deserialize, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByteRange {
    start: u32,
    end: u32,
}

/// An offset as the facts hold it, clamped to `u32::MAX`.
fn clamp(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}

impl ByteRange {
    /// End before start: never read from a text, so free to mean "none".
    pub(crate) const INVERTED: ByteRange = ByteRange { start: u32::MAX, end: 0 };

    pub fn new(start: usize, end: usize) -> ByteRange {
        ByteRange { start: clamp(start), end: clamp(end) }
    }

    pub fn start(self) -> usize {
        self.start as usize
    }

    pub fn end(self) -> usize {
        self.end as usize
    }

    /// The range as features and the LSP layer take it.
    pub fn range(self) -> Range<usize> {
        self.start()..self.end()
    }

    pub fn len(self) -> usize {
        self.end().saturating_sub(self.start())
    }

    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }

    pub fn contains(self, offset: usize) -> bool {
        self.range().contains(&offset)
    }
}

impl From<Range<usize>> for ByteRange {
    fn from(r: Range<usize>) -> ByteRange {
        ByteRange::new(r.start, r.end)
    }
}

impl From<&Range<usize>> for ByteRange {
    fn from(r: &Range<usize>) -> ByteRange {
        ByteRange::new(r.start, r.end)
    }
}

impl From<ByteRange> for Range<usize> {
    fn from(r: ByteRange) -> Range<usize> {
        r.range()
    }
}

impl PartialEq<Range<usize>> for ByteRange {
    fn eq(&self, other: &Range<usize>) -> bool {
        self.range() == *other
    }
}

/// As a `Range<usize>` prints: `3..7`.
impl fmt::Debug for ByteRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.start, f)?;
        f.write_str("..")?;
        fmt::Debug::fmt(&self.end, f)
    }
}

#[cfg(test)]
mod tests {
    use super::ByteRange;

    #[test]
    fn round_trips_and_clamps() {
        assert_eq!(ByteRange::from(3..7).range(), 3..7);
        assert_eq!(format!("{:?}", ByteRange::from(3..7)), format!("{:?}", 3..7));
        let huge = ByteRange::from(5..(u32::MAX as usize + 10));
        assert_eq!(huge.range(), 5..u32::MAX as usize);
    }
}
