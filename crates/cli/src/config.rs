//! Configuration: built-in defaults, then `askpro.toml`, then `ASKPRO_*` environment
//! variables and flags (clap reads those). Runtime settings live in the database.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://askpro.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// `askpro.toml`. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub listen: Option<String>,
    pub admin_token: Option<String>,
    /// Largest accepted request body in bytes (default 1 MiB).
    pub body_limit_bytes: Option<usize>,
    /// API requests a minute per token or client (default 6000; 0: no limit).
    pub rate_limit_per_minute: Option<u32>,
    #[serde(default)]
    pub mail: MailSection,
    #[serde(default)]
    pub twilio: TwilioSection,
    #[serde(default)]
    pub slack: SlackSection,
    #[serde(default)]
    pub retell: RetellSection,
    #[serde(default)]
    pub database: DatabaseSection,
}

/// `[database]`: the connection pools of `serve`, `demo` and `worker`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSection {
    /// Connections for requests (default 20).
    pub pool_size: Option<u32>,
    /// Connections of the background loops: webhook merging, jobs, schedules (default 4,
    /// at least 2).
    pub background_pool_size: Option<u32>,
    /// How long a request waits for a connection before it is answered 503 (default 2000).
    pub acquire_timeout_ms: Option<u64>,
}

/// The requests' and the background's pool options after `ASKPRO_DB_POOL_SIZE`,
/// `ASKPRO_DB_BACKGROUND_POOL_SIZE` and `ASKPRO_DB_ACQUIRE_TIMEOUT_MS` had their say.
pub fn pools(file: &FileConfig) -> Result<(askpro_store::PoolOptions, askpro_store::PoolOptions)> {
    use askpro_store::PoolOptions;
    let number = |env: &str, from_file: Option<u64>, range: std::ops::RangeInclusive<u64>| {
        let raw = match std::env::var(env).ok().filter(|v| !v.trim().is_empty()) {
            Some(text) => Some(
                text.trim()
                    .parse::<u64>()
                    .with_context(|| format!("{env}: `{text}` is not a whole number"))?,
            ),
            None => from_file,
        };
        match raw {
            Some(n) if !range.contains(&n) => anyhow::bail!(
                "{env} / [database]: {n} is out of range {}..={}",
                range.start(),
                range.end()
            ),
            other => Ok(other),
        }
    };
    let db = &file.database;
    let requests = number("ASKPRO_DB_POOL_SIZE", db.pool_size.map(u64::from), 1..=1000)?;
    let background = number(
        "ASKPRO_DB_BACKGROUND_POOL_SIZE",
        db.background_pool_size.map(u64::from),
        // The merger's transaction and a concurrent lookup may need two at once.
        2..=100,
    )?;
    let wait = number(
        "ASKPRO_DB_ACQUIRE_TIMEOUT_MS",
        db.acquire_timeout_ms,
        10..=60_000,
    )?;
    let mut front = PoolOptions::REQUESTS;
    let mut back = PoolOptions::BACKGROUND;
    if let Some(n) = requests {
        front.max_connections = n as u32;
    }
    if let Some(n) = background {
        back.max_connections = n as u32;
    }
    if let Some(ms) = wait {
        front.acquire_timeout = std::time::Duration::from_millis(ms);
    }
    Ok((front, back))
}

/// `[retell]`: the Retell account behind the voice agents.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetellSection {
    /// Signs webhooks and function calls, and authorises REST calls.
    pub api_key: Option<String>,
    /// Where REST calls go (default `https://api.retellai.com`).
    pub base_url: Option<String>,
    /// Where Retell reaches this server; the agent's webhook is `{public_url}/webhooks/retell`.
    pub public_url: Option<String>,
}

/// Retell settings after the environment (`ASKPRO_RETELL_API_KEY`,
/// `ASKPRO_RETELL_BASE_URL`, `ASKPRO_PUBLIC_URL`) had its say.
#[derive(Debug, Clone, Default)]
pub struct RetellConfig {
    pub api_key: Option<String>,
    pub base_url: String,
    pub public_url: Option<String>,
}

pub fn retell(file: &FileConfig) -> RetellConfig {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    RetellConfig {
        // An empty key would let anyone sign: treated as none.
        api_key: env("ASKPRO_RETELL_API_KEY")
            .or_else(|| file.retell.api_key.clone())
            .filter(|k| !k.trim().is_empty()),
        base_url: env("ASKPRO_RETELL_BASE_URL")
            .or_else(|| file.retell.base_url.clone())
            .unwrap_or_else(|| askpro_connectors::retell::DEFAULT_BASE_URL.to_owned()),
        public_url: env("ASKPRO_PUBLIC_URL")
            .or_else(|| file.retell.public_url.clone())
            .map(|u| u.trim_end_matches('/').to_owned()),
    }
}

