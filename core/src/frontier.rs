//! The completeness frontier: how far back from the period's end the merged
//! timeline is complete. Each source is read newest first, so a source that still
//! has older pages is complete only back to its oldest loaded row; the merged view
//! is complete back to the newest of those. Rows older than that are not shown as
//! if complete, counts and charts say where completeness ends, and "Load older"
//! pages the sources that hold the frontier back.

use chrono::{DateTime, Utc};

use crate::format;
use crate::query::TimeWindow;
use crate::zone::ZoneRules;

/// What one source has loaded of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coverage {
    /// The oldest loaded row, if any.
    pub oldest: Option<DateTime<Utc>>,
    pub state: Reach,
    /// The vendor's exact count of the source's rows in the period; `None` when
    /// it gives none (or the count would not match the view's filters).
    pub total: Option<u64>,
}

/// How far a source's load has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every row of the period is loaded (no older page remains).
    Complete,
    /// Loading, or older pages remain: complete back to its oldest row.
    Partial,
    /// Its last request failed: nothing more arrives until a retry. It does not
    /// hold the others back, but the view says its rows are missing.
    Failed,
    /// A vendor's own search beside a source (Dify's keyword) failed: the
    /// source's rows are all there, but the rows only that search finds are
    /// missing until it answers. It holds nobody back.
    SearchFailed,
    /// Nothing loaded yet, and its first page is late: like a failed source it
    /// does not hold the others back while the view says its rows are missing;
    /// its rows join when they arrive, and it then holds the frontier as any.
    Late,
}

/// How far back the merged view is complete, and what it is missing.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Frontier {
    /// Complete from the period's end back to just after this instant: rows at it
    /// may continue on a page not loaded yet. `None`: back to the period's start.
    back_to: Option<DateTime<Utc>>,
    /// Indices (into the coverages) of the sources whose next page moves the
    /// frontier: those whose oldest loaded row is the frontier.
    holders: Vec<usize>,
    /// How many sources still have rows to load.
    incomplete: usize,
    /// How many sources failed; their rows are missing from the whole view.
    failed: usize,
    /// How many sources are late with their first page; their rows are
    /// missing until it comes.
    late: usize,
    /// How many vendor searches beside a source failed; the rows only they
    /// find are missing.
    failed_searches: usize,
    /// The incomplete sources' exact counts, summed; `None` when one of them
    /// gives none.
    incomplete_total: Option<u64>,
    /// Rows newer than this may be missing: the team archive has synced the
    /// archived sources shown only this far. `None`: no archived source lags.
    archive_synced_to: Option<DateTime<Utc>>,
    /// The frontier is where the team archive's rows begin (no page of any
    /// source can move it): older rows were never archived.
    held_by_archive: bool,
    /// The period's start: rows before it are out of the period, though
    /// loaded (live mode moves a relative period's start forward). `None`:
    /// no bound, for a frontier known complete without a window.
    period_start: Option<DateTime<Utc>>,
    /// The period's end: a frontier there means no row is complete yet (a
    /// source has sent no page). `None`: no window.
    period_end: Option<DateTime<Utc>>,
    /// The rows an export counted over this very period and filters, read
    /// whole, and when: the period's total then, where the vendors give none.
    exported_total: Option<(usize, DateTime<Utc>)>,
}

impl Frontier {
    /// Every source has loaded the whole period.
    pub fn complete() -> Frontier {
        Frontier::default()
    }

    /// Every source has loaded the whole `window`: the rows in it, and only
    /// those (live mode may have moved its start past loaded rows).
    pub fn whole(window: TimeWindow) -> Frontier {
        Frontier::of(window, &[])
    }

