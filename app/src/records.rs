//! What the pages list: small rows read once from the documents on the device (contacts,
//! persons with their search keys and last contacts, referrals), so lists, search and
//! counts never hydrate a document again. Opening a record reads its document.
//!
//! Merges (the central office found two records of one person): a person whose
//! `merged_into` leads, in at most [`MAX_MERGE_CHAIN`] steps, to a person on the device
//! is not listed; its contacts and referrals count under that survivor, a search by its
//! aliases finds the survivor, and rows naming it show the survivor's name. A person
//! merged into one this device does not hold (another team's) stays listed as it is, so
//! nothing on the device is ever hidden without a listed person to show it under.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use strada_shared::domain::{DocumentStatus, NeedCategory, PersonRef};
use strada_shared::ids::DocId;
use strada_shared::schema::referral::StatusConflict;
use strada_shared::schema::{self, ContactDoc, DocType, PersonDoc, ReferralDoc, ReferralStatus};
use strada_shared::search::{Query, SearchKey};
use strada_shared::sort::sort_by;
use strada_shared::sync::RefusalCode;
use strada_shared::sync::device::DeviceDoc;

/// Where a document stands with the server.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum RowStatus {
    Pending,
    Synced,
    /// The server's refusal: translated from its code.
    Refused(RefusalCode),
}

impl RowStatus {
    pub fn of(d: &mut DeviceDoc) -> RowStatus {
        let pending = d.is_pending();
        match (&d.refused, pending) {
            (_, false) => RowStatus::Synced,
            (Some(r), true) => RowStatus::Refused(r.code),
            (None, true) => RowStatus::Pending,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            RowStatus::Pending => "pending",
            RowStatus::Synced => "synced",
            RowStatus::Refused(_) => "refused",
        }
    }
}

/// A contact as the list shows it (also its stored summary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: DocId,
    pub alias: Option<String>,
    pub person_id: Option<DocId>,
    pub occurred_at: i64,
    pub needs: Vec<NeedCategory>,
    /// People counted (1, or the group's size).
    pub people: u32,
    pub status: RowStatus,
    /// Fields two devices set apart, waiting for the central office's review, and the
    /// values this device wrote of them (as for a person: a walk found the phone said
    /// nothing of a contact under review).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_review: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_review_mine: Vec<(String, String)>,
}

/// A person as search and lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub id: DocId,
    /// Their own aliases (search also knows those of the records merged into them).
    pub aliases: Vec<String>,
    pub key: SearchKey,
    pub country: String,
    pub languages: Vec<String>,
    pub documents: DocumentStatus,
    /// Newest first, at most three: when and which needs.
    pub last_contacts: Vec<(i64, Vec<NeedCategory>)>,
    /// The newest contact (or the creation time), for "recent persons".
    pub last_seen: i64,
    pub consented: bool,
    pub status: RowStatus,
    /// The person this record was merged into, as the document says (see the module's
    /// documentation for when it is followed).
    pub merged_into: Option<DocId>,
    pub birth_year: Option<i64>,
    pub birth_year_estimated: bool,
    /// Sensitive fields two devices set apart, waiting for the central office's review.
    pub in_review: Vec<String>,
    /// Of those, the values this device wrote: (field, value as JSON text).
    pub in_review_mine: Vec<(String, String)>,
    /// The person's team, when the summary says it.
    pub team: Option<strada_shared::ids::TeamId>,
}

/// A referral as the lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralRow {
    pub id: DocId,
    /// Concurrent moves not yet decided between (both workers see them).
    pub conflict: Option<StatusConflict>,
    pub contact: DocId,
    pub need: NeedCategory,
    pub partner: String,
    pub person: Option<String>,
    pub status: ReferralStatus,
    pub since: i64,
    pub created_at: i64,
    pub doc: ReferralDoc,
    pub sync: RowStatus,
}

/// What the device keeps per document in its `index` store (sealed like everything
/// else): enough for every list, count and search, so no document is read to show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Summary {
    Contact(ContactRow),
    Person(PersonSummary),
    Referral(Box<ReferralDoc>, RowStatus),
    /// A case, a job offer or the PUA's rules: listed nowhere on the device (the
    /// workspace reads them from the server's records), summarised so that what waits to
    /// sync is pushed and counted (new at the end: summaries are stored).
    Central(DocId, DocType, RowStatus),
    /// A case: what its row in the case list shows, so a laptop keeping its cases
    /// offline lists them without the network (new at the end: summaries are stored;
    /// a case summarised as `Central` by an older app is listed from its document).
    Case(Box<CaseSummary>),
}

