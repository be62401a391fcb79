//! Wall-clock times written the way logs and people write them
//! (`2026-12-04 13:00`, `2026-12-04T13:00:05.250`), read and written without
//! chrono's format strings: those pull chrono's whole format interpreter into
//! the wasm (about 20 KB) for a handful of fixed forms.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

/// A date and a time of day: `YYYY-MM-DD`, then `T` or spaces, then `HH:MM`,
/// optionally `:SS` and a fraction of up to nine digits. Month, day, hour,
/// minute and second may have one digit; the year has four.
pub fn parse(text: &str) -> Option<NaiveDateTime> {
    let mut rest = text;
    let year = digits(&mut rest, 4, 4)?;
    let month = separated(&mut rest, '-')?;
    let day = separated(&mut rest, '-')?;
    rest = match rest.strip_prefix('T') {
        Some(after) => after,
        None => {
            let after = rest.trim_start_matches(' ');
            (after.len() < rest.len()).then_some(after)?
        }
    };
    let hour = digits(&mut rest, 1, 2)?;
    let minute = separated(&mut rest, ':')?;
    let second = if rest.starts_with(':') {
        separated(&mut rest, ':')?
    } else {
        0
    };
    let nanos = match rest.strip_prefix('.') {
        Some(fraction) => {
            rest = fraction;
            let written = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            let nanos = digits(&mut rest, 1, 9)?;
            nanos * 10u32.pow(9 - u32::try_from(written).ok()?)
        }
        None => 0,
    };
    if !rest.is_empty() {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(date.and_time(NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?))
}

/// Which end of a range a typed time is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeEnd {
    Start,
    End,
}

/// A custom range's bound as typed: a time as [`parse`] reads it, or a day
/// alone (`2026-12-04`), which is the whole day: its midnight as a start, the
/// next day's as an end.
pub fn parse_range_bound(text: &str, end: RangeEnd) -> Option<NaiveDateTime> {
    parse(text).or_else(|| {
        let mut rest = text;
        let year = digits(&mut rest, 4, 4)?;
        let month = separated(&mut rest, '-')?;
        let day = separated(&mut rest, '-')?;
        if !rest.is_empty() {
            return None;
        }
        let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
        let date = match end {
            RangeEnd::Start => date,
            RangeEnd::End => date.succ_opt()?,
        };
        Some(date.and_time(NaiveTime::MIN))
    })
}

/// A custom range's start as shown: to the minute, or with its seconds and
/// their fraction where it has them (a link may hold any instant), so that
/// what is shown is the period's start and applying it again keeps the
/// period.
pub fn range_start(time: &(impl Datelike + Timelike)) -> String {
    // A leap second's fraction counts past a whole second: the second's last.
    let nanos = time.nanosecond().min(999_999_999);
    match (time.second(), nanos) {
        (0, 0) => to_minute(time),
        (_, 0) => to_second(time),
        _ => {
            let fraction = format!("{nanos:09}");
            format!("{}.{}", to_second(time), fraction.trim_end_matches('0'))
        }
    }
}

/// `2026-12-04`.
pub fn date(day: &impl Datelike) -> String {
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// `2026-12-04 13:05`: a time to the minute, as the custom range shows it.
pub fn to_minute(time: &(impl Datelike + Timelike)) -> String {
    format!("{} {:02}:{:02}", date(time), time.hour(), time.minute())
}

/// The first whole minute at or after `instant`. The custom range shows its
/// end to the minute, rounded up: applying the range again (after changing
/// its start, say) never drops the period's last seconds, such as those of a
/// period a chart bar narrowed to, which ends a microsecond before a minute.
pub fn minute_at_or_after(instant: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    rounded_up(instant, 60_000_000)
}

/// The first whole second at or after `instant`: an end asked of an API that
/// reads times to the second, so no row of the last second is left out.
pub fn second_at_or_after(instant: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    rounded_up(instant, 1_000_000)
}

/// `instant` rounded up to a whole `unit` of microseconds.
fn rounded_up(instant: chrono::DateTime<chrono::Utc>, unit: i64) -> chrono::DateTime<chrono::Utc> {
    let into_unit = instant.timestamp_micros().rem_euclid(unit);
    if into_unit == 0 {
        instant
    } else {
        instant + chrono::Duration::microseconds(unit - into_unit)
    }
}

/// `2026-12-04 13:05:09`: a time to the second, as the table shows it (one
/// `format!` a row on screen, no date string built on the side).
pub fn to_second(time: &(impl Datelike + Timelike)) -> String {
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        time.year(),
        time.month(),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    )
}

