//! Every vendor call of the tab goes through the core's [`Scheduler`]: this module
//! is its browser clock and its waiters. A call waits for its lane's slot, runs,
//! and on a rate limit waits and runs again by itself; the lanes' holds are a
//! signal, so the page can say "resuming in 12 s" instead of showing a failure.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use logdeck_core::http::{ApiRequest, HttpAnswer};
use logdeck_core::scheduler::{AfterAnswer, Budget, Hold, Millis, Priority, Scheduler, Ticket};

use super::{get, NetError};

struct Waiter {
    start: js_sys::Function,
    signal: Option<AbortSignal>,
}

#[derive(Default)]
struct Runner {
    scheduler: Scheduler,
    waiters: HashMap<Ticket, Waiter>,
    timer: Option<TimeoutHandle>,
    holds: Option<ArcRwSignal<BTreeMap<String, Hold>>>,
    lanes: Vec<String>,
    /// Started before their waiter registered: they go as soon as it does.
    started_early: HashSet<Ticket>,
    /// Ticks every second while a lane holds calls, for countdowns.
    clock: Option<ArcRwSignal<Millis>>,
    ticker: Option<IntervalHandle>,
}

thread_local! {
    static RUNNER: RefCell<Runner> = RefCell::new(Runner::default());
}

/// The tab's clock for the scheduler: milliseconds since the page started.
pub fn now() -> Millis {
    web_sys::window()
        .and_then(|window| window.performance())
        .map_or(0, |performance| performance.now().max(0.0) as Millis)
}

/// The lanes holding calls back, by lane (connection) id; tracked.
pub fn holds() -> ArcRwSignal<BTreeMap<String, Hold>> {
    RUNNER.with(|runner| {
        runner
            .borrow_mut()
            .holds
            .get_or_insert_with(|| ArcRwSignal::new(BTreeMap::new()))
            .clone()
    })
}

/// The scheduler's clock as a signal, advancing every second while some lane
/// holds calls back (and still otherwise), so countdowns re-render.
pub fn clock() -> ArcRwSignal<Millis> {
    RUNNER.with(|runner| {
        runner
            .borrow_mut()
            .clock
            .get_or_insert_with(|| ArcRwSignal::new(now()))
            .clone()
    })
}

/// Runs the countdown clock only while there is something to count down.
fn tick_while_held(held: bool) {
    let running = RUNNER.with(|runner| runner.borrow().ticker.is_some());
    if held == running {
        return;
    }
    if !held {
        if let Some(ticker) = RUNNER.with(|runner| runner.borrow_mut().ticker.take()) {
            ticker.clear();
        }
        return;
    }
    let clock = clock();
    clock.set(now());
    let handle =
        set_interval_with_handle(move || clock.set(now()), std::time::Duration::from_secs(1));
    if let Ok(handle) = handle {
        RUNNER.with(|runner| runner.borrow_mut().ticker = Some(handle));
    }
}

/// A GET through `lane`'s budget: waits its turn, and retries rate limits and
/// server errors as the scheduler says. Without a lane (a file) it goes at once.
pub async fn scheduled_get(
    lane: Option<&(String, Budget)>,
    priority: Priority,
    request: &ApiRequest,
    signal: Option<&AbortSignal>,
) -> Result<HttpAnswer, NetError> {
    let Some((lane, budget)) = lane else {
        return get(request, signal).await;
    };
    let ticket = RUNNER.with(|runner| {
        let mut runner = runner.borrow_mut();
        runner.scheduler.set_budget(lane, *budget);
        if !runner.lanes.contains(lane) {
            runner.lanes.push(lane.clone());
        }
        runner.scheduler.enqueue(lane, priority)
    });
    // However this call ends (answered, aborted, or its future dropped), its
    // ticket leaves the scheduler, so the lane's slots are never lost.
    let _release = Release(ticket);
    loop {
        wait_for_start(ticket, signal).await?;
        let outcome = get(request, signal).await;
        let after = RUNNER.with(|runner| {
            let mut runner = runner.borrow_mut();
            match &outcome {
                Ok(answer) => {
                    runner
                        .scheduler
                        .answered(ticket, now(), answer.status, answer.retry_after)
                }
                Err(_) => {
                    runner.scheduler.cancel(ticket);
                    AfterAnswer::Accept
                }
            }
        });
        if after == AfterAnswer::Accept {
            return outcome;
        }
        // Queued again: `wait_for_start` registers first, then lets others go.
    }
}

