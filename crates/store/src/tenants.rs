//! Companies with their branches, services and staff: applying a validated tenant
//! (upsert by slug, in the caller's transaction) and loading it back.
//!
//! Entities missing from a newly applied file are deactivated, not deleted, because
//! past appointments still point at them.

use crate::{StoreError, WriteTx, new_id, on_pool, on_tx};
use askpro_core::tenant::{
    BookingRules, Branch, Calcom, Company, Formality, Service, Staff, Tenant,
};
use askpro_core::{Slug, WeeklyHours};
use std::collections::HashMap;

/// A tenant as stored: the validated model plus the database ids behind its slugs.
#[derive(Debug, Clone)]
pub struct StoredTenant {
    pub company_id: String,
    /// Increases with every apply that changes something; caches compare it.
    pub revision: i64,
    pub tenant: Tenant,
    /// Slug → id, per kind.
    pub branch_ids: HashMap<String, String>,
    pub service_ids: HashMap<String, String>,
    pub staff_ids: HashMap<String, String>,
}

/// One line of `tenant list`.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct CompanySummary {
    pub slug: String,
    pub name: String,
    pub branches: i64,
    pub services: i64,
    pub staff: i64,
    pub revision: i64,
    pub updated_at: i64,
}

#[derive(sqlx::FromRow)]
struct CompanyRow {
    id: String,
    slug: String,
    name: String,
    email: String,
    retell_agent_id: Option<String>,
    formality: String,
    calcom_api_key_env: Option<String>,
    calcom_base_url: Option<String>,
    calcom_webhook_secret_env: Option<String>,
    calcom_sync_days: Option<i64>,
    slot_step_min: i64,
    min_notice_min: i64,
    horizon_days: i64,
    revision: i64,
}

#[derive(sqlx::FromRow)]
struct BranchRow {
    id: String,
    slug: String,
    name: String,
    timezone: String,
    phone: String,
    address: String,
    holidays: Option<String>,
    closed: String,
    hours: String,
    transfer_number: Option<String>,
    email: Option<String>,
    sms_number: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: String,
    slug: String,
    name: String,
    duration_min: i64,
    buffer_before_min: i64,
    buffer_after_min: i64,
    aliases: String,
    price_cents: Option<i64>,
    calcom_event_type_id: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct StaffRow {
    id: String,
    slug: String,
    name: String,
    calcom_username: Option<String>,
    hours: Option<String>,
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    staff_id: String,
    slug: String,
}

const COMPANY_COLUMNS: &str = "id, slug, name, email, retell_agent_id, formality, calcom_api_key_env, calcom_base_url, calcom_webhook_secret_env, calcom_sync_days, slot_step_min, min_notice_min, horizon_days, revision";

/// The id and revision of a company by slug.
pub async fn find_company(db: &crate::Db, slug: &str) -> Result<Option<(String, i64)>, StoreError> {
    let sql = "SELECT id, revision FROM companies WHERE slug = $1";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, (String, i64)>(
        sql
    )
    .bind(slug)
    .fetch_optional(pool)
    .await)?)
}

/// The slug of a company by id.
pub async fn slug_of(db: &crate::Db, company_id: &str) -> Result<Option<String>, StoreError> {
    let sql = "SELECT slug FROM companies WHERE id = $1";
    Ok(on_pool!(db, |pool| sqlx::query_scalar::<_, String>(sql)
        .bind(company_id)
        .fetch_optional(pool)
        .await)?)
}

/// The company owning a Retell agent, by agent id.
pub async fn find_company_by_agent(
    db: &crate::Db,
    agent_id: &str,
) -> Result<Option<String>, StoreError> {
    let sql = "SELECT slug FROM companies WHERE retell_agent_id = $1";
    Ok(on_pool!(db, |pool| sqlx::query_scalar::<_, String>(sql)
        .bind(agent_id)
        .fetch_optional(pool)
        .await)?)
}

