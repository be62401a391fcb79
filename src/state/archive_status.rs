//! The team archive's sync state, asked every half minute while the
//! configuration has archived sources, and again whenever the archived
//! sources finish loading (a first page may have made the archive sync them
//! just now), so each archived source's line says how fresh its rows are.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::net;
use crate::net::schedule;
use crate::state::loads::Loads;
use logdeck_core::archive_status::{self, decode_status, status_request, SyncStatus};
use logdeck_core::config::{ConfigError, RuntimeConfig};
use logdeck_core::frontier::Frontier;
use logdeck_core::load_book::LoadState;
use logdeck_core::query::LogQuery;
use logdeck_core::scheduler::Millis;
use logdeck_core::sources::Source;

const ASK_EVERY: Duration = Duration::from_secs(30);
/// The least time between two asks on loads finishing, in milliseconds.
const REASK_AFTER: Millis = 5_000;

/// Each archived stream's state; `None` without an archive or before it answers.
pub fn use_archive_status(
    config: Signal<Option<Result<RuntimeConfig, ConfigError>>>,
    loads: Loads,
) -> RwSignal<Option<Vec<SyncStatus>>> {
    let streams = RwSignal::new(None);
    let api = use_archive_api(config);
    let archived_loading = Memo::new(move |_| {
        loads.book.with(|book| {
            book.loads().iter().any(|load| {
                matches!(load.source, Source::Archived(_)) && load.state == LoadState::Loading
            })
        })
    });
    Effect::new(move |_| {
        let Some(api) = api.get() else {
            streams.set(None);
            return;
        };
        let ask = move || {
            let request = status_request(&api);
            spawn_local(async move {
                let answer = net::get(&request, None).await;
                // A failed ask keeps the last state: the lines then say what
                // was last known rather than nothing.
                if let Some(read) = answer
                    .ok()
                    .filter(|answer| answer.status == 200)
                    .and_then(|answer| decode_status(&answer.body).ok())
                {
                    streams.set(Some(read));
                }
            });
        };
        ask();
        if let Ok(interval) = set_interval_with_handle(ask.clone(), ASK_EVERY) {
            on_cleanup(move || interval.clear());
        }
        // Asked again when the archived sources have finished loading (a
        // first page may have made the archive sync them), but not after
        // every later page of a background fill.
        let last_asked = StoredValue::new(None::<Millis>);
        Effect::new(move |was_loading: Option<bool>| {
            let loading = archived_loading.get();
            let now = schedule::now();
            let due = last_asked
                .get_value()
                .is_none_or(|at| now >= at.saturating_add(REASK_AFTER));
            if was_loading == Some(true) && !loading && due {
                last_asked.set_value(Some(now));
                ask();
            }
            loading
        });
    });
    streams
}

/// The team archive's API base, when the configuration has one.
pub fn use_archive_api(
    config: Signal<Option<Result<RuntimeConfig, ConfigError>>>,
) -> Memo<Option<String>> {
    Memo::new(move |_| {
        config.with(|config| {
            config
                .as_ref()
                .and_then(|config| config.as_ref().ok())
                .and_then(|config| config.archive.as_ref())
                .map(|archive| archive.api.clone())
        })
    })
}

/// The archived sources shown, by id.
pub fn archived_shown(loads: Loads) -> Vec<String> {
    loads.book.with(|book| {
        book.loads()
            .iter()
            .filter(|load| matches!(load.source, Source::Archived(_)))
            .map(|load| load.source.id())
            .collect()
    })
}

/// How far back the view is complete: the loads' frontier within the team
/// archive's reach, knowing the period's total where an export that read the
/// rows `filters` keep, whole, counted it.
pub fn use_frontier(
    loads: Loads,
    archive: RwSignal<Option<Vec<SyncStatus>>>,
    filters: Memo<LogQuery>,
) -> Memo<Frontier> {
    let exported = move || {
        let window = loads.window.get()?;
        loads.exported.with(|total| {
            let total = total.as_ref()?;
            filters.with(|filters| total.applies_to(filters, window))
        })
    };
    Memo::new(move |_| {
        within_archive(loads.frontier(), loads, archive).with_exported_total(exported())
    })
}

/// `frontier` bounded by the team archive for the archived sources shown: no
/// newer than it has synced them, no older than where its rows begin. As it
/// was before the archive has answered.
pub fn within_archive(
    frontier: Frontier,
    loads: Loads,
    archive: RwSignal<Option<Vec<SyncStatus>>>,
) -> Frontier {
    let Some(window) = loads.window.get() else {
        return frontier;
    };
    let shown = archived_shown(loads);
    archive.with(|statuses| match statuses.as_deref() {
        Some(statuses) => frontier
            .with_archive_synced_to(archive_status::synced_to(statuses, &shown, window))
            .with_archive_from(archive_status::covered_from(statuses, &shown, window)),
        None => frontier,
    })
}
