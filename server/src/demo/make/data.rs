//! Generated Make data: scenarios with their modules, and scenario logs with
//! realistic names, authors, long-tailed durations, bursts of errors, check runs,
//! and the spec's quirks on purpose.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::super::rng::Rng;

/// The demo organization, its teams and what belongs to them.
pub const ORGANIZATION: (i64, &str) = (11, "Acme Automation");
pub const TEAMS: [(i64, &str); 2] = [(77, "Operations"), (78, "Finance")];

/// A module of a scenario: `(id, name, app)`.
pub type Module = (i64, &'static str, &'static str);

/// A demo scenario: id, name, team and its modules in execution order.
pub struct Scenario {
    pub id: i64,
    pub name: &'static str,
    pub team_id: i64,
    pub modules: &'static [Module],
    /// Its logs' ids come as JSON integers, as the list schema types them;
    /// the other scenarios' as the 32-hex strings Make's docs show.
    pub integer_ids: bool,
}

pub const SCENARIOS: [Scenario; 4] = [
    Scenario {
        id: 1001,
        name: "Sync CRM leads to Sheets",
        team_id: 77,
        modules: &[
            (1, "Watch new leads", "hubspotcrm"),
            (2, "Map fields", "util"),
            (3, "Add a row", "google-sheets"),
        ],
        integer_ids: false,
    },
    Scenario {
        id: 1002,
        name: "Invoice PDFs to Drive",
        team_id: 78,
        modules: &[
            (1, "Watch emails", "email"),
            (2, "Iterate attachments", "builtin"),
            (3, "Upload a file", "google-drive"),
            (4, "Notify", "slack"),
        ],
        integer_ids: false,
    },
    Scenario {
        id: 1003,
        name: "Jira incidents to Slack",
        team_id: 77,
        modules: &[
            (1, "Watch issues", "jira"),
            (2, "Create a message", "slack"),
        ],
        integer_ids: true,
    },
    Scenario {
        id: 1004,
        name: "Nightly Shopify import",
        team_id: 78,
        modules: &[
            (1, "Search orders", "shopify"),
            (2, "Aggregate", "builtin"),
            (3, "Upsert records", "airtable"),
            (4, "Send report", "email"),
            (5, "Archive", "dropbox"),
        ],
        integer_ids: false,
    },
];

pub const AUTHORS: [(i64, &str, &str); 5] = [
    (501, "Ada Lovelace", "ada@acme.example"),
    (502, "Grace Hopper", "grace@acme.example"),
    (503, "Linus Torvalds", "linus@acme.example"),
    (504, "Margaret Hamilton", "margaret@acme.example"),
    (505, "Ken Thompson", "ken@acme.example"),
];

const EXECUTION_NAMES: [&str; 5] = [
    "Scheduled run",
    "Webhook: new record",
    "Retry after failure",
    "Manual test",
    "Backfill batch",
];

const FAILURES: [(&str, &str); 4] = [
    (
        "RateLimitError",
        "429 Too Many Requests from the upstream API",
    ),
    ("DataError", "Invalid value in field 'email'"),
    ("ConnectionError", "Connection reset by peer"),
    (
        "InvalidAccessTokenError",
        "The connection's access token has expired",
    ),
];

/// A JSON number above 2^53: a float-based decoder would round it.
const BIG_CENTICREDITS: u64 = 9_007_199_254_740_993;

