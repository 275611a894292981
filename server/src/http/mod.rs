//! The HTTP edge: one file per resource, the shared state, and the router.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod central;
pub mod devices;
pub mod directory;
pub mod error;
pub mod events;
pub mod exchange;
pub mod extract;
pub mod health;
pub mod openapi;
pub mod pull_stream;
pub mod reports;
pub mod security;
pub mod static_files;
pub mod sync;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tokio::sync::Semaphore;
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};

use crate::config::Limits;
use crate::storage::Store;

/// Largest request body accepted (a push of many documents); an exchange file may be
/// larger (`crate::exchange::MAX_FILE_BYTES`).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub writer: Arc<crate::sync::Writer>,
    pub notify: Arc<crate::notify::Notifier>,
    /// The services directory, loaded and validated at start.
    pub directory: Arc<crate::directory::ServedDirectory>,
    /// Sign-in limits per client address, and the Argon2 gate.
    pub throttle: Arc<crate::auth::throttle::SignInThrottle>,
    /// Whether the client's address is the last `X-Forwarded-For` entry (behind a
    /// reverse proxy) rather than the connection's peer.
    pub behind_proxy: bool,
    /// The central workspace's index of every record.
    pub central: Arc<crate::central::Central>,
    /// The PUA's rules, decoded once per stored version (every case request reads them).
    pub rules: Arc<crate::rules_cache::RulesCache>,
    /// One exchange import at a time (see `exchange::import`).
    pub imports: Arc<tokio::sync::Semaphore>,
    /// The records each account may still create today (see `sync::push`).
    pub new_records: Arc<sync::NewRecords>,
    /// Most devices of an account signing in within a day before a new one is refused.
    pub new_devices_per_day: usize,
}

