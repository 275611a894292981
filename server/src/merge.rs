//! Merging person records the central office judged to be one person, and undoing it.
//!
//! A merge writes two ordinary changes, by [`crate::sync::merge_actor`], through the push
//! path ([`crate::sync::Staging`]: the same checks, projections, feed and sync to every
//! device that holds the documents):
//! - the merged person's `merged_into` names the survivor (nothing else of it changes);
//! - the survivor takes, field by field, the value the reviewer chose ([`MERGE_FIELDS`]),
//!   every alias and language of both, and the more restrictive of the two consents
//!   (partners: those both consented to). When that consent is not given and the survivor
//!   holds identifying data, it is withdrawn (the push path then erases the names from
//!   the survivor's history, contacts and referrals, as for any withdrawal — final).
//!
//! Contacts and referrals keep naming the record they named: every list and figure counts
//! them under the survivor (`crate::central` follows `merged_into`, chains included), and
//! a phone that was offline may still log a contact for the merged record — it is
//! accepted and counts under the survivor. What a device writes afterwards on the merged
//! record itself (a phone number, a birth year, a name learnt) is carried to the survivor
//! in the same commit, as the merge actor's change ([`carry`]: where the survivor holds
//! what the record held, at most [`MAX_CARRIED`] changes, no chains), and recorded with
//! the merge; an unmerge takes it back to what was there before it.
//!
//! The merge's [`Entry`] (tree `merges`) records who, when, why and what was chosen, and
//! the survivor's heads before and after it — no personal data: an unmerge reads the
//! values from the survivor's own history. An unmerge clears `merged_into` and gives back
//! every survivor field the merge changed and nobody changed since (a later edit wins);
//! a withdrawal of consent stays final, and what it erased stays erased.

use automerge::AutoCommit;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use strada_shared::central::{
    Keep, MERGE_FIELDS, MergeRecord, MergeRequest, Undone, UnmergeRequest,
};
use strada_shared::ids::DocId;
use strada_shared::schema::person::{MAX_ALIASES, MAX_LANGUAGES, consent_rank};
use strada_shared::schema::{self, DocType, PersonDoc};
use strada_shared::sync::{Bytes, PushDoc, PushOutcome};
use strada_shared::vocab::{ConsentStatus, Gender};

use crate::auth::AuthUser;
use crate::projection::rfc3339_ms;
use crate::storage::{Store, StoreError};
use crate::sync::{PushError, Staging, Writer, merge_actor};

/// The longest reason a merge or an unmerge keeps, in characters.
pub const MAX_REASON_CHARS: usize = 500;

/// A merge as stored: its record, and where the survivor's history stood around it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub record: MergeRecord,
    /// The survivor's heads (hex) before and after the merge's change.
    pub survivor_before: Vec<String>,
    pub survivor_after: Vec<String>,
    /// Where the survivor's history stood around each change that carried to it what a
    /// device wrote on the merged record since ([`carry`]): an unmerge takes those
    /// values back too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carried: Vec<Carried>,
}

/// The survivor's heads (hex) before and after one carried change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Carried {
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// A device's edit of a record merged away, to carry to the person it was merged into
/// (DESIGN: a device still offline that writes to a merged person lands on the
/// survivor). A phone offline at the merge, or one of a team that sees only its own
/// record (the survivor being another team's), goes on writing to that record: without
/// this, a new phone number or a name learnt there reached neither the survivor nor the
/// central office's lists.
pub struct Carry {
    /// The merge the survivor's change is recorded with.
    pub merge: DocId,
    /// The survivor's change, as the merge actor's push.
    pub push: PushDoc,
    pub heads: Carried,
}

/// The most changes carried to a survivor for one merge: past them, what a device writes
/// stays on its record (the attacker's ninth probe: 2,000 carried changes filled the
/// merge actor's share of the survivor, and the unmerge, which writes as that actor, was
/// refused for good; it also held the writer 25 s reading them back).
pub const MAX_CARRIED: usize = 20;

