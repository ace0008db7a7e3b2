//! Slows down password guessing: failed sign-ins are counted per account and
//! per client address over a sliding window, in memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct LoginThrottle {
    counts: Mutex<HashMap<String, (u32, Instant)>>,
    per_account: u32,
    per_address: u32,
    window: Duration,
}

/// Entries kept before expired ones are swept.
const SWEEP_ABOVE: usize = 10_000;

impl LoginThrottle {
    pub fn new(per_account: u32, per_address: u32, window: Duration) -> Self {
        Self {
            counts: Mutex::default(),
            per_account,
            per_address,
            window,
        }
    }

    fn keys(account: &str, address: &str) -> [String; 2] {
        [
            format!("account:{}", account.to_lowercase()),
            format!("address:{address}"),
        ]
    }

    /// `Err(wait)` when either key has used up its failures.
    pub fn check(&self, account: &str, address: &str) -> Result<(), Duration> {
        let counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        let [by_account, by_address] = Self::keys(account, address);
        for (key, limit) in [(by_account, self.per_account), (by_address, self.per_address)] {
            if let Some((failures, since)) = counts.get(&key) {
                let elapsed = now.duration_since(*since);
                if elapsed < self.window && *failures >= limit {
                    return Err(self.window - elapsed);
                }
            }
        }
        Ok(())
    }

    pub fn failed(&self, account: &str, address: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if counts.len() > SWEEP_ABOVE {
            counts.retain(|_, (_, since)| now.duration_since(*since) < self.window);
        }
        for key in Self::keys(account, address) {
            let entry = counts.entry(key).or_insert((0, now));
            if now.duration_since(entry.1) >= self.window {
                *entry = (0, now);
            }
            entry.0 += 1;
        }
    }

    /// A successful sign-in clears the account's count (not the address's).
    pub fn succeeded(&self, account: &str) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        counts.remove(&Self::keys(account, "")[0]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_account_and_per_address() {
        let throttle = LoginThrottle::new(3, 5, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(throttle.check("a@x", "1.1.1.1").is_ok());
            throttle.failed("A@x", "1.1.1.1");
        }
        assert!(
            throttle.check("a@x", "2.2.2.2").is_err(),
            "the account is locked from anywhere"
        );
        assert!(throttle.check("b@x", "1.1.1.1").is_ok());
        throttle.failed("b@x", "1.1.1.1");
        throttle.failed("c@x", "1.1.1.1");
        assert!(
            throttle.check("d@x", "1.1.1.1").is_err(),
            "the address is locked for any account"
        );
        throttle.succeeded("a@x");
        assert!(throttle.check("a@x", "3.3.3.3").is_ok());
    }
}
