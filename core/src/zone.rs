//! The display zone's rules: which UTC offset applies at which instant.
//!
//! A fixed offset is wrong for any period that crosses a daylight-saving change
//! (a 90-day view in Berlin spans two), so times are shown with the offset in force
//! at each instant. The core knows no zone database: the browser does (`Intl`
//! knows every IANA zone), so the app [`ZoneRules::probe`]s the zone over the
//! period it shows and the core reads the resulting table.

use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};

/// Offsets by the instant they start at, oldest first; the first also applies
/// before it. Cheap to clone (shared).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRules {
    changes: Arc<[(DateTime<Utc>, FixedOffset)]>,
}

/// How often a probe asks the zone for its offset: no zone changes offset twice
/// within six hours.
const PROBE_STEP_HOURS: i64 = 6;

/// At most this many asks per probe: a link to a span of centuries must not hang
/// the page (steps grow instead; a real view spans days or months).
const MAX_PROBES: i64 = 6_000;

impl ZoneRules {
    /// One offset at every instant (UTC, or a zone without changes).
    pub fn fixed(offset: FixedOffset) -> ZoneRules {
        ZoneRules {
            changes: Arc::from([(DateTime::<Utc>::MIN_UTC, offset)]),
        }
    }

    pub fn utc() -> ZoneRules {
        ZoneRules::fixed(Utc.fix())
    }

    /// The zone's offsets over `from..=to`, asking `offset_of` every few hours and
    /// narrowing each change down to the second.
    pub fn probe(
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        offset_of: impl Fn(DateTime<Utc>) -> FixedOffset,
    ) -> ZoneRules {
        // Whole seconds, so each change found is exact to the second.
        let from = DateTime::from_timestamp(from.timestamp(), 0).unwrap_or(from);
        let step = Duration::hours(PROBE_STEP_HOURS)
            .max(Duration::seconds((to - from).num_seconds() / MAX_PROBES));
        let mut current = offset_of(from);
        let mut changes = vec![(DateTime::<Utc>::MIN_UTC, current)];
        let mut before = from;
        while before < to {
            let after = before
                .checked_add_signed(step)
                .map_or(to, |after| after.min(to));
            let offset = offset_of(after);
            if offset != current {
                changes.push((first_change(before, after, current, &offset_of), offset));
                current = offset;
            }
            before = after;
        }
        ZoneRules {
            changes: changes.into(),
        }
    }

    /// Whether the offset changes within the probed span: then a wall-clock
    /// hour may repeat, and a time read in it carries its offset.
    pub fn changes_offset(&self) -> bool {
        self.changes.len() > 1
    }

    /// The offset in force at `instant`.
    pub fn offset_at(&self, instant: DateTime<Utc>) -> FixedOffset {
        let index = self
            .changes
            .partition_point(|(start, _)| *start <= instant)
            .saturating_sub(1);
        self.changes
            .get(index)
            .map_or_else(|| Utc.fix(), |(_, offset)| *offset)
    }

    /// The instant a wall-clock time names; in a gap (spring forward) the
    /// instant an hour later's reading gives, in an overlap the earlier one.
    pub fn instant_of(&self, local: NaiveDateTime) -> DateTime<Utc> {
        self.from_local_datetime(&local)
            .earliest()
            .map(|time| time.with_timezone(&Utc))
            .unwrap_or_else(|| {
                let near = local.and_utc();
                let day_before = near.checked_sub_signed(Duration::days(1)).unwrap_or(near);
                let before_gap = self.offset_at(day_before);
                near.checked_sub_signed(Duration::seconds(before_gap.local_minus_utc().into()))
                    .unwrap_or(near)
            })
    }
}

