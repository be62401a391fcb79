//! Loads the first page of every configured source for a query and merges them.

use chrono::{DateTime, FixedOffset, Utc};
use futures::future::join_all;
use web_sys::AbortSignal;

use crate::core::adapters::make_scenarios::{self, ListParams};
use crate::core::config::{Connection, MakeConnection, RuntimeConfig, ScenarioRef};
use crate::core::model::{merge_newest_first, LogRecord};
use crate::core::query::LogQuery;
use crate::net::{self, NetError};

/// Rows requested per source page.
const PAGE_SIZE: u32 = 100;

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

/// Loads every source concurrently. Returns `Err(Aborted)` only when `signal` fired,
/// in which case a newer load owns the screen.
pub async fn load_first_pages(
    config: &RuntimeConfig,
    query: &LogQuery,
    now: DateTime<Utc>,
    offset: FixedOffset,
    signal: &AbortSignal,
) -> Result<LoadedRows, NetError> {
    let window = query.period.resolve(now, offset);
    let params = ListParams {
        window,
        statuses: &query.statuses,
        offset: 0,
        limit: PAGE_SIZE,
    };
    let loads = config
        .connections
        .iter()
        .flat_map(|connection| match connection {
            Connection::Make(make) => make
                .scenarios
                .iter()
                .map(move |scenario| load_make_scenario(make, scenario, params, signal)),
        });
    let mut loaded = LoadedRows::default();
    for (label, result) in join_all(loads).await {
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
            Err(Failure::Message(message)) => Err(message),
        };
        loaded.sources.push(SourceOutcome { label, result });
    }
    loaded.records = merge_newest_first(loaded.records);
    Ok(loaded)
}

enum Failure {
    Net(NetError),
    Message(String),
}

async fn load_make_scenario(
    connection: &MakeConnection,
    scenario: &ScenarioRef,
    params: ListParams<'_>,
    signal: &AbortSignal,
) -> (String, Result<Vec<LogRecord>, Failure>) {
    let label = format!("{} · {}", connection.name, scenario.name);
    if connection.token.is_none() {
        let message = "no API token: add one for this connection".to_owned();
        return (label, Err(Failure::Message(message)));
    }
    let request = make_scenarios::list_request(connection, scenario, params);
    let result = match net::get(&request, Some(signal)).await {
        Err(error) => Err(Failure::Net(error)),
        Ok(answer) if answer.status == 200 => {
            make_scenarios::decode_list(&answer.body, connection, scenario, params)
                .map(|page| page.records)
                .map_err(|error| Failure::Message(error.to_string()))
        }
        Ok(answer) => Err(Failure::Message(
            make_scenarios::decode_error(answer.status, &answer.body).to_string(),
        )),
    };
    (label, result)
}
