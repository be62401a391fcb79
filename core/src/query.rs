//! The dashboard's view state and its URL codec.
//!
//! The URL is the only store of filter state: the UI derives a [`LogQuery`] from the
//! location on every change and writes a new URL to change it.

use crate::zone::ZoneRules;
use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveTime, SecondsFormat, Utc};

use super::adapters::ServerApplied;
use super::columns::Column;
use super::model::{CollectionType, LogRecord};
use super::status::Status;
use crate::client_id::ClientId;
use crate::keyed_enum;
use crate::search_terms::SearchTerms;

keyed_enum! {
    /// Relative periods offered as presets.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Preset {
        Minutes15 = ("15m", "Last 15 minutes"),
        Hour1 = ("1h", "Last hour"),
        Hours24 = ("24h", "Last 24 hours"),
        Days7 = ("7d", "Last 7 days"),
        Days30 = ("30d", "Last 30 days"),
        /// Since midnight in the display time zone.
        Today = ("today", "Today"),
        /// Since the first of the month in the display time zone.
        MonthToDate = ("mtd", "Month to date"),
    }
}

impl Preset {
    /// The start of the period ending at `now`; calendar presets start at midnight
    /// in the display zone, not in UTC.
    fn start(self, now: DateTime<Utc>, zone: &ZoneRules) -> DateTime<Utc> {
        let midnight = |date: chrono::NaiveDate| zone.instant_of(date.and_time(NaiveTime::MIN));
        let local_today = now.with_timezone(zone).date_naive();
        match self {
            Preset::Minutes15 => now - Duration::minutes(15),
            Preset::Hour1 => now - Duration::hours(1),
            Preset::Hours24 => now - Duration::hours(24),
            Preset::Days7 => now - Duration::days(7),
            Preset::Days30 => now - Duration::days(30),
            Preset::Today => midnight(local_today),
            Preset::MonthToDate => midnight(local_today.with_day(1).unwrap_or(local_today)),
        }
    }
}

/// The time range of interest: relative to "now", or fixed instants for sharing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Last(Preset),
    Absolute {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
}

impl Default for Period {
    fn default() -> Self {
        Period::Last(Preset::Days7)
    }
}

/// A resolved, inclusive time window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl TimeWindow {
    /// The part of `self` inside `outer`: a chart bar cut by the period's
    /// edges narrows to what the bar counted, not to its whole span. A window
    /// wholly outside `outer` shrinks to `outer`'s nearer edge. Never panics,
    /// whatever the windows (`Ord::clamp` would on an inverted one).
    pub fn within(self, outer: TimeWindow) -> TimeWindow {
        let from = self.from.max(outer.from).min(outer.to);
        TimeWindow {
            from,
            to: self.to.min(outer.to).max(from),
        }
    }

    /// The period that holds exactly the rows of chart bars spanning `self`,
    /// inside the period `outer`: a bar counts rows from its start up to, not
    /// including, its end (a row on the edge is the next bar's), while a
    /// period includes its end, so the period stops a microsecond (the
    /// timeline's precision) before the bars' end.
    pub fn of_bars_within(self, outer: TimeWindow) -> TimeWindow {
        let before_end = self.to - chrono::Duration::microseconds(1);
        TimeWindow {
            from: self.from,
            to: before_end.max(self.from),
        }
        .within(outer)
    }
}

impl Period {
    /// The window `loaded` (this period's, resolved earlier) becomes when live
    /// mode has read up to `until`: its end moves to `until`, and a relative
    /// period's start moves with it, so "Last 7 days" stays seven days long
    /// and rows that age out of it leave the view, its count and its chart.
    /// The start never moves back: nothing before `loaded.from` was loaded.
    pub fn followed_to(
        self,
        loaded: TimeWindow,
        until: DateTime<Utc>,
        zone: &ZoneRules,
    ) -> TimeWindow {
        if until <= loaded.to {
            return loaded;
        }
        let from = match self {
            Period::Last(preset) => preset.start(until, zone).max(loaded.from),
            Period::Absolute { .. } => loaded.from,
        };
        TimeWindow {
            from: from.min(until),
            to: until,
        }
    }

    /// Resolves against an injected `now` and the display `zone`, so tests
    /// and every source agree on one instant.
    pub fn resolve(self, now: DateTime<Utc>, zone: &ZoneRules) -> TimeWindow {
        match self {
            Period::Last(preset) => TimeWindow {
                from: preset.start(now, zone),
                to: now,
            },
            Period::Absolute { from, to } => TimeWindow { from, to },
        }
    }

    /// Pins a relative period to absolute instants, so a shared link shows the same rows later.
    pub fn freeze(self, now: DateTime<Utc>, zone: &ZoneRules) -> Period {
        let window = self.resolve(now, zone);
        Period::Absolute {
            from: window.from,
            to: window.to,
        }
    }
}

/// The zone dates are shown in (and calendar presets start in).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DisplayZone {
    /// The browser's zone: what people expect to read.
    #[default]
    Local,
    /// UTC: what people comparing notes across zones agree on.
    Utc,
    /// An IANA zone (`Europe/Berlin`): one office's clock, whoever opens the link.
    /// Only its spelling is checked here; the browser knows which zones exist.
    Named(String),
}

impl DisplayZone {
    /// Its value in the URL (`tz=`).
    pub fn key(&self) -> &str {
        match self {
            DisplayZone::Local => "local",
            DisplayZone::Utc => "utc",
            DisplayZone::Named(name) => name,
        }
    }

