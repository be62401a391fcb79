//! Filtering and sorting 100 000 merged records, as the dashboard does on every
//! filter change. Run with `cargo bench -p logdeck-core --bench timeline`.

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    divan::main();
}

/// divan runs natively only; the wasm build of the test targets skips it.
#[cfg(not(target_arch = "wasm32"))]
mod benches {
    use chrono::{Duration, TimeZone, Utc};
    use divan::Bencher;
    use logdeck_core::columns::Column;
    use logdeck_core::frontier::Frontier;
    use logdeck_core::model::{CollectionType, LogRecord, Usage};
    use logdeck_core::query::{LogQuery, Sort};
    use logdeck_core::status::Status;
    use logdeck_core::timeline::Timeline;

    const ROWS: usize = 100_000;

    /// Records shaped like the demo's: four kinds, several statuses, names and clients.
    fn records(count: usize) -> Vec<LogRecord> {
        let start = Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap();
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
        let clients = [
            "Ada Lovelace",
            "Grace Hopper",
            "session_1042",
            "Gmail (work)",
            "Ken Thompson",
        ];
        (0..count)
            .map(|i| LogRecord {
                source: format!("source-{}", i % 8),
                kind: kinds[i % kinds.len()],
                id: (900_000 + i).to_string(),
                timestamp: start - Duration::seconds((i * 26) as i64),
                status: statuses[(i * 7) % statuses.len()],
                raw_status: "1".into(),
                client: Some(clients[(i * 3) % clients.len()].into()),
                client_id: None,
                collection: format!("Collection {}", i % 12),
                name: Some(format!("Scheduled run {}", i % 97)),
                duration_ms: Some(((i * 7919) % 60_000) as u64),
                usage: Usage {
                    operations: Some((i % 60) as u64),
                    ..Usage::default()
                },
                message: (i % 17 == 0).then(|| "Rate limit reached".to_owned()),
                vendor_link: None,
                raw: logdeck_core::model::RawJson::null(),
            })
            .collect()
    }

    #[divan::bench]
    fn build_timeline(bencher: Bencher) {
        bencher
            .with_inputs(|| records(ROWS))
            .bench_values(Timeline::new);
    }

    #[divan::bench(args = ["newest first", "status=error", "text 'rate limit'", "sort by duration", "client + status"])]
    fn view(bencher: Bencher, case: &str) {
        let timeline = Timeline::new(records(ROWS));
        let mut query = LogQuery::default();
        match case {
            "status=error" => {
                query.statuses.insert(Status::Error);
            }
            "text 'rate limit'" => query.text = "rate limit".into(),
            "sort by duration" => {
                query.sort = Sort {
                    column: Column::Duration,
                    descending: true,
                }
            }
            "client + status" => {
                query.clients.insert("Grace Hopper".into());
                query.statuses.insert(Status::Success);
            }
            _ => {}
        }
        bencher.bench(|| {
            timeline
                .view(
                    divan::black_box(&query),
                    &Frontier::complete(),
                    &std::collections::HashMap::new(),
                )
                .len()
        });
    }

    /// A sort no earlier view kept: the timeline's copy starts without kept
    /// orders, and shows rows newest first before it (as a page does). The copy
    /// is handed back so that dropping it (3–4 ms of freeing) is not timed.
    #[divan::bench(args = ["duration", "message", "client", "time", "-time"])]
    fn fresh_sort(bencher: Bencher, column: &str) {
        let timeline = Timeline::new(records(ROWS));
        let query = LogQuery {
            sort: Sort {
                column: Column::from_key(column.trim_start_matches('-')).unwrap(),
                descending: column.starts_with('-') || column == "duration",
            },
            ..LogQuery::default()
        };
        bencher
            .with_inputs(|| {
                let copy = timeline.clone();
                let none = std::collections::HashMap::new();
                copy.view(&LogQuery::default(), &Frontier::complete(), &none);
                copy
            })
            .bench_values(|timeline| {
                let shown = timeline.view(
                    &query,
                    &Frontier::complete(),
                    &std::collections::HashMap::new(),
                );
                (timeline, shown)
            });
    }
}
