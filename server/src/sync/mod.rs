//! The server side of sync: merge pushed changes into stored documents after checking
//! access and the schema, and serve the change feed.
//!
//! Push runs in two phases. First every document in the request is measured against the
//! decoding bounds and its chunks' framing and checksums verified ([`bounds`]; before
//! automerge sees a byte); if any is not automerge chunks the whole request is refused
//! (4xx) and nothing is stored, and a request over the per-push bounds is refused whole
//! too. Then each document is merged into a copy of the stored one (automerge runs
//! guarded: data it cannot decode, or that makes it panic, refuses that document),
//! checked (author actor, scope, schema, field rules, bounds of the merged document),
//! and stored: saved whole and loaded back, or, for an edit, its changes appended to the
//! bytes stored and read back against the merged heads (`append_changes`). Nothing is
//! acknowledged that would not load from the bytes stored. Each is
//! committed on its own: one refused document does not stop the others, and a panic
//! while processing one fails that one only. Acknowledgements are built only after the
//! store has flushed.
//!
//! A stored document that does not load (stored before these checks, or damaged) is
//! quarantined ([`Store::quarantine_doc`]) the first time a request meets it, logged by
//! id, and skipped: pulls, repairs and pushes of the other documents go on. A device that
//! sends the whole document again takes it out of quarantine.
//!
//! Pull serves the feed after the device's cursor, filtered by scope. A document the
//! device already had at its cursor comes as the changes since that state; otherwise as a
//! compact snapshot.

pub mod bounds;
pub mod position;
pub mod rules;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use automerge::AutoCommit;
use strada_shared::central::SyncScope;
use strada_shared::domain::{PersonRef, Role};
use strada_shared::ids::{DocId, TeamId};
use strada_shared::schema::prefetch::MapCache;
use strada_shared::schema::{self, DocType, PersonDoc};
use strada_shared::sync::{
    Bytes, Heads, MAX_DOC_CHANGES, MAX_DOC_DECODED_BYTES, MAX_DOC_OPS, MAX_PUSH_CHANGES,
    MAX_PUSH_DECODED_BYTES, MAX_PUSH_DOCS, MAX_PUSH_OPS, PULL_PAGE_BYTES, PULL_PAGE_DOCS,
    PullResponse, PulledDoc, PushDoc, PushOutcome, PushRequest, PushResponse, PushResult,
    RefusalCode,
};
use strada_shared::vocab::ConsentStatus;

use crate::audit::{self, Act, Record};
use crate::auth::AuthUser;
use crate::projection;
use crate::storage::{DocCommit, DocMeta, DocVersion, Projection, Sensitivity, Store, StoreError};
use bounds::{BoundError, Cost, Over};
use position::Feed;

/// What one pushed document, and the document merged from it, may cost to decode.
pub const DOC_BOUNDS: Cost = Cost {
    decoded: MAX_DOC_DECODED_BYTES,
    changes: MAX_DOC_CHANGES,
    ops: MAX_DOC_OPS,
};

/// What all the documents of one push may cost to decode together.
pub const PUSH_BOUNDS: Cost = Cost {
    decoded: MAX_PUSH_DECODED_BYTES,
    changes: MAX_PUSH_CHANGES,
    ops: MAX_PUSH_OPS,
};

/// Why a push request was refused as a whole.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("a push may carry at most {MAX_PUSH_DOCS} documents")]
    TooManyDocs,
    #[error("document {0} appears twice in the request")]
    DuplicateDoc(DocId),
    #[error("document {0}: the changes are not valid automerge data")]
    InvalidAutomerge(DocId),
    #[error(
        "the push would decode to more {} than one request may carry: push fewer documents at a time",
        .0.as_str()
    )]
    TooLarge(Over),
    #[error("this session belongs to no device: sign in from the app to sync")]
    NoDevice,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A merged, checked document waiting for the request's single commit.
struct Pending {
    id: DocId,
    bytes: Vec<u8>,
    meta: DocMeta,
    projection: Projection,
    doc: AutoCommit,
    /// `doc`'s maps as read for `value` (empty when `doc` was rewritten).
    maps: MapCache,
    /// The measure of `bytes`, when it was taken.
    cost: Option<bounds::Cost>,
    /// The value stored, as its type.
    value: rules::TypedDoc,
    /// Rewritten without its history by this push (its generation already raised).
    compacted: bool,
    /// A person whose consent this push withdrew: the names (aliases as stored before)
    /// to erase from their contacts and referrals.
    erase: Option<Vec<String>>,
    /// A contact this push brought for a person who had withdrawn: the names it called
    /// them by, erased on arrival (its referrals in the push are erased of them too).
    called: Vec<String>,
    /// What each device wrote into it, when it is large (see [`Shares`]).
    shares: Option<Shares>,
}

/// The answer to a push, and where the feed moved, per team, for live notifications.
pub struct PushReport {
    pub response: PushResponse,
    pub advanced: Advanced,
}

/// Where the feed moved, per team (`None`: documents only the central office reads —
/// cases, job offers, the PUA's rules — which no field device hears of).
pub type Advanced = BTreeMap<Option<TeamId>, u64>;

/// Serialises merges so two pushes of the same document never overwrite each other, and
/// keeps recently merged documents decoded (loading a document is the costliest step of
/// a small edit). A cached document is used only while its heads equal the stored
/// heads, and is taken out during a merge: a refused merge never pollutes it.
pub struct Writer(Mutex<DocCache>);

/// The writer held by [`Writer::hold`], until dropped.
pub struct Held<'a> {
    _guard: std::sync::MutexGuard<'a, DocCache>,
}

/// Documents kept decoded, by id, and what each device wrote into the large ones.
struct DocCache {
    docs: lru::LruCache<DocId, Kept>,
    /// Kept apart from `docs`: a refused push takes its document out of `docs` (it was
    /// merged into), but what was stored, and so its shares, did not change.
    shares: lru::LruCache<DocId, Shares>,
}

impl DocCache {
    fn new(docs: std::num::NonZeroUsize) -> DocCache {
        DocCache {
            docs: lru::LruCache::new(docs),
            shares: lru::LruCache::new(
                std::num::NonZeroUsize::new(CACHE_SHARES).expect("non-zero"),
            ),
        }
    }
}

/// Large documents whose shares are kept (a few hundred bytes each).
const CACHE_SHARES: usize = 4096;

/// What each device (by actor) wrote into a document whose history is as large as one
/// account's share of the bounds ([`ACCOUNT_DOC_BOUNDS`]): counted once from its whole
/// history (tens of milliseconds for the largest), then kept up to date with each push.
/// The attacker's seventh probe made the count, repeated by every push to such a
/// document, hold the writer for seconds.
#[derive(Clone)]
struct Shares {
    /// The heads of the document counted.
    heads: Heads,
    by_actor: HashMap<Vec<u8>, ActorShare>,
}

/// One device's changes in a document: the last one's sequence number, and what they
/// cost together.
#[derive(Clone, Copy, Default)]
struct ActorShare {
    seq: u64,
    cost: Cost,
}

impl Shares {
    /// Counted from `doc`'s whole history.
    fn of(doc: &mut AutoCommit) -> Option<Shares> {
        guarded(|| {
            let mut by_actor: HashMap<Vec<u8>, ActorShare> = HashMap::new();
            for c in doc.get_changes(&[]) {
                let e = by_actor
                    .entry(c.actor_id().to_bytes().to_vec())
                    .or_default();
                e.seq = e.seq.max(c.seq());
                e.cost = e.cost.plus(change_cost(c.raw_bytes()));
            }
            Shares {
                heads: Heads::new(doc.get_heads()),
                by_actor,
            }
        })
    }

    /// With `added` (sequence number and cost of each change `actor` added), at `heads`.
    fn with(mut self, heads: Heads, actor: &[u8], added: &[(u64, Cost)]) -> Shares {
        let e = self.by_actor.entry(actor.to_vec()).or_default();
        for (seq, cost) in added {
            e.seq = e.seq.max(*seq);
            e.cost = e.cost.plus(*cost);
        }
        self.heads = heads;
        self
    }

    /// Without `added` (see [`Shares::with`]), at `heads`: the document as it was.
    fn without(mut self, heads: Heads, actor: &[u8], added: &[(u64, Cost)]) -> Shares {
        if let Some(e) = self.by_actor.get_mut(actor) {
            for (seq, cost) in added {
                e.seq = e.seq.min(seq.saturating_sub(1));
                e.cost = e.cost.minus(*cost);
            }
        }
        self.heads = heads;
        self
    }

    /// What `user`'s devices (the pushing device's `actor`, and each other actor whose
    /// device is the account's) wrote.
    fn account(
        &self,
        store: &dyn Store,
        user: &AuthUser,
        actor: &[u8],
    ) -> Result<Cost, StoreError> {
        let mut share = Cost::default();
        for (a, s) in &self.by_actor {
            if a.as_slice() == actor || store.device(a)?.is_some_and(|d| d.user_id == user.id) {
                share = share.plus(s.cost);
            }
        }
        Ok(share)
    }

    /// What the changes in `pushed` (change chunks) that `actor` adds to the document
    /// counted cost: those past its last sequence number. `None` when `pushed` is not
    /// all change chunks (a whole document: judged once merged).
    fn pushed(&self, pushed: &[u8], actor: &[u8]) -> Option<Cost> {
        let last = self.by_actor.get(actor).map_or(0, |s| s.seq);
        let mut seen = HashSet::new();
        let mut cost = Cost::default();
        for chunk in bounds::change_chunks(pushed)? {
            let change = automerge::Change::from_bytes(chunk.to_vec()).ok()?;
            if change.actor_id().to_bytes() == actor
                && change.seq() > last
                && seen.insert(change.seq())
            {
                cost = cost.plus(change_cost(chunk));
            }
        }
        Some(cost)
    }
}

/// What one change counts for in an account's share: itself, its operations, and what
/// it writes beyond a change's own framing (header, parents, actor: about a hundred
/// bytes, which a document's columns store once for all). A change that does not
/// measure counts as the whole bound.
fn change_cost(bytes: &[u8]) -> Cost {
    let m = bounds::measure(bytes, DOC_BOUNDS).unwrap_or(DOC_BOUNDS);
    Cost {
        decoded: m.decoded.saturating_sub(CHANGE_FRAMING_BYTES),
        changes: 1,
        ops: m.ops,
    }
}

/// A document kept decoded, with what it fixes for the next change (read once, when it
/// was merged) and the bytes stored for it (the next change is appended to them).
struct Kept {
    doc: AutoCommit,
    fixed: rules::Fixed,
    bytes: Vec<u8>,
    /// Its maps as last read (the next read re-reads only what the next edit wrote).
    maps: MapCache,
    /// The measure of `bytes`, when known.
    cost: Option<bounds::Cost>,
}

/// Documents kept decoded (a decoded contact takes about 30 KB).
const CACHE_DOCS: usize = 2048;

impl Default for Writer {
    fn default() -> Self {
        Writer(Mutex::new(DocCache::new(
            std::num::NonZeroUsize::new(CACHE_DOCS).expect("non-zero"),
        )))
    }
}

/// Runs automerge on bytes a device sent or the store holds: automerge panics on some
/// malformed input, and such a panic becomes `None` here (the panic hook logs one line),
/// so it fails that document only.
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Loads stored bytes; a document that does not load is quarantined, reported by id, and
/// `None` is returned so the caller skips it.
fn load_stored(
    store: &dyn Store,
    id: DocId,
    bytes: &[u8],
    now_ms: i64,
) -> Result<Option<AutoCommit>, StoreError> {
    match guarded(|| AutoCommit::load(bytes)) {
        Some(Ok(doc)) => Ok(Some(doc)),
        failed => {
            let reason = match failed {
                Some(Err(_)) => "the stored bytes do not load",
                _ => "loading the stored bytes panicked",
            };
            quarantine(store, id, reason, now_ms)?;
            Ok(None)
        }
    }
}

fn quarantine(store: &dyn Store, id: DocId, reason: &str, now_ms: i64) -> Result<(), StoreError> {
    if store.quarantine_doc(id, reason, now_ms)? {
        tracing::error!(doc = %id, reason, "stored document quarantined: it is skipped until a device sends it whole again");
    }
    Ok(())
}

/// Whether a stored document may be served whole: checked when it was committed, or
/// (stored before those checks) loaded once now, and marked or quarantined.
fn servable(
    store: &dyn Store,
    id: DocId,
    stored: &crate::storage::StoredDoc,
    now_ms: i64,
) -> Result<bool, StoreError> {
    if stored.meta.verified {
        return Ok(true);
    }
    if load_stored(store, id, &stored.bytes, now_ms)?.is_none() {
        return Ok(false);
    }
    store.mark_doc_verified(id, &stored.meta.heads)?;
    Ok(true)
}

/// Applies a push. `now_ms` stamps the metadata.
pub fn push(
    store: &dyn Store,
    writer: &Writer,
    user: &AuthUser,
    req: PushRequest,
    now_ms: i64,
) -> Result<PushReport, PushError> {
    let report = commit_unflushed(store, writer, user, req, now_ms)?;
    store.flush()?;
    Ok(report)
}

/// Phase 1: measures every document against the bounds, and checks it is automerge chunks
/// with valid checksums, before anything touches the store (and before automerge sees a
/// byte). Returns the documents refused as too large (the others go on).
fn check_request(req: &PushRequest) -> Result<HashSet<DocId>, PushError> {
    let mut too_large = HashSet::new();
    let mut spent = Cost::default();
    for d in &req.docs {
        let left = PUSH_BOUNDS.minus(spent);
        let budget = DOC_BOUNDS.min(left);
        match bounds::measure(&d.changes.0, budget) {
            Ok(cost) => spent = spent.plus(cost),
            Err(BoundError::Malformed) => return Err(PushError::InvalidAutomerge(d.id)),
            Err(BoundError::Exceeds(over)) => {
                let request_bound = match over {
                    Over::Decoded => left.decoded < DOC_BOUNDS.decoded,
                    Over::Changes => left.changes < DOC_BOUNDS.changes,
                    Over::Ops => left.ops < DOC_BOUNDS.ops,
                };
                if request_bound {
                    return Err(PushError::TooLarge(over));
                }
                // The measure stopped within the document's budget: count all of it.
                spent = spent.plus(budget);
                too_large.insert(d.id);
                continue;
            }
        }
    }
    Ok(too_large)
}

