//! `GET /archive/v1/vendor?source=&path=`: the detail calls of an archived
//! Make stream (an execution's detail, its module logs, an audit entry's
//! details, a failed run's message), made for a reader with the key only the
//! server holds, in the connection's rate lane ahead of the sync's pages (a
//! reader is waiting; each row is asked once per tab). The core decides what
//! may be forwarded (`logdeck_core::archive_forward`): the stream's own detail
//! paths and nothing else. The lane waits out rate limits and retries server
//! errors as for the sync; the vendor's final answer goes back with its status,
//! so the app reads Make's errors as Make's. A reader who leaves frees the
//! call's place in the lane.

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use logdeck_core::archive_forward::forwarded;
use logdeck_core::scheduler::Priority;
use logdeck_core::sources::Source;
use serde::Deserialize;

use super::collector::Lanes;
use super::Archive;
use crate::error::AppError;

/// The collector's streams (with their keys), HTTP client and lanes.
#[derive(Clone)]
pub struct Forwarding {
    pub sources: Vec<Source>,
    pub http: reqwest::Client,
    pub lanes: Lanes,
}

#[derive(Deserialize)]
pub struct Call {
    source: String,
    path: String,
}

pub async fn vendor(
    State(archive): State<Archive>,
    Query(call): Query<Call>,
) -> Result<Response, AppError> {
    let refused =
        |message: String| AppError::new(StatusCode::BAD_REQUEST, "bad_archive_query", message);
    let Some(forwarding) = archive.forwarding() else {
        return Err(AppError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "archive_starting",
            "the archive's collector has not started yet",
        )
        .retry_after(5));
    };
    let source = forwarding
        .sources
        .iter()
        .find(|source| source.id() == call.source)
        .ok_or_else(|| refused(format!("the archive keeps no stream {:?}", call.source)))?;
    let request = forwarded(source, &call.path).map_err(|why| refused(why.to_string()))?;
    let answer = forwarding
        .lanes
        .get(&forwarding.http, source.lane(), Priority::Visible, &request)
        .await
        .map_err(|why| {
            AppError::new(
                StatusCode::BAD_GATEWAY,
                "vendor_unreachable",
                format!("the archive could not reach {}: {why}", source.label()),
            )
        })?;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = (status, answer.body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(seconds) = answer.retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(response)
}
