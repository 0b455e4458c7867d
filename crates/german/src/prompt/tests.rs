//! Tests for the composed prompt, mostly on the example salon (Salon Sonnenschein:
//! two branches, four services, four people).

use std::collections::BTreeMap;

use askpro_core::{Formality, Tenant, WeeklyHours};

use super::text::{euros, week_in_words};
use super::*;

const EXAMPLE: &str = include_str!("../../../../examples/salon-sonnenschein.toml");

fn salon() -> Tenant {
    Tenant::from_toml(EXAMPLE).expect("the example tenant is valid")
}

fn salon_du() -> Tenant {
    let mut tenant = salon();
    tenant.company.formality = Formality::Du;
    tenant
}

fn prompt(tenant: &Tenant, blocks: &[&str], cancellation: bool) -> String {
    compose(tenant, blocks, cancellation).expect("known blocks compose")
}

fn week(pairs: &[(&str, &[&str])]) -> WeeklyHours {
    let table: BTreeMap<String, Vec<String>> = pairs
        .iter()
        .map(|(d, v)| (d.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect();
    WeeklyHours::from_table(&table).expect("valid hours")
}

/// The line of `text` that starts with `prefix`, for exact comparisons.
fn line_starting<'a>(text: &'a str, prefix: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.starts_with(prefix)).collect()
}

// ---- facts from the tenant ----------------------------------------------------

