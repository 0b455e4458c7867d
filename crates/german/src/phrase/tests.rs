//! Tests for the agent's sentences. Calendar anchors: 2026-11-20 is a Friday,
//! 2026-11-30 a Monday, 2026-12-01 a Tuesday.

use jiff::ZonedDateTime;
use jiff::civil::{Date, date, time};
use proptest::prelude::*;

use super::*;

fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> ZonedDateTime {
    date(y, m, d)
        .at(h, min, 0, 0)
        .in_tz("Europe/Berlin")
        .expect("valid Berlin time")
}

fn facts(start: ZonedDateTime) -> AppointmentFacts<'static> {
    AppointmentFacts {
        start,
        service_name: "Damenhaarschnitt",
        staff_name: "Anna Müller",
        branch_name: None,
        email: Some("eva@example.org"),
    }
}

fn every_15_min(day: Date, from: (i8, i8), to: (i8, i8)) -> Vec<ZonedDateTime> {
    let (mut h, mut m) = from;
    let mut out = Vec::new();
    while (h, m) <= to {
        out.push(at(day.year(), day.month(), day.day(), h, m));
        m += 15;
        if m == 60 {
            m = 0;
            h += 1;
        }
    }
    out
}

const FRI_NOV_20: Date = date(2026, 11, 20);
const MON_NOV_30: Date = date(2026, 11, 30);
const TUE_DEC_1: Date = date(2026, 12, 1);

// ---- spoken_time -------------------------------------------------------------

#[test]
fn time_with_minutes() {
    assert_eq!(spoken_time(time(14, 15, 0, 0)), "14:15 Uhr");
    assert_eq!(spoken_time(time(9, 5, 0, 0)), "9:05 Uhr");
    assert_eq!(spoken_time(time(12, 30, 0, 0)), "12:30 Uhr");
}

#[test]
fn full_hours_without_leading_zero_or_minutes() {
    assert_eq!(spoken_time(time(9, 0, 0, 0)), "9 Uhr");
    assert_eq!(spoken_time(time(17, 0, 0, 0)), "17 Uhr");
    assert_eq!(spoken_time(time(0, 0, 0, 0)), "0 Uhr");
}

#[test]
fn seconds_are_not_spoken() {
    assert_eq!(spoken_time(time(9, 0, 45, 0)), "9 Uhr");
}

// ---- spoken_date -------------------------------------------------------------

#[test]
fn relative_days() {
    assert_eq!(spoken_date(TUE_DEC_1, TUE_DEC_1), "heute");
    assert_eq!(spoken_date(TUE_DEC_1, MON_NOV_30), "morgen");
    assert_eq!(spoken_date(date(2026, 12, 2), MON_NOV_30), "übermorgen");
}

#[test]
fn weekday_and_date_from_three_days_on() {
    assert_eq!(
        spoken_date(date(2026, 12, 3), MON_NOV_30),
        "am Donnerstag, den 3. Dezember"
    );
    assert_eq!(
        spoken_date(TUE_DEC_1, FRI_NOV_20),
        "am Dienstag, den 1. Dezember"
    );
}

#[test]
fn no_year_across_new_year_within_twelve_months() {
    assert_eq!(
        spoken_date(date(2027, 1, 5), date(2026, 12, 20)),
        "am Dienstag, den 5. Januar"
    );
    assert_eq!(
        spoken_date(date(2027, 11, 19), FRI_NOV_20),
        "am Freitag, den 19. November"
    );
}

#[test]
fn year_for_dates_a_year_or_more_ahead() {
    assert_eq!(
        spoken_date(date(2027, 11, 20), FRI_NOV_20),
        "am Samstag, den 20. November 2027"
    );
    assert_eq!(
        spoken_date(date(2028, 3, 1), FRI_NOV_20),
        "am Mittwoch, den 1. März 2028"
    );
}

#[test]
fn year_for_past_years_but_not_earlier_this_year() {
    assert_eq!(
        spoken_date(date(2025, 12, 30), date(2026, 1, 10)),
        "am Dienstag, den 30. Dezember 2025"
    );
    assert_eq!(
        spoken_date(date(2026, 1, 5), TUE_DEC_1),
        "am Montag, den 5. Januar"
    );
}

// ---- confirm_booking -----------------------------------------------------------

#[test]
fn booking_sie_matches_house_example() {
    let f = facts(at(2026, 12, 1, 14, 15));
    assert_eq!(
        confirm_booking(&f, FRI_NOV_20, Address::Sie),
        "Ich bestätige Ihren Termin am Dienstag, den 1. Dezember, um 14:15 Uhr bei Anna Müller \
         für Damenhaarschnitt. Sie erhalten gleich eine Bestätigung per E-Mail an eva@example.org."
    );
}

