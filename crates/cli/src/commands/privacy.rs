//! `askpro privacy export|erase|purge`: what a caller may ask under the DSGVO — to see
//! what is stored about their number, and to have it erased — and the retention purge.

use crate::cli::{Global, PrivacyCommand};
use crate::output;
use anyhow::{Result, bail};
use std::process::ExitCode;

pub async fn run(global: &Global, command: PrivacyCommand) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    match command {
        PrivacyCommand::Export { phone, company_id } => {
            // An export is for handing over: always JSON.
            let record = app.privacy_export(&phone, company_id.as_deref()).await?;
            output::json(&record);
        }
        PrivacyCommand::Erase {
            phone,
            company_id,
            confirm,
        } => {
            if !confirm {
                bail!(
                    "erasing cannot be undone: run `askpro privacy export` first, then add --confirm"
                );
            }
            let actor = askpro_app::Actor::cli(super::operator_name());
            let result = app
                .privacy_erase(&phone, company_id.as_deref(), &actor)
                .await?;
            if global.json {
                output::json(&result);
            } else {
                let companies = result["companies"].as_array().cloned().unwrap_or_default();
                if companies.is_empty() {
                    println!("nothing stored about that number");
                }
                for company in companies {
                    let e = &company["erased"];
                    println!(
                        "{}: erased {} appointments, {} calls, {} messages, {} texts, {} waiting-list entries, {} e-mails (audit entries cleaned: {})",
                        company["company"].as_str().unwrap_or("?"),
                        e["appointments"],
                        e["calls"],
                        e["messages"],
                        e["texts"],
                        e["waitlist"],
                        e["emails"],
                        e["audit_entries"]
                    );
                    print_kept_elsewhere(&company["elsewhere"]);
                }
            }
        }
        PrivacyCommand::Purge => {
            let report = app.purge_retention().await?;
            if global.json {
                output::json(&report);
            } else {
                println!(
                    "removed {} transcripts, deleted {} calls past their retention",
                    report.transcripts_removed, report.calls_deleted
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The ids an operator needs to erase the caller at Cal.com and Retell as well.
fn print_kept_elsewhere(elsewhere: &serde_json::Value) {
    let ids = |key: &str| -> Vec<String> {
        elsewhere[key]
            .as_array()
            .map(|ids| {
                ids.iter()
                    .filter_map(|id| id.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let bookings = ids("calcom_bookings");
    if !bookings.is_empty() {
        println!(
            "  still in Cal.com (attendee name and e-mail; erase them there): bookings {}",
            bookings.join(", ")
        );
    }
    let calls = ids("retell_calls");
    if !calls.is_empty() {
        println!(
            "  still at Retell (recording and transcript; delete them there): calls {}",
            calls.join(", ")
        );
    }
}
