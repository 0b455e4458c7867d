//! Who is looking: the session cookie (`HttpOnly`, `SameSite=Lax`, `Secure` off
//! loopback), the CSRF token every form carries, and the client address the sign-in
//! limit counts by.

use crate::WebState;
use crate::error::WebError;
use askpro_app::accounts::{Role, WebSession};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{COOKIE, HeaderValue};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "askpro_session";
/// The sign-in form's own CSRF token, before there is a session (double submit).
pub const FORM_COOKIE: &str = "askpro_form";
const SESSION_SECONDS: i64 = 14 * 86_400;

/// The value of cookie `name`, if the request has it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value; `None` as the value deletes the cookie.
pub fn set_cookie(name: &str, value: Option<&str>, secure: bool) -> HeaderValue {
    let (value, age) = match value {
        Some(v) => (v, SESSION_SECONDS),
        None => ("", 0),
    };
    let secure = if secure { "; Secure" } else { "" };
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={age}{secure}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("askpro=; Max-Age=0"))
}

/// The peer's IP address, for the sign-in limit ("unknown" without one).
pub fn client(extensions: &Extensions) -> String {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string())
}

/// Compares two tokens in time independent of where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    askpro_app::tokens::same_secret(a, b)
}

/// The signed-in user of a page request; without a session, the page redirects to
/// the sign-in page and comes back after it.
pub struct Viewer {
    pub session: WebSession,
    pub token: String,
}

impl FromRequestParts<WebState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, WebError> {
        let next = parts
            .uri
            .path_and_query()
            .map_or("/", |p| p.as_str())
            .to_owned();
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE).map(str::to_owned) else {
            return Err(WebError::SignInRequired { next });
        };
        match state.app.web_session(&token).await? {
            Some(session) => Ok(Viewer { session, token }),
            None => Err(WebError::SignInRequired { next }),
        }
    }
}

impl Viewer {
    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_form(&self, given: &str) -> Result<(), WebError> {
        if same_token(given, &self.session.csrf_token) {
            Ok(())
        } else {
            tracing::warn!(user = %self.session.user_id, "form refused: wrong CSRF token");
            Err(WebError::StaleForm)
        }
    }

    pub fn is_operator(&self) -> bool {
        self.session.role == Role::Operator
    }

    /// Owners and operators may change settings.
    pub fn may_configure(&self) -> bool {
        self.session.role != Role::Staff
    }

    /// How changes from the dashboard appear in the audit log.
    pub fn actor(&self) -> askpro_app::Actor {
        askpro_app::Actor::web(self.session.email.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_lax_and_secure_only_when_asked() {
        let plain = set_cookie(SESSION_COOKIE, Some("abc"), false);
        let plain = plain.to_str().unwrap();
        assert!(plain.starts_with("askpro_session=abc; Path=/; HttpOnly; SameSite=Lax"));
        assert!(!plain.contains("Secure"));
        let secure = set_cookie(SESSION_COOKIE, Some("abc"), true);
        assert!(secure.to_str().unwrap().ends_with("; Secure"));
        let gone = set_cookie(SESSION_COOKIE, None, false);
        assert!(gone.to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn a_cookie_is_found_among_others_and_an_empty_one_is_none() {
        let request = axum::http::Request::builder()
            .header(COOKIE, "a=1; askpro_session=tok; b=2")
            .header(COOKIE, "askpro_form=")
            .body(())
            .unwrap();
        let headers = request.headers();
        assert_eq!(cookie(headers, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(headers, "b"), Some("2"));
        assert_eq!(cookie(headers, FORM_COOKIE), None);
        assert_eq!(cookie(headers, "c"), None);
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", ""));
    }
}
