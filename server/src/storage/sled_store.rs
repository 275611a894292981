//! The sled implementation of [`Store`].
//!
//! Layout (trees created by `migrations/` step 1; keys are raw bytes):
//! - default tree: `schema_version` → u32 BE, `feed_seq` → u64 BE (last feed position)
//! - `docs`: doc id (16 bytes) → automerge bytes
//! - `doc_meta`: doc id → JSON [`DocMeta`]
//! - `feed`: position (u64 BE) → doc id — one entry per document, at its last change
//! - `doc_place` (step 15): doc id → `1 ‖ postcard` [`StoredPlace`]: the document's
//!   position in the feed (to move it to the head), its team feed entry and its recent
//!   states (for pulls that resume) — one value, written once per commit. Stores from
//!   before step 15 kept these in `feed_by_doc`, `team_feed_by_doc` and `doc_history`
//!   (step 3; `0xFF ‖ postcard Vec<DocVersion>`); they are moved here once when the store
//!   opens, then dropped; default tree `places_indexed` → [1] once moved
//! - `reconcile` (step 11): smaller person id ‖ larger → JSON {by, at}: not the same person
//! - `merges` (step 12): merge id → JSON (`crate::merge::Entry`)
//! - `report_notes` (step 14): period (`YYYY-Qn`) → JSON `ReportNote` (the director's
//!   observations for a report); `YYYY-Qn:anonymous` → the quarter's anonymous export
//!   (CSV), published once the quarter is over
//! - `records_contacts`: doc id → JSON [`ContactRecord`]; `records_persons`,
//!   `records_referrals` (step 9): doc id → JSON `PersonRecord`, `ReferralRecord`;
//!   `records_cases` (step 13): doc id → JSON `CaseRecord` or `JobOfferRecord`; default
//!   tree `projection_version` → u32 BE (the records' layout, see `projection::VERSION`)
//! - `users`: user id → JSON [`StoredUser`]; `users_by_name`: lowercase name → user id
//! - `sessions`: SHA-256 of the token → JSON [`StoredSession`]
//! - `device_actors` (step 2): automerge actor id → user id
//! - `devices` (step 4): automerge actor id → JSON [`StoredDevice`](super::StoredDevice)
//! - `quarantine` (step 5): doc id → postcard
//!   [`QuarantinedDoc`](super::QuarantinedDoc)
//! - `audit` (step 6): entry number (u64 BE) → hash ‖ canonical JSON (see `audit`)
//! - `doc_links` (step 7): id referred to ‖ id of the document referring to it → empty;
//!   default tree `links_indexed` → [1] once every document's links are in it
//! - `team_feed` (step 8): team slug ‖ 0 ‖ team position (u64 BE) → doc id — each team's
//!   field documents, one entry per document at its last change, numbered per team
//!   (each document's entry is in its `doc_place`); default tree `team_seq/<slug>` →
//!   u64 BE (the team's last position), `team_feed_indexed` → [1] once documents stored
//!   before step 8 are numbered
//! - `exchange` (step 10): `e` ‖ kind tag ‖ external id → JSON
//!   [`ExchangeEntry`](super::ExchangeEntry); `i` ‖ kind tag ‖ Strada id → external id
//!   (the last written). Plain, not sealed: external ids, team names and user names are
//!   not about the persons met (the exchange documentation says so to PUAs)
//!
//! Values of `docs`, the `records_*` trees and `quarantine` are sealed under the document's
//! key for its generation ([`super::keys`]; the keys sit outside sled, in `doc-keys`):
//! what a withdrawal erased is unreadable in sled's files once the key of the erased
//! generation is destroyed, right after the flush that made the new one durable.
//! Values stored before sealing existed are read as they are.

use std::path::Path;
use std::sync::Mutex;

use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};
use strada_migrations::{MigrationError, MigrationStore};
use strada_shared::api::ContactRecord;
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::DocType;

use super::keys::KeyStore;
use super::{
    DocCommit, DocMeta, NotSameJudgement, Projection, Store, StoreError, StoredDoc, StoredSession,
    StoredUser,
};

/// Where a sealed value lives, bound to it (a value copied elsewhere does not open).
const DOCS_AAD: &[u8] = b"docs";
const RECORDS_AAD: &[u8] = b"records_contacts";
const PERSON_RECORDS_AAD: &[u8] = b"records_persons";
const REFERRAL_RECORDS_AAD: &[u8] = b"records_referrals";
const CASE_RECORDS_AAD: &[u8] = b"records_cases";
const JOB_OFFER_RECORDS_AAD: &[u8] = b"records_cases/job_offer";
const PROJECTION_VERSION_KEY: &[u8] = b"projection_version";

const SCHEMA_VERSION_KEY: &[u8] = b"schema_version";
const FEED_SEQ_KEY: &[u8] = b"feed_seq";
const LINKS_INDEXED_KEY: &[u8] = b"links_indexed";
const TEAM_FEED_INDEXED_KEY: &[u8] = b"team_feed_indexed";
const PLACES_INDEXED_KEY: &[u8] = b"places_indexed";
/// The trees a store from before step 15 kept a document's place in.
const PLACE_TREES_BEFORE: [&str; 3] = ["feed_by_doc", "team_feed_by_doc", "doc_history"];
/// sled's page cache.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

pub struct SledStore {
    db: sled::Db,
    docs: sled::Tree,
    doc_meta: sled::Tree,
    feed: sled::Tree,
    doc_place: sled::Tree,
    records_contacts: sled::Tree,
    records_persons: sled::Tree,
    records_referrals: sled::Tree,
    records_cases: sled::Tree,
    reconcile: sled::Tree,
    merges: sled::Tree,
    report_notes: sled::Tree,
    users: sled::Tree,
    users_by_name: sled::Tree,
    sessions: sled::Tree,
    device_actors: sled::Tree,
    devices: sled::Tree,
    quarantine: sled::Tree,
    audit: sled::Tree,
    doc_links: sled::Tree,
    team_feed: sled::Tree,
    exchange: sled::Tree,
    /// The keys documents are sealed with.
    keys: KeyStore,
    /// Serialises audit appends: each entry's hash chains to the one before.
    audit_writer: Mutex<()>,
    /// Serialises feed appends so positions become visible in increasing order: a
    /// reader that has seen position N will never later find a new entry below N.
    feed_writer: Mutex<()>,
    /// What recent commits left, so metadata reads and the next commit of the same
    /// document skip the trees (see [`Placed`]).
    placed: Mutex<lru::LruCache<DocId, Placed>>,
}

/// What a document's last commit left in `doc_meta` and `doc_place`, kept in memory.
///
/// Equal to the trees at all times: an entry is written only by a commit, under
/// `feed_writer`, once its transaction is committed, and removed, under the same lock,
/// by every other write to those trees (a quarantine, a document marked verified). An
/// entry exists only for a document in `docs` with its place in the feed. A read that
/// misses goes to the trees and leaves the cache as it is.
struct Placed {
    meta: DocMeta,
    place: StoredPlace,
}

/// A `doc_place` value: where a document stands.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct StoredPlace {
    /// Its position in the global feed.
    pub seq: u64,
    /// Its team feed entry: (position, team); `None` for a document no field device reads.
    pub team_entry: Option<(u64, TeamId)>,
    /// Its recent states, oldest first (at most [`super::DOC_HISTORY`]).
    pub history: Vec<super::DocVersion>,
}

/// The layout version that starts a `doc_place` value (postcard follows).
const PLACE_V1: u8 = 1;

pub(super) fn encode_place(place: &StoredPlace) -> Result<Vec<u8>, StoreError> {
    let mut out = vec![PLACE_V1];
    out.extend(postcard::to_allocvec(place).map_err(|e| StoreError::Corrupt(e.to_string()))?);
    Ok(out)
}

pub(super) fn decode_place(bytes: &[u8]) -> Result<StoredPlace, StoreError> {
    match bytes.split_first() {
        Some((&PLACE_V1, rest)) => {
            postcard::from_bytes(rest).map_err(|e| StoreError::Corrupt(e.to_string()))
        }
        _ => Err(StoreError::Corrupt("unknown document place layout".into())),
    }
}

/// Documents whose last commit is kept (an entry takes well under 1 KB).
const PLACED_DOCS: usize = 8192;

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

fn json<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn u64_of(bytes: &[u8]) -> Result<u64, StoreError> {
    let arr: [u8; 8] = bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("bad u64".into()))?;
    Ok(u64::from_be_bytes(arr))
}

/// The key of a pair of persons: the smaller id first.
fn pair_key(a: DocId, b: DocId) -> Vec<u8> {
    let (a, b) = if a < b { (a, b) } else { (b, a) };
    let mut key = a.as_bytes().to_vec();
    key.extend_from_slice(b.as_bytes());
    key
}