/// A case's row as the device lists it without the network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: DocId,
    pub person_id: DocId,
    /// `YYYY-MM-DD`.
    pub opened_at: String,
    pub case_manager: String,
    pub labour_expert: String,
    /// The date of the latest review, when there is one.
    pub last_review: Option<String>,
    /// The version of the PUA's rules the case is assessed under (its review interval).
    pub rules_version: u64,
    pub closed_at: Option<String>,
    pub outcome: Option<strada_shared::vocab::Outcome>,
    /// Interventions not cancelled, and how many of them are done.
    pub interventions: u32,
    pub interventions_done: u32,
    pub status: RowStatus,
}

impl CaseSummary {
    pub fn of(c: &schema::CaseDoc, status: RowStatus) -> CaseSummary {
        let (live, done) = c.implementation();
        CaseSummary {
            id: c.id,
            person_id: c.person_id,
            opened_at: c.opened_at.clone(),
            case_manager: c.case_manager.clone(),
            labour_expert: c.labour_expert.clone(),
            last_review: c
                .reviews
                .iter()
                .map(|r| r.at.as_str())
                .filter(|d| schema::case::valid_date(d))
                .max()
                .map(str::to_string),
            rules_version: c.rules_version,
            closed_at: c.closed_at.clone(),
            outcome: c.outcome,
            interventions: u32::try_from(live).unwrap_or(u32::MAX),
            interventions_done: u32::try_from(done).unwrap_or(u32::MAX),
            status,
        }
    }
}

/// A person's summary: the row without what is derived from contacts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonSummary {
    pub id: DocId,
    pub aliases: Vec<String>,
    pub country: String,
    pub languages: Vec<String>,
    pub documents: DocumentStatus,
    pub consented: bool,
    pub created_at: i64,
    pub status: RowStatus,
    /// The person this record was merged into. Absent in summaries written before merges
    /// existed (read as `None`; a merge rewrites the summary with the document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<DocId>,
    /// The birth year and whether it is a guess: namesakes told apart in the list.
    /// Absent in summaries written before (read as unknown until the next write).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub birth_year_estimated: bool,
    /// Sensitive fields two devices set apart (`schema::conflicts`), waiting for the
    /// central office's review ("Da rivedere"): the phone says so on the person's row (a
    /// new user's walk: a worker whose offline value lost was never told). Absent in
    /// summaries written before (none until the next write).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_review: Vec<String>,
    /// Of those fields, the value this device wrote, (field, value as JSON text): the
    /// row shows it, since the value the list shows may be the other device's (a new
    /// user's walk: the worker saw only the other phone's value). Absent in summaries
    /// written before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_review_mine: Vec<(String, String)>,
    /// The person's team: a contact recorded with them is that team's. Absent in
    /// summaries written before (read as the device user's team until the next write).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<strada_shared::ids::TeamId>,
}

impl Summary {
    pub fn id(&self) -> DocId {
        match self {
            Summary::Contact(c) => c.id,
            Summary::Person(p) => p.id,
            Summary::Referral(r, _) => r.id,
            Summary::Central(id, _, _) => *id,
            Summary::Case(c) => c.id,
        }
    }

    pub fn status(&self) -> RowStatus {
        match self {
            Summary::Contact(c) => c.status,
            Summary::Person(p) => p.status,
            Summary::Referral(_, s) | Summary::Central(_, _, s) => *s,
            Summary::Case(c) => c.status,
        }
    }
}

/// The fields of `d` two devices set apart (waiting for the central office's review),
/// and the value this device wrote of each.
fn in_review(d: &DeviceDoc, doc_type: DocType) -> (Vec<String>, Vec<(String, String)>) {
    let conflicts = schema::conflicts::find(&d.doc, doc_type);
    let me = d.doc.get_actor().to_hex_string();
    let mine = conflicts
        .iter()
        .filter_map(|c| {
            let mine = c.values.iter().find(|v| v.actor == me)?;
            Some((c.field.clone(), mine.value.clone()))
        })
        .collect();
    (conflicts.into_iter().map(|c| c.field).collect(), mine)
}

