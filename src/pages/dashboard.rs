//! The dashboard: filters from the URL, rows from every configured source.

use std::collections::BTreeSet;

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::app::ConfigState;
use crate::components::log_table::LogTable;
use crate::components::source_status::SourceStatus;
use crate::components::status_filter::StatusFilter;
use crate::core::config::RuntimeConfig;
use crate::core::query::LogQuery;
use crate::core::status::Status;
use crate::loader::{load_first_pages, LoadedRows};
use crate::state::{display_offset, use_log_query, use_set_log_query, HistoryEntry};

/// What the rows area shows.
#[derive(Debug, Clone, PartialEq)]
enum RowsState {
    Loading,
    Ready(LoadedRows),
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let config = expect_context::<ConfigState>();
    let decoded = use_log_query();
    let query = Memo::new(move |_| decoded.with(|(query, _)| query.clone()));
    let set_query = use_set_log_query();
    let rows = RwSignal::new(RowsState::Loading);
    let in_flight = StoredValue::new_local(None::<AbortController>);

    // Re-load whenever the query or the config changes; the previous load is aborted,
    // so a slow stale answer can never overwrite a newer one.
    Effect::new(move |_| {
        let query = query.get();
        let Some(Ok(config)) = config.0.get() else {
            return;
        };
        start_load(config, query, rows, in_flight);
    });
    on_cleanup(move || abort(in_flight));

    let statuses = Signal::derive(move || query.with(|q| q.statuses.clone()));
    let on_status_change = Callback::new(move |statuses: BTreeSet<Status>| {
        let next = LogQuery {
            statuses,
            ..query.get_untracked()
        };
        set_query(next, HistoryEntry::Push);
    });

    let records = Signal::derive(move || match rows.get() {
        RowsState::Ready(loaded) => loaded.records,
        RowsState::Loading => Vec::new(),
    });
    let sources = Signal::derive(move || match rows.get() {
        RowsState::Ready(loaded) => loaded.sources,
        RowsState::Loading => Vec::new(),
    });

    view! {
        <section class="filters" aria-label="Filters">
            <StatusFilter
                options=vec![Status::Success, Status::Warning, Status::Error]
                selected=statuses
                on_change=on_status_change
            />
        </section>
        <UrlProblems problems=Signal::derive(move || decoded.with(|(_, p)| p.iter().map(ToString::to_string).collect())) />
        {move || match config.0.get() {
            None => view! { <p class="notice" role="status">"Loading configuration…"</p> }.into_any(),
            Some(Err(message)) => view! { <p class="notice error" role="alert">{message}</p> }.into_any(),
            Some(Ok(_)) => ().into_any(),
        }}
        <SourceStatus sources />
        <div class="rows" aria-busy=move || (rows.get() == RowsState::Loading).to_string()>
            {move || match rows.get() {
                RowsState::Loading => view! { <p class="notice" role="status">"Loading logs…"</p> }.into_any(),
                RowsState::Ready(loaded) if loaded.records.is_empty() => view! {
                    <p class="notice" role="status">"No logs match these filters in this period."</p>
                }.into_any(),
                RowsState::Ready(_) => ().into_any(),
            }}
            <LogTable records />
        </div>
    }
}

fn start_load(
    config: RuntimeConfig,
    query: LogQuery,
    rows: RwSignal<RowsState>,
    in_flight: StoredValue<Option<AbortController>, LocalStorage>,
) {
    abort(in_flight);
    let Ok(controller) = AbortController::new() else {
        return;
    };
    let signal = controller.signal();
    in_flight.set_value(Some(controller));
    rows.set(RowsState::Loading);
    spawn_local(async move {
        if let Ok(loaded) = load_first_pages(
            &config,
            &query,
            Utc::now(),
            display_offset(query.zone),
            &signal,
        )
        .await
        {
            if !signal.aborted() {
                rows.set(RowsState::Ready(loaded));
            }
        }
    });
}

fn abort(in_flight: StoredValue<Option<AbortController>, LocalStorage>) {
    if let Some(controller) = in_flight.try_update_value(Option::take).flatten() {
        controller.abort();
    }
}

/// Tells the user which parts of a pasted link were ignored, instead of failing silently.
#[component]
fn UrlProblems(problems: Signal<Vec<String>>) -> impl IntoView {
    view! {
        <Show when=move || problems.with(|p| !p.is_empty())>
            <div class="notice warning" role="status">
                "Some link parameters were ignored: "
                {move || problems.get().join("; ")}
            </div>
        </Show>
    }
}
