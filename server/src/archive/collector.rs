//! The collector: keeps every configured stream in the store with the core's
//! adapters and sync plan (`logdeck_core::archive_sync`), every call waiting in
//! its connection's lane of the core's request scheduler, so the whole team
//! spends a vendor's rate budget once, and a 429 storm slows the sync without
//! losing a row.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration as StdDuration, Instant};

use chrono::{Duration, Utc};
use logdeck_core::archive_sync::StreamState;
use logdeck_core::http::{ApiRequest, HttpAnswer};
use logdeck_core::query::{LogQuery, Period};
use logdeck_core::scheduler::{AfterAnswer, Budget, Millis, Priority, Scheduler, Ticket};
use logdeck_core::sources::Source;

use super::Archive;

/// How the collector runs.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// How far back the first pass reads.
    pub backfill: Duration,
    /// The pause between incremental passes of a stream.
    pub poll: StdDuration,
    /// Rows older than this are deleted (`--keep`); `None` keeps everything.
    pub keep: Option<Duration>,
}

/// The scheduler shared by every stream's task, on a monotonic clock.
#[derive(Clone)]
pub struct Lanes {
    inner: Arc<Mutex<LanesState>>,
    epoch: Instant,
}

struct LanesState {
    scheduler: Scheduler,
    /// Started by one task's `start_ready` on behalf of another.
    started: HashSet<Ticket>,
}

impl Default for Lanes {
    fn default() -> Self {
        Lanes {
            inner: Arc::new(Mutex::new(LanesState {
                scheduler: Scheduler::default(),
                started: HashSet::new(),
            })),
            epoch: Instant::now(),
        }
    }
}

impl Lanes {
    fn now(&self) -> Millis {
        Millis::try_from(self.epoch.elapsed().as_millis()).unwrap_or(Millis::MAX)
    }

    fn with<T>(&self, f: impl FnOnce(&mut LanesState) -> T) -> T {
        let mut guard = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// Waits until `ticket` may start.
    async fn started(&self, ticket: Ticket) {
        loop {
            let now = self.now();
            let wake = self.with(|state| {
                let ready = state.scheduler.start_ready(now);
                state.started.extend(ready);
                if state.started.remove(&ticket) {
                    None
                } else {
                    Some(state.scheduler.next_wake(now).unwrap_or(now + 200))
                }
            });
            let Some(wake) = wake else { return };
            let wait = wake.saturating_sub(now).clamp(10, 200);
            tokio::time::sleep(StdDuration::from_millis(wait)).await;
        }
    }

    /// Performs `request` in `lane`'s budget, waiting out rate limits and
    /// retrying server errors as the scheduler says; a reader waiting for a
    /// record's detail goes before the sync's pages.
    pub async fn get(
        &self,
        http: &reqwest::Client,
        lane: Option<(String, Budget)>,
        priority: Priority,
        request: &ApiRequest,
    ) -> Result<HttpAnswer, String> {
        let Some((lane, budget)) = lane else {
            return fetch(http, request).await.map_err(Failed::into_message);
        };
        let ticket = self.with(|state| {
            state.scheduler.set_budget(&lane, budget);
            state.scheduler.enqueue(&lane, priority)
        });
        // A reader who leaves drops this call: its slot must not stay taken.
        let _held = Held {
            lanes: self,
            ticket,
        };
        loop {
            self.started(ticket).await;
            let outcome = fetch(http, request).await;
            let (status, retry_after) = match &outcome {
                Ok(answer) => (answer.status, answer.retry_after),
                // No answer: let the scheduler back off as for a server error.
                Err(Failed::NoAnswer(_)) => (502, None),
                // The same call would be refused alike: a status the scheduler
                // neither retries nor counts as a success (whatever the
                // vendor's was: an oversized 503 is not waited out).
                Err(Failed::Refused(_)) => (400, None),
            };
            let now = self.now();
            let after =
                self.with(|state| state.scheduler.answered(ticket, now, status, retry_after));
            if after == AfterAnswer::Accept {
                return outcome.map_err(Failed::into_message);
            }
        }
    }
}

/// Frees a call's place in its lane however the call ends: answered (then a
/// no-op), or dropped while queued or in flight.
struct Held<'a> {
    lanes: &'a Lanes,
    ticket: Ticket,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let ticket = self.ticket;
        self.lanes.with(|state| {
            state.scheduler.cancel(ticket);
            state.started.remove(&ticket);
        });
    }
}

/// No vendor page comes near this (the relay passes on no more either): an
/// answer past it is an error, not a process's worth of memory.
pub const MAX_ANSWER_BYTES: usize = 32 * 1024 * 1024;

/// The archive's HTTP client: as the relay's, a redirect is an answer of its
/// own, never followed (reqwest would carry a vendor's `X-API-Key` to
/// wherever it points, and fetch internal addresses for `/archive/v1/vendor`).
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
}

/// Why a call brought back no answer the archive takes.
enum Failed {
    /// None came (network, timeout): worth another try.
    NoAnswer(String),
    /// One came that the same call would bring again (a redirect, an answer
    /// too large): not retried.
    Refused(String),
}

impl Failed {
    fn into_message(self) -> String {
        match self {
            Failed::NoAnswer(why) | Failed::Refused(why) => why,
        }
    }
}

