//! The document schema: one automerge document per aggregate, read and written only
//! through the typed structs of this module (hydrate/reconcile with autosurgeon).
//!
//! Every document's root carries a header — `doc_type`, `schema` (version) and `id` — so a
//! stored or pushed document can be recognised before it is interpreted.
//!
//! Do not rename or retype persisted fields: documents live for years on devices that may
//! be offline. Change the schema with a new version and a step in `migrations/`.

pub mod case;
pub mod conflicts;
pub mod contact;
pub mod erase;
pub mod job_offer;
mod keep;
pub mod person;
pub mod prefetch;
pub mod pua_rules;
pub mod referral;
pub mod sets;
pub mod shape;

use automerge::{ActorId, AutoCommit};
use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::ids::DocId;

pub use case::CaseDoc;
pub use contact::{ContactDoc, ValidationError};
pub use job_offer::JobOfferDoc;
pub use person::{Consent, PersonDoc};
pub use pua_rules::PuaRulesDoc;
pub use referral::{ReferralDoc, ReferralStatus};

/// A list a form edited, applied onto the list as it is now: `base` is what the form
/// read, `edited` what its user left, `current` the list now (another device, tab or
/// page may have changed it meanwhile). Only the user's additions and removals are
/// applied, so what the form never showed is neither dropped nor brought back; when
/// nothing else changed, the user's list (and its order) is the result.
pub fn rebase_list<T: Clone + PartialEq>(current: &[T], base: &[T], edited: &[T]) -> Vec<T> {
    if base == edited {
        return current.to_vec();
    }
    if current == base {
        return edited.to_vec();
    }
    let mut out: Vec<T> = current
        .iter()
        .filter(|x| edited.contains(x) || !base.contains(x))
        .cloned()
        .collect();
    for x in edited {
        if !base.contains(x) && !out.contains(x) {
            out.push(x.clone());
        }
    }
    out
}

/// The kinds of document Strada knows. Unknown kinds are refused at the edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum DocType {
    #[autosurgeon(rename = "contact")]
    Contact,
    #[autosurgeon(rename = "referral")]
    Referral,
    #[autosurgeon(rename = "person")]
    Person,
    /// A case taken in charge, with its PIP (new at the end: variant indexes are on the
    /// wire). Central case roles only.
    #[autosurgeon(rename = "case")]
    Case,
    /// A job offer of the survey of local job demand. Central roles only.
    #[autosurgeon(rename = "job_offer")]
    JobOffer,
    /// The PUA's own rules (one document). Central roles only.
    #[autosurgeon(rename = "pua_rules")]
    PuaRules,
}

impl DocType {
    /// Every type, in the order a push merges them (a document after those it refers to).
    pub const ALL: [DocType; 6] = [
        DocType::Person,
        DocType::Contact,
        DocType::Referral,
        DocType::Case,
        DocType::JobOffer,
        DocType::PuaRules,
    ];

    /// Whether documents of this type are the central office's only (cases, job offers,
    /// the PUA's rules): no field device ever receives, writes or learns of them.
    pub fn central_only(self) -> bool {
        matches!(self, DocType::Case | DocType::JobOffer | DocType::PuaRules)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DocType::Contact => "contact",
            DocType::Referral => "referral",
            DocType::Person => "person",
            DocType::Case => "case",
            DocType::JobOffer => "job_offer",
            DocType::PuaRules => "pua_rules",
        }
    }

    pub fn parse(s: &str) -> Option<DocType> {
        match s {
            "contact" => Some(DocType::Contact),
            "referral" => Some(DocType::Referral),
            "person" => Some(DocType::Person),
            "case" => Some(DocType::Case),
            "job_offer" => Some(DocType::JobOffer),
            "pua_rules" => Some(DocType::PuaRules),
            _ => None,
        }
    }
}

/// The header every document root carries.
#[derive(Debug, Clone, PartialEq, Reconcile, Hydrate)]
pub struct DocHeader {
    pub doc_type: DocType,
    pub schema: u64,
    pub id: DocId,
}

/// Why a document cannot be read or written as the type asked for.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("the document has no valid header (doc_type, schema, id)")]
    MissingHeader,
    #[error("expected a {expected} document, found a {found} document")]
    WrongType {
        expected: &'static str,
        found: &'static str,
    },
    #[error("document schema version {found} is newer than this version understands ({supported})")]
    UnsupportedSchema { found: u64, supported: u64 },
    #[error("the document does not match the {doc_type} schema: {detail}")]
    Shape {
        doc_type: &'static str,
        detail: String,
    },
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("could not write the document: {0}")]
    Write(String),
}

