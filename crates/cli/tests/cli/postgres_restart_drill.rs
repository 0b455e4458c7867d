//! Fault drill (issue 16, part 2): PostgreSQL restarted under load. The drill runs its
//! own PostgreSQL cluster (initdb into a temporary directory, Debian's binaries), never the
//! shared one, and stops it while bookings and webhooks keep coming. While it is down
//! every request is answered at once with 503 (never a hang, never a 500); once it is back
//! the same server process answers again — nobody restarts AskPro — and everything it had
//! answered with 2xx is there. The refused requests, retried as clients do, land once.

use crate::askpro;
use crate::common::smtp::free_port;
use crate::common::{RETELL_KEY, now_ms, postgres_url, signed_by_retell};
use serde_json::json;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const ADMIN: &str = "pg-restart-admin";

/// A PostgreSQL cluster of the test's own, stopped and removed when dropped.
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl Cluster {
    /// `None` (and a note) when PostgreSQL's server binaries are not installed.
    fn create() -> Option<Cluster> {
        let Some(bin) = server_binaries() else {
            eprintln!("skipped: PostgreSQL's initdb and pg_ctl are not installed");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let cluster = Cluster {
            dir,
            bin,
            port: free_port(),
        };
        if running_as_root() {
            // PostgreSQL refuses to run as root: the cluster belongs to `postgres`.
            let status = Command::new("chown")
                .args(["-R", "postgres:", &cluster.data()])
                .status();
            assert!(
                status.is_ok_and(|s| s.success()),
                "chown the cluster to postgres"
            );
        }
        let initdb = cluster.bin.join("initdb");
        let made = cluster
            .as_postgres(initdb.to_str().unwrap())
            .args([
                "-D",
                &cluster.data(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ])
            .stdout(Stdio::null())
            .status()
            .expect("initdb runs");
        assert!(made.success(), "initdb");
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.path().to_string_lossy().into_owned()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn as_postgres(&self, program: &str) -> Command {
        if running_as_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--", program]);
            command
        } else {
            Command::new(program)
        }
    }

    fn pg_ctl(&self, args: &[&str]) -> bool {
        let pg_ctl = self.bin.join("pg_ctl");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.data()
        );
        let log = format!("{}/server.log", self.data());
        self.as_postgres(pg_ctl.to_str().unwrap())
            .args([
                "-D",
                &self.data(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "-t",
                "30",
            ])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        self.pg_ctl(&["stop", "-m", "immediate"]);
    }
}

fn server_binaries() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
        .collect();
    found.sort();
    found.pop()
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// What a request got: its status (0 for no answer) and how long it took.
#[derive(Debug, Clone, Copy)]
struct Answer {
    status: u16,
    took: Duration,
}

struct Traffic {
    client: reqwest::Client,
    base: String,
}

impl Traffic {
    /// A booking at `slot` (0..30: Anna or Jonas, three days, five hours a day)
    /// under `key`.
    async fn book(&self, key: &str, slot: usize) -> (Answer, Option<String>) {
        let staff = if slot < 15 { "anna" } else { "jonas" };
        // Tuesday, Wednesday and Friday: Anna has Thursdays off.
        let (day, hour) = ([1, 2, 4][(slot % 15) / 5], [9, 10, 11, 14, 15][slot % 5]);
        let start = format!("2026-12-0{day}T{hour:02}:00:00+01:00");
        let sent = Instant::now();
        let response = self
            .client
            .post(format!(
                "{}/api/v1/companies/salon-sonnenschein/appointments",
                self.base
            ))
            .bearer_auth(ADMIN)
            .header("Idempotency-Key", key)
            .json(&crate::common::booking(staff, &start))
            .send()
            .await;
        let Ok(response) = response else {
            return (
                Answer {
                    status: 0,
                    took: sent.elapsed(),
                },
                None,
            );
        };
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        let answer = Answer {
            status,
            took: sent.elapsed(),
        };
        (answer, body["id"].as_str().map(str::to_owned))
    }

    /// A signed `call_started` webhook for call `n`.
    async fn webhook(&self, n: usize) -> Answer {
        let call = json!({ "call_type": "phone_call", "call_id": format!("restart-{n}"),
            "agent_id": "agent_5f2c", "call_status": "ongoing", "direction": "inbound",
            "from_number": format!("+49151{n:08}"), "to_number": "+493012345678",
            "start_timestamp": now_ms() });
        let body = json!({ "event": "call_started", "call": call }).to_string();
        let sent = Instant::now();
        let request = self.client.post(format!("{}/webhooks/retell", self.base));
        let response = signed_by_retell(request, body).send().await;
        let status = response.map_or(0, |r| r.status().as_u16());
        Answer {
            status,
            took: sent.elapsed(),
        }
    }
}

fn serve(url: &str, port: u16) -> crate::Spawned {
    let listen = format!("127.0.0.1:{port}");
    let env = [
        ("ASKPRO_ADMIN_TOKEN", ADMIN),
        ("ASKPRO_RETELL_API_KEY", RETELL_KEY),
    ];
    let args = ["serve", "--listen", &listen, "--shutdown-timeout", "3"];
    crate::spawn_askpro(url, &args, &env)
}

/// Bookings and webhooks, one after another, until `stop` (at most nine of each on a
/// lane); every (key, slot, answer, id) and every (call, answer).
#[allow(clippy::type_complexity)]
async fn load(
    traffic: Arc<Traffic>,
    lane: usize,
    stop: Arc<AtomicBool>,
) -> (
    Vec<(String, usize, Answer, Option<String>)>,
    Vec<(usize, Answer)>,
) {
    let (mut bookings, mut webhooks) = (Vec::new(), Vec::new());
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) && n < 9 {
        let (slot, key) = (lane * 9 + n, format!("restart-{lane}-{n}"));
        let (answer, id) = traffic.book(&key, slot).await;
        bookings.push((key, slot, answer, id));
        let call = lane * 1000 + n;
        webhooks.push((call, traffic.webhook(call).await));
        n += 1;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    (bookings, webhooks)
}

#[tokio::test]
async fn postgres_restarted_under_load_fails_fast_and_recovers_without_a_restart() {
    // A PostgreSQL test: it runs where the others do (`.ci/run` sets the variable).
    if postgres_url().is_none() {
        return;
    }
    let Some(cluster) = Cluster::create() else {
        return;
    };
    assert!(cluster.pg_ctl(&["start"]), "the drill's PostgreSQL starts");
    let url = cluster.url();
    assert!(
        askpro(&url, &["tenant", "apply", &crate::example_path()])
            .status
            .success()
    );
    let port = free_port();
    let mut server = serve(&url, port);
    let traffic = Arc::new(Traffic {
        client: reqwest::Client::new(),
        base: format!("http://127.0.0.1:{port}"),
    });
    crate::wait_until_up(&traffic.client, &traffic.base, Duration::from_secs(20)).await;

    let stop = Arc::new(AtomicBool::new(false));
    let lanes: Vec<_> = (0..3)
        .map(|lane| tokio::spawn(load(traffic.clone(), lane, stop.clone())))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(cluster.pg_ctl(&["stop", "-m", "fast"]), "PostgreSQL stops");
    let down_since = Instant::now();
    // While it is down: a booking and a webhook get 503 at once.
    let (refused, _) = traffic.book("restart-probe", 29).await;
    let webhook = traffic.webhook(9999).await;
    let down_for = down_since.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(cluster.pg_ctl(&["start"]), "PostgreSQL starts again");
    let back = Instant::now();
    let mut recovered = None;
    while back.elapsed() < Duration::from_secs(20) {
        let (answer, _) = traffic.book("restart-probe", 29).await;
        if answer.status == 201 {
            recovered = Some(back.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let (mut bookings, mut webhooks) = (Vec::new(), Vec::new());
    for lane in lanes {
        let (b, w) = lane.await.unwrap();
        bookings.extend(b);
        webhooks.extend(w);
    }
    eprintln!(
        "down: booking {} in {:?}, webhook {} in {:?} ({down_for:?} in all); answering again {recovered:?} after the restart",
        refused.status, refused.took, webhook.status, webhook.took
    );
    for answer in [refused, webhook] {
        assert_eq!(answer.status, 503, "while PostgreSQL is down: {answer:?}");
        assert!(
            answer.took < Duration::from_secs(6),
            "503 fast, not a hang: {answer:?}"
        );
    }
    assert!(
        recovered.is_some(),
        "the same server answers again after PostgreSQL is back"
    );
    let all: Vec<Answer> = bookings
        .iter()
        .map(|b| b.2)
        .chain(webhooks.iter().map(|w| w.1))
        .collect();
    assert!(
        all.iter()
            .all(|a| (200..300).contains(&a.status) || a.status == 503),
        "nothing but 2xx, or 503 while down: {all:?}"
    );

    // Clients retry what was refused, with the same key; everything accepted is there.
    for (key, slot, first, id) in &bookings {
        let (again, again_id) = traffic.book(key, *slot).await;
        assert_eq!(again.status, 201, "{key}: {again:?}");
        if first.status == 201 {
            assert_eq!(
                &again_id, id,
                "{key}: the booking answered 201 is there, the same"
            );
        }
    }
    webhooks.push((9999, webhook));
    for (call, first) in &webhooks {
        if first.status != 204 && first.status != 200 {
            assert!(
                traffic.webhook(*call).await.status < 300,
                "retried webhook {call}"
            );
        }
    }
    let db = askpro_store::Db::connect(&url)
        .await
        .expect("the drill's database");
    let merging = Instant::now();
    while askpro_store::calls::merge_backlog(&db).await.unwrap().0 > 0 {
        assert!(
            merging.elapsed() < Duration::from_secs(20),
            "the merger drains after the restart"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // SIGTERM while the database is gone again: the server still ends within its
    // shutdown timeout (3 s) and a moment, whatever its loops were waiting for.
    assert!(
        cluster.pg_ctl(&["stop", "-m", "fast"]),
        "PostgreSQL stops again"
    );
    let terminated = Instant::now();
    let pid = server.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success())
    );
    while server.try_wait().expect("the server's state").is_none() {
        assert!(
            terminated.elapsed() < Duration::from_secs(5),
            "the server did not end within its shutdown timeout with the database down"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "exited {:?} after SIGTERM with the database down",
        terminated.elapsed()
    );
    assert!(
        cluster.pg_ctl(&["start"]),
        "PostgreSQL starts for the checks"
    );
    let db = askpro_store::Db::connect(&url)
        .await
        .expect("the drill's database");
    let stored = askpro_store::on_pool!(&db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM calls WHERE call_id LIKE 'restart-%'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(
        stored,
        webhooks.len() as i64,
        "every call taken (at once or on retry) is stored"
    );
    let booked = askpro_store::on_pool!(&db, |pool| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM appointments WHERE status = 'booked'"
    )
    .fetch_one(pool)
    .await)
    .unwrap();
    let keys = bookings.len() as i64 + 1;
    assert_eq!(
        booked, keys,
        "one appointment per key, nothing lost, nothing twice"
    );
}
