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
use futures_util::StreamExt;
use http_body_util::BodyExt;
use logdeck_server::access::AccessRules;
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
            "/echo/stall",
            get(|| async {
                let first = futures_util::stream::once(async {
                    Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"{\"items\": ["))
                });
                let body = Body::from_stream(first.chain(futures_util::stream::pending()));
                ([("content-type", "application/json")], body)
            }),
        )
        .route(
            "/echo/chunked",
            get(|| async {
                let chunks =
                    futures_util::stream::iter((0..10).map(|_| {
                        Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b'x'; 1_000]))
                    }));
                (
                    [("content-type", "application/json")],
                    Body::from_stream(chunks),
                )
            }),
        )
        .route(
            "/echo/wait",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(500)).await;
                Json(json!({"waited": true}))
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
    relay_with(Limits::default(), AccessRules::default()).await
}

/// The relay in front of the demo and the echo upstream, with the test's tight
/// size and time limits on top of `limits`' other fields.
async fn relay_with(limits: Limits, access: AccessRules) -> Router {
    let demo = spawn(
        app(&ServerOptions {
            demo: Some(DemoOptions {
                seed: 42,
                rows: 200,
                now: common::now(),
                calls_per_minute: None,
                arrivals: false,
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
            ..limits
        },
        ..RelayConfig::default()
    };
    config
        .add_flag(&format!("demo,make,{demo}/demo/make/api/v2"))
        .unwrap();
    config
        .add_flag(&format!("echo,aitronos,{echo}/echo"))
        .unwrap();
    config
        .add_flag(&format!("echo-dify,dify,{echo}/echo"))
        .unwrap();
    app(&ServerOptions {
        relay: Some(config),
        access,
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

/// A GET of `uri` with `headers`, through `router`.
async fn get_with(
    router: &Router,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, HeaderMap, Value) {
    let mut request = get_request(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    call(router, request.body(Body::empty()).unwrap()).await
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
    let (status, _, body) = get_with(&router, "/relay/demo/scenarios/1001/logs", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body["code"], "IM005",
        "the vendor's own answer passes through"
    );
}

#[tokio::test]
async fn only_the_vendors_own_key_header_goes_up_and_cookies_go_nowhere() {
    let router = relay().await;
    // A browser behind a proxy's Basic sign-in sends that `Authorization` with
    // every call to the page's origin: it never reaches Aitronos, whose key
    // is `X-API-Key`; nor does an `X-API-Key` reach Dify.
    let request = get_request("/relay/echo-dify/report")
        .header("Authorization", "Bearer key-1")
        .header("X-API-Key", "key-2")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = call(&router, request).await;
    assert_eq!(status, StatusCode::OK);
    let seen = body["headers"].as_object().unwrap();
    assert_eq!(seen["authorization"], "Bearer key-1");
    assert!(!seen.contains_key("x-api-key"), "{seen:?}");
    // Nor a proxy's Basic `Authorization` on a call to Dify without its key.
    let request = get_request("/relay/echo-dify/report")
        .header("Authorization", "Basic cHJveHk6cGFzcw==")
        .body(Body::empty())
        .unwrap();
    let (_, _, body) = call(&router, request).await;
    assert!(!body["headers"]
        .as_object()
        .unwrap()
        .contains_key("authorization"));
    let request = get_request("/relay/echo/report?a=1&b=two")
        .header("Authorization", "Basic cHJveHk6cGFzcw==")
        .header("X-API-Key", "key-2")
        .header("Cookie", "logdeck=browser-secret")
        .header("X-Forwarded-For", "10.0.0.1")
        .header("Host", "localhost:1234")
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = call(&router, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["path"], "/echo/report");
    assert_eq!(body["query"], "a=1&b=two");
    let seen = body["headers"].as_object().unwrap();
    assert!(!seen.contains_key("authorization"), "{seen:?}");
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
        let (status, _, body) = get_with(&router, uri, &[]).await;
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
    let (status, _, body) = get_with(&router, "/relay/echo/big", &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::BAD_GATEWAY, Some("upstream_too_large"))
    );
    let (status, _, body) = get_with(&router, "/relay/echo/slow", &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::GATEWAY_TIMEOUT, Some("upstream_timeout"))
    );
    let (status, headers, body) = get_with(&router, "/relay/echo/redirect", &[]).await;
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
    let (status, headers, config) = get_with(&router, "/config.json", &[]).await;
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
    let (status, headers, _) = get_with(&router, "/relay/echo/report", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/json");
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'none'; sandbox"
    );
    let (status, headers, _) = get_with(&router, "/relay/unknown/x", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        headers["x-frame-options"], "DENY",
        "the relay's own refusals too"
    );
}

#[tokio::test]
async fn the_relay_asks_for_plain_bodies_and_refuses_compressed_ones() {
    let router = relay().await;
    let (_, _, body) = get_with(&router, "/relay/echo/report", &[]).await;
    assert_eq!(body["headers"]["accept-encoding"], "identity");
    let (status, _, body) = get_with(&router, "/relay/echo/gzip", &[]).await;
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
        let (status, _, body) = get_with(&router, uri, &[]).await;
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
    let (status, _, body) = get_with(&router, "/relay/dify/report", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["error"]["code"], "unknown_upstream");
}

#[tokio::test]
async fn an_upstream_that_stalls_after_its_headers_gets_a_504() {
    let router = relay().await;
    let started = std::time::Instant::now();
    let (status, _, body) = get_with(&router, "/relay/echo/stall", &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::GATEWAY_TIMEOUT, Some("upstream_timeout"))
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_chunked_answer_over_the_cap_is_cut_off_while_streaming() {
    // Past `buffered_bytes` the status is already sent: the cap can only cut.
    let limits = Limits {
        buffered_bytes: 1_024,
        ..Limits::default()
    };
    let router = relay_with(limits, AccessRules::default()).await;
    let response = router
        .oneshot(
            get_request("/relay/echo/chunked")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let mut body = response.into_body().into_data_stream();
    let mut received = 0;
    let mut failed = false;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(bytes) => received += bytes.len(),
            Err(_) => {
                failed = true;
                break;
            }
        }
    }
    assert!(failed, "the body must end in an error, not look complete");
    assert!(
        received <= 4_096,
        "{received} bytes passed a 4 096-byte cap"
    );
}

#[tokio::test]
async fn calls_beyond_the_concurrency_cap_get_503_with_retry_after() {
    let limits = Limits {
        max_concurrent: 1,
        ..Limits::default()
    };
    let router = relay_with(limits, AccessRules::default()).await;
    let busy = router.clone();
    let first = tokio::spawn(async move { get_with(&busy, "/relay/echo/wait", &[]).await });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let (status, headers, body) = get_with(&router, "/relay/echo/report", &[]).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"]["code"], "relay_busy");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(first.await.unwrap().0, StatusCode::OK);
    let (status, _, _) = get_with(&router, "/relay/echo/report", &[]).await;
    assert_eq!(status, StatusCode::OK, "the slot is free again");
}

#[tokio::test]
async fn foreign_hosts_are_refused_everywhere() {
    let router = relay().await;
    for path in ["/relay/echo/report", "/config.json", "/relay-login"] {
        let (status, _, body) =
            get_with(&router, path, &[("Host", "rebind.attacker.example:8080")]).await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "{path}: {body}");
        assert_eq!(body["error"]["code"], "host_not_allowed");
    }
    let named = relay_with(
        Limits::default(),
        AccessRules {
            public_hosts: vec!["logs.example.com".into()],
            ..AccessRules::default()
        },
    )
    .await;
    let (status, _, _) = get_with(
        &named,
        "/relay/echo/report",
        &[("Host", "logs.example.com")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn other_sites_cannot_call_the_relay_nor_preflight_it() {
    let router = relay().await;
    let (status, _, body) = get_with(
        &router,
        "/relay/echo/report",
        &[
            ("Host", "127.0.0.1:8080"),
            ("Origin", "https://evil.example"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"]["code"], "origin_not_allowed");
    let (status, _, _) = get_with(
        &router,
        "/relay/echo/report",
        &[("Host", "127.0.0.1:8080"), ("Sec-Fetch-Site", "cross-site")],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a cross-site GET without Origin"
    );
    let preflight = Request::options("/relay/echo/report")
        .header("Host", "127.0.0.1:8080")
        .header("Origin", "https://evil.example")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = call(&router, preflight).await;
    assert!(!status.is_success());
    assert!(!headers.contains_key("access-control-allow-origin"));
    assert!(!headers.contains_key("access-control-allow-headers"));
    let (status, _, _) = get_with(
        &router,
        "/relay/echo/report",
        &[
            ("Host", "127.0.0.1:8080"),
            ("Origin", "http://127.0.0.1:8080"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "the app's own origin");
}

#[tokio::test]
async fn a_shared_relay_needs_its_team_token_by_header_or_sign_in_cookie() {
    let token = "team-token-0123456789";
    let router = relay_with(
        Limits::default(),
        AccessRules {
            relay_token: Some(token.into()),
            ..AccessRules::default()
        },
    )
    .await;
    let (status, headers, body) = get_with(&router, "/relay/echo/report", &[]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "relay_sign_in_required");
    assert_eq!(
        headers["x-frame-options"], "DENY",
        "refusals are guarded too"
    );
    let (status, _, body) = get_with(
        &router,
        "/relay/echo/report",
        &[("X-Logdeck-Relay-Token", token)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body["headers"].get("x-logdeck-relay-token").is_none(),
        "the team token stays with the relay"
    );
    let sign_in = |given: &str| {
        Request::post("/relay-login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(format!("token={given}")))
            .unwrap()
    };
    let wrong = router.clone().oneshot(sign_in("nope")).await.unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    assert!(!wrong.headers().contains_key("set-cookie"));
    let right = router.clone().oneshot(sign_in(token)).await.unwrap();
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    let cookie = right.headers()["set-cookie"].to_str().unwrap().to_owned();
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/;"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    // Over plain http a `Secure` cookie would not be kept.
    assert!(!cookie.contains("Secure"), "{cookie}");
    // The cookie holds no team token, and the token is no cookie.
    assert!(!cookie.contains(token), "{cookie}");
    let pair = cookie.split(';').next().unwrap();
    let (status, _, body) = get_with(&router, "/relay/echo/report", &[("Cookie", pair)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body["headers"].get("cookie").is_none(),
        "cookies never go up"
    );
    let raw = format!("logdeck_relay={token}");
    let (status, _, _) = get_with(&router, "/relay/echo/report", &[("Cookie", &raw)]).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // Signed in through a TLS proxy, the cookie is never sent over plain http.
    let mut through_tls = sign_in(token);
    through_tls
        .headers_mut()
        .insert("x-forwarded-proto", "https".parse().unwrap());
    let right = router.clone().oneshot(through_tls).await.unwrap();
    let secure = |answer: &axum::response::Response| {
        answer.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .ends_with("; Secure")
    };
    assert!(secure(&right));
    // Or by the form's own origin: the page's referrer policy lets the browser
    // send it (under the server's `no-referrer` a form posts `Origin: null`).
    let (_, form_headers, _) = get_with(&router, "/relay-login", &[]).await;
    assert_eq!(form_headers["referrer-policy"], "same-origin");
    let mut from_https_page = sign_in(token);
    from_https_page
        .headers_mut()
        .insert("origin", "https://logs.example".parse().unwrap());
    assert!(secure(
        &router.clone().oneshot(from_https_page).await.unwrap()
    ));
    let (_, other_headers, _) = get_with(&router, "/config.json", &[]).await;
    assert_eq!(other_headers["referrer-policy"], "no-referrer");
}

#[tokio::test(start_paused = true)]
async fn a_sign_in_sent_a_byte_at_a_time_is_cut_off() {
    let router = app(&ServerOptions {
        relay: Some(RelayConfig::default()),
        access: AccessRules {
            relay_token: Some("team-token-0123456789".into()),
            ..AccessRules::default()
        },
        ..ServerOptions::default()
    })
    .unwrap();
    // One byte, then nothing: the listener's idle timer would restart with
    // every byte, so the form has a deadline of its own.
    let body = futures_util::stream::once(async { Ok::<_, std::io::Error>("t".to_owned()) })
        .chain(futures_util::stream::pending());
    let request = Request::post("/relay-login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("content-length", "100000")
        .body(Body::from_stream(body))
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(60), router.oneshot(request))
        .await
        .expect("the sign-in waited for its form a minute and more")
        .unwrap();
    assert_eq!(answer.status(), StatusCode::REQUEST_TIMEOUT);
}

#[tokio::test]
async fn the_relay_uses_the_operators_proxy_and_no_other() {
    // A stand-in proxy: records the absolute-form target it was asked for.
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let record = asked.clone();
    let proxy = spawn(Router::new().fallback(move |uri: axum::http::Uri| {
        let record = record.clone();
        async move {
            record.lock().unwrap().push(uri.to_string());
            Json(json!({"via": "proxy"}))
        }
    }))
    .await;
    let echo = spawn(echo()).await;
    let mut config = RelayConfig::default();
    config
        .add_flag(&format!("echo,aitronos,{echo}/echo"))
        .unwrap();
    config.upstream_proxy = Some(url::Url::parse(&proxy).unwrap());
    let router = app(&ServerOptions {
        relay: Some(config),
        ..ServerOptions::default()
    })
    .unwrap();
    let (status, _, body) = get_with(&router, "/relay/echo/report", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["via"], "proxy");
    assert_eq!(*asked.lock().unwrap(), [format!("{echo}/echo/report")]);
}

/// A relay whose only vendor host is the echo stand-in, as `--vendor-host` makes it.
async fn vendor_host_relay() -> (Router, String) {
    let echo = spawn(echo()).await;
    let mut config = RelayConfig::default();
    config
        .add_vendor_host(&format!("make,{echo}/echo"))
        .unwrap();
    config
        .add_vendor_host("dify,https://api.dify.ai/v1")
        .unwrap();
    config.relays_vendor_hosts = true;
    let router = app(&ServerOptions {
        relay: Some(config),
        ..ServerOptions::default()
    })
    .unwrap();
    let authority = echo.trim_start_matches("http://").to_owned();
    (router, authority)
}

#[tokio::test]
async fn a_users_own_connection_to_a_known_vendor_host_is_relayed() {
    let (router, authority) = vendor_host_relay().await;
    let (status, _, body) = get_with(
        &router,
        &format!("/relay/vendor/{authority}/echo/report?x=1"),
        &[("Authorization", "Token mine")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["path"], "/echo/report");
    assert_eq!(body["headers"]["authorization"], "Token mine");
    let (_, _, config) = get_with(&router, "/config.json", &[]).await;
    assert_eq!(config["vendorRelay"]["path"], "/relay/vendor");
    assert_eq!(config["vendorRelay"]["hosts"][0]["vendor"], "make");
}

#[tokio::test]
async fn only_known_vendor_hosts_under_their_base_are_relayed() {
    let (router, authority) = vendor_host_relay().await;
    for uri in [
        "/relay/vendor/evil.example/echo/report".to_owned(),
        format!("/relay/vendor/{authority}/other/report"),
        format!("/relay/vendor/{authority}/echoes/report"),
        format!("/relay/vendor/{authority}"),
        // Dify allows browser calls: the browser calls it, the relay does not.
        "/relay/vendor/api.dify.ai/v1/workflows/logs".to_owned(),
    ] {
        let (status, _, body) = get_with(&router, &uri, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}: {body}");
    }
    for uri in [
        format!("/relay/vendor/{authority}/echo/../x"),
        format!("/relay/vendor/{authority}/echo//evil.example/x"),
        format!("/relay/vendor/{authority}/echo/%2e%2e/x"),
    ] {
        let (status, _, body) = get_with(&router, &uri, &[]).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}: {body}");
    }
}

#[tokio::test]
async fn vendor_hosts_are_not_relayed_when_the_operator_turns_it_off() {
    let echo = spawn(echo()).await;
    let mut config = RelayConfig::default();
    config
        .add_vendor_host(&format!("make,{echo}/echo"))
        .unwrap();
    let router = app(&ServerOptions {
        relay: Some(config),
        ..ServerOptions::default()
    })
    .unwrap();
    let authority = echo.trim_start_matches("http://");
    let (status, _, _) = get_with(
        &router,
        &format!("/relay/vendor/{authority}/echo/report"),
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, config) = get_with(&router, "/config.json", &[]).await;
    assert!(config["vendorRelay"]["path"].is_null());
}
