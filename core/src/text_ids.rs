//! Each row's text in the sortable text columns as a number, kept as rows
//! come: a sort by a text column then reads one flat number per row instead
//! of following a pointer to each of 100 000 records and hashing its text
//! (3.3 of a fresh sort's 13 ms of script in the browser, docs/performance.md,
//! "A sort reads no record"), and a search looks in each distinct text once.

use std::collections::HashMap;
use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

use crate::columns::Column;
use crate::model::{LogRecord, SharedRecord};
use crate::search_texts::{Needle, SearchTexts};

/// The text columns numbered here; Type is the record's kind, already a number.
const COLUMNS: [Column; 4] = [
    Column::Collection,
    Column::Name,
    Column::Client,
    Column::Message,
];

/// A row's text in a sortable text column; `None` when it has none.
pub(crate) fn text_of(record: &LogRecord, column: Column) -> Option<&str> {
    match column {
        Column::Type => Some(record.kind.label()),
        Column::Collection => Some(record.collection.as_str()),
        Column::Name => record.name.as_deref(),
        Column::Client => record.client.as_deref(),
        Column::Message => record.message.as_deref(),
        _ => None,
    }
}

/// Per column, each row's text number: 0 for no text, the same number for
/// rows whose text was found equal as they came. Two numbers may stand for
/// one text (the row that confirmed a number changed): ranking compares
/// texts, so they still rank equal.
#[derive(Debug, Clone, Default)]
pub(crate) struct TextIds {
    columns: [ColumnIds; COLUMNS.len()],
}

/// Derived from the records (and the order their readings came in): two
/// timelines of equal rows are equal whatever their numbers.
impl PartialEq for TextIds {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[derive(Debug, Clone, Default)]
struct ColumnIds {
    /// By row, in load order.
    rows: Vec<u32>,
    /// A text's number by the text's hash; the row that first had it, by
    /// number (index `number - 1`), to confirm a hash found is that text
    /// (`NO_ROW` once that row's text changed: it confirms nothing).
    by_hash: HashMap<u64, u32, FxBuildHasher>,
    first_rows: Vec<u32>,
    /// Texts whose hash is taken by another text, or by a number that can
    /// no longer be confirmed, kept whole.
    colliding: HashMap<Box<str>, u32>,
    /// Each number's text lower-cased, as a search reads it (number - 1).
    lowercase: SearchTexts,
}

/// Per numbered column, whether each number's text holds a search's needle
/// (index: the number; 0, no text, holds nothing).
pub(crate) struct TextHits([Vec<bool>; COLUMNS.len()]);

/// A number's first row once that row's text changed.
const NO_ROW: u32 = u32::MAX;

impl TextIds {
    /// Numbers for every row of `records`.
    pub(crate) fn of(records: &[SharedRecord]) -> TextIds {
        TextIds {
            columns: COLUMNS.map(|column| ColumnIds::of(records, column)),
        }
    }

    /// Numbers the texts of the last of `records`, the row after the last
    /// numbered.
    pub(crate) fn push_last(&mut self, records: &[SharedRecord]) {
        let row = records.len().saturating_sub(1);
        for (column_ids, column) in self.columns.iter_mut().zip(COLUMNS) {
            let id = column_ids.number(records, row, column);
            column_ids.rows.push(id);
        }
    }

    /// Numbers the texts of `records[row]` again: its record replaced
    /// `previous`. A column that has given out more than twice as many
    /// numbers as it has rows (texts that keep changing, live) is numbered
    /// afresh.
    pub(crate) fn renumber(&mut self, records: &[SharedRecord], row: usize, previous: &LogRecord) {
        for (column_ids, column) in self.columns.iter_mut().zip(COLUMNS) {
            let Some(&old) = column_ids.rows.get(row) else {
                continue;
            };
            let now = records.get(row).and_then(|record| text_of(record, column));
            if now == text_of(previous, column) {
                continue;
            }
            // The row confirmed its old number: with its text changed, it
            // no longer can.
            if let Some(first) = column_ids
                .first_rows
                .get_mut((old as usize).wrapping_sub(1))
            {
                if *first as usize == row {
                    *first = NO_ROW;
                }
            }
            let id = column_ids.number(records, row, column);
            column_ids.rows[row] = id;
            if column_ids.first_rows.len() > 2 * column_ids.rows.len() + 64 {
                *column_ids = ColumnIds::of(records, column);
            }
        }
    }

