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
    /// 405: the route does not take the request's method (axum adds `Allow`).
    MethodNotAllowed,
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
    /// An exchange file sent as another type of content.
    UnsupportedFile,
    /// 415: a version of the binary sync encoding this server does not speak.
    UnsupportedVersion,
    /// 422: well-formed but invalid content.
    Unprocessable { code: &'static str, message: String },
    /// 429: this user holds too much of a bounded resource; `retry_after` (seconds) when
    /// the wait is known, sent as `Retry-After`.
    TooManyRequests {
        code: &'static str,
        message: String,
        retry_after: Option<u64>,
    },
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
/// The `Retry-After` of an answer given at capacity (the nineteenth probe: a 503 said
/// "try again shortly" and not when).
const BUSY_RETRY_AFTER_SECS: &str = "2";

/// Whole seconds from now until `until` (Unix ms), at least one.
pub fn seconds_until(until: i64) -> u64 {
    let ms = until.saturating_sub(crate::now_ms()).max(0) as u64;
    ms.div_ceil(1000).max(1)
}

impl AppError {
    pub fn internal(e: impl Into<anyhow::Error>) -> Self {
        AppError::Internal(e.into())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            AppError::IndexBuilding => Some(INDEX_RETRY_AFTER_SECS.to_string()),
            AppError::Unavailable => Some(BUSY_RETRY_AFTER_SECS.to_string()),
            AppError::TooManyRequests {
                retry_after: Some(secs),
                ..
            } => Some(secs.to_string()),
            _ => None,
        };
        let (status, code, message) = match self {
            AppError::BadRequest { code, message } => (StatusCode::BAD_REQUEST, code, message),
            AppError::Unauthorized { code, message } => (StatusCode::UNAUTHORIZED, code, message),
            AppError::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m),
            AppError::NotFound(m) => (StatusCode::NOT_FOUND, "not_found", m),
            AppError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this endpoint does not take that method (see the Allow header)".to_string(),
            ),
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
            AppError::UnsupportedFile => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the exchange file as JSON Lines (Content-Type: application/x-ndjson)"
                    .to_string(),
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
            AppError::TooManyRequests { code, message, .. } => {
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
        if let Some(secs) = retry_after.and_then(|s| axum::http::HeaderValue::from_str(&s).ok()) {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs);
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
                message: syntax_message(&e),
            },
            JsonRejection::JsonDataError(e) => AppError::Unprocessable {
                code: "invalid_body",
                message: data_message(&e),
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

/// The errors axum's `Json` keeps: serde_json's, with the path serde gives.
type PathError = serde_path_to_error::Error<serde_json::Error>;

/// The serde errors behind a JSON rejection: the one with its path, else serde_json's
/// alone (trailing characters after the value).
fn serde_errors<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> (Option<&'a PathError>, Option<&'a serde_json::Error>) {
    let mut next = Some(e);
    while let Some(e) = next {
        if let Some(p) = e.downcast_ref::<PathError>() {
            return (Some(p), Some(p.inner()));
        }
        if let Some(j) = e.downcast_ref::<serde_json::Error>() {
            return (None, Some(j));
        }
        next = e.source();
    }
    (None, None)
}

/// serde_json's message without its position (` at line 1 column 30`).
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&at).unwrap_or(&text).to_string()
}

/// Where in the body (`(line 1, column 30)`), when serde_json knows.
fn position(e: &serde_json::Error) -> String {
    match e.line() {
        0 => String::new(),
        line => format!(" (line {line}, column {})", e.column()),
    }
}

/// A body that is not JSON: serde_json's reason (its syntax errors name what was
/// expected, never what was sent) and where.
fn syntax_message(e: &axum::extract::rejection::JsonSyntaxError) -> String {
    match serde_errors(e) {
        (_, Some(j)) => format!(
            "the body is not valid JSON: {}{}",
            without_position(j),
            position(j)
        ),
        _ => "the body is not valid JSON".into(),
    }
}

