//! The store → an exchange file: every team, person, contact, referral, case and job
//! offer of the PUA, one JSON object per line, in the format `import` reads (so an export
//! imported into an empty store gives back the same lines). The PUA's rules are not part
//! of the format.
//!
//! - Ids: a record's external id when it was imported, else its Strada id; a team's
//!   external id, else its slug (and its name: the slug, when none was imported).
//! - Teams: those of the exchange entries, of the records and of field workers' accounts.
//! - A person whose consent is not given is written with `aliases: []` and no
//!   identifying field (consent withdrawn: the document holds none anyway).
//! - A country is written when it is an ISO 3166-1 alpha-2 code, languages when they
//!   are ISO 639-1 codes: Strada keeps both as the person says them.
//! - A referral's history is the way its status went ([`ReferralDoc::path`]): `proposed`
//!   when it was created, then each move followed.
//! - A referral's `partner` is written unless its `service` gives it back on import (the
//!   directory's organisation of that service): a referral naming both keeps both.
//! - A contact's `author` is the name it was imported with, else the account's name.
//! - A case writes what the format carries: its grades without their evidence, its
//!   interventions by id without partner or note, its reviews without who wrote them;
//!   reasons an import had to fill in ([`NO_REASONS`]) are left out. A job offer writes
//!   no team: the format has none.
//! - A person merged away (`merged_into`) is not written: the survivor's line stands for
//!   both (a merge gives it every alias of both), and contacts, referrals and cases that
//!   name the merged person name the survivor at the end of the chain. An export imported
//!   into an empty store so counts one person, as the store did; the format has no merges,
//!   so an unmerge is possible only where the merge was made.
//! - Lines come in a fixed order: teams, persons, contacts, referrals, cases, job
//!   offers, each by id.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::AutoCommit;
use serde::Serialize;
use strada_shared::domain::{DocumentStatus, Role};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::{CaseDoc, ContactDoc, JobOfferDoc, PersonDoc, ReferralDoc};
use strada_shared::vocab::{Code, ConsentStatus, Gender};

use super::ExchangeError;
use super::build::NO_REASONS;
use super::codes;
use crate::audit::{self, Act};
use crate::auth::AuthUser;
use crate::directory::ServedDirectory;
use crate::projection::rfc3339_ms;
use crate::storage::{ExchangeKind, Store, StoreError};
use crate::sync::rules::TypedDoc;

/// An exported file and how many records of each type it holds.
pub struct Exported {
    pub bytes: Vec<u8>,
    pub counts: BTreeMap<&'static str, usize>,
}

