//! `POST /api/sync/push`, `POST /api/sync/pull`, `POST /api/sync/snapshots`.
//!
//! Bodies are the binary sync encoding (`application/x-strada-sync`, in any wire version
//! this server speaks: no `v` parameter is version 1, `; v=2` version 2) or JSON; the
//! answer uses the encoding and version the request asked for in `Accept` (JSON by
//! default). A version this server does not speak is refused with 415.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use strada_shared::sync::{
    self, OnWire, PullRequest, PushRequest, SnapshotsRequest, SnapshotsResponse, WireVersion,
};

use strada_shared::ids::UserId;

use super::AppState;
use super::error::AppError;
use crate::auth::AuthUser;

/// The wire versions this server answers (see [`WireVersion`]); `STRADA_WIRE_VERSIONS=N`
/// makes it answer as a server of an older release would (versions up to N only), to
/// test the app against it.
fn speaks(v: WireVersion) -> bool {
    let newest = match std::env::var("STRADA_WIRE_VERSIONS").as_deref() {
        Ok("1") => WireVersion::V1,
        Ok("2") => WireVersion::V2,
        _ => WireVersion::NEWEST,
    };
    v <= newest
}

/// The binary encoding a header names, if any (`Err` for a version this server does
/// not speak).
fn version_of(
    headers: &HeaderMap,
    name: header::HeaderName,
) -> Option<Result<WireVersion, AppError>> {
    let value = headers.get(name)?.to_str().ok()?;
    // `Accept` may list several types: the first binary one counts.
    value
        .split(',')
        .find_map(WireVersion::from_media_type)
        .map(|v| match v {
            Ok(v) if speaks(v) => Ok(v),
            _ => Err(AppError::UnsupportedVersion),
        })
}

/// The binary wire version a request's body is in (`None`: JSON).
pub fn request_version(headers: &HeaderMap) -> Result<Option<WireVersion>, AppError> {
    version_of(headers, header::CONTENT_TYPE).transpose()
}

/// A sync request body in a binary encoding (any version this server speaks) or JSON.
pub struct SyncBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for SyncBody<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match version_of(req.headers(), header::CONTENT_TYPE) {
            Some(version) => {
                let version = version?;
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
                sync::decode_as::<T>(version, &body)
                    .map(SyncBody)
                    .map_err(|_| AppError::BadRequest {
                        code: "malformed_body",
                        message: "the body is not a valid binary sync message".into(),
                    })
            }
            None => {
                let super::extract::ApiJson(v) =
                    super::extract::ApiJson::<T>::from_request(req, state).await?;
                Ok(SyncBody(v))
            }
        }
    }
}

/// A sync answer in the encoding the client accepts: the binary version it names in
/// `Accept`, else JSON.
pub struct SyncReply<T> {
    body: T,
    version: Option<WireVersion>,
}

impl<T> SyncReply<T> {
    pub fn new(headers: &HeaderMap, body: T) -> Result<Self, AppError> {
        let version = version_of(headers, header::ACCEPT).transpose()?;
        Ok(SyncReply { body, version })
    }

    /// The version the answer is written in (`None`: JSON, which names every field).
    pub fn version(&self) -> Option<WireVersion> {
        self.version
    }
}

impl<T: Serialize + OnWire> IntoResponse for SyncReply<T> {
    fn into_response(self) -> Response {
        match self.version {
            // As a device of that version reads it (older refusal codes, heads left out).
            Some(v) => (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(v.media_type()),
                )],
                sync::encode_as(v, &self.body.for_version(v)),
            )
                .into_response(),
            None => axum::Json(self.body).into_response(),
        }
    }
}

/// The records each account may still create: a budget of `per_day`, refilled evenly
/// over 24 hours (see `Limits::max_new_records_per_day`). In memory: a restart gives
/// every account its whole budget again.
pub struct NewRecords {
    per_day: f64,
    accounts: std::sync::Mutex<std::collections::HashMap<UserId, (f64, std::time::Instant)>>,
}

