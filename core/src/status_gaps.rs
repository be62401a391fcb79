//! Rows whose status is not their vendor's own reading of them, said in words.
//!
//! Aitronos documents no status field on its rows, yet filters by status on its
//! server: a row sent without one shows as Unknown in an unfiltered view (which
//! says what is known of it) and as Error when Error alone was asked for.
//! Several statuses, filtered in the browser, leave it out. Neither of the last
//! two is visible in a count or a chart bar, so the page says which rows are
//! concerned and why, rather than let "73 errors" and "83 errors" both stand
//! unexplained.

use std::collections::BTreeSet;

use crate::filter_options::StatusTally;
use crate::query::LogQuery;
use crate::sources::Source;
use crate::status::Status;

/// One line per collection type with such rows, in [`crate::model::CollectionType::ALL`]'s order.
pub fn status_gap_lines(
    query: &LogQuery,
    sources: &[Source],
    tallies: &[StatusTally],
) -> Vec<String> {
    tallies
        .iter()
        .filter(|tally| query.types.is_empty() || query.types.contains(&tally.kind))
        .filter_map(|tally| {
            let remotes: Vec<&Source> = sources
                .iter()
                .filter(|source| {
                    source.remote().is_some()
                        && source.kind() == tally.kind
                        && source.is_selected_by(query)
                })
                .collect();
            gap_line(query, *tally, &remotes)
        })
        .collect()
}

fn gap_line(query: &LogQuery, tally: StatusTally, remotes: &[&Source]) -> Option<String> {
    let kind = tally.kind.label();
    let mut sentences = Vec::new();
    if tally.from_request > 0 {
        let asked = single_label(&query.statuses).unwrap_or("the status asked for");
        let (rows, verb) = rows(tally.from_request, "shows", "show");
        let them = if tally.from_request == 1 {
            "it"
        } else {
            "them"
        };
        sentences.push(format!(
            "{rows} of {kind} {verb} as {asked} only because the server returned {them} for \
             that filter: the vendor sent no status."
        ));
    }
    if tally.unknown > 0 {
        let server_filtered = !remotes.is_empty()
            && remotes
                .iter()
                .all(|source| source.capabilities().sends_status(&query.statuses));
        let shown = query.statuses.is_empty()
            || query.statuses.contains(&Status::Unknown)
            || server_filtered;
        // Shown as Unknown, a row says what is known of it: only a filter
        // that leaves it out hides something the page must tell.
        if !shown {
            let (rows, verb) = rows(tally.unknown, "is", "are");
            let why = why_unknown(tally);
            sentences.push(format!(
                "{rows} of {kind} loaded {verb} left out as Unknown, because {why}."
            ));
        }
        let can_ask_one = remotes.iter().any(|source| {
            tally.kind.statuses().iter().any(|status| {
                source
                    .capabilities()
                    .sends_status(&BTreeSet::from([*status]))
            })
        });
        if !shown && tally.unsent > 0 && can_ask_one {
            sentences.push(
                "Choose one status alone and the server, which knows each row's, filters them."
                    .to_owned(),
            );
        }
    }
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

fn why_unknown(tally: StatusTally) -> String {
    let unreadable = tally.unknown.saturating_sub(tally.unsent);
    match (tally.unsent, unreadable) {
        (_, 0) => "the vendor sent no status".to_owned(),
        (0, _) => "the vendor's status is one Logdeck does not know".to_owned(),
        (unsent, unreadable) => format!(
            "the vendor sent no status ({unsent}) or one Logdeck does not know ({unreadable})"
        ),
    }
}

/// "1 row" or "N rows", with the verb that agrees.
fn rows(count: usize, one: &'static str, many: &'static str) -> (String, &'static str) {
    if count == 1 {
        ("1 row".to_owned(), one)
    } else {
        (format!("{count} rows"), many)
    }
}

fn single_label(statuses: &BTreeSet<Status>) -> Option<&'static str> {
    let mut chosen = statuses.iter();
    match (chosen.next(), chosen.next()) {
        (Some(status), None) => Some(status.label()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuntimeConfig;
    use crate::filter_options::RowValueCounts;
    use crate::model::{CollectionType, LogRecord};
    use crate::test_support;

    fn sources() -> Vec<Source> {
        let config = RuntimeConfig::parse(
            r#"{"connections":[
                {"vendor":"aitronos","id":"ai","name":"Aitronos","baseUrl":"/a","key":"k","organizationId":"org"},
                {"vendor":"make","id":"mk","name":"Make","baseUrl":"/m","token":"t",
                 "scenarios":[{"id":1,"name":"Sync"}]}
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
            status_gap_lines(
                &query(&[Status::Error, Status::Timeout]),
                &sources(),
                &loaded
            ),
            [
                "2 rows of Aitronos connectors loaded are left out as Unknown, because the \
                 vendor sent no status. Choose one status alone and the server, which knows \
                 each row's, filters them."
            ]
        );
        // Shown as Unknown, unfiltered or with Unknown chosen, they say it themselves.
        assert!(status_gap_lines(&query(&[]), &sources(), &loaded).is_empty());
        let with_unknown = query(&[Status::Unknown, Status::Error]);
        assert!(status_gap_lines(&with_unknown, &sources(), &loaded).is_empty());
    }

    #[test]
    fn a_status_taken_from_the_request_is_said_to_be_so() {
        // Error alone goes to Aitronos's server: its status-less rows are errors.
        let filtered = tallies(&[
            aitronos("a", Status::Error, ""),
            aitronos("c", Status::Error, "error"),
        ]);
        assert_eq!(
            status_gap_lines(&query(&[Status::Error]), &sources(), &filtered),
            [
                "1 row of Aitronos connectors shows as Error only because the server returned \
                 it for that filter: the vendor sent no status."
            ]
        );
    }

    #[test]
    fn statuses_logdeck_does_not_know_are_told_apart_and_need_no_server_hint() {
        let two = query(&[Status::Error, Status::Timeout]);
        let odd = tallies(&[
            aitronos("a", Status::Unknown, "crashed"),
            aitronos("b", Status::Unknown, ""),
        ]);
        assert_eq!(
            status_gap_lines(&two, &sources(), &odd),
            [
                "2 rows of Aitronos connectors loaded are left out as Unknown, because the \
                 vendor sent no status (1) or one Logdeck does not know (1). Choose one status \
                 alone and the server, which knows each row's, filters them."
            ]
        );
        let unreadable_only = tallies(&[aitronos("a", Status::Unknown, "crashed")]);
        assert_eq!(
            status_gap_lines(&two, &sources(), &unreadable_only),
            [
                "1 row of Aitronos connectors loaded is left out as Unknown, because the \
                 vendor's status is one Logdeck does not know."
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
        assert!(status_gap_lines(&two, &sources(), &plain).is_empty());
        let gaps = tallies(&[aitronos("a", Status::Unknown, "")]);
        let make_only = LogQuery {
            types: [CollectionType::MakeScenarios].into(),
            ..two
        };
        assert!(status_gap_lines(&make_only, &sources(), &gaps).is_empty());
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
