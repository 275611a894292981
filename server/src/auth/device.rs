//! The devices accounts sign in from, each known by its automerge actor: "last seen",
//! revocation (a revoked device wipes itself at its next request) and its sessions.

use std::collections::HashMap;

use strada_shared::ids::UserId;

use crate::storage::{Store, StoredDevice};

use super::session::end_sessions_where;
use super::{AuthError, LAST_SEEN_RESOLUTION_MS, parse_actor};

const DAY_MS: i64 = 24 * 3600 * 1000;

/// Refuses a device the account never used when `per_day` of its devices (by default
/// [`super::MAX_NEW_DEVICES_PER_DAY`]) signed in within the last day (devices already known
/// sign in as ever). Asked before anything of the device is stored.
pub(super) fn admit_device(
    store: &dyn Store,
    actor: &[u8],
    user: UserId,
    per_day: usize,
    now_ms: i64,
) -> Result<(), AuthError> {
    if store.device(actor)?.is_some_and(|d| d.user_id == user) {
        return Ok(());
    }
    let recent = store
        .devices()?
        .into_iter()
        .filter(|d| d.user_id == user && now_ms - d.signed_in_at < DAY_MS)
        .count();
    if recent >= per_day {
        return Err(AuthError::TooManyDevices);
    }
    Ok(())
}

/// Whether a sign-in comes from a device `username` already signs in from, proving it
/// with the key given at its last sign-in (no password checked: a store read). Such a
/// sign-in passes the limit per address (the nineteenth probe: made-up names tried from
/// one address for six seconds locked every account behind it — a team's phones behind
/// one network — out for ten minutes); its password is checked, and counted, as ever.
pub fn vouched(
    store: &dyn Store,
    username: &str,
    actor_hex: Option<&str>,
    key: Option<&str>,
) -> Result<bool, AuthError> {
    let (Some(actor_hex), Some(key)) = (actor_hex, key) else {
        return Ok(false);
    };
    if key.len() > 128 {
        return Ok(false);
    }
    let Ok(actor) = parse_actor(actor_hex) else {
        return Ok(false);
    };
    let Some(user) = store.user_by_name(username)? else {
        return Ok(false);
    };
    let shown = hex::encode(super::token::hash_token(key));
    Ok(store.device(&actor)?.is_some_and(|d| {
        d.user_id == user.id && d.revoked_at.is_none() && d.key_hash.as_deref() == Some(&shown)
    }))
}

/// Records a sign-in on a device; a revoked device cannot sign in again. A device that
/// signs in successfully starts its wrong-password count again.
pub(super) fn register_device(
    store: &dyn Store,
    actor: &[u8],
    user: UserId,
    key_hash: String,
    now_ms: i64,
) -> Result<(), AuthError> {
    let mut revoked = false;
    store.update_device(actor, &mut |current| match current {
        Some(d) if d.revoked_at.is_some() => {
            revoked = true;
            Some(d)
        }
        other => Some(StoredDevice {
            actor: hex::encode(actor),
            user_id: user,
            signed_in_at: now_ms,
            last_seen: now_ms,
            revoked_at: None,
            failed_logins: 0,
            locked_until: None,
            // What a central device keeps offline outlives a sign-out of its user.
            scope: other
                .filter(|d| d.user_id == user)
                .map(|d| d.scope)
                .unwrap_or_default(),
            key_hash: Some(key_hash.clone()),
        }),
    })?;
    if revoked {
        return Err(AuthError::DeviceRevoked);
    }
    Ok(())
}

/// Refuses a revoked device; moves its "last seen" (not flushed: it is a hint, and the
/// next flush of a real write carries it).
pub(super) fn check_device(store: &dyn Store, actor: &[u8], now_ms: i64) -> Result<(), AuthError> {
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

/// What revoking a user's devices did.
pub struct Revoked {
    /// Devices newly revoked.
    pub devices: usize,
    /// Sessions opened without a device, ended.
    pub sessions: Vec<[u8; 32]>,
}

/// Revokes every device of a user (a stolen phone whose device is not known, or a
/// person leaving) and ends the user's sessions opened without a device (those have no
/// data to wipe). `None` if no such user.
pub fn revoke_user_devices(
    store: &dyn Store,
    username: &str,
    now_ms: i64,
) -> Result<Option<Revoked>, AuthError> {
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
    let sessions = end_sessions_where(store, |s| s.user_id == user.id && s.device.is_none())?;
    store.flush()?;
    Ok(Some(Revoked {
        devices: count,
        sessions,
    }))
}

/// How many unexpired sessions each device has (by actor hex).
pub fn sessions_per_device(
    store: &dyn Store,
    now_ms: i64,
) -> Result<HashMap<String, u32>, AuthError> {
    let mut out = HashMap::new();
    for (_, s) in store.sessions()? {
        if let Some(d) = s.device
            && s.expires_at > now_ms
        {
            *out.entry(d.actor).or_insert(0) += 1;
        }
    }
    Ok(out)
}