/// Exports every record of the store (see the module note), recorded in the audit log
/// as `by`'s act (`None`: the operator, from the command line).
pub fn export(
    store: &dyn Store,
    directory: &ServedDirectory,
    by: Option<&AuthUser>,
    now_ms: i64,
) -> Result<Exported, ExchangeError> {
    let mut docs: Vec<TypedDoc> = Vec::new();
    for id in store.doc_ids()? {
        // Quarantined documents are not served: they are left out here too.
        let Some(stored) = store.doc(id)? else {
            continue;
        };
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let doc = AutoCommit::load(&stored.bytes).ok()?;
            TypedDoc::read(stored.meta.doc_type, &doc).ok()
        }));
        match read {
            Ok(Some(value)) => docs.push(value),
            _ => tracing::warn!(doc = %id, "a stored document does not read: not exported"),
        }
    }
    let mut names = Names::new(store)?;
    names.survivors = survivors(store, &docs)?;
    let mut lines: Vec<(u8, String, Vec<u8>)> = Vec::new();
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    // Teams: imported ones, those of the records, those of field workers.
    let mut slugs: BTreeSet<TeamId> = docs.iter().map(|d| d.team().clone()).collect();
    for e in store.exchange_entries(ExchangeKind::Team)? {
        slugs.extend(TeamId::parse(&e.internal).ok());
    }
    for u in store.users()? {
        if u.role == Role::FieldWorker {
            slugs.insert(u.team);
        }
    }
    for slug in &slugs {
        let (id, entry) = names.team(slug)?;
        let line = TeamLine {
            kind: "team",
            id: &id,
            name: entry
                .as_ref()
                .and_then(|e| e.name.as_deref())
                .unwrap_or(slug.as_str()),
            area: entry.as_ref().and_then(|e| e.area.as_deref()),
        };
        lines.push((0, id.clone(), json(&line)));
        *counts.entry("team").or_default() += 1;
    }
    for doc in &docs {
        let (rank, kind, id, bytes) = match doc {
            // Merged away: the survivor's line stands for both (it holds every alias of
            // both), and what named this person names the survivor.
            TypedDoc::Person(p) if names.survivors.contains_key(&p.id) => continue,
            TypedDoc::Person(p) => {
                let id = names.record(ExchangeKind::Person, p.id)?;
                (1, "person", id.clone(), json(&person(&mut names, &id, p)?))
            }
            TypedDoc::Contact(c) => {
                let id = names.record(ExchangeKind::Contact, c.id)?;
                (
                    2,
                    "contact",
                    id.clone(),
                    json(&contact(&mut names, &id, c)?),
                )
            }
            TypedDoc::Referral(r) => {
                let id = names.record(ExchangeKind::Referral, r.id)?;
                (
                    3,
                    "referral",
                    id.clone(),
                    json(&referral(&mut names, directory, &id, r)?),
                )
            }
            TypedDoc::Case(c) => {
                let id = names.record(ExchangeKind::Case, c.id)?;
                (4, "case", id.clone(), json(&case(&mut names, &id, c)?))
            }
            TypedDoc::JobOffer(o) => {
                let id = names.record(ExchangeKind::JobOffer, o.id)?;
                (5, "job_offer", id.clone(), json(&job_offer(&id, o)))
            }
            // The PUA's rules are not part of the format.
            TypedDoc::PuaRules(_) => continue,
        };
        lines.push((rank, id, bytes));
        *counts.entry(kind).or_default() += 1;
    }
    lines.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let mut bytes = Vec::new();
    for (_, _, line) in lines {
        bytes.extend_from_slice(&line);
        bytes.push(b'\n');
    }
    let total = counts.values().sum::<usize>();
    let record = match by {
        Some(u) => audit::Record::new(Act::Export).by(u),
        None => audit::Record::new(Act::Export),
    };
    audit::record(store, now_ms, record.count(total))?;
    tracing::info!(records = total, "exchange export");
    Ok(Exported { bytes, counts })
}

fn json<T: Serialize>(line: &T) -> Vec<u8> {
    serde_json::to_vec(line).expect("export lines serialise")
}

/// External ids and names, read from the store once each.
pub(crate) struct Names<'a> {
    store: &'a dyn Store,
    teams: HashMap<TeamId, (String, Option<crate::storage::ExchangeEntry>)>,
    users: HashMap<UserId, Option<String>>,
    /// Persons merged away → the person they count under (chains followed).
    survivors: HashMap<DocId, DocId>,
}

/// Each person merged away → the person it counts under at the end of its chain of
/// merges ([`crate::merge::roots`]), when that person is exported (a survivor that does
/// not read leaves the merged person written as itself).
fn survivors(store: &dyn Store, docs: &[TypedDoc]) -> Result<HashMap<DocId, DocId>, StoreError> {
    let exported: std::collections::HashSet<DocId> = docs
        .iter()
        .filter_map(|d| match d {
            TypedDoc::Person(p) => Some(p.id),
            _ => None,
        })
        .collect();
    let mut roots = crate::merge::roots(store)?;
    roots.retain(|merged, root| exported.contains(merged) && exported.contains(root));
    Ok(roots)
}

