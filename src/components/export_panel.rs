//! "Download results" and "Open file": the export with its progress and cancel,
//! and snapshots read back from disk (file picker or drag and drop).

use chrono::Utc;
use leptos::prelude::*;

use crate::components::rate_limit::RateLimitNote;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Blob};

use crate::export::{self, ExportRequest, Format, SourceProgress};
use crate::state::loads::Loads;
use crate::state::messages::take_in_messages;
use logdeck_core::csv_file;
use logdeck_core::export_note::{self, ExportedTotal, SavedFile};
use logdeck_core::query::{LogQuery, TimeWindow};
use logdeck_core::sources::Source;
use logdeck_core::zone::ZoneRules;

/// Where an export stands.
#[derive(Debug, Clone, PartialEq)]
enum ExportState {
    Idle,
    Running,
    Done(String),
    Failed(String),
    /// Sources failed, the others were read whole: the question whether to
    /// save the file without their rows (held in [`Unsaved`]).
    Asking(String),
}

/// A file read whole but for failed sources, until the reader says whether
/// to save it: the file, its name, and what the page says once saved.
type Unsaved = Option<(Blob, String, String)>;

#[component]
pub fn ExportPanel(
    #[prop(into)] sources: Signal<Vec<Source>>,
    query: Memo<LogQuery>,
    #[prop(into)] zone: Signal<ZoneRules>,
    loads: Loads,
) -> impl IntoView {
    let state = RwSignal::new(ExportState::Idle);
    // The last file lacks messages read by a call per row, not asked for.
    let messages_would_help = RwSignal::new(false);
    let unsaved = StoredValue::new_local(None as Unsaved);
    let progress = RwSignal::new(Vec::<SourceProgress>::new());
    let controller = StoredValue::new_local(None::<AbortController>);
    // The last export, to download the same rows again with the messages.
    let last = StoredValue::new(None::<Asked>);
    let run = move |asked: Asked, read_messages: bool| {
        let Ok(abort) = AbortController::new() else {
            return;
        };
        let signal = abort.signal();
        controller.set_value(Some(abort));
        last.set_value(Some(asked.clone()));
        let Asked {
            format,
            query,
            window,
        } = asked;
        let exported_query = query.clone();
        let all = with_opened_files(sources.get_untracked(), loads);
        let name = csv_file::file_name(&query, Utc::now(), format.extension());
        let zone = zone.get_untracked();
        let note_zone = zone.clone();
        let files = loads.files.get_untracked();
        let mut messages = loads.messages.get_value();
        if read_messages {
            // Asked to read them: the calls that failed before are made again.
            messages.forget_failures();
        }
        // A file still waiting for an answer is given up: a new one comes.
        unsaved.set_value(None);
        state.set(ExportState::Running);
        spawn_local(async move {
            let request = ExportRequest {
                sources: all,
                query,
                window,
                zone,
                format,
                files,
                read_messages,
            };
            let result = export::export(request, &mut messages, progress, signal).await;
            if let Ok(exported) = &result {
                keep_total(loads, &exported_query, window, exported);
            }
            // What it read serves the page too, also when it was cancelled.
            take_in_messages(loads, messages);
            // `try_set`: the panel may be gone by now (another page).
            messages_would_help.try_set(
                result
                    .as_ref()
                    .is_ok_and(|exported| exported.counts.messages_would_help()),
            );
            state.set(finished(result, name, note_zone, progress, unsaved));
        });
    };
    let start = move |format: Format| {
        if let Some(window) = loads.window.get_untracked() {
            let query = query.get_untracked();
            run(
                Asked {
                    format,
                    query,
                    window,
                },
                false,
            );
        }
    };
    let again = move |_| {
        if let Some(asked) = last.get_value() {
            run(asked, true);
        }
    };
    // Offered while the page selects the rows the file holds.
    let offer_again = move || {
        messages_would_help.get()
            && last.with_value(|asked| {
                asked
                    .as_ref()
                    .is_some_and(|asked| query.with(|now| same_rows(&asked.query, now)))
            })
    };
    let cancel = move |_| {
        if let Some(abort) = controller.try_update_value(Option::take).flatten() {
            abort.abort();
        }
    };
    // Until the sources and the period are known (the configuration loads)
    // there is nothing to export: a press then would do nothing, unsaid.
    let running = move || state.get() == ExportState::Running;
    let unavailable = move || running() || loads.window.with(Option::is_none);
    view! {
        <div class="export">
            <button type="button" on:click=move |_| start(Format::Csv) disabled=unavailable
                title="The rows the filters keep over the whole period, as far as the sources can be read (a note says what is missing), newest first: the API-logs export's columns (Date, Type, Code, Status, …), then Logdeck's own">"Download CSV"</button>
            <button type="button" on:click=move |_| start(Format::Ndjson) disabled=unavailable
                title="The rows the filters keep over the whole period, as the CSV, one JSON object a line with the vendor's own object">"NDJSON"</button>
            <div class="export-status" role="status" aria-live="polite">
                {move || match state.get() {
                    ExportState::Idle => ().into_any(),
                    // Cancel sits with the progress, over the page: the
                    // toolbar's buttons stay where they are.
                    ExportState::Running => view! {
                        <ExportProgress progress />
                        <button type="button" on:click=cancel>"Cancel export"</button>
                    }.into_any(),
                    ExportState::Done(message) => view! {
                        <span>{message}</span>
                        <Show when=offer_again>
                            " "<button type="button" on:click=again>
                                "Download again with the messages"
                            </button>
                        </Show>
                        <Dismiss state />
                    }.into_any(),
                    ExportState::Asking(question) => view! { <SaveWithoutFailed question state unsaved /> }.into_any(),
                    ExportState::Failed(message) => view! { <span class="field-error">{message}</span><Dismiss state /> }.into_any(),
                }}
            </div>
        </div>
    }
}