/// What a device changed on a merged record (`before` → `after`) written onto the
/// survivor: each field of [`MERGE_FIELDS`] it changed where the survivor holds what the
/// record held (the same value, or none) — never over a value the reviewer kept at the
/// merge or the survivor's team wrote since (a new user's walk: a phone's birth year
/// replaced the one the reviewer chose, a phone number replaced the survivor team's);
/// the aliases and languages it added (within a person's bounds); partners it took away
/// from the consent (the more restrictive holds, as at the merge). Only between persons
/// who both gave consent (identifying data goes nowhere else; a withdrawal reaches the
/// survivor by its own path). `None` when nothing changes.
fn carried_value(survivor: &PersonDoc, before: &PersonDoc, after: &PersonDoc) -> Option<PersonDoc> {
    if survivor.consent.status != ConsentStatus::Given
        || after.consent.status != ConsentStatus::Given
    {
        return None;
    }
    let mut out = survivor.clone();
    for field in MERGE_FIELDS {
        if !same_field(before, after, field)
            && (same_field(survivor, before, field) || is_empty_field(survivor, field))
        {
            copy_field(&mut out, after, field);
        }
    }
    let added = |a: &'_ [String], b: &'_ [String]| -> Vec<String> {
        a.iter().filter(|x| !b.contains(x)).cloned().collect()
    };
    add_missing(
        &mut out.aliases,
        added(&after.aliases, &before.aliases).iter(),
        MAX_ALIASES,
    );
    add_missing(
        &mut out.languages,
        added(&after.languages, &before.languages).iter(),
        MAX_LANGUAGES,
    );
    let dropped: Vec<&String> = before
        .consent
        .partners
        .iter()
        .filter(|p| !after.consent.partners.contains(p))
        .collect();
    if out.consent.partners.iter().any(|p| dropped.contains(&p)) {
        out.consent.partners.retain(|p| !dropped.contains(&p));
        out.consent.at = after.consent.at;
        out.consent.recorded_by = after.consent.recorded_by;
    }
    (out != *survivor).then_some(out)
}

/// The change carrying to the survivor what a device wrote on the merged record `id`
/// (`before` → `after`, as stored before and after its push), recorded with the record's
/// merge. `None` when there is nothing to carry, the record is not merged away, the
/// merge carried [`MAX_CARRIED`] changes already, or its survivor was merged in turn (an
/// unmerge of the first merge could not take back what reached the end of the chain:
/// the attacker's ninth probe) or does not read.
pub fn carry(
    store: &dyn Store,
    id: DocId,
    before: &PersonDoc,
    after: &PersonDoc,
) -> Result<Option<Carry>, StoreError> {
    let mut into: HashMap<DocId, Entry> = HashMap::new();
    for b in store.merge_entries()? {
        let e: Entry =
            serde_json::from_slice(&b).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if e.record.undone.is_none() {
            into.insert(e.record.merged, e);
        }
    }
    let Some(entry) = into.get(&id) else {
        return Ok(None);
    };
    let at = entry.record.survivor;
    if into.contains_key(&at) || entry.carried.len() >= MAX_CARRIED {
        return Ok(None);
    }
    let merge = entry.record.id;
    let Ok((doc, survivor, generation)) = person(store, at) else {
        return Ok(None);
    };
    if survivor.merged_into.is_some() {
        return Ok(None);
    }
    let Some(value) = carried_value(&survivor, before, after) else {
        return Ok(None);
    };
    match change(doc, &value, generation) {
        Ok((push, before, after)) => Ok(Some(Carry {
            merge,
            push,
            heads: Carried { before, after },
        })),
        Err(_) => Ok(None),
    }
}

/// Records a carried change with its merge, once the change is stored.
pub fn record_carried(store: &dyn Store, merge: DocId, heads: Carried) -> Result<(), StoreError> {
    let Some(mut e) = entry(store, merge)? else {
        return Ok(());
    };
    e.carried.push(heads);
    store.put_merge(merge, &encode(store, &e)?)
}

