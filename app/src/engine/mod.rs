//! The document engine: everything that needs automerge (creating, editing, reading and
//! merging documents, the sync loop) behind one small message protocol, so that the field
//! bundle does not carry automerge (see ARCHITECTURE.md, "Two bundles and an engine").
//!
//! The pages and [`crate::state`] ask with a [`Call`] and get a [`Reply`]; the engine
//! tells of a long sync's progress with [`Event`]s. Both ways go as JSON text, in every
//! bundle, so the one path is the one tested:
//! - the central bundle (and the engine bundle itself) serve a call in the same module
//!   ([`use_local`], from [`serve`]);
//! - the field bundle sends it to the engine bundle (`strada-engine`, a separate WASM
//!   module on the same page), which the loader imports the first time a call is made,
//!   or earlier through [`preload`] (the password field of the sign-in and unlock pages).
//!   The data key goes with each call and the engine keeps its own copy until
//!   [`release`] (lock, wipe): the engine's memory is a separate WASM memory.
//!
//! The engine writes documents and their summaries in IndexedDB itself (same database,
//! its own connection); the summary changes each call committed come back with its reply
//! and are published for the lists here.

mod serve;

pub use serve::{serve, set_listener};

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;

use serde::{Deserialize, Serialize};
use strada_shared::ids::{DocId, UserId};
use strada_shared::schema::{
    self, CaseDoc, ContactDoc, DocType, JobOfferDoc, PersonDoc, PuaRulesDoc, ReferralDoc,
};
use strada_shared::sync::PulledDoc;

use crate::api::ApiError;
use crate::state::{Ctx, EditError};
use crate::store::{self, Change, StoreError};

/// A document as plain data, of any type the app edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AnyDoc {
    Contact(ContactDoc),
    Person(PersonDoc),
    Referral(ReferralDoc),
    Case(CaseDoc),
    JobOffer(JobOfferDoc),
    PuaRules(PuaRulesDoc),
}

/// A document type that travels as [`AnyDoc`].
pub trait Typed: schema::Document + Clone {
    fn into_any(self) -> AnyDoc;
    fn from_any(any: AnyDoc) -> Option<Self>;
}

macro_rules! typed {
    ($($t:ty => $v:ident),+ $(,)?) => {$(
        impl Typed for $t {
            fn into_any(self) -> AnyDoc {
                AnyDoc::$v(self)
            }
            fn from_any(any: AnyDoc) -> Option<Self> {
                match any {
                    AnyDoc::$v(d) => Some(d),
                    _ => None,
                }
            }
        }
    )+};
}

typed!(
    ContactDoc => Contact,
    PersonDoc => Person,
    ReferralDoc => Referral,
    CaseDoc => Case,
    JobOfferDoc => JobOffer,
    PuaRulesDoc => PuaRules,
);

impl AnyDoc {
    pub fn id(&self) -> DocId {
        use schema::Document;
        match self {
            AnyDoc::Contact(d) => d.id(),
            AnyDoc::Person(d) => d.id(),
            AnyDoc::Referral(d) => d.id(),
            AnyDoc::Case(d) => d.id(),
            AnyDoc::JobOffer(d) => d.id(),
            AnyDoc::PuaRules(d) => d.id(),
        }
    }

    pub fn doc_type(&self) -> DocType {
        match self {
            AnyDoc::Contact(_) => DocType::Contact,
            AnyDoc::Person(_) => DocType::Person,
            AnyDoc::Referral(_) => DocType::Referral,
            AnyDoc::Case(_) => DocType::Case,
            AnyDoc::JobOffer(_) => DocType::JobOffer,
            AnyDoc::PuaRules(_) => DocType::PuaRules,
        }
    }
}

/// What the app asks of the engine.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Call {
    /// New documents, written in one transaction (a contact with its new person and
    /// referrals: whole or not at all).
    SaveNew(Vec<AnyDoc>),
    /// An edited document, written as the smallest set of changes (fields only the
    /// server writes are taken from the stored document).
    SaveEdit(Box<AnyDoc>),
    /// A person withdrew consent: `ids` are the person and the documents naming them,
    /// `names` what to erase from those.
    WithdrawConsent {
        ids: Vec<DocId>,
        names: Vec<String>,
        at: i64,
        by: UserId,
    },
    /// The listed documents as the device holds them.
    Read(Vec<DocId>),
    /// Documents the server sent (snapshots), merged into the device's.
    Merge(Vec<PulledDoc>),
    /// A person chose to discard a refused change.
    Discard(DocId),
    /// Start the feed again from its start, and once a pull from there is whole forget
    /// the synced documents it did not bring (a central office device changing what it
    /// keeps offline); the generation names this choice.
    ResyncFromStart(String),
    /// Rewrites missing summaries from the documents.
    RebuildIndex,
    /// One sync: push `pending` (in this order), then pull.
    Sync { token: String, pending: Vec<DocId> },
    /// Drop the data key and close the database (lock, wipe).
    Release,
}

/// A document as read by [`Call::Read`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReadDoc {
    pub id: DocId,
    /// The document, or why it does not read as its type.
    pub doc: Result<AnyDoc, String>,
    /// Whether the server holds it too (it acknowledged changes of it).
    pub on_server: bool,
}

