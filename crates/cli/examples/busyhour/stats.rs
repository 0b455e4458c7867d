//! Latencies and failures per kind of request, and their percentiles.

use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct Stats {
    /// `function check_availability`, `webhook transcript_updated`, … → latencies in µs.
    latencies: Mutex<BTreeMap<String, Vec<u64>>>,
    /// (kind, status) → count, for every answer that was not 2xx (status 0: no answer).
    failures: Mutex<BTreeMap<(String, u16), u64>>,
    /// Calls that were offered a time: (booked, not booked in the end).
    bookings: Mutex<(u64, u64)>,
}

impl Stats {
    pub fn record(&self, kind: &str, micros: u64, status: u16) {
        self.latencies
            .lock()
            .unwrap()
            .entry(kind.to_owned())
            .or_default()
            .push(micros);
        if !(200..300).contains(&status) {
            *self
                .failures
                .lock()
                .unwrap()
                .entry((kind.to_owned(), status))
                .or_default() += 1;
        }
    }

    /// A caller who was offered a time, and whether a booking came of it.
    pub fn booking(&self, booked: bool) {
        let mut bookings = self.bookings.lock().unwrap();
        if booked {
            bookings.0 += 1;
        } else {
            bookings.1 += 1;
        }
    }

    /// Answers that were not 2xx, or no answer at all.
    pub fn failures(&self) -> u64 {
        self.failures.lock().unwrap().values().sum()
    }

    pub fn print(&self) {
        let latencies = self.latencies.lock().unwrap();
        for family in ["function", "webhook"] {
            let all: Vec<u64> = latencies
                .iter()
                .filter(|(kind, _)| kind.starts_with(family))
                .flat_map(|(_, l)| l.iter().copied())
                .collect();
            println!("  {}", line(&format!("{family}s (all)"), all));
            for (kind, values) in latencies.iter().filter(|(k, _)| k.starts_with(family)) {
                println!(
                    "    {}",
                    line(kind.trim_start_matches(family).trim(), values.clone())
                );
            }
        }
        let (booked, missed) = *self.bookings.lock().unwrap();
        println!(
            "  callers offered a time: {booked} booked, {missed} lost it to other callers twice"
        );
        let failures = self.failures.lock().unwrap();
        if failures.is_empty() {
            println!("  errors: none");
        }
        for ((kind, status), count) in failures.iter() {
            println!("  error: {kind} → {}: {count}", status_text(*status));
        }
    }
}

fn status_text(status: u16) -> String {
    match status {
        0 => "no answer".into(),
        s => format!("HTTP {s}"),
    }
}

/// `name: N, p50 … p90 … p99 … max … ms`.
fn line(name: &str, mut values: Vec<u64>) -> String {
    values.sort_unstable();
    let pick = |q: f64| {
        let index = ((values.len() as f64 - 1.0) * q).round() as usize;
        values.get(index).copied().unwrap_or(0) as f64 / 1000.0
    };
    format!(
        "{name}: {} requests, ms p50 {:.1} p90 {:.1} p99 {:.1} max {:.1}",
        values.len(),
        pick(0.5),
        pick(0.9),
        pick(0.99),
        pick(1.0)
    )
}
