//! The case records of the central workspace: `GET /api/cases` (the list, overdue
//! reviews first), `GET /api/cases/{id}` (a case with its person's contacts and
//! referrals through merges, the rules it is assessed under and the job offers that
//! match its work plan), `GET /api/job-offers` and `GET /api/rules`.
//!
//! Cases are written as documents (`POST /api/sync/push`), offline-capable like every
//! other: the server keeps their rules (`sync::rules`) and projects them here. Only the
//! case roles read them (`Role::reads_cases`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use strada_shared::central::{
    CasePage, CaseRecord, CaseRow, JobOfferRecord, NO_CONTACT_DAYS, PersonRecord,
};
use strada_shared::ids::DocId;
use strada_shared::jobs::{self, Seeker};
use strada_shared::schema::DocType;
use strada_shared::schema::case::add_days;
use strada_shared::schema::pua_rules::{PuaRulesDoc, RulesVersion, rules_id};

use super::AppState;
use super::central::require;
use super::error::AppError;
use crate::audit::{self, Act, Record};
use crate::auth::AuthUser;
use crate::central::Index;
use crate::storage::{Projection, Store, StoreError};

fn require_cases(user: &AuthUser) -> Result<(), AppError> {
    require(
        user.role.reads_cases(),
        "cases are for the central office's case roles",
    )
}

/// Today on Rome's clock, `YYYY-MM-DD`.
pub fn today() -> String {
    rome_date(crate::now_ms())
}

/// The date a time (Unix ms) has on Rome's clock.
pub fn rome_date(ms: i64) -> String {
    use chrono::TimeZone;
    chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default()
        .with_timezone(&chrono_tz::Europe::Rome)
        .format("%Y-%m-%d")
        .to_string()
}

/// The PUA's rules, written with their first version the first time they are asked for;
/// decoded once per stored version (see [`crate::rules_cache`]).
async fn seeded_rules(state: &AppState) -> Result<Option<Arc<PuaRulesDoc>>, AppError> {
    let store = state.store.clone();
    let writer = state.writer.clone();
    let cache = state.rules.clone();
    tokio::task::spawn_blocking(move || {
        if let Some(rules) = cache.get(store.as_ref())? {
            return Ok(Some(rules));
        }
        if store.doc_meta(rules_id())?.is_none() {
            crate::sync::seed_rules(store.as_ref(), &writer, crate::now_ms())?;
        }
        Ok(cache.get(store.as_ref())?)
    })
    .await
    .map_err(AppError::internal)?
}

/// The review interval of the rules a case is assessed under (the rules in force when
/// it has none yet; 30 days without rules).
fn interval_of(rules: Option<&PuaRulesDoc>, version: u64) -> i64 {
    rules
        .and_then(|r| r.version(version).or_else(|| r.current()))
        .map_or(30, |v| v.review_interval_days)
}

/// The list row of a case from the index, and the person it counts under (the survivor,
/// when merged): the row's `person` is left to the caller, read from the store (see
/// [`person_of`]) once the index is released.
fn row_of(
    index: &Index,
    case: &CaseRecord,
    rules: Option<&PuaRulesDoc>,
    today: &str,
) -> (DocId, CaseRow) {
    let c = &case.case;
    let survivor = index.survivor_of(c.person_id);
    let last = index
        .contacts_of_person(survivor)
        .iter()
        .filter_map(|id| index.contacts.get(id))
        .map(|r| r.occurred_at)
        .max();
    let review_due = c.review_due(interval_of(rules, c.rules_version));
    let overdue = review_due.as_deref().is_some_and(|d| d < today);
    let since = strada_shared::central::last_met(c, last.map(rome_date), today);
    let no_recent_contact =
        c.is_open() && add_days(&since, NO_CONTACT_DAYS).is_some_and(|d| d.as_str() <= today);
    let (interventions, done) = c.implementation();
    let row = CaseRow {
        case: case.clone(),
        person: None,
        review_due,
        overdue,
        last_contact_at: last.map(crate::projection::rfc3339_ms),
        no_recent_contact,
        interventions: interventions as u32,
        interventions_done: done as u32,
        implementation_rate: strada_shared::report::rate(done as u64, interventions as u64),
    };
    (survivor, row)
}

