//! Shared helpers: a client that signs in and speaks the API, and contact builders.

use automerge::ActorId;
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use strada_server::storage::StoredUser;
use strada_server::testing::TestServer;
use strada_shared::domain::{NeedCategory, PersonRef, Place};
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc};
use strada_shared::sync::device::DeviceDoc;
use strada_shared::sync::{PushRequest, PushResponse};

pub struct Api {
    pub client: Client,
    pub base: String,
    pub token: String,
    /// This device's automerge actor, bound to the session at sign-in.
    pub actor: ActorId,
    /// What ends this session without its token (an offline sign-out).
    pub logout_key: String,
    /// What this device shows at its next sign-in to be known as itself.
    pub device_key: String,
}

impl Api {
    pub async fn login(server: &TestServer, username: &str) -> Api {
        Api::login_on(server, username, ActorId::random(), None).await
    }

    /// Signs in again on the same device (the same actor, showing its key).
    pub async fn relogin(&self, server: &TestServer, username: &str) -> Api {
        Api::login_on(server, username, self.actor.clone(), Some(&self.device_key)).await
    }

    async fn login_on(
        server: &TestServer,
        username: &str,
        actor: ActorId,
        device_key: Option<&str>,
    ) -> Api {
        let client = Client::new();
        let res = client
            .post(server.url("/api/auth/login"))
            .json(&serde_json::json!({
                "username": username,
                "password": format!("password-{username}"),
                "device_actor": actor.to_hex_string(),
                "device_key": device_key,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        Api {
            client,
            base: server.url(""),
            token: body["token"].as_str().unwrap().to_string(),
            actor,
            logout_key: body["logout_key"].as_str().unwrap().to_string(),
            device_key: body["device_key"].as_str().unwrap().to_string(),
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .put(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// A central office device keeps these teams offline (it syncs nothing else of
    /// other users').
    pub async fn keep_teams(&self, teams: &[&str]) {
        let res = self
            .put_json(
                "/api/devices/me/scope",
                &serde_json::json!({ "teams": teams }),
            )
            .await;
        assert_eq!(res.status(), 200);
    }

    pub async fn post_raw(&self, path: &str, body: Vec<u8>) -> Response {
        self.client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap()
    }

    /// Posts push entries as they are (crafted bytes included), in the binary encoding
    /// the app speaks.
    pub async fn push_entries(&self, docs: Vec<strada_shared::sync::PushDoc>) -> Response {
        use strada_shared::sync::{WireVersion, encode_as};
        let v = WireVersion::NEWEST;
        self.client
            .post(format!("{}/api/sync/push", self.base))
            .bearer_auth(&self.token)
            .header("content-type", v.media_type())
            .header("accept", v.media_type())
            .body(encode_as(v, &PushRequest { docs }))
            .send()
            .await
            .unwrap()
    }

    /// [`Api::push_entries`], expecting an answer per document.
    pub async fn push_entries_ok(
        &self,
        docs: Vec<strada_shared::sync::PushDoc>,
    ) -> Vec<strada_shared::sync::PushOutcome> {
        let res = self.push_entries(docs).await;
        assert_eq!(res.status(), StatusCode::OK);
        let bytes = res.bytes().await.unwrap();
        let body: PushResponse =
            strada_shared::sync::decode_as(strada_shared::sync::WireVersion::NEWEST, &bytes)
                .unwrap();
        body.results.into_iter().map(|r| r.outcome).collect()
    }

    /// A pull page in the binary encoding the app speaks.
    pub async fn pull(&self, cursor: u64, since: u64) -> Response {
        use strada_shared::sync::{PullRequest, WireVersion, encode_as};
        let v = WireVersion::NEWEST;
        self.client
            .post(format!("{}/api/sync/pull", self.base))
            .bearer_auth(&self.token)
            .header("content-type", v.media_type())
            .header("accept", v.media_type())
            .body(encode_as(
                v,
                &PullRequest {
                    cursor,
                    since: Some(since),
                },
            ))
            .send()
            .await
            .unwrap()
    }

    /// [`Api::pull`], expecting a page.
    pub async fn pull_ok(&self, cursor: u64, since: u64) -> strada_shared::sync::PullResponse {
        let res = self.pull(cursor, since).await;
        assert_eq!(res.status(), StatusCode::OK);
        strada_shared::sync::decode_as(
            strada_shared::sync::WireVersion::NEWEST,
            &res.bytes().await.unwrap(),
        )
        .unwrap()
    }

    pub async fn push(&self, docs: &mut [&mut DeviceDoc]) -> PushResponse {
        let mut entries = Vec::new();
        let mut sent = Vec::new();
        for d in docs.iter_mut() {
            let (e, s) = d.push_entry();
            entries.push(e);
            sent.push(s);
        }
        let res = self
            .post_json(
                "/api/sync/push",
                &serde_json::to_value(PushRequest { docs: entries }).unwrap(),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: PushResponse = res.json().await.unwrap();
        for ((d, s), r) in docs.iter_mut().zip(&sent).zip(&body.results) {
            d.on_push_outcome(s, &r.outcome);
        }
        body
    }

    /// The repair path: the server's snapshot of each document, merged into the device's
    /// copy as the app does.
    pub async fn take_snapshots(&self, docs: &mut [&mut DeviceDoc]) {
        let ids: Vec<_> = docs.iter().map(|d| d.id).collect();
        let res = self
            .post_json("/api/sync/snapshots", &serde_json::json!({ "ids": ids }))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: strada_shared::sync::SnapshotsResponse = res.json().await.unwrap();
        for d in docs.iter_mut() {
            let pulled = body.docs.iter().find(|p| p.id == d.id).expect("a snapshot");
            d.merge_pulled(pulled).unwrap();
        }
    }
}

pub fn contact_for(user: &StoredUser, seed: u8) -> ContactDoc {
    ContactDoc {
        id: DocId::new_v7(1_760_000_000_000 + seed as u64, [seed; 10]),
        occurred_at: 1_760_000_000_000,
        place: Some(Place {
            lat: 45.5,
            lon: 9.2,
            accuracy_m: Some(20.0),
        }),
        person: PersonRef::Alias(format!("Synthetic alias {seed}")),
        needs: vec![NeedCategory::Food],
        note: "synthetic".into(),
        author: user.id,
        team: user.team.clone(),
        consent: strada_shared::vocab::ConsentStatus::Given,
        ..ContactDoc::blank()
    }
}

impl Api {
    /// This session's live event stream (a ticket, then the stream it opens).
    pub async fn event_stream(&self, server: &TestServer) -> Response {
        let res = self
            .post_json("/api/sync/events-ticket", &Value::Null)
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let ticket: Value = res.json().await.unwrap();
        reqwest::get(server.url(&format!(
            "/api/sync/events?ticket={}",
            ticket["ticket"].as_str().unwrap()
        )))
        .await
        .unwrap()
    }

    /// A new document authored on this device.
    pub fn doc(&self, c: &ContactDoc) -> DeviceDoc {
        DeviceDoc::new(
            c.id,
            schema::DocType::Contact,
            schema::create(self.actor.clone(), c).unwrap(),
        )
    }
}

/// A server with two field workers of two teams, signed in (marta of bergamo-1, luca of
/// cremona-2), and the central office's account `centrale`.
pub struct TwoTeams {
    pub s: TestServer,
    pub marta: StoredUser,
    pub luca: StoredUser,
    pub bg: Api,
    pub cr: Api,
}

pub async fn two_teams() -> TwoTeams {
    use strada_shared::domain::Role;
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let luca = s.add_user("luca", Role::FieldWorker, "cremona-2");
    s.add_user("centrale", Role::CentralOffice, "pua");
    let bg = Api::login(&s, "marta").await;
    let cr = Api::login(&s, "luca").await;
    TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    }
}
