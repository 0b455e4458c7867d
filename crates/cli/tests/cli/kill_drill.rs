//! Fault drill (issue 16, part 2): `kill -9` of a server in the middle of bookings. Every
//! booking it answered with 201 exists after a restart; every request retried with its
//! Idempotency-Key gets the first answer again (the same appointment) or, if the first
//! never landed, books now — so each key ends with exactly one appointment.

use crate::common::smtp::free_port;
use crate::common::{Backend, TestDb};
use crate::{askpro, example_path};
use std::collections::BTreeMap;
use std::time::Duration;

const ADMIN: &str = "kill-drill-admin";

crate::on_both_databases!(a_server_killed_mid_booking_loses_nothing_and_retries_book_once);

fn serve(url: &str, port: u16) -> crate::Spawned {
    let listen = format!("127.0.0.1:{port}");
    crate::spawn_askpro(
        url,
        &["serve", "--listen", &listen],
        &[("ASKPRO_ADMIN_TOKEN", ADMIN)],
    )
}

/// Twenty-four separate hours of Jonas at Mitte, Tuesday to Friday.
fn slots() -> Vec<String> {
    let mut starts = Vec::new();
    for day in 1..=4 {
        for hour in [9, 10, 11, 14, 15, 16] {
            starts.push(format!("2026-12-0{day}T{hour:02}:00:00+01:00"));
        }
    }
    starts
}

/// Books `start` under `key`: the status and the appointment id, or `None` when the
/// server did not answer (it was killed).
async fn book(
    client: reqwest::Client,
    base: String,
    key: String,
    start: String,
) -> Option<(u16, String)> {
    let response = client
        .post(format!(
            "{base}/api/v1/companies/salon-sonnenschein/appointments"
        ))
        .bearer_auth(ADMIN)
        .header("Idempotency-Key", key)
        .json(&crate::common::booking("jonas", &start))
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.ok()?;
    Some((status, body["id"].as_str().unwrap_or_default().to_owned()))
}

async fn a_server_killed_mid_booking_loses_nothing_and_retries_book_once(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let url = db.url.clone();
    assert!(
        askpro(&url, &["tenant", "apply", &example_path()])
            .status
            .success()
    );
    let client = reqwest::Client::new();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = serve(&url, port);
    crate::wait_until_up(&client, &base, Duration::from_secs(15)).await;

    let requests: Vec<(String, String)> = slots()
        .into_iter()
        .enumerate()
        .map(|(i, start)| (format!("drill-{i}"), start))
        .collect();
    // The first third is answered for sure; the rest is in flight when the server dies.
    let mut first: BTreeMap<String, Option<(u16, String)>> = BTreeMap::new();
    let (answered_part, in_flight) = requests.split_at(requests.len() / 3);
    for (key, start) in answered_part {
        let answer = book(client.clone(), base.clone(), key.clone(), start.clone()).await;
        first.insert(key.clone(), answer);
    }
    let tasks: Vec<_> = in_flight
        .iter()
        .map(|(key, start)| {
            tokio::spawn(book(
                client.clone(),
                base.clone(),
                key.clone(),
                start.clone(),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(2)).await;
    server.kill().expect("kill -9");
    for ((key, _), task) in in_flight.iter().zip(tasks) {
        first.insert(key.clone(), task.await.expect("task"));
    }
    let _ = server.wait();
    let answered = first
        .values()
        .filter(|a| matches!(a, Some((201, _))))
        .count();
    assert!(
        answered >= answered_part.len(),
        "the first third was answered: {first:?}"
    );
    let cut_off = first.values().filter(|a| a.is_none()).count();
    eprintln!("{backend:?}: {answered} answered before the kill, {cut_off} cut off");

    let mut server = serve(&url, port);
    crate::wait_until_up(&client, &base, Duration::from_secs(15)).await;
    let mut ids = Vec::new();
    for (key, start) in &requests {
        let again = book(client.clone(), base.clone(), key.clone(), start.clone()).await;
        let (status, id) = again.expect("the restarted server answers");
        assert_eq!(status, 201, "{key}");
        if let Some(Some((201, before))) = first.get(key) {
            assert_eq!(&id, before, "{key}: the retry gets the first answer");
        }
        ids.push(id);
    }
    let _ = server.kill();
    let _ = server.wait();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), requests.len(), "one appointment per key");
    let db = askpro_store::Db::connect(&url).await.expect("db");
    let company = askpro_store::tenants::find_company(&db, "salon-sonnenschein")
        .await
        .unwrap()
        .unwrap()
        .0;
    let filter = askpro_store::appointments::ListFilter {
        company_id: company,
        starts_from: 0,
        starts_to: i64::MAX,
        status: Some("booked".into()),
        staff_id: None,
        customer_phone: None,
    };
    let stored = askpro_store::appointments::list(&db, &filter)
        .await
        .unwrap();
    assert_eq!(
        stored.len(),
        requests.len(),
        "every key booked exactly once, nothing more"
    );
}
