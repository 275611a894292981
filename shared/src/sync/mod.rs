//! Sync messages between a device and the server (JSON over HTTP).
//!
//! - *push*: the device sends, for many documents in one request, the automerge changes
//!   the server has not acknowledged yet; each document is answered on its own.
//! - *pull*: the device asks for the documents that moved on the server's change feed
//!   since its cursor, one page at a time.
//!
//! Do not rename fields: old devices in the field speak this format.
//!
//! [`device`] is the sans-IO device side: what to push, what an answer means, how a pulled
//! document merges. The app and the tests drive it with their own IO.

pub mod device;
#[cfg(test)]
mod golden;
pub mod run;

use automerge::ChangeHash;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::DocId;
use crate::schema::DocType;

/// Most documents a single push may carry.
pub const MAX_PUSH_DOCS: usize = 500;
/// Largest page a pull returns, in documents.
pub const PULL_PAGE_DOCS: usize = 200;
/// Largest page a pull returns, in bytes of document data (a single larger document is
/// still sent alone).
pub const PULL_PAGE_BYTES: usize = 256 * 1024;

/// Bounds on what one pushed document may cost the server to decode: bytes once inflated
/// and with every run-length-encoded column expanded, changes, operations. They hold for
/// the pushed data and for the document merged from it (so every stored document loads
/// in bounded time). A contact, person or referral is a few KB decoded, with tens of
/// changes and operations (the demo's largest: 2.5 KB, 5 changes, 35 ops); these leave
/// two to three orders of magnitude for long-lived documents, and keep the worst case
/// around tens of milliseconds of CPU. A document over them is refused (`TooLarge`).
pub const MAX_DOC_DECODED_BYTES: u64 = 1024 * 1024;
/// See [`MAX_DOC_DECODED_BYTES`]: a document edited every day for ten years has ~4,000.
pub const MAX_DOC_CHANGES: u64 = 10_000;

/// The automerge actors of what the server writes itself, no device's (a sign-in
/// claiming one is refused): a document rewritten without its history, a merge or an
/// unmerge of persons, a value kept in "Da rivedere", an import. The app names them as
/// the writers of conflicting values.
pub const COMPACTOR_ACTOR: [u8; 16] = *b"strada-compactor";
pub const MERGE_ACTOR: [u8; 16] = *b"strada-merger!!!";
pub const REVIEWER_ACTOR: [u8; 16] = *b"strada-reviewer!";
pub const IMPORT_ACTOR: [u8; 16] = *b"strada-importer!";
/// See [`MAX_DOC_DECODED_BYTES`].
pub const MAX_DOC_OPS: u64 = 100_000;
/// Bounds on a whole push (what [`MAX_PUSH_DOCS`] typical documents need, ten to twenty
/// times over); a push over them is refused as a whole (HTTP 413, `push_too_large`), so
/// one request's decoding work stays bounded whatever its bytes say.
pub const MAX_PUSH_DECODED_BYTES: u64 = 16 * 1024 * 1024;
/// See [`MAX_PUSH_DECODED_BYTES`].
pub const MAX_PUSH_CHANGES: u64 = 50_000;
/// See [`MAX_PUSH_DECODED_BYTES`].
pub const MAX_PUSH_OPS: u64 = 250_000;

/// The media type of the binary sync encoding; its `v` parameter names the wire version
/// (none: version 1). JSON is accepted too.
pub const SYNC_CONTENT_TYPE: &str = "application/x-strada-sync";

/// The versions of the binary sync encoding. A device and the server may be a release
/// apart (a phone that has not taken the "update available" prompt keeps syncing its
/// pending changes): the server answers every version still in use, in the version the
/// device spoke; the app speaks the newest and falls back to version 1 with a server
/// that does not know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WireVersion {
    /// Postcard: positional, compact, and frozen — no field may be added to a message
    /// of version 1 (older readers would misread every field after it). The golden
    /// bytes in this module's tests guard it. Refusal codes a version-1 device does not
    /// know are sent as one it does ([`RefusalCode::in_v1`]).
    V1,
    /// CBOR with named fields: a field added to a message later reads as its default
    /// from older writers and is skipped by older readers.
    V2,
    /// Version 2, except that a whole document in a pull (`PulledDoc::snapshot`) comes
    /// without its heads (`heads` empty): they are in the document itself (a first sync
    /// of 10,000 documents: 851 KB → 805 KB compressed). Older devices still get them.
    V3,
}

