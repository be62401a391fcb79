//! Make Web API v2 scenario logs and the execution detail around them.
//!
//! List: `GET /scenarios/{scenarioId}/logs`, time window in epoch milliseconds
//! (`from`/`to`), one `status` code 1/2/3, offset paging through
//! `pg[offset]`/`pg[limit]`. Detail: the log by id, the execution's details, and the
//! module logs of its modules. Auth: `Authorization: Token …` (scope `scenarios:read`).

use std::collections::BTreeSet;

use serde_json::Value;

use super::json::{self, RowContext};
use super::{Applied, Capabilities, DecodeError, Page};
use crate::config::{MakeConnection, ScenarioRef};
use crate::http::{build_url, ApiRequest, VendorError};
use crate::model::{CollectionType, LogRecord, RawJson, Usage};
use crate::query::TimeWindow;
use crate::status::{self, Status};
use crate::stream::{PageAt, Remote, Stream};
use crate::vendor::Vendor;

const API: &str = "Make scenario logs";

/// Time and status go to the server; the scenario is the request path; the API has
/// no author or free-text filter (`executionName` matches one field only).
pub const CAPABILITIES: Capabilities = Capabilities {
    period: Applied::Server,
    // `status` takes Make's log codes (`status::from_make_log_code`).
    status: Applied::ServerIfOneOf(&[
        (Status::Success, "1"),
        (Status::Warning, "2"),
        (Status::Error, "3"),
    ]),
    client: Applied::Browser,
    collection: Applied::Server,
    text: Applied::Browser,
    client_id: Applied::NotApplicable,
    check_runs: Applied::Server,
};

/// What one list request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListParams<'a> {
    pub window: TimeWindow,
    pub statuses: &'a BTreeSet<Status>,
    pub hide_check_runs: bool,
    pub offset: u64,
    pub limit: u32,
}

/// Make filters one status code per request; any other selection is filtered in the
/// browser from the unfiltered list.
pub fn server_status(statuses: &BTreeSet<Status>) -> Option<&'static str> {
    CAPABILITIES.status.status_param(statuses)
}

/// Builds the list request for one scenario, newest first.
pub fn list_request(
    connection: &MakeConnection,
    scenario: &ScenarioRef,
    params: ListParams<'_>,
) -> ApiRequest {
    let mut query = vec![
        (
            "from".to_owned(),
            params.window.from.timestamp_millis().to_string(),
        ),
        (
            "to".to_owned(),
            params.window.to.timestamp_millis().to_string(),
        ),
    ];
    if let Some(code) = server_status(params.statuses) {
        query.push(("status".to_owned(), code.to_owned()));
    }
    // Make's name is upside down: `true` hides them.
    if params.hide_check_runs {
        query.push(("showCheckRuns".to_owned(), "true".to_owned()));
    }
    query.push(("pg[offset]".to_owned(), params.offset.to_string()));
    query.push(("pg[limit]".to_owned(), params.limit.to_string()));
    query.push(("pg[sortDir]".to_owned(), "desc".to_owned()));
    get(
        connection,
        &format!("/scenarios/{}/logs", scenario.id),
        query,
    )
}

/// `GET /scenarios/{scenarioId}/logs/{executionId}`: one log, by the list's `id`.
pub fn log_request(
    connection: &MakeConnection,
    scenario_id: u64,
    execution_id: &str,
) -> ApiRequest {
    let path = format!(
        "/scenarios/{scenario_id}/logs/{}",
        path_segment(execution_id)
    );
    get(connection, &path, Vec::new())
}

/// `GET /scenarios/{scenarioId}/executions/{executionId}`: status, outputs, error.
pub fn execution_request(
    connection: &MakeConnection,
    scenario_id: u64,
    execution_id: &str,
) -> ApiRequest {
    let path = format!(
        "/scenarios/{scenario_id}/executions/{}",
        path_segment(execution_id)
    );
    get(connection, &path, Vec::new())
}

/// `GET /scenarios/{scenarioId}/modules/operations?days=…` (deprecated by Make, still
/// the documented way to learn which modules ran). `days` is clamped to 1..=30.
pub fn module_operations_request(
    connection: &MakeConnection,
    scenario_id: u64,
    days: u8,
) -> ApiRequest {
    let days = days.clamp(1, 30).to_string();
    let path = format!("/scenarios/{scenario_id}/modules/operations");
    get(connection, &path, vec![("days".to_owned(), days)])
}

