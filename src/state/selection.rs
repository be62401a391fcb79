//! The record open in the detail pane (the URL's `sel`) and the keyboard cursor:
//! opening, closing and stepping, with the stepping rule from the core.

use leptos::prelude::*;

use crate::state::loads::Loads;
use crate::state::url::HistoryEntry;
use logdeck_core::columns::Column;
use logdeck_core::model::LogRecord;
use logdeck_core::navigation;
use logdeck_core::query::LogQuery;

/// The selection and the callbacks that change it; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Selection {
    /// The `sel` key, also when that record is not loaded.
    pub key: Signal<Option<String>>,
    /// The selected record, when it is among the loaded rows.
    pub record: Memo<Option<LogRecord>>,
    /// Whether the selected record is among the view's rows (a filter may
    /// leave an open record out).
    pub in_view: Memo<bool>,
    /// The keyboard cursor: a position in the view's rows.
    pub cursor: RwSignal<Option<usize>>,
    /// Moves the cursor (and an open record) by a number of rows.
    pub step: Callback<i32>,
    pub open: Callback<String>,
    pub close: Callback<()>,
    rows: Memo<Vec<usize>>,
    loads: Loads,
}

impl Selection {
    /// Opens the row under the keyboard cursor (the first when there is none).
    pub fn open_cursor(self) {
        let position = self.cursor.get_untracked().unwrap_or(0);
        if let Some(key) = key_at(self.rows, self.loads, position) {
            self.cursor.set(Some(position));
            self.open.run(key);
        }
    }
}

/// The selection of the view `rows`, read from and written to the URL.
/// `shown` is the range of positions the table has drawn.
pub fn use_selection(
    query: Memo<LogQuery>,
    set_query: Callback<(LogQuery, HistoryEntry)>,
    rows: Memo<Vec<usize>>,
    loads: Loads,
    shown: RwSignal<(usize, usize)>,
) -> Selection {
    let key = Signal::derive(move || query.with(|q| q.selected.clone()));
    let record = Memo::new(move |_| {
        let key = key.get()?;
        loads.timeline.with(|t| t.get(&key).cloned())
    });
    let in_view = Memo::new(move |_| {
        let Some(index) = key.with(|key| {
            let key = key.as_deref()?;
            loads.timeline.with(|t| t.index_of(key))
        }) else {
            return false;
        };
        rows.with(|rows| rows.contains(&index))
    });
    let select = move |selected: Option<String>, entry: HistoryEntry| {
        let next = LogQuery {
            selected,
            ..query.get_untracked()
        };
        set_query.run((next, entry));
    };
    let cursor = RwSignal::new(None::<usize>);
    let position_of_selected = move || {
        let key = key.get_untracked()?;
        rows.with_untracked(|rows| {
            loads.timeline.with_untracked(|t| {
                rows.iter()
                    .position(|&i| t.records().get(i).is_some_and(|r| r.has_key(&key)))
            })
        })
    };
    reveal_linked(key, rows, cursor, shown, position_of_selected);
    let step = Callback::new(move |delta: i32| {
        let total = rows.with_untracked(Vec::len);
        let landing = match (key.get_untracked(), position_of_selected()) {
            // A record the view does not show: its neighbours in time, or stay.
            (Some(selected), None) => step_beside(&selected, query, rows, loads, delta),
            (_, current) => navigation::step(current.or(cursor.get_untracked()), delta, total),
        };
        let Some(position) = landing else {
            return;
        };
        cursor.set(Some(position));
        if key.get_untracked().is_some() {
            select(key_at(rows, loads, position), HistoryEntry::Replace);
        }
    });
    Selection {
        key,
        record,
        in_view,
        cursor,
        step,
        open: Callback::new(move |key: String| select(Some(key), HistoryEntry::Push)),
        close: Callback::new(move |()| select(None, HistoryEntry::Push)),
        rows,
        loads,
    }
}

/// A record opened by a link may load after the page: once its row is in the
/// view, the cursor moves to it (which scrolls the table to it). While the rows
/// change and move it (pages arriving under a sort by another column than
/// time, which puts older rows anywhere, or a filter or sort change), the
/// cursor follows it, as long as the reader has neither moved the cursor nor
/// scrolled the row away: then the table stays where they put it.
fn reveal_linked(
    key: Signal<Option<String>>,
    rows: Memo<Vec<usize>>,
    cursor: RwSignal<Option<usize>>,
    shown: RwSignal<(usize, usize)>,
    position_of_selected: impl Fn() -> Option<usize> + 'static,
) {
    // The record revealed, and the position it was revealed at.
    let revealed = StoredValue::new(None::<(String, usize)>);
    Effect::new(move |_| {
        rows.track();
        let Some(selected) = key.get() else {
            revealed.set_value(None);
            return;
        };
        // Revealed already, and the reader has moved the cursor or scrolled
        // it away: nothing to follow, and no row to look for.
        let may_follow = revealed.with_value(|revealed| match revealed {
            Some((done, at)) if *done == selected => {
                let (start, end) = shown.get_untracked();
                cursor.get_untracked() == Some(*at) && (start..end).contains(at)
            }
            _ => true,
        });
        if !may_follow {
            return;
        }
        let Some(position) = position_of_selected() else {
            return;
        };
        let follow = revealed.with_value(|revealed| match revealed {
            Some((done, at)) if *done == selected => *at != position,
            _ => true,
        });
        if follow {
            revealed.set_value(Some((selected, position)));
            if cursor.get_untracked() != Some(position) {
                cursor.set(Some(position));
            }
        }
    });
}

/// Where a step from `selected`, which the view does not show, lands: beside its
/// time when the view is in time order and the record is loaded; `None` (stay on
/// it) when neither tells where it would be.
fn step_beside(
    selected: &str,
    query: Memo<LogQuery>,
    rows: Memo<Vec<usize>>,
    loads: Loads,
    delta: i32,
) -> Option<usize> {
    let sort = query.with_untracked(|q| q.sort);
    if sort.column != Column::Time {
        return None;
    }
    loads.timeline.with_untracked(|timeline| {
        let at = timeline.get(selected)?.timestamp;
        rows.with_untracked(|rows| {
            let before = rows.partition_point(|&index| {
                timeline.records().get(index).is_some_and(|record| {
                    if sort.descending {
                        record.timestamp > at
                    } else {
                        record.timestamp < at
                    }
                })
            });
            navigation::step_from_gap(before, delta, rows.len())
        })
    })
}

/// The record key at a view position.
fn key_at(rows: Memo<Vec<usize>>, loads: Loads, position: usize) -> Option<String> {
    let index = rows.with_untracked(|rows| rows.get(position).copied())?;
    loads
        .timeline
        .with_untracked(|t| t.records().get(index).map(|r| r.key()))
}
