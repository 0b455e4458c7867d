//! `system check-resources`: memory, disk, database, queues, workers and the webhook
//! merge, each against a threshold (`ok`/`warn`/`fail`). Reads Linux's `/proc` and
//! `df`; on other systems those lines say `skip`.

use super::CheckStatus;
use crate::App;
use crate::error::Result;
use askpro_store::{calls, jobs, operations, workers};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// One measured resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Resource {
    pub id: String,
    pub status: CheckStatus,
    pub value: String,
    pub threshold: String,
}

/// Where the files live that can fill a disk.
#[derive(Debug, Clone, Default)]
pub struct ResourcePaths {
    /// The SQLite file, when the database is one.
    pub database_file: Option<PathBuf>,
    /// Where logs are written (the working directory when unknown).
    pub logs: Option<PathBuf>,
}

fn resource(
    id: impl Into<String>,
    status: CheckStatus,
    value: String,
    threshold: &str,
) -> Resource {
    Resource {
        id: id.into(),
        status,
        value,
        threshold: threshold.to_owned(),
    }
}

/// `fail` at or beyond `fail_at`, `warn` at or beyond `warn_at` (both "worse is higher").
fn grade(value: f64, warn_at: f64, fail_at: f64) -> CheckStatus {
    if value >= fail_at {
        CheckStatus::Fail
    } else if value >= warn_at {
        CheckStatus::Warn
    } else {
        CheckStatus::Ok
    }
}

/// `MemTotal` and `MemAvailable` of `/proc/meminfo`, in KiB.
fn machine_memory() -> Option<(u64, u64)> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse::<u64>()
            .ok()
    };
    Some((field("MemTotal:")?, field("MemAvailable:")?))
}

/// Resident memory of a process on this machine, in KiB.
fn process_memory(pid: i64) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// (size, available) in KiB of the file system holding `path`, from POSIX `df -Pk`.
fn disk_space(path: &Path) -> Option<(u64, u64)> {
    let dir = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    };
    let out = std::process::Command::new("df")
        .arg("-Pk")
        .arg(&dir)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().nth(1)?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    Some((fields.get(1)?.parse().ok()?, fields.get(3)?.parse().ok()?))
}

fn mib(kib: u64) -> String {
    format!("{} MiB", kib / 1024)
}

impl App {
    pub async fn check_resources(&self, paths: &ResourcePaths) -> Result<Vec<Resource>> {
        let mut out = Vec::new();
        let now = self.now_ms();
        match machine_memory() {
            Some((total, available)) => {
                let used = 100.0 - available as f64 * 100.0 / total.max(1) as f64;
                out.push(resource(
                    "memory (machine)",
                    grade(used, 90.0, 95.0),
                    format!(
                        "{:.0} % used, {} available of {}",
                        used,
                        mib(available),
                        mib(total)
                    ),
                    "warn ≥ 90 %, fail ≥ 95 %",
                ));
            }
            None => out.push(resource(
                "memory (machine)",
                CheckStatus::Skip,
                "no /proc/meminfo".into(),
                "",
            )),
        }
        let live = workers::live(&self.db, now - 30_000).await?;
        for worker in live.iter().filter(|w| on_this_machine(&w.host)) {
            if let Some(rss) = process_memory(worker.pid) {
                out.push(resource(
                    format!("memory (process {})", worker.pid),
                    grade(rss as f64 / 1024.0, 1024.0, 2048.0),
                    format!("{} resident", mib(rss)),
                    "warn ≥ 1 GiB, fail ≥ 2 GiB",
                ));
            }
        }
        let mut places: Vec<(&str, PathBuf)> = Vec::new();
        if let Some(file) = &paths.database_file {
            places.push(("disk (database)", file.clone()));
        }
        places.push((
            "disk (logs)",
            paths.logs.clone().unwrap_or_else(|| PathBuf::from(".")),
        ));
        for (id, path) in places {
            match disk_space(&path) {
                Some((size, available)) => {
                    let used = 100.0 - available as f64 * 100.0 / size.max(1) as f64;
                    out.push(resource(
                        id,
                        grade(used, 90.0, 95.0),
                        format!(
                            "{} free of {} at {}",
                            mib(available),
                            mib(size),
                            path.display()
                        ),
                        "warn ≥ 90 % used, fail ≥ 95 %",
                    ));
                }
                None => out.push(resource(
                    id,
                    CheckStatus::Skip,
                    format!("`df` cannot measure {}", path.display()),
                    "",
                )),
            }
        }
        let figures = operations::database_figures(&self.db).await?;
        out.push(resource(
            "database size",
            grade(figures.size_bytes as f64 / 1_073_741_824.0, 20.0, 50.0),
            mib(u64::try_from(figures.size_bytes).unwrap_or(0) / 1024),
            "warn ≥ 20 GiB, fail ≥ 50 GiB",
        ));
        if let (Some(used), Some(max)) = (figures.connections, figures.max_connections) {
            let share = used as f64 * 100.0 / max.max(1) as f64;
            out.push(resource(
                "database connections",
                grade(share, 80.0, 95.0),
                format!("{used} of {max}"),
                "warn ≥ 80 %, fail ≥ 95 %",
            ));
        }
        for queue in jobs::stats(&self.db, now).await? {
            let lag_s = queue
                .oldest_pending_at
                .map_or(0, |at| (now - at).max(0) / 1000);
            out.push(resource(
                format!("queue {}", queue.queue),
                grade(lag_s as f64, 300.0, 900.0),
                format!(
                    "{} waiting, oldest {lag_s} s, {} dead",
                    queue.pending, queue.dead
                ),
                "warn ≥ 5 min, fail ≥ 15 min",
            ));
        }
        out.push(resource(
            "workers",
            if live.is_empty() {
                CheckStatus::Fail
            } else {
                CheckStatus::Ok
            },
            format!(
                "{} live{}",
                live.len(),
                live.iter()
                    .map(|w| format!(", {} beat {} s ago", w.id, (now - w.heartbeat_at) / 1000))
                    .collect::<String>()
            ),
            "fail with none",
        ));
        let (waiting, oldest) = calls::merge_backlog(&self.db).await?;
        let lag_s = oldest.map_or(0, |at| (now - at).max(0) / 1000);
        out.push(resource(
            "webhook merge",
            grade(lag_s as f64, 10.0, 60.0),
            format!("{waiting} waiting, lag {lag_s} s"),
            "warn ≥ 10 s, fail ≥ 60 s",
        ));
        Ok(out)
    }
}

/// Whether a worker's host (its `HOSTNAME`, else `localhost`) is this machine.
fn on_this_machine(host: &str) -> bool {
    let kernel = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    host == "localhost"
        || host == kernel.trim()
        || std::env::var("HOSTNAME").is_ok_and(|h| h == host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_rise_with_the_value() {
        assert_eq!(grade(10.0, 90.0, 95.0), CheckStatus::Ok);
        assert_eq!(grade(90.0, 90.0, 95.0), CheckStatus::Warn);
        assert_eq!(grade(99.0, 90.0, 95.0), CheckStatus::Fail);
    }

    #[test]
    fn this_machine_can_be_measured() {
        let (total, available) = machine_memory().expect("Linux /proc");
        assert!(total > 0 && available <= total);
        let (size, free) = disk_space(Path::new(".")).expect("df");
        assert!(size > 0 && free <= size);
    }
}
