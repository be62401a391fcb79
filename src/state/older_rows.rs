//! The older rows loaded (`older=shown`): whether they show, the frontier the
//! shown rows are selected by, from when rows are shaded, and the count
//! line's figures of the period that say how many of them there are.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::state::loads::Loads;
use crate::state::url::HistoryEntry;
use logdeck_core::frontier::Frontier;
use logdeck_core::load_book::LoadBook;
use logdeck_core::query::LogQuery;
use logdeck_core::timeline::PeriodCounts;

/// The older rows' state; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct OlderRows {
    /// Asked for, and there is an older part to show.
    pub shown: Memo<bool>,
    /// What the shown rows are selected by: the frontier, or with the older
    /// rows shown every loaded row of the period.
    pub frontier: Memo<Frontier>,
    /// Rows at or before this instant are shaded.
    pub shaded_before: Signal<Option<DateTime<Utc>>>,
    /// Shows or hides them (a step in the history, like any view change).
    pub show: Callback<bool>,
}

/// The older rows of the view `query` over `frontier`.
pub fn use_older_rows(
    query: Memo<LogQuery>,
    set_query: Callback<(LogQuery, HistoryEntry)>,
    frontier: Memo<Frontier>,
) -> OlderRows {
    let shown = Memo::new(move |_| {
        query.with(|q| q.older_shown) && frontier.with(Frontier::has_older_part)
    });
    OlderRows {
        shown,
        frontier: Memo::new(move |_| frontier.with(|f| f.shown(shown.get()))),
        shaded_before: Signal::derive(move || {
            shown
                .get()
                .then(|| frontier.with(Frontier::back_to))
                .flatten()
        }),
        show: Callback::new(move |older_shown: bool| {
            let next = LogQuery {
                older_shown,
                ..query.get_untracked()
            };
            set_query.run((next, HistoryEntry::Push));
        }),
    }
}

/// The loaded rows of the period `filters` keep, counted for the count line
/// ([`Timeline::period_counts`]). The shown rows are `rows`: when the view is
/// complete they are the period's, all of whole sources, none older.
///
/// [`Timeline::period_counts`]: logdeck_core::timeline::Timeline::period_counts
pub fn use_period_counts(
    loads: Loads,
    filters: Memo<LogQuery>,
    rows: Memo<Vec<usize>>,
    frontier: Memo<Frontier>,
) -> Memo<PeriodCounts> {
    Memo::new(move |_| {
        if frontier.with(Frontier::is_complete) {
            return PeriodCounts {
                from_whole_sources: rows.with(Vec::len),
                older: 0,
            };
        }
        let Some(window) = loads.window.get() else {
            return PeriodCounts::default();
        };
        let whole_sources = loads.book.with(LoadBook::complete_ids);
        let back_to = frontier.with(Frontier::back_to);
        filters.with(|query| {
            let server = loads.book.with(|book| book.server_applied(query));
            loads.timeline.with(|timeline| {
                timeline.period_counts(query, window, &server, &whole_sources, back_to)
            })
        })
    })
}
