//! `askpro tenant apply|list|show`

use crate::cli::{Global, TenantCommand};
use crate::output;
use anyhow::{Context, Result, anyhow};
use askpro_app::{Actor, App};
use askpro_core::Tenant;
use askpro_store::tenants;
use std::path::Path;
use std::process::ExitCode;

pub async fn run(global: &Global, command: TenantCommand) -> Result<ExitCode> {
    match command {
        TenantCommand::Apply { file, dry_run } => {
            // Validate before touching the database: a broken file never opens a transaction.
            let tenant = read_tenant(&file)?;
            let app = super::open_app(global).await?;
            if dry_run {
                dry_run_report(global, &app, &tenant).await
            } else {
                apply(global, &app, &tenant, &file).await
            }
        }
        TenantCommand::List => list(global, &super::open_app(global).await?).await,
        TenantCommand::Show { slug, toml } => {
            show(global, &super::open_app(global).await?, &slug, toml).await
        }
    }
}

/// Reads and validates a tenant file; errors name the file, the key and the problem.
pub fn read_tenant(path: &Path) -> Result<Tenant> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Tenant::from_toml(&text).map_err(|e| anyhow!("{}: {e}; nothing was written", path.display()))
}

async fn apply(global: &Global, app: &App, tenant: &Tenant, file: &Path) -> Result<ExitCode> {
    let outcome = app
        .apply_tenant(tenant, &Actor::cli(super::operator_name()))
        .await
        .map_err(|e| anyhow!("{}: {e}; nothing was written", file.display()))?;
    if global.json {
        output::json(&outcome);
        return Ok(ExitCode::SUCCESS);
    }
    let verb = match (outcome.created, outcome.changed) {
        (true, _) => "created",
        (false, true) => "updated",
        (false, false) => "unchanged",
    };
    println!(
        "company `{}` {verb} (revision {})",
        outcome.company, outcome.revision
    );
    for gone in &outcome.deactivated {
        println!("  deactivated {gone} (no longer in the file; its past appointments are kept)");
    }
    for warning in &outcome.warnings {
        println!("  warning: {warning}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn dry_run_report(global: &Global, app: &App, tenant: &Tenant) -> Result<ExitCode> {
    let slug = tenant.company.slug.as_str();
    let state = match tenants::find_company(&app.db, slug).await? {
        None => "would be created",
        Some((id, _)) if tenants::load(&app.db, &id).await?.tenant == *tenant => "is unchanged",
        Some(_) => "would be updated",
    };
    if global.json {
        output::json(
            &serde_json::json!({ "company": slug, "valid": true, "result": state, "warnings": tenant.warnings() }),
        );
    } else {
        println!("file is valid; company `{slug}` {state} (dry run: nothing written)");
        for warning in tenant.warnings() {
            println!("  warning: {warning}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn list(global: &Global, app: &App) -> Result<ExitCode> {
    let companies = tenants::list(&app.db).await?;
    if global.json {
        output::json(&companies);
    } else if companies.is_empty() {
        println!("no companies yet: apply a tenant file with `askpro tenant apply FILE.toml`");
    } else {
        let rows: Vec<Vec<String>> = companies
            .iter()
            .map(|c| {
                vec![
                    c.slug.clone(),
                    c.name.clone(),
                    c.branches.to_string(),
                    c.services.to_string(),
                    c.staff.to_string(),
                    c.revision.to_string(),
                ]
            })
            .collect();
        output::table(
            &["SLUG", "NAME", "BRANCHES", "SERVICES", "STAFF", "REVISION"],
            &rows,
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn show(global: &Global, app: &App, slug: &str, as_toml: bool) -> Result<ExitCode> {
    let model = app.company(slug).await?;
    let file = model.tenant().to_file();
    if global.json {
        output::json(&file);
    } else if as_toml {
        print!("{}", toml::to_string_pretty(&file)?);
    } else {
        print_summary(model.tenant());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(t: &Tenant) {
    let c = &t.company;
    println!(
        "{} ({}), {}, formality {}",
        c.name,
        c.slug,
        c.email,
        c.formality.as_str()
    );
    let rules = t.booking;
    println!(
        "booking: slots every {} min, {} min notice, {} days ahead",
        rules.slot_step_min, rules.min_notice_min, rules.horizon_days
    );
    println!("\nBRANCHES");
    let rows: Vec<Vec<String>> = t
        .branches
        .iter()
        .map(|b| {
            vec![
                b.slug.to_string(),
                b.name.clone(),
                b.timezone.clone(),
                b.phone.clone(),
                b.holidays.map_or("-".into(), |h| h.code().into()),
            ]
        })
        .collect();
    output::table(&["SLUG", "NAME", "TIME ZONE", "PHONE", "HOLIDAYS"], &rows);
    println!("\nSERVICES");
    let rows: Vec<Vec<String>> = t
        .services
        .iter()
        .map(|s| {
            vec![
                s.slug.to_string(),
                s.name.clone(),
                format!("{} min", s.duration_min),
                format!("{}+{} min", s.buffer_before_min, s.buffer_after_min),
                s.aliases.join(", "),
            ]
        })
        .collect();
    output::table(&["SLUG", "NAME", "DURATION", "BUFFERS", "ALIASES"], &rows);
    println!("\nSTAFF");
    let join = |slugs: &[askpro_core::Slug]| {
        slugs
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let rows: Vec<Vec<String>> = t
        .staff
        .iter()
        .map(|s| {
            vec![
                s.slug.to_string(),
                s.name.clone(),
                join(&s.branches),
                join(&s.services),
                if s.hours.is_some() {
                    "own".into()
                } else {
                    "branch".into()
                },
            ]
        })
        .collect();
    output::table(&["SLUG", "NAME", "BRANCHES", "SERVICES", "HOURS"], &rows);
}
