//! `askpro calls list|show` and `askpro webhook check-duplicates|pause|measure-performance`.

use crate::cli::{CallsCommand, Global, WebhookCommand};
use crate::output;
use anyhow::Result;
use askpro_app::operations::percentile;
use askpro_app::parse_instant;
use askpro_store::calls;
use std::process::ExitCode;

pub async fn run(global: &Global, command: CallsCommand) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    match command {
        CallsCommand::List {
            company_id,
            since,
            limit,
        } => {
            let since = match since.as_deref() {
                Some(raw) => parse_instant("since", raw)?.as_millisecond(),
                None => 0,
            };
            let list = app.calls(&company_id, since, limit).await?;
            if global.json {
                output::json(&serde_json::json!({ "calls": list }));
            } else if list.is_empty() {
                println!("no calls recorded for {company_id}");
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|c| {
                        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
                        vec![
                            c.call_id.clone(),
                            opt(&c.start),
                            opt(&c.from_number),
                            c.duration_ms
                                .map_or("-".into(), |d| format!("{} s", d / 1000)),
                            opt(&c.status),
                            c.outcome.to_owned(),
                            opt(&c.disconnection_reason),
                            opt(&c.summary),
                        ]
                    })
                    .collect();
                output::table(
                    &[
                        "CALL", "START", "FROM", "LENGTH", "STATUS", "OUTCOME", "ENDED BY",
                        "SUMMARY",
                    ],
                    &rows,
                );
            }
        }
        CallsCommand::Show {
            call_id,
            company_id,
        } => {
            let call = app.call(&company_id, &call_id).await?;
            if global.json {
                output::json(&call);
            } else {
                print_call(&call);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_call(call: &serde_json::Value) {
    let field = |k: &str| call[k].as_str().unwrap_or("-").to_owned();
    println!(
        "call {}  {} → {}  {}  status {}  ended by {}",
        field("call_id"),
        field("from_number"),
        field("to_number"),
        field("start"),
        field("status"),
        field("disconnection_reason")
    );
    println!("outcome: {}", field("outcome"));
    for transfer in call["transfers"].as_array().into_iter().flatten() {
        println!("{}", transfer_line(transfer));
    }
    if let Some(summary) = call["summary"].as_str() {
        println!("summary: {summary}");
    }
    println!(
        "\n{}",
        call["transcript"].as_str().unwrap_or("(no transcript)")
    );
    for f in call["functions"].as_array().into_iter().flatten() {
        println!(
            "→ {}({})  {} ms\n  {}",
            f["name"].as_str().unwrap_or("?"),
            f["args"],
            f["duration_ms"],
            f["answer"]["result"].as_str().unwrap_or("")
        );
    }
}

/// "transfer to +493012345600 (warm_transfer): ended — started …, bridged …, ended …",
/// naming only the stages that happened.
fn transfer_line(transfer: &serde_json::Value) -> String {
    let mut to = transfer["to"]
        .as_str()
        .unwrap_or("an unknown number")
        .to_owned();
    if let Some(extension) = transfer["extension"].as_str() {
        to.push_str(&format!(" ext. {extension}"));
    }
    if let Some(option) = transfer["option"].as_str() {
        to.push_str(&format!(" ({option})"));
    }
    let times: Vec<String> = ["started", "bridged", "cancelled", "ended"]
        .iter()
        .filter_map(|stage| {
            let at = transfer[format!("{stage}_at")].as_str()?;
            Some(format!("{stage} {at}"))
        })
        .collect();
    let state = transfer["state"].as_str().unwrap_or("-");
    if times.is_empty() {
        format!("transfer to {to}: {state}")
    } else {
        format!("transfer to {to}: {state} — {}", times.join(", "))
    }
}

pub async fn webhook(global: &Global, command: WebhookCommand) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    match command {
        WebhookCommand::CheckDuplicates { hours, .. } => {
            let since = app.now_ms() - hours.unwrap_or(1).max(1) * 3_600_000;
            let duplicates = calls::duplicate_events(&app.db, since).await?;
            let bookings = calls::repeated_bookings(&app.db, since).await?;
            if global.json {
                output::json(
                    &serde_json::json!({ "deliveries": duplicates.iter().map(|d| serde_json::json!({
                    "event": d.event, "call_id": d.call_id, "extra_deliveries": d.duplicates })).collect::<Vec<_>>(),
                    "calls_with_several_bookings": bookings }),
                );
            } else {
                println!(
                    "{} delivery/deliveries came more than once (stored once each):",
                    duplicates.len()
                );
                for d in &duplicates {
                    println!("  {} {} ×{}", d.event, d.call_id, d.duplicates + 1);
                }
                println!(
                    "{} call(s) booked more than one appointment:",
                    bookings.len()
                );
                for (call_id, count) in &bookings {
                    println!(
                        "  {call_id}: {count} bookings (check with `askpro calls show {call_id} --company-id …`)"
                    );
                }
            }
            Ok(if bookings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        WebhookCommand::Pause { duration } => {
            let until = app.now_ms() + duration.clamp(0, 24 * 60) * 60_000;
            calls::pause_until(&app.db, until).await?;
            let resumed = if duration <= 0 {
                app.process_retell_events().await?
            } else {
                0
            };
            let until_text = askpro_app::format_local(until, &jiff::tz::TimeZone::system());
            if global.json {
                output::json(
                    &serde_json::json!({ "paused_until": until_text, "merged_now": resumed }),
                );
            } else if duration <= 0 {
                println!("webhook processing resumed; {resumed} waiting deliveries merged");
            } else {
                println!(
                    "webhook processing paused until {until_text}; deliveries are still accepted and stored, and merged in order afterwards"
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        WebhookCommand::MeasurePerformance { hours } => {
            let since = app.now_ms() - hours.max(1) * 3_600_000;
            let webhooks = calls::webhook_timings(&app.db, since).await?;
            let functions = calls::function_timings(&app.db, since).await?;
            let mut rows = vec![("webhooks".to_owned(), webhooks)];
            let mut names: Vec<String> = functions.iter().map(|(n, _)| n.clone()).collect();
            names.sort();
            names.dedup();
            for name in names {
                let times = functions
                    .iter()
                    .filter(|(n, _)| *n == name)
                    .map(|(_, d)| *d)
                    .collect();
                rows.push((format!("function {name}"), times));
            }
            let stats: Vec<serde_json::Value> = rows
                .iter_mut()
                .map(|(what, times)| {
                    times.sort_unstable();
                    serde_json::json!({ "what": what, "count": times.len(), "p50_ms": percentile(times, 50),
                        "p95_ms": percentile(times, 95), "p99_ms": percentile(times, 99) })
                })
                .collect();
            if global.json {
                output::json(&stats);
            } else {
                let cell = |v: &serde_json::Value| v.as_i64().map_or("-".into(), |n| n.to_string());
                let table: Vec<Vec<String>> = stats
                    .iter()
                    .map(|s| {
                        vec![
                            s["what"].as_str().unwrap_or("").to_owned(),
                            s["count"].to_string(),
                            cell(&s["p50_ms"]),
                            cell(&s["p95_ms"]),
                            cell(&s["p99_ms"]),
                        ]
                    })
                    .collect();
                output::table(&["WHAT", "COUNT", "P50 MS", "P95 MS", "P99 MS"], &table);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
