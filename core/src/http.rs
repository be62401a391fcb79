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
        // The vendor's own advice, as it gave it: read later (a failed
        // source's line), "retry in" would be stale, and "Retry" is a button.
        if let Some(seconds) = self.retry_after {
            write!(f, " It asked to wait {seconds} s before another try.")?;
        }
        Ok(())
    }
}

/// The Logdeck relay's own refusal, `{"error": {"code", "message"}}` and nothing
/// else: told apart from the vendor's answers, so "sign in to the relay" is not
/// reported as "the vendor refused your key".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayRefusal {
    pub http_status: u16,
    /// The relay's stable code: `relay_sign_in_required`, `relay_busy`, …
    pub code: String,
    pub message: String,
    pub retry_after: Option<u32>,
}

impl RelayRefusal {
    /// The refusal in `answer`, if the relay (not the vendor behind it) answered.
    /// No vendor's error has exactly this shape with a lowercase code.
    pub fn from_answer(answer: &HttpAnswer) -> Option<RelayRefusal> {
        if answer.status < 400 {
            return None;
        }
        let body: serde_json::Value = serde_json::from_str(&answer.body).ok()?;
        let top = body.as_object().filter(|top| top.len() == 1)?;
        let error = top.get("error")?.as_object().filter(|e| e.len() == 2)?;
        let code = error.get("code")?.as_str()?;
        let message = error.get("message")?.as_str()?;
        let relay_code =
            !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_');
        relay_code.then(|| RelayRefusal {
            http_status: answer.status,
            code: code.to_owned(),
            message: message.to_owned(),
            retry_after: answer.retry_after,
        })
    }

    /// What to do about it, in plain words.
    pub fn fix(&self) -> &'static str {
        match self.code.as_str() {
            "relay_sign_in_required" => {
                "Open /relay-login on this server and enter the team token your operator gave you."
            }
            "relay_busy" => "The relay is at its limit of calls at once: wait a moment and try again.",
            "origin_not_allowed" | "host_not_allowed" => {
                "Open Logdeck from the address the operator published, or ask them to allow this one."
            }
            "unknown_upstream" => {
                "The server has no relayed upstream by that name: check the connection's base URL."
            }
            "upstream_timeout" | "upstream_unreachable" | "upstream_broken" => {
                "The relay could not get an answer from the vendor: try again later."
            }
            _ => "Check the connection's base URL; the relay refused this call.",
        }
    }
}

impl fmt::Display for RelayRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the Logdeck relay refused ({}, {}): {}",
            self.http_status, self.code, self.message
        )
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
    fn the_relays_own_refusals_are_told_from_vendor_errors() {
        let answer = |status: u16, body: &str| HttpAnswer {
            status,
            body: body.into(),
            retry_after: Some(1),
        };
        let refusal = RelayRefusal::from_answer(&answer(
            401,
            r#"{"error":{"code":"relay_sign_in_required","message":"sign in at /relay-login"}}"#,
        ))
        .unwrap();
        assert_eq!(refusal.code, "relay_sign_in_required");
        assert_eq!(refusal.retry_after, Some(1));
        assert!(refusal.fix().contains("/relay-login"));
        for vendor in [
            r#"{"success":false,"error":{"code":"AUTHENTICATION_REQUIRED","message":"x","trace_id":"r"}}"#,
            r#"{"error":{"code":"AUTHENTICATION_REQUIRED","message":"x"}}"#,
            r#"{"detail":"Invalid credentials.","message":"Access denied","code":"IM005"}"#,
            r#"{"code":"unauthorized","message":"x","status":401}"#,
            "not json",
        ] {
            assert_eq!(
                RelayRefusal::from_answer(&answer(401, vendor)),
                None,
                "{vendor}"
            );
        }
        let ok = r#"{"error":{"code":"relay_busy","message":"x"}}"#;
        assert_eq!(RelayRefusal::from_answer(&answer(200, ok)), None);
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
            "Aitronos answered 429 (rate limited: wait and retry): Authentication required. It asked to wait 20 s before another try."
        );
    }
}
