//! Signing in and out. The sign-in forms carry a token that must match a cookie set
//! with the form (there is no session yet to hold it); a mailed link opens a page with
//! a button, so mail scanners that follow links do not use it up.

use crate::WebState;
use crate::error::WebError;
use crate::layout::{bare_with, notice};
use crate::session::{FORM_COOKIE, SESSION_COOKIE, Viewer, client, cookie, same_token, set_cookie};
use askpro_app::accounts::{SignInOutcome, random_token};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::header::{HOST, SET_COOKIE};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
pub struct PasswordForm {
    email: String,
    password: String,
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    weiter: String,
}

#[derive(Deserialize)]
pub struct LinkForm {
    email: String,
    #[serde(default)]
    csrf: String,
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf: String,
}

/// Only a path of this site: never an address elsewhere (`//evil`, `https://…`).
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

fn form_page(token: &str, next: &str, email: &str, message: Option<Markup>) -> Markup {
    bare_with(
        "Anmelden",
        html! {
            @if let Some(message) = message { (message) }
            form method="post" action="/anmelden" {
                input type="hidden" name="csrf" value=(token);
                input type="hidden" name="weiter" value=(next);
                label for="email" { "E-Mail-Adresse" }
                input #email type="email" name="email" value=(email) autocomplete="username" required;
                label for="password" { "Passwort" }
                input #password type="password" name="password" autocomplete="current-password" required;
                p { button type="submit" { "Anmelden" } }
            }
            details {
                summary { "Ohne Passwort: Anmeldelink per E-Mail" }
                form method="post" action="/anmelden/link" {
                    input type="hidden" name="csrf" value=(token);
                    label for="link-email" { "E-Mail-Adresse" }
                    input #link-email type="email" name="email" autocomplete="username" required;
                    p.hint { "Der Link gilt 15 Minuten und nur einmal." }
                    p { button.secondary type="submit" { "Link senden" } }
                }
            }
        },
    )
}

/// A page with a fresh form token, set as a cookie too.
fn with_form_token(
    state: &WebState,
    status: StatusCode,
    render: impl FnOnce(&str) -> Markup,
) -> Result<Response, WebError> {
    let token = random_token()?;
    let page = render(&token);
    let cookie = set_cookie(FORM_COOKIE, Some(&token), state.config.secure_cookies);
    Ok((status, [(SET_COOKIE, cookie)], page).into_response())
}

/// Refuses a sign-in form whose token is not the one in its cookie.
fn check_form_token(headers: &HeaderMap, given: &str) -> Result<(), WebError> {
    match cookie(headers, FORM_COOKIE) {
        Some(expected) if same_token(expected, given) => Ok(()),
        _ => Err(WebError::StaleForm),
    }
}

pub async fn form(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let next = safe_next(query.get("weiter").map_or("/", String::as_str)).to_owned();
    if let Some(token) = cookie(&headers, SESSION_COOKIE)
        && state.app.web_session(token).await?.is_some()
    {
        return Ok(Redirect::to(&next).into_response());
    }
    with_form_token(&state, StatusCode::OK, |token| {
        form_page(token, &next, "", None)
    })
}

pub async fn with_password(
    State(state): State<WebState>,
    headers: HeaderMap,
    extensions: Extensions,
    body: Bytes,
) -> Result<Response, WebError> {
    let input: PasswordForm = super::form(&body)?;
    check_form_token(&headers, &input.csrf)?;
    let next = safe_next(&input.weiter).to_owned();
    let outcome = state
        .app
        .sign_in(&input.email, &input.password, &client(&extensions))
        .await?;
    let (status, text) = match outcome {
        SignInOutcome::SignedIn(signed_in) => {
            let secure = state.config.secure_cookies;
            let headers = AppendHeaders([
                (
                    SET_COOKIE,
                    set_cookie(SESSION_COOKIE, Some(&signed_in.token), secure),
                ),
                (SET_COOKIE, set_cookie(FORM_COOKIE, None, secure)),
            ]);
            return Ok((headers, Redirect::to(&next)).into_response());
        }
        SignInOutcome::Refused => (
            StatusCode::UNAUTHORIZED,
            "E-Mail-Adresse oder Passwort stimmt nicht.".to_owned(),
        ),
        SignInOutcome::Throttled { minutes } => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Zu viele Fehlversuche. Bitte versuchen Sie es in {minutes} Minuten noch einmal."
            ),
        ),
    };
    with_form_token(&state, status, |token| {
        form_page(token, &next, &input.email, Some(notice("error", &text)))
    })
}

