//! Browser-side state: the URL (the only store of filter state), the connections
//! and their keys, loaded rows, and display preferences.

pub mod archive_status;
pub mod chart;
pub mod connections;
pub mod filter_options;
pub mod live;
pub mod loads;
pub mod location;
pub mod media;
pub mod messages;
pub mod older_rows;
pub mod popovers;
pub mod prefs;
pub mod selection;
pub mod storage;
pub mod table_notes;
pub mod url;
pub mod view_rows;
pub mod zone;