/// A person's record as stored (`None` when it has none, or it cannot be read: the row is
/// still listed).
fn person_of(store: &dyn Store, id: DocId) -> Option<PersonRecord> {
    match store.record(DocType::Person, id) {
        Ok(Some(Projection::Person(p))) => Some(*p),
        _ => None,
    }
}

/// Gives each row its person's record, reading each person once however many of their
/// cases are listed (a person's cases through merges count under the survivor).
fn with_persons(store: &dyn Store, rows: Vec<(DocId, CaseRow)>) -> Vec<CaseRow> {
    let mut persons: HashMap<DocId, Option<PersonRecord>> = HashMap::new();
    rows.into_iter()
        .map(|(survivor, mut row)| {
            row.person = persons
                .entry(survivor)
                .or_insert_with(|| person_of(store, survivor))
                .clone();
            row
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    /// `open` (default), `closed` or `all`.
    pub status: Option<String>,
    /// Cases this user name follows (as case manager or labour expert); `me`: the
    /// caller's.
    pub manager: Option<String>,
    /// A person's cases (through merges).
    pub person: Option<String>,
}

/// `GET /api/cases`: the cases, overdue reviews first, then by due date, then newest.
pub async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    query: Result<Query<CaseQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<CaseRow>>, AppError> {
    require_cases(&user)?;
    let Query(q) = query.map_err(|_| AppError::BadRequest {
        code: "invalid_filter",
        message: "the query string is not form-encoded".into(),
    })?;
    let status = q.status.unwrap_or_else(|| "open".into());
    if !["open", "closed", "all"].contains(&status.as_str()) {
        return Err(AppError::BadRequest {
            code: "invalid_filter",
            message: "status is open, closed or all".into(),
        });
    }
    let manager = match q.manager.as_deref() {
        Some("me") => Some(user.username.clone()),
        Some(m) => Some(m.to_string()),
        None => None,
    };
    let person = match q.person.as_deref() {
        Some(p) => Some(DocId::parse(p).map_err(|e| AppError::BadRequest {
            code: "invalid_id",
            message: e.to_string(),
        })?),
        None => None,
    };
    let rules = seeded_rules(&state).await?;
    let today = today();
    let store = state.store.clone();
    let central = state.central.clone();
    let rows = tokio::task::spawn_blocking(move || {
        // The index is held while the rows are made and sorted (in memory); the persons
        // are read from the store after, so a push's catching up waits for no reads.
        let rows = central.read(store.as_ref(), |index| {
            case_rows(
                index,
                person,
                &status,
                manager.as_deref(),
                rules.as_deref(),
                &today,
            )
        })?;
        Ok::<_, StoreError>(with_persons(store.as_ref(), rows))
    })
    .await
    .map_err(AppError::internal)??;
    let shown = rows.iter().map(|r| r.case.case.id).collect();
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::ReadCases)
            .by(&user)
            .docs(shown)
            .count(rows.len()),
    )?;
    Ok(Json(rows))
}

/// The rows of the cases that pass the filters, without their persons, overdue reviews
/// first, then by due date, then newest; each with the person it counts under.
fn case_rows(
    index: &Index,
    person: Option<DocId>,
    status: &str,
    manager: Option<&str>,
    rules: Option<&PuaRulesDoc>,
    today: &str,
) -> Vec<(DocId, CaseRow)> {
    let ids: Vec<DocId> = match person {
        Some(p) => index.cases_of_person(index.survivor_of(p)),
        None => index.cases.keys().copied().collect(),
    };
    let mut rows: Vec<(DocId, CaseRow)> = ids
        .iter()
        .filter_map(|id| index.cases.get(id))
        .filter(|c| match status {
            "open" => c.case.is_open(),
            "closed" => !c.case.is_open(),
            _ => true,
        })
        .filter(|c| {
            manager.is_none_or(|m| {
                c.case.case_manager.eq_ignore_ascii_case(m)
                    || c.case.labour_expert.eq_ignore_ascii_case(m)
            })
        })
        .map(|c| row_of(index, c, rules, today))
        .collect();
    fn key(r: &CaseRow) -> (bool, Option<&str>, &str, DocId) {
        (
            r.overdue,
            r.review_due.as_deref(),
            r.case.case.opened_at.as_str(),
            r.case.case.id,
        )
    }
    rows.sort_by(|(_, a), (_, b)| strada_shared::central::case_list_order(key(a), key(b)));
    rows
}

