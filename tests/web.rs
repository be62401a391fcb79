//! In-browser tests (wasm-bindgen-test in headless Chromium): components render
//! real DOM, and the network layer maps browser failures.

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeSet;

use chrono::{Datelike, FixedOffset, TimeZone, Utc};
use leptos::prelude::*;
use logdeck::components::log_table::LogTable;
use logdeck::components::status_filter::StatusFilter;
use logdeck::net::{self, NetError};
use logdeck::state::zone::{zone_names, zone_rules, UnknownZone};
use logdeck_core::adapters::make_scenarios::{decode_list, ListParams};
use logdeck_core::columns::Column;
use logdeck_core::config::{MakeConnection, ScenarioRef};
use logdeck_core::filter_options::StatusChoice;
use logdeck_core::http::ApiRequest;
use logdeck_core::model::LogRecord;
use logdeck_core::query::DisplayZone;
use logdeck_core::query::{Sort, TimeWindow};
use logdeck_core::status::Status;
use logdeck_core::timeline::Timeline;
use logdeck_core::zone::ZoneRules;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn container() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

fn texts(root: &HtmlElement, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .map(|node| node.text_content().unwrap_or_default())
        .collect()
}

fn demo_records() -> Vec<LogRecord> {
    let connection = MakeConnection {
        id: "demo".into(),
        name: "Demo".into(),
        base_url: "/demo".into(),
        requests_per_minute: None,
        token: None,
        scenarios: vec![],
        organization_id: None,
        team_id: None,
    };
    let scenario = ScenarioRef {
        id: 1,
        name: "Sync CRM".into(),
    };
    let statuses = BTreeSet::new();
    let params = ListParams {
        window: TimeWindow {
            from: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap(),
        },
        statuses: &statuses,
        hide_check_runs: false,
        offset: 0,
        limit: 50,
    };
    let body = r#"{"scenarioLogs":[
        {"id":2,"timestamp":"2026-01-01T10:00:00Z","status":3,"duration":1520,
         "operations":12,"authorId":9,"authorName":null,"executionName":"Nightly"},
        {"id":1,"timestamp":"2026-01-01T09:00:00Z","status":1,"duration":20,
         "operations":1,"authorName":"Ada","type":"manual"}
    ]}"#;
    decode_list(body, &connection, &scenario, params)
        .unwrap()
        .records
}

/// Waits for the browser to run timers, events and a paint.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 50);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    leptos::task::tick().await;
}

fn many_records(count: usize) -> Vec<LogRecord> {
    let template = demo_records().remove(0);
    (0..count)
        .map(|i| LogRecord {
            id: i.to_string(),
            timestamp: template.timestamp - chrono::Duration::seconds(i as i64),
            ..template.clone()
        })
        .collect()
}

/// Mounts a table of `records` in their order; returns its timeline.
fn mount_table(
    root: &HtmlElement,
    records: Vec<LogRecord>,
    on_sort: Callback<Column>,
) -> RwSignal<Timeline> {
    let style = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .create_element("style")
        .unwrap();
    style.set_text_content(Some(
        ".table-viewport { height: 320px; overflow: auto; } .log-table tr { height: 24px; }",
    ));
    root.append_child(&style).unwrap();
    let count = records.len();
    let timeline = RwSignal::new(Timeline::new(records));
    let rows = Signal::derive(move || (0..count).collect::<Vec<usize>>());
    let columns = Signal::derive(|| Column::DEFAULT.to_vec());
    let zone = Signal::derive(ZoneRules::utc);
    let zone_label = Signal::derive(|| "UTC".to_owned());
    let sort = Signal::derive(Sort::default);
    let selected = Signal::derive(|| None::<String>);
    let cursor = RwSignal::new(None);
    let ignore_key = Callback::new(|_: String| {});
    let ignore = Callback::new(|()| {});
    std::mem::forget(leptos::mount::mount_to(root.clone(), move || {
        view! {
            <LogTable timeline rows columns zone zone_label sort on_sort selected cursor
                on_open=ignore_key on_near_end=ignore at_top=RwSignal::new(true) shown=RwSignal::new((0, 0)) />
        }
    }));
    timeline
}

