//! What the central office does to accounts: create one (with a one-time password),
//! disable and enable it, reset its password, change its role or team, unlock it after
//! wrong passwords, end every session and revoke every device of it, and see its
//! sessions and devices. Each act returns the sessions it ended, so the caller closes
//! their event streams too; every act is on record in the log (ids only).
//!
//! Guards: nobody disables, shuts out or changes the role of their own account, and the PUA always
//! keeps one enabled central account (so no act leaves it without a way in).

use strada_shared::api::{AccountRecord, AccountSession};
use strada_shared::domain::Role;
use strada_shared::ids::{TeamId, UserId};

use crate::projection::rfc3339_ms;
use crate::storage::{Store, StoredUser};

use super::session::{end_sessions_where, idle_limit};
use super::{AuthError, Password, create_user, revoke_user_devices};

fn user(store: &dyn Store, username: &str) -> Result<StoredUser, AuthError> {
    store.user_by_name(username)?.ok_or(AuthError::NoSuchUser)
}

/// Whether another enabled central account than `except` exists.
fn another_central(store: &dyn Store, except: UserId) -> Result<bool, AuthError> {
    Ok(store
        .users()?
        .iter()
        .any(|u| u.id != except && u.role == Role::CentralOffice && u.disabled_at.is_none()))
}

/// Every account, by name, with its state and how many sessions and devices it has.
pub fn list(store: &dyn Store, now_ms: i64) -> Result<Vec<AccountRecord>, AuthError> {
    let sessions = store.sessions()?;
    let devices = store.devices()?;
    let mut out: Vec<AccountRecord> = store
        .users()?
        .into_iter()
        .map(|u| AccountRecord {
            sessions: sessions
                .iter()
                .filter(|(_, s)| s.user_id == u.id && s.expires_at > now_ms)
                .count() as u32,
            devices: devices
                .iter()
                .filter(|d| d.user_id == u.id && d.revoked_at.is_none())
                .count() as u32,
            username: u.username,
            role: u.role,
            team: u.team,
            created_at: rfc3339_ms(u.created_at),
            disabled_at: u.disabled_at.map(rfc3339_ms),
            locked_until: u.locked_until.filter(|t| *t > now_ms).map(rfc3339_ms),
            failed_logins: u.failed_logins,
        })
        .collect();
    out.sort_by_key(|a| a.username.to_lowercase());
    Ok(out)
}

/// Creates an account with a generated one-time password (shown once, to be handed to
/// its owner).
pub fn create(
    store: &dyn Store,
    username: &str,
    role: Role,
    team: TeamId,
    now_ms: i64,
) -> Result<(StoredUser, Password), AuthError> {
    let password = Password::generate();
    let user = create_user(store, username, &password, role, team, now_ms)?;
    store.flush()?;
    Ok((user, password))
}

/// Disables an account: no sign-in, and its sessions end now.
pub fn disable(
    store: &dyn Store,
    by: UserId,
    username: &str,
    now_ms: i64,
) -> Result<Vec<[u8; 32]>, AuthError> {
    let u = user(store, username)?;
    if u.id == by {
        return Err(AuthError::Refused("you cannot disable your own account"));
    }
    if u.role == Role::CentralOffice && !another_central(store, u.id)? {
        return Err(AuthError::Refused(
            "the last enabled central office account cannot be disabled",
        ));
    }
    store.update_user(u.id, &mut |mut x| {
        x.disabled_at.get_or_insert(now_ms);
        x
    })?;
    end_sessions_where(store, |s| s.user_id == u.id)
}

/// Enables a disabled account again (its devices stay as they were).
pub fn enable(store: &dyn Store, username: &str) -> Result<(), AuthError> {
    let u = user(store, username)?;
    store.update_user(u.id, &mut |mut x| {
        x.disabled_at = None;
        x
    })?;
    store.flush()?;
    Ok(())
}

