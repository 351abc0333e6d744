//! Login throttling: growing delays after repeated failures, never a lockout for a
//! whole window.
//!
//! Two counters are asked before a password is checked:
//! - per email (a SHA-256 of it, so this memory holds no address book): the first
//!   [`LoginPolicy::free_failures`] failures cost nothing; after each further one the
//!   next attempt must wait `base_delay`, then twice that, and so on up to `max_delay`.
//!   An attempt inside the delay is answered 429 without the password being checked,
//!   so guessing faster gains nothing, while the real user, once the delay is over,
//!   logs in with the right password. A success forgets the email's failures.
//! - per client address ([`crate::client::address`]): the number of *distinct* emails
//!   that failed from it within `address_window`, with the much larger allowance
//!   `address_free_emails`, then the same growing delays for that address. Why distinct
//!   emails rather than failures: the per-email counter already stops guessing one
//!   account, so what the address must stop is spraying one password over many
//!   accounts; a whole office behind one address (a NAT, a proxy whose
//!   `X-Forwarded-For` is not trusted) typing wrong passwords a few times each counts
//!   one per person, and each person's success takes them off the count. Fifty
//!   colleagues would have to fail at once, without logging in, to slow the office down.
//!
//! In memory, per instance: N instances allow N times the attempts, acceptable against
//! argon2id hashes; a restart forgets the counts. Concurrent attempts are counted while
//! they run (an email past its allowance lets one attempt through at a time), so a
//! burst of parallel requests does not slip through one delay. What remains: anyone can
//! keep one account's delay at its maximum by failing on purpose; the owner then waits
//! at most `max_delay` for a turn (the delay is never a lock for the whole window).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How logins are throttled (see the module documentation).
#[derive(Clone, Debug)]
pub struct LoginPolicy {
    /// Failures for one email before the first delay: typos cost nothing.
    pub free_failures: u32,
    /// Distinct emails that may fail from one address within `address_window` before
    /// that address is delayed.
    pub address_free_emails: u32,
    pub address_window: Duration,
    /// The first delay; each further failure doubles it, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// An email's failures are forgotten this long after the last one (a success
    /// forgets them at once).
    pub forget_after: Duration,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            free_failures: 5,
            address_free_emails: 50,
            address_window: Duration::from_secs(3600),
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(15 * 60),
            forget_after: Duration::from_secs(24 * 3600),
        }
    }
}

impl LoginPolicy {
    /// The delay after the `excess`-th failure past the allowance (0 for the first).
    fn delay(&self, excess: u32) -> Duration {
        self.base_delay
            .saturating_mul(1u32 << excess.min(31))
            .min(self.max_delay)
    }
}

/// Which counter answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Email,
    Address,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Email => "email",
            Scope::Address => "address",
        }
    }
}

/// An attempt refused because a delay is not over.
#[derive(Clone, Copy, Debug)]
pub struct Refused {
    pub scope: Scope,
    pub retry_after: Duration,
}

impl Refused {
    /// For `Retry-After`: whole seconds, rounded up, at least 1.
    pub fn retry_after_secs(&self) -> u64 {
        let d = self.retry_after;
        (d.as_secs() + u64::from(d.subsec_nanos() > 0)).max(1)
    }
}

/// A delay a failure started.
#[derive(Clone, Copy, Debug)]
pub struct Lockout {
    pub scope: Scope,
    pub delay: Duration,
}

/// What a failure changed.
#[derive(Clone, Debug)]
pub struct Failure {
    /// The email's failures so far, this one included.
    pub failures: u32,
    pub lockouts: Vec<Lockout>,
}

/// Entries kept at most per map; past it, those not holding a delay are dropped first.
const MAX_ENTRIES: usize = 100_000;
const SWEEP_EVERY: Duration = Duration::from_secs(60);

struct EmailCount {
    failures: u32,
    last_failure: Instant,
    until: Option<Instant>,
    in_flight: u32,
}

