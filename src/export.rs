//! "Download results": every row matching the filters, from every selected source,
//! paged to the end and merged newest first, written in chunks into a Blob.
//!
//! Each source is read newest first, so a k-way merge over one page per source
//! yields the merged timeline while holding only a page per source in memory; the
//! file's bytes leave wasm memory chunk by chunk as Blob parts. Rate limits are
//! honoured (`Retry-After`, else exponential backoff); a source that fails (after
//! the retries its lane allows) is named, the others are read to the end, and
//! the page asks before saving a file without its rows.

use std::collections::{HashMap, HashSet};

use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, Blob, BlobPropertyBag};

use crate::net::schedule::scheduled_get;
use crate::net::NetError;
use logdeck_core::adapters::ServerApplied;
use logdeck_core::csv_file::{CsvWriter, FileSnapshot};
use logdeck_core::export_note::{ExportCounts, FailedSource};
use logdeck_core::merge::NewestFirst;
use logdeck_core::messages::{MessageBook, IN_FLIGHT};
use logdeck_core::model::{LogRecord, SharedRecord};
use logdeck_core::query::{LogQuery, TimeWindow};
use logdeck_core::scheduler::Priority;
use logdeck_core::sources::{Source, SourceError};
use logdeck_core::zone::ZoneRules;

/// What the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The API-logs columns, for spreadsheets.
    Csv,
    /// One JSON object per line with the vendor's raw object, for scripts.
    Ndjson,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
        }
    }

    fn mime(self) -> &'static str {
        match self {
            Format::Csv => "text/csv;charset=utf-8",
            Format::Ndjson => "application/x-ndjson",
        }
    }
}

/// One source's progress, shown while exporting.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceProgress {
    pub label: String,
    pub fetched: usize,
    /// Rows the vendor sent that could not be read (not in the file).
    pub skipped: usize,
    pub done: bool,
    /// It failed: the file lacks its rows.
    pub failed: bool,
    /// The scheduler lane its calls queue in, for the rate-limit countdown.
    pub lane: Option<String>,
    /// Messages read by a call per row (asked for with the export).
    pub messages_read: usize,
}

impl SourceProgress {
    /// The line of `source` before its first page (`done` when it has none to
    /// read: an opened file without rows in the period).
    fn starting(source: &Source, done: bool) -> SourceProgress {
        SourceProgress {
            label: source.label(),
            fetched: 0,
            skipped: 0,
            done,
            failed: false,
            lane: source.lane().map(|(lane, _)| lane),
            messages_read: 0,
        }
    }
}

/// Rows written to the file between two Blob parts.
const CHUNK_ROWS: usize = 2_000;

/// Writes rows in the chosen format.
enum Writer {
    Csv(Box<CsvWriter>),
    Ndjson(Vec<u8>),
}

impl Writer {
    fn new(format: Format, zone: ZoneRules) -> Writer {
        match format {
            Format::Csv => Writer::Csv(Box::new(CsvWriter::new(
                zone,
                crate::state::prefs::csv_bom(),
            ))),
            Format::Ndjson => Writer::Ndjson(Vec::new()),
        }
    }

    fn write(&mut self, record: &LogRecord) {
        match self {
            Writer::Csv(csv) => csv.write(record),
            Writer::Ndjson(buffer) => {
                let line = serde_json::json!({
                    "source": record.source,
                    "collectionType": record.kind.key(),
                    "id": record.id,
                    "timestamp": record.timestamp.to_rfc3339(),
                    "raw": record.raw.parse(),
                });
                buffer.extend_from_slice(line.to_string().as_bytes());
                buffer.push(b'\n');
            }
        }
    }

    fn chunk(&mut self) -> Vec<u8> {
        match self {
            Writer::Csv(csv) => csv.chunk(),
            Writer::Ndjson(buffer) => std::mem::take(buffer),
        }
    }
}

/// Why an export ended without a file. Rendered by the export panel.
#[derive(Debug, Clone, PartialEq)]
pub enum ExportError {
    /// The person pressed Cancel.
    Cancelled,
    /// A source failed after the retries the backoff allows.
    Source { label: String, error: SourceError },
    /// The browser refused a step (assembling or offering the file).
    Browser(&'static str),
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Cancelled => f.write_str("Export cancelled."),
            ExportError::Source { label, error } => write!(f, "{label}: {error}"),
            ExportError::Browser(what) => f.write_str(what),
        }
    }
}