#[test]
fn booking_du() {
    let f = facts(at(2026, 12, 1, 14, 15));
    assert_eq!(
        confirm_booking(&f, FRI_NOV_20, Address::Du),
        "Ich bestätige deinen Termin am Dienstag, den 1. Dezember, um 14:15 Uhr bei Anna Müller \
         für Damenhaarschnitt. Du erhältst gleich eine Bestätigung per E-Mail an eva@example.org."
    );
}

#[test]
fn booking_today_and_tomorrow_still_name_weekday_and_date() {
    let f = facts(at(2026, 12, 1, 9, 0));
    assert!(
        confirm_booking(&f, TUE_DEC_1, Address::Sie).starts_with(
            "Ich bestätige Ihren Termin heute, Dienstag, den 1. Dezember, um 9 Uhr bei"
        )
    );
    assert!(
        confirm_booking(&f, MON_NOV_30, Address::Sie).starts_with(
            "Ich bestätige Ihren Termin morgen, Dienstag, den 1. Dezember, um 9 Uhr bei"
        )
    );
}

#[test]
fn booking_with_branch_and_without_email() {
    let f = AppointmentFacts {
        branch_name: Some("Salon Sonnenschein Mitte"),
        email: None,
        ..facts(at(2026, 12, 1, 14, 15))
    };
    assert_eq!(
        confirm_booking(&f, FRI_NOV_20, Address::Sie),
        "Ich bestätige Ihren Termin am Dienstag, den 1. Dezember, um 14:15 Uhr bei Anna Müller \
         für Damenhaarschnitt am Standort Salon Sonnenschein Mitte."
    );
}

#[test]
fn booking_skips_blank_parts() {
    let f = AppointmentFacts {
        staff_name: "  ",
        email: Some(""),
        branch_name: Some(" "),
        ..facts(at(2026, 12, 1, 14, 15))
    };
    assert_eq!(
        confirm_booking(&f, FRI_NOV_20, Address::Sie),
        "Ich bestätige Ihren Termin am Dienstag, den 1. Dezember, um 14:15 Uhr für Damenhaarschnitt."
    );
}

#[test]
fn booking_far_ahead_names_the_year_before_closing_comma() {
    let f = AppointmentFacts {
        email: None,
        ..facts(at(2027, 12, 21, 10, 0))
    };
    assert_eq!(
        confirm_booking(&f, FRI_NOV_20, Address::Sie),
        "Ich bestätige Ihren Termin am Dienstag, den 21. Dezember 2027, um 10 Uhr bei Anna Müller \
         für Damenhaarschnitt."
    );
}

// ---- confirm_cancellation ------------------------------------------------------

#[test]
fn cancellation_sie() {
    let f = facts(at(2026, 12, 1, 14, 15));
    assert_eq!(
        confirm_cancellation(&f, FRI_NOV_20, Address::Sie),
        "Ich habe Ihren Termin am Dienstag, den 1. Dezember, um 14:15 Uhr bei Anna Müller \
         für Damenhaarschnitt storniert. Sie erhalten gleich eine Bestätigung per E-Mail an eva@example.org."
    );
}

#[test]
fn cancellation_du_tomorrow_without_email() {
    let f = AppointmentFacts {
        email: None,
        ..facts(at(2026, 12, 1, 14, 15))
    };
    assert_eq!(
        confirm_cancellation(&f, MON_NOV_30, Address::Du),
        "Ich habe deinen Termin morgen, Dienstag, den 1. Dezember, um 14:15 Uhr bei Anna Müller \
         für Damenhaarschnitt storniert."
    );
}

// ---- confirm_reschedule --------------------------------------------------------

#[test]
fn reschedule_to_another_day_sie() {
    let f = facts(at(2026, 12, 3, 10, 0));
    assert_eq!(
        confirm_reschedule(at(2026, 12, 1, 14, 15), &f, FRI_NOV_20, Address::Sie),
        "Ich habe Ihren Termin am Dienstag, den 1. Dezember, um 14:15 Uhr verschoben. \
         Ihr neuer Termin ist am Donnerstag, den 3. Dezember, um 10 Uhr bei Anna Müller \
         für Damenhaarschnitt. Sie erhalten gleich eine Bestätigung per E-Mail an eva@example.org."
    );
}

