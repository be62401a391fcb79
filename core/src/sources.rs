//! Sources: the paged streams a configuration expands into (one per Make scenario,
//! Make audit log, Dify app, Aitronos account, opened file), and the one place that
//! routes a unified query to the right stream. Each variant's behaviour lives in its
//! vendor's module behind [`Stream`] and [`Remote`]; this file only dispatches.

use crate::adapters::archive::ArchivedStream;
use crate::adapters::dify::KeywordSearch;
use crate::adapters::make_audit::{AuditScope, AuditStream};
use crate::adapters::make_scenarios::ScenarioStream;
use crate::adapters::{Capabilities, DecodeError, Page, ServerApplied};
use crate::config::{AitronosConnection, Connection, DifyConnection, RuntimeConfig};
use crate::csv_file::FileSnapshot;
use crate::http::{ApiRequest, HttpAnswer, RelayRefusal, VendorError};
use crate::model::{CollectionType, LogRecord, SharedRecord};
use crate::query::{LogQuery, TimeWindow};
use crate::scheduler::Budget;
use crate::status::Status;
use crate::stream::{PageAt, Remote, Stream};
use crate::vendor::Vendor;

pub use crate::stream::PAGE_SIZE;

/// One paged stream of records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    MakeScenario(ScenarioStream),
    MakeAudit(AuditStream),
    Dify(DifyConnection),
    Aitronos(AitronosConnection),
    /// A CSV snapshot opened from disk: its rows are all loaded at once and every
    /// filter runs in the browser.
    File(FileSnapshot),
    /// A vendor stream the team archive has synced, read from the archive.
    Archived(ArchivedStream),
    /// Dify's own search of one app, asked beside the app's load while a
    /// search is on ([`Source::server_search`]): its rows are the app's, and
    /// they match whatever their shown fields say.
    DifySearch(KeywordSearch),
}

/// The connections of `config` that read nothing (a Make connection without
/// a scenario, an organization or a team), named for the dashboard: a
/// connection that expands to no source would otherwise vanish unsaid. The
/// sentence ends where the page links to the connections screen.
pub fn reads_nothing_note(config: &RuntimeConfig) -> Option<String> {
    let idle: Vec<&str> = config
        .connections
        .iter()
        .filter(|connection| connection.sources().is_empty())
        .map(Connection::name)
        .collect();
    let (reads, it) = match idle.len() {
        0 => return None,
        1 => ("reads", "it"),
        _ => ("read", "each"),
    };
    Some(format!(
        "{} {reads} nothing yet: give {it} a scenario, or the organization or team id whose audit log to read, on",
        idle.join(", ")
    ))
}

/// Why a source could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// The connection has no key yet.
    MissingKey,
    /// The vendor refused; carries its decoded message.
    Vendor(VendorError),
    /// The Logdeck relay itself refused (sign-in, busy, origin…), before the vendor.
    Relay(RelayRefusal),
    /// The answer did not match the vendor's documented shape.
    Decode(DecodeError),
    /// No answer arrived: offline, DNS, or the vendor refuses browser calls (CORS).
    /// Carries what the transport said.
    Unreachable(String),
    /// A file snapshot has nothing to request.
    NotRemote,
}

impl SourceError {
    /// Whether more calls of the same source would fail alike: no key, a key
    /// refused, the relay refusing, or no answer at all. A call that fails
    /// otherwise (one odd answer) says nothing of the next.
    pub fn ends_the_source(&self) -> bool {
        match self {
            SourceError::MissingKey | SourceError::Relay(_) | SourceError::Unreachable(_) => true,
            SourceError::Vendor(error) => matches!(error.http_status, 401 | 403),
            SourceError::Decode(_) | SourceError::NotRemote => false,
        }
    }
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::MissingKey => f.write_str("no API key: add one for this connection"),
            SourceError::Vendor(error) => error.fmt(f),
            SourceError::Relay(refusal) => write!(f, "{refusal}. {}", refusal.fix()),
            SourceError::Decode(error) => error.fmt(f),
            SourceError::Unreachable(detail) => write!(
                f,
                "the browser could not reach the server ({detail}); check the URL, your \
                 network, or whether the vendor allows browser calls (use the relay if not)"
            ),
            SourceError::NotRemote => f.write_str("a file has no server to ask"),
        }
    }
}

impl std::error::Error for SourceError {}