/// A push without the final flush: every check, merge and commit of [`push`], for a
/// caller that commits many pushes and flushes once before anything is acknowledged
/// (the demo loader, which plays each worker's device). Never answer a device from it.
pub fn commit_unflushed(
    store: &dyn Store,
    writer: &Writer,
    user: &AuthUser,
    req: PushRequest,
    now_ms: i64,
) -> Result<PushReport, PushError> {
    let actor = user.actor.clone().ok_or(PushError::NoDevice)?;
    if req.docs.len() > MAX_PUSH_DOCS {
        return Err(PushError::TooManyDocs);
    }
    let mut seen = HashSet::new();
    for d in &req.docs {
        if !seen.insert(d.id) {
            return Err(PushError::DuplicateDoc(d.id));
        }
    }
    // Phase 1: bound and decode everything before touching the store.
    let too_large = check_request(&req)?;
    // Phase 2: merge and check each document on its own; then commit every accepted one
    // in one store transaction, and flush.
    let mut cache = writer.0.lock().unwrap_or_else(|p| p.into_inner());
    // Person records merged away that this push writes to, as stored before it: what
    // it changes on them is carried to their survivor (`merge::carry`).
    let mut merged_before = Vec::new();
    for d in req.docs.iter().filter(|d| d.doc_type == DocType::Person) {
        if let Some(crate::storage::Projection::Person(r)) = store.record(DocType::Person, d.id)?
            && r.merged_into.is_some()
            && let Some((rules::TypedDoc::Person(p), _)) = stored_value(store, d.id, now_ms)?
        {
            merged_before.push(p);
        }
    }
    let mut pending: Vec<Pending> = Vec::new();
    let mut results = stage_docs(
        store,
        &mut cache,
        user,
        &actor,
        req.docs,
        &too_large,
        now_ms,
        false,
        &mut pending,
    )?;
    // What the central office writes through its devices (another team's persons,
    // contacts and referrals; cases, job offers, the PUA's rules) is on record, by id
    // (found by the attacker's sixth probe: only the automerge history kept it). A field
    // worker writes only their own team's records, which their history tells.
    let written: Vec<DocId> = match user.role {
        Role::FieldWorker => Vec::new(),
        _ => pending.iter().map(|p| p.id).collect(),
    };
    let carried = carry_to_survivors(store, &mut cache, &merged_before, &mut pending, now_ms)?;
    let advanced = finish(store, Some(&mut cache), user, pending, &mut results, now_ms)?;
    for (merge, heads) in carried {
        crate::merge::record_carried(store, merge, heads)?;
    }
    if !written.is_empty() {
        crate::audit::record(
            store,
            now_ms,
            crate::audit::Record::new(crate::audit::Act::RecordsWritten)
                .by(user)
                .count(written.len())
                .docs(written),
        )?;
    }
    Ok(PushReport {
        response: PushResponse { results },
        advanced,
    })
}

/// Stages, as the merge actor's, the changes carrying to their survivors what this push
/// wrote on person records merged away (`before`: those records as stored before it).
/// A survivor this push also wrote to is left alone (its change would not apply after
/// the device's). Returns the carried changes accepted, by merge.
fn carry_to_survivors(
    store: &dyn Store,
    cache: &mut DocCache,
    before: &[PersonDoc],
    pending: &mut Vec<Pending>,
    now_ms: i64,
) -> Result<Vec<(DocId, crate::merge::Carried)>, StoreError> {
    let mut carries = Vec::new();
    for old in before {
        let Some(rules::TypedDoc::Person(new)) =
            pending.iter().find(|p| p.id == old.id).map(|p| &p.value)
        else {
            continue;
        };
        if new.merged_into.is_none() || new == old {
            continue;
        }
        if let Some(c) = crate::merge::carry(store, old.id, old, new)?
            && pending.iter().all(|p| p.id != c.push.id)
            && carries
                .iter()
                .all(|x: &crate::merge::Carry| x.push.id != c.push.id)
        {
            carries.push(c);
        }
    }
    if carries.is_empty() {
        return Ok(Vec::new());
    }
    let by = AuthUser {
        actor: Some(merge_actor().to_bytes().to_vec()),
        ..reviewer()
    };
    let docs = carries.iter().map(|c| c.push.clone()).collect();
    let actor = merge_actor().to_bytes().to_vec();
    let results = stage_docs(
        store,
        cache,
        &by,
        &actor,
        docs,
        &HashSet::new(),
        now_ms,
        false,
        pending,
    )?;
    Ok(carries
        .into_iter()
        .zip(results)
        .filter(|(_, r)| matches!(r.outcome, PushOutcome::Accepted { .. }))
        .map(|(c, _)| (c.merge, c.heads))
        .collect())
}

/// Merges and checks each document on its own (persons first, then contacts, then
/// referrals: what a document refers to is merged before it, whatever order the device
/// listed them in), adding the accepted ones to `pending`. Answers keep the request's
/// order.
#[allow(clippy::too_many_arguments)]
fn stage_docs(
    store: &dyn Store,
    cache: &mut DocCache,
    user: &AuthUser,
    actor: &[u8],
    docs: Vec<PushDoc>,
    too_large: &HashSet<DocId>,
    now_ms: i64,
    restore: bool,
    pending: &mut Vec<Pending>,
) -> Result<Vec<PushResult>, StoreError> {
    let mut results = Vec::with_capacity(docs.len());
    // The refusals, counted by code, for the request's one line of log.
    let mut refused: BTreeMap<String, usize> = BTreeMap::new();
    let mut first_refused = None;
    let mut docs: Vec<(usize, PushDoc)> = docs.into_iter().enumerate().collect();
    docs.sort_by_key(|(i, d)| (type_rank(d.doc_type), *i));
    for (index, d) in docs {
        let id = d.id;
        let outcome = if too_large.contains(&id) {
            refusal(RefusalCode::TooLarge)
        } else {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                merge_one(store, cache, user, actor, &d, now_ms, restore, pending)
            }))
            .unwrap_or_else(|_| {
                tracing::error!(doc = %id, "panic while merging a pushed document");
                Ok(refusal(RefusalCode::ServerError))
            })?
        };
        if let PushOutcome::Refused { code, .. } = &outcome {
            *refused.entry(format!("{code:?}")).or_default() += 1;
            first_refused.get_or_insert(id);
        }
        results.push((index, PushResult { id, outcome }));
    }
    // One line for the request, with the refusals counted by code (one line per refused
    // document let one account write 19 MB of log a second with pushes of 500 other
    // teams' ids: found by the attacker's seventh probe). An import reports its refusals
    // in its report, and logs one line for the run.
    // Codes only: a refusal's reason may quote what the device wrote (found by the
    // attacker's sixth probe: a name written in a field of codes was logged).
    if let Some(first) = first_refused
        && !restore
    {
        let codes = refused
            .iter()
            .map(|(code, n)| format!("{code} {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        tracing::info!(user = %user.id, first = %first, codes = %codes, "push refused");
    }
    results.sort_by_key(|(i, _)| *i);
    Ok(results.into_iter().map(|(_, r)| r).collect())
}

/// Commits what was staged, unflushed: first the erasure of every person whose consent
/// was withdrawn (their contacts and referrals, whoever wrote them, join the commit;
/// recorded in the audit log as `user`'s act), then one store transaction. The accepted
/// answers in `results` get the heads finally stored. Documents are kept decoded in
/// `cache` when one is given. Returns where each team's feed moved.
fn finish(
    store: &dyn Store,
    cache: Option<&mut DocCache>,
    user: &AuthUser,
    mut pending: Vec<Pending>,
    results: &mut [PushResult],
    now_ms: i64,
) -> Result<Advanced, StoreError> {
    // A withdrawal reaches every contact and referral of the person the server holds,
    // whoever wrote them, in the same commit — and the person's other records, merged
    // with this one (found by the attacker: a withdrawal recorded on a merged-away record,
    // say by a phone that was offline at the merge, left its names on the survivor, which
    // the merge had given them).
    let mut erasures = Vec::new();
    let mut withdrawn: Vec<(DocId, Vec<String>)> = pending
        .iter()
        .filter_map(|p| p.erase.clone().map(|names| (p.id, names)))
        .collect();
    // Read only when this push withdraws someone (most pushes don't).
    let links = if withdrawn.is_empty() {
        None
    } else {
        Some(crate::merge::Links::read(store)?)
    };
    let mut family: Vec<DocId> = Vec::new();
    for (person, _) in withdrawn.clone() {
        for other in links.iter().flat_map(|l| l.family_of(person)) {
            if !family.contains(&other) && withdrawn.iter().all(|(w, _)| *w != other) {
                family.push(other);
            }
        }
    }
    for other in family {
        if let Some(names) = withdraw_record(store, &mut pending, other, user, now_ms)? {
            withdrawn.push((other, names));
        }
    }
    // The survivors of the person's merges since undone: their history holds what the
    // merge gave them. Each is on record with the erasure of the record whose merge it
    // was (before, all went with the first one).
    let mut forgotten: Vec<(DocId, DocId)> = Vec::new();
    for (person, _) in withdrawn.clone() {
        for survivor in links.iter().flat_map(|l| l.undone_survivors(person)) {
            if withdrawn.iter().all(|(w, _)| *w != survivor)
                && forgotten.iter().all(|(_, f)| *f != survivor)
                && forget_undone_merge(store, &mut pending, survivor, now_ms)?
            {
                forgotten.push((person, survivor));
            }
        }
    }
    // Each record's links are erased of every name the person went by.
    let mut all_names: Vec<String> = withdrawn.iter().flat_map(|(_, n)| n.clone()).collect();
    all_names.sort();
    all_names.dedup();
    for (person, _) in withdrawn {
        let rewritten = erase_person(store, &mut pending, person, &all_names, now_ms)?;
        erasures.push((person, rewritten));
    }
    // The answers carry the heads finally stored (an erasure may have rewritten a
    // document accepted earlier in this push).
    for r in results.iter_mut() {
        if let PushOutcome::Accepted { heads } = &mut r.outcome
            && let Some(p) = pending.iter().find(|p| p.id == r.id)
        {
            *heads = p.meta.heads.clone();
        }
    }
    let seqs = commit(store, &pending)?;
    // The reasons of "not the same person" judgements on a withdrawn person may name
    // them: the judgements stay, without their reasons.
    let gone: Vec<DocId> = erasures.iter().map(|(p, _)| *p).collect();
    if !gone.is_empty() {
        for j in store.not_same_judgements()? {
            if !j.reason.is_empty() && (gone.contains(&j.a) || gone.contains(&j.b)) {
                store.mark_not_same(j.a, j.b, j.by, j.at_ms, "")?;
            }
        }
        // So may the reasons of their merges and unmerges (the attacker's twelfth probe:
        // a merge's reason naming the person and their phone was still served to every
        // central role after the withdrawal).
        crate::merge::forget_reasons(store, &gone)?;
    }
    for (person, rewritten) in erasures {
        let docs = std::iter::once(person)
            .chain(rewritten)
            .chain(
                forgotten
                    .iter()
                    .filter(|(of, _)| *of == person)
                    .map(|(_, survivor)| *survivor),
            )
            .collect();
        audit::record(
            store,
            now_ms,
            Record::new(Act::ConsentWithdrawn).by(user).docs(docs),
        )?;
    }
    let mut advanced = BTreeMap::new();
    let mut cache = cache;
    for (p, seq) in pending.into_iter().zip(seqs) {
        let audience = (!p.meta.doc_type.central_only()).then(|| p.meta.team.clone());
        let team_seq = advanced.entry(audience).or_insert(0);
        *team_seq = seq.max(*team_seq);
        if let Some(cache) = cache.as_deref_mut() {
            keep(cache, p);
        }
    }
    Ok(advanced)
}

/// Keeps a committed document decoded, with what it fixes and its stored bytes.
fn keep(cache: &mut DocCache, p: Pending) {
    let fixed = rules::Fixed::of(&p.value);
    if let Some(shares) = p.shares {
        cache.shares.put(p.id, shares);
    }
    cache.docs.put(
        p.id,
        Kept {
            doc: p.doc,
            fixed,
            bytes: p.bytes,
            maps: p.maps,
            cost: p.cost,
        },
    );
}

/// Documents written by the server on behalf of accounts (a merge of persons, the
/// exchange import), merged and checked exactly as their pushes would be — schema, field
/// rules, consent, origin, references, bounds, load-back — and committed together or not
/// at all. Dropping it without committing stores nothing.
///
/// A staging from [`Writer::staging`] holds the writer for its whole life, so no push
/// interleaves with what it read and staged. One from [`Writer::staging_unheld`] holds
/// nothing while it stages (pushes go on: an import of thousands of records takes
/// seconds) and takes the writer only to commit, and only if no document it read —
/// those it staged and those they refer to — was committed meanwhile
/// ([`Staging::commit_unheld`]).
pub struct Staging<'a> {
    store: &'a dyn Store,
    /// The writer's cache, held; `None` for an unheld staging.
    held: Option<std::sync::MutexGuard<'a, DocCache>>,
    /// An unheld staging's own (empty) cache.
    own: DocCache,
    /// The feed's head when the staging began.
    since: u64,
    pending: Vec<Pending>,
    now_ms: i64,
    /// Records restored from elsewhere (an import), not written now: a case of a person
    /// who has withdrawn consent since it was opened is taken, its texts erased.
    restore: bool,
    /// Changes carrying to survivors what was staged on persons merged away
    /// ([`Staging::carry_to_survivors`]), recorded with their merges on commit.
    carried: Vec<(DocId, crate::merge::Carried)>,
}

