//! The store: a narrow trait the rest of the server talks to, so a deployment that
//! outgrows one machine can move to another engine without touching sync or domain code.
//!
//! Every write method is atomic on its own; [`Store::flush`] makes everything written so
//! far durable and is called before any acknowledgement reaches a client.

#[cfg(test)]
mod golden;
pub mod keys;
pub mod sled_store;
#[cfg(any(test, feature = "testing"))]
pub mod story;

use serde::{Deserialize, Serialize};
use strada_shared::api::ContactRecord;
use strada_shared::domain::Role;
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::DocType;
use strada_shared::sync::Heads;

pub use sled_store::SledStore;

/// A user account. Do not modify persisted fields: see `migrations/`.
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredUser {
    pub id: UserId,
    pub username: String,
    pub role: Role,
    pub team: TeamId,
    /// Argon2id PHC string; never logged, never sent.
    pub password_hash: String,
    /// Unix ms.
    pub created_at: i64,
    /// When the central office disabled the account (Unix ms): no sign-in, and every
    /// request of its sessions is refused.
    #[serde(default)]
    pub disabled_at: Option<i64>,
    /// Wrong passwords in a row from devices the account never used (reset by a
    /// sign-in or by the central office).
    #[serde(default)]
    pub failed_logins: u32,
    /// Until then (Unix ms) the account signs in only from a device it already uses.
    #[serde(default)]
    pub locked_until: Option<i64>,
}

impl std::fmt::Debug for StoredUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredUser")
            .field("id", &self.id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A server-side session, keyed by the SHA-256 of its token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredSession {
    pub user_id: UserId,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub expires_at: i64,
    /// The device the session was opened on, when it syncs: its automerge actor id (hex).
    /// Pushes through this session may only carry changes authored by that actor.
    #[serde(default)]
    pub device: Option<DeviceBinding>,
    /// SHA-256 (hex) of the session's sign-out key: whoever holds the key may end this
    /// session, and nothing else. A device that signs out offline keeps only the key
    /// and sends it at its next contact with the server.
    #[serde(default)]
    pub logout_hash: Option<String>,
    /// Unix ms: the last request (updated at most once a minute), for the idle expiry
    /// of central sessions. 0 in sessions opened before it was kept: their creation.
    #[serde(default)]
    pub last_used: i64,
}

/// A syncing device, bound to one automerge actor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceBinding {
    pub actor: String,
}

/// A device that signed in, keyed by its automerge actor. Do not modify persisted fields:
/// see `migrations/`. Holds no personal data beyond whose device it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredDevice {
    /// The automerge actor id (hex).
    pub actor: String,
    pub user_id: UserId,
    /// Unix ms: the last sign-in on this device.
    pub signed_in_at: i64,
    /// Unix ms: the last request (updated at most once a minute).
    pub last_seen: i64,
    /// Unix ms: when the central office revoked it. A revoked device's sessions are
    /// refused with `device_revoked`, and it cannot sign in again.
    #[serde(default)]
    pub revoked_at: Option<i64>,
    /// Wrong passwords in a row on this device (its owner's sign-in is throttled per
    /// device, so a stranger's guesses elsewhere never lock the owner out of it).
    #[serde(default)]
    pub failed_logins: u32,
    /// Until then (Unix ms) this device cannot sign in.
    #[serde(default)]
    pub locked_until: Option<i64>,
    /// The hash (hex SHA-256) of the key the device was last given at sign-in
    /// (`LoginResponse::device_key`): a sign-in naming this device's actor counts as
    /// the device's own (its own lock, not the account's) only with that key, since an
    /// actor id is no secret (every change the device writes carries it). `None`: not
    /// given one yet (a device from before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_hash: Option<String>,
    /// A central office device: what it keeps offline (see `SyncScope`); empty, it
    /// syncs only what its user wrote.
    #[serde(
        default,
        skip_serializing_if = "strada_shared::central::SyncScope::is_empty"
    )]
    pub scope: strada_shared::central::SyncScope,
}

/// A past state of a document: what a device that pulled up to `seq` (in the global
/// feed) or `team_seq` (in its team's feed) has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocVersion {
    pub seq: u64,
    pub heads: Heads,
    /// The position in the team's feed; `None` in states recorded before team feeds
    /// existed, and for documents no field device reads.
    #[serde(default)]
    pub team_seq: Option<u64>,
}

/// How many past states a document keeps for incremental pulls; a device further behind
/// gets a snapshot.
pub const DOC_HISTORY: usize = 8;

