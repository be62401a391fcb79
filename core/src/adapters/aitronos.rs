//! Aitronos personal connectors: `GET /v1/personal-connectors/logs`.
//!
//! The reference documents only `id` and `created_at` per item, so everything else
//! is read generically when present and never required. Auth: `X-API-Key`.
//! `organization_id` is required; `limit`/`offset` paging with `has_more`.

use std::collections::BTreeSet;

use chrono::SecondsFormat;
use serde_json::Value;

use super::json::{self, RowContext};
use super::{Applied, Capabilities, DecodeError, Page};
use crate::client_id::{ClientId, ClientIdKind};
use crate::config::AitronosConnection;
use crate::http::{build_url, ApiRequest, VendorError};
use crate::model::{CollectionType, LogRecord, RawJson, Usage};
use crate::query::TimeWindow;
use crate::status::{self, Status};
use crate::stream::{PageAt, Remote, Stream};
use crate::vendor::Vendor;
use crate::wall_clock;

const API: &str = "Aitronos connector logs";

/// Credentials are filtered by id, which the table shows only when the item has no
/// name for it (names are not unique): the browser filters client names and
/// collections, and the Client id filter sends `credential_id` itself.
pub const CAPABILITIES: Capabilities = Capabilities {
    period: Applied::Server,
    status: Applied::ServerIfOneOf(&[
        (Status::Success, "success"),
        (Status::Error, "error"),
        (Status::Blocked, "blocked"),
        (Status::Timeout, "timeout"),
    ]),
    client: Applied::Browser,
    collection: Applied::Browser,
    text: Applied::Browser,
    client_id: Applied::ServerIfOne,
    check_runs: Applied::NotApplicable,
};

/// What one list request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListParams<'a> {
    pub window: TimeWindow,
    pub statuses: &'a BTreeSet<Status>,
    /// The one chosen client id, when it is a credential.
    pub client_id: Option<&'a ClientId>,
    pub offset: u64,
    pub limit: u32,
}

/// The documented status value for a single selected status, if any.
pub fn server_status(statuses: &BTreeSet<Status>) -> Option<&'static str> {
    CAPABILITIES.status.status_param(statuses)
}

pub fn list_request(connection: &AitronosConnection, params: ListParams<'_>) -> ApiRequest {
    let iso = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut query = vec![
        (
            "organization_id".to_owned(),
            connection.organization_id.clone(),
        ),
        ("start_date".to_owned(), iso(params.window.from)),
        // To the whole second at or after the end, so no row of the window's
        // last second is left out (the rows after the end are trimmed).
        (
            "end_date".to_owned(),
            iso(wall_clock::second_at_or_after(params.window.to)),
        ),
    ];
    if let Some(status) = server_status(params.statuses) {
        query.push(("status".to_owned(), status.to_owned()));
    }
    if let Some(id) = params.client_id {
        query.push((id.kind.param().to_owned(), id.value.clone()));
    }
    query.push(("limit".to_owned(), params.limit.max(1).to_string()));
    query.push(("offset".to_owned(), params.offset.to_string()));
    ApiRequest {
        url: build_url(&connection.base_url, "/v1/personal-connectors/logs", &query),
        headers: connection
            .key
            .iter()
            .map(|key| Vendor::Aitronos.auth().header_for(key))
            .collect(),
    }
}

pub fn decode_list(
    body: &str,
    connection: &AitronosConnection,
    params: ListParams<'_>,
) -> Result<Page, DecodeError> {
    let root = json::parse_body(API, body)?;
    // The status the server was asked for, which every row it sends has: a
    // row without a status of its own (the spec does not require one) has it.
    let asked = server_status(params.statuses).and(super::single(params.statuses));
    let rows = json::rows(API, &root, "logs", |context, item| {
        decode_item(context, item, connection, asked)
    })?;
    let returned = root
        .get("returned")
        .and_then(json::exact_u64)
        .unwrap_or(rows.sent as u64);
    let total = root.get("total").and_then(json::exact_u64);
    // No field of the answer is required: without `has_more`, the total says
    // whether rows remain, else a full page says more may.
    let has_more = match root.get("has_more").and_then(Value::as_bool) {
        Some(has_more) => has_more,
        None => match total {
            Some(total) => params.offset.saturating_add(returned) < total,
            None => returned >= u64::from(params.limit.max(1)),
        },
    };
    Ok(Page {
        next: (has_more && returned > 0).then(|| params.offset.saturating_add(returned)),
        // The end is asked to the second after it: rows after the window's
        // instant are not the window's.
        records: rows
            .read
            .into_iter()
            .filter(|record| record.timestamp <= params.window.to)
            .collect(),
        unreadable: rows.unreadable,
        total,
    })
}

