//! The dashboard in a real browser: a headless Chromium driven over WebDriver by a
//! small client of our own (`driver`), against the real server with the example
//! company. Each test signs in through the form and clicks its way as a user would.
//!
//! Needs `chromium` and `chromedriver` (and axe-core for the accessibility test):
//! `scripts/browser-test-deps.sh` installs them, CI runs it. Without them each test
//! says "skipped" on stderr and passes. Screenshots land in `target/screenshots`.
//!
//!   cargo test -p askpro --test web browser

mod access;
mod appointments;
mod axe;
mod calls;
mod driver;
mod every_page;
mod support;
