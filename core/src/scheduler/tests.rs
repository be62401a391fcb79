use proptest::prelude::*;

use super::*;

fn lane_with(budget: Budget) -> Scheduler {
    let mut scheduler = Scheduler::default();
    scheduler.set_budget("make", budget);
    scheduler
}

#[test]
fn no_more_than_the_concurrent_calls_are_in_flight() {
    let mut scheduler = lane_with(Budget {
        per_minute: 100,
        concurrent: 2,
    });
    let tickets: Vec<Ticket> = (0..5)
        .map(|_| scheduler.enqueue("make", Priority::Visible))
        .collect();
    assert_eq!(scheduler.start_ready(0), tickets[..2]);
    assert_eq!(scheduler.start_ready(1), []);
    assert_eq!(
        scheduler.answered(tickets[0], 10, 200, None),
        AfterAnswer::Accept
    );
    assert_eq!(scheduler.start_ready(10), [tickets[2]]);
    let state = scheduler.lane_state("make", 10);
    assert_eq!((state.queued, state.in_flight, state.hold), (2, 2, None));
}

#[test]
fn the_per_minute_budget_is_a_sliding_minute() {
    let mut scheduler = lane_with(Budget {
        per_minute: 3,
        concurrent: 10,
    });
    let tickets: Vec<Ticket> = (0..5)
        .map(|_| scheduler.enqueue("make", Priority::Background))
        .collect();
    let first = scheduler.start_ready(0);
    assert_eq!(first.len(), 3);
    for ticket in first {
        scheduler.answered(ticket, 100, 200, None);
    }
    assert_eq!(scheduler.start_ready(59_999), []);
    assert_eq!(scheduler.next_wake(100), Some(60_000));
    assert_eq!(
        scheduler.lane_state("make", 100).hold,
        Some(Hold::Budget { until: 60_000 })
    );
    assert_eq!(scheduler.start_ready(60_000), tickets[3..]);
}

#[test]
fn what_the_reader_asked_for_goes_before_the_background_fill() {
    let mut scheduler = lane_with(Budget {
        per_minute: 100,
        concurrent: 1,
    });
    let fill = scheduler.enqueue("make", Priority::Background);
    let _more_fill = scheduler.enqueue("make", Priority::Background);
    let detail = scheduler.enqueue("make", Priority::Interactive);
    let page = scheduler.enqueue("make", Priority::Visible);
    assert_eq!(scheduler.start_ready(0), [detail]);
    scheduler.answered(detail, 5, 200, None);
    assert_eq!(scheduler.start_ready(5), [page]);
    scheduler.answered(page, 6, 200, None);
    assert_eq!(scheduler.start_ready(6), [fill]);
}

#[test]
fn a_rate_limit_pauses_the_lane_and_the_call_resumes_first() {
    let mut scheduler = lane_with(Budget {
        per_minute: 100,
        concurrent: 2,
    });
    let a = scheduler.enqueue("make", Priority::Visible);
    let b = scheduler.enqueue("make", Priority::Visible);
    let c = scheduler.enqueue("make", Priority::Visible);
    assert_eq!(scheduler.start_ready(0), [a, b]);
    assert_eq!(
        scheduler.answered(a, 100, 429, Some(12)),
        AfterAnswer::Retry
    );
    assert_eq!(
        scheduler.lane_state("make", 100).hold,
        Some(Hold::RateLimited { until: 12_100 })
    );
    assert_eq!(scheduler.start_ready(5_000), [], "the whole lane waits");
    assert_eq!(scheduler.next_wake(5_000), Some(12_100));
    scheduler.answered(b, 6_000, 200, None);
    assert_eq!(scheduler.start_ready(12_100), [a, c], "a keeps its place");
    assert_eq!(
        scheduler.answered(a, 12_200, 200, None),
        AfterAnswer::Accept
    );
}

