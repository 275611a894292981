//! The device store: automerge documents, summaries and settings in IndexedDB, encrypted.
//!
//! Object stores (database `strada`, version 2):
//! - `docs`: key = document id; value = `{sealed: Uint8Array}` — a [`DocRecord`] (type,
//!   whole automerge document, the heads the server has, a refusal) in postcard, sealed.
//! - `index`: key = document id; value = `{sealed: Uint8Array}` — the document's
//!   [`Summary`] in JSON, sealed, written in the same transaction as the document: lists,
//!   counts and search read summaries, never the documents (which open one at a time).
//! - `kv`: key = setting name; value = `{sealed: Uint8Array}` (a string, sealed) for
//!   everything personal (`session`, `actor`, `actor_owner`, `cursor`, `repair`,
//!   `last_sync`...), or a plain string for the few keys that must be readable while
//!   locked and are not personal: [`PLAIN_KEYS`].
//!
//! Every sealed value carries as associated data where it lives (`docs/<id>`, `kv/<key>`,
//! `index/<id>`), so a value moved elsewhere does not open. Version 1 stored everything in
//! plain: opening it drops its stores (pre-release data, see ARCHITECTURE.md).
//!
//! Every change that must stay consistent (a pulled page and the cursor; a push answer
//! and the document it concerns; a document and its summary) is written in one IndexedDB
//! transaction. Committed summary changes are published for the lists in memory
//! ([`take_changes`]). Nothing but
//! IndexedDB work is awaited inside a transaction, or the browser would commit it early:
//! that is why encryption is synchronous (see [`crate::crypto`]). Each operation takes
//! one copy of the data key at its start, so a lock during a transaction cannot break it
//! half-way; a failed operation aborts its transaction.

use std::cell::RefCell;
use std::rc::Rc;

use automerge::{ActorId, AutoCommit};
use idb::{
    Database, DatabaseEvent, Factory, KeyRange, ObjectStore, ObjectStoreParams, Query,
    TransactionMode,
};
use js_sys::{Object, Reflect, Uint8Array};
use serde::{Deserialize, Serialize};
use strada_shared::ids::DocId;
use strada_shared::schema::DocType;
use strada_shared::sync::RefusalCode;
use strada_shared::sync::device::{DeviceDoc, PullError, Refusal};
use strada_shared::sync::{PulledDoc, heads_from_strings, heads_to_strings};

use wasm_bindgen::{JsCast, JsValue};

use crate::crypto::{self, CryptoError, DataKey};
use crate::records::{Summary, summarize};

const DB_NAME: &str = "strada";
const DB_VERSION: u32 = 2;
const DOCS: &str = "docs";
const KV: &str = "kv";
const INDEX: &str = "index";

/// Settings kept in plain: readable while locked (to show the unlock page in the right
/// language, with the owner's name and the idle time), or useless without the password
/// (`keywrap`). `pending_count` lets "use another account" say how many changes would be
/// lost without unlocking. `signout_pending` is a sign-out made offline, kept after the
/// wipe: a key that ends that one session on the server and opens nothing. Nothing else
/// may be stored in plain.
pub const PLAIN_KEYS: &[&str] = &[
    "lang",
    "keywrap",
    "user",
    "idle_lock_s",
    "pending_count",
    "signout_pending",
];

/// Why the device's store failed. The text of each is for the console (it never holds
/// record contents); the worker reads a translated sentence chosen by kind.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum StoreError {
    /// The operation needed the data key and the device is locked.
    #[error("the device is locked")]
    Locked,
    /// IndexedDB failed: unavailable (private browsing, storage blocked), full, or a
    /// transaction aborted.
    #[error("the browser's storage failed: {0}")]
    Db(String),
    /// A stored value does not open or does not read as what it should be.
    #[error("a stored value is unreadable: {0}")]
    Corrupt(String),
    /// The browser's cryptography or random number generator failed.
    #[error("the browser's cryptography failed: {0}")]
    Crypto(CryptoError),
}

impl StoreError {
    /// The operation needed the data key and the device is locked.
    pub fn is_locked(&self) -> bool {
        *self == StoreError::Locked
    }
}

impl From<idb::Error> for StoreError {
    fn from(e: idb::Error) -> Self {
        StoreError::Db(e.to_string())
    }
}

impl From<CryptoError> for StoreError {
    fn from(e: CryptoError) -> Self {
        match e {
            CryptoError::Locked => StoreError::Locked,
            CryptoError::Undecryptable | CryptoError::BadFormat => {
                StoreError::Corrupt(e.to_string())
            }
            CryptoError::WrongPassword | CryptoError::Browser | CryptoError::NoRandomness => {
                StoreError::Crypto(e)
            }
        }
    }
}

