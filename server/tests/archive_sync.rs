//! The archive's collector against a stand-in vendor (Dify's documented list
//! call, bound to 127.0.0.1) and a real SQLite file: backfill, incremental
//! passes that pick up late arrivals inside the overlap, duplicates dropped,
//! a restart that resumes from the checkpoint, and a storm of 429s that slows
//! the sync without losing a row.

use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use logdeck_core::archive_sync::StreamState;
use logdeck_core::query::{LogQuery, TimeWindow};
use logdeck_core::sources::Source;
use logdeck_server::archive::collector::{sync_page, Lanes, SyncOptions};
use logdeck_server::archive::store::Scope;
use logdeck_server::archive::{sources, Archive, StoreSpec};
use serde_json::{json, Value};

/// The stand-in vendor's rows and what it was asked.
#[derive(Default)]
struct Vendor {
    /// `(id, created_at)`.
    rows: Vec<(String, DateTime<Utc>)>,
    pages_asked: Vec<u64>,
    /// Answers still to refuse with 429.
    refusals: u32,
}

type Shared = Arc<Mutex<Vendor>>;

async fn workflow_logs(
    State(vendor): State<Shared>,
    Query(params): Query<Vec<(String, String)>>,
) -> Response {
    let param = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let instant = |key: &str| {
        param(key)
            .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    let page: u64 = param("page").and_then(|p| p.parse().ok()).unwrap_or(1);
    let limit: usize = param("limit").and_then(|p| p.parse().ok()).unwrap_or(20);
    let mut vendor = vendor.lock().unwrap();
    if vendor.refusals > 0 {
        vendor.refusals -= 1;
        let body =
            json!({"code": "too_many_requests", "message": "Too many requests", "status": 429});
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1")],
            Json(body),
        )
            .into_response();
    }
    vendor.pages_asked.push(page);
    let (after, before) = (instant("created_at__after"), instant("created_at__before"));
    let mut matching: Vec<&(String, DateTime<Utc>)> = vendor
        .rows
        .iter()
        .filter(|(_, at)| after.is_none_or(|a| *at >= a) && before.is_none_or(|b| *at <= b))
        .collect();
    matching.sort_by_key(|(_, at)| std::cmp::Reverse(*at));
    let start = (page as usize - 1) * limit;
    let data: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(limit)
        .map(|(id, at)| {
            json!({"id": id, "created_at": at.timestamp(),
                   "workflow_run": {"id": id, "status": "succeeded", "elapsed_time": 0.5}})
        })
        .collect();
    let has_more = start + data.len() < matching.len();
    Json(json!({"data": data, "has_more": has_more, "page": page, "limit": limit, "total": matching.len()}))
        .into_response()
}

async fn vendor(rows: Vec<(String, DateTime<Utc>)>) -> (Shared, String) {
    let state: Shared = Arc::new(Mutex::new(Vendor {
        rows,
        ..Vendor::default()
    }));
    let app = Router::new()
        .route("/v1/workflows/logs", get(workflow_logs))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (state, format!("http://{address}"))
}

fn source(base: &str) -> Source {
    let connection = json!({
        "vendor": "dify", "id": "bot", "name": "Bot", "baseUrl": format!("{base}/v1"),
        "key": "app-key", "requestsPerMinute": 6000
    });
    sources(&[connection], "", false).unwrap().remove(0)
}

fn rows(count: usize, newest: DateTime<Utc>) -> Vec<(String, DateTime<Utc>)> {
    (0..count)
        .map(|i| (format!("run-{i}"), newest - Duration::minutes(i as i64 * 3)))
        .collect()
}

fn archive(path: &std::path::Path) -> Archive {
    Archive::new(
        StoreSpec::Sqlite(path.display().to_string())
            .open()
            .unwrap(),
    )
}

