//! Reading a document's maps in one pass each. Hydrating a type looks up its fields one
//! by one, and in automerge each lookup is a seek through the object's operations; the
//! server hydrates every pushed document, where those seeks were the largest cost of a
//! push. [`Prefetched`] answers a map's lookups from one ordered pass over it (the
//! values a lookup would give: the winner of a conflict), and the rest as the document.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::RangeBounds;
use std::rc::Rc;

use automerge::{self as am, AutoCommit, AutomergeError, ObjId, Value};
use autosurgeon::ReadDoc;

/// A map's items by key: the value a lookup gives (the winner of a conflict), its id,
/// and whether other values conflict with it.
pub(crate) type Entries = Rc<HashMap<String, (Value<'static>, ObjId, bool)>>;

/// A document read through per-map prefetches.
pub struct Prefetched<'a> {
    doc: &'a AutoCommit,
    maps: RefCell<HashMap<ObjId, Entries>>,
}

impl<'a> Prefetched<'a> {
    pub fn new(doc: &'a AutoCommit) -> Self {
        Prefetched {
            doc,
            maps: RefCell::new(HashMap::new()),
        }
    }

    /// The document read.
    pub fn doc(&self) -> &'a AutoCommit {
        self.doc
    }

    /// The items of map `obj`, read in one pass the first time they are asked for.
    pub(crate) fn entries(&self, obj: &ObjId) -> Entries {
        if let Some(e) = self.maps.borrow().get(obj) {
            return e.clone();
        }
        let entries: Entries = Rc::new(
            am::ReadDoc::map_range(self.doc, obj, ..)
                .map(|item| {
                    let id = item.id();
                    let conflict = item.conflict;
                    (
                        item.key.into_owned(),
                        (item.value.into_value(), id, conflict),
                    )
                })
                .collect(),
        );
        self.maps.borrow_mut().insert(obj.clone(), entries.clone());
        entries
    }
}

impl ReadDoc for Prefetched<'_> {
    type Parents<'b>
        = am::Parents<'b>
    where
        Self: 'b;

    fn get_heads(&self) -> Vec<am::ChangeHash> {
        ReadDoc::get_heads(self.doc)
    }

    fn get<P: Into<am::Prop>>(
        &self,
        obj: &ObjId,
        prop: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        // Hydration asks for keys of maps only (a list or text is read as a whole).
        match prop.into() {
            am::Prop::Map(key) => Ok(self
                .entries(obj)
                .get(&key)
                .map(|(value, id, _)| (value.clone(), id.clone()))),
            prop => am::ReadDoc::get(self.doc, obj, prop),
        }
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Option<am::ObjType> {
        ReadDoc::object_type(self.doc, obj)
    }

    fn map_range<'b, O, R>(&'b self, obj: O, range: R) -> am::iter::MapRange<'b>
    where
        R: RangeBounds<String> + 'b,
        O: AsRef<ObjId>,
        R: RangeBounds<String>,
    {
        ReadDoc::map_range(self.doc, obj, range)
    }

    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
    ) -> am::iter::ListRange<'_> {
        ReadDoc::list_range(self.doc, obj, range)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        ReadDoc::length(self.doc, obj)
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        ReadDoc::text(self.doc, obj)
    }

    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Self::Parents<'_>, AutomergeError> {
        ReadDoc::parents(self.doc, obj)
    }

    fn is_empty(&self) -> bool {
        ReadDoc::is_empty(self.doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{self, ContactDoc};

    #[test]
    fn a_prefetched_read_is_the_documents_read_conflicts_included() {
        let c = ContactDoc {
            team: crate::ids::TeamId::parse("t").unwrap(),
            needs: vec![crate::domain::NeedCategory::Food],
            person: crate::domain::PersonRef::Alias("x".into()),
            place: Some(crate::domain::Place {
                lat: 1.0,
                lon: 2.0,
                accuracy_m: Some(5.0),
            }),
            indicators: vec![(crate::vocab::Indicator::Deception, "n".into())],
            note: "prima".into(),
            ..ContactDoc::blank()
        };
        let mut a = schema::create(am::ActorId::from(vec![1u8; 16]), &c).unwrap();
        let mut b = a.fork().with_actor(am::ActorId::from(vec![2u8; 16]));
        // Concurrent edits of the same fields: both values stay, one wins.
        let mut ca = c.clone();
        ca.note = "da A".into();
        ca.workplace = "serra".into();
        ca.needs.push(crate::domain::NeedCategory::Shelter);
        schema::update(&mut a, &ca).unwrap();
        let mut cb = c.clone();
        cb.note = "da B".into();
        cb.workplace = "magazzino".into();
        cb.place = None;
        schema::update(&mut b, &cb).unwrap();
        a.merge(&mut b).unwrap();
        let direct: ContactDoc = autosurgeon::hydrate(&a).unwrap();
        let prefetched: ContactDoc = autosurgeon::hydrate(&Prefetched::new(&a)).unwrap();
        assert_eq!(prefetched, direct);
    }
}
