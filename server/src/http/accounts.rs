//! `/api/accounts`: the central office administers accounts (see `auth::admin`): list,
//! create, disable, enable, reset a password, change role or team, unlock, end every
//! session and device, list an account's sessions. Each act takes effect at the next
//! request of the account's sessions, and their event streams end at once. Every act
//! and every read of the accounts is in the audit log.

use axum::Json;
use axum::extract::{Path, State};
use strada_shared::api::{AccountPassword, AccountRecord, AccountSession, NewAccount, RoleChange};
use strada_shared::domain::Role;
use strada_shared::ids::TeamId;

use super::AppState;
use super::error::AppError;
use super::extract::ApiJson;
use crate::audit::{self, Act, Record};
use crate::auth::{AuthUser, admin};

fn require_central(user: &AuthUser) -> Result<(), AppError> {
    if user.role.administers() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "accounts are managed by the central office or the director".into(),
        ))
    }
}

/// A signed-in user who administers accounts, checked before the request's body is
/// read: another role is answered 403 whatever it sent (found by the attacker's
/// eleventh probe: a field worker's malformed body was answered 422, naming the field).
pub struct Administrator(pub AuthUser);

impl axum::extract::FromRequestParts<AppState> for Administrator {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        super::central::user_with(parts, state, require_central)
            .await
            .map(Administrator)
    }
}

/// Whether `user` may act on an account of `role`, or give an account that role
/// ([`Role::may_administer`]): never a role with rights the user lacks — whoever holds
/// an account's password holds its rights, so a director could otherwise make itself
/// a social-services expert or the central office, or take such an account over.
fn may_act_on(user: &AuthUser, role: Role) -> Result<(), AppError> {
    if user.role.may_administer(role) {
        Ok(())
    } else if role == Role::Auditor {
        Err(AppError::Forbidden(
            "auditor accounts are made on the server's command line (`strada-server user add`)"
                .into(),
        ))
    } else {
        Err(AppError::Forbidden(format!(
            "a {} account is administered by the central office",
            role.as_str()
        )))
    }
}

/// The role of the account named `name` (none: the act itself says it does not exist).
fn role_of(state: &AppState, name: &str) -> Result<Option<Role>, AppError> {
    Ok(state.store.user_by_name(name)?.map(|u| u.role))
}

/// Checks `user` may act on the account named `name`.
fn may_act_on_account(state: &AppState, user: &AuthUser, name: &str) -> Result<(), AppError> {
    match role_of(state, name)? {
        Some(role) => may_act_on(user, role),
        None => Ok(()),
    }
}

fn team(s: &str) -> Result<TeamId, AppError> {
    TeamId::parse(s).map_err(|_| AppError::Unprocessable {
        code: "invalid_team",
        message: "a team is 1-40 lowercase letters, digits or '-'".into(),
    })
}

/// Ends the event streams of sessions an act ended.
fn ended(state: &AppState, sessions: &[[u8; 32]]) {
    state.notify.end_sessions(sessions);
}

/// Records an act on the account named `name` (by its id) in the audit log.
fn acted(state: &AppState, by: &AuthUser, act: Act, name: &str) {
    let record = Record::new(act).by(by);
    let record = match state.store.user_by_name(name).ok().flatten() {
        Some(u) => record.user(u.id),
        None => record,
    };
    audit::record_done(state.store.as_ref(), crate::now_ms(), record);
}

pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<AccountRecord>>, AppError> {
    require_central(&user)?;
    let list = admin::list(state.store.as_ref(), crate::now_ms())?;
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::AccountsRead).by(&user).count(list.len()),
    )?;
    Ok(Json(list))
}

pub async fn create(
    State(state): State<AppState>,
    Administrator(user): Administrator,
    ApiJson(req): ApiJson<NewAccount>,
) -> Result<Json<AccountPassword>, AppError> {
    may_act_on(&user, req.role)?;
    let store = state.store.clone();
    let team = team(&req.team)?;
    // Hashing the new password is deliberately slow: off the async workers.
    let (created, password) = tokio::task::spawn_blocking(move || {
        admin::create(
            store.as_ref(),
            &req.username,
            req.role,
            team,
            crate::now_ms(),
        )
    })
    .await
    .map_err(AppError::internal)??;
    tracing::info!(by = %user.id, user = %created.id, role = created.role.as_str(), "account created");
    audit::record_done(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::AccountCreated).by(&user).user(created.id),
    );
    Ok(Json(AccountPassword {
        username: created.username,
        password: password.expose().to_string(),
    }))
}

