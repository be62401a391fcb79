//! Dify app API: `GET /workflows/logs` (one API key = one app).
//!
//! Window in ISO 8601 (`created_at__after`/`__before`), `status` for
//! `succeeded`/`failed`/`stopped`, `keyword` search, 1-based `page` with `limit`
//! 1..=100 and `has_more`. Timestamps in the answer are Unix **seconds** and
//! `elapsed_time` is float seconds. Auth: `Authorization: Bearer <app key>`.

use std::collections::BTreeSet;

use chrono::SecondsFormat;
use serde_json::Value;

use super::json::{self, RowContext};
use super::{Applied, Capabilities, DecodeError, Page};
use crate::client_id::{ClientId, ClientIdKind};
use crate::config::DifyConnection;
use crate::http::{build_url, ApiRequest, VendorError};
use crate::model::{CollectionType, LogRecord, RawJson, Usage};
use crate::query::{LogQuery, TimeWindow};
use crate::status::{self, Status};
use crate::stream::{PageAt, Remote, Stream};
use crate::vendor::Vendor;

const API: &str = "Dify workflow logs";

/// Dify's documented maximum page size.
pub const MAX_LIMIT: u32 = 100;

/// The app is the key itself. Text is searched in the browser over what the
/// table shows, like every source's, and Dify's `keyword` search is asked
/// beside it ([`KeywordSearch`]), over fields the list rows do not carry.
/// Clients are end-user sessions or accounts, which the API filters by session id
/// or account e-mail (its spec says "account ID"; its server looks up the e-mail)
/// while the table shows names, and names are not unique: the browser filters
/// names, and the Client id filter sends the id itself.
pub const CAPABILITIES: Capabilities = Capabilities {
    period: Applied::Server,
    status: Applied::ServerIfOneOf(&[
        (Status::Success, "succeeded"),
        (Status::Error, "failed"),
        (Status::Stopped, "stopped"),
    ]),
    client: Applied::Browser,
    collection: Applied::Server,
    text: Applied::BrowserAndServerOwnRules(KEYWORD_SCOPE),
    client_id: Applied::ServerIfOne,
    check_runs: Applied::NotApplicable,
};

/// Where Dify's `keyword` looks, for the hint and the note beside the rows.
pub const KEYWORD_SCOPE: &str =
    "on Dify's server, over each run's inputs, outputs, end user's session id and run id";

/// The runs of one app that Dify's `keyword` search finds for a term of the view's search:
/// loaded beside the app's own rows while a search is on, so a run found by
/// what it was given or gave back (which the list does not carry) shows with
/// those whose shown fields match. Its rows are the app's (same id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeywordSearch(pub DifyConnection);

/// What one list request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListParams<'a> {
    pub window: TimeWindow,
    pub statuses: &'a BTreeSet<Status>,
    /// The one chosen client id, when it is a Dify one.
    pub client_id: Option<&'a ClientId>,
    pub keyword: &'a str,
    /// 1-based.
    pub page: u64,
    pub limit: u32,
}

/// The filter value Dify accepts for a single selected status, if any.
pub fn server_status(statuses: &BTreeSet<Status>) -> Option<&'static str> {
    CAPABILITIES.status.status_param(statuses)
}

/// Builds the list request; `limit` is clamped to Dify's 1..=100.
pub fn list_request(connection: &DifyConnection, params: ListParams<'_>) -> ApiRequest {
    let iso = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut query = vec![
        ("created_at__after".to_owned(), iso(params.window.from)),
        ("created_at__before".to_owned(), iso(params.window.to)),
    ];
    if let Some(status) = server_status(params.statuses) {
        query.push(("status".to_owned(), status.to_owned()));
    }
    if let Some(id) = params.client_id {
        query.push((id.kind.param().to_owned(), id.value.clone()));
    }
    let keyword = params.keyword.trim();
    if !keyword.is_empty() {
        query.push(("keyword".to_owned(), keyword.to_owned()));
    }
    query.push(("page".to_owned(), params.page.max(1).to_string()));
    query.push((
        "limit".to_owned(),
        params.limit.clamp(1, MAX_LIMIT).to_string(),
    ));
    ApiRequest {
        url: build_url(&connection.base_url, "/workflows/logs", &query),
        headers: connection
            .key
            .iter()
            .map(|key| Vendor::Dify.auth().header_for(key))
            .collect(),
    }
}

