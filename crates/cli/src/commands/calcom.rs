//! `askpro calcom force-sync|refresh-availability|status`, `askpro cache clear|forget`,
//! `askpro timezone verify` and `askpro appointments remove-duplicates`: the runbook's
//! tools for the seam between AskPro and Cal.com (problems 2 and 8).

use crate::cli::{AppointmentsCommand, CacheCommand, CalcomCommand, Global, TimezoneCommand};
use crate::output;
use anyhow::{Result, bail};
use askpro_app::App;
use askpro_app::background::{CACHE_SIGNAL_PREFIX, is_cache_pattern};
use askpro_app::calendar::{Duplicate, SyncReport};
use std::process::ExitCode;

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// The companies a command covers: the one named, or every company with `[calcom]`.
async fn calcom_companies(app: &App, named: Option<String>) -> Result<Vec<String>> {
    if let Some(slug) = named {
        return Ok(vec![slug]);
    }
    let mut out = Vec::new();
    for company in askpro_store::tenants::list(&app.db).await? {
        if app.company(&company.slug).await?.tenant().calcom.is_some() {
            out.push(company.slug);
        }
    }
    if out.is_empty() {
        bail!("no company has a [calcom] section in its tenant file");
    }
    Ok(out)
}

pub async fn run(global: &Global, command: CalcomCommand) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    match command {
        CalcomCommand::ForceSync {
            company_id,
            days,
            dry_run,
        } => {
            let report = app.calcom_sync(&company_id, days, dry_run).await?;
            print_sync(global, &report);
            Ok(exit(
                report.remaining() == 0 || dry_run && report.differences.is_empty(),
            ))
        }
        CalcomCommand::RefreshAvailability {
            company_id,
            next_days,
        } => {
            let companies = calcom_companies(&app, company_id).await?;
            askpro_store::workers::raise_signal(
                &app.db,
                &format!("{CACHE_SIGNAL_PREFIX}availability:*"),
                app.now_ms(),
            )
            .await?;
            let mut all = Vec::new();
            for slug in companies {
                let gaps = app.calcom_compare_availability(&slug, next_days).await?;
                all.push((slug, gaps));
            }
            print_gaps(global, &all);
            Ok(ExitCode::SUCCESS)
        }
        CalcomCommand::Status { company_id } => {
            let mut healthy = true;
            let mut all = Vec::new();
            for slug in calcom_companies(&app, company_id).await? {
                let status = app.calcom_status(&slug).await?;
                healthy &= status.healthy();
                all.push(status);
            }
            if global.json {
                output::json(&all);
            } else {
                for status in &all {
                    print_status(status);
                }
            }
            Ok(exit(healthy))
        }
    }
}

fn print_sync(global: &Global, report: &SyncReport) {
    if global.json {
        output::json(&serde_json::json!({ "report": report, "remaining": report.remaining() }));
        return;
    }
    let mode = if report.dry_run {
        " (dry run: nothing changed)"
    } else {
        ""
    };
    println!(
        "{}: {} Cal.com bookings and {} AskPro appointments compared, {} to {}{mode}",
        report.company, report.checked_calcom, report.checked_askpro, report.from, report.to
    );
    if report.differences.is_empty() {
        println!("in sync: no differences");
    } else {
        let rows: Vec<Vec<String>> = report
            .differences
            .iter()
            .map(|d| {
                vec![
                    d.kind.to_owned(),
                    d.start.clone(),
                    d.appointment_id.clone().unwrap_or_else(|| "-".into()),
                    d.calcom_uid.clone().unwrap_or_else(|| "-".into()),
                    d.action.clone(),
                ]
            })
            .collect();
        output::table(
            &["DIFFERENCE", "START", "APPOINTMENT", "CAL.COM UID", "DONE"],
            &rows,
        );
        println!(
            "{} differences, {} still open",
            report.differences.len(),
            report.remaining()
        );
    }
    if report.open_conflicts > 0 {
        println!(
            "{} Cal.com bookings collide with appointments: `askpro appointments remove-duplicates --company-id {} --dry-run`",
            report.open_conflicts, report.company
        );
    }
}

fn print_gaps(global: &Global, all: &[(String, Vec<askpro_app::calendar::AvailabilityGap>)]) {
    if global.json {
        let value: Vec<_> = all
            .iter()
            .map(|(c, g)| serde_json::json!({ "company": c, "differences": g }))
            .collect();
        output::json(&value);
        return;
    }
    for (company, gaps) in all {
        println!("{company}: Cal.com's slots fetched again");
        if gaps.is_empty() {
            println!("  AskPro and Cal.com offer the same times");
            continue;
        }
        let rows: Vec<Vec<String>> = gaps
            .iter()
            .map(|g| {
                vec![
                    g.date.clone(),
                    g.service.clone(),
                    g.branch.clone(),
                    g.staff.clone(),
                    g.askpro_only.join(" "),
                    g.calcom_only.join(" "),
                    g.reason.clone(),
                ]
            })
            .collect();
        output::table(
            &[
                "DAY",
                "SERVICE",
                "BRANCH",
                "STAFF",
                "ONLY ASKPRO",
                "ONLY CAL.COM",
                "WHY",
            ],
            &rows,
        );
    }
}

