//! The demo: a fresh store gets the documents it announces, readable and scoped as if
//! pushed by each worker's device; the same seed gives the same data; a store with data
//! is refused.

use std::collections::BTreeMap;

use automerge::{ActorId, AutoCommit};
use reqwest::StatusCode;
use serde_json::{Value, json};
use strada_server::demo::{self, Options, Summary};
use strada_server::directory::DEMO_JSON;
use strada_server::storage::{SledStore, Store};
use strada_server::testing::TestServer;
use strada_shared::directory::Directory;
use strada_shared::domain::{PersonRef, Role};
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc, DocType, PersonDoc, ReferralDoc, ReferralStatus};
use strada_shared::sync::PullResponse;
use strada_shared::vocab::ConsentStatus;

/// Noon UTC, 30 November 2026: a fixed end of the demo year.
const NOW: i64 = 1_796_040_000_000;

fn opts(seed: u64) -> Options {
    Options {
        seed,
        contacts: 200,
        now_ms: NOW,
    }
}

fn directory() -> Directory {
    Directory::from_json(DEMO_JSON).unwrap()
}

fn password<'a>(s: &'a Summary, username: &str) -> &'a str {
    s.accounts
        .iter()
        .find(|a| a.username == username)
        .unwrap_or_else(|| panic!("no account {username}"))
        .password
        .expose()
}

/// Every stored document the demo wrote: id → (type, team, bytes). Not the PUA's rules,
/// which the server writes at its first start (dated then).
fn stored(store: &dyn Store) -> BTreeMap<DocId, (DocType, String, Vec<u8>)> {
    store
        .doc_ids()
        .unwrap()
        .into_iter()
        .map(|id| {
            let d = store.doc(id).unwrap().unwrap();
            (id, (d.meta.doc_type, d.meta.team.to_string(), d.bytes))
        })
        .filter(|(_, (t, _, _))| *t != DocType::PuaRules)
        .collect()
}

/// Each document's type, team and content as JSON of the typed document. Not the bytes
/// or heads: when an edit deletes several map keys at once (a consent withdrawal empties
/// the languages), autosurgeon emits the deletions in hash order, so the change bytes
/// differ between runs while the document content does not.
fn stored_content(store: &dyn Store) -> BTreeMap<DocId, (DocType, String, Vec<u8>)> {
    stored(store)
        .into_iter()
        .map(|(id, (doc_type, team, bytes))| {
            let doc = AutoCommit::load(&bytes).unwrap();
            let content = match doc_type {
                DocType::Contact => serde_json::to_vec(&schema::read::<ContactDoc>(&doc).unwrap()),
                DocType::Person => serde_json::to_vec(&schema::read::<PersonDoc>(&doc).unwrap()),
                DocType::Referral => {
                    serde_json::to_vec(&schema::read::<ReferralDoc>(&doc).unwrap())
                }
                DocType::Case => {
                    serde_json::to_vec(&schema::read::<schema::CaseDoc>(&doc).unwrap())
                }
                DocType::JobOffer => {
                    serde_json::to_vec(&schema::read::<schema::JobOfferDoc>(&doc).unwrap())
                }
                DocType::PuaRules => {
                    serde_json::to_vec(&schema::read::<schema::PuaRulesDoc>(&doc).unwrap())
                }
            }
            .unwrap();
            (id, (doc_type, team, content))
        })
        .collect()
}