/// The key name of the notes of a judgement on `a` and `b` (a merge's notes use the
/// merge's id).
fn pair_note_key(a: DocId, b: DocId) -> DocId {
    use sha2::Digest;
    let digest = sha2::Sha256::new()
        .chain_update(b"strada not-same note")
        .chain_update(pair_key(a, b))
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    DocId::from_bytes(bytes)
}

/// What a sealed note starts with: a character no reason keeps (they are cleaned of
/// control characters), then the sealed bytes in hex.
const SEALED_NOTE: char = '\u{0}';

/// Associated data of a judgement's note.
const NOT_SAME_AAD: &[u8] = b"reconcile";

fn doc_id_of(bytes: &[u8]) -> Result<DocId, StoreError> {
    let arr: [u8; 16] = bytes
        .try_into()
        .map_err(|_| StoreError::Corrupt("bad id".into()))?;
    Ok(DocId::from_bytes(arr))
}

/// The sled handle as a migration target.
struct Migrator<'a>(&'a sled::Db);

impl MigrationStore for Migrator<'_> {
    fn schema_version(&self) -> Result<u32, MigrationError> {
        match self
            .0
            .get(SCHEMA_VERSION_KEY)
            .map_err(|e| MigrationError::Store(e.to_string()))?
        {
            None => Ok(0),
            Some(v) => {
                let arr: [u8; 4] = v
                    .as_ref()
                    .try_into()
                    .map_err(|_| MigrationError::Store("corrupt schema version".into()))?;
                Ok(u32::from_be_bytes(arr))
            }
        }
    }

    fn set_schema_version(&mut self, version: u32) -> Result<(), MigrationError> {
        self.0
            .insert(SCHEMA_VERSION_KEY, &version.to_be_bytes())
            .and_then(|_| self.0.flush())
            .map(|_| ())
            .map_err(|e| MigrationError::Store(e.to_string()))
    }

    fn ensure_collection(&mut self, name: &str) -> Result<(), MigrationError> {
        self.0
            .open_tree(name)
            .map(|_| ())
            .map_err(|e| MigrationError::Store(e.to_string()))
    }

    fn collections(&self) -> Result<Vec<String>, MigrationError> {
        Ok(self
            .0
            .tree_names()
            .into_iter()
            .map(|n| String::from_utf8_lossy(&n).into_owned())
            .collect())
    }
}

/// How long [`SledStore::open`] waits for another holder of the data folder to let go.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

impl SledStore {
    /// Opens (or creates) the store in `dir`, applying pending migrations. Returns the
    /// store and the migration versions applied by this call.
    pub fn open(dir: &Path) -> anyhow::Result<(Self, Vec<u32>)> {
        // The folder holds personal data and password hashes: its owner's alone,
        // whatever the umask made it (an attacker's probe: `db` was readable by every
        // local account).
        std::fs::create_dir_all(dir)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
        }
        let config = sled::Config::new()
            .path(dir)
            // Bounded memory: sled's default page cache is 1 GiB.
            .cache_capacity(CACHE_BYTES)
            // Every write that matters is flushed explicitly before it is acknowledged,
            // so sled's periodic background flush would only add work.
            .flush_every_ms(None)
            .mode(sled::Mode::HighThroughput);
        // A store just closed (in this process, or by a server that is still exiting)
        // keeps its file lock until sled's IO threads let go of it, so a lock conflict
        // is retried for a short while before it is reported.
        let started = std::time::Instant::now();
        let db = loop {
            match config.open() {
                Ok(db) => break db,
                Err(sled::Error::Io(e))
                    // sled reports the conflict as `Other` with this text.
                    if e.to_string().starts_with("could not acquire lock")
                        && started.elapsed() < LOCK_WAIT =>
                {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(e) => {
                    anyhow::bail!(
                        "cannot open the data folder {} (is another server using it?): {e}",
                        dir.display()
                    )
                }
            }
        };
        let applied = strada_migrations::run(&mut Migrator(&db))?;
        let tree = |name: &str| -> anyhow::Result<sled::Tree> {
            if !db
                .tree_names()
                .iter()
                .any(|n| n.as_ref() == name.as_bytes())
            {
                anyhow::bail!(
                    "the data folder lacks collection {name}: migrations did not create it"
                );
            }
            Ok(db.open_tree(name)?)
        };
        let store = SledStore {
            docs: tree("docs")?,
            doc_meta: tree("doc_meta")?,
            feed: tree("feed")?,
            doc_place: tree("doc_place")?,
            records_contacts: tree("records_contacts")?,
            records_persons: tree("records_persons")?,
            records_referrals: tree("records_referrals")?,
            records_cases: tree("records_cases")?,
            reconcile: tree("reconcile")?,
            merges: tree("merges")?,
            report_notes: tree("report_notes")?,
            users: tree("users")?,
            users_by_name: tree("users_by_name")?,
            sessions: tree("sessions")?,
            device_actors: tree("device_actors")?,
            devices: tree("devices")?,
            quarantine: tree("quarantine")?,
            audit: tree("audit")?,
            doc_links: tree("doc_links")?,
            team_feed: tree("team_feed")?,
            exchange: tree("exchange")?,
            keys: KeyStore::open(dir)?,
            audit_writer: Mutex::new(()),
            db,
            feed_writer: Mutex::new(()),
            placed: Mutex::new(lru::LruCache::new(
                std::num::NonZeroUsize::new(PLACED_DOCS).expect("non-zero"),
            )),
        };
        // A store with no document has every document's links indexed.
        if store.docs.is_empty() && !store.links_indexed()? {
            store.mark_links_indexed()?;
        }
        store.number_team_feeds()?;
        store.move_places()?;
        // Keys a crash left behind (a generation replaced, a commit that never became
        // durable) go now.
        let metas = &store.doc_meta;
        // The keys of reviewers' notes: a merge's (its id) and a judgement's.
        let mut notes = std::collections::HashSet::new();
        for k in store.reconcile.iter().keys() {
            let k = k?;
            if let (Some(a), Some(b)) = (k.get(..16), k.get(16..)) {
                notes.insert(pair_note_key(doc_id_of(a)?, doc_id_of(b)?));
            }
        }
        let merges = &store.merges;
        let destroyed = store.keys.retain(|id, generation| {
            if generation == 0
                && (notes.contains(&id) || merges.contains_key(id.as_bytes()).unwrap_or(true))
            {
                return true;
            }
            metas
                .get(id.as_bytes())
                .ok()
                .flatten()
                .and_then(|m| from_json::<DocMeta>(&m).ok())
                .is_some_and(|m| m.generation == generation)
        })?;
        if destroyed > 0 {
            tracing::info!(destroyed, "document keys of replaced generations destroyed");
        }
        Ok((store, applied))
    }
}

/// A record sealed for its tree.
type SealedRecord = (RecordKind, Vec<u8>);

/// Which records tree a projection lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecordKind {
    Contact,
    Person,
    Referral,
    /// Cases and job offers share `records_cases` (their ids never collide), each
    /// sealed under its own associated data.
    Case,
    JobOffer,
}

/// An `exchange` key: `e` (external → entry) or `i` (Strada id → external), the kind's
/// tag, the id.
fn exchange_key(direction: u8, kind: super::ExchangeKind, id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(2 + id.len());
    key.push(direction);
    key.push(kind.tag());
    key.extend_from_slice(id.as_bytes());
    key
}

/// Where a team's feed entries start: its slug (never holding a 0 byte) and 0.
fn team_prefix(team: &TeamId) -> Vec<u8> {
    let mut k = team.as_str().as_bytes().to_vec();
    k.push(0);
    k
}

fn team_feed_key(team: &TeamId, seq: u64) -> Vec<u8> {
    let mut k = team_prefix(team);
    k.extend_from_slice(&seq.to_be_bytes());
    k
}

fn team_seq_key(team: &TeamId) -> Vec<u8> {
    let mut k = b"team_seq/".to_vec();
    k.extend_from_slice(team.as_str().as_bytes());
    k
}

/// A team feed entry as `team_feed_by_doc` stored it before step 15: the position and
/// the team.
fn team_entry(seq: u64, team: &TeamId) -> Vec<u8> {
    let mut v = seq.to_be_bytes().to_vec();
    v.extend_from_slice(team.as_str().as_bytes());
    v
}

fn parse_team_entry(v: &[u8]) -> Result<(u64, TeamId), StoreError> {
    let (seq, team) = v
        .split_at_checked(8)
        .ok_or_else(|| StoreError::Corrupt("bad team feed entry".into()))?;
    let team = std::str::from_utf8(team)
        .ok()
        .and_then(|t| TeamId::parse(t).ok())
        .ok_or_else(|| StoreError::Corrupt("bad team feed entry".into()))?;
    Ok((u64_of(seq)?, team))
}

