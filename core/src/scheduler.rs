//! Request scheduling per connection: every call to a vendor (table pages, the
//! background fill, the detail pane, the export, the archive's sync) waits here for
//! a slot, so one account never bursts past its vendor's limits.
//!
//! Each connection is a *lane* with a [`Budget`]: at most `concurrent` calls in
//! flight and at most `per_minute` started in any sliding minute. Calls queue by
//! [`Priority`], then in arrival order. A 429 (or a 503 saying when to come back,
//! as the relay's does) pauses the whole lane until `Retry-After` (or a doubling
//! back-off), lowers the lane's pace, and puts the call back at the head of its
//! queue: it resumes by itself. A server error retries only that call, after a
//! back-off; a bare 503 (an overloaded server, or one whose `Retry-After` the
//! browser may not read across origins) lowers the pace too. The scheduler is a pure state
//! machine over millisecond instants the caller supplies, so it is tested with a
//! simulated clock and runs the same in the browser and in the server.

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::backoff::{Backoff, Verdict};

/// Milliseconds on the caller's clock (the browser's `performance.now()`, or a
/// monotonic clock in the server).
pub type Millis = u64;

const MINUTE: Millis = 60_000;
/// Attempts per call before a rate limit or server error is shown.
const MAX_ATTEMPTS: u32 = 8;

/// What one connection may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Calls started in any 60 s.
    pub per_minute: u32,
    /// Calls in flight at once.
    pub concurrent: usize,
}

impl Budget {
    /// Make's smallest plan allows 60 calls a minute per organisation; without a
    /// better figure, keep under that.
    pub const CONSERVATIVE: Budget = Budget {
        per_minute: 60,
        concurrent: 4,
    };

    fn clamped(self) -> Budget {
        Budget {
            per_minute: self.per_minute.max(1),
            concurrent: self.concurrent.max(1),
        }
    }
}

/// Who waits first: what the reader is looking at before what fills behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Asked for by a click: the detail pane, "Test connection".
    Interactive,
    /// Rows on screen: first pages, "Load older", messages of visible rows.
    Visible,
    /// The background fill, the export, the archive's sync.
    Background,
}

/// One call's place in the scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ticket(u64);

/// What to do with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterAnswer {
    /// Use it: a success, a refusal asking again cannot fix, or the last attempt.
    Accept,
    /// The call is queued again and will be started by [`Scheduler::start_ready`].
    Retry,
}

/// Why a lane is holding calls back, for the "resuming in 12 s" line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// The vendor said to wait (429, or 503 with `Retry-After`), until this instant.
    RateLimited { until: Millis },
    /// The lane's own per-minute budget is spent until this instant.
    Budget { until: Millis },
}

/// One lane's state, as a status line shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LaneState {
    pub queued: usize,
    pub in_flight: usize,
    pub hold: Option<Hold>,
}

#[derive(Debug)]
struct Call {
    lane: String,
    priority: Priority,
    /// Arrival order, kept across retries so a retried call goes first again.
    order: u64,
    backoff: Backoff,
    not_before: Millis,
}

#[derive(Debug)]
struct Lane {
    budget: Budget,
    /// The pace after rate limits: lowered on each 429, raised by one per success.
    pace: u32,
    queue: BTreeMap<(Priority, u64), Ticket>,
    in_flight: usize,
    starts: VecDeque<Millis>,
    paused_until: Millis,
    /// Back-off for the lane's consecutive rate limits without `Retry-After`.
    pauses: Backoff,
}

impl Lane {
    fn new(budget: Budget) -> Lane {
        let budget = budget.clamped();
        Lane {
            budget,
            pace: budget.per_minute,
            queue: BTreeMap::new(),
            in_flight: 0,
            starts: VecDeque::new(),
            paused_until: 0,
            pauses: Backoff::new(u32::MAX),
        }
    }

    fn forget_old_starts(&mut self, now: Millis) {
        while self
            .starts
            .front()
            .is_some_and(|start| start + MINUTE <= now)
        {
            self.starts.pop_front();
        }
    }

    /// When the budget next allows a start (`now` if it does now).
    fn budget_free_at(&self, now: Millis) -> Millis {
        let over = (self.starts.len() + 1).saturating_sub(self.pace as usize);
        match over {
            0 => now,
            _ => self
                .starts
                .get(over - 1)
                .map_or(now, |start| (start + MINUTE).max(now)),
        }
    }
}

/// Every lane and every call waiting or in flight.
#[derive(Debug, Default)]
pub struct Scheduler {
    lanes: HashMap<String, Lane>,
    calls: HashMap<Ticket, Call>,
    next: u64,
}

impl Scheduler {
    /// Sets a lane's budget (creating the lane); calls already queued keep their place.
    pub fn set_budget(&mut self, lane: &str, budget: Budget) {
        match self.lanes.get_mut(lane) {
            Some(existing) if existing.budget == budget.clamped() => {}
            Some(existing) => {
                existing.budget = budget.clamped();
                existing.pace = existing.budget.per_minute;
            }
            None => {
                self.lanes.insert(lane.to_owned(), Lane::new(budget));
            }
        }
    }

    /// Queues a call on `lane` (created with [`Budget::CONSERVATIVE`] if new).
    pub fn enqueue(&mut self, lane: &str, priority: Priority) -> Ticket {
        self.next += 1;
        let ticket = Ticket(self.next);
        let entry = self
            .lanes
            .entry(lane.to_owned())
            .or_insert_with(|| Lane::new(Budget::CONSERVATIVE));
        entry.queue.insert((priority, self.next), ticket);
        self.calls.insert(
            ticket,
            Call {
                lane: lane.to_owned(),
                priority,
                order: self.next,
                backoff: Backoff::new(MAX_ATTEMPTS),
                not_before: 0,
            },
        );
        ticket
    }

