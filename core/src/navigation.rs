//! Keyboard navigation through the table: where j/k and ←/→ land.

/// The position `delta` rows away from `current`, kept inside `0..total`; the
/// first row when nothing is current; `None` when there are no rows.
pub fn step(current: Option<usize>, delta: i32, total: usize) -> Option<usize> {
    let last = total.checked_sub(1)?;
    Some(match current {
        Some(position) => {
            let moved = i64::try_from(position)
                .unwrap_or(i64::MAX)
                .saturating_add(i64::from(delta));
            usize::try_from(moved.max(0)).unwrap_or(last).min(last)
        }
        None => 0,
    })
}

#[cfg(test)]
mod tests {
    use super::step;
    use proptest::prelude::*;

    #[test]
    fn steps_stop_at_both_ends() {
        assert_eq!(step(Some(3), 1, 10), Some(4));
        assert_eq!(step(Some(0), -1, 10), Some(0));
        assert_eq!(step(Some(9), 1, 10), Some(9));
        assert_eq!(step(None, -1, 10), Some(0));
        assert_eq!(
            step(Some(40), -1, 10),
            Some(9),
            "a stale position is clamped"
        );
        assert_eq!(step(Some(0), 1, 0), None);
    }

    proptest! {
        #[test]
        fn always_lands_on_a_row(current in proptest::option::of(0usize..10_000), delta in -50i32..50, total in 0usize..5_000) {
            match step(current, delta, total) {
                Some(position) => prop_assert!(position < total),
                None => prop_assert_eq!(total, 0),
            }
        }
    }
}
