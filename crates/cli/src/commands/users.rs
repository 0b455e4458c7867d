//! `askpro user add|list|password|remove`: accounts of the web dashboard. Passwords
//! come from standard input or are made up and printed once; never from an argument.

use crate::cli::{Global, PasswordSource, UserCommand};
use crate::output;
use anyhow::{Context, Result, bail};
use askpro_app::accounts::{Role, random_token};
use std::io::BufRead;
use std::process::ExitCode;

/// The password a command sets, and whether to print it (only a made-up one).
fn password(source: &PasswordSource) -> Result<Option<(String, bool)>> {
    if source.generate_password {
        return Ok(Some((random_token()?[..20].to_owned(), true)));
    }
    if !source.password_stdin {
        return Ok(None);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let line = line.trim_end_matches(['\r', '\n']).to_owned();
    if line.is_empty() {
        bail!("standard input held no password (one line expected)");
    }
    Ok(Some((line, false)))
}

pub async fn run(global: &Global, command: UserCommand) -> Result<ExitCode> {
    let app = super::open_app(global).await?;
    match command {
        UserCommand::Add {
            company_id,
            email,
            role,
            password: source,
        } => {
            let secret = password(&source)?;
            let user = app
                .add_web_user(
                    company_id.as_deref(),
                    &email,
                    Role::parse(&role)?,
                    secret.as_ref().map(|(p, _)| p.as_str()),
                )
                .await?;
            if global.json {
                let mut value = serde_json::to_value(&user)?;
                if let Some((made_up, true)) = &secret {
                    value["password"] = made_up.clone().into();
                }
                output::json(&value);
            } else {
                println!(
                    "added {} ({}{})",
                    user.email,
                    user.role.as_str(),
                    user.company
                        .as_deref()
                        .map(|c| format!(" of {c}"))
                        .unwrap_or_default()
                );
                match &secret {
                    Some((made_up, true)) => println!("password (shown once): {made_up}"),
                    Some(_) => {}
                    None => println!("no password: they sign in with a link mailed to them"),
                }
            }
        }
        UserCommand::List {
            company_id,
            operators: _,
        } => {
            let users = app.web_users(company_id.as_deref()).await?;
            if global.json {
                output::json(&users);
            } else if users.is_empty() {
                println!("no dashboard users");
            } else {
                let rows: Vec<Vec<String>> = users
                    .iter()
                    .map(|u| {
                        vec![
                            u.email.clone(),
                            u.role.as_str().to_owned(),
                            if u.has_password {
                                "password"
                            } else {
                                "link only"
                            }
                            .to_owned(),
                            if u.disabled { "removed" } else { "active" }.to_owned(),
                        ]
                    })
                    .collect();
                output::table(&["EMAIL", "ROLE", "SIGN-IN", "STATUS"], &rows);
            }
        }
        UserCommand::Password {
            email,
            password: source,
        } => {
            let Some((secret, shown)) = password(&source)? else {
                bail!("give --password-stdin or --generate-password");
            };
            app.set_web_password(&email, &secret).await?;
            if global.json {
                let mut value = serde_json::json!({ "email": email, "signed_out": true });
                if shown {
                    value["password"] = secret.into();
                }
                output::json(&value);
            } else {
                println!("new password set for {email}; their sessions ended");
                if shown {
                    println!("password (shown once): {secret}");
                }
            }
        }
        UserCommand::Remove { email } => {
            app.disable_web_user(&email).await?;
            if global.json {
                output::json(&serde_json::json!({ "email": email, "removed": true }));
            } else {
                println!("{email} can no longer sign in");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
