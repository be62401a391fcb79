//! The demo API: deterministic stand-ins for the vendors' log APIs, plus the
//! `config.json` that points the app at them.

mod aitronos;
mod dify;
pub mod error;
mod faults;
pub mod make;
mod params;
mod rate_limit;
mod rng;

use std::sync::Arc;

use axum::middleware::from_fn_with_state;
use axum::Router;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

pub use aitronos::{DEMO_KEY as AITRONOS_DEMO_KEY, ORGANIZATION_ID as AITRONOS_ORGANIZATION_ID};
pub use dify::APPS as DIFY_APPS;
pub use faults::Vendor;
pub use make::{DEMO_TOKEN as MAKE_DEMO_TOKEN, SCENARIOS_ONLY_TOKEN as MAKE_SCENARIOS_ONLY_TOKEN};

/// Where each vendor's stand-in lives on the demo server.
pub const MAKE_BASE_PATH: &str = "/demo/make/api/v2";
pub const DIFY_BASE_PATH: &str = "/demo/dify/v1";
pub const AITRONOS_BASE_PATH: &str = "/demo/aitronos";

/// How much data to generate, from what seed, relative to which instant.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    /// Rows per source.
    pub rows: usize,
    /// The instant the data ends at; same seed and same `now`, same rows.
    pub now: DateTime<Utc>,
    /// Calls a minute per credential before a 429, as the vendors count them;
    /// `None` for no limit.
    pub calls_per_minute: Option<u32>,
    /// New runs keep arriving after `now`, as on a real account (about one per
    /// [`ARRIVAL_GAP`] per source), so live mode has something to show. Off when
    /// a test pins `now` and counts rows.
    pub arrivals: bool,
}

/// The mean time between new runs of one source while arrivals are on.
pub const ARRIVAL_GAP: Duration = Duration::seconds(30);
/// How far ahead arrivals are prepared; a demo running longer stops growing.
const ARRIVALS_AHEAD: Duration = Duration::days(1);

/// The demo's budget per credential: Make's Enterprise figure.
pub const DEMO_CALLS_PER_MINUTE: u32 = 1_000;

/// The generated data every handler reads.
pub struct DemoState {
    now: DateTime<Utc>,
    arrivals: bool,
    limiter: Arc<rate_limit::Limiter>,
    make_logs: Vec<make::data::MakeLog>,
    audit_logs: Vec<make::AuditEntry>,
    dify_logs: Vec<dify::DifyLog>,
    aitronos_logs: Vec<aitronos::AitronosLog>,
}

impl DemoState {
    pub fn generate(options: &DemoOptions) -> Self {
        let (seed, rows, now) = (options.seed, options.rows, options.now);
        let mut state = DemoState {
            now,
            arrivals: options.arrivals,
            limiter: Arc::new(rate_limit::Limiter::new(options.calls_per_minute)),
            make_logs: make::data::generate(seed, rows, now),
            audit_logs: make::audit_generate(seed, rows, now),
            dify_logs: dify::generate(seed, rows, now),
            aitronos_logs: aitronos::generate(seed, rows, now),
        };
        if options.arrivals {
            let (seed, end, span) = (seed ^ 0x11FE, now + ARRIVALS_AHEAD, ARRIVALS_AHEAD);
            let count = (ARRIVALS_AHEAD.num_seconds() / ARRIVAL_GAP.num_seconds()) as usize;
            state
                .make_logs
                .splice(0..0, make::data::generate_over(seed, count, end, span));
            state
                .audit_logs
                .splice(0..0, make::audit_generate_over(seed, count, end, span));
            state
                .dify_logs
                .splice(0..0, dify::generate_over(seed, count, end, span));
            state
                .aitronos_logs
                .splice(0..0, aitronos::generate_over(seed, count, end, span));
        }
        state
    }

    /// Whether a row stamped `at` has happened yet: a vendor never lists a run
    /// before it starts.
    pub fn has_happened(&self, at: DateTime<Utc>) -> bool {
        !self.arrivals || at <= Utc::now()
    }
}

