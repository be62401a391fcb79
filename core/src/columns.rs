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

    /// Whether a search looks in this column's text (and the row's id and
    /// vendor status, which no column shows), so its cells mark the terms.
    pub fn is_searched(self) -> bool {
        matches!(
            self,
            Column::Collection | Column::Name | Column::Client | Column::Message
        )
    }

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

/// What the page's layout does to the table besides the reader's choice of
/// columns (`style/main.css`, by viewport width in CSS pixels): the column
/// chooser says which chosen columns it hides, and why, rather than show them
/// ticked and absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableLayout {
    /// The viewport's width.
    pub width: u32,
    /// The view is of one collection type.
    pub one_type: bool,
    /// A record is open in the detail pane.
    pub detail_open: bool,
    /// The column the rows are sorted by: beside the pane it stays.
    pub sorted_by: Column,
}

impl TableLayout {
    /// Under this width rows are cards of their text, without numbers.
    const PHONE_BELOW: u32 = 700;
    /// Under this width the collection names the type, which has no room.
    const TYPE_FROM: u32 = 1280;
    /// From this width the detail pane opens beside the table, not over it.
    const BESIDE_FROM: u32 = 1101;

    /// Why `column`, chosen, is not shown (after "hidden "), or `None`.
    pub fn hides(self, column: Column) -> Option<&'static str> {
        let beside = self.detail_open && self.width >= Self::BESIDE_FROM;
        if column == Column::Type {
            if self.one_type {
                return Some("when one type is shown");
            }
            if self.width < Self::TYPE_FROM {
                return Some("at this width");
            }
            if beside {
                return Some("beside the detail");
            }
        }
        // A phone's card shows the number sorted by in the client's place.
        let phone = self.width < Self::PHONE_BELOW;
        if phone && column == Column::Client && self.sorted_by.is_numeric() {
            return Some("at this width");
        }
        if column.is_numeric() && column != self.sorted_by && (phone || beside) {
            return Some(if phone {
                "at this width"
            } else {
                "beside the detail"
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layout_names_the_chosen_columns_it_hides() {
        let wide = TableLayout {
            width: 1440,
            one_type: false,
            detail_open: false,
            sorted_by: Column::Time,
        };
        assert!(Column::ALL.iter().all(|c| wide.hides(*c).is_none()));
        let one_type = TableLayout {
            one_type: true,
            ..wide
        };
        assert_eq!(one_type.hides(Column::Type), Some("when one type is shown"));
        let laptop = TableLayout {
            width: 1024,
            ..wide
        };
        assert_eq!(laptop.hides(Column::Type), Some("at this width"));
        assert_eq!(laptop.hides(Column::Duration), None);
        let beside = TableLayout {
            detail_open: true,
            sorted_by: Column::Tokens,
            ..wide
        };
        assert_eq!(beside.hides(Column::Type), Some("beside the detail"));
        assert_eq!(beside.hides(Column::Duration), Some("beside the detail"));
        assert_eq!(
            beside.hides(Column::Tokens),
            None,
            "the sorted number stays"
        );
        assert_eq!(beside.hides(Column::Message), None);
        let drawer = TableLayout {
            width: 1000,
            ..beside
        };
        assert_eq!(
            drawer.hides(Column::Duration),
            None,
            "the pane lies over the table"
        );
        let phone = TableLayout { width: 390, ..wide };
        assert_eq!(phone.hides(Column::Duration), Some("at this width"));
        assert_eq!(phone.hides(Column::Client), None);
        let by_duration = TableLayout {
            sorted_by: Column::Duration,
            ..phone
        };
        assert_eq!(
            by_duration.hides(Column::Duration),
            None,
            "in the client's place"
        );
        assert_eq!(by_duration.hides(Column::Client), Some("at this width"));
        assert_eq!(by_duration.hides(Column::Tokens), Some("at this width"));
    }

    #[test]
    fn keys_round_trip_and_defaults_lead_with_time() {
        for column in Column::ALL {
            assert_eq!(Column::from_key(column.key()), Some(column));
        }
        assert_eq!(Column::DEFAULT[0], Column::Time);
        assert!(Column::Tokens.is_numeric() && !Column::Client.is_numeric());
    }
}
