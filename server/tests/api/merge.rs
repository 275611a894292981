//! Issue 11 §2: merging persons met by different teams, and undoing it. A merge is
//! recorded, reaches the phones, counts every contact under the survivor (a contact
//! logged offline for the merged-away person too), keeps the more restrictive consent,
//! and an unmerge gives back both persons and their links exactly.

use reqwest::StatusCode;
use serde_json::{Value, json};
use strada_server::testing::TestServer;
use strada_shared::domain::{PersonRef, Role};
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc, PersonDoc};
use strada_shared::sync::RefusalCode;
use strada_shared::vocab::ConsentStatus;

use super::error_code;
use crate::consent::{accepted, person, referral, refused};
use crate::helpers::{Api, TwoTeams, contact_for, two_teams};

async fn get(api: &Api, path: &str) -> Value {
    let res = api.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    res.json().await.unwrap()
}

fn person_ids(page: &Value) -> Vec<String> {
    let mut v: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["person"]["id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn contact_ids(list: &Value) -> Vec<String> {
    let mut v: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// The person record without what any write changes (heads, times).
fn stable(mut p: Value) -> Value {
    for k in ["heads", "updated_at", "received_at"] {
        p.as_object_mut().unwrap().remove(k);
    }
    p
}

fn contact_of(user: &strada_server::storage::StoredUser, seed: u8, p: &PersonDoc) -> ContactDoc {
    ContactDoc {
        person: PersonRef::Alias(p.aliases[0].clone()),
        person_id: Some(p.id),
        ..contact_for(user, seed)
    }
}

#[tokio::test]
async fn a_merge_counts_everything_under_the_survivor_reaches_the_phones_and_unmerges_exactly() {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let here = PersonDoc {
        phone: Some("+39 333 1234567".into()),
        languages: vec!["ar".into(), "fr".into()],
        ..person(&marta, 40, "Mohamed Diallo")
    };
    let there = PersonDoc {
        phone: Some("3331234567".into()),
        birth_year: Some(1991),
        country: "Mali".into(),
        ..person(&luca, 41, "محمد ديالو")
    };
    let mut here_doc = bg.typed(&here);
    accepted(&bg.push_one(&mut here_doc).await);
    let mut there_doc = cr.typed(&there);
    accepted(&cr.push_one(&mut there_doc).await);
    let c_here = contact_of(&marta, 50, &here);
    let c_there = contact_of(&luca, 51, &there);
    accepted(&bg.push_one(&mut bg.doc(&c_here)).await);
    accepted(&cr.push_one(&mut cr.doc(&c_there)).await);
    // Cremona refers the person it met to a shelter.
    let shelter = schema::ReferralDoc {
        person_id: Some(there.id),
        ..referral(&luca, 70, c_there.id)
    };
    accepted(&cr.push_one(&mut cr.typed(&shelter)).await);

    let central = Api::login(&s, "centrale").await;
    let before_here = get(&central, &format!("/api/persons/{}", here.id)).await;
    let before_there = get(&central, &format!("/api/persons/{}", there.id)).await;
    assert_eq!(get(&central, "/api/persons/duplicates").await["total"], 1);

    // Bad requests: no reason, the same person twice, a field a merge does not choose.
    for (body, code) in [
        (
            json!({"survivor": here.id, "merged": there.id, "reason": "  "}),
            "invalid_merge",
        ),
        (
            json!({"survivor": here.id, "merged": here.id, "reason": "x"}),
            "invalid_merge",
        ),
        (
            json!({"survivor": here.id, "merged": there.id, "reason": "x", "keep": {"aliases": "merged"}}),
            "invalid_merge",
        ),
    ] {
        let res = central.post_json("/api/persons/merge", &body).await;
        assert_eq!(res.status(), 400);
        assert_eq!(res.json::<Value>().await.unwrap()["error"], code);
    }
    // Field workers may not merge.
    let body = json!({
        "survivor": here.id, "merged": there.id,
        "reason": "same phone, same name in two scripts",
        "keep": {"birth_year": "merged", "country": "merged"},
    });
    assert_eq!(
        bg.post_json("/api/persons/merge", &body).await.status(),
        403
    );

    let res = central.post_json("/api/persons/merge", &body).await;
    assert_eq!(res.status(), 200);
    let record: Value = res.json().await.unwrap();
    assert_eq!(record["survivor"], here.id.to_string());
    assert_eq!(record["merged"], there.id.to_string());
    assert_eq!(record["reason"], "same phone, same name in two scripts");
    assert_eq!(record["kept"]["birth_year"], "merged");
    // Both said man: no choice (a walk: «Genere: dalla scheda rimasta» was noise).
    assert!(record["kept"].get("gender").is_none(), "{record}");
    assert_eq!(record["consent"], "given");
    assert!(record["undone"].is_null());
    // Twice: a clear 409.
    let res = central.post_json("/api/persons/merge", &body).await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "already_merged"
    );

    // One person in the list, found by either spelling, with both contacts and teams.
    let persons = get(&central, "/api/persons").await;
    assert_eq!(person_ids(&persons), vec![here.id.to_string()]);
    assert_eq!(persons["items"][0]["contacts"], 2);
    assert_eq!(
        persons["items"][0]["teams"],
        json!(["bergamo-1", "cremona-2"])
    );
    let found = get(&central, "/api/persons?q=%D9%85%D8%AD%D9%85%D8%AF").await;
    assert_eq!(person_ids(&found), vec![here.id.to_string()]);
    let page = get(&central, &format!("/api/persons/{}", here.id)).await;
    assert_eq!(contact_ids(&page["contacts"]), {
        let mut v = vec![c_here.id.to_string(), c_there.id.to_string()];
        v.sort();
        v
    });
    assert_eq!(page["person"]["birth_year"], 1991);
    assert_eq!(page["person"]["country"], "Mali");
    assert_eq!(
        page["person"]["aliases"],
        json!(["Mohamed Diallo", "محمد ديالو"])
    );
    assert_eq!(page["merged"][0]["id"], there.id.to_string());
    assert_eq!(page["merges"][0]["id"], record["id"]);
    // Both sides of the merge named with their teams (two records of one name).
    assert_eq!(page["person_teams"][here.id.to_string()], "bergamo-1");
    assert_eq!(page["person_teams"][there.id.to_string()], "cremona-2");
    let by_person = get(&central, &format!("/api/contacts?person={}", here.id)).await;
    assert_eq!(by_person["total"], 2);
    // The merged-away record's contact names the person it counts under (a new user's
    // walk: the list read "محمد ديالو" beside "Mohamed Diallo"); the survivor's own
    // contact needs no such name.
    let survivor_name = |list: &Value, id: DocId| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id.to_string())
            .map(|c| c["survivor_name"].clone())
            .unwrap()
    };
    assert_eq!(
        survivor_name(&by_person["items"], c_there.id),
        "Mohamed Diallo"
    );
    assert_eq!(survivor_name(&by_person["items"], c_here.id), Value::Null);
    assert_eq!(
        get(&central, &format!("/api/contacts/{}", c_there.id)).await["survivor_name"],
        "Mohamed Diallo"
    );
    assert_eq!(
        survivor_name(&page["contacts"], c_there.id),
        "Mohamed Diallo"
    );
    // The referral made for the merged-away record is for the survivor, and named so.
    let referrals = get(&central, &format!("/api/referrals?person={}", here.id)).await;
    assert_eq!(referrals["total"], 1);
    assert_eq!(referrals["items"][0]["person_name"], "Mohamed Diallo");
    let one = get(&central, &format!("/api/referrals/{}", shelter.id)).await;
    assert_eq!(one["person_name"], "Mohamed Diallo");
    // The CSVs name the survivor (a new user's walk: the contacts' CSV kept the
    // merged-away id, so two persons were counted).
    let csv = central.get("/api/csv/contacts").await.text().await.unwrap();
    assert!(!csv.contains(&there.id.to_string()), "{csv}");
    assert_eq!(csv.matches(&here.id.to_string()).count(), 2, "{csv}");
    let csv = central
        .get("/api/csv/referrals")
        .await
        .text()
        .await
        .unwrap();
    assert!(csv.contains(&here.id.to_string()), "{csv}");
    let merged_page = get(&central, &format!("/api/persons/{}", there.id)).await;
    assert_eq!(merged_page["person"]["merged_into"], here.id.to_string());
    // No longer proposed as a pair.
    assert_eq!(get(&central, "/api/persons/duplicates").await["total"], 0);

    // Luca's phone receives the merge; its own edit of the person, written from a copy
    // opened before the merge arrived, keeps it.
    let pulled = cr.pull_ok(0, 0).await;
    let doc = pulled
        .docs
        .iter()
        .find(|d| d.id == there.id)
        .expect("pulled");
    there_doc.merge_pulled(doc).unwrap();
    let on_phone: PersonDoc = schema::read(&there_doc.doc).unwrap();
    assert_eq!(on_phone.merged_into, Some(here.id));
    let mut edit = PersonDoc {
        usual_place: "Synthetic depot".into(),
        ..there.clone()
    };
    schema::Document::keep_server_fields(&mut edit, &on_phone);
    schema::update(&mut there_doc.doc, &edit).unwrap();
    accepted(&cr.push_one(&mut there_doc).await);
    // A phone may not merge or unmerge by itself.
    let mut hostile = strada_shared::sync::device::DeviceDoc::new(
        there.id,
        schema::DocType::Person,
        there_doc.doc.fork().with_actor(cr.actor.clone()),
    );
    hostile.acked = there_doc.acked.clone();
    schema::update(
        &mut hostile.doc,
        &PersonDoc {
            merged_into: None,
            ..edit.clone()
        },
    )
    .unwrap();
    refused(&cr.push_one(&mut hostile).await, RefusalCode::NotAllowed);
    let mut born_merged = cr.typed(&PersonDoc {
        merged_into: Some(here.id),
        ..person(&luca, 43, "Ibrahima")
    });
    refused(
        &cr.push_one(&mut born_merged).await,
        RefusalCode::NotAllowed,
    );

    // A central laptop keeping the survivor offline gets the merged record and its
    // contacts too.
    let laptop = Api::login(&s, "centrale").await;
    let res = laptop
        .put_json("/api/devices/me/scope", &json!({ "persons": [here.id] }))
        .await;
    assert_eq!(res.status(), 200);
    let mut held: Vec<_> = laptop
        .pull_ok(0, 0)
        .await
        .docs
        .iter()
        .map(|d| d.id)
        .collect();
    held.sort();
    let mut want = vec![here.id, there.id, c_here.id, c_there.id, shelter.id];
    want.sort();
    assert_eq!(held, want);

    // A phone that was offline logs a contact for the merged-away person: accepted, and
    // it counts under the survivor.
    let late = contact_of(&luca, 52, &there);
    accepted(&cr.push_one(&mut cr.doc(&late)).await);
    let page = get(&central, &format!("/api/persons/{}", here.id)).await;
    assert_eq!(page["contacts"].as_array().unwrap().len(), 3);
    assert_eq!(
        get(&central, "/api/persons").await["items"][0]["contacts"],
        3
    );

    // Unmerge: both persons as they were, each with its own contacts.
    let res = central
        .post_json(
            "/api/persons/unmerge",
            &json!({"merge": record["id"], "reason": ""}),
        )
        .await;
    assert_eq!(res.status(), 400);
    let res = central
        .post_json(
            "/api/persons/unmerge",
            &json!({"merge": record["id"], "reason": "different mothers' names"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let undone: Value = res.json().await.unwrap();
    assert_eq!(undone["undone"]["reason"], "different mothers' names");
    let res = central
        .post_json(
            "/api/persons/unmerge",
            &json!({"merge": record["id"], "reason": "again"}),
        )
        .await;
    assert_eq!(res.status(), 409);
    assert_eq!(
        res.json::<Value>().await.unwrap()["error"],
        "already_unmerged"
    );

    let after_here = get(&central, &format!("/api/persons/{}", here.id)).await;
    let after_there = get(&central, &format!("/api/persons/{}", there.id)).await;
    assert_eq!(
        stable(after_here["person"].clone()),
        stable(before_here["person"].clone())
    );
    // Luca's edit made while merged stays; the rest is as before.
    let mut want_there = stable(before_there["person"].clone());
    want_there["usual_place"] = json!("Synthetic depot");
    assert_eq!(stable(after_there["person"].clone()), want_there);
    assert_eq!(
        contact_ids(&after_here["contacts"]),
        vec![c_here.id.to_string()]
    );
    // Unmerged: the contact names its own person again.
    assert_eq!(
        get(&central, &format!("/api/contacts/{}", c_there.id)).await["survivor_name"],
        Value::Null
    );
    assert_eq!(contact_ids(&after_there["contacts"]).len(), 2);
    assert_eq!(
        after_here["merges"][0]["undone"]["reason"],
        "different mothers' names"
    );
    assert_eq!(person_ids(&get(&central, "/api/persons").await).len(), 2);
    let csv = central.get("/api/csv/contacts").await.text().await.unwrap();
    assert_eq!(csv.matches(&there.id.to_string()).count(), 2, "{csv}");

    // The audit log has both acts, and a restart rebuilds the same view.
    let dir = s.stop().await;
    let s = TestServer::start_in(dir).await;
    let central = Api::login(&s, "centrale").await;
    assert_eq!(person_ids(&get(&central, "/api/persons").await).len(), 2);
}

#[tokio::test]
async fn after_a_merge_the_more_restrictive_consent_holds() {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let named = PersonDoc {
        consent: strada_shared::schema::Consent {
            partners: vec!["pua-network".into(), "caritas".into()],
            ..person(&marta, 60, "Ioana").consent
        },
        ..person(&marta, 60, "Ioana")
    };
    let also = PersonDoc {
        consent: strada_shared::schema::Consent {
            partners: vec!["pua-network".into()],
            ..person(&luca, 61, "Ioana P.").consent
        },
        ..person(&luca, 61, "Ioana P.")
    };
    let mut anonymous = person(&luca, 62, "x");
    anonymous.withdraw_consent(1_760_000_000_000, luca.id);
    anonymous.consent.status = ConsentStatus::Refused;
    for (api, p) in [(&bg, &named), (&cr, &also), (&cr, &anonymous)] {
        accepted(&api.push_one(&mut api.typed(p)).await);
    }
    let central = Api::login(&s, "centrale").await;
    // Both given: the partners both consented to.
    let res = central
        .post_json(
            "/api/persons/merge",
            &json!({"survivor": named.id, "merged": also.id, "reason": "same person"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = get(&central, &format!("/api/persons/{}", named.id)).await;
    assert_eq!(
        page["person"]["consent"]["partners"],
        json!(["pua-network"])
    );
    // The person's page shows the consent as it was, then as the merge left it.
    let history = page["consent_history"].as_array().unwrap();
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(history[0]["partners"], json!(["caritas", "pua-network"]));
    assert_eq!(history[1]["partners"], json!(["pua-network"]));
    // And the consent the merged record held, under its id (a new user's walk: two
    // records each with its consent showed one entry after their merge).
    let merged = &page["merged_consent"][also.id.to_string()];
    assert_eq!(merged.as_array().map(Vec::len), Some(1), "{page}");
    assert_eq!(merged[0]["partners"], json!(["pua-network"]));
    assert_eq!(merged[0]["recorded_by"], json!(luca.id));
    // Dated as the person gave it (the merged record's consent), not at the merge
    // (found by a new user's walk), and by who recorded it.
    assert_eq!(
        page["person"]["consent"]["at"],
        get(&central, &format!("/api/persons/{}", also.id)).await["person"]["consent"]["at"]
    );
    // One refused: the survivor keeps no identifying data, and the withdrawal is final —
    // so the merge is refused unless the reviewer confirms it, and nothing changes.
    let before = get(&central, &format!("/api/persons/{}", named.id)).await;
    let res = central
        .post_json(
            "/api/persons/merge",
            &json!({"survivor": named.id, "merged": anonymous.id, "reason": "same person"}),
        )
        .await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "merge_withdraws_consent");
    let unchanged = get(&central, &format!("/api/persons/{}", named.id)).await;
    assert_eq!(unchanged["person"]["aliases"], before["person"]["aliases"]);
    assert_eq!(unchanged["merges"].as_array().map(Vec::len), Some(1));
    let res = central
        .post_json(
            "/api/persons/merge",
            &json!({"survivor": named.id, "merged": anonymous.id, "reason": "same person",
                "withdraw_consent": true}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let record: Value = res.json().await.unwrap();
    assert_eq!(record["consent"], "withdrawn");
    let page = get(&central, &format!("/api/persons/{}", named.id)).await;
    assert_eq!(page["person"]["consent"]["status"], "withdrawn");
    assert_eq!(page["person"]["aliases"], json!([]));
    // Nor do the merges' reasons, which may name the person (the attacker's twelfth
    // probe): the merges stay on record without them.
    let merges = page["merges"].as_array().unwrap();
    assert_eq!(merges.len(), 2, "{page}");
    assert!(merges.iter().all(|m| m["reason"] == ""), "{merges:?}");
    for p in [&also, &anonymous] {
        let page = get(&central, &format!("/api/persons/{}", p.id)).await;
        assert!(!page.to_string().contains("same person"), "{page}");
    }
    // The withdrawal rewrote the history: only the withdrawal is left of it.
    let history = page["consent_history"].as_array().unwrap();
    assert_eq!(history.len(), 1, "{history:?}");
    assert_eq!(history[0]["status"], "withdrawn");
    let res = central
        .post_json(
            "/api/persons/unmerge",
            &json!({"merge": record["id"], "reason": "a mistake"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = get(&central, &format!("/api/persons/{}", named.id)).await;
    assert_eq!(page["person"]["consent"]["status"], "withdrawn");
    assert_eq!(page["person"]["aliases"], json!([]));
}

#[tokio::test]
async fn merges_of_one_pair_at_once_each_way_leave_one_merge_and_no_loop() {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let central = Api::login(&s, "centrale").await;
    for round in 0..4u8 {
        let a = person(&marta, 70 + 2 * round, "Moussa");
        let b = person(&luca, 71 + 2 * round, "Musa");
        accepted(&bg.push_one(&mut bg.typed(&a)).await);
        accepted(&cr.push_one(&mut cr.typed(&b)).await);
        // Eight at once: half merge b into a, half a into b.
        let requests = (0..8).map(|i| {
            let (survivor, merged) = if i % 2 == 0 {
                (a.id, b.id)
            } else {
                (b.id, a.id)
            };
            let central = &central;
            async move {
                central
                    .post_json(
                        "/api/persons/merge",
                        &json!({"survivor": survivor, "merged": merged, "reason": "race"}),
                    )
                    .await
                    .status()
            }
        });
        let statuses = futures_util::future::join_all(requests).await;
        let ok = statuses.iter().filter(|st| **st == 200).count();
        assert_eq!(ok, 1, "round {round}: {statuses:?}");
        assert!(
            statuses.iter().all(|st| *st == 200 || *st == 409),
            "round {round}: {statuses:?}"
        );
        let pa = get(&central, &format!("/api/persons/{}", a.id)).await;
        let pb = get(&central, &format!("/api/persons/{}", b.id)).await;
        let merged_into = |p: &Value| p["person"]["merged_into"].as_str().map(str::to_string);
        let (ma, mb) = (merged_into(&pa), merged_into(&pb));
        assert!(
            ma.is_some() != mb.is_some(),
            "round {round}: exactly one of the two is merged away: {ma:?} {mb:?}"
        );
        let records = pa["merges"].as_array().map_or(0, Vec::len);
        assert_eq!(records, 1, "round {round}: one merge on record: {pa}");
    }
}

/// Found by the attacker: a withdrawal recorded on a merged-away record (a phone offline
/// at the merge) erased that record and left its names on the survivor, which the merge
/// had given them. A withdrawal is the person's: every record merged with it withdraws,
/// and their contacts keep none of the names.
#[tokio::test]
async fn a_withdrawal_on_a_merged_away_record_withdraws_the_survivor_too() {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let here = person(&marta, 90, "Bilal Hassan");
    let there = person(&luca, 91, "Bilal del magazzino");
    let mut here_doc = bg.typed(&here);
    let mut there_doc = cr.typed(&there);
    accepted(&bg.push_one(&mut here_doc).await);
    accepted(&cr.push_one(&mut there_doc).await);
    let met = contact_of(&marta, 92, &here);
    accepted(&bg.push_one(&mut bg.typed(&met)).await);
    let central = Api::login(&s, "centrale").await;
    merge_ok(&central, here.id, there.id).await;
    let page = get(&central, &format!("/api/persons/{}", here.id)).await;
    assert!(
        page["person"]["aliases"]
            .as_array()
            .unwrap()
            .contains(&json!("Bilal del magazzino"))
    );
    // Luca's phone, offline at the merge, records the withdrawal on its record.
    let mut withdrawn = there.clone();
    withdrawn.withdraw_consent(there.consent.at + 1, luca.id);
    schema::update(&mut there_doc.doc, &withdrawn).unwrap();
    accepted(&cr.push_one(&mut there_doc).await);
    // The survivor withdraws too; no name is left on it or on its contacts.
    withdrawn_without(&central, here.id, &["Bilal", "magazzino"]).await;
    let contacts = get(&central, &format!("/api/contacts?person={}", here.id)).await;
    assert!(!contacts.to_string().contains("Bilal"), "{contacts}");
}

/// A withdrawal recorded on the survivor by a phone offline at the merge (its copy has
/// not the aliases the merge added): accepted, and no name is left.
#[tokio::test]
async fn a_withdrawal_on_the_survivor_from_a_copy_older_than_the_merge_erases_every_name() {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let here = person(&marta, 100, "Karim Benali");
    let there = person(&luca, 101, "Karim del mercato");
    let mut here_doc = bg.typed(&here);
    accepted(&bg.push_one(&mut here_doc).await);
    accepted(&cr.push_one(&mut cr.typed(&there)).await);
    let central = Api::login(&s, "centrale").await;
    merge_ok(&central, here.id, there.id).await;
    // Marta's phone, offline at the merge, records the withdrawal on its own copy.
    let mut withdrawn = here.clone();
    withdrawn.withdraw_consent(here.consent.at + 1, marta.id);
    schema::update(&mut here_doc.doc, &withdrawn).unwrap();
    accepted(&bg.push_one(&mut here_doc).await);
    withdrawn_without(&central, here.id, &["Karim", "mercato"]).await;
}

/// The same on one team's two phones: one adds an alias, the other — offline, from an
/// older copy — withdraws consent; the withdrawal syncs last and wins, every name gone.
#[tokio::test]
async fn a_withdrawal_from_an_older_copy_wins_over_an_alias_added_meanwhile() {
    let TwoTeams { s, marta, bg, .. } = two_teams().await;
    let here = person(&marta, 110, "Sara Osei");
    let mut first = bg.typed(&here);
    accepted(&bg.push_one(&mut first).await);
    let other = Api::login(&s, "marta").await;
    let mut second = strada_shared::sync::device::DeviceDoc::new(
        here.id,
        schema::DocType::Person,
        first.doc.fork().with_actor(other.actor.clone()),
    );
    second.acked = first.acked.clone();
    let renamed = PersonDoc {
        aliases: vec!["Sara Osei".into(), "Sara del forno".into()],
        ..here.clone()
    };
    schema::update(&mut first.doc, &renamed).unwrap();
    accepted(&bg.push_one(&mut first).await);
    let mut withdrawn = here.clone();
    withdrawn.withdraw_consent(here.consent.at + 1, marta.id);
    schema::update(&mut second.doc, &withdrawn).unwrap();
    accepted(&other.push_one(&mut second).await);
    let central = Api::login(&s, "centrale").await;
    withdrawn_without(&central, here.id, &["Sara", "forno"]).await;
}

/// Found by the attacker's fifth probe: a merge since undone left the merged person's
/// names in the survivor's history, which the survivor's team's phones pull; and the
/// person's withdrawal later did not reach it (the records were no longer merged). A
/// withdrawal now rewrites the survivors of the person's undone merges without their
/// history (their own values kept, consent not withdrawn: another person).
#[tokio::test]
async fn a_withdrawal_erases_the_names_an_undone_merge_left_in_the_survivors_history() {
    let MergedPair {
        s: _server,
        luca,
        bg,
        cr,
        central,
        here,
        there,
        mut there_doc,
        ..
    } = merged_pair(120, "Ilir Krasniqi", "Blerina del casolare").await;
    unmerge_first(&central, here.id).await;
    // What Marta's team's phones take of the survivor: the names are in its history.
    let survivor_bytes = || async {
        let res = bg
            .post_json("/api/sync/snapshots", &json!({ "ids": [here.id] }))
            .await;
        assert_eq!(res.status(), 200);
        let body: strada_shared::sync::SnapshotsResponse = res.json().await.unwrap();
        body.docs[0].clone()
    };
    let before = survivor_bytes().await;
    let holds = |bytes: &[u8], name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
    assert!(holds(&before.data.0, "casolare"), "the test's premise");
    // Luca's phone records the withdrawal of its person.
    let mut withdrawn = there.clone();
    withdrawn.withdraw_consent(there.consent.at + 1, luca.id);
    schema::update(&mut there_doc.doc, &withdrawn).unwrap();
    accepted(&cr.push_one(&mut there_doc).await);
    withdrawn_without(&central, there.id, &["Blerina", "casolare"]).await;
    // The survivor: its own values, consent still given, and none of the names in what
    // its team's phones take (a new generation: they take it whole).
    let after = survivor_bytes().await;
    assert!(after.generation > before.generation);
    assert!(!holds(&after.data.0, "casolare") && !holds(&after.data.0, "Blerina"));
    let doc = automerge::AutoCommit::load(&after.data.0).unwrap();
    let value: PersonDoc = schema::read(&doc).unwrap();
    assert_eq!(value.aliases, here.aliases);
    assert_eq!(value.consent.status, ConsentStatus::Given);
}

/// A withdrawal that reaches a record merged with the person (its family) and, through
/// that record, the survivor of one of its undone merges: the survivor is rewritten, and
/// on record with the erasure of the record whose merge it was (it went with the first
/// erasure of the push, the person's own).
#[tokio::test]
async fn a_survivor_rewritten_for_a_withdrawal_is_on_record_with_the_merged_record_it_held() {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    s.add_user("revisore", Role::Auditor, "pua");
    let p = person(&marta, 130, "Ardit Berisha");
    let f = person(&luca, 131, "Ardit Berisa della serra");
    let x = person(&marta, 132, "Arben Berisha");
    let mut p_doc = bg.typed(&p);
    accepted(&bg.push_one(&mut p_doc).await);
    accepted(&cr.push_one(&mut cr.typed(&f)).await);
    accepted(&bg.push_one(&mut bg.typed(&x)).await);
    let central = Api::login(&s, "centrale").await;
    // F merged into X, then undone: X's history holds F's names.
    merge_ok(&central, x.id, f.id).await;
    let page = get(&central, &format!("/api/persons/{}", x.id)).await;
    let merge = page["merges"][0]["id"].clone();
    let res = central
        .post_json(
            "/api/persons/unmerge",
            &json!({"merge": merge, "reason": "two different people"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    // F merged into P, which then withdraws: the withdrawal reaches F, and through F's
    // undone merge, X.
    merge_ok(&central, p.id, f.id).await;
    let mut withdrawn = p.clone();
    withdrawn.withdraw_consent(p.consent.at + 1, marta.id);
    schema::update(&mut p_doc.doc, &withdrawn).unwrap();
    accepted(&bg.push_one(&mut p_doc).await);
    withdrawn_without(&central, p.id, &["Ardit", "serra"]).await;
    withdrawn_without(&central, f.id, &["Ardit", "serra"]).await;
    let auditor = Api::login(&s, "revisore").await;
    let page: Value = auditor.get("/api/audit").await.json().await.unwrap();
    let docs_of = |record: DocId| -> Vec<String> {
        let entry = page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["act"] == "consent_withdrawn" && e["docs"][0] == json!(record.to_string()))
            .unwrap_or_else(|| panic!("the erasure of {record} is on record: {page}"));
        serde_json::from_value(entry["docs"].clone()).unwrap()
    };
    let x_id = x.id.to_string();
    assert!(docs_of(f.id).contains(&x_id), "{page}");
    assert!(!docs_of(p.id).contains(&x_id), "{page}");
    // X itself: another person, consent given, its own names.
    let page = get(&central, &format!("/api/persons/{}", x.id)).await;
    assert_eq!(page["person"]["consent"]["status"], "given");
    assert!(!page.to_string().contains("serra"));
}

async fn merge_ok(central: &Api, survivor: DocId, merged: DocId) {
    let res = central
        .post_json(
            "/api/persons/merge",
            &json!({"survivor": survivor, "merged": merged, "reason": "same person"}),
        )
        .await;
    assert_eq!(res.status(), 200);
}

/// Two persons of two teams, each pushed by its team's phone, the second merged into the
/// first by the central office; the second's phone keeps its copy. (Keep `s`: the server
/// stops when it is dropped.)
struct MergedPair {
    s: TestServer,
    luca: strada_server::storage::StoredUser,
    bg: Api,
    cr: Api,
    central: Api,
    here: PersonDoc,
    there: PersonDoc,
    there_doc: strada_shared::sync::device::DeviceDoc,
}

async fn merged_pair(seed: u8, here: &str, there: &str) -> MergedPair {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let here = person(&marta, seed, here);
    let there = person(&luca, seed + 1, there);
    accepted(&bg.push_one(&mut bg.typed(&here)).await);
    let mut there_doc = cr.typed(&there);
    accepted(&cr.push_one(&mut there_doc).await);
    let central = Api::login(&s, "centrale").await;
    merge_ok(&central, here.id, there.id).await;
    MergedPair {
        s,
        luca,
        bg,
        cr,
        central,
        here,
        there,
        there_doc,
    }
}

/// Undoes the person's first merge.
async fn unmerge_first(central: &Api, person: DocId) {
    let page = get(central, &format!("/api/persons/{person}")).await;
    let res = central
        .post_json(
            "/api/persons/unmerge",
            &json!({"merge": page["merges"][0]["id"], "reason": "two people after all"}),
        )
        .await;
    assert_eq!(res.status(), 200);
}

/// The person's consent is withdrawn and no alias nor any of `names` is left on it.
async fn withdrawn_without(central: &Api, id: DocId, names: &[&str]) {
    let page = get(central, &format!("/api/persons/{id}")).await;
    assert_eq!(page["person"]["consent"]["status"], "withdrawn", "{page}");
    assert_eq!(page["person"]["aliases"], json!([]));
    let text = page.to_string();
    for name in names {
        assert!(!text.contains(name), "{name} left in {text}");
    }
}

/// Found by a new user's walk: A and B were judged not the same person; C was merged
/// with B, and the engine then proposed A with the merged person, and the merge went
/// through, undoing the judgement unseen. A judgement holds between persons: records
/// merged with either carry it, to the proposals and to a merge (409 until it is taken
/// back).
#[tokio::test]
async fn a_judgement_not_the_same_person_holds_through_a_merge_with_a_third_record() {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let a = PersonDoc {
        phone: Some("+39 333 7654321".into()),
        birth_year: Some(1990),
        ..person(&marta, 90, "Besnik Hoxha")
    };
    let b = PersonDoc {
        phone: Some("3337654321".into()),
        birth_year: Some(1990),
        ..person(&luca, 91, "Besnic Hoxha")
    };
    let c = PersonDoc {
        phone: Some("333 765 4321".into()),
        birth_year: Some(1990),
        ..person(&luca, 92, "Besnik Hoxa")
    };
    accepted(&bg.push_one(&mut bg.typed(&a)).await);
    accepted(&cr.push_one(&mut cr.typed(&b)).await);
    accepted(&cr.push_one(&mut cr.typed(&c)).await);
    let central = Api::login(&s, "centrale").await;
    let pairs = |page: &Value| -> Vec<[String; 2]> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let mut ids = [
                    p["a"]["id"].as_str().unwrap().to_string(),
                    p["b"]["id"].as_str().unwrap().to_string(),
                ];
                ids.sort();
                ids
            })
            .collect()
    };
    let key = |x: &PersonDoc, y: &PersonDoc| {
        let mut ids = [x.id.to_string(), y.id.to_string()];
        ids.sort();
        ids
    };
    assert_eq!(pairs(&duplicates(&central).await).len(), 3);
    let res = central
        .post_json(
            "/api/persons/not-same",
            &json!({ "a": a.id, "b": b.id, "reason": "brothers" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    // Listed among the judged pairs, with both persons, who, when and why (a field
    // worker may not read the list).
    let judged = get(&central, "/api/persons/not-same").await;
    assert_eq!(judged["total"], 1);
    // The read is on record, with the persons it showed (found by the attacker's sixth
    // probe: it was not).
    s.add_user("revisore", Role::Auditor, "pua");
    let auditor = Api::login(&s, "revisore").await;
    let log: Value = auditor.get("/api/audit").await.json().await.unwrap();
    let read = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["act"] == "read_judged")
        .unwrap_or_else(|| panic!("the read is on record: {log}"));
    for id in [a.id, b.id] {
        assert!(
            read["docs"]
                .as_array()
                .unwrap()
                .contains(&json!(id.to_string()))
        );
    }
    let j = &judged["items"][0];
    let mut names = [
        (
            j["a"]["name"].as_str().unwrap(),
            j["a"]["team"].as_str().unwrap(),
        ),
        (
            j["b"]["name"].as_str().unwrap(),
            j["b"]["team"].as_str().unwrap(),
        ),
    ];
    names.sort();
    assert_eq!(
        names,
        [("Besnic Hoxha", "cremona-2"), ("Besnik Hoxha", "bergamo-1")]
    );
    assert_eq!(j["by_name"], "centrale");
    assert_eq!(j["reason"], "brothers");
    assert_eq!(j["a"]["birth_year"], 1990);
    assert_eq!(bg.get("/api/persons/not-same").await.status(), 403);
    // B merged into C: A is not proposed with the merged person.
    let res = central
        .post_json(
            "/api/persons/merge",
            &json!({"survivor": c.id, "merged": b.id, "reason": "same phone"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        pairs(&duplicates(&central).await),
        Vec::<[String; 2]>::new()
    );
    // Nor merged with it, either way (B, merged away, is refused as such).
    for (survivor, merged) in [(&a, &c), (&c, &a)] {
        let res = central
            .post_json(
                "/api/persons/merge",
                &json!({"survivor": survivor.id, "merged": merged.id, "reason": "x"}),
            )
            .await;
        assert_eq!(res.status(), 409);
        assert_eq!(
            res.json::<Value>().await.unwrap()["error"],
            "judged_not_same"
        );
    }
    // Taken back: proposed again, and the merge goes through.
    let res = central
        .post_json(
            "/api/persons/not-same/undo",
            &json!({ "a": a.id, "b": b.id }),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(get(&central, "/api/persons/not-same").await["total"], 0);
    assert_eq!(pairs(&duplicates(&central).await), vec![key(&a, &c)]);
    let res = central
        .post_json(
            "/api/persons/merge",
            &json!({"survivor": c.id, "merged": a.id, "reason": "same phone"}),
        )
        .await;
    assert_eq!(res.status(), 200);
}

async fn duplicates(api: &Api) -> Value {
    let res = api.get("/api/persons/duplicates").await;
    assert_eq!(res.status(), 200);
    res.json::<Value>().await.unwrap()
}

/// Found by a new user's walk with two desks: the first merged a pair, the second then
/// judged the same pair "not the same person", and both stood (a merged person with a
/// judgement against itself). Two records of one person are refused as a pair (409,
/// as a second merge is); after "Separa" they may be judged.
#[tokio::test]
async fn a_pair_already_merged_cannot_be_judged_not_the_same() {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
        ..
    } = two_teams().await;
    let a = person(&marta, 93, "Hasan Dervishi");
    let b = person(&luca, 94, "Hesan Dervishi");
    accepted(&bg.push_one(&mut bg.typed(&a)).await);
    accepted(&cr.push_one(&mut cr.typed(&b)).await);
    let central = Api::login(&s, "centrale").await;
    merge_ok(&central, a.id, b.id).await;
    let pair = json!({ "a": b.id, "b": a.id, "reason": "not the same" });
    let judge = || central.post_json("/api/persons/not-same", &pair);
    let res = judge().await;
    assert_eq!(res.status(), 409);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "already_merged", "{body}");
    assert_eq!(get(&central, "/api/persons/not-same").await["total"], 0);
    // Separated, the two records are two persons again: the judgement is taken.
    let page = get(&central, &format!("/api/persons/{}", a.id)).await;
    let merge = page["merges"][0]["id"].as_str().unwrap().to_string();
    let res = central
        .post_json(
            "/api/persons/unmerge",
            &json!({ "merge": merge, "reason": "two persons" }),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(judge().await.status(), 200);
    assert_eq!(get(&central, "/api/persons/not-same").await["total"], 1);
}

/// A new user's walk: a person with a value to review was merged into another; the
/// review still listed it, and the value kept there reached nobody (the survivor kept
/// the one turned down). A merged-away person is not reviewed: the merge's reviewer
/// chose its values field by field.
#[tokio::test]
async fn a_person_merged_away_leaves_the_review_and_takes_no_choice() {
    use strada_shared::schema::DocType;
    use strada_shared::sync::device::DeviceDoc;
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let here = person(&marta, 100, "Synthetic Kept");
    let there = person(&luca, 101, "Synthetic Merged");
    accepted(&bg.push_one(&mut bg.typed(&here)).await);
    let mut on_phone = cr.typed(&there);
    accepted(&cr.push_one(&mut on_phone).await);
    // Two of Luca's devices set the birth year apart.
    let tablet = Api::login(&s, "luca").await;
    let mut on_tablet = DeviceDoc::new(
        there.id,
        DocType::Person,
        on_phone.doc.fork().with_actor(tablet.actor.clone()),
    );
    on_tablet.acked = on_phone.acked.clone();
    for (d, year) in [(&mut on_phone, 1980), (&mut on_tablet, 1985)] {
        let born = PersonDoc {
            birth_year: Some(year),
            ..there.clone()
        };
        schema::update(&mut d.doc, &born).unwrap();
    }
    accepted(&cr.push_one(&mut on_phone).await);
    accepted(&tablet.push_one(&mut on_tablet).await);
    let central = Api::login(&s, "centrale").await;
    let list = get(&central, "/api/conflicts").await;
    let item = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == there.id.to_string())
        .unwrap_or_else(|| panic!("{list}"))
        .clone();
    merge_ok(&central, here.id, there.id).await;
    let list = get(&central, "/api/conflicts").await;
    assert!(!list.to_string().contains(&there.id.to_string()), "{list}");
    let value = &item["conflicts"][0]["values"][0];
    let res = central
        .post_json(
            "/api/conflicts/resolve",
            &json!({"id": there.id, "field": "birth_year",
                    "actor": value["actor"], "counter": value["counter"]}),
        )
        .await;
    assert_eq!(res.status(), 409);
    let page = get(&central, &format!("/api/persons/{}", here.id)).await;
    assert_eq!(page["person"]["birth_year"], 1990, "{page}");
}

/// DESIGN: a device still offline that writes to a merged person lands on the survivor.
/// A phone of the merged record's team goes on writing to that record (offline at the
/// merge, or seeing only its own team's record): a phone number, a birth year and a name
/// it learnt reach the survivor (they reached nobody: the record is no longer listed).
/// An unmerge takes them back off the survivor, except what a desk changed since; the
/// record keeps them.
#[tokio::test]
async fn what_a_phone_writes_on_a_merged_record_reaches_the_survivor_until_an_unmerge() {
    use strada_shared::sync::device::DeviceDoc;
    let MergedPair {
        s: _server,
        cr,
        central,
        here,
        there,
        mut there_doc,
        ..
    } = merged_pair(130, "Samir Haddad", "Samir del mercato").await;
    // A desk writes the survivor's usual place.
    let mut d = DeviceDoc::new(
        here.id,
        strada_shared::schema::DocType::Person,
        automerge::AutoCommit::new().with_actor(central.actor.clone()),
    );
    central.take_snapshots(&mut [&mut d]).await;
    let mut placed: PersonDoc = schema::read(&d.doc).unwrap();
    placed.usual_place = "Via dei campi".into();
    schema::update(&mut d.doc, &placed).unwrap();
    accepted(&central.push_one(&mut d).await);
    // Luca's phone, from its copy of before the merge.
    let mut edited = there.clone();
    edited.phone = Some("+39 333 0000001".into());
    edited.birth_year = Some(1991);
    edited.usual_place = "Cascina".into();
    edited.aliases.push("Samir H.".into());
    schema::update(&mut there_doc.doc, &edited).unwrap();
    accepted(&cr.push_one(&mut there_doc).await);
    let page = get(&central, &format!("/api/persons/{}", here.id)).await;
    assert_eq!(page["person"]["phone"], "+39 333 0000001", "{page}");
    assert_eq!(page["person"]["birth_year"], 1991);
    // Not over what the survivor's side wrote since the merge (a new user's walk).
    assert_eq!(page["person"]["usual_place"], "Via dei campi");
    let aliases = page["person"]["aliases"].as_array().unwrap().clone();
    assert!(aliases.contains(&json!("Samir H.")), "{aliases:?}");
    assert!(aliases.contains(&json!("Samir Haddad")), "{aliases:?}");
    // The same push again carries nothing more (the record did not change).
    accepted(&cr.push_one(&mut there_doc).await);
    // A desk then corrects the survivor's birth year.
    central.take_snapshots(&mut [&mut d]).await;
    let mut corrected: PersonDoc = schema::read(&d.doc).unwrap();
    corrected.birth_year = Some(1992);
    schema::update(&mut d.doc, &corrected).unwrap();
    accepted(&central.push_one(&mut d).await);
    // Unmerged: the survivor as before the merge, but for the desk's birth year.
    unmerge_first(&central, here.id).await;
    let page = get(&central, &format!("/api/persons/{}", here.id)).await;
    assert_eq!(page["person"]["phone"], Value::Null, "{page}");
    assert_eq!(page["person"]["birth_year"], 1992);
    assert_eq!(page["person"]["usual_place"], "Via dei campi");
    assert_eq!(page["person"]["aliases"], json!(["Samir Haddad"]));
    // The record keeps what its phone wrote.
    let theirs = get(&central, &format!("/api/persons/{}", there.id)).await;
    assert_eq!(theirs["person"]["phone"], "+39 333 0000001");
    assert_eq!(theirs["person"]["usual_place"], "Cascina");
    assert_eq!(
        theirs["person"]["aliases"],
        json!(["Samir del mercato", "Samir H."])
    );
}

/// The attacker's ninth probe: 2,000 edits of a merged record, each carried, filled the
/// merge actor's share of the survivor and the unmerge was refused for good. A merge
/// carries at most `MAX_CARRIED` changes; the unmerge still works and takes them back.
#[tokio::test]
async fn a_merge_carries_a_bounded_number_of_changes_and_still_unmerges() {
    use strada_server::merge::MAX_CARRIED;
    let MergedPair {
        s: _server,
        cr,
        central,
        here,
        there,
        mut there_doc,
        ..
    } = merged_pair(140, "Omar Sy", "Omar della serra").await;
    let mut edited = there.clone();
    for n in 0..MAX_CARRIED + 5 {
        edited.phone = Some(format!("+39 333 00000{n:02}"));
        schema::update(&mut there_doc.doc, &edited).unwrap();
        accepted(&cr.push_one(&mut there_doc).await);
    }
    let page = get(&central, &format!("/api/persons/{}", here.id)).await;
    assert_eq!(
        page["person"]["phone"],
        format!("+39 333 00000{:02}", MAX_CARRIED - 1),
        "the last carried"
    );
    unmerge_first(&central, here.id).await;
    let page = get(&central, &format!("/api/persons/{}", here.id)).await;
    assert_eq!(page["person"]["phone"], Value::Null);
}

/// Found by the attacker's eleventh probe: F merged into E, E into G, then F's merge
/// undone: G kept F's names (and, after F's consent was withdrawn, still showed them to
/// G's team). Merges are undone from the end of a chain: F's merge only once E's is.
#[tokio::test]
async fn a_chain_of_merges_is_undone_from_its_end() {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let f = person(&marta, 60, "Bilal Chaudhry");
    let e = person(&luca, 61, "Bilaal Chaudhary");
    let g = person(&luca, 62, "Bilal Choudhry");
    accepted(&bg.push_one(&mut bg.typed(&f)).await);
    accepted(&cr.push_one(&mut cr.typed(&e)).await);
    accepted(&cr.push_one(&mut cr.typed(&g)).await);
    let central = Api::login(&s, "centrale").await;
    merge_ok(&central, e.id, f.id).await;
    merge_ok(&central, g.id, e.id).await;
    let aliases = |page: &Value| page["person"]["aliases"].to_string();
    assert!(
        aliases(&get(&central, &format!("/api/persons/{}", g.id)).await).contains("Bilal Chaudhry")
    );
    let merge_of = |page: &Value, merged: DocId| {
        page["merges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["merged"] == json!(merged))
            .map(|m| m["id"].clone())
            .expect("the merge")
    };
    let unmerge = |id: Value| {
        let central = &central;
        async move {
            central
                .post_json(
                    "/api/persons/unmerge",
                    &json!({"merge": id, "reason": "two people after all"}),
                )
                .await
        }
    };
    let first = merge_of(
        &get(&central, &format!("/api/persons/{}", e.id)).await,
        f.id,
    );
    let second = merge_of(
        &get(&central, &format!("/api/persons/{}", g.id)).await,
        e.id,
    );
    // F's merge first: refused, nothing changed.
    let (status, code, _) = error_code(unmerge(first.clone()).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::CONFLICT, "survivor_merged_since")
    );
    let f_page = get(&central, &format!("/api/persons/{}", f.id)).await;
    assert_eq!(f_page["person"]["merged_into"], json!(e.id));
    // From the end: E out of G, then F out of E; neither keeps F's name.
    assert_eq!(unmerge(second).await.status(), 200);
    assert_eq!(unmerge(first).await.status(), 200);
    for p in [&g, &e] {
        let page = get(&central, &format!("/api/persons/{}", p.id)).await;
        assert!(!aliases(&page).contains("Bilal Chaudhry"), "{page}");
    }
    let f_page = get(&central, &format!("/api/persons/{}", f.id)).await;
    assert_eq!(f_page["person"]["merged_into"], Value::Null);
}

/// From the attacker's eleventh probe: the merge's body took unknown keys in silence, so
/// a misspelt choice (`kept` for `keep`) merged with the survivor's values. Every body
/// of the central routes now names an unknown key and changes nothing.
#[tokio::test]
async fn a_merge_with_an_unknown_key_is_refused_and_merges_nothing() {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let a = person(&marta, 70, "Yusuf Okafor");
    let b = person(&luca, 71, "Youssouf Okafor");
    accepted(&bg.push_one(&mut bg.typed(&a)).await);
    accepted(&cr.push_one(&mut cr.typed(&b)).await);
    let central = Api::login(&s, "centrale").await;
    let res = central
        .post_json(
            "/api/persons/merge",
            &json!({"survivor": a.id, "merged": b.id, "reason": "same person",
                    "kept": {"birth_year": "merged"}}),
        )
        .await;
    let (status, code, message) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
    );
    assert!(message.contains("kept"), "{message}");
    let page = get(&central, &format!("/api/persons/{}", b.id)).await;
    assert_eq!(page["person"]["merged_into"], Value::Null);
    for (path, body) in [
        (
            "/api/persons/not-same",
            json!({"a": a.id, "b": b.id, "why": "x"}),
        ),
        (
            "/api/persons/unmerge",
            json!({"merge": a.id, "reason": "r", "x": 1}),
        ),
    ] {
        let (status, code, _) = error_code(central.post_json(path, &body).await).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
            "{path}"
        );
    }
    assert_eq!(get(&central, "/api/persons/not-same").await["total"], 0);
}

/// From the attacker's twelfth probe: a push naming another team's document told its
/// type (`type_mismatch` for a person pushed as a contact, `not_allowed` as a person).
/// A document the pusher may not write says only that.
#[tokio::test]
async fn a_push_on_another_teams_document_does_not_tell_its_type() {
    let TwoTeams {
        s: _s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let theirs = person(&luca, 80, "Kofi Mensah");
    accepted(&cr.push_one(&mut cr.typed(&theirs)).await);
    let as_person = person(&marta, 81, "Kofi");
    let as_person = PersonDoc {
        id: theirs.id,
        ..as_person
    };
    refused(
        &bg.push_one(&mut bg.typed(&as_person)).await,
        RefusalCode::NotAllowed,
    );
    let as_contact = ContactDoc {
        id: theirs.id,
        ..contact_for(&marta, 82)
    };
    refused(
        &bg.push_one(&mut bg.typed(&as_contact)).await,
        RefusalCode::NotAllowed,
    );
    // Its own team's person pushed as a contact is a type mismatch, as before.
    let mine = person(&marta, 83, "Ama Owusu");
    accepted(&bg.push_one(&mut bg.typed(&mine)).await);
    let mine_as_contact = ContactDoc {
        id: mine.id,
        ..contact_for(&marta, 84)
    };
    refused(
        &bg.push_one(&mut bg.typed(&mine_as_contact)).await,
        RefusalCode::TypeMismatch,
    );
}

/// From the attacker's twelfth probe: the reasons of merges and of "not the same person"
/// judgements, which may name the person, stayed in the data folder after a withdrawal
/// (blanked in the answers, still in sled's segments). They are sealed under keys of
/// their own, destroyed with the withdrawal; others' reasons open after a restart.
#[tokio::test]
async fn the_reasons_naming_a_withdrawn_person_leave_the_data_folder() {
    use crate::erasure::{files, holds};
    const MERGED: &str = "Canary-M4RG same phone as Kwame";
    const JUDGED: &str = "Canary-J7DG is the sister";
    const OTHERS: &str = "Canary-KEPT met twice";
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let a = person(&marta, 90, "Kwame Asante");
    let b = person(&luca, 91, "Kwame Asanti");
    let c = person(&luca, 92, "Akosua Asante");
    let (x, y) = (
        person(&marta, 93, "Ilir Hoxha"),
        person(&luca, 94, "Ilir Hoxa"),
    );
    let mut a_doc = bg.typed(&a);
    accepted(&bg.push_one(&mut a_doc).await);
    accepted(&bg.push_one(&mut bg.typed(&x)).await);
    for p in [&b, &c, &y] {
        accepted(&cr.push_one(&mut cr.typed(p)).await);
    }
    let central = Api::login(&s, "centrale").await;
    let merge = |survivor: DocId, merged: DocId, reason: &'static str| {
        let central = &central;
        async move {
            let res = central
                .post_json(
                    "/api/persons/merge",
                    &json!({"survivor": survivor, "merged": merged, "reason": reason}),
                )
                .await;
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()["id"].clone()
        }
    };
    let m = merge(a.id, b.id, MERGED).await;
    let kept = merge(x.id, y.id, OTHERS).await;
    let res = central
        .post_json(
            "/api/persons/not-same",
            &json!({"a": a.id, "b": c.id, "reason": JUDGED}),
        )
        .await;
    assert!(res.status().is_success());
    let in_folder = |dir: &std::path::Path| {
        files(dir).into_iter().any(|(_, bytes)| {
            [MERGED, JUDGED, OTHERS]
                .iter()
                .any(|c| holds(&bytes, c.as_bytes()))
        })
    };
    // Never in the clear, and read back in the answers.
    assert!(!in_folder(&s.dir));
    let page = get(&central, &format!("/api/persons/{}", a.id)).await;
    assert_eq!(page["merges"][0]["reason"], MERGED);
    assert_eq!(page["not_same"][0]["reason"], JUDGED);
    let note_key = s
        .store
        .doc_key(serde_json::from_value(m.clone()).unwrap(), 0)
        .expect("the merge's note key");

    // A withdraws.
    let mut gone = a.clone();
    gone.withdraw_consent(1_760_000_500_000, marta.id);
    schema::update(&mut a_doc.doc, &gone).unwrap();
    accepted(&bg.push_one(&mut a_doc).await);
    let page = get(&central, &format!("/api/persons/{}", a.id)).await;
    assert_eq!(page["merges"][0]["id"], m);
    assert_eq!(page["merges"][0]["reason"], "");
    assert!(
        !get(&central, "/api/persons/not-same")
            .await
            .to_string()
            .contains("Canary")
    );
    for (path, bytes) in files(&s.dir) {
        assert!(
            !holds(&bytes, &note_key),
            "{} holds the note key",
            path.display()
        );
    }
    // An unmerge's reason written after the withdrawal is not kept either (the
    // attacker's thirteenth probe: nothing would ever forget it).
    let res = central
        .post_json(
            "/api/persons/unmerge",
            &json!({"merge": m, "reason": "Canary-UNMG she is Kwame's sister"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let page = get(&central, &format!("/api/persons/{}", a.id)).await;
    assert_eq!(page["merges"][0]["undone"]["reason"], "", "{page}");
    assert!(!files(&s.dir).iter().any(|(_, b)| holds(b, b"Canary-UNMG")));
    // After a restart: still gone; the other merge's reason still opens.
    let dir = s.stop().await;
    let s = TestServer::start_in(dir).await;
    let central = Api::login(&s, "centrale").await;
    let page = get(&central, &format!("/api/persons/{}", x.id)).await;
    assert_eq!(page["merges"][0]["id"], kept);
    assert_eq!(page["merges"][0]["reason"], OTHERS);
    let page = get(&central, &format!("/api/persons/{}", a.id)).await;
    assert_eq!(page["merges"][0]["reason"], "");
    assert!(!in_folder(&s.dir));
}

/// From the attacker's thirteenth probe: a merge and a "not the same person" judgement of
/// one pair sent at the same instant both succeeded (3 pairs in 15). One of them wins.
#[tokio::test]
async fn a_merge_and_a_judgement_of_one_pair_at_once_do_not_both_succeed() {
    let TwoTeams {
        s,
        marta,
        luca,
        bg,
        cr,
    } = two_teams().await;
    let central = Api::login(&s, "centrale").await;
    for seed in 0..8u8 {
        let a = person(&marta, 100 + 2 * seed, "Chinedu Eze");
        let b = person(&luca, 101 + 2 * seed, "Chinedu Ezeh");
        accepted(&bg.push_one(&mut bg.typed(&a)).await);
        accepted(&cr.push_one(&mut cr.typed(&b)).await);
        let merge_body = json!({"survivor": a.id, "merged": b.id, "reason": "same person"});
        let judge_body = json!({"a": a.id, "b": b.id, "reason": "brothers"});
        let merge = central.post_json("/api/persons/merge", &merge_body);
        let judge = central.post_json("/api/persons/not-same", &judge_body);
        let (m, j) = tokio::join!(merge, judge);
        let ok = [m.status(), j.status()]
            .iter()
            .filter(|s| s.is_success())
            .count();
        assert_eq!(ok, 1, "merge {} and judgement {}", m.status(), j.status());
    }
}
