//! Who may use this server: the `Host` it answers to (so a DNS-rebinding page
//! cannot reach a relay on localhost), which sites may call the relay, and, for a
//! relay shared beyond one machine, the team token that keeps it from being a free
//! proxy to the vendors from the server's address.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;

/// Header a non-browser client sends the team token in.
pub const TOKEN_HEADER: &str = "x-logdeck-relay-token";
/// Cookie `/relay-login` sets, so the app's own calls carry the token unseen.
pub const TOKEN_COOKIE: &str = "logdeck_relay";

/// How long a sign-in lasts: long enough not to nag, short enough that a
/// captured cookie stops working by itself (the server checks it, not only
/// the browser's `Max-Age`).
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;

/// What the sign-in cookie holds: when it was issued (Unix seconds) and an
/// HMAC of that under the team token, `1765000000.9f…`. Not the token: a
/// cookie read off the wire or a disk gives away neither the secret the whole
/// team signs in with nor more than [`SESSION_SECONDS`] of access (the header
/// still takes the token itself).
pub fn session_value(token: &str, issued: i64) -> String {
    use hmac::{Hmac, Mac};
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(token.as_bytes()) else {
        return String::new();
    };
    mac.update(format!("logdeck relay session {issued}").as_bytes());
    let digest: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{issued}.{digest}")
}

/// Whether `cookie` is a session [`session_value`] issued under `token` and
/// still within [`SESSION_SECONDS`] of `now` (Unix seconds).
fn session_holds(token: &str, cookie: &str, now: i64) -> bool {
    let Some(issued) = cookie
        .split_once('.')
        .and_then(|(issued, _)| issued.parse::<i64>().ok())
    else {
        return false;
    };
    let fresh = issued <= now + 60 && now.saturating_sub(issued) <= SESSION_SECONDS;
    fresh && same_secret(cookie, &session_value(token, issued))
}

/// The operator's rules, from `--public-host`, `--allow-origin` and
/// `--relay-token-file`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessRules {
    /// Host names (no port) this server is reached by, besides IP literals and
    /// `localhost`, which no rebinding page can put in a `Host` header.
    pub public_hosts: Vec<String>,
    /// Origins besides the server's own that may call the relay.
    pub allowed_origins: Vec<String>,
    /// When set, relay calls must carry this token (header or sign-in cookie).
    pub relay_token: Option<String>,
}

impl AccessRules {
    /// Whether a request's `Host` names this server. A request without one
    /// (HTTP/1.0 tools) is no browser's, so rebinding cannot use it.
    pub fn host_allowed(&self, host: Option<&str>) -> bool {
        let Some(host) = host else { return true };
        let name = host_name(host).to_ascii_lowercase();
        name == "localhost"
            || name.ends_with(".localhost")
            || name
                .trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok()
            || self.public_hosts.contains(&name)
    }

    /// Whether a relay call comes from the app's own page, an allowed origin, or
    /// no browser page at all. `Sec-Fetch-Site` catches the cross-site calls that
    /// carry no `Origin` (plain GETs from `<img>` or links).
    pub fn origin_allowed(&self, headers: &HeaderMap) -> bool {
        let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
        let own = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .map(|host| [format!("http://{host}"), format!("https://{host}")]);
        let listed = |origin: &str| {
            own.as_ref()
                .is_some_and(|own| own.iter().any(|o| o == origin))
                || self.allowed_origins.iter().any(|allowed| allowed == origin)
        };
        if let Some(origin) = origin {
            return listed(origin);
        }
        let fetch_site = headers
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("none");
        !matches!(fetch_site, "cross-site" | "same-site")
    }

    /// Whether the relay call carries the team token, when one is required.
    pub fn token_presented(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = &self.relay_token else {
            return true;
        };
        let from_header = headers.get(TOKEN_HEADER).and_then(|v| v.to_str().ok());
        // Every cookie of that name counts: after a token changes, a browser
        // may still send an older one (of another path) first.
        let from_cookies = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|cookies| cookies.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .filter(|(name, _)| *name == TOKEN_COOKIE)
            .map(|(_, value)| value);
        let now = chrono::Utc::now().timestamp();
        from_header.is_some_and(|given| same_secret(given, expected))
            || from_cookies
                .into_iter()
                .any(|given| session_holds(expected, given, now))
    }
}

