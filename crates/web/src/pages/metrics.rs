//! *Kennzahlen*: the runbook's five numbers, each with its value of the last seven days,
//! a bar chart over the last weeks (server-side SVG, no script), and its definition one
//! click away; below, how the calls of the last 30 days ended.

use super::{chrome, open_company};
use crate::WebState;
use crate::error::WebError;
use crate::format::{self, decimal};
use crate::layout::{Nav, frame};
use crate::session::Viewer;
use askpro_app::operations::MetricsPeriod;
use askpro_app::operations::metrics::{Metric, outcome_label};
use axum::extract::{Path, State};
use maud::{Markup, PreEscaped, html};

/// How many weeks the charts show.
const WEEKS: u32 = 8;

/// German name and definition of each number (as in `shared/contract/operations.md`).
fn describe(key: &str) -> (&'static str, &'static str) {
    match key {
        "call_completion_rate" => (
            "Erfolgreiche Anrufe",
            "Anteil der verbundenen Anrufe (länger als 10 Sekunden), die ihr Ziel erreicht haben: ein Termin wurde gebucht, verschoben oder abgesagt, oder die Frage war ohne Termin beantwortet.",
        ),
        "email_delivery_rate" => (
            "Zugestellte E-Mails",
            "Anteil der fälligen E-Mails, die ein Mailserver angenommen hat. Fällig sind zugestellte, endgültig gescheiterte und seit über 15 Minuten wartende E-Mails.",
        ),
        "no_show_rate" => (
            "Nicht erschienen",
            "Anteil der vergangenen, nicht abgesagten Termine, zu denen der Kunde nicht gekommen ist.",
        ),
        "customer_satisfaction" => (
            "Kundenzufriedenheit",
            "Mittelwert der Stimmung der Anrufer von 1 bis 5 (positiv 5, neutral 3, negativ 1) oder der Bewertung „satisfaction“ aus Retells Auswertung.",
        ),
        "avg_resolution_minutes" => (
            "Zeit bis zur Lösung",
            "Durchschnittliche Minuten vom Beginn des Anrufs bis zur Buchung, Verschiebung oder Absage, die der Anruf erreicht hat.",
        ),
        _ => ("Kennzahl", ""),
    }
}

fn value_text(metric: &Metric) -> String {
    match (metric.value, metric.unit) {
        (None, _) => "–".into(),
        (Some(v), "percent") => format!("{} %", decimal(v, 1)),
        (Some(v), "score") => format!("{} von 5", decimal(v, 1)),
        (Some(v), _) => format!("{} Min.", decimal(v, 1)),
    }
}

/// A bar chart of one number over the weeks; bars without a value are left out.
fn chart(name: &str, series: &[(MetricsPeriod, Option<f64>)], tz: &jiff::tz::TimeZone) -> Markup {
    let (width, height, top, bottom) = (320.0, 120.0, 14.0, 18.0);
    let max = series
        .iter()
        .filter_map(|(_, v)| *v)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let slot = width / series.len().max(1) as f64;
    let mut svg = String::new();
    for (i, (period, value)) in series.iter().enumerate() {
        let x = i as f64 * slot + slot * 0.15;
        let label = format::zoned(period.from, tz);
        svg.push_str(&format!(
            r#"<text class="chart-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}.{}.</text>"#,
            x + slot * 0.35,
            height - 4.0,
            label.day(),
            label.month()
        ));
        if let Some(v) = value {
            let h = (height - top - bottom) * v / max;
            let y = height - bottom - h;
            svg.push_str(&format!(
                r#"<rect class="chart-bar" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}"><title>{}</title></rect><text class="chart-label" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
                slot * 0.7, decimal(*v, 1), x + slot * 0.35, y - 3.0, decimal(*v, 0)
            ));
        }
    }
    let axis = format!(
        r#"<line class="chart-axis" x1="0" y1="{0}" x2="{width}" y2="{0}"/>"#,
        height - bottom
    );
    html! {
        svg viewBox=(format!("0 0 {width} {height}")) role="img" aria-label=(format!("{name} der letzten {WEEKS} Wochen")) {
            (PreEscaped(axis)) (PreEscaped(svg))
        }
    }
}

pub async fn page(
    State(state): State<WebState>,
    viewer: Viewer,
    Path(company): Path<String>,
) -> Result<Markup, WebError> {
    let model = open_company(&state, &viewer, &company).await?;
    let weeks = state.app.weekly_metrics(model.slug(), WEEKS).await?;
    let month = state.app.customer_success(model.slug(), 30).await?;
    let tz = model.zone(model.tenant().branches[0].slug.as_str());
    let Some((_, latest)) = weeks.last() else {
        return Err(WebError::NotFound);
    };
    let content = html! {
        p.muted { "Die Werte der letzten sieben Tage; die Balken zeigen je eine Woche." }
        div.grid.three {
            @for (index, metric) in latest.iter().enumerate() {
                @let (name, definition) = describe(metric.key);
                @let series: Vec<_> = weeks.iter().map(|(p, m)| (*p, m.get(index).and_then(|m| m.value))).collect();
                section.metric aria-label=(name) {
                    h2 { (name) }
                    p.value { (value_text(metric)) }
                    p.hint { (metric.count) " von " (metric.of) }
                    (chart(name, &series, &tz))
                    details { summary { "Wie wird das berechnet?" } p { (definition) } }
                }
            }
        }
        h2 { "Wie die Anrufe der letzten 30 Tage endeten" }
        div.table-wrap tabindex="0" role="region" aria-label="Anrufe nach Ergebnis" { table {
            thead { tr { th { "Ergebnis" } th { "Anrufe" } } }
            tbody { @for (class, count) in &month.outcomes { tr { td { (outcome_label(class, true)) } td { (count) } } } }
        } }
    };
    Ok(frame(
        &chrome(&viewer, &model, Nav::Metrics),
        "Kennzahlen",
        content,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_has_a_bar_per_week_with_a_value_and_a_label_for_each() {
        let tz = jiff::tz::TimeZone::UTC;
        let week = 7 * 86_400_000;
        let series = vec![
            (
                MetricsPeriod {
                    from: 0,
                    until: week,
                },
                Some(80.0),
            ),
            (
                MetricsPeriod {
                    from: week,
                    until: 2 * week,
                },
                None,
            ),
            (
                MetricsPeriod {
                    from: 2 * week,
                    until: 3 * week,
                },
                Some(40.0),
            ),
        ];
        let svg = chart("Erfolgreiche Anrufe", &series, &tz).into_string();
        assert_eq!(svg.matches("<rect").count(), 2, "{svg}");
        assert_eq!(svg.matches(">1.1.<").count(), 1, "{svg}");
        assert!(svg.contains("aria-label=\"Erfolgreiche Anrufe der letzten 8 Wochen\""));
        // The larger value is the taller bar: 80 fills the chart, 40 half of it.
        assert!(
            svg.contains("height=\"88.0\"") && svg.contains("height=\"44.0\""),
            "{svg}"
        );
    }

    #[test]
    fn values_carry_their_unit_in_german() {
        let metric = |unit: &'static str, value| Metric {
            key: "k",
            unit,
            value,
            count: 1,
            of: 2,
            previous: None,
        };
        assert_eq!(value_text(&metric("percent", Some(87.46))), "87,5 %");
        assert_eq!(value_text(&metric("score", Some(4.0))), "4,0 von 5");
        assert_eq!(value_text(&metric("minutes", Some(2.26))), "2,3 Min.");
        assert_eq!(value_text(&metric("percent", None)), "–");
    }
}
