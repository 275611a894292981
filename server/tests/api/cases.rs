//! Issue 12: case documents, job offers and the PUA's rules — written as documents by
//! the case roles only, kept to their rules with a code each, never seen by a field
//! device, and listed with what the case manager needs (the person's contacts through
//! merges, the next review, the matching job offers).

use automerge::AutoCommit;
use serde_json::{Value, json};
use strada_server::testing::TestServer;
use strada_shared::domain::{NeedCategory, PersonRef, Role};
use strada_shared::ids::TeamId;
use strada_shared::schema::case::{Grade, Intervention, Review};
use strada_shared::schema::pua_rules::{PuaRulesDoc, rules_id};
use strada_shared::schema::{self, CaseDoc, ContactDoc, DocType, JobOfferDoc, PersonDoc};
use strada_shared::sync::device::DeviceDoc;
use strada_shared::sync::{PushOutcome, RefusalCode};
use strada_shared::vocab::{ConsentStatus, Decision, InterventionStatus, Outcome, Sector};

use crate::consent::{accepted, person, refused};
use crate::helpers::{Api, contact_for};

fn case_for(user: &strada_server::storage::StoredUser, seed: u8, p: &PersonDoc) -> CaseDoc {
    CaseDoc::new(
        strada_shared::ids::DocId::new_v7(1_760_000_000_000 + u64::from(seed), [seed; 10]),
        p.id,
        p.team.clone(),
        user.id,
        1_760_000_000_000,
        "2026-03-02".into(),
    )
}

/// `base` changed by `f` on a copy, pushed whole: the server's answer (the copy is
/// dropped, so a refusal leaves `base` as it was).
async fn try_change<T: schema::Document>(
    api: &Api,
    base: &mut DeviceDoc,
    f: impl FnOnce(&mut T),
) -> PushOutcome {
    let mut doc = base.doc.fork().with_actor(api.actor.clone());
    let mut value: T = schema::read(&doc).unwrap();
    f(&mut value);
    // A value the schema refuses is written raw, as a hostile device would.
    if schema::update(&mut doc, &value).is_err() {
        autosurgeon::reconcile(&mut doc, &value).unwrap();
        doc.commit();
    }
    let mut copy = DeviceDoc::new(base.id, T::TYPE, doc);
    api.push_one(&mut copy).await
}

/// The server's copy of a document, to edit on this device.
async fn fetch(api: &Api, id: strada_shared::ids::DocId, doc_type: DocType) -> DeviceDoc {
    let mut d = DeviceDoc::new(
        id,
        doc_type,
        AutoCommit::new().with_actor(api.actor.clone()),
    );
    api.take_snapshots(&mut [&mut d]).await;
    d
}

