//! Ordering rows by one integer each. Sorting 100 000 rows by comparison
//! follows their keys (tuples or strings) about 1.7 million times; a key packed
//! into one `u64` together with the row's place lets a radix sort order them in
//! a few passes over flat memory, with no comparison at all.

/// How many bits writing `n` takes.
pub(crate) fn bits(n: u64) -> u32 {
    u64::BITS - n.leading_zeros()
}

/// The rows of `order` ordered by `keys[row]`, rows of equal key staying in
/// `order`'s order.
///
/// Each row's key goes above its place in `order`; a radix sort by the key's
/// bits alone keeps rows of equal key in the order it found them, which is
/// `order`'s, so the place costs no pass. Keys too wide to sit above a place
/// (beyond 2^47 with 100 000 rows) are replaced by their ranks among the
/// distinct keys, which keep their order and, being fewer than the rows, fit
/// (up to 2^32 rows; a wasm32 memory holds fewer).
pub(crate) fn stably_by_key(order: &[usize], keys: &[u64]) -> Vec<usize> {
    let top = highest(keys);
    if bits(top) + bits(order.len() as u64) <= u64::BITS {
        return radix_by_key(order, keys, top);
    }
    let ranks = dense_ranks(keys);
    radix_by_key(order, &ranks, highest(&ranks))
}

/// Each value's rank among the distinct values, 0 for the smallest.
pub(crate) fn dense_ranks(values: &[u64]) -> Vec<u64> {
    let mut distinct = values.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    values
        .iter()
        .map(|value| distinct.binary_search(value).unwrap_or_else(|place| place) as u64)
        .collect()
}

fn highest(keys: &[u64]) -> u64 {
    keys.iter().copied().max().unwrap_or(0)
}

/// [`stably_by_key`] for keys (at most `top`) that fit above a place.
fn radix_by_key(order: &[usize], keys: &[u64], top: u64) -> Vec<usize> {
    let place_bits = bits(order.len() as u64);
    let mut packed: Vec<u64> = order
        .iter()
        .enumerate()
        .map(|(place, &row)| (keys[row] << place_bits) | place as u64)
        .collect();
    radix_sort(&mut packed, place_bits..place_bits + bits(top));
    let place_mask = (1u64 << place_bits) - 1;
    packed
        .into_iter()
        .map(|packed| order[(packed & place_mask) as usize])
        .collect()
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

        /// Any keys, narrow or too wide to sit above a place, come out as a
        /// stable sort of the given order leaves them.
        #[test]
        fn rows_are_ordered_stably_by_key_whatever_its_width(
            keys in proptest::collection::vec(
                prop_oneof![0..4u64, Just(1 << 40), Just(u64::MAX - 1), Just(u64::MAX)],
                0..120,
            ),
            reversed in any::<bool>(),
        ) {
            let mut order: Vec<usize> = (0..keys.len()).collect();
            if reversed {
                order.reverse();
            }
            let mut expected = order.clone();
            expected.sort_by_key(|&row| keys[row]);
            prop_assert_eq!(stably_by_key(&order, &keys), expected);
        }

        #[test]
        fn ranks_keep_the_order_of_values_and_are_dense(
            values in proptest::collection::vec(prop_oneof![0..6u64, Just(u64::MAX)], 0..40),
        ) {
            let ranks = dense_ranks(&values);
            for (a, b) in values.iter().zip(&ranks) {
                for (c, d) in values.iter().zip(&ranks) {
                    prop_assert_eq!(a.cmp(c), b.cmp(d));
                }
            }
            let distinct: std::collections::BTreeSet<_> = values.iter().collect();
            prop_assert_eq!(ranks.iter().max().map_or(0, |top| top + 1), distinct.len() as u64);
        }
    }
}
