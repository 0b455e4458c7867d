//! `askpro staff show-assignments|reassign`, `services sync-staff`,
//! `system check-resources`, `horizon status` and `appointments no-show`.

use crate::cli::{Global, ServicesCommand, StaffCommand, SystemCommand};
use crate::output;
use anyhow::Result;
use askpro_app::Actor;
use askpro_app::operations::CheckStatus;
use askpro_app::operations::resources::ResourcePaths;
use std::path::PathBuf;
use std::process::ExitCode;

fn actor() -> Actor {
    Actor::cli(super::operator_name())
}

pub async fn staff(global: &Global, command: StaffCommand) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    match command {
        StaffCommand::ShowAssignments {
            branch_id,
            company_id,
        } => {
            let company = app
                .company_of_branch(&branch_id, company_id.as_deref())
                .await?;
            let a = app.assignments(&company, &branch_id).await?;
            if global.json {
                output::json(&a);
                return Ok(ExitCode::SUCCESS);
            }
            println!("{} / branch {}", a.company, a.branch);
            let rows: Vec<Vec<String>> = a
                .staff
                .iter()
                .map(|s| {
                    vec![
                        format!("{} ({})", s.name, s.staff),
                        s.services.join(", "),
                        s.hours.clone(),
                        s.upcoming.to_string(),
                        s.calcom_username.clone().unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            output::table(
                &["STAFF", "SERVICES", "HOURS", "UPCOMING", "CAL.COM"],
                &rows,
            );
            if !a.uncovered.is_empty() {
                println!("nobody at this branch performs: {}", a.uncovered.join(", "));
            }
            Ok(ExitCode::SUCCESS)
        }
        StaffCommand::Reassign {
            from,
            to,
            future_only,
            dry_run,
            company_id,
        } => {
            let company = app.company_of_staff(&from, company_id.as_deref()).await?;
            let report = app
                .reassign(&company, &from, &to, future_only, dry_run, &actor())
                .await?;
            let stuck = report.appointments.iter().filter(|a| !a.moved).count();
            if global.json {
                output::json(&report);
            } else {
                for a in &report.appointments {
                    let verb = match (a.moved, dry_run) {
                        (true, true) => "would move",
                        (true, false) => "moved",
                        (false, _) => "stays",
                    };
                    println!(
                        "{verb:<10} {} {} {} ({}){}",
                        a.start,
                        a.service,
                        a.customer,
                        a.id,
                        a.reason
                            .as_deref()
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default()
                    );
                }
                println!(
                    "{} of {} appointment(s) of {from} {} to {to}; {stuck} stay{}",
                    report.appointments.len() - stuck,
                    report.appointments.len(),
                    if dry_run { "can go" } else { "went" },
                    if dry_run {
                        " (dry run: nothing changed)"
                    } else {
                        ""
                    }
                );
            }
            Ok(if stuck == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
    }
}

pub async fn services(global: &Global, command: ServicesCommand) -> Result<ExitCode> {
    let ServicesCommand::SyncStaff {
        branch_id,
        company_id,
        dry_run,
    } = command;
    let app = super::open_app(global).await?;
    let company = app
        .company_of_branch(&branch_id, company_id.as_deref())
        .await?;
    let report = app
        .sync_staff(&company, &branch_id, dry_run, &actor())
        .await?;
    if global.json {
        output::json(&report);
    } else if report.changes.is_empty() {
        println!(
            "{} / {}: service–staff links already match the {}",
            report.company, report.branch, report.source
        );
    } else {
        for change in &report.changes {
            println!(
                "{} {} {} {}",
                if dry_run { "would" } else { "did" },
                change.change,
                change.service,
                if change.change == "add" {
                    format!("to {}", change.staff)
                } else {
                    format!("from {}", change.staff)
                }
            );
        }
        println!(
            "{} change(s) after the {}{}",
            report.changes.len(),
            report.source,
            if dry_run {
                " (dry run: nothing changed)"
            } else {
                ""
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn system(global: &Global, command: SystemCommand) -> Result<ExitCode> {
    let SystemCommand::CheckResources = command;
    let file = crate::config::load(global.config.as_deref())?;
    let url = global
        .database_url
        .clone()
        .or(file.database_url)
        .unwrap_or_else(|| crate::config::DEFAULT_DATABASE_URL.to_owned());
    let app = super::open_app(global).await?;
    let paths = ResourcePaths {
        database_file: sqlite_file(&url),
        logs: std::env::var_os("ASKPRO_LOG_DIR").map(PathBuf::from),
    };
    let resources = app.check_resources(&paths).await?;
    let failed = resources.iter().any(|r| r.status == CheckStatus::Fail);
    if global.json {
        output::json(&resources);
    } else {
        for r in &resources {
            println!(
                "{} {:<24} {}  ({})",
                output::status_word(r.status.as_str()),
                r.id,
                r.value,
                r.threshold
            );
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The file behind a `sqlite://PATH` URL.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

pub async fn no_show(global: &Global, id: &str, company: &str, undo: bool) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    let view = app.mark_no_show(company, id, undo, &actor()).await?;
    if global.json {
        output::json(&view.to_json());
    } else {
        println!(
            "{} {} ({}, {}) is now {}",
            view.id, view.start, view.customer.name, view.service, view.status
        );
    }
    Ok(ExitCode::SUCCESS)
}
