//! The runtime `config.json` served beside the app: a deployment lists its sources
//! there without rebuilding the app.

use std::fmt;

use crate::vendor_hosts::VendorRelay;
use serde::{Deserialize, Serialize};

use crate::vendor::Vendor;

/// A vendor credential. Its `Debug` never shows the value, so a logged connection
/// cannot leak it.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for building the auth header and nothing else.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A Make scenario the connection reads, with the name people know it by.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct ScenarioRef {
    pub id: u64,
    pub name: String,
}

/// A Make account reached through one base URL (a zone, the relay or the demo API).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MakeConnection {
    pub id: String,
    pub name: String,
    pub base_url: String,
    /// Calls a minute this connection may make (the plan's limit); the vendor's
    /// conservative default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_minute: Option<u32>,
    /// Absent for operator-configured connections: the user supplies it.
    /// Never serialized: stored connections carry no secrets.
    #[serde(default, skip_serializing)]
    pub token: Option<Secret>,
    #[serde(default)]
    pub scenarios: Vec<ScenarioRef>,
    /// Reads the organization's audit log when set (needs `organization:read`).
    #[serde(default)]
    pub organization_id: Option<u64>,
    /// Reads the team's audit log when set and no organization is.
    #[serde(default)]
    pub team_id: Option<u64>,
}

/// One Dify app: Dify issues one API key per app.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DifyConnection {
    pub id: String,
    /// The app's display name (the API does not return it).
    pub name: String,
    pub base_url: String,
    /// Calls a minute this connection may make (the plan's limit); the vendor's
    /// conservative default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_minute: Option<u32>,
    /// Never serialized: stored connections carry no secrets.
    #[serde(default, skip_serializing)]
    pub key: Option<Secret>,
}

/// An Aitronos account's personal-connector logs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AitronosConnection {
    pub id: String,
    pub name: String,
    pub base_url: String,
    /// Calls a minute this connection may make (the plan's limit); the vendor's
    /// conservative default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_minute: Option<u32>,
    /// Never serialized: stored connections carry no secrets.
    #[serde(default, skip_serializing)]
    pub key: Option<Secret>,
    pub organization_id: String,
}

/// One configured source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    Make(MakeConnection),
    Dify(DifyConnection),
    Aitronos(AitronosConnection),
}

impl Connection {
    pub fn id(&self) -> &str {
        match self {
            Connection::Make(make) => &make.id,
            Connection::Dify(dify) => &dify.id,
            Connection::Aitronos(aitronos) => &aitronos.id,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Connection::Make(make) => &make.name,
            Connection::Dify(dify) => &dify.name,
            Connection::Aitronos(aitronos) => &aitronos.name,
        }
    }

    pub fn vendor(&self) -> Vendor {
        match self {
            Connection::Make(_) => Vendor::Make,
            Connection::Dify(_) => Vendor::Dify,
            Connection::Aitronos(_) => Vendor::Aitronos,
        }
    }

    pub fn base_url(&self) -> &str {
        match self {
            Connection::Make(make) => &make.base_url,
            Connection::Dify(dify) => &dify.base_url,
            Connection::Aitronos(aitronos) => &aitronos.base_url,
        }
    }

    fn set_base_url(&mut self, base_url: String) {
        match self {
            Connection::Make(make) => make.base_url = base_url,
            Connection::Dify(dify) => dify.base_url = base_url,
            Connection::Aitronos(aitronos) => aitronos.base_url = base_url,
        }
    }

    /// The token or key the vendor's auth header carries.
    pub fn key(&self) -> Option<&Secret> {
        match self {
            Connection::Make(make) => make.token.as_ref(),
            Connection::Dify(dify) => dify.key.as_ref(),
            Connection::Aitronos(aitronos) => aitronos.key.as_ref(),
        }
    }

    pub fn set_key(&mut self, key: Option<Secret>) {
        match self {
            Connection::Make(make) => make.token = key,
            Connection::Dify(dify) => dify.key = key,
            Connection::Aitronos(aitronos) => aitronos.key = key,
        }
    }

    /// The connection as a `config.json` entry, without its key.
    pub fn to_json(&self) -> serde_json::Value {
        let mut value = match self {
            Connection::Make(make) => serde_json::to_value(make),
            Connection::Dify(dify) => serde_json::to_value(dify),
            Connection::Aitronos(aitronos) => serde_json::to_value(aitronos),
        }
        .unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert("vendor".into(), self.vendor().key().into());
        }
        value
    }
}

