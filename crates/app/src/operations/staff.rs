//! Staff and their services: who works where and does what (`staff show-assignments`),
//! moving one person's appointments to another (`staff reassign`), and bringing the
//! service–staff links in line with Cal.com's event type hosts (`services sync-staff`).

use crate::App;
use crate::booking::Actor;
use crate::error::{AppError, Result};
use crate::model::CompanyModel;
use askpro_store::appointments::{self, ListFilter};
use askpro_store::{audit, operations};
use jiff::Timestamp;
use serde::Serialize;
use std::collections::BTreeSet;

/// One staff member at a branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignment {
    pub staff: String,
    pub name: String,
    pub services: Vec<String>,
    /// Their weekly hours in words, or the branch's when they have none of their own.
    pub hours: String,
    pub upcoming: i64,
    pub calcom_username: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assignments {
    pub company: String,
    pub branch: String,
    pub staff: Vec<Assignment>,
    /// Services nobody at this branch performs.
    pub uncovered: Vec<String>,
}

/// One appointment `staff reassign` looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reassignment {
    pub id: String,
    pub start: String,
    pub service: String,
    pub customer: String,
    pub moved: bool,
    /// Why it could not move (not qualified, busy, …).
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReassignReport {
    pub company: String,
    pub from: String,
    pub to: String,
    pub dry_run: bool,
    pub appointments: Vec<Reassignment>,
}

/// One service–staff link to add or remove.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LinkChange {
    pub staff: String,
    pub service: String,
    /// `add` or `remove`.
    pub change: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub company: String,
    pub branch: String,
    /// `tenant file` or `Cal.com event type hosts`.
    pub source: &'static str,
    pub dry_run: bool,
    pub changes: Vec<LinkChange>,
}

impl App {
    /// The company a branch slug belongs to: `company` when given, else the only
    /// company with a branch of that slug.
    pub async fn company_of_branch(&self, branch: &str, company: Option<&str>) -> Result<String> {
        self.company_of(company, ("branch", branch), |model| {
            model.tenant().branch(branch).is_some()
        })
        .await
    }

    /// The same for a staff member's slug.
    pub async fn company_of_staff(&self, staff: &str, company: Option<&str>) -> Result<String> {
        self.company_of(company, ("staff member", staff), |model| {
            model.tenant().staff_member(staff).is_some()
        })
        .await
    }

