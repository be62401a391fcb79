//! How the team archive keeps one stream (a Make scenario, an audit log, a Dify
//! app, an Aitronos account) in its store, the way log shippers do: one backfill
//! over the retention it is asked for, then incremental passes from a saved
//! high-water mark with an overlap, so runs a vendor lists a little late, and
//! runs that were still going, are read again. Every page ends with a
//! checkpoint, so a restart resumes where it stopped instead of reading
//! everything again. Pure: the server performs the calls and stores the state.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::query::TimeWindow;

/// How far before the high-water mark each incremental pass starts again.
pub const OVERLAP: Duration = Duration::minutes(10);

/// How far back a still-running run is read again to see it finish.
pub const RUNNING_LOOKBACK: Duration = Duration::days(2);

/// What the store keeps per stream between pages and across restarts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamState {
    /// Every row up to this instant is stored; `None` until the backfill ends.
    pub synced_to: Option<DateTime<Utc>>,
    /// The pass in progress, if any.
    pub pass: Option<Pass>,
    /// The last failure, until a page succeeds.
    pub last_error: Option<String>,
    /// When a page last arrived.
    pub last_page_at: Option<DateTime<Utc>>,
    /// Rows stored by this stream in all, duplicates not counted.
    pub stored: u64,
    /// Rows the vendor sent that could not be read, so were not stored.
    #[serde(default)]
    pub unreadable: u64,
    /// Where the backfill began: the archive never asked for older rows, so a
    /// period reaching further back is not whole here. `None` for a stream
    /// archived before this was recorded.
    #[serde(default)]
    pub covered_from: Option<DateTime<Utc>>,
}

/// One pass over a window, newest first, page by page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pass {
    pub kind: PassKind,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The next page's position in the vendor's paging.
    pub position: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassKind {
    /// The first pass, over the whole retention asked for.
    Backfill,
    /// From the high-water mark (less the overlap) to now.
    Incremental,
}

impl Pass {
    pub fn window(&self) -> TimeWindow {
        TimeWindow {
            from: self.from,
            to: self.to,
        }
    }
}

impl StreamState {
    /// The pass to work on at `now`: the one in progress, else a backfill over
    /// `backfill` before now, else an incremental pass from the high-water mark
    /// (earlier when a run stored as running, `oldest_running`, must be seen
    /// again). `first_position` is where the vendor's paging starts.
    pub fn pass_at(
        &mut self,
        now: DateTime<Utc>,
        backfill: Duration,
        oldest_running: Option<DateTime<Utc>>,
        first_position: u64,
    ) -> Pass {
        if let Some(pass) = self.pass {
            return pass;
        }
        let pass = match self.synced_to {
            None => Pass {
                kind: PassKind::Backfill,
                from: now
                    .checked_sub_signed(backfill)
                    .unwrap_or(DateTime::<Utc>::MIN_UTC),
                to: now,
                position: first_position,
            },
            Some(synced_to) => {
                let running = oldest_running.filter(|at| *at >= now - RUNNING_LOOKBACK);
                let from = (synced_to - OVERLAP).min(running.unwrap_or(synced_to));
                Pass {
                    kind: PassKind::Incremental,
                    from,
                    to: now.max(from),
                    position: first_position,
                }
            }
        };
        if pass.kind == PassKind::Backfill {
            self.covered_from.get_or_insert(pass.from);
        }
        self.pass = Some(pass);
        pass
    }

    /// Takes a page of the pass in progress: `next` is the next page's
    /// position (`None` when the pass is done), `stored` the rows it added,
    /// `unreadable` those it could not read. A `next` that does not move on
    /// ends the pass rather than asking the same page forever.
    pub fn page_done(
        &mut self,
        next: Option<u64>,
        stored: u64,
        unreadable: u64,
        at: DateTime<Utc>,
    ) {
        self.last_error = None;
        self.last_page_at = Some(at);
        self.stored += stored;
        self.unreadable += unreadable;
        let Some(pass) = self.pass.as_mut() else {
            return;
        };
        match next {
            Some(position) if position > pass.position => pass.position = position,
            _ => {
                self.synced_to = Some(self.synced_to.map_or(pass.to, |to| to.max(pass.to)));
                self.pass = None;
            }
        }
    }

