//! Sources: the paged streams a configuration expands into (one per Make scenario,
//! Make audit log, Dify app, Aitronos account), and the one place that routes a
//! unified query to the right adapter.

use super::adapters::{aitronos, dify, make_audit, make_scenarios, Applied, Capabilities, Page};
use super::config::{
    AitronosConnection, Connection, DifyConnection, MakeConnection, RuntimeConfig, ScenarioRef,
};
use super::http::{ApiRequest, VendorError};
use super::model::{CollectionType, LogRecord};
use super::query::{LogQuery, TimeWindow};
use super::status::Status;

/// Rows asked for per request.
pub const PAGE_SIZE: u32 = 100;

/// One paged stream of records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    MakeScenario {
        connection: MakeConnection,
        scenario: ScenarioRef,
    },
    MakeAudit {
        connection: MakeConnection,
        scope: make_audit::AuditScope,
    },
    Dify(DifyConnection),
    Aitronos(AitronosConnection),
    /// A CSV snapshot opened from disk: its rows are all loaded at once and every
    /// filter runs in the browser.
    File {
        name: String,
    },
}

/// A file snapshot filters everything in the browser.
const FILE_CAPABILITIES: Capabilities = Capabilities {
    period: Applied::Browser,
    status: Applied::Browser,
    client: Applied::Browser,
    collection: Applied::Browser,
    text: Applied::Browser,
};

/// Why a source could not be read, in words for the person looking at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// The connection has no key yet.
    MissingKey,
    /// The vendor refused; carries its decoded message.
    Vendor(VendorError),
    /// The answer did not match the vendor's documented shape.
    Decode(String),
    /// A file snapshot has nothing to request.
    NotRemote,
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::MissingKey => f.write_str("no API key: add one for this connection"),
            SourceError::Vendor(error) => error.fmt(f),
            SourceError::Decode(message) => f.write_str(message),
            SourceError::NotRemote => f.write_str("a file has no server to ask"),
        }
    }
}

impl Source {
    /// Every source of every connection, in configuration order.
    pub fn expand(config: &RuntimeConfig) -> Vec<Source> {
        let mut sources = Vec::new();
        for connection in &config.connections {
            match connection {
                Connection::Make(make) => {
                    sources.extend(make.scenarios.iter().map(|scenario| Source::MakeScenario {
                        connection: make.clone(),
                        scenario: scenario.clone(),
                    }));
                    if let Some(scope) = make_audit::AuditScope::of(make) {
                        sources.push(Source::MakeAudit {
                            connection: make.clone(),
                            scope,
                        });
                    }
                }
                Connection::Dify(dify) => sources.push(Source::Dify(dify.clone())),
                Connection::Aitronos(aitronos) => sources.push(Source::Aitronos(aitronos.clone())),
            }
        }
        sources
    }

    /// Stable id, unique within a configuration.
    pub fn id(&self) -> String {
        match self {
            Source::MakeScenario {
                connection,
                scenario,
            } => format!("{}/scenario/{}", connection.id, scenario.id),
            Source::MakeAudit { connection, .. } => format!("{}/audit", connection.id),
            Source::Dify(dify) => dify.id.clone(),
            Source::Aitronos(aitronos) => aitronos.id.clone(),
            Source::File { name } => format!("file:{name}"),
        }
    }

    /// What people call it: connection and collection.
    pub fn label(&self) -> String {
        match self {
            Source::MakeScenario {
                connection,
                scenario,
            } => format!("{} · {}", connection.name, scenario.name),
            Source::MakeAudit { connection, .. } => format!("{} · audit log", connection.name),
            Source::Dify(dify) => format!("Dify · {}", dify.name),
            Source::Aitronos(aitronos) => aitronos.name.clone(),
            Source::File { name } => format!("File · {name}"),
        }
    }

    pub fn kind(&self) -> CollectionType {
        match self {
            Source::MakeScenario { .. } => CollectionType::MakeScenarios,
            Source::MakeAudit { .. } => CollectionType::MakeAudit,
            Source::Dify(_) => CollectionType::DifyWorkflows,
            Source::Aitronos(_) => CollectionType::AitronosConnectors,
            Source::File { .. } => CollectionType::ApiPlatform,
        }
    }

