//! Conformance of the demo API with the vendors' specs, checked by schemathesis:
//! any answer that contradicts its documented schema, and any unasked-for 5xx, fails.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::command::{command, run, workspace_root};
use crate::http;
use crate::server::DemoServer;

const SCHEMATHESIS: &str = "4.32.5";

/// Fixed, so the identifiers read from the server stay valid for the whole run;
/// no rate limit (its 429s are tested in `server/tests/faults.rs`), as schemathesis
/// calls far faster than a vendor's budget allows.
const DEMO_ARGS: [&str; 8] = [
    "--demo-rate-limit",
    "0",
    "--seed",
    "42",
    "--demo-rows",
    "2000",
    "--demo-now",
    "2026-11-21T12:00:00Z",
];

pub fn run_all() -> Result<(), String> {
    let st = ensure_schemathesis()?;
    let specs = workspace_root().join("specs");
    if !specs.join("make-api.openapi.json").is_file() {
        return Err(format!(
            "the vendor specs are missing from {}",
            specs.display()
        ));
    }
    let dir = workspace_root().join("target").join("conformance");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let make_spec = dir.join("make-api.openapi.json");
    write_make_spec(&specs.join("make-api.openapi.json"), &make_spec)?;

    let mut args = vec!["--demo", "--port", "0"];
    args.extend(DEMO_ARGS);
    let server = DemoServer::start("debug", &args)?;
    let config = dir.join("schemathesis.toml");
    std::fs::write(&config, parameters(server.url())?)
        .map_err(|e| format!("{}: {e}", config.display()))?;

    let runs = [
        (
            make_spec,
            "/demo/make/api/v2",
            "Authorization: Token demo-make-token",
        ),
        (
            specs.join("dify-workflow-logs.openapi.yaml"),
            "/demo/dify/v1",
            "Authorization: Bearer demo-dify-support-key",
        ),
        (
            specs.join("aitronos-connector-logs.openapi.yaml"),
            "/demo/aitronos",
            "X-API-Key: demo-aitronos-key",
        ),
    ];
    for (spec, base, header) in runs {
        let mut check = command(&st);
        // Schemathesis keeps a cache in its working directory: keep it in target/.
        check
            .current_dir(&dir)
            .arg("--config-file")
            .arg(&config)
            .arg("run")
            .arg(&spec)
            .args(["--url", &format!("{}{base}", server.url()), "-H", header])
            .args(["--checks", "not_a_server_error,response_schema_conformance"])
            .args([
                "--max-examples",
                "60",
                "--seed",
                "1",
                "--generation-deterministic",
                "--workers",
                "2",
            ]);
        run(check)?;
    }
    Ok(())
}

/// A virtualenv under `target/` with the pinned schemathesis.
fn ensure_schemathesis() -> Result<PathBuf, String> {
    let venv = workspace_root().join("target").join("tools").join("venv");
    let st = venv.join("bin").join("st");
    let mut version = command(&st);
    version.arg("--version");
    if crate::command::output(version).is_some_and(|v| v.ends_with(SCHEMATHESIS)) {
        return Ok(st);
    }
    let mut create = command("python3");
    create.args(["-m", "venv"]).arg(&venv);
    run(create)?;
    let mut install = command(venv.join("bin").join("pip"));
    install.args([
        "install",
        "--quiet",
        &format!("schemathesis=={SCHEMATHESIS}"),
    ]);
    run(install)?;
    Ok(st)
}

