//! Reads that cannot wait for the next poll. A read of a window newer than a
//! stream's last sync asks that stream's collector for a pass now (the
//! vendor's calls still wait in the connection's shared rate budget), and
//! waits a moment for it, so the newest rows come from the vendor through the
//! archive instead of from each browser: the keys stay on the server, and
//! however many people look, a stream is read on demand at most once per
//! [`NUDGE_GAP`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// A stream is read on demand at most this often, whoever asks.
pub const NUDGE_GAP: Duration = Duration::from_secs(15);

/// How long a read waits for the pass it asked for before it answers with
/// what the store has (the app's frontier then says how far it is synced).
pub const FRESHEN_WAIT: Duration = Duration::from_secs(4);

/// One stream's signals between its readers and its collector.
#[derive(Default)]
pub struct StreamSignals {
    /// Wakes the collector from its pause between passes.
    pub nudge: Notify,
    /// Told to every waiting reader when a pass ends, well or not.
    pub pass_ended: Notify,
    last_nudge: Mutex<Option<Instant>>,
}

impl StreamSignals {
    /// Whether a nudge now keeps to [`NUDGE_GAP`]; if so, it is recorded.
    fn may_nudge(&self, now: Instant) -> bool {
        let mut last = self
            .last_nudge
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let allowed = last.is_none_or(|at| now.duration_since(at) >= NUDGE_GAP);
        if allowed {
            *last = Some(now);
        }
        allowed
    }

    /// Asks for a pass and waits up to `wait` for one to end; returns at once
    /// when the stream was nudged less than [`NUDGE_GAP`] ago.
    pub async fn freshen(&self, wait: Duration) {
        if !self.may_nudge(Instant::now()) {
            return;
        }
        let ended = self.pass_ended.notified();
        tokio::pin!(ended);
        // Listening before the nudge: a pass that ends at once is not missed.
        ended.as_mut().enable();
        self.nudge.notify_one();
        let _ = tokio::time::timeout(wait, ended).await;
    }
}

/// Every stream's signals, shared by the collector and the archive API.
#[derive(Default)]
pub struct Freshness {
    streams: Mutex<HashMap<String, Arc<StreamSignals>>>,
}

impl Freshness {
    pub fn signals(&self, stream: &str) -> Arc<StreamSignals> {
        self.streams
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .entry(stream.to_owned())
            .or_default()
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nudges_keep_their_gap() {
        let signals = StreamSignals::default();
        let start = Instant::now();
        assert!(signals.may_nudge(start));
        assert!(!signals.may_nudge(start + Duration::from_secs(3)));
        assert!(signals.may_nudge(start + NUDGE_GAP));
    }

    #[tokio::test]
    async fn a_reader_waits_for_the_pass_it_asked_for_and_no_longer() {
        let signals = Arc::new(StreamSignals::default());
        let collector = signals.clone();
        tokio::spawn(async move {
            collector.nudge.notified().await;
            collector.pass_ended.notify_waiters();
        });
        let started = Instant::now();
        signals.freshen(Duration::from_secs(30)).await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "woken by the pass"
        );
        // Within the gap: no nudge, no wait.
        let started = Instant::now();
        signals.freshen(Duration::from_secs(30)).await;
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
