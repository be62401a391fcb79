//! Make Web API v2 audit logs of an organization or a team, their filter values,
//! and one entry's detail.
//!
//! Dates go as `dateFrom`/`dateTo` (`YYYY-MM-DD`). The spec gives neither their zone
//! nor whether they are inclusive, so the request asks a day more on each side and
//! the rows are trimmed here to the exact instants: no edge row is lost. `author` and `team`
//! take names or ids, several in the `author[0]=…&author[1]=…` form. Every event is
//! a success: audit entries have no status. Scope needed: `organization:read` for an
//! organization (team audit logs need the team's admin role).

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::json::{self, RowContext};
use super::{make_scenarios, Applied, Capabilities, DecodeError, Page};
use crate::config::MakeConnection;
use crate::http::VendorError;
use crate::http::{build_url, ApiRequest};
use crate::model::{CollectionType, LogRecord, RawJson, Usage};
use crate::query::TimeWindow;
use crate::status::Status;
use crate::stream::{PageAt, Remote, Stream};

const API: &str = "Make audit logs";

pub const CAPABILITIES: Capabilities = Capabilities {
    period: Applied::ServerThenBrowser,
    status: Applied::NotApplicable,
    // Values the API cannot match (an e-mail, the organization itself) are
    // filtered in the browser only.
    client: Applied::ServerThenBrowser,
    collection: Applied::ServerThenBrowser,
    text: Applied::Browser,
    client_id: Applied::NotApplicable,
    check_runs: Applied::NotApplicable,
};

/// Whose audit log to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditScope {
    Organization(u64),
    Team(u64),
}

impl AuditScope {
    /// The organization's log when the connection names one, else the team's.
    pub fn of(connection: &MakeConnection) -> Option<AuditScope> {
        connection
            .organization_id
            .map(AuditScope::Organization)
            .or(connection.team_id.map(AuditScope::Team))
    }

    fn path(self) -> String {
        match self {
            AuditScope::Organization(id) => format!("/audit-logs/organization/{id}"),
            AuditScope::Team(id) => format!("/audit-logs/team/{id}"),
        }
    }
}

/// What one list request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListParams<'a> {
    pub window: TimeWindow,
    /// Actor names (the API also takes ids).
    pub authors: &'a BTreeSet<String>,
    /// Team names; only an organization's log can be filtered by team.
    pub teams: &'a BTreeSet<String>,
    /// Event values (`key_created`), as `/filters` lists them.
    pub events: &'a BTreeSet<String>,
    pub offset: u64,
    pub limit: u32,
}

/// `key[0]=a&key[1]=b`, Make's documented array form.
fn indexed<'a>(
    key: &'a str,
    values: impl IntoIterator<Item = &'a String>,
) -> Vec<(String, String)> {
    values
        .into_iter()
        .enumerate()
        .map(|(index, value)| (format!("{key}[{index}]"), value.clone()))
        .collect()
}

/// The `author` values Make can match for these Client choices: names as they
/// are, the "user #9" fallback as its id. `None` (filter in the browser only) when
/// one is something the API cannot match, an e-mail, since sending the others
/// would hide that one's rows.
fn sendable_authors(clients: &BTreeSet<String>) -> Option<Vec<String>> {
    clients
        .iter()
        .map(|client| match client.strip_prefix("user #") {
            Some(id) if id.parse::<u64>().is_ok() => Some(id.to_owned()),
            _ if client.contains('@') => None,
            _ => Some(client.clone()),
        })
        .collect()
}

/// The `team` values for these Collection choices: names as they are, the
/// "team #78" fallback as its id. `None` (filter in the browser only) when one
/// is the organization-wide collection (the connection's name), which no team
/// filter matches: sending the others would hide its rows.
fn sendable_teams(
    collections: &BTreeSet<String>,
    connection: &MakeConnection,
) -> Option<Vec<String>> {
    collections
        .iter()
        .map(|collection| match collection.strip_prefix("team #") {
            Some(id) if id.parse::<u64>().is_ok() => Some(id.to_owned()),
            _ if *collection == connection.name => None,
            _ => Some(collection.clone()),
        })
        .collect()
}

