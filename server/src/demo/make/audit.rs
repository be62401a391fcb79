//! Organization and team audit logs, their filters, and an entry's detail.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::data::{AUTHORS, ORGANIZATION, TEAMS};
use super::{authorize, path_id, Access, Paging};
use crate::demo::error::ApiError;
use crate::demo::params::Params;
use crate::demo::rng::Rng;
use crate::demo::DemoState;
use logdeck_core::vendor::Vendor;

type Pairs = Query<Vec<(String, String)>>;

/// Event groups as `/filters` lists them: `(header, [(value, label)])`.
const EVENTS: [(&str, &[(&str, &str)]); 4] = [
    (
        "Connections",
        &[
            ("connection_created", "Connection created"),
            ("connection_updated", "Connection updated"),
            ("connection_deleted", "Connection deleted"),
        ],
    ),
    (
        "Keys",
        &[
            ("key_created", "Key created"),
            ("key_deleted", "Key deleted"),
        ],
    ),
    (
        "Scenarios",
        &[
            ("scenario_created", "Scenario created"),
            ("scenario_updated", "Scenario updated"),
            ("scenario_activated", "Scenario activated"),
            ("scenario_deactivated", "Scenario deactivated"),
        ],
    ),
    (
        "Teams",
        &[
            ("team_member_added", "Team member added"),
            ("team_member_removed", "Team member removed"),
        ],
    ),
];

/// One generated audit entry.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub uuid: String,
    /// Distinct per entry, so it doubles as the `pg[last]` key.
    pub triggered_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub event: &'static str,
    pub team: Option<(i64, &'static str)>,
    pub actor: (i64, &'static str, &'static str),
    pub target_id: String,
    pub version: Option<(u32, u32)>,
    pub ip: String,
}

impl AuditEntry {
    /// Exactly the documented fields: the spec forbids any other (`additionalProperties: false`).
    fn to_json(&self) -> Value {
        let mut entry = json!({
            "uuid": self.uuid,
            "createdAt": self.created_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "triggeredAt": self.triggered_at.timestamp_millis(),
            "organizationId": ORGANIZATION.0,
            "organization": {"id": ORGANIZATION.0, "name": ORGANIZATION.1},
            "eventName": self.event,
            "actor": {"id": self.actor.0, "name": self.actor.1, "email": self.actor.2},
            "targetId": self.target_id,
        });
        if let Some((id, name)) = self.team {
            entry["team"] = json!({"id": id, "name": name});
        }
        if let Some((from, to)) = self.version {
            entry["version"] = json!({"from": format!("v{from}"), "to": format!("v{to}")});
        }
        entry
    }

    fn details(&self) -> Value {
        json!({
            "ipAddress": self.ip,
            "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0",
            "target": {"id": self.target_id, "type": self.event.split('_').next().unwrap_or("object")},
            "changes": self.version.map(|(from, to)| json!([{"field": "blueprint", "from": format!("v{from}"), "to": format!("v{to}")}])),
        })
    }
}

/// Generates `count` entries over the 30 days before `now`, newest first.
pub fn generate(seed: u64, count: usize, now: DateTime<Utc>) -> Vec<AuditEntry> {
    generate_over(seed, count, now, Duration::days(30))
}

/// `count` entries spread over the `span` before `end`, newest first.
pub fn generate_over(
    seed: u64,
    count: usize,
    end: DateTime<Utc>,
    span: Duration,
) -> Vec<AuditEntry> {
    let now = end;
    let mut rng = Rng::new(seed ^ 0xA0D1_7000);
    let all_events: Vec<&'static str> = EVENTS
        .iter()
        .flat_map(|(_, items)| items.iter().map(|(value, _)| *value))
        .collect();
    let step_ms = (span.num_milliseconds() / count.max(1) as i64).max(2);
    (0..count)
        .map(|index| {
            let triggered_at = now
                - Duration::milliseconds(
                    index as i64 * step_ms + rng.range(0, step_ms as u64 - 1) as i64,
                );
            let event = *rng.pick(&all_events);
            let hex = rng.hex(32);
            AuditEntry {
                uuid: format!(
                    "{}-{}-{}-{}-{}",
                    &hex[..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..]
                ),
                triggered_at,
                created_at: triggered_at + Duration::milliseconds(rng.range(1, 900) as i64),
                event,
                team: (!event.starts_with("key_")).then(|| *rng.pick(&TEAMS)),
                actor: *rng.pick(&AUTHORS),
                target_id: rng.range(1000, 99_999).to_string(),
                version: event.ends_with("_updated").then(|| {
                    let from = rng.range(1, 40) as u32;
                    (from, from + 1)
                }),
                ip: format!("203.0.113.{}", rng.range(1, 255)),
            }
        })
        .collect()
}

