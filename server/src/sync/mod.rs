//! The server side of sync: merge pushed changes into stored documents after checking
//! access and the schema, and serve the change feed.
//!
//! Push runs in two phases. First every document in the request is decoded; if any is
//! not automerge data the whole request is refused (4xx) and nothing is stored. Then each
//! document is merged into a copy of the stored one, validated, and committed on its own:
//! one refused document does not stop the others. Acknowledgements are built only after
//! the store has flushed.

use std::sync::Mutex;

use automerge::AutoCommit;
use strada_shared::domain::Role;
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc, DocType};
use strada_shared::sync::{
    Bytes, MAX_PUSH_DOCS, PULL_PAGE_BYTES, PULL_PAGE_DOCS, PullResponse, PulledDoc, PushDoc,
    PushOutcome, PushRequest, PushResponse, PushResult, heads_from_strings, heads_to_strings,
};

use crate::auth::AuthUser;
use crate::projection;
use crate::storage::{DocMeta, Projection, Store, StoreError};

/// Why a push request was refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("a push may carry at most {MAX_PUSH_DOCS} documents")]
    TooManyDocs,
    #[error("document {0} appears twice in the request")]
    DuplicateDoc(DocId),
    #[error("document {0}: the changes are not valid automerge data")]
    InvalidAutomerge(DocId),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Serialises merges so two pushes of the same document never overwrite each other.
#[derive(Default)]
pub struct Writer(Mutex<()>);

/// Applies a push. `now_ms` stamps the metadata.
pub fn push(
    store: &dyn Store,
    writer: &Writer,
    user: &AuthUser,
    req: PushRequest,
    now_ms: i64,
) -> Result<PushResponse, PushError> {
    if req.docs.len() > MAX_PUSH_DOCS {
        return Err(PushError::TooManyDocs);
    }
    let mut seen = std::collections::HashSet::new();
    for d in &req.docs {
        if !seen.insert(d.id) {
            return Err(PushError::DuplicateDoc(d.id));
        }
    }
    // Phase 1: decode everything before touching the store.
    for d in &req.docs {
        if AutoCommit::new().load_incremental(&d.changes.0).is_err() {
            return Err(PushError::InvalidAutomerge(d.id));
        }
    }

    // Phase 2: merge, validate, commit each document on its own.
    let _guard = writer.0.lock().unwrap_or_else(|p| p.into_inner());
    let mut results = Vec::with_capacity(req.docs.len());
    for d in req.docs {
        let id = d.id;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            merge_one(store, user, &d, now_ms)
        }))
        .unwrap_or_else(|_| {
            tracing::error!(doc = %id, "panic while merging a pushed document");
            Ok(PushOutcome::Refused {
                reason: "the server could not process this document".into(),
            })
        })?;
        if let PushOutcome::Refused { reason } = &outcome {
            tracing::info!(doc = %id, user = %user.id, "push refused: {reason}");
        }
        results.push(PushResult { id, outcome });
    }
    store.flush()?;
    Ok(PushResponse { results })
}

fn refused(reason: impl Into<String>) -> Result<PushOutcome, StoreError> {
    Ok(PushOutcome::Refused {
        reason: reason.into(),
    })
}

fn merge_one(
    store: &dyn Store,
    user: &AuthUser,
    pushed: &PushDoc,
    now_ms: i64,
) -> Result<PushOutcome, StoreError> {
    let (id, doc_type) = (pushed.id, pushed.doc_type);
    let Some(claimed_heads) = heads_from_strings(&pushed.heads) else {
        return refused("the heads are not valid change hashes");
    };
    let existing = store.doc(id)?;
    let mut doc = match &existing {
        Some(stored) => {
            if stored.meta.doc_type != doc_type {
                return refused("the document type does not match the stored document");
            }
            if !may_write(user, &stored.meta) {
                return refused("you may not change this document");
            }
            match AutoCommit::load(&stored.bytes) {
                Ok(d) => d,
                Err(_) => return Err(StoreError::Corrupt("stored document does not load".into())),
            }
        }
        None => AutoCommit::new(),
    };
    let before = doc.get_heads();
    if doc.load_incremental(&pushed.changes.0).is_err() {
        return refused("the changes cannot be merged into the document");
    }
    // Changes whose dependencies the server lacks are queued, not applied: never
    // acknowledge them; ask the device for its whole document instead.
    // (A change is applied only once all its ancestors are, so checking the heads is enough.)
    if claimed_heads
        .iter()
        .any(|h| doc.get_change_by_hash(h).is_none())
    {
        return Ok(PushOutcome::Incomplete);
    }
    match doc_type {
        DocType::Contact => {
            let contact: ContactDoc = match schema::read(&doc) {
                Ok(c) => c,
                Err(e) => return refused(e.to_string()),
            };
            if contact.id != id {
                return refused("the document id does not match its content");
            }
            let meta = match &existing {
                Some(stored) => {
                    if contact.team != stored.meta.team {
                        return refused("a contact cannot move to another team");
                    }
                    if doc.get_heads() == before {
                        // Nothing new: acknowledge without rewriting.
                        return Ok(PushOutcome::Accepted {
                            heads: heads_to_strings(&before),
                        });
                    }
                    DocMeta {
                        updated_at: now_ms,
                        ..stored.meta.clone()
                    }
                }
                None => {
                    if user.role == Role::FieldWorker
                        && (contact.team != user.team || contact.author != user.id)
                    {
                        return refused(
                            "a field worker can only log contacts of their own team, as themselves",
                        );
                    }
                    DocMeta {
                        doc_type,
                        team: contact.team.clone(),
                        created_by: user.id,
                        received_at: now_ms,
                        updated_at: now_ms,
                        seq: 0,
                    }
                }
            };
            let heads = heads_to_strings(&doc.get_heads());
            let record = projection::contact_record(&contact, &meta, heads.clone());
            store.commit_doc(id, &doc.save(), &meta, &Projection::Contact(record))?;
            Ok(PushOutcome::Accepted { heads })
        }
    }
}

/// Whether `user` may read a document with `meta`.
pub fn may_read(user: &AuthUser, meta: &DocMeta) -> bool {
    match user.role {
        Role::CentralOffice => true,
        Role::FieldWorker => meta.team == user.team,
    }
}

/// Whether `user` may change a document with `meta`.
pub fn may_write(user: &AuthUser, meta: &DocMeta) -> bool {
    may_read(user, meta)
}

/// Serves one page of the change feed after `cursor`, filtered to what `user` may read.
pub fn pull(store: &dyn Store, user: &AuthUser, cursor: u64) -> Result<PullResponse, StoreError> {
    let mut docs = Vec::new();
    let mut bytes_total = 0usize;
    let mut next = cursor;
    let mut more = false;
    // Read a little beyond one page so `more` is exact even after filtering.
    'outer: loop {
        let entries = store.feed_after(next, PULL_PAGE_DOCS * 2)?;
        if entries.is_empty() {
            break;
        }
        for (seq, id) in entries {
            if docs.len() >= PULL_PAGE_DOCS || (bytes_total >= PULL_PAGE_BYTES && !docs.is_empty())
            {
                more = true;
                break 'outer;
            }
            next = seq;
            let Some(stored) = store.doc(id)? else {
                continue;
            };
            if !may_read(user, &stored.meta) {
                continue;
            }
            bytes_total += stored.bytes.len();
            docs.push(PulledDoc {
                id,
                doc_type: stored.meta.doc_type,
                data: Bytes(stored.bytes),
            });
        }
    }
    Ok(PullResponse {
        docs,
        cursor: next,
        more,
    })
}
