//! Signing in (first on a device, or again after a session expired) and signing out,
//! also offline.

use automerge::ActorId;
use leptos::prelude::*;
use zeroize::Zeroizing;

use super::{Ctx, LockState, load_records, on_revoked, sync, wipe};
use crate::api::{self, ApiError};
use crate::{crypto, store};

/// The sealed setting holding the key the server gave this device at its last sign-in
/// (`LoginResponse::device_key`).
const DEVICE_KEY: &str = "device_key";

/// Why a sign-in failed.
#[derive(Debug, Clone, PartialEq)]
pub enum SignInError {
    /// The server's answer (wrong password, no network, revoked...).
    Api(ApiError),
    /// This device cannot keep data safely: the browser's storage, cryptography or random
    /// number generator failed. Nothing was stored.
    Device,
}

impl SignInError {
    pub fn is_revoked(&self) -> bool {
        matches!(self, SignInError::Api(e) if e.is_revoked())
    }
}

/// Signs in online. On a device without data (the first sign-in) it creates the data key,
/// wraps it with the password and stores it with the owner, the actor and the session.
/// On an unlocked device (the session expired) it re-wraps the same data key with the
/// password the server just accepted, so a password changed on the server unlocks too.
pub async fn sign_in(
    ctx: Ctx,
    username: String,
    password: Zeroizing<String>,
) -> Result<(), SignInError> {
    let storage = |e: store::StoreError| {
        ctx.storage_error.set(Some(e));
        SignInError::Device
    };
    let reauth = crypto::is_unlocked();
    // A device belongs to one account: another account needs the device wiped first.
    let owner = ctx.owner.get_untracked().unwrap_or_default();
    if reauth && !owner.eq_ignore_ascii_case(username.trim()) {
        return Err(SignInError::Api(ApiError::Unauthorized {
            code: "bad_credentials".into(),
        }));
    }
    if !reauth {
        send_pending_signout(ctx).await;
    }
    let actor = if reauth {
        store::actor().await.map_err(storage)?
    } else {
        match crate::util::random_bytes::<16>() {
            Ok(b) => ActorId::from(b.to_vec()),
            Err(_) => return Err(SignInError::Device),
        }
    };
    // The key the last sign-in gave this device (kept apart from the session, which an
    // ended session's "Accedi" forgets; encrypted): with it the server knows the device
    // as the account's own, and a stranger's guesses elsewhere do not lock it out.
    let device_key = if reauth {
        store::kv_get(DEVICE_KEY).await.ok().flatten()
    } else {
        None
    };
    let res = match api::login(&username, &password, &actor.to_hex_string(), device_key).await {
        Ok(res) => res,
        Err(e) if e.is_revoked() && reauth => {
            on_revoked(ctx).await;
            return Err(SignInError::Api(e));
        }
        Err(e) => return Err(SignInError::Api(e)),
    };
    let session_json = serde_json::to_string(&res).unwrap_or_default();
    if reauth {
        let wrap = crypto::rewrap(&password)
            .await
            .map_err(|_| SignInError::Device)?;
        let wrap_json = serde_json::to_string(&wrap).unwrap_or_default();
        store::kv_set_plain("keywrap", &wrap_json)
            .await
            .map_err(storage)?;
        store::kv_set("session", &session_json)
            .await
            .map_err(storage)?;
    } else {
        let wrap = crypto::create(&password)
            .await
            .map_err(|_| SignInError::Device)?;
        let wrap_json = serde_json::to_string(&wrap).unwrap_or_default();
        let lang = ctx.lang.get_untracked().code();
        if let Err(e) =
            store::first_sign_in(&wrap_json, &res.user.username, lang, &actor, &session_json).await
        {
            crypto::lock();
            return Err(storage(e));
        }
        ctx.owner.set(Some(res.user.username.clone()));
    }
    drop(password);
    if let Some(key) = &res.device_key {
        store::kv_set(DEVICE_KEY, key).await.map_err(storage)?;
    }
    ctx.revoked.set(false);
    // A new device has nothing yet: its lists say "loading" until the first sync ends.
    if !reauth {
        ctx.first_sync.set(true);
    }
    ctx.session_expired.set(false);
    ctx.online.set(true);
    if res.user.role.is_central()
        && let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten())
    {
        let _ = storage.set_item(crate::pages::app::DESK, "1");
    }
    ctx.session.set(Some(res));
    ctx.lock.set(LockState::Unlocked);
    crate::idle::touch();
    load_records(ctx).await;
    leptos::task::spawn_local(sync(ctx));
    leptos::task::spawn_local(crate::live::connect(ctx));
    Ok(())
}

/// Signs out: ends the session on the server and wipes the device. Without the
/// network the device is wiped at once all the same, and the session's sign-out key
/// stays behind (plain: it ends that one session and opens nothing) until the next
/// contact with the server ends the session too ([`send_pending_signout`]).
pub async fn sign_out(ctx: Ctx) {
    let queued = match ctx.session.get_untracked() {
        Some(s) => match api::logout(&s.token).await {
            Err(ApiError::Network) => s.logout_key,
            _ => None,
        },
        None => None,
    };
    wipe(ctx).await;
    if let Some(key) = queued {
        match store::kv_set_plain("signout_pending", &key).await {
            Ok(()) => ctx.signout_pending.set(true),
            Err(e) => ctx.storage_error.set(Some(e)),
        }
    }
}

/// Sends a sign-out made offline, if one waits: at start, when the network comes back,
/// and before a new sign-in.
pub async fn send_pending_signout(ctx: Ctx) {
    let Ok(Some(key)) = store::kv_get_plain("signout_pending").await else {
        return;
    };
    ctx.signout_pending.set(true);
    if api::end_session(&key).await != Err(ApiError::Network) {
        // Ended, or already gone (expired, ended by the central office): done either way.
        let _ = store::kv_delete("signout_pending").await;
        ctx.signout_pending.set(false);
    }
}
