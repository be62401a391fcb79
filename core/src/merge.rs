//! The k-way merge behind "download everything": each source is read newest first,
//! one page at a time, and rows leave in one newest-first order while only a page
//! per source is held. The caller fetches what [`NewestFirst::wanting`] names.
//!
//! A row can arrive twice, and the merge yields it once in memory bounded by a
//! page rather than by the whole export:
//! - a vendor's offsets shift while new logs arrive, so a page can start with
//!   rows the page before ended with: each lane remembers its last page's keys;
//! - an opened Logdeck CSV can hold rows that are also read live: both copies
//!   carry the same instant, so the merge remembers the keys of the instant it
//!   is at, and the live reading goes first.

use std::collections::{HashSet, VecDeque};

use crate::adapters::Page;
use crate::model::SharedRecord;

/// One source's unread rows and where its next page starts.
#[derive(Debug, Clone, Default)]
struct Lane {
    buffer: VecDeque<SharedRecord>,
    next: Option<u64>,
    /// The keys of the page filled last, to drop the rows a shifted offset repeats.
    last_page: HashSet<String>,
}

/// A newest-first merge of lanes that are each newest first.
#[derive(Debug, Clone, Default)]
pub struct NewestFirst {
    lanes: Vec<Lane>,
    /// The millisecond of the last row yielded (a reopened CSV keeps times to
    /// the millisecond, a vendor may send microseconds), and the origin keys
    /// yielded at it.
    yielded_at: Option<i64>,
    yielded_keys: HashSet<String>,
}

impl NewestFirst {
    /// One lane per source: rows already at hand (newest first) and the position of
    /// its next page (`None` when there is none, as for an opened file).
    pub fn new(lanes: impl IntoIterator<Item = (Vec<SharedRecord>, Option<u64>)>) -> Self {
        NewestFirst {
            lanes: lanes
                .into_iter()
                .map(|(rows, next)| Lane {
                    buffer: rows.into(),
                    next,
                    last_page: HashSet::new(),
                })
                .collect(),
            yielded_at: None,
            yielded_keys: HashSet::new(),
        }
    }

    /// The lane whose next page must arrive before the next row can be chosen, and
    /// that page's position. While one is wanted, [`NewestFirst::pop`] yields nothing.
    pub fn wanting(&self) -> Option<(usize, u64)> {
        self.lanes
            .iter()
            .enumerate()
            .find_map(|(index, lane)| match lane.next {
                Some(position) if lane.buffer.is_empty() => Some((index, position)),
                _ => None,
            })
    }

    /// Hands lane `index` the page that [`NewestFirst::wanting`] asked for.
    pub fn fill(&mut self, index: usize, page: Page) {
        if let Some(lane) = self.lanes.get_mut(index) {
            let keys: HashSet<String> = page.records.iter().map(|r| r.key()).collect();
            let repeated = std::mem::replace(&mut lane.last_page, keys);
            lane.buffer.extend(
                page.records
                    .into_iter()
                    .filter(|record| !repeated.contains(&record.key()))
                    .map(SharedRecord::new),
            );
            lane.next = page.next;
        }
    }

    /// Ends lane `index` where it is (its source failed): the rows it holds
    /// still come, no page more is wanted.
    pub fn end_lane(&mut self, index: usize) {
        if let Some(lane) = self.lanes.get_mut(index) {
            lane.next = None;
        }
    }

    /// Whether lane `index` has no page left to fetch.
    pub fn is_exhausted(&self, index: usize) -> bool {
        self.lanes.get(index).is_none_or(|lane| lane.next.is_none())
    }

    /// The newest row across all lanes, each row once; `None` when every lane is
    /// drained, or when a page is wanted first.
    pub fn pop(&mut self) -> Option<SharedRecord> {
        loop {
            let record = self.pop_newest()?;
            let millisecond = record.timestamp.timestamp_millis();
            if self.yielded_at != Some(millisecond) {
                self.yielded_at = Some(millisecond);
                self.yielded_keys.clear();
            }
            if self.yielded_keys.insert(record.origin_key()) {
                return Some(record);
            }
        }
    }

