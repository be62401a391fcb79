//! Small view components; each takes signals and callbacks and owns no filter state.

pub mod log_table;
pub mod source_status;
pub mod status_filter;
