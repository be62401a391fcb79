//! Routed pages.

pub mod dashboard;
