//! Who is calling whom: the company and branch behind a Retell call (the called branch
//! number first, then the agent), the caller's number, and "now" as the call knows it,
//! plus reading times and names the way callers say them.

use crate::error::Result;
use crate::{App, CompanyModel};
use askpro_core::tenant::{Branch, Formality, is_e164};
use askpro_german::matcher::{Candidate, best_match};
use askpro_german::phrase::Address;
use askpro_store::tenants;
use jiff::{Timestamp, ZonedDateTime};
use serde_json::Value;
use std::sync::Arc;

/// One function call's situation.
pub struct CallContext {
    pub model: Arc<CompanyModel>,
    /// The branch whose number was called, if the call came in on one.
    pub called_branch: Option<String>,
    pub call_id: String,
    /// The caller's number when it is a valid E.164 number.
    pub from_number: Option<String>,
    /// The moment spoken times are relative to: the call's start, or now.
    pub reference: Timestamp,
}

/// A time the caller named: a moment (minute or finer) or a span ("Freitag vormittags").
#[derive(Debug, Clone)]
pub struct Wanted {
    pub start: ZonedDateTime,
    /// Exclusive; `None` for a moment or an open range.
    pub end: Option<ZonedDateTime>,
    pub exact: bool,
}

impl App {
    /// The company (slug) and branch a call is for: the called branch number first, then
    /// the agent (no branch then). `None` when neither is known.
    pub(crate) async fn tenant_of_call(
        &self,
        to_number: Option<&str>,
        agent_id: Option<&str>,
    ) -> Result<Option<(String, Option<String>)>> {
        if let Some(to) = to_number
            && let Some((company, branch)) = tenants::find_branch_by_phone(&self.db, to).await?
        {
            return Ok(Some((company, Some(branch))));
        }
        Ok(match agent_id {
            Some(agent) => tenants::find_company_by_agent(&self.db, agent)
                .await?
                .map(|company| (company, None)),
            None => None,
        })
    }

    /// The call's company and branch; `None` when neither the number nor the agent is known.
    pub async fn call_context(&self, call: &Value) -> Result<Option<CallContext>> {
        let Some((company, branch)) = self
            .tenant_of_call(call["to_number"].as_str(), call["agent_id"].as_str())
            .await?
        else {
            return Ok(None);
        };
        // Without a call id a retry could not be told from a new request.
        let Some(call_id) = call["call_id"].as_str().filter(|id| !id.is_empty()) else {
            return Err(crate::AppError::Invalid(
                "the function call has no `call.call_id`".into(),
            ));
        };
        let started = call["start_timestamp"]
            .as_i64()
            .and_then(|ms| Timestamp::from_millisecond(ms).ok());
        Ok(Some(CallContext {
            model: self.company(&company).await?,
            called_branch: branch,
            call_id: call_id.to_owned(),
            from_number: call["from_number"]
                .as_str()
                .filter(|n| is_e164(n))
                .map(str::to_owned),
            // "morgen" means the day after the call began, also for a retry after midnight.
            reference: started.unwrap_or_else(|| self.now()),
        }))
    }
}

impl CallContext {
    pub fn address(&self) -> Address {
        match self.model.tenant().company.formality {
            Formality::Du => Address::Du,
            Formality::Sie => Address::Sie,
        }
    }

    /// The customer's number: `customer_phone` when it is valid E.164, else the caller's.
    pub fn customer_phone(&self, args: &Value) -> Option<String> {
        args["customer_phone"]
            .as_str()
            .map(str::trim)
            .filter(|p| is_e164(p))
            .map(str::to_owned)
            .or_else(|| self.from_number.clone())
    }

    /// The branch named in the arguments (by slug or name), else the called one, else
    /// the only one; `None` when the company has several and none is clear.
    pub fn branch(&self, named: Option<&str>) -> Option<&Branch> {
        let branches = &self.model.tenant().branches;
        if let Some(said) = named.filter(|s| !s.trim().is_empty()) {
            let candidates: Vec<Candidate> = branches
                .iter()
                .map(|b| Candidate {
                    key: b.slug.as_str(),
                    names: vec![b.slug.as_str(), b.name.as_str()],
                })
                .collect();
            let key = best_match(said, &candidates)?.key;
            return branches.iter().find(|b| b.slug.as_str() == key);
        }
        if let Some(slug) = &self.called_branch {
            return branches.iter().find(|b| b.slug.as_str() == slug);
        }
        match branches.as_slice() {
            [only] => Some(only),
            _ => None,
        }
    }

    /// The service the caller means, by slug, name or alias, forgiving small slips.
    pub fn service_slug(&self, said: &str) -> Option<String> {
        let services = &self.model.tenant().services;
        let candidates: Vec<Candidate> = services
            .iter()
            .map(|s| {
                let mut names = vec![s.slug.as_str(), s.name.as_str()];
                names.extend(s.aliases.iter().map(String::as_str));
                Candidate {
                    key: s.slug.as_str(),
                    names,
                }
            })
            .collect();
        best_match(said, &candidates).map(|m| m.key.to_owned())
    }

    /// The staff member the caller means, by slug, full name or first name.
    pub fn staff_slug(&self, said: &str) -> Option<String> {
        let staff = &self.model.tenant().staff;
        let candidates: Vec<Candidate> = staff
            .iter()
            .map(|s| Candidate {
                key: s.slug.as_str(),
                names: vec![s.slug.as_str(), s.name.as_str()],
            })
            .collect();
        best_match(said, &candidates).map(|m| m.key.to_owned())
    }

    /// RFC 3339, or spoken German resolved in `branch`'s zone against the call's start.
    pub fn wanted(&self, said: &str, branch: &Branch) -> Option<Wanted> {
        let tz = self.model.zone(branch.slug.as_str());
        if let Ok(at) = said.trim().parse::<Timestamp>() {
            return Some(Wanted {
                start: at.to_zoned_datetime(tz),
                end: None,
                exact: true,
            });
        }
        let now = self.reference.to_zoned_datetime(tz);
        let resolution = askpro_german::resolve(said, &now)?;
        // A point in time comes with its one-minute end; "ab 15 Uhr" has none.
        let exact = matches!(
            resolution.grain,
            askpro_german::Grain::Minute | askpro_german::Grain::Second
        ) && resolution.end.is_some();
        Some(Wanted {
            end: if exact { None } else { resolution.end.clone() },
            start: resolution.start,
            exact,
        })
    }
}
