//! Integration tests of the HTTP API against a real server on loopback over a real sled
//! store (one binary, a fresh store per test).

mod accounts;
mod audit;
mod authz;
mod cases;
mod central;
mod chunks;
mod connections;
mod consent;
mod demo;
mod devices;
mod directory;
mod erasure;
mod exchange;
mod headers;
mod helpers;
mod hostile;
mod merge;
mod positions;
mod reports;
mod scope;
mod sessions;

use helpers::{Api, contact_for};
use reqwest::StatusCode;
use serde_json::{Value, json};
use strada_server::storage::{SledStore, Store, StoredSession};
use strada_server::testing::TestServer;
use strada_shared::domain::{PersonRef, Role};
use strada_shared::schema::ContactDoc;
use strada_shared::sync::{PushOutcome, RefusalCode};

async fn error_code(res: reqwest::Response) -> (StatusCode, String, String) {
    let status = res.status();
    let body: Value = res.json().await.unwrap();
    (
        status,
        body["error"].as_str().unwrap_or("").into(),
        body["message"].as_str().unwrap_or("").into(),
    )
}

#[tokio::test]
async fn health_answers_200_with_json() {
    let s = TestServer::start().await;
    let res = reqwest::get(s.url("/api/health")).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["schema_version"], strada_migrations::latest_version());
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_401() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let c = reqwest::Client::new();
    for (u, p) in [
        ("marta", "not-her-password"),
        ("nobody", "whatever-password"),
    ] {
        let res = c
            .post(s.url("/api/auth/login"))
            .json(&json!({"username": u, "password": p}))
            .send()
            .await
            .unwrap();
        let (status, code, message) = error_code(res).await;
        assert_eq!(status, 401);
        assert_eq!(code, "bad_credentials");
        assert!(
            !message.contains(u),
            "the message must not echo the username"
        );
    }
}

#[tokio::test]
async fn missing_invalid_and_expired_sessions_are_refused() {
    let s = TestServer::start().await;
    let user = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let c = reqwest::Client::new();
    let (st, code, _) = error_code(
        c.post(s.url("/api/sync/pull"))
            .json(&json!({"cursor":0}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st.as_u16(), code.as_str()), (401, "no_session"));
    let (st, code, _) = error_code(
        c.post(s.url("/api/sync/pull"))
            .bearer_auth("forged")
            .json(&json!({"cursor":0}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st.as_u16(), code.as_str()), (401, "no_session"));

    let expired = "expired-token-for-test";
    s.store
        .put_session(
            &strada_server::auth::token::hash_token(expired),
            &StoredSession {
                user_id: user.id,
                created_at: 0,
                expires_at: 1,
                device: None,
                logout_hash: None,
                last_used: 0,
            },
        )
        .unwrap();
    let (st, code, _) = error_code(
        c.post(s.url("/api/sync/pull"))
            .bearer_auth(expired)
            .json(&json!({"cursor":0}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((st.as_u16(), code.as_str()), (401, "session_expired"));
}

#[tokio::test]
async fn logout_ends_the_session() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    assert_eq!(api.get("/api/auth/me").await.status(), 200);
    assert_eq!(
        api.post_json("/api/auth/logout", &json!({})).await.status(),
        204
    );
    assert_eq!(api.get("/api/auth/me").await.status(), 401);
}

#[tokio::test]
async fn a_pushed_contact_becomes_a_central_record_that_survives_a_restart() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("centrale", Role::CentralOffice, "pua");
    let field = Api::login(&s, "marta").await;
    let c = contact_for(&marta, 1);
    let mut d = field.doc(&c);
    let res = field.push(&mut [&mut d]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));
    assert!(!d.is_pending());

    let dir = s.stop().await;
    let s = TestServer::start_in(dir).await;
    let central = Api::login(&s, "centrale").await;
    let page: Value = central.get("/api/contacts").await.json().await.unwrap();
    assert_eq!(page["total"], 1);
    let list = page["items"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], c.id.to_string());
    assert_eq!(list[0]["person"]["alias"], "Synthetic alias 1");
    assert_eq!(list[0]["needs"], json!(["food"]));
    let one = central.get(&format!("/api/contacts/{}", c.id)).await;
    assert_eq!(one.status(), 200);
    // Field workers do not read the central records.
    let field = Api::login(&s, "marta").await;
    assert_eq!(field.get("/api/contacts").await.status(), 403);
}

#[tokio::test]
async fn malformed_oversized_and_unknown_bodies_get_specific_errors_and_store_nothing() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    // Something already stored, which must survive every bad request below.
    let c = contact_for(&marta, 2);
    let mut d = api.doc(&c);
    api.push(&mut [&mut d]).await;
    let head = s.store.feed_head().unwrap();
    let before = s.store.doc(c.id).unwrap().unwrap().bytes;

    let (st, code, _) =
        error_code(api.post_raw("/api/sync/push", b"{not json".to_vec()).await).await;
    assert_eq!((st.as_u16(), code.as_str()), (400, "malformed_json"));

    let (st, code, _) =
        error_code(api.post_json("/api/sync/push", &json!({"docs": 3})).await).await;
    assert_eq!((st.as_u16(), code.as_str()), (422, "invalid_body"));

    let id = c.id.to_string();
    let (st, code, msg) = error_code(
        api.post_json(
            "/api/sync/push",
            &json!({"docs":[{"id": id, "doc_type":"spaceship","changes":""}]}),
        )
        .await,
    )
    .await;
    assert_eq!((st.as_u16(), code.as_str()), (422, "invalid_body"));
    assert!(msg.contains("unknown variant"), "{msg}");

    let (st, code, _) = error_code(
        api.post_json(
            "/api/sync/push",
            &json!({"docs":[{"id": id, "doc_type":"contact","changes":"AAECAwQFBgcICQ=="}]}),
        )
        .await,
    )
    .await;
    assert_eq!((st.as_u16(), code.as_str()), (422, "invalid_automerge"));

    let big = vec![b' '; strada_server::http::MAX_BODY_BYTES + 10];
    let (st, code, _) = error_code(api.post_raw("/api/sync/push", big).await).await;
    assert_eq!((st.as_u16(), code.as_str()), (413, "payload_too_large"));

    let res = api
        .client
        .post(format!("{}/api/sync/push", api.base))
        .bearer_auth(&api.token)
        .header("content-type", "text/plain")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);

    assert_eq!(s.store.feed_head().unwrap(), head);
    assert_eq!(s.store.doc(c.id).unwrap().unwrap().bytes, before);
}

