//! `askpro serve` as a process: it migrates, answers, and stops cleanly on SIGTERM.

use crate::common::{Backend, TestDb};
use crate::{askpro, example_path};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn serve_answers_with_the_admin_token_and_stops_on_sigterm() {
    let db = TestDb::new(Backend::Sqlite).await.unwrap();
    askpro(&db.url, &["tenant", "apply", &example_path()]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_askpro"))
        .args([
            "--database-url",
            &db.url,
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("ASKPRO_ADMIN_TOKEN", "serve-test-token")
        .env("ASKPRO_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("askpro serve starts");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut child = KillOnDrop(child);
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.split("addr=").nth(1).map(|rest| {
                rest.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
        })
        .expect("the server logs its address");
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
    assert!(
        lines
            .map_while(Result::ok)
            .any(|l| l.contains("askpro stopped"))
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
