//! `appointments remove-duplicates`: the same customer booked twice for the same service
//! and start, and one staff member booked twice at once (a Cal.com booking kept as a
//! conflict beside a local appointment, or an appointment Cal.com refused). The one made
//! first stays; the others are cancelled (in Cal.com too) and their customers get a
//! German apology with the nearest free times.

use crate::App;
use crate::booking::{Actor, AvailabilityQuery};
use crate::error::Result;
use crate::model::CompanyModel;
use crate::time::format_local;
use askpro_connectors::calcom::CalcomError;
use askpro_store::appointments::{self, AppointmentRow, ListFilter};
use askpro_store::calcom::{self as store, Conflict};
use askpro_store::jobs::{self, NewJob};
use askpro_store::new_id;
use serde::Serialize;
use std::collections::HashMap;

/// One booking in a duplicate group, as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The appointment id, or `calcom:UID` for a Cal.com booking kept as a conflict.
    pub id: String,
    pub customer: String,
    pub start: String,
    pub staff: String,
    pub service: String,
    pub created: String,
}

/// A group of bookings of which one stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duplicate {
    /// `same_customer`, `overlap` (a Cal.com conflict) or `refused` (Cal.com refused it).
    pub kind: &'static str,
    pub keep: Option<Entry>,
    pub remove: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicatesReport {
    pub company: String,
    pub confirmed: bool,
    pub groups: Vec<Duplicate>,
    /// Bookings cancelled by `--confirm`.
    pub cancelled: usize,
    pub apologies: usize,
}

/// The apology mail job.
pub const APOLOGY: &str = "email.appointment_apology";

impl App {
    /// Finds (and with `confirm` removes) company `slug`'s duplicate bookings from now on.
    pub async fn remove_duplicates(&self, slug: &str, confirm: bool) -> Result<DuplicatesReport> {
        let model = self.company(slug).await?;
        let now = self.now_ms();
        let filter = ListFilter {
            company_id: model.id().to_owned(),
            starts_from: now,
            starts_to: now + 400 * 86_400_000,
            status: Some("booked".into()),
            staff_id: None,
            customer_phone: None,
        };
        let rows = appointments::list(&self.db, &filter).await?;
        let conflicts = store::open_conflicts(&self.db, model.id()).await?;
        let mut report = DuplicatesReport {
            company: slug.to_owned(),
            confirmed: confirm,
            groups: Vec::new(),
            cancelled: 0,
            apologies: 0,
        };
        for group in same_customer(&rows) {
            report
                .groups
                .push(self.group_of(&model, "same_customer", &group));
            if confirm {
                for extra in &group[1..] {
                    self.withdraw(&model, extra, &mut report).await?;
                }
            }
        }
        let by_id: HashMap<&str, &AppointmentRow> =
            rows.iter().map(|r| (r.id.as_str(), r)).collect();
        for conflict in &conflicts {
            let holder = by_id.get(conflict.appointment_id.as_str()).copied();
            self.settle_conflict(&model, conflict, holder, confirm, &mut report)
                .await?;
        }
        // An appointment in an overlap group was decided there already.
        let decided: Vec<&str> = conflicts
            .iter()
            .map(|c| c.appointment_id.as_str())
            .collect();
        let refused_rows = rows
            .iter()
            .filter(|r| r.sync.as_deref() == Some("conflict") && !decided.contains(&r.id.as_str()));
        for refused in refused_rows {
            report.groups.push(Duplicate {
                kind: "refused",
                keep: None,
                remove: vec![entry(&model, refused)],
            });
            if confirm {
                self.withdraw(&model, refused, &mut report).await?;
            }
        }
        Ok(report)
    }

    fn group_of(
        &self,
        model: &CompanyModel,
        kind: &'static str,
        group: &[&AppointmentRow],
    ) -> Duplicate {
        Duplicate {
            kind,
            keep: group.first().map(|r| entry(model, r)),
            remove: group[1..].iter().map(|r| entry(model, r)).collect(),
        }
    }

