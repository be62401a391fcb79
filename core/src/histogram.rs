//! The volume chart's data: rows per time bucket, stacked by status.

use chrono::{DateTime, Duration, Utc};

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
            Some(back_to) if self.to <= back_to => BarCoverage::NotLoaded,
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

    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }

    pub fn count(&self, status: Status) -> u32 {
        self.counts[status_index(status)]
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

/// Splits `window` into at most `max_buckets` bars of a round width and counts
/// rows, each given by its time and status, into them; rows outside the
/// window are ignored.
pub fn histogram(
    rows: impl IntoIterator<Item = (DateTime<Utc>, Status)>,
    window: TimeWindow,
    max_buckets: usize,
) -> Vec<Bucket> {
    let span = (window.to - window.from).num_seconds().max(1);
    let max_buckets = max_buckets.max(1) as i64;
    let step = STEPS
        .into_iter()
        .find(|step| span / step < max_buckets)
        .unwrap_or(span / max_buckets + 1);
    let start = window.from.timestamp().div_euclid(step) * step;
    let count = ((window.to.timestamp() - start) / step + 1) as usize;
    let mut buckets: Vec<Bucket> = (0..count)
        .map(|index| {
            let from =
                DateTime::from_timestamp(start + index as i64 * step, 0).unwrap_or(window.from);
            Bucket {
                from,
                to: from + Duration::seconds(step),
                counts: [0; Status::ALL.len()],
            }
        })
        .collect();
    for (at, status) in rows {
        if at < window.from || at > window.to {
            continue;
        }
        let index = ((at.timestamp() - start) / step) as usize;
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
    use chrono::TimeZone;

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
        let buckets = histogram(records.iter().map(|r| (r.timestamp, r.status)), window, 30);
        // One hour in at most 30 bars: 5-minute bars, plus the one holding 11:00.
        assert_eq!(buckets.len(), 13);
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
    fn rows_outside_the_window_are_ignored() {
        let window = TimeWindow {
            from: Utc.with_ymd_and_hms(2026, 1, 1, 10, 30, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 1, 1, 10, 40, 0).unwrap(),
        };
        let one = record(1, Status::Success);
        let buckets = histogram([(one.timestamp, one.status)], window, 10);
        assert_eq!(buckets.iter().map(Bucket::total).sum::<u32>(), 0);
    }
}
