//! Devices that edit offline and sync in different orders converge with the server: the
//! same heads everywhere and the same typed record, also in the central records API; a
//! device pulling through the pull stream gets what a paged pull gets.

use automerge::ActorId;
use strada_server::storage::Store;
use strada_server::testing::TestServer;
use strada_shared::api::ContactRecord;
use strada_shared::domain::{NeedCategory, PersonRef, Role};
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc};
use strada_shared::sync::heads_to_strings;
use strada_testkit::data;
use strada_testkit::device::{Device, PullVia};

async fn device(server: &TestServer, username: &str, actor: u8) -> Device {
    Device::sign_in(
        &server.url(""),
        username,
        &format!("password-{username}"),
        ActorId::from(vec![actor; 16]),
    )
    .await
    .expect("sign in")
}

async fn server_record(server: &TestServer, id: DocId) -> ContactRecord {
    let central = device(server, "centrale", 99).await;
    reqwest::Client::new()
        .get(server.url(&format!("/api/contacts/{id}")))
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
    let mut a = device(&server, "marta", 1).await;
    let mut b = device(&server, "marta", 2).await;

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
    a.sync().await.unwrap();
    b.sync().await.unwrap();
    assert_eq!(b.read::<ContactDoc>(c.id), c);

    // Offline on both devices: concurrent edits of the same field and of different fields,
    // and a new contact on B.
    a.edit(c.id, |c: &mut ContactDoc| c.note = "note from A".into());
    a.edit(c.id, |c: &mut ContactDoc| {
        c.needs.push(NeedCategory::Shelter)
    });
    b.edit(c.id, |c: &mut ContactDoc| c.note = "note from B".into());
    b.edit(c.id, |c: &mut ContactDoc| {
        c.needs.push(NeedCategory::Health)
    });
    let c2 = ContactDoc {
        id: DocId::new_v7(1_760_000_000_001, [5; 10]),
        person: PersonRef::Anonymous,
        ..c.clone()
    };
    b.create(&c2);

    // Each sync is the app's loop: push, then pull.
    let (first, second) = if a_first {
        (&mut a, &mut b)
    } else {
        (&mut b, &mut a)
    };
    first.sync().await.unwrap();
    second.sync().await.unwrap();
    first.sync().await.unwrap();
    // Whatever the order, a second round settles everything.
    a.sync().await.unwrap();
    b.sync().await.unwrap();

    for id in [c.id, c2.id] {
        let stored = server.store.doc(id).unwrap().unwrap().bytes;
        let mut server_doc = automerge::AutoCommit::load(&stored).unwrap();
        let server_heads = heads_to_strings(&server_doc.get_heads());
        assert_eq!(heads_to_strings(&a.heads(id)), server_heads);
        assert_eq!(heads_to_strings(&b.heads(id)), server_heads);
        let server_typed: ContactDoc = schema::read(&server_doc).unwrap();
        assert_eq!(a.read::<ContactDoc>(id), server_typed);
        assert_eq!(b.read::<ContactDoc>(id), server_typed);
        let record = server_record(&server, id).await;
        assert_eq!(record.heads, server_heads);
        assert_eq!(record.needs, server_typed.needs);
        assert_eq!(record.note, server_typed.note);
    }
    let merged = a.read::<ContactDoc>(c.id);
    assert!(
        merged.needs.contains(&NeedCategory::Shelter)
            && merged.needs.contains(&NeedCategory::Health)
    );
    assert!(merged.note == "note from A" || merged.note == "note from B");
    assert!(!a.pending());
    assert!(!b.pending());
}

#[tokio::test]
async fn two_devices_converge_when_a_syncs_first() {
    scenario(true).await;
}

#[tokio::test]
async fn two_devices_converge_when_b_syncs_first() {
    scenario(false).await;
}

#[tokio::test]
async fn a_device_pulling_through_the_stream_gets_every_page_in_one_round_trip() {
    let server = TestServer::start().await;
    server.add_user("marta", Role::FieldWorker, "bergamo-1");
    server.add_user("ahmed", Role::FieldWorker, "bergamo-1");
    let mut writer = device(&server, "marta", 1).await;
    // More than one page of the feed (200 documents a page).
    let n = 450;
    for i in 0..n {
        writer.create(&data::numbered_contact(i, writer.user, &writer.team));
    }
    writer.sync().await.unwrap();

    let mut reader = device(&server, "ahmed", 2).await;
    reader.pull_via = PullVia::Stream;
    let report = reader.sync().await.unwrap();
    let cost = reader.take_counters();
    assert_eq!(report.pulled as u64, n);
    assert!(report.pull_requests > 1, "several pages");
    assert_eq!(cost.round_trips, 1, "one stream carried them all");
    for i in [0, n / 2, n - 1] {
        let id = data::numbered_contact(i, writer.user, &writer.team).id;
        assert_eq!(reader.heads(id), writer.heads(id));
        assert_eq!(reader.read::<ContactDoc>(id), writer.read::<ContactDoc>(id));
    }

    // Nothing new: the next streamed pull is one request that brings nothing.
    let report = reader.sync().await.unwrap();
    assert_eq!((report.pulled, reader.take_counters().round_trips), (0, 1));
    // A change after that comes through a new stream.
    let id = data::numbered_contact(7, writer.user, &writer.team).id;
    writer.edit(id, |c: &mut ContactDoc| c.note = "seen again".into());
    writer.sync().await.unwrap();
    reader.sync().await.unwrap();
    assert_eq!(reader.read::<ContactDoc>(id).note, "seen again");
}
