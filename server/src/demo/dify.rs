//! The Dify app API stand-in: `GET /workflows/logs`, one app per API key.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

use super::params::{offset_page, Params};
use super::rng::Rng;
use super::DemoState;
use crate::demo::error::ApiError;
use logdeck_core::vendor::Vendor;

/// The demo apps: `(API key, app name)`. Dify issues one key per app.
pub const APPS: [(&str, &str); 2] = [
    ("demo-dify-support-key", "Support bot"),
    ("demo-dify-triage-key", "Ticket triage"),
];

const ACCOUNTS: [(&str, &str, &str); 3] = [
    (
        "2f0c6a1e-8d1b-4c55-9a01-000000000001",
        "Ada Lovelace",
        "ada@acme.example",
    ),
    (
        "2f0c6a1e-8d1b-4c55-9a01-000000000002",
        "Grace Hopper",
        "grace@acme.example",
    ),
    (
        "2f0c6a1e-8d1b-4c55-9a01-000000000003",
        "Ken Thompson",
        "ken@acme.example",
    ),
];

const ERRORS: [&str; 4] = [
    "Node 'LLM' failed: model rate limit reached",
    "Node 'HTTP Request' failed: 502 Bad Gateway",
    "Variable 'ticket_id' is required",
    "Node 'Code' failed: <img src=x onerror=alert('xss')>",
];

/// What end users asked: the runs' inputs, which Dify's keyword searches but its
/// log list does not return.
const QUESTIONS: [&str; 6] = [
    "Where is my refund for order 1042?",
    "Reset my password please",
    "Invoice INV-2209 shows the wrong VAT",
    "Cancel my subscription",
    "Das Paket kam beschädigt an",
    "How do I export my data?",
];

/// One generated workflow run log.
#[derive(Debug, Clone, PartialEq)]
pub struct DifyLog {
    pub app: usize,
    pub id: String,
    pub run_id: String,
    pub created_at: DateTime<Utc>,
    pub status: &'static str,
    pub error: Option<&'static str>,
    pub elapsed_seconds: f64,
    pub tokens: u64,
    pub steps: u64,
    pub account: Option<usize>,
    pub session_id: String,
    pub triggered_from: &'static str,
    /// The run's inputs and outputs as JSON text (searched, not listed).
    pub inputs: String,
    pub outputs: String,
}

fn uuid(rng: &mut Rng) -> String {
    let hex = rng.hex(32);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Generates `count` runs per app over the 30 days before `now`, newest first;
/// each app's newest run is still running, so its `finished_at` is null.
pub fn generate(seed: u64, count: usize, now: DateTime<Utc>) -> Vec<DifyLog> {
    generate_over(seed, count, now, Duration::days(30))
}

/// The query parameters Dify documents for `GET /workflows/logs`.
pub const WORKFLOW_LOG_PARAMETERS: [&str; 8] = [
    "keyword",
    "status",
    "page",
    "limit",
    "created_at__before",
    "created_at__after",
    "created_by_end_user_session_id",
    "created_by_account",
];

/// `count` runs per app spread over the `span` before `end`, newest first.
pub fn generate_over(seed: u64, count: usize, end: DateTime<Utc>, span: Duration) -> Vec<DifyLog> {
    let now = end;
    let mut rng = Rng::new(seed ^ 0xD1F7);
    let step_s = (span.num_seconds() / count.max(1) as i64).max(1);
    let mut logs = Vec::with_capacity(count * APPS.len());
    for app in 0..APPS.len() {
        for index in 0..count {
            let created_at =
                now - Duration::seconds(index as i64 * step_s + rng.range(0, step_s as u64) as i64);
            let status = if index == 0 {
                "running"
            } else {
                match rng.unit() {
                    r if r < 0.80 => "succeeded",
                    r if r < 0.88 => "failed",
                    r if r < 0.91 => "stopped",
                    r if r < 0.97 => "partial-succeeded",
                    _ => "paused",
                }
            };
            let error =
                matches!(status, "failed" | "partial-succeeded").then(|| *rng.pick(&ERRORS));
            let account = rng
                .chance(0.3)
                .then(|| rng.range(0, ACCOUNTS.len() as u64) as usize);
            logs.push(DifyLog {
                app,
                id: uuid(&mut rng),
                run_id: uuid(&mut rng),
                created_at,
                status,
                error,
                elapsed_seconds: rng.long_tail(400.0, 600_000.0) as f64 / 1000.0,
                tokens: rng.range(20, 4_000),
                steps: rng.range(2, 14),
                account,
                session_id: format!("session_{}", rng.range(1000, 1060)),
                triggered_from: if rng.chance(0.1) { "debugging" } else { "app" },
                inputs: json!({"query": rng.pick(&QUESTIONS)}).to_string(),
                outputs: if error.is_some() {
                    "{}".to_owned()
                } else {
                    json!({"answer": format!("Ticket {} opened", rng.range(10_000, 99_999))})
                        .to_string()
                },
            });
        }
    }
    logs
}

impl DifyLog {
    /// The item as Dify sends it, including the `details` extra on some items.
    fn to_json(&self) -> Value {
        let finished = !matches!(self.status, "running" | "paused");
        let created = self.created_at.timestamp();
        let account = self.account.map(|i| ACCOUNTS[i]);
        let mut item = json!({
            "id": self.id,
            "workflow_run": {
                "id": self.run_id,
                "version": "2026-10-01 09:00:00.000000",
                "status": self.status,
                "error": self.error,
                "elapsed_time": self.elapsed_seconds,
                "total_tokens": self.tokens,
                "total_steps": self.steps,
                "created_at": created,
                "finished_at": finished.then(|| created + self.elapsed_seconds.ceil() as i64),
                "exceptions_count": u8::from(self.error.is_some()),
                "triggered_from": self.triggered_from,
            },
            "created_from": if account.is_some() { "web-app" } else { "service-api" },
            "created_by_role": if account.is_some() { "account" } else { "end_user" },
            "created_by_account": account.map(|(id, name, email)| json!({"id": id, "name": name, "email": email})),
            "created_at": created,
            "details": if self.tokens % 7 == 0 { json!({"trace": {"cached": true}}) } else { Value::Null },
        });
        // The spec does not let `created_by_end_user` be null: runs started by an
        // account leave it out.
        if account.is_none() {
            item["created_by_end_user"] = json!({
                "id": self.end_user_id(),
                "type": "service_api",
                "is_anonymous": false,
                "session_id": self.session_id,
            });
        }
        item
    }

    /// A stable end-user UUID per session.
    fn end_user_id(&self) -> String {
        let number = self.session_id.trim_start_matches("session_");
        format!("6b1f0e2c-0000-4000-8000-{number:0>12}")
    }

    /// Dify's keyword search (its `workflow_app_service`): a case-insensitive
    /// substring of the keyword's first 30 characters over the run's inputs and
    /// outputs and, for runs an end user started, the session id; or the run id
    /// itself when the keyword is one.
    fn matches_keyword(&self, keyword: &str) -> bool {
        let needle: String = keyword.chars().take(30).collect::<String>().to_lowercase();
        let contains = |text: &str| text.to_lowercase().contains(&needle);
        contains(&self.inputs)
            || contains(&self.outputs)
            || (self.account.is_none() && contains(&self.session_id))
            || self.run_id.eq_ignore_ascii_case(keyword.trim())
    }
}

pub fn routes() -> Router<Arc<DemoState>> {
    Router::new().route("/workflows/logs", get(workflow_logs))
}

fn instant(params: &Params, key: &str) -> Result<Option<DateTime<Utc>>, String> {
    params
        .get(key)
        .map(|value| {
            DateTime::parse_from_rfc3339(value)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| format!("{key} must be an ISO 8601 timestamp"))
        })
        .transpose()
}

