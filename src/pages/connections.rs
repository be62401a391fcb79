//! The connections screen: add, edit, remove and test connections; set, remember
//! and forget keys. Keys are typed into password fields and never shown again.

use chrono::{Duration, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::net::{self, NetError};
use crate::state::connections::{Connections, KeyOrigin};
use logdeck_core::adapters::make_scenarios;
use logdeck_core::config::{
    AitronosConnection, Connection, DifyConnection, MakeConnection, RuntimeConfig, ScenarioRef,
    Secret,
};
use logdeck_core::diagnosis::{diagnose, Diagnosis, Probe};
use logdeck_core::query::TimeWindow;
use logdeck_core::sources::Source;

/// Make's documented zones.
const MAKE_ZONES: [&str; 6] = [
    "https://eu1.make.com/api/v2",
    "https://eu2.make.com/api/v2",
    "https://us1.make.com/api/v2",
    "https://us2.make.com/api/v2",
    "https://eu1.make.celonis.com/api/v2",
    "https://us1.make.celonis.com/api/v2",
];
const DIFY_CLOUD: &str = "https://api.dify.ai/v1";
const AITRONOS: &str = "https://api.aitronos.com";

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    let connections = expect_context::<Connections>();
    let config = connections.effective();
    let editing = RwSignal::new(None::<Option<Connection>>);
    let notice = RwSignal::new(String::new());
    let list = move || match config.get() {
        None => view! { <p class="notice" role="status">"Loading configuration…"</p> }.into_any(),
        Some(Err(message)) => {
            view! { <p class="notice error" role="alert">{message}</p> }.into_any()
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
    let result = RwSignal::new(None::<Diagnosis>);
    let testing = RwSignal::new(false);
    let test = {
        let connection = connection.clone();
        move |_| {
            testing.set(true);
            result.set(None);
            let connection = connection.clone();
            spawn_local(async move {
                result.set(Some(test_connection(connection).await));
                testing.set(false);
            });
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
            <p class="meta">{connection.vendor()}" · "<code>{connection.base_url().to_owned()}</code>" · "{origin}</p>
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
async fn test_connection(connection: Connection) -> Diagnosis {
    let config = RuntimeConfig {
        connections: vec![connection],
        problems: Vec::new(),
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
        Ok(answer) => Probe::Answer {
            status: answer.status,
            body: answer.body,
        },
        Err(NetError::Unreachable(detail)) => Probe::Unreachable(detail),
        Err(NetError::Aborted) => Probe::Unreachable("cancelled".into()),
    };
    diagnose(&source, window, &probe)
}

/// Vendors a connection can be made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vendor {
    Make,
    Dify,
    Aitronos,
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
    let vendor = RwSignal::new(match &existing {
        Some(Connection::Dify(_)) => Vendor::Dify,
        Some(Connection::Aitronos(_)) => Vendor::Aitronos,
        _ => Vendor::Make,
    });
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.name().to_owned())
            .unwrap_or_default(),
    );
    let base_url = RwSignal::new(
        existing
            .as_ref()
            .map(|c| c.base_url().to_owned())
            .unwrap_or_else(|| MAKE_ZONES[0].to_owned()),
    );
    let (organization, team, scenarios) = match &existing {
        Some(Connection::Make(make)) => (
            make.organization_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            make.team_id.map(|id| id.to_string()).unwrap_or_default(),
            make.scenarios.clone(),
        ),
        Some(Connection::Aitronos(aitronos)) => {
            (aitronos.organization_id.clone(), String::new(), Vec::new())
        }
        _ => (String::new(), String::new(), Vec::new()),
    };
    let organization = RwSignal::new(organization);
    let team = RwSignal::new(team);
    let scenarios = RwSignal::new(scenarios);
    let scenario_ids = RwSignal::new(String::new());
    let key = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let lookup = RwSignal::new(String::new());

    let on_vendor = move |ev| {
        let (next, url) = match event_target_value(&ev).as_str() {
            "dify" => (Vendor::Dify, DIFY_CLOUD),
            "aitronos" => (Vendor::Aitronos, AITRONOS),
            _ => (Vendor::Make, MAKE_ZONES[0]),
        };
        vendor.set(next);
        base_url.set(url.to_owned());
    };
    let make_connection = move |token: Option<Secret>| -> Result<MakeConnection, String> {
        let number = |text: String, what: &str| -> Result<Option<u64>, String> {
            let text = text.trim().to_owned();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse()
                .map(Some)
                .map_err(|_| format!("The {what} must be a number."))
        };
        let mut picked = scenarios.get_untracked();
        for part in scenario_ids
            .get_untracked()
            .split([',', ' '])
            .filter(|p| !p.is_empty())
        {
            let id: u64 = part
                .parse()
                .map_err(|_| format!("“{part}” is not a scenario id."))?;
            if !picked.iter().any(|s| s.id == id) {
                picked.push(ScenarioRef {
                    id,
                    name: format!("Scenario {id}"),
                });
            }
        }
        Ok(MakeConnection {
            id: String::new(),
            name: String::new(),
            base_url: String::new(),
            token,
            scenarios: picked,
            organization_id: number(organization.get_untracked(), "organization id")?,
            team_id: number(team.get_untracked(), "team id")?,
        })
    };
    let save = {
        let id = id.clone();
        move |_| {
            let name_value = name.get_untracked().trim().to_owned();
            let url = base_url
                .get_untracked()
                .trim()
                .trim_end_matches('/')
                .to_owned();
            if name_value.is_empty() || url.is_empty() {
                error.set(Some("A name and a base URL are needed.".into()));
                return;
            }
            let connection = match vendor.get_untracked() {
                Vendor::Make => make_connection(None).map(|make| {
                    Connection::Make(MakeConnection {
                        id: id.clone(),
                        name: name_value,
                        base_url: url,
                        ..make
                    })
                }),
                Vendor::Dify => Ok(Connection::Dify(DifyConnection {
                    id: id.clone(),
                    name: name_value,
                    base_url: url,
                    key: None,
                })),
                Vendor::Aitronos => {
                    let org = organization.get_untracked().trim().to_owned();
                    if org.is_empty() {
                        Err("Aitronos needs the organization id.".to_owned())
                    } else {
                        Ok(Connection::Aitronos(AitronosConnection {
                            id: id.clone(),
                            name: name_value,
                            base_url: url,
                            key: None,
                            organization_id: org,
                        }))
                    }
                }
            };
            match connection {
                Err(message) => error.set(Some(message)),
                Ok(connection) => {
                    store.save(connection);
                    let typed = key.get_untracked();
                    if !typed.trim().is_empty() {
                        store.set_key(&id, Some(&typed), false);
                    }
                    editing.set(None);
                }
            }
        }
    };
    let load_scenarios = move |_| {
        let team_id: Option<u64> = team.get_untracked().trim().parse().ok();
        let Some(team_id) = team_id else {
            lookup.set("Enter the team id first.".into());
            return;
        };
        let typed = key.get_untracked();
        let token = (!typed.trim().is_empty()).then(|| Secret::new(typed.trim()));
        let connection = match make_connection(token) {
            Ok(make) => MakeConnection {
                base_url: base_url
                    .get_untracked()
                    .trim()
                    .trim_end_matches('/')
                    .to_owned(),
                ..make
            },
            Err(message) => {
                lookup.set(message);
                return;
            }
        };
        lookup.set("Loading scenarios…".into());
        spawn_local(async move {
            let request = make_scenarios::scenarios_request(&connection, team_id);
            let message = match net::get(&request, None).await {
                Ok(answer) if answer.status == 200 => {
                    match make_scenarios::decode_scenarios(&answer.body) {
                        Ok(found) => {
                            let count = found.len();
                            scenarios.update(|picked| {
                                for scenario in found {
                                    if !picked.iter().any(|s| s.id == scenario.id) {
                                        picked.push(scenario);
                                    }
                                }
                            });
                            format!("{count} scenarios found; untick the ones you do not want.")
                        }
                        Err(e) => e.to_string(),
                    }
                }
                Ok(answer) => make_scenarios::decode_error(answer.status, &answer.body).to_string(),
                Err(e) => e.to_string(),
            };
            lookup.set(message);
        });
    };
    let make_fields = move || {
        (vendor.get() == Vendor::Make).then(|| view! {
            <label class="field"><span>"Zone"</span>
                <select on:change=move |ev| base_url.set(event_target_value(&ev)) prop:value=base_url>
                    {MAKE_ZONES.iter().map(|zone| view! { <option value=*zone>{*zone}</option> }).collect_view()}
                    <option value=move || base_url.get()>"Custom (relay or demo): as typed below"</option>
                </select>
            </label>
            <label class="field"><span>"Organization id (audit log)"</span>
                <input inputmode="numeric" prop:value=organization on:input=move |ev| organization.set(event_target_value(&ev)) /></label>
            <label class="field"><span>"Team id"</span>
                <input inputmode="numeric" prop:value=team on:input=move |ev| team.set(event_target_value(&ev)) /></label>
            <button type="button" on:click=load_scenarios>"Load scenarios by name"</button>
            <span role="status">{lookup}</span>
            <fieldset class="scenario-list"><legend>"Scenarios"</legend>
                {move || scenarios.get().into_iter().map(|scenario| {
                    let id = scenario.id;
                    view! {
                        <label class="option"><input type="checkbox" checked=true
                            on:change=move |_| scenarios.update(|s| s.retain(|x| x.id != id)) />
                            <span>{scenario.name}" (#"{id}")"</span></label>
                    }
                }).collect_view()}
                <label class="field"><span>"Add scenario ids"</span>
                    <input placeholder="1001, 1002" prop:value=scenario_ids on:input=move |ev| scenario_ids.set(event_target_value(&ev)) /></label>
            </fieldset>
        })
    };
    let aitronos_fields = move || {
        (vendor.get() == Vendor::Aitronos).then(|| view! {
            <label class="field"><span>"Organization id"</span>
                <input prop:value=organization on:input=move |ev| organization.set(event_target_value(&ev)) /></label>
        })
    };
    let title = if existing.is_some() {
        "Edit connection"
    } else {
        "New connection"
    };
    view! {
        <form class="card form" aria-label=title on:submit=move |ev| ev.prevent_default()>
            <h3>{title}</h3>
            <label class="field"><span>"Vendor"</span>
                <select on:change=on_vendor prop:value=move || match vendor.get() { Vendor::Make => "make", Vendor::Dify => "dify", Vendor::Aitronos => "aitronos" }
                    disabled=existing.is_some()>
                    <option value="make">"Make"</option>
                    <option value="dify">"Dify (one app)"</option>
                    <option value="aitronos">"Aitronos"</option>
                </select>
            </label>
            <label class="field"><span>{move || if vendor.get() == Vendor::Dify { "App name" } else { "Name" }}</span>
                <input prop:value=name on:input=move |ev| name.set(event_target_value(&ev)) /></label>
            <label class="field"><span>"Base URL"</span>
                <input type="url" prop:value=base_url on:input=move |ev| base_url.set(event_target_value(&ev)) /></label>
            {make_fields}
            {aitronos_fields}
            <label class="field"><span>"API key or token (kept for this tab)"</span>
                <input type="password" autocomplete="off" prop:value=key on:input=move |ev| key.set(event_target_value(&ev)) /></label>
            {move || error.get().map(|message| view! { <p class="notice error" role="alert">{message}</p> })}
            <div class="actions">
                <button type="button" on:click=save>"Save"</button>
                <button type="button" on:click=move |_| editing.set(None)>"Cancel"</button>
            </div>
        </form>
    }
}
