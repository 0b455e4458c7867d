//! The runbook's five customer-success numbers per company as Prometheus gauges, the
//! same figures `askpro metrics customer-success --days 30` prints; rendered at most
//! once a minute.

use crate::ServerState;
use std::fmt::Write;
use std::time::{Duration, Instant};

/// How long rendered gauges are served again.
const FRESH: Duration = Duration::from_secs(60);

/// The gauges' names and help, in the order of [`askpro_app::operations::metrics`].
const GAUGES: [(&str, &str, &str); 5] = [
    (
        "call_completion_rate",
        "askpro_call_completion_rate_percent",
        "Connected calls (over 10 s) that reached their goal, last 30 days.",
    ),
    (
        "email_delivery_rate",
        "askpro_email_delivery_rate_percent",
        "E-mails delivered of those due (delivered, dead, or waiting over 15 min), last 30 days.",
    ),
    (
        "no_show_rate",
        "askpro_no_show_rate_percent",
        "Past appointments marked no-show of those not cancelled, last 30 days.",
    ),
    (
        "customer_satisfaction",
        "askpro_customer_satisfaction_score",
        "Mean caller sentiment (Positive 5, Neutral 3, Negative 1) or custom satisfaction, last 30 days.",
    ),
    (
        "avg_resolution_minutes",
        "askpro_avg_resolution_minutes",
        "Mean minutes from call start to the booking, move or cancellation it achieved, last 30 days.",
    ),
];

pub async fn gauges(state: &ServerState) -> String {
    if let Ok(cached) = state.metrics.success.lock()
        && let Some((at, text)) = cached.as_ref()
        && at.elapsed() < FRESH
    {
        return text.clone();
    }
    let text = render(state).await;
    if let Ok(mut cached) = state.metrics.success.lock() {
        *cached = Some((Instant::now(), text.clone()));
    }
    text
}

async fn render(state: &ServerState) -> String {
    let Ok(companies) = askpro_store::tenants::list(&state.app.db).await else {
        return String::new();
    };
    let mut figures = Vec::new();
    for company in companies {
        match state.app.customer_success(&company.slug, 30).await {
            Ok(success) => figures.push(success),
            Err(error) => {
                tracing::warn!(company = %company.slug, %error, "customer-success gauges not computed");
            }
        }
    }
    let mut text = String::new();
    for (key, name, help) in GAUGES {
        let _ = write!(text, "# HELP {name} {help}\n# TYPE {name} gauge\n");
        for success in &figures {
            let value = success
                .metrics
                .iter()
                .find(|m| m.key == key)
                .and_then(|m| m.value);
            // No sample in the period: no line, rather than a misleading zero.
            if let Some(value) = value {
                let _ = writeln!(text, "{name}{{company=\"{}\"}} {value}", success.company);
            }
        }
    }
    text
}
