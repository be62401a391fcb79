//! CSV: Logdeck's export (the API-logs columns, then usage figures, then ids) and
//! reading files back as a snapshot source, including the API platform's own export.
//!
//! Dates are ISO 8601 in the chosen display zone with the offset in every value.
//! Cells a spreadsheet would run as a formula are neutralised the way OWASP
//! recommends (a leading `'`), and restored when Logdeck reads its own file back.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, SecondsFormat, Timelike, Utc};
use serde_json::{json, Map, Value};

use super::adapters::json::decimal;
use super::adapters::{Applied, Capabilities};
use super::model::{CollectionType, LogRecord, RawJson, SharedRecord, Usage, SNAPSHOT_PREFIX};
use super::query::{LogQuery, Period};
use super::status::{self, Status};
use super::stream::Stream;
use super::wall_clock;
use super::zone::ZoneRules;

/// The header, in order: the API-logs export's columns, then what vendors add.
pub const HEADER: [&str; 21] = [
    "Date",
    "Type",
    "Code",
    "Status",
    "Gateway code",
    "Status details",
    "IP",
    "Timing (ms)",
    "Delay (ms)",
    "API collection",
    "Endpoint",
    "Client",
    "Job details",
    "Operations",
    "Transfer",
    "Centicredits",
    "Tokens",
    "Steps",
    "Collection type",
    "Record id",
    "Source",
];

/// The API platform's own export columns (see `api-logs.md`), which Logdeck's
/// first 13 follow (with units on the two durations).
const API_PLATFORM_HEADER: [&str; 13] = [
    "Date",
    "Type",
    "Code",
    "Status",
    "Gateway code",
    "Status details",
    "IP",
    "Timing",
    "Delay",
    "API collection",
    "Endpoint",
    "Client",
    "Job details",
];

/// Spreadsheets read a CSV without a byte-order mark as their local code page
/// and mangle every non-ASCII name; Logdeck writes one unless asked not to.
pub const BOM: &str = "\u{feff}";

/// Characters that make a spreadsheet treat a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell a spreadsheet would evaluate: starts like a formula and is not a
/// finite number.
fn formula_like(cell: &str) -> bool {
    cell.starts_with(FORMULA_STARTS) && decimal(cell).is_none()
}

/// A cell that already looks neutralised (`'=…`, `''=…`): it gets one more quote,
/// so reading back is exact.
fn quoted_formula(cell: &str) -> bool {
    cell.strip_prefix('\'')
        .is_some_and(|rest| formula_like(rest) || quoted_formula(rest))
}

/// Prefixes a formula-like cell with `'`, leaving real numbers (`-12`, `+3.5`) alone.
pub fn neutralise(cell: &str) -> String {
    if formula_like(cell) || quoted_formula(cell) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// Undoes [`neutralise`] when reading Logdeck's own file back.
fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) || quoted_formula(rest) => rest,
        _ => cell,
    }
}