impl SourceError {
    /// The body of a 200 answer, or the vendor's error (decoded by `decode_error`)
    /// for any other status: for detail calls outside the paged list.
    pub fn check(
        answer: &HttpAnswer,
        decode_error: fn(u16, &str) -> VendorError,
    ) -> Result<&str, SourceError> {
        if answer.status == 200 {
            return Ok(&answer.body);
        }
        if let Some(refusal) = RelayRefusal::from_answer(answer) {
            return Err(SourceError::Relay(refusal));
        }
        let mut error = decode_error(answer.status, &answer.body);
        error.retry_after = answer.retry_after;
        Err(SourceError::Vendor(error))
    }
}

impl Connection {
    /// The streams this connection reads, in a stable order.
    pub fn sources(&self) -> Vec<Source> {
        match self {
            Connection::Make(make) => {
                let scenarios = make.scenarios.iter().map(|scenario| {
                    Source::MakeScenario(ScenarioStream {
                        connection: make.clone(),
                        scenario: scenario.clone(),
                    })
                });
                let audit = AuditScope::of(make).map(|scope| {
                    Source::MakeAudit(AuditStream {
                        connection: make.clone(),
                        scope,
                    })
                });
                scenarios.chain(audit).collect()
            }
            Connection::Dify(dify) => vec![Source::Dify(dify.clone())],
            Connection::Aitronos(aitronos) => vec![Source::Aitronos(aitronos.clone())],
        }
    }
}

impl Source {
    /// Every source of every connection, in configuration order; those the
    /// team archive holds are read from it.
    pub fn expand(config: &RuntimeConfig) -> Vec<Source> {
        config
            .connections
            .iter()
            .flat_map(Connection::sources)
            .map(|source| match &config.archive {
                Some(archive) if archive.streams.contains(&source.id()) => {
                    Source::Archived(ArchivedStream {
                        inner: Box::new(source),
                        api: archive.api.clone(),
                    })
                }
                _ => source,
            })
            .collect()
    }

    /// A snapshot opened from a file named `name`.
    pub fn file(name: impl Into<String>) -> Source {
        Source::File(FileSnapshot { name: name.into() })
    }

    /// What every source can answer, whatever it reads from.
    pub fn stream(&self) -> &dyn Stream {
        match self {
            Source::MakeScenario(stream) => stream,
            Source::MakeAudit(stream) => stream,
            Source::Dify(stream) => stream,
            Source::Aitronos(stream) => stream,
            Source::File(snapshot) => snapshot,
            Source::Archived(stream) => stream,
            Source::DifySearch(stream) => stream,
        }
    }

    /// The vendor API behind it; `None` for an opened file.
    pub fn remote(&self) -> Option<&dyn Remote> {
        match self {
            Source::MakeScenario(stream) => Some(stream),
            Source::MakeAudit(stream) => Some(stream),
            Source::Dify(stream) => Some(stream),
            Source::Aitronos(stream) => Some(stream),
            Source::File(_) => None,
            Source::Archived(stream) => Some(stream),
            Source::DifySearch(stream) => Some(stream),
        }
    }

    /// Stable id, unique within a configuration.
    pub fn id(&self) -> String {
        self.stream().id()
    }

    /// The scheduler lane its calls queue in, and the lane's budget: one lane per
    /// connection, since vendors count calls per account (Make per organisation),
    /// whichever of its streams makes them. `None` for a file.
    pub fn lane(&self) -> Option<(String, Budget)> {
        let (id, per_minute, vendor) = match self {
            Source::MakeScenario(ScenarioStream { connection, .. })
            | Source::MakeAudit(AuditStream { connection, .. }) => {
                (&connection.id, connection.requests_per_minute, Vendor::Make)
            }
            Source::Dify(dify) | Source::DifySearch(KeywordSearch(dify)) => {
                (&dify.id, dify.requests_per_minute, Vendor::Dify)
            }
            Source::Aitronos(aitronos) => {
                (&aitronos.id, aitronos.requests_per_minute, Vendor::Aitronos)
            }
            Source::File(_) => return None,
            // One lane for the archive: it is this server, not a vendor's budget.
            Source::Archived(_) => {
                return Some((
                    "archive".to_owned(),
                    Budget {
                        per_minute: 6_000,
                        concurrent: Budget::CONSERVATIVE.concurrent,
                    },
                ))
            }
        };
        let budget = Budget {
            per_minute: per_minute.unwrap_or_else(|| vendor.default_calls_per_minute()),
            concurrent: Budget::CONSERVATIVE.concurrent,
        };
        Some((id.clone(), budget))
    }