impl<'a> Names<'a> {
    pub(crate) fn new(store: &'a dyn Store) -> Result<Names<'a>, StoreError> {
        Ok(Names {
            store,
            teams: HashMap::new(),
            users: HashMap::new(),
            survivors: HashMap::new(),
        })
    }

    /// A team's external id (its slug when none was imported) and its entry.
    fn team(
        &mut self,
        slug: &TeamId,
    ) -> Result<(String, Option<crate::storage::ExchangeEntry>), StoreError> {
        if let Some(t) = self.teams.get(slug) {
            return Ok(t.clone());
        }
        let entry = match self
            .store
            .exchange_external(ExchangeKind::Team, slug.as_str())?
        {
            Some(external) => self
                .store
                .exchange_entry(ExchangeKind::Team, &external)?
                .filter(|e| e.internal == slug.as_str()),
            None => None,
        };
        let id = entry
            .as_ref()
            .map_or_else(|| slug.to_string(), |e| e.external.clone());
        self.teams.insert(slug.clone(), (id.clone(), entry.clone()));
        Ok((id, entry))
    }

    pub(crate) fn team_id(&mut self, slug: &TeamId) -> Result<String, StoreError> {
        Ok(self.team(slug)?.0)
    }

    /// The external id of the person a record names: the survivor's, when that person
    /// was merged away.
    fn person(&self, id: DocId) -> Result<String, StoreError> {
        let id = self.survivors.get(&id).copied().unwrap_or(id);
        self.record(ExchangeKind::Person, id)
    }

    /// A record's external id: the imported one, else its Strada id.
    fn record(&self, kind: ExchangeKind, id: DocId) -> Result<String, StoreError> {
        Ok(self
            .store
            .exchange_external(kind, &id.to_string())?
            .unwrap_or_else(|| id.to_string()))
    }

    /// A user's name: as imported, else the account's; none for neither.
    pub(crate) fn user(&mut self, id: UserId) -> Result<Option<String>, StoreError> {
        if let Some(name) = self.users.get(&id) {
            return Ok(name.clone());
        }
        let name = match self
            .store
            .exchange_external(ExchangeKind::User, &id.to_string())?
        {
            Some(name) => Some(name),
            None => self.store.user_by_id(id)?.map(|u| u.username),
        };
        self.users.insert(id, name.clone());
        Ok(name)
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct TeamLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    area: Option<&'a str>,
}

#[derive(Serialize)]
struct PersonLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    team: String,
    aliases: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_year: Option<i64>,
    #[serde(skip_serializing_if = "is_false")]
    birth_year_estimated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    gender: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    country: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    languages: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    documents: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usual_place: Option<&'a str>,
    consent: ConsentLine<'a>,
    created_at: String,
}

#[derive(Serialize)]
struct ConsentLine<'a> {
    status: &'static str,
    at: String,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    partners: &'a [String],
}

fn some_text(s: &str) -> Option<&str> {
    Some(s).filter(|s| !s.is_empty())
}

fn person<'a>(
    names: &mut Names<'_>,
    id: &'a str,
    p: &'a PersonDoc,
) -> Result<PersonLine<'a>, StoreError> {
    let consent = ConsentLine {
        status: p.consent.status.code(),
        at: rfc3339_ms(p.consent.at),
        partners: &p.consent.partners,
    };
    let mut line = PersonLine {
        kind: "person",
        id,
        team: names.team_id(&p.team)?,
        aliases: &p.aliases,
        birth_year: p.birth_year,
        birth_year_estimated: p.birth_year_estimated,
        gender: (p.gender != Gender::Unknown).then(|| p.gender.code()),
        country: codes::country(&p.country),
        languages: {
            let mut l: Vec<&'static str> = p
                .languages
                .iter()
                .filter_map(|l| codes::language(l))
                .collect();
            l.sort_unstable();
            l.dedup();
            l
        },
        phone: p.phone.as_deref().and_then(some_text),
        documents: (p.documents != DocumentStatus::Unknown).then(|| p.documents.code()),
        usual_place: some_text(&p.usual_place),
        consent,
        created_at: rfc3339_ms(p.created_at),
    };
    if p.consent.status != ConsentStatus::Given {
        // No identifying field, whatever the document holds.
        line.aliases = &[];
        line.birth_year = None;
        line.birth_year_estimated = false;
        line.gender = None;
        line.country = None;
        line.languages.clear();
        line.phone = None;
        line.documents = None;
        line.usual_place = None;
        line.consent.partners = &[];
    }
    Ok(line)
}

