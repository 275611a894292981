//! The summaries in memory and the lists built from them: rebuilt a time slice at a
//! time, so thousands of records never block the page.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use leptos::prelude::*;
use strada_shared::ids::DocId;

use super::{Ctx, RowStatus, Summary};
use crate::{crypto, store};

thread_local! {
    /// Every document's summary while unlocked: the lists are rebuilt from these, and
    /// only the summaries of documents written since are read again.
    static SUMMARIES: RefCell<HashMap<DocId, Summary>> = RefCell::new(HashMap::new());
}

/// Ids of the documents not yet accepted by the server (from the summaries in memory),
/// persons first, then contacts, then referrals: a document is pushed after those it
/// refers to, whichever push request each lands in.
pub(super) fn pending_ids() -> Vec<DocId> {
    let mut pending: Vec<(u8, DocId)> = SUMMARIES.with(|m| {
        m.borrow()
            .values()
            .filter(|s| s.status() != RowStatus::Synced)
            .map(|s| {
                let order = match s {
                    Summary::Person(_) => 0,
                    Summary::Contact(_) => 1,
                    Summary::Referral(..) => 2,
                    // After the records they refer to (a case after its referral).
                    Summary::Central(..) | Summary::Case(..) => 3,
                };
                (order, s.id())
            })
            .collect()
    });
    strada_shared::sort::sort(&mut pending);
    pending.into_iter().map(|(_, id)| id).collect()
}

/// Reads every summary on the device (at unlock), then shows the lists.
pub async fn load_records(ctx: Ctx) {
    if !crypto::is_unlocked() {
        return;
    }
    // Changes published before this full read are in it.
    let _ = store::take_changes();
    let all = match store::index_complete().await {
        Ok(true) => store::load_summaries().await,
        Ok(false) => match crate::engine::call(crate::engine::Call::RebuildIndex).await {
            Ok(crate::engine::Answer::Store(Ok(()))) => {
                let _ = store::take_changes();
                store::load_summaries().await
            }
            Ok(crate::engine::Answer::Store(Err(e))) | Err(e) => Err(e),
            Ok(_) => Err(crate::engine::mismatch()),
        },
        Err(e) => Err(e),
    };
    // Person summaries written before they kept the person's team: the index is written
    // again once from the documents (a central laptop's contact with such a person was
    // filed under the account's team and refused). Kept as read if that fails.
    let all = match all {
        Ok(all)
            if all
                .iter()
                .any(|s| matches!(s, Summary::Person(p) if p.team.is_none())) =>
        {
            match crate::engine::call(crate::engine::Call::RebuildIndex).await {
                Ok(crate::engine::Answer::Store(Ok(()))) => {
                    let _ = store::take_changes();
                    store::load_summaries().await.or(Ok(all))
                }
                _ => Ok(all),
            }
        }
        other => other,
    };
    match all {
        Ok(all) => {
            // Indexed a time slice at a time (ten thousand inserts are a long task on a
            // slow phone).
            let mut map = HashMap::with_capacity(all.len());
            let mut slicer = Slicer::new();
            let mut rest = all.into_iter();
            loop {
                slicer.pause().await;
                let before = map.len();
                map.extend(rest.by_ref().take(BUILD_CHUNK).map(|s| (s.id(), s)));
                if map.len() == before {
                    break;
                }
            }
            SUMMARIES.with(|m| *m.borrow_mut() = map);
            publish_records(ctx).await;
        }
        Err(e) if e.is_locked() => {}
        Err(e) => ctx.storage_error.set(Some(e)),
    }
}

/// Applies the summary changes committed since the last call to the lists.
pub async fn refresh_rows(ctx: Ctx) {
    let changes = store::take_changes();
    if changes.is_empty() || !crypto::is_unlocked() {
        return;
    }
    SUMMARIES.with(|m| {
        let mut m = m.borrow_mut();
        for (id, s) in changes {
            match s {
                Some(s) => m.insert(id, s),
                None => m.remove(&id),
            };
        }
    });
    publish_records(ctx).await;
}

/// Work done in one browser task before the page gets the main thread back: a fifth of
/// the 50 ms long-task limit, so a phone four times slower than a laptop stays under it.
pub const TASK_BUDGET_MS: f64 = 10.0;

/// Measures a stretch of work against [`TASK_BUDGET_MS`] and yields to the browser (a
/// new task, not a microtask) when it is spent.
pub struct Slicer(f64);

