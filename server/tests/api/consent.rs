//! Consent is the server's rule (issue 9 §3): it holds on every change, not only at
//! creation, and documents are written in the name of who pushes them, at plausible
//! times.

use strada_server::storage::{Store, StoredUser};
use strada_server::testing::TestServer;
use strada_shared::domain::{DocumentStatus, NeedCategory, PersonRef, Role};
use strada_shared::ids::DocId;
use strada_shared::schema::{
    self, Consent, ContactDoc, DocType, PersonDoc, ReferralDoc, ReferralStatus,
    referral::StatusChange,
};
use strada_shared::sync::device::DeviceDoc;
use strada_shared::sync::{PushOutcome, RefusalCode};
use strada_shared::vocab::{ConsentStatus, Gender};

use crate::helpers::{Api, contact_for};

pub fn person(user: &StoredUser, seed: u8, alias: &str) -> PersonDoc {
    PersonDoc {
        id: DocId::new_v7(1_760_000_000_000 + u64::from(seed), [seed; 10]),
        aliases: vec![alias.into()],
        birth_year: Some(1990),
        birth_year_estimated: true,
        gender: Gender::Man,
        country: "Synthetic country".into(),
        languages: vec!["ar".into()],
        phone: None,
        documents: DocumentStatus::NoDocument,
        usual_place: "Synthetic road".into(),
        consent: Consent {
            status: ConsentStatus::Given,
            at: 1_760_000_000_000,
            recorded_by: user.id,
            partners: vec![],
        },
        author: user.id,
        team: user.team.clone(),
        created_at: 1_760_000_000_000,
        merged_into: None,
    }
}

pub fn referral(user: &StoredUser, seed: u8, contact: DocId) -> ReferralDoc {
    ReferralDoc {
        id: DocId::new_v7(1_760_000_000_000 + u64::from(seed), [seed; 10]),
        contact,
        need: NeedCategory::Shelter,
        partner: "Dormitorio sintetico".into(),
        status: ReferralStatus::Proposed,
        outcome: String::new(),
        author: user.id,
        team: user.team.clone(),
        created_at: 1_760_000_000_000,
        service_id: None,
        person_id: None,
        history: Vec::new(),
    }
}

impl Api {
    pub fn typed<T: schema::Document>(&self, value: &T) -> DeviceDoc {
        DeviceDoc::new(
            value.id(),
            T::TYPE,
            schema::create(self.actor.clone(), value).unwrap(),
        )
    }

    /// Pushes one document and returns the server's answer for it.
    pub async fn push_one(&self, d: &mut DeviceDoc) -> PushOutcome {
        self.push(&mut [d]).await.results.remove(0).outcome
    }
}

#[track_caller]
pub fn accepted(outcome: &PushOutcome) {
    assert!(
        matches!(outcome, PushOutcome::Accepted { .. }),
        "{outcome:?}"
    );
}

#[track_caller]
pub fn refused(outcome: &PushOutcome, want: RefusalCode) {
    assert!(
        matches!(outcome, PushOutcome::Refused { code, .. } if *code == want),
        "expected {want:?}, got {outcome:?}"
    );
}

#[tokio::test]
async fn an_edit_cannot_add_an_alias_to_a_contact_recorded_without_consent() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    for (seed, consent) in [(1, ConsentStatus::NotAsked), (2, ConsentStatus::Refused)] {
        let c = ContactDoc {
            person: PersonRef::Anonymous,
            consent,
            ..contact_for(&marta, seed)
        };
        let mut d = phone.doc(&c);
        accepted(&phone.push_one(&mut d).await);
        let named = ContactDoc {
            person: PersonRef::Alias("Synthetic alias added later".into()),
            ..c.clone()
        };
        schema::update(&mut d.doc, &named).unwrap();
        refused(&phone.push_one(&mut d).await, RefusalCode::ConsentRequired);
        // Nor by claiming the consent afterwards.
        let claimed = ContactDoc {
            consent: ConsentStatus::Given,
            ..named
        };
        schema::update(&mut d.doc, &claimed).unwrap();
        refused(&phone.push_one(&mut d).await, RefusalCode::ConsentRequired);
        let stored = s.store.contact_record(c.id).unwrap().unwrap();
        assert_eq!(stored.person, PersonRef::Anonymous);
    }
}

