//! The one clock every decision about time reads: booking rules (minimum notice,
//! horizon), reminder scheduling and the reminder's "still ahead?" check, job due times,
//! backoff and leases, worker heartbeats, webhook deduplication windows and the
//! scheduler's periods.
//!
//! Production runs on the system clock. Tests freeze it at a chosen instant and move it
//! on by hand, so nothing they assert depends on the day they run; `--now` runs AskPro
//! from a chosen instant at real speed (a demo on a Monday morning, say). Deadlines of
//! network calls and sleeps stay on the monotonic clock: they measure waiting, not dates.

use jiff::{SignedDuration, Timestamp};
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A shared, cheaply cloned clock; clones see the same time and the same moves.
#[derive(Clone)]
pub struct Clock(Arc<Source>);

enum Source {
    /// The system clock moved by an offset in milliseconds (0 in production).
    Running(AtomicI64),
    /// An instant in Unix milliseconds that changes only when moved.
    Frozen(AtomicI64),
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock(Arc::new(Source::Running(AtomicI64::new(0))))
    }

    /// A clock standing still at `at` until [`Clock::advance`] or [`Clock::set`] moves it.
    pub fn frozen(at: Timestamp) -> Clock {
        Clock(Arc::new(Source::Frozen(AtomicI64::new(
            at.as_millisecond(),
        ))))
    }

    /// A clock that reads `at` now and then runs at the system clock's pace.
    pub fn running_from(at: Timestamp) -> Clock {
        Clock::shifted(at.as_millisecond() - system_ms())
    }

    /// The system clock moved by `offset_ms`; processes given the same shift agree.
    pub fn shifted(offset_ms: i64) -> Clock {
        Clock(Arc::new(Source::Running(AtomicI64::new(offset_ms))))
    }

    /// How far a running clock is ahead of the system clock (negative: behind);
    /// `None` for a frozen one.
    pub fn offset_ms(&self) -> Option<i64> {
        match &*self.0 {
            Source::Running(offset) => Some(offset.load(Ordering::Relaxed)),
            Source::Frozen(_) => None,
        }
    }

    pub fn now(&self) -> Timestamp {
        from_ms(self.now_ms())
    }

    /// Unix milliseconds, as the database stores instants.
    pub fn now_ms(&self) -> i64 {
        match &*self.0 {
            Source::Running(offset) => system_ms().saturating_add(offset.load(Ordering::Relaxed)),
            Source::Frozen(at) => at.load(Ordering::Relaxed),
        }
    }

    /// Moves the clock by `by` (forwards or backwards), for every clone.
    pub fn advance(&self, by: SignedDuration) {
        let ms = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        match &*self.0 {
            Source::Running(cell) | Source::Frozen(cell) => {
                let _ = cell.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| {
                    Some(v.saturating_add(ms))
                });
            }
        }
    }

    /// Puts the clock at `at`; a running clock runs on from there.
    pub fn set(&self, at: Timestamp) {
        match &*self.0 {
            Source::Running(offset) => {
                offset.store(at.as_millisecond() - system_ms(), Ordering::Relaxed)
            }
            Source::Frozen(cell) => cell.store(at.as_millisecond(), Ordering::Relaxed),
        }
    }

    /// True for the unmoved system clock; anything else is worth a line in the log.
    pub fn is_system(&self) -> bool {
        matches!(&*self.0, Source::Running(offset) if offset.load(Ordering::Relaxed) == 0)
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::system()
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &*self.0 {
            Source::Running(_) if self.is_system() => "system",
            Source::Running(_) => "running",
            Source::Frozen(_) => "frozen",
        };
        write!(f, "Clock({kind}, {})", self.now())
    }
}

fn system_ms() -> i64 {
    Timestamp::now().as_millisecond()
}

/// Out-of-range instants (only reachable by absurd moves) saturate rather than panic.
fn from_ms(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(if ms < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn a_frozen_clock_moves_only_when_told_and_for_every_clone() {
        let clock = Clock::frozen(at("2026-11-30T07:00:00Z"));
        let clone = clock.clone();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(clock.now(), at("2026-11-30T07:00:00Z"));
        clone.advance(SignedDuration::from_hours(25));
        assert_eq!(clock.now(), at("2026-12-01T08:00:00Z"));
        clock.set(at("2027-01-01T00:00:00Z"));
        assert_eq!(clone.now_ms(), at("2027-01-01T00:00:00Z").as_millisecond());
        assert!(!clock.is_system());
    }

    #[test]
    fn a_running_clock_starts_where_asked_and_keeps_pace() {
        let clock = Clock::running_from(at("2030-06-01T12:00:00Z"));
        let first = clock.now();
        assert!(
            first
                .duration_since(at("2030-06-01T12:00:00Z"))
                .as_secs()
                .abs()
                < 5
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(clock.now() > first, "a running clock runs");
        clock.advance(SignedDuration::from_hours(-1));
        assert!(clock.now() < first);
        let same = Clock::shifted(clock.offset_ms().unwrap());
        assert!(same.now().duration_since(clock.now()).as_secs().abs() < 1);
        assert_eq!(Clock::frozen(first).offset_ms(), None);
    }

    #[test]
    fn the_system_clock_is_the_system_clock_until_moved() {
        let clock = Clock::system();
        assert!(clock.is_system());
        assert!(clock.now().duration_since(Timestamp::now()).as_secs().abs() < 5);
        clock.advance(SignedDuration::from_mins(1));
        assert!(!clock.is_system());
        assert!(format!("{clock:?}").starts_with("Clock(running"));
    }

    #[test]
    fn absurd_moves_saturate_instead_of_panicking() {
        let clock = Clock::frozen(at("2026-01-01T00:00:00Z"));
        clock.advance(SignedDuration::MAX);
        assert_eq!(clock.now(), Timestamp::MAX);
    }
}
