//! The audit log: an append-only, hash-chained record of who read or did what.
//!
//! What is recorded (one entry per act):
//! - reads of records by anyone other than the author's team: the central records list
//!   (its size: a list shows every record that existed then) and a record opened (its
//!   id); a pull page or a repair that served documents of other teams (their ids);
//! - sign-in (and every refused sign-in), sign-out, a session ended by its sign-out key;
//! - device revocation and the ending of a device's sessions;
//! - every administration act on accounts, from the central office's workspace or from
//!   the server's local socket (the operator);
//! - consent withdrawn: the documents the server rewrote without their history;
//! - an exchange file imported, checked or refused, and an export (counts only);
//! - the audit log read or verified.
//!
//! An entry holds ids, roles, act codes and counts, never personal data: no alias, note,
//! username, password or token. A client address is kept only for sign-in, cut to its
//! network (IPv4 /24, IPv6 /48): enough to tell the office from elsewhere, not a person's
//! line.
//!
//! # Chain
//! Entries are numbered from 1. Each is stored as `hash ‖ bytes`, where `bytes` is the
//! entry's canonical JSON (the fields of [`Entry`] in order, every field present) and
//! `hash = SHA-256(hash of the entry before ‖ bytes)`, the entry before the first
//! hashing as 32 zero bytes. [`verify`] recomputes the chain from the first entry and
//! reports the first link that does not hold; the hash of the last entry (the head) is
//! what an operator writes down elsewhere, so that rewriting the whole log shows too.
//!
//! Every entry is flushed before the act it records is answered: a read that cannot be
//! recorded is not served.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use strada_shared::domain::Role;
use strada_shared::ids::{DocId, UserId};

use crate::auth::AuthUser;
use crate::storage::{Store, StoreError};

/// What was done. Codes are stable: they are part of entries already hashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Act {
    /// The central records list of contacts (`count`: how many records it showed).
    ReadContacts,
    /// One contact record opened (`docs`).
    ReadContact,
    /// A page of the central list of persons (`docs`: the persons shown).
    ReadPersons,
    /// A person's page opened (`docs`: the person, their contacts and referrals).
    ReadPerson,
    /// A page of the central list of referrals (`docs`).
    ReadReferrals,
    /// One referral record opened (`docs`).
    ReadReferral,
    /// A CSV of a filtered list downloaded (`count`: its rows).
    ExportCsv,
    /// The review list of conflicting values read (`docs`).
    ReadConflicts,
    /// One of a field's conflicting values kept (`docs`: the document).
    ConflictResolved,
    /// Candidate pairs of duplicate persons read (`docs`: the persons shown).
    ReadDuplicates,
    /// Two persons judged not the same person (`docs`).
    NotSamePerson,
    /// A person merged into another (`docs`: the survivor, the merged person).
    PersonsMerged,
    /// A merge undone (`docs`: the survivor, the merged person).
    PersonsUnmerged,
    /// A pull page that served documents of other teams (`docs`).
    Pull,
    /// Snapshots (the repair path) of documents of other teams (`docs`).
    Snapshots,
    SignIn,
    SignOut,
    /// A session ended by its sign-out key (a device signed out offline).
    SignOutByKey,
    DeviceRevoked,
    DeviceSessionsEnded,
    /// Every device of an account revoked (`user`).
    DevicesRevoked,
    AccountCreated,
    AccountDisabled,
    AccountEnabled,
    PasswordReset,
    RoleChanged,
    AccountUnlocked,
    /// Every session and device of an account ended (`user`).
    EverythingEnded,
    /// The list of accounts, or of an account's sessions, read.
    AccountsRead,
    /// A person withdrew consent: `docs` are the documents rewritten without history.
    ConsentWithdrawn,
    AuditRead,
    AuditVerified,
    /// An exchange file imported (`count`: the records created or updated), or refused
    /// for its invalid lines (`count`: how many).
    Import,
    /// An exchange file checked without storing (`count`: what it would write).
    ImportDryRun,
    /// Every record of the PUA exported in the exchange format (`count`: the records).
    Export,
    /// A page of the list of cases (`docs`: the cases shown).
    ReadCases,
    /// A case's page opened (`docs`: the case, its person, their contacts and referrals).
    ReadCase,
    /// The PUA's figures of a period read (`count`: the period's contacts).
    ReadReport,
    /// The anonymous export of a period's counts downloaded.
    ExportAnonymous,
    /// The director's observations for a report written.
    ReportNoteWritten,
    /// A judgement "not the same person" taken back (`docs`: the pair).
    NotSameUndone,
    /// The list of pairs judged "not the same person" read (`docs`: the persons shown).
    ReadJudged,
    /// Records written through a push by a central role (`docs`: the documents changed).
    RecordsWritten,
}

