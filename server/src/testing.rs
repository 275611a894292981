//! A real server on a loopback port over a fresh sled store in a temporary folder, for
//! integration tests in this and other crates.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use strada_shared::domain::Role;
use strada_shared::ids::TeamId;

use crate::auth::{self, Password};
use crate::storage::{SledStore, StoredUser};

/// A new temporary folder, removed (with what is in it) on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new, empty folder named after `prefix`.
    pub fn new(prefix: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temporary folder");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A sled store in a new temporary folder (removed when the guard drops).
pub fn temp_store(prefix: &str) -> (TempDir, SledStore) {
    let dir = TempDir::new(prefix);
    let (store, _) = SledStore::open(&dir.0).expect("store");
    (dir, store)
}

/// A running test server; its data folder is removed on drop.
pub struct TestServer {
    pub addr: SocketAddr,
    pub store: Arc<SledStore>,
    pub dir: PathBuf,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    keep: bool,
}

impl TestServer {
    /// Starts a server over a new, empty data folder.
    pub async fn start() -> TestServer {
        let dir = std::env::temp_dir().join(format!("strada-test-{}", uuid::Uuid::now_v7()));
        Self::start_in(dir).await
    }

    /// Starts a server over `dir` (new or existing).
    pub async fn start_in(dir: PathBuf) -> TestServer {
        Self::start_with_in(dir, crate::Served::default()).await
    }

    /// Starts a server over a new, empty data folder that listens on its administration
    /// socket, as `strada-server serve` does (the CLI's way in while it runs).
    pub async fn start_administered() -> TestServer {
        let dir = std::env::temp_dir().join(format!("strada-test-{}", uuid::Uuid::now_v7()));
        let served = crate::Served {
            admin_dir: Some(dir.clone()),
            ..crate::Served::default()
        };
        Self::start_with_in(dir, served).await
    }

    /// Starts a server over a new, empty data folder, serving `served` (a PWA folder,
    /// shorter connection limits...).
    pub async fn start_with(served: crate::Served) -> TestServer {
        let dir = std::env::temp_dir().join(format!("strada-test-{}", uuid::Uuid::now_v7()));
        Self::start_with_in(dir, served).await
    }

    async fn start_with_in(dir: PathBuf, served: crate::Served) -> TestServer {
        let (store, _) = SledStore::open(&dir).expect("open test store");
        let store = Arc::new(store);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let shutdown = async move {
            let _ = stopped.await;
        };
        let (addr, task) = crate::start_with(
            store.clone(),
            "127.0.0.1:0".parse().expect("addr"),
            served,
            shutdown,
        )
        .await
        .expect("start test server");
        TestServer {
            addr,
            store,
            dir,
            task,
            stop: Some(stop),
            keep: false,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Creates a user with password `password-<username>`.
    pub fn add_user(&self, username: &str, role: Role, team: &str) -> StoredUser {
        auth::create_user(
            self.store.as_ref(),
            username,
            &Password::new(format!("password-{username}")),
            role,
            TeamId::parse(team).expect("team"),
            crate::now_ms(),
        )
        .expect("create user")
    }

    /// Stops serving and releases the store, keeping the folder (to restart over it).
    pub async fn stop(mut self) -> PathBuf {
        self.keep = true;
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.task).await;
        self.dir.clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
