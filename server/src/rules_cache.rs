//! The PUA's rules, decoded once per stored version.
//!
//! Every case request needs the rules (a case's review interval, the version it is
//! assessed under), and decoding their automerge document each time would cost a load
//! and a read per request. The cache holds the last decoded document with the heads it
//! was decoded at; each request reads the stored document's metadata only (no bytes, no
//! decryption) and decodes again when the heads moved. So a version committed by any
//! path (a director's push, the server's seed) is seen by the very next request, and no
//! writer has to remember to invalidate the cache.
//!
//! # Invariants
//! - What [`RulesCache::get`] answers is the document at the heads stored when it was
//!   called, or at newer heads (a commit that lands between the metadata read and the
//!   document read): never an older version than the stored one.

use std::sync::{Arc, Mutex};

use strada_shared::schema;
use strada_shared::schema::pua_rules::{PuaRulesDoc, rules_id};
use strada_shared::sync::Heads;

use crate::storage::{Store, StoreError};

/// The last decoded version of the PUA's rules (see the module's documentation).
#[derive(Default)]
pub struct RulesCache {
    /// The heads of the stored document that was decoded, and what it decoded to
    /// (`None`: the stored document does not read as rules).
    last: Mutex<Option<(Heads, Option<Arc<PuaRulesDoc>>)>>,
}

impl RulesCache {
    /// The PUA's rules as stored now (`None` before the server wrote the first version,
    /// or when the stored document does not read as rules).
    pub fn get(&self, store: &dyn Store) -> Result<Option<Arc<PuaRulesDoc>>, StoreError> {
        let Some(meta) = store.doc_meta(rules_id())? else {
            return Ok(None);
        };
        if let Some((heads, rules)) = &*self.lock()
            && *heads == meta.heads
        {
            return Ok(rules.clone());
        }
        // Decoded outside the lock: a request meanwhile finds the older entry and
        // decodes too, rather than waiting.
        let Some(stored) = store.doc(rules_id())? else {
            return Ok(None);
        };
        let rules = decode(&stored.bytes)?.map(Arc::new);
        *self.lock() = Some((stored.meta.heads, rules.clone()));
        Ok(rules)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(Heads, Option<Arc<PuaRulesDoc>>)>> {
        // The entry is replaced whole, so a panic elsewhere never leaves it half-written.
        self.last.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The PUA's rules as stored now, decoded (for a check that needs them rarely, where no
/// cache is at hand: a case naming a version of the rules).
pub(crate) fn stored(store: &dyn Store) -> Result<Option<PuaRulesDoc>, StoreError> {
    match store.doc(rules_id())? {
        Some(stored) => decode(&stored.bytes),
        None => Ok(None),
    }
}

/// The rules a stored document holds (`None` when it loads but does not read as rules).
fn decode(bytes: &[u8]) -> Result<Option<PuaRulesDoc>, StoreError> {
    let doc = automerge::AutoCommit::load(bytes)
        .map_err(|e| StoreError::Corrupt(format!("the PUA's rules do not load: {e}")))?;
    Ok(schema::read::<PuaRulesDoc>(&doc).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::DocMeta;
    use crate::sync::rules::TypedDoc;

    /// Publishes the version after the current one, with `interval` days between
    /// reviews, committed straight to the store.
    fn publish_next(store: &dyn Store, interval: i64) {
        let stored = store.doc(rules_id()).unwrap().unwrap();
        let mut doc = automerge::AutoCommit::load(&stored.bytes).unwrap();
        let mut value: PuaRulesDoc = schema::read(&doc).unwrap();
        let mut next = value.current().unwrap().clone();
        next.review_interval_days = interval;
        value.publish(next, crate::sync::system_user(), 1_760_000_100_000);
        schema::update(&mut doc, &value).unwrap();
        let meta = DocMeta {
            heads: Heads::new(doc.get_heads()),
            ..stored.meta
        };
        let projection = crate::projection::of(&TypedDoc::PuaRules(Box::new(value)), &meta);
        store
            .commit_doc(rules_id(), &doc.save(), &meta, &projection)
            .unwrap();
    }

    #[test]
    fn the_rules_are_decoded_once_per_stored_version() {
        let (_dir, store) = crate::testing::temp_store("rules-cache");
        let cache = RulesCache::default();
        assert!(cache.get(&store).unwrap().is_none(), "no rules yet");
        crate::sync::seed_rules(&store, &crate::sync::Writer::default(), 1_760_000_000_000)
            .unwrap();
        let first = cache.get(&store).unwrap().unwrap();
        assert_eq!(first.current().unwrap().version, 1);
        let again = cache.get(&store).unwrap().unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "decoded again, nothing changed"
        );

        publish_next(&store, 60);
        let next = cache.get(&store).unwrap().unwrap();
        assert_eq!(next.current().unwrap().version, 2);
        assert_eq!(next.current().unwrap().review_interval_days, 60);
        let again = cache.get(&store).unwrap().unwrap();
        assert!(Arc::ptr_eq(&next, &again), "decoded again, nothing changed");
    }
}
