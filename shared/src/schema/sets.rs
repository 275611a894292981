//! How collections are laid out in documents so that concurrent edits merge as a person
//! expects: sets are maps `{code: true}` (two devices ticking the same item merge into one
//! tick, never a duplicate), notes per item are maps `{code: note}`.

use std::collections::BTreeMap;

use automerge::{ObjType, ScalarValue, Value};
use autosurgeon::hydrate::MaybeMissing;
use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconcile, Reconciler};

use crate::vocab::Code;

/// A vocabulary set's map read key by key, one lookup per code of the vocabulary, when
/// those codes are all its keys and each value is what `value` accepts; `None` when it
/// is anything else (missing, another kind of object, an unknown key, a value of another
/// type), and the caller reads the map as a whole, which gives the same value or says
/// what is wrong. Through [`super::prefetch::Prefetched`] every lookup (and the length)
/// is answered from the one pass it already made over the map, where listing the map
/// went through the document's operations again: 6.9% of the server's instructions in
/// the push benchmark went to listing a contact's three sets.
fn by_codes<D: ReadDoc, T: Code, V>(
    doc: &D,
    obj: &automerge::ObjId,
    prop: &Prop<'_>,
    value: impl Fn(&ScalarValue) -> Option<V>,
) -> Option<Vec<(T, V)>> {
    let Ok(Some((Value::Object(ObjType::Map), map))) = doc.get(obj, prop) else {
        return None;
    };
    let mut out = Vec::new();
    for &item in T::ALL {
        match doc.get(&map, item.code()) {
            Ok(None) => {}
            Ok(Some((Value::Scalar(s), _))) => out.push((item, value(s.as_ref())?)),
            _ => return None,
        }
    }
    // Every key is a code of the vocabulary: as many keys as codes found.
    (doc.length(&map) == out.len()).then_some(out)
}

/// A set of vocabulary items (`Vec` sorted in Rust, `{code: true}` in the document).
/// A missing field reads as the empty set (documents written before the field existed).
pub mod code_set {
    use super::*;

    pub fn reconcile<T: Code, R: Reconciler>(items: &[T], reconciler: R) -> Result<(), R::Error> {
        // `insert`, not `collect`: see `crate::sort`.
        let mut map = BTreeMap::new();
        for n in items {
            map.insert(n.code().to_string(), true);
        }
        map.reconcile(reconciler)
    }

    pub fn hydrate<D: ReadDoc, T: Code + Ord>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<Vec<T>, HydrateError> {
        let bool_of = |s: &ScalarValue| match s {
            ScalarValue::Boolean(b) => Some(*b),
            _ => None,
        };
        if let Some(items) = by_codes::<D, T, bool>(doc, obj, &prop, bool_of) {
            let mut out: Vec<T> = items.into_iter().filter(|i| i.1).map(|i| i.0).collect();
            crate::sort::sort(&mut out);
            return Ok(out);
        }
        let map = match MaybeMissing::<BTreeMap<String, bool>>::hydrate(doc, obj, prop)? {
            MaybeMissing::Present(m) => m,
            MaybeMissing::Missing => BTreeMap::new(),
        };
        let mut out = Vec::new();
        for (code, present) in map {
            if present {
                out.push(
                    T::from_code(&code)
                        .ok_or_else(|| HydrateError::unexpected("a known code", code.clone()))?,
                );
            }
        }
        crate::sort::sort(&mut out);
        Ok(out)
    }
}

/// A set of free strings such as language codes (`{value: true}` in the document).
pub mod string_set {
    use super::*;

    pub fn reconcile<R: Reconciler>(items: &[String], reconciler: R) -> Result<(), R::Error> {
        let mut map = BTreeMap::new();
        for s in items {
            map.insert(s.clone(), true);
        }
        map.reconcile(reconciler)
    }

    pub fn hydrate<D: ReadDoc>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<Vec<String>, HydrateError> {
        let map = match MaybeMissing::<BTreeMap<String, bool>>::hydrate(doc, obj, prop)? {
            MaybeMissing::Present(m) => m,
            MaybeMissing::Missing => BTreeMap::new(),
        };
        Ok(map
            .into_iter()
            .filter_map(|(k, v)| v.then_some(k))
            .collect())
    }
}

/// Vocabulary items with a note each (`{code: note}` in the document).
pub mod noted_set {
    use super::*;

    pub fn reconcile<T: Code, R: Reconciler>(
        items: &[(T, String)],
        reconciler: R,
    ) -> Result<(), R::Error> {
        let mut map = BTreeMap::new();
        for (k, note) in items {
            map.insert(k.code().to_string(), note.clone());
        }
        map.reconcile(reconciler)
    }

    pub fn hydrate<D: ReadDoc, T: Code + Ord>(
        doc: &D,
        obj: &automerge::ObjId,
        prop: Prop<'_>,
    ) -> Result<Vec<(T, String)>, HydrateError> {
        let string_of = |s: &ScalarValue| match s {
            ScalarValue::Str(s) => Some(s.to_string()),
            _ => None,
        };
        if let Some(mut items) = by_codes::<D, T, String>(doc, obj, &prop, string_of) {
            crate::sort::sort_by_key(&mut items, |a| a.0);
            return Ok(items);
        }
        let map = match MaybeMissing::<BTreeMap<String, String>>::hydrate(doc, obj, prop)? {
            MaybeMissing::Present(m) => m,
            MaybeMissing::Missing => BTreeMap::new(),
        };
        let mut out = Vec::new();
        for (code, note) in map {
            let k = T::from_code(&code)
                .ok_or_else(|| HydrateError::unexpected("a known code", code.clone()))?;
            out.push((k, note));
        }
        crate::sort::sort_by_key(&mut out, |a| a.0);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType, ROOT, ScalarValue};
    use autosurgeon::hydrate::MaybeMissing;
    use autosurgeon::{Hydrate, Prop, ReadDoc};
    use proptest::prelude::*;

