//! The runbook's five customer-success numbers over a period, each with the counts it
//! is made of and the same number for the period before (the trend), and how the
//! period's calls ended, counted by outcome class (`voice::outcome`). Definitions as in
//! `shared/contract/operations.md`.

use crate::App;
use crate::error::Result;
use crate::model::CompanyModel;
use crate::operations::diagnose::calls::StoredCall;
use crate::voice::{Outcome, classify};
use askpro_store::calls::FunctionCallRow;
use askpro_store::operations;
use serde::{Serialize, Serializer};
use serde_json::Value;
use std::collections::HashMap;

/// Functions that achieve what a booking call is for.
const GOALS: [&str; 3] = [
    "book_appointment",
    "reschedule_appointment",
    "cancel_appointment",
];

/// A period of whole days ending at `until` (Unix ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricsPeriod {
    pub from: i64,
    pub until: i64,
}

impl MetricsPeriod {
    pub fn last_days(now: i64, days: u32) -> MetricsPeriod {
        MetricsPeriod {
            from: now - i64::from(days) * 86_400_000,
            until: now,
        }
    }

    /// The period of the same length right before this one.
    pub fn previous(self) -> MetricsPeriod {
        MetricsPeriod {
            from: 2 * self.from - self.until,
            until: self.from,
        }
    }
}

/// One number with what it is made of.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    /// `call_completion_rate`, `email_delivery_rate`, `no_show_rate`,
    /// `customer_satisfaction`, `avg_resolution_minutes`.
    pub key: &'static str,
    /// `percent`, `score` (1–5) or `minutes`.
    pub unit: &'static str,
    /// `None` when nothing in the period counts (no calls, no mail, …).
    pub value: Option<f64>,
    /// The counted items and what they are counted against, e.g. 42 of 50 calls.
    pub count: i64,
    pub of: i64,
    pub previous: Option<f64>,
}

impl Metric {
    /// Value minus the previous period's, when both exist.
    pub fn trend(&self) -> Option<f64> {
        Some(self.value? - self.previous?)
    }

