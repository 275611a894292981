//! `GET /api/devices` and `POST /api/devices/{id}/revoke`: the central office lists the
//! devices that signed in and revokes a lost or stolen one. A revoked device's next
//! request is refused with `device_revoked`, and the app then wipes its data.

use axum::Json;
use axum::extract::{Path, State};
use strada_shared::api::DeviceRecord;
use strada_shared::domain::Role;

use super::AppState;
use super::error::AppError;
use crate::auth::{self, AuthUser};
use crate::projection::rfc3339_ms;
use crate::storage::StoredDevice;

fn require_central(user: &AuthUser) -> Result<(), AppError> {
    match user.role {
        Role::CentralOffice => Ok(()),
        Role::FieldWorker => Err(AppError::Forbidden(
            "devices are managed by the central office".into(),
        )),
    }
}

fn record(state: &AppState, d: StoredDevice) -> Result<DeviceRecord, AppError> {
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
        id: d.actor,
    })
}

pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<DeviceRecord>>, AppError> {
    require_central(&user)?;
    let mut devices = state.store.devices()?;
    devices.sort_by_key(|d| std::cmp::Reverse(d.last_seen));
    let list = devices
        .into_iter()
        .map(|d| record(&state, d))
        .collect::<Result<_, _>>()?;
    Ok(Json(list))
}

pub async fn revoke(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<DeviceRecord>, AppError> {
    require_central(&user)?;
    let device = auth::revoke_device(state.store.as_ref(), &id, crate::now_ms())?
        .ok_or_else(|| AppError::NotFound("no device with that id".into()))?;
    tracing::info!(by = %user.id, device = %device.actor.get(..8).unwrap_or(""), "device revoked");
    Ok(Json(record(&state, device)?))
}
