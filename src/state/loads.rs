//! Loaded rows: one paged load per selected source, merged into one timeline.
//!
//! A query change reloads only the sources whose first request changed; the others
//! keep their rows. Each load has its own `AbortController` and token, so an answer
//! to a superseded request is aborted or, if it still arrives, dropped.

use std::collections::HashSet;

use chrono::{FixedOffset, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::net;
use logdeck_core::config::RuntimeConfig;
use logdeck_core::model::LogRecord;
use logdeck_core::query::{LogQuery, Period, TimeWindow};
use logdeck_core::sources::{Source, SourceError};
use logdeck_core::timeline::Timeline;

/// Where one source's load stands.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadState {
    Loading,
    /// Loaded; `next` is where the next page starts, if there is one.
    Ready {
        next: Option<u64>,
    },
    /// The last request failed; retrying repeats it from `position`.
    Failed {
        error: SourceError,
        position: u64,
    },
}

/// One selected source and its progress.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceLoad {
    pub source: Source,
    pub state: LoadState,
    pub rows: usize,
    /// The URL of its first-page request: a query change that leaves it unchanged
    /// keeps the rows.
    first_request: String,
    /// Identifies the request in flight; answers carrying another token are stale.
    token: u64,
}

/// The query and window the current loads were made for.
#[derive(Debug, Clone, PartialEq)]
struct Basis {
    query: LogQuery,
    window: TimeWindow,
}

/// Every source's load and the merged timeline; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Loads {
    pub sources: RwSignal<Vec<SourceLoad>>,
    pub timeline: RwSignal<Timeline>,
    /// The window rows were requested for (for the chart and the export).
    pub window: RwSignal<Option<TimeWindow>>,
    /// Snapshots opened from files: `(file name, rows)`, kept until the tab closes.
    pub files: RwSignal<Vec<(String, Vec<LogRecord>)>>,
    basis: StoredValue<Option<Basis>>,
    controllers: StoredValue<Vec<(u64, AbortController)>, LocalStorage>,
    next_token: StoredValue<u64>,
}

impl Default for Loads {
    fn default() -> Self {
        Loads::new()
    }
}

impl Loads {
    pub fn new() -> Self {
        Loads {
            sources: RwSignal::new(Vec::new()),
            timeline: RwSignal::new(Timeline::default()),
            window: RwSignal::new(None),
            files: RwSignal::new(Vec::new()),
            basis: StoredValue::new(None),
            controllers: StoredValue::new_local(Vec::new()),
            next_token: StoredValue::new(0),
        }
    }

    /// Brings the loads in line with `query`. A relative period keeps the instant it
    /// was resolved at until the period or zone changes or `refresh` is asked, so
    /// unrelated filter changes do not reload every source.
    pub fn sync(
        &self,
        config: &RuntimeConfig,
        query: &LogQuery,
        offset: FixedOffset,
        refresh: bool,
    ) {
        let previous = self.basis.get_value();
        let window = match &previous {
            Some(basis) if !refresh && same_period(&basis.query, query) => basis.window,
            _ => query.period.resolve(Utc::now(), offset),
        };
        self.basis.set_value(Some(Basis {
            query: query.clone(),
            window,
        }));
        self.window.set(Some(window));

        let mut started = Vec::new();
        let current = self.sources.get_untracked();
        let mut next: Vec<SourceLoad> = Source::expand(config)
            .into_iter()
            .filter(|source| source.is_selected_by(query))
            .map(|source| {
                let first_request = source
                    .request(query, window, source.first_position())
                    .map(|request| request.url)
                    .unwrap_or_default();
                let kept = current.iter().find(|load| {
                    load.source == source && load.first_request == first_request && !refresh
                });
                match kept {
                    Some(load) => load.clone(),
                    None => {
                        let token = self.take_token();
                        started.push((token, source.first_position()));
                        SourceLoad {
                            source,
                            state: LoadState::Loading,
                            rows: 0,
                            first_request,
                            token,
                        }
                    }
                }
            })
            .collect();
        let opened_files = self.file_loads(&current, window, &mut next);
        let live: HashSet<u64> = next.iter().map(|load| load.token).collect();
        self.abort_except(&live);
        let kept_sources: HashSet<String> = next
            .iter()
            .filter(|load| current.iter().any(|c| c.token == load.token))
            .map(|load| load.source.id())
            .collect();
        self.timeline.update(|timeline| {
            timeline.retain_sources(|source| kept_sources.contains(source));
            for records in opened_files {
                timeline.extend(records);
            }
        });
        self.sources.set(next);
        for (token, position) in started {
            self.fetch(token, position, query.clone(), window);
        }
    }

    /// Adds (or replaces) a snapshot; the next sync shows its rows.
    pub fn open_file(&self, name: String, records: Vec<LogRecord>) {
        self.files.update(|files| {
            files.retain(|(existing, _)| *existing != name);
            files.push((name, records));
        });
    }