/// Why a merge or an unmerge was not made.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{0}")]
    Invalid(&'static str),
    #[error("no person with that id")]
    NotFound,
    #[error("no merge with that id")]
    NoSuchMerge,
    #[error("{0}")]
    AlreadyMerged(&'static str),
    #[error("this merge was already undone")]
    AlreadyUnmerged,
    #[error(
        "the person this record was merged into was merged into another since: undo that merge first"
    )]
    SurvivorMergedSince,
    #[error(
        "this merge withdraws the surviving person's consent and erases their identifying data for good: confirm it with `withdraw_consent`"
    )]
    WithdrawsConsent,
    #[error("the change was refused: {0}")]
    Refused(String),
    #[error(
        "records of these two persons were judged not the same person: take that judgement back first"
    )]
    JudgedNotSame,
    #[error(transparent)]
    Push(#[from] PushError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a merge or an unmerge did, for the caller to notify the teams' devices.
pub struct Done {
    pub record: MergeRecord,
    pub advanced: crate::sync::Advanced,
}

/// A reviewer's reason as kept: without control characters and the marks that reorder
/// text (a reason is shown to other reviewers: U+202E would make it read otherwise),
/// trimmed.
pub fn clean_reason(reason: &str) -> String {
    reason
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .filter(|c| {
            !c.is_control()
                && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
        })
        .collect::<String>()
        .trim()
        .to_string()
}

fn check_reason(reason: &str) -> Result<String, MergeError> {
    let cleaned = clean_reason(reason);
    let r = cleaned.as_str();
    if r.is_empty() {
        return Err(MergeError::Invalid("a reason is required"));
    }
    if r.chars().count() > MAX_REASON_CHARS {
        return Err(MergeError::Invalid(
            "the reason is longer than 500 characters",
        ));
    }
    Ok(r.to_string())
}

/// A stored person: its document, its value and its generation.
fn person(store: &dyn Store, id: DocId) -> Result<(AutoCommit, PersonDoc, u32), MergeError> {
    let stored = store.doc(id)?.ok_or(MergeError::NotFound)?;
    if stored.meta.doc_type != DocType::Person {
        return Err(MergeError::NotFound);
    }
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let doc = AutoCommit::load(&stored.bytes).ok()?;
        let value = schema::read::<PersonDoc>(&doc).ok()?;
        Some((doc, value))
    }));
    match loaded {
        Ok(Some((doc, value))) => Ok((doc, value, stored.meta.generation)),
        _ => Err(MergeError::NotFound),
    }
}

/// The changes that turn `doc` into `value`, as a push of the merge actor.
fn change(
    mut doc: AutoCommit,
    value: &PersonDoc,
    generation: u32,
) -> Result<(PushDoc, Vec<String>, Vec<String>), MergeError> {
    doc.set_actor(merge_actor());
    let before = doc.get_heads();
    schema::update(&mut doc, value)
        .map_err(|_| MergeError::Invalid("the merged person is not valid"))?;
    let after = doc.get_heads();
    Ok((
        PushDoc {
            id: value.id,
            doc_type: DocType::Person,
            changes: Bytes(doc.save_after(&before)),
            generation,
        },
        strada_shared::sync::heads_to_strings(&before),
        strada_shared::sync::heads_to_strings(&after),
    ))
}

fn is_empty_field(p: &PersonDoc, field: &str) -> bool {
    match field {
        "birth_year" => p.birth_year.is_none(),
        "gender" => p.gender == Gender::Unknown,
        "country" => p.country.is_empty(),
        "phone" => p.phone.is_none(),
        "documents" => p.documents == strada_shared::domain::DocumentStatus::Unknown,
        "usual_place" => p.usual_place.is_empty(),
        _ => true,
    }
}

fn copy_field(to: &mut PersonDoc, from: &PersonDoc, field: &str) {
    match field {
        "birth_year" => {
            to.birth_year = from.birth_year;
            to.birth_year_estimated = from.birth_year_estimated;
        }
        "gender" => to.gender = from.gender,
        "country" => to.country.clone_from(&from.country),
        "phone" => to.phone.clone_from(&from.phone),
        "documents" => to.documents = from.documents,
        "usual_place" => to.usual_place.clone_from(&from.usual_place),
        _ => {}
    }
}

fn same_field(a: &PersonDoc, b: &PersonDoc, field: &str) -> bool {
    let mut x = a.clone();
    copy_field(&mut x, b, field);
    x == *a
}

/// Adds to `to` each of `new` it lacks, while it holds fewer than `max`.
pub(crate) fn add_missing<'a>(
    to: &mut Vec<String>,
    new: impl Iterator<Item = &'a String>,
    max: usize,
) {
    for x in new {
        if to.len() < max && !to.contains(x) {
            to.push(x.clone());
        }
    }
}

