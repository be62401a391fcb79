//! A stream served by the team archive instead of its vendor: the same id,
//! label and kind, but its pages come from `GET /archive/v1/logs` on the
//! Logdeck server, which has synced it. The archive applies every unified
//! filter itself (the core's own semantics, in SQL) and counts exactly, and the
//! browser spends none of the vendor's rate budget.

use std::collections::BTreeSet;

use serde_json::Value;

use super::json;
use super::{Applied, Capabilities, DecodeError, Page};
use crate::http::{ApiRequest, VendorError};
use crate::model::{CollectionType, LogRecord};
use crate::query::{DisplayZone, LogQuery, Period, TimeWindow};
use crate::record_json;
use crate::sources::Source;
use crate::status::Status;
use crate::stream::{PageAt, Remote, Stream};

const API: &str = "Logdeck archive";

/// The archive applies every filter on the server, by the core's own rules,
/// except "Hide check runs": Make's list marks no run as a check run (only its
/// own filter knows them), so the archive keeps them all.
pub const CAPABILITIES: Capabilities = Capabilities {
    period: Applied::Server,
    status: Applied::Server,
    client: Applied::Server,
    collection: Applied::Server,
    text: Applied::Server,
    client_id: Applied::Server,
    check_runs: Applied::Unavailable(
        "not applied: the archive keeps Make's check runs, which Make's list does not mark",
    ),
};

/// What the archive is asked to select by: the view's filters over exactly
/// `window`, without the view's own state (sort, selection, live, zone).
pub fn archive_filters(query: &LogQuery, window: TimeWindow) -> LogQuery {
    LogQuery {
        period: Period::Absolute {
            from: window.from,
            to: window.to,
        },
        zone: DisplayZone::default(),
        ..query.selecting()
    }
}

/// A vendor stream read through the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchivedStream {
    pub inner: Box<Source>,
    /// The archive API's base path (`/archive/v1`).
    pub api: String,
}

impl Stream for ArchivedStream {
    fn id(&self) -> String {
        self.inner.id()
    }

    fn label(&self) -> String {
        format!("{} (archive)", self.inner.label())
    }

    fn kind(&self) -> CollectionType {
        self.inner.kind()
    }

    /// "Hide check runs" is the archive's to refuse only for Make scenarios;
    /// other kinds have no check runs.
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            check_runs: match self.kind() {
                CollectionType::MakeScenarios => CAPABILITIES.check_runs,
                _ => super::Applied::NotApplicable,
            },
            ..CAPABILITIES
        }
    }

    fn permission(&self) -> &'static str {
        "the team token, where the Logdeck server asks for one"
    }

    fn fixed_collection(&self) -> Option<&str> {
        self.inner.stream().fixed_collection()
    }

    fn can_have_status(&self, statuses: &BTreeSet<Status>) -> bool {
        self.inner.stream().can_have_status(statuses)
    }
}

impl Remote for ArchivedStream {
    /// The archive holds the keys; the browser needs none.
    fn has_key(&self) -> bool {
        true
    }

    fn list_request(&self, page: PageAt<'_>) -> ApiRequest {
        let filters = archive_filters(page.query, page.window);
        let mut query = url::form_urlencoded::Serializer::new(filters.to_query_string());
        query
            .append_pair("source", &self.inner.id())
            .append_pair("offset", &page.position.to_string())
            .append_pair("limit", &page.limit.to_string());
        ApiRequest {
            url: format!("{}/logs?{}", self.api.trim_end_matches('/'), query.finish()),
            headers: Vec::new(),
        }
    }

    fn decode_page(&self, body: &str, _page: PageAt<'_>) -> Result<Page, DecodeError> {
        let root = json::parse_body(API, body)?;
        let rows = json::rows(API, &root, "records", |context, item| {
            record_json::decode(item).map_err(|problem| context.error("(record)", &problem))
        })?;
        Ok(Page {
            next: root.get("nextOffset").and_then(Value::as_u64),
            records: rows.read,
            unreadable: rows.unreadable,
            total: root.get("total").and_then(Value::as_u64),
        })
    }

    fn reads_messages_later_for(&self, status: Status) -> bool {
        self.inner.reads_messages_later_for(status)
    }

    /// The stream's own message call (a failed Make run's execution detail),
    /// made by the archive with the key it holds.
    fn message_request(&self, record: &LogRecord) -> Option<ApiRequest> {
        let vendor = self.inner.remote()?.message_request(record)?;
        crate::archive_forward::forward_request(&self.api, &self.inner, &vendor)
    }

