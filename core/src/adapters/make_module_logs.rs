//! Finding one execution's module logs. Make lists module logs per module, newest
//! first, with no filter by execution: the search walks each module's pages until
//! it meets the execution, passes below its start, or runs out of pages. The
//! browser performs the requests this plans; the decisions are here, tested.

use chrono::{DateTime, Duration, Utc};

use super::make_scenarios::{module_logs_request, ModuleList, ModuleLog, ModuleLogPage};
use super::DecodeError;
use crate::config::MakeConnection;
use crate::http::ApiRequest;

/// Pages read per module before giving up on it.
pub const PAGES_PER_MODULE: u64 = 5;
/// Rows asked for per page.
pub const PAGE_ROWS: u32 = 100;

/// The days of operations Make's module list is asked for, its most: a module
/// that has not run in them is not listed, so not searched.
pub const LISTED_DAYS: u8 = 30;

/// The search for one execution's logs across a scenario's modules.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleLogSearch {
    modules: Vec<u64>,
    /// Index into `modules` of the module being read.
    current: usize,
    /// Pages of the current module read so far.
    page: u64,
    /// Rows of the current module's log read so far, readable or not: the
    /// next page's offset, since Make may serve fewer rows than asked.
    offset: u64,
    execution_id: String,
    started: DateTime<Utc>,
    found: Vec<ModuleLog>,
    /// Rows of the current module that could not be read: they may be its
    /// log of the execution, unless the search finds that.
    module_unreadable: Vec<DecodeError>,
    gaps: Gaps,
}

/// What the search could not settle, module by module.
#[derive(Debug, Clone, PartialEq, Default)]
struct Gaps {
    /// Entries of Make's module list that could not be read.
    unlisted: usize,
    /// The execution started before the module list's days.
    older_than_list: bool,
    /// Modules whose pages the search gave up on before it met the execution.
    not_reached: Vec<u64>,
    /// Modules whose log of the execution may be a row that could not be read.
    maybe_unreadable: Vec<u64>,
    unreadable_rows: usize,
    first_unreadable: Option<DecodeError>,
    /// Modules whose logs end, or pass below the execution's start, without it.
    without_log: Vec<u64>,
}

