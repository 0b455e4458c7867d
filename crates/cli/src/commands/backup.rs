//! `askpro backup --to FILE` and `askpro restore --from FILE`: SQLite's database copied
//! while AskPro runs, and put back after the copy proved whole. PostgreSQL has its own
//! tools; for it both commands say which to use.

use crate::cli::{BackupArgs, Global, RestoreArgs};
use crate::output;
use anyhow::{Context, Result, bail};
use askpro_store::backup::{self, BackupFacts};
use askpro_store::{Db, redact_url, workers};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A worker or server that beat within this long still uses the database.
const IN_USE_MS: i64 = 60_000;

/// The file behind an `sqlite://` URL; PostgreSQL is pointed to its own tools.
fn sqlite_file(url: &str, postgres_hint: &str) -> Result<PathBuf> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        bail!("{} is PostgreSQL: {postgres_hint}", redact_url(url));
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .with_context(|| format!("`{}` is not an sqlite:// URL", redact_url(url)))?;
    Ok(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

fn print_facts(global: &Global, verb: &str, file: &Path, facts: &BackupFacts) {
    if global.json {
        let mut value = serde_json::to_value(facts).unwrap_or_default();
        value["file"] = file.display().to_string().into();
        output::json(&value);
    } else {
        println!(
            "{verb} {} ({} KiB, schema {}): {} companies, {} appointments, {} calls",
            file.display(),
            facts.bytes.div_ceil(1024),
            facts.schema_version,
            facts.companies,
            facts.appointments,
            facts.calls
        );
    }
}

pub async fn backup(global: &Global, args: BackupArgs) -> Result<ExitCode> {
    let url = super::configured_database_url(global)?;
    sqlite_file(
        &url,
        "back it up with `pg_dump --format=custom --file FILE DATABASE_URL`",
    )?;
    if args.to.exists() {
        bail!("{} exists already; give a new file name", args.to.display());
    }
    let app = super::open_app(global).await?;
    backup::backup_sqlite(&app.db, &args.to)
        .await
        .with_context(|| format!("cannot write the backup to {}", args.to.display()))?;
    let facts = backup::inspect_sqlite(&args.to).await?;
    tracing::info!(file = %args.to.display(), bytes = facts.bytes, "backup written");
    print_facts(global, "backed up to", &args.to, &facts);
    Ok(ExitCode::SUCCESS)
}

pub async fn restore(global: &Global, args: RestoreArgs) -> Result<ExitCode> {
    let url = super::configured_database_url(global)?;
    let target = sqlite_file(
        &url,
        "restore with `pg_restore --clean --dbname DATABASE_URL FILE`",
    )?;
    let facts = backup::inspect_sqlite(&args.from).await?;
    if target.exists() && !args.force {
        refuse_while_in_use(global, &url).await?;
    }
    replace_file(&args.from, &target)?;
    // An older backup is brought up to this build's schema at once.
    let db = Db::connect(&url)
        .await
        .context("cannot open the restored database")?;
    db.migrate()
        .await
        .context("cannot migrate the restored database")?;
    tracing::warn!(file = %args.from.display(), "database restored from a backup");
    print_facts(global, "restored from", &args.from, &facts);
    Ok(ExitCode::SUCCESS)
}

/// Refuses while a server or worker beats in the database: it would keep writing to the
/// file this replaces.
async fn refuse_while_in_use(global: &Global, url: &str) -> Result<()> {
    let db = Db::connect(url)
        .await
        .context("cannot open the database to replace")?;
    let now = global.clock().now().as_millisecond();
    let live = workers::live(&db, now - IN_USE_MS)
        .await
        .unwrap_or_default();
    if let Db::Sqlite { pool, .. } = &db {
        pool.close().await;
    }
    if let Some(worker) = live.first() {
        bail!(
            "the database is in use: {} (pid {}) beat {} s ago; stop `askpro serve` and `askpro worker` first, or give --force",
            worker.host,
            worker.pid,
            (now - worker.heartbeat_at).max(0) / 1000
        );
    }
    Ok(())
}

/// Copies `from` next to `target` and renames it into place, so the target is never
/// half written; the old database's write-ahead log goes with it.
fn replace_file(from: &Path, target: &Path) -> Result<()> {
    let staging = target.with_extension("restoring");
    std::fs::copy(from, &staging)
        .with_context(|| format!("cannot copy {} to {}", from.display(), staging.display()))?;
    std::fs::File::open(&staging)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot flush {}", staging.display()))?;
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", target.display()));
        if side.exists() {
            std::fs::remove_file(&side)
                .with_context(|| format!("cannot remove {}", side.display()))?;
        }
    }
    std::fs::rename(&staging, target)
        .with_context(|| format!("cannot move the restored file to {}", target.display()))
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn only_sqlite_urls_name_a_file_and_postgres_is_pointed_to_its_tools() {
        assert_eq!(
            sqlite_file("sqlite://data/askpro.db?mode=rwc", "").unwrap(),
            std::path::PathBuf::from("data/askpro.db")
        );
        let refused = sqlite_file("postgres://u:geheim@db/askpro", "use pg_dump")
            .unwrap_err()
            .to_string();
        assert!(
            refused.contains("use pg_dump") && !refused.contains("geheim"),
            "{refused}"
        );
        assert!(sqlite_file("mysql://x", "").is_err());
    }
}
