//! The app's shared state (signals provided as context) and the sync loop that drives
//! the sans-IO device core in `strada_shared::sync::device` with IndexedDB and fetch.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use automerge::ActorId;
use leptos::prelude::*;
use strada_shared::api::LoginResponse;
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc, DocType, PersonDoc, ReferralDoc};
use strada_shared::sync::device::{DeviceDoc, InFlight};
use strada_shared::sync::run;
use strada_shared::sync::{
    PullRequest, PullResponse, PulledDoc, PushRequest, PushResponse, SnapshotsRequest,
    SnapshotsResponse,
};

use zeroize::Zeroizing;

use crate::api::{self, ApiError};
use crate::crypto::{self, CryptoError, WrapRecord};
use crate::i18n::Lang;
use crate::store;

pub use crate::records::{Records, RowStatus, Summary};

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
    pub storage_error: RwSignal<Option<String>>,
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
}

pub fn navigator_online() -> bool {
    web_sys::window()
        .map(|w| w.navigator().on_line())
        .unwrap_or(true)
}

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
            ctx.storage_error.set(Some(e.0));
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
        Err(e) => ctx.storage_error.set(Some(e.0)),
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

/// Forgets every record held in memory (on lock and wipe).
fn clear_memory(ctx: Ctx) {
    crate::live::disconnect();
    ctx.records.set(Records::default());
    SUMMARIES.with(|m| m.borrow_mut().clear());
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
    clear_memory(ctx);
    ctx.lock.set(LockState::Locked);
}

