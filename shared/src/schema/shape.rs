//! The keys a document may hold. Reading a document (hydrate) ignores keys it does not
//! know, and reads only the `true` items of a set: a device could hide anything there —
//! a name among a contact's keys, a note in an unticked language — and it would be
//! stored, synced to the team and survive nothing but a compaction. The server checks
//! every merged document against its type's shape ([`check`]), so what is stored is what
//! the schema reads.
//!
//! Conflicting values (concurrent writes of one key) are checked too: the value a read
//! does not show is still in the document.

use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValueRef, Value, ValueRef};

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
    // One pass over each object (a lookup per key was most of the push path's cost);
    // only a key holding a conflict is read again, value by value.
    for item in doc.map_range(automerge::ROOT, ..) {
        let key: &str = &item.key;
        let shape = HEADER
            .iter()
            .chain(root.iter())
            .find(|(k, _)| *k == key)
            .map(|(_, s)| s)
            .ok_or_else(|| ShapeError {
                place: "the document's root".into(),
            })?;
        if item.conflict {
            values(doc, &automerge::ROOT, key.into(), shape, key)?;
        } else {
            value_at(doc, &item.value, &|| item.id(), shape, key)?;
        }
    }
    Ok(())
}

/// Every value (conflicts included) at `prop` of `obj` against `shape`.
fn values(
    doc: &AutoCommit,
    obj: &ObjId,
    prop: automerge::Prop,
    shape: &Shape,
    place: &str,
) -> Result<(), ShapeError> {
    let all = doc.get_all(obj, prop).map_err(|_| ShapeError {
        place: place.into(),
    })?;
    for (value, id) in all {
        let value = match value {
            Value::Object(t) => ValueRef::Object(t),
            Value::Scalar(s) => ValueRef::Scalar(ScalarValueRef::from(s.into_owned())),
        };
        value_at(doc, &value, &|| id.clone(), shape, place)?;
    }
    Ok(())
}

/// The items of map `id`, each against `shape_of` its key (`None`: no such key).
fn map_items<'s>(
    doc: &AutoCommit,
    id: &ObjId,
    place: &str,
    shape_of: &dyn Fn(&str) -> Option<&'s Shape>,
) -> Result<(), ShapeError> {
    for item in doc.map_range(id, ..) {
        let key: &str = &item.key;
        let Some(shape) = shape_of(key) else {
            return Err(ShapeError {
                place: place.into(),
            });
        };
        if item.conflict {
            values(doc, id, key.into(), shape, place)?;
        } else {
            value_at(doc, &item.value, &|| item.id(), shape, place)?;
        }
    }
    Ok(())
}

/// A set's item: `true` and nothing else.
static SET_ITEM: Shape = Shape::SetItem;

fn value_at(
    doc: &AutoCommit,
    value: &ValueRef<'_>,
    id: &dyn Fn() -> ObjId,
    shape: &Shape,
    place: &str,
) -> Result<(), ShapeError> {
    let bad = || {
        Err(ShapeError {
            place: place.into(),
        })
    };
    match (shape, value) {
        (Shape::SetItem, ValueRef::Scalar(ScalarValueRef::Boolean(true))) => Ok(()),
        (Shape::SetItem, _) => bad(),
        // A set item is `true`, and nothing else.
        (Shape::Set, ValueRef::Scalar(_))
        | (Shape::Noted, ValueRef::Scalar(_))
        | (Shape::Keyed(_), ValueRef::Scalar(_)) => bad(),
        (_, ValueRef::Scalar(_)) => Ok(()),
        (Shape::Value, ValueRef::Object(ObjType::Text)) => Ok(()),
        (Shape::Map(fields), ValueRef::Object(ObjType::Map)) => {
            map_items(doc, &id(), place, &|key| {
                fields.iter().find(|(k, _)| *k == key).map(|(_, s)| s)
            })
        }
        (Shape::Set, ValueRef::Object(ObjType::Map)) => {
            map_items(doc, &id(), place, &|_| Some(&SET_ITEM))
        }
        (Shape::Keyed(inner), ValueRef::Object(ObjType::Map)) => {
            map_items(doc, &id(), place, &|_| Some(inner))
        }
        (Shape::Noted, ValueRef::Object(ObjType::Map)) => {
            map_items(doc, &id(), place, &|_| Some(&Shape::Value))
        }
        (Shape::List(item), ValueRef::Object(ObjType::List)) => {
            let id = id();
            for it in doc.list_range(&id, ..) {
                if it.conflict {
                    values(doc, &id, it.index.into(), item, place)?;
                } else {
                    value_at(doc, &it.value, &|| it.id(), item, place)?;
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
