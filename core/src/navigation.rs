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

/// Where ←/→ land from a record the view does not show (a deep-linked record
/// outside the loaded or filtered rows), in a view in time order: `before` rows
/// come ahead of its time, so one step forward is the first row after it and one
/// step back the last row ahead of it. `None` when that is past either end.
pub fn step_from_gap(before: usize, delta: i32, total: usize) -> Option<usize> {
    let before = i64::try_from(before).ok()?;
    let landing = if delta > 0 {
        before + i64::from(delta) - 1
    } else {
        before + i64::from(delta)
    };
    usize::try_from(landing)
        .ok()
        .filter(|position| *position < total)
}

#[cfg(test)]
mod tests {
    use super::{step, step_from_gap};
    use proptest::prelude::*;

    #[test]
    fn from_a_record_between_rows_a_step_lands_on_its_neighbours() {
        // Rows 0..=2 are ahead of the record's time, 3.. after it.
        assert_eq!(step_from_gap(3, 1, 10), Some(3));
        assert_eq!(step_from_gap(3, -1, 10), Some(2));
        assert_eq!(step_from_gap(3, 2, 10), Some(4));
        // Ahead of every row, or after every row: one way is a row, the other none.
        assert_eq!(step_from_gap(0, -1, 10), None);
        assert_eq!(step_from_gap(0, 1, 10), Some(0));
        assert_eq!(step_from_gap(10, 1, 10), None);
        assert_eq!(step_from_gap(10, -1, 10), Some(9));
    }

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
