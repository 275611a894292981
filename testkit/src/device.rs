//! A simulated device: documents in memory, the real HTTP API in the binary sync
//! encoding, and the app's own sync loop (`strada_shared::sync::run`) between them. What
//! the device saw acknowledged is kept, so a test can check the server holds it.
//!
//! Like the app in a browser over HTTPS, it accepts answers in brotli or gzip and may
//! pull through the pull stream ([`PullVia::Stream`]); it counts its round trips and the
//! time it spends on its own work ([`Counters`]), which the sync benchmark reports.

mod stream;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use automerge::{ActorId, ChangeHash};
use reqwest::{Client, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use strada_shared::api::LoginResponse;
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::{self, DocType, Document};
use strada_shared::sync::device::{DeviceDoc, InFlight};
use strada_shared::sync::run::{self, Batching, Driver, Report};
use strada_shared::sync::{
    PullRequest, PullResponse, PulledDoc, PushOutcome, PushRequest, PushResponse, SnapshotsRequest,
    SnapshotsResponse, WireVersion, decode_as, encode_as,
};

use stream::{Body, PullStream};

/// Why a device's request failed.
#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error("network: {0}")]
    Network(#[from] reqwest::Error),
    #[error("HTTP {0}")]
    Status(u16),
    #[error("the answer does not decode: {0}")]
    Decode(String),
}

/// How a device pulls the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PullVia {
    /// `POST /api/sync/pull`, one request per page.
    #[default]
    Pages,
    /// `POST /api/sync/pull-stream`, as the app: one request for many pages (another
    /// only when the server ends a stream before the feed's end).
    Stream,
}

/// What a device's syncing has cost it so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// HTTP requests sent, sign-in excepted (a pull stream is one, however many pages it
    /// brings).
    pub round_trips: u64,
    /// Time spent on the device's own work, network waits excepted: encoding requests,
    /// inflating and decoding answers, merging what was pulled.
    pub cpu: Duration,
}

/// A device signed in to a server.
pub struct Device {
    pub actor: ActorId,
    /// The signed-in user's id (the author of what this device creates).
    pub user: UserId,
    /// The signed-in user's team.
    pub team: TeamId,
    pub docs: BTreeMap<DocId, DeviceDoc>,
    cursor: u64,
    baseline: u64,
    repair: Vec<DocId>,
    client: Client,
    base: String,
    pub token: String,
    /// The wire version it speaks (the app's: the newest).
    pub version: WireVersion,
    /// Every (document, heads sent) the server acknowledged, in order.
    pub acked: Vec<(DocId, Vec<ChangeHash>)>,
    /// How it pulls (page by page unless set).
    pub pull_via: PullVia,
    /// How its pushes are cut into requests (the app's way unless set).
    pub batching: Batching,
    /// Round trips and time so far ([`Device::take_counters`] reads and resets them).
    pub counters: Counters,
    /// The pull stream being read, while a pull lasts.
    stream: Option<PullStream>,
}

/// A client as a phone has one: a single connection to the server, kept open.
fn client() -> Client {
    Client::builder()
        .pool_max_idle_per_host(1)
        .build()
        .expect("an HTTP client")
}

impl Device {
    /// Signs in on `base` (`http://host:port`) as `username` from a device with `actor`.
    pub async fn sign_in(
        base: &str,
        username: &str,
        password: &str,
        actor: ActorId,
    ) -> Result<Device, DeviceError> {
        let client = client();
        let res = client
            .post(format!("{base}/api/auth/login"))
            .json(&json!({
                "username": username,
                "password": password,
                "device_actor": actor.to_hex_string(),
            }))
            .send()
            .await?;
        if !res.status().is_success() {
            return Err(DeviceError::Status(res.status().as_u16()));
        }
        let body: LoginResponse = res
            .json()
            .await
            .map_err(|e| DeviceError::Decode(e.to_string()))?;
        Ok(Device {
            actor,
            user: body.user.id,
            team: body.user.team,
            docs: BTreeMap::new(),
            cursor: 0,
            baseline: 0,
            repair: Vec::new(),
            client,
            base: base.to_string(),
            token: body.token,
            version: WireVersion::NEWEST,
            acked: Vec::new(),
            pull_via: PullVia::default(),
            batching: Batching::default(),
            counters: Counters::default(),
            stream: None,
        })
    }

    /// Reconnects to `base` (the same server, maybe through another route) with a new
    /// client, as after the network came back: no connection is reused.
    pub fn reconnect(&mut self, base: &str) {
        self.client = client();
        self.base = base.to_string();
        self.stream = None;
    }