    /// `local`, `utc`, or a name spelled as IANA zones are (`America/Argentina/Salta`,
    /// `Etc/GMT+5`): a letter first, then letters, digits, `/_+-`. Browsers read
    /// zone names in any letter case (`europe/berlin`), so a link typed so is a
    /// zone too; the app writes it back in the browser's spelling. The IANA
    /// name `UTC` is the UTC choice itself, not a second one.
    pub fn from_key(key: &str) -> Option<DisplayZone> {
        if key.eq_ignore_ascii_case("local") {
            Some(DisplayZone::Local)
        } else if key.eq_ignore_ascii_case("utc") {
            Some(DisplayZone::Utc)
        } else {
            is_zone_name(key).then(|| DisplayZone::Named(key.to_owned()))
        }
    }
}

fn is_zone_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c))
        && !name.contains("//")
        && !name.ends_with('/')
}

/// A column and a direction; newest first unless the URL says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Sort {
    /// The sort after clicking `column`'s header: the same column flips direction;
    /// a new column starts newest (time), most severe (status: failures first)
    /// or largest (numbers: the slowest, the costliest runs are what one looks
    /// for) first, and text in A–Z order.
    pub fn toggled(self, column: Column) -> Sort {
        let descending = if self.column == column {
            !self.descending
        } else {
            column == Column::Time || column == Column::Status || column.is_numeric()
        };
        Sort { column, descending }
    }
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            column: Column::Time,
            descending: true,
        }
    }
}

/// Everything a colleague needs to see the same view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogQuery {
    pub period: Period,
    /// Empty means every status.
    pub statuses: BTreeSet<Status>,
    /// Who ran it; empty means everyone.
    pub clients: BTreeSet<String>,
    /// Collection types (sources' kinds); empty means all.
    pub types: BTreeSet<CollectionType>,
    /// Specific collections (scenario, team, app, credential); empty means all.
    pub collections: BTreeSet<String>,
    /// Make audit events (`key_created`, the `/filters` values); empty means all.
    /// Only audit rows have an event, so choosing one narrows the view to them;
    /// Make's server applies it (`event[i]`), and the browser checks the same field.
    pub events: BTreeSet<String>,
    /// Vendor ids of clients (`client_id=account:ada@acme.io`); empty means all.
    /// Unlike names, an id is what the vendor's server filters by, so it is
    /// sent and the count stays exact; only rows of the id's vendor can match.
    pub client_ids: BTreeSet<ClientId>,
    /// Free text matched case-insensitively against the visible fields.
    pub text: String,
    /// Leave out Make's check runs (a trigger that found nothing new); Make's
    /// server applies it (`showCheckRuns=true`), other sources have none.
    pub hide_check_runs: bool,
    /// Live mode: newer rows are read every few seconds and merged on top. In the
    /// URL so a pasted link tails too; it applies only to a period ending now.
    pub live: bool,
    /// Also show the loaded rows older than the completeness frontier, marked
    /// as such (`older=shown`): off by default, so nothing partial reads as
    /// the period; on, a slow source does not hide what the others loaded.
    pub older_shown: bool,
    pub sort: Sort,
    /// [`LogRecord::key`] of the record open in the detail pane.
    pub selected: Option<String>,
    pub zone: DisplayZone,
}

/// A URL value that could not be used; the view falls back to the default for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlProblem {
    pub key: String,
    pub value: String,
    pub reason: &'static str,
}

impl fmt::Display for UrlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ignored {}={:?}: {}", self.key, self.value, self.reason)
    }
}

const ABSOLUTE_SEPARATOR: &str = "..";

/// Adds each comma-separated key of `value` that `parse` knows; reports the others.
fn decode_key_list<T: Ord>(
    key: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
    into: &mut BTreeSet<T>,
    problems: &mut Vec<UrlProblem>,
    reason: &'static str,
) {
    for part in value.split(',').filter(|part| !part.is_empty()) {
        match parse(part) {
            Some(item) => {
                into.insert(item);
            }
            None => problems.push(UrlProblem {
                key: key.to_owned(),
                value: part.to_owned(),
                reason,
            }),
        }
    }
}