    /// Whether a rise is good news (everything but the no-show rate and the time).
    pub fn higher_is_better(&self) -> bool {
        !matches!(self.key, "no_show_rate" | "avg_resolution_minutes")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerSuccess {
    pub company: String,
    pub days: u32,
    pub from: String,
    pub until: String,
    pub metrics: Vec<Metric>,
    /// How the period's calls ended: every outcome class with its count, in
    /// [`OUTCOME_CLASSES`] order (an object `{class: count}` in JSON).
    #[serde(serialize_with = "as_object")]
    pub outcomes: Vec<(String, i64)>,
}

/// The classes a call can end in, in the order the issue names them. The classifier's
/// own (`voice::outcome`) come from its enum, so a renamed one cannot drift apart;
/// `waitlist` is the waiting list's, counted 0 until the classifier produces it.
pub fn outcome_classes() -> Vec<&'static str> {
    let mut classes: Vec<&str> = [
        Outcome::Booked,
        Outcome::Moved,
        Outcome::Cancelled,
        Outcome::Message,
        Outcome::Transferred,
        Outcome::Information,
        Outcome::Abandoned,
    ]
    .into_iter()
    .map(Outcome::as_str)
    .collect();
    if !classes.contains(&"waitlist") {
        classes.insert(classes.len() - 1, "waitlist");
    }
    classes
}

/// An outcome class's name for people: German or English.
pub fn outcome_label(class: &str, german: bool) -> &str {
    let (de, en) = match class {
        "booked" => ("Termin gebucht", "Booked"),
        "moved" => ("Termin verschoben", "Moved"),
        "cancelled" => ("Termin abgesagt", "Cancelled"),
        "message" => ("Nachricht hinterlassen", "Message taken"),
        "transferred" => ("Weiterverbunden", "Transferred"),
        "information" => ("Nur Auskunft", "Information only"),
        "waitlist" => ("Auf die Warteliste gesetzt", "Waiting list"),
        "abandoned" => ("Ohne Ergebnis", "Abandoned"),
        other => (other, other),
    };
    if german { de } else { en }
}

fn as_object<S: Serializer>(
    counts: &[(String, i64)],
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.collect_map(counts.iter().map(|(class, n)| (class, n)))
}

/// The five numbers of one period, before the previous period is set beside them, and
/// how its calls ended.
struct Figures {
    metrics: [Metric; 5],
    outcomes: Vec<(String, i64)>,
}

/// How `calls` ended, by outcome class, given the company's `functions` of the period.
/// Every class is listed, also with 0; a class the classifier learns later than this
/// list is added after the known ones rather than lost.
fn count_outcomes(calls: &[StoredCall], functions: &[FunctionCallRow]) -> Vec<(String, i64)> {
    let mut of_call: HashMap<&str, Vec<FunctionCallRow>> = HashMap::new();
    for f in functions {
        of_call
            .entry(f.call_id.as_str())
            .or_default()
            .push(f.clone());
    }
    let mut counts: Vec<(String, i64)> = outcome_classes()
        .into_iter()
        .map(|class| (class.to_owned(), 0))
        .collect();
    for call in calls {
        let answered = of_call.get(call.row.call_id.as_str());
        let class = classify(
            answered.map(Vec::as_slice).unwrap_or_default(),
            call.row.disconnection_reason.as_deref(),
            call.row.call_successful.map(|v| v != 0),
        )
        .as_str();
        match counts.iter_mut().find(|(known, _)| known == class) {
            Some((_, n)) => *n += 1,
            None => counts.push((class.to_owned(), 1)),
        }
    }
    counts
}

fn ratio(count: i64, of: i64, scale: f64) -> Option<f64> {
    (of > 0).then(|| count as f64 * scale / of as f64)
}

fn metric(
    key: &'static str,
    unit: &'static str,
    value: Option<f64>,
    count: i64,
    of: i64,
) -> Metric {
    Metric {
        key,
        unit,
        value,
        count,
        of,
        previous: None,
    }
}

/// Retell's `user_sentiment` (or a custom `satisfaction` of 1–5) as a score.
fn satisfaction(call: &Value, sentiment: Option<&str>) -> Option<f64> {
    let custom = &call["call_analysis"]["custom_analysis_data"]["satisfaction"];
    if let Some(score) = custom
        .as_f64()
        .or_else(|| custom.as_str().and_then(|s| s.parse().ok()))
        && (1.0..=5.0).contains(&score)
    {
        return Some(score);
    }
    match sentiment.or_else(|| call["call_analysis"]["user_sentiment"].as_str())? {
        "Positive" => Some(5.0),
        "Neutral" => Some(3.0),
        "Negative" => Some(1.0),
        _ => None,
    }
}

impl App {
    /// `metrics customer-success`: the last `days` days against the `days` before.
    pub async fn customer_success(&self, slug: &str, days: u32) -> Result<CustomerSuccess> {
        let model = self.company(slug).await?;
        let period = MetricsPeriod::last_days(self.now_ms(), days);
        let Figures {
            metrics: mut now,
            outcomes,
        } = self.figures(&model, period).await?;
        let before = self.figures(&model, period.previous()).await?.metrics;
        for (metric, earlier) in now.iter_mut().zip(before) {
            metric.previous = earlier.value;
        }
        let tz = model.zone(model.tenant().branches[0].slug.as_str());
        let shown = |ms: i64| {
            jiff::Timestamp::from_millisecond(ms)
                .map(|t| {
                    t.to_zoned_datetime(tz.clone())
                        .strftime("%-d.%-m.%Y %H:%M")
                        .to_string()
                })
                .unwrap_or_default()
        };
        Ok(CustomerSuccess {
            company: slug.to_owned(),
            days,
            from: shown(period.from),
            until: shown(period.until),
            metrics: now.to_vec(),
            outcomes,
        })
    }

    /// The five numbers for each of the last `weeks` seven-day periods ending now,
    /// oldest first: the dashboard's charts.
    pub async fn weekly_metrics(
        &self,
        slug: &str,
        weeks: u32,
    ) -> Result<Vec<(MetricsPeriod, Vec<Metric>)>> {
        let model = self.company(slug).await?;
        let mut period = MetricsPeriod::last_days(self.now_ms(), 7);
        let mut series = Vec::with_capacity(weeks as usize);
        for _ in 0..weeks {
            let figures = self.figures(&model, period).await?;
            series.push((period, figures.metrics.to_vec()));
            period = period.previous();
        }
        series.reverse();
        Ok(series)
    }

