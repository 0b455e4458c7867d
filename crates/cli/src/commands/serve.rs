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
        ..ServerConfig::default()
    };
    if let Some(limit) = file.body_limit_bytes {
        config.body_limit = limit;
    }
    if config.operator_token.is_none() {
        tracing::warn!("ASKPRO_ADMIN_TOKEN is not set: only company tokens can use the API");
    }
    serve(app, config, &listen, !args.no_worker).await?;
    Ok(ExitCode::SUCCESS)
}

/// Binds `listen` and serves `app` until a shutdown signal, with a job worker in the
/// same process unless `with_worker` is false.
pub async fn serve(
    app: App,
    mut config: ServerConfig,
    listen: &str,
    with_worker: bool,
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
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = with_worker.then(|| super::jobs::spawn_worker(&app, Vec::new(), stopped));
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
    tracing::info!("askpro stopped");
    Ok(())
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