impl WireVersion {
    /// The newest version this code speaks.
    pub const NEWEST: WireVersion = WireVersion::V3;

    /// Every version, oldest first.
    pub const ALL: [WireVersion; 3] = [WireVersion::V1, WireVersion::V2, WireVersion::V3];

    /// The version before this one (a device falls back step by step when a server
    /// does not speak its version).
    pub fn previous(self) -> Option<WireVersion> {
        match self {
            WireVersion::V1 => None,
            WireVersion::V2 => Some(WireVersion::V1),
            WireVersion::V3 => Some(WireVersion::V2),
        }
    }

    /// The media type of this version.
    pub fn media_type(self) -> &'static str {
        match self {
            WireVersion::V1 => SYNC_CONTENT_TYPE,
            WireVersion::V2 => "application/x-strada-sync; v=2",
            WireVersion::V3 => "application/x-strada-sync; v=3",
        }
    }

    /// The version a `Content-Type` or `Accept` value names: `Some` for the binary sync
    /// media type (no `v`: version 1), `None` for anything else. `Err` for a version this
    /// code does not know.
    pub fn from_media_type(value: &str) -> Option<Result<WireVersion, UnknownVersion>> {
        let mut parts = value.split(';');
        if parts.next()?.trim() != SYNC_CONTENT_TYPE {
            return None;
        }
        let mut version = WireVersion::V1;
        for p in parts {
            if let Some(v) = p.trim().strip_prefix("v=") {
                version = match v.trim() {
                    "1" => WireVersion::V1,
                    "2" => WireVersion::V2,
                    "3" => WireVersion::V3,
                    _ => return Some(Err(UnknownVersion)),
                };
            }
        }
        Some(Ok(version))
    }
}

/// A binary sync encoding newer than this code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("this server does not speak that version of the sync encoding")]
pub struct UnknownVersion;

/// A sync message that does not decode.
#[derive(Debug, thiserror::Error)]
#[error("not a valid sync message: {0}")]
pub struct DecodeError(String);

/// Encodes a sync message in wire version 1 (postcard). Also the device's own records
/// (see `app/src/store.rs`).
pub fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    postcard::to_allocvec(msg).expect("sync messages always encode")
}

/// Decodes a wire-version-1 (postcard) message.
pub fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, postcard::Error> {
    postcard::from_bytes(bytes)
}

/// Encodes a sync message in `version`.
pub fn encode_as<T: Serialize>(version: WireVersion, msg: &T) -> Vec<u8> {
    match version {
        WireVersion::V1 => encode(msg),
        WireVersion::V2 | WireVersion::V3 => {
            let mut out = Vec::new();
            let before = NAMED_FIELDS.with(|n| n.replace(true));
            ciborium::into_writer(msg, &mut out).expect("sync messages always encode");
            NAMED_FIELDS.with(|n| n.set(before));
            out
        }
    }
}

/// Decodes a sync message written in `version`.
pub fn decode_as<T: serde::de::DeserializeOwned>(
    version: WireVersion,
    bytes: &[u8],
) -> Result<T, DecodeError> {
    match version {
        WireVersion::V1 => decode(bytes).map_err(|e| DecodeError(e.to_string())),
        WireVersion::V2 | WireVersion::V3 => {
            ciborium::from_reader(bytes).map_err(|e| DecodeError(e.to_string()))
        }
    }
}

/// Decodes a value from the start of `bytes` and returns what follows it (for records
/// that grew a trailing field: older records simply end sooner).
pub fn decode_prefix<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
) -> Result<(T, &'a [u8]), postcard::Error> {
    postcard::take_from_bytes(bytes)
}

/// Binary data: standard base64 in JSON, raw bytes in the binary encoding.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&STANDARD.encode(&self.0))
        } else {
            s.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("binary data (base64 in JSON)")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Bytes, E> {
                STANDARD
                    .decode(s.as_bytes())
                    .map(Bytes)
                    .map_err(|_| E::custom("binary data is not valid base64"))
            }
            fn visit_bytes<E: serde::de::Error>(self, b: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(b.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, b: Vec<u8>) -> Result<Bytes, E> {
                Ok(Bytes(b))
            }
        }
        if d.is_human_readable() {
            d.deserialize_str(V)
        } else {
            d.deserialize_byte_buf(V)
        }
    }
}