#[test]
fn names_company_branches_services_and_staff() {
    let text = prompt(&salon(), &[], true);
    assert!(text.starts_with("## Rolle\nDu bist die Telefonassistenz von Salon Sonnenschein."));
    for needle in [
        "Salon Sonnenschein Mitte\n- Adresse: Torstraße 1, 10119 Berlin\n- Telefon: +493012345678\n",
        "Salon Sonnenschein Schwabing\n- Adresse: Leopoldstraße 42, 80802 München\n- Telefon: +498912345678\n",
        "- Damenhaarschnitt: 45 Minuten, 49,00 €",
        "- Herrenhaarschnitt: 30 Minuten, 29,00 €",
        "- Färben: 90 Minuten, 79,00 €",
        "- Waschen und Föhnen: 30 Minuten, 25,00 €",
        "- Anna Müller (Salon Sonnenschein Mitte): Damenhaarschnitt, Färben, Waschen und Föhnen.",
        "- Jonas Weber (Salon Sonnenschein Mitte und Salon Sonnenschein Schwabing): \
         Damenhaarschnitt, Waschen und Föhnen, Herrenhaarschnitt.",
        "- Leyla Yıldız (Salon Sonnenschein Schwabing): Damenhaarschnitt, Färben, Waschen und Föhnen.",
        "- Sepp Huber (Salon Sonnenschein Schwabing): Herrenhaarschnitt.",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn services_carry_their_aliases_and_a_missing_price_is_left_out() {
    let mut tenant = salon();
    tenant.services[0].price_cents = None;
    let text = prompt(&tenant, &[], true);
    assert_eq!(
        line_starting(&text, "- Damenhaarschnitt:"),
        [
            "- Damenhaarschnitt: 45 Minuten (Anrufer sagen auch: „Haare schneiden“, \
          „Schnitt“, „Haarschnitt“, „Damenschnitt“)"
        ]
    );
}

#[test]
fn branch_hours_and_closed_days_of_the_example() {
    let text = prompt(&salon(), &[], true);
    assert_eq!(
        line_starting(&text, "- Öffnungszeiten:"),
        [
            "- Öffnungszeiten: Montag und Dienstag 9 bis 18 Uhr, Mittwoch 9 bis 13 Uhr und \
             14 bis 18 Uhr, Donnerstag 9 bis 20 Uhr, Freitag 9 bis 18 Uhr, Samstag 9 bis 14 \
             Uhr, Sonntag geschlossen",
            "- Öffnungszeiten: Montag geschlossen, Dienstag bis Freitag 10 bis 19 Uhr, \
             Samstag 9 bis 15 Uhr, Sonntag geschlossen",
        ]
    );
    assert_eq!(
        line_starting(&text, "- Außerdem geschlossen:"),
        [
            "- Außerdem geschlossen: an gesetzlichen Feiertagen (Berlin) sowie am 24.12.2026 \
             und 31.12.2026",
            "- Außerdem geschlossen: an gesetzlichen Feiertagen (Bayern) sowie am 24.12.2026",
        ]
    );
}

#[test]
fn staff_hours_name_only_the_days_they_work() {
    let text = prompt(&salon(), &[], true);
    assert!(text.contains(
        "Waschen und Föhnen. Arbeitszeiten: Montag 9 bis 15 Uhr, Dienstag 9 bis 18 Uhr, \
         Mittwoch 9 bis 13 Uhr und 14 bis 18 Uhr, Freitag 9 bis 18 Uhr.\n"
    ));
    // Jonas follows the branch hours and gets no hours of his own.
    let jonas = line_starting(&text, "- Jonas Weber");
    assert!(!jonas[0].contains("Arbeitszeiten"), "{jonas:?}");
}

// ---- hours in words ------------------------------------------------------------

#[test]
fn consecutive_days_with_equal_hours_are_grouped() {
    let mut tenant = salon();
    tenant.branches[0].hours = week(&[
        ("mon", &["09:00-18:00"]),
        ("tue", &["09:00-18:00"]),
        ("wed", &["09:00-18:00"]),
        ("thu", &["09:00-18:00"]),
        ("fri", &["09:00-18:00"]),
        ("sat", &["09:30-14:00"]),
    ]);
    let text = prompt(&tenant, &[], true);
    assert_eq!(
        line_starting(&text, "- Öffnungszeiten:")[0],
        "- Öffnungszeiten: Montag bis Freitag 9 bis 18 Uhr, Samstag 9:30 bis 14 Uhr, \
         Sonntag geschlossen"
    );
}

#[test]
fn equal_days_are_grouped_only_when_adjacent() {
    let hours = week(&[
        ("mon", &["08:15-12:00", "13:00-17:45"]),
        ("tue", &["08:15-12:00", "13:00-17:45"]),
        ("thu", &["08:15-12:00", "13:00-17:45"]),
        ("sat", &["10:00-24:00"]),
        ("sun", &["10:00-24:00"]),
    ]);
    assert_eq!(
        week_in_words(&hours, Some("geschlossen")),
        "Montag und Dienstag 8:15 bis 12 Uhr und 13 bis 17:45 Uhr, Mittwoch geschlossen, \
         Donnerstag 8:15 bis 12 Uhr und 13 bis 17:45 Uhr, Freitag geschlossen, \
         Samstag und Sonntag 10 bis 24 Uhr"
    );
    assert_eq!(
        week_in_words(&hours, None),
        "Montag und Dienstag 8:15 bis 12 Uhr und 13 bis 17:45 Uhr, \
         Donnerstag 8:15 bis 12 Uhr und 13 bis 17:45 Uhr, Samstag und Sonntag 10 bis 24 Uhr"
    );
}

#[test]
fn a_week_without_hours() {
    let closed = WeeklyHours::default();
    assert_eq!(
        week_in_words(&closed, Some("geschlossen")),
        "Montag bis Sonntag geschlossen"
    );
    assert_eq!(week_in_words(&closed, None), "");
}

#[test]
fn prices_in_german_notation() {
    assert_eq!(euros(4900), "49,00 €");
    assert_eq!(euros(5), "0,05 €");
    assert_eq!(euros(123_456), "1.234,56 €");
    assert_eq!(euros(100_000_000), "1.000.000,00 €");
    assert_eq!(euros(-250), "-2,50 €");
}

// ---- form of address -----------------------------------------------------------

#[test]
fn sie_and_du_change_how_callers_are_addressed() {
    let sie = prompt(&salon(), TEMPLATE_BLOCKS, true);
    let du = prompt(&salon_du(), TEMPLATE_BLOCKS, true);

    assert!(sie.contains("Sprich alle Anrufer mit „Sie“ an"));
    assert!(!sie.contains("Duze alle Anrufer"));
    assert!(du.contains("Duze alle Anrufer"));
    assert!(!du.contains("mit „Sie“ an"));

    // The example sentences follow the same form, so the model is not shown the other.
    for (sie_form, du_form) in [
        (
            "Möchten Sie den Termin absagen",
            "Möchtest du den Termin absagen",
        ),
        ("meinten Sie Dienstag", "meintest du Dienstag"),
        (
            "Sie bekommen gleich eine Bestätigung",
            "Du bekommst gleich eine Bestätigung",
        ),
        (
            "Könnten Sie mir die E-Mail-Adresse",
            "Kannst du mir die E-Mail-Adresse",
        ),
    ] {
        assert!(
            sie.contains(sie_form) && !sie.contains(du_form),
            "{sie_form}"
        );
        assert!(du.contains(du_form) && !du.contains(sie_form), "{du_form}");
    }
    for leak in ["Möchtest du", "Kannst du", "meintest du", "bei dir"] {
        assert!(!sie.contains(leak), "Sie prompt contains {leak:?}");
    }
    for leak in ["Möchten Sie", "Könnten Sie", "meinten Sie", "bei Ihnen"] {
        assert!(!du.contains(leak), "du prompt contains {leak:?}");
    }
}

#[test]
fn refusal_example_follows_formality_too() {
    let sie = prompt(&salon(), &[], false);
    let du = prompt(&salon_du(), &[], false);
    assert!(sie.contains("Soll sich jemand aus dem Team bei Ihnen melden?"));
    assert!(du.contains("Soll sich jemand aus dem Team bei dir melden?"));
}

// ---- tool rules and cancellation ------------------------------------------------

#[test]
fn tool_rules_are_stated() {
    let text = prompt(&salon(), &[], true);
    for needle in [
        "Schlage nie eine Uhrzeit vor, ohne vorher `check_availability` aufgerufen zu haben.",
        "Erfinde keine freien Zeiten",
        "Rufe `book_appointment` erst auf, wenn der Anrufer Leistung, Uhrzeit und seinen \
         Namen bestätigt hat.",
        "Mit `find_appointments` findest du die Termine des Anrufers über seine Telefonnummer.",
        "„nächsten Dienstag um Viertel drei“",
        "im Feld `result` einen fertigen Satz",
        "Stell immer nur eine Frage auf einmal",
        "Lies nie IDs",
        // Two branches: the agent must ask which one.
        "übergib ihn als `branch`",
    ] {
        assert!(text.contains(needle), "missing {needle:?}");
    }
}

#[test]
fn a_single_branch_needs_no_branch_question() {
    let mut tenant = salon();
    tenant.branches.truncate(1);
    let text = prompt(&tenant, &[], true);
    assert!(text.contains("\n## Standort\n"));
    assert!(!text.contains("`branch`"));
}

#[test]
fn cancellation_enabled_names_the_functions() {
    for blocks in [&[][..], &["cancellation"][..]] {
        let text = prompt(&salon(), blocks, true);
        assert!(text.contains("`cancel_appointment`"));
        assert!(text.contains("`reschedule_appointment`"));
        assert!(!text.contains("nicht möglich"));
    }
    let block = prompt(&salon(), &["cancellation"], true);
    assert!(block.contains(
        "Ruf `cancel_appointment` erst auf, wenn der Anrufer ausdrücklich bestätigt hat"
    ));
}

#[test]
fn cancellation_disabled_refuses_politely_without_naming_the_functions() {
    for blocks in [&[][..], TEMPLATE_BLOCKS] {
        let text = prompt(&salon(), blocks, false);
        assert!(
            text.contains("Termine absagen oder verschieben ist telefonisch leider nicht möglich.")
        );
        assert!(text.contains("Link in der Bestätigungs-E-Mail"));
        assert!(text.contains("dass sich das Team zurückmeldet"));
        assert!(!text.contains("cancel_appointment"), "{text}");
        assert!(!text.contains("reschedule_appointment"));
        assert!(!text.contains("absagen oder verschieben?“"));
        // Looking up appointments stays allowed.
        assert!(text.contains("`find_appointments`"));
    }
    let block = prompt(&salon(), &["cancellation"], false);
    assert!(block.contains(
        "Absagen und Verschieben ist bei Salon Sonnenschein telefonisch leider nicht möglich."
    ));
}

// ---- blocks --------------------------------------------------------------------

fn heading_positions(text: &str, headings: &[&str]) -> Vec<usize> {
    headings
        .iter()
        .map(|h| {
            let marker = format!("\n## {h}\n");
            assert_eq!(text.matches(&marker).count(), 1, "{h} must appear once");
            text.find(&marker).unwrap_or_default()
        })
        .collect()
}

#[test]
fn blocks_appear_once_in_the_requested_order_after_the_base() {
    let text = prompt(
        &salon(),
        &[
            "clear-confirmation",
            "dialect-robust",
            "clear-confirmation",
            "dialect-robust",
        ],
        true,
    );
    let at = heading_positions(
        &text,
        &[
            "Gesprächsführung",
            "Klare Bestätigung",
            "Dialekt und Umgangssprache",
        ],
    );
    assert!(at[0] < at[1] && at[1] < at[2], "{at:?}");
    assert!(!text.contains("## Langsam und deutlich sprechen"));
    assert!(!text.contains("## Absagen und Verschieben"));

    let all = prompt(&salon(), TEMPLATE_BLOCKS, true);
    let at = heading_positions(
        &all,
        &[
            "Dialekt und Umgangssprache",
            "Langsam und deutlich sprechen",
            "Absagen und Verschieben",
            "Klare Bestätigung",
        ],
    );
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");
}

#[test]
fn base_prompt_has_no_block_sections() {
    let text = prompt(&salon(), &[], true);
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(
        headings,
        [
            "## Rolle",
            "## Anrede",
            "## Standorte",
            "## Leistungen",
            "## Team",
            "## Funktionen",
            "## Gesprächsführung",
        ]
    );
}

#[test]
fn block_contents() {
    let dialect = prompt(&salon(), &["dialect-robust"], true);
    for needle in [
        "„Sonnabend“ ist Samstag",
        "„Viertel drei“",
        "„Dreiviertel vier“",
        "„Grüß Gott“",
        "„Servus“",
        "„Jänner“",
        "rate nicht",
    ] {
        assert!(dialect.contains(needle), "missing {needle:?}");
    }
    let slow = prompt(&salon(), &["slow-speech"], true);
    assert!(slow.contains("Nenne nie mehr als drei Möglichkeiten auf einmal."));
    let confirm = prompt(&salon(), &["clear-confirmation"], true);
    assert!(confirm.contains(
        "„Also: Damenhaarschnitt am Dienstag, den 1. Dezember, um 14:15 Uhr bei Anna Müller \
         am Standort Salon Sonnenschein Mitte. Ist das so richtig?“"
    ));
    assert!(confirm.contains("per E-Mail oder SMS"));
}

#[test]
fn unknown_block_is_an_error_naming_it() {
    let err = compose(&salon(), &["slow-speech", "dialekt"], true).unwrap_err();
    assert_eq!(
        err,
        PromptError::UnknownBlock {
            name: "dialekt".to_owned(),
            known: TEMPLATE_BLOCKS.to_vec(),
        }
    );
    assert_eq!(
        err.to_string(),
        "unknown prompt block `dialekt`; known blocks: dialect-robust, slow-speech, \
         cancellation, clear-confirmation, privacy-notice"
    );
    // Names are exact: no silent case folding that a later lookup might not share.
    assert!(compose(&salon(), &["Slow-Speech"], true).is_err());
}

#[test]
fn the_block_list_and_the_help_agree() {
    let names: Vec<&str> = Block::ALL.iter().map(|b| b.name()).collect();
    assert_eq!(names, TEMPLATE_BLOCKS);
    let help = block_names_help();
    assert_eq!(help.lines().count(), TEMPLATE_BLOCKS.len());
    for (line, name) in help.lines().zip(TEMPLATE_BLOCKS) {
        assert!(line.trim_start().starts_with(name), "{line}");
    }
}

// ---- determinism and robustness ------------------------------------------------

#[test]
fn composing_twice_gives_identical_text() {
    let tenant = salon();
    let first = prompt(&tenant, TEMPLATE_BLOCKS, true);
    assert_eq!(first, prompt(&tenant, TEMPLATE_BLOCKS, true));
    assert_eq!(first, prompt(&tenant.clone(), TEMPLATE_BLOCKS, true));
    assert_eq!(first, prompt(&salon(), TEMPLATE_BLOCKS, true));
}

#[test]
fn an_empty_or_odd_tenant_still_gives_a_prompt() {
    let mut tenant = salon();
    tenant.branches.clear();
    tenant.services.clear();
    tenant.company.name = "Praxis\nam   Markt".to_owned();
    tenant.staff[0].hours = Some(WeeklyHours::default());
    let text = prompt(&tenant, TEMPLATE_BLOCKS, false);
    assert!(text.contains("Du bist die Telefonassistenz von Praxis am Markt."));
    assert!(text.contains("Es sind keine Standorte hinterlegt."));
    assert!(text.contains("Es sind keine Leistungen hinterlegt."));
    // References that no longer resolve stay visible as slugs.
    assert!(text.contains(
        "- Anna Müller (mitte): damenhaarschnitt, faerben, foehnen. \
                           Derzeit sind keine Arbeitszeiten hinterlegt."
    ));
    assert!(text.contains(
        "„Also: [Leistung] am Dienstag, den 1. Dezember, um 14:15 Uhr bei \
                           [Name] am Standort [Standort]. Ist das so richtig?“"
    ));

    tenant.staff.clear();
    let text = prompt(&tenant, &[], true);
    assert!(text.contains("Es sind keine Mitarbeitenden hinterlegt."));
}

#[test]
#[ignore = "prints the example prompt; run with --ignored --nocapture"]
fn print_example_prompt() {
    println!("{}", prompt(&salon(), TEMPLATE_BLOCKS, true));
}

#[test]
fn the_blocks_of_a_composed_prompt_are_recognised() {
    assert!(blocks_in(&prompt(&salon(), &[], true)).is_empty());
    let some = prompt(&salon(), &["clear-confirmation", "dialect-robust"], true);
    assert_eq!(blocks_in(&some), ["dialect-robust", "clear-confirmation"]);
    assert_eq!(
        blocks_in(&prompt(&salon(), TEMPLATE_BLOCKS, false)),
        TEMPLATE_BLOCKS
    );
    assert!(blocks_in("Du bist ein Assistent. Klare Bestätigung bitte.").is_empty());
}

#[test]
fn the_privacy_notice_is_said_after_the_greeting_in_the_companys_address() {
    let sie = prompt(&salon(), &["privacy-notice"], true);
    assert!(sie.contains("Datenschutz"), "{sie}");
    assert!(sie.contains("verarbeiten wir Ihre Angaben"));
    assert!(sie.contains("`take_message`") && sie.contains("Auskunft oder Löschung"));
    let mut du_salon = salon();
    du_salon.company.formality = Formality::Du;
    let du = prompt(&du_salon, &["privacy-notice"], true);
    assert!(du.contains("verarbeiten wir deine Angaben"), "{du}");
}
