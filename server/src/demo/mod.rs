//! The demo API: deterministic stand-ins for the vendors' log APIs, plus the
//! `config.json` that points the app at them.

mod make_api;
mod make_data;
mod rng;

use std::sync::Arc;

use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

pub use make_api::DEMO_TOKEN as MAKE_DEMO_TOKEN;
pub use make_data::SCENARIOS as MAKE_SCENARIOS;

/// Where each vendor's stand-in lives on the demo server.
pub const MAKE_BASE_PATH: &str = "/demo/make/api/v2";

/// How much data to generate, from what seed, relative to which instant.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    /// Rows per source.
    pub rows: usize,
    /// The instant the data ends at; same seed and same `now`, same rows.
    pub now: DateTime<Utc>,
}

/// The generated data every handler reads.
pub struct DemoState {
    make_logs: Vec<make_data::MakeLog>,
}

impl DemoState {
    pub fn generate(options: &DemoOptions) -> Self {
        DemoState {
            make_logs: make_data::generate(options.seed, options.rows, options.now),
        }
    }

    fn make_scenario_exists(&self, id: i64) -> bool {
        make_data::SCENARIOS.iter().any(|(known, _)| *known == id)
    }
}

/// The demo API's routes plus `/config.json` listing them as the app's connections.
pub fn routes(state: Arc<DemoState>) -> Router {
    Router::new()
        .nest(MAKE_BASE_PATH, make_api::routes())
        .route("/config.json", get(|| async { Json(demo_config()) }))
        .with_state(state)
}

/// The runtime config for the demo: its connections carry the public demo keys.
pub fn demo_config() -> Value {
    let scenarios: Vec<Value> = make_data::SCENARIOS
        .iter()
        .map(|(id, name)| json!({"id": id, "name": name}))
        .collect();
    json!({
        "connections": [{
            "vendor": "make",
            "id": "demo-make",
            "name": "Make (demo)",
            "baseUrl": MAKE_BASE_PATH,
            "token": make_api::DEMO_TOKEN,
            "scenarios": scenarios,
        }]
    })
}
