//! Property (issue 11 §2): the central office merges and unmerges persons at random while
//! phones, offline for a while, log contacts for them (merged-away ones included) and edit
//! them. Once everyone has synced:
//! - every phone and the server hold the same heads and the same persons;
//! - no contact is lost: each one reached the server, still names the person it was
//!   logged for, and counts exactly once, under the end of its person's chain of merges;
//! - who is merged into whom is exactly what the merges not undone say;
//! - undoing every merge gives every person back as a person of their own.
//!
//! The server side is the real sync and merge code over a real sled store, without HTTP.

use std::collections::BTreeMap;

use automerge::ActorId;
use proptest::prelude::*;
use strada_server::auth::AuthUser;
use strada_server::central::Central;
use strada_server::merge::{self, MergeError};
use strada_server::storage::{SledStore, Store};
use strada_server::sync::{self as server_sync, Writer};
use strada_shared::central::{MergeRequest, UnmergeRequest};
use strada_shared::domain::{DocumentStatus, NeedCategory, PersonRef, Role};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::{self, Consent, ContactDoc, DocType, Document, PersonDoc};
use strada_shared::sync::device::{DeviceDoc, PullError};
use strada_shared::sync::{PushRequest, heads_to_strings};
use strada_shared::vocab::{ConsentStatus, Gender};

const PERSONS: usize = 5;
const NOW: i64 = 1_800_000_000_000;

#[derive(Debug, Clone)]
enum Op {
    /// A phone logs a contact for a person (as the phone last saw them).
    Contact {
        device: usize,
        person: usize,
    },
    /// A phone edits a person's usual place.
    Edit {
        device: usize,
        person: usize,
        place: String,
    },
    /// The central office merges `merged` into `survivor`.
    Merge {
        survivor: usize,
        merged: usize,
    },
    /// The central office undoes the n-th merge still in force.
    Unmerge {
        nth: usize,
    },
    Sync {
        device: usize,
    },
}

fn op(devices: usize) -> impl Strategy<Value = Op> {
    let d = 0..devices;
    let p = 0..PERSONS;
    prop_oneof![
        3 => (d.clone(), p.clone()).prop_map(|(device, person)| Op::Contact { device, person }),
        2 => (d.clone(), p.clone(), "[a-z]{1,6}").prop_map(|(device, person, place)| Op::Edit { device, person, place }),
        2 => (p.clone(), p).prop_map(|(survivor, merged)| Op::Merge { survivor, merged }),
        1 => (0..4usize).prop_map(|nth| Op::Unmerge { nth }),
        3 => d.prop_map(|device| Op::Sync { device }),
    ]
}

struct Device {
    user: AuthUser,
    actor: ActorId,
    docs: BTreeMap<DocId, DeviceDoc>,
    cursor: u64,
    baseline: u64,
}

struct World {
    store: SledStore,
    dir: std::path::PathBuf,
    writer: Writer,
    central: Central,
    reviewer: AuthUser,
    devices: Vec<Device>,
    persons: Vec<DocId>,
    /// Every contact logged: its id and the person it names.
    contacts: Vec<(DocId, DocId)>,
    /// Merges in force: merge id → (survivor, merged).
    merges: Vec<(DocId, DocId, DocId)>,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn user(i: u8, role: Role, team: &str, actor: Option<&ActorId>) -> AuthUser {
    AuthUser {
        id: UserId::new_v7(1_700_000_000_000, [i; 10]),
        username: format!("user{i}"),
        role,
        team: TeamId::parse(team).expect("team"),
        actor: actor.map(|a| a.to_bytes().to_vec()),
        session: [i; 32],
    }
}

impl World {
    fn new(n: usize) -> World {
        let dir = std::env::temp_dir().join(format!("strada-merge-{}", uuid::Uuid::now_v7()));
        let (store, _) = SledStore::open(&dir).expect("store");
        let devices = (0..n)
            .map(|i| {
                let actor = ActorId::from(vec![i as u8 + 1; 16]);
                Device {
                    user: user(1, Role::FieldWorker, "bergamo-1", Some(&actor)),
                    actor,
                    docs: BTreeMap::new(),
                    cursor: 0,
                    baseline: 0,
                }
            })
            .collect();
        let mut w = World {
            store,
            dir,
            writer: Writer::default(),
            central: Central::default(),
            reviewer: user(9, Role::CentralOffice, "pua", None),
            devices,
            persons: Vec::new(),
            contacts: Vec::new(),
            merges: Vec::new(),
        };
        // The persons, recorded on the first phone and synced to every phone.
        for i in 0..PERSONS {
            let d = &mut w.devices[0];
            let p = PersonDoc {
                id: DocId::new_v7(1_760_000_000_000 + i as u64, [i as u8 + 1; 10]),
                aliases: vec![format!("Person {i}")],
                birth_year: Some(1980 + i as i64),
                birth_year_estimated: false,
                gender: Gender::Unknown,
                country: String::new(),
                languages: vec![format!("l{i}")],
                phone: None,
                documents: DocumentStatus::Unknown,
                usual_place: String::new(),
                consent: Consent {
                    status: ConsentStatus::Given,
                    at: 1_760_000_000_000,
                    recorded_by: d.user.id,
                    partners: vec!["pua-network".into()],
                },
                author: d.user.id,
                team: d.user.team.clone(),
                created_at: 1_760_000_000_000,
                merged_into: None,
            };
            let doc = schema::create(d.actor.clone(), &p).expect("create");
            d.docs
                .insert(p.id, DeviceDoc::new(p.id, DocType::Person, doc));
            w.persons.push(p.id);
        }
        w.settle();
        w
    }

