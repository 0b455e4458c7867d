//! Scale-out (issue 16, part 1): three `askpro serve` processes (each with its webhook
//! merger, no worker) and two `askpro worker` processes on one database, under busy-hour
//! traffic spread over the servers as a load balancer would — every step of a call may
//! land on another server, and Retell's duplicate deliveries reach two servers at once.
//! Afterwards the same consistency as the single-process benchmark: every booking the
//! callers were told of exists once, nobody is booked twice at once, every call is merged
//! with its analysis, and every booking's confirmation was delivered by one worker, once.

use crate::common::smtp::{Sink, free_port};
use crate::common::{Backend, OVERLAPS, RETELL_KEY, TestDb, now_ms, signed_by_retell};
use crate::{askpro, example_path};
use askpro_store::{Db, on_pool};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

crate::on_both_databases!(three_servers_and_two_workers_share_one_database_under_load);

const CALLS: usize = 90;
const AT_ONCE: usize = 30;
const SALON: &str = "+493012345678";

/// The processes of the test, killed when it ends however it ends.
#[derive(Default)]
struct Fleet(Vec<crate::Spawned>);

impl Fleet {
    fn start(&mut self, url: &str, smtp: &str, args: &[&str]) {
        let env = [
            ("ASKPRO_RETELL_API_KEY", RETELL_KEY),
            ("ASKPRO_SMTP_PRIMARY_URL", smtp),
        ];
        self.0.push(crate::spawn_askpro(url, args, &env));
    }
}

/// The servers, as a load balancer sees them.
struct Servers {
    client: reqwest::Client,
    bases: Vec<String>,
}

impl Servers {
    /// Posts a signed Retell request to server `which` (modulo their number); the answer,
    /// or what went wrong (a 5xx or no answer).
    async fn post(&self, which: usize, path: &str, body: &Value) -> Result<Value, String> {
        let base = &self.bases[which % self.bases.len()];
        let request = self.client.post(format!("{base}{path}"));
        let response = signed_by_retell(request, body.to_string())
            .send()
            .await
            .map_err(|e| format!("{base}{path}: {e}"))?;
        let status = response.status().as_u16();
        let answer = response.text().await.unwrap_or_default();
        if status >= 500 {
            return Err(format!("{base}{path} answered {status}: {answer}"));
        }
        Ok(serde_json::from_str(&answer).unwrap_or(Value::Null))
    }

    async fn webhook(
        &self,
        which: usize,
        n: usize,
        event: &str,
        extra: Value,
    ) -> Result<(), String> {
        let body = json!({ "event": event, "call": call_object(n, extra) });
        self.post(which, "/webhooks/retell", &body).await.map(drop)
    }

    async fn function(
        &self,
        which: usize,
        n: usize,
        name: &str,
        args: &Value,
    ) -> Result<Value, String> {
        let body = json!({ "name": name, "args": args, "call": call_object(n, json!({})) });
        self.post(which, &format!("/retell/functions/{name}"), &body)
            .await
    }
}

fn call_object(n: usize, extra: Value) -> Value {
    let mut call = json!({
        "call_type": "phone_call", "call_id": format!("scale-{n}"), "agent_id": "agent_5f2c",
        "call_status": "ongoing", "direction": "inbound", "from_number": format!("+49151{n:08}"),
        "to_number": SALON, "start_timestamp": now_ms(),
        "transcript": format!("User: Termin {n}\n"),
    });
    if let (Some(call), Some(extra)) = (call.as_object_mut(), extra.as_object()) {
        call.extend(extra.clone());
    }
    call
}

/// One whole call, its steps spread over the servers; the appointment the caller was told
/// is booked, if any.
async fn one_call(servers: Arc<Servers>, n: usize) -> Result<Option<String>, String> {
    let s = &servers;
    s.webhook(n, n, "call_started", json!({})).await?;
    // Few wishes for many callers: they compete for the same hours.
    let wish = format!("übermorgen um {} Uhr", 9 + n % 6);
    let offered = s
        .function(
            n + 1,
            n,
            "check_availability",
            &json!({ "service": "Herrenhaarschnitt", "when": wish }),
        )
        .await?;
    s.webhook(n + 2, n, "transcript_updated", json!({})).await?;
    let mut booked = None;
    if let Some(slot) = offered["slots"].get(0) {
        let args = json!({ "service": "Herrenhaarschnitt", "start": slot["start"], "staff": slot["staff"],
            "customer_name": format!("Anrufer {n}"), "customer_email": format!("anrufer{n}@example.org") });
        let answer = if n.is_multiple_of(4) {
            // Retell delivers it again while the first is being answered, to another server.
            let (first, second) = tokio::join!(
                s.function(n, n, "book_appointment", &args),
                s.function(n + 1, n, "book_appointment", &args)
            );
            let (first, second) = (first?, second?);
            if first != second {
                return Err(format!(
                    "call {n}: two answers to one booking: {first} / {second}"
                ));
            }
            first
        } else {
            s.function(n + 2, n, "book_appointment", &args).await?
        };
        booked = answer["appointment"]["id"].as_str().map(str::to_owned);
    }
    let ended = json!({ "call_status": "ended", "end_timestamp": now_ms() + 60_000,
        "disconnection_reason": "user_hangup", "transcript": "User: Danke\n" });
    if n.is_multiple_of(3) {
        let (a, b) = tokio::join!(
            s.webhook(n, n, "call_ended", ended.clone()),
            s.webhook(n + 1, n, "call_ended", ended.clone())
        );
        a?;
        b?;
    } else {
        s.webhook(n + 1, n, "call_ended", ended.clone()).await?;
    }
    let mut analyzed = ended;
    analyzed["call_analysis"] =
        json!({ "call_summary": "Termin", "call_successful": booked.is_some() });
    s.webhook(n + 2, n, "call_analyzed", analyzed).await?;
    Ok(booked)
}