fn store_file(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("logdeck-sync-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    path
}

const OPTIONS: SyncOptions = SyncOptions {
    backfill: Duration::days(2),
    poll: StdDuration::from_millis(10),
    keep: None,
};

/// Runs the stream's pass to its end; returns the pages it took.
async fn pass(archive: &Archive, source: &Source, lanes: &Lanes) -> usize {
    let http = reqwest::Client::new();
    let mut pages = 1;
    while sync_page(archive, source, &http, lanes, &OPTIONS)
        .await
        .unwrap()
    {
        pages += 1;
    }
    pages
}

async fn stored(archive: &Archive) -> Vec<String> {
    let window = TimeWindow {
        from: Utc::now() - Duration::days(30),
        to: Utc::now() + Duration::days(1),
    };
    let found = archive
        .with_store(move |store| store.find(&Scope::all(LogQuery::default(), window), 0, 1000))
        .await
        .unwrap();
    let mut ids: Vec<String> = found.records.into_iter().map(|r| r.id).collect();
    ids.sort();
    ids
}

async fn state(archive: &Archive) -> StreamState {
    let text = archive
        .with_store(|store| store.state("bot"))
        .await
        .unwrap()
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn backfill_then_incremental_passes_take_late_arrivals_once() {
    let now = Utc::now();
    let (vendor, base) = vendor(rows(250, now - Duration::minutes(30))).await;
    let archive = archive(&store_file("incremental.db"));
    let source = source(&base);
    let lanes = Lanes::default();
    assert_eq!(
        pass(&archive, &source, &lanes).await,
        3,
        "250 rows, 100 a page"
    );
    assert_eq!(stored(&archive).await.len(), 250);
    let after_backfill = state(&archive).await;
    let synced_to = after_backfill.synced_to.unwrap();
    assert_eq!(after_backfill.stored, 250);

    // A run the vendor lists late, from before the mark but inside the
    // overlap, and a new one.
    vendor.lock().unwrap().rows.extend([
        ("late".to_owned(), synced_to - Duration::minutes(5)),
        ("new".to_owned(), Utc::now()),
    ]);
    tokio::time::sleep(StdDuration::from_millis(1100)).await;
    pass(&archive, &source, &lanes).await;
    let ids = stored(&archive).await;
    assert_eq!(ids.len(), 252);
    assert!(ids.contains(&"late".to_owned()) && ids.contains(&"new".to_owned()));
    let after = state(&archive).await;
    assert_eq!(
        after.stored, 252,
        "rows the overlap read again are not counted twice"
    );
    assert!(after.synced_to.unwrap() > synced_to);
}

#[tokio::test]
async fn a_restart_resumes_the_backfill_from_its_checkpoint() {
    let now = Utc::now();
    let (vendor, base) = vendor(rows(250, now - Duration::minutes(30))).await;
    let path = store_file("restart.db");
    let source = source(&base);
    let http = reqwest::Client::new();
    {
        let archive = archive(&path);
        let more = sync_page(&archive, &source, &http, &Lanes::default(), &OPTIONS)
            .await
            .unwrap();
        assert!(more, "the first of three pages");
    } // The server stops here.
    let archive = archive(&path);
    assert_eq!(state(&archive).await.pass.unwrap().position, 2);
    pass(&archive, &source, &Lanes::default()).await;
    assert_eq!(
        vendor.lock().unwrap().pages_asked,
        [1, 2, 3],
        "nothing read twice"
    );
    assert_eq!(stored(&archive).await.len(), 250);
}

#[tokio::test]
async fn a_storm_of_rate_limits_slows_the_sync_and_loses_nothing() {
    let now = Utc::now();
    let (vendor, base) = vendor(rows(250, now - Duration::minutes(30))).await;
    vendor.lock().unwrap().refusals = 3;
    let archive = archive(&store_file("storm.db"));
    let started = std::time::Instant::now();
    pass(&archive, &source(&base), &Lanes::default()).await;
    assert!(
        started.elapsed() >= StdDuration::from_millis(900),
        "the Retry-After was waited out"
    );
    assert_eq!(stored(&archive).await.len(), 250);
    let state = state(&archive).await;
    assert_eq!(state.last_error, None, "a 429 that resolves is no failure");
    assert!(state.synced_to.is_some());
}

/// The collector polls once an hour here; a read of the last hour still gets
/// the run the vendor listed a moment ago, through one on-demand pass, and
/// a second read right after spends no vendor call.
#[tokio::test]
async fn a_read_newer_than_the_last_sync_asks_for_a_pass_once() {
    use tower::ServiceExt;
    let now = Utc::now();
    let (vendor, base) = vendor(rows(20, now - Duration::minutes(10))).await;
    let archive = archive(&store_file("freshen.db")).serving(vec!["bot".into()]);
    let options = SyncOptions {
        poll: StdDuration::from_secs(3600),
        ..OPTIONS
    };
    tokio::spawn(logdeck_server::archive::collector::run_stream(
        archive.clone(),
        source(&base),
        reqwest::Client::new(),
        Lanes::default(),
        options,
    ));
    while stored(&archive).await.len() < 20 {
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    // The first pass has ended, its mark saved: the collector now sleeps.
    while archive
        .with_store(|store| store.state("bot"))
        .await
        .unwrap()
        .and_then(|text| serde_json::from_str::<StreamState>(&text).ok())
        .is_none_or(|state| state.pass.is_some())
    {
        tokio::time::sleep(StdDuration::from_millis(20)).await;
    }
    // As if that pass were a minute old: reads within the gap of a sync do
    // not ask for another.
    let mut aged = state(&archive).await;
    aged.synced_to = aged.synced_to.map(|at| at - Duration::minutes(1));
    archive
        .with_store(move |store| {
            store.commit_page("bot", &[], &mut |_| serde_json::to_string(&aged).unwrap())
        })
        .await
        .unwrap();
    vendor
        .lock()
        .unwrap()
        .rows
        .push(("just-now".to_owned(), Utc::now() - Duration::seconds(1)));
    let router = logdeck_server::archive::api::routes(archive.clone());
    let read = |router: axum::Router| async move {
        let request = axum::http::Request::get("/archive/v1/logs?period=1h&source=bot")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = router.oneshot(request).await.unwrap();
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        serde_json::from_slice::<Value>(&body).unwrap()
    };
    let body = read(router.clone()).await;
    assert_eq!(body["total"], 18, "{}", body["total"]);
    assert_eq!(body["records"][0]["id"], "just-now");
    let asked = vendor.lock().unwrap().pages_asked.len();
    let again = read(router).await;
    assert_eq!(again["total"], 18);
    assert_eq!(
        vendor.lock().unwrap().pages_asked.len(),
        asked,
        "one on-demand pass per stream within the gap, whoever reads"
    );
}

/// A stand-in vendor that answers every call with `answer`, and counts the
/// calls; with the `X-API-Key`/`Authorization` each carried.
async fn answering(
    answer: impl Fn() -> Response + Clone + Send + Sync + 'static,
) -> (Arc<Mutex<Vec<Option<String>>>>, String) {
    let calls: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let seen = calls.clone();
    let app = Router::new().fallback(move |headers: axum::http::HeaderMap| {
        let answer = answer.clone();
        let seen = seen.clone();
        async move {
            let key = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            seen.lock().unwrap().push(key);
            answer()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (calls, format!("http://{address}"))
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_the_key_goes_nowhere_else() {
    let (elsewhere, target) = answering(|| Json(json!({"data": []})).into_response()).await;
    let location = format!("{target}/v1/workflows/logs");
    let (asked, base) =
        answering(move || (StatusCode::FOUND, [("location", location.clone())]).into_response())
            .await;
    let archive = archive(&store_file("redirect.db"));
    let http = logdeck_server::archive::collector::http_client().unwrap();
    let _ = sync_page(&archive, &source(&base), &http, &Lanes::default(), &OPTIONS).await;
    assert_eq!(asked.lock().unwrap().len(), 1, "asked once, not retried");
    assert!(asked.lock().unwrap()[0]
        .as_deref()
        .is_some_and(|key| key.contains("app-key")));
    assert!(
        elsewhere.lock().unwrap().is_empty(),
        "the key went to the redirect's target"
    );
    let error = state(&archive).await.last_error.unwrap_or_default();
    assert!(error.contains("redirect"), "{error}");
}

#[tokio::test]
async fn an_answer_past_the_cap_is_an_error_not_memory() {
    use logdeck_server::archive::collector::MAX_ANSWER_BYTES;
    // Sent in chunks without a length, as an endless answer would be.
    let (asked, base) = answering(|| {
        let chunk = axum::body::Bytes::from(vec![b' '; 1 << 20]);
        let chunks = (0..=MAX_ANSWER_BYTES >> 20)
            .map(move |_| Ok::<_, std::convert::Infallible>(chunk.clone()));
        axum::body::Body::from_stream(futures_util::stream::iter(chunks)).into_response()
    })
    .await;
    let archive = archive(&store_file("oversize.db"));
    let http = logdeck_server::archive::collector::http_client().unwrap();
    let _ = sync_page(&archive, &source(&base), &http, &Lanes::default(), &OPTIONS).await;
    assert_eq!(asked.lock().unwrap().len(), 1, "asked once, not retried");
    let error = state(&archive).await.last_error.unwrap_or_default();
    assert!(error.contains("over 32 MiB"), "{error}");
}
