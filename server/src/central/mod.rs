//! The central workspace's index: every person, contact and referral of the PUA as a
//! compact row in memory, for search, filters, sorting and totals over the whole PUA in
//! milliseconds; the records themselves stay in the store and are read for the page.
//!
//! The index follows the global change feed: before answering, it reads the feed after
//! the last position it applied and takes each changed document's record from the store
//! (so every way a document is committed — a push, an erasure, an import, a projection
//! rebuilt — reaches it, and a server restart rebuilds it from the records). Quarantine
//! takes a document out of the feed, so it is forgotten explicitly ([`Central::forget`]).
//! A cold rebuild from the documents gives the same rows (test).

pub mod query;

use std::sync::{Arc, RwLock};

use strada_shared::api::ContactRecord;
use strada_shared::central::{CaseRecord, JobOfferRecord, PersonRecord, ReferralRecord};
use strada_shared::domain::NeedCategory;
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::{DocType, ReferralStatus};
use strada_shared::search::{SearchKey, fold};
use strada_shared::vocab::{Channel, Code, ConsentStatus, Indicator, Sector};

use crate::storage::{Projection, Store, StoreError};

/// The index's maps: keyed by ids a device chose, so hashed with a per-process random
/// seed (a crafted set of ids cannot make them slow), by a hash much faster than SipHash.
pub(crate) type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A set hashed like [`Map`].
pub(crate) type Set<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;

/// Feed entries read per step while catching up.
const CATCH_UP_STEP: usize = 4096;

/// The index, shared by every request.
#[derive(Default)]
pub struct Central {
    index: RwLock<Index>,
    /// Serialises catching up (readers keep reading the index meanwhile).
    catch_up: std::sync::Mutex<()>,
    /// The build at the server's start is running (see [`Central::build`]).
    building: std::sync::atomic::AtomicBool,
    /// The candidate pairs last computed (for the last [`CANDIDATE_SETS`] keys), while
    /// the index and the judgments stay as they were: a reviewer paging through them,
    /// or coming back to the list, waits for them once (seconds among 100,000
    /// persons), not at every page.
    candidates: std::sync::Mutex<Vec<(CandidatesKey, Arc<Vec<crate::reconcile::Candidate>>)>>,
    /// Serialises computing candidates (each takes the machine's cores).
    computing: std::sync::Mutex<()>,
}

/// How many sets of candidate pairs are kept (by threshold, mostly).
const CANDIDATE_SETS: usize = 4;

/// What candidate pairs were computed from: the index's version, the pairs judged "not
/// the same person" (a digest of them) and the threshold.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct CandidatesKey {
    pub version: u64,
    pub judged: u64,
    pub threshold: u32,
}

/// How long a request waits for the index built at the start before it is answered
/// "being built" (503 `index_building`) instead.
const BUILD_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

