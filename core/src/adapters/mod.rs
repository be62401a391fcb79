//! One module per vendor API: request building, response decoding and paging.
//!
//! Each adapter also publishes a [`Capabilities`] table: which unified filters its
//! API applies on the server and which the app must apply in the browser.

pub mod aitronos;
pub mod dify;
mod json;
pub mod make_audit;
pub mod make_module_logs;
pub mod make_scenarios;

use std::fmt;

use std::collections::BTreeSet;

use super::model::LogRecord;
use super::status::Status;

/// The one selected status, when exactly one is: the vendors' APIs filter by a
/// single status value, so several are filtered in the browser instead.
pub fn single(statuses: &BTreeSet<Status>) -> Option<Status> {
    let mut iter = statuses.iter();
    match (iter.next(), iter.next()) {
        (Some(&only), None) => Some(only),
        _ => None,
    }
}

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
    /// Where the next request starts: an offset (Make, Aitronos) or a page number
    /// (Dify). `None` on the last page.
    pub next: Option<u64>,
}

/// Where a unified filter is applied for one API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The request carries it.
    Server,
    /// The API takes one value; with several selected, the browser filters.
    ServerIfOne,
    /// The server narrows coarsely (by day, by keyword) and the browser trims exactly.
    ServerThenBrowser,
    /// The API cannot filter on it: the browser does, on the rows loaded.
    Browser,
    /// The source has no such notion (e.g. audit events have no status).
    NotApplicable,
}

impl Applied {
    /// Short text for the filter bar's "where is this applied" hint.
    pub fn describe(self) -> &'static str {
        match self {
            Applied::Server => "on the server",
            Applied::ServerIfOne => "on the server for one value, else in the browser",
            Applied::ServerThenBrowser => "on the server, refined in the browser",
            Applied::Browser => "in the browser, on loaded rows",
            Applied::NotApplicable => "not applicable",
        }
    }
}

/// Where each unified filter is applied for one API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    pub period: Applied,
    pub status: Applied,
    pub client: Applied,
    pub collection: Applied,
    pub text: Applied,
}
