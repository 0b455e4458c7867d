//! Validation of a parsed [`TenantFile`] into a [`Tenant`], and the way back.
//! Every error names the key by its path with slugs (`staff.anna.services`).

use super::file::*;
use super::*;
use crate::hours::WeeklyHours;
use std::collections::HashSet;

type Result<T> = std::result::Result<T, TenantError>;

pub(super) fn tenant(file: TenantFile) -> Result<Tenant> {
    let company = company(&file.company)?;
    let branches = unique(
        "branches",
        file.branches
            .iter()
            .enumerate()
            .map(branch)
            .collect::<Result<Vec<_>>>()?,
        |b| &b.slug,
    )?;
    let services = unique(
        "services",
        file.services
            .iter()
            .enumerate()
            .map(service)
            .collect::<Result<Vec<_>>>()?,
        |s| &s.slug,
    )?;
    let staff = unique(
        "staff",
        file.staff
            .iter()
            .enumerate()
            .map(|(i, s)| staff(i, s, &branches, &services))
            .collect::<Result<Vec<_>>>()?,
        |s| &s.slug,
    )?;
    if branches.is_empty() {
        return Err(TenantError::new(
            "branches",
            "at least one [[branches]] entry is required",
        ));
    }
    unique_phones(&branches)?;
    Ok(Tenant {
        company,
        branches,
        services,
        staff,
        calcom: file.calcom.as_ref().map(calcom).transpose()?,
        booking: booking(file.booking.unwrap_or_default())?,
    })
}

fn company(file: &CompanyFile) -> Result<Company> {
    let slug = slug("company.slug", &file.slug)?;
    let formality = match file.formality.as_deref() {
        None | Some("sie") => Formality::Sie,
        Some("du") => Formality::Du,
        Some(other) => {
            return Err(TenantError::new(
                "company.formality",
                format!("`{other}` is neither \"sie\" nor \"du\""),
            ));
        }
    };
    if let Some(agent) = &file.retell_agent_id {
        not_blank("company.retell_agent_id", agent)?;
    }
    Ok(Company {
        slug,
        name: not_blank("company.name", &file.name)?,
        email: email("company.email", &file.email)?,
        retell_agent_id: file.retell_agent_id.clone(),
        formality,
    })
}

