//! Least privilege, role by role (issue 12 §4): every route of the API for every role, as
//! the OpenAPI description says who may call it (`x-strada-roles`, derived from the same
//! capabilities the handlers check), and every document type — who may create it, who
//! receives it.

use std::collections::BTreeMap;

use automerge::AutoCommit;
use serde_json::Value;
use strada_server::testing::TestServer;
use strada_shared::domain::{PersonRef, Role};
use strada_shared::ids::{DocId, TeamId};
use strada_shared::schema::pua_rules::{PuaRulesDoc, rules_id};
use strada_shared::schema::{self, CaseDoc, ContactDoc, DocType, JobOfferDoc, ReferralDoc};
use strada_shared::sync::device::DeviceDoc;
use strada_shared::sync::{PushOutcome, RefusalCode};

use crate::consent::{accepted, person, referral};
use crate::helpers::{Api, contact_for};

const TEAM: &str = "bergamo-1";

/// A signed-in device of every role.
async fn everyone(s: &TestServer) -> Vec<(Role, strada_server::storage::StoredUser, Api)> {
    let mut out = Vec::new();
    for role in Role::ALL {
        let name = format!("u-{}", role.as_str().replace('_', "-"));
        let team = if role == Role::FieldWorker {
            TEAM
        } else {
            "pua"
        };
        let user = s.add_user(&name, role, team);
        let api = Api::login(s, &name).await;
        out.push((role, user, api));
    }
    out
}

/// A path of the description with its parameters filled in.
fn concrete(path: &str) -> String {
    path.replace(
        "{id}",
        &DocId::new_v7(1_760_000_000_000, [9; 10]).to_string(),
    )
    .replace("{name}", "nobody")
    .replace("{list}", "persons")
}

