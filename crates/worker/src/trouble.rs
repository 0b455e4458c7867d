//! What a long-running loop (a worker, the webhook merger, the scheduler) does when the
//! database fails it: remember since when and why, wait a little longer after each
//! failure (half a second, doubling, at most 30 s), and go on. A loop never ends because
//! the database was away for a while.

use std::fmt::Display;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// Whether a loop should end: asked to stop, or nobody is left who could ask.
pub fn stopping(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

const FIRST_PAUSE: Duration = Duration::from_millis(500);
const LONGEST_PAUSE: Duration = Duration::from_secs(30);

#[derive(Debug, Default)]
pub struct Trouble {
    since: Option<Instant>,
    failures: u32,
    last: String,
}

impl Trouble {
    /// Records a failure; how long to wait before the next try.
    pub fn failed(&mut self, error: &impl Display) -> Duration {
        self.since.get_or_insert_with(Instant::now);
        self.failures = self.failures.saturating_add(1);
        self.last = error.to_string();
        let doublings = self.failures.saturating_sub(1).min(10);
        (FIRST_PAUSE * 2u32.pow(doublings)).min(LONGEST_PAUSE)
    }

    /// Records a success; true when it ends a spell of trouble.
    pub fn recovered(&mut self) -> bool {
        let had = self.since.is_some();
        *self = Trouble::default();
        had
    }

    pub fn is_troubled(&self) -> bool {
        self.since.is_some()
    }

    /// "3 failures in the last 12 s, the last: …", while there is trouble.
    pub fn describe(&self) -> Option<String> {
        let since = self.since?;
        Some(format!(
            "{} failure{} in the last {} s, the last: {}",
            self.failures,
            if self.failures == 1 { "" } else { "s" },
            since.elapsed().as_secs(),
            self.last
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_to_half_a_minute_and_a_success_ends_the_spell() {
        let mut trouble = Trouble::default();
        assert!(!trouble.is_troubled() && trouble.describe().is_none());
        let pauses: Vec<u64> = (0..9)
            .map(|_| trouble.failed(&"pool timed out").as_millis() as u64)
            .collect();
        assert_eq!(
            pauses,
            [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]
        );
        let text = trouble.describe().unwrap();
        assert!(
            text.starts_with("9 failures in the last 0 s, the last: pool timed out"),
            "{text}"
        );
        assert!(trouble.recovered());
        assert!(!trouble.recovered(), "only the first success ends it");
        assert_eq!(trouble.failed(&"again").as_millis(), 500);
    }
}
