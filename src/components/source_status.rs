//! Per-source outcome: rows received or the error that source met.

use leptos::prelude::*;

use crate::loader::SourceOutcome;

/// Lists each source with its row count, or its error as an alert.
#[component]
pub fn SourceStatus(#[prop(into)] sources: Signal<Vec<SourceOutcome>>) -> impl IntoView {
    view! {
        <ul class="sources" aria-label="Sources">
            {move || {
                sources
                    .get()
                    .into_iter()
                    .map(|source| match source.result {
                        Ok(count) => view! {
                            <li class="source ok">{source.label}": "{count}" rows"</li>
                        }
                        .into_any(),
                        Err(message) => view! {
                            <li class="source failed" role="alert">
                                <strong>{source.label}</strong>": "{message}
                            </li>
                        }
                        .into_any(),
                    })
                    .collect_view()
            }}
        </ul>
    }
}
