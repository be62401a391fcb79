//! Scenario endpoints: the scenario list, scenario logs (list and by id),
//! execution details, operations by module and module logs.

use std::cmp::Reverse;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::Duration;
use serde_json::{json, Value};

use super::data::{self, MakeLog, Scenario};
use super::{authorize, invalid, path_id, Paging};
use crate::demo::error::ApiError;
use crate::demo::params::Params;
use crate::demo::DemoState;
use logdeck_core::vendor::Vendor;

type Pairs = Query<Vec<(String, String)>>;

/// The query parameters Make documents for `GET /scenarios/{scenarioId}/logs`.
pub const SCENARIO_LOG_PARAMETERS: [&str; 19] = [
    "from",
    "to",
    "status",
    "durationFrom",
    "durationTo",
    "operationsFrom",
    "operationsTo",
    "transferFrom",
    "transferTo",
    "executionName",
    "creditsFrom",
    "creditsTo",
    "showCheckRuns",
    "pg[offset]",
    "pg[limit]",
    "pg[showLast]",
    "pg[last]",
    "pg[sortBy]",
    "pg[sortDir]",
];

/// The query parameters `GET /scenarios/{id}/modules/{moduleId}/logs` documents.
pub const MODULE_LOG_PARAMETERS: [&str; 6] = [
    "pg[offset]",
    "pg[limit]",
    "pg[showLast]",
    "pg[last]",
    "pg[sortBy]",
    "pg[sortDir]",
];

fn known_scenario(id: &str) -> Result<&'static Scenario, ApiError> {
    let id = path_id(id, "scenarioId")?;
    data::scenario(id).ok_or_else(|| ApiError::not_found(Vendor::Make, "Scenario not found."))
}

/// `GET /scenarios?teamId=…` (or `organizationId`), Make's scenario list.
pub async fn list_scenarios(
    headers: HeaderMap,
    Query(pairs): Pairs,
) -> Result<Json<Value>, ApiError> {
    authorize(&headers)?;
    let params = Params(pairs);
    let team = params.int("teamId").map_err(invalid)?;
    let organization = params.int("organizationId").map_err(invalid)?;
    if team.is_none() && organization.is_none() {
        return Err(ApiError::bad_request(
            Vendor::Make,
            "teamId or organizationId is required",
        ));
    }
    let scenarios: Vec<Value> = data::SCENARIOS
        .iter()
        .filter(|s| team.is_none_or(|team| s.team_id == team))
        .filter(|_| organization.is_none_or(|org| org == data::ORGANIZATION.0))
        .map(|s| {
            json!({"id": s.id, "name": s.name, "teamId": s.team_id, "isActive": true,
                   "isPaused": false, "scheduling": {"type": "indefinitely", "interval": 900}})
        })
        .collect();
    let paging = Paging::parse(&params, false)?;
    let (page, pg) = paging.page(&scenarios, |s| s["id"].as_i64().unwrap_or(0), "id")?;
    Ok(Json(json!({"scenarios": page, "pg": pg})))
}

/// The filters of `GET /scenarios/{id}/logs`.
struct LogFilter {
    from: Option<i64>,
    to: Option<i64>,
    status: Option<u8>,
    ranges: [(Option<i64>, Option<i64>); 4],
    execution_name: Option<String>,
    hide_check_runs: bool,
}

impl LogFilter {
    fn parse(params: &Params) -> Result<LogFilter, ApiError> {
        let int = |key| params.int(key).map_err(invalid);
        let range = |from, to| -> Result<_, ApiError> { Ok((int(from)?, int(to)?)) };
        Ok(LogFilter {
            from: int("from")?,
            to: int("to")?,
            status: match int("status")? {
                None => None,
                Some(code @ 1..=3) => Some(code as u8),
                Some(_) => {
                    return Err(ApiError::bad_request(
                        Vendor::Make,
                        "status must be one of 1, 2, 3",
                    ))
                }
            },
            ranges: [
                range("durationFrom", "durationTo")?,
                range("operationsFrom", "operationsTo")?,
                range("transferFrom", "transferTo")?,
                range("creditsFrom", "creditsTo")?,
            ],
            execution_name: params.get("executionName").map(str::to_lowercase),
            // The documented quirk: `true` *hides* check runs.
            hide_check_runs: params
                .bool("showCheckRuns")
                .map_err(invalid)?
                .unwrap_or(false),
        })
    }