impl NewRecords {
    pub fn new(per_day: usize) -> NewRecords {
        NewRecords {
            per_day: per_day as f64,
            accounts: std::sync::Mutex::default(),
        }
    }

    /// Whether `user`'s budget holds `n` records now, after taking `spent` from it.
    fn holds(&self, user: UserId, n: usize, spent: usize) -> bool {
        let now = std::time::Instant::now();
        let mut accounts = self.accounts.lock().unwrap_or_else(|p| p.into_inner());
        // Accounts whose budget is whole again are forgotten.
        if accounts.len() > 10_000 {
            let day = std::time::Duration::from_secs(86_400);
            accounts.retain(|_, (_, at)| now.duration_since(*at) < day);
        }
        let (left, at) = accounts.entry(user).or_insert((self.per_day, now));
        let refill = now.duration_since(*at).as_secs_f64() / 86_400.0 * self.per_day;
        *left = ((*left + refill).min(self.per_day) - spent as f64).max(0.0);
        *at = now;
        n == 0 || *left >= n as f64
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
    let budget = state.new_records.clone();
    let report = tokio::task::spawn_blocking(move || {
        // The records this push would create must fit the account's budget; those it
        // did create are taken from it (refused ones cost nothing: the attacker's
        // eleventh probe spent a day's budget with pushes of garbage).
        let mut new = std::collections::HashSet::new();
        for d in &req.docs {
            if store.doc_meta(d.id)?.is_none() && store.quarantined(d.id)?.is_none() {
                new.insert(d.id);
            }
        }
        if !budget.holds(user.id, new.len(), 0) {
            return Err(AppError::TooManyRequests {
                code: "too_many_new_records",
                message: "this account created the most records allowed in a day: the device keeps them and sends them later".into(),
                retry_after: None,
            });
        }
        let report = crate::sync::push(store.as_ref(), &writer, &user, req, crate::now_ms())?;
        let created = report
            .response
            .results
            .iter()
            .filter(|r| {
                new.contains(&r.id) && matches!(r.outcome, sync::PushOutcome::Accepted { .. })
            })
            .count();
        budget.holds(user.id, 0, created);
        Ok(report)
    })
    .await
    .map_err(AppError::internal)??;
    // Tell listening devices, per team, that the feed moved (field devices hear their
    // team's own position).
    state
        .notify
        .announce(state.store.as_ref(), report.advanced)?;
    SyncReply::new(&headers, report.response)
}

/// A field worker's records reach a device only: one the central office sees and can
/// revoke (the verification of session 54: a sign-in without a device id, not counted
/// among the account's devices, pulled the team's records). The central office reads
/// the records' API and syncs only what its device keeps.
pub(super) fn field_device(user: &AuthUser) -> Result<(), AppError> {
    if user.role == strada_shared::domain::Role::FieldWorker && user.actor.is_none() {
        return Err(AppError::BadRequest {
            code: "no_device",
            message: "this session belongs to no device: sign in from the app".into(),
        });
    }
    Ok(())
}

pub async fn pull(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: AuthUser,
    SyncBody(req): SyncBody<PullRequest>,
) -> Result<SyncReply<sync::PullResponse>, AppError> {
    field_device(&user)?;
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
    SyncReply::new(&headers, res)
}

pub async fn snapshots(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: AuthUser,
    SyncBody(req): SyncBody<SnapshotsRequest>,
) -> Result<SyncReply<SnapshotsResponse>, AppError> {
    field_device(&user)?;
    let docs = tokio::task::spawn_blocking(move || {
        crate::sync::snapshots(state.store.as_ref(), &user, &req.ids, crate::now_ms())
    })
    .await
    .map_err(AppError::internal)??;
    SyncReply::new(&headers, SnapshotsResponse { docs })
}
