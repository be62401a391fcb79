//! The detail pane for the selected record: its fields, the vendor's raw object,
//! a link to the vendor's own page, and the extra detail each API offers.

use chrono::SecondsFormat;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

use crate::net;
use crate::net::schedule::scheduled_get;
use logdeck_core::adapters::make_audit::{self, AuditStream};
use logdeck_core::adapters::make_module_logs::{
    ModuleLogSearch, LISTED_DAYS, PAGE_ROWS as MODULE_LOG_PAGE_ROWS,
};
use logdeck_core::adapters::make_scenarios::{self, ScenarioStream};
use logdeck_core::archive_forward::forward_request;
use logdeck_core::format;
use logdeck_core::http::HttpAnswer;
use logdeck_core::markup;
use logdeck_core::model::LogRecord;
use logdeck_core::query::OnlyClient;
use logdeck_core::scheduler::{Budget, Priority};
use logdeck_core::search_terms::SearchTerms;
use logdeck_core::sources::{Source, SourceError};
use logdeck_core::zone::ZoneRules;

/// What the vendor told us beyond the list row.
#[derive(Debug, Clone, PartialEq)]
enum Extra {
    None,
    Loading,
    Execution {
        detail: make_scenarios::ExecutionDetail,
        modules: Vec<make_scenarios::ModuleLog>,
        /// What the module logs found may lack, said beside them.
        module_gaps: Vec<String>,
    },
    AuditDetails(serde_json::Value),
    Failed(SourceError),
}

thread_local! {
    /// Details of finished runs, by record key: they never change, so opening one
    /// again (stepping back and forth through failures) costs no vendor call.
    static FINISHED: std::cell::RefCell<std::collections::HashMap<String, Extra>> =
        Default::default();
}

