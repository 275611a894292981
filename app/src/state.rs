//! The app's shared state (signals provided as context) and the sync loop that drives
//! the sans-IO device core in `strada_shared::sync::device` with IndexedDB and fetch.

use std::cell::Cell;

use automerge::ActorId;
use leptos::prelude::*;
use strada_shared::api::LoginResponse;
use strada_shared::domain::{NeedCategory, PersonRef};
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc};
use strada_shared::sync::{PushRequest, RefusalCode, SnapshotsRequest};

use crate::api::{self, ApiError};
use crate::i18n::Lang;
use crate::store;

/// A contact as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactRow {
    pub id: DocId,
    pub alias: Option<String>,
    pub occurred_at: i64,
    pub needs: Vec<NeedCategory>,
    pub status: RowStatus,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RowStatus {
    Pending,
    Synced,
    /// The server's refusal: translated from its code.
    Refused(RefusalCode),
}

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
    pub rows: RwSignal<Vec<ContactRow>>,
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
            rows: RwSignal::new(Vec::new()),
            storage_error: RwSignal::new(None),
            update_ready: RwSignal::new(false),
        }
    }

    pub fn pending(&self) -> usize {
        self.rows
            .with(|r| r.iter().filter(|r| r.status != RowStatus::Synced).count())
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
    refresh_rows(ctx).await;
}

/// Rebuilds the list from the documents on the device.
pub async fn refresh_rows(ctx: Ctx) {
    let actor = match store::actor().await {
        Ok(a) => a,
        Err(e) => return ctx.storage_error.set(Some(e.0)),
    };
    match store::load_docs(&actor).await {
        Ok(mut docs) => {
            let mut rows: Vec<ContactRow> = docs
                .iter_mut()
                .filter_map(|d| {
                    let c: ContactDoc = schema::read(&d.doc).ok()?;
                    let pending = d.is_pending();
                    let status = match (&d.refused, pending) {
                        (_, false) => RowStatus::Synced,
                        (Some(r), true) => RowStatus::Refused(r.code),
                        (None, true) => RowStatus::Pending,
                    };
                    let alias = match c.person {
                        PersonRef::Alias(a) => Some(a),
                        PersonRef::Anonymous => None,
                    };
                    Some(ContactRow {
                        id: c.id,
                        alias,
                        occurred_at: c.occurred_at,
                        needs: c.needs,
                        status,
                    })
                })
                .collect();
            rows.sort_by(|a, b| b.occurred_at.cmp(&a.occurred_at).then(b.id.cmp(&a.id)));
            ctx.rows.set(rows);
        }
        Err(e) => ctx.storage_error.set(Some(e.0)),
    }
}

/// Saves a new contact on the device and tries to sync it.
pub async fn save_contact(ctx: Ctx, contact: ContactDoc) -> Result<(), String> {
    let actor = store::actor().await.map_err(|e| e.0)?;
    let doc = schema::create(actor, &contact).map_err(|e| e.to_string())?;
    let mut d =
        strada_shared::sync::device::DeviceDoc::new(contact.id, schema::DocType::Contact, doc);
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
