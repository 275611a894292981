//! The page's side of a sync: one at a time, what its outcome means for the page, and
//! what the engine tells while it runs (the engine runs the loop itself:
//! [`crate::engine`]).

use std::cell::Cell;

use leptos::prelude::*;

use super::{Ctx, lists, on_revoked, refresh_rows};
use crate::api::ApiError;
use crate::engine::{self, Answer, Call, Event, SyncError};
use crate::{crypto, store};

thread_local! {
    static SYNCING: Cell<bool> = const { Cell::new(false) };
    /// A sync was asked for while one ran: what was saved meanwhile goes out right after.
    static AGAIN: Cell<bool> = const { Cell::new(false) };
}

/// One sync: push what is pending, then pull until the feed is exhausted. Single flight:
/// a call while another runs returns at once, and the running one is followed by another
/// when it succeeds (an edit saved during a sync goes out then, not at the next timer).
pub async fn sync(ctx: Ctx) {
    let Some(session) = ctx.session.get_untracked() else {
        return;
    };
    if ctx.session_expired.get_untracked() {
        return;
    }
    if SYNCING.with(|s| s.replace(true)) {
        AGAIN.with(|a| a.set(true));
        return;
    }
    // What is pending now goes in this sync.
    AGAIN.with(|a| a.set(false));
    ctx.syncing.set(true);
    let call = Call::Sync {
        token: session.token.clone(),
        pending: lists::pending_ids(),
    };
    let result = match engine::call(call).await {
        Ok(Answer::Sync(r)) => r,
        Ok(_) => Err(SyncError::Store(engine::mismatch())),
        Err(e) => Err(SyncError::Store(e)),
    };
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
            if AGAIN.with(|a| a.replace(false)) {
                leptos::task::spawn_local(sync(ctx));
            }
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

/// What the engine tells while a sync runs.
pub fn on_engine_event(ctx: Ctx, event: Event) {
    if !crypto::is_unlocked() {
        return;
    }
    match event {
        Event::Page {
            changes,
            done,
            total,
            show,
        } => {
            store::publish(changes);
            // During a long pull the lists grow as pages arrive (the engine says when:
            // at most once a second), and it shows how far it has come.
            if show {
                leptos::task::spawn_local(refresh_rows(ctx));
            }
            ctx.sync_progress.set(Some((done, total)));
        }
        Event::Pulled => ctx.pulled.update(|n| *n += 1),
    }
}
