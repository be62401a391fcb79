//! The dashboard: filters from the URL, rows from every selected source, the
//! volume chart, the table and the detail pane.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::deferred::Deferred;
use crate::components::detail_pane::DetailPane;
use crate::components::export_panel::{open_files, ExportPanel, FileOpener};
use crate::components::filter_bar::{FilterBar, SetQuery};
use crate::components::live_control::LiveControl;
use crate::components::log_table::LogTable;
use crate::components::scope_notes::{NotesPointer, ScopeNotes};
use crate::components::shortcut_help::ShortcutHelp;
use crate::components::source_status::SourceStatus;
use crate::components::volume_chart::VolumeChart;
use crate::state::archive_status::{use_archive_status, use_frontier};
use crate::state::chart::use_chart_bars;
use crate::state::connections::Connections;
use crate::state::filter_options::use_filter_options;
use crate::state::live::use_live_tail;
use crate::state::loads::Loads;
use crate::state::media::use_viewport_width;
use crate::state::messages::{use_lazy_messages, LazyMessages};
use crate::state::older_rows::{use_older_rows, use_period_counts, OlderRows};
use crate::state::prefs::Prefs;
use crate::state::selection::{use_selection, Selection};
use crate::state::table_notes::use_table_notes;
use crate::state::url::{use_log_query, use_set_log_query, HistoryEntry};
use crate::state::view_rows::{use_row_filters, use_row_set, use_view_rows};
use crate::state::zone::{
    browser_spelling, recent_rules, shown_span, unknown_zone_problem, zone_label, zone_rules,
    UnknownZone,
};
use logdeck_core::archive_status::SyncStatus;
use logdeck_core::columns::{Column, TableLayout};
use logdeck_core::config::{ConfigError, RuntimeConfig};
use logdeck_core::fill_budget::OLDER_STEP_ROWS;
use logdeck_core::frontier::Frontier;
use logdeck_core::messages::Unsearched;
use logdeck_core::query::{DisplayZone, LogQuery, OnlyClient, Period, Sort, TimeWindow};
use logdeck_core::search_terms::SearchTerms;
use logdeck_core::sources::{reads_nothing_note, Source};
use logdeck_core::status::Status;
use logdeck_core::timeline::{PeriodCounts, Timeline};
use logdeck_core::zone::ZoneRules;

