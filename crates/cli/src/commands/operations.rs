//! `askpro diagnose`, `daily-health-check`, `metrics customer-success`,
//! `report customer-success` and `ai optimize-prompts`: the runbook's overview commands.

use crate::cli::{AiCommand, Global, MetricsCommand, ReportCommand};
use crate::config::{self as file_config, RetellConfig};
use crate::output::{self, Progress};
use anyhow::{Result, bail};
use askpro_app::App;
use askpro_app::operations::diagnose::{CheckStatus, Diagnosis, Outside};
use askpro_app::operations::metrics::{Metric, outcome_label};
use askpro_app::operations::report::{label_de, shown_de, trend_de};
use std::process::ExitCode;
use std::sync::Arc;

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The outside services as company `slug` reaches them.
async fn outside_for(app: &App, config: &RetellConfig, slug: &str) -> Outside {
    // No key at all is reported by the checks as "skip: no Retell API key configured".
    let retell = super::retell::client_for(app, config, slug)
        .await
        .ok()
        .map(Arc::new);
    Outside {
        retell,
        public_url: config.public_url.clone(),
        deadline: None,
    }
}

async fn slugs(app: &App, company: Option<String>) -> Result<Vec<String>> {
    Ok(match company {
        Some(slug) => {
            app.company(&slug).await?;
            vec![slug]
        }
        None => askpro_store::tenants::list(&app.db)
            .await?
            .into_iter()
            .map(|c| c.slug)
            .collect(),
    })
}

async fn diagnosis_of(app: &App, config: &RetellConfig, slug: &str) -> Result<Diagnosis> {
    let outside = outside_for(app, config, slug).await;
    Ok(app.diagnose(slug, &outside).await?)
}

pub async fn diagnose(global: &Global, company: &str) -> Result<ExitCode> {
    let file = file_config::load(global.config.as_deref())?;
    let config = file_config::retell(&file);
    let app = super::open_app(global).await?;
    let diagnosis = diagnosis_of(&app, &config, company).await?;
    if global.json {
        output::json(&diagnosis);
    } else {
        print_diagnosis(&diagnosis);
    }
    Ok(exit(!diagnosis.failed()))
}

fn print_diagnosis(diagnosis: &Diagnosis) {
    println!("Diagnose {} ({})", diagnosis.company, diagnosis.checked_at);
    let mut problem = 0;
    for check in &diagnosis.checks {
        if check.problem != problem {
            problem = check.problem;
            println!("\nProblem {problem}");
        }
        println!(
            "  {} {:<19} {}",
            output::status_word(check.status.as_str()),
            check.id,
            check.evidence
        );
        for command in &check.commands {
            println!("       fix: {command}");
        }
    }
    let count = |s: CheckStatus| diagnosis.checks.iter().filter(|c| c.status == s).count();
    println!(
        "\n{} ok, {} warn, {} fail, {} skipped",
        count(CheckStatus::Ok),
        count(CheckStatus::Warn),
        count(CheckStatus::Fail),
        count(CheckStatus::Skip)
    );
}

pub async fn daily_health_check(global: &Global, notify_slack: bool) -> Result<ExitCode> {
    let file = file_config::load(global.config.as_deref())?;
    let config = file_config::retell(&file);
    let app = super::open_app(global).await?;
    let companies = slugs(&app, None).await?;
    let progress = Progress::new(companies.len(), "companies diagnosed", global.json);
    let mut all = Vec::new();
    for (done, slug) in companies.iter().enumerate() {
        all.push(diagnosis_of(&app, &config, slug).await?);
        progress.set(done + 1);
    }
    progress.finish();
    let summary = health_summary(&all);
    if notify_slack {
        super::queue::post_summary(&app, &summary).await?;
    }
    if global.json {
        output::json(&serde_json::json!({ "companies": all, "slack": notify_slack }));
    } else {
        println!("{summary}");
        if notify_slack {
            println!("(posted to Slack)");
        }
    }
    Ok(exit(!all.iter().any(Diagnosis::failed)))
}

