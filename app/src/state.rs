//! The app's shared state (signals provided as context) and the sync loop that drives
//! the sans-IO device core in `strada_shared::sync::device` with IndexedDB and fetch.

use std::cell::Cell;

use automerge::ActorId;
use leptos::prelude::*;
use strada_shared::api::LoginResponse;
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc, DocType, PersonDoc, ReferralDoc};
use strada_shared::sync::device::DeviceDoc;
use strada_shared::sync::{PushRequest, SnapshotsRequest};

use crate::api::{self, ApiError};
use crate::i18n::Lang;
use crate::store;

pub use crate::records::{Records, RowStatus};

/// The signed-in session, as stored on the device.
pub type Session = LoginResponse;

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

/// Reads the settings and the session from the device.
pub async fn restore(ctx: Ctx) {
    if let Ok(Some(l)) = store::kv_get("lang").await {
        ctx.lang.set(Lang::parse(&l));
    }
    match store::kv_get("session").await {
        Ok(Some(json)) => ctx.session.set(serde_json::from_str(&json).ok()),
        Ok(None) => {}
        Err(e) => ctx.storage_error.set(Some(e.0)),
    }
    if let Ok(Some(ms)) = store::kv_get("last_sync").await {
        ctx.last_sync.set(ms.parse().ok());
    }
    if let Ok(Some(days)) = store::kv_get("waiting_days").await
        && let Ok(days) = days.parse::<i64>()
    {
        ctx.waiting_days.set(days.clamp(1, 365));
    }
    refresh_rows(ctx).await;
}

/// Rebuilds the lists from the documents on the device.
pub async fn refresh_rows(ctx: Ctx) {
    let actor = match store::actor().await {
        Ok(a) => a,
        Err(e) => return ctx.storage_error.set(Some(e.0)),
    };
    match store::load_docs(&actor).await {
        Ok(mut docs) => ctx.records.set(Records::build(&mut docs)),
        Err(e) => ctx.storage_error.set(Some(e.0)),
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
    let result = sync_inner(&session.token).await;
    SYNCING.with(|s| s.set(false));
    ctx.syncing.set(false);
    match result {
        Ok(()) => {
            ctx.online.set(true);
            let now = crate::util::now_ms();
            ctx.last_sync.set(Some(now));
            let _ = store::kv_set("last_sync", &now.to_string()).await;
            leptos::task::spawn_local(crate::live::connect(ctx));
        }
        Err(SyncError::Api(ApiError::Network)) => ctx.online.set(false),
        Err(SyncError::Api(ApiError::Unauthorized { .. })) => {
            ctx.online.set(true);
            ctx.session_expired.set(true);
        }
        Err(SyncError::Api(ApiError::Server { .. })) => ctx.online.set(true),
        Err(SyncError::Store(e)) => ctx.storage_error.set(Some(e)),
    }
    refresh_rows(ctx).await;
}

enum SyncError {
    Api(ApiError),
    Store(String),
}

impl From<ApiError> for SyncError {
    fn from(e: ApiError) -> Self {
        SyncError::Api(e)
    }
}

impl From<store::StoreError> for SyncError {
    fn from(e: store::StoreError) -> Self {
        SyncError::Store(e.0)
    }
}

async fn sync_inner(token: &str) -> Result<(), SyncError> {
    let actor: ActorId = store::actor().await?;
    // Push: every pending document in one request.
    let mut docs = store::load_docs(&actor).await?;
    let mut entries = Vec::new();
    let mut sent = Vec::new();
    for d in docs
        .iter_mut()
        .filter_map(|d| if d.is_pending() { Some(d) } else { None })
    {
        let (e, s) = d.push_entry();
        entries.push(e);
        sent.push(s);
    }
    if !entries.is_empty() {
        let res = api::push(token, &PushRequest { docs: entries }).await?;
        let ids: Vec<DocId> = sent.iter().map(|s| s.id).collect();
        store::update_docs(&actor, &ids, |d| {
            let answer = res.results.iter().find(|r| r.id == d.id);
            if let (Some(s), Some(r)) = (sent.iter().find(|s| s.id == d.id), answer) {
                d.on_push_outcome(s, &r.outcome);
            }
        })
        .await?;
    }
    // Pull: pages until the feed is exhausted; each page and its cursor in one transaction.
    let mut cursor: u64 = store::kv_get("cursor")
        .await?
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    loop {
        let page = api::pull(token, cursor).await?;
        store::apply_pulled(&actor, &page.docs, Some(page.cursor)).await?;
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    // Repair: documents whose pulled changes did not apply get a snapshot.
    let repair = store::repair_list().await?;
    if !repair.is_empty() {
        let res = api::snapshots(token, &SnapshotsRequest { ids: repair }).await?;
        store::apply_pulled(&actor, &res.docs, None).await?;
    }
    Ok(())
}

/// Signs in online and stores the session on the device.
pub async fn sign_in(ctx: Ctx, username: String, password: String) -> Result<(), ApiError> {
    let actor = store::actor_for(username.trim().to_lowercase().as_str())
        .await
        .map_err(|e| {
            ctx.storage_error.set(Some(e.0));
            ApiError::Network
        })?;
    let res = api::login(&username, &password, &actor.to_hex_string()).await?;
    let json = serde_json::to_string(&res).unwrap_or_default();
    if let Err(e) = store::kv_set("session", &json).await {
        ctx.storage_error.set(Some(e.0));
    }
    ctx.session_expired.set(false);
    ctx.online.set(true);
    ctx.session.set(Some(res));
    leptos::task::spawn_local(sync(ctx));
    leptos::task::spawn_local(crate::live::connect(ctx));
    Ok(())
}

pub async fn sign_out(ctx: Ctx) {
    if let Some(s) = ctx.session.get_untracked() {
        api::logout(&s.token).await;
    }
    crate::live::disconnect();
    let _ = store::kv_delete("session").await;
    ctx.session.set(None);
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