impl Writer {
    /// Starts a [`Staging`] on `store` that holds the writer (waits for pushes being
    /// merged).
    pub fn staging<'a>(&'a self, store: &'a dyn Store, now_ms: i64) -> Staging<'a> {
        let held = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Staging::new(store, Some(held), 0, now_ms)
    }

    /// Holds the writer without writing through it: pushes wait meanwhile, so what is
    /// checked under the guard is not changed by one until it is dropped (a judgement of
    /// a pair is checked and written as a merge is).
    pub fn hold(&self) -> Held<'_> {
        Held {
            _guard: self.0.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }

    /// Starts a [`Staging`] on `store` that does not hold the writer: commit it with
    /// [`Staging::commit_unheld`].
    pub fn staging_unheld<'a>(
        &self,
        store: &'a dyn Store,
        now_ms: i64,
    ) -> Result<Staging<'a>, StoreError> {
        let since = store.feed_head()?;
        Ok(Staging::new(store, None, since, now_ms))
    }
}

impl<'a> Staging<'a> {
    fn new(
        store: &'a dyn Store,
        held: Option<std::sync::MutexGuard<'a, DocCache>>,
        since: u64,
        now_ms: i64,
    ) -> Self {
        Staging {
            store,
            held,
            own: DocCache::new(std::num::NonZeroUsize::MIN),
            since,
            pending: Vec::new(),
            now_ms,
            restore: false,
            carried: Vec::new(),
        }
    }

    /// Stages records restored from elsewhere (see `restore`).
    pub fn restoring(mut self) -> Self {
        self.restore = true;
        self
    }

    /// Merges and checks `docs` as a push from `user` (whose `actor` authored their
    /// changes) would be, after everything staged before. Answers in `docs`' order.
    pub fn stage(
        &mut self,
        user: &AuthUser,
        docs: Vec<PushDoc>,
    ) -> Result<Vec<PushResult>, PushError> {
        let actor = user.actor.clone().ok_or(PushError::NoDevice)?;
        let cache = match self.held.as_deref_mut() {
            Some(held) => held,
            None => &mut self.own,
        };
        let results = stage_docs(
            self.store,
            cache,
            user,
            &actor,
            docs,
            &HashSet::new(),
            self.now_ms,
            self.restore,
            &mut self.pending,
        )?;
        // The decoded documents are not kept (an import may stage thousands); their
        // bytes and values are what the commit needs.
        for p in &mut self.pending {
            p.doc = AutoCommit::new();
            p.maps = MapCache::default();
        }
        Ok(results)
    }

    /// Stages, as the merge actor's, the changes carrying to their survivors what was
    /// staged so far on person records merged away, as a push does (`merge::carry`: an
    /// import's line for a record the central office merged since reached neither the
    /// survivor nor the lists). Recorded with their merges on commit. Call it once,
    /// after the persons are staged.
    pub fn carry_to_survivors(&mut self) -> Result<(), StoreError> {
        let mut before = Vec::new();
        for p in &self.pending {
            if let rules::TypedDoc::Person(_) = p.value
                && let Some(crate::storage::Projection::Person(r)) =
                    self.store.record(DocType::Person, p.id)?
                && r.merged_into.is_some()
                && let Some((rules::TypedDoc::Person(old), _)) =
                    stored_value(self.store, p.id, self.now_ms)?
            {
                before.push(old);
            }
        }
        let cache = match self.held.as_deref_mut() {
            Some(held) => held,
            None => &mut self.own,
        };
        let carried =
            carry_to_survivors(self.store, cache, &before, &mut self.pending, self.now_ms)?;
        self.carried.extend(carried);
        Ok(())
    }

    /// Records with their merges the carried changes just committed.
    fn record_carried(&mut self) -> Result<(), StoreError> {
        for (merge, heads) in std::mem::take(&mut self.carried) {
            crate::merge::record_carried(self.store, merge, heads)?;
        }
        Ok(())
    }

    /// Commits everything staged in one store transaction, unflushed (the caller
    /// flushes before answering); erasures are recorded as `by`'s acts. Returns where
    /// each team's feed moved. Only for a staging that holds the writer.
    pub fn commit(mut self, by: &AuthUser) -> Result<Advanced, StoreError> {
        debug_assert!(
            self.held.is_some(),
            "an unheld staging commits with commit_unheld"
        );
        let pending = std::mem::take(&mut self.pending);
        let advanced = finish(self.store, None, by, pending, &mut [], self.now_ms)?;
        self.record_carried()?;
        Ok(advanced)
    }

    /// Takes the writer and, unless a document this staging read (one it staged or one
    /// they refer to) was committed since it began, runs `before` (what must be stored
    /// first) and commits as [`Staging::commit`] does. `None`: something it read changed
    /// meanwhile, and nothing was stored — stage again holding the writer.
    pub fn commit_unheld(
        mut self,
        writer: &Writer,
        by: &AuthUser,
        before: impl FnOnce() -> Result<(), StoreError>,
    ) -> Result<Option<Advanced>, StoreError> {
        let _held = writer.0.lock().unwrap_or_else(|p| p.into_inner());
        let read: HashSet<DocId> = self
            .pending
            .iter()
            .flat_map(|p| {
                std::iter::once(p.id).chain(references(&p.value).into_iter().map(|(id, _)| id))
            })
            .collect();
        let mut cursor = self.since;
        loop {
            let page = self.store.feed_after(cursor, 4096)?;
            let Some(&(last, _)) = page.last() else {
                break;
            };
            if page.iter().any(|(_, id)| read.contains(id)) {
                return Ok(None);
            }
            cursor = last;
        }
        before()?;
        let pending = std::mem::take(&mut self.pending);
        let advanced = finish(self.store, None, by, pending, &mut [], self.now_ms)?;
        self.record_carried()?;
        Ok(Some(advanced))
    }
}

/// Commits merged documents in one store transaction, with their links.
fn commit(store: &dyn Store, pending: &[Pending]) -> Result<Vec<u64>, StoreError> {
    let links: Vec<Vec<DocId>> = pending
        .iter()
        .map(|p| references(&p.value).into_iter().map(|(id, _)| id).collect())
        .collect();
    let batch: Vec<DocCommit<'_>> = pending
        .iter()
        .zip(&links)
        .map(|(p, links)| DocCommit {
            id: p.id,
            bytes: &p.bytes,
            meta: &p.meta,
            projection: &p.projection,
            links,
        })
        .collect();
    store.commit_docs(&batch)
}

/// The order documents of one push are merged in: a document after those it refers to.
fn type_rank(t: DocType) -> u8 {
    DocType::ALL.iter().position(|d| *d == t).unwrap_or(0) as u8
}

/// The records a document refers to, with their type: a contact's person, a referral's
/// contact and person.
pub(crate) fn references(doc: &rules::TypedDoc) -> Vec<(DocId, DocType)> {
    match doc {
        rules::TypedDoc::Contact(c) => c
            .person_id
            .map(|p| (p, DocType::Person))
            .into_iter()
            .collect(),
        rules::TypedDoc::Referral(r) => std::iter::once((r.contact, DocType::Contact))
            .chain(r.person_id.map(|p| (p, DocType::Person)))
            .collect(),
        rules::TypedDoc::Case(c) => std::iter::once((c.person_id, DocType::Person))
            .chain(c.contact_id.map(|id| (id, DocType::Contact)))
            .chain(
                c.interventions
                    .values()
                    .filter_map(|i| i.referral_id)
                    .map(|id| (id, DocType::Referral)),
            )
            .collect(),
        rules::TypedDoc::Person(_)
        | rules::TypedDoc::JobOffer(_)
        | rules::TypedDoc::PuaRules(_) => Vec::new(),
    }
}

/// Whether every record `new` refers to, and `old` did not, is one of its team's, of the
/// right type, stored or merged earlier in this push. A record of another team answers
/// exactly like a record that does not exist: nothing tells a device what other teams
/// hold.
fn references_known(
    store: &dyn Store,
    pending: &[Pending],
    old: Option<&rules::Fixed>,
    new: &rules::TypedDoc,
    restore: bool,
) -> Result<bool, StoreError> {
    let before: Vec<DocId> = match old {
        Some(o) => o.references(),
        None => Vec::new(),
    };
    for (target, doc_type) in references(new) {
        if before.contains(&target) {
            continue;
        }
        let meta = match pending.iter().rev().find(|p| p.id == target) {
            Some(p) => Some(p.meta.clone()),
            None => match store.doc(target)? {
                Some(stored) => Some(stored.meta),
                None => store.quarantined(target)?.map(|(meta, _)| meta),
            },
        };
        // A case (the central office's) may name records of any team: a person met by
        // several teams, a contact of another team's. A field document only its own —
        // but for a person a file restored from elsewhere names (an import: one person
        // met by several teams).
        let central = new.doc_type().central_only() || (restore && doc_type == DocType::Person);
        if !meta.is_some_and(|m| m.doc_type == doc_type && (central || &m.team == new.team())) {
            return Ok(false);
        }
    }
    Ok(true)
}

fn refusal(code: RefusalCode) -> PushOutcome {
    PushOutcome::Refused {
        code,
        reason: code.reason().into(),
    }
}

fn refused(code: RefusalCode) -> Result<PushOutcome, StoreError> {
    Ok(refusal(code))
}