/// Whether the act was done or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Done,
    Refused,
}

/// One entry as hashed and stored. Do not rename, reorder or retype fields: stored
/// entries are hashed in this form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The entry's number, from 1, without gaps.
    pub seq: u64,
    /// Unix ms.
    pub at: i64,
    pub act: Act,
    /// Who acted: an account, or `None` for the operator on the server's local socket
    /// (or its command line) and for a sign-in with an unknown account name.
    pub by: Option<UserId>,
    pub role: Option<Role>,
    /// The first 8 hex digits of the acting device's automerge actor.
    pub device: Option<String>,
    /// The client's network, for sign-in only (see the module note).
    pub net: Option<String>,
    pub outcome: Outcome,
    /// Why it was refused: an error code, never a message.
    pub reason: Option<String>,
    /// The account acted on (administration acts, sign-in).
    pub user: Option<UserId>,
    /// The device acted on (revocation, sessions ended): first 8 hex digits of its actor.
    pub on_device: Option<String>,
    /// The documents read or rewritten.
    pub docs: Vec<DocId>,
    /// How many records a list read showed.
    pub count: u64,
}

/// An act to record: an [`Entry`] before it has a number and a time.
#[derive(Debug, Clone)]
pub struct Record {
    act: Act,
    by: Option<UserId>,
    role: Option<Role>,
    device: Option<String>,
    net: Option<String>,
    outcome: Outcome,
    reason: Option<String>,
    user: Option<UserId>,
    on_device: Option<String>,
    docs: Vec<DocId>,
    count: u64,
}

impl Record {
    /// An act by nobody in particular (the operator); add who with [`Record::by`].
    pub fn new(act: Act) -> Record {
        Record {
            act,
            by: None,
            role: None,
            device: None,
            net: None,
            outcome: Outcome::Done,
            reason: None,
            user: None,
            on_device: None,
            docs: Vec::new(),
            count: 0,
        }
    }

    /// Done by a signed-in user (from the device the session belongs to, if any).
    pub fn by(mut self, u: &AuthUser) -> Record {
        self.by = Some(u.id);
        self.role = Some(u.role);
        self.device = u.actor.as_deref().map(short_device);
        self
    }

    /// Done by an account not signed in yet (a sign-in).
    pub fn by_account(mut self, id: UserId, role: Role) -> Record {
        self.by = Some(id);
        self.role = Some(role);
        self
    }

    /// The device a sign-in comes from (its actor in hex).
    pub fn device_hex(mut self, actor_hex: &str) -> Record {
        self.device = Some(actor_hex.chars().take(8).collect());
        self
    }

    /// The device acted on (its actor in hex).
    pub fn on_device(mut self, actor_hex: &str) -> Record {
        self.on_device = Some(actor_hex.chars().take(8).collect());
        self
    }

    pub fn user(mut self, id: UserId) -> Record {
        self.user = Some(id);
        self
    }

    pub fn docs(mut self, docs: Vec<DocId>) -> Record {
        self.count = docs.len() as u64;
        self.docs = docs;
        self
    }

