//! Users, passwords, sessions and the devices they sign in from.
//!
//! Passwords are hashed with Argon2id (PHC strings). A session is an opaque random token
//! given once to the client; the store keeps only its SHA-256, so a copy of the data
//! folder cannot be used to sign in.
//!
//! # Layout
//! - [`session`]: sign-in (with its throttling), resolving a token, sign-out, ending
//!   sessions, idle expiry.
//! - [`device`]: the devices accounts sign in from, their "last seen", revocation.
//! - [`admin`]: what the central office does to accounts (create, disable, reset a
//!   password, change role or team, unlock, end everything).
//! - [`throttle`]: per client address limits on sign-in, and the Argon2 gate.
//! - [`password`], [`token`]: the secrets.

pub mod admin;
pub mod device;
pub mod password;
pub mod session;
pub mod throttle;
pub mod token;

use strada_shared::domain::Role;
use strada_shared::ids::{TeamId, UserId};

use crate::storage::{Store, StoreError, StoredUser};
pub use device::{revoke_device, revoke_user_devices, sessions_per_device, vouched};
pub use password::Password;
pub use session::{
    SignedIn, authenticate, device_sessions, end_device_sessions, end_session_by_key, login,
    logout, session_alive, sign_in,
};
pub use token::SessionToken;

/// How long a field session lasts: field devices stay offline for days, so a month. A
/// phone whose session expired asks for the password again and keeps its pending changes.
pub const SESSION_TTL_MS: i64 = 30 * 24 * 3600 * 1000;
/// How long a central session lasts at most (a working day), and how long it may idle.
pub const CENTRAL_SESSION_TTL_MS: i64 = 12 * 3600 * 1000;
pub const CENTRAL_IDLE_MS: i64 = 15 * 60 * 1000;
/// A device's "last seen" and a session's "last used" move at most this often (one write
/// a minute, not a request).
pub const LAST_SEEN_RESOLUTION_MS: i64 = 60 * 1000;
/// Wrong passwords in a row before an account (from new devices) or a device is locked,
/// and for how long.
pub const MAX_FAILED_LOGINS: u32 = 6;
/// The most sessions an account holds at once: a sign-in past it ends the account's
/// sessions used longest ago, those of no device first (the attacker's eleventh probe
/// opened 161 in 5 s by signing in again and again, each kept a month).
pub const MAX_SESSIONS_PER_ACCOUNT: usize = 20;
pub const LOCK_MS: i64 = 30 * 60 * 1000;
/// The most devices an account signs in from within a day before a sign-in from one more
/// new device is refused (the eighteenth probe: each sign-in from a new device id left a
/// device record for good, so one leaked password could grow the store without end). A
/// worker changes phone or browser a few times a year; a sign-out wipes the phone and
/// its next sign-in is a new device, once a day at most.
pub const MAX_NEW_DEVICES_PER_DAY: usize = 10;

/// A signed-in user, as handlers see it.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub team: TeamId,
    /// The automerge actor of the device this session belongs to, if it syncs.
    pub actor: Option<Vec<u8>>,
    /// The SHA-256 of the session's token: what ends its event stream with it.
    pub session: [u8; 32],
}

impl From<&StoredUser> for AuthUser {
    fn from(u: &StoredUser) -> Self {
        AuthUser {
            id: u.id,
            username: u.username.clone(),
            role: u.role,
            team: u.team.clone(),
            actor: None,
            session: [0; 32],
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("wrong username or password")]
    BadCredentials,
    #[error("sign in first")]
    MissingSession,
    #[error("the session has expired: sign in again")]
    ExpiredSession,
    #[error("a user with that name already exists")]
    UsernameTaken,
    #[error("username must be 3-40 characters: letters, digits, '.', '_' or '-'")]
    InvalidUsername,
    #[error("password must be at least {} characters", password::MIN_LEN)]
    WeakPassword,
    #[error("the device id must be 16 to 32 bytes in hex")]
    InvalidDevice,
    #[error("this device is registered to another user")]
    DeviceTaken,
    #[error("this device was revoked by the central office")]
    DeviceRevoked,
    /// [`MAX_NEW_DEVICES_PER_DAY`] devices of the account signed in within a day.
    #[error("too many new devices for this account today: try tomorrow, or ask the central office")]
    TooManyDevices,
    #[error("this account was disabled by the central office")]
    Disabled,
    /// Too many wrong passwords: sign-in waits until `until` (Unix ms).
    #[error("too many wrong passwords: try again later, or ask the central office")]
    Locked { until: i64 },
    #[error("no user with that name")]
    NoSuchUser,
    /// An administration act that would leave the PUA without a way in.
    #[error("{0}")]
    Refused(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates a username: 3–40 ASCII letters, digits, `.`, `_`, `-`.
pub fn parse_username(s: &str) -> Result<String, AuthError> {
    let s = s.trim();
    let ok = (3..=40).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(AuthError::InvalidUsername)
    }
}

/// Creates a user with a hashed password.
pub fn create_user(
    store: &dyn Store,
    username: &str,
    password: &Password,
    role: Role,
    team: TeamId,
    now_ms: i64,
) -> Result<StoredUser, AuthError> {
    let username = parse_username(username)?;
    if password.len() < password::MIN_LEN {
        return Err(AuthError::WeakPassword);
    }
    let user = StoredUser {
        id: crate::new_user_id(now_ms),
        username,
        role,
        team,
        password_hash: password.hash(),
        created_at: now_ms,
        disabled_at: None,
        failed_logins: 0,
        locked_until: None,
    };
    match store.insert_user(&user) {
        Err(StoreError::Conflict) => Err(AuthError::UsernameTaken),
        other => other.map(|()| user).map_err(AuthError::from),
    }
}

/// Parses a device's automerge actor id (hex, 16–32 bytes). The server's own actors (the
/// one that writes compacted documents, [`crate::sync::server_actor`], the one that
/// writes imports, [`crate::sync::import_actor`], the one that writes a reviewer's
/// choice, [`crate::sync::reviewer_actor`], and the one that writes merges,
/// [`crate::sync::merge_actor`]) are no device's.
pub fn parse_actor(hex_actor: &str) -> Result<Vec<u8>, AuthError> {
    let server_actors = [
        crate::sync::server_actor().to_bytes().to_vec(),
        crate::sync::import_actor().to_bytes().to_vec(),
        crate::sync::reviewer_actor().to_bytes().to_vec(),
        crate::sync::merge_actor().to_bytes().to_vec(),
    ];
    match hex::decode(hex_actor.trim()) {
        Ok(b) if (16..=32).contains(&b.len()) && !server_actors.contains(&b) => Ok(b),
        _ => Err(AuthError::InvalidDevice),
    }
}
