//! The tenant file contract: the example parses and round-trips, and every kind of
//! mistake is refused with the key that is wrong.

use super::*;

const EXAMPLE: &str = include_str!("../../../../examples/salon-sonnenschein.toml");

/// The example with one textual change.
fn edited(from: &str, to: &str) -> String {
    assert!(
        EXAMPLE.contains(from),
        "fixture text `{from}` not in the example"
    );
    EXAMPLE.replacen(from, to, 1)
}

fn error_of(text: &str) -> TenantError {
    Tenant::from_toml(text).expect_err("the file should be refused")
}

#[test]
fn the_example_is_valid_and_complete() {
    let tenant = Tenant::from_toml(EXAMPLE).unwrap();
    assert_eq!(tenant.company.slug.as_str(), "salon-sonnenschein");
    assert_eq!(tenant.branches.len(), 2);
    assert_eq!(tenant.branches[0].holidays.unwrap().code(), "DE-BE");
    assert_eq!(tenant.branches[1].holidays.unwrap().code(), "DE-BY");
    assert_eq!(tenant.services.len(), 4);
    assert_eq!(tenant.service("faerben").unwrap().buffer_before_min, 10);
    assert_eq!(
        tenant.service("damenhaarschnitt").unwrap().price_cents,
        Some(4900)
    );
    assert_eq!(tenant.staff_member("leyla").unwrap().name, "Leyla Yıldız");
    assert!(tenant.staff_member("jonas").unwrap().hours.is_none());
    assert!(tenant.warnings().is_empty(), "{:?}", tenant.warnings());
}

#[test]
fn a_tenant_written_back_as_a_file_parses_to_the_same_tenant() {
    let tenant = Tenant::from_toml(EXAMPLE).unwrap();
    let text = toml::to_string(&tenant.to_file()).unwrap();
    assert_eq!(Tenant::from_toml(&text).unwrap(), tenant);
}

#[test]
fn defaults_apply_where_the_file_is_silent() {
    let minimal = r#"
        [company]
        slug = "mini"
        name = "Mini"
        email = "a@b.de"
        [[branches]]
        slug = "one"
        name = "One"
        timezone = "Europe/Zurich"
        phone = "+41441234567"
        address = "Bahnhofstrasse 1, Zürich"
    "#;
    let tenant = Tenant::from_toml(minimal).unwrap();
    assert_eq!(
        tenant.booking,
        BookingRules {
            slot_step_min: 15,
            min_notice_min: 60,
            horizon_days: 90
        }
    );
    assert_eq!(tenant.company.formality, Formality::Sie);
    assert!(tenant.branches[0].holidays.is_none());
    assert_eq!(tenant.warnings(), ["branch `one` has no staff"]);
}

#[test]
fn each_mistake_names_its_key() {
    let cases: Vec<(String, &str, &str)> = vec![
        (
            edited(
                "timezone = \"Europe/Berlin\"",
                "timezone = \"Europe/Berlinn\"",
            ),
            "branches.mitte.timezone",
            "unknown time zone `Europe/Berlinn`",
        ),
        (
            edited("mon = [\"09:00-18:00\"]", "mon = [\"25:00-26:00\"]"),
            "branches.mitte.hours.mon",
            "not a time of day",
        ),
        (
            edited(
                "wed = [\"09:00-13:00\", \"14:00-18:00\"]",
                "wed = [\"09:00-13:00\", \"12:00-18:00\"]",
            ),
            "branches.mitte.hours.wed",
            "overlap",
        ),
        (
            edited("mon = [\"09:00-18:00\"]", "mon = [\"18:00-09:00\"]"),
            "branches.mitte.hours.mon",
            "ends before it starts",
        ),
        (
            edited(
                "services = [\"damenhaarschnitt\", \"faerben\", \"foehnen\"]",
                "services = [\"dauerwelle\"]",
            ),
            "staff.anna.services",
            "`dauerwelle` is not a service slug",
        ),
        (
            edited("branches = [\"mitte\"]", "branches = [\"kreuzberg\"]"),
            "staff.anna.branches",
            "`kreuzberg` is not a branch slug",
        ),
        (
            edited("holidays = \"DE-BE\"", "holidays = \"DE-XX\""),
            "branches.mitte.holidays",
            "valid codes: ",
        ),
        (
            edited(
                "closed = [\"2026-12-24\", \"2026-12-31\"]",
                "closed = [\"2026-02-30\"]",
            ),
            "branches.mitte.closed",
            "`2026-02-30` is not a date",
        ),
        (
            edited("phone = \"+493012345678\"", "phone = \"030 12345678\""),
            "branches.mitte.phone",
            "not an E.164",
        ),
        (
            edited("phone = \"+498912345678\"", "phone = \"+493012345678\""),
            "branches.schwabing.phone",
            "already the phone of another branch",
        ),
        (
            edited(
                "phone = \"+493012345678\"",
                "phone = \"+493012345678\"\ntransfer_number = \"0301234\"",
            ),
            "branches.mitte.transfer_number",
            "not an E.164",
        ),
        (
            edited(
                "phone = \"+493012345678\"",
                "phone = \"+493012345678\"\nemail = \"mitte\"",
            ),
            "branches.mitte.email",
            "not an e-mail address",
        ),
        (
            edited(
                "email = \"info@salon-sonnenschein.example\"",
                "email = \"info\"",
            ),
            "company.email",
            "not an e-mail address",
        ),
        (
            edited(
                "slug = \"salon-sonnenschein\"",
                "slug = \"Salon Sonnenschein\"",
            ),
            "company.slug",
            "may contain only",
        ),
        (
            edited("slug = \"schwabing\"", "slug = \"mitte\""),
            "branches.mitte.slug",
            "used by more than one entry",
        ),
        (
            edited("formality = \"sie\"", "formality = \"ihr\""),
            "company.formality",
            "neither",
        ),
        (
            edited("duration_min = 45", "duration_min = 0"),
            "services.damenhaarschnitt.duration_min",
            "outside 5..=720",
        ),
        (
            edited("slot_step_min = 15", "slot_step_min = 1"),
            "booking.slot_step_min",
            "outside 5..=240",
        ),
        (
            edited("horizon_days = 90", "horizon_days = 0"),
            "booking.horizon_days",
            "outside 1..=730",
        ),
        (
            format!("{EXAMPLE}\n[calcom]\napi_key_env = \"cal_live_abc123\"\n"),
            "calcom.api_key_env",
            "not an environment variable name",
        ),
        (
            format!(
                "{EXAMPLE}\n[calcom]\napi_key_env = \"K\"\nwebhook_secret_env = \"whsec_123\"\n"
            ),
            "calcom.webhook_secret_env",
            "put the secret in that variable",
        ),
        (
            format!("{EXAMPLE}\n[calcom]\napi_key_env = \"K\"\nsync_days = 0\n"),
            "calcom.sync_days",
            "outside 1..=365",
        ),
    ];
    for (text, key, problem) in cases {
        let error = error_of(&text);
        assert_eq!(error.key, key, "{error}");
        assert!(
            error.problem.contains(problem),
            "{key}: `{}` should mention `{problem}`",
            error.problem
        );
    }
}