    pub fn capabilities(&self) -> Capabilities {
        match self {
            Source::MakeScenario { .. } => make_scenarios::CAPABILITIES,
            Source::MakeAudit { .. } => make_audit::CAPABILITIES,
            Source::Dify(_) => dify::CAPABILITIES,
            Source::Aitronos(_) => aitronos::CAPABILITIES,
            Source::File { .. } => FILE_CAPABILITIES,
        }
    }

    /// The collection name rows of this source carry, when it is known before loading.
    fn fixed_collection(&self) -> Option<&str> {
        match self {
            Source::MakeScenario { scenario, .. } => Some(&scenario.name),
            Source::Dify(dify) => Some(&dify.name),
            Source::MakeAudit { .. } | Source::Aitronos(_) | Source::File { .. } => None,
        }
    }

    /// Whether the query can select any row of this source at all; if not, no
    /// request is made (the collection type, the collection or the status rules it
    /// out: audit entries are all successes).
    pub fn is_selected_by(&self, query: &LogQuery) -> bool {
        let type_ok = query.types.is_empty() || query.types.contains(&self.kind());
        let collection_ok = query.collections.is_empty()
            || self
                .fixed_collection()
                .is_none_or(|name| query.collections.contains(name));
        let status_ok = match self {
            Source::MakeAudit { .. } => {
                query.statuses.is_empty() || query.statuses.contains(&Status::Success)
            }
            _ => true,
        };
        // A file's rows carry their own kinds: the type filter runs per row.
        let type_ok = type_ok || matches!(self, Source::File { .. });
        type_ok && collection_ok && status_ok
    }

    /// Where paging starts: offset 0, or Dify's page 1.
    pub fn first_position(&self) -> u64 {
        match self {
            Source::Dify(_) => 1,
            _ => 0,
        }
    }

    /// The request for the page at `position`.
    pub fn request(
        &self,
        query: &LogQuery,
        window: TimeWindow,
        position: u64,
    ) -> Result<ApiRequest, SourceError> {
        let page = PageAt {
            query,
            window,
            position,
        };
        match self {
            Source::MakeScenario {
                connection,
                scenario,
            } => {
                connection.token.as_ref().ok_or(SourceError::MissingKey)?;
                Ok(make_scenarios::list_request(
                    connection,
                    scenario,
                    page.make(),
                ))
            }
            Source::MakeAudit { connection, scope } => {
                connection.token.as_ref().ok_or(SourceError::MissingKey)?;
                Ok(make_audit::list_request(connection, *scope, page.audit()))
            }
            Source::Dify(dify) => {
                dify.key.as_ref().ok_or(SourceError::MissingKey)?;
                Ok(dify::list_request(dify, page.dify()))
            }
            Source::Aitronos(aitronos) => {
                aitronos.key.as_ref().ok_or(SourceError::MissingKey)?;
                Ok(aitronos::list_request(aitronos, page.aitronos()))
            }
            Source::File { .. } => Err(SourceError::NotRemote),
        }
    }

    /// Decodes the answer to [`Source::request`]: a page on 200, the vendor's error otherwise.
    pub fn decode(
        &self,
        http_status: u16,
        body: &str,
        query: &LogQuery,
        window: TimeWindow,
        position: u64,
    ) -> Result<Page, SourceError> {
        if http_status != 200 {
            return Err(SourceError::Vendor(self.decode_error(http_status, body)));
        }
        let page = PageAt {
            query,
            window,
            position,
        };
        let decoded = match self {
            Source::MakeScenario {
                connection,
                scenario,
            } => make_scenarios::decode_list(body, connection, scenario, page.make()),
            Source::MakeAudit { connection, .. } => {
                make_audit::decode_list(body, connection, page.audit())
            }
            Source::Dify(dify) => dify::decode_list(body, dify, page.dify()),
            Source::Aitronos(aitronos) => aitronos::decode_list(body, aitronos, page.aitronos()),
            Source::File { .. } => return Err(SourceError::NotRemote),
        };
        let mut page = decoded.map_err(|error| SourceError::Decode(error.to_string()))?;
        let id = self.id();
        for record in &mut page.records {
            record.source.clone_from(&id);
        }
        Ok(page)
    }

