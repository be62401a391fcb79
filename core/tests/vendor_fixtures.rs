//! Every vendor fixture (`tests/fixtures/<source>/*.json`, answers shaped by the
//! vendors' documents) decodes through the adapters: the rows each file must yield,
//! and the rows it must skip with the path of the field that was wrong. One odd row
//! never costs the rest of its page.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use logdeck_core::config::RuntimeConfig;
use logdeck_core::http::HttpAnswer;
use logdeck_core::query::{LogQuery, TimeWindow};
use logdeck_core::sources::Source;
use logdeck_core::status::Status;

const CONFIG: &str = r#"{"connections":[
    {"vendor":"make","id":"mk","name":"Make","baseUrl":"https://eu1.make.com/api/v2","token":"t",
     "organizationId":11,"scenarios":[{"id":4321,"name":"Sync CRM leads"}]},
    {"vendor":"dify","id":"df","name":"Support bot","baseUrl":"https://api.dify.ai/v1","key":"k"},
    {"vendor":"aitronos","id":"ai","name":"Aitronos","baseUrl":"https://api.aitronos.com","key":"k","organizationId":"org"}
]}"#;

/// What one fixture must decode to.
struct Expect {
    file: &'static str,
    /// Ids of the rows read, in the vendor's order.
    ids: &'static [&'static str],
    /// Paths of the fields that made a row unreadable.
    skipped: &'static [&'static str],
    /// Whether the answer says older pages remain.
    more: bool,
}

const fn expect(
    file: &'static str,
    ids: &'static [&'static str],
    skipped: &'static [&'static str],
    more: bool,
) -> Expect {
    Expect {
        file,
        ids,
        skipped,
        more,
    }
}

/// `(fixture folder, source id, expectations)`.
const TABLE: &[(&str, &str, &[Expect])] = &[
    (
        "make-scenarios",
        "mk/scenario/4321",
        &[
            expect(
                "docs-hex-ids.json",
                &[
                    "da518adcd14b4b64ac6358823ccb80ca",
                    "0f9c2b1e7a6d4c3b8e5f1a2b3c4d5e6f",
                ],
                &[],
                false,
            ),
            expect("schema-integer-ids.json", &["4401"], &[], false),
            expect("odd-but-valid.json", &["7c1e", "7c1d", "12"], &[], false),
            expect(
                "one-bad-row.json",
                &["a1", "a3"],
                &["scenarioLogs[1].timestamp"],
                false,
            ),
            expect("empty-last-page.json", &[], &[], false),
        ],
    ),
    (
        "make-audit",
        "mk/audit",
        &[
            expect(
                "schema-example.json",
                &[
                    "6f1c8a2e-2b7d-4e0a-9d3c-5a4b3c2d1e0f",
                    "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
                ],
                &[],
                false,
            ),
            expect(
                "one-bad-row.json",
                &["u-1"],
                &["auditLogs[1].uuid", "auditLogs[2].triggeredAt"],
                false,
            ),
        ],
    ),
    (
        "dify",
        "df",
        &[
            expect(
                "spec-example.json",
                &["b7e2f8a1-3c4d-5e6f-7890-abcdef123456"],
                &[],
                false,
            ),
            expect(
                "nulls-and-extras.json",
                &[
                    "11111111-1111-4111-8111-111111111111",
                    "22222222-2222-4222-8222-222222222222",
                    "33333333-3333-4333-8333-333333333333",
                ],
                &["data[3].created_at"],
                true,
            ),
            expect("empty-last-page.json", &[], &[], false),
        ],
    ),
    (
        "aitronos",
        "ai",
        &[
            expect("spec-example.json", &["abc123def456"], &[], true),
            expect("extra-fields.json", &["log_1", "2"], &["logs[2].id"], false),
            expect("empty-last-page.json", &[], &[], false),
        ],
    ),
];

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn wide_window() -> TimeWindow {
    TimeWindow {
        from: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
        to: Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap(),
    }
}

fn source(id: &str) -> Source {
    let config = RuntimeConfig::parse(CONFIG).unwrap();
    Source::expand(&config)
        .into_iter()
        .find(|source| source.id() == id)
        .unwrap_or_else(|| panic!("no source {id}"))
}

fn decode(source: &Source, body: String) -> logdeck_core::adapters::Page {
    let answer = HttpAnswer {
        status: 200,
        body,
        retry_after: None,
    };
    let position = source.first_position();
    source
        .decode(&answer, &LogQuery::default(), wide_window(), position)
        .unwrap_or_else(|e| panic!("{}: {e}", source.id()))
}