/// Takes a ticket out of the scheduler when dropped; a no-op for one already
/// answered (the scheduler forgets accepted calls itself).
struct Release(Ticket);

impl Drop for Release {
    fn drop(&mut self) {
        let ticket = self.0;
        RUNNER.with(|runner| {
            let mut runner = runner.borrow_mut();
            runner.scheduler.cancel(ticket);
            runner.waiters.remove(&ticket);
            runner.started_early.remove(&ticket);
        });
        pump();
    }
}

/// Resolves when the scheduler starts `ticket`; fails at once if `signal` aborts.
async fn wait_for_start(ticket: Ticket, signal: Option<&AbortSignal>) -> Result<(), NetError> {
    let mut start = None;
    let promise = js_sys::Promise::new(&mut |resolve, _| start = Some(resolve));
    let Some(start) = start else {
        return Err(NetError::Unreachable("the browser could not wait".into()));
    };
    let already = RUNNER.with(|runner| {
        let mut runner = runner.borrow_mut();
        if runner.started_early.remove(&ticket) {
            return true;
        }
        // An abort wakes the waiter at once (a queued export's Cancel, say),
        // rather than at the next timer.
        if let Some(signal) = signal {
            signal.set_onabort(Some(&start));
        }
        let waiter = Waiter {
            start,
            signal: signal.cloned(),
        };
        runner.waiters.insert(ticket, waiter);
        false
    });
    if already {
        return Ok(());
    }
    pump();
    let _ = JsFuture::from(promise).await;
    if signal.is_some_and(AbortSignal::aborted) {
        return Err(NetError::Aborted);
    }
    Ok(())
}

/// Drops aborted waiters, starts what the budgets allow, publishes the holds and
/// sets one timer for the next instant something could start.
fn pump() {
    let (started, wake, holds, changed) = RUNNER.with(|runner| {
        let mut runner = runner.borrow_mut();
        let runner = &mut *runner;
        let aborted: Vec<Ticket> = runner
            .waiters
            .iter()
            .filter(|(_, waiter)| waiter.signal.as_ref().is_some_and(AbortSignal::aborted))
            .map(|(ticket, _)| *ticket)
            .collect();
        let mut started: Vec<js_sys::Function> = Vec::new();
        for ticket in aborted {
            runner.scheduler.cancel(ticket);
            if let Some(waiter) = runner.waiters.remove(&ticket) {
                started.push(waiter.start);
            }
        }
        let now = now();
        for ticket in runner.scheduler.start_ready(now) {
            match runner.waiters.remove(&ticket) {
                Some(waiter) => started.push(waiter.start),
                None => {
                    runner.started_early.insert(ticket);
                }
            }
        }
        let holds: BTreeMap<String, Hold> = runner
            .lanes
            .iter()
            .filter_map(|lane| Some((lane.clone(), runner.scheduler.lane_state(lane, now).hold?)))
            .collect();
        let signal = runner
            .holds
            .get_or_insert_with(|| ArcRwSignal::new(BTreeMap::new()))
            .clone();
        let changed = signal.with_untracked(|current| *current != holds);
        if let Some(timer) = runner.timer.take() {
            timer.clear();
        }
        (
            started,
            runner.scheduler.next_wake(now).map(|at| at - now),
            (signal, holds),
            changed,
        )
    });
    if changed {
        let (signal, holds) = holds;
        tick_while_held(!holds.is_empty());
        signal.set(holds);
    }
    for start in started {
        let _ = start.call0(&JsValue::NULL);
    }
    if let Some(delay) = wake {
        let handle = set_timeout_with_handle(pump, std::time::Duration::from_millis(delay));
        if let Ok(handle) = handle {
            RUNNER.with(|runner| runner.borrow_mut().timer = Some(handle));
        }
    }
}
