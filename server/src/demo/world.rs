//! The demo's year, as a list of edits: every version of every person, contact and
//! referral a field worker's device would have written, with when it was written and
//! when the device synced it. Pure: the same seed, clock and directory give the same
//! edits.

use chrono::{DateTime, Datelike, Utc};
use rand::rngs::StdRng;
use rand::{Rng, RngCore};
use strada_shared::directory::{Directory, Query, rank};
use strada_shared::domain::{DocumentStatus, NeedCategory, PersonRef, Place};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::contact::Group;
use strada_shared::schema::referral::ReferralStatus;
use strada_shared::schema::{Consent, ContactDoc, PersonDoc, ReferralDoc};
use strada_shared::vocab::{
    Channel, Code, ConsentStatus, FollowUp, Gender, Indicator, Material, Mediator, Sector,
};

use super::data::{self, ORIGINS, TEAMS};

pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;

/// A demo field worker: who writes, with which device.
pub struct Worker {
    pub team: usize,
    pub id: UserId,
}

/// One version of one document.
#[derive(Debug, Clone)]
pub enum Value {
    Person(PersonDoc),
    Contact(ContactDoc),
    Referral(ReferralDoc),
}

impl Value {
    pub fn id(&self) -> DocId {
        match self {
            Value::Person(p) => p.id,
            Value::Contact(c) => c.id,
            Value::Referral(r) => r.id,
        }
    }
}

/// A document written on a worker's device at `at`, pushed at `push_at`.
#[derive(Debug, Clone)]
pub struct Edit {
    pub at: i64,
    pub push_at: i64,
    pub worker: usize,
    pub value: Value,
}

/// When a device that wrote at `at` syncs: the next 4-hour mark after 20 minutes
/// (a non-decreasing function of `at`, so a document's versions reach the server in
/// order), never after `now`.
pub fn push_time(at: i64, now: i64) -> i64 {
    let mark = 4 * HOUR;
    (((at + 20 * 60_000) / mark + 1) * mark).min(now)
}

/// The share of new persons who are someone another team recorded already.
const DUPLICATE_SHARE: f64 = 0.05;

/// A name as another worker might write it: a common spelling variant of its first word.
fn respell(name: &str) -> String {
    const SWAPS: &[(&str, &str)] = &[
        ("ou", "u"),
        ("oo", "u"),
        ("ee", "i"),
        ("ph", "f"),
        ("y", "i"),
        ("mm", "m"),
        ("ss", "s"),
        ("k", "c"),
        ("a", "e"),
    ];
    let (word, rest) = name.split_once(' ').unwrap_or((name, ""));
    let lower = word.to_lowercase();
    for (from, to) in SWAPS {
        if let Some(i) = lower.find(from) {
            let mut out = String::new();
            out.push_str(&word[..i]);
            out.push_str(to);
            out.push_str(&word[i + from.len()..]);
            // Keep the capital of the first letter.
            let mut chars = out.chars();
            let capital: String = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            return if rest.is_empty() {
                capital
            } else {
                format!("{capital} {rest}")
            };
        }
    }
    name.to_string()
}

/// A person as the generator tracks it.
struct Person {
    doc: PersonDoc,
    team: usize,
    worker: usize,
    origin: usize,
    sector: Sector,
    town: usize,
    /// How often the team meets them (relative).
    activity: f64,
    last_seen: i64,
}

/// What kind of contact a slot is.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Person,
    Anonymous,
    Refused,
    Group,
}

pub struct Generator<'a> {
    rng: StdRng,
    now: i64,
    workers: &'a [Worker],
    dir: &'a Directory,
    edits: Vec<Edit>,
    persons: Vec<Person>,
}

fn pick_weighted<T: Copy>(rng: &mut StdRng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

fn pick<'x, T>(rng: &mut StdRng, items: &'x [T]) -> &'x T {
    &items[rng.random_range(0..items.len())]
}

fn chance(rng: &mut StdRng, p: f64) -> bool {
    rng.random::<f64>() < p
}

impl<'a> Generator<'a> {
    pub fn new(rng: StdRng, now: i64, workers: &'a [Worker], dir: &'a Directory) -> Self {
        Generator {
            rng,
            now,
            workers,
            dir,
            edits: Vec::new(),
            persons: Vec::new(),
        }
    }

