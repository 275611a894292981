//! `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use strada_shared::api::{EndSessionRequest, LoginRequest, LoginResponse, UserInfo};

use super::AppState;
use super::error::AppError;
use super::extract::{ApiJson, BearerToken, ClientAddr};
use crate::auth::{self, AuthUser, Password};

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
    if let Err(wait_ms) = state.throttle.admit(addr, now) {
        return Err(AppError::TooManyRequests {
            code: strada_shared::api::TOO_MANY_ATTEMPTS,
            message: format!(
                "too many wrong sign-ins from this address: try again in {} minutes",
                (wait_ms / 60_000).max(1)
            ),
        });
    }
    // Argon2 is deliberately slow: a few at a time, off the async workers.
    let turn = state.throttle.turn().await.ok_or(AppError::Unavailable)?;
    let password = Password::new(req.password);
    let store = state.store.clone();
    let result = tokio::task::spawn_blocking(move || {
        let r = auth::login(
            store.as_ref(),
            &req.username,
            &password,
            req.device_actor.as_deref(),
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
            }
            return Err(e.into());
        }
    };
    tracing::info!(user = %signed_in.user.id, "signed in");
    Ok(Json(LoginResponse {
        token: signed_in.token.expose().to_string(),
        user: info(&AuthUser::from(&signed_in.user)),
        expires_at: crate::projection::rfc3339_ms(signed_in.expires_at),
        logout_key: Some(signed_in.logout_key.expose().to_string()),
    }))
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
    if let Some(hash) = auth::end_session_by_key(state.store.as_ref(), &req.logout_key)? {
        state.notify.end_sessions(&[hash]);
        tracing::info!("a session ended by its sign-out key");
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn logout(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<StatusCode, AppError> {
    auth::logout(state.store.as_ref(), &token)?;
    state
        .notify
        .end_sessions(&[auth::token::hash_token(&token)]);
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(user: AuthUser) -> Json<UserInfo> {
    Json(info(&user))
}