    /// The frontier of sources with these coverages over `window`.
    pub fn of(window: TimeWindow, coverages: &[Coverage]) -> Frontier {
        // A source with nothing loaded yet holds the frontier at the period's end.
        let reach = |coverage: &Coverage| coverage.oldest.unwrap_or(window.to).min(window.to);
        // One whose rows reach back before the period's start (live mode moved
        // it) holds the whole period, whatever older pages remain.
        let partial: Vec<(usize, DateTime<Utc>)> = coverages
            .iter()
            .enumerate()
            .filter(|(_, coverage)| {
                coverage.state == Reach::Partial
                    && coverage.oldest.is_none_or(|oldest| oldest >= window.from)
            })
            .map(|(index, coverage)| (index, reach(coverage)))
            .collect();
        let back_to = partial.iter().map(|(_, reach)| *reach).max();
        Frontier {
            back_to,
            holders: partial
                .iter()
                .filter(|(_, reach)| Some(*reach) == back_to)
                .map(|(index, _)| *index)
                .collect(),
            incomplete: partial.len(),
            // A late source's count is not in yet: no total while one is.
            incomplete_total: (!partial.is_empty()
                && !coverages
                    .iter()
                    .any(|coverage| coverage.state == Reach::Late))
            .then(|| {
                partial
                    .iter()
                    .filter_map(|(index, _)| coverages.get(*index))
                    .try_fold(0u64, |sum, coverage| {
                        Some(sum.saturating_add(coverage.total?))
                    })
            })
            .flatten(),
            failed: coverages
                .iter()
                .filter(|coverage| coverage.state == Reach::Failed)
                .count(),
            late: coverages
                .iter()
                .filter(|coverage| coverage.state == Reach::Late)
                .count(),
            failed_searches: coverages
                .iter()
                .filter(|coverage| coverage.state == Reach::SearchFailed)
                .count(),
            archive_synced_to: None,
            held_by_archive: false,
            period_start: Some(window.from),
            period_end: Some(window.to),
            exported_total: None,
        }
    }

    /// The same frontier, knowing what an export of the same rows counted
    /// ([`crate::export_note::ExportedTotal::applies_to`]).
    pub fn with_exported_total(self, exported: Option<(usize, DateTime<Utc>)>) -> Frontier {
        Frontier {
            exported_total: exported,
            ..self
        }
    }

    /// The same frontier, knowing the team archive holds its sources shown
    /// only from `covered_from`: the view is whole back to there at most,
    /// paging cannot move that, and the period's total is unknown.
    pub fn with_archive_from(self, covered_from: Option<DateTime<Utc>>) -> Frontier {
        match covered_from {
            Some(from) if self.back_to.is_none_or(|back_to| from > back_to) => Frontier {
                back_to: Some(from),
                holders: Vec::new(),
                incomplete_total: None,
                held_by_archive: true,
                ..self
            },
            _ => self,
        }
    }

    /// The same frontier without a total for the period: the vendors counted
    /// another period than the one shown (live mode moved its start).
    pub fn without_total(self) -> Frontier {
        Frontier {
            incomplete_total: None,
            ..self
        }
    }

    /// The same frontier, knowing the team archive has synced its sources shown
    /// only up to `synced_to` (rows after it come with its next sync).
    pub fn with_archive_synced_to(self, synced_to: Option<DateTime<Utc>>) -> Frontier {
        Frontier {
            archive_synced_to: synced_to,
            ..self
        }
    }

    /// See [`Frontier::with_archive_synced_to`].
    pub fn archive_synced_to(&self) -> Option<DateTime<Utc>> {
        self.archive_synced_to
    }

    /// Whether every selected source has loaded the whole period.
    pub fn is_complete(&self) -> bool {
        self.back_to.is_none()
            && self.failed == 0
            && self.late == 0
            && self.failed_searches == 0
            && self.archive_synced_to.is_none()
    }

    /// The oldest instant the view may show as complete; `None` when the rows
    /// reach back to the period's start.
    pub fn back_to(&self) -> Option<DateTime<Utc>> {
        self.back_to
    }

    /// Whether a row at `timestamp` lies in the complete part of the period.
    pub fn covers(&self, timestamp: DateTime<Utc>) -> bool {
        self.covers_micros()(timestamp.timestamp_micros())
    }

    /// [`Frontier::covers`] for times in Unix microseconds, with the frontier
    /// read once: the timeline tests every row's time with it.
    pub fn covers_micros(&self) -> impl Fn(i64) -> bool {
        let back_to = self.back_to.map(|back_to| back_to.timestamp_micros());
        let start = self.period_start.map(|start| start.timestamp_micros());
        move |at| {
            back_to.is_none_or(|back_to| at > back_to) && start.is_none_or(|start| at >= start)
        }
    }

