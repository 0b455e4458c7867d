//! `askpro serve`: the HTTP server until Ctrl-C or SIGTERM.

use crate::cli::{Global, ServeArgs};
use crate::config::{self as file_config, DEFAULT_LISTEN};
use anyhow::{Context, Result};
use askpro_app::App;
use askpro_server::{ServerConfig, ServerState};
use std::net::SocketAddr;
use std::process::ExitCode;

pub async fn run(global: &Global, args: ServeArgs) -> Result<ExitCode> {
    let file = file_config::load(global.config.as_deref())?;
    let listen = args
        .listen
        .or(file.listen.clone())
        .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
    let app = super::open_app(global).await?;
    let mut config = ServerConfig {
        operator_token: file_config::operator_token(&file),
        retell_api_keys: file_config::retell(&file).api_key.into_iter().collect(),
        ..ServerConfig::default()
    };
    if let Some(limit) = file.body_limit_bytes {
        config.body_limit = limit;
    }
    if config.operator_token.is_none() {
        tracing::warn!("ASKPRO_ADMIN_TOKEN is not set: only company tokens can use the API");
    }
    let retell = retell_client(&file);
    serve(app, config, &listen, !args.no_worker, retell).await?;
    Ok(ExitCode::SUCCESS)
}

/// Binds `listen` and serves `app` until a shutdown signal, with a job worker in the
/// same process unless `with_worker` is false.
pub async fn serve(
    app: App,
    mut config: ServerConfig,
    listen: &str,
    with_worker: bool,
    retell: Option<askpro_connectors::retell::Retell>,
) -> Result<()> {
    let addr: SocketAddr = listen
        .parse()
        .with_context(|| format!("`{listen}` is not an address such as 127.0.0.1:8080"))?;
    config.metrics_public = addr.ip().is_loopback();
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let addr = listener.local_addr().unwrap_or(addr);
    let backend = format!("{:?}", app.db.backend()).to_lowercase();
    tracing::info!(%addr, database = %backend, "askpro is listening");
    if !app.clock.is_system() {
        tracing::warn!(now = %app.clock.now(), "the clock is moved (--now or ASKPRO_NOW): every rule, reminder and job runs on it");
    }
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = with_worker.then(|| super::jobs::spawn_worker(&app, Vec::new(), stopped.clone()));
    let scheduler = tokio::spawn(scheduler(app.clone(), retell, stopped));
    let shutdown = async move {
        shutdown_signal().await;
        let _ = stop.send(true);
    };
    askpro_server::serve(listener, ServerState::new(app, config), shutdown)
        .await
        .context("the server stopped with an error")?;
    if let Some(worker) = worker {
        worker
            .await
            .context("the worker task failed")?
            .context("the worker stopped with an error")?;
    }
    let _ = scheduler.await;
    tracing::info!("askpro stopped");
    Ok(())
}

/// Recurring duties of a running server, until `stop`: merge Retell events that wait
/// (after a `webhook pause`, or when a merge failed) every few seconds, and import the
/// last hour's calls from Retell every ten minutes (`askpro schedule list`).
async fn scheduler(
    app: App,
    retell: Option<askpro_connectors::retell::Retell>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    use std::time::Duration;
    let mut merge = tokio::time::interval(Duration::from_secs(5));
    let every = Duration::from_secs(super::retell::SCHEDULE[0].1 * 60);
    let mut import = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    while !*stop.borrow() {
        tokio::select! {
            _ = merge.tick() => {
                if let Err(error) = app.process_retell_events().await {
                    tracing::error!(%error, "merging waiting Retell events failed; will try again");
                }
            }
            _ = import.tick() => {
                if let Some(retell) = &retell {
                    let since = app.now_ms() - 3_600_000;
                    match app.import_calls(retell, since, Vec::new(), |_, _| {}).await {
                        Ok(report) => tracing::info!(new = report.new, updated = report.updated, "scheduled call import done"),
                        Err(error) => tracing::error!(%error, "scheduled call import failed; next try in ten minutes"),
                    }
                }
            }
            _ = stop.changed() => {}
        }
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