#[tokio::test]
async fn json_body_errors_never_echo_what_was_sent() {
    let s = TestServer::start().await;
    s.add_user("centrale", Role::CentralOffice, "pua");
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let central = Api::login(&s, "centrale").await;
    let secret = "Mario Rossi";
    let id = strada_shared::ids::DocId::new_v7(1_760_000_000_000, [1; 10]).to_string();
    // A value where a number belongs: where, and what was expected.
    let body = json!({"id": id, "field": "sector", "actor": "00", "counter": secret});
    let (st, code, msg) =
        error_code(central.post_json("/api/conflicts/resolve", &body).await).await;
    assert_eq!((st.as_u16(), code.as_str()), (422, "invalid_body"));
    assert!(
        msg.starts_with(
            "the body does not match the expected shape at `counter`: invalid type: string, expected u64"
        ),
        "{msg}"
    );
    // A key sent where none belongs, named only when it looks like a field name.
    s.add_user("direttrice", Role::Director, "pua");
    let director = Api::login(&s, "direttrice").await;
    let note = |key: &str| json!({"text": "x", key: 1});
    let path = "/api/reports/notes?period=2026-Q3";
    let put = |body: Value| {
        director
            .client
            .put(format!("{}{path}", director.base))
            .bearer_auth(&director.token)
            .json(&body)
            .send()
    };
    let (st, code, named) = error_code(put(note("extra")).await.unwrap()).await;
    assert_eq!((st.as_u16(), code.as_str()), (400, "invalid_body"));
    assert!(named.contains("unknown field `extra`"), "{named}");
    let (st, _, unnamed) = error_code(put(note(secret)).await.unwrap()).await;
    assert_eq!(st.as_u16(), 400);
    assert!(unnamed.contains("unknown field `(a field)`"), "{unnamed}");
    // A value of no variant: not quoted either.
    let marta = Api::login(&s, "marta").await;
    let push = json!({"docs": [{"id": id, "doc_type": secret, "changes": ""}]});
    let (st, code, msg2) = error_code(marta.post_json("/api/sync/push", &push).await).await;
    assert_eq!((st.as_u16(), code.as_str()), (422, "invalid_body"));
    assert!(msg2.contains("unknown variant, expected"), "{msg2}");
    for m in [&msg, &unnamed, &msg2] {
        assert!(!m.contains("Mario") && !m.contains("Rossi"), "{m}");
    }
}

#[tokio::test]
async fn a_contact_that_breaks_the_schema_is_refused_and_leaves_others_stored() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let good = contact_for(&marta, 3);
    let mut good_doc = api.doc(&good);
    // A document that is valid automerge but not a contact (no header).
    let mut raw = automerge::AutoCommit::new().with_actor(api.actor.clone());
    {
        use automerge::transaction::Transactable;
        raw.put(automerge::ROOT, "hello", "world").unwrap();
    }
    let bad_id = contact_for(&marta, 4).id;
    let mut bad_doc = strada_shared::sync::device::DeviceDoc::new(
        bad_id,
        strada_shared::schema::DocType::Contact,
        raw,
    );
    let res = api.push(&mut [&mut good_doc, &mut bad_doc]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));
    assert!(
        matches!(&res.results[1].outcome, PushOutcome::Refused { reason, .. } if reason.contains("header"))
    );
    assert!(bad_doc.is_pending(), "a refused change stays on the device");
    assert!(s.store.doc(good.id).unwrap().is_some());
    assert!(s.store.doc(bad_id).unwrap().is_none());
}

#[tokio::test]
async fn field_workers_cannot_write_or_read_another_teams_contacts() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let luca = s.add_user("luca", Role::FieldWorker, "cremona-2");
    let marta_api = Api::login(&s, "marta").await;
    let luca_api = Api::login(&s, "luca").await;

    // Luca tries to log a contact in Marta's team.
    let forged = ContactDoc {
        team: marta.team.clone(),
        ..contact_for(&luca, 5)
    };
    let mut d = luca_api.doc(&forged);
    let res = luca_api.push(&mut [&mut d]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Refused { .. }
    ));

    let mine = contact_for(&marta, 6);
    let mut d = marta_api.doc(&mine);
    marta_api.push(&mut [&mut d]).await;
    let theirs = contact_for(&luca, 7);
    let mut d = luca_api.doc(&theirs);
    luca_api.push(&mut [&mut d]).await;

    let page: Value = marta_api
        .post_json("/api/sync/pull", &json!({"cursor": 0}))
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = page["docs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![mine.id.to_string()]);
    assert_eq!(page["more"], false);
}

#[tokio::test]
async fn a_second_start_applies_no_migration_twice() {
    let dir = std::env::temp_dir().join(format!("strada-mig-{}", uuid::Uuid::now_v7()));
    let (store, applied) = SledStore::open(&dir).unwrap();
    assert_eq!(
        applied,
        (1..=strada_migrations::latest_version()).collect::<Vec<_>>()
    );
    drop(store);
    let (store, applied) = SledStore::open(&dir).unwrap();
    assert!(applied.is_empty());
    assert_eq!(
        store.schema_version().unwrap(),
        strada_migrations::latest_version()
    );
    drop(store);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn changes_authored_under_another_devices_actor_are_refused() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let tablet = Api::login(&s, "marta").await;
    // The tablet pushes a document written under the phone's actor.
    let c = contact_for(&marta, 8);
    let mut forged = phone.doc(&c);
    let res = tablet.push(&mut [&mut forged]).await;
    assert!(
        matches!(&res.results[0].outcome, PushOutcome::Refused { reason, .. } if reason.contains("another device"))
    );
    assert!(s.store.doc(c.id).unwrap().is_none());
    // The phone itself may.
    let res = phone.push(&mut [&mut forged]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));
}

