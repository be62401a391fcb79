//! The team store: PostgreSQL, for an archive that outgrows one machine. Same
//! schema, migrations and filter as SQLite (see `store`).

use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use postgres::types::ToSql;
use postgres::{Client, NoTls};

use super::hourly;
use super::store::{
    client_id_batch_statement, filter, stored_client_id, stored_key, to_row, Bound, Clause, Counts,
    Dialect, Found, Grid, Row, Scope, Store, StoreError, CLIENT_ID_MIGRATION, COLUMNS,
    COLUMN_COUNT, MIGRATIONS, TEXT_COLUMNS,
};
use logdeck_core::model::LogRecord;
use logdeck_core::status::Status;

pub struct PostgresStore {
    config: postgres::Config,
    /// `None` until connected; opened again when the server dropped it.
    client: Option<Client>,
}

fn failed(error: postgres::Error) -> StoreError {
    StoreError(error.to_string())
}

/// The values as the driver binds them: integers as `BIGINT`, text as `TEXT`.
fn params(values: &[Bound]) -> Vec<Box<dyn ToSql + Sync>> {
    values
        .iter()
        .map(|bound| -> Box<dyn ToSql + Sync> {
            match bound {
                Bound::Int(n) => Box::new(*n),
                Bound::Text(text) => Box::new(text.clone()),
                Bound::NullInt => Box::new(None::<i64>),
                Bound::NullText => Box::new(None::<String>),
            }
        })
        .collect()
}

/// Rows per `INSERT`: 20 values each, well under PostgreSQL's 65 535 parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// Each stored `(source, id)` once (as stored: without NULs), as its last
/// reading in the page (a run read twice while it finished), in page order.
fn last_of_each(records: &[LogRecord]) -> Vec<&LogRecord> {
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<&LogRecord> = records
        .iter()
        .rev()
        .filter(|record| seen.insert(stored_key(record)))
        .collect();
    kept.reverse();
    kept
}

fn refs(boxed: &[Box<dyn ToSql + Sync>]) -> Vec<&(dyn ToSql + Sync)> {
    boxed.iter().map(|value| value.as_ref()).collect()
}

