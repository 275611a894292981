//! The contact (encounter) document: one meeting of a field worker with a person or with
//! nobody identified, and the first needs referred.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::{DocType, Document};
use crate::domain::{NeedCategory, PersonRef, Place};
use crate::ids::{DocId, TeamId, UserId};

/// Longest alias kept, in characters.
pub const MAX_ALIAS_CHARS: usize = 80;
/// Longest free note kept, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;
/// Earliest accepted contact time (2020-01-01T00:00:00Z), in Unix milliseconds.
pub const MIN_OCCURRED_AT_MS: i64 = 1_577_836_800_000;

/// A contact as stored in its automerge document (schema version 1).
///
/// Do not rename or retype fields: see the module note in `schema`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct ContactDoc {
    pub id: DocId,
    /// When the contact happened, Unix milliseconds (UTC).
    pub occurred_at: i64,
    pub place: Option<Place>,
    pub person: PersonRef,
    /// A set: stored as a map from need code to `true`, so two devices ticking the same
    /// need concurrently merge into one, and ticking and unticking never duplicate.
    #[autosurgeon(with = "need_set")]
    pub needs: Vec<NeedCategory>,
    pub note: String,
    /// The field worker who logged it.
    pub author: UserId,
    /// The team whose territory it belongs to; decides who may see it.
    pub team: TeamId,
}

/// A field rule a document breaks. Messages name the field, never its content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("the alias is empty: use 'anonymous' instead")]
    EmptyAlias,
    #[error("the alias is longer than {MAX_ALIAS_CHARS} characters")]
    AliasTooLong,
    #[error("choose at least one first need")]
    NoNeeds,
    #[error("a first need is listed twice")]
    DuplicateNeed,
    #[error("the note is longer than {MAX_NOTE_CHARS} characters")]
    NoteTooLong,
    #[error("the place is not a valid latitude/longitude")]
    PlaceOutOfRange,
    #[error("the contact time is before 2020 or invalid")]
    TimeOutOfRange,
    #[error("the partner service is missing or longer than 120 characters")]
    Partner,
}

impl ContactDoc {
    /// The rules a worker's entry must meet on top of [`Document::validate`]: at least one
    /// need. Not a document invariant: concurrent unticking on two devices may merge into
    /// an empty set, and a merge of valid edits is never refused.
    pub fn validate_entry(&self) -> Result<(), ValidationError> {
        self.validate()?;
        if self.needs.is_empty() {
            return Err(ValidationError::NoNeeds);
        }
        Ok(())
    }
}

/// `needs` as a map `{code: true}` in the document, a sorted list in Rust.
mod need_set {
    use std::collections::BTreeMap;

    use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconcile, Reconciler};

    use crate::domain::NeedCategory;

    pub(super) fn reconcile<R: Reconciler>(
        needs: &[NeedCategory],
        reconciler: R,
    ) -> Result<(), R::Error> {
        let map: BTreeMap<String, bool> =
            needs.iter().map(|n| (n.code().to_string(), true)).collect();
        map.reconcile(reconciler)
    }

    pub(super) fn hydrate<D: ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<Vec<NeedCategory>, HydrateError> {
        let map: BTreeMap<String, bool> = BTreeMap::hydrate(doc, obj, prop)?;
        let mut out = Vec::new();
        for (code, present) in map {
            if !present {
                continue;
            }
            let n = NeedCategory::ALL
                .into_iter()
                .find(|n| n.code() == code)
                .ok_or_else(|| HydrateError::unexpected("a known need code", code.clone()))?;
            out.push(n);
        }
        out.sort();
        Ok(out)
    }
}

impl Document for ContactDoc {
    const TYPE: DocType = DocType::Contact;
    const SCHEMA: u64 = 1;

    fn id(&self) -> DocId {
        self.id
    }

