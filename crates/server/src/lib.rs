//! AskPro's HTTP server: the JSON API of `shared/contract/http-api.md`, `/healthz`,
//! `/metrics`, and the web dashboard (`askpro_web`) under `/`. One router per area; handlers are short named steps over
//! [`askpro_app::App`], which does the work.

mod auth;
mod error;
mod extract;
mod metrics;
mod routes;

pub use error::ApiError;
pub use metrics::Metrics;

use askpro_app::App;
use axum::Router;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Settings of the HTTP layer itself.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// `ASKPRO_ADMIN_TOKEN`: acts on every company. `None` disables operator access.
    pub operator_token: Option<String>,
    /// Largest accepted request body, in bytes.
    pub body_limit: usize,
    /// Serve `/metrics` without a token (true when bound to loopback).
    pub metrics_public: bool,
    /// Retell API keys whose signatures webhooks and function calls may carry.
    pub retell_api_keys: Vec<String>,
    /// The URL Twilio posts inbound text messages to, exactly as entered in its console
    /// (it signs that URL); `None` takes the request's own, as a proxy forwarded it.
    pub twilio_webhook_url: Option<String>,
    /// The web dashboard under `/`.
    pub web: askpro_web::WebConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            operator_token: None,
            body_limit: 1024 * 1024,
            metrics_public: true,
            retell_api_keys: Vec::new(),
            twilio_webhook_url: None,
            web: askpro_web::WebConfig::default(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct ServerState {
    pub app: App,
    pub config: Arc<ServerConfig>,
    pub metrics: Arc<Metrics>,
}

impl ServerState {
    pub fn new(app: App, config: ServerConfig) -> ServerState {
        ServerState {
            app,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
        }
    }
}

/// The whole application as one router.
pub fn router(state: ServerState) -> Router {
    routes::router(state)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: ServerState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer's address reaches the dashboard's sign-in limit.
    let service = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown)
        .await
}
