//! Configuration: defaults in code, overridden by flags or `STRADA_*` environment
//! variables, validated at start.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen; `STRADA_LISTEN`, default `127.0.0.1:8080`.
    pub listen: SocketAddr,
    /// The sled data folder; `STRADA_DATA_DIR`, default `./data`.
    pub data_dir: PathBuf,
    /// The built PWA (Trunk's `dist/`); `STRADA_DIST_DIR`, default `./dist`.
    pub dist_dir: Option<PathBuf>,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "data";
pub const DEFAULT_DIST_DIR: &str = "dist";

/// How the server holds connections: timeouts and limits that keep a client (slow,
/// stalled or hostile) from holding resources for long. Defaults in code; tests shorten
/// them. Behind a reverse proxy these still apply between the proxy and the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// A client must send a request's whole head within this; the same timer runs while
    /// an idle keep-alive connection waits for its next request, so it is also the idle
    /// limit. A phone on a weak network sends a head (under 2 KB) well within it.
    pub header_timeout: std::time::Duration,
    /// The longest wait for the next piece of a request body (a stalled upload).
    pub body_timeout: std::time::Duration,
    /// The longest a request may take from its head to its answer's head (an event
    /// stream's body is not counted): an 8 MB push at 100 KB/s takes 80 s.
    pub request_timeout: std::time::Duration,
    /// Most connections held at once; more are answered 503 and closed. Room for 2,000
    /// devices each holding its event stream and a request; the process needs as many
    /// open files (raise the usual soft limit of 1,024: `LimitNOFILE=8192` in systemd).
    pub max_connections: usize,
    /// Most requests being processed at once (reading their body included); more are
    /// answered 503 (`unavailable`) at once: 2 cores do not process more usefully, and
    /// each may hold a body of up to 8 MB.
    pub max_in_flight: usize,
    /// Of those, most requests with a body and no live session (signing in, ending a
    /// session, a bad token) at once, and most from one client address: a client that
    /// is not signed in and sends its body slowly holds only these, never a signed-in
    /// device's slot nor a page's. Over either limit: 503 at once.
    pub max_in_flight_anonymous: usize,
    pub max_in_flight_anonymous_per_address: usize,
    /// Most requests one signed-in account has in flight, all its sessions together (a
    /// phone pushes one at a time; a central browser sends a few at once; a worker may
    /// hold a phone, a tablet and a desk).
    pub max_in_flight_per_account: usize,
    /// Most live event streams one user holds (a phone, a tablet, a reconnect in
    /// flight); more are answered 429 (`too_many_streams`).
    pub max_streams_per_user: usize,
    /// Most records (documents) one account's devices may create in a day (a budget
    /// refilled over 24 hours); a push over it is answered 429 (`too_many_new_records`)
    /// and the device keeps its records until the budget refills. A field worker logs
    /// tens a day; found by the attacker's tenth probe: one account created 5,000 records
    /// in 2 s (100 MB on disk), with nothing to stop it going on.
    pub max_new_records_per_day: usize,
    /// Most devices of one account that sign in within a day before one more new device
    /// is refused (429 `too_many_devices`; see `auth::MAX_NEW_DEVICES_PER_DAY`).
    pub max_new_devices_per_day: usize,
    /// Behind a reverse proxy (`STRADA_BEHIND_PROXY=1`): a client's address, for the
    /// sign-in limits per address, is the last `X-Forwarded-For` entry (the one the
    /// proxy wrote), not the connection's peer (the proxy).
    pub behind_proxy: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: std::time::Duration::from_secs(15),
            body_timeout: std::time::Duration::from_secs(30),
            request_timeout: std::time::Duration::from_secs(120),
            max_connections: 4096,
            max_in_flight: 64,
            max_in_flight_anonymous: 16,
            max_in_flight_anonymous_per_address: 4,
            max_in_flight_per_account: 12,
            max_streams_per_user: 3,
            max_new_records_per_day: 2_000,
            max_new_devices_per_day: crate::auth::MAX_NEW_DEVICES_PER_DAY,
            behind_proxy: false,
        }
    }
}

impl Limits {
    /// The defaults, with `STRADA_MAX_CONNECTIONS`, `STRADA_MAX_STREAMS_PER_USER` and
    /// `STRADA_MAX_NEW_RECORDS_PER_DAY`, `STRADA_MAX_NEW_DEVICES_PER_DAY` when set (positive integers; anything else stops
    /// the start).
    pub fn from_env() -> anyhow::Result<Limits> {
        let mut limits = Limits::default();
        for (name, field) in [
            ("STRADA_MAX_CONNECTIONS", &mut limits.max_connections),
            (
                "STRADA_MAX_STREAMS_PER_USER",
                &mut limits.max_streams_per_user,
            ),
            (
                "STRADA_MAX_NEW_RECORDS_PER_DAY",
                &mut limits.max_new_records_per_day,
            ),
            (
                "STRADA_MAX_NEW_DEVICES_PER_DAY",
                &mut limits.max_new_devices_per_day,
            ),
        ] {
            if let Ok(v) = std::env::var(name) {
                *field = v
                    .trim()
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| anyhow::anyhow!("{name} must be a positive integer"))?;
            }
        }
        limits.behind_proxy = match std::env::var("STRADA_BEHIND_PROXY").as_deref() {
            Err(_) | Ok("" | "0" | "false") => false,
            Ok("1" | "true") => true,
            Ok(_) => anyhow::bail!("STRADA_BEHIND_PROXY must be 1 or 0"),
        };
        Ok(limits)
    }
}