/// What a document's data did not match, without the data: autosurgeon's own message
/// quotes the value it read ("unexpected Mario Rossi, expected One of(…)"), and this
/// text reaches the server's log and the device's refusal (found by the attacker's sixth
/// probe: a name written in a field of codes was logged).
fn hydrate_detail(e: &autosurgeon::HydrateError) -> String {
    use autosurgeon::hydrate::Unexpected;
    match e {
        autosurgeon::HydrateError::Unexpected(Unexpected::Other { expected, .. }) => {
            format!("a value that is not {expected}")
        }
        // The kinds of value only (map, text, int…), never the value.
        autosurgeon::HydrateError::Unexpected(kind) => format!("unexpected {kind}"),
        autosurgeon::HydrateError::ParseMapKey(_) => "a key that is not valid here".into(),
        autosurgeon::HydrateError::Automerge(_) => "unreadable automerge data".into(),
    }
}

/// A typed document: the schema of one aggregate.
pub trait Document: Reconcile + Hydrate + Sized {
    const TYPE: DocType;
    /// The schema version this code writes and the newest it reads.
    const SCHEMA: u64;
    /// Where data may sit in the document, beyond the header (see [`shape`]).
    const SHAPE: &'static [(&'static str, shape::Shape)];
    fn id(&self) -> DocId;
    /// Field rules beyond the shape (lengths, ranges, required choices).
    fn validate(&self) -> Result<(), ValidationError>;
    /// Derives what a document's other fields decide, right after it is read (a
    /// referral's status follows its history, whatever a concurrent write left in the
    /// status field).
    fn derive(&mut self) {}
    /// Takes from `current` (the document as stored now) the fields only the server
    /// writes, before an edit made on an older copy is written over it (a person's
    /// `merged_into`): a form open while a merge arrives must not undo it.
    fn keep_server_fields(&mut self, _current: &Self) {}
    /// The free texts workers type (notes, workplaces, outcomes...): see [`crate::text`].
    fn free_texts_mut(&mut self) -> Vec<&mut String> {
        Vec::new()
    }
    /// Takes out of the free texts what they never hold ([`crate::text::unsafe_char`]).
    fn clean_free_texts(&mut self) {
        for t in self.free_texts_mut() {
            if !crate::text::is_clean(t) {
                *t = crate::text::clean(t);
            }
        }
    }
    /// Whether every free text is clean (see [`crate::text`]).
    fn free_texts_clean(&mut self) -> bool {
        self.free_texts_mut()
            .into_iter()
            .all(|t| crate::text::is_clean(t))
    }
}

/// Checks that a document holds nothing its type's schema does not read (see [`shape`]).
pub fn check_shape<T: Document>(doc: &AutoCommit) -> Result<(), shape::ShapeError> {
    shape::check(doc, T::SHAPE)
}

/// Reads `doc` as `T` ([`read`]) and checks it against `T`'s shape ([`check_shape`]),
/// walking each map once for both: the value, and whether the document holds anything
/// beyond it.
pub fn read_shaped<T: Document>(
    doc: &AutoCommit,
) -> Result<(T, Result<(), shape::ShapeError>), SchemaError> {
    let prefetched = prefetch::Prefetched::new(doc);
    let value = read_prefetched(&prefetched)?;
    Ok((value, shape::check_read(&prefetched, T::SHAPE)))
}

/// [`read_shaped`], starting from the maps read last time from the same document and
/// brought up to date since ([`prefetch::MapCache::refresh`]); `maps` is left holding
/// the maps of this read.
pub fn read_shaped_cached<T: Document>(
    doc: &AutoCommit,
    maps: &mut prefetch::MapCache,
) -> Result<(T, Result<(), shape::ShapeError>), SchemaError> {
    let prefetched = prefetch::Prefetched::with(doc, std::mem::take(maps));
    let read = read_prefetched(&prefetched)
        .map(|value: T| (value, shape::check_read(&prefetched, T::SHAPE)));
    *maps = prefetched.into_maps();
    read
}

/// Reads the header of any document.
pub fn header(doc: &AutoCommit) -> Result<DocHeader, SchemaError> {
    autosurgeon::hydrate::<_, DocHeader>(doc).map_err(|_| SchemaError::MissingHeader)
}

/// The clock changes are stamped with (Unix ms), installed once by the program (the
/// app, the server); without one (tests, golden files) changes carry time 0. The time
/// says when a value was written, for the review of conflicting values.
static CLOCK: std::sync::OnceLock<fn() -> i64> = std::sync::OnceLock::new();