#[component]
pub fn DetailPane(
    #[prop(into)] record: Signal<Option<LogRecord>>,
    /// Whether the record is among the table's rows.
    #[prop(into)]
    in_view: Signal<bool>,
    /// The `sel` key, also when the record is not among the loaded rows.
    #[prop(into)]
    selected: Signal<Option<String>>,
    #[prop(into)] sources: Signal<Vec<Source>>,
    #[prop(into)] zone: Signal<ZoneRules>,
    /// The search, whose terms the fields it looks in mark.
    #[prop(optional, into)]
    search: Signal<Option<SearchTerms>>,
    /// The term a vendor's own search found this record for, which none of
    /// its fields shows.
    #[prop(optional, into)]
    found_for: Signal<Option<String>>,
    on_close: Callback<()>,
    on_step: Callback<i32>,
    /// Narrows the view to one client: by the vendor's id for it where the
    /// row has one, else by its name.
    on_only_client: Callback<OnlyClient>,
) -> impl IntoView {
    let extra = RwSignal::new(Extra::None);
    let fetched = RwSignal::new(None::<LogRecord>);
    let in_flight = StoredValue::new_local(None::<AbortController>);
    // The record as last loaded: a filter that reloads the rows without it
    // leaves it shown, said to be out of the view, not "not loaded".
    let remembered = RwSignal::new(None::<LogRecord>);
    Effect::new(move |_| {
        if let Some(record) = record.get() {
            remembered.set(Some(record));
        }
    });
    // Another record's, until this one loads: not shown for it.
    let remembered_now = move || {
        remembered
            .get()
            .filter(|record| selected.with(|key| key.as_deref() == Some(record.key().as_str())))
    };
    let shown = Signal::derive(move || {
        record
            .get()
            .or_else(|| fetched.get())
            .or_else(remembered_now)
    });
    // Only a record that was among the rows: one fetched alone (a link to a
    // row not loaded yet, or past the loaded pages) is not said to be
    // filtered out.
    let left_out =
        move || !in_view.get() && (record.with(Option::is_some) || remembered_now().is_some());

    // Fetch what the list did not carry whenever the selection changes.
    Effect::new(move |_| {
        let key = selected.get();
        if let Some(controller) = in_flight.try_update_value(Option::take).flatten() {
            controller.abort();
        }
        extra.set(Extra::None);
        fetched.set(None);
        let Some(key) = key else { return };
        let Some(source) = sources.with(|sources| Source::find(sources, &key).cloned()) else {
            return;
        };
        let Ok(controller) = AbortController::new() else {
            return;
        };
        let signal = controller.signal();
        in_flight.set_value(Some(controller));
        let listed = record.get_untracked();
        let finished = listed
            .as_ref()
            .is_some_and(|record| record.status.is_final());
        if let Some(known) = finished
            .then(|| FINISHED.with(|cache| cache.borrow().get(&key).cloned()))
            .flatten()
        {
            extra.set(known);
            return;
        }
        extra.set(Extra::Loading);
        spawn_local(async move {
            let result = load_extra(&source, &key, listed, &signal, fetched).await;
            if signal.aborted() {
                return;
            }
            let shown = match result {
                Ok(found) => found,
                Err(error) => Extra::Failed(error),
            };
            if finished && !matches!(shown, Extra::Failed(_)) {
                FINISHED.with(|cache| {
                    let mut cache = cache.borrow_mut();
                    // A bound, not an eviction policy: a session rarely opens this many.
                    if cache.len() >= 500 {
                        cache.clear();
                    }
                    cache.insert(key, shown.clone());
                });
            }
            extra.set(shown);
        });
    });
    on_cleanup(move || {
        if let Some(controller) = in_flight.try_update_value(Option::take).flatten() {
            controller.abort();
        }
    });

    let body = move || {
        match shown.get() {
        None => view! {
            <p class="notice">
                {move || if extra.get() == Extra::Loading { "Loading the record…" } else { "This record is not among the loaded rows." }}
            </p>
        }
        .into_any(),
        Some(record) => view! {
            <Show when=left_out>
                <p class="notice" role="note">"Not in the table: the view's filters or period leave this record out, or it is older than the rows complete so far."</p>
            </Show>
            {move || found_for.get().map(|term| view! {
                <p class="notice" role="note">
                    {format!("Found by Dify's own search for “{term}”, which looks in each run's inputs, \
                        outputs, end user's session id and run id: its collection, name, client, \
                        message and record id do not show it.")}
                </p>
            })}
            <RecordFields record=record.clone() zone=zone.get() search on_only_client /> <ExtraDetail extra /> <RawJson raw=record.raw.clone() />
        }.into_any(),
    }
    };

    view! {
        <aside class="detail" aria-label="Record detail" tabindex="-1" id="detail">
            <header class="detail-head">
                <h2>"Detail"</h2>
                <div class="detail-nav">
                    <button type="button" on:click=move |_| on_step.run(-1) aria-label="Previous record">"←"</button>
                    <button type="button" on:click=move |_| on_step.run(1) aria-label="Next record">"→"</button>
                    <button type="button" on:click=move |_| on_close.run(()) aria-label="Close detail">"✕"</button>
                </div>
            </header>
            {body}
        </aside>
    }
}

/// The fields a search looks in whole, by label; it also reads the vendor's
/// own status, shown inside the Status field ([`searched_part`]), and the
/// record id by its start ([`RECORD_ID`]).
const SEARCHED_FIELDS: [&str; 4] = ["Collection", "Name / endpoint", "Client", "Message"];

/// The record id's label: a search finds an id whole or by its start, so
/// only that is marked (`markup::marked_id`).
const RECORD_ID: &str = "Record id";

/// The part of the field `label` showing `value` that a search reads, as
/// `LogRecord::search_text` holds it: a whole searched field, or the
/// vendor's own status at the end of "Error (vendor: failed)".
fn searched_part(label: &str, value: &str, record: &LogRecord) -> std::ops::Range<usize> {
    let vendor_status = format!("(vendor: {})", record.raw_status);
    if SEARCHED_FIELDS.contains(&label) {
        0..value.len()
    } else if label == "Status" && !record.raw_status.is_empty() && value.ends_with(&vendor_status)
    {
        let end = value.len() - 1;
        end - record.raw_status.len()..end
    } else {
        0..0
    }
}

