//! The device store: automerge documents and a few settings in IndexedDB.
//!
//! Object stores (database `strada`, version 1):
//! - `docs`: key = document id; value = `{id, doc_type, bytes: Uint8Array, acked: [hex],
//!   refused: JSON [code, reason]|null}` — the whole automerge document and what the
//!   server has.
//! - `kv`: key = setting name; value = string (`session`, `actor`, `cursor`, `lang`,
//!   `last_sync`).
//!
//! Every change that must stay consistent (a pulled page and the cursor; a push answer
//! and the document it concerns) is written in one IndexedDB transaction. Nothing but
//! IndexedDB work is awaited inside a transaction, or the browser would commit it early.

use std::cell::RefCell;
use std::rc::Rc;

use automerge::{ActorId, AutoCommit};
use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use js_sys::{Array, Object, Reflect, Uint8Array};
use strada_shared::ids::DocId;
use strada_shared::schema::DocType;
use strada_shared::sync::RefusalCode;
use strada_shared::sync::device::{DeviceDoc, PullError, Refusal};
use strada_shared::sync::{PulledDoc, heads_from_strings, heads_to_strings};
use wasm_bindgen::{JsCast, JsValue};

const DB_NAME: &str = "strada";
const DB_VERSION: u32 = 1;
const DOCS: &str = "docs";
const KV: &str = "kv";

#[derive(Debug, Clone)]
pub struct StoreError(pub String);

impl From<idb::Error> for StoreError {
    fn from(e: idb::Error) -> Self {
        StoreError(e.to_string())
    }
}

thread_local! {
    static DB: RefCell<Option<Rc<Database>>> = const { RefCell::new(None) };
}

/// Opens (once) the database, creating its stores on first use.
pub async fn db() -> Result<Rc<Database>, StoreError> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let factory = Factory::new()?;
    let mut req = factory.open(DB_NAME, Some(DB_VERSION))?;
    req.on_upgrade_needed(|event| {
        let Ok(db) = event.database() else { return };
        let names = db.store_names();
        for name in [DOCS, KV] {
            if !names.iter().any(|n| n == name) {
                let _ = db.create_object_store(name, ObjectStoreParams::new());
            }
        }
    });
    let db = Rc::new(req.await?);
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

pub async fn kv_get(key: &str) -> Result<Option<String>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[KV], TransactionMode::ReadOnly)?;
    let v = tx.object_store(KV)?.get(JsValue::from_str(key))?.await?;
    Ok(v.and_then(|v| v.as_string()))
}

pub async fn kv_set(key: &str, value: &str) -> Result<(), StoreError> {
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
        Err(StoreError("the transaction was aborted".into()))
    }
}

/// The automerge actor for `username` on this device: kept across sign-ins of the same
/// user (so pending changes stay theirs), new when another user signs in.
pub async fn actor_for(username: &str) -> Result<ActorId, StoreError> {
    if kv_get("actor_owner").await?.as_deref() != Some(username) {
        let bytes = crate::util::random_bytes::<16>();
        kv_set("actor", &hex::encode(bytes)).await?;
        kv_set("actor_owner", username).await?;
    }
    actor().await
}

/// The device's automerge actor.
pub async fn actor() -> Result<ActorId, StoreError> {
    if let Some(hex) = kv_get("actor").await?
        && let Ok(bytes) = hex::decode(&hex)
    {
        return Ok(ActorId::from(bytes));
    }
    let bytes = crate::util::random_bytes::<16>();
    kv_set("actor", &hex::encode(bytes)).await?;
    Ok(ActorId::from(bytes.to_vec()))
}

fn to_js(d: &mut DeviceDoc) -> JsValue {
    let o = Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    };
    set("id", &JsValue::from_str(&d.id.to_string()));
    set("doc_type", &JsValue::from_str(d.doc_type.as_str()));
    set("bytes", &Uint8Array::from(d.doc.save().as_slice()).into());
    let acked: Array = heads_to_strings(&d.acked)
        .into_iter()
        .map(|h| JsValue::from_str(&h))
        .collect();
    set("acked", &acked.into());
    // A refusal is kept as its stable code and the server's English detail.
    let refused = d.refused.as_ref().map_or(JsValue::NULL, |r| {
        serde_json::to_string(&(r.code, &r.reason)).map_or(JsValue::NULL, |s| JsValue::from_str(&s))
    });
    set("refused", &refused);
    o.into()
}

fn from_js(v: &JsValue, actor: &ActorId) -> Result<DeviceDoc, StoreError> {
    let get = |k: &str| Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED);
    let bad = |what: &str| StoreError(format!("stored document has an invalid {what}"));
    let id = get("id")
        .as_string()
        .and_then(|s| DocId::parse(&s).ok())
        .ok_or_else(|| bad("id"))?;
    let doc_type = get("doc_type")
        .as_string()
        .and_then(|s| DocType::parse(&s))
        .ok_or_else(|| bad("type"))?;
    let bytes = get("bytes")
        .dyn_into::<Uint8Array>()
        .map_err(|_| bad("content"))?
        .to_vec();
    let doc = AutoCommit::load(&bytes)
        .map_err(|_| bad("content"))?
        .with_actor(actor.clone());
    let acked: Vec<String> = Array::from(&get("acked"))
        .iter()
        .filter_map(|h| h.as_string())
        .collect();
    let acked = heads_from_strings(&acked).ok_or_else(|| bad("heads"))?;
    let refused = get("refused")
        .as_string()
        .and_then(|s| serde_json::from_str::<(RefusalCode, String)>(&s).ok())
        .map(|(code, reason)| Refusal { code, reason });
    Ok(DeviceDoc {
        id,
        doc_type,
        doc,
        acked,
        refused,
    })
}

