//! What the outside services say, gathered once per diagnosis: Retell's agent, its LLM
//! and the calls of the last hour; the SMTP servers; Cal.com's status and the time zones
//! of its hosts. Each is asked in parallel with its own deadline.

use super::OUTSIDE_DEADLINE;
use crate::App;
use crate::calendar::{CalcomStatus, ZoneReport};
use crate::model::CompanyModel;
use askpro_connectors::retell::{ListCalls, Retell, llm_id_of};
use askpro_connectors::smtp::ServerCheck;
use serde_json::Value;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How to reach the outside services for one company.
#[derive(Clone, Default)]
pub struct Outside {
    /// The company's Retell client (its own key, else the configured one).
    pub retell: Option<Arc<Retell>>,
    /// Where Retell should deliver webhooks: `{public_url}/webhooks/retell`.
    pub public_url: Option<String>,
    /// The deadline per service ([`OUTSIDE_DEADLINE`] unless set).
    pub deadline: Option<Duration>,
}

/// One answer from outside.
#[derive(Debug, Clone)]
pub enum Fact<T> {
    /// Not configured, with why.
    Absent(&'static str),
    /// No answer within the deadline.
    NoAnswer,
    /// It answered with an error.
    Failed(String),
    Got(T),
}

impl<T> Fact<T> {
    pub fn got(&self) -> Option<&T> {
        match self {
            Fact::Got(value) => Some(value),
            _ => None,
        }
    }
}

/// Everything the outside said.
#[derive(Debug, Clone)]
pub struct OutsideFacts {
    pub agent: Fact<Value>,
    pub llm: Fact<Value>,
    pub recent_calls: Fact<Vec<Value>>,
    pub smtp: Fact<Vec<ServerCheck>>,
    pub calcom: Fact<CalcomStatus>,
    pub zones: Fact<ZoneReport>,
    /// Per service, host and day, the times only one calendar offers (next 7 days).
    pub availability_gaps: Fact<Vec<crate::calendar::AvailabilityGap>>,
    /// Service–staff links Cal.com's event type hosts contradict.
    pub staff_links: Fact<Vec<crate::operations::staff::LinkChange>>,
}

/// Runs `work` with `deadline`: its answer, or [`Fact::NoAnswer`].
async fn within<T, E: std::fmt::Display>(
    deadline: Duration,
    work: impl Future<Output = Result<T, E>>,
) -> Fact<T> {
    match tokio::time::timeout(deadline, work).await {
        Ok(Ok(value)) => Fact::Got(value),
        Ok(Err(error)) => Fact::Failed(error.to_string()),
        Err(_) => Fact::NoAnswer,
    }
}

impl Outside {
    pub async fn gather(&self, app: &App, model: &CompanyModel) -> OutsideFacts {
        let deadline = self.deadline.unwrap_or(OUTSIDE_DEADLINE);
        let agent_id = model.tenant().company.retell_agent_id.clone();
        let retell = async {
            match (&self.retell, &agent_id) {
                (Some(retell), Some(agent_id)) => {
                    let since = app.now_ms() - 3_600_000;
                    let (agent_and_llm, calls) = tokio::join!(
                        within(deadline, agent_and_llm(retell, agent_id)),
                        within(deadline, calls_since(retell, agent_id, since)),
                    );
                    let (agent, llm) = match agent_and_llm {
                        Fact::Got((agent, llm)) => (Fact::Got(agent), llm),
                        Fact::NoAnswer => (Fact::NoAnswer, Fact::NoAnswer),
                        Fact::Failed(e) => (Fact::Failed(e.clone()), Fact::Failed(e)),
                        Fact::Absent(why) => (Fact::Absent(why), Fact::Absent(why)),
                    };
                    (agent, llm, calls)
                }
                (None, _) => (
                    Fact::Absent("no Retell API key configured"),
                    Fact::Absent("no Retell API key configured"),
                    Fact::Absent("no Retell API key configured"),
                ),
                (_, None) => (
                    Fact::Absent("no retell_agent_id in the tenant file"),
                    Fact::Absent("no retell_agent_id in the tenant file"),
                    Fact::Absent("no retell_agent_id in the tenant file"),
                ),
            }
        };
        let smtp = async {
            match &app.mailer {
                Some(mailer) => match tokio::time::timeout(deadline, mailer.verify()).await {
                    Ok(checks) => Fact::Got(checks),
                    Err(_) => Fact::NoAnswer,
                },
                None => Fact::Absent("no SMTP server configured; mail goes to the outbox"),
            }
        };
        let calcom = async {
            if model.tenant().calcom.is_none() {
                return (
                    Fact::Absent("no Cal.com configured"),
                    within(deadline, app.verify_zones(model.slug())).await,
                    Fact::Absent("no Cal.com configured"),
                    Fact::Absent("no Cal.com configured"),
                );
            }
            tokio::join!(
                within(deadline, app.calcom_status(model.slug())),
                within(deadline, app.verify_zones(model.slug())),
                within(deadline, app.staff_sync_plan(model.slug(), None)),
                within(deadline, app.calcom_compare_availability(model.slug(), 7)),
            )
        };
        let ((agent, llm, recent_calls), smtp, (calcom, zones, staff_links, availability_gaps)) =
            tokio::join!(retell, smtp, calcom);
        OutsideFacts {
            agent,
            llm,
            recent_calls,
            smtp,
            calcom,
            zones,
            staff_links,
            availability_gaps,
        }
    }
}

/// The agent and, when it uses a Retell LLM, that LLM.
async fn agent_and_llm(
    retell: &Retell,
    agent_id: &str,
) -> Result<(Value, Fact<Value>), askpro_connectors::retell::RetellError> {
    let agent = retell.get_agent(agent_id).await?;
    let llm = match llm_id_of(&agent) {
        Some(llm_id) => match retell.get_llm(&llm_id).await {
            Ok(llm) => Fact::Got(llm),
            Err(error) => Fact::Failed(error.to_string()),
        },
        None => Fact::Absent("the agent does not use a Retell LLM"),
    };
    Ok((agent, llm))
}

/// The agent's calls that started since `since` (one page is plenty for an hour).
async fn calls_since(
    retell: &Retell,
    agent_id: &str,
    since: i64,
) -> Result<Vec<Value>, askpro_connectors::retell::RetellError> {
    let query = ListCalls {
        agent_ids: vec![agent_id.to_owned()],
        start_after_ms: Some(since),
        limit: 1000,
        ..ListCalls::default()
    };
    Ok(retell.list_calls(&query).await?.items)
}
