//! The team archive: `logdeck-server --archive <store>` keeps every configured
//! stream in a store (SQLite by default, PostgreSQL for teams) with the core's
//! adapters, so history outlives the vendors' retention and the team spends
//! each vendor's rate budget once. The archive API serves it with the unified
//! filters, exact totals and the true volume over any period.

pub mod api;
pub mod collector;
pub mod forward;
pub mod freshness;
pub mod hourly;
pub mod postgres;
pub mod sqlite;
pub mod store;

use crate::relay::is_loopback;
use std::sync::{Arc, Mutex};

use logdeck_core::config::RuntimeConfig;
use logdeck_core::sources::Source;
use serde_json::Value;

use store::{Store, StoreError};

/// Where the archive lives: `sqlite:PATH` or a `postgres://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSpec {
    Sqlite(String),
    Postgres(String),
}

/// Shown without a PostgreSQL password, for logs and errors.
impl std::fmt::Display for StoreSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreSpec::Sqlite(path) => write!(f, "sqlite:{path}"),
            StoreSpec::Postgres(url) => match url::Url::parse(url) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("…"));
                    }
                    write!(f, "{parsed}")
                }
                Err(_) => f.write_str("postgres://(unreadable URL)"),
            },
        }
    }
}

impl StoreSpec {
    pub fn parse(text: &str) -> Result<StoreSpec, String> {
        if let Some(path) = text.strip_prefix("sqlite:") {
            return if path.is_empty() {
                Err("--archive sqlite: needs a file path (sqlite:logdeck-archive.db)".into())
            } else {
                Ok(StoreSpec::Sqlite(path.to_owned()))
            };
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(StoreSpec::Postgres(text.to_owned()));
        }
        Err("--archive: expected sqlite:PATH or a postgres:// URL".into())
    }

    /// Opens the store, creating or migrating its schema.
    pub fn open(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(match self {
            StoreSpec::Sqlite(path) => Box::new(sqlite::SqliteStore::open(path)?),
            StoreSpec::Postgres(url) => Box::new(postgres::PostgresStore::connect(url)?),
        })
    }
}

/// The store, shared by the collector's tasks and the API. Every call runs on
/// a blocking thread: both drivers block.
#[derive(Clone)]
pub struct Archive {
    store: Arc<Mutex<Box<dyn Store>>>,
    /// The source ids the collector keeps, which the app reads from here.
    streams: Arc<Vec<String>>,
    /// Shared by the collector's tasks and the API's readers.
    freshness: Arc<freshness::Freshness>,
    /// The collector's streams, client and lanes, for the detail calls the
    /// archive makes for readers; set when the collector starts.
    forwarding: Arc<std::sync::OnceLock<forward::Forwarding>>,
    /// `--keep`: rows older than this are deleted, so the archive holds a
    /// stream from its backfill's start or from this long ago, the later.
    keep: Arc<std::sync::OnceLock<chrono::Duration>>,
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Archive")
    }
}

impl Archive {
    pub fn new(store: Box<dyn Store>) -> Archive {
        Archive {
            store: Arc::new(Mutex::new(store)),
            streams: Arc::new(Vec::new()),
            freshness: Arc::default(),
            forwarding: Arc::default(),
            keep: Arc::default(),
        }
    }

    /// The same archive, announcing `streams` to the app (config.json).
    pub fn serving(self, streams: Vec<String>) -> Archive {
        Archive {
            streams: Arc::new(streams),
            ..self
        }
    }

    pub fn streams(&self) -> &[String] {
        &self.streams
    }

    /// The signals between `stream`'s readers and its collector.
    pub fn signals(&self, stream: &str) -> Arc<freshness::StreamSignals> {
        self.freshness.signals(stream)
    }

    /// The oldest instant the archive holds a stream from: its backfill's
    /// start, or the retention cut when that is later.
    pub fn covered_from(
        &self,
        state: &logdeck_core::archive_sync::StreamState,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        let kept_from = self
            .keep
            .get()
            .and_then(|keep| now.checked_sub_signed(*keep));
        match (state.covered_from, kept_from) {
            (Some(covered), Some(kept)) => Some(covered.max(kept)),
            (covered, _) => covered,
        }
    }