/// Gives an account a new one-time password and ends its sessions: its phones ask for
/// the new password and keep their pending changes.
pub fn reset_password(
    store: &dyn Store,
    username: &str,
) -> Result<(Password, Vec<[u8; 32]>), AuthError> {
    let u = user(store, username)?;
    let password = Password::generate();
    let hash = password.hash();
    store.update_user(u.id, &mut |mut x| {
        x.password_hash = hash.clone();
        x.failed_logins = 0;
        x.locked_until = None;
        x
    })?;
    let ended = end_sessions_where(store, |s| s.user_id == u.id)?;
    Ok((password, ended))
}

/// Changes an account's role and team. What it may read changes, so its sessions end.
pub fn set_role(
    store: &dyn Store,
    by: UserId,
    username: &str,
    role: Role,
    team: TeamId,
) -> Result<Vec<[u8; 32]>, AuthError> {
    let u = user(store, username)?;
    if u.id == by && (u.role != role || u.team != team) {
        return Err(AuthError::Refused("you cannot change your own role"));
    }
    if u.role == Role::CentralOffice
        && role != Role::CentralOffice
        && !another_central(store, u.id)?
    {
        return Err(AuthError::Refused(
            "the last enabled central office account keeps its role",
        ));
    }
    store.update_user(u.id, &mut |mut x| {
        x.role = role;
        x.team = team.clone();
        x
    })?;
    end_sessions_where(store, |s| s.user_id == u.id)
}

/// Lifts the lock that wrong passwords put on an account and on its devices.
pub fn unlock(store: &dyn Store, username: &str) -> Result<(), AuthError> {
    let u = user(store, username)?;
    store.update_user(u.id, &mut |mut x| {
        x.failed_logins = 0;
        x.locked_until = None;
        x
    })?;
    for d in store.devices()?.into_iter().filter(|d| d.user_id == u.id) {
        let actor = hex::decode(&d.actor).map_err(|_| AuthError::InvalidDevice)?;
        store.update_device(&actor, &mut |current| {
            current.map(|mut d| {
                d.failed_logins = 0;
                d.locked_until = None;
                d
            })
        })?;
    }
    store.flush()?;
    Ok(())
}

/// A compromised account: every session ends and every device is revoked (each wipes
/// itself at its next request). Combine with [`disable`] so the password no longer
/// signs in, or [`reset_password`] to give the owner a new one.
pub fn end_everything(
    store: &dyn Store,
    by: UserId,
    username: &str,
    now_ms: i64,
) -> Result<Vec<[u8; 32]>, AuthError> {
    let u = user(store, username)?;
    if u.id == by {
        return Err(AuthError::Refused("you cannot shut out your own account"));
    }
    let mut ended = revoke_user_devices(store, username, now_ms)?
        .ok_or(AuthError::NoSuchUser)?
        .sessions;
    ended.extend(end_sessions_where(store, |s| s.user_id == u.id)?);
    Ok(ended)
}

/// An account's open sessions (no token, no key: when, from which device, until when).
pub fn sessions(
    store: &dyn Store,
    username: &str,
    now_ms: i64,
) -> Result<Vec<AccountSession>, AuthError> {
    let u = user(store, username)?;
    let mut out: Vec<AccountSession> = store
        .sessions()?
        .into_iter()
        .filter(|(_, s)| s.user_id == u.id && s.expires_at > now_ms)
        .map(|(_, s)| {
            let last = s.last_used.max(s.created_at);
            let idle_end = idle_limit(u.role).map(|l| last + l);
            AccountSession {
                created_at: rfc3339_ms(s.created_at),
                last_used: rfc3339_ms(last),
                expires_at: rfc3339_ms(idle_end.map_or(s.expires_at, |i| i.min(s.expires_at))),
                device: s.device.map(|d| d.actor.chars().take(8).collect()),
            }
        })
        .collect();
    out.sort_by(|a, b| b.last_used.cmp(&a.last_used));
    Ok(out)
}