/// Audit logs need `organization:read`; the scenarios-only token lacks it.
fn authorize_audit(headers: &HeaderMap) -> Result<(), ApiError> {
    match authorize(headers)? {
        Access::Everything => Ok(()),
        Access::ScenariosOnly => Err(ApiError::forbidden(
            Vendor::Make,
            "The token lacks the organization:read scope.",
        )),
    }
}

fn check_organization(id: &str) -> Result<(), ApiError> {
    match path_id(id, "organizationId")? {
        id if id == ORGANIZATION.0 => Ok(()),
        _ => Err(ApiError::forbidden(
            Vendor::Make,
            "You need the Admin or Owner role in this organization.",
        )),
    }
}

fn check_team(id: &str) -> Result<(i64, &'static str), ApiError> {
    let id = path_id(id, "teamId")?;
    TEAMS
        .iter()
        .copied()
        .find(|team| team.0 == id)
        .ok_or_else(|| ApiError::forbidden(Vendor::Make, "You are not an admin of this team."))
}

fn date(params: &Params, key: &str) -> Result<Option<NaiveDate>, ApiError> {
    params
        .get(key)
        .map(|value| {
            NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
                ApiError::bad_request(
                    Vendor::Make,
                    format!("{key} must be a date in the YYYY-MM-DD format"),
                )
            })
        })
        .transpose()
}

/// Matches an id or a name, as `team` and `author` accept either.
fn id_or_name(wanted: &[&str], id: i64, name: &str) -> bool {
    wanted.is_empty()
        || wanted
            .iter()
            .any(|w| *w == name || w.parse::<i64>().is_ok_and(|w| w == id))
}

/// The query parameters Make documents for a team's audit log; an
/// organization's log also takes `team`.
pub const TEAM_LOG_PARAMETERS: [&str; 10] = [
    "dateFrom",
    "dateTo",
    "event",
    "author",
    "pg[offset]",
    "pg[limit]",
    "pg[last]",
    "pg[sortBy]",
    "pg[sortDir]",
    "pg[returnTotalCount]",
];

fn list(state: &DemoState, params: Params, team_scope: Option<i64>) -> Result<Value, ApiError> {
    let mut known = TEAM_LOG_PARAMETERS.to_vec();
    if team_scope.is_none() {
        known.push("team");
    }
    params
        .only(&known)
        .map_err(|message| ApiError::bad_request(Vendor::Make, message))?;
    let date_from = date(&params, "dateFrom")?;
    let date_to = date(&params, "dateTo")?;
    let events = params.list("event");
    let teams = if team_scope.is_none() {
        params.list("team")
    } else {
        Vec::new()
    };
    let authors = params.list("author");
    let paging = Paging::parse(&params, true)?;
    let mut entries: Vec<&AuditEntry> = state
        .audit_logs
        .iter()
        .filter(|row| state.has_happened(row.triggered_at))
        .filter(|e| {
            let day = e.triggered_at.date_naive();
            date_from.is_none_or(|from| day >= from)
                && date_to.is_none_or(|to| day <= to)
                && (events.is_empty() || events.contains(&e.event))
                && team_scope.is_none_or(|scope| e.team.is_some_and(|t| t.0 == scope))
                && (teams.is_empty()
                    || e.team
                        .is_some_and(|(id, name)| id_or_name(&teams, id, name)))
                && id_or_name(&authors, e.actor.0, e.actor.1)
        })
        .collect();
    let sort_by = paging
        .sort_by
        .clone()
        .unwrap_or_else(|| "triggeredAt".to_owned());
    match sort_by.as_str() {
        "triggeredAt" => entries.sort_by_key(|e| e.triggered_at),
        "createdAt" => entries.sort_by_key(|e| (e.created_at, e.triggered_at)),
        "eventName" => entries.sort_by_key(|e| (e.event, e.triggered_at)),
        "organization" => entries.sort_by_key(|e| e.triggered_at),
        "team" => entries.sort_by_key(|e| (e.team.map(|t| t.1), e.triggered_at)),
        "actor" => entries.sort_by_key(|e| (e.actor.1, e.triggered_at)),
        "targetId" => entries.sort_by_key(|e| (e.target_id.clone(), e.triggered_at)),
        other => {
            return Err(ApiError::bad_request(
                Vendor::Make,
                format!("pg[sortBy] {other:?} is not one of the documented values"),
            ))
        }
    }
    if paging.descending {
        entries.reverse();
    }
    let (page, mut pg) = paging.page(&entries, |e| e.triggered_at.timestamp_millis(), &sort_by)?;
    if paging.return_total {
        pg["totalCount"] = json!(entries.len());
    }
    let rows: Vec<Value> = page.into_iter().map(AuditEntry::to_json).collect();
    Ok(json!({"auditLogs": rows, "pg": pg}))
}

