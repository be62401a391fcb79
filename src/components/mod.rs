//! Small view components; each takes signals and callbacks and owns no filter state.

pub mod deferred;
pub mod detail_pane;
pub mod export_panel;
pub mod filter_bar;
pub mod live_control;
pub mod log_table;
pub mod multi_select;
pub mod rate_limit;
pub mod scope_notes;
pub mod shortcut_help;
pub mod skip_link;
pub mod source_status;
pub mod status_filter;
pub mod volume_chart;