/// A document's recent states as `doc_history` stored them before step 15: `0xFF ‖
/// postcard` since team feeds exist, plain postcard (without team positions) before — a
/// vector's length never starts with 0xFF.
#[cfg(test)]
pub(super) fn encode_history(history: &[super::DocVersion]) -> Result<Vec<u8>, StoreError> {
    let mut out = vec![0xFF];
    out.extend(postcard::to_allocvec(history).map_err(|e| StoreError::Corrupt(e.to_string()))?);
    Ok(out)
}

pub(super) fn decode_history(bytes: &[u8]) -> Result<Vec<super::DocVersion>, StoreError> {
    #[derive(serde::Deserialize)]
    struct Before {
        seq: u64,
        heads: strada_shared::sync::Heads,
    }
    let corrupt = |e: postcard::Error| StoreError::Corrupt(e.to_string());
    match bytes.split_first() {
        Some((0xFF, rest)) => postcard::from_bytes(rest).map_err(corrupt),
        _ => Ok(postcard::from_bytes::<Vec<Before>>(bytes)
            .map_err(corrupt)?
            .into_iter()
            .map(|b| super::DocVersion {
                seq: b.seq,
                heads: b.heads,
                team_seq: None,
            })
            .collect()),
    }
}

fn link_key(target: DocId, source: DocId) -> [u8; 32] {
    let mut k = [0u8; 32];
    k[..16].copy_from_slice(target.as_bytes());
    k[16..].copy_from_slice(source.as_bytes());
    k
}

impl Store for SledStore {
    fn insert_user(&self, user: &StoredUser) -> Result<(), StoreError> {
        let name_key = user.username.to_lowercase();
        let value = json(user)?;
        let res = (&self.users, &self.users_by_name).transaction(|(users, by_name)| {
            if by_name.get(name_key.as_bytes())?.is_some() {
                return Err(ConflictableTransactionError::Abort(()));
            }
            by_name.insert(name_key.as_bytes(), &user.id.as_bytes()[..])?;
            users.insert(&user.id.as_bytes()[..], value.as_slice())?;
            Ok(())
        });
        match res {
            Ok(()) => Ok(()),
            Err(TransactionError::Abort(())) => Err(StoreError::Conflict),
            Err(TransactionError::Storage(e)) => Err(e.into()),
        }
    }

    fn user_by_name(&self, username: &str) -> Result<Option<StoredUser>, StoreError> {
        let Some(id) = self
            .users_by_name
            .get(username.trim().to_lowercase().as_bytes())?
        else {
            return Ok(None);
        };
        self.users.get(id)?.map(|v| from_json(&v)).transpose()
    }

    fn user_by_id(&self, id: UserId) -> Result<Option<StoredUser>, StoreError> {
        self.users
            .get(&id.as_bytes()[..])?
            .map(|v| from_json(&v))
            .transpose()
    }

    fn users(&self) -> Result<Vec<StoredUser>, StoreError> {
        self.users.iter().map(|kv| from_json(&kv?.1)).collect()
    }

    fn update_user(
        &self,
        id: UserId,
        f: &mut dyn FnMut(StoredUser) -> StoredUser,
    ) -> Result<Option<StoredUser>, StoreError> {
        let mut failure = None;
        let new = self.users.update_and_fetch(&id.as_bytes()[..], |old| {
            let old = old?;
            let updated = from_json::<StoredUser>(old).map(|u| {
                let name = u.username.clone();
                let mut n = f(u);
                // The name is indexed: it never changes here.
                n.username = name;
                n
            });
            match updated.and_then(|u| json(&u)) {
                Ok(v) => Some(v),
                Err(e) => {
                    // Leave a corrupt record as it is and report it.
                    failure = Some(e);
                    Some(old.to_vec())
                }
            }
        })?;
        if let Some(e) = failure {
            return Err(e);
        }
        new.map(|v| from_json(&v)).transpose()
    }

    fn user_count(&self) -> Result<usize, StoreError> {
        Ok(self.users.len())
    }

    fn put_session(
        &self,
        token_hash: &[u8; 32],
        session: &StoredSession,
    ) -> Result<(), StoreError> {
        self.sessions.insert(token_hash, json(session)?)?;
        Ok(())
    }

