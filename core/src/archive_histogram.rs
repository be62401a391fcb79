//! The team archive's true volume for the chart (`GET /archive/v1/histogram`):
//! an archived source's rows reach back months, and paging them all into the
//! browser to count them would be slow and heavy. The archive counts them on
//! the chart's own grid ([`Grid::aligned`] with the chart's step), so its bars
//! add to the counts of the rows loaded from sources read live.

use serde_json::Value;

use crate::adapters::archive::archive_filters;
use crate::adapters::json;
use crate::adapters::DecodeError;
use crate::histogram::{Bucket, Grid};
use crate::http::ApiRequest;
use crate::query::{LogQuery, TimeWindow};
use crate::status::Status;

const API: &str = "Logdeck archive histogram";

/// The histogram of the archived `sources` under the view's filters, in bars of
/// `step_seconds` (the chart's grid for `window`).
pub fn histogram_request(
    api: &str,
    query: &LogQuery,
    window: TimeWindow,
    sources: &[String],
    step_seconds: i64,
) -> ApiRequest {
    let filters = archive_filters(query, window);
    let mut url = url::form_urlencoded::Serializer::new(filters.to_query_string());
    for source in sources {
        url.append_pair("source", source);
    }
    url.append_pair("step", &step_seconds.to_string());
    ApiRequest {
        url: format!("{}/histogram?{}", api.trim_end_matches('/'), url.finish()),
        headers: Vec::new(),
    }
}

/// Reads `{"buckets": [{"from", "to", "counts": {status: rows}}]}` into `grid`'s
/// bars. Bars that are not the grid's (another step, another start) are an
/// error, never counts put in the wrong place; a status the app does not know
/// counts as unknown.
pub fn decode_histogram(body: &str, grid: &Grid) -> Result<Vec<Bucket>, DecodeError> {
    let root = json::parse_body(API, body)?;
    let problem = |field: &str, problem: &str| DecodeError {
        api: API,
        field: field.into(),
        problem: problem.into(),
    };
    let answered = root
        .get("buckets")
        .and_then(Value::as_array)
        .ok_or_else(|| problem("buckets", "is missing or not a list"))?;
    let mut bars = grid.buckets();
    if answered.len() != bars.len() {
        return Err(problem(
            "buckets",
            &format!("has {} bars, the chart {}", answered.len(), bars.len()),
        ));
    }
    for (bar, entry) in bars.iter_mut().zip(answered) {
        let from = entry.get("from").and_then(json::iso_instant);
        if from != Some(bar.from) {
            return Err(problem("buckets[].from", "is not the chart's bar edge"));
        }
        let counts = entry
            .get("counts")
            .and_then(Value::as_object)
            .ok_or_else(|| problem("buckets[].counts", "is missing or not an object"))?;
        for (key, rows) in counts {
            let rows = json::exact_u64(rows)
                .and_then(|rows| u32::try_from(rows).ok())
                .ok_or_else(|| {
                    problem("buckets[].counts", "holds a count that is not a row count")
                })?;
            bar.add(Status::from_key(key).unwrap_or(Status::Unknown), rows);
        }
    }
    Ok(bars)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::minute;

    fn window() -> TimeWindow {
        TimeWindow {
            from: minute(7),
            to: minute(150),
        }
    }

    #[test]
    fn the_request_carries_the_views_filters_the_sources_and_the_charts_step() {
        let query = LogQuery {
            statuses: [Status::Error].into(),
            selected: Some("bot:1".into()),
            ..LogQuery::default()
        };
        let request = histogram_request(
            "/archive/v1/",
            &query,
            window(),
            &["bot".into(), "make-7".into()],
            3600,
        );
        assert_eq!(
            request.url,
            "/archive/v1/histogram?period=2026-01-01T00%3A07%3A00Z..2026-01-01T02%3A30%3A00Z\
             &status=error&source=bot&source=make-7&step=3600"
        );
        assert!(request.headers.is_empty());
    }

    #[test]
    fn bars_on_the_charts_grid_are_read_and_others_refused() {
        let grid = Grid::aligned(window(), 3600);
        let body = serde_json::json!({"buckets": [
            {"from": "2026-01-01T00:00:00.000Z", "to": "2026-01-01T01:00:00.000Z", "counts": {"error": 2, "success": 5}},
            {"from": "2026-01-01T01:00:00.000Z", "to": "2026-01-01T02:00:00.000Z", "counts": {}},
            {"from": "2026-01-01T02:00:00.000Z", "to": "2026-01-01T03:00:00.000Z", "counts": {"someday": 1}}
        ]})
        .to_string();
        let bars = decode_histogram(&body, &grid).unwrap();
        assert_eq!(
            (bars[0].count(Status::Error), bars[0].count(Status::Success)),
            (2, 5)
        );
        assert_eq!(bars[1].total(), 0);
        assert_eq!(bars[2].count(Status::Unknown), 1);

        let shifted = body.replace(
            "\"2026-01-01T00:00:00.000Z\"",
            "\"2026-01-01T00:30:00.000Z\"",
        );
        assert!(
            decode_histogram(&shifted, &grid).is_err(),
            "another grid's bars"
        );
        let fewer = Grid::aligned(window(), 7200);
        assert!(decode_histogram(&body, &fewer).is_err(), "another step");
        assert!(decode_histogram(
            r#"{"buckets": [{"from": "2026-01-01T00:00:00Z", "counts": {"error": -1}}]}"#,
            &Grid::aligned(
                TimeWindow {
                    from: minute(0),
                    to: minute(30)
                },
                3600
            )
        )
        .is_err());
        assert!(decode_histogram("<html>", &grid).is_err());
    }
}
