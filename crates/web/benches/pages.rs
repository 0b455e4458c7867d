//! The dashboard's speed target: every page of a company in under 20 ms of server time
//! with 500 appointments in the week shown (SQLite, in-process router, signed in).
//! Run: `cargo bench -p askpro-web`.

use askpro_app::accounts::{Role, SignInOutcome};
use askpro_app::booking::{AvailabilityQuery, BookRequest, Customer};
use askpro_app::{Actor, App, Clock};
use askpro_core::Tenant;
use askpro_web::{WebConfig, WebState};
use axum::body::Body;
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;
use tower::ServiceExt;

const EXAMPLE: &str = include_str!("../../../examples/salon-sonnenschein.toml");
const COMPANY: &str = "salon-sonnenschein";
const APPOINTMENTS: usize = 500;

/// The example salon with eight more barbers at Mitte, so a week holds 500 bookings.
fn tenant() -> Tenant {
    let mut text = EXAMPLE.to_owned();
    for i in 1..=8 {
        text.push_str(&format!(
            "\n[[staff]]\nslug = \"barbier-{i}\"\nname = \"Barbier {i}\"\nbranches = [\"mitte\"]\nservices = [\"herrenhaarschnitt\"]\n"
        ));
    }
    Tenant::from_toml(&text).expect("bench tenant")
}

/// A database with the week of 30 November 2026 booked full, and a signed-in owner.
async fn seeded(dir: &std::path::Path) -> (App, String, String) {
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let db = askpro_store::Db::connect(&url).await.expect("database");
    db.migrate().await.expect("migrations");
    let now = "2026-11-29T12:00:00Z".parse().expect("instant");
    let app = App::with_clock(db, Clock::frozen(now));
    let actor = Actor::cli(Some("bench".into()));
    app.apply_tenant(&tenant(), &actor).await.expect("tenant");
    let query = AvailabilityQuery {
        service: "herrenhaarschnitt".into(),
        from: "2026-11-30".parse().expect("date"),
        days: 6,
        branch: Some("mitte".into()),
        staff: None,
    };
    let slots = app
        .local_availability(COMPANY, &query)
        .await
        .expect("slots");
    let mut booked = Vec::new();
    for slot in slots {
        if booked.len() == APPOINTMENTS {
            break;
        }
        let request = BookRequest {
            branch: Some("mitte".into()),
            service: "herrenhaarschnitt".into(),
            staff: Some(slot.staff.clone()),
            start: slot.start.parse().expect("start"),
            customer: Customer {
                name: format!("Kunde {}", booked.len()),
                phone: Some(format!("+4915110{:05}", booked.len())),
                email: None,
            },
        };
        // Slots overlap each other's buffers: the booking service refuses those.
        if let Ok(outcome) = app.book(COMPANY, &request, &actor, None).await {
            booked.push(outcome.appointment.id);
        }
    }
    assert_eq!(
        booked.len(),
        APPOINTMENTS,
        "the week must hold {APPOINTMENTS} bookings"
    );
    app.add_web_user(
        Some(COMPANY),
        "inhaber@bench.example",
        Role::Owner,
        Some("bench-password-1"),
    )
    .await
    .expect("owner");
    let SignInOutcome::SignedIn(session) = app
        .sign_in("inhaber@bench.example", "bench-password-1", "bench")
        .await
        .expect("sign-in")
    else {
        panic!("the owner could not sign in");
    };
    (app, session.token, booked[APPOINTMENTS / 2].clone())
}

fn pages(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let (app, token, appointment) = runtime.block_on(seeded(dir.path()));
    let router = askpro_web::router(WebState::new(app, WebConfig::default()));
    let base = format!("/firmen/{COMPANY}");
    let paths = [
        ("heute", format!("{base}/heute?tag=2026-12-03")),
        ("kalender", format!("{base}/kalender?woche=2026-11-30")),
        ("termin", format!("{base}/termine/{appointment}")),
        (
            "verschieben",
            format!("{base}/termine/{appointment}/verschieben"),
        ),
        ("anrufe", format!("{base}/anrufe")),
        ("nachrichten", format!("{base}/nachrichten")),
        ("kennzahlen", format!("{base}/kennzahlen")),
        ("einstellungen", format!("{base}/einstellungen")),
    ];
    let mut group = c.benchmark_group("dashboard page, 500 appointments in the week");
    group
        .measurement_time(Duration::from_secs(4))
        .sample_size(30);
    for (name, path) in &paths {
        group.bench_function(*name, |b| {
            b.iter(|| {
                runtime.block_on(async {
                    let request = Request::get(path.as_str())
                        .header("cookie", format!("askpro_session={token}"))
                        .body(Body::empty())
                        .expect("request");
                    let response = router.clone().oneshot(request).await.expect("response");
                    assert_eq!(response.status(), 200, "{path}");
                    axum::body::to_bytes(response.into_body(), usize::MAX)
                        .await
                        .expect("body")
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, pages);
criterion_main!(benches);
