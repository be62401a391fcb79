//! Below the table: rows whose status is not their vendor's own reading
//! (sent without one, or taken from the request's Status filter), and why.
//! The words are the core's ([`status_gap_lines`]).

use leptos::prelude::*;
use logdeck_core::query::LogQuery;
use logdeck_core::sources::Source;
use logdeck_core::status_gaps::status_gap_lines;
use logdeck_core::timeline::Timeline;

#[component]
pub fn StatusGapNote(
    timeline: RwSignal<Timeline>,
    query: Memo<LogQuery>,
    sources: Signal<Vec<Source>>,
) -> impl IntoView {
    // Only the types' tallies are read on a page's arrival, not the rows.
    let tallies = Memo::new(move |_| timeline.with(Timeline::status_tallies));
    let lines = Memo::new(move |_| {
        tallies.with(|tallies| {
            if tallies.is_empty() {
                return Vec::new();
            }
            query.with(|query| sources.with(|sources| status_gap_lines(query, sources, tallies)))
        })
    });
    view! {
        <Show when=move || lines.with(|lines| !lines.is_empty())>
            <p class="frontier-note status-gaps" role="note">{move || lines.get().join(" ")}</p>
        </Show>
    }
}
