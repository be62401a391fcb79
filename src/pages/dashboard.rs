//! The dashboard: filters from the URL, rows from every selected source, the
//! volume chart, the table and the detail pane.

use std::collections::BTreeSet;
use std::time::Duration;

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::components::detail_pane::DetailPane;
use crate::components::export_panel::{open_files, ExportPanel, FileOpener};
use crate::components::filter_bar::{FilterBar, FilterOptions, SetQuery};
use crate::components::log_table::LogTable;
use crate::components::source_status::SourceStatus;
use crate::components::volume_chart::VolumeChart;
use crate::net;
use crate::state::connections::Connections;
use crate::state::loads::Loads;
use crate::state::prefs::Prefs;
use crate::state::url::{display_offset, use_log_query, use_set_log_query, HistoryEntry};
use logdeck_core::adapters::make_audit::{self, AuditStream};
use logdeck_core::adapters::make_scenarios::ScenarioStream;
use logdeck_core::columns::Column;
use logdeck_core::format;
use logdeck_core::model::CollectionType;
use logdeck_core::query::{LogQuery, Period, Sort, TimeWindow};
use logdeck_core::sources::Source;
use logdeck_core::status::Status;
use logdeck_core::timeline::Timeline;

/// How often live mode re-reads the sources: well inside every vendor's rate limit.
const LIVE_INTERVAL: Duration = Duration::from_secs(30);
/// Distinct clients offered by the Client filter.
const MAX_CLIENT_OPTIONS: usize = 300;

