//! Hourly counts per stream, kind and status, kept beside the rows so the
//! archive's histogram over months (`/archive/v1/histogram`) and the exact
//! total of a first page read a few thousand cells instead of every row.
//! A histogram takes the whole hours inside each bucket from here and only
//! the hours a bucket boundary cuts (and the window's ragged ends) from the
//! rows, so it stays exact; a filter the counts do not carry (client, text,
//! …) reads the rows as before.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, TimeZone, Utc};
use logdeck_core::model::LogRecord;
use logdeck_core::query::{LogQuery, TimeWindow};
use std::collections::BTreeSet;

use super::store::{
    counts, filter, histogram_over, histogram_statement, stored_key, Bound, Clause, Counts,
    Dialect, Grid, Scope, StoreError,
};

pub const HOUR_MS: i64 = 3_600_000;

/// The table and its first filling from the rows already stored.
pub const MIGRATION: &str = "CREATE TABLE hourly_counts (
        source TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        hour BIGINT NOT NULL,
        rows BIGINT NOT NULL,
        PRIMARY KEY (source, kind, status, hour)
    );
    INSERT INTO hourly_counts (source, kind, status, hour, rows)
        SELECT source, kind, status, at_ms / 3600000, COUNT(*) FROM records
        WHERE at_ms >= 0 GROUP BY source, kind, status, at_ms / 3600000;";

/// The hour a stored instant falls in.
fn hour_of(at_ms: i64) -> i64 {
    at_ms.div_euclid(HOUR_MS)
}

/// What a page changes in the counts: a row read again leaves its old cell,
/// every stored row joins its own.
#[derive(Debug, Default)]
pub struct Deltas(HashMap<(String, String, String, i64), i64>);

impl Deltas {
    /// A stored row (as `kind`, `status`, `at_ms`) that is being replaced.
    pub fn replaced(&mut self, source: &str, kind: String, status: String, at_ms: i64) {
        *self
            .0
            .entry((source.to_owned(), kind, status, hour_of(at_ms)))
            .or_default() -= 1;
    }

    pub fn stored(&mut self, record: &LogRecord) {
        let (source, _) = stored_key(record);
        let cell = (
            source,
            record.kind.key().to_owned(),
            record.status.key().to_owned(),
            hour_of(record.timestamp.timestamp_millis()),
        );
        *self.0.entry(cell).or_default() += 1;
    }

    /// Upserts adding each non-zero change, a few hundred cells a statement.
    pub fn statements(&self, dialect: Dialect) -> Vec<Clause> {
        let changed: Vec<_> = self.0.iter().filter(|(_, n)| **n != 0).collect();
        changed
            .chunks(400)
            .map(|cells| {
                let mut clause = Clause::default();
                let rows: Vec<String> = cells
                    .iter()
                    .map(|((source, kind, status, hour), n)| {
                        let values = [
                            Bound::Text(source.clone()),
                            Bound::Text(kind.clone()),
                            Bound::Text(status.clone()),
                            Bound::Int(*hour),
                            Bound::Int(**n),
                        ];
                        let marks: Vec<String> = values
                            .into_iter()
                            .map(|value| clause.bind(dialect, value))
                            .collect();
                        format!("({})", marks.join(", "))
                    })
                    .collect();
                clause.sql = format!(
                    "INSERT INTO hourly_counts (source, kind, status, hour, rows) VALUES {} \
                     ON CONFLICT (source, kind, status, hour) \
                     DO UPDATE SET rows = hourly_counts.rows + excluded.rows",
                    rows.join(", ")
                );
                clause
            })
            .collect()
    }
}

/// After deleting the rows before `before_ms`: the hours wholly before go,
/// and the hour the cut falls in is counted again from the rows left.
pub fn after_retention(before_ms: i64, dialect: Dialect) -> Vec<Clause> {
    let cut = hour_of(before_ms);
    let mut gone = Clause::default();
    let mark = gone.bind(dialect, Bound::Int(cut));
    gone.sql = format!("DELETE FROM hourly_counts WHERE hour <= {mark}");
    let mut recount = Clause::default();
    let hour = recount.bind(dialect, Bound::Int(cut));
    let from = recount.bind(dialect, Bound::Int(cut * HOUR_MS));
    let to = recount.bind(dialect, Bound::Int((cut + 1) * HOUR_MS));
    recount.sql = format!(
        "INSERT INTO hourly_counts (source, kind, status, hour, rows) \
         SELECT source, kind, status, {hour}, COUNT(*) FROM records \
         WHERE at_ms >= {from} AND at_ms < {to} GROUP BY source, kind, status"
    );
    vec![gone, recount]
}

