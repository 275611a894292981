//! A simulated device: documents in memory, the real HTTP API in the binary sync
//! encoding, and the app's own sync loop (`strada_shared::sync::run`) between them. What
//! the device saw acknowledged is kept, so a test can check the server holds it.

use std::collections::BTreeMap;

use automerge::{ActorId, ChangeHash};
use reqwest::Client;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use strada_shared::ids::{DocId, UserId};
use strada_shared::schema::{self, DocType, Document};
use strada_shared::sync::device::{DeviceDoc, InFlight};
use strada_shared::sync::run::{self, Driver, Report};
use strada_shared::sync::{
    PullRequest, PullResponse, PulledDoc, PushOutcome, PushRequest, PushResponse, SnapshotsRequest,
    SnapshotsResponse, WireVersion, decode_as, encode_as,
};

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

/// A device signed in to a server.
pub struct Device {
    pub actor: ActorId,
    /// The signed-in user's id (the author of what this device creates).
    pub user: UserId,
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
}

impl Device {
    /// Signs in on `base` (`http://host:port`) as `username` from a device with `actor`.
    pub async fn sign_in(
        base: &str,
        username: &str,
        password: &str,
        actor: ActorId,
    ) -> Result<Device, DeviceError> {
        let client = Client::new();
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
        let body: Value = res.json().await?;
        let user = body["user"]["id"]
            .as_str()
            .and_then(|s| UserId::parse(s).ok())
            .ok_or_else(|| DeviceError::Decode("no user id".into()))?;
        Ok(Device {
            actor,
            user,
            docs: BTreeMap::new(),
            cursor: 0,
            baseline: 0,
            repair: Vec::new(),
            client,
            base: base.to_string(),
            token: body["token"].as_str().unwrap_or_default().to_string(),
            version: WireVersion::NEWEST,
            acked: Vec::new(),
        })
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
        run::run(self).await
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, DeviceError> {
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", self.version.media_type())
            .header("accept", self.version.media_type())
            .body(encode_as(self.version, body))
            .send()
            .await?;
        if !res.status().is_success() {
            return Err(DeviceError::Status(res.status().as_u16()));
        }
        let bytes = res.bytes().await?;
        decode_as(self.version, &bytes).map_err(|e| DeviceError::Decode(e.to_string()))
    }

    fn merge(&mut self, pulled: &[PulledDoc]) {
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
                let order = match d.doc_type {
                    DocType::Person => 0,
                    DocType::Contact => 1,
                    DocType::Referral => 2,
                };
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
        self.call("/api/sync/pull", &req).await
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