#[test]
fn every_fixture_decodes_as_stated() {
    for (folder, source_id, expectations) in TABLE {
        let source = source(source_id);
        for expect in *expectations {
            let path = fixtures().join(folder).join(expect.file);
            let body = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let page = decode(&source, body);
            let ids: Vec<&str> = page.records.iter().map(|r| r.id.as_str()).collect();
            assert_eq!(ids, expect.ids, "{folder}/{}: rows read", expect.file);
            let skipped: Vec<&str> = page
                .unreadable
                .iter()
                .map(|row| row.error.field.as_str())
                .collect();
            assert_eq!(
                skipped, expect.skipped,
                "{folder}/{}: rows skipped",
                expect.file
            );
            assert_eq!(
                page.next.is_some(),
                expect.more,
                "{folder}/{}: paging",
                expect.file
            );
            for record in &page.records {
                assert_eq!(record.source, *source_id, "rows carry their source");
                assert!(
                    !record.raw.parse().is_null(),
                    "the raw object stays for the detail pane"
                );
            }
        }
    }
}

#[test]
fn every_fixture_file_has_an_expectation() {
    let stated: BTreeSet<String> = TABLE
        .iter()
        .flat_map(|(folder, _, expectations)| {
            expectations
                .iter()
                .map(move |e| format!("{folder}/{}", e.file))
        })
        .collect();
    let mut found = BTreeSet::new();
    for folder in std::fs::read_dir(fixtures()).unwrap() {
        let folder = folder.unwrap().path();
        if !folder.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&folder).unwrap() {
            let file = file.unwrap().path();
            let name = |p: &std::path::Path| p.file_name().unwrap().to_string_lossy().into_owned();
            found.insert(format!("{}/{}", name(&folder), name(&file)));
        }
    }
    assert_eq!(found, stated);
}

#[test]
fn odd_but_valid_values_keep_their_meaning() {
    let make = source("mk/scenario/4321");
    let body =
        std::fs::read_to_string(fixtures().join("make-scenarios/odd-but-valid.json")).unwrap();
    let page = decode(&make, body);
    let [text_status, naive_time, unknown_code] = &page.records[..] else {
        panic!("three rows");
    };
    assert_eq!(
        text_status.status,
        Status::Error,
        "status \"3\" is an error"
    );
    assert_eq!(
        text_status.usage.centicredits,
        Some(u64::MAX),
        "every digit kept"
    );
    assert_eq!(text_status.duration_ms, Some(1500));
    assert_eq!(
        text_status.timestamp,
        Utc.with_ymd_and_hms(2026, 11, 21, 10, 30, 0).unwrap(),
        "+02:00 offset applied"
    );
    assert_eq!(
        naive_time.timestamp.timestamp(),
        Utc.with_ymd_and_hms(2026, 11, 21, 10, 29, 59)
            .unwrap()
            .timestamp(),
        "no offset reads as UTC"
    );
    assert_eq!(unknown_code.status, Status::Unknown);
    assert_eq!(unknown_code.raw_status, "4", "an unknown value is kept raw");

    let dify = source("df");
    let body = std::fs::read_to_string(fixtures().join("dify/nulls-and-extras.json")).unwrap();
    let page = decode(&dify, body);
    assert_eq!(page.records[0].status, Status::Unknown, "no run summary");
    assert_eq!(page.records[1].client.as_deref(), Some("Grace Hopper"));
    assert_eq!(
        page.records[1].duration_ms,
        Some(500),
        "elapsed_time as text"
    );
    assert_eq!(page.records[1].usage.tokens, Some(42));
    assert_eq!(
        page.records[2].timestamp.timestamp(),
        1705407600,
        "the run's time when the entry has none"
    );
    assert_eq!(
        page.records[2].message.as_deref(),
        Some("Node LLM timed out")
    );

    let aitronos = source("ai");
    let body = std::fs::read_to_string(fixtures().join("aitronos/extra-fields.json")).unwrap();
    let page = decode(&aitronos, body);
    assert_eq!(page.records[0].status, Status::Timeout);
    assert_eq!(page.records[0].duration_ms, Some(30_000));
    assert_eq!(
        page.records[1].status,
        Status::Unknown,
        "status is undocumented"
    );
    assert_eq!(
        page.unreadable[0].raw,
        r#"{"created_at":"2025-11-15T08:00:00Z","status":"success"}"#
    );
}