    fn doc_id(&mut self, at: i64) -> DocId {
        let mut random = [0u8; 10];
        self.rng.fill_bytes(&mut random);
        DocId::new_v7(at.max(0) as u64, random)
    }

    fn edit(&mut self, at: i64, worker: usize, value: Value) {
        let push_at = push_time(at, self.now);
        self.edits.push(Edit {
            at,
            push_at,
            worker,
            value,
        });
    }

    /// Generates about `contacts` contacts and `persons` persons over the year before
    /// `now`, and returns every edit, in the order devices pushed them.
    pub fn year(mut self, contacts: usize, persons: usize) -> Vec<Edit> {
        let shares: f64 = TEAMS.iter().map(|t| t.share).sum();
        let mut left = contacts;
        let mut persons_left = persons;
        for (ti, team) in TEAMS.iter().enumerate() {
            let last = ti + 1 == TEAMS.len();
            let n = if last {
                left
            } else {
                ((contacts as f64 * team.share / shares).round() as usize).min(left)
            };
            let p = if last {
                persons_left
            } else {
                ((persons as f64 * team.share / shares).round() as usize).min(persons_left)
            };
            left -= n;
            persons_left -= p;
            self.team_year(ti, n, p);
        }
        self.consents_narrowed();
        self.withdrawals();
        let mut edits = self.edits;
        edits.sort_by_key(|e| (e.push_at, e.worker, e.at));
        edits
    }

    /// Contact times over the year: days weighted by the team's season and the weekday,
    /// hours by the sector's shifts.
    fn slots(&mut self, team: usize, n: usize) -> Vec<i64> {
        let today = self.now - self.now.rem_euclid(DAY);
        let days: Vec<(i64, f64)> = (1..=365)
            .map(|back| {
                let start = today - back * DAY;
                let date = DateTime::<Utc>::from_timestamp_millis(start).unwrap_or_default();
                let month = date.month0() as usize;
                let weekday = match date.weekday().number_from_monday() {
                    7 => 0.35,
                    6 => 0.8,
                    _ => 1.0,
                };
                (start, TEAMS[team].months[month] * weekday)
            })
            .collect();
        let mut out: Vec<i64> = (0..n)
            .map(|_| {
                let day = pick_weighted(&mut self.rng, &days);
                let date = DateTime::<Utc>::from_timestamp_millis(day).unwrap_or_default();
                // Italy is UTC+2 from April to October, UTC+1 otherwise (near enough).
                let offset = if (4..=10).contains(&date.month()) {
                    2
                } else {
                    1
                };
                let local_hour = *pick(
                    &mut self.rng,
                    &[5, 5, 6, 6, 7, 9, 11, 13, 14, 17, 18, 19, 20, 21],
                );
                day + (local_hour - offset) * HOUR + self.rng.random_range(0..60) * 60_000
            })
            .collect();
        out.sort_unstable();
        out
    }

    fn team_year(&mut self, team: usize, contacts: usize, persons: usize) {
        let slots = self.slots(team, contacts);
        let kinds: Vec<Kind> = slots
            .iter()
            .map(|_| {
                pick_weighted(
                    &mut self.rng,
                    &[
                        (Kind::Person, 0.58),
                        (Kind::Anonymous, 0.21),
                        (Kind::Refused, 0.07),
                        (Kind::Group, 0.14),
                    ],
                )
            })
            .collect();
        let team_workers: Vec<usize> = (0..self.workers.len())
            .filter(|w| self.workers[*w].team == team)
            .collect();
        let mut person_slots_left = kinds.iter().filter(|k| **k == Kind::Person).count();
        let mut persons_left = persons;
        let first_person = self.persons.len();
        for (at, kind) in slots.into_iter().zip(kinds) {
            let worker = *pick(&mut self.rng, &team_workers);
            let person = if kind == Kind::Person {
                let existing = self.persons.len() - first_person;
                let new = persons_left > 0
                    && (existing == 0
                        || self.rng.random::<f64>()
                            < persons_left as f64 / person_slots_left.max(1) as f64);
                person_slots_left -= 1;
                if new {
                    persons_left -= 1;
                    Some(self.new_person(team, worker, at))
                } else if existing > 0 {
                    self.known_person(first_person, worker, at)
                } else {
                    None
                }
            } else {
                None
            };
            let kind = if kind == Kind::Person && person.is_none() {
                Kind::Anonymous
            } else {
                kind
            };
            self.contact(team, worker, at, kind, person);
        }
    }

