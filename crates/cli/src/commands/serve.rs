//! `askpro serve`: the HTTP server with its background loops (webhook merger, scheduler,
//! job worker) until Ctrl-C or SIGTERM, then a shutdown bounded by `--shutdown-timeout`.

use crate::cli::{Global, ServeArgs};
use crate::config::{self as file_config, DEFAULT_LISTEN};
use anyhow::{Context, Result};
use askpro_app::App;
use askpro_app::background::{self, Loops};
use askpro_server::{ServerConfig, ServerState};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// How a server process runs besides its HTTP settings.
pub struct ServeOptions {
    /// A job worker in the same process.
    pub worker: bool,
    /// Retell, for the scheduled import of calls; `None` schedules none.
    pub retell: Option<askpro_connectors::retell::Retell>,
    /// From SIGTERM to exit, at most.
    pub shutdown_timeout: Duration,
}

pub async fn run(global: &Global, args: ServeArgs) -> Result<ExitCode> {
    let file = file_config::load(global.config.as_deref())?;
    let listen = args
        .listen
        .or(file.listen.clone())
        .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    let app = super::open_server_app(global).await?;
    let mut config = ServerConfig {
        operator_token: file_config::operator_token(&file),
        retell_api_keys: file_config::retell(&file).api_key.into_iter().collect(),
        twilio_webhook_url: file_config::twilio_webhook_url(&file),
        ..ServerConfig::default()
    };
    // The operators' dashboard diagnoses with the configured Retell key.
    config.web.outside.retell = retell_client(&file).map(std::sync::Arc::new);
    config.web.outside.public_url = file_config::retell(&file).public_url.clone();
    if let Some(per_minute) = rate_limit(&file)? {
        config.rate_limit_per_minute = per_minute;
    }
    if let Some(limit) = file.body_limit_bytes {
        config.body_limit = limit;
    }
    if config.operator_token.is_none() {
        tracing::warn!("ASKPRO_ADMIN_TOKEN is not set: only company tokens can use the API");
    }
    let options = ServeOptions {
        worker: !args.no_worker,
        retell: retell_client(&file),
        shutdown_timeout: Duration::from_secs(args.shutdown_timeout),
    };
    serve(app, config, &listen, options).await?;
    Ok(ExitCode::SUCCESS)
}

/// Binds `listen` and serves `app` with its background loops until a shutdown signal;
/// then stops accepting, lets requests in flight and the job in hand finish, and
/// returns within `options.shutdown_timeout` whatever is still pending (what was
/// accepted is stored, and claimed jobs come back when their lease ends).
pub async fn serve(
    app: App,
    mut config: ServerConfig,
    listen: &str,
    options: ServeOptions,
) -> Result<()> {
    let addr: SocketAddr = listen
        .parse()
        .with_context(|| format!("`{listen}` is not an address such as 127.0.0.1:8080"))?;
    config.metrics_public = addr.ip().is_loopback();
    // Cookies travel over TLS only, except while the dashboard is used on this machine.
    // Behind a TLS proxy on this machine, ASKPRO_SECURE_COOKIES=true says so.
    config.web.secure_cookies = match std::env::var("ASKPRO_SECURE_COOKIES").as_deref() {
        Ok("true" | "1") => true,
        Ok("false" | "0") => false,
        _ => !addr.ip().is_loopback(),
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let addr = listener.local_addr().unwrap_or(addr);
    let backend = format!("{:?}", app.db.backend()).to_lowercase();
    tracing::info!(%addr, database = %backend, "askpro is listening");
    if !app.clock.is_system() {
        tracing::warn!(now = %app.clock.now(), "the clock is moved (--now or ASKPRO_NOW): every rule, reminder and job runs on it");
    }
    let loops = background::start(
        &app,
        Loops {
            merger: true,
            import_calls: options.retell,
            worker: options.worker.then(askpro_worker::WorkerConfig::default),
            calcom_sync: true,
            cache_signals: true,
            waitlist: true,
            privacy_purge: true,
        },
    );
    let (signalled, mut signal) = tokio::sync::watch::channel(false);
    let server = tokio::spawn(askpro_server::serve(
        listener,
        ServerState::new(app, config),
        async move {
            shutdown_signal().await;
            let _ = signalled.send(true);
        },
    ));
    let _ = signal.changed().await;
    let deadline = Instant::now() + options.shutdown_timeout;
    let (server_done, loops_done) = tokio::join!(
        tokio::time::timeout_at(deadline.into(), server),
        loops.stop(options.shutdown_timeout)
    );
    match server_done {
        Ok(Ok(result)) => result.context("the server stopped with an error")?,
        Ok(Err(error)) => tracing::error!(%error, "the server task ended abnormally"),
        Err(_) => tracing::warn!(
            timeout_s = options.shutdown_timeout.as_secs(),
            "requests still in flight at the shutdown timeout; stopping anyway"
        ),
    }
    if !loops_done {
        tracing::warn!(
            "background work was cut off at the shutdown timeout; claimed jobs return when their lease ends"
        );
    }
    tracing::info!("askpro stopped");
    Ok(())
}

/// `ASKPRO_RATE_LIMIT_PER_MINUTE`, else the file's `rate_limit_per_minute`.
fn rate_limit(file: &file_config::FileConfig) -> Result<Option<u32>> {
    match std::env::var("ASKPRO_RATE_LIMIT_PER_MINUTE") {
        Ok(text) => text.trim().parse().map(Some).with_context(|| {
            format!("ASKPRO_RATE_LIMIT_PER_MINUTE=`{text}` is not a whole number of requests (0: no limit)")
        }),
        Err(_) => Ok(file.rate_limit_per_minute),
    }
}

/// The Retell client for scheduled imports, when a key is configured.
fn retell_client(file: &file_config::FileConfig) -> Option<askpro_connectors::retell::Retell> {
    let config = file_config::retell(file);
    askpro_connectors::retell::Retell::new(&config.base_url, config.api_key.as_deref()?).ok()
}

pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
