//! Per-source progress in one line: "8 sources · 5 833 rows loaded ▾" opens onto
//! each source's state, while sources that need the reader (a failure with its
//! retry, rows that could not be read) stay in view. One line, so sources answering
//! never push the table down.

use leptos::prelude::*;

use crate::components::rate_limit::{HeldLanesNote, RateLimitNote};
use crate::state::archive_status::archived_shown;
use crate::state::connections::Connections;
use crate::state::loads::{LoadState, Loads, SourceLoad};
use logdeck_core::archive_status::{summary_note, SyncStatus};
use logdeck_core::diagnosis::{explain_unreachable, Diagnosis};
use logdeck_core::sources::{Source, SourceError};
use logdeck_core::timeline::Timeline;
use logdeck_core::zone::ZoneRules;

/// Whether a source's line must stay in view rather than fold into the summary.
/// A late source is named in the summary line instead: lines coming and going
/// while sources answer would move the table.
fn needs_attention(load: &SourceLoad) -> bool {
    matches!(load.state, LoadState::Failed { .. }) || load.skipped.count > 0
}

/// "8 sources · 5 833 rows loaded · 2 loading · 3 with older pages"; `rows`
/// is what the timeline holds, so rows live mode added count too, each once.
fn summary(loads: &[SourceLoad], rows: usize) -> String {
    // A vendor's own search beside a source (Dify's keyword) is no source of
    // its own: its line is in the list (in view when it fails), its rows are
    // its source's.
    let loads: Vec<&SourceLoad> = loads
        .iter()
        .filter(|load| !load.source.is_server_search())
        .collect();
    let count = |wanted: fn(&LoadState) -> bool| loads.iter().filter(|l| wanted(&l.state)).count();
    let late: Vec<String> = loads
        .iter()
        .filter(|load| load.is_late())
        .map(|load| load.source.label())
        .collect();
    let loading = count(|state| *state == LoadState::Loading) - late.len();
    let older = count(|state| matches!(state, LoadState::Ready { next: Some(_) }));
    let failed = count(|state| matches!(state, LoadState::Failed { .. }));
    let sources = loads.len();
    let noun = if sources == 1 { "source" } else { "sources" };
    let mut line = format!("{sources} {noun} · {rows} rows loaded");
    for (n, what) in [
        (loading, "loading"),
        (older, "with older pages"),
        (failed, "failed"),
    ] {
        if n > 0 {
            line.push_str(&format!(" · {n} {what}"));
        }
    }
    // Named while they are few, so the reader knows which source is late.
    match late.len() {
        0 => {}
        1 | 2 => line.push_str(&format!(" · {} without a first page yet", late.join(", "))),
        n => line.push_str(&format!(" · {n} without a first page yet")),
    }
    line
}

/// " · archive synced to 19:40:05" when an archived source shown lacks the
/// newest part of the window.
fn archive_note(
    loads: Loads,
    archive: RwSignal<Option<Vec<SyncStatus>>>,
    zone: Signal<ZoneRules>,
) -> Option<String> {
    let window = loads.window.get()?;
    let shown = archived_shown(loads);
    let note =
        archive.with(|statuses| summary_note(statuses.as_deref()?, &shown, window, &zone.get()))?;
    Some(format!(" · {note}"))
}