#[component]
pub fn Dashboard() -> impl IntoView {
    let connections = expect_context::<Connections>();
    let loads = expect_context::<Loads>();
    let decoded = use_log_query();
    let query = Memo::new(move |_| decoded.with(|(query, _)| query.clone()));
    let set_url = use_set_log_query();
    let set_query: SetQuery = Callback::new(move |(query, entry)| set_url(query, entry));
    let config = connections.effective();
    let zone_choice = Memo::new(move |_| query.with(|q| q.zone.clone()));
    let span = Memo::new(move |_| shown_span(loads.window.get()));
    let zone_read = Memo::new(move |_| zone_choice.with(|choice| zone_rules(choice, span.get())));
    let zone = Signal::from(Memo::new(move |_| {
        zone_read.get().unwrap_or_else(|_| ZoneRules::utc())
    }));
    // A zone the browser does not know is shown in UTC: the notice says so
    // with the link's other problems (the core's codec cannot know zones).
    let problems = Signal::derive(move || {
        let mut problems: Vec<String> =
            decoded.with(|(_, problems)| problems.iter().map(ToString::to_string).collect());
        if let Err(UnknownZone(name)) = zone_read.get() {
            problems.push(unknown_zone_problem(&name));
        }
        problems
    });
    respell_zone(zone_choice, query, set_query, problems);
    let zone_label = Signal::derive(move || {
        let known = zone_read.with(Result::is_ok);
        zone_choice.with(|choice| zone_label(choice, known, &zone.get()))
    });
    let refresh = RwSignal::new(0u64);
    let archive = use_archive_status(config, loads);
    // What selects rows, also what the loads fetch: the sort and the opened
    // record never reload.
    let filters = use_row_filters(query);
    use_loads_sync(config, filters, loads, refresh);
    // The archive's lag and its first day join the loads' own completeness: a
    // count is bare only when the archived sources are held over the whole
    // window.
    let frontier = use_frontier(loads, archive, filters);
    let older = use_older_rows(query, set_query, frontier);
    let row_set = use_row_set(filters, loads, older.frontier);
    let rows = use_view_rows(query, loads, row_set);
    let counts = use_period_counts(loads, filters, rows, frontier);
    let chart = use_chart_bars(config, query, loads, row_set, frontier, archive);
    mark_first_rows(rows);
    let shown = RwSignal::new((0, 0));
    let selection = use_selection(query, set_query, rows, loads, shown);
    let help = RwSignal::new(false);
    install_keyboard(selection, help);
    let close_detail = Callback::new(move |()| {
        selection.close.run(());
        focus_after_render("rows");
    });
    let at_top = RwSignal::new(true);
    let paused = Signal::derive(move || !at_top.get() || selection.key.with(Option::is_some));
    use_live_tail(loads, query, paused);

    let change = move |edit: &dyn Fn(&mut LogQuery)| {
        let mut next = query.get_untracked();
        edit(&mut next);
        set_query.run((next, HistoryEntry::Push));
    };
    let set_live = Callback::new(move |live: bool| change(&|q| q.live = live));
    // The note and its button go with the change: the rows take the focus.
    let ask_alone = Callback::new(move |status: Status| {
        change(&|q| q.statuses = [status].into());
        focus_after_render("rows");
    });
    let sort = Signal::derive(move || query.with(|q| q.sort));
    // The search, whose terms the rows and the detail mark.
    let search = Memo::new(move |_| query.with(LogQuery::search));
    let on_sort = Callback::new(move |column: Column| change(&|q| q.sort = q.sort.toggled(column)));
    let only_client = Callback::new(move |only: OnlyClient| {
        change(&|q| q.only_client(only.clone()));
    });
    let narrow = Callback::new(move |window: TimeWindow| {
        // A bar at the period's edge spans time the period does not cover,
        // and a bar's end is the next bar's.
        let period = loads.window.get_untracked().unwrap_or(window);
        let window = window.of_bars_within(period);
        change(&|q| {
            q.period = Period::Absolute {
                from: window.from,
                to: window.to,
            }
        })
    });
    let near_end = Callback::new(move |()| {
        if !loads.is_loading() {
            loads.load_older_pages();
        }
    });
    // A memo: many readers, and expanding the configuration reads the keys.
    let all_sources = Signal::from(Memo::new(move |_| match config.get() {
        Some(Ok(config)) => Source::expand(&config),
        _ => Vec::new(),
    }));
    let options = use_filter_options(all_sources, loads, query);
    let messages = use_lazy_messages(loads, rows, shown, all_sources, filters, older.frontier);
    let notes = use_table_notes(loads.timeline, filters, all_sources, rows);
    let drop_message = RwSignal::new(String::new());
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
            open_files(files, loads, drop_message);
        }
    };
    view! {
        <div class="dashboard" class:with-detail=move || selection.key.with(Option::is_some)
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default() on:drop=on_drop>
            <ShortcutHelp open=help />
            // Drawn once the configuration is known, with the filters its
            // sources offer: nothing drawn before it moves when it arrives.
            <Show when=move || config.with(Option::is_some)
                fallback=|| view! { <p class="notice" role="status">"Loading configuration…"</p> }>
            <FilterBar query set_query options zone />
            <UrlProblems problems />
            <ConfigNotice config />
            <VolumeChart buckets=chart.buckets window=loads.window frontier=chart.frontier zone on_select=narrow />
            <Toolbar loads refresh all_sources query zone rows frontier counts older drop_message set_live paused archive
                unsearched=messages.unsearched notes />
            <div class="workspace">
                // The page's end, built in a task of its own.
                <Deferred>
                    <TableArea loads rows frontier zone zone_label sort on_sort selection near_end at_top shown messages
                        notes ask_alone older counts
                        one_type=Signal::derive(move || query.with(|q| q.types.len() == 1)) search />
                    <Show when=move || selection.key.with(Option::is_some)>
                        <DetailPane record=selection.record in_view=selection.in_view selected=selection.key sources=all_sources zone search
                            found_for=found_by_vendor(selection, loads, search)
                            on_close=close_detail on_step=selection.step on_only_client=only_client />
                    </Show>
                </Deferred>
            </div>
            </Show>
        </div>
    }
}

