//! `askpro serve` as a process: it migrates, answers, and stops cleanly on SIGTERM.

use crate::common::{Backend, TestDb};
use crate::{askpro, example_path};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn serve_answers_with_the_admin_token_and_stops_on_sigterm() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    askpro(&db.url, &["tenant", "apply", &example_path()]);
    let mut child = crate::askpro_command()
        .args([
            "--database-url",
            &db.url,
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("ASKPRO_ADMIN_TOKEN", "serve-test-token")
        .env("ASKPRO_LOG", "info")
        // Without NO_COLOR: a log written to a pipe or file carries no colour codes anyway.
        .env_remove("NO_COLOR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("askpro serve starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut child = KillOnDrop(child);
    let addr = logged_address(lines.by_ref()).expect("the server logs its address");
    let client = reqwest::Client::new();
    let url = format!(
        "http://{addr}/api/v1/companies/salon-sonnenschein/availability?service=foehnen&days=1"
    );
    let authorized = client
        .get(&url)
        .bearer_auth("serve-test-token")
        .send()
        .await
        .unwrap();
    assert_eq!(authorized.status(), 200);
    assert_eq!(
        client
            .get(&url)
            .bearer_auth("other")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // `serve` runs a job worker in the same process.
    let status = crate::json(&crate::askpro(&db.url, &["--json", "worker", "status"]));
    assert_eq!(status.as_array().map(Vec::len), Some(1), "{status}");
    // `queue restart` waits until that worker has reloaded its settings.
    let restart = crate::json(&crate::askpro(&db.url, &["--json", "queue", "restart"]));
    assert_eq!(restart["not_reloaded"], 0, "{restart}");
    assert_eq!(restart["workers"][0]["reloaded"], true, "{restart}");
    let pid = child.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.0.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("askpro stopped")));
    assert!(
        !rest.iter().any(|l| l.contains('\u{1b}')),
        "colour codes in a piped log: {rest:?}"
    );
}

#[tokio::test]
async fn sigterm_ends_the_server_within_its_shutdown_timeout_even_with_a_mail_stuck_in_smtp() {
    // An SMTP server that takes the connection and never says a word.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let smtp = format!("smtp://{}", silent.local_addr().unwrap());
    let (accepted_tx, accepted) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in silent.incoming().map_while(Result::ok) {
            held.push(stream);
            let _ = accepted_tx.send(());
        }
    });
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    askpro(&db.url, &["tenant", "apply", &example_path()]);
    let mut child = crate::askpro_command()
        .args([
            "--database-url",
            &db.url,
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .args(["--shutdown-timeout", "2"])
        .env("ASKPRO_ADMIN_TOKEN", "serve-test-token")
        .env("ASKPRO_SMTP_PRIMARY_URL", &smtp)
        .env("ASKPRO_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("askpro serve starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut child = KillOnDrop(child);
    let addr = logged_address(lines.by_ref()).expect("the server logs its address");
    let mut booking = crate::common::booking("anna", "2026-12-01T09:00:00+01:00");
    booking["customer"]["email"] = serde_json::json!("eva@example.org");
    let booked = reqwest::Client::new()
        .post(format!(
            "http://{addr}/api/v1/companies/salon-sonnenschein/appointments"
        ))
        .bearer_auth("serve-test-token")
        .json(&booking)
        .send()
        .await
        .unwrap();
    assert_eq!(booked.status(), 201);
    // The worker is now waiting for the silent server's greeting.
    accepted
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("the worker connects to the SMTP server");
    let started = std::time::Instant::now();
    let pid = child.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.0.wait().unwrap();
    let took = started.elapsed();
    assert!(status.success(), "exits 0 after the timeout, got {status}");
    assert!(
        took < std::time::Duration::from_secs(5),
        "a 2 s shutdown timeout, but it took {took:?}"
    );
    let log: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        log.iter()
            .any(|l| l.contains("claimed jobs return when their lease ends")),
        "{log:#?}"
    );
}

/// Stops the server even when an assertion fails first.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_demo_starts_with_the_example_company_and_working_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let db_file = dir.path().join("demo.db");
    std::fs::write(&db_file, "not a database: the demo must replace it").unwrap();
    let mut child = crate::askpro_command()
        .args([
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--db-file",
            db_file.to_str().unwrap(),
        ])
        .env("ASKPRO_LOG", "info")
        .env("NO_COLOR", "1")
        .env_remove("ASKPRO_ADMIN_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("askpro demo starts");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let _child = KillOnDrop(child);
    let mut tokens = stdout.lines().map_while(Result::ok).filter_map(|line| {
        let token = line.split_whitespace().last()?.to_owned();
        line.contains(" token ").then_some(token)
    });
    let (operator, company) = (
        tokens.next().expect("operator token"),
        tokens.next().expect("company token"),
    );
    let addr = logged_address(&mut stderr.lines()).expect("the demo logs its address");
    let client = reqwest::Client::new();
    let url = format!(
        "http://{addr}/api/v1/companies/salon-sonnenschein/availability?service=damenhaarschnitt&branch=mitte&days=14"
    );
    for token in [&operator, &company] {
        let response = client.get(&url).bearer_auth(token).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(
            !body["slots"].as_array().unwrap().is_empty(),
            "the demo salon offers slots in the next two weeks"
        );
    }
}

/// The address in the "askpro is listening addr=…" log line.
fn logged_address(lines: &mut impl Iterator<Item = std::io::Result<String>>) -> Option<String> {
    lines.map_while(Result::ok).find_map(|line| {
        line.split("addr=")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .map(str::to_owned)
    })
}

#[test]
fn pool_settings_that_make_no_sense_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("askpro.db").display());
    let serve = |name: &str, value: &str| {
        crate::askpro_command()
            .args(["--database-url", &url, "serve", "--listen", "127.0.0.1:0"])
            .env(name, value)
            .env("ASKPRO_LOG", "error")
            .output()
            .unwrap()
    };
    let words = serve("ASKPRO_DB_POOL_SIZE", "many");
    assert!(!words.status.success());
    assert!(
        crate::stderr(&words).contains("ASKPRO_DB_POOL_SIZE: `many` is not a whole number"),
        "{}",
        crate::stderr(&words)
    );
    let too_short = serve("ASKPRO_DB_ACQUIRE_TIMEOUT_MS", "5");
    assert!(!too_short.status.success());
    assert!(
        crate::stderr(&too_short).contains("5 is out of range 10..=60000"),
        "{}",
        crate::stderr(&too_short)
    );
}

