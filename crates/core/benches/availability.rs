//! The engine's speed target: availability for 14 days, 10 staff and 300 existing
//! appointments, in-process (target: under 500 µs). Run: `cargo bench -p askpro-core`.

use askpro_core::WeeklyHours;
use askpro_core::availability::{
    AvailabilityRequest, BranchCalendar, BusySpan, ServiceTimes, StaffCalendar,
};
use askpro_core::tenant::BookingRules;
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use jiff::civil::date;
use jiff::tz::TimeZone;
use std::collections::BTreeMap;
use std::hint::black_box;

fn branch_hours() -> WeeklyHours {
    let mut table = BTreeMap::new();
    for day in ["mon", "tue", "thu", "fri"] {
        table.insert(day.to_owned(), vec!["09:00-18:00".to_owned()]);
    }
    table.insert(
        "wed".to_owned(),
        vec!["09:00-13:00".to_owned(), "14:00-18:00".to_owned()],
    );
    table.insert("sat".to_owned(), vec!["09:00-14:00".to_owned()]);
    WeeklyHours::from_table(&table).expect("valid hours")
}

/// 300 appointments spread over 10 staff and 14 days, 45 minutes plus buffer each.
fn appointments(start: Timestamp) -> Vec<Vec<BusySpan>> {
    let mut staff = vec![Vec::new(); 10];
    for i in 0..300i64 {
        let day = i % 14;
        let hour = 9 + (i / 14) % 8;
        let from_ms = start.as_millisecond() + day * 86_400_000 + hour * 3_600_000;
        staff[(i % 10) as usize].push(BusySpan {
            from_ms,
            until_ms: from_ms + 3_600_000,
        });
    }
    staff
}

fn bench_availability(c: &mut Criterion) {
    let tz = TimeZone::get("Europe/Berlin").expect("tz");
    let hours = branch_hours();
    let closed = [date(2026, 12, 24)];
    let monday = date(2026, 11, 30);
    let start = monday
        .to_zoned_datetime(tz.clone())
        .expect("zoned")
        .timestamp();
    let busy = appointments(start);
    let names: Vec<String> = (0..10).map(|i| format!("staff-{i}")).collect();
    let request = AvailabilityRequest {
        branch: BranchCalendar {
            timezone: &tz,
            hours: &hours,
            closed: &closed,
            holidays: Some("DE-BE".parse().expect("region")),
        },
        service: ServiceTimes {
            duration_min: 45,
            buffer_before_min: 0,
            buffer_after_min: 15,
        },
        rules: BookingRules {
            slot_step_min: 15,
            min_notice_min: 60,
            horizon_days: 90,
        },
        now: start,
    };
    let calendars: Vec<StaffCalendar> = names
        .iter()
        .zip(&busy)
        .map(|(name, spans)| StaffCalendar {
            staff: name,
            hours: None,
            busy: spans.clone(),
        })
        .collect();
    let slots = request.free_slots(&calendars, monday, 14);
    assert!(
        slots.len() > 1000,
        "the scenario must offer real work: {} slots",
        slots.len()
    );
    c.bench_function("availability_14_days_10_staff_300_appointments", |b| {
        b.iter(|| black_box(request.free_slots(black_box(&calendars), monday, 14)))
    });
}

criterion_group!(benches, bench_availability);
criterion_main!(benches);
