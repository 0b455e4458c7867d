//! `report customer-success --week --email ADDRESS`: the week's five numbers against the
//! week before, the diagnosis in brief and the calls worth a listen, as an HTML mail
//! with charts drawn here as inline SVG (no chart service, nothing fetched) and a
//! plain-text part. It goes out through the mail queue like every other mail.

use super::diagnose::{CheckStatus, Diagnosis};
use super::metrics::{CustomerSuccess, Metric};
use super::transcript;
use crate::App;
use crate::error::Result;
use askpro_store::jobs::{self, NewJob};
use askpro_store::new_id;
use serde::Serialize;

/// The mail job of a report (sent by the prepared-mail handler).
pub const REPORT: &str = "email.customer_success_report";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeeklyReport {
    pub company: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The queued mail job, once queued.
    pub job_id: Option<String>,
}

/// A call worth a listen: unhappy caller or abrupt end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotableCall {
    pub call_id: String,
    pub why: String,
}

/// "Mo", "Di", … for a chart's axis.
fn weekday_short(date: jiff::civil::Date) -> String {
    use jiff::civil::Weekday::*;
    let day = match date.weekday() {
        Monday => "Mo",
        Tuesday => "Di",
        Wednesday => "Mi",
        Thursday => "Do",
        Friday => "Fr",
        Saturday => "Sa",
        Sunday => "So",
    };
    format!("{day} {}.", date.day())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A metric's German name.
pub fn label_de(key: &str) -> &'static str {
    match key {
        "call_completion_rate" => "Anruf-Erfolgsquote",
        "email_delivery_rate" => "E-Mail-Zustellquote",
        "no_show_rate" => "No-Show-Quote",
        "customer_satisfaction" => "Kundenzufriedenheit",
        _ => "Ø Bearbeitungszeit",
    }
}

/// A metric's value in German notation with its unit ("92,5 %", "4,2 / 5", "3,1 min").
pub fn shown_de(metric: &Metric, value: Option<f64>) -> String {
    let Some(value) = value else {
        return "–".into();
    };
    let number = format!("{value:.1}").replace('.', ",");
    match metric.unit {
        "percent" => format!("{number} %"),
        "score" => format!("{number} / 5"),
        _ => format!("{number} min"),
    }
}

/// The change against the previous period in words: "▲ 2,5" / "▼ 1,0" / "±0".
pub fn trend_de(metric: &Metric) -> String {
    match metric.trend() {
        None => "neu".into(),
        Some(t) if t.abs() < 0.05 => "±0".into(),
        Some(t) => format!(
            "{} {}",
            if t > 0.0 { "▲" } else { "▼" },
            format!("{:.1}", t.abs()).replace('.', ",")
        ),
    }
}

/// One horizontal pair of bars per metric: this week (dark) against last week (light),
/// scaled to the metric's own range.
fn comparison_chart(metrics: &[Metric]) -> String {
    let row_height = 44;
    let height = 20 + row_height * metrics.len();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"{height}\" role=\"img\" aria-label=\"Kennzahlen: diese Woche gegen Vorwoche\" font-family=\"sans-serif\" font-size=\"12\">"
    );
    svg.push_str("<rect x=\"180\" y=\"4\" width=\"10\" height=\"10\" fill=\"#1f5f8b\"/><text x=\"194\" y=\"13\">diese Woche</text><rect x=\"290\" y=\"4\" width=\"10\" height=\"10\" fill=\"#a9c7dd\"/><text x=\"304\" y=\"13\">Vorwoche</text>");
    for (i, metric) in metrics.iter().enumerate() {
        let top = 20 + i * row_height;
        let full = match metric.unit {
            "percent" => 100.0,
            "score" => 5.0,
            _ => metric
                .value
                .unwrap_or(0.0)
                .max(metric.previous.unwrap_or(0.0))
                .max(1.0),
        };
        let width = |v: Option<f64>| ((v.unwrap_or(0.0) / full).clamp(0.0, 1.0) * 360.0).round();
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\">{}</text><rect x=\"180\" y=\"{}\" width=\"{}\" height=\"14\" fill=\"#1f5f8b\"/><rect x=\"180\" y=\"{}\" width=\"{}\" height=\"10\" fill=\"#a9c7dd\"/><text x=\"{}\" y=\"{}\">{}</text>",
            top + 14,
            escape(label_de(metric.key)),
            top + 3,
            width(metric.value),
            top + 19,
            width(metric.previous),
            185.0 + width(metric.value),
            top + 14,
            escape(&shown_de(metric, metric.value)),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Calls per day as columns, with the day under each.
fn calls_chart(days: &[(String, usize)]) -> String {
    let most = days.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let mut svg = String::from(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"560\" height=\"160\" role=\"img\" aria-label=\"Anrufe pro Tag\" font-family=\"sans-serif\" font-size=\"12\">",
    );
    for (i, (day, count)) in days.iter().enumerate() {
        let height = (*count as f64 / most as f64 * 110.0).round();
        let x = 10 + i * 78;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{}\" width=\"50\" height=\"{height}\" fill=\"#1f5f8b\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{count}</text><text x=\"{}\" y=\"155\" text-anchor=\"middle\">{}</text>",
            130.0 - height,
            x + 25,
            125.0 - height,
            x + 25,
            escape(day)
        ));
    }
    svg.push_str("</svg>");
    svg
}

