//! A company's tenant as the booking service uses it, with parsed time zones, cached
//! per company and refreshed when its revision changes (one cheap query per request).

use crate::error::{AppError, Result};
use askpro_core::tenant::{Branch, Service, Staff, Tenant};
use askpro_store::tenants::{self, StoredTenant};
use jiff::tz::TimeZone;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

/// A loaded company, ready for availability and booking.
#[derive(Debug)]
pub struct CompanyModel {
    pub stored: StoredTenant,
    zones: HashMap<String, TimeZone>,
}

impl CompanyModel {
    fn new(stored: StoredTenant) -> CompanyModel {
        let zones = stored
            .tenant
            .branches
            .iter()
            .map(|b| {
                (
                    b.slug.to_string(),
                    TimeZone::get(&b.timezone).unwrap_or(TimeZone::UTC),
                )
            })
            .collect();
        CompanyModel { stored, zones }
    }

    pub fn tenant(&self) -> &Tenant {
        &self.stored.tenant
    }

    pub fn id(&self) -> &str {
        &self.stored.company_id
    }

    pub fn slug(&self) -> &str {
        self.tenant().company.slug.as_str()
    }

    pub fn zone(&self, branch: &str) -> TimeZone {
        self.zones.get(branch).cloned().unwrap_or(TimeZone::UTC)
    }

    pub fn branch(&self, slug: &str) -> Result<&Branch> {
        self.tenant().branch(slug).ok_or_else(|| {
            unknown(
                "branch",
                slug,
                self.tenant().branches.iter().map(|b| b.slug.as_str()),
            )
        })
    }

    /// The branch named, or the only one; with several branches the caller must name one.
    pub fn branch_or_only(&self, slug: Option<&str>) -> Result<&Branch> {
        match (slug, self.tenant().branches.as_slice()) {
            (Some(slug), _) => self.branch(slug),
            (None, [only]) => Ok(only),
            (None, all) => Err(AppError::Invalid(format!(
                "`branch` is required: this company has {} branches ({})",
                all.len(),
                all.iter()
                    .map(|b| b.slug.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    pub fn service(&self, slug: &str) -> Result<&Service> {
        self.tenant().service(slug).ok_or_else(|| {
            unknown(
                "service",
                slug,
                self.tenant().services.iter().map(|s| s.slug.as_str()),
            )
        })
    }

    pub fn staff_member(&self, slug: &str) -> Result<&Staff> {
        self.tenant().staff_member(slug).ok_or_else(|| {
            unknown(
                "staff member",
                slug,
                self.tenant().staff.iter().map(|s| s.slug.as_str()),
            )
        })
    }

    /// Staff who work at `branch` and perform `service`, in slug order.
    pub fn qualified_staff<'a>(
        &'a self,
        branch: &'a Branch,
        service: &'a Service,
    ) -> impl Iterator<Item = &'a Staff> + 'a {
        let mut staff: Vec<&Staff> = self
            .tenant()
            .staff
            .iter()
            .filter(|s| s.branches.contains(&branch.slug) && s.services.contains(&service.slug))
            .collect();
        staff.sort_by(|a, b| a.slug.cmp(&b.slug));
        staff.into_iter()
    }

    /// The Cal.com event type and host of this service and staff member, when the
    /// company keeps its calendar in Cal.com and both are mapped.
    pub fn calcom_pair<'a>(
        &self,
        service: &'a Service,
        staff: &'a Staff,
    ) -> Option<(i64, &'a str)> {
        self.tenant().calcom.as_ref()?;
        Some((
            service.calcom_event_type_id?,
            staff.calcom_username.as_deref()?,
        ))
    }

    /// [`Self::calcom_pair`] of an appointment's service and staff member, by slug.
    pub fn calcom_pair_of(&self, service: &str, staff: &str) -> Option<(i64, &str)> {
        let service = self.tenant().service(service)?;
        self.calcom_pair(service, self.tenant().staff_member(staff)?)
    }

    /// Whether appointments of this service and staff member live in Cal.com too.
    pub fn calcom_mapped(&self, service: &Service, staff: &Staff) -> bool {
        self.calcom_pair(service, staff).is_some()
    }

    pub fn ids(&self) -> &StoredTenant {
        &self.stored
    }
}

fn unknown<'a>(what: &str, slug: &str, known: impl Iterator<Item = &'a str>) -> AppError {
    let known: Vec<&str> = known.collect();
    AppError::NotFound(format!(
        "unknown {what} `{slug}`; known: {}",
        known.join(", ")
    ))
}

/// Loaded companies by slug, with their revision.
#[derive(Default)]
pub(crate) struct TenantCache {
    by_slug: RwLock<HashMap<String, Arc<CompanyModel>>>,
}

impl TenantCache {
    pub(crate) fn forget_all(&self) {
        if let Ok(mut map) = self.by_slug.write() {
            map.clear();
        }
    }
}

impl crate::App {
    /// The company by slug, from the cache while its revision is unchanged.
    pub async fn company(&self, slug: &str) -> Result<Arc<CompanyModel>> {
        let (id, revision) = tenants::find_company(&self.db, slug)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("unknown company `{slug}`")))?;
        let cached = self
            .tenants
            .by_slug
            .read()
            .ok()
            .and_then(|map| map.get(slug).cloned());
        if let Some(model) =
            cached.filter(|m| m.stored.revision == revision && m.stored.company_id == id)
        {
            return Ok(model);
        }
        let model = Arc::new(CompanyModel::new(tenants::load(&self.db, &id).await?));
        if let Ok(mut map) = self.tenants.by_slug.write() {
            map.insert(slug.to_owned(), model.clone());
        }
        Ok(model)
    }

    /// The id of a company by slug, without loading it.
    pub async fn company_id(&self, slug: &str) -> Result<String> {
        let found = tenants::find_company(&self.db, slug).await?;
        found
            .map(|(id, _)| id)
            .ok_or_else(|| AppError::NotFound(format!("unknown company `{slug}`")))
    }

    /// Drops every cached company (`askpro cache clear`).
    pub fn forget_cached_tenants(&self) {
        self.tenants.forget_all();
    }
}