/// Installs the clock changes are stamped with (the first call wins).
pub fn set_clock(clock: fn() -> i64) {
    let _ = CLOCK.set(clock);
}

/// Commits what was written, stamped with the installed clock.
pub(crate) fn commit(doc: &mut AutoCommit) {
    commit_at(doc, CLOCK.get().map_or(0, |clock| clock()));
}

/// Commits the pending operations stamped `at_ms` (Unix ms).
fn commit_at(doc: &mut AutoCommit, at_ms: i64) {
    doc.commit_with(automerge::transaction::CommitOptions::default().with_time(at_ms));
}

/// Creates a new document authored by `actor` holding `value`, with its header.
pub fn create<T: Document>(actor: ActorId, value: &T) -> Result<AutoCommit, SchemaError> {
    value.validate()?;
    let mut doc = AutoCommit::new().with_actor(actor);
    write_header::<T>(&mut doc, value.id())?;
    autosurgeon::reconcile(&mut doc, value).map_err(|e| SchemaError::Write(e.to_string()))?;
    commit(&mut doc);
    Ok(doc)
}

/// Writes `value` into an existing document as the smallest set of changes.
pub fn update<T: Document>(doc: &mut AutoCommit, value: &T) -> Result<(), SchemaError> {
    update_at(doc, value, CLOCK.get().map_or(0, |clock| clock()))
}

/// [`update`], the change stamped `at_ms` (Unix ms) whatever the installed clock: what
/// a device wrote at a known time (the demo's edits).
pub fn update_at<T: Document>(
    doc: &mut AutoCommit,
    value: &T,
    at_ms: i64,
) -> Result<(), SchemaError> {
    value.validate()?;
    let existing = header(doc)?;
    if existing.doc_type != T::TYPE {
        return Err(SchemaError::WrongType {
            expected: T::TYPE.as_str(),
            found: existing.doc_type.as_str(),
        });
    }
    // A conflict the value leaves as shown stays for the reviewer (see `keep`).
    autosurgeon::reconcile(&mut keep::Keeping(doc), value)
        .map_err(|e| SchemaError::Write(e.to_string()))?;
    commit_at(doc, at_ms);
    Ok(())
}

/// Reads a typed value from a document, checking its header, shape and field rules.
pub fn read<T: Document>(doc: &AutoCommit) -> Result<T, SchemaError> {
    read_prefetched(&prefetch::Prefetched::new(doc))
}

fn read_prefetched<T: Document>(doc: &prefetch::Prefetched<'_>) -> Result<T, SchemaError> {
    let h: DocHeader = autosurgeon::hydrate(doc).map_err(|_| SchemaError::MissingHeader)?;
    if h.doc_type != T::TYPE {
        return Err(SchemaError::WrongType {
            expected: T::TYPE.as_str(),
            found: h.doc_type.as_str(),
        });
    }
    if h.schema > T::SCHEMA {
        return Err(SchemaError::UnsupportedSchema {
            found: h.schema,
            supported: T::SCHEMA,
        });
    }
    // Each map read in one pass (see `prefetch`).
    let mut value: T = autosurgeon::hydrate(doc).map_err(|e| SchemaError::Shape {
        doc_type: T::TYPE.as_str(),
        detail: hydrate_detail(&e),
    })?;
    if value.id() != h.id {
        return Err(SchemaError::Shape {
            doc_type: T::TYPE.as_str(),
            detail: "id does not match the header".into(),
        });
    }
    value.derive();
    value.validate()?;
    Ok(value)
}

fn write_header<T: Document>(doc: &mut AutoCommit, id: DocId) -> Result<(), SchemaError> {
    let h = DocHeader {
        doc_type: T::TYPE,
        schema: T::SCHEMA,
        id,
    };
    autosurgeon::reconcile(doc, &h).map_err(|e| SchemaError::Write(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::rebase_list;

    #[test]
    fn a_rebased_list_applies_only_the_forms_own_changes() {
        // Untouched by the form: the list as it is now.
        assert_eq!(rebase_list(&[1, 2, 3], &[1, 2], &[1, 2]), [1, 2, 3]);
        // Unchanged meanwhile: the form's list, in its order.
        assert_eq!(rebase_list(&[1, 2], &[1, 2], &[2, 1, 4]), [2, 1, 4]);
        // Both: 3 added elsewhere stays, 1 removed by the form goes, 4 added by it comes.
        assert_eq!(rebase_list(&[1, 2, 3], &[1, 2], &[2, 4]), [2, 3, 4]);
        // Removed elsewhere and not by the form: not brought back.
        assert_eq!(rebase_list(&[2], &[1, 2], &[1, 2, 5]), [2, 5]);
    }
}
