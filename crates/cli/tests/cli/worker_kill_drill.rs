//! Fault drill (issue 16, part 2): `kill -9` of a worker while it sends. The SMTP server
//! takes a while over each message, so the kills land mid-send. After each kill a new
//! worker starts once the dead one's claims have run out (its clock a lease later); in
//! the end every confirmation is delivered. Delivery is at least once: a mail the server
//! accepted just before the kill, whose job was not yet marked done, goes out again with
//! the same Message-ID. The drill counts those and bounds them by the claims a kill cuts
//! off; the README records the figure.

use crate::askpro;
use crate::common::smtp::{Sink, free_port};
use crate::common::{Backend, TestDb, binary_now, binary_shift_ms};
use askpro_store::on_pool;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

crate::on_both_databases!(a_worker_killed_while_sending_delivers_every_mail_in_the_end);

const ADMIN: &str = "worker-kill-admin";
const KILLS: i64 = 3;
/// The worker's claim on a job (askpro_worker::WorkerConfig's default), and a margin.
const LEASE_MS: i64 = 61_000;
const OPEN_CONFIRMATIONS: &str =
    "SELECT COUNT(*) FROM jobs WHERE kind = 'email.appointment_booked' AND status <> 'done'";
const DEAD_MAILS: &str = "SELECT COUNT(*) FROM jobs WHERE queue = 'emails' AND status = 'dead'";
const DONE_MAILS: &str = "SELECT COUNT(*) FROM jobs WHERE queue = 'emails' AND status = 'done'";

fn start(url: &str, smtp: &str, clock: String, args: &[&str]) -> crate::Spawned {
    let env = [
        ("ASKPRO_NOW", clock.as_str()),
        ("ASKPRO_ADMIN_TOKEN", ADMIN),
        ("ASKPRO_SMTP_PRIMARY_URL", smtp),
    ];
    crate::spawn_askpro(url, args, &env)
}

/// Thirty bookings (Anna and Jonas, three days), each with a confirmation mail.
async fn book_thirty(client: &reqwest::Client, base: &str) {
    let mut booked = 0;
    // Tuesday, Wednesday and Friday: Anna has Thursdays off.
    for day in [1, 2, 4] {
        for hour in [9, 10, 11, 14, 15] {
            for staff in ["anna", "jonas"] {
                let start = format!("2026-12-0{day}T{hour:02}:00:00+01:00");
                let response = client
                    .post(format!(
                        "{base}/api/v1/companies/salon-sonnenschein/appointments"
                    ))
                    .bearer_auth(ADMIN)
                    .json(&crate::common::booking(staff, &start))
                    .send()
                    .await
                    .expect("the server answers");
                assert_eq!(response.status().as_u16(), 201, "{staff} {start}");
                booked += 1;
            }
        }
    }
    assert_eq!(booked, 30);
}

fn message_id(mail: &str) -> String {
    mail.lines()
        .find(|line| line.to_ascii_lowercase().starts_with("message-id:"))
        .map(|line| line[11..].trim().to_owned())
        .unwrap_or_else(|| panic!("a mail without Message-ID:\n{mail}"))
}

async fn a_worker_killed_while_sending_delivers_every_mail_in_the_end(backend: Backend) {
    let Some(sink) = Sink::start_slow(120) else {
        return;
    };
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let url = db.url.clone();
    assert!(
        askpro(&url, &["tenant", "apply", &crate::example_path()])
            .status
            .success()
    );
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let listen = format!("127.0.0.1:{port}");
    let mut server = start(
        &url,
        &sink.url(),
        binary_now(),
        &["serve", "--listen", &listen, "--no-worker"],
    );
    let client = reqwest::Client::new();
    crate::wait_until_up(&client, &base, Duration::from_secs(20)).await;
    book_thirty(&client, &base).await;
    let _ = server.kill();
    let _ = server.wait();

    // Each worker runs a lease after the one before, so the dead one's claims are free.
    let clock = |round: i64| format!("{:+}ms", binary_shift_ms() + round * LEASE_MS);
    for round in 0..KILLS {
        let before = sink.messages().len();
        let mut worker = start(&url, &sink.url(), clock(round), &["worker"]);
        // Killed while it sends: a few mails in, the next one on the wire.
        let sending = crate::eventually(Duration::from_secs(30), async || {
            sink.messages().len() >= before + 3
        });
        assert!(sending.await, "round {round}: the worker sends");
        tokio::time::sleep(Duration::from_millis(60)).await;
        worker.kill().expect("kill -9");
        let _ = worker.wait();
    }
    let mut last = start(&url, &sink.url(), clock(KILLS), &["worker"]);
    let store = db.connect().await;
    let count = async |sql: &'static str| {
        on_pool!(&store, |pool| sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(pool)
            .await)
        .unwrap()
    };
    let started = Instant::now();
    while count(OPEN_CONFIRMATIONS).await > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "every confirmation job ends done"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(count(DEAD_MAILS).await, 0, "no mail job died of the kills");
    let sent = count(DONE_MAILS).await;
    let _ = last.kill();
    let _ = last.wait();

    let mut copies: BTreeMap<String, usize> = BTreeMap::new();
    for mail in sink.messages() {
        *copies.entry(message_id(&mail)).or_default() += 1;
    }
    assert_eq!(copies.len() as i64, sent, "every mail done was delivered");
    assert!(sent >= 30, "the thirty confirmations at least: {sent}");
    let twice: usize = copies.values().map(|n| n - 1).sum();
    eprintln!("{backend:?}: {KILLS} kills mid-send, {sent} mails, {twice} delivered twice");
    // A kill cuts off at most the one mail on the wire: the worker sends one at a time.
    assert!(
        twice <= KILLS as usize,
        "{twice} duplicates after {KILLS} kills: {copies:?}"
    );
}
