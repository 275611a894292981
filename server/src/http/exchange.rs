//! The exchange format over HTTP, for the central workspace while the server runs:
//! `POST /api/exchange/import?dry_run=true|false` (the file as the body,
//! `application/x-ndjson` or `text/plain`, at most [`MAX_FILE_BYTES`]) answers an
//! [`ImportReport`] — 200, or 422 with every invalid line — and tells live devices of
//! the teams it wrote to; `GET /api/exchange/export` answers the file as a download.
//!
//! Central office only; each run is in the audit log (see `crate::exchange`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use strada_shared::api::ImportReport;

use super::AppState;
use super::central::require;
use super::error::AppError;
use crate::auth::AuthUser;
use crate::exchange::{self, ExchangeError, Importer, MAX_FILE_BYTES, MEDIA_TYPE};

/// The import's query string.
#[derive(Debug, Deserialize)]
pub struct ImportParams {
    /// Check the file and report, storing nothing.
    #[serde(default)]
    dry_run: bool,
}

impl From<ExchangeError> for AppError {
    fn from(e: ExchangeError) -> Self {
        match e {
            ExchangeError::TooLarge => too_large(),
            e @ ExchangeError::TooManyRecords => AppError::TooLarge {
                code: "too_many_records",
                message: e.to_string(),
            },
            ExchangeError::Store(s) => s.into(),
            ExchangeError::Push(p) => p.into(),
        }
    }
}

fn too_large() -> AppError {
    AppError::TooLarge {
        code: "file_too_large",
        message: format!("an exchange file is at most {MAX_FILE_BYTES} bytes"),
    }
}

/// `POST /api/exchange/import`.
pub async fn import(
    State(state): State<AppState>,
    user: AuthUser,
    params: Result<Query<ImportParams>, QueryRejection>,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    require(
        user.role.administers(),
        "the exchange of records is for the central office or the director",
    )?;
    if !is_exchange_type(&headers) {
        return Err(AppError::UnsupportedFile);
    }
    let Query(params) = params.map_err(|_| AppError::BadRequest {
        code: "invalid_query",
        message: "dry_run is true or false".into(),
    })?;
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else if super::error::body_timed_out(&r) {
            AppError::BodyTimeout
        } else {
            AppError::BadRequest {
                code: "bad_body",
                message: "the file could not be read".into(),
            }
        }
    })?;
    // One import at a time: each holds its documents in memory (gigabytes for the
    // largest file) for its whole run, which goes on when its request is abandoned; and
    // two imports of one new external id, staged side by side, would each create it.
    let Ok(permit) = state.imports.clone().try_acquire_owned() else {
        return Err(AppError::ConflictCode {
            code: "import_running",
            message: "another import is running: try again when it has ended".into(),
        });
    };
    let (store, writer, directory) = (
        state.store.clone(),
        state.writer.clone(),
        state.directory.clone(),
    );
    let imported = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        exchange::import(
            store.as_ref(),
            &writer,
            &Importer::Account(user),
            &directory,
            &body,
            params.dry_run,
            crate::now_ms(),
        )
    })
    .await
    .map_err(AppError::internal)??;
    // As after a push: devices of the teams written to pull at once.
    state
        .notify
        .announce(state.store.as_ref(), imported.advanced)?;
    let report: ImportReport = imported.report;
    let status = match report.ok {
        true => StatusCode::OK,
        false => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok((status, Json(report)).into_response())
}

/// `GET /api/exchange/export`: every record of the PUA, as a file to download.
pub async fn export(State(state): State<AppState>, user: AuthUser) -> Result<Response, AppError> {
    require(
        user.role.administers(),
        "the exchange of records is for the central office or the director",
    )?;
    let (store, directory) = (state.store.clone(), state.directory.clone());
    let exported = tokio::task::spawn_blocking(move || {
        exchange::export(store.as_ref(), &directory, Some(&user), crate::now_ms())
    })
    .await
    .map_err(AppError::internal)??;
    let day = chrono::Utc::now().format("%Y-%m-%d");
    Ok((
        [
            (header::CONTENT_TYPE, MEDIA_TYPE.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"strada-export-{day}.jsonl\""),
            ),
        ],
        exported.bytes,
    )
        .into_response())
}

/// Whether a body's declared type may be an exchange file: JSON Lines by any of its
/// names, JSON, plain text, bytes, or no type at all (a file sent as it is). An image, a
/// form or anything else is refused (415) before it is read as records.
fn is_exchange_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(axum::http::header::CONTENT_TYPE) else {
        return true;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/x-jsonlines"
            | "application/jsonlines"
            | "application/json"
            | "text/plain"
            | "application/octet-stream"
    )
}
