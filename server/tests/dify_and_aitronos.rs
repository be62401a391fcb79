//! The demo Dify and Aitronos APIs: auth and error shapes, filters, paging.

mod common;

use axum::http::StatusCode;
use common::{assert_each_once, collect_by_offset, get, now, server};
use logdeck_server::demo::{AITRONOS_BASE_PATH, DIFY_APPS, DIFY_BASE_PATH};
use serde_json::Value;

fn dify_auth(app: usize) -> [(&'static str, String); 1] {
    [("Authorization", format!("Bearer {}", DIFY_APPS[app].0))]
}

async fn dify(router: &axum::Router, app: usize, query: &str) -> (StatusCode, Value) {
    let [(name, value)] = dify_auth(app);
    let answer = get(
        router,
        &format!("{DIFY_BASE_PATH}/workflows/logs?{query}"),
        &[(name, &value)],
    )
    .await;
    (answer.status, answer.json())
}

const AITRONOS: [(&str, &str); 1] = [("X-API-Key", "demo-aitronos-key")];

async fn aitronos(router: &axum::Router, query: &str) -> (StatusCode, Value) {
    let answer = get(
        router,
        &format!("{AITRONOS_BASE_PATH}/v1/personal-connectors/logs?{query}"),
        &AITRONOS,
    )
    .await;
    (answer.status, answer.json())
}

#[tokio::test]
async fn dify_refuses_bad_keys_and_out_of_range_paging() {
    let router = server(42, 300);
    let answer = get(
        &router,
        &format!("{DIFY_BASE_PATH}/workflows/logs"),
        &[("Authorization", "Bearer nope")],
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json()["code"], "unauthorized");
    for query in [
        "limit=0",
        "limit=101",
        "page=0",
        "status=running",
        "created_at__after=yesterday",
    ] {
        assert_eq!(
            dify(&router, 0, query).await.0,
            StatusCode::BAD_REQUEST,
            "{query}"
        );
    }
}

#[tokio::test]
async fn dify_pages_each_app_separately_every_run_once() {
    let router = server(42, 300);
    let (_, first) = dify(&router, 0, "limit=100").await;
    assert_eq!(
        (first["total"].as_u64(), first["has_more"].as_bool()),
        (Some(300), Some(true))
    );
    let mut seen = Vec::new();
    for page in 1.. {
        let (status, body) = dify(&router, 1, &format!("page={page}&limit=45")).await;
        assert_eq!(status, StatusCode::OK);
        seen.extend(
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["id"].to_string()),
        );
        if !body["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert_each_once(&seen, 300);
    let app_one: Vec<String> = first["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].to_string())
        .collect();
    assert!(
        app_one.iter().all(|id| !seen.contains(id)),
        "apps do not share runs"
    );
}

#[tokio::test]
async fn dify_filters_status_window_keyword_and_session_and_keeps_quirks() {
    let router = server(42, 600);
    let (_, failed) = dify(&router, 0, "status=failed&limit=100").await;
    let runs = failed["data"].as_array().unwrap();
    assert!(!runs.is_empty() && runs.iter().all(|r| r["workflow_run"]["status"] == "failed"));

    let after = (now() - chrono::Duration::days(2)).timestamp();
    let before = (now() - chrono::Duration::days(1)).timestamp();
    let iso = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .to_rfc3339()
            .replace("+00:00", "Z")
    };
    let (_, window) = dify(
        &router,
        0,
        &format!(
            "created_at__after={}&created_at__before={}&limit=100",
            iso(after),
            iso(before)
        ),
    )
    .await;
    let items = window["data"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items
        .iter()
        .all(|i| (after..=before).contains(&i["created_at"].as_i64().unwrap())));

    // Dify's keyword runs over inputs, outputs, the end user's session id and the
    // run id, not over the error text the list shows.
    let (_, all_runs) = dify(&router, 0, "limit=100").await;
    let (_, refund) = dify(&router, 0, "keyword=REFUND&limit=100").await;
    let total = |body: &serde_json::Value| body["total"].as_u64().unwrap();
    assert!(total(&refund) > 0 && total(&refund) < total(&all_runs));
    let (_, error_text) = dify(&router, 0, "keyword=rate%20limit&limit=100").await;
    assert_eq!(total(&error_text), 0, "errors are not searched");
    let (_, by_session) = dify(&router, 0, "keyword=session_1001&limit=100").await;
    let items = by_session["data"].as_array().unwrap();
    assert!(
        !items.is_empty()
            && items
                .iter()
                .all(|i| i["created_by_end_user"]["session_id"] == "session_1001")
    );
    let run_id = all_runs["data"][3]["workflow_run"]["id"].as_str().unwrap();
    let (_, by_run) = dify(&router, 0, &format!("keyword={run_id}&limit=100")).await;
    assert_eq!(total(&by_run), 1);
    assert_eq!(by_run["data"][0]["workflow_run"]["id"], run_id);

    let (_, session) = dify(
        &router,
        0,
        "created_by_end_user_session_id=session_1001&limit=100",
    )
    .await;
    let items = session["data"].as_array().unwrap();
    assert!(
        !items.is_empty()
            && items
                .iter()
                .all(|i| i["created_by_end_user"]["session_id"] == "session_1001")
    );

    let (_, all) = dify(&router, 0, "limit=100&page=1").await;
    let running = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["workflow_run"]["status"] == "running")
        .unwrap();
    assert!(running["workflow_run"]["finished_at"].is_null());
}

#[tokio::test]
async fn aitronos_answers_with_its_error_shape_and_organization_rules() {
    let router = server(42, 200);
    let answer = get(
        &router,
        &format!("{AITRONOS_BASE_PATH}/v1/personal-connectors/logs?organization_id=org_demo"),
        &[],
    )
    .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let body = answer.json();
    assert_eq!(body["success"], false);
    assert!(body["error"]["trace_id"].is_string());
    assert_eq!(aitronos(&router, "").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(
        aitronos(&router, "organization_id=org_other").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        aitronos(&router, "organization_id=org_demo&status=failed")
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn aitronos_pages_every_log_once_and_filters() {
    let router = server(42, 400);
    let seen = collect_by_offset(
        &router,
        &format!("{AITRONOS_BASE_PATH}/v1/personal-connectors/logs?organization_id=org_demo&limit=60&offset={{offset}}"),
        &AITRONOS,
        "logs",
        "id",
        60,
    )
    .await;
    assert_each_once(&seen, 400);
    let (_, first) = aitronos(&router, "organization_id=org_demo").await;
    assert_eq!(
        (
            first["total"].as_u64(),
            first["returned"].as_u64(),
            first["has_more"].as_bool()
        ),
        (Some(400), Some(50), Some(true))
    );
    let (_, blocked) = aitronos(
        &router,
        "organization_id=org_demo&status=blocked&credential_id=cred_gmail_01&limit=1000",
    )
    .await;
    let logs = blocked["logs"].as_array().unwrap();
    assert!(!logs.is_empty());
    // The server filters on what it knows; an item may still carry only the two
    // documented fields.
    let described: Vec<&Value> = logs.iter().filter(|l| l.get("status").is_some()).collect();
    assert!(!described.is_empty());
    assert!(described
        .iter()
        .all(|l| l["status"] == "blocked" && l["credential_id"] == "cred_gmail_01"));
    let (_, all) = aitronos(&router, "organization_id=org_demo&limit=1000").await;
    let bare = all["logs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l.as_object().is_some_and(|o| o.len() == 2))
        .count();
    assert!(bare > 0, "some items carry only id and created_at");
    let day = (now() - chrono::Duration::days(5))
        .format("%Y-%m-%d")
        .to_string();
    let (_, dated) = aitronos(
        &router,
        &format!("organization_id=org_demo&start_date={day}&end_date={day}&limit=1000"),
    )
    .await;
    let logs = dated["logs"].as_array().unwrap();
    assert!(
        !logs.is_empty()
            && logs
                .iter()
                .all(|l| l["created_at"].as_str().unwrap().starts_with(&day))
    );
}

#[tokio::test]
async fn with_arrivals_new_runs_appear_as_the_clock_passes_them_and_never_before() {
    let started = chrono::Utc::now() - chrono::Duration::minutes(10);
    let router = logdeck_server::app(&logdeck_server::ServerOptions {
        demo: Some(logdeck_server::demo::DemoOptions {
            seed: 42,
            rows: 300,
            now: started,
            calls_per_minute: None,
            arrivals: true,
        }),
        ..logdeck_server::ServerOptions::default()
    })
    .expect("the demo server builds");
    let after = started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (status, body) = dify(&router, 0, &format!("created_at__after={after}&limit=100")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let seen = chrono::Utc::now();
    let stamps: Vec<chrono::DateTime<chrono::Utc>> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|log| {
            let at = &log["created_at"];
            at.as_i64()
                .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                .or_else(|| at.as_str().and_then(|t| t.parse().ok()))
                .unwrap_or_else(|| panic!("created_at {at}"))
        })
        .collect();
    // About one run per 30 s arrived in the 10 minutes since the data's end.
    assert!(
        (8..=40).contains(&stamps.len()),
        "{} runs arrived",
        stamps.len()
    );
    assert!(
        stamps.iter().all(|at| *at <= seen),
        "no run from the future"
    );
}

#[tokio::test]
async fn undocumented_parameters_are_refused_in_each_vendors_shape() {
    let router = server(42, 300);
    let (status, body) = dify(&router, 0, "page=1&user=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        (body["code"].as_str(), body["message"].as_str()),
        (Some("invalid_param"), Some("Unknown parameter: user"))
    );
    let (status, body) = aitronos(&router, "organization_id=org_demo&connector=gmail").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["code"], "VALIDATION_ERROR");
    assert_eq!(body["error"]["message"], "Unknown parameter: connector");
    // Every documented one is accepted.
    let (status, _) = dify(
        &router,
        0,
        "keyword=x&status=failed&page=1&limit=5&created_at__before=2030-01-01T00:00:00Z\
         &created_at__after=2020-01-01T00:00:00Z&created_by_end_user_session_id=s\
         &created_by_account=ada@acme.example",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // Dify looks the account up by e-mail and refuses one it does not know.
    let (status, body) = dify(
        &router,
        0,
        "created_by_account=2f0c6a1e-8d1b-4c55-9a01-000000000001",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["message"].as_str(),
        Some("Account not found: 2f0c6a1e-8d1b-4c55-9a01-000000000001")
    );
}
