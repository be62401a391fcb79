//! The connections screen: add, edit, remove and test connections; set, remember
//! and forget keys. Keys are typed into password fields and never shown again.

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::net::{self, NetError};
use crate::state::connections::{Connections, KeyOrigin};
use logdeck_core::adapters::make_scenarios::{self, ScenarioOwner};
use logdeck_core::config::{Connection, MakeConnection, RuntimeConfig, ScenarioRef, Secret};
use logdeck_core::connection_draft::{ConnectionDraft, DraftError};
use logdeck_core::diagnosis::{diagnose, Diagnosis, Probe};
use logdeck_core::query::TimeWindow;
use logdeck_core::sources::Source;
use logdeck_core::vendor::Vendor;
use logdeck_core::vendor_hosts::VendorRelay;

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    let connections = expect_context::<Connections>();
    let config = connections.effective();
    let editing = RwSignal::new(None::<Option<Connection>>);
    let notice = RwSignal::new(String::new());
    let list = move || match config.get() {
        None => view! { <p class="notice" role="status">"Loading configuration…"</p> }.into_any(),
        Some(Err(error)) => {
            view! { <p class="notice error" role="alert">{error.to_string()}</p> }.into_any()
        }
        Some(Ok(config)) if config.connections.is_empty() => {
            view! { <p class="notice">"No connections yet."</p> }.into_any()
        }
        Some(Ok(config)) => config
            .connections
            .into_iter()
            .map(|connection| view! { <ConnectionCard connection editing /> })
            .collect_view()
            .into_any(),
    };
    let forget = move |_| {
        connections.forget_all_keys();
        notice.set("Every stored key was removed from this browser.".into());
    };
    view! {
        <section class="connections" aria-labelledby="connections-title">
            <h2 id="connections-title">"Connections"</h2>
            <p class="help">
                "Keys stay in this tab ("<code>"sessionStorage"</code>") unless you tick “remember on this device”. "
                "They are never put in links, exports or the page."
            </p>
            <div class="actions">
                <button type="button" on:click=move |_| editing.set(Some(None))>"Add a connection"</button>
                <button type="button" on:click=forget>"Forget all keys"</button>
                <span role="status">{notice}</span>
            </div>
            {move || editing.get().map(|existing| view! { <ConnectionForm existing editing /> })}
            <div class="cards">{list}</div>
        </section>
    }
}

#[component]
fn ConnectionCard(
    connection: Connection,
    editing: RwSignal<Option<Option<Connection>>>,
) -> impl IntoView {
    let store = expect_context::<Connections>();
    let id = connection.id().to_owned();
    let editable = store.is_user_connection(&id);
    let origin = {
        let connection = connection.clone();
        move || match store.key_origin(&connection) {
            KeyOrigin::Missing => "no key yet",
            KeyOrigin::Config => "key from the server's configuration",
            KeyOrigin::Session => "key kept for this tab",
            KeyOrigin::Remembered => "key remembered on this device",
        }
    };
    let key_input = RwSignal::new(String::new());
    let remember = RwSignal::new(false);
    let save_key = {
        let id = id.clone();
        move |_| {
            store.set_key(
                &id,
                Some(&key_input.get_untracked()),
                remember.get_untracked(),
            );
            key_input.set(String::new());
        }
    };
    let probe = Action::new_local(move |connection: &Connection| {
        test_connection(connection.clone(), store.vendor_relay())
    });
    let (result, testing) = (probe.value(), probe.pending());
    let test = {
        let connection = connection.clone();
        move |_| {
            probe.dispatch_local(connection.clone());
        }
    };
    let remove = {
        let id = id.clone();
        move |_| store.remove(&id)
    };
    let edit = {
        let connection = connection.clone();
        move |_| editing.set(Some(Some(connection.clone())))
    };
    let key_field = format!("key-{id}");
    let key_label_for = key_field.clone();
    let remember_field = format!("remember-{id}");
    let remember_label_for = remember_field.clone();
    view! {
        <article class="card" aria-label=connection.name().to_owned()>
            <h3>{connection.name().to_owned()}</h3>
            <p class="meta">{connection.vendor().label()}" · "<code>{connection.base_url().to_owned()}</code>" · "{origin}</p>
            <div class="key-row">
                <label class="field" for=key_label_for>
                    <span>"API key or token"</span>
                    <input id=key_field type="password" autocomplete="off" prop:value=key_input
                        on:input=move |ev| key_input.set(event_target_value(&ev)) />
                </label>
                <label class="option" for=remember_label_for>
                    <input id=remember_field type="checkbox" prop:checked=remember on:change=move |ev| remember.set(event_target_checked(&ev)) />
                    <span>"Remember on this device"</span>
                </label>
                <button type="button" on:click=save_key>"Save key"</button>
            </div>
            <div class="actions">
                <button type="button" on:click=test disabled=testing>{move || if testing.get() { "Testing…" } else { "Test connection" }}</button>
                {editable.then(|| view! {
                    <button type="button" on:click=edit>"Edit"</button>
                    <button type="button" on:click=remove>"Remove"</button>
                })}
            </div>
            {move || result.get().map(|diagnosis| {
                let role = if diagnosis.ok { "status" } else { "alert" };
                view! {
                    <div class="diagnosis" class:ok=diagnosis.ok role=role>
                        <p>{diagnosis.summary}</p>
                        {(!diagnosis.fix.is_empty()).then(|| view! { <p class="fix">{diagnosis.fix}</p> })}
                    </div>
                }
            })}
        </article>
    }
}