/// Deletes every Strada record on the device and forgets everything in memory.
pub async fn wipe(ctx: Ctx) {
    crypto::lock();
    clear_memory(ctx);
    if let Err(e) = store::wipe().await {
        ctx.storage_error.set(Some(e.0));
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

thread_local! {
    /// Every document's summary while unlocked: the lists are rebuilt from these, and
    /// only the summaries of documents written since are read again.
    static SUMMARIES: RefCell<HashMap<DocId, Summary>> = RefCell::new(HashMap::new());
}

/// Ids of the documents not yet accepted by the server (from the summaries in memory),
/// persons first, then contacts, then referrals: a document is pushed after those it
/// refers to, whichever push request each lands in.
fn pending_ids() -> Vec<DocId> {
    let mut pending: Vec<(u8, DocId)> = SUMMARIES.with(|m| {
        m.borrow()
            .values()
            .filter(|s| s.status() != RowStatus::Synced)
            .map(|s| {
                let order = match s {
                    Summary::Person(_) => 0,
                    Summary::Contact(_) => 1,
                    Summary::Referral(..) => 2,
                };
                (order, s.id())
            })
            .collect()
    });
    pending.sort();
    pending.into_iter().map(|(_, id)| id).collect()
}

/// Reads every summary on the device (at unlock), then shows the lists.
pub async fn load_records(ctx: Ctx) {
    if !crypto::is_unlocked() {
        return;
    }
    let actor = match store::actor().await {
        Ok(a) => a,
        Err(e) if e.is_locked() => return,
        Err(e) => return ctx.storage_error.set(Some(e.0)),
    };
    // Changes published before this full read are in it.
    let _ = store::take_changes();
    match store::load_summaries(&actor).await {
        Ok(all) => {
            // Indexed a time slice at a time (ten thousand inserts are a long task on a
            // slow phone).
            let mut map = HashMap::with_capacity(all.len());
            let mut slicer = Slicer::new();
            let mut rest = all.into_iter();
            loop {
                slicer.pause().await;
                let before = map.len();
                map.extend(rest.by_ref().take(BUILD_CHUNK).map(|s| (s.id(), s)));
                if map.len() == before {
                    break;
                }
            }
            SUMMARIES.with(|m| *m.borrow_mut() = map);
            publish_records(ctx).await;
        }
        Err(e) if e.is_locked() => {}
        Err(e) => ctx.storage_error.set(Some(e.0)),
    }
}

/// Applies the summary changes committed since the last call to the lists.
pub async fn refresh_rows(ctx: Ctx) {
    let changes = store::take_changes();
    if changes.is_empty() || !crypto::is_unlocked() {
        return;
    }
    SUMMARIES.with(|m| {
        let mut m = m.borrow_mut();
        for (id, s) in changes {
            match s {
                Some(s) => m.insert(id, s),
                None => m.remove(&id),
            };
        }
    });
    publish_records(ctx).await;
}

/// Work done in one browser task before the page gets the main thread back: a fifth of
/// the 50 ms long-task limit, so a phone four times slower than a laptop stays under it.
pub const TASK_BUDGET_MS: f64 = 10.0;

/// Measures a stretch of work against [`TASK_BUDGET_MS`] and yields to the browser (a
/// new task, not a microtask) when it is spent.
pub struct Slicer(f64);

impl Default for Slicer {
    fn default() -> Self {
        Self::new()
    }
}

impl Slicer {
    pub fn new() -> Self {
        Slicer(js_sys::Date::now())
    }

    /// Whether the budget of this task is spent.
    pub fn due(&self) -> bool {
        js_sys::Date::now() - self.0 >= TASK_BUDGET_MS
    }

    /// Yields if the budget is spent; returns whether it did.
    pub async fn pause(&mut self) -> bool {
        if !self.due() {
            return false;
        }
        gloo_timers::future::TimeoutFuture::new(0).await;
        self.0 = js_sys::Date::now();
        true
    }
}

/// Summaries added to the lists between two looks at the clock.
const BUILD_CHUNK: usize = 100;

thread_local! {
    /// Bumped by every build of the lists: a build overtaken by a newer one (started
    /// by a later change while it waited for the browser) publishes nothing.
    static BUILD: Cell<u64> = const { Cell::new(0) };
}

/// Rebuilds the lists from the summaries in memory and shows them. With thousands of
/// documents the work is spread over browser tasks of [`TASK_BUDGET_MS`] each, so the
/// page stays responsive; drawing happens in a task of its own.
async fn publish_records(ctx: Ctx) {
    let build = BUILD.with(|b| {
        b.set(b.get() + 1);
        b.get()
    });
    let stale = || BUILD.with(Cell::get) != build;
    let mut slicer = Slicer::new();
    let ids: Vec<DocId> = SUMMARIES.with(|m| m.borrow().keys().copied().collect());
    let mut builder = crate::records::RecordsBuilder::default();
    for chunk in ids.chunks(BUILD_CHUNK) {
        if slicer.pause().await && stale() {
            return;
        }
        SUMMARIES.with(|m| {
            let m = m.borrow();
            // A summary removed meanwhile is simply not listed.
            for s in chunk.iter().filter_map(|id| m.get(id)) {
                builder.add(s);
            }
        });
    }
    // Each sorting or joining step is a whole pass over a list: with many rows, each
    // starts a task of its own.
    let large = ids.len() > BUILD_CHUNK;
    let mut finisher = builder.finisher();
    loop {
        if large {
            gloo_timers::future::TimeoutFuture::new(0).await;
            if stale() {
                return;
            }
        }
        if finisher.step() {
            break;
        }
    }
    let records = finisher.records();
    // The page redraws in a task of its own.
    if large {
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
    if stale() || !crypto::is_unlocked() {
        return;
    }
    // Every document type counts.
    let pending = records.pending();
    ctx.records.set(records);
    if PENDING_WRITTEN.with(|p| p.replace(Some(pending))) != Some(pending) {
        let _ = store::kv_set_plain("pending_count", &pending.to_string()).await;
    }
}

/// Saves a new contact on the device, with the person it introduces and the referrals
/// it makes, in one transaction, and tries to sync them.
pub async fn save_contact(
    ctx: Ctx,
    contact: ContactDoc,
    person: Option<PersonDoc>,
    referrals: Vec<ReferralDoc>,
) -> Result<(), String> {
    let actor = store::actor().await.map_err(|e| e.0)?;
    let mut docs = Vec::new();
    if let Some(p) = &person {
        let doc = schema::create(actor.clone(), p).map_err(|e| e.to_string())?;
        docs.push(DeviceDoc::new(p.id, DocType::Person, doc));
    }
    let doc = schema::create(actor.clone(), &contact).map_err(|e| e.to_string())?;
    docs.push(DeviceDoc::new(contact.id, DocType::Contact, doc));
    for r in &referrals {
        let doc = schema::create(actor.clone(), r).map_err(|e| e.to_string())?;
        docs.push(DeviceDoc::new(r.id, DocType::Referral, doc));
    }
    store::put_docs(&mut docs).await.map_err(|e| e.0)?;
    refresh_rows(ctx).await;
    leptos::task::spawn_local(sync(ctx));
    Ok(())
}

/// Reads a typed document from the device.
pub async fn read_doc<T: schema::Document>(id: DocId) -> Result<T, String> {
    let actor = store::actor().await.map_err(|e| e.0)?;
    let d = store::get_doc(&actor, id)
        .await
        .map_err(|e| e.0)?
        .ok_or_else(|| "not on this device".to_string())?;
    schema::read(&d.doc).map_err(|e| e.to_string())
}

/// Writes an edited document as the smallest set of changes, then syncs.
pub async fn save_edit<T: schema::Document>(ctx: Ctx, value: T) -> Result<(), String> {
    let actor = store::actor().await.map_err(|e| e.0)?;
    let mut d = store::get_doc(&actor, value.id())
        .await
        .map_err(|e| e.0)?
        .ok_or_else(|| "not on this device".to_string())?;
    schema::update(&mut d.doc, &value).map_err(|e| e.to_string())?;
    // A new edit is a new attempt: the worker has seen the refusal and acted on it.
    d.refused = None;
    store::put_doc(&mut d).await.map_err(|e| e.0)?;
    refresh_rows(ctx).await;
    leptos::task::spawn_local(sync(ctx));
    Ok(())
}

/// The person withdrew consent: the person keeps no identifying data, every contact on
/// the device that names the person loses the alias, and the person's names leave the
/// notes of those contacts and the outcomes of their referrals — all in one
/// transaction, then synced. (Contacts of the same person stay linked to it, now
/// anonymous.) The server does the same for every contact and referral it holds.
pub async fn withdraw_consent(
    ctx: Ctx,
    person: DocId,
    by: strada_shared::ids::UserId,
) -> Result<(), String> {
    let actor = store::actor().await.map_err(|e| e.0)?;
    let at = crate::util::now_ms();
    // The names to erase (every alias, and the alias each contact names the person by),
    // and the documents to erase them from.
    let (ids, names) = SUMMARIES.with(|m| {
        let m = m.borrow();
        let mut names: Vec<String> = Vec::new();
        let mut contacts = Vec::new();
        for s in m.values() {
            match s {
                Summary::Person(p) if p.id == person => names.extend(p.aliases.iter().cloned()),
                Summary::Contact(c) if c.person_id == Some(person) => {
                    names.extend(c.alias.iter().cloned());
                    contacts.push(c.id);
                }
                _ => {}
            }
        }
        let referrals = m.values().filter_map(|s| match s {
            Summary::Referral(r, _)
                if r.person_id == Some(person) || contacts.contains(&r.contact) =>
            {
                Some(r.id)
            }
            _ => None,
        });
        let ids: Vec<DocId> = std::iter::once(person)
            .chain(contacts.iter().copied())
            .chain(referrals)
            .collect();
        (ids, names)
    });
    let mut failed = None;
    store::update_docs(&actor, &ids, |d| {
        let res = match d.doc_type {
            DocType::Person => schema::read::<PersonDoc>(&d.doc).and_then(|mut p| {
                p.withdraw_consent(at, by);
                schema::update(&mut d.doc, &p)
            }),
            DocType::Contact => schema::read::<ContactDoc>(&d.doc).and_then(|mut c| {
                c.erase_person(&names);
                schema::update(&mut d.doc, &c)
            }),
            DocType::Referral => schema::read::<ReferralDoc>(&d.doc).and_then(|mut r| {
                r.erase_person(&names);
                schema::update(&mut d.doc, &r)
            }),
        };
        match res {
            // A new edit is a new attempt (as in `save_edit`).
            Ok(()) => d.refused = None,
            Err(e) => failed = Some(e.to_string()),
        }
    })
    .await
    .map_err(|e| e.0)?;
    refresh_rows(ctx).await;
    leptos::task::spawn_local(sync(ctx));
    failed.map_or(Ok(()), Err)
}

thread_local! {
    static SYNCING: Cell<bool> = const { Cell::new(false) };
    /// The pending count last written to the device.
    static PENDING_WRITTEN: Cell<Option<usize>> = const { Cell::new(None) };
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
        Err(SyncError::Store(e)) => ctx.storage_error.set(Some(e.0)),
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
}

impl strada_shared::sync::run::Driver for AppDriver<'_> {
    type Error = SyncError;

    async fn pending(&mut self) -> Result<Vec<DocId>, SyncError> {
        Ok(pending_ids())
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
        if !page.docs.is_empty() {
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
    };
    run::run(&mut driver).await.map(drop)
}

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
        ctx.storage_error.set(Some(e.0));
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
    let res = match api::login(&username, &password, &actor.to_hex_string()).await {
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
    ctx.revoked.set(false);
    // A new device has nothing yet: its lists say "loading" until the first sync ends.
    if !reauth {
        ctx.first_sync.set(true);
    }
    ctx.session_expired.set(false);
    ctx.online.set(true);
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
            Err(e) => ctx.storage_error.set(Some(e.0)),
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

/// A person chose to discard a refused change.
pub async fn discard(ctx: Ctx, id: DocId) {
    match store::actor().await {
        Ok(actor) => {
            if let Err(e) = store::discard(&actor, id).await {
                ctx.storage_error.set(Some(e.0));
            }
        }
        Err(e) => ctx.storage_error.set(Some(e.0)),
    }
    refresh_rows(ctx).await;
}
