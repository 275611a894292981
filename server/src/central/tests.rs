//! The index's derived counts — first contacts, referrals per contact, rows per team,
//! team and person numbers with merges — stay equal to a count made afresh from its
//! rows, whatever order records arrive, change and leave in.

use std::collections::HashMap;

use strada_shared::central::{ConsentRecord, PathStep, PersonRecord, ReferralRecord};
use strada_shared::domain::{DocumentStatus, NeedCategory};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::ReferralStatus;
use strada_shared::vocab::{ConsentStatus, Gender};

use super::Index;
use crate::storage::Projection;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn id(kind: u8, n: u64) -> DocId {
    DocId::new_v7(1_760_000_000_000 + n, [kind; 10])
}

fn team(n: u64) -> TeamId {
    TeamId::parse(["bassa-1", "alta-2", "centro"][n as usize % 3]).expect("team")
}

fn user() -> UserId {
    UserId::new_v7(1_700_000_000_000, [9; 10])
}

fn day(n: u64) -> String {
    format!("2026-0{}-{:02}T10:00:00Z", 1 + n % 9, 1 + n % 28)
}

fn person(n: u64, merged_into: Option<DocId>, t: u64) -> Projection {
    Projection::Person(Box::new(PersonRecord {
        id: id(1, n),
        team: team(t),
        aliases: vec![format!("P{n}")],
        birth_year: None,
        birth_year_estimated: false,
        gender: Gender::default(),
        country: String::new(),
        languages: vec![],
        phone: None,
        documents: DocumentStatus::default(),
        usual_place: String::new(),
        consent: ConsentRecord {
            status: ConsentStatus::Given,
            at: day(0),
            recorded_by: user(),
            partners: vec![],
        },
        author: user(),
        merged_into,
        conflicts: vec![],
        created_at: day(0),
        received_at: day(0),
        updated_at: day(0),
        heads: vec![],
    }))
}

fn contact(n: u64, person: Option<DocId>, at: u64, t: u64) -> Projection {
    let Projection::Contact(mut c) = crate::storage::story::record(id(2, n), &day(at)) else {
        unreachable!("the story's record is a contact")
    };
    c.person_id = person;
    c.team = team(t);
    Projection::Contact(c)
}

fn referral(n: u64, contact: DocId, t: u64) -> Projection {
    Projection::Referral(Box::new(ReferralRecord {
        id: id(3, n),
        contact,
        person_id: None,
        person_name: None,
        group_people: None,
        need: NeedCategory::Food,
        partner: "Caritas".into(),
        service_id: None,
        organisation: None,
        status: ReferralStatus::Proposed,
        status_since: day(1),
        conflict: false,
        history: vec![],
        path: vec![PathStep {
            status: ReferralStatus::Proposed,
            at: day(1),
        }],
        outcome: String::new(),
        conflicts: vec![],
        author: user(),
        team: team(t),
        created_at: day(1),
        received_at: day(1),
        updated_at: day(1),
        heads: vec![],
    }))
}