async fn get(api: &Api, path: &str) -> Value {
    let res = api.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn cases_are_the_case_roles_own_and_keep_their_rules_with_a_code_each() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let sara = s.add_user("sara", Role::SocialExpert, "pua");
    let leo = s.add_user("leo", Role::LabourExpert, "pua");
    s.add_user("dora", Role::Director, "pua");
    let phone = Api::login(&s, "marta").await;
    let social = Api::login(&s, "sara").await;
    let labour = Api::login(&s, "leo").await;
    let director = Api::login(&s, "dora").await;

    // A person met by the field, with a contact.
    let p = person(&marta, 10, "Synthetic Karim");
    accepted(&phone.push_one(&mut phone.typed(&p)).await);
    let contact = ContactDoc {
        person: PersonRef::Alias(p.aliases[0].clone()),
        person_id: Some(p.id),
        ..contact_for(&marta, 11)
    };
    accepted(&phone.push_one(&mut phone.doc(&contact)).await);
    let quiet = PersonDoc {
        consent: strada_shared::schema::Consent {
            status: ConsentStatus::NotAsked,
            ..p.consent.clone()
        },
        aliases: vec![],
        languages: vec![],
        country: String::new(),
        usual_place: String::new(),
        gender: Default::default(),
        birth_year: None,
        birth_year_estimated: false,
        documents: Default::default(),
        ..person(&marta, 12, "x")
    };
    accepted(&phone.push_one(&mut phone.typed(&quiet)).await);

    // A field worker never writes a case (not even of a person of their team).
    let mut by_field = phone.typed(&case_for(&marta, 20, &p));
    refused(
        &phone.push_one(&mut by_field).await,
        RefusalCode::RoleNotAllowed,
    );
    // Nor a labour-policy expert opens one.
    let mut by_labour = labour.typed(&case_for(&leo, 21, &p));
    refused(
        &labour.push_one(&mut by_labour).await,
        RefusalCode::RoleNotAllowed,
    );
    // No case for a person whose consent is not given.
    let mut no_consent = social.typed(&case_for(&sara, 22, &quiet));
    refused(
        &social.push_one(&mut no_consent).await,
        RefusalCode::ConsentRequired,
    );

    // The social-services expert opens it.
    let mut case = case_for(&sara, 23, &p);
    case.case_manager = "sara".into();
    case.labour_expert = "leo".into();
    case.contact_id = Some(contact.id);
    let mut doc = social.typed(&case);
    accepted(&social.push_one(&mut doc).await);

    // Each rule the server keeps answers with its own code.
    let closed_without_outcome = try_change::<CaseDoc>(&social, &mut doc, |c| {
        c.closed_at = Some("2026-06-01".into());
    })
    .await;
    refused(&closed_without_outcome, RefusalCode::OutcomeRequired);
    let decided_without_reasons = try_change::<CaseDoc>(&social, &mut doc, |c| {
        c.eligibility.decision = Decision::Eligible;
        c.eligibility.at = Some("2026-03-05".into());
    })
    .await;
    refused(&decided_without_reasons, RefusalCode::EligibilityIncomplete);
    let done_without_date = try_change::<CaseDoc>(&social, &mut doc, |c| {
        c.interventions.insert(
            "i1".into(),
            Intervention {
                need: NeedCategory::Shelter,
                service_id: None,
                partner: "Synthetic shelter".into(),
                planned_at: "2026-03-10".into(),
                done_at: None,
                status: InterventionStatus::Done,
                referral_id: None,
                note: String::new(),
            },
        );
    })
    .await;
    refused(&done_without_date, RefusalCode::InterventionDate);
    let bad_grade = try_change::<CaseDoc>(&social, &mut doc, |c| {
        c.assessment.indicators.insert(
            "deception".into(),
            Grade {
                strength: "extreme".into(),
                evidence: String::new(),
            },
        );
    })
    .await;
    refused(&bad_grade, RefusalCode::AssessmentGrade);
    // A review in someone else's name.
    let foreign_review = try_change::<CaseDoc>(&social, &mut doc, |c| {
        c.reviews.push(Review {
            at: "2026-04-01".into(),
            note: String::new(),
            by: leo.id,
        });
    })
    .await;
    refused(&foreign_review, RefusalCode::NotAuthor);

    // The labour-policy expert writes the work plan, and nothing else.
    let mut at_labour = fetch(&labour, case.id, DocType::Case).await;
    let decided = try_change::<CaseDoc>(&labour, &mut at_labour, |c| {
        c.eligibility.decision = Decision::NotEligible;
        c.eligibility.at = Some("2026-03-05".into());
        c.eligibility.reasons = "Synthetic".into();
    })
    .await;
    refused(&decided, RefusalCode::RoleNotAllowed);
    let mut planned: CaseDoc = schema::read(&at_labour.doc).unwrap();
    planned.work_plan.sector = "agriculture".into();
    planned.work_plan.languages = vec!["pa".into()];
    planned.work_plan.skills = "Synthetic: pruning, tractor licence".into();
    schema::update(&mut at_labour.doc, &planned).unwrap();
    accepted(&labour.push_one(&mut at_labour).await);
    // The director reads cases and edits none.
    let mut at_director = fetch(&director, case.id, DocType::Case).await;
    let by_director = try_change::<CaseDoc>(&director, &mut at_director, |c| {
        c.case_manager = "dora".into();
    })
    .await;
    refused(&by_director, RefusalCode::RoleNotAllowed);

    // A correct close: outcome and date, after a decision with its reasons.
    let mut at_social = fetch(&social, case.id, DocType::Case).await;
    let mut value: CaseDoc = schema::read(&at_social.doc).unwrap();
    value.eligibility.decision = Decision::Eligible;
    value.eligibility.at = Some("2026-03-05".into());
    value.eligibility.reasons = "Synthetic: criteria met".into();
    value.reviews.push(Review {
        at: "2026-04-01".into(),
        note: "Synthetic review".into(),
        by: sara.id,
    });
    schema::update(&mut at_social.doc, &value).unwrap();
    accepted(&social.push_one(&mut at_social).await);
    assert_eq!(
        schema::read::<CaseDoc>(&fetch(&social, case.id, DocType::Case).await.doc)
            .unwrap()
            .work_plan
            .sector,
        "agriculture",
        "the labour expert's plan and the social expert's decision merged"
    );

    // Job offers: the labour-policy expert's; matched to the plan with their reasons.
    let offer = JobOfferDoc {
        id: strada_shared::ids::DocId::new_v7(1_760_000_000_030, [30; 10]),
        employer: "Synthetic Farm Srl".into(),
        sector: Sector::Agriculture,
        area: "Bassa bergamasca".into(),
        place: None,
        positions: 3,
        languages: vec!["pa".into()],
        from: None,
        to: None,
        note: String::new(),
        author: leo.id,
        team: TeamId::parse("pua").unwrap(),
        created_at: 1_760_000_000_000,
    };
    // Languages are codes (a new user's walk: "italiano, punjabi" was kept as typed).
    let named = JobOfferDoc {
        id: strada_shared::ids::DocId::new_v7(1_760_000_000_032, [32; 10]),
        languages: vec!["italiano".into(), "pa".into()],
        ..offer.clone()
    };
    refused(
        &labour.push_one(&mut labour.typed(&named)).await,
        RefusalCode::Schema,
    );
    accepted(&labour.push_one(&mut labour.typed(&offer)).await);
    let by_field = JobOfferDoc {
        author: marta.id,
        team: marta.team.clone(),
        id: strada_shared::ids::DocId::new_v7(1_760_000_000_031, [31; 10]),
        ..offer.clone()
    };
    refused(
        &phone.push_one(&mut phone.typed(&by_field)).await,
        RefusalCode::RoleNotAllowed,
    );

    // The field worker's phone never receives, nor reads, a case or an offer.
    let page = phone.pull_ok(0, 0).await;
    assert!(page.docs.iter().all(|d| !d.doc_type.central_only()));
    assert_eq!(page.docs.len(), 3);
    for path in ["/api/cases", "/api/job-offers", "/api/rules"] {
        assert_eq!(phone.get(path).await.status(), 403, "{path}");
    }
    let snap = phone
        .post_json(
            "/api/sync/snapshots",
            &serde_json::json!({ "ids": [case.id, offer.id, rules_id()] }),
        )
        .await;
    let snap: Value = snap.json().await.unwrap();
    assert_eq!(snap["docs"].as_array().map_or(0, Vec::len), 0, "{snap}");

    // The case list and page: the person, their contact, the offer that matches.
    let list = get(&social, "/api/cases?status=all").await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["person"]["id"], p.id.to_string());
    assert_eq!(list[0]["case"]["eligibility"]["decision"], "eligible");
    let mine = get(&labour, "/api/cases?manager=me").await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let page = get(&social, &format!("/api/cases/{}", case.id)).await;
    assert_eq!(page["contacts"][0]["id"], contact.id.to_string());
    assert_eq!(page["matches"][0]["offer"], offer.id.to_string());
    let reasons = page["matches"][0]["reasons"].to_string();
    assert!(
        reasons.contains("sector") && reasons.contains("languages"),
        "{reasons}"
    );
    assert_eq!(page["rules"]["version"], 1);
    assert!(list[0]["implementation_rate"].is_null(), "no PIP yet");

    // Two interventions, one done: the PIP is half carried out.
    let mut at_social = fetch(&social, case.id, DocType::Case).await;
    let mut value: CaseDoc = schema::read(&at_social.doc).unwrap();
    for (key, status, done_at) in [
        (
            "i-done",
            InterventionStatus::Done,
            Some("2026-03-20".to_string()),
        ),
        ("i-planned", InterventionStatus::Planned, None),
        ("i-dropped", InterventionStatus::Cancelled, None),
    ] {
        value.interventions.insert(
            key.into(),
            Intervention {
                need: NeedCategory::Shelter,
                service_id: None,
                partner: "Synthetic shelter".into(),
                planned_at: "2026-03-10".into(),
                done_at,
                status,
                referral_id: None,
                note: String::new(),
            },
        );
    }
    schema::update(&mut at_social.doc, &value).unwrap();
    accepted(&social.push_one(&mut at_social).await);
    let list = get(&social, "/api/cases?status=all").await;
    assert_eq!(
        (&list[0]["interventions"], &list[0]["interventions_done"]),
        (&json!(2), &json!(1))
    );
    assert_eq!(list[0]["implementation_rate"], json!(0.5));

    // Close it with an outcome.
    let mut at_social = fetch(&social, case.id, DocType::Case).await;
    let mut value: CaseDoc = schema::read(&at_social.doc).unwrap();
    value.closed_at = Some("2026-09-30".into());
    value.outcome = Some(Outcome::Emerged);
    schema::update(&mut at_social.doc, &value).unwrap();
    accepted(&social.push_one(&mut at_social).await);
    assert_eq!(
        get(&social, "/api/cases").await.as_array().unwrap().len(),
        0
    );
    let closed = get(&social, "/api/cases?status=closed").await;
    assert_eq!(closed[0]["case"]["outcome"], "emerged");
}

