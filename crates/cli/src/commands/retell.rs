//! `askpro retell import-calls|verify-webhook|update-prompt|update-voice` and
//! `askpro schedule run-now|list`: the company's voice agent at Retell, driven from here.

use crate::cli::{Global, RetellCommand, ScheduleCommand};
use crate::config::{self as file_config, RetellConfig};
use crate::output;
use anyhow::{Context, Result, anyhow, bail};
use askpro_app::App;
use askpro_app::voice::{signature, tool_definitions};
use askpro_connectors::retell::{Retell, llm_id_of};
use serde_json::{Value, json};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use askpro_app::background::SCHEDULE;

fn client(config: &RetellConfig) -> Result<Retell> {
    let key = config.api_key.as_deref().ok_or_else(|| {
        anyhow!("no Retell API key is configured (ASKPRO_RETELL_API_KEY or [retell] api_key)")
    })?;
    Retell::new(&config.base_url, key).map_err(|e| anyhow!("Retell client: {e}"))
}

/// The company's own Retell account (`config set retell.api_key=… --company-id C`), else
/// the configured one.
pub(crate) async fn client_for(app: &App, config: &RetellConfig, company: &str) -> Result<Retell> {
    match app.retell_key_of(company).await? {
        Some(key) => Retell::new(&config.base_url, &key).map_err(|e| anyhow!("Retell client: {e}")),
        None => client(config),
    }
}

pub async fn run(global: &Global, command: RetellCommand) -> Result<ExitCode> {
    let file = file_config::load(global.config.as_deref())?;
    let config = file_config::retell(&file);
    let app = super::open_app(global).await?;
    match command {
        RetellCommand::ImportCalls {
            since, company_id, ..
        } => {
            let since = match since.as_deref() {
                Some(raw) => askpro_app::parse_instant("since", raw)?.as_millisecond(),
                None => app.now_ms() - 3_600_000,
            };
            import_calls(global, &app, &config, since, company_id.as_deref()).await
        }
        RetellCommand::VerifyWebhook { company_id } => {
            let companies = match company_id {
                Some(slug) => vec![slug],
                None => companies_with_agents(&app).await?,
            };
            verify_webhooks(global, &app, &config, &companies).await
        }
        RetellCommand::UpdatePrompt {
            company_id,
            template,
            dry_run,
        } => update_prompt(global, &app, &config, &company_id, &template, dry_run).await,
        RetellCommand::UpdateVoice {
            company_id,
            speed,
            responsiveness,
            interruption_sensitivity,
            temperature,
            dry_run,
        } => {
            let voice = [
                ("voice_speed", speed, 0.5, 2.0),
                ("responsiveness", responsiveness, 0.0, 1.0),
                (
                    "interruption_sensitivity",
                    interruption_sensitivity,
                    0.0,
                    1.0,
                ),
                ("voice_temperature", temperature, 0.0, 2.0),
            ];
            update_voice(global, &app, &config, &company_id, &voice, dry_run).await
        }
    }
}

/// The Retell agent id of a company, or a clear refusal.
async fn agent_of(app: &App, company: &str) -> Result<String> {
    let model = app.company(company).await?;
    model
        .tenant()
        .company
        .retell_agent_id
        .clone()
        .ok_or_else(|| anyhow!("company `{company}` has no `retell_agent_id` in its tenant file"))
}