#[tokio::test]
async fn every_route_answers_each_role_as_its_description_says() {
    let s = TestServer::start().await;
    let users = everyone(&s).await;
    let client = reqwest::Client::new();
    let doc: Value = client
        .get(s.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut checked = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        // Signing in and out, and the live stream (a ticket, not a session), are tested
        // on their own; calling them here would end the sessions the loop uses.
        if path.starts_with("/api/auth/") || path == "/api/sync/events" {
            continue;
        }
        for (method, op) in ops.as_object().unwrap() {
            let allowed: Vec<&str> = op["x-strada-roles"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r.as_str().unwrap())
                .collect();
            for (role, _, api) in &users {
                let url = s.url(&concrete(path));
                let req = match method.as_str() {
                    "get" => client.get(&url),
                    "post" => client.post(&url).json(&serde_json::json!({})),
                    "put" => client.put(&url).json(&serde_json::json!({})),
                    other => panic!("a method the test does not know: {other}"),
                };
                let status = req.bearer_auth(&api.token).send().await.unwrap().status();
                let may = allowed.contains(&role.as_str());
                let what = format!("{} {method} {path}: {status}", role.as_str());
                assert_ne!(status, 401, "{what}");
                if may {
                    assert_ne!(status, 403, "{what} (allowed)");
                } else if method == "get" {
                    assert_eq!(status, 403, "{what} (not allowed)");
                } else {
                    // A body the route cannot read may be refused before the role is
                    // looked at; never done.
                    assert!(!status.is_success(), "{what} (not allowed)");
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 40 * Role::ALL.len(), "{checked}");
}

#[tokio::test]
async fn every_document_type_is_written_and_received_only_by_the_roles_whose_work_it_is() {
    let s = TestServer::start().await;
    let users = everyone(&s).await;
    let field = users.iter().find(|u| u.0 == Role::FieldWorker).unwrap();
    let social = users.iter().find(|u| u.0 == Role::SocialExpert).unwrap();
    let labour = users.iter().find(|u| u.0 == Role::LabourExpert).unwrap();

    // One document of each type, written by whose work it is.
    let p = person(&field.1, 1, "Synthetic Authz");
    accepted(&field.2.push_one(&mut field.2.typed(&p)).await);
    let c = ContactDoc {
        person: PersonRef::Alias(p.aliases[0].clone()),
        person_id: Some(p.id),
        ..contact_for(&field.1, 2)
    };
    accepted(&field.2.push_one(&mut field.2.doc(&c)).await);
    let r = referral(&field.1, 3, c.id);
    accepted(&field.2.push_one(&mut field.2.typed(&r)).await);
    let case = CaseDoc::new(
        DocId::new_v7(1_760_000_000_004, [4; 10]),
        p.id,
        p.team.clone(),
        social.1.id,
        1_760_000_000_000,
        "2026-03-02".into(),
    );
    accepted(&social.2.push_one(&mut social.2.typed(&case)).await);
    let offer = |author: &strada_server::storage::StoredUser, seed: u8| JobOfferDoc {
        id: DocId::new_v7(1_760_000_000_000 + u64::from(seed), [seed; 10]),
        employer: "Synthetic employer".into(),
        sector: strada_shared::vocab::Sector::Logistics,
        area: String::new(),
        place: None,
        positions: 1,
        languages: vec![],
        from: None,
        to: None,
        note: String::new(),
        author: author.id,
        team: author.team.clone(),
        created_at: 1_760_000_000_000,
    };
    let o = offer(&labour.1, 5);
    accepted(&labour.2.push_one(&mut labour.2.typed(&o)).await);
    // The rules exist once a case role asked for them.
    assert_eq!(social.2.get("/api/rules").await.status(), 200);

    // Who may create each type: the table of the roles.
    let may_create = |role: Role, t: DocType| match t {
        DocType::Person | DocType::Contact | DocType::Referral => role.writes_field_documents(),
        DocType::Case => role.manages_cases(),
        DocType::JobOffer => role.writes_job_offers(),
        DocType::PuaRules => role.manages_rules(),
    };
    let mut seed = 20u8;
    for (role, user, api) in &users {
        seed += 6;
        let team = TeamId::parse(TEAM).unwrap();
        let mine = |v: &mut strada_shared::schema::PersonDoc| {
            v.team = team.clone();
        };
        let mut np = person(user, seed, "Synthetic New");
        mine(&mut np);
        let nc = ContactDoc {
            team: team.clone(),
            ..contact_for(user, seed + 1)
        };
        let nr = ReferralDoc {
            team: team.clone(),
            ..referral(user, seed + 2, c.id)
        };
        let mut ncase = case.clone();
        ncase.id = DocId::new_v7(1_760_000_000_000 + u64::from(seed) + 3, [seed + 3; 10]);
        ncase.author = user.id;
        let no = JobOfferDoc {
            id: DocId::new_v7(1_760_000_000_000 + u64::from(seed) + 4, [seed + 4; 10]),
            ..offer(user, seed + 4)
        };
        let outcomes: Vec<(DocType, PushOutcome)> = vec![
            (DocType::Person, api.push_one(&mut api.typed(&np)).await),
            (DocType::Contact, api.push_one(&mut api.doc(&nc)).await),
            (DocType::Referral, api.push_one(&mut api.typed(&nr)).await),
            (DocType::Case, api.push_one(&mut api.typed(&ncase)).await),
            (DocType::JobOffer, api.push_one(&mut api.typed(&no)).await),
        ];
        for (t, outcome) in outcomes {
            let ok = matches!(outcome, PushOutcome::Accepted { .. });
            assert_eq!(
                ok,
                may_create(*role, t),
                "{} creating a {t:?}: {outcome:?}",
                role.as_str()
            );
            if !ok {
                assert!(
                    matches!(
                        outcome,
                        PushOutcome::Refused {
                            code: RefusalCode::RoleNotAllowed,
                            ..
                        }
                    ),
                    "{} creating a {t:?}: {outcome:?}",
                    role.as_str()
                );
            }
        }
        // The rules: a new version, published on the server's document.
        let mut d = DeviceDoc::new(
            rules_id(),
            DocType::PuaRules,
            AutoCommit::new().with_actor(api.actor.clone()),
        );
        let snap = api
            .post_json(
                "/api/sync/snapshots",
                &serde_json::json!({ "ids": [rules_id()] }),
            )
            .await;
        let snap: strada_shared::sync::SnapshotsResponse = snap.json().await.unwrap();
        if let Some(pulled) = snap.docs.first() {
            d.merge_pulled(pulled).unwrap();
            let mut rules: PuaRulesDoc = schema::read(&d.doc).unwrap();
            let next = rules.current().unwrap().clone();
            rules.publish(next, user.id, strada_server::now_ms());
            schema::update(&mut d.doc, &rules).unwrap();
            let outcome = api.push_one(&mut d).await;
            assert_eq!(
                matches!(outcome, PushOutcome::Accepted { .. }),
                may_create(*role, DocType::PuaRules),
                "{} publishing rules: {outcome:?}",
                role.as_str()
            );
        } else {
            assert!(!role.reads_cases(), "{} reads the rules", role.as_str());
        }
    }

    // Who receives each of the first documents (snapshots: what a device may hold).
    let ids: BTreeMap<DocId, DocType> = [
        (p.id, DocType::Person),
        (c.id, DocType::Contact),
        (r.id, DocType::Referral),
        (case.id, DocType::Case),
        (o.id, DocType::JobOffer),
        (rules_id(), DocType::PuaRules),
    ]
    .into();
    for (role, _, api) in &users {
        let res = api
            .post_json(
                "/api/sync/snapshots",
                &serde_json::json!({ "ids": ids.keys().collect::<Vec<_>>() }),
            )
            .await;
        let got: strada_shared::sync::SnapshotsResponse = res.json().await.unwrap();
        let got: Vec<DocType> = got.docs.iter().map(|d| ids[&d.id]).collect();
        let want: Vec<DocType> = ids
            .values()
            .copied()
            .filter(|t| match role {
                Role::Auditor => false,
                Role::FieldWorker => !t.central_only(),
                r => !t.central_only() || r.reads_cases(),
            })
            .collect();
        let (mut got, mut want) = (got, want);
        got.sort_by_key(|t| t.as_str());
        want.sort_by_key(|t| t.as_str());
        assert_eq!(got, want, "{} receives", role.as_str());
    }
}
