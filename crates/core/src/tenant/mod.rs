//! The tenant model: one company with its branches, services, staff and booking rules,
//! validated from the tenant file (see `shared/contract/tenant.md`).

mod file;
mod validate;

pub use file::TenantFile;

use crate::holidays::HolidayRegion;
use crate::hours::WeeklyHours;
use crate::slug::Slug;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// A problem in a tenant file: which key, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {problem}")]
pub struct TenantError {
    /// Dotted path of the offending key, e.g. `branches.mitte.timezone` or `line 12, column 1`.
    pub key: String,
    pub problem: String,
}

impl TenantError {
    pub fn new(key: impl Into<String>, problem: impl Into<String>) -> Self {
        TenantError {
            key: key.into(),
            problem: problem.into(),
        }
    }
}

/// A whole, validated tenant: everything AskPro needs to take calls for one company.
#[derive(Debug, Clone, PartialEq)]
pub struct Tenant {
    pub company: Company,
    pub branches: Vec<Branch>,
    pub services: Vec<Service>,
    pub staff: Vec<Staff>,
    pub calcom: Option<Calcom>,
    pub booking: BookingRules,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Formality {
    Sie,
    Du,
}

impl Formality {
    pub fn as_str(self) -> &'static str {
        match self {
            Formality::Sie => "sie",
            Formality::Du => "du",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    pub slug: Slug,
    pub name: String,
    pub email: String,
    pub retell_agent_id: Option<String>,
    pub formality: Formality,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    pub slug: Slug,
    pub name: String,
    /// IANA name; validated against the time-zone database.
    pub timezone: String,
    pub phone: String,
    pub address: String,
    pub holidays: Option<HolidayRegion>,
    pub closed: Vec<Date>,
    pub hours: WeeklyHours,
    /// A person callers can be transferred to while the branch is open (E.164).
    pub transfer_number: Option<String>,
    /// Where this branch's messages go, besides the company's address.
    pub email: Option<String>,
    /// The team's mobile (E.164): messages the agent takes are also texted there.
    pub sms_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub slug: Slug,
    pub name: String,
    pub duration_min: u32,
    pub buffer_before_min: u32,
    pub buffer_after_min: u32,
    pub aliases: Vec<String>,
    pub price_cents: Option<i64>,
    pub calcom_event_type_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub slug: Slug,
    pub name: String,
    pub branches: Vec<Slug>,
    pub services: Vec<Slug>,
    pub calcom_username: Option<String>,
    /// Own hours; `None` means "whenever the branch is open".
    pub hours: Option<WeeklyHours>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calcom {
    /// The environment variable holding the API key (never the key itself).
    pub api_key_env: String,
    /// The environment variable holding the webhook secret, when webhooks are signed.
    pub webhook_secret_env: Option<String>,
    /// How many days ahead reconciliation looks.
    pub sync_days: u32,
    pub base_url: String,
}

/// Reconciliation's default reach (days ahead).
pub const DEFAULT_CALCOM_SYNC_DAYS: u32 = 60;

/// Company-wide booking rules, with the contract's defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRules {
    pub slot_step_min: u32,
    pub min_notice_min: u32,
    pub horizon_days: u32,
}

impl Default for BookingRules {
    fn default() -> Self {
        BookingRules {
            slot_step_min: 15,
            min_notice_min: 60,
            horizon_days: 90,
        }
    }
}

pub const DEFAULT_CALCOM_BASE_URL: &str = "https://api.cal.com/v2";

impl Tenant {
    /// Parses and validates a tenant file's text. The first problem found is returned.
    pub fn from_toml(text: &str) -> Result<Tenant, TenantError> {
        let file: TenantFile = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        validate::tenant(file)
    }

    /// The tenant as a file again (what `tenant show --toml` prints); applying it changes nothing.
    pub fn to_file(&self) -> TenantFile {
        validate::to_file(self)
    }

    pub fn branch(&self, slug: &str) -> Option<&Branch> {
        self.branches.iter().find(|b| b.slug.as_str() == slug)
    }

    pub fn service(&self, slug: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.slug.as_str() == slug)
    }

    pub fn staff_member(&self, slug: &str) -> Option<&Staff> {
        self.staff.iter().find(|s| s.slug.as_str() == slug)
    }

    /// Things that are allowed but probably not meant: a service nobody performs,
    /// a branch without staff.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        for service in &self.services {
            if !self
                .staff
                .iter()
                .any(|s| s.services.contains(&service.slug))
            {
                warnings.push(format!(
                    "service `{}` is performed by no staff member",
                    service.slug
                ));
            }
        }
        for branch in &self.branches {
            if !self.staff.iter().any(|s| s.branches.contains(&branch.slug)) {
                warnings.push(format!("branch `{}` has no staff", branch.slug));
            }
        }
        warnings
    }
}

/// Turns a TOML error into a [`TenantError`] that names the line and column.
fn toml_error(text: &str, error: &toml::de::Error) -> TenantError {
    let location = match error.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {column}")
        }
        None => "file".to_owned(),
    };
    TenantError::new(location, error.message().trim().to_owned())
}

/// Whether `phone` is an E.164 number such as `+4915112345678`.
pub fn is_e164(phone: &str) -> bool {
    validate::e164("", phone).is_ok()
}

/// Whether `email` looks like a deliverable address (`local@domain.tld`).
pub fn is_email(email: &str) -> bool {
    validate::email("", email).is_ok()
}

#[cfg(test)]
mod tests;
