//! `logdeck-server`: serves the built app and, with `--demo`, the demo API on one origin.

pub mod demo;

use std::path::PathBuf;
use std::sync::Arc;

use axum::http::{header, Method};
use axum::Router;
use tower_http::cors::{Any, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};

/// What to serve.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// The demo API and its `config.json`, when set.
    pub demo: Option<demo::DemoOptions>,
    /// The built app (`dist/`), served with SPA fallback to `index.html`.
    pub dist: Option<PathBuf>,
}

/// Builds the whole application router.
pub fn app(options: &ServerOptions) -> Router {
    let mut router = Router::new();
    if let Some(demo_options) = &options.demo {
        let state = Arc::new(demo::DemoState::generate(demo_options));
        router = router.merge(demo::routes(state));
    }
    if let Some(dist) = &options.dist {
        let index = ServeFile::new(dist.join("index.html"));
        router = router.fallback_service(ServeDir::new(dist).fallback(index));
    }
    router.layer(cors())
}

/// CORS on every answer, so the app also works from another origin (`trunk serve`).
/// `Retry-After` is exposed, or a cross-origin page could not read it.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600))
}