/// A document's summary, or `None` when it does not read as its type (it then stays
/// out of the lists, as before the index existed).
pub fn summarize(d: &mut DeviceDoc) -> Option<Summary> {
    let status = RowStatus::of(d);
    match d.doc_type {
        DocType::Contact => {
            let c = schema::read::<ContactDoc>(&d.doc).ok()?;
            let (in_review, in_review_mine) = in_review(d, DocType::Contact);
            Some(Summary::Contact(ContactRow {
                id: c.id,
                alias: match &c.person {
                    PersonRef::Alias(a) => Some(a.clone()),
                    PersonRef::Anonymous => None,
                },
                person_id: c.person_id,
                occurred_at: c.occurred_at,
                people: c.people(),
                needs: c.needs,
                status,
                in_review,
                in_review_mine,
            }))
        }
        DocType::Person => {
            let p = schema::read::<PersonDoc>(&d.doc).ok()?;
            let (in_review, in_review_mine) = in_review(d, DocType::Person);
            Some(Summary::Person(PersonSummary {
                id: p.id,
                consented: p.consent.status == strada_shared::vocab::ConsentStatus::Given,
                aliases: p.aliases,
                country: p.country,
                languages: p.languages,
                documents: p.documents,
                created_at: p.created_at,
                status,
                merged_into: p.merged_into,
                birth_year: p.birth_year,
                birth_year_estimated: p.birth_year_estimated,
                in_review,
                in_review_mine,
                team: Some(p.team),
            }))
        }
        DocType::Referral => {
            let r = schema::read::<ReferralDoc>(&d.doc).ok()?;
            Some(Summary::Referral(Box::new(r), status))
        }
        DocType::Case => {
            let c = schema::read::<schema::CaseDoc>(&d.doc).ok()?;
            Some(Summary::Case(Box::new(CaseSummary::of(&c, status))))
        }
        // Read from the server's records (the workspace), not listed.
        DocType::JobOffer | DocType::PuaRules => Some(Summary::Central(d.id, d.doc_type, status)),
    }
}

/// The most merges followed from a person to its survivor (A into B into C is two). A
/// longer chain, or a loop, is not followed: its persons stay listed each as itself.
pub const MAX_MERGE_CHAIN: usize = 8;

/// The survivor of every person on the device that was merged into another one on the
/// device (persons of their own are not in the map).
fn survivors(persons: &[PersonRow]) -> HashMap<DocId, DocId> {
    let into: HashMap<DocId, Option<DocId>> =
        persons.iter().map(|p| (p.id, p.merged_into)).collect();
    let mut out = HashMap::new();
    for p in persons {
        let mut at = p.id;
        let mut steps = 0;
        // Follow while the next person is on the device; stop where the chain ends.
        while let Some(next) = into
            .get(&at)
            .copied()
            .flatten()
            .filter(|n| into.contains_key(n))
        {
            if steps == MAX_MERGE_CHAIN || next == p.id {
                // Too long, or a loop: not followed.
                at = p.id;
                break;
            }
            at = next;
            steps += 1;
        }
        if at != p.id {
            out.insert(p.id, at);
        }
    }
    out
}

/// Every list, built in one pass over the summaries, with each row's place by id: a row
/// on screen follows its document by id ([`Records::contact`]...), so a list redraws
/// what a pull changed in place, whatever changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Records {
    pub contacts: Vec<ContactRow>,
    /// The persons to list: those merged into another person on the device are in
    /// `merged` instead.
    pub persons: Vec<PersonRow>,
    pub referrals: Vec<ReferralRow>,
    /// Persons merged into a listed one (still counted while not yet synced).
    pub merged: Vec<PersonRow>,
    /// The listed survivor of each person in `merged`.
    survivor: HashMap<DocId, DocId>,
    at: HashMap<DocId, usize>,
    /// Cases, job offers and the PUA's rules not yet accepted by the server: listed
    /// nowhere here, counted all the same (a new user's walk: three case edits made
    /// offline showed "0 in attesa").
    others_pending: usize,
}

/// Builds [`Records`] a summary at a time, so a caller can spread thousands of them over
/// several browser tasks; [`RecordsBuilder::finish`] sorts and joins.
#[derive(Default)]
pub struct RecordsBuilder {
    contacts: Vec<ContactRow>,
    persons: Vec<PersonRow>,
    referrals: Vec<ReferralRow>,
    merged: Vec<PersonRow>,
    survivor: HashMap<DocId, DocId>,
    others_pending: usize,
}

impl RecordsBuilder {
    pub fn add(&mut self, s: &Summary) {
        match s {
            Summary::Contact(c) => self.contacts.push(c.clone()),
            Summary::Person(p) => self.persons.push(PersonRow {
                id: p.id,
                key: SearchKey::new(p.aliases.iter().map(String::as_str)),
                aliases: p.aliases.clone(),
                country: p.country.clone(),
                languages: p.languages.clone(),
                documents: p.documents,
                last_contacts: Vec::new(),
                last_seen: p.created_at,
                consented: p.consented,
                status: p.status,
                merged_into: p.merged_into,
                birth_year: p.birth_year,
                birth_year_estimated: p.birth_year_estimated,
                in_review: p.in_review.clone(),
                in_review_mine: p.in_review_mine.clone(),
                team: p.team.clone(),
            }),
            Summary::Referral(r, status) => {
                let walk = r.walk();
                self.referrals.push(ReferralRow {
                    id: r.id,
                    conflict: walk.conflict,
                    contact: r.contact,
                    need: r.need,
                    partner: r.partner.clone(),
                    person: None,
                    status: r.status,
                    since: walk.since.unwrap_or(r.created_at),
                    created_at: r.created_at,
                    doc: (**r).clone(),
                    sync: *status,
                });
            }
            Summary::Central(_, _, status) => {
                self.others_pending += usize::from(*status != RowStatus::Synced)
            }
            Summary::Case(c) => self.others_pending += usize::from(c.status != RowStatus::Synced),
        }
    }

