//! The archive's store behind one trait, so SQLite (one file, the default),
//! PostgreSQL (for teams) and later a column store answer the same calls. The
//! SQL is written once here: both dialects share the schema, the migrations and
//! the filter, which is the core's unified filter ([`LogQuery::matches`]) in SQL.

use chrono::{DateTime, TimeZone, Utc};
use logdeck_core::client_id::ClientId;
pub use logdeck_core::histogram::Grid;
use logdeck_core::model::{CollectionType, LogRecord, RawJson, Usage};
use logdeck_core::query::{LogQuery, TimeWindow};
use logdeck_core::status::Status;

/// Why the store could not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "archive store: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// One page of rows matching a filter, newest first, with the exact total.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub records: Vec<LogRecord>,
    pub total: u64,
}

/// Rows per status in each bar of a [`Grid`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    /// `(bucket index, status, rows)`.
    pub cells: Vec<(usize, Status, u64)>,
}

impl Counts {
    /// Every row counted.
    pub fn total(&self) -> u64 {
        self.cells.iter().map(|(_, _, rows)| rows).sum()
    }
}

/// What every store does.
pub trait Store: Send {
    /// Stores a page and the stream's checkpoint in one transaction, so a crash
    /// never leaves rows without their checkpoint or the reverse. A row already
    /// stored (same source and id) is replaced: a run that was running has
    /// ended. `checkpoint` gets how many rows were new and gives the state to
    /// save; the count is also returned.
    fn commit_page(
        &mut self,
        stream: &str,
        records: &[LogRecord],
        checkpoint: &mut dyn FnMut(u64) -> String,
    ) -> Result<u64, StoreError>;
    /// The checkpoint saved for `stream`.
    fn state(&mut self, stream: &str) -> Result<Option<String>, StoreError>;
    /// Every stream's checkpoint, for the status endpoint.
    fn states(&mut self) -> Result<Vec<(String, String)>, StoreError>;
    /// The oldest run of `source` stored as running since `since`, to read it
    /// again; older ones are a vendor's stale rows and are not chased.
    fn oldest_running(
        &mut self,
        source: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError>;
    /// The rows `scope` selects, newest first, from `offset`.
    fn find(&mut self, scope: &Scope, offset: u64, limit: u32) -> Result<Found, StoreError>;
    /// Rows per bucket and status over the scope's window.
    fn histogram(&mut self, scope: &Scope, grid: &Grid) -> Result<Counts, StoreError>;
    /// Deletes the rows older than `before`; returns how many went.
    fn delete_before(&mut self, before: DateTime<Utc>) -> Result<u64, StoreError>;
    /// Writes a consistent copy of the whole store to `path` while it runs.
    fn backup(&mut self, path: &str) -> Result<(), StoreError>;
}

/// The schema, as numbered migrations both dialects run in order; the applied
/// ones are recorded in `logdeck_migrations`.
pub const MIGRATIONS: [(i64, &str); 3] = [
    (
        1,
        "CREATE TABLE records (
        source TEXT NOT NULL,
        id TEXT NOT NULL,
        at_ms BIGINT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        raw_status TEXT NOT NULL,
        client TEXT,
        collection TEXT NOT NULL,
        name TEXT,
        duration_ms BIGINT,
        operations BIGINT,
        transfer BIGINT,
        centicredits TEXT,
        tokens BIGINT,
        steps BIGINT,
        message TEXT,
        vendor_link TEXT,
        raw TEXT NOT NULL,
        search_text TEXT NOT NULL,
        PRIMARY KEY (source, id)
    );
    CREATE INDEX records_at ON records (at_ms);
    CREATE INDEX records_source_status ON records (source, status, at_ms);
    CREATE TABLE stream_states (stream TEXT PRIMARY KEY, state TEXT NOT NULL);",
    ),
    (
        CLIENT_ID_MIGRATION,
        "ALTER TABLE records ADD COLUMN client_id TEXT;
    CREATE INDEX records_client_id ON records (client_id, at_ms);
    CREATE INDEX records_client ON records (client, at_ms);
    CREATE INDEX records_at_status ON records (at_ms, status);
    DROP INDEX records_at;",
    ),
    (3, super::hourly::MIGRATION),
];