    /// A Cal.com booking beside a local appointment: the one booked first stays.
    async fn settle_conflict(
        &self,
        model: &CompanyModel,
        conflict: &Conflict,
        holder: Option<&AppointmentRow>,
        confirm: bool,
        report: &mut DuplicatesReport,
    ) -> Result<()> {
        let calcom_entry = conflict_entry(model, conflict);
        let Some(holder) = holder else {
            // The local appointment is gone: the Cal.com booking no longer collides.
            if confirm {
                let mut tx = self.db.begin_write().await?;
                store::resolve_conflict(
                    &mut tx,
                    &conflict.uid,
                    "the local appointment is gone",
                    self.now_ms(),
                )
                .await?;
                tx.commit().await?;
            }
            return Ok(());
        };
        let local_first = holder.created_at <= conflict.booked_at;
        let (keep, remove) = if local_first {
            (entry(model, holder), calcom_entry)
        } else {
            (calcom_entry, entry(model, holder))
        };
        report.groups.push(Duplicate {
            kind: "overlap",
            keep: Some(keep),
            remove: vec![remove],
        });
        if !confirm {
            return Ok(());
        }
        if local_first {
            self.cancel_conflict_booking(model, conflict, report).await
        } else {
            self.withdraw(model, holder, report).await?;
            let mut tx = self.db.begin_write().await?;
            store::resolve_conflict(
                &mut tx,
                &conflict.uid,
                "kept; the later local appointment was cancelled",
                self.now_ms(),
            )
            .await?;
            tx.commit().await?;
            // The Cal.com booking now fits: the next sync (or this one) mirrors it.
            if let Ok(Some(client)) = self.calcom_client(model)
                && let Ok(booking) = client.booking(&conflict.uid).await
            {
                self.mirror_active(model, &booking).await?;
            }
            Ok(())
        }
    }

    /// Cancels a Cal.com booking kept as a conflict, and apologises to its customer.
    async fn cancel_conflict_booking(
        &self,
        model: &CompanyModel,
        conflict: &Conflict,
        report: &mut DuplicatesReport,
    ) -> Result<()> {
        if let Some(client) = self.calcom_client(model)? {
            match client
                .cancel_booking(&conflict.uid, "Doppelt vergeben")
                .await
            {
                Ok(()) | Err(CalcomError::NotFound(_)) => {}
                Err(error) => return Err(error.into()),
            }
        }
        let mut tx = self.db.begin_write().await?;
        store::resolve_conflict(
            &mut tx,
            &conflict.uid,
            "cancelled; the earlier appointment stays",
            self.now_ms(),
        )
        .await?;
        tx.commit().await?;
        report.cancelled += 1;
        let service =
            model.tenant().services.iter().find(|s| {
                model.ids().service_ids.get(s.slug.as_str()) == Some(&conflict.service_id)
            });
        if let (Some(email), Some(service)) = (&conflict.customer_email, service) {
            let branch = model
                .ids()
                .branch_ids
                .iter()
                .find(|(_, id)| **id == conflict.branch_id)
                .map(|(slug, _)| slug.clone())
                .unwrap_or_default();
            let apology = Apology {
                to: email,
                name: &conflict.customer_name,
                service: service.slug.as_str(),
                service_name: &service.name,
                branch: &branch,
                starts_at: conflict.starts_at,
                key: &format!("calcom:{}", conflict.uid),
            };
            self.apologise(model, &apology).await?;
            report.apologies += 1;
        }
        Ok(())
    }

    /// Cancels a local appointment (and its Cal.com booking) and apologises.
    async fn withdraw(
        &self,
        model: &CompanyModel,
        row: &AppointmentRow,
        report: &mut DuplicatesReport,
    ) -> Result<()> {
        let actor = Actor {
            kind: "cli",
            origin: Some("remove-duplicates".into()),
        };
        self.cancel_quietly(model.slug(), &row.id, Some("Doppelt vergeben"), &actor)
            .await?;
        report.cancelled += 1;
        if let Some(email) = &row.customer_email {
            let apology = Apology {
                to: email,
                name: &row.customer_name,
                service: &row.service_slug,
                service_name: &row.service_name,
                branch: &row.branch_slug,
                starts_at: row.starts_at,
                key: &row.id,
            };
            self.apologise(model, &apology).await?;
            report.apologies += 1;
        }
        Ok(())
    }

