//! Each row's numbers (its duration and usage) side by side, kept as
//! rows come: a sort by a number column reads one flat `u32` per row instead
//! of following a pointer to each of 100 000 records (3.6 ms of a fresh sort
//! by duration in the browser, docs/performance.md, "A sort reads no record").

use crate::columns::Column;
use crate::model::LogRecord;

/// How a number column reads a record.
pub(crate) type NumberOf = fn(&LogRecord) -> Option<u64>;

/// The number columns' values; `None` for the text columns and Time.
pub(crate) fn number_of(column: Column) -> Option<NumberOf> {
    Some(match column {
        Column::Status => |r| Some(r.status as u64),
        Column::Duration => |r| r.duration_ms,
        Column::Operations => |r| r.usage.operations,
        Column::Transfer => |r| r.usage.transfer,
        Column::Credits => |r| r.usage.centicredits,
        Column::Tokens => |r| r.usage.tokens,
        Column::Steps => |r| r.usage.steps,
        Column::Time
        | Column::Type
        | Column::Collection
        | Column::Name
        | Column::Client
        | Column::Message => return None,
    })
}

/// The number columns kept flat (a row's status is kept beside its time).
const COLUMNS: [Column; 6] = [
    Column::Duration,
    Column::Operations,
    Column::Transfer,
    Column::Credits,
    Column::Tokens,
    Column::Steps,
];

/// Per number column, each row's key: 0 for no value, else the value plus
/// one. A column that was given a value too large for that is no longer kept
/// (its sorts read the records) until the rows are numbered afresh
/// ([`RowNumbers::of`]), so 4 bytes a row suffice for every usual value.
#[derive(Debug, Clone)]
pub(crate) struct RowNumbers {
    columns: [Option<Vec<u32>>; COLUMNS.len()],
}

/// Derived from the records (and the order their readings came in): two
/// timelines of equal rows are equal whatever is kept here.
impl PartialEq for RowNumbers {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Default for RowNumbers {
    fn default() -> Self {
        RowNumbers {
            columns: std::array::from_fn(|_| Some(Vec::new())),
        }
    }
}

impl RowNumbers {
    /// Keys for every row of `records`.
    pub(crate) fn of<'a>(records: impl IntoIterator<Item = &'a LogRecord>) -> RowNumbers {
        let mut numbers = RowNumbers::default();
        for record in records {
            numbers.push(record);
        }
        numbers
    }

    /// Keys for `record`, the row after the last one here.
    pub(crate) fn push(&mut self, record: &LogRecord) {
        self.each_key(record, |keys, key| keys.push(key));
    }

    /// Keys for `record`, which replaced the row at `row`.
    pub(crate) fn set(&mut self, row: usize, record: &LogRecord) {
        self.each_key(record, |keys, key| {
            if let Some(slot) = keys.get_mut(row) {
                *slot = key;
            }
        });
    }

    fn each_key(&mut self, record: &LogRecord, mut store: impl FnMut(&mut Vec<u32>, u32)) {
        for (kept, column) in self.columns.iter_mut().zip(COLUMNS) {
            let Some(keys) = kept else { continue };
            let value = number_of(column).and_then(|number| number(record));
            match value.map_or(Some(0), |value| u32::try_from(value).ok()?.checked_add(1)) {
                Some(key) => store(keys, key),
                None => *kept = None,
            }
        }
    }

    /// `column`'s keys by row, when it is kept.
    pub(crate) fn keys(&self, column: Column) -> Option<&[u32]> {
        let place = COLUMNS.iter().position(|kept| *kept == column)?;
        self.columns[place].as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Usage;
    use crate::test_support::{minute, record};

    fn run(duration_ms: Option<u64>, transfer: Option<u64>) -> LogRecord {
        LogRecord {
            duration_ms,
            usage: Usage {
                transfer,
                ..Usage::default()
            },
            ..record("s", "1", minute(0))
        }
    }

    #[test]
    fn keys_are_the_value_plus_one_and_a_value_too_large_drops_its_column() {
        let mut numbers = RowNumbers::of(&[run(Some(0), Some(5)), run(None, None)]);
        assert_eq!(numbers.keys(Column::Duration), Some(&[1, 0][..]));
        assert_eq!(numbers.keys(Column::Transfer), Some(&[6, 0][..]));
        numbers.set(1, &run(Some(41), Some(u64::from(u32::MAX))));
        assert_eq!(numbers.keys(Column::Duration), Some(&[1, 42][..]));
        assert_eq!(
            numbers.keys(Column::Transfer),
            None,
            "u32::MAX + 1 does not fit"
        );
        numbers.push(&run(Some(7), Some(1)));
        assert_eq!(numbers.keys(Column::Duration), Some(&[1, 42, 8][..]));
        assert_eq!(numbers.keys(Column::Transfer), None);
        assert_eq!(numbers.keys(Column::Message), None);
    }
}
