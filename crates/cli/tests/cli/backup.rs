//! `askpro backup` and `askpro restore`: a copy taken while the database is in use comes
//! back exactly, later changes are gone after the restore, and files that are not whole
//! AskPro databases — or a database still in use — are refused with the reason.

use crate::common::{Backend, TestDb, frozen_clock, now_ms};
use crate::{askpro, example_path, json, stderr};
use askpro_app::booking::{BookRequest, Customer};
use askpro_app::{Actor, App};
use askpro_store::Db;

async fn book(url: &str, staff: &str, start: &str) -> String {
    let app = App::with_clock(Db::connect(url).await.expect("db"), frozen_clock());
    let request = BookRequest {
        branch: Some("mitte".into()),
        service: "damenhaarschnitt".into(),
        staff: Some(staff.into()),
        start: start.parse().expect("start"),
        customer: Customer {
            name: "Eva Schmidt".into(),
            phone: None,
            email: None,
        },
    };
    let booked = app
        .book(
            "salon-sonnenschein",
            &request,
            &Actor::cli(Some("test".into())),
            None,
        )
        .await
        .expect("booked");
    booked.appointment.id
}

async fn appointment_ids(url: &str) -> Vec<String> {
    let db = Db::connect(url).await.expect("db");
    let mut ids: Vec<String> = sqlx_ids(&db).await;
    ids.sort();
    ids
}

async fn sqlx_ids(db: &Db) -> Vec<String> {
    let filter = askpro_store::appointments::ListFilter {
        company_id: askpro_store::tenants::find_company(db, "salon-sonnenschein")
            .await
            .expect("query")
            .expect("company")
            .0,
        starts_from: 0,
        starts_to: i64::MAX,
        status: None,
        staff_id: None,
        customer_phone: None,
    };
    askpro_store::appointments::list(db, &filter)
        .await
        .expect("list")
        .into_iter()
        .map(|row| row.id)
        .collect()
}

#[tokio::test]
async fn a_backup_taken_in_use_restores_exactly_and_later_changes_are_gone() {
    let db = TestDb::new(Backend::Sqlite).await.expect("SQLite test db");
    let url = db.url.clone();
    assert!(
        askpro(&url, &["tenant", "apply", &example_path()])
            .status
            .success()
    );
    let first = book(&url, "anna", "2026-12-01T10:00:00+01:00").await;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("askpro-backup.db");
    let file_arg = file.display().to_string();

    let facts = json(&askpro(&url, &["--json", "backup", "--to", &file_arg]));
    assert_eq!(
        (facts["companies"].as_i64(), facts["appointments"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        facts["schema_version"].as_i64(),
        Some(askpro_store::backup::latest_schema_version())
    );
    let again = askpro(&url, &["backup", "--to", &file_arg]);
    assert!(
        stderr(&again).contains("exists already"),
        "{}",
        stderr(&again)
    );

    let later = book(&url, "jonas", "2026-12-01T11:00:00+01:00").await;
    assert_eq!(appointment_ids(&url).await.len(), 2, "{later} was booked");
    let restored = askpro(&url, &["restore", "--from", &file_arg]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert_eq!(appointment_ids(&url).await, vec![first]);
    // The restored database works as before: the freed time can be booked again.
    book(&url, "jonas", "2026-12-01T11:00:00+01:00").await;
}

#[tokio::test]
async fn what_is_not_a_whole_askpro_database_or_still_in_use_is_refused() {
    let db = TestDb::new(Backend::Sqlite).await.expect("SQLite test db");
    let url = db.url.clone();
    assert!(
        askpro(&url, &["tenant", "apply", &example_path()])
            .status
            .success()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, "this is not a database").expect("write");
    let foreign = dir.path().join("foreign.db");
    let foreign_db = Db::connect(&format!("sqlite://{}", foreign.display()))
        .await
        .expect("db");
    if let Db::Sqlite { pool, .. } = &foreign_db {
        sqlx::query("CREATE TABLE notes (text TEXT)")
            .execute(pool)
            .await
            .expect("table");
        pool.close().await;
    }
    for (file, reason) in [
        (&garbage, "is not an AskPro backup"),
        (&foreign, "it has no AskPro migrations"),
        (&dir.path().join("missing.db"), "cannot read it"),
    ] {
        let refused = askpro(&url, &["restore", "--from", &file.display().to_string()]);
        assert!(!refused.status.success());
        assert!(
            stderr(&refused).contains(reason),
            "{}: {}",
            file.display(),
            stderr(&refused)
        );
    }

    // A live worker beats in the database: restoring under it is refused unless forced.
    let backup = dir.path().join("good.db");
    assert!(
        askpro(&url, &["backup", "--to", &backup.display().to_string()])
            .status
            .success()
    );
    let live = Db::connect(&url).await.expect("db");
    let worker = askpro_store::workers::WorkerRow {
        id: "worker-1".into(),
        host: "kasse-1".into(),
        pid: 4242,
        queues: "emails".into(),
        started_at: now_ms(),
        heartbeat_at: now_ms(),
        current_job: None,
        jobs_done: 0,
        stopped_at: None,
        reloaded_at: None,
        trouble: None,
    };
    askpro_store::workers::register(&live, &worker)
        .await
        .expect("worker");
    let busy = askpro(&url, &["restore", "--from", &backup.display().to_string()]);
    assert!(
        stderr(&busy).contains("the database is in use: kasse-1 (pid 4242)"),
        "{}",
        stderr(&busy)
    );
    let forced = askpro(
        &url,
        &[
            "restore",
            "--from",
            &backup.display().to_string(),
            "--force",
        ],
    );
    assert!(forced.status.success(), "{}", stderr(&forced));

    let postgres = askpro(
        "postgres://askpro:geheim@127.0.0.1:1/askpro",
        &["backup", "--to", "x.db"],
    );
    let message = stderr(&postgres);
    assert!(
        message.contains("pg_dump") && !message.contains("geheim"),
        "{message}"
    );
}
