//! The merged timeline: every loaded record of every source, and the filtered,
//! sorted view of it the table shows.

use std::cmp::Ordering;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::adapters::ServerApplied;
use super::columns::Column;
use super::filter_options::{RowValueCounts, RowValues};
use super::frontier::Frontier;
use super::model::{CollectionType, LogRecord, SharedRecord};
use super::query::{LogQuery, Sort, TimeWindow};
use super::row_numbers::{number_of, NumberOf, RowNumbers};
use super::row_sort;
use super::search_terms::SearchTerms;
use super::search_texts::{Needle, SearchTexts};
use super::status::Status;
use super::text_ids::{text_of, TextIds};

/// Records with what filtering needs prepared once per row, so a keystroke costs a
/// scan of prepared text, not a re-lowercasing of 100 000 records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timeline {
    records: Vec<SharedRecord>,
    /// Each row's own search text ([`own_search_text`]), in blocks in row
    /// order: a search reads them as they lie.
    search_texts: SearchTexts,
    /// Where each record is, by its `source:id`, so a row that arrives twice
    /// (offsets shift while new logs arrive) is kept once, and a newer reading of
    /// it (live mode) replaces it in place.
    keys: KeyIndex,
    /// Each row's time, status and source, side by side: the usual filters
    /// (period, status) read these few bytes per row instead of following a
    /// pointer to each record.
    row_keys: Vec<RowKey>,
    /// The sources with rows here, numbered for [`RowKey::source`]: which
    /// sources are loaded, and whether any row is live, cost a look at a few
    /// sources instead of a scan of every row.
    sources: Vec<String>,
    source_numbers: HashMap<String, u32>,
    /// Every row in the last sorts' orders: a filter change then keeps the rows
    /// it selects in that order, with no sort (sorting a subset of a sorted
    /// list leaves it sorted, ties in load order included).
    sorted: SortedOnce,
    /// The distinct values the filter bar offers, counted as rows come and go.
    values: RowValueCounts,
    /// Each row's texts as numbers, for the sorts by a text column, and
    /// each number's text for the search.
    text_ids: TextIds,
    /// Each row's numbers side by side, for the sorts by a number column.
    numbers: RowNumbers,
    /// The keys (`source:id`) of rows a server's own search found for the
    /// current text ([`crate::sources::Source::server_search`]): they match
    /// the search whatever their shown fields hold. Kept by key, so dropping
    /// a source's rows leaves them true, and a find may come before its row
    /// (live mode holds new rows while the reader is away).
    server_matches: HashSet<String>,
    /// Whether each row is among [`Timeline::server_matches`], side by side:
    /// the search reads a flag per row, however many rows were found.
    server_found: Vec<bool>,
}

/// What the usual filters, the sort's ties and the chart read of a row.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RowKey {
    /// Its time in Unix microseconds: compared and bucketed as a plain number,
    /// with no date arithmetic per row. Vendors write milliseconds at the
    /// finest; the period's edge ([`Frontier::covers_micros`]), the sort by
    /// time and every sort's ties, and the chart all read times to this
    /// microsecond (rows closer than that tie, and keep their load order).
    at: i64,
    status: Status,
    /// Its place in [`Timeline::sources`].
    source: u32,
}

/// The rows a query keeps, one flag per loaded row in load order
/// ([`Timeline::select`]): equal for two queries that differ only in their
/// sort, so what counts rows is not redone when only the order changes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowSet {
    kept: Vec<bool>,
}

impl RowSet {
    /// Whether the row at `index` is kept; rows loaded after the set was
    /// made are not.
    pub fn contains(&self, index: usize) -> bool {
        self.kept.get(index).copied().unwrap_or(false)
    }

    /// The kept rows' indices, in load order.
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        self.kept
            .iter()
            .enumerate()
            .filter_map(|(index, kept)| kept.then_some(index))
    }
}

/// The loaded rows of a period a query keeps, counted for the count line
/// ([`Timeline::period_counts`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PeriodCounts {
    /// Those of sources loaded whole.
    pub from_whole_sources: usize,
    /// Those older than the completeness frontier (of any source).
    pub older: usize,
}

/// The order of all rows for the last two [`Sort`]s, each computed when a view
/// first needs it, merged with the rows a page adds and forgotten when rows
/// change or go. Two, so turning a column's order round and back (the usual
/// second click) sorts nothing the second time. Rows newest first are kept
/// beside them: every other sort breaks its ties by that order.
#[derive(Debug, Default)]
struct SortedOnce(std::sync::Mutex<Vec<(Sort, Vec<usize>)>>);

/// How many sorts' orders are kept besides rows newest first.
const KEPT_SORTS: usize = 2;

/// The default order, and every other sort's order of ties.
const NEWEST_FIRST: Sort = Sort {
    column: Column::Time,
    descending: true,
};

impl SortedOnce {
    /// Reads `sort`'s order unless kept, computed by `by_time` (descending or
    /// not) for the time column, else by `by_column` given the rows newest
    /// first (its order of ties, kept too).
    fn with<T>(
        &self,
        sort: Sort,
        by_time: impl Fn(bool) -> Vec<usize>,
        by_column: impl Fn(Sort, &[usize]) -> Vec<usize>,
        read: impl FnOnce(&[usize]) -> T,
    ) -> T {
        let mut kept = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match kept.iter().position(|(kept, _)| *kept == sort) {
            Some(place) => {
                let entry = kept.remove(place);
                kept.insert(0, entry);
            }
            None => {
                let order = if sort.column == Column::Time {
                    by_time(sort.descending)
                } else {
                    let newest_first = match kept.iter().position(|(kept, _)| *kept == NEWEST_FIRST)
                    {
                        Some(place) => place,
                        None => {
                            kept.push((NEWEST_FIRST, by_time(NEWEST_FIRST.descending)));
                            kept.len() - 1
                        }
                    };
                    by_column(sort, &kept[newest_first].1)
                };
                kept.insert(0, (sort, order));
                let mut others = 0;
                kept.retain(|(kept, _)| {
                    *kept == NEWEST_FIRST || {
                        others += 1;
                        others <= KEPT_SORTS
                    }
                });
            }
        }
        read(kept.first().map_or(&[], |(_, order)| order.as_slice()))
    }

    /// The sorts whose orders are kept.
    fn sorts(&mut self) -> Vec<Sort> {
        self.0
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|(sort, _)| *sort)
            .collect()
    }

    /// `sort`'s kept order with the rows `added` (indices after every kept
    /// one) merged in by `order`, a total order; nothing when it is not kept.
    fn merge(&mut self, sort: Sort, added: &mut [usize], order: impl Fn(usize, usize) -> Ordering) {
        let kept = self
            .0
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some((_, kept)) = kept.iter_mut().find(|(kept, _)| *kept == sort) else {
            return;
        };
        added.sort_unstable_by(|&a, &b| order(a, b));
        // Each added row's place found by bisection: a page costs its rows'
        // comparisons, not one per row loaded.
        let mut merged = Vec::with_capacity(kept.len() + added.len());
        let mut rest = kept.as_slice();
        for &row in added.iter() {
            let place = rest.partition_point(|&before| order(before, row) == Ordering::Less);
            merged.extend_from_slice(&rest[..place]);
            merged.push(row);
            rest = &rest[place..];
        }
        merged.extend_from_slice(rest);
        *kept = merged;
    }

    fn forget(&mut self) {
        self.0
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clear();
    }
}

/// A cache: copies start without it, and it never makes two timelines differ.
impl Clone for SortedOnce {
    fn clone(&self) -> Self {
        SortedOnce::default()
    }
}

impl PartialEq for SortedOnce {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Record positions by [`LogRecord::key`], holding a hash per row rather than a
/// copy of its key; the rare key whose hash another key already took is kept
/// whole.
#[derive(Debug, Clone, Default, PartialEq)]
struct KeyIndex {
    by_hash: HashMap<u64, usize>,
    colliding: HashMap<String, usize>,
}

impl KeyIndex {
    fn hash(key: &str) -> u64 {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        BuildHasherDefault::<DefaultHasher>::default().hash_one(key)
    }

    fn get(&self, key: &str, records: &[SharedRecord]) -> Option<usize> {
        match self.by_hash.get(&Self::hash(key)) {
            Some(&index) if records.get(index).is_some_and(|r| r.has_key(key)) => Some(index),
            _ => self.colliding.get(key).copied(),
        }
    }