/// The migration that added `client_id`, and the indexes the dashboard's reads
/// need: `(at_ms, status)` answers the histogram and status counts from the
/// index alone (2 M rows, 90 days: SQLite's filtered first page p50 252 → 83 ms,
/// histogram 840 → 667 ms; PostgreSQL 668 → 223 ms and 438 → 226 ms), and
/// `(client, at_ms)` the Client filter's count; rows stored before it get theirs
/// from their vendor object ([`stored_client_id`]) in the same transaction.
pub const CLIENT_ID_MIGRATION: i64 = 2;

/// Rows read per statement while that migration fills `client_id` in.
pub const CLIENT_ID_BATCH: i64 = 5_000;

/// The kinds whose rows carry client ids, as SQL: what that migration re-reads.
pub const KINDS_WITH_CLIENT_IDS: &str = "('dify-workflows', 'aitronos-connectors')";

/// The client-id key a stored row's vendor object yields, read by the
/// adapter's own rule.
pub fn stored_client_id(kind: &str, raw: &str) -> Option<String> {
    let kind = CollectionType::from_key(kind)?;
    let raw: serde_json::Value = serde_json::from_str(raw).ok()?;
    logdeck_core::adapters::client_id_of(kind, &raw).map(|id| stored_text_of(&id.key()))
}

/// The statement that reads the next batch for that migration, after the
/// `(source, id)` bound as the first two values when `resuming`.
pub fn client_id_batch_statement(dialect: Dialect, resuming: bool) -> String {
    let after = if resuming {
        format!(
            "AND (source, id) > ({}, {})",
            dialect.placeholder(1),
            dialect.placeholder(2)
        )
    } else {
        String::new()
    };
    format!(
        "SELECT source, id, kind, raw FROM records WHERE kind IN {KINDS_WITH_CLIENT_IDS} {after} \
         ORDER BY source, id LIMIT {CLIENT_ID_BATCH}"
    )
}

/// Columns per row, in [`COLUMNS`] order.
pub const COLUMN_COUNT: usize = 20;

/// The columns in the order [`Row`] reads and writes them.
pub const COLUMNS: &str = "source, id, at_ms, kind, status, raw_status, client, collection, \
     name, duration_ms, operations, transfer, centicredits, tokens, steps, message, \
     vendor_link, raw, search_text, client_id";

/// A value bound to a statement, in either dialect.
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    Int(i64),
    Text(String),
    /// A missing integer: PostgreSQL binds nulls by type.
    NullInt,
    NullText,
}

/// How placeholders and substring search are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Postgres => format!("${n}"),
        }
    }

    /// Whether the record search text in `column` holds the term bound at
    /// `term` as [`logdeck_core::search_terms::record_text_holds`] says: the
    /// id (its first line) whole or by a start of enough characters, the
    /// other fields anywhere. Most rows lack the term: the first test, one
    /// search, settles them; a first find past the id settles most others.
    fn record_text_holds(self, column: &str, term: &str) -> String {
        let (find, line_break, length) = match self {
            Dialect::Sqlite => ("instr", "char(10)", "length"),
            Dialect::Postgres => ("strpos", "chr(10)", "char_length"),
        };
        let at = format!("{find}({column}, {term})");
        let id_end = format!("{find}({column}, {line_break})");
        let prefix = logdeck_core::search_terms::ID_PREFIX_CHARS;
        format!(
            "({at} > 0 AND ({at} > {id_end} \
             OR {find}(substr({column}, {id_end}), {term}) > 0 \
             OR substr({column}, 1, {id_end} - 1) = {term} \
             OR ({at} = 1 AND {length}({term}) >= {prefix})))"
        )
    }
}

/// A `WHERE` clause and its values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Clause {
    pub sql: String,
    pub values: Vec<Bound>,
}

impl Clause {
    /// Binds one more value and returns its placeholder.
    pub fn bind(&mut self, dialect: Dialect, value: Bound) -> String {
        self.values.push(value);
        dialect.placeholder(self.values.len())
    }
}

/// What a read asks for: the unified filters over a window, and optionally
/// only some streams (the app reads each archived source on its own).
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub query: LogQuery,
    pub window: TimeWindow,
    /// Source ids; empty means every stream.
    pub sources: Vec<String>,
}

impl Scope {
    /// Every stream, filtered by `query` over `window`.
    pub fn all(query: LogQuery, window: TimeWindow) -> Scope {
        Scope {
            query,
            window,
            sources: Vec::new(),
        }
    }
}

