//! A real SMTP server for tests: one aiosmtpd process (tests/fixtures/smtp_sink.py)
//! on a free loopback port, keeping each message it takes as a file.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// One aiosmtpd process writing messages into its own directory.
pub struct Sink {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Sink {
    /// `None` (and a note) when aiosmtpd is not installed; `.ci/run` installs it.
    pub fn start() -> Option<Sink> {
        Sink::start_slow(0)
    }

    /// A sink that takes `delay_ms` over each message before it stores and answers.
    pub fn start_slow(delay_ms: u64) -> Option<Sink> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/smtp_sink.py");
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        // A server of the outside world, like PostgreSQL: it keeps the real clock when
        // scripts/shifted-tests.sh moves the test's (Python's event loop breaks under it).
        let mut child = Command::new("python3")
            .env_remove("LD_PRELOAD")
            .env_remove("FAKETIME")
            .env("SMTP_SINK_DELAY_MS", delay_ms.to_string())
            .arg(&script)
            .arg(port.to_string())
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let ready = BufReader::new(child.stdout.take()?)
            .lines()
            .next()
            .and_then(Result::ok);
        if ready.as_deref() != Some("ready") {
            let _ = child.kill();
            eprintln!("skipped: python3 with aiosmtpd is not available (pip install aiosmtpd)");
            return None;
        }
        Some(Sink { child, dir, port })
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }
}