/// A zone linked in another letter case (`tz=europe/berlin`) is written back
/// in the browser's spelling, in place: the link then names it as the time
/// zone list and the Time column do. Another name for the same zone (an alias)
/// is kept as linked. A link with problems is left as it is, so the notice
/// keeps naming what was ignored.
fn respell_zone(
    zone_choice: Memo<DisplayZone>,
    query: Memo<LogQuery>,
    set_query: SetQuery,
    problems: Signal<Vec<String>>,
) {
    Effect::new(move |_| {
        let DisplayZone::Named(linked) = zone_choice.get() else {
            return;
        };
        if problems.with_untracked(|problems| !problems.is_empty()) {
            return;
        }
        let respelled = browser_spelling(&linked)
            .filter(|spelling| *spelling != linked && spelling.eq_ignore_ascii_case(&linked));
        if let Some(spelling) = respelled {
            let zone = DisplayZone::Named(spelling);
            set_query.run((
                LogQuery {
                    zone,
                    ..query.get_untracked()
                },
                HistoryEntry::Replace,
            ));
        }
    });
}

/// Keeps the loads in line with the URL: only what reaches the requests reloads
/// (selection and sort never do); `refresh` re-resolves a relative period.
fn use_loads_sync(
    config: Signal<Option<Result<RuntimeConfig, ConfigError>>>,
    filters: Memo<LogQuery>,
    loads: Loads,
    refresh: RwSignal<u64>,
) {
    Effect::new(move |previous: Option<u64>| {
        let query = filters.get();
        let tick = refresh.get();
        loads.files.track();
        if let Some(Ok(config)) = config.get() {
            let refreshing = previous.is_some_and(|previous| previous != tick);
            loads.sync(&config, &query, &recent_rules(&query.zone), refreshing);
        }
        tick
    });
}

/// What the configuration says before any row: loading, broken, or empty.
#[component]
fn ConfigNotice(config: Signal<Option<Result<RuntimeConfig, ConfigError>>>) -> impl IntoView {
    move || {
        match config.get() {
        // Said by the dashboard above until it arrives.
        None => ().into_any(),
        Some(Err(error)) => view! { <p class="notice error" role="alert">{error.to_string()}</p> }.into_any(),
        Some(Ok(config)) if config.connections.is_empty() => view! {
            <p class="notice">"No connections yet. "<a href="/connections">"Add one"</a>" to see its logs."</p>
        }
        .into_any(),
        Some(Ok(config)) => reads_nothing_note(&config).map(|note| view! {
            <p class="notice">{note}" "<a href="/connections">"Connections"</a>"."</p>
        }).into_any(),
    }
    }
}

