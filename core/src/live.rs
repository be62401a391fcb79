//! Live mode: rows newer than the loaded window, read in rounds and merged on top
//! without dropping what is loaded.
//!
//! A round asks every source for the span since the last completed round (with an
//! overlap, since a vendor may list a run a little after its start time) and pages
//! each to the end. Only when every source has answered does the covered span move
//! forward: a round with a failure is dropped whole and its span asked again next
//! time, so a failure never leaves a gap that reads as "nothing happened". Rows that
//! arrive while the reader is scrolled away or reading a detail are held, counted,
//! and shown when the reader comes back, as Grafana's live tail does.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::adapters::{Page, UnreadableRow};
use crate::model::LogRecord;
use crate::query::TimeWindow;
use crate::sources::SourceError;

/// How far before the covered end each round starts again: runs listed a little
/// after their start time still arrive; the duplicates merge by key.
pub const OVERLAP: Duration = Duration::minutes(2);

/// Live mode's progress over one loaded window.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveTail {
    /// The view is complete up to this instant: the loaded window's end, moved
    /// forward by every completed round.
    until: DateTime<Utc>,
    round: Option<Round>,
    /// New rows of completed rounds the reader has not been shown yet, by key.
    held: Vec<LogRecord>,
    /// The source (its label) whose failure dropped the last round, and why.
    failure: Option<(String, SourceError)>,
    last_token: u64,
}

/// The round in flight.
#[derive(Debug, Clone, PartialEq)]
struct Round {
    token: u64,
    window: TimeWindow,
    /// Sources that have not reached their last page yet.
    waiting: usize,
    rows: Vec<LogRecord>,
    /// Rows that could not be read, by the id of the source that sent them.
    unreadable: Vec<(String, UnreadableRow)>,
    failure: Option<(String, SourceError)>,
}

/// Which source an answer comes from: its id, whose load counts its
/// unreadable rows, and its label, which a failure names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Answering<'a> {
    pub id: &'a str,
    pub label: &'a str,
}

/// What a completed round brings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoundRows {
    /// The rows to merge, new and updated ones alike.
    pub rows: Vec<LogRecord>,
    /// Rows that could not be read, by source id: the page says so as for
    /// any page (a row sent in two rounds counts once, see `Skipped`).
    pub unreadable: Vec<(String, UnreadableRow)>,
}

/// A round to perform: every source's first page over `window`, tagged `token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundStart {
    pub token: u64,
    pub window: TimeWindow,
}

/// What an answer within a round leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum RoundStep {
    /// Ask this source's page at this position next.
    Next(u64),
    /// The source is done; others are still answering (or the answer was stale).
    Wait,
    /// Every source answered: what the round brought.
    Done(RoundRows),
    /// Every source answered but one failed: nothing moves, the span is asked again.
    Dropped,
}

impl LiveTail {
    /// Live mode over a window loaded up to `until`.
    pub fn new(until: DateTime<Utc>) -> LiveTail {
        LiveTail {
            until,
            round: None,
            held: Vec::new(),
            failure: None,
            last_token: 0,
        }
    }

    /// Where the view is complete up to.
    pub fn until(&self) -> DateTime<Utc> {
        self.until
    }

    /// "up to 16:00:05" for the state beside the switch: where the rows
    /// are complete up to, which is no later than the team archive has
    /// synced the archived sources shown (`archive_synced_to`), whatever the
    /// rounds asked: an archived source's newer rows are not stored yet.
    pub fn until_line(
        &self,
        archive_synced_to: Option<DateTime<Utc>>,
        zone: &crate::zone::ZoneRules,
    ) -> String {
        match archive_synced_to.filter(|synced| *synced < self.until) {
            Some(synced) => format!(
                "up to {}, the archive's last sync",
                crate::format::timestamp_in(synced, zone)
            ),
            None => format!("up to {}", crate::format::timestamp_in(self.until, zone)),
        }
    }

    pub fn is_running(&self) -> bool {
        self.round.is_some()
    }

    /// Why the last round was dropped, until one succeeds.
    pub fn failure(&self) -> Option<&(String, SourceError)> {
        self.failure.as_ref()
    }

