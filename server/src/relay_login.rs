//! `/relay-login`: where a team member gives a shared relay its team token once.
//! The answer is an `HttpOnly`, `SameSite=Strict` cookie for the whole server (the
//! relay and the team archive read it), so the app's calls carry the token without
//! the page (or any script) ever seeing it. The relay never forwards it upstream.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use crate::access::{same_secret, AccessRules, TOKEN_COOKIE};

/// A month: long enough not to nag, short enough that a leaked cookie expires.
const COOKIE_SECONDS: u32 = 30 * 24 * 3600;

const PAGE_GUARDS: [(header::HeaderName, &str); 3] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    ),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::CACHE_CONTROL, "no-store"),
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
pub async fn sign_in(State(rules): State<Arc<AccessRules>>, Form(form): Form<SignIn>) -> Response {
    let Some(expected) = &rules.relay_token else {
        return page(StatusCode::NOT_FOUND, "This relay needs no token.");
    };
    if !same_secret(form.token.trim(), expected) {
        return page(
            StatusCode::FORBIDDEN,
            "That is not this relay's team token.",
        );
    }
    let cookie = format!(
        "{TOKEN_COOKIE}={expected}; Path=/; Max-Age={COOKIE_SECONDS}; HttpOnly; SameSite=Strict"
    );
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}