    /// The row count as the page states it: a bare count only when complete.
    /// `rows` are the rows shown, `complete_rows` those of them from sources
    /// loaded whole: with the others' counts, they make the period's total.
    pub fn count_line(&self, rows: usize, complete_rows: usize, zone: &ZoneRules) -> String {
        self.count_line_with_older(rows, complete_rows, 0, zone)
    }

    /// [`Frontier::count_line`] while the older rows loaded are shown:
    /// `older` of the `rows` are older than "complete back to …", said right
    /// after it.
    pub fn count_line_with_older(
        &self,
        rows: usize,
        complete_rows: usize,
        older: usize,
        zone: &ZoneRules,
    ) -> String {
        let mut line = match rows {
            1 => "1 row".to_owned(),
            n => format!("{n} rows"),
        };
        if self.awaits_first_pages() {
            line.push_str(" · waiting for the first rows of the period from ");
            line.push_str(&sources(self.holders.len().max(1), "source"));
        } else if let Some(back_to) = self.back_to {
            line.push_str(" · complete back to ");
            line.push_str(&format::timestamp_in(back_to, zone));
            line.push_str(&older_rows_note(older));
            match self.incomplete_total {
                Some(incomplete) => {
                    let total = (complete_rows as u64).saturating_add(incomplete);
                    line.push_str(&format!(" · about {total} in the period"));
                }
                None => match self.exported_total {
                    Some((rows, at)) => line.push_str(&format!(
                        " · {rows} in the period by the export at {}",
                        format::timestamp_in(at, zone)
                    )),
                    None => line.push_str(" · total for the period unknown"),
                },
            }
        }
        if let Some(synced_to) = self.archive_synced_to {
            line.push_str(" · archive synced to ");
            line.push_str(&format::timestamp_in(synced_to, zone));
        }
        if self.failed > 0 {
            line.push_str(" · without ");
            line.push_str(&sources(self.failed, "failed source"));
        }
        if self.late > 0 {
            line.push_str(" · without ");
            line.push_str(&sources_still_loading(self.late));
        }
        if self.failed_searches > 0 {
            line.push_str(" · without ");
            line.push_str(&vendor_searches(self.failed_searches));
        }
        line
    }

    /// Whether the frontier is the period's end: a source has sent no page
    /// yet, so no row is known complete.
    fn awaits_first_pages(&self) -> bool {
        !self.held_by_archive
            && matches!((self.back_to, self.period_end), (Some(back_to), Some(end)) if back_to >= end)
    }

    /// What is missing, for the line below the table; `None` when complete.
    pub fn missing_line(&self, zone: &ZoneRules) -> Option<String> {
        // Before every source's first rows the count line says it waits, and
        // "Loading logs…" stands in the table: a note that changes as they
        // come would move what lies around it.
        let older = self.back_to.filter(|_| !self.awaits_first_pages()).map(|back_to| {
            if self.held_by_archive {
                return format!(
                    "Complete back to {} — the team archive holds its sources from then: older rows were never archived.",
                    format::timestamp_in(back_to, zone)
                );
            }
            format!(
                "Complete back to {} — older rows from {} not loaded yet.",
                format::timestamp_in(back_to, zone),
                sources(self.incomplete, "source")
            )
        });
        let archive = self.archive_synced_to.map(|synced_to| {
            format!(
                "The team archive has synced its sources up to {}: their newer rows come with its next sync.",
                format::timestamp_in(synced_to, zone)
            )
        });
        let older = match (older, archive) {
            (Some(older), Some(archive)) => Some(format!("{older} {archive}")),
            (older, archive) => older.or(archive),
        };
        let failed = match self.failed {
            0 => None,
            1 => Some("Rows of 1 failed source are missing until it answers.".to_owned()),
            n => Some(format!(
                "Rows of {n} failed sources are missing until they answer."
            )),
        };
        let late = match self.late {
            0 => None,
            1 => Some(
                "Rows of 1 source still loading are not shown yet: they join the table with its first page.".to_owned(),
            ),
            n => Some(format!(
                "Rows of {n} sources still loading are not shown yet: they join the table with their first pages."
            )),
        };
        let searches = match self.failed_searches {
            0 => None,
            1 => Some(
                "1 vendor search failed: rows only it finds are missing until it answers."
                    .to_owned(),
            ),
            n => Some(format!(
                "{n} vendor searches failed: rows only they find are missing until they answer."
            )),
        };
        let lines: Vec<String> = [older, failed, late, searches]
            .into_iter()
            .flatten()
            .collect();
        (!lines.is_empty()).then(|| lines.join(" "))
    }

