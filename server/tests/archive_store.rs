//! The archive's stores, against a real SQLite file and a real PostgreSQL (a
//! throwaway cluster this test starts): pages and checkpoints, duplicates,
//! retention, and the filter, which must keep exactly the rows the core's
//! unified filter keeps, for any query.

mod postgres_cluster;

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use logdeck_core::client_id::{ClientId, ClientIdKind};
use logdeck_core::histogram::{self as chart, round_step, Grid};
use logdeck_core::model::{CollectionType, LogRecord, RawJson, Usage};
use logdeck_core::query::{LogQuery, Period, TimeWindow};
use logdeck_core::status::Status;
use logdeck_server::archive::store::{Scope, Store};
use logdeck_server::archive::StoreSpec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap() + Duration::minutes(minutes)
}

const KINDS: [CollectionType; 4] = [
    CollectionType::MakeScenarios,
    CollectionType::MakeAudit,
    CollectionType::DifyWorkflows,
    CollectionType::AitronosConnectors,
];
const STATUSES: [Status; 4] = [
    Status::Success,
    Status::Error,
    Status::Warning,
    Status::Running,
];
const CLIENTS: [&str; 3] = ["Ada", "Grace", "ünïcode Ü"];
const COLLECTIONS: [&str; 3] = ["Sync CRM", "Support bot", "Ops"];
const CLIENT_IDS: [(ClientIdKind, &str); 3] = [
    (ClientIdKind::DifySession, "s:1"),
    (ClientIdKind::DifyAccount, "ada@acme.io"),
    (ClientIdKind::AitronosCredential, "42"),
];
const EVENTS: [&str; 2] = ["key_created", "scenario_updated"];
const WORDS: [&str; 4] = ["timeout", "rate limit", "ÜNÏ", "50%_"];
/// Words a search combines with [`WORDS`]: in other fields, or in most messages.
/// The ids: "id-1" whole only, the long "id-14-00000" by its first eight
/// characters, not seven; "ÜÜÜÜ-19" whole only, though its seven characters
/// are eleven bytes (a store counting bytes would find "ÜÜÜÜ-199" by it).
const MORE_WORDS: [&str; 7] = [
    "step",
    "run",
    "id-1",
    "id-14-00",
    "id-14-0",
    "üüüü-19",
    "üüüü-1",
];

/// Rows from a small domain, so random queries match some and miss others.
fn rows(count: usize) -> Vec<LogRecord> {
    (0..count)
        .map(|i| LogRecord {
            source: format!("s{}", i % 3),
            kind: KINDS[i % 4],
            // Some ids long enough to be found by their start.
            id: if i % 10 == 4 {
                format!("id-{i}-00000")
            } else if i % 10 == 9 {
                format!("ÜÜÜÜ-{i}")
            } else {
                format!("id-{i}")
            },
            timestamp: at((i as i64 * 37) % 3000),
            status: STATUSES[(i / 3) % 4],
            raw_status: "x".into(),
            client: (i % 5 != 0).then(|| CLIENTS[i % 3].to_owned()),
            client_id: (i % 7 != 0).then(|| {
                let (kind, value) = CLIENT_IDS[i % 3];
                ClientId::new(kind, value)
            }),
            collection: COLLECTIONS[(i / 2) % 3].to_owned(),
            name: Some(if i % 4 == 1 { EVENTS[i % 2] } else { "run" }.to_owned()),
            duration_ms: Some(i as u64 * 11),
            usage: Usage {
                operations: Some(i as u64),
                centicredits: (i == 7).then_some(u64::MAX),
                ..Usage::default()
            },
            message: (i % 6 == 0).then(|| format!("{} in step {i}", WORDS[(i / 6) % 4])),
            vendor_link: None,
            raw: RawJson::of(&serde_json::json!({"i": i})),
        })
        .collect()
}

