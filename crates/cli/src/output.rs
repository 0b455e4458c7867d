//! Output helpers: aligned text tables for people, JSON for scripts, colours and
//! progress only when a person watches (a terminal, and `NO_COLOR` unset).

use serde::Serialize;
use std::io::{IsTerminal, Write};

/// Prints `value` as pretty JSON.
pub fn json<T: Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into())
    );
}

/// Prints rows under a header with columns padded to their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(header.iter().map(|h| h.to_string()).collect());
    for row in rows {
        line(row.clone());
    }
}

/// Whether standard output is a terminal that wants colours.
pub fn colours() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// A status word (`ok`, `warn`, `fail`, `skip`) padded to 4 characters, coloured on a
/// terminal: green, yellow, red, grey.
pub fn status_word(status: &str) -> String {
    let padded = format!("{status:<4}");
    if !colours() {
        return padded;
    }
    let code = match status {
        "ok" => "32",
        "warn" => "33",
        "fail" => "31;1",
        _ => "90",
    };
    format!("\x1b[{code}m{padded}\x1b[0m")
}

/// A progress bar on standard error for work over `total` items; silent when nobody
/// watches (no terminal) or with `--json`.
pub struct Progress {
    shown: bool,
    total: usize,
    label: &'static str,
}

impl Progress {
    pub fn new(total: usize, label: &'static str, json: bool) -> Progress {
        Progress {
            shown: !json && std::io::stderr().is_terminal() && total > 1,
            total,
            label,
        }
    }

    pub fn set(&self, done: usize) {
        if !self.shown {
            return;
        }
        let width = 30;
        let filled = done * width / self.total.max(1);
        eprint!(
            "\r[{}{}] {done}/{} {}",
            "#".repeat(filled),
            " ".repeat(width - filled),
            self.total,
            self.label
        );
        let _ = std::io::stderr().flush();
    }

    pub fn finish(&self) {
        if self.shown {
            eprintln!();
        }
    }
}
