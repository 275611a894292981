//! `POST /api/sync/push` and `POST /api/sync/pull`.

use axum::Json;
use axum::extract::State;
use strada_shared::sync::{PullRequest, PullResponse, PushRequest, PushResponse};

use super::AppState;
use super::error::AppError;
use super::extract::ApiJson;
use crate::auth::AuthUser;

pub async fn push(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, AppError> {
    // Merging and flushing are CPU and disk work: keep them off the async workers. A
    // panic there fails this request only.
    let res = tokio::task::spawn_blocking(move || {
        crate::sync::push(
            state.store.as_ref(),
            &state.writer,
            &user,
            req,
            crate::now_ms(),
        )
    })
    .await
    .map_err(AppError::internal)??;
    Ok(Json(res))
}

pub async fn pull(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(req): ApiJson<PullRequest>,
) -> Result<Json<PullResponse>, AppError> {
    let res = tokio::task::spawn_blocking(move || {
        crate::sync::pull(state.store.as_ref(), &user, req.cursor)
    })
    .await
    .map_err(AppError::internal)??;
    Ok(Json(res))
}
