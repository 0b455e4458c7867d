//! How the long-running loops fare: each reports trouble while it lasts and clears it
//! when it works again; `/healthz` and the log read it.

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Debug, Default)]
pub struct Health {
    troubles: Mutex<BTreeMap<&'static str, String>>,
}

/// One loop in trouble, as `/healthz` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub component: &'static str,
    pub problem: String,
}

impl Health {
    /// `component` cannot do its work: `problem` says why, and since when.
    pub fn troubled(&self, component: &'static str, problem: String) {
        if let Ok(mut troubles) = self.troubles.lock() {
            troubles.insert(component, problem);
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
                    .map(|(component, problem)| Problem {
                        component,
                        problem: problem.clone(),
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
    fn trouble_lasts_until_the_component_works_again() {
        let health = Health::default();
        health.troubled("merger", "pool timed out".into());
        health.troubled("worker", "connection refused".into());
        health.troubled("merger", "pool timed out again".into());
        let problems = health.problems();
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].component, "merger");
        assert_eq!(problems[0].problem, "pool timed out again");
        health.fine("merger");
        health.fine("scheduler");
        assert_eq!(health.problems()[0].component, "worker");
    }
}
