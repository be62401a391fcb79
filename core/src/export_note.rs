//! What the page says once an export is saved: how many rows the file holds,
//! and every way it may fall short of the view (rows that could not be read,
//! messages not read, runs a search could not look into), so a file is never
//! taken for more than it is.

use chrono::{DateTime, Utc};

use crate::format;
use crate::query::{LogQuery, TimeWindow};
use crate::zone::ZoneRules;

/// What a finished export read whole: the rows its filters keep over its
/// window, which is then the period's total the page may state (the vendors
/// give none for most sources). Not kept when a source failed or a search
/// could not look in every message: the count may then fall short.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedTotal {
    filters: LogQuery,
    window: TimeWindow,
    rows: usize,
    at: DateTime<Utc>,
}

impl ExportedTotal {
    /// The total of an export of `query` over `window` that wrote `counts`,
    /// finished `at`; `None` when it may fall short.
    pub fn of(
        query: &LogQuery,
        window: TimeWindow,
        counts: ExportCounts,
        failed: &[FailedSource],
        at: DateTime<Utc>,
    ) -> Option<ExportedTotal> {
        (failed.is_empty() && counts.unsearched == 0).then(|| ExportedTotal {
            filters: same_rows(query),
            window,
            rows: counts.rows,
            at,
        })
    }

    /// The count and its time, when `query` over `window` keeps the rows the
    /// export read: the same filters (not the sort or the record open) over
    /// the very same window.
    pub fn applies_to(
        &self,
        query: &LogQuery,
        window: TimeWindow,
    ) -> Option<(usize, DateTime<Utc>)> {
        (self.window == window && self.filters == same_rows(query)).then_some((self.rows, self.at))
    }
}

/// What decides the rows an export writes.
fn same_rows(query: &LogQuery) -> LogQuery {
    LogQuery {
        hide_check_runs: query.hide_check_runs,
        ..query.row_filters()
    }
}

/// What an export wrote, counted as it went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportCounts {
    /// Rows written.
    pub rows: usize,
    /// Rows written without the message their source reads by a call per row
    /// (Make's error and warning runs not read in this tab).
    pub without_message: usize,
    /// Rows left out only because a search could not look in their message
    /// (read by a call of its own, not read in this tab): they may match.
    pub unsearched: usize,
    /// Whether the export read the messages not read yet: rows still without
    /// one are those whose call failed.
    pub messages_read: bool,
}

impl ExportCounts {
    /// Whether reading the messages not read yet would complete the file:
    /// rows lack theirs, or may match a search in them, and nothing was read.
    pub fn messages_would_help(&self) -> bool {
        !self.messages_read && self.without_message + self.unsearched > 0
    }
}

/// A source that failed while exporting (after the retries its lane allows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedSource {
    pub label: String,
    /// What went wrong, as the page says it.
    pub error: String,
    /// The oldest of its rows read before it failed: the file holds its rows
    /// back to there only. `None`: none of its rows were read.
    pub read_back_to: Option<DateTime<Utc>>,
    /// A vendor's search beside a source (Dify's keyword): the source's own
    /// rows are all read, only the rows it alone finds may be missing.
    pub search: bool,
}

impl FailedSource {
    /// "Dify · Support bot's only back to 2026-11-20 10:00:00", "none of Dify
    /// · Support bot's".
    fn share(&self, zone: &ZoneRules) -> String {
        match (self.read_back_to, self.search) {
            (Some(oldest), false) => format!(
                "{}'s only back to {}",
                self.label,
                format::timestamp_in(oldest, zone)
            ),
            (None, false) => format!("none of {}'s", self.label),
            (Some(oldest), true) => format!(
                "the rows only {} finds back to {} alone",
                self.label,
                format::timestamp_in(oldest, zone)
            ),
            (None, true) => format!("none of the rows only {} finds", self.label),
        }
    }
}

/// What the page asks when sources failed while the others were read whole:
/// whether to save a file that holds the failed ones' rows only as far back
/// as they were read. Never saved unasked, so a file is not taken for all
/// the period holds.
pub fn partial_question(counts: ExportCounts, failed: &[FailedSource], zone: &ZoneRules) -> String {
    let reasons: Vec<String> = failed
        .iter()
        .map(|source| {
            format!(
                "{} failed: {}.",
                source.label,
                source.error.trim_end_matches('.')
            )
        })
        .collect();
    let shares: Vec<String> = failed.iter().map(|source| source.share(zone)).collect();
    format!(
        "{} A file now would hold {}: every other source's, and {}.",
        reasons.join(" "),
        rows(counts.rows),
        shares.join(", and ")
    )
}

