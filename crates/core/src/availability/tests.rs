//! Unit and property tests of the engine: DST weeks, holidays, buffers, notice,
//! horizon, split hours and staff hours.

use super::*;
use crate::hours::WeeklyHours;
use jiff::civil::date;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn berlin() -> TimeZone {
    TimeZone::get("Europe/Berlin").unwrap()
}

fn week(days: &[(&str, &[&str])]) -> WeeklyHours {
    let table: BTreeMap<String, Vec<String>> = days
        .iter()
        .map(|(d, v)| (d.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect();
    WeeklyHours::from_table(&table).unwrap()
}

fn every_day(interval: &'static str) -> WeeklyHours {
    let days: Vec<(&str, &[&str])> = crate::hours::DAY_KEYS
        .iter()
        .map(|d| (*d, std::slice::from_ref(&interval)))
        .collect();
    week(&days)
}

fn ts(rfc3339: &str) -> Timestamp {
    rfc3339.parse().unwrap()
}

const HAIRCUT: ServiceTimes = ServiceTimes {
    duration_min: 45,
    buffer_before_min: 0,
    buffer_after_min: 15,
};
const NO_RULE_LIMITS: BookingRules = BookingRules {
    slot_step_min: 15,
    min_notice_min: 0,
    horizon_days: 730,
};

struct Fixture {
    tz: TimeZone,
    hours: WeeklyHours,
    closed: Vec<Date>,
    holidays: Option<HolidayRegion>,
    service: ServiceTimes,
    rules: BookingRules,
    now: Timestamp,
}

impl Fixture {
    fn new(hours: WeeklyHours) -> Fixture {
        Fixture {
            tz: berlin(),
            hours,
            closed: vec![],
            holidays: None,
            service: HAIRCUT,
            rules: NO_RULE_LIMITS,
            now: ts("2026-01-01T00:00:00Z"),
        }
    }

    fn request(&self) -> AvailabilityRequest<'_> {
        AvailabilityRequest {
            branch: BranchCalendar {
                timezone: &self.tz,
                hours: &self.hours,
                closed: &self.closed,
                holidays: self.holidays,
            },
            service: self.service,
            rules: self.rules,
            now: self.now,
        }
    }

    fn slots(&self, busy: &[BusySpan], from: Date, days: u32) -> Vec<String> {
        let staff = [StaffCalendar {
            staff: "anna",
            hours: None,
            busy: busy.to_vec(),
        }];
        self.request()
            .free_slots(&staff, from, days)
            .iter()
            .map(|s| local(&self.tz, s.start))
            .collect()
    }
}

fn local(tz: &TimeZone, t: Timestamp) -> String {
    t.display_with_offset(tz.to_offset(t)).to_string()
}

fn busy(from: &str, until: &str) -> BusySpan {
    BusySpan {
        from_ms: ts(from).as_millisecond(),
        until_ms: ts(until).as_millisecond(),
    }
}

#[test]
fn a_plain_day_offers_every_quarter_hour_that_fits_with_its_buffer() {
    let f = Fixture::new(week(&[("tue", &["09:00-18:00"])]));
    let slots = f.slots(&[], date(2026, 12, 1), 1);
    assert_eq!(slots.len(), 33);
    assert_eq!(slots.first().unwrap(), "2026-12-01T09:00:00+01:00");
    // 17:00 + 45 min + 15 min buffer ends exactly at closing.
    assert_eq!(slots.last().unwrap(), "2026-12-01T17:00:00+01:00");
}

#[test]
fn opening_stays_at_nine_local_across_the_march_change() {
    let f = Fixture::new(every_day("09:00-18:00"));
    let slots = f.slots(&[], date(2026, 3, 28), 3);
    for day in [
        "2026-03-28T09:00:00+01:00",
        "2026-03-29T09:00:00+02:00",
        "2026-03-30T09:00:00+02:00",
    ] {
        assert!(slots.contains(&day.to_string()), "missing {day}");
    }
    assert!(
        !slots.iter().any(|s| s.starts_with("2026-03-29T08:")),
        "no slot before opening on the change day"
    );
}

#[test]
fn opening_stays_at_nine_local_across_the_october_change() {
    let f = Fixture::new(every_day("09:00-18:00"));
    let slots = f.slots(&[], date(2026, 10, 24), 3);
    for day in [
        "2026-10-24T09:00:00+02:00",
        "2026-10-25T09:00:00+01:00",
        "2026-10-26T09:00:00+01:00",
    ] {
        assert!(slots.contains(&day.to_string()), "missing {day}");
    }
    assert_eq!(
        slots.iter().filter(|s| s.starts_with("2026-10-25")).count(),
        33
    );
}

#[test]
fn a_whole_day_opening_has_23_hours_in_march_and_25_in_october() {
    let mut f = Fixture::new(every_day("00:00-24:00"));
    f.service = ServiceTimes {
        duration_min: 60,
        buffer_before_min: 0,
        buffer_after_min: 0,
    };
    f.rules.slot_step_min = 60;
    assert_eq!(f.slots(&[], date(2026, 3, 29), 1).len(), 23);
    assert_eq!(f.slots(&[], date(2026, 10, 25), 1).len(), 25);
    assert_eq!(f.slots(&[], date(2026, 10, 26), 1).len(), 24);
}

#[test]
fn an_opening_inside_the_spring_gap_starts_when_the_clock_resumes() {
    let mut f = Fixture::new(every_day("02:30-05:00"));
    f.service = ServiceTimes {
        duration_min: 30,
        buffer_before_min: 0,
        buffer_after_min: 0,
    };
    let slots = f.slots(&[], date(2026, 3, 29), 1);
    assert_eq!(slots.first().unwrap(), "2026-03-29T03:30:00+02:00");
}

#[test]
fn statutory_holidays_close_the_branch_only_in_their_state() {
    let mut f = Fixture::new(every_day("09:00-18:00"));
    let corpus_christi = date(2026, 6, 4);
    f.holidays = Some("DE-BY".parse().unwrap());
    assert!(f.slots(&[], corpus_christi, 1).is_empty());
    f.holidays = Some("DE-BE".parse().unwrap());
    assert!(!f.slots(&[], corpus_christi, 1).is_empty());
    // Christmas and Easter Monday close every German state, in any year.
    f.holidays = Some("DE-HH".parse().unwrap());
    assert!(f.slots(&[], date(2027, 12, 25), 1).is_empty());
    assert!(f.slots(&[], date(2027, 3, 29), 1).is_empty());
    assert!(!f.slots(&[], date(2027, 3, 30), 1).is_empty());
}

#[test]
fn extra_closed_days_are_closed() {
    let mut f = Fixture::new(every_day("09:00-18:00"));
    f.closed = vec![date(2026, 12, 24)];
    assert!(f.slots(&[], date(2026, 12, 24), 1).is_empty());
    assert!(!f.slots(&[], date(2026, 12, 23), 1).is_empty());
}

#[test]
fn buffers_keep_distance_from_existing_appointments() {
    let f = Fixture::new(week(&[("tue", &["09:00-18:00"])]));
    // An appointment 10:00-10:45 that blocks until 11:00.
    let taken = [busy(
        "2026-12-01T10:00:00+01:00",
        "2026-12-01T11:00:00+01:00",
    )];
    let slots = f.slots(&taken, date(2026, 12, 1), 1);
    assert!(
        slots.contains(&"2026-12-01T09:00:00+01:00".into()),
        "09:00-10:00 just touches it"
    );
    for blocked in [
        "09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45",
    ] {
        assert!(
            !slots.contains(&format!("2026-12-01T{blocked}:00+01:00")),
            "{blocked} overlaps"
        );
    }
    assert!(slots.contains(&"2026-12-01T11:00:00+01:00".into()));
}

#[test]
fn a_buffer_before_must_also_fit_inside_the_hours() {
    let mut f = Fixture::new(week(&[("tue", &["09:00-12:00"])]));
    f.service = ServiceTimes {
        duration_min: 30,
        buffer_before_min: 10,
        buffer_after_min: 0,
    };
    let slots = f.slots(&[], date(2026, 12, 1), 1);
    assert_eq!(slots.first().unwrap(), "2026-12-01T09:15:00+01:00");
    assert_eq!(slots.last().unwrap(), "2026-12-01T11:30:00+01:00");
}

#[test]
fn minimum_notice_hides_slots_that_are_too_soon() {
    let mut f = Fixture::new(week(&[("tue", &["09:00-18:00"])]));
    f.rules.min_notice_min = 60;
    f.now = ts("2026-12-01T09:20:00+01:00");
    let slots = f.slots(&[], date(2026, 12, 1), 1);
    assert_eq!(slots.first().unwrap(), "2026-12-01T10:30:00+01:00");
}

#[test]
fn the_horizon_ends_offers_that_many_days_ahead() {
    let mut f = Fixture::new(every_day("09:00-18:00"));
    f.rules.horizon_days = 1;
    f.now = ts("2026-11-30T10:00:00+01:00");
    let slots = f.slots(&[], date(2026, 11, 30), 3);
    assert_eq!(slots.last().unwrap(), "2026-12-01T10:00:00+01:00");
}

#[test]
fn split_hours_leave_the_lunch_break_free() {
    let f = Fixture::new(week(&[("wed", &["09:00-13:00", "14:00-18:00"])]));
    let slots = f.slots(&[], date(2026, 12, 2), 1);
    assert!(slots.contains(&"2026-12-02T12:00:00+01:00".into()));
    assert!(
        !slots
            .iter()
            .any(|s| s.contains("T12:15") || s.contains("T13:"))
    );
    assert!(slots.contains(&"2026-12-02T14:00:00+01:00".into()));
}

#[test]
fn a_slot_may_run_across_two_touching_intervals() {
    let f = Fixture::new(week(&[("tue", &["09:00-13:00", "13:00-18:00"])]));
    let slots = f.slots(&[], date(2026, 12, 1), 1);
    assert!(slots.contains(&"2026-12-01T12:30:00+01:00".into()));
}

#[test]
fn staff_hours_narrow_the_branch_hours() {
    let f = Fixture::new(week(&[("mon", &["09:00-18:00"])]));
    let own = week(&[("mon", &["09:00-15:00"]), ("tue", &["09:00-18:00"])]);
    let staff = [StaffCalendar {
        staff: "anna",
        hours: Some(&own),
        busy: vec![],
    }];
    let slots = f.request().free_slots(&staff, date(2026, 11, 30), 2);
    assert_eq!(
        local(&f.tz, slots.last().unwrap().start),
        "2026-11-30T14:00:00+01:00"
    );
}

#[test]
fn slots_are_sorted_by_start_then_staff() {
    let f = Fixture::new(week(&[("tue", &["09:00-10:00"])]));
    let staff = [
        StaffCalendar {
            staff: "zoe",
            hours: None,
            busy: vec![],
        },
        StaffCalendar {
            staff: "anna",
            hours: None,
            busy: vec![],
        },
    ];
    let slots = f.request().free_slots(&staff, date(2026, 12, 1), 1);
    let order: Vec<_> = slots.iter().map(|s| s.staff).collect();
    assert_eq!(order, ["anna", "zoe"]);
}

#[test]
fn check_slot_names_each_reason() {
    let mut f = Fixture::new(week(&[("tue", &["09:00-18:00"])]));
    f.closed = vec![date(2026, 12, 8)];
    f.rules = BookingRules {
        slot_step_min: 15,
        min_notice_min: 60,
        horizon_days: 30,
    };
    f.now = ts("2026-12-01T09:00:00+01:00");
    let staff = StaffCalendar {
        staff: "anna",
        hours: None,
        busy: vec![busy(
            "2026-12-15T10:00:00+01:00",
            "2026-12-15T11:00:00+01:00",
        )],
    };
    let check = |t: &str| f.request().check_slot(&staff, ts(t));
    assert_eq!(
        check("2026-12-08T10:00:00+01:00"),
        Err(SlotRejection::Closed)
    );
    assert_eq!(
        check("2026-12-15T17:30:00+01:00"),
        Err(SlotRejection::OutsideHours)
    );
    assert_eq!(
        check("2026-12-02T10:00:00+01:00"),
        Err(SlotRejection::OutsideHours),
        "Wednesday is closed"
    );
    assert_eq!(
        check("2026-12-01T09:30:00+01:00"),
        Err(SlotRejection::TooSoon)
    );
    assert_eq!(
        check("2027-01-05T10:00:00+01:00"),
        Err(SlotRejection::TooFarAhead)
    );
    assert_eq!(
        check("2026-12-15T10:30:00+01:00"),
        Err(SlotRejection::Taken)
    );
    assert_eq!(check("2026-12-15T11:00:00+01:00"), Ok(()));
    assert_eq!(
        check("2026-12-15T11:07:00+01:00"),
        Ok(()),
        "off-step starts are fine"
    );
}

fn arb_interval() -> impl Strategy<Value = String> {
    (0u16..22, 1u16..8, 0u16..4).prop_map(|(h, len, q)| {
        let start = h * 60 + q * 15;
        let end = (start + len * 60).min(1440);
        format!(
            "{:02}:{:02}-{:02}:{:02}",
            start / 60,
            start % 60,
            end / 60,
            end % 60
        )
    })
}

fn arb_week() -> impl Strategy<Value = WeeklyHours> {
    proptest::collection::vec(proptest::option::of(arb_interval()), 7).prop_map(|days| {
        let table: BTreeMap<String, Vec<String>> = crate::hours::DAY_KEYS
            .iter()
            .zip(days)
            .filter_map(|(d, i)| i.map(|i| (d.to_string(), vec![i])))
            .collect();
        WeeklyHours::from_table(&table).unwrap()
    })
}

fn arb_busy(base: i64) -> impl Strategy<Value = Vec<BusySpan>> {
    proptest::collection::vec((0i64..14 * 24 * 4, 1i64..12), 0..40).prop_map(move |v| {
        v.into_iter()
            .map(|(q, len)| BusySpan {
                from_ms: base + q * 900_000,
                until_ms: base + (q + len) * 900_000,
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// No slot lies outside the hours or overlaps an appointment, and every offered
    /// slot passes the booking check; once booked, it is never offered again.
    #[test]
    fn offered_slots_are_always_bookable(
        hours in arb_week(),
        busy in arb_busy(ts("2026-03-23T00:00:00+01:00").as_millisecond()),
        duration in 5u32..120, before in 0u32..30, after in 0u32..30,
        step in prop_oneof![Just(5u32), Just(15), Just(30)],
        notice in 0u32..600,
        start_day in 0i64..14,
    ) {
        let mut f = Fixture::new(hours);
        f.service = ServiceTimes { duration_min: duration, buffer_before_min: before, buffer_after_min: after };
        f.rules = BookingRules { slot_step_min: step, min_notice_min: notice, horizon_days: 60 };
        f.now = ts("2026-03-23T08:00:00+01:00");
        let from = date(2026, 3, 23).checked_add(start_day.days()).unwrap();
        let staff = StaffCalendar { staff: "anna", hours: None, busy: busy.clone() };
        let request = f.request();
        let slots = request.free_slots(std::slice::from_ref(&staff), from, 14);
        for slot in &slots {
            let blocked = f.service.blocked_span(slot.start);
            prop_assert!(!busy.iter().any(|b| overlaps(*b, blocked)), "slot {} overlaps", slot.start);
            prop_assert_eq!(request.check_slot(&staff, slot.start), Ok(()));
            // Compared as instants: on the night the clocks go forward, hours that reach
            // into the gap end later on the wall clock (the contract moves such times
            // forward by the gap), so a 03:00 slot can lie inside "01:30-02:30".
            let local = slot.start.to_zoned_datetime(f.tz.clone());
            let instant = |minute: u16| {
                let day = local.date().checked_add(i64::from(minute / 1440).days()).unwrap();
                let m = minute % 1440;
                let clock = day.at((m / 60) as i8, (m % 60) as i8, 0, 0);
                f.tz.to_ambiguous_timestamp(clock).compatible().unwrap()
            };
            prop_assert!(f.hours.on(local.weekday()).iter().any(|i| instant(i.start) <= slot.start && slot.start < instant(i.end)));
        }
        if let Some(first) = slots.first() {
            let mut booked = staff.clone();
            booked.busy.push(f.service.blocked_span(first.start));
            prop_assert_eq!(request.check_slot(&booked, first.start), Err(SlotRejection::Taken));
            let again = request.free_slots(std::slice::from_ref(&booked), from, 14);
            prop_assert!(!again.iter().any(|s| overlaps(f.service.blocked_span(s.start), f.service.blocked_span(first.start))));
        }
    }
}