    use super::{code_set, noted_set};
    use crate::domain::NeedCategory;
    use crate::schema::prefetch::Prefetched;
    use crate::vocab::{Code, Indicator};

    /// The set read as a whole, as before the read by codes: the reference.
    /// The whole map at `s`, hydrated at once (empty when missing): what the set readers
    /// must agree with.
    fn whole_map<V: autosurgeon::Hydrate, D: ReadDoc>(doc: &D) -> Option<BTreeMap<String, V>> {
        match MaybeMissing::<BTreeMap<String, V>>::hydrate(doc, &ROOT, Prop::Key("s".into()))
            .ok()?
        {
            MaybeMissing::Present(m) => Some(m),
            MaybeMissing::Missing => Some(BTreeMap::new()),
        }
    }

    fn whole_codes<D: ReadDoc>(doc: &D) -> Option<Vec<NeedCategory>> {
        let mut out = Vec::new();
        for (code, present) in whole_map::<bool, D>(doc)? {
            if present {
                out.push(NeedCategory::from_code(&code)?);
            }
        }
        crate::sort::sort(&mut out);
        Some(out)
    }

    fn whole_noted<D: ReadDoc>(doc: &D) -> Option<Vec<(Indicator, String)>> {
        let mut out = Vec::new();
        for (code, note) in whole_map::<String, D>(doc)? {
            out.push((Indicator::from_code(&code)?, note));
        }
        crate::sort::sort_by_key(&mut out, |a| a.0);
        Some(out)
    }

    /// What a key of the set holds in a generated document.
    #[derive(Debug, Clone)]
    enum Held {
        Bool(bool),
        Text(String),
        Int(i64),
        Map,
    }

    fn held() -> impl Strategy<Value = Held> {
        prop_oneof![
            4 => any::<bool>().prop_map(Held::Bool),
            4 => "[a-z]{0,3}".prop_map(Held::Text),
            1 => any::<i64>().prop_map(Held::Int),
            1 => Just(Held::Map),
        ]
    }

    /// A document whose field `s` is missing, a scalar, a list, or a map of keys (codes of
    /// both vocabularies, or unknown) to values of any kind; edited on two devices apart
    /// and merged, so some keys hold conflicting values.
    fn document(shape: u8, keys: &[(u8, Held)], other: &[(u8, Held)]) -> AutoCommit {
        let key = |k: u8| -> String {
            let needs = NeedCategory::ALL.len() as u8;
            let marks = Indicator::ALL.len() as u8;
            if k < needs {
                NeedCategory::ALL[k as usize].code().to_string()
            } else if k < needs + marks {
                Indicator::ALL[(k - needs) as usize].code().to_string()
            } else {
                format!("unknown{k}")
            }
        };
        let put = |doc: &mut AutoCommit, map: &automerge::ObjId, k: u8, h: &Held| match h {
            Held::Bool(b) => doc.put(map, key(k), *b).unwrap(),
            Held::Text(t) => doc.put(map, key(k), t.as_str()).unwrap(),
            Held::Int(i) => doc.put(map, key(k), ScalarValue::Int(*i)).unwrap(),
            Held::Map => {
                doc.put_object(map, key(k), ObjType::Map).unwrap();
            }
        };
        let mut doc = AutoCommit::new().with_actor(automerge::ActorId::from(vec![1u8; 16]));
        match shape % 8 {
            0 => return doc,
            1 => {
                doc.put(ROOT, "s", true).unwrap();
                return doc;
            }
            2 => {
                doc.put_object(ROOT, "s", ObjType::List).unwrap();
                return doc;
            }
            _ => {}
        }
        let map = doc.put_object(ROOT, "s", ObjType::Map).unwrap();
        for (k, h) in keys {
            put(&mut doc, &map, *k, h);
        }
        let mut apart = doc
            .fork()
            .with_actor(automerge::ActorId::from(vec![2u8; 16]));
        for (k, h) in other {
            put(&mut apart, &map, *k, h);
        }
        doc.merge(&mut apart).unwrap();
        doc
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Reading a set by its vocabulary's codes gives what reading the map as a whole
        /// gives, straight from the document or through `Prefetched`: the same items, or
        /// an error for the same documents (an unknown code, a value of another type).
        #[test]
        fn a_set_read_by_codes_is_the_whole_maps_read(
            shape in any::<u8>(),
            keys in proptest::collection::vec((0u8..40, held()), 0..12),
            other in proptest::collection::vec((0u8..40, held()), 0..4),
        ) {
            let doc = document(shape, &keys, &other);
            let prefetched = Prefetched::new(&doc);
            let prop = || Prop::Key("s".into());
            let codes = whole_codes(&doc);
            prop_assert_eq!(&code_set::hydrate::<_, NeedCategory>(&doc, &ROOT, prop()).ok(), &codes);
            prop_assert_eq!(&code_set::hydrate::<_, NeedCategory>(&prefetched, &ROOT, prop()).ok(), &codes);
            let noted = whole_noted(&doc);
            prop_assert_eq!(&noted_set::hydrate::<_, Indicator>(&doc, &ROOT, prop()).ok(), &noted);
            prop_assert_eq!(&noted_set::hydrate::<_, Indicator>(&prefetched, &ROOT, prop()).ok(), &noted);
        }
    }
}