#[wasm_bindgen_test]
async fn log_table_shows_formatted_cells_and_reports_sorting() {
    let root = container();
    let sorted = RwSignal::new(None::<Column>);
    let mut records = demo_records();
    // Make's list carries no message; the lazy read fills it in.
    records[0].message = Some("DataError: Invalid date (in HTTP)".into());
    mount_table(
        &root,
        records,
        Callback::new(move |column| sorted.set(Some(column))),
    );
    settle().await;
    assert_eq!(texts(&root, "tbody tr[data-key]").len(), 2);
    assert_eq!(
        texts(&root, "tbody tr[data-key]:nth-child(1) td"),
        [
            "2026-01-01 10:00:00",
            "Error",
            "Make scenarios",
            "Sync CRM",
            "Nightly",
            "user #9",
            "DataError: Invalid date (in HTTP)",
            "1.52 s",
            "12",
            ""
        ]
    );
    let duration_header: HtmlElement = root
        .query_selector("th:nth-child(8) button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    duration_header.click();
    assert_eq!(sorted.get_untracked(), Some(Column::Duration));
}

#[wasm_bindgen_test]
async fn log_table_keeps_the_dom_bounded_and_follows_the_scroll() {
    let root = container();
    mount_table(&root, many_records(10_000), Callback::new(|_| {}));
    settle().await;
    let rendered = texts(&root, "tbody tr[data-key]").len();
    assert!(rendered > 0 && rendered < 40, "{rendered} rows in the DOM");

    let viewport: HtmlElement = root
        .query_selector(".table-viewport")
        .unwrap()
        .unwrap()
        .unchecked_into();
    // Far, then a little down and a little up (rows kept and added at either
    // end), then back far: the DOM always holds one run of consecutive rows in
    // order, numbered by their place, the row scrolled to among them.
    for row in [5_000, 5_010, 5_004, 4_990, 9_000, 9_995, 3] {
        viewport.set_scroll_top(24 * row);
        settle().await;
        let shown = rows_shown(&root);
        assert!(shown.len() < 40, "{} rows in the DOM", shown.len());
        let first = shown.first().map_or(0, |(position, _)| *position);
        for (offset, (position, key)) in shown.iter().enumerate() {
            assert_eq!(*position, first + offset, "{shown:?}");
            assert_eq!(key, &format!("demo:{position}"), "{shown:?}");
        }
        assert!(
            shown.iter().any(|(position, _)| *position == row as usize),
            "row {row} not among {shown:?}"
        );
    }
}

#[wasm_bindgen_test]
async fn log_table_redraws_only_the_rows_that_changed() {
    let root = container();
    let records = many_records(100);
    let timeline = mount_table(&root, records.clone(), Callback::new(|_| {}));
    settle().await;
    let row = |key: &str| {
        root.query_selector(&format!("tr[data-key='{key}']"))
            .unwrap()
            .unwrap()
    };
    let (kept, changed) = (row("demo:1"), row("demo:3"));
    // A message arrives for one row (Make's lazy read): that row is drawn
    // anew, the others stay the very same elements.
    let mut reading = records[3].clone();
    reading.message = Some("Arrived later".into());
    timeline.update(|timeline| {
        timeline.update_known(vec![reading]);
    });
    settle().await;
    assert!(row("demo:1").is_same_node(Some(&kept)));
    assert!(!row("demo:3").is_same_node(Some(&changed)));
    assert!(row("demo:3")
        .text_content()
        .unwrap_or_default()
        .contains("Arrived later"));
    let shown = rows_shown(&root);
    assert!(shown.len() > 4, "{shown:?}");
    for (place, (position, key)) in shown.iter().enumerate() {
        assert_eq!(
            (*position, key.as_str()),
            (place, format!("demo:{place}").as_str())
        );
    }
}

/// The view position and key of each row in the DOM, in DOM order.
fn rows_shown(root: &HtmlElement) -> Vec<(usize, String)> {
    let nodes = root.query_selector_all("tbody tr[data-key]").unwrap();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::Element>().ok())
        .map(|e| {
            let index: usize = e.get_attribute("aria-rowindex").unwrap().parse().unwrap();
            (index - 2, e.get_attribute("data-key").unwrap())
        })
        .collect()
}

