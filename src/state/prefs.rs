//! Display preferences kept on this device: theme and visible columns.
//!
//! Columns are a personal layout choice, not part of "the same view": a shared
//! link shows the same rows and filters whatever columns the reader prefers, and
//! links stay short. So they live in `localStorage`, not in the URL.

use leptos::prelude::*;

use super::storage::{self, Area};
use logdeck_core::columns::Column;
use logdeck_core::messages::SEARCH_READS_ALONE;

const THEME: &str = "logdeck.theme";
const COLUMNS: &str = "logdeck.columns";
const FILL_BUDGET: &str = "logdeck.fill-budget";
const LIVE_INTERVAL: &str = "logdeck.live-interval";
const CSV_BOM: &str = "logdeck.csv-bom";
const SEARCH_READS: &str = "logdeck.search-reads";

/// Rows loaded in the background to fill the period before paging waits for the
/// reader ("Load older"), unless this device prefers another number.
pub const DEFAULT_FILL_BUDGET: usize = 20_000;

/// The background fill budget of this device (`localStorage`, `logdeck.fill-budget`).
pub fn fill_budget() -> usize {
    storage::get(Area::Local, FILL_BUDGET)
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(DEFAULT_FILL_BUDGET)
}

/// How many unread messages a search reads by itself on this device
/// (`localStorage`, `logdeck.search-reads`; 0 waits for "Read them"), since
/// each is a call against the vendor's rate budget.
pub fn search_reads() -> usize {
    storage::get(Area::Local, SEARCH_READS)
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(SEARCH_READS_ALONE)
}

/// Whether CSV files start with a byte-order mark (`localStorage`,
/// `logdeck.csv-bom`: `off` drops it for tools that choke on one); on by
/// default, so spreadsheets read names with accents as they are.
pub fn csv_bom() -> bool {
    storage::get(Area::Local, CSV_BOM).is_none_or(|text| text.trim() != "off")
}

/// Seconds between live mode's rounds unless this device prefers another: each
/// round costs one call per source, well inside every vendor's default budget.
pub const DEFAULT_LIVE_INTERVAL: u32 = 15;

/// Live mode's interval on this device in seconds (`localStorage`,
/// `logdeck.live-interval`), at least one.
pub fn live_interval() -> u32 {
    storage::get(Area::Local, LIVE_INTERVAL)
        .and_then(|text| text.trim().parse().ok())
        .unwrap_or(DEFAULT_LIVE_INTERVAL)
        .max(1)
}

logdeck_core::keyed_enum! {
    /// Light, dark, or whatever the system says.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Theme {
        System = ("system", "System"),
        Light = ("light", "Light"),
        Dark = ("dark", "Dark"),
    }
}

/// The preferences, provided as context by the app shell.
#[derive(Clone, Copy)]
pub struct Prefs {
    pub theme: RwSignal<Theme>,
    pub columns: RwSignal<Vec<Column>>,
}

impl Prefs {
    /// Reads the stored preferences and keeps storage and `<html data-theme>` in step.
    pub fn load() -> Prefs {
        let theme = storage::get(Area::Local, THEME)
            .and_then(|key| Theme::from_key(&key))
            .unwrap_or(Theme::System);
        let columns = storage::get(Area::Local, COLUMNS)
            .map(|text| {
                text.split(',')
                    .filter_map(Column::from_key)
                    .collect::<Vec<_>>()
            })
            .filter(|columns| !columns.is_empty())
            .unwrap_or_else(|| Column::DEFAULT.to_vec());
        let prefs = Prefs {
            theme: RwSignal::new(theme),
            columns: RwSignal::new(columns),
        };
        Effect::new(move |_| {
            let theme = prefs.theme.get();
            storage::set(Area::Local, THEME, theme.key());
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("data-theme", theme.key());
            }
        });
        Effect::new(move |_| {
            let keys: Vec<&str> = prefs
                .columns
                .with(|columns| columns.iter().map(|c| c.key()).collect());
            storage::set(Area::Local, COLUMNS, &keys.join(","));
        });
        prefs
    }
}