/// What a saved file holds and lacks: its sources' rows (the failed ones'
/// only as far back as they were read).
pub struct SavedFile<'a> {
    pub name: &'a str,
    pub counts: ExportCounts,
    /// Label and count of the rows each source sent that could not be read.
    pub skipped: &'a [(String, usize)],
    pub failed: &'a [FailedSource],
    /// The first message call that failed, when the export read them.
    pub message_failure: Option<&'a str>,
}

/// "Downloaded N rows as F.", naming the sources that failed and those whose
/// unreadable rows are not in it, and the rows without a message or not
/// searched.
pub fn saved_note(file: SavedFile<'_>, zone: &ZoneRules) -> String {
    let SavedFile {
        name,
        counts,
        skipped,
        failed,
        message_failure,
    } = file;
    let mut note = format!("Downloaded {} as {name}.", rows(counts.rows));
    if !failed.is_empty() {
        let shares: Vec<String> = failed.iter().map(|source| source.share(zone)).collect();
        note.push_str(&format!(
            " Of the sources that failed it holds {}.",
            shares.join(", and ")
        ));
    }
    let unread: Vec<String> = skipped
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(label, count)| format!("{label}: {count}"))
        .collect();
    if !unread.is_empty() {
        note.push_str(&format!(
            " Rows that could not be read are not in it ({}).",
            unread.join(", ")
        ));
    }
    note.push_str(&message_shortfall(counts));
    if let Some(failure) =
        message_failure.filter(|_| counts.without_message + counts.unsearched > 0)
    {
        note.push_str(&format!(" The first call that failed: {failure}."));
    }
    note
}

/// What the file lacks of the messages read by a call per row: not read in
/// this tab (the page offers to read them), or their calls failed.
fn message_shortfall(counts: ExportCounts) -> String {
    let mut said = match (counts.without_message, counts.messages_read) {
        (0, _) => String::new(),
        (1, false) => " 1 row's message was not read: a failed or warned Make run's \
                       takes a call of its own (a warned run may have none)."
            .to_owned(),
        (n, false) => format!(
            " {n} rows' messages were not read: a failed or warned Make run's \
             takes a call of its own (a warned run may have none)."
        ),
        (1, true) => " 1 row is without its message: its call failed.".to_owned(),
        (n, true) => format!(" {n} rows are without their message: their calls failed."),
    };
    let why = if counts.messages_read {
        "could not be read"
    } else {
        "were not read (a call each)"
    };
    said.push_str(&match counts.unsearched {
        0 => String::new(),
        1 => format!(
            " 1 failed or warned run was not searched, so it may match and is not in the file: its message {}.",
            why.replace("were", "was")
        ),
        n => format!(
            " {n} failed or warned runs were not searched, so they may match and are not in the file: their messages {why}."
        ),
    });
    said
}

