//! Limits on sign-in that no single client can get around by changing accounts: per
//! client address, and on the Argon2 work itself.
//!
//! - **Per address:** [`FAILURES_PER_ADDRESS`] wrong sign-ins within [`WINDOW_MS`] and that
//!   address is refused (429 `too_many_attempts`) until the window ends. Successful
//!   sign-ins do not count, so an office behind one address signing in at 9 am is fine.
//! - **The Argon2 gate:** at most [`VERIFY_AT_ONCE`] password checks run at once; a
//!   sign-in waits for its turn at most [`GATE_WAIT`] (then 503), so a flood of
//!   sign-ins from many addresses cannot take the CPU from syncing devices.
//!
//! - **Names that are no account** lock like accounts (in memory: [`MAX_FAILED_LOGINS`]
//!   wrong sign-ins, then [`LOCK_MS`]), so that a lock does not tell which names are
//!   accounts (an attacker's probe: `nobody` answered 401 forever, a real name 429).
//!
//! Addresses are counted by network — an IPv4 /24, an IPv6 /64 — since one client
//! holds all of those (an attacker's probe went round the limit from 127.0.0.2–.11).
//! Per account and per device limits are kept with the account (see `session`).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub const FAILURES_PER_ADDRESS: u32 = 20;
pub const WINDOW_MS: i64 = 10 * 60 * 1000;
pub const VERIFY_AT_ONCE: usize = 2;
pub const GATE_WAIT: Duration = Duration::from_secs(5);
/// Addresses remembered at most (the oldest windows go first).
const MAX_ADDRESSES: usize = 100_000;
/// Names that are no account remembered at most (those no longer locked go first).
const MAX_UNKNOWN_NAMES: usize = 100_000;

use super::{LOCK_MS, MAX_FAILED_LOGINS};

pub struct SignInThrottle {
    failures: Mutex<HashMap<IpAddr, (i64, u32)>>,
    /// By name that is no account: wrong sign-ins in a row, and the lock's end.
    unknown: Mutex<HashMap<String, (u32, Option<i64>)>>,
    gate: Arc<Semaphore>,
}

impl Default for SignInThrottle {
    fn default() -> Self {
        SignInThrottle {
            failures: Mutex::new(HashMap::new()),
            unknown: Mutex::new(HashMap::new()),
            gate: Arc::new(Semaphore::new(VERIFY_AT_ONCE)),
        }
    }
}

/// The network an address is counted by: its IPv4 /24, its IPv6 /64 (an IPv4 address
/// written as IPv6 counts as the IPv4 one).
fn network(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            IpAddr::from([a, b, c, 0])
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => network(IpAddr::V4(v4)),
            None => {
                let mut o = v6.octets();
                o[8..].fill(0);
                IpAddr::from(o)
            }
        },
    }
}

impl SignInThrottle {
    /// The end of the lock of `name` when it is no account and was guessed at too often
    /// (see the module note); `None` otherwise.
    pub fn unknown_locked(&self, name: &str, now_ms: i64) -> Option<i64> {
        let m = self.unknown.lock().unwrap_or_else(|p| p.into_inner());
        m.get(&name.trim().to_lowercase())
            .and_then(|(_, until)| *until)
            .filter(|until| *until > now_ms)
    }

    /// Counts a wrong sign-in with `name`, which is no account.
    pub fn unknown_failed(&self, name: &str, now_ms: i64) {
        let mut m = self.unknown.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= MAX_UNKNOWN_NAMES {
            m.retain(|_, (_, until)| until.is_some_and(|u| u > now_ms));
            if m.len() >= MAX_UNKNOWN_NAMES {
                m.clear();
            }
        }
        let e = m.entry(name.trim().to_lowercase()).or_insert((0, None));
        if e.1.is_some_and(|u| u <= now_ms) {
            *e = (0, None);
        }
        e.0 = e.0.saturating_add(1);
        if e.0 >= MAX_FAILED_LOGINS && e.1.is_none() {
            e.1 = Some(now_ms + LOCK_MS);
        }
    }