/// The survivor as the merge leaves it.
fn merged_value(
    survivor: &PersonDoc,
    merged: &PersonDoc,
    keep: &BTreeMap<String, Keep>,
    by: strada_shared::ids::UserId,
    now_ms: i64,
) -> (PersonDoc, BTreeMap<String, Keep>) {
    let mut out = survivor.clone();
    let mut kept = BTreeMap::new();
    for field in MERGE_FIELDS {
        let choice = keep.get(field).copied().unwrap_or(
            if is_empty_field(survivor, field) && !is_empty_field(merged, field) {
                Keep::Merged
            } else {
                Keep::Survivor
            },
        );
        if choice == Keep::Merged {
            copy_field(&mut out, merged, field);
        }
        // A field both held alike (or neither held) was no choice (new users' walks:
        // «Telefono: dalla scheda rimasta» where neither record had a phone, «Genere:
        // dalla scheda rimasta» where both said man).
        let mut other = survivor.clone();
        copy_field(&mut other, merged, field);
        if other != *survivor {
            kept.insert(field.to_string(), choice);
        }
    }
    add_missing(&mut out.aliases, merged.aliases.iter(), MAX_ALIASES);
    add_missing(&mut out.languages, merged.languages.iter(), MAX_LANGUAGES);
    let (s, m) = (&survivor.consent, &merged.consent);
    if s.status == ConsentStatus::Given && m.status == ConsentStatus::Given {
        let partners: Vec<String> = s
            .partners
            .iter()
            .filter(|p| m.partners.contains(p))
            .cloned()
            .collect();
        // The consent as the person gave it: the merged record's when it is the
        // narrower, else (each allows a partner the other does not) the later one's
        // date — never the moment of the merge, when nobody asked the person.
        if partners != s.partners {
            let (at, recorded_by) = if partners == m.partners || m.at >= s.at {
                (m.at, m.recorded_by)
            } else {
                (s.at, s.recorded_by)
            };
            out.consent.partners = partners;
            out.consent.at = at;
            out.consent.recorded_by = recorded_by;
        }
    } else if consent_rank(m.status) > consent_rank(s.status) {
        // The more restrictive answer wins. Identifying data may not stay without
        // consent: the survivor's consent is then withdrawn (final), as a withdrawal
        // recorded by the reviewer.
        let status = if out.has_identifying_data() {
            ConsentStatus::Withdrawn
        } else {
            m.status
        };
        if status == ConsentStatus::Withdrawn {
            out.withdraw_consent(now_ms, by);
        } else {
            // The merged record's answer, as it was recorded.
            out.consent.status = status;
            out.consent.at = m.at;
            out.consent.recorded_by = m.recorded_by;
            out.consent.partners.clear();
        }
    }
    (out, kept)
}

/// Stages the pushes in `docs` as the merge actor writing for `user`, and commits them,
/// or refuses them all.
fn write(
    store: &dyn Store,
    mut staging: Staging<'_>,
    user: &AuthUser,
    docs: Vec<PushDoc>,
    entry: &Entry,
) -> Result<crate::sync::Advanced, MergeError> {
    let mut by = user.clone();
    by.actor = Some(merge_actor().to_bytes().to_vec());
    let results = staging.stage(&by, docs)?;
    for r in results {
        match r.outcome {
            PushOutcome::Accepted { .. } => {}
            PushOutcome::Refused { reason, .. } => return Err(MergeError::Refused(reason)),
            PushOutcome::Incomplete => {
                return Err(MergeError::Refused(
                    "a stored person changed meanwhile: try again".into(),
                ));
            }
        }
    }
    // The entry first: a merge on record with its documents unwritten (a crash between
    // the two) is undone by an unmerge like any other.
    store.put_merge(entry.record.id, &encode(store, entry)?)?;
    let advanced = staging.commit(&by)?;
    store.flush()?;
    Ok(advanced)
}

/// Merges `req.merged` into `req.survivor` for `user` (a central office account).
pub fn merge(
    store: &dyn Store,
    writer: &Writer,
    user: &AuthUser,
    req: &MergeRequest,
    now_ms: i64,
) -> Result<Done, MergeError> {
    let reason = check_reason(&req.reason)?;
    if req.survivor == req.merged {
        return Err(MergeError::Invalid("a merge needs two different persons"));
    }
    if req.keep.keys().any(|k| !MERGE_FIELDS.contains(&k.as_str())) {
        return Err(MergeError::Invalid(
            "`keep` names a field a merge does not choose",
        ));
    }
    // The push path's writer is held from the first read to the commit: two merges of
    // the same persons at once (one each way) would otherwise both pass the checks below
    // and merge each into the other.
    let staging = writer.staging(store, now_ms);
    let (sdoc, survivor, sgen) = person(store, req.survivor)?;
    let (mdoc, merged, mgen) = person(store, req.merged)?;
    if merged.merged_into.is_some() {
        return Err(MergeError::AlreadyMerged(
            "the person to merge was already merged into another",
        ));
    }
    if survivor.merged_into.is_some() {
        return Err(MergeError::AlreadyMerged(
            "the surviving person was merged into another: merge into that one",
        ));
    }
    // A judgement "not the same person" holds for every record merged with either: a
    // merge through a third record would otherwise undo it unseen.
    if judged_not_same(store, survivor.id, merged.id)? {
        return Err(MergeError::JudgedNotSame);
    }
    let (value, kept) = merged_value(&survivor, &merged, &req.keep, user.id, now_ms);
    if value.consent.status == ConsentStatus::Withdrawn
        && survivor.consent.status != ConsentStatus::Withdrawn
        && !req.withdraw_consent
    {
        return Err(MergeError::WithdrawsConsent);
    }
    let (spush, before, after) = change(sdoc, &value, sgen)?;
    let mut gone = merged.clone();
    gone.merged_into = Some(survivor.id);
    let (mpush, _, _) = change(mdoc, &gone, mgen)?;
    let record = MergeRecord {
        id: DocId::new_v7(now_ms.max(0) as u64, rand::random()),
        survivor: survivor.id,
        merged: merged.id,
        by: user.id,
        at: rfc3339_ms(now_ms),
        // A merge that withdraws consent erases what may name the person: its own
        // reason too, as it does the reasons of the merges before it.
        reason: if value.consent.status == ConsentStatus::Withdrawn {
            String::new()
        } else {
            reason
        },
        kept,
        consent: value.consent.status,
        undone: None,
    };
    let entry = Entry {
        record,
        survivor_before: before,
        survivor_after: after,
        carried: Vec::new(),
    };
    let advanced = write(store, staging, user, vec![mpush, spush], &entry)?;
    Ok(Done {
        record: entry.record,
        advanced,
    })
}