    fn matches(&self, log: &MakeLog) -> bool {
        let millis = log.timestamp.timestamp_millis();
        let values = [log.duration, log.operations, log.transfer, log.centicredits];
        self.from.is_none_or(|from| millis >= from)
            && self.to.is_none_or(|to| millis <= to)
            && self.status.is_none_or(|status| log.status == status)
            && self.ranges.iter().zip(values).all(|((low, high), value)| {
                let value = i128::from(value);
                low.is_none_or(|low| value >= i128::from(low))
                    && high.is_none_or(|high| value <= i128::from(high))
            })
            && self
                .execution_name
                .as_ref()
                .is_none_or(|needle| log.execution_name.to_lowercase().contains(needle))
            && !(self.hide_check_runs && log.check_run)
    }
}

/// `GET /scenarios/{scenarioId}/logs`: sorted by `imtId` descending by default.
pub async fn list_logs(
    State(state): State<Arc<DemoState>>,
    Path(scenario_id): Path<String>,
    headers: HeaderMap,
    Query(pairs): Pairs,
) -> Result<Json<Value>, ApiError> {
    authorize(&headers)?;
    let scenario = known_scenario(&scenario_id)?;
    let params = Params(pairs);
    params.only(&SCENARIO_LOG_PARAMETERS).map_err(invalid)?;
    let filter = LogFilter::parse(&params)?;
    let paging = Paging::parse(&params, true)?;
    let sort_by = paging.sort_by.clone().unwrap_or_else(|| "imtId".to_owned());
    let mut logs: Vec<&MakeLog> = state
        .make_logs
        .iter()
        .filter(|row| state.has_happened(row.timestamp))
        .filter(|log| log.scenario_id == scenario.id && filter.matches(log))
        .collect();
    match sort_by.as_str() {
        "imtId" | "timestamp" => logs.sort_by_key(|log| (log.timestamp, log.seq)),
        "id" => logs.sort_by(|a, b| a.id.cmp(&b.id)),
        "duration" => logs.sort_by_key(|log| (log.duration, log.seq)),
        "operations" => logs.sort_by_key(|log| (log.operations, log.seq)),
        "transfer" => logs.sort_by_key(|log| (log.transfer, log.seq)),
        "centicredits" => logs.sort_by_key(|log| (log.centicredits, log.seq)),
        other => {
            return Err(ApiError::bad_request(
                Vendor::Make,
                format!("pg[sortBy] {other:?} is not sortable"),
            ))
        }
    }
    if paging.descending {
        logs.reverse();
    }
    let (page, pg) = paging.page(&logs, |log| log.timestamp.timestamp_millis(), &sort_by)?;
    let rows: Vec<Value> = page.into_iter().map(MakeLog::to_json).collect();
    Ok(Json(json!({"scenarioLogs": rows, "pg": pg})))
}

fn find_log<'a>(
    state: &'a DemoState,
    scenario: &Scenario,
    execution_id: &str,
) -> Result<&'a MakeLog, ApiError> {
    state
        .make_logs
        .iter()
        .filter(|row| state.has_happened(row.timestamp))
        .find(|log| log.id == execution_id && log.scenario_id == scenario.id)
        .ok_or_else(|| ApiError::not_found(Vendor::Make, "Execution not found."))
}

