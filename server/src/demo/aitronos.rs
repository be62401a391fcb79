//! The Aitronos personal-connectors stand-in: `GET /v1/personal-connectors/logs`.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::params::{offset_page, Params};
use super::rng::Rng;
use super::DemoState;
use crate::demo::error::ApiError;
use logdeck_core::vendor::Vendor;

pub const DEMO_KEY: &str = "demo-aitronos-key";
pub const ORGANIZATION_ID: &str = "org_demo";

/// `(credential id, credential name, connector, tools)`.
const CREDENTIALS: [(&str, &str, &str, &[&str]); 3] = [
    (
        "cred_gmail_01",
        "Gmail (work)",
        "Gmail",
        &["send_email", "search_messages"],
    ),
    (
        "cred_notion_02",
        "Notion wiki",
        "Notion",
        &["create_page", "query_database"],
    ),
    (
        "cred_github_03",
        "GitHub bot",
        "GitHub",
        &["create_issue", "list_pull_requests"],
    ),
];

/// One generated connector execution.
#[derive(Debug, Clone, PartialEq)]
pub struct AitronosLog {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub status: &'static str,
    pub credential: usize,
    pub tool: &'static str,
    pub duration_ms: u64,
    /// Sent with only the two documented fields, `id` and `created_at`.
    pub bare: bool,
}

pub fn generate(seed: u64, count: usize, now: DateTime<Utc>) -> Vec<AitronosLog> {
    generate_over(seed, count, now, Duration::days(30))
}

/// `count` executions spread over the `span` before `end`, newest first.
pub fn generate_over(
    seed: u64,
    count: usize,
    end: DateTime<Utc>,
    span: Duration,
) -> Vec<AitronosLog> {
    let now = end;
    let mut rng = Rng::new(seed ^ 0xA170);
    let step_ms = (span.num_milliseconds() / count.max(1) as i64).max(1);
    (0..count)
        .map(|index| {
            let credential = rng.range(0, CREDENTIALS.len() as u64) as usize;
            AitronosLog {
                id: rng.hex(12),
                created_at: now
                    - Duration::milliseconds(
                        index as i64 * step_ms + rng.range(0, step_ms as u64) as i64,
                    ),
                status: match rng.unit() {
                    r if r < 0.85 => "success",
                    r if r < 0.93 => "error",
                    r if r < 0.96 => "blocked",
                    _ => "timeout",
                },
                credential,
                tool: rng.pick::<&str>(CREDENTIALS[credential].3),
                duration_ms: rng.long_tail(120.0, 30_000.0),
                bare: rng.chance(0.1),
            }
        })
        .collect()
}

impl AitronosLog {
    /// `id` and `created_at` as documented, plus realistic extras the app must not
    /// need; some items carry nothing else, as the spec allows.
    fn to_json(&self) -> Value {
        let created_at = self.created_at.to_rfc3339_opts(SecondsFormat::Secs, true);
        if self.bare {
            return json!({"id": self.id, "created_at": created_at});
        }
        let (credential_id, credential_name, connector, _) = CREDENTIALS[self.credential];
        let error = match self.status {
            "error" => {
                json!({"code": "TOOL_FAILED", "message": format!("{connector} answered 500 to {}", self.tool)})
            }
            "blocked" => {
                json!({"code": "POLICY_BLOCKED", "message": "Blocked by the organization's tool policy"})
            }
            "timeout" => {
                json!({"code": "TIMEOUT", "message": "The tool did not answer within 30 s"})
            }
            _ => Value::Null,
        };
        json!({
            "id": self.id,
            "created_at": created_at,
            "status": self.status,
            "credential_id": credential_id,
            "credential_name": credential_name,
            "connector_name": connector,
            "tool_name": self.tool,
            "duration_ms": if self.status == "timeout" { 30_000 } else { self.duration_ms },
            "error": error,
        })
    }
}

pub fn routes() -> Router<Arc<DemoState>> {
    Router::new().route("/v1/personal-connectors/logs", get(connector_logs))
}

/// The query parameters Aitronos documents for `GET /v1/personal-connectors/logs`.
pub const CONNECTOR_LOG_PARAMETERS: [&str; 7] = [
    "organization_id",
    "credential_id",
    "status",
    "start_date",
    "end_date",
    "limit",
    "offset",
];

/// A date-time, or a bare date (`end_date` then means the end of that day).
fn date_param(
    params: &Params,
    key: &str,
    end_of_day: bool,
) -> Result<Option<DateTime<Utc>>, String> {
    let Some(value) = params.get(key) else {
        return Ok(None);
    };
    if let Ok(instant) = DateTime::parse_from_rfc3339(value) {
        return Ok(Some(instant.with_timezone(&Utc)));
    }
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| format!("{key} must be a date or an ISO 8601 date-time"))?;
    let start = date.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    Ok(if end_of_day {
        start.map(|s| s + Duration::days(1) - Duration::milliseconds(1))
    } else {
        start
    })
}

async fn connector_logs(
    State(state): State<Arc<DemoState>>,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(DEMO_KEY) {
        return Err(ApiError::unauthorized(
            Vendor::Aitronos,
            "Authentication required. Please provide a valid API key.",
        ));
    }
    let params = Params(pairs);
    params
        .only(&CONNECTOR_LOG_PARAMETERS)
        .map_err(|message| ApiError::bad_request(Vendor::Aitronos, message))?;
    match params.get("organization_id") {
        None => {
            return Err(ApiError::bad_request(
                Vendor::Aitronos,
                "organization_id is required",
            ))
        }
        Some(ORGANIZATION_ID) => {}
        Some(_) => {
            return Err(ApiError::forbidden(
                Vendor::Aitronos,
                "You do not have permission to access this resource.",
            ))
        }
    }
    let parsed = (|| -> Result<_, String> {
        let status = match params.get("status") {
            None => None,
            Some(s @ ("success" | "error" | "blocked" | "timeout")) => Some(s.to_owned()),
            Some(other) => {
                return Err(format!(
                    "status must be success, error, blocked or timeout, got {other:?}"
                ))
            }
        };
        Ok((
            status,
            date_param(&params, "start_date", false)?,
            date_param(&params, "end_date", true)?,
            params.int_in("limit", 1..=1000)?.unwrap_or(50) as usize,
            params.int_in("offset", 0..=i64::MAX)?.unwrap_or(0) as usize,
        ))
    })();
    let (status, start, end, limit, offset) = match parsed {
        Ok(parsed) => parsed,
        Err(message) => return Err(ApiError::bad_request(Vendor::Aitronos, message)),
    };
    let credential = params.get("credential_id");
    let matching: Vec<&AitronosLog> = state
        .aitronos_logs
        .iter()
        .filter(|row| state.has_happened(row.created_at))
        .filter(|log| {
            status.as_deref().is_none_or(|s| log.status == s)
                && start.is_none_or(|start| log.created_at >= start)
                && end.is_none_or(|end| log.created_at <= end)
                && credential.is_none_or(|c| CREDENTIALS[log.credential].0 == c)
        })
        .collect();
    let (items, has_more) = offset_page(&matching, offset, limit);
    let logs: Vec<Value> = items.into_iter().map(AitronosLog::to_json).collect();
    Ok(Json(
        json!({"logs": logs, "total": matching.len(), "returned": logs.len(), "has_more": has_more}),
    ))
}
