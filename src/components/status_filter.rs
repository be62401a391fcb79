//! The Status filter: one checkbox per status, any combination.

use std::collections::BTreeSet;

use leptos::prelude::*;

use logdeck_core::status::Status;

/// Shows `options` as checkboxes checked per `selected`; reports every change.
#[component]
pub fn StatusFilter(
    /// Statuses the configured sources can report.
    #[prop(into)]
    options: Signal<Vec<Status>>,
    #[prop(into)] selected: Signal<BTreeSet<Status>>,
    on_change: Callback<BTreeSet<Status>>,
) -> impl IntoView {
    let boxes = move || {
        options
            .get()
            .into_iter()
            .map(|status| {
                let checked = move || selected.with(|s| s.contains(&status));
                let toggle = move |_| {
                    let mut next = selected.get_untracked();
                    if !next.remove(&status) {
                        next.insert(status);
                    }
                    on_change.run(next);
                };
                view! {
                    <label class=format!("chip status-{}", status.key())>
                        <input type="checkbox" name="status" value=status.key()
                            prop:checked=checked on:change=toggle />
                        <span>{status.label()}</span>
                    </label>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="filter status-filter">
            <legend>"Status"</legend>
            {boxes}
        </fieldset>
    }
}
