//! The filter bar: period and time zone, status, collection type, client,
//! collection, audit event, free text, and "copy link". Everything it changes goes to the URL.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{Datelike, NaiveDateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::multi_select::MultiSelect;
use super::status_filter::StatusFilter;
use crate::state::url::HistoryEntry;
use crate::state::zone::{now_span, zone_names, zone_rules};
use logdeck_core::adapters::{Applied, Capabilities};
use logdeck_core::client_id::ClientId;
use logdeck_core::filter_options::FilterOptions;
use logdeck_core::format;
use logdeck_core::markup;
use logdeck_core::model::CollectionType;
use logdeck_core::query::{DisplayZone, LogQuery, Period, Preset, TimeWindow};
use logdeck_core::status::Status;
use logdeck_core::wall_clock::{self, RangeEnd};
use logdeck_core::zone::ZoneRules;

/// A query change and how it enters history.
pub type SetQuery = Callback<(LogQuery, HistoryEntry)>;

#[component]
pub fn FilterBar(
    query: Memo<LogQuery>,
    set_query: SetQuery,
    #[prop(into)] options: Signal<FilterOptions>,
    #[prop(into)] zone: Signal<ZoneRules>,
) -> impl IntoView {
    let update = move |change: Box<dyn FnOnce(&mut LogQuery)>, entry: HistoryEntry| {
        let mut next = query.get_untracked();
        change(&mut next);
        set_query.run((next, entry));
    };
    let hints = move |pick: fn(&Capabilities) -> Applied| {
        Signal::derive(move || {
            let mut lines: Vec<(String, Cow<'static, str>)> = options.with(|o| {
                o.capabilities
                    .iter()
                    .map(|(kind, caps)| (kind.label().to_owned(), pick(caps).describe()))
                    .collect()
            });
            lines.dedup();
            lines
        })
    };
    let sheet_open = RwSignal::new(false);
    let statuses = Memo::new(move |_| query.with(|q| q.statuses.clone()));
    let on_statuses = Callback::new(move |statuses: BTreeSet<Status>| {
        update(Box::new(move |q| q.statuses = statuses), HistoryEntry::Push)
    });
    let status_options = Signal::derive(move || options.with(FilterOptions::status_choices));

    let type_options = Signal::derive(move || {
        options.with(|o| {
            o.types
                .iter()
                .map(|t| (t.key().to_owned(), t.label().to_owned()))
                .collect()
        })
    });
    let types =
        Memo::new(move |_| query.with(|q| q.types.iter().map(|t| t.key().to_owned()).collect()));
    let on_types = Callback::new(move |keys: BTreeSet<String>| {
        let types = keys
            .iter()
            .filter_map(|k| CollectionType::from_key(k))
            .collect();
        update(Box::new(move |q| q.types = types), HistoryEntry::Push)
    });

    let as_options = |values: Vec<String>| {
        values
            .into_iter()
            .map(|v| (v.clone(), v))
            .collect::<Vec<_>>()
    };
    let client_options = Signal::derive(move || as_options(options.with(|o| o.clients.clone())));
    let clients = Memo::new(move |_| query.with(|q| q.clients.clone()));
    let on_clients = Callback::new(move |clients: BTreeSet<String>| {
        update(Box::new(move |q| q.clients = clients), HistoryEntry::Push)
    });
    let collection_options =
        Signal::derive(move || as_options(options.with(|o| o.collections.clone())));
    let collections = Memo::new(move |_| query.with(|q| q.collections.clone()));
    let on_collections = Callback::new(move |collections: BTreeSet<String>| {
        update(
            Box::new(move |q| q.collections = collections),
            HistoryEntry::Push,
        )
    });

    view! {
        // Phones: the filters wait behind one button, so the rows come first.
        <button type="button" class="filters-toggle" aria-controls="filters"
            aria-expanded=move || sheet_open.get().to_string()
            on:click=move |_| sheet_open.update(|open| *open = !*open)>
            {move || {
                // A refused "Hide check runs" is off, as its box shows: not counted.
                let refused = query.with(|q| q.hide_check_runs)
                    && options.with(|o| o.check_runs_refused().is_some());
                match query.with(LogQuery::active_filters).saturating_sub(usize::from(refused)) {
                    0 => "Filters".to_owned(),
                    n => format!("Filters · {n} set"),
                }
            }}
        </button>
        <section class="filters" id="filters" class:open=move || sheet_open.get() aria-label="Filters">
            <PeriodPicker query set_query zone />
            <AppliedHint name="Period" lines=hints(|c| c.period) />
            <div class="filter-group">
                <StatusFilter options=status_options selected=statuses on_change=on_statuses />
                <AppliedHint name="Status" lines=hints(|c| c.status) />
            </div>
            <div class="filter-group">
                <MultiSelect label="Collection type" options=type_options selected=types on_change=on_types />
            </div>
            <div class="filter-group">
                <MultiSelect label="Client" options=client_options selected=clients on_change=on_clients />
                <AppliedHint name="Client" lines=hints(|c| c.client) />
            </div>
            <div class="filter-group">
                <MultiSelect label="Collection" options=collection_options selected=collections on_change=on_collections />
                <AppliedHint name="Collection" lines=hints(|c| c.collection) />
            </div>
            <div class="filter-group">
                <SearchBox query set_query />
                <AppliedHint name="Search" lines=hints(|c| c.text) />
            </div>
            <EventFilter query set_query options />
            <ClientIdFilter query set_query options />
            <Show when=move || options.with(|o| o.types.contains(&CollectionType::MakeScenarios))>
                <HideCheckRuns query set_query options lines=hints(|c| c.check_runs) />
            </Show>
            <CopyLink query zone />
        </section>
    }
}