#[derive(Serialize)]
struct ContactLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    team: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    occurred_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<PlaceLine>,
    who: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<GroupLine>,
    channel: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sector: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workplace: Option<&'a str>,
    needs: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    indicators: Vec<IndicatorLine<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    materials: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<&'a str>,
    mediator: &'static str,
    follow_up: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct PlaceLine {
    lat: f64,
    lon: f64,
}

#[derive(Serialize)]
struct GroupLine {
    people: u32,
    #[serde(skip_serializing_if = "is_zero")]
    women: u32,
    #[serde(skip_serializing_if = "is_zero")]
    men: u32,
    #[serde(skip_serializing_if = "is_zero")]
    minors: u32,
}

#[derive(Serialize)]
struct IndicatorLine<'a> {
    code: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

fn contact<'a>(
    names: &mut Names<'_>,
    id: &'a str,
    c: &'a ContactDoc,
) -> Result<ContactLine<'a>, StoreError> {
    // A link to a person is who the contact was with, whatever else it holds.
    let (who, person, group) = match (c.person_id, c.group) {
        (Some(p), _) => ("person", Some(names.person(p)?), None),
        (None, Some(g)) => (
            "group",
            None,
            Some(GroupLine {
                people: g.people,
                women: g.women,
                men: g.men,
                minors: g.minors,
            }),
        ),
        (None, None) => ("anonymous", None, None),
    };
    Ok(ContactLine {
        kind: "contact",
        id,
        team: names.team_id(&c.team)?,
        author: names.user(c.author)?,
        occurred_at: rfc3339_ms(c.occurred_at),
        place: c.place.map(|p| PlaceLine {
            lat: p.lat,
            lon: p.lon,
        }),
        who,
        person,
        group,
        channel: c.channel.code(),
        sector: c.sector.map(Code::code),
        workplace: some_text(&c.workplace),
        needs: c.needs.iter().map(|n| n.code()).collect(),
        indicators: c
            .indicators
            .iter()
            .map(|(code, note)| IndicatorLine {
                code: code.code(),
                note: some_text(note),
            })
            .collect(),
        materials: c.materials.iter().map(|m| m.code()).collect(),
        language: c.language.as_deref().and_then(some_text),
        mediator: c.mediator.code(),
        follow_up: c.follow_up.code(),
        note: some_text(&c.note),
    })
}

#[derive(Serialize)]
struct ReferralLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    team: String,
    contact: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    person: Option<String>,
    need: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    partner: Option<&'a str>,
    history: Vec<HistoryLine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'a str>,
}

#[derive(Serialize)]
struct HistoryLine {
    status: &'static str,
    at: String,
}

fn referral<'a>(
    names: &mut Names<'_>,
    directory: &ServedDirectory,
    id: &'a str,
    r: &'a ReferralDoc,
) -> Result<ReferralLine<'a>, StoreError> {
    let service = r.service_id.as_deref().and_then(some_text);
    // The partner, unless the service alone gives it back on import.
    let partner = some_text(&r.partner)
        .filter(|p| service.is_none_or(|s| *p != super::service_partner(directory, s)));
    Ok(ReferralLine {
        kind: "referral",
        id,
        team: names.team_id(&r.team)?,
        contact: names.record(ExchangeKind::Contact, r.contact)?,
        person: match r.person_id {
            Some(p) => Some(names.person(p)?),
            None => None,
        },
        need: r.need.code(),
        service,
        partner,
        history: r
            .path()
            .into_iter()
            .map(|(status, at)| HistoryLine {
                status: status.code(),
                at: rfc3339_ms(at),
            })
            .collect(),
        outcome: some_text(&r.outcome),
    })
}

