//! Below the table: what the rows cannot show themselves. Rows whose status is
//! not their vendor's own reading (sent without one, or taken from the
//! request's Status filter), with a press to ask the server each chosen status
//! alone, and a search a server ran by its own rules. The words are the
//! core's ([`status_gaps`], [`search_scope_lines`]).

use leptos::prelude::*;
use logdeck_core::query::LogQuery;
use logdeck_core::search_scope::search_scope_lines;
use logdeck_core::sources::Source;
use logdeck_core::status::Status;
use logdeck_core::status_gaps::{status_gaps, StatusGap};
use logdeck_core::timeline::Timeline;

#[component]
pub fn ScopeNotes(
    timeline: RwSignal<Timeline>,
    query: Memo<LogQuery>,
    sources: Signal<Vec<Source>>,
    /// Chooses this status alone.
    ask_alone: Callback<Status>,
) -> impl IntoView {
    // Only the types' tallies are read on a page's arrival, not the rows.
    let tallies = Memo::new(move |_| timeline.with(Timeline::status_tallies));
    let gaps = Memo::new(move |_| {
        tallies.with(|tallies| {
            if tallies.is_empty() {
                return Vec::new();
            }
            query.with(|query| sources.with(|sources| status_gaps(query, sources, tallies)))
        })
    });
    let search_scope = Memo::new(move |_| {
        query.with(|query| sources.with(|sources| search_scope_lines(query, sources).join(" ")))
    });
    view! {
        <Show when=move || search_scope.with(|line| !line.is_empty())>
            <p class="table-note search-scope" role="note">{search_scope}</p>
        </Show>
        <For each=move || gaps.get() key=|gap| gap.line.clone() let(StatusGap { line, ask_alone: statuses })>
            <p class="table-note status-gaps" role="note">
                {line}
                {statuses.into_iter().map(|status| view! {
                    " "<button type="button" on:click=move |_| ask_alone.run(status)>{format!("{} alone", status.label())}</button>
                }).collect_view()}
            </p>
        </For>
    }
}
