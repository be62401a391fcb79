//! The relay against real loopback upstreams: the allowlist holds against path and
//! host tricks, only auth headers go up, cookies go nowhere, limits hold, and
//! `Retry-After` comes back.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use http_body_util::BodyExt;
use logdeck_server::demo::DemoOptions;
use logdeck_server::relay::{Limits, RelayConfig};
use logdeck_server::{app, ServerOptions};
use serde_json::{json, Value};
use tower::ServiceExt;

/// Serves `router` on a free loopback port and returns its base URL.
async fn spawn(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}")
}

/// An upstream that reports what it received, and misbehaves on request.
fn echo() -> Router {
    async fn report(headers: HeaderMap, uri: axum::http::Uri) -> impl IntoResponse {
        let seen: serde_json::Map<String, Value> = headers
            .iter()
            .map(|(name, value)| (name.to_string(), json!(value.to_str().unwrap_or_default())))
            .collect();
        (
            [("set-cookie", "session=upstream-secret")],
            Json(json!({"path": uri.path(), "query": uri.query(), "headers": seen})),
        )
    }
    Router::new()
        .route("/echo/report", get(report))
        .route("/echo/big", get(|| async { "x".repeat(10_000) }))
        .route(
            "/echo/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "late"
            }),
        )
        .route(
            "/echo/html",
            get(|| async {
                (
                    [("content-type", "text/html")],
                    "<script>localStorage.clear()</script>",
                )
            }),
        )
        .route(
            "/echo/svg",
            get(|| async {
                (
                    [("content-type", "image/svg+xml")],
                    "<svg onload=alert(1)/>",
                )
            }),
        )
        .route(
            "/echo/gzip",
            get(|| async {
                (
                    [
                        ("content-type", "application/json"),
                        ("content-encoding", "gzip"),
                    ],
                    vec![0x1f_u8, 0x8b, 0x08, 0x00],
                )
            }),
        )
        .route(
            "/echo/redirect",
            get(|| async {
                (
                    StatusCode::FOUND,
                    [("location", "http://evil.example/steal")],
                )
            }),
        )
}

async fn relay() -> Router {
    let demo = spawn(
        app(&ServerOptions {
            demo: Some(DemoOptions {
                seed: 42,
                rows: 200,
                now: common::now(),
            }),
            ..ServerOptions::default()
        })
        .unwrap(),
    )
    .await;
    let echo = spawn(echo()).await;
    let mut config = RelayConfig {
        limits: Limits {
            timeout: Duration::from_millis(800),
            max_response_bytes: 4_096,
            ..Limits::default()
        },
        ..RelayConfig::default()
    };
    config
        .add_flag(&format!("demo,make,{demo}/demo/make/api/v2"))
        .unwrap();
    config
        .add_flag(&format!("echo,aitronos,{echo}/echo"))
        .unwrap();
    app(&ServerOptions {
        relay: Some(config),
        ..ServerOptions::default()
    })
    .unwrap()
}