#[derive(Default)]
pub(crate) struct Index {
    /// The last feed position applied.
    applied: u64,
    /// Counts every change of the index (records applied or forgotten).
    version: u64,
    pub(crate) persons: Map<DocId, PersonRow>,
    pub(crate) contacts: Map<DocId, ContactRow>,
    pub(crate) referrals: Map<DocId, ReferralRow>,
    /// A person's contacts (by `person_id`).
    pub(crate) person_contacts: Map<DocId, Vec<DocId>>,
    /// A person's referrals (by `person_id`).
    pub(crate) person_referrals: Map<DocId, Vec<DocId>>,
    /// A contact's referrals.
    pub(crate) contact_referrals: Map<DocId, Vec<DocId>>,
    /// Records with sensitive fields to review (see `schema::conflicts`).
    pub(crate) conflicted: std::collections::BTreeMap<DocId, DocType>,
    /// A merged-away person's survivor, at the end of the chain of merges (see
    /// `crate::merge`); only persons merged away are keys.
    pub(crate) survivor: Map<DocId, DocId>,
    /// A survivor's merged-away records (through chains too).
    pub(crate) family: Map<DocId, Vec<DocId>>,
    /// A person's `merged_into` changed since `survivor` was computed.
    merges_moved: bool,
    /// Every case, whole (a PUA holds thousands, not millions).
    pub(crate) cases: Map<DocId, Box<CaseRecord>>,
    /// A person's cases (by `person_id`).
    pub(crate) person_cases: Map<DocId, Vec<DocId>>,
    /// Every job offer, whole.
    pub(crate) job_offers: Map<DocId, Box<JobOfferRecord>>,
    /// The time of a person's first contact (by `person_id`: its own contacts, not
    /// through merges), for the report's new persons without a pass over every contact.
    pub(crate) first_contact: Map<DocId, i64>,
    /// How many persons and contacts each team holds (the dashboard's team choice).
    pub(crate) team_rows: Map<TeamId, u64>,
    /// Every team a contact or a referral named, numbered in order of arrival (rows
    /// carry the number: counting by team then reads no string).
    pub(crate) team_names: Vec<TeamId>,
    team_numbers: Map<TeamId, u32>,
    /// Every person id a contact named, numbered in order of arrival (the report marks
    /// the persons it met in a bit set, not a hash set).
    pub(crate) person_ids: Vec<DocId>,
    person_numbers: Map<DocId, u32>,
    /// By person number: the survivor's number (as of the last settling of merges;
    /// numbers given since count as themselves).
    survivor_numbers: Vec<u32>,
}

pub(crate) struct PersonRow {
    pub team: TeamId,
    pub key: SearchKey,
    /// The first alias, folded: the order of "by name".
    pub name: String,
    pub consent: ConsentStatus,
    pub created_at: i64,
    /// The person this one was merged into (as its document says).
    pub merged_into: Option<DocId>,
    /// What reconciliation compares (see `crate::reconcile`); its sightings come from
    /// the person's contacts when asked.
    pub facts: crate::reconcile::PersonFacts,
}

pub(crate) struct ContactRow {
    pub occurred_at: i64,
    /// Where (latitude, longitude), when recorded.
    pub place: Option<(f64, f64)>,
    pub team: TeamId,
    /// The team's number (`Index::team_names`).
    pub team_no: u32,
    pub person: Option<DocId>,
    /// The person's number (`Index::person_ids`), when `person` is set.
    pub person_no: u32,
    /// The contact's own alias, when it names nobody's person document.
    pub key: Option<SearchKey>,
    pub channel: Channel,
    pub sector: Option<Sector>,
    /// Bit `i`: `NeedCategory::ALL[i]`.
    pub needs: u32,
    /// Bit `i`: `Indicator::ALL[i]`.
    pub indicators: u32,
    pub consent: ConsentStatus,
    /// Who wrote it (the report's workload).
    pub author: UserId,
    /// `group.people` of a group contact; 0 for one person or an anonymous contact.
    pub group_people: u32,
    /// How many referrals were made in it (the report's workload).
    pub referrals: u32,
}

pub(crate) struct ReferralRow {
    pub created_at: i64,
    pub status_since: i64,
    pub team: TeamId,
    /// The team's number (`Index::team_names`).
    pub team_no: u32,
    pub need: NeedCategory,
    pub status: ReferralStatus,
    /// The partner as written and its service id, folded (for the partner filter).
    pub partner: String,
    pub contact: DocId,
    pub person: Option<DocId>,
    /// The way its history leads (`ReferralRecord::path`): statuses and times (Unix ms).
    pub path: Box<[(ReferralStatus, i64)]>,
    /// The partner as written, and the directory service (the report's organisation).
    pub partner_name: Box<str>,
    pub service_id: Option<Box<str>>,
}

pub(crate) fn need_bit(n: NeedCategory) -> u32 {
    NeedCategory::ALL
        .iter()
        .position(|x| *x == n)
        .map_or(0, |i| 1 << i)
}