#[tokio::test]
async fn a_device_actor_belongs_to_one_user_and_a_session_without_device_cannot_sync() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("luca", Role::FieldWorker, "bergamo-1");
    let marta = Api::login(&s, "marta").await;
    let c = reqwest::Client::new();
    let res = c
        .post(s.url("/api/auth/login"))
        .json(&json!({"username": "luca", "password": "password-luca", "device_actor": marta.actor.to_hex_string()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
    let res = c
        .post(s.url("/api/auth/login"))
        .json(&json!({"username": "luca", "password": "password-luca", "device_actor": "xyz"}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.1, "invalid_device");
    // Without a device a field worker neither pushes nor pulls: the team's records reach
    // devices the central office sees and can revoke (the verification of session 54:
    // a session without a device, not counted among the account's devices, pulled
    // them).
    let res = c
        .post(s.url("/api/auth/login"))
        .json(&json!({"username": "luca", "password": "password-luca"}))
        .send()
        .await
        .unwrap();
    let token = res.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let res = c
        .post(s.url("/api/sync/push"))
        .bearer_auth(&token)
        .json(&json!({"docs": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    let res = c
        .post(s.url("/api/sync/pull"))
        .bearer_auth(&token)
        .json(&json!({"cursor": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.1, "no_device");
    let res = c
        .post(s.url("/api/sync/snapshots"))
        .bearer_auth(&token)
        .json(&json!({"ids": []}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_code(res).await.1, "no_device");
}

/// Reads server-sent events until one named `feed` arrives; returns its data.
async fn next_feed_event(res: &mut reqwest::Response) -> String {
    let mut buf = String::new();
    loop {
        let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), res.chunk())
            .await
            .expect("an event within 10 s")
            .unwrap()
            .expect("stream open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
        if let Some(pos) = buf.find("event: feed\ndata: ") {
            let rest = &buf[pos + "event: feed\ndata: ".len()..];
            if let Some(end) = rest.find('\n') {
                return rest[..end].to_string();
            }
        }
    }
}

#[tokio::test]
async fn listeners_hear_their_teams_feed_advance_live() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("luca", Role::FieldWorker, "cremona-2");
    let api = Api::login(&s, "marta").await;
    let luca = Api::login(&s, "luca").await;
    let ticket = |api: &Api| {
        let api_client = api.client.clone();
        let url = format!("{}/api/sync/events-ticket", api.base);
        let token = api.token.clone();
        async move {
            let v: Value = api_client
                .post(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            v["ticket"].as_str().unwrap().to_string()
        }
    };
    let mut mine = reqwest::get(s.url(&format!("/api/sync/events?ticket={}", ticket(&api).await)))
        .await
        .unwrap();
    assert_eq!(mine.status(), 200);
    assert_eq!(next_feed_event(&mut mine).await, "0");
    let mut theirs =
        reqwest::get(s.url(&format!("/api/sync/events?ticket={}", ticket(&luca).await)))
            .await
            .unwrap();
    assert_eq!(next_feed_event(&mut theirs).await, "0");

    let mut d = api.doc(&contact_for(&marta, 11));
    api.push(&mut [&mut d]).await;
    // The position of Marta's team's feed, as her pulls see it.
    let head = api.pull_ok(0, 0).await.head;
    assert_eq!(next_feed_event(&mut mine).await, head.to_string());
    // Luca's team heard nothing.
    let quiet = tokio::time::timeout(std::time::Duration::from_millis(300), theirs.chunk()).await;
    assert!(
        quiet.is_err()
            || !String::from_utf8_lossy(&quiet.unwrap().unwrap().unwrap_or_default())
                .contains("feed")
    );

    let bad = reqwest::get(s.url("/api/sync/events?ticket=forged"))
        .await
        .unwrap();
    assert_eq!(bad.status(), 401);
}

#[tokio::test]
async fn a_panic_on_one_document_fails_that_document_only() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let (a, b) = (contact_for(&marta, 20), contact_for(&marta, 22));
    let boom = ContactDoc {
        note: "STRADA-INJECT-PANIC".into(),
        ..contact_for(&marta, 21)
    };
    let (mut da, mut db, mut dboom) = (api.doc(&a), api.doc(&b), api.doc(&boom));
    let res = api.push(&mut [&mut da, &mut dboom, &mut db]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));
    assert!(
        matches!(&res.results[1].outcome, PushOutcome::Refused { reason, .. } if reason.contains("could not process"))
    );
    assert!(matches!(
        res.results[2].outcome,
        PushOutcome::Accepted { .. }
    ));
    assert!(dboom.is_pending());
    assert!(s.store.doc(boom.id).unwrap().is_none());
    // The server goes on for everyone.
    let other = Api::login(&s, "marta").await;
    let mut dc = other.doc(&contact_for(&marta, 23));
    let res = other.push(&mut [&mut dc]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));
}

/// Fuzz-style: garbage, truncated and mutated sync messages in both encodings get a 4xx
/// (or a harmless empty answer), never a 5xx, a panic or a stored change. Mutated
/// changes come raw, with their checksum recomputed (so they reach past it), and in
/// automerge's compressed form; with decompression bombs and long histories (issue 9).
/// After every case a teammate's incremental pull still answers: nothing stored fails to
/// load back.
#[test]
fn garbage_and_truncated_sync_messages_never_store_anything() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use strada_shared::sync::{PushDoc, PushRequest, SYNC_CONTENT_TYPE, encode};

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (s, api, teammate, cursor, c, valid, head, before) = rt.block_on(async {
        let s = TestServer::start().await;
        let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
        s.add_user("anna", Role::FieldWorker, "bergamo-1");
        let api = Api::login(&s, "marta").await;
        let teammate = Api::login(&s, "anna").await;
        let c = contact_for(&marta, 30);
        let mut d = api.doc(&c);
        api.push(&mut [&mut d]).await;
        let cursor = teammate.pull_ok(0, 0).await.cursor;
        let edited = ContactDoc {
            note: "an edit".into(),
            ..c.clone()
        };
        strada_shared::schema::update(&mut d.doc, &edited).unwrap();
        let (entry, _) = d.push_entry();
        let valid = encode(&PushRequest { docs: vec![entry] });
        let head = s.store.feed_head().unwrap();
        let before = s.store.doc(c.id).unwrap().unwrap().bytes;
        (s, api, teammate, cursor, c, valid, head, before)
    });
    let valid_changes = {
        let req: PushRequest = strada_shared::sync::decode(&valid).unwrap();
        req.docs[0].changes.0.clone()
    };
    // A history over the bound, as a whole document.
    let long = {
        let marta = s.store.user_by_name("marta").unwrap().unwrap();
        let other = contact_for(&marta, 31);
        let mut doc = strada_shared::schema::create(api.actor.clone(), &other).unwrap();
        for i in 0..strada_shared::sync::MAX_DOC_CHANGES + 500 {
            use automerge::transaction::Transactable;
            doc.put(automerge::ROOT, "x", i as i64).unwrap();
            doc.commit();
        }
        (other.id, doc.save())
    };
    let push_of = |id, changes: Vec<u8>| {
        encode(&PushRequest {
            docs: vec![PushDoc {
                id,
                doc_type: strada_shared::schema::DocType::Contact,
                changes: strada_shared::sync::Bytes(changes),
                generation: 0,
            }],
        })
    };
    // Fresh documents for mutated edits, so that one accepted variant of an edit does not
    // turn every later variant into a conflict: (id, creation, its next edit).
    let fresh: Vec<_> = {
        let marta = s.store.user_by_name("marta").unwrap().unwrap();
        (100..164u8)
            .map(|n| {
                let other = contact_for(&marta, n);
                let mut d = api.doc(&other);
                let created = d.doc.save();
                let heads = d.doc.get_heads();
                let edited = ContactDoc {
                    note: "an edit".into(),
                    ..other.clone()
                };
                strada_shared::schema::update(&mut d.doc, &edited).unwrap();
                (other.id, created, d.doc.save_after(&heads))
            })
            .collect()
    };
    let id = c.id;
    let bodies = prop_oneof![
        1 => proptest::collection::vec(any::<u8>(), 0..400).prop_map(|b| ("push", b)),
        1 => (0..valid.len()).prop_map({
            let v = valid.clone();
            move |cut| ("push", v[..cut].to_vec())
        }),
        1 => (0..valid_changes.len(), any::<u8>()).prop_map({
            let ch = valid_changes.clone();
            move |(i, x)| {
                let mut bad = ch.clone();
                bad[i] ^= x | 1;
                bad.truncate(bad.len() - (i % 3));
                ("push", push_of(id, bad))
            }
        }),
        // One byte changed, with the checksum a client would compute: past the checksum,
        // into automerge (about one in twenty-five such changes once stored a document
        // that did not load back).
        4 => (0..fresh.len(), any::<u16>(), any::<u8>()).prop_map({
            let fresh = fresh.clone();
            move |(k, at, x)| {
                let (doc, created, edit) = &fresh[k];
                let mut bad = edit.clone();
                // Half of them in the op columns (the last 40 bytes), where a change stays
                // applicable most often.
                let at = usize::from(at);
                let i = if at % 2 == 0 {
                    9 + at / 2 % (edit.len() - 9)
                } else {
                    edit.len() - 1 - at / 2 % 40
                };
                bad[i] = x;
                let bad = chunks::recheck(&bad).unwrap_or(bad);
                ("push", push_of(*doc, [created.as_slice(), &bad].concat()))
            }
        }),
        // Compressed: the body mutated before compression, or the compressed bytes.
        2 => (0..fresh.len(), any::<u16>(), any::<u8>(), any::<bool>()).prop_map({
            let fresh = fresh.clone();
            move |(k, at, x, after)| {
                let (doc, created, edit) = &fresh[k];
                let mut plain = edit.clone();
                if !after {
                    // In the body: its length must stay valid to be compressed.
                    let start = edit.len() - chunks::split(edit).1.len();
                    plain[start + usize::from(at) % (edit.len() - start)] = x;
                }
                let plain = chunks::recheck(&plain).unwrap_or(plain);
                let mut packed = chunks::compressed(&plain);
                if after {
                    let i = 9 + usize::from(at) % (packed.len() - 9);
                    packed[i] ^= x | 1;
                }
                ("push", push_of(*doc, [created.as_slice(), &packed].concat()))
            }
        }),
        // Decompression bombs of every size around the bound.
        1 => (0u32..8).prop_map(move |k| {
            let len = (strada_shared::sync::MAX_DOC_DECODED_BYTES as usize >> 2) << k;
            let bomb = if k % 2 == 0 {
                chunks::change_bomb(len)
            } else {
                chunks::document_bomb(len)
            };
            ("push", push_of(id, bomb))
        }),
        // A long history, whole, truncated or mutated (checksum fixed).
        1 => (any::<u16>(), any::<u8>(), 0u8..3).prop_map({
            let (long_id, long) = long.clone();
            move |(at, x, how)| {
                let mut bytes = long.clone();
                let i = 9 + usize::from(at) % (bytes.len() - 9);
                match how {
                    0 => {}
                    1 => bytes.truncate(i),
                    _ => {
                        bytes[i] ^= x | 1;
                        bytes = chunks::recheck(&bytes).unwrap_or(bytes);
                    }
                }
                ("push", push_of(long_id, bytes))
            }
        }),
        1 => proptest::collection::vec(any::<u8>(), 0..64).prop_map(|b| ("pull", b)),
        1 => "\\PC{0,80}".prop_map(|t| ("json", t.into_bytes())),
    ];
    // A fixed seed: the same 400 cases every run, so a regression always shows.
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 400,
            ..Config::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    runner
        .run(&bodies, |(kind, body)| {
            let (status, pulled) = rt.block_on(async {
                let (path, ct) = match kind {
                    "push" => ("/api/sync/push", SYNC_CONTENT_TYPE),
                    "pull" => ("/api/sync/pull", SYNC_CONTENT_TYPE),
                    _ => ("/api/sync/push", "application/json"),
                };
                let status = api
                    .client
                    .post(format!("{}{path}", api.base))
                    .bearer_auth(&api.token)
                    .header("content-type", ct)
                    .body(body)
                    .send()
                    .await
                    .unwrap()
                    .status();
                (status, teammate.pull(cursor, cursor).await.status())
            });
            prop_assert!(!status.is_server_error(), "server error {status}");
            prop_assert_eq!(pulled, StatusCode::OK);
            Ok(())
        })
        .unwrap();
    // A mutated change may still be a valid automerge change the server accepts as an
    // edit only if it passes every check; garbage never lands. Whatever was stored is
    // either untouched or a valid contact that loads back.
    let stored = s.store.doc(c.id).unwrap().unwrap();
    if s.store.feed_head().unwrap() == head {
        assert_eq!(stored.bytes, before);
    }
    assert!(s.store.quarantined_ids().unwrap().is_empty());
    for id in s.store.doc_ids().unwrap() {
        assert!(
            id == c.id || fresh.iter().any(|f| f.0 == id),
            "{id} was stored"
        );
        let stored = s.store.doc(id).unwrap().unwrap();
        let doc = automerge::AutoCommit::load(&stored.bytes).unwrap();
        assert!(strada_shared::schema::read::<ContactDoc>(&doc).is_ok());
    }
}

#[tokio::test]
async fn a_referral_status_only_moves_along_its_lifecycle() {
    use strada_shared::schema::{ReferralDoc, ReferralStatus};
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let contact = contact_for(&marta, 40);
    // The contact the referral refers to is on the server first.
    let mut cd = api.doc(&contact);
    api.push(&mut [&mut cd]).await;
    let r = ReferralDoc {
        id: strada_shared::ids::DocId::new_v7(1_760_000_000_041, [41; 10]),
        contact: contact.id,
        need: strada_shared::domain::NeedCategory::Shelter,
        partner: "Dormitorio sintetico di Bergamo".into(),
        status: ReferralStatus::Proposed,
        outcome: String::new(),
        author: marta.id,
        team: marta.team.clone(),
        created_at: 1_760_000_000_000,
        service_id: None,
        person_id: None,
        history: Vec::new(),
    };
    let mut d = strada_shared::sync::device::DeviceDoc::new(
        r.id,
        strada_shared::schema::DocType::Referral,
        strada_shared::schema::create(api.actor.clone(), &r).unwrap(),
    );
    let res = api.push(&mut [&mut d]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));

    // proposed → sent: fine.
    strada_shared::schema::update(
        &mut d.doc,
        &ReferralDoc {
            status: ReferralStatus::Sent,
            ..r.clone()
        },
    )
    .unwrap();
    let res = api.push(&mut [&mut d]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));

    // sent → attended skips "accepted": refused with the reason, and stays on the device.
    strada_shared::schema::update(
        &mut d.doc,
        &ReferralDoc {
            status: ReferralStatus::Attended,
            ..r.clone()
        },
    )
    .unwrap();
    let res = api.push(&mut [&mut d]).await;
    assert!(
        matches!(&res.results[0].outcome, PushOutcome::Refused { reason, .. } if reason.contains("sent → attended")),
        "{:?}",
        res.results[0].outcome
    );
    assert!(d.is_pending());
    let stored = s.store.doc(r.id).unwrap().unwrap();
    let doc = automerge::AutoCommit::load(&stored.bytes).unwrap();
    assert_eq!(
        strada_shared::schema::read::<ReferralDoc>(&doc)
            .unwrap()
            .status,
        ReferralStatus::Sent
    );
    // Referrals reach the team's devices.
    let page: Value = api
        .post_json("/api/sync/pull", &json!({"cursor": 0}))
        .await
        .json()
        .await
        .unwrap();
    assert!(
        page["docs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["doc_type"] == "referral")
    );
}

#[tokio::test]
async fn concurrent_referral_moves_are_both_accepted_and_the_fork_is_decided_once() {
    use strada_shared::schema::referral::StatusChange;
    use strada_shared::schema::{DocType, ReferralDoc, ReferralStatus};
    use strada_shared::sync::device::DeviceDoc;
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let ahmed = s.add_user("ahmed", Role::FieldWorker, "bergamo-1");
    let phone_m = Api::login(&s, "marta").await;
    let phone_a = Api::login(&s, "ahmed").await;
    let contact = contact_for(&marta, 44);
    let mut cd = phone_m.doc(&contact);
    phone_m.push(&mut [&mut cd]).await;
    let mut r = ReferralDoc {
        id: strada_shared::ids::DocId::new_v7(1_760_000_000_045, [45; 10]),
        contact: contact.id,
        need: strada_shared::domain::NeedCategory::Shelter,
        partner: "Dormitorio sintetico di Bergamo".into(),
        status: ReferralStatus::Proposed,
        outcome: String::new(),
        author: marta.id,
        team: marta.team.clone(),
        created_at: 1_760_000_000_000,
        service_id: None,
        person_id: None,
        history: Vec::new(),
    };
    assert!(r.move_to(ReferralStatus::Sent, 1_760_000_100_000, marta.id));
    let mut dm = DeviceDoc::new(
        r.id,
        DocType::Referral,
        strada_shared::schema::create(phone_m.actor.clone(), &r).unwrap(),
    );
    let accepted = |res: &strada_shared::sync::PushResponse| {
        matches!(res.results[0].outcome, PushOutcome::Accepted { .. })
    };
    assert!(accepted(&phone_m.push(&mut [&mut dm]).await));
    // Ahmed's phone holds the same version (as after a pull).
    let mut da = DeviceDoc::new(
        r.id,
        DocType::Referral,
        dm.doc.fork().with_actor(phone_a.actor.clone()),
    );
    da.acked = dm.acked.clone();
    let stored = |s: &TestServer| -> ReferralDoc {
        let d = s.store.doc(r.id).unwrap().unwrap();
        strada_shared::schema::read(&automerge::AutoCommit::load(&d.bytes).unwrap()).unwrap()
    };

    // Apart: Ahmed marks it accepted, Marta declined. Both pushes are accepted.
    let mut ra: ReferralDoc = strada_shared::schema::read(&da.doc).unwrap();
    assert!(ra.move_to(ReferralStatus::Accepted, 1_760_000_200_000, ahmed.id));
    strada_shared::schema::update(&mut da.doc, &ra).unwrap();
    assert!(accepted(&phone_a.push(&mut [&mut da]).await));
    let mut rm: ReferralDoc = strada_shared::schema::read(&dm.doc).unwrap();
    assert!(rm.move_to(ReferralStatus::Declined, 1_760_000_300_000, marta.id));
    strada_shared::schema::update(&mut dm.doc, &rm).unwrap();
    let res = phone_m.push(&mut [&mut dm]).await;
    assert!(accepted(&res), "{:?}", res.results[0].outcome);

    // The server holds both moves and the fork.
    let merged = stored(&s);
    assert_eq!(merged.history.len(), 3);
    let fork = merged.conflict().expect("the fork is kept");
    assert_eq!(fork.from, ReferralStatus::Sent);
    assert_eq!(fork.options.len(), 2);

    // A move in someone else's name, a removed move, a choice where nothing forked:
    // refused, nothing stored changes.
    phone_m.take_snapshots(&mut [&mut dm]).await;
    let base: ReferralDoc = strada_shared::schema::read(&dm.doc).unwrap();
    let forged = ReferralDoc {
        history: [
            base.history.clone(),
            vec![StatusChange {
                status: ReferralStatus::Accepted,
                at: 1_760_000_400_000,
                by: ahmed.id,
                from: Some(ReferralStatus::Sent),
                round: 1,
            }],
        ]
        .concat(),
        ..base.clone()
    };
    for (bad, code) in [
        (forged, RefusalCode::NotAuthor),
        (
            ReferralDoc {
                history: base.history[..2].to_vec(),
                ..base.clone()
            },
            RefusalCode::Lifecycle,
        ),
    ] {
        let mut d = DeviceDoc::new(
            r.id,
            DocType::Referral,
            dm.doc.fork().with_actor(phone_m.actor.clone()),
        );
        d.acked = dm.acked.clone();
        strada_shared::schema::update(&mut d.doc, &bad).unwrap();
        let res = phone_m.push(&mut [&mut d]).await;
        assert!(
            matches!(&res.results[0].outcome, PushOutcome::Refused { code: c, .. } if *c == code),
            "{:?}",
            res.results[0].outcome
        );
    }
    assert_eq!(stored(&s), merged);

    // Marta chooses "accepted": one decision, and the fork is closed for everyone.
    let mut decided = base.clone();
    assert!(decided.resolve(ReferralStatus::Accepted, 1_760_000_500_000, marta.id));
    strada_shared::schema::update(&mut dm.doc, &decided).unwrap();
    assert!(accepted(&phone_m.push(&mut [&mut dm]).await));
    let now = stored(&s);
    assert_eq!(now.conflict(), None);
    assert_eq!(now.status, ReferralStatus::Accepted);
    // Moving on from the decided status is an ordinary step.
    let mut next = now;
    assert!(next.move_to(ReferralStatus::Attended, 1_760_000_600_000, marta.id));
    strada_shared::schema::update(&mut dm.doc, &next).unwrap();
    assert!(accepted(&phone_m.push(&mut [&mut dm]).await));
    assert_eq!(stored(&s).status, ReferralStatus::Attended);
}

#[tokio::test]
async fn a_device_behind_by_one_edit_pulls_only_the_changes() {
    use strada_shared::sync::{PullResponse, SYNC_CONTENT_TYPE, decode};
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let c = contact_for(&marta, 50);
    let mut d = phone.doc(&c);
    phone.push(&mut [&mut d]).await;
    let pull = |cursor: u64| {
        let client = phone.client.clone();
        let url = format!("{}/api/sync/pull", phone.base);
        let token = phone.token.clone();
        async move {
            let bytes = client
                .post(url)
                .bearer_auth(token)
                .header("content-type", SYNC_CONTENT_TYPE)
                .header("accept", SYNC_CONTENT_TYPE)
                .body(strada_shared::sync::encode(
                    &strada_shared::sync::PullRequest {
                        cursor,
                        since: None,
                    },
                ))
                .send()
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap();
            decode::<PullResponse>(&bytes).unwrap()
        }
    };
    // A new device starts from a compact snapshot.
    let first = pull(0).await;
    assert!(first.docs[0].snapshot);
    let snapshot_len = first.docs[0].data.0.len();

    strada_shared::schema::update(
        &mut d.doc,
        &ContactDoc {
            note: "second meeting".into(),
            ..c.clone()
        },
    )
    .unwrap();
    phone.push(&mut [&mut d]).await;
    let next = pull(first.cursor).await;
    assert_eq!(next.docs.len(), 1);
    assert!(
        !next.docs[0].snapshot,
        "a device that had the document gets only the changes"
    );
    assert!(
        next.docs[0].data.0.len() < snapshot_len / 2,
        "{} vs {snapshot_len}",
        next.docs[0].data.0.len()
    );
    // Applying them brings the device to the server's heads.
    let mut other = strada_shared::sync::device::DeviceDoc::from_pulled(
        &first.docs[0],
        automerge::ActorId::random(),
    )
    .unwrap();
    other.merge_pulled(&next.docs[0]).unwrap();
    assert_eq!(other.doc.get_heads(), d.doc.get_heads());
    // Nothing new: an empty page.
    let idle = pull(next.cursor).await;
    assert!(idle.docs.is_empty() && !idle.more && idle.cursor == next.cursor);
}

#[tokio::test]
async fn a_person_is_kept_only_with_consent_and_a_withdrawal_empties_it() {
    use strada_shared::domain::DocumentStatus;
    use strada_shared::schema::{Consent, DocType, PersonDoc};
    use strada_shared::vocab::{ConsentStatus, Gender};
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let person = |seed: u8, status: ConsentStatus| PersonDoc {
        id: strada_shared::ids::DocId::new_v7(1_760_000_000_000 + seed as u64, [seed; 10]),
        aliases: vec![format!("Synthetic person {seed}"), "محمد".into()],
        birth_year: Some(1990),
        birth_year_estimated: true,
        gender: Gender::Man,
        country: "Synthetic country".into(),
        languages: vec!["ar".into()],
        phone: None,
        documents: DocumentStatus::NoDocument,
        usual_place: "Synthetic road".into(),
        consent: Consent {
            status,
            at: 1_760_000_000_000,
            recorded_by: marta.id,
            partners: vec![],
        },
        author: marta.id,
        team: marta.team.clone(),
        created_at: 1_760_000_000_000,
        merged_into: None,
    };
    let push = |p: &PersonDoc| {
        strada_shared::sync::device::DeviceDoc::new(
            p.id,
            DocType::Person,
            strada_shared::schema::create(api.actor.clone(), p).unwrap(),
        )
    };
    // Refused consent with identifying data: refused, nothing stored.
    let refused = person(60, ConsentStatus::Refused);
    let mut d = push(&refused);
    let res = api.push(&mut [&mut d]).await;
    assert!(
        matches!(
            &res.results[0].outcome,
            PushOutcome::Refused {
                code: strada_shared::sync::RefusalCode::ConsentRequired,
                ..
            }
        ),
        "{:?}",
        res.results[0].outcome
    );
    assert!(s.store.doc(refused.id).unwrap().is_none());

    // Consent given: stored, and a contact may name the person.
    let given = person(61, ConsentStatus::Given);
    let mut d = push(&given);
    let res = api.push(&mut [&mut d]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));
    let named = ContactDoc {
        person: PersonRef::Alias("Synthetic person 61".into()),
        person_id: Some(given.id),
        ..contact_for(&marta, 62)
    };
    let mut named_doc = api.doc(&named);
    let res = api.push(&mut [&mut named_doc]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));

    // A second device still holding the old state edits an alias offline; meanwhile the
    // first device records the withdrawal. The withdrawal is accepted and the late edit,
    // merged, would bring identifying data back: it is refused.
    let tablet = Api::login(&s, "marta").await;
    let mut late = strada_shared::sync::device::DeviceDoc::new(
        given.id,
        DocType::Person,
        automerge::AutoCommit::load(&d.doc.save())
            .unwrap()
            .with_actor(tablet.actor.clone()),
    );
    let mut withdrawn = given.clone();
    withdrawn.withdraw_consent(1_760_000_500_000, marta.id);
    strada_shared::schema::update(&mut d.doc, &withdrawn).unwrap();
    let res = api.push(&mut [&mut d]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));
    // The server rewrote the person without its history: one change, the erased values
    // nowhere in the stored document, generation 1.
    let stored = s.store.doc(given.id).unwrap().unwrap();
    let mut doc = automerge::AutoCommit::load(&stored.bytes).unwrap();
    let back: PersonDoc = strada_shared::schema::read(&doc).unwrap();
    assert!(!back.has_identifying_data());
    assert_eq!(back.consent.status, ConsentStatus::Withdrawn);
    assert_eq!(doc.get_changes(&[]).len(), 1, "no history left");
    assert_eq!(stored.meta.generation, 1);
    let mut edited = given.clone();
    edited.aliases.push("late alias".into());
    strada_shared::schema::update(&mut late.doc, &edited).unwrap();
    let res = tablet.push(&mut [&mut late]).await;
    let refused_with = |outcome: &PushOutcome, want: strada_shared::sync::RefusalCode| {
        assert!(
            matches!(outcome, PushOutcome::Refused { code, .. } if *code == want),
            "{outcome:?}"
        );
    };
    // The tablet's edit belongs to the erased history: refused, and the tablet takes the
    // server's version whole (the alias it typed goes with its old history).
    refused_with(
        &res.results[0].outcome,
        strada_shared::sync::RefusalCode::Replaced,
    );
    tablet.take_snapshots(&mut [&mut late]).await;
    assert_eq!(late.generation, 1);
    assert_eq!(late.doc.get_changes(&[]).len(), 1);
    assert!(!late.is_pending());
    // On the new generation, bringing identifying data back is refused as before.
    let mut named_again = withdrawn.clone();
    named_again.aliases.push("late alias".into());
    strada_shared::schema::update(&mut late.doc, &named_again).unwrap();
    let res = tablet.push(&mut [&mut late]).await;
    refused_with(
        &res.results[0].outcome,
        strada_shared::sync::RefusalCode::ConsentRequired,
    );
    assert_eq!(s.store.doc(given.id).unwrap().unwrap().bytes, stored.bytes);

    // The withdrawal reached the contact that named the person, though it was not in
    // the withdrawal's push: rewritten without the alias and its history.
    let stored = s.store.doc(named.id).unwrap().unwrap();
    let mut doc = automerge::AutoCommit::load(&stored.bytes).unwrap();
    let back: ContactDoc = strada_shared::schema::read(&doc).unwrap();
    assert_eq!(back.person, PersonRef::Anonymous);
    assert_eq!(back.person_id, Some(given.id));
    assert_eq!(back.consent, ConsentStatus::Withdrawn);
    assert_eq!(doc.get_changes(&[]).len(), 1);
    assert_eq!(stored.meta.generation, 1);
    assert_eq!(
        s.store.contact_record(named.id).unwrap().unwrap().person,
        PersonRef::Anonymous
    );
    // An edit of its old version belongs to the erased history: the phone takes the
    // server's version.
    let mut still_named = named.clone();
    still_named.note = "edited after the withdrawal".into();
    strada_shared::schema::update(&mut named_doc.doc, &still_named).unwrap();
    let res = api.push(&mut [&mut named_doc]).await;
    refused_with(
        &res.results[0].outcome,
        strada_shared::sync::RefusalCode::Replaced,
    );
    // A contact logged offline on the tablet before the withdrawal reached it is kept,
    // as the withdrawal would have left it: anonymous, still linked to the person.
    let late_contact = ContactDoc {
        person: PersonRef::Alias("Synthetic person 61".into()),
        person_id: Some(given.id),
        note: "Synthetic person 61 works nights".into(),
        ..contact_for(&marta, 63)
    };
    let mut late_doc = tablet.doc(&late_contact);
    let res = tablet.push(&mut [&mut late_doc]).await;
    assert!(
        matches!(res.results[0].outcome, PushOutcome::Accepted { .. }),
        "{:?}",
        res.results[0].outcome
    );
    let stored = s.store.doc(late_contact.id).unwrap().unwrap();
    let back: ContactDoc =
        strada_shared::schema::read(&automerge::AutoCommit::load(&stored.bytes).unwrap()).unwrap();
    assert_eq!(back.person, PersonRef::Anonymous);
    assert_eq!(back.note, "[…] works nights");
    assert_eq!(stored.meta.generation, 1);
    // A device pulling afterwards gets the rewritten documents as snapshots of the new
    // generation, whatever it held before.
    let pulled: strada_shared::sync::PullResponse = tablet
        .post_json("/api/sync/pull", &json!({ "cursor": 0 }))
        .await
        .json()
        .await
        .unwrap();
    for id in [given.id, named.id] {
        let p = pulled.docs.iter().find(|p| p.id == id).unwrap();
        assert!(p.snapshot && p.generation == 1);
    }
}

