//! Ordering rows by one integer each. Sorting 100 000 rows by comparison
//! follows their keys (tuples or strings) about 1.7 million times; a key packed
//! into one `u64` together with the row's place lets a radix sort order them in
//! a few passes over flat memory, with no comparison at all.

/// How many bits writing `n` takes.
pub(crate) fn bits(n: u64) -> u32 {
    u64::BITS - n.leading_zeros()
}

/// The rows of `order` ordered by `keys[row]` (each at most `top`), rows of
/// equal key staying in `order`'s order; a row without a key counts as 0.
/// `None` when a key and a place do not fit in 64 bits together (keys beyond
/// 2^46 with 100 000 rows): the caller then sorts by comparison.
///
/// Each row's key goes above its place in `order`; a radix sort by the key's
/// bits alone keeps rows of equal key in the order it found them, which is
/// `order`'s, so the place costs no pass.
pub(crate) fn stably_by_key(order: &[usize], keys: &[u64], top: u64) -> Option<Vec<usize>> {
    let place_bits = bits(order.len() as u64);
    if bits(top) + place_bits > u64::BITS {
        return None;
    }
    let mut packed: Vec<u64> = order
        .iter()
        .map(|&row| keys.get(row).copied().unwrap_or(0))
        .enumerate()
        .map(|(place, key)| (key << place_bits) | place as u64)
        .collect();
    radix_sort(&mut packed, place_bits..place_bits + bits(top));
    let place_mask = (1u64 << place_bits) - 1;
    Some(
        packed
            .into_iter()
            .filter_map(|packed| order.get((packed & place_mask) as usize).copied())
            .collect(),
    )
}

/// Bits a pass of [`radix_sort`] orders by: 2 048 counters fit a core's
/// nearest caches, and 64-bit keys take six passes, not eight.
const DIGIT_BITS: u32 = 11;

/// Sorts `keys` stably by their `bits` (those above are zero), a digit per
/// pass from the least significant, skipping the digits every key shares.
fn radix_sort(keys: &mut Vec<u64>, bits: std::ops::Range<u32>) {
    const RADIX: usize = 1 << DIGIT_BITS;
    let shifts: Vec<u32> = bits.step_by(DIGIT_BITS as usize).collect();
    let digit_of = |key: u64, shift: u32| (key >> shift) as usize & (RADIX - 1);
    let mut counts = vec![[0usize; RADIX]; shifts.len()];
    for &key in keys.iter() {
        for (&shift, count) in shifts.iter().zip(counts.iter_mut()) {
            count[digit_of(key, shift)] += 1;
        }
    }
    let mut scratch = vec![0; keys.len()];
    for (&shift, count) in shifts.iter().zip(&counts) {
        if count.contains(&keys.len()) {
            continue;
        }
        let mut next = [0usize; RADIX];
        let mut start = 0;
        for (next, &count) in next.iter_mut().zip(count) {
            *next = start;
            start += count;
        }
        for &key in keys.iter() {
            let digit = digit_of(key, shift);
            scratch[next[digit]] = key;
            next[digit] += 1;
        }
        std::mem::swap(keys, &mut scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bits_counts_up_to_the_highest_set_bit() {
        assert_eq!(bits(0), 0);
        assert_eq!(bits(1), 1);
        assert_eq!(bits(255), 8);
        assert_eq!(bits(256), 9);
        assert_eq!(bits(u64::MAX), 64);
    }

    proptest! {
        /// Sorting by the bits from `low` up equals a stable sort by them:
        /// the bits below keep the order the keys came in.
        #[test]
        fn radix_sort_agrees_with_a_stable_sort_by_the_same_bits(
            mut keys in proptest::collection::vec(
                prop_oneof![0..300u64, any::<u64>(), Just(u64::MAX)],
                0..200,
            ),
            low in 0..64u32,
        ) {
            let mut expected = keys.clone();
            expected.sort_by_key(|key| key >> low);
            radix_sort(&mut keys, low..64);
            prop_assert_eq!(keys, expected);
        }

        /// Narrow keys come out as a stable sort of the given order leaves
        /// them; keys too wide to pack with a place are refused.
        #[test]
        fn rows_are_ordered_stably_by_key_or_refused_when_too_wide(
            keys in proptest::collection::vec(
                prop_oneof![0..4u64, Just(1 << 40), Just(u64::MAX)],
                0..120,
            ),
            reversed in any::<bool>(),
        ) {
            let top = keys.iter().copied().max().unwrap_or(0);
            let mut order: Vec<usize> = (0..keys.len()).collect();
            if reversed {
                order.reverse();
            }
            let mut expected = order.clone();
            expected.sort_by_key(|&row| keys[row]);
            match stably_by_key(&order, &keys, top) {
                Some(sorted) => prop_assert_eq!(sorted, expected),
                None => prop_assert!(bits(top) + bits(keys.len() as u64) > 64),
            }
        }
    }
}