pub(crate) fn indicator_bit(i: Indicator) -> u32 {
    Indicator::ALL
        .iter()
        .position(|x| *x == i)
        .map_or(0, |p| 1 << p)
}

fn ms(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|d| d.timestamp_millis())
        .unwrap_or(0)
}

fn push_unique(list: &mut Vec<DocId>, id: DocId) {
    if !list.contains(&id) {
        list.push(id);
    }
}

fn remove_from(map: &mut Map<DocId, Vec<DocId>>, key: DocId, id: DocId) {
    if let Some(list) = map.get_mut(&key) {
        list.retain(|x| *x != id);
        if list.is_empty() {
            map.remove(&key);
        }
    }
}

impl Index {
    fn forget(&mut self, id: DocId) {
        if let Some(old) = self.contacts.remove(&id) {
            self.count_team(&old.team, false);
            if let Some(p) = old.person {
                remove_from(&mut self.person_contacts, p, id);
                if self
                    .first_contact
                    .get(&p)
                    .is_some_and(|t| *t >= old.occurred_at)
                {
                    self.settle_first_contact(p);
                }
            }
        }
        if let Some(old) = self.referrals.remove(&id) {
            remove_from(&mut self.contact_referrals, old.contact, id);
            self.count_referrals(old.contact);
            if let Some(p) = old.person {
                remove_from(&mut self.person_referrals, p, id);
            }
        }
        if let Some(old) = self.persons.remove(&id) {
            self.count_team(&old.team, false);
            self.merges_moved |= old.merged_into.is_some() || self.family.contains_key(&id);
        }
        if let Some(old) = self.cases.remove(&id) {
            remove_from(&mut self.person_cases, old.case.person_id, id);
        }
        self.job_offers.remove(&id);
        self.conflicted.remove(&id);
    }

    /// Every team with persons or contacts, in order.
    pub(crate) fn teams(&self) -> Vec<TeamId> {
        let mut teams: Vec<TeamId> = self.team_rows.keys().cloned().collect();
        teams.sort_unstable();
        teams
    }

    /// A team's number, given on first sight.
    fn team_no(&mut self, team: &TeamId) -> u32 {
        if let Some(n) = self.team_numbers.get(team) {
            return *n;
        }
        let n = u32::try_from(self.team_names.len()).unwrap_or(u32::MAX);
        self.team_names.push(team.clone());
        self.team_numbers.insert(team.clone(), n);
        n
    }

    /// A person's number, given on first sight.
    fn person_no(&mut self, person: DocId) -> u32 {
        if let Some(n) = self.person_numbers.get(&person) {
            return *n;
        }
        let n = u32::try_from(self.person_ids.len()).unwrap_or(u32::MAX);
        self.person_ids.push(person);
        self.person_numbers.insert(person, n);
        n
    }

    /// The number of the person a person number counts as (see [`Index::survivor_of`]).
    pub(crate) fn survivor_no(&self, n: u32) -> u32 {
        self.survivor_numbers.get(n as usize).copied().unwrap_or(n)
    }

    /// The number of a team, when a row named it.
    pub(crate) fn team_number(&self, team: &TeamId) -> Option<u32> {
        self.team_numbers.get(team).copied()
    }

    /// Sets how many referrals a contact's row counts.
    fn count_referrals(&mut self, contact: DocId) {
        let n = self.contact_referrals.get(&contact).map_or(0, Vec::len);
        if let Some(row) = self.contacts.get_mut(&contact) {
            row.referrals = u32::try_from(n).unwrap_or(u32::MAX);
        }
    }