/// The cells of one record, in [`HEADER`] order. Code is an HTTP status code,
/// so only rows that have one (an API platform's) fill it; a vendor's own status
/// value (Make's `3`, Dify's `partial-succeeded`) goes in Status. Rows from an
/// API-platform file keep their own status text, gateway code, IP and delay.
pub fn row(record: &LogRecord, zone: &ZoneRules) -> [String; 21] {
    let platform_fields = (record.kind == CollectionType::ApiPlatform).then(|| record.raw.parse());
    let raw = |key: &str| {
        platform_fields
            .as_ref()
            .and_then(|fields| fields.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let platform = record.kind == CollectionType::ApiPlatform;
    let number = |value: Option<u64>| value.map(|n| n.to_string()).unwrap_or_default();
    // A reopened export's row names the live row it copies, so exporting it
    // again still does, and the copy of a copy is known as a copy.
    let (source, id) = record
        .is_snapshot()
        .then(|| record.id.split_once(':'))
        .flatten()
        .unwrap_or((record.source.as_str(), record.id.as_str()));
    [
        record
            .timestamp
            .with_timezone(zone)
            .to_rfc3339_opts(SecondsFormat::Millis, false),
        record.status.label().to_owned(),
        if platform {
            record.raw_status.clone()
        } else {
            String::new()
        },
        if platform {
            raw("Status")
        } else {
            record.raw_status.clone()
        },
        if platform {
            raw("Gateway code")
        } else {
            String::new()
        },
        record.message.clone().unwrap_or_default(),
        if platform { raw("IP") } else { String::new() },
        number(record.duration_ms),
        if platform {
            number(timing_ms(&raw("Delay")))
        } else {
            String::new()
        },
        record.collection.clone(),
        record.name.clone().unwrap_or_default(),
        record.client.clone().unwrap_or_default(),
        record.vendor_link.clone().unwrap_or_default(),
        number(record.usage.operations),
        number(record.usage.transfer),
        number(record.usage.centicredits),
        number(record.usage.tokens),
        number(record.usage.steps),
        record.kind.label().to_owned(),
        id.to_owned(),
        source.to_owned(),
    ]
}

/// Writes CSV a chunk at a time, so an export of any size never holds the whole
/// file in one buffer: each [`CsvWriter::chunk`] can go straight into a Blob part.
pub struct CsvWriter {
    buffer: Vec<u8>,
    zone: ZoneRules,
}

impl CsvWriter {
    /// A writer whose first chunk starts with the header, after a [`BOM`] when
    /// `bom` is set.
    pub fn new(zone: ZoneRules, bom: bool) -> CsvWriter {
        let mut buffer = Vec::new();
        if bom {
            buffer.extend_from_slice(BOM.as_bytes());
        }
        push_record(&mut buffer, HEADER);
        CsvWriter { buffer, zone }
    }

    pub fn write(&mut self, record: &LogRecord) {
        let cells = row(record, &self.zone).map(|cell| neutralise(&cell));
        push_record(&mut self.buffer, cells);
    }

    /// The bytes written since the last chunk.
    pub fn chunk(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.buffer)
    }
}

/// One RFC 4180 record ending in CRLF: a cell holding a comma, a quote or a
/// line break is quoted, its quotes doubled. (Written here rather than by the
/// `csv` crate, whose writer links the standard library's float parser for a
/// quoting style Logdeck never uses: 20 KB of wasm.)
fn push_record<Cell: AsRef<str>>(out: &mut Vec<u8>, cells: impl IntoIterator<Item = Cell>) {
    let line_start = out.len();
    for (index, cell) in cells.into_iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        let cell = cell.as_ref();
        if cell.contains([',', '"', '\r', '\n']) {
            out.push(b'"');
            out.extend_from_slice(cell.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(cell.as_bytes());
        }
    }
    if out.len() == line_start {
        // One empty cell: quoted, or it would read as no record at all.
        out.extend_from_slice(b"\"\"");
    }
    out.extend_from_slice(b"\r\n");
}

/// A file that cannot be read as a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError(pub String);

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A snapshot read from a file, plus the rows that had to be skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Shared from the start: a file of 100 000 rows is built once, never
    /// copied into the timeline or an export, nor held twice while read.
    pub records: Vec<SharedRecord>,
    /// One line per unreadable row.
    pub problems: Vec<String>,
}

