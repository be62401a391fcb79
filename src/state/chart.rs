//! The volume chart's bars. Rows of sources read live are counted as loaded
//! (bars past their frontier hatched, never drawn as zero); the archived
//! sources are counted by the team archive over the whole window on the
//! chart's own grid, so months of archived history draw as true bars rather
//! than "not loaded yet".

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::net;
use crate::state::archive_status::{archived_shown, use_archive_api, within_archive};
use crate::state::loads::Loads;
use crate::state::view_rows::{use_row_filters, use_row_set};
use logdeck_core::adapters::archive::archive_filters;
use logdeck_core::archive_histogram::{decode_histogram, histogram_request};
use logdeck_core::archive_status::SyncStatus;
use logdeck_core::config::{ConfigError, RuntimeConfig};
use logdeck_core::frontier::Frontier;
use logdeck_core::histogram::{histogram, round_step, Bucket, Grid};
use logdeck_core::http::ApiRequest;
use logdeck_core::query::{LogQuery, Period};
use logdeck_core::timeline::RowSet;

/// Bars at most: the chart's step is the round width that fits.
const MAX_BARS: usize = 60;

/// What the chart draws.
#[derive(Clone, Copy)]
pub struct ChartBars {
    pub buckets: Memo<Vec<Bucket>>,
    /// What the hatching reads: the archived sources count as complete over
    /// the window once the archive has counted them.
    pub frontier: Memo<Frontier>,
}

/// One ask of the archive: the request, the archived sources it counts, and
/// what it asks but the period's end (a live view's window end moves every
/// few seconds; its last bars stay up until the newer ones arrive).
#[derive(Clone, PartialEq)]
struct Asked {
    request: ApiRequest,
    sources: Vec<String>,
    but_the_end: (String, i64, i64),
}

/// The archive's bars for one ask.
#[derive(Clone, PartialEq)]
struct ArchiveBars {
    asked: Asked,
    bars: Vec<Bucket>,
}

/// The chart's bars for the view: `row_set` and `frontier` are the table's.
pub fn use_chart_bars(
    config: Signal<Option<Result<RuntimeConfig, ConfigError>>>,
    query: Memo<LogQuery>,
    loads: Loads,
    row_set: Memo<RowSet>,
    frontier: Memo<Frontier>,
    archive: RwSignal<Option<Vec<SyncStatus>>>,
) -> ChartBars {
    let grid = Memo::new(move |_| {
        loads
            .window
            .get()
            .map(|window| (window, round_step(window, MAX_BARS)))
    });
    let shown = Memo::new(move |_| archived_shown(loads));
    let api = use_archive_api(config);
    let request = Memo::new(move |_| {
        let api = api.get()?;
        let (window, step) = grid.get()?;
        let sources = shown.get();
        if sources.is_empty() {
            return None;
        }
        let request = query.with(|q| histogram_request(&api, q, window, &sources, step));
        // What selects the rows, not the view's own state (selection, sort):
        // opening a record keeps the bars and asks nothing.
        let filters = query.with(|q| {
            LogQuery {
                period: Period::default(),
                ..archive_filters(q, window)
            }
            .to_query_string()
        });
        let start = Grid::aligned(window, step).from_ms;
        Some(Asked {
            request,
            sources,
            but_the_end: (filters, start, step),
        })
    });
    let answer = use_archive_bars(request, grid, archive);
    // The archived sources the archive has counted for the view as it is now
    // (or was, a period's end ago, while the newer count is on its way).
    let counted = Memo::new(move |_| {
        answer.with(|answer| {
            let answer = answer.as_ref()?;
            request
                .with(|asked| {
                    asked.as_ref().map(|asked| {
                        asked.sources == answer.asked.sources
                            && asked.but_the_end == answer.asked.but_the_end
                    })
                })
                .unwrap_or(false)
                .then(|| answer.asked.sources.clone())
        })
    });
    let chart_frontier = Memo::new(move |_| {
        let Some(counted) = counted.get() else {
            return frontier.get();
        };
        let Some(window) = loads.window.get() else {
            return frontier.get();
        };
        let live = loads
            .book
            .with(|book| book.frontier_of(window, |source| !counted.contains(&source.id())));
        within_archive(live, loads, archive)
    });
    // The live sources' rows as far back as they alone are complete; read
    // only while the archive's bars stand in for the archived sources.
    // The older rows loaded count where they are shown (bars there are
    // lower bounds then).
    let shown_frontier = Memo::new(move |_| {
        let older_shown = query.with(|q| q.older_shown);
        chart_frontier.with(|frontier| frontier.shown(older_shown))
    });
    let chart_rows = use_row_set(use_row_filters(query), loads, shown_frontier);
    let buckets = Memo::new(move |_| {
        let Some((window, step)) = grid.get() else {
            return Vec::new();
        };
        let grid = Grid::aligned(window, step);
        let counted = counted.get();
        let left_out = counted.clone().unwrap_or_default();
        let count_rows = |rows: &RowSet| {
            loads.timeline.with(|timeline| {
                histogram(timeline.times_and_statuses(rows, &left_out), window, &grid)
            })
        };
        if counted.is_none() {
            return row_set.with(count_rows);
        }
        let mut bars = chart_rows.with(count_rows);
        answer.with(|answer| {
            for (bar, archived) in bars.iter_mut().zip(answer.iter().flat_map(|a| &a.bars)) {
                bar.add_bar(archived);
            }
        });
        bars
    });
    ChartBars {
        buckets,
        frontier: chart_frontier,
    }
}

/// Asks the archive for its bars whenever the request changes or a sync moves
/// an archived stream on; a superseded request is aborted. A failed ask
/// leaves the chart counting the loaded rows, hatched where incomplete.
fn use_archive_bars(
    request: Memo<Option<Asked>>,
    grid: Memo<Option<(logdeck_core::query::TimeWindow, i64)>>,
    archive: RwSignal<Option<Vec<SyncStatus>>>,
) -> RwSignal<Option<ArchiveBars>> {
    let answer = RwSignal::new(None::<ArchiveBars>);
    let synced = Memo::new(move |_| {
        archive.with(|streams| {
            streams
                .iter()
                .flatten()
                .map(|stream| (stream.stream.clone(), stream.synced_to))
                .collect::<Vec<_>>()
        })
    });
    let in_flight = StoredValue::new_local(None::<AbortController>);
    Effect::new(move |_| {
        let asked = request.get();
        synced.track();
        if let Some(controller) = in_flight.try_update_value(Option::take).flatten() {
            controller.abort();
        }
        let (Some(asked), Some((window, step))) = (asked, grid.get_untracked()) else {
            return;
        };
        let Ok(controller) = AbortController::new() else {
            return;
        };
        let signal = controller.signal();
        in_flight.set_value(Some(controller));
        spawn_local(async move {
            let answered = net::get(&asked.request, Some(&signal)).await;
            if signal.aborted() {
                return;
            }
            let grid = Grid::aligned(window, step);
            let bars = answered
                .ok()
                .filter(|answered| answered.status == 200)
                .and_then(|answered| decode_histogram(&answered.body, &grid).ok());
            match bars {
                Some(bars) => answer.set(Some(ArchiveBars { asked, bars })),
                // A failed ask for what was counted before keeps those bars
                // (the frontier still says how far the archive has synced).
                None => answer.update(|answer| {
                    if answer.as_ref().is_some_and(|a| a.asked != asked) {
                        *answer = None;
                    }
                }),
            }
        });
    });
    on_cleanup(move || {
        if let Some(controller) = in_flight.try_update_value(Option::take).flatten() {
            controller.abort();
        }
    });
    answer
}