/// Pushes a withdrawal of `person`'s consent as the app writes it (the person emptied,
/// their contact anonymous), accepted; returns both as written.
pub async fn withdraw(
    phone: &Api,
    by: &StoredUser,
    (person, pd): (&PersonDoc, &mut DeviceDoc),
    (contact, cd): (&ContactDoc, &mut DeviceDoc),
) -> (PersonDoc, ContactDoc) {
    let mut gone = person.clone();
    gone.withdraw_consent(1_760_000_500_000, by.id);
    schema::update(&mut pd.doc, &gone).unwrap();
    let mut anonymous = contact.clone();
    anonymous.withdraw_consent();
    schema::update(&mut cd.doc, &anonymous).unwrap();
    for o in phone.push(&mut [pd, cd]).await.results {
        accepted(&o.outcome);
    }
    (gone, anonymous)
}

/// Records a person with consent, a contact naming them, and the withdrawal as the app
/// writes it (the person emptied, the contact anonymous), all accepted.
async fn withdrawn_person(
    s: &TestServer,
    phone: &Api,
    marta: &StoredUser,
) -> (PersonDoc, DeviceDoc, ContactDoc, DeviceDoc) {
    let p = person(marta, 10, "Synthetic Karim");
    let mut pd = phone.typed(&p);
    let c = ContactDoc {
        person: PersonRef::Alias("Synthetic Karim".into()),
        person_id: Some(p.id),
        ..contact_for(marta, 11)
    };
    let mut cd = phone.doc(&c);
    for o in phone.push(&mut [&mut pd, &mut cd]).await.results {
        accepted(&o.outcome);
    }
    let (gone, anonymous) = withdraw(phone, marta, (&p, &mut pd), (&c, &mut cd)).await;
    // The device takes the rewritten documents (a new generation), as the app does.
    phone.take_snapshots(&mut [&mut pd, &mut cd]).await;
    assert_eq!((pd.generation, cd.generation), (1, 1));
    let _ = s;
    (gone, pd, anonymous, cd)
}

#[tokio::test]
async fn removing_the_person_link_does_not_bring_an_alias_back() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let (_, _, anonymous, mut cd) = withdrawn_person(&s, &phone, &marta).await;
    let unlinked = ContactDoc {
        person_id: None,
        person: PersonRef::Alias("Synthetic Karim".into()),
        consent: ConsentStatus::Given,
        ..anonymous.clone()
    };
    schema::update(&mut cd.doc, &unlinked).unwrap();
    refused(&phone.push_one(&mut cd).await, RefusalCode::ConsentRequired);
    // Nor linked to another person.
    let other = person(&marta, 12, "Synthetic other");
    let mut od = phone.typed(&other);
    accepted(&phone.push_one(&mut od).await);
    let relinked = ContactDoc {
        person_id: Some(other.id),
        ..anonymous.clone()
    };
    phone.take_snapshots(&mut [&mut cd]).await;
    schema::update(&mut cd.doc, &relinked).unwrap();
    refused(&phone.push_one(&mut cd).await, RefusalCode::ConsentRequired);
    let record = s.store.contact_record(anonymous.id).unwrap().unwrap();
    assert_eq!(record.person, PersonRef::Anonymous);
}