    pub fn count(mut self, n: usize) -> Record {
        self.count = n as u64;
        self
    }

    pub fn net(mut self, addr: std::net::IpAddr) -> Record {
        self.net = Some(network(addr));
        self
    }

    pub fn refused(mut self, reason: &str) -> Record {
        self.outcome = Outcome::Refused;
        self.reason = Some(reason.to_string());
        self
    }
}

fn short_device(actor: &[u8]) -> String {
    hex::encode(actor.get(..4).unwrap_or(actor))
}

/// The network an address belongs to: IPv4 /24, IPv6 /48.
pub fn network(addr: std::net::IpAddr) -> String {
    match addr {
        std::net::IpAddr::V4(a) => {
            let [x, y, z, _] = a.octets();
            format!("{x}.{y}.{z}.0/24")
        }
        std::net::IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => network(std::net::IpAddr::V4(v4)),
            None => {
                let s = a.segments();
                format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
            }
        },
    }
}

/// Why the log could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("audit entry {0} is damaged: run `strada-server audit verify`")]
    Damaged(u64),
}

const HASH: usize = 32;

/// The hash chained after `prev`.
fn link(prev: &[u8; HASH], bytes: &[u8]) -> [u8; HASH] {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(bytes);
    h.finalize().into()
}

/// The hash a stored value starts with (zeros before the first entry).
fn hash_of(value: Option<&[u8]>) -> [u8; HASH] {
    value
        .and_then(|v| v.get(..HASH))
        .and_then(|h| <[u8; HASH]>::try_from(h).ok())
        .unwrap_or([0; HASH])
}

/// Appends `r` to the log at `at_ms` and flushes it. Returns the entry's number.
pub fn record(store: &dyn Store, at_ms: i64, r: Record) -> Result<u64, StoreError> {
    let mut failed = None;
    let seq = store.append_audit(&mut |seq, prev| {
        let entry = Entry {
            seq,
            at: at_ms,
            act: r.act,
            by: r.by,
            role: r.role,
            device: r.device.clone(),
            net: r.net.clone(),
            outcome: r.outcome,
            reason: r.reason.clone(),
            user: r.user,
            on_device: r.on_device.clone(),
            docs: r.docs.clone(),
            count: r.count,
        };
        let bytes = match serde_json::to_vec(&entry) {
            Ok(b) => b,
            Err(e) => {
                failed = Some(e.to_string());
                Vec::new()
            }
        };
        let hash = link(&hash_of(prev), &bytes);
        let mut value = Vec::with_capacity(HASH + bytes.len());
        value.extend_from_slice(&hash);
        value.extend_from_slice(&bytes);
        value
    })?;
    if let Some(e) = failed {
        return Err(StoreError::Corrupt(e));
    }
    store.flush()?;
    Ok(seq)
}

/// [`record`], logging a failure instead of returning it: for acts that already
/// happened (a sign-out, an account disabled), whose answer should not turn into an
/// error because the log could not be written. The failure is logged loudly.
pub fn record_done(store: &dyn Store, at_ms: i64, r: Record) {
    let act = r.act;
    if let Err(e) = record(store, at_ms, r) {
        tracing::error!(?act, "the audit log could not be written: {e}");
    }
}

/// An entry as read back, with its hash (hex).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEntry {
    #[serde(flatten)]
    pub entry: Entry,
    pub hash: String,
}

