//! How collections are laid out in documents so that concurrent edits merge as a person
//! expects: sets are maps `{code: true}` (two devices ticking the same item merge into one
//! tick, never a duplicate), notes per item are maps `{code: note}`.

use std::collections::BTreeMap;

use autosurgeon::hydrate::MaybeMissing;
use autosurgeon::{Hydrate, HydrateError, Prop, ReadDoc, Reconcile, Reconciler};

use crate::vocab::Code;

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
