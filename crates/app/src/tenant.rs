//! Applying a tenant file: idempotent (an unchanged file writes nothing) and
//! all-or-nothing (one transaction), with conflicts across companies reported by key.

use crate::App;
use crate::booking::Actor;
use crate::error::{AppError, Result};
use askpro_core::{Tenant, TenantError};
use askpro_store::audit::{self, AuditEntry};
use askpro_store::tenants;
use serde::Serialize;

/// What `tenant apply` did.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyOutcome {
    pub company: String,
    pub created: bool,
    pub changed: bool,
    pub revision: i64,
    /// Branches, services or staff the file no longer lists (kept for past appointments).
    pub deactivated: Vec<String>,
    pub warnings: Vec<String>,
}

/// What applying a tenant file writes, and so what the planner should know afresh.
const TENANT_TABLES: [&str; 6] = [
    "companies",
    "branches",
    "services",
    "staff",
    "staff_branches",
    "staff_services",
];

impl App {
    pub async fn apply_tenant(&self, tenant: &Tenant, actor: &Actor) -> Result<ApplyOutcome> {
        let slug = tenant.company.slug.to_string();
        let previous = match tenants::find_company(&self.db, &slug).await? {
            Some((id, _)) => Some(tenants::load(&self.db, &id).await?),
            None => None,
        };
        if let Some(stored) = previous.as_ref().filter(|p| p.tenant == *tenant) {
            return Ok(ApplyOutcome {
                company: slug,
                created: false,
                changed: false,
                revision: stored.revision,
                deactivated: vec![],
                warnings: tenant.warnings(),
            });
        }
        self.check_cross_company_conflicts(tenant).await?;
        let now = self.now_ms();
        let mut tx = self.db.begin_write().await?;
        let company_id = tenants::apply(&mut tx, tenant, now).await?;
        let before = previous
            .as_ref()
            .map(|p| serde_json::to_value(p.tenant.to_file()).unwrap_or_default());
        let entry = AuditEntry {
            company_id: &company_id,
            entity: "tenant",
            entity_id: &company_id,
            action: if previous.is_some() {
                "update"
            } else {
                "create"
            },
            actor: actor.kind,
            origin: actor.origin.as_deref(),
            before,
            after: Some(serde_json::to_value(tenant.to_file()).unwrap_or_default()),
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        self.db.analyze(&TENANT_TABLES).await;
        let revision = tenants::find_company(&self.db, &slug)
            .await?
            .map_or(1, |(_, r)| r);
        tracing::info!(company = %slug, revision, "tenant applied");
        Ok(ApplyOutcome {
            company: slug,
            created: previous.is_none(),
            changed: true,
            revision,
            deactivated: previous
                .map(|p| removed(&p.tenant, tenant))
                .unwrap_or_default(),
            warnings: tenant.warnings(),
        })
    }

    /// Phone numbers and Retell agents must identify one company.
    async fn check_cross_company_conflicts(&self, tenant: &Tenant) -> Result<()> {
        let own = tenant.company.slug.as_str();
        for branch in &tenant.branches {
            let owner = tenants::find_branch_by_phone(&self.db, &branch.phone).await?;
            if let Some((company, other)) = owner.filter(|(company, _)| company != own) {
                let problem = format!(
                    "{} already belongs to branch `{other}` of company `{company}`",
                    branch.phone
                );
                return Err(
                    TenantError::new(format!("branches.{}.phone", branch.slug), problem).into(),
                );
            }
        }
        if let Some(agent) = &tenant.company.retell_agent_id {
            let owner = tenants::find_company_by_agent(&self.db, agent).await?;
            if let Some(company) = owner.filter(|c| c != own) {
                let problem = format!("`{agent}` already belongs to company `{company}`");
                return Err(AppError::Tenant(TenantError::new(
                    "company.retell_agent_id",
                    problem,
                )));
            }
        }
        Ok(())
    }
}

fn removed(old: &Tenant, new: &Tenant) -> Vec<String> {
    let mut gone = Vec::new();
    gone.extend(
        old.branches
            .iter()
            .filter(|b| new.branch(b.slug.as_str()).is_none())
            .map(|b| format!("branch {}", b.slug)),
    );
    gone.extend(
        old.services
            .iter()
            .filter(|s| new.service(s.slug.as_str()).is_none())
            .map(|s| format!("service {}", s.slug)),
    );
    gone.extend(
        old.staff
            .iter()
            .filter(|s| new.staff_member(s.slug.as_str()).is_none())
            .map(|s| format!("staff {}", s.slug)),
    );
    gone
}