/// Entries after number `after`, oldest first, at most `limit`.
pub fn entries(
    store: &dyn Store,
    after: u64,
    limit: usize,
) -> Result<Vec<StoredEntry>, AuditError> {
    store
        .audit_after(after, limit)?
        .into_iter()
        .map(|(seq, value)| {
            let (hash, bytes) = value
                .split_at_checked(HASH)
                .ok_or(AuditError::Damaged(seq))?;
            let entry: Entry =
                serde_json::from_slice(bytes).map_err(|_| AuditError::Damaged(seq))?;
            Ok(StoredEntry {
                entry,
                hash: hex::encode(hash),
            })
        })
        .collect()
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verified {
    /// Entries checked (up to the first broken one).
    pub entries: u64,
    /// The hash of the last entry that holds (hex; zeros for an empty log).
    pub head: String,
    /// The first entry whose link does not hold, and why.
    pub broken: Option<Broken>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Broken {
    pub seq: u64,
    pub why: String,
}

/// Entries read at a time while verifying.
const VERIFY_BATCH: usize = 1024;

/// Recomputes the chain from the first entry: every number follows the one before, every
/// entry reads, and every stored hash is the hash of the one before and the entry's bytes.
pub fn verify(store: &dyn Store) -> Result<Verified, StoreError> {
    let mut prev = [0u8; HASH];
    let mut expected = 1u64;
    loop {
        let batch = store.audit_after(expected - 1, VERIFY_BATCH)?;
        if batch.is_empty() {
            break;
        }
        for (seq, value) in batch {
            let broken = |why: &str| Verified {
                entries: expected - 1,
                head: hex::encode(prev),
                broken: Some(Broken {
                    seq: expected,
                    why: why.into(),
                }),
            };
            if seq != expected {
                return Ok(broken("an entry is missing before this number"));
            }
            let Some((hash, bytes)) = value.split_at_checked(HASH) else {
                return Ok(broken("the entry is truncated"));
            };
            match serde_json::from_slice::<Entry>(bytes) {
                Ok(e) if e.seq == seq => {}
                Ok(_) => return Ok(broken("the entry's number differs from its place")),
                Err(_) => return Ok(broken("the entry does not read")),
            }
            if link(&prev, bytes) != hash {
                return Ok(broken("the hash does not follow from the entry before"));
            }
            prev.copy_from_slice(hash);
            expected += 1;
        }
    }
    Ok(Verified {
        entries: expected - 1,
        head: hex::encode(prev),
        broken: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::SledStore;

    fn store() -> (crate::testing::TempDir, SledStore) {
        crate::testing::temp_store("strada-audit")
    }

    #[test]
    fn entries_chain_and_verify_finds_the_first_altered_one() {
        let (_t, s) = store();
        let worker = UserId::new_v7(1, [1; 10]);
        for n in 0..5 {
            record(
                &s,
                1_000 + n,
                Record::new(Act::ReadContact)
                    .by_account(worker, Role::CentralOffice)
                    .docs(vec![DocId::new_v7(7, [n as u8; 10])]),
            )
            .expect("recorded");
        }
        let ok = verify(&s).expect("verify");
        assert_eq!(ok.entries, 5);
        assert_eq!(ok.broken, None);
        let listed = entries(&s, 0, 10).expect("entries");
        assert_eq!(listed.len(), 5);
        assert_eq!(listed[4].hash, ok.head);
        assert_eq!(listed[2].entry.seq, 3);
        // Someone with the data folder edits entry 3 (another document read).
        s.tamper_audit(3, &mut |v| {
            let text = String::from_utf8(v[HASH..].to_vec()).expect("json");
            let doc = DocId::new_v7(7, [2; 10]).to_string();
            let other = DocId::new_v7(7, [9; 10]).to_string();
            let mut out = v[..HASH].to_vec();
            out.extend_from_slice(text.replace(&doc, &other).as_bytes());
            out
        });
        let bad = verify(&s).expect("verify");
        assert_eq!(bad.entries, 2);
        assert_eq!(bad.broken.expect("broken").seq, 3);
    }

    #[test]
    fn addresses_are_kept_as_their_network_only() {
        assert_eq!(network("192.168.10.77".parse().unwrap()), "192.168.10.0/24");
        assert_eq!(
            network("2001:db8:abcd:12::1".parse().unwrap()),
            "2001:db8:abcd::/48"
        );
        assert_eq!(network("::ffff:10.1.2.3".parse().unwrap()), "10.1.2.0/24");
    }
}