/// A merge's entry.
pub fn entry(store: &dyn Store, id: DocId) -> Result<Option<Entry>, StoreError> {
    store
        .merge_entry(id)?
        .map(|b| {
            let e = serde_json::from_slice(&b).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            opened(store, e)
        })
        .transpose()
}

/// Associated data of a merge's notes.
const NOTES_AAD: &[u8] = b"merges";

/// A merge's entry as stored: its reasons (and its unmerge's), which may name the
/// person, sealed under a key of the merge's own, forgotten when the person withdraws
/// consent ([`forget_reasons`]; the attacker's twelfth probe read them in the data
/// folder).
fn encode(store: &dyn Store, e: &Entry) -> Result<Vec<u8>, StoreError> {
    let mut e = e.clone();
    let id = e.record.id;
    e.record.reason = store.seal_note(id, NOTES_AAD, &e.record.reason)?;
    if let Some(u) = e.record.undone.as_mut() {
        u.reason = store.seal_note(id, NOTES_AAD, &u.reason)?;
    }
    serde_json::to_vec(&e).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// `e` as read, with its reasons opened (`""` once forgotten).
fn opened(store: &dyn Store, mut e: Entry) -> Result<Entry, StoreError> {
    let id = e.record.id;
    e.record.reason = store.open_note(id, NOTES_AAD, &e.record.reason)?;
    if let Some(u) = e.record.undone.as_mut() {
        u.reason = store.open_note(id, NOTES_AAD, &u.reason)?;
    }
    Ok(e)
}

/// Each merged-away record's person as the merges on record (not undone) give it: the
/// record it was merged into, followed to the end of the chain.
pub fn roots(store: &dyn Store) -> Result<HashMap<DocId, DocId>, StoreError> {
    let mut into: HashMap<DocId, DocId> = HashMap::new();
    for b in store.merge_entries()? {
        let e: Entry =
            serde_json::from_slice(&b).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if e.record.undone.is_none() {
            into.insert(e.record.merged, e.record.survivor);
        }
    }
    let mut out = HashMap::with_capacity(into.len());
    for &start in into.keys() {
        let mut at = start;
        // A chain is at most as long as the merges (a loop, which a merge never makes,
        // ends there too).
        for _ in 0..=into.len() {
            match into.get(&at) {
                Some(&next) => at = next,
                None => break,
            }
        }
        out.insert(start, at);
    }
    Ok(out)
}

/// The pairs judged "not the same person", as pairs of persons: each record replaced by
/// the person it was merged into (`roots`, from [`roots`]; smaller id first). A pair
/// whose two records became one person is left out.
pub fn judged_persons(
    store: &dyn Store,
    roots: &HashMap<DocId, DocId>,
) -> Result<HashSet<(DocId, DocId)>, StoreError> {
    Ok(store
        .not_same_pairs()?
        .into_iter()
        .filter_map(|(a, b)| person_pair(roots, a, b))
        .collect())
}

/// The pair of persons records `a` and `b` belong to (smaller id first), unless one.
pub fn person_pair(roots: &HashMap<DocId, DocId>, a: DocId, b: DocId) -> Option<(DocId, DocId)> {
    let root = |id: DocId| roots.get(&id).copied().unwrap_or(id);
    let (a, b) = (root(a), root(b));
    (a != b).then_some(if a < b { (a, b) } else { (b, a) })
}

/// Whether any record of `a`'s person was judged not the same as any of `b`'s.
pub fn judged_not_same(store: &dyn Store, a: DocId, b: DocId) -> Result<bool, StoreError> {
    let roots = roots(store)?;
    let Some(key) = person_pair(&roots, a, b) else {
        return Ok(false);
    };
    Ok(judged_persons(store, &roots)?.contains(&key))
}

/// The merges on record, read once, as links between records: what a withdrawal of
/// consent needs to find every record it reaches (`crate::sync`), however many persons
/// one push withdraws (before, each person read every merge entry twice).
pub struct Links {
    /// (merged, survivor, undone) of each merge.
    links: Vec<(DocId, DocId, bool)>,
}

impl Links {
    pub fn read(store: &dyn Store) -> Result<Self, StoreError> {
        let mut links = Vec::new();
        for b in store.merge_entries()? {
            let e: Entry =
                serde_json::from_slice(&b).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            links.push((
                e.record.merged,
                e.record.survivor,
                e.record.undone.is_some(),
            ));
        }
        Ok(Self { links })
    }

    /// The person's other records: those merged into one another with it, as the merges
    /// on record (not undone) join them — whichever way, through any chain. A withdrawal
    /// of consent on one of them is the person's: it reaches them all.
    pub fn family_of(&self, person: DocId) -> Vec<DocId> {
        let mut family = vec![person];
        let mut at = 0;
        while at < family.len() {
            let p = family[at];
            for &(m, s, undone) in &self.links {
                if undone {
                    continue;
                }
                for (from, to) in [(m, s), (s, m)] {
                    if from == p && !family.contains(&to) {
                        family.push(to);
                    }
                }
            }
            at += 1;
        }
        family.remove(0);
        family
    }

    /// The survivors of the merges of `person` (as the merged record) that were undone:
    /// the unmerge gave back their values, but their history still holds what the merge
    /// brought them of `person` (erased when `person` withdraws).
    pub fn undone_survivors(&self, person: DocId) -> Vec<DocId> {
        let mut out = Vec::new();
        for &(m, s, undone) in &self.links {
            if m == person && undone && !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }
}

/// Blanks the reasons of every merge a withdrawn person took part in, and of its
/// unmerge: the merges stay on record (who, when, what was chosen), without the words
/// that may name the person. Not flushed.
pub fn forget_reasons(store: &dyn Store, withdrawn: &[DocId]) -> Result<(), StoreError> {
    for b in store.merge_entries()? {
        let mut e: Entry =
            serde_json::from_slice(&b).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let r = &mut e.record;
        if !(withdrawn.contains(&r.survivor) || withdrawn.contains(&r.merged)) {
            continue;
        }
        let undone = r.undone.as_ref().is_some_and(|u| !u.reason.is_empty());
        if r.reason.is_empty() && !undone {
            continue;
        }
        // Its key goes at the flush that makes the withdrawal durable: what sled's
        // segments keep of the sealed reasons no longer opens.
        store.forget_note(r.id);
        r.reason.clear();
        if let Some(u) = r.undone.as_mut() {
            u.reason.clear();
        }
        store.put_merge(e.record.id, &encode(store, &e)?)?;
    }
    Ok(())
}

/// Every merge `person` took part in, newest first.
pub fn records_of(store: &dyn Store, person: DocId) -> Result<Vec<MergeRecord>, StoreError> {
    let mut out = Vec::new();
    for b in store.merge_entries()? {
        let e: Entry =
            serde_json::from_slice(&b).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        if e.record.survivor == person || e.record.merged == person {
            out.push(opened(store, e)?.record);
        }
    }
    out.reverse();
    Ok(out)
}

/// The survivor as it was at `heads` (`None` once its history no longer holds them: a
/// withdrawal of consent rewrote it).
fn at_heads(doc: &AutoCommit, heads: &[String]) -> Option<PersonDoc> {
    let heads = strada_shared::sync::heads_from_strings(heads)?;
    let mut doc = doc.clone();
    let forked =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| doc.fork_at(&heads).ok()))
            .ok()
            .flatten()?;
    schema::read::<PersonDoc>(&forked).ok()
}