impl Default for Slicer {
    fn default() -> Self {
        Self::new()
    }
}

impl Slicer {
    pub fn new() -> Self {
        Slicer(js_sys::Date::now())
    }

    /// Whether the budget of this task is spent.
    pub fn due(&self) -> bool {
        js_sys::Date::now() - self.0 >= TASK_BUDGET_MS
    }

    /// Yields if the budget is spent; returns whether it did.
    pub async fn pause(&mut self) -> bool {
        if !self.due() {
            return false;
        }
        gloo_timers::future::TimeoutFuture::new(0).await;
        self.0 = js_sys::Date::now();
        true
    }
}

/// The elements of a JSON array, parsed a time slice at a time: a list the server
/// answers with thousands of rows (2,000 cases) is megabytes of JSON, and parsing it in
/// one go was a task of hundreds of milliseconds.
pub async fn parse_array<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<Vec<T>, String> {
    let mut out = Vec::new();
    let mut next = array_start(bytes)?;
    let mut slicer = Slicer::new();
    while let Some(at) = next {
        let (item, after) = array_element(bytes, at)?;
        out.push(item);
        next = after;
        slicer.pause().await;
    }
    Ok(out)
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|b| b.is_ascii_whitespace()) {
        at += 1;
    }
    at
}

/// Where the first element of the JSON array `bytes` starts (`None`: it is empty).
fn array_start(bytes: &[u8]) -> Result<Option<usize>, String> {
    let at = skip_ws(bytes, 0);
    if bytes.get(at) != Some(&b'[') {
        return Err("not a JSON array".into());
    }
    let at = skip_ws(bytes, at + 1);
    Ok((bytes.get(at) != Some(&b']')).then_some(at))
}

/// The element of a JSON array that starts at `at`, read by serde, and where the next
/// one starts (`None` after the last). Between elements only whitespace and a comma.
fn array_element<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    at: usize,
) -> Result<(T, Option<usize>), String> {
    let rest = bytes.get(at..).unwrap_or_default();
    let mut items = serde_json::Deserializer::from_slice(rest).into_iter::<T>();
    let item = match items.next() {
        Some(Ok(item)) => item,
        Some(Err(e)) => return Err(e.to_string()),
        None => return Err("the array ends early".into()),
    };
    let end = skip_ws(bytes, at + items.byte_offset());
    match bytes.get(end) {
        Some(b',') => Ok((item, Some(skip_ws(bytes, end + 1)))),
        Some(b']') => Ok((item, None)),
        _ => Err("the array ends early".into()),
    }
}

/// Summaries added to the lists between two looks at the clock.
const BUILD_CHUNK: usize = 100;

thread_local! {
    /// Bumped by every build of the lists: a build overtaken by a newer one (started
    /// by a later change while it waited for the browser) publishes nothing.
    static BUILD: Cell<u64> = const { Cell::new(0) };
    /// The pending count last written to the device.
    static PENDING_WRITTEN: Cell<Option<usize>> = const { Cell::new(None) };
}