/// Sources, live mode, refresh, columns, export, files and the row count.
#[component]
fn Toolbar(
    loads: Loads,
    refresh: RwSignal<u64>,
    all_sources: Signal<Vec<Source>>,
    query: Memo<LogQuery>,
    zone: Signal<ZoneRules>,
    rows: Memo<Vec<usize>>,
    frontier: Memo<Frontier>,
    /// The period's rows of whole sources, and those older than the frontier.
    counts: Memo<PeriodCounts>,
    older: OlderRows,
    drop_message: RwSignal<String>,
    set_live: Callback<bool>,
    paused: Signal<bool>,
    archive: RwSignal<Option<Vec<SyncStatus>>>,
    /// Messages a search has not looked in: the count says so.
    unsearched: Memo<Unsearched>,
    /// The notes below the table: the count line points to them.
    notes: Memo<String>,
) -> impl IntoView {
    view! {
        <div class="toolbar">
            // What is loaded and how many rows show, two lines beside the
            // buttons: as long as the buttons are tall, so nothing moves.
            <div class="toolbar-status">
                <SourceStatus loads archive zone />
                <span class="count-line">
                    <span class="row-count" role="status">
                        {move || {
                            let PeriodCounts { from_whole_sources, older: older_rows } = counts.get();
                            let shown_older = if older.shown.get() { older_rows } else { 0 };
                            let rows = rows.with(Vec::len);
                            let mut line = frontier.with(|f| {
                                f.count_line_with_older(rows, from_whole_sources, shown_older, &zone.get())
                            });
                            line.push_str(&unsearched.get().count_qualifier().unwrap_or_default());
                            line
                        }}
                    </span>
                    <NotesPointer markup=notes />
                </span>
            </div>
            <LiveControl loads query set_live paused zone
                archive_synced_to=Signal::derive(move || frontier.with(Frontier::archive_synced_to)) />
            <button type="button" on:click=move |_| refresh.update(|n| *n += 1)>"Refresh"</button>
            <ColumnChooser query />
            <ExportPanel sources=all_sources query zone loads />
            <FileOpener loads />
            <span role="status">{drop_message}</span>
            <Show when=move || query.with(|q| q.sort.column != Column::Time) && !frontier.with(Frontier::is_complete)>
                <span class="sort-note" role="note">
                    {move || format!("sorted among the {} loaded rows", rows.with(Vec::len))}
                </span>
            </Show>
        </div>
    }
}

/// The term a vendor's own search found the open record for, when its fields
/// do not show it: the detail says why the row matched.
fn found_by_vendor(
    selection: Selection,
    loads: Loads,
    search: Memo<Option<SearchTerms>>,
) -> Memo<Option<String>> {
    Memo::new(move |_| {
        let key = selection.key.get()?;
        let record = selection.record.get()?;
        if !loads
            .timeline
            .with(|timeline| timeline.is_server_match(&key))
        {
            return None;
        }
        search.with(|search| Some(search.as_ref()?.unseen_server_term(&record)?.to_owned()))
    })
}

/// The table, or why it is empty.
#[component]
fn TableArea(
    loads: Loads,
    rows: Memo<Vec<usize>>,
    frontier: Memo<Frontier>,
    zone: Signal<ZoneRules>,
    /// The Time column's zone, as its header names it.
    zone_label: Signal<String>,
    sort: Signal<Sort>,
    on_sort: Callback<Column>,
    selection: Selection,
    near_end: Callback<()>,
    at_top: RwSignal<bool>,
    shown: RwSignal<(usize, usize)>,
    messages: LazyMessages,
    /// [`use_table_notes`]'s markup.
    notes: Memo<String>,
    ask_alone: Callback<Status>,
    /// The older rows loaded, shown or not, and how many there are.
    older: OlderRows,
    counts: Memo<PeriodCounts>,
    /// The view is of one collection type.
    one_type: Signal<bool>,
    /// The search, whose terms the rows mark.
    search: Memo<Option<SearchTerms>>,
) -> impl IntoView {
    let prefs = expect_context::<Prefs>();
    let columns = Signal::derive(move || prefs.columns.get());
    let empty = move || rows.with(Vec::is_empty);
    view! {
        <div class="table-area">
            <LogTable timeline=loads.timeline rows columns zone zone_label sort on_sort
                selected=selection.key cursor=selection.cursor on_open=selection.open on_near_end=near_end at_top shown
                shaded_before=older.shaded_before one_type search />
            <Show when=move || empty() && frontier.with(Frontier::is_complete) && !loads.is_loading()
                && !loads.book.with(|book| book.loads().is_empty()) && !messages.unsearched.get().any()>
                <p class="notice" role="status">"No logs match these filters in this period."</p>
            </Show>
            <Show when=move || empty() && frontier.with(Frontier::is_complete) && !loads.is_loading()
                && messages.unsearched.get().any()>
                <p class="notice" role="status">
                    "No row the search could look in matches. Some runs' messages are not read yet: see below."
                </p>
            </Show>
            <Show when=move || empty() && loads.is_loading()>
                <p class="notice" role="status">"Loading logs…"</p>
            </Show>
            <UnreadMessagesNote messages />
            <ScopeNotes markup=notes ask_alone />
            <FrontierNote loads frontier zone empty=Signal::derive(empty) older counts />
        </div>
    }
}