#[tokio::test]
async fn a_withdrawn_person_cannot_be_refilled_nor_given_consent_again() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let (gone, mut pd, _, _) = withdrawn_person(&s, &phone, &marta).await;
    let refills: [fn(&mut PersonDoc); 4] = [
        |p| p.languages = vec!["ar".into(), "fr".into()],
        |p| p.gender = Gender::Woman,
        |p| p.documents = DocumentStatus::Expired,
        |p| p.consent.partners = vec!["pua-network".into()],
    ];
    let stored = s.store.doc(gone.id).unwrap().unwrap().bytes;
    for refill in refills {
        let mut refilled = gone.clone();
        refill(&mut refilled);
        schema::update(&mut pd.doc, &refilled).unwrap();
        refused(&phone.push_one(&mut pd).await, RefusalCode::ConsentRequired);
        phone.take_snapshots(&mut [&mut pd]).await;
    }
    // Consent given again on the same record (and its data with it): refused.
    let mut again = gone.clone();
    again.consent.status = ConsentStatus::Given;
    again.consent.at = 1_760_000_600_000;
    again.aliases = vec!["Synthetic Karim".into()];
    schema::update(&mut pd.doc, &again).unwrap();
    refused(&phone.push_one(&mut pd).await, RefusalCode::ConsentRequired);
    assert_eq!(s.store.doc(gone.id).unwrap().unwrap().bytes, stored);
}

#[tokio::test]
async fn the_central_office_cannot_write_in_a_field_workers_name() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let admin_user = s.add_user("admin", Role::CentralOffice, "pua");
    let admin = Api::login(&s, "admin").await;
    let c = contact_for(&marta, 20);
    let mut d = admin.doc(&c);
    refused(&admin.push_one(&mut d).await, RefusalCode::NotAuthor);
    assert!(s.store.doc(c.id).unwrap().is_none());
    // A consent recorded in a worker's name, by someone else: refused too.
    let phone = Api::login(&s, "marta").await;
    let mut p = person(&marta, 21, "Synthetic Amina");
    p.consent.recorded_by = admin_user.id;
    let mut pd = phone.typed(&p);
    refused(&phone.push_one(&mut pd).await, RefusalCode::NotAuthor);
    // In its own name, of a field team: accepted.
    let own = ContactDoc {
        author: admin_user.id,
        ..contact_for(&marta, 22)
    };
    let mut d = admin.doc(&own);
    accepted(&admin.push_one(&mut d).await);
}

#[tokio::test]
async fn referrals_are_not_born_closed_and_moves_are_dated_between_creation_and_now() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let c = contact_for(&marta, 30);
    let mut cd = phone.doc(&c);
    accepted(&phone.push_one(&mut cd).await);
    let now = strada_server::now_ms();
    let year = 365 * 86_400_000;
    // Born closed (a status without the moves that lead to it).
    let closed = ReferralDoc {
        status: ReferralStatus::Closed,
        ..referral(&marta, 31, c.id)
    };
    let mut d = phone.typed(&closed);
    refused(&phone.push_one(&mut d).await, RefusalCode::ReferralStart);
    // Created in the future.
    let future = ReferralDoc {
        created_at: now + year,
        ..referral(&marta, 32, c.id)
    };
    let mut d = phone.typed(&future);
    refused(&phone.push_one(&mut d).await, RefusalCode::Lifecycle);
    // A move dated a year ahead, or years before the referral existed.
    let r = referral(&marta, 33, c.id);
    let mut d = phone.typed(&r);
    accepted(&phone.push_one(&mut d).await);
    for at in [now + year, r.created_at - 3 * year] {
        let moved = ReferralDoc {
            status: ReferralStatus::Sent,
            history: vec![StatusChange {
                status: ReferralStatus::Sent,
                at,
                by: marta.id,
                from: Some(ReferralStatus::Proposed),
                round: 0,
            }],
            ..r.clone()
        };
        let mut fork = DeviceDoc::new(
            r.id,
            DocType::Referral,
            d.doc.fork().with_actor(phone.actor.clone()),
        );
        fork.acked = d.acked.clone();
        schema::update(&mut fork.doc, &moved).unwrap();
        refused(&phone.push_one(&mut fork).await, RefusalCode::Lifecycle);
    }
    // Dated now: accepted.
    let mut moved = r.clone();
    assert!(moved.move_to(ReferralStatus::Sent, now, marta.id));
    schema::update(&mut d.doc, &moved).unwrap();
    accepted(&phone.push_one(&mut d).await);
}