thread_local! {
    static DB: RefCell<Option<Rc<Database>>> = const { RefCell::new(None) };
    /// This module is the engine bundle's (see [`crate::engine`]): the page's own module
    /// handles another tab's wipe.
    static ENGINE_MODULE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks this module as the engine bundle's: when the database is deleted (a wipe, here
/// or in another tab) it only lets go of its connection.
pub fn engine_module() {
    ENGINE_MODULE.with(|e| e.set(true));
}

/// Whether this module is the engine bundle's (see [`engine_module`]).
pub fn is_engine_module() -> bool {
    ENGINE_MODULE.with(std::cell::Cell::get)
}

/// Lets go of the database connection (the next operation opens it again).
pub fn close() {
    if let Some(db) = DB.with(|d| d.borrow_mut().take()) {
        db.close();
    }
}

/// Opens (once) the database, creating its stores on first use and dropping version 1's
/// plaintext stores.
pub async fn db() -> Result<Rc<Database>, StoreError> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let factory = Factory::new()?;
    let mut req = factory.open(DB_NAME, Some(DB_VERSION))?;
    req.on_upgrade_needed(|event| {
        let old = event.old_version().unwrap_or(0);
        let Ok(db) = event.database() else { return };
        if old < 2 {
            for name in db.store_names() {
                let _ = db.delete_object_store(&name);
            }
        }
        let names = db.store_names();
        for name in [DOCS, KV, INDEX] {
            if !names.iter().any(|n| n == name) {
                let _ = db.create_object_store(name, ObjectStoreParams::new());
            }
        }
    });
    let mut db = req.await?;
    // Another tab is wiping the device: let go of the database and start over.
    db.on_version_change(|_| {
        if is_engine_module() {
            close();
        } else if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    });
    let db = Rc::new(db);
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// Deletes the whole database (logout, another account, a revoked device).
pub async fn wipe() -> Result<(), StoreError> {
    close();
    Factory::new()?.delete(DB_NAME)?.await?;
    Ok(())
}

/// Wraps `plain` sealed for `aad` as an IndexedDB value.
fn sealed_value(key: &DataKey, aad: &str, plain: &[u8]) -> Result<JsValue, StoreError> {
    let sealed = key.seal(aad.as_bytes(), plain)?;
    let o = Object::new();
    let _ = Reflect::set(
        &o,
        &"sealed".into(),
        &Uint8Array::from(sealed.as_slice()).into(),
    );
    Ok(o.into())
}

/// Opens a value written by [`sealed_value`].
fn open_value(key: &DataKey, aad: &str, v: &JsValue) -> Result<Vec<u8>, StoreError> {
    let sealed = Reflect::get(v, &"sealed".into())
        .ok()
        .and_then(|s| s.dyn_into::<Uint8Array>().ok())
        .ok_or(CryptoError::BadFormat)?;
    Ok(key.open(aad.as_bytes(), &sealed.to_vec())?)
}

fn kv_aad(key: &str) -> String {
    format!("kv/{key}")
}

fn debug_assert_sealed_key(key: &str) {
    debug_assert!(
        !PLAIN_KEYS.contains(&key),
        "{key} is a plain key: use kv_get_plain/kv_set_plain"
    );
}

/// A sealed setting (needs the device unlocked).
pub async fn kv_get(key: &str) -> Result<Option<String>, StoreError> {
    debug_assert_sealed_key(key);
    let dk = crypto::key()?;
    let db = db().await?;
    let tx = db.transaction(&[KV], TransactionMode::ReadOnly)?;
    let store = tx.object_store(KV)?;
    kv_get_in(&store, &dk, key).await
}

async fn kv_get_in(
    store: &ObjectStore,
    dk: &DataKey,
    key: &str,
) -> Result<Option<String>, StoreError> {
    let Some(v) = store.get(JsValue::from_str(key))?.await? else {
        return Ok(None);
    };
    let plain = open_value(dk, &kv_aad(key), &v)?;
    String::from_utf8(plain)
        .map(Some)
        .map_err(|_| StoreError::Corrupt(format!("setting {key} is not text")))
}

async fn kv_put_in(
    store: &ObjectStore,
    dk: &DataKey,
    key: &str,
    value: &str,
) -> Result<(), StoreError> {
    let v = sealed_value(dk, &kv_aad(key), value.as_bytes())?;
    store.put(&v, Some(&JsValue::from_str(key)))?.await?;
    Ok(())
}

/// Stores a setting sealed (needs the device unlocked).
pub async fn kv_set(key: &str, value: &str) -> Result<(), StoreError> {
    debug_assert_sealed_key(key);
    let dk = crypto::key()?;
    let db = db().await?;
    let tx = db.transaction(&[KV], TransactionMode::ReadWrite)?;
    let res = kv_put_in(&tx.object_store(KV)?, &dk, key, value).await;
    finish(tx, res).await
}

/// A plain setting: only for [`PLAIN_KEYS`].
pub async fn kv_get_plain(key: &str) -> Result<Option<String>, StoreError> {
    debug_assert!(PLAIN_KEYS.contains(&key), "{key} must be sealed");
    let db = db().await?;
    let tx = db.transaction(&[KV], TransactionMode::ReadOnly)?;
    let v = tx.object_store(KV)?.get(JsValue::from_str(key))?.await?;
    Ok(v.and_then(|v| v.as_string()))
}

/// Stores a plain setting: only for [`PLAIN_KEYS`] (others are refused).
pub async fn kv_set_plain(key: &str, value: &str) -> Result<(), StoreError> {
    if !PLAIN_KEYS.contains(&key) {
        return Err(StoreError::Db(format!("{key} must be stored sealed")));
    }
    let db = db().await?;
    let tx = db.transaction(&[KV], TransactionMode::ReadWrite)?;
    tx.object_store(KV)?
        .put(&JsValue::from_str(value), Some(&JsValue::from_str(key)))?
        .await?;
    commit(tx).await
}

pub async fn kv_delete(key: &str) -> Result<(), StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[KV], TransactionMode::ReadWrite)?;
    tx.object_store(KV)?.delete(JsValue::from_str(key))?.await?;
    commit(tx).await
}

async fn commit(tx: idb::Transaction) -> Result<(), StoreError> {
    let res = tx.commit()?.await?;
    if res.is_committed() {
        Ok(())
    } else {
        Err(StoreError::Db("the transaction was aborted".into()))
    }
}