#[component]
pub fn Dashboard() -> impl IntoView {
    let connections = expect_context::<Connections>();
    let loads = expect_context::<Loads>();
    let prefs = expect_context::<Prefs>();
    let decoded = use_log_query();
    let query = Memo::new(move |_| decoded.with(|(query, _)| query.clone()));
    let set_url = use_set_log_query();
    let set_query: SetQuery = Callback::new(move |(query, entry)| set_url(query, entry));
    let config = connections.effective();
    let offset = Signal::derive(move || display_offset(query.with(|q| q.zone)));
    let refresh = RwSignal::new(0u64);

    // Only what reaches the requests reloads; selection and sort never do.
    let fetch_query = Memo::new(move |_| {
        query.with(|q| LogQuery {
            selected: None,
            sort: Sort::default(),
            ..q.clone()
        })
    });
    Effect::new(move |previous: Option<u64>| {
        let query = fetch_query.get();
        let tick = refresh.get();
        loads.files.track();
        if let Some(Ok(config)) = config.get() {
            let refreshing = previous.is_some_and(|previous| previous != tick);
            loads.sync(&config, &query, display_offset(query.zone), refreshing);
        }
        tick
    });

    let view_query = Memo::new(move |_| {
        query.with(|q| LogQuery {
            selected: None,
            ..q.clone()
        })
    });
    let rows = Memo::new(move |_| {
        let query = view_query.get();
        loads.timeline.with(|timeline| timeline.view(&query))
    });
    mark_first_rows(rows);

    let selected = Signal::derive(move || query.with(|q| q.selected.clone()));
    let selected_record = Memo::new(move |_| {
        let key = selected.get()?;
        loads
            .timeline
            .with(|t| t.records().iter().find(|r| r.has_key(&key)).cloned())
    });
    let cursor = RwSignal::new(None::<usize>);
    let select = move |key: Option<String>, entry: HistoryEntry| {
        let next = LogQuery {
            selected: key,
            ..query.get_untracked()
        };
        set_query.run((next, entry));
    };
    let key_at = move |position: usize| {
        rows.with_untracked(|rows| rows.get(position).copied())
            .and_then(|index| {
                loads
                    .timeline
                    .with_untracked(|t| t.records().get(index).map(|r| r.key()))
            })
    };
    let step = Callback::new(move |delta: i32| {
        let total = rows.with_untracked(Vec::len);
        if total == 0 {
            return;
        }
        let current = selected.get_untracked().and_then(|key| {
            rows.with_untracked(|rows| {
                loads
                    .timeline
                    .with_untracked(|t| rows.iter().position(|&i| t.records()[i].has_key(&key)))
            })
        });
        let position = match current.or(cursor.get_untracked()) {
            Some(position) => {
                (position as i64 + i64::from(delta)).clamp(0, total as i64 - 1) as usize
            }
            None => 0,
        };
        cursor.set(Some(position));
        if selected.get_untracked().is_some() {
            select(key_at(position), HistoryEntry::Replace);
        }
    });
    let open = Callback::new(move |key: String| select(Some(key), HistoryEntry::Push));
    let close = Callback::new(move |()| select(None, HistoryEntry::Push));
    install_keyboard(cursor, step, open, close, selected, key_at, rows);

    let sort = Signal::derive(move || query.with(|q| q.sort));
    let on_sort = Callback::new(move |column: Column| {
        let current = query.with_untracked(|q| q.sort);
        let descending = if current.column == column {
            !current.descending
        } else {
            column == Column::Time
        };
        let next = LogQuery {
            sort: Sort { column, descending },
            ..query.get_untracked()
        };
        set_query.run((next, HistoryEntry::Push));
    });
    let near_end = Callback::new(move |()| {
        if !loads.is_loading() {
            loads.load_more();
        }
    });
    let narrow = Callback::new(move |window: TimeWindow| {
        let next = LogQuery {
            period: Period::Absolute {
                from: window.from,
                to: window.to,
            },
            ..query.get_untracked()
        };
        set_query.run((next, HistoryEntry::Push));
    });

    let all_sources = Signal::derive(move || match config.get() {
        Some(Ok(config)) => Source::expand(&config),
        _ => Vec::new(),
    });
    let values = Memo::new(move |_| loads.timeline.with(row_values));
    let audit_values = audit_filter_values(all_sources);
    let options = Memo::new(move |_| {
        let mut options =
            values.with(|values| filter_options(&all_sources.get(), values, &query.get()));
        audit_values.with(|audit| {
            options.clients.extend(audit.clients.iter().cloned());
            options
                .collections
                .extend(audit.collections.iter().cloned());
        });
        for list in [&mut options.clients, &mut options.collections] {
            list.sort();
            list.dedup();
        }
        options
    });
    let zone_label = Signal::derive(move || format::offset_label(offset.get()));
    let columns = Signal::derive(move || prefs.columns.get());
    let live = RwSignal::new(false);
    install_live_refresh(live, refresh);

    let drop_message = RwSignal::new(String::new());
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
            open_files(files, loads, drop_message);
        }
    };

    view! {
        <div class="dashboard" class:with-detail=move || selected.with(Option::is_some)
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
            <FilterBar query set_query options offset />
            <UrlProblems problems=Signal::derive(move || decoded.with(|(_, p)| p.iter().map(ToString::to_string).collect())) />
            {move || match config.get() {
                None => view! { <p class="notice" role="status">"Loading configuration…"</p> }.into_any(),
                Some(Err(message)) => view! { <p class="notice error" role="alert">{message}</p> }.into_any(),
                Some(Ok(config)) if config.connections.is_empty() => view! {
                    <p class="notice">"No connections yet. "<a href="/connections">"Add one"</a>" to see its logs."</p>
                }.into_any(),
                Some(Ok(_)) => ().into_any(),
            }}
            <VolumeChart timeline=loads.timeline rows window=loads.window offset on_select=narrow />
            <div class="toolbar">
                <SourceStatus loads />
                <label class="option">
                    <input type="checkbox" prop:checked=live on:change=move |ev| live.set(event_target_checked(&ev)) />
                    <span>"Live (every 30 s)"</span>
                </label>
                <button type="button" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
                <ColumnChooser />
                <ExportPanel sources=all_sources query offset loads />
                <FileOpener loads />
                <span role="status">{drop_message}</span>
                <span class="row-count" role="status">{move || format!("{} rows", rows.with(Vec::len))}</span>
            </div>
            <div class="workspace">
                <div class="table-area">
                    <LogTable timeline=loads.timeline rows columns offset zone_label sort on_sort selected cursor
                        on_open=open on_near_end=near_end />
                    <Show when=move || rows.with(Vec::is_empty) && !loads.is_loading() && !loads.sources.with(Vec::is_empty)>
                        <p class="notice" role="status">"No logs match these filters in this period."</p>
                    </Show>
                    <Show when=move || rows.with(Vec::is_empty) && loads.is_loading()>
                        <p class="notice" role="status">"Loading logs…"</p>
                    </Show>
                </div>
                <Show when=move || selected.with(Option::is_some)>
                    <DetailPane record=selected_record selected sources=all_sources offset on_close=close on_step=step />
                </Show>
            </div>
        </div>
    }
}