impl LogQuery {
    /// Decodes URL query pairs. Never fails: unknown keys are ignored and bad values
    /// fall back to their defaults, each reported as a [`UrlProblem`].
    ///
    /// Enumerated filters are comma lists (`status=error,warning`); free-form ones
    /// repeat the key (`client=a&client=b`) because names may contain commas.
    pub fn decode<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> (LogQuery, Vec<UrlProblem>)
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut query = LogQuery::default();
        let mut problems = Vec::new();
        for (key, value) in pairs {
            let (key, value) = (key.as_ref(), value.as_ref());
            let problem = |reason| UrlProblem {
                key: key.to_owned(),
                value: value.to_owned(),
                reason,
            };
            match key {
                "period" => match decode_period(value) {
                    Ok(period) => query.period = period,
                    Err(reason) => problems.push(problem(reason)),
                },
                // Keys are read in any letter case (`status=ERROR`) and written
                // back in their own.
                "status" => decode_key_list(
                    key,
                    value,
                    |key| Status::from_key(&key.to_ascii_lowercase()),
                    &mut query.statuses,
                    &mut problems,
                    "unknown status",
                ),
                "type" => decode_key_list(
                    key,
                    value,
                    |key| CollectionType::from_key(&key.to_ascii_lowercase()),
                    &mut query.types,
                    &mut problems,
                    "unknown collection type",
                ),
                "client" if !value.is_empty() => {
                    query.clients.insert(value.to_owned());
                }
                "collection" if !value.is_empty() => {
                    query.collections.insert(value.to_owned());
                }
                "event" if !value.is_empty() => {
                    query.events.insert(value.to_owned());
                }
                "client_id" => match ClientId::from_key(value) {
                    Some(id) => {
                        query.client_ids.insert(id);
                    }
                    None => problems.push(problem(
                        "a client id is session:…, account:… or credential:… with a value",
                    )),
                },
                "q" => query.text = value.to_owned(),
                "checks" => match value {
                    "hide" => query.hide_check_runs = true,
                    _ => problems.push(problem("checks can only be hide")),
                },
                "live" => match value {
                    "1" => query.live = true,
                    _ => problems.push(problem("live can only be 1")),
                },
                "older" => match value {
                    "shown" => query.older_shown = true,
                    _ => problems.push(problem("older can only be shown")),
                },
                "sort" => match decode_sort(value) {
                    Some(sort) => query.sort = sort,
                    None => problems.push(problem("unknown sort column")),
                },
                "sel" if !value.is_empty() => query.selected = Some(value.to_owned()),
                "tz" => match DisplayZone::from_key(value) {
                    Some(zone) => query.zone = zone,
                    None => problems.push(problem("time zone must be local, utc or an IANA name")),
                },
                _ => {}
            }
        }
        (query, problems)
    }

    /// Encodes to URL query pairs; defaults are left out to keep links short.
    pub fn encode(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if self.period != Period::default() {
            pairs.push(("period", encode_period(self.period)));
        }
        if !self.statuses.is_empty() {
            let keys: Vec<&str> = self.statuses.iter().map(|s| s.key()).collect();
            pairs.push(("status", keys.join(",")));
        }
        if !self.types.is_empty() {
            let keys: Vec<&str> = self.types.iter().map(|t| t.key()).collect();
            pairs.push(("type", keys.join(",")));
        }
        pairs.extend(self.clients.iter().map(|c| ("client", c.clone())));
        pairs.extend(self.collections.iter().map(|c| ("collection", c.clone())));
        pairs.extend(self.events.iter().map(|e| ("event", e.clone())));
        pairs.extend(self.client_ids.iter().map(|id| ("client_id", id.key())));
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        if self.hide_check_runs {
            pairs.push(("checks", "hide".to_owned()));
        }
        if self.live {
            pairs.push(("live", "1".to_owned()));
        }
        if self.older_shown {
            pairs.push(("older", "shown".to_owned()));
        }
        if self.sort != Sort::default() {
            let sign = if self.sort.descending { "-" } else { "" };
            pairs.push(("sort", format!("{sign}{}", self.sort.column.key())));
        }
        if let Some(selected) = &self.selected {
            pairs.push(("sel", selected.clone()));
        }
        if self.zone != DisplayZone::default() {
            pairs.push(("tz", self.zone.key().to_owned()));
        }
        pairs
    }

    /// The encoded pairs as a query string without the leading `?`.
    pub fn to_query_string(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.encode())
            .finish()
    }

    /// Decodes a query string (with or without the leading `?`).
    pub fn from_query_string(search: &str) -> (LogQuery, Vec<UrlProblem>) {
        let search = search.strip_prefix('?').unwrap_or(search);
        LogQuery::decode(url::form_urlencoded::parse(search.as_bytes()))
    }

    /// The browser-side filter, for what a source could not filter on the server.
    /// Applying it again to rows the server filtered is harmless.
    pub fn matches(&self, record: &LogRecord) -> bool {
        self.matches_except(record, ServerApplied::default())
    }

    /// Whether `record` matches, leaving out the filters its source's server
    /// applied already (`skip`), which the browser must not apply again.
    pub fn matches_except(&self, record: &LogRecord, skip: ServerApplied) -> bool {
        self.matches_fields_except(record, skip)
            && (skip.text
                || self
                    .search()
                    .is_none_or(|search| search.all_in(&record.search_text())))
    }

    /// Whether `record`, which a vendor's own search found, matches: it holds
    /// the term that search was asked for beside its collection
    /// ([`SearchTerms::server_term_beside`]) by the vendor's word, and must
    /// show the other terms itself.
    pub fn matches_server_find(&self, record: &LogRecord, skip: ServerApplied) -> bool {
        self.matches_fields_except(record, skip)
            && self.search().is_none_or(|search| {
                let asked = search.server_term_beside(&record.collection);
                search.others_in(&record.search_text(), asked)
            })
    }

    /// Every filter but the free text, which [`Timeline`](super::timeline::Timeline)
    /// checks against text it prepared per row and per distinct text; `skip` as in
    /// [`LogQuery::matches_except`].
    pub fn matches_fields_except(&self, record: &LogRecord, skip: ServerApplied) -> bool {
        (skip.status || self.statuses.is_empty() || self.statuses.contains(&record.status))
            && (self.types.is_empty() || self.types.contains(&record.kind))
            && (self.collections.is_empty() || self.collections.contains(&record.collection))
            && (self.clients.is_empty()
                || record
                    .client
                    .as_ref()
                    .is_some_and(|client| self.clients.contains(client)))
            && (self.events.is_empty() || self.is_chosen_event(record))
            && (skip.client_id
                || self.client_ids.is_empty()
                || record
                    .client_id
                    .as_ref()
                    .is_some_and(|id| self.client_ids.contains(id)))
    }

    /// The query as far as it selects rows: without the view's own state
    /// (the opened record, the sort, live mode, whether the older rows
    /// loaded show). What the loads fetch, the table selects by and an
    /// export is compared by.
    pub fn selecting(&self) -> LogQuery {
        LogQuery {
            selected: None,
            sort: Sort::default(),
            live: false,
            older_shown: false,
            ..self.clone()
        }
    }

    /// The filters a row's fields must match, without the period (a window,
    /// not a field), the view's own state (sort, selection, zone, live) and
    /// "Hide check runs" (only Make's server knows a check run), and with
    /// free text in its canonical form (blank as none; case, spacing and
    /// repeated terms aside), so searches that keep the same rows are equal.
    /// A fast path that handles some filters itself clears those and asks
    /// whether this equals the default: any other filter, also one added
    /// later, then takes the general path.
    pub fn row_filters(&self) -> LogQuery {
        LogQuery {
            period: Period::default(),
            hide_check_runs: false,
            live: false,
            older_shown: false,
            sort: Sort::default(),
            selected: None,
            zone: DisplayZone::default(),
            text: self
                .search()
                .map(|search| search.canonical())
                .unwrap_or_default(),
            ..self.clone()
        }
    }

    /// The chosen client ids rows of `kind` can carry.
    pub fn client_ids_for(&self, kind: CollectionType) -> impl Iterator<Item = &ClientId> {
        self.client_ids
            .iter()
            .filter(move |id| id.kind.collection_type() == kind)
    }

    /// The one chosen client id of `kind`'s vendor, which its list request can
    /// carry (each takes a single value); with several, the browser filters.
    pub fn single_client_id_for(&self, kind: CollectionType) -> Option<&ClientId> {
        let mut ids = self.client_ids_for(kind);
        match (ids.next(), ids.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }

    /// Whether `record` is an audit entry of a chosen event (its `eventName`).
    fn is_chosen_event(&self, record: &LogRecord) -> bool {
        record.kind == CollectionType::MakeAudit
            && record
                .name
                .as_ref()
                .is_some_and(|event| self.events.contains(event))
    }

    /// How many filters besides the period are set, for the phone's "Filters ·
    /// 3 set" button that hides them.
    pub fn active_filters(&self) -> usize {
        [
            !self.statuses.is_empty(),
            !self.types.is_empty(),
            !self.clients.is_empty(),
            !self.collections.is_empty(),
            !self.events.is_empty(),
            !self.client_ids.is_empty(),
            self.is_searching(),
            self.hide_check_runs,
        ]
        .into_iter()
        .filter(|set| *set)
        .count()
    }

    /// Whether live mode runs: asked for, over a period that ends now.
    pub fn is_live(&self) -> bool {
        self.live && matches!(self.period, Period::Last(_))
    }

    /// The free text's terms, or `None` when free text filters nothing.
    pub fn search(&self) -> Option<SearchTerms> {
        SearchTerms::parse(&self.text)
    }

    /// Whether free text filters the rows.
    pub fn is_searching(&self) -> bool {
        self.search().is_some()
    }
}

