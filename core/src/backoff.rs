//! How long to wait before asking again after a rate limit or a server error.
//! Shared by every caller that pages a vendor (the export today, the request
//! scheduler and the archive next), so they all back off the same way.

use std::time::Duration;

/// The longest wait honoured from a vendor's `Retry-After`.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);
/// The longest wait between two attempts without `Retry-After`.
const MAX_DELAY: Duration = Duration::from_secs(30);
/// Attempts at most for a server error (any 5xx but a 503 saying when to come
/// back): after 1 + 2 + 4 s of retries it is shown, with the vendor's message
/// and a Retry button. A rate limit ([`Backoff::is_rate_limit`]) is shown as
/// one while it is waited out, but a server error retried for two minutes
/// read as "still loading".
const SERVER_ERROR_ATTEMPTS: u32 = 4;

/// What to do with an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Use it: a success, a refusal retrying cannot fix, or the last attempt.
    Accept,
    /// Ask again after this long.
    Wait(Duration),
}

/// Retries of one request: rate limits (429) and server errors (5xx) are retried,
/// honouring `Retry-After`, else waiting 1 s, 2 s, 4 s … up to 30 s; a server
/// error at most [`SERVER_ERROR_ATTEMPTS`] times in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    attempt: u32,
    max_attempts: u32,
    delay: Duration,
}

impl Backoff {
    /// At most `max_attempts` requests in all (at least one).
    pub fn new(max_attempts: u32) -> Self {
        Backoff {
            attempt: 0,
            max_attempts: max_attempts.max(1),
            delay: Duration::from_secs(1),
        }
    }

    /// Whether an answer with `status` may succeed if asked again.
    pub fn is_retryable(status: u16) -> bool {
        status == 429 || status >= 500
    }

    /// Whether an answer asks the caller to slow down and wait: a 429, or a
    /// 503 that says when to come back (`Retry-After`). A bare 503 is a
    /// server failing like any other 5xx, not a limit to wait out.
    pub fn is_rate_limit(status: u16, retry_after: Option<u32>) -> bool {
        status == 429 || (status == 503 && retry_after.is_some())
    }

    /// The verdict on the answer to the latest attempt.
    pub fn after(&mut self, status: u16, retry_after: Option<u32>) -> Verdict {
        self.attempt += 1;
        let rate_limited = Self::is_rate_limit(status, retry_after);
        let max_attempts = if rate_limited {
            self.max_attempts
        } else {
            self.max_attempts.min(SERVER_ERROR_ATTEMPTS)
        };
        if !Self::is_retryable(status) || self.attempt >= max_attempts {
            return Verdict::Accept;
        }
        let wait = match retry_after {
            Some(seconds) => Duration::from_secs(u64::from(seconds)).min(MAX_RETRY_AFTER),
            None => self.delay,
        };
        self.delay = (self.delay * 2).min(MAX_DELAY);
        Verdict::Wait(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn successes_and_client_errors_are_accepted_at_once() {
        assert_eq!(Backoff::new(6).after(200, None), Verdict::Accept);
        assert_eq!(Backoff::new(6).after(401, Some(5)), Verdict::Accept);
    }

    #[test]
    fn rate_limits_double_the_wait_until_the_last_attempt() {
        let mut backoff = Backoff::new(4);
        let secs = |v| match v {
            Verdict::Wait(d) => Some(Duration::as_secs(&d)),
            Verdict::Accept => None,
        };
        assert_eq!(secs(backoff.after(429, None)), Some(1));
        assert_eq!(secs(backoff.after(503, Some(2))), Some(2));
        assert_eq!(secs(backoff.after(500, None)), Some(4));
        assert_eq!(backoff.after(429, None), Verdict::Accept, "fourth and last");
    }

    #[test]
    fn retry_after_is_honoured_and_bounded() {
        let mut backoff = Backoff::new(6);
        assert_eq!(
            backoff.after(429, Some(7)),
            Verdict::Wait(Duration::from_secs(7))
        );
        assert_eq!(
            backoff.after(429, Some(86_400)),
            Verdict::Wait(MAX_RETRY_AFTER)
        );
        let mut long = Backoff::new(20);
        let mut last = Duration::ZERO;
        for _ in 0..10 {
            if let Verdict::Wait(wait) = long.after(429, None) {
                last = wait;
            }
        }
        assert_eq!(last, MAX_DELAY);
    }

    #[test]
    fn a_server_error_is_shown_after_a_few_seconds_a_rate_limit_is_waited_out() {
        let waits = |status: u16| {
            let mut backoff = Backoff::new(8);
            std::iter::from_fn(|| match backoff.after(status, None) {
                Verdict::Wait(wait) => Some(wait.as_secs()),
                Verdict::Accept => None,
            })
            .collect::<Vec<_>>()
        };
        assert_eq!(waits(500), [1, 2, 4]);
        assert_eq!(waits(502), [1, 2, 4]);
        assert_eq!(waits(503), [1, 2, 4], "a bare 503 fails as the server's");
        assert_eq!(waits(429), [1, 2, 4, 8, 16, 30, 30]);
        let mut told = Backoff::new(8);
        let told_waits: Vec<u64> = std::iter::from_fn(|| match told.after(503, Some(5)) {
            Verdict::Wait(wait) => Some(wait.as_secs()),
            Verdict::Accept => None,
        })
        .collect();
        assert_eq!(told_waits, [5; 7], "a 503 saying when is waited out");
    }
}
