//! `POST /api/sync/pull-stream`: the change feed as one stream of pages, so a first sync
//! (or a catch-up after days offline) costs one request instead of one per page.
//!
//! The body is a sequence of frames, each a page exactly as `POST /api/sync/pull` would
//! answer it (same scope, same size limits), in the request's binary wire version, after
//! its length (4 bytes, big-endian). The device applies each page with its cursor as it
//! arrives, so a stream cut at any byte resumes from the last whole page. The server ends
//! a stream after the feed's end or after [`MAX_PAGES`] pages, [`MAX_BYTES`] or
//! [`MAX_TIME`] (the last page then says `more`, and the device opens another). Pages are
//! made one at a time as the client reads (a slow phone never makes the server hold the
//! whole feed in memory). A first page that is already the feed's end (a device up to
//! date) is answered as a whole body of known length.

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use strada_shared::sync::{OnWire, PullRequest, encode_as};

use super::AppState;
use super::error::AppError;
use super::sync::{SyncBody, request_version};
use crate::auth::AuthUser;

/// Pages one stream carries at most.
pub const MAX_PAGES: usize = 500;
/// Bytes one stream carries at most.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
/// How long one stream lasts at most.
pub const MAX_TIME: Duration = Duration::from_secs(120);

/// The media type of a pull stream (its frames are in the named wire version).
pub fn media_type(v: strada_shared::sync::WireVersion) -> &'static str {
    match v {
        strada_shared::sync::WireVersion::V1 => "application/x-strada-sync-stream",
        strada_shared::sync::WireVersion::V2 => "application/x-strada-sync-stream; v=2",
        strada_shared::sync::WireVersion::V3 => "application/x-strada-sync-stream; v=3",
    }
}

pub async fn pull_stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: AuthUser,
    SyncBody(req): SyncBody<PullRequest>,
) -> Result<Response, AppError> {
    super::sync::field_device(&user)?;
    // Frames are binary: a JSON client pulls page by page.
    let version = request_version(&headers)?.ok_or(AppError::UnsupportedMediaType)?;
    let started = Instant::now();
    let (mut cursor, since) = (req.cursor, req.since);
    // The first page is made before answering: when it is the feed's end (a device
    // already up to date, every few seconds), the answer is that one frame as a whole
    // body, not a stream (no task, no channel). The answer stays `no-store`; the app
    // reads it through `XMLHttpRequest` (see `PullStream` in the app's `api.rs`).
    let first = page(&state, &user, cursor, since).await?;
    let (more, next) = (first.more, first.cursor);
    let frame = frame_of(version, first);
    let headers = [(
        header::CONTENT_TYPE,
        HeaderValue::from_static(media_type(version)),
    )];
    if !more {
        return Ok((headers, frame).into_response());
    }
    cursor = next;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    tokio::spawn(async move {
        let mut sent = frame.len();
        if tx.send(Ok(Bytes::from(frame))).await.is_err() {
            return;
        }
        for _ in 1..MAX_PAGES {
            if sent >= MAX_BYTES || started.elapsed() >= MAX_TIME {
                return;
            }
            // The session still holds before each page (the attacker's fifteenth probe:
            // a device revoked, or an account disabled, while its stream was open went
            // on receiving records written after): the stream ends, and the device's
            // next request is told why.
            if !still_signed_in(&state, &user).await {
                return;
            }
            // A failure ends the stream mid-way: the device resumes from its last page.
            let Ok(page) = page(&state, &user, cursor, since).await else {
                tracing::warn!(user = %user.id, "a pull stream ended on a server error");
                return;
            };
            let (more, next) = (page.more, page.cursor);
            let frame = frame_of(version, page);
            sent += frame.len();
            // The device went away: stop making pages.
            if tx.send(Ok(Bytes::from(frame))).await.is_err() {
                return;
            }
            if !more {
                return;
            }
            cursor = next;
        }
    });
    // Fused: the compression layer polls the body once more after its end.
    let body = Body::from_stream(futures_util::StreamExt::fuse(futures_util::stream::unfold(
        rx,
        |mut rx| async move { rx.recv().await.map(|item| (item, rx)) },
    )));
    Ok((headers, body).into_response())
}

/// Whether `user`'s session still authenticates (not ended, lapsed, disabled, revoked).
async fn still_signed_in(state: &AppState, user: &AuthUser) -> bool {
    let (store, session) = (state.store.clone(), user.session);
    tokio::task::spawn_blocking(move || {
        crate::auth::session_alive(store.as_ref(), &session, crate::now_ms())
    })
    .await
    .unwrap_or(false)
}

/// One page of the feed, made off the async threads.
async fn page(
    state: &AppState,
    user: &AuthUser,
    cursor: u64,
    since: Option<u64>,
) -> Result<strada_shared::sync::PullResponse, AppError> {
    let (store, u) = (state.store.clone(), user.clone());
    tokio::task::spawn_blocking(move || {
        crate::sync::pull(store.as_ref(), &u, cursor, since, crate::now_ms())
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
    .map_err(AppError::from)
}

/// A page as a frame: its length (4 bytes, big-endian), then the page in `version`.
fn frame_of(
    version: strada_shared::sync::WireVersion,
    page: strada_shared::sync::PullResponse,
) -> Vec<u8> {
    let bytes = encode_as(version, &page.for_version(version));
    let mut frame = Vec::with_capacity(4 + bytes.len());
    frame.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    frame.extend_from_slice(&bytes);
    frame
}