/// `GET /scenarios/{scenarioId}/modules/{moduleId}/logs`, newest first.
pub fn module_logs_request(
    connection: &MakeConnection,
    scenario_id: u64,
    module_id: u64,
    offset: u64,
    limit: u32,
) -> ApiRequest {
    let query = vec![
        ("pg[offset]".to_owned(), offset.to_string()),
        ("pg[limit]".to_owned(), limit.to_string()),
        ("pg[sortDir]".to_owned(), "desc".to_owned()),
    ];
    get(
        connection,
        &format!("/scenarios/{scenario_id}/modules/{module_id}/logs"),
        query,
    )
}

/// Whose scenarios Make lists: `GET /scenarios` takes a team or an
/// organization (one of them, never both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScenarioOwner {
    Team(u64),
    Organization(u64),
}

/// `GET /scenarios?teamId=…` (or `organizationId=…`): the scenarios, so people
/// pick them by name.
pub fn scenarios_request(
    connection: &MakeConnection,
    owner: ScenarioOwner,
    offset: u64,
) -> ApiRequest {
    let owner = match owner {
        ScenarioOwner::Team(id) => ("teamId".to_owned(), id.to_string()),
        ScenarioOwner::Organization(id) => ("organizationId".to_owned(), id.to_string()),
    };
    let mut query = vec![owner, ("pg[limit]".to_owned(), SCENARIOS_PAGE.to_string())];
    if offset > 0 {
        query.push(("pg[offset]".to_owned(), offset.to_string()));
    }
    get(connection, "/scenarios", query)
}

/// Scenarios asked for per page of the picker's list.
const SCENARIOS_PAGE: u64 = 500;
/// More than any team has; a bound on a vendor that pages forever.
const MAX_SCENARIOS: u64 = 20_000;

/// One page of the scenario list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioPage {
    pub scenarios: Vec<ScenarioRef>,
    /// The offset of the next page, if more may follow.
    pub next: Option<u64>,
}

/// Decodes `{scenarios: [{id, name, …}], pg}` asked at `offset`. An entry
/// without an id is skipped; one without a name is named by its id.
pub fn decode_scenarios(body: &str, offset: u64) -> Result<ScenarioPage, DecodeError> {
    let root = json::parse_body("Make scenarios", body)?;
    let items = json::array("Make scenarios", &root, "scenarios")?;
    let next = offset + items.len() as u64;
    Ok(ScenarioPage {
        scenarios: items
            .iter()
            .filter_map(|item| {
                let id = item.get("id").and_then(json::exact_u64)?;
                let name = json::text(item, "name").unwrap_or_else(|| format!("Scenario {id}"));
                Some(ScenarioRef { id, name })
            })
            .collect(),
        next: (page_is_full(&root, items.len(), SCENARIOS_PAGE) && next < MAX_SCENARIOS)
            .then_some(next),
    })
}

/// Whether a page of `sent` rows, asked `asked` at a time, is full, so that
/// more may follow. Make's largest page is not documented: a page size it
/// served smaller than asked, which it echoes in `pg.limit`, counts as full.
pub(crate) fn page_is_full(root: &Value, sent: usize, asked: u64) -> bool {
    let served = root
        .get("pg")
        .and_then(|pg| pg.get("limit"))
        .and_then(json::exact_u64)
        .filter(|limit| *limit > 0)
        .map_or(asked, |limit| limit.min(asked));
    sent > 0 && sent as u64 >= served
}

fn get(connection: &MakeConnection, path: &str, query: Vec<(String, String)>) -> ApiRequest {
    ApiRequest {
        url: build_url(&connection.base_url, path, &query),
        headers: auth_headers(connection),
    }
}

