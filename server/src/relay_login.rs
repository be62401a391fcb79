//! `/relay-login`: where a team member gives a shared relay its team token once.
//! The answer is a session signed with the token ([`crate::access::session_value`])
//! in an `HttpOnly`, `SameSite=Strict` cookie for the whole server (the relay and
//! the team archive read it), so the app's calls are signed in without the page
//! (or any script) ever seeing a secret. The relay never forwards it upstream.

use std::sync::Arc;

use std::time::Duration;

use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use crate::access::{same_secret, session_value, AccessRules, SESSION_SECONDS, TOKEN_COOKIE};

/// The whole form, however slowly sent: the listener's timeouts restart with
/// every byte, so a body sent a byte at a time would hold a connection.
const FORM_DEADLINE: Duration = Duration::from_secs(10);

/// The page's own referrer policy: `same-origin`, not the server's
/// `no-referrer`, under which a browser posts the form with `Origin: null`
/// and the sign-in could not tell it came over https.
const PAGE_GUARDS: [(header::HeaderName, &str); 4] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::CACHE_CONTROL, "no-store"),
    (header::REFERRER_POLICY, "same-origin"),
];

fn page(status: StatusCode, notice: &str) -> Response {
    let body = format!(
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width\"><title>Logdeck relay sign-in</title>\
<body style=\"font:16px system-ui;max-width:30rem;margin:3rem auto;padding:0 1rem\">\
<h1>Sign in to this relay</h1>\
<p>The operator shares this Logdeck relay with a team token. Enter it once; this browser keeps it in a cookie only this Logdeck server reads.</p>\
<p role=\"status\">{notice}</p>\
<form method=\"post\" action=\"/relay-login\">\
<label>Team token <input name=\"token\" type=\"password\" autocomplete=\"current-password\" required></label> \
<button>Sign in</button></form><p><a href=\"/\">Back to Logdeck</a></p></body></html>"
    );
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    for (name, value) in PAGE_GUARDS {
        response
            .headers_mut()
            .insert(name, HeaderValue::from_static(value));
    }
    response
}

/// `GET /relay-login`.
pub async fn form() -> Response {
    page(StatusCode::OK, "")
}

#[derive(Deserialize)]
pub struct SignIn {
    token: String,
}

/// `POST /relay-login`: a right token sets the cookie and goes back to the app.
pub async fn sign_in(State(rules): State<Arc<AccessRules>>, request: Request) -> Response {
    let secure = came_over_https(request.headers());
    let form = match tokio::time::timeout(FORM_DEADLINE, Form::<SignIn>::from_request(request, &()))
        .await
    {
        Ok(Ok(Form(form))) => form,
        Ok(Err(rejection)) => return rejection.into_response(),
        Err(_) => {
            return page(
                StatusCode::REQUEST_TIMEOUT,
                "The form took too long to arrive.",
            )
        }
    };
    let Some(expected) = &rules.relay_token else {
        return page(StatusCode::NOT_FOUND, "This relay needs no token.");
    };
    if !same_secret(form.token.trim(), expected) {
        return page(
            StatusCode::FORBIDDEN,
            "That is not this relay's team token.",
        );
    }
    let mut cookie = format!(
        "{TOKEN_COOKIE}={}; Path=/; Max-Age={SESSION_SECONDS}; HttpOnly; SameSite=Strict",
        session_value(expected, chrono::Utc::now().timestamp())
    );
    if secure {
        cookie.push_str("; Secure");
    }
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Whether the sign-in reached the server over https, directly or through the
/// TLS proxy the operator puts in front: then the cookie is `Secure`, never
/// sent over plain http (where anyone on the way could read it). Over plain
/// http, as on a trusted network, it could not be set otherwise.
fn came_over_https(headers: &HeaderMap) -> bool {
    let said = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(|value| value.trim().to_ascii_lowercase())
    };
    said("x-forwarded-proto").is_some_and(|proto| proto.split(',').next() == Some("https"))
        || said("origin").is_some_and(|origin| origin.starts_with("https://"))
}
