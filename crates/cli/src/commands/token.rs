//! `askpro token create --company-id X`

use crate::cli::{Global, TokenCommand};
use anyhow::Result;
use std::process::ExitCode;

pub async fn run(global: &Global, command: TokenCommand) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    let TokenCommand::Create { company_id, label } = command;
    let token = app.create_company_token(&company_id, &label).await?;
    if global.json {
        crate::output::json(
            &serde_json::json!({ "company": company_id, "label": label, "token": token }),
        );
    } else {
        println!(
            "Token for company `{company_id}` (label `{label}`). It is shown only now; store it safely:"
        );
        println!("{token}");
    }
    Ok(ExitCode::SUCCESS)
}