/// Ids come from responses: encode them so a hostile value cannot change the path.
fn path_segment(id: &str) -> String {
    url::form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

/// Make's auth header, shared with the audit-log adapter.
pub(crate) fn auth_headers(connection: &MakeConnection) -> Vec<(String, String)> {
    connection
        .token
        .iter()
        .map(|token| Vendor::Make.auth().header_for(token))
        .collect()
}

/// Decodes a 200 list answer. Strict about what a row cannot do without (`id`,
/// `timestamp`), tolerant of everything the spec leaves loose: a row without a
/// status shows as Unknown.
pub fn decode_list(
    body: &str,
    connection: &MakeConnection,
    scenario: &ScenarioRef,
    params: ListParams<'_>,
) -> Result<Page, DecodeError> {
    let root = json::parse_body(API, body)?;
    let rows = json::rows(API, &root, "scenarioLogs", |context, row| {
        decode_row(context, row, connection, scenario)
    })?;
    let sent = rows.sent as u64;
    Ok(Page {
        next: page_is_full(&root, rows.sent, u64::from(params.limit)).then(|| params.offset + sent),
        records: rows.read,
        unreadable: rows.unreadable,
        // Make's scenario logs carry no count.
        total: None,
    })
}

/// Decodes `{scenarioLog: {...}}` from [`log_request`].
pub fn decode_log(
    body: &str,
    connection: &MakeConnection,
    scenario: &ScenarioRef,
) -> Result<LogRecord, DecodeError> {
    let root = json::parse_body(API, body)?;
    let row = root.get("scenarioLog").ok_or_else(|| DecodeError {
        api: API,
        field: "scenarioLog".into(),
        problem: "is missing".into(),
    })?;
    let context = RowContext {
        api: API,
        list: "scenarioLog",
        index: 0,
    };
    decode_row(&context, row, connection, scenario)
}

fn decode_row(
    context: &RowContext,
    row: &Value,
    connection: &MakeConnection,
    scenario: &ScenarioRef,
) -> Result<LogRecord, DecodeError> {
    let id = row
        .get("id")
        .and_then(json::id_text)
        .ok_or_else(|| context.error("id", "is missing or empty"))?;
    let timestamp = row
        .get("timestamp")
        .and_then(json::iso_instant)
        .ok_or_else(|| context.error("timestamp", "is missing or not an ISO 8601 date-time"))?;
    let code = row.get("status").and_then(json::integer);
    let author_id = row.get("authorId").and_then(json::integer);
    let client =
        json::text(row, "authorName").or_else(|| author_id.map(|id| format!("user #{id}")));
    Ok(LogRecord {
        source: connection.id.clone(),
        kind: CollectionType::MakeScenarios,
        id,
        timestamp,
        status: code.map_or(Status::Unknown, status::from_make_log_code),
        raw_status: code.map(|code| code.to_string()).unwrap_or_default(),
        client,
        client_id: None,
        collection: scenario.name.clone(),
        name: json::text(row, "executionName").or_else(|| json::text(row, "type")),
        duration_ms: row.get("duration").and_then(json::exact_u64),
        usage: Usage {
            operations: row.get("operations").and_then(json::exact_u64),
            transfer: row.get("transfer").and_then(json::exact_u64),
            centicredits: row.get("centicredits").and_then(json::exact_u64),
            tokens: None,
            steps: None,
        },
        message: None,
        vendor_link: vendor_link(connection, scenario, row),
        raw: RawJson::of(row),
    })
}

/// Make's own page for the execution, when the connection points at one of
/// Make's zones, directly or, as in the browser, through this server's relay
/// (`/relay/vendor/eu1.make.com/api/v2`).
fn vendor_link(connection: &MakeConnection, scenario: &ScenarioRef, row: &Value) -> Option<String> {
    let base = crate::vendor_hosts::official_base(Vendor::Make, &connection.base_url)?;
    let origin = base.strip_suffix("/api/v2")?;
    let team = row.get("teamId").and_then(json::integer)?;
    let execution = row.get("id").and_then(json::id_text)?;
    Some(format!(
        "{origin}/{team}/scenarios/{}/logs/{execution}",
        scenario.id
    ))
}

/// The module that made an execution fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CauseModule {
    pub name: Option<String>,
    pub app_name: Option<String>,
}

/// An execution's failure as Make describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutionError {
    pub name: Option<String>,
    pub message: Option<String>,
    pub cause_module: Option<CauseModule>,
}

impl ExecutionError {
    /// One line for the Message column: "DataError: Invalid date (in HTTP)".
    pub fn summary(&self) -> Option<String> {
        let text = match (&self.name, &self.message) {
            (Some(name), Some(message)) => format!("{name}: {message}"),
            (Some(text), None) | (None, Some(text)) => text.clone(),
            (None, None) => return None,
        };
        let module = self
            .cause_module
            .as_ref()
            .and_then(|module| module.name.clone().or_else(|| module.app_name.clone()));
        Some(match module {
            Some(module) => format!("{text} (in {module})"),
            None => text,
        })
    }
}

/// `GET /scenarios/{scenarioId}/executions/{executionId}`, decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionDetail {
    pub status: Status,
    pub raw_status: String,
    pub outputs: Option<Value>,
    pub error: Option<ExecutionError>,
}

