//! "Download results": every row matching the filters, from every selected source,
//! paged to the end and merged newest first, written in chunks into a Blob.
//!
//! Each source is read newest first, so a k-way merge over one page per source
//! yields the merged timeline while holding only a page per source in memory; the
//! file's bytes leave wasm memory chunk by chunk as Blob parts. Rate limits are
//! honoured (`Retry-After`, else exponential backoff); a source that fails ends the
//! export with its name, and nothing half-written is offered.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::FixedOffset;
use js_sys::{Array, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortSignal, Blob, BlobPropertyBag};

use crate::net::{self, NetError};
use logdeck_core::csv_file::{CsvWriter, FileSnapshot};
use logdeck_core::model::LogRecord;
use logdeck_core::query::{LogQuery, TimeWindow};
use logdeck_core::sources::{Source, SourceError};

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
    pub done: bool,
    /// Set while waiting out a rate limit.
    pub waiting: Option<String>,
}

/// Rows written to the file between two Blob parts.
const CHUNK_ROWS: usize = 2_000;
/// Attempts per page before a rate limit or server error ends the export.
const ATTEMPTS: u32 = 6;

/// Writes rows in the chosen format.
enum Writer {
    Csv(Box<CsvWriter>),
    Ndjson(Vec<u8>),
}

impl Writer {
    fn new(format: Format, offset: FixedOffset) -> Writer {
        match format {
            Format::Csv => Writer::Csv(Box::new(CsvWriter::new(offset))),
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
                    "raw": record.raw,
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

/// A source being drained: its current page and where the next one starts.
struct Cursor {
    source: Source,
    buffer: VecDeque<LogRecord>,
    next: Option<u64>,
}

/// What to export.
pub struct ExportRequest {
    pub sources: Vec<Source>,
    pub query: LogQuery,
    pub window: TimeWindow,
    /// The display zone the dates are written in.
    pub offset: FixedOffset,
    pub format: Format,
    /// Opened snapshots, by file name.
    pub files: Vec<(String, Vec<LogRecord>)>,
}

/// Exports every row the request's query selects over its window. `progress` is
/// updated as pages arrive; aborting `signal` cancels. Returns the finished file
/// and its row count.
pub async fn export(
    request: ExportRequest,
    progress: RwSignal<Vec<SourceProgress>>,
    signal: AbortSignal,
) -> Result<(Blob, usize), String> {
    let ExportRequest {
        sources,
        query,
        window,
        offset,
        format,
        files,
    } = request;
    let mut cursors: Vec<Cursor> = sources
        .into_iter()
        .filter(|source| source.is_selected_by(&query))
        .map(|source| {
            let next = source.remote().map(|remote| remote.first_position());
            Cursor {
                source,
                buffer: VecDeque::new(),
                next,
            }
        })
        .collect();
    // Opened files are drained like the other sources, from memory.
    for cursor in cursors.iter_mut() {
        if let Source::File(FileSnapshot { name }) = &cursor.source {
            if let Some((_, records)) = files.iter().find(|(file, _)| file == name) {
                cursor.buffer = cursor.source.file_rows(records, window).into();
            }
        }
    }
    progress.set(
        cursors
            .iter()
            .map(|c| SourceProgress {
                label: c.source.label(),
                fetched: c.buffer.len(),
                done: c.next.is_none(),
                waiting: None,
            })
            .collect(),
    );

    let parts = Array::new();
    let mut writer = Writer::new(format, offset);
    let mut written = 0usize;
    loop {
        for (index, cursor) in cursors.iter_mut().enumerate() {
            refill(cursor, index, &query, window, progress, &signal).await?;
        }
        let newest = cursors
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.buffer.front().map(|r| (i, r.timestamp)))
            .max_by_key(|(_, timestamp)| *timestamp);
        let Some((index, _)) = newest else { break };
        let Some(record) = cursors[index].buffer.pop_front() else {
            break;
        };
        if query.matches(&record) {
            writer.write(&record);
            written += 1;
            if written % CHUNK_ROWS == 0 {
                parts.push(&Uint8Array::from(writer.chunk().as_slice()));
            }
        }
    }
    parts.push(&Uint8Array::from(writer.chunk().as_slice()));
    let options = BlobPropertyBag::new();
    options.set_type(format.mime());
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)
        .map_err(|_| "The browser could not assemble the file.".to_owned())?;
    Ok((blob, written))
}

/// Fetches pages until the cursor has a row or its source is exhausted.
async fn refill(
    cursor: &mut Cursor,
    index: usize,
    query: &LogQuery,
    window: TimeWindow,
    progress: RwSignal<Vec<SourceProgress>>,
    signal: &AbortSignal,
) -> Result<(), String> {
    while cursor.buffer.is_empty() {
        let Some(position) = cursor.next else {
            return Ok(());
        };
        let page = fetch_page(
            &cursor.source,
            query,
            window,
            position,
            index,
            progress,
            signal,
        )
        .await?;
        cursor.next = page.next;
        let count = page.records.len();
        cursor.buffer.extend(page.records);
        progress.update(|all| {
            if let Some(entry) = all.get_mut(index) {
                entry.fetched += count;
                entry.done = cursor.next.is_none();
                entry.waiting = None;
            }
        });
    }
    Ok(())
}

/// One page, retrying rate limits and server errors with backoff.
async fn fetch_page(
    source: &Source,
    query: &LogQuery,
    window: TimeWindow,
    position: u64,
    index: usize,
    progress: RwSignal<Vec<SourceProgress>>,
    signal: &AbortSignal,
) -> Result<logdeck_core::adapters::Page, String> {
    let label = source.label();
    let request = source
        .request(query, window, position)
        .map_err(|e| format!("{label}: {e}"))?;
    let mut delay = Duration::from_secs(1);
    for attempt in 1..=ATTEMPTS {
        let answer = net::get(&request, Some(signal))
            .await
            .map_err(|error| match error {
                NetError::Aborted => "Export cancelled.".to_owned(),
                other => format!("{label}: {other}"),
            })?;
        let retryable = answer.status == 429 || answer.status >= 500;
        if !retryable || attempt == ATTEMPTS {
            return source
                .decode(answer.status, &answer.body, query, window, position)
                .map_err(|error: SourceError| format!("{label}: {error}"));
        }
        let wait = answer.retry_after.map_or(delay, |seconds| {
            Duration::from_secs(u64::from(seconds).min(120))
        });
        progress.update(|all| {
            if let Some(entry) = all.get_mut(index) {
                entry.waiting = Some(format!(
                    "answered {}; retrying in {} s",
                    answer.status,
                    wait.as_secs()
                ));
            }
        });
        sleep(wait, signal).await?;
        delay = (delay * 2).min(Duration::from_secs(30));
    }
    Err(format!("{label}: gave up after {ATTEMPTS} attempts"))
}

/// Waits, or fails as soon as the export is cancelled.
async fn sleep(duration: Duration, signal: &AbortSignal) -> Result<(), String> {
    let millis = duration.as_millis().min(i32::MAX as u128) as i32;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, millis);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    if signal.aborted() {
        Err("Export cancelled.".to_owned())
    } else {
        Ok(())
    }
}

/// Offers `blob` as a download named `name` (file saving, apart from the content).
pub fn save(blob: &Blob, name: &str) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob)
        .map_err(|_| "The browser refused the download.".to_owned())?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor = document
        .create_element("a")
        .ok()
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or("cannot create a link")?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
