//! Periodic tasks across processes (issue 16, part 1): of several processes on one
//! database, one leads a task per period; when it stops renewing (it died), another
//! takes over once the lease runs out; stepping down hands it over at once.

use crate::common::{Backend, TestDb, frozen_clock};
use askpro_app::App;
use jiff::SignedDuration;
use std::time::Duration;

crate::on_both_databases!(one_process_leads_a_periodic_task_and_another_takes_over);

const HOUR: Duration = Duration::from_secs(3600);

async fn one_process_leads_a_periodic_task_and_another_takes_over(backend: Backend) {
    let Some(db) = TestDb::new(backend).await else {
        return;
    };
    let clock = frozen_clock();
    let (a, b) = (
        App::with_clock(db.connect().await, clock.clone()),
        App::with_clock(db.connect().await, clock.clone()),
    );
    // Both try at once: exactly one leads.
    let (lead_a, lead_b) =
        tokio::join!(a.lead("privacy-purge", HOUR), b.lead("privacy-purge", HOUR));
    let (lead_a, lead_b) = (lead_a.unwrap(), lead_b.unwrap());
    assert!(lead_a ^ lead_b, "a: {lead_a}, b: {lead_b}");
    let (leader, other) = if lead_a { (&a, &b) } else { (&b, &a) };
    // Another task is led independently.
    assert!(other.lead("retell:import-calls", HOUR).await.unwrap());

    // The leader renews each period; the other keeps skipping.
    clock.advance(SignedDuration::from_mins(60));
    assert!(leader.lead("privacy-purge", HOUR).await.unwrap());
    assert!(!other.lead("privacy-purge", HOUR).await.unwrap());

    // The leader dies: nobody renews. Within the lease the other still waits…
    clock.advance(SignedDuration::from_mins(65));
    assert!(!other.lead("privacy-purge", HOUR).await.unwrap());
    // …after it (a period and a tenth), it takes over, and the old leader is a follower.
    clock.advance(SignedDuration::from_mins(2));
    assert!(other.lead("privacy-purge", HOUR).await.unwrap());
    assert!(!leader.lead("privacy-purge", HOUR).await.unwrap());

    // A process that stops hands its leases over at once.
    other.step_down(&["privacy-purge"]).await;
    assert!(leader.lead("privacy-purge", HOUR).await.unwrap());
    let (holder, _) = askpro_store::leases::holder(&a.db, "privacy-purge")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(holder, leader.instance.to_string());
}
