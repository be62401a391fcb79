//! What the team archive says of each stream it syncs (`GET /archive/v1/status`),
//! told in the stream's line of the dashboard: an archived source is only as
//! fresh as its last sync, and a view of a period ending now must say so rather
//! than present the archive's rows as the whole period.

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::adapters::json;
use crate::adapters::DecodeError;
use crate::format;
use crate::http::ApiRequest;
use crate::query::TimeWindow;
use crate::zone::ZoneRules;

const API: &str = "Logdeck archive status";

/// One stream's sync state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncStatus {
    /// The stream's source id.
    pub stream: String,
    /// Every row up to this instant is stored; `None` while the backfill runs.
    pub synced_to: Option<DateTime<Utc>>,
    /// No row before this instant is stored (the backfill began there, or
    /// retention cut there); `None` when the archive does not say.
    pub covered_from: Option<DateTime<Utc>>,
    pub stored: u64,
    /// The last failure, until a page succeeds.
    pub last_error: Option<String>,
}

/// The status request, next to the archive's `logs` under `api`.
pub fn status_request(api: &str) -> ApiRequest {
    ApiRequest {
        url: format!("{}/status", api.trim_end_matches('/')),
        headers: Vec::new(),
    }
}

/// Reads `{"streams": [{"stream", "syncedTo", "stored", "lastError", …}]}`; a
/// stream entry that cannot be read is left out, not the answer.
pub fn decode_status(body: &str) -> Result<Vec<SyncStatus>, DecodeError> {
    let root = json::parse_body(API, body)?;
    let streams = root
        .get("streams")
        .and_then(Value::as_array)
        .ok_or_else(|| DecodeError {
            api: API,
            field: "streams".into(),
            problem: "is missing or not a list".into(),
        })?;
    Ok(streams
        .iter()
        .filter_map(|entry| {
            Some(SyncStatus {
                stream: json::text(entry, "stream")?,
                synced_to: entry.get("syncedTo").and_then(json::iso_instant),
                covered_from: entry.get("coveredFrom").and_then(json::iso_instant),
                stored: entry.get("stored").and_then(json::exact_u64).unwrap_or(0),
                last_error: json::text(entry, "lastError"),
            })
        })
        .collect())
}

impl SyncStatus {
    /// "archive synced to 2026-12-04 19:40:05: newer rows come with its next
    /// sync" when the view's window ends after that, so the rows are not the
    /// whole period; "archive synced" otherwise. Where its rows begin, when
    /// inside the window, a backfill and the last error are said too.
    pub fn line(&self, window: TimeWindow, zone: &ZoneRules) -> String {
        let mut line = match self.synced_to {
            None => format!("archive backfilling ({} rows stored so far)", self.stored),
            Some(synced) if synced < window.to => format!(
                "archive synced to {}: newer rows come with its next sync",
                format::timestamp_in(synced, zone)
            ),
            Some(_) => "archive synced past this period".to_owned(),
        };
        if let Some(from) = self.covered_from.filter(|from| *from > window.from) {
            line.push_str(&format!(
                " · holds rows from {} only",
                format::timestamp_in(from, zone)
            ));
        }
        if let Some(error) = &self.last_error {
            line.push_str(&format!(" · its last sync failed: {error}"));
        }
        line
    }
}

/// How far the least synced of the `shown` archived streams reaches, when that
/// is short of `window`'s end: a stream still backfilling, or one the archive
/// does not list yet, has nothing certain after the window's start.
pub fn synced_to(
    statuses: &[SyncStatus],
    shown: &[String],
    window: TimeWindow,
) -> Option<DateTime<Utc>> {
    shown
        .iter()
        .map(|stream| {
            statuses
                .iter()
                .find(|status| status.stream == *stream)
                .and_then(|status| status.synced_to)
                .unwrap_or(window.from)
        })
        .filter(|synced| *synced < window.to)
        .min()
}

/// Where the archive's rows begin for the archived sources shown, when inside
/// `window`: before it the archive never stored a row, so the period is whole
/// only from there (the latest start among them).
pub fn covered_from(
    statuses: &[SyncStatus],
    shown: &[String],
    window: TimeWindow,
) -> Option<DateTime<Utc>> {
    shown
        .iter()
        .filter_map(|stream| {
            statuses
                .iter()
                .find(|status| status.stream == *stream)?
                .covered_from
        })
        .filter(|from| *from > window.from)
        .max()
}

