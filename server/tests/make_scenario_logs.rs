//! The demo Make scenario-logs endpoint answers as the spec says: auth, filters, paging.

use std::collections::HashSet;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use logdeck_server::demo::{DemoOptions, MAKE_BASE_PATH, MAKE_DEMO_TOKEN};
use logdeck_server::{app, ServerOptions};
use serde_json::Value;
use tower::ServiceExt;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

fn server(seed: u64) -> axum::Router {
    app(&ServerOptions {
        demo: Some(DemoOptions {
            seed,
            rows: 2_000,
            now: now(),
        }),
        dist: None,
    })
}

async fn get(
    router: &axum::Router,
    path_and_query: &str,
    token: Option<&str>,
) -> (StatusCode, Value) {
    let mut request = Request::get(format!("{MAKE_BASE_PATH}{path_and_query}"));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Token {token}"));
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

async fn logs(router: &axum::Router, query: &str) -> Vec<Value> {
    let (status, body) = get(
        router,
        &format!("/scenarios/1001/logs?{query}"),
        Some(MAKE_DEMO_TOKEN),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["scenarioLogs"].as_array().unwrap().clone()
}

fn timestamp(row: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(row["timestamp"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn missing_or_wrong_token_is_refused_with_makes_error_shape() {
    let router = server(42);
    for token in [None, Some("wrong"), Some("")] {
        let (status, body) = get(&router, "/scenarios/1001/logs", token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["code"], "IM005");
        assert!(body["message"].is_string() && body["detail"].is_string());
    }
}

#[tokio::test]
async fn unknown_scenario_is_404_and_bad_parameters_are_400() {
    let router = server(42);
    let (status, _) = get(&router, "/scenarios/999/logs", Some(MAKE_DEMO_TOKEN)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for query in [
        "status=4",
        "pg[limit]=0",
        "pg[sortDir]=up",
        "from=yesterday",
    ] {
        let (status, body) = get(
            &router,
            &format!("/scenarios/1001/logs?{query}"),
            Some(MAKE_DEMO_TOKEN),
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
    }
}

#[tokio::test]
async fn response_has_the_documented_shape() {
    let router = server(42);
    let (_, body) = get(
        &router,
        "/scenarios/1001/logs?pg[limit]=5",
        Some(MAKE_DEMO_TOKEN),
    )
    .await;
    assert_eq!(body["pg"]["limit"], 5);
    assert_eq!(body["pg"]["offset"], 0);
    assert_eq!(body["pg"]["sortDir"], "desc");
    let rows = body["scenarioLogs"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for row in rows {
        assert!(row["id"].is_i64() && row["imtId"].is_string());
        assert!(row["status"].is_u64() && row["duration"].is_u64());
        assert!(row["authorName"].is_string() || row["authorName"].is_null());
        assert!(row["centicredits"].is_u64() || row["centicredits"].is_string());
    }
    assert!(timestamp(&rows[0]) >= timestamp(&rows[4]));
}

#[tokio::test]
async fn status_and_time_window_filter_on_the_server() {
    let router = server(42);
    let errors = logs(&router, "status=3&pg[limit]=10000").await;
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|row| row["status"] == 3));

    let from = now() - chrono::Duration::days(2);
    let to = now() - chrono::Duration::days(1);
    let query = format!(
        "from={}&to={}&pg[limit]=10000",
        from.timestamp_millis(),
        to.timestamp_millis()
    );
    let window = logs(&router, &query).await;
    assert!(!window.is_empty());
    assert!(window
        .iter()
        .all(|row| (from..=to).contains(&timestamp(row))));
    let all = logs(&router, "pg[limit]=10000").await;
    let expected = all
        .iter()
        .filter(|row| (from..=to).contains(&timestamp(row)))
        .count();
    assert_eq!(window.len(), expected);
}

#[tokio::test]
async fn offset_paging_yields_every_row_exactly_once_in_both_directions() {
    let router = server(42);
    let all = logs(&router, "pg[limit]=10000").await;
    for direction in ["desc", "asc"] {
        let mut seen = Vec::new();
        let mut offset = 0;
        loop {
            let page = logs(
                &router,
                &format!("pg[offset]={offset}&pg[limit]=37&pg[sortDir]={direction}"),
            )
            .await;
            seen.extend(page.iter().map(|row| row["id"].as_i64().unwrap()));
            if page.len() < 37 {
                break;
            }
            offset += 37;
        }
        assert_eq!(seen.len(), all.len());
        assert_eq!(seen.iter().collect::<HashSet<_>>().len(), all.len());
    }
}

#[tokio::test]
async fn same_seed_same_rows_other_seed_other_rows() {
    let first = logs(&server(42), "pg[limit]=50").await;
    assert_eq!(first, logs(&server(42), "pg[limit]=50").await);
    assert_ne!(first, logs(&server(7), "pg[limit]=50").await);
}

#[tokio::test]
async fn config_lists_the_demo_scenarios_with_the_demo_token() {
    let response = server(42)
        .oneshot(Request::get("/config.json").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let config: Value = serde_json::from_slice(&bytes).unwrap();
    let connection = &config["connections"][0];
    assert_eq!(connection["baseUrl"], MAKE_BASE_PATH);
    assert_eq!(connection["token"], MAKE_DEMO_TOKEN);
    assert_eq!(connection["scenarios"].as_array().unwrap().len(), 4);
}