#[component]
fn RecordFields(
    record: LogRecord,
    zone: ZoneRules,
    search: Signal<Option<SearchTerms>>,
    on_only_client: Callback<OnlyClient>,
) -> impl IntoView {
    let offset = format::offset_label(zone.offset_at(record.timestamp));
    let time = format::timestamp_in(record.timestamp, &zone);
    // In a repeated hour the time names its offset already.
    let time = if time.ends_with(&offset) {
        time
    } else {
        format!("{time} ({offset})")
    };
    let mut rows: Vec<(&'static str, String)> = vec![
        ("Time", time),
        (
            "UTC",
            record
                .timestamp
                .to_rfc3339_opts(SecondsFormat::Millis, true),
        ),
        (
            "Status",
            format!(
                "{} (vendor: {})",
                record.status.label(),
                if record.status_from_request() {
                    "none; the server returned it for this Status filter"
                } else if record.raw_status.is_empty() {
                    "none"
                } else {
                    &record.raw_status
                }
            ),
        ),
        ("Collection type", record.kind.label().to_owned()),
        ("Collection", record.collection.clone()),
    ];
    let optional = [
        ("Name / endpoint", record.name.clone()),
        ("Client", record.client.clone()),
        (
            "Client id",
            record
                .client_id
                .as_ref()
                .map(|id| format!("{} {}", id.kind.label(), id.value)),
        ),
        ("Duration", record.duration_ms.map(format::duration_ms)),
        ("Operations", record.usage.operations.map(|n| n.to_string())),
        ("Transfer", record.usage.transfer.map(format::bytes)),
        (
            "Credits",
            record.usage.centicredits.map(format::centicredits),
        ),
        ("Tokens", record.usage.tokens.map(|n| n.to_string())),
        ("Steps", record.usage.steps.map(|n| n.to_string())),
        ("Message", record.message.clone()),
    ];
    rows.extend(
        optional
            .into_iter()
            .filter_map(|(label, value)| value.map(|v| (label, v))),
    );
    rows.push((RECORD_ID, record.id.clone()));
    let link = record.web_link().map(str::to_owned);
    let only_client = OnlyClient::of(&record);
    view! {
        <dl class="fields">
            {rows.into_iter().map(|(label, value)| {
                // What a search reads of the field marks its terms.
                let part = searched_part(label, &value, &record);
                let html = move || search.with(|search| match label {
                    RECORD_ID => markup::marked_id(&value, search.as_ref()),
                    _ => markup::marked(&value, search.as_ref(), part.clone()),
                });
                view! { <dt>{label}</dt><dd inner_html=html></dd> }
            }).collect_view()}
        </dl>
        {only_client.map(|only| view! {
            <p><button type="button" class="only-client" title=only.describe()
                on:click=move |_| on_only_client.run(only.clone())>"Only this client"</button></p>
        })}
        {link.map(|href| view! { <p><a href=href target="_blank" rel="noopener noreferrer">"Open in the vendor's app ↗"</a></p> })}
    }
}