/// "1 row", "3 rows".
fn rows(count: usize) -> String {
    match count {
        1 => "1 row".to_owned(),
        n => format!("{n} rows"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(counts: ExportCounts, skipped: &[(String, usize)], failed: &[FailedSource]) -> String {
        let file = SavedFile {
            name: "logs.csv",
            counts,
            skipped,
            failed,
            message_failure: None,
        };
        saved_note(file, &ZoneRules::utc())
    }

    #[test]
    fn an_export_read_whole_gives_the_total_of_its_rows_over_its_window_only() {
        use crate::status::Status;
        use chrono::TimeZone;
        let at = |hour| Utc.with_ymd_and_hms(2026, 1, 1, hour, 0, 0).unwrap();
        let window = TimeWindow {
            from: at(1),
            to: at(9),
        };
        let errors = LogQuery {
            statuses: [Status::Error].into(),
            text: "Gmail  500".into(),
            ..LogQuery::default()
        };
        let counts = ExportCounts {
            rows: 120,
            ..ExportCounts::default()
        };
        let total = ExportedTotal::of(&errors, window, counts, &[], at(10)).unwrap();
        let sorted_and_open = LogQuery {
            text: "gmail 500".into(),
            selected: Some("mk:1".into()),
            sort: crate::query::Sort {
                column: crate::columns::Column::Duration,
                descending: true,
            },
            ..errors.clone()
        };
        assert_eq!(
            total.applies_to(&sorted_and_open, window),
            Some((120, at(10)))
        );
        let other_window = TimeWindow {
            to: at(8),
            ..window
        };
        assert_eq!(total.applies_to(&errors, other_window), None);
        assert_eq!(total.applies_to(&LogQuery::default(), window), None);
        let hiding_checks = LogQuery {
            hide_check_runs: true,
            ..errors.clone()
        };
        assert_eq!(total.applies_to(&hiding_checks, window), None);
        // Short of a failed source, or of messages a search did not read: none.
        let failed = [FailedSource {
            label: "Make · Billing".into(),
            error: "503".into(),
            read_back_to: None,
            search: false,
        }];
        assert_eq!(
            ExportedTotal::of(&errors, window, counts, &failed, at(10)),
            None
        );
        let unsearched = ExportCounts {
            unsearched: 3,
            ..counts
        };
        assert_eq!(
            ExportedTotal::of(&errors, window, unsearched, &[], at(10)),
            None
        );
    }

    #[test]
    fn a_whole_export_says_only_its_rows() {
        let counts = ExportCounts {
            rows: 1,
            ..ExportCounts::default()
        };
        assert_eq!(
            saved(counts, &[("Make · Billing".to_owned(), 0)], &[]),
            "Downloaded 1 row as logs.csv."
        );
    }

    #[test]
    fn a_file_short_of_a_failed_source_is_asked_for_and_then_says_how_far_it_holds() {
        use chrono::TimeZone;
        let utc = ZoneRules::utc();
        let counts = ExportCounts {
            rows: 7143,
            ..ExportCounts::default()
        };
        let failed = [FailedSource {
            label: "Dify · Support bot".to_owned(),
            error: "Dify 500: internal error.".to_owned(),
            read_back_to: Some(Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap()),
            search: false,
        }];
        assert_eq!(
            partial_question(counts, &failed, &utc),
            "Dify · Support bot failed: Dify 500: internal error. \
             A file now would hold 7143 rows: every other source's, and Dify · Support bot's only back to 2026-11-20 10:00:00."
        );
        assert_eq!(
            saved(counts, &[], &failed),
            "Downloaded 7143 rows as logs.csv. Of the sources that failed it holds Dify · Support bot's only back to 2026-11-20 10:00:00."
        );
        let none_read = FailedSource {
            label: "Make · Billing".to_owned(),
            error: "no API key".to_owned(),
            read_back_to: None,
            search: false,
        };
        let two = [failed[0].clone(), none_read];
        assert!(partial_question(counts, &two, &utc)
            .ends_with("10:00:00, and none of Make · Billing's."));
        // A search beside its app: the app's rows are all there.
        let search = [FailedSource {
            label: "Support bot · Dify's search".to_owned(),
            error: "Dify 500".to_owned(),
            read_back_to: None,
            search: true,
        }];
        assert!(partial_question(counts, &search, &utc).ends_with(
            "every other source's, and none of the rows only Support bot · Dify's search finds."
        ));
    }

    #[test]
    fn every_shortfall_of_the_file_is_named() {
        let counts = ExportCounts {
            rows: 40,
            without_message: 2,
            unsearched: 1,
            messages_read: false,
        };
        let skipped = [
            ("Make · Billing".to_owned(), 3),
            ("Dify · Support".to_owned(), 0),
            ("Aitronos · Ops".to_owned(), 1),
        ];
        let note = saved(counts, &skipped, &[]);
        assert!(note.starts_with(
            "Downloaded 40 rows as logs.csv. Rows that could not be read are not in it (Make · Billing: 3, Aitronos · Ops: 1)."
        ));
        assert!(note.contains(
            " 2 rows' messages were not read: a failed or warned Make run's takes a call of its own \
             (a warned run may have none)."
        ));
        assert!(note.ends_with(
            " 1 failed or warned run was not searched, so it may match and is not in the file: \
             its message was not read (a call each)."
        ));
        let one = saved(
            ExportCounts {
                without_message: 1,
                unsearched: 3,
                ..counts
            },
            &[],
            &[],
        );
        assert!(one.contains(" 1 row's message was not read:"));
        assert!(one.contains(" 3 failed or warned runs were not searched"));
        assert!(counts.messages_would_help());
        // Read with the export, what still lacks its message had a call fail.
        let read = ExportCounts {
            messages_read: true,
            ..counts
        };
        assert!(!read.messages_would_help());
        let with_failure = SavedFile {
            name: "logs.csv",
            counts: read,
            skipped: &[],
            failed: &[],
            message_failure: Some("Make · Billing: Make answered 401"),
        };
        assert!(saved_note(with_failure, &ZoneRules::utc())
            .ends_with(" The first call that failed: Make · Billing: Make answered 401."));
        assert!(saved(read, &[], &[]).ends_with(
            " 2 rows are without their message: their calls failed. \
             1 failed or warned run was not searched, so it may match and is not in the file: \
             its message could not be read."
        ));
    }
}
