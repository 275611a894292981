//! Users, passwords and sessions.
//!
//! Passwords are hashed with Argon2id (PHC strings). A session is an opaque random token
//! given once to the client; the store keeps only its SHA-256, so a copy of the data
//! folder cannot be used to sign in.

pub mod password;
pub mod token;

use strada_shared::domain::Role;
use strada_shared::ids::{TeamId, UserId};

use crate::storage::{DeviceBinding, Store, StoreError, StoredSession, StoredUser};
pub use password::Password;
pub use token::SessionToken;

/// How long a session lasts: field devices stay offline for days, so a month.
pub const SESSION_TTL_MS: i64 = 30 * 24 * 3600 * 1000;

/// A signed-in user, as handlers see it.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub team: TeamId,
    /// The automerge actor of the device this session belongs to, if it syncs.
    pub actor: Option<Vec<u8>>,
}

impl From<&StoredUser> for AuthUser {
    fn from(u: &StoredUser) -> Self {
        AuthUser {
            id: u.id,
            username: u.username.clone(),
            role: u.role,
            team: u.team.clone(),
            actor: None,
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
    };
    match store.insert_user(&user) {
        Err(StoreError::Conflict) => Err(AuthError::UsernameTaken),
        other => other.map(|()| user).map_err(AuthError::from),
    }
}

/// Parses a device's automerge actor id (hex, 16–32 bytes).
pub fn parse_actor(hex_actor: &str) -> Result<Vec<u8>, AuthError> {
    match hex::decode(hex_actor.trim()) {
        Ok(b) if (16..=32).contains(&b.len()) => Ok(b),
        _ => Err(AuthError::InvalidDevice),
    }
}

/// Checks a username and password and opens a session, bound to the device's automerge
/// actor when one is given.
pub fn login(
    store: &dyn Store,
    username: &str,
    password: &Password,
    device_actor: Option<&str>,
    now_ms: i64,
) -> Result<(SessionToken, StoredUser, i64), AuthError> {
    let actor = device_actor.map(parse_actor).transpose()?;
    let user = store.user_by_name(username)?;
    // Verify against a dummy hash for unknown users so timing does not reveal them.
    let hash = user
        .as_ref()
        .map_or(password::DUMMY_HASH, |u| u.password_hash.as_str());
    let ok = password.verify(hash);
    let user = match (user, ok) {
        (Some(u), true) => u,
        _ => return Err(AuthError::BadCredentials),
    };
    if let Some(a) = &actor {
        match store.bind_actor(a, user.id) {
            Err(StoreError::Conflict) => return Err(AuthError::DeviceTaken),
            other => other?,
        }
    }
    let token = SessionToken::generate();
    let expires_at = now_ms + SESSION_TTL_MS;
    let device = actor.map(|a| DeviceBinding {
        actor: hex::encode(a),
    });
    store.put_session(
        &token.hash(),
        &StoredSession {
            user_id: user.id,
            created_at: now_ms,
            expires_at,
            device,
        },
    )?;
    store.flush()?;
    Ok((token, user, expires_at))
}

/// Resolves a bearer token to its user.
pub fn authenticate(store: &dyn Store, token: &str, now_ms: i64) -> Result<AuthUser, AuthError> {
    let hash = token::hash_token(token);
    let session = store.session(&hash)?.ok_or(AuthError::MissingSession)?;
    if session.expires_at <= now_ms {
        store.delete_session(&hash)?;
        return Err(AuthError::ExpiredSession);
    }
    let user = store
        .user_by_id(session.user_id)?
        .ok_or(AuthError::MissingSession)?;
    let mut auth = AuthUser::from(&user);
    auth.actor = session.device.and_then(|d| hex::decode(d.actor).ok());
    Ok(auth)
}

/// Ends a session.
pub fn logout(store: &dyn Store, token: &str) -> Result<(), AuthError> {
    store.delete_session(&token::hash_token(token))?;
    store.flush()?;
    Ok(())
}