/// Every document on the device.
pub async fn load_docs(actor: &ActorId) -> Result<Vec<DeviceDoc>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[DOCS], TransactionMode::ReadOnly)?;
    let all = tx.object_store(DOCS)?.get_all(None, None)?.await?;
    // A record that does not decode is reported, never silently dropped or overwritten.
    all.iter().map(|v| from_js(v, actor)).collect()
}

/// Writes a document (new or edited locally).
pub async fn put_doc(d: &mut DeviceDoc) -> Result<(), StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[DOCS], TransactionMode::ReadWrite)?;
    tx.object_store(DOCS)?
        .put(&to_js(d), Some(&JsValue::from_str(&d.id.to_string())))?
        .await?;
    commit(tx).await
}

/// Applies `f` to the stored version of each listed document, in one transaction, so a
/// push answer never overwrites an edit saved while the request was in flight.
pub async fn update_docs(
    actor: &ActorId,
    ids: &[DocId],
    mut f: impl FnMut(&mut DeviceDoc),
) -> Result<(), StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[DOCS], TransactionMode::ReadWrite)?;
    let store = tx.object_store(DOCS)?;
    for id in ids {
        let key = JsValue::from_str(&id.to_string());
        if let Some(v) = store.get(key.clone())?.await? {
            let mut d = from_js(&v, actor)?;
            f(&mut d);
            store.put(&to_js(&mut d), Some(&key))?.await?;
        }
    }
    commit(tx).await
}

/// Merges pulled documents and, for a feed page, stores the new cursor — in one
/// transaction. Documents whose changes need a snapshot (the repair path) join the
/// `repair` list in the same transaction; a snapshot merged here leaves it.
pub async fn apply_pulled(
    actor: &ActorId,
    pulled: &[PulledDoc],
    cursor: Option<u64>,
) -> Result<(), StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[DOCS, KV], TransactionMode::ReadWrite)?;
    let docs = tx.object_store(DOCS)?;
    let kv = tx.object_store(KV)?;
    let repair_key = JsValue::from_str("repair");
    let mut repair: Vec<DocId> = kv
        .get(repair_key.clone())?
        .await?
        .and_then(|v| v.as_string())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    for p in pulled {
        let key = JsValue::from_str(&p.id.to_string());
        let merged = match docs.get(key.clone())?.await? {
            Some(v) => {
                let mut d = from_js(&v, actor)?;
                d.merge_pulled(p).map(|()| d)
            }
            None => DeviceDoc::from_pulled(p, actor.clone()),
        };
        match merged {
            Ok(mut d) => {
                docs.put(&to_js(&mut d), Some(&key))?.await?;
                repair.retain(|id| *id != p.id);
            }
            Err(PullError::NeedsSnapshot) if !p.snapshot => {
                if !repair.contains(&p.id) {
                    repair.push(p.id);
                }
            }
            Err(e) => return Err(StoreError(e.to_string())),
        }
    }
    let repair_json = serde_json::to_string(&repair).unwrap_or_else(|_| "[]".into());
    kv.put(&JsValue::from_str(&repair_json), Some(&repair_key))?
        .await?;
    if let Some(c) = cursor {
        kv.put(
            &JsValue::from_str(&c.to_string()),
            Some(&JsValue::from_str("cursor")),
        )?
        .await?;
    }
    commit(tx).await
}

/// Documents waiting for a snapshot.
pub async fn repair_list() -> Result<Vec<DocId>, StoreError> {
    Ok(kv_get("repair")
        .await?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// Discards a document's unacknowledged changes: back to the state the server has, or
/// gone if the server never accepted it. Only for a person's explicit choice.
pub async fn discard(actor: &ActorId, id: DocId) -> Result<(), StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[DOCS], TransactionMode::ReadWrite)?;
    let store = tx.object_store(DOCS)?;
    let key = JsValue::from_str(&id.to_string());
    if let Some(v) = store.get(key.clone())?.await? {
        let mut d = from_js(&v, actor)?;
        if d.acked.is_empty() {
            store.delete(key)?.await?;
        } else {
            let acked = d.acked.clone();
            d.doc = d
                .doc
                .fork_at(&acked)
                .map_err(|e| StoreError(e.to_string()))?
                .with_actor(actor.clone());
            d.refused = None;
            store.put(&to_js(&mut d), Some(&key))?.await?;
        }
    }
    commit(tx).await
}

/// One document, if it is on the device.
pub async fn get_doc(actor: &ActorId, id: DocId) -> Result<Option<DeviceDoc>, StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[DOCS], TransactionMode::ReadOnly)?;
    let v = tx
        .object_store(DOCS)?
        .get(JsValue::from_str(&id.to_string()))?
        .await?;
    v.map(|v| from_js(&v, actor)).transpose()
}

/// Writes several documents in one transaction: a contact with its new person and its
/// referrals is saved whole or not at all.
pub async fn put_docs(docs: &mut [DeviceDoc]) -> Result<(), StoreError> {
    let db = db().await?;
    let tx = db.transaction(&[DOCS], TransactionMode::ReadWrite)?;
    let store = tx.object_store(DOCS)?;
    for d in docs.iter_mut() {
        store
            .put(&to_js(d), Some(&JsValue::from_str(&d.id.to_string())))?
            .await?;
    }
    commit(tx).await
}
