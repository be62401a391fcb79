//! Messages read one row at a time, where a vendor's list carries none (a failed
//! Make run's error is only in its execution detail): which rows to ask for, the
//! answers for the tab's life (a finished run never changes), and filling them
//! into rows that arrive again (a reload, a live round, an export), and which
//! rows a search has therefore not looked in.

use std::collections::{HashMap, HashSet};

use crate::adapters::ServerApplied;
use crate::frontier::Frontier;
use crate::model::LogRecord;
use crate::query::LogQuery;
use crate::sources::Source;
use crate::timeline::Timeline;

/// At most this many message calls in flight: the rows on screen are asked
/// first, and rows scrolled past are not queued ahead of the next screen.
pub const IN_FLIGHT: usize = 4;

/// A search reads up to this many unread messages by itself (in the order
/// the rows loaded, each source's newest first; a device may prefer another
/// number), so that a pasted search link finds what it found for the
/// colleague who sent it. The rest wait for the reader to ask: each is a
/// call against the vendor's rate budget. Failed reads are asked again only
/// when the reader asks.
pub const SEARCH_READS_ALONE: usize = 100;

/// Loaded rows a search has not looked in: their message is read by a call
/// of its own and is not in yet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unsearched {
    /// Not read yet, or being read.
    pub open: usize,
    /// Whose call failed (asked again after [`MessageBook::forget_failures`]).
    pub failed: usize,
}

impl Unsearched {
    pub fn any(self) -> bool {
        self.open + self.failed > 0
    }

    /// What the row count adds while a search has not looked in every
    /// message: without it, "0 rows" would read as "no run says this".
    pub fn count_qualifier(self) -> Option<String> {
        let rows = self.open + self.failed;
        match rows {
            0 => None,
            1 => Some(" · 1 run's message not searched yet".to_owned()),
            n => Some(format!(" · {n} runs' messages not searched yet")),
        }
    }
}

/// The loaded rows the view can show (within `frontier`) whose message one
/// of `sources` may read later, by their time, source and status alone:
/// [`awaiting_messages`] then reads these, not every loaded record (a
/// success's row says all there is, and a row past the frontier is not shown,
/// so not counted as unsearched nor read).
pub fn rows_read_later<'a>(
    timeline: &'a Timeline,
    frontier: &Frontier,
    sources: &'a [Source],
) -> impl Iterator<Item = &'a LogRecord> + 'a {
    timeline.records_where(frontier, move |id, status| {
        sources
            .iter()
            .any(|source| source.reads_messages_later_for(status) && source.id() == id)
    })
}

/// The rows of `records` whose message one of `sources` reads later
/// ([`Source::message_request`]) and that `query`'s field filters keep (its
/// free text aside: that is what cannot look in them), with their source,
/// whatever a [`MessageBook`] knows of them. Cheap checks first: it runs over
/// the rows [`rows_read_later`] picks at each keystroke and message answer
/// while a search is on.
pub fn awaiting_messages<'a>(
    sources: &'a [Source],
    query: &'a LogQuery,
    records: impl IntoIterator<Item = &'a LogRecord> + 'a,
) -> impl Iterator<Item = (&'a Source, &'a LogRecord)> + 'a {
    let readers: Vec<(String, &Source)> = sources
        .iter()
        .filter(|source| source.reads_messages_later())
        .map(|source| (source.id(), source))
        .collect();
    records.into_iter().filter_map(move |record| {
        if record.message.is_some() {
            return None;
        }
        let (_, source) = readers.iter().find(|(id, _)| *id == record.source)?;
        source.message_request(record)?;
        query
            .matches_fields_except(record, ServerApplied::default())
            .then_some((*source, record))
    })
}

/// What is known of each row's lazily read message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MessageBook {
    /// By record key: the message, or `None` when the vendor has none to tell.
    known: HashMap<String, Option<String>>,
    asked: HashSet<String>,
    /// Keys whose call failed: not asked again in this tab.
    failed: HashSet<String>,
}