/// The demo API's routes.
pub fn routes(state: Arc<DemoState>) -> Router {
    let limiter = state.limiter.clone();
    let vendor = |routes: Router<Arc<DemoState>>, vendor: Vendor| {
        routes
            .layer(from_fn_with_state(vendor, faults::inject))
            .layer(from_fn_with_state(
                (vendor, limiter.clone()),
                rate_limit::limit,
            ))
    };
    Router::new()
        .nest(MAKE_BASE_PATH, vendor(make::routes(), Vendor::Make))
        .nest(DIFY_BASE_PATH, vendor(dify::routes(), Vendor::Dify))
        .nest(
            AITRONOS_BASE_PATH,
            vendor(aitronos::routes(), Vendor::Aitronos),
        )
        .with_state(state)
}

/// The demo's connections for `config.json`: they carry the public demo keys.
pub fn demo_connections() -> Vec<Value> {
    let scenarios: Vec<Value> = make::data::SCENARIOS
        .iter()
        .map(|s| json!({"id": s.id, "name": s.name}))
        .collect();
    let mut connections = vec![json!({
        "vendor": "make",
        "id": "demo-make",
        "name": "Make (demo)",
        "baseUrl": MAKE_BASE_PATH,
        "token": make::DEMO_TOKEN,
        "requestsPerMinute": DEMO_CALLS_PER_MINUTE,
        "organizationId": make::data::ORGANIZATION.0,
        "scenarios": scenarios,
    })];
    connections.extend(dify::APPS.iter().enumerate().map(|(index, (key, name))| {
        json!({"vendor": "dify", "id": format!("demo-dify-{}", index + 1), "name": name, "baseUrl": DIFY_BASE_PATH, "key": key, "requestsPerMinute": DEMO_CALLS_PER_MINUTE})
    }));
    connections.push(json!({
        "vendor": "aitronos",
        "id": "demo-aitronos",
        "name": "Aitronos (demo)",
        "baseUrl": AITRONOS_BASE_PATH,
        "key": aitronos::DEMO_KEY,
        "requestsPerMinute": DEMO_CALLS_PER_MINUTE,
        "organizationId": aitronos::ORGANIZATION_ID,
    }));
    connections
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    /// The query parameters (not path ones) a spec documents for `path`'s GET.
    fn documented(spec: &str, path: &str) -> BTreeSet<String> {
        let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../specs")
            .join(spec);
        let text = std::fs::read_to_string(&file).unwrap();
        let spec: serde_json::Value = if spec.ends_with(".json") {
            serde_json::from_str(&text).unwrap()
        } else {
            serde_yaml::from_str(&text).unwrap()
        };
        spec["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|parameter| parameter["in"] == "query")
            .map(|parameter| parameter["name"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Every Make run keeps its own id, also with the arrivals generated
    /// after the base data (integer ids come from time and place).
    #[test]
    fn make_ids_are_unique_with_arrivals() {
        let state = super::DemoState::generate(&super::DemoOptions {
            seed: 42,
            rows: 3_000,
            now: chrono::Utc::now(),
            calls_per_minute: None,
            arrivals: true,
        });
        let mut ids = std::collections::HashSet::new();
        for log in &state.make_logs {
            assert!(
                ids.insert((log.scenario_id, log.id.clone())),
                "{} twice",
                log.id
            );
        }
        assert!(state.make_logs.len() > 3_000);
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    /// The demo refuses what the vendors do not document, and only that: its
    /// lists are the specs' own.
    #[test]
    fn the_demo_accepts_exactly_the_documented_query_parameters() {
        let make = "make-api.openapi.json";
        assert_eq!(
            set(&super::make::SCENARIO_LOG_PARAMETERS),
            documented(make, "/scenarios/{scenarioId}/logs")
        );
        assert_eq!(
            set(&super::make::MODULE_LOG_PARAMETERS),
            documented(make, "/scenarios/{scenarioId}/modules/{moduleId}/logs")
        );
        assert_eq!(
            set(&super::make::TEAM_LOG_PARAMETERS),
            documented(make, "/audit-logs/team/{teamId}")
        );
        let mut organization = super::make::TEAM_LOG_PARAMETERS.to_vec();
        organization.push("team");
        assert_eq!(
            set(&organization),
            documented(make, "/audit-logs/organization/{organizationId}")
        );
        assert_eq!(
            set(&super::dify::WORKFLOW_LOG_PARAMETERS),
            documented("dify-workflow-logs.openapi.yaml", "/workflows/logs")
        );
        assert_eq!(
            set(&super::aitronos::CONNECTOR_LOG_PARAMETERS),
            documented(
                "aitronos-connector-logs.openapi.yaml",
                "/v1/personal-connectors/logs"
            )
        );
    }
}