fn filters(of_a_team: bool) -> Value {
    let users: Vec<Value> = AUTHORS
        .iter()
        .map(|(id, name, email)| json!({"id": id, "name": name, "email": email}))
        .collect();
    let events: Vec<Value> = EVENTS
        .iter()
        .map(|(header, items)| {
            let items: Vec<Value> = items
                .iter()
                .map(|(value, label)| json!({"label": label, "value": value}))
                .collect();
            json!({"header": header, "items": items})
        })
        .collect();
    // A team's filters are its users and events: the spec lists no teams.
    if of_a_team {
        return json!({"users": users, "events": events});
    }
    let teams: Vec<Value> = TEAMS
        .iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    json!({"users": users, "teams": teams, "events": events})
}

/// `GET /audit-logs/organization/{organizationId}`.
pub async fn organization_logs(
    State(state): State<Arc<DemoState>>,
    Path(organization_id): Path<String>,
    headers: HeaderMap,
    Query(pairs): Pairs,
) -> Result<Json<Value>, ApiError> {
    authorize_audit(&headers)?;
    check_organization(&organization_id)?;
    list(&state, Params(pairs), None).map(Json)
}

/// `GET /audit-logs/team/{teamId}`.
pub async fn team_logs(
    State(state): State<Arc<DemoState>>,
    Path(team_id): Path<String>,
    headers: HeaderMap,
    Query(pairs): Pairs,
) -> Result<Json<Value>, ApiError> {
    authorize_audit(&headers)?;
    let team = check_team(&team_id)?;
    list(&state, Params(pairs), Some(team.0)).map(Json)
}

/// `GET /audit-logs/organization/{organizationId}/filters`.
pub async fn organization_filters(
    Path(organization_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    authorize_audit(&headers)?;
    check_organization(&organization_id)?;
    Ok(Json(filters(false)))
}

/// `GET /audit-logs/team/{teamId}/filters`.
pub async fn team_filters(
    Path(team_id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    authorize_audit(&headers)?;
    check_team(&team_id)?;
    Ok(Json(filters(true)))
}

/// `GET /audit-logs/{organizationId}/{uuid}`: the entry plus `details`.
pub async fn detail(
    State(state): State<Arc<DemoState>>,
    Path((organization_id, uuid)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    authorize_audit(&headers)?;
    check_organization(&organization_id)?;
    let entry = state
        .audit_logs
        .iter()
        .filter(|row| state.has_happened(row.triggered_at))
        .find(|e| e.uuid == uuid)
        .ok_or_else(|| ApiError::not_found(Vendor::Make, "Audit log entry not found."))?;
    let mut body = entry.to_json();
    body["details"] = entry.details();
    Ok(Json(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn entries_are_deterministic_distinct_in_time_and_newest_first() {
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap();
        let entries = generate(42, 3_000, now);
        assert_eq!(entries, generate(42, 3_000, now));
        for pair in entries.windows(2) {
            assert!(pair[0].triggered_at > pair[1].triggered_at);
        }
        assert!(entries.iter().any(|e| e.team.is_none()));
        assert!(entries.iter().any(|e| e.version.is_some()));
    }
}