/// The first of `keys` holding a non-empty string.
fn first_text(item: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|key| json::text(item, key))
}

/// The id at `key` where no name is: as sent when a string, "connector #9"
/// when a number (the vendor may send one), as audit entries name a user
/// "user #9", so it reads as an id rather than a name.
fn id_named(item: &Value, key: &str, noun: &str) -> Option<String> {
    let value = item.get(key)?;
    match value {
        Value::Number(_) => json::id_text(value).map(|id| format!("{noun} #{id}")),
        _ => json::text(item, key),
    }
}

fn decode_item(
    context: &RowContext,
    item: &Value,
    connection: &AitronosConnection,
    asked: Option<Status>,
) -> Result<LogRecord, DecodeError> {
    let id = item
        .get("id")
        .and_then(json::id_text)
        .ok_or_else(|| context.error("id", "is missing or empty"))?;
    let timestamp = item
        .get("created_at")
        .and_then(json::iso_instant)
        .ok_or_else(|| context.error("created_at", "is missing or not a date-time"))?;
    let raw_status = json::text(item, "status").unwrap_or_default();
    let error = match item.get("error") {
        Some(Value::String(message)) if !message.is_empty() => Some(message.clone()),
        Some(object @ Value::Object(_)) => json::text(object, "message"),
        _ => json::text(item, "error_message"),
    };
    let duration_ms = ["duration_ms", "execution_time_ms", "duration"]
        .iter()
        .find_map(|key| item.get(*key).and_then(json::number))
        .filter(|ms| ms.is_finite() && *ms >= 0.0)
        .map(|ms| ms.round() as u64);
    Ok(LogRecord {
        source: connection.id.clone(),
        kind: CollectionType::AitronosConnectors,
        id,
        timestamp,
        status: if raw_status.is_empty() {
            asked.unwrap_or(Status::Unknown)
        } else {
            status::from_aitronos(&raw_status)
        },
        raw_status,
        client: first_text(item, &["credential_name"])
            .or_else(|| id_named(item, "credential_id", "credential")),
        client_id: client_id(item),
        collection: first_text(item, &["connector_name", "connector"])
            .or_else(|| id_named(item, "connector_id", "connector"))
            .unwrap_or_else(|| connection.name.clone()),
        name: first_text(item, &["tool_name", "tool", "action"]),
        duration_ms,
        usage: Usage::default(),
        message: error,
        vendor_link: None,
        raw: RawJson::of(item),
    })
}

/// The item's `credential_id`, the id behind the credential name shown.
pub fn client_id(item: &Value) -> Option<ClientId> {
    item.get("credential_id")
        .and_then(json::id_text)
        .map(|id| ClientId::new(ClientIdKind::AitronosCredential, id))
}

/// Decodes `{success:false, error:{code, message, trace_id, …}}`.
pub fn decode_error(http_status: u16, body: &str) -> VendorError {
    let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let error = parsed.get("error").cloned().unwrap_or(Value::Null);
    let message = json::message_with_code(&error);
    VendorError {
        vendor: Vendor::Aitronos,
        http_status,
        message,
        trace_id: json::text(&error, "trace_id"),
        retry_after: None,
    }
}

fn params<'a>(page: PageAt<'a>) -> ListParams<'a> {
    ListParams {
        window: page.window,
        statuses: &page.query.statuses,
        client_id: page
            .query
            .single_client_id_for(CollectionType::AitronosConnectors),
        offset: page.position,
        limit: page.limit,
    }
}

/// An Aitronos account's personal-connector logs.
impl Stream for AitronosConnection {
    fn id(&self) -> String {
        self.id.clone()
    }

    fn label(&self) -> String {
        self.name.clone()
    }

    fn kind(&self) -> CollectionType {
        CollectionType::AitronosConnectors
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    fn permission(&self) -> &'static str {
        "membership of the organization"
    }
}

impl Remote for AitronosConnection {
    fn has_key(&self) -> bool {
        self.key.is_some()
    }

    fn list_request(&self, page: PageAt<'_>) -> ApiRequest {
        list_request(self, params(page))
    }

    fn decode_page(&self, body: &str, page: PageAt<'_>) -> Result<Page, DecodeError> {
        decode_list(body, self, params(page))
    }

    fn decode_error(&self, http_status: u16, body: &str) -> VendorError {
        decode_error(http_status, body)
    }

