//! The bookkeeping of loading: one entry per selected source saying where its load
//! stands, which request is current (a token per request, so a late answer to a
//! superseded one is dropped), what a query change may keep, and which page comes
//! next. The browser performs what it says and reports back.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use crate::adapters::{Page, ServerApplied, Skipped, UnreadableRow};
use crate::frontier::{Coverage, Frontier, Reach};
use crate::query::{LogQuery, TimeWindow};
use crate::sources::{Source, SourceError};

/// How long a source's first page may take before the others' rows show
/// without it, in milliseconds: most vendors answer a page within a second or
/// two (a page waiting for its turn in a rate budget counts too).
pub const FIRST_PAGE_LATE_MS: u64 = 3_000;

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
    /// Rows loaded so far.
    pub rows: usize,
    /// The oldest row loaded so far: with the state, how far back it is complete.
    pub oldest: Option<DateTime<Utc>>,
    /// Rows the vendor sent that could not be read, so the page can say so.
    pub skipped: Skipped,
    /// The vendor's count of rows matching the request, from its latest page.
    pub total: Option<u64>,
    /// Whether that count is the view's: the server applies every filter.
    pub counts_exactly: bool,
    /// Asked for its first page a while ago and still without an answer (a
    /// slow vendor, or one whose rate limit makes it wait): meanwhile it does
    /// not hold the others' rows back, and the view says its rows are missing.
    pub late: bool,
    /// Identifies what was asked first (a remote source's
    /// [`crate::sources::Source::load_identity`]; for a file, its name, window
    /// and opening): a query change that leaves it unchanged keeps the rows.
    identity: String,
    /// The request in flight; answers carrying another token are stale.
    token: u64,
}

impl SourceLoad {
    /// Loading, late, and nothing loaded: see [`SourceLoad::late`].
    pub fn is_late(&self) -> bool {
        self.late && self.state == LoadState::Loading && self.oldest.is_none()
    }
}

/// How a source enters a sync.
#[derive(Debug, Clone, PartialEq)]
pub struct Wanted {
    pub source: Source,
    /// See [`SourceLoad`]'s identity.
    pub identity: String,
    pub start: Start,
    /// See [`SourceLoad::counts_exactly`]; it can change while rows are kept.
    pub counts_exactly: bool,
}

/// What a new load begins with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// A request for the page at this position.
    Fetch(u64),
    /// Nothing to fetch: this many rows are at hand (an opened file).
    Loaded(usize),
}

/// A request to perform: the page at `position` of the load holding `token`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetch {
    pub token: u64,
    pub position: u64,
}

/// What a sync decided.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncPlan {
    /// Requests to start.
    pub fetches: Vec<Fetch>,
    /// Sources whose loaded rows stay; every other source's rows go.
    pub kept: HashSet<String>,
    /// Sources newly loaded from memory (files): their rows are to be added.
    pub opened: Vec<Source>,
}

/// Every selected source's load.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadBook {
    loads: Vec<SourceLoad>,
    last_token: u64,
}

impl LoadBook {
    pub fn loads(&self) -> &[SourceLoad] {
        &self.loads
    }

    /// Replaces the loads with `wanted`, keeping each one whose identity is
    /// unchanged (unless `refresh`) and starting the others.
    pub fn sync(&mut self, wanted: Vec<Wanted>, refresh: bool) -> SyncPlan {
        let mut plan = SyncPlan::default();
        let current = std::mem::take(&mut self.loads);
        for Wanted {
            source,
            identity,
            start,
            counts_exactly,
        } in wanted
        {
            let kept = current
                .iter()
                .find(|load| !refresh && load.source == source && load.identity == identity);
            if let Some(load) = kept {
                plan.kept.insert(load.source.id());
                self.loads.push(SourceLoad {
                    counts_exactly,
                    ..load.clone()
                });
                continue;
            }
            let token = self.take_token();
            let (state, rows) = match start {
                Start::Fetch(position) => {
                    plan.fetches.push(Fetch { token, position });
                    (LoadState::Loading, 0)
                }
                Start::Loaded(rows) => {
                    plan.opened.push(source.clone());
                    (LoadState::Ready { next: None }, rows)
                }
            };
            self.loads.push(SourceLoad {
                source,
                state,
                rows,
                oldest: None,
                skipped: Skipped::default(),
                total: None,
                counts_exactly,
                late: false,
                identity,
                token,
            });
        }
        plan
    }

