//! `askpro demo --calcom-fake`: the demo salon keeps its calendar in a local Cal.com
//! stand-in, so a new user sees the sync without an account — two customers who booked
//! on the web before the start are mirrored by the first reconciliation, and web
//! bookings made while the demo runs arrive by signed webhook.

use anyhow::{Context, Result};
use askpro_app::App;
use askpro_standins::calcom::{Fake, FakeCalcom};
use jiff::Timestamp;
use jiff::civil::time;
use serde_json::json;

/// Not secrets: they only open the local stand-in.
pub const DEMO_CALCOM_KEY: &str = "askpro-demo-calcom-key";
pub const DEMO_CALCOM_SECRET: &str = "askpro-demo-calcom-webhook-secret";
const KEY_ENV: &str = "ASKPRO_DEMO_CALCOM_KEY";
const SECRET_ENV: &str = "ASKPRO_DEMO_CALCOM_WHSEC";
/// The Cal.com event type of the salon's Damenhaarschnitt in the stand-in.
pub const EVENT_TYPE: i64 = 1001;

/// The example tenant with Anna's and Jonas's Damenhaarschnitt in Cal.com at `base_url`.
pub fn tenant(example: &str, base_url: &str) -> String {
    let mapped = example
        .replacen(
            "price_eur = 49.0",
            &format!("price_eur = 49.0\ncalcom_event_type_id = {EVENT_TYPE}"),
            1,
        )
        .replacen(
            "slug = \"anna\"",
            "slug = \"anna\"\ncalcom_username = \"anna\"",
            1,
        )
        .replacen(
            "slug = \"jonas\"",
            "slug = \"jonas\"\ncalcom_username = \"jonas\"",
            1,
        );
    format!(
        "{mapped}\n[calcom]\napi_key_env = \"{KEY_ENV}\"\nwebhook_secret_env = \"{SECRET_ENV}\"\nbase_url = \"{base_url}\"\n"
    )
}

/// Starts the stand-in on `listen` with the salon's hosts and two web bookings.
pub async fn start(app: &App, listen: &str) -> Result<FakeCalcom> {
    let server = FakeCalcom::start_on(listen, DEMO_CALCOM_KEY)
        .await
        .with_context(|| format!("the Cal.com stand-in cannot listen on {listen}"))?;
    let fake = &server.fake;
    for host in ["anna", "jonas"] {
        fake.add_host(host, "Europe/Berlin", time(9, 0, 0, 0), time(18, 0, 0, 0));
    }
    fake.add_event_type(EVENT_TYPE, "damenhaarschnitt", 45, &["anna", "jonas"]);
    fake.set_slot_interval(EVENT_TYPE, 15);
    // The stand-in keeps the demo's time, also under `--now`.
    match app.clock.offset_ms() {
        Some(shift) => fake.set_shift_ms(shift),
        None => fake.set_now(Some(app.now())),
    }
    app.secrets.set(KEY_ENV, DEMO_CALCOM_KEY);
    app.secrets.set(SECRET_ENV, DEMO_CALCOM_SECRET);
    book_on_the_web(fake, app.now())?;
    Ok(server)
}

/// Two customers who booked on the salon's web page: the next working morning at ten
/// with Jonas, the one after at eleven with Anna.
fn book_on_the_web(fake: &Fake, now: Timestamp) -> Result<()> {
    let berlin = jiff::tz::TimeZone::get("Europe/Berlin")?;
    let mut day = now.to_zoned_datetime(berlin.clone()).date();
    let mut booked = 0;
    while booked < 2 {
        day = day.tomorrow()?;
        if day.weekday() == jiff::civil::Weekday::Sunday {
            continue;
        }
        let (host, hour, name) = if booked == 0 {
            ("jonas", 10, "Tom Web")
        } else {
            ("anna", 11, "Lena Web")
        };
        let start = day
            .to_datetime(time(hour, 0, 0, 0))
            .to_zoned_datetime(berlin.clone())?
            .timestamp();
        let attendee = json!({ "name": name, "email": format!("{}@web.example", name.to_lowercase().replace(' ', ".")), "timeZone": "Europe/Berlin" });
        if fake.web_book(EVENT_TYPE, host, start, attendee).is_ok() {
            booked += 1;
        }
    }
    Ok(())
}

/// Where AskPro and the stand-in listen, and the demo's database file.
pub struct Addresses<'a> {
    pub askpro: &'a str,
    pub calcom: &'a str,
    pub db_file: &'a str,
}

/// Subscribes AskPro's webhook and runs the first reconciliation; lines for the welcome.
pub async fn connect(app: &App, fake: &Fake, company: &str, at: &Addresses<'_>) -> Result<String> {
    fake.subscribe(
        &format!("http://{}/webhooks/calcom/{company}", at.askpro),
        DEMO_CALCOM_SECRET,
    );
    let report = app.calcom_sync(company, None, false).await?;
    let mirrored = report
        .differences
        .iter()
        .filter(|d| d.kind == "missing_here" && d.fixed)
        .count();
    let berlin = jiff::tz::TimeZone::get("Europe/Berlin")?;
    let mut day = app
        .now()
        .to_zoned_datetime(berlin.clone())
        .date()
        .tomorrow()?;
    while day.weekday() == jiff::civil::Weekday::Sunday {
        day = day.tomorrow()?;
    }
    let start = day
        .to_datetime(time(14, 0, 0, 0))
        .to_zoned_datetime(berlin)?
        .timestamp();
    let exe = std::env::current_exe().map_or("askpro".into(), |p| p.display().to_string());
    Ok(format!(
        r#"
The salon's calendar is in a Cal.com stand-in at http://{calcom}/v2 ({mirrored} web booking(s) mirrored by the first sync).
Book on the salon's "web page" and watch the webhook bring it in:
  curl -s -X POST -H 'Content-Type: application/json' -d '{{"eventTypeId":{EVENT_TYPE},"host":"anna","start":"{start}","name":"Mia Web"}}' http://{calcom}/web/bookings
  export {KEY_ENV}={DEMO_CALCOM_KEY}
  {exe} --database-url sqlite://{db} calcom status --company-id {company}
  {exe} --database-url sqlite://{db} calcom force-sync --company-id {company} --dry-run
  {exe} --database-url sqlite://{db} calcom refresh-availability --company-id {company}
"#,
        calcom = at.calcom,
        db = at.db_file,
    ))
}
