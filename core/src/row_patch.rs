//! How the table's drawn rows become the next rows with the fewest DOM calls.
//!
//! Rows are lined up by their place in the view. A scroll keeps the rows still
//! in view and adds the others at one end; a message or a status arriving for a
//! few rows rewrites just those; a filter or sort change, which keeps few rows,
//! draws them all anew. Rows are compared as their markup, so a row whose text
//! or marks changed counts as changed. The table applies the patch with one call
//! per end (`insertAdjacentHTML`) and one per rewritten row (`outerHTML`), or
//! one for all (`innerHTML`).

/// Rows shown from view place `start` on, in order.
#[derive(Debug, Clone, Copy)]
pub struct PlacedRows<'a, T> {
    pub start: usize,
    pub rows: &'a [T],
}

impl<T> PlacedRows<'_, T> {
    fn end(&self) -> usize {
        self.start + self.rows.len()
    }
}

/// The edit from the drawn rows to the next ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowPatch {
    /// The rows are the same.
    Keep,
    /// Draw all the next rows anew: fewer than half of them are drawn already.
    Replace,
    /// Keep the drawn rows at places both show, rewrite those among them that
    /// changed, and add the rest at either end.
    Edit {
        /// Drawn rows removed before the places both show.
        drop_front: usize,
        /// Drawn rows removed after them.
        drop_back: usize,
        /// Among the rows kept (counted after the drops), those to rewrite: the
        /// kept row `i` becomes the next row `prepend + i`.
        rewrite: Vec<usize>,
        /// The next rows `..prepend` go before the kept rows.
        prepend: usize,
        /// The next rows `append..` go after them.
        append: usize,
    },
}

/// The patch from the `drawn` rows to the `next` ones.
pub fn row_patch<T: PartialEq>(drawn: PlacedRows<T>, next: PlacedRows<T>) -> RowPatch {
    if drawn.start == next.start && drawn.rows == next.rows {
        return RowPatch::Keep;
    }
    let (first, last) = (drawn.start.max(next.start), drawn.end().min(next.end()));
    if first >= last {
        return RowPatch::Replace;
    }
    let rewrite: Vec<usize> = (first..last)
        .filter(|place| drawn.rows[place - drawn.start] != next.rows[place - next.start])
        .map(|place| place - first)
        .collect();
    let unchanged = last - first - rewrite.len();
    if unchanged * 2 < next.rows.len() {
        return RowPatch::Replace;
    }
    RowPatch::Edit {
        drop_front: first - drawn.start,
        drop_back: drawn.end() - last,
        rewrite,
        prepend: first - next.start,
        append: last - next.start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn placed(start: usize, rows: &[u8]) -> PlacedRows<'_, u8> {
        PlacedRows { start, rows }
    }

    /// Applies `patch` to `drawn` as the table does to its rows.
    fn apply(drawn: &[u8], next: &[u8], patch: &RowPatch) -> Vec<u8> {
        match patch {
            RowPatch::Keep => drawn.to_vec(),
            RowPatch::Replace => next.to_vec(),
            RowPatch::Edit {
                drop_front,
                drop_back,
                rewrite,
                prepend,
                append,
            } => {
                let mut kept = drawn[*drop_front..drawn.len() - drop_back].to_vec();
                for &i in rewrite {
                    kept[i] = next[prepend + i];
                }
                [&next[..*prepend], &kept, &next[*append..]].concat()
            }
        }
    }

    #[test]
    fn a_scroll_keeps_the_rows_still_in_view() {
        let rows: Vec<u8> = (0..=200).collect();
        let drawn = placed(10, &rows[10..40]);
        assert_eq!(
            row_patch(drawn, placed(20, &rows[20..50])),
            RowPatch::Edit {
                drop_front: 10,
                drop_back: 0,
                rewrite: vec![],
                prepend: 0,
                append: 20
            }
        );
        assert_eq!(
            row_patch(drawn, placed(0, &rows[0..30])),
            RowPatch::Edit {
                drop_front: 0,
                drop_back: 10,
                rewrite: vec![],
                prepend: 10,
                append: 30
            }
        );
    }

    #[test]
    fn a_few_changed_rows_are_rewritten_alone() {
        let drawn: Vec<u8> = (0..30).collect();
        let mut next = drawn.clone();
        next[2] = 200;
        next[25] = 201;
        assert_eq!(
            row_patch(placed(0, &drawn), placed(0, &next)),
            RowPatch::Edit {
                drop_front: 0,
                drop_back: 0,
                rewrite: vec![2, 25],
                prepend: 0,
                append: 30
            }
        );
    }

    #[test]
    fn rows_mostly_new_are_drawn_anew_and_equal_rows_kept() {
        let drawn: Vec<u8> = (0..30).collect();
        assert_eq!(
            row_patch(placed(5, &drawn), placed(5, &drawn)),
            RowPatch::Keep
        );
        // Far away, or at the same places with other rows (a filter change).
        let other: Vec<u8> = (100..130).collect();
        assert_eq!(
            row_patch(placed(0, &drawn), placed(500, &other)),
            RowPatch::Replace
        );
        assert_eq!(
            row_patch(placed(0, &drawn), placed(0, &other)),
            RowPatch::Replace
        );
        // Scrolled by more than half a screen.
        assert_eq!(
            row_patch(placed(0, &drawn), placed(20, &drawn)),
            RowPatch::Replace
        );
        assert_eq!(
            row_patch(placed(0, &[]), placed(0, &drawn)),
            RowPatch::Replace
        );
        assert_eq!(
            row_patch(placed(0, &drawn), placed(0, &[])),
            RowPatch::Replace
        );
    }

    proptest! {
        /// Whatever the rows and places, the patch yields exactly the next rows,
        /// and keeps rows only when at least half of the next ones stay as drawn.
        #[test]
        fn the_patch_always_yields_the_next_rows(
            drawn_start in 0usize..30,
            drawn in prop::collection::vec(0u8..4, 0..24),
            next_start in 0usize..30,
            next in prop::collection::vec(0u8..4, 0..24),
        ) {
            let patch = row_patch(placed(drawn_start, &drawn), placed(next_start, &next));
            prop_assert_eq!(apply(&drawn, &next, &patch), next.clone());
            if let RowPatch::Edit { drop_front, drop_back, rewrite, .. } = &patch {
                let kept = drawn.len() - drop_front - drop_back;
                prop_assert!((kept - rewrite.len()) * 2 >= next.len());
            }
        }
    }
}