    fn filters_statuses_rows_lack(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use chrono::{TimeZone, Utc};

    fn connection() -> AitronosConnection {
        AitronosConnection {
            id: "ait".into(),
            name: "Aitronos".into(),
            base_url: "https://api.aitronos.com".into(),
            requests_per_minute: None,
            key: Some(Secret::new("k-1")),
            organization_id: "org_9".into(),
        }
    }

    fn params(statuses: &BTreeSet<Status>) -> ListParams<'_> {
        ListParams {
            window: TimeWindow {
                from: Utc.with_ymd_and_hms(2025, 11, 1, 0, 0, 0).unwrap(),
                to: Utc.with_ymd_and_hms(2025, 11, 16, 0, 0, 0).unwrap(),
            },
            statuses,
            client_id: None,
            offset: 50,
            limit: 50,
        }
    }

    #[test]
    fn a_chosen_credential_id_is_sent_and_each_row_keeps_its_own() {
        let none = BTreeSet::new();
        let credential = ClientId::new(ClientIdKind::AitronosCredential, "cred 7");
        let request = list_request(
            &connection(),
            ListParams {
                client_id: Some(&credential),
                ..params(&none)
            },
        );
        assert!(
            request.url.contains("&credential_id=cred+7&"),
            "{}",
            request.url
        );
        let body = r#"{"logs":[{"id":"l1","created_at":"2025-11-15T10:30:00Z","credential_id":42,"credential_name":"Gmail"},
            {"id":"l2","created_at":"2025-11-15T10:31:00Z","credential_name":"Gmail"},
            {"id":"l3","created_at":"2025-11-15T10:32:00Z","credential_id":43,"connector_id":9}]}"#;
        let page = decode_list(body, &connection(), params(&none)).unwrap();
        assert_eq!(page.records[0].client.as_deref(), Some("Gmail"));
        assert_eq!(
            page.records[0].client_id,
            Some(ClientId::new(ClientIdKind::AitronosCredential, "42")),
            "a number as the vendor may send it"
        );
        assert_eq!(
            page.records[1].client_id, None,
            "no id, no guess from the name"
        );
        let nameless = &page.records[2];
        assert_eq!(
            (nameless.client.as_deref(), nameless.collection.as_str()),
            (Some("credential #43"), "connector #9"),
            "numeric ids shown as ids where no name is"
        );
    }

    #[test]
    fn list_request_carries_the_organization_and_the_key_header() {
        let blocked = BTreeSet::from([Status::Blocked]);
        let request = list_request(&connection(), params(&blocked));
        let (path, query) = request.url.split_once('?').unwrap();
        assert_eq!(path, "https://api.aitronos.com/v1/personal-connectors/logs");
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let expected: Vec<(String, String)> = [
            ("organization_id", "org_9"),
            ("start_date", "2025-11-01T00:00:00Z"),
            ("end_date", "2025-11-16T00:00:00Z"),
            ("status", "blocked"),
            ("limit", "50"),
            ("offset", "50"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(pairs, expected);
        assert_eq!(
            request.headers,
            [("X-API-Key".to_owned(), "k-1".to_owned())]
        );
        assert_eq!(server_status(&BTreeSet::from([Status::Warning])), None);
    }

    #[test]
    fn a_row_without_a_status_has_the_one_its_server_was_asked_for() {
        let body = r#"{"logs":[
            {"id":"a","created_at":"2025-11-15T10:30:00Z"},
            {"id":"b","created_at":"2025-11-15T10:31:00Z","status":"error"}
        ],"total":2,"returned":2,"has_more":false}"#;
        let statuses = |page: &Page| page.records.iter().map(|r| r.status).collect::<Vec<_>>();
        let error = BTreeSet::from([Status::Error]);
        let page = decode_list(body, &connection(), params(&error)).unwrap();
        assert_eq!(statuses(&page), [Status::Error, Status::Error]);
        assert_eq!(
            page.records[0].raw_status, "",
            "the row's own value stays as sent"
        );
        // Asked for no status, or for two (filtered here, not on the server).
        let none = BTreeSet::new();
        let two = BTreeSet::from([Status::Error, Status::Timeout]);
        for asked in [&none, &two] {
            let page = decode_list(body, &connection(), params(asked)).unwrap();
            assert_eq!(statuses(&page), [Status::Unknown, Status::Error]);
        }
    }

    #[test]
    fn decodes_the_documented_minimum_and_reads_extras_generically() {
        let body = r#"{"logs":[
            {"id":"abc123def456","created_at":"2025-11-15T10:30:00Z"},
            {"id":"x2","created_at":"2025-11-15T10:31:00Z","status":"timeout",
             "credential_name":"Gmail (work)","connector_name":"Gmail","tool_name":"send_email",
             "duration_ms":30000,"error":{"message":"Upstream timed out"}},
            {"id":7,"created_at":"2025-11-15T10:32:00+01:00","status":"error","error":"Bad token"}
        ],"total":42,"returned":3,"has_more":true}"#;
        let none = BTreeSet::new();
        let page = decode_list(body, &connection(), params(&none)).unwrap();
        assert_eq!(page.next, Some(53));
        let [minimal, full, numeric] = &page.records[..] else {
            panic!("three records")
        };
        assert_eq!(
            (minimal.status, minimal.collection.as_str()),
            (Status::Unknown, "Aitronos")
        );
        assert_eq!(minimal.client, None);
        assert_eq!(full.status, Status::Timeout);
        assert_eq!(full.client.as_deref(), Some("Gmail (work)"));
        assert_eq!(full.collection, "Gmail");
        assert_eq!(full.name.as_deref(), Some("send_email"));
        assert_eq!(full.duration_ms, Some(30_000));
        assert_eq!(full.message.as_deref(), Some("Upstream timed out"));
        assert_eq!(numeric.id, "7");
        assert_eq!(
            numeric.timestamp,
            Utc.with_ymd_and_hms(2025, 11, 15, 9, 32, 0).unwrap()
        );
        assert_eq!(numeric.message.as_deref(), Some("Bad token"));
    }

    #[test]
    fn without_has_more_the_total_or_a_full_page_says_whether_rows_remain() {
        let none = BTreeSet::new();
        let row = r#"{"id":"a","created_at":"2025-11-15T10:30:00Z"}"#;
        let next = |rows: usize, tail: &str| {
            let rows = vec![row; rows].join(",");
            let body = format!(r#"{{"logs":[{rows}]{tail}}}"#);
            decode_list(&body, &connection(), params(&none))
                .unwrap()
                .next
        };
        assert_eq!(next(50, r#","total":120,"returned":50"#), Some(100));
        assert_eq!(
            next(20, r#","total":70,"returned":20"#),
            None,
            "all 70 read"
        );
        assert_eq!(next(50, ""), Some(100), "a full page of 50");
        assert_eq!(next(49, ""), None, "a short page");
        // A count past any offset neither panics nor wraps.
        assert_eq!(
            next(1, r#","returned":18446744073709551615,"has_more":true"#),
            Some(u64::MAX)
        );
        assert_eq!(next(50, r#","has_more":false"#), None, "the answer says");
    }

    #[test]
    fn the_end_is_asked_to_the_next_whole_second_and_later_rows_are_trimmed() {
        let none = BTreeSet::new();
        let end = Utc.with_ymd_and_hms(2025, 11, 15, 10, 30, 0).unwrap()
            + chrono::Duration::milliseconds(400);
        let params = ListParams {
            window: TimeWindow {
                from: end - chrono::Duration::hours(1),
                to: end,
            },
            ..params(&none)
        };
        let request = list_request(&connection(), params);
        assert!(
            request.url.contains("end_date=2025-11-15T10%3A30%3A01Z"),
            "{}",
            request.url
        );
        let page = decode_list(
            r#"{"logs":[{"id":"late","created_at":"2025-11-15T10:30:00.700Z"},
                        {"id":"in","created_at":"2025-11-15T10:30:00.200Z"}],"has_more":false}"#,
            &connection(),
            params,
        )
        .unwrap();
        let ids: Vec<&str> = page.records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["in"]);
    }

    #[test]
    fn rows_missing_a_documented_field_are_skipped_and_named() {
        let none = BTreeSet::new();
        let page = decode_list(
            r#"{"logs":[{"id":"a"},{"created_at":"2025-11-15T10:30:00Z"},
                        {"id":"abc123def456","created_at":"2025-11-15T10:30:00Z"}],
                "has_more":true,"returned":3}"#,
            &connection(),
            params(&none),
        )
        .unwrap();
        let ids: Vec<&str> = page.records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["abc123def456"]);
        let fields: Vec<&str> = page
            .unreadable
            .iter()
            .map(|u| u.error.field.as_str())
            .collect();
        assert_eq!(fields, ["logs[0].created_at", "logs[1].id"]);
        assert_eq!(page.unreadable[0].raw, r#"{"id":"a"}"#);
        assert_eq!(
            page.next,
            Some(50 + 3),
            "skipped rows still count for paging"
        );
        let last = decode_list(
            r#"{"logs":[],"has_more":false}"#,
            &connection(),
            params(&none),
        )
        .unwrap();
        assert_eq!(last.next, None);
    }

    #[test]
    fn error_bodies_keep_the_trace_id() {
        let error = decode_error(
            401,
            r#"{"success":false,"error":{"code":"AUTHENTICATION_REQUIRED",
                "message":"Authentication required. Please provide a valid API key.",
                "trace_id":"req_abc123xyz","status":401}}"#,
        );
        assert_eq!(error.trace_id.as_deref(), Some("req_abc123xyz"));
        assert_eq!(
            error.message,
            "Authentication required. Please provide a valid API key. (AUTHENTICATION_REQUIRED)"
        );
    }
}
