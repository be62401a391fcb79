//! Builders shared by the core's unit tests.

use chrono::{DateTime, TimeZone, Utc};

use crate::model::{CollectionType, LogRecord, Usage};
use crate::status::Status;

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
