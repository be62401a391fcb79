//! Routed pages.

pub mod connections;
pub mod dashboard;