/// The API router, and the PWA from `dist` when given, with the request limits of
/// `limits` and the security headers (see [`security`]).
pub fn router(state: AppState, dist: Option<PathBuf>, limits: &Limits) -> anyhow::Result<Router> {
    let state_store = state.store.clone();
    let api = Router::new()
        .route("/health", get(health::health))
        .route("/reports/summary", get(reports::summary))
        .route("/reports/dashboard", get(reports::dashboard))
        .route("/reports/csv", get(reports::csv))
        .route("/reports/anonymous", get(reports::anonymous))
        .route(
            "/reports/notes",
            get(reports::get_note).put(reports::put_note),
        )
        .route("/openapi.json", get(openapi::get))
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/end-session", post(auth::end_session))
        .route("/auth/me", get(auth::me))
        .route("/sync/push", post(sync::push))
        .route("/sync/pull", post(sync::pull))
        .route("/sync/snapshots", post(sync::snapshots))
        .route("/sync/pull-stream", post(pull_stream::pull_stream))
        .route("/sync/events-ticket", post(events::ticket))
        .route("/sync/events", get(events::events))
        .route("/persons", get(central::persons))
        .route("/persons/search", post(central::persons))
        .route("/persons/duplicates", get(central::duplicates))
        .route(
            "/persons/not-same",
            get(central::judged).post(central::not_same),
        )
        .route("/persons/not-same/undo", post(central::not_same_undo))
        .route("/teams", get(central::teams))
        .route("/persons/merge", post(central::merge))
        .route("/persons/unmerge", post(central::unmerge))
        .route("/persons/{id}", get(central::person))
        .route("/contacts", get(central::contacts))
        .route("/contacts/search", post(central::contacts))
        .route("/contacts/{id}", get(central::contact))
        .route("/referrals", get(central::referrals))
        .route("/referrals/search", post(central::referrals))
        .route("/referrals/{id}", get(central::referral))
        .route("/csv/{list}", get(central::csv).post(central::csv))
        .route("/conflicts", get(central::conflicts))
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(cases::get))
        .route("/job-offers", get(cases::job_offers))
        .route("/rules", get(cases::get_rules))
        .route("/conflicts/resolve", post(central::resolve))
        .route("/directory", get(directory::get))
        .route("/devices", get(devices::list))
        .route(
            "/devices/me/scope",
            get(devices::scope).put(devices::set_scope),
        )
        .route("/devices/{id}/revoke", post(devices::revoke))
        .route("/devices/{id}/end-sessions", post(devices::end_sessions))
        .route("/accounts", get(accounts::list).post(accounts::create))
        .route("/accounts/{name}/disable", post(accounts::disable))
        .route("/accounts/{name}/enable", post(accounts::enable))
        .route("/accounts/{name}/password", post(accounts::reset_password))
        .route("/accounts/{name}/role", post(accounts::set_role))
        .route("/accounts/{name}/unlock", post(accounts::unlock))
        .route(
            "/accounts/{name}/end-everything",
            post(accounts::end_everything),
        )
        .route("/accounts/{name}/sessions", get(accounts::sessions))
        // An exchange file may be larger than any other body.
        .route(
            "/exchange/import",
            post(exchange::import).layer(DefaultBodyLimit::max(crate::exchange::MAX_FILE_BYTES)),
        )
        .route("/exchange/export", get(exchange::export))
        .route("/audit", get(audit::page))
        .route("/audit/verify", get(audit::verify))
        .fallback(|| async { error::AppError::NotFound("no such API endpoint".into()) })
        // The JSON error shape for a method the route does not take (the eighteenth
        // attacker's probe: an empty body); axum keeps the `Allow` header.
        .method_not_allowed_fallback(|| async { error::AppError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Pull pages and records compress well (brotli or gzip, as the client accepts);
        // the event stream is left alone so events are not buffered. Quality 5, not
        // tower-http's brotli 4: a first sync of 10,000 contacts is 600 KB instead of
        // 680 KB (gzip: 800 KB) for a few more milliseconds of server CPU.
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(5))
                .compress_when(
                    DefaultPredicate::new().and(NotForContentType::const_new("text/event-stream")),
                ),
        )
        // API answers are never cached, by the browser or the service worker.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .with_state(state);
    let policy = Arc::new(security::Policy::new(dist.clone())?);
    let app = Router::new().nest("/api", api);
    let app = match dist {
        Some(dir) => app.fallback_service(static_files::service(dir)),
        None => app,
    };
    let app = app
        // A stalled upload: the body's next piece must come within this.
        .layer(RequestBodyTimeoutLayer::new(limits.body_timeout))
        // The whole request, up to its answer's head (an event stream's body goes on).
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            limits.request_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            Arc::new(InFlight {
                all: Semaphore::new(limits.max_in_flight),
                anonymous: Semaphore::new(limits.max_in_flight_anonymous),
                per_address: Arc::default(),
                max_per_address: limits.max_in_flight_anonymous_per_address,
                per_account: Arc::default(),
                max_per_account: limits.max_in_flight_per_account,
                anonymous_body_time: limits.body_timeout.min(ANONYMOUS_BODY_TIME),
                store: state_store,
                behind_proxy: limits.behind_proxy,
            }),
            limit_in_flight,
        ));
    Ok(app.layer(middleware::from_fn_with_state(
        policy,
        security::add_headers,
    )))
}

/// The requests being processed (see [`limit_in_flight`]).
struct InFlight {
    all: Semaphore,
    anonymous: Semaphore,
    /// Requests of `anonymous` by client address.
    per_address: Places<std::net::IpAddr>,
    max_per_address: usize,
    /// Requests of each signed-in account, all its sessions together.
    per_account: Places<strada_shared::ids::UserId>,
    max_per_account: usize,
    /// The time a request with a body and no live session has to send all of it.
    anonymous_body_time: std::time::Duration,
    store: Arc<dyn Store>,
    behind_proxy: bool,
}

/// Places taken, counted by key (a client address, an account).
type Places<K> = Arc<std::sync::Mutex<std::collections::HashMap<K, usize>>>;

/// A place counted under a key, given back on drop (it may outlive the request: an
/// answer's body holds its account's place until it is sent).
struct Counted<K: std::hash::Hash + Eq + Copy> {
    map: Places<K>,
    key: K,
}

impl<K: std::hash::Hash + Eq + Copy> Counted<K> {
    /// A place under `key`, unless it holds `max` already.
    fn take(map: &Places<K>, key: K, max: usize) -> Option<Self> {
        let mut m = map.lock().unwrap_or_else(|p| p.into_inner());
        let n = m.entry(key).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Counted {
            map: map.clone(),
            key,
        })
    }
}