    fn new_person(&mut self, team: usize, worker: usize, at: i64) -> usize {
        // Now and then someone another team already met: the same person recorded again,
        // written another way (a planted duplicate for the central office to reconcile).
        if chance(&mut self.rng, DUPLICATE_SHARE) {
            let earlier: Vec<usize> = (0..self.persons.len())
                .filter(|i| self.persons[*i].team != team && self.persons[*i].doc.created_at < at)
                .collect();
            if !earlier.is_empty() {
                let original = *pick(&mut self.rng, &earlier);
                return self.duplicate_of(original, team, worker, at);
            }
        }
        let t = &TEAMS[team];
        let origin = pick_weighted(&mut self.rng, t.origins);
        let o = &ORIGINS[origin];
        let want_woman = chance(&mut self.rng, o.women);
        let names: Vec<&data::Name> = o.names.iter().filter(|n| n.woman == want_woman).collect();
        let name = if names.is_empty() {
            pick(&mut self.rng, o.names)
        } else {
            *pick(&mut self.rng, &names)
        };
        let gender = if name.woman {
            Gender::Woman
        } else {
            Gender::Man
        };
        let first = *pick(&mut self.rng, name.latin);
        let mut aliases = vec![if chance(&mut self.rng, 0.3) {
            format!("{first} {}", pick(&mut self.rng, data::NICKNAMES))
        } else {
            first.to_string()
        }];
        // Another spelling a colleague wrote, and the name in the person's own script.
        if name.latin.len() > 1 && chance(&mut self.rng, 0.35) {
            let other = *pick(&mut self.rng, name.latin);
            if other != first {
                aliases.push(other.to_string());
            }
        }
        if let Some(native) = name.native
            && chance(&mut self.rng, 0.6)
        {
            aliases.push(native.to_string());
        }
        let year = DateTime::<Utc>::from_timestamp_millis(at)
            .unwrap_or_default()
            .year() as i64;
        let town = self.rng.random_range(0..t.towns.len());
        let sector = pick_weighted(&mut self.rng, t.sectors);
        let usual = pick(&mut self.rng, data::USUAL_PLACES).replace("{}", t.towns[town].name);
        let phone = chance(&mut self.rng, 0.2).then(|| {
            format!(
                "+39 000 {:03} {:04}",
                self.rng.random_range(0..1000),
                self.rng.random_range(0..10_000)
            )
        });
        let author = self.workers[worker].id;
        let created_at = at - self.rng.random_range(1..20) * 60_000;
        let doc = PersonDoc {
            id: self.doc_id(created_at),
            aliases,
            birth_year: Some(year - self.rng.random_range(18..58)),
            birth_year_estimated: chance(&mut self.rng, 0.7),
            gender,
            country: o.country.to_string(),
            languages: o.languages.iter().map(|l| l.to_string()).collect(),
            phone,
            documents: pick_weighted(&mut self.rng, data::DOCUMENTS),
            usual_place: usual,
            consent: Consent {
                status: ConsentStatus::Given,
                at: created_at,
                recorded_by: author,
                partners: vec!["pua".into(), "referral_services".into()],
            },
            author,
            team: TeamId::parse(t.slug).expect("demo team slugs are valid"),
            created_at,
            merged_into: None,
        };
        self.record_person(doc, team, worker, origin, sector, town, at)
    }