    /// Appends a load per opened file to `next`. Files whose rows for this window
    /// are not shown yet are returned, to be added to the timeline; the rest keep
    /// theirs.
    fn file_loads(
        &self,
        current: &[SourceLoad],
        window: TimeWindow,
        next: &mut Vec<SourceLoad>,
    ) -> Vec<Vec<LogRecord>> {
        let mut opened = Vec::new();
        self.files.with_untracked(|files| {
            for (name, records) in files {
                let source = Source::file(name.clone());
                let first_request = format!(
                    "{}@{:?}..{:?}#{}",
                    source.id(),
                    window.from,
                    window.to,
                    records.len()
                );
                if let Some(load) = current
                    .iter()
                    .find(|l| l.source == source && l.first_request == first_request)
                {
                    next.push(load.clone());
                    continue;
                }
                let rows = source.file_rows(records, window);
                let token = self.take_token();
                next.push(SourceLoad {
                    source,
                    state: LoadState::Ready { next: None },
                    rows: rows.len(),
                    first_request,
                    token,
                });
                opened.push(rows);
            }
        });
        opened
    }

    /// Loads the next page of every source that has one and is not busy.
    pub fn load_more(&self) {
        let pending: Vec<(usize, u64)> = self.sources.with_untracked(|sources| {
            sources
                .iter()
                .enumerate()
                .filter_map(|(index, load)| match load.state {
                    LoadState::Ready {
                        next: Some(position),
                    } => Some((index, position)),
                    _ => None,
                })
                .collect()
        });
        for (index, position) in pending {
            self.restart(index, position);
        }
    }

    /// Repeats the failed request of source `index`.
    pub fn retry(&self, index: usize) {
        let position =
            self.sources
                .with_untracked(|sources| match sources.get(index).map(|l| &l.state) {
                    Some(LoadState::Failed { position, .. }) => Some(*position),
                    _ => None,
                });
        if let Some(position) = position {
            self.restart(index, position);
        }
    }

    pub fn has_more(&self) -> bool {
        self.sources.with(|sources| {
            sources
                .iter()
                .any(|l| matches!(l.state, LoadState::Ready { next: Some(_) }))
        })
    }

    pub fn is_loading(&self) -> bool {
        self.sources
            .with(|sources| sources.iter().any(|l| l.state == LoadState::Loading))
    }

    fn restart(&self, index: usize, position: u64) {
        let Some(basis) = self.basis.get_value() else {
            return;
        };
        let token = self.take_token();
        self.sources.update(|sources| {
            if let Some(load) = sources.get_mut(index) {
                load.state = LoadState::Loading;
                load.token = token;
            }
        });
        self.fetch(token, position, basis.query, basis.window);
    }

    fn take_token(&self) -> u64 {
        self.next_token.update_value(|n| *n += 1);
        self.next_token.get_value()
    }

    fn abort_except(&self, live: &HashSet<u64>) {
        self.controllers.update_value(|controllers| {
            controllers.retain(|(token, controller)| {
                let keep = live.contains(token);
                if !keep {
                    controller.abort();
                }
                keep
            })
        });
    }

    fn fetch(&self, token: u64, position: u64, query: LogQuery, window: TimeWindow) {
        let Some(source) = self.sources.with_untracked(|sources| {
            sources
                .iter()
                .find(|l| l.token == token)
                .map(|l| l.source.clone())
        }) else {
            return;
        };
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        if let Some(controller) = controller {
            self.controllers
                .update_value(|controllers| controllers.push((token, controller)));
        }
        let loads = *self;
        spawn_local(async move {
            let outcome = match source.request(&query, window, position) {
                Err(error) => Err(error),
                Ok(request) => match net::get(&request, signal.as_ref()).await {
                    Err(error) => match error.into_source_error() {
                        Some(error) => Err(error),
                        None => return,
                    },
                    Ok(answer) => source.decode(&answer, &query, window, position),
                },
            };
            loads
                .controllers
                .update_value(|controllers| controllers.retain(|(t, _)| *t != token));
            loads.finish(token, position, outcome);
        });
    }

    fn finish(
        &self,
        token: u64,
        position: u64,
        outcome: Result<logdeck_core::adapters::Page, SourceError>,
    ) {
        let still_current = self
            .sources
            .with_untracked(|sources| sources.iter().any(|l| l.token == token));
        if !still_current {
            return;
        }
        let (state, added) = match outcome {
            Ok(page) => {
                let count = page.records.len();
                self.timeline
                    .update(|timeline| timeline.extend(page.records));
                (LoadState::Ready { next: page.next }, count)
            }
            Err(error) => (LoadState::Failed { error, position }, 0),
        };
        self.sources.update(|sources| {
            if let Some(load) = sources.iter_mut().find(|l| l.token == token) {
                load.state = state;
                load.rows += added;
            }
        });
    }
}

fn same_period(a: &LogQuery, b: &LogQuery) -> bool {
    a.period == b.period && (a.zone == b.zone || !matches!(a.period, Period::Last(_)))
}
