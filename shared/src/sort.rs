//! Stable sorting through one compiled sort.
//!
//! Rust compiles the standard library's `sort`/`sort_by` afresh for every element type
//! and comparison (about 4 KB of WASM each, some twenty in the app). These helpers sort
//! the positions of the elements instead, with the one comparison type below, and then
//! move the elements into place: the app carries one sort whatever it orders. Same
//! result as `slice::sort_by` (stable, O(n log n)), at the cost of one `Vec<usize>`.
//! Building a `BTreeMap` with `collect` sorts too (one copy per map and iterator type);
//! `insert` in a loop does not.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, keeping the order of equal elements (as `slice::sort_by`).
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let order = positions(v.len(), &mut |a, b| cmp(&v[a], &v[b]));
    permute(order, &mut |a, b| v.swap(a, b));
}

/// Sorts `v` in ascending order (as `slice::sort`).
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// Sorts `v` by the key `f` gives, keeping the order of equal keys (as `slice::sort_by_key`).
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// `0..n` ordered by `cmp` on positions: the only instance of the standard sort.
fn positions(n: usize, cmp: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Moves element `order[k]` to position `k` for every `k`, one cycle of the permutation
/// at a time with `swap` (each cycle's positions are marked done by `order[k] = k`).
fn permute(mut order: Vec<usize>, swap: &mut dyn FnMut(usize, usize)) {
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start || from == at {
                break;
            }
            swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sorts_like_the_standard_sort() {
        let mut v = vec![5, 3, 9, 1, 3, 0, 7];
        sort(&mut v);
        assert_eq!(v, [0, 1, 3, 3, 5, 7, 9]);
        let mut empty: Vec<u8> = Vec::new();
        sort(&mut empty);
        assert!(empty.is_empty());
    }

    proptest! {
        #[test]
        fn equals_std_sort_by_and_keeps_equal_keys_in_order(
            v in proptest::collection::vec((0u8..6, any::<u16>()), 0..200)
        ) {
            // Keys repeat (0..6), the second field tells equal keys apart: stability shows.
            let mut ours = v.clone();
            sort_by_key(&mut ours, |x| x.0);
            let mut expected = v.clone();
            expected.sort_by_key(|x| x.0);
            prop_assert_eq!(&ours, &expected);

            let mut ours = v.clone();
            sort_by(&mut ours, |a, b| b.1.cmp(&a.1));
            let mut expected = v;
            expected.sort_by_key(|x| std::cmp::Reverse(x.1));
            prop_assert_eq!(ours, expected);
        }
    }
}