/// Commits on success; aborts on failure, so nothing of a failed operation is stored.
async fn finish<T>(tx: idb::Transaction, res: Result<T, StoreError>) -> Result<T, StoreError> {
    match res {
        Ok(v) => {
            commit(tx).await?;
            Ok(v)
        }
        Err(e) => {
            let _ = tx.abort();
            Err(e)
        }
    }
}

/// Stores the first secrets of a new device in one transaction: the wrapped data key, its
/// owner and the language (plain), the actor and the session (sealed).
pub async fn first_sign_in(
    wrap_json: &str,
    owner: &str,
    lang: &str,
    actor: &ActorId,
    session_json: &str,
) -> Result<(), StoreError> {
    let dk = crypto::key()?;
    let db = db().await?;
    let tx = db.transaction(&[KV], TransactionMode::ReadWrite)?;
    let res = async {
        let kv = tx.object_store(KV)?;
        for (k, v) in [("keywrap", wrap_json), ("user", owner), ("lang", lang)] {
            kv.put(&JsValue::from_str(v), Some(&JsValue::from_str(k)))?
                .await?;
        }
        kv_put_in(&kv, &dk, "actor", &actor.to_hex_string()).await?;
        kv_put_in(&kv, &dk, "actor_owner", owner).await?;
        kv_put_in(&kv, &dk, "session", session_json).await
    }
    .await;
    finish(tx, res).await
}

/// The device's automerge actor (created with the device's first sign-in).
pub async fn actor() -> Result<ActorId, StoreError> {
    if let Some(hex) = kv_get("actor").await?
        && let Ok(bytes) = hex::decode(&hex)
    {
        return Ok(ActorId::from(bytes));
    }
    let bytes = crate::util::random_bytes::<16>().map_err(CryptoError::from)?;
    kv_set("actor", &hex::encode(bytes)).await?;
    Ok(ActorId::from(bytes.to_vec()))
}

/// A document as sealed in `docs`. Do not modify: a change needs a new database version.
/// (The document's generation, added later, follows the record when it is not 0: see
/// `to_js` and `from_js`.)
#[derive(Serialize, Deserialize)]
struct DocRecord {
    doc_type: String,
    /// `AutoCommit::save()`.
    bytes: Vec<u8>,
    /// Heads the server has acknowledged (hex).
    acked: Vec<String>,
    /// A refusal: its stable code and the server's English detail.
    refused: Option<(RefusalCode, String)>,
}

fn doc_aad(id: DocId) -> String {
    format!("docs/{id}")
}

/// A document as the device stores it, before sealing (postcard: positional, so fields
/// added after the first version follow the record — the generation (when above 0, or
/// when anything follows it), then a refusal's heads — and older records simply end
/// sooner). The golden test in this module guards the bytes.
fn record_bytes(d: &mut DeviceDoc) -> Vec<u8> {
    let record = DocRecord {
        doc_type: d.doc_type.as_str().to_string(),
        bytes: d.doc.save(),
        acked: heads_to_strings(&d.acked),
        refused: d.refused.as_ref().map(|r| (r.code, r.reason.clone())),
    };
    let mut plain = strada_shared::sync::encode(&record);
    let refused_heads = d
        .refused
        .as_ref()
        .map(|r| heads_to_strings(&r.heads))
        .filter(|h| !h.is_empty());
    if d.generation > 0 || refused_heads.is_some() {
        plain.extend(strada_shared::sync::encode(&d.generation));
    }
    if let Some(h) = &refused_heads {
        plain.extend(strada_shared::sync::encode(h));
    }
    plain
}

/// Reads what [`record_bytes`] wrote (or an older version of it).
fn parse_record(id: DocId, plain: &[u8], actor: &ActorId) -> Result<DeviceDoc, StoreError> {
    let bad = |what: &str| StoreError::Corrupt(format!("stored document has an invalid {what}"));
    let (record, rest): (DocRecord, _) =
        strada_shared::sync::decode_prefix(plain).map_err(|_| bad("record"))?;
    let (generation, rest): (u32, &[u8]) = if rest.is_empty() {
        (0, rest)
    } else {
        strada_shared::sync::decode_prefix(rest).map_err(|_| bad("generation"))?
    };
    let refused_heads: Vec<String> = if rest.is_empty() {
        Vec::new()
    } else {
        strada_shared::sync::decode(rest).map_err(|_| bad("refusal"))?
    };
    let doc_type = DocType::parse(&record.doc_type).ok_or_else(|| bad("type"))?;
    let doc = AutoCommit::load(&record.bytes)
        .map_err(|_| bad("content"))?
        .with_actor(actor.clone());
    let acked = heads_from_strings(&record.acked).ok_or_else(|| bad("heads"))?;
    let refused = record
        .refused
        .map(|(code, reason)| -> Result<Refusal, StoreError> {
            Ok(Refusal {
                code,
                reason,
                heads: heads_from_strings(&refused_heads).ok_or_else(|| bad("refusal"))?,
            })
        })
        .transpose()?;
    Ok(DeviceDoc {
        id,
        doc_type,
        doc,
        acked,
        refused,
        generation,
    })
}

/// A document sealed for the `docs` store, with its summary and the summary sealed for
/// the `index` store.
type SealedRecord = (JsValue, Option<Summary>, Option<JsValue>);

fn sealed_record(dk: &DataKey, d: &mut DeviceDoc) -> Result<SealedRecord, StoreError> {
    let doc = to_js(dk, d)?;
    let summary = summarize(d);
    let sealed = match &summary {
        Some(s) => Some(sealed_value(
            dk,
            &index_aad(d.id),
            &serde_json::to_vec(s).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )?),
        None => None,
    };
    Ok((doc, summary, sealed))
}