    /// The vendor's answer, passed back as it came.
    fn decode_message(&self, body: &str) -> Result<Option<String>, DecodeError> {
        match self.inner.remote() {
            Some(remote) => remote.decode_message(body),
            None => Ok(None),
        }
    }

    /// The server's own error shape, `{"error": {"code", "message"}}`, told as
    /// the vendor's stand-in.
    fn decode_error(&self, http_status: u16, body: &str) -> VendorError {
        let parsed: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let message = parsed["error"]["message"]
            .as_str()
            .map(|text| format!("The team archive: {text}"))
            .unwrap_or_else(|| format!("The team archive answered {http_status}"));
        VendorError {
            vendor: self.inner.vendor().unwrap_or(crate::vendor::Vendor::Make),
            http_status,
            message,
            trace_id: None,
            retry_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuntimeConfig;
    use crate::model::LogRecord;
    use crate::test_support::{minute, record};

    fn archived() -> ArchivedStream {
        let config = RuntimeConfig::parse(
            r#"{"connections":[{"vendor":"dify","id":"bot","name":"Bot","baseUrl":"https://api.dify.ai/v1","key":"k"}]}"#,
        )
        .unwrap();
        ArchivedStream {
            inner: Box::new(Source::expand(&config).remove(0)),
            api: "/archive/v1".into(),
        }
    }

    #[test]
    fn pages_come_from_the_archive_with_the_views_filters_and_no_key() {
        let query = LogQuery {
            statuses: [Status::Error].into(),
            text: "timed out".into(),
            selected: Some("bot:1".into()),
            ..LogQuery::default()
        };
        let window = TimeWindow {
            from: minute(0),
            to: minute(60),
        };
        let request = archived().list_request(PageAt {
            query: &query,
            window,
            position: 200,
            limit: 100,
        });
        assert_eq!(
            request.url,
            "/archive/v1/logs?period=2026-01-01T00%3A00%3A00Z..2026-01-01T01%3A00%3A00Z\
             &status=error&q=timed+out&source=bot&offset=200&limit=100"
        );
        assert!(
            request.headers.is_empty(),
            "no vendor key leaves the browser"
        );
        assert_eq!(archived().id(), "bot");
        assert_eq!(archived().label(), "Dify · Bot (archive)");
    }

    #[test]
    fn a_failed_make_runs_message_is_asked_of_the_archive() {
        let config = RuntimeConfig::parse(
            r#"{"connections":[{"vendor":"make","id":"mk","name":"Make","baseUrl":"/demo/make/api/v2",
                "scenarios":[{"id":7,"name":"Sync"}]}]}"#,
        )
        .unwrap();
        let stream = ArchivedStream {
            inner: Box::new(Source::expand(&config).remove(0)),
            api: "/archive/v1".into(),
        };
        let failed = LogRecord {
            status: Status::Error,
            message: None,
            ..record("mk/scenario/7", "a1b2", minute(5))
        };
        assert!(
            stream.reads_messages_later_for(Status::Error),
            "as the scenario's own stream"
        );
        assert!(!stream.reads_messages_later_for(Status::Success));
        let request = stream.message_request(&failed).unwrap();
        assert_eq!(
            request.url,
            "/archive/v1/vendor?source=mk%2Fscenario%2F7&path=%2Fscenarios%2F7%2Fexecutions%2Fa1b2"
        );
        let succeeded = LogRecord {
            status: Status::Success,
            ..failed
        };
        assert_eq!(stream.message_request(&succeeded), None);
    }

    #[test]
    fn a_page_reads_rows_totals_and_skips_a_broken_row() {
        let good = record_json::encode(&LogRecord {
            source: "bot".into(),
            ..record("bot", "run-1", minute(5))
        });
        let body = serde_json::json!({
            "records": [good, {"id": "broken"}],
            "total": 2,
            "nextOffset": 100
        })
        .to_string();
        let window = TimeWindow {
            from: minute(0),
            to: minute(60),
        };
        let page = archived()
            .decode_page(
                &body,
                PageAt {
                    query: &LogQuery::default(),
                    window,
                    position: 0,
                    limit: 100,
                },
            )
            .unwrap();
        assert_eq!(page.records.len(), 1);
        assert_eq!(page.unreadable.len(), 1);
        assert_eq!((page.next, page.total), (Some(100), Some(2)));
        let refused = archived().decode_error(
            401,
            r#"{"error":{"code":"relay_sign_in_required","message":"sign in at /relay-login"}}"#,
        );
        assert!(refused.message.contains("sign in at /relay-login"));
    }
}