/// One generated scenario log, typed for filtering; [`MakeLog::to_json`] gives the wire form.
#[derive(Debug, Clone, PartialEq)]
pub struct MakeLog {
    /// 32 hex digits, as Make's docs show execution ids (the list schema says
    /// integer; the execution paths take this string).
    pub id: String,
    /// Generation order, to break ties in sorting.
    pub seq: i64,
    pub scenario_id: i64,
    pub team_id: i64,
    /// Sortable like time: 12 hex digits of milliseconds, then 20 random ones.
    pub imt_id: String,
    pub timestamp: DateTime<Utc>,
    /// 1 success, 2 warning, 3 error.
    pub status: u8,
    pub duration: u64,
    pub operations: u64,
    pub transfer: u64,
    pub centicredits: u64,
    /// Sent as a string instead of a number (the "bigint" quirk's other form).
    pub centicredits_as_string: bool,
    pub kind: &'static str,
    pub author_id: i64,
    pub author_name: Option<&'static str>,
    pub execution_name: String,
    /// A trigger that found nothing new; `showCheckRuns=true` hides these.
    pub check_run: bool,
    /// Index of the module that warned or failed.
    pub trouble_module: usize,
    pub failure: (&'static str, &'static str),
    /// Still running, as far as execution details tell.
    pub running: bool,
}

impl MakeLog {
    /// The row as Make's API sends it, with one field the spec does not list.
    pub fn to_json(&self) -> Value {
        let centicredits = if self.centicredits_as_string {
            json!(self.centicredits.to_string())
        } else {
            json!(self.centicredits)
        };
        json!({
            "imtId": self.imt_id,
            "duration": self.duration,
            "operations": self.operations,
            "transfer": self.transfer,
            "centicredits": centicredits,
            "organizationId": ORGANIZATION.0,
            "teamId": self.team_id,
            "id": self.id_json(),
            "type": self.kind,
            "authorId": self.author_id,
            "authorName": self.author_name,
            "instant": self.kind == "instant",
            "timestamp": self.timestamp.to_rfc3339_opts(SecondsFormat::Millis, true),
            "status": self.status,
            "executionName": self.execution_name,
        })
    }

    /// The id as the list sends it: an integer for a scenario whose ids are
    /// numbers, else the hex string.
    fn id_json(&self) -> Value {
        match self.id.parse::<u64>() {
            Ok(number) if self.scenario().integer_ids => json!(number),
            _ => json!(self.id),
        }
    }

    pub fn scenario(&self) -> &'static Scenario {
        scenario(self.scenario_id).unwrap_or(&SCENARIOS[0])
    }

    /// The modules that ran, up to the one that failed.
    pub fn modules_run(&self) -> &'static [Module] {
        let modules = self.scenario().modules;
        if self.status == 3 {
            &modules[..=self.trouble_module.min(modules.len() - 1)]
        } else {
            modules
        }
    }
}

pub fn scenario(id: i64) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|scenario| scenario.id == id)
}

/// Generates `count` logs spread over the 30 days before `now`, newest first.
pub fn generate(seed: u64, count: usize, now: DateTime<Utc>) -> Vec<MakeLog> {
    generate_over(seed, count, now, Duration::days(30))
}