fn to_js(dk: &DataKey, d: &mut DeviceDoc) -> Result<JsValue, StoreError> {
    let mut plain = record_bytes(d);
    let v = sealed_value(dk, &doc_aad(d.id), &plain);
    zeroize::Zeroize::zeroize(&mut plain);
    v
}

fn from_js(dk: &DataKey, id: DocId, v: &JsValue, actor: &ActorId) -> Result<DeviceDoc, StoreError> {
    let plain = zeroize::Zeroizing::new(open_value(dk, &doc_aad(id), v)?);
    parse_record(id, &plain, actor)
}

/// A document's summary change, applied to the lists in memory once its transaction
/// committed (`None`: the document is gone).
pub type Change = (DocId, Option<Summary>);

thread_local! {
    static CHANGES: RefCell<Vec<Change>> = const { RefCell::new(Vec::new()) };
}

/// The summary changes committed since the last call.
pub fn take_changes() -> Vec<Change> {
    CHANGES.with(|c| std::mem::take(&mut *c.borrow_mut()))
}

/// Publishes summary changes committed (here, or by the engine in its own module).
pub fn publish(changes: Vec<Change>) {
    CHANGES.with(|c| c.borrow_mut().extend(changes));
}

fn index_aad(id: DocId) -> String {
    format!("index/{id}")
}

/// Writes a document and its summary (same transaction, both stores in scope).
fn write_doc(
    docs: &ObjectStore,
    index: &ObjectStore,
    dk: &DataKey,
    d: &mut DeviceDoc,
) -> impl std::future::Future<Output = Result<Change, StoreError>> {
    let key = JsValue::from_str(&d.id.to_string());
    let prepared = sealed_record(dk, d);
    let id = d.id;
    async move {
        let (doc, summary, sealed) = prepared?;
        docs.put(&doc, Some(&key))?.await?;
        match sealed {
            Some(v) => {
                index.put(&v, Some(&key))?.await?;
            }
            None => index.delete(key)?.await?,
        }
        Ok((id, summary))
    }
}

fn id_of_key(k: &JsValue) -> Result<DocId, StoreError> {
    k.as_string()
        .and_then(|s| DocId::parse(&s).ok())
        .ok_or_else(|| StoreError::Corrupt("stored document has an invalid id".into()))
}

/// Writes a document (new or edited locally).
pub async fn put_doc(d: &mut DeviceDoc) -> Result<(), StoreError> {
    note_writes([d.id]);
    let dk = crypto::key()?;
    let db = db().await?;
    let tx = db.transaction(&[DOCS, INDEX], TransactionMode::ReadWrite)?;
    let res = async {
        let (docs, index) = (tx.object_store(DOCS)?, tx.object_store(INDEX)?);
        Ok(vec![write_doc(&docs, &index, &dk, d).await?])
    }
    .await;
    publish(finish(tx, res).await?);
    Ok(())
}

/// Applies `f` to the stored version of each listed document, in one transaction, so a
/// push answer never overwrites an edit saved while the request was in flight.
pub async fn update_docs(
    actor: &ActorId,
    ids: &[DocId],
    mut f: impl FnMut(&mut DeviceDoc),
) -> Result<(), StoreError> {
    note_writes(ids.iter().copied());
    let dk = crypto::key()?;
    let db = db().await?;
    let tx = db.transaction(&[DOCS, INDEX], TransactionMode::ReadWrite)?;
    let res = async {
        let (store, index) = (tx.object_store(DOCS)?, tx.object_store(INDEX)?);
        let mut changes = Vec::new();
        for id in ids {
            let key = JsValue::from_str(&id.to_string());
            if let Some(v) = store.get(key.clone())?.await? {
                let mut d = from_js(&dk, *id, &v, actor)?;
                f(&mut d);
                changes.push(write_doc(&store, &index, &dk, &mut d).await?);
            }
        }
        Ok(changes)
    }
    .await;
    publish(finish(tx, res).await?);
    Ok(())
}

/// A pulled document merged and sealed, ready to be written.
struct Merged {
    id: DocId,
    doc: JsValue,
    summary: Option<Summary>,
    sealed_summary: Option<JsValue>,
}

/// What a pulled document turned into on this device.
enum Outcome {
    Merged(Merged),
    /// Its changes need changes the device lacks: a snapshot will repair it.
    NeedsSnapshot(DocId),
}

/// Merges one pulled document into what the device holds of it (`existing`, sealed) and
/// seals the result and its summary.
fn merge_one(
    dk: &DataKey,
    actor: &ActorId,
    p: &PulledDoc,
    existing: Option<&JsValue>,
) -> Result<Outcome, StoreError> {
    let merged = match existing {
        Some(v) => {
            let mut d = from_js(dk, p.id, v, actor)?;
            d.merge_pulled(p).map(|()| d)
        }
        None => DeviceDoc::from_pulled(p, actor.clone()),
    };
    match merged {
        Ok(mut d) => {
            let (doc, summary, sealed_summary) = sealed_record(dk, &mut d)?;
            Ok(Outcome::Merged(Merged {
                id: d.id,
                doc,
                summary,
                sealed_summary,
            }))
        }
        Err(PullError::NeedsSnapshot) if !p.snapshot => Ok(Outcome::NeedsSnapshot(p.id)),
        Err(e) => Err(StoreError::Corrupt(e.to_string())),
    }
}

