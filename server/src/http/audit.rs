//! `GET /api/audit?after=N&limit=M` and `GET /api/audit/verify`: the audit log, for the
//! auditor only (least privilege: the central office, whose reads the log records, does
//! not read it; the auditor reads nothing else). Each read of the log is itself recorded.
//!
//! Entries carry account ids; the page adds the name, role and team of the accounts it
//! mentions (staff, not the persons met), read at the time of the request, so an auditor
//! can tell who acted without the log holding names.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use strada_shared::domain::Role;
use strada_shared::ids::{TeamId, UserId};

use super::AppState;
use super::error::AppError;
use crate::audit::{self, Act, AuditError, Record, StoredEntry, Verified};
use crate::auth::AuthUser;

/// Most entries one page carries.
pub const MAX_PAGE: usize = 500;

fn require_auditor(user: &AuthUser) -> Result<(), AppError> {
    if user.role == Role::Auditor {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "the audit log is read by the auditor".into(),
        ))
    }
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    /// The last entry number already read (0: from the first).
    #[serde(default)]
    after: u64,
    #[serde(default)]
    limit: Option<usize>,
}

/// An account mentioned in a page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditUser {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub team: TeamId,
}

/// A page of the log, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<StoredEntry>,
    pub users: Vec<AuditUser>,
    /// Where the next page starts (`after`); equal to the request's when the log ends.
    pub next: u64,
}

impl From<AuditError> for AppError {
    fn from(e: AuditError) -> Self {
        match e {
            AuditError::Store(s) => s.into(),
            AuditError::Damaged(_) => AppError::internal(e),
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<PageQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AuditPage>, AppError> {
    require_auditor(&user)?;
    let Query(q) = query.map_err(|_| AppError::BadRequest {
        code: "invalid_query",
        message: "after and limit are numbers".into(),
    })?;
    let limit = q.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
    let store = state.store.clone();
    let page = tokio::task::spawn_blocking(move || -> Result<AuditPage, AppError> {
        let entries = audit::entries(store.as_ref(), q.after, limit)?;
        let mut ids: Vec<UserId> = entries
            .iter()
            .flat_map(|e| [e.entry.by, e.entry.user])
            .flatten()
            .collect();
        ids.sort();
        ids.dedup();
        let mut users = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(u) = store.user_by_id(id)? {
                users.push(AuditUser {
                    id,
                    username: u.username,
                    role: u.role,
                    team: u.team,
                });
            }
        }
        let next = entries.last().map_or(q.after, |e| e.entry.seq);
        audit::record(
            store.as_ref(),
            crate::now_ms(),
            Record::new(Act::AuditRead).by(&user).count(entries.len()),
        )?;
        Ok(AuditPage {
            entries,
            users,
            next,
        })
    })
    .await
    .map_err(AppError::internal)??;
    Ok(Json(page))
}

pub async fn verify(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Verified>, AppError> {
    require_auditor(&user)?;
    let store = state.store.clone();
    let verified = tokio::task::spawn_blocking(move || -> Result<Verified, AppError> {
        let v = audit::verify(store.as_ref())?;
        audit::record(
            store.as_ref(),
            crate::now_ms(),
            Record::new(Act::AuditVerified).by(&user),
        )?;
        Ok(v)
    })
    .await
    .map_err(AppError::internal)??;
    Ok(Json(verified))
}
