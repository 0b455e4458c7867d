//! AskPro's web dashboard, served by `askpro serve` under `/` beside the API: German,
//! server-rendered pages that work without JavaScript, with their stylesheet embedded in
//! the binary. Business users see their own company (Heute, Kalender, Anrufe,
//! Nachrichten, Kennzahlen, Einstellungen); operators see every company and the
//! operations pages. Every change goes through the same application services as the
//! API and the CLI.

mod assets;
mod error;
mod format;
mod layout;
mod pages;
mod session;

pub use error::WebError;

use askpro_app::App;
use askpro_app::operations::diagnose::Outside;
use axum::Router;
use std::sync::Arc;

/// Settings of the dashboard.
#[derive(Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (off only when serving on loopback, for local use).
    pub secure_cookies: bool,
    /// How the operator pages reach Retell and the others for `diagnose`.
    pub outside: Outside,
}

impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("secure_cookies", &self.secure_cookies)
            .finish_non_exhaustive()
    }
}

/// What every page handler can reach.
#[derive(Clone)]
pub struct WebState {
    pub app: App,
    pub config: Arc<WebConfig>,
}

impl WebState {
    pub fn new(app: App, config: WebConfig) -> WebState {
        WebState {
            app,
            config: Arc::new(config),
        }
    }
}

/// The dashboard's routes, ready to merge with the API's.
pub fn router(state: WebState) -> Router {
    pages::router().with_state(state)
}
