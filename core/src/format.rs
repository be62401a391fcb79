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

/// Bytes as `512 B`, `12.3 KB`, `4.5 MB` (tenths rounded half up; a size
/// that rounds to 1024.0 KB reads 1.0 MB).
pub fn bytes(count: u64) -> String {
    let tenths = |unit: u128| (u128::from(count) * 10 + unit / 2) / unit;
    match count {
        0..=1023 => format!("{count} B"),
        _ if tenths(1024) < 10_240 => with_decimals(tenths(1024), 1) + " KB",
        _ => with_decimals(tenths(1_048_576), 1) + " MB",
    }
}

/// Milliseconds as `850 ms`, `1.52 s`, `3 min 05 s` or `2 h 07 min`.
pub fn duration_ms(ms: u64) -> String {
    match ms {
        0..=999 => format!("{ms} ms"),
        // 59 995 ms and up would read 60.00 s: a minute, then.
        1_000..=59_994 => with_decimals((u128::from(ms) + 5) / 10, 2) + " s",
        59_995..=59_999 => "1 min 00 s".to_owned(),
        60_000..=3_599_999 => format!("{} min {:02} s", ms / 60_000, (ms / 1000) % 60),
        _ => format!("{} h {:02} min", ms / 3_600_000, (ms / 60_000) % 60),
    }
}

/// `value` with `places` decimals (at most 6), rounded half away from zero;
/// `0` for a value that is not finite. The chart's coordinates are written
/// with it: the standard library's float formatting is 10 KB of wasm.
pub fn fixed(value: f64, places: u32) -> String {
    let places = places.min(6);
    let scaled = (value.abs() * 10f64.powi(places as i32)).round();
    if !scaled.is_finite() {
        return "0".to_owned();
    }
    // Saturates past 2^128, far beyond any coordinate.
    let digits = with_decimals(scaled as u128, places);
    if value < 0.0 && scaled > 0.0 {
        format!("-{digits}")
    } else {
        digits
    }
}

/// `scaled` / 10^`places`, written with exactly `places` decimals.
fn with_decimals(scaled: u128, places: u32) -> String {
    if places == 0 {
        return scaled.to_string();
    }
    let unit = 10u128.pow(places);
    format!(
        "{}.{:0width$}",
        scaled / unit,
        scaled % unit,
        width = places as usize
    )
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

    use proptest::prelude::prop_oneof;

    proptest::proptest! {
        #[test]
        fn fixed_decimals_read_as_the_standard_library_writes_them(
            value in prop_oneof![-2.0e3f64..2.0e3, -1.0e9f64..1.0e9],
            places in 0u32..=4,
        ) {
            let scaled = value.abs() * 10f64.powi(places as i32);
            // Away from a tie the two agree to the digit (at a tie the standard
            // library rounds the binary value, we round half away from zero).
            proptest::prop_assume!((scaled.fract() - 0.5).abs() > 1e-6);
            let expected = format!("{:.*}", places as usize, value);
            let expected = match expected.strip_prefix('-') {
                Some(digits) if digits.chars().all(|c| c == '0' || c == '.') => digits.to_owned(),
                _ => expected,
            };
            proptest::prop_assert_eq!(fixed(value, places), expected);
        }

        #[test]
        fn sizes_and_durations_round_as_the_float_formatting_did_away_from_ties(
            count in prop_oneof![0u64..2_048, 1_024u64..1 << 20, 0u64..1 << 40],
        ) {
            let kb = count as f64 / 1024.0;
            let mb = count as f64 / 1_048_576.0;
            let unit = if count < 1_048_576 { kb } else { mb };
            proptest::prop_assume!(count < 1024 || ((unit * 10.0).fract() - 0.5).abs() > 1e-6);
            // Where the float formatting wrote 1024.0 KB, we write 1.0 MB.
            proptest::prop_assume!(!(1_048_525..1_048_576).contains(&count));
            let expected = match count {
                0..=1023 => format!("{count} B"),
                1024..=1_048_575 => format!("{kb:.1} KB"),
                _ => format!("{mb:.1} MB"),
            };
            proptest::prop_assert_eq!(bytes(count), expected);
            let ms = count % 64_000;
            if (1_000..59_995).contains(&ms) && ms % 10 != 5 {
                proptest::prop_assert_eq!(duration_ms(ms), format!("{:.2} s", ms as f64 / 1000.0));
            }
        }
    }

    #[test]
    fn fixed_rounds_half_away_from_zero_and_writes_every_decimal() {
        assert_eq!(fixed(0.5, 0), "1");
        assert_eq!(fixed(-2.345, 1), "-2.3");
        assert_eq!(fixed(12.0, 2), "12.00");
        assert_eq!(fixed(-0.001, 2), "0.00");
        assert_eq!(fixed(f64::NAN, 2), "0");
        assert_eq!(duration_ms(1_525), "1.53 s");
        assert_eq!(bytes(1_048_524), "1023.9 KB");
        assert_eq!(bytes(1_048_525), "1.0 MB");
        assert_eq!(bytes(1_048_575), "1.0 MB");
        assert_eq!(duration_ms(59_994), "59.99 s");
        assert_eq!(duration_ms(59_996), "1 min 00 s");
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