/// Probes the connection's first source for the last day.
async fn test_connection(connection: Connection, known: VendorRelay) -> Diagnosis {
    let config = RuntimeConfig {
        connections: vec![connection],
        ..RuntimeConfig::default()
    };
    let Some(source) = Source::expand(&config).into_iter().next() else {
        return Diagnosis {
            ok: false,
            summary: "This connection reads nothing yet.".into(),
            fix: "Add a scenario, an organization or a team.".into(),
        };
    };
    let now = Utc::now();
    let window = TimeWindow {
        from: now - Duration::days(1),
        to: now,
    };
    let request = match source.request(&Default::default(), window, source.first_position()) {
        Ok(request) => request,
        Err(error) => {
            return Diagnosis {
                ok: false,
                summary: error.to_string(),
                fix: "Save a key above, then test again.".into(),
            }
        }
    };
    let probe = match net::get(&request, None).await {
        Ok(answer) => Probe::Answer(answer),
        Err(NetError::Unreachable(detail)) => Probe::Unreachable(detail),
        Err(NetError::Aborted) => Probe::Unreachable("cancelled".into()),
    };
    diagnose(&source, window, &probe, &known)
}

#[component]
fn ConnectionForm(
    existing: Option<Connection>,
    editing: RwSignal<Option<Option<Connection>>>,
) -> impl IntoView {
    let store = expect_context::<Connections>();
    let id = existing
        .as_ref()
        .map(|c| c.id().to_owned())
        .unwrap_or_else(|| format!("conn-{}", Utc::now().timestamp_millis()));
    let draft = RwSignal::new(
        existing
            .as_ref()
            .map(ConnectionDraft::of)
            .unwrap_or_else(|| ConnectionDraft::new(Vendor::Make)),
    );
    let key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<DraftError>);
    let save = {
        let id = id.clone();
        move |_| match draft.with_untracked(|d| d.build(&id)) {
            Err(problem) => error.set(Some(problem)),
            Ok(connection) => {
                store.save(connection);
                let typed = key.get_untracked();
                if !typed.trim().is_empty() {
                    store.set_key(&id, Some(&typed), false);
                }
                editing.set(None);
            }
        }
    };
    // A memo: the vendor's fields re-mount only when the vendor changes, not on
    // every keystroke (which would drop their state, like the scenario lookup's).
    let vendor = Memo::new(move |_| draft.with(|d| d.vendor));
    // What was wrong with one vendor's fields is not the next one's.
    Effect::new(move |_| {
        vendor.track();
        error.set(None);
    });
    // Make: the zone picks the base URL; a typed one only for "Other".
    let custom_base = RwSignal::new(draft.with_untracked(|d| {
        !Vendor::Make
            .official_base_urls()
            .contains(&d.base_url.as_str())
    }));
    // A key saved before stays unless another is typed.
    let editing_saved = existing
        .as_ref()
        .is_some_and(|connection| store.key_origin(connection) != KeyOrigin::Missing);
    let title = if existing.is_some() {
        "Edit connection"
    } else {
        "New connection"
    };
    view! {
        <form class="card form" aria-label=title on:submit=move |ev| ev.prevent_default()>
            <h3>{title}</h3>
            <VendorSelect draft locked=existing.is_some() />
            <label class="field"><span>{move || if vendor.get() == Vendor::Dify { "App name" } else { "Name" }}</span>
                <input prop:value=move || draft.with(|d| d.name.clone())
                    on:input=move |ev| draft.update(|d| d.name = event_target_value(&ev)) /></label>
            <Show when=move || vendor.get() != Vendor::Make || custom_base.get()>
                <DraftField draft label="Base URL" read=|d| &d.base_url write=|d| &mut d.base_url />
                {move || draft.with(|d| d.unlisted_host(&store.vendor_relay(), &page_origin())).map(|host| view! {
                    <p class="hint">{format!(
                        "This server does not list {host}: the page may only call the vendors' hosts it lists and its own paths, so calls there will likely be refused. Whoever runs it can add the host (--vendor-host), or use a relay path here (/relay/…)."
                    )}</p>
                })}
            </Show>
            // The key before the fields that list with it (Make's scenarios by name).
            <label class="field"><span>"API key or token (kept for this tab)"</span>
                <input type="password" autocomplete="off" prop:value=key on:input=move |ev| key.set(event_target_value(&ev))
                    placeholder=if editing_saved { "Leave empty to keep the saved key" } else { "" } /></label>
            {move || match vendor.get() {
                Vendor::Make => view! { <MakeFields draft key custom_base id=id.clone() /> }.into_any(),
                Vendor::Aitronos => view! {
                    <DraftField draft label="Organization id" read=|d| &d.organization write=|d| &mut d.organization />
                }.into_any(),
                Vendor::Dify => ().into_any(),
            }}
            {move || error.get().map(|problem| view! { <p class="notice error" role="alert">{problem.to_string()}</p> })}
            <div class="actions">
                <button type="button" on:click=save>"Save"</button>
                <button type="button" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}