    #[cfg(test)]
    pub fn finish(self) -> Records {
        let mut f = self.finisher();
        while !f.step() {}
        f.records()
    }

    /// The sorting and joining of [`RecordsBuilder::finish`] as a few steps, each
    /// proportional to the number of rows, so a caller can yield to the browser between
    /// them.
    pub fn finisher(self) -> Finisher {
        Finisher {
            done: 0,
            rows: self,
        }
    }
}

/// See [`RecordsBuilder::finisher`].
pub struct Finisher {
    done: u8,
    rows: RecordsBuilder,
}

impl Finisher {
    /// Does the next step; `true` once every step is done.
    pub fn step(&mut self) -> bool {
        let RecordsBuilder {
            contacts,
            persons,
            referrals,
            merged,
            survivor,
            ..
        } = &mut self.rows;
        match self.done {
            0 => {
                sort_by(contacts, |a, b| {
                    b.occurred_at.cmp(&a.occurred_at).then(b.id.cmp(&a.id))
                });
                // Persons merged into another on the device leave the list; the survivor
                // is found by their aliases too.
                *survivor = survivors(persons);
                if !survivor.is_empty() {
                    let (gone, kept): (Vec<PersonRow>, Vec<PersonRow>) = std::mem::take(persons)
                        .into_iter()
                        .partition(|p| survivor.contains_key(&p.id));
                    *persons = kept;
                    *merged = gone;
                    let mut extra: HashMap<DocId, Vec<&str>> = HashMap::new();
                    for m in merged.iter() {
                        extra
                            .entry(survivor[&m.id])
                            .or_default()
                            .extend(m.aliases.iter().map(String::as_str));
                    }
                    for p in persons.iter_mut() {
                        if let Some(more) = extra.get(&p.id) {
                            p.key = SearchKey::new(
                                p.aliases
                                    .iter()
                                    .map(String::as_str)
                                    .chain(more.iter().copied()),
                            );
                        }
                    }
                }
            }
            1 => {
                // Last contacts per person (contacts are newest first already), those of
                // the persons merged into them included. A contact of a merged person
                // shows the survivor's name.
                let name: HashMap<DocId, &String> = persons
                    .iter()
                    .filter_map(|p| p.aliases.first().map(|a| (p.id, a)))
                    .collect();
                for c in contacts.iter_mut() {
                    // (A contact recorded as anonymous stays anonymous.)
                    if c.alias.is_some()
                        && let Some(s) = c.person_id.and_then(|p| survivor.get(&p))
                        && let Some(a) = name.get(s)
                    {
                        c.alias = Some((*a).clone());
                    }
                }
                let mut by_person: HashMap<DocId, Vec<&ContactRow>> = HashMap::new();
                for c in contacts.iter() {
                    if let Some(p) = c.person_id {
                        let p = survivor.get(&p).copied().unwrap_or(p);
                        by_person.entry(p).or_default().push(c);
                    }
                }
                for p in persons.iter_mut() {
                    if let Some(cs) = by_person.get(&p.id) {
                        p.last_contacts = cs
                            .iter()
                            .take(3)
                            .map(|c| (c.occurred_at, c.needs.clone()))
                            .collect();
                        p.last_seen = p.last_seen.max(cs[0].occurred_at);
                    }
                }
            }
            2 => sort_by(persons, |a, b| {
                b.last_seen.cmp(&a.last_seen).then(b.id.cmp(&a.id))
            }),
            3 => {
                // A referral shows the person of its contact: only referrals' contacts are
                // looked up (not every contact).
                let person_name: HashMap<DocId, &str> = persons
                    .iter()
                    .filter_map(|p| p.aliases.first().map(|a| (p.id, a.as_str())))
                    .collect();
                let wanted: std::collections::HashSet<DocId> =
                    referrals.iter().map(|r| r.contact).collect();
                let alias_of: HashMap<DocId, Option<String>> = contacts
                    .iter()
                    .filter(|c| wanted.contains(&c.id))
                    .map(|c| {
                        let name = c
                            .person_id
                            .map(|p| survivor.get(&p).copied().unwrap_or(p))
                            .and_then(|p| person_name.get(&p).map(|s| s.to_string()))
                            .or_else(|| c.alias.clone());
                        (c.id, name)
                    })
                    .collect();
                for r in referrals.iter_mut() {
                    r.person = alias_of.get(&r.contact).cloned().flatten();
                }
            }
            _ => sort_by(referrals, |a, b| {
                b.since.cmp(&a.since).then(b.id.cmp(&a.id))
            }),
        }
        self.done += 1;
        self.done > 4
    }