    /// Counts a team's row in or out.
    fn count_team(&mut self, team: &TeamId, add: bool) {
        if add {
            match self.team_rows.get_mut(team) {
                Some(n) => *n += 1,
                None => {
                    self.team_rows.insert(team.clone(), 1);
                }
            }
        } else if let Some(n) = self.team_rows.get_mut(team) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.team_rows.remove(team);
            }
        }
    }

    /// Recomputes a person's first contact from the contacts still linking them.
    fn settle_first_contact(&mut self, person: DocId) {
        let first = self
            .person_contacts
            .get(&person)
            .into_iter()
            .flatten()
            .filter_map(|c| self.contacts.get(c))
            .map(|c| c.occurred_at)
            .min();
        match first {
            Some(at) => self.first_contact.insert(person, at),
            None => self.first_contact.remove(&person),
        };
    }

    /// The time of the first contact of a person and of the records merged into them.
    pub(crate) fn first_contact_of(&self, survivor: DocId) -> Option<i64> {
        let own = self.first_contact.get(&survivor).copied();
        let merged = self
            .family
            .get(&survivor)
            .into_iter()
            .flatten()
            .filter_map(|p| self.first_contact.get(p).copied());
        own.into_iter().chain(merged).min()
    }

    /// The person `id` counts as: its survivor when it was merged away, else itself.
    pub(crate) fn survivor_of(&self, id: DocId) -> DocId {
        if self.survivor.is_empty() {
            return id;
        }
        self.survivor.get(&id).copied().unwrap_or(id)
    }

    /// Whether `id` was merged into another person (lists show the survivor only).
    pub(crate) fn merged_away(&self, id: DocId) -> bool {
        self.survivor.contains_key(&id)
    }

    /// The person and every record merged into them.
    pub(crate) fn family_of(&self, id: DocId) -> Vec<DocId> {
        let mut out = vec![id];
        out.extend(self.family.get(&id).into_iter().flatten().copied());
        out
    }

    /// Follows every `merged_into` to the end of its chain. A link to a person the index
    /// does not hold, or a loop, counts as no merge.
    fn settle_merges(&mut self) {
        self.merges_moved = false;
        self.survivor.clear();
        self.family.clear();
        let links: Vec<(DocId, DocId)> = self
            .persons
            .iter()
            .filter_map(|(id, p)| p.merged_into.map(|to| (*id, to)))
            .collect();
        for (id, first) in links {
            let mut at = first;
            let mut settled = None;
            for _ in 0..64 {
                let Some(row) = self.persons.get(&at) else {
                    break;
                };
                if at == id {
                    break;
                }
                match row.merged_into {
                    None => {
                        settled = Some(at);
                        break;
                    }
                    Some(next) => at = next,
                }
            }
            if let Some(s) = settled {
                self.survivor.insert(id, s);
                self.family.entry(s).or_default().push(id);
            }
        }
        for list in self.family.values_mut() {
            list.sort_unstable();
        }
        // Every merged-away person gets a number now, so a contact naming them later
        // (a phone that was offline) counts as their survivor.
        let merged: Vec<(u32, u32)> = self
            .survivor
            .iter()
            .map(|(a, b)| (*a, *b))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|(away, survivor)| (self.person_no(away), self.person_no(survivor)))
            .collect();
        self.survivor_numbers = (0..self.person_ids.len())
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX))
            .collect();
        for (from, to) in merged {
            if let Some(slot) = self.survivor_numbers.get_mut(from as usize) {
                *slot = to;
            }
        }
    }

    fn apply(&mut self, id: DocId, record: Option<Projection>) {
        self.forget(id);
        let conflicted = match &record {
            // A person merged into another is not reviewed (see `http::central::conflicts`).
            Some(Projection::Person(p)) if !p.conflicts.is_empty() && p.merged_into.is_none() => {
                Some(DocType::Person)
            }
            Some(Projection::Contact(c)) if !c.conflicts.is_empty() => Some(DocType::Contact),
            Some(Projection::Referral(r)) if !r.conflicts.is_empty() => Some(DocType::Referral),
            Some(Projection::Case(r)) if !r.conflicts.is_empty() => Some(DocType::Case),
            _ => None,
        };
        if let Some(t) = conflicted {
            self.conflicted.insert(id, t);
        }
        match record {
            Some(Projection::Person(p)) => {
                let row = person_row(&p);
                self.count_team(&row.team, true);
                self.merges_moved |= row.merged_into.is_some();
                self.persons.insert(id, row);
            }
            Some(Projection::Contact(c)) => {
                let mut row = contact_row(&c);
                row.team_no = self.team_no(&row.team);
                if let Some(p) = row.person {
                    row.person_no = self.person_no(p);
                }
                row.referrals = self
                    .contact_referrals
                    .get(&id)
                    .map_or(0, |l| u32::try_from(l.len()).unwrap_or(u32::MAX));
                self.count_team(&row.team, true);
                if let Some(p) = row.person {
                    push_unique(self.person_contacts.entry(p).or_default(), id);
                    let first = self.first_contact.entry(p).or_insert(row.occurred_at);
                    *first = (*first).min(row.occurred_at);
                }
                self.contacts.insert(id, row);
            }
            Some(Projection::Referral(r)) => {
                let mut row = referral_row(&r);
                row.team_no = self.team_no(&row.team);
                push_unique(self.contact_referrals.entry(row.contact).or_default(), id);
                self.count_referrals(row.contact);
                if let Some(p) = row.person {
                    push_unique(self.person_referrals.entry(p).or_default(), id);
                }
                self.referrals.insert(id, row);
            }
            Some(Projection::Case(c)) => {
                push_unique(self.person_cases.entry(c.case.person_id).or_default(), id);
                self.cases.insert(id, c);
            }
            Some(Projection::JobOffer(o)) => {
                self.job_offers.insert(id, o);
            }
            Some(Projection::None) | None => {}
        }
    }

    /// Every case of a person and of the records merged into them.
    pub(crate) fn cases_of_person(&self, person: DocId) -> Vec<DocId> {
        let mut out = Vec::new();
        for p in self.family_of(person) {
            for c in self.person_cases.get(&p).into_iter().flatten() {
                push_unique(&mut out, *c);
            }
        }
        out
    }

    /// Every person's facts for reconciliation, in id order, with where and when their
    /// contacts met them.
    /// Changes with every record applied or forgotten.
    pub(crate) fn version(&self) -> u64 {
        self.version
    }

    pub(crate) fn person_facts(&self) -> Vec<crate::reconcile::PersonFacts> {
        let mut out: Vec<crate::reconcile::PersonFacts> = self
            .persons
            .iter()
            .filter(|(id, _)| !self.merged_away(**id))
            .map(|(id, p)| {
                let mut f = p.facts.clone();
                f.sightings = self
                    .family_of(*id)
                    .iter()
                    .filter_map(|p| self.person_contacts.get(p))
                    .flatten()
                    .filter_map(|c| self.contacts.get(c))
                    .filter_map(|c| {
                        c.place.map(|(lat, lon)| {
                            (
                                strada_shared::domain::Place {
                                    lat,
                                    lon,
                                    accuracy_m: None,
                                },
                                c.occurred_at,
                            )
                        })
                    })
                    .collect();
                f
            })
            .collect();
        out.sort_by_key(|f| f.id);
        out
    }

    /// Every referral of a person and of the records merged into them: naming them, or
    /// made in one of their contacts.
    pub(crate) fn referrals_of_person(&self, person: DocId) -> Vec<DocId> {
        let mut out: Vec<DocId> = Vec::new();
        for p in self.family_of(person) {
            for r in self.person_referrals.get(&p).into_iter().flatten() {
                push_unique(&mut out, *r);
            }
            for c in self.person_contacts.get(&p).into_iter().flatten() {
                for r in self.contact_referrals.get(c).into_iter().flatten() {
                    push_unique(&mut out, *r);
                }
            }
        }
        out
    }

    /// Every contact of a person and of the records merged into them.
    pub(crate) fn contacts_of_person(&self, person: DocId) -> Vec<DocId> {
        self.family_of(person)
            .iter()
            .filter_map(|p| self.person_contacts.get(p))
            .flatten()
            .copied()
            .collect()
    }
}

