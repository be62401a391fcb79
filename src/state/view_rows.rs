//! The rows the view shows: the loaded rows the query selects within the
//! complete part of the period ([`use_selected_rows`], whatever the sort), and
//! those rows in the query's order ([`use_view_rows`], timeline indices).
//! Split so a sort reorders without filtering again, and what only counts the
//! rows (the chart) is not redone when only the order changes.

use leptos::prelude::*;

use crate::state::loads::Loads;
use logdeck_core::frontier::Frontier;
use logdeck_core::query::{LogQuery, Sort};
use logdeck_core::timeline::Selection;

/// The rows `query` selects within what `frontier` calls complete.
pub fn use_selected_rows(
    query: Memo<LogQuery>,
    loads: Loads,
    frontier: Memo<Frontier>,
) -> Memo<Selection> {
    // What selects rows only: not the opened record, live mode or the sort.
    let filters = Memo::new(move |_| {
        query.with(|q| LogQuery {
            selected: None,
            live: false,
            sort: Sort::default(),
            ..q.clone()
        })
    });
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

/// The `selected` rows in `query`'s order.
pub fn use_view_rows(
    query: Memo<LogQuery>,
    loads: Loads,
    selected: Memo<Selection>,
) -> Memo<Vec<usize>> {
    let sort = Memo::new(move |_| query.with(|q| q.sort));
    Memo::new(move |_| {
        let sort = sort.get();
        selected.with(|selected| {
            loads
                .timeline
                .with(|timeline| timeline.ordered(selected, sort))
        })
    })
}