async fn import_calls(
    global: &Global,
    app: &App,
    config: &RetellConfig,
    since: i64,
    company: Option<&str>,
) -> Result<ExitCode> {
    let (retell, agents) = match company {
        Some(slug) => (
            client_for(app, config, slug).await?,
            vec![agent_of(app, slug).await?],
        ),
        None => (client(config)?, Vec::new()),
    };
    let show_progress = !global.json && std::io::stderr().is_terminal();
    let report = app
        .import_calls(&retell, since, agents, |done, total| {
            if show_progress {
                let width = 30;
                let filled = done * width / total.max(1);
                eprint!(
                    "\r[{}{}] {done}/{total} calls",
                    "#".repeat(filled),
                    " ".repeat(width - filled)
                );
                let _ = std::io::stderr().flush();
            }
        })
        .await
        .context("importing calls from Retell failed")?;
    if show_progress {
        eprintln!();
    }
    if global.json {
        output::json(&report);
    } else {
        println!(
            "{} calls at Retell: {} new, {} updated, {} already complete",
            report.fetched, report.new, report.updated, report.unchanged
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Every company that has a Retell agent, by slug.
async fn companies_with_agents(app: &App) -> Result<Vec<String>> {
    let mut slugs = Vec::new();
    for company in askpro_store::tenants::list(&app.db).await? {
        if app
            .company(&company.slug)
            .await?
            .tenant()
            .company
            .retell_agent_id
            .is_some()
        {
            slugs.push(company.slug);
        }
    }
    if slugs.is_empty() {
        bail!("no company has a `retell_agent_id` in its tenant file");
    }
    Ok(slugs)
}

async fn verify_webhooks(
    global: &Global,
    app: &App,
    config: &RetellConfig,
    companies: &[String],
) -> Result<ExitCode> {
    let public = config.public_url.as_deref().ok_or_else(|| {
        anyhow!("no public URL is configured (ASKPRO_PUBLIC_URL or [retell] public_url)")
    })?;
    let expected = format!("{public}/webhooks/retell");
    let mut rows = Vec::new();
    for company in companies {
        for (what, ok, detail) in webhook_checks(app, config, company, &expected).await? {
            rows.push(json!({ "company": company, "check": what, "ok": ok, "detail": detail }));
        }
    }
    if global.json {
        output::json(&rows);
    } else {
        for row in &rows {
            let ok = row["ok"].as_bool().unwrap_or(false);
            println!(
                "{} {} {}: {}",
                if ok { "ok    " } else { "FAILED" },
                row["company"].as_str().unwrap_or(""),
                row["check"].as_str().unwrap_or(""),
                row["detail"].as_str().unwrap_or("")
            );
        }
    }
    Ok(if rows.iter().all(|r| r["ok"] == true) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The agent's webhook URL at Retell, and a signed test delivery to it.
async fn webhook_checks(
    app: &App,
    config: &RetellConfig,
    company: &str,
    expected: &str,
) -> Result<[(&'static str, bool, String); 2]> {
    let agent = retell_agent(app, config, company).await?;
    let actual = agent["webhook_url"].as_str().unwrap_or("").to_owned();
    let url_ok = actual == expected;
    let key = app
        .retell_key_of(company)
        .await?
        .or_else(|| config.api_key.clone());
    let (delivery_ok, delivery) = self_test(key.as_deref(), expected, app.now_ms()).await;
    let url_detail = if url_ok {
        actual
    } else {
        format!(
            "is `{actual}`, expected `{expected}`: run `askpro retell update-voice --company-id {company}` (it sets the webhook URL)"
        )
    };
    Ok([
        ("agent webhook URL", url_ok, url_detail),
        ("signed test delivery", delivery_ok, delivery),
    ])
}

async fn retell_agent(app: &App, config: &RetellConfig, company: &str) -> Result<Value> {
    let agent_id = agent_of(app, company).await?;
    client_for(app, config, company)
        .await?
        .get_agent(&agent_id)
        .await
        .map_err(|e| anyhow!("cannot read agent {agent_id} at Retell: {e}"))
}

/// Posts a signed self-test event to our own public webhook URL.
async fn self_test(key: Option<&str>, url: &str, now_ms: i64) -> (bool, String) {
    let Some(key) = key else {
        return (false, "no Retell API key to sign with".into());
    };
    let body = json!({ "event": askpro_app::voice::SELF_TEST_EVENT, "call": { "call_id": "askpro-selftest" } }).to_string();
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .header(
            "x-retell-signature",
            signature::sign(key, body.as_bytes(), now_ms),
        )
        .body(body)
        .send()
        .await;
    match response {
        Ok(r) if r.status().is_success() => (true, format!("accepted ({})", r.status())),
        Ok(r) => {
            let status = r.status();
            (
                false,
                format!(
                    "refused with {status}: {}",
                    r.text().await.unwrap_or_default()
                ),
            )
        }
        Err(e) => (false, format!("{url} is unreachable: {}", e.without_url())),
    }
}

pub(crate) async fn update_prompt(
    global: &Global,
    app: &App,
    config: &RetellConfig,
    company: &str,
    blocks: &[String],
    dry_run: bool,
) -> Result<ExitCode> {
    let public = config.public_url.as_deref().ok_or_else(|| {
        anyhow!("no public URL is configured (ASKPRO_PUBLIC_URL or [retell] public_url): the tools must point at it")
    })?;
    let model = app.company(company).await?;
    let cancellation = app
        .setting("retell.enable_cancellation", Some(company))
        .await?
        .value
        .as_bool();
    // Check the names before asking Retell anything.
    let asked: Vec<&str> = blocks.iter().map(String::as_str).collect();
    askpro_german::prompt::compose(model.tenant(), &asked, cancellation)?;
    let retell = client_for(app, config, company).await?;
    let agent = retell_agent(app, config, company).await?;
    let llm_id = llm_id_of(&agent).ok_or_else(|| {
        anyhow!("the agent does not use a Retell LLM, so it has no prompt to set")
    })?;
    let live = retell
        .get_llm(&llm_id)
        .await
        .map_err(|e| anyhow!("cannot read LLM {llm_id}: {e}"))?;
    let live_prompt = live["general_prompt"].as_str().unwrap_or("");
    // Blocks already live stay: fixing one problem must not undo the fix of another.
    let kept = askpro_german::prompt::blocks_in(live_prompt);
    let names: Vec<&str> = askpro_german::prompt::TEMPLATE_BLOCKS
        .iter()
        .copied()
        .filter(|b| kept.contains(b) || asked.contains(b))
        .collect();
    let prompt = askpro_german::prompt::compose(model.tenant(), &names, cancellation)?;
    let diff = line_diff(live_prompt, &prompt);
    if !dry_run && !diff.is_empty() {
        let mut tools = tool_definitions(public);
        tools.extend(askpro_app::voice::transfer_tools(model.tenant()));
        let patch = json!({ "general_prompt": prompt, "general_tools": tools });
        retell
            .update_llm(&llm_id, &patch)
            .await
            .map_err(|e| anyhow!("cannot update LLM {llm_id}: {e}"))?;
        let agent_id = agent_of(app, company).await?;
        retell
            .publish_agent(&agent_id)
            .await
            .map_err(|e| anyhow!("updated, but cannot publish agent {agent_id}: {e}"))?;
    }
    if global.json {
        output::json(
            &json!({ "llm_id": llm_id, "blocks": names, "changed_lines": diff.len(), "diff": diff, "pushed": !dry_run && !diff.is_empty() }),
        );
    } else if diff.is_empty() {
        println!("the live prompt of {llm_id} is already up to date");
    } else {
        for line in &diff {
            println!("{line}");
        }
        println!(
            "{} {} changed line(s) of LLM {llm_id}",
            if dry_run {
                "would push"
            } else {
                "pushed and published"
            },
            diff.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Lines only in the old text (`- `) and only in the new (`+ `), in order.
fn line_diff(old: &str, new: &str) -> Vec<String> {
    let old_lines: std::collections::HashSet<&str> = old.lines().collect();
    let new_lines: std::collections::HashSet<&str> = new.lines().collect();
    let removed = old
        .lines()
        .filter(|l| !new_lines.contains(l))
        .map(|l| format!("- {l}"));
    let added = new
        .lines()
        .filter(|l| !old_lines.contains(l))
        .map(|l| format!("+ {l}"));
    removed.chain(added).collect()
}

/// The events the agent's webhook gets. Unset, Retell sends only the first three, and a
/// transfer would never reach the call's record; transcript updates stay off, because
/// the final transcript arrives with `call_ended` anyway.
const WEBHOOK_EVENTS: [&str; 7] = [
    "call_started",
    "call_ended",
    "call_analyzed",
    "transfer_started",
    "transfer_bridged",
    "transfer_cancelled",
    "transfer_ended",
];

async fn update_voice(
    global: &Global,
    app: &App,
    config: &RetellConfig,
    company: &str,
    voice: &[(&str, Option<f64>, f64, f64)],
    dry_run: bool,
) -> Result<ExitCode> {
    let mut patch = serde_json::Map::new();
    for (field, value, min, max) in voice {
        if let Some(v) = value {
            if !(*min..=*max).contains(v) {
                bail!("`{field}` must be from {min} to {max}, not {v}");
            }
            patch.insert((*field).to_owned(), json!(v));
        }
    }
    let setting = |key: &'static str| async move {
        app.setting(key, Some(company))
            .await
            .map(|s| s.value.as_i64())
    };
    patch.insert(
        "max_call_duration_ms".into(),
        json!(setting("retell.call_timeout").await? * 1000),
    );
    // Retell refuses silence limits under ten seconds.
    let idle = (setting("retell.idle_timeout").await? * 1000).max(10_000);
    patch.insert("end_call_after_silence_ms".into(), json!(idle));
    if let Some(public) = &config.public_url {
        patch.insert(
            "webhook_url".into(),
            json!(format!("{public}/webhooks/retell")),
        );
        patch.insert("webhook_events".into(), json!(WEBHOOK_EVENTS));
    }
    let agent_id = agent_of(app, company).await?;
    let patch = Value::Object(patch);
    if !dry_run {
        let retell = client_for(app, config, company).await?;
        retell
            .update_agent(&agent_id, &patch)
            .await
            .map_err(|e| anyhow!("cannot update agent {agent_id}: {e}"))?;
        retell
            .publish_agent(&agent_id)
            .await
            .map_err(|e| anyhow!("updated, but cannot publish agent {agent_id}: {e}"))?;
    }
    if global.json {
        output::json(&json!({ "agent_id": agent_id, "patch": patch, "pushed": !dry_run }));
    } else {
        println!(
            "{} agent {agent_id}: {patch}",
            if dry_run {
                "would update"
            } else {
                "updated and published"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn schedule(global: &Global, command: ScheduleCommand) -> Result<ExitCode> {
    match command {
        ScheduleCommand::List => {
            if global.json {
                let rows: Vec<Value> = SCHEDULE
                    .iter()
                    .map(|(c, m, d)| json!({ "command": c, "every_minutes": m, "does": d }))
                    .collect();
                output::json(&rows);
            } else {
                for (command, minutes, does) in SCHEDULE {
                    println!("{command}  every {minutes} min  {does}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ScheduleCommand::RunNow { command } => match command.as_str() {
            "retell:import-calls" | "retell import-calls" => {
                let file = file_config::load(global.config.as_deref())?;
                let app = super::open_app(global).await?;
                import_calls(
                    global,
                    &app,
                    &file_config::retell(&file),
                    app.now_ms() - 3_600_000,
                    None,
                )
                .await
            }
            "calcom:sync" | "calcom sync" | "calcom:force-sync" => {
                let app = super::open_app(global).await?;
                let companies = app.sync_all_calendars(None).await?;
                if global.json {
                    output::json(&json!({ "command": "calcom:sync", "companies": companies }));
                } else {
                    println!(
                        "reconciled {companies} Cal.com compan{}",
                        if companies == 1 { "y" } else { "ies" }
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            other => bail!(
                "unknown scheduled task `{other}`; tasks: {}",
                SCHEDULE
                    .iter()
                    .map(|(c, ..)| *c)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
    }
}