    async fn company_of(
        &self,
        company: Option<&str>,
        (kind, slug): (&str, &str),
        has: impl Fn(&CompanyModel) -> bool,
    ) -> Result<String> {
        if let Some(company) = company {
            let model = self.company(company).await?;
            return if has(&model) {
                Ok(company.to_owned())
            } else {
                Err(AppError::NotFound(format!(
                    "{kind} `{slug}` is not in company `{company}`"
                )))
            };
        }
        let mut found = Vec::new();
        for summary in askpro_store::tenants::list(&self.db).await? {
            if has(&*self.company(&summary.slug).await?) {
                found.push(summary.slug);
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(AppError::NotFound(format!(
                "unknown {kind} `{slug}`: no company has a {kind} with that slug"
            ))),
            _ => Err(AppError::Invalid(format!(
                "{kind} `{slug}` exists in several companies ({}); add --company-id",
                found.join(", ")
            ))),
        }
    }

    /// `staff show-assignments --branch-id B`.
    pub async fn assignments(&self, company: &str, branch: &str) -> Result<Assignments> {
        let model = self.company(company).await?;
        let branch = model.branch(branch)?;
        let upcoming = operations::upcoming_per_staff(&self.db, model.id(), self.now_ms()).await?;
        let count = |slug: &str| {
            upcoming
                .iter()
                .find(|(s, _)| s == slug)
                .map_or(0, |(_, n)| *n)
        };
        let staff: Vec<Assignment> = model
            .tenant()
            .staff
            .iter()
            .filter(|s| s.branches.contains(&branch.slug))
            .map(|s| Assignment {
                staff: s.slug.to_string(),
                name: s.name.clone(),
                services: s.services.iter().map(|x| x.to_string()).collect(),
                hours: askpro_german::prompt::hours_in_words(
                    s.hours.as_ref().unwrap_or(&branch.hours),
                ),
                upcoming: count(s.slug.as_str()),
                calcom_username: s.calcom_username.clone(),
            })
            .collect();
        let uncovered = model
            .tenant()
            .services
            .iter()
            .filter(|svc| {
                !staff
                    .iter()
                    .any(|a| a.services.contains(&svc.slug.to_string()))
            })
            .map(|svc| svc.slug.to_string())
            .collect();
        Ok(Assignments {
            company: company.to_owned(),
            branch: branch.slug.to_string(),
            staff,
            uncovered,
        })
    }

    /// `staff reassign --from A --to B`: each of A's appointments (from now on with
    /// `future_only`, else all still booked) goes to B at the same time where B performs
    /// the service at that branch and is free; the rest stay, each with why.
    pub async fn reassign(
        &self,
        company: &str,
        from: &str,
        to: &str,
        future_only: bool,
        dry_run: bool,
        actor: &Actor,
    ) -> Result<ReassignReport> {
        let model = self.company(company).await?;
        let from_id = model.ids().staff_ids.get(from).cloned().ok_or_else(|| {
            AppError::NotFound(format!(
                "staff member `{from}` is not in company `{company}`"
            ))
        })?;
        let target = model.staff_member(to)?;
        if from == to {
            return Err(AppError::Invalid(
                "--from and --to name the same staff member".into(),
            ));
        }
        let now = self.now_ms();
        let filter = ListFilter {
            company_id: model.id().to_owned(),
            starts_from: if future_only { now } else { 0 },
            starts_to: i64::MAX / 2,
            status: Some("booked".into()),
            staff_id: Some(from_id),
            customer_phone: None,
        };
        let rows = appointments::list(&self.db, &filter).await?;
        let mut report = ReassignReport {
            company: company.to_owned(),
            from: from.to_owned(),
            to: to.to_owned(),
            dry_run,
            appointments: Vec::new(),
        };
        for row in rows {
            let tz = model.zone(&row.branch_slug);
            let mut line = Reassignment {
                id: row.id.clone(),
                start: crate::format_local(row.starts_at, &tz),
                service: row.service_slug.clone(),
                customer: row.customer_name.clone(),
                moved: false,
                reason: None,
            };
            if !target
                .services
                .iter()
                .any(|s| s.as_str() == row.service_slug)
            {
                line.reason = Some(format!("{to} does not perform `{}`", row.service_slug));
            } else if !target
                .branches
                .iter()
                .any(|b| b.as_str() == row.branch_slug)
            {
                line.reason = Some(format!("{to} does not work at `{}`", row.branch_slug));
            } else if row.starts_at < now {
                line.reason = Some("it is in the past".into());
            } else {
                let start = Timestamp::from_millisecond(row.starts_at)
                    .map_err(|e| AppError::Invalid(e.to_string()))?;
                let outcome = if dry_run {
                    self.can_take(&model, &row, start, to).await
                } else {
                    self.reschedule(company, &row.id, start, Some(to), actor)
                        .await
                        .map(|_| ())
                };
                match outcome {
                    Ok(()) => line.moved = true,
                    Err(AppError::SlotUnavailable(why)) => {
                        line.reason = Some(format!("{to} is not free then ({why})"))
                    }
                    Err(other) => line.reason = Some(other.to_string()),
                }
            }
            report.appointments.push(line);
        }
        Ok(report)
    }

    /// Whether `to` could take `row` at its time (the dry run of a reassignment).
    async fn can_take(
        &self,
        model: &CompanyModel,
        row: &appointments::AppointmentRow,
        start: Timestamp,
        to: &str,
    ) -> Result<()> {
        let member = model.staff_member(to)?;
        let branch = model.branch(&row.branch_slug)?;
        let service = model.service(&row.service_slug)?;
        let tz = model.zone(branch.slug.as_str());
        let busy = self.busy_around(model, &[member], start).await?;
        let engine = crate::booking::engine_for(model, branch, service, &tz, self.now());
        engine
            .check_slot(&crate::booking::staff_calendar(model, member, &busy), start)
            .map_err(AppError::SlotUnavailable)
    }

    /// What `services sync-staff` would change at `branch` (all branches when `None`):
    /// links of the tenant's staff that Cal.com's event type hosts contradict.
    pub async fn staff_sync_plan(
        &self,
        company: &str,
        branch: Option<&str>,
    ) -> Result<Vec<LinkChange>> {
        let model = self.company(company).await?;
        let Some(client) = self.calcom_client(&model)? else {
            return Ok(Vec::new());
        };
        let tenant = model.tenant();
        let mut changes = BTreeSet::new();
        for service in &tenant.services {
            let Some(id) = service.calcom_event_type_id else {
                continue;
            };
            let kind = client.event_type(id).await?;
            let hosts: BTreeSet<&str> = kind["hosts"]
                .as_array()
                .map(|h| h.iter().filter_map(|x| x["username"].as_str()).collect())
                .unwrap_or_default();
            let at_branch = tenant
                .staff
                .iter()
                .filter(|s| branch.is_none_or(|b| s.branches.iter().any(|x| x.as_str() == b)));
            for member in at_branch {
                let Some(username) = member.calcom_username.as_deref() else {
                    continue;
                };
                let linked = member.services.contains(&service.slug);
                let hosted = hosts.contains(username);
                if linked != hosted {
                    changes.insert(LinkChange {
                        staff: member.slug.to_string(),
                        service: service.slug.to_string(),
                        change: if hosted { "add" } else { "remove" },
                    });
                }
            }
        }
        Ok(changes.into_iter().collect())
    }

    /// `services sync-staff --branch-id B`: applies [`App::staff_sync_plan`] in one
    /// transaction with an audit entry per staff member.
    pub async fn sync_staff(
        &self,
        company: &str,
        branch: &str,
        dry_run: bool,
        actor: &Actor,
    ) -> Result<SyncReport> {
        let model = self.company(company).await?;
        model.branch(branch)?;
        let changes = self.staff_sync_plan(company, Some(branch)).await?;
        let source = if model.tenant().calcom.is_some() {
            "Cal.com event type hosts"
        } else {
            "tenant file"
        };
        if !dry_run && !changes.is_empty() {
            let now = self.now_ms();
            let mut tx = self.db.begin_write().await?;
            let touched: BTreeSet<&str> = changes.iter().map(|c| c.staff.as_str()).collect();
            for staff in touched {
                let member = model.staff_member(staff)?;
                let mut services: BTreeSet<String> =
                    member.services.iter().map(|s| s.to_string()).collect();
                for change in changes.iter().filter(|c| c.staff == staff) {
                    if change.change == "add" {
                        services.insert(change.service.clone());
                    } else {
                        services.remove(&change.service);
                    }
                }
                let ids: Vec<String> = services
                    .iter()
                    .filter_map(|s| model.ids().service_ids.get(s.as_str()).cloned())
                    .collect();
                let staff_id = &model.ids().staff_ids[staff];
                operations::set_staff_services(&mut tx, staff_id, &ids).await?;
                let before = serde_json::json!({ "services": member.services });
                let after = serde_json::json!({ "services": services });
                audit::record(
                    &mut tx,
                    &audit::AuditEntry {
                        company_id: model.id(),
                        entity: "staff",
                        entity_id: staff_id,
                        action: "sync_services",
                        actor: actor.kind,
                        origin: actor.origin.as_deref(),
                        before: Some(before),
                        after: Some(after),
                    },
                    now,
                )
                .await?;
            }
            operations::bump_revision(&mut tx, model.id(), now).await?;
            tx.commit().await?;
            self.forget_cached_tenants();
        }
        Ok(SyncReport {
            company: company.to_owned(),
            branch: branch.to_owned(),
            source,
            dry_run,
            changes,
        })
    }
}
