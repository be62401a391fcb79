//! Rows whose status is not their vendor's own reading of them, said in words.
//!
//! Aitronos documents no status field on its rows, yet filters by status on its
//! server: a row sent without one shows as Unknown in an unfiltered view (which
//! says what is known of it) and as Error when Error alone was asked for.
//! Several statuses, filtered in the browser, leave it out. Neither of the last
//! two is visible in a count or a chart bar, so the page says which rows are
//! concerned and why, rather than let "73 errors" and "83 errors" both stand
//! unexplained. The counts are of the rows loaded, per collection type, kept as
//! rows come (a note reads no row), and the note says "of the rows loaded":
//! other filters may show fewer of them.

use std::collections::BTreeSet;

use crate::adapters::single;
use crate::filter_options::StatusTally;
use crate::model::CollectionType;
use crate::query::LogQuery;
use crate::sources::Source;
use crate::status::Status;

/// What the page says of one collection type's such rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusGap {
    pub line: String,
    /// The chosen statuses the server would filter alone, each a choice the
    /// page offers in one press: asked alone, it places the rows left out.
    pub ask_alone: Vec<Status>,
}

/// One per collection type with such rows, in [`crate::model::CollectionType::ALL`]'s order.
/// `shown` says whether a type has a row in the view: rows said to show a
/// status are of those only (other filters may hide every one of a type).
/// It is asked only of a type with such rows, so a view without them reads
/// no row.
pub fn status_gaps(
    query: &LogQuery,
    sources: &[Source],
    tallies: &[StatusTally],
    shown: &dyn Fn(CollectionType) -> bool,
) -> Vec<StatusGap> {
    // A type none of whose statuses is chosen hides all its rows, by choice:
    // its Unknown ones are no gap (Event leaves Aitronos out whole).
    let can_be_chosen = |kind: CollectionType| {
        query.statuses.is_empty()
            || kind
                .statuses()
                .iter()
                .any(|status| query.statuses.contains(status))
    };
    tallies
        .iter()
        .filter(|tally| query.types.is_empty() || query.types.contains(&tally.kind))
        .filter(|tally| can_be_chosen(tally.kind))
        .filter_map(|tally| {
            let remotes: Vec<&Source> = sources
                .iter()
                .filter(|source| {
                    source.remote().is_some()
                        && source.kind() == tally.kind
                        && source.is_selected_by(query)
                })
                .collect();
            let tally = StatusTally {
                from_request: if tally.from_request > 0 && shown(tally.kind) {
                    tally.from_request
                } else {
                    0
                },
                ..*tally
            };
            gap_of(query, tally, &remotes)
        })
        .collect()
}

fn gap_of(query: &LogQuery, tally: StatusTally, remotes: &[&Source]) -> Option<StatusGap> {
    let loaded = format!("Of the rows loaded from {},", tally.kind.label());
    let mut sentences = Vec::new();
    let mut ask_alone = Vec::new();
    // Only a single status asked of a server gives rows one they lack.
    if let (Some(asked), count @ 1..) = (single(&query.statuses), tally.from_request) {
        let (verb, them) = if count == 1 {
            ("shows", "it")
        } else {
            ("show", "them")
        };
        sentences.push(format!(
            "{loaded} {count} {verb} as {} only because the server returned {them} for \
             that filter: the vendor sent {them} without a status.",
            asked.label()
        ));
    }
    let server_filtered = !remotes.is_empty()
        && remotes
            .iter()
            .all(|source| source.capabilities().sends_status(&query.statuses));
    // Shown as Unknown, a row says what is known of it: only a filter that
    // leaves it out hides something the page must tell.
    let left_out = tally.unknown > 0
        && !query.statuses.is_empty()
        && !query.statuses.contains(&Status::Unknown)
        && !server_filtered;
    if left_out {
        let count = tally.unknown;
        let verb = if count == 1 { "is" } else { "are" };
        sentences.push(format!(
            "{loaded} {count} {verb} left out as Unknown: {}.",
            why_unknown(tally)
        ));
        let server_knows = remotes.iter().any(|source| {
            source
                .remote()
                .is_some_and(|remote| remote.filters_statuses_rows_lack())
        });
        if tally.unsent > 0 && server_knows {
            sentences.push(
                "Choose a single status to have the server, which knows every row's status, \
                 filter them."
                    .to_owned(),
            );
            ask_alone = query
                .statuses
                .iter()
                .copied()
                .filter(|status| {
                    let alone = BTreeSet::from([*status]);
                    remotes
                        .iter()
                        .any(|source| source.capabilities().sends_status(&alone))
                })
                .collect();
        }
    }
    (!sentences.is_empty()).then(|| StatusGap {
        line: sentences.join(" "),
        ask_alone,
    })
}

