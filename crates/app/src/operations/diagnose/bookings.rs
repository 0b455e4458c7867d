//! Checks on the calendar: double bookings, duplicate webhook deliveries, who does what
//! where, and whether anything can be booked at all.

use super::calls::note_unreachable;
use super::outside::{Fact, OutsideFacts};
use super::{Check, CheckStatus, command};
use crate::App;
use crate::booking::AvailabilityQuery;
use crate::error::Result;
use crate::model::CompanyModel;
use askpro_store::{calls, operations};

impl App {
    pub(super) async fn check_double_bookings(
        &self,
        model: &CompanyModel,
        facts: &OutsideFacts,
    ) -> Result<Check> {
        let mut check = Check::new("double-bookings", &[2]);
        let slug = model.slug();
        let duplicates = self.remove_duplicates(slug, false).await?;
        let extra: usize = duplicates.groups.iter().map(|g| g.remove.len()).sum();
        if extra > 0 {
            let first = &duplicates.groups[0];
            let example = first
                .remove
                .first()
                .map(|e| format!("{} {} with {}", e.customer, e.start, e.staff))
                .unwrap_or_default();
            check.note(
                CheckStatus::Fail,
                format!(
                    "{extra} duplicate booking(s) in {} group(s) (e.g. {example})",
                    duplicates.groups.len()
                ),
            );
            check.fix_with(command(format!(
                "appointments remove-duplicates --company-id {slug} --dry-run"
            )));
            check.fix_with(command(format!(
                "appointments remove-duplicates --company-id {slug} --confirm"
            )));
        } else {
            check.note(CheckStatus::Ok, "no duplicate bookings ahead");
        }
        let since = self.now_ms() - 86_400_000;
        let mut repeated = Vec::new();
        for (call_id, count) in calls::repeated_bookings(&self.db, since).await? {
            if calls::call_company(&self.db, &call_id).await?.as_deref() == Some(model.id()) {
                repeated.push(format!("{call_id} ({count}×)"));
            }
        }
        if !repeated.is_empty() {
            check.note(
                CheckStatus::Warn,
                format!(
                    "calls that booked more than once (24 h): {}",
                    repeated.join(", ")
                ),
            );
            check.fix_with(command("webhook check-duplicates --last-hour"));
        }
        match &facts.calcom {
            Fact::Got(status) if status.conflicts > 0 || status.pending > 0 => {
                check.note(
                    CheckStatus::Fail,
                    format!(
                        "Cal.com: {} conflicting and {} pending appointment(s)",
                        status.conflicts, status.pending
                    ),
                );
                check.fix_with(command(format!("calcom force-sync --company-id {slug}")));
            }
            Fact::Got(_) => check.note(CheckStatus::Ok, "Cal.com agrees"),
            Fact::Absent(why) => check.note(CheckStatus::Ok, format!("skip: {why}")),
            other => note_unreachable(&mut check, "Cal.com", other, false, ""),
        }
        Ok(check)
    }

    pub(super) async fn check_webhook_duplicates(&self, model: &CompanyModel) -> Result<Check> {
        let mut check = Check::new("webhook-duplicates", &[2]);
        let now = self.now_ms();
        let mut duplicates = 0;
        for event in calls::duplicate_events(&self.db, now - 3_600_000).await? {
            if calls::call_company(&self.db, &event.call_id)
                .await?
                .as_deref()
                == Some(model.id())
            {
                duplicates += event.duplicates;
            }
        }
        let (waiting, oldest) = calls::merge_backlog(&self.db).await?;
        let lag_s = oldest.map_or(0, |at| (now - at).max(0) / 1000);
        if lag_s > 60 {
            check.note(
                CheckStatus::Fail,
                format!("{waiting} deliveries wait to be merged, the oldest for {lag_s} s"),
            );
            check.fix_with(command("webhook check-duplicates --last-hour"));
            check.fix_with(command("webhook pause --duration 5"));
            check.fix_with(command("system check-resources"));
        } else {
            check.note(CheckStatus::Ok, format!("merge lag {lag_s} s"));
        }
        if duplicates > 0 {
            check.note(
                CheckStatus::Warn,
                format!("Retell repeated {duplicates} delivery(ies) in the last hour; each was stored once"),
            );
            check.fix_with(command("webhook check-duplicates --last-hour"));
        } else {
            check.note(CheckStatus::Ok, "no repeated deliveries in the last hour");
        }
        Ok(check)
    }

