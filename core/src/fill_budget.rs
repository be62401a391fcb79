//! How many rows the background fill may load for one search: the device's
//! budget, raised a stretch at a time by the reader's "Load older", or lifted
//! by "Search the whole period". One page per source a click moved a 30-day
//! view back by minutes (about 100 rows), so filling it took dozens of clicks.

/// Rows each "Load older" lets the fill load past those already loaded.
pub const OLDER_STEP_ROWS: usize = 5_000;

/// The fill's row budget for the current search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FillBudget {
    device: usize,
    grant: Grant,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Grant {
    None,
    UpTo(usize),
    WholePeriod,
}

impl FillBudget {
    /// The budget a new search starts with: `device` rows (the device's setting).
    pub fn new(device: usize) -> Self {
        FillBudget {
            device,
            grant: Grant::None,
        }
    }

    /// Rows the fill may load in all.
    pub fn rows(&self) -> usize {
        match self.grant {
            Grant::None => self.device,
            Grant::UpTo(rows) => rows.max(self.device),
            Grant::WholePeriod => usize::MAX,
        }
    }

    /// "Load older" with `loaded` rows loaded: [`OLDER_STEP_ROWS`] more may come.
    pub fn load_older(&mut self, loaded: usize) {
        let wanted = loaded.saturating_add(OLDER_STEP_ROWS);
        self.grant = match self.grant {
            Grant::WholePeriod => Grant::WholePeriod,
            Grant::None => Grant::UpTo(wanted),
            Grant::UpTo(before) => Grant::UpTo(before.max(wanted)),
        };
    }

    /// "Search the whole period": no limit until the search changes.
    pub fn whole_period(&mut self) {
        self.grant = Grant::WholePeriod;
    }

    /// A new search starts again from the device's budget.
    pub fn reset(&mut self) {
        self.grant = Grant::None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_search_fills_to_the_devices_budget() {
        assert_eq!(FillBudget::new(20_000).rows(), 20_000);
        assert_eq!(FillBudget::new(0).rows(), 0);
    }

    #[test]
    fn load_older_grants_a_stretch_past_the_rows_loaded() {
        let mut budget = FillBudget::new(20_000);
        budget.load_older(19_987);
        assert_eq!(budget.rows(), 19_987 + OLDER_STEP_ROWS);
        budget.load_older(24_900);
        assert_eq!(budget.rows(), 24_900 + OLDER_STEP_ROWS);
        // A click before the last stretch came in grants no less than it did.
        budget.load_older(20_000);
        assert_eq!(budget.rows(), 24_900 + OLDER_STEP_ROWS);
    }

    #[test]
    fn load_older_below_the_devices_budget_keeps_that_budget() {
        let mut budget = FillBudget::new(20_000);
        budget.load_older(800);
        assert_eq!(budget.rows(), 20_000);
        let mut none = FillBudget::new(0);
        none.load_older(800);
        assert_eq!(none.rows(), 800 + OLDER_STEP_ROWS);
    }

    #[test]
    fn the_whole_period_is_unlimited_until_the_search_changes() {
        let mut budget = FillBudget::new(20_000);
        budget.whole_period();
        budget.load_older(30_000);
        assert_eq!(budget.rows(), usize::MAX);
        budget.reset();
        assert_eq!(budget.rows(), 20_000);
        budget.load_older(usize::MAX - 1);
        assert_eq!(budget.rows(), usize::MAX);
    }
}
