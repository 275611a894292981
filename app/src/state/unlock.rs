//! Starting the app, unlocking the device offline, restoring the session.

use leptos::prelude::*;
use zeroize::Zeroizing;

use super::{Ctx, LockState, load_records, send_pending_signout, sync};
use crate::crypto::{self, CryptoError, WrapRecord};
use crate::i18n::Lang;
use crate::store;

/// Reads what is readable while locked (language, idle time, owner) and decides between
/// the sign-in page (no data key on the device) and the unlock page.
pub async fn start(ctx: Ctx) {
    if let Ok(Some(l)) = store::kv_get_plain("lang").await {
        ctx.lang.set(Lang::parse(&l));
    }
    if let Ok(Some(s)) = store::kv_get_plain("idle_lock_s").await
        && let Ok(s) = s.parse::<u32>()
        && s > 0
    {
        ctx.idle_lock_s.set(s);
    }
    leptos::task::spawn_local(send_pending_signout(ctx));
    match store::kv_get_plain("keywrap").await {
        Ok(Some(_)) => {
            ctx.owner
                .set(store::kv_get_plain("user").await.ok().flatten());
            ctx.lock.set(LockState::Locked);
        }
        Ok(None) => ctx.lock.set(LockState::NoKey),
        Err(e) => {
            ctx.storage_error.set(Some(e));
            ctx.lock.set(LockState::NoKey);
        }
    }
}

/// Why unlocking failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnlockError {
    WrongPassword,
    /// The stored key or the browser's cryptography is unusable.
    Broken,
}

/// Unlocks the device offline with the password, then restores the session and resumes
/// sync. A wrong password changes nothing.
pub async fn unlock(ctx: Ctx, password: Zeroizing<String>) -> Result<(), UnlockError> {
    let wrap: WrapRecord = store::kv_get_plain("keywrap")
        .await
        .ok()
        .flatten()
        .and_then(|j| serde_json::from_str(&j).ok())
        .ok_or(UnlockError::Broken)?;
    match crypto::unlock(&password, &wrap).await {
        Ok(()) => {}
        Err(CryptoError::WrongPassword) => return Err(UnlockError::WrongPassword),
        Err(_) => return Err(UnlockError::Broken),
    }
    drop(password);
    restore(ctx).await;
    ctx.lock.set(LockState::Unlocked);
    crate::idle::touch();
    leptos::task::spawn_local(sync(ctx));
    Ok(())
}

/// Reads the session and the records from the (unlocked) device.
async fn restore(ctx: Ctx) {
    match store::kv_get("session").await {
        Ok(Some(json)) => ctx.session.set(serde_json::from_str(&json).ok()),
        Ok(None) => {}
        Err(e) => ctx.storage_error.set(Some(e)),
    }
    if let Ok(Some(ms)) = store::kv_get("last_sync").await {
        ctx.last_sync.set(ms.parse().ok());
    }
    // Nothing pulled yet (a first sync cut short): empty lists say "loading".
    if matches!(store::kv_get("cursor").await, Ok(None)) {
        ctx.first_sync.set(true);
    }
    if let Ok(Some(days)) = store::kv_get("waiting_days").await
        && let Ok(days) = days.parse::<i64>()
    {
        ctx.waiting_days.set(days.clamp(0, 365));
    }
    load_records(ctx).await;
}