    /// How far back the merged view of these loads is complete within `window`.
    /// A file's rows are all at hand: it is complete.
    pub fn frontier(&self, window: TimeWindow) -> Frontier {
        self.frontier_of(window, |_| true)
    }

    /// The frontier as if the loads whose source `counted` leaves out were
    /// complete: the chart's, when the archive counts the archived sources
    /// over the whole window itself.
    pub fn frontier_of(&self, window: TimeWindow, counted: impl Fn(&Source) -> bool) -> Frontier {
        let coverages: Vec<Coverage> = self
            .loads
            .iter()
            .map(|load| {
                if !counted(&load.source) {
                    return Coverage {
                        oldest: None,
                        state: Reach::Complete,
                        total: None,
                    };
                }
                Coverage {
                    total: load.total.filter(|_| load.counts_exactly),
                    oldest: load.oldest,
                    state: match load.state {
                        LoadState::Loading if load.is_late() => Reach::Late,
                        LoadState::Ready { next: None } => Reach::Complete,
                        LoadState::Ready { next: Some(_) } | LoadState::Loading => Reach::Partial,
                        LoadState::Failed { .. } if load.source.is_server_search() => {
                            Reach::SearchFailed
                        }
                        LoadState::Failed { .. } => Reach::Failed,
                    },
                }
            })
            .collect();
        Frontier::of(window, &coverages)
    }

    /// The next page of each source holding the frontier back, unless it is busy
    /// or failed (a failed source waits for a retry): what "Load older" asks.
    pub fn older(&mut self, window: TimeWindow) -> Vec<Fetch> {
        self.older_pages(window)
            .into_iter()
            .filter_map(|(index, position)| self.restart(index, position))
            .collect()
    }

    /// Whether [`LoadBook::older`] has anything to ask, without changing the book
    /// (so asking costs no reactive update when the answer is no).
    pub fn can_load_older(&self, window: TimeWindow) -> bool {
        !self.older_pages(window).is_empty()
    }

    /// `(load index, position)` of the pages "Load older" would fetch.
    fn older_pages(&self, window: TimeWindow) -> Vec<(usize, u64)> {
        self.frontier(window)
            .holders()
            .iter()
            .filter_map(|&index| match self.loads.get(index)?.state {
                LoadState::Ready {
                    next: Some(position),
                } => Some((index, position)),
                _ => None,
            })
            .collect()
    }

    /// What filling the period in the background asks next: older pages while
    /// fewer than `budget` rows are loaded.
    pub fn fill(&mut self, window: TimeWindow, budget: usize) -> Vec<Fetch> {
        if !self.can_fill(window, budget) {
            return Vec::new();
        }
        self.older(window)
    }

    /// Whether [`LoadBook::fill`] has anything to ask, without changing the book.
    /// While sources are late the others page on within their share of the
    /// budget: a late source's first page will pull the frontier back to where
    /// it reaches, and its share must still be there to page it on, but a
    /// source that answers after minutes (or fails) holds nobody meanwhile.
    pub fn can_fill(&self, window: TimeWindow, budget: usize) -> bool {
        self.rows() < self.fill_limit(budget) && self.can_load_older(window)
    }

    /// `budget` less the share kept for the late sources' pages.
    fn fill_limit(&self, budget: usize) -> usize {
        let late = self.loads.iter().filter(|load| load.is_late()).count();
        match (late, self.loads.len()) {
            (0, _) | (_, 0) => budget,
            (late, all) => budget - budget / all * late,
        }
    }

