//! The appointment as the API, the CLI and the audit log show it: slugs, and times in
//! the branch's local offset.

use crate::time::format_local;
use askpro_store::appointments::AppointmentRow;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerView {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentView {
    pub id: String,
    pub status: String,
    pub company: String,
    pub branch: String,
    pub service: String,
    pub service_name: String,
    pub staff: String,
    pub staff_name: String,
    pub start: String,
    pub end: String,
    pub timezone: String,
    pub customer: CustomerView,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
    /// The booking's uid in Cal.com, for companies that keep their calendar there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calcom_uid: Option<String>,
    /// `pending`, `synced` or `conflict` with Cal.com.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync: Option<String>,
    /// Until when a slot is (or was) held for a waiting customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_until: Option<String>,
}

impl From<&AppointmentRow> for AppointmentView {
    fn from(row: &AppointmentRow) -> Self {
        let tz = TimeZone::get(&row.timezone).unwrap_or(TimeZone::UTC);
        AppointmentView {
            id: row.id.clone(),
            status: row.status.clone(),
            company: row.company_slug.clone(),
            branch: row.branch_slug.clone(),
            service: row.service_slug.clone(),
            service_name: row.service_name.clone(),
            staff: row.staff_slug.clone(),
            staff_name: row.staff_name.clone(),
            start: format_local(row.starts_at, &tz),
            end: format_local(row.ends_at, &tz),
            timezone: row.timezone.clone(),
            customer: CustomerView {
                name: row.customer_name.clone(),
                phone: row.customer_phone.clone(),
                email: row.customer_email.clone(),
            },
            source: row.source.clone(),
            source_ref: row.source_ref.clone(),
            cancel_reason: row.cancel_reason.clone(),
            calcom_uid: row.calcom_uid.clone(),
            sync: row.sync.clone(),
            held_until: row.hold_until.map(|ms| format_local(ms, &tz)),
        }
    }
}

impl AppointmentView {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}