/// What to export.
pub struct ExportRequest {
    pub sources: Vec<Source>,
    pub query: LogQuery,
    pub window: TimeWindow,
    /// The display zone the dates are written in.
    pub zone: ZoneRules,
    pub format: Format,
    /// Opened snapshots, by file name.
    pub files: Vec<(String, std::sync::Arc<[SharedRecord]>)>,
    /// Whether to read the messages not read yet of the rows it writes (or
    /// searches), a call per row through the source's budget.
    pub read_messages: bool,
}

/// A finished export.
pub struct Exported {
    /// The file.
    pub blob: Blob,
    /// What it holds and lacks, for the page to say.
    pub counts: ExportCounts,
    /// Sources (or vendor searches) that failed: the file lacks their rows.
    pub failed: Vec<FailedSource>,
    /// The first message call that failed, when it read them ("source: why").
    pub message_failure: Option<String>,
}

/// Exports every row the request's query selects over its window. `progress` is
/// updated as pages arrive; aborting `signal` cancels.
///
/// `messages` holds the messages read one row at a time in this tab (Make's
/// failed runs): the file carries every one, without a call per row; those
/// the export reads join them, also when it is cancelled.
pub async fn export(
    request: ExportRequest,
    messages: &mut MessageBook,
    progress: RwSignal<Vec<SourceProgress>>,
    signal: AbortSignal,
) -> Result<Exported, ExportError> {
    let ExportRequest {
        sources,
        query,
        window,
        zone,
        format,
        files,
        read_messages,
    } = request;
    let sources: Vec<Source> = sources
        .into_iter()
        .filter(|source| source.is_selected_by(&query))
        .collect();
    let mut merge = merge_of(&sources, &files, window);
    let server: std::collections::HashMap<String, _> = sources
        .iter()
        .map(|source| (source.id(), source.server_applied(&query)))
        .collect();
    // Servers' own searches are read first, each with a progress line after
    // the sources'.
    let searches: Vec<Source> = sources
        .iter()
        .filter_map(|source| source.server_search(&query))
        .collect();
    progress.set(starting_lines(&sources, &searches, &merge));

    let searched = ServerSearches {
        searches: &searches,
        progress,
        first_line: sources.len(),
    };
    let mut failed: Vec<FailedSource> = Vec::new();
    let found = searched.read(&query, window, &signal, &mut failed).await?;
    let readers = MessageReaders::of(&sources);
    let parts = Array::new();
    let mut writer = Writer::new(format, zone);
    let mut counts = ExportCounts {
        messages_read: read_messages,
        ..ExportCounts::default()
    };
    let mut reading = read_messages.then(|| MessageReading {
        query: &query,
        server: &server,
        signal: &signal,
        progress,
        ended: HashSet::new(),
        first_failure: None,
    });
    // Each source's oldest row read, newest first: how far back the file
    // holds one that fails.
    let mut oldest: HashMap<usize, chrono::DateTime<chrono::Utc>> = HashMap::new();
    let searching = query.is_searching();
    loop {
        if let Some((index, position)) = merge.wanting() {
            let fetched = fetch_page(&sources[index], &query, window, position, &signal).await;
            let read_back_to = oldest.get(&index).copied();
            let Some(mut page) = read_on(fetched, read_back_to, false, &mut failed)? else {
                merge.end_lane(index);
                mark_failed(progress, index);
                continue;
            };
            messages.fill(&mut page.records);
            if let Some(reading) = &mut reading {
                let page = &mut page.records;
                reading.read(&sources[index], index, page, messages).await?;
            }
            if let Some(page_oldest) = page.records.iter().map(|r| r.timestamp).min() {
                let held = oldest.entry(index).or_insert(page_oldest);
                *held = (*held).min(page_oldest);
            }
            let (count, skipped) = (page.records.len(), page.unreadable.len());
            merge.fill(index, page);
            progress.update(|all| {
                if let Some(entry) = all.get_mut(index) {
                    (entry.fetched, entry.skipped) =
                        (entry.fetched + count, entry.skipped + skipped);
                    entry.done = merge.is_exhausted(index);
                }
            });
            continue;
        }
        let Some(record) = merge.pop() else { break };
        let skip = server.get(&record.source).copied().unwrap_or_default();
        let found_by_server = || {
            found
                .get(&record.source)
                .is_some_and(|ids| ids.contains(&record.id))
        };
        if query.matches_except(&record, skip)
            || (found_by_server() && query.matches_server_find(&record, skip))
        {
            writer.write(&record);
            counts.rows += 1;
            if readers.lack(messages, &record) {
                counts.without_message += 1;
            }
            if counts.rows % CHUNK_ROWS == 0 {
                parts.push(&Uint8Array::from(writer.chunk().as_slice()));
            }
        } else if searching
            && readers.lack(messages, &record)
            && query.matches_except(&record, ServerApplied { text: true, ..skip })
        {
            counts.unsearched += 1;
        }
    }
    parts.push(&Uint8Array::from(writer.chunk().as_slice()));
    let options = BlobPropertyBag::new();
    options.set_type(format.mime());
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| ExportError::Browser("The browser could not assemble the file."))?;
    let message_failure = reading.and_then(|reading| reading.first_failure);
    Ok(Exported {
        blob,
        counts,
        failed,
        message_failure,
    })
}

