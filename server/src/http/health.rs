//! `GET /api/health`: liveness and the store's schema version.

use axum::Json;
use axum::extract::State;
use strada_shared::api::HealthResponse;

use super::AppState;
use super::error::AppError;

pub async fn health(State(state): State<AppState>) -> Result<Json<HealthResponse>, AppError> {
    Ok(Json(HealthResponse {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        schema_version: state.store.schema_version()?,
    }))
}