/// Why no configuration could be read. Broken entries are not errors: they are
/// skipped and listed in [`RuntimeConfig::problems`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// The server could not be reached; carries what the transport said.
    Unreachable(String),
    /// The server answered with this HTTP status.
    Status(u16),
    /// The file is not JSON.
    NotJson(String),
    /// `connections` is there but not a list.
    ConnectionsNotAList,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Unreachable(detail) => {
                write!(f, "Could not load config.json: {detail}")
            }
            ConfigError::Status(status) => {
                write!(
                    f,
                    "Could not load config.json: the server answered {status}"
                )
            }
            ConfigError::NotJson(detail) => write!(f, "config.json is not valid JSON: {detail}"),
            ConfigError::ConnectionsNotAList => {
                f.write_str("config.json: `connections` must be a list")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// The decoded `config.json`, plus what had to be skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuntimeConfig {
    pub connections: Vec<Connection>,
    /// One line per connection entry that could not be used.
    pub problems: Vec<String>,
    /// The vendor hosts the server reaches, and whether it relays them.
    pub vendor_relay: VendorRelay,
    /// The team archive, when the server keeps one: the streams it has synced
    /// are read from it rather than from their vendors.
    pub archive: Option<ArchiveRoute>,
}

/// Where the team archive answers and which streams (source ids) it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveRoute {
    pub api: String,
    pub streams: Vec<String>,
}