/// The scope as SQL: the same rows [`LogQuery::matches`] keeps over the window
/// (a proptest holds the two equal), from the scope's sources.
pub fn filter(scope: &Scope, dialect: Dialect) -> Clause {
    let (query, window) = (&scope.query, scope.window);
    let mut clause = Clause {
        sql: String::new(),
        values: Vec::new(),
    };
    let mut conditions = Vec::new();
    // Rows are kept to the millisecond: a window starting inside one starts
    // after it, as the core's comparison of instants has it.
    let from_ms = window.from.timestamp_millis()
        + i64::from(window.from.timestamp_subsec_nanos() % 1_000_000 != 0);
    let from = clause.bind(dialect, Bound::Int(from_ms));
    let to = clause.bind(dialect, Bound::Int(window.to.timestamp_millis()));
    conditions.push(format!("at_ms >= {from} AND at_ms <= {to}"));
    let any_of = |clause: &mut Clause, column: &str, values: Vec<String>| {
        let placeholders: Vec<String> = values
            .into_iter()
            .map(|value| clause.bind(dialect, Bound::Text(value)))
            .collect();
        (!placeholders.is_empty()).then(|| format!("{column} IN ({})", placeholders.join(", ")))
    };
    let statuses = query.statuses.iter().map(|s| s.key().to_owned()).collect();
    conditions.extend(any_of(&mut clause, "status", statuses));
    let kinds = query.types.iter().map(|k| k.key().to_owned()).collect();
    conditions.extend(any_of(&mut clause, "kind", kinds));
    let collections = query.collections.iter().cloned().collect();
    conditions.extend(any_of(&mut clause, "collection", collections));
    let clients = query.clients.iter().cloned().collect();
    conditions.extend(any_of(&mut clause, "client", clients));
    let client_ids = query
        .client_ids
        .iter()
        .map(|id| stored_text_of(&id.key()))
        .collect();
    conditions.extend(any_of(&mut clause, "client_id", client_ids));
    if !query.events.is_empty() {
        let audit = clause.bind(dialect, Bound::Text(CollectionType::MakeAudit.key().into()));
        conditions.push(format!("kind = {audit}"));
        let events = query.events.iter().cloned().collect();
        conditions.extend(any_of(&mut clause, "name", events));
    }
    // Every term of the search, each anywhere in the row's fields or as its id.
    for term in query.search().iter().flat_map(|search| search.terms()) {
        let term = clause.bind(dialect, stored_text(term));
        conditions.push(dialect.record_text_holds("search_text", &term));
    }
    conditions.extend(any_of(&mut clause, "source", scope.sources.clone()));
    clause.sql = conditions.join(" AND ");
    clause
}

/// A record as its table row, in [`COLUMNS`] order.
pub fn to_row(record: &LogRecord) -> Vec<Bound> {
    let text = |value: &Option<String>| value.as_deref().map_or(Bound::NullText, stored_text);
    let int = |value: Option<u64>| value.map_or(Bound::NullInt, |n| Bound::Int(saturating(n)));
    vec![
        stored_text(&record.source),
        stored_text(&record.id),
        Bound::Int(record.timestamp.timestamp_millis()),
        Bound::Text(record.kind.key().to_owned()),
        Bound::Text(record.status.key().to_owned()),
        stored_text(&record.raw_status),
        text(&record.client),
        stored_text(&record.collection),
        text(&record.name),
        int(record.duration_ms),
        int(record.usage.operations),
        int(record.usage.transfer),
        // Exact: centicredits can pass 2^63.
        record
            .usage
            .centicredits
            .map_or(Bound::NullText, |n| Bound::Text(n.to_string())),
        int(record.usage.tokens),
        int(record.usage.steps),
        text(&record.message),
        text(&record.vendor_link),
        stored_text(record.raw.as_str()),
        stored_text(&record.search_text()),
        record
            .client_id
            .as_ref()
            .map_or(Bound::NullText, |id| stored_text(&id.key())),
    ]
}

/// Text as both stores keep it: PostgreSQL's `TEXT` cannot hold a NUL, so no
/// store does (a vendor string with one would otherwise fail its page forever).
/// A record's `(source, id)` as stored (text columns drop NULs): what tells a
/// new row from one read again.
pub fn stored_key(record: &LogRecord) -> (String, String) {
    (record.source.replace('\0', ""), record.id.replace('\0', ""))
}

