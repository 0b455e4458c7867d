//! No secret in any log line or message (issue 16, part 5): a server and CLI commands
//! run with planted credentials — admin token, Retell key, SMTP password, Twilio token,
//! Slack webhook path, a company's stored Retell key — at debug level, through the
//! paths that fail and report (unreachable SMTP, Twilio and Slack, wrong tokens, bad
//! signatures); then every byte they wrote is searched for the plants.

use crate::common::smtp::free_port;
use crate::common::{Backend, TestDb};
use crate::{askpro_command, example_path, stderr, stdout};
use std::process::{Output, Stdio};
use std::time::Duration;

const PLANTS: [&str; 6] = [
    "planted-admin-7f3a",
    "planted-retell-91c2",
    "planted-smtp-44d1",
    "planted-twilio-0be9",
    "planted-slack-d2e8",
    "planted-company-5a6c",
];

/// The environment that carries the plants (unreachable services, so they fail).
fn planted(command: &mut std::process::Command) -> &mut std::process::Command {
    command
        .env("ASKPRO_LOG", "debug")
        .env("NO_COLOR", "1")
        .env("ASKPRO_ADMIN_TOKEN", PLANTS[0])
        .env("ASKPRO_RETELL_API_KEY", PLANTS[1])
        .env("ASKPRO_RETELL_BASE_URL", "http://127.0.0.1:9")
        .env(
            "ASKPRO_SMTP_PRIMARY_URL",
            format!("smtp://askpro:{}@127.0.0.1:9", PLANTS[2]),
        )
        .env("ASKPRO_TWILIO_ACCOUNT_SID", "AC0000")
        .env("ASKPRO_TWILIO_AUTH_TOKEN", PLANTS[3])
        .env("ASKPRO_TWILIO_FROM", "+4930111")
        .env("ASKPRO_TWILIO_BASE_URL", "http://127.0.0.1:9")
        .env(
            "ASKPRO_SLACK_WEBHOOK_URL",
            format!("http://127.0.0.1:9/services/{}", PLANTS[4]),
        )
}

fn run(url: &str, args: &[&str]) -> Output {
    planted(askpro_command().arg("--database-url").arg(url).args(args))
        .output()
        .expect("askpro runs")
}

#[tokio::test]
async fn planted_secrets_never_reach_a_log_line_or_a_message() {
    let db = TestDb::new(Backend::Sqlite).await.expect("SQLite test db");
    let url = db.url.clone();
    let mut written = String::new();
    let mut keep = |output: Output| {
        written.push_str(&stdout(&output));
        written.push_str(&stderr(&output));
    };
    keep(run(&url, &["tenant", "apply", &example_path()]));
    keep(run(
        &url,
        &[
            "config",
            "set",
            &format!("retell.api_key={}", PLANTS[5]),
            "--company-id",
            "salon-sonnenschein",
        ],
    ));
    keep(run(
        &url,
        &[
            "config",
            "set",
            "notifications.sms.enabled=true",
            "--company-id",
            "salon-sonnenschein",
        ],
    ));
    keep(run(
        &url,
        &["config", "list", "--company-id", "salon-sonnenschein"],
    ));
    keep(run(
        &url,
        &[
            "config",
            "get",
            "retell.api_key",
            "--company-id",
            "salon-sonnenschein",
            "--json",
        ],
    ));
    keep(run(&url, &["email", "verify-smtp"]));
    keep(run(&url, &["email", "test", "--to", "someone@example.org"]));
    keep(run(&url, &["retell", "verify-webhook"]));

    let port = free_port();
    let log = tempfile::NamedTempFile::new().expect("log file");
    let mut server = planted(askpro_command().args([
        "--database-url",
        &url,
        "serve",
        "--listen",
        &format!("127.0.0.1:{port}"),
    ]))
    .stdout(Stdio::null())
    .stderr(log.reopen().expect("log handle"))
    .spawn()
    .expect("serve starts");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    crate::wait_until_up(&client, &base, Duration::from_secs(10)).await;
    let api = format!("{base}/api/v1/companies/salon-sonnenschein");
    // A booking with an e-mail and a phone: mail to the unreachable SMTP server, a text
    // to the unreachable Twilio, and when they fail, alerts to the unreachable Slack.
    let booked = client
        .post(format!("{api}/appointments"))
        .bearer_auth(PLANTS[0])
        .json(&serde_json::json!({ "branch": "mitte", "service": "damenhaarschnitt", "staff": "anna",
            "start": "2026-12-01T10:00:00+01:00",
            "customer": { "name": "Eva Schmidt", "phone": "+4915112345678", "email": "eva@example.org" } }))
        .send()
        .await
        .expect("booking");
    assert_eq!(booked.status(), 201);
    // Wrong credentials of every kind, and a token that is a secret with one letter changed.
    for token in ["nonsense", &PLANTS[0].replace('7', "8")] {
        client
            .get(format!("{api}/appointments"))
            .bearer_auth(token)
            .send()
            .await
            .expect("request");
    }
    client
        .post(format!("{base}/webhooks/retell"))
        .header("x-retell-signature", format!("v=1,d={}", PLANTS[1]))
        .body("{\"event\":\"call_started\"}")
        .send()
        .await
        .expect("webhook");
    client
        .post(format!("{base}/webhooks/twilio/sms"))
        .header("x-twilio-signature", PLANTS[3])
        .form(&[("From", "+4915112345678"), ("Body", "JA")])
        .send()
        .await
        .expect("twilio webhook");
    // Give the worker time to try the mail and the text and to raise its alerts.
    let reported = [
        "SMTP server did not take the mail",
        "Twilio unreachable",
        "Slack unreachable",
    ];
    for _ in 0..200 {
        let log_text = std::fs::read_to_string(log.path()).unwrap_or_default();
        if reported.iter().all(|line| log_text.contains(line)) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = server.kill();
    let _ = server.wait();
    written.push_str(&std::fs::read_to_string(log.path()).expect("server log"));

    assert!(
        written.contains("DEBUG") || written.contains("debug"),
        "the server logged at debug level"
    );
    assert!(
        written.len() > 2_000,
        "enough was written to mean something: {} bytes",
        written.len()
    );
    // The paths that report failures ran, so their messages were searched too.
    for path in [
        "SMTP server did not take the mail",
        "Twilio unreachable",
        "Slack unreachable",
        "Retell request refused",
        "Twilio webhook refused",
    ] {
        assert!(written.contains(path), "`{path}` was never logged");
    }
    for plant in PLANTS {
        if let Some(at) = written.find(plant) {
            let from = written[..at].rfind('\n').map_or(0, |i| i + 1);
            let to = written[at..].find('\n').map_or(written.len(), |i| at + i);
            panic!("`{plant}` was written: {}", &written[from..to]);
        }
    }
}
