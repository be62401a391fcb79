//! Text formatting of record fields for the table, shared by every view.

use chrono::{DateTime, FixedOffset, Utc};

use crate::zone::ZoneRules;

/// `2026-11-21 11:04:05` in the display zone; the zone is named once, in the
/// header. In the hour a zone repeats when its clocks go back, the same reading
/// names two instants, so there the offset follows (`02:30:00 UTC+02:00`).
pub fn timestamp_in(instant: DateTime<Utc>, zone: &ZoneRules) -> String {
    use chrono::TimeZone;
    let local = instant.with_timezone(zone);
    let text = crate::wall_clock::to_second(&local);
    match zone.offset_from_local_datetime(&local.naive_local()) {
        chrono::LocalResult::Ambiguous(..) => {
            format!("{text} {}", offset_label(*local.offset()))
        }
        _ => text,
    }
}

/// `UTC`, `UTC+01:00`, `UTC-05:30`.
pub fn offset_label(offset: FixedOffset) -> String {
    let seconds = offset.local_minus_utc();
    if seconds == 0 {
        return "UTC".to_owned();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Make's centicredits as credits with two decimals, exactly: `12345` → `123.45`.
pub fn centicredits(value: u64) -> String {
    format!("{}.{:02}", value / 100, value % 100)
}

/// Bytes as `512 B`, `12.3 KB`, `4.5 MB`.
pub fn bytes(count: u64) -> String {
    match count {
        0..=1023 => format!("{count} B"),
        1024..=1_048_575 => format!("{:.1} KB", count as f64 / 1024.0),
        _ => format!("{:.1} MB", count as f64 / 1_048_576.0),
    }
}

/// Milliseconds as `850 ms`, `1.52 s`, `3 min 05 s` or `2 h 07 min`.
pub fn duration_ms(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        1_000..=59_999 => format!("{:.2} s", ms as f64 / 1000.0),
        60_000..=3_599_999 => format!("{} min {:02} s", ms / 60_000, (ms / 1000) % 60),
        _ => format!("{} h {:02} min", ms / 3_600_000, (ms / 60_000) % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn timestamps_from_1970_to_2100_read_as_the_strftime_pattern_would(seconds in 0i64..4_102_444_800, india: bool) {
            let instant = DateTime::from_timestamp(seconds, 0).unwrap_or_default();
            let zone: ZoneRules = if india {
                FixedOffset::east_opt(5 * 3600 + 1800).unwrap().into()
            } else {
                ZoneRules::utc()
            };
            let expected = instant.with_timezone(&zone).format("%Y-%m-%d %H:%M:%S").to_string();
            proptest::prop_assert_eq!(timestamp_in(instant, &zone), expected);
        }
    }
    use chrono::TimeZone;

    #[test]
    fn the_repeated_hour_names_its_offset() {
        let change = Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        let berlin = ZoneRules::probe(
            change - chrono::Duration::days(2),
            change + chrono::Duration::days(2),
            |t| FixedOffset::east_opt(if t < change { 7200 } else { 3600 }).unwrap(),
        );
        let half_past = chrono::Duration::minutes(30);
        assert_eq!(
            timestamp_in(change - half_past, &berlin),
            "2026-10-25 02:30:00 UTC+02:00"
        );
        assert_eq!(
            timestamp_in(change + half_past, &berlin),
            "2026-10-25 02:30:00 UTC+01:00"
        );
        assert_eq!(
            timestamp_in(change + chrono::Duration::hours(2), &berlin),
            "2026-10-25 04:00:00"
        );
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration_ms(850), "850 ms");
        assert_eq!(duration_ms(1520), "1.52 s");
        assert_eq!(duration_ms(185_000), "3 min 05 s");
        assert_eq!(duration_ms(7_620_000), "2 h 07 min");
    }

    #[test]
    fn local_times_and_offsets_read_plainly() {
        let instant = Utc.with_ymd_and_hms(2026, 11, 21, 10, 4, 5).unwrap();
        let india = FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
        assert_eq!(timestamp_in(instant, &india.into()), "2026-11-21 15:34:05");
        assert_eq!(offset_label(india), "UTC+05:30");
        assert_eq!(
            offset_label(FixedOffset::west_opt(5 * 3600).unwrap()),
            "UTC-05:00"
        );
        assert_eq!(offset_label(FixedOffset::east_opt(0).unwrap()), "UTC");
        assert_eq!(bytes(2048), "2.0 KB");
        assert_eq!(centicredits(9_007_199_254_740_993), "90071992547409.93");
    }
}