    fn touch_session(&self, token_hash: &[u8; 32], at_ms: i64) -> Result<(), StoreError> {
        let mut failed = None;
        self.sessions.fetch_and_update(token_hash, |current| {
            let bytes = current?;
            match from_json::<StoredSession>(bytes) {
                Ok(mut s) => {
                    s.last_used = s.last_used.max(at_ms);
                    match json(&s) {
                        Ok(v) => Some(v),
                        Err(e) => {
                            failed = Some(e);
                            Some(bytes.to_vec())
                        }
                    }
                }
                Err(e) => {
                    failed = Some(e);
                    Some(bytes.to_vec())
                }
            }
        })?;
        match failed {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    fn session(&self, token_hash: &[u8; 32]) -> Result<Option<StoredSession>, StoreError> {
        self.sessions
            .get(token_hash)?
            .map(|v| from_json(&v))
            .transpose()
    }

    fn delete_session(&self, token_hash: &[u8; 32]) -> Result<(), StoreError> {
        self.sessions.remove(token_hash)?;
        Ok(())
    }

    fn sessions(&self) -> Result<Vec<([u8; 32], StoredSession)>, StoreError> {
        self.sessions
            .iter()
            .map(|kv| {
                let (k, v) = kv?;
                let hash: [u8; 32] = k
                    .as_ref()
                    .try_into()
                    .map_err(|_| StoreError::Corrupt("session key is not a hash".into()))?;
                Ok((hash, from_json(&v)?))
            })
            .collect()
    }

    fn bind_actor(&self, actor: &[u8], user: UserId) -> Result<(), StoreError> {
        let res = self.device_actors.compare_and_swap(
            actor,
            None as Option<&[u8]>,
            Some(&user.as_bytes()[..]),
        )?;
        match res {
            Ok(()) => Ok(()),
            Err(e) if e.current.as_deref() == Some(&user.as_bytes()[..]) => Ok(()),
            Err(_) => Err(StoreError::Conflict),
        }
    }

    fn device(&self, actor: &[u8]) -> Result<Option<super::StoredDevice>, StoreError> {
        self.devices.get(actor)?.map(|v| from_json(&v)).transpose()
    }

    fn devices(&self) -> Result<Vec<super::StoredDevice>, StoreError> {
        self.devices
            .iter()
            .values()
            .map(|v| from_json(&v?))
            .collect()
    }

    fn update_device(
        &self,
        actor: &[u8],
        f: &mut dyn FnMut(Option<super::StoredDevice>) -> Option<super::StoredDevice>,
    ) -> Result<Option<super::StoredDevice>, StoreError> {
        let mut failure = None;
        let new = self.devices.update_and_fetch(actor, |old| {
            let current = match old.map(from_json).transpose() {
                Ok(c) => c,
                Err(e) => {
                    // Leave a corrupt record as it is and report it.
                    failure = Some(e);
                    return old.map(|o| o.to_vec());
                }
            };
            match f(current).map(|d| json(&d)).transpose() {
                Ok(v) => v,
                Err(e) => {
                    failure = Some(e);
                    old.map(|o| o.to_vec())
                }
            }
        })?;
        if let Some(e) = failure {
            return Err(e);
        }
        new.map(|v| from_json(&v)).transpose()
    }

    fn doc_history(&self, id: DocId) -> Result<Vec<super::DocVersion>, StoreError> {
        match self.doc_place.get(&id.as_bytes()[..])? {
            Some(v) => Ok(decode_place(&v)?.history),
            None => Ok(Vec::new()),
        }
    }

    fn doc_ids(&self) -> Result<Vec<DocId>, StoreError> {
        self.docs.iter().keys().map(|k| doc_id_of(&k?)).collect()
    }

    fn quarantine_doc(&self, id: DocId, reason: &str, at_ms: i64) -> Result<bool, StoreError> {
        let key = &id.as_bytes()[..];
        let _guard = self.feed_writer.lock().unwrap_or_else(|p| p.into_inner());
        let res = (
            &self.docs,
            &self.feed,
            &self.doc_place,
            &self.records_contacts,
            &self.quarantine,
            &self.team_feed,
            &self.records_persons,
            &self.records_referrals,
            &self.records_cases,
        )
            .transaction(
                |(docs, feed, places, recs, quarantine, tfeed, prec, rrec, crec)| {
                    let Some(bytes) = docs.remove(key)? else {
                        return Ok(false);
                    };
                    if let Some(v) = places.remove(key)? {
                        let place =
                            decode_place(&v).map_err(ConflictableTransactionError::Abort)?;
                        feed.remove(&place.seq.to_be_bytes())?;
                        if let Some((tseq, team)) = place.team_entry {
                            tfeed.remove(team_feed_key(&team, tseq))?;
                        }
                    }
                    recs.remove(key)?;
                    prec.remove(key)?;
                    rrec.remove(key)?;
                    crec.remove(key)?;
                    let record = super::QuarantinedDoc {
                        at: at_ms,
                        reason: reason.to_string(),
                        bytes: bytes.to_vec(),
                    };
                    let encoded = postcard::to_allocvec(&record).map_err(|e| {
                        ConflictableTransactionError::Abort(StoreError::Corrupt(e.to_string()))
                    })?;
                    quarantine.insert(key, encoded)?;
                    Ok(true)
                },
            );
        match res {
            Ok(done) => {
                self.placed().pop(&id);
                Ok(done)
            }
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(e.into()),
        }
    }

    fn quarantined(
        &self,
        id: DocId,
    ) -> Result<Option<(DocMeta, super::QuarantinedDoc)>, StoreError> {
        let key = &id.as_bytes()[..];
        let Some(record) = self.quarantine.get(key)? else {
            return Ok(None);
        };
        let mut record: super::QuarantinedDoc =
            postcard::from_bytes(&record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // Kept sealed as it was stored (its key stays with its generation).
        record.bytes = self
            .keys
            .unseal(id, DOCS_AAD, &record.bytes)?
            .unwrap_or_default();
        let meta = self
            .doc_meta
            .get(key)?
            .ok_or_else(|| StoreError::Corrupt("quarantined document without metadata".into()))?;
        Ok(Some((from_json(&meta)?, record)))
    }

    fn quarantined_ids(&self) -> Result<Vec<DocId>, StoreError> {
        self.quarantine
            .iter()
            .keys()
            .map(|k| doc_id_of(&k?))
            .collect()
    }

    fn mark_doc_verified(
        &self,
        id: DocId,
        heads: &strada_shared::sync::Heads,
    ) -> Result<(), StoreError> {
        let key = &id.as_bytes()[..];
        // Under the commits' lock, as it changes what they keep (`Placed`).
        let _guard = self.feed_writer.lock().unwrap_or_else(|p| p.into_inner());
        // Compare-and-swap: a commit made meanwhile wins (and is verified itself).
        loop {
            let Some(old) = self.doc_meta.get(key)? else {
                return Ok(());
            };
            let mut meta: DocMeta = from_json(&old)?;
            if meta.verified || meta.heads != *heads {
                return Ok(());
            }
            meta.verified = true;
            let new = json(&meta)?;
            if self
                .doc_meta
                .compare_and_swap(key, Some(&old), Some(new))?
                .is_ok()
            {
                self.placed().pop(&id);
                return Ok(());
            }
        }
    }

    fn doc(&self, id: DocId) -> Result<Option<StoredDoc>, StoreError> {
        let key = &id.as_bytes()[..];
        // A value read just before a withdrawal replaced it may have lost its key by the
        // time it is opened: read again (the new generation).
        for _ in 0..3 {
            let Some(sealed) = self.docs.get(key)? else {
                return Ok(None);
            };
            let meta = self
                .doc_meta
                .get(key)?
                .ok_or_else(|| StoreError::Corrupt("document without metadata".into()))?;
            if let Some(bytes) = self.keys.unseal(id, DOCS_AAD, &sealed)? {
                return Ok(Some(StoredDoc {
                    meta: from_json(&meta)?,
                    bytes,
                }));
            }
        }
        Err(StoreError::Corrupt("a document's key is missing".into()))
    }

    fn doc_meta(&self, id: DocId) -> Result<Option<DocMeta>, StoreError> {
        if let Some(placed) = self.placed().get(&id) {
            return Ok(Some(placed.meta.clone()));
        }
        let key = &id.as_bytes()[..];
        if !self.docs.contains_key(key)? {
            return Ok(None);
        }
        match self.doc_meta.get(key)? {
            Some(meta) => Ok(Some(from_json(&meta)?)),
            None => Err(StoreError::Corrupt("document without metadata".into())),
        }
    }

    fn commit_docs(&self, batch: &[DocCommit<'_>]) -> Result<Vec<u64>, StoreError> {
        if batch.is_empty() {
            return Ok(Vec::new());
        }
        let _guard = self.feed_writer.lock().unwrap_or_else(|p| p.into_inner());
        // Sealed before the transaction (a new key is in its file before anything sealed
        // with it is committed). A new generation starts a new history of states: the
        // heads of the erased one are of no use to any device.
        let mut sealed: Vec<(Vec<u8>, Option<SealedRecord>, bool)> =
            Vec::with_capacity(batch.len());
        for c in batch {
            let generation = c.meta.generation;
            let rotated = self.keys.has_older(c.id, generation);
            let bytes = self.keys.seal(c.id, generation, DOCS_AAD, c.bytes)?;
            let record = self.seal_record(c.id, generation, c.projection)?;
            sealed.push((bytes, record, rotated));
        }
        // Where the last commits left each document, for its first appearance in the
        // batch (a second one reads what the first wrote in the transaction).
        let known: Vec<Option<StoredPlace>> = {
            let placed = self.placed();
            let mut seen = std::collections::HashSet::with_capacity(batch.len());
            batch
                .iter()
                .map(|c| {
                    seen.insert(c.id)
                        .then(|| placed.peek(&c.id).map(|p| p.place.clone()))
                        .flatten()
                })
                .collect()
        };
        let default: &sled::Tree = &self.db;
        let res = (
            default,
            &self.docs,
            &self.doc_meta,
            &self.feed,
            &self.doc_place,
            &self.records_contacts,
            &self.quarantine,
            &self.doc_links,
            &self.team_feed,
            &self.records_persons,
            &self.records_referrals,
            &self.records_cases,
        )
            .transaction(
                |(
                    dflt,
                    docs,
                    metas,
                    feed,
                    places,
                    recs,
                    quarantine,
                    links,
                    tfeed,
                    prec,
                    rrec,
                    crec,
                )| {
                    let abort = ConflictableTransactionError::Abort;
                    let mut seq = match dflt.get(FEED_SEQ_KEY)? {
                        Some(v) => u64_of(&v).map_err(abort)?,
                        None => 0,
                    };
                    // Each team's last position, as this batch moves it.
                    let mut team_heads: std::collections::BTreeMap<TeamId, u64> =
                        Default::default();
                    let mut left = Vec::with_capacity(batch.len());
                    for ((c, (bytes, record, rotated)), known) in
                        batch.iter().zip(&sealed).zip(known.iter().cloned())
                    {
                        let key = &c.id.as_bytes()[..];
                        seq += 1;
                        // Where it stood, from the last commit when kept. A document
                        // stored and not quarantined has its place (the two come and go
                        // together): only one without may be in the quarantine.
                        let old = match known {
                            Some(place) => Some(place),
                            None => places
                                .get(key)?
                                .map(|v| decode_place(&v))
                                .transpose()
                                .map_err(abort)?,
                        };
                        let stored = old.is_some();
                        let (old_team_entry, mut history) = match old {
                            Some(old) => {
                                feed.remove(&old.seq.to_be_bytes())?;
                                (old.team_entry, old.history)
                            }
                            None => (None, Vec::new()),
                        };
                        feed.insert(&seq.to_be_bytes(), key)?;
                        // The team's feed: field documents only (what its devices read).
                        let team_seq = match c.meta.sensitivity {
                            super::Sensitivity::Field => {
                                let team = &c.meta.team;
                                let head = match team_heads.get(team) {
                                    Some(h) => *h,
                                    None => match dflt.get(team_seq_key(team))? {
                                        Some(v) => u64_of(&v).map_err(abort)?,
                                        None => 0,
                                    },
                                };
                                let tseq = head + 1;
                                team_heads.insert(team.clone(), tseq);
                                if let Some((old, old_team)) = &old_team_entry {
                                    tfeed.remove(team_feed_key(old_team, *old))?;
                                }
                                tfeed.insert(team_feed_key(team, tseq), key)?;
                                Some(tseq)
                            }
                            super::Sensitivity::Case => None,
                        };
                        if *rotated {
                            history.clear();
                        }
                        let meta = DocMeta {
                            seq,
                            ..c.meta.clone()
                        };
                        history.push(super::DocVersion {
                            seq,
                            heads: meta.heads.clone(),
                            team_seq,
                        });
                        let excess = history.len().saturating_sub(super::DOC_HISTORY);
                        history.drain(..excess);
                        let place = StoredPlace {
                            seq,
                            team_entry: match team_seq {
                                Some(tseq) => Some((tseq, c.meta.team.clone())),
                                None => old_team_entry,
                            },
                            history,
                        };
                        places.insert(key, encode_place(&place).map_err(abort)?)?;
                        metas.insert(
                            key,
                            json(&meta).map_err(ConflictableTransactionError::Abort)?,
                        )?;
                        docs.insert(key, bytes.as_slice())?;
                        // A document sent again whole leaves the quarantine.
                        if !stored {
                            quarantine.remove(key)?;
                        }
                        match record {
                            Some((RecordKind::Contact, r)) => {
                                recs.insert(key, r.as_slice())?;
                            }
                            Some((RecordKind::Person, r)) => {
                                prec.insert(key, r.as_slice())?;
                            }
                            Some((RecordKind::Referral, r)) => {
                                rrec.insert(key, r.as_slice())?;
                            }
                            Some((RecordKind::Case | RecordKind::JobOffer, r)) => {
                                crec.insert(key, r.as_slice())?;
                            }
                            None => {}
                        }
                        for target in c.links {
                            links.insert(&link_key(*target, c.id)[..], &[][..])?;
                        }
                        left.push(Placed { meta, place });
                    }
                    dflt.insert(FEED_SEQ_KEY, &seq.to_be_bytes())?;
                    for (team, head) in &team_heads {
                        dflt.insert(team_seq_key(team), &head.to_be_bytes())?;
                    }
                    Ok(left)
                },
            );
        let seqs = match res {
            Ok(left) => {
                let seqs = left.iter().map(|p| p.meta.seq).collect();
                // Committed: kept for the next reads and commits, in the batch's order
                // (a document committed twice keeps its second state).
                let mut placed = self.placed();
                for (c, p) in batch.iter().zip(left) {
                    placed.put(c.id, p);
                }
                seqs
            }
            Err(TransactionError::Abort(e)) => return Err(e),
            Err(TransactionError::Storage(e)) => return Err(e.into()),
        };
        // Committed: the keys of the generations these replace go after the next flush.
        for c in batch {
            self.keys.retire_older(c.id, c.meta.generation);
        }
        Ok(seqs)
    }

    fn linked_to(&self, target: DocId) -> Result<Vec<DocId>, StoreError> {
        self.doc_links
            .scan_prefix(target.as_bytes())
            .keys()
            .map(|k| doc_id_of(k?.get(16..).unwrap_or_default()))
            .collect()
    }

    fn add_links(&self, source: DocId, targets: &[DocId]) -> Result<(), StoreError> {
        for t in targets {
            self.doc_links.insert(&link_key(*t, source)[..], &[][..])?;
        }
        Ok(())
    }

    fn links_indexed(&self) -> Result<bool, StoreError> {
        Ok(self.db.get(LINKS_INDEXED_KEY)?.is_some())
    }

    fn mark_links_indexed(&self) -> Result<(), StoreError> {
        self.db.insert(LINKS_INDEXED_KEY, &[1u8][..])?;
        self.db.flush()?;
        Ok(())
    }

    fn feed_after(&self, cursor: u64, limit: usize) -> Result<Vec<(u64, DocId)>, StoreError> {
        let start = cursor.saturating_add(1).to_be_bytes();
        self.feed
            .range(start..)
            .take(limit)
            .map(|kv| {
                let (k, v) = kv?;
                Ok((u64_of(&k)?, doc_id_of(&v)?))
            })
            .collect()
    }

    fn team_feed_after(
        &self,
        team: &TeamId,
        cursor: u64,
        limit: usize,
    ) -> Result<Vec<(u64, DocId)>, StoreError> {
        let start = team_feed_key(team, cursor.saturating_add(1));
        let end = team_feed_key(team, u64::MAX);
        self.team_feed
            .range(start..=end)
            .take(limit)
            .map(|kv| {
                let (k, v) = kv?;
                let seq = k
                    .len()
                    .checked_sub(8)
                    .and_then(|at| k.get(at..))
                    .ok_or_else(|| StoreError::Corrupt("bad team feed key".into()))?;
                Ok((u64_of(seq)?, doc_id_of(&v)?))
            })
            .collect()
    }

    fn team_feed_head(&self, team: &TeamId) -> Result<u64, StoreError> {
        match self.db.get(team_seq_key(team))? {
            Some(v) => u64_of(&v),
            None => Ok(0),
        }
    }

    fn feed_head(&self) -> Result<u64, StoreError> {
        match self.db.get(FEED_SEQ_KEY)? {
            Some(v) => u64_of(&v),
            None => Ok(0),
        }
    }

    fn contact_records(&self) -> Result<Vec<ContactRecord>, StoreError> {
        let mut all = Vec::new();
        for kv in self.records_contacts.iter() {
            let (k, v) = kv?;
            let id = doc_id_of(&k)?;
            // Erased meanwhile: its new generation is read instead.
            let record = match self.open_record(id, &v)? {
                Some(r) => Some(r),
                None => self.contact_record(id)?,
            };
            all.extend(record);
        }
        all.sort_by(|a, b| b.occurred_at.cmp(&a.occurred_at).then(b.id.cmp(&a.id)));
        Ok(all)
    }

    fn contact_record(&self, id: DocId) -> Result<Option<ContactRecord>, StoreError> {
        for _ in 0..3 {
            let Some(v) = self.records_contacts.get(&id.as_bytes()[..])? else {
                return Ok(None);
            };
            if let Some(r) = self.open_record(id, &v)? {
                return Ok(Some(r));
            }
        }
        Err(StoreError::Corrupt("a record's key is missing".into()))
    }

    fn record(&self, doc_type: DocType, id: DocId) -> Result<Option<Projection>, StoreError> {
        Ok(match doc_type {
            DocType::Contact => self
                .typed_record(RecordKind::Contact, id)?
                .map(|r| Projection::Contact(Box::new(r))),
            DocType::Person => self
                .typed_record(RecordKind::Person, id)?
                .map(|r| Projection::Person(Box::new(r))),
            DocType::Referral => self
                .typed_record(RecordKind::Referral, id)?
                .map(|r| Projection::Referral(Box::new(r))),
            DocType::Case => self
                .typed_record(RecordKind::Case, id)?
                .map(|r| Projection::Case(Box::new(r))),
            DocType::JobOffer => self
                .typed_record(RecordKind::JobOffer, id)?
                .map(|r| Projection::JobOffer(Box::new(r))),
            DocType::PuaRules => None,
        })
    }

    fn put_record(
        &self,
        id: DocId,
        generation: u32,
        projection: &Projection,
    ) -> Result<(), StoreError> {
        let _guard = self.feed_writer.lock().unwrap_or_else(|p| p.into_inner());
        // Only over the generation stored: a document erased meanwhile keeps its own.
        let current = match self.doc_meta.get(id.as_bytes())? {
            Some(m) => from_json::<DocMeta>(&m)?.generation,
            None => return Ok(()),
        };
        if current != generation {
            return Ok(());
        }
        if let Some((kind, sealed)) = self.seal_record(id, generation, projection)? {
            self.record_tree(kind).0.insert(id.as_bytes(), sealed)?;
        }
        Ok(())
    }

    fn projection_version(&self) -> Result<u32, StoreError> {
        match self.db.get(PROJECTION_VERSION_KEY)? {
            Some(v) => Ok(u32::from_be_bytes(v.as_ref().try_into().map_err(|_| {
                StoreError::Corrupt("projection version is not 4 bytes".into())
            })?)),
            // A store without documents has nothing to project again.
            None if self.docs.is_empty() => Ok(crate::projection::VERSION),
            None => Ok(1),
        }
    }

    fn set_projection_version(&self, version: u32) -> Result<(), StoreError> {
        self.db
            .insert(PROJECTION_VERSION_KEY, &version.to_be_bytes()[..])?;
        Ok(())
    }

    fn append_audit(&self, make: &mut super::AuditValue<'_>) -> Result<u64, StoreError> {
        let _guard = self.audit_writer.lock().unwrap_or_else(|p| p.into_inner());
        let last = self.audit.last()?;
        let seq = match &last {
            Some((k, _)) => u64_of(k)? + 1,
            None => 1,
        };
        let value = make(seq, last.as_ref().map(|(_, v)| v.as_ref()));
        // Never over an existing entry (another process holding the folder cannot exist:
        // sled locks it; this guards against a bug, not a race).
        match self
            .audit
            .compare_and_swap(seq.to_be_bytes(), None as Option<&[u8]>, Some(value))?
        {
            Ok(()) => Ok(seq),
            Err(_) => Err(StoreError::Conflict),
        }
    }

    fn audit_after(&self, after: u64, limit: usize) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        let start = after.saturating_add(1).to_be_bytes();
        self.audit
            .range(start..)
            .take(limit)
            .map(|kv| {
                let (k, v) = kv?;
                Ok((u64_of(&k)?, v.to_vec()))
            })
            .collect()
    }

    fn exchange_entry(
        &self,
        kind: super::ExchangeKind,
        external: &str,
    ) -> Result<Option<super::ExchangeEntry>, StoreError> {
        self.exchange
            .get(exchange_key(b'e', kind, external))?
            .map(|v| from_json(&v))
            .transpose()
    }

    fn exchange_entries(
        &self,
        kind: super::ExchangeKind,
    ) -> Result<Vec<super::ExchangeEntry>, StoreError> {
        self.exchange
            .scan_prefix([b'e', kind.tag()])
            .values()
            .map(|v| from_json(&v?))
            .collect()
    }

    fn exchange_external(
        &self,
        kind: super::ExchangeKind,
        internal: &str,
    ) -> Result<Option<String>, StoreError> {
        self.exchange
            .get(exchange_key(b'i', kind, internal))?
            .map(|v| {
                String::from_utf8(v.to_vec())
                    .map_err(|_| StoreError::Corrupt("exchange id is not UTF-8".into()))
            })
            .transpose()
    }

    fn put_exchange(&self, entries: &[super::ExchangeEntry]) -> Result<(), StoreError> {
        let res = self.exchange.transaction(|tx| {
            for e in entries {
                let forward = exchange_key(b'e', e.kind, &e.external);
                if let Some(old) = tx.get(&forward)? {
                    let old: super::ExchangeEntry =
                        from_json(&old).map_err(ConflictableTransactionError::Abort)?;
                    let reverse = exchange_key(b'i', e.kind, &old.internal);
                    if old.internal != e.internal
                        && tx.get(&reverse)?.as_deref() == Some(e.external.as_bytes())
                    {
                        tx.remove(reverse)?;
                    }
                }
                tx.insert(
                    forward,
                    json(e).map_err(ConflictableTransactionError::Abort)?,
                )?;
                tx.insert(
                    exchange_key(b'i', e.kind, &e.internal),
                    e.external.as_bytes(),
                )?;
            }
            Ok(())
        });
        match res {
            Ok(()) => Ok(()),
            Err(TransactionError::Abort(e)) => Err(e),
            Err(TransactionError::Storage(e)) => Err(e.into()),
        }
    }

    fn mark_not_same(
        &self,
        a: DocId,
        b: DocId,
        by: UserId,
        at_ms: i64,
        reason: &str,
    ) -> Result<(), StoreError> {
        let note = pair_note_key(a, b);
        if reason.is_empty() {
            self.forget_note(note);
        }
        let reason = self.seal_note(note, NOT_SAME_AAD, reason)?;
        let value = json(&serde_json::json!({ "by": by, "at": at_ms, "reason": reason }))?;
        self.reconcile.insert(pair_key(a, b), value)?;
        Ok(())
    }

    fn unmark_not_same(&self, a: DocId, b: DocId) -> Result<bool, StoreError> {
        self.forget_note(pair_note_key(a, b));
        Ok(self.reconcile.remove(pair_key(a, b))?.is_some())
    }

    fn seal_note(&self, key: DocId, aad: &[u8], plain: &str) -> Result<String, StoreError> {
        if plain.is_empty() || plain.starts_with(SEALED_NOTE) {
            return Ok(plain.to_string());
        }
        let sealed = self.keys.seal(key, 0, aad, plain.as_bytes())?;
        Ok(format!("{SEALED_NOTE}{}", hex::encode(sealed)))
    }

    fn open_note(&self, key: DocId, aad: &[u8], stored: &str) -> Result<String, StoreError> {
        let Some(sealed) = stored.strip_prefix(SEALED_NOTE) else {
            return Ok(stored.to_string());
        };
        let bytes = hex::decode(sealed)
            .map_err(|_| StoreError::Corrupt("a sealed note is damaged".into()))?;
        Ok(match self.keys.unseal(key, aad, &bytes)? {
            Some(plain) => String::from_utf8(plain)
                .map_err(|_| StoreError::Corrupt("a sealed note is damaged".into()))?,
            None => String::new(),
        })
    }

    fn forget_note(&self, key: DocId) {
        self.keys.retire_older(key, 1);
    }

    fn not_same_judgements(&self) -> Result<Vec<NotSameJudgement>, StoreError> {
        #[derive(serde::Deserialize)]
        struct Value {
            by: UserId,
            at: i64,
            #[serde(default)]
            reason: String,
        }
        self.reconcile
            .iter()
            .map(|kv| {
                let (k, v) = kv?;
                let a = doc_id_of(k.get(..16).unwrap_or_default())?;
                let b = doc_id_of(k.get(16..).unwrap_or_default())?;
                let v: Value =
                    serde_json::from_slice(&v).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok(NotSameJudgement {
                    a,
                    b,
                    by: v.by,
                    at_ms: v.at,
                    reason: self.open_note(pair_note_key(a, b), NOT_SAME_AAD, &v.reason)?,
                })
            })
            .collect()
    }

    fn not_same_pairs(&self) -> Result<Vec<(DocId, DocId)>, StoreError> {
        self.reconcile
            .iter()
            .keys()
            .map(|k| {
                let k = k?;
                let a = doc_id_of(k.get(..16).unwrap_or_default())?;
                let b = doc_id_of(k.get(16..).unwrap_or_default())?;
                Ok((a, b))
            })
            .collect()
    }

    fn put_merge(&self, id: DocId, entry: &[u8]) -> Result<(), StoreError> {
        self.merges.insert(id.as_bytes(), entry)?;
        Ok(())
    }

    fn merge_entry(&self, id: DocId) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.merges.get(id.as_bytes())?.map(|v| v.to_vec()))
    }

    fn merge_entries(&self) -> Result<Vec<Vec<u8>>, StoreError> {
        self.merges
            .iter()
            .values()
            .map(|v| Ok(v?.to_vec()))
            .collect()
    }

    fn put_report_note(&self, period: &str, entry: &[u8]) -> Result<(), StoreError> {
        self.report_notes.insert(period.as_bytes(), entry)?;
        self.db.flush()?;
        Ok(())
    }

    fn report_note(&self, period: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .report_notes
            .get(period.as_bytes())?
            .map(|v| v.to_vec()))
    }

