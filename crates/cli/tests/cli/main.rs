//! Tests of the `askpro` binary itself: exit codes, output, `--json`, and the
//! runbook's colon form, against a real database.

#[path = "../common/mod.rs"]
mod common;

mod backup;
mod calcom;
mod calls;
mod config;
mod drills;
mod full_disk;
mod german;
mod kill_drill;
mod operations;
mod postgres_restart_drill;
mod queue;
mod retell;
mod runbook;
mod scale_out;
mod secrets;
mod serve;
mod simulate;
mod tenant;
mod users;
mod worker_kill_drill;

use std::process::{Command, Output};

/// The `askpro` binary on the tests' clock, which started at [`common::NOW`] like the
/// in-process apps: what a test writes and what the binary reads agree on the date,
/// whatever day the test runs.
pub fn askpro_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_askpro"));
    command
        .env("ASKPRO_NOW", common::binary_now())
        .env_remove("ASKPRO_CONFIG");
    command
}

/// A background `askpro` process, killed when the test ends however it ends (a failed
/// assertion must not leave servers running).
pub struct Spawned(pub std::process::Child);

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl std::ops::Deref for Spawned {
    type Target = std::process::Child;
    fn deref(&self) -> &std::process::Child {
        &self.0
    }
}

impl std::ops::DerefMut for Spawned {
    fn deref_mut(&mut self) -> &mut std::process::Child {
        &mut self.0
    }
}

/// `askpro --database-url URL ARGS…` in the background, on the tests' clock unless `env`
/// sets `ASKPRO_NOW`, logging only warnings, its output discarded: a server or worker
/// of a drill.
pub fn spawn_askpro(db_url: &str, args: &[&str], env: &[(&str, &str)]) -> Spawned {
    let mut command = askpro_command();
    command
        .args(["--database-url", db_url])
        .args(args)
        .env("ASKPRO_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    Spawned(command.spawn().expect("askpro starts"))
}

/// Polls `done` every 20 ms until it holds; false once `patience` has passed.
pub async fn eventually(
    patience: std::time::Duration,
    mut done: impl AsyncFnMut() -> bool,
) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < patience {
        if done().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

/// Waits until the server at `base` answers `/healthz`, at most `patience`.
pub async fn wait_until_up(client: &reqwest::Client, base: &str, patience: std::time::Duration) {
    let up = eventually(patience, async || {
        client.get(format!("{base}/healthz")).send().await.is_ok()
    });
    assert!(up.await, "the server at {base} did not start");
}

/// Runs `askpro --database-url URL ARGS…` and returns its output.
pub fn askpro(db_url: &str, args: &[&str]) -> Output {
    askpro_command()
        .arg("--database-url")
        .arg(db_url)
        .args(args)
        .env_remove("ASKPRO_CONFIG")
        .env("ASKPRO_LOG", "error")
        .output()
        .expect("askpro runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The parsed `--json` output of a successful run.
pub fn json(output: &Output) -> serde_json::Value {
    assert!(output.status.success(), "askpro failed: {}", stderr(output));
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

/// Writes `text` to a file in a temp dir and returns both.
pub fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write temp file");
    (dir, path.display().to_string())
}

pub fn example_path() -> String {
    format!(
        "{}/../../examples/salon-sonnenschein.toml",
        env!("CARGO_MANIFEST_DIR")
    )
}
