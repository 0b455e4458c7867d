//! `askpro tenant …` and `askpro branch show-hours`.

use crate::common::{Backend, TestDb, fixture};
use crate::{askpro, example_path, json, stderr, stdout, temp_file};

crate::on_both_databases!(
    applying_is_idempotent_and_an_edit_updates_in_place,
    a_broken_file_names_file_key_and_problem_and_writes_nothing,
    a_phone_owned_by_another_company_refuses_the_whole_file,
);

async fn applying_is_idempotent_and_an_edit_updates_in_place(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let example = example_path();
    let first = askpro(&db.url, &["tenant", "apply", &example]);
    assert!(
        stdout(&first).contains("company `salon-sonnenschein` created (revision 1)"),
        "{}",
        stderr(&first)
    );
    let again = askpro(&db.url, &["tenant:apply", &example]);
    assert!(
        stdout(&again).contains("unchanged (revision 1)"),
        "{}",
        stdout(&again)
    );
    let text = std::fs::read_to_string(&example).unwrap();
    let sepp = text.find("[[staff]]\nslug = \"sepp\"").unwrap();
    let end = text[sepp..].find("\n\n").unwrap() + sepp;
    let edited = format!("{}{}", &text[..sepp], &text[end + 2..])
        .replace("name = \"Färben\"", "name = \"Färben & Tönen\"");
    let (_dir, path) = temp_file("edited.toml", &edited);
    let dry = askpro(&db.url, &["tenant", "apply", &path, "--dry-run"]);
    assert!(
        stdout(&dry).contains("would be updated"),
        "{}",
        stdout(&dry)
    );
    let updated = askpro(&db.url, &["tenant", "apply", &path]);
    assert!(
        stdout(&updated).contains("updated (revision 2)"),
        "{}",
        stdout(&updated)
    );
    assert!(
        stdout(&updated).contains("deactivated staff sepp"),
        "{}",
        stdout(&updated)
    );
    let list = json(&askpro(&db.url, &["--json", "tenant", "list"]));
    assert_eq!(list[0]["staff"], 3);
    assert_eq!(list[0]["revision"], 2);
    let shown = json(&askpro(
        &db.url,
        &["tenant", "show", "salon-sonnenschein", "--json"],
    ));
    assert_eq!(shown["services"][2]["name"], "Färben & Tönen");
    let as_file = stdout(&askpro(
        &db.url,
        &["tenant", "show", "salon-sonnenschein", "--toml"],
    ));
    let (_dir2, shown_path) = temp_file("shown.toml", &as_file);
    assert!(
        stdout(&askpro(&db.url, &["tenant", "apply", &shown_path])).contains("unchanged"),
        "show --toml round-trips"
    );
}

async fn a_broken_file_names_file_key_and_problem_and_writes_nothing(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let broken = std::fs::read_to_string(example_path())
        .unwrap()
        .replace("\"Europe/Berlin\"", "\"Europe/Berlinn\"");
    let (_dir, path) = temp_file("broken.toml", &broken);
    let output = askpro(&db.url, &["tenant", "apply", &path]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message
            .contains("broken.toml: branches.mitte.timezone: unknown time zone `Europe/Berlinn`"),
        "{message}"
    );
    assert!(message.contains("nothing was written"), "{message}");
    let missing = askpro(&db.url, &["tenant", "apply", "/nonexistent/tenant.toml"]);
    assert!(!missing.status.success());
    assert!(stderr(&missing).contains("cannot read /nonexistent/tenant.toml"));
    assert_eq!(
        json(&askpro(&db.url, &["--json", "tenant", "list"])),
        serde_json::json!([])
    );
}

async fn a_phone_owned_by_another_company_refuses_the_whole_file(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    assert!(
        askpro(&db.url, &["tenant", "apply", &example_path()])
            .status
            .success()
    );
    let clash = fixture("other-company.toml").replace("+43151234567", "+498912345678");
    let (_dir, path) = temp_file("praxis.toml", &clash);
    let output = askpro(&db.url, &["tenant", "apply", &path]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("branches.zentrum.phone: +498912345678 already belongs to branch `schwabing` of company `salon-sonnenschein`"), "{}", stderr(&output));
    let list = json(&askpro(&db.url, &["--json", "tenant", "list"]));
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "praxis-berg must not exist: {list}"
    );
}

#[tokio::test]
async fn show_hours_lists_holidays_closed_days_and_clock_changes() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    askpro(&db.url, &["tenant", "apply", &example_path()]);
    let report = json(&askpro(
        &db.url,
        &[
            "--json",
            "branch",
            "show-hours",
            "--branch-id",
            "schwabing",
            "--weeks",
            "52",
        ],
    ));
    let days = report["days"].as_array().unwrap();
    assert_eq!(days.len(), 364);
    let christmas = days
        .iter()
        .find(|d| d["date"].as_str().unwrap().ends_with("-12-25"))
        .unwrap();
    assert_eq!(
        christmas["closed_because"],
        "public holiday: 1. Weihnachtstag"
    );
    assert_eq!(christmas["hours"], serde_json::json!([]));
    assert!(
        days.iter()
            .any(|d| d["closed_because"] == "public holiday: Heilige Drei Könige"),
        "Bavaria keeps Epiphany"
    );
    let monday = days.iter().find(|d| d["weekday"] == "mon").unwrap();
    assert_eq!(
        (monday["hours"].clone(), monday["closed_because"].clone()),
        (serde_json::json!([]), serde_json::Value::Null)
    );
    assert_eq!(
        report["clock_changes"].as_array().unwrap().len(),
        2,
        "one spring and one autumn change per year"
    );
    let text = stdout(&askpro(
        &db.url,
        &["branch:show-hours", "--branch-id=mitte", "--weeks=1"],
    ));
    assert!(
        text.contains("WEEKLY HOURS") && text.contains("09:00-13:00, 14:00-18:00"),
        "{text}"
    );
    let unknown = askpro(&db.url, &["branch", "show-hours", "--branch-id", "nowhere"]);
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("unknown branch `nowhere`"));
}
