//! The web dashboard against the real server on port 0: sign-in, sessions, CSRF and the
//! isolation of companies over HTTP (`pages`), and the whole pages in a real Chromium
//! driven over WebDriver (`browser`, skipped without chromium and chromedriver).

#[path = "../common/mod.rs"]
mod common;

mod browser;
mod pages;
