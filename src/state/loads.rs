//! Loaded rows: one paged load per selected source, merged into one timeline.
//!
//! The bookkeeping (what a query change keeps, which page is next, which answers
//! are stale) is the core's `LoadBook`; this module performs what it decides: it
//! fetches, aborts superseded requests, and moves rows into the timeline.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::net::schedule::scheduled_get;
use crate::state::prefs;
use logdeck_core::adapters::Page;
use logdeck_core::config::RuntimeConfig;
use logdeck_core::export_note::ExportedTotal;
use logdeck_core::fill_budget::FillBudget;
use logdeck_core::frontier::Frontier;
use logdeck_core::live::LiveTail;
use logdeck_core::load_book::{Fetch, LoadBook, Start, Wanted, FIRST_PAGE_LATE_MS};
use logdeck_core::messages::MessageBook;
use logdeck_core::model::{LogRecord, SharedRecord};
use logdeck_core::query::{LogQuery, Period, TimeWindow};
use logdeck_core::scheduler::Priority;
use logdeck_core::sources::{Source, SourceError};
use logdeck_core::timeline::Timeline;
use logdeck_core::zone::ZoneRules;

pub use logdeck_core::load_book::{LoadState, SourceLoad};

/// The query, window and zone the current loads were made for.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Basis {
    pub(super) query: LogQuery,
    pub(super) window: TimeWindow,
    /// Where a calendar period's day starts, as live mode moves the period.
    pub(super) zone: ZoneRules,
}

impl Basis {
    /// The window shown once live mode has read up to `until`.
    pub(super) fn shown_window(&self, until: chrono::DateTime<Utc>) -> TimeWindow {
        self.query
            .period
            .followed_to(self.window, until, &self.zone)
    }
}

/// Every source's load and the merged timeline; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Loads {
    pub book: RwSignal<LoadBook>,
    pub timeline: RwSignal<Timeline>,
    /// The window rows were requested for (for the chart and the export).
    pub window: RwSignal<Option<TimeWindow>>,
    /// Snapshots opened from files: `(file name, rows)`, kept until the tab
    /// closes. The timeline and exports share these rows rather than copy them.
    pub files: RwSignal<Vec<(String, Arc<[SharedRecord]>)>>,
    pub(super) basis: StoredValue<Option<Basis>>,
    controllers: StoredValue<Vec<(u64, AbortController)>, LocalStorage>,
    /// Rows to load in the background for this search: the device's budget,
    /// raised by "Load older" and lifted by "Search the whole period".
    budget: StoredValue<FillBudget>,
    /// Live mode over the loaded window (see `state::live`).
    pub live: RwSignal<LiveTail>,
    pub(super) live_controllers: StoredValue<Vec<AbortController>, LocalStorage>,
    /// Messages read one row at a time (see `state::messages`).
    pub messages: StoredValue<MessageBook>,
    /// What the last export read whole: the period's total while the view
    /// keeps its rows and window (`Frontier::with_exported_total`).
    pub exported: RwSignal<Option<ExportedTotal>>,
    /// Rows whose message was read, waiting to be written together (see
    /// `state::messages`): the app's, like the book, so a batch the dashboard
    /// leaves behind still lands.
    pub message_batch: StoredValue<Vec<LogRecord>, LocalStorage>,
    /// Answers taken in at the next tick, together: a burst of pages then costs
    /// one pass over every row (view, chart, options) instead of one per page.
    arrived: StoredValue<Vec<(Fetch, Result<Page, SourceError>)>>,
    /// Each opened file's rows in the window, by the file load's identity.
    file_rows_in_window: StoredValue<std::collections::HashMap<String, usize>>,
    /// How many times each file name was opened: a file opened again under its
    /// name is a new load, whatever its size.
    file_openings: StoredValue<std::collections::HashMap<String, u64>>,
}

/// How long answers wait to be taken in together: under a frame.
const TAKE_IN_AFTER: std::time::Duration = std::time::Duration::from_millis(12);

impl Default for Loads {
    fn default() -> Self {
        Loads::new()
    }
}

impl Loads {
    pub fn new() -> Self {
        Loads {
            book: RwSignal::new(LoadBook::default()),
            timeline: RwSignal::new(Timeline::default()),
            window: RwSignal::new(None),
            files: RwSignal::new(Vec::new()),
            basis: StoredValue::new(None),
            controllers: StoredValue::new_local(Vec::new()),
            budget: StoredValue::new(FillBudget::new(prefs::fill_budget())),
            live: RwSignal::new(LiveTail::new(Utc::now())),
            live_controllers: StoredValue::new_local(Vec::new()),
            messages: StoredValue::new(MessageBook::default()),
            exported: RwSignal::new(None),
            message_batch: StoredValue::new_local(Vec::new()),
            arrived: StoredValue::new(Vec::new()),
            file_rows_in_window: StoredValue::new(std::collections::HashMap::new()),
            file_openings: StoredValue::new(std::collections::HashMap::new()),
        }
    }

