//! `GET /api/directory`: the services directory for any signed-in user, with an `ETag`
//! (the directory's version) so a device downloads it only when it changed.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::AppError;
use crate::auth::AuthUser;

pub async fn get(
    State(state): State<AppState>,
    _user: AuthUser,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let dir = &state.directory;
    let etag = HeaderValue::from_str(&dir.etag).map_err(AppError::internal)?;
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| dir.matches(v));
    if fresh {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response());
    }
    Ok((
        [
            (header::ETAG, etag),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
        ],
        dir.json.clone(),
    )
        .into_response())
}
