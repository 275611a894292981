//! `GET /api/contacts` and `GET /api/contacts/{id}`: the central records of contacts.
//! Every read is in the audit log before it is answered (the central office is never
//! the author's team).

use axum::Json;
use axum::extract::{Path, State};
use strada_shared::api::ContactRecord;
use strada_shared::domain::Role;
use strada_shared::ids::DocId;

use super::AppState;
use super::error::AppError;
use crate::audit::{self, Act, Record};
use crate::auth::AuthUser;

fn require_central(user: &AuthUser) -> Result<(), AppError> {
    match user.role {
        Role::CentralOffice => Ok(()),
        Role::FieldWorker | Role::Auditor => Err(AppError::Forbidden(
            "the central records are for the central office".into(),
        )),
    }
}

pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<ContactRecord>>, AppError> {
    require_central(&user)?;
    let records = state.store.contact_records()?;
    // A list shows every record there is: its size says what was read.
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::ReadContacts)
            .by(&user)
            .count(records.len()),
    )?;
    Ok(Json(records))
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
    let record = state
        .store
        .contact_record(id)?
        .ok_or_else(|| AppError::NotFound("no contact with that id".into()))?;
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::ReadContact).by(&user).docs(vec![id]),
    )?;
    Ok(Json(record))
}
