//! The dashboard's view state and its URL codec.
//!
//! The URL is the only store of filter state: the UI derives a [`LogQuery`] from the
//! location on every change and writes a new URL to change it.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Duration, SecondsFormat, Utc};

use super::model::LogRecord;
use super::status::Status;

/// Relative periods offered as presets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Minutes15,
    Hour1,
    Hours24,
    Days7,
    Days30,
}

impl Preset {
    pub const ALL: [Preset; 5] = [
        Preset::Minutes15,
        Preset::Hour1,
        Preset::Hours24,
        Preset::Days7,
        Preset::Days30,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Preset::Minutes15 => "15m",
            Preset::Hour1 => "1h",
            Preset::Hours24 => "24h",
            Preset::Days7 => "7d",
            Preset::Days30 => "30d",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Preset::Minutes15 => "Last 15 minutes",
            Preset::Hour1 => "Last hour",
            Preset::Hours24 => "Last 24 hours",
            Preset::Days7 => "Last 7 days",
            Preset::Days30 => "Last 30 days",
        }
    }

    fn length(self) -> Duration {
        match self {
            Preset::Minutes15 => Duration::minutes(15),
            Preset::Hour1 => Duration::hours(1),
            Preset::Hours24 => Duration::hours(24),
            Preset::Days7 => Duration::days(7),
            Preset::Days30 => Duration::days(30),
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

impl Period {
    /// Resolves against an injected `now`, so tests and every source agree on one instant.
    pub fn resolve(self, now: DateTime<Utc>) -> TimeWindow {
        match self {
            Period::Last(preset) => TimeWindow {
                from: now - preset.length(),
                to: now,
            },
            Period::Absolute { from, to } => TimeWindow { from, to },
        }
    }

    /// Pins a relative period to absolute instants, so a shared link shows the same rows later.
    pub fn freeze(self, now: DateTime<Utc>) -> Period {
        let window = self.resolve(now);
        Period::Absolute {
            from: window.from,
            to: window.to,
        }
    }
}

/// Everything a colleague needs to see the same view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogQuery {
    pub period: Period,
    /// Empty means every status.
    pub statuses: BTreeSet<Status>,
    /// Free text matched case-insensitively against the visible fields.
    pub text: String,
    /// [`LogRecord::key`] of the record open in the detail pane.
    pub selected: Option<String>,
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

impl LogQuery {
    /// Decodes URL query pairs. Never fails: unknown keys are ignored and bad values
    /// fall back to their defaults, each reported as a [`UrlProblem`].
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
                    Some(period) => query.period = period,
                    None => problems.push(problem("not a preset or a from..to range")),
                },
                "status" => {
                    for part in value.split(',').filter(|part| !part.is_empty()) {
                        match Status::from_key(part) {
                            Some(status) => {
                                query.statuses.insert(status);
                            }
                            None => problems.push(UrlProblem {
                                key: key.to_owned(),
                                value: part.to_owned(),
                                reason: "unknown status",
                            }),
                        }
                    }
                }
                "q" => query.text = value.to_owned(),
                "sel" if !value.is_empty() => query.selected = Some(value.to_owned()),
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
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        if let Some(selected) = &self.selected {
            pairs.push(("sel", selected.clone()));
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

    /// The browser-side filter: applied to every row, whatever the source filtered already.
    pub fn matches(&self, record: &LogRecord) -> bool {
        if !self.statuses.is_empty() && !self.statuses.contains(&record.status) {
            return false;
        }
        self.matches_text(record)
    }

    fn matches_text(&self, record: &LogRecord) -> bool {
        let needle = self.text.trim();
        if needle.is_empty() {
            return true;
        }
        let needle = needle.to_lowercase();
        let fields = [
            Some(record.id.as_str()),
            Some(record.collection.as_str()),
            record.name.as_deref(),
            record.client.as_deref(),
            record.error.as_deref(),
        ];
        fields
            .into_iter()
            .flatten()
            .any(|field| field.to_lowercase().contains(&needle))
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

fn decode_period(value: &str) -> Option<Period> {
    if let Some(preset) = Preset::ALL.into_iter().find(|p| p.key() == value) {
        return Some(Period::Last(preset));
    }
    let (from, to) = value.split_once(ABSOLUTE_SEPARATOR)?;
    let from = DateTime::parse_from_rfc3339(from).ok()?.with_timezone(&Utc);
    let to = DateTime::parse_from_rfc3339(to).ok()?.with_timezone(&Utc);
    (from <= to).then_some(Period::Absolute { from, to })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn decodes_a_readable_url() {
        let (query, problems) =
            LogQuery::from_query_string("?period=24h&status=error,warning&q=crm&sel=make:42");
        assert!(problems.is_empty());
        assert_eq!(query.period, Period::Last(Preset::Hours24));
        assert_eq!(
            query.statuses.into_iter().collect::<Vec<_>>(),
            [Status::Warning, Status::Error]
        );
        assert_eq!(query.text, "crm");
        assert_eq!(query.selected.as_deref(), Some("make:42"));
    }

    #[test]
    fn bad_values_fall_back_and_are_reported_unknown_keys_ignored() {
        let (query, problems) =
            LogQuery::from_query_string("period=yesterday&status=error,bogus&utm_source=mail");
        assert_eq!(query.period, Period::default());
        assert_eq!(
            query.statuses.into_iter().collect::<Vec<_>>(),
            [Status::Error]
        );
        let keys: Vec<(&str, &str)> = problems
            .iter()
            .map(|p| (p.key.as_str(), p.value.as_str()))
            .collect();
        assert_eq!(keys, [("period", "yesterday"), ("status", "bogus")]);
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
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 12, 0, 0).unwrap();
        let window = Period::Last(Preset::Hours24).resolve(now);
        assert_eq!(
            window.from,
            Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0).unwrap()
        );
        assert_eq!(window.to, now);
        let frozen = Period::Last(Preset::Hour1).freeze(now);
        assert_eq!(
            frozen,
            Period::Absolute {
                from: Utc.with_ymd_and_hms(2026, 11, 21, 11, 0, 0).unwrap(),
                to: now
            }
        );
        let later = now + Duration::days(3);
        assert_eq!(frozen.resolve(later).to, now);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties {
    use super::*;
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

    fn query() -> impl Strategy<Value = LogQuery> {
        (
            period(),
            proptest::collection::btree_set(proptest::sample::select(Status::ALL.to_vec()), 0..4),
            any::<String>(),
            proptest::option::of(".+"),
        )
            .prop_map(|(period, statuses, text, selected)| LogQuery {
                period,
                statuses,
                text,
                selected,
            })
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
            pairs in proptest::collection::vec(("(period|status|q|sel|x)", any::<String>()), 0..6)
        ) {
            let _ = LogQuery::decode(pairs);
        }
    }
}
