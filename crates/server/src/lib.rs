//! AskPro's HTTP server: the JSON API of `shared/contract/http-api.md`, `/healthz`,
//! `/metrics`, and the web dashboard (`askpro_web`) under `/`. One router per area; handlers are short named steps over
//! [`askpro_app::App`], which does the work.

mod auth;
mod error;
mod extract;
mod limit;
mod metrics;
mod routes;

pub use error::ApiError;
pub use metrics::Metrics;

use askpro_app::App;
use axum::Router;
use std::sync::Arc;
use tokio::net::TcpListener;

/// API requests a minute per token by default: far above what an integration needs,
/// low enough that a runaway script cannot crowd out the voice agent.
pub const DEFAULT_RATE_LIMIT_PER_MINUTE: u32 = 6_000;

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
    /// API requests a minute per token (or per client without one); 0: no limit.
    pub rate_limit_per_minute: u32,
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
            rate_limit_per_minute: DEFAULT_RATE_LIMIT_PER_MINUTE,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct ServerState {
    pub app: App,
    pub config: Arc<ServerConfig>,
    pub metrics: Arc<Metrics>,
    pub limiter: Arc<limit::RateLimiter>,
}

impl ServerState {
    pub fn new(app: App, config: ServerConfig) -> ServerState {
        let limiter = limit::RateLimiter::new(config.rate_limit_per_minute);
        ServerState {
            app,
            config: Arc::new(config),
            metrics: Arc::new(Metrics::default()),
            limiter: Arc::new(limiter),
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
