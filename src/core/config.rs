//! The runtime `config.json` served beside the app: a deployment lists its sources
//! there without rebuilding the app.

use std::fmt;

use serde::Deserialize;

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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ScenarioRef {
    pub id: u64,
    pub name: String,
}

/// A Make account reached through one base URL (a zone, the relay or the demo API).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MakeConnection {
    pub id: String,
    pub name: String,
    pub base_url: String,
    /// Absent for operator-configured connections: the user supplies it.
    #[serde(default)]
    pub token: Option<Secret>,
    #[serde(default)]
    pub scenarios: Vec<ScenarioRef>,
}

/// One configured source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    Make(MakeConnection),
}

impl Connection {
    pub fn id(&self) -> &str {
        match self {
            Connection::Make(make) => &make.id,
        }
    }
}

/// The decoded `config.json`, plus what had to be skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuntimeConfig {
    pub connections: Vec<Connection>,
    /// One line per connection entry that could not be used.
    pub problems: Vec<String>,
}

impl RuntimeConfig {
    /// Decodes `config.json`. A broken entry is skipped and reported, so one typo
    /// does not hide every other source; only unreadable JSON is an error.
    pub fn parse(text: &str) -> Result<RuntimeConfig, String> {
        let root: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| format!("config.json is not valid JSON: {e}"))?;
        let entries = match root.get("connections") {
            None => return Ok(RuntimeConfig::default()),
            Some(serde_json::Value::Array(entries)) => entries,
            Some(_) => return Err("config.json: `connections` must be a list".into()),
        };
        let mut config = RuntimeConfig::default();
        for (index, entry) in entries.iter().enumerate() {
            match entry.get("vendor").and_then(|v| v.as_str()) {
                Some("make") => match MakeConnection::deserialize(entry) {
                    Ok(make) => config.connections.push(Connection::Make(make)),
                    Err(e) => config.problems.push(format!("connections[{index}]: {e}")),
                },
                Some(other) => config.problems.push(format!(
                    "connections[{index}]: unsupported vendor {other:?}"
                )),
                None => config
                    .problems
                    .push(format!("connections[{index}]: missing `vendor`")),
            }
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_make_connections_and_skips_broken_entries() {
        let config = RuntimeConfig::parse(
            r#"{"connections":[
                {"vendor":"make","id":"m","name":"Make","baseUrl":"/demo/make/api/v2",
                 "token":"t0k","scenarios":[{"id":1,"name":"Sync"}]},
                {"vendor":"make","id":"broken"},
                {"vendor":"zapier","id":"z"},
                {"id":"nameless"}
            ]}"#,
        )
        .unwrap();
        assert_eq!(config.connections.len(), 1);
        let Connection::Make(make) = &config.connections[0];
        assert_eq!(make.token.as_ref().map(Secret::expose), Some("t0k"));
        assert_eq!(
            make.scenarios,
            [ScenarioRef {
                id: 1,
                name: "Sync".into()
            }]
        );
        assert_eq!(config.problems.len(), 3);
        assert!(config.problems[1].contains("zapier"));
    }

    #[test]
    fn unreadable_json_is_an_error_and_debug_hides_tokens() {
        assert!(RuntimeConfig::parse("{").is_err());
        assert_eq!(format!("{:?}", Secret::new("t0k")), "Secret(***)");
    }
}
