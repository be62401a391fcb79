//! The archive API, behind the relay's access rules (Host, Origin, team token):
//! - `GET /archive/v1/logs?<the app's URL filters>&source=&offset=&limit=`:
//!   rows newest first with the exact total (`source`, repeatable, narrows to
//!   streams: the app reads each archived source on its own); a first page of
//!   a window newer than a stream's last sync asks for a pass first
//!   ([`super::freshness`]);
//! - `GET /archive/v1/histogram?<filters>&source=&buckets=` (equal spans of
//!   the window) or `&step=` (bars of that many seconds at multiples of it
//!   since the epoch, the dashboard chart's own grid): the true volume per
//!   status;
//! - `GET /archive/v1/status`: each stream's sync state, lag and last error;
//! - `GET /archive/v1/vendor?source=&path=`: a record's detail call, made with
//!   the archive's key ([`super::forward`]).

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{SecondsFormat, Utc};
use logdeck_core::archive_sync::StreamState;
use logdeck_core::query::LogQuery;
use logdeck_core::record_json;
use logdeck_core::zone::ZoneRules;
use serde_json::{json, Map, Value};

use super::freshness::FRESHEN_WAIT;
use super::store::{Grid, Scope};
use super::Archive;
use crate::error::AppError;

/// Rows per page at most.
pub const MAX_LIMIT: u32 = 1_000;
/// Histogram buckets at most.
pub const MAX_BUCKETS: usize = 1_000;
/// The widest bar: a year (the chart's widest is a week).
pub const MAX_STEP: u64 = 366 * 86_400;

pub fn routes(archive: Archive) -> Router {
    Router::new()
        .route("/archive/v1/logs", get(logs))
        .route("/archive/v1/histogram", get(histogram))
        .route("/archive/v1/status", get(status))
        .route("/archive/v1/vendor", get(super::forward::vendor))
        .with_state(archive)
}

fn bad_request(message: impl Into<String>) -> AppError {
    AppError::new(StatusCode::BAD_REQUEST, "bad_archive_query", message)
}

/// 500, not 503: the app's scheduler slows the lane down on a 503 (and waits
/// out one with `Retry-After`), which would hold every archived source back
/// for one failing query.
fn store_failed(error: super::store::StoreError) -> AppError {
    AppError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "archive_failed",
        error.to_string(),
    )
}

/// The unified filters and their window (relative periods end now, in UTC),
/// the `source` streams asked for, and the named numeric parameters the
/// endpoint takes besides them.
fn parse(raw: Option<String>, numbers: &[&str]) -> Result<(Scope, Map<String, Value>), AppError> {
    let raw = raw.unwrap_or_default();
    let (query, problems) = LogQuery::from_query_string(&raw);
    if let Some(problem) = problems.first() {
        return Err(bad_request(problem.to_string()));
    }
    let mut found = Map::new();
    let mut sources = Vec::new();
    for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
        if key == "source" {
            sources.push(value.into_owned());
        } else if numbers.contains(&key.as_ref()) {
            let number: u64 = value
                .parse()
                .map_err(|_| bad_request(format!("{key} must be a whole number, got {value:?}")))?;
            found.insert(key.into_owned(), json!(number));
        }
    }
    // Calendar presets ("today") start at midnight UTC here: the server knows no
    // zone database, and the dashboard sends its window's instants.
    let window = query.period.resolve(Utc::now(), &ZoneRules::utc());
    Ok((
        Scope {
            query,
            window,
            sources,
        },
        found,
    ))
}