#[test]
fn a_burst_of_rate_limits_without_retry_after_pauses_once() {
    let mut scheduler = lane_with(Budget {
        per_minute: 100,
        concurrent: 4,
    });
    let calls: Vec<Ticket> = (0..4)
        .map(|_| scheduler.enqueue("make", Priority::Visible))
        .collect();
    assert_eq!(scheduler.start_ready(0), calls);
    for ticket in &calls {
        scheduler.answered(*ticket, 10, 429, None);
    }
    assert_eq!(
        scheduler.lane_state("make", 10).hold,
        Some(Hold::RateLimited { until: 1_010 }),
        "one pause of a second for the burst, not one per answer"
    );
    assert_eq!(scheduler.start_ready(1_010).len(), 4);
    for ticket in &calls {
        scheduler.answered(*ticket, 1_100, 429, None);
    }
    assert_eq!(
        scheduler.lane_state("make", 1_100).hold,
        Some(Hold::RateLimited { until: 3_100 }),
        "the next pause doubles"
    );
}

#[test]
fn other_lanes_do_not_wait_for_a_rate_limited_one() {
    let mut scheduler = lane_with(Budget {
        per_minute: 100,
        concurrent: 1,
    });
    let make = scheduler.enqueue("make", Priority::Visible);
    assert_eq!(scheduler.start_ready(0), [make]);
    scheduler.answered(make, 10, 429, Some(30));
    let dify = scheduler.enqueue("dify", Priority::Visible);
    assert_eq!(scheduler.start_ready(20), [dify]);
}

#[test]
fn a_server_error_retries_only_that_call_after_a_back_off() {
    let mut scheduler = lane_with(Budget {
        per_minute: 100,
        concurrent: 2,
    });
    let a = scheduler.enqueue("make", Priority::Visible);
    let b = scheduler.enqueue("make", Priority::Visible);
    assert_eq!(scheduler.start_ready(0), [a, b]);
    assert_eq!(scheduler.answered(a, 10, 500, None), AfterAnswer::Retry);
    let c = scheduler.enqueue("make", Priority::Visible);
    assert_eq!(scheduler.start_ready(10), [c], "the lane goes on");
    assert_eq!(scheduler.start_ready(500), []);
    scheduler.answered(b, 600, 200, None);
    assert_eq!(scheduler.start_ready(1_010), [a], "after a second");
}

#[test]
fn a_bare_503_retries_its_call_without_pausing_the_lane_and_slows_it() {
    let mut scheduler = lane_with(Budget {
        per_minute: 100,
        concurrent: 2,
    });
    let pace = |scheduler: &Scheduler| scheduler.lanes.get("make").map(|lane| lane.pace);
    let a = scheduler.enqueue("make", Priority::Visible);
    let b = scheduler.enqueue("make", Priority::Visible);
    assert_eq!(scheduler.start_ready(0), [a, b]);
    let before = pace(&scheduler);
    assert_eq!(scheduler.answered(a, 20, 503, None), AfterAnswer::Retry);
    assert_eq!(scheduler.lane_state("make", 20).hold, None, "no pause");
    assert!(pace(&scheduler) < before, "but slower");
    // A 503 saying when to come back pauses the lane, as a 429 does.
    scheduler.answered(b, 40, 503, Some(5));
    assert_eq!(
        scheduler.lane_state("make", 40).hold,
        Some(Hold::RateLimited { until: 5_040 })
    );
}

#[test]
fn refusals_are_accepted_at_once_and_rate_limits_end_after_the_last_attempt() {
    let mut scheduler = lane_with(Budget {
        per_minute: 1_000,
        concurrent: 1,
    });
    let refused = scheduler.enqueue("make", Priority::Visible);
    scheduler.start_ready(0);
    assert_eq!(
        scheduler.answered(refused, 1, 401, None),
        AfterAnswer::Accept
    );
    let limited = scheduler.enqueue("make", Priority::Visible);
    let mut now = 1;
    let mut attempts = 0;
    loop {
        assert_eq!(scheduler.start_ready(now), [limited]);
        attempts += 1;
        if scheduler.answered(limited, now, 429, Some(1)) == AfterAnswer::Accept {
            break;
        }
        now = scheduler.next_wake(now).unwrap();
    }
    assert_eq!(attempts, MAX_ATTEMPTS);
    assert_eq!(scheduler.lane_state("make", now), LaneState::default());
}

