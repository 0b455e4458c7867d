//! Secrets by the name of the environment variable that holds them: a tenant file names
//! the variable (`api_key_env = "SALON_CALCOM_KEY"`), never the value. A process may
//! also be handed a value in memory (the demo's stand-in key, a test's), since changing
//! one's own environment while threads run is unsound.

use std::collections::HashMap;
use std::sync::RwLock;

#[derive(Default)]
pub struct Secrets {
    given: RwLock<HashMap<String, String>>,
}

impl Secrets {
    /// The value given in memory, else the environment's; empty counts as unset.
    pub fn get(&self, name: &str) -> Option<String> {
        let given = self.given.read().ok().and_then(|g| g.get(name).cloned());
        given
            .or_else(|| std::env::var(name).ok())
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// Holds `value` under `name` for this process, before the environment.
    pub fn set(&self, name: &str, value: &str) {
        if let Ok(mut given) = self.given.write() {
            given.insert(name.to_owned(), value.to_owned());
        }
    }
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets { .. }")
    }
}