    fn flush(&self) -> Result<(), StoreError> {
        // New keys are durable before what they sealed; replaced keys are destroyed once
        // their replacements are.
        self.keys.sync()?;
        self.db.flush()?;
        self.keys.destroy_retired()
    }

    fn schema_version(&self) -> Result<u32, StoreError> {
        Migrator(&self.db)
            .schema_version()
            .map_err(|e| StoreError::Backend(e.to_string()))
    }
}

impl SledStore {
    fn placed(&self) -> std::sync::MutexGuard<'_, lru::LruCache<DocId, Placed>> {
        self.placed.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Numbers the team feeds of a store from before step 8, once: every field document
    /// in the order of the global feed (a new store has nothing to number). Such a store
    /// is from before step 15 too: each document's entry goes where it kept them then
    /// (`team_feed_by_doc`), and [`Self::move_places`] moves it with the rest.
    fn number_team_feeds(&self) -> Result<(), StoreError> {
        if self.db.get(TEAM_FEED_INDEXED_KEY)?.is_some() {
            return Ok(());
        }
        if self.db.get(PLACES_INDEXED_KEY)?.is_some() {
            return Err(StoreError::Corrupt(
                "team feeds not numbered in a store with document places".into(),
            ));
        }
        let by_doc = self.db.open_tree("team_feed_by_doc")?;
        let mut heads: std::collections::BTreeMap<TeamId, u64> = Default::default();
        for kv in self.feed.iter() {
            let (_, id) = kv?;
            let Some(meta) = self.doc_meta.get(&id)? else {
                continue;
            };
            let meta: DocMeta = from_json(&meta)?;
            if meta.sensitivity != super::Sensitivity::Field {
                continue;
            }
            let head = heads.entry(meta.team.clone()).or_insert(0);
            *head += 1;
            self.team_feed
                .insert(team_feed_key(&meta.team, *head), id.as_ref())?;
            by_doc.insert(id.as_ref(), team_entry(*head, &meta.team))?;
        }
        for (team, head) in &heads {
            self.db.insert(team_seq_key(team), &head.to_be_bytes())?;
        }
        self.db.insert(TEAM_FEED_INDEXED_KEY, &[1u8][..])?;
        self.db.flush()?;
        if !heads.is_empty() {
            tracing::info!(teams = heads.len(), "team feeds numbered");
        }
        Ok(())
    }