    /// What the archive needs to make a stream's detail calls; `None` before
    /// the collector starts.
    pub fn forwarding(&self) -> Option<&forward::Forwarding> {
        self.forwarding.get()
    }

    /// How far apart on-demand syncs of a stream may be.
    pub fn nudge_gap(&self) -> std::time::Duration {
        self.freshness.gap()
    }

    /// Runs `work` with the store on a blocking thread.
    pub async fn with_store<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = store
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            work(guard.as_mut())
        })
        .await
        .map_err(|e| StoreError(format!("the store's worker stopped: {e}")))?
    }
}

/// Starts the collector: one task per stream, sharing the connections' rate
/// budgets, and the retention sweep when `options.keep` is set.
pub fn spawn_collector(archive: &Archive, sources: Vec<Source>, options: collector::SyncOptions) {
    let http = match collector::http_client() {
        Ok(http) => http,
        Err(error) => {
            eprintln!("archive: no HTTP client ({error}); nothing is synced");
            return;
        }
    };
    let lanes = collector::Lanes::default();
    archive.freshness.set_poll(options.poll);
    if let Some(keep) = options.keep {
        let _ = archive.keep.set(keep);
    }
    let _ = archive.forwarding.set(forward::Forwarding {
        sources: sources.clone(),
        http: http.clone(),
        lanes: lanes.clone(),
    });
    for source in sources {
        tokio::spawn(collector::run_stream(
            archive.clone(),
            source,
            http.clone(),
            lanes.clone(),
            options.clone(),
        ));
    }
    if let Some(keep) = options.keep {
        let archive = archive.clone();
        tokio::spawn(async move {
            loop {
                let before = chrono::Utc::now() - keep;
                if let Err(error) = archive
                    .with_store(move |store| store.delete_before(before))
                    .await
                {
                    eprintln!("archive: retention: {error}");
                }
                tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            }
        });
    }
}

/// The streams of `connections` (config.json's `connections` form), their
/// relative base URLs (the demo's `/demo/…`) resolved against `base`. A key
/// or token given as `"env:NAME"` is read from the environment, so keys live
/// in the server's environment, never in a file the app is served. As for the
/// relay's upstreams, a base in plain `http://` must be this machine's unless
/// `insecure` (`--allow-insecure-upstream`): the archive's keys go with every call.
pub fn sources(connections: &[Value], base: &str, insecure: bool) -> Result<Vec<Source>, String> {
    if !insecure {
        connections.iter().try_for_each(refuse_keys_in_clear)?;
    }
    let resolved: Vec<Value> = connections
        .iter()
        .map(|connection| resolve(connection, base))
        .collect::<Result<_, _>>()?;
    let config = RuntimeConfig::parse(&serde_json::json!({ "connections": resolved }).to_string())
        .map_err(|e| format!("archive connections: {e}"))?;
    let mut seen = std::collections::HashSet::new();
    let mut streams = Vec::new();
    for source in Source::expand(&config) {
        match source.remote() {
            Some(remote) if remote.has_key() => {}
            _ => {
                return Err(format!(
                    "archive connection {}: no key or token",
                    source.label()
                ))
            }
        }
        if !seen.insert(source.id()) {
            return Err(format!(
                "archive connections: {} is listed twice",
                source.id()
            ));
        }
        streams.push(source);
    }
    Ok(streams)
}

/// A connection whose base is `http://` to another machine: its key would
/// cross the network in clear. A relative base is this server's own.
fn refuse_keys_in_clear(connection: &Value) -> Result<(), String> {
    let Some(base) = connection.get("baseUrl").and_then(Value::as_str) else {
        return Ok(());
    };
    if base.starts_with('/') {
        return Ok(());
    }
    match url::Url::parse(base) {
        Ok(url) if url.scheme() == "http" && !url.host().is_some_and(|host| is_loopback(&host)) => {
            Err(format!(
                "archive connection {base}: http:// would send its key in clear to {}; use \
                 https://, or --allow-insecure-upstream on a network you trust",
                url.host_str().unwrap_or("?")
            ))
        }
        _ => Ok(()),
    }
}