    /// Records `key` at `index` unless it is there already; `false` when it was.
    fn insert(&mut self, key: &str, index: usize, records: &[SharedRecord]) -> bool {
        match self.by_hash.entry(Self::hash(key)) {
            Entry::Vacant(slot) => {
                slot.insert(index);
                true
            }
            Entry::Occupied(taken) => {
                if records.get(*taken.get()).is_some_and(|r| r.has_key(key)) {
                    return false;
                }
                match self.colliding.entry(key.to_owned()) {
                    Entry::Vacant(slot) => {
                        slot.insert(index);
                        true
                    }
                    Entry::Occupied(_) => false,
                }
            }
        }
    }

    fn of(records: &[SharedRecord]) -> KeyIndex {
        let mut index = KeyIndex::default();
        for (position, record) in records.iter().enumerate() {
            index.insert(&record.key(), position, records);
        }
        index
    }
}

impl Timeline {
    pub fn new(records: Vec<LogRecord>) -> Timeline {
        let mut timeline = Timeline::default();
        timeline.extend(records);
        timeline
    }

    /// Appends a page; rows already loaded keep their positions, and a row already
    /// loaded (same source and id) is not added again. Returns how many were added.
    pub fn extend(&mut self, records: impl IntoIterator<Item = LogRecord>) -> usize {
        self.extend_shared(records.into_iter().map(SharedRecord::new))
    }

    /// [`Timeline::extend`] with rows held elsewhere too (an opened file's), so
    /// they are kept once in memory.
    pub fn extend_shared(&mut self, records: impl IntoIterator<Item = SharedRecord>) -> usize {
        let before = self.records.len();
        for record in records {
            let key = record.key();
            if self.keys.insert(&key, self.records.len(), &self.records) {
                self.server_found
                    .push(!self.server_matches.is_empty() && self.server_matches.contains(&key));
                let source = self.source_number(&record.source);
                self.row_keys.push(RowKey {
                    at: record.timestamp.timestamp_micros(),
                    status: record.status,
                    source,
                });
                self.search_texts.push(&own_search_text(&record));
                self.values.add(&record);
                self.numbers.push(&record);
                self.records.push(record);
                self.text_ids.push_last(&self.records);
            }
        }
        let mut added: Vec<usize> = (before..self.records.len()).collect();
        if !added.is_empty() {
            let mut sorted = std::mem::take(&mut self.sorted);
            for sort in sorted.sorts() {
                sorted.merge(sort, &mut added, |a, b| self.order(sort, a, b));
            }
            self.sorted = sorted;
        }
        self.records.len() - before
    }

    /// The view's order of rows `a` and `b` under `sort`, total: the column's
    /// value, then time (newest first, or oldest first when Time sorts
    /// ascending), then load order. Rows without a message go last whichever
    /// way Message sorts: first, they would stay on screen and have every
    /// failed run read. Rows without the number sorted by go last too, as in
    /// Grafana's and Datadog's tables. Times are compared to the microsecond,
    /// as the period and the chart read them ([`RowKey::at`]).
    /// [`Timeline::by_time`] gives the same order for all rows at once.
    fn order(&self, sort: Sort, a: usize, b: usize) -> Ordering {
        let (Some(first), Some(second)) = (self.records.get(a), self.records.get(b)) else {
            return a.cmp(&b);
        };
        let at = |index: usize| self.row_keys.get(index).map_or(0, |key| key.at);
        let last = |record: &LogRecord| match number_of(sort.column) {
            Some(number) if sort.column.is_numeric() => number(record).is_none(),
            _ => sort.column == Column::Message && record.message.is_none(),
        };
        let by_column = match (sort.column, number_of(sort.column)) {
            // Time is compared next, in the sort's direction.
            (Column::Time, _) => Ordering::Equal,
            (_, Some(number)) => number(first).cmp(&number(second)),
            (_, None) => text_of(first, sort.column).cmp(&text_of(second, sort.column)),
        };
        let by_column = if sort.descending {
            by_column.reverse()
        } else {
            by_column
        };
        let by_time = if sort.column == Column::Time && !sort.descending {
            at(a).cmp(&at(b))
        } else {
            at(b).cmp(&at(a))
        };
        last(first)
            .cmp(&last(second))
            .then(by_column)
            .then(by_time)
            .then(a.cmp(&b))
    }

    /// The loaded record with this [`LogRecord::key`].
    pub fn get(&self, key: &str) -> Option<&LogRecord> {
        self.keys
            .get(key, &self.records)
            .and_then(|index| self.records.get(index))
            .map(|record| &**record)
    }

    /// Where the record with this [`LogRecord::key`] is in [`Self::records`]:
    /// a view's rows are such indices.
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.keys.get(key, &self.records)
    }

    /// Whether a record with this [`LogRecord::key`] is loaded.
    pub fn contains_key(&self, key: &str) -> bool {
        self.keys.get(key, &self.records).is_some()
    }

    /// Whether `record` is a changed reading of a loaded row, so a caller can
    /// leave the timeline untouched (and its readers asleep) when nothing changed.
    pub fn is_changed_reading(&self, record: &LogRecord) -> bool {
        self.keys
            .get(&record.key(), &self.records)
            .is_some_and(|index| *self.records[index] != *record)
    }

    /// Replaces the loaded rows that `records` are newer readings of, in place
    /// (a run that was running has finished), and returns the records that are
    /// not loaded yet, for the caller to show or hold.
    pub fn update_known(&mut self, records: Vec<LogRecord>) -> Vec<LogRecord> {
        let mut unknown = Vec::new();
        for record in records {
            match self.keys.get(&record.key(), &self.records) {
                Some(index) => {
                    if *self.records[index] != record {
                        self.sorted.forget();
                        self.row_keys[index].at = record.timestamp.timestamp_micros();
                        self.row_keys[index].status = record.status;
                        self.search_texts.set(index, &own_search_text(&record));
                        self.values.remove(&self.records[index]);
                        self.values.add(&record);
                        self.numbers.set(index, &record);
                        let previous =
                            std::mem::replace(&mut self.records[index], SharedRecord::new(record));
                        self.text_ids.renumber(&self.records, index, &previous);
                    }
                }
                None => unknown.push(record),
            }
        }
        unknown
    }

    /// Keeps only the rows of the sources `keep` accepts (by record source id), so a
    /// source whose request changed can be reloaded while the others stay.
    pub fn retain_sources(&mut self, keep: impl Fn(&str) -> bool) {
        let records = &self.records;
        self.search_texts
            .retain(|row| records.get(row).is_some_and(|record| keep(&record.source)));
        self.records.retain(|record| keep(&record.source));
        self.keys = KeyIndex::of(&self.records);
        self.values = RowValueCounts::default();
        for record in &self.records {
            self.values.add(record);
        }
        self.sorted.forget();
        // Rare (a source reloads): the sources are numbered again.
        self.sources.clear();
        self.source_numbers.clear();
        let records = std::mem::take(&mut self.records);
        self.row_keys = records
            .iter()
            .map(|record| RowKey {
                at: record.timestamp.timestamp_micros(),
                status: record.status,
                source: self.source_number(&record.source),
            })
            .collect();
        self.text_ids = TextIds::of(&records);
        self.numbers = RowNumbers::of(records.iter().map(|record| &**record));
        self.records = records;
        self.server_found = vec![false; self.records.len()];
        self.flag_server_matches();
    }

    /// Marks the rows of these keys as found by a server's own search for the
    /// current text (their rows come in through [`Timeline::extend`]).
    pub fn mark_server_matches(&mut self, keys: impl IntoIterator<Item = String>) {
        for key in keys {
            self.flag(&key);
            self.server_matches.insert(key);
        }
    }

    /// Whether a server's own search found the row of `key`.
    pub fn is_server_match(&self, key: &str) -> bool {
        self.server_matches.contains(key)
    }

    /// Forgets what servers' own searches found: the text changed.
    pub fn clear_server_matches(&mut self) {
        self.server_matches.clear();
        self.server_found.fill(false);
    }

    /// Sets [`Timeline::server_found`] for the loaded rows of all the finds.
    fn flag_server_matches(&mut self) {
        let keys = std::mem::take(&mut self.server_matches);
        for key in &keys {
            self.flag(key);
        }
        self.server_matches = keys;
    }