    /// Moves each document's place from the trees a store from before step 15 kept it
    /// in (`feed_by_doc`, `team_feed_by_doc`, `doc_history`) into `doc_place`, once, then
    /// drops those trees. Safe to interrupt: the old trees are read until the move is
    /// recorded (durably), and dropped only after.
    fn move_places(&self) -> Result<(), StoreError> {
        let exists = |name: &str| {
            self.db
                .tree_names()
                .iter()
                .any(|n| n.as_ref() == name.as_bytes())
        };
        if self.db.get(PLACES_INDEXED_KEY)?.is_none() {
            let [by_doc, team_by_doc, history] = PLACE_TREES_BEFORE;
            let mut moved = 0usize;
            if exists(by_doc) {
                let by_doc = self.db.open_tree(by_doc)?;
                let team_by_doc = exists(team_by_doc)
                    .then(|| self.db.open_tree(team_by_doc))
                    .transpose()?;
                let history = exists(history)
                    .then(|| self.db.open_tree(history))
                    .transpose()?;
                for kv in by_doc.iter() {
                    let (id, seq) = kv?;
                    let team_entry = match &team_by_doc {
                        Some(t) => t.get(&id)?.map(|v| parse_team_entry(&v)).transpose()?,
                        None => None,
                    };
                    let history = match &history {
                        Some(h) => h.get(&id)?.map(|v| decode_history(&v)).transpose()?,
                        None => None,
                    };
                    let place = StoredPlace {
                        seq: u64_of(&seq)?,
                        team_entry,
                        history: history.unwrap_or_default(),
                    };
                    self.doc_place.insert(&id, encode_place(&place)?)?;
                    moved += 1;
                }
            }
            self.db.insert(PLACES_INDEXED_KEY, &[1u8][..])?;
            self.db.flush()?;
            if moved > 0 {
                tracing::info!(documents = moved, "document places moved");
            }
        }
        for name in PLACE_TREES_BEFORE {
            if exists(name) {
                self.db.drop_tree(name)?;
            }
        }
        Ok(())
    }

