//! One module per vendor API: request building, response decoding and paging.
//!
//! Each adapter also publishes a [`Capabilities`] table: which unified filters its
//! API applies on the server and which the app must apply in the browser.

pub mod aitronos;
pub mod archive;
pub mod dify;
pub(crate) mod json;
pub mod make_audit;
pub mod make_module_logs;
pub mod make_scenarios;

use std::borrow::Cow;
use std::fmt;

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use super::client_id::ClientId;
use super::model::{CollectionType, LogRecord};
use super::query::LogQuery;
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

/// The client id a stored vendor object of `kind` carries, as its adapter read
/// it at decode time: for rows archived before ids were kept.
pub fn client_id_of(kind: CollectionType, raw: &serde_json::Value) -> Option<ClientId> {
    match kind {
        CollectionType::DifyWorkflows => dify::client_id(raw),
        CollectionType::AitronosConnectors => aitronos::client_id(raw),
        _ => None,
    }
}

/// [`DecodeError::field`] when the whole answer is wrong (not JSON at all).
pub const WHOLE_BODY: &str = "(body)";

/// A response whose shape contradicts the vendor's documented contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Which API answered, e.g. "Make scenario logs".
    pub api: &'static str,
    /// JSON path of the offending field, e.g. `scenarioLogs[3].timestamp`, or
    /// [`WHOLE_BODY`].
    pub field: String,
    pub problem: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field == WHOLE_BODY {
            // The whole answer: a wrong base URL answers with a page, not JSON.
            return write!(
                f,
                "{} sent an unexpected answer: the body {} (is the base URL the API's?)",
                self.api, self.problem
            );
        }
        write!(
            f,
            "{} sent an unexpected answer: `{}` {}",
            self.api, self.field, self.problem
        )
    }
}

/// A row the vendor sent that could not be read: skipped so the rest of its page
/// shows, and kept so the page can say which field was wrong and show the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableRow {
    pub error: DecodeError,
    /// The row's JSON as sent (compact).
    pub raw: String,
}

/// The rows a load skipped: all counted, the first few kept to show, so a
/// vendor sending thousands of odd rows cannot fill memory with them. A row
/// sent again (live mode's rounds overlap; offset pages shift as rows arrive)
/// counts once: a body is counted as often as one answer held it at most, so
/// distinct rows that read alike (`{}` on two pages) may count once too.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Skipped {
    pub count: usize,
    pub first: Vec<UnreadableRow>,
    /// Each body counted (by hash): the most times one answer held it. Up
    /// to [`Skipped::REMEMBERED`] bodies; past that, rows are counted as
    /// they come.
    seen: HashMap<u64, usize>,
}

impl Skipped {
    /// How many skipped rows are kept whole.
    pub const KEPT: usize = 5;
    /// How many skipped rows are told apart from rows sent again.
    pub const REMEMBERED: usize = 10_000;

    /// Counts one answer's unreadable rows, but those an earlier answer sent
    /// (rows alike within one answer are distinct rows, each counted).
    pub fn add(&mut self, rows: &[UnreadableRow]) {
        let hash = |row: &UnreadableRow| {
            let mut hasher = DefaultHasher::new();
            row.raw.hash(&mut hasher);
            hasher.finish()
        };
        let mut in_answer: HashMap<u64, usize> = HashMap::new();
        for row in rows {
            let hash = hash(row);
            let held = in_answer.entry(hash).or_default();
            *held += 1;
            let counted = self.seen.get(&hash).copied().unwrap_or(0);
            if *held <= counted {
                continue;
            }
            if self.seen.contains_key(&hash) || self.seen.len() < Self::REMEMBERED {
                self.seen.insert(hash, *held);
            }
            self.count += 1;
            if self.first.len() < Self::KEPT {
                self.first.push(row.clone());
            }
        }
    }

    /// "1 row could not be read" / "3 rows could not be read"; `None` when none.
    pub fn summary(&self) -> Option<String> {
        match self.count {
            0 => None,
            1 => Some("1 row could not be read".to_owned()),
            n => Some(format!("{n} rows could not be read")),
        }
    }
}

/// One decoded page plus where the next one starts, if there is one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub records: Vec<LogRecord>,
    /// Where the next request starts: an offset (Make, Aitronos) or a page number
    /// (Dify). `None` on the last page.
    pub next: Option<u64>,
    /// Rows of this page that were skipped because they could not be read.
    pub unreadable: Vec<UnreadableRow>,
    /// The vendor's count of rows matching the request over its whole window,
    /// where it sends one (Dify and Aitronos `total`, Make audit `totalCount`).
    pub total: Option<u64>,
}

