//! A withdrawal of consent erases the person everywhere the server holds them (issue 9
//! §3): every contact and referral, whoever wrote it and whatever push it came in, the
//! names in their free text, the central records, teammates' phones.

use strada_server::storage::Store;
use strada_server::testing::TestServer;
use strada_shared::domain::{PersonRef, Role};
use strada_shared::schema::{self, ContactDoc, PersonDoc, ReferralDoc};
use strada_shared::sync::RefusalCode;
use strada_shared::sync::device::DeviceDoc;
use strada_shared::vocab::ConsentStatus;

use crate::consent::{accepted, person, referral, refused};
use crate::helpers::{Api, contact_for};

fn read<T: schema::Document>(d: &DeviceDoc) -> T {
    schema::read(&d.doc).unwrap()
}

/// Pulls everything from the start, as a phone's sync does, into `held`.
async fn pull_into(phone: &Api, held: &mut Vec<DeviceDoc>) {
    let page = phone.pull_ok(0, 0).await;
    for p in &page.docs {
        match held.iter_mut().find(|d| d.id == p.id) {
            Some(d) => d.merge_pulled(p).unwrap(),
            None => held.push(DeviceDoc::from_pulled(p, phone.actor.clone()).unwrap()),
        }
    }
}

#[tokio::test]
async fn a_withdrawal_reaches_every_contact_and_referral_of_the_person_on_the_server() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let ahmed = s.add_user("ahmed", Role::FieldWorker, "bergamo-1");
    s.add_user("revisore", Role::Auditor, "pua");
    let phone = Api::login(&s, "marta").await;
    let tablet = Api::login(&s, "ahmed").await;
    // Marta records Karim, a contact and a referral that name him.
    let p = PersonDoc {
        phone: Some("+39 333 1234567".into()),
        ..person(&marta, 1, "Synthetic Karim")
    };
    let c1 = ContactDoc {
        person: PersonRef::Alias("Synthetic Karim".into()),
        person_id: Some(p.id),
        note: "KARIM sleeps in the greenhouse".into(),
        ..contact_for(&marta, 2)
    };
    let r1 = ReferralDoc {
        outcome: "Synthetic Karim took the bus".into(),
        person_id: Some(p.id),
        ..referral(&marta, 3, c1.id)
    };
    let (mut pd, mut cd1, mut rd1) = (phone.typed(&p), phone.doc(&c1), phone.typed(&r1));
    for r in phone.push(&mut [&mut pd, &mut cd1, &mut rd1]).await.results {
        accepted(&r.outcome);
    }
    // Ahmed, her teammate, meets him later under a longer alias, and syncs.
    let c2 = ContactDoc {
        person: PersonRef::Alias("Karim il lungo".into()),
        person_id: Some(p.id),
        note: "karim asked for a shelter, call 333-1234567".into(),
        indicators: vec![(
            strada_shared::vocab::Indicator::Deception,
            "Karim was promised papers".into(),
        )],
        ..contact_for(&ahmed, 4)
    };
    let mut cd2 = tablet.doc(&c2);
    accepted(&tablet.push_one(&mut cd2).await);
    let mut held = vec![cd2];
    pull_into(&tablet, &mut held).await;
    assert_eq!(held.len(), 4);

    // Karim withdraws consent; Marta's phone sends the person only (an older app, or
    // contacts it never held): the server does the rest.
    let mut gone = p.clone();
    gone.withdraw_consent(1_760_000_500_000, marta.id);
    schema::update(&mut pd.doc, &gone).unwrap();
    accepted(&phone.push_one(&mut pd).await);

    for id in [c1.id, c2.id, r1.id] {
        let stored = s.store.doc(id).unwrap().unwrap();
        assert_eq!(stored.meta.generation, 1, "rewritten without its history");
        let text = String::from_utf8_lossy(&stored.bytes).to_lowercase();
        assert!(!text.contains("karim"), "{id} still names him");
        assert!(!text.contains("1234567"), "{id} still holds his phone");
    }
    // The central records name him nowhere.
    let records = serde_json::to_string(&s.store.contact_records().unwrap()).unwrap();
    assert!(!records.to_lowercase().contains("karim"), "{records}");
    // Ahmed's tablet takes the rewritten documents at its next sync.
    pull_into(&tablet, &mut held).await;
    let c2_now: ContactDoc = read(held.iter().find(|d| d.id == c2.id).unwrap());
    assert_eq!(c2_now.person, PersonRef::Anonymous);
    assert_eq!(c2_now.consent, ConsentStatus::Withdrawn);
    assert_eq!(c2_now.person_id, Some(p.id));
    // His phone number goes too, written otherwise than in his record.
    assert_eq!(c2_now.note, "[…] asked for a shelter, call […]");
    assert_eq!(c2_now.indicators[0].1, "[…] was promised papers");
    let c1_now: ContactDoc = read(held.iter().find(|d| d.id == c1.id).unwrap());
    assert_eq!(c1_now.note, "[…] sleeps in the greenhouse");
    let r1_now: ReferralDoc = read(held.iter().find(|d| d.id == r1.id).unwrap());
    assert_eq!(r1_now.outcome, "[…] took the bus");
    // An edit Ahmed made offline to the old version is not merged into the new one.
    let mut late = c2.clone();
    late.note = "karim came back".into();
    let mut old = tablet.doc(&c2);
    schema::update(&mut old.doc, &late).unwrap();
    refused(&tablet.push_one(&mut old).await, RefusalCode::Replaced);
    // The withdrawal and what it rewrote are on record, by id.
    let auditor = Api::login(&s, "revisore").await;
    let page: serde_json::Value = auditor.get("/api/audit").await.json().await.unwrap();
    let entry = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["act"] == "consent_withdrawn")
        .expect("the withdrawal is on record");
    let docs: Vec<String> = serde_json::from_value(entry["docs"].clone()).unwrap();
    for id in [p.id, c1.id, c2.id, r1.id] {
        assert!(docs.contains(&id.to_string()), "{id} in {docs:?}");
    }
}