#[tokio::test]
async fn the_director_publishes_rules_as_new_versions_and_a_published_one_never_changes() {
    let s = TestServer::start().await;
    s.add_user("dora", Role::Director, "pua");
    s.add_user("sara", Role::SocialExpert, "pua");
    let director = Api::login(&s, "dora").await;
    let social = Api::login(&s, "sara").await;
    let rules = get(&director, "/api/rules").await;
    assert_eq!(rules["versions"].as_array().unwrap().len(), 1);
    assert_eq!(rules["versions"][0]["review_interval_days"], 30);

    let mut doc = fetch(&director, rules_id(), DocType::PuaRules).await;
    let me = director_id(&s, "dora");
    // Rewriting version 1 is refused.
    let rewrite = try_change::<PuaRulesDoc>(&director, &mut doc, |r| {
        r.versions[0].review_interval_days = 45;
    })
    .await;
    refused(&rewrite, RefusalCode::RulesPublished);
    // A social-services expert does not manage the rules.
    let mut at_social = fetch(&social, rules_id(), DocType::PuaRules).await;
    let by_social = try_change::<PuaRulesDoc>(&social, &mut at_social, |r| {
        let next = r.current().unwrap().clone();
        r.publish(next, me, 1_760_000_000_000);
    })
    .await;
    refused(&by_social, RefusalCode::RoleNotAllowed);
    // Publishing version 2.
    let mut value: PuaRulesDoc = schema::read(&doc.doc).unwrap();
    let mut next = value.current().unwrap().clone();
    next.review_interval_days = 60;
    value.publish(next, me, strada_server::now_ms());
    schema::update(&mut doc.doc, &value).unwrap();
    accepted(&director.push_one(&mut doc).await);
    let rules = get(&director, "/api/rules").await;
    assert_eq!(rules["versions"].as_array().unwrap().len(), 2);
    assert_eq!(rules["versions"][1]["version"], 2);
    assert_eq!(rules["versions"][0]["review_interval_days"], 30);
}

