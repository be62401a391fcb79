//! The unified log record every adapter decodes into.

use chrono::{DateTime, Utc};

use super::status::Status;
use crate::client_id::ClientId;
use crate::keyed_enum;

keyed_enum! {
    /// The kind of collection a record belongs to (the API-logs page's "Collection
    /// type"); its key is used in URLs and files (`?type=make-scenarios`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum CollectionType {
        MakeScenarios = ("make-scenarios", "Make scenarios"),
        MakeAudit = ("make-audit", "Make audit log"),
        DifyWorkflows = ("dify-workflows", "Dify workflows"),
        AitronosConnectors = ("aitronos-connectors", "Aitronos connectors"),
        /// Requests from an API-platform CSV export opened as a snapshot.
        ApiPlatform = ("api-platform", "API platform"),
    }
}

impl CollectionType {
    /// The statuses rows of this kind can have, for the Status filter's choices
    /// and the types a choice applies to. Unknown is a row whose vendor sent no
    /// status or one not documented: Make's `status` is optional, a Dify row
    /// may lack its `workflow_run`, an opened file's row its HTTP code.
    pub fn statuses(self) -> &'static [Status] {
        match self {
            CollectionType::MakeScenarios => &[
                Status::Success,
                Status::Warning,
                Status::Error,
                Status::Unknown,
            ],
            CollectionType::MakeAudit => &[Status::Event],
            CollectionType::DifyWorkflows => &[
                Status::Success,
                Status::Warning,
                Status::Error,
                Status::Running,
                Status::Paused,
                Status::Stopped,
                Status::Unknown,
            ],
            CollectionType::AitronosConnectors => &[
                Status::Success,
                Status::Error,
                Status::Blocked,
                Status::Timeout,
                Status::Unknown,
            ],
            CollectionType::ApiPlatform => &[
                Status::Success,
                Status::Error,
                Status::Timeout,
                Status::Unknown,
            ],
        }
    }

    /// Inverse of [`CollectionType::label`], for reading exported files back.
    pub fn from_label(label: &str) -> Option<CollectionType> {
        CollectionType::ALL.into_iter().find(|t| t.label() == label)
    }
}

/// Usage figures; each source fills the ones it reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Usage {
    pub operations: Option<u64>,
    /// Bytes transferred.
    pub transfer: Option<u64>,
    /// Make `centicredits`, exact: it can exceed 2^53 and must not pass through a float.
    pub centicredits: Option<u64>,
    pub tokens: Option<u64>,
    pub steps: Option<u64>,
}

/// One row of the merged timeline, whatever vendor it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// Id of the source the record was read through
    /// ([`Source::id`](super::sources::Source::id)): adapters fill in the
    /// connection's id and `Source` narrows it to the scenario, app or log.
    pub source: String,
    pub kind: CollectionType,
    /// The vendor's id, unique within `source`.
    pub id: String,
    pub timestamp: DateTime<Utc>,
    pub status: Status,
    /// The vendor's own status value, shown beside the normalised one.
    pub raw_status: String,
    /// Who ran it (author, actor, end user, credential).
    pub client: Option<String>,
    /// The vendor's id behind `client`, where a server filters by it (Dify
    /// sessions and accounts, Aitronos credentials).
    pub client_id: Option<ClientId>,
    /// Which scenario / team / app / credential.
    pub collection: String,
    /// Execution name, event name or endpoint.
    pub name: Option<String>,
    pub duration_ms: Option<u64>,
    pub usage: Usage,
    /// What went wrong or what happened: the run's error or warning text, or an
    /// audit event's details (the Message column, searched by free text and
    /// exported as "Status details").
    pub message: Option<String>,
    /// The vendor's own page for this record, where one can be built.
    pub vendor_link: Option<String>,
    /// The whole vendor object, for the detail pane.
    pub raw: RawJson,
}

/// A loaded row, shared: the timeline, an opened file and an export hold the
/// same record, so copying a row costs a pointer rather than its strings.
pub type SharedRecord = std::sync::Arc<LogRecord>;

/// A vendor object kept as its compact JSON text, shared between copies: a parsed
/// tree costs several times its text in memory, on every row, while only the
/// detail pane and the exports ever read it.
#[derive(Clone, PartialEq, Eq)]
pub struct RawJson(std::sync::Arc<str>);

impl RawJson {
    pub fn of(value: &serde_json::Value) -> RawJson {
        // Straight into a buffer: `to_string` goes through the formatter, a
        // call per token.
        let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
        RawJson(text.into())
    }

    /// Text a `RawJson` was saved as (the archive's store): kept as it is, since
    /// [`RawJson::parse`] reads anything invalid as `null` rather than failing.
    pub fn from_text(text: String) -> RawJson {
        RawJson(text.into())
    }

    /// JSON `null`, for rows with no vendor object.
    pub fn null() -> RawJson {
        RawJson("null".into())
    }

    /// The compact text, as the vendor's object serialised.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The object again (always valid: the text came from a parsed value).
    pub fn parse(&self) -> serde_json::Value {
        serde_json::from_str(&self.0).unwrap_or(serde_json::Value::Null)
    }
}

impl std::fmt::Debug for RawJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The source id of every opened file starts with this (`file:export.csv`).
pub const SNAPSHOT_PREFIX: &str = "file:";