/// Each source's rows read so far, while exporting.
#[component]
fn ExportProgress(progress: RwSignal<Vec<SourceProgress>>) -> impl IntoView {
    view! {
        <ul class="export-progress">
            {move || progress.get().into_iter().map(|p| view! {
                <li>
                    {p.label}": "{p.fetched}" rows"
                    {(p.messages_read > 0).then(|| format!(", {} messages read", p.messages_read))}
                    {if p.failed { " ✗ failed" } else if p.done { " ✓" } else { "…" }}
                    {(!p.done).then(|| view! { <RateLimitNote lane=p.lane.clone() /> })}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// The configured sources and the opened files: an export reads them all.
fn with_opened_files(mut sources: Vec<Source>, loads: Loads) -> Vec<Source> {
    sources.extend(loads.files.with_untracked(|files| {
        files
            .iter()
            .map(|(name, _)| Source::file(name.clone()))
            .collect::<Vec<_>>()
    }));
    sources
}

/// What an export was asked for: kept to download the same rows again.
#[derive(Debug, Clone)]
struct Asked {
    format: Format,
    query: LogQuery,
    window: TimeWindow,
}

/// Whether two queries select the same rows (the view's own state aside).
fn same_rows(a: &LogQuery, b: &LogQuery) -> bool {
    a.selecting() == b.selecting()
}

/// What `exported` counted of `query` over `window`, kept for the count line
/// when read whole, forgotten when not.
fn keep_total(loads: Loads, query: &LogQuery, window: TimeWindow, exported: &export::Exported) {
    let total = ExportedTotal::of(query, window, exported.counts, &exported.failed, Utc::now());
    loads.exported.try_set(total);
}

/// What an export that ran to its end leads to: the file saved, or the
/// question whether to save it without the sources that failed.
fn finished(
    result: Result<export::Exported, export::ExportError>,
    name: String,
    zone: ZoneRules,
    progress: RwSignal<Vec<SourceProgress>>,
    unsaved: StoredValue<Unsaved, LocalStorage>,
) -> ExportState {
    let export::Exported {
        blob,
        counts,
        failed,
        message_failure,
        ..
    } = match result {
        Ok(exported) => exported,
        Err(error) => {
            return ExportState::Failed(format!("Export stopped: {error} Nothing was saved."))
        }
    };
    let skipped: Vec<(String, usize)> = progress.with_untracked(|lines| {
        lines
            .iter()
            .map(|line| (line.label.clone(), line.skipped))
            .collect()
    });
    let file = SavedFile {
        name: &name,
        counts,
        skipped: &skipped,
        failed: &failed,
        message_failure: message_failure.as_deref(),
    };
    let note = export_note::saved_note(file, &zone);
    if !failed.is_empty() {
        let question = export_note::partial_question(counts, &failed, &zone);
        unsaved.set_value(Some((blob, name, note)));
        return ExportState::Asking(question);
    }
    match export::save(&blob, &name) {
        Ok(()) => ExportState::Done(note),
        Err(error) => ExportState::Failed(error.to_string()),
    }
}

/// Closes the export's outcome, which lies over the page.
#[component]
fn Dismiss(state: RwSignal<ExportState>) -> impl IntoView {
    view! {
        " "<button type="button" class="dismiss" aria-label="Close the export's message"
            on:click=move |_| state.set(ExportState::Idle)>"✕"</button>
    }
}

/// Sources failed while exporting: save the others' rows, or nothing.
#[component]
fn SaveWithoutFailed(
    question: String,
    state: RwSignal<ExportState>,
    unsaved: StoredValue<Unsaved, LocalStorage>,
) -> impl IntoView {
    let save = move |_| {
        let Some((blob, name, note)) = unsaved.try_update_value(Option::take).flatten() else {
            return;
        };
        state.set(match export::save(&blob, &name) {
            Ok(()) => ExportState::Done(note),
            Err(error) => ExportState::Failed(error.to_string()),
        });
    };
    let discard = move |_| {
        unsaved.set_value(None);
        state.set(ExportState::Done("Nothing was saved.".to_owned()));
    };
    // The question waits for the reader: the focus goes to it (the button
    // pressed to export is disabled while exporting, the focus lost).
    let save_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = save_button.get() {
            let _ = button.focus();
        }
    });
    view! {
        <span class="field-error">{question}" "</span>
        <button type="button" node_ref=save_button on:click=save>"Save without them"</button>
        <button type="button" on:click=discard>"Discard"</button>
    }
}

/// Opens CSV snapshots (Logdeck's export or the API platform's) as file sources.
#[component]
pub fn FileOpener(loads: Loads) -> impl IntoView {
    let message = RwSignal::new(String::new());
    let on_change = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = event_target(&ev);
        if let Some(files) = input.as_ref().and_then(|i| i.files()) {
            open_files(files, loads, message);
        }
    };
    view! {
        <div class="file-open">
            <label class="button-like" for="open-file">"Open CSV…"</label>
            <input id="open-file" class="visually-hidden" type="file" accept=".csv,text/csv" multiple on:change=on_change />
            <span role="status">{message}</span>
        </div>
    }
}

fn event_target<T: JsCast>(ev: &leptos::ev::Event) -> Option<T> {
    ev.target().and_then(|t| t.dyn_into::<T>().ok())
}

/// Reads every file and opens it as a snapshot source; problems are reported, not fatal.
pub fn open_files(files: web_sys::FileList, loads: Loads, message: RwSignal<String>) {
    for index in 0..files.length() {
        let Some(file) = files.get(index) else {
            continue;
        };
        let name = file.name();
        message.set(format!("Reading {name}…"));
        spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string());
            let Some(text) = text else {
                message.set(format!("{name} could not be read."));
                return;
            };
            match csv_file::read(&text, &format!("file:{name}")) {
                Ok(snapshot) => {
                    let skipped = snapshot.problems.len();
                    let count = snapshot.records.len();
                    let copies = loads.timeline.with_untracked(|timeline| {
                        timeline.copies_among(snapshot.records.iter().map(|r| &**r))
                    });
                    loads.open_file(name.clone(), snapshot.records);
                    let mut said = format!("Opened {name}: {count} rows");
                    if copies > 0 {
                        said.push_str(&format!(
                            "; {copies} of them are also loaded live and shown once, as the live reading"
                        ));
                    }
                    if let Some(first) = snapshot.problems.first() {
                        said.push_str(&format!(
                            "; {skipped} unreadable rows skipped (first: {first})"
                        ));
                    }
                    said.push('.');
                    message.set(said);
                }
                Err(error) => message.set(format!("{name}: {error}")),
            }
        });
    }
}