fn director_id(s: &TestServer, name: &str) -> strada_shared::ids::UserId {
    use strada_server::storage::Store;
    s.store.user_by_name(name).unwrap().unwrap().id
}

/// Whether a `feed` event arrives on `stream` within `secs`.
async fn feed_event_within(stream: &mut reqwest::Response, secs: u64) -> bool {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(secs);
    let mut buf = String::new();
    loop {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Err(_) => return false,
            Ok(chunk) => {
                let Some(chunk) = chunk.unwrap() else {
                    return false;
                };
                buf.push_str(&String::from_utf8_lossy(&chunk));
                if buf.contains("event: feed\n") {
                    return true;
                }
            }
        }
    }
}

/// Found by the attacker's seventh probe: a case filed under a team the PUA does not
/// have («zzz-nowhere») was accepted and listed.
#[tokio::test]
async fn a_new_case_belongs_to_a_team_of_the_pua() {
    use strada_server::storage::Store;
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let sara = s.add_user("sara", Role::SocialExpert, "pua");
    let phone = Api::login(&s, "marta").await;
    let social = Api::login(&s, "sara").await;
    let p = person(&marta, 60, "Synthetic Teamed");
    accepted(&phone.push_one(&mut phone.typed(&p)).await);
    let mut nowhere = case_for(&sara, 61, &p);
    nowhere.team = TeamId::parse("zzz-nowhere").unwrap();
    refused(
        &social.push_one(&mut social.typed(&nowhere)).await,
        RefusalCode::Schema,
    );
    assert!(s.store.doc(nowhere.id).unwrap().is_none());
    // The person's team, or the central office's own: both are the PUA's.
    accepted(
        &social
            .push_one(&mut social.typed(&case_for(&sara, 62, &p)))
            .await,
    );
    let mut central = case_for(&sara, 63, &p);
    central.team = TeamId::parse("pua").unwrap();
    accepted(&social.push_one(&mut social.typed(&central)).await);
}

#[tokio::test]
async fn a_field_device_learns_nothing_when_a_case_of_its_team_is_written() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let sara = s.add_user("sara", Role::SocialExpert, "pua");
    let phone = Api::login(&s, "marta").await;
    let social = Api::login(&s, "sara").await;
    let p = person(&marta, 40, "Synthetic Quiet");
    accepted(&phone.push_one(&mut phone.typed(&p)).await);
    let before = phone.pull_ok(0, 0).await;
    // The phone listens live.
    let mut stream = phone.event_stream(&s).await;
    assert_eq!(
        crate::next_feed_event(&mut stream).await,
        before.head.to_string()
    );
    // A case of the team's person, edited twice: no event, no position moves.
    let case = case_for(&sara, 41, &p);
    let mut doc = social.typed(&case);
    accepted(&social.push_one(&mut doc).await);
    let mut value = case.clone();
    value.case_manager = "sara".into();
    schema::update(&mut doc.doc, &value).unwrap();
    accepted(&social.push_one(&mut doc).await);
    assert!(
        !feed_event_within(&mut stream, 2).await,
        "an event for a case"
    );
    let after = phone.pull_ok(before.cursor, before.cursor).await;
    assert!(after.docs.is_empty());
    assert_eq!((after.cursor, after.head), (before.cursor, before.head));
    // The stream works: the team's own write is heard.
    accepted(
        &phone
            .push_one(&mut phone.doc(&contact_for(&marta, 42)))
            .await,
    );
    assert!(feed_event_within(&mut stream, 10).await);
}

#[tokio::test]
async fn values_written_apart_on_two_laptops_go_to_the_review_list() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let sara = s.add_user("sara", Role::SocialExpert, "pua");
    s.add_user("teo", Role::SocialExpert, "pua");
    let phone = Api::login(&s, "marta").await;
    let one = Api::login(&s, "sara").await;
    let two = Api::login(&s, "teo").await;
    let p = person(&marta, 50, "Synthetic Apart");
    accepted(&phone.push_one(&mut phone.typed(&p)).await);
    let case = case_for(&sara, 51, &p);
    accepted(&one.push_one(&mut one.typed(&case)).await);
    // Both laptops hold the case, then each names a different case manager offline.
    let mut a = fetch(&one, case.id, DocType::Case).await;
    let mut b = fetch(&two, case.id, DocType::Case).await;
    let mut va: CaseDoc = schema::read(&a.doc).unwrap();
    va.case_manager = "sara".into();
    schema::update(&mut a.doc, &va).unwrap();
    let mut vb: CaseDoc = schema::read(&b.doc).unwrap();
    vb.case_manager = "teo".into();
    schema::update(&mut b.doc, &vb).unwrap();
    accepted(&one.push_one(&mut a).await);
    accepted(&two.push_one(&mut b).await);
    let list = get(&one, "/api/conflicts").await;
    let item = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == case.id.to_string())
        .unwrap_or_else(|| panic!("the case in the review list: {list}"));
    assert_eq!(item["doc_type"], "case");
    assert_eq!(item["conflicts"][0]["field"], "case_manager");
}