fn encode_period(period: Period) -> String {
    match period {
        Period::Last(preset) => preset.key().to_owned(),
        Period::Absolute { from, to } => format!(
            "{}{ABSOLUTE_SEPARATOR}{}",
            from.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            to.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        ),
    }
}

/// A preset in any letter case (`7D`), or a `from..to` range of RFC 3339
/// instants, the start not after the end; else why not.
fn decode_period(value: &str) -> Result<Period, &'static str> {
    if let Some(preset) = Preset::from_key(&value.to_ascii_lowercase()) {
        return Ok(Period::Last(preset));
    }
    let instant = |text: &str| {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|instant| instant.with_timezone(&Utc))
    };
    let range = value
        .split_once(ABSOLUTE_SEPARATOR)
        .and_then(|(from, to)| Some((instant(from)?, instant(to)?)));
    match range {
        Some((from, to)) if from <= to => Ok(Period::Absolute { from, to }),
        Some(_) => Err("the range's start is after its end"),
        None => Err("not a preset or a from..to range"),
    }
}

fn decode_sort(value: &str) -> Option<Sort> {
    let (descending, key) = match value.strip_prefix('-') {
        Some(key) => (true, key),
        None => (false, value),
    };
    Some(Sort {
        column: Column::from_key(key)?,
        descending,
    })
}

/// What a record's "Only this client" narrows the view to: the vendor's own id
/// of its client where the row carries one (exact, and filtered by the
/// vendor's server), else the client's name (Make's runs and audit entries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OnlyClient {
    Id(ClientId),
    Name(String),
}

impl OnlyClient {
    /// `None` for a row without a client.
    pub fn of(record: &LogRecord) -> Option<OnlyClient> {
        match (&record.client_id, &record.client) {
            (Some(id), _) => Some(OnlyClient::Id(id.clone())),
            (None, Some(name)) => Some(OnlyClient::Name(name.clone())),
            (None, None) => None,
        }
    }

    /// What the button's tooltip says it does.
    pub fn describe(&self) -> &'static str {
        match self {
            OnlyClient::Id(_) => "Filter by this id on the vendor's server: exact, unlike the name",
            OnlyClient::Name(_) => "Show only the rows of this client (by name)",
        }
    }
}