/// While a search is on: how many loaded rows' messages it could not look in
/// (a failed Make run's error is read by a call per run), and a way to read
/// them all.
#[component]
fn UnreadMessagesNote(messages: LazyMessages) -> impl IntoView {
    let unsearched = move || messages.unsearched.get();
    let reading = move || messages.reading_all.get() && unsearched().open > 0;
    let line = move || {
        let Unsearched { open, failed } = unsearched();
        let alone = messages.reading_alone.get();
        let mut line = if reading() {
            format!("Reading messages: {open} left. The search looks in each as it arrives.")
        } else if alone > 0 {
            format!(
                "Reading {alone} of the {open} messages not read yet (a call per run). \
                 The search looks in each as it arrives."
            )
        } else if open > 0 {
            let runs = if open == 1 {
                "run's message is"
            } else {
                "runs' messages are"
            };
            format!("{open} {runs} not read yet (a call per run), so the search has not looked in them.")
        } else {
            String::new()
        };
        if failed > 0 {
            line.push_str(&format!(
                " {failed} could not be read, so the search has not looked in them either."
            ));
        }
        line
    };
    view! {
        <Show when=move || unsearched().any()>
            <p class="frontier-note unread-messages" role="status">
                {line}" "
                // Not while every one is being read already.
                <Show when=move || {
                    let Unsearched { open, failed } = unsearched();
                    !reading() && (failed > 0 || open > messages.reading_alone.get())
                }>
                    <button type="button" on:click=move |_| messages.read_all.run(())>"Read them"</button>
                </Show>
            </p>
        </Show>
    }
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

/// Below the table while the period is not complete: how far back the rows are
/// complete, what is missing, and "Load older" for the sources holding it back.
#[component]
fn FrontierNote(
    loads: Loads,
    frontier: Memo<Frontier>,
    zone: Signal<ZoneRules>,
    empty: Signal<bool>,
    older: OlderRows,
    counts: Memo<PeriodCounts>,
) -> impl IntoView {
    let line = move || frontier.with(|f| f.missing_line(&zone.get()));
    // While rows are still coming, "Loading logs…" says so instead: before
    // every source has answered, rows loaded may all lie past the frontier.
    let searched = move || {
        (empty.get() && !loads.is_loading()).then(|| {
            let loaded = loads.timeline.with(Timeline::len);
            format!("No logs match these filters among the {loaded} rows loaded. ")
        })
    };
    let can_load = move || frontier.with(|f| !f.holders().is_empty());
    // What a click asks of the vendors, before it costs their rate budget.
    let load_older_title = || {
        format!(
            "Read about {OLDER_STEP_ROWS} older rows from the sources holding the view back, a page (a call) at a time"
        )
    };
    let stopped = move || {
        loads.fill_stopped_at().map(|budget| {
            format!("Loading in the background stops at {budget} rows, to keep the page quick. ")
        })
    };
    view! {
        <Show when=move || line().is_some()>
            <p class="frontier-note" role="status">
                {searched}{line}" "{stopped}
                // There while the view has an older part, so the note keeps
                // its size; it can show something once a source read further
                // back loaded older rows.
                <Show when=move || frontier.with(Frontier::has_older_part)>
                    " "<button type="button" class="show-older" aria-pressed=move || older.shown.get().to_string()
                        disabled=move || !older.shown.get() && counts.with(|c| c.older == 0)
                        title=move || (!older.shown.get() && counts.with(|c| c.older == 0))
                            .then_some("No row older than this is loaded yet")
                        on:click=move |_| older.show.run(!older.shown.get_untracked())>
                        {move || if older.shown.get() { "Hide the older rows loaded" } else { "Show the older rows loaded" }}
                    </button>" "
                </Show>
                <Show when=can_load>
                    <button type="button" class="load-older" on:click=move |_| loads.load_older()
                        title=load_older_title() disabled=move || loads.is_busy()>"Load older"</button>
                    <Show when=move || empty.get()>
                        " "<button type="button" class="load-all" on:click=move |_| loads.load_whole_period()
                            disabled=move || loads.is_busy()>"Search the whole period"</button>
                    </Show>
                </Show>
            </p>
        </Show>
    }
}

/// ↑/↓ or j/k move, Enter opens, Esc closes, ←/→ step the open record, `/` searches.
fn install_keyboard(selection: Selection, help: RwSignal<bool>) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev: KeyboardEvent| {
        // A control that handled the key itself (a chart bar's Enter and
        // arrows) has the last word.
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
            return;
        }
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
        let tag = target
            .as_ref()
            .map(|e| e.tag_name().to_lowercase())
            .unwrap_or_default();
        let key = ev.key();
        if matches!(tag.as_str(), "input" | "select" | "textarea") {
            if let (Some(element), "Escape") = (target, key.as_str()) {
                let _ = element.blur();
            }
            return;
        }
        let on_control = matches!(tag.as_str(), "button" | "a" | "summary");
        let open = selection.key.with_untracked(Option::is_some);
        if help.get_untracked() && matches!(key.as_str(), "Escape" | "?") {
            help.set(false);
            return;
        }
        match key.as_str() {
            "?" => help.set(true),
            "/" => {
                ev.prevent_default();
                focus_search();
            }
            "j" | "ArrowDown" => {
                ev.prevent_default();
                selection.step.run(1);
            }
            "k" | "ArrowUp" => {
                ev.prevent_default();
                selection.step.run(-1);
            }
            // Stepping records, not scrolling the focused table sideways.
            "ArrowRight" if open => {
                ev.prevent_default();
                selection.step.run(1);
            }
            "ArrowLeft" if open => {
                ev.prevent_default();
                selection.step.run(-1);
            }
            // Focus follows the reader: into the detail it opens, back to the
            // rows (the cursor stays on the record) when it closes.
            "Enter" if !on_control => {
                selection.open_cursor();
                focus_after_render("detail");
            }
            "Escape" if open => {
                selection.close.run(());
                focus_after_render("rows");
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
}

/// Focuses the element with `id` once the next frame has rendered it.
fn focus_after_render(id: &'static str) {
    request_animation_frame(move || {
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    });
}

fn focus_search() {
    let search = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("search"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(search) = search {
        let _ = search.focus();
    }
}

/// Column visibility, kept in this device's preferences. A chosen column
/// the layout hides (`TableLayout`) says so beside its box.
#[component]
fn ColumnChooser(query: Memo<LogQuery>) -> impl IntoView {
    let prefs = expect_context::<Prefs>();
    let width = use_viewport_width();
    let layout = Memo::new(move |_| {
        query.with(|q| TableLayout {
            width: width.get(),
            one_type: q.types.len() == 1,
            detail_open: q.selected.is_some(),
            sorted_by: q.sort.column,
        })
    });
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
            let hidden = move || {
                let why = layout.get().hides(column)?;
                prefs
                    .columns
                    .with(|c| c.contains(&column))
                    .then(|| format!(" (hidden {why})"))
            };
            view! {
                <label class="option"><input type="checkbox" prop:checked=checked on:change=toggle />
                    <span>{column.label()}<span class="muted">{hidden}</span></span></label>
            }
        })
        .collect_view();
    view! {
        <details class="filter multi columns popover">
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