/// `[slack]`: the incoming webhook for operator alerts.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlackSection {
    pub webhook_url: Option<String>,
}

/// Slack from `ASKPRO_SLACK_WEBHOOK_URL` or `[slack] webhook_url`.
pub fn slack(file: &FileConfig) -> anyhow::Result<Option<askpro_connectors::slack::Slack>> {
    let url = std::env::var("ASKPRO_SLACK_WEBHOOK_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| file.slack.webhook_url.clone());
    Ok(url
        .map(|u| askpro_connectors::slack::Slack::new(&u))
        .transpose()?)
}

/// `[twilio]`: the account that sends text messages. Environment variables override it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TwilioSection {
    pub account_sid: Option<String>,
    pub auth_token: Option<String>,
    pub from: Option<String>,
    pub base_url: Option<String>,
    /// The URL Twilio posts answers to held-slot texts to, exactly as entered in its
    /// console (`…/webhooks/twilio/sms`); Twilio signs it.
    pub webhook_url: Option<String>,
}

/// `ASKPRO_TWILIO_WEBHOOK_URL` or `[twilio] webhook_url`.
pub fn twilio_webhook_url(file: &FileConfig) -> Option<String> {
    std::env::var("ASKPRO_TWILIO_WEBHOOK_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| file.twilio.webhook_url.clone())
}

/// Twilio from `ASKPRO_TWILIO_ACCOUNT_SID`, `_AUTH_TOKEN`, `_FROM`, `_BASE_URL` or `[twilio]`;
/// `None` unless sid, token and sender are all set.
pub fn twilio(file: &FileConfig) -> anyhow::Result<Option<askpro_connectors::twilio::Twilio>> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let t = &file.twilio;
    let sid = env("ASKPRO_TWILIO_ACCOUNT_SID").or_else(|| t.account_sid.clone());
    let token = env("ASKPRO_TWILIO_AUTH_TOKEN").or_else(|| t.auth_token.clone());
    let from = env("ASKPRO_TWILIO_FROM").or_else(|| t.from.clone());
    let base = env("ASKPRO_TWILIO_BASE_URL")
        .or_else(|| t.base_url.clone())
        .unwrap_or_else(|| askpro_connectors::twilio::DEFAULT_BASE_URL.to_owned());
    let (Some(sid), Some(token), Some(from)) = (sid, token, from) else {
        return Ok(None);
    };
    Ok(Some(askpro_connectors::twilio::Twilio::new(
        &base, &sid, &token, &from,
    )?))
}

/// `[mail]`: the SMTP servers and the sender. Environment variables override it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSection {
    pub primary_url: Option<String>,
    pub backup_url: Option<String>,
    pub from: Option<String>,
}

/// The SMTP servers from `ASKPRO_SMTP_PRIMARY_URL` / `ASKPRO_SMTP_BACKUP_URL` or `[mail]`,
/// and the sender from `ASKPRO_MAIL_FROM` or `[mail] from`.
pub fn mailer(
    file: &FileConfig,
) -> anyhow::Result<(Option<askpro_connectors::smtp::Mailer>, String)> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let primary = env("ASKPRO_SMTP_PRIMARY_URL").or_else(|| file.mail.primary_url.clone());
    let backup = env("ASKPRO_SMTP_BACKUP_URL").or_else(|| file.mail.backup_url.clone());
    let from = env("ASKPRO_MAIL_FROM")
        .or_else(|| file.mail.from.clone())
        .unwrap_or_else(|| askpro_app::DEFAULT_MAIL_FROM.to_owned());
    let mailer = askpro_connectors::smtp::Mailer::from_urls(
        primary.as_deref(),
        backup.as_deref(),
        std::time::Duration::from_secs(20),
    )?;
    Ok((mailer, from))
}

/// Reads the named file, or `./askpro.toml` if present, or nothing.
pub fn load(explicit: Option<&Path>) -> Result<FileConfig> {
    let path: PathBuf = match explicit {
        Some(path) => path.to_owned(),
        None if Path::new("askpro.toml").exists() => PathBuf::from("askpro.toml"),
        None => return Ok(FileConfig::default()),
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read configuration file {}", path.display()))?;
    // The message alone, never the offending line: it may hold a password or token.
    toml::from_str(&text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let at = line.map_or(String::new(), |l| format!(" (line {l})"));
        anyhow::anyhow!(
            "configuration file {} is not valid{at}: {}",
            path.display(),
            e.message().trim()
        )
    })
}

/// The operator token: `ASKPRO_ADMIN_TOKEN`, else the file's `admin_token`.
pub fn operator_token(file: &FileConfig) -> Option<String> {
    std::env::var("ASKPRO_ADMIN_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
        .or_else(|| file.admin_token.clone())
}
