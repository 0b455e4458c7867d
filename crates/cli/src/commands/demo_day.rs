//! The demo's dashboard: an owner account with a fresh password, and a few bookings in
//! the coming days so the *Heute* and *Kalender* pages have something to show.

use anyhow::Result;
use askpro_app::accounts::{Role, random_token};
use askpro_app::booking::{AvailabilityQuery, BookRequest, Customer};
use askpro_app::{Actor, App};

/// The demo owner's address.
pub const DEMO_OWNER: &str = "inhaber@salon-sonnenschein.example";

/// Callers of the sample bookings.
const CUSTOMERS: [(&str, &str); 6] = [
    ("Eva Schmidt", "+4915112345678"),
    ("Jonas Weber", "+4917623456789"),
    ("Mia Hoffmann", "+4916034567890"),
    ("Lukas Becker", "+4915245678901"),
    ("Sophie Wagner", "+4917156789012"),
    ("Paul Schäfer", "+4915767890123"),
];

/// Adds the owner with a random password and returns the password (shown once).
pub async fn owner_account(app: &App, company: &str) -> Result<String> {
    let password = format!("demo-{}", &random_token()?[..12]);
    app.add_web_user(Some(company), DEMO_OWNER, Role::Owner, Some(&password))
        .await?;
    Ok(password)
}

/// Books the sample customers into free slots of the next open days, a couple of
/// hours apart, at the first branch.
pub async fn sample_bookings(app: &App, company: &str) -> Result<usize> {
    let today = app
        .now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Berlin")?)
        .date();
    let query = AvailabilityQuery {
        service: "herrenhaarschnitt".into(),
        from: today,
        days: 7,
        branch: Some("mitte".into()),
        staff: None,
    };
    let slots = app.local_availability(company, &query).await?;
    let mut booked = 0;
    let mut last_start = i64::MIN;
    for slot in slots {
        if booked == CUSTOMERS.len() {
            break;
        }
        // Two hours apart, so the timeline shows free gaps between them.
        if slot.start_ms < last_start + 2 * 3_600_000 {
            continue;
        }
        let (name, phone) = CUSTOMERS[booked];
        let request = BookRequest {
            branch: Some(slot.branch.clone()),
            service: "herrenhaarschnitt".into(),
            staff: Some(slot.staff.clone()),
            start: slot.start.parse()?,
            customer: Customer {
                name: name.into(),
                phone: Some(phone.into()),
                email: None,
            },
        };
        if app
            .book(company, &request, &Actor::cli(Some("demo".into())), None)
            .await
            .is_ok()
        {
            booked += 1;
            last_start = slot.start_ms;
        }
    }
    Ok(booked)
}
