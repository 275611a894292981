//! The keys a document may hold. Reading a document (hydrate) ignores keys it does not
//! know, and reads only the `true` items of a set: a device could hide anything there —
//! a name among a contact's keys, a note in an unticked language — and it would be
//! stored, synced to the team and survive nothing but a compaction. The server checks
//! every merged document against its type's shape ([`check`]), so what is stored is what
//! the schema reads.
//!
//! Conflicting values (concurrent writes of one key) are checked too: the value a read
//! does not show is still in the document.

use automerge::{
    AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, ScalarValueRef, Value, ValueRef,
};

use super::prefetch::Prefetched;

/// Where data may sit in a document.
#[derive(Debug)]
pub enum Shape {
    /// A scalar (or text): what hydrate reads and the field rules check.
    Value,
    /// A map with these keys only.
    Map(&'static [(&'static str, Shape)]),
    /// A set: `{item: true}`; the items are data (hydrate checks them), the values only
    /// ever `true` (an item removed is a key deleted, never `false`).
    Set,
    /// Items with a note each: `{item: "note"}`.
    Noted,
    /// A list whose items have this shape.
    List(&'static Shape),
    /// A set's item: `true` only.
    SetItem,
    /// A map with keys of the data's own (ids, codes) whose values have this shape.
    Keyed(&'static Shape),
}

/// What a document holds beyond its shape. The message names the schema's own fields
/// only, never what the device wrote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the document holds data outside its schema (in {place})")]
pub struct ShapeError {
    pub place: String,
}

/// The keys of the header every document root carries.
pub const HEADER: [(&str, Shape); 3] = [
    ("doc_type", Shape::Value),
    ("schema", Shape::Value),
    ("id", Shape::Value),
];

/// Checks `doc` against `root` (the fields of the document's type) plus the header.
pub fn check(doc: &AutoCommit, root: &'static [(&'static str, Shape)]) -> Result<(), ShapeError> {
    check_read(&Prefetched::new(doc), root)
}

/// [`check`] on a document being read: each map is walked once, for the read and the
/// check (a lookup per key was most of the push path's cost); only a key holding a
/// conflict is read again, value by value.
pub fn check_read(
    doc: &Prefetched<'_>,
    root: &'static [(&'static str, Shape)],
) -> Result<(), ShapeError> {
    map_items(doc, &automerge::ROOT, "the document's root", &|key| {
        HEADER
            .iter()
            .chain(root.iter())
            .find(|(k, _)| *k == key)
            .map(|(_, s)| s)
    })
}

/// What a value is, as far as shapes go.
#[derive(Clone, Copy)]
enum Kind {
    /// A scalar: `true` or anything else.
    Scalar {
        is_true: bool,
    },
    Object(ObjType),
}

impl Kind {
    fn of_ref(value: &ValueRef<'_>) -> Kind {
        match value {
            ValueRef::Scalar(s) => Kind::Scalar {
                is_true: matches!(s, ScalarValueRef::Boolean(true)),
            },
            ValueRef::Object(t) => Kind::Object(*t),
        }
    }

    fn of(value: &Value<'_>) -> Kind {
        match value {
            Value::Scalar(s) => Kind::Scalar {
                is_true: matches!(s.as_ref(), ScalarValue::Boolean(true)),
            },
            Value::Object(t) => Kind::Object(*t),
        }
    }
}

/// Every value (conflicts included) at `prop` of `obj` against `shape`.
fn values(
    doc: &Prefetched<'_>,
    obj: &ObjId,
    prop: automerge::Prop,
    shape: &Shape,
    place: &str,
) -> Result<(), ShapeError> {
    let all = doc.doc().get_all(obj, prop).map_err(|_| ShapeError {
        place: place.into(),
    })?;
    for (value, id) in all {
        value_at(doc, Kind::of(&value), &id, shape, place)?;
    }
    Ok(())
}

/// The items of map `id`, each against `shape_of` its key (`None`: no such key).
fn map_items<'s>(
    doc: &Prefetched<'_>,
    id: &ObjId,
    place: &str,
    shape_of: &dyn Fn(&str) -> Option<&'s Shape>,
) -> Result<(), ShapeError> {
    for (key, (value, item, conflict)) in doc.entries(id).iter() {
        let Some(shape) = shape_of(key) else {
            return Err(ShapeError {
                place: place.into(),
            });
        };
        // The root's items are named by their own key.
        let place = if *id == automerge::ROOT { key } else { place };
        if *conflict {
            values(doc, id, key.as_str().into(), shape, place)?;
        } else {
            value_at(doc, Kind::of(value), item, shape, place)?;
        }
    }
    Ok(())
}

/// A set's item: `true` and nothing else.
static SET_ITEM: Shape = Shape::SetItem;