#[tokio::test]
async fn a_claimed_generation_does_not_bring_an_erased_history_back() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let p = person(&marta, 40, "Synthetic Canary-Generation");
    let mut pd = phone.typed(&p);
    accepted(&phone.push_one(&mut pd).await);
    let mut gone = p.clone();
    gone.withdraw_consent(1_760_000_500_000, marta.id);
    schema::update(&mut pd.doc, &gone).unwrap();
    accepted(&phone.push_one(&mut pd).await);
    let erased = s.store.doc(p.id).unwrap().unwrap();
    assert_eq!(erased.meta.generation, 1);
    // The phone still holds the old history (alias included) and sends it whole, claiming
    // the server's generation, or one ahead of it.
    for generation in [1, 2] {
        let outcomes = phone
            .push_entries_ok(vec![strada_shared::sync::PushDoc {
                id: p.id,
                doc_type: DocType::Person,
                changes: strada_shared::sync::Bytes(pd.doc.save()),
                generation,
            }])
            .await;
        refused(&outcomes[0], RefusalCode::Replaced);
    }
    let stored = s.store.doc(p.id).unwrap().unwrap();
    assert_eq!(stored.bytes, erased.bytes);
    let doc = automerge::AutoCommit::load(&stored.bytes).unwrap();
    assert_eq!(
        doc.clone().get_changes(&[]).len(),
        1,
        "no history came back"
    );
    let needle = b"Canary-Generation";
    assert!(!stored.bytes.windows(needle.len()).any(|w| w == needle));
}