/// A document's heads: sorted hex strings in JSON, 32-byte hashes in the binary encoding.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Heads(pub Vec<ChangeHash>);

impl Heads {
    pub fn new(mut heads: Vec<ChangeHash>) -> Self {
        crate::sort::sort(&mut heads);
        Heads(heads)
    }
}

impl Serialize for Heads {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            heads_to_strings(&self.0).serialize(s)
        } else {
            let raw: Vec<Bytes> = self.0.iter().map(|h| Bytes(h.0.to_vec())).collect();
            raw.serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for Heads {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bad = || serde::de::Error::custom("heads must be 32-byte change hashes");
        if d.is_human_readable() {
            let v = Vec::<String>::deserialize(d)?;
            heads_from_strings(&v).map(Heads::new).ok_or_else(bad)
        } else {
            let v = Vec::<Bytes>::deserialize(d)?;
            v.into_iter()
                .map(|b| ChangeHash::try_from(b.0.as_slice()).map_err(|_| bad()))
                .collect::<Result<Vec<_>, _>>()
                .map(Heads::new)
        }
    }
}

/// The changes of one document, as automerge bytes (a saved document or the changes
/// after the heads the server acknowledged last).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PushDoc {
    pub id: DocId,
    pub doc_type: DocType,
    pub changes: Bytes,
    /// The generation of the document the changes belong to (see
    /// [`PulledDoc::generation`]): changes to an older one are refused (`Replaced`).
    #[serde(default)]
    pub generation: u32,
}

thread_local! {
    /// Set while [`encode_as`] writes a version with named fields: a field at its default
    /// may then be left out (readers take the default), never in positional version 1.
    static NAMED_FIELDS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Serialize for PushDoc {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // Most documents are at generation 0: with named fields, 12 bytes saved on each
        // pushed document (a day's edits are small).
        let skip = self.generation == 0 && NAMED_FIELDS.with(std::cell::Cell::get);
        let mut st = s.serialize_struct("PushDoc", if skip { 3 } else { 4 })?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("doc_type", &self.doc_type)?;
        st.serialize_field("changes", &self.changes)?;
        if !skip {
            st.serialize_field("generation", &self.generation)?;
        }
        st.end()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub docs: Vec<PushDoc>,
}

/// Why the server refused a document: a stable code the app translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// The document type differs from the stored document's.
    TypeMismatch,
    /// The user may not change this document (scope).
    NotAllowed,
    /// The changes were authored under another device's actor.
    ForeignActor,
    /// The merged document does not match its schema or field rules.
    Schema,
    /// The document id differs from the id in its content.
    IdMismatch,
    /// A new document without content.
    Empty,
    /// A field worker wrote a document of another team.
    OtherTeam,
    /// A document written in someone else's name.
    NotAuthor,
    /// A new contact without any first need.
    NeedRequired,
    /// A new referral must start as proposed or sent.
    ReferralStart,
    /// A referral's contact and need cannot change.
    ReferralFixed,
    /// A document cannot move to another team.
    TeamMove,
    /// A document's author cannot change.
    AuthorChange,
    /// A referral status that does not follow its lifecycle.
    Lifecycle,
    /// The server failed on this document (logged there).
    ServerError,
    /// Identifying data without the person's consent (new at the end: variant indexes
    /// are on the wire).
    ConsentRequired,
    /// The server rewrote the document without its history (consent withdrawn): the
    /// device takes the server's version.
    Replaced,
    /// The document (as pushed, or once merged) is larger, or has a longer history, than
    /// the server accepts ([`MAX_DOC_DECODED_BYTES`], [`MAX_DOC_CHANGES`],
    /// [`MAX_DOC_OPS`]).
    TooLarge,
    /// The changes are not automerge data the server can store: they do not decode, or
    /// the merged document would not load back.
    Malformed,
    /// The document refers to a record (its person, its contact) the server does not
    /// hold for the document's team — not yet sent, or never: the same answer either
    /// way, so it says nothing of other teams' records. Sent again at the next sync.
    UnknownReference,
    /// A case closed without an outcome (or an outcome without a closing date).
    OutcomeRequired,
    /// An eligibility decision (eligible / not eligible) without its date or reasons.
    EligibilityIncomplete,
    /// An intervention marked done without the date it was done (or a date on one not done).
    InterventionDate,
    /// An assessment grade other than strong / medium / weak, or an unknown indicator.
    AssessmentGrade,
    /// A date of a case or a job offer that is not `YYYY-MM-DD` (2000–2100), or a season that ends before it starts.
    InvalidDate,
    /// The user's role may not make this change (a field worker writing a case, a labour expert changing a decision, …).
    RoleNotAllowed,
    /// A change to a version of the PUA's rules already published (versions are only ever added).
    RulesPublished,
    /// A code from a newer server (wire version 2 reads any it does not know as this);
    /// never sent.
    #[serde(other)]
    Other,
}