    fn validate(&self) -> Result<(), ValidationError> {
        if let PersonRef::Alias(alias) = &self.person {
            if alias.trim().is_empty() {
                return Err(ValidationError::EmptyAlias);
            }
            if alias.chars().count() > MAX_ALIAS_CHARS {
                return Err(ValidationError::AliasTooLong);
            }
        }
        let mut seen = self.needs.clone();
        seen.sort();
        seen.dedup();
        if seen.len() != self.needs.len() {
            return Err(ValidationError::DuplicateNeed);
        }
        if self.note.chars().count() > MAX_NOTE_CHARS {
            return Err(ValidationError::NoteTooLong);
        }
        if let Some(p) = &self.place {
            let ok = p.lat.is_finite()
                && p.lon.is_finite()
                && (-90.0..=90.0).contains(&p.lat)
                && (-180.0..=180.0).contains(&p.lon)
                && p.accuracy_m.is_none_or(|a| a.is_finite() && a >= 0.0);
            if !ok {
                return Err(ValidationError::PlaceOutOfRange);
            }
        }
        if self.occurred_at < MIN_OCCURRED_AT_MS {
            return Err(ValidationError::TimeOutOfRange);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{self, SchemaError};
    use automerge::ActorId;
    use proptest::prelude::*;

    fn sample() -> ContactDoc {
        ContactDoc {
            id: DocId::new_v7(1_760_000_000_000, [7; 10]),
            occurred_at: 1_760_000_000_000,
            place: Some(Place {
                lat: 45.69,
                lon: 9.67,
                accuracy_m: Some(12.0),
            }),
            person: PersonRef::Alias("Mamadou 'il lungo'".into()),
            needs: vec![NeedCategory::Food, NeedCategory::Shelter],
            note: "Synthetic note — no real person.".into(),
            author: UserId::new_v7(1_700_000_000_000, [1; 10]),
            team: TeamId::parse("bergamo-1").unwrap(),
        }
    }

    #[test]
    fn contact_round_trips_through_an_automerge_document() {
        let c = sample();
        let doc = schema::create(ActorId::from(vec![1u8; 16]), &c).unwrap();
        let back: ContactDoc = schema::read(&doc).unwrap();
        assert_eq!(back, c);
        // And through the saved bytes, as a device stores it.
        let mut bytes_doc = automerge::AutoCommit::load(&doc.clone().save()).unwrap();
        let back2: ContactDoc = schema::read(&bytes_doc).unwrap();
        assert_eq!(back2, c);
        assert_eq!(
            schema::header(&bytes_doc).unwrap().doc_type,
            DocType::Contact
        );
        assert!(!bytes_doc.get_heads().is_empty());
    }

    #[test]
    fn anonymous_contact_without_place_round_trips() {
        let c = ContactDoc {
            person: PersonRef::Anonymous,
            place: None,
            ..sample()
        };
        let doc = schema::create(ActorId::from(vec![2u8; 16]), &c).unwrap();
        assert_eq!(schema::read::<ContactDoc>(&doc).unwrap(), c);
    }

    #[test]
    fn update_writes_only_the_change_and_merges_with_a_concurrent_edit() {
        let c = sample();
        let mut a = schema::create(ActorId::from(vec![3u8; 16]), &c).unwrap();
        let mut b = a.fork().with_actor(ActorId::from(vec![4u8; 16]));
        schema::update(
            &mut a,
            &ContactDoc {
                note: "edited on A".into(),
                ..c.clone()
            },
        )
        .unwrap();
        schema::update(
            &mut b,
            &ContactDoc {
                needs: vec![
                    NeedCategory::Food,
                    NeedCategory::Shelter,
                    NeedCategory::Health,
                ],
                ..c.clone()
            },
        )
        .unwrap();
        a.merge(&mut b).unwrap();
        let merged: ContactDoc = schema::read(&a).unwrap();
        assert_eq!(merged.note, "edited on A");
        assert_eq!(merged.needs.len(), 3);
    }

    #[test]
    fn field_rules_refuse_bad_values() {
        let c = sample();
        let bad = [
            (
                ContactDoc {
                    person: PersonRef::Alias("  ".into()),
                    ..c.clone()
                },
                ValidationError::EmptyAlias,
            ),
            (
                ContactDoc {
                    person: PersonRef::Alias("x".repeat(81)),
                    ..c.clone()
                },
                ValidationError::AliasTooLong,
            ),
            (
                ContactDoc {
                    needs: vec![NeedCategory::Food, NeedCategory::Food],
                    ..c.clone()
                },
                ValidationError::DuplicateNeed,
            ),
            (
                ContactDoc {
                    note: "n".repeat(4001),
                    ..c.clone()
                },
                ValidationError::NoteTooLong,
            ),
            (
                ContactDoc {
                    place: Some(Place {
                        lat: 91.0,
                        lon: 0.0,
                        accuracy_m: None,
                    }),
                    ..c.clone()
                },
                ValidationError::PlaceOutOfRange,
            ),
            (
                ContactDoc {
                    occurred_at: 0,
                    ..c.clone()
                },
                ValidationError::TimeOutOfRange,
            ),
        ];
        for (doc, err) in bad {
            assert_eq!(doc.validate(), Err(err.clone()));
            assert!(
                matches!(schema::create(ActorId::random(), &doc), Err(SchemaError::Invalid(e)) if e == err)
            );
        }
    }

    #[test]
    fn an_entry_needs_at_least_one_need_but_a_merged_document_may_have_none() {
        let c = ContactDoc {
            needs: vec![],
            ..sample()
        };
        assert_eq!(c.validate_entry(), Err(ValidationError::NoNeeds));
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn ticking_the_same_need_on_two_devices_merges_into_one() {
        let c = ContactDoc {
            needs: vec![NeedCategory::Food],
            ..sample()
        };
        let mut a = schema::create(ActorId::from(vec![5u8; 16]), &c).unwrap();
        let mut b = a.fork().with_actor(ActorId::from(vec![6u8; 16]));
        let both = ContactDoc {
            needs: vec![NeedCategory::Food, NeedCategory::Training],
            ..c.clone()
        };
        schema::update(&mut a, &both).unwrap();
        schema::update(&mut b, &both).unwrap();
        // Meanwhile B also unticks food, A keeps it: the untick of what A re-ticked stays.
        a.merge(&mut b).unwrap();
        let merged: ContactDoc = schema::read(&a).unwrap();
        assert_eq!(
            merged.needs,
            vec![NeedCategory::Food, NeedCategory::Training]
        );
    }

    #[test]
    fn a_document_without_header_or_with_wrong_shape_is_refused() {
        let mut doc = automerge::AutoCommit::new();
        assert!(matches!(
            schema::read::<ContactDoc>(&doc),
            Err(SchemaError::MissingHeader)
        ));
        use automerge::transaction::Transactable;
        doc.put(automerge::ROOT, "doc_type", "contact").unwrap();
        doc.put(automerge::ROOT, "schema", 1_u64).unwrap();
        doc.put(automerge::ROOT, "id", c_id().to_string()).unwrap();
        assert!(matches!(
            schema::read::<ContactDoc>(&doc),
            Err(SchemaError::Shape { .. })
        ));
        doc.put(automerge::ROOT, "schema", 99_u64).unwrap();
        assert!(matches!(
            schema::read::<ContactDoc>(&doc),
            Err(SchemaError::UnsupportedSchema { .. })
        ));
    }

    fn c_id() -> DocId {
        sample().id
    }

    fn arb_need() -> impl Strategy<Value = NeedCategory> {
        proptest::sample::select(NeedCategory::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn any_valid_contact_round_trips(
            alias in proptest::option::of("\\PC{1,80}"),
            needs in proptest::collection::btree_set(arb_need(), 1..5),
            note in "\\PC{0,200}",
            lat in -90.0f64..90.0, lon in -180.0f64..180.0,
            ms in MIN_OCCURRED_AT_MS..4_000_000_000_000i64,
        ) {
            let person = match alias {
                Some(a) if !a.trim().is_empty() => PersonRef::Alias(a),
                _ => PersonRef::Anonymous,
            };
            let c = ContactDoc { person, needs: needs.into_iter().collect(), note, occurred_at: ms,
                place: Some(Place { lat, lon, accuracy_m: None }), ..sample() };
            let doc = schema::create(ActorId::random(), &c).unwrap();
            let loaded = automerge::AutoCommit::load(&doc.clone().save()).unwrap();
            prop_assert_eq!(schema::read::<ContactDoc>(&loaded).unwrap(), c);
        }
    }
}