impl LogRecord {
    /// The vendor's page, if it is an http(s) address: a row of an opened
    /// file carries whatever the file says, `javascript:` included.
    pub fn web_link(&self) -> Option<&str> {
        let link = self.vendor_link.as_deref()?.trim();
        let scheme = link.split_once("://")?.0;
        (scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http"))
            .then_some(link)
    }

    /// Key that is unique across sources, used for selection (`sel=`) and row identity.
    pub fn key(&self) -> String {
        format!("{}:{}", self.source, self.id)
    }

    /// The key of the row this record is a reading of. A row of an opened
    /// Logdeck CSV keeps its original `source:id` as its id, so a snapshot of
    /// rows that are also loaded live can be shown and exported once; every
    /// other record is its own origin.
    pub fn origin_key(&self) -> String {
        if self.source.starts_with(SNAPSHOT_PREFIX) && self.id.contains(':') {
            self.id.clone()
        } else {
            self.key()
        }
    }

    /// Whether the vendor sent no status with this row and its status is the
    /// one the request's Status filter asked the server for (an Aitronos row
    /// need carry none): true of this request's answer, not of the row itself.
    /// A row read from a file is as the file says, whatever its status column.
    pub fn status_from_request(&self) -> bool {
        self.raw_status.is_empty()
            && !matches!(self.status, Status::Unknown | Status::Event)
            && !self.is_snapshot()
    }

    /// Whether the vendor sent no status with this row at all, so that it
    /// shows as Unknown.
    pub fn status_unsent(&self) -> bool {
        self.raw_status.is_empty() && self.status == Status::Unknown
    }

    /// Whether this record comes from an opened file rather than a live source.
    pub fn is_snapshot(&self) -> bool {
        self.source.starts_with(SNAPSHOT_PREFIX)
    }

    /// Whether `key` is this record's [`LogRecord::key`], without building it: the
    /// selection is looked up among up to 100 000 rows.
    pub fn has_key(&self, key: &str) -> bool {
        key.strip_prefix(self.source.as_str())
            .and_then(|rest| rest.strip_prefix(':'))
            .is_some_and(|id| id == self.id)
    }

    /// The lower-cased text free-text search looks in, one field a line: id
    /// (first, as [`crate::search_terms::record_text_holds`] reads it: whole or
    /// by its start), collection, name, client, message and the vendor's raw
    /// status. Each is [`crate::search_terms::searched_form`], the id its
    /// [`crate::search_terms::id_line`]. The archive stores it.
    pub fn search_text(&self) -> String {
        let mut text = crate::search_terms::id_line(&self.id);
        text.push('\n');
        let fields = [
            Some(self.collection.as_str()),
            self.name.as_deref(),
            self.client.as_deref(),
            self.message.as_deref(),
            Some(self.raw_status.as_str()),
        ];
        for field in fields.into_iter().flatten() {
            text.push_str(&crate::search_terms::searched_form(field));
            text.push('\n');
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_object_is_kept_as_compact_text_and_read_back_whole() {
        let value = serde_json::json!({"id": "9f2c", "nested": {"list": [1, 2.5, null]}, "text": "é \"q\""});
        let raw = RawJson::of(&value);
        assert_eq!(
            raw.as_str(),
            r#"{"id":"9f2c","nested":{"list":[1,2.5,null]},"text":"é \"q\""}"#
        );
        assert_eq!(raw.parse(), value);
        assert_eq!(RawJson::null().parse(), serde_json::Value::Null);
        let copy = raw.clone();
        assert!(
            std::ptr::eq(copy.as_str(), raw.as_str()),
            "copies share the text"
        );
    }
    use crate::test_support;
    use chrono::TimeZone;

    fn record(source: &str, id: &str, second: u32) -> LogRecord {
        test_support::record(
            source,
            id,
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, second).unwrap(),
        )
    }

    #[test]
    fn keys_are_matched_without_building_them() {
        let r = record("demo/scenario/1", "42", 1);
        assert!(r.has_key(&r.key()));
        assert!(!r.has_key("demo/scenario/1:4"));
        assert!(!r.has_key("demo/scenario/10:42"));
        assert!(!r.has_key("demo/scenario/1"));
    }

    #[test]
    fn collection_type_keys_and_labels_round_trip() {
        for kind in CollectionType::ALL {
            assert_eq!(CollectionType::from_key(kind.key()), Some(kind));
            assert_eq!(CollectionType::from_label(kind.label()), Some(kind));
        }
    }

    #[test]
    fn only_web_addresses_are_links() {
        let mut r = record("s", "r1", 1);
        for (link, shown) in [
            ("https://eu1.make.com/1/scenarios/2/logs/x", true),
            (" HTTP://example.com/a ", true),
            ("javascript:alert(1)", false),
            ("JavaScript://%0aalert(1)", false),
            ("data:text/html,<b>x</b>", false),
            ("/relative/path", false),
            ("", false),
        ] {
            r.vendor_link = Some(link.to_owned());
            assert_eq!(r.web_link().is_some(), shown, "{link}");
        }
        r.vendor_link = None;
        assert_eq!(r.web_link(), None);
    }

    #[test]
    fn search_text_covers_the_visible_fields_without_joining_them() {
        let mut r = record("a", "ID-7", 1);
        r.name = Some("Nightly Import".into());
        r.client = Some("Ada".into());
        let text = r.search_text();
        assert!(text.contains("id-7") && text.contains("nightly import") && text.contains("ada"));
        // A match never spans two fields.
        assert!(!text.contains("importada"));
    }
}
