//! Runtime settings with their effective values: company value, else global value,
//! else the registry's default. Reads go through a cache that lives two seconds, so a
//! `config set` from the CLI reaches a running server within seconds, without a restart.

use crate::App;
use crate::booking::Actor;
use crate::error::Result;
use askpro_core::settings::{self as registry, SETTINGS, SettingDef, SettingValue};
use askpro_store::WriteTx;
use askpro_store::audit::{self, AuditEntry};
use askpro_store::settings::{self as stored, GLOBAL, StoredSetting};
use serde::Serialize;
use std::sync::RwLock;
use std::time::{Duration, Instant};

const CACHE_TTL: Duration = Duration::from_secs(2);

#[derive(Default)]
pub struct SettingsCache {
    entries: RwLock<Option<(Instant, Vec<StoredSetting>)>>,
}

impl SettingsCache {
    fn fresh(&self) -> Option<Vec<StoredSetting>> {
        let guard = self.entries.read().ok()?;
        guard
            .as_ref()
            .filter(|(at, _)| at.elapsed() < CACHE_TTL)
            .map(|(_, all)| all.clone())
    }

    fn store(&self, all: Vec<StoredSetting>) {
        if let Ok(mut guard) = self.entries.write() {
            *guard = Some((Instant::now(), all));
        }
    }

    pub fn invalidate(&self) {
        if let Ok(mut guard) = self.entries.write() {
            *guard = None;
        }
    }
}

/// One key as `config list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct EffectiveSetting {
    pub key: &'static str,
    pub value: SettingValue,
    /// `default`, `global` or `company`.
    pub source: &'static str,
    pub allowed: String,
    pub doc: &'static str,
}

impl App {
    async fn stored_settings(&self) -> Result<Vec<StoredSetting>> {
        if let Some(all) = self.settings.fresh() {
            return Ok(all);
        }
        let all = stored::all(&self.db).await?;
        self.settings.store(all.clone());
        Ok(all)
    }

    /// The effective value of `key` for a company (by slug), or globally.
    pub async fn setting(&self, key: &str, company: Option<&str>) -> Result<EffectiveSetting> {
        let def = registry::definition(key)?;
        let scope = self.scope(company).await?;
        let all = self.stored_settings().await?;
        Ok(effective(def, &all, &scope))
    }

    pub async fn settings_overview(&self, company: Option<&str>) -> Result<Vec<EffectiveSetting>> {
        let scope = self.scope(company).await?;
        let all = self.stored_settings().await?;
        Ok(SETTINGS
            .iter()
            .map(|def| effective(def, &all, &scope))
            .collect())
    }

    /// Every Retell API key stored in the settings (any company's, and a global one),
    /// for checking signatures before it is known which company a request is for.
    /// Each with the company it belongs to (`None` for a global one).
    pub async fn stored_retell_keys(&self) -> Result<Vec<(Option<String>, String)>> {
        let all = self.stored_settings().await?;
        Ok(all
            .into_iter()
            .filter(|s| s.key == "retell.api_key" && !s.value.is_empty())
            .map(|s| ((s.scope != GLOBAL).then_some(s.scope), s.value))
            .collect())
    }

    /// A company's own Retell key (else the global one stored in the settings), unmasked.
    pub async fn retell_key_of(&self, company: &str) -> Result<Option<String>> {
        let scope = self.scope(Some(company)).await?;
        let all = self.stored_settings().await?;
        let find = |s: &str| {
            all.iter()
                .find(|x| x.key == "retell.api_key" && x.scope == s && !x.value.is_empty())
                .map(|x| x.value.clone())
        };
        Ok(find(&scope).or_else(|| find(GLOBAL)))
    }

    /// Validates and stores `KEY=VALUE`, globally or for one company.
    pub async fn set_setting(
        &self,
        assignment: &str,
        company: Option<&str>,
        actor: &Actor,
    ) -> Result<EffectiveSetting> {
        let (def, value) = registry::parse_assignment(assignment)?;
        let scope = self.scope(company).await?;
        let before = self.setting(def.key, company).await?;
        let mut tx = self.db.begin_write().await?;
        stored::set(&mut tx, &scope, def.key, value.as_str(), self.now_ms()).await?;
        self.audit_setting(
            &mut tx,
            &scope,
            def,
            Some(before.value.as_str()),
            Some(def.shown(&value).as_str()),
            actor,
        )
        .await?;
        tx.commit().await?;
        self.settings.invalidate();
        tracing::info!(key = def.key, value = %def.shown(&value), company = company.unwrap_or("(global)"), "setting changed");
        self.setting(def.key, company).await
    }

    /// Removes a stored value, so the global value or the default applies again.
    pub async fn unset_setting(
        &self,
        key: &str,
        company: Option<&str>,
        actor: &Actor,
    ) -> Result<EffectiveSetting> {
        let def = registry::definition(key)?;
        let scope = self.scope(company).await?;
        let mut tx = self.db.begin_write().await?;
        if stored::unset(&mut tx, &scope, def.key).await? {
            self.audit_setting(&mut tx, &scope, def, None, None, actor)
                .await?;
        }
        tx.commit().await?;
        self.settings.invalidate();
        self.setting(def.key, company).await
    }

    async fn scope(&self, company: Option<&str>) -> Result<String> {
        match company {
            Some(slug) => Ok(self.company(slug).await?.id().to_owned()),
            None => Ok(GLOBAL.to_owned()),
        }
    }

    /// The audit entry of a setting change, in the change's own transaction.
    async fn audit_setting(
        &self,
        tx: &mut WriteTx,
        scope: &str,
        def: &SettingDef,
        before: Option<&str>,
        after: Option<&str>,
        actor: &Actor,
    ) -> Result<()> {
        let entry = AuditEntry {
            company_id: scope,
            entity: "setting",
            entity_id: def.key,
            action: if after.is_some() { "set" } else { "unset" },
            actor: actor.kind,
            origin: actor.origin.as_deref(),
            before: before.map(|v| serde_json::Value::String(v.to_owned())),
            after: after.map(|v| serde_json::Value::String(v.to_owned())),
        };
        audit::record(tx, &entry, self.now_ms()).await?;
        Ok(())
    }
}

fn effective(def: &'static SettingDef, all: &[StoredSetting], scope: &str) -> EffectiveSetting {
    let lookup = |s: &str| all.iter().find(|x| x.key == def.key && x.scope == s);
    let (raw, source) = match (scope != GLOBAL).then(|| lookup(scope)).flatten() {
        Some(v) => (Some(v.value.as_str()), "company"),
        None => match lookup(GLOBAL) {
            Some(v) => (Some(v.value.as_str()), "global"),
            None => (None, "default"),
        },
    };
    // A stored value that no longer validates (the registry changed) falls back to the default.
    let (value, source) = match raw.map(|r| def.parse(r)) {
        Some(Ok(v)) => (v, source),
        _ => (def.default_value(), "default"),
    };
    EffectiveSetting {
        key: def.key,
        value: def.shown(&value),
        source,
        allowed: def.allowed(),
        doc: def.doc,
    }
}
