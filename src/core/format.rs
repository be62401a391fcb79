//! Text formatting of record fields for the table, shared by every view.

use chrono::{DateTime, Utc};

/// `2026-11-21 10:04:05 UTC`: sortable, unambiguous, no locale surprises.
pub fn timestamp_utc(instant: DateTime<Utc>) -> String {
    instant.format("%Y-%m-%d %H:%M:%S UTC").to_string()
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
    use chrono::TimeZone;

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration_ms(850), "850 ms");
        assert_eq!(duration_ms(1520), "1.52 s");
        assert_eq!(duration_ms(185_000), "3 min 05 s");
        assert_eq!(duration_ms(7_620_000), "2 h 07 min");
    }

    #[test]
    fn timestamps_are_written_in_utc() {
        let instant = Utc.with_ymd_and_hms(2026, 11, 21, 10, 4, 5).unwrap();
        assert_eq!(timestamp_utc(instant), "2026-11-21 10:04:05 UTC");
    }
}
