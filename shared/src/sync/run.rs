//! The device's sync loop, written once: push what is pending, pull the feed page by
//! page, repair what did not apply. The app (IndexedDB + fetch), the tests (memory +
//! HTTP or in-process calls), the crash test and the benchmarks each bring their IO as a
//! [`Driver`]; the order of the steps, the batching and what an answer means live here.
//!
//! - **Push**: the pending documents, read in the order the driver lists them (a
//!   document after those it refers to: persons, contacts, referrals), in requests of at
//!   most [`PUSH_BATCH_DOCS`] documents and [`PUSH_BATCH_BYTES`] of changes (well inside
//!   the server's limits, so weeks of offline work go in several accepted requests). A
//!   refusal is not sent again unchanged (`DeviceDoc::should_push`).
//! - **Pull**: from the stored cursor, each page stored with its cursor by the driver in
//!   one step; changes are asked from where the last *complete* pull ended (`since`).
//! - **Repair**: snapshots of the documents whose pulled changes did not apply, or that
//!   the server replaced.

use super::device::{DeviceDoc, InFlight};
use super::{
    PullRequest, PullResponse, PulledDoc, PushDoc, PushRequest, PushResponse, SnapshotsRequest,
    SnapshotsResponse,
};
use crate::ids::DocId;

/// Documents one push request carries at most: a day in the field (up to a hundred
/// edited documents) goes in one request, so its sync is two requests (push, pull).
pub const PUSH_BATCH_DOCS: usize = 100;
/// Bytes of changes one push request carries at most (a single larger document still
/// goes, alone).
pub const PUSH_BATCH_BYTES: usize = 512 * 1024;

/// A device's storage and transport, as the sync loop needs them.
#[allow(
    async_fn_in_trait,
    reason = "drivers run on one thread (the browser's, a test's)"
)]
pub trait Driver {
    type Error;

    /// The ids of documents with changes the server has not acknowledged, in push order.
    async fn pending(&mut self) -> Result<Vec<DocId>, Self::Error>;
    /// The listed documents as stored (those still there).
    async fn load(&mut self, ids: &[DocId]) -> Result<Vec<DeviceDoc>, Self::Error>;
    /// Sends a push.
    async fn push(&mut self, req: PushRequest) -> Result<PushResponse, Self::Error>;
    /// Stores a push's answers: each outcome applied to the stored version of its
    /// document (`DeviceDoc::on_push_outcome` with what `sent` says was sent), and the
    /// documents the server replaced put on the repair list.
    async fn pushed(&mut self, sent: &[InFlight], res: &PushResponse) -> Result<(), Self::Error>;
    /// Where the last pull ended (`cursor`) and where the last complete one ended
    /// (`since`, at most `cursor`).
    async fn position(&mut self) -> Result<(u64, u64), Self::Error>;
    /// Asks for a page of the feed.
    async fn pull(&mut self, req: PullRequest) -> Result<PullResponse, Self::Error>;
    /// Stores a page: its documents merged (those needing a snapshot on the repair
    /// list), its cursor, and `baseline` when the pull is complete — all at once.
    async fn apply(
        &mut self,
        page: &PullResponse,
        baseline: Option<u64>,
    ) -> Result<(), Self::Error>;
    /// The documents waiting for a snapshot.
    async fn repair_list(&mut self) -> Result<Vec<DocId>, Self::Error>;
    /// Asks for snapshots.
    async fn snapshots(&mut self, req: SnapshotsRequest) -> Result<SnapshotsResponse, Self::Error>;
    /// Stores snapshots (each leaves the repair list).
    async fn apply_snapshots(&mut self, docs: &[PulledDoc]) -> Result<(), Self::Error>;

    /// Called before the first pull of a device that never pulled (cursor 0).
    async fn before_first_pull(&mut self) {}
    /// Called after each page of a pull that has more: `done` of `total` feed positions.
    async fn page_done(&mut self, _done: u64, _total: u64) {}
}

/// What a sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Push requests sent.
    pub push_requests: usize,
    /// Documents pushed.
    pub pushed: usize,
    /// Pull requests sent.
    pub pull_requests: usize,
    /// Documents pulled (repairs included).
    pub pulled: usize,
}

/// How pushes are cut into requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Batching {
    pub docs: usize,
    pub bytes: usize,
}