/// How a histogram is read: from the rows alone, or from whole hours plus the
/// rows of the hours no count can stand for.
enum Plan {
    Rows(Clause),
    Hours {
        /// `(hour, status, rows)` over the whole hours' span.
        hours: Clause,
        /// Each whole hour's bucket; other hours' cells are left out.
        bucket_of: BTreeMap<i64, usize>,
        /// `(bucket, status, rows)` of the rows outside those hours.
        rest: Vec<Clause>,
    },
}

/// `scope`'s histogram, whichever way [`plan`] reads it; `groups` runs one
/// statement in the store's dialect and returns its `(group, status, rows)`.
pub fn histogram(
    scope: &Scope,
    grid: &Grid,
    dialect: Dialect,
    mut groups: impl FnMut(&Clause) -> Result<Vec<(i64, String, i64)>, StoreError>,
) -> Result<Counts, StoreError> {
    let found = match plan(scope, grid, dialect) {
        Plan::Rows(statement) => groups(&statement)?,
        Plan::Hours {
            hours,
            bucket_of,
            rest,
        } => {
            let mut found = Vec::new();
            for statement in &rest {
                found.extend(groups(statement)?);
            }
            // The cut hours' cells are left out: the rows counted those.
            found.extend(
                groups(&hours)?
                    .into_iter()
                    .filter_map(|(hour, status, rows)| {
                        let bucket = i64::try_from(*bucket_of.get(&hour)?).ok()?;
                        Some((bucket, status, rows))
                    }),
            );
            found
        }
    };
    Ok(counts(found, grid))
}

/// The plan for `scope`'s histogram: from the rows alone when the counts
/// cannot answer (a filter they do not carry, no whole hour in the window).
fn plan(scope: &Scope, grid: &Grid, dialect: Dialect) -> Plan {
    let window = scope.window;
    // Only what the counts carry may be set: any other filter, today's or one
    // added later, reads the rows.
    let counted_filters_only = LogQuery {
        statuses: BTreeSet::new(),
        types: BTreeSet::new(),
        ..scope.query.row_filters()
    } == LogQuery::default();
    let from_ms = window.from.timestamp_millis();
    let to_ms = window.to.timestamp_millis();
    // Hours wholly inside the window, whose rows start at the first whole
    // millisecond at or after `from` and end at `to` inclusive.
    let starts_at = from_ms + i64::from(window.from.timestamp_subsec_nanos() % 1_000_000 != 0);
    let first = (starts_at + HOUR_MS - 1).div_euclid(HOUR_MS);
    let end = (to_ms + 1).div_euclid(HOUR_MS);
    if !counted_filters_only || starts_at < 0 || first >= end {
        return Plan::Rows(histogram_statement(scope, grid, dialect));
    }
    let mut bucket_of = BTreeMap::new();
    let mut cut = Vec::new();
    for hour in first..end {
        let start = grid.index_at_ms(hour * HOUR_MS);
        if start == grid.index_at_ms(hour * HOUR_MS + HOUR_MS - 1) {
            bucket_of.insert(hour, start);
        } else {
            cut.push(hour);
        }
    }
    Plan::Hours {
        hours: hours_statement(scope, first, end, dialect),
        bucket_of,
        rest: rest_statements(scope, grid, dialect, (first, end), cut),
    }
}