    /// A central record, opened (`None` when its generation was erased meanwhile).
    fn open_record(&self, id: DocId, sealed: &[u8]) -> Result<Option<ContactRecord>, StoreError> {
        self.open_record_as(id, RECORDS_AAD, sealed)
    }

    fn open_record_as<T: serde::de::DeserializeOwned>(
        &self,
        id: DocId,
        aad: &[u8],
        sealed: &[u8],
    ) -> Result<Option<T>, StoreError> {
        self.keys
            .unseal(id, aad, sealed)?
            .map(|v| from_json(&v))
            .transpose()
    }

    /// A record of one kind, opened; read again when its generation was erased meanwhile.
    fn typed_record<T: serde::de::DeserializeOwned>(
        &self,
        kind: RecordKind,
        id: DocId,
    ) -> Result<Option<T>, StoreError> {
        let (tree, aad) = self.record_tree(kind);
        for _ in 0..3 {
            let Some(v) = tree.get(&id.as_bytes()[..])? else {
                return Ok(None);
            };
            if let Some(r) = self.open_record_as(id, aad, &v)? {
                return Ok(Some(r));
            }
        }
        Err(StoreError::Corrupt("a record's key is missing".into()))
    }

    fn record_tree(&self, kind: RecordKind) -> (&sled::Tree, &'static [u8]) {
        match kind {
            RecordKind::Contact => (&self.records_contacts, RECORDS_AAD),
            RecordKind::Person => (&self.records_persons, PERSON_RECORDS_AAD),
            RecordKind::Referral => (&self.records_referrals, REFERRAL_RECORDS_AAD),
            RecordKind::Case => (&self.records_cases, CASE_RECORDS_AAD),
            RecordKind::JobOffer => (&self.records_cases, JOB_OFFER_RECORDS_AAD),
        }
    }

    /// A projection sealed for its tree (`None` for a document type without records).
    fn seal_record(
        &self,
        id: DocId,
        generation: u32,
        projection: &Projection,
    ) -> Result<Option<SealedRecord>, StoreError> {
        let (kind, value) = match projection {
            Projection::Contact(r) => (RecordKind::Contact, json(r)?),
            Projection::Person(r) => (RecordKind::Person, json(r)?),
            Projection::Referral(r) => (RecordKind::Referral, json(r)?),
            Projection::Case(r) => (RecordKind::Case, json(r)?),
            Projection::JobOffer(r) => (RecordKind::JobOffer, json(r)?),
            Projection::None => return Ok(None),
        };
        let aad = self.record_tree(kind).1;
        Ok(Some((kind, self.keys.seal(id, generation, aad, &value)?)))
    }

    /// Rewrites a stored audit entry in place, as someone holding the data folder could:
    /// for tests of `audit verify`. Never compiled into a release build.
    #[cfg(any(test, feature = "fault-injection"))]
    pub fn tamper_audit(&self, seq: u64, f: &mut dyn FnMut(&[u8]) -> Vec<u8>) {
        let key = seq.to_be_bytes();
        if let Ok(Some(v)) = self.audit.get(key) {
            let _ = self.audit.insert(key, f(&v));
        }
    }
}

impl SledStore {
    /// The key document `id` is sealed with at `generation`: for tests that look for it
    /// in the data folder. Never compiled into a release build.
    #[cfg(any(test, feature = "fault-injection"))]
    pub fn doc_key(&self, id: DocId, generation: u32) -> Option<[u8; 32]> {
        self.keys.key_bytes(id, generation)
    }

    /// Empties the links index and its marker, as in a store from before migration step 7:
    /// for tests of the one-time indexing. Never compiled into a release build.
    #[cfg(any(test, feature = "fault-injection"))]
    pub fn forget_links(&self) {
        let _ = self.doc_links.clear();
        let _ = self.db.remove(LINKS_INDEXED_KEY);
        let _ = self.db.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::SledStore;

    #[cfg(unix)]
    #[test]
    fn the_data_folder_is_its_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("strada-mode-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        let (store, _) = SledStore::open(&dir).expect("open");
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        drop(store);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_store_closed_a_moment_ago_opens_again_and_a_held_one_is_reported() {
        let dir = std::env::temp_dir().join(format!("strada-lock-{}", uuid::Uuid::now_v7()));
        let (store, _) = SledStore::open(&dir).expect("open");
        // Closed while the second open is already waiting (CI once saw the lock still
        // held right after a drop).
        let closer = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(300));
            drop(store);
        });
        let (again, applied) = SledStore::open(&dir).expect("opens once the first lets go");
        assert!(applied.is_empty());
        closer.join().unwrap();
        // Held for longer than the wait: a clear error naming the folder.
        let started = std::time::Instant::now();
        let err = SledStore::open(&dir).err().expect("held by `again`");
        assert!(started.elapsed() >= super::LOCK_WAIT);
        assert!(
            err.to_string().contains("is another server using it?"),
            "{err}"
        );
        drop(again);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_store_from_before_team_feeds_numbers_them_once_in_the_feeds_order() {
        use super::super::{DocMeta, Projection, Store};
        use strada_shared::ids::{DocId, TeamId, UserId};
        let dir = std::env::temp_dir().join(format!("strada-teamfeed-{}", uuid::Uuid::now_v7()));
        let team = TeamId::parse("t-1").unwrap();
        let ids: Vec<DocId> = (1..=3u8).map(|n| DocId::new_v7(1, [n; 10])).collect();
        {
            let (store, _) = SledStore::open(&dir).expect("open");
            let meta = DocMeta {
                doc_type: strada_shared::schema::DocType::Contact,
                team: team.clone(),
                sensitivity: Default::default(),
                created_by: UserId::new_v7(1, [1; 10]),
                received_at: 1,
                updated_at: 1,
                seq: 0,
                heads: Default::default(),
                author: None,
                consent: None,
                generation: 0,
                verified: true,
                conflicted: false,
            };
            for id in ids.iter().rev() {
                store
                    .commit_doc(*id, b"x", &meta, &Projection::None)
                    .unwrap();
            }
            // As before step 8: no team feed at all (and, so, before step 15).
            as_before_step_15(&store);
            store.team_feed.clear().unwrap();
            store
                .db
                .open_tree("team_feed_by_doc")
                .unwrap()
                .clear()
                .unwrap();
            store.db.remove(super::TEAM_FEED_INDEXED_KEY).unwrap();
            store.db.remove(super::team_seq_key(&team)).unwrap();
            store.flush().unwrap();
        }
        let (store, _) = SledStore::open(&dir).expect("open again");
        assert_eq!(
            store.team_feed_after(&team, 0, 10).unwrap(),
            vec![(1, ids[2]), (2, ids[1]), (3, ids[0])]
        );
        assert_eq!(store.team_feed_head(&team).unwrap(), 3);
        drop(store);
        let _ = std::fs::remove_dir_all(dir);
    }