/// The first second in `(before, after]` whose offset is no longer `was`.
fn first_change(
    mut before: DateTime<Utc>,
    mut after: DateTime<Utc>,
    was: FixedOffset,
    offset_of: impl Fn(DateTime<Utc>) -> FixedOffset,
) -> DateTime<Utc> {
    while after - before > Duration::seconds(1) {
        let middle = before + Duration::seconds((after - before).num_seconds() / 2);
        if offset_of(middle) == was {
            before = middle;
        } else {
            after = middle;
        }
    }
    after
}

/// So `instant.with_timezone(&rules)` and `local.and_local_timezone(rules)`
/// work as with chrono's own zones.
impl TimeZone for ZoneRules {
    type Offset = FixedOffset;

    /// chrono rebuilds a zone from one offset in date arithmetic on a
    /// `DateTime<ZoneRules>` (adding a duration, `with_day`): the result then has a
    /// fixed offset. Do such arithmetic in UTC and convert after.
    fn from_offset(offset: &FixedOffset) -> ZoneRules {
        ZoneRules::fixed(*offset)
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> chrono::LocalResult<FixedOffset> {
        local
            .and_hms_opt(0, 0, 0)
            .map_or(chrono::LocalResult::None, |midnight| {
                self.offset_from_local_datetime(&midnight)
            })
    }

    /// Tries each offset the zone has near that wall-clock time: one fits in
    /// normal times, two in an overlap, none in a gap.
    fn offset_from_local_datetime(
        &self,
        local: &NaiveDateTime,
    ) -> chrono::LocalResult<FixedOffset> {
        // One offset at every instant (UTC, a fixed offset): nothing to probe,
        // and the table asks this for every row it shows.
        if let [(_, only)] = self.changes[..] {
            return chrono::LocalResult::Single(only);
        }
        let near = local.and_utc();
        let day = Duration::days(1);
        // Checked: a wall-clock time at the edge of chrono's range has no neighbour.
        let mut fitting: Vec<FixedOffset> = [
            near.checked_sub_signed(day),
            Some(near),
            near.checked_add_signed(day),
        ]
        .into_iter()
        .flatten()
        .map(|around| self.offset_at(around))
        .filter(|offset| {
            near.checked_sub_signed(Duration::seconds(offset.local_minus_utc().into()))
                .is_some_and(|instant| self.offset_at(instant) == *offset)
        })
        .collect();
        fitting.sort_by_key(|offset| std::cmp::Reverse(offset.local_minus_utc()));
        fitting.dedup();
        match fitting[..] {
            [] => chrono::LocalResult::None,
            [one] => chrono::LocalResult::Single(one),
            [earlier, later, ..] => chrono::LocalResult::Ambiguous(earlier, later),
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> FixedOffset {
        utc.and_hms_opt(0, 0, 0)
            .map_or_else(|| Utc.fix(), |midnight| self.offset_at(midnight.and_utc()))
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
        self.offset_at(utc.and_utc())
    }
}

impl From<FixedOffset> for ZoneRules {
    fn from(offset: FixedOffset) -> ZoneRules {
        ZoneRules::fixed(offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    fn hours(h: i32) -> FixedOffset {
        FixedOffset::east_opt(h * 3600).unwrap()
    }

    /// Berlin in 2026: +02:00 from 29 March 01:00 UTC to 25 October 01:00 UTC.
    fn berlin(instant: DateTime<Utc>) -> FixedOffset {
        let summer_from = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        let summer_to = Utc.with_ymd_and_hms(2026, 10, 25, 1, 0, 0).unwrap();
        if (summer_from..summer_to).contains(&instant) {
            hours(2)
        } else {
            hours(1)
        }
    }

    fn berlin_2026() -> ZoneRules {
        ZoneRules::probe(
            Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 12, 31, 0, 0, 0).unwrap(),
            berlin,
        )
    }

    #[test]
    fn a_span_across_a_change_is_told_from_one_without() {
        assert!(berlin_2026().changes_offset());
        assert!(!ZoneRules::utc().changes_offset());
        let summer = ZoneRules::probe(
            Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 6, 30, 0, 0, 0).unwrap(),
            berlin,
        );
        assert!(!summer.changes_offset());
        // One offset: local times resolve at once, to that offset.
        let local = Utc
            .with_ymd_and_hms(2026, 6, 2, 10, 0, 0)
            .unwrap()
            .naive_utc();
        assert_eq!(
            summer.offset_from_local_datetime(&local),
            chrono::LocalResult::Single(hours(2))
        );
    }

    #[test]
    fn a_probe_finds_each_change_to_the_second() {
        let rules = berlin_2026();
        for day in 0..365 {
            for hour in [0, 1, 2, 7, 13, 23] {
                let instant =
                    Utc.with_ymd_and_hms(2026, 1, 1, hour, 30, 0).unwrap() + Duration::days(day);
                assert_eq!(rules.offset_at(instant), berlin(instant), "{instant}");
            }
        }
        let change = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        assert_eq!(rules.offset_at(change - Duration::seconds(1)), hours(1));
        assert_eq!(rules.offset_at(change), hours(2));
    }

    #[test]
    fn times_read_in_the_offset_of_their_own_day() {
        let rules = berlin_2026();
        let winter = Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap();
        let summer = Utc.with_ymd_and_hms(2026, 7, 10, 12, 0, 0).unwrap();
        assert_eq!(winter.with_timezone(&rules).hour(), 13);
        assert_eq!(summer.with_timezone(&rules).hour(), 14);
    }

    #[test]
    fn wall_clock_times_become_instants_gaps_and_overlaps_included() {
        let rules = berlin_2026();
        let local = |m, d, h, min| {
            NaiveDate::from_ymd_opt(2026, m, d)
                .unwrap()
                .and_hms_opt(h, min, 0)
                .unwrap()
        };
        assert_eq!(
            rules.instant_of(local(7, 10, 14, 0)),
            Utc.with_ymd_and_hms(2026, 7, 10, 12, 0, 0).unwrap()
        );
        // 25 October 02:30 happens twice: the first (summer time) is meant.
        assert_eq!(
            rules.instant_of(local(10, 25, 2, 30)),
            Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap()
        );
        // 29 March 02:30 never happens: read with the offset before the gap.
        assert_eq!(
            rules.instant_of(local(3, 29, 2, 30)),
            Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap()
        );
    }

    #[test]
    fn a_probe_from_a_fraction_of_a_second_still_finds_the_change_exactly() {
        let from =
            Utc.with_ymd_and_hms(2026, 3, 28, 7, 13, 5).unwrap() + Duration::milliseconds(731);
        let rules = ZoneRules::probe(from, from + Duration::days(2), berlin);
        let change = Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap();
        assert_eq!(rules.offset_at(change - Duration::seconds(1)), hours(1));
        assert_eq!(rules.offset_at(change), hours(2));
    }

    #[test]
    fn a_span_of_centuries_is_probed_in_bounded_steps() {
        let asked = std::cell::Cell::new(0);
        let from = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
        let to = Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).unwrap();
        ZoneRules::probe(from, to, |t| {
            asked.set(asked.get() + 1);
            berlin(t)
        });
        assert!(asked.get() <= 7_000, "{} asks", asked.get());
    }

    #[test]
    fn wall_clock_times_at_the_ends_of_time_do_not_panic() {
        let rules = ZoneRules::fixed(hours(14));
        for local in [NaiveDateTime::MIN, NaiveDateTime::MAX] {
            let _ = rules.instant_of(local);
        }
    }

    #[test]
    fn a_fixed_offset_is_the_same_everywhere() {
        let rules = ZoneRules::fixed(hours(-5));
        assert_eq!(rules.offset_at(DateTime::<Utc>::MIN_UTC), hours(-5));
        assert_eq!(rules.offset_at(DateTime::<Utc>::MAX_UTC), hours(-5));
        assert_eq!(
            ZoneRules::utc().offset_at(DateTime::<Utc>::MAX_UTC),
            hours(0)
        );
    }
}