/// A JSON body that is not of the expected shape: where (the path serde gives, each key
/// as [`crate::exchange::line::reported_key`] allows: a key is the client's) and what
/// was expected — never a value sent (`invalid type: string "Mario Rossi"`), an unknown
/// variant (a value too) or an unknown key that does not look like a field name.
fn data_message(e: &axum::extract::rejection::JsonDataError) -> String {
    let mut message = String::from("the body does not match the expected shape");
    let (path, json) = serde_errors(e);
    if let Some(path) = path.and_then(|p| safe_path(p.path())) {
        message.push_str(&format!(" at `{path}`"));
    }
    if let Some(json) = json {
        if let Some(detail) = safe_detail(&without_position(json)) {
            message.push_str(": ");
            message.push_str(&detail);
        }
        message.push_str(&position(json));
    }
    message
}

/// A path (`docs[0].doc_type`) with each key or variant reported only when it looks like
/// a field name; `None` for the body itself.
fn safe_path(path: &serde_path_to_error::Path) -> Option<String> {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path {
        let name = match segment {
            Segment::Seq { index } => {
                out.push_str(&format!("[{index}]"));
                continue;
            }
            Segment::Map { key } => crate::exchange::line::reported_key(key),
            Segment::Enum { variant } => crate::exchange::line::reported_key(variant),
            Segment::Unknown => "?",
        };
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(name);
    }
    (!out.is_empty()).then_some(out)
}