#[derive(Serialize)]
struct CaseLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    person: String,
    team: String,
    opened_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    case_manager: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labour_expert: Option<&'a str>,
    eligibility: EligibilityLine<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    assessment: Option<AssessmentLine<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    interventions: Vec<InterventionLine<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    reviews: Vec<ReviewLine<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    closed_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<&'static str>,
}

#[derive(Serialize)]
struct EligibilityLine<'a> {
    decision: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reasons: Option<&'a str>,
}

#[derive(Serialize)]
struct AssessmentLine<'a> {
    indicators: Vec<GradeLine<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct GradeLine<'a> {
    code: &'a str,
    strength: &'a str,
}

#[derive(Serialize)]
struct InterventionLine<'a> {
    id: &'a str,
    need: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    service: Option<&'a str>,
    planned_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    done_at: Option<&'a str>,
    status: &'static str,
}

#[derive(Serialize)]
struct ReviewLine<'a> {
    at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

fn case<'a>(
    names: &mut Names<'_>,
    id: &'a str,
    c: &'a CaseDoc,
) -> Result<CaseLine<'a>, StoreError> {
    let a = &c.assessment;
    let assessment = (!a.indicators.is_empty() || !a.note.is_empty()).then(|| AssessmentLine {
        indicators: a
            .indicators
            .iter()
            .map(|(code, grade)| GradeLine {
                code,
                strength: &grade.strength,
            })
            .collect(),
        note: some_text(&a.note),
    });
    Ok(CaseLine {
        kind: "case",
        id,
        person: names.person(c.person_id)?,
        team: names.team_id(&c.team)?,
        opened_at: &c.opened_at,
        case_manager: some_text(&c.case_manager),
        labour_expert: some_text(&c.labour_expert),
        eligibility: EligibilityLine {
            decision: c.eligibility.decision.code(),
            at: c.eligibility.at.as_deref(),
            reasons: some_text(&c.eligibility.reasons).filter(|r| *r != NO_REASONS),
        },
        assessment,
        interventions: c
            .interventions
            .iter()
            .map(|(id, i)| InterventionLine {
                id,
                need: i.need.code(),
                service: i.service_id.as_deref().and_then(some_text),
                planned_at: &i.planned_at,
                done_at: i.done_at.as_deref(),
                status: i.status.code(),
            })
            .collect(),
        reviews: c
            .reviews
            .iter()
            .map(|r| ReviewLine {
                at: &r.at,
                note: some_text(&r.note),
            })
            .collect(),
        closed_at: c.closed_at.as_deref(),
        outcome: c.outcome.map(Code::code),
    })
}

#[derive(Serialize)]
struct JobOfferLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    employer: &'a str,
    sector: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    area: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<PlaceLine>,
    positions: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    languages: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<&'a str>,
}

fn job_offer<'a>(id: &'a str, o: &'a JobOfferDoc) -> JobOfferLine<'a> {
    let mut languages: Vec<&'static str> = o
        .languages
        .iter()
        .filter_map(|l| codes::language(l))
        .collect();
    languages.sort_unstable();
    languages.dedup();
    JobOfferLine {
        kind: "job_offer",
        id,
        employer: &o.employer,
        sector: o.sector.code(),
        area: some_text(&o.area),
        place: o.place.map(|p| PlaceLine {
            lat: p.lat,
            lon: p.lon,
        }),
        positions: o.positions,
        languages,
        from: o.from.as_deref(),
        to: o.to.as_deref(),
    }
}
