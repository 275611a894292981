//! `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use strada_shared::api::{LoginRequest, LoginResponse, UserInfo};

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
    let (token, user, expires_at) = tokio::task::spawn_blocking(move || {
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
    tracing::info!(user = %user.id, "signed in");
    Ok(Json(LoginResponse {
        token: token.expose().to_string(),
        user: info(&AuthUser::from(&user)),
        expires_at: crate::projection::rfc3339_ms(expires_at),
    }))
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