    /// What the volume chart's legend says its bars leave out; `None` when every
    /// bar counts every selected source over its whole span.
    pub fn chart_note(&self) -> Option<String> {
        let mut notes = Vec::new();
        if self.held_by_archive {
            notes.push(
                "Hatched: before the team archive's first day (not archived; counts there are unknown, not zero)."
                    .to_owned(),
            );
        } else if self.back_to.is_some() {
            notes.push(
                "Hatched: not loaded yet (counts there are unknown, not zero); pale: partly loaded."
                    .to_owned(),
            );
        }
        if self.failed > 0 {
            let (whose, answers) = match self.failed {
                1 => ("its", "it answers"),
                _ => ("their", "they answer"),
            };
            notes.push(format!(
                "Every bar is without {}: {whose} rows are missing until {answers}.",
                sources(self.failed, "failed source")
            ));
        }
        if self.late > 0 {
            notes.push(format!(
                "Every bar is without {} for now.",
                sources_still_loading(self.late)
            ));
        }
        if self.failed_searches > 0 {
            notes.push(format!(
                "Every bar is without the rows only {} would find.",
                failed_vendor_searches(self.failed_searches)
            ));
        }
        (!notes.is_empty()).then(|| notes.join(" "))
    }

    /// What every bar lacks, for each bar's own description (the legend's note
    /// is not read with a bar): "without 1 source still loading".
    pub fn bars_lack(&self) -> Option<String> {
        let mut lacks = Vec::new();
        if self.failed > 0 {
            lacks.push(sources(self.failed, "failed source"));
        }
        if self.late > 0 {
            lacks.push(sources_still_loading(self.late));
        }
        if self.failed_searches > 0 {
            lacks.push(vendor_searches(self.failed_searches));
        }
        (!lacks.is_empty()).then(|| format!("without {}", lacks.join(" or ")))
    }

    /// Whether rows older than the frontier may be loaded (from the sources
    /// read further back): what "Show the older rows loaded" can show. Not
    /// where the team archive's rows begin: none is older.
    pub fn has_older_part(&self) -> bool {
        self.back_to.is_some() && !self.held_by_archive && !self.awaits_first_pages()
    }

    /// The frontier to select the shown rows by when the older rows loaded are
    /// shown too (`older_shown`): every loaded row of the period.
    pub fn shown(&self, older_shown: bool) -> Frontier {
        match self.period_start {
            Some(from) if older_shown && self.has_older_part() => Frontier {
                back_to: None,
                period_start: Some(from),
                ..Frontier::default()
            },
            _ => self.clone(),
        }
    }

    /// The sources to page next to move the frontier back; empty when "Load
    /// older" has nothing to do.
    pub fn holders(&self) -> &[usize] {
        &self.holders
    }
}

#[cfg(test)]
impl Frontier {
    /// Complete back to `back_to`, held by source 0: for other modules' tests.
    pub(crate) fn held_at(back_to: DateTime<Utc>) -> Frontier {
        Frontier {
            back_to: Some(back_to),
            holders: vec![0],
            incomplete: 1,
            failed: 0,
            late: 0,
            failed_searches: 0,
            incomplete_total: None,
            archive_synced_to: None,
            held_by_archive: false,
            period_start: None,
            period_end: None,
            exported_total: None,
        }
    }
}

