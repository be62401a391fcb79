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