fn person_row(p: &PersonRecord) -> PersonRow {
    PersonRow {
        team: p.team.clone(),
        key: SearchKey::new(p.aliases.iter().map(String::as_str)),
        name: p.aliases.first().map(|a| fold(a)).unwrap_or_default(),
        consent: p.consent.status,
        created_at: ms(&p.created_at),
        merged_into: p.merged_into,
        facts: crate::reconcile::PersonFacts {
            id: p.id,
            team: p.team.clone(),
            sightings: Vec::new(),
            aliases: p.aliases.clone(),
            birth_year: p.birth_year,
            birth_year_estimated: p.birth_year_estimated,
            gender: p.gender,
            country: p.country.clone(),
            languages: p.languages.clone(),
            phone: p.phone.clone(),
            usual_place: p.usual_place.clone(),
        },
    }
}

fn contact_row(c: &ContactRecord) -> ContactRow {
    let key = match (&c.person_id, &c.person) {
        (None, strada_shared::domain::PersonRef::Alias(a)) => Some(SearchKey::new([a.as_str()])),
        _ => None,
    };
    ContactRow {
        occurred_at: ms(&c.occurred_at),
        place: c.place.map(|p| (p.lat, p.lon)),
        team: c.team.clone(),
        team_no: 0,
        person: c.person_id,
        person_no: 0,
        key,
        channel: c.channel,
        sector: c.sector,
        needs: c.needs.iter().fold(0, |acc, n| acc | need_bit(*n)),
        indicators: c
            .indicators
            .iter()
            .fold(0, |acc, i| acc | indicator_bit(i.code)),
        consent: c.consent,
        author: c.author,
        group_people: match (c.person_id, c.group) {
            (None, Some(g)) => g.people,
            _ => 0,
        },
        referrals: 0,
    }
}

