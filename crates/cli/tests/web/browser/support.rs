//! What the browser tests share: the server with the example company and two
//! accounts (its owner and an operator), a browser beside it, signing in through the
//! form, and the data the pages show (bookings, simulated calls).

use super::driver::Browser;
use crate::common::{Backend, RETELL_KEY, TestApp, binary_now};
use askpro_app::accounts::Role;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub const COMPANY: &str = "salon-sonnenschein";
pub const OWNER: &str = "inhaber@salon.example";
pub const OWNER_PASSWORD: &str = "long-password-1";
pub const OPERATOR: &str = "betrieb@askpro.example";
pub const OPERATOR_PASSWORD: &str = "long-password-2";

/// The workspace's `target` directory (`CARGO_TARGET_DIR` when set, relative to the
/// workspace like cargo reads it).
pub fn target_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace.join(dir),
        _ => workspace.join("target"),
    }
}

/// A running dashboard and a browser to look at it.
pub struct Dashboard {
    pub t: TestApp,
    pub browser: Browser,
}

impl Dashboard {
    /// `None` (the test skips) without Chromium; the browser starts first so a skip
    /// costs nothing.
    pub async fn start() -> Option<Dashboard> {
        let browser = Browser::start().await?;
        let t = TestApp::spawn(Backend::Sqlite)
            .await
            .expect("SQLite is always there");
        t.app
            .add_web_user(Some(COMPANY), OWNER, Role::Owner, Some(OWNER_PASSWORD))
            .await
            .expect("add the owner");
        t.app
            .add_web_user(None, OPERATOR, Role::Operator, Some(OPERATOR_PASSWORD))
            .await
            .expect("add the operator");
        Some(Dashboard { t, browser })
    }

    /// `/firmen/salon-sonnenschein{rest}` as a path.
    pub fn company_path(rest: &str) -> String {
        format!("/firmen/{COMPANY}{rest}")
    }

    /// Opens `path` of the dashboard.
    pub async fn open(&self, path: &str) {
        self.browser.goto(&self.t.url(path)).await;
    }

    /// The page's main heading.
    pub async fn heading(&self) -> String {
        self.browser.find("h1").await.text().await
    }

    /// Fills the sign-in form and sends it; where it leads is the caller's to check.
    pub async fn submit_sign_in(&self, email: &str, password: &str) {
        self.open("/anmelden").await;
        for (field, text) in [("#email", email), ("#password", password)] {
            let input = self.browser.find(field).await;
            input.clear().await;
            input.send_keys(text).await;
        }
        self.browser
            .find("form[action='/anmelden'] button[type='submit']")
            .await
            .click()
            .await;
    }

    /// Signs in as `email` and waits until the start page has loaded.
    pub async fn sign_in(&self, email: &str, password: &str) {
        self.submit_sign_in(email, password).await;
        self.browser
            .wait_for_path("a page after signing in", |p| !p.starts_with("/anmelden"))
            .await;
    }

    pub async fn sign_in_as_owner(&self) {
        self.sign_in(OWNER, OWNER_PASSWORD).await;
    }

    /// Books Damenhaarschnitt at Mitte over the API (customer Eva Schmidt with an
    /// e-mail address); the appointment's id.
    pub async fn book(&self, staff: &str, start: &str) -> String {
        let (status, body) = self.t.book(staff, start).await;
        assert_eq!(status, 201, "booking {staff} at {start}: {body}");
        body["id"].as_str().expect("a booking has an id").to_owned()
    }

    /// Plays `examples/calls/{script}` against the server as `askpro simulate call`
    /// does for a newcomer, and waits until its webhooks are merged; the call's id.
    pub async fn simulate_call(&self, script: &str) -> String {
        let output = simulate(&self.t.base, script).await;
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "askpro simulate call {script} failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let call_id = stdout
            .split_whitespace()
            .find(|w| w.starts_with("sim_"))
            .unwrap_or_else(|| panic!("no call id in the output of {script}:\n{stdout}"))
            .to_owned();
        self.wait_until_analyzed(&call_id).await;
        call_id
    }

    /// The webhooks of a call are merged in the background; its page needs them.
    async fn wait_until_analyzed(&self, call_id: &str) {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if let Ok(call) = self.t.app.call(COMPANY, call_id).await
                && call["last_event"] == "call_analyzed"
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the webhooks of call {call_id} were not merged within 20 s");
    }
}

/// `askpro simulate call examples/calls/{script} --url BASE --key KEY` on the tests'
/// clock, with nothing taken from the environment.
async fn simulate(base: &str, script: &str) -> Output {
    let path = format!(
        "{}/../../examples/calls/{script}",
        env!("CARGO_MANIFEST_DIR")
    );
    let base = base.to_owned();
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_askpro"))
            .args([
                "simulate", "call", &path, "--url", &base, "--key", RETELL_KEY,
            ])
            .env("ASKPRO_NOW", binary_now())
            .env_remove("ASKPRO_CONFIG")
            .env_remove("ASKPRO_RETELL_API_KEY")
            .env_remove("ASKPRO_SIMULATE_URL")
            .env("ASKPRO_LOG", "error")
            .env("NO_COLOR", "1")
            .output()
            .expect("askpro runs")
    })
    .await
    .expect("the simulated call finishes")
}
