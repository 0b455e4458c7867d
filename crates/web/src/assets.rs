//! The stylesheet and icon, embedded in the binary: nothing is fetched at run time,
//! from a CDN or elsewhere. Browsers keep them for an hour.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

const CSS: &str = include_str!("../assets/app.css");
const ICON: &str = include_str!("../assets/icon.svg");

pub const CSS_PATH: &str = "/assets/app.css";
pub const ICON_PATH: &str = "/assets/icon.svg";

const AN_HOUR: &str = "public, max-age=3600";

pub async fn css() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, AN_HOUR),
        ],
        CSS,
    )
}

pub async fn icon() -> impl IntoResponse {
    (
        [(CONTENT_TYPE, "image/svg+xml"), (CACHE_CONTROL, AN_HOUR)],
        ICON,
    )
}