impl RefusalCode {
    /// The code for a field rule a document breaks (`Schema` for most; a case's rules
    /// each have their own, which the worker sees translated).
    pub fn of_invalid(e: &crate::schema::ValidationError) -> RefusalCode {
        use crate::schema::ValidationError as V;
        match e {
            V::OutcomeRequired => RefusalCode::OutcomeRequired,
            V::EligibilityIncomplete => RefusalCode::EligibilityIncomplete,
            V::InterventionDate => RefusalCode::InterventionDate,
            V::AssessmentGrade => RefusalCode::AssessmentGrade,
            V::CaseDate => RefusalCode::InvalidDate,
            V::ConsentRequired | V::IdentifyingWithoutConsent | V::NoAlias => {
                RefusalCode::ConsentRequired
            }
            _ => RefusalCode::Schema,
        }
    }

    /// Every code, in the enum's order (the app names each by [`RefusalCode::code`]).
    pub const ALL: [RefusalCode; 28] = [
        RefusalCode::TypeMismatch,
        RefusalCode::NotAllowed,
        RefusalCode::ForeignActor,
        RefusalCode::Schema,
        RefusalCode::IdMismatch,
        RefusalCode::Empty,
        RefusalCode::OtherTeam,
        RefusalCode::NotAuthor,
        RefusalCode::NeedRequired,
        RefusalCode::ReferralStart,
        RefusalCode::ReferralFixed,
        RefusalCode::TeamMove,
        RefusalCode::AuthorChange,
        RefusalCode::Lifecycle,
        RefusalCode::ServerError,
        RefusalCode::ConsentRequired,
        RefusalCode::Replaced,
        RefusalCode::TooLarge,
        RefusalCode::Malformed,
        RefusalCode::UnknownReference,
        RefusalCode::OutcomeRequired,
        RefusalCode::EligibilityIncomplete,
        RefusalCode::InterventionDate,
        RefusalCode::AssessmentGrade,
        RefusalCode::InvalidDate,
        RefusalCode::RoleNotAllowed,
        RefusalCode::RulesPublished,
        RefusalCode::Other,
    ];