/// Why a stored document's metadata forbids this push, if it does.
fn stored_refusal(user: &AuthUser, pushed: &PushDoc, meta: &DocMeta) -> Option<RefusalCode> {
    // Whether the user may write it first: a document they may not even read says
    // nothing of its type (the attacker's twelfth probe told another team's persons from
    // contacts by the refusal).
    if !may_write(user, meta) {
        return Some(RefusalCode::NotAllowed);
    }
    if meta.doc_type != pushed.doc_type {
        return Some(RefusalCode::TypeMismatch);
    }
    // Changes to a history the server erased would bring it back; a generation the server
    // never gave is no generation (the document's new history is checked too: see
    // `merge_pushed`, a device cannot bring an erased one back by claiming a number).
    if pushed.generation != meta.generation {
        return Some(RefusalCode::Replaced);
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn merge_one(
    store: &dyn Store,
    cache: &mut DocCache,
    user: &AuthUser,
    actor: &[u8],
    pushed: &PushDoc,
    now_ms: i64,
    restore: bool,
    pending: &mut Vec<Pending>,
) -> Result<PushOutcome, StoreError> {
    let (id, doc_type) = (pushed.id, pushed.doc_type);
    // The stored metadata, and the stored document decoded. A quarantined document keeps
    // its metadata and starts again from what the device sends (its whole document).
    // The bytes are read (and opened) only when the document is not kept decoded.
    let mut fixed = None;
    // The bytes stored, which the new changes may be appended to.
    let mut stored_bytes = None;
    // The document's maps as last read, and the measure of its bytes (kept with the
    // decoded document).
    let mut maps = MapCache::default();
    let mut stored_cost = None;
    let (existing, mut doc, healing) = match store.doc_meta(id)? {
        Some(meta) => {
            if let Some(code) = stored_refusal(user, pushed, &meta) {
                return refused(code);
            }
            // One account past its share of a large document is refused before the
            // document is touched (see [`Shares`]): a push refused once, sent again and
            // again, costs what reading its changes costs.
            if !restore
                && let Some(shares) = cache.shares.get(&id).filter(|s| s.heads == meta.heads)
                && let Some(new) = shares.pushed(&pushed.changes.0, actor)
                && new.changes > 0
                && beyond(
                    shares.account(store, user, actor)?.plus(new),
                    ACCOUNT_DOC_BOUNDS,
                )
            {
                return Ok(account_share_refusal());
            }
            let cached = cache
                .docs
                .pop(&id)
                .and_then(|mut k| (Heads::new(k.doc.get_heads()) == meta.heads).then_some(k));
            let doc = match cached {
                Some(kept) => {
                    fixed = Some(kept.fixed);
                    stored_bytes = Some(kept.bytes);
                    maps = kept.maps;
                    stored_cost = kept.cost;
                    Some(kept.doc)
                }
                None => match store.doc(id)? {
                    Some(stored) => {
                        let doc = load_stored(store, id, &stored.bytes, now_ms)?;
                        stored_bytes = Some(stored.bytes);
                        doc
                    }
                    // Gone meanwhile (quarantined by a pull): as a quarantined document.
                    None => None,
                },
            };
            let healing = doc.is_none();
            (Some(meta), doc.unwrap_or_default(), healing)
        }
        None => match store.quarantined(id)? {
            Some((meta, _)) => {
                if let Some(code) = stored_refusal(user, pushed, &meta) {
                    return refused(code);
                }
                (Some(meta), AutoCommit::new(), true)
            }
            None => (None, AutoCommit::new(), false),
        },
    };
    let before = doc.get_heads();
    // What the change rules compare against: the few fields that may not change.
    let old = match &existing {
        // Kept with the decoded document.
        Some(_) if fixed.is_some() => fixed,
        // A contact's (or a quarantined document's) team and author are in its metadata.
        Some(meta) if (doc_type == DocType::Contact || healing) && meta.author.is_some() => {
            meta.author.map(|author| {
                let readable = (!healing).then_some(&doc);
                rules::Fixed::contact(meta.team.clone(), author, readable)
            })
        }
        Some(_) => rules::Fixed::read(doc_type, &doc).ok(),
        None => None,
    };
    // Automerge may panic anywhere on a document holding crafted changes: everything it
    // does with the pushed data runs guarded, and a panic refuses the document.
    let merged = guarded(|| merge_pushed(&mut doc, &before, pushed, actor, &mut maps));
    let (new, added, parsed) = match merged {
        None => return refused(RefusalCode::Malformed),
        Some(Merged::Done(outcome)) => return Ok(outcome),
        Some(Merged::Unchanged(after)) => {
            return Ok(match existing {
                // A quarantined document needs the whole document back.
                Some(_) if healing => PushOutcome::Incomplete,
                Some(_) => PushOutcome::Accepted {
                    heads: Heads::new(after),
                },
                None => refusal(RefusalCode::Empty),
            });
        }
        Some(Merged::Changed(new, added, parsed)) => (*new, added, parsed),
    };
    // A withdrawal made on a copy older than the stored person (a merge, or another
    // device, added data it never saw) wins: what it did not know of goes too, never a
    // refusal (found by a test: a phone offline at a merge could not withdraw).
    let mut new = new;
    if let (rules::TypedDoc::Person(p), Some(meta)) = (&mut new, &existing)
        && p.consent.status == ConsentStatus::Withdrawn
        && meta.consent == Some(ConsentStatus::Given)
        && p.has_identifying_data()
    {
        let (at, by) = (p.consent.at, p.consent.recorded_by);
        p.withdraw_consent(at, by);
    }
    // Tests prove a panic fails one document only (never compiled into a release build).
    #[cfg(feature = "fault-injection")]
    if let rules::TypedDoc::Contact(c) = &new
        && c.note == "STRADA-INJECT-PANIC"
    {
        panic!("injected fault");
    }
    let checked = match &old {
        Some(old) => rules::change(user, old, &new, now_ms),
        None => rules::create(user, &new, now_ms),
    };
    if let Err((code, reason)) = checked {
        return Ok(PushOutcome::Refused { code, reason });
    }
    // What happened on a case is not dated ahead: the app allows up to tomorrow on its
    // own clock, a day ahead of UTC at most besides, hence two days here. A file's
    // records are checked by the import itself, which names the line and the field.
    if let rules::TypedDoc::Case(c) = &new
        && !restore
    {
        let last_day = chrono::DateTime::from_timestamp_millis(now_ms + 2 * rules::CLOCK_SKEW_MS)
            .unwrap_or_default()
            .format("%Y-%m-%d")
            .to_string();
        let was = match &old {
            Some(o) => match o.central.as_deref() {
                Some(rules::TypedDoc::Case(o)) => Some(&**o),
                _ => None,
            },
            None => None,
        };
        if let Some(field) = c.dated_ahead(was, &last_day) {
            return Ok(PushOutcome::Refused {
                code: RefusalCode::InvalidDate,
                reason: format!("{field}: what happened is not dated in the future"),
            });
        }
        if let Some(field) = c.dated_before_opening(was) {
            return Ok(PushOutcome::Refused {
                code: RefusalCode::InvalidDate,
                reason: format!("{field}: dated before the case was opened"),
            });
        }
        // The names of who follows it are shown on pages and written into files: no
        // control character nor a mark that reorders text (the attacker's fifteenth
        // probe: a NUL and U+202E reached the workload CSV and the dashboard).
        for (name, before) in [
            (&c.case_manager, was.map(|w| &w.case_manager)),
            (&c.labour_expert, was.map(|w| &w.labour_expert)),
        ] {
            if !name.is_empty()
                && Some(name) != before
                && schema::contact::check_name(name).is_err()
            {
                return Ok(PushOutcome::Refused {
                    code: RefusalCode::Schema,
                    reason: "a case manager's or labour expert's name holds a control character or a mark that reorders text".into(),
                });
            }
        }
        // Access conditions, the meeting's mode, criteria and the judgement are codes of
        // the PUA's rules, as the rules write them (the attacker's sixteenth probe set a
        // judgement of `=HYPERLINK("x")`). A value already stored stays.
        let code = |v: &str| {
            !v.is_empty()
                && v.len() <= 40
                && v.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        let new_items = c
            .access
            .iter()
            .filter(|v| !was.is_some_and(|w| w.access.contains(v)))
            .chain(
                c.eligibility
                    .criteria
                    .iter()
                    .filter(|v| !was.is_some_and(|w| w.eligibility.criteria.contains(v))),
            );
        let new_values = [
            (
                &c.assessment.judgement,
                was.map(|w| &w.assessment.judgement),
            ),
            (&c.first_meeting.mode, was.map(|w| &w.first_meeting.mode)),
        ]
        .into_iter()
        .filter(|(v, before)| !v.is_empty() && Some(*v) != *before)
        .map(|(v, _)| v);
        if new_items.chain(new_values).any(|v| !code(v)) {
            return Ok(PushOutcome::Refused {
                code: RefusalCode::Schema,
                reason: "an access condition, a meeting mode, a criterion or a judgement is not a code of the PUA's rules".into(),
            });
        }
        // The version of the rules it is assessed under is one the PUA published (the
        // attacker's sixteenth probe named version 9999; it then read as version 1).
        // Before the rules are first asked for, only their first version exists.
        if c.rules_version != 0
            && was.is_none_or(|w| w.rules_version != c.rules_version)
            && !match crate::rules_cache::stored(store)? {
                Some(rules) => rules.version(c.rules_version).is_some(),
                None => c.rules_version == 1,
            }
        {
            return Ok(PushOutcome::Refused {
                code: RefusalCode::Schema,
                reason: "a case's rules version is not a version of the PUA's rules".into(),
            });
        }
    }
    if !references_known(store, pending, old.as_ref(), &new, restore)? {
        return refused(RefusalCode::UnknownReference);
    }
    // A contact names its person only while that person's consent is given. After a
    // withdrawal (here, or earlier in this push) a contact written offline that names
    // the person is kept without the alias and the names in its text, as the withdrawal
    // would have left it; with consent never given, it is refused.
    let mut called = Vec::new();
    if let rules::TypedDoc::Contact(c) = &mut new
        && let Some(pid) = c.person_id
    {
        match person_consent(store, pending, pid, now_ms)? {
            Some(ConsentStatus::Given) | None => {}
            Some(ConsentStatus::Withdrawn) => {
                if c.person != PersonRef::Anonymous || c.consent != ConsentStatus::Withdrawn {
                    let names = schema::erase::names_of(None, [&*c]);
                    c.erase_person(&names);
                    called = names;
                }
            }
            Some(_) if c.person != PersonRef::Anonymous => {
                return refused(RefusalCode::ConsentRequired);
            }
            Some(_) => {}
        }
    }
    // A referral for a person who had withdrawn, written offline (the attacker's
    // fourteenth probe: its outcome kept their name, in the central records and the
    // export): its outcome, new or changed, keeps none of the names its contact in this
    // push called them by — with none known (its contact came in an earlier push, and
    // was erased then), the outcome goes whole — and the referral is rewritten without
    // the history that held it.
    let mut referral_erased = false;
    if let rules::TypedDoc::Referral(r) = &mut new
        && !(r.outcome.is_empty() && r.partner.is_empty())
        && referral_withdrawn(store, pending, r, now_ms)?
        && (existing.is_none()
            || !matches!(stored_value(store, id, now_ms)?,
                Some((rules::TypedDoc::Referral(o), _))
                    if o.outcome == r.outcome && o.partner == r.partner))
    {
        let names = pending
            .iter()
            .find(|p| p.id == r.contact)
            .map(|p| p.called.clone())
            .unwrap_or_default();
        let before = (r.outcome.clone(), r.partner.clone());
        if names.is_empty() {
            // The partner is an organisation's name: kept (its figures count by it). A
            // referral restored from a file (an import) holds what the withdrawal left
            // where it was written — its export's text (a new user's check: an export
            // imported into an empty store lost the outcomes of withdrawn persons'
            // referrals, erased whole) — and no name of the person is known here.
            if !r.outcome.is_empty() && !restore {
                r.outcome = schema::erase::ERASED.to_string();
            }
        } else {
            r.erase_person(&names);
        }
        referral_erased = (&r.outcome, &r.partner) != (&before.0, &before.1);
    }
    // A person withdrawn now: the names to erase from their contacts and referrals.
    let erase = match (&new, &old) {
        (rules::TypedDoc::Person(p), old)
            if p.consent.status == ConsentStatus::Withdrawn
                && existing
                    .as_ref()
                    .is_none_or(|m| m.consent != Some(ConsentStatus::Withdrawn)) =>
        {
            let before = old.as_ref().and_then(|o| o.person.as_deref());
            let mut names = schema::erase::names_of(before, []);
            names.extend(p.aliases.iter().cloned());
            Some(names)
        }
        _ => None,
    };
    // A case is opened only for a person whose consent is given; after a withdrawal
    // (here, or earlier in this push) a case written offline keeps no identifying data,
    // as the withdrawal would have left it — and so does a case restored from a file
    // (opened before the withdrawal, elsewhere).
    // A new case belongs to a team of the PUA: one with accounts or with field records
    // (found by the attacker's seventh probe: cases filed under «zzz-nowhere» were
    // listed, and a central device keeping that team offline would have kept them).
    if let rules::TypedDoc::Case(c) = &new
        && existing.is_none()
        && !restore
        && !known_team(store, &c.team)?
    {
        return Ok(PushOutcome::Refused {
            code: RefusalCode::Schema,
            reason: "a case belongs to a team of the PUA (one with accounts or records)".into(),
        });
    }
    if let rules::TypedDoc::Case(c) = &mut new {
        match person_consent(store, pending, c.person_id, now_ms)? {
            Some(ConsentStatus::Given) => {}
            Some(ConsentStatus::Withdrawn) if existing.is_some() || restore => {
                if c.has_identifying_data() {
                    c.erase_person();
                }
            }
            _ => return refused(RefusalCode::ConsentRequired),
        }
    }
    let consent = match &new {
        rules::TypedDoc::Person(p) => Some(p.consent.status),
        rules::TypedDoc::Contact(c) => Some(c.consent),
        _ => None,
    };
    // Consent withdrawn by this push: the document is rewritten without its history,
    // which holds the erased values (see `compact`).
    let withdrawn_now = (consent == Some(ConsentStatus::Withdrawn)
        && existing
            .as_ref()
            .is_none_or(|m| m.consent != Some(ConsentStatus::Withdrawn)))
        || referral_erased;
    let mut doc = if withdrawn_now {
        maps.clear();
        compact(&new).map_err(|e| StoreError::Corrupt(e.to_string()))?
    } else {
        doc
    };
    // What will be stored must stay within the bounds and load back as its type, or the
    // next pull or push of it would fail: nothing is acknowledged before that holds.
    // An edit is appended to the bytes stored (its changes read back, see
    // `append_changes`); a new, healed or rewritten document, or one whose appended
    // changes have grown as large as its last whole save, is saved whole and loaded
    // back.
    // (The measure of the bytes stored is kept with the decoded document: only what is
    // appended to them is measured, against what is left of the bounds.)
    // The changes this push added, for the account's share (see [`Shares`]): measured
    // only for a record that large (measuring every push's changes cost a sixth of the
    // push path's throughput).
    let added_raw: Option<Vec<(u64, Vec<u8>)>> = parsed.as_ref().map(|changes| {
        changes
            .iter()
            .map(|c| (c.seq(), c.raw_bytes().to_vec()))
            .collect()
    });
    let appended = match &stored_bytes {
        Some(stored) if !healing && !withdrawn_now => {
            let after = doc.get_heads();
            guarded(|| append_changes(stored, parsed, &mut doc, &before, &after))
                .flatten()
                .and_then(|bytes| {
                    let spent = match stored_cost {
                        Some(cost) => cost,
                        None => bounds::measure(stored, DOC_BOUNDS).ok()?,
                    };
                    let tail =
                        bounds::measure(&bytes[stored.len()..], DOC_BOUNDS.minus(spent)).ok()?;
                    Some((bytes, spent.plus(tail)))
                })
        }
        _ => None,
    };
    let (bytes, cost, mut loaded) = match appended {
        Some((bytes, cost)) => (bytes, cost, doc),
        None => match save_and_load_back(id, &mut doc) {
            Ok(saved) => saved,
            Err(code) => return refused(code),
        },
    };
    // One account fills no document: past its share of the bounds it may add no more
    // to it (found by the attacker's sixth probe: 10,000 one-operation changes froze a
    // record for everyone, central merges included; then 47 long notes). Counted only
    // for a document this large (the measure is an upper bound), from its history.
    // The shares are counted from the stored ones and what this push added, or, the
    // first time, from the whole history.
    let mut shares = None;
    if !restore && !withdrawn_now && beyond(cost, ACCOUNT_DOC_BOUNDS) {
        let added_costs: Option<Vec<(u64, Cost)>> = added_raw.as_ref().map(|changes| {
            changes
                .iter()
                .map(|(seq, bytes)| (*seq, change_cost(bytes)))
                .collect()
        });
        let (before_heads, after_heads) =
            (Heads::new(before.clone()), Heads::new(loaded.get_heads()));
        let known = cache
            .shares
            .get(&id)
            .filter(|s| s.heads == before_heads)
            .cloned();
        let after = match (known, &added_costs) {
            (Some(known), Some(added)) => Some(known.with(after_heads, actor, added)),
            _ => Shares::of(&mut loaded),
        };
        if let Some(after) = after {
            if beyond(after.account(store, user, actor)?, ACCOUNT_DOC_BOUNDS) {
                // Kept as the stored document's: the same push again is refused
                // before it is merged.
                if let Some(added) = &added_costs {
                    cache
                        .shares
                        .put(id, after.without(before_heads, actor, added));
                }
                return Ok(account_share_refusal());
            }
            shares = Some(after);
        }
    }
    let after = loaded.get_heads();
    // Values written apart show as several heads once merged; a document that had them
    // keeps them until someone writes over them. Otherwise there is nothing to look for
    // (the look costs a tenth of a push).
    // (A document rewritten without its history by a withdrawal has none.)
    let look_for_conflicts = !withdrawn_now
        && (after.len() > 1
            || existing.as_ref().is_some_and(|m| m.conflicted)
            || merged_apart(&added, &before));
    let generation = existing
        .as_ref()
        .map_or(0, |m| m.generation)
        .saturating_add(u32::from(withdrawn_now));
    let mut meta = match existing {
        Some(stored) => DocMeta {
            updated_at: now_ms,
            heads: Heads::new(after),
            consent,
            generation,
            verified: true,
            ..stored
        },
        None => DocMeta {
            doc_type,
            team: new.team().clone(),
            sensitivity: if doc_type.central_only() {
                Sensitivity::Case
            } else {
                Sensitivity::Field
            },
            created_by: user.id,
            received_at: now_ms,
            updated_at: now_ms,
            seq: 0,
            heads: Heads::new(after),
            author: Some(new.author()),
            consent,
            generation,
            verified: true,
            conflicted: false,
        },
    };
    let conflicts = if look_for_conflicts {
        conflicts_of(store, &mut loaded, doc_type, now_ms)?
    } else {
        Vec::new()
    };
    meta.conflicted = !conflicts.is_empty();
    let mut projection = projection::of(&new, &meta);
    projection.set_conflicts(conflicts);
    let heads = meta.heads.clone();
    pending.push(Pending {
        id,
        bytes,
        meta,
        projection,
        // The document as loaded back from its bytes: the next push of it starts here.
        doc: loaded,
        maps,
        cost: Some(cost),
        value: new,
        compacted: withdrawn_now,
        erase,
        called,
        shares,
    });
    Ok(PushOutcome::Accepted { heads })
}

/// Whether `team` is one of the PUA's: an account's, or one whose field records are on
/// its feed.
pub(crate) fn known_team(store: &dyn Store, team: &TeamId) -> Result<bool, StoreError> {
    Ok(store.team_feed_head(team)? > 0 || store.users()?.iter().any(|u| &u.team == team))
}

/// What one account's devices may write into one document: a fifth of each of its
/// bounds ([`DOC_BOUNDS`]: decoded bytes, changes, operations), so that no one account
/// can fill a document (a record edited every working day for eight years from one
/// account stays under it). The attacker's sixth probe froze a record with 10,000
/// changes; the verification of the fix filled its bytes with 47 long notes instead.
pub const ACCOUNT_DOC_BOUNDS: Cost = Cost {
    decoded: MAX_DOC_DECODED_BYTES / 5,
    changes: MAX_DOC_CHANGES / 5,
    ops: MAX_DOC_OPS / 5,
};

/// See [`ACCOUNT_DOC_BOUNDS`].
pub const MAX_ACCOUNT_DOC_CHANGES: u64 = ACCOUNT_DOC_BOUNDS.changes;

/// What a change chunk measures beyond what it writes, at most (see `account_share`).
const CHANGE_FRAMING_BYTES: u64 = 256;

/// Whether any measure of `cost` is over the same measure of `bound`.
fn beyond(cost: Cost, bound: Cost) -> bool {
    cost.decoded > bound.decoded || cost.changes > bound.changes || cost.ops > bound.ops
}

/// The refusal of a change past its account's share of a document.
fn account_share_refusal() -> PushOutcome {
    PushOutcome::Refused {
        code: RefusalCode::TooLarge,
        reason: "this account has written more into this record than one account may (a fifth of its bounds)".into(),
    }
}

/// A document saved whole (without automerge's own column compression: the HTTP layer
/// compresses what a pull serves anyway, and saving and loading back each push without
/// it costs less), and the saved bytes loaded back: they must stay within the bounds and
/// give the same heads (the same changes: the loaded document reads as the one saved,
/// with no second, costly, hydration). Returns the bytes, their measure and the loaded
/// document.
fn save_and_load_back(
    id: DocId,
    doc: &mut AutoCommit,
) -> Result<(Vec<u8>, bounds::Cost, AutoCommit), RefusalCode> {
    let Some(bytes) = guarded(|| doc.save_nocompress()) else {
        return Err(RefusalCode::Malformed);
    };
    let cost = match bounds::measure(&bytes, DOC_BOUNDS) {
        Ok(cost) => cost,
        Err(BoundError::Exceeds(_)) => return Err(RefusalCode::TooLarge),
        Err(BoundError::Malformed) => {
            tracing::error!(doc = %id, "a saved document does not parse as automerge chunks");
            return Err(RefusalCode::Malformed);
        }
    };
    let mut loaded = match guarded(|| AutoCommit::load(&bytes)) {
        Some(Ok(loaded)) => loaded,
        _ => return Err(RefusalCode::Malformed),
    };
    if Heads::new(loaded.get_heads()) != Heads::new(doc.get_heads()) {
        return Err(RefusalCode::Malformed);
    }
    Ok((bytes, cost, loaded))
}

/// The bytes to store for a document edited: the bytes stored for it (a document chunk,
/// then the change chunks appended since), followed by the changes this merge `added`
/// to the document as loaded from those bytes (which is how automerge loads such
/// bytes: the document, then each change, each after its parents). The added changes
/// are those the device sent, `parsed` back from its chunks (or, when they were not
/// all there, rebuilt by automerge from `doc` and read back from their bytes); the heads they
/// give on top of the heads `before` must be the merged document's heads `after`: a
/// hash covers a change's bytes and its history's, so those bytes are the very changes
/// merged (a change automerge re-encodes otherwise than it was hashed fails here).
/// `None` when the document must be saved whole: that check fails, the stored bytes do
/// not start with a document chunk, or the changes appended since its last whole save
/// would outweigh it.
fn append_changes(
    stored: &[u8],
    parsed: Option<Vec<automerge::Change>>,
    doc: &mut AutoCommit,
    before: &[automerge::ChangeHash],
    after: &[automerge::ChangeHash],
) -> Option<Vec<u8>> {
    let whole = bounds::document_len(stored)?;
    let back = match parsed {
        Some(back) => back,
        None => doc
            .get_changes(before)
            .iter()
            .map(|c| automerge::Change::from_bytes(c.raw_bytes().to_vec()).ok())
            .collect::<Option<_>>()?,
    };
    let tail: usize = back.iter().map(|c| c.raw_bytes().len()).sum();
    if stored.len() - whole + tail > whole.max(MIN_APPEND_BYTES) {
        return None;
    }
    let mut bytes = Vec::with_capacity(stored.len() + tail);
    bytes.extend_from_slice(stored);
    let appended: HashSet<_> = back.iter().map(|c| c.hash()).collect();
    let mut depended = HashSet::new();
    // Each change after those of its parents appended with it.
    let mut written: HashSet<automerge::ChangeHash> = HashSet::new();
    while written.len() < back.len() {
        let ready: Vec<&automerge::Change> = back
            .iter()
            .filter(|c| !written.contains(&c.hash()))
            .filter(|c| {
                c.deps()
                    .iter()
                    .all(|d| !appended.contains(d) || written.contains(d))
            })
            .collect();
        if ready.is_empty() {
            return None;
        }
        for change in ready {
            depended.extend(change.deps().iter().copied());
            bytes.extend_from_slice(change.raw_bytes());
            written.insert(change.hash());
        }
    }
    let heads: HashSet<_> = before
        .iter()
        .chain(&appended)
        .filter(|h| !depended.contains(*h))
        .copied()
        .collect();
    (heads == after.iter().copied().collect()).then_some(bytes)
}

/// Changes appended to a document since its last whole save may reach its size, or this
/// much for a small document, before it is saved whole again.
const MIN_APPEND_BYTES: usize = 4096;

/// The documents that refer to `target`: stored (indexed) or merged in this push.
fn linked(store: &dyn Store, pending: &[Pending], target: DocId) -> Result<Vec<DocId>, StoreError> {
    let mut out = store.linked_to(target)?;
    for p in pending {
        if references(&p.value).iter().any(|(t, _)| *t == target) && !out.contains(&p.id) {
            out.push(p.id);
        }
    }
    Ok(out)
}

/// A document as this push leaves it: merged earlier in it, or stored (`None` when it
/// does not load or read: it is skipped, and logged).
fn current(
    store: &dyn Store,
    pending: &[Pending],
    id: DocId,
    now_ms: i64,
) -> Result<Option<(rules::TypedDoc, DocMeta)>, StoreError> {
    if let Some(p) = pending.iter().find(|p| p.id == id) {
        return Ok(Some((p.value.clone(), p.meta.clone())));
    }
    stored_value(store, id, now_ms)
}

fn stored_value(
    store: &dyn Store,
    id: DocId,
    now_ms: i64,
) -> Result<Option<(rules::TypedDoc, DocMeta)>, StoreError> {
    let Some(stored) = store.doc(id)? else {
        return Ok(None);
    };
    let Some(doc) = load_stored(store, id, &stored.bytes, now_ms)? else {
        return Ok(None);
    };
    match guarded(|| rules::TypedDoc::read(stored.meta.doc_type, &doc)) {
        Some(Ok(value)) => Ok(Some((value, stored.meta))),
        _ => {
            tracing::error!(doc = %id, "a stored document does not read as its type: not erased");
            Ok(None)
        }
    }
}

/// Erases a person who withdrew consent from every contact and referral the server
/// holds of them (found by their links: contacts naming the person, referrals of the
/// person or of those contacts): no alias, and none of their `names` in free text. Each
/// document changed is rewritten without its history (a new generation: devices take it
/// whole) and joins this push's commit. Returns the documents rewritten.
/// Withdraws the consent of the person record `id` (another record of a person who
/// withdrew): its identifying data emptied, its history rewritten without them (a new
/// generation, as for any withdrawal). Returns the names it held, or `None` when it is
/// not a person or already withdrawn.
fn withdraw_record(
    store: &dyn Store,
    pending: &mut Vec<Pending>,
    id: DocId,
    user: &AuthUser,
    now_ms: i64,
) -> Result<Option<Vec<String>>, StoreError> {
    let Some((rules::TypedDoc::Person(mut p), meta)) = current(store, pending, id, now_ms)? else {
        return Ok(None);
    };
    if p.consent.status == ConsentStatus::Withdrawn {
        return Ok(None);
    }
    let mut names = p.aliases.clone();
    names.extend(p.phone.clone());
    p.withdraw_consent(now_ms, user.id);
    rewrite_person(pending, p, meta, now_ms)?;
    Ok(Some(names))
}

/// Rewrites the person record `id` as it is now, without its history (a new
/// generation: devices take it whole): the survivor of a merge since undone, whose
/// history still holds what the merge gave it of a person who has now withdrawn their
/// consent (found by the attacker's fifth probe: the names stayed in the survivor's
/// history, on its team's phones). Returns whether it was rewritten.
fn forget_undone_merge(
    store: &dyn Store,
    pending: &mut Vec<Pending>,
    id: DocId,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let Some((rules::TypedDoc::Person(p), meta)) = current(store, pending, id, now_ms)? else {
        return Ok(false);
    };
    // Rewritten in this commit already; or withdrawn, its history rewritten then (a
    // merge into a withdrawn person gives it no identifying data).
    if pending.iter().any(|x| x.id == id && x.compacted)
        || p.consent.status == ConsentStatus::Withdrawn
    {
        return Ok(false);
    }
    rewrite_person(pending, p, meta, now_ms)?;
    Ok(true)
}

/// Puts `p` in `pending` as a document of one change by the server (see `compact`), at
/// the generation after `meta`'s unless this commit raised it already.
fn rewrite_person(
    pending: &mut Vec<Pending>,
    p: PersonDoc,
    meta: DocMeta,
    now_ms: i64,
) -> Result<(), StoreError> {
    let id = p.id;
    let consent = p.consent.status;
    let value = rules::TypedDoc::Person(p);
    let mut doc = compact(&value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let bytes = doc.save();
    let here = pending.iter().position(|x| x.id == id);
    let raised = here.is_some_and(|i| pending[i].compacted);
    let meta = DocMeta {
        updated_at: now_ms,
        heads: Heads::new(doc.get_heads()),
        consent: Some(consent),
        generation: meta.generation.saturating_add(u32::from(!raised)),
        verified: true,
        ..meta
    };
    let entry = Pending {
        id,
        bytes,
        projection: projection::of(&value, &meta),
        meta,
        doc,
        maps: MapCache::default(),
        cost: None,
        value,
        compacted: true,
        erase: None,
        called: Vec::new(),
        shares: None,
    };
    match here {
        Some(i) => pending[i] = entry,
        None => pending.push(entry),
    }
    Ok(())
}

fn erase_person(
    store: &dyn Store,
    pending: &mut Vec<Pending>,
    person: DocId,
    names: &[String],
    now_ms: i64,
) -> Result<Vec<DocId>, StoreError> {
    let mut targets: Vec<(DocId, rules::TypedDoc, DocMeta)> = Vec::new();
    let mut seen = vec![person];
    let mut queue = vec![person];
    // The person's contacts and referrals, then the referrals of those contacts.
    while let Some(t) = queue.pop() {
        for id in linked(store, pending, t)? {
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            let Some((value, meta)) = current(store, pending, id, now_ms)? else {
                continue;
            };
            if let rules::TypedDoc::Contact(_) = value {
                queue.push(id);
            }
            targets.push((id, value, meta));
        }
    }
    // The names each contact called the person by, as stored and as pushed.
    let mut names = names.to_vec();
    for (id, value, _) in &targets {
        if let rules::TypedDoc::Contact(c) = value {
            names.extend(schema::erase::names_of(None, [c]));
            if pending.iter().any(|p| p.id == *id)
                && let Some((rules::TypedDoc::Contact(stored), _)) =
                    stored_value(store, *id, now_ms)?
            {
                names.extend(schema::erase::names_of(None, [&stored]));
            }
        }
    }
    names.sort();
    names.dedup();
    let mut rewritten = Vec::new();
    for (id, value, meta) in targets {
        let erased = match value.clone() {
            rules::TypedDoc::Contact(mut c) => {
                c.erase_person(&names);
                rules::TypedDoc::Contact(c)
            }
            rules::TypedDoc::Referral(mut r) => {
                r.erase_person(&names);
                rules::TypedDoc::Referral(r)
            }
            rules::TypedDoc::Case(mut c) => {
                c.erase_person();
                rules::TypedDoc::Case(c)
            }
            rules::TypedDoc::Person(_)
            | rules::TypedDoc::JobOffer(_)
            | rules::TypedDoc::PuaRules(_) => {
                continue;
            }
        };
        let here = pending.iter().position(|p| p.id == id);
        // Rewritten by this push already, and nothing more to erase.
        if here.is_some_and(|i| pending[i].compacted && pending[i].value == erased) {
            continue;
        }
        let mut doc = compact(&erased).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let bytes = doc.save();
        let heads = Heads::new(doc.get_heads());
        let raised = here.is_some_and(|i| pending[i].compacted);
        let meta = DocMeta {
            updated_at: now_ms,
            heads,
            consent: match &erased {
                rules::TypedDoc::Contact(c) => Some(c.consent),
                _ => meta.consent,
            },
            generation: meta.generation.saturating_add(u32::from(!raised)),
            verified: true,
            ..meta
        };
        let projection = projection::of(&erased, &meta);
        let entry = Pending {
            id,
            bytes,
            meta,
            projection,
            doc,
            maps: MapCache::default(),
            cost: None,
            value: erased,
            compacted: true,
            erase: None,
            called: Vec::new(),
            shares: None,
        };
        match here {
            Some(i) => pending[i] = entry,
            None => pending.push(entry),
        }
        rewritten.push(id);
    }
    Ok(rewritten)
}

/// What merging pushed changes into a document gave.
enum Merged {
    /// The answer is known already (refused, incomplete).
    Done(PushOutcome),
    /// Nothing new: the document's heads.
    Unchanged(Vec<automerge::ChangeHash>),
    /// The merged document, read as its type, and the changes the merge added: each
    /// one's hash and parents, and the changes themselves when the device sent them
    /// all as change chunks (parsed back from those).
    Changed(
        Box<rules::TypedDoc>,
        Vec<Added>,
        Option<Vec<automerge::Change>>,
    ),
}

/// A change a merge added to a document: its hash and its parents (read from the
/// document's change graph, without rebuilding the change).
struct Added {
    hash: automerge::ChangeHash,
    deps: Vec<automerge::ChangeHash>,
}

/// Applies the pushed changes to `doc` and reads the result: the part of a merge that
/// runs automerge on what a device sent.
fn merge_pushed(
    doc: &mut AutoCommit,
    before: &[automerge::ChangeHash],
    pushed: &PushDoc,
    actor: &[u8],
    maps: &mut MapCache,
) -> Merged {
    if doc.load_incremental(&pushed.changes.0).is_err() {
        return Merged::Done(refusal(RefusalCode::Malformed));
    }
    // Changes whose dependencies the server lacks are queued, not applied: never
    // acknowledge them; the device sends its whole document next time.
    if !doc.get_missing_deps(&[]).is_empty() {
        return Merged::Done(PushOutcome::Incomplete);
    }
    let after = doc.get_heads();
    if after == before {
        return Merged::Unchanged(after);
    }
    let mut foreign = actor == server_actor().to_bytes();
    let added: Vec<Added> = doc
        .get_changes_meta(before)
        .into_iter()
        .map(|c| {
            foreign |= c.actor.to_bytes() != actor;
            Added {
                hash: c.hash,
                deps: c.deps,
            }
        })
        .collect();
    // A device may only author changes under its own actor (never the server's).
    if foreign {
        return Merged::Done(refusal(RefusalCode::ForeignActor));
    }
    // Every change of a stored document descends from its first one: a second root is
    // another history — after a withdrawal, the erased one the device still holds —
    // whatever generation the device claims.
    if !before.is_empty() && added.iter().any(|c| c.deps.is_empty()) {
        return Merged::Done(refusal(RefusalCode::Replaced));
    }
    // The maps kept from the last read are brought up to date with what was added
    // (all of them read again when the added changes are not all at hand).
    let parsed = match pushed_changes(&pushed.changes.0, &added) {
        Some((changes, expanded)) => {
            maps.refresh(doc, &expanded);
            Some(changes)
        }
        None => {
            maps.clear();
            None
        }
    };
    // The merged document must match its schema (the field rules come after), and hold
    // nothing the schema does not read (checked below): keys it ignores, unticked set
    // items.
    let (new, shaped) = match rules::TypedDoc::read_shaped(pushed.doc_type, doc, maps) {
        Ok(read) => read,
        Err(e) => {
            let code = match &e {
                schema::SchemaError::Invalid(v) => RefusalCode::of_invalid(v),
                _ => RefusalCode::Schema,
            };
            return Merged::Done(PushOutcome::Refused {
                code,
                reason: e.to_string(),
            });
        }
    };
    if new.id() != pushed.id {
        return Merged::Done(refusal(RefusalCode::IdMismatch));
    }
    if let Err(e) = shaped {
        return Merged::Done(PushOutcome::Refused {
            code: RefusalCode::Schema,
            reason: e.to_string(),
        });
    }
    Merged::Changed(Box::new(new), added, parsed)
}

/// The `added` changes as the device sent them in `pushed`, parsed back, once each, with
/// their operations; `None` when they are not all there as change chunks (a whole
/// document was sent) or one is not encoded as automerge encodes it (the same
/// operations written otherwise: a saved document would re-encode it and no longer
/// load, which the slower path, re-encoding every added change, refuses).
fn pushed_changes(
    pushed: &[u8],
    added: &[Added],
) -> Option<(Vec<automerge::Change>, Vec<automerge::ExpandedChange>)> {
    let wanted: HashSet<automerge::ChangeHash> = added.iter().map(|c| c.hash).collect();
    let (mut found, mut expanded) = (Vec::with_capacity(added.len()), Vec::new());
    let mut seen = HashSet::new();
    for chunk in bounds::change_chunks(pushed)? {
        let change = automerge::Change::from_bytes(chunk.to_vec()).ok()?;
        if wanted.contains(&change.hash()) && seen.insert(change.hash()) {
            let ops = change.decode();
            if automerge::Change::from(ops.clone()).hash() != change.hash() {
                return None;
            }
            found.push(change);
            expanded.push(ops);
        }
    }
    (found.len() == wanted.len()).then_some((found, expanded))
}

/// Whether `user` may read a document with `meta`: the central office sees all of its
/// PUA; a field worker only field documents of their own team (never a case).
pub fn may_read(user: &AuthUser, meta: &DocMeta) -> bool {
    match user.role {
        Role::FieldWorker => {
            meta.team == user.team
                && meta.sensitivity == Sensitivity::Field
                && !meta.doc_type.central_only()
        }
        // The auditor reads the audit log only.
        Role::Auditor => false,
        // The central office, in every role, reads the whole PUA; case documents only
        // the roles whose work they are.
        role => {
            role.is_central()
                && (meta.sensitivity == Sensitivity::Field && !meta.doc_type.central_only()
                    || role.reads_cases())
        }
    }
}

/// Whether `user` may change a document with `meta`.
pub fn may_write(user: &AuthUser, meta: &DocMeta) -> bool {
    may_read(user, meta)
}

/// What a device that pulled `feed` up to `cursor` has of a document: the heads of its
/// last version at or before the cursor, if still in its history.
fn known_heads(history: Vec<DocVersion>, feed: Feed<'_>, cursor: u64) -> Option<Heads> {
    if cursor == 0 {
        return None;
    }
    history
        .into_iter()
        .rev()
        .find(|v| {
            let at = match feed {
                Feed::Global => Some(v.seq),
                Feed::Team(_) => v.team_seq,
            };
            at.is_some_and(|at| at <= cursor)
        })
        .map(|v| v.heads)
}

/// Serves one page of the change feed after `cursor`, filtered to what `user` may read:
/// the global feed for the central office, the team's own feed for a field device (see
/// [`position`]). A page that serves documents of other teams than the user's is
/// recorded in the audit log (one entry, the ids) before it is returned.
pub fn pull(
    store: &dyn Store,
    user: &AuthUser,
    cursor: u64,
    since: Option<u64>,
    now_ms: i64,
) -> Result<PullResponse, StoreError> {
    let feed = Feed::of(user);
    let cursor = feed.from_device(cursor);
    let since = since.map(|s| feed.from_device(s));
    // What the device surely holds of a document: its state at the end of the last
    // complete pull (see `PullRequest::since`).
    let base = since.unwrap_or(cursor).min(cursor);
    // A central device syncs what it keeps offline only (see `SyncScope`).
    let scope = match (feed, &user.actor) {
        (Feed::Global, Some(actor)) => {
            Some(store.device(actor)?.map(|d| d.scope).unwrap_or_default())
        }
        (Feed::Global, None) => Some(SyncScope::default()),
        (Feed::Team(_), _) => None,
    };
    let mut scanned = 0usize;
    let mut docs = Vec::new();
    // Documents of other teams this page serves: the audit log records them.
    let mut elsewhere = Vec::new();
    let mut bytes_total = 0usize;
    let mut next = cursor;
    let mut more = false;
    'outer: loop {
        let entries = match feed {
            Feed::Global => store.feed_after(next, PULL_PAGE_DOCS * 2)?,
            Feed::Team(team) => store.team_feed_after(team, next, PULL_PAGE_DOCS * 2)?,
        };
        if entries.is_empty() {
            break;
        }
        for (seq, id) in entries {
            if docs.len() >= PULL_PAGE_DOCS
                || bytes_total >= PULL_PAGE_BYTES
                || scanned >= PULL_SCAN_ENTRIES
            {
                more = true;
                break 'outer;
            }
            next = seq;
            scanned += 1;
            if let Some(scope) = &scope {
                let Some(meta) = store.doc_meta(id)? else {
                    continue;
                };
                if !in_scope(store, user, scope, id, &meta)? {
                    continue;
                }
            }
            let Some(stored) = store.doc(id)? else {
                continue;
            };
            if !may_read(user, &stored.meta) {
                continue;
            }
            let doc_changes = match known_heads(store.doc_history(id)?, feed, base) {
                Some(known) => {
                    // A document that does not load is set aside; the page goes on.
                    let Some(mut doc) = load_stored(store, id, &stored.bytes, now_ms)? else {
                        continue;
                    };
                    // State the device had in a history since erased: a snapshot instead.
                    let changes = guarded(|| {
                        known
                            .0
                            .iter()
                            .all(|h| doc.get_change_by_hash(h).is_some())
                            .then(|| doc.save_after(&known.0))
                    });
                    let Some(changes) = changes else {
                        quarantine(store, id, "reading the stored document panicked", now_ms)?;
                        continue;
                    };
                    changes
                }
                None => None,
            };
            let pulled = match doc_changes {
                Some(changes) => pulled_doc(id, &stored.meta, changes, false),
                None => {
                    if !servable(store, id, &stored, now_ms)? {
                        continue;
                    }
                    pulled_doc(id, &stored.meta, stored.bytes, true)
                }
            };
            bytes_total += pulled.data.0.len();
            if stored.meta.team != user.team {
                elsewhere.push(id);
            }
            docs.push(pulled);
        }
    }
    if !elsewhere.is_empty() {
        audit::record(
            store,
            now_ms,
            Record::new(Act::Pull).by(user).docs(elsewhere),
        )?;
    }
    let head = match feed {
        Feed::Global => store.feed_head()?,
        Feed::Team(team) => store.team_feed_head(team)?,
    };
    Ok(PullResponse {
        docs,
        cursor: feed.to_device(next),
        more,
        head: feed.to_device(head.max(next)),
    })
}

/// Feed entries one pull page looks at, at most: a central device whose scope holds
/// little of a large feed gets pages with few documents (or none) that still move its
/// cursor, rather than one request scanning the whole feed.
pub const PULL_SCAN_ENTRIES: usize = 20_000;

/// Whether a central device with `scope` syncs the document `id`: its user wrote it, it
/// belongs to a team kept offline, or it is a person kept offline, one of their contacts
/// or one of their referrals — the records merged into that person included.
fn in_scope(
    store: &dyn Store,
    user: &AuthUser,
    scope: &SyncScope,
    id: DocId,
    meta: &DocMeta,
) -> Result<bool, StoreError> {
    // Case documents only to a device that asked for case work (an older app does not
    // know them), and only for a role that reads them.
    if meta.doc_type.central_only() {
        if !scope.cases || !user.role.reads_cases() {
            return Ok(false);
        }
        if meta.doc_type != DocType::Case {
            // Job offers and the PUA's rules: few, and every case needs them.
            return Ok(true);
        }
    }
    if meta.created_by == user.id
        || meta.author == Some(user.id)
        || scope.teams.contains(&meta.team)
    {
        return Ok(true);
    }
    // The cases the user follows.
    if meta.doc_type == DocType::Case
        && let Some(Projection::Case(r)) = store.record(DocType::Case, id)?
    {
        let name = &user.username;
        if (!name.is_empty())
            && (r.case.case_manager.eq_ignore_ascii_case(name)
                || r.case.labour_expert.eq_ignore_ascii_case(name))
        {
            return Ok(true);
        }
    }
    if scope.persons.is_empty() {
        return Ok(false);
    }
    let contact_person = |c: DocId| -> Result<Option<DocId>, StoreError> {
        Ok(match store.record(DocType::Contact, c)? {
            Some(crate::storage::Projection::Contact(r)) => r.person_id,
            _ => None,
        })
    };
    let person = match meta.doc_type {
        DocType::Case => match store.record(DocType::Case, id)? {
            Some(Projection::Case(r)) => Some(r.case.person_id),
            _ => None,
        },
        DocType::JobOffer | DocType::PuaRules => None,
        DocType::Person => Some(id),
        DocType::Contact => contact_person(id)?,
        DocType::Referral => match store.record(DocType::Referral, id)? {
            Some(crate::storage::Projection::Referral(r)) => match r.person_id {
                Some(p) => Some(p),
                None => contact_person(r.contact)?,
            },
            _ => None,
        },
    };
    // A person kept offline brings the records merged into them (along the chain).
    let mut at = person;
    for _ in 0..8 {
        let Some(p) = at else {
            return Ok(false);
        };
        if scope.persons.contains(&p) {
            return Ok(true);
        }
        at = match store.record(DocType::Person, p)? {
            Some(crate::storage::Projection::Person(r)) => r.merged_into,
            _ => None,
        };
    }
    Ok(false)
}

/// Full snapshots of the listed documents the user may read (the repair path, when
/// pulled changes depend on changes a device lacks; the workspace's copy of what it
/// opens). Each id once, and as a pull's page, no more than [`PULL_PAGE_BYTES`] past the
/// first document: the device asks again for what did not come (found by the attacker's
/// eighth probe: one large record asked 200 times answered 81 MB, built in memory; a
/// dozen slow readers held gigabytes).
pub fn snapshots(
    store: &dyn Store,
    user: &AuthUser,
    ids: &[DocId],
    now_ms: i64,
) -> Result<Vec<PulledDoc>, StoreError> {
    let mut out = Vec::new();
    let mut elsewhere = Vec::new();
    let mut asked = HashSet::new();
    let mut bytes_total = 0usize;
    for id in ids.iter().take(PULL_PAGE_DOCS) {
        if !asked.insert(*id) {
            continue;
        }
        if bytes_total >= PULL_PAGE_BYTES {
            break;
        }
        if let Some(stored) = store.doc(*id)?
            && may_read(user, &stored.meta)
            && servable(store, *id, &stored, now_ms)?
        {
            if stored.meta.team != user.team {
                elsewhere.push(*id);
            }
            bytes_total += stored.bytes.len();
            out.push(pulled_doc(*id, &stored.meta, stored.bytes, true));
        }
    }
    if !elsewhere.is_empty() {
        audit::record(
            store,
            now_ms,
            Record::new(Act::Snapshots).by(user).docs(elsewhere),
        )?;
    }
    Ok(out)
}

/// A document as a pull or a repair sends it: `data` is a snapshot or the changes after
/// the state the device had.
fn pulled_doc(id: DocId, meta: &DocMeta, data: Vec<u8>, snapshot: bool) -> PulledDoc {
    PulledDoc {
        id,
        doc_type: meta.doc_type,
        data: Bytes(data),
        snapshot,
        heads: meta.heads.clone(),
        generation: meta.generation,
    }
}

/// Indexes the links of documents stored before links were indexed, once (a store
/// records when it is done), and erases the persons who withdrew consent before then
/// from the contacts and referrals that still name them.
pub fn index_links(store: &dyn Store, now_ms: i64) -> Result<(), StoreError> {
    if store.links_indexed()? {
        return Ok(());
    }
    let ids = store.doc_ids()?;
    let mut withdrawn = Vec::new();
    for id in &ids {
        let Some((value, meta)) = stored_value(store, *id, now_ms)? else {
            continue;
        };
        let targets: Vec<DocId> = references(&value).into_iter().map(|(t, _)| t).collect();
        store.add_links(*id, &targets)?;
        if meta.doc_type == DocType::Person && meta.consent == Some(ConsentStatus::Withdrawn) {
            withdrawn.push(*id);
        }
    }
    for person in withdrawn {
        let mut pending = Vec::new();
        let rewritten = erase_person(store, &mut pending, person, &[], now_ms)?;
        commit(store, &pending)?;
        if !rewritten.is_empty() {
            let docs = std::iter::once(person).chain(rewritten).collect();
            audit::record(store, now_ms, Record::new(Act::ConsentWithdrawn).docs(docs))?;
        }
    }
    store.flush()?;
    tracing::info!(documents = ids.len(), "links between documents indexed");
    store.mark_links_indexed()
}

/// Recomputes every projection from the stored documents (a cold rebuild), returning the
/// records. Used to check that projections never drift from documents.
pub fn rebuild_records(store: &dyn Store) -> Result<Vec<(DocId, u32, Projection)>, StoreError> {
    let mut out = Vec::new();
    for id in store.doc_ids()? {
        let Some(stored) = store.doc(id)? else {
            continue;
        };
        let Some(Ok(doc)) = guarded(|| AutoCommit::load(&stored.bytes)) else {
            tracing::warn!(doc = %id, "a stored document does not load: no record rebuilt");
            continue;
        };
        let typed = rules::TypedDoc::read(stored.meta.doc_type, &doc);
        if let Ok(value) = typed {
            let generation = stored.meta.generation;
            let mut record = projection::of(&value, &stored.meta);
            let mut doc = doc;
            record.set_conflicts(conflicts_of(
                store,
                &mut doc,
                stored.meta.doc_type,
                stored.meta.updated_at,
            )?);
            out.push((id, generation, record));
        }
    }
    Ok(out)
}

/// The contact records of a cold rebuild (see [`rebuild_records`]).
pub fn rebuild_contact_records(
    store: &dyn Store,
) -> Result<Vec<strada_shared::api::ContactRecord>, StoreError> {
    Ok(rebuild_records(store)?
        .into_iter()
        .filter_map(|(_, _, p)| match p {
            Projection::Contact(c) => Some(*c),
            _ => None,
        })
        .collect())
}

/// Once, on a store whose records are of an older layout (`projection::VERSION`): every
/// document projected again, so records carry every field and every type has them.
pub fn reproject(store: &dyn Store) -> Result<(), StoreError> {
    if store.projection_version()? >= projection::VERSION {
        return Ok(());
    }
    let records = rebuild_records(store)?;
    for (id, generation, record) in &records {
        store.put_record(*id, *generation, record)?;
    }
    store.set_projection_version(projection::VERSION)?;
    store.flush()?;
    tracing::info!(documents = records.len(), "central records projected again");
    Ok(())
}

/// Whether the changes added after `before` hold work done apart, merged on the device
/// before it pushed: a change with several parents, or one built on something other
/// than `before` and the changes added with it.
fn merged_apart(added: &[Added], before: &[automerge::ChangeHash]) -> bool {
    let hashes: HashSet<automerge::ChangeHash> = added.iter().map(|c| c.hash).collect();
    added.iter().any(|c| {
        c.deps.len() > 1
            || c.deps
                .iter()
                .any(|d| !before.contains(d) && !hashes.contains(d))
    })
}

/// A document's conflicting sensitive fields, each value with who wrote it (the device's
/// owner) and when: the time the writing device gave, but never later than
/// `received_by_ms`, the document's last change on the server, by when every change of
/// it had been received (found by the attacker's sixth probe: a device's clock set to
/// 2100 made its value look the newest to a reviewer). Only the document's time is
/// stored, not each change's: a value written with a clock ahead shows, at most, as
/// late as the document's last change (what a cold rebuild of the records gives too).
pub fn conflicts_of(
    store: &dyn Store,
    doc: &mut AutoCommit,
    doc_type: DocType,
    received_by_ms: i64,
) -> Result<Vec<schema::conflicts::FieldConflict>, StoreError> {
    let mut found = schema::conflicts::find(doc, doc_type);
    if found.is_empty() {
        return Ok(found);
    }
    schema::conflicts::write_times(doc, &mut found);
    for c in &mut found {
        for v in &mut c.values {
            v.at = v.at.map(|at| at.min(received_by_ms));
            let Ok(actor) = hex::decode(&v.actor) else {
                continue;
            };
            if actor == reviewer_actor().to_bytes() {
                continue;
            }
            v.by = store.device(&actor)?.map(|d| d.user_id);
        }
    }
    Ok(found)
}

/// The actor of the changes the server writes for a reviewer's choice between
/// conflicting values (who chose is in the audit log).
pub fn reviewer_actor() -> automerge::ActorId {
    automerge::ActorId::from(strada_shared::sync::REVIEWER_ACTOR)
}

/// Why a choice between conflicting values was not applied.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("no such document")]
    NotFound,
    #[error("that field has no such value to choose (already resolved?)")]
    NoSuchValue,
    #[error("the chosen value does not make a valid document, or breaks a rule of a push")]
    Invalid,
    #[error("that person was merged into another: review the person kept")]
    MergedAway,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Keeps one of a field's conflicting values: a new change (by [`reviewer_actor`]) that
/// writes the chosen value over all of them, checked as a push's change would be
/// (schema, shape, field and consent rules: [`ResolveError::Invalid`] otherwise, and
/// nothing is written), committed like a push and synced to every device that holds the
/// document. Returns its new feed position and its team.
pub fn resolve_conflict(
    store: &dyn Store,
    writer: &Writer,
    choice: &strada_shared::central::Resolve,
    now_ms: i64,
) -> Result<Advanced, ResolveError> {
    let mut cache = writer.0.lock().unwrap_or_else(|p| p.into_inner());
    let Some(stored) = store.doc(choice.id)? else {
        return Err(ResolveError::NotFound);
    };
    let Some(doc) = load_stored(store, choice.id, &stored.bytes, now_ms)? else {
        return Err(ResolveError::NotFound);
    };
    let doc_type = stored.meta.doc_type;
    let mut doc = doc.with_actor(reviewer_actor());
    // What the push path judges a change against: the document as stored.
    let old = rules::Fixed::read(doc_type, &doc).map_err(|_| ResolveError::Invalid)?;
    // A person merged into another is no longer shown: a value kept on it would reach
    // nobody (a new user's walk: the survivor kept the value just turned down).
    if old.person.as_ref().is_some_and(|p| p.merged_into.is_some()) {
        return Err(ResolveError::MergedAway);
    }
    if !schema::conflicts::choose(&mut doc, &choice.field, &choice.actor, choice.counter) {
        return Err(ResolveError::NoSuchValue);
    }
    let value = chosen_value(store, doc_type, &doc, &old, now_ms)?;
    let bytes = doc.save_nocompress();
    let meta = DocMeta {
        updated_at: now_ms,
        heads: Heads::new(doc.get_heads()),
        verified: true,
        ..stored.meta
    };
    let mut meta = meta;
    // Bounded by the document's new time, as a cold rebuild of the records bounds it.
    let conflicts = conflicts_of(store, &mut doc, doc_type, now_ms)?;
    meta.conflicted = !conflicts.is_empty();
    let mut projection = projection::of(&value, &meta);
    projection.set_conflicts(conflicts);
    let pending = vec![Pending {
        id: choice.id,
        bytes,
        meta,
        projection,
        doc,
        maps: MapCache::default(),
        cost: None,
        value,
        compacted: false,
        erase: None,
        called: Vec::new(),
        shares: None,
    }];
    let seq = commit(store, &pending)?
        .first()
        .copied()
        .unwrap_or_default();
    store.flush()?;
    let mut advanced = Advanced::new();
    for p in pending {
        let audience = (!doc_type.central_only()).then(|| p.meta.team.clone());
        advanced.insert(audience, seq);
        keep(&mut cache, p);
    }
    Ok(advanced)
}

/// The document a reviewer's choice leaves, checked as the push path checks a change
/// (`old`: what the stored document fixes): its schema and shape, the field rules and
/// the consent rules — a contact names its person, and a case keeps identifying data,
/// only while that person's consent is given. What the push path would mend (a contact
/// written offline before a withdrawal) is refused here: the reviewer chooses again.
fn chosen_value(
    store: &dyn Store,
    doc_type: DocType,
    doc: &AutoCommit,
    old: &rules::Fixed,
    now_ms: i64,
) -> Result<rules::TypedDoc, ResolveError> {
    let mut maps = MapCache::default();
    let (value, shaped) = rules::TypedDoc::read_shaped(doc_type, doc, &mut maps)
        .map_err(|_| ResolveError::Invalid)?;
    shaped.map_err(|_| ResolveError::Invalid)?;
    rules::change(&reviewer(), old, &value, now_ms).map_err(|_| ResolveError::Invalid)?;
    let consent = |id| person_consent(store, &[], id, now_ms);
    let allowed = match &value {
        rules::TypedDoc::Contact(c) => match c.person_id {
            Some(id) if c.person != PersonRef::Anonymous => {
                matches!(consent(id)?, Some(ConsentStatus::Given) | None)
            }
            _ => true,
        },
        rules::TypedDoc::Case(c) => match consent(c.person_id)? {
            Some(ConsentStatus::Given) => true,
            Some(ConsentStatus::Withdrawn) => !c.has_identifying_data(),
            _ => false,
        },
        _ => true,
    };
    if !allowed {
        return Err(ResolveError::Invalid);
    }
    Ok(value)
}

/// Whom the push path's rules judge a reviewer's choice as: the central office (the
/// reviewer's own role was checked before), in no account's name — a choice writes no
/// consent, move or review of its own, and one that did would not be the author's.
fn reviewer() -> AuthUser {
    AuthUser {
        id: system_user(),
        username: String::new(),
        role: Role::CentralOffice,
        team: TeamId::parse("pua").expect("a valid team"),
        actor: Some(reviewer_actor().to_bytes().to_vec()),
        session: [0; 32],
    }
}

/// The author of what the server writes in no account's name (the PUA's first rules).
pub fn system_user() -> strada_shared::ids::UserId {
    strada_shared::ids::UserId::parse("01900000-0000-7000-8000-000000000000").expect("a valid UUID")
}

/// Writes the PUA's rules document with its first version (the seed's model, which the
/// director then edits) when the store has none: the first time a case role asks for the
/// rules, under the writer, so one document is ever created.
pub fn seed_rules(store: &dyn Store, writer: &Writer, now_ms: i64) -> Result<(), StoreError> {
    use strada_shared::schema::pua_rules::{PuaRulesDoc, RulesVersion, rules_id};
    let id = rules_id();
    let _merging = writer.0.lock().unwrap_or_else(|p| p.into_inner());
    if store.doc_meta(id)?.is_some() || store.quarantined(id)?.is_some() {
        return Ok(());
    }
    let by = system_user();
    let value = PuaRulesDoc {
        id,
        author: by,
        team: TeamId::parse("pua").expect("a valid team"),
        created_at: now_ms,
        versions: vec![RulesVersion::initial(by, now_ms)],
    };
    let mut doc =
        schema::create(server_actor(), &value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let bytes = doc.save_nocompress();
    let meta = DocMeta {
        doc_type: DocType::PuaRules,
        team: value.team.clone(),
        sensitivity: Sensitivity::Case,
        created_by: by,
        received_at: now_ms,
        updated_at: now_ms,
        seq: 0,
        heads: Heads::new(doc.get_heads()),
        author: Some(by),
        consent: None,
        generation: 0,
        verified: true,
        conflicted: false,
    };
    let value = rules::TypedDoc::PuaRules(Box::new(value));
    let projection = projection::of(&value, &meta);
    let pending = vec![Pending {
        id,
        bytes,
        meta,
        projection,
        doc: AutoCommit::load(&doc.save()).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        maps: MapCache::default(),
        cost: None,
        value,
        compacted: false,
        erase: None,
        called: Vec::new(),
        shares: None,
    }];
    commit(store, &pending)?;
    store.flush()
}

/// The actor of the changes the server writes itself (a compacted document's one change).
pub fn server_actor() -> automerge::ActorId {
    automerge::ActorId::from(strada_shared::sync::COMPACTOR_ACTOR)
}

/// The actor of the changes a merge or an unmerge of persons writes (`crate::merge`),
/// whoever merges: the only one whose changes may set a person's `merged_into`, or
/// restore a consent recorded by someone else. No device's.
pub fn merge_actor() -> automerge::ActorId {
    automerge::ActorId::from(strada_shared::sync::MERGE_ACTOR)
}

/// The actor of the changes an import writes (`crate::exchange`), whoever imports. Like
/// [`server_actor`], no device's: a sign-in claiming it is refused.
pub fn import_actor() -> automerge::ActorId {
    automerge::ActorId::from(strada_shared::sync::IMPORT_ACTOR)
}

/// The document rewritten from its current value as a single change by the server: no
/// history, so values erased by a withdrawal of consent are gone from it. Devices take
/// it whole (its generation is higher) instead of merging it with their history.
fn compact(value: &rules::TypedDoc) -> Result<AutoCommit, schema::SchemaError> {
    match value {
        rules::TypedDoc::Contact(c) => schema::create(server_actor(), c),
        rules::TypedDoc::Person(p) => schema::create(server_actor(), p),
        rules::TypedDoc::Referral(r) => schema::create(server_actor(), r),
        rules::TypedDoc::Case(c) => schema::create(server_actor(), &**c),
        rules::TypedDoc::JobOffer(o) => schema::create(server_actor(), &**o),
        rules::TypedDoc::PuaRules(r) => schema::create(server_actor(), &**r),
    }
}

/// The consent status of a person as this push leaves it (a person accepted earlier in
/// the same push counts), or `None` when the server does not hold that person.
/// Whether the person a referral is for (its own link, else its contact's) has
/// withdrawn consent.
fn referral_withdrawn(
    store: &dyn Store,
    pending: &[Pending],
    r: &schema::ReferralDoc,
    now_ms: i64,
) -> Result<bool, StoreError> {
    let person = match r.person_id {
        Some(p) => Some(p),
        None => match current(store, pending, r.contact, now_ms)? {
            Some((rules::TypedDoc::Contact(c), _)) => c.person_id,
            _ => None,
        },
    };
    Ok(match person {
        Some(p) => person_consent(store, pending, p, now_ms)? == Some(ConsentStatus::Withdrawn),
        None => false,
    })
}

fn person_consent(
    store: &dyn Store,
    pending: &[Pending],
    id: DocId,
    now_ms: i64,
) -> Result<Option<ConsentStatus>, StoreError> {
    // A person accepted by this push always has its status in its metadata.
    if let Some(p) = pending.iter().rev().find(|p| p.id == id) {
        return Ok(p
            .meta
            .consent
            .filter(|_| p.meta.doc_type == DocType::Person));
    }
    match store.doc(id)? {
        Some(stored) if stored.meta.doc_type == DocType::Person => match stored.meta.consent {
            Some(status) => Ok(Some(status)),
            // Stored before the metadata kept the status: read from the document.
            None => Ok(load_stored(store, id, &stored.bytes, now_ms)?
                .and_then(|doc| schema::read::<PersonDoc>(&doc).ok())
                .map(|p| p.consent.status)),
        },
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strada_shared::ids::UserId;

    fn user(role: Role, team: &str) -> AuthUser {
        AuthUser {
            id: UserId::new_v7(1_700_000_000_000, [1; 10]),
            username: "u".into(),
            role,
            team: TeamId::parse(team).unwrap(),
            actor: None,
            session: [0; 32],
        }
    }

    fn meta(team: &str, sensitivity: Sensitivity) -> DocMeta {
        DocMeta {
            doc_type: strada_shared::schema::DocType::Contact,
            team: TeamId::parse(team).unwrap(),
            sensitivity,
            created_by: UserId::new_v7(1_700_000_000_000, [1; 10]),
            received_at: 0,
            updated_at: 0,
            seq: 1,
            heads: Heads::default(),
            author: None,
            consent: None,
            generation: 0,
            verified: true,
            conflicted: false,
        }
    }

    #[test]
    fn field_workers_read_their_teams_field_documents_only() {
        let field = user(Role::FieldWorker, "bergamo-1");
        assert!(may_read(&field, &meta("bergamo-1", Sensitivity::Field)));
        assert!(!may_read(&field, &meta("cremona-2", Sensitivity::Field)));
        assert!(!may_read(&field, &meta("bergamo-1", Sensitivity::Case)));
        let central = user(Role::CentralOffice, "pua");
        assert!(may_read(&central, &meta("cremona-2", Sensitivity::Case)));
    }

    /// A person whose consent was refused, stored with two values of `birth_year`
    /// written apart (as no push accepts: a person without consent keeps no birth
    /// year): `null`, shown, and 1990. Returns the store's id and the two values' writes.
    fn person_with_a_conflict(store: &dyn Store) -> (DocId, Vec<(String, String, u64)>) {
        use strada_shared::domain::DocumentStatus;
        use strada_shared::schema::Consent;
        use strada_shared::vocab::Gender;
        const T: i64 = 1_760_000_000_000;
        let me = UserId::new_v7(1_760_000_000_000, [1; 10]);
        let person = PersonDoc {
            id: DocId::new_v7(1_760_000_000_000, [2; 10]),
            aliases: Vec::new(),
            birth_year: None,
            birth_year_estimated: false,
            gender: Gender::Unknown,
            country: String::new(),
            languages: Vec::new(),
            phone: None,
            documents: DocumentStatus::Unknown,
            usual_place: String::new(),
            consent: Consent {
                status: ConsentStatus::Refused,
                at: T,
                recorded_by: me,
                partners: Vec::new(),
            },
            author: me,
            team: TeamId::parse("bergamo-1").unwrap(),
            created_at: T,
            merged_into: None,
        };
        let mut a = schema::create(automerge::ActorId::from([1u8; 16]), &person).unwrap();
        let mut b = a.fork().with_actor(automerge::ActorId::from([2u8; 16]));
        let born = |year| PersonDoc {
            birth_year: year,
            ..person.clone()
        };
        schema::update(&mut b, &born(Some(1990))).unwrap();
        // Two writes on this side: its `null` is the value shown.
        schema::update(&mut a, &born(Some(1980))).unwrap();
        schema::update(&mut a, &born(None)).unwrap();
        a.merge(&mut b).unwrap();
        let value = rules::TypedDoc::read(DocType::Person, &a).unwrap();
        assert_eq!(value, rules::TypedDoc::Person(person.clone()));
        let meta = DocMeta {
            doc_type: DocType::Person,
            team: person.team.clone(),
            sensitivity: Sensitivity::Field,
            created_by: me,
            received_at: T,
            updated_at: T,
            seq: 0,
            heads: Heads::new(a.get_heads()),
            author: Some(me),
            consent: Some(ConsentStatus::Refused),
            generation: 0,
            verified: true,
            conflicted: true,
        };
        let pending = Pending {
            id: person.id,
            bytes: a.save_nocompress(),
            projection: projection::of(&value, &meta),
            meta,
            doc: a.fork(),
            maps: MapCache::default(),
            cost: None,
            value,
            compacted: false,
            erase: None,
            called: Vec::new(),
            shares: None,
        };
        commit(store, &[pending]).unwrap();
        let found = schema::conflicts::find(&a, DocType::Person);
        let values = found
            .iter()
            .find(|c| c.field == "birth_year")
            .expect("birth_year written apart")
            .values
            .iter()
            .map(|v| (v.value.clone(), v.actor.clone(), v.counter))
            .collect();
        (person.id, values)
    }

    #[test]
    fn a_choice_the_push_path_would_refuse_is_not_written() {
        let (_dir, store) = crate::testing::temp_store("strada-resolve");
        let writer = Writer::default();
        let (id, values) = person_with_a_conflict(&store);
        let choice = |value: &str| {
            let (_, actor, counter) = values.iter().find(|v| v.0 == value).expect("a value");
            strada_shared::central::Resolve {
                id,
                field: "birth_year".into(),
                actor: actor.clone(),
                counter: *counter,
            }
        };
        let before = store.doc(id).unwrap().unwrap();
        // A birth year for a person without consent: refused, nothing written.
        let refused = resolve_conflict(&store, &writer, &choice("1990"), 1_760_000_000_000);
        assert!(matches!(refused, Err(ResolveError::Invalid)), "{refused:?}");
        let after = store.doc(id).unwrap().unwrap();
        assert_eq!(
            (after.bytes, after.meta.heads),
            (before.bytes, before.meta.heads)
        );
        // Keeping no birth year is a choice the rules allow.
        resolve_conflict(&store, &writer, &choice("null"), 1_760_000_000_000).unwrap();
        let doc = AutoCommit::load(&store.doc(id).unwrap().unwrap().bytes).unwrap();
        assert!(schema::conflicts::find(&doc, DocType::Person).is_empty());
        assert_eq!(schema::read::<PersonDoc>(&doc).unwrap().birth_year, None);
    }
    /// A staging that does not hold the writer lets pushes through while it stages (a
    /// held one would wait for them: this test would hang), and commits only when no
    /// document it read was written meanwhile.
    #[test]
    fn an_unheld_staging_lets_pushes_through_and_commits_only_what_nothing_changed() {
        use strada_shared::domain::DocumentStatus;
        use strada_shared::schema::Consent;
        use strada_shared::vocab::Gender;
        const T: i64 = 1_760_000_000_000;
        let (_dir, store) = crate::testing::temp_store("strada-unheld");
        let writer = Writer::default();
        let actor = automerge::ActorId::from([7u8; 16]);
        let me = AuthUser {
            actor: Some(actor.to_bytes().to_vec()),
            ..user(Role::FieldWorker, "bergamo-1")
        };
        store.bind_actor(actor.to_bytes(), me.id).unwrap();
        let person = |n: u8| PersonDoc {
            id: DocId::new_v7(T as u64, [n; 10]),
            aliases: vec![format!("Persona {n}")],
            birth_year: Some(1990),
            birth_year_estimated: false,
            gender: Gender::Unknown,
            country: String::new(),
            languages: Vec::new(),
            phone: None,
            documents: DocumentStatus::Unknown,
            usual_place: String::new(),
            consent: Consent {
                status: ConsentStatus::Given,
                at: T,
                recorded_by: me.id,
                partners: Vec::new(),
            },
            author: me.id,
            team: me.team.clone(),
            created_at: T,
            merged_into: None,
        };
        let whole = |p: &PersonDoc| PushDoc {
            id: p.id,
            doc_type: DocType::Person,
            changes: strada_shared::sync::Bytes(
                schema::create(actor.clone(), p).unwrap().save_nocompress(),
            ),
            generation: 0,
        };
        // An edit of a stored person, on top of what is stored.
        let edit = |p: &PersonDoc, year: i64| {
            let stored = store.doc(p.id).unwrap().unwrap();
            let mut doc = AutoCommit::load(&stored.bytes)
                .unwrap()
                .with_actor(actor.clone());
            let heads = doc.get_heads();
            schema::update(
                &mut doc,
                &PersonDoc {
                    birth_year: Some(year),
                    ..p.clone()
                },
            )
            .unwrap();
            PushDoc {
                id: p.id,
                doc_type: DocType::Person,
                changes: strada_shared::sync::Bytes(doc.save_after(&heads)),
                generation: 0,
            }
        };
        let accepted = |results: &[PushResult]| {
            results
                .iter()
                .all(|r| matches!(r.outcome, PushOutcome::Accepted { .. }))
        };
        let pushed = |docs| {
            let report = push(&store, &writer, &me, PushRequest { docs }, T).unwrap();
            assert!(accepted(&report.response.results));
        };
        let (one, two, three) = (person(1), person(2), person(3));
        pushed(vec![whole(&one)]);

        // Staged: an edit of `one`. A phone's push edits `one` meanwhile: not committed.
        let mut staging = writer.staging_unheld(&store, T).unwrap();
        assert!(accepted(
            &staging.stage(&me, vec![edit(&one, 1991)]).unwrap()
        ));
        pushed(vec![edit(&one, 1992)]);
        let mut before_ran = false;
        let committed = staging
            .commit_unheld(&writer, &me, || {
                before_ran = true;
                Ok(())
            })
            .unwrap();
        assert!(committed.is_none() && !before_ran);
        let stored: PersonDoc =
            schema::read(&AutoCommit::load(&store.doc(one.id).unwrap().unwrap().bytes).unwrap())
                .unwrap();
        assert_eq!(stored.birth_year, Some(1992));

        // Staged: a new person. A push of another person meanwhile: committed.
        let mut staging = writer.staging_unheld(&store, T).unwrap();
        assert!(accepted(&staging.stage(&me, vec![whole(&three)]).unwrap()));
        pushed(vec![whole(&two)]);
        let committed = staging.commit_unheld(&writer, &me, || Ok(())).unwrap();
        assert!(committed.is_some());
        assert!(store.doc(three.id).unwrap().is_some());
        assert!(store.doc(two.id).unwrap().is_some());
    }
}