/// "Hide check runs", Make's own filter. Where the Make scenarios shown
/// cannot apply it (read from the team archive) it is off and says why:
/// ticked, it would read as applied.
#[component]
fn HideCheckRuns(
    query: Memo<LogQuery>,
    set_query: SetQuery,
    options: Signal<FilterOptions>,
    lines: Signal<Vec<(String, Cow<'static, str>)>>,
) -> impl IntoView {
    let refused = move || options.with(FilterOptions::check_runs_refused);
    let on_change = move |ev| {
        let mut next = query.get_untracked();
        next.hide_check_runs = event_target_checked(&ev);
        set_query.run((next, HistoryEntry::Push));
    };
    view! {
        <div class="filter-group">
            <label class="option" title=move || refused().unwrap_or(
                "Make: leave out trigger runs that found nothing new (applied by Make's server)")>
                // Refused, it stays a tab stop that says why (a disabled box
                // is skipped), and a press changes nothing.
                <input type="checkbox" aria-disabled=move || refused().map(|_| "true")
                    aria-describedby=move || refused().map(|_| "check-runs-refused")
                    prop:checked=move || query.with(|q| q.hide_check_runs) && refused().is_none()
                    on:click=move |ev| if refused().is_some() { ev.prevent_default() }
                    on:change=on_change />
                <span>"Hide check runs"</span>
            </label>
            <span id="check-runs-refused" class="visually-hidden">{refused}</span>
            <AppliedHint name="Hide check runs" lines />
        </div>
    }
}

/// Make audit events (from `/filters` and the loaded entries). Only audit entries
/// have an event, so choosing one shows audit entries only, and the label says so.
#[component]
fn EventFilter(
    query: Memo<LogQuery>,
    set_query: SetQuery,
    options: Signal<FilterOptions>,
) -> impl IntoView {
    let event_options = Signal::derive(move || {
        options.with(|o| {
            o.events
                .iter()
                .map(|e| (e.clone(), e.clone()))
                .collect::<Vec<_>>()
        })
    });
    let events = Memo::new(move |_| query.with(|q| q.events.clone()));
    let on_events = Callback::new(move |events: BTreeSet<String>| {
        let mut next = query.get_untracked();
        next.events = events;
        set_query.run((next, HistoryEntry::Push));
    });
    view! {
        // Shown with the audit log's configuration, not its `/filters` answer:
        // nothing moves when that comes.
        <Show when=move || options.with(|o| o.types_in_view.contains(&CollectionType::MakeAudit))
            || query.with(|q| !q.events.is_empty())>
            <div class="filter-group" title="Audit log events (applied by Make's server); choosing one shows audit entries only">
                <MultiSelect label="Event" options=event_options selected=events on_change=on_events />
            </div>
        </Show>
    }
}

/// Vendor ids of clients (a Dify session or account e-mail, an Aitronos
/// credential). Shown once one is chosen, from a record's detail or a link: a
/// name can stand for several clients, an id for one, so the vendor's server
/// filters by it and the count stays exact.
#[component]
fn ClientIdFilter(
    query: Memo<LogQuery>,
    set_query: SetQuery,
    options: Signal<FilterOptions>,
) -> impl IntoView {
    let id_options = Signal::derive(move || options.with(|o| o.client_ids.clone()));
    let chosen =
        Memo::new(move |_| query.with(|q| q.client_ids.iter().map(ClientId::key).collect()));
    let on_change = Callback::new(move |keys: BTreeSet<String>| {
        let mut next = query.get_untracked();
        next.client_ids = keys.iter().filter_map(|k| ClientId::from_key(k)).collect();
        set_query.run((next, HistoryEntry::Push));
    });
    view! {
        <Show when=move || query.with(|q| !q.client_ids.is_empty())>
            <div class="filter-group" title="The vendor's own id of the client: sent to Dify or Aitronos, which filter by it exactly; other sources have no such ids and are left out">
                <MultiSelect label="Client id" options=id_options selected=chosen on_change />
            </div>
        </Show>
    }
}

/// Says, per source kind, whether a filter runs on the server or in the browser.
#[component]
fn AppliedHint(
    name: &'static str,
    lines: Signal<Vec<(String, Cow<'static, str>)>>,
) -> impl IntoView {
    // The list opens leftwards from its icon; an icon near the page's left
    // edge opens it rightwards instead, so none of it is off the screen.
    let list = NodeRef::<leptos::html::Ul>::new();
    let keep_in_view = move |_| {
        let Some(list) = list.get_untracked() else {
            return;
        };
        let _ = list.remove_attribute("data-from-left");
        if list.get_bounding_client_rect().left() < 0.0 {
            let _ = list.set_attribute("data-from-left", "");
        }
    };
    view! {
        <details class="hint popover" on:toggle=keep_in_view>
            <summary><span class="hint-icon" aria-hidden="true">"i"</span><span class="visually-hidden">{format!("Where the {name} filter is applied")}</span></summary>
            <ul node_ref=list>
                {move || lines.get().into_iter().map(|(kind, applied)| view! { <li>{kind}": "{applied}</li> }).collect_view()}
            </ul>
        </details>
    }
}

const CUSTOM: &str = "custom";

/// Presets, a custom absolute range, and the display zone.
#[component]
fn PeriodPicker(
    query: Memo<LogQuery>,
    set_query: SetQuery,
    zone: Signal<ZoneRules>,
) -> impl IntoView {
    let custom_open = RwSignal::new(false);
    let selected = move || match query.with(|q| q.period) {
        Period::Last(preset) if !custom_open.get() => preset.key().to_owned(),
        _ => CUSTOM.to_owned(),
    };
    // The table's own 24-hour ISO form, whatever the browser's locale would
    // make of a date-time input.
    let in_zone =
        move |instant: chrono::DateTime<Utc>| instant.with_timezone(&zone.get_untracked());
    let from_value = RwSignal::new(String::new());
    let to_value = RwSignal::new(String::new());
    let range_error = RwSignal::new(None::<String>);
    let fill_range = move || {
        let period = query.with_untracked(|q| q.period);
        let window = period.resolve(Utc::now(), &zone.get_untracked());
        // A range of the link's keeps its exact start, so applying it again
        // keeps the period; a preset's start ("now" less 7 days) is shown to
        // its minute, not to its millisecond.
        let from = match period {
            Period::Absolute { .. } => wall_clock::range_start(&in_zone(window.from)),
            Period::Last(_) => wall_clock::to_minute(&in_zone(window.from)),
        };
        from_value.set(from);
        to_value.set(wall_clock::to_minute(&in_zone(
            wall_clock::minute_at_or_after(window.to),
        )));
    };
    Effect::new(move |_| {
        zone.track();
        if matches!(query.with(|q| q.period), Period::Absolute { .. }) {
            fill_range();
        }
    });
    let on_preset = move |ev| {
        let value = event_target_value(&ev);
        if value == CUSTOM {
            fill_range();
            custom_open.set(true);
            return;
        }
        custom_open.set(false);
        if let Some(preset) = Preset::from_key(&value) {
            let next = LogQuery {
                period: Period::Last(preset),
                ..query.get_untracked()
            };
            set_query.run((next, HistoryEntry::Push));
        }
    };
    // The select reads "Custom range…" while the range is typed: an error says
    // what the rows below still are.
    let still_shown = move || match query.with_untracked(|q| q.period) {
        Period::Last(preset) => format!("Still shown: {}.", preset.label()),
        Period::Absolute { .. } => "Still shown: the range before.".to_owned(),
    };
    let apply = move || {
        // The zone's rules around the typed times, not the shown window's: a
        // range in summer typed while viewing a winter day.
        let choice = query.with_untracked(|q| q.zone.clone());
        let parse = |text: String, end: RangeEnd| {
            let local = parse_range_time(&text, end)?;
            let around = TimeWindow {
                from: local.and_utc(),
                to: local.and_utc(),
            };
            let rules = zone_rules(&choice, around).unwrap_or_else(|_| ZoneRules::utc());
            Some(rules.instant_of(local))
        };
        match (
            parse(from_value.get_untracked(), RangeEnd::Start),
            parse(to_value.get_untracked(), RangeEnd::End),
        ) {
            (Some(from), Some(to)) if from < to => {
                range_error.set(None);
                let next = LogQuery {
                    period: Period::Absolute { from, to },
                    ..query.get_untracked()
                };
                set_query.run((next, HistoryEntry::Push));
            }
            (Some(_), Some(_)) => range_error.set(Some(format!(
                "The start must be before the end. {}",
                still_shown()
            ))),
            _ => range_error.set(Some(format!(
                "Enter both as a date and 24-hour time, like 2026-12-04 13:00, or as a \
                 day alone, like 2026-12-04 (the whole day). {}",
                still_shown()
            ))),
        }
    };
    // Enter in either box applies the range, as the button does.
    let on_enter = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && !ev.is_composing() {
            apply();
        }
    };
    view! {
        <div class="filter-group period">
            <div class="field">
                <label for="period">"Period"</label>
                <select id="period" on:change=on_preset prop:value=selected>
                    {Preset::ALL.into_iter().map(|p| view! { <option value=p.key()>{p.label()}</option> }).collect_view()}
                    <option value=CUSTOM>"Custom range…"</option>
                </select>
            </div>
            <Show when=move || selected() == CUSTOM>
                <div class="field">
                    <label for="period-from">"From"</label>
                    <input id="period-from" class="range-time" placeholder="2026-12-04 13:00" prop:value=from_value
                        on:input=move |ev| from_value.set(event_target_value(&ev)) on:keydown=on_enter />
                </div>
                <div class="field">
                    <label for="period-to">"To"</label>
                    <input id="period-to" class="range-time" placeholder="2026-12-04 14:00" prop:value=to_value
                        on:input=move |ev| to_value.set(event_target_value(&ev)) on:keydown=on_enter />
                </div>
                <button type="button" on:click=move |_| apply()>"Apply"</button>
                <Show when=move || range_error.get().is_some()>
                    <span class="field-error" role="alert">{move || range_error.get()}</span>
                </Show>
            </Show>
            <ZonePicker query set_query />
        </div>
    }
}

/// A wall-clock time as typed: `2026-12-04 13:00`, with `T` or seconds too,
/// or a day alone, in years 1 to 9999.
fn parse_range_time(text: &str, end: RangeEnd) -> Option<NaiveDateTime> {
    wall_clock::parse_range_bound(text.trim(), end)
        .filter(|local| (1..=9999).contains(&local.year()))
}

/// Local time, UTC, or any IANA zone the browser knows; in the URL as `tz=`.
#[component]
fn ZonePicker(query: Memo<LogQuery>, set_query: SetQuery) -> impl IntoView {
    let on_zone = move |ev| {
        let zone = DisplayZone::from_key(&event_target_value(&ev)).unwrap_or_default();
        set_query.run((
            LogQuery {
                zone,
                ..query.get_untracked()
            },
            HistoryEntry::Push,
        ));
    };
    let local_label = move || {
        let rules =
            zone_rules(&DisplayZone::Local, now_span()).unwrap_or_else(|_| ZoneRules::utc());
        format!(
            "Local ({})",
            format::offset_label(rules.offset_at(Utc::now()))
        )
    };
    let names = zone_names();
    // Its own memo: the other filters' changes do not re-check the zone.
    let chosen = Memo::new(move |_| query.with(|q| q.zone.clone()));
    let chosen = move || chosen.get();
    // A linked zone the list lacks (the browser lists `Asia/Calcutta` but knows
    // `Asia/Kolkata` too), or one it does not know at all, stays chosen.
    let listed = names.clone();
    let unlisted = move || match chosen() {
        DisplayZone::Named(name) if !listed.contains(&name) => {
            let known = zone_rules(&chosen(), now_span()).is_ok();
            let label = if known {
                name.clone()
            } else {
                format!("{name} (unknown here: shown in UTC)")
            };
            Some(view! { <option value=name>{label}</option> })
        }
        _ => None,
    };
    view! {
        <div class="field">
            <label for="zone">"Time zone"</label>
            <select id="zone" on:change=on_zone prop:value=move || chosen().key().to_owned()>
                <option value="local">{local_label}</option>
                <option value="utc">"UTC"</option>
                {unlisted}
                // 400-odd zones set as one piece of markup, not node by node.
                <optgroup label="Zones" inner_html=markup::zone_options(&names) />
            </select>
        </div>
    }
}

/// Free text, debounced. Starting or clearing a search is a step of its own in
/// history; refining one replaces that step instead of pushing one per pause
/// in typing. Enter applies what is typed at once.
#[component]
fn SearchBox(query: Memo<LogQuery>, set_query: SetQuery) -> impl IntoView {
    let text = RwSignal::new(query.get_untracked().text);
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    let cancel = move || {
        if let Some(handle) = pending.try_get_value().flatten() {
            handle.clear();
        }
        pending.try_set_value(None);
    };
    // Follow the URL's search when it changes (back/forward, a pasted link):
    // what was being typed gives way to it.
    let from_url = Memo::new(move |_| query.with(|q| q.text.clone()));
    Effect::new(move |_| {
        let from_url = from_url.get();
        cancel();
        text.set(from_url);
    });
    // Back or forward also drops a search still waiting for the typing pause,
    // which would otherwise land on the entry gone back to.
    let popstate = window_event_listener(leptos::ev::popstate, move |_| {
        cancel();
        text.set(from_url.get_untracked());
    });
    // Leaving the page drops it too: its signals are gone by then.
    on_cleanup(move || {
        popstate.remove();
        cancel();
    });
    let apply = move |value: String| {
        cancel();
        // `None` once the page is gone.
        let Some(mut next) = query.try_get_untracked() else {
            return;
        };
        if next.text != value {
            let entry = if next.text.is_empty() || value.is_empty() {
                HistoryEntry::Push
            } else {
                HistoryEntry::Replace
            };
            next.text = value;
            set_query.run((next, entry));
        }
    };
    let on_input = move |ev| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(move || apply(value), Duration::from_millis(300));
        pending.set_value(handle.ok());
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        // Not the Enter that confirms an input method's composition.
        if ev.key() == "Enter" && !ev.is_composing() {
            apply(text.get_untracked());
        }
        // Esc empties the box and ends the search with it, at once (the
        // browser's own clearing would leave the search on until a pause);
        // in an empty box it leaves the box, as elsewhere.
        if ev.key() == "Escape" && !ev.is_composing() && !text.with_untracked(String::is_empty) {
            ev.prevent_default();
            text.set(String::new());
            apply(String::new());
        }
    };
    view! {
        <div class="field search">
            <label for="search">"Search"</label>
            <input id="search" type="search" placeholder="name, client, error… ( / )"
                title="Rows holding every word, each anywhere on the row (an id whole or by its first 8 characters); \"quotes\" keep a phrase together. Case does not count."
                prop:value=text on:input=on_input on:keydown=on_keydown />
        </div>
    }
}

