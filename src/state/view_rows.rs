//! The rows the view shows: the loaded rows the query selects within the
//! complete part of the period, in its order (timeline indices).

use leptos::prelude::*;

use crate::state::loads::Loads;
use logdeck_core::frontier::Frontier;
use logdeck_core::query::LogQuery;

/// The rows `query` shows within what `frontier` calls complete.
pub fn use_view_rows(
    query: Memo<LogQuery>,
    loads: Loads,
    frontier: Memo<Frontier>,
) -> Memo<Vec<usize>> {
    let view_query = Memo::new(move |_| {
        query.with(|q| LogQuery {
            selected: None,
            live: false,
            ..q.clone()
        })
    });
    // Its own memo: the book changes with every request, the set of filters the
    // servers applied rarely, and only a real change may re-run the view.
    let server = Memo::new(move |_| {
        view_query.with(|query| loads.book.with(|book| book.server_applied(query)))
    });
    Memo::new(move |_| {
        let query = view_query.get();
        server.with(|server| {
            frontier.with(|frontier| {
                loads
                    .timeline
                    .with(|timeline| timeline.view(&query, frontier, server))
            })
        })
    })
}