/// Why a sync stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SyncError {
    Api(ApiError),
    Store(StoreError),
}

/// The engine's answer to a [`Call`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Answer {
    Done,
    Edit(Result<(), EditError>),
    Read(Result<Vec<ReadDoc>, StoreError>),
    Store(Result<(), StoreError>),
    Sync(Result<(), SyncError>),
}

/// An answer with the summary changes its call committed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Reply {
    pub answer: Answer,
    pub changes: Vec<Change>,
}

/// What the engine tells while a sync runs.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Event {
    /// A pulled page was written: the summaries it changed, the feed positions done and
    /// in all, and whether the lists should be rebuilt now (at most once a second).
    Page {
        changes: Vec<Change>,
        done: u64,
        total: u64,
        show: bool,
    },
    /// The feed moved: views that read the server's records read them again.
    Pulled,
}

/// The page's listener as handed to the engine bundle.
type JsListener = wasm_bindgen::closure::Closure<dyn Fn(String)>;

type Served = Pin<Box<dyn Future<Output = String>>>;

/// The engine in this module, when this bundle carries it.
static LOCAL: std::sync::OnceLock<fn(String) -> Served> = std::sync::OnceLock::new();

/// This bundle carries the engine: calls are served here.
pub fn use_local() {
    let _ = LOCAL.set(|req| Box::pin(serve(req)));
    set_listener(Box::new(on_event));
}

thread_local! {
    /// The page's state, for the engine's events.
    static CTX: Cell<Option<Ctx>> = const { Cell::new(None) };
    /// The listener handed to the engine bundle (kept for the page's life).
    static REMOTE_LISTENER: RefCell<Option<JsListener>> = const { RefCell::new(None) };
}

/// Where the engine's events go (set once the page's state exists).
pub fn listen(ctx: Ctx) {
    CTX.with(|c| c.set(Some(ctx)));
}

fn on_event(json: String) {
    let Some(ctx) = CTX.with(Cell::get) else {
        return;
    };
    let Ok(event) = serde_json::from_str::<Event>(&json) else {
        return;
    };
    crate::state::on_engine_event(ctx, event);
}

/// Asks the engine; the summary changes the call committed are published for the lists.
pub async fn call(call: Call) -> Result<Answer, StoreError> {
    let req = serde_json::to_string(&call).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let json = match LOCAL.get() {
        Some(serve) => serve(req).await,
        None => remote(req).await?,
    };
    let reply: Reply =
        serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    store::publish(reply.changes);
    Ok(reply.answer)
}

/// Starts loading the engine bundle, if this bundle does not carry it (on the password
/// field: it is there by the time the password is typed).
pub fn preload() {
    if LOCAL.get().is_none() && !PRELOADING.with(|p| p.replace(true)) {
        leptos::task::spawn_local(async {
            let _ = engine_module().await;
        });
    }
}

/// Drops the engine's copy of the data key and its database connection (before a lock
/// or a wipe). Nothing to do when the engine was never loaded.
pub async fn release() {
    if LOCAL.get().is_none() && !LOADED.with(Cell::get) {
        return;
    }
    let _ = call(Call::Release).await;
}

thread_local! {
    /// The engine bundle answered (a release must reach it).
    static LOADED: Cell<bool> = const { Cell::new(false) };
    /// [`preload`] ran.
    static PRELOADING: Cell<bool> = const { Cell::new(false) };
}

fn unavailable() -> StoreError {
    StoreError::Db("the document engine did not load".into())
}

/// The engine bundle's module, loaded (once) by the page's loader (`stradaEngine` in
/// `Trunk.toml`), with this page's listener for its events.
async fn engine_module() -> Result<wasm_bindgen::JsValue, StoreError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let window = web_sys::window().ok_or_else(unavailable)?;
    let load: js_sys::Function = js_sys::Reflect::get(&window, &"stradaEngine".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(unavailable)?;
    let listener = REMOTE_LISTENER.with(|l| {
        l.borrow_mut()
            .get_or_insert_with(|| Closure::<dyn Fn(String)>::new(on_event))
            .as_ref()
            .clone()
    });
    let promise: js_sys::Promise = load
        .call1(&window, &listener)
        .ok()
        .and_then(|p| p.dyn_into().ok())
        .ok_or_else(unavailable)?;
    let module = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| unavailable())?;
    LOADED.with(|l| l.set(true));
    Ok(module)
}

/// Sends a call to the engine bundle, with a copy of the data key that is zeroed as soon
/// as the engine took its own.
async fn remote(req: String) -> Result<String, StoreError> {
    use wasm_bindgen::JsCast;
    let module = engine_module().await?;
    let call: js_sys::Function = js_sys::Reflect::get(&module, &"engine_call".into())
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(unavailable)?;
    let key = crate::crypto::key()
        .ok()
        .map(|k| js_sys::Uint8Array::from(&k.bytes()[..]));
    let key_arg = key
        .as_ref()
        .map_or(wasm_bindgen::JsValue::UNDEFINED, |k| k.into());
    let promise = call.call2(&module, &key_arg, &req.into());
    // The engine copies the key before its first await, that is within `call2`.
    if let Some(k) = &key {
        k.fill(0, 0, k.length());
    }
    let promise: js_sys::Promise = promise
        .ok()
        .and_then(|p| p.dyn_into().ok())
        .ok_or_else(unavailable)?;
    let answer = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|_| unavailable())?;
    answer.as_string().ok_or_else(unavailable)
}