    /// Rewrites `store` as a release before step 15 left it: each document's place in
    /// `feed_by_doc`, `team_feed_by_doc` and `doc_history`, no `doc_place`, the schema
    /// at 14. Drop the store and open it again to move them.
    fn as_before_step_15(store: &SledStore) {
        let by_doc = store.db.open_tree("feed_by_doc").unwrap();
        let team_by_doc = store.db.open_tree("team_feed_by_doc").unwrap();
        let history = store.db.open_tree("doc_history").unwrap();
        for kv in store.doc_place.iter() {
            let (id, v) = kv.unwrap();
            let place = super::decode_place(&v).unwrap();
            by_doc.insert(&id, &place.seq.to_be_bytes()).unwrap();
            if let Some((tseq, team)) = &place.team_entry {
                team_by_doc
                    .insert(&id, super::team_entry(*tseq, team))
                    .unwrap();
            }
            history
                .insert(&id, super::encode_history(&place.history).unwrap())
                .unwrap();
        }
        store.doc_place.clear().unwrap();
        store.db.drop_tree("doc_place").unwrap();
        store.db.remove(super::PLACES_INDEXED_KEY).unwrap();
        store
            .db
            .insert(super::SCHEMA_VERSION_KEY, &14u32.to_be_bytes())
            .unwrap();
        store.db.flush().unwrap();
    }

    /// One step of [`what_commits_keep_reads_as_the_trees`].
    #[derive(Debug, Clone)]
    enum Step {
        /// Documents (by number), each with its team, whether its generation rises, its
        /// heads and whether it is verified.
        Commit(Vec<(usize, u8, bool, u8, bool)>),
        Quarantine(usize),
        /// Marked verified at the heads last committed.
        Verify(usize),
    }

    fn step() -> impl proptest::strategy::Strategy<Value = Step> {
        use proptest::prelude::*;
        prop_oneof![
            4 => proptest::collection::vec(
                (0..4usize, 0..2u8, proptest::bool::weighted(0.15), any::<u8>(), any::<bool>()),
                1..4,
            )
            .prop_map(Step::Commit),
            1 => (0..4usize).prop_map(Step::Quarantine),
            1 => (0..4usize).prop_map(Step::Verify),
        ]
    }

    /// Everything a reader of documents' placement sees.
    fn observed(store: &SledStore, ids: &[strada_shared::ids::DocId]) -> String {
        use super::super::Store;
        let mut out = Vec::new();
        for id in ids {
            out.push(format!(
                "{:?} {:?} {}",
                store
                    .doc_meta(*id)
                    .unwrap()
                    .map(|m| super::json(&m).unwrap()),
                store.doc_history(*id).unwrap(),
                store.quarantined(*id).unwrap().is_some(),
            ));
        }
        out.push(format!("{:?}", store.feed_after(0, 1000).unwrap()));
        for t in ["t-0", "t-1"] {
            let team = strada_shared::ids::TeamId::parse(t).unwrap();
            out.push(format!(
                "{:?} {}",
                store.team_feed_after(&team, 0, 1000).unwrap(),
                store.team_feed_head(&team).unwrap()
            ));
        }
        out.join("\n")
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(24))]
        /// A store that keeps what its commits left (`Placed`) reads, and commits, as one
        /// that reads everything from its trees: the same steps on both, the second
        /// forgetting what it kept after every step.
        #[test]
        fn what_commits_keep_reads_as_the_trees(steps in proptest::collection::vec(step(), 1..30)) {
            let mut driver = Driver::default();
            let dirs: Vec<_> = (0..2)
                .map(|_| std::env::temp_dir().join(format!("strada-placed-{}", uuid::Uuid::now_v7())))
                .collect();
            let kept = SledStore::open(&dirs[0]).unwrap().0;
            let plain = SledStore::open(&dirs[1]).unwrap().0;
            for step in steps {
                driver.apply(&[&kept, &plain], &step);
                plain.placed().clear();
                proptest::prop_assert_eq!(observed(&kept, &driver.ids), observed(&plain, &driver.ids));
            }
            drop((kept, plain));
            for d in dirs {
                let _ = std::fs::remove_dir_all(d);
            }
        }

        /// A store a release before step 15 left (places in three trees) reads the same
        /// once they are moved into `doc_place`, and later commits and quarantines move
        /// documents as in a store that never had them apart.
        #[test]
        fn places_moved_from_before_step_15_read_and_commit_as_before(
            steps in proptest::collection::vec(step(), 1..24),
            at in 0..24usize,
        ) {
            let mut driver = Driver::default();
            let dirs: Vec<_> = (0..2)
                .map(|_| std::env::temp_dir().join(format!("strada-moved-{}", uuid::Uuid::now_v7())))
                .collect();
            let mut moved = SledStore::open(&dirs[0]).unwrap().0;
            let always = SledStore::open(&dirs[1]).unwrap().0;
            for (i, step) in steps.iter().enumerate() {
                if i == at.min(steps.len() - 1) {
                    let before = observed(&moved, &driver.ids);
                    as_before_step_15(&moved);
                    drop(moved);
                    let (again, applied) = SledStore::open(&dirs[0]).unwrap();
                    proptest::prop_assert_eq!(applied, vec![15]);
                    for old in super::PLACE_TREES_BEFORE {
                        proptest::prop_assert!(!again.db.tree_names().iter().any(|n| n.as_ref() == old.as_bytes()));
                    }
                    moved = again;
                    proptest::prop_assert_eq!(observed(&moved, &driver.ids), before);
                }
                driver.apply(&[&moved, &always], step);
                // Flushed, as every push is before it is acknowledged (the keys of
                // replaced generations go then, as they go when a store opens).
                for store in [&moved, &always] {
                    super::super::Store::flush(store).unwrap();
                }
                proptest::prop_assert_eq!(observed(&moved, &driver.ids), observed(&always, &driver.ids));
            }
            drop((moved, always));
            for d in dirs {
                let _ = std::fs::remove_dir_all(d);
            }
        }
    }

    /// Plays [`Step`]s on stores: four documents, the fourth a case's.
    struct Driver {
        ids: Vec<strada_shared::ids::DocId>,
        generation: [u32; 4],
        heads: [Option<strada_shared::sync::Heads>; 4],
    }

    impl Default for Driver {
        fn default() -> Self {
            Driver {
                ids: (1..=4u8)
                    .map(|n| strada_shared::ids::DocId::new_v7(1, [n; 10]))
                    .collect(),
                generation: [0; 4],
                heads: Default::default(),
            }
        }
    }

    impl Driver {
        fn apply(&mut self, stores: &[&SledStore], step: &Step) {
            use super::super::{DocCommit, DocMeta, Projection, Sensitivity, Store};
            use strada_shared::ids::{TeamId, UserId};
            use strada_shared::sync::Heads;
            match step {
                Step::Commit(docs) => {
                    let mut gens = self.generation;
                    let metas: Vec<DocMeta> = docs
                        .iter()
                        .map(|&(n, team, rises, h, verified)| {
                            if rises {
                                gens[n] += 1;
                            }
                            DocMeta {
                                doc_type: strada_shared::schema::DocType::Contact,
                                team: TeamId::parse(&format!("t-{team}")).unwrap(),
                                sensitivity: if n == 3 {
                                    Sensitivity::Case
                                } else {
                                    Sensitivity::Field
                                },
                                created_by: UserId::new_v7(1, [1; 10]),
                                received_at: 1,
                                updated_at: i64::from(h),
                                seq: 0,
                                heads: Heads::new(vec![automerge::ChangeHash([h; 32])]),
                                author: None,
                                consent: None,
                                generation: gens[n],
                                verified,
                                conflicted: false,
                            }
                        })
                        .collect();
                    let batch: Vec<DocCommit<'_>> = docs
                        .iter()
                        .zip(&metas)
                        .map(|(&(n, ..), meta)| DocCommit {
                            id: self.ids[n],
                            bytes: b"x",
                            meta,
                            projection: &Projection::None,
                            links: &[],
                        })
                        .collect();
                    for store in stores {
                        store.commit_docs(&batch).unwrap();
                    }
                    self.generation = gens;
                    for (&(n, ..), meta) in docs.iter().zip(&metas) {
                        self.heads[n] = Some(meta.heads.clone());
                    }
                }
                Step::Quarantine(n) => {
                    for store in stores {
                        store.quarantine_doc(self.ids[*n], "test", 1).unwrap();
                    }
                }
                Step::Verify(n) => {
                    if let Some(h) = &self.heads[*n] {
                        for store in stores {
                            store.mark_doc_verified(self.ids[*n], h).unwrap();
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn sled_store_passes_the_story() {
        let dirs = std::cell::RefCell::new(Vec::new());
        super::super::story::run_all(|| {
            let dir = std::env::temp_dir().join(format!("strada-story-{}", uuid::Uuid::now_v7()));
            let (store, applied) = SledStore::open(&dir).expect("open");
            assert_eq!(applied.len() as u32, strada_migrations::latest_version());
            dirs.borrow_mut().push(dir);
            store
        });
        for d in dirs.into_inner() {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}