    /// The vendor behind it; `None` for a file.
    pub fn vendor(&self) -> Option<Vendor> {
        match self {
            Source::MakeScenario(_) | Source::MakeAudit(_) => Some(Vendor::Make),
            Source::Dify(_) | Source::DifySearch(_) => Some(Vendor::Dify),
            Source::Aitronos(_) => Some(Vendor::Aitronos),
            Source::File(_) => None,
            Source::Archived(stream) => stream.inner.vendor(),
        }
    }

    /// Where its calls go (after routing); `None` for a file.
    pub fn base_url(&self) -> Option<&str> {
        match self {
            Source::MakeScenario(ScenarioStream { connection, .. })
            | Source::MakeAudit(AuditStream { connection, .. }) => Some(&connection.base_url),
            Source::Dify(dify) | Source::DifySearch(KeywordSearch(dify)) => Some(&dify.base_url),
            Source::Aitronos(aitronos) => Some(&aitronos.base_url),
            Source::File(_) => None,
            Source::Archived(stream) => Some(&stream.api),
        }
    }

    /// Whether the vendor's count of rows for `query` is the count the view
    /// would show (its server applies every filter the query sets).
    pub fn counts_exactly(&self, query: &LogQuery) -> bool {
        let stream = self.stream();
        let by_selection = stream.fixed_collection().is_some();
        self.capabilities()
            .counts_exactly(query, self.kind(), by_selection)
    }

    /// Which of `query`'s filters this source's server applies alone: a status
    /// only when its request carries it (an API that cannot ask for "Warning"
    /// returns every row, and the browser filters them).
    pub fn server_applied(&self, query: &LogQuery) -> ServerApplied {
        self.capabilities().server_applied(query, self.kind())
    }

    /// The search its server runs by rules of its own, to load beside it while
    /// `query` searches (Dify's keyword: each run's inputs, outputs and ids),
    /// for the longest term the app's name lacks: the rows it finds hold that
    /// term. `None` when there is no such search, or every row of the source
    /// shows every term anyway, in the collection name all its rows carry (a
    /// Dify app's name).
    pub fn server_search(&self, query: &LogQuery) -> Option<Source> {
        let Source::Dify(dify) = self else {
            return None;
        };
        query.search()?.server_term_beside(&dify.name)?;
        Some(Source::DifySearch(KeywordSearch(dify.clone())))
    }

    /// Whether this is a server's own search beside a source's load
    /// ([`Source::server_search`]).
    pub fn is_server_search(&self) -> bool {
        matches!(self, Source::DifySearch(_))
    }

    /// What people call it: connection and collection.
    pub fn label(&self) -> String {
        self.stream().label()
    }

    pub fn kind(&self) -> CollectionType {
        self.stream().kind()
    }

    pub fn capabilities(&self) -> Capabilities {
        self.stream().capabilities()
    }

    /// Whether the query can select any row of this source at all; if not, no
    /// request is made (the collection type, the collection or the status rules it
    /// out: audit entries are all events, only Dify's runs are Running).
    pub fn is_selected_by(&self, query: &LogQuery) -> bool {
        let stream = self.stream();
        // A file's rows carry their own kinds: the type filter runs per row.
        let type_ok = query.types.is_empty()
            || query.types.contains(&stream.kind())
            || matches!(self, Source::File(_));
        let collection_ok = query.collections.is_empty()
            || stream
                .fixed_collection()
                .is_none_or(|name| query.collections.contains(name));
        let status_ok = query.statuses.is_empty() || stream.can_have_status(&query.statuses);
        // Only audit entries have an event: with one chosen, no other source can match.
        let event_ok = query.events.is_empty()
            || stream.kind() == CollectionType::MakeAudit
            || matches!(self, Source::File(_));
        // Only one vendor's rows carry a given kind of client id.
        let client_id_ok = query.client_ids.is_empty()
            || query
                .client_ids
                .iter()
                .any(|id| id.kind.collection_type() == stream.kind())
            || matches!(self, Source::File(_));
        type_ok && collection_ok && status_ok && event_ok && client_id_ok
    }

