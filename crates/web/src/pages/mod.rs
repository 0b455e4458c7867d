//! The dashboard's pages, one module each, and what they share: the company a page is
//! about (refused, like an unknown one, when it is not the viewer's), form bodies, and
//! the redirect after a change.

mod appointment;
mod calendar;
mod calls;
mod messages;
mod metrics;
mod operator;
mod settings;
mod sign_in;
mod today;

use crate::WebState;
use crate::error::WebError;
use crate::layout::{Chrome, CompanyRef, Nav};
use crate::session::Viewer;
use askpro_app::CompanyModel;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::de::DeserializeOwned;
use std::sync::Arc;

pub fn router() -> Router<WebState> {
    let company = "/firmen/{company}";
    Router::new()
        .route("/", get(home))
        .route(crate::assets::CSS_PATH, get(crate::assets::css))
        .route(crate::assets::ICON_PATH, get(crate::assets::icon))
        .route("/anmelden", get(sign_in::form).post(sign_in::with_password))
        .route("/anmelden/link", post(sign_in::request_link))
        .route(
            "/anmelden/link/{token}",
            get(sign_in::link_page).post(sign_in::with_link),
        )
        .route("/abmelden", post(sign_in::sign_out))
        .route(&format!("{company}/heute"), get(today::page))
        .route(&format!("{company}/kalender"), get(calendar::page))
        .route(&format!("{company}/termine/{{id}}"), get(appointment::page))
        .route(
            &format!("{company}/termine/{{id}}/absagen"),
            post(appointment::cancel),
        )
        .route(
            &format!("{company}/termine/{{id}}/verschieben"),
            get(appointment::move_page).post(appointment::move_to),
        )
        .route(
            &format!("{company}/termine/{{id}}/nicht-erschienen"),
            post(appointment::no_show),
        )
        .route(&format!("{company}/anrufe"), get(calls::list))
        .route(&format!("{company}/anrufe/{{call_id}}"), get(calls::page))
        .route(&format!("{company}/nachrichten"), get(messages::list))
        .route(
            &format!("{company}/nachrichten/{{id}}/erledigt"),
            post(messages::done),
        )
        .route(&format!("{company}/kennzahlen"), get(metrics::page))
        .route(
            &format!("{company}/einstellungen"),
            get(settings::page).post(settings::save),
        )
        .route("/betrieb", get(operator::overview))
        .route("/betrieb/{company}", get(operator::company))
}

/// `/`: a company's day, or for operators the overview of all companies.
async fn home(viewer: Viewer) -> Redirect {
    match &viewer.session.company {
        Some(slug) if !viewer.is_operator() => Redirect::to(&format!("/firmen/{slug}/heute")),
        _ => Redirect::to("/betrieb"),
    }
}

/// The company of a page, if the viewer may see it; another company's pages answer
/// exactly like a company that does not exist.
pub async fn open_company(
    state: &WebState,
    viewer: &Viewer,
    slug: &str,
) -> Result<Arc<CompanyModel>, WebError> {
    let id = state.app.company_id(slug).await?;
    if !viewer.session.may_see(&id) {
        tracing::warn!(user = %viewer.session.user_id, company = slug, "page of another company refused");
        return Err(WebError::NotFound);
    }
    Ok(state.app.company(slug).await?)
}

/// The frame of a company's page.
pub fn chrome<'a>(viewer: &'a Viewer, model: &'a CompanyModel, active: Nav) -> Chrome<'a> {
    Chrome {
        viewer,
        company: Some(CompanyRef {
            slug: model.slug(),
            name: &model.tenant().company.name,
        }),
        active,
    }
}

/// A form body (`application/x-www-form-urlencoded`) as `T`; a malformed one is
/// refused with what was wrong.
pub fn form<T: DeserializeOwned>(body: &[u8]) -> Result<T, WebError> {
    serde_urlencoded::from_bytes(body).map_err(|e| WebError::Refused {
        status: StatusCode::BAD_REQUEST,
        message: format!("Das Formular war unvollständig: {e}"),
    })
}

/// After a change: back to `path` (303, so a reload does not send the form again).
pub fn done(path: &str) -> Response {
    Redirect::to(path).into_response()
}