    /// The person `original` (met by another team) recorded again by `team`: another
    /// spelling or their name in their own script, the birth year guessed a year off
    /// now and then, the phone written another way, the same origin and usual place.
    fn duplicate_of(&mut self, original: usize, team: usize, worker: usize, at: i64) -> usize {
        let o = self.persons[original].doc.clone();
        let origin = self.persons[original].origin;
        let t = &TEAMS[team];
        let others: Vec<&String> = o.aliases.iter().skip(1).collect();
        let first = o.aliases.first().cloned().unwrap_or_default();
        let alias = if !others.is_empty() && chance(&mut self.rng, 0.7) {
            (*pick(&mut self.rng, &others)).clone()
        } else {
            respell(&first)
        };
        let phone = o.phone.as_ref().and_then(|p| {
            chance(&mut self.rng, 0.6).then(|| p.trim_start_matches("+39").replace(' ', ""))
        });
        let town = self.rng.random_range(0..t.towns.len());
        let sector = pick_weighted(&mut self.rng, t.sectors);
        let author = self.workers[worker].id;
        let created_at = at - self.rng.random_range(1..20) * 60_000;
        let shift = *pick(&mut self.rng, &[0, 0, 1, -1]);
        let doc = PersonDoc {
            id: self.doc_id(created_at),
            aliases: vec![alias],
            birth_year: o.birth_year.map(|y| y + shift),
            birth_year_estimated: true,
            gender: o.gender,
            country: o.country.clone(),
            languages: o.languages.clone(),
            phone,
            documents: o.documents,
            // Where the person lives does not change with the team that meets them. (The
            // draw of a place is kept so that the rest of the demo stays as it was.)
            usual_place: {
                pick(&mut self.rng, data::USUAL_PLACES);
                o.usual_place.clone()
            },
            consent: Consent {
                status: ConsentStatus::Given,
                at: created_at,
                recorded_by: author,
                partners: vec!["pua".into(), "referral_services".into()],
            },
            author,
            team: TeamId::parse(t.slug).expect("demo team slugs are valid"),
            created_at,
            merged_into: None,
        };
        self.record_person(doc, team, worker, origin, sector, town, at)
    }

    /// A person a worker recorded at `at`: the edit, and what the generator tracks.
    #[allow(clippy::too_many_arguments)]
    fn record_person(
        &mut self,
        doc: PersonDoc,
        team: usize,
        worker: usize,
        origin: usize,
        sector: Sector,
        town: usize,
        at: i64,
    ) -> usize {
        self.edit(doc.created_at, worker, Value::Person(doc.clone()));
        let activity = 1.0 / (1.0 - self.rng.random::<f64>() * 0.9);
        self.persons.push(Person {
            doc,
            team,
            worker,
            origin,
            sector,
            town,
            activity,
            last_seen: at,
        });
        self.persons.len() - 1
    }

    /// Someone the team met before: the active and the recently seen come back more.
    /// Only someone this worker's phone holds: recorded on it, or pushed by a teammate
    /// before this contact is (a person a teammate records in the same push window is
    /// not on the server yet when this phone pushes). `None` when nobody is.
    fn known_person(&mut self, first: usize, worker: usize, at: i64) -> Option<usize> {
        let pushed = push_time(at, self.now);
        let weighted: Vec<(usize, f64)> = (first..self.persons.len())
            .filter(|i| {
                let p = &self.persons[*i];
                p.worker == worker || push_time(p.doc.created_at, self.now) < pushed
            })
            .map(|i| {
                let p = &self.persons[i];
                let recent = if at - p.last_seen < 45 * DAY {
                    1.0
                } else {
                    0.25
                };
                (i, p.activity * recent)
            })
            .collect();
        if weighted.is_empty() {
            return None;
        }
        let i = pick_weighted(&mut self.rng, &weighted);
        self.persons[i].last_seen = at;
        Some(i)
    }