/// A new user's walk: a laptop offline set a PIP intervention done and wrote the
/// assessment's note; a desk meanwhile cancelled it and wrote another note. Automerge
/// kept the laptop's values, and nothing went to "Da rivedere". Both now do, and keeping
/// the desk's cancellation gives a valid case (no "done" date left), which the laptop
/// receives.
#[tokio::test]
async fn a_pip_and_an_assessment_edited_apart_go_to_the_review_list() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let sara = s.add_user("sara", Role::SocialExpert, "pua");
    s.add_user("centrale", Role::CentralOffice, "pua");
    let phone = Api::login(&s, "marta").await;
    let laptop = Api::login(&s, "sara").await;
    let desk = Api::login(&s, "centrale").await;
    let p = person(&marta, 52, "Synthetic Gheorghe");
    accepted(&phone.push_one(&mut phone.typed(&p)).await);
    let mut case = case_for(&sara, 53, &p);
    case.interventions.insert(
        "casa".into(),
        Intervention {
            need: NeedCategory::Shelter,
            service_id: None,
            partner: "Synthetic shelter".into(),
            planned_at: "2026-03-10".into(),
            done_at: None,
            status: InterventionStatus::Planned,
            referral_id: None,
            note: String::new(),
        },
    );
    accepted(&laptop.push_one(&mut laptop.typed(&case)).await);
    let mut a = fetch(&laptop, case.id, DocType::Case).await;
    let mut b = fetch(&desk, case.id, DocType::Case).await;
    let mut va: CaseDoc = schema::read(&a.doc).unwrap();
    let i = va.interventions.get_mut("casa").unwrap();
    i.status = InterventionStatus::Done;
    i.done_at = Some("2026-03-12".into());
    va.assessment.note = "Synthetic: the laptop's note".into();
    schema::update(&mut a.doc, &va).unwrap();
    let mut vb: CaseDoc = schema::read(&b.doc).unwrap();
    vb.interventions.get_mut("casa").unwrap().status = InterventionStatus::Cancelled;
    vb.assessment.note = "Synthetic: the desk's note".into();
    schema::update(&mut b.doc, &vb).unwrap();
    accepted(&desk.push_one(&mut b).await);
    accepted(&laptop.push_one(&mut a).await);
    let list = get(&desk, "/api/conflicts").await;
    let item = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == case.id.to_string())
        .unwrap_or_else(|| panic!("the case in the review list: {list}"));
    let fields: Vec<&str> = item["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"interventions.casa.status"), "{fields:?}");
    assert!(fields.contains(&"assessment.note"), "{fields:?}");
    // The desk keeps its own values.
    let desk_actor = desk.actor.to_hex_string();
    for field in ["interventions.casa.status", "assessment.note"] {
        let c = item["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["field"] == field)
            .unwrap();
        let v = c["values"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["actor"] == desk_actor)
            .unwrap();
        let res = desk
            .post_json(
                "/api/conflicts/resolve",
                &json!({"id": case.id, "field": field, "actor": v["actor"], "counter": v["counter"]}),
            )
            .await;
        assert_eq!(res.status(), 200, "{field}: {}", res.text().await.unwrap());
    }
    let after = get(&desk, "/api/conflicts").await;
    assert!(
        after
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["id"] != case.id.to_string()),
        "{after}"
    );
    // The laptop receives the choice.
    laptop.take_snapshots(&mut [&mut a]).await;
    let kept: CaseDoc = schema::read(&a.doc).unwrap();
    assert_eq!(
        kept.interventions["casa"].status,
        InterventionStatus::Cancelled
    );
    assert_eq!(kept.interventions["casa"].done_at, None);
    assert_eq!(kept.assessment.note, "Synthetic: the desk's note");
}

#[tokio::test]
async fn a_withdrawal_leaves_the_case_without_identifying_data_and_counting() {
    use strada_server::storage::Store;
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let sara = s.add_user("sara", Role::SocialExpert, "pua");
    let phone = Api::login(&s, "marta").await;
    let social = Api::login(&s, "sara").await;
    let p = person(&marta, 60, "Synthetic Karim");
    let mut pd = phone.typed(&p);
    accepted(&phone.push_one(&mut pd).await);
    let mut case = case_for(&sara, 61, &p);
    case.eligibility.decision = Decision::Eligible;
    case.eligibility.at = Some("2026-03-05".into());
    case.eligibility.reasons = "Synthetic Karim told of a debt".into();
    case.work_plan.languages = vec!["ar".into()];
    case.work_plan.skills = "Karim drives tractors".into();
    case.reviews.push(Review {
        at: "2026-04-01".into(),
        note: "Karim came with his cousin".into(),
        by: sara.id,
    });
    let mut cd = social.typed(&case);
    accepted(&social.push_one(&mut cd).await);

    let mut gone = p.clone();
    gone.withdraw_consent(1_760_000_500_000, marta.id);
    schema::update(&mut pd.doc, &gone).unwrap();
    accepted(&phone.push_one(&mut pd).await);

    let stored = s.store.doc(case.id).unwrap().unwrap();
    assert_eq!(stored.meta.generation, 1, "rewritten without its history");
    assert!(
        !String::from_utf8_lossy(&stored.bytes)
            .to_lowercase()
            .contains("karim")
    );
    let page = get(&social, &format!("/api/cases/{}", case.id)).await;
    assert!(!page.to_string().to_lowercase().contains("karim"), "{page}");
    // It still counts: the decision, the review's date, the person it is about.
    assert_eq!(page["row"]["case"]["eligibility"]["decision"], "eligible");
    assert_eq!(page["row"]["case"]["reviews"][0]["at"], "2026-04-01");
    assert_eq!(page["row"]["case"]["person_id"], p.id.to_string());
    assert_eq!(
        page["row"]["case"]["work_plan"]["languages"],
        serde_json::json!([])
    );
    // A laptop still holding the old case and writing to it offline is refused
    // (replaced), never merged back with the names.
    let mut stale: CaseDoc = schema::read(&cd.doc).unwrap();
    stale.case_manager = "sara".into();
    schema::update(&mut cd.doc, &stale).unwrap();
    refused(&social.push_one(&mut cd).await, RefusalCode::Replaced);
}