pub async fn disable(
    State(state): State<AppState>,
    user: AuthUser,
    Path(name): Path<String>,
) -> Result<Json<AccountRecord>, AppError> {
    require_central(&user)?;
    may_act_on_account(&state, &user, &name)?;
    let gone = admin::disable(state.store.as_ref(), user.id, &name, crate::now_ms())?;
    ended(&state, &gone);
    tracing::info!(by = %user.id, sessions = gone.len(), "account disabled");
    acted(&state, &user, Act::AccountDisabled, &name);
    record(&state, &name)
}

pub async fn enable(
    State(state): State<AppState>,
    user: AuthUser,
    Path(name): Path<String>,
) -> Result<Json<AccountRecord>, AppError> {
    require_central(&user)?;
    may_act_on_account(&state, &user, &name)?;
    admin::enable(state.store.as_ref(), &name)?;
    tracing::info!(by = %user.id, "account enabled");
    acted(&state, &user, Act::AccountEnabled, &name);
    record(&state, &name)
}

pub async fn reset_password(
    State(state): State<AppState>,
    user: AuthUser,
    Path(name): Path<String>,
) -> Result<Json<AccountPassword>, AppError> {
    require_central(&user)?;
    may_act_on_account(&state, &user, &name)?;
    let store = state.store.clone();
    let n = name.clone();
    let (password, gone) =
        tokio::task::spawn_blocking(move || admin::reset_password(store.as_ref(), &n))
            .await
            .map_err(AppError::internal)??;
    ended(&state, &gone);
    tracing::info!(by = %user.id, sessions = gone.len(), "password reset");
    acted(&state, &user, Act::PasswordReset, &name);
    let username = state
        .store
        .user_by_name(&name)?
        .map(|u| u.username)
        .unwrap_or(name);
    Ok(Json(AccountPassword {
        username,
        password: password.expose().to_string(),
    }))
}

pub async fn set_role(
    State(state): State<AppState>,
    Administrator(user): Administrator,
    Path(name): Path<String>,
    ApiJson(req): ApiJson<RoleChange>,
) -> Result<Json<AccountRecord>, AppError> {
    may_act_on_account(&state, &user, &name)?;
    may_act_on(&user, req.role)?;
    let gone = admin::set_role(
        state.store.as_ref(),
        user.id,
        &name,
        req.role,
        team(&req.team)?,
    )?;
    ended(&state, &gone);
    tracing::info!(by = %user.id, role = req.role.as_str(), "account role changed");
    acted(&state, &user, Act::RoleChanged, &name);
    record(&state, &name)
}

pub async fn unlock(
    State(state): State<AppState>,
    user: AuthUser,
    Path(name): Path<String>,
) -> Result<Json<AccountRecord>, AppError> {
    require_central(&user)?;
    may_act_on_account(&state, &user, &name)?;
    admin::unlock(state.store.as_ref(), &name)?;
    tracing::info!(by = %user.id, "account unlocked");
    acted(&state, &user, Act::AccountUnlocked, &name);
    record(&state, &name)
}

pub async fn end_everything(
    State(state): State<AppState>,
    user: AuthUser,
    Path(name): Path<String>,
) -> Result<Json<AccountRecord>, AppError> {
    require_central(&user)?;
    may_act_on_account(&state, &user, &name)?;
    let gone = admin::end_everything(state.store.as_ref(), user.id, &name, crate::now_ms())?;
    ended(&state, &gone);
    tracing::info!(by = %user.id, sessions = gone.len(), "every session and device of an account ended");
    acted(&state, &user, Act::EverythingEnded, &name);
    record(&state, &name)
}

pub async fn sessions(
    State(state): State<AppState>,
    user: AuthUser,
    Path(name): Path<String>,
) -> Result<Json<Vec<AccountSession>>, AppError> {
    require_central(&user)?;
    let sessions = admin::sessions(state.store.as_ref(), &name, crate::now_ms())?;
    acted(&state, &user, Act::AccountsRead, &name);
    Ok(Json(sessions))
}

fn record(state: &AppState, name: &str) -> Result<Json<AccountRecord>, AppError> {
    admin::list(state.store.as_ref(), crate::now_ms())?
        .into_iter()
        .find(|a| a.username.eq_ignore_ascii_case(name))
        .map(Json)
        .ok_or_else(|| AppError::NotFound("no account with that name".into()))
}
