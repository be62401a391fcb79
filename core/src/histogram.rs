//! The volume chart's data: rows per time bucket, stacked by status.

use chrono::{DateTime, Utc};

use super::frontier::Frontier;
use super::query::TimeWindow;
use super::status::Status;

/// One bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Rows per status, in [`Status::ALL`] order.
    pub counts: [u32; Status::ALL.len()],
}

/// How much of a bar's span the loaded rows cover, so a bar over rows not loaded
/// yet never reads as zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BarCoverage {
    Complete,
    /// The frontier falls inside the bar: its count is a lower bound.
    Partial,
    /// No row of this span is loaded yet.
    NotLoaded,
}

impl Bucket {
    /// Where this bar stands against the completeness frontier.
    pub fn coverage(&self, frontier: &Frontier) -> BarCoverage {
        let loaded = match frontier.back_to() {
            None => BarCoverage::Complete,
            Some(back_to) if self.from > back_to => BarCoverage::Complete,
            // Older than the frontier: not loaded, unless rows of sources
            // read further back are shown there (then a lower bound).
            Some(back_to) if self.to <= back_to && self.total() == 0 => BarCoverage::NotLoaded,
            Some(_) => BarCoverage::Partial,
        };
        // A bar reaching past what the archive has synced lacks its newest rows.
        match frontier.archive_synced_to() {
            Some(synced_to) if self.to > synced_to && loaded == BarCoverage::Complete => {
                BarCoverage::Partial
            }
            _ => loaded,
        }
    }

    /// The part of the bar's span inside `window`, when the window cuts it
    /// (the first and last bars of a period that does not start or end on a
    /// bar's edge): its rows span less time than the other bars', so a low
    /// bar there is no dip. `None` when the bar lies whole in the window.
    pub fn clipped_to(&self, window: TimeWindow) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        // A period narrowed to bars ends a microsecond before the next bar's
        // start, which the last bar's span shares: that bar is whole.
        let whole_to = self.to - chrono::Duration::microseconds(1);
        let from = self.from.max(window.from);
        let to = if window.to >= whole_to {
            self.to
        } else {
            window.to
        };
        (from != self.from || to != self.to).then_some((from, to))
    }

    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }

    pub fn count(&self, status: Status) -> u32 {
        self.counts[status_index(status)]
    }

    /// Adds `rows` of `status` (the archive's counts to the loaded rows').
    pub fn add(&mut self, status: Status, rows: u32) {
        let count = &mut self.counts[status_index(status)];
        *count = count.saturating_add(rows);
    }

    /// Adds every count of `other`, a bar of the same span.
    pub fn add_bar(&mut self, other: &Bucket) {
        for (count, more) in self.counts.iter_mut().zip(other.counts) {
            *count = count.saturating_add(more);
        }
    }
}

fn status_index(status: Status) -> usize {
    Status::ALL
        .iter()
        .position(|s| *s == status)
        .unwrap_or(Status::ALL.len() - 1)
}

/// Bucket widths a person reads easily, smallest first.
const STEPS: [i64; 12] = [
    60,
    300,
    600,
    900,
    1800,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86_400,
    2 * 86_400,
    7 * 86_400,
];

/// The round bar width (seconds) that shows `window` in at most `max_bars`.
pub fn round_step(window: TimeWindow, max_bars: usize) -> i64 {
    let span = (window.to - window.from).num_seconds().max(1);
    let max_bars = max_bars.max(1) as i64;
    STEPS
        .into_iter()
        .find(|step| span / step < max_bars)
        .unwrap_or(span / max_bars + 1)
}

/// Where the bars stand: `count` equal spans from `from_ms` over `span_ms`
/// milliseconds. The chart and the team archive cut the same grid by the same
/// arithmetic, so the archive's exact counts land in the chart's own bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grid {
    pub from_ms: i64,
    pub span_ms: i64,
    pub count: usize,
}

impl Grid {
    /// `window` split into `count` equal spans; its last instant belongs to
    /// the last one.
    pub fn even(window: TimeWindow, count: usize) -> Grid {
        Grid {
            from_ms: window.from.timestamp_millis(),
            span_ms: (window.to - window.from).num_milliseconds().max(1),
            count: count.max(1),
        }
    }

    /// Bars `step_seconds` wide, starting at multiples of the step since the
    /// epoch, from the one holding the window's start to the one reaching its
    /// end. A window ending on a bar's edge ends with the bar before it (which
    /// takes the end instant itself): a bar past the period would read "0 rows"
    /// for time the period does not cover.
    pub fn aligned(window: TimeWindow, step_seconds: i64) -> Grid {
        let step = step_seconds.max(1);
        let start = window
            .from
            .timestamp()
            .div_euclid(step)
            .saturating_mul(step);
        let end = window
            .to
            .timestamp()
            .saturating_add(i64::from(window.to.timestamp_subsec_nanos() > 0));
        // At least one bar, for a window that is one instant on an edge.
        let count = end
            .saturating_sub(start)
            .saturating_add(step - 1)
            .div_euclid(step)
            .max(1);
        Grid {
            from_ms: start.saturating_mul(1000),
            span_ms: step.saturating_mul(count).saturating_mul(1000),
            count: usize::try_from(count).unwrap_or(1),
        }
    }

