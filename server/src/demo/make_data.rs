//! Generated Make scenario logs: realistic names, authors, long-tailed durations,
//! bursts of errors, and the spec's quirks on purpose.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::{json, Value};

use super::rng::Rng;

/// The demo organization and team every generated row belongs to.
pub const ORGANIZATION_ID: i64 = 11;
pub const TEAM_ID: i64 = 77;

/// The demo scenarios: `(id, name)`.
pub const SCENARIOS: [(i64, &str); 4] = [
    (1001, "Sync CRM leads to Sheets"),
    (1002, "Invoice PDFs to Drive"),
    (1003, "Jira incidents to Slack"),
    (1004, "Nightly Shopify import"),
];

const AUTHORS: [(i64, &str); 5] = [
    (501, "Ada Lovelace"),
    (502, "Grace Hopper"),
    (503, "Linus Torvalds"),
    (504, "Margaret Hamilton"),
    (505, "Ken Thompson"),
];

const EXECUTION_NAMES: [&str; 6] = [
    "Scheduled run",
    "Webhook: new record",
    "Retry after failure",
    "Manual test",
    "Backfill batch",
    "Watch rows",
];

/// A JSON number above 2^53: a float-based decoder would round it.
const BIG_CENTICREDITS: u64 = 9_007_199_254_740_993;

/// One generated scenario log, typed for filtering; [`MakeLog::to_json`] gives the wire form.
#[derive(Debug, Clone, PartialEq)]
pub struct MakeLog {
    pub id: i64,
    pub scenario_id: i64,
    pub imt_id: String,
    pub timestamp: DateTime<Utc>,
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
}

impl MakeLog {
    /// The row as Make's API sends it, including an extra field the spec does not list.
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
            "organizationId": ORGANIZATION_ID,
            "teamId": TEAM_ID,
            "id": self.id,
            "type": self.kind,
            "authorId": self.author_id,
            "authorName": self.author_name,
            "instant": self.kind == "instant",
            "timestamp": self.timestamp.to_rfc3339_opts(SecondsFormat::Millis, true),
            "status": self.status,
            "executionName": self.execution_name,
        })
    }
}

/// Generates `count` logs spread over the 30 days before `now`, newest first.
pub fn generate(seed: u64, count: usize, now: DateTime<Utc>) -> Vec<MakeLog> {
    let mut rng = Rng::new(seed);
    let span_ms = Duration::days(30).num_milliseconds();
    let step_ms = span_ms / count.max(1) as i64;
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
            let (scenario_id, scenario_name) = *rng.pick(&SCENARIOS);
            let status = pick_status(&mut rng, in_burst);
            let operations = rng.range(1, 60);
            let (author_id, author) = *rng.pick(&AUTHORS);
            let kind = *rng.pick(&["auto", "auto", "auto", "manual", "instant"]);
            let sequence = count - index;
            MakeLog {
                id: 900_000 + sequence as i64,
                scenario_id,
                imt_id: rng.hex(32),
                timestamp,
                status,
                duration: rng.long_tail(300.0, 3_600_000.0),
                operations,
                transfer: operations * rng.range(64, 8192),
                centicredits: if index % 997 == 3 {
                    BIG_CENTICREDITS + index as u64
                } else {
                    operations * 100
                },
                centicredits_as_string: index % 1009 == 5,
                kind,
                author_id,
                author_name: (!rng.chance(0.1)).then_some(author),
                execution_name: format!(
                    "{} · {}",
                    rng.pick(&EXECUTION_NAMES),
                    scenario_name.split(' ').next().unwrap_or("Run")
                ),
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
        let ids: std::collections::HashSet<i64> = rows.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), rows.len());
    }
}