thread_local! {
    /// Bumped at the start of every write of a document made on this device, with the
    /// last bump per document: a pull merged outside its write transaction redoes, inside it, any
    /// document written meanwhile (an edit saved while the page was merged).
    static WRITES: RefCell<(u64, std::collections::HashMap<DocId, u64>)> =
        RefCell::new((0, std::collections::HashMap::new()));
}

/// Records that documents were written now (see [`WRITES`]).
fn note_writes(ids: impl IntoIterator<Item = DocId>) {
    WRITES.with(|w| {
        let mut w = w.borrow_mut();
        w.0 += 1;
        let epoch = w.0;
        for id in ids {
            w.1.insert(id, epoch);
        }
        // Only writes newer than a pull in progress matter; pulls are short.
        if w.1.len() > 4096 {
            w.1.retain(|_, e| *e + 64 > epoch);
        }
    });
}

fn write_epoch() -> u64 {
    WRITES.with(|w| w.borrow().0)
}

fn written_since(id: DocId, epoch: u64) -> bool {
    WRITES.with(|w| w.borrow().1.get(&id).is_some_and(|e| *e > epoch))
}

/// Merges pulled documents and, for a feed page, stores the new cursor — the documents
/// and the cursor in one transaction. Documents whose changes need a snapshot (the
/// repair path) join the `repair` list in the same transaction; a snapshot merged here
/// leaves it.
///
/// On a slow phone a page of 200 documents is seconds of work, so no single browser task
/// does it: the documents are read first (one read transaction), merged and sealed a
/// time slice at a time outside any transaction, then written in one transaction a few
/// puts per task. A document written on the device in between is merged again inside
/// the write transaction, so no local edit is overwritten.
pub async fn apply_pulled(
    actor: &ActorId,
    pulled: &[PulledDoc],
    cursor: Option<u64>,
    baseline: Option<u64>,
) -> Result<(), StoreError> {
    let dk = crypto::key()?;
    let db = db().await?;
    // 1. What the device holds of these documents.
    let epoch = write_epoch();
    let existing: Vec<Option<JsValue>> = {
        let tx = db.transaction(&[DOCS], TransactionMode::ReadOnly)?;
        let docs = tx.object_store(DOCS)?;
        let mut out = Vec::with_capacity(pulled.len());
        for p in pulled {
            out.push(docs.get(JsValue::from_str(&p.id.to_string()))?.await?);
        }
        out
    };
    // 2. Merge and seal, outside any transaction, a slice of time per task.
    let mut outcomes = Vec::with_capacity(pulled.len());
    let mut slicer = crate::state::Slicer::new();
    for (p, ex) in pulled.iter().zip(&existing) {
        slicer.pause().await;
        outcomes.push(merge_one(&dk, actor, p, ex.as_ref())?);
    }
    drop(existing);
    // 3. One write transaction: documents, summaries, repair list and cursor.
    let tx = db.transaction(&[DOCS, KV, INDEX], TransactionMode::ReadWrite)?;
    let res = async {
        let docs = tx.object_store(DOCS)?;
        let kv = tx.object_store(KV)?;
        let index = tx.object_store(INDEX)?;
        let mut changes = Vec::new();
        let mut repair: Vec<DocId> = kv_get_in(&kv, &dk, "repair")
            .await?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        for (p, outcome) in pulled.iter().zip(outcomes) {
            let key = JsValue::from_str(&p.id.to_string());
            // Written on the device since step 1: merge again with what is there now.
            let outcome = if written_since(p.id, epoch) {
                let now = docs.get(key.clone())?.await?;
                merge_one(&dk, actor, p, now.as_ref())?
            } else {
                outcome
            };
            // Each request awaited: a put clones its value on the main thread, so the
            // page's puts are spread over many short tasks.
            match outcome {
                Outcome::Merged(m) => {
                    docs.put(&m.doc, Some(&key))?.await?;
                    match &m.sealed_summary {
                        Some(v) => {
                            index.put(v, Some(&key))?.await?;
                        }
                        None => index.delete(key)?.await?,
                    }
                    changes.push((m.id, m.summary));
                    repair.retain(|id| *id != p.id);
                }
                Outcome::NeedsSnapshot(id) => {
                    if !repair.contains(&id) {
                        repair.push(id);
                    }
                }
            }
        }
        let repair_json = serde_json::to_string(&repair).unwrap_or_else(|_| "[]".into());
        kv_put_in(&kv, &dk, "repair", &repair_json).await?;
        if let Some(c) = cursor {
            kv_put_in(&kv, &dk, "cursor", &c.to_string()).await?;
        }
        // The end of a complete pull (see `PullRequest::since`).
        if let Some(b) = baseline {
            kv_put_in(&kv, &dk, "baseline", &b.to_string()).await?;
        }
        Ok(changes)
    }
    .await;
    publish(finish(tx, res).await?);
    Ok(())
}

/// A synthetic contact as automerge bytes, for [`warm_up`]: made by a test
/// (`STRADA_BLESS=1 cargo test -p strada-app warm`), so the app never runs the code that
/// writes a whole document (autosurgeon's reconcile) just to warm up.
const WARM_CONTACT: &[u8] = include_bytes!("../golden/warm_contact.automerge");

