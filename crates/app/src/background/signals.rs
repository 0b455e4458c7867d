//! Operator signals to every running server (`askpro cache clear`, `askpro cache forget
//! PATTERN`): raised in the database, read here every two seconds, so caches drop
//! within five seconds in every process, whichever pool or host it runs on.

use crate::App;
use askpro_worker::stopping;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::watch;

/// The signal names, by what they drop (see [`App::apply_cache_signal`]).
pub const CACHE_SIGNAL_PREFIX: &str = "cache:";

const POLL: Duration = Duration::from_secs(2);

pub(super) async fn run(app: App, mut stop: watch::Receiver<bool>) {
    let mut seen: HashMap<String, i64> =
        match askpro_store::workers::signals(&app.db, CACHE_SIGNAL_PREFIX).await {
            Ok(all) => all.into_iter().collect(),
            Err(_) => HashMap::new(),
        };
    while !stopping(&stop) {
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            _ = stop.changed() => continue,
        }
        let raised = match askpro_store::workers::signals(&app.db, CACHE_SIGNAL_PREFIX).await {
            Ok(raised) => raised,
            Err(error) => {
                tracing::warn!(%error, "could not read the cache signals; trying again");
                continue;
            }
        };
        for (name, at) in raised {
            if seen.get(&name).is_some_and(|last| *last >= at) {
                continue;
            }
            let pattern = name.trim_start_matches(CACHE_SIGNAL_PREFIX);
            let dropped = app.apply_cache_signal(pattern).await;
            tracing::info!(pattern, dropped, "cache dropped on an operator's signal");
            seen.insert(name, at);
        }
    }
}

impl App {
    /// Drops what `pattern` names in this process: `all`, `availability:*`,
    /// `availability:COMPANY`, `models`, `settings`. How many entries were dropped (slot
    /// cache) or 1 for a cache without entries to count.
    pub async fn apply_cache_signal(&self, pattern: &str) -> usize {
        match pattern {
            "all" | "*" => {
                self.reload();
                1
            }
            "availability" | "availability:*" => self.calendars.slots.clear(),
            "models" => {
                self.forget_cached_tenants();
                1
            }
            "settings" => {
                self.settings.invalidate();
                1
            }
            other => match other.strip_prefix("availability:") {
                Some(company) => match self.company_id(company).await {
                    Ok(id) => self.calendars.slots.forget_company(&id),
                    Err(_) => 0,
                },
                None => 0,
            },
        }
    }
}

/// Whether `pattern` is one `cache forget` understands.
pub fn is_cache_pattern(pattern: &str) -> bool {
    matches!(
        pattern,
        "all" | "*" | "availability" | "availability:*" | "models" | "settings"
    ) || pattern.strip_prefix("availability:").is_some_and(|c| {
        !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
    })
}