/// What the server knows about a document besides its bytes: who may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocMeta {
    pub doc_type: DocType,
    /// Scope: the team whose members may read and write it.
    pub team: TeamId,
    /// Scope: field documents reach field devices; case documents never do.
    #[serde(default)]
    pub sensitivity: Sensitivity,
    pub created_by: UserId,
    /// Unix ms.
    pub received_at: i64,
    /// Unix ms.
    pub updated_at: i64,
    /// Feed position of the last change.
    pub seq: u64,
    /// The document's heads after its last change.
    pub heads: Heads,
    /// Who wrote the document (it never changes); `None` in metadata stored before
    /// migration step 3.
    #[serde(default)]
    pub author: Option<UserId>,
    /// A person's or a contact's consent status as last stored (so contacts naming a
    /// person are checked without loading it, and a withdrawal is seen as a change);
    /// `None` for referrals and documents stored before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<strada_shared::vocab::ConsentStatus>,
    /// How many times the document was rewritten without its history (see
    /// `PulledDoc::generation`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub generation: u32,
    /// The stored bytes were loaded back before they were committed (every commit since
    /// this field exists). Documents stored before are loaded once when first served
    /// whole, and marked ([`Store::mark_doc_verified`]) or quarantined.
    #[serde(default, skip_serializing_if = "is_false")]
    pub verified: bool,
    /// Its sensitive fields held values written apart when it was last committed (see
    /// `schema::conflicts`): the next push looks for them again even when it merges
    /// into one head.
    #[serde(default, skip_serializing_if = "is_false")]
    pub conflicted: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// How sensitive a document is, which decides which devices may hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Contacts, referrals: the team's field devices hold them.
    #[default]
    Field,
    /// Case records, assessments, plans: central office only.
    Case,
}

/// A document set aside because its stored bytes no longer load (see
/// [`Store::quarantine_doc`]). Its metadata stays in place, so scope checks still apply to
/// a device that sends the document again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarantinedDoc {
    /// Unix ms.
    pub at: i64,
    /// Why, in words that carry no personal data (an error kind, not document content).
    pub reason: String,
    /// The bytes as they were stored, for an operator to inspect or rescue.
    pub bytes: Vec<u8>,
}

/// A stored document.
#[derive(Debug, Clone)]
pub struct StoredDoc {
    pub meta: DocMeta,
    /// The whole document, `AutoCommit::save()` form.
    pub bytes: Vec<u8>,
}

/// One document to commit.
pub struct DocCommit<'a> {
    pub id: DocId,
    pub bytes: &'a [u8],
    pub meta: &'a DocMeta,
    pub projection: &'a Projection,
    /// The records the document refers to (its person, its contact): indexed, so
    /// [`Store::linked_to`] finds it from them.
    pub links: &'a [DocId],
}

/// A projection written together with its document.
#[derive(Debug, Clone)]
pub enum Projection {
    Contact(Box<ContactRecord>),
    Person(Box<strada_shared::central::PersonRecord>),
    Referral(Box<strada_shared::central::ReferralRecord>),
    Case(Box<strada_shared::central::CaseRecord>),
    JobOffer(Box<strada_shared::central::JobOfferRecord>),
    /// The document type has no central record (the PUA's rules: one document, read
    /// whole).
    None,
}

impl Projection {
    /// Records the document's conflicting sensitive fields in its record.
    pub fn set_conflicts(
        &mut self,
        conflicts: Vec<strada_shared::schema::conflicts::FieldConflict>,
    ) {
        match self {
            Projection::Contact(r) => r.conflicts = conflicts,
            Projection::Person(r) => r.conflicts = conflicts,
            Projection::Referral(r) => r.conflicts = conflicts,
            Projection::Case(r) => r.conflicts = conflicts,
            Projection::JobOffer(_) | Projection::None => {}
        }
    }
}

/// The kinds of thing the exchange format names by an id of its own (see
/// `crate::exchange`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExchangeKind {
    Team,
    Person,
    Contact,
    Referral,
    /// A user name as an exchange file gives it (`author`).
    User,
    /// A case (its tag is `k`: `c` is the contact's).
    Case,
    JobOffer,
}

impl ExchangeKind {
    pub const ALL: [ExchangeKind; 7] = [
        ExchangeKind::Team,
        ExchangeKind::Person,
        ExchangeKind::Contact,
        ExchangeKind::Referral,
        ExchangeKind::User,
        ExchangeKind::Case,
        ExchangeKind::JobOffer,
    ];

    /// The byte that prefixes the kind's keys.
    pub fn tag(self) -> u8 {
        match self {
            ExchangeKind::Team => b't',
            ExchangeKind::Person => b'p',
            ExchangeKind::Contact => b'c',
            ExchangeKind::Referral => b'r',
            ExchangeKind::User => b'u',
            ExchangeKind::Case => b'k',
            ExchangeKind::JobOffer => b'j',
        }
    }
}

