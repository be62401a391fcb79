//! The display zone's rules, read from the browser: its own zone through `Date`,
//! any IANA zone through `Intl.DateTimeFormat` (so the zone database costs the
//! bundle nothing). The core turns them into times.

use chrono::{DateTime, Duration, FixedOffset, NaiveTime, Utc};
use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use logdeck_core::format;
use logdeck_core::query::{DisplayZone, TimeWindow};
use logdeck_core::zone::ZoneRules;

/// A `tz=` name the browser does not know: times are shown in UTC, and the
/// time zone control says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownZone(pub String);

/// The zone's offsets over `span`, a day wider on each side.
pub fn zone_rules(zone: &DisplayZone, span: TimeWindow) -> Result<ZoneRules, UnknownZone> {
    let from = span.from - Duration::days(1);
    let to = span.to + Duration::days(1);
    match zone {
        DisplayZone::Utc => Ok(ZoneRules::utc()),
        DisplayZone::Local => Ok(ZoneRules::probe(from, to, local_offset)),
        DisplayZone::Named(name) => {
            let format = offset_format(name).ok_or_else(|| UnknownZone(name.clone()))?;
            Ok(ZoneRules::probe(from, to, |instant| {
                named_offset(&format, instant)
            }))
        }
    }
}

/// The rules for the recent past, enough to resolve "Today" or "Month to date".
pub fn recent_rules(zone: &DisplayZone) -> ZoneRules {
    zone_rules(zone, shown_span(None)).unwrap_or_else(|_| ZoneRules::utc())
}

/// The instant now, as a span: enough to read a zone's offset today or to learn
/// whether the browser knows it, for a handful of asks.
pub fn now_span() -> TimeWindow {
    let now = Utc::now();
    TimeWindow { from: now, to: now }
}

/// The days a view shows, or the recent past before one is loaded, up to now.
pub fn shown_span(window: Option<TimeWindow>) -> TimeWindow {
    let now = Utc::now();
    let span = match window {
        Some(window) => TimeWindow {
            from: window.from,
            to: window.to.max(now),
        },
        None => TimeWindow {
            from: now - Duration::days(32),
            to: now,
        },
    };
    // Whole UTC days: a filter change moves "now" but not the days, so the
    // zone is not probed again for every change.
    let day = |instant: DateTime<Utc>| instant.date_naive().and_time(NaiveTime::MIN).and_utc();
    TimeWindow {
        from: day(span.from),
        to: day(span.to)
            .checked_add_signed(Duration::days(1))
            .unwrap_or(span.to),
    }
}

/// What the Time column's header says: the zone's name, or the browser's
/// offset now; UTC for a name the browser does not `know` (times are in UTC).
pub fn zone_label(zone: &DisplayZone, known: bool, rules: &ZoneRules) -> String {
    match zone {
        DisplayZone::Named(name) if known => name.clone(),
        DisplayZone::Named(_) => "UTC".to_owned(),
        _ => format::offset_label(rules.offset_at(Utc::now())),
    }
}

/// The link notice's line for a `tz=` the browser does not know, in the
/// codec's own words for what it ignores.
pub fn unknown_zone_problem(name: &str) -> String {
    format!("ignored tz={name:?}: not a time zone this browser knows, so times are in UTC")
}

/// The browser's own spelling of a zone it knows (`europe/berlin` is
/// `Europe/Berlin`), or `None` when it does not know the zone.
pub fn browser_spelling(name: &str) -> Option<String> {
    let options = offset_format(name)?.resolved_options();
    Reflect::get(&options, &"timeZone".into()).ok()?.as_string()
}

/// Every IANA zone the browser knows, for the time zone control.
pub fn zone_names() -> Vec<String> {
    let names = intl()
        .and_then(|intl| Reflect::get(&intl, &"supportedValuesOf".into()).ok())
        .and_then(|function| function.dyn_into::<Function>().ok())
        .and_then(|function| function.call1(&JsValue::NULL, &"timeZone".into()).ok())
        .and_then(|names| names.dyn_into::<Array>().ok());
    names
        .map(|names| names.iter().filter_map(|name| name.as_string()).collect())
        .unwrap_or_default()
}

fn local_offset(instant: DateTime<Utc>) -> FixedOffset {
    let date = js_sys::Date::new(&JsValue::from_f64(instant.timestamp_millis() as f64));
    // Minutes *behind* UTC: Berlin in winter says -60.
    let seconds = -(date.get_timezone_offset() * 60.0) as i32;
    FixedOffset::east_opt(seconds).unwrap_or_else(|| chrono::Offset::fix(&Utc))
}

fn intl() -> Option<JsValue> {
    Reflect::get(&js_sys::global(), &"Intl".into()).ok()
}

/// `Intl.DateTimeFormat("en-US", {timeZone, timeZoneName: "longOffset"})`, or
/// `None` when the browser does not know the zone (it throws a RangeError).
fn offset_format(name: &str) -> Option<js_sys::Intl::DateTimeFormat> {
    let constructor = Reflect::get(&intl()?, &"DateTimeFormat".into())
        .ok()?
        .dyn_into::<Function>()
        .ok()?;
    let options = Object::new();
    Reflect::set(&options, &"timeZone".into(), &name.into()).ok()?;
    Reflect::set(&options, &"timeZoneName".into(), &"longOffset".into()).ok()?;
    let arguments = Array::of2(&"en-US".into(), &options);
    Reflect::construct(&constructor, &arguments)
        .ok()?
        .dyn_into()
        .ok()
}

/// The offset `format` names for `instant`: its `GMT+05:30` part.
fn named_offset(format: &js_sys::Intl::DateTimeFormat, instant: DateTime<Utc>) -> FixedOffset {
    let date = js_sys::Date::new(&JsValue::from_f64(instant.timestamp_millis() as f64));
    let parts = format.format_to_parts(&date);
    parts
        .iter()
        .find(|part| {
            Reflect::get(part, &"type".into())
                .ok()
                .and_then(|kind| kind.as_string())
                .is_some_and(|kind| kind == "timeZoneName")
        })
        .and_then(|part| Reflect::get(&part, &"value".into()).ok())
        .and_then(|value| value.as_string())
        .and_then(|text| parse_gmt_offset(&text))
        .unwrap_or_else(|| chrono::Offset::fix(&Utc))
}

/// `GMT`, `GMT+1`, `GMT-05:30`, `GMT+05:45` → the offset.
fn parse_gmt_offset(text: &str) -> Option<FixedOffset> {
    let rest = text.strip_prefix("GMT")?;
    if rest.is_empty() {
        return FixedOffset::east_opt(0);
    }
    let (sign, digits) = match rest.strip_prefix('+') {
        Some(digits) => (1, digits),
        None => (-1, rest.strip_prefix(['-', '\u{2212}'])?),
    };
    let (hours, minutes) = digits.split_once(':').unwrap_or((digits, "0"));
    let seconds = hours.parse::<i32>().ok()? * 3600 + minutes.parse::<i32>().ok()? * 60;
    FixedOffset::east_opt(sign * seconds)
}
