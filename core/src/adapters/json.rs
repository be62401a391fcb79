//! Field access shared by the adapters: strict getters that name the field in
//! their error, lenient ones for what the specs leave loose.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::DecodeError;

/// Parses a body, or says it is not JSON.
pub fn parse_body(api: &'static str, body: &str) -> Result<Value, DecodeError> {
    serde_json::from_str(body).map_err(|e| DecodeError {
        api,
        field: "(body)".into(),
        problem: format!("is not JSON: {e}"),
    })
}

/// The array at `key`, or an error naming it.
pub fn array<'a>(
    api: &'static str,
    root: &'a Value,
    key: &str,
) -> Result<&'a [Value], DecodeError> {
    root.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .ok_or_else(|| DecodeError {
            api,
            field: key.to_owned(),
            problem: "is missing or not a list".into(),
        })
}

/// Builds errors for fields of one row, e.g. `data[3].created_at`.
pub struct RowContext {
    pub api: &'static str,
    pub list: &'static str,
    pub index: usize,
}

impl RowContext {
    pub fn error(&self, field: &str, problem: &str) -> DecodeError {
        DecodeError {
            api: self.api,
            field: format!("{}[{}].{field}", self.list, self.index),
            problem: problem.to_owned(),
        }
    }
}

/// Decodes every item of the list at `key` with `decode`, naming the item in errors.
pub fn rows<T>(
    api: &'static str,
    root: &Value,
    list: &'static str,
    decode: impl Fn(&RowContext, &Value) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    array(api, root, list)?
        .iter()
        .enumerate()
        .map(|(index, item)| decode(&RowContext { api, list, index }, item))
        .collect()
}

/// `message (code)`, or whichever of the two the vendor sent.
pub fn message_with_code(error: &Value) -> String {
    match (text(error, "message"), text(error, "code")) {
        (Some(message), Some(code)) => format!("{message} ({code})"),
        (Some(message), None) => message,
        (None, Some(code)) => code,
        (None, None) => "no error message in the answer".to_owned(),
    }
}

/// A non-empty string field.
pub fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// An integer that must not pass through a float: a JSON number or a string of digits.
pub fn exact_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// An ISO 8601 / RFC 3339 instant.
pub fn iso_instant(value: &Value) -> Option<DateTime<Utc>> {
    let text = value.as_str()?;
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Unix seconds.
pub fn unix_seconds(value: &Value) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(value.as_i64()?, 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exact_integers_keep_every_digit() {
        assert_eq!(
            exact_u64(&json!(9_007_199_254_740_993u64)),
            Some(9_007_199_254_740_993)
        );
        assert_eq!(exact_u64(&json!("18446744073709551615")), Some(u64::MAX));
        assert_eq!(exact_u64(&json!("12.5")), None);
        assert_eq!(exact_u64(&json!(-1)), None);
        assert_eq!(exact_u64(&json!(null)), None);
    }

    #[test]
    fn instants_parse_or_say_none() {
        assert!(iso_instant(&json!("2025-11-15T10:30:00Z")).is_some());
        assert!(iso_instant(&json!("2025-11-15T10:30:00+02:00")).is_some());
        assert!(iso_instant(&json!("15/11/2025")).is_none());
        assert_eq!(
            unix_seconds(&json!(1705407629)).map(|t| t.timestamp()),
            Some(1705407629)
        );
        assert!(unix_seconds(&json!("1705407629")).is_none());
    }
}