fn value_at(
    doc: &Prefetched<'_>,
    kind: Kind,
    id: &ObjId,
    shape: &Shape,
    place: &str,
) -> Result<(), ShapeError> {
    let bad = || {
        Err(ShapeError {
            place: place.into(),
        })
    };
    match (shape, kind) {
        (Shape::SetItem, Kind::Scalar { is_true: true }) => Ok(()),
        (Shape::SetItem, _) => bad(),
        // A set item is `true`, and nothing else.
        (Shape::Set, Kind::Scalar { .. })
        | (Shape::Noted, Kind::Scalar { .. })
        | (Shape::Keyed(_), Kind::Scalar { .. }) => bad(),
        (_, Kind::Scalar { .. }) => Ok(()),
        (Shape::Value, Kind::Object(ObjType::Text)) => Ok(()),
        (Shape::Map(fields), Kind::Object(ObjType::Map)) => map_items(doc, id, place, &|key| {
            fields.iter().find(|(k, _)| *k == key).map(|(_, s)| s)
        }),
        (Shape::Set, Kind::Object(ObjType::Map)) => map_items(doc, id, place, &|_| Some(&SET_ITEM)),
        (Shape::Keyed(inner), Kind::Object(ObjType::Map)) => {
            map_items(doc, id, place, &|_| Some(inner))
        }
        (Shape::Noted, Kind::Object(ObjType::Map)) => {
            map_items(doc, id, place, &|_| Some(&Shape::Value))
        }
        (Shape::List(item), Kind::Object(ObjType::List)) => {
            for it in doc.doc().list_range(id, ..) {
                if it.conflict {
                    values(doc, id, it.index.into(), item, place)?;
                } else {
                    value_at(doc, Kind::of_ref(&it.value), &it.id(), item, place)?;
                }
            }
            Ok(())
        }
        _ => bad(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{self, ContactDoc, Document, PersonDoc};
    use automerge::transaction::Transactable;

    fn contact() -> AutoCommit {
        let c = ContactDoc {
            team: crate::ids::TeamId::parse("t").unwrap(),
            needs: vec![crate::domain::NeedCategory::Food],
            person: crate::domain::PersonRef::Alias("x".into()),
            place: Some(crate::domain::Place {
                lat: 1.0,
                lon: 2.0,
                accuracy_m: None,
            }),
            indicators: vec![(crate::vocab::Indicator::Deception, "n".into())],
            ..ContactDoc::blank()
        };
        schema::create(automerge::ActorId::from(vec![1u8; 16]), &c).unwrap()
    }

    #[test]
    fn documents_the_schema_writes_have_its_shape() {
        assert_eq!(check(&contact(), ContactDoc::SHAPE), Ok(()));
        let p = crate::schema::person::tests::sample();
        let doc = schema::create(automerge::ActorId::from(vec![1u8; 16]), &p).unwrap();
        assert_eq!(check(&doc, PersonDoc::SHAPE), Ok(()));
    }

    #[test]
    fn a_key_hydrate_would_not_read_is_refused_wherever_it_hides() {
        // At the root, inside a nested map, as a set item that is not `true`, as a map
        // where a value is expected, and as the losing value of a conflict.
        let hide: [fn(&mut AutoCommit); 6] = [
            |d| {
                d.put(automerge::ROOT, "secret", "Synthetic hidden")
                    .map(drop)
                    .unwrap()
            },
            |d| {
                let (_, place) = d.get(automerge::ROOT, "place").unwrap().unwrap();
                d.put(&place, "street", "Synthetic road").unwrap();
            },
            |d| {
                let (_, needs) = d.get(automerge::ROOT, "needs").unwrap().unwrap();
                d.put(&needs, "Synthetic hidden", false).unwrap();
            },
            |d| {
                let note = d.put_object(automerge::ROOT, "note", ObjType::Map).unwrap();
                d.put(&note, "x", "Synthetic hidden").unwrap();
            },
            |d| {
                let mut other = d.fork().with_actor(automerge::ActorId::from(vec![2u8; 16]));
                let m = other
                    .put_object(automerge::ROOT, "workplace", ObjType::Map)
                    .unwrap();
                other.put(&m, "x", "Synthetic hidden").unwrap();
                d.put(automerge::ROOT, "workplace", "serra").unwrap();
                d.merge(&mut other).unwrap();
            },
            // The losing value of a conflict inside a set.
            |d| {
                let (_, needs) = d.get(automerge::ROOT, "needs").unwrap().unwrap();
                let mut other = d.fork().with_actor(automerge::ActorId::from(vec![3u8; 16]));
                other.put(&needs, "food", "Synthetic hidden").unwrap();
                d.put(&needs, "food", true).unwrap();
                d.merge(&mut other).unwrap();
            },
        ];
        for (i, f) in hide.into_iter().enumerate() {
            let mut d = contact();
            f(&mut d);
            let err = check(&d, ContactDoc::SHAPE).expect_err(&format!("case {i}"));
            assert!(!err.to_string().contains("Synthetic"), "{err}");
        }
    }
}