    /// Queues the apology with the three nearest free starts of the same service.
    async fn apologise(&self, model: &CompanyModel, apology: &Apology<'_>) -> Result<()> {
        let zone = model.zone(apology.branch);
        let day = jiff::Timestamp::from_millisecond(apology.starts_at)
            .map(|t| t.to_zoned_datetime(zone.clone()).date())
            .unwrap_or_else(|_| self.now().to_zoned_datetime(zone.clone()).date());
        let query = AvailabilityQuery {
            service: apology.service.to_owned(),
            from: day,
            days: 14,
            branch: Some(apology.branch.to_owned()).filter(|b| !b.is_empty()),
            staff: None,
        };
        let alternatives: Vec<String> = self
            .availability(model.slug(), &query)
            .await
            .unwrap_or_default()
            .iter()
            .filter(|s| s.start_ms != apology.starts_at)
            .take(3)
            .map(|s| crate::time::spoken_local(s.start_ms, &zone))
            .collect();
        let formality = model.tenant().company.formality;
        let payload = serde_json::json!({
            "company_id": model.id(), "company": model.slug(), "to": apology.to,
            "subject": format!("Ihr Termin am {} – es tut uns leid", crate::time::spoken_local(apology.starts_at, &zone)),
            "text": super::letters::apology_text(apology.name, apology.service_name, &crate::time::spoken_local(apology.starts_at, &zone), &alternatives, &model.tenant().company.name, formality),
        });
        let now = self.now_ms();
        let job = NewJob {
            id: new_id(),
            queue: "emails",
            kind: APOLOGY,
            payload,
            max_attempts: 8,
            run_at: now,
            idempotency_key: Some(format!("{APOLOGY}:{}", apology.key)),
            company_id: Some(model.id()),
        };
        let mut tx = self.db.begin_write().await?;
        jobs::enqueue(&mut tx, &job, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

struct Apology<'a> {
    to: &'a str,
    name: &'a str,
    service: &'a str,
    service_name: &'a str,
    branch: &'a str,
    starts_at: i64,
    /// What the apology is about, so a second run sends none.
    key: &'a str,
}

/// Groups of booked appointments of one customer (phone or e-mail) for one service and
/// start, each group ordered by creation, the first to stay.
fn same_customer(rows: &[AppointmentRow]) -> Vec<Vec<&AppointmentRow>> {
    let mut groups: HashMap<(String, i64, String), Vec<&AppointmentRow>> = HashMap::new();
    for row in rows {
        let contact = row
            .customer_phone
            .clone()
            .or_else(|| row.customer_email.as_deref().map(str::to_lowercase));
        if let Some(contact) = contact {
            groups
                .entry((row.service_id.clone(), row.starts_at, contact))
                .or_default()
                .push(row);
        }
    }
    let mut found: Vec<Vec<&AppointmentRow>> = groups
        .into_values()
        .filter(|g| g.len() > 1)
        .map(|mut g| {
            g.sort_by(|a, b| {
                a.created_at
                    .cmp(&b.created_at)
                    .then_with(|| a.id.cmp(&b.id))
            });
            g
        })
        .collect();
    found.sort_by_key(|g| g[0].starts_at);
    found
}

fn entry(model: &CompanyModel, row: &AppointmentRow) -> Entry {
    let zone = model.zone(&row.branch_slug);
    Entry {
        id: row.id.clone(),
        customer: row.customer_name.clone(),
        start: format_local(row.starts_at, &zone),
        staff: row.staff_slug.clone(),
        service: row.service_slug.clone(),
        created: format_local(row.created_at, &zone),
    }
}

fn conflict_entry(model: &CompanyModel, conflict: &Conflict) -> Entry {
    let ids = model.ids();
    let slug_of = |map: &HashMap<String, String>, id: &str| {
        map.iter()
            .find(|(_, v)| v.as_str() == id)
            .map(|(k, _)| k.clone())
            .unwrap_or_default()
    };
    let branch = slug_of(&ids.branch_ids, &conflict.branch_id);
    let zone = model.zone(&branch);
    Entry {
        id: format!("calcom:{}", conflict.uid),
        customer: conflict.customer_name.clone(),
        start: format_local(conflict.starts_at, &zone),
        staff: slug_of(&ids.staff_ids, &conflict.staff_id),
        service: slug_of(&ids.service_ids, &conflict.service_id),
        created: format_local(conflict.booked_at, &zone),
    }
}