#[component]
pub fn SourceStatus(
    loads: Loads,
    /// The team archive's sync state, for archived sources.
    archive: RwSignal<Option<Vec<SyncStatus>>>,
    zone: Signal<ZoneRules>,
) -> impl IntoView {
    let entries = move |attention: bool| {
        loads
            .book
            .get()
            .loads()
            .iter()
            .cloned()
            .enumerate()
            .filter(|(_, load)| needs_attention(load) == attention)
            .map(|(index, load)| view! { <SourceEntry loads index load archive zone /> })
            .collect_view()
    };
    let lanes = Signal::derive(move || {
        loads.book.with(|book| {
            book.loads()
                .iter()
                .filter(|load| load.state != (LoadState::Ready { next: None }))
                .filter_map(|load| load.source.lane().map(|(lane, _)| lane))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div class="sources-bar">
            <Show when=move || loads.book.with(|book| !book.loads().is_empty())>
                <details class="sources-summary popover">
                    <summary>
                        {move || loads.book.with(|book| summary(book.loads(), loads.timeline.with(Timeline::len)))}
                        {move || archive_note(loads, archive, zone)}
                        <HeldLanesNote lanes />
                    </summary>
                    <ul class="sources" aria-label="Sources">{move || entries(false)}</ul>
                </details>
            </Show>
            <ul class="sources attention" aria-label="Sources needing attention">{move || entries(true)}</ul>
        </div>
    }
}

/// One source: rows and whether older pages remain, loading, or its error.
#[component]
fn SourceEntry(
    loads: Loads,
    index: usize,
    load: SourceLoad,
    archive: RwSignal<Option<Vec<SyncStatus>>>,
    zone: Signal<ZoneRules>,
) -> impl IntoView {
    let label = load.source.label();
    let synced = matches!(load.source, Source::Archived(_)).then(|| {
        let stream = load.source.id();
        move || {
            let window = loads.window.get()?;
            archive.with(|statuses| {
                let known = statuses
                    .as_deref()?
                    .iter()
                    .find(|status| status.stream == stream);
                let line = match known {
                    Some(status) => status.line(window, &zone.get()),
                    None => "the archive has not synced it yet".to_owned(),
                };
                Some(format!(" · {line}"))
            })
        }
    });
    let lane = load.source.lane().map(|(lane, _)| lane);
    match load.state {
        LoadState::Loading if load.is_late() => view! {
            <li class="source loading late" aria-busy="true">
                {label}": no first page yet — the others' rows show meanwhile…"<RateLimitNote lane />
            </li>
        }
        .into_any(),
        LoadState::Loading => view! {
            <li class="source loading" aria-busy="true">{label}": loading…"<RateLimitNote lane /></li>
        }
        .into_any(),
        LoadState::Ready { next } => {
            // An archived source's period is whole only up to its last sync,
            // which its own note says.
            let more = match (next, synced.is_some()) {
                (Some(_), _) => " (older pages remain)",
                (None, true) => "",
                (None, false) => " (whole period)",
            };
            view! {
                <li class="source ok">
                    {label}": "{load.rows}" rows"{more}{synced}
                    {matches!(load.source, Source::File(_))
                        .then(|| view! { <LiveCopies loads source=load.source.id() /> })}
                    <Skipped skipped=load.skipped />
                    {next.is_some().then(|| view! { <RateLimitNote lane /> })}
                </li>
            }
            .into_any()
        }
        // Without a key a retry cannot help: the way out is the key.
        LoadState::Failed {
            error: SourceError::MissingKey,
            ..
        } => view! {
            <li class="source failed" role="alert">
                <strong>{label}</strong>": "{SourceError::MissingKey.to_string()}" "
                <a href="/connections">"Add its key"</a>
            </li>
        }
        .into_any(),
        // No answer at all: the same reasons and fix as "Test connection",
        // and the way to the connection.
        LoadState::Failed {
            error: SourceError::Unreachable(detail),
            ..
        } => {
            let known = expect_context::<Connections>().vendor_relay();
            let Diagnosis { summary, fix, .. } = explain_unreachable(&load.source, &known, &detail);
            view! {
                <li class="source failed" role="alert">
                    <strong>{label}</strong>": "{summary}" "{fix}" "
                    <a href="/connections">"Connections"</a>" "
                    <button type="button" on:click=move |_| loads.retry(index)>"Retry"</button>
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
}

/// "· 80 also loaded live, shown once" for an opened file holding rows that are
/// also read from their live source, so a row count that differs is explained.
#[component]
fn LiveCopies(loads: Loads, source: String) -> impl IntoView {
    let copies = Memo::new(move |_| {
        loads
            .timeline
            .with(|timeline| timeline.copies_of_loaded(&source))
    });
    move || (copies.get() > 0).then(|| format!(" · {} also loaded live, shown once", copies.get()))
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