async fn login(server: &TestServer, username: &str, password: &str) -> String {
    let res = reqwest::Client::new()
        .post(server.url("/api/auth/login"))
        .json(&json!({
            "username": username,
            "password": password,
            "device_actor": ActorId::random().to_hex_string(),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["token"].as_str().unwrap().to_string()
}

/// `GET path` with a session: the answer's JSON, after a 200.
async fn get_json(server: &TestServer, token: &str, path: &str) -> Value {
    let res = reqwest::Client::new()
        .get(server.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn the_demo_writes_what_it_announces_and_each_team_pulls_only_its_own() {
    let s = TestServer::start().await;
    let summary = demo::run(s.store.as_ref(), &opts(7), &directory()).unwrap();
    let docs = stored(s.store.as_ref());
    assert_eq!(summary.contacts, 200);
    assert!(
        summary.persons >= 20 && summary.referrals >= 20,
        "persons and referrals"
    );
    assert_eq!(
        docs.len(),
        summary.persons + summary.contacts + summary.referrals + summary.cases + summary.job_offers
    );
    assert!(summary.versions > docs.len(), "referrals moved along");
    assert_eq!(
        summary.per_team.iter().map(|(_, n)| n).sum::<usize>(),
        docs.len() - summary.cases - summary.job_offers
    );

    // Every document reads as its type; the mix looks like a year of outreach.
    let (mut persons, mut contacts, mut referrals) = (Vec::new(), Vec::new(), Vec::new());
    let (mut cases, mut offers) = (Vec::new(), 0usize);
    for (doc_type, team, bytes) in docs.values() {
        let doc = AutoCommit::load(bytes).unwrap();
        match doc_type {
            DocType::Person => persons.push(schema::read::<PersonDoc>(&doc).unwrap()),
            DocType::Contact => contacts.push(schema::read::<ContactDoc>(&doc).unwrap()),
            DocType::Referral => referrals.push(schema::read::<ReferralDoc>(&doc).unwrap()),
            DocType::Case => cases.push(schema::read::<schema::CaseDoc>(&doc).unwrap()),
            DocType::JobOffer => offers += 1,
            DocType::PuaRules => unreachable!("left out of `stored`"),
        }
        if !doc_type.central_only() {
            assert!(demo::data::TEAMS.iter().any(|t| t.slug == team));
        }
    }
    assert_eq!(
        (persons.len(), contacts.len(), referrals.len()),
        (summary.persons, summary.contacts, summary.referrals)
    );
    // Cases in every state, and job offers.
    assert_eq!((cases.len(), offers), (summary.cases, summary.job_offers));
    assert!(cases.len() >= 10 && offers >= 10);
    use strada_shared::vocab::Code;
    for outcome in strada_shared::vocab::Outcome::ALL {
        assert!(
            cases.iter().any(|c| c.outcome == Some(*outcome)),
            "{outcome:?}"
        );
    }
    for decision in strada_shared::vocab::Decision::ALL {
        assert!(
            cases
                .iter()
                .any(|c| c.eligibility.decision == *decision && c.is_open())
        );
    }
    assert!(
        cases
            .iter()
            .any(|c| c.interventions.values().any(|i| i.done_at.is_some()))
    );
    let year_ago = NOW - 366 * 86_400_000;
    assert!(
        contacts
            .iter()
            .all(|c| c.occurred_at > year_ago && c.occurred_at < NOW)
    );
    assert!(contacts.iter().all(|c| c.validate_entry().is_ok()));
    assert!(contacts.iter().any(|c| c.group.is_some()));
    assert!(contacts.iter().any(|c| c.consent == ConsentStatus::Refused));
    assert!(contacts.iter().any(|c| !c.indicators.is_empty()));
    assert!(persons.iter().any(|p| p.aliases.len() > 1));
    // Countries as the app records them: ISO codes, which the exchange format carries
    // (found by a new user's walk: the demo wrote "Ucraina", which no export kept).
    assert!(
        persons
            .iter()
            .filter(|p| !p.country.is_empty())
            .all(|p| strada_shared::countries::is_country(&p.country)),
        "every country is a code"
    );
    assert!(persons.iter().any(|p| !p.country.is_empty()));
    // Persons who withdrew consent are named nowhere: not in their record, not in the
    // contacts that still link to them.
    let withdrawn: Vec<_> = persons
        .iter()
        .filter(|p| p.consent.status == ConsentStatus::Withdrawn)
        .collect();
    assert!(!withdrawn.is_empty());
    for p in withdrawn {
        assert!(!p.has_identifying_data());
        let linked: Vec<_> = contacts
            .iter()
            .filter(|c| c.person_id == Some(p.id))
            .collect();
        assert!(!linked.is_empty());
        assert!(linked.iter().all(|c| c.person == PersonRef::Anonymous));
    }
    let dir = directory();
    for r in &referrals {
        let service = r.service_id.as_deref().expect("a directory service");
        let s = dir.services.iter().find(|x| x.id == service).unwrap();
        assert_eq!(r.partner, s.name);
        assert!(r.history.windows(2).all(|w| w[0].at < w[1].at));
        assert!(r.history.iter().all(|h| h.at >= r.created_at && h.at < NOW));
    }
    assert!(referrals.iter().any(|r| r.status == ReferralStatus::Closed));
    assert!(
        referrals.iter().any(|r| r.waiting_for_feedback(NOW, 7)),
        "some referrals wait for feedback"
    );

    // A field worker's device pulls its team's documents, all of them, and nothing else.
    let team = "cremona-mantova";
    let token = login(&s, "luca.crmn", password(&summary, "luca.crmn")).await;
    let client = reqwest::Client::new();
    let (mut cursor, mut pulled) = (0u64, Vec::new());
    loop {
        let res = client
            .post(s.url("/api/sync/pull"))
            .bearer_auth(&token)
            .json(&json!({ "cursor": cursor }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let page: PullResponse = res.json().await.unwrap();
        pulled.extend(page.docs.into_iter().map(|d| d.id));
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    // Never a case of a person of the team, nor a job offer.
    let expected: Vec<DocId> = docs
        .iter()
        .filter(|(_, (doc_type, t, _))| t == team && !doc_type.central_only())
        .map(|(id, _)| *id)
        .collect();
    pulled.sort();
    assert!(!expected.is_empty());
    assert_eq!(pulled, expected);

    // The central office's records list every contact.
    let central = login(
        &s,
        demo::CENTRAL_USER,
        password(&summary, demo::CENTRAL_USER),
    )
    .await;
    let page = get_json(&s, &central, "/api/contacts").await;
    assert_eq!(page["total"], summary.contacts as u64);
    // init's accounts exist too.
    for name in ["admin", "operatore"] {
        assert!(s.store.user_by_name(name).unwrap().is_some());
    }
}

#[test]
fn the_same_seed_gives_the_same_documents_and_another_seed_does_not() {
    let run = |seed: u64| {
        let dir = std::env::temp_dir().join(format!("strada-demo-{}", uuid::Uuid::now_v7()));
        let (store, _) = SledStore::open(&dir).unwrap();
        demo::run(&store, &opts(seed), &directory()).unwrap();
        let docs = stored_content(&store);
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
        docs
    };
    let a = run(3);
    let a2 = run(3);
    assert_eq!(a, a2, "same ids, types, teams and contents");
    let b = run(4);
    assert_ne!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
}

#[test]
fn the_demo_refuses_a_store_that_holds_data() {
    let dir = std::env::temp_dir().join(format!("strada-demo-{}", uuid::Uuid::now_v7()));
    let (store, _) = SledStore::open(&dir).unwrap();
    // `init`'s accounts alone are fine...
    strada_server::auth::create_user(
        &store,
        "admin",
        &strada_server::auth::Password::new("password-admin".into()),
        Role::CentralOffice,
        strada_shared::ids::TeamId::parse("pua").unwrap(),
        NOW,
    )
    .unwrap();
    // ... another user is not.
    strada_server::auth::create_user(
        &store,
        "marta",
        &strada_server::auth::Password::new("password-marta".into()),
        Role::FieldWorker,
        strada_shared::ids::TeamId::parse("bergamo-1").unwrap(),
        NOW,
    )
    .unwrap();
    let err = demo::run(&store, &opts(1), &directory()).err().unwrap();
    assert!(err.to_string().contains("fresh data folder"), "{err}");
    assert!(store.doc_ids().unwrap().is_empty(), "nothing written");
    assert_eq!(store.user_count().unwrap(), 2, "no user added");
    drop(store);

    // A store with the demo in it refuses a second demo.
    let dir2 = std::env::temp_dir().join(format!("strada-demo-{}", uuid::Uuid::now_v7()));
    let (store2, _) = SledStore::open(&dir2).unwrap();
    demo::run(&store2, &opts(1), &directory()).unwrap();
    let before = store2.doc_ids().unwrap().len();
    let err = demo::run(&store2, &opts(2), &directory()).err().unwrap();
    assert!(err.to_string().contains("already holds documents"), "{err}");
    assert_eq!(store2.doc_ids().unwrap().len(), before);
    drop(store2);
    for d in [dir, dir2] {
        std::fs::remove_dir_all(d).unwrap();
    }
}

/// Regression: with seed 3 and 600 contacts, a worker met a person a teammate had recorded
/// in the same four-hour push window; the teammate's push came after theirs, so the
/// server refused the contact (`unknown_reference`) and the demo stopped. A phone only
/// names persons it holds: recorded on it, or pushed before.
#[test]
fn the_demo_never_names_a_person_the_phone_could_not_hold_yet() {
    // The evening `strada-server demo --seed 3 --contacts 600` stopped (its year ends now).
    let evening = 1_796_158_129_000;
    for (seed, contacts, now_ms) in [(3, 600, evening), (3, 1500, evening), (5, 900, NOW)] {
        let dir = std::env::temp_dir().join(format!("strada-demo-{}", uuid::Uuid::now_v7()));
        let (store, _) = SledStore::open(&dir).unwrap();
        let opts = Options {
            seed,
            contacts,
            now_ms,
        };
        let summary = demo::run(&store, &opts, &directory());
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(
            summary.is_ok(),
            "seed {seed}, {contacts} contacts: {:?}",
            summary.err()
        );
    }
}

/// The demo leaves records for "Da rivedere": on each, two workers of the record's team
/// set a sensitive field differently while apart, and the list shows both values with
/// who wrote each and when (in the demo's last three days).
#[tokio::test]
async fn the_demo_leaves_fields_two_workers_set_differently_for_review() {
    let s = TestServer::start().await;
    // The default demo's size: records met in its last days.
    let opts = Options {
        contacts: 3000,
        ..opts(1)
    };
    let summary = demo::run(s.store.as_ref(), &opts, &directory()).unwrap();
    assert_eq!(summary.conflicts, 6);
    let token = login(&s, "centrale", password(&summary, "centrale")).await;
    let items = get_json(&s, &token, "/api/conflicts").await;
    let items = items.as_array().unwrap();
    let mut fields: Vec<&str> = items
        .iter()
        .flat_map(|i| i["conflicts"].as_array().unwrap())
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "birth_year",
            "birth_year",
            "documents",
            "phone",
            "sector",
            "sector"
        ]
    );
    let teams: BTreeMap<&str, &str> = summary
        .accounts
        .iter()
        .map(|a| (a.username.as_str(), a.team.as_str()))
        .collect();
    for item in items {
        let conflict = &item["conflicts"][0];
        let values = conflict["values"].as_array().unwrap();
        // Both edits change a record the phones already held: it was met (a contact) or
        // recorded (a person) before either.
        let since = match item["doc_type"].as_str().unwrap() {
            "contact" => item["label"].as_str().unwrap().to_string(),
            "person" => {
                let path = format!("/api/persons/{}", item["id"].as_str().unwrap());
                let page = get_json(&s, &token, &path).await;
                page["person"]["created_at"].as_str().unwrap().to_string()
            }
            other => panic!("a {other} left for review"),
        };
        let since = chrono::DateTime::parse_from_rfc3339(&since)
            .unwrap()
            .timestamp_millis();
        assert_eq!(values.len(), 2, "{conflict}");
        assert_ne!(values[0]["value"], values[1]["value"]);
        let by: Vec<&str> = values
            .iter()
            .map(|v| v["by_name"].as_str().expect("who wrote it"))
            .collect();
        assert_ne!(by[0], by[1], "two workers");
        for (name, v) in by.iter().zip(values) {
            assert_eq!(
                teams[name],
                item["team"].as_str().unwrap(),
                "a worker of the team"
            );
            let at = v["at"].as_i64().expect("when");
            assert!(at > NOW - 3 * 86_400_000 && at < NOW, "{at}");
            assert!(at > since, "written at {at}, before the record ({since})");
        }
    }
}

/// Found by a new user's walk: every demo person's consent had one entry, so a person's
/// page never showed a consent's history. A few take back their consent to share with
/// the referral services some days after they were last met, keeping the PUA's.
#[tokio::test]
async fn some_demo_persons_have_a_consent_history_to_read() {
    let s = TestServer::start().await;
    let opts = Options {
        contacts: 3000,
        ..opts(1)
    };
    let summary = demo::run(s.store.as_ref(), &opts, &directory()).unwrap();
    let token = login(&s, "centrale", password(&summary, "centrale")).await;
    let mut with_history = 0;
    let mut path = "/api/persons?limit=200".to_string();
    loop {
        let page = get_json(&s, &token, &path).await;
        for row in page["items"].as_array().unwrap() {
            let id = row["person"]["id"].as_str().unwrap();
            let person = get_json(&s, &token, &format!("/api/persons/{id}")).await;
            let history = person["consent_history"].as_array().unwrap();
            if history.len() >= 2 {
                with_history += 1;
                let last = &history[history.len() - 1];
                assert_eq!(last["status"], "given", "{history:?}");
                assert_eq!(last["partners"], serde_json::json!(["pua"]), "{history:?}");
                assert_eq!(history[0]["partners"].as_array().map(Vec::len), Some(2));
            }
        }
        match page["next"].as_str() {
            Some(cursor) => path = format!("/api/persons?limit=200&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(with_history, 3);
}
