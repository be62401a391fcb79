//! The table's columns: what each shows; the sort order names them too. Shared by the table and
//! the column chooser; the text is computed only for rows on screen.

use super::zone::ZoneRules;

use super::format;
use super::model::LogRecord;
use crate::keyed_enum;

keyed_enum! {
    /// A table column; its key names it in the sort order (`sort=-duration`) and
    /// in preferences.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    pub enum Column {
        Time = ("time", "Time"),
        Status = ("status", "Status"),
        Type = ("type", "Collection type"),
        Collection = ("collection", "Collection"),
        Name = ("name", "Name / endpoint"),
        Client = ("client", "Client"),
        Message = ("message", "Message"),
        Duration = ("duration", "Duration"),
        Operations = ("operations", "Operations"),
        Transfer = ("transfer", "Transfer"),
        Credits = ("credits", "Credits"),
        Tokens = ("tokens", "Tokens"),
        Steps = ("steps", "Steps"),
    }
}

impl Column {
    /// The API-logs page's columns plus the usage figures most sources report.
    pub const DEFAULT: [Column; 10] = [
        Column::Time,
        Column::Status,
        Column::Type,
        Column::Collection,
        Column::Name,
        Column::Client,
        Column::Message,
        Column::Duration,
        Column::Operations,
        Column::Tokens,
    ];

    /// Right-aligned, tabular figures.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Column::Duration
                | Column::Operations
                | Column::Transfer
                | Column::Credits
                | Column::Tokens
                | Column::Steps
        )
    }

    /// The cell's text; the status column's text is its label.
    pub fn text(self, record: &LogRecord, zone: &ZoneRules) -> String {
        let number = |value: Option<u64>| value.map(|n| n.to_string()).unwrap_or_default();
        match self {
            Column::Time => format::timestamp_in(record.timestamp, zone),
            Column::Status => record.status.label().to_owned(),
            Column::Type => record.kind.label().to_owned(),
            Column::Collection => record.collection.clone(),
            Column::Name => record.name.clone().unwrap_or_default(),
            Column::Client => record.client.clone().unwrap_or_default(),
            Column::Message => record.message.clone().unwrap_or_default(),
            Column::Duration => record
                .duration_ms
                .map(format::duration_ms)
                .unwrap_or_default(),
            Column::Operations => number(record.usage.operations),
            Column::Transfer => record.usage.transfer.map(format::bytes).unwrap_or_default(),
            Column::Credits => record
                .usage
                .centicredits
                .map(format::centicredits)
                .unwrap_or_default(),
            Column::Tokens => number(record.usage.tokens),
            Column::Steps => number(record.usage.steps),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_defaults_lead_with_time() {
        for column in Column::ALL {
            assert_eq!(Column::from_key(column.key()), Some(column));
        }
        assert_eq!(Column::DEFAULT[0], Column::Time);
        assert!(Column::Tokens.is_numeric() && !Column::Client.is_numeric());
    }
}
