//! Finding the next byte of a few, a chunk of bytes at a time: what the
//! reader spends most of its time on in prose.

/// Where the next byte that may start markup is, from `from`: `[`, `]`,
/// `\` or `{`.
pub(super) fn next_markup_byte(bytes: &[u8], from: usize) -> Option<usize> {
    next_byte_in(bytes, from, [b'[', b']', b'\\', b'{'])
}

/// Where the next byte of `set` is, from `from`. This search is most of
/// what the reader does in prose: it goes a chunk of bytes at a time.
#[inline(always)]
pub(super) fn next_byte_in<const N: usize>(bytes: &[u8], from: usize, set: [u8; N]) -> Option<usize> {
    #[cfg(target_arch = "x86_64")]
    let chunks = in_chunks_sse2(bytes, from, &set);
    #[cfg(not(target_arch = "x86_64"))]
    let chunks = in_chunks_folded(bytes, from, &set);
    match chunks {
        Ok(found) => Some(found),
        Err(at) => bytes[at.min(bytes.len())..].iter().position(|b| set.contains(b)).map(|i| at + i),
    }
}

/// The search of [`next_byte_in`] over whole chunks of 16 bytes, each
/// compared with each byte of the set at once with SSE2 (in every x86_64
/// processor): `Ok` where a byte of the set is, or `Err` where the chunks
/// end. Left to the compiler ([`in_chunks_folded`]), the same took five
/// times the instructions.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn in_chunks_sse2<const N: usize>(bytes: &[u8], from: usize, set: &[u8; N]) -> Result<usize, usize> {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128};
    let mut at = from;
    // SAFETY: SSE2 is in the baseline of x86_64, and each load reads the
    // 16 bytes of a chunk (unaligned).
    unsafe {
        let wanted = set.map(|b| _mm_set1_epi8(b as i8));
        while let Some(chunk) = bytes.get(at..at + 16) {
            let v = _mm_loadu_si128(chunk.as_ptr().cast());
            let hits = wanted.iter().fold(_mm_setzero_si128(), |hits, &w| _mm_or_si128(hits, _mm_cmpeq_epi8(v, w)));
            let mask = _mm_movemask_epi8(hits) as u32;
            if mask != 0 {
                return Ok(at + mask.trailing_zeros() as usize);
            }
            at += 16;
        }
    }
    Err(at)
}

/// The search of [`next_byte_in`] over whole chunks of 32 bytes, each
/// made a mask of the bytes in the set (which the compiler vectorizes as
/// it can): on processors other than x86_64.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
#[inline(always)]
fn in_chunks_folded<const N: usize>(bytes: &[u8], from: usize, set: &[u8; N]) -> Result<usize, usize> {
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 32) {
        let mask = chunk.iter().enumerate().fold(0u32, |mask, (i, b)| mask | (u32::from(set.iter().fold(false, |hit, s| hit | (s == b))) << i));
        if mask != 0 {
            return Ok(at + mask.trailing_zeros() as usize);
        }
        at += 32;
    }
    Err(at)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    proptest! {
        /// Found 32 bytes at a time is found byte by byte: hits at every
        /// place of a chunk, in the tail after the last whole chunk, none.
        #[test]
        fn the_next_markup_byte_is_the_first_one(bytes in prop::collection::vec(prop_oneof![8 => b'a'..=b'z', 1 => Just(b'['), 1 => Just(b']'), 1 => Just(b'\\'), 1 => Just(b'{'), 1 => Just(b'Z'), 1 => Just(b'^'), 1 => Just(b'|')], 0..200), from in 0usize..200) {
            let from = from.min(bytes.len());
            let expected = bytes[from..].iter().position(|b| matches!(b, b'[' | b']' | b'\\' | b'{')).map(|i| from + i);
            prop_assert_eq!(super::next_markup_byte(&bytes, from), expected);
        }

        /// The same for any set of bytes, in any bytes (those past ASCII
        /// included: the comparison is of bytes, not of signed numbers).
        #[test]
        fn the_next_byte_of_a_set_is_the_first_one(bytes in prop::collection::vec(prop_oneof![4 => any::<u8>(), 1 => Just(0x80u8), 1 => Just(0xffu8), 1 => Just(b'\n')], 0..100), from in 0usize..100, set in prop::array::uniform5(prop_oneof![any::<u8>(), Just(0x80u8), Just(0xffu8), Just(b'\n')])) {
            let from = from.min(bytes.len());
            let expected = bytes[from..].iter().position(|b| set.contains(b)).map(|i| from + i);
            prop_assert_eq!(super::next_byte_in(&bytes, from, set), expected);
            // Both ways through the chunks, whichever this processor uses.
            let chunks = |found: Result<usize, usize>| match found {
                Ok(at) => Some(at),
                Err(at) => bytes[at..].iter().position(|b| set.contains(b)).map(|i| at + i),
            };
            prop_assert_eq!(chunks(super::in_chunks_folded(&bytes, from, &set)), expected);
            #[cfg(target_arch = "x86_64")]
            prop_assert_eq!(chunks(super::in_chunks_sse2(&bytes, from, &set)), expected);
        }
    }
}