    /// The stable code: the JSON name (`type_mismatch`).
    pub fn code(self) -> &'static str {
        match self {
            RefusalCode::TypeMismatch => "type_mismatch",
            RefusalCode::NotAllowed => "not_allowed",
            RefusalCode::ForeignActor => "foreign_actor",
            RefusalCode::Schema => "schema",
            RefusalCode::IdMismatch => "id_mismatch",
            RefusalCode::Empty => "empty",
            RefusalCode::OtherTeam => "other_team",
            RefusalCode::NotAuthor => "not_author",
            RefusalCode::NeedRequired => "need_required",
            RefusalCode::ReferralStart => "referral_start",
            RefusalCode::ReferralFixed => "referral_fixed",
            RefusalCode::TeamMove => "team_move",
            RefusalCode::AuthorChange => "author_change",
            RefusalCode::Lifecycle => "lifecycle",
            RefusalCode::ServerError => "server_error",
            RefusalCode::ConsentRequired => "consent_required",
            RefusalCode::Replaced => "replaced",
            RefusalCode::TooLarge => "too_large",
            RefusalCode::Malformed => "malformed",
            RefusalCode::UnknownReference => "unknown_reference",
            RefusalCode::OutcomeRequired => "outcome_required",
            RefusalCode::EligibilityIncomplete => "eligibility_incomplete",
            RefusalCode::InterventionDate => "intervention_date",
            RefusalCode::AssessmentGrade => "assessment_grade",
            RefusalCode::InvalidDate => "invalid_date",
            RefusalCode::RoleNotAllowed => "role_not_allowed",
            RefusalCode::RulesPublished => "rules_published",
            RefusalCode::Other => "other",
        }
    }

    /// The code as a device speaking wire version 1 knows it: codes added after version
    /// 1 (variant indexes it cannot decode) become the nearest older one.
    pub fn in_v1(self) -> RefusalCode {
        match self {
            RefusalCode::TooLarge | RefusalCode::Malformed | RefusalCode::Other => {
                RefusalCode::Schema
            }
            // Transient: a version-1 app sends it again at the next sync, as it does
            // after a server error.
            RefusalCode::UnknownReference => RefusalCode::ServerError,
            // Case documents: a version-1 app never writes them.
            RefusalCode::RoleNotAllowed | RefusalCode::RulesPublished => RefusalCode::NotAllowed,
            RefusalCode::OutcomeRequired
            | RefusalCode::EligibilityIncomplete
            | RefusalCode::InterventionDate
            | RefusalCode::AssessmentGrade
            | RefusalCode::InvalidDate => RefusalCode::Schema,
            other => other,
        }
    }

    /// The English explanation (the app shows its own translation).
    pub fn reason(self) -> &'static str {
        match self {
            RefusalCode::TypeMismatch => "the document type does not match the stored document",
            RefusalCode::NotAllowed => "you may not change this document",
            RefusalCode::ForeignActor => "the changes were authored by another device",
            RefusalCode::Schema => "the document does not match its schema",
            RefusalCode::IdMismatch => "the document id does not match its content",
            RefusalCode::Empty => "the document is empty",
            RefusalCode::OtherTeam => "a field worker can only write documents of their own team",
            RefusalCode::NotAuthor => "a document is written in the name of who signs in",
            RefusalCode::NeedRequired => "a new contact needs at least one first need",
            RefusalCode::ReferralStart => "a new referral starts as proposed or sent",
            RefusalCode::ReferralFixed => "a referral keeps its contact and need",
            RefusalCode::TeamMove => "a document cannot move to another team",
            RefusalCode::AuthorChange => "the author of a document cannot change",
            RefusalCode::Lifecycle => "a referral's status can only move along its lifecycle",
            RefusalCode::ServerError => "the server could not process this document",
            RefusalCode::ConsentRequired => {
                "without the person's consent only anonymous data is kept"
            }
            RefusalCode::Replaced => {
                "the server erased this document's history (consent withdrawn): the device takes the server's version"
            }
            RefusalCode::TooLarge => {
                "the document is larger, or has a longer history, than the server accepts"
            }
            RefusalCode::Malformed => {
                "the changes are not data the server can store (they would not load back)"
            }
            RefusalCode::UnknownReference => {
                "the record this one refers to is not on the server for this team (yet)"
            }
            RefusalCode::OutcomeRequired => {
                "a closed case needs an outcome, and an outcome its closing date"
            }
            RefusalCode::EligibilityIncomplete => {
                "an eligibility decision needs its date and its reasons"
            }
            RefusalCode::InterventionDate => "a done intervention needs the date it was done",
            RefusalCode::AssessmentGrade => {
                "an assessment grades ILO indicators strong, medium or weak only"
            }
            RefusalCode::InvalidDate => "a date is not a valid YYYY-MM-DD date",
            RefusalCode::RoleNotAllowed => "your role may not make this change",
            RefusalCode::RulesPublished => {
                "a published version of the PUA's rules cannot change: publish a new one"
            }
            RefusalCode::Other => "the server refused this document",
        }
    }
}

/// The server's answer for one pushed document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PushOutcome {
    /// Stored durably; `heads` are the server's heads after merging.
    Accepted { heads: Heads },
    /// Not stored; the device keeps the change and shows the reason to the worker (in
    /// the worker's language from `code`; `reason` is the English detail).
    Refused { code: RefusalCode, reason: String },
    /// Not stored: the changes depend on changes the server does not have. The device
    /// sends its whole document next time.
    Incomplete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResult {
    pub id: DocId,
    pub outcome: PushOutcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<PushResult>,
}

/// A message as a device speaking a version reads it: most are the same in every
/// version; the server passes every answer through this before encoding it.
pub trait OnWire: Sized {
    fn for_version(self, _version: WireVersion) -> Self {
        self
    }
}