/// A store from before links were indexed, where a person withdrew consent while a
/// contact still named them: the next start indexes the links once and erases the person
/// from that contact.
#[tokio::test]
async fn a_store_from_before_links_is_indexed_once_and_old_withdrawals_reach_their_contacts() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let p = person(&marta, 1, "Synthetic Salif");
    let c = ContactDoc {
        person: PersonRef::Alias("Synthetic Salif".into()),
        person_id: Some(p.id),
        ..contact_for(&marta, 2)
    };
    let (mut pd, mut cd) = (phone.typed(&p), phone.doc(&c));
    for r in phone.push(&mut [&mut pd, &mut cd]).await.results {
        accepted(&r.outcome);
    }
    let dir = s.stop().await;
    // What an older server left: the person withdrawn and rewritten, the contact not.
    {
        let (store, _) = strada_server::storage::SledStore::open(&dir).unwrap();
        let mut gone = p.clone();
        gone.withdraw_consent(1_760_000_500_000, marta.id);
        let doc = schema::create(strada_server::sync::server_actor(), &gone).unwrap();
        let mut meta = store.doc(p.id).unwrap().unwrap().meta;
        meta.consent = Some(ConsentStatus::Withdrawn);
        meta.generation = 1;
        meta.heads = strada_shared::sync::Heads::new(doc.clone().get_heads());
        store
            .commit_doc(
                p.id,
                &doc.clone().save(),
                &meta,
                &strada_server::storage::Projection::None,
            )
            .unwrap();
        store.forget_links();
    }
    let s = TestServer::start_in(dir).await;
    let stored = s.store.doc(c.id).unwrap().unwrap();
    let back: ContactDoc =
        schema::read(&automerge::AutoCommit::load(&stored.bytes).unwrap()).unwrap();
    assert_eq!(back.person, PersonRef::Anonymous);
    assert_eq!(stored.meta.generation, 1);
    assert!(s.store.links_indexed().unwrap());
    assert_eq!(s.store.linked_to(p.id).unwrap(), vec![c.id]);
}