    /// Brings the loads in line with `query`. A relative period keeps the instant it
    /// was resolved at until the period or zone changes or `refresh` is asked, so
    /// unrelated filter changes do not reload every source.
    pub fn sync(&self, config: &RuntimeConfig, query: &LogQuery, zone: &ZoneRules, refresh: bool) {
        let previous = self.basis.get_value();
        let kept_window = previous
            .as_ref()
            .filter(|basis| !refresh && same_period(&basis.query, query))
            .map(|basis| basis.window);
        let window = kept_window.unwrap_or_else(|| query.period.resolve(Utc::now(), zone));
        // Opening a record is no new search: only a filter change that loads
        // anew ends "Search the whole period" and the rows "Load older"
        // granted (one that keeps every load keeps the rows they paid for).
        let same_search = |basis: &Basis| {
            LogQuery {
                selected: None,
                ..basis.query.clone()
            } == LogQuery {
                selected: None,
                ..query.clone()
            }
        };
        let new_search = !previous.as_ref().is_some_and(same_search);
        self.basis.set_value(Some(Basis {
            query: query.clone(),
            window,
            zone: zone.clone(),
        }));

        let mut wanted: Vec<Wanted> = Source::expand(config)
            .into_iter()
            .filter(|source| source.is_selected_by(query))
            .flat_map(|source| {
                // A server's own search (Dify's keyword) is loaded beside its source.
                let beside = source.server_search(query);
                [Some(source), beside].into_iter().flatten()
            })
            .map(|source| Wanted {
                identity: source.load_identity(query, window),
                start: Start::Fetch(source.first_position()),
                counts_exactly: source.counts_exactly(query),
                source,
            })
            .collect();
        let files = self.want_files(window, &mut wanted);
        // A filter change that keeps every load leaves the book as it was: its
        // readers (the source list, the frontier) then stay asleep.
        let plan = self.book.try_maybe_update(|book| {
            let before = book.clone();
            let plan = book.sync(wanted, refresh);
            (*book != before, plan)
        });
        let Some(plan) = plan else { return };
        if new_search {
            self.budget.update_value(FillBudget::reset);
        }
        let live_until = self.live.with_untracked(LiveTail::until);
        if kept_window.is_some() && live_until > window.to && !plan.fetches.is_empty() {
            // A reloaded source would lack the rows live mode added since the
            // window's end: read every source again up to now instead.
            self.basis.set_value(previous);
            return self.sync(config, query, zone, true);
        }
        if kept_window.is_none() {
            self.reset_live(window.to);
        }
        self.forget_server_finds_if_a_search_restarts(&plan.fetches);
        let live_until = self.live.with_untracked(LiveTail::until);
        self.window
            .set(Some(query.period.followed_to(window, live_until, zone)));
        self.abort_except(&self.book.with_untracked(LoadBook::live_tokens));
        // Most filter changes keep every row: the timeline (and all that derives
        // from it, over every row) is touched only when a source goes or comes.
        let dropped = self.timeline.with_untracked(|timeline| {
            timeline.sources().any(|source| !plan.kept.contains(source))
        });
        if dropped || !plan.opened.is_empty() {
            self.timeline.update(|timeline| {
                timeline.retain_sources(|source| plan.kept.contains(source));
                for (source, records) in files {
                    if plan.opened.contains(&source) {
                        timeline.extend_shared(source.file_rows(&records, window));
                    }
                }
            });
        }
        for fetch in plan.fetches {
            self.fetch(fetch, query.clone(), window, Priority::Visible);
            self.mark_late_after(fetch);
        }
    }

    /// What servers' own searches found is forgotten when one starts anew (a
    /// new text or period, a refresh): it matched the old search, or rows
    /// that are being reloaded.
    fn forget_server_finds_if_a_search_restarts(&self, fetches: &[Fetch]) {
        let restarted = self.book.with_untracked(|book| {
            fetches.iter().any(|fetch| {
                book.source_of(fetch.token)
                    .is_some_and(Source::is_server_search)
            })
        });
        if restarted
            && self
                .timeline
                .with_untracked(|timeline| timeline.has_server_matches())
        {
            self.timeline.update(Timeline::clear_server_matches);
        }
    }

