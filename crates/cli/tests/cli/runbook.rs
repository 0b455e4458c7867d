//! Every command line of the runbook, verbatim in its colon form: the `php artisan …`
//! lines of `customer-success-runbook.de.md` (with `askpro` for `php artisan`) and the
//! commands of `COMMANDS.md`, run against the example salon with local stand-ins for
//! Retell, SMTP and Slack. None may be unrecognised, a usage error or a panic; each
//! prints JSON with `--json`, and no colour codes when its output is not a terminal.
//!
//! The runbook files are copied into `tests/fixtures/runbook/` so a clean clone tests
//! them; when `shared/runbook/` sits beside the repository, the copies must match it.

use super::drills::stage::{COMPANY, Stage};
use crate::common::Backend;
use crate::common::smtp::Sink;
use axum::Router;
use axum::routing::post;
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/runbook")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether `word` is a command in the colon form (`group:command`).
fn colon_form(word: &str) -> bool {
    word.split_once(':').is_some_and(|(group, command)| {
        [group, command]
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
    })
}

/// The `php artisan …` lines of the runbook, as `askpro` arguments.
fn runbook_lines(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            line.split_once("php artisan ")
                .map(|(_, rest)| rest.trim().to_owned())
        })
        .collect()
}

/// The colon-form commands in backticks in COMMANDS.md's table, without a trailing `…`.
fn commands_md_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for row in text.lines().filter(|l| l.starts_with('|')) {
        for (i, span) in row.split('`').enumerate() {
            let span = span.trim().trim_end_matches('…').trim();
            let span = span.strip_prefix("askpro ").unwrap_or(span);
            if i % 2 == 1 && span.split_whitespace().next().is_some_and(colon_form) {
                out.push(span.to_owned());
            }
        }
    }
    out
}

/// The runbook's placeholders filled in with the example salon's slugs.
fn filled(line: &str) -> Vec<String> {
    line.split_whitespace()
        .map(|word| match word.split_once('=') {
            Some(("--company-id", "X")) => format!("--company-id={COMPANY}"),
            Some(("--branch-id", "X")) => "--branch-id=mitte".to_owned(),
            Some(("--from", "A")) => "--from=anna".to_owned(),
            Some(("--to", "B")) => "--to=jonas".to_owned(),
            _ => word.to_owned(),
        })
        .collect()
}

#[test]
fn the_copies_match_the_shared_runbook() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/runbook");
    if !shared.is_dir() {
        eprintln!("skipped: no shared/runbook beside the repository to compare the copies with");
        return;
    }
    for name in ["COMMANDS.md", "customer-success-runbook.de.md"] {
        let original = std::fs::read_to_string(shared.join(name)).unwrap();
        assert_eq!(
            fixture(name),
            original,
            "tests/fixtures/runbook/{name} is out of date"
        );
    }
}

#[test]
fn the_runbook_holds_the_lines_the_issue_counts() {
    let mut lines = runbook_lines(&fixture("customer-success-runbook.de.md"));
    lines.sort();
    lines.dedup();
    assert_eq!(lines.len(), 36, "{lines:#?}");
    assert!(lines.contains(&"askpro:diagnose --company-id=X".to_owned()));
    let table = commands_md_lines(&fixture("COMMANDS.md"));
    assert!(
        table.contains(&"retell:update-voice --company-id=X --speed=0.9".to_owned()),
        "{table:#?}"
    );
    assert!(
        table.contains(&"cache:forget availability:*".to_owned()),
        "{table:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_runbook_line_runs_in_its_colon_form() {
    let Some(sink) = Sink::start() else { return };
    let Some(mut stage) = Stage::new(Backend::Sqlite).await else {
        return;
    };
    let slack = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let slack_url = format!("http://{}/services/T0/B0/X", slack.local_addr().unwrap());
    let hook = Router::new().route("/services/T0/B0/X", post(|| async { "ok" }));
    tokio::spawn(async move { axum::serve(slack, hook).await.unwrap() });
    stage.env = vec![
        ("ASKPRO_SMTP_PRIMARY_URL".into(), sink.url()),
        ("ASKPRO_SMTP_BACKUP_URL".into(), sink.url()),
        ("ASKPRO_SLACK_WEBHOOK_URL".into(), slack_url),
    ];
    let mut lines = runbook_lines(&fixture("customer-success-runbook.de.md"));
    lines.extend(commands_md_lines(&fixture("COMMANDS.md")));
    lines.dedup();
    assert!(lines.len() > 36, "{lines:#?}");
    let mut problems = Vec::new();
    for line in &lines {
        for json in [false, true] {
            let mut args = filled(line);
            if json {
                args.insert(0, "--json".into());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let started = std::time::Instant::now();
            let out = stage.askpro(&args).await;
            if started.elapsed() > std::time::Duration::from_secs(2) {
                eprintln!(
                    "slow: askpro {} took {:?}",
                    args.join(" "),
                    started.elapsed()
                );
            }
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let shown = format!("`askpro {}` (exit {:?})", args.join(" "), out.status.code());
            if out.status.code() == Some(2) || stderr.contains("unrecognized") {
                problems.push(format!("{shown}: usage error: {stderr}"));
            } else if stderr.contains("panicked") || out.status.code().is_none() {
                problems.push(format!("{shown}: panic: {stderr}"));
            } else if stdout.contains('\u{1b}') || stderr.contains('\u{1b}') {
                problems.push(format!("{shown}: colour codes without a terminal"));
            } else if json
                && out.status.success()
                && serde_json::from_str::<serde_json::Value>(&stdout).is_err()
            {
                problems.push(format!("{shown}: --json printed no JSON: {stdout}"));
            } else if !json
                && !out.status.success()
                && stderr.trim().is_empty()
                && stdout.trim().is_empty()
            {
                problems.push(format!("{shown}: failed without saying why"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
