//! Fault drill (issue 16, part 2): the disk under SQLite fills up. A file-size limit on
//! the server process stands in for a full disk (writes fail as they would). Bookings
//! are then refused with 503 and a message that says so — never a 500 — nothing
//! accepted is lost, nothing is half written, the file passes SQLite's integrity check,
//! and with space back the same database works on.

use crate::common::smtp::free_port;
use crate::common::{Backend, TestDb, binary_now};
use crate::{askpro, example_path};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const ADMIN: &str = "full-disk-admin";

/// `askpro serve` on `port`, its files limited to `limit_kb` KiB when given.
fn serve(url: &str, port: u16, limit_kb: Option<u64>) -> Child {
    let exe = env!("CARGO_BIN_EXE_askpro");
    // Ignoring SIGXFSZ makes a write past the limit fail with EFBIG, as on a full disk,
    // instead of killing the process.
    // sh counts the limit in 512-byte blocks.
    let limit = limit_kb.map_or(String::new(), |kb| format!("ulimit -f {}; ", kb * 2));
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; {limit}exec \"$0\" --database-url \"$1\" serve --listen \"127.0.0.1:$2\""
        ))
        .args([exe, url, &port.to_string()])
        .env("ASKPRO_NOW", binary_now())
        .env("ASKPRO_ADMIN_TOKEN", ADMIN)
        .env("ASKPRO_LOG", "warn")
        .env_remove("ASKPRO_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("askpro serve starts")
}

fn file_kb(path: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .max()
        .unwrap_or(0)
        / 1024
}

/// Bookable hours of Jonas at Mitte on twelve weekdays of December.
fn slots() -> Vec<String> {
    let mut starts = Vec::new();
    for day in [1, 2, 3, 4, 8, 9, 10, 11, 15, 16, 17, 18] {
        for hour in [9, 10, 11, 14, 15, 16] {
            starts.push(format!("2026-12-{day:02}T{hour:02}:00:00+01:00"));
        }
    }
    starts
}

async fn book(client: &reqwest::Client, base: &str, start: &str) -> (u16, String) {
    let response = client
        .post(format!(
            "{base}/api/v1/companies/salon-sonnenschein/appointments"
        ))
        .bearer_auth(ADMIN)
        .json(&crate::common::booking("jonas", start))
        .send()
        .await
        .expect("request");
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_full_disk_refuses_clearly_loses_nothing_and_recovers() {
    let db = TestDb::new(Backend::Sqlite).await.expect("SQLite test db");
    let url = db.url.clone();
    assert!(
        askpro(&url, &["tenant", "apply", &example_path()])
            .status
            .success()
    );
    let path = std::path::PathBuf::from(url.trim_start_matches("sqlite://"));
    let client = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    let mut server = serve(&url, port, Some(file_kb(&path) + 320));
    crate::wait_until_up(&client, &base, Duration::from_secs(10)).await;
    let mut accepted = 0;
    let mut refusal = None;
    for start in slots() {
        let (status, body) = book(&client, &base, &start).await;
        match status {
            201 => accepted += 1,
            503 => {
                refusal = Some(body);
                break;
            }
            other => panic!("a full disk must not answer {other}: {body}"),
        }
    }
    // The disk stays full: every later write is refused the same way. (A connection
    // whose COMMIT failed must not poison the pool into 500s.)
    for start in [
        "2026-12-22T10:00:00+01:00",
        "2026-12-22T11:00:00+01:00",
        "2026-12-23T10:00:00+01:00",
    ] {
        let (status, body) = book(&client, &base, start).await;
        assert_eq!(status, 503, "{body}");
    }
    let _ = server.kill();
    let _ = server.wait();
    let refusal = refusal.expect("the disk filled up within the bookings");
    assert!(
        refusal.contains("disk holding the database is full"),
        "{refusal}"
    );
    assert!(
        accepted >= 1,
        "some bookings fitted before the disk was full"
    );

    // Nothing half written, nothing accepted lost.
    let facts = askpro_store::backup::inspect_sqlite(&path)
        .await
        .expect("the file is whole");
    assert_eq!(facts.appointments, accepted);

    // Space is back: the same database takes bookings again.
    let mut server = serve(&url, port, None);
    crate::wait_until_up(&client, &base, Duration::from_secs(10)).await;
    let (status, body) = book(&client, &base, "2026-12-05T10:00:00+01:00").await;
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(status, 201, "{body}");
}