    fn contact(&mut self, team: usize, worker: usize, at: i64, kind: Kind, person: Option<usize>) {
        let t = &TEAMS[team];
        let (origin, sector, town) = match person {
            Some(i) => {
                let p = &self.persons[i];
                let town = if chance(&mut self.rng, 0.8) {
                    p.town
                } else {
                    self.rng.random_range(0..t.towns.len())
                };
                (p.origin, p.sector, town)
            }
            None => (
                pick_weighted(&mut self.rng, t.origins),
                pick_weighted(&mut self.rng, t.sectors),
                self.rng.random_range(0..t.towns.len()),
            ),
        };
        let o = &ORIGINS[origin];
        let centre = &t.towns[town];
        let place = (!chance(&mut self.rng, 0.05)).then(|| Place {
            lat: centre.lat + self.rng.random_range(-0.02..0.02),
            lon: centre.lon + self.rng.random_range(-0.03..0.03),
            accuracy_m: Some(self.rng.random_range(5.0_f64..60.0).round()),
        });
        let month = DateTime::<Utc>::from_timestamp_millis(at)
            .unwrap_or_default()
            .month();
        let summer = (6..=9).contains(&month);
        let winter = month <= 2 || month >= 11;
        let needs = self.needs(sector, winter, kind == Kind::Group);
        let n_indicators = if chance(&mut self.rng, if kind == Kind::Group { 0.1 } else { 0.16 }) {
            self.rng.random_range(1..=3)
        } else {
            0
        };
        let mut indicators: Vec<(Indicator, String)> = Vec::new();
        while indicators.len() < n_indicators {
            let i = *pick(&mut self.rng, Indicator::ALL);
            if indicators.iter().all(|(x, _)| *x != i) {
                let note = if chance(&mut self.rng, 0.75) {
                    data::indicator_note(i).to_string()
                } else {
                    String::new()
                };
                indicators.push((i, note));
            }
        }
        let mut materials = vec![];
        if chance(&mut self.rng, 0.7) {
            materials.push(Material::InfoLeaflet);
        }
        if summer && sector == Sector::Agriculture && chance(&mut self.rng, 0.7) {
            materials.push(Material::Water);
        }
        if winter && chance(&mut self.rng, 0.4) {
            materials.push(Material::Clothing);
        }
        if needs.contains(&NeedCategory::Food) && chance(&mut self.rng, 0.5) {
            materials.push(Material::FoodKit);
        }
        if needs.contains(&NeedCategory::Hygiene) && chance(&mut self.rng, 0.5) {
            materials.push(Material::HygieneKit);
        }
        if chance(&mut self.rng, 0.05) {
            materials.push(Material::ProtectiveEquipment);
        }
        let language = match person {
            Some(i) => self.persons[i].doc.languages.first().cloned(),
            None => {
                (!chance(&mut self.rng, 0.15)).then(|| pick(&mut self.rng, o.languages).to_string())
            }
        };
        let mediator = match &language {
            Some(l) if !["it", "en", "fr"].contains(&l.as_str()) && chance(&mut self.rng, 0.35) => {
                Mediator::Present
            }
            _ => Mediator::Absent,
        };
        let channel = pick_weighted(
            &mut self.rng,
            &[
                (Channel::Street, 0.5),
                (Channel::ItinerantUnit, 0.25),
                (Channel::Desk, 0.09),
                (Channel::ListeningCentre, 0.07),
                (Channel::Phone, 0.05),
                (Channel::ViaPartner, 0.04),
            ],
        );
        let group = (kind == Kind::Group).then(|| {
            let people = self.rng.random_range(2..=15u32);
            let women = if chance(&mut self.rng, o.women * 2.0) {
                self.rng.random_range(0..=people / 2)
            } else {
                0
            };
            let minors = if chance(&mut self.rng, 0.06) { 1 } else { 0 };
            let known = chance(&mut self.rng, 0.8);
            Group {
                people,
                women: if known { women } else { 0 },
                men: if known { people - women - minors } else { 0 },
                minors,
            }
        });
        let author = self.workers[worker].id;
        let (person_ref, person_id, consent) = match (kind, person) {
            (Kind::Person, Some(i)) => {
                let p = &self.persons[i].doc;
                let name = p.display_name().unwrap_or("?").to_string();
                (PersonRef::Alias(name), Some(p.id), ConsentStatus::Given)
            }
            (Kind::Refused, _) => (PersonRef::Anonymous, None, ConsentStatus::Refused),
            _ => (PersonRef::Anonymous, None, ConsentStatus::NotAsked),
        };
        let workplace = pick(&mut self.rng, data::workplaces(sector)).to_string();
        let contact = ContactDoc {
            id: self.doc_id(at),
            occurred_at: at,
            place,
            person: person_ref,
            needs: needs.clone(),
            note: pick(&mut self.rng, data::NOTES).to_string(),
            author,
            team: TeamId::parse(t.slug).expect("demo team slugs are valid"),
            person_id,
            group,
            channel,
            sector: Some(sector),
            workplace,
            indicators,
            materials,
            language,
            mediator,
            follow_up: if chance(&mut self.rng, 0.3) {
                FollowUp::Needed
            } else {
                FollowUp::NotNeeded
            },
            consent,
        };
        let contact_id = contact.id;
        let at_pos = contact
            .place
            .map_or((centre.lat, centre.lon), |p| (p.lat, p.lon));
        self.edit(at, worker, Value::Contact(contact));
        for need in needs {
            if chance(&mut self.rng, 0.3) {
                let (languages, documents) = match person {
                    Some(i) => (
                        self.persons[i].doc.languages.clone(),
                        self.persons[i].doc.documents,
                    ),
                    None => (Vec::new(), DocumentStatus::Unknown),
                };
                self.referral(
                    worker, at, contact_id, person_id, need, at_pos, languages, documents,
                );
            }
        }
    }

