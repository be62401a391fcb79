//! `GET /relay/{name}/{path}?{query}`: forwards to the allowlisted upstream `name`
//! and nowhere else. The upstream host always comes from the configuration, never
//! from the request; the path is checked before and after joining; redirects are
//! not followed; only the vendor auth headers go up and no cookies go either way.

use std::sync::Arc;

use axum::body::Body;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use url::Url;

use super::config::{Limits, Mode, RelayConfig, Upstream};
use crate::error::AppError;

/// Request headers passed to the upstream besides its vendor's own key header
/// ([`logdeck_core::vendor::Vendor::auth`]): no other credential the browser
/// holds (a proxy's Basic `Authorization`, sent with every call to the page's
/// origin) reaches a vendor whose key goes elsewhere.
const FORWARDED_REQUEST: [&str; 1] = ["accept"];
/// Response headers passed back: what the app reads, including rate limits.
const FORWARDED_RESPONSE: [&str; 6] = [
    "content-type",
    "retry-after",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "content-language",
];

/// The relay: its allowlist, an HTTP client that never follows redirects, and
/// the slots that bound how many calls (and so how much memory) are in flight.
pub struct Relay {
    config: RelayConfig,
    client: reqwest::Client,
    slots: Arc<Semaphore>,
}

impl Relay {
    pub fn new(config: RelayConfig) -> Result<Relay, String> {
        config.check_transport()?;
        let builder = reqwest::Client::builder();
        // Keys go to the vendor only: through no proxy but the one the operator
        // names (naming one also turns the environment's proxies off).
        let builder = match &config.upstream_proxy {
            Some(url) => builder.proxy(
                reqwest::Proxy::all(url.as_str())
                    .map_err(|e| format!("--upstream-proxy {url}: {e}"))?,
            ),
            None => builder.no_proxy(),
        };
        let client = builder
            .redirect(reqwest::redirect::Policy::none())
            .timeout(config.limits.timeout)
            .connect_timeout(
                config
                    .limits
                    .timeout
                    .min(std::time::Duration::from_secs(10)),
            )
            .user_agent("logdeck-relay")
            .build()
            .map_err(|e| format!("cannot build the relay's HTTP client: {e}"))?;
        let slots = Arc::new(Semaphore::new(config.limits.max_concurrent.max(1)));
        Ok(Relay {
            config,
            client,
            slots,
        })
    }

    pub fn config(&self) -> &RelayConfig {
        &self.config
    }
}

/// Headers on every relay answer, relayed or refused: whatever an upstream sends
/// can never render, run script or be framed on the app's origin.
const ANSWER_GUARDS: [(HeaderName, &str); 3] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; sandbox",
    ),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::X_FRAME_OPTIONS, "DENY"),
];

/// Middleware around the relay, outermost: [`ANSWER_GUARDS`] on every answer,
/// upstream ones and the relay's own refusals alike.
pub async fn guard_answers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    for (name, value) in ANSWER_GUARDS {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    response
}

/// The handler behind `/relay/{*rest}`.
/// The relay's own refusals are [`AppError`]s; upstream answers pass through with
/// their status and readable types only.
pub async fn forward(State(relay): State<Arc<Relay>>, request: Request) -> Response {
    match relay_request(&relay, request).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn relay_request(relay: &Relay, request: Request) -> Result<Response, AppError> {
    let limits = relay.config.limits;
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Err(AppError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "the relay only reads: GET or HEAD",
        ));
    }
    let uri = request.uri();
    if uri.to_string().len() > limits.max_uri_bytes {
        return Err(AppError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            "the request URI is too long",
        ));
    }
    if has_body(request.headers()) {
        return Err(AppError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_not_allowed",
            "relayed reads carry no body",
        ));
    }
    let Some(rest) = uri.path().strip_prefix("/relay/") else {
        return Err(AppError::new(
            StatusCode::NOT_FOUND,
            "unknown_upstream",
            "no upstream named",
        ));
    };
    let (name, path) = rest.split_once('/').unwrap_or((rest, ""));
    let vendor_host;
    let (upstream, path) = if name == "vendor" {
        vendor_host = relay.config.vendor_upstream(path).ok_or_else(|| {
            AppError::new(
                StatusCode::NOT_FOUND,
                "unknown_upstream",
                "that is not a vendor host this relay knows (the vendors' official API \
                 bases, or --vendor-host)",
            )
        })?;
        (&vendor_host.0, vendor_host.1)
    } else {
        // A direct-mode upstream is called by the browser itself, never relayed.
        let upstream = relay
            .config
            .find(name)
            .filter(|upstream| upstream.mode == Mode::Relay)
            .ok_or_else(|| {
                AppError::new(
                    StatusCode::NOT_FOUND,
                    "unknown_upstream",
                    format!("no relayed upstream named {name:?} is configured"),
                )
            })?;
        (upstream, path)
    };
    let target = match target_url(upstream, path, uri.query()) {
        Ok(target) => target,
        Err(reason) => {
            return Err(AppError::new(
                StatusCode::BAD_REQUEST,
                "path_refused",
                reason,
            ))
        }
    };
    let Ok(slot) = relay.slots.clone().try_acquire_owned() else {
        return Err(AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "relay_busy",
            "the relay is at its limit of calls at once; try again in a moment",
        )
        .retry_after(1));
    };
    // Ask for the body as is: a compressed one would reach the app unreadable.
    let mut outgoing = relay
        .client
        .request(request.method().clone(), target)
        .header(header::ACCEPT_ENCODING, "identity");
    for name in FORWARDED_REQUEST {
        if let Some(value) = request.headers().get(name) {
            outgoing = outgoing.header(name, value);
        }
    }
    // The key header only as the vendor writes it (`Token …`, `Bearer …`): a
    // call without a key would otherwise carry whatever the browser adds.
    let auth = upstream.vendor.auth();
    let written_so = |value: &&HeaderValue| {
        value
            .to_str()
            .is_ok_and(|text| auth.key_in(text).is_some_and(|key| !key.is_empty()))
    };
    if let Some(value) = request.headers().get(auth.header).filter(written_so) {
        outgoing = outgoing.header(auth.header, value);
    }
    match outgoing.send().await {
        Ok(answer) => relay_answer(answer, limits, &upstream.name, slot).await,
        Err(error) if error.is_timeout() => Err(AppError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_timeout",
            format!("{} did not answer in time", upstream.name),
        )),
        Err(_) => Err(AppError::new(
            StatusCode::BAD_GATEWAY,
            "upstream_unreachable",
            format!("{} could not be reached", upstream.name),
        )),
    }
}

