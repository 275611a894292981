//! Locking and wiping: what leaves memory, and what leaves the device.

use leptos::prelude::*;

use super::{Ctx, DEFAULT_IDLE_LOCK_S, LockState, Records, lists};
use crate::{crypto, store};

/// Forgets every record held in memory (on lock and wipe).
fn clear_memory(ctx: Ctx) {
    crate::live::disconnect();
    ctx.records.set(Records::default());
    lists::clear_summaries();
    ctx.session.set(None);
    ctx.session_expired.set(false);
    ctx.last_sync.set(None);
    ctx.syncing.set(false);
    ctx.first_sync.set(false);
}

/// Locks the device: drops the data key and the records in memory. Pending changes stay
/// on the device, encrypted, and sync after the next unlock.
pub fn lock(ctx: Ctx) {
    crypto::lock();
    leptos::task::spawn_local(crate::engine::release());
    clear_memory(ctx);
    ctx.lock.set(LockState::Locked);
}

/// Deletes every Strada record on the device and forgets everything in memory.
pub async fn wipe(ctx: Ctx) {
    crypto::lock();
    clear_memory(ctx);
    // The engine lets go of the database before it is deleted.
    crate::engine::release().await;
    if let Err(e) = store::wipe().await {
        ctx.storage_error.set(Some(e));
    }
    ctx.owner.set(None);
    ctx.idle_lock_s.set(DEFAULT_IDLE_LOCK_S);
    ctx.lock.set(LockState::NoKey);
}

/// The server revoked this device: wipe it at once and say why on the sign-in page.
pub async fn on_revoked(ctx: Ctx) {
    wipe(ctx).await;
    ctx.revoked.set(true);
}

/// How many documents wait to sync (all types), readable while locked (see
/// `store::PLAIN_KEYS`); kept up to date by [`refresh_rows`].
pub async fn pending_while_locked() -> usize {
    store::kv_get_plain("pending_count")
        .await
        .ok()
        .flatten()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}
