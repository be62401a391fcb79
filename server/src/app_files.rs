//! Serving the built app: content types, compression, long-lived caching for
//! hashed assets, `index.html` never cached, SPA fallback, and security headers
//! with a Content-Security-Policy that allows Trunk's inline loader by hash only.

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::middleware::{from_fn, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

/// The app's routes for `dist`, with `connect_origins` (direct-mode vendors) added
/// to the CSP's `connect-src`.
pub fn routes(dist: &Path, connect_origins: &[String]) -> Result<Router, String> {
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let csp = content_security_policy(&html, connect_origins);
    let csp =
        HeaderValue::from_str(&csp).map_err(|_| "the CSP is not a valid header".to_owned())?;
    let page = Html(html);
    // Client routes (`/connections`) get the page; a missing file (`/config.json`
    // on a server without one) gets a 404, not the page.
    let spa = get(move |uri: Uri| {
        let page = page.clone();
        async move {
            let last = uri.path().rsplit('/').next().unwrap_or_default();
            if last.contains('.') {
                StatusCode::NOT_FOUND.into_response()
            } else {
                page.into_response()
            }
        }
    });
    // A release build carries brotli (quality 11) and gzip (level 9) copies of
    // its assets (`scripts/release-assets.mjs`); compressing on the fly uses a fast
    // level, which sent the wasm as 566 KB of brotli instead of 455 KB.
    let serve = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(spa);
    Ok(Router::new()
        .fallback_service(serve)
        .layer(from_fn(move |request: Request, next: Next| {
            let csp = csp.clone();
            async move { app_headers(request, next, csp).await }
        })))
}

/// `default-src 'self'`, scripts only from this origin plus the inline loader's
/// hash (and `wasm-unsafe-eval` to instantiate the module), styles only from
/// this origin plus the inlined stylesheet's hash, no framing.
pub fn content_security_policy(index_html: &str, connect_origins: &[String]) -> String {
    let mut connect = vec!["'self'".to_owned()];
    connect.extend(connect_origins.iter().cloned());
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}; style-src 'self'{}; img-src 'self' data:; \
         connect-src {}; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        hashes_of(inline_elements(index_html, "script")),
        hashes_of(inline_elements(index_html, "style")),
        connect.join(" ")
    )
}

/// Each body as a CSP source (`'sha256-…'`), every one after a space. The
/// browser hashes the text as parsed, its line ends made `\n`: a page saved
/// with CRLF line ends must hash the same.
fn hashes_of(bodies: Vec<&str>) -> String {
    bodies
        .iter()
        .map(|body| {
            let parsed = body.replace("\r\n", "\n").replace('\r', "\n");
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(parsed.as_bytes()))
            )
        })
        .collect()
}

/// The contents of every `<tag>` element without a `src` (a `<script>` loaded
/// from a file needs no hash).
fn inline_elements<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut bodies = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let Some(open_end) = rest[start..].find('>') else {
            break;
        };
        let attributes = &rest[start..start + open_end];
        let body_start = start + open_end + 1;
        let Some(body_len) = rest[body_start..].find(&close) else {
            break;
        };
        if !attributes.contains("src=") {
            bodies.push(&rest[body_start..body_start + body_len]);
        }
        rest = &rest[body_start + body_len..];
    }
    bodies
}

/// Trunk names assets `name-<16 hex>.ext`: their content never changes.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    let stem = file
        .split('.')
        .next()
        .unwrap_or(file)
        .trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

async fn app_headers(request: Request, next: Next, csp: HeaderValue) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let cache = if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    // What is sent depends on Accept-Encoding, a precompressed copy as much as
    // one compressed on the fly (whose layer says so itself, never twice).
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csp_allows_the_inline_loader_by_hash_and_nothing_else_inline() {
        let html = r#"<head><script type="module">import init from '/a.js';</script><script src="/b.js"></script></head>"#;
        let csp = content_security_policy(html, &["https://api.dify.ai".to_owned()]);
        let expected = base64::engine::general_purpose::STANDARD
            .encode(Sha256::digest(b"import init from '/a.js';"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.contains("style-src 'self'; "), "{csp}");
        assert!(csp.contains("connect-src 'self' https://api.dify.ai;"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn a_minified_page_with_unquoted_attributes_is_hashed_the_same() {
        let minified = "<meta charset=utf-8><script>a()</script><style>b{}</style><script type=module>c()</script><script src=/d.js></script>";
        let quoted = r#"<script>a()</script><style>b{}</style><script type="module">c()</script><script src="/d.js"></script>"#;
        let csp = content_security_policy(minified, &[]);
        assert_eq!(csp, content_security_policy(quoted, &[]));
        let loader = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"c()"));
        assert!(csp.contains(&format!("'sha256-{loader}'")), "{csp}");
    }

    #[test]
    fn the_csp_allows_an_inlined_stylesheet_by_hash_only() {
        let html = "<head><style>body{margin:0}</style><script>a()</script></head>";
        let csp = content_security_policy(html, &[]);
        let style =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"body{margin:0}"));
        let script = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"a()"));
        assert!(
            csp.contains(&format!("style-src 'self' 'sha256-{style}';")),
            "{csp}"
        );
        assert!(
            csp.contains(&format!("'wasm-unsafe-eval' 'sha256-{script}';")),
            "{csp}"
        );
        let saved_with_crlf = content_security_policy("<style>a{}\r\nb{}</style>", &[]);
        assert_eq!(
            saved_with_crlf,
            content_security_policy("<style>a{}\nb{}</style>", &[])
        );
    }

    #[test]
    fn hashed_assets_are_told_from_the_rest() {
        assert!(is_hashed_asset("/logdeck-da708dfb896d619d_bg.wasm"));
        assert!(is_hashed_asset("/logdeck-da708dfb896d619d.js"));
        assert!(is_hashed_asset("/main-5ef621356ce213b4.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/config.json"));
        assert!(!is_hashed_asset("/connections"));
    }
}