impl App {
    /// Writes the report of company `slug` for the last 7 days.
    pub async fn weekly_report(&self, slug: &str, diagnosis: &Diagnosis) -> Result<WeeklyReport> {
        let metrics = self.customer_success(slug, 7).await?;
        let model = self.company(slug).await?;
        let tz = model.zone(model.tenant().branches[0].slug.as_str());
        let since = self.now_ms() - 7 * 86_400_000;
        let calls = self.calls_since(&model, since).await?;
        let today = self.now().to_zoned_datetime(tz.clone()).date();
        let days: Vec<(String, usize)> = (0..7)
            .rev()
            .map(|back| {
                let date = today
                    .checked_sub(jiff::Span::new().days(back))
                    .unwrap_or(today);
                let count = calls
                    .iter()
                    .filter(|c| {
                        let at = c.row.start_timestamp.unwrap_or(c.row.created_at);
                        jiff::Timestamp::from_millisecond(at)
                            .map(|t| t.to_zoned_datetime(tz.clone()).date() == date)
                            .unwrap_or(false)
                    })
                    .count();
                (weekday_short(date), count)
            })
            .collect();
        let notable: Vec<NotableCall> = calls
            .iter()
            .filter_map(|c| {
                let reason = c.row.disconnection_reason.as_deref().unwrap_or_default();
                let why = if c.row.user_sentiment.as_deref() == Some("Negative") {
                    "unzufriedener Anrufer".to_owned()
                } else if transcript::ended_abnormally(reason) {
                    format!("abrupt beendet ({reason})")
                } else {
                    return None;
                };
                Some(NotableCall {
                    call_id: c.row.call_id.clone(),
                    why,
                })
            })
            .take(5)
            .collect();
        let company_name = model.tenant().company.name.clone();
        let subject = format!(
            "Wochenbericht {company_name}: {} bis {}",
            metrics.from, metrics.until
        );
        let text = plain_text(&company_name, &metrics, diagnosis, &notable);
        let html = html(&company_name, &metrics, diagnosis, &notable, &days);
        Ok(WeeklyReport {
            company: slug.to_owned(),
            subject,
            text,
            html,
            job_id: None,
        })
    }