#[test]
fn unknown_and_missing_keys_and_broken_syntax_name_the_line() {
    let typo = edited("buffer_after_min = 15", "bufer_after_min = 15");
    let error = error_of(&typo);
    assert!(
        error.problem.contains("unknown field `bufer_after_min`"),
        "{error}"
    );
    let line = typo
        .lines()
        .position(|l| l.starts_with("bufer_after_min"))
        .unwrap()
        + 1;
    assert!(error.key.starts_with(&format!("line {line}")), "{error}");
    let missing = edited("name = \"Damenhaarschnitt\"\n", "");
    assert!(error_of(&missing).problem.contains("missing field `name`"));
    let wrong_type = edited("duration_min = 45", "duration_min = \"45\"");
    assert!(error_of(&wrong_type).problem.contains("invalid type"));
    assert!(error_of("[company\nslug = 1").key.starts_with("line 1"));
    assert!(error_of("").problem.contains("missing field `company`"));
}

#[test]
fn no_input_makes_the_parser_panic() {
    for text in [
        "\u{0}",
        "[[branches]]\n[[branches]]",
        "[company]\nslug=\"a\"\nname=\"\"\nemail=\"a@b.c\"",
        "x = 1e999",
        "[branches.hours]\nmon = [\"-\"]",
    ] {
        let _ = Tenant::from_toml(text);
    }
}

#[test]
fn the_calcom_section_keeps_its_keys_through_a_round_trip() {
    let text = format!(
        "{EXAMPLE}\n[calcom]\napi_key_env = \"SALON_CALCOM_KEY\"\nwebhook_secret_env = \"SALON_CALCOM_WHSEC\"\nsync_days = 30\nbase_url = \"http://127.0.0.1:9/v2/\"\n"
    );
    let tenant = Tenant::from_toml(&text).unwrap();
    let calcom = tenant.calcom.clone().unwrap();
    assert_eq!(
        calcom.webhook_secret_env.as_deref(),
        Some("SALON_CALCOM_WHSEC")
    );
    assert_eq!(calcom.sync_days, 30);
    assert_eq!(
        calcom.base_url, "http://127.0.0.1:9/v2",
        "no trailing slash"
    );
    let again = Tenant::from_toml(&toml::to_string(&tenant.to_file()).unwrap()).unwrap();
    assert_eq!(again.calcom, tenant.calcom);
    let plain = Tenant::from_toml(&format!("{EXAMPLE}\n[calcom]\napi_key_env = \"K\"\n")).unwrap();
    assert_eq!(plain.calcom.unwrap().sync_days, 60);
}

#[test]
fn a_branch_may_name_a_transfer_number_and_its_own_address() {
    let text = edited(
        "phone = \"+493012345678\"",
        "phone = \"+493012345678\"\ntransfer_number = \"+493012345600\"\nemail = \"mitte@salon-sonnenschein.example\"",
    );
    let tenant = Tenant::from_toml(&text).unwrap();
    let mitte = &tenant.branches[0];
    assert_eq!(mitte.transfer_number.as_deref(), Some("+493012345600"));
    assert_eq!(
        mitte.email.as_deref(),
        Some("mitte@salon-sonnenschein.example")
    );
    assert_eq!(
        tenant.branches[1].email, None,
        "Schwabing has a number, no address"
    );
    assert_eq!(mitte.sms_number, None);
    // Written back as a tenant file, the keys stay.
    let again = Tenant::from_toml(&toml::to_string(&tenant.to_file()).unwrap()).unwrap();
    assert_eq!(again, tenant);
}