    /// Which numbers' texts hold `needle`, each text looked in once.
    pub(crate) fn holding(&self, needle: &Needle) -> TextHits {
        TextHits(self.columns.each_ref().map(|ids| {
            let search = ids.lowercase.search(needle);
            std::iter::once(false)
                .chain((0..ids.first_rows.len()).map(|place| search.holds(place)))
                .collect()
        }))
    }

    /// Whether one of `row`'s numbered texts holds the needle of `hits`.
    pub(crate) fn row_holds(&self, hits: &TextHits, row: usize) -> bool {
        self.columns.iter().zip(&hits.0).any(|(ids, hits)| {
            ids.rows
                .get(row)
                .and_then(|&id| hits.get(id as usize))
                .copied()
                .unwrap_or(false)
        })
    }

    /// Each row's rank among `column`'s distinct texts (1 for the first, 0
    /// for none), and how many distinct texts there are; `None` for a column
    /// not numbered here. One pass over the numbers, and a sort of one text
    /// per number: only the texts themselves are read from the records.
    pub(crate) fn ranks(
        &self,
        records: &[SharedRecord],
        column: Column,
    ) -> Option<(Vec<u64>, u64)> {
        let place = COLUMNS.iter().position(|numbered| *numbered == column)?;
        let ids = &self.columns[place];
        let mut first_rows = vec![u32::MAX; ids.first_rows.len() + 1];
        for (row, &id) in ids.rows.iter().enumerate() {
            if let Some(first) = first_rows.get_mut(id as usize) {
                if *first == u32::MAX {
                    *first = row as u32;
                }
            }
        }
        let text = |id: u32| {
            let row = first_rows.get(id as usize).copied().unwrap_or(u32::MAX);
            records
                .get(row as usize)
                .and_then(|record| text_of(record, column))
        };
        let mut in_use: Vec<u32> = (1..first_rows.len() as u32)
            .filter(|&id| first_rows[id as usize] != u32::MAX)
            .collect();
        in_use.sort_unstable_by(|&a, &b| text(a).cmp(&text(b)));
        // Equal texts under two numbers share a rank.
        let mut rank_of_id = vec![0u64; first_rows.len()];
        let mut rank = 0;
        let mut previous = None;
        for id in in_use {
            let current = text(id);
            if previous != Some(current) {
                rank += 1;
                previous = Some(current);
            }
            rank_of_id[id as usize] = rank;
        }
        let ranks = ids
            .rows
            .iter()
            .map(|&id| rank_of_id.get(id as usize).copied().unwrap_or(0))
            .collect();
        Some((ranks, rank))
    }
}

impl ColumnIds {
    fn of(records: &[SharedRecord], column: Column) -> ColumnIds {
        let mut ids = ColumnIds::default();
        ids.rows = (0..records.len())
            .map(|row| ids.number(records, row, column))
            .collect();
        ids
    }