    /// Flags the row of `key`, when it is loaded, as found.
    fn flag(&mut self, key: &str) {
        if let Some(found) = self
            .keys
            .get(key, &self.records)
            .and_then(|index| self.server_found.get_mut(index))
        {
            *found = true;
        }
    }

    /// Whether any row is marked found by a server's own search.
    pub fn has_server_matches(&self) -> bool {
        !self.server_matches.is_empty()
    }

    /// `source`'s number, given on its first row.
    fn source_number(&mut self, source: &str) -> u32 {
        if let Some(&number) = self.source_numbers.get(source) {
            return number;
        }
        let number = u32::try_from(self.sources.len()).unwrap_or(u32::MAX);
        self.sources.push(source.to_owned());
        self.source_numbers.insert(source.to_owned(), number);
        number
    }

    /// The records within the complete part of the period (`frontier`, as
    /// the view shows them) whose source (id) and status `keep` accepts, in
    /// load order: decided once per source and status, so the rows it leaves
    /// out are never read (a scan for the few rows whose message is read
    /// later reads those alone).
    pub fn records_where<'a>(
        &'a self,
        frontier: &Frontier,
        keep: impl Fn(&str, Status) -> bool,
    ) -> impl Iterator<Item = &'a LogRecord> + 'a {
        let kept: Vec<[bool; Status::ALL.len()]> = self
            .sources
            .iter()
            .map(|source| Status::ALL.map(|status| keep(source, status)))
            .collect();
        let covers = frontier.covers_micros();
        self.row_keys
            .iter()
            .zip(&self.records)
            .filter(move |(key, _)| {
                covers(key.at)
                    && kept
                        .get(key.source as usize)
                        .and_then(|statuses| statuses.get(key.status as usize))
                        .copied()
                        .unwrap_or(false)
            })
            .map(|(_, record)| &**record)
    }

    /// The distinct values of the rows here, for the filter bar.
    pub fn row_values(&self) -> RowValues {
        self.values.values()
    }

    /// Whether a row of `kind` is among `rows` (indices into
    /// [`Timeline::records`]); it stops at the first.
    pub fn has_kind_among(&self, rows: &[usize], kind: CollectionType) -> bool {
        rows.iter().any(|&row| {
            self.records
                .get(row)
                .is_some_and(|record| record.kind == kind)
        })
    }

    /// Each collection type's rows whose status is not the vendor's own reading.
    pub fn status_tallies(&self) -> Vec<crate::filter_options::StatusTally> {
        self.values.status_tallies()
    }

    /// The ids of the sources with rows here.
    pub fn sources(&self) -> impl Iterator<Item = &str> {
        self.sources.iter().map(String::as_str)
    }

    /// Whether any row comes from a live source rather than an opened file:
    /// only then can a file's row be a copy of a loaded one.
    fn has_live_rows(&self) -> bool {
        self.sources()
            .any(|source| !source.starts_with(crate::model::SNAPSHOT_PREFIX))
    }

    /// Whether `record` is an opened file's copy of a row that is also loaded
    /// from its live source: the view shows that row once, as the live reading.
    fn is_copy_of_loaded(&self, record: &LogRecord) -> bool {
        record.is_snapshot() && self.contains_key(&record.id)
    }

    /// How many rows of the opened file `source` are copies of rows loaded live
    /// (and so not shown twice), for the file's status to say.
    pub fn copies_of_loaded(&self, source: &str) -> usize {
        self.copies_among(
            self.records
                .iter()
                .map(|record| &**record)
                .filter(|record| record.source == source),
        )
    }

    /// How many of `records` (an opened file's) are copies of rows loaded live.
    pub fn copies_among<'a>(&self, records: impl IntoIterator<Item = &'a LogRecord>) -> usize {
        if !self.has_live_rows() {
            return 0;
        }
        records
            .into_iter()
            .filter(|record| self.is_copy_of_loaded(record))
            .count()
    }

    pub fn records(&self) -> &[SharedRecord] {
        &self.records
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Indices of the records `query` selects within the complete part of the
    /// period (`frontier`), in its sort order: [`Timeline::select`], then
    /// [`Timeline::ordered`].
    pub fn view(
        &self,
        query: &LogQuery,
        frontier: &Frontier,
        server: &HashMap<String, ServerApplied>,
    ) -> Vec<usize> {
        self.ordered(&self.select(query, frontier, server), query.sort)
    }

    /// What the count line says of the period beyond the rows shown, from
    /// one selection over all loaded rows of `window`: the rows of the
    /// sources loaded whole (`whole_sources`, ids), which with the others'
    /// vendor counts make the period's total, and the rows older than the
    /// frontier (`back_to`), which show only on request.
    pub fn period_counts(
        &self,
        query: &LogQuery,
        window: TimeWindow,
        server: &HashMap<String, ServerApplied>,
        whole_sources: &HashSet<String>,
        back_to: Option<DateTime<Utc>>,
    ) -> PeriodCounts {
        let selected = self.select(query, &Frontier::whole(window), server);
        let back_to = back_to.map(|at| at.timestamp_micros());
        let mut counts = PeriodCounts::default();
        for record in selected
            .indices()
            .filter_map(|index| self.records.get(index))
        {
            counts.from_whole_sources += usize::from(whole_sources.contains(&record.source));
            counts.older += usize::from(
                back_to.is_some_and(|back_to| record.timestamp.timestamp_micros() <= back_to),
            );
        }
        counts
    }

    /// The records `query` keeps within the complete part of the period
    /// (`frontier`), whatever its sort: a sort alone then costs no filtering,
    /// and what counts rows (the chart) need not follow a new order. Rows of
    /// the sources in `server` skip the filters those servers applied already.
    pub fn select(
        &self,
        query: &LogQuery,
        frontier: &Frontier,
        server: &HashMap<String, ServerApplied>,
    ) -> RowSet {
        let search = query.search();
        let terms = search.as_ref().map_or(&[][..], |search| search.terms());
        let needles: Vec<Needle> = terms.iter().map(|term| Needle::new(term)).collect();
        let own_texts: Vec<_> = needles
            .iter()
            .map(|needle| self.search_texts.search(needle))
            .collect();
        // Each distinct collection, name, client and message is searched
        // once per term, when a row first needs it.
        let numbered_hits = std::cell::OnceCell::new();
        let holds_term = |index: usize, term: usize| {
            let hits = numbered_hits.get_or_init(|| {
                needles
                    .iter()
                    .map(|needle| self.text_ids.holding(needle))
                    .collect::<Vec<_>>()
            });
            hits.get(term)
                .is_some_and(|hits| self.text_ids.row_holds(hits, index))
                || own_texts
                    .get(term)
                    .is_some_and(|own| own.record_holds(index))
                || (self.server_found.get(index).copied().unwrap_or(false)
                    && self.found_for(search.as_ref(), index) == Some(term))
        };
        let covers = frontier.covers_micros();
        // Only rows loaded live can have copies in a file; with none (a file
        // opened alone) no row needs the check, which hashes a key.
        let any_live = self.has_live_rows();
        // What each source's server applied, and whether it is an opened file
        // (whose rows may copy live ones), by source number.
        let skips: Vec<ServerApplied> = self
            .sources()
            .map(|source| server.get(source).copied().unwrap_or_default())
            .collect();
        let from_file: Vec<bool> = self
            .sources()
            .map(|source| source.starts_with(crate::model::SNAPSHOT_PREFIX))
            .collect();
        // With no filter but period, status and text, no record is read: only
        // the row keys and search texts. Any other filter, also one added
        // later, reads the record.
        let beyond_row_keys = LogQuery {
            statuses: std::collections::BTreeSet::new(),
            text: String::new(),
            ..query.row_filters()
        } != LogQuery::default();
        // A table lookup per row, not a search of the set.
        let mut status_wanted = [query.statuses.is_empty(); Status::ALL.len()];
        for status in &query.statuses {
            if let Some(wanted) = status_wanted.get_mut(*status as usize) {
                *wanted = true;
            }
        }
        // Rows are tested in load order (memory order: the records of one page
        // lie together).
        let kept = self
            .row_keys
            .iter()
            .enumerate()
            .map(|(index, key)| {
                let skip = skips.get(key.source as usize).copied().unwrap_or_default();
                // The copy check hashes a key: it goes after the cheap filters.
                covers(key.at)
                    && (skip.status
                        || status_wanted
                            .get(key.status as usize)
                            .copied()
                            .unwrap_or(false))
                    && (!beyond_row_keys || query.matches_fields_except(&self.records[index], skip))
                    && (skip.text || (0..terms.len()).all(|term| holds_term(index, term)))
                    && !(any_live
                        && from_file.get(key.source as usize).copied().unwrap_or(true)
                        && self.is_copy_of_loaded(&self.records[index]))
            })
            .collect();
        RowSet { kept }
    }

    /// The term (by place) a server's own search was asked for beside the
    /// collection of the row at `index`, which it found: the row holds it.
    fn found_for(&self, search: Option<&SearchTerms>, index: usize) -> Option<usize> {
        let record = self.records.get(index)?;
        search?.server_term_beside(&record.collection)
    }

    /// The `rows` in `sort`'s order, read out of the kept order
    /// when there is one. Ties fall back to newest first (under a sort by
    /// time, straight) to load order, so the view never shuffles between
    /// renders.
    pub fn ordered(&self, rows: &RowSet, sort: Sort) -> Vec<usize> {
        let by_time = |descending| self.by_time(descending);
        let by_column = |sort, newest_first: &[usize]| self.by_column(sort, newest_first);
        self.sorted.with(sort, by_time, by_column, |order| {
            order
                .iter()
                .copied()
                .filter(|&index| rows.contains(index))
                .collect()
        })
    }

    /// The time (Unix microseconds) and status of the `rows`,
    /// in load order, for the volume chart: read side by side, not from each
    /// record. Rows of the `left_out` sources are skipped (the archive counts
    /// those itself).
    pub fn times_and_statuses<'a>(
        &'a self,
        rows: &'a RowSet,
        left_out: &[String],
    ) -> impl Iterator<Item = (i64, Status)> + 'a {
        let skipped: Vec<bool> = self
            .sources
            .iter()
            .map(|source| left_out.contains(source))
            .collect();
        rows.indices()
            .filter_map(|index| self.row_keys.get(index))
            .filter(move |key| {
                !usize::try_from(key.source)
                    .ok()
                    .and_then(|source| skipped.get(source))
                    .is_some_and(|skipped| *skipped)
            })
            .map(|key| (key.at, key.status))
    }

    /// Every row in [`Timeline::order`] by time, sorted on one integer per row
    /// ([`row_sort`]), ties in load order: each row's distance from the oldest
    /// time (from the newest when `descending`).
    fn by_time(&self, descending: bool) -> Vec<usize> {
        let times = self.row_keys.iter().map(|key| key.at);
        let (Some(oldest), Some(newest)) = (times.clone().min(), times.clone().max()) else {
            return Vec::new();
        };
        let keys: Vec<u64> = times
            .map(|at| {
                if descending {
                    newest.abs_diff(at)
                } else {
                    at.abs_diff(oldest)
                }
            })
            .collect();
        let load_order: Vec<usize> = (0..self.records.len()).collect();
        row_sort::stably_by_key(&load_order, &keys)
    }

    /// Every row in [`Timeline::order`] by the sort's column, on one integer
    /// per row, ties in the order of `newest_first`.
    fn by_column(&self, sort: Sort, newest_first: &[usize]) -> Vec<usize> {
        row_sort::stably_by_key(newest_first, &self.column_keys(sort))
    }

    /// Each row's value in the sort's column as an integer that orders as
    /// [`Timeline::order`] does.
    fn column_keys(&self, sort: Sort) -> Vec<u64> {
        let (mut keys, top) = match number_of(sort.column) {
            Some(number) => self.number_keys(sort.column, number),
            None => self.text_ranks(sort.column),
        };
        // Rows without a message or number (key 0) go last both ways, as a
        // missing value does in Grafana's and Datadog's tables; read from the
        // keys, so no record is read a second time.
        let missing_last = sort.column == Column::Message || sort.column.is_numeric();
        for key in keys.iter_mut() {
            if missing_last && *key == 0 {
                *key = top + 1;
            } else if sort.descending {
                *key = top - *key;
            }
        }
        keys
    }

    /// Each row's number in `column`, a missing one first (0, and every
    /// number one above), and the largest key: read side by side where kept
    /// so. A number of `u64::MAX` leaves no room above: then each row gets its
    /// value's rank among the distinct values.
    fn number_keys(&self, column: Column, number: NumberOf) -> (Vec<u64>, u64) {
        let flat: Option<Vec<u64>> = if column == Column::Status {
            Some(
                self.row_keys
                    .iter()
                    .map(|key| {
                        let status = Status::ALL.get(key.status as usize);
                        status.map_or(0, |status| u64::from(status.severity())) + 1
                    })
                    .collect(),
            )
        } else {
            self.numbers.keys(column)
        };
        if let Some(keys) = flat {
            let top = keys.iter().copied().max().unwrap_or(0);
            return (keys, top);
        }
        let mut keys = Vec::with_capacity(self.records.len());
        for record in &self.records {
            match number(record).map_or(Some(0), |n| n.checked_add(1)) {
                Some(key) => keys.push(key),
                None => {
                    // Ranked instead: a missing value and 0 share rank 0,
                    // and a number goes one above its rank.
                    let values: Vec<u64> = self
                        .records
                        .iter()
                        .map(|record| number(record).unwrap_or(0))
                        .collect();
                    let ranks = row_sort::dense_ranks(&values);
                    keys = self
                        .records
                        .iter()
                        .zip(ranks)
                        .map(|(record, rank)| number(record).map_or(0, |_| rank + 1))
                        .collect();
                    break;
                }
            }
        }
        let top = keys.iter().copied().max().unwrap_or(0);
        (keys, top)
    }

    /// Each row's text in `column` as its rank among the column's distinct
    /// texts (1 for the first, 0 for none), and the number of distinct texts:
    /// read from the rows' text numbers where the column has them, else a
    /// hash per row and a sort of the distinct texts only, which repeat.
    fn text_ranks(&self, column: Column) -> (Vec<u64>, u64) {
        if let Some(ranks) = self.text_ids.ranks(&self.records, column) {
            return ranks;
        }
        let mut ids: HashMap<&str, usize, rustc_hash::FxBuildHasher> = HashMap::default();
        let mut texts: Vec<&str> = Vec::new();
        let row_ids: Vec<usize> = self
            .records
            .iter()
            .map(|record| match text_of(record, column) {
                None => 0,
                Some(text) => *ids.entry(text).or_insert_with(|| {
                    texts.push(text);
                    texts.len()
                }),
            })
            .collect();
        let mut ids_by_text: Vec<usize> = (1..=texts.len()).collect();
        ids_by_text.sort_unstable_by_key(|&id| texts.get(id - 1));
        let mut rank_of_id = vec![0u64; texts.len() + 1];
        for (rank, id) in (1..).zip(ids_by_text) {
            if let Some(slot) = rank_of_id.get_mut(id) {
                *slot = rank;
            }
        }
        let ranks = row_ids
            .into_iter()
            .map(|id| rank_of_id.get(id).copied().unwrap_or(0))
            .collect();
        (ranks, texts.len() as u64)
    }
}