    async fn figures(&self, model: &CompanyModel, period: MetricsPeriod) -> Result<Figures> {
        let calls = self.calls_since(model, period.from).await?;
        let calls: Vec<_> = calls
            .into_iter()
            .filter(|c| c.row.start_timestamp.unwrap_or(c.row.created_at) < period.until)
            .collect();
        let functions = operations::functions_since(
            &self.db,
            model.id(),
            period.from,
            period.until + 3_600_000,
        )
        .await?;
        let achieved = |call_id: &str| -> Option<&FunctionCallRow> {
            functions
                .iter()
                .find(|f| f.call_id == call_id && f.ok == 1 && GOALS.contains(&f.name.as_str()))
        };
        let connected: Vec<_> = calls.iter().filter(|c| c.connected()).collect();
        let reached = connected
            .iter()
            .filter(|c| c.row.call_successful == Some(1) || achieved(&c.row.call_id).is_some())
            .count() as i64;
        let completion = metric(
            "call_completion_rate",
            "percent",
            ratio(reached, connected.len() as i64, 100.0),
            reached,
            connected.len() as i64,
        );
        let mail = operations::email_health(
            &self.db,
            model.id(),
            (period.from, period.until),
            period.until.min(self.now_ms()) - 15 * 60_000,
        )
        .await?;
        let due = mail.delivered + mail.dead + mail.late;
        let delivery = metric(
            "email_delivery_rate",
            "percent",
            ratio(mail.delivered, due, 100.0),
            mail.delivered,
            due,
        );
        let (attended, no_shows) = operations::attendance(
            &self.db,
            model.id(),
            period.from,
            period.until.min(self.now_ms()),
        )
        .await?;
        let no_show = metric(
            "no_show_rate",
            "percent",
            ratio(no_shows, attended, 100.0),
            no_shows,
            attended,
        );
        let scores: Vec<f64> = calls
            .iter()
            .filter_map(|c| satisfaction(&c.data, c.row.user_sentiment.as_deref()))
            .collect();
        let mood = metric(
            "customer_satisfaction",
            "score",
            (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64),
            scores.len() as i64,
            calls.len() as i64,
        );
        let minutes: Vec<f64> = calls
            .iter()
            .filter_map(|c| {
                let start = c.row.start_timestamp?;
                let done = achieved(&c.row.call_id)?;
                Some((done.created_at - start).max(0) as f64 / 60_000.0)
            })
            .collect();
        let resolution = metric(
            "avg_resolution_minutes",
            "minutes",
            (!minutes.is_empty()).then(|| minutes.iter().sum::<f64>() / minutes.len() as f64),
            minutes.len() as i64,
            calls.len() as i64,
        );
        Ok(Figures {
            metrics: [completion, delivery, no_show, mood, resolution],
            outcomes: count_outcomes(&calls, &functions),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sentiment_maps_to_a_score_and_a_custom_score_wins() {
        assert_eq!(satisfaction(&json!({}), Some("Positive")), Some(5.0));
        assert_eq!(satisfaction(&json!({}), Some("Negative")), Some(1.0));
        assert_eq!(satisfaction(&json!({}), Some("Unknown")), None);
        let custom =
            json!({ "call_analysis": { "custom_analysis_data": { "satisfaction": "4" } } });
        assert_eq!(satisfaction(&custom, Some("Negative")), Some(4.0));
        let out_of_range =
            json!({ "call_analysis": { "custom_analysis_data": { "satisfaction": 9 } } });
        assert_eq!(satisfaction(&out_of_range, Some("Neutral")), Some(3.0));
    }

    #[test]
    fn every_class_is_listed_once_and_the_waiting_list_before_the_abandoned_calls() {
        assert_eq!(
            outcome_classes(),
            [
                "booked",
                "moved",
                "cancelled",
                "message",
                "transferred",
                "information",
                "waitlist",
                "abandoned"
            ]
        );
        assert_eq!(
            outcome_label("waitlist", true),
            "Auf die Warteliste gesetzt"
        );
        assert_eq!(outcome_label("waitlist", false), "Waiting list");
    }

    #[test]
    fn the_previous_period_ends_where_this_one_starts() {
        let p = MetricsPeriod::last_days(10 * 86_400_000, 3);
        assert_eq!(p.previous().until, p.from);
        assert_eq!(p.previous().from, 4 * 86_400_000);
    }
}