#[component]
fn ExtraDetail(extra: RwSignal<Extra>) -> impl IntoView {
    move || {
        match extra.get() {
        Extra::None => ().into_any(),
        Extra::Loading => {
            view! { <p class="notice" role="status">"Loading execution detail…"</p> }.into_any()
        }
        Extra::Failed(error) => {
            view! { <p class="notice error" role="alert">{error.to_string()}</p> }.into_any()
        }
        Extra::AuditDetails(details) => view! {
            <h3>"Audit details"</h3>
            <pre class="json" tabindex="0" aria-label="Audit details as JSON">{serde_json::to_string_pretty(&details).unwrap_or_default()}</pre>
        }
        .into_any(),
        Extra::Execution {
            detail,
            modules,
            module_gaps,
        } => {
            let error = detail.error.clone().map(|error| {
                let cause = error.cause_module.map(|m| {
                    format!(
                        " in module “{}” ({})",
                        m.name.unwrap_or_default(),
                        m.app_name.unwrap_or_default()
                    )
                });
                view! {
                    <p class="execution-error">
                        <strong>{error.name.unwrap_or_else(|| "Error".into())}</strong>": "
                        {error.message.unwrap_or_default()}{cause.unwrap_or_default()}
                    </p>
                }
            });
            view! {
                <h3>"Execution"</h3>
                <p>"Status: "{detail.status.label()}" ("{detail.raw_status}")"</p>
                {error}
                <Show when={let empty = modules.is_empty(); move || !empty}>
                    <table class="modules">
                        <caption>"Module logs of this execution"</caption>
                        <thead><tr><th scope="col">"Module"</th><th scope="col">"Status"</th><th scope="col">"Bundles"</th><th scope="col">"Message"</th></tr></thead>
                        <tbody>
                            {modules.clone().into_iter().map(|log| view! {
                                <tr>
                                    <td>{format!("Module {}", log.module_id)}</td>
                                    <td><span class=format!("status status-{}", log.status.key())>{log.status.label()}</span></td>
                                    <td class="num">{log.bundles.map(|b| b.to_string()).unwrap_or_default()}</td>
                                    <td>{log.message.unwrap_or_default()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </Show>
                {module_gaps.into_iter().map(|gap| view! { <p class="notice">{gap}</p> }).collect_view()}
                {detail.outputs.map(|outputs| view! {
                    <h3>"Outputs"</h3>
                    <pre class="json" tabindex="0" aria-label="Execution outputs as JSON">{serde_json::to_string_pretty(&outputs).unwrap_or_default()}</pre>
                })}
            }
            .into_any()
        }
    }
    }
}

#[component]
fn RawJson(raw: logdeck_core::model::RawJson) -> impl IntoView {
    // Parsed only here, for the one record open: rows keep the compact text.
    let text = serde_json::to_string_pretty(&raw.parse()).unwrap_or_default();
    let copied = RwSignal::new(false);
    let to_copy = text.clone();
    let copy = move |_| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let promise = window.navigator().clipboard().write_text(&to_copy);
        spawn_local(async move {
            copied.set(JsFuture::from(promise).await.is_ok());
        });
    };
    view! {
        <h3>"Raw vendor object"</h3>
        <button type="button" on:click=copy>{move || if copied.get() { "Copied" } else { "Copy JSON" }}</button>
        <pre class="json" tabindex="0" aria-label="Raw vendor object as JSON">{text}</pre>
    }
}

async fn load_extra(
    source: &Source,
    key: &str,
    listed: Option<LogRecord>,
    signal: &web_sys::AbortSignal,
    fetched: RwSignal<Option<LogRecord>>,
) -> Result<Extra, SourceError> {
    let id = key.rsplit_once(':').map(|(_, id)| id).unwrap_or_default();
    let lane = source.lane();
    // An archived stream's detail calls go through the archive, which holds
    // its key; they are the same calls.
    let (source, route) = match source {
        Source::Archived(stream) => (
            &*stream.inner,
            Route::Archive {
                api: &stream.api,
                inner: &stream.inner,
            },
        ),
        source => (source, Route::Vendor(lane.as_ref())),
    };
    match source {
        Source::MakeScenario(stream) => {
            let record = match listed {
                Some(record) => record,
                None => {
                    let mut record = make_log(route, stream, id, signal).await?;
                    record.source = source.id();
                    fetched.set(Some(record.clone()));
                    record
                }
            };
            let (connection, scenario) = (&stream.connection, stream.scenario.id);
            let request = make_scenarios::execution_request(connection, scenario, id);
            let answer = fetch(route, &request, signal).await?;
            let detail = make_scenarios::decode_execution(make_body(&answer)?)
                .map_err(SourceError::Decode)?;
            let search = module_logs_of(route, stream, &record, signal).await?;
            Ok(Extra::Execution {
                detail,
                modules: search.found().to_vec(),
                module_gaps: search.gaps(),
            })
        }
        Source::MakeAudit(AuditStream { connection, .. }) => {
            let Some(organization) = make_audit::detail_organization(connection, listed.as_ref())
            else {
                return Ok(Extra::None);
            };
            let request = make_audit::detail_request(connection, organization, id);
            let answer = fetch(route, &request, signal).await?;
            let details =
                make_audit::decode_detail(make_body(&answer)?).map_err(SourceError::Decode)?;
            Ok(details.map_or(Extra::None, Extra::AuditDetails))
        }
        // Dify runs and Aitronos logs carry everything in the list row.
        Source::Dify(_)
        | Source::DifySearch(_)
        | Source::Aitronos(_)
        | Source::File(_)
        | Source::Archived(_) => Ok(Extra::None),
    }
}

/// A Make execution log by id, for a deep-linked record that is not loaded.
async fn make_log(
    route: Route<'_>,
    stream: &ScenarioStream,
    id: &str,
    signal: &web_sys::AbortSignal,
) -> Result<LogRecord, SourceError> {
    let (connection, scenario) = (&stream.connection, &stream.scenario);
    let answer = fetch(
        route,
        &make_scenarios::log_request(connection, scenario.id, id),
        signal,
    )
    .await?;
    make_scenarios::decode_log(make_body(&answer)?, connection, scenario)
        .map_err(SourceError::Decode)
}

/// The search for `record`'s execution's module logs, run as the core plans it.
async fn module_logs_of(
    route: Route<'_>,
    stream: &ScenarioStream,
    record: &LogRecord,
    signal: &web_sys::AbortSignal,
) -> Result<ModuleLogSearch, SourceError> {
    let (connection, scenario) = (&stream.connection, stream.scenario.id);
    let request = make_scenarios::module_operations_request(connection, scenario, LISTED_DAYS);
    let answer = fetch(route, &request, signal).await?;
    let modules = make_scenarios::decode_module_operations(make_body(&answer)?)
        .map_err(SourceError::Decode)?;
    let now = chrono::Utc::now();
    let mut search = ModuleLogSearch::new(&modules, &record.id, record.timestamp, now);
    while let Some((module_id, request)) = search.next_request(connection, scenario) {
        let answer = fetch(route, &request, signal).await?;
        let page = make_scenarios::decode_module_logs(
            make_body(&answer)?,
            module_id,
            MODULE_LOG_PAGE_ROWS,
        )
        .map_err(SourceError::Decode)?;
        search.take_page(page);
    }
    Ok(search)
}

fn make_body(answer: &HttpAnswer) -> Result<&str, SourceError> {
    SourceError::check(answer, make_scenarios::decode_error)
}

/// Where a detail call goes: to the vendor in its connection's lane, or to the
/// team archive, which makes it with the key it holds.
#[derive(Clone, Copy)]
enum Route<'a> {
    Vendor(Option<&'a (String, Budget)>),
    Archive { api: &'a str, inner: &'a Source },
}

/// Cancelled requests end the load silently: the effect checks the signal. A
/// finished run's answer read for its message is not asked again.
async fn fetch(
    route: Route<'_>,
    request: &logdeck_core::http::ApiRequest,
    signal: &web_sys::AbortSignal,
) -> Result<HttpAnswer, SourceError> {
    let (asked, lane) = match route {
        Route::Vendor(lane) => (request.clone(), Some(lane)),
        Route::Archive { api, inner } => {
            let forwarded = forward_request(api, inner, request).ok_or_else(|| {
                SourceError::Unreachable("the team archive cannot ask for this detail".into())
            })?;
            (forwarded, None)
        }
    };
    if let Some(answer) = net::kept::kept(&asked.url) {
        return Ok(answer);
    }
    let answered = match lane {
        Some(lane) => scheduled_get(lane, Priority::Interactive, &asked, Some(signal)).await,
        None => net::get(&asked, Some(signal)).await,
    };
    answered.map_err(|error| {
        error
            .into_source_error()
            .unwrap_or_else(|| SourceError::Unreachable("cancelled".into()))
    })
}