/// An id of the exchange format and what it stands for in Strada, so an import of the
/// same file changes nothing and an export writes the ids back. Do not modify persisted
/// fields: see `migrations/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeEntry {
    pub kind: ExchangeKind,
    /// The id the file gives (a team's, a record's), or a user name as given.
    pub external: String,
    /// The Strada id: a team slug, a document id, a user id.
    pub internal: String,
    /// A team's name (Strada keeps teams as slugs only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A team's area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// A record's line as last imported, digested (SHA-256 of its JSON with sorted keys,
    /// hex): the same line again changes nothing, whatever was edited in Strada since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("already exists")]
    Conflict,
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("storage backend error: {0}")]
    Backend(String),
    /// The central index is being built (after a start, over a large store): the request
    /// is answered 503 with a clear code rather than kept waiting.
    #[error("the central index is being built")]
    Building,
}

/// What makes an audit entry's stored value from its number and the value before it.
pub type AuditValue<'a> = dyn FnMut(u64, Option<&[u8]>) -> Vec<u8> + 'a;

/// A pair judged not one person ([`Store::not_same_judgements`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotSameJudgement {
    pub a: DocId,
    pub b: DocId,
    pub by: UserId,
    pub at_ms: i64,
    pub reason: String,
}

/// The operations the server needs from storage.
pub trait Store: Send + Sync + 'static {
    fn insert_user(&self, user: &StoredUser) -> Result<(), StoreError>;
    fn user_by_name(&self, username: &str) -> Result<Option<StoredUser>, StoreError>;
    fn user_by_id(&self, id: UserId) -> Result<Option<StoredUser>, StoreError>;
    /// Every user, in id order.
    fn users(&self) -> Result<Vec<StoredUser>, StoreError>;
    /// Replaces a user's record with `f(current)` atomically (the username stays: it is
    /// indexed). `f` may run more than once. `None` if no such user.
    fn update_user(
        &self,
        id: UserId,
        f: &mut dyn FnMut(StoredUser) -> StoredUser,
    ) -> Result<Option<StoredUser>, StoreError>;
    fn user_count(&self) -> Result<usize, StoreError>;

    fn put_session(&self, token_hash: &[u8; 32], session: &StoredSession)
    -> Result<(), StoreError>;
    fn session(&self, token_hash: &[u8; 32]) -> Result<Option<StoredSession>, StoreError>;
    /// Moves a session's `last_used` to `at_ms` if the session still exists (a session
    /// ended meanwhile stays ended: the attacker's thirteenth probe brought one back by
    /// a request racing its sign-out). Not flushed.
    fn touch_session(&self, token_hash: &[u8; 32], at_ms: i64) -> Result<(), StoreError>;
    fn delete_session(&self, token_hash: &[u8; 32]) -> Result<(), StoreError>;
    /// Every session with the hash of its token (to end a device's or a user's sessions).
    fn sessions(&self) -> Result<Vec<([u8; 32], StoredSession)>, StoreError>;
    /// Binds an automerge actor id to a user; `Conflict` if another user holds it.
    fn bind_actor(&self, actor: &[u8], user: UserId) -> Result<(), StoreError>;

    /// A device by its actor id.
    fn device(&self, actor: &[u8]) -> Result<Option<StoredDevice>, StoreError>;
    /// Every device, in actor order.
    fn devices(&self) -> Result<Vec<StoredDevice>, StoreError>;
    /// Replaces a device's record with `f(current)` atomically (`None` deletes it), so a
    /// "last seen" update never overwrites a revocation made meanwhile. `f` may run more
    /// than once. Returns the new record.
    fn update_device(
        &self,
        actor: &[u8],
        f: &mut dyn FnMut(Option<StoredDevice>) -> Option<StoredDevice>,
    ) -> Result<Option<StoredDevice>, StoreError>;

    fn doc(&self, id: DocId) -> Result<Option<StoredDoc>, StoreError>;
    /// A stored document's metadata, without reading (and opening) its bytes: `Some`
    /// exactly when [`Store::doc`] would be.
    fn doc_meta(&self, id: DocId) -> Result<Option<DocMeta>, StoreError>;
    /// Writes documents, their metadata and projections, and moves each to the head of the
    /// change feed, all in one atomic step; appends `(position, meta.heads)` to each
    /// document's history. Returns the new feed positions, in order.
    fn commit_docs(&self, batch: &[DocCommit<'_>]) -> Result<Vec<u64>, StoreError>;

    /// [`Store::commit_docs`] for one document.
    fn commit_doc(
        &self,
        id: DocId,
        bytes: &[u8],
        meta: &DocMeta,
        projection: &Projection,
    ) -> Result<u64, StoreError> {
        let seqs = self.commit_docs(&[DocCommit {
            id,
            bytes,
            meta,
            projection,
            links: &[],
        }])?;
        seqs.first()
            .copied()
            .ok_or_else(|| StoreError::Backend("commit returned no position".into()))
    }
    /// A document's recent states, oldest first (at most [`DOC_HISTORY`]), for pulls that
    /// send only the changes a device lacks.
    fn doc_history(&self, id: DocId) -> Result<Vec<DocVersion>, StoreError>;

    /// The documents that refer to `target` (committed with it among their links).
    fn linked_to(&self, target: DocId) -> Result<Vec<DocId>, StoreError>;
    /// Records that `source` refers to `targets` (for documents stored before links
    /// were indexed; see [`Store::links_indexed`]).
    fn add_links(&self, source: DocId, targets: &[DocId]) -> Result<(), StoreError>;
    /// Whether every stored document's links are indexed (a new store, or one the server
    /// indexed once); [`Store::mark_links_indexed`] records it.
    fn links_indexed(&self) -> Result<bool, StoreError>;
    fn mark_links_indexed(&self) -> Result<(), StoreError>;

    /// Entries of `team`'s feed (its field documents, numbered in the team's own
    /// sequence) after `cursor`, oldest first: (team position, document).
    fn team_feed_after(
        &self,
        team: &TeamId,
        cursor: u64,
        limit: usize,
    ) -> Result<Vec<(u64, DocId)>, StoreError>;
    /// The newest position of `team`'s feed (0 when empty).
    fn team_feed_head(&self, team: &TeamId) -> Result<u64, StoreError>;

    /// Feed entries after `cursor`, oldest first: (position, document).
    fn feed_after(&self, cursor: u64, limit: usize) -> Result<Vec<(u64, DocId)>, StoreError>;
    /// The newest feed position (0 when empty).
    fn feed_head(&self) -> Result<u64, StoreError>;

    /// Every stored document id (to rebuild projections).
    fn doc_ids(&self) -> Result<Vec<DocId>, StoreError>;

    /// Sets a stored document aside, in one atomic step: its bytes move to the quarantine
    /// with `reason`, and it leaves the feed, its history and its projection, so pulls,
    /// repairs and the central records no longer see it. Its metadata stays. A later
    /// commit of the same id (a device sending the whole document again) takes it out of
    /// quarantine. Returns `false` when no such document was stored.
    fn quarantine_doc(&self, id: DocId, reason: &str, at_ms: i64) -> Result<bool, StoreError>;
    /// A quarantined document, with the metadata it kept.
    fn quarantined(&self, id: DocId) -> Result<Option<(DocMeta, QuarantinedDoc)>, StoreError>;
    /// The ids of every quarantined document.
    fn quarantined_ids(&self) -> Result<Vec<DocId>, StoreError>;
    /// Records that a document stored before load-back checks existed loads, if its heads
    /// are still `heads` (a newer commit is verified anyway).
    fn mark_doc_verified(&self, id: DocId, heads: &Heads) -> Result<(), StoreError>;

    /// Contact records, newest contact first.
    fn contact_records(&self) -> Result<Vec<ContactRecord>, StoreError>;
    fn contact_record(&self, id: DocId) -> Result<Option<ContactRecord>, StoreError>;
    /// The central record of a document of type `doc_type`, if it has one.
    fn record(&self, doc_type: DocType, id: DocId) -> Result<Option<Projection>, StoreError>;
    /// Writes a document's record again (a projection rebuilt from its stored document),
    /// unless the document moved to another generation meanwhile. Not flushed.
    fn put_record(
        &self,
        id: DocId,
        generation: u32,
        projection: &Projection,
    ) -> Result<(), StoreError>;
    /// The layout version of the stored records (`projection::VERSION` when current).
    fn projection_version(&self) -> Result<u32, StoreError>;
    fn set_projection_version(&self, version: u32) -> Result<(), StoreError>;

    /// Appends an entry to the audit log, numbered after the last one, atomically with
    /// respect to other appends: `make` gets the new number and the stored value of the
    /// entry before (`None` for the first) and returns the value to store (see `audit`).
    /// Returns the number. Not flushed.
    fn append_audit(&self, make: &mut AuditValue<'_>) -> Result<u64, StoreError>;
    /// Audit entries after number `after`, oldest first, at most `limit`.
    fn audit_after(&self, after: u64, limit: usize) -> Result<Vec<(u64, Vec<u8>)>, StoreError>;

    /// The exchange entry of `kind` with external id `external`.
    fn exchange_entry(
        &self,
        kind: ExchangeKind,
        external: &str,
    ) -> Result<Option<ExchangeEntry>, StoreError>;
    /// Every exchange entry of `kind`, in external id order.
    fn exchange_entries(&self, kind: ExchangeKind) -> Result<Vec<ExchangeEntry>, StoreError>;
    /// The external id last written for the Strada id `internal` of `kind`.
    fn exchange_external(
        &self,
        kind: ExchangeKind,
        internal: &str,
    ) -> Result<Option<String>, StoreError>;
    /// Writes exchange entries (replacing those with the same kind and external id), all
    /// or none. Not flushed.
    fn put_exchange(&self, entries: &[ExchangeEntry]) -> Result<(), StoreError>;

    /// Remembers that persons `a` and `b` are not the same person (judged by `by` at
    /// `at_ms`, for `reason`); the pair is not proposed again. Not flushed.
    fn mark_not_same(
        &self,
        a: DocId,
        b: DocId,
        by: UserId,
        at_ms: i64,
        reason: &str,
    ) -> Result<(), StoreError>;
    /// Takes the judgement on `a` and `b` back; whether there was one. Not flushed.
    fn unmark_not_same(&self, a: DocId, b: DocId) -> Result<bool, StoreError>;
    /// Every pair judged not the same person (smaller id first).
    fn not_same_pairs(&self) -> Result<Vec<(DocId, DocId)>, StoreError>;
    /// Every judgement: the pair (smaller id first), who, when (unix ms) and why.
    fn not_same_judgements(&self) -> Result<Vec<NotSameJudgement>, StoreError>;

    /// Seals a reviewer's note (a merge's or a judgement's reason, which may name a
    /// person) under a key of its own, named `key`, outside sled: once the key is
    /// forgotten ([`Store::forget_note`]) no file of the data folder reads it. `""`
    /// stays `""`, and a note sealed already is returned as it is.
    fn seal_note(&self, key: DocId, aad: &[u8], plain: &str) -> Result<String, StoreError>;
    /// Opens a note sealed by [`Store::seal_note`] with the same `aad`: a note stored
    /// before sealing is returned as it is, and a note whose key was forgotten is `""`.
    fn open_note(&self, key: DocId, aad: &[u8], stored: &str) -> Result<String, StoreError>;
    /// Destroys the key of `key`'s notes at the next flush.
    fn forget_note(&self, key: DocId);

    /// Writes a merge's entry (`crate::merge`), replacing the one with its id. Not
    /// flushed.
    fn put_merge(&self, id: DocId, entry: &[u8]) -> Result<(), StoreError>;
    /// A merge's entry.
    fn merge_entry(&self, id: DocId) -> Result<Option<Vec<u8>>, StoreError>;
    /// Every merge's entry, oldest first (merge ids are time-ordered).
    fn merge_entries(&self) -> Result<Vec<Vec<u8>>, StoreError>;

    /// Makes every write so far durable.
    /// The director's observations for a period's report (JSON), replaced whole and
    /// flushed before this returns.
    fn put_report_note(&self, period: &str, entry: &[u8]) -> Result<(), StoreError>;
    fn report_note(&self, period: &str) -> Result<Option<Vec<u8>>, StoreError>;

    fn flush(&self) -> Result<(), StoreError>;
    /// The applied migration version.
    fn schema_version(&self) -> Result<u32, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metadata written before migration step 3 (history inline, no author) still reads.
    #[test]
    fn metadata_from_before_step_3_still_reads() {
        let old = r#"{"doc_type":"contact","team":"bergamo-1","created_by":"01a21700-0000-7000-8000-000000000001",
            "received_at":1,"updated_at":2,"seq":7,"heads":[],
            "history":[{"seq":7,"heads":[]}]}"#;
        let meta: DocMeta = serde_json::from_str(old).expect("old metadata reads");
        assert_eq!(meta.seq, 7);
        assert_eq!(meta.author, None);
        assert_eq!(meta.sensitivity, Sensitivity::Field);
    }

    /// Each kind of exchange id has its own key prefix.
    #[test]
    fn exchange_kinds_have_distinct_tags() {
        let mut tags: Vec<u8> = ExchangeKind::ALL.iter().map(|k| k.tag()).collect();
        tags.sort_unstable();
        tags.dedup();
        assert_eq!(tags.len(), ExchangeKind::ALL.len());
    }
}
