//! Callers' data under the DSGVO: what is stored about a phone number (`privacy
//! export`), its erasure (`privacy erase`, anonymised in place, with an audit entry that
//! names no one), and the retention purge — transcripts after
//! `privacy.transcript_retention_days`, whole calls after `privacy.call_retention_days`
//! — that a server runs every hour.

use crate::error::{AppError, Result};
use crate::{Actor, App};
use askpro_store::audit::{self, AuditEntry};
use askpro_store::privacy::{self, PersonRecord};
use askpro_store::{new_id, tenants};
use serde::Serialize;
use serde_json::{Value, json};

/// Keys of a call object that hold the conversation (the rest is times and outcomes).
const CONVERSATION: [&str; 6] = [
    "transcript",
    "transcript_object",
    "transcript_with_tool_calls",
    "recording_url",
    "public_log_url",
    "call_analysis",
];
/// Calls whose transcript one purge round removes at most (the next round goes on).
const PURGE_BATCH: i64 = 500;
const DAY_MS: i64 = 86_400_000;

/// One company's part of an export.
#[derive(Debug, Clone, Serialize)]
pub struct CompanyRecord {
    pub company: String,
    #[serde(flatten)]
    pub record: PersonRecord,
}

/// What one purge did, over all companies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    pub transcripts_removed: u64,
    pub calls_deleted: u64,
}

/// A phone number as stored: E.164, `+` and 6 to 15 digits; spaces, dashes, slashes
/// and brackets as people write them are dropped.
pub fn normalise_phone(raw: &str) -> Result<String> {
    let phone: String = raw.chars().filter(|c| !" -/()".contains(*c)).collect();
    let digits = phone.strip_prefix('+').unwrap_or("");
    if (6..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(phone)
    } else {
        Err(AppError::Invalid(format!(
            "`{raw}` is not a phone number in international form such as +4915112345678"
        )))
    }
}

impl App {
    /// The companies in scope: one by slug, or all.
    async fn privacy_scope(&self, company: Option<&str>) -> Result<Vec<(String, String)>> {
        match company {
            Some(slug) => Ok(vec![(self.company_id(slug).await?, slug.to_owned())]),
            None => {
                let mut scope = Vec::new();
                for summary in tenants::list(&self.db).await? {
                    scope.push((self.company_id(&summary.slug).await?, summary.slug));
                }
                Ok(scope)
            }
        }
    }

    /// `privacy export`: everything stored about `phone`, per company that has any.
    pub async fn privacy_export(&self, phone: &str, company: Option<&str>) -> Result<Value> {
        let phone = normalise_phone(phone)?;
        let mut companies = Vec::new();
        for (id, slug) in self.privacy_scope(company).await? {
            let record = privacy::record_of_phone(&self.db, &id, &phone).await?;
            if !is_empty(&record) {
                companies.push(CompanyRecord {
                    company: slug,
                    record,
                });
            }
        }
        Ok(json!({ "phone": phone, "exported_at": self.now().to_string(), "companies": companies }))
    }

    /// `privacy erase`: anonymises everything stored about `phone`, per company in one
    /// transaction with an audit entry (counts only, no number).
    pub async fn privacy_erase(
        &self,
        phone: &str,
        company: Option<&str>,
        actor: &Actor,
    ) -> Result<Value> {
        let phone = normalise_phone(phone)?;
        let mut results = Vec::new();
        for (id, slug) in self.privacy_scope(company).await? {
            let record = privacy::record_of_phone(&self.db, &id, &phone).await?;
            if is_empty(&record) {
                continue;
            }
            let elsewhere = kept_elsewhere(&record);
            let now = self.now_ms();
            let mut tx = self.db.begin_write().await?;
            let erased = privacy::erase(&mut tx, &id, &phone, &record, now).await?;
            let entry = AuditEntry {
                company_id: &id,
                entity: "privacy",
                entity_id: &new_id(),
                action: "erase",
                actor: actor.kind,
                origin: actor.origin.as_deref(),
                before: None,
                after: Some(serde_json::to_value(erased).unwrap_or_default()),
            };
            audit::record(&mut tx, &entry, now).await?;
            tx.commit().await?;
            self.forget_cached_tenants();
            tracing::warn!(company = %slug, appointments = erased.appointments, calls = erased.calls, "a caller's data was erased");
            results.push(json!({ "company": slug, "erased": erased, "elsewhere": elsewhere }));
        }
        Ok(json!({ "companies": results }))
    }