    /// A first page still unanswered after the core's [`FIRST_PAGE_LATE_MS`]
    /// makes its source late: the others' rows then show without waiting for
    /// it, the page names it (the core's `Reach::Late`), and the others fill
    /// their share of the period meanwhile.
    fn mark_late_after(&self, fetch: Fetch) {
        let loads = *self;
        set_timeout(
            move || {
                if loads
                    .book
                    .try_with_untracked(|book| book.still_awaits(fetch))
                    .unwrap_or(false)
                {
                    loads.book.try_update(|book| book.mark_late(fetch));
                    loads.fill_in_background();
                }
            },
            std::time::Duration::from_millis(FIRST_PAGE_LATE_MS),
        );
    }

    /// Adds (or replaces) a snapshot; the next sync shows its rows.
    pub fn open_file(&self, name: String, records: Vec<SharedRecord>) {
        let records: Arc<[SharedRecord]> = records.into();
        self.file_openings
            .update_value(|openings| *openings.entry(name.clone()).or_default() += 1);
        self.files.update(|files| {
            files.retain(|(existing, _)| *existing != name);
            files.push((name, records));
        });
        // Its rows join the period's: an export's count before is short of them.
        self.exported.set(None);
    }

    /// Wants a load per opened file, and returns each file's source and rows.
    fn want_files(
        &self,
        window: TimeWindow,
        wanted: &mut Vec<Wanted>,
    ) -> Vec<(Source, Arc<[SharedRecord]>)> {
        self.files.with_untracked(|files| {
            files
                .iter()
                .map(|(name, records)| {
                    let source = Source::file(name.clone());
                    let opening = self
                        .file_openings
                        .with_value(|openings| openings.get(name).copied().unwrap_or_default());
                    let identity = format!(
                        "{}@{:?}..{:?}#{opening}",
                        source.id(),
                        window.from,
                        window.to,
                    );
                    // Counted once per file and window, not at every filter change.
                    let in_window = self
                        .file_rows_in_window
                        .with_value(|known| known.get(&identity).copied());
                    let in_window = in_window.unwrap_or_else(|| {
                        let count = records
                            .iter()
                            .filter(|record| (window.from..=window.to).contains(&record.timestamp))
                            .count();
                        self.file_rows_in_window.update_value(|known| {
                            // A bound, not a policy: windows change rarely.
                            if known.len() >= 64 {
                                known.clear();
                            }
                            known.insert(identity.clone(), count);
                        });
                        count
                    });
                    wanted.push(Wanted {
                        identity,
                        start: Start::Loaded(in_window),
                        counts_exactly: true,
                        source: source.clone(),
                    });
                    (source, Arc::clone(records))
                })
                .collect()
        })
    }

    /// "Load older": the fill may load another stretch of rows
    /// (`fill_budget::OLDER_STEP_ROWS`), starting with the next page of the sources
    /// holding the frontier back.
    pub fn load_older(&self) {
        let loaded = self.book.with_untracked(LoadBook::rows);
        self.budget.update_value(|budget| budget.load_older(loaded));
        self.load_older_pages();
    }

    /// Loads the next page of the sources holding the frontier back (the
    /// table's end reached: a page, not a stretch).
    pub fn load_older_pages(&self) {
        let Some(basis) = self.basis.get_value() else {
            return;
        };
        // Touch the book only when there is a page to ask for: an update with
        // nothing to do would wake every reader of the book (and the table's
        // near-the-end effect, which asks again).
        let shown = self.shown_window(&basis);
        if !self.book.with_untracked(|book| book.can_load_older(shown)) {
            return;
        }
        let fetches = self
            .book
            .try_update(|book| book.older(shown))
            .unwrap_or_default();
        for fetch in fetches {
            self.fetch(fetch, basis.query.clone(), basis.window, Priority::Visible);
        }
    }

    /// Loads the rest of the period, past the fill budget: what a search that
    /// found nothing in the loaded rows offers.
    pub fn load_whole_period(&self) {
        self.budget.update_value(FillBudget::whole_period);
        self.load_older_pages();
    }

    /// The background fill's budget, when the fill has stopped at it with
    /// older pages left (tracked): the page says why the frontier rests.
    pub fn fill_stopped_at(&self) -> Option<usize> {
        let window = self.window.get()?;
        let budget = self.budget();
        self.book
            .with(|book| book.fill_stopped(window, budget))
            .then_some(budget)
    }

    fn budget(&self) -> usize {
        self.budget.with_value(FillBudget::rows)
    }

    /// How far back the loaded rows are complete (tracked). Once live mode
    /// has moved the period's start, the vendors' counts (of the period they
    /// were asked for) no longer give its total.
    pub fn frontier(&self) -> Frontier {
        let Some(window) = self.window.get() else {
            return Frontier::complete();
        };
        let frontier = self.book.with(|book| book.frontier(window));
        let moved = self.basis.with_value(|basis| {
            basis
                .as_ref()
                .is_some_and(|basis| basis.window.from != window.from)
        });
        if moved {
            frontier.without_total()
        } else {
            frontier
        }
    }