/// The distinct values of the loaded rows the filters offer. Depends on the rows
/// only, so a filter change does not rescan 100 000 records.
#[derive(Debug, Clone, PartialEq, Default)]
struct RowValues {
    kinds: Vec<CollectionType>,
    statuses: Vec<Status>,
    clients: Vec<String>,
    collections: Vec<String>,
}

fn row_values(timeline: &Timeline) -> RowValues {
    let mut kinds = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    let mut clients: BTreeSet<&str> = BTreeSet::new();
    let mut collections: BTreeSet<&str> = BTreeSet::new();
    for record in timeline.records() {
        kinds.insert(record.kind);
        statuses.insert(record.status);
        if let Some(client) = &record.client {
            if clients.len() < MAX_CLIENT_OPTIONS {
                clients.insert(client);
            }
        }
        collections.insert(&record.collection);
    }
    RowValues {
        kinds: kinds.into_iter().collect(),
        statuses: statuses.into_iter().collect(),
        clients: clients.into_iter().map(str::to_owned).collect(),
        collections: collections.into_iter().map(str::to_owned).collect(),
    }
}

/// The users and teams Make's audit-log `/filters` endpoints offer, so the Client
/// and Collection filters list them before any row with them is loaded.
fn audit_filter_values(sources: Signal<Vec<Source>>) -> RwSignal<RowValues> {
    let values = RwSignal::new(RowValues::default());
    Effect::new(move |_| {
        for source in sources.get() {
            let Source::MakeAudit(AuditStream { connection, scope }) = source else {
                continue;
            };
            if connection.token.is_none() {
                continue;
            }
            spawn_local(async move {
                let request = make_audit::filters_request(&connection, scope);
                let Ok(answer) = net::get(&request, None).await else {
                    return;
                };
                if answer.status != 200 {
                    return;
                }
                if let Ok(filters) = make_audit::decode_filters(&answer.body) {
                    values.update(|values| {
                        values
                            .clients
                            .extend(filters.users.into_iter().map(|u| u.value));
                        values
                            .collections
                            .extend(filters.teams.into_iter().map(|t| t.value));
                    });
                }
            });
        }
    });
    values
}

/// Status, type, client and collection choices from the sources and loaded rows.
fn filter_options(sources: &[Source], rows: &RowValues, query: &LogQuery) -> FilterOptions {
    let mut options = FilterOptions::default();
    for source in sources {
        let kind = source.kind();
        if !options.types.contains(&kind) {
            options.types.push(kind);
        }
        for status in kind.statuses() {
            if !options.statuses.contains(status) {
                options.statuses.push(*status);
            }
        }
        if source.is_selected_by(query) && !options.capabilities.iter().any(|(k, _)| *k == kind) {
            options.capabilities.push((kind, source.capabilities()));
        }
        if let Source::MakeScenario(ScenarioStream { scenario, .. }) = source {
            options.collections.push(scenario.name.clone());
        }
    }
    // Rows also come from opened files, whose kinds and statuses no source declares.
    for kind in &rows.kinds {
        if !options.types.contains(kind) {
            options.types.push(*kind);
        }
    }
    for status in &rows.statuses {
        if !options.statuses.contains(status) {
            options.statuses.push(*status);
        }
    }
    options.statuses.sort();
    options.clients = rows.clients.clone();
    options.collections.extend(rows.collections.iter().cloned());
    options.collections.sort();
    options.collections.dedup();
    options
}