/// Decodes a page; the next page number comes from `has_more`.
pub fn decode_list(
    body: &str,
    connection: &DifyConnection,
    params: ListParams<'_>,
) -> Result<Page, DecodeError> {
    let root = json::parse_body(API, body)?;
    let rows = json::rows(API, &root, "data", |context, item| {
        decode_item(context, item, connection)
    })?;
    // Without `has_more`, the total says whether rows remain, else a full
    // page says more may; by the page size Dify says it served, where it
    // says one.
    let asked = u64::from(params.limit.clamp(1, MAX_LIMIT));
    let served = root
        .get("limit")
        .and_then(json::exact_u64)
        .filter(|limit| *limit > 0)
        .map_or(asked, |limit| limit.min(asked));
    let has_more = match root.get("has_more").and_then(Value::as_bool) {
        Some(has_more) => has_more,
        None => match root.get("total").and_then(json::exact_u64) {
            Some(total) => params.page.max(1).saturating_mul(served) < total,
            None => rows.sent as u64 >= served,
        },
    };
    Ok(Page {
        next: (has_more && rows.sent > 0).then_some(params.page.max(1) + 1),
        records: rows.read,
        unreadable: rows.unreadable,
        total: root.get("total").and_then(json::exact_u64),
    })
}

fn decode_item(
    context: &RowContext,
    item: &Value,
    connection: &DifyConnection,
) -> Result<LogRecord, DecodeError> {
    let id =
        json::text(item, "id").ok_or_else(|| context.error("id", "is missing or not a string"))?;
    // No field is required by the spec: a row without its run summary still shows,
    // with an unknown status.
    let run = item
        .get("workflow_run")
        .filter(|run| run.is_object())
        .unwrap_or(&Value::Null);
    let timestamp = item
        .get("created_at")
        .and_then(json::unix_seconds)
        .or_else(|| run.get("created_at").and_then(json::unix_seconds))
        .ok_or_else(|| context.error("created_at", "is missing or not Unix seconds"))?;
    let raw_status = json::text(run, "status").unwrap_or_default();
    let account = item.get("created_by_account").filter(|a| a.is_object());
    let end_user = item.get("created_by_end_user").filter(|u| u.is_object());
    let client = account
        .and_then(|a| json::text(a, "name").or_else(|| json::text(a, "email")))
        .or_else(|| {
            end_user.and_then(|u| json::text(u, "session_id").or_else(|| json::text(u, "id")))
        });

    let duration_ms = run
        .get("elapsed_time")
        .and_then(json::number)
        .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
        .map(|seconds| (seconds * 1000.0).round() as u64);
    Ok(LogRecord {
        source: connection.id.clone(),
        kind: CollectionType::DifyWorkflows,
        id,
        timestamp,
        status: status::from_dify(&raw_status),
        raw_status,
        client,
        client_id: client_id(item),
        collection: connection.name.clone(),
        name: json::text(run, "triggered_from")
            .or_else(|| json::text(item, "created_from"))
            .or_else(|| json::text(run, "version")),
        duration_ms,
        usage: Usage {
            tokens: run.get("total_tokens").and_then(json::exact_u64),
            steps: run.get("total_steps").and_then(json::exact_u64),
            ..Usage::default()
        },
        message: json::text(run, "error"),
        vendor_link: None,
        raw: RawJson::of(item),
    })
}

