//! Below the table: what the rows cannot show themselves. Rows whose status is
//! not their vendor's own reading (sent without one, or taken from the
//! request's Status filter), with a press to ask the server each chosen status
//! alone, and a search a server ran by its own rules. The words and markup are
//! the core's ([`status_gaps`], [`search_scope_lines`], [`table_notes`]): set
//! as one piece, with one click listener.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use logdeck_core::markup::table_notes;
use logdeck_core::query::LogQuery;
use logdeck_core::search_scope::search_scope_lines;
use logdeck_core::sources::Source;
use logdeck_core::status::Status;
use logdeck_core::status_gaps::status_gaps;
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
    let markup = Memo::new(move |_| {
        query.with(|query| {
            sources.with(|sources| {
                let gaps = tallies.with(|tallies| status_gaps(query, sources, tallies));
                table_notes(&search_scope_lines(query, sources), &gaps)
            })
        })
    });
    let on_click = move |event: leptos::ev::MouseEvent| {
        let status = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("button[data-status]").ok().flatten())
            .and_then(|button| button.get_attribute("data-status"))
            .and_then(|key| Status::from_key(&key));
        if let Some(status) = status {
            ask_alone.run(status);
        }
    };
    view! { <div class="table-notes" on:click=on_click inner_html=move || markup.get()></div> }
}