async fn fetch(http: &reqwest::Client, request: &ApiRequest) -> Result<HttpAnswer, Failed> {
    let no_answer = |error: reqwest::Error| Failed::NoAnswer(error.without_url().to_string());
    let mut call = http.get(&request.url);
    for (name, value) in &request.headers {
        call = call.header(name, value);
    }
    let mut response = call.send().await.map_err(no_answer)?;
    let status = response.status().as_u16();
    if response.status().is_redirection() {
        return Err(Failed::Refused(format!(
            "the vendor answered {status}, a redirect, which the archive does not follow"
        )));
    }
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let too_large = || {
        Failed::Refused(format!(
            "the vendor's answer is over {} MiB",
            MAX_ANSWER_BYTES >> 20
        ))
    };
    if response
        .content_length()
        .is_some_and(|length| length > MAX_ANSWER_BYTES as u64)
    {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(no_answer)? {
        if bytes.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Ok(HttpAnswer {
        status,
        body,
        retry_after,
    })
}

/// Runs one stream forever: a page, a checkpoint, the next page; between
/// passes it waits `poll`, or less when a reader asks for newer rows
/// ([`super::freshness`]). Failures are recorded in the stream's state and
/// the same page is asked again later.
pub async fn run_stream(
    archive: Archive,
    source: Source,
    http: reqwest::Client,
    lanes: Lanes,
    options: SyncOptions,
) {
    let stream = source.id();
    let signals = archive.signals(&stream);
    let mut in_pass = false;
    loop {
        if !in_pass {
            signals.pass_started();
            in_pass = true;
        }
        let pause = match sync_page(&archive, &source, &http, &lanes, &options).await {
            Ok(true) => continue,
            Ok(false) => options.poll,
            Err(error) => {
                log_failure(&stream, &error);
                options.poll.min(StdDuration::from_secs(30))
            }
        };
        in_pass = false;
        signals.pass_ended();
        // A reader of a window newer than this pass may ask for the next now.
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = signals.nudge.notified() => {}
        }
    }
}

/// The server's log line for a failed page (the stream's status says it too);
/// errors carry no key: requests are described without their headers.
fn log_failure(stream: &str, error: &str) {
    eprintln!("archive: {stream}: {error}");
}

/// Reads and stores one page of `source`; `Ok(true)` when its pass goes on.
pub async fn sync_page(
    archive: &Archive,
    source: &Source,
    http: &reqwest::Client,
    lanes: &Lanes,
    options: &SyncOptions,
) -> Result<bool, String> {
    let stream = source.id();
    let (mut state, oldest_running) = {
        let stream = stream.clone();
        archive
            .with_store(move |store| {
                let state = store
                    .state(&stream)?
                    .and_then(|text| serde_json::from_str::<StreamState>(&text).ok())
                    .unwrap_or_default();
                let since = Utc::now() - logdeck_core::archive_sync::RUNNING_LOOKBACK;
                Ok((state, store.oldest_running(&stream, since)?))
            })
            .await
            .map_err(|e| e.to_string())?
    };
    let now = Utc::now();
    let pass = state.pass_at(
        now,
        options.backfill,
        oldest_running,
        source.first_position(),
    );
    let window = pass.window();
    let query = LogQuery {
        period: Period::Absolute {
            from: window.from,
            to: window.to,
        },
        ..LogQuery::default()
    };
    let page = async {
        let request = source
            .request(&query, window, pass.position)
            .map_err(|e| e.to_string())?;
        let answer = lanes
            .get(http, source.lane(), Priority::Background, &request)
            .await?;
        source
            .decode(&answer, &query, window, pass.position)
            .map_err(|e| e.to_string())
    }
    .await;
    let (records, outcome) = match page {
        Ok(page) => (page.records, Ok((page.next, page.unreadable.len() as u64))),
        Err(error) => (Vec::new(), Err(error)),
    };
    let saved = {
        let stream = stream.clone();
        let outcome = outcome.clone();
        archive
            .with_store(move |store| {
                store.commit_page(&stream, &records, &mut |added| {
                    match &outcome {
                        Ok((next, unreadable)) => {
                            state.page_done(*next, added, *unreadable, Utc::now())
                        }
                        Err(error) => state.page_failed(error.clone()),
                    }
                    serialize(&state)
                })?;
                Ok(state)
            })
            .await
            .map_err(|e| e.to_string())?
    };
    outcome?;
    Ok(saved.pass.is_some())
}

fn serialize(state: &StreamState) -> String {
    serde_json::to_string(state).unwrap_or_else(|_| "{}".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader who leaves (its request dropped mid-call, as axum drops the
    /// handler of a closed connection) gives its place in the lane back.
    #[tokio::test]
    async fn a_call_dropped_mid_flight_frees_its_place_in_the_lane() {
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = silent.local_addr().unwrap();
        let _accepting = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = silent.accept().await {
                held.push(socket);
            }
        });
        let lanes = Lanes::default();
        let http = reqwest::Client::new();
        let request = ApiRequest {
            url: format!("http://{address}/never"),
            headers: Vec::new(),
        };
        let budget = Budget {
            per_minute: 600,
            concurrent: 1,
        };
        for _ in 0..3 {
            let call = lanes.get(
                &http,
                Some(("make".into(), budget)),
                Priority::Visible,
                &request,
            );
            assert!(tokio::time::timeout(StdDuration::from_millis(100), call)
                .await
                .is_err());
            let now = lanes.now();
            let state = lanes.with(|state| state.scheduler.lane_state("make", now));
            assert_eq!((state.in_flight, state.queued), (0, 0));
        }
    }
}