/// Where a unified filter is applied for one API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The request carries it.
    Server,
    /// The API takes one value; with several selected, the browser filters.
    ServerIfOne,
    /// The API takes one of these statuses alone, each written in its request
    /// as the word beside it; any other choice, or several, the browser
    /// filters. For the Status filter only: the one list the request, the
    /// count's exactness and the filter bar's hint all read.
    ServerIfOneOf(&'static [(Status, &'static str)]),
    /// The server narrows coarsely (by day) and the browser trims exactly.
    ServerThenBrowser,
    /// The browser applies it to the loaded rows, and the server is asked as
    /// well, by its own rules over fields the rows do not carry: a row either
    /// finds is kept. The text says where the server looks.
    BrowserAndServerOwnRules(&'static str),
    /// The API cannot filter on it: the browser does, on the rows loaded.
    Browser,
    /// The source has no such notion (e.g. audit events have no status).
    NotApplicable,
    /// The source has the notion but cannot apply it; the text says why.
    Unavailable(&'static str),
}

impl Applied {
    /// The word a request writes for `statuses`, when the API takes them: one
    /// status, named as the vendor names it.
    pub fn status_param(self, statuses: &BTreeSet<Status>) -> Option<&'static str> {
        let Applied::ServerIfOneOf(taken) = self else {
            return None;
        };
        let chosen = single(statuses)?;
        taken
            .iter()
            .find(|(status, _)| *status == chosen)
            .map(|(_, word)| *word)
    }

    /// Short text for the filter bar's "where is this applied" hint.
    pub fn describe(self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Applied::Unavailable(how) => how,
            Applied::ServerIfOneOf(statuses) => {
                let labels: Vec<&str> = statuses.iter().map(|(status, _)| status.label()).collect();
                let named = match labels.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} or {last}", rest.join(", "))
                    }
                    _ => labels.concat(),
                };
                return Cow::Owned(format!(
                    "on the server when only {named} is chosen, else in the browser"
                ));
            }
            Applied::Server => "on the server",
            Applied::ServerIfOne => "on the server for one value, else in the browser",
            Applied::ServerThenBrowser => "on the server, refined in the browser",
            Applied::Browser => "in the browser, on loaded rows",
            Applied::BrowserAndServerOwnRules(how) => {
                return Cow::Owned(format!("in the browser, on loaded rows, and {how}"));
            }
            Applied::NotApplicable => "not applicable",
        })
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
    /// The Client id filter ([`crate::client_id`]): only sources whose rows
    /// carry ids are asked while one is chosen.
    pub client_id: Applied,
    /// "Hide check runs" (Make scenarios only).
    pub check_runs: Applied,
}

/// The filters a source's server applied to its rows for one query. The browser
/// does not apply these again: a server that matched on fields the rows do not
/// carry (Aitronos' status, which its rows may lack) would see its rows hidden.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerApplied {
    pub status: bool,
    pub text: bool,
    pub client_id: bool,
}

impl Capabilities {
    /// Whether the server applies every filter `query` sets, alone and exactly, so
    /// its count of matching rows is the count the view would show.
    /// `collection_by_selection`: the source is one collection, chosen by the
    /// Collection filter itself.
    /// `kind`: the source's own, since a client id of another vendor's kind is
    /// not for its server.
    pub fn counts_exactly(
        &self,
        query: &LogQuery,
        kind: CollectionType,
        collection_by_selection: bool,
    ) -> bool {
        let alone = |applied: Applied, values: usize| {
            values == 0
                || match applied {
                    Applied::Server => true,
                    Applied::ServerIfOne => values == 1,
                    _ => false,
                }
        };
        let collections = if collection_by_selection {
            0
        } else {
            query.collections.len()
        };
        alone(self.period, 1)
            && (query.statuses.is_empty() || self.sends_status(&query.statuses))
            && alone(self.client, query.clients.len())
            && alone(self.collection, collections)
            && alone(self.text, usize::from(query.is_searching()))
            && alone(self.client_id, self.client_ids_to_apply(query, kind))
    }

    /// How many chosen client ids a source of `kind` must apply: every one for
    /// an archive (it filters any vendor's), else its vendor's own.
    fn client_ids_to_apply(&self, query: &LogQuery, kind: CollectionType) -> usize {
        match self.client_id {
            Applied::Server => query.client_ids.len(),
            _ => query.client_ids_for(kind).count(),
        }
    }

    /// Whether a source with these capabilities sends `statuses` to its server,
    /// so that its server, not the browser, applies them.
    pub fn sends_status(&self, statuses: &BTreeSet<Status>) -> bool {
        match self.status {
            Applied::Server => !statuses.is_empty(),
            Applied::ServerIfOne => single(statuses).is_some(),
            Applied::ServerIfOneOf(_) => self.status.status_param(statuses).is_some(),
            _ => false,
        }
    }

