//! The Make Web API v2 stand-in, answering as `make-api.openapi.json` describes:
//! scenarios, scenario logs and execution detail, module logs, audit logs.

mod audit;
pub mod data;
mod scenarios;

#[cfg(test)]
pub use audit::TEAM_LOG_PARAMETERS;
#[cfg(test)]
pub use scenarios::{MODULE_LOG_PARAMETERS, SCENARIO_LOG_PARAMETERS};

use std::sync::Arc;

use axum::http::HeaderMap;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use super::DemoState;
use crate::demo::error::ApiError;
use logdeck_core::vendor::Vendor;

pub use audit::{generate as audit_generate, generate_over as audit_generate_over, AuditEntry};

/// The demo's Make token: every scope.
pub const DEMO_TOKEN: &str = "demo-make-token";
/// A token with `scenarios:read` only: audit logs answer 403.
pub const SCENARIOS_ONLY_TOKEN: &str = "demo-make-scenarios-only";

/// Make's routes, to be nested under a Make-like base path.
pub fn routes() -> Router<Arc<DemoState>> {
    Router::new()
        .route("/scenarios", get(scenarios::list_scenarios))
        .route("/scenarios/{scenario_id}/logs", get(scenarios::list_logs))
        .route(
            "/scenarios/{scenario_id}/logs/{execution_id}",
            get(scenarios::get_log),
        )
        .route(
            "/scenarios/{scenario_id}/executions/{execution_id}",
            get(scenarios::get_execution),
        )
        .route(
            "/scenarios/{scenario_id}/modules/operations",
            get(scenarios::operations_by_module),
        )
        .route(
            "/scenarios/{scenario_id}/modules/{module_id}/logs",
            get(scenarios::module_logs),
        )
        .route(
            "/audit-logs/organization/{organization_id}",
            get(audit::organization_logs),
        )
        .route(
            "/audit-logs/organization/{organization_id}/filters",
            get(audit::organization_filters),
        )
        .route("/audit-logs/team/{team_id}", get(audit::team_logs))
        .route(
            "/audit-logs/team/{team_id}/filters",
            get(audit::team_filters),
        )
        .route("/audit-logs/{organization_id}/{uuid}", get(audit::detail))
}

/// Make's "invalid input" refusal, for parameter errors.
pub fn invalid(message: String) -> ApiError {
    ApiError::bad_request(Vendor::Make, message)
}

/// What a valid token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Everything,
    ScenariosOnly,
}

/// Checks `Authorization: Token …`.
pub fn authorize(headers: &HeaderMap) -> Result<Access, ApiError> {
    let credential = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Token "));
    match credential {
        Some(DEMO_TOKEN) => Ok(Access::Everything),
        Some(SCENARIOS_ONLY_TOKEN) => Ok(Access::ScenariosOnly),
        _ => Err(ApiError::unauthorized(Vendor::Make, "Invalid credentials.")),
    }
}

/// Parses an integer path parameter.
pub fn path_id(value: &str, name: &str) -> Result<i64, ApiError> {
    value
        .parse()
        .map_err(|_| ApiError::bad_request(Vendor::Make, format!("{name} must be an integer")))
}

/// Make's paging parameters, validated; `last` selects key-based paging.
pub struct Paging {
    pub offset: usize,
    pub limit: usize,
    pub last: Option<i64>,
    pub show_last: bool,
    pub sort_by: Option<String>,
    pub descending: bool,
    pub return_total: bool,
}

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 10_000;

impl Paging {
    pub fn parse(
        params: &super::params::Params,
        default_descending: bool,
    ) -> Result<Paging, ApiError> {
        let bad = invalid;
        Ok(Paging {
            offset: params
                .int_in("pg[offset]", 0..=i64::MAX)
                .map_err(bad)?
                .unwrap_or(0) as usize,
            limit: params
                .int_in("pg[limit]", 1..=MAX_LIMIT)
                .map_err(bad)?
                .unwrap_or(DEFAULT_LIMIT) as usize,
            last: params.int("pg[last]").map_err(bad)?,
            show_last: params.bool("pg[showLast]").map_err(bad)?.unwrap_or(false),
            sort_by: params.get("pg[sortBy]").map(str::to_owned),
            descending: match params.get("pg[sortDir]") {
                None => default_descending,
                Some("desc") => true,
                Some("asc") => false,
                Some(other) => {
                    return Err(bad(format!(
                        "pg[sortDir] must be asc or desc, got {other:?}"
                    )))
                }
            },
            return_total: params
                .bool("pg[returnTotalCount]")
                .map_err(bad)?
                .unwrap_or(false),
        })
    }

    /// Pages `sorted` (already in the requested order) by offset or by `last` key,
    /// and builds the `pg` object Make answers with.
    pub fn page<T: Clone>(
        &self,
        sorted: &[T],
        key: impl Fn(&T) -> i64,
        sort_by: &str,
    ) -> Result<(Vec<T>, serde_json::Value), ApiError> {
        let mut pg = json!({
            "sortBy": sort_by,
            "sortDir": if self.descending { "desc" } else { "asc" },
            "limit": self.limit,
        });
        let page: Vec<T> = match self.last {
            None => {
                pg["offset"] = json!(self.offset);
                sorted
                    .iter()
                    .skip(self.offset)
                    .take(self.limit)
                    .cloned()
                    .collect()
            }
            Some(last) => {
                let position = sorted
                    .iter()
                    .position(|item| key(item) == last)
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            Vendor::Make,
                            format!("pg[last] {last} is not in this result set"),
                        )
                    })?;
                let start = if self.show_last {
                    position
                } else {
                    position + 1
                };
                let page: Vec<T> = sorted
                    .iter()
                    .skip(start)
                    .take(self.limit)
                    .cloned()
                    .collect();
                pg["showLast"] = json!(self.show_last);
                if let Some(item) = page.last() {
                    pg["last"] = json!(key(item).to_string());
                }
                page
            }
        };
        Ok((page, pg))
    }
}
