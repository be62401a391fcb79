//! The Message column's lazy half: rows whose list entry carries no message (a
//! failed Make run) get it from one more call, for the rows on screen first,
//! through the request scheduler, each asked once per tab. Answers reach the
//! timeline in batches: each update re-filters and re-sorts every loaded row.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::net::kept;
use crate::net::schedule::scheduled_get;
use crate::state::loads::Loads;
use crate::state::prefs;
use logdeck_core::frontier::Frontier;
use logdeck_core::messages::{
    awaiting_messages, rows_read_later, MessageBook, Unsearched, IN_FLIGHT,
};
use logdeck_core::model::LogRecord;
use logdeck_core::query::LogQuery;
use logdeck_core::scheduler::Priority;
use logdeck_core::sources::Source;

/// The loaded rows' messages that take a call of their own.
#[derive(Clone, Copy)]
pub struct LazyMessages {
    /// While a search is on, of the rows the other filters keep.
    pub unsearched: Memo<Unsearched>,
    /// Whether every loaded row's message is being read, not only the shown.
    pub reading_all: Signal<bool>,
    /// How many of the unread messages the search still reads by itself (up
    /// to `prefs::search_reads` per search), when not reading all.
    pub reading_alone: Signal<usize>,
    /// Reads every such row's message (a few calls at a time, in the
    /// background of the connection's budget), failed ones again, so a
    /// search looks in all of them.
    pub read_all: Callback<()>,
}

/// Asks for the messages of the rows at view positions `shown` (a half-open
/// range of `rows`), and of every loaded row once asked to (or, while a
/// search is on, of up to [`prefs::search_reads`] by itself), a few at a time,
/// asking again as answers arrive. `filters` is the query as far as it
/// selects rows (`use_row_filters`): a sort counts nothing again; rows past
/// the `frontier` are not shown, so neither counted nor read.
pub fn use_lazy_messages(
    loads: Loads,
    rows: Memo<Vec<usize>>,
    shown: RwSignal<(usize, usize)>,
    sources: Signal<Vec<Source>>,
    filters: Memo<LogQuery>,
    frontier: Memo<Frontier>,
) -> LazyMessages {
    let answered = RwSignal::new(0u64);
    let (reading_all, set_reading_all) = signal(false);
    let searching = Memo::new(move |_| filters.with(|q| q.is_searching()));
    // A search's end ends the reading it asked for.
    Effect::new(move |_| {
        if !searching.get() {
            set_reading_all.set(false);
        }
    });
    let unsearched = Memo::new(move |_| {
        if !searching.get() {
            return Unsearched::default();
        }
        answered.track();
        sources.with(|sources| {
            filters.with(|query| {
                loads.timeline.with(|timeline| {
                    let records =
                        frontier.with(|frontier| rows_read_later(timeline, frontier, sources));
                    let awaiting = awaiting_messages(sources, query, records);
                    loads.messages.with_value(|book| book.unsearched(awaiting))
                })
            })
        })
    });
    let alone_left = use_search_reads(searching);
    let allowance = move || {
        if reading_all.get() {
            usize::MAX
        } else if searching.get() {
            alone_left.get()
        } else {
            0
        }
    };
    let reading_alone = Signal::derive(move || {
        if reading_all.get() || !searching.get() {
            0
        } else {
            unsearched.with(|u| u.open).min(alone_left.get())
        }
    });
    Effect::new(move |_| {
        answered.track();
        let (start, end) = shown.get();
        let allowed = allowance();
        let all = allowed > 0;
        let mut candidates = rows.with(|rows| {
            let on_screen = rows.get(start..end.min(rows.len())).unwrap_or_default();
            sources.with(|sources| {
                loads.timeline.with(|timeline| {
                    let wanted = |record: &LogRecord, priority| {
                        let source = Source::find(sources, &record.key())?;
                        source.message_request(record)?;
                        Some((source.clone(), record.clone(), priority))
                    };
                    let mut candidates: Vec<_> = on_screen
                        .iter()
                        .filter_map(|&index| timeline.records().get(index))
                        .filter_map(|record| wanted(record, Priority::Visible))
                        .collect();
                    if all {
                        // Enough to fill the calls in flight; the next answer
                        // asks for the next ones.
                        filters.with(|query| {
                            let records = frontier
                                .with(|frontier| rows_read_later(timeline, frontier, sources));
                            loads.messages.with_value(|book| {
                                candidates.extend(
                                    awaiting_messages(sources, query, records)
                                        .filter(|(_, record)| book.is_unread(&record.key()))
                                        .map(|(source, record)| {
                                            (source.clone(), record.clone(), Priority::Background)
                                        })
                                        .take((2 * IN_FLIGHT).min(allowed)),
                                );
                            });
                        });
                    }
                    candidates
                })
            })
        });
        // A row on screen may be among the background's too: asked once,
        // as the screen's.
        let mut seen = std::collections::HashSet::new();
        candidates.retain(|(_, record, _)| seen.insert(record.key()));
        if candidates.is_empty() {
            return;
        }
        let keys: Vec<String> = candidates
            .iter()
            .map(|(_, record, _)| record.key())
            .collect();
        let taken = loads
            .messages
            .try_update_value(|messages| messages.take(keys.iter().map(String::as_str)))
            .unwrap_or_default();
        let taken_alone = candidates
            .iter()
            .filter(|(_, record, priority)| {
                *priority == Priority::Background && taken.contains(&record.key())
            })
            .count();
        if taken_alone > 0 && !reading_all.get_untracked() {
            alone_left.update(|left| *left = left.saturating_sub(taken_alone));
        }
        for (source, record, priority) in candidates {
            if taken.contains(&record.key()) {
                let record = LogRecord::clone(&record);
                ask(loads, source, record, priority, answered);
            }
        }
    });
    LazyMessages {
        unsearched,
        reading_all: reading_all.into(),
        reading_alone,
        read_all: Callback::new(move |()| {
            loads.messages.update_value(MessageBook::forget_failures);
            set_reading_all.set(true);
            answered.update(|n| *n += 1);
        }),
    }
}