/// Copies the page's URL, optionally with the period frozen to absolute times:
/// by default when a record is open, which a relative period would leave
/// behind (as Grafana locks a shared link's time range), until chosen.
#[component]
fn CopyLink(query: Memo<LogQuery>, zone: Signal<ZoneRules>) -> impl IntoView {
    let chosen = RwSignal::new(None::<bool>);
    let freeze = Signal::derive(move || {
        chosen
            .get()
            .unwrap_or_else(|| query.with(|query| query.selected.is_some()))
    });
    let message = RwSignal::new(String::new());
    let copy = move |_| {
        let mut shared = query.get_untracked();
        let frozen = freeze.get_untracked();
        if frozen {
            shared.period = shared.period.freeze(Utc::now(), &zone.get_untracked());
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let location = window.location();
        let base = format!(
            "{}{}",
            location.origin().unwrap_or_default(),
            location.pathname().unwrap_or_default()
        );
        let search = shared.to_query_string();
        let link = if search.is_empty() {
            base
        } else {
            format!("{base}?{search}")
        };
        let clipboard = window.navigator().clipboard();
        leptos::task::spawn_local(async move {
            let copied = JsFuture::from(clipboard.write_text(&link)).await.is_ok();
            if copied {
                // Said over the page for a moment; a link to copy by hand stays.
                message.set(
                    if frozen {
                        "Frozen link copied."
                    } else {
                        "Link copied."
                    }
                    .into(),
                );
                // `try_set`: the bar may be gone by then (another page).
                set_timeout(
                    move || {
                        message.try_set(String::new());
                    },
                    Duration::from_secs(3),
                );
            } else {
                message.set(format!("Copy this link: {link}"));
            }
        });
    };
    // The option folds under the button: the filters keep their line.
    view! {
        <div class="filter-group copy-link">
            <button type="button" on:click=copy>
                {move || if freeze.get() { "Copy frozen link" } else { "Copy link" }}
            </button>
            // Opening the option clears what the last copy said, which lies over it.
            <details class="filter multi popover link-options" on:toggle=move |_| message.set(String::new())>
                <summary aria-label="Link options" title="Link options"></summary>
                <fieldset>
                    <legend class="visually-hidden">"Link options"</legend>
                    <label class="option">
                        <input type="checkbox" prop:checked=freeze on:change=move |ev| chosen.set(Some(event_target_checked(&ev))) />
                        <span>"Freeze period"</span>
                    </label>
                    <p class="hint">"The link holds the period's times as they are now, so it shows the same rows later. On while a record is open, unless chosen."</p>
                </fieldset>
            </details>
            <span class="copy-message" role="status">{message}</span>
        </div>
    }
}