/// The company and branch slugs behind an active branch phone number.
pub async fn find_branch_by_phone(
    db: &crate::Db,
    phone: &str,
) -> Result<Option<(String, String)>, StoreError> {
    let sql = "SELECT c.slug, b.slug FROM branches b JOIN companies c ON c.id = b.company_id WHERE b.phone = $1 AND b.active = 1";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, (String, String)>(
        sql
    )
    .bind(phone)
    .fetch_optional(pool)
    .await)?)
}

pub async fn list(db: &crate::Db) -> Result<Vec<CompanySummary>, StoreError> {
    let sql = "SELECT c.slug, c.name, \
        (SELECT COUNT(*) FROM branches b WHERE b.company_id = c.id AND b.active = 1) AS branches, \
        (SELECT COUNT(*) FROM services s WHERE s.company_id = c.id AND s.active = 1) AS services, \
        (SELECT COUNT(*) FROM staff s WHERE s.company_id = c.id AND s.active = 1) AS staff, \
        c.revision, c.updated_at FROM companies c ORDER BY c.slug";
    Ok(on_pool!(db, |pool| sqlx::query_as::<_, CompanySummary>(
        sql
    )
    .fetch_all(pool)
    .await)?)
}

/// Loads the active tenant of a company by id.
pub async fn load(db: &crate::Db, company_id: &str) -> Result<StoredTenant, StoreError> {
    let company_sql = format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE id = $1");
    let branch_sql = "SELECT id, slug, name, timezone, phone, address, holidays, closed, hours, transfer_number, email, sms_number FROM branches WHERE company_id = $1 AND active = 1 ORDER BY position";
    let service_sql = "SELECT id, slug, name, duration_min, buffer_before_min, buffer_after_min, aliases, price_cents, calcom_event_type_id FROM services WHERE company_id = $1 AND active = 1 ORDER BY position";
    let staff_sql = "SELECT id, slug, name, calcom_username, hours FROM staff WHERE company_id = $1 AND active = 1 ORDER BY position";
    let staff_branch_sql = "SELECT l.staff_id, b.slug FROM staff_branches l JOIN branches b ON b.id = l.branch_id WHERE b.company_id = $1 AND b.active = 1 ORDER BY b.slug";
    let staff_service_sql = "SELECT l.staff_id, s.slug FROM staff_services l JOIN services s ON s.id = l.service_id WHERE s.company_id = $1 AND s.active = 1 ORDER BY s.slug";
    let (company, branches, services, staff, staff_branches, staff_services) =
        on_pool!(db, |pool| {
            let company = sqlx::query_as::<_, CompanyRow>(sqlx::AssertSqlSafe(company_sql))
                .bind(company_id)
                .fetch_optional(pool)
                .await?;
            let branches = sqlx::query_as::<_, BranchRow>(branch_sql)
                .bind(company_id)
                .fetch_all(pool)
                .await?;
            let services = sqlx::query_as::<_, ServiceRow>(service_sql)
                .bind(company_id)
                .fetch_all(pool)
                .await?;
            let staff = sqlx::query_as::<_, StaffRow>(staff_sql)
                .bind(company_id)
                .fetch_all(pool)
                .await?;
            let staff_branches = sqlx::query_as::<_, LinkRow>(staff_branch_sql)
                .bind(company_id)
                .fetch_all(pool)
                .await?;
            let staff_services = sqlx::query_as::<_, LinkRow>(staff_service_sql)
                .bind(company_id)
                .fetch_all(pool)
                .await?;
            Ok::<_, sqlx::Error>((
                company,
                branches,
                services,
                staff,
                staff_branches,
                staff_services,
            ))
        })?;
    let company = company.ok_or_else(|| StoreError::NotFound(format!("company {company_id}")))?;
    assemble(
        company,
        branches,
        services,
        staff,
        &staff_branches,
        &staff_services,
    )
}