#[test]
fn reschedule_to_another_day_du() {
    let f = AppointmentFacts {
        email: None,
        ..facts(at(2026, 12, 2, 10, 0))
    };
    assert_eq!(
        confirm_reschedule(at(2026, 12, 1, 14, 15), &f, TUE_DEC_1, Address::Du),
        "Ich habe deinen Termin heute, Dienstag, den 1. Dezember, um 14:15 Uhr verschoben. \
         Dein neuer Termin ist morgen, Mittwoch, den 2. Dezember, um 10 Uhr bei Anna Müller \
         für Damenhaarschnitt."
    );
}

#[test]
fn reschedule_within_the_day_says_von_auf() {
    let f = AppointmentFacts {
        email: None,
        ..facts(at(2026, 12, 1, 16, 0))
    };
    assert_eq!(
        confirm_reschedule(at(2026, 12, 1, 14, 15), &f, FRI_NOV_20, Address::Sie),
        "Ich habe Ihren Termin am Dienstag, den 1. Dezember, bei Anna Müller für Damenhaarschnitt \
         von 14:15 Uhr auf 16 Uhr verschoben."
    );
}

// ---- slot_taken ----------------------------------------------------------------

#[test]
fn taken_with_same_day_alternatives_names_times_only() {
    let alts = [at(2026, 12, 1, 14, 30), at(2026, 12, 1, 15, 0)];
    assert_eq!(
        slot_taken(at(2026, 12, 1, 14, 15), &alts, FRI_NOV_20, Address::Sie),
        "Um 14:15 Uhr ist leider schon belegt. Ich kann Ihnen 14:30 Uhr oder 15 Uhr anbieten."
    );
}

#[test]
fn taken_mixed_days_in_chronological_order() {
    let alts = [at(2026, 12, 2, 10, 0), at(2026, 12, 1, 16, 0)];
    assert_eq!(
        slot_taken(at(2026, 12, 1, 14, 15), &alts, TUE_DEC_1, Address::Du),
        "Um 14:15 Uhr ist leider schon belegt. Ich kann dir 16 Uhr oder morgen um 10 Uhr anbieten."
    );
}

#[test]
fn taken_other_day_is_named_once() {
    let alts = [at(2026, 12, 4, 9, 0), at(2026, 12, 4, 11, 0)];
    assert_eq!(
        slot_taken(at(2026, 12, 1, 14, 15), &alts, MON_NOV_30, Address::Sie),
        "Um 14:15 Uhr ist leider schon belegt. Ich kann Ihnen am Freitag um 9 Uhr oder um 11 Uhr anbieten."
    );
}

#[test]
fn taken_far_alternative_gets_full_date_with_commas() {
    let alts = [at(2026, 12, 14, 10, 0)];
    assert_eq!(
        slot_taken(at(2026, 12, 1, 14, 15), &alts, FRI_NOV_20, Address::Sie),
        "Um 14:15 Uhr ist leider schon belegt. Ich kann Ihnen am Montag, den 14. Dezember, \
         um 10 Uhr anbieten."
    );
}

#[test]
fn taken_without_alternatives_offers_another_day() {
    let wanted = at(2026, 12, 1, 14, 15);
    assert_eq!(
        slot_taken(wanted.clone(), &[], FRI_NOV_20, Address::Sie),
        "Um 14:15 Uhr ist leider schon belegt. Soll ich an einem anderen Tag für Sie nachsehen?"
    );
    assert_eq!(
        slot_taken(wanted.clone(), &[wanted], FRI_NOV_20, Address::Du),
        "Um 14:15 Uhr ist leider schon belegt. Soll ich an einem anderen Tag für dich nachsehen?"
    );
}

#[test]
fn taken_drops_duplicates_and_names_at_most_three() {
    let alts = [
        at(2026, 12, 1, 15, 0),
        at(2026, 12, 1, 15, 0),
        at(2026, 12, 1, 14, 30),
        at(2026, 12, 1, 16, 0),
        at(2026, 12, 1, 17, 0),
    ];
    assert_eq!(
        slot_taken(at(2026, 12, 1, 14, 15), &alts, FRI_NOV_20, Address::Sie),
        "Um 14:15 Uhr ist leider schon belegt. Ich kann Ihnen 14:30 Uhr, 15 Uhr oder 16 Uhr anbieten."
    );
}

// ---- free_times ----------------------------------------------------------------

#[test]
fn free_times_house_example() {
    let mut slots = vec![at(2026, 12, 1, 9, 0), at(2026, 12, 1, 10, 30)];
    slots.extend(every_15_min(date(2026, 12, 4), (14, 0), (17, 0)));
    assert_eq!(
        free_times(&slots, MON_NOV_30, Address::Sie),
        "Ich hätte morgen um 9 Uhr und um halb elf etwas frei, oder am Freitag zwischen 14 und \
         17 Uhr. Was passt Ihnen am besten?"
    );
}