    /// The retention purge over every company (a server runs it hourly; `privacy purge`).
    pub async fn purge_retention(&self) -> Result<PurgeReport> {
        let mut report = PurgeReport::default();
        for (id, slug) in self.privacy_scope(None).await? {
            let transcript_days = self
                .setting("privacy.transcript_retention_days", Some(&slug))
                .await?
                .value
                .as_i64();
            let before = self.now_ms() - transcript_days * DAY_MS;
            for (call_id, data) in
                privacy::calls_with_transcripts(&self.db, &id, before, PURGE_BATCH).await?
            {
                privacy::strip_call(&self.db, &id, &call_id, &without_conversation(&data)).await?;
                report.transcripts_removed += 1;
            }
            let call_days = self
                .setting("privacy.call_retention_days", Some(&slug))
                .await?
                .value
                .as_i64();
            if call_days > 0 {
                report.calls_deleted +=
                    privacy::delete_calls_before(&self.db, &id, self.now_ms() - call_days * DAY_MS)
                        .await?;
            }
        }
        if report != PurgeReport::default() {
            tracing::info!(
                transcripts = report.transcripts_removed,
                calls = report.calls_deleted,
                "retention purge done"
            );
        }
        Ok(report)
    }
}

fn is_empty(record: &PersonRecord) -> bool {
    record.appointments.is_empty()
        && record.calls.is_empty()
        && record.messages.is_empty()
        && record.texts.is_empty()
        && record.waitlist.is_empty()
        && record.emails.is_empty()
}

/// A call object without what was said: every conversation key and any other key that
/// names a transcript.
fn without_conversation(data: &str) -> String {
    let mut value: Value = serde_json::from_str(data).unwrap_or(Value::Null);
    if let Some(map) = value.as_object_mut() {
        map.retain(|key, _| !CONVERSATION.contains(&key.as_str()) && !key.contains("transcript"));
        map.insert("askpro_conversation_purged".into(), true.into());
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_taken_as_written_in_international_form() {
        assert_eq!(
            normalise_phone("+49 151 123-456 78").unwrap(),
            "+4915112345678"
        );
        assert_eq!(
            normalise_phone("+49 (30) 1234/5678").unwrap(),
            "+493012345678"
        );
        for bad in ["015112345678", "+49abc", "+12", ""] {
            assert!(
                normalise_phone(bad)
                    .unwrap_err()
                    .to_string()
                    .contains("international form"),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_purged_call_keeps_its_times_and_loses_what_was_said() {
        let data = json!({ "call_id": "c1", "start_timestamp": 1, "transcript": "Hallo",
                           "transcript_object": [], "call_analysis": { "call_summary": "Eva …" },
                           "recording_url": "https://…", "disconnection_reason": "user_hangup" });
        let purged: Value = serde_json::from_str(&without_conversation(&data.to_string())).unwrap();
        assert_eq!(
            purged,
            json!({ "call_id": "c1", "start_timestamp": 1,
            "disconnection_reason": "user_hangup", "askpro_conversation_purged": true })
        );
    }
}

/// What outside services keep about the caller, which AskPro cannot erase for them: the
/// Cal.com bookings of their appointments (attendee name and e-mail) and Retell's copies of
/// their calls (recording, transcript). The operator erases those there, by these ids.
fn kept_elsewhere(record: &PersonRecord) -> Value {
    let bookings: Vec<&str> = record
        .appointments
        .iter()
        .filter_map(|a| a.calcom_uid.as_deref())
        .collect();
    let calls: Vec<&str> = record.calls.iter().map(|c| c.call_id.as_str()).collect();
    json!({ "calcom_bookings": bookings, "retell_calls": calls })
}
