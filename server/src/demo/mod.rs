//! `strada-server demo`: fills a fresh data folder with a synthetic year of outreach —
//! teams, field workers, persons, contacts with seasonal peaks, referrals to the demo
//! directory's services — so a newcomer sees a living app.
//!
//! Nothing here writes storage directly: every document version is written with
//! `schema::create`/`update` under the worker's own device actor and committed through
//! [`crate::sync::commit_unflushed`], the server's push path (checks, rules, metadata,
//! projection, change feed), grouped as each device would have synced it. Devices then
//! pull the demo like any other data, and the central records show it.
//!
//! # Invariants
//! - Refuses a store that holds documents or users other than `init`'s two accounts:
//!   demo data never mixes with real data.
//! - Deterministic: the same seed and the same day give the same users, ids, documents
//!   and bytes (automerge changes carry no wall-clock time unless asked to). Passwords
//!   are random and shown once.
//! - Synthetic only: invented combinations of common given names, `+39 000` phones.

pub mod cases;
mod conflicts;
pub mod data;
pub mod world;

use std::collections::HashMap;
use std::time::Instant;

use anyhow::{Context, bail};
use automerge::{ActorId, AutoCommit, ChangeHash};
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use strada_shared::directory::Directory;
use strada_shared::domain::Role;
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::{self, DocType};
use strada_shared::sync::{Bytes, MAX_PUSH_DOCS, PushDoc, PushOutcome, PushRequest};

use crate::auth::{self, AuthUser, Password};
use crate::storage::{Store, StoredDevice, StoredUser};
use crate::sync::{self, Writer};
use data::TEAMS;
use world::{DAY, Edit, Generator, Value, Worker};

/// The accounts `init` creates; the demo creates them too when missing.
pub const INIT_ACCOUNTS: [(&str, Role, &str); 2] = [
    ("admin", Role::CentralOffice, "pua"),
    ("operatore", Role::FieldWorker, "demo"),
];

/// The demo's central-office user.
pub const CENTRAL_USER: &str = "centrale";

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub contacts: usize,
    /// The demo's "now" in Unix ms: the year ends here.
    pub now_ms: i64,
}

/// An account the demo made, with its one-time password.
pub struct Account {
    pub username: String,
    pub role: Role,
    pub team: String,
    pub password: Password,
}

/// What the demo wrote.
pub struct Summary {
    pub accounts: Vec<Account>,
    pub teams: usize,
    pub persons: usize,
    pub contacts: usize,
    pub referrals: usize,
    /// Cases taken in charge, in every state, and job offers of the territory.
    pub cases: usize,
    pub job_offers: usize,
    /// Records left with a sensitive field two workers set differently while apart.
    pub conflicts: usize,
    /// Document versions committed (a referral moved three times counts four).
    pub versions: usize,
    pub pushes: usize,
    /// Bytes of the stored documents (automerge `save()` form).
    pub doc_bytes: u64,
    /// Documents per team.
    pub per_team: Vec<(String, usize)>,
    pub elapsed_ms: u128,
}

/// Whether the store already holds the demo (its central user and every demo worker):
/// `demo` then has nothing to do.
pub fn holds_demo(store: &dyn Store) -> anyhow::Result<bool> {
    if store.user_by_name(CENTRAL_USER)?.is_none() {
        return Ok(false);
    }
    for team in TEAMS {
        for name in team.workers {
            if store.user_by_name(name)?.is_none() {
                return Ok(false);
            }
        }
    }
    Ok(true)
}

/// Users `init` made and nothing else, and no document: the store may take the demo.
fn check_fresh(store: &dyn Store) -> anyhow::Result<()> {
    if store.feed_head()? > 0 || !store.doc_ids()?.is_empty() {
        bail!(
            "this data folder already holds documents: the demo fills only a fresh data folder \
             (never mixed with real data). Choose an empty folder with --data-dir."
        );
    }
    let mut init_users = 0;
    for (name, _, _) in INIT_ACCOUNTS {
        if store.user_by_name(name)?.is_some() {
            init_users += 1;
        }
    }
    if store.user_count()? > init_users {
        bail!(
            "this data folder already has users besides 'admin' and 'operatore': the demo fills \
             only a fresh data folder. Choose an empty folder with --data-dir."
        );
    }
    Ok(())
}