/// The id behind the client a run shows, as the matching list parameter takes
/// it: the account's e-mail where an account is named, else the end user's
/// session id.
pub fn client_id(item: &Value) -> Option<ClientId> {
    let account = item.get("created_by_account").filter(|a| a.is_object());
    let account_named = account.is_some_and(|a| {
        json::text(a, "name")
            .or_else(|| json::text(a, "email"))
            .is_some()
    });
    if account_named {
        return account
            .and_then(|a| json::text(a, "email"))
            .map(|email| ClientId::new(ClientIdKind::DifyAccount, email));
    }
    item.get("created_by_end_user")
        .filter(|u| u.is_object())
        .and_then(|u| json::text(u, "session_id"))
        .map(|session| ClientId::new(ClientIdKind::DifySession, session))
}

/// Decodes Dify's error body (`{code, message, status}`).
pub fn decode_error(http_status: u16, body: &str) -> VendorError {
    let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let message = json::message_with_code(&parsed);
    VendorError {
        vendor: Vendor::Dify,
        http_status,
        message,
        trace_id: None,
        retry_after: None,
    }
}

/// What Dify's `keyword` is asked for beside the app `connection` while
/// `query` searches: one text, so the longest word or phrase its name lacks
/// of at most the 30 characters Dify reads, as typed
/// (`SearchTerms::server_term_beside`); the table checks the others.
fn asked_keyword(connection: &DifyConnection, query: &LogQuery) -> String {
    query
        .search()
        .and_then(|search| {
            let place = search.server_term_beside(&connection.name)?;
            Some(search.typed_term(place).to_owned())
        })
        .unwrap_or_default()
}

/// The list parameters for `page`, searching for `keyword` (empty: none).
fn params<'a>(page: PageAt<'a>, keyword: &'a str) -> ListParams<'a> {
    ListParams {
        window: page.window,
        statuses: &page.query.statuses,
        client_id: page
            .query
            .single_client_id_for(CollectionType::DifyWorkflows),
        keyword,
        page: page.position,
        limit: page.limit,
    }
}

/// A Dify app is one stream: its key reads that app's runs only.
impl Stream for DifyConnection {
    fn id(&self) -> String {
        self.id.clone()
    }

    fn label(&self) -> String {
        format!("Dify · {}", self.name)
    }

    fn kind(&self) -> CollectionType {
        CollectionType::DifyWorkflows
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    fn permission(&self) -> &'static str {
        "an app API key of this app (Dify keys belong to one app)"
    }

    fn fixed_collection(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl Remote for DifyConnection {
    fn has_key(&self) -> bool {
        self.key.is_some()
    }

    /// Dify pages by number, from 1.
    fn first_position(&self) -> u64 {
        1
    }

    fn list_request(&self, page: PageAt<'_>) -> ApiRequest {
        list_request(self, params(page, ""))
    }

    fn decode_page(&self, body: &str, page: PageAt<'_>) -> Result<Page, DecodeError> {
        decode_list(body, self, params(page, ""))
    }

    fn decode_error(&self, http_status: u16, body: &str) -> VendorError {
        decode_error(http_status, body)
    }
}

impl Stream for KeywordSearch {
    fn id(&self) -> String {
        self.0.id()
    }

    fn label(&self) -> String {
        format!("{} · Dify's search", self.0.label())
    }

    fn kind(&self) -> CollectionType {
        CollectionType::DifyWorkflows
    }

    fn capabilities(&self) -> Capabilities {
        CAPABILITIES
    }

    fn permission(&self) -> &'static str {
        self.0.permission()
    }

    fn fixed_collection(&self) -> Option<&str> {
        self.0.fixed_collection()
    }
}

impl Remote for KeywordSearch {
    fn has_key(&self) -> bool {
        self.0.has_key()
    }

    fn first_position(&self) -> u64 {
        1
    }

    fn list_request(&self, page: PageAt<'_>) -> ApiRequest {
        let keyword = asked_keyword(&self.0, page.query);
        list_request(&self.0, params(page, &keyword))
    }

    fn decode_page(&self, body: &str, page: PageAt<'_>) -> Result<Page, DecodeError> {
        let keyword = asked_keyword(&self.0, page.query);
        decode_list(body, &self.0, params(page, &keyword))
    }

