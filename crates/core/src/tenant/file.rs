//! The tenant file exactly as written (`askpro tenant apply FILE.toml`), before validation.
//! Unknown keys are refused here, by serde, so a typo never passes silently.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub type HoursTable = BTreeMap<String, Vec<String>>;

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TenantFile {
    pub company: CompanyFile,
    #[serde(default)]
    pub branches: Vec<BranchFile>,
    #[serde(default)]
    pub services: Vec<ServiceFile>,
    #[serde(default)]
    pub staff: Vec<StaffFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calcom: Option<CalcomFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking: Option<BookingFile>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CompanyFile {
    pub slug: String,
    pub name: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retell_agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formality: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BranchFile {
    pub slug: String,
    pub name: String,
    pub timezone: String,
    pub phone: String,
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holidays: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closed: Vec<String>,
    /// A person callers can be transferred to while the branch is open (E.164).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_number: Option<String>,
    /// Where this branch's messages go, besides the company's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The team's mobile (E.164): messages the agent takes are also texted there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_number: Option<String>,
    #[serde(default)]
    pub hours: HoursTable,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceFile {
    pub slug: String,
    pub name: String,
    pub duration_min: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub buffer_before_min: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub buffer_after_min: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_eur: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calcom_event_type_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct StaffFile {
    pub slug: String,
    pub name: String,
    pub branches: Vec<String>,
    pub services: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calcom_username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<HoursTable>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CalcomFile {
    pub api_key_env: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_secret_env: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct BookingFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_step_min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_notice_min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_days: Option<i64>,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}