    /// Starts a round up to `now` for `sources` sources; `None` while one is in
    /// flight (a slow, rate-limited round is never stacked on), or with nothing to ask.
    pub fn begin(&mut self, now: DateTime<Utc>, sources: usize) -> Option<RoundStart> {
        if self.round.is_some() || sources == 0 || now <= self.until {
            return None;
        }
        self.last_token += 1;
        let window = TimeWindow {
            from: self.until - OVERLAP,
            to: now,
        };
        self.round = Some(Round {
            token: self.last_token,
            window,
            waiting: sources,
            rows: Vec::new(),
            unreadable: Vec::new(),
            failure: None,
        });
        Some(RoundStart {
            token: self.last_token,
            window,
        })
    }

    /// Abandons the round in flight (live mode was switched off or the view changed).
    pub fn cancel(&mut self) {
        self.round = None;
    }

    /// Whether round `token` is the one in flight (not cancelled or superseded).
    pub fn is_current(&self, token: u64) -> bool {
        self.round
            .as_ref()
            .is_some_and(|round| round.token == token)
    }

    /// Takes one page of round `token` from `source`.
    pub fn answer(
        &mut self,
        token: u64,
        source: Answering<'_>,
        outcome: Result<Page, SourceError>,
    ) -> RoundStep {
        let Some(round) = self.round.as_mut().filter(|round| round.token == token) else {
            return RoundStep::Wait;
        };
        match outcome {
            Ok(page) => {
                round.rows.extend(page.records);
                round.unreadable.extend(
                    page.unreadable
                        .into_iter()
                        .map(|row| (source.id.to_owned(), row)),
                );
                if let Some(next) = page.next {
                    return RoundStep::Next(next);
                }
            }
            Err(error) => {
                round
                    .failure
                    .get_or_insert((source.label.to_owned(), error));
            }
        }
        round.waiting = round.waiting.saturating_sub(1);
        if round.waiting > 0 {
            return RoundStep::Wait;
        }
        let Some(round) = self.round.take() else {
            return RoundStep::Wait;
        };
        if let Some(failure) = round.failure {
            self.failure = Some(failure);
            return RoundStep::Dropped;
        }
        self.failure = None;
        self.until = round.window.to;
        RoundStep::Done(RoundRows {
            rows: round.rows,
            unreadable: round.unreadable,
        })
    }

    /// Keeps rows the reader is not shown yet; a row held already is replaced by
    /// its newer reading (a run that was running has finished since).
    pub fn hold(&mut self, rows: Vec<LogRecord>) {
        let mut position: HashMap<String, usize> = self
            .held
            .iter()
            .enumerate()
            .map(|(index, row)| (row.key(), index))
            .collect();
        for row in rows {
            match position.get(&row.key()) {
                Some(&index) => self.held[index] = row,
                None => {
                    position.insert(row.key(), self.held.len());
                    self.held.push(row);
                }
            }
        }
    }

    /// How many new rows wait for the reader.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// The held rows, to show now.
    pub fn release(&mut self) -> Vec<LogRecord> {
        std::mem::take(&mut self.held)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::Page;
    use crate::status::Status;
    use crate::test_support::{minute, record};

    #[test]
    fn the_line_says_no_later_than_the_archive_has_synced() {
        let zone = crate::zone::ZoneRules::utc();
        let live = LiveTail::new(crate::test_support::minute(30));
        assert_eq!(live.until_line(None, &zone), "up to 2026-01-01 00:30:00");
        assert_eq!(
            live.until_line(Some(crate::test_support::minute(29)), &zone),
            "up to 2026-01-01 00:29:00, the archive's last sync"
        );
        assert_eq!(
            live.until_line(Some(crate::test_support::minute(31)), &zone),
            "up to 2026-01-01 00:30:00",
            "an archive synced past the rounds does not move the line"
        );
    }

    fn page(rows: &[(&str, i64)], next: Option<u64>) -> Page {
        Page {
            records: rows
                .iter()
                .map(|(id, at)| record("s", id, minute(*at)))
                .collect(),
            next,
            unreadable: Vec::new(),
            total: None,
        }
    }

    fn by(name: &str) -> Answering<'_> {
        Answering {
            id: name,
            label: name,
        }
    }

    fn ids(rows: &[LogRecord]) -> Vec<&str> {
        rows.iter().map(|row| row.id.as_str()).collect()
    }

    #[test]
    fn a_round_asks_from_just_before_the_covered_end_to_now() {
        let mut live = LiveTail::new(minute(10));
        let start = live.begin(minute(11), 2).unwrap();
        assert_eq!(start.window.from, minute(10) - OVERLAP);
        assert_eq!(start.window.to, minute(11));
        assert_eq!(live.begin(minute(12), 2), None, "one round at a time");
        assert_eq!(LiveTail::new(minute(10)).begin(minute(10), 2), None);
        assert_eq!(LiveTail::new(minute(10)).begin(minute(11), 0), None);
    }

