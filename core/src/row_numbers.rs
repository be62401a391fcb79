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
        Column::Status => |r| Some(u64::from(r.status.severity())),
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
/// ([`RowNumbers::of`]), so 4 bytes a row suffice for every usual value; a
/// column no row has a value in (a vendor that does not report it) takes none.
#[derive(Debug, Clone)]
pub(crate) struct RowNumbers {
    columns: [Kept; COLUMNS.len()],
}

#[derive(Debug, Clone)]
enum Kept {
    /// No row has a value yet: how many rows there are.
    Empty(usize),
    Keys(Vec<u32>),
    /// A value did not fit.
    Dropped,
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
            columns: std::array::from_fn(|_| Kept::Empty(0)),
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
        self.store(record, None);
    }

    /// Keys for `record`, which replaced the row at `row`.
    pub(crate) fn set(&mut self, row: usize, record: &LogRecord) {
        self.store(record, Some(row));
    }

    /// Stores `record`'s keys at `row`, or after the last row.
    fn store(&mut self, record: &LogRecord, row: Option<usize>) {
        let put = |keys: &mut Vec<u32>, key: u32| match row {
            None => keys.push(key),
            Some(row) => {
                if let Some(slot) = keys.get_mut(row) {
                    *slot = key;
                }
            }
        };
        for (kept, column) in self.columns.iter_mut().zip(COLUMNS) {
            let value = number_of(column).and_then(|number| number(record));
            let Some(key) =
                value.map_or(Some(0), |value| u32::try_from(value).ok()?.checked_add(1))
            else {
                *kept = Kept::Dropped;
                continue;
            };
            match kept {
                Kept::Dropped => {}
                Kept::Empty(rows) if key == 0 => *rows += usize::from(row.is_none()),
                Kept::Empty(rows) => {
                    let mut keys = vec![0; *rows];
                    put(&mut keys, key);
                    *kept = Kept::Keys(keys);
                }
                Kept::Keys(keys) => put(keys, key),
            }
        }
    }

    /// `column`'s keys by row, when it is kept.
    pub(crate) fn keys(&self, column: Column) -> Option<Vec<u64>> {
        let place = COLUMNS.iter().position(|kept| *kept == column)?;
        match &self.columns[place] {
            Kept::Empty(rows) => Some(vec![0; *rows]),
            Kept::Keys(keys) => Some(keys.iter().map(|&key| u64::from(key)).collect()),
            Kept::Dropped => None,
        }
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
        assert_eq!(numbers.keys(Column::Duration), Some(vec![1, 0]));
        assert_eq!(numbers.keys(Column::Transfer), Some(vec![6, 0]));
        numbers.set(1, &run(Some(41), Some(u64::from(u32::MAX))));
        assert_eq!(numbers.keys(Column::Duration), Some(vec![1, 42]));
        assert_eq!(
            numbers.keys(Column::Transfer),
            None,
            "u32::MAX + 1 does not fit"
        );
        numbers.push(&run(Some(7), Some(1)));
        assert_eq!(numbers.keys(Column::Duration), Some(vec![1, 42, 8]));
        assert_eq!(numbers.keys(Column::Transfer), None);
        assert_eq!(numbers.keys(Column::Message), None);
        // No value yet in Steps: none kept, and the first one fills the rest in.
        assert!(matches!(numbers.columns[5], Kept::Empty(3)));
        assert_eq!(numbers.keys(Column::Steps), Some(vec![0, 0, 0]));
        numbers.set(
            1,
            &LogRecord {
                usage: Usage {
                    steps: Some(2),
                    ..Usage::default()
                },
                ..run(None, None)
            },
        );
        numbers.push(&run(None, None));
        assert_eq!(numbers.keys(Column::Steps), Some(vec![0, 3, 0, 0]));
    }
}
