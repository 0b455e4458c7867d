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
