//! One file per command group; each has a `run` that returns the process exit code.

mod backup;
mod branch;
mod calcom;
mod calls;
mod config;
mod demo;
mod demo_calcom;
mod demo_day;
mod german;
mod jobs;
mod messages;
mod operations;
mod privacy;
mod queue;
mod retell;
mod serve;
pub mod simulate;
mod staff;
mod tenant;
mod token;
mod users;
mod waitlist;

use crate::cli::{Cli, Command, Global};
use crate::config::{self as file_config, DEFAULT_DATABASE_URL};
use anyhow::{Context, Result};
use askpro_app::App;
use askpro_store::{Db, redact_url};
use std::process::ExitCode;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let long_running = matches!(
        &cli.command,
        Command::Serve(_)
            | Command::Demo(_)
            | Command::Worker(crate::cli::WorkerArgs { action: None, .. })
    );
    init_logging(long_running);
    let mut global = cli.global;
    global.now = match command_now(&cli.command) {
        Some(at) => Some(at),
        None => now_from_env()?,
    };
    match cli.command {
        Command::Serve(args) => serve::run(&global, args).await,
        Command::Demo(args) => demo::run(&global, args).await,
        Command::Migrate => {
            let app = open_app(&global).await?;
            if global.json {
                crate::output::json(&serde_json::json!({ "migrated": true }));
            } else {
                println!("database is up to date");
            }
            app.db.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Tenant(command) => tenant::run(&global, command).await,
        Command::Branch(command) => branch::run(&global, command).await,
        Command::Config(command) => config::run(&global, command).await,
        Command::Token(command) => token::run(&global, command).await,
        Command::German(command) => german::run(&global, command),
        Command::Worker(args) => jobs::worker(&global, args).await,
        Command::Queue(command) => queue::run(&global, command).await,
        Command::Simulate(crate::cli::SimulateCommand::Call(args)) => {
            simulate::call(&global, args).await
        }
        Command::Calls(command) => calls::run(&global, command).await,
        Command::Webhook(command) => calls::webhook(&global, command).await,
        Command::Retell(command) => retell::run(&global, command).await,
        Command::Schedule(command) => retell::schedule(&global, command).await,
        Command::Email(command) => jobs::email(&global, command).await,
        Command::Calcom(command) => calcom::run(&global, command).await,
        Command::Cache(command) => calcom::cache(&global, command).await,
        Command::Timezone(command) => calcom::timezone(&global, command).await,
        Command::Appointments(command) => calcom::appointments(&global, command).await,
        Command::Diagnose { company_id } => operations::diagnose(&global, &company_id).await,
        Command::DailyHealthCheck { notify_slack } => {
            operations::daily_health_check(&global, notify_slack).await
        }
        Command::Metrics(command) => operations::metrics(&global, command).await,
        Command::Report(command) => operations::report(&global, command).await,
        Command::Ai(command) => operations::ai(&global, command).await,
        Command::Staff(command) => staff::staff(&global, command).await,
        Command::Services(command) => staff::services(&global, command).await,
        Command::System(command) => staff::system(&global, command).await,
        Command::Horizon(crate::cli::HorizonCommand::Status) => jobs::worker_status(&global).await,
        Command::Messages(command) => messages::run(&global, command).await,
        Command::Waitlist(command) => waitlist::run(&global, command).await,
        Command::User(command) => users::run(&global, command).await,
        Command::Privacy(command) => privacy::run(&global, command).await,
        Command::Backup(args) => backup::backup(&global, args).await,
        Command::Restore(args) => backup::restore(&global, args).await,
    }
}

/// `--now` of the command, where it has one.
fn command_now(command: &Command) -> Option<crate::now::ClockStart> {
    match command {
        Command::Serve(args) => args.now.now,
        Command::Demo(args) => args.now.now,
        Command::Worker(args) => args.now.now,
        Command::Simulate(crate::cli::SimulateCommand::Call(args)) => args.now.now,
        _ => None,
    }
}

/// `ASKPRO_NOW`, the same as `--now` for every command.
fn now_from_env() -> Result<Option<crate::now::ClockStart>> {
    match std::env::var("ASKPRO_NOW") {
        Ok(raw) if !raw.trim().is_empty() => crate::now::ClockStart::parse(&raw)
            .map(Some)
            .map_err(|problem| anyhow::anyhow!("ASKPRO_NOW: {problem}")),
        _ => Ok(None),
    }
}

/// The requests' and the background's pool options of a server process.
pub type ServerPools = (askpro_store::PoolOptions, askpro_store::PoolOptions);

/// Connects to the configured database with one pool (a one-shot command) and applies
/// pending migrations.
pub async fn open_app(global: &Global) -> Result<App> {
    open_configured(global, false).await
}

/// The same for `serve` and `worker`: a pool for requests and one for the background
/// loops, sized by `[database]` and `ASKPRO_DB_*`.
pub async fn open_server_app(global: &Global) -> Result<App> {
    open_configured(global, true).await
}

/// The database URL: the flag or environment, else the file's, else the default.
fn database_url(global: &Global, from_file: Option<String>) -> String {
    global
        .database_url
        .clone()
        .or(from_file)
        .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned())
}

/// The configured database URL, for commands that work on the database file itself.
pub fn configured_database_url(global: &Global) -> Result<String> {
    let file = file_config::load(global.config.as_deref())?;
    Ok(database_url(global, file.database_url))
}

async fn open_configured(global: &Global, server: bool) -> Result<App> {
    let file = file_config::load(global.config.as_deref())?;
    let (mailer, from) = file_config::mailer(&file)?;
    let sms = file_config::twilio(&file)?;
    let slack = file_config::slack(&file)?;
    let pools = if server {
        Some(file_config::pools(&file)?)
    } else {
        None
    };
    let url = database_url(global, file.database_url);
    Ok(open_url(&url, global.clock(), pools)
        .await?
        .with_mailer(mailer, &from)
        .with_sms(sms)
        .with_slack(slack))
}

/// Opens `url` (two pools when `pools` are given) and migrates it.
pub async fn open_url(
    url: &str,
    clock: askpro_core::Clock,
    pools: Option<ServerPools>,
) -> Result<App> {
    let cannot_open = || format!("cannot open database {}", redact_url(url));
    let (db, background) = match pools {
        Some((requests, background)) => {
            let (db, background) = Db::connect_split(url, requests, background)
                .await
                .with_context(cannot_open)?;
            (db, Some(background))
        }
        None => (Db::connect(url).await.with_context(cannot_open)?, None),
    };
    db.migrate()
        .await
        .with_context(|| format!("cannot migrate database {}", redact_url(url)))?;
    let app = App::with_clock(db, clock);
    Ok(match background {
        Some(background) => app.with_background_db(background),
        None => app,
    })
}

/// Logs go to stderr; servers log at `info`, one-shot commands only warnings.
fn init_logging(is_server: bool) {
    let default = if is_server { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ASKPRO_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never into a log file.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        // When whoever read the log goes away (a closed pipe), a failed log line must not
        // be reported with `eprintln!`, which panics on that same closed pipe and took
        // the whole server down with it.
        .log_internal_errors(false)
        .try_init();
}

/// The operator's login name for audit entries of CLI changes.
pub fn operator_name() -> Option<String> {
    std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .ok()
}
