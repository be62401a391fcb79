//! The embedded store: one SQLite file (WAL), the default.

use chrono::{DateTime, TimeZone, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Connection, OptionalExtension};

use super::hourly;
use super::store::{
    client_id_batch_statement, filter, stored_client_id, stored_key, to_row, Bound, Clause, Counts,
    Dialect, Found, Grid, Row, Scope, Store, StoreError, CLIENT_ID_MIGRATION, COLUMNS,
    COLUMN_COUNT, MIGRATIONS, TEXT_COLUMNS,
};
use logdeck_core::model::LogRecord;
use logdeck_core::status::Status;

pub struct SqliteStore {
    connection: Connection,
}

fn failed(error: rusqlite::Error) -> StoreError {
    StoreError(error.to_string())
}

fn value(bound: &Bound) -> SqlValue {
    match bound {
        Bound::Int(n) => SqlValue::Integer(*n),
        Bound::Text(text) => SqlValue::Text(text.clone()),
        Bound::NullInt | Bound::NullText => SqlValue::Null,
    }
}

impl SqliteStore {
    /// Opens (or creates) the file at `path` and brings its schema up to date.
    pub fn open(path: &str) -> Result<SqliteStore, StoreError> {
        let connection = Connection::open(path).map_err(failed)?;
        // Another process (a backup, a second server) may hold the file briefly.
        connection
            .busy_timeout(std::time::Duration::from_secs(5))
            .map_err(failed)?;
        connection
            .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
            .map_err(failed)?;
        let mut store = SqliteStore { connection };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.connection
            .execute_batch(
                "CREATE TABLE IF NOT EXISTS logdeck_migrations (version BIGINT PRIMARY KEY)",
            )
            .map_err(failed)?;
        for (version, sql) in MIGRATIONS {
            let applied: Option<i64> = self
                .connection
                .query_row(
                    "SELECT version FROM logdeck_migrations WHERE version = ?1",
                    [version],
                    |row| row.get(0),
                )
                .optional()
                .map_err(failed)?;
            if applied.is_none() {
                let transaction = self.connection.transaction().map_err(failed)?;
                transaction.execute_batch(sql).map_err(failed)?;
                if version == CLIENT_ID_MIGRATION {
                    fill_client_ids(&transaction)?;
                }
                transaction
                    .execute(
                        "INSERT INTO logdeck_migrations (version) VALUES (?1)",
                        [version],
                    )
                    .map_err(failed)?;
                transaction.commit().map_err(failed)?;
            }
        }
        Ok(())
    }
}

