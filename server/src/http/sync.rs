//! `POST /api/sync/push`, `POST /api/sync/pull`, `POST /api/sync/snapshots`.
//!
//! Bodies are the binary sync encoding (`application/x-strada-sync`) or JSON; the answer
//! uses the encoding the request asked for in `Accept` (JSON by default).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use strada_shared::sync::{
    self, PullRequest, PushRequest, SYNC_CONTENT_TYPE, SnapshotsRequest, SnapshotsResponse,
};

use super::AppState;
use super::error::AppError;
use crate::auth::AuthUser;

/// A sync request body in either encoding.
pub struct SyncBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for SyncBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        if ct.starts_with(SYNC_CONTENT_TYPE) {
            let body = Bytes::from_request(req, state).await.map_err(|r| {
                if r.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else if super::error::body_timed_out(&r) {
                    AppError::BodyTimeout
                } else {
                    AppError::BadRequest {
                        code: "bad_body",
                        message: r.body_text(),
                    }
                }
            })?;
            sync::decode::<T>(&body)
                .map(SyncBody)
                .map_err(|_| AppError::BadRequest {
                    code: "malformed_body",
                    message: "the body is not a valid binary sync message".into(),
                })
        } else {
            let super::extract::ApiJson(v) =
                super::extract::ApiJson::<T>::from_request(req, state).await?;
            Ok(SyncBody(v))
        }
    }
}

/// A sync answer in the encoding the client accepts.
pub struct SyncReply<T> {
    body: T,
    binary: bool,
}

impl<T> SyncReply<T> {
    pub fn new(headers: &HeaderMap, body: T) -> Self {
        let binary = headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains(SYNC_CONTENT_TYPE));
        SyncReply { body, binary }
    }
}

impl<T: Serialize> IntoResponse for SyncReply<T> {
    fn into_response(self) -> Response {
        if self.binary {
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(SYNC_CONTENT_TYPE),
                )],
                sync::encode(&self.body),
            )
                .into_response()
        } else {
            axum::Json(self.body).into_response()
        }
    }
}

pub async fn push(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: AuthUser,
    SyncBody(req): SyncBody<PushRequest>,
) -> Result<SyncReply<sync::PushResponse>, AppError> {
    // Merging and flushing are CPU and disk work: keep them off the async workers.
    let store = state.store.clone();
    let writer = state.writer.clone();
    let report = tokio::task::spawn_blocking(move || {
        crate::sync::push(store.as_ref(), &writer, &user, req, crate::now_ms())
    })
    .await
    .map_err(AppError::internal)??;
    // Tell listening devices, per team, that the feed moved (field devices hear their
    // team's own position).
    for (team, seq) in report.advanced {
        let team_seq = state.store.team_feed_head(&team)?;
        state.notify.advance(seq, team, team_seq);
    }
    Ok(SyncReply::new(&headers, report.response))
}

pub async fn pull(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: AuthUser,
    SyncBody(req): SyncBody<PullRequest>,
) -> Result<SyncReply<sync::PullResponse>, AppError> {
    let res = tokio::task::spawn_blocking(move || {
        crate::sync::pull(
            state.store.as_ref(),
            &user,
            req.cursor,
            req.since,
            crate::now_ms(),
        )
    })
    .await
    .map_err(AppError::internal)??;
    Ok(SyncReply::new(&headers, res))
}

pub async fn snapshots(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: AuthUser,
    SyncBody(req): SyncBody<SnapshotsRequest>,
) -> Result<SyncReply<SnapshotsResponse>, AppError> {
    let docs = tokio::task::spawn_blocking(move || {
        crate::sync::snapshots(state.store.as_ref(), &user, &req.ids, crate::now_ms())
    })
    .await
    .map_err(AppError::internal)??;
    Ok(SyncReply::new(&headers, SnapshotsResponse { docs }))
}