    /// The lists, once [`Finisher::step`] said everything is done.
    pub fn records(self) -> Records {
        let RecordsBuilder {
            contacts,
            persons,
            referrals,
            merged,
            survivor,
            others_pending,
        } = self.rows;
        // Ids are unique across types (UUIDv7), so one map places every row.
        let at = contacts
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id, i))
            .chain(persons.iter().enumerate().map(|(i, p)| (p.id, i)))
            .chain(referrals.iter().enumerate().map(|(i, r)| (r.id, i)))
            .collect();
        Records {
            contacts,
            persons,
            referrals,
            merged,
            survivor,
            at,
            others_pending,
        }
    }
}

impl Records {
    /// The contact row of `id`, if listed.
    pub fn contact(&self, id: DocId) -> Option<&ContactRow> {
        self.at
            .get(&id)
            .and_then(|i| self.contacts.get(*i))
            .filter(|c| c.id == id)
    }

    /// The person row of `id` if listed, or of the listed person it was merged into.
    pub fn person(&self, id: DocId) -> Option<&PersonRow> {
        let id = self.survivor(id);
        self.at
            .get(&id)
            .and_then(|i| self.persons.get(*i))
            .filter(|p| p.id == id)
    }

    /// The listed person `id` stands for: the one it was merged into (through every
    /// merge on the device), or itself.
    pub fn survivor(&self, id: DocId) -> DocId {
        self.survivor.get(&id).copied().unwrap_or(id)
    }

    /// The referral row of `id`, if listed.
    pub fn referral(&self, id: DocId) -> Option<&ReferralRow> {
        self.at
            .get(&id)
            .and_then(|i| self.referrals.get(*i))
            .filter(|r| r.id == id)
    }