    /// The counters so far, which start again from zero.
    pub fn take_counters(&mut self) -> Counters {
        std::mem::take(&mut self.counters)
    }

    /// A new document written on this device.
    pub fn create<T: Document>(&mut self, value: &T) {
        let doc = schema::create(self.actor.clone(), value).expect("a valid document");
        self.docs
            .insert(value.id(), DeviceDoc::new(value.id(), T::TYPE, doc));
    }

    /// An edit of a document on this device, as the smallest set of changes.
    pub fn edit<T: Document>(&mut self, id: DocId, f: impl FnOnce(&mut T)) {
        let d = self
            .docs
            .get_mut(&id)
            .expect("the document is on the device");
        let mut v: T = schema::read(&d.doc).expect("it reads");
        f(&mut v);
        schema::update(&mut d.doc, &v).expect("a valid edit");
    }

    /// A document as the device holds it.
    pub fn read<T: Document>(&self, id: DocId) -> T {
        schema::read(&self.docs[&id].doc).expect("it reads")
    }

    /// The device's heads of a document.
    pub fn heads(&mut self, id: DocId) -> Vec<ChangeHash> {
        let mut h = self
            .docs
            .get_mut(&id)
            .expect("on the device")
            .doc
            .get_heads();
        h.sort();
        h
    }

    /// Whether anything waits to be sent.
    pub fn pending(&mut self) -> bool {
        self.docs.values_mut().any(DeviceDoc::is_pending)
    }

    /// One sync through the app's loop.
    pub async fn sync(&mut self) -> Result<Report, DeviceError> {
        let batching = self.batching;
        run::run_with(self, batching).await
    }

    /// The loop's push step alone: what is pending is sent, nothing is pulled.
    pub async fn push_pending(&mut self) -> Result<Report, DeviceError> {
        let batching = self.batching;
        run::push_only(self, batching).await
    }

    /// Sends a push request already encoded in the device's wire version (a benchmark
    /// prepares its bodies before its clock starts). The answer is returned, not applied.
    pub async fn push_encoded(&mut self, body: Vec<u8>) -> Result<PushResponse, DeviceError> {
        let res = self.send("/api/sync/push", body).await?;
        self.answer(res).await
    }

    /// Posts `body` (already encoded) to `path`, asking for a compressed answer (as a
    /// browser does) in the device's wire version; an answer other than success is an error.
    async fn send(&mut self, path: &str, body: Vec<u8>) -> Result<Response, DeviceError> {
        self.counters.round_trips += 1;
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", self.version.media_type())
            .header("accept", self.version.media_type())
            .header("accept-encoding", stream::ACCEPT_ENCODING)
            .body(body)
            .send()
            .await?;
        if !res.status().is_success() {
            return Err(DeviceError::Status(res.status().as_u16()));
        }
        Ok(res)
    }

    /// Reads a whole answer: decompressed if it was compressed, then decoded.
    async fn answer<T: DeserializeOwned>(&mut self, res: Response) -> Result<T, DeviceError> {
        let mut body = Body::of(&res);
        let bytes = res.bytes().await?;
        let t = Instant::now();
        let mut plain = Vec::new();
        body.feed(&bytes, &mut plain)?;
        body.finish(&mut plain)?;
        let decoded =
            decode_as(self.version, &plain).map_err(|e| DeviceError::Decode(e.to_string()));
        self.counters.cpu += t.elapsed();
        decoded
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &mut self,
        path: &str,
        body: &B,
    ) -> Result<T, DeviceError> {
        let t = Instant::now();
        let bytes = encode_as(self.version, body);
        self.counters.cpu += t.elapsed();
        let res = self.send(path, bytes).await?;
        self.answer(res).await
    }

    /// The next page of a pull from the pull stream, opening one when none is open where
    /// the pull stands (the first page, or the server ended the last stream before the
    /// feed's end).
    async fn pull_streamed(&mut self, req: PullRequest) -> Result<PullResponse, DeviceError> {
        // A stream left elsewhere (a sync that stopped half-way) is not read on.
        if self.stream.as_ref().is_some_and(|s| s.at != req.cursor) {
            self.stream = None;
        }
        loop {
            let fresh = self.stream.is_none();
            if fresh {
                let t = Instant::now();
                let body = encode_as(self.version, &req);
                self.counters.cpu += t.elapsed();
                let res = self.send("/api/sync/pull-stream", body).await?;
                self.stream = Some(PullStream::new(res, self.version, req.cursor));
            }
            let stream = self.stream.as_mut().expect("opened above");
            match stream.next(&mut self.counters.cpu).await {
                Ok(Some(page)) => {
                    if !page.more
                        && let Some(ended) = self.stream.take()
                    {
                        ended.finish(&mut self.counters.cpu).await?;
                    }
                    return Ok(page);
                }
                Ok(None) if fresh => {
                    self.stream = None;
                    return Err(DeviceError::Decode("a pull stream without a page".into()));
                }
                // Ended before the feed's end: another from here.
                Ok(None) => self.stream = None,
                Err(e) => {
                    self.stream = None;
                    return Err(e);
                }
            }
        }
    }