    /// The bar holding the instant `at_ms`; instants before or after the grid
    /// fall in the first or last bar.
    pub fn index_at_ms(&self, at_ms: i64) -> usize {
        let count = i64::try_from(self.count).unwrap_or(i64::MAX);
        // In 64 bits when it fits (every real case: the chart reads it per row).
        let raw = match at_ms
            .checked_sub(self.from_ms)
            .and_then(|offset| offset.checked_mul(count))
        {
            Some(scaled) => i128::from(scaled / self.span_ms.max(1)),
            None => {
                (i128::from(at_ms) - i128::from(self.from_ms)) * self.count as i128
                    / i128::from(self.span_ms.max(1))
            }
        };
        usize::try_from(raw.max(0))
            .unwrap_or(usize::MAX)
            .min(self.count.saturating_sub(1))
    }

    /// The instant where bar `index` starts (`count` gives the grid's end).
    pub fn edge(&self, index: usize) -> DateTime<Utc> {
        let offset = i128::from(self.span_ms) * index as i128 / self.count.max(1) as i128;
        let at = i64::try_from(i128::from(self.from_ms) + offset).unwrap_or(i64::MAX);
        DateTime::from_timestamp_millis(at).unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The bars, empty.
    pub fn buckets(&self) -> Vec<Bucket> {
        (0..self.count)
            .map(|index| Bucket {
                from: self.edge(index),
                to: self.edge(index + 1),
                counts: [0; Status::ALL.len()],
            })
            .collect()
    }
}

/// Counts rows, each given by its time (Unix microseconds, as the timeline
/// keeps it) and status, into `grid`'s bars; rows outside `window` are ignored.
pub fn histogram(
    rows: impl IntoIterator<Item = (i64, Status)>,
    window: TimeWindow,
    grid: &Grid,
) -> Vec<Bucket> {
    let mut buckets = grid.buckets();
    let (from, to) = (window.from.timestamp_micros(), window.to.timestamp_micros());
    for (at, status) in rows {
        if at < from || at > to {
            continue;
        }
        let index = grid.index_at_ms(at.div_euclid(1000));
        if let Some(bucket) = buckets.get_mut(index) {
            bucket.counts[status_index(status)] += 1;
        }
    }
    buckets
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LogRecord;
    use crate::test_support;
    use chrono::{Duration, TimeZone};

    fn record(minute: u32, status: Status) -> LogRecord {
        LogRecord {
            status,
            ..test_support::record(
                "s",
                &minute.to_string(),
                Utc.with_ymd_and_hms(2026, 1, 1, 10, minute, 0).unwrap(),
            )
        }
    }

    #[test]
    fn bars_know_whether_their_span_is_loaded() {
        let at = |minute: u32| Utc.with_ymd_and_hms(2026, 1, 1, 10, minute, 0).unwrap();
        let bar = Bucket {
            from: at(10),
            to: at(20),
            counts: [0; Status::ALL.len()],
        };
        let frontier = |minute| Frontier::held_at(at(minute));
        assert_eq!(bar.coverage(&Frontier::complete()), BarCoverage::Complete);
        assert_eq!(bar.coverage(&frontier(5)), BarCoverage::Complete);
        assert_eq!(bar.coverage(&frontier(15)), BarCoverage::Partial);
        assert_eq!(bar.coverage(&frontier(10)), BarCoverage::Partial);
        assert_eq!(bar.coverage(&frontier(20)), BarCoverage::NotLoaded);
        assert_eq!(bar.coverage(&frontier(40)), BarCoverage::NotLoaded);
        // Rows of the sources read further back shown there: a lower bound.
        let mut shown_older = bar.clone();
        shown_older.add(Status::Success, 3);
        assert_eq!(shown_older.coverage(&frontier(40)), BarCoverage::Partial);
    }

    #[test]
    fn buckets_are_round_cover_the_window_and_stack_by_status() {
        let window = TimeWindow {
            from: Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 1, 1, 11, 0, 0).unwrap(),
        };
        let records = [
            record(1, Status::Success),
            record(2, Status::Error),
            record(59, Status::Error),
        ];
        let grid = Grid::aligned(window, round_step(window, 30));
        let buckets = histogram(
            records
                .iter()
                .map(|r| (r.timestamp.timestamp_micros(), r.status)),
            window,
            &grid,
        );
        // One hour in at most 30 bars: twelve 5-minute bars, the last taking 11:00.
        assert_eq!(buckets.len(), 12);
        assert_eq!(buckets[0].to - buckets[0].from, Duration::minutes(5));
        assert_eq!(
            (
                buckets[0].count(Status::Success),
                buckets[0].count(Status::Error)
            ),
            (1, 1)
        );
        assert_eq!(buckets[11].count(Status::Error), 1);
        assert_eq!(buckets.iter().map(Bucket::total).sum::<u32>(), 3);
    }