/// Gives the rows stored before the client-id migration their id, read from
/// their vendor objects a batch at a time.
fn fill_client_ids(transaction: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    let mut after: Option<(String, String)> = None;
    loop {
        let sql = client_id_batch_statement(Dialect::Sqlite, after.is_some());
        let bounds: Vec<&String> = after.iter().flat_map(|(s, i)| [s, i]).collect();
        let rows: Vec<(String, String, String, String)> = transaction
            .prepare_cached(&sql)
            .map_err(failed)?
            .query_map(params_from_iter(bounds), |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .map_err(failed)?
            .collect::<Result<_, _>>()
            .map_err(failed)?;
        let mut update = transaction
            .prepare_cached("UPDATE records SET client_id = ?3 WHERE source = ?1 AND id = ?2")
            .map_err(failed)?;
        for (source, id, kind, raw) in &rows {
            if let Some(key) = stored_client_id(kind, raw) {
                update.execute([source, id, &key]).map_err(failed)?;
            }
        }
        match rows.into_iter().last() {
            Some((source, id, _, _)) => after = Some((source, id)),
            None => return Ok(()),
        }
    }
}

impl SqliteStore {
    /// The `(group, status, rows)` a histogram statement yields.
    fn groups(&self, statement: &Clause) -> Result<Vec<(i64, String, i64)>, StoreError> {
        let mut prepared = self.connection.prepare(&statement.sql).map_err(failed)?;
        let rows = prepared
            .query_map(
                params_from_iter(statement.values.iter().map(value)),
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .map_err(failed)?;
        rows.collect::<Result<_, _>>().map_err(failed)
    }
}

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let mut texts: [Option<String>; COLUMN_COUNT] = Default::default();
    let mut ints = [None; COLUMN_COUNT];
    for (index, is_text) in TEXT_COLUMNS.iter().enumerate() {
        if *is_text {
            texts[index] = row.get(index)?;
        } else {
            ints[index] = row.get(index)?;
        }
    }
    Ok(Row { texts, ints })
}

impl Store for SqliteStore {
    fn commit_page(
        &mut self,
        stream: &str,
        records: &[LogRecord],
        checkpoint: &mut dyn FnMut(u64) -> String,
    ) -> Result<u64, StoreError> {
        let transaction = self.connection.transaction().map_err(failed)?;
        let mut added = 0;
        {
            let placeholders: Vec<String> = (1..=COLUMN_COUNT).map(|n| format!("?{n}")).collect();
            let mut stored = transaction
                .prepare_cached(
                    "SELECT kind, status, at_ms FROM records WHERE source = ?1 AND id = ?2",
                )
                .map_err(failed)?;
            let mut deltas = hourly::Deltas::default();
            let mut upsert = transaction
                .prepare_cached(&format!(
                    "INSERT OR REPLACE INTO records ({COLUMNS}) VALUES ({})",
                    placeholders.join(", ")
                ))
                .map_err(failed)?;
            for record in records {
                let (source, id) = stored_key(record);
                let before: Option<(String, String, i64)> = stored
                    .query_row([&source, &id], |row| {
                        Ok((row.get(0)?, row.get(1)?, row.get(2)?))
                    })
                    .optional()
                    .map_err(failed)?;
                match before {
                    Some((kind, status, at_ms)) => deltas.replaced(&source, kind, status, at_ms),
                    None => added += 1,
                }
                deltas.stored(record);
                upsert
                    .execute(params_from_iter(to_row(record).iter().map(value)))
                    .map_err(failed)?;
            }
            for statement in deltas.statements(Dialect::Sqlite) {
                transaction
                    .execute(
                        &statement.sql,
                        params_from_iter(statement.values.iter().map(value)),
                    )
                    .map_err(failed)?;
            }
        }
        transaction
            .execute(
                "INSERT OR REPLACE INTO stream_states (stream, state) VALUES (?1, ?2)",
                [stream, checkpoint(added).as_str()],
            )
            .map_err(failed)?;
        transaction.commit().map_err(failed)?;
        Ok(added)
    }

    fn state(&mut self, stream: &str) -> Result<Option<String>, StoreError> {
        self.connection
            .query_row(
                "SELECT state FROM stream_states WHERE stream = ?1",
                [stream],
                |row| row.get(0),
            )
            .optional()
            .map_err(failed)
    }

    fn states(&mut self) -> Result<Vec<(String, String)>, StoreError> {
        let mut statement = self
            .connection
            .prepare("SELECT stream, state FROM stream_states ORDER BY stream")
            .map_err(failed)?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(failed)?;
        rows.collect::<Result<_, _>>().map_err(failed)
    }

    fn oldest_running(
        &mut self,
        source: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let at: Option<i64> = self
            .connection
            .query_row(
                "SELECT MIN(at_ms) FROM records WHERE source = ?1 AND status = ?2 AND at_ms >= ?3",
                rusqlite::params![source, Status::Running.key(), since.timestamp_millis()],
                |row| row.get(0),
            )
            .map_err(failed)?;
        Ok(at.and_then(|ms| Utc.timestamp_millis_opt(ms).single()))
    }

    fn find(&mut self, scope: &Scope, offset: u64, limit: u32) -> Result<Found, StoreError> {
        // The exact total is a one-bucket histogram: from the hourly counts
        // where they can answer.
        let total = self.histogram(scope, &Grid::even(scope.window, 1))?.total();
        let mut clause = filter(scope, Dialect::Sqlite);
        let limit_at = clause.bind(Dialect::Sqlite, Bound::Int(i64::from(limit)));
        let offset_at = clause.bind(
            Dialect::Sqlite,
            Bound::Int(i64::try_from(offset).unwrap_or(i64::MAX)),
        );
        let mut statement = self
            .connection
            .prepare(&format!(
                "SELECT {COLUMNS} FROM records WHERE {} \
                 ORDER BY at_ms DESC, source, id LIMIT {limit_at} OFFSET {offset_at}",
                clause.sql
            ))
            .map_err(failed)?;
        let rows = statement
            .query_map(params_from_iter(clause.values.iter().map(value)), read_row)
            .map_err(failed)?;
        let mut records = Vec::new();
        for row in rows {
            records.push(row.map_err(failed)?.record()?);
        }
        Ok(Found { records, total })
    }

    fn histogram(&mut self, scope: &Scope, grid: &Grid) -> Result<Counts, StoreError> {
        hourly::histogram(scope, grid, Dialect::Sqlite, |statement| {
            self.groups(statement)
        })
    }

    /// `VACUUM INTO`: a compact, consistent copy taken while the store runs.
    fn backup(&mut self, path: &str) -> Result<(), StoreError> {
        if std::path::Path::new(path).exists() {
            return Err(StoreError(format!("{path} exists: back up to a new file")));
        }
        self.connection
            .execute("VACUUM INTO ?1", [path])
            .map(|_| ())
            .map_err(failed)
    }

    fn delete_before(&mut self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let transaction = self.connection.transaction().map_err(failed)?;
        let deleted = transaction
            .execute(
                "DELETE FROM records WHERE at_ms < ?1",
                [before.timestamp_millis()],
            )
            .map_err(failed)?;
        for statement in hourly::after_retention(before.timestamp_millis(), Dialect::Sqlite) {
            transaction
                .execute(
                    &statement.sql,
                    params_from_iter(statement.values.iter().map(value)),
                )
                .map_err(failed)?;
        }
        transaction.commit().map_err(failed)?;
        Ok(deleted as u64)
    }
}
