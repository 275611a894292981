//! `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use strada_shared::api::{EndSessionRequest, LoginRequest, LoginResponse, UserInfo};

use super::AppState;
use super::error::AppError;
use super::extract::{ApiJson, BearerToken, ClientAddr};
use crate::audit::{self, Act, Record};
use crate::auth::{self, AuthError, AuthUser, Password};

fn info(u: &AuthUser) -> UserInfo {
    UserInfo {
        id: u.id,
        username: u.username.clone(),
        role: u.role,
        team: u.team.clone(),
    }
}

pub async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let now = crate::now_ms();
    // Who tried, for the audit log: the account (if the name is one) and the device.
    let username = req.username.clone();
    let device = req
        .device_actor
        .as_deref()
        .and_then(|a| auth::parse_actor(a).ok())
        .map(hex::encode);
    let attempt = Record::new(Act::SignIn).net(addr);
    let attempt = match &device {
        Some(d) => attempt.device_hex(d),
        None => attempt,
    };
    // Refused before any password is checked (and at no cost to a flood): not recorded
    // one by one — the wrong passwords that led here were.
    // A device the account signs in from, showing its key, passes (see `auth::vouched`).
    if let Err(wait_ms) = state.throttle.admit(addr, now)
        && !auth::vouched(
            state.store.as_ref(),
            &req.username,
            req.device_actor.as_deref(),
            req.device_key.as_deref(),
        )?
    {
        return Err(AppError::TooManyRequests {
            code: strada_shared::api::TOO_MANY_ATTEMPTS,
            message: format!(
                "too many wrong sign-ins from this address: try again in {} minutes",
                (wait_ms / 60_000).max(1)
            ),
            retry_after: Some((wait_ms.max(0) as u64).div_ceil(1000).max(1)),
        });
    }
    // A name that is no account, guessed at too often: locked as an account would be,
    // so that the answer does not tell which names are accounts.
    if let Some(until) = state.throttle.unknown_locked(&username, now) {
        let e = auth::AuthError::Locked { until };
        if let Some(code) = refusal_code(&e) {
            refused_sign_in(&state, &username, attempt, code, now);
        }
        return Err(e.into());
    }
    // Argon2 is deliberately slow: a few at a time, off the async workers.
    let turn = state.throttle.turn().await.ok_or(AppError::Unavailable)?;
    let password = Password::new(req.password);
    let store = state.store.clone();
    let new_devices_per_day = state.new_devices_per_day;
    let result = tokio::task::spawn_blocking(move || {
        let r = auth::sign_in(
            store.as_ref(),
            &req.username,
            &password,
            req.device_actor.as_deref(),
            req.device_key.as_deref(),
            new_devices_per_day,
            now,
        );
        drop(turn);
        r
    })
    .await
    .map_err(AppError::internal)?;
    let signed_in = match result {
        Ok(s) => s,
        Err(e) => {
            if matches!(e, auth::AuthError::BadCredentials) {
                state.throttle.failed(addr, now);
                if state.store.user_by_name(&username)?.is_none() {
                    state.throttle.unknown_failed(&username, now);
                }
            }
            if let Some(code) = refusal_code(&e) {
                refused_sign_in(&state, &username, attempt, code, now);
            }
            return Err(e.into());
        }
    };
    state.notify.end_sessions(&signed_in.ended);
    tracing::info!(user = %signed_in.user.id, "signed in");
    audit::record(
        state.store.as_ref(),
        now,
        attempt
            .by_account(signed_in.user.id, signed_in.user.role)
            .user(signed_in.user.id),
    )?;
    Ok(Json(LoginResponse {
        token: signed_in.token.expose().to_string(),
        user: info(&AuthUser::from(&signed_in.user)),
        expires_at: crate::projection::rfc3339_ms(signed_in.expires_at),
        logout_key: Some(signed_in.logout_key.expose().to_string()),
        device_key: signed_in.device_key.map(|k| k.expose().to_string()),
    }))
}

/// The code a refused sign-in is recorded with (never the message, never the name).
/// `None` for refusals decided before any password is checked (a locked account, a
/// malformed device id): they cost a flood nothing, so recording each one (a write and a
/// flush) would be what a flood costs the server; the wrong passwords that locked the
/// account were recorded one by one.
fn refusal_code(e: &AuthError) -> Option<&'static str> {
    match e {
        AuthError::BadCredentials => Some("bad_credentials"),
        AuthError::Disabled => Some("disabled"),
        AuthError::DeviceRevoked => Some("device_revoked"),
        AuthError::DeviceTaken => Some("device_taken"),
        AuthError::TooManyDevices => Some(strada_shared::api::TOO_MANY_DEVICES),
        AuthError::Locked { .. } | AuthError::InvalidDevice => None,
        _ => Some("other"),
    }
}

/// Records a refused sign-in: the account tried when the name is one (its id, never the
/// name typed: it may be a password typed in the wrong field).
fn refused_sign_in(state: &AppState, username: &str, attempt: Record, code: &str, now: i64) {
    let account = state.store.user_by_name(username).ok().flatten();
    let attempt = match account {
        Some(u) => attempt.user(u.id),
        None => attempt,
    };
    audit::record_done(state.store.as_ref(), now, attempt.refused(code));
}

/// `POST /api/auth/end-session`: ends the session a sign-out key belongs to, without the
/// session's token (a device signed out offline and wiped it). Always 204: a spent or
/// wrong key ends nothing, and the answer does not say which.
pub async fn end_session(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<EndSessionRequest>,
) -> Result<StatusCode, AppError> {
    if req.logout_key.len() > 200 {
        return Err(AppError::BadRequest {
            code: "bad_logout_key",
            message: "the sign-out key is malformed".into(),
        });
    }
    if let Some((hash, user)) = auth::end_session_by_key(state.store.as_ref(), &req.logout_key)? {
        state.notify.end_sessions(&[hash]);
        tracing::info!("a session ended by its sign-out key");
        audit::record_done(
            state.store.as_ref(),
            crate::now_ms(),
            Record::new(Act::SignOutByKey).user(user),
        );
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn logout(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<StatusCode, AppError> {
    if let Some(user) = auth::logout(state.store.as_ref(), &token)? {
        audit::record_done(
            state.store.as_ref(),
            crate::now_ms(),
            Record::new(Act::SignOut).user(user),
        );
    }
    state
        .notify
        .end_sessions(&[auth::token::hash_token(&token)]);
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(user: AuthUser) -> Json<UserInfo> {
    Json(info(&user))
}
