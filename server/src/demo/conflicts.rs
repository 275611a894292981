//! The demo's last days leave a few records for the central office's "Da rivedere" list:
//! two field workers of one team, each on their phone and out of reach of the network,
//! set the same sensitive field of the same record to different values (a person's
//! birth year, phone or documents, a contact's sector). Each phone then syncs its edit;
//! the server merges both, keeps one value and remembers the other, as it would for real
//! phones. Written like every demo edit: under each worker's device actor, through the
//! server's push path, stamped with the time the worker wrote it.

use std::collections::HashMap;

use anyhow::{Context, bail};
use automerge::{ActorId, AutoCommit};
use strada_shared::domain::DocumentStatus;
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc, Document, PersonDoc};
use strada_shared::sync::{Bytes, PushDoc, PushOutcome, PushRequest};
use strada_shared::vocab::Sector;

use super::world::{DAY, Edit, Value, Worker};
use crate::auth::AuthUser;
use crate::storage::Store;
use crate::sync::{self, Writer};

/// The field two workers set differently.
#[derive(Clone, Copy)]
enum Field {
    BirthYear,
    Phone,
    Documents,
    Sector,
}

/// (team index, field): one record each, the team's most recent that has the field and
/// last reached the server before the edits.
const PLANTED: [(usize, Field); 6] = [
    (0, Field::BirthYear),
    (1, Field::Phone),
    (2, Field::Documents),
    (3, Field::BirthYear),
    (0, Field::Sector),
    (3, Field::Sector),
];

/// The persons and contacts of each team, newest first, from the year's edits, with
/// when each last reached the server.
pub struct Records {
    persons: Vec<Vec<DocId>>,
    contacts: Vec<Vec<DocId>>,
    last_synced: HashMap<DocId, i64>,
}

impl Records {
    pub fn of(edits: &[Edit], workers: &[Worker], teams: usize) -> Records {
        let mut records = Records {
            persons: vec![Vec::new(); teams],
            contacts: vec![Vec::new(); teams],
            last_synced: HashMap::new(),
        };
        for e in edits {
            let team = workers[e.worker].team;
            let list = match &e.value {
                Value::Person(p) => (&mut records.persons[team], p.id),
                Value::Contact(c) => (&mut records.contacts[team], c.id),
                Value::Referral(_) => continue,
            };
            if !list.0.contains(&list.1) {
                list.0.push(list.1);
            }
            let last = records.last_synced.entry(list.1).or_insert(e.push_at);
            *last = (*last).max(e.push_at);
        }
        for l in records
            .persons
            .iter_mut()
            .chain(records.contacts.iter_mut())
        {
            l.reverse();
        }
        records
    }
}

