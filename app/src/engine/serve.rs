//! The engine's side: serves a [`Call`] with automerge, IndexedDB and, for a sync, fetch.
//! Only what links this module carries automerge (the central and engine bundles).

use std::cell::RefCell;
use std::collections::HashSet;

use automerge::ActorId;
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc, DocType, PersonDoc, ReferralDoc};
use strada_shared::sync::device::{DeviceDoc, InFlight};
use strada_shared::sync::run;
use strada_shared::sync::{
    PullRequest, PullResponse, PulledDoc, PushRequest, PushResponse, SnapshotsRequest,
    SnapshotsResponse,
};

use super::{Answer, AnyDoc, Call, Event, ReadDoc, Reply, SyncError, Typed};
use crate::api::{self, ApiError};
use crate::state::EditError;
use crate::store::{self, StoreError};

/// Takes the engine's events (JSON).
pub type Listener = Box<dyn Fn(String)>;

thread_local! {
    static LISTENER: RefCell<Option<Listener>> = const { RefCell::new(None) };
}

/// Where the engine's events go.
pub fn set_listener(f: Listener) {
    LISTENER.with(|l| *l.borrow_mut() = Some(f));
}

fn emit(event: &Event) {
    if let Ok(json) = serde_json::to_string(event) {
        LISTENER.with(|l| {
            if let Some(f) = l.borrow().as_ref() {
                f(json);
            }
        });
    }
}

/// Serves one call (JSON) and answers (JSON) with the summary changes it committed.
pub async fn serve(req: String) -> String {
    let answer = match serde_json::from_str::<Call>(&req) {
        Ok(call) => answer(call).await,
        Err(e) => Answer::Store(Err(StoreError::Corrupt(format!("unknown call: {e}")))),
    };
    let reply = Reply {
        answer,
        changes: store::take_changes(),
    };
    serde_json::to_string(&reply).unwrap_or_else(|_| {
        r#"{"answer":{"Store":{"Err":{"Corrupt":"unwritable answer"}}},"changes":[]}"#.into()
    })
}

async fn answer(call: Call) -> Answer {
    match call {
        Call::SaveNew(docs) => Answer::Edit(save_new(docs).await),
        Call::SaveEdit(doc) => Answer::Edit(save_edit(*doc).await),
        Call::WithdrawConsent { ids, names, at, by } => {
            Answer::Edit(withdraw_consent(ids, names, at, by).await)
        }
        Call::Read(ids) => Answer::Read(read(&ids).await),
        Call::Merge(docs) => Answer::Store(merge(&docs).await),
        Call::Discard(id) => Answer::Store(discard(id).await),
        Call::ResyncFromStart(generation) => {
            Answer::Store(store::resync_from_start(&generation).await)
        }
        Call::RebuildIndex => Answer::Store(rebuild_index().await),
        Call::Sync { token, pending } => Answer::Sync(sync(&token, pending).await),
        Call::Release => {
            crate::crypto::lock();
            // The engine bundle's own connection goes before a wipe deletes the
            // database; a bundle serving itself shares the page's, which the wipe closes.
            if store::is_engine_module() {
                store::close();
            }
            Answer::Done
        }
    }
}

fn create(actor: &ActorId, doc: &AnyDoc) -> Result<DeviceDoc, EditError> {
    fn one<T: Typed>(actor: &ActorId, v: &T) -> Result<DeviceDoc, EditError> {
        // What a worker typed or pasted, without what makes it read otherwise (the
        // server refuses it: see `strada_shared::text`).
        let mut v = v.clone();
        v.clean_free_texts();
        Ok(DeviceDoc::new(
            v.id(),
            T::TYPE,
            schema::create(actor.clone(), &v)?,
        ))
    }
    match doc {
        AnyDoc::Contact(d) => one(actor, d),
        AnyDoc::Person(d) => one(actor, d),
        AnyDoc::Referral(d) => one(actor, d),
        AnyDoc::Case(d) => one(actor, d),
        AnyDoc::JobOffer(d) => one(actor, d),
        AnyDoc::PuaRules(d) => one(actor, d),
    }
}

/// A document written as the engine writes a new one (tests of the protocol).
#[cfg(test)]
pub(super) fn create_for_test(doc: &AnyDoc) -> DeviceDoc {
    create(&ActorId::from(vec![7u8; 16]), doc).expect("writes")
}

/// A document read as the engine answers a read (tests of the protocol).
#[cfg(test)]
pub(super) fn read_for_test(d: &DeviceDoc) -> Result<AnyDoc, String> {
    read_any(d)
}

async fn save_new(docs: Vec<AnyDoc>) -> Result<(), EditError> {
    let actor = store::actor().await?;
    let mut stored = docs
        .iter()
        .map(|d| create(&actor, d))
        .collect::<Result<Vec<_>, _>>()?;
    store::put_docs(&mut stored).await?;
    Ok(())
}

/// Writes `value` over the stored document as the smallest set of changes.
fn update<T: Typed>(d: &mut DeviceDoc, value: T) -> Result<(), EditError> {
    // Fields only the server writes (a merge) come from the document as it is now, not
    // from the copy the form was opened on.
    let mut value = value;
    value.keep_server_fields(&schema::read::<T>(&d.doc)?);
    value.clean_free_texts();
    schema::update(&mut d.doc, &value)?;
    Ok(())
}

