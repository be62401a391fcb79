//! Live mode's rounds: the core's `LiveTail` decides what to ask and when the
//! view moves forward; this performs the requests and moves rows into the
//! timeline, or holds them while the reader is away from the top.

use std::time::Duration;

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::net::schedule::scheduled_get;
use crate::state::loads::Loads;
use crate::state::prefs;
use logdeck_core::live::{Answering, LiveTail, RoundRows, RoundStart, RoundStep};
use logdeck_core::model::LogRecord;
use logdeck_core::query::LogQuery;
use logdeck_core::scheduler::Priority;
use logdeck_core::sources::Source;

impl Loads {
    /// Asks every remote source for what is new since the last round, unless a
    /// round is still in flight.
    pub fn live_round(&self) {
        let Some(basis) = self.basis.get_value() else {
            return;
        };
        let sources: Vec<Source> = self.book.with_untracked(|book| {
            book.loads()
                .iter()
                .map(|load| load.source.clone())
                .filter(|source| source.remote().is_some())
                .collect()
        });
        let Some(start) = self
            .live
            .try_update(|live| live.begin(Utc::now(), sources.len()))
            .flatten()
        else {
            return;
        };
        for source in sources {
            let position = source.first_position();
            self.live_fetch(source, start, position, basis.query.clone());
        }
    }

    /// Starts live mode afresh at `until` (a new window), dropping any round.
    pub(super) fn reset_live(&self, until: chrono::DateTime<Utc>) {
        self.abort_live();
        self.live.set(LiveTail::new(until));
    }

    /// Ends the round in flight (live mode switched off).
    pub fn stop_live(&self) {
        self.abort_live();
        if self.live.with_untracked(LiveTail::is_running) {
            self.live.update(LiveTail::cancel);
        }
    }

    /// Shows the rows held while the reader was away.
    pub fn show_held(&self) {
        let rows = self.live.try_update(LiveTail::release).unwrap_or_default();
        if !rows.is_empty() {
            self.timeline.update(|timeline| {
                timeline.extend(rows);
            });
        }
    }

    fn abort_live(&self) {
        self.live_controllers.update_value(|controllers| {
            for controller in controllers.drain(..) {
                controller.abort();
            }
        });
    }

    fn live_fetch(&self, source: Source, start: RoundStart, position: u64, query: LogQuery) {
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        if let Some(controller) = controller {
            self.live_controllers
                .update_value(|controllers| controllers.push(controller));
        }
        let loads = *self;
        spawn_local(async move {
            let outcome = match source.request(&query, start.window, position) {
                Err(error) => Err(error),
                Ok(request) => {
                    let lane = source.lane();
                    match scheduled_get(lane.as_ref(), Priority::Visible, &request, signal.as_ref())
                        .await
                    {
                        Err(error) => match error.into_source_error() {
                            Some(error) => Err(error),
                            None => return,
                        },
                        Ok(answer) => source.decode(&answer, &query, start.window, position),
                    }
                }
            };
            // What a server's own search finds (Dify's keyword) matches the
            // text, whenever its row is shown: marked by key as it comes.
            let current = loads
                .live
                .with_untracked(|live| live.is_current(start.token));
            if let (true, true, Ok(page)) = (current, source.is_server_search(), &outcome) {
                if !page.records.is_empty() {
                    let found: Vec<String> = page.records.iter().map(LogRecord::key).collect();
                    loads
                        .timeline
                        .update(|timeline| timeline.mark_server_matches(found));
                }
            }
            let (id, label) = (source.id(), source.label());
            let answering = Answering {
                id: &id,
                label: &label,
            };
            let step = loads
                .live
                .try_update(|live| live.answer(start.token, answering, outcome));
            match step {
                Some(RoundStep::Next(next)) => loads.live_fetch(source, start, next, query),
                Some(RoundStep::Done(rows)) => loads.merge_live(rows),
                Some(RoundStep::Dropped) => loads.live_controllers.update_value(Vec::clear),
                Some(RoundStep::Wait) | None => {}
            }
        });
    }

    /// Updates loaded rows in place, holds the new ones, and moves the window's
    /// end to what the round covered.
    fn merge_live(&self, brought: RoundRows) {
        let RoundRows {
            mut rows,
            unreadable,
        } = brought;
        self.live_controllers.update_value(Vec::clear);
        if !unreadable.is_empty() {
            self.book.update(|book| book.note_unreadable(&unreadable));
        }
        self.messages
            .with_value(|messages| messages.fill(&mut rows));
        let changed = self
            .timeline
            .with_untracked(|timeline| rows.iter().any(|row| timeline.is_changed_reading(row)));
        let unknown = if changed {
            self.timeline
                .try_update(|timeline| timeline.update_known(rows))
                .unwrap_or_default()
        } else {
            self.timeline.with_untracked(|timeline| {
                rows.into_iter()
                    .filter(|row| !timeline.contains_key(&row.key()))
                    .collect()
            })
        };
        let until = self.live.with_untracked(LiveTail::until);
        if let Some(basis) = self.basis.get_value() {
            self.window.set(Some(basis.shown_window(until)));
        }
        if !unknown.is_empty() {
            self.live.update(|live| live.hold(unknown));
        }
    }
}

/// Runs live mode while the query asks for it: a round every
/// [`prefs::live_interval`] seconds, new rows shown at once unless `paused` (the
/// reader scrolled away from the top or is reading a detail), and held rows
/// shown when live mode ends, so none is lost.
pub fn use_live_tail(loads: Loads, query: Memo<LogQuery>, paused: Signal<bool>) {
    let live = Memo::new(move |_| query.with(LogQuery::is_live));
    let timer = StoredValue::new_local(None::<IntervalHandle>);
    let clear = move || {
        if let Some(handle) = timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    };
    Effect::new(move |_| {
        clear();
        if live.get() {
            untrack(|| loads.live_round());
            let every = Duration::from_secs(u64::from(prefs::live_interval()));
            timer.set_value(set_interval_with_handle(move || loads.live_round(), every).ok());
        } else {
            untrack(|| loads.stop_live());
        }
    });
    on_cleanup(clear);
    Effect::new(move |_| {
        let held = loads.live.with(LiveTail::held);
        if held > 0 && !(live.get() && paused.get()) {
            untrack(|| loads.show_held());
        }
    });
}
