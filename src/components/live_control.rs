//! Live mode's switch and its one-line state: when it last caught up, that it is
//! paused while the reader is away from the top, how many new rows wait, or which
//! source did not answer.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::state::loads::Loads;
use logdeck_core::live::LiveTail;
use logdeck_core::query::{LogQuery, Period};
use logdeck_core::zone::ZoneRules;

#[component]
pub fn LiveControl(
    loads: Loads,
    query: Memo<LogQuery>,
    /// Turns live mode on or off (in the URL).
    set_live: Callback<bool>,
    /// The reader is scrolled away from the top or reading a detail.
    #[prop(into)]
    paused: Signal<bool>,
    #[prop(into)] zone: Signal<ZoneRules>,
    /// How far the team archive has synced the archived sources shown, when
    /// short of the period's end: live rows are complete no further.
    #[prop(into)]
    archive_synced_to: Signal<Option<DateTime<Utc>>>,
) -> impl IntoView {
    let follows_now = move || query.with(|q| matches!(q.period, Period::Last(_)));
    let running = move || query.with(LogQuery::is_live);
    let held = move || loads.live.with(LiveTail::held);
    let waiting = move || running() && held() != 0;
    let state = move || {
        if !running() {
            return String::new();
        }
        loads.live.with(|live| match live.failure() {
            Some((source, error)) => format!("{source} did not answer ({error}); asking again"),
            None if live.held() > 0 => format!("paused while you read · {} new", live.held()),
            None if paused.get() => "paused while you read".to_owned(),
            None => live.until_line(archive_synced_to.get(), &zone.get()),
        })
    };
    let show = move |_| {
        if let Some(rows) = document().get_element_by_id("rows") {
            rows.set_scroll_top(0);
        }
        loads.show_held();
    };
    view! {
        <span class="live">
            <label class="option" title=move || (!follows_now())
                .then_some("Live mode follows a period that ends now: choose a “Last …” period")>
                <input type="checkbox" prop:checked=running disabled=move || !follows_now()
                    on:change=move |ev| set_live.run(event_target_checked(&ev)) />
                <span>"Live"</span>
            </label>
            <span class="live-state" class:error=move || loads.live.with(|l| l.failure().is_some())
                role="status">{state}</span>
            <Show when=waiting>
                <button type="button" class="show-new" on:click=show>
                    {move || match held() {
                        1 => "Show 1 new row".to_owned(),
                        n => format!("Show {n} new rows"),
                    }}
                </button>
            </Show>
        </span>
    }
}
