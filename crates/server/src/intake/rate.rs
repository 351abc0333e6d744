//! Rate windows of the lead intake: per widget and per client address on the public
//! endpoint, per key on the supplier API (`oubli_domain::LEADS_PER_*_PER_MINUTE`).
//! Kept in memory, per server instance: behind a load balancer each instance counts
//! its own share, so the effective limit is at most the number of instances times the
//! rule; the rule's purpose (a flood from one address, onto one widget or through one
//! key is cut off within a minute) still holds.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);
/// Keys kept before old windows are swept (bounds the memory a flood of addresses takes).
const SWEEP_AT: usize = 10_000;

/// Fixed one-minute windows per key.
#[derive(Default)]
pub struct RateWindows {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateWindows {
    /// Counts one hit for `key`; `Err(seconds to wait)` past `limit` in the window.
    pub fn hit(&self, key: &str, limit: u32) -> Result<(), u64> {
        let now = Instant::now();
        let mut w = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if w.len() >= SWEEP_AT {
            w.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let e = w.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(e.0) >= WINDOW {
            *e = (now, 0);
        }
        if e.1 >= limit {
            let left = WINDOW.saturating_sub(now.duration_since(e.0));
            return Err(left.as_secs().max(1));
        }
        e.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_limit_waits() {
        let r = RateWindows::default();
        for _ in 0..3 {
            assert!(r.hit("a", 3).is_ok());
        }
        let wait = r.hit("a", 3).unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(r.hit("b", 3).is_ok());
    }
}
