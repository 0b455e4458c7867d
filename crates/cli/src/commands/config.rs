//! `askpro config set|get|list|unset`: runtime settings.

use crate::cli::{ConfigCommand, Global};
use crate::output;
use anyhow::Result;
use askpro_app::Actor;
use askpro_app::settings::EffectiveSetting;
use std::process::ExitCode;

pub async fn run(global: &Global, command: ConfigCommand) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    let actor = Actor::cli(super::operator_name());
    match command {
        ConfigCommand::Set {
            assignment,
            company_id,
        } => {
            let setting = app
                .set_setting(&assignment, company_id.as_deref(), &actor)
                .await?;
            show_one(global, &setting, company_id.as_deref());
        }
        ConfigCommand::Get { key, company_id } => show_one(
            global,
            &app.setting(&key, company_id.as_deref()).await?,
            company_id.as_deref(),
        ),
        ConfigCommand::Unset { key, company_id } => {
            let setting = app
                .unset_setting(&key, company_id.as_deref(), &actor)
                .await?;
            show_one(global, &setting, company_id.as_deref());
        }
        ConfigCommand::List { company_id } => {
            let all = app.settings_overview(company_id.as_deref()).await?;
            if global.json {
                output::json(&all);
            } else {
                let rows: Vec<Vec<String>> = all
                    .iter()
                    .map(|s| {
                        vec![
                            s.key.to_owned(),
                            s.value.to_string(),
                            s.source.to_owned(),
                            s.allowed.clone(),
                            s.doc.to_owned(),
                        ]
                    })
                    .collect();
                output::table(&["KEY", "VALUE", "SOURCE", "ALLOWED", "MEANING"], &rows);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn show_one(global: &Global, setting: &EffectiveSetting, company: Option<&str>) {
    if global.json {
        output::json(setting);
    } else {
        let scope = company.map_or("global".to_owned(), |c| format!("company {c}"));
        println!(
            "{} = {}  ({}, {scope}; allowed: {})",
            setting.key, setting.value, setting.source, setting.allowed
        );
    }
}
