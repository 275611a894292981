//! `GET /api/contacts` and `GET /api/contacts/{id}`: the central records of contacts.

use axum::Json;
use axum::extract::{Path, State};
use strada_shared::api::ContactRecord;
use strada_shared::domain::Role;
use strada_shared::ids::DocId;

use super::AppState;
use super::error::AppError;
use crate::auth::AuthUser;

fn require_central(user: &AuthUser) -> Result<(), AppError> {
    match user.role {
        Role::CentralOffice => Ok(()),
        Role::FieldWorker => Err(AppError::Forbidden(
            "the central records are for the central office".into(),
        )),
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<ContactRecord>>, AppError> {
    require_central(&user)?;
    Ok(Json(state.store.contact_records()?))
}

pub async fn get_one(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<ContactRecord>, AppError> {
    require_central(&user)?;
    let id = DocId::parse(&id).map_err(|e| AppError::BadRequest {
        code: "invalid_id",
        message: e.to_string(),
    })?;
    state
        .store
        .contact_record(id)?
        .map(Json)
        .ok_or_else(|| AppError::NotFound("no contact with that id".into()))
}