    /// Whether a source other than a late one is loading: what "Load older"
    /// and the like wait for (a late source may take long, and holds nobody).
    pub fn is_busy(&self) -> bool {
        self.loads
            .iter()
            .any(|load| load.state == LoadState::Loading && !load.is_late())
    }

    /// Whether the background fill has stopped at `budget` rows while older
    /// pages remain: the page then says why the frontier no longer moves.
    pub fn fill_stopped(&self, window: TimeWindow, budget: usize) -> bool {
        !self.is_busy() && self.rows() >= budget && self.can_load_older(window)
    }

    /// The sources whose servers applied some of `query`'s filters alone, and
    /// which: the view does not apply those again to their rows.
    pub fn server_applied(&self, query: &LogQuery) -> HashMap<String, ServerApplied> {
        self.loads
            .iter()
            .map(|load| {
                let applied = load.source.server_applied(query);
                (load.source.id(), applied)
            })
            .filter(|(_, applied)| *applied != ServerApplied::default())
            .collect()
    }

    /// Ids of the sources whose period is loaded whole: with a server's own
    /// search beside one, that too (its finds are the source's matches).
    pub fn complete_ids(&self) -> HashSet<String> {
        let incomplete: HashSet<String> = self
            .loads
            .iter()
            .filter(|load| load.state != LoadState::Ready { next: None })
            .map(|load| load.source.id())
            .collect();
        self.loads
            .iter()
            .map(|load| load.source.id())
            .filter(|id| !incomplete.contains(id))
            .collect()
    }

    /// Rows loaded across all sources.
    pub fn rows(&self) -> usize {
        self.loads.iter().map(|load| load.rows).sum()
    }

    /// Repeats the failed request of load `index`.
    pub fn retry(&mut self, index: usize) -> Option<Fetch> {
        match self.loads.get(index)?.state {
            LoadState::Failed { position, .. } => self.restart(index, position),
            _ => None,
        }
    }

    /// The source whose current request carries `token`; `None` once superseded.
    pub fn source_of(&self, token: u64) -> Option<&Source> {
        self.loads
            .iter()
            .find(|load| load.token == token)
            .map(|load| &load.source)
    }

    /// Whether `fetch`, a load's first page (or the retry of a failed one), is
    /// still unanswered: its load is then late ([`SourceLoad::late`]) once the
    /// page has waited [`FIRST_PAGE_LATE_MS`].
    pub fn still_awaits(&self, fetch: Fetch) -> bool {
        self.loads.iter().any(|load| {
            load.token == fetch.token
                && load.state == LoadState::Loading
                && load.oldest.is_none()
                && !load.late
        })
    }

    /// Marks the load awaiting `fetch` as late (see [`LoadBook::still_awaits`]).
    pub fn mark_late(&mut self, fetch: Fetch) {
        if self.still_awaits(fetch) {
            if let Some(load) = self.loads.iter_mut().find(|l| l.token == fetch.token) {
                load.late = true;
            }
        }
    }

    /// Counts rows live mode's rounds could not read with their source's load
    /// (its own, not a search's beside it), as a page's would be.
    pub fn note_unreadable(&mut self, rows: &[(String, UnreadableRow)]) {
        for (source, row) in rows {
            if let Some(load) = self
                .loads
                .iter_mut()
                .find(|load| load.source.id() == *source && !load.source.is_server_search())
            {
                load.skipped.add(std::slice::from_ref(row));
            }
        }
    }

    /// Records the outcome of the request `fetch`: its page, or the error. Returns
    /// `false` (and changes nothing) for a superseded request, whose rows must be
    /// dropped.
    pub fn finish(&mut self, fetch: Fetch, outcome: Result<&Page, SourceError>) -> bool {
        let Some(load) = self.loads.iter_mut().find(|l| l.token == fetch.token) else {
            return false;
        };
        load.late = false;
        match outcome {
            Ok(page) => {
                load.rows += page.records.len();
                load.skipped.add(&page.unreadable);
                load.total = page.total.or(load.total);
                let page_oldest = page.records.iter().map(|r| r.timestamp).min();
                load.oldest = load.oldest.into_iter().chain(page_oldest).min();
                load.state = LoadState::Ready { next: page.next };
            }
            Err(error) => {
                load.state = LoadState::Failed {
                    error,
                    position: fetch.position,
                }
            }
        }
        true
    }