/// "1 source", "3 sources" (for `noun` "source" or "failed source").
fn sources(count: usize, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// " · 1432 of them older than that, not every source read so far back
/// (shaded)": after "complete back to …" while the older rows loaded show.
fn older_rows_note(older: usize) -> String {
    match older {
        0 => String::new(),
        1 => " · 1 of them older than that, not every source read so far back (shaded)".to_owned(),
        n => format!(" · {n} of them older than that, not every source read so far back (shaded)"),
    }
}

/// "1 failed vendor search", "2 failed vendor searches".
fn vendor_searches(count: usize) -> String {
    match count {
        1 => "1 failed vendor search".to_owned(),
        n => format!("{n} failed vendor searches"),
    }
}

/// "the failed vendor search", "the 2 failed vendor searches".
fn failed_vendor_searches(count: usize) -> String {
    match count {
        1 => "the failed vendor search".to_owned(),
        n => format!("the {n} failed vendor searches"),
    }
}

/// "1 source still loading", "2 sources still loading".
fn sources_still_loading(count: usize) -> String {
    format!("{} still loading", sources(count, "source"))
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
            state: Reach::Partial,
            total: None,
        }
    }

    fn done(oldest: Option<i64>) -> Coverage {
        Coverage {
            oldest: oldest.map(minute),
            state: Reach::Complete,
            total: None,
        }
    }

    fn failed(oldest: Option<i64>) -> Coverage {
        Coverage {
            oldest: oldest.map(minute),
            state: Reach::Failed,
            total: None,
        }
    }

    #[test]
    fn the_archives_first_day_bounds_the_view_and_no_page_moves_it() {
        let utc = ZoneRules::utc();
        let loaded = Frontier::of(window(), &[done(Some(300)), partial(900)]);
        // Holds from minute 600: the archive never stored older rows.
        let bounded = loaded.clone().with_archive_from(Some(minute(600)));
        assert_eq!(
            bounded.back_to(),
            Some(minute(900)),
            "the loads reach less far"
        );
        let whole = Frontier::of(window(), &[done(Some(300))]);
        let bounded = whole.with_archive_from(Some(minute(600)));
        assert_eq!(bounded.back_to(), Some(minute(600)));
        assert!(!bounded.is_complete());
        assert!(bounded.holders().is_empty(), "Load older cannot help");
        assert!(bounded
            .count_line(40, 40, &utc)
            .ends_with("total for the period unknown"));
        assert!(bounded
            .missing_line(&utc)
            .unwrap()
            .contains("never archived"));
        assert!(bounded
            .chart_note()
            .unwrap()
            .contains("team archive's first day"));
        assert_eq!(loaded.clone().with_archive_from(None), loaded);
    }

    #[test]
    fn an_archive_behind_the_period_keeps_the_count_from_being_bare() {
        let utc = ZoneRules::utc();
        let synced = minute(30);
        let frontier = Frontier::complete().with_archive_synced_to(Some(synced));
        assert!(!frontier.is_complete());
        assert_eq!(
            frontier.count_line(12, 12, &utc),
            "12 rows · archive synced to 2026-01-01 00:30:00"
        );
        assert!(frontier
            .missing_line(&utc)
            .is_some_and(|line| line.contains("newer rows come with its next sync")));
        assert!(
            frontier.covers(synced + chrono::Duration::minutes(5)),
            "its rows still show"
        );
    }

    #[test]
    fn a_source_reaching_back_before_a_moved_start_holds_the_whole_period() {
        let moved = TimeWindow {
            from: minute(100),
            to: minute(1000),
        };
        // Its oldest row is older than the period: older pages are not the period's.
        let frontier = Frontier::of(moved, &[partial(90), done(Some(5))]);
        assert!(frontier.is_complete());
        assert!(frontier.holders().is_empty());
        let held = Frontier::of(moved, &[partial(90), partial(500)]);
        assert_eq!(held.back_to(), Some(minute(500)));
        assert_eq!(held.holders(), [1]);
        let utc = ZoneRules::utc();
        let counted = Frontier::of(
            moved,
            &[Coverage {
                total: Some(40),
                ..partial(500)
            }],
        );
        assert!(counted
            .count_line(10, 0, &utc)
            .contains("about 40 in the period"));
        assert!(counted
            .without_total()
            .count_line(10, 0, &utc)
            .contains("total for the period unknown"));
    }

    #[test]
    fn rows_before_the_periods_start_are_outside_it_however_loaded() {
        // Live mode moved the start of a relative period to minute 100.
        let moved = TimeWindow {
            from: minute(100),
            to: minute(1000),
        };
        let frontier = Frontier::of(moved, &[done(Some(50))]);
        assert!(frontier.is_complete());
        assert!(frontier.covers(minute(100)));
        assert!(!frontier.covers(minute(99)));
    }

    #[test]
    fn uneven_densities_put_the_frontier_at_the_densest_incomplete_source() {
        // A sparse source reached minute 100, a dense one only minute 900.
        let frontier = Frontier::of(window(), &[partial(100), partial(900), done(Some(50))]);
        assert_eq!(
            frontier,
            Frontier {
                back_to: Some(minute(900)),
                holders: vec![1],
                incomplete: 2,
                failed: 0,
                late: 0,
                failed_searches: 0,
                incomplete_total: None,
                archive_synced_to: None,
                held_by_archive: false,
                period_start: Some(window().from),
                period_end: Some(window().to),
                exported_total: None,
            }
        );
        assert!(!frontier.is_complete());
        assert!(frontier.covers(minute(950)));
        assert!(
            !frontier.covers(minute(900)),
            "rows at the frontier may continue on the next page"
        );
    }

    #[test]
    fn complete_and_empty_sources_do_not_hold_the_frontier() {
        let whole = Frontier::whole(window());
        assert!(whole.is_complete());
        assert_eq!(Frontier::of(window(), &[done(None), done(Some(3))]), whole);
        // File snapshots are loaded whole: complete.
        assert_eq!(Frontier::of(window(), &[done(Some(999))]), whole);
        assert!(Frontier::complete().is_complete());
    }

    #[test]
    fn a_loading_source_without_rows_holds_the_frontier_at_the_end() {
        let nothing_yet = Coverage {
            oldest: None,
            state: Reach::Partial,
            total: None,
        };
        let frontier = Frontier::of(window(), &[partial(10), nothing_yet]);
        assert_eq!(frontier.back_to(), Some(minute(1000)));
        assert_eq!(frontier.holders(), [1]);
    }

    #[test]
    fn a_source_late_with_its_first_page_holds_nobody_back_and_is_named_missing() {
        let utc = ZoneRules::utc();
        let late = Coverage {
            oldest: None,
            state: Reach::Late,
            total: None,
        };
        let frontier = Frontier::of(window(), &[done(Some(5)), late]);
        assert_eq!(frontier.back_to(), None, "the answered source shows whole");
        assert!(!frontier.is_complete());
        assert!(frontier.holders().is_empty());
        assert_eq!(
            frontier.count_line(7, 7, &utc),
            "7 rows · without 1 source still loading"
        );
        assert_eq!(
            frontier.missing_line(&utc).as_deref(),
            Some("Rows of 1 source still loading are not shown yet: they join the table with its first page.")
        );
        assert_eq!(
            frontier.chart_note().as_deref(),
            Some("Every bar is without 1 source still loading for now.")
        );
        // Once it has rows it is partial like any other and holds the frontier.
        let arrived = Frontier::of(window(), &[done(Some(5)), partial(900)]);
        assert_eq!(arrived.back_to(), Some(minute(900)));
        let two = Frontier::of(window(), &[late, late, failed(None)]);
        assert_eq!(
            two.missing_line(&utc).as_deref(),
            Some(
                "Rows of 1 failed source are missing until it answers. \
                 Rows of 2 sources still loading are not shown yet: they join the table with their first pages."
            )
        );
        assert_eq!(
            two.chart_note().as_deref(),
            Some(
                "Every bar is without 1 failed source: its rows are missing until it answers. \
                 Every bar is without 2 sources still loading for now."
            )
        );
        assert!(two
            .count_line(3, 0, &utc)
            .contains("without 2 sources still loading"));
        assert_eq!(
            two.bars_lack().as_deref(),
            Some("without 1 failed source or 2 sources still loading")
        );
        assert_eq!(arrived.bars_lack(), None);
    }

    #[test]
    fn before_every_first_page_the_view_says_it_waits_not_that_it_is_complete_to_now() {
        let utc = ZoneRules::utc();
        let nothing_yet = Coverage {
            oldest: None,
            state: Reach::Partial,
            total: None,
        };
        let frontier = Frontier::of(window(), &[partial(400), nothing_yet]);
        assert_eq!(frontier.back_to(), Some(minute(1000)));
        assert_eq!(
            frontier.count_line(0, 0, &utc),
            "0 rows · waiting for the first rows of the period from 1 source"
        );
        assert_eq!(frontier.missing_line(&utc), None, "the count line says it");
        let with_a_failure = Frontier::of(window(), &[nothing_yet, failed(None)]);
        assert_eq!(
            with_a_failure.missing_line(&utc).as_deref(),
            Some("Rows of 1 failed source are missing until it answers.")
        );
        // Once it has sent rows, the frontier is theirs.
        let arrived = Frontier::of(window(), &[partial(400), partial(900)]);
        assert!(arrived
            .count_line(3, 0, &utc)
            .starts_with("3 rows · complete back to "));
    }

    #[test]
    fn the_older_rows_loaded_can_be_shown_with_the_whole_period_as_the_frontier() {
        let utc = ZoneRules::utc();
        let partial_view = Frontier::of(window(), &[partial(400), done(Some(5))]);
        assert!(partial_view.has_older_part());
        assert_eq!(partial_view.shown(false), partial_view);
        let shown = partial_view.shown(true);
        assert_eq!(shown.back_to(), None);
        assert!(shown.covers(minute(5)), "the complete source's old row");
        assert!(!shown.covers(minute(-1)), "still not before the period");
        assert_eq!(
            partial_view.count_line_with_older(9, 4, 5, &utc),
            "9 rows · complete back to 2026-01-01 06:40:00 · \
             5 of them older than that, not every source read so far back (shaded) · \
             total for the period unknown"
        );
        let failed = Frontier::of(window(), &[partial(400), failed(None)]);
        assert!(failed.count_line_with_older(2, 0, 1, &utc).starts_with(
            "2 rows · complete back to 2026-01-01 06:40:00 · 1 of them older than that,"
        ));
        assert_eq!(
            partial_view.count_line_with_older(9, 4, 0, &utc),
            partial_view.count_line(9, 4, &utc)
        );
        // An export that read the same rows whole knows the period's total.
        let exported = partial_view
            .clone()
            .with_exported_total(Some((25_097, minute(1200))));
        assert_eq!(
            exported.count_line(9, 4, &utc),
            "9 rows · complete back to 2026-01-01 06:40:00 · \
             25097 in the period by the export at 2026-01-01 20:00:00"
        );
        // Nothing older to show: a whole view, or where the archive begins.
        assert!(!Frontier::of(window(), &[done(Some(5))]).has_older_part());
        let archived =
            Frontier::of(window(), &[done(Some(5))]).with_archive_from(Some(minute(100)));
        assert!(!archived.has_older_part());
        assert_eq!(archived.shown(true), archived);
    }

    #[test]
    fn a_failed_vendor_search_is_named_apart_from_failed_sources() {
        let utc = ZoneRules::utc();
        let search_failed = Coverage {
            oldest: None,
            state: Reach::SearchFailed,
            total: None,
        };
        let frontier = Frontier::of(window(), &[done(Some(5)), search_failed]);
        assert_eq!(frontier.back_to(), None, "the source's own rows show whole");
        assert!(!frontier.is_complete());
        assert!(frontier.holders().is_empty());
        assert_eq!(
            frontier.count_line(7, 7, &utc),
            "7 rows · without 1 failed vendor search"
        );
        assert_eq!(
            frontier.missing_line(&utc).as_deref(),
            Some("1 vendor search failed: rows only it finds are missing until it answers.")
        );
        assert_eq!(
            frontier.chart_note().as_deref(),
            Some("Every bar is without the rows only the failed vendor search would find.")
        );
        let with_a_source = Frontier::of(window(), &[failed(None), search_failed, search_failed]);
        assert_eq!(
            with_a_source.bars_lack().as_deref(),
            Some("without 1 failed source or 2 failed vendor searches")
        );
        assert!(with_a_source.missing_line(&utc).is_some_and(|line| line
            .starts_with("Rows of 1 failed source")
            && line.ends_with(
                "2 vendor searches failed: rows only they find are missing until they answer."
            )));
    }

    #[test]
    fn a_failed_source_hides_no_other_rows_but_the_view_says_it_is_missing() {
        let utc = ZoneRules::utc();
        let frontier = Frontier::of(window(), &[done(Some(5)), failed(None)]);
        assert_eq!(frontier.back_to(), None, "the complete source shows whole");
        assert!(frontier.covers(minute(5)));
        assert!(!frontier.is_complete());
        assert!(frontier.holders().is_empty(), "Load older cannot help");
        assert_eq!(
            frontier.count_line(7, 0, &utc),
            "7 rows · without 1 failed source"
        );
        assert_eq!(
            frontier.missing_line(&utc).as_deref(),
            Some("Rows of 1 failed source are missing until it answers.")
        );
        let both = Frontier::of(window(), &[partial(900), failed(None), failed(Some(950))]);
        assert_eq!(both.back_to(), Some(minute(900)));
        assert_eq!(
            both.count_line(2, 0, &utc),
            "2 rows · complete back to 2026-01-01 15:00:00 · total for the period unknown · without 2 failed sources"
        );
        assert_eq!(
            both.missing_line(&utc).as_deref(),
            Some(
                "Complete back to 2026-01-01 15:00:00 — older rows from 1 source not loaded yet. \
                 Rows of 2 failed sources are missing until they answer."
            )
        );
        assert_eq!(
            frontier.chart_note().as_deref(),
            Some("Every bar is without 1 failed source: its rows are missing until it answers.")
        );
        assert_eq!(
            both.chart_note().as_deref(),
            Some(
                "Hatched: not loaded yet (counts there are unknown, not zero); pale: partly loaded. \
                 Every bar is without 2 failed sources: their rows are missing until they answer."
            )
        );
    }

    #[test]
    fn vendor_counts_give_the_periods_total_only_when_every_incomplete_source_has_one() {
        let counted = |oldest: i64, total: Option<u64>| Coverage {
            total,
            ..partial(oldest)
        };
        let utc = ZoneRules::utc();
        let known = Frontier::of(
            window(),
            &[counted(300, Some(120)), counted(900, Some(30)), done(None)],
        );
        assert_eq!(
            known.count_line(50, 10, &utc),
            "50 rows · complete back to 2026-01-01 15:00:00 · about 160 in the period"
        );
        let unknown = Frontier::of(window(), &[counted(300, Some(120)), counted(900, None)]);
        assert!(unknown
            .count_line(50, 10, &utc)
            .ends_with("total for the period unknown"));
        assert_eq!(
            Frontier::of(window(), &[done(None)]).count_line(7, 7, &utc),
            "7 rows"
        );
    }

    #[test]
    fn counts_say_where_completeness_ends() {
        let utc = ZoneRules::utc();
        assert_eq!(
            Frontier::complete().count_line(5833, 5833, &utc),
            "5833 rows"
        );
        assert_eq!(Frontier::complete().missing_line(&utc), None);
        assert_eq!(Frontier::complete().chart_note(), None);
        let frontier = Frontier::of(window(), &[partial(100), partial(900)]);
        assert_eq!(
            frontier.count_line(1, 0, &utc),
            "1 row · complete back to 2026-01-01 15:00:00 · total for the period unknown"
        );
        assert_eq!(
            frontier.missing_line(&utc).as_deref(),
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
                total: None,
                state: if arrived && n == rows.len() {
                    Reach::Complete
                } else {
                    Reach::Partial
                },
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
            prop_assert!(Frontier::of(window(), &everything).is_complete());
        }
    }
}
