//! Performs the requests the core describes, in the browser, and maps failures.
//! Vendor calls go through [`schedule`], which keeps each connection's budget.

pub mod kept;
pub mod schedule;

use gloo_net::http::Request;
use web_sys::AbortSignal;

use logdeck_core::http::{ApiRequest, HttpAnswer};
use logdeck_core::sources::SourceError;

/// Why no answer arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// A newer query superseded this request; nothing to show.
    Aborted,
    /// The browser could not reach the server (offline, DNS, or CORS refused).
    Unreachable(String),
}

impl NetError {
    /// The failure as the source's error; `None` when the request was cancelled,
    /// which is nobody's failure.
    pub fn into_source_error(self) -> Option<SourceError> {
        match self {
            NetError::Aborted => None,
            NetError::Unreachable(detail) => Some(SourceError::Unreachable(detail)),
        }
    }
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetError::Aborted => f.write_str("the request was cancelled"),
            NetError::Unreachable(detail) => write!(
                f,
                "the browser could not reach the server ({detail}); check the URL, your \
                 network, or whether the vendor allows browser calls (use the relay if not)"
            ),
        }
    }
}

/// Sends a GET described by the core at once; `signal` aborts it when the query
/// changes. Vendor calls use [`schedule::scheduled_get`] instead.
pub async fn get(
    request: &ApiRequest,
    signal: Option<&AbortSignal>,
) -> Result<HttpAnswer, NetError> {
    let mut builder = Request::get(&request.url).abort_signal(signal);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    let aborted = || signal.is_some_and(AbortSignal::aborted);
    let response = builder.send().await.map_err(|error| {
        if aborted() {
            NetError::Aborted
        } else {
            NetError::Unreachable(error.to_string())
        }
    })?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.trim().parse().ok());
    // The body's bytes copied into wasm as they are: `text()` would decode
    // them into a JS string, and handing that to Rust encodes it back.
    let bytes = response.binary().await.map_err(|error| {
        if aborted() {
            NetError::Aborted
        } else {
            NetError::Unreachable(error.to_string())
        }
    })?;
    Ok(HttpAnswer {
        status,
        body: utf8_text(bytes),
        retry_after,
    })
}

/// The bytes as `Response.text()` reads them: a leading byte-order mark
/// dropped (a JSON parser would stop at it), invalid UTF-8 replaced.
fn utf8_text(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned())
}