#[derive(Default)]
struct AddressCount {
    /// (tag of the email, time of its last failure), oldest first, one per email.
    failed: VecDeque<(u64, Instant)>,
    until: Option<Instant>,
}

struct Inner {
    emails: HashMap<[u8; 32], EmailCount>,
    addresses: HashMap<IpAddr, AddressCount>,
    last_sweep: Instant,
}

pub struct LoginThrottle {
    pub policy: LoginPolicy,
    inner: Mutex<Inner>,
}

/// One login attempt let through: report [`Attempt::failed`] or
/// [`Attempt::succeeded`]. Dropped without either (an error, a client gone), it only
/// stops counting as running.
pub struct Attempt {
    throttle: Arc<LoginThrottle>,
    email: [u8; 32],
    address: Option<IpAddr>,
    /// The address's delay before this attempt reserved one, and the reservation.
    address_reserved: Option<(Option<Instant>, Instant)>,
    done: bool,
}

fn email_key(email: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(email.trim().to_lowercase().as_bytes()).into()
}

fn tag(key: &[u8; 32]) -> u64 {
    u64::from_le_bytes([
        key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
    ])
}

impl LoginThrottle {
    pub fn new(policy: LoginPolicy) -> Self {
        LoginThrottle {
            policy,
            inner: Mutex::new(Inner {
                emails: HashMap::new(),
                addresses: HashMap::new(),
                last_sweep: Instant::now(),
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Lets an attempt for `email` from `address` through, or says how long to wait.
    pub fn begin(
        self: &Arc<Self>,
        email: &str,
        address: Option<IpAddr>,
    ) -> Result<Attempt, Refused> {
        let p = &self.policy;
        let key = email_key(email);
        let address = address.map(crate::client::address_key);
        let now = Instant::now();
        let mut m = self.lock();
        self.sweep(&mut m, now);
        let e = m.emails.entry(key).or_insert(EmailCount {
            failures: 0,
            last_failure: now,
            until: None,
            in_flight: 0,
        });
        if e.in_flight == 0 && now.duration_since(e.last_failure) > p.forget_after {
            e.failures = 0;
            e.until = None;
        }
        let e_count = e.failures + e.in_flight;
        if e_count >= p.free_failures {
            if let Some(u) = e.until.filter(|u| *u > now) {
                return Err(Refused {
                    scope: Scope::Email,
                    retry_after: u - now,
                });
            }
        }
        let mut a_count = 0;
        if let Some(ip) = address {
            let a = m.addresses.entry(ip).or_default();
            prune(a, now, p.address_window);
            a_count = a.failed.len() as u32;
            if a_count >= p.address_free_emails {
                if let Some(u) = a.until.filter(|u| *u > now) {
                    return Err(Refused {
                        scope: Scope::Address,
                        retry_after: u - now,
                    });
                }
            }
        }
        // Let through. Past an allowance, the delay this attempt would earn by failing
        // is taken now, so that attempts arriving while it runs wait for its outcome.
        let mut address_reserved = None;
        if let Some(ip) = address {
            if a_count >= p.address_free_emails {
                if let Some(a) = m.addresses.get_mut(&ip) {
                    let until = now + p.delay(a_count + 1 - p.address_free_emails);
                    address_reserved = Some((a.until, until));
                    a.until = Some(until);
                }
            }
        }
        if let Some(e) = m.emails.get_mut(&key) {
            if e_count >= p.free_failures {
                e.until = Some(now + p.delay(e_count + 1 - p.free_failures));
            }
            e.in_flight += 1;
        }
        Ok(Attempt {
            throttle: self.clone(),
            email: key,
            address,
            address_reserved,
            done: false,
        })
    }

    /// Drops what is no longer needed, at most once a minute, and when a map is full,
    /// the entries that hold no delay.
    fn sweep(&self, m: &mut Inner, now: Instant) {
        let full = m.emails.len() > MAX_ENTRIES || m.addresses.len() > MAX_ENTRIES;
        if now.duration_since(m.last_sweep) < SWEEP_EVERY && !full {
            return;
        }
        m.last_sweep = now;
        let p = &self.policy;
        m.emails
            .retain(|_, e| e.in_flight > 0 || now.duration_since(e.last_failure) <= p.forget_after);
        m.addresses.retain(|_, a| {
            prune(a, now, p.address_window);
            !a.failed.is_empty() || a.until.is_some_and(|u| u > now)
        });
        if m.emails.len() > MAX_ENTRIES {
            m.emails
                .retain(|_, e| e.in_flight > 0 || e.until.is_some_and(|u| u > now));
        }
        if m.addresses.len() > MAX_ENTRIES {
            m.addresses.retain(|_, a| a.until.is_some_and(|u| u > now));
        }
    }
}

fn prune(a: &mut AddressCount, now: Instant, window: Duration) {
    while a
        .failed
        .front()
        .is_some_and(|(_, t)| now.duration_since(*t) >= window)
    {
        a.failed.pop_front();
    }
}

impl Attempt {
    /// Wrong password, unknown email or inactive account: counts it, starts delays.
    pub fn failed(mut self) -> Failure {
        self.done = true;
        let t = self.throttle.clone();
        let p = &t.policy;
        let now = Instant::now();
        let mut m = t.lock();
        let mut lockouts = Vec::new();
        let e = m.emails.entry(self.email).or_insert(EmailCount {
            failures: 0,
            last_failure: now,
            until: None,
            in_flight: 1,
        });
        e.in_flight = e.in_flight.saturating_sub(1);
        e.failures = e.failures.saturating_add(1);
        e.last_failure = now;
        let failures = e.failures;
        if failures >= p.free_failures {
            let delay = p.delay(failures - p.free_failures);
            e.until = Some(now + delay);
            lockouts.push(Lockout {
                scope: Scope::Email,
                delay,
            });
        }
        if let Some(ip) = self.address {
            let tag = tag(&self.email);
            let a = m.addresses.entry(ip).or_default();
            a.failed.retain(|(t, _)| *t != tag);
            a.failed.push_back((tag, now));
            let count = a.failed.len() as u32;
            if count >= p.address_free_emails {
                let delay = p.delay(count - p.address_free_emails);
                a.until = Some(now + delay);
                lockouts.push(Lockout {
                    scope: Scope::Address,
                    delay,
                });
            }
        }
        Failure { failures, lockouts }
    }

    /// The right password of an active account: the email's failures are forgotten, and
    /// the address no longer counts that email.
    pub fn succeeded(mut self) {
        self.done = true;
        let t = self.throttle.clone();
        let mut m = t.lock();
        m.emails.remove(&self.email);
        if let Some(ip) = self.address {
            let tag = tag(&self.email);
            let free = t.policy.address_free_emails as usize;
            if let Some(a) = m.addresses.get_mut(&ip) {
                a.failed.retain(|(t, _)| *t != tag);
                if let Some((before, reserved)) = self.address_reserved {
                    if a.until == Some(reserved) {
                        a.until = before;
                    }
                }
                if a.failed.len() < free {
                    a.until = None;
                }
            }
        }
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let mut m = self.throttle.lock();
        if let Some(e) = m.emails.get_mut(&self.email) {
            e.in_flight = e.in_flight.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(base_ms: u64) -> LoginPolicy {
        LoginPolicy {
            free_failures: 3,
            address_free_emails: 4,
            base_delay: Duration::from_millis(base_ms),
            ..LoginPolicy::default()
        }
    }

    #[test]
    fn delays_double_up_to_the_cap() {
        let p = LoginPolicy {
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            ..LoginPolicy::default()
        };
        let d: Vec<u64> = (0..9).map(|k| p.delay(k).as_secs()).collect();
        assert_eq!(d, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(p.delay(u32::MAX), Duration::from_secs(60));
    }

    #[test]
    fn email_delay_after_the_allowance_then_a_success_resets() {
        let t = Arc::new(LoginThrottle::new(policy(60_000)));
        for _ in 0..2 {
            let f = t.begin("a@b.fr", None).unwrap().failed();
            assert!(f.lockouts.is_empty());
        }
        let f = t.begin("A@B.fr ", None).unwrap().failed();
        assert_eq!(f.failures, 3);
        assert_eq!(f.lockouts[0].scope, Scope::Email);
        let r = t.begin("a@b.fr", None).err().expect("delayed");
        assert_eq!(r.scope, Scope::Email);
        assert_eq!(r.retry_after_secs(), 60);
        // Another email is not concerned.
        t.begin("c@b.fr", None).unwrap().succeeded();
    }

    #[test]
    fn past_the_allowance_one_attempt_at_a_time() {
        let t = Arc::new(LoginThrottle::new(policy(50)));
        for _ in 0..3 {
            t.begin("a@b.fr", None).unwrap().failed();
        }
        std::thread::sleep(Duration::from_millis(60));
        // The delay is over: one attempt goes, a second one in parallel waits for it.
        let running = t.begin("a@b.fr", None).unwrap();
        assert!(t.begin("a@b.fr", None).is_err(), "a second one in parallel");
        running.succeeded();
        t.begin("a@b.fr", None).unwrap().succeeded();
    }

    #[test]
    fn address_counts_distinct_emails_and_forgets_successes() {
        let t = Arc::new(LoginThrottle::new(policy(60_000)));
        let office: IpAddr = "192.0.2.1".parse().unwrap();
        // Ten colleagues, two typos each, then the right password: never delayed.
        for i in 0..10 {
            let email = format!("u{i}@b.fr");
            for _ in 0..2 {
                t.begin(&email, Some(office)).unwrap().failed();
            }
            t.begin(&email, Some(office)).unwrap().succeeded();
        }
        // One person failing many times counts once for the address.
        let sprayer: IpAddr = "198.51.100.1".parse().unwrap();
        for _ in 0..2 {
            t.begin("x@b.fr", Some(sprayer)).unwrap().failed();
        }
        // Spraying distinct emails: delayed at the allowance.
        for i in 0..3 {
            let f = t
                .begin(&format!("s{i}@b.fr"), Some(sprayer))
                .unwrap()
                .failed();
            assert_eq!(f.lockouts.is_empty(), i < 2, "{i}");
        }
        let r = t.begin("new@b.fr", Some(sprayer)).err().expect("delayed");
        assert_eq!(r.scope, Scope::Address);
        // The office is not concerned.
        t.begin("u1@b.fr", Some(office)).unwrap().succeeded();
    }

    #[test]
    fn forgotten_after_the_quiet_period() {
        let t = Arc::new(LoginThrottle::new(LoginPolicy {
            forget_after: Duration::from_millis(30),
            ..policy(60_000)
        }));
        for _ in 0..3 {
            t.begin("a@b.fr", None).unwrap().failed();
        }
        assert!(t.begin("a@b.fr", None).is_err());
        std::thread::sleep(Duration::from_millis(40));
        let f = t.begin("a@b.fr", None).unwrap().failed();
        assert_eq!(f.failures, 1);
    }

    #[test]
    fn an_abandoned_attempt_stops_counting() {
        let t = Arc::new(LoginThrottle::new(policy(60_000)));
        for _ in 0..2 {
            t.begin("a@b.fr", None).unwrap().failed();
        }
        drop(t.begin("a@b.fr", None).unwrap());
        // Still two failures: the third is free.
        let f = t.begin("a@b.fr", None).unwrap().failed();
        assert_eq!(f.failures, 3);
    }
}