    /// Repeats the failed request of source `index`.
    pub fn retry(&self, index: usize) {
        let Some(basis) = self.basis.get_value() else {
            return;
        };
        if let Some(fetch) = self.book.try_update(|book| book.retry(index)).flatten() {
            self.fetch(fetch, basis.query, basis.window, Priority::Interactive);
            self.mark_late_after(fetch);
        }
    }

    /// Whether a source that holds others back is loading (tracked): what
    /// "Load older" waits for; a late source does not count.
    pub fn is_busy(&self) -> bool {
        self.book.with(LoadBook::is_busy)
    }

    pub fn is_loading(&self) -> bool {
        self.book.with(LoadBook::is_loading)
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

    /// Asks for one page through the source's lane in the request scheduler.
    fn fetch(&self, fetch: Fetch, query: LogQuery, window: TimeWindow, priority: Priority) {
        let Some(source) = self
            .book
            .with_untracked(|book| book.source_of(fetch.token).cloned())
        else {
            return;
        };
        let controller = AbortController::new().ok();
        let signal = controller.as_ref().map(AbortController::signal);
        if let Some(controller) = controller {
            self.controllers
                .update_value(|controllers| controllers.push((fetch.token, controller)));
        }
        let loads = *self;
        spawn_local(async move {
            let outcome = match source.request(&query, window, fetch.position) {
                Err(error) => Err(error),
                Ok(request) => {
                    match scheduled_get(source.lane().as_ref(), priority, &request, signal.as_ref())
                        .await
                    {
                        Err(error) => match error.into_source_error() {
                            Some(error) => Err(error),
                            None => return,
                        },
                        Ok(answer) => source.decode(&answer, &query, window, fetch.position),
                    }
                }
            };
            loads
                .controllers
                .update_value(|controllers| controllers.retain(|(t, _)| *t != fetch.token));
            loads.finish(fetch, outcome);
        });
    }

    /// Queues an answer to be taken in with any others arriving meanwhile.
    fn finish(&self, fetch: Fetch, outcome: Result<Page, SourceError>) {
        let first = self.arrived.try_update_value(|arrived| {
            arrived.push((fetch, outcome));
            arrived.len() == 1
        });
        if first == Some(true) {
            let loads = *self;
            set_timeout(move || loads.take_in(), TAKE_IN_AFTER);
        }
    }

    /// Takes the queued answers in (the book and the timeline in the same tick,
    /// so the view never counts a page its rows are not in yet), then keeps
    /// filling the period in the background.
    fn take_in(&self) {
        let arrived = self
            .arrived
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        let mut records = Vec::new();
        // Keys a server's own search found (Dify's keyword): they match.
        let mut found = Vec::new();
        for (fetch, outcome) in arrived {
            let server_search = self.book.with_untracked(|book| {
                book.source_of(fetch.token)
                    .is_some_and(Source::is_server_search)
            });
            let current = self
                .book
                .try_update(|book| book.finish(fetch, outcome.as_ref().map_err(Clone::clone)))
                .unwrap_or(false);
            if let (true, Ok(mut page)) = (current, outcome) {
                self.messages
                    .with_value(|messages| messages.fill(&mut page.records));
                if server_search {
                    found.extend(page.records.iter().map(LogRecord::key));
                }
                records.append(&mut page.records);
            }
        }
        if !records.is_empty() {
            self.timeline.update(|timeline| {
                timeline.extend(records);
                timeline.mark_server_matches(found);
            });
        }
        self.fill_in_background();
    }

    /// The period shown (live mode moves it): what is complete, and what older
    /// pages are still the period's, is judged over it. Pages are still asked
    /// over the window their load began with.
    fn shown_window(&self, basis: &Basis) -> TimeWindow {
        self.window.get_untracked().unwrap_or(basis.window)
    }

    /// Asks the next older pages while the fill budget allows.
    fn fill_in_background(&self) {
        let Some(basis) = self.basis.get_value() else {
            return;
        };
        let shown = self.shown_window(&basis);
        if !self
            .book
            .with_untracked(|book| book.can_fill(shown, self.budget()))
        {
            return;
        }
        let fetches = self
            .book
            .try_update(|book| book.fill(shown, self.budget()))
            .unwrap_or_default();
        for fetch in fetches {
            self.fetch(
                fetch,
                basis.query.clone(),
                basis.window,
                Priority::Background,
            );
        }
    }
}

fn same_period(a: &LogQuery, b: &LogQuery) -> bool {
    a.period == b.period && (a.zone == b.zone || !matches!(a.period, Period::Last(_)))
}
