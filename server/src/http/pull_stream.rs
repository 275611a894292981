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
//! whole feed in memory).

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
    // Frames are binary: a JSON client pulls page by page.
    let version = request_version(&headers)?.ok_or(AppError::UnsupportedMediaType)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    tokio::spawn(async move {
        let started = Instant::now();
        let (mut cursor, since) = (req.cursor, req.since);
        let mut sent = 0usize;
        for _ in 0..MAX_PAGES {
            let (store, u) = (state.store.clone(), user.clone());
            let page = tokio::task::spawn_blocking(move || {
                crate::sync::pull(store.as_ref(), &u, cursor, since, crate::now_ms())
            })
            .await;
            // A failure ends the stream mid-way: the device resumes from its last page.
            let Ok(Ok(page)) = page else {
                tracing::warn!(user = %user.id, "a pull stream ended on a server error");
                return;
            };
            let (more, next) = (page.more, page.cursor);
            let bytes = encode_as(version, &page.for_version(version));
            let mut frame = Vec::with_capacity(4 + bytes.len());
            frame.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            frame.extend_from_slice(&bytes);
            sent += frame.len();
            // The device went away: stop making pages.
            if tx.send(Ok(Bytes::from(frame))).await.is_err() {
                return;
            }
            if !more || sent >= MAX_BYTES || started.elapsed() >= MAX_TIME {
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
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(media_type(version)),
        )],
        body,
    )
        .into_response())
}