async fn workflow_logs(
    State(state): State<Arc<DemoState>>,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, ApiError> {
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(app) = APPS.iter().position(|(known, _)| Some(*known) == key) else {
        return Err(ApiError::unauthorized(
            Vendor::Dify,
            "Access token is invalid",
        ));
    };
    let params = Params(pairs);
    let parsed = (|| -> Result<_, String> {
        params.only(&WORKFLOW_LOG_PARAMETERS)?;
        let page = params.int_in("page", 1..=99_999)?.unwrap_or(1) as usize;
        let limit = params.int_in("limit", 1..=100)?.unwrap_or(20) as usize;
        let status = match params.get("status") {
            None => None,
            Some(s @ ("succeeded" | "failed" | "stopped")) => Some(s.to_owned()),
            Some(other) => {
                return Err(format!(
                    "status must be succeeded, failed or stopped, got {other:?}"
                ))
            }
        };
        Ok((
            page,
            limit,
            status,
            instant(&params, "created_at__after")?,
            instant(&params, "created_at__before")?,
        ))
    })();
    let (page, limit, status, after, before) = match parsed {
        Ok(parsed) => parsed,
        Err(message) => return Err(ApiError::bad_request(Vendor::Dify, message)),
    };
    let keyword = params.get("keyword").filter(|k| !k.is_empty());
    let session = params.get("created_by_end_user_session_id");
    // Dify looks the account up by e-mail (its spec says "account ID") and
    // refuses one it does not know.
    let account = params.get("created_by_account");
    if let Some(email) = account.filter(|email| !ACCOUNTS.iter().any(|known| known.2 == *email)) {
        return Err(ApiError::bad_request(
            Vendor::Dify,
            format!("Account not found: {email}"),
        ));
    }
    let matching: Vec<&DifyLog> = state
        .dify_logs
        .iter()
        .filter(|row| state.has_happened(row.created_at))
        .filter(|log| {
            log.app == app
                && status.as_deref().is_none_or(|s| log.status == s)
                && after.is_none_or(|after| log.created_at >= after)
                && before.is_none_or(|before| log.created_at <= before)
                && keyword.is_none_or(|k| log.matches_keyword(k))
                && session.is_none_or(|s| log.account.is_none() && log.session_id == s)
                && account.is_none_or(|a| log.account.is_some_and(|i| ACCOUNTS[i].2 == a))
        })
        .collect();
    let (items, has_more) = offset_page(&matching, (page - 1).saturating_mul(limit), limit);
    let data: Vec<Value> = items.into_iter().map(DifyLog::to_json).collect();
    Ok(Json(
        json!({"page": page, "limit": limit, "total": matching.len(), "has_more": has_more, "data": data}),
    ))
}
