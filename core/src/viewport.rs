//! The virtualised table's arithmetic: which rows are in the DOM for a scroll
//! position, where to scroll to keep the cursor visible, when the end is near.
//! Pure, so the table component only measures and renders.

/// Rows of a fixed height in a scrolling viewport.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub row_height: f64,
    /// Rows rendered beyond each edge, so fast scrolling shows no gaps.
    pub overscan: usize,
    pub scroll_top: f64,
    pub height: f64,
}

impl Viewport {
    /// The half-open range of row positions to render, never past `total`.
    pub fn range(&self, total: usize) -> (usize, usize) {
        let row_height = self.row_height.max(1.0);
        let first = (self.scroll_top.max(0.0) / row_height).floor() as usize;
        let shown = (self.height.max(row_height) / row_height).ceil() as usize;
        let end = first
            .saturating_add(shown)
            .saturating_add(self.overscan)
            .min(total);
        let start = first.saturating_sub(self.overscan).min(end);
        (start, end)
    }

    /// Whether a range ending at `end` is close enough to `total` to load more.
    pub fn near_end(&self, end: usize, total: usize) -> bool {
        total > 0 && end + self.overscan >= total
    }

    /// The scroll position that brings row `position` into view (below the sticky
    /// header, which covers one row), or `None` when it is visible already.
    pub fn scroll_to_show(&self, position: usize) -> Option<f64> {
        let top = position as f64 * self.row_height;
        if top < self.scroll_top {
            Some(top)
        } else if top + 2.0 * self.row_height > self.scroll_top + self.height {
            Some(top + 2.0 * self.row_height - self.height)
        } else {
            None
        }
    }
}

/// A row height the stylesheet sets in whole pixels (`--row-height: 68px`):
/// rows are as tall as the stylesheet says for the screen (a phone lays a row
/// out as a card of three lines), and the range arithmetic follows it.
pub fn whole_pixels(css_value: &str) -> Option<f64> {
    let pixels: u16 = css_value.trim().strip_suffix("px")?.parse().ok()?;
    (pixels > 0).then_some(f64::from(pixels))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_row_height_is_read_in_whole_pixels_only() {
        assert_eq!(whole_pixels(" 68px"), Some(68.0));
        assert_eq!(whole_pixels("24px"), Some(24.0));
        for unusable in ["", "0px", "1.5rem", "24", "-3px", "24.5px", "px"] {
            assert_eq!(whole_pixels(unusable), None, "{unusable:?}");
        }
    }

    fn at(scroll_top: f64) -> Viewport {
        Viewport {
            row_height: 32.0,
            overscan: 8,
            scroll_top,
            height: 320.0,
        }
    }

    #[test]
    fn the_range_covers_the_screen_plus_overscan() {
        assert_eq!(at(0.0).range(1000), (0, 18));
        assert_eq!(at(3200.0).range(1000), (92, 118));
        // Scrolled past rows that a filter removed: nothing until the browser
        // clamps the scroll position and the table measures again.
        assert_eq!(at(3200.0).range(50), (50, 50));
        assert_eq!(at(1280.0).range(50), (32, 50));
        assert_eq!(at(0.0).range(0), (0, 0));
    }

    #[test]
    fn the_end_is_near_within_the_overscan() {
        assert!(at(0.0).near_end(18, 20));
        assert!(!at(0.0).near_end(18, 100));
        assert!(!at(0.0).near_end(0, 0), "nothing loaded is not an end");
    }

    #[test]
    fn the_cursor_is_scrolled_into_view_only_when_hidden() {
        assert_eq!(at(3200.0).scroll_to_show(105), None);
        assert_eq!(at(3200.0).scroll_to_show(10), Some(320.0));
        assert_eq!(at(0.0).scroll_to_show(20), Some(20.0 * 32.0 + 64.0 - 320.0));
    }

    proptest! {
        #[test]
        fn the_range_never_leaves_the_rows(
            scroll_top in -1e6f64..1e9, height in -10f64..5000.0, total in 0usize..1_000_000,
        ) {
            let viewport = Viewport { row_height: 32.0, overscan: 8, scroll_top, height };
            let (start, end) = viewport.range(total);
            prop_assert!(start <= end && end <= total);
        }
    }
}