    #[cfg(test)]
    pub fn from_summaries<'a>(summaries: impl IntoIterator<Item = &'a Summary>) -> Records {
        let mut b = RecordsBuilder::default();
        for s in summaries {
            b.add(s);
        }
        b.finish()
    }

    /// Persons matching `query`, best first (exact spelling before transliteration
    /// variants, then the most recently met). An empty query lists the recent ones.
    pub fn search(&self, query: &str, max: usize) -> Vec<PersonRow> {
        if query.trim().is_empty() {
            // Persons are kept most recently met first.
            return self
                .persons
                .iter()
                .filter(|p| p.consented)
                .take(max)
                .cloned()
                .collect();
        }
        let q = Query::parse(query);
        let mut hits: Vec<(u8, &PersonRow)> = self
            .persons
            .iter()
            .filter(|p| p.consented)
            .filter_map(|p| p.key.score(&q).map(|s| (s, p)))
            .collect();
        sort_by(&mut hits, |a, b| {
            b.0.cmp(&a.0).then(b.1.last_seen.cmp(&a.1.last_seen))
        });
        hits.into_iter().take(max).map(|(_, p)| p.clone()).collect()
    }

    /// The referrals waiting more than `days` for the partner's feedback at `now_ms`,
    /// the longest waits first (a new user's walk: one waiting a whole year was the
    /// list's last of 73).
    pub fn waiting(&self, now_ms: i64, days: i64) -> Vec<DocId> {
        let mut rows: Vec<(i64, DocId)> = self
            .referrals
            .iter()
            .filter(|x| x.doc.waiting_for_feedback(now_ms, days))
            .map(|x| (x.since, x.id))
            .collect();
        strada_shared::sort::sort(&mut rows);
        rows.into_iter().map(|(_, id)| id).collect()
    }

    /// Changes the server refused: they wait for nothing (a person discards or edits
    /// them), and the status bar says so apart (a new user's walk: a refused contact
    /// was counted «in attesa», and said so only on its row).
    pub fn refused(&self) -> usize {
        self.statuses()
            .filter(|s| matches!(s, RowStatus::Refused(_)))
            .count()
    }

    /// The sync status of every listed row.
    fn statuses(&self) -> impl Iterator<Item = &RowStatus> {
        self.contacts
            .iter()
            .map(|c| &c.status)
            .chain(self.persons.iter().map(|p| &p.status))
            .chain(self.merged.iter().map(|p| &p.status))
            .chain(self.referrals.iter().map(|r| &r.sync))
    }

    /// Documents not yet accepted by the server.
    pub fn pending(&self) -> usize {
        self.statuses().filter(|s| **s != RowStatus::Synced).count() + self.others_pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::ActorId;
    use strada_shared::ids::{TeamId, UserId};
    use strada_shared::schema::{Consent, DocType};
    use strada_shared::vocab::{ConsentStatus, Gender};

    fn device_doc<T: schema::Document>(t: DocType, v: &T) -> DeviceDoc {
        DeviceDoc::new(
            v.id(),
            t,
            schema::create(ActorId::from(vec![3u8; 16]), v).unwrap(),
        )
    }

    #[test]
    fn lists_come_from_summaries_with_last_contacts_and_referral_names() {
        let team = TeamId::parse("t").unwrap();
        let me = UserId::new_v7(1_700_000_000_000, [1; 10]);
        let person = PersonDoc {
            id: DocId::new_v7(1_760_000_000_000, [2; 10]),
            aliases: vec!["Muhammad".into(), "محمد".into()],
            birth_year: None,
            birth_year_estimated: false,
            gender: Gender::Man,
            country: String::new(),
            languages: vec!["ar".into()],
            phone: None,
            documents: DocumentStatus::NoDocument,
            usual_place: String::new(),
            consent: Consent {
                status: ConsentStatus::Given,
                at: 1_760_000_000_000,
                recorded_by: me,
                partners: vec![],
            },
            author: me,
            team: team.clone(),
            created_at: 1_760_000_000_000,
            merged_into: None,
        };
        let contact = |n: u8, at: i64| ContactDoc {
            id: DocId::new_v7(at as u64, [n; 10]),
            occurred_at: at,
            person: PersonRef::Alias("Muhammad".into()),
            person_id: Some(person.id),
            consent: ConsentStatus::Given,
            needs: vec![NeedCategory::Food],
            ..ContactDoc::new(
                DocId::new_v7(0, [0; 10]),
                at,
                PersonRef::Anonymous,
                vec![],
                me,
                team.clone(),
            )
        };
        let c1 = contact(4, 1_760_000_100_000);
        let c2 = contact(5, 1_760_000_200_000);
        let referral = ReferralDoc {
            id: DocId::new_v7(1_760_000_300_000, [6; 10]),
            contact: c2.id,
            need: NeedCategory::Food,
            partner: "Mensa sintetica".into(),
            status: ReferralStatus::Sent,
            outcome: String::new(),
            author: me,
            team: team.clone(),
            created_at: 1_760_000_300_000,
            service_id: None,
            person_id: Some(person.id),
            history: vec![],
        };
        let mut case = strada_shared::schema::CaseDoc::new(
            DocId::new_v7(1_760_000_400_000, [7; 10]),
            person.id,
            team.clone(),
            me,
            1_760_000_400_000,
            "2025-10-09".into(),
        );
        case.case_manager = "sociale".into();
        case.reviews.push(strada_shared::schema::case::Review {
            at: "2025-11-08".into(),
            note: String::new(),
            by: me,
        });
        let mut docs = [
            device_doc(DocType::Person, &person),
            device_doc(DocType::Contact, &c1),
            device_doc(DocType::Contact, &c2),
            device_doc(DocType::Referral, &referral),
            device_doc(DocType::Case, &case),
        ];
        let summaries: Vec<Summary> = docs.iter_mut().filter_map(summarize).collect();
        // Summaries survive their stored form (JSON, then sealed).
        let stored: Vec<Summary> = summaries
            .iter()
            .map(|s| serde_json::from_slice(&serde_json::to_vec(s).unwrap()).unwrap())
            .collect();
        assert_eq!(stored, summaries);
        // Their stored JSON does not change by accident (regenerate on purpose with
        // `STRADA_BLESS=1 cargo test -p strada-app`); an unknown one is skipped and
        // rebuilt from its document.
        let json = serde_json::to_string_pretty(&summaries).unwrap();
        let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("golden")
            .join("summaries.json");
        if std::env::var_os("STRADA_BLESS").is_some() {
            std::fs::write(&file, &json).unwrap();
        }
        assert_eq!(
            json,
            std::fs::read_to_string(&file).expect("golden summaries (STRADA_BLESS=1 writes them)"),
            "the stored summaries changed"
        );
        let r = Records::from_summaries(&stored);
        assert_eq!(r.contacts.len(), 2);
        assert_eq!(r.contacts[0].id, c2.id, "newest first");
        assert_eq!(r.persons[0].last_contacts.len(), 2);
        assert_eq!(r.persons[0].last_seen, c2.occurred_at);
        assert_eq!(r.referrals[0].person.as_deref(), Some("Muhammad"));
        assert_eq!(
            r.pending(),
            5,
            "nothing acknowledged yet: the case counts, though not listed (a new user's walk)"
        );
        // A case's row, for the case list without the network.
        match &summaries[4] {
            Summary::Case(c) => {
                assert_eq!(c.person_id, person.id);
                assert_eq!(c.last_review.as_deref(), Some("2025-11-08"));
                assert_eq!(c.case_manager, "sociale");
                assert_eq!((c.interventions, c.interventions_done), (0, 0));
            }
            other => panic!("a case summarised as {other:?}"),
        }
        // Search forgives transliteration.
        assert_eq!(r.search("Mohamed", 5).len(), 1);
        assert_eq!(r.search("محمد", 5).len(), 1);
        assert!(r.search("Ousmane", 5).is_empty());
    }

    fn me() -> UserId {
        UserId::new_v7(1_700_000_000_000, [1; 10])
    }

    fn person(n: u8, alias: &str, merged_into: Option<DocId>) -> PersonDoc {
        PersonDoc {
            id: DocId::new_v7(1_760_000_000_000 + n as u64, [n; 10]),
            aliases: vec![alias.into()],
            birth_year: None,
            birth_year_estimated: false,
            gender: Gender::Unknown,
            country: String::new(),
            languages: vec![],
            phone: None,
            documents: DocumentStatus::Unknown,
            usual_place: String::new(),
            consent: Consent {
                status: ConsentStatus::Given,
                at: 1_760_000_000_000,
                recorded_by: me(),
                partners: vec![],
            },
            author: me(),
            team: TeamId::parse("t").unwrap(),
            created_at: 1_760_000_000_000,
            merged_into,
        }
    }

    fn contact_of(n: u8, at: i64, p: &PersonDoc) -> ContactDoc {
        ContactDoc {
            person_id: Some(p.id),
            consent: ConsentStatus::Given,
            needs: vec![NeedCategory::Food],
            ..ContactDoc::new(
                DocId::new_v7(at as u64, [n; 10]),
                at,
                PersonRef::Alias(p.aliases[0].clone()),
                vec![],
                me(),
                TeamId::parse("t").unwrap(),
            )
        }
    }

    fn records_of(persons: &[&PersonDoc], contacts: &[&ContactDoc]) -> Records {
        let mut docs: Vec<DeviceDoc> = persons
            .iter()
            .map(|p| device_doc(DocType::Person, *p))
            .chain(contacts.iter().map(|c| device_doc(DocType::Contact, *c)))
            .collect();
        let summaries: Vec<Summary> = docs.iter_mut().filter_map(summarize).collect();
        Records::from_summaries(&summaries)
    }

    fn listed(r: &Records) -> Vec<DocId> {
        let mut ids: Vec<DocId> = r.persons.iter().map(|p| p.id).collect();
        ids.sort();
        ids
    }

    #[test]
    fn a_person_merged_into_one_on_the_device_is_listed_as_the_survivor() {
        let survivor = person(10, "Moussa", None);
        let merged = person(11, "Musa Traoré", Some(survivor.id));
        let own = contact_of(20, 1_760_000_100_000, &survivor);
        let theirs = contact_of(21, 1_760_000_200_000, &merged);
        let referral = ReferralDoc {
            id: DocId::new_v7(1_760_000_300_000, [22; 10]),
            contact: theirs.id,
            need: NeedCategory::Food,
            partner: "Mensa sintetica".into(),
            status: ReferralStatus::Sent,
            outcome: String::new(),
            author: me(),
            team: TeamId::parse("t").unwrap(),
            created_at: 1_760_000_300_000,
            service_id: None,
            person_id: Some(merged.id),
            history: vec![],
        };
        let mut docs = [
            device_doc(DocType::Person, &survivor),
            device_doc(DocType::Person, &merged),
            device_doc(DocType::Contact, &own),
            device_doc(DocType::Contact, &theirs),
            device_doc(DocType::Referral, &referral),
        ];
        let summaries: Vec<Summary> = docs.iter_mut().filter_map(summarize).collect();
        // The merge survives the summary's stored form.
        let stored: Vec<Summary> = summaries
            .iter()
            .map(|s| serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap())
            .collect();
        let r = Records::from_summaries(&stored);

        assert_eq!(listed(&r), vec![survivor.id], "only the survivor is listed");
        let row = &r.persons[0];
        assert_eq!(
            row.last_contacts.iter().map(|c| c.0).collect::<Vec<_>>(),
            vec![theirs.occurred_at, own.occurred_at],
            "the merged person's contacts are the survivor's"
        );
        assert_eq!(row.last_seen, theirs.occurred_at);
        assert_eq!(
            r.contact(theirs.id).unwrap().alias.as_deref(),
            Some("Moussa"),
            "a contact of the merged person shows the survivor's name"
        );
        assert_eq!(r.referrals[0].person.as_deref(), Some("Moussa"));
        // Found by the merged person's alias; its id leads to the survivor.
        let found = r.search("Musa Traore", 5);
        assert_eq!(
            found.iter().map(|p| p.id).collect::<Vec<_>>(),
            vec![survivor.id]
        );
        assert_eq!(r.person(merged.id).map(|p| p.id), Some(survivor.id));
        assert_eq!(r.survivor(merged.id), survivor.id);
        // Not yet synced, the merged person still counts.
        assert_eq!(r.pending(), 5);
    }

    #[test]
    fn merges_are_followed_along_a_chain_to_the_last_survivor() {
        let c = person(12, "Ibrahima", None);
        let b = person(11, "Ibrahim", Some(c.id));
        let a = person(10, "Ibrahina", Some(b.id));
        let met = contact_of(20, 1_760_000_100_000, &a);
        let r = records_of(&[&a, &b, &c], &[&met]);
        assert_eq!(listed(&r), vec![c.id]);
        assert_eq!(r.persons[0].last_contacts.len(), 1);
        assert_eq!(
            r.contact(met.id).unwrap().alias.as_deref(),
            Some("Ibrahima")
        );
        assert_eq!(r.survivor(a.id), c.id);
    }

    #[test]
    fn a_chain_too_long_or_a_loop_is_not_followed() {
        // MAX_MERGE_CHAIN + 2 persons, each merged into the next: one step too many for
        // the first, whose contact stays with it.
        let n = MAX_MERGE_CHAIN + 2;
        let mut chain: Vec<PersonDoc> = vec![person(100, "Last", None)];
        for i in 1..n {
            let next = chain[i - 1].id;
            chain.push(person(100 + i as u8, &format!("P{i}"), Some(next)));
        }
        let first = chain.last().unwrap();
        let met = contact_of(20, 1_760_000_100_000, first);
        let r = records_of(&chain.iter().collect::<Vec<_>>(), &[&met]);
        assert!(
            r.persons.iter().any(|p| p.id == first.id),
            "too long: listed"
        );
        assert_eq!(r.person(first.id).unwrap().last_contacts.len(), 1);
        assert_eq!(
            r.contact(met.id).unwrap().alias.as_deref(),
            Some(first.aliases[0].as_str())
        );
        // The second of the chain is within the limit.
        assert!(!r.persons.iter().any(|p| p.id == chain[n - 2].id));

        // Two persons merged into each other (never written so, but read safely).
        let mut x = person(30, "X", None);
        let y = person(31, "Y", Some(x.id));
        x.merged_into = Some(y.id);
        let r = records_of(&[&x, &y], &[]);
        let mut both = vec![x.id, y.id];
        both.sort();
        assert_eq!(listed(&r), both, "a loop leaves both listed");
    }

    #[test]
    fn a_person_merged_into_someone_not_on_the_device_stays_listed() {
        let elsewhere = DocId::new_v7(1_760_000_000_500, [99; 10]);
        let p = person(10, "Amina", Some(elsewhere));
        let met = contact_of(20, 1_760_000_100_000, &p);
        let r = records_of(&[&p], &[&met]);
        assert_eq!(listed(&r), vec![p.id]);
        assert_eq!(r.persons[0].last_contacts.len(), 1);
        assert_eq!(r.contact(met.id).unwrap().alias.as_deref(), Some("Amina"));
        assert_eq!(r.search("Amina", 5).len(), 1);
    }
    #[test]
    fn the_longest_waits_for_feedback_come_first() {
        let me = UserId::new_v7(1_700_000_000_000, [1; 10]);
        let team = TeamId::parse("t").unwrap();
        let day = 86_400_000;
        let now = 1_760_000_000_000 + 400 * day;
        let row = |n: u8, since: i64, status: ReferralStatus| {
            let doc = ReferralDoc {
                id: DocId::new_v7(1_760_000_000_000 + u64::from(n), [n; 10]),
                contact: DocId::new_v7(1_760_000_000_000, [0; 10]),
                need: NeedCategory::Shelter,
                partner: "Synthetic".into(),
                status,
                outcome: String::new(),
                author: me,
                team: team.clone(),
                created_at: since,
                service_id: None,
                person_id: None,
                history: vec![],
            };
            ReferralRow {
                id: doc.id,
                conflict: None,
                contact: doc.contact,
                need: doc.need,
                partner: doc.partner.clone(),
                person: None,
                status,
                since,
                created_at: since,
                doc,
                sync: RowStatus::Synced,
            }
        };
        let records = Records {
            referrals: vec![
                row(1, now - 10 * day, ReferralStatus::Sent),
                row(2, now - 365 * day, ReferralStatus::Sent),
                row(3, now - 3 * day, ReferralStatus::Sent),
                row(4, now - 30 * day, ReferralStatus::Accepted),
                row(5, now - 200 * day, ReferralStatus::Closed),
            ],
            ..Records::default()
        };
        let id = |n: u8| records.referrals[usize::from(n) - 1].id;
        assert_eq!(records.waiting(now, 7), vec![id(2), id(4), id(1)]);
        assert_eq!(records.waiting(now, 0), vec![id(2), id(4), id(1), id(3)]);
    }
}