/// Found by the device benchmark: during a paged first pull, a document created early and
/// edited later had moved past the pages read so far; the server computed its changes from
/// the page cursor as if the device held it, and the device could not apply them.
#[tokio::test]
async fn a_paged_first_pull_brings_every_document_even_one_edited_meanwhile() {
    use strada_shared::sync::{PullRequest, PullResponse, SYNC_CONTENT_TYPE, decode, encode};
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    // More documents than one pull page holds (200).
    let contacts: Vec<_> = (0..=250u8).map(|n| contact_for(&marta, n)).collect();
    let mut docs: Vec<_> = contacts.iter().map(|c| phone.doc(c)).collect();
    let mut refs: Vec<&mut _> = docs.iter_mut().collect();
    phone.push(&mut refs).await;
    // The first document is edited: its feed entry moves to the end.
    let edited = ContactDoc {
        note: "edited later".into(),
        ..contacts[0].clone()
    };
    strada_shared::schema::update(&mut docs[0].doc, &edited).unwrap();
    phone.push(&mut [&mut docs[0]]).await;

    // A new phone of the same team pulls page by page from nothing.
    let tablet = Api::login(&s, "marta").await;
    let mut held = std::collections::HashMap::new();
    let mut cursor = 0;
    loop {
        let bytes = tablet
            .client
            .post(format!("{}/api/sync/pull", tablet.base))
            .bearer_auth(&tablet.token)
            .header("content-type", SYNC_CONTENT_TYPE)
            .header("accept", SYNC_CONTENT_TYPE)
            .body(encode(&PullRequest {
                cursor,
                since: Some(0),
            }))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let page: PullResponse = decode(&bytes).unwrap();
        for p in &page.docs {
            let d = strada_shared::sync::device::DeviceDoc::from_pulled(p, tablet.actor.clone())
                .expect("a device that never had the document receives all of it");
            held.insert(p.id, d);
        }
        cursor = page.cursor;
        assert!(page.head >= cursor);
        if !page.more {
            break;
        }
    }
    assert_eq!(held.len(), contacts.len());
    let first = &held[&contacts[0].id];
    let back: ContactDoc = strada_shared::schema::read(&first.doc).unwrap();
    assert_eq!(back.note, "edited later");
}

