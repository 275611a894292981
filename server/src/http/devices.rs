//! `GET /api/devices` and `POST /api/devices/{id}/revoke`: the central office lists the
//! devices that signed in and revokes a lost or stolen one. A revoked device's next
//! request is refused with `device_revoked`, and the app then wipes its data.

use axum::Json;
use axum::extract::{Path, State};
use strada_shared::api::DeviceRecord;

use super::AppState;
use super::error::AppError;
use crate::audit::{self, Act, Record};
use crate::auth::{self, AuthUser};
use crate::projection::rfc3339_ms;
use crate::storage::StoredDevice;

fn require_admin(user: &AuthUser) -> Result<(), AppError> {
    super::central::require(
        user.role.administers(),
        "devices are managed by the central office or the director",
    )
}

/// Checks `user` may act on the device `actor`: only on the devices of accounts whose
/// role they administer (`Role::may_administer`, as for the accounts themselves): a
/// revoked device wipes what it holds, unsynced changes included (the director, who
/// administers no account, revoked the central office's laptop).
fn may_act_on_device(state: &AppState, user: &AuthUser, actor: &[u8]) -> Result<(), AppError> {
    let owner = match state.store.device(actor)? {
        Some(d) => state.store.user_by_id(d.user_id)?,
        None => None,
    };
    match owner {
        Some(o) if !user.role.may_administer(o.role) => Err(AppError::Forbidden(format!(
            "a device of a {} account is managed by the central office",
            o.role.as_str()
        ))),
        _ => Ok(()),
    }
}

fn record(state: &AppState, d: StoredDevice, sessions: u32) -> Result<DeviceRecord, AppError> {
    let user = state.store.user_by_id(d.user_id)?;
    Ok(DeviceRecord {
        short_id: d.actor.chars().take(8).collect(),
        username: user
            .as_ref()
            .map_or_else(String::new, |u| u.username.clone()),
        team: user
            .map(|u| u.team)
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("device of an unknown user")))?,
        signed_in_at: rfc3339_ms(d.signed_in_at),
        last_seen: rfc3339_ms(d.last_seen),
        revoked_at: d.revoked_at.map(rfc3339_ms),
        active_sessions: sessions,
        id: d.actor,
    })
}

pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<DeviceRecord>>, AppError> {
    require_admin(&user)?;
    let mut devices = state.store.devices()?;
    devices.sort_by_key(|d| std::cmp::Reverse(d.last_seen));
    let sessions = auth::sessions_per_device(state.store.as_ref(), crate::now_ms())?;
    let list = devices
        .into_iter()
        .map(|d| {
            let n = sessions.get(&d.actor).copied().unwrap_or(0);
            record(&state, d, n)
        })
        .collect::<Result<_, _>>()?;
    Ok(Json(list))
}

pub async fn revoke(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<DeviceRecord>, AppError> {
    require_admin(&user)?;
    if let Ok(actor) = auth::parse_actor(&id) {
        may_act_on_device(&state, &user, &actor)?;
    }
    let device = auth::revoke_device(state.store.as_ref(), &id, crate::now_ms())?
        .ok_or_else(|| AppError::NotFound("no device with that id".into()))?;
    // Its sessions stay (its next request is told), but its live streams end now.
    state
        .notify
        .end_sessions(&auth::device_sessions(state.store.as_ref(), &device.actor)?);
    tracing::info!(by = %user.id, device = %device.actor.get(..8).unwrap_or(""), "device revoked");
    audit::record_done(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::DeviceRevoked)
            .by(&user)
            .on_device(&device.actor)
            .user(device.user_id),
    );
    let sessions = auth::sessions_per_device(state.store.as_ref(), crate::now_ms())?;
    let n = sessions.get(&device.actor).copied().unwrap_or(0);
    Ok(Json(record(&state, device, n)?))
}