fn stores() -> Vec<(
    &'static str,
    Box<dyn Store>,
    Option<postgres_cluster::Cluster>,
)> {
    let dir = std::env::temp_dir().join(format!("logdeck-archive-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("store-{}.db", rand_suffix()));
    let sqlite = StoreSpec::Sqlite(file.display().to_string())
        .open()
        .unwrap();
    let cluster = postgres_cluster::Cluster::start();
    let postgres = StoreSpec::Postgres(cluster.url()).open().unwrap();
    vec![
        ("sqlite", sqlite, None),
        ("postgres", postgres, Some(cluster)),
    ]
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn keys(records: &[LogRecord]) -> Vec<String> {
    records.iter().map(LogRecord::key).collect()
}

#[test]
fn pages_checkpoints_duplicates_and_retention_in_both_stores() {
    for (name, mut store, _cluster) in stores() {
        let data = rows(40);
        let mut seen = Vec::new();
        let added = store
            .commit_page("s", &data[..30], &mut |added| {
                seen.push(added);
                format!("{{\"page\":1,\"added\":{added}}}")
            })
            .unwrap();
        assert_eq!(added, 30, "{name}");
        // The next page overlaps the first by ten rows (offsets shifted).
        let mut finished = data[10..40].to_vec();
        finished[0].status = Status::Success;
        let added = store
            .commit_page("s", &finished, &mut |added| {
                format!("{{\"page\":2,\"added\":{added}}}")
            })
            .unwrap();
        assert_eq!(added, 10, "{name}: the repeated rows are not new");
        assert_eq!(
            store.state("s").unwrap().as_deref(),
            Some("{\"page\":2,\"added\":10}"),
            "{name}"
        );
        let everything = TimeWindow {
            from: at(-1),
            to: at(5000),
        };
        let found = store
            .find(&Scope::all(LogQuery::default(), everything), 0, 1000)
            .unwrap();
        assert_eq!(found.total, 40, "{name}");
        let stored = found.records.iter().find(|r| r.id == "id-10").unwrap();
        assert_eq!(
            stored.status,
            Status::Success,
            "{name}: a newer reading replaces the row"
        );
        // The volume chart reads hourly counts: a row read again with a new
        // status moves from one count to the other.
        for buckets in [1, 7, 90] {
            assert_eq!(
                histogram(
                    store.as_mut(),
                    &Scope::all(LogQuery::default(), everything),
                    buckets
                ),
                by_bucket(&found.records, everything, buckets),
                "{name}: {buckets} buckets"
            );
        }
        let original = found.records.iter().find(|r| r.id == "id-7").unwrap();
        assert_eq!(*original, data[7], "{name}: a row reads back whole");
        let newest: Vec<DateTime<Utc>> = found.records.iter().map(|r| r.timestamp).collect();
        assert!(
            newest.windows(2).all(|w| w[0] >= w[1]),
            "{name}: newest first"
        );
        let page = store
            .find(&Scope::all(LogQuery::default(), everything), 35, 10)
            .unwrap();
        assert_eq!(
            keys(&page.records),
            keys(&found.records[35..]),
            "{name}: offset paging"
        );

        // A run still going is read again only while it is recent.
        let running = |since: i64| {
            found
                .records
                .iter()
                .filter(|r| {
                    r.source == "s1" && r.status == Status::Running && r.timestamp >= at(since)
                })
                .map(|r| r.timestamp)
                .min()
        };
        for since in [0, 1200, 2900] {
            assert_eq!(
                store.oldest_running("s1", at(since)).unwrap(),
                running(since),
                "{name}"
            );
        }
        assert!(running(0).is_some() && running(0) != running(1200));

        let cut = at(737) + Duration::seconds(13);
        let older = data.iter().filter(|r| r.timestamp < cut).count() as u64;
        assert_eq!(store.delete_before(cut).unwrap(), older, "{name}");
        let left = store
            .find(&Scope::all(LogQuery::default(), everything), 0, 1000)
            .unwrap();
        assert!(left.records.iter().all(|r| r.timestamp >= cut), "{name}");
        assert_eq!(left.total, 40 - older, "{name}");
        assert_eq!(
            histogram(
                store.as_mut(),
                &Scope::all(LogQuery::default(), everything),
                90
            ),
            by_bucket(&left.records, everything, 90),
            "{name}: retention leaves the counts of the rows left"
        );
        assert!(store
            .states()
            .unwrap()
            .iter()
            .any(|(stream, _)| stream == "s"));
    }
}

type Cells = std::collections::BTreeMap<(usize, Status), u64>;

/// Rows per bucket and status: bucket b holds the rows from
/// from + b·span/buckets up to the next, the window's last instant in the last.
fn by_bucket<'a>(
    records: impl IntoIterator<Item = &'a LogRecord>,
    window: TimeWindow,
    buckets: usize,
) -> Cells {
    let span = i128::from((window.to - window.from).num_milliseconds().max(1));
    let mut cells = Cells::new();
    for record in records {
        let offset = i128::from((record.timestamp - window.from).num_milliseconds());
        let bucket = usize::try_from(offset * buckets as i128 / span)
            .unwrap()
            .min(buckets - 1);
        *cells.entry((bucket, record.status)).or_insert(0) += 1;
    }
    cells
}

fn histogram(store: &mut dyn Store, scope: &Scope, buckets: usize) -> Cells {
    stepped(store, scope, &Grid::even(scope.window, buckets))
}

fn stepped(store: &mut dyn Store, scope: &Scope, grid: &Grid) -> Cells {
    let counts = store.histogram(scope, grid).unwrap();
    counts
        .cells
        .iter()
        .map(|(bucket, status, n)| ((*bucket, *status), *n))
        .collect()
}

fn query_strategy() -> impl Strategy<Value = (LogQuery, (i64, i64))> {
    let subset = |n: usize| proptest::collection::btree_set(0..n, 0..3);
    (
        subset(4),
        subset(4),
        subset(3),
        subset(3),
        subset(2),
        subset(3),
        proptest::collection::vec((0..WORDS.len() + MORE_WORDS.len(), any::<bool>()), 0..3),
        (0i64..3000, 0i64..3000),
    )
        .prop_map(
            |(statuses, kinds, clients, collections, events, client_ids, words, (a, b))| {
                let query = LogQuery {
                    statuses: statuses.into_iter().map(|i| STATUSES[i]).collect(),
                    types: kinds.into_iter().map(|i| KINDS[i]).collect(),
                    clients: clients.into_iter().map(|i| CLIENTS[i].to_owned()).collect(),
                    collections: collections
                        .into_iter()
                        .map(|i| COLLECTIONS[i].to_owned())
                        .collect(),
                    events: events.into_iter().map(|i| EVENTS[i].to_owned()).collect(),
                    client_ids: client_ids
                        .into_iter()
                        .map(|i| ClientId::new(CLIENT_IDS[i].0, CLIENT_IDS[i].1))
                        .collect(),
                    // Words, each anywhere on the row, some as quoted phrases.
                    text: words
                        .into_iter()
                        .map(|(i, quoted)| {
                            let word = WORDS.iter().chain(&MORE_WORDS).nth(i).unwrap();
                            let word = word.to_uppercase();
                            if quoted {
                                format!("\"{word}\"")
                            } else {
                                format!("  {word} ")
                            }
                        })
                        .collect(),
                    period: Period::Absolute {
                        from: at(a.min(b)),
                        to: at(a.max(b)),
                    },
                    ..LogQuery::default()
                };
                (query, (a.min(b), a.max(b)))
            },
        )
}

/// For any query, each store returns exactly the rows the core's filter keeps,
/// its histogram adds up to the same total, and both stores agree.
#[test]
fn the_archive_filters_as_the_core_timeline_does() {
    let data = rows(400);
    let mut stores = stores();
    for (_, store, _) in &mut stores {
        store
            .commit_page("all", &data, &mut |_| "{}".into())
            .unwrap();
    }
    // The runner's closure is `Fn`; the stores need `&mut` for each query.
    let stores = std::cell::RefCell::new(stores);
    let mut runner = TestRunner::new(Config {
        cases: 96,
        ..Config::default()
    });
    runner
        .run(&query_strategy(), |(query, (from, to))| {
            let window = TimeWindow {
                from: at(from),
                to: at(to),
            };
            let expected: BTreeSet<String> = data
                .iter()
                .filter(|r| (window.from..=window.to).contains(&r.timestamp) && query.matches(r))
                .map(LogRecord::key)
                .collect();
            for (name, store, _) in stores.borrow_mut().iter_mut() {
                let scope = Scope::all(query.clone(), window);
                let found = store.find(&scope, 0, 1000).unwrap();
                let got: BTreeSet<String> = keys(&found.records).into_iter().collect();
                prop_assert_eq!(&got, &expected, "{} for {:?}", name, query);
                prop_assert_eq!(found.total, expected.len() as u64);
                let matching = data.iter().filter(|r| expected.contains(&r.key()));
                prop_assert_eq!(
                    histogram(store.as_mut(), &scope, 7),
                    by_bucket(matching, window, 7),
                    "{} histogram",
                    name
                );
                // The dashboard chart's own bars, counted by the chart's code.
                let grid = Grid::aligned(window, round_step(window, 60));
                let matching = data.iter().filter(|r| expected.contains(&r.key()));
                let bars = chart::histogram(
                    matching.map(|r| (r.timestamp.timestamp_micros(), r.status)),
                    window,
                    &grid,
                );
                let charted: Cells = bars
                    .iter()
                    .enumerate()
                    .flat_map(|(index, bar)| {
                        Status::ALL
                            .iter()
                            .filter(|status| bar.count(**status) > 0)
                            .map(move |status| ((index, *status), u64::from(bar.count(*status))))
                    })
                    .collect();
                prop_assert_eq!(
                    stepped(store.as_mut(), &scope, &grid),
                    charted,
                    "{} chart grid",
                    name
                );
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_large_page_with_a_row_read_twice_is_stored_once_as_its_last_reading() {
    for (name, mut store, _cluster) in stores() {
        let mut page = rows(1_200);
        let mut finished = page[3].clone();
        finished.status = Status::Success;
        page.push(finished);
        // The same row again, its id with a NUL the store drops.
        let mut nul = page[5].clone();
        nul.id = "id-\u{0}5".into();
        page.push(nul);
        let added = store
            .commit_page("s", &page, &mut |added| format!("{{\"added\":{added}}}"))
            .unwrap();
        assert_eq!(
            added, 1_200,
            "{name}: more rows than one statement holds, each repeat once"
        );
        let everything = TimeWindow {
            from: at(-1),
            to: at(50_000),
        };
        let found = store
            .find(&Scope::all(LogQuery::default(), everything), 0, 2_000)
            .unwrap();
        assert_eq!(found.total, 1_200, "{name}");
        let repeated = found.records.iter().find(|r| r.id == "id-3").unwrap();
        assert_eq!(
            repeated.status,
            Status::Success,
            "{name}: the last reading wins"
        );
    }
}

/// A store written before client ids were kept: its rows get theirs from
/// their vendor objects when the store is opened again, in both dialects.
#[test]
fn rows_archived_before_client_ids_get_them_from_their_vendor_objects() {
    use logdeck_server::archive::store::MIGRATIONS;
    let (first_schema, insert) = (
        MIGRATIONS[0].1,
        "INSERT INTO records (source, id, at_ms, kind, status, raw_status, collection, raw, search_text) \
         VALUES ('dify', 'run-1', 0, 'dify-workflows', 'success', 'succeeded', 'Bot', \
         '{\"created_by_account\":{\"name\":\"Ada\",\"email\":\"ada@acme.io\"}}', ''), \
         ('ai', 'log-1', 0, 'aitronos-connectors', 'success', 'success', 'Gmail', \
         '{\"credential_id\":42}', ''), \
         ('mk', '9f2c', 0, 'make-scenarios', 'success', '1', 'Sync', '{\"id\":\"9f2c\"}', '');
         INSERT INTO logdeck_migrations (version) VALUES (1);",
    );
    let dir = std::env::temp_dir().join(format!("logdeck-archive-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("old-{}.db", rand_suffix()));
    let old = rusqlite::Connection::open(&file).unwrap();
    old.execute_batch(&format!(
        "CREATE TABLE logdeck_migrations (version BIGINT PRIMARY KEY); {first_schema}; {insert}"
    ))
    .unwrap();
    drop(old);
    let cluster = postgres_cluster::Cluster::start();
    let mut old = postgres::Client::connect(&cluster.url(), postgres::NoTls).unwrap();
    old.batch_execute(&format!(
        "CREATE TABLE logdeck_migrations (version BIGINT PRIMARY KEY); {first_schema}; {insert}"
    ))
    .unwrap();
    drop(old);
    for spec in [
        StoreSpec::Sqlite(file.display().to_string()),
        StoreSpec::Postgres(cluster.url()),
    ] {
        let mut store = spec.open().unwrap();
        let window = TimeWindow {
            from: DateTime::UNIX_EPOCH,
            to: at(1),
        };
        let by = |kind, value: &str| {
            let query = LogQuery {
                client_ids: [ClientId::new(kind, value)].into(),
                ..LogQuery::default()
            };
            Scope::all(query, window)
        };
        let found = store
            .find(&by(ClientIdKind::DifyAccount, "ada@acme.io"), 0, 10)
            .unwrap();
        assert_eq!(keys(&found.records), ["dify:run-1"], "{spec:?}");
        assert_eq!(
            found.records[0].client_id,
            Some(ClientId::new(ClientIdKind::DifyAccount, "ada@acme.io"))
        );
        let found = store
            .find(&by(ClientIdKind::AitronosCredential, "42"), 0, 10)
            .unwrap();
        assert_eq!(keys(&found.records), ["ai:log-1"], "{spec:?}");
        let all = store
            .find(&Scope::all(LogQuery::default(), window), 0, 10)
            .unwrap();
        assert_eq!(all.total, 3, "{spec:?}: no row lost");
        // Migration 3 counted the stored rows by hour: a window of whole hours
        // reads them from the counts alone.
        let hours = TimeWindow {
            from: DateTime::UNIX_EPOCH,
            to: DateTime::UNIX_EPOCH + Duration::hours(3) - Duration::milliseconds(1),
        };
        assert_eq!(
            histogram(store.as_mut(), &Scope::all(LogQuery::default(), hours), 3),
            Cells::from([((0, Status::Success), 3)]),
            "{spec:?}"
        );
    }
}