/// Decodes execution details; `status` is the one required field.
pub fn decode_execution(body: &str) -> Result<ExecutionDetail, DecodeError> {
    const API: &str = "Make execution details";
    let root = json::parse_body(API, body)?;
    let raw_status = json::text(&root, "status").ok_or_else(|| DecodeError {
        api: API,
        field: "status".into(),
        problem: "is missing or not a string".into(),
    })?;
    let error = root
        .get("error")
        .filter(|e| e.is_object())
        .map(|error| ExecutionError {
            name: json::text(error, "name"),
            message: json::text(error, "message"),
            cause_module: error
                .get("causeModule")
                .filter(|m| m.is_object())
                .map(|module| CauseModule {
                    name: json::text(module, "name"),
                    app_name: json::text(module, "appName"),
                }),
        });
    Ok(ExecutionDetail {
        status: status::from_make_execution(&raw_status),
        raw_status,
        outputs: root.get("outputs").filter(|o| !o.is_null()).cloned(),
        error,
    })
}

/// One module's operation counts from `modules/operations`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModuleOperations {
    pub module_id: u64,
    pub total: u64,
    pub warnings: u64,
    pub errors: u64,
}

/// The modules Make counted operations of, and how many entries it sent
/// that could not be read (modules the search cannot know of).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ModuleList {
    pub modules: Vec<ModuleOperations>,
    pub unreadable: usize,
}

/// Decodes `{operations: [{moduleId, total, warnings, errors}]}`.
pub fn decode_module_operations(body: &str) -> Result<ModuleList, DecodeError> {
    const API: &str = "Make operations by module";
    let root = json::parse_body(API, body)?;
    json::rows(API, &root, "operations", |context, item| {
        let count = |key| item.get(key).and_then(json::exact_u64).unwrap_or(0);
        Ok(ModuleOperations {
            module_id: item
                .get("moduleId")
                .and_then(json::exact_u64)
                .ok_or_else(|| context.error("moduleId", "is missing or not an integer"))?,
            total: count("total"),
            warnings: count("warnings"),
            errors: count("errors"),
        })
    })
    .map(|rows| ModuleList {
        modules: rows.read,
        unreadable: rows.unreadable.len(),
    })
}

/// One module's operation in one execution.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleLog {
    pub module_id: u64,
    pub execution_id: Option<String>,
    pub timestamp: chrono::DateTime<chrono::Utc>,
    pub status: Status,
    pub bundles: Option<u64>,
    pub size: Option<u64>,
    /// The warning (status 2) or error (status 3) message.
    pub message: Option<String>,
}

/// One page of a module's logs.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleLogPage {
    /// The logs that could be read.
    pub logs: Vec<ModuleLog>,
    /// Whether more may follow: the page was full, counting rows that could
    /// not be read.
    pub full: bool,
    /// Why each row that could not be read was skipped.
    pub unreadable: Vec<DecodeError>,
}

/// Decodes `{moduleLogs: [...], pg}` for one module, asked `asked` at a time.
/// A log without a status shows as Unknown.
pub fn decode_module_logs(
    body: &str,
    module_id: u64,
    asked: u32,
) -> Result<ModuleLogPage, DecodeError> {
    const API: &str = "Make module logs";
    let root = json::parse_body(API, body)?;
    let rows = json::rows(API, &root, "moduleLogs", |context, item| {
        let code = item.get("status").and_then(json::integer);
        let message_of = |key| item.get(key).and_then(|m| json::text(m, "message"));
        Ok(ModuleLog {
            module_id,
            execution_id: item.get("executionId").and_then(json::id_text),
            timestamp: item
                .get("timestamp")
                .and_then(json::iso_instant)
                .ok_or_else(|| context.error("timestamp", "is missing or not a date-time"))?,
            status: code.map_or(Status::Unknown, status::from_make_log_code),
            bundles: item.get("bundles").and_then(json::exact_u64),
            size: item.get("size").and_then(json::exact_u64),
            message: message_of("error").or_else(|| message_of("warning")),
        })
    })?;
    Ok(ModuleLogPage {
        full: page_is_full(&root, rows.sent, u64::from(asked)),
        logs: rows.read,
        unreadable: rows.unreadable.into_iter().map(|row| row.error).collect(),
    })
}

/// Decodes Make's error body (`{message, detail, code}`) into a readable error.
pub fn decode_error(http_status: u16, body: &str) -> VendorError {
    let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let message = match (
        json::text(&parsed, "message"),
        json::text(&parsed, "detail"),
    ) {
        (Some(message), Some(detail)) if message != detail => format!("{message}: {detail}"),
        (Some(message), _) => message,
        (None, Some(detail)) => detail,
        (None, None) => "no error message in the answer".to_owned(),
    };
    VendorError {
        vendor: Vendor::Make,
        http_status,
        message,
        trace_id: None,
        retry_after: None,
    }
}

/// One scenario's execution logs: a stream of its own (Make lists executions per
/// scenario only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioStream {
    pub connection: MakeConnection,
    pub scenario: ScenarioRef,
}