#[tokio::test]
async fn no_device_signs_in_as_the_servers_compaction_actor() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    // Regression: the reviewer's actor (a choice between conflicting values) was left
    // out, so a device could write in its name.
    for actor in [
        strada_server::sync::server_actor(),
        strada_server::sync::import_actor(),
        strada_server::sync::reviewer_actor(),
    ] {
        let res = reqwest::Client::new()
            .post(s.url("/api/auth/login"))
            .json(&serde_json::json!({
                "username": "marta",
                "password": "password-marta",
                "device_actor": actor.to_hex_string(),
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_device");
    }
}

#[tokio::test]
async fn keys_outside_the_schema_are_refused_and_never_stored() {
    use automerge::ReadDoc;
    use automerge::transaction::Transactable;
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    // A new contact carrying a name under a key the schema does not read.
    let c = contact_for(&marta, 50);
    let mut d = phone.doc(&c);
    d.doc
        .put(automerge::ROOT, "hidden", "Synthetic Canary-Key")
        .unwrap();
    d.doc.commit();
    refused(&phone.push_one(&mut d).await, RefusalCode::Schema);
    assert!(s.store.doc(c.id).unwrap().is_none());
    // An accepted person, then a language "unticked" that carries a note.
    let p = person(&marta, 51, "Synthetic Amina");
    let mut pd = phone.typed(&p);
    accepted(&phone.push_one(&mut pd).await);
    let (_, languages) = pd.doc.get(automerge::ROOT, "languages").unwrap().unwrap();
    pd.doc
        .put(&languages, "Synthetic Canary-Key", false)
        .unwrap();
    pd.doc.commit();
    match phone.push_one(&mut pd).await {
        PushOutcome::Refused { code, reason } => {
            assert_eq!(code, RefusalCode::Schema);
            assert!(!reason.contains("Canary"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let stored = s.store.doc(p.id).unwrap().unwrap().bytes;
    assert!(!stored.windows(10).any(|w| w == b"Canary-Key"));
}

#[tokio::test]
async fn aliases_with_control_direction_override_or_only_invisible_characters_are_refused() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    // "Karim" shown backwards as a friend's name; a zero-width space as the only letter.
    for (seed, alias) in [(60u8, "Karim\u{202E}dneirf"), (61, "\u{200B}\u{200D}")] {
        let c = ContactDoc {
            person: PersonRef::Alias(alias.into()),
            ..contact_for(&marta, seed)
        };
        let mut d = phone.doc(&c);
        refused(&phone.push_one(&mut d).await, RefusalCode::Schema);
        let p = person(&marta, seed + 10, alias);
        let mut pd = phone.typed(&p);
        refused(&phone.push_one(&mut pd).await, RefusalCode::Schema);
    }
    // Added to a person already stored: refused too; a Bengali alias with a joiner is fine.
    let p = person(&marta, 80, "Synthetic Rahim");
    let mut pd = phone.typed(&p);
    accepted(&phone.push_one(&mut pd).await);
    let mut more = p.clone();
    more.aliases.push("\u{2066}Rahim\u{2069}".into());
    schema::update(&mut pd.doc, &more).unwrap();
    refused(&phone.push_one(&mut pd).await, RefusalCode::Schema);
    phone.take_snapshots(&mut [&mut pd]).await;
    let mut fine = p.clone();
    fine.aliases.push("রহি\u{200D}ম".into());
    schema::update(&mut pd.doc, &fine).unwrap();
    accepted(&phone.push_one(&mut pd).await);
}

#[tokio::test]
async fn references_to_other_teams_records_are_refused_like_references_to_nothing() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let luca = s.add_user("luca", Role::FieldWorker, "cremona-2");
    s.add_user("admin", Role::CentralOffice, "pua");
    let bergamo = Api::login(&s, "marta").await;
    let cremona = Api::login(&s, "luca").await;
    // Bergamo's person and contact.
    let p = person(&marta, 90, "Synthetic Bergamo person");
    let c = contact_for(&marta, 91);
    let mut pd = bergamo.typed(&p);
    let mut cd = bergamo.doc(&c);
    for o in bergamo.push(&mut [&mut pd, &mut cd]).await.results {
        accepted(&o.outcome);
    }
    let nowhere = DocId::new_v7(1_760_000_000_099, [99; 10]);
    let answer = |o: PushOutcome| match o {
        PushOutcome::Refused { code, reason } => (code, reason),
        other => panic!("{other:?}"),
    };
    let mut answers = Vec::new();
    // Cremona names Bergamo's person, and a person that exists nowhere.
    for (seed, target) in [(92u8, p.id), (93, nowhere)] {
        let named = ContactDoc {
            person: PersonRef::Alias("Synthetic alias".into()),
            person_id: Some(target),
            ..contact_for(&luca, seed)
        };
        let mut d = cremona.doc(&named);
        answers.push(answer(cremona.push_one(&mut d).await));
    }
    // Cremona refers to Bergamo's contact, and to a contact that exists nowhere.
    for (seed, target) in [(94u8, c.id), (95, nowhere)] {
        let mut d = cremona.typed(&referral(&luca, seed, target));
        answers.push(answer(cremona.push_one(&mut d).await));
    }
    assert!(
        answers
            .iter()
            .all(|a| *a == answers[0] && a.0 == RefusalCode::UnknownReference),
        "{answers:?}"
    );
    // The central office writing for Cremona does not reach Bergamo's records either.
    let admin = Api::login(&s, "admin").await;
    let admin_user = s.store.user_by_name("admin").unwrap().unwrap();
    let mut r = referral(&admin_user, 96, c.id);
    r.team = luca.team.clone();
    let mut d = admin.typed(&r);
    refused(&admin.push_one(&mut d).await, RefusalCode::UnknownReference);
    // A contact id where a person belongs is no person.
    let wrong = ContactDoc {
        person: PersonRef::Alias("Synthetic alias".into()),
        person_id: Some(c.id),
        ..contact_for(&marta, 97)
    };
    let mut d = bergamo.doc(&wrong);
    refused(
        &bergamo.push_one(&mut d).await,
        RefusalCode::UnknownReference,
    );
    // Within the team, in any order in one push: accepted.
    let p2 = person(&marta, 98, "Synthetic new person");
    let c2 = ContactDoc {
        person: PersonRef::Alias("Synthetic new person".into()),
        person_id: Some(p2.id),
        ..contact_for(&marta, 99)
    };
    let r2 = referral(&marta, 100, c2.id);
    let (mut rd, mut cd2, mut pd2) = (bergamo.typed(&r2), bergamo.doc(&c2), bergamo.typed(&p2));
    for o in bergamo
        .push(&mut [&mut rd, &mut cd2, &mut pd2])
        .await
        .results
    {
        accepted(&o.outcome);
    }
}
