//! Field access shared by the adapters: strict getters that name the field in
//! their error, lenient ones for what the specs leave loose.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{DecodeError, UnreadableRow};

/// Parses a body, or says it is not JSON.
pub fn parse_body(api: &'static str, body: &str) -> Result<Value, DecodeError> {
    serde_json::from_str(body).map_err(|e| DecodeError {
        api,
        field: super::WHOLE_BODY.into(),
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

/// The rows of one list: those read, those skipped, and how many the vendor sent
/// (paging counts what was sent, so a skipped row never ends paging early).
pub struct Rows<T> {
    pub read: Vec<T>,
    pub unreadable: Vec<UnreadableRow>,
    pub sent: usize,
}

/// Decodes every item of the list at `key` with `decode`. A row that cannot be read
/// is skipped and kept as an [`UnreadableRow`]: one odd row never hides the others.
/// Only a missing list fails the page.
pub fn rows<T>(
    api: &'static str,
    root: &Value,
    list: &'static str,
    decode: impl Fn(&RowContext, &Value) -> Result<T, DecodeError>,
) -> Result<Rows<T>, DecodeError> {
    let items = array(api, root, list)?;
    let mut rows = Rows {
        read: Vec::with_capacity(items.len()),
        unreadable: Vec::new(),
        sent: items.len(),
    };
    for (index, item) in items.iter().enumerate() {
        match decode(&RowContext { api, list, index }, item) {
            Ok(row) => rows.read.push(row),
            Err(error) => rows.unreadable.push(UnreadableRow {
                error,
                raw: item.to_string(),
            }),
        }
    }
    Ok(rows)
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

/// A signed integer sent as a number or as a string of digits (vendors do both).
pub fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// A number sent as a JSON number or as a numeric string.
pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => decimal(text),
        _ => None,
    }
    .filter(|number: &f64| number.is_finite())
}

/// A finite decimal number in any form Rust reads one (`-1.5e3`, `+3.5`, `.5`,
/// `5.`, `007`; surrounding spaces allowed), rewritten as JSON writes it and
/// read by the JSON parser the app carries anyway: the standard library's float
/// parser would add its 20 KB table of powers of five to the wasm for a few
/// numeric strings. `inf` and `NaN` are not numbers here.
pub fn decimal(text: &str) -> Option<f64> {
    let text = text.trim();
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) =
        unsigned.split_at(unsigned.find(['e', 'E']).unwrap_or(unsigned.len()));
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if whole.len() + fraction.len() == 0 || !digits(whole) || !digits(fraction) {
        return None;
    }
    let whole = match whole.trim_start_matches('0') {
        "" => "0",
        trimmed => trimmed,
    };
    let fraction = if fraction.is_empty() { "0" } else { fraction };
    serde_json::from_str::<f64>(&format!("{sign}{whole}.{fraction}{exponent}")).ok()
}

/// An identifier as opaque text: a non-empty string, or an integer written out.
/// Make documents execution ids as integers in one place and hex strings in another.
pub fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Value::Number(number) if number.is_u64() || number.is_i64() => Some(number.to_string()),
        _ => None,
    }
}

/// An ISO 8601 / RFC 3339 instant. One without an offset (`2025-11-15T10:30:00`,
/// also with a space for the `T`) is read as UTC, the zone every spec here uses.
pub fn iso_instant(value: &Value) -> Option<DateTime<Utc>> {
    let text = value.as_str()?.trim();
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(instant.with_timezone(&Utc));
    }
    crate::wall_clock::parse(text).map(|naive| naive.and_utc())
}