    /// Tokens of the requests still wanted; every other request can be aborted.
    pub fn live_tokens(&self) -> HashSet<u64> {
        self.loads.iter().map(|load| load.token).collect()
    }

    pub fn is_loading(&self) -> bool {
        self.loads.iter().any(|l| l.state == LoadState::Loading)
    }

    fn restart(&mut self, index: usize, position: u64) -> Option<Fetch> {
        let token = self.take_token();
        let load = self.loads.get_mut(index)?;
        load.state = LoadState::Loading;
        load.token = token;
        Some(Fetch { token, position })
    }

    fn take_token(&mut self) -> u64 {
        self.last_token += 1;
        self.last_token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{make_and_dify_sources, minute, record};
    use crate::zone::ZoneRules;

    fn sources() -> Vec<Source> {
        make_and_dify_sources()
    }

    fn wanted(identity: &str) -> Vec<Wanted> {
        sources()
            .into_iter()
            .map(|source| Wanted {
                identity: format!("{}?{identity}", source.id()),
                start: Start::Fetch(source.first_position()),
                counts_exactly: false,
                source,
            })
            .collect()
    }

    fn window() -> TimeWindow {
        TimeWindow {
            from: minute(0),
            to: minute(1000),
        }
    }

    /// A page of rows at these minutes, newest first.
    fn page(minutes: &[i64], next: Option<u64>) -> Page {
        Page {
            records: minutes
                .iter()
                .map(|m| record("s", &m.to_string(), minute(*m)))
                .collect(),
            next,
            unreadable: Vec::new(),
            total: None,
        }
    }

    #[test]
    fn a_vendors_count_says_how_many_rows_remain_only_while_it_matches_the_view() {
        let mut book = LoadBook::default();
        let counted = |exact: bool| -> Vec<Wanted> {
            wanted("q")
                .into_iter()
                .map(|w| Wanted {
                    counts_exactly: exact,
                    ..w
                })
                .collect()
        };
        let plan = book.sync(counted(true), false);
        let mut first = page(&[900, 800], Some(2));
        first.total = Some(10);
        book.finish(plan.fetches[0], Ok(&first));
        book.finish(plan.fetches[1], Ok(&page(&[950], None)));
        let utc = crate::zone::ZoneRules::utc();
        assert!(
            book.frontier(window())
                .count_line(3, 1, &utc)
                .ends_with("about 11 in the period"),
            "Dify's 1 row, loaded whole, and Make's count of 10"
        );
        // A filter the server does not apply: the count no longer says anything.
        book.sync(counted(false), false);
        assert!(book
            .frontier(window())
            .count_line(3, 1, &utc)
            .ends_with("total for the period unknown"));
    }

    #[test]
    fn an_unchanged_first_request_keeps_its_rows_and_a_changed_one_restarts() {
        let mut book = LoadBook::default();
        let first = book.sync(wanted("a"), false);
        assert_eq!(first.fetches.len(), 2);
        assert_eq!(first.fetches[1].position, 1, "Dify pages from 1");
        for fetch in &first.fetches {
            assert!(book.finish(*fetch, Ok(&page(&[900, 800], Some(2)))));
        }
        let mut changed = wanted("a");
        changed[1].identity.push_str("&status=failed");
        let second = book.sync(changed, false);
        assert_eq!(second.kept, HashSet::from(["mk/scenario/1".to_owned()]));
        assert_eq!(second.fetches.len(), 1);
        assert_eq!(book.loads()[0].rows, 2);
        let refreshed = book.sync(wanted("a"), true);
        assert!(refreshed.kept.is_empty() && refreshed.fetches.len() == 2);
    }

    #[test]
    fn late_answers_to_superseded_requests_are_dropped() {
        let mut book = LoadBook::default();
        let old = book.sync(wanted("a"), false).fetches[0];
        let new = book.sync(wanted("b"), false).fetches[0];
        assert!(!book.finish(old, Ok(&page(&[5], None))), "superseded");
        assert!(book.source_of(old.token).is_none());
        assert!(!book.live_tokens().contains(&old.token));
        assert!(book.finish(new, Ok(&page(&[7, 6], None))));
        assert_eq!(book.loads()[0].rows, 2);
    }

    #[test]
    fn older_pages_only_the_source_holding_the_frontier() {
        let mut book = LoadBook::default();
        let fetches = book.sync(wanted("a"), false).fetches;
        // Make is sparse (a page reaches minute 100), Dify dense (only minute 900).
        book.finish(fetches[0], Ok(&page(&[990, 100], Some(2))));
        book.finish(fetches[1], Ok(&page(&[999, 900], Some(2))));
        assert_eq!(book.frontier(window()).back_to(), Some(minute(900)));
        assert!(book.can_load_older(window()));
        let older = book.older(window());
        assert_eq!(older.len(), 1);
        assert_eq!(
            book.source_of(older[0].token).map(Source::id).as_deref(),
            Some("df")
        );
        assert!(!book.can_load_older(window()));
        assert!(book.older(window()).is_empty(), "busy: nothing more to ask");
        book.finish(older[0], Ok(&page(&[50], None)));
        // Dify is complete; Make now holds the frontier at minute 100.
        assert_eq!(book.frontier(window()).back_to(), Some(minute(100)));
        assert_eq!(book.frontier(window()).holders(), [0]);
    }

    #[test]
    fn the_charts_frontier_leaves_out_the_sources_counted_elsewhere() {
        let mut book = LoadBook::default();
        let fetches = book.sync(wanted("a"), false).fetches;
        book.finish(fetches[0], Ok(&page(&[990, 100], Some(2))));
        book.finish(fetches[1], Ok(&page(&[999, 900], Some(2))));
        let without_dify = book.frontier_of(window(), |source| source.id() != "df");
        assert_eq!(without_dify.back_to(), Some(minute(100)), "Make's reach");
        assert_eq!(without_dify.holders(), [0], "indices stay the loads'");
        let without_any = book.frontier_of(window(), |_| false);
        assert!(without_any.is_complete());
    }

    #[test]
    fn a_failure_holds_nobody_back_and_fill_stops_at_the_budget() {
        let mut book = LoadBook::default();
        let fetches = book.sync(wanted("a"), false).fetches;
        book.finish(fetches[0], Ok(&page(&[990, 980], Some(2))));
        book.finish(fetches[1], Err(SourceError::MissingKey));
        // The failed Dify load waits for a retry; Make's rows show and page on.
        let frontier = book.frontier(window());
        assert_eq!(frontier.back_to(), Some(minute(980)));
        assert!(!frontier.is_complete());
        let fill = book.fill(window(), 100);
        assert_eq!(fill.len(), 1, "Make pages on");
        assert_eq!(fill[0].position, 2);
        assert_eq!(book.retry(0), None, "only failed loads retry");
        let retry = book.retry(1).unwrap();
        assert_eq!(retry.position, 1);
        book.finish(retry, Ok(&page(&[995], None)));
        book.finish(fill[0], Ok(&page(&[970], None)));
        assert!(book.frontier(window()).is_complete());
        assert!(!book.is_loading());
        let mut full = LoadBook::default();
        let fetches = full.sync(wanted("a"), false).fetches;
        full.finish(fetches[0], Ok(&page(&[990, 980], Some(2))));
        assert!(!full.can_fill(window(), 2), "budget reached");
        assert!(full.fill(window(), 2).is_empty());
        assert!(
            !full.fill_stopped(window(), 2),
            "not while a source is loading"
        );
        full.finish(fetches[1], Ok(&page(&[995], None)));
        assert!(
            full.fill_stopped(window(), 3),
            "older pages wait, past the budget"
        );
        assert!(
            !full.fill_stopped(window(), 4),
            "under the budget the fill goes on"
        );
        let older = full.older(window());
        assert!(
            !full.fill_stopped(window(), 3),
            "not while a page is on its way"
        );
        full.finish(older[0], Ok(&page(&[970], None)));
        assert!(!full.fill_stopped(window(), 3), "nothing older remains");
    }

    #[test]
    fn a_first_page_gone_late_stops_holding_the_others_back_until_it_arrives() {
        let mut book = LoadBook::default();
        let fetches = book.sync(wanted("a"), false).fetches;
        book.finish(fetches[0], Ok(&page(&[990, 980], None)));
        // Dify has answered nothing: it holds the view at the period's end.
        assert_eq!(book.frontier(window()).back_to(), Some(window().to));
        assert!(book.still_awaits(fetches[1]));
        assert!(!book.still_awaits(fetches[0]), "answered");
        book.mark_late(fetches[1]);
        assert!(book.loads()[1].is_late());
        assert!(!book.still_awaits(fetches[1]), "marked once");
        let frontier = book.frontier(window());
        assert_eq!(frontier.back_to(), None, "Make's rows show whole meanwhile");
        assert!(!frontier.is_complete());
        // Its page arrives: it holds the frontier at its oldest row as any source.
        book.finish(fetches[1], Ok(&page(&[995, 900], Some(2))));
        assert!(!book.loads()[1].is_late());
        assert_eq!(book.frontier(window()).back_to(), Some(minute(900)));
        // A superseded request marks nothing.
        let next = book.sync(wanted("b"), false).fetches;
        book.mark_late(fetches[1]);
        assert!(book.loads().iter().all(|load| !load.late));
        assert!(book.still_awaits(next[0]));
    }

    #[test]
    fn while_a_source_is_late_the_others_fill_their_share_of_the_budget() {
        let mut book = LoadBook::default();
        let fetches = book.sync(wanted("a"), false).fetches;
        book.finish(fetches[0], Ok(&page(&[990, 980], Some(2))));
        book.mark_late(fetches[1]);
        assert!(!book.is_busy(), "only the late source is loading");
        // Two sources, one late: Make pages on up to half the budget.
        assert!(book.can_fill(window(), 6), "2 rows of a share of 3");
        assert!(
            !book.can_fill(window(), 4),
            "2 rows fill a share of 2: the rest waits for the late source"
        );
        assert!(
            !book.fill_stopped(window(), 4),
            "under the budget it waits, and is not stopped"
        );
        assert!(
            book.fill_stopped(window(), 2),
            "a late source does not hide that the budget is spent"
        );
        assert!(book.fill(window(), 4).is_empty());
        let make_pages_on = book.fill(window(), 6);
        assert_eq!(make_pages_on.len(), 1);
        book.finish(make_pages_on[0], Ok(&page(&[970], Some(3))));
        // It answers with older pages to come: both page on within the budget.
        book.finish(fetches[1], Ok(&page(&[995, 900], Some(2))));
        assert_eq!(book.frontier(window()).back_to(), Some(minute(970)));
        assert!(book.can_fill(window(), 100));
        assert_eq!(book.fill(window(), 100).len(), 1, "the holder pages on");
    }

    /// A book loading the Dify app "df" and its keyword search for "refund":
    /// the query, the book and the two loads' first fetches.
    fn dify_with_its_search() -> (LogQuery, LoadBook, Vec<Fetch>) {
        let search = LogQuery {
            text: "refund".into(),
            ..LogQuery::default()
        };
        let dify = sources().into_iter().find(|s| s.id() == "df").unwrap();
        let beside = dify.server_search(&search).unwrap();
        let mut book = LoadBook::default();
        let fetches = book
            .sync(
                [dify, beside]
                    .into_iter()
                    .map(|source| Wanted {
                        identity: source.load_identity(&search, window()),
                        start: Start::Fetch(source.first_position()),
                        counts_exactly: false,
                        source,
                    })
                    .collect(),
                false,
            )
            .fetches;
        (search, book, fetches)
    }

    #[test]
    fn a_servers_own_search_beside_a_source_completes_it_and_speaks_for_no_filter() {
        let (search, mut book, fetches) = dify_with_its_search();
        assert_eq!(fetches.len(), 2, "two loads of one source");
        book.finish(fetches[0], Ok(&page(&[990, 980], None)));
        assert!(
            book.complete_ids().is_empty(),
            "the app's rows are whole, Dify's finds not yet"
        );
        assert!(!book.frontier(window()).is_complete());
        book.finish(fetches[1], Ok(&page(&[985], None)));
        assert_eq!(book.complete_ids(), HashSet::from(["df".to_owned()]));
        assert!(book.frontier(window()).is_complete());
        // The text is the browser's to match on the app's rows.
        assert_eq!(book.server_applied(&search).get("df"), None);
    }

    #[test]
    fn rows_sent_again_unreadable_count_once_and_live_rounds_count_with_their_source() {
        let odd = crate::test_support::unreadable;
        let mut book = LoadBook::default();
        let fetches = book.sync(wanted("a"), false).fetches;
        let with_odd = Page {
            unreadable: vec![odd(r#"{"id":"x"}"#), odd(r#"{"id":"y"}"#)],
            ..page(&[990], Some(100))
        };
        book.finish(fetches[0], Ok(&with_odd));
        assert_eq!(book.loads()[0].skipped.count, 2);
        let id = book.loads()[0].source.id();
        // A live round overlapping the loaded span sends one of them again,
        // and a new one.
        book.note_unreadable(&[
            (id.clone(), odd(r#"{"id":"y"}"#)),
            (id, odd(r#"{"id":"z"}"#)),
        ]);
        assert_eq!(book.loads()[0].skipped.count, 3);
        assert_eq!(book.loads()[0].skipped.first.len(), 3);
        assert_eq!(book.loads()[1].skipped.count, 0, "another source's load");
    }

    #[test]
    fn a_failed_search_beside_a_source_is_named_as_a_search_not_a_source() {
        let (_, mut book, fetches) = dify_with_its_search();
        book.finish(fetches[0], Ok(&page(&[990, 980], None)));
        book.finish(fetches[1], Err(SourceError::MissingKey));
        let frontier = book.frontier(window());
        assert!(!frontier.is_complete());
        assert_eq!(frontier.back_to(), None, "the app's rows are whole");
        let line = frontier.count_line(2, 2, &ZoneRules::utc());
        assert_eq!(line, "2 rows · without 1 failed vendor search");
    }

    #[test]
    fn a_failed_first_page_clears_late_and_its_retry_can_go_late_again() {
        let mut book = LoadBook::default();
        let fetches = book.sync(wanted("a"), false).fetches;
        book.mark_late(fetches[1]);
        book.finish(fetches[1], Err(SourceError::MissingKey));
        assert!(!book.loads()[1].late, "failed, not late");
        let retry = book.retry(1).unwrap();
        assert!(book.still_awaits(retry));
        book.mark_late(retry);
        assert!(book.loads()[1].is_late());
        assert!(book.is_busy(), "Make's first page is still loading");
        book.finish(fetches[0], Ok(&page(&[990], None)));
        assert!(!book.is_busy());
        assert_eq!(book.frontier(window()).back_to(), None);
    }

    #[test]
    fn files_start_loaded_and_complete() {
        let mut book = LoadBook::default();
        let file = Source::file("export.csv");
        let plan = book.sync(
            vec![Wanted {
                source: file.clone(),
                identity: "export.csv@window#3".into(),
                start: Start::Loaded(3),
                counts_exactly: true,
            }],
            false,
        );
        assert!(plan.fetches.is_empty());
        assert_eq!(plan.opened, [file]);
        assert_eq!(book.loads()[0].state, LoadState::Ready { next: None });
        assert_eq!(book.loads()[0].rows, 3);
        assert!(book.frontier(window()).is_complete());
    }
}