fn has_body(headers: &HeaderMap) -> bool {
    let length = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    length > 0 || headers.contains_key(header::TRANSFER_ENCODING)
}

/// Joins the allowlisted base with the requested path, refusing anything that
/// could leave it: dot segments, encoded slashes or dots, backslashes, empty
/// segments (`//host` tricks), and — checked again after joining — any change of
/// scheme, host, port or base path.
pub fn target_url(upstream: &Upstream, path: &str, query: Option<&str>) -> Result<Url, String> {
    let lowered = path.to_ascii_lowercase();
    // `;` (path parameters, `..;` to Tomcat-style servers) and `%25` (a second
    // round of decoding) could mean something else to an upstream that normalises.
    let forbidden = ["%2f", "%5c", "%2e", "%00", "%25", ";", "\\", "@"];
    if let Some(found) = forbidden.iter().find(|f| lowered.contains(**f)) {
        return Err(format!("the path may not contain {found:?}"));
    }
    if path
        .split('/')
        .any(|segment| segment.is_empty() || segment == "." || segment == "..")
        && !path.is_empty()
    {
        return Err("the path may not contain empty, `.` or `..` segments".to_owned());
    }
    if path.chars().any(|c| c.is_control() || c == ' ') {
        return Err("the path may not contain control characters or spaces".to_owned());
    }
    let base = upstream.base_url.as_str().trim_end_matches('/');
    let mut joined = if path.is_empty() {
        base.to_owned()
    } else {
        format!("{base}/{path}")
    };
    if let Some(query) = query {
        joined.push('?');
        joined.push_str(query);
    }
    let target =
        Url::parse(&joined).map_err(|_| "the path does not form a valid URL".to_owned())?;
    let same_place = target.scheme() == upstream.base_url.scheme()
        && target.host_str() == upstream.base_url.host_str()
        && target.port_or_known_default() == upstream.base_url.port_or_known_default()
        && target.username().is_empty()
        && target
            .path()
            .starts_with(upstream.base_url.path().trim_end_matches('/'));
    if !same_place {
        return Err("the path leaves the configured upstream".to_owned());
    }
    Ok(target)
}