/// Sets the `logdeck:rows-visible` User Timing mark once, for the benchmark.
fn mark_first_rows(rows: Memo<Vec<usize>>) {
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        if rows.with(Vec::is_empty) {
            return false;
        }
        request_animation_frame(|| {
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark("logdeck:rows-visible");
            }
        });
        true
    });
}

fn install_live_refresh(live: RwSignal<bool>, refresh: RwSignal<u64>) {
    let timer = StoredValue::new_local(None::<IntervalHandle>);
    Effect::new(move |_| {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
        if live.get() {
            let handle =
                set_interval_with_handle(move || refresh.update(|n| *n += 1), LIVE_INTERVAL);
            timer.set_value(handle.ok());
        }
    });
    on_cleanup(move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    });
}

/// ↑/↓ or j/k move, Enter opens, Esc closes, ←/→ step the open record, `/` searches.
fn install_keyboard(
    cursor: RwSignal<Option<usize>>,
    step: Callback<i32>,
    open: Callback<String>,
    close: Callback<()>,
    selected: Signal<Option<String>>,
    key_at: impl Fn(usize) -> Option<String> + 'static,
    rows: Memo<Vec<usize>>,
) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let tag = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| e.tag_name().to_lowercase())
            .unwrap_or_default();
        let typing = matches!(tag.as_str(), "input" | "select" | "textarea");
        let on_control = matches!(tag.as_str(), "button" | "a" | "summary");
        let key = ev.key();
        if typing {
            if key == "Escape" {
                if let Some(element) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = element.blur();
                }
            }
            return;
        }
        match key.as_str() {
            "/" => {
                ev.prevent_default();
                if let Some(search) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("search"))
                {
                    if let Ok(search) = search.dyn_into::<web_sys::HtmlElement>() {
                        let _ = search.focus();
                    }
                }
            }
            "j" | "ArrowDown" => {
                ev.prevent_default();
                step.run(1);
            }
            "k" | "ArrowUp" => {
                ev.prevent_default();
                step.run(-1);
            }
            "ArrowRight" if selected.get_untracked().is_some() => step.run(1),
            "ArrowLeft" if selected.get_untracked().is_some() => step.run(-1),
            "Enter" if !on_control => {
                let position = cursor.get_untracked().unwrap_or(0);
                if position < rows.with_untracked(Vec::len) {
                    if let Some(key) = key_at(position) {
                        cursor.set(Some(position));
                        open.run(key);
                    }
                }
            }
            "Escape" if selected.get_untracked().is_some() => close.run(()),
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// Column visibility, kept in this device's preferences.
#[component]
fn ColumnChooser() -> impl IntoView {
    let prefs = expect_context::<Prefs>();
    let boxes = Column::ALL
        .into_iter()
        .map(|column| {
            let checked = move || prefs.columns.with(|c| c.contains(&column));
            let toggle = move |ev| {
                let on = event_target_checked(&ev);
                prefs.columns.update(|columns| {
                    columns.retain(|c| *c != column);
                    if on {
                        columns.push(column);
                        columns.sort_by_key(|c| Column::ALL.iter().position(|a| a == c));
                    }
                    if columns.is_empty() {
                        columns.push(Column::Time);
                    }
                });
            };
            view! {
                <label class="option"><input type="checkbox" prop:checked=checked on:change=toggle /><span>{column.label()}</span></label>
            }
        })
        .collect_view();
    view! {
        <details class="filter multi columns">
            <summary>"Columns"</summary>
            <fieldset><legend class="visually-hidden">"Visible columns"</legend>{boxes}</fieldset>
        </details>
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
