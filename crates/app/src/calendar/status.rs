//! What operators ask of the Cal.com seam: does the key work, are the event types and
//! hosts there, is the webhook subscribed, when was the last sync (`calcom status`);
//! where do AskPro and Cal.com offer different times and why
//! (`calcom refresh-availability`); and do the time zones agree (`timezone verify`).

use crate::App;
use crate::booking::AvailabilityQuery;
use crate::booking::{engine_for, staff_calendar};
use crate::error::{AppError, Result};
use crate::model::CompanyModel;
use crate::time::format_local;
use askpro_connectors::calcom::{CalCom, SlotsQuery};
use askpro_store::calcom as store;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub what: String,
    pub ok: bool,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalcomStatus {
    pub company: String,
    pub base_url: String,
    pub checks: Vec<Check>,
    pub last_sync: Option<String>,
    pub last_sync_error: Option<String>,
    pub pending: usize,
    pub conflicts: usize,
    pub open_collisions: usize,
}

impl CalcomStatus {
    pub fn healthy(&self) -> bool {
        self.checks.iter().all(|c| c.ok) && self.conflicts == 0 && self.open_collisions == 0
    }
}

/// One service, host and day on which the two calendars offer different starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AvailabilityGap {
    pub service: String,
    pub branch: String,
    pub staff: String,
    pub date: String,
    /// Local times AskPro offers and Cal.com does not, as ranges (`09:00–11:15`).
    pub askpro_only: Vec<String>,
    /// Local times Cal.com offers and AskPro does not.
    pub calcom_only: Vec<String>,
    /// Why, by both sides' rules: hours, holiday, notice, horizon, booking, time zone.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneLine {
    pub what: String,
    pub zone: String,
    pub ok: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneReport {
    pub company: String,
    pub zones: Vec<ZoneLine>,
    /// The next daylight-saving changes of each branch zone, and the bookings within a
    /// day of each.
    pub transitions: Vec<ZoneTransition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneTransition {
    pub zone: String,
    pub at: String,
    pub offset_after: String,
    pub bookings_around: usize,
}

impl ZoneReport {
    pub fn mismatches(&self) -> usize {
        self.zones.iter().filter(|z| !z.ok).count()
    }
}

fn check(what: impl Into<String>, ok: bool, detail: impl Into<String>) -> Check {
    Check {
        what: what.into(),
        ok,
        detail: detail.into(),
    }
}

impl App {
    /// The company's Cal.com client, or a refusal naming the missing `[calcom]` section.
    pub(crate) fn calcom_of(&self, model: &CompanyModel) -> Result<CalCom> {
        self.calcom_client(model)?.ok_or_else(|| {
            AppError::Invalid(format!(
                "company `{}` has no [calcom] section in its tenant file",
                model.slug()
            ))
        })
    }

    /// `calcom status`: each check with what it found.
    pub async fn calcom_status(&self, slug: &str) -> Result<CalcomStatus> {
        let model = self.company(slug).await?;
        let mut checks = Vec::new();
        let client = match self.calcom_of(&model) {
            Ok(client) => Some(client),
            Err(AppError::Calendar(error)) => {
                checks.push(check("API key", false, error.to_string()));
                None
            }
            Err(other) => return Err(other),
        };
        if let Some(client) = &client {
            self.check_calcom(&model, client, &mut checks).await;
        }
        let last = store::last_run(&self.db, model.id()).await?;
        let zone = model.zone(
            model
                .tenant()
                .branches
                .first()
                .map_or("", |b| b.slug.as_str()),
        );
        Ok(CalcomStatus {
            company: slug.to_owned(),
            base_url: client.map(|c| c.base_url().to_owned()).unwrap_or_default(),
            checks,
            last_sync: last.as_ref().map(|r| format_local(r.finished_at, &zone)),
            last_sync_error: last.and_then(|r| r.error),
            pending: store::in_state(&self.db, model.id(), "pending")
                .await?
                .len(),
            conflicts: store::in_state(&self.db, model.id(), "conflict")
                .await?
                .len(),
            open_collisions: store::open_conflicts(&self.db, model.id()).await?.len(),
        })
    }

    async fn check_calcom(&self, model: &CompanyModel, client: &CalCom, checks: &mut Vec<Check>) {
        match client.me().await {
            Ok(me) => checks.push(check(
                "API key",
                true,
                format!(
                    "works (account `{}`)",
                    me["username"].as_str().unwrap_or("?")
                ),
            )),
            Err(error) => {
                checks.push(check("API key", false, error.to_string()));
                return;
            }
        }
        for service in model.tenant().services.iter() {
            let Some(id) = service.calcom_event_type_id else {
                continue;
            };
            let hosts: BTreeSet<String> = match client.event_type(id).await {
                Ok(kind) => kind["hosts"]
                    .as_array()
                    .map(|h| {
                        h.iter()
                            .filter_map(|x| x["username"].as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                Err(error) => {
                    checks.push(check(
                        format!("event type {id} ({})", service.slug),
                        false,
                        error.to_string(),
                    ));
                    continue;
                }
            };
            checks.push(check(
                format!("event type {id} ({})", service.slug),
                true,
                "found",
            ));
            let staff = model
                .tenant()
                .staff
                .iter()
                .filter(|s| s.services.contains(&service.slug));
            for member in staff {
                let Some(username) = &member.calcom_username else {
                    continue;
                };
                let found = hosts.contains(username);
                let detail = if found {
                    "hosts it".to_owned()
                } else {
                    format!("is not a host of event type {id}")
                };
                checks.push(check(
                    format!("host {username} ({})", member.slug),
                    found,
                    detail,
                ));
            }
        }
        let hook = format!("/webhooks/calcom/{}", model.slug());
        match client.webhooks().await {
            Ok(list) => {
                let subscribed = list.iter().any(|w| {
                    w["subscriberUrl"]
                        .as_str()
                        .is_some_and(|u| u.contains(&hook))
                        && w["active"].as_bool() != Some(false)
                });
                let detail = if subscribed {
                    format!("delivers to …{hook}")
                } else {
                    format!("no active webhook delivers to …{hook}")
                };
                checks.push(check("webhook", subscribed, detail));
            }
            Err(error) => checks.push(check("webhook", false, error.to_string())),
        }
    }

    /// `calcom refresh-availability`: drops the company's cached slots and compares both
    /// calendars, service by host by day, over the next `days`.
    pub async fn calcom_compare_availability(
        &self,
        slug: &str,
        days: u32,
    ) -> Result<Vec<AvailabilityGap>> {
        let model = self.company(slug).await?;
        let client = self.calcom_of(&model)?;
        self.calendars.slots.forget_company(model.id());
        let schedules = client.schedules().await.unwrap_or_default();
        let zone_of = |branch: &str| model.zone(branch);
        let mut gaps = Vec::new();
        for service in model
            .tenant()
            .services
            .iter()
            .filter(|s| s.calcom_event_type_id.is_some())
        {
            for branch in &model.tenant().branches {
                let tz = zone_of(branch.slug.as_str());
                let today = self.now().to_zoned_datetime(tz.clone()).date();
                let query = AvailabilityQuery {
                    service: service.slug.to_string(),
                    from: today,
                    days: days.clamp(1, crate::booking::MAX_DAYS),
                    branch: Some(branch.slug.to_string()),
                    staff: None,
                };
                let local = self.local_availability(slug, &query).await?;
                let busy = self.busy_by_staff(&model, today, query.days).await?;
                for staff in model.qualified_staff(branch, service) {
                    let Some((event_type, host)) = model.calcom_pair(service, staff) else {
                        continue;
                    };
                    let ours: BTreeSet<i64> = local
                        .iter()
                        .filter(|s| s.staff == staff.slug.as_str())
                        .map(|s| s.start_ms)
                        .collect();
                    let start = today
                        .to_zoned_datetime(tz.clone())
                        .map_err(|e| AppError::Invalid(e.to_string()))?
                        .timestamp();
                    let query = SlotsQuery {
                        event_type_id: event_type,
                        username: host,
                        start,
                        end: start + SignedDuration::from_hours(24 * i64::from(query.days)),
                        time_zone: tz.iana_name().unwrap_or("UTC"),
                    };
                    let theirs: BTreeSet<i64> = client
                        .slots(&query, askpro_connectors::calcom::DEFAULT_DEADLINE)
                        .await?
                        .iter()
                        .map(|t| t.as_millisecond())
                        .collect();
                    let host_zone = zone_of_host(&schedules, host);
                    let calendar = staff_calendar(&model, staff, &busy);
                    let engine = engine_for(&model, branch, service, &tz, self.now());
                    let sides = super::gaps::Sides {
                        ours: &ours,
                        theirs: &theirs,
                        zone: &tz,
                        host_zone: host_zone.as_deref(),
                        why_not_ours: &|ms| {
                            let at = Timestamp::from_millisecond(ms).ok()?;
                            engine.check_slot(&calendar, at).err()
                        },
                    };
                    gaps.extend(
                        super::gaps::by_day(&sides)
                            .into_iter()
                            .map(|g| AvailabilityGap {
                                service: service.slug.to_string(),
                                branch: branch.slug.to_string(),
                                staff: staff.slug.to_string(),
                                date: g.date,
                                askpro_only: g.askpro_only,
                                calcom_only: g.calcom_only,
                                reason: g.reason,
                            }),
                    );
                }
            }
        }
        Ok(gaps)
    }

    /// `timezone verify`: every zone involved, and what the next DST changes touch.
    pub async fn verify_zones(&self, slug: &str) -> Result<ZoneReport> {
        let model = self.company(slug).await?;
        let mut zones = Vec::new();
        for branch in &model.tenant().branches {
            let valid = TimeZone::get(&branch.timezone).is_ok();
            let expected = zones_of_number(&branch.phone);
            let fits = expected.is_empty() || expected.contains(&branch.timezone.as_str());
            zones.push(ZoneLine {
                what: format!("branch {}", branch.slug),
                zone: if fits {
                    branch.timezone.clone()
                } else {
                    format!(
                        "{} (its number {} is in {})",
                        branch.timezone,
                        branch.phone,
                        expected.join(" or ")
                    )
                },
                ok: valid && fits,
            });
        }
        if let Some(client) = self.calcom_client(&model).ok().flatten() {
            let schedules = client.schedules().await.unwrap_or_default();
            for staff in model
                .tenant()
                .staff
                .iter()
                .filter(|s| s.calcom_username.is_some())
            {
                let username = staff.calcom_username.as_deref().unwrap_or_default();
                let host_zone = zone_of_host(&schedules, username);
                let expected: BTreeSet<&str> = staff
                    .branches
                    .iter()
                    .filter_map(|b| model.tenant().branch(b.as_str()))
                    .map(|b| b.timezone.as_str())
                    .collect();
                let ok = host_zone.as_deref().is_some_and(|z| expected.contains(z));
                zones.push(ZoneLine {
                    what: format!("Cal.com host {username} ({})", staff.slug),
                    zone: host_zone.unwrap_or_else(|| "unbekannt (Cal.com antwortet nicht)".into()),
                    ok,
                });
            }
        }
        let server = TimeZone::system().iana_name().unwrap_or("UTC").to_owned();
        zones.push(ZoneLine {
            what: "server".into(),
            zone: format!("{server} (AskPro rechnet in UTC und zeigt Filialzeit)"),
            ok: true,
        });
        let database = askpro_store::db_timezone(&self.db).await?;
        zones.push(ZoneLine {
            what: "database".into(),
            zone: format!("{database} (Zeiten als UTC-Millisekunden)"),
            ok: true,
        });
        let transitions = self.transitions_ahead(&model).await?;
        Ok(ZoneReport {
            company: slug.to_owned(),
            zones,
            transitions,
        })
    }

    async fn transitions_ahead(&self, model: &CompanyModel) -> Result<Vec<ZoneTransition>> {
        let now = self.now();
        let horizon = now + SignedDuration::from_hours(24 * 366);
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for branch in &model.tenant().branches {
            if !seen.insert(branch.timezone.clone()) {
                continue;
            }
            let tz = model.zone(branch.slug.as_str());
            for transition in tz
                .following(now)
                .take(2)
                .filter(|t| t.timestamp() < horizon)
            {
                let at = transition.timestamp();
                let around = self.bookings_around(model, at).await?;
                out.push(ZoneTransition {
                    zone: branch.timezone.clone(),
                    at: format_local(at.as_millisecond(), &tz),
                    offset_after: transition.offset().to_string(),
                    bookings_around: around,
                });
            }
        }
        Ok(out)
    }

    async fn bookings_around(&self, model: &CompanyModel, at: Timestamp) -> Result<usize> {
        let filter = askpro_store::appointments::ListFilter {
            company_id: model.id().to_owned(),
            starts_from: at.as_millisecond() - 86_400_000,
            starts_to: at.as_millisecond() + 86_400_000,
            status: Some("booked".into()),
            staff_id: None,
            customer_phone: None,
        };
        Ok(askpro_store::appointments::list(&self.db, &filter)
            .await?
            .len())
    }
}

/// The zone of a host's schedule among the account's schedules (Cal.com's answer for
/// one account, asked once per command); the account's first schedule when the host has
/// none of its own.
fn zone_of_host(schedules: &[serde_json::Value], host: &str) -> Option<String> {
    schedules
        .iter()
        .find(|s| s["ownerUsername"].as_str() == Some(host))
        .or_else(|| schedules.first())
        .and_then(|s| s["timeZone"].as_str().map(str::to_owned))
}

/// The zones a phone number's country lies in, for the countries AskPro serves; empty
/// for others (nothing to compare with). A German branch in another zone is almost
/// always a slip in the tenant file, and every time it offers would be off.
fn zones_of_number(phone: &str) -> Vec<&'static str> {
    const COUNTRIES: [(&str, &[&str]); 4] = [
        ("+49", &["Europe/Berlin", "Europe/Busingen"]),
        ("+43", &["Europe/Vienna"]),
        ("+41", &["Europe/Zurich"]),
        ("+423", &["Europe/Vaduz", "Europe/Zurich"]),
    ];
    COUNTRIES
        .iter()
        .filter(|(prefix, _)| phone.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, zones)| zones.to_vec())
        .unwrap_or_default()
}

#[cfg(test)]
mod zone_tests {
    use super::zones_of_number;

    #[test]
    fn numbers_name_their_countrys_zone() {
        assert_eq!(zones_of_number("+493012345678")[0], "Europe/Berlin");
        assert_eq!(zones_of_number("+43150150"), ["Europe/Vienna"]);
        assert_eq!(zones_of_number("+4231234567")[0], "Europe/Vaduz");
        assert!(zones_of_number("+12125550100").is_empty());
    }
}