fn branch((index, file): (usize, &BranchFile)) -> Result<Branch> {
    let slug = slug(&format!("branches[{index}].slug"), &file.slug)?;
    let key = |field: &str| format!("branches.{slug}.{field}");
    jiff::tz::TimeZone::get(&file.timezone).map_err(|_| {
        TenantError::new(
            key("timezone"),
            format!(
                "unknown time zone `{}` (use an IANA name such as Europe/Berlin)",
                file.timezone
            ),
        )
    })?;
    let holidays = file
        .holidays
        .as_deref()
        .map(|code| {
            code.parse()
                .map_err(|e: crate::holidays::UnknownHolidayRegion| {
                    TenantError::new(key("holidays"), e.to_string())
                })
        })
        .transpose()?;
    let closed = file
        .closed
        .iter()
        .map(|raw| {
            raw.parse::<Date>().map_err(|_| {
                TenantError::new(key("closed"), format!("`{raw}` is not a date (YYYY-MM-DD)"))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let hours = WeeklyHours::from_table(&file.hours)
        .map_err(|(day, problem)| TenantError::new(key(&format!("hours.{day}")), problem))?;
    Ok(Branch {
        name: not_blank(&key("name"), &file.name)?,
        timezone: file.timezone.clone(),
        phone: e164(&key("phone"), &file.phone)?,
        address: not_blank(&key("address"), &file.address)?,
        holidays,
        closed,
        hours,
        transfer_number: file
            .transfer_number
            .as_deref()
            .map(|n| e164(&key("transfer_number"), n))
            .transpose()?,
        email: file
            .email
            .as_deref()
            .map(|e| email(&key("email"), e))
            .transpose()?,
        sms_number: file
            .sms_number
            .as_deref()
            .map(|n| e164(&key("sms_number"), n))
            .transpose()?,
        slug,
    })
}

fn service((index, file): (usize, &ServiceFile)) -> Result<Service> {
    let slug = slug(&format!("services[{index}].slug"), &file.slug)?;
    let key = |field: &str| format!("services.{slug}.{field}");
    let minutes = |field: &str, value: i64, min: i64, max: i64| -> Result<u32> {
        if (min..=max).contains(&value) {
            Ok(value as u32)
        } else {
            Err(TenantError::new(
                key(field),
                format!("{value} is outside {min}..={max} minutes"),
            ))
        }
    };
    let price_cents = match file.price_eur {
        Some(p) if !(0.0..=100_000.0).contains(&p) => {
            return Err(TenantError::new(
                key("price_eur"),
                format!("{p} is not a price between 0 and 100000 euros"),
            ));
        }
        Some(p) => Some((p * 100.0).round() as i64),
        None => None,
    };
    for alias in &file.aliases {
        not_blank(&key("aliases"), alias)?;
    }
    Ok(Service {
        name: not_blank(&key("name"), &file.name)?,
        duration_min: minutes("duration_min", file.duration_min, 5, 720)?,
        buffer_before_min: minutes("buffer_before_min", file.buffer_before_min, 0, 240)?,
        buffer_after_min: minutes("buffer_after_min", file.buffer_after_min, 0, 240)?,
        aliases: file.aliases.clone(),
        price_cents,
        calcom_event_type_id: file.calcom_event_type_id,
        slug,
    })
}

fn staff(
    index: usize,
    file: &StaffFile,
    branches: &[Branch],
    services: &[Service],
) -> Result<Staff> {
    let slug = slug(&format!("staff[{index}].slug"), &file.slug)?;
    let key = |field: &str| format!("staff.{slug}.{field}");
    let refs = |field: &str, names: &[String], known: &[&Slug], what: &str| -> Result<Vec<Slug>> {
        if names.is_empty() {
            return Err(TenantError::new(key(field), format!("lists no {what}")));
        }
        let mut slugs = names
            .iter()
            .map(|name| {
                known
                    .iter()
                    .find(|s| s.as_str() == name)
                    .map(|s| (*s).clone())
                    .ok_or_else(|| {
                        TenantError::new(
                            key(field),
                            format!("`{name}` is not a {what} slug defined in this file"),
                        )
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        // Canonical order, so a stored tenant compares equal to the file it came from.
        slugs.sort();
        slugs.dedup();
        Ok(slugs)
    };
    let branch_slugs: Vec<&Slug> = branches.iter().map(|b| &b.slug).collect();
    let service_slugs: Vec<&Slug> = services.iter().map(|s| &s.slug).collect();
    let hours = file
        .hours
        .as_ref()
        .map(|table| {
            WeeklyHours::from_table(table)
                .map_err(|(day, problem)| TenantError::new(key(&format!("hours.{day}")), problem))
        })
        .transpose()?;
    Ok(Staff {
        name: not_blank(&key("name"), &file.name)?,
        branches: refs("branches", &file.branches, &branch_slugs, "branch")?,
        services: refs("services", &file.services, &service_slugs, "service")?,
        calcom_username: file.calcom_username.clone(),
        hours,
        slug,
    })
}

fn calcom(file: &CalcomFile) -> Result<Calcom> {
    env_name("calcom.api_key_env", &file.api_key_env, "key")?;
    if let Some(name) = &file.webhook_secret_env {
        env_name("calcom.webhook_secret_env", name, "secret")?;
    }
    let sync_days = match file.sync_days {
        None => DEFAULT_CALCOM_SYNC_DAYS,
        Some(days) if (1..=365).contains(&days) => days as u32,
        Some(days) => {
            return Err(TenantError::new(
                "calcom.sync_days",
                format!("{days} is outside 1..=365"),
            ));
        }
    };
    let base_url = file
        .base_url
        .clone()
        .unwrap_or_else(|| DEFAULT_CALCOM_BASE_URL.to_owned());
    if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
        return Err(TenantError::new(
            "calcom.base_url",
            format!("`{base_url}` is not an http(s) URL"),
        ));
    }
    Ok(Calcom {
        api_key_env: file.api_key_env.clone(),
        webhook_secret_env: file.webhook_secret_env.clone(),
        sync_days,
        base_url: base_url.trim_end_matches('/').to_owned(),
    })
}

/// A credential's environment variable name: never the credential itself.
fn env_name(key: &str, name: &str, what: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if ok {
        return Ok(());
    }
    Err(TenantError::new(
        key,
        format!(
            "`{name}` is not an environment variable name (A-Z, 0-9, _); put the {what} in that variable, never in this file"
        ),
    ))
}

fn booking(file: BookingFile) -> Result<BookingRules> {
    let defaults = BookingRules::default();
    let field = |name: &str, value: Option<i64>, default: u32, min: i64, max: i64| -> Result<u32> {
        match value {
            None => Ok(default),
            Some(v) if (min..=max).contains(&v) => Ok(v as u32),
            Some(v) => Err(TenantError::new(
                format!("booking.{name}"),
                format!("{v} is outside {min}..={max}"),
            )),
        }
    };
    Ok(BookingRules {
        slot_step_min: field(
            "slot_step_min",
            file.slot_step_min,
            defaults.slot_step_min,
            5,
            240,
        )?,
        min_notice_min: field(
            "min_notice_min",
            file.min_notice_min,
            defaults.min_notice_min,
            0,
            43_200,
        )?,
        horizon_days: field(
            "horizon_days",
            file.horizon_days,
            defaults.horizon_days,
            1,
            730,
        )?,
    })
}

fn unique<T>(kind: &str, items: Vec<T>, slug_of: impl Fn(&T) -> &Slug) -> Result<Vec<T>> {
    let mut seen = HashSet::new();
    for item in &items {
        let slug = slug_of(item);
        if !seen.insert(slug.clone()) {
            return Err(TenantError::new(
                format!("{kind}.{slug}.slug"),
                format!("`{slug}` is used by more than one entry"),
            ));
        }
    }
    Ok(items)
}

fn unique_phones(branches: &[Branch]) -> Result<()> {
    let mut seen = HashSet::new();
    for branch in branches {
        if !seen.insert(&branch.phone) {
            return Err(TenantError::new(
                format!("branches.{}.phone", branch.slug),
                format!(
                    "{} is already the phone of another branch; calls must identify one branch",
                    branch.phone
                ),
            ));
        }
    }
    Ok(())
}

fn slug(key: &str, raw: &str) -> Result<Slug> {
    Slug::parse(raw).map_err(|problem| TenantError::new(key, problem))
}

fn not_blank(key: &str, value: &str) -> Result<String> {
    if value.trim().is_empty() {
        return Err(TenantError::new(key, "must not be empty"));
    }
    Ok(value.to_owned())
}

pub(super) fn email(key: &str, value: &str) -> Result<String> {
    let valid = match value.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.contains(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(value.to_owned())
    } else {
        Err(TenantError::new(
            key,
            format!("`{value}` is not an e-mail address"),
        ))
    }
}

/// E.164: `+`, a country code not starting with 0, 8 to 15 digits in all.
pub(super) fn e164(key: &str, value: &str) -> Result<String> {
    let digits = value.strip_prefix('+').unwrap_or("");
    let valid = (8..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0');
    if valid {
        Ok(value.to_owned())
    } else {
        Err(TenantError::new(
            key,
            format!("`{value}` is not an E.164 phone number such as +493012345678"),
        ))
    }
}

pub(super) fn to_file(tenant: &Tenant) -> TenantFile {
    let defaults = BookingRules::default();
    let hours = |h: &WeeklyHours| h.to_table();
    TenantFile {
        company: CompanyFile {
            slug: tenant.company.slug.to_string(),
            name: tenant.company.name.clone(),
            email: tenant.company.email.clone(),
            retell_agent_id: tenant.company.retell_agent_id.clone(),
            formality: Some(tenant.company.formality.as_str().to_owned()),
        },
        branches: tenant
            .branches
            .iter()
            .map(|b| BranchFile {
                slug: b.slug.to_string(),
                name: b.name.clone(),
                timezone: b.timezone.clone(),
                phone: b.phone.clone(),
                address: b.address.clone(),
                holidays: b.holidays.map(|h| h.code().to_owned()),
                closed: b.closed.iter().map(Date::to_string).collect(),
                transfer_number: b.transfer_number.clone(),
                email: b.email.clone(),
                sms_number: b.sms_number.clone(),
                hours: hours(&b.hours),
            })
            .collect(),
        services: tenant
            .services
            .iter()
            .map(|s| ServiceFile {
                slug: s.slug.to_string(),
                name: s.name.clone(),
                duration_min: s.duration_min.into(),
                buffer_before_min: s.buffer_before_min.into(),
                buffer_after_min: s.buffer_after_min.into(),
                aliases: s.aliases.clone(),
                price_eur: s.price_cents.map(|c| c as f64 / 100.0),
                calcom_event_type_id: s.calcom_event_type_id,
            })
            .collect(),
        staff: tenant
            .staff
            .iter()
            .map(|s| StaffFile {
                slug: s.slug.to_string(),
                name: s.name.clone(),
                branches: s.branches.iter().map(Slug::to_string).collect(),
                services: s.services.iter().map(Slug::to_string).collect(),
                calcom_username: s.calcom_username.clone(),
                hours: s.hours.as_ref().map(hours),
            })
            .collect(),
        calcom: tenant.calcom.as_ref().map(|c| CalcomFile {
            api_key_env: c.api_key_env.clone(),
            webhook_secret_env: c.webhook_secret_env.clone(),
            sync_days: (c.sync_days != DEFAULT_CALCOM_SYNC_DAYS).then_some(c.sync_days.into()),
            base_url: Some(c.base_url.clone()),
        }),
        booking: (tenant.booking != defaults).then(|| BookingFile {
            slot_step_min: Some(tenant.booking.slot_step_min.into()),
            min_notice_min: Some(tenant.booking.min_notice_min.into()),
            horizon_days: Some(tenant.booking.horizon_days.into()),
        }),
    }
}
