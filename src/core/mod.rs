//! The pure core of Logdeck: everything that can be decided without a browser.
//!
//! Nothing in here imports leptos, web-sys or gloo, so all of it runs and is tested
//! natively with `cargo test` (a host test enforces that rule).

pub mod adapters;
pub mod columns;
pub mod config;
pub mod csv_file;
pub mod diagnosis;
pub mod format;
pub mod histogram;
pub mod http;
pub mod model;
pub mod query;
pub mod sources;
pub mod status;
pub mod timeline;