    #[test]
    fn aligned_bars_start_at_round_instants_and_hold_both_ends_of_the_window() {
        let window = TimeWindow {
            from: Utc.with_ymd_and_hms(2026, 1, 1, 10, 7, 30).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 1, 1, 13, 0, 0).unwrap(),
        };
        let grid = Grid::aligned(window, 3600);
        assert_eq!(
            grid.count, 3,
            "10:00, 11:00 and 12:00, which takes 13:00 itself: no bar past the end"
        );
        assert_eq!(
            grid.edge(0),
            Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 0).unwrap()
        );
        assert_eq!(grid.edge(3), window.to);
        assert_eq!(grid.index_at_ms(window.from.timestamp_millis()), 0);
        assert_eq!(grid.index_at_ms(window.to.timestamp_millis()), 2);
        assert_eq!(grid.index_at_ms(window.to.timestamp_millis() - 1), 2);
        // Past an edge, the end needs the bar holding it.
        let later = TimeWindow {
            to: window.to + Duration::seconds(1),
            ..window
        };
        assert_eq!(Grid::aligned(later, 3600).count, 4);
        // One instant on an edge is one whole bar, not an empty grid.
        let instant = TimeWindow {
            from: window.to,
            ..window
        };
        let one = Grid::aligned(instant, 3600);
        assert_eq!(
            (one.count, one.edge(1) - one.edge(0)),
            (1, Duration::hours(1))
        );
    }

    #[test]
    fn the_bars_a_period_cuts_say_which_part_of_them_it_holds() {
        let window = TimeWindow {
            from: Utc.with_ymd_and_hms(2026, 1, 1, 10, 7, 30).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 1, 1, 12, 30, 0).unwrap(),
        };
        let bars = Grid::aligned(window, 3600).buckets();
        assert_eq!(
            bars[0].clipped_to(window),
            Some((
                window.from,
                Utc.with_ymd_and_hms(2026, 1, 1, 11, 0, 0).unwrap()
            ))
        );
        assert_eq!(bars[1].clipped_to(window), None, "11:00 to 12:00, whole");
        assert_eq!(
            bars[2].clipped_to(window),
            Some((
                Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap(),
                window.to
            ))
        );
        // A period narrowed to the 11:00 bar (which ends a microsecond
        // before 12:00) holds it whole.
        let narrowed = TimeWindow {
            from: bars[1].from,
            to: bars[1].to,
        }
        .of_bars_within(window);
        assert!(narrowed.to < bars[1].to);
        let narrowed_bars = Grid::aligned(narrowed, 3600).buckets();
        assert_eq!(narrowed_bars.len(), 1);
        assert_eq!(narrowed_bars[0].clipped_to(narrowed), None);
    }

    #[test]
    fn an_even_grid_gives_the_windows_last_instant_to_its_last_bar() {
        let window = TimeWindow {
            from: Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 1, 1, 10, 0, 10).unwrap(),
        };
        let grid = Grid::even(window, 3);
        assert_eq!(grid.index_at_ms(window.to.timestamp_millis()), 2);
        assert_eq!(grid.edge(1), window.from + Duration::milliseconds(3333));
        assert_eq!(grid.edge(3), window.to);
    }

    proptest::proptest! {
        /// Every instant of the window lands in the round bar whose edges hold
        /// it, whatever the window and step.
        #[test]
        fn each_instant_lands_in_the_bar_whose_edges_hold_it(
            from in -2_000_000_000i64..4_000_000_000,
            span in 1i64..40_000_000,
            step_index in 0usize..STEPS.len(),
            at_fraction in 0.0f64..=1.0,
        ) {
            let window = TimeWindow {
                from: DateTime::from_timestamp(from, 0).unwrap(),
                to: DateTime::from_timestamp(from + span, 0).unwrap(),
            };
            let grid = Grid::aligned(window, STEPS[step_index]);
            let at_ms = from * 1000 + (span as f64 * 1000.0 * at_fraction) as i64;
            let index = grid.index_at_ms(at_ms);
            proptest::prop_assert!(index < grid.count);
            proptest::prop_assert!(grid.edge(index).timestamp_millis() <= at_ms);
            // The last bar also takes the window's end when that is its edge.
            let end = grid.edge(index + 1).timestamp_millis();
            proptest::prop_assert!(at_ms < end || (index + 1 == grid.count && at_ms == end));
            proptest::prop_assert!(grid.edge(grid.count) >= window.to);
            proptest::prop_assert!(grid.edge(grid.count - 1) < window.to || grid.count == 1);
            proptest::prop_assert_eq!(grid.edge(index + 1) - grid.edge(index), Duration::seconds(STEPS[step_index]));
        }
    }

    #[test]
    fn rows_outside_the_window_are_ignored() {
        let window = TimeWindow {
            from: Utc.with_ymd_and_hms(2026, 1, 1, 10, 30, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 1, 1, 10, 40, 0).unwrap(),
        };
        let one = record(1, Status::Success);
        let grid = Grid::aligned(window, round_step(window, 10));
        let buckets = histogram(
            [(one.timestamp.timestamp_micros(), one.status)],
            window,
            &grid,
        );
        assert_eq!(buckets.iter().map(Bucket::total).sum::<u32>(), 0);
    }
}