/// Runs, once, what merging pulled documents runs — a document loaded, merged, read and
/// sealed — one step per browser task, on a synthetic contact that is never stored. The
/// browser compiles WebAssembly functions when they first run: on a slow phone,
/// compiling the whole merge path inside the first pulled page's first merge was a long
/// task of its own.
pub async fn warm_up(actor: &ActorId) {
    use strada_shared::schema::{self, ContactDoc};
    thread_local! {
        static WARM: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if WARM.with(|w| w.replace(true)) {
        return;
    }
    let pause = || gloo_timers::future::TimeoutFuture::new(0);
    // Loading a whole document compiles much of automerge at once: first a one-key
    // document is written, saved and loaded (a task each), so each step compiles only
    // part of it.
    {
        use automerge::transaction::Transactable;
        let mut tiny = AutoCommit::new().with_actor(actor.clone());
        let _ = tiny.put(automerge::ROOT, "n", 1_i64);
        pause().await;
        let bytes = tiny.save();
        pause().await;
        let _ = AutoCommit::load(&bytes);
        pause().await;
        // Then nested objects and text, as a contact has.
        let mut mid = AutoCommit::new().with_actor(actor.clone());
        if let Ok(m) = mid.put_object(automerge::ROOT, "m", automerge::ObjType::Map) {
            let _ = mid.put(&m, "s", "x");
        }
        if let Ok(l) = mid.put_object(automerge::ROOT, "l", automerge::ObjType::List) {
            let _ = mid.insert(&l, 0, 1_i64);
        }
        pause().await;
        let bytes = mid.save();
        pause().await;
        let _ = AutoCommit::load(&bytes);
        pause().await;
    }
    let Ok(mut loaded) = AutoCommit::load(WARM_CONTACT) else {
        return;
    };
    pause().await;
    let _ = schema::read::<ContactDoc>(&loaded);
    pause().await;
    // As wire version 3 sends a whole document: heads read from it.
    let pulled = PulledDoc {
        id: DocId::from_bytes([0; 16]),
        doc_type: DocType::Contact,
        heads: strada_shared::sync::Heads::default(),
        data: strada_shared::sync::Bytes(WARM_CONTACT.to_vec()),
        snapshot: true,
        generation: 0,
    };
    let _ = loaded.get_heads();
    if let Ok(mut d) = DeviceDoc::from_pulled(&pulled, actor.clone()) {
        pause().await;
        let _ = d.merge_pulled(&pulled);
        pause().await;
        let _ = summarize(&mut d);
        if let Ok(dk) = crypto::key() {
            pause().await;
            let _ = to_js(&dk, &mut d);
        }
    }
}

/// Documents waiting for a snapshot.
pub async fn repair_list() -> Result<Vec<DocId>, StoreError> {
    Ok(kv_get("repair")
        .await?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// Adds documents to the repair list (their next snapshot replaces or completes them).
pub async fn add_repair(ids: &[DocId]) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut list = repair_list().await?;
    for id in ids {
        if !list.contains(id) {
            list.push(*id);
        }
    }
    let json = serde_json::to_string(&list).unwrap_or_else(|_| "[]".into());
    kv_set("repair", &json).await
}

/// Discards a document's unacknowledged changes: back to the state the server has, or
/// gone if the server never accepted it. Only for a person's explicit choice.
pub async fn discard(actor: &ActorId, id: DocId) -> Result<(), StoreError> {
    note_writes([id]);
    let dk = crypto::key()?;
    let db = db().await?;
    let tx = db.transaction(&[DOCS, INDEX], TransactionMode::ReadWrite)?;
    let res = async {
        let store = tx.object_store(DOCS)?;
        let index = tx.object_store(INDEX)?;
        let key = JsValue::from_str(&id.to_string());
        let mut changes = Vec::new();
        if let Some(v) = store.get(key.clone())?.await? {
            let mut d = from_js(&dk, id, &v, actor)?;
            if d.acked.is_empty() {
                store.delete(key.clone())?.await?;
                index.delete(key)?.await?;
                changes.push((id, None));
            } else {
                let acked = d.acked.clone();
                d.doc = d
                    .doc
                    .fork_at(&acked)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?
                    .with_actor(actor.clone());
                d.refused = None;
                changes.push(write_doc(&store, &index, &dk, &mut d).await?);
            }
        }
        Ok(changes)
    }
    .await;
    publish(finish(tx, res).await?);
    Ok(())
}

/// Starts the feed again from its start and marks a sweep due (`generation`): what a
/// central office device does when it changes what it keeps offline. Nothing is
/// forgotten yet: the next complete pull says what the device keeps, and
/// [`sweep_unseen`] then forgets the rest — so a sync that fails (pushes refused, the
/// network gone) leaves the device with all it held, not with only its pending work.
pub async fn resync_from_start(generation: &str) -> Result<(), StoreError> {
    let dk = crypto::key()?;
    let db = db().await?;
    let tx = db.transaction(&[KV], TransactionMode::ReadWrite)?;
    let res = async {
        let kv = tx.object_store(KV)?;
        kv_put_in(&kv, &dk, "cursor", "0").await?;
        kv_put_in(&kv, &dk, "baseline", "0").await?;
        kv_put_in(&kv, &dk, SWEEP, generation).await
    }
    .await;
    finish(tx, res).await
}

/// The setting holding the generation of a sweep due (see [`resync_from_start`]).
pub const SWEEP: &str = "sweep";

/// After a complete pull from the feed's start asked by [`resync_from_start`]: forgets
/// every document the server holds as the device does (nothing pending, nothing refused)
/// that the pull did not bring (`seen`), and clears the sweep — only when it is still the
/// one of `generation` (a newer choice wants a pull of its own). Returns how many
/// documents it forgot.
pub async fn sweep_unseen(
    actor: &ActorId,
    seen: &std::collections::HashSet<DocId>,
    generation: &str,
) -> Result<usize, StoreError> {
    let dk = crypto::key()?;
    let db = db().await?;
    let keys = {
        let tx = db.transaction(&[DOCS], TransactionMode::ReadOnly)?;
        tx.object_store(DOCS)?.get_all_keys(None, None)?.await?
    };
    let tx = db.transaction(&[DOCS, KV, INDEX], TransactionMode::ReadWrite)?;
    let res = async {
        let (docs, kv, index) = (
            tx.object_store(DOCS)?,
            tx.object_store(KV)?,
            tx.object_store(INDEX)?,
        );
        let mut changes = Vec::new();
        if kv_get_in(&kv, &dk, SWEEP).await?.as_deref() != Some(generation) {
            return Ok(changes);
        }
        for k in &keys {
            let id = id_of_key(k)?;
            if seen.contains(&id) {
                continue;
            }
            let Some(v) = docs.get(k.clone())?.await? else {
                continue;
            };
            let mut d = from_js(&dk, id, &v, actor)?;
            if d.is_pending() || d.refused.is_some() {
                continue;
            }
            docs.delete(k.clone())?.await?;
            index.delete(k.clone())?.await?;
            changes.push((id, None));
        }
        kv.delete(JsValue::from_str(SWEEP))?.await?;
        Ok(changes)
    }
    .await;
    let changes = finish(tx, res).await?;
    let n = changes.len();
    note_writes(changes.iter().map(|(id, _)| *id));
    publish(changes);
    Ok(n)
}

/// One document, if it is on the device.
pub async fn get_doc(actor: &ActorId, id: DocId) -> Result<Option<DeviceDoc>, StoreError> {
    let dk = crypto::key()?;
    let db = db().await?;
    let tx = db.transaction(&[DOCS], TransactionMode::ReadOnly)?;
    let v = tx
        .object_store(DOCS)?
        .get(JsValue::from_str(&id.to_string()))?
        .await?;
    v.map(|v| from_js(&dk, id, &v, actor)).transpose()
}

/// Writes several documents in one transaction: a contact with its new person and its
/// referrals is saved whole or not at all.
pub async fn put_docs(docs: &mut [DeviceDoc]) -> Result<(), StoreError> {
    note_writes(docs.iter().map(|d| d.id));
    let dk = crypto::key()?;
    let db = db().await?;
    let tx = db.transaction(&[DOCS, INDEX], TransactionMode::ReadWrite)?;
    let res = async {
        let (store, index) = (tx.object_store(DOCS)?, tx.object_store(INDEX)?);
        let mut changes = Vec::new();
        for d in docs.iter_mut() {
            changes.push(write_doc(&store, &index, &dk, d).await?);
        }
        Ok(changes)
    }
    .await;
    publish(finish(tx, res).await?);
    Ok(())
}

/// The listed documents that are on the device, read in one transaction.
pub async fn get_docs(actor: &ActorId, ids: &[DocId]) -> Result<Vec<DeviceDoc>, StoreError> {
    let dk = crypto::key()?;
    let db = db().await?;
    let tx = db.transaction(&[DOCS], TransactionMode::ReadOnly)?;
    let store = tx.object_store(DOCS)?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(v) = store.get(JsValue::from_str(&id.to_string()))?.await? {
            out.push(from_js(&dk, *id, &v, actor)?);
        }
    }
    Ok(out)
}

/// How many summaries are read and opened in one browser task.
const SUMMARY_SLICE: u32 = 400;

/// Whether every document has its summary in the index (not so for a store written
/// before the index existed, or after an interrupted rebuild: then the engine rebuilds
/// it, [`rebuild_index`], before [`load_summaries`]).
pub async fn index_complete() -> Result<bool, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[DOCS, INDEX], TransactionMode::ReadOnly)?;
    let n_docs = tx.object_store(DOCS)?.count(None)?.await?;
    let n_index = tx.object_store(INDEX)?.count(None)?.await?;
    Ok(n_docs == n_index)
}