async fn scalar(db: &Db, sql: &'static str) -> i64 {
    on_pool!(db, |pool| sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(pool)
        .await)
    .unwrap()
}

async fn three_servers_and_two_workers_share_one_database_under_load(backend: Backend) {
    let Some(sink) = Sink::start() else { return };
    let Some(test_db) = TestDb::new(backend).await else {
        return;
    };
    let url = test_db.url.clone();
    assert!(
        askpro(&url, &["tenant", "apply", &example_path()])
            .status
            .success()
    );
    let mut fleet = Fleet::default();
    let client = reqwest::Client::new();
    let mut bases = Vec::new();
    for _ in 0..3 {
        let port = free_port();
        let listen = format!("127.0.0.1:{port}");
        fleet.start(
            &url,
            &sink.url(),
            &["serve", "--listen", &listen, "--no-worker"],
        );
        bases.push(format!("http://{listen}"));
    }
    for _ in 0..2 {
        fleet.start(&url, &sink.url(), &["worker"]);
    }
    for base in &bases {
        crate::wait_until_up(&client, base, Duration::from_secs(20)).await;
    }
    let db = test_db.connect().await;
    let workers = crate::eventually(Duration::from_secs(20), async || {
        askpro_store::workers::live(&db, 0)
            .await
            .is_ok_and(|w| w.len() == 2)
    });
    assert!(workers.await, "both workers register");

    let servers = Arc::new(Servers { client, bases });
    let started = Instant::now();
    let mut booked = Vec::new();
    for wave in (0..CALLS).collect::<Vec<_>>().chunks(AT_ONCE) {
        let calls: Vec<_> = wave
            .iter()
            .map(|&n| tokio::spawn(one_call(servers.clone(), n)))
            .collect();
        for call in calls {
            match call.await.unwrap() {
                Ok(appointment) => booked.extend(appointment),
                Err(error) => panic!("{error}"),
            }
        }
    }
    eprintln!(
        "{backend:?}: {CALLS} calls over 3 servers in {:.1} s, {} booked",
        started.elapsed().as_secs_f64(),
        booked.len()
    );
    // Six hours a day for ninety callers: many are booked, some hear that it is full.
    assert!(booked.len() >= 6, "{booked:?}");

    let merged = crate::eventually(Duration::from_secs(30), async || {
        askpro_store::calls::merge_backlog(&db)
            .await
            .is_ok_and(|(n, _)| n == 0)
    });
    assert!(merged.await, "the three mergers drain the backlog");
    let analyzed = scalar(
        &db,
        "SELECT COUNT(*) FROM calls WHERE call_id LIKE 'scale-%' AND last_event = 'call_analyzed' \
         AND call_status = 'ended'",
    )
    .await;
    assert_eq!(
        analyzed, CALLS as i64,
        "every call merged with its analysis, once"
    );
    let rows = scalar(
        &db,
        "SELECT COUNT(*) FROM calls WHERE call_id LIKE 'scale-%'",
    )
    .await;
    assert_eq!(rows, CALLS as i64, "one row per call");

    let stored = scalar(
        &db,
        "SELECT COUNT(*) FROM appointments WHERE status = 'booked'",
    )
    .await;
    assert_eq!(
        stored,
        booked.len() as i64,
        "the calendar holds what callers were told"
    );
    let mut distinct = booked.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        booked.len(),
        "no call was told another call's booking"
    );
    let overlaps = scalar(&db, OVERLAPS).await;
    assert_eq!(overlaps, 0, "no staff member booked twice at once");

    // The two workers deliver each booking's confirmation once between them.
    let confirmations = scalar(
        &db,
        "SELECT COUNT(*) FROM jobs WHERE kind = 'email.appointment_booked'",
    )
    .await;
    assert_eq!(
        confirmations,
        booked.len() as i64,
        "one confirmation job per booking"
    );
    let delivered = crate::eventually(Duration::from_secs(60), async || {
        sink.messages().len() >= booked.len()
    });
    assert!(delivered.await, "every confirmation is delivered");
    let open = scalar(
        &db,
        "SELECT COUNT(*) FROM jobs WHERE kind = 'email.appointment_booked' AND status <> 'done'",
    )
    .await;
    assert_eq!(open, 0, "every confirmation job is done");
    let mails = sink.messages();
    assert_eq!(mails.len(), booked.len(), "no confirmation arrived twice");
    drop(fleet);
}