    /// Which of `query`'s filters the server of a source of `kind` applies alone.
    pub fn server_applied(&self, query: &LogQuery, kind: CollectionType) -> ServerApplied {
        let status = self.sends_status(&query.statuses);
        let text = matches!(self.text, Applied::Server) && query.is_searching();
        let client_id = match self.client_id {
            Applied::Server => !query.client_ids.is_empty(),
            Applied::ServerIfOne => query.single_client_id_for(kind).is_some(),
            _ => false,
        };
        ServerApplied {
            status,
            text,
            client_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unreadable(field: &str) -> UnreadableRow {
        UnreadableRow {
            error: DecodeError {
                api: "Test API",
                field: field.to_owned(),
                problem: "is odd".to_owned(),
            },
            raw: format!(r#"{{"at":"{field}"}}"#),
        }
    }

    #[test]
    fn an_answer_that_is_not_json_says_so_in_words() {
        let error = DecodeError {
            api: "Dify workflow logs API",
            field: WHOLE_BODY.into(),
            problem: "is not JSON: expected value at line 1 column 1".into(),
        };
        assert_eq!(
            error.to_string(),
            "Dify workflow logs API sent an unexpected answer: the body is not JSON: expected \
             value at line 1 column 1 (is the base URL the API's?)"
        );
    }

    #[test]
    fn the_status_hint_names_the_statuses_one_of_which_goes_to_the_server() {
        let dify = Applied::ServerIfOneOf(&[
            (Status::Success, "succeeded"),
            (Status::Error, "failed"),
            (Status::Stopped, "stopped"),
        ]);
        assert_eq!(
            dify.describe(),
            "on the server when only Success, Error or Stopped is chosen, else in the browser"
        );
        assert_eq!(
            Applied::ServerIfOneOf(&[(Status::Error, "failed")]).describe(),
            "on the server when only Error is chosen, else in the browser"
        );
    }

    #[test]
    fn a_filter_the_server_applied_alone_is_not_applied_again() {
        let caps = Capabilities {
            period: Applied::Server,
            status: Applied::ServerIfOne,
            client: Applied::Browser,
            collection: Applied::Browser,
            text: Applied::Server,
            client_id: Applied::ServerIfOne,
            check_runs: Applied::NotApplicable,
        };
        assert_eq!(
            caps.server_applied(&LogQuery::default(), CollectionType::DifyWorkflows),
            ServerApplied::default()
        );
        let one = LogQuery {
            statuses: [Status::Error].into(),
            text: " refund ".into(),
            ..LogQuery::default()
        };
        assert_eq!(
            caps.server_applied(&one, CollectionType::DifyWorkflows),
            ServerApplied {
                status: true,
                text: true,
                client_id: false,
            }
        );
        let two = LogQuery {
            statuses: [Status::Error, Status::Warning].into(),
            text: "  ".into(),
            ..LogQuery::default()
        };
        assert_eq!(
            caps.server_applied(&two, CollectionType::DifyWorkflows),
            ServerApplied::default()
        );
        let browser_text = Capabilities {
            text: Applied::ServerThenBrowser,
            ..caps
        };
        assert!(
            !browser_text
                .server_applied(&one, CollectionType::DifyWorkflows)
                .text
        );
    }

    #[test]
    fn skipped_rows_are_all_counted_and_the_first_few_kept() {
        let mut skipped = Skipped::default();
        assert_eq!(skipped.summary(), None);
        skipped.add(&[unreadable("data[0].id")]);
        assert_eq!(
            skipped.summary().as_deref(),
            Some("1 row could not be read")
        );
        let many: Vec<_> = (1..10)
            .map(|i| unreadable(&format!("data[{i}].id")))
            .collect();
        skipped.add(&many);
        assert_eq!(skipped.count, 10);
        assert_eq!(skipped.first.len(), Skipped::KEPT);
        assert_eq!(skipped.first[0].error.field, "data[0].id");
        assert_eq!(
            skipped.summary().as_deref(),
            Some("10 rows could not be read")
        );
        // Sent again by a later answer (an overlapping round): counted once.
        skipped.add(&[unreadable("data[0].id")]);
        assert_eq!(skipped.count, 10);
        let other = UnreadableRow {
            raw: r#"{"id":null}"#.to_owned(),
            ..unreadable("data[0].id")
        };
        skipped.add(std::slice::from_ref(&other));
        assert_eq!(skipped.count, 11);
        // Alike within one answer: distinct rows. Sent again, only as many
        // as one answer held count.
        let mut alike = Skipped::default();
        alike.add(&[other.clone(), other.clone()]);
        assert_eq!(alike.count, 2);
        alike.add(std::slice::from_ref(&other));
        assert_eq!(alike.count, 2, "one of the two, sent again");
        alike.add(&[other.clone(), other.clone(), other]);
        assert_eq!(alike.count, 3, "a third like them");
    }
}
