//! Faults on demand, for tests: a credential named `fault-…` makes any demo vendor
//! misbehave in a chosen way, so the app's error paths run against real answers.
//!
//! | credential            | answer                                                    |
//! |-----------------------|-----------------------------------------------------------|
//! | `fault-429`           | 429 with `Retry-After: 2` and the vendor's error body     |
//! | `fault-500`, `fault-503` | that status with the vendor's error body               |
//! | `fault-slow`, `fault-slow-<ms>` | the normal answer after 3 s (or `<ms>`)         |
//! | `fault-malformed`     | 200 with a body that is not JSON                          |
//! | `fault-truncated`     | 200 with the normal answer cut in half                    |
//! | `fault-shape`         | 200 with JSON of the wrong shape                          |
//! | `fault-limit-<n>-<s>` | the normal answer, but 429 past `n` calls in `s` seconds (`rate_limit.rs`) |

use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub use logdeck_core::vendor::Vendor;

use super::error::ApiError;

const DEFAULT_SLOW: Duration = Duration::from_secs(3);
/// Far above any demo answer; bounds what `fault-truncated` buffers.
const MAX_BODY: usize = 256 * 1024 * 1024;

/// What the fault middleware needs of the vendor a route imitates: its auth header
/// (from the core's vendor list) and its error body shape.
trait Imitated {
    fn credential(self, request: &Request) -> Option<String>;
    fn authorize_as_demo(self, request: &mut Request);
}

impl Imitated for Vendor {
    fn credential(self, request: &Request) -> Option<String> {
        let auth = self.auth();
        let value = request.headers().get(auth.header)?.to_str().ok()?;
        auth.key_in(value).map(str::to_owned)
    }

    /// Replaces a fault credential with the demo one, so the normal answer follows.
    fn authorize_as_demo(self, request: &mut Request) {
        let demo_key = match self {
            Vendor::Make => super::make::DEMO_TOKEN,
            Vendor::Dify => super::dify::APPS[0].0,
            Vendor::Aitronos => super::aitronos::DEMO_KEY,
        };
        let (name, value) = self
            .auth()
            .header_for(&logdeck_core::config::Secret::new(demo_key));
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            request.headers_mut().insert(name, value);
        }
    }
}

/// The credential `vendor`'s auth header carries, if any.
pub(super) fn credential(vendor: Vendor, request: &Request) -> Option<String> {
    vendor.credential(request)
}

/// Puts the demo's own key in place of a test credential, so the normal answer follows.
pub(super) fn authorize_as_demo(vendor: Vendor, request: &mut Request) {
    vendor.authorize_as_demo(request);
}

/// The middleware: passes ordinary requests through untouched.
pub async fn inject(State(vendor): State<Vendor>, mut request: Request, next: Next) -> Response {
    let Some(fault) = vendor
        .credential(&request)
        .and_then(|c| c.strip_prefix("fault-").map(str::to_owned))
    else {
        return next.run(request).await;
    };
    match fault.as_str() {
        "429" => {
            let mut response = ApiError::new(
                vendor,
                StatusCode::TOO_MANY_REQUESTS,
                "Rate limit exceeded (demo fault)",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            response
        }
        "500" => ApiError::new(
            vendor,
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error (demo fault)",
        )
        .into_response(),
        "503" => ApiError::new(
            vendor,
            StatusCode::SERVICE_UNAVAILABLE,
            "Service unavailable (demo fault)",
        )
        .into_response(),
        "malformed" => json_body("{\"oops\": [1, 2,"),
        "shape" => json_body("{\"unexpected\": \"shape\", \"items\": 3}"),
        "truncated" => {
            vendor.authorize_as_demo(&mut request);
            let response = next.run(request).await;
            match to_bytes(response.into_body(), MAX_BODY).await {
                Ok(bytes) => json_body(bytes.slice(..bytes.len() / 2)),
                Err(_) => ApiError::new(
                    vendor,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "could not buffer the answer",
                )
                .into_response(),
            }
        }
        slow if slow == "slow" || slow.starts_with("slow-") => {
            let delay = slow
                .strip_prefix("slow-")
                .and_then(|ms| ms.parse().ok())
                .map_or(DEFAULT_SLOW, Duration::from_millis);
            tokio::time::sleep(delay).await;
            vendor.authorize_as_demo(&mut request);
            next.run(request).await
        }
        _ => next.run(request).await,
    }
}

fn json_body(body: impl Into<Body>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.into(),
    )
        .into_response()
}