/// Serves one call sent from another module (the engine bundle's export): takes the data
/// key it came with.
pub async fn serve_remote(key: Option<Vec<u8>>, req: String) -> String {
    if let Some(mut k) = key {
        if let Ok(bytes) = <[u8; 32]>::try_from(k.as_slice()) {
            crate::crypto::install(crate::crypto::DataKey::from_bytes(bytes));
        }
        zeroize::Zeroize::zeroize(&mut k);
    }
    serve(req).await
}

impl From<EditError> for Answer {
    fn from(e: EditError) -> Self {
        Answer::Edit(Err(e))
    }
}

/// An answer of an unexpected kind (a defect: engine and page from different builds).
pub fn mismatch() -> StoreError {
    StoreError::Corrupt("the document engine answered another call".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use strada_shared::domain::{NeedCategory, PersonRef};
    use strada_shared::ids::TeamId;
    use strada_shared::schema::pua_rules::{RulesVersion, rules_id};
    use strada_shared::vocab::Sector;

    fn docs() -> Vec<AnyDoc> {
        let team = TeamId::parse("bergamo-1").unwrap();
        let me = UserId::new_v7(1_700_000_000_000, [1; 10]);
        let at = 1_760_000_000_000;
        let mut contact = ContactDoc::new(
            DocId::new_v7(at as u64, [2; 10]),
            at,
            PersonRef::Alias("Kwame \u{201c}K\u{201d} 😀".into()),
            vec![NeedCategory::Food, NeedCategory::Shelter],
            me,
            team.clone(),
        );
        contact.note = "Nota sintetica\nsu due righe".into();
        let case = CaseDoc::new(
            DocId::new_v7(at as u64, [3; 10]),
            contact.id,
            team.clone(),
            me,
            at,
            "2026-01-02".into(),
        );
        let offer = JobOfferDoc {
            id: DocId::new_v7(at as u64, [4; 10]),
            employer: "Azienda sintetica".into(),
            sector: Sector::Agriculture,
            area: String::new(),
            place: None,
            positions: 3,
            languages: vec!["ar".into(), "pa".into()],
            from: Some("2026-06-01".into()),
            to: None,
            note: String::new(),
            author: me,
            team: team.clone(),
            created_at: at,
        };
        let rules = PuaRulesDoc {
            id: rules_id(),
            author: me,
            team,
            created_at: at,
            versions: vec![RulesVersion::initial(me, at)],
        };
        vec![
            AnyDoc::Contact(contact),
            AnyDoc::Case(case),
            AnyDoc::JobOffer(offer),
            AnyDoc::PuaRules(rules),
        ]
    }

    #[test]
    fn documents_cross_to_the_engine_and_back_unchanged() {
        for doc in docs() {
            // The page's call, as the engine reads it...
            let call = serde_json::to_string(&Call::SaveNew(vec![doc.clone()])).unwrap();
            let Call::SaveNew(got) = serde_json::from_str(&call).unwrap() else {
                panic!("another call");
            };
            assert_eq!(got, vec![doc.clone()]);
            // ...written as automerge and read back as the engine answers a read.
            let d = serve::create_for_test(&got[0]);
            let read = ReadDoc {
                id: doc.id(),
                doc: serve::read_for_test(&d),
                on_server: false,
            };
            let answer = serde_json::to_string(&Reply {
                answer: Answer::Read(Ok(vec![read])),
                changes: vec![],
            })
            .unwrap();
            let Answer::Read(Ok(back)) = serde_json::from_str::<Reply>(&answer).unwrap().answer
            else {
                panic!("another answer");
            };
            assert_eq!(back[0].doc.as_ref().unwrap(), &doc, "{:?}", doc.doc_type());
        }
    }

    #[test]
    fn a_document_read_as_another_type_is_refused_not_mistaken() {
        let contact = docs().remove(0);
        assert!(CaseDoc::from_any(contact.clone()).is_none());
        assert!(ContactDoc::from_any(contact).is_some());
    }

    #[test]
    fn errors_cross_with_their_kind() {
        for e in [
            SyncError::Api(ApiError::Network),
            SyncError::Api(ApiError::Unauthorized {
                code: "device_revoked".into(),
            }),
            SyncError::Store(StoreError::Locked),
            SyncError::Store(StoreError::Crypto(crate::crypto::CryptoError::NoRandomness)),
        ] {
            let json = serde_json::to_string(&Answer::Sync(Err(e.clone()))).unwrap();
            let Answer::Sync(Err(back)) = serde_json::from_str(&json).unwrap() else {
                panic!("another answer");
            };
            assert_eq!(back, e);
        }
    }
}