    fn decode_error(&self, http_status: u16, body: &str) -> VendorError {
        decode_error(http_status, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use chrono::{TimeZone, Utc};

    fn connection() -> DifyConnection {
        DifyConnection {
            id: "dify".into(),
            name: "Support bot".into(),
            base_url: "https://api.dify.ai/v1".into(),
            requests_per_minute: None,
            key: Some(Secret::new("app-123")),
        }
    }

    fn params<'a>(statuses: &'a BTreeSet<Status>, keyword: &'a str) -> ListParams<'a> {
        ListParams {
            window: TimeWindow {
                from: Utc.with_ymd_and_hms(2026, 11, 20, 0, 0, 0).unwrap(),
                to: Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap(),
            },
            statuses,
            client_id: None,
            keyword,
            page: 2,
            limit: 500,
        }
    }

    #[test]
    fn list_request_uses_iso_times_bearer_auth_and_clamped_limit() {
        let failed = BTreeSet::from([Status::Error]);
        let request = list_request(&connection(), params(&failed, " refund "));
        let (path, query) = request.url.split_once('?').unwrap();
        assert_eq!(path, "https://api.dify.ai/v1/workflows/logs");
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let expected: Vec<(String, String)> = [
            ("created_at__after", "2026-11-20T00:00:00Z"),
            ("created_at__before", "2026-11-21T00:00:00Z"),
            ("status", "failed"),
            ("keyword", "refund"),
            ("page", "2"),
            ("limit", "100"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(pairs, expected);
        assert_eq!(
            request.headers,
            [("Authorization".to_owned(), "Bearer app-123".to_owned())]
        );
    }

    #[test]
    fn a_chosen_client_id_goes_to_its_own_parameter() {
        let none = BTreeSet::new();
        for (kind, expected) in [
            (
                ClientIdKind::DifyAccount,
                "&created_by_account=ada%40acme.io&",
            ),
            (
                ClientIdKind::DifySession,
                "&created_by_end_user_session_id=ada%40acme.io&",
            ),
        ] {
            let id = ClientId::new(kind, "ada@acme.io");
            let request = list_request(
                &connection(),
                ListParams {
                    client_id: Some(&id),
                    ..params(&none, "")
                },
            );
            assert!(request.url.contains(expected), "{}", request.url);
        }
    }

    #[test]
    fn only_the_documented_status_filters_are_sent() {
        assert_eq!(
            server_status(&BTreeSet::from([Status::Success])),
            Some("succeeded")
        );
        assert_eq!(
            server_status(&BTreeSet::from([Status::Stopped])),
            Some("stopped")
        );
        assert_eq!(server_status(&BTreeSet::from([Status::Warning])), None);
        assert_eq!(
            server_status(&BTreeSet::from([Status::Success, Status::Error])),
            None
        );
        let none = BTreeSet::new();
        let request = list_request(&connection(), params(&none, ""));
        assert!(!request.url.contains("status=") && !request.url.contains("keyword="));
    }

    const FIXTURE: &str = r#"{"page":2,"limit":2,"total":5,"has_more":true,"data":[
        {"id":"b7e2f8a1","workflow_run":{"id":"fb47","version":"2025-01-16 12:00:00.000000",
          "status":"succeeded","error":null,"elapsed_time":1.234,"total_tokens":150,
          "total_steps":3,"created_at":1705407629,"finished_at":1705407630,
          "exceptions_count":0,"triggered_from":"app"},
         "created_from":"service-api","created_by_role":"end_user","created_by_account":null,
         "created_by_end_user":{"id":"f1e2","type":"service_api","is_anonymous":false,
          "session_id":"user_chatflow_123"},"created_at":1705407629},
        {"id":"c9","workflow_run":{"id":"r2","status":"partial-succeeded","error":"Node 3 failed",
          "elapsed_time":0.5,"created_at":1705407700,"finished_at":null},
         "created_by_account":{"id":"a1","name":"Grace","email":"g@x.io"},"created_at":1705407700,
         "details":{"extra":true}},
        {"id":"d1","workflow_run":{"id":"r3","status":"running","finished_at":null},"created_at":1705407800}
    ]}"#;

    #[test]
    fn decodes_runs_in_seconds_with_nullable_fields() {
        let none = BTreeSet::new();
        let page = decode_list(FIXTURE, &connection(), params(&none, "")).unwrap();
        assert_eq!(page.next, Some(3));
        let [first, second, third] = &page.records[..] else {
            panic!("three records")
        };
        assert_eq!(first.timestamp, Utc.timestamp_opt(1705407629, 0).unwrap());
        assert_eq!(first.status, Status::Success);
        assert_eq!(first.client.as_deref(), Some("user_chatflow_123"));
        assert_eq!(first.collection, "Support bot");
        assert_eq!(first.name.as_deref(), Some("app"));
        assert_eq!(first.duration_ms, Some(1234));
        assert_eq!(
            (first.usage.tokens, first.usage.steps),
            (Some(150), Some(3))
        );
        assert_eq!(first.message, None);
        assert_eq!(
            (second.status, second.raw_status.as_str()),
            (Status::Warning, "partial-succeeded")
        );
        assert_eq!(second.client.as_deref(), Some("Grace"));
        assert_eq!(
            (&first.client_id, &second.client_id, &third.client_id),
            (
                &Some(ClientId::new(
                    ClientIdKind::DifySession,
                    "user_chatflow_123"
                )),
                &Some(ClientId::new(ClientIdKind::DifyAccount, "g@x.io")),
                &None
            ),
            "the session behind an end user, the e-mail behind an account"
        );
        assert_eq!(second.message.as_deref(), Some("Node 3 failed"));
        assert_eq!((third.status, third.duration_ms), (Status::Running, None));
    }

    #[test]
    fn the_last_page_says_so_and_wrong_shapes_name_the_field() {
        let none = BTreeSet::new();
        let last = decode_list(
            r#"{"data":[],"has_more":false}"#,
            &connection(),
            params(&none, ""),
        )
        .unwrap();
        assert_eq!(last.next, None);
        let page = decode_list(
            r#"{"data":[{"id":"x","workflow_run":null,"created_at":1},
                        {"id":"y","workflow_run":{},"created_at":"yesterday"},
                        {"id":"z","created_at":"1705407629"}],"has_more":true}"#,
            &connection(),
            params(&none, ""),
        )
        .unwrap();
        let ids: Vec<&str> = page.records.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            ["x", "z"],
            "no field is required but the id and a time"
        );
        assert_eq!(page.records[0].status, Status::Unknown);
        assert_eq!(page.unreadable.len(), 1);
        assert_eq!(page.unreadable[0].error.field, "data[1].created_at");
        assert_eq!(page.next, Some(3), "page 2 had more");
    }