/// What a free-text search looks in that [`TextIds`] does not number: the
/// row's id, on the first line as [`crate::search_terms::record_text_holds`]
/// reads it, and the vendor's raw status, each lower-cased (a needle never
/// holds a line break, so it never spans two). With the numbered columns'
/// texts these are [`LogRecord::search_text`]'s fields.
fn own_search_text(record: &LogRecord) -> String {
    format!(
        "{}\n{}\n",
        crate::search_terms::id_line(&record.id),
        crate::search_terms::searched_form(&record.raw_status)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CollectionType, Usage};
    use crate::status::Status;
    use chrono::{TimeZone, Utc};

    /// The order the view promises, written out plainly: a stable sort by it
    /// is what every fresh sort, kept order and merged page must equal. Times
    /// count to the microsecond ([`RowKey::at`]).
    fn compare(a: &LogRecord, b: &LogRecord, sort: Sort) -> Ordering {
        let micros = |record: &LogRecord| record.timestamp.timestamp_micros();
        // Rows whose message is not read yet go last whichever way Message sorts:
        // first, they would stay on screen and have every failed run read.
        // Rows without the number sorted by go last too.
        let present = |record: &LogRecord| match sort.column {
            Column::Message => Some(record.message.is_some()),
            Column::Duration => Some(record.duration_ms.is_some()),
            Column::Operations => Some(record.usage.operations.is_some()),
            Column::Transfer => Some(record.usage.transfer.is_some()),
            Column::Credits => Some(record.usage.centicredits.is_some()),
            Column::Tokens => Some(record.usage.tokens.is_some()),
            Column::Steps => Some(record.usage.steps.is_some()),
            _ => None,
        };
        match (present(a), present(b)) {
            (Some(true), Some(false)) => return Ordering::Less,
            (Some(false), Some(true)) => return Ordering::Greater,
            _ => {}
        }
        let by_column = match sort.column {
            Column::Time => micros(a).cmp(&micros(b)),
            Column::Status => a.status.severity().cmp(&b.status.severity()),
            Column::Type => a.kind.label().cmp(b.kind.label()),
            Column::Collection => a.collection.cmp(&b.collection),
            Column::Name => a.name.cmp(&b.name),
            Column::Client => a.client.cmp(&b.client),
            Column::Message => a.message.cmp(&b.message),
            Column::Duration => a.duration_ms.cmp(&b.duration_ms),
            Column::Operations => a.usage.operations.cmp(&b.usage.operations),
            Column::Transfer => a.usage.transfer.cmp(&b.usage.transfer),
            Column::Credits => a.usage.centicredits.cmp(&b.usage.centicredits),
            Column::Tokens => a.usage.tokens.cmp(&b.usage.tokens),
            Column::Steps => a.usage.steps.cmp(&b.usage.steps),
        };
        let by_column = if sort.descending {
            by_column.reverse()
        } else {
            by_column
        };
        by_column.then_with(|| micros(b).cmp(&micros(a)))
    }

    fn record(id: &str, minute: u32, status: Status, duration: Option<u64>) -> LogRecord {
        LogRecord {
            source: "s".into(),
            kind: CollectionType::MakeScenarios,
            id: id.into(),
            timestamp: Utc.with_ymd_and_hms(2026, 1, 1, 0, minute, 0).unwrap(),
            status,
            raw_status: String::new(),
            client: Some(format!("client-{id}")),
            client_id: None,
            collection: "Sync".into(),
            name: Some(format!("Run {id}")),
            duration_ms: duration,
            usage: Usage::default(),
            message: None,
            vendor_link: None,
            raw: crate::model::RawJson::null(),
        }
    }

    #[test]
    fn the_period_counts_rows_of_whole_sources_and_rows_older_than_the_frontier() {
        let at = |minute: u32| Utc.with_ymd_and_hms(2026, 1, 1, 0, minute, 0).unwrap();
        let of = |source: &str, id: &str, minute: u32| LogRecord {
            source: source.into(),
            ..record(id, minute, Status::Success, None)
        };
        let mut timeline = Timeline::default();
        timeline.extend([
            of("a", "a10", 10),
            of("a", "a20", 20),
            of("a", "a30", 30),
            of("b", "b15", 15),
            of("b", "b25", 25),
            of("b", "b2", 2),
        ]);
        let window = TimeWindow {
            from: at(5),
            to: at(50),
        };
        let whole = HashSet::from(["b".to_owned()]);
        let counts = timeline.period_counts(
            &LogQuery::default(),
            window,
            &HashMap::new(),
            &whole,
            Some(at(20)),
        );
        // b2 lies before the window; a10, a20 and b15 are at or before 0:20.
        assert_eq!(
            counts,
            PeriodCounts {
                from_whole_sources: 2,
                older: 3
            }
        );
        let none_older =
            timeline.period_counts(&LogQuery::default(), window, &HashMap::new(), &whole, None);
        assert_eq!(none_older.older, 0);
    }

    fn ids(timeline: &Timeline, query: &LogQuery) -> Vec<String> {
        timeline
            .view(query, &Frontier::complete(), &HashMap::new())
            .into_iter()
            .map(|i| timeline.records()[i].id.clone())
            .collect()
    }

    /// [`timeline`] with a row "e" of `source` after its rows.
    fn timeline_with_e(source: &str, status: Status) -> Timeline {
        let mut timeline = timeline();
        timeline.extend([LogRecord {
            source: source.into(),
            ..record("e", 9, status, None)
        }]);
        timeline
    }

    fn timeline() -> Timeline {
        Timeline::new(vec![
            record("a", 1, Status::Success, Some(300)),
            record("b", 3, Status::Error, None),
            record("c", 2, Status::Error, Some(100)),
            record("d", 2, Status::Warning, Some(900)),
        ])
    }

    #[test]
    fn a_kind_is_among_rows_when_one_of_them_is_of_it() {
        let mut records = vec![record("a", 1, Status::Success, None)];
        records.push(LogRecord {
            kind: CollectionType::AitronosConnectors,
            ..record("b", 2, Status::Error, None)
        });
        let timeline = Timeline::new(records);
        let aitronos = CollectionType::AitronosConnectors;
        assert!(!timeline.has_kind_among(&[0], aitronos));
        assert!(timeline.has_kind_among(&[0, 1], aitronos));
        assert!(
            !timeline.has_kind_among(&[7], aitronos),
            "an index past the rows"
        );
    }

    #[test]
    fn default_view_is_newest_first_with_ties_in_load_order() {
        assert_eq!(ids(&timeline(), &LogQuery::default()), ["b", "c", "d", "a"]);
    }

    #[test]
    fn filters_by_status_and_free_text() {
        let mut query = LogQuery::default();
        query.statuses.insert(Status::Error);
        assert_eq!(ids(&timeline(), &query), ["b", "c"]);
        query.text = "  \"RUN C\" ".into();
        assert_eq!(ids(&timeline(), &query), ["c"]);
        // Each word anywhere on the row: the collection, the client, the name.
        query.text = "sync CLIENT-C run".into();
        assert_eq!(ids(&timeline(), &query), ["c"]);
        query.text = "sync client-c \"run b\"".into();
        assert!(
            ids(&timeline(), &query).is_empty(),
            "no row holds all three"
        );
        query.statuses.clear();
        query.text = "client-d".into();
        assert_eq!(ids(&timeline(), &query), ["d"]);
    }

    #[test]
    fn sorts_by_any_column_both_ways_with_missing_values_last() {
        let mut query = LogQuery {
            sort: Sort {
                column: Column::Duration,
                descending: false,
            },
            ..LogQuery::default()
        };
        assert_eq!(ids(&timeline(), &query), ["c", "a", "d", "b"]);
        query.sort.descending = true;
        assert_eq!(ids(&timeline(), &query), ["d", "a", "c", "b"]);
        query.sort = Sort {
            column: Column::Status,
            descending: true,
        };
        // Errors first; the two errors newest first.
        assert_eq!(ids(&timeline(), &query), ["b", "c", "d", "a"]);
    }

    #[test]
    fn the_kept_order_follows_every_change_of_rows_and_sort() {
        let mut timeline = timeline();
        let newest = LogQuery::default();
        let errors = LogQuery {
            statuses: [Status::Error].into(),
            ..LogQuery::default()
        };
        assert_eq!(ids(&timeline, &newest), ["b", "c", "d", "a"]);
        assert_eq!(
            ids(&timeline, &errors),
            ["b", "c"],
            "the kept order, filtered"
        );
        timeline.extend([record("e", 5, Status::Error, Some(50))]);
        assert_eq!(ids(&timeline, &errors), ["e", "b", "c"]);
        let longest = LogQuery {
            sort: Sort {
                column: Column::Duration,
                descending: true,
            },
            ..LogQuery::default()
        };
        assert_eq!(ids(&timeline, &longest), ["d", "a", "c", "e", "b"]);
        // A newer reading that moves in time moves in the order too.
        timeline.update_known(vec![record("a", 9, Status::Success, Some(300))]);
        assert_eq!(ids(&timeline, &newest), ["a", "e", "b", "c", "d"]);
        // The chart's side-by-side reading follows the newer reading too, and
        // reads the selected rows in load order.
        timeline.update_known(vec![record("b", 4, Status::Success, Some(10))]);
        let row_set = timeline.select(&errors, &Frontier::complete(), &HashMap::new());
        let expected: Vec<_> = timeline
            .records()
            .iter()
            .filter(|record| record.status == Status::Error)
            .map(|record| (record.timestamp.timestamp_micros(), record.status))
            .collect();
        assert_eq!(expected.len(), 2);
        assert_eq!(
            timeline
                .times_and_statuses(&row_set, &[])
                .collect::<Vec<_>>(),
            expected
        );
        // The view holds the same rows, newest first: "e" (5 min) before "c".
        let viewed = timeline.view(&errors, &Frontier::complete(), &HashMap::new());
        assert_eq!(row_set.indices().collect::<Vec<_>>(), [2, 4]);
        assert_eq!(viewed, [4, 2]);
        timeline.retain_sources(|_| false);
        assert!(ids(&timeline, &newest).is_empty());
    }

    #[test]
    fn a_search_finds_a_row_by_each_field_it_looks_in_and_by_its_newer_reading() {
        let row = LogRecord {
            id: "ID-7".into(),
            collection: "Coll X".into(),
            name: Some("Nightly".into()),
            client: Some("Grace".into()),
            message: Some("Quota Hit".into()),
            raw_status: "RawS".into(),
            ..record("x", 1, Status::Error, None)
        };
        let mut timeline = Timeline::new(vec![record("a", 2, Status::Success, None), row.clone()]);
        let found = |timeline: &Timeline, text: &str| {
            let query = LogQuery {
                text: text.into(),
                ..LogQuery::default()
            };
            timeline
                .view(&query, &Frontier::complete(), &HashMap::new())
                .into_iter()
                .map(|index| timeline.records()[index].id.clone())
                .collect::<Vec<_>>()
        };
        for text in ["id-7", "COLL x", "nightly", "grace", "quota hit", "raws"] {
            assert_eq!(found(&timeline, text), ["ID-7"], "{text}");
        }
        assert!(
            found(&timeline, "\"quota hit\nraws\"").is_empty(),
            "no phrase spans two fields"
        );
        assert_eq!(found(&timeline, "raws quota grace"), ["ID-7"], "words do");
        assert!(found(&timeline, "nothing").is_empty());
        timeline.update_known(vec![LogRecord {
            message: Some("Timed Out".into()),
            ..row
        }]);
        assert!(found(&timeline, "quota").is_empty());
        assert_eq!(found(&timeline, "timed out"), ["ID-7"]);
    }

    #[test]
    fn records_are_read_only_for_the_sources_and_statuses_asked_for_within_the_frontier() {
        let timeline = timeline_with_e("other", Status::Error);
        let complete = Frontier::complete();
        let ids = |keep: &dyn Fn(&str, Status) -> bool| {
            timeline
                .records_where(&complete, keep)
                .map(|record| record.id.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            ids(&|source, status| source == "s" && status == Status::Error),
            ["b", "c"]
        );
        assert_eq!(ids(&|source, _| source == "other"), ["e"]);
        assert!(ids(&|_, _| false).is_empty());
        assert_eq!(ids(&|_, _| true).len(), timeline.len());
        // Rows older than the frontier are not shown, so not read either.
        let frontier = Frontier::held_at(Utc.with_ymd_and_hms(2026, 1, 1, 0, 2, 0).unwrap());
        let newer: Vec<&str> = timeline
            .records_where(&frontier, |_, _| true)
            .map(|record| record.id.as_str())
            .collect();
        assert_eq!(newer, ["b", "e"]);
    }

    #[test]
    fn the_offered_values_follow_rows_as_they_come_change_and_go() {
        let mut timeline = timeline();
        let all = |t: &Timeline| RowValues::of(t.records().iter().map(|r| &**r));
        assert_eq!(timeline.row_values(), all(&timeline));
        timeline.extend([LogRecord {
            source: "other".into(),
            client: Some("Zed".into()),
            ..record("e", 9, Status::Running, None)
        }]);
        assert_eq!(timeline.row_values(), all(&timeline));
        let has_zed = |t: &Timeline| t.row_values().clients.iter().any(|(_, c)| c == "Zed");
        assert!(has_zed(&timeline));
        // The only running row finishes: Running is no longer offered.
        timeline.update_known(vec![LogRecord {
            source: "other".into(),
            client: Some("Zed".into()),
            ..record("e", 9, Status::Success, None)
        }]);
        assert!(!timeline
            .row_values()
            .statuses
            .iter()
            .any(|(_, status)| *status == Status::Running));
        assert_eq!(timeline.row_values(), all(&timeline));
        timeline.retain_sources(|source| source != "other");
        assert!(!has_zed(&timeline));
        assert_eq!(timeline.row_values(), all(&timeline));
    }

    #[test]
    fn the_chart_reading_leaves_out_the_sources_the_archive_counts() {
        let timeline = timeline_with_e("archived", Status::Timeout);
        let query = LogQuery::default();
        let shown = timeline.select(&query, &Frontier::complete(), &HashMap::new());
        let all = timeline.times_and_statuses(&shown, &[]).count();
        assert_eq!(all, timeline.len());
        let live: Vec<_> = timeline
            .times_and_statuses(&shown, &["archived".to_owned()])
            .collect();
        assert_eq!(live.len(), all - 1);
        assert!(live.iter().all(|(_, status)| *status != Status::Timeout));
    }

    #[test]
    fn retaining_sources_keeps_rows_and_search_text_aligned() {
        let mut timeline = timeline_with_e("other", Status::Success);
        assert_eq!(
            timeline
                .sources()
                .collect::<std::collections::BTreeSet<_>>(),
            ["other", "s"].into()
        );
        timeline.retain_sources(|source| source == "other");
        assert_eq!(timeline.len(), 1);
        assert_eq!(timeline.sources().collect::<Vec<_>>(), ["other"]);
        let query = LogQuery {
            text: "run e".into(),
            ..LogQuery::default()
        };
        assert_eq!(ids(&timeline, &query), ["e"]);
    }

    #[test]
    fn a_row_arriving_twice_is_kept_once_until_its_source_is_dropped() {
        let mut timeline = timeline();
        assert_eq!(
            timeline.extend([
                record("a", 1, Status::Success, None),
                record("z", 0, Status::Success, None)
            ]),
            1,
            "`s:a` is loaded already"
        );
        assert_eq!(timeline.len(), 5);
        timeline.retain_sources(|_| false);
        assert_eq!(timeline.extend([record("a", 1, Status::Success, None)]), 1);
    }

    #[test]
    fn rows_older_than_the_frontier_are_not_shown_as_complete() {
        let frontier = Frontier::held_at(Utc.with_ymd_and_hms(2026, 1, 1, 0, 1, 0).unwrap());
        let timeline = timeline();
        let shown: Vec<&str> = timeline
            .view(&LogQuery::default(), &frontier, &HashMap::new())
            .into_iter()
            .map(|i| timeline.records()[i].id.as_str())
            .collect();
        assert_eq!(shown, ["b", "c", "d"], "`a` at the frontier minute waits");
    }

    #[test]
    fn rows_a_server_searched_are_not_searched_again_in_the_browser() {
        let timeline = timeline();
        let query = LogQuery {
            text: "\"matched in the inputs\"".into(),
            ..LogQuery::default()
        };
        let server = HashMap::from([(
            "s".to_owned(),
            ServerApplied {
                text: true,
                ..ServerApplied::default()
            },
        )]);
        assert!(timeline
            .view(&query, &Frontier::complete(), &HashMap::new())
            .is_empty());
        assert_eq!(
            timeline.view(&query, &Frontier::complete(), &server).len(),
            timeline.len(),
            "the server's answer stands"
        );
    }

    #[test]
    fn rows_a_servers_own_search_found_match_beside_those_whose_fields_do() {
        let mut timeline = Timeline::new(vec![
            LogRecord {
                source: "t".into(),
                ..record("x", 4, Status::Success, None)
            },
            record("a", 1, Status::Success, Some(300)),
            record("b", 3, Status::Error, None),
        ]);
        let query = LogQuery {
            text: "\"matched in the inputs\"".into(),
            ..LogQuery::default()
        };
        let view = |timeline: &Timeline| {
            timeline
                .view(&query, &Frontier::complete(), &HashMap::new())
                .iter()
                .map(|&index| timeline.records()[index].key())
                .collect::<Vec<_>>()
        };
        assert!(view(&timeline).is_empty());
        timeline.mark_server_matches(["s:b".to_owned(), "s:not-loaded".to_owned()]);
        assert_eq!(view(&timeline), ["s:b"]);
        // Dropping another source's rows moves this one: it stays found.
        timeline.retain_sources(|source| source != "t");
        assert_eq!(timeline.len(), 2);
        assert_eq!(view(&timeline), ["s:b"]);
        // A find may come before its row (live mode holds new rows).
        timeline.mark_server_matches(["s:later".to_owned()]);
        timeline.extend([record("later", 5, Status::Success, None)]);
        assert_eq!(view(&timeline), ["s:later", "s:b"]);
        // Without a search every row shows; a new text forgets the finds.
        assert_eq!(
            timeline
                .view(&LogQuery::default(), &Frontier::complete(), &HashMap::new())
                .len(),
            timeline.len()
        );
        // With more words, a find holds the word the server was asked for
        // (the longest), and the row must show the others.
        let with_words = |text: &str| {
            let query = LogQuery {
                text: text.into(),
                ..LogQuery::default()
            };
            ids(&timeline, &query)
        };
        assert_eq!(
            with_words("client-later \"matched in the inputs\""),
            ["later"]
        );
        assert!(with_words("client-nobody \"matched in the inputs\"").is_empty());
        assert!(
            with_words("inputs client-later-and-more").is_empty(),
            "a find counts for the longest word alone: the row must show `inputs`"
        );
        timeline.clear_server_matches();
        assert!(view(&timeline).is_empty());
    }

    #[test]
    fn extending_keeps_earlier_rows_and_their_search_text() {
        let mut timeline = timeline();
        timeline.extend([record("e", 9, Status::Success, None)]);
        assert_eq!(timeline.len(), 5);
        let query = LogQuery {
            text: "run a".into(),
            ..LogQuery::default()
        };
        assert_eq!(ids(&timeline, &query), ["a"]);
    }

    #[test]
    fn status_tallies_follow_a_row_read_again() {
        let mut timeline = Timeline::new(vec![record("u", 1, Status::Unknown, None)]);
        assert_eq!(timeline.status_tallies()[0].unsent, 1);
        timeline.update_known(vec![LogRecord {
            raw_status: "3".into(),
            ..record("u", 1, Status::Error, None)
        }]);
        assert!(timeline.status_tallies().is_empty());
    }

    #[test]
    fn a_newer_reading_replaces_a_row_in_place_and_only_unknown_rows_come_back() {
        let mut timeline = timeline();
        let finished = LogRecord {
            message: Some("Module 3 timed out".into()),
            ..record("b", 3, Status::Error, Some(900))
        };
        let unknown = timeline.update_known(vec![finished, record("z", 9, Status::Success, None)]);
        assert_eq!(unknown.len(), 1);
        assert_eq!(unknown[0].id, "z");
        assert_eq!(timeline.len(), 4, "nothing is added");
        assert_eq!(
            timeline.records()[1].duration_ms,
            Some(900),
            "same position"
        );
        let query = LogQuery {
            text: "timed out".into(),
            ..LogQuery::default()
        };
        assert_eq!(ids(&timeline, &query), ["b"], "its search text follows");
        assert!(timeline.contains_key("s:b") && !timeline.contains_key("s:z"));
        assert_eq!(timeline.get("s:b").map(|r| r.duration_ms), Some(Some(900)));
        let same = LogRecord::clone(&timeline.records()[1]);
        assert!(!timeline.is_changed_reading(&same));
        assert!(timeline.is_changed_reading(&LogRecord {
            duration_ms: Some(1),
            ..same
        }));
    }

    #[test]
    fn an_opened_export_of_rows_loaded_live_shows_each_row_once() {
        let mut timeline = timeline();
        let copy = |id: &str| LogRecord {
            source: "file:export.csv".into(),
            id: format!("s:{id}"),
            ..record(id, 3, Status::Error, None)
        };
        let elsewhere = LogRecord {
            id: "other:x".into(),
            ..copy("x")
        };
        timeline.extend([copy("b"), copy("c"), elsewhere]);
        let mut shown = ids(&timeline, &LogQuery::default());
        shown.sort();
        assert_eq!(
            shown,
            ["a", "b", "c", "d", "other:x"],
            "the live readings of b and c, and the row only the file has"
        );
        assert_eq!(timeline.copies_of_loaded("file:export.csv"), 2);
        assert_eq!(timeline.copies_of_loaded("s"), 0);
        assert_eq!(timeline.copies_among(&[copy("a"), copy("q")]), 1);
        timeline.retain_sources(|source| source != "s");
        assert_eq!(
            ids(&timeline, &LogQuery::default()).len(),
            3,
            "with the live source gone, the file shows all its rows"
        );
    }

    #[test]
    fn a_key_whose_hash_is_taken_is_still_found_and_kept_once() {
        let records: Vec<SharedRecord> = vec![
            SharedRecord::new(record("a", 1, Status::Success, None)),
            SharedRecord::new(record("b", 2, Status::Success, None)),
        ];
        let mut index = KeyIndex::default();
        assert!(index.insert("s:a", 0, &records));
        // As if "s:b" hashed like "s:a": its slot is taken by another key.
        index.by_hash.insert(KeyIndex::hash("s:b"), 0);
        assert!(index.insert("s:b", 1, &records));
        assert!(!index.insert("s:b", 1, &records), "never twice");
        assert!(!index.insert("s:a", 0, &records));
        assert_eq!(index.get("s:a", &records), Some(0));
        assert_eq!(index.get("s:b", &records), Some(1));
        assert_eq!(index.get("s:c", &records), None);
    }

    /// Rows at the edges every column's keys can reach: times centuries
    /// apart and on both sides of 1970 (ranked, not packed), rows under a
    /// microsecond apart (tied), numbers at `u64::MAX` (ranked), every kind,
    /// missing values. Sorted fresh, with a page merged into the kept order,
    /// and fresh again, each must equal a stable sort by [`compare`].
    #[test]
    fn rows_at_the_edges_sort_as_the_general_order_fresh_and_merged() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let times = [
            chrono::DateTime::<Utc>::MIN_UTC,
            Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 0).unwrap(),
            Utc.with_ymd_and_hms(1970, 1, 1, 0, 1, 0).unwrap(),
            now,
            now + chrono::Duration::nanoseconds(500),
            chrono::DateTime::<Utc>::MAX_UTC,
        ];
        let numbers = [None, Some(0), Some(5), Some(u64::MAX - 1), Some(u64::MAX)];
        let row = |i: usize| {
            let number = |step: usize| numbers[(i * step) % numbers.len()];
            let mut r = record(&format!("r{i}"), 0, Status::Success, number(1));
            r.timestamp = times[(i * 7) % times.len()];
            r.kind = CollectionType::ALL[i % CollectionType::ALL.len()];
            r.message = [None, Some("b"), Some("a")][i % 3].map(str::to_owned);
            r.name = [None, Some("x"), Some("X")][(i / 2) % 3].map(str::to_owned);
            r.usage = Usage {
                operations: number(2),
                transfer: number(3),
                centicredits: number(4),
                tokens: Some((i % 2) as u64),
                steps: number(7),
            };
            r
        };
        let general = |timeline: &Timeline, sort: Sort| {
            let mut rows: Vec<usize> = (0..timeline.len()).collect();
            rows.sort_by(|&a, &b| compare(&timeline.records()[a], &timeline.records()[b], sort));
            rows
        };
        for column in Column::ALL {
            for descending in [false, true] {
                let sort = Sort { column, descending };
                let query = LogQuery {
                    sort,
                    ..LogQuery::default()
                };
                let view = |timeline: &Timeline| {
                    timeline.view(&query, &Frontier::complete(), &HashMap::new())
                };
                let mut timeline = Timeline::new((0..30).map(row).collect());
                assert_eq!(view(&timeline), general(&timeline, sort), "{sort:?} fresh");
                timeline.extend((30..45).map(row));
                assert_eq!(view(&timeline), general(&timeline, sort), "{sort:?} merged");
                let fresh = timeline.clone();
                assert_eq!(view(&fresh), general(&fresh, sort), "{sort:?} fresh again");
            }
        }
    }

    #[test]
    fn sorting_by_message_keeps_rows_without_one_last_both_ways() {
        let with = |id: &str, minute: u32, message: Option<&str>| LogRecord {
            message: message.map(str::to_owned),
            ..record(id, minute, Status::Error, None)
        };
        let timeline = Timeline::new(vec![
            with("none", 5, None),
            with("b", 1, Some("Beta")),
            with("a", 2, Some("Alpha")),
        ]);
        for (descending, expected) in [(false, ["a", "b", "none"]), (true, ["b", "a", "none"])] {
            let query = LogQuery {
                sort: Sort {
                    column: Column::Message,
                    descending,
                },
                ..LogQuery::default()
            };
            assert_eq!(ids(&timeline, &query), expected);
        }
    }

    #[test]
    fn numeric_sorts_keep_the_general_order_ties_and_missing_values_included() {
        // A small pseudo-random domain: many ties, missing values, the extremes.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |modulo: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % modulo
        };
        let records: Vec<LogRecord> = (0..600)
            .map(|i| {
                let mut r = record(&format!("r{i}"), next(5) as u32, Status::Success, None);
                r.duration_ms = [None, Some(0), Some(7), Some(u64::MAX)][next(4) as usize];
                r.usage.centicredits = [None, Some(u64::MAX - 1), Some(u64::MAX)][next(3) as usize];
                r.usage.tokens = Some(next(3));
                r
            })
            .collect();
        let timeline = Timeline::new(records);
        for column in [
            Column::Time,
            Column::Duration,
            Column::Credits,
            Column::Tokens,
            Column::Steps,
        ] {
            for descending in [false, true] {
                let sort = Sort { column, descending };
                let query = LogQuery {
                    sort,
                    ..LogQuery::default()
                };
                let mut general: Vec<usize> = (0..timeline.len()).collect();
                general.sort_by(|&a, &b| {
                    compare(&timeline.records()[a], &timeline.records()[b], sort)
                });
                let viewed = timeline.view(&query, &Frontier::complete(), &HashMap::new());
                assert_eq!(viewed, general, "{column:?} descending={descending}");
            }
        }
    }

    mod against_the_plain_filter {
        use super::*;
        use proptest::prelude::*;

        const SOURCES: [&str; 3] = ["a", "b", "file:x.csv"];
        const CLIENTS: [&str; 2] = ["Ada", "Grace"];

        /// Rows from a small domain; a file's row may copy a live row's key.
        fn row(
            (source, id, second, status, client, duration): (
                usize,
                u8,
                u8,
                usize,
                usize,
                Option<u64>,
            ),
        ) -> LogRecord {
            let source = SOURCES[source];
            let id = if source.starts_with("file:") && id % 2 == 0 {
                format!("a:{}", id / 2)
            } else if id % 4 == 3 {
                // Long ids, found by their start.
                format!("12345678{id}")
            } else {
                id.to_string()
            };
            // Texts that tie, differ in case, go beyond ASCII or are missing.
            let name = [None, Some("beta"), Some("Alpha")][usize::from(second) % 3];
            LogRecord {
                source: source.into(),
                client: Some(CLIENTS[client].into()),
                // A newer reading (same id, another second) may change it.
                message: [None, Some("rate limit"), Some("Quota")]
                    [(id.len() + usize::from(second) / 2) % 3]
                    .map(str::to_owned),
                name: name.map(str::to_owned),
                collection: ["Sync", "sync", "Äbc"][(id.len() + usize::from(second)) % 3].into(),
                ..record(&id, u32::from(second % 60), Status::ALL[status], duration)
            }
        }

        fn rows() -> impl Strategy<Value = Vec<LogRecord>> {
            proptest::collection::vec(
                (
                    0..3usize,
                    0..20u8,
                    0..60u8,
                    0..Status::ALL.len(),
                    0..2usize,
                    proptest::option::of(0..5u64),
                )
                    .prop_map(row),
                0..40,
            )
        }

        fn query() -> impl Strategy<Value = LogQuery> {
            (
                proptest::sample::subsequence(Status::ALL.to_vec(), 0..3),
                proptest::sample::subsequence(CLIENTS.to_vec(), 0..2),
                // Texts in each searched field (message, collection, name,
                // client, id), none, words in two fields, a phrase across
                // two (which no row holds), and a line break.
                proptest::sample::select(vec![
                    "",
                    "RATE",
                    "quota",
                    "äbc",
                    "ALPHA",
                    "a",
                    "1",
                    "12345678",
                    "1234567",
                    "123456781",
                    "sync\nbeta",
                    "\"sync beta\"",
                    "\"rate limit\" ada",
                    " 2 ",
                ]),
                proptest::sample::select(Column::ALL.to_vec()),
                proptest::bool::ANY,
            )
                .prop_map(|(statuses, clients, text, column, descending)| LogQuery {
                    statuses: statuses.into_iter().collect(),
                    clients: clients.into_iter().map(str::to_owned).collect(),
                    text: text.to_owned(),
                    sort: Sort { column, descending },
                    ..LogQuery::default()
                })
        }

        /// What the view must equal: every record tested on its own, then a
        /// stable sort.
        fn plain(
            timeline: &Timeline,
            query: &LogQuery,
            server: &HashMap<String, ServerApplied>,
            found: &HashSet<String>,
        ) -> Vec<usize> {
            let records = timeline.records();
            let mut indices: Vec<usize> = (0..records.len())
                .filter(|&i| {
                    let record = &records[i];
                    let skip = server.get(&record.source).copied().unwrap_or_default();
                    (query.matches_except(record, skip)
                        || (found.contains(&record.key())
                            && query.matches_server_find(record, skip)))
                        && !(record.is_snapshot() && timeline.contains_key(&record.id))
                })
                .collect();
            indices.sort_by(|&a, &b| compare(&records[a], &records[b], query.sort));
            indices
        }

        proptest! {
            #[test]
            fn the_view_keeps_and_orders_what_testing_each_row_would(
                first in rows(),
                more in rows(),
                newer in rows(),
                after in rows(),
                queries in proptest::collection::vec(query(), 1..4),
                skips in proptest::collection::vec((proptest::bool::ANY, proptest::bool::ANY), 2),
                drop_a in proptest::bool::ANY,
                found_ids in proptest::collection::vec(0..20u8, 0..6),
            ) {
                // Rows a vendor's own search found, for the term it was asked.
                let found: HashSet<String> = found_ids
                    .iter()
                    .map(|id| format!("{}:{id}", SOURCES[usize::from(*id) % 2]))
                    .collect();
                let server: HashMap<String, ServerApplied> = ["a", "b"]
                    .iter()
                    .zip(&skips)
                    .map(|(source, (status, text))| {
                        let applied = ServerApplied { status: *status, text: *text, ..ServerApplied::default() };
                        ((*source).to_owned(), applied)
                    })
                    .collect();
                let mut timeline = Timeline::new(first);
                timeline.mark_server_matches(found.iter().cloned());
                let check = |timeline: &Timeline| -> Result<(), TestCaseError> {
                    for query in &queries {
                        let expected = plain(timeline, query, &server, &found);
                        prop_assert_eq!(
                            timeline.view(query, &Frontier::complete(), &server),
                            expected.clone()
                        );
                        // The row set is the same rows in load order, and
                        // the same under another sort.
                        let resorted = LogQuery {
                            sort: Sort { descending: !query.sort.descending, ..query.sort },
                            ..query.clone()
                        };
                        let row_set = timeline.select(&resorted, &Frontier::complete(), &server);
                        let mut in_load_order = expected;
                        in_load_order.sort_unstable();
                        prop_assert_eq!(row_set.indices().collect::<Vec<_>>(), in_load_order);
                    }
                    Ok(())
                };
                check(&timeline)?;
                timeline.extend(more);
                check(&timeline)?;
                // Newer readings of loaded rows: other statuses, times, messages.
                timeline.update_known(newer);
                check(&timeline)?;
                // Rows after the newer readings: texts whose first row changed.
                timeline.extend(after);
                check(&timeline)?;
                // "b" keeps its skips under a new number once "a" goes.
                timeline.retain_sources(|source| source != "a" || !drop_a);
                check(&timeline)?;
            }
        }
    }
}
