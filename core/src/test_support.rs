//! Builders shared by the core's unit tests.

use chrono::{DateTime, TimeZone, Utc};

use crate::model::{CollectionType, LogRecord, Usage};
use crate::status::Status;

/// A Make connection with one scenario (`mk/scenario/1`, then its audit
/// log) and a Dify app (`df`), all with keys.
pub fn make_and_dify_sources() -> Vec<crate::sources::Source> {
    let config = crate::config::RuntimeConfig::parse(
        r#"{"connections":[
            {"vendor":"make","id":"mk","name":"Make","baseUrl":"/m","token":"t",
             "scenarios":[{"id":1,"name":"Sync"}]},
            {"vendor":"dify","id":"df","name":"Bot","baseUrl":"/d","key":"k"}
        ]}"#,
    )
    .unwrap();
    crate::sources::Source::expand(&config)
}

/// 2026-01-01 00:00 UTC plus `minutes`.
pub fn minute(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::minutes(minutes)
}

/// A successful Make scenario record of `source` with id `id` at `timestamp`;
/// tests change the fields they care about with `..record(…)`.
pub fn record(source: &str, id: &str, timestamp: DateTime<Utc>) -> LogRecord {
    LogRecord {
        source: source.into(),
        kind: CollectionType::MakeScenarios,
        id: id.into(),
        timestamp,
        status: Status::Success,
        raw_status: "1".into(),
        client: None,
        client_id: None,
        collection: "c".into(),
        name: None,
        duration_ms: None,
        usage: Usage::default(),
        message: None,
        vendor_link: None,
        raw: crate::model::RawJson::null(),
    }
}

/// A row sent as `raw` that could not be read (its time missing).
pub fn unreadable(raw: &str) -> crate::adapters::UnreadableRow {
    crate::adapters::UnreadableRow {
        error: crate::adapters::DecodeError {
            api: "Test",
            field: "data[0].created_at".into(),
            problem: "is missing".into(),
        },
        raw: raw.into(),
    }
}