/// `(hour, status, rows)` of the counts in `first..end` the scope selects.
fn hours_statement(scope: &Scope, first: i64, end: i64, dialect: Dialect) -> Clause {
    let mut clause = Clause::default();
    let low = clause.bind(dialect, Bound::Int(first));
    let high = clause.bind(dialect, Bound::Int(end));
    let mut conditions = vec![format!("hour >= {low} AND hour < {high}")];
    let lists = [
        (
            "status",
            scope
                .query
                .statuses
                .iter()
                .map(|s| s.key().to_owned())
                .collect(),
        ),
        (
            "kind",
            scope
                .query
                .types
                .iter()
                .map(|k| k.key().to_owned())
                .collect(),
        ),
        ("source", scope.sources.clone()),
    ];
    for (column, values) in lists {
        let values: Vec<String> = values;
        if values.is_empty() {
            continue;
        }
        let marks: Vec<String> = values
            .into_iter()
            .map(|value| clause.bind(dialect, Bound::Text(value)))
            .collect();
        conditions.push(format!("{column} IN ({})", marks.join(", ")));
    }
    clause.sql = format!(
        "SELECT hour, status, CAST(SUM(rows) AS BIGINT) FROM hourly_counts \
         WHERE {} GROUP BY hour, status",
        conditions.join(" AND ")
    );
    clause
}

/// The rows' histograms over what the whole hours leave: the window's ragged
/// ends and the hours a bucket boundary cuts, one statement per run of them,
/// so each reads its own range of the time index.
fn rest_statements(
    scope: &Scope,
    grid: &Grid,
    dialect: Dialect,
    (first, end): (i64, i64),
    cut: Vec<i64>,
) -> Vec<Clause> {
    let window = scope.window;
    let millisecond = chrono::Duration::milliseconds(1);
    let at = |ms: i64| Utc.timestamp_millis_opt(ms).single();
    let mut ranges: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    let mut push = |from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>| {
        let (Some(from), Some(to)) = (from, to) else {
            return;
        };
        if from > to {
            return;
        }
        match ranges.last_mut() {
            Some(last) if last.1 + millisecond == from => last.1 = to,
            _ => ranges.push((from, to)),
        }
    };
    push(Some(window.from), at(first * HOUR_MS - 1));
    for hour in cut {
        push(at(hour * HOUR_MS), at(hour * HOUR_MS + HOUR_MS - 1));
    }
    push(at(end * HOUR_MS), Some(window.to));
    ranges
        .into_iter()
        .map(|(from, to)| {
            let part = Scope {
                window: TimeWindow { from, to },
                ..scope.clone()
            };
            histogram_over(filter(&part, dialect), grid, dialect)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};
    use logdeck_core::query::{LogQuery, TimeWindow};

    fn scope(query: LogQuery, hours: i64) -> Scope {
        let from = Utc.with_ymd_and_hms(2026, 3, 1, 0, 20, 0).unwrap();
        Scope::all(
            query,
            TimeWindow {
                from,
                to: from + Duration::hours(hours),
            },
        )
    }

    fn even(hours: i64, buckets: usize) -> Grid {
        Grid::even(scope(LogQuery::default(), hours).window, buckets)
    }

    #[test]
    fn counts_answer_only_for_filters_they_carry_and_whole_hours() {
        let Plan::Hours { bucket_of, .. } = plan(
            &scope(LogQuery::default(), 72),
            &even(72, 7),
            Dialect::Sqlite,
        ) else {
            panic!("three days unfiltered read the counts")
        };
        // 71 whole hours (the ragged ends from the rows), minus the six a
        // boundary of seven buckets cuts.
        assert_eq!(bucket_of.len(), 71 - 6);
        let by_client = LogQuery {
            clients: ["Ada".to_owned()].into(),
            ..LogQuery::default()
        };
        assert!(matches!(
            plan(&scope(by_client, 72), &even(72, 7), Dialect::Sqlite),
            Plan::Rows(_)
        ));
        assert!(
            matches!(
                plan(&scope(LogQuery::default(), 1), &even(1, 7), Dialect::Sqlite),
                Plan::Rows(_)
            ),
            "no whole hour in 00:20–01:20"
        );
    }

    #[test]
    fn a_chart_grid_of_whole_hours_reads_every_whole_hour_from_the_counts() {
        let window = scope(LogQuery::default(), 72).window;
        let Plan::Hours { bucket_of, .. } = plan(
            &scope(LogQuery::default(), 72),
            &Grid::aligned(window, 3 * 3600),
            Dialect::Sqlite,
        ) else {
            panic!("three days unfiltered read the counts")
        };
        // Three-hour bars at round hours: no whole hour is cut.
        assert_eq!(bucket_of.len(), 71);
        assert_eq!(
            bucket_of.get(&(window.from.timestamp() / 3600 + 1)),
            Some(&0)
        );
    }
}
