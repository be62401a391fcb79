//! The one abstraction every vendor adapter implements: a paged stream of records
//! (a Make scenario, a Make audit log, a Dify app, an Aitronos account, an opened
//! file). [`Source`](crate::sources::Source) dispatches to it with a single `match`,
//! so everything a stream decides (name, capabilities, requests, decoding, errors,
//! the permission it needs) lives in its vendor's module.

use std::collections::BTreeSet;

use crate::adapters::{Capabilities, DecodeError, Page};
use crate::http::{ApiRequest, VendorError};
use crate::model::{CollectionType, LogRecord};
use crate::query::{LogQuery, TimeWindow};
use crate::status::Status;

/// Rows asked for per request.
pub const PAGE_SIZE: u32 = 100;

/// One page of the unified query: what a stream turns into its own parameters.
/// Request and decoding both receive it, so they agree on offsets and limits.
#[derive(Debug, Clone, Copy)]
pub struct PageAt<'a> {
    pub query: &'a LogQuery,
    pub window: TimeWindow,
    /// An offset, or a page number for APIs that page by number (Dify).
    pub position: u64,
    pub limit: u32,
}

/// A stream of records, remote or opened from a file. Implemented in each
/// adapter's module (and by the file snapshot).
pub trait Stream {
    /// Stable id, unique within a configuration; record keys start with it.
    fn id(&self) -> String;
    /// What people call it: connection and collection.
    fn label(&self) -> String;
    fn kind(&self) -> CollectionType;
    /// Where each unified filter is applied.
    fn capabilities(&self) -> Capabilities;
    /// The scope or role its requests need, as the vendor names it.
    fn permission(&self) -> &'static str;
    /// The collection name its rows carry, when known before loading.
    fn fixed_collection(&self) -> Option<&str> {
        None
    }
    /// Whether rows with one of `statuses` can exist here: those its kind can
    /// have (audit entries are all events, Running is Dify's); `statuses` is
    /// never empty. A source that cannot is not read at all.
    fn can_have_status(&self, statuses: &BTreeSet<Status>) -> bool {
        self.kind()
            .statuses()
            .iter()
            .any(|status| statuses.contains(status))
    }
}

/// A stream read page by page from a vendor's API.
pub trait Remote {
    /// Whether the connection's key is known; without it nothing is requested.
    fn has_key(&self) -> bool;
    /// Where paging starts: offset 0 unless the API pages by number.
    fn first_position(&self) -> u64 {
        0
    }
    /// The list request for one page; only called when the key is known.
    fn list_request(&self, page: PageAt<'_>) -> ApiRequest;
    /// Decodes a 200 answer to [`Remote::list_request`].
    fn decode_page(&self, body: &str, page: PageAt<'_>) -> Result<Page, DecodeError>;
    /// Decodes a refusal into the vendor's own message.
    fn decode_error(&self, http_status: u16, body: &str) -> VendorError;
    /// Whether the server filters by a status its rows need not carry
    /// (Aitronos documents none on its rows): a row sent without one is then
    /// found by asking for each status alone.
    fn filters_statuses_rows_lack(&self) -> bool {
        false
    }
    /// Whether rows of `status` may have a message that takes a call of its
    /// own ([`Remote::message_request`]): a search over such rows may not
    /// have looked in every message. Rows of other statuses are never asked
    /// about, so they need not be looked at.
    fn reads_messages_later_for(&self, status: Status) -> bool {
        let _ = status;
        false
    }
    /// The call that tells `record`'s message when its list row carries none (a
    /// failed Make run's error is only in its execution detail); `None` when the
    /// row says all there is.
    fn message_request(&self, record: &LogRecord) -> Option<ApiRequest> {
        let _ = record;
        None
    }
    /// The message in a 200 answer to [`Remote::message_request`].
    fn decode_message(&self, body: &str) -> Result<Option<String>, DecodeError> {
        let _ = body;
        Ok(None)
    }
}