/// Writes the conflicts of [`PLANTED`]; returns how many records were left to review.
pub fn plant(
    store: &dyn Store,
    devices: &[(ActorId, AuthUser)],
    workers: &[Worker],
    records: &Records,
    now_ms: i64,
) -> anyhow::Result<usize> {
    let writer = Writer::default();
    let mut planted = 0;
    for (k, &(team, field)) in PLANTED.iter().enumerate() {
        // The team's first two workers, three and two days before the demo's end (a
        // noon), in the afternoon.
        let mut of_team = workers.iter().enumerate().filter(|(_, w)| w.team == team);
        let (Some((wa, _)), Some((wb, _))) = (of_team.next(), of_team.next()) else {
            continue;
        };
        let at_a = now_ms - 3 * DAY + (2 + k as i64) * 3_600_000;
        let at_b = now_ms - 2 * DAY + (3 + k as i64) * 3_600_000;
        let sides = [(&devices[wa], at_a), (&devices[wb], at_b)];
        // A record that last reached the server before both edits: the team's phones
        // held it as it is stored.
        let before = |id: &DocId| records.last_synced.get(id).is_some_and(|&t| t < at_a);
        let done = match field {
            Field::Sector => records.contacts[team]
                .iter()
                .filter(|id| before(id))
                .find_map(|&id| {
                    let c: ContactDoc = read(store, id)?;
                    let sector = c.sector?;
                    let mut others = [Sector::Agriculture, Sector::Logistics, Sector::Construction]
                        .into_iter()
                        .filter(|s| *s != sector);
                    let (a, b) = (others.next()?, others.next()?);
                    let with = |s| ContactDoc {
                        sector: Some(s),
                        ..c.clone()
                    };
                    Some(write_apart(store, &writer, id, [with(a), with(b)], sides))
                }),
            _ => records.persons[team]
                .iter()
                .filter(|id| before(id))
                .find_map(|&id| {
                    let p: PersonDoc = read(store, id)?;
                    // Not a person who withdrew their consent or was merged.
                    if p.aliases.is_empty() || p.merged_into.is_some() {
                        return None;
                    }
                    let (a, b) = (p.clone(), p.clone());
                    let (a, b) = match field {
                        Field::BirthYear => {
                            let year = p.birth_year?;
                            (
                                PersonDoc {
                                    birth_year: Some(year + 1),
                                    ..a
                                },
                                PersonDoc {
                                    birth_year: Some(year - 1),
                                    ..b
                                },
                            )
                        }
                        Field::Phone => (
                            PersonDoc {
                                phone: Some(format!("+39 000 {:03} {:04}", 410 + k, 1200 + k)),
                                ..a
                            },
                            PersonDoc {
                                phone: Some(format!("+39 000 {:03} {:04}", 520 + k, 3400 + k)),
                                ..b
                            },
                        ),
                        Field::Documents => {
                            let mut others = [
                                DocumentStatus::ResidencePermit,
                                DocumentStatus::Expired,
                                DocumentStatus::IdentityDocument,
                            ]
                            .into_iter()
                            .filter(|d| *d != p.documents);
                            let (da, db) = (others.next()?, others.next()?);
                            (
                                PersonDoc { documents: da, ..a },
                                PersonDoc { documents: db, ..b },
                            )
                        }
                        Field::Sector => unreachable!("a contact's field"),
                    };
                    Some(write_apart(store, &writer, id, [a, b], sides))
                }),
        };
        if let Some(result) = done {
            result?;
            planted += 1;
        }
    }
    Ok(planted)
}

/// The stored version of a document, typed; `None` when it is not there or does not
/// read as `T`.
fn read<T: Document>(store: &dyn Store, id: DocId) -> Option<T> {
    let stored = store.doc(id).ok()??;
    let doc = AutoCommit::load(&stored.bytes).ok()?;
    schema::read(&doc).ok()
}

/// Each side writes its value on a copy of the stored document, as a phone holding it
/// would while apart, and pushes it.
fn write_apart<T: Document>(
    store: &dyn Store,
    writer: &Writer,
    id: DocId,
    values: [T; 2],
    sides: [(&(ActorId, AuthUser), i64); 2],
) -> anyhow::Result<()> {
    let stored = store.doc(id)?.context("a demo record is stored")?;
    let mut base = AutoCommit::load(&stored.bytes)?;
    let heads = base.get_heads();
    for (value, ((actor, user), at)) in values.iter().zip(sides) {
        let mut copy = base.fork().with_actor(actor.clone());
        schema::update_at(&mut copy, value, at)?;
        let docs = vec![PushDoc {
            id,
            doc_type: T::TYPE,
            changes: Bytes(copy.save_after(&heads)),
            generation: 0,
        }];
        let report = sync::commit_unflushed(store, writer, user, PushRequest { docs }, at)?;
        for r in report.response.results {
            if !matches!(r.outcome, PushOutcome::Accepted { .. }) {
                bail!(
                    "the server did not accept demo document {}: {:?}",
                    r.id,
                    r.outcome
                );
            }
        }
    }
    Ok(())
}