/// An entry's collection: its team by name, or by id as "team #78" when Make
/// names none. An entry of no team (a key made for the whole organization)
/// belongs to the connection, which reads that one organization: never the
/// organization's name, which a Collection choice would send as a team.
fn team_of(team: Option<&Value>) -> Option<String> {
    let team = team?;
    json::text(team, "name").or_else(|| {
        let id = team.get("id").and_then(json::integer)?;
        Some(format!("team #{id}"))
    })
}

/// Builds the list request, newest first by `triggeredAt`.
pub fn list_request(
    connection: &MakeConnection,
    scope: AuditScope,
    params: ListParams<'_>,
) -> ApiRequest {
    let day = |instant: DateTime<Utc>| crate::wall_clock::date(&instant);
    let mut query = vec![
        (
            "dateFrom".to_owned(),
            day(params.window.from - Duration::days(1)),
        ),
        (
            "dateTo".to_owned(),
            day(params.window.to + Duration::days(1)),
        ),
    ];
    if let Some(authors) = sendable_authors(params.authors) {
        query.extend(indexed("author", &authors));
    }
    if let AuditScope::Organization(_) = scope {
        if let Some(teams) = sendable_teams(params.teams, connection) {
            query.extend(indexed("team", &teams));
        }
    }
    query.extend(indexed("event", params.events));
    query.extend([
        ("pg[offset]".to_owned(), params.offset.to_string()),
        ("pg[limit]".to_owned(), params.limit.to_string()),
        ("pg[sortBy]".to_owned(), "triggeredAt".to_owned()),
        ("pg[sortDir]".to_owned(), "desc".to_owned()),
    ]);
    get(connection, &scope.path(), query)
}

/// `GET …/filters`: the users, teams and events the log can be filtered by.
pub fn filters_request(connection: &MakeConnection, scope: AuditScope) -> ApiRequest {
    get(connection, &format!("{}/filters", scope.path()), Vec::new())
}

/// `GET /audit-logs/{organizationId}/{uuid}`. The spec declares only `uuid`, but the
/// path needs the organization id too.
pub fn detail_request(connection: &MakeConnection, organization_id: u64, uuid: &str) -> ApiRequest {
    let uuid: String = url::form_urlencoded::byte_serialize(uuid.as_bytes()).collect();
    get(
        connection,
        &format!("/audit-logs/{organization_id}/{uuid}"),
        Vec::new(),
    )
}

/// The organization whose detail path holds an entry: the connection's, or
/// the one the entry names (every entry carries `organizationId`, so a team's
/// log has details too).
pub fn detail_organization(connection: &MakeConnection, entry: Option<&LogRecord>) -> Option<u64> {
    connection.organization_id.or_else(|| {
        entry?
            .raw
            .parse()
            .get("organizationId")
            .and_then(json::exact_u64)
    })
}

fn get(connection: &MakeConnection, path: &str, query: Vec<(String, String)>) -> ApiRequest {
    ApiRequest {
        url: build_url(&connection.base_url, path, &query),
        headers: make_scenarios::auth_headers(connection),
    }
}

/// Decodes a list answer and trims it to the exact window; paging counts the rows
/// the server sent, so rows trimmed off the window's newer side never end the
/// paging early, and stops at the first row older than the window.
pub fn decode_list(
    body: &str,
    connection: &MakeConnection,
    params: ListParams<'_>,
) -> Result<Page, DecodeError> {
    let root = json::parse_body(API, body)?;
    let rows = json::rows(API, &root, "auditLogs", |context, row| {
        decode_entry(context, row, connection)
    })?;
    let sent = rows.sent as u64;
    // Newest first: once a row older than the window came, no later page holds one
    // in it (the widened days would otherwise be paged to their end).
    let past_window = rows
        .read
        .iter()
        .any(|record| record.timestamp < params.window.from);
    Ok(Page {
        next: (super::make_scenarios::page_is_full(&root, rows.sent, u64::from(params.limit))
            && !past_window)
            .then(|| params.offset + sent),
        records: rows
            .read
            .into_iter()
            .filter(|record| (params.window.from..=params.window.to).contains(&record.timestamp))
            .collect(),
        unreadable: rows.unreadable,
        // Counted over the widened days: never the window's count.
        total: None,
    })
}