/// Every regular file under `dir`, with its bytes.
pub(crate) fn files(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let path = e.path();
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() {
            out.extend(files(&path));
        } else if kind.is_file() {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

pub(crate) fn holds(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

/// The canary: an alias typed in a person, a contact (alias and note, edited a few times
/// so that sled holds several versions) and a referral outcome. Once the withdrawal is
/// acknowledged, no file of the data folder holds it, nor the keys it was sealed with.
#[tokio::test]
async fn no_file_of_the_data_folder_holds_an_erased_alias_once_the_withdrawal_is_acknowledged() {
    const CANARY: &str = "Synthetic Canary-Q7XJ";
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let p = person(&marta, 1, CANARY);
    let c = ContactDoc {
        person: PersonRef::Alias(CANARY.into()),
        person_id: Some(p.id),
        note: format!("{CANARY} was at the gate"),
        ..contact_for(&marta, 2)
    };
    let r = ReferralDoc {
        outcome: format!("{CANARY} found a bed"),
        ..referral(&marta, 3, c.id)
    };
    let (mut pd, mut cd, mut rd) = (phone.typed(&p), phone.doc(&c), phone.typed(&r));
    for o in phone.push(&mut [&mut pd, &mut cd, &mut rd]).await.results {
        accepted(&o.outcome);
    }
    for n in 0..3 {
        let edited = ContactDoc {
            note: format!("{CANARY} was at the gate, visit {n}"),
            ..c.clone()
        };
        schema::update(&mut cd.doc, &edited).unwrap();
        accepted(&phone.push_one(&mut cd).await);
    }
    let old_keys: Vec<[u8; 32]> = [p.id, c.id, r.id]
        .iter()
        .map(|id| s.store.doc_key(*id, 0).expect("a live key"))
        .collect();
    // Nothing was ever stored in the clear.
    assert!(
        !files(&s.dir)
            .iter()
            .any(|(_, b)| holds(b, CANARY.as_bytes())),
        "the canary is stored in the clear"
    );

    let mut gone = p.clone();
    gone.withdraw_consent(1_760_000_500_000, marta.id);
    schema::update(&mut pd.doc, &gone).unwrap();
    accepted(&phone.push_one(&mut pd).await);

    // Acknowledged: the old keys are gone from every file, and so is the canary.
    for (path, bytes) in files(&s.dir) {
        assert!(
            !holds(&bytes, CANARY.as_bytes()),
            "{} holds the canary",
            path.display()
        );
        for k in &old_keys {
            assert!(!holds(&bytes, k), "{} holds an erased key", path.display());
        }
    }
    // The documents live on, in their new generation, without the canary.
    for id in [p.id, c.id, r.id] {
        let stored = s.store.doc(id).unwrap().unwrap();
        assert_eq!(stored.meta.generation, 1);
        assert!(!holds(&stored.bytes, b"Canary"));
    }
    // And so after a restart.
    let dir = s.stop().await;
    let s = TestServer::start_in(dir).await;
    assert!(s.store.doc(c.id).unwrap().is_some());
    assert!(
        !files(&s.dir)
            .iter()
            .any(|(_, b)| holds(b, CANARY.as_bytes()))
    );
}

/// The attacker's fourteenth probe: a phone offline at a withdrawal syncs a contact and
/// its referral for the person; the contact came without the name, the referral's
/// outcome kept it (central records, export). Its outcome keeps none of the names the
/// contact called them by; a referral whose contact came in an earlier push (the names
/// unknown by then) loses its outcome whole; neither keeps the name in its history.
#[tokio::test]
async fn a_referral_written_offline_for_a_person_who_withdrew_keeps_no_name() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let p = person(&marta, 40, "Synthetic Yaw");
    let mut pd = phone.typed(&p);
    accepted(&phone.push_one(&mut pd).await);
    let mut gone = p.clone();
    gone.withdraw_consent(1_760_000_500_000, marta.id);
    schema::update(&mut pd.doc, &gone).unwrap();
    accepted(&phone.push_one(&mut pd).await);

    // The phone, offline meanwhile, logged a contact and a referral for him.
    let c = ContactDoc {
        person: PersonRef::Alias("Synthetic Yaw".into()),
        person_id: Some(p.id),
        note: "Yaw again".into(),
        ..contact_for(&marta, 41)
    };
    let r = ReferralDoc {
        outcome: "Yaw received the parcel".into(),
        partner: "Caritas for Yaw".into(),
        person_id: Some(p.id),
        ..referral(&marta, 42, c.id)
    };
    let (mut cd, mut rd) = (phone.doc(&c), phone.typed(&r));
    for res in phone.push(&mut [&mut cd, &mut rd]).await.results {
        accepted(&res.outcome);
    }
    let stored: ReferralDoc = schema::read(
        &automerge::AutoCommit::load(&s.store.doc(r.id).unwrap().unwrap().bytes).unwrap(),
    )
    .unwrap();
    assert_eq!(stored.outcome, "[…] received the parcel");
    assert_eq!(stored.partner, "Caritas for […]");
    // A second referral of that contact, in a later push: the names are not known any
    // more, the outcome goes whole.
    let r2 = ReferralDoc {
        outcome: "Yaw got food".into(),
        person_id: None,
        ..referral(&marta, 43, c.id)
    };
    let mut rd2 = phone.typed(&r2);
    accepted(&phone.push_one(&mut rd2).await);
    for id in [r.id, r2.id] {
        let bytes = s.store.doc(id).unwrap().unwrap().bytes;
        let text = String::from_utf8_lossy(&bytes).to_lowercase();
        assert!(!text.contains("yaw"), "{id} still names him");
    }
    for id in [r.id, r2.id] {
        let record = s.store.record(schema::DocType::Referral, id).unwrap();
        let text = format!("{record:?}").to_lowercase();
        assert!(!text.contains("yaw"), "{text}");
    }
    // A referral with no name in it, for a person who never withdrew, is as written.
    let q = person(&marta, 44, "Synthetic Kojo");
    let mut qd = phone.typed(&q);
    accepted(&phone.push_one(&mut qd).await);
    let cq = ContactDoc {
        person: PersonRef::Alias("Synthetic Kojo".into()),
        person_id: Some(q.id),
        ..contact_for(&marta, 46)
    };
    let r3 = ReferralDoc {
        outcome: "Kojo got food".into(),
        person_id: Some(q.id),
        ..referral(&marta, 45, cq.id)
    };
    let (mut cqd, mut rd3) = (phone.doc(&cq), phone.typed(&r3));
    for res in phone.push(&mut [&mut cqd, &mut rd3]).await.results {
        accepted(&res.outcome);
    }
    let bytes = s.store.doc(r3.id).unwrap().unwrap().bytes;
    assert!(String::from_utf8_lossy(&bytes).contains("Kojo got food"));
}