    /// Records a failed page: the pass stays where it was and is asked again.
    pub fn page_failed(&mut self, error: String) {
        self.last_error = Some(error);
    }

    /// How far behind now the stored rows are, for the status line.
    pub fn lag(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.synced_to.map(|to| now - to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::minute;

    #[test]
    fn a_backfill_pages_to_its_end_then_passes_start_from_the_high_water_mark() {
        let mut state = StreamState::default();
        let first = state.pass_at(minute(1000), Duration::minutes(600), None, 0);
        assert_eq!(
            (first.kind, first.from, first.to, first.position),
            (PassKind::Backfill, minute(400), minute(1000), 0)
        );
        assert_eq!(
            state.covered_from,
            Some(minute(400)),
            "where the archive begins"
        );
        state.page_done(Some(100), 100, 0, minute(1001));
        assert_eq!(
            state
                .pass_at(minute(1002), Duration::minutes(600), None, 0)
                .position,
            100,
            "the pass in progress goes on, its window unchanged"
        );
        state.page_done(None, 40, 2, minute(1003));
        assert_eq!(state.synced_to, Some(minute(1000)));
        assert_eq!((state.stored, state.unreadable), (140, 2));
        let next = state.pass_at(minute(1060), Duration::minutes(600), None, 0);
        assert_eq!(
            (next.kind, next.from, next.to),
            (PassKind::Incremental, minute(990), minute(1060)),
            "from the mark less the overlap, for runs listed late"
        );
        assert_eq!(
            state.covered_from,
            Some(minute(400)),
            "later passes keep it"
        );
    }

    #[test]
    fn a_run_stored_as_running_is_read_again_until_it_ends() {
        let mut state = StreamState {
            synced_to: Some(minute(1000)),
            ..StreamState::default()
        };
        let pass = state.pass_at(minute(1060), Duration::days(30), Some(minute(700)), 1);
        assert_eq!((pass.from, pass.position), (minute(700), 1));
        let mut stale = StreamState {
            synced_to: Some(minute(10_000)),
            ..StreamState::default()
        };
        let pass = stale.pass_at(minute(10_060), Duration::days(30), Some(minute(5)), 1);
        assert_eq!(
            pass.from,
            minute(9_990),
            "a run 'running' for days is a vendor's stale row, not read forever"
        );
    }

    #[test]
    fn a_failure_keeps_the_pass_and_a_restart_resumes_from_the_checkpoint() {
        let mut state = StreamState::default();
        state.pass_at(minute(1000), Duration::minutes(600), None, 0);
        state.page_done(Some(200), 200, 0, minute(1001));
        state.page_failed("429".into());
        let saved = serde_json::to_string(&state).unwrap();
        let mut restored: StreamState = serde_json::from_str(&saved).unwrap();
        assert_eq!(restored.last_error.as_deref(), Some("429"));
        let pass = restored.pass_at(minute(2000), Duration::minutes(600), None, 0);
        assert_eq!(
            (pass.kind, pass.position, pass.to),
            (PassKind::Backfill, 200, minute(1000))
        );
        restored.page_done(None, 3, 0, minute(2001));
        assert_eq!(restored.last_error, None);
        assert_eq!(restored.lag(minute(2000)), Some(Duration::minutes(1000)));
    }

    #[test]
    fn a_next_page_that_does_not_move_on_ends_the_pass() {
        let mut state = StreamState::default();
        state.pass_at(minute(1000), Duration::minutes(600), None, 1);
        state.page_done(Some(2), 100, 0, minute(1001));
        state.page_done(Some(2), 0, 0, minute(1002));
        assert_eq!(state.pass, None, "page 2 again would be asked forever");
        assert_eq!(state.synced_to, Some(minute(1000)));
        let huge = StreamState::default().pass_at(minute(1000), Duration::MAX, None, 0);
        assert_eq!(
            huge.from,
            DateTime::<Utc>::MIN_UTC,
            "a backfill past the calendar starts at its start"
        );
    }
}
