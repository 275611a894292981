//! The app's shared state: the signals every page reads (provided as context), and the
//! work that changes them, by concern. Modules only depend on those above them in this
//! list (no cycles):
//! - [`lists`]: the summaries in memory and the lists built from them, a time slice at a
//!   time.
//! - [`memory`]: locking and wiping — what leaves memory and the device.
//! - [`sync`]: the sync loop's driver (IndexedDB and fetch) and what its answers mean for
//!   the page.
//! - [`edits`]: saving new and edited records on the device, withdrawing consent,
//!   discarding a refused change; their typed errors.
//! - [`sign_in`]: signing in and out (also offline).
//! - [`unlock`]: starting the app, unlocking offline, restoring the session.

mod edits;
mod lists;
mod memory;
mod sign_in;
mod sync;
mod unlock;

use leptos::prelude::*;
use strada_shared::api::LoginResponse;

use crate::i18n::Lang;

pub use crate::records::{Records, RowStatus, Summary};
pub use edits::{
    EditError, discard, new_doc, open_doc, read_doc, read_held, save_contact, save_edit,
    save_new_docs, take_from_server, withdraw_consent,
};
pub use lists::{Slicer, held_case_person, held_cases, load_records, parse_array, refresh_rows};
pub use memory::{lock, on_revoked, pending_while_locked, wipe};
pub use sign_in::{SignInError, send_pending_signout, sign_in, sign_out};
pub use sync::{on_engine_event, sync};
pub use unlock::{UnlockError, start, unlock};

/// The signed-in session, as stored on the device.
pub type Session = LoginResponse;

/// Whether the device's data key is in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    /// Reading the device's settings.
    Starting,
    /// No data key on this device: the sign-in page (first sign-in on the device).
    NoKey,
    /// A wrapped data key is stored: the unlock page asks for the password.
    Locked,
    /// The data key is in memory.
    Unlocked,
}

/// The default idle time before the app locks itself.
pub const DEFAULT_IDLE_LOCK_S: u32 = 300;

#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub session: RwSignal<Option<Session>>,
    /// Whether the last request reached the server (and the browser reports a network).
    pub online: RwSignal<bool>,
    pub syncing: RwSignal<bool>,
    pub session_expired: RwSignal<bool>,
    pub last_sync: RwSignal<Option<i64>>,
    pub records: RwSignal<Records>,
    /// Days after which a referral without feedback is listed (setting, default 7).
    pub waiting_days: RwSignal<i64>,
    pub storage_error: RwSignal<Option<crate::store::StoreError>>,
    /// Set when a new service worker waits to take over.
    pub update_ready: RwSignal<bool>,
    /// A long pull's progress: (feed positions done, total), while it runs.
    pub sync_progress: RwSignal<Option<(u64, u64)>>,
    pub lock: RwSignal<LockState>,
    /// The device owner's username (shown on the unlock page).
    pub owner: RwSignal<Option<String>>,
    /// Seconds without activity before the app locks itself.
    pub idle_lock_s: RwSignal<u32>,
    /// The device was revoked and wiped: the sign-in page says so.
    pub revoked: RwSignal<bool>,
    /// A first sync (nothing pulled yet) is running: empty lists say "loading".
    pub first_sync: RwSignal<bool>,
    /// Bumped whenever a pull brought documents: views that read the server (the
    /// central records) reload then.
    pub pulled: RwSignal<u64>,
    /// A sign-out made offline waits to end the session on the server.
    pub signout_pending: RwSignal<bool>,
}

impl Ctx {
    pub fn new() -> Self {
        Ctx {
            lang: RwSignal::new(Lang::It),
            session: RwSignal::new(None),
            online: RwSignal::new(navigator_online()),
            syncing: RwSignal::new(false),
            session_expired: RwSignal::new(false),
            last_sync: RwSignal::new(None),
            records: RwSignal::new(Records::default()),
            waiting_days: RwSignal::new(strada_shared::schema::referral::DEFAULT_WAITING_DAYS),
            storage_error: RwSignal::new(None),
            update_ready: RwSignal::new(false),
            sync_progress: RwSignal::new(None),
            lock: RwSignal::new(LockState::Starting),
            owner: RwSignal::new(None),
            idle_lock_s: RwSignal::new(DEFAULT_IDLE_LOCK_S),
            revoked: RwSignal::new(false),
            first_sync: RwSignal::new(false),
            pulled: RwSignal::new(0),
            signout_pending: RwSignal::new(false),
        }
    }

    pub fn pending(&self) -> usize {
        self.records.with(Records::pending)
    }

    /// Changes the server refused ([`Records::refused`]).
    pub fn refused(&self) -> usize {
        self.records.with(Records::refused)
    }
}

pub fn navigator_online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}