/// The progress lines at the start: the sources' (an opened file without
/// rows is done already), then the servers' own searches'.
fn starting_lines(
    sources: &[Source],
    searches: &[Source],
    merge: &NewestFirst,
) -> Vec<SourceProgress> {
    let lines = sources
        .iter()
        .enumerate()
        .map(|(index, source)| SourceProgress::starting(source, merge.is_exhausted(index)));
    lines
        .chain(
            searches
                .iter()
                .map(|search| SourceProgress::starting(search, false)),
        )
        .collect()
}

/// A page, or `None` when its source failed (noted in `failed` with the
/// oldest of its rows read, so the export reads on without it); cancelling
/// and the browser's refusals end it.
fn read_on<T>(
    fetched: Result<T, ExportError>,
    read_back_to: Option<chrono::DateTime<chrono::Utc>>,
    search: bool,
    failed: &mut Vec<FailedSource>,
) -> Result<Option<T>, ExportError> {
    match fetched {
        Ok(page) => Ok(Some(page)),
        Err(ExportError::Source { label, error }) => {
            failed.push(FailedSource {
                label,
                error: error.to_string(),
                read_back_to,
                search,
            });
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// Marks progress line `line` failed (and done).
fn mark_failed(progress: RwSignal<Vec<SourceProgress>>, line: usize) {
    progress.update(|all| {
        if let Some(entry) = all.get_mut(line) {
            entry.done = true;
            entry.failed = true;
        }
    });
}

/// The newest-first merge of the sources' pages; opened files are drained
/// like the other sources, from memory.
fn merge_of(
    sources: &[Source],
    files: &[(String, std::sync::Arc<[SharedRecord]>)],
    window: TimeWindow,
) -> NewestFirst {
    NewestFirst::new(sources.iter().map(|source| match source {
        Source::File(FileSnapshot { name }) => {
            let rows = files
                .iter()
                .find(|(file, _)| file == name)
                .map(|(_, records)| source.file_rows(records, window))
                .unwrap_or_default();
            (rows, None)
        }
        remote => (Vec::new(), Some(remote.first_position())),
    }))
}

/// Servers' own searches for the text (Dify's keyword, over fields the rows
/// lack), with their progress lines from `first_line` on.
struct ServerSearches<'a> {
    searches: &'a [Source],
    progress: RwSignal<Vec<SourceProgress>>,
    first_line: usize,
}

impl ServerSearches<'_> {
    /// The ids of the rows the searches find, by source: read whole first,
    /// since those rows match whatever their shown fields hold, as in the view.
    /// A search that fails is noted in `failed`; what it found stays.
    async fn read(
        &self,
        query: &LogQuery,
        window: TimeWindow,
        signal: &AbortSignal,
        failed: &mut Vec<FailedSource>,
    ) -> Result<HashMap<String, HashSet<String>>, ExportError> {
        let mut found: HashMap<String, HashSet<String>> = HashMap::new();
        for (line, search) in (self.first_line..).zip(self.searches) {
            let ids = found.entry(search.id()).or_default();
            let mut position = Some(search.first_position());
            let mut read_back_to = None;
            while let Some(at) = position {
                let fetched = fetch_page(search, query, window, at, signal).await;
                let Some(page) = read_on(fetched, read_back_to, true, failed)? else {
                    mark_failed(self.progress, line);
                    break;
                };
                position = page.next;
                // Rows it could not read are its source's too: that source's
                // line counts them.
                let count = page.records.len();
                let page_oldest = page.records.iter().map(|r| r.timestamp).min();
                read_back_to = read_back_to.into_iter().chain(page_oldest).min();
                ids.extend(page.records.into_iter().map(|record| record.id));
                self.progress.update(|all| {
                    if let Some(entry) = all.get_mut(line) {
                        entry.fetched += count;
                        entry.done = position.is_none();
                    }
                });
            }
        }
        Ok(found)
    }
}

/// The sources that tell some rows' messages by a call per row, by id.
struct MessageReaders<'a>(HashMap<String, &'a Source>);