    #[test]
    fn the_covered_end_moves_only_when_every_source_has_answered_to_its_last_page() {
        let mut live = LiveTail::new(minute(10));
        let start = live.begin(minute(11), 2).unwrap();
        assert_eq!(
            live.answer(start.token, by("a"), Ok(page(&[("1", 11)], Some(100)))),
            RoundStep::Next(100)
        );
        assert_eq!(
            live.answer(start.token, by("a"), Ok(page(&[("2", 10)], None))),
            RoundStep::Wait
        );
        assert_eq!(live.until(), minute(10));
        let RoundStep::Done(RoundRows { rows, .. }) =
            live.answer(start.token, by("b"), Ok(page(&[("3", 11)], None)))
        else {
            panic!("the round is complete");
        };
        assert_eq!(ids(&rows), ["1", "2", "3"]);
        assert_eq!(live.until(), minute(11));
        assert!(!live.is_running());
    }

    #[test]
    fn a_failed_source_drops_the_round_and_its_span_is_asked_again() {
        let mut live = LiveTail::new(minute(10));
        let start = live.begin(minute(11), 2).unwrap();
        live.answer(
            start.token,
            by("a"),
            Err(SourceError::Unreachable("down".into())),
        );
        assert_eq!(
            live.answer(start.token, by("b"), Ok(page(&[("3", 11)], None))),
            RoundStep::Dropped
        );
        assert_eq!(live.until(), minute(10));
        assert_eq!(live.failure().map(|(source, _)| source.as_str()), Some("a"));
        let again = live.begin(minute(12), 2).unwrap();
        assert_eq!(again.window.from, minute(10) - OVERLAP);
        live.answer(again.token, by("a"), Ok(page(&[], None)));
        live.answer(again.token, by("b"), Ok(page(&[], None)));
        assert_eq!(
            live.failure(),
            None,
            "a successful round clears the failure"
        );
        assert_eq!(live.until(), minute(12));
    }

    #[test]
    fn answers_to_a_cancelled_or_older_round_change_nothing() {
        let mut live = LiveTail::new(minute(10));
        let first = live.begin(minute(11), 1).unwrap();
        live.cancel();
        let second = live.begin(minute(12), 1).unwrap();
        assert_eq!(
            live.answer(first.token, by("a"), Ok(page(&[("old", 11)], None))),
            RoundStep::Wait
        );
        assert!(matches!(
            live.answer(second.token, by("a"), Ok(page(&[("new", 12)], None))),
            RoundStep::Done(RoundRows { rows, .. }) if ids(&rows) == ["new"]
        ));
    }

    #[test]
    fn a_rounds_unreadable_rows_come_with_the_id_of_the_source_that_sent_them() {
        let mut live = LiveTail::new(minute(10));
        let start = live.begin(minute(11), 2).unwrap();
        let odd = crate::test_support::unreadable;
        let with_odd = Page {
            unreadable: vec![odd("{}")],
            ..page(&[("1", 11)], None)
        };
        live.answer(start.token, by("a"), Ok(with_odd));
        let RoundStep::Done(brought) = live.answer(
            start.token,
            Answering {
                id: "b-id",
                label: "B",
            },
            Ok(Page {
                unreadable: vec![odd("[]")],
                ..page(&[], None)
            }),
        ) else {
            panic!("the round is complete");
        };
        assert_eq!(ids(&brought.rows), ["1"]);
        assert_eq!(
            brought.unreadable,
            [("a".to_owned(), odd("{}")), ("b-id".to_owned(), odd("[]"))]
        );
    }

    #[test]
    fn held_rows_are_counted_once_and_a_newer_reading_replaces_the_older() {
        let mut live = LiveTail::new(minute(10));
        live.hold(vec![
            record("s", "1", minute(11)),
            record("s", "2", minute(11)),
        ]);
        let finished = LogRecord {
            status: Status::Error,
            ..record("s", "1", minute(11))
        };
        live.hold(vec![finished]);
        assert_eq!(live.held(), 2);
        let released = live.release();
        assert_eq!(ids(&released), ["1", "2"]);
        assert_eq!(released[0].status, Status::Error);
        assert_eq!(live.held(), 0);
    }
}