/// `c` followed by one or two digits.
fn separated(rest: &mut &str, c: char) -> Option<u32> {
    *rest = rest.strip_prefix(c)?;
    digits(rest, 1, 2)
}

/// Between `min` and `max` ASCII digits, taken off the front of `rest`.
fn digits(rest: &mut &str, min: usize, max: usize) -> Option<u32> {
    let count = rest.bytes().take_while(u8::is_ascii_digit).count();
    if count < min || count > max {
        return None;
    }
    let (number, after) = rest.split_at(count);
    *rest = after;
    number.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_alone_is_the_whole_day_and_a_time_is_read_as_ever() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let midnight = |d| day(d).and_time(NaiveTime::MIN);
        assert_eq!(
            parse_range_bound("2026-12-04", RangeEnd::Start),
            Some(midnight(4))
        );
        assert_eq!(
            parse_range_bound("2026-12-04", RangeEnd::End),
            Some(midnight(5))
        );
        assert_eq!(
            parse_range_bound("2026-12-31", RangeEnd::End),
            NaiveDate::from_ymd_opt(2027, 1, 1).map(|d| d.and_time(NaiveTime::MIN))
        );
        let at = day(4).and_hms_opt(13, 0, 0);
        assert_eq!(parse_range_bound("2026-12-04 13:00", RangeEnd::End), at);
        assert_eq!(parse_range_bound("2026-12-04 13:00", RangeEnd::Start), at);
        for bad in ["2026-12-4x", "2026-13-01", "2026-12-04 ", "12/04/2026", ""] {
            assert_eq!(parse_range_bound(bad, RangeEnd::Start), None, "{bad:?}");
        }
    }

    #[test]
    fn a_start_with_seconds_shows_them() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(
            range_start(&day.and_hms_opt(10, 0, 0).unwrap()),
            "2026-12-04 10:00"
        );
        assert_eq!(
            range_start(&day.and_hms_opt(10, 0, 30).unwrap()),
            "2026-12-04 10:00:30"
        );
        let roundtrip = parse(&range_start(&day.and_hms_opt(10, 0, 30).unwrap()));
        assert_eq!(roundtrip, day.and_hms_opt(10, 0, 30));
        let fraction = day.and_hms_micro_opt(10, 0, 30, 250_000).unwrap();
        assert_eq!(range_start(&fraction), "2026-12-04 10:00:30.25");
        assert_eq!(parse(&range_start(&fraction)), Some(fraction));
    }

    #[test]
    fn an_asked_end_rounds_up_to_the_second_and_a_whole_second_stays() {
        use chrono::{Duration, TimeZone, Utc};
        let second = Utc.with_ymd_and_hms(2026, 12, 5, 10, 30, 7).unwrap();
        assert_eq!(second_at_or_after(second), second);
        assert_eq!(
            second_at_or_after(second - Duration::microseconds(300_000)),
            second
        );
        assert_eq!(
            second_at_or_after(second + Duration::microseconds(1)),
            second + Duration::seconds(1)
        );
    }

    #[test]
    fn a_range_end_rounds_up_to_the_minute_and_a_whole_minute_stays() {
        use chrono::{Duration, TimeZone, Utc};
        let minute = Utc.with_ymd_and_hms(2026, 12, 5, 10, 30, 0).unwrap();
        assert_eq!(minute_at_or_after(minute), minute);
        assert_eq!(
            minute_at_or_after(minute - Duration::microseconds(1)),
            minute
        );
        assert_eq!(minute_at_or_after(minute - Duration::seconds(59)), minute);
        assert_eq!(
            minute_at_or_after(minute + Duration::seconds(1)),
            minute + Duration::minutes(1)
        );
        // Before 1970 too.
        let old = Utc.with_ymd_and_hms(1969, 7, 20, 20, 17, 40).unwrap();
        assert_eq!(
            minute_at_or_after(old),
            Utc.with_ymd_and_hms(1969, 7, 20, 20, 18, 0).unwrap()
        );
    }
    use proptest::prelude::*;

    /// What chrono's format strings made of the forms Logdeck reads.
    fn by_chrono(text: &str) -> Option<NaiveDateTime> {
        let text = text.replacen('T', " ", 1);
        ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S%.f"]
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(&text, format).ok())
    }

    #[test]
    fn the_forms_logs_and_people_write() {
        let at = |h, m, s, nanos| {
            NaiveDate::from_ymd_opt(2026, 12, 4).and_then(|d| d.and_hms_nano_opt(h, m, s, nanos))
        };
        assert_eq!(parse("2026-12-04 13:05"), at(13, 5, 0, 0));
        assert_eq!(parse("2026-12-04T13:05:09"), at(13, 5, 9, 0));
        assert_eq!(parse("2026-12-04  13:05:09.25"), at(13, 5, 9, 250_000_000));
        assert_eq!(
            parse("2026-12-4 9:5:09.123456789"),
            at(9, 5, 9, 123_456_789)
        );
        for wrong in [
            "",
            "2026-12-04",
            "2026-12-0413:05",
            "2026-13-04 13:05",
            "2026-02-30 13:05",
            "2026-12-04 24:00",
            "2026-12-04 13:05:09.",
            "2026-12-04 13:05:09.1234567890",
            "2026-12-04 13:05Z",
            "26-12-04 13:05",
            "+2026-12-04 13:05",
            "2026-12-04 13:005",
        ] {
            assert_eq!(parse(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn written_as_the_table_and_file_names_write_them() {
        let time = NaiveDate::from_ymd_opt(7, 3, 9)
            .and_then(|d| d.and_hms_opt(4, 5, 6))
            .unwrap();
        assert_eq!(date(&time), "0007-03-09");
        assert_eq!(to_minute(&time), "0007-03-09 04:05");
        assert_eq!(to_second(&time), "0007-03-09 04:05:06");
    }

    proptest! {
        /// Every time in years 1 to 9999 reads back from its written forms,
        /// as chrono's format strings read it.
        #[test]
        fn reads_what_chrono_reads(
            seconds in 0i64..315_537_897_600,
            nanos in 0u32..1_000_000_000,
            digits in 1usize..=9,
            separator in prop::sample::select(vec!["T", " ", "   "]),
        ) {
            let time = chrono::DateTime::from_timestamp(seconds - 62_135_596_800, nanos)
                .unwrap()
                .naive_utc();
            let fraction = format!("{:09}", time.nanosecond());
            let written = [
                format!("{}{separator}{:02}:{:02}", date(&time), time.hour(), time.minute()),
                format!("{}{separator}{}", date(&time), time.format("%H:%M:%S")),
                format!("{}{separator}{}.{}", date(&time), time.format("%H:%M:%S"), &fraction[..digits]),
            ];
            for text in written {
                prop_assert!(parse(&text).is_some(), "{}", text);
                prop_assert_eq!(parse(&text), by_chrono(&text), "{}", text);
            }
            prop_assert_eq!(parse(&to_minute(&time)), by_chrono(&to_minute(&time)));
        }

        /// Whatever the text, no panic, and never a time chrono would not read.
        #[test]
        fn any_text_reads_as_chrono_reads_it_or_not_at_all(text in "[0-9T :.-]{0,30}") {
            if let Some(time) = parse(&text) {
                prop_assert_eq!(Some(time), by_chrono(&text), "{}", text);
            }
        }
    }
}
