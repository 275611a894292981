//! The HTTP edge: one file per resource, the shared state, and the router.

pub mod auth;
pub mod contacts;
pub mod devices;
pub mod directory;
pub mod error;
pub mod events;
pub mod extract;
pub mod health;
pub mod static_files;
pub mod sync;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::storage::Store;

/// Largest request body accepted (a push of many documents).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub writer: Arc<crate::sync::Writer>,
    pub notify: Arc<crate::notify::Notifier>,
    /// The services directory, loaded and validated at start.
    pub directory: Arc<crate::directory::ServedDirectory>,
}

/// The API router, and the PWA from `dist` when given.
pub fn router(state: AppState, dist: Option<PathBuf>) -> Router {
    let api = Router::new()
        .route("/health", get(health::health))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/end-session", post(auth::end_session))
        .route("/auth/me", get(auth::me))
        .route("/sync/push", post(sync::push))
        .route("/sync/pull", post(sync::pull))
        .route("/sync/snapshots", post(sync::snapshots))
        .route("/sync/events-ticket", post(events::ticket))
        .route("/sync/events", get(events::events))
        .route("/contacts", get(contacts::list))
        .route("/contacts/{id}", get(contacts::get_one))
        .route("/directory", get(directory::get))
        .route("/devices", get(devices::list))
        .route("/devices/{id}/revoke", post(devices::revoke))
        .route("/devices/{id}/end-sessions", post(devices::end_sessions))
        .fallback(|| async { error::AppError::NotFound("no such API endpoint".into()) })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Pull pages and records compress well (gzip or brotli, as the client accepts);
        // the event stream is left alone so events are not buffered.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("text/event-stream")),
        ))
        // API answers are never cached, by the browser or the service worker.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state);
    let app = Router::new().nest("/api", api);
    let app = match dist {
        Some(dir) => app.fallback_service(static_files::service(dir)),
        None => app,
    };
    app.layer(SetResponseHeaderLayer::overriding(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
    .layer(SetResponseHeaderLayer::overriding(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    ))
}