#[test]
fn a_cancelled_call_frees_its_slot_queued_or_in_flight() {
    let mut scheduler = lane_with(Budget {
        per_minute: 100,
        concurrent: 1,
    });
    let a = scheduler.enqueue("make", Priority::Visible);
    let b = scheduler.enqueue("make", Priority::Visible);
    let c = scheduler.enqueue("make", Priority::Visible);
    assert_eq!(scheduler.start_ready(0), [a]);
    scheduler.cancel(b);
    scheduler.cancel(a);
    assert_eq!(scheduler.start_ready(1), [c]);
    assert_eq!(scheduler.answered(a, 2, 200, None), AfterAnswer::Accept);
    assert_eq!(
        scheduler.lane_state("make", 2).in_flight,
        1,
        "a's late answer"
    );
}

/// A vendor that counts calls per calendar minute, as Make does per organisation,
/// answering 429 with the seconds left in the minute past its limit.
struct Vendor {
    limit: u32,
    minute: Millis,
    used: u32,
}

impl Vendor {
    fn answer(&mut self, now: Millis) -> (u16, Option<u32>) {
        if now / MINUTE != self.minute {
            self.minute = now / MINUTE;
            self.used = 0;
        }
        self.used += 1;
        if self.used > self.limit {
            let left = (MINUTE - now % MINUTE).div_ceil(1_000);
            (429, Some(u32::try_from(left).unwrap_or(60)))
        } else {
            (200, None)
        }
    }
}

#[derive(Debug, Default)]
struct Run {
    accepted_ok: usize,
    accepted_failures: usize,
    rate_limits: usize,
    starts: Vec<Millis>,
    finished_at: Millis,
}

impl Run {
    fn busiest_minute(&self) -> usize {
        self.starts
            .iter()
            .map(|start| {
                self.starts
                    .iter()
                    .filter(|s| (*start..start + MINUTE).contains(s))
                    .count()
            })
            .max()
            .unwrap_or(0)
    }
}

/// `calls` calls on one lane against `vendor`, each taking `call_ms`.
fn simulate(budget: Budget, mut vendor: Vendor, calls: usize, call_ms: Millis) -> Run {
    let mut scheduler = lane_with(budget);
    for _ in 0..calls {
        scheduler.enqueue("make", Priority::Background);
    }
    let mut run = Run::default();
    let mut flying: Vec<(Millis, Ticket, u16, Option<u32>)> = Vec::new();
    let mut now = 0;
    while run.accepted_ok + run.accepted_failures < calls {
        for ticket in scheduler.start_ready(now) {
            let (status, retry_after) = vendor.answer(now);
            run.starts.push(now);
            flying.push((now + call_ms, ticket, status, retry_after));
        }
        let next_answer = flying.iter().map(|f| f.0).min();
        now = match (next_answer, scheduler.next_wake(now)) {
            (Some(a), Some(w)) => a.min(w),
            (Some(a), None) => a,
            (None, Some(w)) => w,
            (None, None) => panic!("stuck with calls outstanding at {now}"),
        };
        let (due, later): (Vec<_>, Vec<_>) = flying.into_iter().partition(|f| f.0 <= now);
        flying = later;
        for (_, ticket, status, retry_after) in due {
            run.rate_limits += usize::from(status == 429);
            if scheduler.answered(ticket, now, status, retry_after) == AfterAnswer::Accept {
                if status == 200 {
                    run.accepted_ok += 1;
                } else {
                    run.accepted_failures += 1;
                }
            }
        }
    }
    run.finished_at = now;
    run
}

#[test]
fn three_hundred_scenarios_stay_within_the_budget_and_never_fail() {
    let run = simulate(
        Budget::CONSERVATIVE,
        Vendor {
            limit: 60,
            minute: 0,
            used: 0,
        },
        300,
        400,
    );
    println!(
        "300 calls at 60/min: {} s, busiest minute {}",
        run.finished_at / 1_000,
        run.busiest_minute()
    );
    assert_eq!(run.accepted_ok, 300);
    assert_eq!(run.accepted_failures, 0);
    assert_eq!(run.rate_limits, 0, "a budget kept is never a 429");
    assert!(run.busiest_minute() <= 60, "{}", run.busiest_minute());
    assert!(
        run.finished_at < 5 * MINUTE,
        "took {} s",
        run.finished_at / 1_000
    );
}