    fn needs(&mut self, sector: Sector, winter: bool, group: bool) -> Vec<NeedCategory> {
        use NeedCategory::*;
        let mut weights = vec![
            (Food, 3.0),
            (Hygiene, 1.5),
            (Health, 2.0),
            (LegalAid, 2.0),
            (Documents, 2.0),
            (Shelter, if winter { 3.0 } else { 1.5 }),
            (JobOrientation, 1.5),
            (Mediation, 1.0),
            (Housing, 1.0),
            (
                Mobility,
                if sector == Sector::Agriculture {
                    1.5
                } else {
                    0.6
                },
            ),
            (Protection, 0.6),
            (Training, 0.8),
        ];
        let n = pick_weighted(&mut self.rng, &[(1usize, 0.5), (2, 0.35), (3, 0.15)]);
        let n = if group { n.max(2) } else { n };
        let mut out = Vec::new();
        while out.len() < n {
            let need = pick_weighted(&mut self.rng, &weights);
            weights.retain(|(x, _)| *x != need);
            out.push(need);
        }
        out.sort();
        out
    }

    /// A referral to one of the best services for the need, moved along its lifecycle
    /// as the weeks go by; recent ones are still early in it, and some wait for the
    /// partner's answer long after they were sent.
    #[allow(clippy::too_many_arguments)]
    fn referral(
        &mut self,
        worker: usize,
        at: i64,
        contact: DocId,
        person_id: Option<DocId>,
        need: NeedCategory,
        pos: (f64, f64),
        languages: Vec<String>,
        documents: DocumentStatus,
    ) {
        let ranked = rank(
            self.dir,
            &Query {
                need: Some(need),
                at: Some(pos),
                languages,
                now: None,
                documents,
                open_now_only: false,
                max: 3,
                ..Query::default()
            },
        );
        if ranked.is_empty() {
            return;
        }
        let choice = pick_weighted(&mut self.rng, &[(0usize, 0.6), (1, 0.3), (2, 0.1)]);
        let best = &ranked[choice.min(ranked.len() - 1)];
        let Some(service) = self.dir.services.iter().find(|s| s.id == best.service_id) else {
            return;
        };
        let author = self.workers[worker].id;
        let created_at = at + 60_000;
        let mut r = ReferralDoc {
            id: self.doc_id(created_at),
            contact,
            need,
            partner: service.name.chars().take(120).collect(),
            status: ReferralStatus::Proposed,
            outcome: String::new(),
            author,
            team: TeamId::parse(TEAMS[self.workers[worker].team].slug).expect("valid slug"),
            created_at,
            service_id: Some(service.id.clone()),
            person_id,
            history: Vec::new(),
        };
        self.edit(created_at, worker, Value::Referral(r.clone()));
        use ReferralStatus::*;
        // The path the referral will follow, with the delay before each step (days).
        let mut path: Vec<(ReferralStatus, f64)> = Vec::new();
        let roll = self.rng.random::<f64>();
        if roll < 0.07 {
            // Stays proposed.
        } else if roll < 0.11 {
            path.push((Closed, self.rng.random_range(1.0..10.0)));
        } else {
            path.push((Sent, self.rng.random_range(0.0..2.0)));
            let answer = self.rng.random::<f64>();
            if answer < 0.1 {
                // No answer yet: waits for feedback.
            } else if answer < 0.24 {
                path.push((Declined, self.rng.random_range(1.0..6.0)));
                if chance(&mut self.rng, 0.7) {
                    path.push((Closed, self.rng.random_range(1.0..5.0)));
                }
            } else {
                path.push((Accepted, self.rng.random_range(1.0..7.0)));
                let attended = self.rng.random::<f64>();
                if attended < 0.12 {
                    // Attendance unknown: waits for feedback.
                } else {
                    let s = if attended < 0.8 {
                        Attended
                    } else {
                        NotAttended
                    };
                    path.push((s, self.rng.random_range(1.0..14.0)));
                    if chance(&mut self.rng, 0.75) {
                        path.push((Closed, self.rng.random_range(1.0..10.0)));
                    }
                }
            }
        }
        let mut t = created_at;
        for (status, days) in path {
            t += (days * DAY as f64) as i64 + self.rng.random_range(0..4 * HOUR);
            if t >= self.now {
                break;
            }
            r.move_to(status, t, author);
            if status == Closed {
                r.outcome = pick(&mut self.rng, data::OUTCOMES).to_string();
            }
            self.edit(t, worker, Value::Referral(r.clone()));
        }
    }