/// Fills a fresh store with the demo. Flushes once at the end.
pub fn run(store: &dyn Store, opts: &Options, dir: &Directory) -> anyhow::Result<Summary> {
    let started = Instant::now();
    check_fresh(store)?;
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut accounts = Vec::new();
    // `init`'s accounts, so the README's sign-in and the demo agree.
    for (name, role, team) in INIT_ACCOUNTS {
        if store.user_by_name(name)?.is_none() {
            let password = Password::generate();
            auth::create_user(
                store,
                name,
                &password,
                role,
                TeamId::parse(team)?,
                opts.now_ms,
            )?;
            accounts.push(Account {
                username: name.into(),
                role,
                team: team.into(),
                password,
            });
        }
    }
    // Demo users with ids from the seed (documents name their author).
    let created = opts.now_ms - 400 * DAY;
    let mut new_user = |rng: &mut StdRng, name: &str, role: Role, team: &str| {
        let mut random = [0u8; 10];
        rng.fill_bytes(&mut random);
        let password = Password::generate();
        let user = StoredUser {
            id: UserId::new_v7(created as u64, random),
            username: name.into(),
            role,
            team: TeamId::parse(team)?,
            password_hash: password.hash(),
            created_at: created,
            disabled_at: None,
            failed_logins: 0,
            locked_until: None,
        };
        store
            .insert_user(&user)
            .with_context(|| format!("cannot create user {name}"))?;
        accounts.push(Account {
            username: name.into(),
            role,
            team: team.into(),
            password,
        });
        anyhow::Ok(user)
    };
    new_user(&mut rng, CENTRAL_USER, Role::CentralOffice, "pua")?;
    let mut workers = Vec::new();
    let mut devices = Vec::new();
    for (ti, team) in TEAMS.iter().enumerate() {
        for name in team.workers {
            let user = new_user(&mut rng, name, Role::FieldWorker, team.slug)?;
            let mut actor = [0u8; 16];
            rng.fill_bytes(&mut actor);
            store.bind_actor(&actor, user.id)?;
            // The worker's phone, as its sign-in would have recorded it: the central
            // office sees whose device wrote what (the "Da rivedere" list names them).
            store.update_device(&actor, &mut |_| {
                Some(StoredDevice {
                    actor: hex::encode(actor),
                    user_id: user.id,
                    signed_in_at: created,
                    last_seen: opts.now_ms - DAY,
                    revoked_at: None,
                    failed_logins: 0,
                    locked_until: None,
                    scope: Default::default(),
                    key_hash: None,
                })
            })?;
            let mut auth = AuthUser::from(&user);
            auth.actor = Some(actor.to_vec());
            devices.push((ActorId::from(actor.to_vec()), auth));
            workers.push(Worker {
                team: ti,
                id: user.id,
            });
        }
    }
    let persons = (opts.contacts * 400).div_ceil(3000).max(1);
    let edits = Generator::new(rng, opts.now_ms, &workers, dir).year(opts.contacts, persons);
    let records = conflicts::Records::of(&edits, &workers, TEAMS.len());
    let mut summary = replay(store, &devices, edits)?;
    // The central office's case work on the persons the year met.
    let mut case_rng = StdRng::seed_from_u64(opts.seed ^ 0xCA5E_0000);
    let wanted = (opts.contacts / 150).clamp(10, 60);
    let written = cases::write(
        store,
        &mut case_rng,
        opts.now_ms,
        created,
        &mut new_user,
        wanted,
    )?;
    summary.cases = written.cases;
    summary.job_offers = written.job_offers;
    summary.conflicts = conflicts::plant(store, &devices, &workers, &records, opts.now_ms)?;
    store.flush()?;
    for id in store.doc_ids()? {
        if let Some(stored) = store.doc(id)? {
            summary.doc_bytes += stored.bytes.len() as u64;
        }
    }
    summary.accounts = accounts;
    summary.elapsed_ms = started.elapsed().as_millis();
    Ok(summary)
}