/// The dashboard's address as the browser reached it, for the mailed link.
fn base_url(state: &WebState, headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

pub async fn request_link(
    State(state): State<WebState>,
    headers: HeaderMap,
    extensions: Extensions,
    body: Bytes,
) -> Result<Response, WebError> {
    let input: LinkForm = super::form(&body)?;
    check_form_token(&headers, &input.csrf)?;
    let base = base_url(&state, &headers);
    state
        .app
        .send_sign_in_link(&input.email, &base, &client(&extensions))
        .await?;
    // The same answer whether the address has an account or not.
    let page = bare_with(
        "Link unterwegs",
        html! {
            p { "Wenn es zu dieser Adresse ein Konto gibt, ist ein Anmeldelink unterwegs. Er gilt 15 Minuten." }
            p { a href="/anmelden" { "Zurück zur Anmeldung" } }
        },
    );
    Ok(page.into_response())
}

pub async fn link_page(
    State(state): State<WebState>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let action = format!("/anmelden/link/{}", crate::format::url_encode(&token));
    with_form_token(&state, StatusCode::OK, |form_token| {
        bare_with(
            "Anmelden",
            html! {
                p { "Mit diesem Link melden Sie sich bei AskPro an." }
                form method="post" action=(action) {
                    input type="hidden" name="csrf" value=(form_token);
                    button type="submit" { "Jetzt anmelden" }
                }
            },
        )
    })
}

pub async fn with_link(
    State(state): State<WebState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, WebError> {
    let input: TokenForm = super::form(&body)?;
    check_form_token(&headers, &input.csrf)?;
    let Some(signed_in) = state.app.redeem_sign_in_link(&token).await? else {
        return Err(WebError::Refused {
            status: StatusCode::BAD_REQUEST,
            message: "Dieser Anmeldelink ist abgelaufen oder wurde schon benutzt. Bitte fordern Sie einen neuen an.".into(),
        });
    };
    let secure = state.config.secure_cookies;
    // Both cookies: an array of headers would keep only the last of the same name.
    let headers = AppendHeaders([
        (
            SET_COOKIE,
            set_cookie(SESSION_COOKIE, Some(&signed_in.token), secure),
        ),
        (SET_COOKIE, set_cookie(FORM_COOKIE, None, secure)),
    ]);
    Ok((headers, Redirect::to("/")).into_response())
}

pub async fn sign_out(
    State(state): State<WebState>,
    viewer: Viewer,
    body: Bytes,
) -> Result<Response, WebError> {
    let input: TokenForm = super::form(&body)?;
    viewer.check_form(&input.csrf)?;
    state.app.sign_out(&viewer.token).await?;
    let cookie = set_cookie(SESSION_COOKIE, None, state.config.secure_cookies);
    Ok(([(SET_COOKIE, cookie)], Redirect::to("/anmelden")).into_response())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed_after_sign_in() {
        assert_eq!(
            safe_next("/firmen/salon/heute?tag=2026-12-03"),
            "/firmen/salon/heute?tag=2026-12-03"
        );
        for outside in [
            "//evil.example",
            "https://evil.example",
            "evil",
            "/\\evil",
            "",
        ] {
            assert_eq!(safe_next(outside), "/", "{outside}");
        }
    }
}
