//! The completeness frontier: how far back from the period's end the merged
//! timeline is complete. Each source is read newest first, so a source that still
//! has older pages is complete only back to its oldest loaded row; the merged view
//! is complete back to the newest of those. Rows older than that are not shown as
//! if complete, counts and charts say where completeness ends, and "Load older"
//! pages the sources that hold the frontier back.

use chrono::{DateTime, FixedOffset, Utc};

use crate::format;
use crate::query::TimeWindow;

/// What one source has loaded of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// The oldest loaded row, if any.
    pub oldest: Option<DateTime<Utc>>,
    /// Every row of the period is loaded (no older page remains). A source that is
    /// loading, has failed or has older pages is not complete.
    pub complete: bool,
}

/// How far back the merged view is complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frontier {
    /// Every selected source has loaded the whole period.
    Complete,
    /// Complete from the period's end back to just after `back_to`: rows at
    /// `back_to` itself may continue on a page not loaded yet, and older rows of
    /// some sources are missing.
    Partial {
        back_to: DateTime<Utc>,
        /// Indices (into the coverages) of the sources whose next page moves the
        /// frontier: those whose oldest loaded row is the frontier.
        holders: Vec<usize>,
        /// How many sources are incomplete.
        incomplete: usize,
    },
}

impl Frontier {
    /// The frontier of sources with these coverages over `window`.
    pub fn of(window: TimeWindow, coverages: &[Coverage]) -> Frontier {
        // A source with nothing loaded yet holds the frontier at the period's end.
        let reach = |coverage: &Coverage| coverage.oldest.unwrap_or(window.to).min(window.to);
        let incomplete: Vec<(usize, DateTime<Utc>)> = coverages
            .iter()
            .enumerate()
            .filter(|(_, coverage)| !coverage.complete)
            .map(|(index, coverage)| (index, reach(coverage)))
            .collect();
        let Some(back_to) = incomplete.iter().map(|(_, reach)| *reach).max() else {
            return Frontier::Complete;
        };
        Frontier::Partial {
            back_to,
            holders: incomplete
                .iter()
                .filter(|(_, reach)| *reach == back_to)
                .map(|(index, _)| *index)
                .collect(),
            incomplete: incomplete.len(),
        }
    }

    /// The oldest instant the view may show as complete; `None` when all is complete.
    pub fn back_to(&self) -> Option<DateTime<Utc>> {
        match self {
            Frontier::Complete => None,
            Frontier::Partial { back_to, .. } => Some(*back_to),
        }
    }

    /// Whether a row at `timestamp` lies in the complete part of the period.
    pub fn covers(&self, timestamp: DateTime<Utc>) -> bool {
        self.back_to().is_none_or(|back_to| timestamp > back_to)
    }

    /// The row count as the page states it: a bare count only when complete.
    pub fn count_line(&self, rows: usize, offset: FixedOffset) -> String {
        let rows = match rows {
            1 => "1 row".to_owned(),
            n => format!("{n} rows"),
        };
        match self {
            Frontier::Complete => rows,
            Frontier::Partial { back_to, .. } => format!(
                "{rows} · complete back to {}",
                format::timestamp_in(*back_to, offset)
            ),
        }
    }

    /// What is missing, for the line below the table; `None` when complete.
    pub fn missing_line(&self, offset: FixedOffset) -> Option<String> {
        let Frontier::Partial {
            back_to,
            incomplete,
            ..
        } = self
        else {
            return None;
        };
        let sources = match incomplete {
            1 => "1 source".to_owned(),
            n => format!("{n} sources"),
        };
        Some(format!(
            "Complete back to {} — older rows from {sources} not loaded yet.",
            format::timestamp_in(*back_to, offset)
        ))
    }

