//! The Status filter: one checkbox per status, any combination; a status that
//! not every collection type has says which ones it leaves out. At medium
//! widths the checkboxes fold under one button.

use std::collections::BTreeSet;

use leptos::prelude::*;

use logdeck_core::filter_options::{status_summary, StatusChoice};
use logdeck_core::status::Status;

use crate::state::media::{use_media_query, MEDIUM_WIDTH};

/// Shows `options` as checkboxes checked per `selected`; reports every change.
#[component]
pub fn StatusFilter(
    /// Statuses the configured sources can report, each with the collection
    /// types it is limited to when it is (`FilterOptions::status_scope`).
    #[prop(into)]
    options: Signal<Vec<StatusChoice>>,
    #[prop(into)] selected: Signal<BTreeSet<Status>>,
    on_change: Callback<BTreeSet<Status>>,
) -> impl IntoView {
    let boxes = move || {
        options
            .get()
            .into_iter()
            .map(|StatusChoice { status, scope }| {
                let checked = move || selected.with(|s| s.contains(&status));
                let toggle = move |_| {
                    let mut next = selected.get_untracked();
                    if !next.remove(&status) {
                        next.insert(status);
                    }
                    on_change.run(next);
                };
                // The scope ("not Make audit log") would widen every chip past
                // one row of filters: it is the chip's tooltip, and screen
                // readers hear it with the name; a screen without hover (no
                // tooltip) shows it under the name.
                let told = scope.clone();
                view! {
                    <label class=format!("chip status-{}", status.key()) title=scope>
                        <input type="checkbox" name="status" value=status.key()
                            prop:checked=checked on:change=toggle />
                        <span>{status.label()}</span>
                        {told.map(|scope| view! { <span class="scope visually-hidden">" · "{scope}</span> })}
                    </label>
                }
            })
            .collect_view()
    };
    // Until the sources are known, every status holds its place (disabled and
    // hidden from screen readers), so the filters do not re-wrap when they
    // arrive.
    let placeholder = move || {
        options.with(Vec::is_empty).then(|| {
            Status::ALL
                .iter()
                .map(|status| {
                    view! {
                        <label class="chip placeholder" aria-hidden="true">
                            <input type="checkbox" disabled=true tabindex="-1" />
                            <span>{status.label()}</span>
                        </label>
                    }
                })
                .collect_view()
        })
    };
    // At medium widths the ten chips would take a line of their own: they
    // fold under one button, as the other filters do, and the table keeps
    // that line (a status to press is then two presses away).
    let folded = use_media_query(MEDIUM_WIDTH);
    let summary = move || selected.with(status_summary);
    move || {
        if folded.get() {
            view! {
                <details class="filter multi popover status-filter">
                    <summary title=summary><span class="summary-text">{summary}</span></summary>
                    <fieldset>
                        <legend class="visually-hidden">"Status"</legend>
                        {boxes}
                    </fieldset>
                </details>
            }
            .into_any()
        } else {
            view! {
                <fieldset class="filter status-filter">
                    <legend>"Status"</legend>
                    {boxes}
                    {placeholder}
                </fieldset>
            }
            .into_any()
        }
    }
}