fn print_status(status: &askpro_app::calendar::CalcomStatus) {
    println!("{} ({})", status.company, status.base_url);
    for check in &status.checks {
        let mark = if check.ok { "ok  " } else { "FAIL" };
        println!("  {mark} {}: {}", check.what, check.detail);
    }
    let last = status.last_sync.as_deref().unwrap_or("never");
    match &status.last_sync_error {
        Some(error) => println!("  last sync: {last} (failed: {error})"),
        None => println!("  last sync: {last}"),
    }
    println!(
        "  pending: {}  conflicts: {}  colliding Cal.com bookings: {}",
        status.pending, status.conflicts, status.open_collisions
    );
}

pub async fn cache(global: &Global, command: CacheCommand) -> Result<ExitCode> {
    let pattern = match command {
        CacheCommand::Clear => "all".to_owned(),
        CacheCommand::Forget { pattern } => pattern,
    };
    if !is_cache_pattern(&pattern) {
        bail!(
            "unknown cache pattern `{pattern}`; use availability:*, availability:COMPANY, models or settings"
        );
    }
    let app = super::open_app(global).await?;
    if let Some(company) = pattern.strip_prefix("availability:").filter(|c| *c != "*") {
        app.company_id(company).await?;
    }
    let name = format!("{CACHE_SIGNAL_PREFIX}{pattern}");
    askpro_store::workers::raise_signal(&app.db, &name, app.now_ms()).await?;
    if global.json {
        output::json(&serde_json::json!({ "signal": name, "within_seconds": 5 }));
    } else {
        println!("every running server drops `{pattern}` within 5 seconds");
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn timezone(global: &Global, command: TimezoneCommand) -> Result<ExitCode> {
    let TimezoneCommand::Verify { company_id } = command;
    let app = super::open_app(global).await?;
    let report = app.verify_zones(&company_id).await?;
    if global.json {
        output::json(&report);
    } else {
        let rows: Vec<Vec<String>> = report
            .zones
            .iter()
            .map(|z| {
                vec![
                    z.what.clone(),
                    z.zone.clone(),
                    if z.ok { "ok".into() } else { "MISMATCH".into() },
                ]
            })
            .collect();
        output::table(&["WHAT", "TIME ZONE", ""], &rows);
        for t in &report.transitions {
            println!(
                "next change in {}: {} (then {}), {} booking(s) within a day of it",
                t.zone, t.at, t.offset_after, t.bookings_around
            );
        }
    }
    Ok(exit(report.mismatches() == 0))
}

pub async fn appointments(global: &Global, command: AppointmentsCommand) -> Result<ExitCode> {
    let (company_id, confirm) = match command {
        AppointmentsCommand::RemoveDuplicates {
            company_id,
            confirm,
            ..
        } => (company_id, confirm),
        AppointmentsCommand::NoShow {
            id,
            company_id,
            undo,
        } => return super::staff::no_show(global, &id, &company_id, undo).await,
    };
    let app = super::open_app(global).await?;
    let companies = match company_id {
        Some(slug) => vec![slug],
        None => askpro_store::tenants::list(&app.db)
            .await?
            .into_iter()
            .map(|c| c.slug)
            .collect(),
    };
    let mut reports = Vec::new();
    for slug in companies {
        reports.push(app.remove_duplicates(&slug, confirm).await?);
    }
    if global.json {
        output::json(&reports);
        return Ok(ExitCode::SUCCESS);
    }
    for report in &reports {
        if report.groups.is_empty() {
            println!("{}: no duplicates", report.company);
            continue;
        }
        println!(
            "{}: {} duplicate group(s)",
            report.company,
            report.groups.len()
        );
        for group in &report.groups {
            print_group(group, confirm);
        }
        if confirm {
            println!(
                "  cancelled {}, apologies queued {}",
                report.cancelled, report.apologies
            );
        } else {
            println!("  nothing changed; run with --confirm to cancel the ones marked `goes`");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_group(group: &Duplicate, confirmed: bool) {
    let gone = if confirmed { "cancelled" } else { "goes" };
    let line = |e: &askpro_app::calendar::Entry| {
        format!(
            "{} {} ({}, {}, booked {})",
            e.start, e.customer, e.staff, e.id, e.created
        )
    };
    println!("  [{}]", group.kind);
    if let Some(keep) = &group.keep {
        println!("    stays: {}", line(keep));
    }
    for entry in &group.remove {
        println!("    {gone}: {}", line(entry));
    }
}