    /// `Err(retry_after_ms)` when `addr`'s network failed too often in its current
    /// window.
    pub fn admit(&self, addr: IpAddr, now_ms: i64) -> Result<(), i64> {
        let addr = network(addr);
        let m = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match m.get(&addr) {
            Some((start, n)) if now_ms - start < WINDOW_MS && *n >= FAILURES_PER_ADDRESS => {
                Err(start + WINDOW_MS - now_ms)
            }
            _ => Ok(()),
        }
    }

    /// Counts a wrong sign-in from `addr`.
    pub fn failed(&self, addr: IpAddr, now_ms: i64) {
        let addr = network(addr);
        let mut m = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= MAX_ADDRESSES {
            m.retain(|_, (start, _)| now_ms - *start < WINDOW_MS);
        }
        let e = m.entry(addr).or_insert((now_ms, 0));
        if now_ms - e.0 >= WINDOW_MS {
            *e = (now_ms, 0);
        }
        e.1 = e.1.saturating_add(1);
    }

    /// A turn at the Argon2 work, or `None` after waiting [`GATE_WAIT`].
    pub async fn turn(&self) -> Option<OwnedSemaphorePermit> {
        self.turn_within(GATE_WAIT).await
    }

    /// A turn, or `None` after waiting `wait`.
    pub async fn turn_within(&self, wait: Duration) -> Option<OwnedSemaphorePermit> {
        tokio::time::timeout(wait, self.gate.clone().acquire_owned())
            .await
            .ok()
            .and_then(Result::ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_too_many_failures_until_its_window_ends() {
        let t = SignInThrottle::default();
        let a: IpAddr = "192.0.2.7".parse().expect("ip");
        let b: IpAddr = "192.0.2.8".parse().expect("ip");
        for i in 0..FAILURES_PER_ADDRESS {
            assert_eq!(t.admit(a, i as i64), Ok(()));
            t.failed(a, i as i64);
        }
        assert!(t.admit(a, 100).is_err());
        // Counted by network: a neighbour of the same /24 is refused too, another
        // network is not.
        assert!(t.admit(b, 100).is_err(), "the same /24");
        let c: IpAddr = "192.0.3.8".parse().expect("ip");
        assert_eq!(t.admit(c, 100), Ok(()), "another network is not affected");
        let mapped: IpAddr = "::ffff:192.0.2.200".parse().expect("ip");
        assert!(
            t.admit(mapped, 100).is_err(),
            "the same address written as IPv6"
        );
        assert_eq!(t.admit(a, WINDOW_MS + 1), Ok(()), "a new window");
        // IPv6: by /64.
        let v6: IpAddr = "2001:db8:1:2::7".parse().expect("ip");
        for i in 0..FAILURES_PER_ADDRESS {
            t.failed(v6, i as i64);
        }
        let same: IpAddr = "2001:db8:1:2:ffff::1".parse().expect("ip");
        let other: IpAddr = "2001:db8:1:3::7".parse().expect("ip");
        assert!(t.admit(same, 100).is_err());
        assert_eq!(t.admit(other, 100), Ok(()));
    }

    #[test]
    fn a_name_that_is_no_account_locks_as_an_account_does() {
        let t = SignInThrottle::default();
        for i in 0..MAX_FAILED_LOGINS {
            assert_eq!(t.unknown_locked("Nobody", i as i64), None);
            t.unknown_failed("Nobody", i as i64);
        }
        assert_eq!(t.unknown_locked(" nobody ", 10), Some(5 + LOCK_MS));
        assert_eq!(t.unknown_locked("somebody", 10), None);
        assert_eq!(
            t.unknown_locked("nobody", 5 + LOCK_MS),
            None,
            "the lock ends"
        );
        t.unknown_failed("nobody", 6 + LOCK_MS);
        assert_eq!(
            t.unknown_locked("nobody", 7 + LOCK_MS),
            None,
            "counted again from 1"
        );
    }

    #[tokio::test]
    async fn only_a_few_password_checks_run_at_once() {
        let t = SignInThrottle::default();
        let held: Vec<_> =
            futures_util::future::join_all((0..VERIFY_AT_ONCE).map(|_| t.turn())).await;
        assert!(held.iter().all(Option::is_some));
        let wait = Duration::from_millis(20);
        assert!(
            t.turn_within(wait).await.is_none(),
            "the next one waits, then gives up"
        );
        drop(held);
        assert!(t.turn_within(wait).await.is_some());
    }
}
