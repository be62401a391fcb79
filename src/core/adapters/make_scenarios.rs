//! Make Web API v2 scenario logs: `GET /scenarios/{scenarioId}/logs`.
//!
//! Time window in epoch milliseconds (`from`/`to`), one `status` code 1/2/3, offset
//! paging through `pg[offset]`/`pg[limit]`, auth by `Authorization: Token …`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{DecodeError, Page};
use crate::core::config::{MakeConnection, ScenarioRef};
use crate::core::http::{build_url, ApiRequest, VendorError};
use crate::core::model::{CollectionType, LogRecord, Usage};
use crate::core::query::TimeWindow;
use crate::core::status::{self, Status};

const API: &str = "Make scenario logs";

/// What one list request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListParams<'a> {
    pub window: TimeWindow,
    pub statuses: &'a BTreeSet<Status>,
    pub offset: u64,
    pub limit: u32,
}

/// Make filters one status code per request; any other selection is filtered in the
/// browser from the unfiltered list.
pub fn server_status(statuses: &BTreeSet<Status>) -> Option<u8> {
    let mut iter = statuses.iter();
    match (iter.next(), iter.next()) {
        (Some(&only), None) => status::to_make_log_code(only),
        _ => None,
    }
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
        query.push(("status".to_owned(), code.to_string()));
    }
    query.push(("pg[offset]".to_owned(), params.offset.to_string()));
    query.push(("pg[limit]".to_owned(), params.limit.to_string()));
    query.push(("pg[sortDir]".to_owned(), "desc".to_owned()));
    let path = format!("/scenarios/{}/logs", scenario.id);
    ApiRequest {
        url: build_url(&connection.base_url, &path, &query),
        headers: auth_headers(connection),
    }
}

fn auth_headers(connection: &MakeConnection) -> Vec<(String, String)> {
    connection
        .token
        .iter()
        .map(|token| {
            (
                "Authorization".to_owned(),
                format!("Token {}", token.expose()),
            )
        })
        .collect()
}

/// Decodes a 200 answer into records. Strict about what a row cannot do without
/// (`id`, `timestamp`, `status`), tolerant of everything the spec leaves loose.
pub fn decode_list(
    body: &str,
    connection: &MakeConnection,
    scenario: &ScenarioRef,
    params: ListParams<'_>,
) -> Result<Page, DecodeError> {
    let root: Value = serde_json::from_str(body).map_err(|e| DecodeError {
        api: API,
        field: "(body)".into(),
        problem: format!("is not JSON: {e}"),
    })?;
    let rows = root
        .get("scenarioLogs")
        .and_then(Value::as_array)
        .ok_or_else(|| DecodeError {
            api: API,
            field: "scenarioLogs".into(),
            problem: "is missing or not a list".into(),
        })?;
    let records = rows
        .iter()
        .enumerate()
        .map(|(index, row)| decode_row(index, row, connection, scenario))
        .collect::<Result<Vec<_>, _>>()?;
    let full_page = records.len() as u64 >= u64::from(params.limit);
    Ok(Page {
        next_offset: full_page.then(|| params.offset + records.len() as u64),
        records,
    })
}

fn decode_row(
    index: usize,
    row: &Value,
    connection: &MakeConnection,
    scenario: &ScenarioRef,
) -> Result<LogRecord, DecodeError> {
    let field_error = |field: &str, problem: &str| DecodeError {
        api: API,
        field: format!("scenarioLogs[{index}].{field}"),
        problem: problem.to_owned(),
    };
    let id = row
        .get("id")
        .and_then(Value::as_i64)
        .ok_or_else(|| field_error("id", "is missing or not an integer"))?;
    let timestamp = row
        .get("timestamp")
        .and_then(Value::as_str)
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| field_error("timestamp", "is missing or not an ISO 8601 date-time"))?;
    let code = row
        .get("status")
        .and_then(Value::as_i64)
        .ok_or_else(|| field_error("status", "is missing or not an integer"))?;
    let author_id = row.get("authorId").and_then(Value::as_i64);
    let client = match row.get("authorName").and_then(Value::as_str) {
        Some(name) => Some(name.to_owned()),
        None => author_id.map(|id| format!("user #{id}")),
    };
    let name = text_field(row, "executionName").or_else(|| text_field(row, "type"));
    Ok(LogRecord {
        source: connection.id.clone(),
        kind: CollectionType::MakeScenarios,
        id: id.to_string(),
        timestamp,
        status: status::from_make_log_code(code),
        raw_status: code.to_string(),
        client,
        collection: scenario.name.clone(),
        name,
        duration_ms: row.get("duration").and_then(Value::as_u64),
        usage: Usage {
            operations: row.get("operations").and_then(Value::as_u64),
            transfer: row.get("transfer").and_then(Value::as_u64),
            centicredits: row.get("centicredits").and_then(exact_integer),
            tokens: None,
            steps: None,
        },
        error: None,
        vendor_link: vendor_link(connection, scenario, row),
        raw: row.clone(),
    })
}