fn assemble(
    company: CompanyRow,
    branches: Vec<BranchRow>,
    services: Vec<ServiceRow>,
    staff: Vec<StaffRow>,
    staff_branches: &[LinkRow],
    staff_services: &[LinkRow],
) -> Result<StoredTenant, StoreError> {
    let links = |rows: &[LinkRow], staff_id: &str| -> Result<Vec<Slug>, StoreError> {
        rows.iter()
            .filter(|l| l.staff_id == staff_id)
            .map(|l| slug(&l.slug))
            .collect()
    };
    let mut stored = StoredTenant {
        company_id: company.id.clone(),
        revision: company.revision,
        branch_ids: branches
            .iter()
            .map(|b| (b.slug.clone(), b.id.clone()))
            .collect(),
        service_ids: services
            .iter()
            .map(|s| (s.slug.clone(), s.id.clone()))
            .collect(),
        staff_ids: staff
            .iter()
            .map(|s| (s.slug.clone(), s.id.clone()))
            .collect(),
        tenant: Tenant {
            company: company_from_row(&company)?,
            branches: branches
                .into_iter()
                .map(branch_from_row)
                .collect::<Result<_, _>>()?,
            services: services
                .into_iter()
                .map(service_from_row)
                .collect::<Result<_, _>>()?,
            staff: Vec::new(),
            calcom: company.calcom_api_key_env.map(|api_key_env| Calcom {
                api_key_env,
                webhook_secret_env: company.calcom_webhook_secret_env,
                sync_days: company
                    .calcom_sync_days
                    .map_or(askpro_core::tenant::DEFAULT_CALCOM_SYNC_DAYS, |d| d as u32),
                base_url: company.calcom_base_url.unwrap_or_default(),
            }),
            booking: BookingRules {
                slot_step_min: company.slot_step_min as u32,
                min_notice_min: company.min_notice_min as u32,
                horizon_days: company.horizon_days as u32,
            },
        },
    };
    for row in staff {
        stored.tenant.staff.push(Staff {
            branches: links(staff_branches, &row.id)?,
            services: links(staff_services, &row.id)?,
            slug: slug(&row.slug)?,
            name: row.name,
            calcom_username: row.calcom_username,
            hours: row.hours.as_deref().map(json).transpose()?,
        });
    }
    Ok(stored)
}

fn company_from_row(row: &CompanyRow) -> Result<Company, StoreError> {
    Ok(Company {
        slug: slug(&row.slug)?,
        name: row.name.clone(),
        email: row.email.clone(),
        retell_agent_id: row.retell_agent_id.clone(),
        formality: if row.formality == "du" {
            Formality::Du
        } else {
            Formality::Sie
        },
    })
}

fn branch_from_row(row: BranchRow) -> Result<Branch, StoreError> {
    Ok(Branch {
        slug: slug(&row.slug)?,
        holidays: row
            .holidays
            .as_deref()
            .map(|h| h.parse().map_err(|e| StoreError::Corrupt(format!("{e}"))))
            .transpose()?,
        closed: json(&row.closed)?,
        hours: json::<WeeklyHours>(&row.hours)?,
        name: row.name,
        timezone: row.timezone,
        phone: row.phone,
        address: row.address,
        transfer_number: row.transfer_number,
        email: row.email,
        sms_number: row.sms_number,
    })
}

fn service_from_row(row: ServiceRow) -> Result<Service, StoreError> {
    Ok(Service {
        slug: slug(&row.slug)?,
        name: row.name,
        duration_min: row.duration_min as u32,
        buffer_before_min: row.buffer_before_min as u32,
        buffer_after_min: row.buffer_after_min as u32,
        aliases: json(&row.aliases)?,
        price_cents: row.price_cents,
        calcom_event_type_id: row.calcom_event_type_id,
    })
}

fn slug(raw: &str) -> Result<Slug, StoreError> {
    Slug::parse(raw).map_err(StoreError::Corrupt)
}