    /// The rows of an opened file that fall in `window`, newest first, attributed
    /// to this source (a file's rows are filtered by period in the browser).
    pub fn file_rows(&self, records: &[LogRecord], window: TimeWindow) -> Vec<LogRecord> {
        let id = self.id();
        let mut rows: Vec<LogRecord> = records
            .iter()
            .filter(|r| (window.from..=window.to).contains(&r.timestamp))
            .map(|r| LogRecord {
                source: id.clone(),
                ..r.clone()
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

    fn decode_error(&self, http_status: u16, body: &str) -> VendorError {
        match self {
            Source::MakeScenario { .. } | Source::MakeAudit { .. } => {
                make_scenarios::decode_error(http_status, body)
            }
            Source::Dify(_) => dify::decode_error(http_status, body),
            Source::Aitronos(_) | Source::File { .. } => aitronos::decode_error(http_status, body),
        }
    }
}

/// One page of the unified query, in each adapter's terms; request and decoding
/// must agree on it, so both build it here.
struct PageAt<'a> {
    query: &'a LogQuery,
    window: TimeWindow,
    position: u64,
}

impl<'a> PageAt<'a> {
    fn make(&self) -> make_scenarios::ListParams<'a> {
        make_scenarios::ListParams {
            window: self.window,
            statuses: &self.query.statuses,
            offset: self.position,
            limit: PAGE_SIZE,
        }
    }

    fn audit(&self) -> make_audit::ListParams<'a> {
        make_audit::ListParams {
            window: self.window,
            authors: &self.query.clients,
            teams: &self.query.collections,
            offset: self.position,
            limit: PAGE_SIZE,
        }
    }

    fn dify(&self) -> dify::ListParams<'a> {
        dify::ListParams {
            window: self.window,
            statuses: &self.query.statuses,
            keyword: &self.query.text,
            page: self.position,
            limit: PAGE_SIZE,
        }
    }

    fn aitronos(&self) -> aitronos::ListParams<'a> {
        aitronos::ListParams {
            window: self.window,
            statuses: &self.query.statuses,
            offset: self.position,
            limit: PAGE_SIZE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    fn window() -> TimeWindow {
        TimeWindow {
            from: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            to: Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap(),
        }
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

    #[test]
    fn type_and_collection_filters_skip_whole_sources() {
        let mut query = LogQuery::default();
        query.types.insert(CollectionType::DifyWorkflows);
        let selected: Vec<String> = sources()
            .iter()
            .filter(|s| s.is_selected_by(&query))
            .map(Source::id)
            .collect();
        assert_eq!(selected, ["df"]);

        let query = LogQuery {
            collections: ["Invoices".to_owned()].into(),
            ..LogQuery::default()
        };
        let selected: Vec<String> = sources()
            .iter()
            .filter(|s| s.is_selected_by(&query))
            .map(Source::id)
            .collect();
        // The audit log and Aitronos name their collections per row: they stay.
        assert_eq!(selected, ["mk/scenario/2", "mk/audit", "ai"]);

        let query = LogQuery {
            statuses: [Status::Error].into(),
            ..LogQuery::default()
        };
        let selected: Vec<String> = sources()
            .iter()
            .filter(|s| s.is_selected_by(&query))
            .map(Source::id)
            .collect();
        assert!(
            !selected.contains(&"mk/audit".to_owned()),
            "audit entries are never errors"
        );
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
                200,
                r#"{"logs":[{"id":"a","created_at":"2026-01-01T05:00:00Z"}],"has_more":false}"#,
                &query,
                window(),
                0,
            )
            .unwrap();
        assert_eq!(page.records[0].source, "ai");
        let make = sources[0]
            .decode(
                200,
                r#"{"scenarioLogs":[{"id":5,"timestamp":"2026-01-01T05:00:00Z","status":1}]}"#,
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
            403,
            r#"{"success":false,"error":{"message":"No access","trace_id":"req_1"}}"#,
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
        let broken = sources[0].decode(200, "{", &query, window(), 0);
        assert!(
            matches!(broken, Err(SourceError::Decode(message)) if message.contains("Make scenario logs"))
        );
    }
}