/// What of serde's message may be said: the kind of mismatch and what was expected (our
/// types' words), never what was sent; `None` for a message of another form (a type's
/// own error may quote the value).
fn safe_detail(text: &str) -> Option<String> {
    // A field of ours: `missing field `id``, `duplicate field `id``.
    if text.starts_with("missing field `") || text.starts_with("duplicate field `") {
        return Some(text.to_string());
    }
    // What was expected follows the value sent, which may hold `, expected ` itself.
    let expected = |rest: &str| {
        rest.rfind(", expected ")
            .map(|i| rest[i + 2..].to_string())
            .or_else(|| {
                rest.rfind(", there are no ")
                    .map(|i| rest[i + 2..].to_string())
            })
    };
    if let Some(rest) = text.strip_prefix("unknown field `") {
        let end = rest
            .rfind("`, expected ")
            .or_else(|| rest.rfind("`, there are no "))?;
        let key = crate::exchange::line::reported_key(&rest[..end]);
        return Some(match expected(rest) {
            Some(e) => format!("unknown field `{key}`, {e}"),
            None => format!("unknown field `{key}`"),
        });
    }
    if let Some(rest) = text.strip_prefix("unknown variant `") {
        return Some(match expected(rest) {
            Some(e) => format!("unknown variant, {e}"),
            None => "unknown variant".into(),
        });
    }
    for kind in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = text.strip_prefix(kind) {
            // What was sent, by kind only (`string`, `integer`, `floating point`, `map`).
            let sent: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == ' ')
                .collect();
            let mut out = format!("{}{}", kind, sent.trim());
            if let Some(e) = expected(rest) {
                out.push_str(", ");
                out.push_str(&e);
            }
            return Some(out);
        }
    }
    if let Some(rest) = text.strip_prefix("invalid length ") {
        return Some(match expected(rest) {
            Some(e) => format!("invalid length, {e}"),
            None => "invalid length".into(),
        });
    }
    None
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
                retry_after: Some(seconds_until(until)),
            },
            AuthError::TooManyDevices => AppError::TooManyRequests {
                code: strada_shared::api::TOO_MANY_DEVICES,
                message: e.to_string(),
                retry_after: None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        counter: u64,
        kind: Kind,
        #[serde(default)]
        items: Vec<Item>,
        #[serde(default)]
        by_name: HashMap<String, u32>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Contact,
        Person,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        at: i64,
    }

    /// The message the body gets, with its code.
    fn answer(body: &str) -> (&'static str, String) {
        let r = axum::Json::<Body>::from_bytes(body.as_bytes()).unwrap_err();
        match AppError::from(r) {
            AppError::Unprocessable { code, message } | AppError::BadRequest { code, message } => {
                (code, message)
            }
            other => panic!("{other:?}"),
        }
    }

    /// A 503 says when to try again (the nineteenth probe: "try again shortly", no
    /// `Retry-After`); other errors do not.
    #[test]
    fn an_answer_at_capacity_says_when_to_try_again() {
        let retry = |e: AppError| {
            e.into_response()
                .headers()
                .get(axum::http::header::RETRY_AFTER)
                .map(|v| v.to_str().unwrap().to_string())
        };
        assert_eq!(retry(AppError::Unavailable).as_deref(), Some("2"));
        assert_eq!(retry(AppError::IndexBuilding).as_deref(), Some("30"));
        assert_eq!(retry(AppError::NotFound("x".into())), None);
        // A 429 whose wait is known says it (the verification: a sign-in locked for nine
        // minutes said so only in its message).
        let locked = |retry_after| AppError::TooManyRequests {
            code: "too_many_attempts",
            message: "wait".into(),
            retry_after,
        };
        assert_eq!(retry(locked(Some(540))).as_deref(), Some("540"));
        assert_eq!(retry(locked(None)), None);
    }

    #[test]
    fn json_body_errors_say_where_and_what_was_expected_never_what_was_sent() {
        let secret = "Mario Rossi +39 333 1234567";
        let cases = [
            (
                format!(r#"{{"counter":"{secret}","kind":"contact"}}"#),
                "the body does not match the expected shape at `counter`: invalid type: string, expected u64",
            ),
            (
                format!(r#"{{"counter":1,"kind":"{secret}"}}"#),
                "the body does not match the expected shape at `kind`: unknown variant, expected `contact` or `person`",
            ),
            (
                format!(r#"{{"counter":1,"kind":"person","{secret}":1}}"#),
                "the body does not match the expected shape at `(a field)`: unknown field `(a field)`, expected one of `counter`, `kind`, `items`, `by_name`",
            ),
            (
                r#"{"counter":1,"kind":"person","nickname":1}"#.to_string(),
                "the body does not match the expected shape at `nickname`: unknown field `nickname`, expected one of `counter`, `kind`, `items`, `by_name`",
            ),
            (
                r#"{"kind":"person"}"#.to_string(),
                "the body does not match the expected shape: missing field `counter`",
            ),
            (
                format!(
                    r#"{{"counter":1,"kind":"person","items":[{{"at":1}},{{"at":"{secret}"}}]}}"#
                ),
                "the body does not match the expected shape at `items[1].at`: invalid type: string, expected i64",
            ),
            (
                format!(r#"{{"counter":1,"kind":"person","by_name":{{"{secret}":"x"}}}}"#),
                "the body does not match the expected shape at `by_name.(a field)`: invalid type: string, expected u32",
            ),
            (
                format!(r#"{{"counter":-1.5,"kind":"person","x":"{secret}"}}"#),
                "the body does not match the expected shape at `counter`: invalid type: floating point, expected u64",
            ),
        ];
        for (body, expected) in cases {
            let (code, message) = answer(&body);
            assert_eq!(code, "invalid_body");
            // Then where in the body.
            let (message, at) = message
                .rsplit_once(" (line 1, column ")
                .expect("a position");
            assert!(at.trim_end_matches(')').parse::<u32>().is_ok(), "{at}");
            assert_eq!(message, expected);
            assert!(
                !message.contains("Mario") && !message.contains("333"),
                "{message}"
            );
        }
        let (code, message) = answer(&format!(r#"{{"counter":"{secret}"#));
        assert_eq!(code, "malformed_json");
        assert!(!message.contains("Mario"), "{message}");
        assert!(
            message.starts_with("the body is not valid JSON: "),
            "{message}"
        );
        let (code, message) = answer(r#"{"counter":1,"kind":"person"} x"#);
        assert_eq!(
            (code, message.as_str()),
            (
                "malformed_json",
                "the body is not valid JSON: trailing characters (line 1, column 31)"
            )
        );
    }
}