    fn pop_newest(&mut self) -> Option<SharedRecord> {
        if self.wanting().is_some() {
            return None;
        }
        let newest = self
            .lanes
            .iter()
            .enumerate()
            .filter_map(|(index, lane)| {
                lane.buffer
                    .front()
                    .map(|row| (index, row.timestamp, row.is_snapshot()))
            })
            // At one instant a live reading goes before a file's copy of it, then
            // the first lane wins: configuration order is stable.
            .min_by_key(|(index, timestamp, snapshot)| {
                (std::cmp::Reverse(*timestamp), *snapshot, *index)
            })?;
        self.lanes[newest.0].buffer.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LogRecord;
    use crate::test_support::{minute, record};
    use proptest::prelude::*;

    fn shared(rows: Vec<LogRecord>) -> Vec<SharedRecord> {
        rows.into_iter().map(SharedRecord::new).collect()
    }

    fn row(source: &str, minutes: i64) -> LogRecord {
        record(source, &format!("{source}-{minutes}"), minute(minutes))
    }

    /// Drains `merge`, serving each wanted page from `pages[lane]`.
    fn drain_records(mut merge: NewestFirst, mut pages: Vec<VecDeque<Page>>) -> Vec<SharedRecord> {
        let mut out = Vec::new();
        loop {
            if let Some((lane, _)) = merge.wanting() {
                let page = pages[lane].pop_front().expect("a page was wanted");
                merge.fill(lane, page);
                continue;
            }
            match merge.pop() {
                Some(record) => out.push(record),
                None => return out,
            }
        }
    }

    /// The ids [`drain_records`] yields.
    fn drain(merge: NewestFirst, pages: Vec<VecDeque<Page>>) -> Vec<String> {
        drain_records(merge, pages)
            .iter()
            .map(|record| record.id.clone())
            .collect()
    }

    #[test]
    fn uneven_lanes_merge_newest_first_fetching_only_when_a_lane_runs_dry() {
        let a = VecDeque::from([
            Page {
                records: vec![row("a", 50), row("a", 40)],
                next: Some(2),
                unreadable: Vec::new(),
                total: None,
            },
            Page {
                records: vec![row("a", 10)],
                next: None,
                unreadable: Vec::new(),
                total: None,
            },
        ]);
        let b = VecDeque::from([Page {
            records: vec![row("b", 45), row("b", 5)],
            next: None,
            unreadable: Vec::new(),
            total: None,
        }]);
        let empty = VecDeque::from([Page {
            records: vec![],
            next: None,
            unreadable: Vec::new(),
            total: None,
        }]);
        let merge = NewestFirst::new([(vec![], Some(0)), (vec![], Some(0)), (vec![], Some(1))]);
        assert_eq!(merge.wanting(), Some((0, 0)));
        let ids = drain(merge, vec![a, b, empty]);
        assert_eq!(ids, ["a-50", "b-45", "a-40", "a-10", "b-5"]);
    }

    #[test]
    fn an_ended_lane_keeps_its_rows_and_wants_no_page_more() {
        let mut merge = NewestFirst::new([(vec![], Some(0)), (vec![], Some(0))]);
        merge.fill(
            0,
            Page {
                records: vec![row("a", 50)],
                next: Some(1),
                ..Page::default()
            },
        );
        assert_eq!(merge.wanting(), Some((1, 0)));
        // Its source failed: the other lane is read on.
        merge.end_lane(1);
        assert!(merge.is_exhausted(1));
        assert_eq!(merge.pop().map(|r| r.id.clone()).as_deref(), Some("a-50"));
        assert_eq!(merge.wanting(), Some((0, 1)), "only lane 0 pages on");
        merge.fill(
            0,
            Page {
                records: vec![row("a", 10)],
                ..Page::default()
            },
        );
        assert_eq!(merge.pop().map(|r| r.id.clone()).as_deref(), Some("a-10"));
        assert_eq!(merge.pop().map(|r| r.id.clone()), None);
    }

    #[test]
    fn rows_at_hand_need_no_fetch() {
        let mut merge = NewestFirst::new([(shared(vec![row("f", 3), row("f", 1)]), None)]);
        assert_eq!(merge.wanting(), None);
        assert!(merge.is_exhausted(0));
        assert_eq!(merge.pop().map(|r| r.id.clone()).as_deref(), Some("f-3"));
    }

    #[test]
    fn a_row_repeated_by_a_shifted_offset_or_an_opened_copy_is_yielded_once() {
        let page = |records: Vec<LogRecord>, next: Option<u64>| Page {
            records,
            next,
            unreadable: Vec::new(),
            total: None,
        };
        // Two new logs arrived between the pages: the second starts two rows
        // early, repeating "a-45", newer than the last row yielded, and "a-40".
        let shifted = VecDeque::from([
            page(vec![row("a", 50), row("a", 45), row("a", 40)], Some(3)),
            page(vec![row("a", 45), row("a", 40), row("a", 30)], None),
        ]);
        let copy = |of: LogRecord| LogRecord {
            source: "file:export.csv".into(),
            id: of.key(),
            ..of
        };
        let file = vec![
            copy(row("a", 50)),
            copy(row("a", 30)),
            row("file:export.csv", 20),
        ];
        let merge = NewestFirst::new([(shared(file), None), (vec![], Some(0))]);
        let sources: Vec<String> = drain_records(merge, vec![VecDeque::new(), shifted])
            .iter()
            .map(|record| format!("{}@{}", record.source, record.timestamp.format("%M")))
            .collect();
        assert_eq!(
            sources,
            ["a@50", "a@45", "a@40", "a@30", "file:export.csv@20"],
            "each row once, the live reading ahead of the file's copy"
        );
    }

    proptest! {
        /// Whatever the page sizes, the merge yields every row once, newest
        /// first, rows of one source sharing a minute included.
        #[test]
        fn yields_every_row_once_in_order(
            lanes in prop::collection::vec(
                prop::collection::btree_set((0i64..500, 0u8..3), 0..30),
                1..5,
            ),
            size in 1usize..7,
        ) {
            let mut pages = Vec::new();
            let mut total = 0;
            for (index, rows) in lanes.iter().enumerate() {
                let rows: Vec<(i64, u8)> = rows.iter().rev().copied().collect();
                total += rows.len();
                let source = format!("s{index}");
                let chunks: Vec<Vec<(i64, u8)>> = rows.chunks(size).map(<[(i64, u8)]>::to_vec).collect();
                let count = chunks.len();
                let mut lane: VecDeque<Page> = chunks
                    .into_iter()
                    .enumerate()
                    .map(|(i, chunk)| Page {
                        records: chunk
                            .iter()
                            .map(|(minutes, n)| LogRecord {
                                id: format!("{source}.{n}-{minutes}"),
                                ..row(&source, *minutes)
                            })
                            .collect(),
                        next: (i + 1 < count).then_some(i as u64 + 1),
                        unreadable: Vec::new(),
                        total: None,
                    })
                    .collect();
                if lane.is_empty() {
                    lane.push_back(Page::default());
                }
                pages.push(lane);
            }
            let merge = NewestFirst::new(pages.iter().map(|_| (Vec::new(), Some(0))));
            let minutes_of = |id: &str| -> i64 {
                id.rsplit('-').next().and_then(|m| m.parse().ok()).unwrap_or(-1)
            };
            let ids = drain(merge, pages);
            prop_assert_eq!(ids.iter().collect::<std::collections::HashSet<_>>().len(), total);
            prop_assert_eq!(ids.len(), total);
            for pair in ids.windows(2) {
                prop_assert!(minutes_of(&pair[0]) >= minutes_of(&pair[1]));
            }
        }
    }
}
