//! `askpro user …`: dashboard accounts from the command line — passwords only from
//! standard input or made up and shown once, clear refusals, and the account really
//! signing in afterwards.

use crate::common::{Backend, TestDb};
use crate::{askpro, askpro_command, example_path, json, stderr, stdout};
use askpro_app::App;
use askpro_app::accounts::SignInOutcome;
use std::io::Write;
use std::process::Stdio;

/// `askpro --database-url URL ARGS…` with `input` on standard input.
fn askpro_with_input(url: &str, args: &[&str], input: &str) -> std::process::Output {
    let mut child = askpro_command()
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env("ASKPRO_LOG", "error")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("askpro runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write password");
    child.wait_with_output().expect("askpro ends")
}

async fn signs_in(url: &str, email: &str, password: &str) -> bool {
    let db = askpro_store::Db::connect(url).await.expect("db");
    let app = App::with_clock(db, crate::common::frozen_clock());
    matches!(
        app.sign_in(email, password, "cli-test")
            .await
            .expect("sign-in"),
        SignInOutcome::SignedIn(_)
    )
}

#[tokio::test]
async fn users_are_added_listed_given_passwords_and_removed() {
    let db = TestDb::new(Backend::Sqlite).await.expect("SQLite test db");
    let url = db.url.clone();
    assert!(
        askpro(&url, &["tenant", "apply", &example_path()])
            .status
            .success()
    );
    let company = ["--company-id", "salon-sonnenschein"];

    let added = askpro_with_input(
        &url,
        &[
            &["user", "add"],
            &company[..],
            &[
                "--email",
                "Inhaber@Salon.example",
                "--role",
                "owner",
                "--password-stdin",
            ],
        ]
        .concat(),
        "Sonnenschein-2026\n",
    );
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(stdout(&added).contains("added inhaber@salon.example (owner of salon-sonnenschein)"));
    assert!(
        !stdout(&added).contains("Sonnenschein-2026"),
        "a given password is never echoed"
    );
    assert!(signs_in(&url, "inhaber@salon.example", "Sonnenschein-2026").await);

    let made_up = json(&askpro(
        &url,
        &[
            &["--json", "user", "add"],
            &company[..],
            &[
                "--email",
                "team@salon.example",
                "--role",
                "staff",
                "--generate-password",
            ],
        ]
        .concat(),
    ));
    let password = made_up["password"]
        .as_str()
        .expect("a made-up password is shown once");
    assert_eq!(
        (made_up["role"].as_str(), password.len()),
        (Some("staff"), 20)
    );
    assert!(signs_in(&url, "team@salon.example", password).await);

    let listed = json(&askpro(
        &url,
        &[&["--json", "user", "list"], &company[..]].concat(),
    ));
    let emails: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(emails, ["inhaber@salon.example", "team@salon.example"]);
    assert!(
        !listed.to_string().contains("argon2"),
        "hashes never leave the database"
    );

    let changed = askpro_with_input(
        &url,
        &["user", "password", "team@salon.example", "--password-stdin"],
        "Neues-Passwort-1\n",
    );
    assert!(changed.status.success(), "{}", stderr(&changed));
    assert!(!signs_in(&url, "team@salon.example", password).await);
    assert!(signs_in(&url, "team@salon.example", "Neues-Passwort-1").await);

    let removed = askpro(&url, &["user", "remove", "team@salon.example"]);
    assert!(removed.status.success(), "{}", stderr(&removed));
    assert!(!signs_in(&url, "team@salon.example", "Neues-Passwort-1").await);
}

#[tokio::test]
async fn wrong_accounts_are_refused_with_the_reason() {
    let db = TestDb::new(Backend::Sqlite).await.expect("SQLite test db");
    let url = db.url.clone();
    assert!(
        askpro(&url, &["tenant", "apply", &example_path()])
            .status
            .success()
    );
    let cases: [(&[&str], &str); 5] = [
        (
            &["user", "add", "--email", "a@b.de", "--role", "owner"],
            "belongs to a company: give --company-id",
        ),
        (
            &[
                "user",
                "add",
                "--company-id",
                "salon-sonnenschein",
                "--email",
                "a@b.de",
                "--role",
                "operator",
            ],
            "give no --company-id",
        ),
        (
            &[
                "user",
                "add",
                "--company-id",
                "salon-sonnenschein",
                "--email",
                "kein-mail",
                "--role",
                "owner",
            ],
            "not an e-mail address",
        ),
        (
            &[
                "user",
                "add",
                "--company-id",
                "nirgends",
                "--email",
                "a@b.de",
                "--role",
                "owner",
            ],
            "unknown company `nirgends`",
        ),
        (
            &["user", "remove", "niemand@b.de"],
            "no dashboard user with the address niemand@b.de",
        ),
    ];
    for (args, reason) in cases {
        let output = askpro(&url, args);
        assert!(!output.status.success(), "{args:?} succeeded");
        assert!(
            stderr(&output).contains(reason),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    let short = askpro_with_input(
        &url,
        &[
            "user",
            "add",
            "--company-id",
            "salon-sonnenschein",
            "--email",
            "a@b.de",
            "--role",
            "owner",
            "--password-stdin",
        ],
        "kurz\n",
    );
    assert!(
        stderr(&short).contains("at least 10 characters"),
        "{}",
        stderr(&short)
    );
    let twice = askpro(
        &url,
        &["user", "add", "--email", "ops@b.de", "--role", "operator"],
    );
    assert!(twice.status.success(), "{}", stderr(&twice));
    let again = askpro(
        &url,
        &["user", "add", "--email", "OPS@b.de", "--role", "operator"],
    );
    assert!(
        stderr(&again).contains("already a user with the address ops@b.de"),
        "{}",
        stderr(&again)
    );
}

#[tokio::test]
async fn privacy_commands_refuse_what_would_be_wrong_and_say_what_they_did() {
    let db = TestDb::new(Backend::Sqlite).await.expect("SQLite test db");
    let url = db.url.clone();
    assert!(
        askpro(&url, &["tenant", "apply", &example_path()])
            .status
            .success()
    );
    let unconfirmed = askpro(&url, &["privacy", "erase", "--phone", "+4915112345678"]);
    assert!(!unconfirmed.status.success());
    assert!(
        stderr(&unconfirmed).contains("cannot be undone"),
        "{}",
        stderr(&unconfirmed)
    );
    let national = askpro(&url, &["privacy", "export", "--phone", "0151 12345678"]);
    assert!(
        stderr(&national).contains("international form such as +4915112345678"),
        "{}",
        stderr(&national)
    );
    let export = json(&askpro(
        &url,
        &["privacy", "export", "--phone", "+49 151 12345678"],
    ));
    assert_eq!(
        (
            export["phone"].as_str(),
            export["companies"].as_array().map(Vec::len)
        ),
        (Some("+4915112345678"), Some(0))
    );
    let erased = askpro(
        &url,
        &["privacy", "erase", "--phone", "+4915112345678", "--confirm"],
    );
    assert!(
        stdout(&erased).contains("nothing stored about that number"),
        "{}",
        stdout(&erased)
    );
    let purged = json(&askpro(&url, &["--json", "privacy", "purge"]));
    assert_eq!(
        purged,
        serde_json::json!({ "transcripts_removed": 0, "calls_deleted": 0 })
    );
}