fn decode_entry(
    context: &RowContext,
    row: &Value,
    connection: &MakeConnection,
) -> Result<LogRecord, DecodeError> {
    let uuid = json::text(row, "uuid")
        .ok_or_else(|| context.error("uuid", "is missing or not a string"))?;
    let timestamp = row
        .get("triggeredAt")
        .and_then(integer_instant)
        .or_else(|| row.get("createdAt").and_then(json::iso_instant))
        .ok_or_else(|| {
            context.error("triggeredAt", "is missing, and so is a readable createdAt")
        })?;
    let actor = row.get("actor");
    let client = actor
        .and_then(|a| json::text(a, "name").or_else(|| json::text(a, "email")))
        .or_else(|| {
            actor
                .and_then(|a| a.get("id"))
                .and_then(json::integer)
                .map(|id| format!("user #{id}"))
        });
    let collection = team_of(row.get("team")).unwrap_or_else(|| connection.name.clone());
    Ok(LogRecord {
        source: connection.id.clone(),
        kind: CollectionType::MakeAudit,
        id: uuid,
        timestamp,
        status: Status::Event,
        raw_status: String::new(),
        client,
        client_id: None,
        collection,
        name: json::text(row, "eventName"),
        duration_ms: None,
        usage: Usage::default(),
        message: event_details(row),
        vendor_link: None,
        raw: RawJson::of(row),
    })
}

/// What the list says about the event beyond its name: its target and the
/// version change ("target 4711 · version 3 → 4"), for the Message column. The
/// full `details` object needs one call per entry, so only the detail pane asks.
fn event_details(row: &Value) -> Option<String> {
    let target = json::text(row, "targetId")
        .or_else(|| {
            row.get("targetId")
                .and_then(json::integer)
                .map(|id| id.to_string())
        })
        .map(|target| format!("target {target}"));
    let version = row.get("version").and_then(|version| {
        match (json::text(version, "from"), json::text(version, "to")) {
            (Some(from), Some(to)) => Some(format!("version {from} → {to}")),
            (None, Some(to)) => Some(format!("version {to}")),
            (Some(from), None) => Some(format!("from version {from}")),
            (None, None) => None,
        }
    });
    let parts: Vec<String> = [target, version].into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// `triggeredAt` is "an integer timestamp" without a unit: values beyond 10^12 can
/// only be milliseconds (10^12 seconds is the year 33658), smaller ones are seconds.
fn integer_instant(value: &Value) -> Option<DateTime<Utc>> {
    let number = json::integer(value)?;
    if number.abs() >= 1_000_000_000_000 {
        DateTime::from_timestamp_millis(number)
    } else {
        DateTime::from_timestamp(number, 0)
    }
}

/// A value the log can be filtered by, with the label people read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterOption {
    pub value: String,
    pub label: String,
}

/// The `/filters` answer: users (clients), teams (collections) and event names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilters {
    pub users: Vec<FilterOption>,
    pub teams: Vec<FilterOption>,
    pub events: Vec<FilterOption>,
}

/// Decodes the filters; entries without a usable value are skipped, not fatal.
pub fn decode_filters(body: &str) -> Result<AuditFilters, DecodeError> {
    let root = json::parse_body("Make audit log filters", body)?;
    let list = |key: &str| {
        root.get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    // Each user as the rows name it (see `decode_entry`): a user without a
    // name (the spec does not require one) is still offered, by e-mail or id.
    let user = |item: &Value| {
        let email = json::text(item, "email");
        let value = json::text(item, "name")
            .or_else(|| email.clone())
            .or_else(|| {
                let id = item.get("id").and_then(json::integer)?;
                Some(format!("user #{id}"))
            })?;
        let label = match email {
            Some(email) if email != value => format!("{value} <{email}>"),
            _ => value.clone(),
        };
        Some(FilterOption { value, label })
    };
    let team = |item: &Value| {
        team_of(Some(item)).map(|name| FilterOption {
            value: name.clone(),
            label: name,
        })
    };
    let events = list("events")
        .iter()
        .flat_map(|group| {
            group
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|item| {
            Some(FilterOption {
                value: json::text(item, "value")?,
                label: json::text(item, "label").or_else(|| json::text(item, "value"))?,
            })
        })
        .collect();
    Ok(AuditFilters {
        users: list("users").iter().filter_map(user).collect(),
        teams: list("teams").iter().filter_map(team).collect(),
        events,
    })
}

/// Decodes the detail answer's `details` object (absent: `None`).
pub fn decode_detail(body: &str) -> Result<Option<Value>, DecodeError> {
    let root = json::parse_body("Make audit log detail", body)?;
    Ok(root.get("details").filter(|d| !d.is_null()).cloned())
}

/// An organization's or a team's audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditStream {
    pub connection: MakeConnection,
    pub scope: AuditScope,
}

impl AuditStream {
    fn params<'a>(page: PageAt<'a>) -> ListParams<'a> {
        ListParams {
            window: page.window,
            authors: &page.query.clients,
            teams: &page.query.collections,
            events: &page.query.events,
            offset: page.position,
            limit: page.limit,
        }
    }
}