/// For the one-line summary of every source, the same reading as [`synced_to`]:
/// "archive backfilling" while a shown stream has no synced span yet (or is not
/// listed), else how far the least synced one reaches.
pub fn summary_note(
    statuses: &[SyncStatus],
    shown: &[String],
    window: TimeWindow,
    zone: &ZoneRules,
) -> Option<String> {
    let oldest = synced_to(statuses, shown, window)?;
    let backfilling = shown.iter().any(|stream| {
        !statuses
            .iter()
            .any(|status| status.stream == *stream && status.synced_to.is_some())
    });
    Some(if backfilling {
        "archive backfilling".to_owned()
    } else {
        format!("archive synced to {}", format::timestamp_in(oldest, zone))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::minute;

    #[test]
    fn each_stream_says_how_far_the_archive_has_it() {
        let body = r#"{"streams":[
            {"stream":"mk:1","syncedTo":"2026-01-01T00:30:00Z","coveredFrom":"2026-01-01T00:10:00Z","lagSeconds":30,"backfilling":false,"stored":120,"lastError":null},
            {"stream":"bot","syncedTo":null,"backfilling":true,"stored":40,"lastError":"Dify answered 429"},
            {"syncedTo":"2026-01-01T00:30:00Z"}
        ]}"#;
        let streams = decode_status(body).unwrap();
        assert_eq!(streams.len(), 2, "an entry without a stream is left out");
        let utc = ZoneRules::utc();
        assert_eq!(
            streams[0].line(
                TimeWindow {
                    from: minute(0),
                    to: minute(60)
                },
                &utc
            ),
            "archive synced to 2026-01-01 00:30:00: newer rows come with its next sync \
             · holds rows from 2026-01-01 00:10:00 only"
        );
        assert_eq!(
            streams[0].line(
                TimeWindow {
                    from: minute(0),
                    to: minute(20)
                },
                &utc
            ),
            "archive synced past this period · holds rows from 2026-01-01 00:10:00 only"
        );
        let later = TimeWindow {
            from: minute(15),
            to: minute(20),
        };
        assert_eq!(
            streams[0].line(later, &utc),
            "archive synced past this period"
        );
        assert_eq!(
            covered_from(&streams, &["mk:1".to_owned(), "bot".to_owned()], later),
            None,
            "held over the whole window"
        );
        assert_eq!(
            covered_from(
                &streams,
                &["mk:1".to_owned()],
                TimeWindow {
                    from: minute(0),
                    to: minute(20)
                }
            ),
            Some(minute(10))
        );
        assert_eq!(
            streams[1].line(
                TimeWindow {
                    from: minute(0),
                    to: minute(20)
                },
                &utc
            ),
            "archive backfilling (40 rows stored so far) · its last sync failed: Dify answered 429"
        );
        assert!(decode_status(r#"{"nope":1}"#).is_err());
        let shown = |ids: &[&str]| ids.iter().map(|id| (*id).to_owned()).collect::<Vec<_>>();
        let window = TimeWindow {
            from: minute(0),
            to: minute(60),
        };
        let past = TimeWindow {
            from: minute(0),
            to: minute(20),
        };
        assert_eq!(
            summary_note(&streams, &shown(&["mk:1"]), window, &utc).as_deref(),
            Some("archive synced to 2026-01-01 00:30:00")
        );
        assert_eq!(summary_note(&streams, &shown(&["mk:1"]), past, &utc), None);
        assert_eq!(
            summary_note(&streams, &shown(&["mk:1", "bot"]), past, &utc).as_deref(),
            Some("archive backfilling")
        );
        // A stream the archive does not list yet is not synced either.
        assert_eq!(
            summary_note(&streams, &shown(&["new"]), window, &utc).as_deref(),
            Some("archive backfilling")
        );
        assert_eq!(summary_note(&streams, &shown(&[]), window, &utc), None);
        assert_eq!(
            synced_to(&streams, &shown(&["mk:1"]), window),
            Some(minute(30))
        );
        // Backfilling, or not listed yet: nothing after the window's start is certain.
        assert_eq!(
            synced_to(&streams, &shown(&["mk:1", "bot"]), window),
            Some(minute(0))
        );
        assert_eq!(
            synced_to(&streams, &shown(&["new"]), window),
            Some(minute(0))
        );
        assert_eq!(synced_to(&streams, &shown(&["mk:1"]), past), None);
        assert_eq!(status_request("/archive/v1/").url, "/archive/v1/status");
    }
}