#[test]
fn free_times_single_slot_asks_yes_no() {
    assert_eq!(
        free_times(&[at(2026, 12, 1, 16, 0)], TUE_DEC_1, Address::Sie),
        "Ich hätte heute um 16 Uhr etwas frei. Passt Ihnen das?"
    );
    assert_eq!(
        free_times(&[at(2026, 12, 1, 16, 0)], TUE_DEC_1, Address::Du),
        "Ich hätte heute um 16 Uhr etwas frei. Passt dir das?"
    );
}

#[test]
fn free_times_afternoon_half_hours_stay_numeric() {
    let text = free_times(
        &[at(2026, 12, 1, 14, 30), at(2026, 12, 1, 16, 30)],
        MON_NOV_30,
        Address::Sie,
    );
    assert_eq!(
        text,
        "Ich hätte morgen um 14:30 Uhr und um 16:30 Uhr etwas frei. Was passt Ihnen am besten?"
    );
    assert!(!text.contains("halb"));
}

#[test]
fn free_times_morning_half_hours_are_colloquial() {
    let text = free_times(
        &[
            at(2026, 12, 1, 6, 30),
            at(2026, 12, 1, 11, 30),
            at(2026, 12, 1, 12, 30),
        ],
        MON_NOV_30,
        Address::Sie,
    );
    assert_eq!(
        text,
        "Ich hätte morgen um halb sieben, um halb zwölf und um 12:30 Uhr etwas frei. \
         Was passt Ihnen am besten?"
    );
}

#[test]
fn free_times_at_most_three_days() {
    let slots = [
        at(2026, 12, 4, 12, 0),
        at(2026, 12, 1, 9, 0),
        at(2026, 12, 2, 10, 0),
        at(2026, 12, 3, 11, 0),
    ];
    assert_eq!(
        free_times(&slots, MON_NOV_30, Address::Sie),
        "Ich hätte morgen um 9 Uhr etwas frei, übermorgen um 10 Uhr oder am Donnerstag um 11 Uhr. \
         Was passt Ihnen am besten?"
    );
}

#[test]
fn free_times_two_neighbours_are_not_a_range() {
    let slots = [at(2026, 12, 1, 14, 0), at(2026, 12, 1, 14, 15)];
    assert_eq!(
        free_times(&slots, MON_NOV_30, Address::Sie),
        "Ich hätte morgen um 14 Uhr und um 14:15 Uhr etwas frei. Was passt Ihnen am besten?"
    );
}

#[test]
fn free_times_hourly_slots_are_listed_not_ranged_and_capped() {
    let slots = [
        at(2026, 12, 1, 9, 0),
        at(2026, 12, 1, 10, 0),
        at(2026, 12, 1, 11, 0),
        at(2026, 12, 1, 12, 0),
    ];
    assert_eq!(
        free_times(&slots, MON_NOV_30, Address::Sie),
        "Ich hätte morgen um 9 Uhr, um 10 Uhr und um 11 Uhr etwas frei. Was passt Ihnen am besten?"
    );
}

#[test]
fn free_times_ranges_with_half_hours() {
    let slots = [
        at(2026, 12, 1, 9, 30),
        at(2026, 12, 1, 10, 0),
        at(2026, 12, 1, 10, 30),
    ];
    assert_eq!(
        free_times(&slots, MON_NOV_30, Address::Sie),
        "Ich hätte morgen zwischen halb zehn und halb elf etwas frei. Was passt Ihnen am besten?"
    );
}

#[test]
fn free_times_range_and_single_on_one_day() {
    let mut slots = every_15_min(TUE_DEC_1, (9, 0), (9, 45));
    slots.push(at(2026, 12, 1, 14, 0));
    assert_eq!(
        free_times(&slots, MON_NOV_30, Address::Du),
        "Ich hätte morgen zwischen 9 und 9:45 Uhr und um 14 Uhr etwas frei. Was passt dir am besten?"
    );
}

#[test]
fn free_times_unsorted_and_duplicated_input() {
    let slots = [
        at(2026, 12, 1, 10, 30),
        at(2026, 12, 1, 9, 0),
        at(2026, 12, 1, 10, 30),
    ];
    assert_eq!(
        free_times(&slots, MON_NOV_30, Address::Sie),
        "Ich hätte morgen um 9 Uhr und um halb elf etwas frei. Was passt Ihnen am besten?"
    );
}

#[test]
fn free_times_far_date_closes_apposition() {
    assert_eq!(
        free_times(&[at(2026, 12, 14, 9, 0)], FRI_NOV_20, Address::Sie),
        "Ich hätte am Montag, den 14. Dezember, um 9 Uhr etwas frei. Passt Ihnen das?"
    );
}

