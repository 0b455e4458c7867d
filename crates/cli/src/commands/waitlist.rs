//! `askpro waitlist list|add|remove|take|sweep`: callers waiting for a slot that nothing
//! free fitted, and the slots held for them.

use crate::cli::{Global, WaitlistCommand};
use crate::output;
use anyhow::Result;
use askpro_app::booking::Customer;
use askpro_app::waitlist::{JoinRequest, WaitlistView};
use std::process::ExitCode;

pub async fn run(global: &Global, command: WaitlistCommand) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    let actor = askpro_app::Actor::cli(super::operator_name());
    match command {
        WaitlistCommand::List { company_id, status } => {
            let entries = app.waitlist(&company_id, Some(&status)).await?;
            if global.json {
                output::json(&entries);
            } else if entries.is_empty() {
                println!("nobody on the waiting list ({status})");
            } else {
                print_table(&entries);
            }
        }
        WaitlistCommand::Add {
            company_id,
            service,
            when,
            name,
            phone,
            email,
            branch,
            staff,
        } => {
            let window = app
                .waitlist_window(&company_id, branch.as_deref(), &when)
                .await?;
            let request = JoinRequest {
                branch,
                service,
                staff,
                window,
                customer: Customer { name, phone, email },
                call_id: None,
            };
            let (entry, new) = app.join_waitlist(&company_id, &request, &actor).await?;
            if global.json {
                output::json(&entry);
            } else if new {
                println!(
                    "{} waits for {} {} (entry {})",
                    entry.customer.name, entry.service_name, entry.when, entry.id
                );
            } else {
                println!("already on the waiting list: entry {}", entry.id);
            }
        }
        WaitlistCommand::Remove { id, company_id } => {
            let entry = app.remove_from_waitlist(&company_id, &id, &actor).await?;
            if global.json {
                output::json(&entry);
            } else {
                println!(
                    "{} is off the waiting list (entry {id})",
                    entry.customer.name
                );
            }
        }
        WaitlistCommand::Take { id, company_id } => {
            let appointment = app.take_held_slot(&company_id, &id, &actor).await?;
            if global.json {
                output::json(&appointment);
            } else {
                println!(
                    "booked {} for {} at {} with {} (appointment {})",
                    appointment.service_name,
                    appointment.customer.name,
                    appointment.start,
                    appointment.staff_name,
                    appointment.id
                );
            }
        }
        WaitlistCommand::Sweep => {
            let report = app.sweep_waitlists().await?;
            if global.json {
                output::json(&report);
            } else {
                println!(
                    "{} slots held, {} passed on, {} released, {} entries lapsed",
                    report.held, report.passed, report.released, report.lapsed
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_table(entries: &[WaitlistView]) {
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            let part = match (&e.daily_from, &e.daily_until) {
                (Some(from), Some(until)) => format!(" {from}–{until}"),
                _ => String::new(),
            };
            vec![
                e.id.clone(),
                e.status.clone(),
                e.customer.name.clone(),
                e.customer.phone.clone().unwrap_or_else(|| "-".into()),
                e.service.clone(),
                format!("{}{part}", e.when),
                e.held_until.clone().unwrap_or_else(|| "-".into()),
                e.created_at.clone(),
            ]
        })
        .collect();
    output::table(
        &[
            "ID",
            "STATUS",
            "NAME",
            "PHONE",
            "SERVICE",
            "WHEN",
            "HELD UNTIL",
            "JOINED",
        ],
        &rows,
    );
}
