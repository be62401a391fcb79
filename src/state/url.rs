//! View state derived from the URL, which is its only store.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use logdeck_core::query::{LogQuery, UrlProblem};

/// The current query and what in the URL had to be ignored, re-derived on every navigation.
pub fn use_log_query() -> Memo<(LogQuery, Vec<UrlProblem>)> {
    let search = use_location().search;
    Memo::new(move |_| LogQuery::from_query_string(&search.get()))
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
    let navigate = use_navigate();
    let pathname = use_location().pathname;
    move |query: LogQuery, entry: HistoryEntry| {
        let search = query.to_query_string();
        let path = pathname.get_untracked();
        let target = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        navigate(
            &target,
            NavigateOptions {
                replace: entry == HistoryEntry::Replace,
                scroll: false,
                ..Default::default()
            },
        );
    }
}