impl ScenarioStream {
    fn params<'a>(page: PageAt<'a>) -> ListParams<'a> {
        ListParams {
            window: page.window,
            statuses: &page.query.statuses,
            hide_check_runs: page.query.hide_check_runs,
            offset: page.position,
            limit: page.limit,
        }
    }
}

impl Stream for ScenarioStream {
    fn id(&self) -> String {
        format!("{}/scenario/{}", self.connection.id, self.scenario.id)
    }

    fn label(&self) -> String {
        format!("{} · {}", self.connection.name, self.scenario.name)
    }

    fn kind(&self) -> CollectionType {
        CollectionType::MakeScenarios
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    fn permission(&self) -> &'static str {
        "the token's `scenarios:read` scope"
    }

    fn fixed_collection(&self) -> Option<&str> {
        Some(&self.scenario.name)
    }
}

impl Remote for ScenarioStream {
    fn has_key(&self) -> bool {
        self.connection.token.is_some()
    }

    fn list_request(&self, page: PageAt<'_>) -> ApiRequest {
        list_request(&self.connection, &self.scenario, Self::params(page))
    }

    fn decode_page(&self, body: &str, page: PageAt<'_>) -> Result<Page, DecodeError> {
        decode_list(body, &self.connection, &self.scenario, Self::params(page))
    }

    fn decode_error(&self, http_status: u16, body: &str) -> VendorError {
        decode_error(http_status, body)
    }

    /// A failed or warned run's error is only in its execution detail.
    fn reads_messages_later_for(&self, status: Status) -> bool {
        matches!(status, Status::Error | Status::Warning)
    }

    fn message_request(&self, record: &LogRecord) -> Option<ApiRequest> {
        (self.reads_messages_later_for(record.status) && record.message.is_none())
            .then(|| execution_request(&self.connection, self.scenario.id, &record.id))
    }

    fn decode_message(&self, body: &str) -> Result<Option<String>, DecodeError> {
        Ok(decode_execution(body)?
            .error
            .as_ref()
            .and_then(ExecutionError::summary))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use chrono::{TimeZone, Utc};

    fn connection(base_url: &str) -> MakeConnection {
        MakeConnection {
            id: "make-eu".into(),
            name: "Make EU".into(),
            base_url: base_url.into(),
            requests_per_minute: None,
            token: Some(Secret::new("tok-123")),
            scenarios: vec![],
            organization_id: None,
            team_id: None,
        }
    }

    fn scenario() -> ScenarioRef {
        ScenarioRef {
            id: 4321,
            name: "Sync CRM leads".into(),
        }
    }

    fn params(statuses: &BTreeSet<Status>) -> ListParams<'_> {
        ListParams {
            window: TimeWindow {
                from: Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap(),
                to: Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap(),
            },
            statuses,
            hide_check_runs: false,
            offset: 100,
            limit: 50,
        }
    }

