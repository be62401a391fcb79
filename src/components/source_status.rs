//! Per-source progress: rows loaded, still loading, or the error with a retry, so
//! one failing source never hides the others.

use leptos::prelude::*;

use crate::components::rate_limit::RateLimitNote;
use crate::state::loads::{LoadState, Loads};

#[component]
pub fn SourceStatus(loads: Loads) -> impl IntoView {
    let entries = move || {
        loads
            .book
            .get()
            .loads()
            .iter()
            .cloned()
            .enumerate()
            .map(|(index, load)| {
                let label = load.source.label();
                let lane = load.source.lane().map(|(lane, _)| lane);
                match load.state {
                    LoadState::Loading => view! {
                        <li class="source loading" aria-busy="true">
                            {label}": loading…"<RateLimitNote lane />
                        </li>
                    }
                    .into_any(),
                    LoadState::Ready { next } => {
                        let more = if next.is_some() { " (older pages remain)" } else { " (whole period)" };
                        view! {
                            <li class="source ok">
                                {label}": "{load.rows}" rows"{more}
                                <Skipped skipped=load.skipped />
                                {next.is_some().then(|| view! { <RateLimitNote lane /> })}
                            </li>
                        }
                        .into_any()
                    }
                    LoadState::Failed { error, .. } => view! {
                        <li class="source failed" role="alert">
                            <strong>{label}</strong>": "{error.to_string()}" "
                            <button type="button" on:click=move |_| loads.retry(index)>"Retry"</button>
                        </li>
                    }
                    .into_any(),
                }
            })
            .collect_view()
    };
    view! {
        <div class="sources-bar">
            <ul class="sources" aria-label="Sources">{entries}</ul>
        </div>
    }
}

/// "· 2 rows could not be read", opening onto the field that was wrong and the
/// row as the vendor sent it.
#[component]
fn Skipped(skipped: logdeck_core::adapters::Skipped) -> impl IntoView {
    let summary = skipped.summary()?;
    let rows = skipped
        .first
        .into_iter()
        .map(|row| {
            view! {
                <li>
                    <p>{row.error.to_string()}</p>
                    <pre>{row.raw}</pre>
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <details class="skipped-rows">
            <summary>" · "{summary}</summary>
            <ul>{rows}</ul>
        </details>
    })
}