/// `current` with what a carried change (`b` → `a`) wrote taken back where nobody
/// changed it since: each field to its value before the change (not before the merge: a
/// value the survivor's team wrote in between comes back), the aliases and languages it
/// added taken away.
fn take_back(current: &mut PersonDoc, b: &PersonDoc, a: &PersonDoc) {
    for field in MERGE_FIELDS {
        if !same_field(b, a, field) && same_field(current, a, field) {
            copy_field(current, b, field);
        }
    }
    current
        .aliases
        .retain(|x| !a.aliases.contains(x) || b.aliases.contains(x));
    current
        .languages
        .retain(|x| !a.languages.contains(x) || b.languages.contains(x));
}

/// The survivor after an unmerge: what the merge changed, and nobody since, as before.
fn unmerged_value(current: &PersonDoc, before: &PersonDoc, after: &PersonDoc) -> PersonDoc {
    let mut out = current.clone();
    for field in MERGE_FIELDS {
        if same_field(current, after, field) {
            copy_field(&mut out, before, field);
        }
    }
    let added = |a: &[String], b: &[String]| -> Vec<String> {
        a.iter().filter(|x| !b.contains(x)).cloned().collect()
    };
    let added_aliases = added(&after.aliases, &before.aliases);
    out.aliases.retain(|a| !added_aliases.contains(a));
    let added_languages = added(&after.languages, &before.languages);
    out.languages.retain(|l| !added_languages.contains(l));
    if current.consent == after.consent && after.consent.status != ConsentStatus::Withdrawn {
        out.consent = before.consent.clone();
    }
    out
}

