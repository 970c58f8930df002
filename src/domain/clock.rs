//! Time is injected so tests can set it; everything is stored as UTC.

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move (tests, snapshots, benchmarks).
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(at))
    }
    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().expect("clock lock");
        *t += by;
    }
    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

/// A compact age for a board column: `45s`, `12m`, `3h05m`, `2d04h`.
pub fn format_age(age: Duration) -> String {
    let secs = age.num_seconds().max(0);
    if secs < 60 {
        format!("{secs}s")
    } else if secs < 3600 {
        format!("{}m", secs / 60)
    } else if secs < 86_400 {
        format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60)
    } else {
        format!("{}d{:02}h", secs / 86_400, (secs % 86_400) / 3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_compactly_at_each_scale() {
        assert_eq!(format_age(Duration::seconds(-5)), "0s");
        assert_eq!(format_age(Duration::seconds(59)), "59s");
        assert_eq!(format_age(Duration::seconds(60)), "1m");
        assert_eq!(format_age(Duration::seconds(3599)), "59m");
        assert_eq!(format_age(Duration::seconds(3600 + 5 * 60)), "1h05m");
        assert_eq!(
            format_age(Duration::seconds(2 * 86_400 + 4 * 3600 + 59)),
            "2d04h"
        );
    }

    #[test]
    fn a_fixed_clock_moves_only_when_told() {
        let t0 = DateTime::parse_from_rfc3339("2026-03-29T00:59:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let c = FixedClock::new(t0);
        assert_eq!(c.now(), t0);
        c.advance(Duration::minutes(2));
        assert_eq!(c.now(), t0 + Duration::minutes(2));
    }
}
