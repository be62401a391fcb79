//! Finding one execution's module logs. Make lists module logs per module, newest
//! first, with no filter by execution: the search walks each module's pages until
//! it meets the execution, passes below its start, or runs out of pages. The
//! browser performs the requests this plans; the decisions are here, tested.

use chrono::{DateTime, Utc};

use super::make_scenarios::{module_logs_request, ModuleLog, ModuleLogPage, ModuleOperations};
use super::DecodeError;
use crate::config::MakeConnection;
use crate::http::ApiRequest;

/// Pages read per module before giving up on it.
pub const PAGES_PER_MODULE: u64 = 5;
/// Rows asked for per page.
pub const PAGE_ROWS: u32 = 100;

/// The search for one execution's logs across a scenario's modules.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleLogSearch {
    modules: Vec<u64>,
    /// Index into `modules` of the module being read.
    current: usize,
    page: u64,
    execution_id: String,
    started: DateTime<Utc>,
    found: Vec<ModuleLog>,
    /// Modules whose pages the search gave up on before it met the execution.
    not_reached: Vec<u64>,
    /// Modules whose logs end, or pass below the execution's start, without it.
    without_log: Vec<u64>,
    unreadable_rows: usize,
    first_unreadable: Option<DecodeError>,
}

impl ModuleLogSearch {
    /// Searches the modules that ran for the execution `execution_id` that started at `started`.
    pub fn new(modules: &[ModuleOperations], execution_id: &str, started: DateTime<Utc>) -> Self {
        ModuleLogSearch {
            modules: modules.iter().map(|m| m.module_id).collect(),
            current: 0,
            page: 0,
            execution_id: execution_id.to_owned(),
            started,
            found: Vec::new(),
            not_reached: Vec::new(),
            without_log: Vec::new(),
            unreadable_rows: 0,
            first_unreadable: None,
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
        let request = module_logs_request(
            connection,
            scenario_id,
            module_id,
            self.page * u64::from(PAGE_ROWS),
            PAGE_ROWS,
        );
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
        self.unreadable_rows += unreadable.len();
        if self.first_unreadable.is_none() {
            self.first_unreadable = unreadable.into_iter().next();
        }
        let ended = !full || logs.last().is_some_and(|log| log.timestamp < self.started);
        let execution_id = self.execution_id.as_str();
        let hit = logs
            .into_iter()
            .find(|log| log.execution_id.as_deref() == Some(execution_id));
        let out_of_pages = self.page + 1 >= PAGES_PER_MODULE;
        let module = self.modules.get(self.current).copied();
        match (&hit, module) {
            (None, Some(module)) if ended => self.without_log.push(module),
            (None, Some(module)) if out_of_pages => self.not_reached.push(module),
            _ => {}
        }
        let module_done = hit.is_some() || ended || out_of_pages;
        self.found.extend(hit);
        if module_done {
            self.current += 1;
            self.page = 0;
        } else {
            self.page += 1;
        }
    }

    /// The logs found, one per module at most, in module order.
    pub fn found(&self) -> &[ModuleLog] {
        &self.found
    }

    /// What the found logs may lack and why, one sentence each, for the
    /// detail pane: the list alone would pass a gap off as the whole run.
    pub fn gaps(&self) -> Vec<String> {
        let mut gaps = Vec::new();
        if !self.not_reached.is_empty() {
            gaps.push(format!(
                "Not found among the newest {} logs of {}, where the search stops: \
                 the execution's log may be older.",
                PAGES_PER_MODULE * u64::from(PAGE_ROWS),
                modules(&self.not_reached)
            ));
        }
        if let Some(error) = &self.first_unreadable {
            let rows = match self.unreadable_rows {
                1 => "1 module log row".to_owned(),
                n => format!("{n} module log rows"),
            };
            gaps.push(format!(
                "{rows} could not be read, and may belong to this execution: {error}."
            ));
        }
        if !self.without_log.is_empty() {
            gaps.push(format!(
                "No log of this execution from {}: it did not run in it, \
                 or Make no longer keeps its logs.",
                modules(&self.without_log)
            ));
        }
        gaps
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
    use crate::status::Status;
    use chrono::{Duration, TimeZone};

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

    fn module(module_id: u64) -> ModuleOperations {
        ModuleOperations {
            module_id,
            total: 1,
            warnings: 0,
            errors: 0,
        }
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
        let mut search = ModuleLogSearch::new(&[module(7), module(8)], "da518adc", start());
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
    fn stops_a_module_below_the_start_or_after_the_page_budget() {
        let mut search = ModuleLogSearch::new(&[module(7), module(8)], "x", start());
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
                "Not found among the newest 500 logs of module 8, where the search stops: \
                 the execution's log may be older.",
                "No log of this execution from module 7: it did not run in it, \
                 or Make no longer keeps its logs."
            ]
        );
    }

    #[test]
    fn a_page_full_with_a_row_that_could_not_be_read_still_has_a_next_one() {
        let mut search = ModuleLogSearch::new(&[module(7)], "wanted", start());
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
    fn rows_that_could_not_be_read_are_counted_and_the_first_named() {
        let mut search = ModuleLogSearch::new(&[module(7), module(8), module(9)], "x", start());
        let mut page = last_page(vec![log(7, "x", 1)]);
        page.unreadable = vec![unreadable(1), unreadable(2)];
        search.take_page(page);
        let mut page = last_page(Vec::new());
        page.unreadable.push(unreadable(0));
        search.take_page(page);
        search.take_page(last_page(vec![log(9, "x", 2)]));
        assert_eq!(search.found().len(), 2);
        assert_eq!(
            search.gaps(),
            [
                "3 module log rows could not be read, and may belong to this execution: \
                 Make module logs sent an unexpected answer: `moduleLogs[1].timestamp` \
                 is missing or not a date-time.",
                "No log of this execution from module 8: it did not run in it, \
                 or Make no longer keeps its logs."
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