#[tokio::test]
async fn a_rules_version_published_after_a_read_is_seen_by_the_next_case_request() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let sara = s.add_user("sara", Role::SocialExpert, "pua");
    s.add_user("dora", Role::Director, "pua");
    let phone = Api::login(&s, "marta").await;
    let social = Api::login(&s, "sara").await;
    let director = Api::login(&s, "dora").await;
    let p = person(&marta, 80, "Synthetic Rules");
    accepted(&phone.push_one(&mut phone.typed(&p)).await);
    // Opened on 2026-03-02, assessed under no version yet: the one in force counts.
    let case = case_for(&sara, 81, &p);
    accepted(&social.push_one(&mut social.typed(&case)).await);
    let page_path = format!("/api/cases/{}", case.id);

    // Read once under version 1 (30 days between reviews).
    assert_eq!(
        get(&social, "/api/cases").await[0]["review_due"],
        "2026-04-01"
    );
    let page = get(&social, &page_path).await;
    assert_eq!(page["rules"]["version"], 1);
    assert_eq!(page["row"]["review_due"], "2026-04-01");
    assert_eq!(
        get(&social, "/api/rules").await["versions"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // The director publishes version 2 (60 days), pushed as a document.
    let mut doc = fetch(&director, rules_id(), DocType::PuaRules).await;
    let mut value: PuaRulesDoc = schema::read(&doc.doc).unwrap();
    let mut next = value.current().unwrap().clone();
    next.review_interval_days = 60;
    value.publish(next, director_id(&s, "dora"), strada_server::now_ms());
    schema::update(&mut doc.doc, &value).unwrap();
    accepted(&director.push_one(&mut doc).await);

    // The very next requests are under version 2.
    assert_eq!(
        get(&social, "/api/cases").await[0]["review_due"],
        "2026-05-01"
    );
    let page = get(&social, &page_path).await;
    assert_eq!(page["rules"]["version"], 2);
    assert_eq!(page["rules"]["review_interval_days"], 60);
    assert_eq!(page["row"]["review_due"], "2026-05-01");
    let rules = get(&social, "/api/rules").await;
    assert_eq!(rules["versions"].as_array().unwrap().len(), 2);
    assert_eq!(rules["versions"][1]["review_interval_days"], 60);
}

#[tokio::test]
async fn every_case_of_a_person_and_of_those_merged_into_them_shows_the_survivors_record() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let luca = s.add_user("luca", Role::FieldWorker, "cremona-2");
    let sara = s.add_user("sara", Role::SocialExpert, "pua");
    s.add_user("centrale", Role::CentralOffice, "pua");
    let bg = Api::login(&s, "marta").await;
    let cr = Api::login(&s, "luca").await;
    let social = Api::login(&s, "sara").await;
    let central = Api::login(&s, "centrale").await;
    let here = person(&marta, 90, "Synthetic Amina");
    let there = person(&luca, 91, "Synthetic Amina B.");
    accepted(&bg.push_one(&mut bg.typed(&here)).await);
    accepted(&cr.push_one(&mut cr.typed(&there)).await);
    // Two cases of one person (one closed), one of the other.
    let open_here = case_for(&sara, 92, &here);
    let closed_here = CaseDoc {
        closed_at: Some("2026-06-01".into()),
        outcome: Some(Outcome::Emerged),
        ..case_for(&sara, 93, &here)
    };
    let open_there = case_for(&sara, 94, &there);
    for c in [&open_here, &closed_here, &open_there] {
        accepted(&social.push_one(&mut social.typed(c)).await);
    }
    let person_of_case = |list: &Value| -> Vec<(String, Value)> {
        let mut v: Vec<(String, Value)> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["case"]["id"].as_str().unwrap().into(),
                    r["person"].clone(),
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    let record = |page: Value| page["person"].clone();
    let here_record = record(get(&central, &format!("/api/persons/{}", here.id)).await);
    let there_record = record(get(&central, &format!("/api/persons/{}", there.id)).await);
    let mut want = vec![
        (open_here.id.to_string(), here_record.clone()),
        (closed_here.id.to_string(), here_record),
        (open_there.id.to_string(), there_record),
    ];
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        person_of_case(&get(&social, "/api/cases?status=all").await),
        want
    );

    // After a merge, each of the three rows shows the survivor's record, whole.
    let res = central
        .post_json(
            "/api/persons/merge",
            &serde_json::json!({
                "survivor": here.id, "merged": there.id, "reason": "same person",
            }),
        )
        .await;
    assert_eq!(res.status(), 200);
    let survivor = record(get(&central, &format!("/api/persons/{}", here.id)).await);
    assert_eq!(survivor["id"], here.id.to_string());
    for list in [
        get(&social, "/api/cases?status=all").await,
        get(
            &social,
            &format!("/api/cases?status=all&person={}", there.id),
        )
        .await,
    ] {
        let rows = person_of_case(&list);
        assert_eq!(rows.len(), 3, "{list}");
        for (case, person) in rows {
            assert_eq!(person, survivor, "case {case}");
        }
    }
    let page = get(&social, &format!("/api/cases/{}", open_there.id)).await;
    assert_eq!(page["row"]["person"], survivor);
}