fn json<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, StoreError> {
    serde_json::from_str(raw).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Writes `tenant` in the caller's transaction: inserts what is new, updates what
/// changed, deactivates what the file no longer lists, and bumps the revision.
/// Returns the company id.
pub async fn apply(tx: &mut WriteTx, tenant: &Tenant, now: i64) -> Result<String, StoreError> {
    let company_id = upsert_company(tx, tenant, now).await?;
    for table in ["branches", "services", "staff"] {
        let sql = format!("UPDATE {table} SET active = 0 WHERE company_id = $1");
        on_tx!(tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&company_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    let mut branch_ids = HashMap::new();
    for (position, branch) in tenant.branches.iter().enumerate() {
        branch_ids.insert(
            branch.slug.to_string(),
            upsert_branch(tx, &company_id, branch, position).await?,
        );
    }
    let mut service_ids = HashMap::new();
    for (position, service) in tenant.services.iter().enumerate() {
        service_ids.insert(
            service.slug.to_string(),
            upsert_service(tx, &company_id, service, position).await?,
        );
    }
    for table in ["staff_branches", "staff_services"] {
        let sql = format!(
            "DELETE FROM {table} WHERE staff_id IN (SELECT id FROM staff WHERE company_id = $1)"
        );
        on_tx!(tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&company_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    for (position, member) in tenant.staff.iter().enumerate() {
        let staff_id = upsert_staff(tx, &company_id, member, position).await?;
        for b in &member.branches {
            link(
                tx,
                "staff_branches",
                "branch_id",
                &staff_id,
                &branch_ids[b.as_str()],
            )
            .await?;
        }
        for s in &member.services {
            link(
                tx,
                "staff_services",
                "service_id",
                &staff_id,
                &service_ids[s.as_str()],
            )
            .await?;
        }
    }
    Ok(company_id)
}

async fn upsert_company(tx: &mut WriteTx, tenant: &Tenant, now: i64) -> Result<String, StoreError> {
    let c = &tenant.company;
    let sql = "INSERT INTO companies (id, slug, name, email, retell_agent_id, formality, calcom_api_key_env, calcom_base_url, \
        slot_step_min, min_notice_min, horizon_days, revision, created_at, updated_at, calcom_webhook_secret_env, calcom_sync_days) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $12, $13, $14) \
        ON CONFLICT (slug) DO UPDATE SET name = excluded.name, email = excluded.email, retell_agent_id = excluded.retell_agent_id, \
        formality = excluded.formality, calcom_api_key_env = excluded.calcom_api_key_env, calcom_base_url = excluded.calcom_base_url, \
        calcom_webhook_secret_env = excluded.calcom_webhook_secret_env, calcom_sync_days = excluded.calcom_sync_days, \
        slot_step_min = excluded.slot_step_min, min_notice_min = excluded.min_notice_min, horizon_days = excluded.horizon_days, \
        revision = companies.revision + 1, updated_at = excluded.updated_at RETURNING id";
    let calcom = tenant.calcom.as_ref();
    let rules = tenant.booking;
    Ok(on_tx!(tx, |conn| sqlx::query_scalar::<_, String>(sql)
        .bind(new_id())
        .bind(c.slug.as_str())
        .bind(&c.name)
        .bind(&c.email)
        .bind(&c.retell_agent_id)
        .bind(c.formality.as_str())
        .bind(calcom.map(|k| k.api_key_env.clone()))
        .bind(calcom.map(|k| k.base_url.clone()))
        .bind(i64::from(rules.slot_step_min))
        .bind(i64::from(rules.min_notice_min))
        .bind(i64::from(rules.horizon_days))
        .bind(now)
        .bind(calcom.and_then(|k| k.webhook_secret_env.clone()))
        .bind(calcom.map(|k| i64::from(k.sync_days)))
        .fetch_one(conn)
        .await)?)
}

async fn upsert_branch(
    tx: &mut WriteTx,
    company_id: &str,
    b: &Branch,
    position: usize,
) -> Result<String, StoreError> {
    let sql = "INSERT INTO branches (id, company_id, slug, name, timezone, phone, address, holidays, closed, hours, position, active, transfer_number, email, sms_number) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, $12, $13, $14) \
        ON CONFLICT (company_id, slug) DO UPDATE SET name = excluded.name, timezone = excluded.timezone, phone = excluded.phone, \
        address = excluded.address, holidays = excluded.holidays, closed = excluded.closed, hours = excluded.hours, \
        position = excluded.position, active = 1, transfer_number = excluded.transfer_number, email = excluded.email, sms_number = excluded.sms_number RETURNING id";
    Ok(on_tx!(tx, |conn| sqlx::query_scalar::<_, String>(sql)
        .bind(new_id())
        .bind(company_id)
        .bind(b.slug.as_str())
        .bind(&b.name)
        .bind(&b.timezone)
        .bind(&b.phone)
        .bind(&b.address)
        .bind(b.holidays.map(|h| h.code()))
        .bind(to_json(&b.closed))
        .bind(to_json(&b.hours))
        .bind(position as i64)
        .bind(&b.transfer_number)
        .bind(&b.email)
        .bind(&b.sms_number)
        .fetch_one(conn)
        .await)?)
}

async fn upsert_service(
    tx: &mut WriteTx,
    company_id: &str,
    s: &Service,
    position: usize,
) -> Result<String, StoreError> {
    let sql = "INSERT INTO services (id, company_id, slug, name, duration_min, buffer_before_min, buffer_after_min, aliases, \
        price_cents, calcom_event_type_id, position, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1) \
        ON CONFLICT (company_id, slug) DO UPDATE SET name = excluded.name, duration_min = excluded.duration_min, \
        buffer_before_min = excluded.buffer_before_min, buffer_after_min = excluded.buffer_after_min, aliases = excluded.aliases, \
        price_cents = excluded.price_cents, calcom_event_type_id = excluded.calcom_event_type_id, position = excluded.position, \
        active = 1 RETURNING id";
    Ok(on_tx!(tx, |conn| sqlx::query_scalar::<_, String>(sql)
        .bind(new_id())
        .bind(company_id)
        .bind(s.slug.as_str())
        .bind(&s.name)
        .bind(i64::from(s.duration_min))
        .bind(i64::from(s.buffer_before_min))
        .bind(i64::from(s.buffer_after_min))
        .bind(to_json(&s.aliases))
        .bind(s.price_cents)
        .bind(s.calcom_event_type_id)
        .bind(position as i64)
        .fetch_one(conn)
        .await)?)
}

async fn upsert_staff(
    tx: &mut WriteTx,
    company_id: &str,
    s: &Staff,
    position: usize,
) -> Result<String, StoreError> {
    let sql = "INSERT INTO staff (id, company_id, slug, name, calcom_username, hours, position, active) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, 1) ON CONFLICT (company_id, slug) DO UPDATE SET name = excluded.name, \
        calcom_username = excluded.calcom_username, hours = excluded.hours, position = excluded.position, active = 1 RETURNING id";
    Ok(on_tx!(tx, |conn| sqlx::query_scalar::<_, String>(sql)
        .bind(new_id())
        .bind(company_id)
        .bind(s.slug.as_str())
        .bind(&s.name)
        .bind(&s.calcom_username)
        .bind(s.hours.as_ref().map(to_json))
        .bind(position as i64)
        .fetch_one(conn)
        .await)?)
}

async fn link(
    tx: &mut WriteTx,
    table: &str,
    column: &str,
    staff_id: &str,
    other_id: &str,
) -> Result<(), StoreError> {
    let sql = format!("INSERT INTO {table} (staff_id, {column}) VALUES ($1, $2)");
    on_tx!(tx, |conn| sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(staff_id)
        .bind(other_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
