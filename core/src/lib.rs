//! The pure core of Logdeck: everything that can be decided without a browser.
//!
//! The crate depends on no browser crate (leptos, web-sys, gloo, wasm-bindgen), so
//! the compiler keeps it pure: all of it runs and is tested natively with
//! `cargo test`, and the server reuses the same adapters.

pub mod adapters;
pub mod archive_forward;
pub mod archive_histogram;
pub mod archive_status;
pub mod archive_sync;
pub mod backoff;
pub mod base_url;
pub mod client_id;
pub mod columns;
pub mod config;
pub mod connection_draft;
pub mod csv_file;
pub mod diagnosis;
pub mod export_note;
pub mod fill_budget;
pub mod filter_options;
pub mod format;
pub mod frontier;
pub mod histogram;
pub mod http;
pub mod keyed;
pub mod live;
pub mod load_book;
pub mod markup;
pub mod merge;
pub mod messages;
pub mod model;
pub mod navigation;
pub mod query;
pub mod record_json;
pub mod row_markup;
mod row_numbers;
pub mod row_patch;
mod row_sort;
pub mod scheduler;
pub mod screen;
pub mod search_scope;
pub mod search_terms;
mod search_texts;
pub mod sources;
pub mod status;
pub mod status_gaps;
pub mod stream;
mod text_ids;
pub mod timeline;
pub mod vendor;
pub mod vendor_hosts;
pub mod viewport;
pub mod wall_clock;
pub mod zone;

#[cfg(test)]
mod test_support;