    fn query_pairs(url: &str) -> Vec<(String, String)> {
        let (_, query) = url.split_once('?').unwrap();
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn list_request_uses_the_documented_names_and_encodings() {
        let statuses = BTreeSet::from([Status::Error]);
        let request = list_request(
            &connection("https://eu1.make.com/api/v2"),
            &scenario(),
            params(&statuses),
        );
        assert!(request
            .url
            .starts_with("https://eu1.make.com/api/v2/scenarios/4321/logs?"));
        assert_eq!(
            query_pairs(&request.url),
            pairs(&[
                ("from", "1795132800000"),
                ("to", "1795219200000"),
                ("status", "3"),
                ("pg[offset]", "100"),
                ("pg[limit]", "50"),
                ("pg[sortDir]", "desc"),
            ])
        );
        assert_eq!(
            request.headers,
            [("Authorization".to_owned(), "Token tok-123".to_owned())]
        );
    }

    #[test]
    fn several_or_unmappable_statuses_are_left_to_the_browser() {
        let two = BTreeSet::from([Status::Error, Status::Warning]);
        let running = BTreeSet::from([Status::Running]);
        assert_eq!(server_status(&two), None);
        assert_eq!(server_status(&running), None);
        assert_eq!(server_status(&BTreeSet::new()), None);
        // The codes sent are the ones the rows come back with.
        for status in [Status::Success, Status::Warning, Status::Error] {
            let code = server_status(&BTreeSet::from([status])).unwrap_or_default();
            assert_eq!(
                status::from_make_log_code(code.parse().unwrap_or(0)),
                status
            );
        }
        let request = list_request(&connection("/demo"), &scenario(), params(&two));
        assert!(query_pairs(&request.url).iter().all(|(k, _)| k != "status"));
    }

    #[test]
    fn detail_requests_follow_the_documented_paths() {
        let make = connection("https://eu1.make.com/api/v2");
        assert_eq!(
            log_request(&make, 7, "5001").url,
            "https://eu1.make.com/api/v2/scenarios/7/logs/5001"
        );
        assert_eq!(
            execution_request(&make, 7, "5001").url,
            "https://eu1.make.com/api/v2/scenarios/7/executions/5001"
        );
        assert_eq!(
            module_operations_request(&make, 7, 90).url,
            "https://eu1.make.com/api/v2/scenarios/7/modules/operations?days=30"
        );
        let module_logs = module_logs_request(&make, 7, 3, 0, 100);
        assert!(module_logs
            .url
            .starts_with("https://eu1.make.com/api/v2/scenarios/7/modules/3/logs?"));
        assert_eq!(
            query_pairs(&module_logs.url),
            pairs(&[
                ("pg[offset]", "0"),
                ("pg[limit]", "100"),
                ("pg[sortDir]", "desc")
            ])
        );
        // An id from a response cannot climb out of its path segment.
        assert_eq!(
            execution_request(&make, 7, "../../users").url,
            "https://eu1.make.com/api/v2/scenarios/7/executions/..%2F..%2Fusers"
        );
    }

    const FIXTURE: &str = r#"{
        "scenarioLogs": [
            {"imtId": "a1b2", "duration": 1520, "operations": 12, "transfer": 2048,
             "centicredits": 9007199254740993, "organizationId": 1, "teamId": 77,
             "id": 5001, "type": "auto", "authorId": 9, "authorName": null,
             "instant": false, "timestamp": "2026-11-20T10:00:00.000Z", "status": 3,
             "executionName": "Nightly import", "somethingNew": {"x": 1}},
            {"id": 5000, "timestamp": "2026-11-20T09:00:00Z", "status": 1,
             "centicredits": "18446744073709551615", "type": "manual"}
        ],
        "pg": {"sortBy": "imtId", "sortDir": "desc", "limit": 2, "offset": 0}
    }"#;

    #[test]
    fn decodes_rows_with_every_spec_quirk() {
        let statuses = BTreeSet::new();
        let params = ListParams {
            offset: 0,
            limit: 2,
            ..params(&statuses)
        };
        let page = decode_list(
            FIXTURE,
            &connection("https://eu1.make.com/api/v2"),
            &scenario(),
            params,
        )
        .unwrap();
        assert_eq!(page.next, Some(2));
        let [first, second] = &page.records[..] else {
            panic!("expected two records");
        };
        assert_eq!(first.id, "5001");
        assert_eq!(first.status, Status::Error);
        assert_eq!(first.raw_status, "3");
        assert_eq!(first.client.as_deref(), Some("user #9"));
        assert_eq!(first.collection, "Sync CRM leads");
        assert_eq!(first.name.as_deref(), Some("Nightly import"));
        assert_eq!(first.duration_ms, Some(1520));
        assert_eq!(first.usage.operations, Some(12));
        assert_eq!(first.usage.centicredits, Some(9_007_199_254_740_993));
        assert_eq!(
            first.vendor_link.as_deref(),
            Some("https://eu1.make.com/77/scenarios/4321/logs/5001")
        );
        assert_eq!(first.raw.parse()["somethingNew"]["x"], 1);
        assert_eq!(second.usage.centicredits, Some(u64::MAX));
        assert_eq!(second.client, None);
        assert_eq!(second.name.as_deref(), Some("manual"));
        assert_eq!(second.vendor_link, None);
        let link_through = |base: &str| {
            let page = decode_list(FIXTURE, &connection(base), &scenario(), params).unwrap();
            page.records[0].vendor_link.clone()
        };
        assert_eq!(
            link_through("/relay/vendor/eu1.make.com/api/v2").as_deref(),
            Some("https://eu1.make.com/77/scenarios/4321/logs/5001"),
            "the browser reads Make's zones through the relay"
        );
        assert_eq!(
            link_through("/relay/vendor/127.0.0.1:9300/demo/make/api/v2"),
            None,
            "a relayed host that is not Make's"
        );
        assert_eq!(link_through("https://make.example.com/api/v2"), None);
        assert_eq!(link_through("/relay/make-eu1"), None, "an operator's relay");
    }

    #[test]
    fn a_row_without_a_status_shows_as_unknown() {
        let statuses = BTreeSet::new();
        let page = decode_list(
            r#"{"scenarioLogs":[{"id":"da518adcd14b4b64ac6358823ccb80ca","timestamp":"2026-11-20T10:00:00Z"}]}"#,
            &connection("/demo"),
            &scenario(),
            params(&statuses),
        )
        .unwrap();
        assert!(page.unreadable.is_empty());
        assert_eq!(
            (page.records[0].status, page.records[0].raw_status.as_str()),
            (Status::Unknown, "")
        );
    }