    #[test]
    fn without_has_more_the_total_or_a_full_page_says_whether_rows_remain() {
        let none = BTreeSet::new();
        let next = |rows: usize, tail: &str| {
            let rows = vec![r#"{"id":"x","created_at":1705407629}"#; rows].join(",");
            let body = format!(r#"{{"data":[{rows}]{tail}}}"#);
            // Page 2 of 100 (the limit clamped to Dify's most).
            decode_list(&body, &connection(), params(&none, ""))
                .unwrap()
                .next
        };
        assert_eq!(next(100, r#","total":350"#), Some(3));
        assert_eq!(next(100, r#","total":200"#), None, "all 200 read");
        assert_eq!(next(100, ""), Some(3), "a full page");
        assert_eq!(next(99, ""), None, "a short page");
        assert_eq!(
            next(100, r#","has_more":false,"total":350"#),
            None,
            "the answer says"
        );
        // Dify served 50 a page: page 2 read rows 51 to 100 of 150.
        assert_eq!(next(50, r#","limit":50,"total":150"#), Some(3));
        assert_eq!(next(50, r#","limit":50"#), Some(3), "a full page of 50");
    }

    #[test]
    fn error_bodies_become_messages() {
        let error = decode_error(
            401,
            r#"{"code":"unauthorized","message":"Access token is invalid","status":401}"#,
        );
        assert_eq!(error.message, "Access token is invalid (unauthorized)");
        assert_eq!(error.vendor, Vendor::Dify);
    }
}