    pub(super) async fn check_staff(
        &self,
        model: &CompanyModel,
        facts: &OutsideFacts,
    ) -> Result<Check> {
        let mut check = Check::new("staff", &[5]);
        let tenant = model.tenant();
        let slug = model.slug();
        // A service nobody at a branch performs: a caller there hears "nichts frei"
        // instead of "das bieten wir dort nicht an".
        for branch in &tenant.branches {
            let uncovered: Vec<&str> = tenant
                .services
                .iter()
                .filter(|service| {
                    !tenant.staff.iter().any(|s| {
                        s.branches.contains(&branch.slug) && s.services.contains(&service.slug)
                    })
                })
                .map(|service| service.slug.as_str())
                .collect();
            if !uncovered.is_empty() {
                check.note(
                    CheckStatus::Fail,
                    format!(
                        "nobody at `{}` performs {}",
                        branch.slug,
                        uncovered
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                check.fix_with(command(format!(
                    "staff show-assignments --company-id {slug} --branch-id {}",
                    branch.slug
                )));
            }
        }
        let misassigned = operations::misassigned(&self.db, model.id(), self.now_ms()).await?;
        for (staff, rows) in group_by_staff(&misassigned) {
            let first = rows[0];
            let why = if first.does_service {
                format!("no longer works at branch `{}`", first.branch)
            } else {
                format!("no longer performs `{}`", first.service)
            };
            check.note(
                CheckStatus::Fail,
                format!(
                    "{} future appointment(s) with `{staff}`, who {why}",
                    rows.len()
                ),
            );
            check.fix_with(command(format!(
                "staff show-assignments --company-id {slug} --branch-id {}",
                first.branch
            )));
            let substitute = tenant.staff.iter().find(|s| {
                s.slug.as_str() != staff
                    && s.services.iter().any(|x| x.as_str() == first.service)
                    && s.branches.iter().any(|b| b.as_str() == first.branch)
            });
            match substitute {
                Some(to) => check.fix_with(command(format!(
                    "staff reassign --company-id {slug} --from {staff} --to {} --future-only --dry-run",
                    to.slug
                ))),
                None => check.note(
                    CheckStatus::Fail,
                    format!(
                        "nobody else performs `{}` at `{}`: move or cancel them by hand",
                        first.service, first.branch
                    ),
                ),
            }
            if let Some(to) = substitute {
                check.fix_with(command(format!(
                    "staff reassign --company-id {slug} --from {staff} --to {} --future-only",
                    to.slug
                )));
            }
        }
        if check.status == CheckStatus::Ok {
            check.note(
                CheckStatus::Ok,
                format!(
                    "{} staff, every service has someone, every future appointment is with someone who does it there",
                    tenant.staff.len()
                ),
            );
        }
        match &facts.staff_links {
            Fact::Got(plan) if !plan.is_empty() => {
                check.note(
                    CheckStatus::Fail,
                    format!(
                        "Cal.com hosts differ from the tenant file in {} link(s)",
                        plan.len()
                    ),
                );
                for branch in &tenant.branches {
                    check.fix_with(command(format!(
                        "services sync-staff --company-id {slug} --branch-id {}",
                        branch.slug
                    )));
                }
            }
            Fact::Got(_) | Fact::Absent(_) => {}
            other => note_unreachable(&mut check, "Cal.com", other, false, ""),
        }
        Ok(check)
    }

    pub(super) async fn check_availability(
        &self,
        model: &CompanyModel,
        facts: &OutsideFacts,
    ) -> Result<Check> {
        let mut check = Check::new("availability", &[8]);
        let slug = model.slug();
        let tenant = model.tenant();
        for branch in &tenant.branches {
            let tz = model.zone(branch.slug.as_str());
            let today = self.now().to_zoned_datetime(tz).date();
            let mut free = 0;
            for service in &tenant.services {
                let query = AvailabilityQuery {
                    service: service.slug.to_string(),
                    from: today,
                    days: 7,
                    branch: Some(branch.slug.to_string()),
                    staff: None,
                };
                free += self.local_availability(slug, &query).await?.len();
                if free > 0 {
                    break;
                }
            }
            if free == 0 {
                check.note(
                    CheckStatus::Fail,
                    format!(
                        "branch `{}` has no free slot in the next 7 days",
                        branch.slug
                    ),
                );
                check.fix_with(command(format!(
                    "branch show-hours --company-id {slug} --branch-id {}",
                    branch.slug
                )));
            }
        }
        if check.status == CheckStatus::Ok {
            check.note(
                CheckStatus::Ok,
                format!(
                    "all {} branch(es) have free slots in the next 7 days",
                    tenant.branches.len()
                ),
            );
        }
        match &facts.zones {
            Fact::Got(report) => {
                let wrong: Vec<String> = report
                    .zones
                    .iter()
                    .filter(|z| !z.ok)
                    .map(|z| format!("{}: {}", z.what, z.zone))
                    .collect();
                if wrong.is_empty() {
                    check.note(CheckStatus::Ok, "time zones agree");
                } else {
                    check.note(
                        CheckStatus::Fail,
                        format!(
                            "time zones disagree: {}; correct `timezone` in the tenant file and apply it",
                            wrong.join("; ")
                        ),
                    );
                    check.fix_with(command(format!("timezone verify --company-id {slug}")));
                    // The tenant file is the source of truth: correct the zone there.
                    check.fix_with(command("tenant apply TENANT_FILE"));
                }
            }
            other => note_unreachable(&mut check, "Cal.com", other, false, ""),
        }
        if let Fact::Got(gaps) = &facts.availability_gaps {
            let extra: Vec<String> = gaps
                .iter()
                .filter(|g| !g.calcom_only.is_empty())
                .map(|g| {
                    format!(
                        "{} {} {} {} ({})",
                        g.service,
                        g.staff,
                        g.date,
                        g.calcom_only.join(", "),
                        g.reason
                    )
                })
                .collect();
            if !extra.is_empty() {
                check.note(
                    CheckStatus::Fail,
                    format!(
                        "Cal.com offers times AskPro does not in {} case(s), e.g. {}",
                        extra.len(),
                        extra[0]
                    ),
                );
                check.fix_with(command(format!(
                    "calcom refresh-availability --company-id {slug} --next-days 7"
                )));
            }
        }
        if let Fact::Got(status) = &facts.calcom
            && !status.healthy()
        {
            check.note(
                CheckStatus::Warn,
                "Cal.com needs attention (see `calcom status`); its slots may differ from AskPro's",
            );
            check.fix_with(command(format!(
                "calcom refresh-availability --company-id {slug} --next-days 7"
            )));
        }
        Ok(check)
    }
}

/// Misassigned appointments per staff member, in first-seen order.
fn group_by_staff(rows: &[operations::Misassigned]) -> Vec<(&str, Vec<&operations::Misassigned>)> {
    let mut groups: Vec<(&str, Vec<&operations::Misassigned>)> = Vec::new();
    for row in rows {
        match groups.iter_mut().find(|(s, _)| *s == row.staff) {
            Some((_, list)) => list.push(row),
            None => groups.push((row.staff.as_str(), vec![row])),
        }
    }
    groups
}
