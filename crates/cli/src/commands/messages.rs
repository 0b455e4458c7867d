//! `askpro messages list|done`: what callers asked the voice agent to pass on to the team.

use crate::cli::Global;
use crate::output;
use anyhow::Result;
use std::process::ExitCode;

/// `askpro messages list|done`.
pub async fn run(global: &Global, command: crate::cli::MessagesCommand) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    match command {
        crate::cli::MessagesCommand::List { company_id, all } => {
            let status = if all { None } else { Some("open") };
            let messages = app.messages(&company_id, status).await?;
            if global.json {
                output::json(&messages);
                return Ok(ExitCode::SUCCESS);
            }
            if messages.is_empty() {
                println!("no {}messages", if all { "" } else { "open " });
            }
            let text = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_owned();
            let rows: Vec<Vec<String>> = messages
                .iter()
                .map(|m| {
                    vec![
                        text(&m["id"]),
                        if m["urgent"] == true {
                            "!".into()
                        } else {
                            String::new()
                        },
                        text(&m["name"]),
                        text(&m["phone"]),
                        text(&m["callback_when"]),
                        text(&m["concern"]),
                        text(&m["status"]),
                    ]
                })
                .collect();
            output::table(
                &["ID", "", "NAME", "PHONE", "CALLBACK", "CONCERN", "STATUS"],
                &rows,
            );
            Ok(ExitCode::SUCCESS)
        }
        crate::cli::MessagesCommand::Done { id, company_id } => {
            let actor = askpro_app::Actor::cli(super::operator_name());
            let message = app.message_done(&company_id, &id, &actor).await?;
            if global.json {
                output::json(&message);
            } else {
                println!(
                    "message {id} from {} is done",
                    message["name"].as_str().unwrap_or("?")
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
