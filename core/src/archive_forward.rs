//! A record's detail for an archived Make stream. The archive holds the keys,
//! so the browser cannot ask Make for an execution's detail, its module logs or
//! an audit entry's details; it asks the archive, which makes exactly those
//! calls for it (`GET /archive/v1/vendor?source=…&path=…`) in the connection's
//! rate lane. Only the stream's own detail paths are forwarded: the archive's
//! key must never read anything else (connections, keys, other scenarios).

use crate::http::ApiRequest;
use crate::sources::Source;

/// Why the archive refuses to forward a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The browser's side: `vendor` (built for `inner`, the archived stream's own
/// source, without a key) sent to the archive instead; `None` when it is not
/// under the stream's base URL.
pub fn forward_request(api: &str, inner: &Source, vendor: &ApiRequest) -> Option<ApiRequest> {
    let path = vendor
        .url
        .strip_prefix(base_url(inner)?.trim_end_matches('/'))?;
    if !path.starts_with('/') {
        return None;
    }
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("source", &inner.id())
        .append_pair("path", path)
        .finish();
    Some(ApiRequest {
        url: format!("{}/vendor?{query}", api.trim_end_matches('/')),
        headers: Vec::new(),
    })
}

/// The archive's side: the call `path` (with its query) names on `source`, the
/// server's own stream with its key, when it is one of that stream's detail
/// calls.
pub fn forwarded(source: &Source, path: &str) -> Result<ApiRequest, Refused> {
    let (route, _) = path.split_once('?').unwrap_or((path, ""));
    let segments: Vec<&str> = route.strip_prefix('/').unwrap_or("").split('/').collect();
    if segments.iter().any(|segment| !is_plain_segment(segment)) || path.contains(['#', '\\']) {
        return Err(Refused(format!("{path:?} is not a plain path")));
    }
    let allowed = match source {
        Source::MakeScenario(stream) => {
            let scenario = stream.scenario.id.to_string();
            match segments.as_slice() {
                ["scenarios", id, "logs" | "executions", _] => *id == scenario,
                ["scenarios", id, "modules", "operations"] => *id == scenario,
                ["scenarios", id, "modules", module, "logs"] => {
                    *id == scenario && module.bytes().all(|b| b.is_ascii_digit())
                }
                _ => false,
            }
        }
        Source::MakeAudit(stream) => match (segments.as_slice(), stream.connection.organization_id)
        {
            (["audit-logs", organization, _], Some(id)) => *organization == id.to_string(),
            _ => false,
        },
        _ => false,
    };
    if !allowed {
        return Err(Refused(format!(
            "{path:?} is not a detail call of {}",
            source.label()
        )));
    }
    let connection = match source {
        Source::MakeScenario(stream) => &stream.connection,
        Source::MakeAudit(stream) => &stream.connection,
        _ => return Err(Refused("no detail calls".into())),
    };
    Ok(ApiRequest {
        url: format!("{}{path}", connection.base_url.trim_end_matches('/')),
        headers: crate::adapters::make_scenarios::auth_headers(connection),
    })
}

/// A path segment that stays one segment: not empty, no dot segment (also
/// percent-encoded, which URL parsers resolve as dots), no encoded slash.
fn is_plain_segment(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    let dots = lower.replace("%2e", ".");
    !segment.is_empty()
        && dots != "."
        && dots != ".."
        && !lower.contains("%2f")
        && !lower.contains("%5c")
}

fn base_url(source: &Source) -> Option<&str> {
    match source {
        Source::MakeScenario(stream) => Some(&stream.connection.base_url),
        Source::MakeAudit(stream) => Some(&stream.connection.base_url),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::{make_audit, make_scenarios};
    use crate::config::RuntimeConfig;

    fn sources(token: &str) -> Vec<Source> {
        let config = RuntimeConfig::parse(&format!(
            r#"{{"connections":[{{"vendor":"make","id":"mk","name":"Make","baseUrl":"https://eu1.make.com/api/v2",
                "token":"{token}","organizationId":11,"audit":["organization"],
                "scenarios":[{{"id":7,"name":"Sync"}}]}}]}}"#
        ))
        .unwrap();
        Source::expand(&config)
    }

    fn scenario(sources: &[Source]) -> &Source {
        sources
            .iter()
            .find(|s| matches!(s, Source::MakeScenario(_)))
            .unwrap()
    }

    #[test]
    fn a_detail_call_goes_to_the_archive_and_comes_back_with_the_servers_key() {
        let browser = sources("");
        let Source::MakeScenario(stream) = scenario(&browser) else {
            unreachable!()
        };
        let vendor = make_scenarios::execution_request(&stream.connection, 7, "a1b2c3");
        let request = forward_request("/archive/v1", scenario(&browser), &vendor).unwrap();
        assert_eq!(
            request.url,
            "/archive/v1/vendor?source=mk%2Fscenario%2F7&path=%2Fscenarios%2F7%2Fexecutions%2Fa1b2c3"
        );
        assert!(request.headers.is_empty());

        let server = sources("secret-token");
        let with_key = forwarded(scenario(&server), "/scenarios/7/executions/a1b2c3").unwrap();
        assert_eq!(
            with_key.url,
            "https://eu1.make.com/api/v2/scenarios/7/executions/a1b2c3"
        );
        assert_eq!(
            with_key.headers,
            vec![("Authorization".to_owned(), "Token secret-token".to_owned())]
        );
        for path in [
            "/scenarios/7/logs/a1b2c3",
            "/scenarios/7/modules/operations?days=30",
            "/scenarios/7/modules/42/logs?pg%5Boffset%5D=0",
        ] {
            assert!(forwarded(scenario(&server), path).is_ok(), "{path}");
        }
        let Source::MakeAudit(audit) = server
            .iter()
            .find(|s| matches!(s, Source::MakeAudit(_)))
            .unwrap()
        else {
            unreachable!()
        };
        let detail = make_audit::detail_request(&audit.connection, 11, "f00d");
        let path = detail
            .url
            .strip_prefix("https://eu1.make.com/api/v2")
            .unwrap();
        assert!(forwarded(&Source::MakeAudit(audit.clone()), path).is_ok());
    }

    #[test]
    fn nothing_but_the_streams_own_detail_calls_is_forwarded() {
        let server = sources("secret-token");
        let audit = server
            .iter()
            .find(|s| matches!(s, Source::MakeAudit(_)))
            .unwrap();
        for path in [
            "/connections",
            "/scenarios/8/executions/a1",
            "/scenarios/7/executions/a1/../../../connections",
            "/scenarios/7/logs/%2e%2e",
            "/scenarios/7/logs/a%2Fb",
            "/scenarios/7/modules/x/logs",
            "/scenarios/7",
            "/scenarios/7/logs/a1#x",
            "/scenarios//7/logs/a1",
            "scenarios/7/logs/a1",
        ] {
            assert!(forwarded(scenario(&server), path).is_err(), "{path}");
        }
        assert!(
            forwarded(audit, "/audit-logs/12/f00d").is_err(),
            "another organization"
        );
        assert!(
            forwarded(audit, "/scenarios/7/logs/a1").is_err(),
            "not the audit stream's"
        );
    }
}