impl OnWire for PushRequest {}
impl OnWire for PullRequest {}
impl OnWire for SnapshotsRequest {}

/// Whole documents without their heads from version 3 on (see [`WireVersion::V3`]).
fn without_snapshot_heads(docs: &mut [PulledDoc], version: WireVersion) {
    if version >= WireVersion::V3 {
        for d in docs.iter_mut().filter(|d| d.snapshot) {
            d.heads = Heads::default();
        }
    }
}

impl OnWire for SnapshotsResponse {
    fn for_version(mut self, version: WireVersion) -> SnapshotsResponse {
        without_snapshot_heads(&mut self.docs, version);
        self
    }
}

impl OnWire for PushResponse {
    /// The answer as a device speaking `version` can read it.
    fn for_version(mut self, version: WireVersion) -> PushResponse {
        if version == WireVersion::V1 {
            for r in &mut self.results {
                if let PushOutcome::Refused { code, .. } = &mut r.outcome {
                    *code = code.in_v1();
                }
            }
        }
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    /// The position in the server's change feed the device has already applied; 0 at first.
    pub cursor: u64,
    /// Where the device's last *complete* pull ended (it then held every document the
    /// feed had up to there). Incremental changes are computed from the state each
    /// document had at this position, never at `cursor`: during a paged pull a document
    /// may have moved past the pages read so far, so the device lacks it entirely. `None`
    /// (older devices) means `cursor`.
    #[serde(default)]
    pub since: Option<u64>,
}

/// One document that moved on the feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PulledDoc {
    pub id: DocId,
    pub doc_type: DocType,
    /// A compact snapshot (`snapshot`), or the changes after the state the device had at
    /// its cursor.
    pub data: Bytes,
    pub snapshot: bool,
    /// The server's heads for this document after `data`.
    pub heads: Heads,
    /// How many times the server rewrote the document without its history (compaction,
    /// when a person withdraws consent): a device holding an older generation replaces
    /// its copy with this one (a snapshot) instead of merging, so the erased values do
    /// not come back from its history.
    #[serde(default)]
    pub generation: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub docs: Vec<PulledDoc>,
    /// The cursor to store, in the same transaction as the documents.
    pub cursor: u64,
    /// More pages are waiting.
    pub more: bool,
    /// The feed's last position when the page was served: with `cursor`, how far a long
    /// pull (a first sync) has come. The feed spans every team, so it is a bound.
    #[serde(default)]
    pub head: u64,
}

impl OnWire for PullResponse {
    /// The page as a device speaking `version` reads it: from version 3 on, whole
    /// documents come without their heads (the device reads them from the document).
    fn for_version(mut self, version: WireVersion) -> PullResponse {
        without_snapshot_heads(&mut self.docs, version);
        self
    }
}

/// The repair path: ask for full snapshots of documents whose pulled changes did not
/// apply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotsRequest {
    pub ids: Vec<DocId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotsResponse {
    pub docs: Vec<PulledDoc>,
}

/// A short-lived ticket to open the live event stream (`EventSource` cannot send an
/// `Authorization` header).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsTicket {
    pub ticket: String,
}

/// Heads as lowercase hex strings, sorted, for the wire and for comparisons.
pub fn heads_to_strings(heads: &[ChangeHash]) -> Vec<String> {
    let mut v: Vec<String> = heads.iter().map(|h| h.to_string()).collect();
    crate::sort::sort(&mut v);
    v
}

