//! The archive API over HTTP: the app's URL filters, offset paging with exact
//! totals, the histogram, the sync status, bad queries, and the team token.

mod common;

use axum::http::StatusCode;
use chrono::{Duration, Utc};
use common::get;
use logdeck_core::model::{CollectionType, LogRecord, RawJson, Usage};
use logdeck_core::record_json;
use logdeck_core::status::Status;
use logdeck_server::access::AccessRules;
use logdeck_server::archive::{Archive, StoreSpec};
use logdeck_server::{app, ServerOptions};

fn record(i: usize) -> LogRecord {
    LogRecord {
        source: "bot".into(),
        kind: CollectionType::DifyWorkflows,
        id: format!("run-{i}"),
        timestamp: Utc::now() - Duration::minutes(i as i64 * 10),
        status: if i % 4 == 0 {
            Status::Error
        } else {
            Status::Success
        },
        raw_status: String::new(),
        client: Some(format!("user-{}", i % 3)),
        client_id: None,
        collection: "Bot".into(),
        name: None,
        duration_ms: Some(10),
        usage: Usage::default(),
        message: (i % 4 == 0).then(|| "Node LLM timed out".to_owned()),
        vendor_link: None,
        raw: RawJson::of(&serde_json::json!({"id": i})),
    }
}

async fn server(token: Option<&str>) -> axum::Router {
    static STORES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "logdeck-api-{}-{}.db",
        std::process::id(),
        STORES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    let _ = std::fs::remove_file(&path);
    let archive = Archive::new(
        StoreSpec::Sqlite(path.display().to_string())
            .open()
            .unwrap(),
    );
    let rows: Vec<LogRecord> = (0..300).map(record).collect();
    archive
        .with_store(move |store| store.commit_page("bot", &rows, &mut |_| "{}".into()))
        .await
        .unwrap();
    app(&ServerOptions {
        archive: Some(archive),
        access: AccessRules {
            relay_token: token.map(str::to_owned),
            ..AccessRules::default()
        },
        ..ServerOptions::default()
    })
    .unwrap()
}

#[tokio::test]
async fn logs_page_by_offset_with_exact_totals_and_the_apps_filters() {
    let router = server(None).await;
    // 300 rows ten minutes apart, from when the store was filled: 144 in the
    // last 24 hours (the 145th is a moment older), 36 of them errors.
    let answer = get(
        &router,
        "/archive/v1/logs?period=24h&status=error&limit=20",
        &[],
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    let body = answer.json();
    assert_eq!(body["total"], 36);
    assert_eq!(body["nextOffset"], 20);
    let records = body["records"].as_array().unwrap();
    assert_eq!(records.len(), 20);
    let first = record_json::decode(&records[0]).unwrap();
    assert_eq!((first.id.as_str(), first.status), ("run-0", Status::Error));
    let last = get(
        &router,
        "/archive/v1/logs?period=24h&status=error&limit=20&offset=20",
        &[],
    )
    .await
    .json();
    assert_eq!(last["records"].as_array().unwrap().len(), 16);
    assert_eq!(last["nextOffset"], serde_json::Value::Null);
    let searched = get(
        &router,
        "/archive/v1/logs?period=24h&q=LLM+TIMED&client=user-1",
        &[],
    )
    .await
    .json();
    assert!(searched["total"].as_u64().unwrap() > 0);
    for record in searched["records"].as_array().unwrap() {
        let record = record_json::decode(record).unwrap();
        assert_eq!(record.client.as_deref(), Some("user-1"));
        assert!(record.message.unwrap().contains("LLM"));
    }
}

#[tokio::test]
async fn the_histogram_counts_every_row_of_the_period() {
    let router = server(None).await;
    let body = get(&router, "/archive/v1/histogram?period=7d&buckets=14", &[])
        .await
        .json();
    let buckets = body["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 14);
    let total: u64 = buckets
        .iter()
        .flat_map(|b| b["counts"].as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(total, 300, "every row, not the loaded ones");
    assert!(buckets[13]["counts"]["error"].as_u64().unwrap() > 0);
}

/// With `step`, the bars are the dashboard chart's own: round instants, the
/// window's ends inside the first and last, every row counted.
#[tokio::test]
async fn a_stepped_histogram_cuts_the_charts_grid() {
    let router = server(None).await;
    let body = get(&router, "/archive/v1/histogram?period=7d&step=86400", &[])
        .await
        .json();
    let window = &body["window"];
    let buckets = body["buckets"].as_array().unwrap();
    let at = |value: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap()).unwrap()
    };
    assert_eq!(
        buckets.len(),
        8,
        "seven days from mid-day are eight calendar days"
    );
    for bucket in buckets {
        assert_eq!(at(&bucket["from"]).timestamp() % 86_400, 0, "{bucket}");
        assert_eq!(
            (at(&bucket["to"]) - at(&bucket["from"])).num_seconds(),
            86_400
        );
    }
    assert!(at(&buckets[0]["from"]) <= at(&window["from"]));
    assert!(at(&buckets[7]["to"]) > at(&window["to"]));
    let total: u64 = buckets
        .iter()
        .flat_map(|b| b["counts"].as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(total, 300);
}

#[tokio::test]
async fn bad_queries_are_named_and_a_team_archive_needs_the_token() {
    let router = server(None).await;
    for query in ["status=nope", "limit=0", "limit=5000", "offset=-1"] {
        let answer = get(&router, &format!("/archive/v1/logs?{query}"), &[]).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.json()["error"]["code"], "bad_archive_query");
    }
    for query in [
        "buckets=0",
        "step=0",
        "step=9223372036854775807",
        "period=7d&step=60",
        "buckets=5&step=60",
    ] {
        let answer = get(&router, &format!("/archive/v1/histogram?{query}"), &[]).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(answer.json()["error"]["code"], "bad_archive_query");
    }
    let guarded = server(Some("0123456789abcdef0123")).await;
    let refused = get(&guarded, "/archive/v1/status", &[]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    let allowed = get(
        &guarded,
        "/archive/v1/status",
        &[("X-Logdeck-Relay-Token", "0123456789abcdef0123")],
    )
    .await;
    assert_eq!(allowed.status, StatusCode::OK);
    assert_eq!(allowed.json()["streams"][0]["stream"], "bot");
    let foreign = get(
        &router,
        "/archive/v1/status",
        &[("Origin", "https://evil.example")],
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
}