/// Everything derived, checked against its rows.
fn check(index: &Index) {
    let mut first: HashMap<DocId, i64> = HashMap::new();
    let mut rows: HashMap<&TeamId, u64> = HashMap::new();
    for c in index.contacts.values() {
        if let Some(p) = c.person {
            let e = first.entry(p).or_insert(c.occurred_at);
            *e = (*e).min(c.occurred_at);
            let counted = index.person_ids[index.survivor_no(c.person_no) as usize];
            assert_eq!(
                counted,
                index.survivor_of(p),
                "the person counts as their survivor"
            );
        }
        assert_eq!(&index.team_names[c.team_no as usize], &c.team);
        *rows.entry(&c.team).or_default() += 1;
    }
    for p in index.persons.values() {
        *rows.entry(&p.team).or_default() += 1;
    }
    // A person's latest contact read from their own contacts (and their merged records'),
    // as the persons list does for the few persons a filter leaves, is the one a pass
    // over every contact finds.
    let mut last: HashMap<DocId, i64> = HashMap::new();
    for c in index.contacts.values() {
        if let Some(p) = c.person {
            let e = last.entry(index.survivor_of(p)).or_insert(c.occurred_at);
            *e = (*e).max(c.occurred_at);
        }
    }
    for id in index.persons.keys() {
        if index.merged_away(*id) {
            continue;
        }
        let newest = index
            .contacts_of_person(*id)
            .iter()
            .filter_map(|c| index.contacts.get(c).map(|r| r.occurred_at))
            .max();
        assert_eq!(newest, last.get(id).copied(), "latest contact of {id}");
    }
    let derived: HashMap<DocId, i64> = index.first_contact.iter().map(|(k, v)| (*k, *v)).collect();
    assert_eq!(derived, first, "first contacts");
    let derived_rows: HashMap<&TeamId, u64> =
        index.team_rows.iter().map(|(k, v)| (k, *v)).collect();
    assert_eq!(derived_rows, rows, "rows per team");
    for (cid, c) in &index.contacts {
        let n = index
            .referrals
            .values()
            .filter(|r| r.contact == *cid)
            .count();
        assert_eq!(c.referrals as usize, n, "referrals of a contact");
    }
    for r in index.referrals.values() {
        assert_eq!(&index.team_names[r.team_no as usize], &r.team);
    }
}

#[test]
fn derived_counts_follow_every_arrival_change_and_departure() {
    for seed in 1..=40u64 {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ seed);
        let mut index = Index::default();
        for _ in 0..300 {
            match rng.below(10) {
                0..=1 => {
                    let n = rng.below(8);
                    // Merged into a lower-numbered person now and then (no loops).
                    let into = (n > 0 && rng.below(3) == 0).then(|| id(1, rng.below(n)));
                    index.apply(id(1, n), Some(person(n, into, rng.below(3))));
                }
                2..=5 => {
                    let n = rng.below(30);
                    let who = (rng.below(4) > 0).then(|| id(1, rng.below(10)));
                    index.apply(
                        id(2, n),
                        Some(contact(n, who, rng.below(200), rng.below(3))),
                    );
                }
                6..=7 => {
                    let n = rng.below(20);
                    index.apply(
                        id(3, n),
                        Some(referral(n, id(2, rng.below(30)), rng.below(3))),
                    );
                }
                _ => {
                    let kind = 1 + rng.below(3) as u8;
                    index.apply(id(kind, rng.below(30)), None);
                }
            }
            if index.merges_moved {
                index.settle_merges();
            }
            check(&index);
        }
    }
}

/// While the index is being built at the start, a read waits for it, and past its wait
/// gets `Building` — which the API answers 503 `index_building` with a `Retry-After`.
#[test]
fn a_read_during_the_build_at_the_start_waits_then_says_building() {
    use std::sync::atomic::Ordering;
    use std::time::Duration;

    use axum::response::IntoResponse;

    use crate::http::error::AppError;
    use crate::storage::StoreError;

    let central = std::sync::Arc::new(super::Central::default());
    // Not building: nothing to wait for.
    assert!(central.built(Duration::ZERO).is_ok());

    central.building.store(true, Ordering::SeqCst);
    assert!(matches!(
        central.built(Duration::from_millis(50)),
        Err(StoreError::Building)
    ));
    // The build ends while a read waits: the read goes on.
    let ending = {
        let central = central.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            central.building.store(false, Ordering::SeqCst);
        })
    };
    assert!(central.built(Duration::from_secs(20)).is_ok());
    ending.join().unwrap();

    let res = AppError::from(StoreError::Building).into_response();
    assert_eq!(res.status(), axum::http::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.headers()["retry-after"], "30");
    let body = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(axum::body::to_bytes(res.into_body(), 1 << 16))
        .unwrap();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"], "index_building");
    // Any other store error stays an internal one.
    let res = AppError::from(StoreError::Backend("disk".into())).into_response();
    assert_eq!(res.status(), axum::http::StatusCode::INTERNAL_SERVER_ERROR);
}