    #[test]
    fn a_short_page_is_the_last_one_by_the_page_size_make_served() {
        let statuses = BTreeSet::new();
        let next = |body: &str| {
            decode_list(body, &connection("/demo"), &scenario(), params(&statuses))
                .unwrap()
                .next
        };
        let echoed = FIXTURE.replace(r#""limit": 2,"#, r#""limit": 100,"#);
        assert_eq!(next(&echoed), None, "2 of the 100 asked and served");
        let silent = FIXTURE.replace(r#""limit": 2, "offset": 0"#, r#""offset": 0"#);
        assert_eq!(next(&silent), None, "2 of the 100 asked");
        // Make's largest page is not documented: it served 2 a page.
        let offset = params(&statuses).offset;
        assert_eq!(
            next(FIXTURE),
            Some(offset + 2),
            "a full page of what Make serves"
        );
    }

    #[test]
    fn wrong_shapes_name_the_field() {
        let statuses = BTreeSet::new();
        let decode = |body| decode_list(body, &connection("/d"), &scenario(), params(&statuses));
        let page = decode(
            r#"{"scenarioLogs":[{"id":1,"status":1,"timestamp":"yesterday"},
                                {"id":2,"status":"3","timestamp":"2026-01-01T00:00:00Z"}]}"#,
        )
        .unwrap();
        assert_eq!(page.records.len(), 1, "the readable row stays");
        assert_eq!(
            page.records[0].status,
            Status::Error,
            "a status sent as text"
        );
        let error = &page.unreadable[0].error;
        assert_eq!(error.field, "scenarioLogs[0].timestamp");
        assert!(error
            .to_string()
            .starts_with("Make scenario logs sent an unexpected answer"));
        assert_eq!(decode(r#"{"logs":[]}"#).unwrap_err().field, "scenarioLogs");
        assert_eq!(
            decode(r#"{"scenarioLogs":[{"id":"x"}"#).unwrap_err().field,
            crate::adapters::WHOLE_BODY
        );
        let hex = decode(
            r#"{"scenarioLogs":[{"id":"da518adcd14b4b64ac6358823ccb80ca","status":1,
                                 "timestamp":"2026-01-01T00:00:00Z"}]}"#,
        )
        .unwrap();
        assert_eq!(hex.records[0].id, "da518adcd14b4b64ac6358823ccb80ca");
        assert!(hex.unreadable.is_empty());
    }

    #[test]
    fn decodes_a_single_log() {
        let body = r#"{"scenarioLog":{"id":9,"timestamp":"2026-01-01T00:00:00Z","status":2}}"#;
        let record = decode_log(body, &connection("/d"), &scenario()).unwrap();
        assert_eq!((record.id.as_str(), record.status), ("9", Status::Warning));
        assert_eq!(
            decode_log("{}", &connection("/d"), &scenario())
                .unwrap_err()
                .field,
            "scenarioLog"
        );
    }

    #[test]
    fn decodes_execution_details_with_the_cause_module() {
        let detail = decode_execution(
            r#"{"status":"ERROR","outputs":{"rows":3},
                "error":{"name":"DataError","message":"Invalid email",
                         "causeModule":{"name":"Create contact","appName":"hubspot"}}}"#,
        )
        .unwrap();
        assert_eq!(detail.status, Status::Error);
        assert_eq!(detail.outputs, Some(serde_json::json!({"rows": 3})));
        let error = detail.error.unwrap();
        assert_eq!(error.message.as_deref(), Some("Invalid email"));
        assert_eq!(
            error.cause_module,
            Some(CauseModule {
                name: Some("Create contact".into()),
                app_name: Some("hubspot".into())
            })
        );
        let running = decode_execution(r#"{"status":"RUNNING"}"#).unwrap();
        assert_eq!((running.status, running.error), (Status::Running, None));
        assert_eq!(
            decode_execution(r#"{"outputs":{}}"#).unwrap_err().field,
            "status"
        );
    }

    #[test]
    fn decodes_module_operations_and_module_logs() {
        let operations = decode_module_operations(
            r#"{"operations":[{"moduleId":1,"total":10,"warnings":1,"errors":2},{"moduleId":2}]}"#,
        )
        .unwrap();
        assert_eq!(operations.modules[0].errors, 2);
        assert_eq!(operations.modules[1].total, 0);
        assert_eq!(
            decode_module_operations(r#"{"operations":[{"total":1}]}"#).unwrap(),
            ModuleList {
                modules: Vec::new(),
                unreadable: 1
            },
            "an entry without a module id is skipped, and counted"
        );

        let page = decode_module_logs(
            r#"{"moduleLogs":[
                {"executionId":"e1","timestamp":"2026-01-01T00:00:00Z","status":3,
                 "bundles":2,"size":100,"error":{"message":"Rate limit"}},
                {"executionId":"e1","timestamp":"2026-01-01T00:00:01Z","status":2,
                 "warning":{"message":"Empty bundle"}},
                {"timestamp":"2026-01-01T00:00:02Z","status":1},
                {"executionId":"e2","timestamp":"2026-01-01T00:00:03Z"},
                {"executionId":"e3","timestamp":"yesterday","status":1}
            ],"pg":{}}"#,
            4,
            5,
        )
        .unwrap();
        assert!(page.full, "five sent, one of them unreadable: full");
        assert_eq!(page.unreadable.len(), 1);
        assert_eq!(page.unreadable[0].field, "moduleLogs[4].timestamp");
        let logs = page.logs;
        assert_eq!(logs.len(), 4);
        assert_eq!(
            logs[3].status,
            Status::Unknown,
            "no status: shown as Unknown"
        );
        assert_eq!(logs[0].message.as_deref(), Some("Rate limit"));
        assert_eq!(logs[1].message.as_deref(), Some("Empty bundle"));
        assert_eq!(
            (logs[2].status, logs[2].message.clone()),
            (Status::Success, None)
        );
        assert_eq!(logs[0].module_id, 4);
    }

