//! Loads the first page of every selected source for a query, concurrently.

use chrono::{DateTime, FixedOffset, Utc};
use futures::future::join_all;
use web_sys::AbortSignal;

use crate::core::config::RuntimeConfig;
use crate::core::model::{merge_newest_first, LogRecord};
use crate::core::query::{LogQuery, TimeWindow};
use crate::core::sources::{Source, SourceError};
use crate::net::{self, NetError};

/// How one source fared, so a failing source is shown beside working ones.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceOutcome {
    pub label: String,
    /// Rows received, or a sentence saying what went wrong and how to fix it.
    pub result: Result<usize, String>,
}

/// The merged timeline and each source's outcome.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LoadedRows {
    pub records: Vec<LogRecord>,
    pub sources: Vec<SourceOutcome>,
}

/// Loads every selected source concurrently. Returns `Err(Aborted)` only when
/// `signal` fired, in which case a newer load owns the screen.
pub async fn load_first_pages(
    config: &RuntimeConfig,
    query: &LogQuery,
    now: DateTime<Utc>,
    offset: FixedOffset,
    signal: &AbortSignal,
) -> Result<LoadedRows, NetError> {
    let window = query.period.resolve(now, offset);
    let sources: Vec<Source> = Source::expand(config)
        .into_iter()
        .filter(|source| source.is_selected_by(query))
        .collect();
    let loads = sources
        .iter()
        .map(|source| load_first_page(source, query, window, signal));
    let mut loaded = LoadedRows::default();
    for (source, result) in sources.iter().zip(join_all(loads).await) {
        let result = match result {
            Ok(records) => {
                let count = records.len();
                loaded
                    .records
                    .extend(records.into_iter().filter(|r| query.matches(r)));
                Ok(count)
            }
            Err(Failure::Net(NetError::Aborted)) => return Err(NetError::Aborted),
            Err(Failure::Net(error)) => Err(error.to_string()),
            Err(Failure::Source(error)) => Err(error.to_string()),
        };
        loaded.sources.push(SourceOutcome {
            label: source.label(),
            result,
        });
    }
    loaded.records = merge_newest_first(loaded.records);
    Ok(loaded)
}

enum Failure {
    Net(NetError),
    Source(SourceError),
}

async fn load_first_page(
    source: &Source,
    query: &LogQuery,
    window: TimeWindow,
    signal: &AbortSignal,
) -> Result<Vec<LogRecord>, Failure> {
    let position = source.first_position();
    let request = source
        .request(query, window, position)
        .map_err(Failure::Source)?;
    let answer = net::get(&request, Some(signal))
        .await
        .map_err(Failure::Net)?;
    source
        .decode(answer.status, &answer.body, query, window, position)
        .map(|page| page.records)
        .map_err(Failure::Source)
}