    /// Forgets a call, queued or in flight (its page was superseded or closed),
    /// freeing its slot.
    pub fn cancel(&mut self, ticket: Ticket) {
        let Some(call) = self.calls.remove(&ticket) else {
            return;
        };
        if let Some(lane) = self.lanes.get_mut(&call.lane) {
            if lane.queue.remove(&(call.priority, call.order)).is_none() {
                lane.in_flight = lane.in_flight.saturating_sub(1);
            }
        }
    }

    /// The calls that may start now, most urgent first; they count as in flight
    /// until [`Scheduler::answered`] or [`Scheduler::cancel`].
    pub fn start_ready(&mut self, now: Millis) -> Vec<Ticket> {
        let mut started = Vec::new();
        for lane in self.lanes.values_mut() {
            lane.forget_old_starts(now);
            if lane.paused_until > now {
                continue;
            }
            let ready: Vec<(Priority, u64)> = lane
                .queue
                .iter()
                .filter(|(_, ticket)| {
                    self.calls
                        .get(ticket)
                        .is_some_and(|call| call.not_before <= now)
                })
                .map(|(key, _)| *key)
                .collect();
            for key in ready {
                if lane.in_flight >= lane.budget.concurrent || lane.budget_free_at(now) > now {
                    break;
                }
                if let Some(ticket) = lane.queue.remove(&key) {
                    lane.in_flight += 1;
                    lane.starts.push_back(now);
                    started.push(ticket);
                }
            }
        }
        started.sort();
        started
    }

    /// Takes the answer to a started call: its HTTP status and `Retry-After`.
    pub fn answered(
        &mut self,
        ticket: Ticket,
        now: Millis,
        status: u16,
        retry_after: Option<u32>,
    ) -> AfterAnswer {
        let Some(call) = self.calls.get_mut(&ticket) else {
            return AfterAnswer::Accept;
        };
        let Some(lane) = self.lanes.get_mut(&call.lane) else {
            return AfterAnswer::Accept;
        };
        lane.in_flight = lane.in_flight.saturating_sub(1);
        let verdict = call.backoff.after(status, retry_after);
        let rate_limited = Backoff::is_rate_limit(status, retry_after);
        if rate_limited || status == 503 {
            // The vendor counts more than this lane knows (other tabs, other
            // tools): slow down to three quarters of what was just spent, but
            // never below a quarter of the budget for a few stray calls.
            lane.forget_old_starts(now);
            let spent = u32::try_from(lane.starts.len()).unwrap_or(u32::MAX);
            let floor = (lane.budget.per_minute / 4).max(1);
            lane.pace = (spent * 3 / 4).clamp(floor, lane.budget.per_minute);
        } else if (200..300).contains(&status) {
            lane.pace = (lane.pace + 1).min(lane.budget.per_minute);
            lane.pauses = Backoff::new(u32::MAX);
        }
        match verdict {
            Verdict::Accept => {
                self.calls.remove(&ticket);
                AfterAnswer::Accept
            }
            Verdict::Wait(wait) => {
                let wait = Millis::try_from(wait.as_millis()).unwrap_or(Millis::MAX);
                if rate_limited {
                    // Without Retry-After the lane's own back-off grows, once per
                    // pause: the other calls answered 429 in the same burst do not
                    // lengthen it again.
                    let already_paused = lane.paused_until > now;
                    let wait = match retry_after {
                        Some(_) => wait,
                        None if already_paused => 0,
                        None => match lane.pauses.after(429, None) {
                            Verdict::Wait(backoff) => {
                                Millis::try_from(backoff.as_millis()).unwrap_or(wait)
                            }
                            Verdict::Accept => wait,
                        },
                    };
                    lane.paused_until = lane.paused_until.max(now.saturating_add(wait));
                } else {
                    call.not_before = now.saturating_add(wait);
                }
                lane.queue.insert((call.priority, call.order), ticket);
                AfterAnswer::Retry
            }
        }
    }

    /// The earliest instant after `now` at which a queued call could start, for
    /// the caller's timer; `None` when nothing waits on time.
    pub fn next_wake(&self, now: Millis) -> Option<Millis> {
        self.lanes
            .values()
            .filter(|lane| !lane.queue.is_empty() && lane.in_flight < lane.budget.concurrent)
            .filter_map(|lane| {
                let earliest_call = lane
                    .queue
                    .values()
                    .filter_map(|ticket| self.calls.get(ticket))
                    .map(|call| call.not_before)
                    .min()?;
                let at = earliest_call
                    .max(lane.paused_until)
                    .max(lane.budget_free_at(now));
                Some(at.max(now + 1))
            })
            .min()
    }

    /// What a lane is doing, for its status line.
    pub fn lane_state(&self, lane: &str, now: Millis) -> LaneState {
        let Some(state) = self.lanes.get(lane) else {
            return LaneState::default();
        };
        let hold = if state.queue.is_empty() {
            None
        } else if state.paused_until > now {
            Some(Hold::RateLimited {
                until: state.paused_until,
            })
        } else {
            let live_starts = state.starts.iter().filter(|s| **s + MINUTE > now).count();
            let over = (live_starts + 1).saturating_sub(state.pace as usize);
            (over > 0 && state.in_flight < state.budget.concurrent).then(|| Hold::Budget {
                until: state
                    .starts
                    .iter()
                    .filter(|s| **s + MINUTE > now)
                    .nth(over - 1)
                    .map_or(now, |start| start + MINUTE),
            })
        };
        LaneState {
            queued: state.queue.len(),
            in_flight: state.in_flight,
            hold,
        }
    }
}

#[cfg(test)]
mod tests;
