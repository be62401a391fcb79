//! Serving the built app: SPA fallback, caching by kind of file, compression and
//! security headers.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use logdeck_server::{app, ServerOptions};
use tower::ServiceExt;

const INDEX: &str = r#"<!DOCTYPE html><html><head><script type="module">import init from '/logdeck-0123456789abcdef.js'; await init();</script></head><body></body></html>"#;

const WASM: &str = "logdeck-0123456789abcdef_bg.wasm";

/// A `dist/` written once for all tests (they run in parallel).
fn dist() -> std::path::PathBuf {
    static DIST: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    DIST.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("logdeck-dist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), INDEX).unwrap();
        std::fs::write(
            dir.join("logdeck-0123456789abcdef.js"),
            "export default function init() {}\n".repeat(200),
        )
        .unwrap();
        // A release build's asset with the copies `scripts/release-assets.mjs`
        // writes beside it (markers here, to tell them from compressing anew).
        std::fs::write(dir.join(WASM), vec![0u8; 4096]).unwrap();
        std::fs::write(dir.join(format!("{WASM}.br")), "brotli, quality 11").unwrap();
        std::fs::write(dir.join(format!("{WASM}.gz")), "gzip, level 9").unwrap();
        dir
    })
    .clone()
}

async fn get(path: &str, encoding: Option<&str>) -> axum::response::Response {
    let router = app(&ServerOptions {
        dist: Some(dist()),
        ..ServerOptions::default()
    })
    .unwrap();
    let mut request = Request::get(path);
    if let Some(encoding) = encoding {
        request = request.header("Accept-Encoding", encoding);
    }
    router
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_page_is_never_cached_and_carries_a_strict_csp() {
    let response = get("/", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"));
}

#[tokio::test]
async fn client_routes_fall_back_to_the_page() {
    let response = get("/connections", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, INDEX.as_bytes());
    assert_eq!(
        get("/config.json", None).await.status(),
        StatusCode::NOT_FOUND,
        "missing files are not the page"
    );
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_compressed() {
    let response = get("/logdeck-0123456789abcdef.js", Some("br, gzip")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-encoding"], "br");
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
    let vary: Vec<_> = response.headers().get_all("vary").iter().collect();
    assert_eq!(vary, ["accept-encoding"], "said once");
    let gzip = get("/logdeck-0123456789abcdef.js", Some("gzip")).await;
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn a_release_builds_compressed_copies_are_sent_as_they_are() {
    let path = format!("/{WASM}");
    for (accepted, encoding, body) in [
        ("gzip, deflate, br", "br", "brotli, quality 11"),
        ("gzip, deflate", "gzip", "gzip, level 9"),
    ] {
        let response = get(&path, Some(accepted)).await;
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers();
        assert_eq!(headers["content-encoding"], encoding);
        assert_eq!(headers["content-type"], "application/wasm");
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            headers["vary"], "accept-encoding",
            "a cache must not mix encodings"
        );
        let sent = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(sent, body.as_bytes(), "{accepted}: compressed again");
    }
    let plain = get(&path, None).await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.headers()["vary"], "accept-encoding");
    let sent = plain.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(sent.len(), 4096);
}