#[test]
fn free_times_empty_is_nothing_free() {
    assert_eq!(
        free_times(&[], FRI_NOV_20, Address::Sie),
        "Ich habe leider keinen freien Termin gefunden. Soll ich an einem anderen Tag für Sie nachsehen?"
    );
}

// ---- nothing_free --------------------------------------------------------------

#[test]
fn nothing_free_for_a_day() {
    assert_eq!(
        nothing_free(Some(TUE_DEC_1), TUE_DEC_1, Address::Sie),
        "Heute ist leider nichts mehr frei. Soll ich an einem anderen Tag für Sie nachsehen?"
    );
    assert_eq!(
        nothing_free(Some(date(2026, 12, 2)), MON_NOV_30, Address::Du),
        "Übermorgen ist leider nichts mehr frei. Soll ich an einem anderen Tag für dich nachsehen?"
    );
    assert_eq!(
        nothing_free(Some(date(2026, 12, 4)), FRI_NOV_20, Address::Sie),
        "Am Freitag, den 4. Dezember, ist leider nichts mehr frei. \
         Soll ich an einem anderen Tag für Sie nachsehen?"
    );
}

#[test]
fn nothing_free_without_a_day() {
    assert_eq!(
        nothing_free(None, FRI_NOV_20, Address::Du),
        "Ich habe leider keinen freien Termin gefunden. Soll ich an einem anderen Tag für dich nachsehen?"
    );
}

// ---- properties ----------------------------------------------------------------

/// Typography every sentence must keep, whatever the input.
fn assert_clean(text: &str) {
    assert!(!text.contains("  "), "double space in {text:?}");
    assert!(!text.contains(" ,"), "space before comma in {text:?}");
    assert!(!text.contains(" ."), "space before full stop in {text:?}");
    assert!(!text.contains(",,"), "double comma in {text:?}");
    assert!(
        text.ends_with('.') || text.ends_with('?'),
        "unfinished {text:?}"
    );
}

fn any_slot() -> impl Strategy<Value = ZonedDateTime> {
    (0i64..400, 0i8..24, 0i8..4).prop_map(|(day, h, quarter)| {
        let d = FRI_NOV_20
            .checked_add(jiff::Span::new().days(day))
            .expect("in range");
        d.at(h, quarter * 15, 0, 0)
            .in_tz("Europe/Berlin")
            .expect("valid Berlin time")
    })
}

#[test]
fn a_free_time_is_confirmed_with_a_question_in_the_right_address() {
    let today = date(2026, 11, 30);
    assert_eq!(
        slot_free(&at(2026, 12, 1, 10, 0), today, Address::Sie),
        "Morgen um 10 Uhr ist noch frei. Soll ich den Termin für Sie eintragen?"
    );
    assert_eq!(
        slot_free(&at(2026, 12, 8, 14, 15), today, Address::Du),
        "Am Dienstag, den 8. Dezember, um 14:15 Uhr ist noch frei. Soll ich den Termin für dich eintragen?"
    );
}

#[test]
fn a_closed_or_full_day_is_named_as_such() {
    let today = date(2026, 11, 30);
    assert_eq!(
        day_unavailable(date(2026, 12, 6), today, true),
        "Am Sonntag, den 6. Dezember, haben wir leider geschlossen."
    );
    assert_eq!(
        day_unavailable(date(2026, 12, 1), today, false),
        "Morgen ist leider nichts mehr frei."
    );
}

proptest! {
    #[test]
    fn free_times_is_always_well_formed(slots in proptest::collection::vec(any_slot(), 0..40)) {
        let text = free_times(&slots, FRI_NOV_20, Address::Sie);
        assert_clean(&text);
        prop_assert!(text.starts_with("Ich hätte ") || text.starts_with("Ich habe leider"));
    }

    #[test]
    fn slot_taken_is_always_well_formed(
        wanted in any_slot(),
        alts in proptest::collection::vec(any_slot(), 0..8),
    ) {
        let text = slot_taken(wanted, &alts, FRI_NOV_20, Address::Du);
        assert_clean(&text);
        prop_assert!(text.starts_with("Um "));
    }

    #[test]
    fn confirmations_always_name_weekday_and_time(start in any_slot()) {
        let f = facts(start.clone());
        let text = confirm_booking(&f, FRI_NOV_20, Address::Sie);
        assert_clean(&text);
        prop_assert!(text.contains(&spoken_time(start.time())));
        prop_assert!(text.contains(", den "));
    }
}
