//! Logdeck: one fast, filterable table of automation platforms' execution and audit logs.
//!
//! The decisions live in the pure `logdeck_core` crate, host-tested; this crate is
//! the browser UI built on it.

pub mod app;
pub mod components;
pub mod export;
pub mod net;
pub mod pages;
pub mod state;