/// Unix seconds, as an integer, a float (fractions dropped) or a string of digits.
pub fn unix_seconds(value: &Value) -> Option<DateTime<Utc>> {
    let seconds = match value {
        Value::Number(number) => number
            .as_i64()
            .or_else(|| number.as_f64().filter(|s| s.is_finite()).map(|s| s as i64)),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }?;
    DateTime::from_timestamp(seconds, 0)
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
        assert_eq!(
            unix_seconds(&json!("1705407629")).map(|t| t.timestamp()),
            Some(1705407629)
        );
        assert_eq!(
            unix_seconds(&json!(1705407629.75)).map(|t| t.timestamp()),
            Some(1705407629)
        );
        assert!(unix_seconds(&json!("soon")).is_none());
    }

    #[test]
    fn instants_without_an_offset_are_utc() {
        let utc = iso_instant(&json!("2025-11-15T10:30:00Z"));
        assert_eq!(iso_instant(&json!("2025-11-15T10:30:00")), utc);
        assert_eq!(iso_instant(&json!("2025-11-15 10:30:00")), utc);
        assert!(iso_instant(&json!("2025-11-15T10:30:00.250")).is_some());
    }

    #[test]
    fn numbers_come_as_json_numbers_or_numeric_strings() {
        assert_eq!(number(&json!(1.5)), Some(1.5));
        assert_eq!(number(&json!(" 1520 ")), Some(1520.0));
        assert_eq!(number(&json!("-2.5e3")), Some(-2500.0));
        assert_eq!(number(&json!("+3.5")), Some(3.5));
        assert_eq!(number(&json!(".5")), Some(0.5));
        assert_eq!(number(&json!("5.")), Some(5.0));
        assert_eq!(number(&json!("-007")), Some(-7.0));
        assert_eq!(number(&json!("0E-7")), Some(0.0));
        assert_eq!(number(&json!("0.1")), Some(0.1));
        for not_a_number in [
            "", ".", "-", "e5", ".e5", "1e", "1.2.3", "1.5 s", "NaN", "inf", "1e400", "0x10",
            "--1", "+-1", "++1",
        ] {
            assert_eq!(number(&json!(not_a_number)), None, "{not_a_number}");
        }
    }

    proptest::proptest! {
        /// Every decimal Rust reads to a finite number reads the same here (to
        /// the JSON parser's precision), and nothing else does.
        #[test]
        fn decimals_read_as_rust_reads_them(
            text in "[ ]?[+-]?[0-9]{0,4}(\\.[0-9]{0,4})?([eE][+-]?[0-9]{0,3})?[ ]?",
        ) {
            let rust = text.trim().parse::<f64>().ok().filter(|n| n.is_finite());
            match (decimal(&text), rust) {
                (Some(ours), Some(rust)) => proptest::prop_assert!(
                    (ours - rust).abs() <= rust.abs() * 1e-15,
                    "{} read as {} not {}", text, ours, rust
                ),
                (ours, rust) => proptest::prop_assert_eq!(ours, rust, "{}", text),
            }
        }
    }

    #[test]
    fn ids_are_opaque_text_whatever_their_json_type() {
        assert_eq!(id_text(&json!(42)).as_deref(), Some("42"));
        assert_eq!(
            id_text(&json!("da518adcd14b4b64ac6358823ccb80ca")).as_deref(),
            Some("da518adcd14b4b64ac6358823ccb80ca")
        );
        assert_eq!(id_text(&json!("")), None);
        assert_eq!(id_text(&json!(1.5)), None);
        assert_eq!(id_text(&json!(null)), None);
        assert_eq!(integer(&json!("3")), Some(3));
        assert_eq!(integer(&json!(-2)), Some(-2));
        assert_eq!(integer(&json!("three")), None);
    }

    #[test]
    fn one_bad_row_is_skipped_with_its_path_and_raw_json() {
        let root = json!({"data": [{"n": 1}, {"n": "x"}, {"n": 3}]});
        let rows = rows("Test API", &root, "data", |context, item| {
            item.get("n")
                .and_then(Value::as_i64)
                .ok_or_else(|| context.error("n", "is not an integer"))
        })
        .unwrap();
        assert_eq!(rows.read, vec![1, 3]);
        assert_eq!(rows.sent, 3);
        assert_eq!(rows.unreadable.len(), 1);
        assert_eq!(rows.unreadable[0].error.field, "data[1].n");
        assert_eq!(rows.unreadable[0].raw, r#"{"n":"x"}"#);
    }
}