impl LogQuery {
    /// Narrows to one client, replacing any client choice of the same kind.
    pub fn only_client(&mut self, only: OnlyClient) {
        match only {
            OnlyClient::Id(id) => self.client_ids = [id].into(),
            OnlyClient::Name(name) => self.clients = [name].into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    #[test]
    fn the_view_state_selects_nothing_and_the_filters_and_zone_do() {
        let parse = |search: &str| LogQuery::from_query_string(search).0.selecting();
        let base = parse("period=today&status=error&tz=utc");
        let view =
            parse("period=today&status=error&tz=utc&sort=-duration&sel=a:1&live=1&older=shown");
        assert_eq!(
            view, base,
            "sort, selection, live and older rows select alike"
        );
        // A calendar period starts where the zone says: the zone selects.
        assert_ne!(parse("period=today&status=error&tz=Europe%2FBerlin"), base);
        assert_ne!(parse("period=today&status=warning&tz=utc"), base);
    }

    #[test]
    fn a_search_keeps_the_rows_holding_each_of_its_words_in_any_field() {
        use crate::test_support::{minute, record};
        let search = |text: &str| LogQuery {
            text: text.into(),
            ..LogQuery::default()
        };
        let gmail_500 = LogRecord {
            collection: "Gmail digest".into(),
            message: Some("SMTP answered 500".into()),
            ..record("make", "1", minute(0))
        };
        let gmail_404 = LogRecord {
            message: Some("SMTP answered 404".into()),
            ..gmail_500.clone()
        };
        assert!(search("GMAIL 500").matches(&gmail_500));
        assert!(!search("GMAIL 500").matches(&gmail_404));
        assert!(search("\"answered 500\"").matches(&gmail_500));
        assert!(
            !search("\"gmail answered\"").matches(&gmail_500),
            "a phrase stays in one field"
        );
        // A link's line break is a space between words.
        assert!(search(" Gmail\n500\r\n ").matches(&gmail_500));
        assert!(!search("\"\"").is_searching());
        // A vendor's find holds the longest term; the row must show the rest.
        let skip = ServerApplied::default();
        assert!(search("gmail \"in the inputs\"").matches_server_find(&gmail_404, skip));
        assert!(!search("slack \"in the inputs\"").matches_server_find(&gmail_404, skip));
    }

    #[test]
    fn live_mode_moves_a_relative_periods_start_with_its_end() {
        let utc = ZoneRules::utc();
        let loaded = Period::Last(Preset::Days7).resolve(at(2026, 3, 10, 12, 0), &utc);
        let later = at(2026, 3, 10, 12, 4);
        assert_eq!(
            Period::Last(Preset::Days7).followed_to(loaded, later, &utc),
            TimeWindow {
                from: at(2026, 3, 3, 12, 4),
                to: later
            }
        );
        // Today keeps its midnight until the day turns, then starts at the new one.
        let today = Period::Last(Preset::Today).resolve(at(2026, 3, 10, 23, 58), &utc);
        assert_eq!(
            Period::Last(Preset::Today)
                .followed_to(today, at(2026, 3, 10, 23, 59), &utc)
                .from,
            at(2026, 3, 10, 0, 0)
        );
        assert_eq!(
            Period::Last(Preset::Today)
                .followed_to(today, at(2026, 3, 11, 0, 1), &utc)
                .from,
            at(2026, 3, 11, 0, 0)
        );
        // A fixed range keeps its start; a reading older than the end changes nothing.
        let fixed = Period::Absolute {
            from: at(2026, 3, 1, 0, 0),
            to: at(2026, 3, 10, 12, 0),
        };
        let fixed_window = fixed.resolve(later, &utc);
        assert_eq!(
            fixed.followed_to(fixed_window, later, &utc).from,
            at(2026, 3, 1, 0, 0)
        );
        assert_eq!(
            Period::Last(Preset::Days7).followed_to(loaded, at(2026, 3, 10, 11, 0), &utc),
            loaded
        );
    }

    #[test]
    fn clicking_a_header_flips_or_starts_a_sort() {
        let newest = Sort::default();
        assert_eq!(
            newest.toggled(Column::Time),
            Sort {
                column: Column::Time,
                descending: false
            }
        );
        let by_duration = newest.toggled(Column::Duration);
        assert_eq!(
            by_duration,
            Sort {
                column: Column::Duration,
                descending: true
            },
            "the slowest first"
        );
        assert!(!by_duration.toggled(Column::Duration).descending);
        assert_eq!(
            newest.toggled(Column::Client),
            Sort {
                column: Column::Client,
                descending: false
            },
            "text from A"
        );
        assert!(
            by_duration.toggled(Column::Time).descending,
            "time starts newest first"
        );
        assert!(
            newest.toggled(Column::Status).descending,
            "status starts most severe first"
        );
    }

    #[test]
    fn active_filters_count_what_is_set_besides_the_period() {
        assert_eq!(LogQuery::default().active_filters(), 0);
        let (query, _) = LogQuery::from_query_string(
            "period=7d&status=error,warning&client=Ada&q=%20x&checks=hide",
        );
        assert_eq!(query.active_filters(), 4);
    }

    #[test]
    fn a_client_id_keeps_rows_carrying_that_id_unless_the_server_applied_it() {
        use crate::client_id::ClientIdKind;
        use crate::test_support::{minute, record};
        let (query, problems) = LogQuery::from_query_string(
            "client_id=account%3Aada%40acme.io&client_id=team%3A4&client_id=session%3A",
        );
        assert_eq!(
            problems.len(),
            2,
            "an unknown kind and an empty value are reported"
        );
        assert_eq!(query.to_query_string(), "client_id=account%3Aada%40acme.io");
        assert_eq!(query.active_filters(), 1);
        let ada = ClientId::new(ClientIdKind::DifyAccount, "ada@acme.io");
        let row = |id: Option<ClientId>| LogRecord {
            client: Some("Ada".into()),
            client_id: id,
            ..record("dify", "1", minute(1))
        };
        assert!(query.matches(&row(Some(ada.clone()))));
        assert!(
            !query.matches(&row(Some(ClientId::new(
                ClientIdKind::DifySession,
                "ada@acme.io"
            )))),
            "the same text as another kind of id is another client"
        );
        assert!(!query.matches(&row(None)), "a name alone proves nothing");
        let applied = ServerApplied {
            client_id: true,
            ..ServerApplied::default()
        };
        assert!(query.matches_except(&row(None), applied));
        assert_eq!(
            query.single_client_id_for(CollectionType::DifyWorkflows),
            Some(&ada)
        );
        assert_eq!(
            query.single_client_id_for(CollectionType::AitronosConnectors),
            None
        );
    }

    #[test]
    fn row_filters_keep_what_rows_must_match_and_drop_the_views_own_state() {
        let (view_only, _) = LogQuery::from_query_string(
            "period=7d&sort=-duration&sel=a:1&tz=utc&live=1&checks=hide&older=shown&q=%20%20",
        );
        assert!(view_only.older_shown);
        assert_eq!(view_only.row_filters(), LogQuery::default());
        let (_, problems) = LogQuery::from_query_string("older=all");
        assert_eq!(
            problems.first().map(|p| p.reason),
            Some("older can only be shown")
        );
        let (filtered, _) = LogQuery::from_query_string("period=7d&client=Ada&q=%20Refund%20");
        let rows = filtered.row_filters();
        assert!(rows.clients.contains("Ada"));
        assert_eq!(rows.text, "refund");
        assert_ne!(rows, LogQuery::default());
    }

    #[test]
    fn an_event_choice_keeps_only_audit_entries_of_that_event() {
        use crate::test_support::{minute, record};
        let (query, problems) = LogQuery::from_query_string("event=key_created&event=key_deleted");
        assert!(problems.is_empty());
        assert_eq!(
            query.to_query_string(),
            "event=key_created&event=key_deleted"
        );
        let audit = |event: Option<&str>| LogRecord {
            kind: CollectionType::MakeAudit,
            name: event.map(str::to_owned),
            ..record("audit", "u1", minute(1))
        };
        assert!(query.matches(&audit(Some("key_created"))));
        assert!(!query.matches(&audit(Some("scenario_updated"))));
        assert!(!query.matches(&audit(None)));
        let scenario_run = LogRecord {
            name: Some("key_created".into()),
            ..record("make", "1", minute(1))
        };
        assert!(
            !query.matches(&scenario_run),
            "only audit entries have events"
        );
        assert!(LogQuery::default().matches(&scenario_run));
    }

    #[test]
    fn decodes_a_readable_url() {
        let (query, problems) = LogQuery::from_query_string(
            "?period=24h&status=error,warning&type=make-scenarios,dify-workflows\
             &client=Ada&client=Grace%2C+Jr.&collection=Sync+CRM&q=crm&sort=-duration\
             &sel=make:42&tz=utc",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(query.period, Period::Last(Preset::Hours24));
        assert_eq!(
            query.statuses.into_iter().collect::<Vec<_>>(),
            [Status::Warning, Status::Error]
        );
        assert_eq!(
            query.types.into_iter().collect::<Vec<_>>(),
            [CollectionType::MakeScenarios, CollectionType::DifyWorkflows]
        );
        assert_eq!(
            query.clients.into_iter().collect::<Vec<_>>(),
            ["Ada", "Grace, Jr."]
        );
        assert_eq!(
            query.collections.into_iter().collect::<Vec<_>>(),
            ["Sync CRM"]
        );
        assert_eq!(query.text, "crm");
        assert_eq!(
            query.sort,
            Sort {
                column: Column::Duration,
                descending: true
            }
        );
        assert_eq!(query.selected.as_deref(), Some("make:42"));
        assert_eq!(query.zone, DisplayZone::Utc);
    }

    /// 2026-11-21 from 12:`from` to 12:`to`.
    fn window(from: u32, to: u32) -> TimeWindow {
        TimeWindow {
            from: at(2026, 11, 21, 12, from),
            to: at(2026, 11, 21, 12, to),
        }
    }

    #[test]
    fn a_window_within_another_keeps_only_their_common_part() {
        let outer = window(10, 40);
        assert_eq!(
            window(0, 30).within(outer),
            window(10, 30),
            "a first bar cut by the start"
        );
        assert_eq!(
            window(30, 59).within(outer),
            window(30, 40),
            "a last bar past the end"
        );
        assert_eq!(window(15, 20).within(outer), window(15, 20));
        assert_eq!(window(0, 59).within(outer), outer);
        assert_eq!(window(45, 50).within(outer), window(40, 40));
        assert_eq!(window(0, 5).within(outer), window(10, 10));
        let inverted = window(40, 10);
        assert!(window(0, 59).within(inverted).from <= window(0, 59).within(inverted).to);
    }

    #[test]
    fn bars_narrow_to_a_period_without_the_next_bars_first_instant() {
        let minute = |minute: u32| at(2026, 11, 21, 12, minute);
        let outer = window(10, 40);
        let just_before = |minute: DateTime<Utc>| minute - chrono::Duration::microseconds(1);
        let bar = window(20, 30).of_bars_within(outer);
        assert_eq!((bar.from, bar.to), (minute(20), just_before(minute(30))));
        // A row at 12:30 is the next bar's, and not in this bar's period.
        assert!(bar.to < minute(30));
        // A bar past the period's end keeps the period's end, which it counted.
        assert_eq!(window(30, 59).of_bars_within(outer), window(30, 40));
        let first = window(0, 30).of_bars_within(outer);
        assert_eq!(first.from, minute(10));
        // An empty span stays a valid one.
        let empty = window(20, 20).of_bars_within(outer);
        assert!(empty.from <= empty.to);
    }

    #[test]
    fn only_this_client_narrows_by_the_vendor_id_where_there_is_one_else_by_name() {
        use crate::client_id::ClientIdKind;
        let ada = crate::test_support::record("make", "1", crate::test_support::minute(0));
        let ada = LogRecord {
            client: Some("Ada".into()),
            ..ada
        };
        let bob = LogRecord {
            id: "2".into(),
            client: Some("Bob".into()),
            ..ada.clone()
        };
        let mut query = LogQuery::default();
        let by_name = OnlyClient::of(&ada).unwrap();
        assert_eq!(by_name, OnlyClient::Name("Ada".into()));
        query.only_client(by_name);
        assert!(query.matches(&ada) && !query.matches(&bob));
        assert_eq!(query.to_query_string(), "client=Ada");

        let id = ClientId::new(ClientIdKind::DifyAccount, "ada@acme.io");
        let with_id = LogRecord {
            client_id: Some(id.clone()),
            ..ada.clone()
        };
        assert_eq!(OnlyClient::of(&with_id), Some(OnlyClient::Id(id.clone())));
        let mut query = LogQuery::default();
        query.only_client(OnlyClient::Id(id));
        assert!(query.clients.is_empty(), "the id alone, not the name");
        assert!(query.matches(&with_id) && !query.matches(&ada));

        let nobody = LogRecord {
            client: None,
            ..ada
        };
        assert_eq!(OnlyClient::of(&nobody), None);
    }

    #[test]
    fn bad_values_fall_back_and_are_reported_unknown_keys_ignored() {
        let (query, problems) = LogQuery::from_query_string(
            "period=yesterday&status=error,bogus&utm_source=mail&sort=colour&tz=mars!&type=x",
        );
        assert_eq!(query.period, Period::default());
        assert_eq!(query.sort, Sort::default());
        assert_eq!(query.zone, DisplayZone::Local);
        assert!(query.types.is_empty());
        assert_eq!(
            query.statuses.into_iter().collect::<Vec<_>>(),
            [Status::Error]
        );
        let keys: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.key.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("period", "yesterday"),
                ("status", "bogus"),
                ("sort", "colour"),
                ("tz", "mars!"),
                ("type", "x")
            ]
        );
    }

    #[test]
    fn default_query_encodes_to_nothing() {
        assert_eq!(LogQuery::default().to_query_string(), "");
    }

    #[test]
    fn reversed_absolute_range_is_rejected() {
        let (query, problems) =
            LogQuery::from_query_string("period=2026-01-02T00:00:00Z..2026-01-01T00:00:00Z");
        assert_eq!(query.period, Period::default());
        assert_eq!(problems.len(), 1);
    }

    #[test]
    fn relative_periods_resolve_against_the_injected_now_and_freeze() {
        let utc = ZoneRules::utc();
        let now = at(2026, 11, 21, 12, 0);
        let window = Period::Last(Preset::Hours24).resolve(now, &utc);
        assert_eq!(window.from, at(2026, 11, 20, 12, 0));
        assert_eq!(window.to, now);
        let frozen = Period::Last(Preset::Hour1).freeze(now, &utc);
        assert_eq!(
            frozen,
            Period::Absolute {
                from: at(2026, 11, 21, 11, 0),
                to: now
            }
        );
        let later = now + Duration::days(3);
        assert_eq!(frozen.resolve(later, &utc).to, now);
    }

    #[test]
    fn calendar_presets_start_at_local_midnight() {
        let now = at(2026, 11, 21, 1, 30);
        let utc = ZoneRules::utc();
        let tokyo = ZoneRules::fixed(chrono::FixedOffset::east_opt(9 * 3600).unwrap());
        let new_york = ZoneRules::fixed(chrono::FixedOffset::west_opt(5 * 3600).unwrap());
        assert_eq!(
            Period::Last(Preset::Today).resolve(now, &utc).from,
            at(2026, 11, 21, 0, 0)
        );
        // 01:30 UTC is 10:30 in Tokyo, whose midnight was 15:00 UTC the day before.
        assert_eq!(
            Period::Last(Preset::Today).resolve(now, &tokyo).from,
            at(2026, 11, 20, 15, 0)
        );
        // 01:30 UTC is 20:30 on the 20th in New York.
        assert_eq!(
            Period::Last(Preset::Today).resolve(now, &new_york).from,
            at(2026, 11, 20, 5, 0)
        );
        assert_eq!(
            Period::Last(Preset::MonthToDate).resolve(now, &utc).from,
            at(2026, 11, 1, 0, 0)
        );
        assert_eq!(
            Period::Last(Preset::MonthToDate)
                .resolve(at(2026, 12, 1, 2, 0), &new_york)
                .from,
            at(2026, 11, 1, 5, 0)
        );
    }

    #[test]
    fn today_starts_at_midnight_by_that_days_own_offset() {
        // Berlin left summer time at 01:00 UTC on 25 October 2026: its midnight
        // that day was still at +02:00, 22:00 UTC the day before.
        let berlin = ZoneRules::probe(at(2026, 10, 1, 0, 0), at(2026, 11, 1, 0, 0), |t| {
            let hours = if t < at(2026, 10, 25, 1, 0) { 2 } else { 1 };
            chrono::FixedOffset::east_opt(hours * 3600).unwrap()
        });
        let now = at(2026, 10, 25, 12, 0);
        assert_eq!(
            Period::Last(Preset::Today).resolve(now, &berlin).from,
            at(2026, 10, 24, 22, 0)
        );
    }

    #[test]
    fn keys_are_read_in_any_case_and_a_reversed_range_is_named_as_such() {
        let (query, problems) =
            LogQuery::from_query_string("status=ERROR,Warning&type=Make-Audit&period=24H");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            query.to_query_string(),
            "period=24h&status=warning%2Cerror&type=make-audit"
        );
        let (query, problems) =
            LogQuery::from_query_string("period=2026-12-05T10:00:00Z..2026-12-05T09:00:00Z");
        assert_eq!(query.period, Period::default());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].reason, "the range's start is after its end");
    }

    #[test]
    fn a_zone_is_local_utc_or_spelled_as_an_iana_name() {
        for name in [
            "Europe/Berlin",
            "America/Argentina/Salta",
            "Etc/GMT+5",
            "America/Port-au-Prince",
            "europe/berlin",
        ] {
            let (query, problems) =
                LogQuery::from_query_string(&format!("tz={}", name.replace('+', "%2B")));
            assert!(problems.is_empty(), "{name}: {problems:?}");
            assert_eq!(query.zone, DisplayZone::Named(name.to_owned()));
            assert_eq!(
                LogQuery::from_query_string(&query.to_query_string()).0,
                query
            );
        }
        // The IANA name `UTC` is the UTC choice, written back as `utc`.
        let (utc, problems) = LogQuery::from_query_string("tz=UTC");
        assert!(problems.is_empty());
        assert_eq!(utc.zone, DisplayZone::Utc);
        assert_eq!(utc.to_query_string(), "tz=utc");
        assert_eq!(
            LogQuery::from_query_string("tz=Utc").0.zone,
            DisplayZone::Utc
        );
        for bad in [
            "2nd/Zone",
            "Europe//Berlin",
            "Europe/",
            "Europe/Ber lin",
            "<script>",
            "",
        ] {
            let (query, _) = LogQuery::from_query_string(&format!("tz={bad}"));
            assert_eq!(query.zone, DisplayZone::Local, "{bad:?}");
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
    use crate::client_id::ClientIdKind;
    use proptest::prelude::*;

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        (0i64..4_102_444_800, 0u32..1_000_000_000)
            .prop_map(|(secs, nanos)| DateTime::from_timestamp(secs, nanos).unwrap_or_default())
    }

    fn period() -> impl Strategy<Value = Period> {
        prop_oneof![
            proptest::sample::select(Preset::ALL.to_vec()).prop_map(Period::Last),
            (instant(), instant()).prop_map(|(a, b)| Period::Absolute {
                from: a.min(b),
                to: a.max(b)
            }),
        ]
    }

    fn keys<T: Ord + Clone + std::fmt::Debug + 'static>(
        all: &[T],
    ) -> impl Strategy<Value = BTreeSet<T>> {
        proptest::collection::btree_set(proptest::sample::select(all.to_vec()), 0..4)
    }

    fn names() -> impl Strategy<Value = BTreeSet<String>> {
        proptest::collection::btree_set(".+", 0..3)
    }

    fn client_ids() -> impl Strategy<Value = BTreeSet<ClientId>> {
        proptest::collection::btree_set(
            (proptest::sample::select(ClientIdKind::ALL.to_vec()), ".+")
                .prop_map(|(kind, value)| ClientId::new(kind, value)),
            0..3,
        )
    }

    fn query() -> impl Strategy<Value = LogQuery> {
        (
            (
                period(),
                keys(&Status::ALL),
                names(),
                keys(&CollectionType::ALL),
                names(),
                names(),
                client_ids(),
            ),
            (
                any::<String>(),
                proptest::sample::select(Column::ALL.to_vec()),
                any::<bool>(),
                proptest::option::of(".+"),
                0u8..3,
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
            ),
        )
            .prop_map(
                |(
                    (period, statuses, clients, types, collections, events, client_ids),
                    (text, column, descending, selected, zone, hide_check_runs, live, older_shown),
                )| LogQuery {
                    hide_check_runs,
                    live,
                    older_shown,
                    period,
                    statuses,
                    clients,
                    types,
                    collections,
                    events,
                    client_ids,
                    text,
                    sort: Sort { column, descending },
                    selected,
                    zone: match zone {
                        0 => DisplayZone::Local,
                        1 => DisplayZone::Utc,
                        _ => DisplayZone::Named("Asia/Kolkata".into()),
                    },
                },
            )
    }

    proptest! {
        #[test]
        fn decode_inverts_encode(query in query()) {
            let (decoded, problems) = LogQuery::from_query_string(&query.to_query_string());
            prop_assert!(problems.is_empty());
            prop_assert_eq!(decoded, query);
        }

        #[test]
        fn decoding_arbitrary_text_never_panics(search in any::<String>()) {
            let _ = LogQuery::from_query_string(&search);
        }

        #[test]
        fn decoding_arbitrary_pairs_never_panics(
            pairs in proptest::collection::vec(
                ("(period|status|type|client|client_id|collection|event|q|sort|sel|tz|x)", any::<String>()),
                0..8,
            )
        ) {
            let _ = LogQuery::decode(pairs);
        }
    }
}