impl Stream for AuditStream {
    fn id(&self) -> String {
        format!("{}/audit", self.connection.id)
    }

    fn label(&self) -> String {
        format!("{} · audit log", self.connection.name)
    }

    fn kind(&self) -> CollectionType {
        CollectionType::MakeAudit
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    fn permission(&self) -> &'static str {
        "the token's `organization:read` scope and the Admin or Owner role"
    }
}

impl Remote for AuditStream {
    fn has_key(&self) -> bool {
        self.connection.token.is_some()
    }

    fn list_request(&self, page: PageAt<'_>) -> ApiRequest {
        list_request(&self.connection, self.scope, Self::params(page))
    }

    fn decode_page(&self, body: &str, page: PageAt<'_>) -> Result<Page, DecodeError> {
        decode_list(body, &self.connection, Self::params(page))
    }

    fn decode_error(&self, http_status: u16, body: &str) -> VendorError {
        make_scenarios::decode_error(http_status, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use chrono::TimeZone;

    fn connection() -> MakeConnection {
        MakeConnection {
            id: "make".into(),
            name: "Make EU".into(),
            base_url: "https://eu1.make.com/api/v2".into(),
            requests_per_minute: None,
            token: Some(Secret::new("t")),
            scenarios: vec![],
            organization_id: Some(11),
            team_id: Some(77),
        }
    }

    fn window() -> TimeWindow {
        TimeWindow {
            from: Utc.with_ymd_and_hms(2026, 11, 20, 15, 30, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap(),
        }
    }

    /// The first page of `limit` entries over [`window`], with no filter.
    fn unfiltered(none: &BTreeSet<String>, limit: u32) -> ListParams<'_> {
        ListParams {
            window: window(),
            authors: none,
            teams: none,
            events: none,
            offset: 0,
            limit,
        }
    }

    fn query_pairs(url: &str) -> Vec<(String, String)> {
        let (_, query) = url.split_once('?').unwrap();
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn only_values_the_api_can_match_go_to_the_server() {
        let sent = |clients: &[&str], collections: &[&str]| {
            let authors: BTreeSet<String> = clients.iter().map(|c| (*c).to_owned()).collect();
            let teams: BTreeSet<String> = collections.iter().map(|c| (*c).to_owned()).collect();
            let params = ListParams {
                window: window(),
                authors: &authors,
                teams: &teams,
                events: &BTreeSet::new(),
                offset: 0,
                limit: 100,
            };
            let scope = AuditScope::Organization(11);
            query_pairs(&list_request(&connection(), scope, params).url)
                .into_iter()
                .filter(|(key, _)| key.starts_with("author") || key.starts_with("team"))
                .map(|(key, value)| format!("{key}={value}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            sent(&["user #9", "Ada"], &[]),
            ["author[0]=Ada", "author[1]=9"]
        );
        assert_eq!(
            sent(&["Ada", "ada@example.com"], &[]),
            Vec::<String>::new(),
            "an e-mail"
        );
        let organization = connection().name;
        assert_eq!(sent(&[], &["Ops", &organization]), Vec::<String>::new());
        assert_eq!(sent(&[], &["Ops"]), ["team[0]=Ops"]);
        assert_eq!(
            sent(&[], &["team #78", "Ops"]),
            ["team[0]=Ops", "team[1]=78"],
            "a nameless team by its id"
        );
    }

    #[test]
    fn organization_requests_use_dates_and_indexed_arrays() {
        let authors = BTreeSet::from(["Ada Lovelace".to_owned(), "Grace".to_owned()]);
        let teams = BTreeSet::from(["Ops, EU".to_owned()]);
        let events = BTreeSet::from(["key_created".to_owned(), "scenario_updated".to_owned()]);
        let params = ListParams {
            window: window(),
            authors: &authors,
            teams: &teams,
            events: &events,
            offset: 0,
            limit: 100,
        };
        let scope = AuditScope::of(&connection()).unwrap();
        assert_eq!(scope, AuditScope::Organization(11));
        let request = list_request(&connection(), scope, params);
        assert!(request
            .url
            .starts_with("https://eu1.make.com/api/v2/audit-logs/organization/11?"));
        let expected: Vec<(String, String)> = [
            ("dateFrom", "2026-11-19"),
            ("dateTo", "2026-11-22"),
            ("author[0]", "Ada Lovelace"),
            ("author[1]", "Grace"),
            ("team[0]", "Ops, EU"),
            ("event[0]", "key_created"),
            ("event[1]", "scenario_updated"),
            ("pg[offset]", "0"),
            ("pg[limit]", "100"),
            ("pg[sortBy]", "triggeredAt"),
            ("pg[sortDir]", "desc"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(query_pairs(&request.url), expected);
        assert_eq!(request.headers[0].1, "Token t");
    }

    #[test]
    fn team_requests_have_no_team_filter_and_other_paths_are_documented() {
        let teams = BTreeSet::from(["Ops".to_owned()]);
        let none = BTreeSet::new();
        let params = ListParams {
            window: window(),
            authors: &none,
            teams: &teams,
            events: &none,
            offset: 5,
            limit: 5,
        };
        let request = list_request(&connection(), AuditScope::Team(77), params);
        assert!(request.url.contains("/audit-logs/team/77?"));
        assert!(query_pairs(&request.url)
            .iter()
            .all(|(k, _)| !k.starts_with("team")));
        assert_eq!(
            filters_request(&connection(), AuditScope::Team(77)).url,
            "https://eu1.make.com/api/v2/audit-logs/team/77/filters"
        );
        assert_eq!(
            detail_request(&connection(), 11, "abc-1").url,
            "https://eu1.make.com/api/v2/audit-logs/11/abc-1"
        );
    }

    #[test]
    fn decodes_entries_and_trims_them_to_the_exact_window() {
        let body = r#"{"auditLogs":[
            {"uuid":"u1","createdAt":"2026-11-21T08:00:00Z","triggeredAt":1795248000000,
             "organizationId":11,"organization":{"id":11,"name":"Acme"},
             "eventName":"connection_created","team":{"id":77,"name":"Ops"},
             "actor":{"id":5,"name":"Ada","email":"ada@example.com"},"targetId":"42"},
            {"uuid":"u2","createdAt":"2026-11-20T10:00:00Z","triggeredAt":1795168800,
             "eventName":"key_deleted","organization":{"id":11,"name":"Acme"},"actor":{"id":6}},
            {"uuid":"u3","createdAt":"2026-11-21T01:00:00Z","eventName":"team_created",
             "organization":{"id":11,"name":"Acme"}},
            {"uuid":"u4","createdAt":"2026-11-21T01:00:00Z","team":{"id":78}}
        ],"pg":{"limit":4,"offset":0,"totalCount":4}}"#;
        let none = BTreeSet::new();
        let page = decode_list(body, &connection(), unfiltered(&none, 4)).unwrap();
        // u2 happened on the 20th at 10:00, before the window's 15:30 start.
        let ids: Vec<&str> = page.records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["u1", "u3", "u4"]);
        assert_eq!(page.records[0].message.as_deref(), Some("target 42"));
        assert_eq!(
            page.records[1].message, None,
            "nothing beyond the event name"
        );
        assert_eq!(
            page.next, None,
            "u2 is older than the window: no later page is in it"
        );
        let newer_only = r#"{"auditLogs":[
            {"uuid":"n1","triggeredAt":1795300000000},{"uuid":"n2","triggeredAt":1795290000000},
            {"uuid":"n3","triggeredAt":1795280000000}]}"#;
        let newer = decode_list(newer_only, &connection(), unfiltered(&none, 3)).unwrap();
        assert!(newer.records.is_empty(), "all after the window's end");
        assert_eq!(
            newer.next,
            Some(3),
            "trimmed newer rows do not end the paging"
        );
        let first = &page.records[0];
        assert_eq!(
            first.timestamp,
            Utc.with_ymd_and_hms(2026, 11, 21, 8, 0, 0).unwrap()
        );
        assert_eq!(first.client.as_deref(), Some("Ada"));
        assert_eq!(first.collection, "Ops");
        assert_eq!(first.name.as_deref(), Some("connection_created"));
        assert_eq!(first.status, Status::Event);
        assert_eq!(
            page.records[1].collection, "Make EU",
            "an entry of no team is the connection's, never named as its organization, \
             which a Collection choice would send as a team"
        );
        assert_eq!(
            page.records[2].collection, "team #78",
            "a team without a name"
        );
    }

    #[test]
    fn seconds_and_milliseconds_are_told_apart() {
        let second = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
        assert_eq!(
            integer_instant(&serde_json::json!(second.timestamp())),
            Some(second)
        );
        assert_eq!(
            integer_instant(&serde_json::json!(second.timestamp_millis())),
            Some(second)
        );
    }

    #[test]
    fn an_entry_without_uuid_or_time_is_skipped_and_named() {
        let none = BTreeSet::new();
        let params = unfiltered(&none, 3);
        let page = decode_list(
            r#"{"auditLogs":[{"triggeredAt":1},{"uuid":"u"}]}"#,
            &connection(),
            params,
        )
        .unwrap();
        assert!(page.records.is_empty());
        let fields: Vec<&str> = page
            .unreadable
            .iter()
            .map(|u| u.error.field.as_str())
            .collect();
        assert_eq!(fields, ["auditLogs[0].uuid", "auditLogs[1].triggeredAt"]);
    }

    #[test]
    fn the_message_names_the_target_and_the_version_change() {
        let details = |row: &str| event_details(&serde_json::from_str(row).unwrap());
        assert_eq!(
            details(r#"{"targetId":"4711","version":{"from":"v3","to":"v4"}}"#).as_deref(),
            Some("target 4711 · version v3 → v4")
        );
        assert_eq!(details(r#"{"targetId":12}"#).as_deref(), Some("target 12"));
        assert_eq!(
            details(r#"{"version":{"to":"v1"}}"#).as_deref(),
            Some("version v1")
        );
        assert_eq!(details(r#"{"version":{}}"#), None);
    }

    #[test]
    fn a_team_logs_entry_has_its_details_under_the_organization_it_names() {
        let team = MakeConnection {
            organization_id: None,
            ..connection()
        };
        let none = BTreeSet::new();
        let params = unfiltered(&none, 100);
        let entry = decode_list(
            r#"{"auditLogs":[{"uuid":"u1","triggeredAt":1795230000,"organizationId":11}]}"#,
            &team,
            params,
        )
        .unwrap()
        .records;
        assert_eq!(entry.len(), 1);
        assert_eq!(detail_organization(&team, entry.first()), Some(11));
        assert_eq!(detail_organization(&team, None), None);
        let organization = MakeConnection {
            organization_id: Some(12),
            ..connection()
        };
        assert_eq!(detail_organization(&organization, entry.first()), Some(12));
    }

    #[test]
    fn decodes_filters_and_details() {
        let filters = decode_filters(
            r#"{"users":[{"id":1,"name":"Ada","email":"ada@x.io"},{"id":2},
                          {"id":3,"email":"grace@x.io"},{"email":""}],
                "teams":[{"id":77,"name":"Ops"},{"id":78}],
                "events":[{"header":"Keys","items":[{"label":"Key created","value":"key_created"}]}]}"#,
        )
        .unwrap();
        // As the rows name them: by name, else e-mail, else id.
        assert_eq!(
            filters.users,
            [
                FilterOption {
                    value: "Ada".into(),
                    label: "Ada <ada@x.io>".into()
                },
                FilterOption {
                    value: "user #2".into(),
                    label: "user #2".into()
                },
                FilterOption {
                    value: "grace@x.io".into(),
                    label: "grace@x.io".into()
                }
            ]
        );
        let teams: Vec<&str> = filters.teams.iter().map(|t| t.value.as_str()).collect();
        assert_eq!(teams, ["Ops", "team #78"], "as the rows name them");
        assert_eq!(filters.events[0].value, "key_created");
        assert_eq!(decode_filters("{}").unwrap(), AuditFilters::default());
        assert_eq!(
            decode_detail(r#"{"uuid":"u","details":{"name":"key"}}"#).unwrap(),
            Some(serde_json::json!({"name": "key"}))
        );
        assert_eq!(decode_detail(r#"{"uuid":"u"}"#).unwrap(), None);
    }
}