#[tokio::test]
async fn the_server_keeps_serving_when_whoever_read_its_log_goes_away() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    askpro(&db.url, &["tenant", "apply", &example_path()]);
    let mut child = crate::askpro_command()
        .args([
            "--database-url",
            &db.url,
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("ASKPRO_ADMIN_TOKEN", "serve-test-token")
        // Every request writes a log line.
        .env("ASKPRO_LOG", "debug")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("askpro serve starts");
    let stderr = child.stderr.take().unwrap();
    let child = KillOnDrop(child);
    let addr = logged_address(&mut BufReader::new(stderr).lines()).expect("address");
    // The reader is gone now: the log pipe is closed.
    let client = reqwest::Client::new();
    let url = format!(
        "http://{addr}/api/v1/companies/salon-sonnenschein/availability?service=foehnen&days=1"
    );
    for _ in 0..5 {
        let response = client
            .get(&url)
            .bearer_auth("serve-test-token")
            .send()
            .await
            .expect("the server still answers");
        assert_eq!(response.status(), 200);
    }
    drop(child);
}

/// A port nobody listens on right now (the demo's webhook URL needs a fixed address).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

#[tokio::test]
async fn the_calcom_demo_mirrors_web_bookings_by_sync_and_by_webhook() {
    let dir = tempfile::tempdir().unwrap();
    let (askpro, calcom) = (
        format!("127.0.0.1:{}", free_port()),
        format!("127.0.0.1:{}", free_port()),
    );
    let db_file = dir.path().join("demo.db");
    let mut child = crate::askpro_command()
        .args(["demo", "--calcom-fake", "--listen", &askpro])
        .args(["--calcom-fake-listen", &calcom, "--db-file"])
        .arg(&db_file)
        .env("ASKPRO_LOG", "error")
        .env("ASKPRO_ADMIN_TOKEN", "calcom-demo-token")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("askpro demo starts");
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let _child = KillOnDrop(child);
    let mut lines = stdout.lines().map_while(Result::ok);
    let synced = lines
        .find(|l| l.contains("mirrored by the first sync"))
        .expect("the demo reports its first sync");
    assert!(synced.contains("(2 web booking(s) mirrored"), "{synced}");
    let curl = lines
        .find(|l| l.contains("/web/bookings"))
        .expect("a web booking to try");
    let payload = curl.split('\'').nth(3).expect("the -d payload");
    let client = reqwest::Client::new();
    let mut booked = None;
    for _ in 0..50 {
        match client
            .post(format!("http://{calcom}/web/bookings"))
            .header("content-type", "application/json")
            .body(payload.to_owned())
            .send()
            .await
        {
            Ok(response) => {
                booked = Some(response.status().as_u16());
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
        }
    }
    assert_eq!(booked, Some(201), "the stand-in's booking page takes it");
    let url = format!(
        "http://{askpro}/api/v1/companies/salon-sonnenschein/appointments?from=2026-11-30&to=2027-01-31"
    );
    let mut mirrored = 0;
    for _ in 0..100 {
        if let Ok(response) = client
            .get(&url)
            .bearer_auth("calcom-demo-token")
            .send()
            .await
            && let Ok(body) = response.json::<serde_json::Value>().await
        {
            mirrored = body["appointments"].as_array().map_or(0, |all| {
                all.iter().filter(|a| a["source"] == "calcom").count()
            });
            if mirrored == 3 {
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(mirrored, 3, "two by the first sync, one by webhook");
}