/// Why `tally`'s Unknown rows are so, after a colon.
fn why_unknown(tally: StatusTally) -> String {
    let unreadable = tally.unknown.saturating_sub(tally.unsent);
    let them = if tally.unknown == 1 { "it" } else { "them" };
    match (tally.unsent, unreadable) {
        (_, 0) => format!("the vendor sent {them} without a status"),
        (0, _) => format!("the vendor sent {them} with a status Logdeck does not know"),
        (unsent, unreadable) => {
            format!("{unsent} came without a status, {unreadable} with one Logdeck does not know")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuntimeConfig;
    use crate::filter_options::RowValueCounts;
    use crate::model::LogRecord;
    use crate::test_support;

    fn sources() -> Vec<Source> {
        let config = RuntimeConfig::parse(
            r#"{"connections":[
                {"vendor":"aitronos","id":"ai","name":"Aitronos","baseUrl":"/a","key":"k","organizationId":"org"},
                {"vendor":"make","id":"mk","name":"Make","baseUrl":"/m","token":"t",
                 "scenarios":[{"id":1,"name":"Sync"}]},
                {"vendor":"dify","id":"df","name":"Bot","baseUrl":"/d","key":"k"}
            ]}"#,
        )
        .unwrap();
        Source::expand(&config)
    }

    fn aitronos(id: &str, status: Status, raw_status: &str) -> LogRecord {
        LogRecord {
            kind: CollectionType::AitronosConnectors,
            status,
            raw_status: raw_status.into(),
            ..test_support::record("ai", id, test_support::minute(0))
        }
    }

    fn tallies(records: &[LogRecord]) -> Vec<StatusTally> {
        let mut counts = RowValueCounts::default();
        for record in records {
            counts.add(record);
        }
        counts.status_tallies()
    }

    fn lines(query: &LogQuery, sources: &[Source], tallies: &[StatusTally]) -> Vec<String> {
        status_gaps(query, sources, tallies, &|_| true)
            .into_iter()
            .map(|gap| gap.line)
            .collect()
    }

    fn query(statuses: &[Status]) -> LogQuery {
        LogQuery {
            statuses: statuses.iter().copied().collect(),
            ..LogQuery::default()
        }
    }

    #[test]
    fn rows_sent_without_a_status_are_told_when_a_filter_leaves_them_out() {
        let loaded = tallies(&[
            aitronos("a", Status::Unknown, ""),
            aitronos("b", Status::Unknown, ""),
            aitronos("c", Status::Error, "error"),
        ]);
        // Two statuses are filtered in the browser: the rows are left out.
        assert_eq!(
            lines(
                &query(&[Status::Error, Status::Timeout]),
                &sources(),
                &loaded
            ),
            [
                "Of the rows loaded from Aitronos connectors, 2 are left out as Unknown: the \
                 vendor sent them without a status. Choose a single status to have the server, \
                 which knows every row's status, filter them."
            ]
        );
        // Each chosen status is offered alone: Aitronos's server takes each.
        let gaps = status_gaps(
            &query(&[Status::Error, Status::Timeout]),
            &sources(),
            &loaded,
            &|_| true,
        );
        assert_eq!(gaps[0].ask_alone, [Status::Error, Status::Timeout]);
        // Shown as Unknown, unfiltered or with Unknown chosen, they say it themselves.
        assert!(lines(&query(&[]), &sources(), &loaded).is_empty());
        let with_unknown = query(&[Status::Unknown, Status::Error]);
        assert!(lines(&with_unknown, &sources(), &loaded).is_empty());
    }

    #[test]
    fn a_status_taken_from_the_request_is_said_to_be_so() {
        // Error alone goes to Aitronos's server: its status-less rows are errors.
        let filtered = tallies(&[
            aitronos("a", Status::Error, ""),
            aitronos("c", Status::Error, "error"),
        ]);
        assert_eq!(
            lines(&query(&[Status::Error]), &sources(), &filtered),
            [
                "Of the rows loaded from Aitronos connectors, 1 shows as Error only because the \
                 server returned it for that filter: the vendor sent it without a status."
            ]
        );
    }

    #[test]
    fn a_status_taken_from_the_request_is_not_said_of_a_type_other_filters_hide() {
        let filtered = tallies(&[aitronos("a", Status::Error, "")]);
        // A collection chosen that no Aitronos row has: none of them shows.
        let gaps = status_gaps(&query(&[Status::Error]), &sources(), &filtered, &|_| false);
        assert!(gaps.is_empty(), "{gaps:?}");
    }

    #[test]
    fn statuses_logdeck_does_not_know_are_told_apart_and_alone_need_no_server_hint() {
        let two = query(&[Status::Error, Status::Timeout]);
        let odd = tallies(&[
            aitronos("a", Status::Unknown, "crashed"),
            aitronos("b", Status::Unknown, ""),
        ]);
        assert_eq!(
            lines(&two, &sources(), &odd),
            [
                "Of the rows loaded from Aitronos connectors, 2 are left out as Unknown: 1 came \
                 without a status, 1 with one Logdeck does not know. Choose a single status to \
                 have the server, which knows every row's status, filter them."
            ]
        );
        let unreadable_only = tallies(&[aitronos("a", Status::Unknown, "crashed")]);
        assert_eq!(
            lines(&two, &sources(), &unreadable_only),
            [
                "Of the rows loaded from Aitronos connectors, 1 is left out as Unknown: the \
                 vendor sent it with a status Logdeck does not know."
            ]
        );
    }

    #[test]
    fn rows_with_their_own_status_and_types_out_of_view_say_nothing() {
        let plain = tallies(&[
            aitronos("c", Status::Error, "error"),
            LogRecord {
                status: Status::Event,
                raw_status: String::new(),
                kind: CollectionType::MakeAudit,
                ..test_support::record("mk/audit", "e", test_support::minute(0))
            },
        ]);
        let two = query(&[Status::Error, Status::Timeout]);
        assert!(lines(&two, &sources(), &plain).is_empty());
        let gaps = tallies(&[aitronos("a", Status::Unknown, "")]);
        let make_only = LogQuery {
            types: [CollectionType::MakeScenarios].into(),
            ..two
        };
        assert!(lines(&make_only, &sources(), &gaps).is_empty());
        // Statuses no Aitronos row can have leave the type out whole, by choice.
        let not_aitronos = query(&[Status::Event, Status::Running]);
        assert!(lines(&not_aitronos, &sources(), &gaps).is_empty());
    }

    #[test]
    fn a_dify_run_without_a_status_is_left_out_without_sending_anyone_to_its_server() {
        // Dify's server matches its own statuses only: it cannot place the run.
        let run = LogRecord {
            kind: CollectionType::DifyWorkflows,
            status: Status::Unknown,
            raw_status: String::new(),
            ..test_support::record("df", "r", test_support::minute(0))
        };
        let two = query(&[Status::Error, Status::Stopped]);
        let gaps = status_gaps(&two, &sources(), &tallies(&[run]), &|_| true);
        assert_eq!(
            gaps,
            [StatusGap {
                line: "Of the rows loaded from Dify workflows, 1 is left out as Unknown: the \
                       vendor sent it without a status."
                    .into(),
                ask_alone: Vec::new(),
            }]
        );
    }

    #[test]
    fn a_file_row_keeps_the_status_its_file_gives_it() {
        // A Logdeck export of rows loaded under `status=error` names their
        // status but not the vendor's: the file says Error, not a request.
        let exported = LogRecord {
            source: format!("{}export.csv", crate::model::SNAPSHOT_PREFIX),
            ..aitronos("a", Status::Error, "")
        };
        assert!(!exported.status_from_request());
        assert!(tallies(&[exported]).is_empty());
    }

    #[test]
    fn a_removed_row_takes_its_gap_back() {
        let mut counts = RowValueCounts::default();
        let row = aitronos("a", Status::Unknown, "");
        counts.add(&row);
        counts.remove(&row);
        assert!(counts.status_tallies().is_empty());
    }
}