    /// Where paging starts: offset 0, or Dify's page 1.
    pub fn first_position(&self) -> u64 {
        self.remote().map_or(0, Remote::first_position)
    }

    /// The request for the page at `position`.
    pub fn request(
        &self,
        query: &LogQuery,
        window: TimeWindow,
        position: u64,
    ) -> Result<ApiRequest, SourceError> {
        let remote = self.remote().ok_or(SourceError::NotRemote)?;
        if !remote.has_key() {
            return Err(SourceError::MissingKey);
        }
        Ok(remote.list_request(page_at(query, window, position)))
    }

    /// What a load of this source for `query` over `window` is: its first
    /// request's URL and the exact window. The window counts apart from the
    /// URL because a vendor may be asked by the day (Make's audit logs) with
    /// its rows trimmed to the instant here: two periods on one day ask the
    /// same URL but hold different rows, so a change of either is a new load.
    pub fn load_identity(&self, query: &LogQuery, window: TimeWindow) -> String {
        let first = self
            .request(query, window, self.first_position())
            .map(|request| request.url)
            .unwrap_or_default();
        format!(
            "{first}@{}..{}",
            window.from.timestamp_micros(),
            window.to.timestamp_micros()
        )
    }

    /// Decodes the answer to [`Source::request`]: a page on 200, the vendor's error
    /// (with any `Retry-After`) otherwise.
    pub fn decode(
        &self,
        answer: &HttpAnswer,
        query: &LogQuery,
        window: TimeWindow,
        position: u64,
    ) -> Result<Page, SourceError> {
        let remote = self.remote().ok_or(SourceError::NotRemote)?;
        if answer.status != 200 {
            return Err(refused(remote, answer));
        }
        let mut page = remote
            .decode_page(&answer.body, page_at(query, window, position))
            .map_err(SourceError::Decode)?;
        let id = self.id();
        for record in &mut page.records {
            record.source.clone_from(&id);
        }
        Ok(page)
    }

    /// Whether rows of some status may have a message read later (see
    /// [`Remote::reads_messages_later_for`]).
    pub fn reads_messages_later(&self) -> bool {
        Status::ALL
            .iter()
            .any(|&status| self.reads_messages_later_for(status))
    }

    /// See [`Remote::reads_messages_later_for`].
    pub fn reads_messages_later_for(&self, status: Status) -> bool {
        self.remote()
            .is_some_and(|remote| remote.reads_messages_later_for(status))
    }

    /// The call that tells `record`'s message where its row carries none (see
    /// [`Remote::message_request`]); `None` when there is nothing more to ask.
    pub fn message_request(&self, record: &LogRecord) -> Option<ApiRequest> {
        let remote = self.remote().filter(|remote| remote.has_key())?;
        // Only for the statuses the scan for unread messages looks at.
        remote
            .reads_messages_later_for(record.status)
            .then(|| remote.message_request(record))?
    }

    /// The message in the answer to [`Source::message_request`].
    pub fn decode_message(&self, answer: &HttpAnswer) -> Result<Option<String>, SourceError> {
        let remote = self.remote().ok_or(SourceError::NotRemote)?;
        if answer.status != 200 {
            return Err(refused(remote, answer));
        }
        remote
            .decode_message(&answer.body)
            .map_err(SourceError::Decode)
    }

    /// The vendor's message for a refusal; `None` for a file.
    pub fn decode_error(&self, http_status: u16, body: &str) -> Option<VendorError> {
        Some(self.remote()?.decode_error(http_status, body))
    }

    /// The rows of an opened file that fall in `window`, newest first, attributed
    /// to this source (a file's rows are filtered by period in the browser).
    /// Rows already attributed to it are shared, not copied.
    pub fn file_rows(&self, records: &[SharedRecord], window: TimeWindow) -> Vec<SharedRecord> {
        let id = self.id();
        let mut rows: Vec<SharedRecord> = records
            .iter()
            .filter(|r| (window.from..=window.to).contains(&r.timestamp))
            .map(|r| {
                if r.source == id {
                    SharedRecord::clone(r)
                } else {
                    SharedRecord::new(LogRecord {
                        source: id.clone(),
                        ..LogRecord::clone(r)
                    })
                }
            })
            .collect();
        rows.sort_by_key(|r| std::cmp::Reverse(r.timestamp));
        rows
    }