impl<K: std::hash::Hash + Eq + Copy> Drop for Counted<K> {
    fn drop(&mut self) {
        let mut m = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = m.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                m.remove(&self.key);
            }
        }
    }
}

/// The most bytes a request with a body and no live session may send (a sign-in's is
/// under 1 KB), and the time it has to send all of it.
pub const ANONYMOUS_BODY_BYTES: usize = 64 * 1024;
pub const ANONYMOUS_BODY_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// Answers 503 at once when `max_in_flight` requests are already being processed: two
/// cores gain nothing from more, and a queue would only hold memory (bodies of up to
/// [`MAX_BODY_BYTES`]). An event stream counts only until its answer starts.
///
/// A request of a signed-in session (with a body or not) takes one of its account's
/// `max_in_flight_per_account` places, all the account's sessions together (found by
/// the attacker's fifth probe: eight sign-ins of one field worker, eight slow pushes
/// each, held every place), and keeps it until its answer's body is sent (found by the
/// tenth: one field worker opened 1,500 pull streams and never read them, 2 GB held;
/// an event stream's place goes when its answer starts, as event streams have their own
/// bound). A request with a body and no live session (signing in, or anyone at all)
/// first sends its whole body, at most [`ANONYMOUS_BODY_BYTES`] within
/// [`ANONYMOUS_BODY_TIME`] (or the body timeout, when shorter), holding only one of `max_in_flight_anonymous_per_address`
/// places of its address; then it takes one of `max_in_flight_anonymous` places to be
/// processed. Found by the attacker: connections sending a sign-in's body a byte every
/// 10 s held every place, first the whole server's (64 connections from one address),
/// then every sign-in's (16 connections from four addresses). A request without a body
/// does not wait for its client.
async fn limit_in_flight(
    State(limits): State<Arc<InFlight>>,
    req: Request,
    next: Next,
) -> Response {
    let has_body = !matches!(req.method(), &Method::GET | &Method::HEAD)
        || req.headers().contains_key(header::TRANSFER_ENCODING)
        || req
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0");
    let account = extract::bearer(req.headers())
        .and_then(|t| crate::auth::session::live_user(limits.store.as_ref(), t, crate::now_ms()));
    if let Some(account) = account {
        let Ok(permit) = limits.all.try_acquire() else {
            return error::AppError::Unavailable.into_response();
        };
        // One account's requests at once: a phone pushes one at a time, a browser
        // holds six connections (found by the attacker: 70 slow pushes with one token
        // held every place; then 80 exports at once with one token, GETs, did; then
        // the same from eight sessions of one account).
        let Some(slot) = Counted::take(&limits.per_account, account, limits.max_per_account) else {
            return error::AppError::Unavailable.into_response();
        };
        let response = next.run(req).await;
        drop(permit);
        let streaming_events = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
        if streaming_events {
            return response;
        }
        return response.map(|body| axum::body::Body::new(Held { body, _slot: slot }));
    }
    if !has_body {
        let Ok(_permit) = limits.all.try_acquire() else {
            return error::AppError::Unavailable.into_response();
        };
        return next.run(req).await;
    }
    let addr = extract::counted_addr(extract::client_addr(
        req.headers(),
        req.extensions(),
        limits.behind_proxy,
    ));
    let Some(_slot) = Counted::take(&limits.per_address, addr, limits.max_per_address) else {
        return error::AppError::Unavailable.into_response();
    };
    let (parts, body) = req.into_parts();
    let bytes = match tokio::time::timeout(
        limits.anonymous_body_time,
        axum::body::to_bytes(body, ANONYMOUS_BODY_BYTES),
    )
    .await
    {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(_)) => return error::AppError::PayloadTooLarge.into_response(),
        Err(_) => return error::AppError::BodyTimeout.into_response(),
    };
    let Ok(_permit) = limits.all.try_acquire() else {
        return error::AppError::Unavailable.into_response();
    };
    let Ok(_anonymous) = limits.anonymous.try_acquire() else {
        return error::AppError::Unavailable.into_response();
    };
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes)))
        .await
}

/// An answer's body holding its account's place until it is sent or dropped.
struct Held {
    body: axum::body::Body,
    _slot: Counted<strada_shared::ids::UserId>,
}

impl http_body::Body for Held {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
