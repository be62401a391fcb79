//! A demo server in-process and a tiny client for it.

#![allow(dead_code)] // each test file uses its own subset

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use logdeck_server::demo::DemoOptions;
use logdeck_server::{app, ServerOptions};
use serde_json::Value;
use tower::ServiceExt;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap()
}

pub fn server(seed: u64, rows: usize) -> axum::Router {
    app(&ServerOptions {
        demo: Some(DemoOptions {
            seed,
            rows,
            now: now(),
            calls_per_minute: None,
            arrivals: false,
        }),
        ..ServerOptions::default()
    })
    .expect("the demo server builds")
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

pub async fn get(router: &axum::Router, uri: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// Pages through `uri` by offset (`{offset}` in the URI is replaced), collecting
/// `key` of every item under `list`, until a page is shorter than `limit`.
pub async fn collect_by_offset(
    router: &axum::Router,
    uri: &str,
    headers: &[(&str, &str)],
    list: &str,
    key: &str,
    limit: usize,
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let answer = get(
            router,
            &uri.replace("{offset}", &offset.to_string()),
            headers,
        )
        .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        let body = answer.json();
        let items = body[list].as_array().unwrap();
        seen.extend(items.iter().map(|item| item[key].to_string()));
        if items.len() < limit {
            return seen;
        }
        offset += limit;
    }
}

pub fn assert_each_once(seen: &[String], expected_len: usize) {
    let unique: std::collections::HashSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), expected_len, "rows seen");
    assert_eq!(unique.len(), expected_len, "distinct rows seen");
}
