//! Reading a document's maps in one pass each. Hydrating a type looks up its fields one
//! by one, and in automerge each lookup is a seek through the object's operations; the
//! server hydrates every pushed document, where those seeks were the largest cost of a
//! push. [`Prefetched`] answers a map's lookups from one ordered pass over it (the
//! values a lookup would give: the winner of a conflict), and the rest as the document.

use std::cell::RefCell;
use std::ops::RangeBounds;
use std::sync::Arc;

use automerge::{self as am, AutoCommit, AutomergeError, ObjId, Value};
use autosurgeon::ReadDoc;

/// The maps here are looked up hundreds of times per pushed change: foldhash (seeded at
/// random, so a device cannot plan keys that collide without the seed) instead of
/// SipHash, whose hashing was 6% of the server's instructions in the push benchmark.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

/// A map's items by key: the value a lookup gives (the winner of a conflict), its id,
/// and whether other values conflict with it.
pub(crate) type Entries = Arc<HashMap<String, (Value<'static>, ObjId, bool)>>;

/// The maps of a document as read through [`Prefetched`], kept between two reads of
/// the same document (the server's push: the next edit of a document it keeps decoded
/// re-reads only the keys the edit wrote). Object ids compare by counter and actor, so
/// they stay valid in the document saved and loaded back.
#[derive(Default, Clone)]
pub struct MapCache(HashMap<ObjId, Entries>);

impl MapCache {
    /// Brings the maps up to date after `changes` were applied to the document they
    /// were read from, `doc` being that document now: each key a change wrote is read
    /// again (in a map what a key holds depends only on the operations on that key of
    /// that map); a sequence an operation touched is dropped, and read again when asked.
    pub fn refresh(&mut self, doc: &AutoCommit, changes: &[am::ExpandedChange]) {
        for change in changes {
            for op in &change.operations {
                let obj = match &op.obj {
                    am::legacy::ObjectId::Root => ObjId::Root,
                    // The actor's index in `doc` is not known here; ids compare and
                    // hash without it.
                    am::legacy::ObjectId::Id(id) => ObjId::Id(id.counter(), id.actor().clone(), 0),
                };
                // The id as the document gave it (with the actor's index).
                let Some(obj) = self.0.get_key_value(&obj).map(|(k, _)| k.clone()) else {
                    continue;
                };
                match &op.key {
                    am::legacy::Key::Map(key) => {
                        let key = key.to_string();
                        let read = am::ReadDoc::map_range(doc, &obj, key.clone()..=key.clone())
                            .next()
                            .map(|item| {
                                let id = item.id();
                                (item.value.into_value(), id, item.conflict)
                            });
                        let Some(entries) = self.0.get_mut(&obj) else {
                            continue;
                        };
                        let entries = Arc::make_mut(entries);
                        match read {
                            Some(v) => {
                                entries.insert(key, v);
                            }
                            None => {
                                entries.remove(&key);
                            }
                        }
                    }
                    am::legacy::Key::Seq(_) => {
                        self.0.remove(&obj);
                    }
                }
            }
        }
    }

    /// Forgets every map (the document was replaced).
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

/// A document read through per-map prefetches.
pub struct Prefetched<'a> {
    doc: &'a AutoCommit,
    maps: RefCell<HashMap<ObjId, Entries>>,
}

impl<'a> Prefetched<'a> {
    pub fn new(doc: &'a AutoCommit) -> Self {
        Self::with(doc, MapCache::default())
    }

    /// Reads `doc` starting from maps already read from it (see [`MapCache`]).
    pub fn with(doc: &'a AutoCommit, maps: MapCache) -> Self {
        Prefetched {
            doc,
            maps: RefCell::new(maps.0),
        }
    }

    /// The maps read, to keep for the next read of the same document.
    pub fn into_maps(self) -> MapCache {
        MapCache(self.maps.into_inner())
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
        let entries: Entries = Arc::new(
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
        // A map already read: its keys are the items read. Entries are cached only by
        // lookups of a key (`get`), which hydration makes on maps only, so an object
        // found here is taken to be a map, whose length is its number of keys; lists
        // and texts are not cached and fall through.
        if let Some(entries) = self.maps.borrow().get(obj.as_ref()) {
            return entries.len();
        }
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

    /// One device's step in [`kept_maps_read_as_a_fresh_read_after_any_edits`].
    #[derive(Debug, Clone)]
    enum Step {
        Note(u8),
        Workplace(u8),
        Need(u8),
        Place(Option<u8>),
        Indicator(u8),
        Stray(bool),
        Push,
        Pull,
    }

    fn step() -> impl proptest::strategy::Strategy<Value = (usize, Step)> {
        use proptest::prelude::*;
        let s = prop_oneof![
            any::<u8>().prop_map(Step::Note),
            any::<u8>().prop_map(Step::Workplace),
            (0u8..4).prop_map(Step::Need),
            proptest::option::of(any::<u8>()).prop_map(Step::Place),
            (0u8..3).prop_map(Step::Indicator),
            any::<bool>().prop_map(Step::Stray),
            Just(Step::Push),
            Just(Step::Push),
            Just(Step::Pull),
        ];
        (0usize..3, s)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// The server keeps a document's maps between pushes and re-reads only the keys
        /// each push's changes wrote: whatever three devices do apart and merge, the kept
        /// maps and the value and shape read through them are a fresh read's.
        #[test]
        fn kept_maps_read_as_a_fresh_read_after_any_edits(
            steps in proptest::collection::vec(step(), 1..24)
        ) {
            use am::transaction::Transactable;
            use crate::domain::{NeedCategory, Place};
            use crate::vocab::Indicator;
            let c = ContactDoc {
                team: crate::ids::TeamId::parse("t").unwrap(),
                note: "prima".into(),
                ..ContactDoc::blank()
            };
            let mut server = schema::create(am::ActorId::from(vec![9u8; 16]), &c).unwrap();
            let mut devices: Vec<AutoCommit> = (1..=3u8)
                .map(|i| server.fork().with_actor(am::ActorId::from(vec![i; 16])))
                .collect();
            let mut maps = MapCache::default();
            let _: (ContactDoc, _) = schema::read_shaped_cached(&server, &mut maps).unwrap();
            let needs = [NeedCategory::Food, NeedCategory::Shelter, NeedCategory::Health, NeedCategory::Hygiene];
            let marks = [Indicator::Deception, Indicator::Isolation, Indicator::DebtBondage];
            for (who, step) in steps {
                let d = &mut devices[who];
                let mut v: ContactDoc = autosurgeon::hydrate(&*d).unwrap();
                match step {
                    Step::Note(n) => v.note = format!("nota {n}"),
                    Step::Workplace(n) => v.workplace = format!("serra {n}"),
                    Step::Need(i) => {
                        let n = needs[i as usize];
                        if let Some(at) = v.needs.iter().position(|x| *x == n) {
                            v.needs.remove(at);
                        } else {
                            v.needs.push(n);
                        }
                    }
                    Step::Place(p) => v.place = p.map(|p| Place { lat: f64::from(p % 80), lon: 1.0, accuracy_m: None }),
                    Step::Indicator(i) => {
                        let m = marks[i as usize];
                        if let Some(at) = v.indicators.iter().position(|x| x.0 == m) {
                            v.indicators[at].1.push('!');
                        } else {
                            v.indicators.push((m, "visto".into()));
                        }
                    }
                    Step::Stray(put) => {
                        // A key the schema does not read: a shape error while it is there.
                        if put {
                            d.put(am::ROOT, "stray", 1).unwrap();
                        } else {
                            let _ = d.delete(am::ROOT, "stray");
                        }
                        d.commit();
                        continue;
                    }
                    Step::Push => {
                        let changes = server.get_changes_added(d);
                        server.apply_changes(changes.clone()).unwrap();
                        let expanded: Vec<am::ExpandedChange> = changes.iter().map(|c| c.decode()).collect();
                        maps.refresh(&server, &expanded);
                        let fresh = schema::read_shaped::<ContactDoc>(&server);
                        let kept = schema::read_shaped_cached::<ContactDoc>(&server, &mut maps);
                        proptest::prop_assert_eq!(format!("{fresh:?}"), format!("{kept:?}"));
                        let again = Prefetched::new(&server);
                        for (obj, entries) in &maps.0 {
                            proptest::prop_assert_eq!(&*again.entries(obj), &**entries);
                        }
                        continue;
                    }
                    Step::Pull => {
                        d.merge(&mut server).unwrap();
                        continue;
                    }
                }
                schema::update(d, &v).unwrap();
            }
        }
    }
}