    /// The number of `records[row]`'s text in `column`: one already given to
    /// an equal text, or a new one.
    fn number(&mut self, records: &[SharedRecord], row: usize, column: Column) -> u32 {
        let Some(text) = records.get(row).and_then(|record| text_of(record, column)) else {
            return 0;
        };
        let hash = FxBuildHasher.hash_one(text);
        let same_text = |id: u32| {
            let first = self.first_rows.get((id as usize).wrapping_sub(1)).copied();
            first
                .filter(|&first| first != NO_ROW)
                .and_then(|first| records.get(first as usize))
                .and_then(|record| text_of(record, column))
                == Some(text)
        };
        let found = self.by_hash.get(&hash).copied();
        if let Some(id) = found.filter(|&id| same_text(id)) {
            return id;
        }
        if let Some(&id) = self.colliding.get(text) {
            return id;
        }
        let id = u32::try_from(self.first_rows.len() + 1).unwrap_or(u32::MAX);
        self.first_rows.push(u32::try_from(row).unwrap_or(u32::MAX));
        self.lowercase
            .push(&crate::search_terms::searched_form(text));
        if found.is_none() {
            self.by_hash.insert(hash, id);
        } else {
            self.colliding.insert(text.into(), id);
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{minute, record};

    fn shared(messages: &[Option<&str>]) -> Vec<SharedRecord> {
        messages
            .iter()
            .enumerate()
            .map(|(row, message)| {
                SharedRecord::new(LogRecord {
                    message: message.map(str::to_owned),
                    ..record("s", &row.to_string(), minute(0))
                })
            })
            .collect()
    }

    #[test]
    fn equal_texts_share_a_rank_and_no_text_ranks_zero() {
        let records = shared(&[Some("b"), None, Some("a"), Some("b"), Some("")]);
        let ids = TextIds::of(&records);
        let (ranks, distinct) = ids.ranks(&records, Column::Message).unwrap();
        assert_eq!(ranks, [3, 0, 2, 3, 1]);
        assert_eq!(distinct, 3);
        assert!(ids.ranks(&records, Column::Duration).is_none());
    }

    #[test]
    fn a_changed_row_whose_new_text_hashes_as_its_old_one_is_not_confirmed_by_itself() {
        let mut records = shared(&[Some("t"), Some("t")]);
        let mut ids = TextIds::of(&records);
        let changed = SharedRecord::new(LogRecord {
            message: Some("a".into()),
            ..(*records[0]).clone()
        });
        let previous = std::mem::replace(&mut records[0], changed);
        // As if "a" hashed as "t" does: its hash finds "t"'s number, whose
        // first row is the changed row itself.
        let message = &mut ids.columns[3];
        let number_of_t = message.rows[1];
        message
            .by_hash
            .insert(FxBuildHasher.hash_one("a"), number_of_t);
        ids.renumber(&records, 0, &previous);
        let (ranks, distinct) = ids.ranks(&records, Column::Message).unwrap();
        assert_eq!(ranks, [1, 2], "\"a\" before \"t\", each by its own text");
        assert_eq!(distinct, 2);
    }

    #[test]
    fn texts_that_keep_changing_are_numbered_afresh_past_twice_the_rows() {
        let mut records = shared(&[Some("x"), Some("y")]);
        let mut ids = TextIds::of(&records);
        for reading in 0..500 {
            let changed = SharedRecord::new(LogRecord {
                message: Some(format!("step {reading}")),
                ..(*records[1]).clone()
            });
            let previous = std::mem::replace(&mut records[1], changed);
            ids.renumber(&records, 1, &previous);
            assert!(ids.columns[3].first_rows.len() <= 2 * 2 + 64 + 1);
        }
        let (ranks, distinct) = ids.ranks(&records, Column::Message).unwrap();
        assert_eq!(ranks, [2, 1], "\"step 499\" before \"x\"");
        assert_eq!(distinct, 2);
        // A search after numbering afresh reads the texts of the new numbers.
        let rows_holding = |needle: &str| {
            let hits = ids.holding(&Needle::new(needle));
            (0..2)
                .filter(|&row| ids.row_holds(&hits, row))
                .collect::<Vec<_>>()
        };
        assert_eq!(rows_holding("step 499"), [1]);
        assert_eq!(rows_holding("x"), [0]);
        assert!(rows_holding("step 498").is_empty());
    }

    #[test]
    fn a_changed_row_ranks_by_its_new_text_and_the_old_text_keeps_its_rank() {
        let mut records = shared(&[Some("m"), Some("m"), Some("z")]);
        let mut ids = TextIds::of(&records);
        // The first row with "m" (the one its number was confirmed by) changes.
        let changed = SharedRecord::new(LogRecord {
            message: Some("a".into()),
            ..(*records[0]).clone()
        });
        let previous = std::mem::replace(&mut records[0], changed);
        ids.renumber(&records, 0, &previous);
        // A new row with "m": the number's first row no longer says "m", so
        // it gets another number, which still ranks with the old one.
        records.push(SharedRecord::new(LogRecord {
            message: Some("m".into()),
            ..record("s", "3", minute(0))
        }));
        ids.push_last(&records);
        let (ranks, distinct) = ids.ranks(&records, Column::Message).unwrap();
        assert_eq!(ranks, [1, 2, 3, 2]);
        assert_eq!(distinct, 3);
    }
}
