//! "Test connection": what an answer (or its absence) means, in plain words, with
//! the fix.

use super::http::HttpAnswer;
use super::query::{LogQuery, TimeWindow};
use super::sources::{Source, SourceError};
use super::vendor_hosts::VendorRelay;

/// The result of one probe request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    /// No HTTP answer reached the page: offline, DNS, or the vendor refusing
    /// cross-origin calls (CORS), which the browser reports the same way.
    Unreachable(String),
    Answer(HttpAnswer),
}

/// What the user reads after "Test connection".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    pub ok: bool,
    pub summary: String,
    /// What to do about it; empty when all is well.
    pub fix: String,
}

/// Why no answer reached the page (`detail`, the transport's words), judged
/// from where the connection points and what this server knows: its relay, a
/// host it does not know (the page's policy blocks it), a host that refuses
/// browser calls, or the network. The logs page says the same as "Test
/// connection".
pub fn explain_unreachable(source: &Source, known: &VendorRelay, detail: &str) -> Diagnosis {
    let base_url = source.base_url().unwrap_or_default();
    let label = source.label();
    let vendor = source.vendor();
    let (summary, fix) = if base_url.starts_with('/') {
        (
            format!("The Logdeck server did not answer for {label} ({detail})."),
            "Check that logdeck-server is running and that the page was opened from it.".to_owned(),
        )
    } else if vendor.is_some_and(|vendor| !known.knows(vendor, base_url)) {
        (
            format!("This page may not call {base_url}: its security policy allows only hosts the Logdeck server knows."),
            "Use the vendor's official base URL, or ask the operator to add this host \
             (logdeck-server --vendor-host VENDOR,URL)."
                .to_owned(),
        )
    } else if vendor.is_some_and(|vendor| !vendor.allows_browser_calls()) {
        (
            format!("{label} refuses calls from browsers (CORS), and this server does not relay it ({detail})."),
            "Open Logdeck from a logdeck-server on this machine (which relays the vendors' \
             official hosts), or ask the operator for a relayed upstream."
                .to_owned(),
        )
    } else {
        (
            format!("The browser could not reach {label} ({detail})."),
            "Check the base URL and your network; a self-hosted server must allow this \
             page's origin (CORS)."
                .to_owned(),
        )
    };
    Diagnosis {
        ok: false,
        summary,
        fix,
    }
}

/// Interprets the answer to `source`'s first-page request for `window` and the
/// default query; `known` is what this server reaches, to explain a missing answer.
pub fn diagnose(
    source: &Source,
    window: TimeWindow,
    probe: &Probe,
    known: &VendorRelay,
) -> Diagnosis {
    let fail = |summary: String, fix: &str| Diagnosis {
        ok: false,
        summary,
        fix: fix.to_owned(),
    };
    let answer = match probe {
        Probe::Unreachable(detail) => return explain_unreachable(source, known, detail),
        Probe::Answer(answer) => answer,
    };
    let status = answer.status;
    let query = LogQuery::default();
    let position = source.first_position();
    let vendor_message = match source.decode(answer, &query, window, position) {
        Ok(page) => {
            return Diagnosis {
                ok: true,
                summary: format!(
                    "Connected: {} answered with {} rows.",
                    source.label(),
                    page.records.len()
                ),
                fix: String::new(),
            }
        }
        Err(SourceError::Vendor(error)) => error.message,
        Err(SourceError::Relay(refusal)) => {
            return fail(
                format!("{}.", capitalised(&refusal.to_string())),
                refusal.fix(),
            )
        }
        Err(other) => other.to_string(),
    };
    match status {
        200 => fail(format!("{} answered, but not as documented: {vendor_message}", source.label()), "Check that the base URL points at the vendor's API root (or the relay), not a web page."),
        401 => fail(format!("The key was refused (401): {vendor_message}"), "Paste a fresh token or API key; it may have been revoked or mistyped."),
        403 => fail(format!("Access denied (403): {vendor_message}"), &format!("This needs {}.", source.stream().permission())),
        404 => fail(format!("Not found (404): {vendor_message}"), "Check the zone or base URL and the scenario, team or organization id."),
        429 => fail(format!("Rate limited (429): {vendor_message}"), "Wait a minute and test again; Logdeck keeps to the vendor's limits while loading."),
        500..=599 => fail(format!("The vendor's server failed ({status}): {vendor_message}"), "This is on the vendor's side: try again later or check its status page."),
        _ => fail(format!("Unexpected answer {status}: {vendor_message}"), "Check the base URL."),
    }
}