#[tokio::test]
async fn every_wire_version_still_in_use_syncs_and_each_reads_its_own_answers() {
    use strada_shared::sync::{
        PullResponse, PushDoc, PushRequest, PushResponse, WireVersion, decode_as, encode_as,
    };
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let call = |path: &'static str, version: WireVersion, body: Vec<u8>| {
        let client = phone.client.clone();
        let url = s.url(path);
        let token = phone.token.clone();
        async move {
            client
                .post(url)
                .bearer_auth(token)
                .header("content-type", version.media_type())
                .header("accept", version.media_type())
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    // Version 2 (this app) pushes a contact.
    let c = contact_for(&marta, 60);
    let mut d = phone.doc(&c);
    let (entry, _) = d.push_entry();
    let res = call(
        "/api/sync/push",
        WireVersion::V2,
        encode_as(WireVersion::V2, &PushRequest { docs: vec![entry] }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        WireVersion::V2.media_type(),
        "answered in the version asked"
    );
    let answer: PushResponse = decode_as(WireVersion::V2, &res.bytes().await.unwrap()).unwrap();
    assert!(matches!(
        answer.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));
    // Version 1 (a phone that has not updated) pulls it.
    let res = call(
        "/api/sync/pull",
        WireVersion::V1,
        encode_as(
            WireVersion::V1,
            &strada_shared::sync::PullRequest {
                cursor: 0,
                since: None,
            },
        ),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page: PullResponse = decode_as(WireVersion::V1, &res.bytes().await.unwrap()).unwrap();
    assert_eq!(page.docs.len(), 1);
    // Version 3 leaves the heads out of whole documents (they are in the document);
    // versions 1 and 2 still get them.
    assert!(page.docs[0].snapshot && !page.docs[0].heads.0.is_empty());
    for (version, bare) in [(WireVersion::V3, true), (WireVersion::V2, false)] {
        let req = strada_shared::sync::PullRequest {
            cursor: 0,
            since: None,
        };
        let res = call("/api/sync/pull", version, encode_as(version, &req)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], version.media_type());
        let page: PullResponse = decode_as(version, &res.bytes().await.unwrap()).unwrap();
        assert!(page.docs[0].snapshot);
        assert_eq!(page.docs[0].heads.0.is_empty(), bare, "{version:?}");
    }

    // A document with too long a history: version 2 hears `too_large`, version 1 a code
    // it knows.
    let mut long = automerge::AutoCommit::new().with_actor(phone.actor.clone());
    for i in 0..(strada_shared::sync::MAX_DOC_CHANGES + 1) {
        automerge::transaction::Transactable::put(&mut long, automerge::ROOT, "n", i as i64)
            .unwrap();
        long.commit();
    }
    let push = PushRequest {
        docs: vec![PushDoc {
            id: strada_shared::ids::DocId::new_v7(1_760_000_000_061, [61; 10]),
            doc_type: strada_shared::schema::DocType::Contact,
            changes: strada_shared::sync::Bytes(long.save()),
            generation: 0,
        }],
    };
    for (version, code) in [
        (WireVersion::V2, RefusalCode::TooLarge),
        (WireVersion::V1, RefusalCode::Schema),
    ] {
        let res = call("/api/sync/push", version, encode_as(version, &push)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let answer: PushResponse = decode_as(version, &res.bytes().await.unwrap()).unwrap();
        assert!(
            matches!(&answer.results[0].outcome, PushOutcome::Refused { code: c, .. } if *c == code),
            "{version:?}: {:?}",
            answer.results[0].outcome
        );
    }
    // A version this server does not speak: 415 with a code the app falls back on.
    let res = phone
        .client
        .post(s.url("/api/sync/pull"))
        .bearer_auth(&phone.token)
        .header("content-type", "application/x-strada-sync; v=9")
        .body(vec![0])
        .send()
        .await
        .unwrap();
    let (st, code, _) = error_code(res).await;
    assert_eq!(
        (st, code.as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_wire_version"
        )
    );
}

#[tokio::test]
async fn a_first_sync_comes_as_one_stream_of_pages_and_a_cut_stream_resumes_from_its_last_page() {
    use strada_shared::sync::{PullRequest, PullResponse, WireVersion, decode_as, encode_as};
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    // 450 contacts: three pages of at most 200.
    let mut docs: Vec<_> = (0..450u32)
        .map(|i| {
            let mut c = contact_for(&marta, (i % 250) as u8);
            c.id = strada_shared::ids::DocId::new_v7(1_760_000_000_000 + i as u64, [7; 10]);
            phone.doc(&c)
        })
        .collect();
    for chunk in docs.chunks_mut(100) {
        let mut refs: Vec<&mut _> = chunk.iter_mut().collect();
        phone.push(&mut refs).await;
    }
    let fresh = Api::login(&s, "marta").await;
    let open_as = |cursor: u64, accept_encoding: &'static str| {
        let client = fresh.client.clone();
        let url = s.url("/api/sync/pull-stream");
        let token = fresh.token.clone();
        async move {
            let v = WireVersion::V2;
            client
                .post(url)
                .bearer_auth(token)
                .header("content-type", v.media_type())
                .header("accept", v.media_type())
                .header("accept-encoding", accept_encoding)
                .body(encode_as(
                    v,
                    &PullRequest {
                        cursor,
                        since: Some(cursor),
                    },
                ))
                .send()
                .await
                .unwrap()
        }
    };
    let open = |cursor: u64| open_as(cursor, "identity");
    // Reads whole frames; stops after `max` pages (a cut) or at the stream's end.
    async fn frames(mut res: reqwest::Response, max: usize) -> Vec<PullResponse> {
        let mut buf: Vec<u8> = Vec::new();
        let mut pages = Vec::new();
        loop {
            while buf.len() >= 4 {
                let len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
                if buf.len() < 4 + len {
                    break;
                }
                pages.push(decode_as(WireVersion::V2, &buf[4..4 + len]).unwrap());
                buf.drain(..4 + len);
                if pages.len() == max {
                    return pages;
                }
            }
            match res.chunk().await.unwrap() {
                Some(c) => buf.extend_from_slice(&c),
                None => {
                    assert!(buf.is_empty(), "the stream ends on a whole page");
                    return pages;
                }
            }
        }
    }
    let res = open(0).await;
    assert_eq!(res.status(), StatusCode::OK);
    let all = frames(res, usize::MAX).await;
    assert_eq!(
        all.iter().map(|p| p.docs.len()).collect::<Vec<_>>(),
        vec![200, 200, 50]
    );
    assert!(
        all.windows(2)
            .all(|w| w[0].cursor < w[1].cursor && w[0].more)
    );
    assert!(!all.last().unwrap().more);

    // A device already up to date (every few seconds) gets its one page as a whole body
    // of known length, not a stream.
    let res = open(all.last().unwrap().cursor).await;
    assert_eq!(res.status(), StatusCode::OK);
    let length = res.content_length();
    let end = frames(res, usize::MAX).await;
    assert_eq!((end.len(), end[0].docs.len(), end[0].more), (1, 0, false));
    assert!(length.is_some_and(|l| l > 4), "{length:?}");

    // Cut after the first page: the device resumes from that page's cursor and gets the
    // rest, nothing twice.
    let first = frames(open(0).await, 1).await;
    let rest = frames(open(first[0].cursor).await, usize::MAX).await;
    let mut ids: Vec<_> = first
        .iter()
        .chain(&rest)
        .flat_map(|p| p.docs.iter().map(|d| d.id))
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!((n, ids.len()), (450, 450));

    // A browser over HTTPS accepts brotli: the same pages, compressed as they go.
    let res = open_as(0, "gzip, deflate, br, zstd").await;
    assert_eq!(res.headers()["content-encoding"], "br");
    let packed = res.bytes().await.unwrap();
    let mut plain = Vec::new();
    brotli::BrotliDecompress(&mut &packed[..], &mut plain).unwrap();
    let mut unpacked = Vec::new();
    let mut at = 0;
    while at < plain.len() {
        let len = u32::from_be_bytes(plain[at..at + 4].try_into().unwrap()) as usize;
        let page: PullResponse = decode_as(WireVersion::V2, &plain[at + 4..at + 4 + len]).unwrap();
        unpacked.push(page);
        at += 4 + len;
    }
    assert_eq!(unpacked, all);
    assert!(
        packed.len() * 4 < plain.len(),
        "{} of {}",
        packed.len(),
        plain.len()
    );
    // A stream cut inside its brotli is known to be cut: the device resumes from its last
    // whole page, as above.
    let cut = &packed[..packed.len() / 2];
    let mut partial = Vec::new();
    assert!(brotli::BrotliDecompress(&mut &cut[..], &mut partial).is_err());

    // JSON clients pull page by page.
    let res = fresh
        .client
        .post(s.url("/api/sync/pull-stream"))
        .bearer_auth(&fresh.token)
        .json(&serde_json::json!({"cursor": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}
