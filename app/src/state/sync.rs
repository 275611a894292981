//! The app's side of the sync loop (`strada_shared::sync::run`): IndexedDB and fetch,
//! and what the outcome means for the page.

use std::cell::Cell;

use automerge::ActorId;
use leptos::prelude::*;
use strada_shared::ids::DocId;
use strada_shared::sync::device::{DeviceDoc, InFlight};
use strada_shared::sync::run;
use strada_shared::sync::{
    PullRequest, PullResponse, PulledDoc, PushRequest, PushResponse, SnapshotsRequest,
    SnapshotsResponse,
};

use super::{Ctx, lists, on_revoked, refresh_rows};
use crate::api::{self, ApiError};
use crate::{crypto, store};

thread_local! {
    static SYNCING: Cell<bool> = const { Cell::new(false) };
}

/// One sync: push what is pending, then pull until the feed is exhausted. Single flight:
/// a call while another runs returns at once.
pub async fn sync(ctx: Ctx) {
    let Some(session) = ctx.session.get_untracked() else {
        return;
    };
    if ctx.session_expired.get_untracked() || SYNCING.with(|s| s.replace(true)) {
        return;
    }
    ctx.syncing.set(true);
    let result = sync_inner(ctx, &session.token).await;
    ctx.sync_progress.set(None);
    SYNCING.with(|s| s.set(false));
    ctx.syncing.set(false);
    if !crypto::is_unlocked() {
        // Locked or wiped meanwhile: the answer concerns data no longer in memory.
        return;
    }
    match result {
        Ok(()) => {
            ctx.online.set(true);
            let now = crate::util::now_ms();
            ctx.last_sync.set(Some(now));
            let _ = store::kv_set("last_sync", &now.to_string()).await;
            leptos::task::spawn_local(crate::live::connect(ctx));
        }
        Err(SyncError::Api(ApiError::Network)) => ctx.online.set(false),
        Err(SyncError::Api(e)) if e.is_revoked() => return on_revoked(ctx).await,
        Err(SyncError::Api(ApiError::Unauthorized { .. })) => {
            ctx.online.set(true);
            ctx.session_expired.set(true);
        }
        Err(SyncError::Api(ApiError::Server { .. } | ApiError::TooMany { .. })) => {
            ctx.online.set(true)
        }
        Err(SyncError::Store(e)) => ctx.storage_error.set(Some(e)),
    }
    refresh_rows(ctx).await;
    // Only once the lists show what the sync brought may an empty list say "none".
    ctx.first_sync.set(false);
}

enum SyncError {
    Api(ApiError),
    Store(store::StoreError),
}

impl From<ApiError> for SyncError {
    fn from(e: ApiError) -> Self {
        SyncError::Api(e)
    }
}

impl From<store::StoreError> for SyncError {
    fn from(e: store::StoreError) -> Self {
        SyncError::Store(e)
    }
}

/// The app's side of the sync loop (`strada_shared::sync::run`): IndexedDB and fetch.
struct AppDriver<'a> {
    ctx: Ctx,
    token: &'a str,
    actor: ActorId,
    /// When the lists were last rebuilt during this pull.
    shown_at: f64,
    /// The pull stream pages are read from, while it lasts.
    stream: Option<api::PullStream>,
    /// The server has no pull stream (an older release): page by page.
    paged: bool,
    /// The cursor the last page was asked from.
    asked_from: u64,
}

impl strada_shared::sync::run::Driver for AppDriver<'_> {
    type Error = SyncError;

    async fn pending(&mut self) -> Result<Vec<DocId>, SyncError> {
        Ok(lists::pending_ids())
    }

    async fn load(&mut self, ids: &[DocId]) -> Result<Vec<DeviceDoc>, SyncError> {
        Ok(store::get_docs(&self.actor, ids).await?)
    }

    async fn push(&mut self, req: PushRequest) -> Result<PushResponse, SyncError> {
        Ok(api::push(self.token, &req).await?)
    }

    async fn pushed(&mut self, sent: &[InFlight], res: &PushResponse) -> Result<(), SyncError> {
        let ids: Vec<DocId> = sent.iter().map(|s| s.id).collect();
        // One transaction: an answer never overwrites an edit saved meanwhile.
        store::update_docs(&self.actor, &ids, |d| {
            run::apply_outcomes([d], sent, res);
        })
        .await?;
        store::add_repair(&run::replaced(res)).await?;
        Ok(())
    }

    async fn position(&mut self) -> Result<(u64, u64), SyncError> {
        let read = |v: Option<String>| v.and_then(|c| c.parse().ok()).unwrap_or(0);
        let cursor = read(store::kv_get("cursor").await?);
        // Where the last complete pull ended: what the device surely holds.
        let since = read(store::kv_get("baseline").await?);
        Ok((cursor, since))
    }

    async fn pull(&mut self, req: PullRequest) -> Result<PullResponse, SyncError> {
        self.asked_from = req.cursor;
        let since = req.since.unwrap_or(req.cursor);
        // A long pull comes as one stream of pages; it reopens where it stopped if the
        // server ended it before the feed's end.
        while !self.paged {
            let fresh = self.stream.is_none();
            if fresh {
                match api::open_pull_stream(self.token, req.cursor, since).await? {
                    Some(s) => self.stream = Some(s),
                    None => {
                        self.paged = true;
                        break;
                    }
                }
            }
            let stream = self.stream.as_mut().expect("opened above");
            match stream.next().await? {
                Some(page) => return Ok(page),
                // Ended: reopen from here — unless a new stream brought nothing at all.
                None if fresh => self.paged = true,
                None => self.stream = None,
            }
        }
        Ok(api::pull(self.token, req.cursor, since).await?)
    }

    async fn apply(&mut self, page: &PullResponse, baseline: Option<u64>) -> Result<(), SyncError> {
        store::apply_pulled(&self.actor, &page.docs, Some(page.cursor), baseline).await?;
        // The feed moved, even with nothing this device keeps (a central device): what
        // reads the server's records (the workspace) reads them again.
        if !page.docs.is_empty() || page.cursor != self.asked_from {
            self.ctx.pulled.update(|n| *n += 1);
        }
        Ok(())
    }

    async fn repair_list(&mut self) -> Result<Vec<DocId>, SyncError> {
        Ok(store::repair_list().await?)
    }

    async fn snapshots(&mut self, req: SnapshotsRequest) -> Result<SnapshotsResponse, SyncError> {
        Ok(api::snapshots(self.token, &req).await?)
    }

    async fn apply_snapshots(&mut self, docs: &[PulledDoc]) -> Result<(), SyncError> {
        Ok(store::apply_pulled(&self.actor, docs, None, None).await?)
    }

    async fn before_first_pull(&mut self) {
        store::warm_up(&self.actor).await;
    }

    async fn page_done(&mut self, done: u64, total: u64) {
        // During a long pull the lists grow as pages arrive (at most once a second:
        // each rebuild reads every summary in memory), and it shows how far it has come.
        let now = js_sys::Date::now();
        if now - self.shown_at >= 1000.0 {
            self.shown_at = now;
            refresh_rows(self.ctx).await;
        }
        self.ctx.sync_progress.set(Some((done, total)));
    }
}

async fn sync_inner(ctx: Ctx, token: &str) -> Result<(), SyncError> {
    let actor: ActorId = store::actor().await?;
    let mut driver = AppDriver {
        ctx,
        token,
        actor,
        shown_at: 0.0,
        stream: None,
        paged: false,
        asked_from: 0,
    };
    run::run(&mut driver).await.map(drop)
}