    #[test]
    fn check_runs_are_hidden_by_makes_server() {
        let statuses = BTreeSet::new();
        let hidden = ListParams {
            hide_check_runs: true,
            ..params(&statuses)
        };
        let scenario = ScenarioRef {
            id: 7,
            name: "Sync".into(),
        };
        let url = list_request(
            &connection("https://eu1.make.com/api/v2"),
            &scenario,
            hidden,
        )
        .url;
        assert!(url.contains("showCheckRuns=true"), "{url}");
        let shown = list_request(
            &connection("https://eu1.make.com/api/v2"),
            &scenario,
            params(&statuses),
        )
        .url;
        assert!(!shown.contains("showCheckRuns"), "{shown}");
    }

    #[test]
    fn scenarios_are_listed_by_team_or_organization_for_picking_by_name() {
        let make = connection("https://eu1.make.com/api/v2");
        let request = scenarios_request(&make, ScenarioOwner::Team(77), 0);
        assert_eq!(
            request.url,
            "https://eu1.make.com/api/v2/scenarios?teamId=77&pg%5Blimit%5D=500"
        );
        let by_organization = scenarios_request(&make, ScenarioOwner::Organization(11), 0);
        assert_eq!(
            by_organization.url,
            "https://eu1.make.com/api/v2/scenarios?organizationId=11&pg%5Blimit%5D=500"
        );
        let second = scenarios_request(&make, ScenarioOwner::Team(77), 500);
        assert!(
            second.url.ends_with("&pg%5Boffset%5D=500"),
            "{}",
            second.url
        );
        let page = decode_scenarios(
            r#"{"scenarios":[{"id":1,"name":"Sync","teamId":77},{"id":2},{"name":"x"}],"pg":{}}"#,
            500,
        )
        .unwrap();
        assert_eq!(
            page.scenarios,
            [
                ScenarioRef {
                    id: 1,
                    name: "Sync".into()
                },
                ScenarioRef {
                    id: 2,
                    name: "Scenario 2".into()
                }
            ]
        );
        assert_eq!(page.next, None, "the last page");
        let full = |offset: u64, limit: &str| {
            let items = vec![r#"{"id":1,"name":"a"}"#; 50].join(",");
            decode_scenarios(
                &format!(r#"{{"scenarios":[{items}],"pg":{{"limit":{limit}}}}}"#),
                offset,
            )
            .unwrap()
            .next
        };
        assert_eq!(full(0, "50"), Some(50), "Make served 50 a page: full");
        assert_eq!(full(0, "500"), None, "50 of 500: the last page");
        assert_eq!(full(19_950, "50"), None, "bounded");
        assert!(decode_scenarios(r#"{"items":[]}"#, 0).is_err());
    }

    #[test]
    fn error_bodies_become_messages() {
        let error = decode_error(
            401,
            r#"{"detail":"Invalid credentials.","message":"Access denied","code":"IM005"}"#,
        );
        assert_eq!(error.message, "Access denied: Invalid credentials.");
        assert_eq!(
            decode_error(502, "<html>").message,
            "no error message in the answer"
        );
    }
}
