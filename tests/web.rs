//! In-browser tests (wasm-bindgen-test in headless Chromium): components render
//! real DOM, and the network layer maps browser failures.

#![cfg(target_arch = "wasm32")]

use std::collections::BTreeSet;

use chrono::{Datelike, TimeZone, Utc};
use leptos::prelude::*;
use logdeck::components::log_table::LogTable;
use logdeck::components::status_filter::StatusFilter;
use logdeck::core::adapters::make_scenarios::{decode_list, ListParams};
use logdeck::core::config::{MakeConnection, ScenarioRef};
use logdeck::core::http::ApiRequest;
use logdeck::core::model::LogRecord;
use logdeck::core::query::TimeWindow;
use logdeck::core::status::Status;
use logdeck::net::{self, NetError};
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

#[wasm_bindgen_test]
async fn log_table_renders_one_row_per_record_with_formatted_cells() {
    let root = container();
    let records = RwSignal::new(demo_records());
    let _mounted = leptos::mount::mount_to(root.clone(), move || view! { <LogTable records /> });
    assert_eq!(texts(&root, "tbody tr").len(), 2);
    let first_row = texts(&root, "tbody tr:first-child td");
    assert_eq!(
        first_row,
        [
            "2026-01-01 10:00:00 UTC",
            "Error",
            "Sync CRM",
            "Nightly",
            "user #9",
            "1.52 s",
            "12"
        ]
    );

    records.update(|rows| rows.truncate(1));
    leptos::task::tick().await;
    assert_eq!(texts(&root, "tbody tr").len(), 1);
}

#[wasm_bindgen_test]
async fn status_filter_reflects_the_selection_and_reports_toggles() {
    let root = container();
    let selected = RwSignal::new(BTreeSet::from([Status::Error]));
    let reported = RwSignal::new(None::<BTreeSet<Status>>);
    let on_change = Callback::new(move |next| reported.set(Some(next)));
    let _mounted = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <StatusFilter options=vec![Status::Success, Status::Warning, Status::Error]
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