async fn save_edit(doc: AnyDoc) -> Result<(), EditError> {
    let actor = store::actor().await?;
    let mut d = store::get_doc(&actor, doc.id())
        .await?
        .ok_or(EditError::NotOnDevice)?;
    match doc {
        AnyDoc::Contact(v) => update(&mut d, v),
        AnyDoc::Person(v) => update(&mut d, v),
        AnyDoc::Referral(v) => update(&mut d, v),
        AnyDoc::Case(v) => update(&mut d, v),
        AnyDoc::JobOffer(v) => update(&mut d, v),
        AnyDoc::PuaRules(v) => update(&mut d, v),
    }?;
    // A new edit is a new attempt: the worker has seen the refusal and acted on it.
    d.refused = None;
    store::put_doc(&mut d).await?;
    Ok(())
}

async fn withdraw_consent(
    ids: Vec<DocId>,
    names: Vec<String>,
    at: i64,
    by: strada_shared::ids::UserId,
) -> Result<(), EditError> {
    let actor = store::actor().await?;
    let mut failed = None;
    // The person comes first: their phone number leaves the texts too.
    let mut names = names;
    store::update_docs(&actor, &ids, |d| {
        let res = match d.doc_type {
            DocType::Person => schema::read::<PersonDoc>(&d.doc).and_then(|mut p| {
                names.extend(p.phone.clone());
                p.withdraw_consent(at, by);
                schema::update(&mut d.doc, &p)
            }),
            DocType::Contact => schema::read::<ContactDoc>(&d.doc).and_then(|mut c| {
                c.erase_person(&names);
                schema::update(&mut d.doc, &c)
            }),
            DocType::Referral => schema::read::<ReferralDoc>(&d.doc).and_then(|mut r| {
                r.erase_person(&names);
                schema::update(&mut d.doc, &r)
            }),
            DocType::Case => schema::read::<schema::CaseDoc>(&d.doc).and_then(|mut c| {
                c.erase_person();
                schema::update(&mut d.doc, &c)
            }),
            DocType::JobOffer | DocType::PuaRules => Ok(()),
        };
        match res {
            // A new edit is a new attempt (as in `save_edit`).
            Ok(()) => d.refused = None,
            Err(e) => failed = Some(EditError::from(e)),
        }
    })
    .await?;
    failed.map_or(Ok(()), Err)
}

fn read_any(d: &DeviceDoc) -> Result<AnyDoc, String> {
    let doc = &d.doc;
    let any = match d.doc_type {
        DocType::Contact => schema::read::<ContactDoc>(doc).map(AnyDoc::Contact),
        DocType::Person => schema::read::<PersonDoc>(doc).map(AnyDoc::Person),
        DocType::Referral => schema::read::<ReferralDoc>(doc).map(AnyDoc::Referral),
        DocType::Case => schema::read::<schema::CaseDoc>(doc).map(AnyDoc::Case),
        DocType::JobOffer => schema::read::<schema::JobOfferDoc>(doc).map(AnyDoc::JobOffer),
        DocType::PuaRules => schema::read::<schema::PuaRulesDoc>(doc).map(AnyDoc::PuaRules),
    };
    any.map_err(|e| e.to_string())
}

async fn read(ids: &[DocId]) -> Result<Vec<ReadDoc>, StoreError> {
    let actor = store::actor().await?;
    Ok(store::get_docs(&actor, ids)
        .await?
        .iter()
        .map(|d| ReadDoc {
            id: d.id,
            doc: read_any(d),
            on_server: !d.acked.is_empty(),
        })
        .collect())
}

async fn merge(docs: &[PulledDoc]) -> Result<(), StoreError> {
    let actor = store::actor().await?;
    store::apply_pulled(&actor, docs, None, None).await
}

async fn discard(id: DocId) -> Result<(), StoreError> {
    let actor = store::actor().await?;
    store::discard(&actor, id).await
}

async fn rebuild_index() -> Result<(), StoreError> {
    let actor = store::actor().await?;
    store::rebuild_index(&actor).await
}

impl From<ApiError> for SyncError {
    fn from(e: ApiError) -> Self {
        SyncError::Api(e)
    }
}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        SyncError::Store(e)
    }
}

/// The engine's side of the sync loop (`strada_shared::sync::run`): IndexedDB and fetch.
struct Driver<'a> {
    token: &'a str,
    actor: ActorId,
    /// What to push, in this order.
    pending: Vec<DocId>,
    /// When the lists were last told to rebuild during this pull.
    shown_at: f64,
    /// The pull stream pages are read from, while it lasts.
    stream: Option<api::PullStream>,
    /// The server has no pull stream (an older release): page by page.
    paged: bool,
    /// The cursor the last page was asked from.
    asked_from: u64,
    /// A sweep due (`store::resync_from_start`): its generation, and the documents this
    /// pull from the feed's start brought so far.
    sweep: Option<(String, HashSet<DocId>)>,
}