#[test]
fn a_vendor_stricter_than_the_budget_slows_the_lane_without_a_failure() {
    let run = simulate(
        Budget::CONSERVATIVE,
        Vendor {
            limit: 30,
            minute: 0,
            used: 0,
        },
        300,
        400,
    );
    println!(
        "300 calls, vendor allows 30/min: {} s, {} rate limits",
        run.finished_at / 1_000,
        run.rate_limits
    );
    assert_eq!(run.accepted_ok, 300);
    assert_eq!(run.accepted_failures, 0, "every 429 resolved by itself");
    assert!(
        run.rate_limits <= 40,
        "{} rate limits: the pace must drop after the first",
        run.rate_limits
    );
}

#[derive(Debug, Clone)]
enum Op {
    Enqueue { lane: u8, priority: u8 },
    Answer { index: usize, status: u16 },
    Cancel { index: usize },
    Wait { ms: u32 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..3, 0u8..3).prop_map(|(lane, priority)| Op::Enqueue { lane, priority }),
        (
            0usize..64,
            prop::sample::select(vec![200u16, 200, 200, 404, 429, 500, 503])
        )
            .prop_map(|(index, status)| Op::Answer { index, status }),
        (0usize..64).prop_map(|index| Op::Cancel { index }),
        (1u32..90_000).prop_map(|ms| Op::Wait { ms }),
    ]
}

proptest! {
    /// Whatever arrives in whatever order: no lane ever exceeds its concurrency or
    /// its per-minute budget, and once the vendor answers 200 every call ends.
    #[test]
    fn budgets_hold_and_every_call_ends(ops in prop::collection::vec(op(), 1..120)) {
        let budget = Budget { per_minute: 5, concurrent: 2 };
        let lanes = ["a", "b", "c"];
        let mut scheduler = Scheduler::default();
        for lane in lanes {
            scheduler.set_budget(lane, budget);
        }
        let priorities = [Priority::Interactive, Priority::Visible, Priority::Background];
        let mut lane_of: HashMap<Ticket, &'static str> = HashMap::new();
        let mut flying: Vec<Ticket> = Vec::new();
        let mut live: Vec<Ticket> = Vec::new();
        let mut starts: HashMap<&'static str, Vec<Millis>> = HashMap::new();
        let mut now: Millis = 0;
        let step = |scheduler: &mut Scheduler, now: Millis, flying: &mut Vec<Ticket>,
                        starts: &mut HashMap<&'static str, Vec<Millis>>,
                        lane_of: &HashMap<Ticket, &'static str>| {
            for ticket in scheduler.start_ready(now) {
                let lane = lane_of[&ticket];
                flying.push(ticket);
                let lane_starts = starts.entry(lane).or_default();
                lane_starts.push(now);
                let recent = lane_starts.iter().filter(|s| **s + MINUTE > now).count();
                prop_assert!(recent <= 5, "lane {lane}: {recent} starts in a minute");
                let in_flight = flying.iter().filter(|t| lane_of[*t] == lane).count();
                prop_assert!(in_flight <= 2, "lane {lane}: {in_flight} in flight");
            }
            Ok(())
        };
        for op in ops {
            match op {
                Op::Enqueue { lane, priority } => {
                    let lane = lanes[usize::from(lane)];
                    let ticket = scheduler.enqueue(lane, priorities[usize::from(priority)]);
                    lane_of.insert(ticket, lane);
                    live.push(ticket);
                }
                Op::Answer { index, status } if !flying.is_empty() => {
                    let ticket = flying.remove(index % flying.len());
                    if scheduler.answered(ticket, now, status, None) == AfterAnswer::Accept {
                        live.retain(|t| *t != ticket);
                    }
                }
                Op::Cancel { index } if !live.is_empty() => {
                    let ticket = live.remove(index % live.len());
                    flying.retain(|t| *t != ticket);
                    scheduler.cancel(ticket);
                }
                Op::Wait { ms } => now += Millis::from(ms),
                _ => {}
            }
            step(&mut scheduler, now, &mut flying, &mut starts, &lane_of)?;
        }
        // From here on the vendor always says yes: everything must drain.
        let mut rounds = 0;
        while !live.is_empty() {
            rounds += 1;
            prop_assert!(rounds < 10_000, "calls never ended: {live:?}");
            for ticket in std::mem::take(&mut flying) {
                scheduler.answered(ticket, now, 200, None);
                live.retain(|t| *t != ticket);
            }
            now = scheduler.next_wake(now).unwrap_or(now + 1);
            step(&mut scheduler, now, &mut flying, &mut starts, &lane_of)?;
        }
    }
}