    fn merge(&mut self, pulled: &[PulledDoc]) {
        let t = Instant::now();
        for p in pulled {
            let merged = match self.docs.get_mut(&p.id) {
                Some(d) => d.merge_pulled(p).map(|()| None),
                None => DeviceDoc::from_pulled(p, self.actor.clone()).map(Some),
            };
            match merged {
                Ok(Some(d)) => {
                    self.docs.insert(p.id, d);
                    self.repair.retain(|id| *id != p.id);
                }
                Ok(None) => self.repair.retain(|id| *id != p.id),
                Err(_) if !self.repair.contains(&p.id) => self.repair.push(p.id),
                Err(_) => {}
            }
        }
        self.counters.cpu += t.elapsed();
    }
}

impl Driver for Device {
    type Error = DeviceError;

    async fn pending(&mut self) -> Result<Vec<DocId>, DeviceError> {
        // Persons, contacts, referrals: a document after those it refers to.
        let mut ids: Vec<(u8, DocId)> = self
            .docs
            .iter_mut()
            .filter_map(|(id, d)| {
                let order = DocType::ALL
                    .iter()
                    .position(|t| *t == d.doc_type)
                    .unwrap_or(0) as u8;
                d.is_pending().then_some((order, *id))
            })
            .collect();
        ids.sort();
        Ok(ids.into_iter().map(|(_, id)| id).collect())
    }

    async fn load(&mut self, ids: &[DocId]) -> Result<Vec<DeviceDoc>, DeviceError> {
        // The loop works on copies, as the app's does on records read from storage.
        Ok(ids
            .iter()
            .filter_map(|id| self.docs.get(id))
            .map(|d| DeviceDoc {
                id: d.id,
                doc_type: d.doc_type,
                doc: d.doc.clone(),
                acked: d.acked.clone(),
                refused: d.refused.clone(),
                generation: d.generation,
            })
            .collect())
    }

    async fn push(&mut self, req: PushRequest) -> Result<PushResponse, DeviceError> {
        self.call("/api/sync/push", &req).await
    }

    async fn pushed(&mut self, sent: &[InFlight], res: &PushResponse) -> Result<(), DeviceError> {
        for (s, r) in sent.iter().zip(&res.results) {
            if matches!(r.outcome, PushOutcome::Accepted { .. }) {
                self.acked.push((s.id, s.sent_heads.clone()));
            }
        }
        let replaced = run::apply_outcomes(self.docs.values_mut(), sent, res);
        for id in replaced {
            if !self.repair.contains(&id) {
                self.repair.push(id);
            }
        }
        Ok(())
    }

    async fn position(&mut self) -> Result<(u64, u64), DeviceError> {
        Ok((self.cursor, self.baseline))
    }

    async fn pull(&mut self, req: PullRequest) -> Result<PullResponse, DeviceError> {
        match self.pull_via {
            PullVia::Pages => self.call("/api/sync/pull", &req).await,
            PullVia::Stream => self.pull_streamed(req).await,
        }
    }

    async fn apply(
        &mut self,
        page: &PullResponse,
        baseline: Option<u64>,
    ) -> Result<(), DeviceError> {
        self.merge(&page.docs);
        self.cursor = page.cursor;
        if let Some(b) = baseline {
            self.baseline = b;
        }
        Ok(())
    }

    async fn repair_list(&mut self) -> Result<Vec<DocId>, DeviceError> {
        Ok(self.repair.clone())
    }

    async fn snapshots(&mut self, req: SnapshotsRequest) -> Result<SnapshotsResponse, DeviceError> {
        self.call("/api/sync/snapshots", &req).await
    }

    async fn apply_snapshots(&mut self, docs: &[PulledDoc]) -> Result<(), DeviceError> {
        self.merge(docs);
        Ok(())
    }
}
