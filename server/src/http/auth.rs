//! `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use strada_shared::api::{EndSessionRequest, LoginRequest, LoginResponse, UserInfo};

use super::AppState;
use super::error::AppError;
use super::extract::{ApiJson, BearerToken};
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
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>, AppError> {
    let password = Password::new(req.password);
    let store = state.store.clone();
    // Argon2 is deliberately slow: keep it off the async workers.
    let signed_in = tokio::task::spawn_blocking(move || {
        auth::login(
            store.as_ref(),
            &req.username,
            &password,
            req.device_actor.as_deref(),
            crate::now_ms(),
        )
    })
    .await
    .map_err(AppError::internal)??;
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
    if auth::end_session_by_key(state.store.as_ref(), &req.logout_key)? {
        tracing::info!("a session ended by its sign-out key");
    }
    Ok(StatusCode::NO_CONTENT)
}

pub async fn logout(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> Result<StatusCode, AppError> {
    auth::logout(state.store.as_ref(), &token)?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn me(user: AuthUser) -> Json<UserInfo> {
    Json(info(&user))
}