impl Default for Batching {
    fn default() -> Self {
        Batching {
            docs: PUSH_BATCH_DOCS,
            bytes: PUSH_BATCH_BYTES,
        }
    }
}

/// One sync: push, pull, repair. Stops at the first error (the next sync starts where
/// this one stopped: nothing acknowledged is lost, nothing half-applied is kept).
pub async fn run<D: Driver>(d: &mut D) -> Result<Report, D::Error> {
    run_with(d, Batching::default()).await
}

/// [`run`] with other push batches.
pub async fn run_with<D: Driver>(d: &mut D, batching: Batching) -> Result<Report, D::Error> {
    let mut report = Report::default();
    push(d, batching, &mut report).await?;
    pull(d, &mut report).await?;
    let repair = d.repair_list().await?;
    if !repair.is_empty() {
        let res = d.snapshots(SnapshotsRequest { ids: repair }).await?;
        report.pulled += res.docs.len();
        d.apply_snapshots(&res.docs).await?;
    }
    Ok(report)
}

/// The push step of [`run`] alone: the pending work sent and its answers stored,
/// nothing pulled (a benchmark times acknowledgements and upload bytes with it).
pub async fn push_only<D: Driver>(d: &mut D, batching: Batching) -> Result<Report, D::Error> {
    let mut report = Report::default();
    push(d, batching, &mut report).await?;
    Ok(report)
}

async fn push<D: Driver>(
    d: &mut D,
    batching: Batching,
    report: &mut Report,
) -> Result<(), D::Error> {
    let pending = d.pending().await?;
    for ids in pending.chunks(batching.docs.max(1)) {
        let mut docs = d.load(ids).await?;
        let mut batch: Vec<(PushDoc, InFlight)> = Vec::new();
        let mut bytes = 0usize;
        for doc in docs.iter_mut() {
            if !doc.should_push() {
                continue;
            }
            let (entry, sent) = doc.push_entry();
            if !batch.is_empty() && bytes + entry.changes.0.len() > batching.bytes {
                send(d, std::mem::take(&mut batch), report).await?;
                bytes = 0;
            }
            bytes += entry.changes.0.len();
            batch.push((entry, sent));
        }
        if !batch.is_empty() {
            send(d, batch, report).await?;
        }
    }
    Ok(())
}

async fn send<D: Driver>(
    d: &mut D,
    batch: Vec<(PushDoc, InFlight)>,
    report: &mut Report,
) -> Result<(), D::Error> {
    let (docs, sent): (Vec<PushDoc>, Vec<InFlight>) = batch.into_iter().unzip();
    report.push_requests += 1;
    report.pushed += docs.len();
    let res = d.push(PushRequest { docs }).await?;
    d.pushed(&sent, &res).await
}

async fn pull<D: Driver>(d: &mut D, report: &mut Report) -> Result<(), D::Error> {
    let (mut cursor, since) = d.position().await?;
    let since = since.min(cursor);
    let start = cursor;
    if start == 0 {
        d.before_first_pull().await;
    }
    loop {
        report.pull_requests += 1;
        let page = d
            .pull(PullRequest {
                cursor,
                since: Some(since),
            })
            .await?;
        report.pulled += page.docs.len();
        let baseline = (!page.more).then_some(page.cursor);
        d.apply(&page, baseline).await?;
        cursor = page.cursor;
        if !page.more {
            return Ok(());
        }
        let total = page.head.saturating_sub(start).max(1);
        d.page_done(cursor.saturating_sub(start).min(total), total)
            .await;
    }
}

/// Applies a push's outcomes to documents held in memory (for drivers that keep them
/// there): each sent document's outcome, and the ids the server replaced (to repair).
pub fn apply_outcomes<'a>(
    docs: impl IntoIterator<Item = &'a mut DeviceDoc>,
    sent: &[InFlight],
    res: &PushResponse,
) -> Vec<DocId> {
    for d in docs {
        let answer = res.results.iter().find(|r| r.id == d.id);
        if let (Some(s), Some(r)) = (sent.iter().find(|s| s.id == d.id), answer) {
            d.on_push_outcome(s, &r.outcome);
        }
    }
    replaced(res)
}