/// Undoes the merge `req.merge` for `user`.
pub fn unmerge(
    store: &dyn Store,
    writer: &Writer,
    user: &AuthUser,
    req: &UnmergeRequest,
    now_ms: i64,
) -> Result<Done, MergeError> {
    let reason = check_reason(&req.reason)?;
    // Held from the first read to the commit (see `merge`).
    let staging = writer.staging(store, now_ms);
    let mut entry = entry(store, req.merge)?.ok_or(MergeError::NoSuchMerge)?;
    if entry.record.undone.is_some() {
        return Err(MergeError::AlreadyUnmerged);
    }
    let (sdoc, survivor, sgen) = person(store, entry.record.survivor)?;
    // Merges are undone from the end of a chain: with the survivor merged in turn, what
    // this merge gave it went on to the next survivor, where taking it back from here
    // would leave it (found by the attacker's eleventh probe: F into E, E into G, F out
    // of E; G kept F's names, and after F's withdrawal of consent too).
    if survivor.merged_into.is_some() {
        return Err(MergeError::SurvivorMergedSince);
    }
    let (mdoc, merged, mgen) = person(store, entry.record.merged)?;
    let mut docs = Vec::new();
    if merged.merged_into == Some(survivor.id) {
        let mut back = merged.clone();
        back.merged_into = None;
        docs.push(change(mdoc, &back, mgen)?.0);
    }
    let restored = match (
        at_heads(&sdoc, &entry.survivor_before),
        at_heads(&sdoc, &entry.survivor_after),
    ) {
        (Some(before), Some(after)) => {
            // What was carried since is taken back first, newest first, unless someone
            // changed it since; then what the merge wrote.
            let mut current = survivor.clone();
            for c in entry.carried.iter().rev() {
                if let (Some(b), Some(a)) = (at_heads(&sdoc, &c.before), at_heads(&sdoc, &c.after))
                {
                    take_back(&mut current, &b, &a);
                }
            }
            unmerged_value(&current, &before, &after)
        }
        _ => survivor.clone(),
    };
    if restored != survivor {
        docs.push(change(sdoc, &restored, sgen)?.0);
    }
    // After a withdrawal of either, the words are not kept: nothing would forget them
    // (the attacker's thirteenth probe wrote a name and a phone in an unmerge's reason).
    let withdrawn = [&survivor, &merged]
        .iter()
        .any(|p| p.consent.status == ConsentStatus::Withdrawn);
    entry.record.undone = Some(Undone {
        by: user.id,
        at: rfc3339_ms(now_ms),
        reason: if withdrawn { String::new() } else { reason },
    });
    let advanced = write(store, staging, user, docs, &entry)?;
    Ok(Done {
        record: entry.record,
        advanced,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_keeps_no_control_character_nor_reordering_mark() {
        assert_eq!(clean_reason("  due\u{202E}sorelle\0\nok "), "duesorelle ok");
        assert_eq!(clean_reason("\u{2066}\u{200F}"), "");
    }
    use strada_shared::schema::Consent;

    fn person(seed: u8, aliases: &[&str], status: ConsentStatus) -> PersonDoc {
        let by = strada_shared::ids::UserId::new_v7(1_700_000_000_000, [seed; 10]);
        let given = status == ConsentStatus::Given;
        PersonDoc {
            id: DocId::new_v7(1_760_000_000_000, [seed; 10]),
            aliases: if given {
                aliases.iter().map(|a| a.to_string()).collect()
            } else {
                Vec::new()
            },
            birth_year: given.then_some(1990 + i64::from(seed)),
            birth_year_estimated: false,
            gender: Gender::Unknown,
            country: String::new(),
            languages: if given {
                vec![format!("l{seed}")]
            } else {
                Vec::new()
            },
            phone: None,
            documents: strada_shared::domain::DocumentStatus::Unknown,
            usual_place: String::new(),
            consent: Consent {
                status,
                at: 1_760_000_000_000,
                recorded_by: by,
                partners: if given {
                    vec!["a".into(), format!("p{seed}")]
                } else {
                    Vec::new()
                },
            },
            author: by,
            team: strada_shared::ids::TeamId::parse("bergamo-1").unwrap(),
            created_at: 1_760_000_000_000,
            merged_into: None,
        }
    }

    #[test]
    fn a_merge_keeps_both_aliases_the_chosen_fields_and_the_common_partners() {
        let mut s = person(1, &["Mohamed"], ConsentStatus::Given);
        let mut m = person(2, &["محمد", "Mohamed"], ConsentStatus::Given);
        m.country = "Egitto".into();
        s.gender = Gender::Man;
        m.gender = Gender::Man;
        let by = strada_shared::ids::UserId::new_v7(1_760_000_000_000, [9; 10]);
        let keep = BTreeMap::from([("birth_year".to_string(), Keep::Merged)]);
        let (v, kept) = merged_value(&s, &m, &keep, by, 1_770_000_000_000);
        assert_eq!(v.aliases, vec!["Mohamed", "محمد"]);
        assert_eq!(v.birth_year, Some(1992));
        // The survivor had no country: the merged person's by default.
        assert_eq!(v.country, "Egitto");
        assert_eq!(kept["country"], Keep::Merged);
        assert_eq!(kept["birth_year"], Keep::Merged);
        // Neither had a phone, both said man: no choice is recorded for them.
        assert_eq!(kept.get("gender"), None);
        assert_eq!(kept.get("phone"), None);
        assert_eq!(v.languages, vec!["l1", "l2"]);
        assert_eq!(v.consent.partners, vec!["a"]);
        assert_eq!(v.consent.status, ConsentStatus::Given);
    }

    #[test]
    fn the_more_restrictive_consent_wins_and_leaves_no_identifying_data() {
        let s = person(1, &["Mohamed"], ConsentStatus::Given);
        let by = strada_shared::ids::UserId::new_v7(1_760_000_000_000, [9; 10]);
        for status in [
            ConsentStatus::NotAsked,
            ConsentStatus::Refused,
            ConsentStatus::Withdrawn,
        ] {
            let m = person(2, &[], status);
            let (v, _) = merged_value(&s, &m, &BTreeMap::new(), by, 1_770_000_000_000);
            assert_eq!(v.consent.status, ConsentStatus::Withdrawn);
            assert!(!v.has_identifying_data());
            assert!(v.validate_entry().is_ok());
        }
        // Two anonymous records: the more restrictive status as it is.
        let s = person(1, &[], ConsentStatus::NotAsked);
        let m = person(2, &[], ConsentStatus::Refused);
        let (v, _) = merged_value(&s, &m, &BTreeMap::new(), by, 1_770_000_000_000);
        assert_eq!(v.consent.status, ConsentStatus::Refused);
    }

    #[test]
    fn an_unmerge_gives_back_what_the_merge_changed_and_keeps_later_edits() {
        let s = person(1, &["Mohamed"], ConsentStatus::Given);
        let mut m = person(2, &["محمد"], ConsentStatus::Given);
        m.country = "Egitto".into();
        m.phone = Some("3331234567".into());
        let by = strada_shared::ids::UserId::new_v7(1_760_000_000_000, [9; 10]);
        let keep = BTreeMap::from([("birth_year".to_string(), Keep::Merged)]);
        let (after, _) = merged_value(&s, &m, &keep, by, 1_770_000_000_000);
        assert_eq!(unmerged_value(&after, &s, &after), s);
        // Edited after the merge: the phone stays as edited, the rest goes back.
        let mut edited = after.clone();
        edited.phone = Some("3470000000".into());
        edited.aliases.push("Momo".into());
        let back = unmerged_value(&edited, &s, &after);
        assert_eq!(back.phone.as_deref(), Some("3470000000"));
        assert_eq!(back.aliases, vec!["Mohamed", "Momo"]);
        assert_eq!(back.birth_year, s.birth_year);
        assert_eq!(back.country, s.country);
        assert_eq!(back.consent, s.consent);
    }
}