/// Where this page was served from (`http://host:port`).
fn page_origin() -> String {
    web_sys::window()
        .and_then(|window| window.location().origin().ok())
        .unwrap_or_default()
}

/// The vendor choice, from the core's one list of vendors.
#[component]
fn VendorSelect(draft: RwSignal<ConnectionDraft>, locked: bool) -> impl IntoView {
    let on_change = move |ev| {
        if let Some(vendor) = Vendor::from_key(&event_target_value(&ev)) {
            draft.update(|d| d.switch_vendor(vendor));
        }
    };
    view! {
        <label class="field"><span>"Vendor"</span>
            <select on:change=on_change prop:value=move || draft.with(|d| d.vendor.key()) disabled=locked>
                {Vendor::all().map(|vendor| view! {
                    <option value=vendor.key()>{vendor_choice(vendor)}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// How the form names a vendor: Dify's keys are per app, which people must know.
fn vendor_choice(vendor: Vendor) -> &'static str {
    match vendor {
        Vendor::Dify => "Dify (one app)",
        Vendor::Make | Vendor::Aitronos => vendor.label(),
    }
}

/// Make's zone, organization, team and scenario fields.
#[component]
fn MakeFields(
    draft: RwSignal<ConnectionDraft>,
    key: RwSignal<String>,
    custom_base: RwSignal<bool>,
    id: String,
) -> impl IntoView {
    let store = expect_context::<Connections>();
    let pick_zone = move |ev| {
        let zone = event_target_value(&ev);
        custom_base.set(zone.is_empty());
        if !zone.is_empty() {
            draft.update(|d| d.base_url = zone);
        }
    };
    let lookup = RwSignal::new(String::new());
    let load_scenarios = move |_| {
        let owner = match draft.with_untracked(ConnectionDraft::scenario_owner) {
            Ok(owner) => owner,
            Err(problem) => return lookup.set(problem.to_string()),
        };
        let mut connection = match draft.with_untracked(|d| d.make_connection(&id)) {
            Ok(connection) => connection,
            Err(problem) => return lookup.set(problem.to_string()),
        };
        let typed = key.get_untracked();
        if typed.trim().is_empty() {
            return lookup.set(
                "Type the API token first: Make lists a team's scenarios only for a token \
                 with the scenarios:read scope."
                    .into(),
            );
        }
        connection.token = Some(Secret::new(typed.trim()));
        connection.base_url = store.route(Vendor::Make, &connection.base_url);
        lookup.set("Loading scenarios…".into());
        spawn_local(async move {
            let message = match list_scenarios(&connection, owner).await {
                Ok(found) => {
                    let count = found.len();
                    draft.update(|d| d.add_scenarios(found));
                    format!("{count} scenarios found; untick the ones you do not want.")
                }
                Err(message) => message,
            };
            lookup.set(message);
        });
    };
    view! {
        <label class="field"><span>"Zone"</span>
            <select on:change=pick_zone
                prop:value=move || if custom_base.get() { String::new() } else { draft.with(|d| d.base_url.clone()) }>
                {Vendor::Make.official_base_urls().iter().map(|zone| view! { <option value=*zone>{*zone}</option> }).collect_view()}
                <option value="">"Other: a relay, self-hosted or demo URL"</option>
            </select>
        </label>
        <p class="hint">"The token needs the scope "<code>"scenarios:read"</code>" for scenario logs, and "
            <code>"organization:read"</code>" or "<code>"team:read"</code>" for an audit log. Make's web app shows both ids in its address: "
            <code>"…/organization/123/…"</code>", "<code>"…/team/456/…"</code>"."</p>
        <DraftField draft label="Organization id (audit log)" numeric=true
            read=|d| &d.organization write=|d| &mut d.organization />
        <DraftField draft label="Team id" numeric=true read=|d| &d.team write=|d| &mut d.team />
        <button type="button" on:click=load_scenarios>"Load scenarios by name"</button>
        <span role="status">{lookup}</span>
        <fieldset class="scenario-list"><legend>"Scenarios"</legend>
            {move || draft.with(|d| d.scenarios.clone()).into_iter().map(|scenario| {
                let id = scenario.id;
                view! {
                    <label class="option"><input type="checkbox" checked=true
                        on:change=move |_| draft.update(|d| d.scenarios.retain(|x| x.id != id)) />
                        <span>{scenario.name}" (#"{id}")"</span></label>
                }
            }).collect_view()}
            <DraftField draft label="Add scenario ids (1001, 1002)"
                read=|d| &d.scenario_ids write=|d| &mut d.scenario_ids />
        </fieldset>
    }
}

/// The team's (or organization's) scenarios by name, or why they could not
/// be listed. Pages to the end of the list.
async fn list_scenarios(
    connection: &MakeConnection,
    owner: ScenarioOwner,
) -> Result<Vec<ScenarioRef>, String> {
    let mut found = Vec::new();
    let mut offset = 0;
    loop {
        let request = make_scenarios::scenarios_request(connection, owner, offset);
        let page = match net::get(&request, None).await {
            Ok(answer) if answer.status == 200 => {
                make_scenarios::decode_scenarios(&answer.body, offset).map_err(|e| e.to_string())?
            }
            Ok(answer) => {
                return Err(make_scenarios::decode_error(answer.status, &answer.body).to_string())
            }
            Err(e) => return Err(e.to_string()),
        };
        found.extend(page.scenarios);
        match page.next {
            Some(next) => offset = next,
            None => return Ok(found),
        }
    }
}

/// One text field of the draft.
#[component]
fn DraftField(
    draft: RwSignal<ConnectionDraft>,
    label: &'static str,
    read: fn(&ConnectionDraft) -> &String,
    write: fn(&mut ConnectionDraft) -> &mut String,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    view! {
        <label class="field"><span>{label}</span>
            <input inputmode=numeric.then_some("numeric") prop:value=move || draft.with(|d| read(d).clone())
                on:input=move |ev| draft.update(|d| *write(d) = event_target_value(&ev)) /></label>
    }
}