fn resolve(connection: &Value, base: &str) -> Result<Value, String> {
    let mut connection = connection.clone();
    let Some(object) = connection.as_object_mut() else {
        return Err("an archive connection is not an object".into());
    };
    if let Some(url) = object.get("baseUrl").and_then(Value::as_str) {
        if url.starts_with('/') {
            let absolute = format!("{}{url}", base.trim_end_matches('/'));
            object.insert("baseUrl".into(), Value::String(absolute));
        }
    }
    for field in ["key", "token"] {
        if let Some(name) = object
            .get(field)
            .and_then(Value::as_str)
            .and_then(|v| v.strip_prefix("env:"))
        {
            let secret = std::env::var(name).map_err(|_| {
                format!("archive connection: {field} names ${name}, which is not set")
            })?;
            object.insert(field.into(), Value::String(secret));
        }
    }
    Ok(connection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_specs_are_sqlite_paths_or_postgres_urls() {
        assert_eq!(
            StoreSpec::parse("sqlite:archive.db"),
            Ok(StoreSpec::Sqlite("archive.db".into()))
        );
        assert!(matches!(
            StoreSpec::parse("postgresql://u@localhost/logs"),
            Ok(StoreSpec::Postgres(_))
        ));
        assert!(StoreSpec::parse("sqlite:").is_err());
        assert!(StoreSpec::parse("mysql://x").is_err());
        let secret = StoreSpec::parse("postgres://team:hunter2@db/logs").unwrap();
        assert!(!secret.to_string().contains("hunter2"), "{secret}");
        assert!(secret.to_string().starts_with("postgres://team:"));
    }

    #[test]
    fn relative_bases_resolve_and_keys_come_from_the_environment() {
        std::env::set_var("LOGDECK_TEST_ARCHIVE_KEY", "app-secret");
        let connections = [serde_json::json!({
            "vendor": "dify", "id": "bot", "name": "Bot",
            "baseUrl": "/demo/dify/v1", "key": "env:LOGDECK_TEST_ARCHIVE_KEY"
        })];
        let sources = sources(&connections, "http://127.0.0.1:9/", false).unwrap();
        let request = sources[0]
            .request(
                &logdeck_core::query::LogQuery::default(),
                logdeck_core::query::TimeWindow {
                    from: chrono::Utc::now(),
                    to: chrono::Utc::now(),
                },
                1,
            )
            .unwrap();
        assert!(request
            .url
            .starts_with("http://127.0.0.1:9/demo/dify/v1/workflows/logs?"));
        assert!(request.headers[0].1.contains("app-secret"));
        let missing = [serde_json::json!({
            "vendor": "dify", "id": "bot", "name": "Bot", "baseUrl": "/d", "key": "env:LOGDECK_TEST_UNSET_KEY"
        })];
        assert!(sources_error(&missing).contains("LOGDECK_TEST_UNSET_KEY"));
    }

    #[test]
    fn keys_never_go_in_clear_to_another_machine() {
        std::env::set_var("LOGDECK_TEST_CLEAR_KEY", "clear-secret");
        let at = |base: &str| {
            [serde_json::json!({
                "vendor": "dify", "id": "bot", "name": "Bot",
                "baseUrl": base, "key": "env:LOGDECK_TEST_CLEAR_KEY"
            })]
        };
        for in_clear in [
            "http://0.0.0.0:8452/v1",
            "http://dify.internal/v1",
            "HTTP://10.0.0.5/v1",
        ] {
            let error = sources_error(&at(in_clear));
            assert!(error.contains("in clear"), "{in_clear}: {error}");
            assert!(!error.contains("clear-secret"), "{error}");
            assert!(
                sources(&at(in_clear), "http://127.0.0.1:9", true).is_ok(),
                "{in_clear}"
            );
        }
        for fine in [
            "https://api.dify.ai/v1",
            "http://127.0.0.1:8451/v1",
            "http://localhost:1/v1",
            "http://[::1]:2/v1",
            "/demo/dify/v1",
        ] {
            assert!(
                sources(&at(fine), "http://0.0.0.0:9", false).is_ok(),
                "{fine}"
            );
        }
    }

    fn sources_error(connections: &[Value]) -> String {
        match sources(connections, "http://127.0.0.1:9", false) {
            Err(error) => error,
            Ok(_) => String::from("no error"),
        }
    }
}
