//! The runbook's Cal.com commands as an operator types them, colon form included,
//! against a database and the Cal.com stand-in: `calcom:force-sync`, `calcom:status`,
//! `calcom:refresh-availability`, `cache:clear`, `cache:forget`, `timezone:verify`,
//! `appointments:remove-duplicates` and `schedule:run-now --command=calcom:sync`.

use crate::common::{Backend, EXAMPLE, TestDb, now};
use crate::{askpro_command, json, stderr, stdout, temp_file};
use askpro_standins::calcom::{Fake, FakeCalcom};
use jiff::civil::time;
use std::process::Output;

const KEY: &str = "cal_cli_test_key_987654321";
const COMPANY: &str = "salon-sonnenschein";

/// A database with the salon keeping Anna's Damenhaarschnitt in the stand-in.
struct Setup {
    db: TestDb,
    fake: Fake,
    _tenant: tempfile::TempDir,
}

impl Setup {
    async fn new() -> Setup {
        let db = TestDb::new(Backend::Sqlite).await.unwrap();
        let server = FakeCalcom::start(KEY).await.unwrap();
        let fake = server.fake;
        fake.set_now(Some(now()));
        fake.add_host("anna", "Europe/Berlin", time(9, 0, 0, 0), time(18, 0, 0, 0));
        fake.add_event_type(7, "damenhaarschnitt", 45, &["anna"]);
        fake.set_slot_interval(7, 15);
        let tenant = EXAMPLE
            .replacen(
                "price_eur = 49.0",
                "price_eur = 49.0\ncalcom_event_type_id = 7",
                1,
            )
            .replacen(
                "slug = \"anna\"",
                "slug = \"anna\"\ncalcom_username = \"anna\"",
                1,
            )
            + &format!(
                "\n[calcom]\napi_key_env = \"CLI_CALCOM_KEY\"\nbase_url = \"{}\"\n",
                server.base_url
            );
        let (dir, path) = temp_file("tenant.toml", &tenant);
        let setup = Setup {
            db,
            fake,
            _tenant: dir,
        };
        let applied = setup.run(&["tenant:apply", &path]).await;
        assert!(applied.status.success(), "{}", stderr(&applied));
        setup
    }

    /// `askpro ARGS…` with the Cal.com key in its environment, off the test's runtime.
    async fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, Some(KEY)).await
    }

    async fn run_with(&self, args: &[&str], key: Option<&str>) -> Output {
        let mut command = askpro_command();
        command
            .arg("--database-url")
            .arg(&self.db.url)
            .args(args)
            .env("ASKPRO_LOG", "error");
        match key {
            Some(key) => command.env("CLI_CALCOM_KEY", key),
            None => command.env_remove("CLI_CALCOM_KEY"),
        };
        // The stand-in runs on this test's runtime: wait for the process elsewhere.
        tokio::task::spawn_blocking(move || command.output().expect("askpro runs"))
            .await
            .unwrap()
    }
}

