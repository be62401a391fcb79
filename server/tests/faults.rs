//! Faults on demand: a `fault-…` credential makes any demo vendor misbehave.

mod common;

use std::time::Instant;

use axum::http::StatusCode;
use common::{get, server};

const MAKE_LOGS: &str = "/demo/make/api/v2/scenarios/1001/logs?pg[limit]=5";
const DIFY_LOGS: &str = "/demo/dify/v1/workflows/logs";
const AITRONOS_LOGS: &str = "/demo/aitronos/v1/personal-connectors/logs?organization_id=org_demo";

#[tokio::test]
async fn rate_limits_and_server_errors_use_each_vendors_shape() {
    let router = server(42, 50);
    let make = get(&router, MAKE_LOGS, &[("Authorization", "Token fault-429")]).await;
    assert_eq!(make.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(make.headers["retry-after"], "2");
    assert!(make.json()["detail"].is_string());
    let dify = get(&router, DIFY_LOGS, &[("Authorization", "Bearer fault-503")]).await;
    assert_eq!(dify.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(dify.json()["status"], 503);
    let aitronos = get(&router, AITRONOS_LOGS, &[("X-API-Key", "fault-500")]).await;
    assert_eq!(aitronos.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(aitronos.json()["error"]["trace_id"].is_string());
}

#[tokio::test]
async fn broken_bodies_come_with_200() {
    let router = server(42, 50);
    let malformed = get(
        &router,
        MAKE_LOGS,
        &[("Authorization", "Token fault-malformed")],
    )
    .await;
    assert_eq!(malformed.status, StatusCode::OK);
    assert!(serde_json::from_str::<serde_json::Value>(&malformed.text).is_err());
    let normal = get(
        &router,
        MAKE_LOGS,
        &[("Authorization", "Token demo-make-token")],
    )
    .await;
    let truncated = get(
        &router,
        MAKE_LOGS,
        &[("Authorization", "Token fault-truncated")],
    )
    .await;
    assert_eq!(truncated.text, normal.text[..normal.text.len() / 2]);
    let shape = get(
        &router,
        DIFY_LOGS,
        &[("Authorization", "Bearer fault-shape")],
    )
    .await;
    assert!(shape.json().get("data").is_none());
}

#[tokio::test]
async fn slow_answers_are_normal_answers_late() {
    let router = server(42, 50);
    let started = Instant::now();
    let slow = get(&router, AITRONOS_LOGS, &[("X-API-Key", "fault-slow-300")]).await;
    assert!(started.elapsed().as_millis() >= 300);
    let normal = get(
        &router,
        AITRONOS_LOGS,
        &[("X-API-Key", "demo-aitronos-key")],
    )
    .await;
    assert_eq!(slow.status, StatusCode::OK);
    assert_eq!(slow.json()["logs"], normal.json()["logs"]);
}

#[tokio::test]
async fn cors_lets_another_origin_read_retry_after() {
    let router = server(42, 50);
    let answer = get(
        &router,
        MAKE_LOGS,
        &[
            ("Authorization", "Token fault-429"),
            ("Origin", "http://127.0.0.1:8081"),
        ],
    )
    .await;
    assert_eq!(answer.headers["access-control-allow-origin"], "*");
    let exposed = answer.headers["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("retry-after"));
}

#[tokio::test]
async fn each_credential_has_a_per_minute_budget_as_the_vendors_count_it() {
    let router = logdeck_server::app(&logdeck_server::ServerOptions {
        demo: Some(logdeck_server::demo::DemoOptions {
            seed: 42,
            rows: 50,
            now: common::now(),
            calls_per_minute: Some(3),
            arrivals: false,
        }),
        ..logdeck_server::ServerOptions::default()
    })
    .unwrap();
    let make = [("Authorization", "Token demo-make-token")];
    for _ in 0..3 {
        assert_eq!(get(&router, MAKE_LOGS, &make).await.status, StatusCode::OK);
    }
    let over = get(&router, MAKE_LOGS, &make).await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        over.json()["detail"],
        "Requests limit for organization exceeded, please try again later.",
        "Make's own words"
    );
    assert!(
        !over.headers.contains_key("retry-after"),
        "Make documents no Retry-After"
    );
    let dify = [("Authorization", "Bearer demo-dify-support-key")];
    for _ in 0..3 {
        assert_eq!(get(&router, DIFY_LOGS, &dify).await.status, StatusCode::OK);
    }
    let over = get(&router, DIFY_LOGS, &dify).await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS);
    let seconds: u64 = over.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
}

#[tokio::test]
async fn a_test_budget_resolves_within_its_window() {
    let router = server(42, 50);
    let limited = [("Authorization", "Token fault-limit-2-1")];
    for _ in 0..2 {
        let answer = get(&router, MAKE_LOGS, &limited).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    }
    assert_eq!(
        get(&router, MAKE_LOGS, &limited).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(
        get(&router, MAKE_LOGS, &limited).await.status,
        StatusCode::OK
    );
}
