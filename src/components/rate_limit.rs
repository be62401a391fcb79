//! "waiting for the vendor's rate limit · resuming in 12 s": what a lane held by
//! the request scheduler tells the reader, instead of a failure to click away.

use leptos::prelude::*;

use crate::net::schedule::{clock, holds};
use logdeck_core::scheduler::{Hold, Millis};

/// The wait, in words, for `hold` at `now`.
fn describe(hold: Hold, now: Millis) -> String {
    let seconds = |until: Millis| until.saturating_sub(now).div_ceil(1_000);
    match hold {
        Hold::RateLimited { until } => format!(
            "rate-limited by the vendor · resuming in {} s",
            seconds(until)
        ),
        Hold::Budget { until } => format!(
            "keeping to the connection's calls per minute · next in {} s",
            seconds(until)
        ),
    }
}

/// Nothing while `lane` calls freely; the wait and its countdown while it is held.
#[component]
pub fn RateLimitNote(lane: Option<String>) -> impl IntoView {
    let holds = holds();
    let clock = clock();
    move || {
        let lane = lane.as_ref()?;
        let hold = holds.with(|holds| holds.get(lane).copied())?;
        Some(view! { <span class="rate-limit">" · "{describe(hold, clock.get())}</span> })
    }
}

/// The wait of the first of `lanes` that is held, for a summary line.
#[component]
pub fn HeldLanesNote(#[prop(into)] lanes: Signal<Vec<String>>) -> impl IntoView {
    let holds = holds();
    let clock = clock();
    move || {
        let hold = lanes.with(|lanes| {
            holds.with(|holds| lanes.iter().find_map(|lane| holds.get(lane).copied()))
        })?;
        Some(view! { <span class="rate-limit">" · "{describe(hold, clock.get())}</span> })
    }
}
