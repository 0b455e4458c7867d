//! `askpro config …` and `askpro token create`.

use crate::common::{Backend, TestDb};
use crate::{askpro, example_path, json, stderr, stdout};

#[tokio::test]
async fn settings_are_validated_scoped_and_listed() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    askpro(&db.url, &["tenant", "apply", &example_path()]);
    let unknown = askpro(&db.url, &["config", "set", "webhook.dedup=10"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown)
            .contains("unknown setting `webhook.dedup`; valid keys: calcom.slots_cache_seconds,"),
        "{}",
        stderr(&unknown)
    );
    let range = askpro(&db.url, &["config:set", "retell.call_timeout=5"]);
    assert!(
        stderr(&range).contains("expected a whole number of seconds from 60 to 3600"),
        "{}",
        stderr(&range)
    );
    let set = askpro(&db.url, &["config:set", "webhook.deduplication_window=10"]);
    assert!(
        stdout(&set).contains("webhook.deduplication_window = 10  (global"),
        "{}",
        stdout(&set)
    );
    let company = json(&askpro(
        &db.url,
        &[
            "--json",
            "config",
            "set",
            "webhook.deduplication_window=3",
            "--company-id=salon-sonnenschein",
        ],
    ));
    assert_eq!(
        (company["value"].as_str(), company["source"].as_str()),
        (Some("3"), Some("company"))
    );
    let global = json(&askpro(
        &db.url,
        &["--json", "config", "get", "webhook.deduplication_window"],
    ));
    assert_eq!(
        (global["value"].as_str(), global["source"].as_str()),
        (Some("10"), Some("global"))
    );
    let all = json(&askpro(
        &db.url,
        &[
            "--json",
            "config",
            "list",
            "--company-id",
            "salon-sonnenschein",
        ],
    ));
    let keys: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&"mail.mailer") && keys.contains(&"retell.enable_cancellation"),
        "{keys:?}"
    );
    let unset = json(&askpro(
        &db.url,
        &[
            "--json",
            "config",
            "unset",
            "webhook.deduplication_window",
            "--company-id",
            "salon-sonnenschein",
        ],
    ));
    assert_eq!(unset["source"], "global");
    let foreign = askpro(
        &db.url,
        &[
            "config",
            "set",
            "mail.mailer=backup_smtp",
            "--company-id",
            "nobody",
        ],
    );
    assert!(stderr(&foreign).contains("unknown company `nobody`"));
}

#[tokio::test]
async fn a_new_token_is_alone_on_the_last_line_and_authenticates() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    askpro(&db.url, &["tenant", "apply", &example_path()]);
    let output = askpro(
        &db.url,
        &[
            "token",
            "create",
            "--company-id",
            "salon-sonnenschein",
            "--label",
            "website",
        ],
    );
    let text = stdout(&output);
    let token = text.lines().last().unwrap().trim().to_owned();
    assert!(token.starts_with("apk_") && token.len() == 68, "{text}");
    let app = askpro_app::App::with_clock(db.connect().await, crate::common::frozen_clock());
    let principal = app.authenticate(&token, None).await.unwrap();
    assert!(
        matches!(principal, Some(askpro_app::tokens::Principal::Company { label, .. }) if label == "website")
    );
    assert!(
        app.authenticate("apk_forged", None)
            .await
            .unwrap()
            .is_none()
    );
    let unknown = askpro(&db.url, &["token", "create", "--company-id", "nobody"]);
    assert!(!unknown.status.success());
}

#[tokio::test]
async fn a_setting_changed_elsewhere_reaches_a_running_app_within_seconds() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    let server = askpro_app::App::with_clock(db.connect().await, crate::common::frozen_clock());
    assert_eq!(
        server
            .setting("mail.mailer", None)
            .await
            .unwrap()
            .value
            .as_str(),
        "smtp"
    );
    assert!(
        askpro(&db.url, &["config", "set", "mail.mailer=backup_smtp"])
            .status
            .success()
    );
    let started = std::time::Instant::now();
    loop {
        if server
            .setting("mail.mailer", None)
            .await
            .unwrap()
            .value
            .as_str()
            == "backup_smtp"
        {
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "the running app never saw the new value"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[test]
fn a_broken_config_file_is_reported_without_its_secrets() {
    let (_dir, path) = crate::temp_file(
        "askpro.toml",
        "databse_url = \"postgres://app:S3cretPW@db/askpro\"\n",
    );
    let output = crate::askpro_command()
        .args(["--config", &path, "tenant", "list"])
        .output()
        .unwrap();
    let message = stderr(&output);
    assert!(!output.status.success());
    assert!(
        message.contains("unknown field `databse_url`") && message.contains("line 1"),
        "{message}"
    );
    assert!(!message.contains("S3cretPW"), "{message}");
}

#[test]
fn a_bad_database_url_is_refused_without_echoing_the_password() {
    let output = askpro("mysql://root:hunter2@localhost/db", &["tenant", "list"]);
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("unsupported database URL") && !message.contains("hunter2"),
        "{message}"
    );
}