/// Passes the upstream's answer back: status, allowed headers, and a body no
/// larger than the limit. Redirects are reported, never followed or forwarded.
async fn relay_answer(
    answer: reqwest::Response,
    limits: Limits,
    name: &str,
    slot: OwnedSemaphorePermit,
) -> Result<Response, AppError> {
    let status = answer.status();
    if status.is_redirection() {
        return Err(AppError::new(
            StatusCode::BAD_GATEWAY,
            "upstream_redirect",
            format!("{name} answered with a redirect, which the relay does not follow"),
        ));
    }
    if answer
        .content_length()
        .is_some_and(|length| length > limits.max_response_bytes as u64)
    {
        return Err(too_large(name));
    }
    if answer
        .headers()
        .get(header::CONTENT_ENCODING)
        .is_some_and(|encoding| encoding.as_bytes() != b"identity")
    {
        return Err(AppError::new(
            StatusCode::BAD_GATEWAY,
            "upstream_compressed",
            format!("{name} sent a compressed answer although the relay asked for none"),
        ));
    }
    let mut headers = HeaderMap::new();
    for header_name in FORWARDED_RESPONSE {
        if let Some(value) = answer.headers().get(header_name) {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(header_name.as_bytes()),
                HeaderValue::from_bytes(value.as_bytes()),
            ) {
                headers.insert(name, value);
            }
        }
    }
    let body = relay_body(answer, limits, name, slot).await?;
    if !readable_type(headers.get(header::CONTENT_TYPE)) {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/octet-stream"),
        );
        headers.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment"),
        );
    }
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    *response.headers_mut() = headers;
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// JSON (the vendors' answers) and plain text (some error bodies) pass as they are;
/// anything else — HTML, SVG, no type at all — goes as an opaque download.
fn readable_type(content_type: Option<&HeaderValue>) -> bool {
    let Some(essence) = content_type
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(|essence| essence.trim().to_ascii_lowercase())
    else {
        return false;
    };
    essence == "application/json" || essence == "text/plain" || essence.ends_with("+json")
}

/// Reads the first [`Limits::buffered_bytes`] whole, so that small answers (every
/// vendor page) fail with a status of their own; streams the rest under the size
/// cap, cutting the connection off if the upstream fails or sends too much. The
/// call's slot is held until the body is done, so slots bound memory too.
async fn relay_body(
    answer: reqwest::Response,
    limits: Limits,
    name: &str,
    slot: OwnedSemaphorePermit,
) -> Result<Body, AppError> {
    let mut stream = answer.bytes_stream();
    let mut head = Vec::new();
    while head.len() < limits.buffered_bytes.max(1) {
        match stream.next().await {
            None => return Ok(Body::from(head)),
            Some(Ok(bytes)) if head.len() + bytes.len() <= limits.max_response_bytes => {
                head.extend_from_slice(&bytes)
            }
            Some(Ok(_)) => return Err(too_large(name)),
            Some(Err(error)) => return Err(broken_body(&error, name)),
        }
    }
    let mut sent = head.len();
    let max = limits.max_response_bytes;
    let rest = stream.map(move |chunk| {
        let _held_until_done = &slot;
        let bytes = chunk.map_err(std::io::Error::other)?;
        sent += bytes.len();
        if sent > max {
            return Err(std::io::Error::other(
                "answer exceeds the relay's size limit",
            ));
        }
        Ok(bytes)
    });
    let head = futures_util::stream::once(async move { Ok(Bytes::from(head)) });
    Ok(Body::from_stream(head.chain(rest)))
}

fn broken_body(error: &reqwest::Error, name: &str) -> AppError {
    if error.is_timeout() {
        AppError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_timeout",
            format!("{name} did not finish in time"),
        )
    } else {
        AppError::new(
            StatusCode::BAD_GATEWAY,
            "upstream_broken",
            format!("{name} broke off its answer"),
        )
    }
}

fn too_large(name: &str) -> AppError {
    AppError::new(
        StatusCode::BAD_GATEWAY,
        "upstream_too_large",
        format!("{name}'s answer exceeds the relay's size limit"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_json_and_plain_text_are_readable() {
        let readable = |value: &'static str| readable_type(Some(&HeaderValue::from_static(value)));
        assert!(readable("application/json"));
        assert!(readable("Application/JSON; charset=utf-8"));
        assert!(readable("application/problem+json"));
        assert!(readable("text/plain"));
        assert!(!readable("text/html"));
        assert!(!readable("image/svg+xml"));
        assert!(!readable("application/xhtml+xml"));
        assert!(!readable_type(None));
    }

    fn upstream(base: &str) -> Upstream {
        Upstream {
            name: "make".into(),
            vendor: logdeck_core::vendor::Vendor::Make,
            label: None,
            base_url: Url::parse(base).unwrap(),
            mode: Mode::Relay,
            connection: toml::Table::new(),
        }
    }

    #[test]
    fn paths_stay_under_the_configured_base() {
        let make = upstream("https://eu1.make.com/api/v2");
        let ok = target_url(&make, "scenarios/1/logs", Some("pg%5Blimit%5D=5")).unwrap();
        assert_eq!(
            ok.as_str(),
            "https://eu1.make.com/api/v2/scenarios/1/logs?pg%5Blimit%5D=5"
        );
        for trick in [
            "../../etc/passwd",
            "scenarios/../../x",
            "%2e%2e/x",
            "%2E%2E/x",
            "scenarios%2F..%2Fx",
            "/evil.com/x",
            "//evil.com/x",
            "@evil.com/x",
            "x\\..\\y",
            "a/./b",
            "a b",
            "api/..;/x",
            "x;jsessionid=1",
            "%252e%252e/x",
            "http://evil.com/x",
        ] {
            let result = target_url(&make, trick, None);
            assert!(result.is_err(), "{trick} should be refused: {result:?}");
        }
    }
}
