//! Caps how fast one account may write, whatever its token: a leaked token
//! or a runaway editorial tool cannot flood the database or the history.
//!
//! The generic cell rate algorithm (GCRA), in memory: each account keeps
//! one instant, its "theoretical arrival time". An account may spend a whole
//! minute's allowance at once, then one write per `60 s / per_minute`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct WriteLimit {
    /// The time at which each account's allowance is whole again.
    full_at: Mutex<HashMap<i64, Instant>>,
    /// The cost of one write; `None` when writes are not limited.
    interval: Option<Duration>,
}

/// Entries kept before those whose allowance is whole again are swept.
const SWEEP_ABOVE: usize = 10_000;
const WINDOW: Duration = Duration::from_secs(60);

impl WriteLimit {
    /// `per_minute` writes per account and minute; 0 for no limit.
    pub fn new(per_minute: u32) -> Self {
        Self {
            full_at: Mutex::default(),
            interval: (per_minute > 0).then(|| WINDOW / per_minute),
        }
    }

    /// Counts a write by `account`, or `Err(wait)` when its allowance is
    /// spent; a refused write costs nothing.
    pub fn check(&self, account: i64) -> Result<(), Duration> {
        self.check_at(account, Instant::now())
    }

    fn check_at(&self, account: i64, now: Instant) -> Result<(), Duration> {
        let Some(interval) = self.interval else {
            return Ok(());
        };
        let mut full_at = self.full_at.lock().unwrap_or_else(|e| e.into_inner());
        if full_at.len() > SWEEP_ABOVE {
            full_at.retain(|_, at| *at > now);
        }
        let after = full_at.get(&account).map_or(now, |at| (*at).max(now)) + interval;
        // Refused when the write would take the account more than a whole
        // minute's allowance into debt.
        let debt = after - now;
        if debt > WINDOW {
            return Err(debt - WINDOW);
        }
        full_at.insert(account, after);
        Ok(())
    }

    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.full_at.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minute_at_once_then_one_per_interval() {
        let limit = WriteLimit::new(3);
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(limit.check_at(1, t0), Ok(()));
        }
        let wait = limit.check_at(1, t0).unwrap_err();
        assert_eq!(wait, Duration::from_secs(20), "one write's worth");
        assert!(limit.check_at(2, t0).is_ok(), "other accounts are not affected");
        // Refusals cost nothing: the wait does not grow.
        assert_eq!(
            limit.check_at(1, t0 + Duration::from_secs(5)),
            Err(Duration::from_secs(15))
        );
        assert!(limit.check_at(1, t0 + Duration::from_secs(20)).is_ok());
        assert!(limit.check_at(1, t0 + Duration::from_secs(20)).is_err());
        // An idle minute restores the whole allowance.
        let later = t0 + Duration::from_secs(100);
        for _ in 0..3 {
            assert!(limit.check_at(1, later).is_ok());
        }
        assert!(limit.check_at(1, later).is_err());
    }

    #[test]
    fn zero_means_unlimited() {
        let limit = WriteLimit::new(0);
        let now = Instant::now();
        assert!((0..10_000).all(|_| limit.check_at(1, now).is_ok()));
        assert_eq!(limit.tracked(), 0);
    }

    #[test]
    fn memory_stays_bounded() {
        let limit = WriteLimit::new(600);
        let t0 = Instant::now();
        for account in 0..=SWEEP_ABOVE as i64 {
            limit.check_at(account, t0).unwrap();
        }
        // A minute on, every allowance is whole again: the next write sweeps.
        limit.check_at(-1, t0 + WINDOW).unwrap();
        assert_eq!(limit.tracked(), 1);
    }
}
