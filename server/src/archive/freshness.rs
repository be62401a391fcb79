//! Reads that cannot wait for the next poll. A read of a window newer than a
//! stream's last sync asks that stream's collector for a pass now (the
//! vendor's calls still wait in the connection's rate budget, which they never
//! exceed), and waits a moment for a pass that started after the ask, so the
//! newest rows come from the vendor through the archive instead of from each
//! browser: the keys stay on the server, and however many people look, a
//! stream is synced on demand at most once per gap (15 s, or a quarter of
//! `--archive-poll` when that is longer).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{watch, Notify};

/// The shortest gap between two on-demand syncs of a stream.
pub const NUDGE_GAP: Duration = Duration::from_secs(15);

/// How long a read waits for the pass it asked for before it answers with
/// what the store has (the app's frontier then says how far it is synced).
pub const FRESHEN_WAIT: Duration = Duration::from_secs(4);

/// How many passes of a stream have started and ended.
#[derive(Debug, Clone, Copy, Default)]
struct Passes {
    started: u64,
    ended: u64,
}

/// One stream's signals between its readers and its collector.
pub struct StreamSignals {
    /// Wakes the collector from its pause between passes.
    pub nudge: Notify,
    passes: watch::Sender<Passes>,
    last_nudge: Mutex<Option<Instant>>,
}

impl Default for StreamSignals {
    fn default() -> Self {
        StreamSignals {
            nudge: Notify::new(),
            passes: watch::Sender::new(Passes::default()),
            last_nudge: Mutex::new(None),
        }
    }
}

impl StreamSignals {
    /// The collector begins a pass (a new one, not one resumed after a failure).
    pub fn pass_started(&self) {
        self.passes.send_modify(|passes| passes.started += 1);
    }

    /// The collector's pass is over, done or failed: nothing newer comes soon.
    pub fn pass_ended(&self) {
        self.passes
            .send_modify(|passes| passes.ended = passes.started);
    }

    /// Whether a nudge now keeps to `gap`; if so, it is recorded.
    fn may_nudge(&self, now: Instant, gap: Duration) -> bool {
        let mut last = self
            .last_nudge
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let allowed = last.is_none_or(|at| now.duration_since(at) >= gap);
        if allowed {
            *last = Some(now);
        }
        allowed
    }

    /// Asks for a pass and waits up to `wait` for one that started after the
    /// ask to end (a pass already under way read an older window); returns at
    /// once when the stream was nudged less than `gap` ago.
    pub async fn freshen(&self, wait: Duration, gap: Duration) {
        if !self.may_nudge(Instant::now(), gap) {
            return;
        }
        let mut passes = self.passes.subscribe();
        let target = passes.borrow().started + 1;
        self.nudge.notify_one();
        let _ = tokio::time::timeout(wait, passes.wait_for(|p| p.ended >= target)).await;
    }
}

/// Every stream's signals, shared by the collector and the archive API.
pub struct Freshness {
    streams: Mutex<HashMap<String, Arc<StreamSignals>>>,
    gap_ms: AtomicU64,
}

impl Default for Freshness {
    fn default() -> Self {
        Freshness {
            streams: Mutex::default(),
            gap_ms: AtomicU64::new(millis(NUDGE_GAP)),
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
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

    /// The gap for a collector polling every `poll`: a quarter of it, and
    /// never under [`NUDGE_GAP`], so on-demand syncs follow the operator's
    /// choice of pace.
    pub fn set_poll(&self, poll: Duration) {
        self.gap_ms
            .store(millis((poll / 4).max(NUDGE_GAP)), Ordering::Relaxed);
    }

    pub fn gap(&self) -> Duration {
        Duration::from_millis(self.gap_ms.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nudges_keep_their_gap_which_follows_the_poll() {
        let signals = StreamSignals::default();
        let start = Instant::now();
        assert!(signals.may_nudge(start, NUDGE_GAP));
        assert!(!signals.may_nudge(start + Duration::from_secs(3), NUDGE_GAP));
        assert!(signals.may_nudge(start + NUDGE_GAP, NUDGE_GAP));
        let freshness = Freshness::default();
        assert_eq!(freshness.gap(), NUDGE_GAP);
        freshness.set_poll(Duration::from_secs(600));
        assert_eq!(freshness.gap(), Duration::from_secs(150));
        freshness.set_poll(Duration::from_secs(10));
        assert_eq!(freshness.gap(), NUDGE_GAP);
    }

    #[tokio::test]
    async fn a_reader_waits_for_a_pass_begun_after_its_ask_not_the_one_under_way() {
        let signals = Arc::new(StreamSignals::default());
        signals.pass_started();
        let collector = signals.clone();
        let (ended_old, old_ended) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            // The pass under way ends first; the nudge starts the next.
            tokio::time::sleep(Duration::from_millis(50)).await;
            collector.pass_ended();
            let _ = ended_old.send(Instant::now());
            collector.nudge.notified().await;
            collector.pass_started();
            tokio::time::sleep(Duration::from_millis(300)).await;
            collector.pass_ended();
        });
        let started = Instant::now();
        signals.freshen(Duration::from_secs(30), NUDGE_GAP).await;
        let old = old_ended.await.unwrap();
        assert!(
            started.elapsed() >= old.duration_since(started) + Duration::from_millis(250),
            "woken by the new pass, not the old one"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        // Within the gap: no nudge, no wait.
        let started = Instant::now();
        signals.freshen(Duration::from_secs(30), NUDGE_GAP).await;
        assert!(started.elapsed() < Duration::from_millis(100));
    }

    #[tokio::test]
    async fn a_reader_stops_waiting_after_its_time_when_no_pass_comes() {
        let signals = StreamSignals::default();
        let started = Instant::now();
        signals.freshen(Duration::from_millis(200), NUDGE_GAP).await;
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(200) && waited < Duration::from_secs(2));
    }
}
