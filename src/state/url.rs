//! View state derived from the URL, which is its only store.

use leptos::prelude::*;

use crate::state::location::use_location;
use logdeck_core::query::{LogQuery, UrlProblem};

/// The current query and what in the URL had to be ignored, re-derived on every navigation.
pub fn use_log_query() -> Memo<(LogQuery, Vec<UrlProblem>)> {
    let search = use_location().search();
    Memo::new(move |_| search.with(|search| LogQuery::from_query_string(search)))
}

/// How a change enters history: `Push` for deliberate changes, so back/forward walks
/// between real views; `Replace` for keystrokes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryEntry {
    Push,
    Replace,
}

/// Returns a setter that writes a new query into the URL.
pub fn use_set_log_query() -> impl Fn(LogQuery, HistoryEntry) + Clone {
    let location = use_location();
    move |query: LogQuery, entry: HistoryEntry| {
        location.navigate(&location.current_path(), &query.to_query_string(), entry);
    }
}
