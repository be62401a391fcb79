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
/// calls. The URL is rebuilt from the checked parts: each segment a plain id,
/// each query parameter one the call takes, with a plain value.
pub fn forwarded(source: &Source, path: &str) -> Result<ApiRequest, Refused> {
    let refused = || {
        Refused(format!(
            "{path:?} is not a detail call of {}",
            source.label()
        ))
    };
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    let segments: Vec<&str> = route
        .strip_prefix('/')
        .ok_or_else(refused)?
        .split('/')
        .collect();
    if !segments.iter().all(|segment| is_plain(segment, 64)) {
        return Err(refused());
    }
    let (connection, parameters): (_, &[&str]) = match (source, segments.as_slice()) {
        (Source::MakeScenario(stream), ["scenarios", id, "logs" | "executions", _])
            if *id == stream.scenario.id.to_string() =>
        {
            (&stream.connection, &[])
        }
        (Source::MakeScenario(stream), ["scenarios", id, "modules", "operations"])
            if *id == stream.scenario.id.to_string() =>
        {
            (&stream.connection, &["days"])
        }
        (Source::MakeScenario(stream), ["scenarios", id, "modules", module, "logs"])
            if *id == stream.scenario.id.to_string()
                && module.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (
                &stream.connection,
                &["pg[offset]", "pg[limit]", "pg[sortDir]"],
            )
        }
        (Source::MakeAudit(stream), ["audit-logs", organization, _])
            if stream
                .connection
                .organization_id
                .is_some_and(|id| *organization == id.to_string()) =>
        {
            (&stream.connection, &[])
        }
        _ => return Err(refused()),
    };
    let mut rebuilt = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        if !parameters.contains(&key.as_ref()) || !is_plain(&value, 16) {
            return Err(refused());
        }
        rebuilt.append_pair(&key, &value);
    }
    let query = rebuilt.finish();
    Ok(ApiRequest {
        url: format!(
            "{}/{}{}{query}",
            connection.base_url.trim_end_matches('/'),
            segments.join("/"),
            if query.is_empty() { "" } else { "?" }
        ),
        headers: crate::adapters::make_scenarios::auth_headers(connection),
    })
}

/// An id as the vendors write them (digits, hex, UUIDs, words): one segment or
/// value that no URL parser reads as anything else.
fn is_plain(text: &str, longest: usize) -> bool {
    (1..=longest).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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
        // Each of the app's own calls arrives as it left, with the key added.
        let Source::MakeScenario(keyed) = scenario(&server) else {
            unreachable!()
        };
        for call in [
            make_scenarios::module_logs_request(&stream.connection, 7, 42, 100, 50),
            make_scenarios::module_operations_request(&stream.connection, 7, 30),
            make_scenarios::log_request(&stream.connection, 7, "a1b2c3"),
        ] {
            let asked = forward_request("/archive/v1", scenario(&browser), &call).unwrap();
            let path = url::form_urlencoded::parse(asked.url.split_once('?').unwrap().1.as_bytes())
                .find(|(key, _)| key == "path")
                .unwrap()
                .1
                .into_owned();
            let made = forwarded(scenario(&server), &path).unwrap();
            assert_eq!(made.url, call.url, "{path}");
            assert_eq!(
                made.headers,
                make_scenarios::auth_headers(&keyed.connection)
            );
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
            "/scenarios/7/logs/.%09.",
            "/scenarios/7/logs/.\t.",
            "/scenarios/7/logs/%252e%252e",
            "/scenarios/7/logs/a1;x",
            "/scenarios/7/logs/a1 ",
            "/scenarios/7/logs/a1?pg[limit]=5",
            "/scenarios/7/modules/operations?days=1&token=x",
            "/scenarios/7/modules/operations?days=%2e%2e",
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