    /// A few persons met 10 to 30 days ago (not those who withdraw, met earlier) later
    /// take back their consent to share with the referral services, keeping the PUA's:
    /// their consent has a history to read on their page.
    fn consents_narrowed(&mut self) {
        let candidates: Vec<usize> = (0..self.persons.len())
            .filter(|i| {
                let ago = self.now - self.persons[*i].last_seen;
                (10 * DAY..30 * DAY).contains(&ago)
                    && self.persons[*i].doc.consent.partners.len() > 1
            })
            .collect();
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < 3.min(candidates.len()) {
            let i = *pick(&mut self.rng, &candidates);
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        for i in chosen {
            let p = &self.persons[i];
            let worker = p.worker;
            let at = p.last_seen + self.rng.random_range(1..9) * DAY;
            let mut doc = p.doc.clone();
            doc.consent.partners = vec!["pua".into()];
            doc.consent.at = at;
            doc.consent.recorded_by = self.workers[worker].id;
            self.persons[i].doc = doc.clone();
            self.edit(at, worker, Value::Person(doc));
        }
    }

    /// A couple of persons withdraw their consent some days after they were last met:
    /// their documents, and their contacts, keep no identifying data from then on.
    fn withdrawals(&mut self) {
        let candidates: Vec<usize> = (0..self.persons.len())
            .filter(|i| self.now - self.persons[*i].last_seen > 30 * DAY)
            .collect();
        if candidates.len() < 10 {
            return;
        }
        let mut chosen: Vec<usize> = Vec::new();
        while chosen.len() < 2 {
            let i = *pick(&mut self.rng, &candidates);
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        for i in chosen {
            let p = &self.persons[i];
            let (worker, team) = (p.worker, p.team);
            debug_assert_eq!(self.workers[worker].team, team);
            let at = p.last_seen + self.rng.random_range(2..20) * DAY;
            let mut doc = p.doc.clone();
            doc.withdraw_consent(at, self.workers[worker].id);
            let person_id = doc.id;
            self.edit(at, worker, Value::Person(doc));
            // As the app does: the contacts that named the person lose the alias.
            let mut latest: std::collections::BTreeMap<DocId, ContactDoc> = Default::default();
            for e in &self.edits {
                if let Value::Contact(c) = &e.value
                    && c.person_id == Some(person_id)
                {
                    latest.insert(c.id, c.clone());
                }
            }
            let contacts: Vec<DocId> = latest.keys().copied().collect();
            for (_, mut c) in latest {
                c.withdraw_consent();
                self.edit(at, worker, Value::Contact(c));
            }
            // The server erases the person from their referrals too, as a new generation:
            // moves pushed after the withdrawal would be refused (`replaced`), so the
            // demo's referrals of the person end with it.
            let withdrawn_push = (push_time(at, self.now), worker);
            self.edits.retain(|e| match &e.value {
                Value::Referral(r)
                    if r.person_id == Some(person_id) || contacts.contains(&r.contact) =>
                {
                    (e.push_at, e.worker) <= withdrawn_push
                }
                _ => true,
            });
        }
    }
}

#[cfg(test)]
mod respell_tests {
    use super::respell;

    #[test]
    fn a_name_is_respelled_as_another_worker_might_write_it() {
        assert_eq!(respell("Moussa"), "Mussa");
        assert_eq!(respell("Youssef le grand"), "Yussef le grand");
        assert_eq!(respell("Mamadou"), "Mamadu");
        assert_eq!(respell("Kwame"), "Cwame");
        // The search and the reconciliation still see the same person.
        let key = strada_shared::search::SearchKey::new(["Moussa"]);
        assert!(
            key.score(&strada_shared::search::Query::parse(&respell("Moussa")))
                .is_some()
        );
    }
}
