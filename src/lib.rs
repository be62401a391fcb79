//! Logdeck: one fast, filterable table of automation platforms' execution and audit logs.
//!
//! [`core`] is pure and host-tested; the rest is the browser UI built on it.

pub mod app;
pub mod components;
pub mod core;
pub mod export;
pub mod net;
pub mod pages;
pub mod state;