/// Rebuilds the lists from the summaries in memory and shows them. With thousands of
/// documents the work is spread over browser tasks of [`TASK_BUDGET_MS`] each, so the
/// page stays responsive; drawing happens in a task of its own.
async fn publish_records(ctx: Ctx) {
    let build = BUILD.with(|b| {
        b.set(b.get() + 1);
        b.get()
    });
    let stale = || BUILD.with(Cell::get) != build;
    let mut slicer = Slicer::new();
    let ids: Vec<DocId> = SUMMARIES.with(|m| m.borrow().keys().copied().collect());
    let mut builder = crate::records::RecordsBuilder::default();
    for chunk in ids.chunks(BUILD_CHUNK) {
        if slicer.pause().await && stale() {
            return;
        }
        SUMMARIES.with(|m| {
            let m = m.borrow();
            // A summary removed meanwhile is simply not listed.
            for s in chunk.iter().filter_map(|id| m.get(id)) {
                builder.add(s);
            }
        });
    }
    // Each sorting or joining step is a whole pass over a list: with many rows, each
    // starts a task of its own.
    let large = ids.len() > BUILD_CHUNK;
    let mut finisher = builder.finisher();
    loop {
        if large {
            gloo_timers::future::TimeoutFuture::new(0).await;
            if stale() {
                return;
            }
        }
        if finisher.step() {
            break;
        }
    }
    let records = finisher.records();
    // The page redraws in a task of its own.
    if large {
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
    if stale() || !crypto::is_unlocked() {
        return;
    }
    // Every document type counts.
    let pending = records.pending();
    ctx.records.set(records);
    if PENDING_WRITTEN.with(|p| p.replace(Some(pending))) != Some(pending) {
        let _ = store::kv_set_plain("pending_count", &pending.to_string()).await;
    }
}

/// Forgets every summary (on lock and wipe).
pub(super) fn clear_summaries() {
    SUMMARIES.with(|m| m.borrow_mut().clear());
}

/// What the device's summaries say of a case it holds: its person, with their first
/// alias when the device holds the person too — so a case page opens without reading
/// and loading the person's document. `None` when the case has no case summary (not
/// held, or summarised by an older app).
pub fn held_case_person(case: DocId) -> Option<(DocId, Option<String>)> {
    with_summaries(|m| match m.get(&case) {
        Some(Summary::Case(c)) => {
            let alias = match m.get(&c.person_id) {
                Some(Summary::Person(p)) => p.aliases.first().cloned(),
                _ => None,
            };
            Some((c.person_id, alias))
        }
        _ => None,
    })
}

/// The cases the device holds, as the case list shows them, each with their person's
/// first alias when the device holds the person. A case an older app summarised without
/// its row (`Summary::Central`) is read from its document.
pub async fn held_cases() -> Vec<(crate::records::CaseSummary, Option<Option<String>>)> {
    use strada_shared::schema::{CaseDoc, DocType};
    let (mut cases, older) = with_summaries(|m| {
        let mut cases = Vec::new();
        let mut older = Vec::new();
        for s in m.values() {
            match s {
                Summary::Case(c) => cases.push((**c).clone()),
                Summary::Central(id, DocType::Case, _) => older.push(*id),
                _ => {}
            }
        }
        (cases, older)
    });
    if !older.is_empty()
        && let Ok(held) = super::read_held(&older).await
    {
        for id in older {
            if let Ok(Some((c, on_server))) = held.get::<CaseDoc>(id) {
                let status = if on_server {
                    RowStatus::Synced
                } else {
                    RowStatus::Pending
                };
                cases.push(crate::records::CaseSummary::of(&c, status));
            }
        }
    }
    with_summaries(|m| {
        cases
            .into_iter()
            .map(|c| {
                // `None`: the person is not on this device (not kept offline), which a
                // row says, rather than "Anonima" (a new user's walk).
                let name = match m.get(&c.person_id) {
                    Some(Summary::Person(p)) => Some(p.aliases.first().cloned()),
                    _ => None,
                };
                (c, name)
            })
            .collect()
    })
}

/// Reads the summaries in memory.
pub(super) fn with_summaries<R>(f: impl FnOnce(&HashMap<DocId, Summary>) -> R) -> R {
    SUMMARIES.with(|m| f(&m.borrow()))
}

#[cfg(test)]
mod tests {
    use super::{array_element, array_start};

    /// Every element, read as [`super::parse_array`] reads them (without its pauses).
    fn elements<T: serde::de::DeserializeOwned>(json: &str) -> Result<Vec<T>, String> {
        let bytes = json.as_bytes();
        let mut out = Vec::new();
        let mut next = array_start(bytes)?;
        while let Some(at) = next {
            let (item, after) = array_element(bytes, at)?;
            out.push(item);
            next = after;
        }
        Ok(out)
    }

    #[test]
    fn an_array_is_read_element_by_element_whatever_its_strings_hold() {
        assert_eq!(
            elements::<String>(r#" [ "a,]" , "b\"],[" ,"{c"] "#).unwrap(),
            vec!["a,]", "b\"],[", "{c"]
        );
        assert_eq!(
            elements::<Vec<u32>>("[[1,2],[],[3]]").unwrap(),
            vec![vec![1, 2], vec![], vec![3]]
        );
        assert_eq!(elements::<u32>("[1,2,3]").unwrap(), vec![1, 2, 3]);
        assert_eq!(elements::<u32>(" [ ]\n").unwrap(), Vec::<u32>::new());
    }

    #[test]
    fn a_truncated_or_malformed_array_is_an_error() {
        for bad in ["", "{\"a\":1}", "[1,2", "[1,", "[1,]", "[1 2]", "[\"a]"] {
            assert!(elements::<serde_json::Value>(bad).is_err(), "{bad:?}");
        }
    }
}
