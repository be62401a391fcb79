//! A log record as JSON, the archive API's row: the server writes it from its
//! store and the app reads it back, so both use this one codec. Keys are the
//! enums' URL keys; the vendor object travels as itself, not as a string.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};

use crate::client_id::ClientId;
use crate::model::{CollectionType, LogRecord, RawJson, Usage};
use crate::status::Status;

/// The record as a JSON object.
pub fn encode(record: &LogRecord) -> Value {
    let raw: Value = serde_json::from_str(record.raw.as_str()).unwrap_or(Value::Null);
    json!({
        "source": record.source,
        "kind": record.kind.key(),
        "id": record.id,
        "timestamp": record.timestamp.to_rfc3339_opts(SecondsFormat::Millis, true),
        "status": record.status.key(),
        "rawStatus": record.raw_status,
        "client": record.client,
        "clientId": record.client_id.as_ref().map(ClientId::key),
        "collection": record.collection,
        "name": record.name,
        "durationMs": record.duration_ms,
        "operations": record.usage.operations,
        "transfer": record.usage.transfer,
        "centicredits": record.usage.centicredits,
        "tokens": record.usage.tokens,
        "steps": record.usage.steps,
        "message": record.message,
        "vendorLink": record.vendor_link,
        "raw": raw,
    })
}

/// Reads a record back; `Err` names the first field that is missing or wrong.
pub fn decode(value: &Value) -> Result<LogRecord, String> {
    let object = value.as_object().ok_or("a record is not an object")?;
    let text = |key: &str| object.get(key).and_then(Value::as_str).map(str::to_owned);
    let required = |key: &str| text(key).ok_or_else(|| format!("{key} is missing"));
    let number = |key: &str| object.get(key).and_then(Value::as_u64);
    let kind = CollectionType::from_key(&required("kind")?).ok_or("kind is unknown")?;
    let timestamp = DateTime::parse_from_rfc3339(&required("timestamp")?)
        .map_err(|_| "timestamp is not RFC 3339")?
        .with_timezone(&Utc);
    Ok(LogRecord {
        source: required("source")?,
        kind,
        id: required("id")?,
        timestamp,
        status: text("status")
            .and_then(|key| Status::from_key(&key))
            .unwrap_or(Status::Unknown),
        raw_status: text("rawStatus").unwrap_or_default(),
        client: text("client"),
        client_id: text("clientId").and_then(|key| ClientId::from_key(&key)),
        collection: text("collection").unwrap_or_default(),
        name: text("name"),
        duration_ms: number("durationMs"),
        usage: Usage {
            operations: number("operations"),
            transfer: number("transfer"),
            centicredits: number("centicredits"),
            tokens: number("tokens"),
            steps: number("steps"),
        },
        message: text("message"),
        vendor_link: text("vendorLink"),
        raw: RawJson::of(object.get("raw").unwrap_or(&Value::Null)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{minute, record};

    #[test]
    fn a_record_survives_the_round_trip_whole() {
        let original = LogRecord {
            client: Some("Ada".into()),
            client_id: Some(crate::client_id::ClientId::new(
                crate::client_id::ClientIdKind::DifySession,
                "s:1",
            )),
            name: Some("Nightly".into()),
            duration_ms: Some(1520),
            usage: Usage {
                operations: Some(12),
                centicredits: Some(u64::MAX),
                ..Usage::default()
            },
            message: Some("DataError: Invalid date".into()),
            vendor_link: Some("https://eu1.make.com/x".into()),
            raw: RawJson::of(&json!({"id": "9f2c", "nested": [1, null]})),
            ..record("mk/scenario/1", "9f2c", minute(3))
        };
        let encoded = encode(&original);
        assert_eq!(
            encoded["raw"]["nested"][0], 1,
            "the vendor object as itself"
        );
        assert_eq!(decode(&encoded), Ok(original));
    }

    #[test]
    fn a_broken_record_names_its_field() {
        let mut value = encode(&record("s", "1", minute(1)));
        value["timestamp"] = json!("yesterday");
        assert_eq!(decode(&value), Err("timestamp is not RFC 3339".to_owned()));
        value["kind"] = json!("fax");
        assert_eq!(decode(&value), Err("kind is unknown".to_owned()));
        assert!(decode(&json!([])).is_err());
    }
}