fn stored_text(text: &str) -> Bound {
    Bound::Text(stored_text_of(text))
}

fn stored_text_of(text: &str) -> String {
    text.replace('\0', "")
}

fn saturating(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A stored row read back, column by column in [`COLUMNS`] order.
pub struct Row {
    pub texts: [Option<String>; COLUMN_COUNT],
    pub ints: [Option<i64>; COLUMN_COUNT],
}

impl Row {
    /// The record the row holds; `Err` names what the store holds that the
    /// model cannot (a row written by a newer Logdeck, say).
    pub fn record(&self) -> Result<LogRecord, StoreError> {
        let text = |i: usize| self.texts[i].clone();
        let required = |i: usize, name: &str| {
            text(i).ok_or_else(|| StoreError(format!("a stored row has no {name}")))
        };
        let int = |i: usize| self.ints[i].and_then(|n| u64::try_from(n).ok());
        let at = self.ints[2].ok_or_else(|| StoreError("a stored row has no time".into()))?;
        Ok(LogRecord {
            source: required(0, "source")?,
            id: required(1, "id")?,
            timestamp: Utc
                .timestamp_millis_opt(at)
                .single()
                .ok_or_else(|| StoreError(format!("a stored time {at} is out of range")))?,
            kind: CollectionType::from_key(&required(3, "kind")?)
                .ok_or_else(|| StoreError("a stored row has an unknown kind".into()))?,
            status: Status::from_key(&required(4, "status")?).unwrap_or(Status::Unknown),
            raw_status: text(5).unwrap_or_default(),
            client: text(6),
            client_id: text(19).and_then(|key| ClientId::from_key(&key)),
            collection: text(7).unwrap_or_default(),
            name: text(8),
            duration_ms: int(9),
            usage: Usage {
                operations: int(10),
                transfer: int(11),
                centicredits: text(12).and_then(|n| n.parse().ok()),
                tokens: int(13),
                steps: int(14),
            },
            message: text(15),
            vendor_link: text(16),
            raw: RawJson::from_text(text(17).unwrap_or_else(|| "null".into())),
        })
    }
}

/// Which columns are text (the others are integers), in [`COLUMNS`] order.
pub const TEXT_COLUMNS: [bool; COLUMN_COUNT] = [
    true, true, false, true, true, true, true, true, true, false, false, false, true, false, false,
    true, true, true, true, true,
];

/// The histogram as one statement: `(bucket, status, rows)` per group, the
/// bucket computed by the database so only the groups travel.
pub fn histogram_statement(scope: &Scope, grid: &Grid, dialect: Dialect) -> Clause {
    histogram_over(filter(scope, dialect), grid, dialect)
}

/// `(bucket, status, rows)` of the rows `clause` selects, by
/// [`Grid::index_at_ms`]'s arithmetic (the rows lie inside the grid).
pub fn histogram_over(mut clause: Clause, grid: &Grid, dialect: Dialect) -> Clause {
    let from = clause.bind(dialect, Bound::Int(grid.from_ms));
    let count = clause.bind(dialect, Bound::Int(i64::try_from(grid.count).unwrap_or(1)));
    let span = clause.bind(dialect, Bound::Int(grid.span_ms.max(1)));
    clause.sql = format!(
        "SELECT ((at_ms - {from}) * {count}) / {span} AS bucket, status, COUNT(*) \
         FROM records WHERE {} GROUP BY bucket, status",
        clause.sql
    );
    clause
}

/// Folds the statement's groups into counts; the grid's last instant
/// belongs to the last bucket.
pub fn counts(groups: impl IntoIterator<Item = (i64, String, i64)>, grid: &Grid) -> Counts {
    let mut cells = std::collections::BTreeMap::new();
    for (bucket, status, rows) in groups {
        let bucket = usize::try_from(bucket.max(0))
            .unwrap_or(usize::MAX)
            .min(grid.count.saturating_sub(1));
        let status = Status::from_key(&status).unwrap_or(Status::Unknown);
        *cells.entry((bucket, status)).or_insert(0u64) += u64::try_from(rows).unwrap_or(0);
    }
    Counts {
        cells: cells.into_iter().map(|((b, s), n)| (b, s, n)).collect(),
    }
}
