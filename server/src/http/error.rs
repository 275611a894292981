//! The one error type at the HTTP edge: 4xx with a safe, specific message; 5xx generic to
//! the client and detailed in the log. Messages never carry personal data.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use strada_shared::api::ErrorBody;

use crate::auth::AuthError;
use crate::storage::StoreError;
use crate::sync::PushError;

#[derive(Debug)]
pub enum AppError {
    /// 400: the request is malformed.
    BadRequest { code: &'static str, message: String },
    /// 401: no valid session.
    Unauthorized { code: &'static str, message: String },
    /// 403: signed in, but not allowed.
    Forbidden(String),
    /// 404
    NotFound(String),
    /// 409
    Conflict(String),
    /// 409 with its own code.
    ConflictCode { code: &'static str, message: String },
    /// 413: the body is larger than [`super::MAX_BODY_BYTES`].
    PayloadTooLarge,
    /// 413: the body would decode to more than the server accepts.
    TooLarge { code: &'static str, message: String },
    /// 408: the request body stalled.
    BodyTimeout,
    /// 415
    UnsupportedMediaType,
    /// 415: a version of the binary sync encoding this server does not speak.
    UnsupportedVersion,
    /// 422: well-formed but invalid content.
    Unprocessable { code: &'static str, message: String },
    /// 429: this user holds too much of a bounded resource.
    TooManyRequests { code: &'static str, message: String },
    /// 503: a bounded resource is exhausted; the client retries later.
    Unavailable,
    /// 503: the central records are being prepared after a start; the client retries
    /// later (`Retry-After`).
    IndexBuilding,
    /// 500: logged, never detailed to the client.
    Internal(anyhow::Error),
}

/// The `Retry-After` of an answer given while the central index is being built.
const INDEX_RETRY_AFTER_SECS: &str = "30";

impl AppError {
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(e.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry_later = matches!(self, AppError::IndexBuilding);
        let (status, code, message) = match self {
            AppError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message),
            AppError::Unauthorized { code, message } => (StatusCode::UNAUTHORIZED, code, message),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m),
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m),
            AppError::Conflict(m) => (StatusCode::CONFLICT, "conflict", m),
            AppError::ConflictCode { code, message } => (StatusCode::CONFLICT, code, message),
            AppError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!(
                    "the request body is larger than {} bytes",
                    super::MAX_BODY_BYTES
                ),
            ),
            AppError::TooLarge { code, message } => (StatusCode::PAYLOAD_TOO_LARGE, code, message),
            AppError::BodyTimeout => (
                StatusCode::REQUEST_TIMEOUT,
                "body_timeout",
                "the request body stopped arriving".to_string(),
            ),
            AppError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send JSON with Content-Type: application/json".to_string(),
            ),
            AppError::UnsupportedVersion => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_wire_version",
                "this server does not speak that version of the sync encoding: use an older one"
                    .to_string(),
            ),
            AppError::Unprocessable { code, message } => {
                (StatusCode::UNPROCESSABLE_ENTITY, code, message)
            }
            AppError::TooManyRequests { code, message } => {
                (StatusCode::TOO_MANY_REQUESTS, code, message)
            }
            AppError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the server is at capacity: try again shortly".to_string(),
            ),
            AppError::IndexBuilding => (
                StatusCode::SERVICE_UNAVAILABLE,
                "index_building",
                "the central records are being prepared after a restart: try again in a minute"
                    .to_string(),
            ),
            AppError::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the server could not complete the request".into(),
                )
            }
        };
        let mut res = (
            status,
            Json(ErrorBody {
                error: code.to_string(),
                message,
            }),
        )
            .into_response();
        if retry_later {
            res.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(INDEX_RETRY_AFTER_SECS),
            );
        }
        res
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType,
            JsonRejection::JsonSyntaxError(e) => AppError::BadRequest {
                code: "malformed_json",
                message: format!(
                    "the body is not valid JSON: {}",
                    e.body_text().rsplit(": ").next().unwrap_or("")
                ),
            },
            JsonRejection::JsonDataError(e) => AppError::Unprocessable {
                code: "invalid_body",
                message: format!(
                    "the body does not match the expected shape: {}",
                    e.body_text().rsplit(": ").next().unwrap_or("")
                ),
            },
            JsonRejection::BytesRejection(b) if b.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::PayloadTooLarge
            }
            JsonRejection::BytesRejection(b) if body_timed_out(&b) => AppError::BodyTimeout,
            other => AppError::BadRequest {
                code: "bad_body",
                message: other.body_text(),
            },
        }
    }
}

/// Whether reading a body failed because it stalled (`RequestBodyTimeoutLayer`).
pub fn body_timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(e);
    while let Some(e) = next {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        next = e.source();
    }
    false
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Building => AppError::IndexBuilding,
            e => AppError::Internal(e.into()),
        }
    }
}

impl From<AuthError> for AppError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::BadCredentials => AppError::Unauthorized {
                code: "bad_credentials",
                message: e.to_string(),
            },
            AuthError::MissingSession => AppError::Unauthorized {
                code: "no_session",
                message: e.to_string(),
            },
            AuthError::ExpiredSession => AppError::Unauthorized {
                code: "session_expired",
                message: e.to_string(),
            },
            AuthError::UsernameTaken => AppError::Conflict(e.to_string()),
            AuthError::InvalidUsername | AuthError::WeakPassword => AppError::Unprocessable {
                code: "invalid_user",
                message: e.to_string(),
            },
            AuthError::InvalidDevice => AppError::Unprocessable {
                code: "invalid_device",
                message: e.to_string(),
            },
            AuthError::DeviceTaken => AppError::Conflict(e.to_string()),
            AuthError::DeviceRevoked => AppError::Unauthorized {
                code: strada_shared::api::DEVICE_REVOKED,
                message: e.to_string(),
            },
            AuthError::Disabled => AppError::Unauthorized {
                code: strada_shared::api::ACCOUNT_DISABLED,
                message: e.to_string(),
            },
            AuthError::Locked { until } => AppError::TooManyRequests {
                code: strada_shared::api::ACCOUNT_LOCKED,
                message: format!("{e} (until {})", crate::projection::rfc3339_ms(until)),
            },
            AuthError::NoSuchUser => AppError::NotFound(e.to_string()),
            AuthError::Refused(m) => AppError::Conflict(m.to_string()),
            AuthError::Store(s) => s.into(),
        }
    }
}

impl From<PushError> for AppError {
    fn from(e: PushError) -> Self {
        match e {
            PushError::TooManyDocs => AppError::PayloadTooLarge,
            PushError::DuplicateDoc(_) => AppError::Unprocessable {
                code: "duplicate_document",
                message: e.to_string(),
            },
            PushError::InvalidAutomerge(_) => AppError::Unprocessable {
                code: "invalid_automerge",
                message: e.to_string(),
            },
            PushError::TooLarge(_) => AppError::TooLarge {
                code: "push_too_large",
                message: e.to_string(),
            },
            PushError::NoDevice => AppError::Forbidden(e.to_string()),
            PushError::Store(s) => s.into(),
        }
    }
}