/// A new user's walk: on 6 December the year's dashboard counted as overdue the reviews
/// that would be overdue by 31 December. While its period runs, the dashboard looks at
/// the open cases as they are today, and says which day.
#[tokio::test]
async fn the_dashboard_looks_at_open_cases_today_while_its_period_runs() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let sara = s.add_user("sara", Role::SocialExpert, "pua");
    s.add_user("dora", Role::Director, "pua");
    let phone = Api::login(&s, "marta").await;
    let social = Api::login(&s, "sara").await;
    let director = Api::login(&s, "dora").await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Rome)
        .date_naive();
    let day = |d: i64| {
        (today + chrono::Duration::days(d))
            .format("%Y-%m-%d")
            .to_string()
    };
    // Two open cases, reviews due every 30 days: one due in 20 days, one 10 days ago.
    for (seed, opened) in [(70u8, -10i64), (72, -40)] {
        let p = person(&marta, seed, "Synthetic Monitored");
        accepted(&phone.push_one(&mut phone.typed(&p)).await);
        let mut case = case_for(&sara, seed + 1, &p);
        case.opened_at = day(opened);
        accepted(&social.push_one(&mut social.typed(&case)).await);
    }
    let monitoring = |from: String, to: String| {
        let director = &director;
        async move {
            let page = get(
                director,
                &format!("/api/reports/dashboard?from={from}&to={to}"),
            )
            .await;
            page["monitoring"].clone()
        }
    };
    // The period runs for 40 more days: the cases as they are today.
    let m = monitoring(day(-30), day(40)).await;
    assert_eq!(m["as_of"], day(0), "{m}");
    assert_eq!(m["open"], 2, "{m}");
    assert_eq!(
        m["overdue_reviews"], 1,
        "only the review due 10 days ago: {m}"
    );
    // A period wholly to come: today too.
    let m = monitoring(day(10), day(40)).await;
    assert_eq!(m["as_of"], day(0), "{m}");
    assert_eq!(m["overdue_reviews"], 1, "{m}");
    // A period over: its last day.
    let m = monitoring(day(-30), day(-1)).await;
    assert_eq!(m["as_of"], day(-1), "{m}");
    assert_eq!(m["overdue_reviews"], 1, "{m}");
}

