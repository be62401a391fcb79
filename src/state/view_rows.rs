//! The rows the view shows: what selects them ([`use_row_filters`]), the
//! loaded rows those filters keep within the complete part of the period
//! ([`use_row_set`], whatever the sort), and those rows in the query's order
//! ([`use_view_rows`], timeline indices). Split so a sort reorders without
//! filtering again, and what only counts the rows (the chart, the period's
//! count) is not redone when only the order or the opened record changes.

use leptos::prelude::*;

use crate::state::loads::Loads;
use logdeck_core::frontier::Frontier;
use logdeck_core::query::LogQuery;
use logdeck_core::timeline::RowSet;

/// The query as far as it selects rows ([`LogQuery::selecting`]): shown or
/// not, the older rows are selected by the frontier.
pub fn use_row_filters(query: Memo<LogQuery>) -> Memo<LogQuery> {
    Memo::new(move |_| query.with(LogQuery::selecting))
}

/// The rows `filters` keep within what `frontier` calls complete.
pub fn use_row_set(
    filters: Memo<LogQuery>,
    loads: Loads,
    frontier: Memo<Frontier>,
) -> Memo<RowSet> {
    // Its own memo: the book changes with every request, the set of filters the
    // servers applied rarely, and only a real change may select again.
    let server = Memo::new(move |_| {
        filters.with(|query| loads.book.with(|book| book.server_applied(query)))
    });
    Memo::new(move |_| {
        filters.with(|query| {
            server.with(|server| {
                frontier.with(|frontier| {
                    loads
                        .timeline
                        .with(|timeline| timeline.select(query, frontier, server))
                })
            })
        })
    })
}

/// The `row_set` in `query`'s order.
pub fn use_view_rows(
    query: Memo<LogQuery>,
    loads: Loads,
    row_set: Memo<RowSet>,
) -> Memo<Vec<usize>> {
    let sort = Memo::new(move |_| query.with(|q| q.sort));
    Memo::new(move |_| {
        let sort = sort.get();
        row_set.with(|row_set| {
            loads
                .timeline
                .with(|timeline| timeline.ordered(row_set, sort))
        })
    })
}