fn instant(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

async fn logs(
    State(archive): State<Archive>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, AppError> {
    let (scope, numbers) = parse(raw, &["offset", "limit"])?;
    let window = scope.window;
    let offset = numbers.get("offset").and_then(Value::as_u64).unwrap_or(0);
    let limit = numbers.get("limit").and_then(Value::as_u64).unwrap_or(100);
    if limit == 0 || limit > u64::from(MAX_LIMIT) {
        return Err(bad_request(format!("limit must be 1 to {MAX_LIMIT}")));
    }
    let limit = u32::try_from(limit).unwrap_or(MAX_LIMIT);
    // A first page may ask for rows newer than the last sync; later pages go
    // on with the rows the first one counted.
    if offset == 0 {
        freshen(&archive, &scope).await?;
    }
    let found = archive
        .with_store(move |store| store.find(&scope, offset, limit))
        .await
        .map_err(store_failed)?;
    let returned = found.records.len() as u64;
    let next = (offset + returned < found.total && returned > 0).then_some(offset + returned);
    Ok(Json(json!({
        "window": {"from": instant(window.from), "to": instant(window.to)},
        "total": found.total,
        "offset": offset,
        "nextOffset": next,
        "records": found.records.iter().map(record_json::encode).collect::<Vec<_>>(),
    })))
}

/// Asks for a pass of each stream in scope that is synced short of the
/// window's end, and waits a moment for them, all at once. Left alone: a
/// stream still backfilling or in a pass (it is reading anyway), one whose
/// last page failed (its collector backs off), and one synced within the gap.
async fn freshen(archive: &Archive, scope: &Scope) -> Result<(), AppError> {
    let streams: Vec<String> = if scope.sources.is_empty() {
        archive.streams().to_vec()
    } else {
        scope
            .sources
            .iter()
            .filter(|source| archive.streams().contains(source))
            .cloned()
            .collect()
    };
    if streams.is_empty() {
        return Ok(());
    }
    let gap = archive.nudge_gap();
    let recent = chrono::Duration::from_std(gap)
        .ok()
        .and_then(|gap| Utc::now().checked_sub_signed(gap))
        .unwrap_or(chrono::DateTime::<Utc>::MIN_UTC);
    let end = scope.window.to;
    let behind = archive
        .with_store(move |store| {
            let mut behind = Vec::new();
            for stream in streams {
                let state: Option<StreamState> = store
                    .state(&stream)?
                    .and_then(|text| serde_json::from_str(&text).ok());
                let idle_and_behind = state.is_some_and(|state| {
                    state.pass.is_none()
                        && state.last_error.is_none()
                        && state
                            .synced_to
                            .is_some_and(|synced_to| synced_to < end && synced_to < recent)
                });
                if idle_and_behind {
                    behind.push(stream);
                }
            }
            Ok(behind)
        })
        .await
        .map_err(store_failed)?;
    let mut waits = tokio::task::JoinSet::new();
    for stream in behind {
        let signals = archive.signals(&stream);
        waits.spawn(async move { signals.freshen(FRESHEN_WAIT, gap).await });
    }
    while waits.join_next().await.is_some() {}
    Ok(())
}

async fn histogram(
    State(archive): State<Archive>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, AppError> {
    let (scope, numbers) = parse(raw, &["buckets", "step"])?;
    let window = scope.window;
    let number = |key: &str| numbers.get(key).and_then(Value::as_u64);
    let too_many = || {
        bad_request(format!(
            "buckets must be 1 to {MAX_BUCKETS}, or a step of at least one second giving at most {MAX_BUCKETS}"
        ))
    };
    if number("step") == Some(0) || number("buckets") == Some(0) {
        return Err(too_many());
    }
    if number("step").is_some_and(|step| step > MAX_STEP) {
        return Err(bad_request(format!(
            "step must be at most {MAX_STEP} seconds"
        )));
    }
    let grid = match (number("step"), number("buckets")) {
        (Some(_), Some(_)) => return Err(bad_request("give buckets or step, not both")),
        (Some(step), None) => Grid::aligned(window, i64::try_from(step).unwrap_or(i64::MAX)),
        (None, buckets) => Grid::even(
            window,
            usize::try_from(buckets.unwrap_or(60)).unwrap_or(usize::MAX),
        ),
    };
    if grid.count > MAX_BUCKETS {
        return Err(too_many());
    }
    let counts = archive
        .with_store(move |store| store.histogram(&scope, &grid))
        .await
        .map_err(store_failed)?;
    let mut out: Vec<Value> = (0..grid.count)
        .map(|index| {
            json!({"from": instant(grid.edge(index)), "to": instant(grid.edge(index + 1)), "counts": {}})
        })
        .collect();
    for (bucket, status, rows) in counts.cells {
        if let Some(entry) = out.get_mut(bucket) {
            entry["counts"][status.key()] = json!(rows);
        }
    }
    Ok(Json(json!({
        "window": {"from": instant(window.from), "to": instant(window.to)},
        "buckets": out,
    })))
}

async fn status(State(archive): State<Archive>) -> Result<Json<Value>, AppError> {
    let states = archive
        .with_store(|store| store.states())
        .await
        .map_err(store_failed)?;
    let now = Utc::now();
    let streams: Vec<Value> = states
        .into_iter()
        .map(|(stream, text)| {
            let state: StreamState = serde_json::from_str(&text).unwrap_or_default();
            json!({
                "stream": stream,
                "syncedTo": state.synced_to.map(instant),
                "coveredFrom": archive.covered_from(&state, now).map(instant),
                "lagSeconds": state.lag(now).map(|lag| lag.num_seconds()),
                "backfilling": state.synced_to.is_none(),
                "pass": state.pass,
                "stored": state.stored,
                "unreadable": state.unreadable,
                "lastPageAt": state.last_page_at.map(instant),
                "lastError": state.last_error,
            })
        })
        .collect();
    Ok(Json(json!({ "streams": streams })))
}
