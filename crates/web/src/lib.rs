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
    pages::router()
        .layer(axum::middleware::map_response(protect))
        .with_state(state)
}

/// Headers every page carries: no framing (clickjacking), scripts and forms only from
/// this site, no referrer leaving it (a sign-in link's token must not travel on), and
/// pages with customers' data kept out of shared caches.
async fn protect(mut response: axum::response::Response) -> axum::response::Response {
    use axum::http::HeaderValue;
    use axum::http::header::{
        CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
        X_FRAME_OPTIONS,
    };
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers
        .entry(CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}
