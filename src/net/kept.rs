//! Answers about finished runs, kept for the tab: a failed Make run's execution
//! is read once for its message, and opening its detail then costs no second
//! call of the connection's (shared, per-minute) budget.

use std::cell::RefCell;
use std::collections::HashMap;

use logdeck_core::http::HttpAnswer;

/// A bound, not an eviction policy: a tab rarely reads this many.
const MOST: usize = 500;

thread_local! {
    static KEPT: RefCell<HashMap<String, HttpAnswer>> = RefCell::default();
}

/// Keeps a successful answer to `url`, a call about a run that will not change.
pub fn keep(url: &str, answer: &HttpAnswer) {
    if answer.status != 200 {
        return;
    }
    KEPT.with(|kept| {
        let mut kept = kept.borrow_mut();
        if kept.len() >= MOST {
            kept.clear();
        }
        kept.insert(url.to_owned(), answer.clone());
    });
}

/// The answer kept for `url`, if any.
pub fn kept(url: &str) -> Option<HttpAnswer> {
    KEPT.with(|kept| kept.borrow().get(url).cloned())
}
