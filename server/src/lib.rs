//! `logdeck-server`: serves the built app, the relay to the operator's allowlisted
//! vendors, and with `--demo` the demo API, all on one origin.

pub mod access;
mod app_files;
pub mod archive;
pub mod demo;
pub mod error;
pub mod listen;
pub mod relay;
mod relay_login;

use std::path::PathBuf;
use std::sync::Arc;

use axum::http::{header, HeaderValue, Method};
use axum::routing::{any, get};
use axum::{middleware, Json, Router};
use serde_json::{json, Value};
use tower_http::compression::CompressionLayer;
use tower_http::cors::{Any, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

pub use app_files::content_security_policy;

/// What to serve.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// The demo API and its connections, when set.
    pub demo: Option<demo::DemoOptions>,
    /// The built app (`dist/`), served with SPA fallback to `index.html`.
    pub dist: Option<PathBuf>,
    /// The relay's allowlist, when set.
    pub relay: Option<relay::RelayConfig>,
    /// Host names, origins and the team token the server accepts.
    pub access: access::AccessRules,
    /// The team archive's store, when `--archive` is given: its API is served
    /// under the relay's access rules.
    pub archive: Option<archive::Archive>,
}

/// Builds the whole application router.
pub fn app(options: &ServerOptions) -> Result<Router, String> {
    let mut router = Router::new();
    let mut connections: Vec<Value> = Vec::new();
    if let Some(demo_options) = &options.demo {
        let state = Arc::new(demo::DemoState::generate(demo_options));
        router = router.merge(demo::routes(state).layer(cors()));
        connections.extend(demo::demo_connections());
    }
    let rules = Arc::new(options.access.clone());
    let mut direct_origins = Vec::new();
    if let Some(config) = &options.relay {
        connections.extend(config.connections());
        direct_origins = config.direct_origins();
        let relay = Arc::new(relay::Relay::new(config.clone())?);
        let relay_routes = Router::new()
            .route("/relay/{*rest}", any(relay::proxy::forward))
            .with_state(relay)
            .layer(middleware::from_fn_with_state(
                rules.clone(),
                access::check_relay_caller,
            ))
            .layer(middleware::from_fn(relay::proxy::guard_answers));
        router = router.merge(relay_routes).route(
            "/relay-login",
            get(relay_login::form)
                .post(relay_login::sign_in)
                .with_state(rules.clone()),
        );
    }
    if let Some(archive) = &options.archive {
        router = router.merge(archive::api::routes(archive.clone()).layer(
            middleware::from_fn_with_state(rules.clone(), access::check_relay_caller),
        ));
    }
    if options.demo.is_some() || options.relay.is_some() {
        let vendor_relay = options
            .relay
            .as_ref()
            .map(relay::RelayConfig::vendor_relay)
            .unwrap_or_default();
        // The streams the archive keeps are read from it, not from their vendors.
        let archive = options
            .archive
            .as_ref()
            .filter(|archive| !archive.streams().is_empty())
            .map(|archive| json!({"api": "/archive/v1", "streams": archive.streams()}));
        let config = json!({
            "connections": connections,
            "vendorRelay": vendor_relay,
            "archive": archive,
        });
        router = router.route(
            "/config.json",
            get(move || {
                let config = config.clone();
                async move { ([(header::CACHE_CONTROL, "no-cache")], Json(config)) }
            }),
        );
    }
    if let Some(dist) = &options.dist {
        router = router.merge(app_files::routes(dist, &direct_origins)?);
    }
    Ok(router
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // `if_not_present`: the sign-in page sets its own (`relay_login`).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(middleware::from_fn_with_state(rules, access::check_host)))
}

/// CORS on the demo API, so the app also works from another origin (`trunk serve`).
/// `Retry-After` is exposed, or a cross-origin page could not read it.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([header::RETRY_AFTER])
        .max_age(std::time::Duration::from_secs(600))
}