impl RuntimeConfig {
    /// Decodes `config.json`. A broken entry is skipped and reported, so one typo
    /// does not hide every other source; only unreadable JSON is an error.
    pub fn parse(text: &str) -> Result<RuntimeConfig, ConfigError> {
        let root: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ConfigError::NotJson(e.to_string()))?;
        let entries = match root.get("connections") {
            None => &Vec::new(),
            Some(serde_json::Value::Array(entries)) => entries,
            Some(_) => return Err(ConfigError::ConnectionsNotAList),
        };
        let mut config = RuntimeConfig::default();
        if let Some(relay) = root.get("vendorRelay").filter(|relay| !relay.is_null()) {
            match VendorRelay::deserialize(relay) {
                Ok(relay) => config.vendor_relay = relay,
                Err(e) => config.problems.push(format!("vendorRelay: {e}")),
            }
        }
        if let Some(archive) = root.get("archive").filter(|a| !a.is_null()) {
            match ArchiveRoute::deserialize(archive) {
                Ok(archive) => config.archive = Some(archive),
                Err(e) => config.problems.push(format!("archive: {e}")),
            }
        }
        for (index, entry) in entries.iter().enumerate() {
            let vendor = match entry.get("vendor").and_then(|v| v.as_str()) {
                Some(key) => match Vendor::from_key(key) {
                    Some(vendor) => vendor,
                    None => {
                        let problem = format!("connections[{index}]: unsupported vendor {key:?}");
                        config.problems.push(problem);
                        continue;
                    }
                },
                None => {
                    let problem = format!("connections[{index}]: missing `vendor`");
                    config.problems.push(problem);
                    continue;
                }
            };
            let decoded = match vendor {
                Vendor::Make => MakeConnection::deserialize(entry).map(Connection::Make),
                Vendor::Dify => DifyConnection::deserialize(entry).map(Connection::Dify),
                Vendor::Aitronos => {
                    AitronosConnection::deserialize(entry).map(Connection::Aitronos)
                }
            };
            match decoded {
                Ok(connection) => config.connections.push(connection),
                Err(e) => config.problems.push(format!("connections[{index}]: {e}")),
            }
        }
        Ok(config)
    }

    /// Points each connection at where the browser can reach it: a user's
    /// `https://eu1.make.com/api/v2` becomes this server's relay for that host,
    /// since Make refuses browser calls. Called after the user's connections join.
    pub fn route_connections(&mut self) {
        for connection in &mut self.connections {
            let routed = self
                .vendor_relay
                .route(connection.vendor(), connection.base_url());
            connection.set_base_url(routed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_users_make_zone_is_routed_through_the_servers_relay() {
        let mut config = RuntimeConfig::parse(
            r#"{"connections":[
                {"vendor":"make","id":"zone","name":"Mine","baseUrl":"https://eu2.make.com/api/v2"},
                {"vendor":"make","id":"op","name":"Ops","baseUrl":"/relay/make-eu1"},
                {"vendor":"dify","id":"d","name":"Bot","baseUrl":"https://api.dify.ai/v1"}],
              "vendorRelay":{"path":"/relay/vendor","hosts":[
                {"vendor":"make","baseUrl":"https://eu2.make.com/api/v2"},
                {"vendor":"dify","baseUrl":"https://api.dify.ai/v1"}]}}"#,
        )
        .unwrap();
        assert_eq!(config.problems, Vec::<String>::new());
        config.route_connections();
        let bases: Vec<&str> = config
            .connections
            .iter()
            .map(Connection::base_url)
            .collect();
        assert_eq!(
            bases,
            [
                "/relay/vendor/eu2.make.com/api/v2",
                "/relay/make-eu1",
                "https://api.dify.ai/v1"
            ]
        );
        let broken = RuntimeConfig::parse(r#"{"vendorRelay":{"hosts":3}}"#).unwrap();
        assert!(broken.problems[0].starts_with("vendorRelay"));
    }

    #[test]
    fn parses_make_connections_and_skips_broken_entries() {
        let config = RuntimeConfig::parse(
            r#"{"connections":[
                {"vendor":"make","id":"m","name":"Make","baseUrl":"/demo/make/api/v2",
                 "token":"t0k","scenarios":[{"id":1,"name":"Sync"}]},
                {"vendor":"make","id":"broken"},
                {"vendor":"dify","id":"d","name":"Support bot","baseUrl":"https://api.dify.ai/v1"},
                {"vendor":"aitronos","id":"a","name":"Aitronos","baseUrl":"https://api.aitronos.com",
                 "organizationId":"org_1","key":"k"},
                {"vendor":"aitronos","id":"no-org","name":"A","baseUrl":"x"},
                {"vendor":"zapier","id":"z"},
                {"id":"nameless"}
            ]}"#,
        )
        .unwrap();
        let ids: Vec<&str> = config.connections.iter().map(Connection::id).collect();
        assert_eq!(ids, ["m", "d", "a"]);
        let Connection::Make(make) = &config.connections[0] else {
            panic!("expected a Make connection");
        };
        assert_eq!(make.token.as_ref().map(Secret::expose), Some("t0k"));
        assert_eq!(
            make.scenarios,
            [ScenarioRef {
                id: 1,
                name: "Sync".into()
            }]
        );
        let Connection::Dify(dify) = &config.connections[1] else {
            panic!("expected a Dify connection");
        };
        assert_eq!(dify.key, None);
        assert_eq!(config.problems.len(), 4);
        assert!(config.problems[0].starts_with("connections[1]"));
        assert!(config.problems[1].contains("organizationId"));
        assert!(config.problems[2].contains("zapier"));
    }

    #[test]
    fn stored_connections_round_trip_without_their_keys() {
        let config = RuntimeConfig::parse(
            r#"{"connections":[
                {"vendor":"make","id":"m","name":"Make","baseUrl":"https://eu1.make.com/api/v2",
                 "token":"secret-token","teamId":77,"scenarios":[{"id":1,"name":"Sync"}]},
                {"vendor":"aitronos","id":"a","name":"A","baseUrl":"x","organizationId":"o","key":"secret-key"}
            ]}"#,
        )
        .unwrap();
        let stored: Vec<serde_json::Value> =
            config.connections.iter().map(Connection::to_json).collect();
        let text = serde_json::to_string(&stored).unwrap();
        assert!(!text.contains("secret"), "{text}");
        let reread = RuntimeConfig::parse(&format!(r#"{{"connections":{text}}}"#)).unwrap();
        let mut expected = config.connections.clone();
        expected.iter_mut().for_each(|c| c.set_key(None));
        assert_eq!(reread.connections, expected);
        assert_eq!(
            config.connections[1].key().map(Secret::expose),
            Some("secret-key")
        );
    }

    #[test]
    fn unreadable_json_is_an_error_and_debug_hides_tokens() {
        assert!(matches!(
            RuntimeConfig::parse("{"),
            Err(ConfigError::NotJson(_))
        ));
        assert_eq!(
            RuntimeConfig::parse(r#"{"connections": {}}"#),
            Err(ConfigError::ConnectionsNotAList)
        );
        assert_eq!(format!("{:?}", Secret::new("t0k")), "Secret(***)");
    }
}