/// The host part of a `Host` header: `[::1]:8080` → `[::1]`, `a.b:80` → `a.b`.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_inclusive(']').next().unwrap_or(host);
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// Compares in time that does not depend on where the texts differ.
pub fn same_secret(given: &str, expected: &str) -> bool {
    let (given, expected) = (given.as_bytes(), expected.as_bytes());
    given.len() == expected.len()
        && given
            .iter()
            .zip(expected)
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

/// Middleware on every route: answers only to the host names it knows.
pub async fn check_host(
    State(rules): State<Arc<AccessRules>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    if !rules.host_allowed(host) {
        return AppError::new(
            StatusCode::MISDIRECTED_REQUEST,
            "host_not_allowed",
            "this server does not answer to that host name (see --public-host)",
        )
        .into_response();
    }
    next.run(request).await
}

/// Middleware on the relay: other sites may not use it, and a shared relay
/// needs the team token.
pub async fn check_relay_caller(
    State(rules): State<Arc<AccessRules>>,
    request: Request,
    next: Next,
) -> Result<Response, AppError> {
    if !rules.origin_allowed(request.headers()) {
        return Err(AppError::new(
            StatusCode::FORBIDDEN,
            "origin_not_allowed",
            "the relay answers only the app's own pages (see --allow-origin)",
        ));
    }
    if !rules.token_presented(request.headers()) {
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "relay_sign_in_required",
            "this relay is shared with a team token: sign in at /relay-login",
        ));
    }
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn hosts_are_ip_literals_localhost_or_named_by_the_operator() {
        let rules = AccessRules {
            public_hosts: vec!["logs.example.com".into()],
            ..AccessRules::default()
        };
        for host in [
            "127.0.0.1:8080",
            "localhost:8080",
            "app.localhost",
            "[::1]:8080",
            "10.0.0.7",
            "LOGS.example.com:443",
        ] {
            assert!(rules.host_allowed(Some(host)), "{host}");
        }
        for host in ["rebind.attacker.example", "logs.example.com.evil", ""] {
            assert!(!rules.host_allowed(Some(host)), "{host}");
        }
        assert!(rules.host_allowed(None));
    }

    #[test]
    fn only_the_apps_own_origin_or_an_allowed_one_calls_the_relay() {
        let rules = AccessRules {
            allowed_origins: vec!["https://ops.example.com".into()],
            ..AccessRules::default()
        };
        let own = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert!(rules.origin_allowed(&own));
        let allowed = headers(&[("host", "x"), ("origin", "https://ops.example.com")]);
        assert!(rules.origin_allowed(&allowed));
        let foreign = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "https://evil.example"),
        ]);
        assert!(!rules.origin_allowed(&foreign));
        let opaque = headers(&[("host", "127.0.0.1:8080"), ("origin", "null")]);
        assert!(!rules.origin_allowed(&opaque));
        let cross_site_get =
            headers(&[("host", "127.0.0.1:8080"), ("sec-fetch-site", "cross-site")]);
        assert!(!rules.origin_allowed(&cross_site_get));
        let same_origin_get = headers(&[("sec-fetch-site", "same-origin")]);
        assert!(rules.origin_allowed(&same_origin_get));
        assert!(rules.origin_allowed(&HeaderMap::new()), "curl and tests");
    }

    #[test]
    fn the_team_token_comes_by_header_or_cookie_and_must_match_exactly() {
        let rules = AccessRules {
            relay_token: Some("s3cret-team-token".into()),
            ..AccessRules::default()
        };
        assert!(!rules.token_presented(&HeaderMap::new()));
        assert!(rules.token_presented(&headers(&[(TOKEN_HEADER, "s3cret-team-token")])));
        assert!(!rules.token_presented(&headers(&[(TOKEN_HEADER, "s3cret-team-tokem")])));
        assert!(!rules.token_presented(&headers(&[(TOKEN_HEADER, "s3cret")])));
        // The cookie holds a session under the token, never the token itself.
        let session: &'static str =
            session_value("s3cret-team-token", chrono::Utc::now().timestamp()).leak();
        assert_ne!(session, "s3cret-team-token");
        let cookie = format!("theme=dark; logdeck_relay={session}").leak();
        assert!(rules.token_presented(&headers(&[("cookie", cookie)])));
        let bare = headers(&[("cookie", "logdeck_relay=s3cret-team-token")]);
        assert!(!rules.token_presented(&bare));
        let other_name = format!("xlogdeck_relay={session}").leak();
        assert!(!rules.token_presented(&headers(&[("cookie", other_name)])));
        assert!(!rules.token_presented(&headers(&[(TOKEN_HEADER, session)])));
        assert!(AccessRules::default().token_presented(&HeaderMap::new()));
    }

    #[test]
    fn a_session_holds_for_its_month_under_its_token_only() {
        let token = "s3cret-team-token";
        let issued = 1_765_000_000;
        let session = session_value(token, issued);
        assert!(!session.contains(token));
        assert!(session_holds(token, &session, issued));
        assert!(session_holds(token, &session, issued + SESSION_SECONDS));
        assert!(
            !session_holds(token, &session, issued + SESSION_SECONDS + 1),
            "expired"
        );
        assert!(
            !session_holds(token, &session, issued - 3600),
            "issued in the future"
        );
        assert!(
            !session_holds("another-team-token", &session, issued),
            "another token"
        );
        // Its time moved on: the HMAC no longer matches.
        let (_, mac) = session.split_once('.').unwrap();
        let later = format!("{}.{mac}", issued + 1000);
        assert!(!session_holds(token, &later, issued + 1000));
        for junk in ["", ".", "abc", "1765000000", "1765000000.", "x.y"] {
            assert!(!session_holds(token, junk, issued), "{junk:?}");
        }
    }
}