/// Make's spec with its quirks stated in standard terms, so a validator can read
/// it: the non-standard `bigint` type (a JSON integer beyond 2^53, or a string of
/// digits), a log's `id` as the list schema's integer or the string the execution
/// paths and Make's docs show, the audit-detail path's undeclared `organizationId`
/// parameter, and the
/// audit-detail answer's `allOf` whose first part forbids the `details` the second
/// part adds (merged into one object that allows exactly both).
fn write_make_spec(source: &Path, target: &Path) -> Result<(), String> {
    let text = std::fs::read_to_string(source).map_err(|e| format!("{}: {e}", source.display()))?;
    let mut spec: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", source.display()))?;
    replace_bigint(&mut spec);
    for log in [
        "/paths/~1scenarios~1{scenarioId}~1logs/get/responses/200/content/application~1json/schema/properties/scenarioLogs/items",
        "/paths/~1scenarios~1{scenarioId}~1logs~1{executionId}/get/responses/200/content/application~1json/schema/properties/scenarioLog",
    ] {
        let id = spec
            .pointer_mut(&format!("{log}/properties/id"))
            .ok_or("the Make spec has no scenario log id")?;
        *id = json!({"oneOf": [{"type": "integer"}, {"type": "string"}]});
    }
    let parameters = spec
        .pointer_mut("/paths/~1audit-logs~1{organizationId}~1{uuid}/get/parameters")
        .and_then(Value::as_array_mut)
        .ok_or("the Make spec has no audit-log detail operation")?;
    if !parameters.iter().any(|p| p["name"] == "organizationId") {
        parameters.push(json!({"name": "organizationId", "in": "path", "required": true, "schema": {"type": "integer"}}));
    }
    let detail = spec
        .pointer_mut("/paths/~1audit-logs~1{organizationId}~1{uuid}/get/responses/200/content/application~1json/schema")
        .ok_or("the Make spec has no audit-log detail answer")?;
    merge_all_of(detail);
    let text = serde_json::to_string_pretty(&spec).map_err(|e| e.to_string())?;
    std::fs::write(target, text).map_err(|e| format!("{}: {e}", target.display()))
}

/// Replaces `{allOf: [a, b, …]}` by `a` with the properties of the others added.
fn merge_all_of(schema: &mut Value) {
    let Some(parts) = schema.get("allOf").and_then(Value::as_array).cloned() else {
        return;
    };
    let mut merged = parts.first().cloned().unwrap_or_else(|| json!({}));
    for part in &parts[1..] {
        if let (Some(into), Some(from)) = (
            merged.get_mut("properties").and_then(Value::as_object_mut),
            part.get("properties").and_then(Value::as_object),
        ) {
            into.extend(from.clone());
        }
    }
    *schema = merged;
}

fn replace_bigint(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("bigint") {
                map.remove("type");
                map.insert(
                    "oneOf".into(),
                    json!([{"type": "integer"}, {"type": "string", "pattern": "^[0-9]+$"}]),
                );
            }
            map.values_mut().for_each(replace_bigint);
        }
        Value::Array(items) => items.iter_mut().for_each(replace_bigint),
        _ => {}
    }
}

/// Identifiers that exist in the demo data, so generated requests reach real rows
/// instead of stopping at 404.
fn parameters(base: &str) -> Result<String, String> {
    let make = [("Authorization", "Token demo-make-token")];
    let logs: Value = serde_json::from_str(&http::get(
        base,
        "/demo/make/api/v2/scenarios/1001/logs?pg[limit]=1",
        &make,
    )?)
    .map_err(|e| e.to_string())?;
    let execution = logs["scenarioLogs"][0]["id"]
        .as_str()
        .ok_or("no scenario log to test with")?;
    let audit: Value = serde_json::from_str(&http::get(
        base,
        "/demo/make/api/v2/audit-logs/organization/11?pg[limit]=1",
        &make,
    )?)
    .map_err(|e| e.to_string())?;
    let uuid = audit["auditLogs"][0]["uuid"]
        .as_str()
        .ok_or("no audit entry to test with")?;
    Ok(format!(
        "[parameters]\nscenarioId = 1001\nexecutionId = \"{execution}\"\nmoduleId = 1\norganizationId = 11\nteamId = 77\nuuid = \"{uuid}\"\norganization_id = \"org_demo\"\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigint_becomes_integer_or_digit_string_at_any_depth() {
        let mut spec = json!({"a": {"properties": {"centicredits": {"type": "bigint", "description": "d"}}}, "b": [{"type": "bigint"}]});
        replace_bigint(&mut spec);
        assert_eq!(
            spec["a"]["properties"]["centicredits"]["oneOf"][1]["pattern"],
            "^[0-9]+$"
        );
        assert_eq!(spec["a"]["properties"]["centicredits"]["description"], "d");
        assert!(spec["b"][0].get("type").is_none());
    }

    #[test]
    fn all_of_parts_merge_into_one_strict_object() {
        let mut schema = json!({"allOf": [
            {"type": "object", "additionalProperties": false, "properties": {"uuid": {"type": "string"}}},
            {"type": "object", "properties": {"details": {"type": "object"}}}
        ]});
        merge_all_of(&mut schema);
        assert_eq!(schema["additionalProperties"], false);
        assert!(
            schema["properties"]["uuid"].is_object() && schema["properties"]["details"].is_object()
        );
        assert!(schema.get("allOf").is_none());
    }
}