fn text_field(row: &Value, key: &str) -> Option<String> {
    row.get(key)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// `centicredits` is a "bigint": a JSON number beyond 2^53 or a string of digits.
/// serde_json keeps integers exact, so neither form passes through a float.
fn exact_integer(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// Make's own page for the execution, when the connection points at a real zone.
fn vendor_link(connection: &MakeConnection, scenario: &ScenarioRef, row: &Value) -> Option<String> {
    let origin = connection
        .base_url
        .strip_suffix("/api/v2")
        .filter(|origin| origin.starts_with("https://"))?;
    let team = row.get("teamId").and_then(Value::as_i64)?;
    let execution = row.get("imtId").and_then(Value::as_str)?;
    Some(format!(
        "{origin}/{team}/scenarios/{}/logs/{execution}",
        scenario.id
    ))
}

/// Decodes Make's error body (`{message, detail, code}`) into a readable error.
pub fn decode_error(http_status: u16, body: &str) -> VendorError {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let field = |key: &str| {
        parsed
            .as_ref()
            .and_then(|v| v.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let message = match (field("message"), field("detail")) {
        (Some(message), Some(detail)) if message != detail => format!("{message}: {detail}"),
        (Some(message), _) => message,
        (None, Some(detail)) => detail,
        (None, None) => "no error message in the answer".to_owned(),
    };
    VendorError {
        vendor: "Make",
        http_status,
        message,
        trace_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::config::Secret;
    use chrono::TimeZone;

    fn connection(base_url: &str) -> MakeConnection {
        MakeConnection {
            id: "make-eu".into(),
            name: "Make EU".into(),
            base_url: base_url.into(),
            token: Some(Secret::new("tok-123")),
            scenarios: vec![],
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
        let pairs = query_pairs(&request.url);
        let expected: Vec<(String, String)> = [
            ("from", "1795132800000"),
            ("to", "1795219200000"),
            ("status", "3"),
            ("pg[offset]", "100"),
            ("pg[limit]", "50"),
            ("pg[sortDir]", "desc"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(pairs, expected);
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
        let request = list_request(&connection("/demo"), &scenario(), params(&two));
        assert!(query_pairs(&request.url).iter().all(|(k, _)| k != "status"));
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
        "pg": {"sortBy": "timestamp", "sortDir": "desc", "limit": 2, "offset": 0}
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
        assert_eq!(page.next_offset, Some(2));
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
            Some("https://eu1.make.com/77/scenarios/4321/logs/a1b2")
        );
        assert_eq!(first.raw["somethingNew"]["x"], 1);
        assert_eq!(second.usage.centicredits, Some(u64::MAX));
        assert_eq!(second.client, None);
        assert_eq!(second.name.as_deref(), Some("manual"));
        assert_eq!(second.vendor_link, None);
    }

    #[test]
    fn a_short_page_is_the_last_one() {
        let statuses = BTreeSet::new();
        let page = decode_list(
            FIXTURE,
            &connection("/demo"),
            &scenario(),
            params(&statuses),
        )
        .unwrap();
        assert_eq!(page.next_offset, None);
    }

    #[test]
    fn wrong_shapes_name_the_field() {
        let statuses = BTreeSet::new();
        let decode = |body| decode_list(body, &connection("/d"), &scenario(), params(&statuses));
        let error = decode(r#"{"scenarioLogs":[{"id":1,"status":1,"timestamp":"yesterday"}]}"#)
            .unwrap_err();
        assert_eq!(error.field, "scenarioLogs[0].timestamp");
        assert!(error
            .to_string()
            .starts_with("Make scenario logs sent an unexpected answer"));
        assert_eq!(decode(r#"{"logs":[]}"#).unwrap_err().field, "scenarioLogs");
        assert_eq!(
            decode(r#"{"scenarioLogs":[{"id":"x"}"#).unwrap_err().field,
            "(body)"
        );
        assert_eq!(
            decode(
                r#"{"scenarioLogs":[{"id":"7","status":1,"timestamp":"2026-01-01T00:00:00Z"}]}"#
            )
            .unwrap_err()
            .field,
            "scenarioLogs[0].id"
        );
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
