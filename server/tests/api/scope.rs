//! Issue 11 §1: a central browser does not download every team's documents. A central
//! office device syncs what its user wrote, plus what it chose to keep offline (teams, or
//! persons with their contacts and referrals); the rest it reads from the records.

use serde_json::{Value, json};
use strada_server::testing::TestServer;
use strada_shared::domain::{PersonRef, Role};
use strada_shared::ids::DocId;
use strada_shared::schema::ContactDoc;

use crate::consent::{accepted, person, referral};
use crate::helpers::{Api, contact_for};

fn pulled_ids(page: &strada_shared::sync::PullResponse) -> Vec<DocId> {
    let mut v: Vec<DocId> = page.docs.iter().map(|d| d.id).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<DocId>) -> Vec<DocId> {
    v.sort();
    v
}

#[tokio::test]
async fn a_central_device_syncs_only_what_it_keeps_offline_and_what_its_user_wrote() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let luca = s.add_user("luca", Role::FieldWorker, "cremona-2");
    let central_user = s.add_user("centrale", Role::CentralOffice, "pua");
    let bg = Api::login(&s, "marta").await;
    let cr = Api::login(&s, "luca").await;
    let p = person(&marta, 70, "Amina");
    accepted(&bg.push_one(&mut bg.typed(&p)).await);
    let with_p = ContactDoc {
        person: PersonRef::Alias("Amina".into()),
        person_id: Some(p.id),
        ..contact_for(&marta, 71)
    };
    let other = contact_for(&marta, 72);
    accepted(&bg.push_one(&mut bg.doc(&with_p)).await);
    accepted(&bg.push_one(&mut bg.doc(&other)).await);
    let r = referral(&marta, 73, with_p.id);
    accepted(&bg.push_one(&mut bg.typed(&r)).await);
    let far = contact_for(&luca, 74);
    accepted(&cr.push_one(&mut cr.doc(&far)).await);

    // Nothing chosen: nothing of other users, though the records are all readable.
    let laptop = Api::login(&s, "centrale").await;
    assert!(laptop.pull_ok(0, 0).await.docs.is_empty());
    let res = laptop.get("/api/contacts").await;
    assert_eq!(res.json::<Value>().await.unwrap()["total"], 3);
    // What its user writes is always there.
    let own = contact_for(&central_user, 75);
    let own = ContactDoc {
        team: strada_shared::ids::TeamId::parse("bergamo-1").unwrap(),
        ..own
    };
    accepted(&laptop.push_one(&mut laptop.doc(&own)).await);
    assert_eq!(pulled_ids(&laptop.pull_ok(0, 0).await), vec![own.id]);

    // A person kept offline: the person, their contact and its referral.
    let res = laptop
        .put_json("/api/devices/me/scope", &json!({ "persons": [p.id] }))
        .await;
    assert_eq!(res.status(), 200);
    let page: Value = res.json().await.unwrap();
    assert_eq!(page["teams"], json!(["bergamo-1", "cremona-2"]));
    assert_eq!(
        pulled_ids(&laptop.pull_ok(0, 0).await),
        sorted(vec![p.id, with_p.id, r.id, own.id])
    );
    // A team kept offline: every document of that team, none of the others.
    laptop.keep_teams(&["cremona-2"]).await;
    assert_eq!(
        pulled_ids(&laptop.pull_ok(0, 0).await),
        sorted(vec![far.id, own.id])
    );
    let res = laptop.get("/api/devices/me/scope").await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["scope"]["teams"],
        json!(["cremona-2"])
    );
    // Kept across a sign-in of the same user on the same device.
    let again = laptop.relogin(&s, "centrale").await;
    let res = again.get("/api/devices/me/scope").await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["scope"]["teams"],
        json!(["cremona-2"])
    );

    // Bad scopes, and field workers.
    let teams: Vec<String> = (0..51).map(|i| format!("team-{i}")).collect();
    let res = laptop
        .put_json("/api/devices/me/scope", &json!({ "teams": teams }))
        .await;
    assert_eq!(res.status(), 400);
    let res = laptop
        .put_json("/api/devices/me/scope", &json!({ "persons": [with_p.id] }))
        .await;
    assert_eq!(res.status(), 404, "a contact is not a person");
    // A team of the PUA only (the nineteenth probe kept «nope-team»).
    let res = laptop
        .put_json("/api/devices/me/scope", &json!({ "teams": ["nope-team"] }))
        .await;
    assert_eq!(res.status(), 404, "no such team");
    let res = laptop
        .put_json("/api/devices/me/scope", &json!({ "teams": ["Not A Slug"] }))
        .await;
    assert!(res.status().is_client_error());
    assert_eq!(bg.get("/api/devices/me/scope").await.status(), 403);
    assert_eq!(
        bg.put_json("/api/devices/me/scope", &json!({ "teams": ["cremona-2"] }))
            .await
            .status(),
        403
    );
}
