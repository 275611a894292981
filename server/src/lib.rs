//! Strada's server: the sync endpoint field devices push to and pull from, the central
//! records API, and the CLI that manages users.
//!
//! # Layout
//! - [`config`]: listen address, data folder, PWA folder (flags or `STRADA_*` variables),
//!   connection limits.
//! - [`storage`]: the [`storage::Store`] trait and its sled implementation.
//! - [`auth`]: users, Argon2id passwords, opaque sessions.
//! - [`audit`]: the hash-chained record of who read or did what.
//! - [`sync`]: merge-and-validate for pushes, the change feed for pulls.
//! - [`projection`]: central records derived from documents.
//! - [`reconcile`]: candidate duplicate persons, scored, with their reasons (pure).
//! - [`rules_cache`]: the PUA's rules, decoded once per stored version.
//! - [`directory`]: the services directory served to devices (override file or demo).
//! - [`exchange`]: the PUA exchange format (JSON Lines): import and export.
//! - [`http`]: axum handlers, one file per resource, and the one `AppError`.
//! - [`listen`]: the accept loop (header timeout, connection limit, graceful shutdown).
//! - [`demo`]: `strada-server demo`, a synthetic year of outreach on a fresh store.
//!
//! # Invariants
//! - An acknowledgement (`accepted`) is sent only after the store has flushed.
//! - A refused or malformed document never changes anything stored.
//! - Logs carry ids and counts, never aliases, notes, passwords or tokens.

pub mod admin_socket;
pub mod audit;
pub mod auth;
pub mod central;
pub mod config;
pub(crate) mod csv;
pub mod demo;
pub mod directory;
pub mod exchange;
pub mod http;
pub mod listen;
pub mod merge;
pub mod notify;
pub mod projection;
pub mod reconcile;
pub mod report;
pub mod rules_cache;
pub mod storage;
pub mod sync;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

use std::sync::Arc;

use strada_shared::ids::UserId;

/// The wall clock in Unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A fresh UUIDv7 user id.
pub fn new_user_id(now_ms: i64) -> UserId {
    UserId::new_v7(now_ms.max(0) as u64, rand::random())
}

/// Replaces the default panic output (the message and, with `RUST_BACKTRACE`, a backtrace
/// for every panic) with one log line naming where it happened. Automerge panics on some
/// malformed input; such a document is refused like any other (see `sync`), and a client
/// must not be able to fill the log with backtraces. The message is left out: a panic
/// message may quote the data being processed (a slice of a note, an alias).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let thread = std::thread::current();
        tracing::error!(
            %location,
            thread = thread.name().unwrap_or("unnamed"),
            "panic caught: the request or document it concerned was refused"
        );
    }));
}

/// Binds `listen` and serves the API (and the PWA from `dist`) over `store` in a
/// background task until `shutdown` resolves; open connections are then drained, so the
/// store is released when the task ends. Returns the bound address (useful with port 0)
/// and the task.
pub async fn start(
    store: Arc<dyn storage::Store>,
    listen: std::net::SocketAddr,
    dist: Option<std::path::PathBuf>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<(
    std::net::SocketAddr,
    tokio::task::JoinHandle<std::io::Result<()>>,
)> {
    start_with(
        store,
        listen,
        Served {
            dist,
            ..Served::default()
        },
        shutdown,
    )
    .await
}

/// What a server serves besides the API, and how it holds connections.
pub struct Served {
    /// The built PWA.
    pub dist: Option<std::path::PathBuf>,
    /// The services directory.
    pub directory: directory::ServedDirectory,
    pub limits: config::Limits,
    /// The data folder, to listen on its administration socket (see [`admin_socket`]).
    pub admin_dir: Option<std::path::PathBuf>,
}

impl Default for Served {
    fn default() -> Self {
        Served {
            dist: None,
            directory: directory::ServedDirectory::demo(),
            limits: config::Limits::default(),
            admin_dir: None,
        }
    }
}

/// [`start`] with a given directory and limits.
pub async fn start_with(
    store: Arc<dyn storage::Store>,
    listen: std::net::SocketAddr,
    served: Served,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<(
    std::net::SocketAddr,
    tokio::task::JoinHandle<std::io::Result<()>>,
)> {
    // Changes the server writes (compaction, a reviewer's choice) say when.
    strada_shared::schema::set_clock(now_ms);
    // Once, on a store from before links were indexed: what a withdrawal must reach.
    sync::index_links(store.as_ref(), now_ms())
        .map_err(|e| anyhow::anyhow!("cannot index the links between documents: {e}"))?;
    // Once, on a store whose central records are of an older layout.
    sync::reproject(store.as_ref())
        .map_err(|e| anyhow::anyhow!("cannot project the central records: {e}"))?;
    let notify = Arc::new(notify::Notifier::new(served.limits.max_streams_per_user));
    let admin = match &served.admin_dir {
        Some(dir) => Some(
            admin_socket::listen(dir, store.clone(), notify.clone())
                .map_err(|e| anyhow::anyhow!("cannot open the administration socket: {e}"))?,
        ),
        None => None,
    };
    // The central workspace's index is built now, in the background, rather than by the
    // first central request (at a million records: a minute and more). A central request
    // meanwhile waits 10 s at most, then is answered 503 `index_building`.
    let central: Arc<central::Central> = Arc::default();
    {
        let (central, store) = (central.clone(), store.clone());
        tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            match central.build(store.as_ref()) {
                Ok(()) => {
                    let (persons, contacts, referrals) = central.sizes();
                    tracing::info!(
                        persons,
                        contacts,
                        referrals,
                        seconds = started.elapsed().as_secs_f64(),
                        "central index built"
                    );
                }
                Err(e) => tracing::error!(error = %e, "cannot build the central index"),
            }
        });
    }
    let state = http::AppState {
        store,
        writer: Arc::default(),
        notify: notify.clone(),
        directory: Arc::new(served.directory),
        throttle: Arc::default(),
        behind_proxy: served.limits.behind_proxy,
        new_devices_per_day: served.limits.max_new_devices_per_day,
        central,
        rules: Arc::default(),
        imports: Arc::new(tokio::sync::Semaphore::new(1)),
        new_records: Arc::new(http::sync::NewRecords::new(
            served.limits.max_new_records_per_day,
        )),
    };
    let app = http::router(state, served.dist, &served.limits)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(listen::serve(
        listener,
        app,
        served.limits,
        shutdown,
        // End the event streams so open connections drain, and stop administration.
        move || {
            notify.close();
            if let Some(a) = admin {
                a.abort();
            }
        },
    ));
    Ok((addr, task))
}

/// Opens the store in `config.data_dir` (applying migrations) and serves until Ctrl-C.
pub async fn serve(config: config::Config) -> anyhow::Result<()> {
    install_panic_hook();
    // A bad directory override stops the start before the store is touched.
    let directory = directory::ServedDirectory::load(&config.data_dir)?;
    let (store, applied) = storage::SledStore::open(&config.data_dir)?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied migrations");
    }
    let dist = config
        .dist_dir
        .clone()
        .filter(|d| d.join("index.html").is_file());
    if dist.is_none() {
        tracing::warn!(
            "no built PWA found: serving the API only (build it with `cargo xtask dist`)"
        );
    }
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let served = Served {
        dist,
        directory,
        limits: crate::config::Limits::from_env()?,
        admin_dir: Some(config.data_dir.clone()),
    };
    let (addr, task) = start_with(Arc::new(store), config.listen, served, ctrl_c).await?;
    tracing::info!(%addr, "listening");
    println!("Strada is running at http://{addr}/");
    task.await??;
    Ok(())
}