    /// The source a record key (`source:id`) belongs to.
    pub fn find<'a>(sources: &'a [Source], record_key: &str) -> Option<&'a Source> {
        sources.iter().find(|source| {
            record_key
                .strip_prefix(source.id().as_str())
                .is_some_and(|rest| rest.starts_with(':'))
        })
    }
}

/// Why a non-200 answer failed: the relay's own refusal, or the vendor's.
fn refused(remote: &dyn Remote, answer: &HttpAnswer) -> SourceError {
    if let Some(refusal) = RelayRefusal::from_answer(answer) {
        return SourceError::Relay(refusal);
    }
    let mut error = remote.decode_error(answer.status, &answer.body);
    error.retry_after = answer.retry_after;
    SourceError::Vendor(error)
}

fn page_at(query: &LogQuery, window: TimeWindow, position: u64) -> PageAt<'_> {
    PageAt {
        query,
        window,
        position,
        limit: PAGE_SIZE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Status;
    use chrono::{TimeZone, Utc};

    const CONFIG: &str = r#"{"connections":[
        {"vendor":"make","id":"mk","name":"Make","baseUrl":"/demo/make/api/v2","token":"t",
         "organizationId":11,"scenarios":[{"id":1,"name":"Sync"},{"id":2,"name":"Invoices"}]},
        {"vendor":"dify","id":"df","name":"Support bot","baseUrl":"/demo/dify/v1"},
        {"vendor":"aitronos","id":"ai","name":"Aitronos","baseUrl":"/demo/aitronos","key":"k","organizationId":"org"}
    ]}"#;

    fn sources() -> Vec<Source> {
        Source::expand(&RuntimeConfig::parse(CONFIG).unwrap())
    }

    #[test]
    fn a_refused_key_or_no_answer_ends_the_source_and_one_odd_answer_does_not() {
        let vendor = |http_status| {
            SourceError::Vendor(VendorError {
                vendor: crate::vendor::Vendor::Make,
                http_status,
                message: "x".into(),
                trace_id: None,
                retry_after: None,
            })
        };
        assert!(vendor(401).ends_the_source() && vendor(403).ends_the_source());
        assert!(SourceError::Unreachable("offline".into()).ends_the_source());
        assert!(SourceError::MissingKey.ends_the_source());
        assert!(!vendor(404).ends_the_source() && !vendor(500).ends_the_source());
    }

    fn answer(status: u16, body: &str) -> HttpAnswer {
        HttpAnswer {
            status,
            body: body.to_owned(),
            retry_after: None,
        }
    }

    #[test]
    fn connections_that_read_nothing_are_named() {
        assert_eq!(
            reads_nothing_note(&RuntimeConfig::parse(CONFIG).unwrap()),
            None
        );
        let idle = r#"{"connections":[
            {"vendor":"make","id":"a","name":"Make EU","baseUrl":"/demo/make/api/v2"},
            {"vendor":"make","id":"b","name":"Make US","baseUrl":"/demo/make/api/v2"}
        ]}"#;
        let config = RuntimeConfig::parse(idle).unwrap();
        assert_eq!(
            reads_nothing_note(&config).as_deref(),
            Some("Make EU, Make US read nothing yet: give each a scenario, or the organization or team id whose audit log to read, on")
        );
        let one = RuntimeConfig {
            connections: config.connections[..1].to_vec(),
            ..config
        };
        assert!(reads_nothing_note(&one)
            .is_some_and(|note| note.starts_with("Make EU reads nothing yet: give it")));
    }

    #[test]
    fn a_connections_streams_share_one_lane_with_its_budget() {
        let sources = sources();
        let lanes: Vec<Option<(String, Budget)>> = sources.iter().map(Source::lane).collect();
        let make = Some((
            "mk".to_owned(),
            Budget {
                per_minute: 60,
                concurrent: 4,
            },
        ));
        assert_eq!(
            lanes[..3],
            [make.clone(), make.clone(), make],
            "2 scenarios and the audit log"
        );
        assert_eq!(
            lanes[3].as_ref().map(|l| (l.0.as_str(), l.1.per_minute)),
            Some(("df", 120))
        );
        let own = RuntimeConfig::parse(
            r#"{"connections":[{"vendor":"dify","id":"d","name":"D","baseUrl":"/x","requestsPerMinute":1000}]}"#,
        )
        .unwrap();
        let lane = Source::expand(&own)[0].lane().unwrap();
        assert_eq!(lane.1.per_minute, 1_000);
        assert_eq!(Source::file("f.csv").lane(), None);
    }

    fn window() -> TimeWindow {
        TimeWindow {
            from: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap(),
        }
    }

    #[test]
    fn two_periods_on_one_day_are_two_loads_even_where_the_vendor_is_asked_by_the_day() {
        let query = LogQuery::default();
        let day = window();
        let hour = TimeWindow {
            from: day.to - chrono::Duration::hours(1),
            to: day.to,
        };
        let quarter = TimeWindow {
            from: day.to - chrono::Duration::minutes(15),
            to: day.to,
        };
        let audit = &sources()[2];
        assert_eq!(audit.id(), "mk/audit");
        let url = |window| audit.request(&query, window, 0).unwrap().url;
        assert_eq!(
            url(hour),
            url(quarter),
            "Make's audit log is asked by the day"
        );
        assert_ne!(
            audit.load_identity(&query, hour),
            audit.load_identity(&query, quarter)
        );
        assert_eq!(
            audit.load_identity(&query, hour),
            audit.load_identity(&query, hour)
        );
        for source in sources() {
            assert_ne!(
                source.load_identity(&query, hour),
                source.load_identity(&query, quarter),
                "{}",
                source.id()
            );
        }
    }

    #[test]
    fn only_make_scenario_runs_read_their_messages_later() {
        let later: Vec<bool> = sources().iter().map(Source::reads_messages_later).collect();
        assert_eq!(later, [true, true, false, false, false]);
        assert!(!Source::file("f.csv").reads_messages_later());
        // Only failed and warned runs: a success's row says all there is.
        let make = &sources()[0];
        assert!(make.reads_messages_later_for(Status::Error));
        assert!(make.reads_messages_later_for(Status::Warning));
        assert!(!make.reads_messages_later_for(Status::Success));
        assert!(!make.reads_messages_later_for(Status::Running));
    }

    #[test]
    fn a_config_expands_into_one_source_per_stream() {
        let ids: Vec<String> = sources().iter().map(Source::id).collect();
        assert_eq!(
            ids,
            ["mk/scenario/1", "mk/scenario/2", "mk/audit", "df", "ai"]
        );
        let labels: Vec<String> = sources().iter().map(Source::label).collect();
        assert_eq!(labels[0], "Make · Sync");
        assert_eq!(labels[3], "Dify · Support bot");
    }

    /// The ids of the sources `query` selects.
    fn selected_by(query: &LogQuery) -> Vec<String> {
        sources()
            .iter()
            .filter(|s| s.is_selected_by(query))
            .map(Source::id)
            .collect()
    }

    #[test]
    fn type_and_collection_filters_skip_whole_sources() {
        let mut query = LogQuery::default();
        query.types.insert(CollectionType::DifyWorkflows);
        let selected = selected_by(&query);
        assert_eq!(selected, ["df"]);

        let query = LogQuery {
            collections: ["Invoices".to_owned()].into(),
            ..LogQuery::default()
        };
        let selected = selected_by(&query);
        // The audit log and Aitronos name their collections per row: they stay.
        assert_eq!(selected, ["mk/scenario/2", "mk/audit", "ai"]);

        let query = LogQuery {
            statuses: [Status::Error].into(),
            ..LogQuery::default()
        };
        let selected = selected_by(&query);
        assert!(
            !selected.contains(&"mk/audit".to_owned()),
            "audit entries are never errors"
        );
        let only = |status: Status| {
            selected_by(&LogQuery {
                statuses: [status].into(),
                ..LogQuery::default()
            })
        };
        assert_eq!(only(Status::Running), ["df"], "only Dify's runs run");
        assert_eq!(only(Status::Blocked), ["ai"]);
        assert_eq!(only(Status::Event), ["mk/audit"]);
        assert_eq!(
            only(Status::Unknown),
            ["mk/scenario/1", "mk/scenario/2", "df", "ai"],
            "every vendor may send a row without a status"
        );
        assert!(Source::file("f.csv").is_selected_by(&LogQuery {
            statuses: [Status::Running].into(),
            ..LogQuery::default()
        }));

        let query = LogQuery {
            events: ["key_created".to_owned()].into(),
            ..LogQuery::default()
        };
        let selected = selected_by(&query);
        assert_eq!(selected, ["mk/audit"], "only audit entries have events");
        let audit = sources()[2].request(&query, window(), 0).unwrap();
        assert!(
            audit.url.contains("event%5B0%5D=key_created"),
            "{}",
            audit.url
        );
    }

    #[test]
    fn a_status_counts_as_applied_by_the_server_only_when_the_request_carries_it() {
        use crate::status::Status;
        // Every source with its key, so each one's request is built.
        let keyed = CONFIG.replace(
            r#""baseUrl":"/demo/dify/v1"}"#,
            r#""baseUrl":"/demo/dify/v1","key":"k"}"#,
        );
        assert_ne!(keyed, CONFIG);
        let sources = Source::expand(&RuntimeConfig::parse(&keyed).unwrap());
        let mut sent = 0;
        for source in sources {
            for status in Status::ALL {
                let query = LogQuery {
                    statuses: [status].into(),
                    ..LogQuery::default()
                };
                let request = source.request(&query, window(), 0).unwrap();
                let carried = request.url.contains("status=");
                sent += usize::from(carried);
                assert_eq!(
                    source.server_applied(&query).status,
                    carried,
                    "{} with {status:?}: {}",
                    source.id(),
                    request.url
                );
                if !carried {
                    assert!(!source.counts_exactly(&query), "{} {status:?}", source.id());
                }
                // The filter bar's hint names the statuses the server is asked for.
                let hint = source.capabilities().status.describe();
                if hint.contains("when only") {
                    assert_eq!(
                        hint.contains(status.label()),
                        carried,
                        "{}: {hint}",
                        source.id()
                    );
                }
            }
        }
        assert!(sent > 3, "some statuses do go to the servers");
    }

    #[test]
    fn a_client_id_asks_only_its_vendor_and_goes_to_its_server() {
        use crate::client_id::{ClientId, ClientIdKind};
        let credential = ClientId::new(ClientIdKind::AitronosCredential, "cred_1");
        let query = LogQuery {
            client_ids: [credential.clone()].into(),
            ..LogQuery::default()
        };
        assert_eq!(
            selected_by(&query),
            ["ai"],
            "only Aitronos rows carry credentials"
        );
        let source = sources().into_iter().find(|s| s.id() == "ai").unwrap();
        let request = source.request(&query, window(), 0).unwrap();
        assert!(
            request.url.contains("credential_id=cred_1"),
            "{}",
            request.url
        );
        assert!(source.server_applied(&query).client_id);
        let two = LogQuery {
            client_ids: [
                credential,
                ClientId::new(ClientIdKind::AitronosCredential, "cred_2"),
            ]
            .into(),
            ..LogQuery::default()
        };
        let request = source.request(&two, window(), 0).unwrap();
        assert!(
            !request.url.contains("credential_id"),
            "one value per request: the browser filters two"
        );
        assert!(!source.server_applied(&two).client_id);
        assert!(!source.counts_exactly(&two));
        // Another vendor's id beside it is not this server's business.
        let with_dify = LogQuery {
            client_ids: [
                ClientId::new(ClientIdKind::AitronosCredential, "cred_1"),
                ClientId::new(ClientIdKind::DifyAccount, "ada@acme.io"),
            ]
            .into(),
            ..LogQuery::default()
        };
        let request = source.request(&with_dify, window(), 0).unwrap();
        assert!(
            request.url.contains("credential_id=cred_1"),
            "{}",
            request.url
        );
        assert!(source.server_applied(&with_dify).client_id);
        assert!(source.counts_exactly(&with_dify));
    }

    #[test]
    fn a_dify_app_is_searched_in_the_browser_and_by_difys_keyword_beside_it() {
        let dify = Source::expand(
            &RuntimeConfig::parse(&CONFIG.replace(
                r#""baseUrl":"/demo/dify/v1""#,
                r#""baseUrl":"/demo/dify/v1","key":"k""#,
            ))
            .unwrap(),
        )
        .into_iter()
        .find(|s| s.id() == "df")
        .unwrap();
        let search = |text: &str| LogQuery {
            text: text.into(),
            ..LogQuery::default()
        };
        // The app's own load never sends the text: the browser matches it, so
        // typing keeps the rows loaded without a search.
        let refund = search("refund");
        let own = dify.request(&refund, window(), 1).unwrap();
        assert!(!own.url.contains("keyword"), "{}", own.url);
        assert!(!dify.server_applied(&refund).text);
        assert!(!dify.counts_exactly(&refund));
        assert_eq!(
            dify.load_identity(&refund, window()),
            dify.load_identity(&LogQuery::default(), window())
        );
        // Dify's own search is loaded beside it, as the app's rows.
        let beside = dify.server_search(&refund).unwrap();
        assert!(beside.is_server_search());
        assert_eq!(beside.id(), dify.id());
        assert_eq!(beside.lane(), dify.lane(), "one app, one budget");
        let asked = beside.request(&refund, window(), 1).unwrap();
        assert!(asked.url.contains("keyword=refund"), "{}", asked.url);
        assert!(
            !beside.counts_exactly(&refund),
            "it counts its finds, not the view"
        );
        assert_ne!(
            beside.load_identity(&refund, window()),
            beside.load_identity(&search("refunds"), window())
        );
        // Not without a search, nor for a word of the app's name, which every
        // one of its rows shows; nor for other sources.
        assert_eq!(dify.server_search(&LogQuery::default()), None);
        assert_eq!(dify.server_search(&search(" SUPPORT ")), None);
        // Beside a longer word of the name, Dify is asked for the other word,
        // as typed (Dify ignores case itself).
        let with_name = search("Support Refund");
        let beside = dify.server_search(&with_name).unwrap();
        let asked = beside.request(&with_name, window(), 1).unwrap();
        assert!(asked.url.contains("keyword=Refund&"), "{}", asked.url);
        // Not for a term longer than Dify reads: its finds need not hold it.
        assert_eq!(
            dify.server_search(&search("\"the tool did not answer within thirty s\"")),
            None
        );
        let make = sources()
            .into_iter()
            .find(|s| s.id().starts_with("mk"))
            .unwrap();
        assert_eq!(make.server_search(&refund), None);
    }

    #[test]
    fn requests_route_to_each_adapter_and_missing_keys_are_reported() {
        let query = LogQuery {
            statuses: [Status::Error].into(),
            ..LogQuery::default()
        };
        let sources = sources();
        let make = sources[0].request(&query, window(), 0).unwrap();
        assert!(
            make.url.starts_with("/demo/make/api/v2/scenarios/1/logs?")
                && make.url.contains("status=3")
        );
        let audit = sources[2].request(&query, window(), 100).unwrap();
        assert!(audit
            .url
            .starts_with("/demo/make/api/v2/audit-logs/organization/11?"));
        assert_eq!(
            sources[3].request(&query, window(), 1),
            Err(SourceError::MissingKey)
        );
        assert_eq!(sources[3].first_position(), 1);
        let aitronos = sources[4].request(&query, window(), 0).unwrap();
        assert!(aitronos.url.contains("status=error"));
    }

    #[test]
    fn answers_decode_through_the_right_adapter() {
        let query = LogQuery::default();
        let sources = sources();
        let page = sources[4]
            .decode(
                &answer(
                    200,
                    r#"{"logs":[{"id":"a","created_at":"2026-01-01T05:00:00Z"}],"has_more":false}"#,
                ),
                &query,
                window(),
                0,
            )
            .unwrap();
        assert_eq!(page.records[0].source, "ai");
        let make = sources[0]
            .decode(
                &answer(
                    200,
                    r#"{"scenarioLogs":[{"id":5,"timestamp":"2026-01-01T05:00:00Z","status":1}]}"#,
                ),
                &query,
                window(),
                0,
            )
            .unwrap();
        assert_eq!(make.records[0].key(), "mk/scenario/1:5");
        assert_eq!(
            Source::find(&sources, "mk/scenario/1:5")
                .map(Source::id)
                .as_deref(),
            Some("mk/scenario/1")
        );
        assert_eq!(Source::find(&sources, "mk/scenario/10:5"), None);
        let refused = sources[4].decode(
            &answer(
                403,
                r#"{"success":false,"error":{"message":"No access","trace_id":"req_1"}}"#,
            ),
            &query,
            window(),
            0,
        );
        let Err(SourceError::Vendor(error)) = refused else {
            panic!("expected a vendor error")
        };
        assert_eq!(
            (error.http_status, error.trace_id.as_deref()),
            (403, Some("req_1"))
        );
        let broken = sources[0].decode(&answer(200, "{"), &query, window(), 0);
        assert!(
            matches!(broken, Err(SourceError::Decode(error)) if error.api == "Make scenario logs")
        );
    }
}