/// Our own sentences start in ASCII: no Unicode case tables in the wasm for them.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| {
            std::iter::once(first.to_ascii_uppercase())
                .chain(chars)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuntimeConfig;

    fn sources() -> Vec<Source> {
        Source::expand(
            &RuntimeConfig::parse(
                r#"{"connections":[
                    {"vendor":"make","id":"m","name":"Make","baseUrl":"/x","token":"t","organizationId":1,
                     "scenarios":[{"id":1,"name":"Sync"}]}
                ]}"#,
            )
            .unwrap(),
        )
    }

    fn window() -> TimeWindow {
        use chrono::TimeZone;
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 21, 12, 0, 0)
            .unwrap();
        TimeWindow {
            from: now - chrono::Duration::days(1),
            to: now,
        }
    }

    fn diagnose(source: &Source, probe: &Probe) -> Diagnosis {
        super::diagnose(source, window(), probe, &VendorRelay::default())
    }

    fn answer(status: u16, body: &str) -> Probe {
        Probe::Answer(HttpAnswer {
            status,
            body: body.into(),
            retry_after: None,
        })
    }

    #[test]
    fn each_failure_gets_its_own_words_and_fix() {
        let sources = sources();
        let (scenario, audit) = (&sources[0], &sources[1]);
        let unreachable = diagnose(
            scenario,
            &Probe::Unreachable("TypeError: Failed to fetch".into()),
        );
        assert!(!unreachable.ok && unreachable.fix.contains("logdeck-server is running"));
        let refused = diagnose(
            scenario,
            &answer(
                401,
                r#"{"message":"Access denied","detail":"Invalid credentials."}"#,
            ),
        );
        assert!(refused
            .summary
            .starts_with("The key was refused (401): Access denied"));
        assert!(diagnose(scenario, &answer(403, "{}"))
            .fix
            .contains("scenarios:read"));
        assert!(diagnose(audit, &answer(403, "{}"))
            .fix
            .contains("organization:read"));
        assert!(diagnose(scenario, &answer(404, "{}")).fix.contains("zone"));
        assert!(diagnose(scenario, &answer(429, "{}"))
            .summary
            .starts_with("Rate limited"));
        assert!(diagnose(scenario, &answer(503, "{}"))
            .summary
            .contains("503"));
        let html = diagnose(scenario, &answer(200, "<!doctype html>"));
        assert!(!html.ok && html.fix.contains("base URL"));
        let sign_in = diagnose(
            scenario,
            &answer(
                401,
                r#"{"error":{"code":"relay_sign_in_required","message":"shared with a team token"}}"#,
            ),
        );
        assert!(
            sign_in
                .summary
                .starts_with("The Logdeck relay refused (401"),
            "not blamed on the key: {sign_in:?}"
        );
        assert!(sign_in.fix.contains("/relay-login"));
    }

    #[test]
    fn a_missing_answer_is_explained_by_where_the_connection_points() {
        let config = |base: &str, vendor: &str| {
            let text = format!(
                r#"{{"connections":[{{"vendor":"{vendor}","id":"c","name":"C","baseUrl":"{base}",
                    "scenarios":[{{"id":1,"name":"S"}}]}}]}}"#
            );
            Source::expand(&RuntimeConfig::parse(&text).unwrap()).remove(0)
        };
        let failed = Probe::Unreachable("TypeError: Failed to fetch".into());
        let known = VendorRelay {
            path: None,
            hosts: crate::vendor_hosts::VendorHost::official(),
        };
        let blocked = super::diagnose(
            &config("https://dify.internal.example/v1", "dify"),
            window(),
            &failed,
            &known,
        );
        assert!(blocked.summary.contains("security policy"), "{blocked:?}");
        assert!(blocked.fix.contains("--vendor-host"));
        let cors = super::diagnose(
            &config("https://eu1.make.com/api/v2", "make"),
            window(),
            &failed,
            &known,
        );
        assert!(
            cors.summary.contains("refuses calls from browsers"),
            "{cors:?}"
        );
        let network = super::diagnose(
            &config("https://api.dify.ai/v1", "dify"),
            window(),
            &failed,
            &known,
        );
        assert!(
            network.summary.starts_with("The browser could not reach"),
            "{network:?}"
        );
    }

    #[test]
    fn a_documented_answer_is_a_success() {
        let ok = diagnose(
            &sources()[0],
            &answer(200, r#"{"scenarioLogs":[],"pg":{}}"#),
        );
        assert!(ok.ok, "{ok:?}");
        assert_eq!(ok.summary, "Connected: Make · Sync answered with 0 rows.");
    }
}