    /// Queues `report` to `to` through the mail queue.
    pub async fn queue_report(&self, report: &mut WeeklyReport, to: &str) -> Result<()> {
        let model = self.company(&report.company).await?;
        let now = self.now_ms();
        let id = new_id();
        let payload = serde_json::json!({
            "company_id": model.id(), "company": report.company, "to": to,
            "subject": report.subject, "text": report.text, "html": report.html,
        });
        let mut tx = self.db.begin_write().await?;
        jobs::enqueue(
            &mut tx,
            &NewJob {
                id: id.clone(),
                queue: "emails",
                kind: REPORT,
                payload,
                max_attempts: 8,
                run_at: now,
                idempotency_key: None,
                company_id: Some(model.id()),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        report.job_id = Some(id);
        Ok(())
    }
}

fn plain_text(
    company: &str,
    metrics: &CustomerSuccess,
    diagnosis: &Diagnosis,
    notable: &[NotableCall],
) -> String {
    let mut lines = vec![
        format!("Wochenbericht für {company}"),
        format!("{} bis {}", metrics.from, metrics.until),
        String::new(),
        "Kennzahlen (gegenüber der Vorwoche):".to_owned(),
    ];
    for m in &metrics.metrics {
        lines.push(format!(
            "- {}: {} ({}; Vorwoche {})",
            label_de(m.key),
            shown_de(m, m.value),
            trend_de(m),
            shown_de(m, m.previous)
        ));
    }
    lines.push(String::new());
    lines.extend(diagnosis_lines(diagnosis));
    if !notable.is_empty() {
        lines.push(String::new());
        lines.push("Anrufe zum Nachhören:".to_owned());
        lines.extend(
            notable
                .iter()
                .map(|c| format!("- {}: {}", c.call_id, c.why)),
        );
    }
    lines.join("\n")
}

fn diagnosis_lines(diagnosis: &Diagnosis) -> Vec<String> {
    let open: Vec<_> = diagnosis.open_checks().collect();
    if open.is_empty() {
        return vec!["Diagnose: alle Prüfungen in Ordnung.".to_owned()];
    }
    let mut lines = vec![format!(
        "Diagnose: {} Prüfung(en) brauchen Aufmerksamkeit:",
        open.len()
    )];
    for check in open {
        lines.push(format!(
            "- {} {}: {}{}",
            if check.status == CheckStatus::Fail {
                "FEHLER"
            } else {
                "Hinweis"
            },
            check.id,
            check.evidence,
            check
                .fix
                .as_deref()
                .map(|f| format!(" → {f}"))
                .unwrap_or_default()
        ));
    }
    lines
}

fn html(
    company: &str,
    metrics: &CustomerSuccess,
    diagnosis: &Diagnosis,
    notable: &[NotableCall],
    days: &[(String, usize)],
) -> String {
    let rows: String = metrics
        .metrics
        .iter()
        .map(|m| {
            format!(
                "<tr><td>{}</td><td style=\"text-align:right\">{}</td><td style=\"text-align:right\">{}</td><td style=\"text-align:right\">{}</td></tr>",
                escape(label_de(m.key)),
                escape(&shown_de(m, m.value)),
                escape(&shown_de(m, m.previous)),
                escape(&trend_de(m))
            )
        })
        .collect();
    let diagnosis_items: String = diagnosis_lines(diagnosis)
        .iter()
        .map(|l| format!("<li>{}</li>", escape(l.trim_start_matches("- "))))
        .collect();
    let calls: String = notable
        .iter()
        .map(|c| {
            format!(
                "<li><code>{}</code>: {}</li>",
                escape(&c.call_id),
                escape(&c.why)
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Wochenbericht</title></head>\
         <body style=\"font-family:sans-serif;color:#1a1a1a;max-width:600px\">\
         <h1 style=\"font-size:20px\">Wochenbericht für {}</h1><p>{} bis {}</p>\
         <h2 style=\"font-size:16px\">Kennzahlen</h2>{}\
         <table style=\"border-collapse:collapse\" cellpadding=\"4\"><tr><th style=\"text-align:left\">Kennzahl</th><th>Diese Woche</th><th>Vorwoche</th><th>Trend</th></tr>{rows}</table>\
         <h2 style=\"font-size:16px\">Anrufe pro Tag</h2>{}\
         <h2 style=\"font-size:16px\">Diagnose</h2><ul>{diagnosis_items}</ul>{}</body></html>",
        escape(company),
        escape(&metrics.from),
        escape(&metrics.until),
        comparison_chart(&metrics.metrics),
        calls_chart(days),
        if calls.is_empty() {
            String::new()
        } else {
            format!("<h2 style=\"font-size:16px\">Anrufe zum Nachhören</h2><ul>{calls}</ul>")
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(
        key: &'static str,
        unit: &'static str,
        value: Option<f64>,
        previous: Option<f64>,
    ) -> Metric {
        Metric {
            key,
            unit,
            value,
            count: 0,
            of: 0,
            previous,
        }
    }

    #[test]
    fn values_and_trends_read_as_german() {
        let m = metric("call_completion_rate", "percent", Some(92.54), Some(90.0));
        assert_eq!(shown_de(&m, m.value), "92,5 %");
        assert_eq!(trend_de(&m), "▲ 2,5");
        let n = metric("customer_satisfaction", "score", Some(3.0), None);
        assert_eq!(shown_de(&n, n.value), "3,0 / 5");
        assert_eq!(trend_de(&n), "neu");
        assert_eq!(shown_de(&n, None), "–");
    }

    #[test]
    fn charts_scale_bars_and_escape_labels() {
        let svg = comparison_chart(&[metric("no_show_rate", "percent", Some(50.0), Some(25.0))]);
        assert!(svg.contains("width=\"180\" height=\"14\""), "{svg}");
        assert!(svg.contains("width=\"90\" height=\"10\""), "{svg}");
        let days = calls_chart(&[("Mo".into(), 2), ("Di".into(), 4)]);
        assert!(days.contains("height=\"110\""), "{days}");
        assert!(days.contains("height=\"55\""), "{days}");
    }
}
