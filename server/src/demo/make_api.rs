//! The Make Web API v2 stand-in: `GET /scenarios/{scenarioId}/logs`, answering as
//! `make-api.openapi.json` describes.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use super::make_data::MakeLog;
use super::DemoState;

/// The demo's Make API token (`Authorization: Token demo-make-token`).
pub const DEMO_TOKEN: &str = "demo-make-token";

/// Make's routes, to be nested under a Make-like base path.
pub fn routes() -> Router<Arc<DemoState>> {
    Router::new().route("/scenarios/{scenario_id}/logs", get(list_scenario_logs))
}

/// A refusal in Make's error body shape: `{detail, message, code}`.
struct MakeError {
    status: StatusCode,
    code: &'static str,
    message: &'static str,
    detail: String,
}

impl IntoResponse for MakeError {
    fn into_response(self) -> Response {
        let body = json!({"detail": self.detail, "message": self.message, "code": self.code});
        (self.status, Json(body)).into_response()
    }
}

fn bad_request(detail: impl Into<String>) -> MakeError {
    MakeError {
        status: StatusCode::BAD_REQUEST,
        code: "IM003",
        message: "Invalid input",
        detail: detail.into(),
    }
}

fn check_token(headers: &HeaderMap) -> Result<(), MakeError> {
    let expected = format!("Token {DEMO_TOKEN}");
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some(value) if value == expected => Ok(()),
        _ => Err(MakeError {
            status: StatusCode::UNAUTHORIZED,
            code: "IM005",
            message: "Access denied",
            detail: "Invalid credentials.".into(),
        }),
    }
}

/// The documented list parameters, parsed and validated.
#[derive(Debug, Default)]
struct ListQuery {
    from: Option<i64>,
    to: Option<i64>,
    status: Option<u8>,
    offset: usize,
    limit: usize,
    descending: bool,
}

const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 10_000;

fn parse_list_query(pairs: &[(String, String)]) -> Result<ListQuery, MakeError> {
    let mut query = ListQuery {
        limit: DEFAULT_LIMIT,
        descending: true,
        ..ListQuery::default()
    };
    for (key, value) in pairs {
        let integer = || {
            value
                .parse::<i64>()
                .map_err(|_| bad_request(format!("{key} must be an integer")))
        };
        match key.as_str() {
            "from" => query.from = Some(integer()?),
            "to" => query.to = Some(integer()?),
            "status" => match integer()? {
                code @ 1..=3 => query.status = Some(code as u8),
                _ => return Err(bad_request("status must be one of 1, 2, 3")),
            },
            "pg[offset]" => {
                query.offset = usize::try_from(integer()?)
                    .map_err(|_| bad_request("pg[offset] must not be negative"))?
            }
            "pg[limit]" => {
                query.limit = usize::try_from(integer()?)
                    .ok()
                    .filter(|limit| (1..=MAX_LIMIT).contains(limit))
                    .ok_or_else(|| bad_request("pg[limit] must be between 1 and 10000"))?
            }
            "pg[sortDir]" => match value.as_str() {
                "asc" => query.descending = false,
                "desc" => query.descending = true,
                _ => return Err(bad_request("pg[sortDir] must be asc or desc")),
            },
            _ => {}
        }
    }
    Ok(query)
}

impl ListQuery {
    fn matches(&self, log: &MakeLog) -> bool {
        let millis = log.timestamp.timestamp_millis();
        self.from.is_none_or(|from| millis >= from)
            && self.to.is_none_or(|to| millis <= to)
            && self.status.is_none_or(|status| log.status == status)
    }
}

async fn list_scenario_logs(
    State(state): State<Arc<DemoState>>,
    Path(scenario_id): Path<String>,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    match scenario_logs_page(&state, &scenario_id, &headers, &pairs) {
        Ok(page) => Json(page).into_response(),
        Err(refusal) => refusal.into_response(),
    }
}

fn scenario_logs_page(
    state: &DemoState,
    scenario_id: &str,
    headers: &HeaderMap,
    pairs: &[(String, String)],
) -> Result<serde_json::Value, MakeError> {
    check_token(headers)?;
    let scenario_id = scenario_id
        .parse::<i64>()
        .map_err(|_| bad_request("scenarioId must be an integer"))?;
    if !state.make_scenario_exists(scenario_id) {
        return Err(MakeError {
            status: StatusCode::NOT_FOUND,
            code: "IM004",
            message: "Not found",
            detail: "Scenario not found.".into(),
        });
    }
    let query = parse_list_query(pairs)?;
    // Stored newest first; ties on the timestamp are ordered by id so paging is stable.
    let mut matching: Vec<&MakeLog> = state
        .make_logs
        .iter()
        .filter(|log| log.scenario_id == scenario_id && query.matches(log))
        .collect();
    matching.sort_by_key(|log| (std::cmp::Reverse(log.timestamp), std::cmp::Reverse(log.id)));
    if !query.descending {
        matching.reverse();
    }
    let page: Vec<_> = matching
        .into_iter()
        .skip(query.offset)
        .take(query.limit)
        .map(MakeLog::to_json)
        .collect();
    Ok(json!({
        "scenarioLogs": page,
        "pg": {
            "sortBy": "timestamp",
            "sortDir": if query.descending { "desc" } else { "asc" },
            "limit": query.limit,
            "offset": query.offset,
        }
    }))
}
