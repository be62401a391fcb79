//! Per-credential call budgets, as the vendors enforce them: Make counts calls per
//! organisation per minute and answers 429 "Requests limit for organization
//! exceeded" with no documented `Retry-After`; the demo does the same (Dify and
//! Aitronos stand-ins send `Retry-After`). `fault-limit-<n>-<s>` sets a budget of
//! `n` calls per `s` seconds for tests that must see a limit resolve quickly.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::faults::{authorize_as_demo, credential};
use logdeck_core::vendor::Vendor;

/// Credentials remembered at most; past it the counts start over (a bound on
/// what arbitrary clients can make the demo hold).
const MAX_TRACKED: usize = 10_000;

/// The demo's budgets and what each credential has spent in its current window.
#[derive(Debug)]
pub struct Limiter {
    per_minute: Option<u32>,
    windows: Mutex<HashMap<(Vendor, String), (Instant, u32)>>,
}

impl Limiter {
    /// `per_minute` calls a minute per credential; `None` for no limit.
    pub fn new(per_minute: Option<u32>) -> Limiter {
        Limiter {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a call; `Err(seconds left in the window)` when over the budget.
    fn spend(&self, key: (Vendor, String), limit: u32, window: Duration) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        if windows.len() >= MAX_TRACKED && !windows.contains_key(&key) {
            windows.clear();
        }
        let (started, used) = windows.entry(key).or_insert((now, 0));
        if now.duration_since(*started) >= window {
            *started = now;
            *used = 0;
        }
        *used += 1;
        if *used > limit {
            let left = window.saturating_sub(now.duration_since(*started));
            return Err(left.as_secs().max(1));
        }
        Ok(())
    }
}

/// `fault-limit-<n>-<s>` → `(n, s seconds)`.
fn test_budget(credential: &str) -> Option<(u32, Duration)> {
    let rest = credential.strip_prefix("fault-limit-")?;
    let (calls, seconds) = rest.split_once('-')?;
    Some((
        calls.parse().ok()?,
        Duration::from_secs(seconds.parse().ok()?),
    ))
}

/// The middleware, outermost on each vendor's routes.
pub async fn limit(
    State((vendor, limiter)): State<(Vendor, Arc<Limiter>)>,
    mut request: Request,
    next: Next,
) -> Response {
    let Some(key) = credential(vendor, &request) else {
        return next.run(request).await;
    };
    let budget = match test_budget(&key) {
        Some(budget) => {
            authorize_as_demo(vendor, &mut request);
            Some(budget)
        }
        None => limiter
            .per_minute
            .map(|calls| (calls, Duration::from_secs(60))),
    };
    let Some((calls, window)) = budget else {
        return next.run(request).await;
    };
    match limiter.spend((vendor, key), calls, window) {
        Ok(()) => next.run(request).await,
        Err(seconds) => over_budget(vendor, seconds),
    }
}

fn over_budget(vendor: Vendor, seconds: u64) -> Response {
    let message = match vendor {
        Vendor::Make => "Requests limit for organization exceeded, please try again later.",
        Vendor::Dify | Vendor::Aitronos => "Rate limit exceeded, please try again later.",
    };
    let mut response =
        ApiError::new(vendor, StatusCode::TOO_MANY_REQUESTS, message).into_response();
    // Make documents no rate-limit headers: the app must back off on its own.
    if vendor != Vendor::Make {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_budget_is_spent_per_credential_and_renews_with_its_window() {
        let limiter = Limiter::new(Some(2));
        let key = |name: &str| (Vendor::Make, name.to_owned());
        let minute = Duration::from_secs(60);
        assert_eq!(limiter.spend(key("a"), 2, minute), Ok(()));
        assert_eq!(limiter.spend(key("a"), 2, minute), Ok(()));
        assert!(limiter.spend(key("a"), 2, minute).unwrap_err() <= 60);
        assert_eq!(
            limiter.spend(key("b"), 2, minute),
            Ok(()),
            "another credential"
        );
        let short = Duration::from_millis(50);
        assert_eq!(limiter.spend(key("c"), 1, short), Ok(()));
        assert!(limiter.spend(key("c"), 1, short).is_err());
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(limiter.spend(key("c"), 1, short), Ok(()), "a new window");
    }

    #[test]
    fn test_budgets_are_read_from_the_credential() {
        assert_eq!(
            test_budget("fault-limit-3-4"),
            Some((3, Duration::from_secs(4)))
        );
        assert_eq!(test_budget("fault-limit-3"), None);
        assert_eq!(test_budget("demo-make-token"), None);
    }
}