impl MessageBook {
    /// Of `candidates` (record keys whose row has a message to ask for, the
    /// rows on screen first), those to ask now, marked as asked.
    pub fn take<'a>(&mut self, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let room = IN_FLIGHT.saturating_sub(self.asked.len());
        let mut taken = Vec::new();
        for key in candidates {
            if taken.len() == room {
                break;
            }
            if !self.known.contains_key(key)
                && !self.asked.contains(key)
                && !self.failed.contains(key)
            {
                self.asked.insert(key.to_owned());
                taken.push(key.to_owned());
            }
        }
        taken
    }

    /// Records the answer for `key`; `Err` marks it failed.
    pub fn answered(&mut self, key: &str, message: Result<Option<String>, ()>) {
        self.asked.remove(key);
        match message {
            Ok(message) => {
                self.known.insert(key.to_owned(), message);
            }
            Err(()) => {
                self.failed.insert(key.to_owned());
            }
        }
    }

    /// Whether `key`'s message is still to be read: neither answered nor
    /// failed (a call in flight counts, its answer is not in yet).
    pub fn is_unread(&self, key: &str) -> bool {
        !self.known.contains_key(key) && !self.failed.contains(key)
    }

    /// Whether `key`'s call failed (it is not asked again until
    /// [`MessageBook::forget_failures`]).
    pub fn has_failed(&self, key: &str) -> bool {
        self.failed.contains(key)
    }

    /// Lets the failed calls be made again: asked for by the person.
    pub fn forget_failures(&mut self) {
        self.failed.clear();
    }

    /// Of [`awaiting_messages`], how many are not read yet and how many failed.
    pub fn unsearched<'a>(
        &self,
        awaiting: impl IntoIterator<Item = (&'a Source, &'a LogRecord)>,
    ) -> Unsearched {
        let mut count = Unsearched::default();
        for (_, record) in awaiting {
            let key = record.key();
            if self.is_unread(&key) {
                count.open += 1;
            } else if self.has_failed(&key) {
                count.failed += 1;
            }
        }
        count
    }

    /// Whether `record`, which `source` reads its message for by a call of its
    /// own, went without one in this tab: never read, or its read failed (a
    /// message read as "none" is no lack). An export says how many.
    pub fn lacks(&self, source: &Source, record: &LogRecord) -> bool {
        record.message.is_none()
            && source.reads_messages_later_for(record.status)
            && !self.known.contains_key(&record.key())
    }

    /// The message read for `key`, if one was.
    pub fn message(&self, key: &str) -> Option<&str> {
        self.known.get(key).and_then(Option::as_deref)
    }

    /// Takes in the messages another book read (an export's), and returns
    /// those this one did not know, by key, for the rows to show. Its
    /// failures are not taken: the page asks those again as it would.
    pub fn absorb(&mut self, other: MessageBook) -> Vec<(String, String)> {
        let mut new = Vec::new();
        for (key, message) in other.known {
            if self.known.contains_key(&key) {
                continue;
            }
            self.failed.remove(&key);
            if let Some(text) = &message {
                new.push((key.clone(), text.clone()));
            }
            self.known.insert(key, message);
        }
        new
    }

    /// Fills the messages read earlier into rows that arrive without them.
    pub fn fill(&self, records: &mut [LogRecord]) {
        if self.known.is_empty() {
            return;
        }
        for record in records.iter_mut().filter(|r| r.message.is_none()) {
            if let Some(message) = self.message(&record.key()) {
                record.message = Some(message.to_owned());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_book_takes_in_what_another_read_and_says_what_is_new() {
        let mut page = MessageBook::default();
        page.answered("a", Ok(Some("known".into())));
        page.answered("b", Err(()));
        let mut export = MessageBook::default();
        export.answered("a", Ok(Some("other".into())));
        export.answered("b", Ok(Some("DataError: x".into())));
        export.answered("c", Ok(None));
        export.answered("d", Err(()));
        assert_eq!(
            page.absorb(export),
            [("b".to_owned(), "DataError: x".to_owned())]
        );
        assert_eq!(page.message("a"), Some("known"), "what it knew stays");
        assert!(!page.has_failed("b") && !page.is_unread("c"));
        assert!(
            page.is_unread("d"),
            "a failure elsewhere is asked again here"
        );
    }
    use crate::status::Status;
    use crate::test_support::{make_and_dify_sources, minute, record};

    #[test]
    fn a_count_says_how_many_messages_its_search_has_not_looked_in() {
        assert_eq!(Unsearched::default().count_qualifier(), None);
        let one = Unsearched { open: 0, failed: 1 };
        assert_eq!(
            one.count_qualifier().as_deref(),
            Some(" · 1 run's message not searched yet")
        );
        let many = Unsearched {
            open: 260,
            failed: 4,
        };
        assert_eq!(
            many.count_qualifier().as_deref(),
            Some(" · 264 runs' messages not searched yet")
        );
    }

    #[test]
    fn asks_the_first_candidates_up_to_the_in_flight_cap_and_never_twice() {
        let mut book = MessageBook::default();
        let keys: Vec<String> = (0..10).map(|i| format!("s:{i}")).collect();
        let first = book.take(keys.iter().map(String::as_str));
        assert_eq!(first, keys[..IN_FLIGHT]);
        assert!(
            book.take(keys.iter().map(String::as_str)).is_empty(),
            "cap reached"
        );
        book.answered("s:0", Ok(Some("Timeout".into())));
        book.answered("s:1", Err(()));
        let next = book.take(keys.iter().map(String::as_str));
        assert_eq!(
            next,
            ["s:4", "s:5"],
            "known, failed and in-flight keys are skipped"
        );
    }

    #[test]
    fn a_failed_call_is_not_unread_but_failed_until_asked_for_again() {
        let mut book = MessageBook::default();
        assert!(book.is_unread("s:1") && !book.has_failed("s:1"));
        book.take(["s:1", "s:2"]);
        assert!(book.is_unread("s:1"), "a call in flight has no answer yet");
        book.answered("s:1", Err(()));
        book.answered("s:2", Ok(None));
        assert!(!book.is_unread("s:1") && book.has_failed("s:1"));
        assert!(
            !book.is_unread("s:2") && !book.has_failed("s:2"),
            "answered: nothing to tell"
        );
        assert!(book.take(["s:1"]).is_empty());
        book.forget_failures();
        assert!(book.is_unread("s:1") && !book.has_failed("s:1"));
        assert_eq!(book.take(["s:1", "s:2"]), ["s:1"]);
    }

    #[test]
    fn a_row_lacks_its_message_when_never_read_or_its_read_failed_not_when_read_as_none() {
        let sources = make_and_dify_sources();
        let make = &sources[0];
        assert!(make.reads_messages_later());
        let row = |id: &str, status: Status| LogRecord {
            status,
            ..record(&make.id(), id, minute(1))
        };
        let mut book = MessageBook::default();
        let (unread, failed, none, read) = (
            row("1", Status::Error),
            row("2", Status::Error),
            row("3", Status::Warning),
            row("4", Status::Error),
        );
        book.answered(&failed.key(), Err(()));
        book.answered(&none.key(), Ok(None));
        book.answered(&read.key(), Ok(Some("Timeout".into())));
        assert!(book.lacks(make, &unread));
        assert!(book.lacks(make, &failed));
        assert!(!book.lacks(make, &none), "read: it has none");
        let mut filled = [read.clone()];
        book.fill(&mut filled);
        assert!(!book.lacks(make, &filled[0]));
        assert!(
            !book.lacks(make, &row("5", Status::Success)),
            "a success says all there is"
        );
        assert!(
            !book.lacks(&sources[1], &unread),
            "Dify's rows carry their message"
        );
    }

    #[test]
    fn a_search_has_not_looked_in_the_messages_still_to_read_of_the_rows_it_could_match() {
        let sources = make_and_dify_sources();
        let failed_run = |id: &str, client: &str| LogRecord {
            status: Status::Error,
            client: Some(client.into()),
            ..record("mk/scenario/1", id, minute(1))
        };
        let records = vec![
            failed_run("open", "ada"),
            failed_run("in-flight", "ada"),
            failed_run("failed", "ada"),
            failed_run("answered-without-message", "ada"),
            failed_run("other-client", "grace"),
            LogRecord {
                message: Some("DataError: …".into()),
                ..failed_run("told", "ada")
            },
            LogRecord {
                status: Status::Success,
                ..failed_run("succeeded", "ada")
            },
            LogRecord {
                status: Status::Error,
                client: Some("ada".into()),
                ..record("df", "dify-error", minute(1))
            },
        ];
        let query = LogQuery {
            clients: ["ada".to_owned()].into(),
            text: "timeout".into(),
            ..LogQuery::default()
        };
        let awaiting: Vec<&str> = awaiting_messages(&sources, &query, &records)
            .map(|(source, record)| {
                assert_eq!(source.id(), "mk/scenario/1");
                record.id.as_str()
            })
            .collect();
        assert_eq!(
            awaiting,
            ["open", "in-flight", "failed", "answered-without-message"]
        );
        // Read from a timeline, only the scenario's failed and warned rows
        // are looked at, and the same rows await.
        let timeline = Timeline::new(records.clone());
        let complete = Frontier::complete();
        let looked_at: Vec<&str> = rows_read_later(&timeline, &complete, &sources)
            .map(|record| record.id.as_str())
            .collect();
        assert_eq!(
            looked_at,
            [
                "open",
                "in-flight",
                "failed",
                "answered-without-message",
                "other-client",
                "told"
            ]
        );
        let from_timeline: Vec<&str> = awaiting_messages(
            &sources,
            &query,
            rows_read_later(&timeline, &complete, &sources),
        )
        .map(|(_, record)| record.id.as_str())
        .collect();
        assert_eq!(from_timeline, awaiting);
        let mut book = MessageBook::default();
        book.take(["mk/scenario/1:in-flight", "mk/scenario/1:failed"]);
        book.answered("mk/scenario/1:failed", Err(()));
        book.take(["mk/scenario/1:answered-without-message"]);
        book.answered("mk/scenario/1:answered-without-message", Ok(None));
        assert_eq!(
            book.unsearched(awaiting_messages(&sources, &query, &records)),
            Unsearched { open: 2, failed: 1 }
        );
        book.forget_failures();
        assert_eq!(
            book.unsearched(awaiting_messages(&sources, &query, &records)),
            Unsearched { open: 3, failed: 0 }
        );
    }

    #[test]
    fn messages_read_earlier_fill_rows_that_arrive_again() {
        let mut book = MessageBook::default();
        book.take(["s:1", "s:2"]);
        book.answered("s:1", Ok(Some("DataError: Invalid date".into())));
        book.answered("s:2", Ok(None));
        let mut rows = vec![
            record("s", "1", minute(1)),
            record("s", "2", minute(2)),
            LogRecord {
                message: Some("own".into()),
                ..record("s", "3", minute(3))
            },
        ];
        book.fill(&mut rows);
        assert_eq!(rows[0].message.as_deref(), Some("DataError: Invalid date"));
        assert_eq!(rows[1].message, None);
        assert_eq!(rows[2].message.as_deref(), Some("own"));
        assert_eq!(book.message("s:1"), Some("DataError: Invalid date"));
    }
}