impl PostgresStore {
    /// Connects with a libpq-style URL or key=value string and brings the
    /// schema up to date.
    pub fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let mut config: postgres::Config = url
            .parse()
            .map_err(|_| StoreError("the PostgreSQL URL cannot be read".into()))?;
        // A hung database must not hold the archive's one connection forever.
        config
            .connect_timeout(Duration::from_secs(10))
            .options("-c statement_timeout=60000");
        let mut store = PostgresStore {
            config,
            client: None,
        };
        store.migrate()?;
        Ok(store)
    }

    /// The connection, opened again if the server dropped it (a restart).
    fn client(&mut self) -> Result<&mut Client, StoreError> {
        if self.client.as_ref().is_none_or(Client::is_closed) {
            self.client = Some(self.config.connect(NoTls).map_err(failed)?);
        }
        self.client
            .as_mut()
            .ok_or_else(|| StoreError("no PostgreSQL connection".into()))
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        self.client()?
            .batch_execute(
                "CREATE TABLE IF NOT EXISTS logdeck_migrations (version BIGINT PRIMARY KEY)",
            )
            .map_err(failed)?;
        for (version, sql) in MIGRATIONS {
            let applied = self
                .client()?
                .query_opt(
                    "SELECT version FROM logdeck_migrations WHERE version = $1",
                    &[&version],
                )
                .map_err(failed)?;
            if applied.is_none() {
                let mut transaction = self.client()?.transaction().map_err(failed)?;
                transaction.batch_execute(sql).map_err(failed)?;
                if version == CLIENT_ID_MIGRATION {
                    fill_client_ids(&mut transaction)?;
                }
                transaction
                    .execute(
                        "INSERT INTO logdeck_migrations (version) VALUES ($1)",
                        &[&version],
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
fn fill_client_ids(transaction: &mut postgres::Transaction<'_>) -> Result<(), StoreError> {
    let mut after: Option<(String, String)> = None;
    loop {
        let sql = client_id_batch_statement(Dialect::Postgres, after.is_some());
        let bounds: Vec<&(dyn ToSql + Sync)> = after
            .iter()
            .flat_map(|(s, i)| [s as &(dyn ToSql + Sync), i as &(dyn ToSql + Sync)])
            .collect();
        let rows = transaction.query(&sql, &bounds).map_err(failed)?;
        let mut last = None;
        let (mut sources, mut ids, mut keys) = (Vec::new(), Vec::new(), Vec::new());
        for row in &rows {
            let text = |index: usize| row.try_get::<_, String>(index).map_err(failed);
            let (source, id, kind, raw) = (text(0)?, text(1)?, text(2)?, text(3)?);
            if let Some(key) = stored_client_id(&kind, &raw) {
                sources.push(source.clone());
                ids.push(id.clone());
                keys.push(key);
            }
            last = Some((source, id));
        }
        // The batch's ids in one statement, not one round trip per row.
        transaction
            .execute(
                "UPDATE records SET client_id = u.client_id \
                 FROM unnest($1::text[], $2::text[], $3::text[]) AS u(source, id, client_id) \
                 WHERE records.source = u.source AND records.id = u.id",
                &[&sources, &ids, &keys],
            )
            .map_err(failed)?;
        match last {
            Some(key) => after = Some(key),
            None => return Ok(()),
        }
    }
}

/// Takes the stored rows a batch replaces out of their hourly cells.
fn replaced_cells(
    transaction: &mut postgres::Transaction<'_>,
    batch: &[&LogRecord],
    deltas: &mut hourly::Deltas,
) -> Result<(), StoreError> {
    let (sources, ids): (Vec<String>, Vec<String>) =
        batch.iter().map(|record| stored_key(record)).unzip();
    // Two arrays, not a thousand parameters: one index probe per key.
    let rows = transaction
        .query(
            "SELECT r.source, r.kind, r.status, r.at_ms FROM records r \
             JOIN unnest($1::text[], $2::text[]) AS k(source, id) \
             ON r.source = k.source AND r.id = k.id",
            &[&sources, &ids],
        )
        .map_err(failed)?;
    for row in rows {
        let source: String = row.try_get(0).map_err(failed)?;
        deltas.replaced(
            &source,
            row.try_get(1).map_err(failed)?,
            row.try_get(2).map_err(failed)?,
            row.try_get(3).map_err(failed)?,
        );
    }
    Ok(())
}

impl PostgresStore {
    /// The `(group, status, rows)` a histogram statement yields.
    fn groups(&mut self, statement: &Clause) -> Result<Vec<(i64, String, i64)>, StoreError> {
        let values = params(&statement.values);
        self.client()?
            .query(&statement.sql, &refs(&values))
            .map_err(failed)?
            .iter()
            .map(|row| {
                Ok((
                    row.try_get(0).map_err(failed)?,
                    row.try_get(1).map_err(failed)?,
                    row.try_get(2).map_err(failed)?,
                ))
            })
            .collect()
    }
}

fn read_row(row: &postgres::Row) -> Result<Row, StoreError> {
    let mut texts: [Option<String>; COLUMN_COUNT] = Default::default();
    let mut ints = [None; COLUMN_COUNT];
    for (index, is_text) in TEXT_COLUMNS.iter().enumerate() {
        if *is_text {
            texts[index] = row.try_get(index).map_err(failed)?;
        } else {
            ints[index] = row.try_get(index).map_err(failed)?;
        }
    }
    Ok(Row { texts, ints })
}

impl Store for PostgresStore {
    fn commit_page(
        &mut self,
        stream: &str,
        records: &[LogRecord],
        checkpoint: &mut dyn FnMut(u64) -> String,
    ) -> Result<u64, StoreError> {
        let updates: Vec<String> = COLUMNS
            .split(", ")
            .filter(|column| !matches!(*column, "source" | "id"))
            .map(|column| format!("{column} = EXCLUDED.{column}"))
            .collect();
        let mut transaction = self.client()?.transaction().map_err(failed)?;
        let mut added = 0;
        let mut deltas = hourly::Deltas::default();
        // Many rows per statement, not one round trip per row; a statement may
        // not touch one row twice, so a page's repeats are dropped first.
        for batch in last_of_each(records).chunks(ROWS_PER_STATEMENT) {
            replaced_cells(&mut transaction, batch, &mut deltas)?;
            batch.iter().for_each(|record| deltas.stored(record));
            let placeholders: Vec<String> = (0..batch.len())
                .map(|row| {
                    let columns: Vec<String> = (1..=COLUMN_COUNT)
                        .map(|column| format!("${}", row * COLUMN_COUNT + column))
                        .collect();
                    format!("({})", columns.join(", "))
                })
                .collect();
            let values: Vec<Box<dyn ToSql + Sync>> = batch
                .iter()
                .flat_map(|record| params(&to_row(record)))
                .collect();
            // xmax = 0 only on a row this statement inserted, not one it updated.
            let inserted = transaction
                .query(
                    &format!(
                        "INSERT INTO records ({COLUMNS}) VALUES {} \
                         ON CONFLICT (source, id) DO UPDATE SET {} RETURNING (xmax = 0)",
                        placeholders.join(", "),
                        updates.join(", ")
                    ),
                    &refs(&values),
                )
                .map_err(failed)?;
            for row in inserted {
                if row.try_get::<_, bool>(0).map_err(failed)? {
                    added += 1;
                }
            }
        }
        for statement in deltas.statements(Dialect::Postgres) {
            transaction
                .execute(&statement.sql, &refs(&params(&statement.values)))
                .map_err(failed)?;
        }
        transaction
            .execute(
                "INSERT INTO stream_states (stream, state) VALUES ($1, $2) \
                 ON CONFLICT (stream) DO UPDATE SET state = EXCLUDED.state",
                &[&stream, &checkpoint(added)],
            )
            .map_err(failed)?;
        transaction.commit().map_err(failed)?;
        Ok(added)
    }

    fn state(&mut self, stream: &str) -> Result<Option<String>, StoreError> {
        let row = self
            .client()?
            .query_opt(
                "SELECT state FROM stream_states WHERE stream = $1",
                &[&stream],
            )
            .map_err(failed)?;
        row.map(|row| row.try_get(0).map_err(failed)).transpose()
    }

    fn states(&mut self) -> Result<Vec<(String, String)>, StoreError> {
        self.client()?
            .query(
                "SELECT stream, state FROM stream_states ORDER BY stream",
                &[],
            )
            .map_err(failed)?
            .iter()
            .map(|row| {
                Ok((
                    row.try_get(0).map_err(failed)?,
                    row.try_get(1).map_err(failed)?,
                ))
            })
            .collect()
    }

    fn oldest_running(
        &mut self,
        source: &str,
        since: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let row = self
            .client()?
            .query_one(
                "SELECT MIN(at_ms) FROM records WHERE source = $1 AND status = $2 AND at_ms >= $3",
                &[&source, &Status::Running.key(), &since.timestamp_millis()],
            )
            .map_err(failed)?;
        let at: Option<i64> = row.try_get(0).map_err(failed)?;
        Ok(at.and_then(|ms| Utc.timestamp_millis_opt(ms).single()))
    }

    fn find(&mut self, scope: &Scope, offset: u64, limit: u32) -> Result<Found, StoreError> {
        // The exact total is a one-bucket histogram: from the hourly counts
        // where they can answer.
        let total = self.histogram(scope, &Grid::even(scope.window, 1))?.total();
        let mut clause = filter(scope, Dialect::Postgres);
        let limit_at = clause.bind(Dialect::Postgres, Bound::Int(i64::from(limit)));
        let offset_at = clause.bind(
            Dialect::Postgres,
            Bound::Int(i64::try_from(offset).unwrap_or(i64::MAX)),
        );
        let values = params(&clause.values);
        let rows = self
            .client()?
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM records WHERE {} \
                     ORDER BY at_ms DESC, source, id LIMIT {limit_at} OFFSET {offset_at}",
                    clause.sql
                ),
                &refs(&values),
            )
            .map_err(failed)?;
        let records = rows
            .iter()
            .map(|row| read_row(row)?.record())
            .collect::<Result<_, _>>()?;
        Ok(Found { records, total })
    }

    fn histogram(&mut self, scope: &Scope, grid: &Grid) -> Result<Counts, StoreError> {
        hourly::histogram(scope, grid, Dialect::Postgres, |statement| {
            self.groups(statement)
        })
    }

    fn backup(&mut self, _path: &str) -> Result<(), StoreError> {
        Err(StoreError(
            "a PostgreSQL archive is backed up with pg_dump (see the README)".into(),
        ))
    }

    fn delete_before(&mut self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let mut transaction = self.client()?.transaction().map_err(failed)?;
        let deleted = transaction
            .execute(
                "DELETE FROM records WHERE at_ms < $1",
                &[&before.timestamp_millis()],
            )
            .map_err(failed)?;
        for statement in hourly::after_retention(before.timestamp_millis(), Dialect::Postgres) {
            transaction
                .execute(&statement.sql, &refs(&params(&statement.values)))
                .map_err(failed)?;
        }
        transaction.commit().map_err(failed)?;
        Ok(deleted)
    }
}

impl Drop for PostgresStore {
    /// The driver's client blocks on its own runtime when dropped, which panics
    /// on a tokio thread: it is dropped on a plain one.
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            let _ = std::thread::spawn(move || drop(client)).join();
        }
    }
}