/// A document on the demo's devices: its automerge state and what the server has.
struct Held {
    doc_type: DocType,
    doc: AutoCommit,
    acked: Vec<ChangeHash>,
}

/// Writes every edit on its worker's device and pushes each device's edits when it
/// syncs, through the server's push path.
fn replay(
    store: &dyn Store,
    devices: &[(ActorId, AuthUser)],
    edits: Vec<Edit>,
) -> anyhow::Result<Summary> {
    let writer = Writer::default();
    // After its last edit a document is dropped from memory.
    let mut last_edit: HashMap<DocId, usize> = HashMap::new();
    for (i, e) in edits.iter().enumerate() {
        last_edit.insert(e.value.id(), i);
    }
    let mut held: HashMap<DocId, Held> = HashMap::new();
    let mut summary = Summary {
        accounts: Vec::new(),
        teams: TEAMS.len(),
        persons: 0,
        contacts: 0,
        referrals: 0,
        cases: 0,
        job_offers: 0,
        conflicts: 0,
        versions: 0,
        pushes: 0,
        doc_bytes: 0,
        per_team: TEAMS.iter().map(|t| (t.slug.to_string(), 0)).collect(),
        elapsed_ms: 0,
    };
    let mut start = 0;
    while start < edits.len() {
        let (push_at, worker) = (edits[start].push_at, edits[start].worker);
        let end = start
            + edits[start..]
                .iter()
                .take_while(|e| e.push_at == push_at && e.worker == worker)
                .count();
        let (actor, user) = &devices[worker];
        let mut touched: Vec<DocId> = Vec::new();
        for e in &edits[start..end] {
            let id = e.value.id();
            match held.get_mut(&id) {
                Some(h) => {
                    h.doc.set_actor(actor.clone());
                    match &e.value {
                        Value::Person(p) => schema::update(&mut h.doc, p)?,
                        Value::Contact(c) => schema::update(&mut h.doc, c)?,
                        Value::Referral(r) => schema::update(&mut h.doc, r)?,
                    }
                }
                None => {
                    let (doc_type, doc) = match &e.value {
                        Value::Person(p) => {
                            summary.persons += 1;
                            (DocType::Person, schema::create(actor.clone(), p)?)
                        }
                        Value::Contact(c) => {
                            summary.contacts += 1;
                            (DocType::Contact, schema::create(actor.clone(), c)?)
                        }
                        Value::Referral(r) => {
                            summary.referrals += 1;
                            (DocType::Referral, schema::create(actor.clone(), r)?)
                        }
                    };
                    summary.per_team[devices_team(user)].1 += 1;
                    held.insert(
                        id,
                        Held {
                            doc_type,
                            doc,
                            acked: Vec::new(),
                        },
                    );
                }
            }
            summary.versions += 1;
            if !touched.contains(&id) {
                touched.push(id);
            }
        }
        for chunk in touched.chunks(MAX_PUSH_DOCS) {
            let docs = chunk
                .iter()
                .map(|id| {
                    let h = held.get_mut(id).expect("touched documents are held");
                    PushDoc {
                        id: *id,
                        doc_type: h.doc_type,
                        changes: Bytes(h.doc.save_after(&h.acked)),
                        // A withdrawal is the last edit of its documents, so the demo
                        // never writes to a compacted one.
                        generation: 0,
                    }
                })
                .collect();
            let report =
                sync::commit_unflushed(store, &writer, user, PushRequest { docs }, push_at)?;
            summary.pushes += 1;
            for r in report.response.results {
                match r.outcome {
                    PushOutcome::Accepted { heads } => {
                        let h = held.get_mut(&r.id).expect("pushed documents are held");
                        h.acked = heads.0;
                    }
                    other => bail!(
                        "the server did not accept demo document {}: {other:?}",
                        r.id
                    ),
                }
            }
        }
        for id in touched {
            if last_edit.get(&id).is_some_and(|&i| i < end) {
                held.remove(&id);
            }
        }
        start = end;
    }
    Ok(summary)
}

fn devices_team(user: &AuthUser) -> usize {
    TEAMS
        .iter()
        .position(|t| t.slug == user.team.as_str())
        .unwrap_or(0)
}