/// `count` executions spread over the `span` before `end`, newest first.
pub fn generate_over(seed: u64, count: usize, end: DateTime<Utc>, span: Duration) -> Vec<MakeLog> {
    let now = end;
    let mut rng = Rng::new(seed);
    let step_ms = span.num_milliseconds() / count.max(1) as i64;
    let mut burst_left = 0u32;
    (0..count)
        .map(|index| {
            if burst_left == 0 && rng.chance(0.01) {
                burst_left = rng.range(5, 30) as u32;
            }
            let in_burst = burst_left > 0;
            burst_left = burst_left.saturating_sub(1);
            let jitter = rng.range(0, step_ms.max(1) as u64) as i64;
            let timestamp = now - Duration::milliseconds(index as i64 * step_ms + jitter);
            let scenario = rng.pick(&SCENARIOS);
            let status = pick_status(&mut rng, in_burst);
            let kind = *rng.pick(&["auto", "auto", "auto", "manual", "instant"]);
            let check_run = kind == "auto" && status == 1 && rng.chance(0.2);
            let operations = if check_run { 1 } else { rng.range(2, 60) };
            let (author_id, author, _) = *rng.pick(&AUTHORS);
            let hex = rng.hex(32);
            let seq = 900_000 + (count - index) as i64;
            MakeLog {
                // By time, to the millisecond, and place: unique across the
                // generations a demo makes (its base and its arrivals).
                id: if scenario.integer_ids {
                    (timestamp.timestamp_millis() * 1000 + (index % 1000) as i64).to_string()
                } else {
                    hex
                },
                seq,
                scenario_id: scenario.id,
                team_id: scenario.team_id,
                imt_id: format!("{:012x}{}", timestamp.timestamp_millis(), rng.hex(20)),
                timestamp,
                status,
                duration: rng.long_tail(300.0, 3_600_000.0),
                operations,
                transfer: if check_run {
                    0
                } else {
                    operations * rng.range(64, 8192)
                },
                centicredits: if index % 997 == 3 {
                    BIG_CENTICREDITS + index as u64
                } else {
                    operations * 100
                },
                centicredits_as_string: index % 1009 == 5,
                kind,
                author_id,
                author_name: (!rng.chance(0.1)).then_some(author),
                execution_name: if check_run {
                    "Check for new data".to_owned()
                } else {
                    rng.pick(&EXECUTION_NAMES).to_string()
                },
                check_run,
                trouble_module: rng.range(0, scenario.modules.len() as u64) as usize,
                failure: *rng.pick(&FAILURES),
                running: index == 0,
            }
        })
        .collect()
}

/// Mostly successes; inside a burst, mostly errors.
fn pick_status(rng: &mut Rng, in_burst: bool) -> u8 {
    let roll = rng.unit();
    let error_share = if in_burst { 0.7 } else { 0.06 };
    if roll < error_share {
        3
    } else if roll < error_share + 0.08 {
        2
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
    }

    #[test]
    fn same_seed_gives_the_same_rows() {
        assert_eq!(generate(42, 500, now()), generate(42, 500, now()));
        assert_ne!(generate(42, 500, now()), generate(43, 500, now()));
    }

    #[test]
    fn rows_cover_thirty_days_with_every_status_and_the_quirks() {
        let rows = generate(42, 5_000, now());
        assert_eq!(rows.len(), 5_000);
        let oldest = rows.iter().map(|r| r.timestamp).min().unwrap();
        assert!(oldest >= now() - Duration::days(30));
        assert!(oldest < now() - Duration::days(29));
        for status in 1..=3 {
            assert!(rows.iter().any(|r| r.status == status));
        }
        assert!(rows.iter().any(|r| r.author_name.is_none()));
        assert!(rows.iter().any(|r| r.centicredits > 1 << 53));
        assert!(rows.iter().any(|r| r.centicredits_as_string));
        assert!(rows.iter().any(|r| r.check_run));
        let ids: std::collections::HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), rows.len());
        // Hex strings as Make's docs show them, integers as the list schema
        // types them: both forms, one per scenario.
        for row in &rows {
            let json = row.to_json();
            if row.scenario().integer_ids {
                assert!(json["id"].is_u64(), "{json}");
            } else {
                assert!(row.id.len() == 32 && row.id.chars().all(|c| c.is_ascii_hexdigit()));
                assert!(json["id"].is_string());
            }
        }
        assert!(rows.iter().any(|r| r.scenario().integer_ids));
    }

    #[test]
    fn imt_ids_sort_like_time() {
        let rows = generate(1, 300, now());
        for pair in rows.windows(2) {
            assert!(pair[0].timestamp >= pair[1].timestamp);
            assert!(pair[0].imt_id >= pair[1].imt_id);
        }
    }

    #[test]
    fn failed_executions_stop_at_the_failing_module() {
        let rows = generate(42, 2_000, now());
        let failed = rows.iter().find(|r| r.status == 3).unwrap();
        assert_eq!(failed.modules_run().len(), failed.trouble_module + 1);
        let ok = rows.iter().find(|r| r.status == 1).unwrap();
        assert_eq!(ok.modules_run().len(), ok.scenario().modules.len());
    }
}