/// Reads Logdeck's own CSV or the API platform's export into records of `source`.
pub fn read(text: &str, source: &str) -> Result<Snapshot, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| FileError(format!("The file is not CSV: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let own =
        header.iter().any(|h| h == "Record id") && header.iter().any(|h| h == "Collection type");
    let platform = API_PLATFORM_HEADER
        .iter()
        .all(|column| header.iter().any(|h| h == column));
    if !own && !platform {
        return Err(FileError(format!(
            "Unknown CSV columns ({}): expected Logdeck's export or the API platform's (Date, Type, Code, Status, …).",
            header.join(", ")
        )));
    }
    let column: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let mut snapshot = Snapshot {
        records: Vec::new(),
        problems: Vec::new(),
    };
    // A reopened export's rows carry no vendor object, only where they came
    // from: one shared text per original source, not one per row.
    let mut raws: HashMap<String, RawJson> = HashMap::new();
    for (index, result) in reader.records().enumerate() {
        let line = index + 2;
        let cells = match result {
            Ok(cells) => cells,
            Err(e) => {
                snapshot.problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let cell = |name: &str| {
            column
                .get(name)
                .and_then(|&i| cells.get(i))
                .map(restore)
                .unwrap_or_default()
                .trim()
                .to_owned()
        };
        let decoded = if own {
            own_row(&cell, source, &mut raws)
        } else {
            platform_row(&cell, &header, &cells, source, line)
        };
        match decoded {
            Ok(record) => snapshot.records.push(SharedRecord::new(record)),
            Err(problem) => snapshot.problems.push(format!("line {line}: {problem}")),
        }
    }
    Ok(snapshot)
}

fn optional(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

fn number(text: &str) -> Option<u64> {
    text.parse().ok()
}

fn own_row(
    cell: &dyn Fn(&str) -> String,
    source: &str,
    raws: &mut HashMap<String, RawJson>,
) -> Result<LogRecord, String> {
    let timestamp = DateTime::parse_from_rfc3339(&cell("Date"))
        .map_err(|_| format!("Date {:?} is not an ISO 8601 date-time", cell("Date")))?
        .with_timezone(&Utc);
    let id = optional(cell("Record id")).ok_or("Record id is empty")?;
    let kind = CollectionType::from_label(&cell("Collection type"))
        .ok_or_else(|| format!("unknown collection type {:?}", cell("Collection type")))?;
    let status = Status::ALL
        .into_iter()
        .find(|s| s.label() == cell("Type"))
        .unwrap_or(Status::Unknown);
    let original_source = cell("Source");
    // Files from before the units and the Code/Status split still read.
    let either = |new: &str, old: &str| optional(cell(new)).unwrap_or_else(|| cell(old));
    let raw_status = if kind == CollectionType::ApiPlatform {
        cell("Code")
    } else {
        either("Status", "Code")
    };
    Ok(LogRecord {
        source: source.to_owned(),
        kind,
        id: if original_source.is_empty() {
            id
        } else {
            format!("{original_source}:{id}")
        },
        timestamp,
        status,
        raw_status,
        client: optional(cell("Client")),
        client_id: None,
        collection: cell("API collection"),
        name: optional(cell("Endpoint")),
        duration_ms: number(&either("Timing (ms)", "Timing")),
        usage: Usage {
            operations: number(&cell("Operations")),
            transfer: number(&cell("Transfer")),
            centicredits: number(&cell("Centicredits")),
            tokens: number(&cell("Tokens")),
            steps: number(&cell("Steps")),
        },
        message: optional(cell("Status details")),
        vendor_link: optional(cell("Job details")),
        // An API platform's row keeps the diagnostics only its object holds
        // (the writer reads them there), so a file exported again has them.
        raw: if kind == CollectionType::ApiPlatform {
            RawJson::of(&json!({
                "file": "Logdeck CSV",
                "source": original_source,
                "Status": cell("Status"),
                "Gateway code": cell("Gateway code"),
                "IP": cell("IP"),
                "Delay": cell("Delay (ms)"),
            }))
        } else {
            raws.entry(original_source.clone())
                .or_insert_with(|| {
                    RawJson::of(&json!({"file": "Logdeck CSV", "source": original_source}))
                })
                .clone()
        },
    })
}

fn platform_row(
    cell: &dyn Fn(&str) -> String,
    header: &[String],
    cells: &csv::StringRecord,
    source: &str,
    line: usize,
) -> Result<LogRecord, String> {
    let date = cell("Date");
    let timestamp =
        platform_date(&date).ok_or_else(|| format!("Date {date:?} is not a date and time"))?;
    let code = cell("Code");
    let status = match code.parse::<u16>() {
        Ok(http) => status::from_http_code(http),
        Err(_) => match cell("Type").to_lowercase().as_str() {
            "success" => Status::Success,
            "error" => Status::Error,
            _ => Status::Unknown,
        },
    };
    let raw: Map<String, Value> = header
        .iter()
        .zip(cells.iter())
        .map(|(name, value)| (name.clone(), Value::String(restore(value).to_owned())))
        .collect();
    Ok(LogRecord {
        source: source.to_owned(),
        kind: CollectionType::ApiPlatform,
        id: format!("line-{line}"),
        timestamp,
        status,
        raw_status: code,
        client: optional(cell("Client")),
        client_id: None,
        collection: cell("API collection"),
        name: optional(cell("Endpoint")),
        duration_ms: timing_ms(&cell("Timing")),
        usage: Usage::default(),
        message: optional(cell("Status details")),
        vendor_link: optional(cell("Job details")),
        raw: RawJson::of(&Value::Object(raw)),
    })
}

/// ISO 8601, or `YYYY-MM-DD HH:MM[:SS]` with an optional ` UTC` (taken as UTC).
fn platform_date(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(instant.with_timezone(&Utc));
    }
    let text = text.trim_end_matches(" UTC").trim_end_matches('Z');
    wall_clock::parse(text).map(|naive| naive.and_utc())
}

/// `120`, `120 ms`, `1.5 s` or `1.5s` as milliseconds.
fn timing_ms(text: &str) -> Option<u64> {
    let text = text.trim();
    let (value, factor) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 1.0)
    } else if let Some(seconds) = text.strip_suffix('s') {
        (seconds, 1000.0)
    } else {
        (text, 1.0)
    };
    let value = decimal(value)?;
    (value.is_finite() && value >= 0.0).then(|| (value * factor).round() as u64)
}

/// A name that says what the file holds, from the filters that made it:
/// `logdeck_warning+error_make-scenarios_7d_2026-11-22.csv`, or
/// `logdeck_all_2026-11-14T1200Z-2026-11-21T1200Z_2026-11-21.csv` for an exact
/// range; `filtered` where other filters (client, collection, search…) narrow
/// it, so no file of a few rows is named "all", and the search itself
/// (`logdeck_filtered_q-gmail-500_7d_…`).
pub fn file_name(query: &LogQuery, exported: DateTime<Utc>, extension: &str) -> String {
    let keys = |keys: Vec<&str>| (!keys.is_empty()).then(|| keys.join("+"));
    let statuses = keys(query.statuses.iter().map(|s| s.key()).collect());
    let kinds = keys(query.types.iter().map(|k| k.key()).collect());
    let others =
        query.active_filters() > usize::from(statuses.is_some()) + usize::from(kinds.is_some());
    let mut what = match (statuses, kinds) {
        (None, None) if others => "filtered".to_owned(),
        (None, None) => "all".to_owned(),
        (Some(one), None) | (None, Some(one)) => one,
        (Some(statuses), Some(kinds)) => format!("{statuses}_{kinds}"),
    };
    if others && what != "filtered" {
        what.push_str("_filtered");
    }
    if let Some(search) = search_part(query) {
        what.push('_');
        what.push_str(&search);
    }
    let period = query.period;
    let stamp =
        |t: DateTime<Utc>| format!("{}T{:02}{:02}Z", wall_clock::date(&t), t.hour(), t.minute());
    let period = match period {
        Period::Last(preset) => preset.key().to_owned(),
        Period::Absolute { from, to } => format!("{}-{}", stamp(from), stamp(to)),
    };
    format!(
        "logdeck_{what}_{period}_{}.{extension}",
        wall_clock::date(&exported)
    )
}

/// Characters of the search a file name keeps.
const SEARCH_IN_NAME: usize = 24;

/// The search as a part of a file name, `q-gmail-500`: its terms' ASCII
/// letters and digits, anything between them one `-` (no character a file
/// system refuses), at most [`SEARCH_IN_NAME`] of them. `None` without a
/// search, or when nothing of it is left.
fn search_part(query: &LogQuery) -> Option<String> {
    let search = query.search()?;
    let mut slug = String::new();
    for character in search.terms().join(" ").chars() {
        if slug.len() >= SEARCH_IN_NAME {
            break;
        }
        if character.is_ascii_alphanumeric() {
            slug.push(character);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    (!slug.is_empty()).then(|| format!("q-{slug}"))
}

/// A CSV snapshot opened from disk, as a stream: every filter runs in the browser
/// on its rows, which are all loaded at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSnapshot {
    pub name: String,
}

/// A file snapshot filters everything in the browser.
const FILE_CAPABILITIES: Capabilities = Capabilities {
    period: Applied::Browser,
    status: Applied::Browser,
    client: Applied::Browser,
    collection: Applied::Browser,
    text: Applied::Browser,
    client_id: Applied::Browser,
    check_runs: Applied::NotApplicable,
};

impl Stream for FileSnapshot {
    fn id(&self) -> String {
        format!("{SNAPSHOT_PREFIX}{}", self.name)
    }

    fn label(&self) -> String {
        format!("File · {}", self.name)
    }

    /// The snapshot's own rows carry their kinds; the file as a whole is an export.
    fn kind(&self) -> CollectionType {
        CollectionType::ApiPlatform
    }

    /// Its rows are of any kind, so of any status.
    fn can_have_status(&self, _: &BTreeSet<Status>) -> bool {
        true
    }

    fn capabilities(&self) -> Capabilities {
        FILE_CAPABILITIES
    }

    fn permission(&self) -> &'static str {
        "nothing: a file is read from disk"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;
    use chrono::TimeZone;

    fn record() -> LogRecord {
        LogRecord {
            source: "demo-make/scenario/1001".into(),
            kind: CollectionType::MakeScenarios,
            id: "905000".into(),
            timestamp: Utc.with_ymd_and_hms(2026, 11, 21, 10, 4, 5).unwrap()
                + chrono::Duration::milliseconds(120),
            status: Status::Error,
            raw_status: "3".into(),
            client: Some("=HYPERLINK(\"http://evil\")".into()),
            client_id: None,
            collection: "Sync, \"CRM\" leads".into(),
            name: Some("-2+3".into()),
            duration_ms: Some(1520),
            usage: Usage {
                operations: Some(12),
                transfer: Some(2048),
                centicredits: Some(9_007_199_254_740_993),
                tokens: None,
                steps: None,
            },
            message: Some("line one\nline two".into()),
            vendor_link: Some("https://eu1.make.com/77/scenarios/1001/logs/abc".into()),
            raw: RawJson::null(),
        }
    }

    fn export(records: &[LogRecord], offset: FixedOffset) -> String {
        let mut writer = CsvWriter::new(offset.into(), true);
        let mut bytes = writer.chunk();
        for record in records {
            writer.write(record);
            bytes.extend(writer.chunk());
        }
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn formulas_are_neutralised_but_numbers_are_not() {
        assert_eq!(neutralise("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralise("@cmd"), "'@cmd");
        assert_eq!(neutralise("+1 555 0100 call me"), "'+1 555 0100 call me");
        assert_eq!(neutralise("\tTAB"), "'\tTAB");
        assert_eq!(neutralise("-12"), "-12");
        assert_eq!(neutralise("+3.5"), "+3.5");
        assert_eq!(neutralise("plain"), "plain");
        assert_eq!(restore("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(restore("'quoted"), "'quoted");
        assert_eq!(neutralise("'=already"), "''=already");
        assert_eq!(restore("''=already"), "'=already");
    }

    #[test]
    fn export_follows_the_api_logs_columns_with_zoned_dates_and_rfc4180_quoting() {
        let paris = FixedOffset::east_opt(3600).unwrap();
        let text = export(&[record()], paris);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<&str> = reader
            .headers()
            .unwrap()
            .iter()
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        assert_eq!(header, HEADER);
        let row: Vec<String> = reader
            .records()
            .next()
            .unwrap()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(row[0], "2026-11-21T11:04:05.120+01:00");
        assert!(text.starts_with(BOM), "spreadsheets read UTF-8 by its mark");
        assert_eq!(
            (row[1].as_str(), row[2].as_str(), row[3].as_str()),
            ("Error", "", "3"),
            "Make's status 3 is no HTTP code: it goes in Status"
        );
        assert_eq!(row[5], "line one\nline two");
        assert_eq!(row[7], "1520");
        assert_eq!(row[9], "Sync, \"CRM\" leads");
        assert_eq!(
            row[10], "'-2+3",
            "a cell that is not a number but starts with - is neutralised"
        );
        assert_eq!(row[11], "'=HYPERLINK(\"http://evil\")");
        assert_eq!(row[12], "https://eu1.make.com/77/scenarios/1001/logs/abc");
        assert_eq!(row[15], "9007199254740993");
        assert_eq!(
            (row[18].as_str(), row[19].as_str(), row[20].as_str()),
            ("Make scenarios", "905000", "demo-make/scenario/1001")
        );
        assert!(text.contains("\r\n"));
        let utc = export(&[record()], FixedOffset::east_opt(0).unwrap());
        assert!(utc.contains("2026-11-21T10:04:05.120+00:00"));
    }

    #[test]
    fn an_export_reads_back_into_the_same_rows() {
        let original = record();
        let text = export(
            std::slice::from_ref(&original),
            FixedOffset::west_opt(5 * 3600).unwrap(),
        );
        let snapshot = read(&text, "file:export.csv").unwrap();
        assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
        let [back] = &snapshot.records[..] else {
            panic!("one record")
        };
        assert_eq!(back.timestamp, original.timestamp);
        assert_eq!(back.id, "demo-make/scenario/1001:905000");
        assert_eq!(back.source, "file:export.csv");
        assert_eq!(
            (back.status, back.raw_status.as_str(), back.kind),
            (Status::Error, "3", CollectionType::MakeScenarios)
        );
        assert_eq!(
            back.client, original.client,
            "the neutralising quote is removed again"
        );
        assert_eq!(back.name.as_deref(), Some("-2+3"));
        assert_eq!(
            (back.collection.as_str(), back.message.clone()),
            (original.collection.as_str(), original.message.clone())
        );
        assert_eq!(back.usage, original.usage);
        assert_eq!(back.vendor_link, original.vendor_link);
        // Exported again from the file, the row still names the live one.
        let again = export(&[LogRecord::clone(back)], FixedOffset::east_opt(0).unwrap());
        let copy = read(&again, "file:copy.csv").unwrap();
        assert_eq!(copy.records[0].id, "demo-make/scenario/1001:905000");
        assert_eq!(copy.records[0].origin_key(), original.key());
    }

    #[test]
    fn the_api_platforms_export_reads_as_records() {
        let text = "\u{feff}Date,Type,Code,Status,Gateway code,Status details,IP,Timing,Delay,API collection,Endpoint,Client,Job details\r\n\
            2024-05-01 10:00:00 UTC,Error,401,Unauthorized,4011,Missing token,203.0.113.5,12 ms,0 ms,Orders,/orders,Team A,\r\n\
            2024-05-01T10:00:05Z,Success,200,OK,,,203.0.113.6,1.5 s,,Orders,/orders/1,Team B,https://jobs/1\r\n\
            yesterday,Success,200,OK,,,,,,Orders,/x,C,\r\n";
        let snapshot = read(text, "file:api.csv").unwrap();
        assert_eq!(snapshot.records.len(), 2);
        assert_eq!(snapshot.problems.len(), 1);
        assert!(snapshot.problems[0].starts_with("line 4"));
        let failed = &snapshot.records[0];
        assert_eq!(
            (failed.status, failed.raw_status.as_str()),
            (Status::Error, "401")
        );
        assert_eq!(failed.duration_ms, Some(12));
        assert_eq!(failed.message.as_deref(), Some("Missing token"));
        assert_eq!(failed.kind, CollectionType::ApiPlatform);
        assert_eq!(snapshot.records[1].duration_ms, Some(1500));
        // Exporting keeps the platform's own diagnostics.
        let row = row(failed, &ZoneRules::utc());
        assert_eq!(
            (row[3].as_str(), row[4].as_str(), row[6].as_str()),
            ("Unauthorized", "4011", "203.0.113.5")
        );
        // And so does Logdeck's own file of them, read back and exported again.
        let delayed = &snapshot.records[0];
        let own = export(
            &[LogRecord::clone(delayed)],
            FixedOffset::east_opt(0).unwrap(),
        );
        let reread = read(&own, "file:own.csv").unwrap();
        let again = super::row(&reread.records[0], &ZoneRules::utc());
        let first = super::row(delayed, &ZoneRules::utc());
        assert_eq!(
            again[1..9],
            first[1..9],
            "Type to Delay, Code and IP among them"
        );
    }

    #[test]
    fn unknown_files_are_refused_with_the_columns_named() {
        let error = read("a,b\n1,2\n", "f").unwrap_err();
        assert!(error.0.contains("a, b"));
    }

    #[test]
    fn file_names_say_what_the_file_holds() {
        let at = |d| Utc.with_ymd_and_hms(2026, 11, d, 12, 0, 0).unwrap();
        let query = |link: &str| LogQuery::from_query_string(link).0;
        let errors = file_name(&query("status=error&period=7d"), at(22), "csv");
        assert_eq!(errors, "logdeck_error_7d_2026-11-22.csv");
        let both = file_name(
            &query(&format!(
                "status=error,warning&type=make-scenarios,dify-workflows&period={}..{}",
                at(14).to_rfc3339_opts(SecondsFormat::Secs, true),
                at(21).to_rfc3339_opts(SecondsFormat::Secs, true)
            )),
            at(21),
            "ndjson",
        );
        assert_eq!(
            both,
            "logdeck_warning+error_make-scenarios+dify-workflows_2026-11-14T1200Z-2026-11-21T1200Z_2026-11-21.ndjson"
        );
        let all = file_name(&LogQuery::default(), at(3), "csv");
        assert!(all.starts_with("logdeck_all_"), "{all}");
        let searched = file_name(&query("q=refund&period=7d"), at(3), "csv");
        assert_eq!(searched, "logdeck_filtered_q-refund_7d_2026-11-03.csv");
        let words = file_name(
            &query("q=GMAIL%20%22rate%20limit%22%20%2F..%2F&status=error&period=24h"),
            at(3),
            "csv",
        );
        assert_eq!(
            words, "logdeck_error_filtered_q-gmail-rate-limit_24h_2026-11-03.csv",
            "letters and digits only, nothing a path could read"
        );
        let long = file_name(&query(&format!("q={}", "a".repeat(40))), at(3), "csv");
        assert!(long.contains(&format!("_q-{}_", "a".repeat(24))), "{long}");
        let none_left = file_name(&query("q=%C3%A9%C3%A9"), at(3), "csv");
        assert_eq!(
            none_left, "logdeck_filtered_7d_2026-11-03.csv",
            "no letter of the search is ASCII"
        );
        let failed_for_ada = file_name(&query("status=error&client=Ada&period=7d"), at(3), "csv");
        assert_eq!(failed_for_ada, "logdeck_error_filtered_7d_2026-11-03.csv");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Any text, and often the characters CSV quoting is about.
    fn cell() -> impl Strategy<Value = String> {
        prop_oneof![any::<String>(), "[a,\"\r\n ]{0,6}"]
    }

    proptest! {
        #[test]
        fn any_cells_written_read_back_whole(
            cells in prop::collection::vec(cell(), 1..6),
            more in prop::collection::vec(cell(), 1..6),
        ) {
            let mut written = Vec::new();
            push_record(&mut written, &cells);
            push_record(&mut written, &more);
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(written.as_slice());
            let read: Vec<Vec<String>> = reader
                .records()
                .map(|record| record.unwrap().iter().map(str::to_owned).collect())
                .collect();
            prop_assert_eq!(read, vec![cells, more]);
        }

        #[test]
        fn neutralised_cells_never_start_a_formula_and_restore_exactly(cell in any::<String>()) {
            let safe = neutralise(&cell);
            let is_number = decimal(&cell).is_some();
            prop_assert!(is_number || !safe.starts_with(FORMULA_STARTS));
            prop_assert!(!formula_like(&safe));
            prop_assert_eq!(restore(&safe), cell.as_str());
        }
    }
}
