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

pub struct SignInThrottle {
    failures: Mutex<HashMap<IpAddr, (i64, u32)>>,
    gate: Arc<Semaphore>,
}

impl Default for SignInThrottle {
    fn default() -> Self {
        SignInThrottle {
            failures: Mutex::new(HashMap::new()),
            gate: Arc::new(Semaphore::new(VERIFY_AT_ONCE)),
        }
    }
}

impl SignInThrottle {
    /// `Err(retry_after_ms)` when `addr` failed too often in its current window.
    pub fn admit(&self, addr: IpAddr, now_ms: i64) -> Result<(), i64> {
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
        assert_eq!(t.admit(b, 100), Ok(()), "another address is not affected");
        assert_eq!(t.admit(a, WINDOW_MS + 1), Ok(()), "a new window");
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
