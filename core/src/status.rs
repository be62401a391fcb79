//! Normalised statuses and the table that maps every vendor's raw value onto them.

use serde::{Deserialize, Serialize};

use crate::keyed_enum;

keyed_enum! {
    /// One outcome vocabulary for every source, so filters and colours mean the same
    /// thing whichever vendor a row came from. The vendor's own value is kept beside
    /// it. The label is shown next to the colour, so status never relies on colour alone.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub enum Status {
        Success = ("success", "Success"),
        Warning = ("warning", "Warning"),
        Error = ("error", "Error"),
        Running = ("running", "Running"),
        Stopped = ("stopped", "Stopped"),
        Blocked = ("blocked", "Blocked"),
        Timeout = ("timeout", "Timeout"),
        /// Waiting for a person (Dify's human-input nodes): not running, not over.
        Paused = ("paused", "Paused"),
        /// Something that happened (an audit entry), not a run that succeeded or failed.
        Event = ("event", "Event"),
        Unknown = ("unknown", "Unknown"),
    }
}

impl Status {
    /// How much a row of this status asks for attention: a sort by Status
    /// puts the largest first on its first press (failures, then what was
    /// cut short or needs a look, then what is under way, then successes and
    /// audit events), not the order the filter lists statuses in.
    pub fn severity(self) -> u8 {
        match self {
            Status::Error => 9,
            Status::Timeout => 8,
            Status::Blocked => 7,
            Status::Warning => 6,
            Status::Unknown => 5,
            Status::Stopped => 4,
            Status::Paused => 3,
            Status::Running => 2,
            Status::Success => 1,
            Status::Event => 0,
        }
    }

    /// Whether the run is over, so what the vendor says about it no longer
    /// changes (its detail can be kept for the tab's life).
    pub fn is_final(self) -> bool {
        !matches!(self, Status::Running | Status::Paused | Status::Unknown)
    }
}

/// Make scenario logs report `1` success, `2` warning, `3` error.
pub fn from_make_log_code(code: i64) -> Status {
    match code {
        1 => Status::Success,
        2 => Status::Warning,
        3 => Status::Error,
        _ => Status::Unknown,
    }
}

/// Make execution details report `RUNNING`/`SUCCESS`/`WARNING`/`ERROR`.
pub fn from_make_execution(value: &str) -> Status {
    match value {
        "RUNNING" => Status::Running,
        "SUCCESS" => Status::Success,
        "WARNING" => Status::Warning,
        "ERROR" => Status::Error,
        _ => Status::Unknown,
    }
}

/// Dify workflow runs: `partial-succeeded` finished with some failed nodes, so it is a warning.
pub fn from_dify(value: &str) -> Status {
    match value {
        "succeeded" => Status::Success,
        "failed" => Status::Error,
        "stopped" => Status::Stopped,
        "partial-succeeded" => Status::Warning,
        "running" => Status::Running,
        "paused" => Status::Paused,
        _ => Status::Unknown,
    }
}

/// Aitronos connector executions.
pub fn from_aitronos(value: &str) -> Status {
    match value {
        "success" => Status::Success,
        "error" => Status::Error,
        "blocked" => Status::Blocked,
        "timeout" => Status::Timeout,
        _ => Status::Unknown,
    }
}

/// Rows of the API-platform CSV export carry an HTTP code; 408/504 are time-outs.
pub fn from_http_code(code: u16) -> Status {
    match code {
        100..=399 => Status::Success,
        408 | 504 => Status::Timeout,
        400..=599 => Status::Error,
        _ => Status::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_the_most_severe_and_no_two_statuses_tie() {
        let mut by_severity = Status::ALL.to_vec();
        by_severity.sort_by_key(|status| std::cmp::Reverse(status.severity()));
        assert_eq!(by_severity[..2], [Status::Error, Status::Timeout]);
        assert_eq!(by_severity.last(), Some(&Status::Event));
        let distinct: std::collections::BTreeSet<u8> =
            Status::ALL.iter().map(|status| status.severity()).collect();
        assert_eq!(distinct.len(), Status::ALL.len());
    }

    /// The timeline's status table is indexed by `status as usize`.
    #[test]
    fn statuses_number_as_they_are_listed() {
        for (index, status) in Status::ALL.into_iter().enumerate() {
            assert_eq!(status as usize, index);
        }
    }

    #[test]
    fn only_runs_still_going_or_unknown_may_change() {
        let changing: Vec<Status> = Status::ALL.into_iter().filter(|s| !s.is_final()).collect();
        assert_eq!(changing, [Status::Running, Status::Paused, Status::Unknown]);
    }

    #[test]
    fn keys_round_trip_and_are_unique() {
        for status in Status::ALL {
            assert_eq!(Status::from_key(status.key()), Some(status));
        }
        assert_eq!(Status::from_key("ERROR"), None);
        assert_eq!(Status::from_key(""), None);
    }

    #[test]
    fn make_codes_map_both_ways() {
        assert_eq!(from_make_log_code(1), Status::Success);
        assert_eq!(from_make_log_code(2), Status::Warning);
        assert_eq!(from_make_log_code(3), Status::Error);
        assert_eq!(from_make_log_code(0), Status::Unknown);
    }

    #[test]
    fn every_documented_vendor_value_is_mapped() {
        assert_eq!(from_make_execution("RUNNING"), Status::Running);
        assert_eq!(from_make_execution("SUCCESS"), Status::Success);
        assert_eq!(from_make_execution("WARNING"), Status::Warning);
        assert_eq!(from_make_execution("ERROR"), Status::Error);
        assert_eq!(from_dify("succeeded"), Status::Success);
        assert_eq!(from_dify("failed"), Status::Error);
        assert_eq!(from_dify("stopped"), Status::Stopped);
        assert_eq!(from_dify("partial-succeeded"), Status::Warning);
        assert_eq!(from_dify("running"), Status::Running);
        assert_eq!(
            from_dify("paused"),
            Status::Paused,
            "awaiting a person, not running"
        );
        assert_eq!(from_aitronos("success"), Status::Success);
        assert_eq!(from_aitronos("error"), Status::Error);
        assert_eq!(from_aitronos("blocked"), Status::Blocked);
        assert_eq!(from_aitronos("timeout"), Status::Timeout);
        assert_eq!(from_aitronos("exploded"), Status::Unknown);
    }

    #[test]
    fn http_codes_split_into_outcomes() {
        assert_eq!(from_http_code(200), Status::Success);
        assert_eq!(from_http_code(302), Status::Success);
        assert_eq!(from_http_code(401), Status::Error);
        assert_eq!(from_http_code(504), Status::Timeout);
        assert_eq!(from_http_code(500), Status::Error);
        assert_eq!(from_http_code(42), Status::Unknown);
    }
}
