//! The team archive's stores under load: ingest through the collector's own
//! path (pages of 1 000 with their checkpoint), then the dashboard's two reads
//! over 90 days: a filtered first page with its exact total, and the volume
//! histogram; p50/p95 of 20 each, for SQLite and PostgreSQL. Run by
//! `cargo xtask bench`; `LOGDECK_ARCHIVE_ROWS` sets the size (default 10 000 000, as
//! the issue asks; about 4 GB in each store and a quarter of an hour).

#[path = "../tests/postgres_cluster/mod.rs"]
mod postgres_cluster;

use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, TimeZone, Utc};
use logdeck_core::histogram::Grid;
use logdeck_core::model::{CollectionType, LogRecord, RawJson, Usage};
use logdeck_core::query::{LogQuery, Period, TimeWindow};
use logdeck_core::status::Status;
use logdeck_server::archive::store::{Scope, Store};
use logdeck_server::archive::StoreSpec;

const PAGE: usize = 1_000;
const SPAN_DAYS: i64 = 120;

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

/// Row `i` of `total`, spread evenly over 120 days, shaped like the demo's.
fn row(i: usize, total: usize) -> LogRecord {
    let kinds = [
        CollectionType::MakeScenarios,
        CollectionType::MakeAudit,
        CollectionType::DifyWorkflows,
        CollectionType::AitronosConnectors,
    ];
    let statuses = [
        Status::Success,
        Status::Success,
        Status::Success,
        Status::Warning,
        Status::Error,
    ];
    let offset_ms = (i as i64) * SPAN_DAYS * 86_400_000 / total.max(1) as i64;
    LogRecord {
        source: format!("source-{}", i % 8),
        kind: kinds[i % 4],
        id: format!("{:032x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
        timestamp: start() + Duration::milliseconds(offset_ms),
        status: statuses[(i * 7) % 5],
        raw_status: "1".into(),
        client: Some(format!("client-{}", i % 50)),
        client_id: None,
        collection: format!("Collection {}", i % 20),
        name: Some(format!("Scheduled run {}", i % 97)),
        duration_ms: Some(((i * 7919) % 60_000) as u64),
        usage: Usage {
            operations: Some((i % 60) as u64),
            ..Usage::default()
        },
        message: (i % 17 == 0).then(|| "Rate limit reached on the upstream API".to_owned()),
        vendor_link: None,
        raw: RawJson::of(&serde_json::json!({"id": i, "status": "success", "duration": 120})),
    }
}

fn percentile(samples: &mut [StdDuration], p: f64) -> f64 {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples[index].as_secs_f64() * 1000.0
}

fn measure(name: &str, store: &mut dyn Store, rows: usize) {
    let begun = Instant::now();
    let mut page = Vec::with_capacity(PAGE);
    for i in 0..rows {
        page.push(row(i, rows));
        if page.len() == PAGE || i + 1 == rows {
            store
                .commit_page("bench", &page, &mut |added| {
                    format!("{{\"added\":{added}}}")
                })
                .unwrap();
            page.clear();
        }
    }
    let ingest = begun.elapsed();
    println!(
        "{name:<10} ingest {rows} rows: {:.1} s, {:.0} rows/s",
        ingest.as_secs_f64(),
        rows as f64 / ingest.as_secs_f64()
    );
    let ninety = |k: i64| {
        let to = start() + Duration::days(SPAN_DAYS - (k % 20));
        TimeWindow {
            from: to - Duration::days(90),
            to,
        }
    };
    let queries = |k: i64| {
        let window = ninety(k);
        let mut query = LogQuery {
            period: Period::Absolute {
                from: window.from,
                to: window.to,
            },
            ..LogQuery::default()
        };
        match k % 3 {
            0 => {
                query.statuses.insert(Status::Error);
            }
            1 => query.text = "rate limit".into(),
            _ => {
                query.clients.insert(format!("client-{}", k % 50));
            }
        }
        Scope::all(query, window)
    };
    let mut pages = Vec::new();
    let mut totals = 0;
    for k in 0..20 {
        let scope = queries(k);
        let begun = Instant::now();
        totals += store.find(&scope, 0, 100).unwrap().total;
        pages.push(begun.elapsed());
    }
    let mut histograms = Vec::new();
    for k in 0..20 {
        let scope = Scope::all(LogQuery::default(), ninety(k));
        let begun = Instant::now();
        store
            .histogram(&scope, &Grid::even(scope.window, 90))
            .unwrap();
        histograms.push(begun.elapsed());
    }
    println!(
        "{name:<10} 90 days, filter + first page with exact total: p50 {:.0} ms, p95 {:.0} ms (avg {} matches)",
        percentile(&mut pages, 0.5),
        percentile(&mut pages, 0.95),
        totals / 20
    );
    println!(
        "{name:<10} 90 days, histogram of 90 buckets: p50 {:.0} ms, p95 {:.0} ms",
        percentile(&mut histograms, 0.5),
        percentile(&mut histograms, 0.95)
    );
}

fn main() {
    let rows: usize = std::env::var("LOGDECK_ARCHIVE_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000_000);
    let dir = std::env::temp_dir().join(format!("logdeck-archive-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("archive.db");
    let mut sqlite = StoreSpec::Sqlite(file.display().to_string())
        .open()
        .unwrap();
    measure("sqlite", sqlite.as_mut(), rows);
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!("sqlite     file: {:.0} MiB", size as f64 / 1_048_576.0);
    drop(sqlite);
    let cluster = postgres_cluster::Cluster::start();
    let mut postgres = StoreSpec::Postgres(cluster.url()).open().unwrap();
    measure("postgres", postgres.as_mut(), rows);
    drop(postgres);
    let _ = std::fs::remove_dir_all(&dir);
}
