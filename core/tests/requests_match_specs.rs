//! Every request the adapters build uses only parameters the vendor's spec declares
//! for that path, with values of the declared type and enum, checked against the
//! spec files themselves (`specs/` at the repository root), not against a copy in the test.

#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use chrono::{Duration, TimeZone, Utc};
use logdeck_core::client_id::{ClientId, ClientIdKind};
use logdeck_core::config::RuntimeConfig;
use logdeck_core::query::{LogQuery, TimeWindow};
use logdeck_core::sources::Source;
use logdeck_core::status::Status;
use serde_json::Value;

fn spec(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../specs")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if name.ends_with(".json") {
        serde_json::from_str(&text).unwrap()
    } else {
        serde_yaml::from_str(&text).unwrap()
    }
}

const CONFIG: &str = r#"{"connections":[
    {"vendor":"make","id":"mk","name":"Make","baseUrl":"https://eu1.make.com/api/v2","token":"t",
     "organizationId":11,"teamId":77,"scenarios":[{"id":1001,"name":"Sync"}]},
    {"vendor":"make","id":"team","name":"Make team","baseUrl":"https://eu1.make.com/api/v2","token":"t","teamId":77},
    {"vendor":"dify","id":"df","name":"Bot","baseUrl":"https://api.dify.ai/v1","key":"k"},
    {"vendor":"aitronos","id":"ai","name":"A","baseUrl":"https://api.aitronos.com","key":"k","organizationId":"org"}
]}"#;

/// Queries that exercise every parameter the adapters can send.
fn queries() -> Vec<LogQuery> {
    let mut queries = Vec::new();
    for status in [
        Status::Success,
        Status::Error,
        Status::Warning,
        Status::Stopped,
        Status::Blocked,
    ] {
        queries.push(LogQuery {
            statuses: [status].into(),
            ..LogQuery::default()
        });
    }
    queries.push(LogQuery {
        clients: ["Ada Lovelace".to_owned(), "Grace".to_owned()].into(),
        collections: ["Operations".to_owned()].into(),
        text: "refund".into(),
        ..LogQuery::default()
    });
    // One id per vendor kind: each goes to its own documented parameter.
    for kind in ClientIdKind::ALL {
        queries.push(LogQuery {
            client_ids: [ClientId::new(kind, "ada@acme.io")].into(),
            ..LogQuery::default()
        });
    }
    queries.push(LogQuery {
        events: ["key_created".to_owned(), "scenario_updated".to_owned()].into(),
        hide_check_runs: true,
        ..LogQuery::default()
    });
    queries
}

fn window() -> TimeWindow {
    let to = Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap();
    TimeWindow {
        from: to - Duration::days(3),
        to,
    }
}

/// `(path template, parameters)` of the spec's GET operations.
fn operations(spec: &Value) -> Vec<(String, Vec<Value>)> {
    spec["paths"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(path, item)| {
            let mut parameters: Vec<Value> = item["get"]["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            parameters.extend(item["parameters"].as_array().cloned().unwrap_or_default());
            (path.clone(), parameters)
        })
        .collect()
}

fn template_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| t.starts_with('{') || t == p)
}

/// Whether `value` fits the parameter's declared schema (type, format, enum).
fn fits(schema: &Value, value: &str) -> bool {
    if let Some(options) = schema["oneOf"].as_array() {
        return options.iter().any(|option| fits(option, value));
    }
    if let Some(allowed) = schema["enum"].as_array() {
        return allowed.iter().any(|a| {
            a.as_str() == Some(value) || a.as_i64().map(|n| n.to_string()).as_deref() == Some(value)
        });
    }
    match (schema["type"].as_str(), schema["format"].as_str()) {
        (Some("integer"), _) => value.parse::<i64>().is_ok(),
        (Some("boolean"), _) => value == "true" || value == "false",
        (Some("string"), Some("date")) => {
            chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok()
        }
        (Some("string"), Some("date-time")) => chrono::DateTime::parse_from_rfc3339(value).is_ok(),
        (Some("string"), _) => true,
        (Some("array"), _) => fits(&schema["items"], value),
        _ => false,
    }
}

