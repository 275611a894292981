//! Devices that edit offline and sync in different orders converge with the server: the
//! same heads everywhere and the same typed record, also in the central records API.

use std::collections::BTreeMap;

use automerge::ActorId;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use strada_server::storage::Store;
use strada_server::testing::TestServer;
use strada_shared::api::ContactRecord;
use strada_shared::domain::{NeedCategory, PersonRef, Role};
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc, DocType};
use strada_shared::sync::device::DeviceDoc;
use strada_shared::sync::{PullResponse, PushRequest, PushResponse, heads_to_strings};

/// A simulated field device: documents in memory, the real HTTP API.
struct Device {
    actor: ActorId,
    docs: BTreeMap<DocId, DeviceDoc>,
    cursor: u64,
    client: Client,
    base: String,
    token: String,
}

impl Device {
    async fn sign_in(server: &TestServer, username: &str, actor: u8) -> Device {
        let client = Client::new();
        let res = client
            .post(server.url("/api/auth/login"))
            .json(&json!({
                "username": username,
                "password": format!("password-{username}"),
                "device_actor": ActorId::from(vec![actor; 16]).to_hex_string(),
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        Device {
            actor: ActorId::from(vec![actor; 16]),
            docs: BTreeMap::new(),
            cursor: 0,
            client,
            base: server.url(""),
            token: body["token"].as_str().unwrap().into(),
        }
    }

    fn create(&mut self, c: &ContactDoc) {
        let doc = schema::create(self.actor.clone(), c).unwrap();
        self.docs
            .insert(c.id, DeviceDoc::new(c.id, DocType::Contact, doc));
    }

    fn edit(&mut self, id: DocId, f: impl FnOnce(&mut ContactDoc)) {
        let d = self.docs.get_mut(&id).unwrap();
        let mut c: ContactDoc = schema::read(&d.doc).unwrap();
        f(&mut c);
        schema::update(&mut d.doc, &c).unwrap();
    }

    async fn push(&mut self) {
        let mut entries = Vec::new();
        let mut sent = Vec::new();
        for d in self.docs.values_mut() {
            if d.is_pending() {
                let (e, s) = d.push_entry();
                entries.push(e);
                sent.push(s);
            }
        }
        if entries.is_empty() {
            return;
        }
        let res: PushResponse = self
            .client
            .post(format!("{}/api/sync/push", self.base))
            .bearer_auth(&self.token)
            .json(&PushRequest { docs: entries })
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for (s, r) in sent.iter().zip(&res.results) {
            assert_eq!(s.id, r.id);
            self.docs
                .get_mut(&s.id)
                .unwrap()
                .on_push_outcome(s, &r.outcome);
        }
    }

    async fn pull(&mut self) {
        loop {
            let page: PullResponse = self
                .client
                .post(format!("{}/api/sync/pull", self.base))
                .bearer_auth(&self.token)
                .json(&json!({"cursor": self.cursor}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            for p in &page.docs {
                match self.docs.get_mut(&p.id) {
                    Some(d) => d.merge_pulled(p).unwrap(),
                    None => {
                        self.docs
                            .insert(p.id, DeviceDoc::from_pulled(p, self.actor.clone()).unwrap());
                    }
                }
            }
            self.cursor = page.cursor;
            if !page.more {
                break;
            }
        }
    }

    fn heads(&mut self, id: DocId) -> Vec<String> {
        heads_to_strings(&self.docs.get_mut(&id).unwrap().doc.get_heads())
    }

    fn read(&self, id: DocId) -> ContactDoc {
        schema::read(&self.docs[&id].doc).unwrap()
    }
}

async fn server_record(server: &TestServer, id: DocId) -> ContactRecord {
    let central = Device::sign_in(server, "centrale", 99).await;
    central
        .client
        .get(format!("{}/api/contacts/{id}", central.base))
        .bearer_auth(&central.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn scenario(a_first: bool) {
    let server = TestServer::start().await;
    let marta = server.add_user("marta", Role::FieldWorker, "bergamo-1");
    server.add_user("centrale", Role::CentralOffice, "pua");
    let mut a = Device::sign_in(&server, "marta", 1).await;
    let mut b = Device::sign_in(&server, "marta", 2).await;

    let c = ContactDoc {
        id: DocId::new_v7(1_760_000_000_000, [4; 10]),
        occurred_at: 1_760_000_000_000,
        place: None,
        person: PersonRef::Alias("Synthetic A".into()),
        needs: vec![NeedCategory::Food],
        note: "first".into(),
        author: marta.id,
        team: marta.team.clone(),
        consent: strada_shared::vocab::ConsentStatus::Given,
        ..ContactDoc::blank()
    };
    a.create(&c);
    a.push().await;
    b.pull().await;
    assert_eq!(b.read(c.id), c);

    // Offline on both devices: concurrent edits of the same field and of different fields,
    // and a new contact on B.
    a.edit(c.id, |c| c.note = "note from A".into());
    a.edit(c.id, |c| c.needs.push(NeedCategory::Shelter));
    b.edit(c.id, |c| c.note = "note from B".into());
    b.edit(c.id, |c| c.needs.push(NeedCategory::Health));
    let c2 = ContactDoc {
        id: DocId::new_v7(1_760_000_000_001, [5; 10]),
        person: PersonRef::Anonymous,
        ..c.clone()
    };
    b.create(&c2);

    if a_first {
        a.push().await;
        b.push().await;
        a.pull().await;
        b.pull().await;
    } else {
        b.push().await;
        a.push().await;
        b.pull().await;
        a.pull().await;
    }
    // Whatever the order, a second round settles everything.
    a.push().await;
    b.push().await;
    a.pull().await;
    b.pull().await;

    for id in [c.id, c2.id] {
        let stored = server.store.doc(id).unwrap().unwrap().bytes;
        let mut server_doc = automerge::AutoCommit::load(&stored).unwrap();
        let server_heads = heads_to_strings(&server_doc.get_heads());
        assert_eq!(a.heads(id), server_heads);
        assert_eq!(b.heads(id), server_heads);
        let server_typed: ContactDoc = schema::read(&server_doc).unwrap();
        assert_eq!(a.read(id), server_typed);
        assert_eq!(b.read(id), server_typed);
        let record = server_record(&server, id).await;
        assert_eq!(record.heads, server_heads);
        assert_eq!(record.needs, server_typed.needs);
        assert_eq!(record.note, server_typed.note);
    }
    let merged = a.read(c.id);
    assert!(
        merged.needs.contains(&NeedCategory::Shelter)
            && merged.needs.contains(&NeedCategory::Health)
    );
    assert!(merged.note == "note from A" || merged.note == "note from B");
    assert!(!a.docs.values_mut().any(|d| d.is_pending()));
    assert!(!b.docs.values_mut().any(|d| d.is_pending()));
}

#[tokio::test]
async fn two_devices_converge_when_a_syncs_first() {
    scenario(true).await;
}

#[tokio::test]
async fn two_devices_converge_when_b_syncs_first() {
    scenario(false).await;
}