    fn apply(&mut self, op: &Op) {
        match op {
            Op::Contact { device, person } => {
                let pid = self.persons[*person];
                let n = self.contacts.len() as u64;
                let d = &mut self.devices[*device];
                let alias = d
                    .docs
                    .get(&pid)
                    .and_then(|dd| schema::read::<PersonDoc>(&dd.doc).ok())
                    .and_then(|p| p.aliases.first().cloned())
                    .unwrap_or_else(|| "Someone".into());
                let c = ContactDoc {
                    id: DocId::new_v7(1_770_000_000_000 + n, [*device as u8 + 100; 10]),
                    occurred_at: 1_770_000_000_000,
                    person: PersonRef::Alias(alias),
                    person_id: Some(pid),
                    needs: vec![NeedCategory::Food],
                    author: d.user.id,
                    team: d.user.team.clone(),
                    consent: ConsentStatus::Given,
                    ..ContactDoc::blank()
                };
                let doc = schema::create(d.actor.clone(), &c).expect("create");
                d.docs
                    .insert(c.id, DeviceDoc::new(c.id, DocType::Contact, doc));
                self.contacts.push((c.id, pid));
            }
            Op::Edit {
                device,
                person,
                place,
            } => {
                let pid = self.persons[*person];
                let d = &mut self.devices[*device];
                let Some(dd) = d.docs.get_mut(&pid) else {
                    return;
                };
                // As the app saves a form: the worker's copy, with the fields only the
                // server writes taken from the document as it is now.
                let current: PersonDoc = schema::read(&dd.doc).expect("read");
                let mut edit = current.clone();
                edit.usual_place = place.clone();
                edit.keep_server_fields(&current);
                schema::update(&mut dd.doc, &edit).expect("update");
            }
            Op::Merge { survivor, merged } => {
                let req = MergeRequest {
                    survivor: self.persons[*survivor],
                    merged: self.persons[*merged],
                    reason: "same person".into(),
                    keep: BTreeMap::new(),
                    withdraw_consent: true,
                };
                match merge::merge(&self.store, &self.writer, &self.reviewer, &req, NOW) {
                    Ok(done) => {
                        self.merges.push((
                            done.record.id,
                            done.record.survivor,
                            done.record.merged,
                        ));
                    }
                    Err(MergeError::Invalid(_)) => assert_eq!(survivor, merged),
                    Err(MergeError::AlreadyMerged(_)) => {
                        assert!(
                            self.merges
                                .iter()
                                .any(|(_, _, m)| *m == req.merged || *m == req.survivor)
                        );
                    }
                    Err(e) => panic!("merge failed: {e}"),
                }
            }
            Op::Unmerge { nth } => {
                if self.merges.is_empty() {
                    return;
                }
                let at = nth % self.merges.len();
                let (id, survivor, _) = self.merges[at];
                let req = UnmergeRequest {
                    merge: id,
                    reason: "not the same".into(),
                };
                match merge::unmerge(&self.store, &self.writer, &self.reviewer, &req, NOW) {
                    Ok(_) => {
                        self.merges.remove(at);
                    }
                    // Undone from the end of a chain only.
                    Err(MergeError::SurvivorMergedSince) => {
                        assert!(self.merges.iter().any(|(_, _, m)| *m == survivor));
                    }
                    Err(e) => panic!("unmerge failed: {e}"),
                }
            }
            Op::Sync { device } => {
                self.push(*device);
                self.pull(*device);
            }
        }
    }

    fn unmerge(&mut self, id: DocId) {
        let req = UnmergeRequest {
            merge: id,
            reason: "not the same".into(),
        };
        merge::unmerge(&self.store, &self.writer, &self.reviewer, &req, NOW).expect("unmerge");
    }

    fn push(&mut self, device: usize) {
        let d = &mut self.devices[device];
        let mut entries = Vec::new();
        let mut sent = Vec::new();
        for dd in d.docs.values_mut() {
            if dd.is_pending() {
                let (e, s) = dd.push_entry();
                entries.push(e);
                sent.push(s);
            }
        }
        if entries.is_empty() {
            return;
        }
        let res = server_sync::push(
            &self.store,
            &self.writer,
            &d.user,
            PushRequest { docs: entries },
            NOW,
        )
        .expect("push");
        for (s, r) in sent.iter().zip(&res.response.results) {
            assert!(
                matches!(r.outcome, strada_shared::sync::PushOutcome::Accepted { .. }),
                "a phone's change was refused: {:?}",
                r.outcome
            );
            d.docs
                .get_mut(&s.id)
                .expect("doc")
                .on_push_outcome(s, &r.outcome);
        }
    }