/// A new user's walk: a case closed "on the 20th" on the 7th left the open cases at once
/// while the report still counted it open, and an intervention was "done" a week ahead.
/// What happened is not dated ahead (a day allowed); a planned day may be.
#[tokio::test]
async fn what_happened_on_a_case_is_not_dated_in_the_future() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let sara = s.add_user("sara", Role::SocialExpert, "pua");
    let phone = Api::login(&s, "marta").await;
    let social = Api::login(&s, "sara").await;
    let p = person(&marta, 70, "Synthetic Ahead");
    accepted(&phone.push_one(&mut phone.typed(&p)).await);
    let day = |days: i64| {
        (chrono::Utc::now() + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    let mut c = case_for(&sara, 71, &p);
    c.interventions.insert(
        "i1".into(),
        Intervention {
            need: NeedCategory::Shelter,
            service_id: None,
            partner: "Synthetic shelter".into(),
            planned_at: day(30),
            done_at: None,
            status: InterventionStatus::Planned,
            referral_id: None,
            note: String::new(),
        },
    );
    let mut doc = social.typed(&c);
    accepted(&social.push_one(&mut doc).await);
    let ahead = [
        ("closure", day(13)),
        ("done", day(8)),
        ("review", day(5)),
        ("meeting", day(3)),
        ("opening", day(400)),
    ];
    for (what, d) in ahead {
        let out = try_change(&social, &mut doc, |k: &mut CaseDoc| match what {
            "closure" => {
                k.closed_at = Some(d.clone());
                k.outcome = Some(Outcome::NotEmerged);
            }
            "done" => {
                let i = k.interventions.get_mut("i1").unwrap();
                i.status = InterventionStatus::Done;
                i.done_at = Some(d.clone());
            }
            "review" => k.reviews.push(Review {
                at: d.clone(),
                note: "synthetic".into(),
                by: sara.id,
            }),
            "opening" => k.opened_at = d.clone(),
            _ => k.first_meeting.date = Some(d.clone()),
        })
        .await;
        match out {
            PushOutcome::Refused { reason, .. } => {
                assert!(reason.contains("future"), "{what}: {reason}")
            }
            other => panic!("{what} dated {d}: {other:?}"),
        }
    }
    // Nor before the case was opened (the verification of these fixes: a case taken in
    // charge on 26/10 closed on 12/04).
    for what in ["closure", "review", "done"] {
        let out = try_change(&social, &mut doc, |k: &mut CaseDoc| {
            let d = "2026-03-01".to_string();
            match what {
                "closure" => {
                    k.closed_at = Some(d);
                    k.outcome = Some(Outcome::NotEmerged);
                }
                "review" => k.reviews.push(Review {
                    at: d,
                    note: "synthetic".into(),
                    by: sara.id,
                }),
                _ => {
                    let i = k.interventions.get_mut("i1").unwrap();
                    i.status = InterventionStatus::Done;
                    i.done_at = Some(d);
                }
            }
        })
        .await;
        match out {
            PushOutcome::Refused { reason, .. } => {
                assert!(
                    reason.contains("before the case was opened"),
                    "{what}: {reason}"
                )
            }
            other => panic!("{what} before the opening: {other:?}"),
        }
    }
    // Today, and tomorrow (a device's clock and time zone), are not ahead.
    accepted(
        &try_change(&social, &mut doc, |k: &mut CaseDoc| {
            k.closed_at = Some(day(1));
            k.outcome = Some(Outcome::NotEmerged);
            k.reviews.push(Review {
                at: day(0),
                note: "synthetic".into(),
                by: sara.id,
            });
        })
        .await,
    );
}

/// A server with a field worker's person and a social-services expert's case for them
/// (seeds `seed` and `seed + 1`): the server, the expert's session and the case.
async fn one_case(seed: u8, name: &str) -> (TestServer, Api, DeviceDoc) {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let sara = s.add_user("sara", Role::SocialExpert, "pua");
    let phone = Api::login(&s, "marta").await;
    let social = Api::login(&s, "sara").await;
    let p = person(&marta, seed, name);
    accepted(&phone.push_one(&mut phone.typed(&p)).await);
    let mut doc = social.typed(&case_for(&sara, seed + 1, &p));
    accepted(&social.push_one(&mut doc).await);
    (s, social, doc)
}

/// The attacker's fifteenth probe: a case pushed with a case manager of NUL, TAB and a
/// formula, or a labour expert starting with U+202E, reached the workload CSV and the
/// dashboard. Those names hold no control character nor a mark that reorders text.
#[tokio::test]
async fn who_follows_a_case_is_named_without_hidden_characters() {
    let (_s, social, mut doc) = one_case(80, "Synthetic Named").await;
    for bad in [
        "\u{0}\t=1+1",
        "\u{202E}arieS",
        "lav\u{200F}oro",
        "x\u{61C}y",
    ] {
        for field in ["case_manager", "labour_expert"] {
            let out = try_change(&social, &mut doc, |k: &mut CaseDoc| match field {
                "case_manager" => k.case_manager = bad.into(),
                _ => k.labour_expert = bad.into(),
            })
            .await;
            assert!(
                matches!(out, PushOutcome::Refused { .. }),
                "{field} {bad:?}: {out:?}"
            );
        }
    }
    accepted(
        &try_change(&social, &mut doc, |k: &mut CaseDoc| {
            k.case_manager = "Sara Rossi".into();
            k.labour_expert = "ليلى".into();
        })
        .await,
    );
}

/// The attacker's sixteenth probe: a case pushed with a judgement of `=HYPERLINK("x")`
/// was kept. Access conditions, the meeting's mode, criteria and the judgement are codes
/// of the PUA's rules; anything else is refused, and a code is taken.
#[tokio::test]
async fn a_case_holds_codes_of_the_rules_where_the_rules_give_codes() {
    let (_s, social, mut doc) = one_case(82, "Synthetic Coded").await;
    for bad in ["=HYPERLINK(\"x\")", "Sfruttamento", "a b", &"x".repeat(41)] {
        for field in ["judgement", "mode", "access", "criteria"] {
            let out = try_change(&social, &mut doc, |k: &mut CaseDoc| match field {
                "judgement" => k.assessment.judgement = bad.into(),
                "mode" => k.first_meeting.mode = bad.into(),
                "access" => k.access.push(bad.into()),
                _ => k.eligibility.criteria.push(bad.into()),
            })
            .await;
            assert!(
                matches!(out, PushOutcome::Refused { .. }),
                "{field} {bad:?}: {out:?}"
            );
        }
    }
    accepted(
        &try_change(&social, &mut doc, |k: &mut CaseDoc| {
            k.assessment.judgement = "at_risk".into();
            k.first_meeting.mode = "street_unit".into();
            k.access.push("referred_by_partner".into());
        })
        .await,
    );
    let stored = get(&social, &format!("/api/cases/{}", doc.id)).await;
    assert_eq!(stored["row"]["case"]["assessment"]["judgement"], "at_risk");
}

/// The attacker's sixteenth probe: a case named `rules_version` 9999, kept, and read as
/// version 1. A case is assessed under a version the PUA published, or none yet (0).
#[tokio::test]
async fn a_case_names_only_a_version_of_the_rules_the_pua_published() {
    let (_s, social, mut doc) = one_case(83, "Synthetic Versioned").await;
    for bad in [9999, 2, u64::MAX] {
        let out = try_change(&social, &mut doc, |k: &mut CaseDoc| k.rules_version = bad).await;
        assert!(matches!(out, PushOutcome::Refused { .. }), "{bad}: {out:?}");
    }
    accepted(&try_change(&social, &mut doc, |k: &mut CaseDoc| k.rules_version = 1).await);
    let stored = get(&social, &format!("/api/cases/{}", doc.id)).await;
    assert_eq!(stored["row"]["case"]["rules_version"], 1);
}
