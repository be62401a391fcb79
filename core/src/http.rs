//! Transport-neutral descriptions of requests and of vendors' error answers.
//!
//! Adapters describe a request; the browser layer (`net`) performs it. Keeping the
//! description pure lets tests check every parameter without a network.

use std::fmt;

use crate::vendor::Vendor;

/// A GET request an adapter wants performed.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiRequest {
    /// Full URL including the encoded query string.
    pub url: String,
    /// Headers, including the vendor's auth header.
    pub headers: Vec<(String, String)>,
}

impl fmt::Debug for ApiRequest {
    /// Header values are redacted: a request may be logged, a token never is.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("ApiRequest")
            .field("url", &self.url)
            .field("headers", &names)
            .finish()
    }
}

/// Builds `base` + `path` + encoded `params`, tolerating a trailing slash on `base`.
pub fn build_url(base: &str, path: &str, params: &[(String, String)]) -> String {
    let mut url = format!("{}{}", base.trim_end_matches('/'), path);
    if !params.is_empty() {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(params)
            .finish();
        url.push('?');
        url.push_str(&query);
    }
    url
}

/// An HTTP answer of any status, as the transport received it; the adapters decide
/// what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpAnswer {
    pub status: u16,
    pub body: String,
    /// `Retry-After` in seconds, when the server sent one (and, cross-origin,
    /// exposed it).
    pub retry_after: Option<u32>,
}

/// A vendor's refusal, decoded into words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorError {
    pub vendor: Vendor,
    pub http_status: u16,
    /// The vendor's own message, or a generic one for the status code.
    pub message: String,
    /// Correlation id to quote to the vendor's support, where the vendor sends one.
    pub trace_id: Option<String>,
    /// How long the vendor asked us to wait (`Retry-After`), when it said.
    pub retry_after: Option<u32>,
}

impl fmt::Display for VendorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} answered {} ({}): {}",
            self.vendor.label(),
            self.http_status,
            reason_phrase(self.http_status),
            self.message
        )?;
        if let Some(trace) = &self.trace_id {
            write!(f, " [trace id {trace}]")?;
        }
        if let Some(seconds) = self.retry_after {
            write!(f, " Retry in {seconds} s.")?;
        }
        Ok(())
    }
}

/// What usually fixes an answer with this status, in plain words.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "bad request",
        401 => "the token was refused",
        403 => "the token lacks a scope or role",
        404 => "not found: check the zone, base URL or id",
        429 => "rate limited: wait and retry",
        500..=599 => "the vendor's server failed",
        _ => "unexpected answer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_bracketed_keys_and_trim_the_base() {
        let url = build_url(
            "https://eu1.make.com/api/v2/",
            "/scenarios/7/logs",
            &[
                ("pg[limit]".into(), "50".into()),
                ("q".into(), "a b&c".into()),
            ],
        );
        assert_eq!(
            url,
            "https://eu1.make.com/api/v2/scenarios/7/logs?pg%5Blimit%5D=50&q=a+b%26c"
        );
        assert_eq!(build_url("/x", "/y", &[]), "/x/y");
    }

    #[test]
    fn debug_output_never_shows_header_values() {
        let request = ApiRequest {
            url: "/x".into(),
            headers: vec![("Authorization".into(), "Token secret-123".into())],
        };
        let shown = format!("{request:?}");
        assert!(shown.contains("Authorization"));
        assert!(!shown.contains("secret-123"));
    }

    #[test]
    fn errors_read_as_sentences_with_trace_ids() {
        let mut error = VendorError {
            vendor: Vendor::Aitronos,
            http_status: 401,
            message: "Authentication required.".into(),
            trace_id: Some("req_1".into()),
            retry_after: None,
        };
        assert_eq!(
            error.to_string(),
            "Aitronos answered 401 (the token was refused): Authentication required. [trace id req_1]"
        );
        error.http_status = 429;
        error.trace_id = None;
        error.retry_after = Some(20);
        assert_eq!(
            error.to_string(),
            "Aitronos answered 429 (rate limited: wait and retry): Authentication required. Retry in 20 s."
        );
    }
}