#[wasm_bindgen_test]
async fn status_filter_reflects_the_selection_and_reports_toggles() {
    let root = container();
    let selected = RwSignal::new(BTreeSet::from([Status::Error]));
    let reported = RwSignal::new(None::<BTreeSet<Status>>);
    let on_change = Callback::new(move |next| reported.set(Some(next)));
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <StatusFilter options=Signal::derive(|| vec![
                    StatusChoice { status: Status::Success, scope: None },
                    StatusChoice { status: Status::Warning, scope: None },
                    StatusChoice {
                        status: Status::Error,
                        scope: Some("not Make audit log".to_owned()),
                    },
                ])
                selected on_change />
        }
    });
    let checkbox = |value: &str| -> HtmlInputElement {
        root.query_selector(&format!("input[value={value}]"))
            .unwrap()
            .unwrap()
            .unchecked_into()
    };
    assert!(checkbox("error").checked());
    assert!(!checkbox("warning").checked());
    let error_label = root
        .query_selector("label.status-error")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap_or_default();
    assert_eq!(
        error_label, "Error · not Make audit log",
        "the choice says what it leaves out"
    );

    checkbox("warning").click();
    leptos::task::tick().await;
    assert_eq!(
        reported.get_untracked(),
        Some(BTreeSet::from([Status::Warning, Status::Error]))
    );

    selected.set(BTreeSet::new());
    leptos::task::tick().await;
    assert!(!checkbox("error").checked());
}

#[wasm_bindgen_test]
async fn an_unreachable_server_is_reported_as_unreachable() {
    let request = ApiRequest {
        url: "http://127.0.0.1:9/nothing-listens-here".into(),
        headers: vec![],
    };
    match net::get(&request, None).await {
        Err(NetError::Unreachable(_)) => {}
        Err(other) => panic!("expected Unreachable, got {other:?}"),
        Ok(answer) => panic!("expected a failure, got HTTP {}", answer.status),
    }
}

#[wasm_bindgen_test]
async fn a_body_is_read_as_utf_8_without_its_bom_and_with_invalid_bytes_replaced() {
    // A byte-order mark, "Zürich €", then a byte no UTF-8 text holds: read as
    // `Response.text()` reads them.
    let request = ApiRequest {
        url: "data:application/json,%EF%BB%BFZ%C3%BCrich%20%E2%82%AC%FF".into(),
        headers: vec![],
    };
    let answer = net::get(&request, None).await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.body, "Zürich €\u{FFFD}");
}

#[wasm_bindgen_test]
async fn an_aborted_request_is_reported_as_aborted() {
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let request = ApiRequest {
        url: "http://127.0.0.1:9/nothing-listens-here".into(),
        headers: vec![],
    };
    let result = net::get(&request, Some(&controller.signal())).await;
    assert_eq!(result.err(), Some(NetError::Aborted));
}

#[wasm_bindgen_test]
fn the_clock_works_in_the_browser() {
    // chrono without `wasmbind` panics here, which would kill the whole page.
    assert!(Utc::now().year() >= 2025);
}

#[wasm_bindgen_test]
fn any_iana_zone_is_read_from_the_browser_with_its_daylight_saving_changes() {
    let year = TimeWindow {
        from: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        to: Utc.with_ymd_and_hms(2026, 12, 31, 0, 0, 0).unwrap(),
    };
    let hours = |h: f64| FixedOffset::east_opt((h * 3600.0) as i32).unwrap();
    let berlin = zone_rules(&DisplayZone::Named("Europe/Berlin".into()), year).unwrap();
    let change = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
    assert_eq!(
        berlin.offset_at(change - chrono::Duration::seconds(1)),
        hours(1.0)
    );
    assert_eq!(berlin.offset_at(change), hours(2.0));
    assert_eq!(
        berlin.offset_at(Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap()),
        hours(1.0)
    );
    let kolkata = zone_rules(&DisplayZone::Named("Asia/Kolkata".into()), year).unwrap();
    assert_eq!(kolkata.offset_at(change), hours(5.5));
    let st_johns = zone_rules(&DisplayZone::Named("America/St_Johns".into()), year).unwrap();
    assert_eq!(st_johns.offset_at(year.from), hours(-3.5));
    assert_eq!(zone_rules(&DisplayZone::Utc, year), Ok(ZoneRules::utc()));
    assert_eq!(
        zone_rules(&DisplayZone::Named("Mars/Olympus_Mons".into()), year),
        Err(UnknownZone("Mars/Olympus_Mons".into()))
    );
    let names = zone_names();
    assert!(names.len() > 300, "{} zones", names.len());
    assert!(names.iter().any(|name| name == "Europe/Berlin"));
}