fn referral_row(r: &ReferralRecord) -> ReferralRow {
    let mut partner = fold(&r.partner);
    if let Some(s) = &r.service_id {
        partner.push(' ');
        partner.push_str(&fold(s));
    }
    ReferralRow {
        created_at: ms(&r.created_at),
        status_since: ms(&r.status_since),
        team: r.team.clone(),
        team_no: 0,
        need: r.need,
        status: r.status,
        partner,
        contact: r.contact,
        person: r.person_id,
        path: r.path.iter().map(|s| (s.status, ms(&s.at))).collect(),
        partner_name: r.partner.as_str().into(),
        service_id: r.service_id.as_deref().map(Into::into),
    }
}

impl Central {
    /// Builds the index from the whole feed, as the server does at its start. Until it
    /// is done, a read waits at most [`BUILD_WAIT`], then gets [`StoreError::Building`].
    pub fn build(&self, store: &dyn Store) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering;
        self.building.store(true, Ordering::SeqCst);
        let done = self.catch_up(store);
        self.building.store(false, Ordering::SeqCst);
        done
    }

    /// Waits, at most `wait`, for the build at the start to end.
    fn built(&self, wait: std::time::Duration) -> Result<(), StoreError> {
        use std::sync::atomic::Ordering;
        let deadline = std::time::Instant::now() + wait;
        while self.building.load(Ordering::SeqCst) {
            if std::time::Instant::now() >= deadline {
                return Err(StoreError::Building);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Ok(())
    }

    /// Brings the index up to the feed's head and runs `f` over it.
    pub(crate) fn read<T>(
        &self,
        store: &dyn Store,
        f: impl FnOnce(&Index) -> T,
    ) -> Result<T, StoreError> {
        self.built(BUILD_WAIT)?;
        self.catch_up(store)?;
        let index = self.index.read().unwrap_or_else(|p| p.into_inner());
        Ok(f(&index))
    }

    /// Applies what the feed holds after the last position applied.
    pub fn catch_up(&self, store: &dyn Store) -> Result<(), StoreError> {
        let _one = self.catch_up.lock().unwrap_or_else(|p| p.into_inner());
        let mut applied = self.index.read().unwrap_or_else(|p| p.into_inner()).applied;
        loop {
            let entries = store.feed_after(applied, CATCH_UP_STEP)?;
            let Some(last) = entries.last().map(|(seq, _)| *seq) else {
                return Ok(());
            };
            // Records are read outside the lock: readers go on meanwhile.
            let mut records = Vec::with_capacity(entries.len());
            for (_, id) in &entries {
                let record = match store.doc_meta(*id)? {
                    Some(meta) => store.record(meta.doc_type, *id)?,
                    None => None,
                };
                records.push((*id, record));
            }
            let mut index = self.index.write().unwrap_or_else(|p| p.into_inner());
            index.version += 1;
            for (id, record) in records {
                index.apply(id, record);
            }
            if index.merges_moved {
                index.settle_merges();
            }
            index.applied = last;
            applied = last;
        }
    }

    /// Takes a document out of the index (it left the feed: quarantine).
    pub fn forget(&self, id: DocId) {
        let mut index = self.index.write().unwrap_or_else(|p| p.into_inner());
        index.version += 1;
        index.forget(id);
        if index.merges_moved {
            index.settle_merges();
        }
    }

    /// Per person the lists show (merged-away records are not shown): how many contacts
    /// count under them, those of the records merged into them included.
    pub fn contacts_by_person(
        &self,
        store: &dyn Store,
    ) -> Result<std::collections::BTreeMap<DocId, usize>, StoreError> {
        self.read(store, |index| {
            let mut out: std::collections::BTreeMap<DocId, usize> = index
                .persons
                .keys()
                .filter(|id| !index.merged_away(**id))
                .map(|id| (*id, 0))
                .collect();
            for c in index.contacts.values() {
                if let Some(p) = c.person {
                    *out.entry(index.survivor_of(p)).or_default() += 1;
                }
            }
            out
        })
    }

    /// The candidate pairs kept for `key`, if they are.
    pub(crate) fn cached_candidates(
        &self,
        key: &CandidatesKey,
    ) -> Option<Arc<Vec<crate::reconcile::Candidate>>> {
        let cached = self.candidates.lock().unwrap_or_else(|p| p.into_inner());
        cached
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, c)| c.clone())
    }

    /// The candidate pairs computed for `key` (by `compute` when they are not kept).
    /// One computation at a time: a second request waits for the first and reads its
    /// pairs. Called without the index held (a computation takes seconds among 100,000
    /// persons, and a reader holding the index would hold up every push's catching up
    /// and every read queued behind it: found by the attacker's fourth probe).
    pub(crate) fn candidates(
        &self,
        key: CandidatesKey,
        compute: impl FnOnce() -> Vec<crate::reconcile::Candidate>,
    ) -> Arc<Vec<crate::reconcile::Candidate>> {
        let _computing = self.computing.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(found) = self.cached_candidates(&key) {
            return found;
        }
        let found = Arc::new(compute());
        let mut cached = self.candidates.lock().unwrap_or_else(|p| p.into_inner());
        if cached.len() >= CANDIDATE_SETS {
            cached.remove(0);
        }
        cached.push((key, found.clone()));
        found
    }

    /// Every team with records, in order.
    pub fn teams(&self, store: &dyn Store) -> Result<Vec<TeamId>, StoreError> {
        self.read(store, Index::teams)
    }

    /// How many rows of each type the index holds (persons, contacts, referrals).
    pub fn sizes(&self) -> (usize, usize, usize) {
        let i = self.index.read().unwrap_or_else(|p| p.into_inner());
        (i.persons.len(), i.contacts.len(), i.referrals.len())
    }
}

#[cfg(test)]
mod tests;