    fn pull(&mut self, device: usize) {
        let d = &mut self.devices[device];
        loop {
            let page = server_sync::pull(&self.store, &d.user, d.cursor, Some(d.baseline), 0)
                .expect("pull");
            let mut repair = Vec::new();
            for p in &page.docs {
                let res = match d.docs.get_mut(&p.id) {
                    Some(dd) => dd.merge_pulled(p),
                    None => DeviceDoc::from_pulled(p, d.actor.clone()).map(|dd| {
                        d.docs.insert(p.id, dd);
                    }),
                };
                match res {
                    Ok(()) => {}
                    Err(PullError::NeedsSnapshot) => repair.push(p.id),
                    Err(e) => panic!("merge failed: {e}"),
                }
            }
            for p in server_sync::snapshots(&self.store, &d.user, &repair, 0).expect("snapshots") {
                match d.docs.get_mut(&p.id) {
                    Some(dd) => dd.merge_pulled(&p).expect("snapshot merges"),
                    None => {
                        d.docs.insert(
                            p.id,
                            DeviceDoc::from_pulled(&p, d.actor.clone()).expect("snapshot"),
                        );
                    }
                }
            }
            d.cursor = d.cursor.max(page.cursor);
            if !page.more {
                d.baseline = d.cursor;
                return;
            }
        }
    }

    fn settle(&mut self) {
        for _ in 0..2 {
            for i in 0..self.devices.len() {
                self.push(i);
            }
            for i in 0..self.devices.len() {
                self.pull(i);
            }
        }
    }

    fn server_person(&self, id: DocId) -> PersonDoc {
        let stored = self.store.doc(id).expect("doc").expect("present");
        let doc = automerge::AutoCommit::load(&stored.bytes).expect("load");
        schema::read(&doc).expect("a person")
    }

    /// Everyone holds what the server holds, and the links are what the merges say.
    fn check(&mut self) -> Result<(), TestCaseError> {
        let ids = self.store.doc_ids().expect("ids");
        prop_assert_eq!(ids.len(), PERSONS + self.contacts.len(), "no contact lost");
        for id in &ids {
            let stored = self.store.doc(*id).expect("doc").expect("present");
            let mut server_doc = automerge::AutoCommit::load(&stored.bytes).expect("load");
            let heads = heads_to_strings(&server_doc.get_heads());
            for d in &mut self.devices {
                let dd = d.docs.get_mut(id).expect("every phone has every document");
                prop_assert!(!dd.is_pending());
                prop_assert_eq!(heads_to_strings(&dd.doc.get_heads()), heads.clone());
            }
        }
        // Contacts still name the person they were logged for.
        for (c, p) in &self.contacts {
            let stored = self.store.doc(*c).expect("doc").expect("present");
            let doc = automerge::AutoCommit::load(&stored.bytes).expect("load");
            let contact: ContactDoc = schema::read(&doc).expect("a contact");
            prop_assert_eq!(contact.person_id, Some(*p));
        }
        // Who is merged into whom: exactly the merges in force.
        let want: BTreeMap<DocId, DocId> = self.merges.iter().map(|(_, s, m)| (*m, *s)).collect();
        for p in &self.persons {
            prop_assert_eq!(self.server_person(*p).merged_into, want.get(p).copied());
        }
        // Each contact counts once, under the end of its person's chain.
        let end = |mut p: DocId| {
            while let Some(s) = want.get(&p) {
                p = *s;
            }
            p
        };
        let mut expected: BTreeMap<DocId, usize> = self
            .persons
            .iter()
            .filter(|p| !want.contains_key(p))
            .map(|p| (*p, 0))
            .collect();
        for (_, p) in &self.contacts {
            *expected.entry(end(*p)).or_default() += 1;
        }
        let counted = self.central.contacts_by_person(&self.store).expect("index");
        prop_assert_eq!(counted, expected);
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn merges_and_unmerges_with_offline_phones_converge_and_lose_no_contact(
        (n, ops) in (2usize..=3).prop_flat_map(|n| (Just(n), proptest::collection::vec(op(n), 1..40)))
    ) {
        let mut w = World::new(n);
        for o in &ops {
            w.apply(o);
        }
        w.settle();
        w.check()?;
        // Every merge undone, newest first: every person is a person of their own again.
        while let Some((id, _, _)) = w.merges.pop() {
            w.unmerge(id);
        }
        w.settle();
        w.check()?;
        for p in w.persons.clone() {
            prop_assert_eq!(w.server_person(p).merged_into, None);
        }
    }
}
