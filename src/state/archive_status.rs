//! The team archive's sync state, asked every half minute while the
//! configuration has archived sources, so each archived source's line says how
//! fresh its rows are.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::net;
use logdeck_core::archive_status::{decode_status, status_request, SyncStatus};
use logdeck_core::config::{ConfigError, RuntimeConfig};

const ASK_EVERY: Duration = Duration::from_secs(30);

/// Each archived stream's state; empty without an archive or before it answers.
pub fn use_archive_status(
    config: Signal<Option<Result<RuntimeConfig, ConfigError>>>,
) -> RwSignal<Vec<SyncStatus>> {
    let streams = RwSignal::new(Vec::new());
    let api = Memo::new(move |_| {
        config.with(|config| {
            config
                .as_ref()
                .and_then(|config| config.as_ref().ok())
                .and_then(|config| config.archive.as_ref())
                .map(|archive| archive.api.clone())
        })
    });
    Effect::new(move |_| {
        let Some(api) = api.get() else {
            streams.set(Vec::new());
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
                    streams.set(read);
                }
            });
        };
        ask();
        if let Ok(interval) = set_interval_with_handle(ask.clone(), ASK_EVERY) {
            on_cleanup(move || interval.clear());
        }
    });
    streams
}