/// `GET /scenarios/{scenarioId}/logs/{executionId}`.
pub async fn get_log(
    State(state): State<Arc<DemoState>>,
    Path((scenario_id, execution_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    authorize(&headers)?;
    let scenario = known_scenario(&scenario_id)?;
    let log = find_log(&state, scenario, &execution_id)?;
    Ok(Json(json!({"scenarioLog": log.to_json()})))
}

/// `GET /scenarios/{scenarioId}/executions/{executionId}`.
pub async fn get_execution(
    State(state): State<Arc<DemoState>>,
    Path((scenario_id, execution_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    authorize(&headers)?;
    let scenario = known_scenario(&scenario_id)?;
    let log = find_log(&state, scenario, &execution_id)?;
    let status = match (log.running, log.status) {
        (true, _) => "RUNNING",
        (false, 1) => "SUCCESS",
        (false, 2) => "WARNING",
        _ => "ERROR",
    };
    let modules = log.modules_run();
    let mut body = json!({
        "status": status,
        "outputs": {"bundlesProcessed": log.operations, "lastModule": modules.last().map(|m| m.1)},
    });
    if status == "ERROR" {
        let (_, name, app) = modules[modules.len() - 1];
        body["error"] = json!({
            "name": log.failure.0,
            "message": log.failure.1,
            "causeModule": {"name": name, "appName": app},
        });
    }
    Ok(Json(body))
}

/// `GET /scenarios/{scenarioId}/modules/operations?days=1..30` (deprecated by Make).
pub async fn operations_by_module(
    State(state): State<Arc<DemoState>>,
    Path(scenario_id): Path<String>,
    headers: HeaderMap,
    Query(pairs): Pairs,
) -> Result<Json<Value>, ApiError> {
    authorize(&headers)?;
    let scenario = known_scenario(&scenario_id)?;
    let params = Params(pairs);
    params.only(&["days"]).map_err(invalid)?;
    let days = params.int_in("days", 1..=30).map_err(invalid)?.unwrap_or(1);
    let since = state.now - Duration::days(days);
    let mut counts: Vec<(i64, u64, u64, u64)> =
        scenario.modules.iter().map(|m| (m.0, 0, 0, 0)).collect();
    for log in state
        .make_logs
        .iter()
        .filter(|row| state.has_happened(row.timestamp))
        .filter(|log| log.scenario_id == scenario.id && log.timestamp >= since)
    {
        for (index, _) in log.modules_run().iter().enumerate() {
            let entry = &mut counts[index];
            entry.1 += 1;
            if index == log.trouble_module && log.status == 2 {
                entry.2 += 1;
            }
            if index == log.trouble_module && log.status == 3 {
                entry.3 += 1;
            }
        }
    }
    let operations: Vec<Value> = counts
        .into_iter()
        .map(|(id, total, warnings, errors)| json!({"moduleId": id, "total": total, "warnings": warnings, "errors": errors}))
        .collect();
    Ok(Json(json!({"operations": operations})))
}

/// `GET /scenarios/{scenarioId}/modules/{moduleId}/logs`: one entry per execution
/// the module took part in, newest first.
pub async fn module_logs(
    State(state): State<Arc<DemoState>>,
    Path((scenario_id, module_id)): Path<(String, String)>,
    headers: HeaderMap,
    Query(pairs): Pairs,
) -> Result<Json<Value>, ApiError> {
    authorize(&headers)?;
    let scenario = known_scenario(&scenario_id)?;
    let module_id = path_id(&module_id, "moduleId")?;
    let position = scenario
        .modules
        .iter()
        .position(|m| m.0 == module_id)
        .ok_or_else(|| ApiError::not_found(Vendor::Make, "Module not found."))?;
    let params = Params(pairs);
    params.only(&MODULE_LOG_PARAMETERS).map_err(invalid)?;
    let paging = Paging::parse(&params, true)?;
    let mut logs: Vec<&MakeLog> = state
        .make_logs
        .iter()
        .filter(|row| state.has_happened(row.timestamp))
        .filter(|log| log.scenario_id == scenario.id && log.modules_run().len() > position)
        .collect();
    logs.sort_by_key(|log| Reverse((log.timestamp, log.seq)));
    if !paging.descending {
        logs.reverse();
    }
    let (page, pg) = paging.page(&logs, |log| log.timestamp.timestamp_millis(), "timestamp")?;
    let entries: Vec<Value> = page
        .into_iter()
        .map(|log| module_log(log, position))
        .collect();
    Ok(Json(json!({"moduleLogs": entries, "pg": pg})))
}

fn module_log(log: &MakeLog, position: usize) -> Value {
    let troubled = position == log.trouble_module && log.status > 1;
    let status = if troubled { log.status } else { 1 };
    let offset = Duration::milliseconds(
        (log.duration / log.scenario().modules.len() as u64 * position as u64) as i64,
    );
    let mut entry = json!({
        "imtId": format!("{}-{}", log.imt_id, position + 1),
        "executionId": log.id,
        "organizationId": data::ORGANIZATION.0,
        "teamId": log.team_id,
        "scenarioId": log.scenario_id,
        "timestamp": (log.timestamp + offset).to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "status": status,
        "bundles": 1 + log.operations % 5,
        "size": log.transfer / log.scenario().modules.len() as u64,
    });
    match status {
        2 => entry["warning"] = json!({"message": "Some bundles were skipped: empty values"}),
        3 => entry["error"] = json!({"message": log.failure.1}),
        _ => {}
    }
    entry
}