/// What is left of the messages a search reads by itself: renewed when a
/// search starts, not as it is refined (a row's message serves every search;
/// only rows loaded since are new).
fn use_search_reads(searching: Memo<bool>) -> RwSignal<usize> {
    let left = RwSignal::new(0usize);
    let search_reads = prefs::search_reads();
    Effect::new(move |_| {
        if searching.get() {
            left.set(search_reads);
        }
    });
    left
}

/// Takes in the messages an export read: the rows show them, and the page
/// does not spend the source's budget on them again.
pub fn take_in_messages(loads: Loads, book: MessageBook) {
    let read = loads
        .messages
        .try_update_value(|known| known.absorb(book))
        .unwrap_or_default();
    let rows: Vec<LogRecord> = loads.timeline.with_untracked(|timeline| {
        read.into_iter()
            .filter_map(|(key, text)| {
                let row = timeline.get(&key)?;
                Some(LogRecord {
                    message: Some(text),
                    ..row.clone()
                })
            })
            .collect()
    });
    if !rows.is_empty() {
        loads.timeline.update(|timeline| {
            timeline.update_known(rows);
        });
    }
}

/// Reads one row's message and writes it into the timeline (and so the table,
/// the search and the detail pane).
fn ask(
    loads: Loads,
    source: Source,
    record: LogRecord,
    priority: Priority,
    answered: RwSignal<u64>,
) {
    let Some(request) = source.message_request(&record) else {
        return;
    };
    let key = record.key();
    spawn_local(async move {
        let lane = source.lane();
        let message = match scheduled_get(lane.as_ref(), priority, &request, None).await {
            Ok(answer) => {
                // The run has ended (its message is asked for that reason):
                // its detail pane will read the same answer.
                kept::keep(&request.url, &answer);
                source.decode_message(&answer).map_err(|_| ())
            }
            Err(_) => Err(()),
        };
        let updated = message.as_ref().ok().cloned().flatten().and_then(|text| {
            loads.timeline.with_untracked(|timeline| {
                timeline.get(&key).map(|row| LogRecord {
                    message: Some(text),
                    ..row.clone()
                })
            })
        });
        match updated {
            Some(updated) => hold_for_batch(loads, updated, answered),
            None => {
                loads
                    .messages
                    .update_value(|messages| messages.answered(&key, message));
                // `try_update`: the dashboard that asked may be gone.
                answered.try_update(|n| *n += 1);
            }
        }
    });
}

/// Rows whose messages arrive within this long of each other reach the
/// timeline in one update.
const BATCH: Duration = Duration::from_millis(150);

/// Adds a row read anew to the pending batch; the first of a batch schedules
/// the update that writes them all. Each counts as answered only then: until
/// its row holds the message, a search has not looked in it, and the count
/// must not say "0 rows" alone in between.
fn hold_for_batch(loads: Loads, row: LogRecord, answered: RwSignal<u64>) {
    let pending = loads.message_batch;
    let first = pending
        .try_update_value(|rows| {
            rows.push(row);
            rows.len() == 1
        })
        .unwrap_or(false);
    if first {
        set_timeout(
            move || {
                let rows = pending.try_update_value(std::mem::take).unwrap_or_default();
                if rows.is_empty() {
                    return;
                }
                loads.messages.update_value(|messages| {
                    for row in &rows {
                        messages.answered(&row.key(), Ok(row.message.clone()));
                    }
                });
                loads.timeline.update(|timeline| {
                    timeline.update_known(rows);
                });
                answered.try_update(|n| *n += 1);
            },
            BATCH,
        );
    }
}
