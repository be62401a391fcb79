//! One module per vendor API: request building, response decoding and paging.

pub mod make_scenarios;

use std::fmt;

use super::model::LogRecord;

/// A response whose shape contradicts the vendor's documented contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Which API answered, e.g. "Make scenario logs".
    pub api: &'static str,
    /// JSON path of the offending field, e.g. `scenarioLogs[3].timestamp`.
    pub field: String,
    pub problem: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} sent an unexpected answer: `{}` {}",
            self.api, self.field, self.problem
        )
    }
}

/// One decoded page plus where the next one starts, if there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub records: Vec<LogRecord>,
    pub next_offset: Option<u64>,
}