/// Checks one request URL against the spec; `base_path` is the spec server's path.
fn check(spec: &Value, base_path: &str, url: &str) {
    let parsed = url::Url::parse(url).unwrap();
    let path = parsed
        .path()
        .strip_prefix(base_path)
        .unwrap_or_else(|| panic!("{url} is outside {base_path}"));
    let (template, parameters) = operations(spec)
        .into_iter()
        .find(|(template, _)| template_matches(template, path))
        .unwrap_or_else(|| panic!("{path} is not a documented path"));
    for (key, value) in parsed.query_pairs() {
        // `event[0]`, `author[1]`: the documented array form of `event`, `author`.
        let name = key
            .split('[')
            .next()
            .filter(|_| key.ends_with(']') && !key.starts_with("pg["))
            .unwrap_or(&key);
        let parameter = parameters
            .iter()
            .find(|p| p["name"] == name && p["in"] == "query")
            .unwrap_or_else(|| panic!("{template}: `{key}` is not a documented query parameter"));
        assert!(
            fits(&parameter["schema"], &value),
            "{template}: {key}={value} does not fit {}",
            parameter["schema"]
        );
    }
    for parameter in parameters
        .iter()
        .filter(|p| p["required"] == true && p["in"] == "query")
    {
        let name = parameter["name"].as_str().unwrap();
        assert!(
            parsed.query_pairs().any(|(k, _)| k == name),
            "{template}: required `{name}` is missing"
        );
    }
}

#[test]
fn every_request_uses_documented_parameters_of_the_documented_types() {
    let config = RuntimeConfig::parse(CONFIG).unwrap();
    let (make, dify, aitronos) = (
        spec("make-api.openapi.json"),
        spec("dify-workflow-logs.openapi.yaml"),
        spec("aitronos-connector-logs.openapi.yaml"),
    );
    let mut checked = 0;
    let mut searches = 0;
    for source in Source::expand(&config) {
        for query in queries() {
            // With a vendor's own search asked beside the source (Dify's keyword).
            let beside = source.server_search(&query);
            searches += usize::from(beside.is_some());
            for asked in std::iter::once(&source).chain(beside.as_ref()) {
                for position in [asked.first_position(), 200] {
                    let request = asked.request(&query, window(), position).unwrap();
                    match asked {
                        Source::MakeScenario { .. } | Source::MakeAudit { .. } => {
                            check(&make, "/api/v2", &request.url)
                        }
                        Source::Dify(_) | Source::DifySearch(_) => {
                            check(&dify, "/v1", &request.url)
                        }
                        Source::Aitronos(_) => check(&aitronos, "", &request.url),
                        Source::File { .. } | Source::Archived(_) => {
                            unreachable!("no files or archive in this config")
                        }
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(searches > 0, "a search asks Dify's keyword beside the app");
    assert_eq!(
        checked,
        (5 * queries().len() + searches) * 2,
        "every source, query and page was checked"
    );
}

#[test]
fn auth_headers_are_the_ones_each_spec_declares() {
    let config = RuntimeConfig::parse(CONFIG).unwrap();
    let make = spec("make-api.openapi.json");
    let dify = spec("dify-workflow-logs.openapi.yaml");
    let aitronos = spec("aitronos-connector-logs.openapi.yaml");
    for source in Source::expand(&config) {
        let request = source
            .request(&LogQuery::default(), window(), source.first_position())
            .unwrap();
        let (name, value) = &request.headers[0];
        match source {
            Source::MakeScenario { .. } | Source::MakeAudit { .. } => {
                assert_eq!(
                    make["components"]["securitySchemes"]["token"]["name"],
                    name.as_str()
                );
                assert!(value.starts_with("Token "));
            }
            Source::Dify(_) => {
                assert_eq!(
                    dify["components"]["securitySchemes"]["ApiKeyAuth"]["scheme"],
                    "bearer"
                );
                assert_eq!(
                    (name.as_str(), value.starts_with("Bearer ")),
                    ("Authorization", true)
                );
            }
            Source::Aitronos(_) => assert_eq!(
                aitronos["components"]["securitySchemes"]["ApiKey"]["name"],
                name.as_str()
            ),
            Source::File { .. } | Source::Archived(_) | Source::DifySearch(_) => {
                unreachable!("expanded from the configuration")
            }
        }
    }
}