/// The documents whose history the server erased (consent withdrawn): the device takes
/// the server's version through the repair list.
pub fn replaced(res: &PushResponse) -> Vec<DocId> {
    res.results
        .iter()
        .filter(|r| {
            matches!(
                r.outcome,
                super::PushOutcome::Refused {
                    code: super::RefusalCode::Replaced,
                    ..
                }
            )
        })
        .map(|r| r.id)
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::future::Future;

    use automerge::ActorId;

    use super::*;
    use crate::ids::{TeamId, UserId};
    use crate::schema::{self, ContactDoc, DocType};
    use crate::sync::{Bytes, Heads, PushOutcome, PushResult, RefusalCode};

    /// Runs a future whose IO never waits (the fake server answers at once).
    fn block_on<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        loop {
            if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
        }
    }

    /// A device in memory against a fake server that accepts everything except what
    /// `refuse` lists, and serves `pages`.
    #[derive(Default)]
    struct Fake {
        docs: BTreeMap<DocId, DeviceDoc>,
        refuse: Vec<(DocId, RefusalCode)>,
        pushes: Vec<usize>,
        pages: Vec<PullResponse>,
        cursor: u64,
        baseline: u64,
        repair: Vec<DocId>,
        snapshots_asked: Vec<DocId>,
        progress: Vec<(u64, u64)>,
    }

    impl Driver for Fake {
        type Error = ();
        async fn pending(&mut self) -> Result<Vec<DocId>, ()> {
            Ok(self
                .docs
                .iter_mut()
                .filter_map(|(id, d)| d.is_pending().then_some(*id))
                .collect())
        }
        async fn load(&mut self, ids: &[DocId]) -> Result<Vec<DeviceDoc>, ()> {
            Ok(ids
                .iter()
                .map(|id| {
                    let d = &self.docs[id];
                    DeviceDoc {
                        id: d.id,
                        doc_type: d.doc_type,
                        doc: d.doc.clone(),
                        acked: d.acked.clone(),
                        refused: d.refused.clone(),
                        generation: d.generation,
                    }
                })
                .collect())
        }
        async fn push(&mut self, req: PushRequest) -> Result<PushResponse, ()> {
            self.pushes.push(req.docs.len());
            Ok(PushResponse {
                results: req
                    .docs
                    .iter()
                    .map(|d| PushResult {
                        id: d.id,
                        outcome: match self.refuse.iter().find(|(id, _)| *id == d.id) {
                            Some((_, code)) => PushOutcome::Refused {
                                code: *code,
                                reason: "no".into(),
                            },
                            None => PushOutcome::Accepted {
                                heads: Heads::default(),
                            },
                        },
                    })
                    .collect(),
            })
        }
        async fn pushed(&mut self, sent: &[InFlight], res: &PushResponse) -> Result<(), ()> {
            let replaced = apply_outcomes(self.docs.values_mut(), sent, res);
            self.repair.extend(replaced);
            Ok(())
        }
        async fn position(&mut self) -> Result<(u64, u64), ()> {
            Ok((self.cursor, self.baseline))
        }
        async fn pull(&mut self, req: PullRequest) -> Result<PullResponse, ()> {
            assert_eq!(req.cursor, self.cursor);
            Ok(if self.pages.is_empty() {
                PullResponse {
                    docs: vec![],
                    cursor: self.cursor,
                    more: false,
                    head: self.cursor,
                }
            } else {
                self.pages.remove(0)
            })
        }
        async fn apply(&mut self, page: &PullResponse, baseline: Option<u64>) -> Result<(), ()> {
            self.cursor = page.cursor;
            if let Some(b) = baseline {
                self.baseline = b;
            }
            Ok(())
        }
        async fn repair_list(&mut self) -> Result<Vec<DocId>, ()> {
            Ok(self.repair.clone())
        }
        async fn snapshots(&mut self, req: SnapshotsRequest) -> Result<SnapshotsResponse, ()> {
            self.snapshots_asked.extend(req.ids);
            Ok(SnapshotsResponse { docs: vec![] })
        }
        async fn apply_snapshots(&mut self, _docs: &[PulledDoc]) -> Result<(), ()> {
            self.repair.clear();
            Ok(())
        }
        async fn page_done(&mut self, done: u64, total: u64) {
            self.progress.push((done, total));
        }
    }

    fn contact(n: u32, note_len: usize) -> DeviceDoc {
        let id = DocId::new_v7(1_760_000_000_000 + n as u64, [(n % 250) as u8; 10]);
        let c = ContactDoc {
            id,
            needs: vec![crate::domain::NeedCategory::Food],
            note: "x".repeat(note_len),
            author: UserId::new_v7(1_700_000_000_000, [1; 10]),
            team: TeamId::parse("t").expect("team"),
            ..ContactDoc::blank()
        };
        DeviceDoc::new(
            id,
            DocType::Contact,
            schema::create(ActorId::from(vec![1u8; 16]), &c).expect("doc"),
        )
    }

    #[test]
    fn weeks_of_offline_work_go_in_several_bounded_requests_and_all_are_acknowledged() {
        let mut f = Fake::default();
        for n in 0..220 {
            let d = contact(n, 10);
            f.docs.insert(d.id, d);
        }
        let report = block_on(run(&mut f)).expect("sync");
        assert_eq!(f.pushes, vec![100, 100, 20]);
        assert_eq!((report.push_requests, report.pushed), (3, 220));
        assert!(f.docs.values_mut().all(|d| !d.is_pending()));
        // Nothing left: the next sync pushes nothing.
        block_on(run(&mut f)).expect("sync");
        assert_eq!(f.pushes.len(), 3);
    }

    #[test]
    fn a_push_alone_sends_the_pending_work_and_pulls_nothing() {
        let mut f = Fake::default();
        for n in 0..3 {
            let d = contact(n, 10);
            f.docs.insert(d.id, d);
        }
        f.pages = vec![PullResponse {
            docs: vec![],
            cursor: 7,
            more: false,
            head: 7,
        }];
        let report = block_on(push_only(&mut f, Batching::default())).expect("push");
        assert_eq!((report.push_requests, report.pushed), (1, 3));
        assert_eq!(report.pull_requests, 0);
        assert!(f.docs.values_mut().all(|d| !d.is_pending()));
        assert_eq!((f.cursor, f.pages.len()), (0, 1), "the feed was not read");
    }

    #[test]
    fn a_push_request_stays_under_its_byte_budget_unless_one_document_is_larger() {
        // Five documents of the same size, a budget of two and a half.
        let mut f = Fake::default();
        for n in 0..5 {
            let d = contact(n, 10);
            f.docs.insert(d.id, d);
        }
        let size = f.docs.values_mut().next().expect("a doc").doc.save().len();
        let batching = Batching {
            docs: 50,
            bytes: size * 5 / 2,
        };
        block_on(run_with(&mut f, batching)).expect("sync");
        assert_eq!(
            f.pushes,
            vec![2, 2, 1],
            "two per request: a third would pass it"
        );
        // A budget smaller than one document still sends it, alone.
        let mut g = Fake::default();
        for n in 0..2 {
            let d = contact(n, 10);
            g.docs.insert(d.id, d);
        }
        block_on(run_with(&mut g, Batching { docs: 50, bytes: 1 })).expect("sync");
        assert_eq!(g.pushes, vec![1, 1]);
    }

    #[test]
    fn a_refusal_is_not_sent_again_unchanged_and_a_replaced_document_is_repaired() {
        let mut f = Fake::default();
        let (a, b) = (contact(1, 1), contact(2, 1));
        let (ida, idb) = (a.id, b.id);
        f.docs.insert(ida, a);
        f.docs.insert(idb, b);
        f.refuse = vec![(ida, RefusalCode::Schema), (idb, RefusalCode::Replaced)];
        block_on(run(&mut f)).expect("sync");
        assert_eq!(f.pushes, vec![2]);
        assert_eq!(f.snapshots_asked, vec![idb], "the replaced one is repaired");
        block_on(run(&mut f)).expect("sync");
        assert_eq!(
            f.pushes,
            vec![2],
            "refused changes are not sent again unchanged"
        );
    }

    #[test]
    fn a_pull_goes_page_by_page_and_marks_where_it_was_complete() {
        let mut f = Fake::default();
        let page = |cursor, more| PullResponse {
            docs: vec![PulledDoc {
                id: DocId::new_v7(1, [1; 10]),
                doc_type: DocType::Contact,
                data: Bytes(vec![]),
                snapshot: true,
                heads: Heads::default(),
                generation: 0,
            }],
            cursor,
            more,
            head: 300,
        };
        f.pages = vec![page(100, true), page(200, true), page(300, false)];
        let report = block_on(run(&mut f)).expect("sync");
        assert_eq!(report.pull_requests, 3);
        assert_eq!((f.cursor, f.baseline), (300, 300));
        assert_eq!(f.progress, vec![(100, 300), (200, 300)]);
    }
}
