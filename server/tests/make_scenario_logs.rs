//! The demo Make scenario endpoints answer as the spec says: auth, filters, paging,
//! execution detail and module logs.

mod common;

use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use common::{assert_each_once, collect_by_offset, get, now, server};
use logdeck_server::demo::{MAKE_BASE_PATH, MAKE_DEMO_TOKEN};
use serde_json::Value;

const AUTH: [(&str, &str); 1] = [("Authorization", "Token demo-make-token")];

fn uri(path: &str) -> String {
    format!("{MAKE_BASE_PATH}{path}")
}

async fn logs(router: &axum::Router, query: &str) -> Vec<Value> {
    let answer = get(
        router,
        &uri(&format!("/scenarios/1001/logs?{query}")),
        &AUTH,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    answer.json()["scenarioLogs"].as_array().unwrap().clone()
}

fn timestamp(row: &Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(row["timestamp"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}

#[tokio::test]
async fn missing_or_wrong_token_is_refused_with_makes_error_shape() {
    let router = server(42, 2_000);
    for headers in [
        vec![],
        vec![("Authorization", "Token wrong")],
        vec![("Authorization", "Bearer demo-make-token")],
    ] {
        let answer = get(&router, &uri("/scenarios/1001/logs"), &headers).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        let body = answer.json();
        assert_eq!(body["code"], "IM005");
        assert!(body["message"].is_string() && body["detail"].is_string());
    }
}

#[tokio::test]
async fn unknown_scenario_is_404_and_bad_parameters_are_400() {
    let router = server(42, 2_000);
    assert_eq!(
        get(&router, &uri("/scenarios/999/logs"), &AUTH)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    for query in [
        "status=4",
        "pg[limit]=0",
        "pg[sortDir]=up",
        "from=yesterday",
        "pg[sortBy]=colour",
        "showCheckRuns=maybe",
        "pg[last]=1",
    ] {
        let answer = get(
            &router,
            &uri(&format!("/scenarios/1001/logs?{query}")),
            &AUTH,
        )
        .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{query}: {}",
            answer.text
        );
    }
}

#[tokio::test]
async fn response_has_the_documented_shape_sorted_by_imt_id() {
    let router = server(42, 2_000);
    let body = get(&router, &uri("/scenarios/1001/logs?pg[limit]=5"), &AUTH)
        .await
        .json();
    assert_eq!(
        body["pg"],
        serde_json::json!({"sortBy": "imtId", "sortDir": "desc", "limit": 5, "offset": 0})
    );
    let rows = body["scenarioLogs"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for row in rows {
        let id = row["id"].as_str().unwrap();
        assert!(
            id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()),
            "execution ids as Make's docs show them: {id}"
        );
        assert!(row["imtId"].is_string() && row["teamId"].is_i64());
        assert!(row["status"].is_u64() && row["duration"].is_u64() && row["instant"].is_boolean());
        assert!(row["authorName"].is_string() || row["authorName"].is_null());
        assert!(row["centicredits"].is_u64() || row["centicredits"].is_string());
    }
    for pair in rows.windows(2) {
        assert!(pair[0]["imtId"].as_str() > pair[1]["imtId"].as_str());
    }
    // One scenario's ids come as integers, the form the list schema declares;
    // each still opens by its id as text.
    let body = get(&router, &uri("/scenarios/1003/logs?pg[limit]=3"), &AUTH)
        .await
        .json();
    let rows = body["scenarioLogs"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    for row in rows {
        let id = row["id"].as_u64().expect("an integer id");
        let one = get(&router, &uri(&format!("/scenarios/1003/logs/{id}")), &AUTH)
            .await
            .json();
        assert_eq!(&one["scenarioLog"], row);
    }
}

#[tokio::test]
async fn status_window_ranges_name_and_check_runs_filter_on_the_server() {
    let router = server(42, 2_000);
    let all = logs(&router, "pg[limit]=10000").await;
    let errors = logs(&router, "status=3&pg[limit]=10000").await;
    assert!(!errors.is_empty());
    assert_eq!(
        errors.len(),
        all.iter().filter(|r| r["status"] == 3).count()
    );

    let (from, to) = (now() - Duration::days(2), now() - Duration::days(1));
    let window = logs(
        &router,
        &format!(
            "from={}&to={}&pg[limit]=10000",
            from.timestamp_millis(),
            to.timestamp_millis()
        ),
    )
    .await;
    assert!(!window.is_empty());
    assert_eq!(
        window.len(),
        all.iter()
            .filter(|r| (from..=to).contains(&timestamp(r)))
            .count()
    );

    let ranged = logs(
        &router,
        "durationFrom=1000&durationTo=5000&operationsFrom=10&pg[limit]=10000",
    )
    .await;
    assert!(!ranged.is_empty());
    assert!(ranged
        .iter()
        .all(|r| (1000..=5000).contains(&r["duration"].as_u64().unwrap())
            && r["operations"].as_u64().unwrap() >= 10));

    let named = logs(&router, "executionName=BACKFILL&pg[limit]=10000").await;
    assert!(!named.is_empty());
    assert!(named.iter().all(|r| r["executionName"] == "Backfill batch"));

    // The documented quirk: showCheckRuns=true hides the check runs.
    let hidden = logs(&router, "showCheckRuns=true&pg[limit]=10000").await;
    let checks = all
        .iter()
        .filter(|r| r["executionName"] == "Check for new data")
        .count();
    assert!(checks > 0);
    assert_eq!(hidden.len(), all.len() - checks);
}

#[tokio::test]
async fn offset_and_key_paging_yield_every_row_exactly_once() {
    let router = server(42, 2_000);
    let total = logs(&router, "pg[limit]=10000").await.len();
    for direction in ["desc", "asc"] {
        let seen = collect_by_offset(
            &router,
            &uri(&format!(
                "/scenarios/1001/logs?pg[offset]={{offset}}&pg[limit]=37&pg[sortDir]={direction}"
            )),
            &AUTH,
            "scenarioLogs",
            "id",
            37,
        )
        .await;
        assert_each_once(&seen, total);
    }
    let mut seen = Vec::new();
    let mut last: Option<String> = None;
    loop {
        let query = match &last {
            None => "pg[limit]=41".to_owned(),
            Some(last) => format!("pg[limit]=41&pg[last]={last}"),
        };
        let body = get(
            &router,
            &uri(&format!("/scenarios/1001/logs?{query}")),
            &AUTH,
        )
        .await
        .json();
        let rows = body["scenarioLogs"].as_array().unwrap();
        seen.extend(rows.iter().map(|r| r["id"].to_string()));
        if rows.len() < 41 {
            break;
        }
        if last.is_some() {
            assert_eq!(
                body["pg"]["last"],
                sort_key(&rows[40]),
                "pg.last is the last row's key, as a string"
            );
        }
        last = Some(sort_key(&rows[40]));
    }
    assert_each_once(&seen, total);
    let first = logs(&router, "pg[limit]=2").await;
    let with_last = logs(
        &router,
        &format!(
            "pg[limit]=2&pg[showLast]=true&pg[last]={}",
            sort_key(&first[1])
        ),
    )
    .await;
    assert_eq!(with_last[0]["id"], first[1]["id"]);
}

/// The demo's `pg[last]` key: the row's time in epoch milliseconds (an integer, as
/// the spec types `pg[last]` in requests; execution ids are hex strings).
fn sort_key(row: &serde_json::Value) -> String {
    let timestamp = row["timestamp"].as_str().unwrap();
    chrono::DateTime::parse_from_rfc3339(timestamp)
        .unwrap()
        .timestamp_millis()
        .to_string()
}

#[tokio::test]
async fn same_seed_same_rows_other_seed_other_rows() {
    let first = logs(&server(42, 2_000), "pg[limit]=50").await;
    assert_eq!(first, logs(&server(42, 2_000), "pg[limit]=50").await);
    assert_ne!(first, logs(&server(7, 2_000), "pg[limit]=50").await);
}

#[tokio::test]
async fn a_log_its_execution_details_and_module_logs_agree() {
    let router = server(42, 2_000);
    let errors = logs(&router, "status=3&pg[limit]=1").await;
    let id = errors[0]["id"].as_str().unwrap().to_owned();
    let one = get(&router, &uri(&format!("/scenarios/1001/logs/{id}")), &AUTH)
        .await
        .json();
    assert_eq!(one["scenarioLog"], errors[0]);
    assert_eq!(
        get(&router, &uri("/scenarios/1001/logs/1"), &AUTH)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let execution = get(
        &router,
        &uri(&format!("/scenarios/1001/executions/{id}")),
        &AUTH,
    )
    .await
    .json();
    assert_eq!(execution["status"], "ERROR");
    let cause = execution["error"]["causeModule"]["name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(execution["error"]["message"].is_string());

    let operations = get(
        &router,
        &uri("/scenarios/1001/modules/operations?days=30"),
        &AUTH,
    )
    .await
    .json();
    let modules = operations["operations"].as_array().unwrap();
    assert_eq!(modules.len(), 3);
    assert!(
        modules
            .iter()
            .map(|m| m["errors"].as_u64().unwrap())
            .sum::<u64>()
            > 0
    );
    for days in ["0", "31", "x"] {
        let answer = get(
            &router,
            &uri(&format!("/scenarios/1001/modules/operations?days={days}")),
            &AUTH,
        )
        .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "days={days}");
    }
    // Parameters the spec does not list are refused, as on every demo endpoint.
    for path in [
        "/scenarios/1001/modules/operations?days=1&from=0",
        "/scenarios/1001/modules/1/logs?pg[limit]=5&status=3",
    ] {
        let answer = get(&router, &uri(path), &AUTH).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
    }

    let mut failing_module_seen = false;
    for module in modules {
        let module_id = module["moduleId"].as_i64().unwrap();
        let body = get(
            &router,
            &uri(&format!(
                "/scenarios/1001/modules/{module_id}/logs?pg[limit]=10000"
            )),
            &AUTH,
        )
        .await
        .json();
        for entry in body["moduleLogs"].as_array().unwrap() {
            if entry["executionId"] == id.as_str() && entry["status"] == 3 {
                assert!(entry["error"]["message"].is_string());
                failing_module_seen = true;
            }
        }
    }
    assert!(
        failing_module_seen,
        "the failing module ({cause}) logged the error"
    );
}

#[tokio::test]
async fn scenarios_are_listed_by_team() {
    let router = server(42, 100);
    let body = get(&router, &uri("/scenarios?teamId=77"), &AUTH)
        .await
        .json();
    let names: Vec<&str> = body["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Sync CRM leads to Sheets", "Jira incidents to Slack"]
    );
    assert_eq!(
        get(&router, &uri("/scenarios"), &AUTH).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn config_lists_every_demo_source_with_its_key() {
    let answer = get(
        &server(42, 10),
        "/config.json",
        &[("Origin", "http://127.0.0.1:8081")],
    )
    .await;
    // Fetched from the app's own origin, and re-read on every load.
    assert_eq!(answer.headers["cache-control"], "no-cache");
    let config = answer.json();
    let vendors: Vec<&str> = config["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["vendor"].as_str().unwrap())
        .collect();
    assert_eq!(vendors, ["make", "dify", "dify", "aitronos"]);
    let make = &config["connections"][0];
    assert_eq!(make["baseUrl"], MAKE_BASE_PATH);
    assert_eq!(make["token"], MAKE_DEMO_TOKEN);
    assert_eq!(make["scenarios"].as_array().unwrap().len(), 4);
}
