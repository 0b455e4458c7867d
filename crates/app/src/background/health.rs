//! How the long-running loops fare: each reports trouble while it lasts and clears it
//! when it works again. `/healthz` shows which loop is in trouble and since when; what
//! went wrong (an internal error text) goes to the log, never to that public page.

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Debug, Default)]
pub struct Health {
    troubles: Mutex<BTreeMap<&'static str, (Instant, String)>>,
}

/// One loop in trouble, as `/healthz` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub component: &'static str,
    /// Seconds since the trouble began.
    pub failing_for_s: u64,
    /// What went wrong; for the log and the operator, not for `/healthz`.
    #[serde(skip)]
    pub detail: String,
}

impl Health {
    /// `component` cannot do its work; `detail` says why. Its trouble began with the
    /// first such report since it last worked.
    pub fn troubled(&self, component: &'static str, detail: String) {
        if let Ok(mut troubles) = self.troubles.lock() {
            let since = troubles
                .get(component)
                .map_or_else(Instant::now, |(since, _)| *since);
            troubles.insert(component, (since, detail));
        }
    }

    /// `component` works again.
    pub fn fine(&self, component: &'static str) {
        if let Ok(mut troubles) = self.troubles.lock() {
            troubles.remove(component);
        }
    }

    pub fn problems(&self) -> Vec<Problem> {
        self.troubles.lock().map_or_else(
            |_| Vec::new(),
            |troubles| {
                troubles
                    .iter()
                    .map(|(component, (since, detail))| Problem {
                        component,
                        failing_for_s: since.elapsed().as_secs(),
                        detail: detail.clone(),
                    })
                    .collect()
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trouble_lasts_until_the_component_works_again_and_keeps_its_start() {
        let health = Health::default();
        health.troubled("merger", "pool timed out".into());
        health.troubled("worker", "connection refused".into());
        std::thread::sleep(std::time::Duration::from_millis(10));
        health.troubled("merger", "pool timed out again".into());
        let problems = health.problems();
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].component, "merger");
        assert_eq!(problems[0].detail, "pool timed out again");
        let shown = serde_json::to_value(&problems[0]).unwrap();
        assert_eq!(
            shown,
            serde_json::json!({ "component": "merger", "failing_for_s": 0 })
        );
        health.fine("merger");
        health.fine("scheduler");
        assert_eq!(health.problems()[0].component, "worker");
    }
}