/// One message for every company: what fails or warns, with its fixes.
fn health_summary(all: &[Diagnosis]) -> String {
    let mut lines = vec![format!(
        "AskPro daily health check: {} companies",
        all.len()
    )];
    for diagnosis in all {
        let open: Vec<_> = diagnosis.open_checks().collect();
        if open.is_empty() {
            lines.push(format!("✅ {}: all checks ok", diagnosis.company));
            continue;
        }
        let icon = if diagnosis.failed() { "🔴" } else { "🟡" };
        lines.push(format!("{icon} {}:", diagnosis.company));
        for check in open {
            lines.push(format!(
                "  • {} {}: {}",
                check.status.as_str(),
                check.id,
                check.evidence
            ));
            if let Some(fix) = &check.fix {
                lines.push(format!("    fix: {fix}"));
            }
        }
    }
    lines.join("\n")
}

pub async fn metrics(global: &Global, command: MetricsCommand) -> Result<ExitCode> {
    let MetricsCommand::CustomerSuccess {
        company_id,
        days,
        lang,
    } = command;
    let app = super::open_app(global).await?;
    let figures = app.customer_success(&company_id, days).await?;
    if global.json {
        let metrics: Vec<serde_json::Value> = figures
            .metrics
            .iter()
            .map(|m| {
                let mut v = serde_json::to_value(m).unwrap_or_default();
                v["trend"] = serde_json::json!(m.trend());
                v
            })
            .collect();
        output::json(&serde_json::json!({
            "company": figures.company, "days": figures.days, "from": figures.from,
            "until": figures.until, "metrics": metrics,
            "outcomes": serde_json::Map::from_iter(
                figures.outcomes.iter().map(|(class, n)| (class.clone(), (*n).into()))
            ),
        }));
        return Ok(ExitCode::SUCCESS);
    }
    let german = lang == "de";
    println!(
        "📊 Customer Success Metrics: {} ({} – {})",
        figures.company, figures.from, figures.until
    );
    for m in &figures.metrics {
        println!(
            "  {:<22} {:>10}   {}   {}",
            if german {
                label_de(m.key)
            } else {
                label_en(m.key)
            },
            shown(m, m.value, german),
            counts(m, german),
            trend(m, german)
        );
    }
    print_outcomes(&figures.outcomes, german);
    Ok(ExitCode::SUCCESS)
}

/// "Anrufe nach Ergebnis (12):" and one line per outcome class, zeros included, so a
/// class that never happens is seen to be zero rather than missing.
fn print_outcomes(outcomes: &[(String, i64)], german: bool) {
    let total: i64 = outcomes.iter().map(|(_, n)| n).sum();
    let heading = if german {
        "Anrufe nach Ergebnis"
    } else {
        "Calls by outcome"
    };
    println!("  {heading} ({total}):");
    for (class, n) in outcomes {
        println!("    {:<28} {n:>5}", outcome_label(class, german));
    }
}

fn label_en(key: &str) -> &'static str {
    match key {
        "call_completion_rate" => "Call Completion Rate",
        "email_delivery_rate" => "Email Delivery Rate",
        "no_show_rate" => "No-Show Rate",
        "customer_satisfaction" => "Customer Satisfaction",
        _ => "Avg Resolution Time",
    }
}

fn shown(m: &Metric, value: Option<f64>, german: bool) -> String {
    let text = shown_de(m, value);
    if german { text } else { text.replace(',', ".") }
}

fn counts(m: &Metric, german: bool) -> String {
    let (of_de, items_de, of_en, items_en) = match m.key {
        "call_completion_rate" => ("von", "Anrufen", "of", "calls"),
        "email_delivery_rate" => ("von", "fälligen E-Mails", "of", "e-mails due"),
        "no_show_rate" => ("von", "Terminen", "of", "appointments"),
        "customer_satisfaction" => ("bewertet von", "Anrufen", "rated of", "calls"),
        _ => ("erledigt in", "Anrufen", "resolved in", "calls"),
    };
    if german {
        format!("({} {of_de} {} {items_de})", m.count, m.of)
    } else {
        format!("({} {of_en} {} {items_en})", m.count, m.of)
    }
}

