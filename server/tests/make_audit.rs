//! The demo Make audit logs: scopes and 403s, filters, paging, `/filters`, detail.

mod common;

use axum::http::StatusCode;
use common::{assert_each_once, collect_by_offset, get, now, server};
use logdeck_server::demo::MAKE_BASE_PATH;
use serde_json::Value;

const AUTH: [(&str, &str); 1] = [("Authorization", "Token demo-make-token")];

fn uri(path: &str) -> String {
    format!("{MAKE_BASE_PATH}{path}")
}

async fn entries(router: &axum::Router, path_and_query: &str) -> (Vec<Value>, Value) {
    let answer = get(router, &uri(path_and_query), &AUTH).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let body = answer.json();
    (
        body["auditLogs"].as_array().unwrap().clone(),
        body["pg"].clone(),
    )
}

#[tokio::test]
async fn scope_and_role_are_enforced() {
    let router = server(42, 500);
    let only_scenarios = [("Authorization", "Token demo-make-scenarios-only")];
    for path in [
        "/audit-logs/organization/11",
        "/audit-logs/team/77",
        "/audit-logs/organization/11/filters",
    ] {
        assert_eq!(
            get(&router, &uri(path), &only_scenarios).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
        assert_eq!(
            get(&router, &uri(path), &[]).await.status,
            StatusCode::UNAUTHORIZED,
            "{path}"
        );
    }
    assert_eq!(
        get(&router, &uri("/audit-logs/organization/12"), &AUTH)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&router, &uri("/audit-logs/team/99"), &AUTH)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let answer = get(
        &router,
        &uri("/audit-logs/organization/11?dateFrom=21.11.2026"),
        &AUTH,
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn entries_carry_only_documented_fields_newest_first() {
    let router = server(42, 500);
    let (rows, pg) = entries(
        &router,
        "/audit-logs/organization/11?pg[limit]=20&pg[returnTotalCount]=true",
    )
    .await;
    assert_eq!(pg["totalCount"], 500);
    assert_eq!(pg["sortBy"], "triggeredAt");
    let allowed = [
        "uuid",
        "createdAt",
        "triggeredAt",
        "organizationId",
        "organization",
        "eventName",
        "team",
        "actor",
        "targetId",
        "version",
    ];
    for row in &rows {
        for key in row.as_object().unwrap().keys() {
            assert!(allowed.contains(&key.as_str()), "undocumented field {key}");
        }
        assert!(row["triggeredAt"].is_i64() && row["createdAt"].is_string());
    }
    for pair in rows.windows(2) {
        assert!(pair[0]["triggeredAt"].as_i64() > pair[1]["triggeredAt"].as_i64());
    }
}

#[tokio::test]
async fn dates_events_teams_and_authors_filter_by_id_or_name() {
    let router = server(42, 2_000);
    let day = (now() - chrono::Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();
    let (rows, _) = entries(
        &router,
        &format!("/audit-logs/organization/11?dateFrom={day}&dateTo={day}&pg[limit]=10000"),
    )
    .await;
    assert!(!rows.is_empty());
    for row in &rows {
        let at =
            chrono::DateTime::from_timestamp_millis(row["triggeredAt"].as_i64().unwrap()).unwrap();
        assert_eq!(at.format("%Y-%m-%d").to_string(), day);
    }
    let (rows, _) = entries(
        &router,
        "/audit-logs/organization/11?event[0]=key_created&event[1]=key_deleted&pg[limit]=10000",
    )
    .await;
    assert!(
        !rows.is_empty()
            && rows
                .iter()
                .all(|r| r["eventName"].as_str().unwrap().starts_with("key_"))
    );
    let (by_name, _) = entries(
        &router,
        "/audit-logs/organization/11?team=Finance&pg[limit]=10000",
    )
    .await;
    let (by_id, _) = entries(
        &router,
        "/audit-logs/organization/11?team[0]=78&pg[limit]=10000",
    )
    .await;
    assert!(!by_name.is_empty());
    assert_eq!(by_name, by_id);
    let (team_log, _) = entries(&router, "/audit-logs/team/78?pg[limit]=10000").await;
    assert_eq!(team_log, by_id);
    let (by_author, _) = entries(
        &router,
        "/audit-logs/organization/11?author[0]=501&author[1]=Grace%20Hopper&pg[limit]=10000",
    )
    .await;
    assert!(!by_author.is_empty());
    assert!(by_author
        .iter()
        .all(|r| r["actor"]["id"] == 501 || r["actor"]["name"] == "Grace Hopper"));
}

#[tokio::test]
async fn offset_and_key_paging_yield_every_entry_once() {
    let router = server(42, 1_000);
    let seen = collect_by_offset(
        &router,
        &uri("/audit-logs/organization/11?pg[offset]={offset}&pg[limit]=33"),
        &AUTH,
        "auditLogs",
        "uuid",
        33,
    )
    .await;
    assert_each_once(&seen, 1_000);
    let mut seen = Vec::new();
    let mut query = "pg[limit]=70".to_owned();
    loop {
        let (rows, pg) = entries(&router, &format!("/audit-logs/organization/11?{query}")).await;
        seen.extend(rows.iter().map(|r| r["uuid"].to_string()));
        if rows.len() < 70 {
            break;
        }
        let last = rows[69]["triggeredAt"].as_i64().unwrap();
        if query.contains("pg[last]") {
            assert_eq!(pg["last"], last.to_string());
        }
        query = format!("pg[limit]=70&pg[last]={last}");
    }
    assert_each_once(&seen, 1_000);
}

#[tokio::test]
async fn filters_and_detail_answer_as_documented() {
    let router = server(42, 100);
    let filters = get(&router, &uri("/audit-logs/organization/11/filters"), &AUTH)
        .await
        .json();
    assert_eq!(filters["teams"].as_array().unwrap().len(), 2);
    assert_eq!(filters["users"].as_array().unwrap().len(), 5);
    assert!(filters["events"][0]["items"][0]["value"].is_string());
    let team = get(&router, &uri("/audit-logs/team/77/filters"), &AUTH)
        .await
        .json();
    // The spec's team filters are users and events alone.
    let keys: Vec<&String> = team.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["events", "users"]);

    let (rows, _) = entries(&router, "/audit-logs/organization/11?pg[limit]=1").await;
    let uuid = rows[0]["uuid"].as_str().unwrap();
    let detail = get(&router, &uri(&format!("/audit-logs/11/{uuid}")), &AUTH)
        .await
        .json();
    assert_eq!(detail["uuid"], uuid);
    assert!(detail["details"]["ipAddress"].is_string());
    assert_eq!(
        get(&router, &uri("/audit-logs/11/nope"), &AUTH)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&router, &uri(&format!("/audit-logs/12/{uuid}")), &AUTH)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
