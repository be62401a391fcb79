//! Each row's text in the sortable text columns as a number, kept as rows
//! come: a sort by a text column then reads one flat number per row instead
//! of following a pointer to each of 100 000 records and hashing its text
//! (3 of a fresh sort's 8 ms of script in the browser, docs/performance.md).

use std::collections::HashMap;
use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

use crate::columns::Column;
use crate::model::{LogRecord, SharedRecord};

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
/// one text (a row's text changed after it named a number): ranking compares
/// texts, so they still rank equal.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct TextIds {
    columns: [ColumnIds; COLUMNS.len()],
}

#[derive(Debug, Clone, Default, PartialEq)]
struct ColumnIds {
    /// By row, in load order.
    rows: Vec<u32>,
    /// A text's number by the text's hash; the row that first had it, by
    /// number (index `number - 1`), to confirm a hash found is that text.
    by_hash: HashMap<u64, u32, FxBuildHasher>,
    first_rows: Vec<u32>,
    /// Texts whose hash another text took, whole.
    colliding: HashMap<Box<str>, u32>,
}

impl TextIds {
    /// Numbers for every row of `records`.
    pub(crate) fn of(records: &[SharedRecord]) -> TextIds {
        let mut ids = TextIds::default();
        for row in 0..records.len() {
            ids.push(records, row);
        }
        ids
    }

    /// Numbers the texts of `records[row]`, the row after the last numbered.
    pub(crate) fn push(&mut self, records: &[SharedRecord], row: usize) {
        for (column_ids, column) in self.columns.iter_mut().zip(COLUMNS) {
            let id = column_ids.number(records, row, column);
            column_ids.rows.push(id);
        }
    }

    /// Numbers the texts of `records[row]` again: its record was replaced.
    pub(crate) fn renumber(&mut self, records: &[SharedRecord], row: usize) {
        for (column_ids, column) in self.columns.iter_mut().zip(COLUMNS) {
            let id = column_ids.number(records, row, column);
            if let Some(slot) = column_ids.rows.get_mut(row) {
                *slot = id;
            }
        }
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
    /// The number of `records[row]`'s text in `column`: one already given to
    /// an equal text, or a new one.
    fn number(&mut self, records: &[SharedRecord], row: usize, column: Column) -> u32 {
        let Some(text) = records.get(row).and_then(|record| text_of(record, column)) else {
            return 0;
        };
        let hash = FxBuildHasher.hash_one(text);
        let same_text = |id: u32| {
            let first = self.first_rows.get(id as usize - 1).copied();
            first
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
    fn a_changed_row_ranks_by_its_new_text_and_the_old_text_keeps_its_rank() {
        let mut records = shared(&[Some("m"), Some("m"), Some("z")]);
        let mut ids = TextIds::of(&records);
        // The first row with "m" (the one its number was confirmed by) changes.
        records[0] = SharedRecord::new(LogRecord {
            message: Some("a".into()),
            ..(*records[0]).clone()
        });
        ids.renumber(&records, 0);
        // A new row with "m": the number's first row no longer says "m", so
        // it gets another number, which still ranks with the old one.
        records.push(SharedRecord::new(LogRecord {
            message: Some("m".into()),
            ..record("s", "3", minute(0))
        }));
        ids.push(&records, 3);
        let (ranks, distinct) = ids.ranks(&records, Column::Message).unwrap();
        assert_eq!(ranks, [1, 2, 3, 2]);
        assert_eq!(distinct, 3);
    }
}