/// Parses heads written by [`heads_to_strings`]; `None` if any is malformed.
pub fn heads_from_strings(heads: &[String]) -> Option<Vec<ChangeHash>> {
    heads.iter().map(|s| s.parse::<ChangeHash>().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_code_is_listed_once_under_its_json_name() {
        for code in RefusalCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::from(code.code())
            );
        }
        let mut codes: Vec<_> = RefusalCode::ALL.iter().map(|c| c.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), RefusalCode::ALL.len());
    }

    #[test]
    fn every_refusal_code_is_in_all() {
        // Wire version 1 writes a variant as its index: `ALL` holds the indexes 0..len in
        // order, and the next index is no variant (it reads as `Other`, the fallback), so
        // a variant added to the enum and not to `ALL` fails here.
        for (i, code) in RefusalCode::ALL.into_iter().enumerate() {
            assert_eq!(encode(&code), encode(&(i as u32)), "{code:?}");
        }
        let next: RefusalCode = decode(&encode(&(RefusalCode::ALL.len() as u32))).unwrap();
        assert_eq!(next, RefusalCode::Other);
    }

    #[test]
    fn push_messages_have_a_stable_json_shape() {
        let id = DocId::new_v7(1_760_000_000_000, [3; 10]);
        let req = PushRequest {
            docs: vec![PushDoc {
                id,
                doc_type: DocType::Contact,
                changes: Bytes(vec![1, 2, 3]),
                generation: 0,
            }],
        };
        let json = serde_json::to_value(&req).unwrap();
        assert_eq!(json["docs"][0]["doc_type"], "contact");
        assert_eq!(json["docs"][0]["changes"], "AQID");
        let back: PushRequest = serde_json::from_value(json).unwrap();
        assert_eq!(back, req);

        let res = PushResult {
            id,
            outcome: PushOutcome::Refused {
                code: RefusalCode::Schema,
                reason: "no".into(),
            },
        };
        let json = serde_json::to_value(&res).unwrap();
        assert_eq!(json["outcome"]["refused"]["reason"], "no");
        assert_eq!(json["outcome"]["refused"]["code"], "schema");
    }

    #[test]
    fn unknown_doc_types_and_bad_base64_are_rejected_by_parsing() {
        let id = DocId::new_v7(1_760_000_000_000, [3; 10]);
        let bad_type =
            format!(r#"{{"docs":[{{"id":"{id}","doc_type":"spaceship","changes":""}}]}}"#);
        assert!(serde_json::from_str::<PushRequest>(&bad_type).is_err());
        let bad_b64 =
            format!(r#"{{"docs":[{{"id":"{id}","doc_type":"contact","changes":"!!"}}]}}"#);
        assert!(serde_json::from_str::<PushRequest>(&bad_b64).is_err());
    }

    #[test]
    fn the_binary_encoding_is_compact_and_round_trips() {
        let id = DocId::new_v7(1_760_000_000_000, [3; 10]);
        let req = PushRequest {
            docs: vec![PushDoc {
                id,
                doc_type: DocType::Contact,
                changes: Bytes(vec![7; 100]),
                generation: 0,
            }],
        };
        let bin = encode(&req);
        // 1 (count) + 1+16 (id) + 1 (type) + 1+100 (changes) + 1 (generation)
        assert_eq!(bin.len(), 121);
        assert_eq!(decode::<PushRequest>(&bin).unwrap(), req);
        let mut doc = automerge::AutoCommit::new();
        use automerge::transaction::Transactable;
        doc.put(automerge::ROOT, "k", 1).unwrap();
        let res = PushResponse {
            results: vec![PushResult {
                id,
                outcome: PushOutcome::Accepted {
                    heads: Heads::new(doc.get_heads()),
                },
            }],
        };
        assert_eq!(decode::<PushResponse>(&encode(&res)).unwrap(), res);
        let json = serde_json::to_value(&res).unwrap();
        assert_eq!(
            json["results"][0]["outcome"]["accepted"]["heads"][0]
                .as_str()
                .unwrap()
                .len(),
            64
        );
        assert_eq!(serde_json::from_value::<PushResponse>(json).unwrap(), res);
    }

    #[test]
    fn truncated_or_garbage_binary_messages_fail_to_decode() {
        let id = DocId::new_v7(1_760_000_000_000, [3; 10]);
        let bin = encode(&PushRequest {
            docs: vec![PushDoc {
                id,
                doc_type: DocType::Contact,
                changes: Bytes(vec![7; 10]),
                generation: 0,
            }],
        });
        for cut in 0..bin.len() {
            assert!(
                decode::<PushRequest>(&bin[..cut]).is_err(),
                "prefix of {cut} bytes decoded"
            );
        }
        assert!(decode::<PushRequest>(&[0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).is_err());
    }

    #[test]
    fn heads_round_trip_as_hex() {
        let mut doc = automerge::AutoCommit::new();
        use automerge::transaction::Transactable;
        doc.put(automerge::ROOT, "k", 1).unwrap();
        let heads = doc.get_heads();
        let s = heads_to_strings(&heads);
        assert_eq!(heads_from_strings(&s).unwrap(), heads);
        assert!(heads_from_strings(&["zz".into()]).is_none());
    }
}