    /// The sources to page next to move the frontier back.
    pub fn holders(&self) -> &[usize] {
        match self {
            Frontier::Complete => &[],
            Frontier::Partial { holders, .. } => holders,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::minute;
    use proptest::prelude::*;

    fn window() -> TimeWindow {
        TimeWindow {
            from: minute(0),
            to: minute(1000),
        }
    }

    fn partial(oldest: i64) -> Coverage {
        Coverage {
            oldest: Some(minute(oldest)),
            complete: false,
        }
    }

    fn done(oldest: Option<i64>) -> Coverage {
        Coverage {
            oldest: oldest.map(minute),
            complete: true,
        }
    }

    #[test]
    fn uneven_densities_put_the_frontier_at_the_densest_incomplete_source() {
        // A sparse source reached minute 100, a dense one only minute 900.
        let frontier = Frontier::of(window(), &[partial(100), partial(900), done(Some(50))]);
        assert_eq!(
            frontier,
            Frontier::Partial {
                back_to: minute(900),
                holders: vec![1],
                incomplete: 2
            }
        );
        assert!(frontier.covers(minute(950)));
        assert!(
            !frontier.covers(minute(900)),
            "rows at the frontier may continue on the next page"
        );
    }

    #[test]
    fn complete_and_empty_sources_do_not_hold_the_frontier() {
        assert_eq!(
            Frontier::of(window(), &[done(None), done(Some(3))]),
            Frontier::Complete
        );
        assert_eq!(Frontier::of(window(), &[]), Frontier::Complete);
        // File snapshots are loaded whole: complete.
        assert_eq!(
            Frontier::of(window(), &[done(Some(999))]),
            Frontier::Complete
        );
    }

    #[test]
    fn a_loading_or_failed_source_without_rows_holds_the_frontier_at_the_end() {
        let nothing_yet = Coverage {
            oldest: None,
            complete: false,
        };
        let frontier = Frontier::of(window(), &[partial(10), nothing_yet]);
        assert_eq!(frontier.back_to(), Some(minute(1000)));
        assert_eq!(frontier.holders(), [1]);
    }

    #[test]
    fn counts_say_where_completeness_ends() {
        let utc = FixedOffset::east_opt(0).unwrap();
        assert_eq!(Frontier::Complete.count_line(5833, utc), "5833 rows");
        assert_eq!(Frontier::Complete.missing_line(utc), None);
        let frontier = Frontier::of(window(), &[partial(100), partial(900)]);
        assert_eq!(
            frontier.count_line(1, utc),
            "1 row · complete back to 2026-01-01 15:00:00"
        );
        assert_eq!(
            frontier.missing_line(utc).as_deref(),
            Some(
                "Complete back to 2026-01-01 15:00:00 — older rows from 2 sources not loaded yet."
            )
        );
    }

    #[test]
    fn ties_name_every_holder() {
        let frontier = Frontier::of(window(), &[partial(500), partial(500), partial(10)]);
        assert_eq!(frontier.holders(), [0, 1]);
    }

    /// The coverages of newest-first sources of which `loaded[i]` rows arrived;
    /// `arrived[i]` once its first page came (an empty source is then complete).
    fn coverages(sources: &[Vec<i64>], loaded: &[usize], arrived: &[bool]) -> Vec<Coverage> {
        sources
            .iter()
            .zip(loaded)
            .zip(arrived)
            .map(|((rows, &n), &arrived)| Coverage {
                oldest: n.checked_sub(1).map(|i| minute(rows[i])),
                complete: arrived && n == rows.len(),
            })
            .collect()
    }

    proptest! {
        /// Sources of any density, paged in any interleaving: at every step every
        /// row the frontier covers has been loaded, and in the end all is complete.
        #[test]
        fn the_complete_prefix_never_misses_a_row(
            sources in prop::collection::vec(prop::collection::vec(0i64..1000, 0..40), 1..5),
            page in 1usize..8,
            order in prop::collection::vec(0usize..5, 0..200),
        ) {
            let sources: Vec<Vec<i64>> = sources
                .into_iter()
                .map(|mut rows| { rows.sort_unstable_by(|a, b| b.cmp(a)); rows })
                .collect();
            let mut loaded = vec![0usize; sources.len()];
            let mut arrived = vec![false; sources.len()];
            for pick in order {
                let index = pick % sources.len();
                arrived[index] = true;
                loaded[index] = (loaded[index] + page).min(sources[index].len());
                let frontier = Frontier::of(window(), &coverages(&sources, &loaded, &arrived));
                for (rows, &n) in sources.iter().zip(&loaded) {
                    for (position, &m) in rows.iter().enumerate() {
                        if frontier.covers(minute(m)) {
                            prop_assert!(position < n, "row at minute {} not loaded", m);
                        }
                    }
                }
            }
            let all: Vec<usize> = sources.iter().map(Vec::len).collect();
            let everything = coverages(&sources, &all, &vec![true; sources.len()]);
            prop_assert_eq!(Frontier::of(window(), &everything), Frontier::Complete);
        }
    }
}
