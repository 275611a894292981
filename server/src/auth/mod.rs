//! Users, passwords and sessions.
//!
//! Passwords are hashed with Argon2id (PHC strings). A session is an opaque random token
//! given once to the client; the store keeps only its SHA-256, so a copy of the data
//! folder cannot be used to sign in.

pub mod password;
pub mod token;

use strada_shared::domain::Role;
use strada_shared::ids::{TeamId, UserId};

use crate::storage::{DeviceBinding, Store, StoreError, StoredDevice, StoredSession, StoredUser};
pub use password::Password;
pub use token::SessionToken;

/// How long a session lasts: field devices stay offline for days, so a month.
pub const SESSION_TTL_MS: i64 = 30 * 24 * 3600 * 1000;
/// A device's "last seen" moves at most this often (one write a minute, not a request).
pub const LAST_SEEN_RESOLUTION_MS: i64 = 60 * 1000;

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
    #[error("this device was revoked by the central office")]
    DeviceRevoked,
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

/// A session just opened.
#[derive(Debug)]
pub struct SignedIn {
    pub token: SessionToken,
    pub user: StoredUser,
    pub expires_at: i64,
    /// Ends this session and nothing else (see [`end_session_by_key`]).
    pub logout_key: SessionToken,
}

/// Checks a username and password and opens a session, bound to the device's automerge
/// actor when one is given.
pub fn login(
    store: &dyn Store,
    username: &str,
    password: &Password,
    device_actor: Option<&str>,
    now_ms: i64,
) -> Result<SignedIn, AuthError> {
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
        register_device(store, a, user.id, now_ms)?;
    }
    let token = SessionToken::generate();
    let secret = SessionToken::generate();
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
            logout_hash: Some(hex::encode(secret.hash())),
        },
    )?;
    store.flush()?;
    // The key names its session (the token's hash, useless to sign in) and proves it
    // (the secret, stored hashed).
    let logout_key =
        SessionToken::from_secret(format!("{}.{}", hex::encode(token.hash()), secret.expose()));
    Ok(SignedIn {
        token,
        user,
        expires_at,
        logout_key,
    })
}

/// Ends the session a sign-out key belongs to (a device that signed out while offline
/// sends it later). Returns whether a session was ended; a wrong or spent key ends
/// nothing and says nothing more.
pub fn end_session_by_key(store: &dyn Store, key: &str) -> Result<bool, AuthError> {
    let Some((hash_hex, secret)) = key.split_once('.') else {
        return Ok(false);
    };
    let Some(hash) = hex::decode(hash_hex)
        .ok()
        .and_then(|h| <[u8; 32]>::try_from(h).ok())
    else {
        return Ok(false);
    };
    let Some(session) = store.session(&hash)? else {
        return Ok(false);
    };
    let proof = hex::encode(token::hash_token(secret));
    let matches = session.logout_hash.as_deref().is_some_and(|h| {
        // Constant time: the comparison says nothing about how close a guess was.
        h.len() == proof.len()
            && h.bytes()
                .zip(proof.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    });
    if !matches {
        return Ok(false);
    }
    store.delete_session(&hash)?;
    store.flush()?;
    Ok(true)
}

/// Ends every session opened on a device (the central office, for a phone that signed
/// out offline and never came back). The device may sign in again. Returns how many.
pub fn end_device_sessions(store: &dyn Store, actor_hex: &str) -> Result<usize, AuthError> {
    let actor = hex::encode(parse_actor(actor_hex)?);
    let mut ended = 0;
    for (hash, s) in store.sessions()? {
        if s.device.as_ref().is_some_and(|d| d.actor == actor) {
            store.delete_session(&hash)?;
            ended += 1;
        }
    }
    store.flush()?;
    Ok(ended)
}

/// How many unexpired sessions each device has (by actor hex).
pub fn sessions_per_device(
    store: &dyn Store,
    now_ms: i64,
) -> Result<std::collections::HashMap<String, u32>, AuthError> {
    let mut out = std::collections::HashMap::new();
    for (_, s) in store.sessions()? {
        if let Some(d) = s.device
            && s.expires_at > now_ms
        {
            *out.entry(d.actor).or_insert(0) += 1;
        }
    }
    Ok(out)
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
    if let Some(actor) = &auth.actor {
        check_device(store, actor, now_ms)?;
    }
    Ok(auth)
}

/// Records a sign-in on a device; a revoked device cannot sign in again.
fn register_device(
    store: &dyn Store,
    actor: &[u8],
    user: UserId,
    now_ms: i64,
) -> Result<(), AuthError> {
    let mut revoked = false;
    store.update_device(actor, &mut |current| match current {
        Some(d) if d.revoked_at.is_some() => {
            revoked = true;
            Some(d)
        }
        _ => Some(StoredDevice {
            actor: hex::encode(actor),
            user_id: user,
            signed_in_at: now_ms,
            last_seen: now_ms,
            revoked_at: None,
        }),
    })?;
    if revoked {
        return Err(AuthError::DeviceRevoked);
    }
    Ok(())
}

/// Refuses a revoked device; moves its "last seen" (not flushed: it is a hint, and the
/// next flush of a real write carries it).
fn check_device(store: &dyn Store, actor: &[u8], now_ms: i64) -> Result<(), AuthError> {
    let Some(device) = store.device(actor)? else {
        // A session from before devices were recorded (migration step 4).
        return Ok(());
    };
    if device.revoked_at.is_some() {
        return Err(AuthError::DeviceRevoked);
    }
    if now_ms - device.last_seen >= LAST_SEEN_RESOLUTION_MS {
        let updated = store.update_device(actor, &mut |current| {
            current.map(|mut d| {
                if d.revoked_at.is_none() {
                    d.last_seen = d.last_seen.max(now_ms);
                }
                d
            })
        })?;
        if updated.is_some_and(|d| d.revoked_at.is_some()) {
            return Err(AuthError::DeviceRevoked);
        }
    }
    Ok(())
}

/// Revokes a device by its actor id (hex). Its sessions stay, so that its next request
/// gets `device_revoked` and the app wipes its data. `None` if no such device.
pub fn revoke_device(
    store: &dyn Store,
    actor_hex: &str,
    now_ms: i64,
) -> Result<Option<StoredDevice>, AuthError> {
    let actor = parse_actor(actor_hex)?;
    let device = store.update_device(&actor, &mut |current| {
        current.map(|mut d| {
            d.revoked_at.get_or_insert(now_ms);
            d
        })
    })?;
    store.flush()?;
    Ok(device)
}

/// Revokes every device of a user (a stolen phone whose device is not known, or a
/// person leaving). Returns how many devices were newly revoked; `None` if no such user.
pub fn revoke_user_devices(
    store: &dyn Store,
    username: &str,
    now_ms: i64,
) -> Result<Option<usize>, AuthError> {
    let Some(user) = store.user_by_name(username)? else {
        return Ok(None);
    };
    let mut count = 0;
    for d in store
        .devices()?
        .into_iter()
        .filter(|d| d.user_id == user.id)
    {
        if d.revoked_at.is_none() {
            revoke_device(store, &d.actor, now_ms)?;
            count += 1;
        }
    }
    store.flush()?;
    Ok(Some(count))
}

/// Ends a session.
pub fn logout(store: &dyn Store, token: &str) -> Result<(), AuthError> {
    store.delete_session(&token::hash_token(token))?;
    store.flush()?;
    Ok(())
}
