//! `askpro demo`: a fresh SQLite file with the example company, an operator token and
//! ready-to-paste requests, then the server.

use crate::cli::{DemoArgs, Global};
use anyhow::{Context, Result};
use askpro_app::booking::AvailabilityQuery;
use askpro_app::{Actor, App};
use askpro_core::Tenant;
use askpro_server::ServerConfig;
use std::path::Path;
use std::process::ExitCode;

/// The example tenant, built into the binary so the demo runs from anywhere.
const EXAMPLE_TENANT: &str = include_str!("../../../../examples/salon-sonnenschein.toml");

pub async fn run(global: &Global, args: DemoArgs) -> Result<ExitCode> {
    let app = fresh_database(&args.db_file, global.clock()).await?;
    let calcom = match args.calcom_fake {
        true => Some(super::demo_calcom::start(&app, &args.calcom_fake_listen).await?),
        false => None,
    };
    let tenant_text = match &calcom {
        Some(fake) => super::demo_calcom::tenant(EXAMPLE_TENANT, &fake.base_url),
        None => EXAMPLE_TENANT.to_owned(),
    };
    let tenant =
        Tenant::from_toml(&tenant_text).context("the built-in example tenant is invalid")?;
    let outcome = app
        .apply_tenant(&tenant, &Actor::cli(Some("demo".into())))
        .await?;
    let operator_token = std::env::var("ASKPRO_ADMIN_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| format!("demo-{}", askpro_store::new_id()));
    let company_token = app.create_company_token(&outcome.company, "demo").await?;
    let calcom_lines = match &calcom {
        Some(fake) => {
            let at = super::demo_calcom::Addresses {
                askpro: &args.listen,
                calcom: &args.calcom_fake_listen,
                db_file: &args.db_file.display().to_string(),
            };
            super::demo_calcom::connect(&app, &fake.fake, &outcome.company, &at).await?
        }
        None => String::new(),
    };
    let password = super::demo_day::owner_account(&app, &outcome.company).await?;
    super::demo_day::sample_bookings(&app, &outcome.company).await?;
    print_welcome(
        &app,
        &args,
        &outcome.company,
        &operator_token,
        &company_token,
    )
    .await?;
    println!(
        "Dashboard: http://{}/  — sign in as {} with the password {password}\n",
        args.listen,
        super::demo_day::DEMO_OWNER
    );
    print!("{calcom_lines}");
    let config = ServerConfig {
        operator_token: Some(operator_token),
        retell_api_keys: vec![demo_retell_key()],
        ..ServerConfig::default()
    };
    let options = super::serve::ServeOptions {
        worker: true,
        retell: None,
        shutdown_timeout: std::time::Duration::from_secs(10),
    };
    super::serve::serve(app, config, &args.listen, options).await?;
    Ok(ExitCode::SUCCESS)
}

/// The Retell key the demo checks signatures with: the configured one, or a fixed demo
/// key that `askpro simulate call` signs with by default.
fn demo_retell_key() -> String {
    std::env::var("ASKPRO_RETELL_API_KEY")
        .ok()
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| DEMO_RETELL_KEY.to_owned())
}

/// Not a secret: it only lets simulated calls into a local demo.
pub const DEMO_RETELL_KEY: &str = "askpro-demo-retell-key";

async fn fresh_database(file: &Path, clock: askpro_core::Clock) -> Result<App> {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", file.display());
        if Path::new(&path).exists() {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove the old demo file {path}"))?;
        }
    }
    let pools = (
        askpro_store::PoolOptions::REQUESTS,
        askpro_store::PoolOptions::BACKGROUND,
    );
    super::open_url(&format!("sqlite://{}", file.display()), clock, Some(pools)).await
}

/// With `--now`, what the demo's clock says, and the shift that puts every other
/// `askpro` command (a simulated call above all) on the same clock.
fn clock_lines(app: &App) -> String {
    match app.clock.offset_ms().filter(|ms| *ms != 0) {
        None => String::new(),
        Some(ms) => {
            let local = app.now().to_zoned_datetime(
                jiff::tz::TimeZone::get("Europe/Berlin").unwrap_or(jiff::tz::TimeZone::UTC),
            );
            format!(
                "\n  # the demo runs as if it were {} (Berlin); put the commands on its clock:\n  export ASKPRO_NOW={ms:+}ms",
                local.strftime("%d.%m.%Y %H:%M")
            )
        }
    }
}

async fn print_welcome(
    app: &App,
    args: &DemoArgs,
    company: &str,
    operator: &str,
    company_token: &str,
) -> Result<()> {
    let base = format!("http://{}", args.listen);
    let today = app
        .now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Berlin")?)
        .date();
    let query = AvailabilityQuery {
        service: "damenhaarschnitt".into(),
        from: today,
        days: 14,
        branch: Some("mitte".into()),
        staff: None,
    };
    let slots = app.availability(company, &query).await?;
    let example_start = slots
        .first()
        .map_or("2026-12-01T09:00:00+01:00".to_owned(), |s| s.start.clone());
    let api = format!("{base}/api/v1/companies/{company}");
    let clock = clock_lines(app);
    println!(
        r#"
AskPro demo — company `{company}` on {db}

Operator token (every company):   {operator}
Company token ({company}):  {company_token}

Try, in another terminal:
{clock}
  export TOKEN={operator}
  curl -s {base}/healthz
  curl -s -H "Authorization: Bearer $TOKEN" "{api}/availability?service=damenhaarschnitt&branch=mitte&from={today}&days=3"
  curl -s -X POST -H "Authorization: Bearer $TOKEN" -H "Content-Type: application/json" -H "Idempotency-Key: demo-1" \
       -d '{{"branch":"mitte","service":"damenhaarschnitt","start":"{example_start}","customer":{{"name":"Eva Schmidt","phone":"+4915112345678"}}}}' \
       "{api}/appointments"
  curl -s -H "Authorization: Bearer $TOKEN" "{api}/appointments?from={today}&to={today_plus}"
  curl -s {base}/metrics

A phone call, as Retell would send it (signed function calls, then the webhooks):
  {exe} simulate call examples/calls/termin-buchen.toml --url {base} --key {retell_key}
  {exe} --database-url sqlite://{db} calls list --company-id {company}

Operator commands (same database):
  {exe} --database-url sqlite://{db} tenant show {company}
  {exe} --database-url sqlite://{db} branch show-hours --branch-id schwabing --weeks 4
  {exe} --database-url sqlite://{db} config list
"#,
        db = args.db_file.display(),
        retell_key = if demo_retell_key() == DEMO_RETELL_KEY {
            DEMO_RETELL_KEY
        } else {
            "$ASKPRO_RETELL_API_KEY"
        },
        exe = std::env::current_exe().map_or("askpro".into(), |p| p.display().to_string()),
        today_plus = today.checked_add(jiff::ToSpan::days(14)).unwrap_or(today),
    );
    Ok(())
}