/// `POST /api/devices/{id}/end-sessions`: ends every session of a device without
/// revoking it (a phone signed out offline and never came back; it may sign in again).
pub async fn end_sessions(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<DeviceRecord>, AppError> {
    require_admin(&user)?;
    let actor = auth::parse_actor(&id).map_err(AppError::from)?;
    may_act_on_device(&state, &user, &actor)?;
    let device = state
        .store
        .device(&actor)?
        .ok_or_else(|| AppError::NotFound("no device with that id".into()))?;
    let ended = auth::end_device_sessions(state.store.as_ref(), &id)?;
    state.notify.end_sessions(&ended);
    tracing::info!(by = %user.id, device = %device.actor.get(..8).unwrap_or(""), ended = ended.len(), "device sessions ended");
    audit::record_done(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::DeviceSessionsEnded)
            .by(&user)
            .on_device(&device.actor)
            .user(device.user_id)
            .count(ended.len()),
    );
    Ok(Json(record(&state, device, 0)?))
}

/// The device of the session, for its own settings.
fn own_device(user: &AuthUser) -> Result<Vec<u8>, AppError> {
    user.actor.clone().ok_or_else(|| AppError::BadRequest {
        code: "no_device",
        message: "this session belongs to no device: sign in from the app".into(),
    })
}

async fn scope_page(
    state: &AppState,
    scope: strada_shared::central::SyncScope,
) -> Result<Json<strada_shared::central::ScopePage>, AppError> {
    let store = state.store.clone();
    let central = state.central.clone();
    let teams = tokio::task::spawn_blocking(move || central.teams(store.as_ref()))
        .await
        .map_err(AppError::internal)??;
    Ok(Json(strada_shared::central::ScopePage { scope, teams }))
}

/// `GET /api/devices/me/scope`: what this central device keeps offline.
pub async fn scope(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<strada_shared::central::ScopePage>, AppError> {
    super::central::require_central(&user)?;
    let actor = own_device(&user)?;
    let scope = state
        .store
        .device(&actor)?
        .map(|d| d.scope)
        .unwrap_or_default();
    scope_page(&state, scope).await
}

/// `PUT /api/devices/me/scope`: chooses what this central device keeps offline (teams,
/// persons). The device then syncs again from the start of the feed, and drops what it
/// no longer keeps.
pub async fn set_scope(
    State(state): State<AppState>,
    user: AuthUser,
    super::extract::ApiJson(mut scope): super::extract::ApiJson<strada_shared::central::SyncScope>,
) -> Result<Json<strada_shared::central::ScopePage>, AppError> {
    use strada_shared::central::{MAX_SCOPE_PERSONS, MAX_SCOPE_TEAMS};
    super::central::require_central(&user)?;
    let actor = own_device(&user)?;
    scope.teams.sort();
    scope.teams.dedup();
    scope.persons.sort();
    scope.persons.dedup();
    if scope.teams.len() > MAX_SCOPE_TEAMS || scope.persons.len() > MAX_SCOPE_PERSONS {
        return Err(AppError::BadRequest {
            code: "scope_too_large",
            message: format!(
                "a device keeps at most {MAX_SCOPE_TEAMS} teams and {MAX_SCOPE_PERSONS} persons offline"
            ),
        });
    }
    // A team of the PUA (one with accounts or records): the nineteenth probe kept
    // «nope-team».
    for t in &scope.teams {
        if !crate::sync::known_team(state.store.as_ref(), t)? {
            return Err(AppError::NotFound("no team with that id".into()));
        }
    }
    for p in &scope.persons {
        match state.store.doc_meta(*p)? {
            Some(m) if m.doc_type == strada_shared::schema::DocType::Person => {}
            _ => return Err(AppError::NotFound("no person with that id".into())),
        }
    }
    let mut found = false;
    let kept = scope.clone();
    state.store.update_device(&actor, &mut |current| {
        found = current.is_some();
        current.map(|mut d| {
            d.scope = kept.clone();
            d
        })
    })?;
    if !found {
        return Err(AppError::NotFound("no such device".into()));
    }
    state.store.flush()?;
    scope_page(&state, scope).await
}
