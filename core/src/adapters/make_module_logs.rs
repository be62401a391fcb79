//! Finding one execution's module logs. Make lists module logs per module, newest
//! first, with no filter by execution: the search walks each module's pages until
//! it meets the execution, passes below its start, or runs out of pages. The
//! browser performs the requests this plans; the decisions are here, tested.

use chrono::{DateTime, Utc};

use super::make_scenarios::{module_logs_request, ModuleLog, ModuleLogPage, ModuleOperations};
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
        let ModuleLogPage { logs, full } = page;
        let exhausted = !full;
        let past = logs.last().is_some_and(|log| log.timestamp < self.started);
        let execution_id = self.execution_id.as_str();
        let hit = logs
            .into_iter()
            .find(|log| log.execution_id.as_deref() == Some(execution_id));
        let module_done = hit.is_some() || exhausted || past || self.page + 1 >= PAGES_PER_MODULE;
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
        }
    }

    /// The last page of a module: fewer rows than asked.
    fn last_page(logs: Vec<ModuleLog>) -> ModuleLogPage {
        ModuleLogPage { logs, full: false }
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
    }

    #[test]
    fn a_page_full_with_a_row_that_could_not_be_read_still_has_a_next_one() {
        let mut search = ModuleLogSearch::new(&[module(7)], "wanted", start());
        let mut page = full_page(7, 30);
        page.logs.pop();
        search.take_page(page);
        let next = search.next_request(&connection(), 1).unwrap().1;
        assert!(next.url.contains("/modules/7/logs") && next.url.contains("pg%5Boffset%5D=100"));
    }
}