/// `GET /api/cases/{id}`.
pub async fn get(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<CasePage>, AppError> {
    require_cases(&user)?;
    let id = DocId::parse(&id).map_err(|e| AppError::BadRequest {
        code: "invalid_id",
        message: e.to_string(),
    })?;
    let rules = seeded_rules(&state).await?;
    let today = today();
    let found = super::central::with_index(&state, move |store, index| {
        let case = index.cases.get(&id)?;
        let (survivor, mut row) = row_of(index, case, rules.as_deref(), &today);
        row.person = person_of(store, survivor);
        let contacts =
            crate::central::query::newest_first(index, &index.contacts_of_person(survivor));
        let referrals = crate::central::query::referrals_newest_first(
            index,
            &index.referrals_of_person(survivor),
        );
        let version: Option<RulesVersion> = rules.as_deref().and_then(|r| {
            r.version(case.case.rules_version)
                .or_else(|| r.current())
                .cloned()
        });
        // The person's usual place: where their latest contact met them.
        let place = contacts
            .iter()
            .filter_map(|c| index.contacts.get(c))
            .find_map(|c| c.place);
        let mut languages = case.case.work_plan.languages.clone();
        if let Some(p) = &row.person {
            languages.extend(p.languages.iter().cloned());
        }
        let seeker = Seeker {
            sector: &case.case.work_plan.sector,
            languages,
            place,
            today: &today,
        };
        let matches = jobs::rank(&seeker, index.job_offers.values().map(|o| &o.offer));
        Some((row, contacts, referrals, version, matches))
    })
    .await?;
    let Some((row, contact_ids, referral_ids, rules, matches)) = found else {
        return Err(AppError::NotFound("no case with that id".into()));
    };
    let store = state.store.as_ref();
    let contacts = super::central::records(&contact_ids, |c| super::central::contact_of(store, c))?;
    let referrals = super::central::records(&referral_ids, |r| {
        super::central::referral_of(&state, store, r)
    })?;
    let shown = std::iter::once(id)
        .chain(row.person.iter().map(|p| p.id))
        .chain(contacts.iter().map(|c| c.id))
        .chain(referrals.iter().map(|r| r.id))
        .collect();
    audit::record(
        store,
        crate::now_ms(),
        Record::new(Act::ReadCase).by(&user).docs(shown),
    )?;
    Ok(Json(CasePage {
        row,
        contacts,
        referrals,
        rules,
        matches,
    }))
}

/// `GET /api/job-offers`: every job offer, by employer.
pub async fn job_offers(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<JobOfferRecord>>, AppError> {
    require_cases(&user)?;
    let mut offers = super::central::with_index(&state, |_, index| {
        index
            .job_offers
            .values()
            .map(|o| (**o).clone())
            .collect::<Vec<_>>()
    })
    .await?;
    offers.sort_by(|a, b| {
        a.offer
            .employer
            .cmp(&b.offer.employer)
            .then(a.offer.id.cmp(&b.offer.id))
    });
    Ok(Json(offers))
}

/// `GET /api/rules`: the PUA's rules, every version published (the last in force).
pub async fn get_rules(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<PuaRulesDoc>, AppError> {
    require_cases(&user)?;
    seeded_rules(&state)
        .await?
        .map(|rules| Json(Arc::unwrap_or_clone(rules)))
        .ok_or_else(|| AppError::NotFound("the PUA's rules are not written yet".into()))
}