fn trend(m: &Metric, german: bool) -> String {
    let word = trend_de(m);
    let better = match m.trend() {
        Some(t) if t.abs() >= 0.05 => Some((t > 0.0) == m.higher_is_better()),
        _ => None,
    };
    if german {
        let verdict = match better {
            Some(true) => ", besser",
            Some(false) => ", schlechter",
            None => "",
        };
        format!("{word} gegenüber Vorperiode{verdict}")
    } else {
        let verdict = match better {
            Some(true) => ", better",
            Some(false) => ", worse",
            None => "",
        };
        let word = word.replace(',', ".").replace("neu", "new");
        format!("{word} vs previous period{verdict}")
    }
}

pub async fn report(global: &Global, command: ReportCommand) -> Result<ExitCode> {
    let ReportCommand::CustomerSuccess {
        company_id, email, ..
    } = command;
    if !email.contains('@') || email.contains(char::is_whitespace) {
        bail!("--email `{email}` is not an e-mail address");
    }
    let file = file_config::load(global.config.as_deref())?;
    let config = file_config::retell(&file);
    let app = super::open_app(global).await?;
    let companies = slugs(&app, company_id).await?;
    let progress = Progress::new(companies.len(), "reports written", global.json);
    let mut reports = Vec::new();
    for (done, slug) in companies.iter().enumerate() {
        let diagnosis = diagnosis_of(&app, &config, slug).await?;
        let mut report = app.weekly_report(slug, &diagnosis).await?;
        app.queue_report(&mut report, &email).await?;
        reports.push(report);
        progress.set(done + 1);
    }
    progress.finish();
    if global.json {
        output::json(&reports);
    } else {
        for report in &reports {
            println!(
                "queued „{}“ to {email} (job {})",
                report.subject,
                report.job_id.as_deref().unwrap_or("-")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn ai(global: &Global, command: AiCommand) -> Result<ExitCode> {
    let AiCommand::OptimizePrompts {
        company_id, apply, ..
    } = command;
    let file = file_config::load(global.config.as_deref())?;
    let config = file_config::retell(&file);
    let app = super::open_app(global).await?;
    let mut analyses = Vec::new();
    for slug in slugs(&app, company_id).await? {
        let analysis = app.optimize_prompts(&slug).await?;
        if !global.json {
            print_analysis(&analysis);
        }
        if apply && (!analysis.proposals.is_empty() || analysis.enable_cancellation) {
            if analysis.enable_cancellation {
                let actor = askpro_app::Actor::cli(super::operator_name());
                app.set_setting("retell.enable_cancellation=true", Some(&slug), &actor)
                    .await?;
            }
            let blocks: Vec<String> = analysis
                .proposals
                .iter()
                .map(|p| p.block.to_owned())
                .collect();
            // Pushed with the same command an operator would run; its output follows.
            super::retell::update_prompt(global, &app, &config, &slug, &blocks, false).await?;
        }
        analyses.push(analysis);
    }
    if global.json {
        output::json(&analyses);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_analysis(a: &askpro_app::operations::optimize::PromptAnalysis) {
    println!(
        "{}: {} calls of the last 30 days analysed",
        a.company, a.calls_analysed
    );
    if a.proposals.is_empty() && !a.enable_cancellation {
        println!("  nothing to change");
    }
    for p in &a.proposals {
        println!(
            "  enable `{}`: {} ({} calls, e.g. {})",
            p.block,
            p.reason,
            p.calls,
            p.examples.join(", ")
        );
    }
    if a.enable_cancellation {
        println!("  switch on cancelling by phone: callers asked for it while it was off");
    }
    if !a.refused_phrases.is_empty() {
        let phrases: Vec<String> = a
            .refused_phrases
            .iter()
            .map(|(p, n)| format!("„{p}“ ×{n}"))
            .collect();
        println!(
            "  phrases the agent did not understand: {}",
            phrases.join(", ")
        );
    }
    if !a.proposals.is_empty() {
        let blocks: Vec<&str> = a.proposals.iter().map(|p| p.block).collect();
        println!(
            "  apply: askpro ai optimize-prompts --based-on-last-month --company-id {} --apply   (= askpro retell update-prompt --company-id {} --template {})",
            a.company,
            a.company,
            blocks.join(",")
        );
    }
}