impl<'a> MessageReaders<'a> {
    fn of(sources: &'a [Source]) -> Self {
        let readers = sources
            .iter()
            .filter(|source| source.reads_messages_later());
        MessageReaders(readers.map(|source| (source.id(), source)).collect())
    }

    /// Whether `record` is written without the message such a call tells.
    fn lack(&self, messages: &MessageBook, record: &LogRecord) -> bool {
        let source = self.0.get(&record.source);
        source.is_some_and(|source| messages.lacks(source, record))
    }
}

/// Reads the messages a source tells by a call per row (Make's failed
/// runs), for the rows of a page the export may write: those the filters
/// other than the text keep (the text may be in the message).
struct MessageReading<'a> {
    query: &'a LogQuery,
    /// What each source's server applied, so not checked again.
    server: &'a HashMap<String, ServerApplied>,
    signal: &'a AbortSignal,
    progress: RwSignal<Vec<SourceProgress>>,
    /// Sources whose calls failed in a way the next would too (a refused
    /// key, no answer): not asked again, their rows counted as without.
    ended: HashSet<String>,
    /// The first call that failed, said with the file ("source: why").
    first_failure: Option<String>,
}

impl MessageReading<'_> {
    /// Reads them a few at a time through the source's lane (its budget and
    /// retries), fills them into `records` and keeps them in `messages`; a
    /// call that fails leaves its row without one (the note counts it).
    /// `line` is the source's progress line, which counts them.
    async fn read(
        &mut self,
        source: &Source,
        line: usize,
        records: &mut [LogRecord],
        messages: &mut MessageBook,
    ) -> Result<(), ExportError> {
        let skip = self.server.get(&source.id()).copied().unwrap_or_default();
        let wanted = ServerApplied { text: true, ..skip };
        let asks: Vec<(String, logdeck_core::http::ApiRequest)> = records
            .iter()
            .filter(|record| {
                messages.lacks(source, record)
                    && !messages.has_failed(&record.key())
                    && self.query.matches_except(record, wanted)
            })
            .filter_map(|record| Some((record.key(), source.message_request(record)?)))
            .collect();
        let lane = source.lane();
        for batch in asks.chunks(IN_FLIGHT) {
            if self.ended.contains(&source.id()) {
                break;
            }
            let answers = futures::future::join_all(batch.iter().map(|(_, request)| {
                let signal = Some(self.signal);
                scheduled_get(lane.as_ref(), Priority::Background, request, signal)
            }))
            .await;
            for ((key, _), answer) in batch.iter().zip(answers) {
                let message = match answer {
                    Err(NetError::Aborted) => return Err(ExportError::Cancelled),
                    Err(NetError::Unreachable(detail)) => Err(SourceError::Unreachable(detail)),
                    Ok(answer) => source.decode_message(&answer),
                };
                if let Err(error) = &message {
                    self.note_failure(source, error);
                }
                let read = usize::from(message.is_ok());
                messages.answered(key, message.map_err(|_| ()));
                // Counted as they come: a budget of 60 calls a minute reads
                // a page's messages for minutes.
                self.progress.update(|all| {
                    if let Some(entry) = all.get_mut(line) {
                        entry.messages_read += read;
                    }
                });
            }
        }
        messages.fill(records);
        Ok(())
    }

    fn note_failure(&mut self, source: &Source, error: &SourceError) {
        if self.first_failure.is_none() {
            self.first_failure = Some(format!("{}: {error}", source.label()));
        }
        if error.ends_the_source() {
            self.ended.insert(source.id());
        }
    }
}

/// One page, through the source's lane: the scheduler keeps to its budget and
/// retries rate limits and server errors by itself.
async fn fetch_page(
    source: &Source,
    query: &LogQuery,
    window: TimeWindow,
    position: u64,
    signal: &AbortSignal,
) -> Result<logdeck_core::adapters::Page, ExportError> {
    let failed = |error: SourceError| ExportError::Source {
        label: source.label(),
        error,
    };
    let request = source.request(query, window, position).map_err(failed)?;
    let answer = scheduled_get(
        source.lane().as_ref(),
        Priority::Background,
        &request,
        Some(signal),
    )
    .await
    .map_err(|error| match error {
        NetError::Aborted => ExportError::Cancelled,
        NetError::Unreachable(detail) => failed(SourceError::Unreachable(detail)),
    })?;
    source
        .decode(&answer, query, window, position)
        .map_err(failed)
}

/// Offers `blob` as a download named `name` (file saving, apart from the content).
pub fn save(blob: &Blob, name: &str) -> Result<(), ExportError> {
    let refused = ExportError::Browser("The browser refused the download.");
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|_| refused.clone())?;
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|document| document.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or(refused)?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