impl run::Driver for Driver<'_> {
    type Error = SyncError;

    async fn pending(&mut self) -> Result<Vec<DocId>, SyncError> {
        Ok(std::mem::take(&mut self.pending))
    }

    async fn load(&mut self, ids: &[DocId]) -> Result<Vec<DeviceDoc>, SyncError> {
        Ok(store::get_docs(&self.actor, ids).await?)
    }

    async fn push(&mut self, req: PushRequest) -> Result<PushResponse, SyncError> {
        Ok(api::push(self.token, &req).await?)
    }

    async fn pushed(&mut self, sent: &[InFlight], res: &PushResponse) -> Result<(), SyncError> {
        let ids: Vec<DocId> = sent.iter().map(|s| s.id).collect();
        // One transaction: an answer never overwrites an edit saved meanwhile.
        store::update_docs(&self.actor, &ids, |d| {
            run::apply_outcomes([d], sent, res);
        })
        .await?;
        store::add_repair(&run::replaced(res)).await?;
        Ok(())
    }

    async fn position(&mut self) -> Result<(u64, u64), SyncError> {
        let read = |v: Option<String>| v.and_then(|c| c.parse().ok()).unwrap_or(0);
        // A sweep due starts from the feed's start, whatever an earlier pull reached:
        // only a whole pull says what the device keeps.
        if let Some(generation) = store::kv_get(store::SWEEP).await? {
            self.sweep = Some((generation, HashSet::new()));
            return Ok((0, 0));
        }
        let cursor = read(store::kv_get("cursor").await?);
        // Where the last complete pull ended: what the device surely holds.
        let since = read(store::kv_get("baseline").await?);
        Ok((cursor, since))
    }

    async fn pull(&mut self, req: PullRequest) -> Result<PullResponse, SyncError> {
        self.asked_from = req.cursor;
        let since = req.since.unwrap_or(req.cursor);
        // A long pull comes as one stream of pages; it reopens where it stopped if the
        // server ended it before the feed's end.
        while !self.paged {
            let fresh = self.stream.is_none();
            if fresh {
                match api::open_pull_stream(self.token, req.cursor, since).await? {
                    Some(s) => self.stream = Some(s),
                    None => {
                        self.paged = true;
                        break;
                    }
                }
            }
            let stream = self.stream.as_mut().expect("opened above");
            match stream.next().await? {
                Some(page) => {
                    if !page.more {
                        // The server ends a stream after the feed's end: read to that
                        // end, so the request completes instead of being dropped half
                        // read (a browser logs that as an aborted request every sync).
                        while let Ok(Some(_)) = stream.next().await {}
                        self.stream = None;
                    }
                    return Ok(page);
                }
                // Ended: reopen from here — unless a new stream brought nothing at all.
                None if fresh => self.paged = true,
                None => self.stream = None,
            }
        }
        Ok(api::pull(self.token, req.cursor, since).await?)
    }

    async fn apply(&mut self, page: &PullResponse, baseline: Option<u64>) -> Result<(), SyncError> {
        store::apply_pulled(&self.actor, &page.docs, Some(page.cursor), baseline).await?;
        if let Some((_, seen)) = &mut self.sweep {
            seen.extend(page.docs.iter().map(|d| d.id));
        }
        // The pull is whole: what it did not bring, the device no longer keeps.
        if baseline.is_some()
            && let Some((generation, seen)) = self.sweep.take()
        {
            store::sweep_unseen(&self.actor, &seen, &generation).await?;
        }
        // The feed moved, even with nothing this device keeps (a central device): what
        // reads the server's records (the workspace) reads them again.
        if !page.docs.is_empty() || page.cursor != self.asked_from {
            emit(&Event::Pulled);
        }
        Ok(())
    }

    async fn repair_list(&mut self) -> Result<Vec<DocId>, SyncError> {
        Ok(store::repair_list().await?)
    }

    async fn snapshots(&mut self, req: SnapshotsRequest) -> Result<SnapshotsResponse, SyncError> {
        Ok(api::snapshots(self.token, &req).await?)
    }

    async fn apply_snapshots(&mut self, docs: &[PulledDoc]) -> Result<(), SyncError> {
        Ok(store::apply_pulled(&self.actor, docs, None, None).await?)
    }

    async fn before_first_pull(&mut self) {
        store::warm_up(&self.actor).await;
    }

    async fn page_done(&mut self, done: u64, total: u64) {
        // During a long pull the lists grow as pages arrive (at most once a second:
        // each rebuild reads every summary in memory), and it shows how far it has come.
        let now = js_sys::Date::now();
        let show = now - self.shown_at >= 1000.0;
        if show {
            self.shown_at = now;
        }
        emit(&Event::Page {
            changes: store::take_changes(),
            done,
            total,
            show,
        });
    }
}

async fn sync(token: &str, pending: Vec<DocId>) -> Result<(), SyncError> {
    let actor: ActorId = store::actor().await?;
    let mut driver = Driver {
        token,
        actor,
        pending,
        shown_at: 0.0,
        stream: None,
        paged: false,
        asked_from: 0,
        sweep: None,
    };
    run::run(&mut driver).await.map(drop)
}