fn both(output: &Output) -> String {
    format!("{}{}", stdout(output), stderr(output))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn force_sync_reports_fixes_and_then_finds_nothing() {
    let s = Setup::new().await;
    let web = serde_json::json!({ "name": "Web Kundin", "email": "web@example.org" });
    s.fake
        .web_book(7, "anna", "2026-12-01T09:00:00Z".parse().unwrap(), web)
        .unwrap();
    let dry = s
        .run(&[
            "--json",
            "calcom:force-sync",
            "--company-id=salon-sonnenschein",
            "--dry-run",
        ])
        .await;
    assert_eq!(dry.status.code(), Some(1), "out of sync: {}", both(&dry));
    let report: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(
        report["report"]["differences"][0]["kind"], "missing_here",
        "{report}"
    );
    let fixed = s
        .run(&["calcom:force-sync", "--company-id=salon-sonnenschein"])
        .await;
    assert!(fixed.status.success(), "{}", both(&fixed));
    assert!(
        stdout(&fixed).contains("missing_here") && stdout(&fixed).contains("added to AskPro"),
        "{}",
        stdout(&fixed)
    );
    let again = s
        .run(&["calcom", "force-sync", "--company-id", COMPANY])
        .await;
    assert!(
        again.status.success() && stdout(&again).contains("in sync: no differences"),
        "{}",
        both(&again)
    );
    let listed = json(&s.run(&["--json", "schedule", "list"]).await);
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["command"] == "calcom:sync"),
        "{listed}"
    );
    let scheduled = s.run(&["schedule:run-now", "--command=calcom:sync"]).await;
    assert!(
        stdout(&scheduled).contains("reconciled 1 Cal.com company"),
        "{}",
        both(&scheduled)
    );
    assert!(
        !both(&fixed).contains(KEY) && !both(&dry).contains(KEY),
        "the key is never printed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_names_what_is_missing_and_never_the_key() {
    let s = Setup::new().await;
    let unsubscribed = s
        .run(&["calcom:status", "--company-id=salon-sonnenschein"])
        .await;
    assert_eq!(
        unsubscribed.status.code(),
        Some(1),
        "{}",
        both(&unsubscribed)
    );
    let text = stdout(&unsubscribed);
    assert!(
        text.contains("ok   API key") && text.contains("ok   host anna"),
        "{text}"
    );
    assert!(text.contains("FAIL webhook: no active webhook"), "{text}");
    s.fake.subscribe(
        &format!("https://askpro.example/webhooks/calcom/{COMPANY}"),
        "secret",
    );
    let healthy = s.run(&["calcom", "status"]).await;
    assert!(healthy.status.success(), "{}", both(&healthy));
    let keyless = s
        .run_with(&["calcom:status", "--company-id=salon-sonnenschein"], None)
        .await;
    assert_eq!(keyless.status.code(), Some(1));
    assert!(
        stdout(&keyless).contains("`CLI_CALCOM_KEY`"),
        "{}",
        both(&keyless)
    );
    let wrong = s
        .run_with(
            &["calcom:status", "--company-id=salon-sonnenschein"],
            Some("cal_wrong_key_123456"),
        )
        .await;
    assert!(stdout(&wrong).contains("FAIL API key"), "{}", both(&wrong));
    assert!(!both(&wrong).contains("cal_wrong_key_123456"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_availability_and_time_zones_explain_differences() {
    let s = Setup::new().await;
    let same = s
        .run(&[
            "calcom:refresh-availability",
            "--company-id=salon-sonnenschein",
            "--next-days",
            "2",
        ])
        .await;
    assert!(same.status.success(), "{}", both(&same));
    // Anna ends at 15:00 on Mondays at AskPro, Cal.com says 18:00.
    assert!(
        stdout(&same).contains("AskPro: outside opening or staff hours"),
        "{}",
        stdout(&same)
    );
    let zones = s
        .run(&["timezone:verify", "--company-id=salon-sonnenschein"])
        .await;
    assert!(zones.status.success(), "{}", both(&zones));
    assert!(
        stdout(&zones).contains("Cal.com host anna")
            && stdout(&zones).contains("next change in Europe/Berlin: 2027-03-28"),
        "{}",
        stdout(&zones)
    );
    s.fake
        .add_host("anna", "Europe/London", time(9, 0, 0, 0), time(18, 0, 0, 0));
    let mismatch = s
        .run(&["timezone:verify", "--company-id=salon-sonnenschein"])
        .await;
    assert_eq!(mismatch.status.code(), Some(1), "{}", both(&mismatch));
    assert!(
        stdout(&mismatch).contains("Europe/London") && stdout(&mismatch).contains("MISMATCH"),
        "{}",
        stdout(&mismatch)
    );
    let shifted = s
        .run(&[
            "calcom:refresh-availability",
            "--company-id=salon-sonnenschein",
            "--next-days",
            "2",
        ])
        .await;
    assert!(
        stdout(&shifted).contains("time zone: the Cal.com host keeps Europe/London"),
        "{}",
        stdout(&shifted)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn caches_and_duplicates_take_the_runbook_spellings() {
    let s = Setup::new().await;
    let forget = s.run(&["cache:forget", "availability:*"]).await;
    assert!(
        forget.status.success() && stdout(&forget).contains("within 5 seconds"),
        "{}",
        both(&forget)
    );
    let one = s
        .run(&["cache:forget", "availability:salon-sonnenschein"])
        .await;
    assert!(one.status.success(), "{}", both(&one));
    let unknown_company = s.run(&["cache:forget", "availability:no-such-salon"]).await;
    assert!(
        !unknown_company.status.success() && stderr(&unknown_company).contains("no-such-salon"),
        "{}",
        both(&unknown_company)
    );
    let bogus = s.run(&["cache:forget", "everything"]).await;
    assert!(
        !bogus.status.success() && stderr(&bogus).contains("availability:*"),
        "{}",
        both(&bogus)
    );
    assert!(s.run(&["cache:clear"]).await.status.success());
    let db = s.db.connect().await;
    for name in [
        "cache:availability:*",
        "cache:availability:salon-sonnenschein",
        "cache:all",
    ] {
        assert!(
            askpro_store::workers::signal(&db, name)
                .await
                .unwrap()
                .is_some(),
            "{name} raised"
        );
    }
    let none = s
        .run(&[
            "appointments:remove-duplicates",
            "--company-id=salon-sonnenschein",
            "--dry-run",
        ])
        .await;
    assert!(
        none.status.success() && stdout(&none).contains("no duplicates"),
        "{}",
        both(&none)
    );
    let modeless = s.run(&["appointments:remove-duplicates"]).await;
    assert_eq!(
        modeless.status.code(),
        Some(2),
        "--dry-run or --confirm is required"
    );
}