impl ModuleLogSearch {
    /// Searches the modules Make `listed` for the execution `execution_id`
    /// that started at `started`; the list covers the [`LISTED_DAYS`] before `now`.
    pub fn new(
        listed: &ModuleList,
        execution_id: &str,
        started: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Self {
        ModuleLogSearch {
            modules: listed.modules.iter().map(|m| m.module_id).collect(),
            current: 0,
            page: 0,
            offset: 0,
            execution_id: execution_id.to_owned(),
            started,
            found: Vec::new(),
            module_unreadable: Vec::new(),
            gaps: Gaps {
                unlisted: listed.unreadable,
                older_than_list: started < now - Duration::days(i64::from(LISTED_DAYS)),
                ..Gaps::default()
            },
        }
    }

    /// The next page to read and the module it belongs to, or `None` when the
    /// search is over.
    pub fn next_request(
        &self,
        connection: &MakeConnection,
        scenario_id: u64,
    ) -> Option<(u64, ApiRequest)> {
        let module_id = *self.modules.get(self.current)?;
        let request =
            module_logs_request(connection, scenario_id, module_id, self.offset, PAGE_ROWS);
        Some((module_id, request))
    }

    /// Takes the page [`ModuleLogSearch::next_request`] asked for. A page
    /// full with rows that could not be read still has a next one.
    pub fn take_page(&mut self, page: ModuleLogPage) {
        let ModuleLogPage {
            logs,
            full,
            unreadable,
        } = page;
        let sent = logs.len() + unreadable.len();
        self.module_unreadable.extend(unreadable);
        let ended = !full || logs.last().is_some_and(|log| log.timestamp < self.started);
        let execution_id = self.execution_id.as_str();
        let hit = logs
            .into_iter()
            .find(|log| log.execution_id.as_deref() == Some(execution_id));
        let out_of_pages = self.page + 1 >= PAGES_PER_MODULE;
        if hit.is_none() && (ended || out_of_pages) {
            self.note_missing(ended);
        }
        let module_done = hit.is_some() || ended || out_of_pages;
        self.found.extend(hit);
        if module_done {
            self.module_unreadable.clear();
            self.current += 1;
            self.page = 0;
            self.offset = 0;
        } else {
            self.page += 1;
            self.offset += sent as u64;
        }
    }

    /// The current module's search ended without its log: why.
    fn note_missing(&mut self, ended: bool) {
        let Some(module) = self.modules.get(self.current).copied() else {
            return;
        };
        let gaps = &mut self.gaps;
        if self.module_unreadable.is_empty() {
            let list = if ended {
                &mut gaps.without_log
            } else {
                &mut gaps.not_reached
            };
            list.push(module);
            return;
        }
        gaps.maybe_unreadable.push(module);
        gaps.unreadable_rows += self.module_unreadable.len();
        if gaps.first_unreadable.is_none() {
            gaps.first_unreadable = self.module_unreadable.first().cloned();
        }
    }

    /// The logs found, one per module at most, in module order.
    pub fn found(&self) -> &[ModuleLog] {
        &self.found
    }

    /// What the found logs may lack and why, one sentence each, for the
    /// detail pane: the list alone would pass a gap off as the whole run.
    pub fn gaps(&self) -> Vec<String> {
        let gaps = &self.gaps;
        let mut said = Vec::new();
        if gaps.older_than_list {
            said.push(format!(
                "The execution is older than the {LISTED_DAYS} days Make lists modules for: \
                 modules that have not run since were not searched."
            ));
        }
        match gaps.unlisted {
            0 => {}
            1 => said.push("1 module Make listed could not be read: it was not searched.".into()),
            n => said.push(format!(
                "{n} modules Make listed could not be read: they were not searched."
            )),
        }
        if !gaps.not_reached.is_empty() {
            said.push(format!(
                "Not found in the newest {PAGES_PER_MODULE} pages of logs of {}, \
                 where the search stops: the execution's log may be older.",
                modules(&gaps.not_reached)
            ));
        }
        if let Some(error) = &gaps.first_unreadable {
            let rows = match gaps.unreadable_rows {
                1 => "1 row".to_owned(),
                n => format!("{n} rows"),
            };
            said.push(format!(
                "The log of this execution from {} may be among {rows} that could not be read: {error}.",
                modules(&gaps.maybe_unreadable)
            ));
        }
        let (they, their) = match gaps.without_log.len() {
            1 => ("it", "its"),
            _ => ("they", "their"),
        };
        if !gaps.without_log.is_empty() {
            said.push(format!(
                "No log of this execution from {}: {they} did not run in it \
                 (a failed run stops at the module that failed), \
                 or Make no longer keeps {their} logs.",
                modules(&gaps.without_log)
            ));
        }
        said
    }
}

/// "module 7", "modules 7 and 8", "modules 7, 8 and 9".
fn modules(ids: &[u64]) -> String {
    let names: Vec<String> = ids.iter().map(u64::to_string).collect();
    match names.split_last() {
        Some((last, [])) => format!("module {last}"),
        Some((last, rest)) => format!("modules {} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::make_scenarios::ModuleOperations;
    use crate::status::Status;
    use chrono::TimeZone;

    fn connection() -> MakeConnection {
        MakeConnection {
            id: "m".into(),
            name: "Make".into(),
            base_url: "/make".into(),
            requests_per_minute: None,
            token: None,
            scenarios: Vec::new(),
            organization_id: None,
            team_id: None,
        }
    }

    fn listed(ids: &[u64]) -> ModuleList {
        let module = |&module_id: &u64| ModuleOperations {
            module_id,
            total: 1,
            warnings: 0,
            errors: 0,
        };
        ModuleList {
            modules: ids.iter().map(module).collect(),
            unreadable: 0,
        }
    }

    /// A search of the modules `ids` for the execution `execution`, an hour ago.
    fn search(ids: &[u64], execution: &str) -> ModuleLogSearch {
        ModuleLogSearch::new(
            &listed(ids),
            execution,
            start(),
            start() + Duration::hours(1),
        )
    }

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap()
    }

    fn log(module_id: u64, execution: &str, minutes_after_start: i64) -> ModuleLog {
        ModuleLog {
            module_id,
            execution_id: Some(execution.into()),
            timestamp: start() + Duration::minutes(minutes_after_start),
            status: Status::Success,
            bundles: None,
            size: None,
            message: None,
        }
    }

    fn full_page(module_id: u64, minutes_after_start: i64) -> ModuleLogPage {
        ModuleLogPage {
            logs: (0..PAGE_ROWS)
                .map(|_| log(module_id, "other", minutes_after_start))
                .collect(),
            full: true,
            unreadable: Vec::new(),
        }
    }

    /// The last page of a module: fewer rows than asked.
    fn last_page(logs: Vec<ModuleLog>) -> ModuleLogPage {
        ModuleLogPage {
            logs,
            full: false,
            unreadable: Vec::new(),
        }
    }

    #[test]
    fn walks_pages_until_the_hit_then_moves_to_the_next_module() {
        let mut search = search(&[7, 8], "da518adc");
        let first = search.next_request(&connection(), 1).unwrap().1;
        assert!(first.url.contains("/modules/7/logs") && first.url.contains("pg%5Boffset%5D=0"));
        search.take_page(full_page(7, 30));
        let second = search.next_request(&connection(), 1).unwrap().1;
        assert!(second.url.contains("pg%5Boffset%5D=100"));
        search.take_page(last_page(vec![log(7, "da518adc", 1)]));
        let next = search.next_request(&connection(), 1).unwrap().1;
        assert!(next.url.contains("/modules/8/logs") && next.url.contains("pg%5Boffset%5D=0"));
        search.take_page(last_page(vec![log(8, "da518adc", 2)]));
        assert_eq!(search.next_request(&connection(), 1), None);
        let modules: Vec<u64> = search.found().iter().map(|l| l.module_id).collect();
        assert_eq!(modules, [7, 8]);
        assert!(search.gaps().is_empty(), "every module's log found");
    }

    #[test]
    fn the_next_page_starts_after_the_rows_make_served_when_it_serves_fewer() {
        let mut search = search(&[7], "wanted");
        // Make served 40 rows (one unreadable) and echoed a page size of 40: full.
        let mut page = full_page(7, 30);
        page.logs.truncate(39);
        page.unreadable.push(unreadable(39));
        search.take_page(page);
        let second = search.next_request(&connection(), 1).unwrap().1;
        assert!(
            second.url.contains("pg%5Boffset%5D=40"),
            "{}: rows 40 to 99 are read, not skipped",
            second.url
        );
    }

    #[test]
    fn stops_a_module_below_the_start_or_after_the_page_budget() {
        let mut search = search(&[7, 8], "x");
        // A full page whose oldest row is older than the execution: it is not there.
        let mut page = full_page(7, 5);
        page.logs.push(log(7, "other", -1));
        search.take_page(page);
        assert_eq!(
            search.next_request(&connection(), 1).map(|(m, _)| m),
            Some(8)
        );
        for _ in 0..PAGES_PER_MODULE {
            assert!(search.next_request(&connection(), 1).is_some());
            search.take_page(full_page(8, 10));
        }
        assert_eq!(search.next_request(&connection(), 1), None);
        assert!(search.found().is_empty());
        assert_eq!(
            search.gaps(),
            [
                "Not found in the newest 5 pages of logs of module 8, \
                 where the search stops: the execution's log may be older.",
                "No log of this execution from module 7: it did not run in it \
                 (a failed run stops at the module that failed), \
                 or Make no longer keeps its logs."
            ]
        );
    }

    #[test]
    fn a_page_full_with_a_row_that_could_not_be_read_still_has_a_next_one() {
        let mut search = search(&[7], "wanted");
        let mut page = full_page(7, 30);
        page.logs.pop();
        page.unreadable.push(unreadable(3));
        search.take_page(page);
        let next = search.next_request(&connection(), 1).unwrap().1;
        assert!(next.url.contains("/modules/7/logs") && next.url.contains("pg%5Boffset%5D=100"));
    }

    fn unreadable(index: usize) -> DecodeError {
        DecodeError {
            api: "Make module logs",
            field: format!("moduleLogs[{index}].timestamp"),
            problem: "is missing or not a date-time".into(),
        }
    }

    #[test]
    fn rows_that_could_not_be_read_are_named_where_a_module_lacks_its_log() {
        let mut search = search(&[7, 8, 9], "x");
        // Module 7's log is found: its unreadable rows hide nothing.
        let mut page = last_page(vec![log(7, "x", 1)]);
        page.unreadable = vec![unreadable(1), unreadable(2)];
        search.take_page(page);
        // Module 8's is not: it may be one of its unreadable rows.
        let mut page = full_page(8, 30);
        page.unreadable = vec![unreadable(0), unreadable(5)];
        search.take_page(page);
        search.take_page(last_page(Vec::new()));
        search.take_page(last_page(vec![log(9, "x", 2)]));
        assert_eq!(search.found().len(), 2);
        assert_eq!(
            search.gaps(),
            ["The log of this execution from module 8 may be among 2 rows that could not be read: \
              Make module logs sent an unexpected answer: `moduleLogs[0].timestamp` \
              is missing or not a date-time."]
        );
    }

    #[test]
    fn modules_make_did_not_list_are_said_to_be_unsearched() {
        let mut list = listed(&[7]);
        list.unreadable = 2;
        let month_later = start() + Duration::days(31);
        let mut search = ModuleLogSearch::new(&list, "x", start(), month_later);
        search.take_page(last_page(vec![log(7, "x", 1)]));
        assert_eq!(
            search.gaps(),
            [
                "The execution is older than the 30 days Make lists modules for: \
                 modules that have not run since were not searched.",
                "2 modules Make listed could not be read: they were not searched."
            ]
        );
    }

    #[test]
    fn modules_are_listed_in_plain_words() {
        assert_eq!(modules(&[7]), "module 7");
        assert_eq!(modules(&[7, 8]), "modules 7 and 8");
        assert_eq!(modules(&[7, 8, 9]), "modules 7, 8 and 9");
    }
}