async fn call(router: &Router, request: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn get_request(uri: &str) -> axum::http::request::Builder {
    Request::get(uri)
}

#[tokio::test]
async fn documented_calls_go_through_with_their_auth_header() {
    let router = relay().await;
    let request = get_request("/relay/demo/scenarios/1001/logs?pg%5Blimit%5D=2")
        .header("Authorization", "Token demo-make-token")
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = call(&router, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["scenarioLogs"].as_array().unwrap().len(), 2);
    assert_eq!(headers["cache-control"], "no-store");
    let (status, _, body) = call(
        &router,
        get_request("/relay/demo/scenarios/1001/logs")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body["code"], "IM005",
        "the vendor's own answer passes through"
    );
}

#[tokio::test]
async fn only_auth_headers_go_up_and_cookies_go_nowhere() {
    let router = relay().await;
    let request = get_request("http://evil.example/relay/echo/report?a=1&b=two")
        .header("Authorization", "Bearer key-1")
        .header("X-API-Key", "key-2")
        .header("Cookie", "logdeck=browser-secret")
        .header("X-Forwarded-For", "10.0.0.1")
        .header("Host", "evil.example")
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = call(&router, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["path"], "/echo/report");
    assert_eq!(body["query"], "a=1&b=two");
    let seen = body["headers"].as_object().unwrap();
    assert_eq!(seen["authorization"], "Bearer key-1");
    assert_eq!(seen["x-api-key"], "key-2");
    assert!(
        seen["host"].as_str().unwrap().starts_with("127.0.0.1:"),
        "the upstream host comes from the configuration"
    );
    assert!(!seen.contains_key("cookie") && !seen.contains_key("x-forwarded-for"));
    assert!(!headers.contains_key("set-cookie"));
}

#[tokio::test]
async fn path_and_name_tricks_are_refused() {
    let router = relay().await;
    for (uri, expected) in [
        ("/relay/unknown/x", StatusCode::NOT_FOUND),
        ("/relay/echo/../report", StatusCode::BAD_REQUEST),
        ("/relay/echo/%2e%2e/echo/report", StatusCode::BAD_REQUEST),
        ("/relay/echo/a%2Freport", StatusCode::BAD_REQUEST),
        ("/relay/echo//evil.example/x", StatusCode::BAD_REQUEST),
        ("/relay/echo/@evil.example/x", StatusCode::BAD_REQUEST),
        ("/relay/echo/a%5c..%5creport", StatusCode::BAD_REQUEST),
        ("/relay/ECHO/report", StatusCode::NOT_FOUND),
    ] {
        let (status, _, body) = call(&router, get_request(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, expected, "{uri}: {body}");
        assert!(
            body["error"]["code"].is_string(),
            "{uri}: one documented error shape, got {body}"
        );
    }
    let post = Request::post("/relay/echo/report")
        .body(Body::from("x"))
        .unwrap();
    assert_eq!(call(&router, post).await.0, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn size_time_and_redirect_limits_hold() {
    let router = relay().await;
    let (status, _, body) = call(
        &router,
        get_request("/relay/echo/big").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("upstream_too_large"))
    );
    let (status, _, body) = call(
        &router,
        get_request("/relay/echo/slow").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::GATEWAY_TIMEOUT, Some("upstream_timeout"))
    );
    let (status, headers, body) = call(
        &router,
        get_request("/relay/echo/redirect")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("upstream_redirect"))
    );
    assert!(!headers.contains_key("location"));
}

#[tokio::test]
async fn rate_limits_pass_through_with_retry_after() {
    let router = relay().await;
    let request = get_request("/relay/demo/scenarios/1001/logs")
        .header("Authorization", "Token fault-429")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = call(&router, request).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(headers["retry-after"], "2");
}

#[tokio::test]
async fn config_json_points_at_the_relay_without_keys() {
    let router = relay().await;
    let (status, headers, config) = call(
        &router,
        get_request("/config.json").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(config["connections"][0]["baseUrl"], "/relay/demo");
    assert_eq!(config["connections"][1]["vendor"], "aitronos");
    assert!(config["connections"][0].get("token").is_none());
}

#[tokio::test]
async fn upstream_answers_can_never_render_on_the_apps_origin() {
    let router = relay().await;
    for path in ["/relay/echo/html", "/relay/echo/svg"] {
        let response = router
            .clone()
            .oneshot(get_request(path).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let headers = response.headers();
        assert_eq!(
            headers["content-type"], "application/octet-stream",
            "{path}"
        );
        assert_eq!(headers["content-disposition"], "attachment", "{path}");
        assert_eq!(
            headers["content-security-policy"],
            "default-src 'none'; sandbox"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["x-frame-options"], "DENY");
    }
    let (status, headers, _) = call(
        &router,
        get_request("/relay/echo/report")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; sandbox"
    );
    let (status, headers, _) = call(
        &router,
        get_request("/relay/unknown/x").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        headers["x-frame-options"], "DENY",
        "the relay's own refusals too"
    );
}

#[tokio::test]
async fn the_relay_asks_for_plain_bodies_and_refuses_compressed_ones() {
    let router = relay().await;
    let (_, _, body) = call(
        &router,
        get_request("/relay/echo/report")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(body["headers"]["accept-encoding"], "identity");
    let (status, _, body) = call(
        &router,
        get_request("/relay/echo/gzip").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("upstream_compressed"))
    );
}

#[tokio::test]
async fn path_parameters_and_double_encoding_are_refused() {
    let router = relay().await;
    for uri in [
        "/relay/echo/..;/report",
        "/relay/echo/report;x=1",
        "/relay/echo/%252e%252e/report",
    ] {
        let (status, _, body) = call(&router, get_request(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
    }
}

#[tokio::test]
async fn a_direct_mode_upstream_is_not_relayed() {
    let echo = spawn(echo()).await;
    let config = RelayConfig::from_toml(&format!(
        "[[upstream]]\nname = \"dify\"\nvendor = \"dify\"\nbase_url = \"{echo}/echo\"\nmode = \"direct\"\n"
    ))
    .unwrap();
    let router = app(&ServerOptions {
        relay: Some(config),
        ..ServerOptions::default()
    })
    .unwrap();
    let (status, _, body) = call(
        &router,
        get_request("/relay/dify/report")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "unknown_upstream");
}