/// Every document's summary.
///
/// Read in slices of [`SUMMARY_SLICE`] in key order, each slice in its own read
/// transaction and opened in its own task, so the page answers in between even with
/// tens of thousands of documents. A summary written while the slices are read is also
/// published as a change (see [`take_changes`]), which the caller applies afterwards.
pub async fn load_summaries() -> Result<Vec<Summary>, StoreError> {
    let dk = crypto::key()?;
    let db = db().await?;
    let mut out = Vec::new();
    let mut after: Option<JsValue> = None;
    loop {
        let slice = {
            let tx = db.transaction(&[INDEX], TransactionMode::ReadOnly)?;
            let index = tx.object_store(INDEX)?;
            let range = || -> Result<Option<Query>, StoreError> {
                Ok(match &after {
                    Some(k) => Some(Query::KeyRange(KeyRange::lower_bound(k, Some(true))?)),
                    None => None,
                })
            };
            let keys = index.get_all_keys(range()?, Some(SUMMARY_SLICE))?.await?;
            let values = index.get_all(range()?, Some(SUMMARY_SLICE))?.await?;
            if keys.len() != values.len() {
                return Err(StoreError::Db("the store changed while read".into()));
            }
            keys.into_iter().zip(values).collect::<Vec<_>>()
        };
        // Opening the slice takes its own tasks too (the read transaction is over).
        let mut slicer = crate::state::Slicer::new();
        for (k, v) in &slice {
            slicer.pause().await;
            let id = id_of_key(k)?;
            let plain = open_value(&dk, &index_aad(id), v)?;
            // A summary from another app version that does not parse is skipped here
            // and rewritten at the document's next write.
            // `from_str`, as everywhere else in the app: `from_slice` would compile a
            // second JSON parser.
            if let Some(s) = std::str::from_utf8(&plain)
                .ok()
                .and_then(|j| serde_json::from_str::<Summary>(j).ok())
            {
                out.push(s);
            }
        }
        if slice.len() < SUMMARY_SLICE as usize {
            return Ok(out);
        }
        after = slice.last().map(|(k, _)| k.clone());
        // The next slice in a new task (a timer, not a microtask).
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
}

/// Rewrites every summary from the documents (one document at a time: each put is its
/// own task for the browser, so the page stays responsive).
pub async fn rebuild_index(actor: &ActorId) -> Result<(), StoreError> {
    let dk = crypto::key()?;
    let db = db().await?;
    let keys = {
        let tx = db.transaction(&[DOCS], TransactionMode::ReadOnly)?;
        tx.object_store(DOCS)?.get_all_keys(None, None)?.await?
    };
    let tx = db.transaction(&[DOCS, INDEX], TransactionMode::ReadWrite)?;
    let res = async {
        let (store, index) = (tx.object_store(DOCS)?, tx.object_store(INDEX)?);
        index.clear()?.await?;
        for k in &keys {
            let id = id_of_key(k)?;
            if let Some(v) = store.get(k.clone())?.await? {
                let mut d = from_js(&dk, id, &v, actor)?;
                write_doc(&store, &index, &dk, &mut d).await?;
            }
        }
        Ok(())
    }
    .await;
    finish(tx, res).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use strada_shared::schema::{self, ContactDoc};
    use strada_shared::sync::device::InFlight;
    use strada_shared::sync::{PushOutcome, RefusalCode};

    #[test]
    fn the_warm_up_contact_reads_as_a_contact() {
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("golden")
            .join("warm_contact.automerge");
        if std::env::var_os("STRADA_BLESS").is_some() {
            let c = ContactDoc {
                id: DocId::new_v7(1_760_000_000_000, [0; 10]),
                occurred_at: 1_760_000_000_000,
                needs: vec![strada_shared::domain::NeedCategory::Food],
                author: strada_shared::ids::UserId::new_v7(1_760_000_000_000, [0; 10]),
                team: strada_shared::ids::TeamId::parse("warm-up").unwrap(),
                ..ContactDoc::blank()
            };
            let mut doc = schema::create(ActorId::from(vec![0u8; 16]), &c).unwrap();
            std::fs::write(&file, doc.save()).unwrap();
        }
        let doc = AutoCommit::load(WARM_CONTACT).expect("loads");
        schema::read::<ContactDoc>(&doc).expect("reads as a contact");
    }

    /// A device record's bytes (before sealing) must not change by accident: every
    /// phone holds thousands of them. After an intended change, regenerate with
    /// `STRADA_BLESS=1 cargo test -p strada-app golden` (and read older records still).
    #[test]
    fn golden_device_records_keep_their_bytes_and_read_back() {
        let actor = ActorId::from(vec![3u8; 16]);
        let c = ContactDoc {
            id: DocId::new_v7(1_760_000_000_000, [4; 10]),
            ..ContactDoc::blank()
        };
        // A fixed document: its bytes come from the golden file (automerge's own
        // encoding is not ours to pin), the record around them is.
        let doc = schema::create(actor.clone(), &c).expect("doc");
        let mut d = DeviceDoc::new(c.id, DocType::Contact, doc);
        let sent = InFlight {
            id: c.id,
            sent_heads: d.doc.get_heads(),
        };
        d.on_push_outcome(
            &sent,
            &PushOutcome::Refused {
                code: RefusalCode::ConsentRequired,
                reason: "synthetic".into(),
            },
        );
        d.generation = 2;
        let bytes = record_bytes(&mut d);
        let back = parse_record(c.id, &bytes, &actor).expect("reads back");
        assert_eq!(back.generation, 2);
        assert_eq!(back.refused, d.refused);
        // The record's frame, with the automerge bytes cut out.
        let saved = d.doc.save();
        let at = bytes
            .windows(saved.len())
            .position(|w| w == saved.as_slice())
            .expect("the document is in the record");
        let frame = [&bytes[..at], &bytes[at + saved.len()..]].concat();
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("golden")
            .join("device_record.frame.hex");
        if std::env::var_os("STRADA_BLESS").is_some() {
            std::fs::create_dir_all(file.parent().expect("folder")).expect("mkdir");
            std::fs::write(&file, hex::encode(&frame) + "\n").expect("write golden");
            return;
        }
        let golden =
            std::fs::read_to_string(&file).expect("golden file (STRADA_BLESS=1 writes it)");
        assert_eq!(
            hex::encode(&frame),
            golden.trim(),
            "the device record's bytes changed"
        );
    }

    #[test]
    fn a_record_from_the_first_version_still_reads() {
        let actor = ActorId::from(vec![3u8; 16]);
        let c = ContactDoc {
            id: DocId::new_v7(1_760_000_000_000, [4; 10]),
            ..ContactDoc::blank()
        };
        let mut doc = schema::create(actor.clone(), &c).expect("doc");
        // The first version: the record alone (no generation, no refusal heads).
        let old = strada_shared::sync::encode(&DocRecord {
            doc_type: "contact".into(),
            bytes: doc.save(),
            acked: vec![],
            refused: Some((RefusalCode::Schema, "x".into())),
        });
        let d = parse_record(c.id, &old, &actor).expect("reads");
        assert_eq!(d.generation, 0);
        assert_eq!(d.refused.map(|r| r.heads), Some(vec![]));
    }
}
