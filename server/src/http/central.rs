//! The central workspace's records: `GET /api/persons`, `/api/contacts`,
//! `/api/referrals` (search, filters, sorting, cursor pages, totals; see
//! `central::query` for the parameters; the same as a form-encoded `POST` to
//! `/api/{list}/search`, which keeps a searched name out of addresses and logs), one record with what hangs off it
//! (`/api/persons/{id}`, `/api/contacts/{id}`, `/api/referrals/{id}`), and the CSV of
//! any filtered list (`/api/csv/persons|contacts|referrals`, pseudonymous columns only).
//!
//! Central office only. Every read is in the audit log (the ids shown) before it is
//! answered.

use std::collections::HashMap;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use strada_shared::api::ContactRecord;
use strada_shared::central::{
    ConflictItem, ConsentRecord, DuplicatePair, DuplicateSide, JudgedPair, JudgedPairs, JudgedSide,
    MAX_JUDGED_LISTED, MergeRecord, MergeRequest, NotSame, NotSameRecord, Page, PersonPage,
    PersonRecord, PersonRow, ReferralRecord, Resolve, TeamInfo, UnmergeRequest,
};
use strada_shared::domain::PersonRef;
use strada_shared::ids::DocId;
use strada_shared::schema::DocType;

use super::AppState;
use super::error::AppError;
use crate::audit::{self, Act, Record};
use crate::auth::AuthUser;
use crate::central::query::{self, Filter, Found, List};
use crate::central::{Central, Index};
use crate::projection::rfc3339_ms;
use crate::storage::{Projection, Store, StoreError};

pub(crate) fn require_central(user: &AuthUser) -> Result<(), AppError> {
    require(
        user.role.is_central(),
        "the central records are for the central office",
    )
}

/// `Ok` when the role may (`allowed`), else 403 with `why`.
pub(crate) fn require(allowed: bool, why: &str) -> Result<(), AppError> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden(why.into()))
    }
}

/// The reconciliation of persons (duplicates, merges) and the review of conflicting
/// values: the central office and its social-services expert.
pub(crate) fn require_reconciler(user: &AuthUser) -> Result<(), AppError> {
    require(
        user.role.reconciles(),
        "reconciling records is the social-services expert's work",
    )
}

/// A signed-in user whose role reconciles (see [`require_reconciler`]), checked before
/// the request's body is read: another role is answered 403 whatever it sent.
pub struct Reconciler(pub AuthUser);

/// A signed-in user of the central office, checked before any body is read.
pub struct CentralUser(pub AuthUser);

/// The signed-in user, if `check` lets their role through (before any body is read).
pub(super) async fn user_with(
    parts: &mut axum::http::request::Parts,
    state: &AppState,
    check: fn(&AuthUser) -> Result<(), AppError>,
) -> Result<AuthUser, AppError> {
    let user =
        <AuthUser as axum::extract::FromRequestParts<AppState>>::from_request_parts(parts, state)
            .await?;
    check(&user)?;
    Ok(user)
}

impl axum::extract::FromRequestParts<AppState> for Reconciler {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        user_with(parts, state, require_reconciler)
            .await
            .map(Reconciler)
    }
}

impl axum::extract::FromRequestParts<AppState> for CentralUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        user_with(parts, state, require_central)
            .await
            .map(CentralUser)
    }
}

type Params = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// A list's filters: the query string of a `GET`, or the form-encoded body of a `POST`
/// (`/api/{list}/search`, `/api/csv/{list}`), which keeps a searched name out of
/// addresses, browser history and a reverse proxy's access log.
pub struct ListParams(Vec<(String, String)>);

impl axum::extract::FromRequest<AppState> for ListParams {
    type Rejection = AppError;

    async fn from_request(
        req: axum::extract::Request,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let invalid = |what: &str| AppError::BadRequest {
            code: "invalid_filter",
            message: format!("the {what} is not form-encoded"),
        };
        if req.method() == axum::http::Method::POST {
            let axum::Form(params) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
                .await
                .map_err(|_| invalid("body (application/x-www-form-urlencoded)"))?;
            Ok(ListParams(params))
        } else {
            let Query(params) = Query::<Vec<(String, String)>>::try_from_uri(req.uri())
                .map_err(|_| invalid("query string"))?;
            Ok(ListParams(params))
        }
    }
}

fn filter(
    state: &AppState,
    list: List,
    ListParams(params): ListParams,
) -> Result<Filter, AppError> {
    let mut f = Filter::parse(list, &params).map_err(|e| AppError::BadRequest {
        code: e.code,
        message: e.message,
    })?;
    // The partner as the list shows it: a directory service's organisation too (a new
    // user's walk: «Cooperativa Esempio Filo Rosso», read in the list, found nothing).
    if let Some(p) = &f.partner {
        f.partner_services = state.directory.services_of_organisations_matching(p);
    }
    Ok(f)
}

fn parse_id(id: &str) -> Result<DocId, AppError> {
    DocId::parse(id).map_err(|e| AppError::BadRequest {
        code: "invalid_id",
        message: e.to_string(),
    })
}

/// Runs `f` over the caught-up index on a blocking thread (a query over a million rows
/// takes milliseconds of CPU).
pub(crate) async fn with_index<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&dyn Store, &Index) -> T + Send + 'static,
) -> Result<T, AppError> {
    let store = state.store.clone();
    let central = state.central.clone();
    tokio::task::spawn_blocking(move || {
        let central: &Central = &central;
        central.read(store.as_ref(), |index| f(store.as_ref(), index))
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::from)
}

pub(crate) fn contact_of(store: &dyn Store, id: DocId) -> Result<Option<ContactRecord>, AppError> {
    Ok(match store.record(DocType::Contact, id)? {
        Some(Projection::Contact(c)) => Some(*c),
        _ => None,
    })
}

fn person_of(store: &dyn Store, id: DocId) -> Result<Option<PersonRecord>, AppError> {
    Ok(match store.record(DocType::Person, id)? {
        Some(Projection::Person(p)) => Some(*p),
        _ => None,
    })
}

/// The most changes of a person's history read for its consent history.
const CONSENT_HISTORY_CHANGES: usize = 500;

/// A person's consent as each change of its document left it, oldest first, without
/// repeats.
fn consent_history(store: &dyn Store, id: DocId) -> Result<Vec<ConsentRecord>, AppError> {
    let Some(stored) = store.doc(id)? else {
        return Ok(Vec::new());
    };
    let history = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        use automerge::ReadDoc;
        use automerge::legacy::{Key, ObjectId};
        let mut doc = automerge::AutoCommit::load(&stored.bytes).ok()?;
        // Only the changes that wrote the consent are read as of their heads (each such
        // read rebuilds the document: 500 of them on a record of 2,000 changes took 5.6 s,
        // the attacker's ninth probe).
        let consent = doc
            .get(automerge::ROOT, "consent")
            .ok()
            .flatten()
            .map(|(_, id)| id);
        let partners = consent
            .as_ref()
            .and_then(|c| doc.get(c, "partners").ok().flatten())
            .map(|(_, id)| id);
        let objects: Vec<String> = [consent, partners]
            .into_iter()
            .flatten()
            .map(|id| id.to_string())
            .collect();
        let hashes: Vec<automerge::ChangeHash> = doc
            .get_changes(&[])
            .iter()
            .filter(|c| {
                c.decode().operations.iter().any(|op| match &op.obj {
                    ObjectId::Root => matches!(&op.key, Key::Map(k) if k == "consent"),
                    ObjectId::Id(id) => objects.contains(&id.to_string()),
                })
            })
            .map(|c| c.hash())
            .collect();
        let mut out: Vec<ConsentRecord> = Vec::new();
        for h in hashes.iter().rev().take(CONSENT_HISTORY_CHANGES).rev() {
            let Ok(at) = doc.fork_at(&[*h]) else {
                continue;
            };
            let Ok(p) = strada_shared::schema::read::<strada_shared::schema::PersonDoc>(&at) else {
                continue;
            };
            let c = ConsentRecord {
                status: p.consent.status,
                at: rfc3339_ms(p.consent.at),
                recorded_by: p.consent.recorded_by,
                partners: p.consent.partners,
            };
            if out.last() != Some(&c) {
                out.push(c);
            }
        }
        Some(out)
    }));
    Ok(history.ok().flatten().unwrap_or_default())
}

pub(crate) fn referral_of(
    state: &AppState,
    store: &dyn Store,
    id: DocId,
) -> Result<Option<ReferralRecord>, AppError> {
    Ok(match store.record(DocType::Referral, id)? {
        Some(Projection::Referral(r)) => {
            let mut r = *r;
            r.organisation = r
                .service_id
                .as_deref()
                .and_then(|s| state.directory.organisation_of(s));
            Some(r)
        }
        _ => None,
    })
}

/// Whom a referral is for, as its name is read: a person's record, or the alias its
/// contact wrote for someone without one.
#[derive(Clone, Copy)]
enum ForWhom {
    Person(DocId),
    ContactAlias(DocId),
    /// A group contact's referral: the group's size.
    Group(u32),
}

/// Whom each of the referrals `ids` is for: its person, else its contact's (the survivor,
/// when merged), else whoever its contact names.
fn referral_persons(index: &Index, ids: &[DocId]) -> HashMap<DocId, ForWhom> {
    ids.iter()
        .filter_map(|id| {
            let r = index.referrals.get(id)?;
            let person = r
                .person
                .or_else(|| index.contacts.get(&r.contact).and_then(|c| c.person));
            Some((
                *id,
                match person {
                    Some(p) => ForWhom::Person(index.survivor_of(p)),
                    None => match index.contacts.get(&r.contact).map(|c| c.group_people) {
                        Some(people) if people > 0 => ForWhom::Group(people),
                        _ => ForWhom::ContactAlias(r.contact),
                    },
                },
            ))
        })
        .collect()
}

/// A page's name for `id`, read once per page (`read`) however many of its rows name it.
fn cached(
    names: &mut HashMap<DocId, Option<String>>,
    id: DocId,
    read: impl FnOnce() -> Result<Option<String>, AppError>,
) -> Result<Option<String>, AppError> {
    if let Some(known) = names.get(&id) {
        return Ok(known.clone());
    }
    let name = read()?;
    names.insert(id, name.clone());
    Ok(name)
}

/// Names each referral's person by their first alias, as the person's record has it (or
/// the contact, for someone without a record; nobody for the anonymous), or a group's
/// contact by the group's size.
fn name_persons(
    store: &dyn Store,
    items: &mut [ReferralRecord],
    persons: &HashMap<DocId, ForWhom>,
) -> Result<(), AppError> {
    let mut names: HashMap<DocId, Option<String>> = HashMap::new();
    for r in items {
        let Some(who) = persons.get(&r.id).copied() else {
            continue;
        };
        let id = match who {
            ForWhom::Person(id) | ForWhom::ContactAlias(id) => id,
            ForWhom::Group(people) => {
                r.group_people = Some(people);
                continue;
            }
        };
        let name = cached(&mut names, id, || match who {
            ForWhom::Person(p) => Ok(person_of(store, p)?.and_then(|p| p.aliases.first().cloned())),
            ForWhom::ContactAlias(c) => Ok(contact_of(store, c)?.and_then(|c| match c.person {
                PersonRef::Alias(a) if c.group.is_none() => Some(a),
                _ => None,
            })),
            ForWhom::Group(_) => Ok(None),
        })?;
        r.person_name = name;
    }
    Ok(())
}

fn audit_read(
    state: &AppState,
    user: &AuthUser,
    act: Act,
    ids: Vec<DocId>,
) -> Result<(), AppError> {
    let count = ids.len();
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(act).by(user).docs(ids).count(count),
    )?;
    Ok(())
}

/// The records of a page, in its order (a record gone meanwhile — quarantined — is left
/// out).
pub(crate) fn records<T>(
    ids: &[DocId],
    mut read: impl FnMut(DocId) -> Result<Option<T>, AppError>,
) -> Result<Vec<T>, AppError> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.extend(read(*id)?);
    }
    Ok(out)
}

fn page_of<T>(found: Found, items: Vec<T>) -> Page<T> {
    Page {
        items,
        total: found.total,
        next: found.next.map(|c| c.encode()),
    }
}

pub async fn persons(
    State(state): State<AppState>,
    CentralUser(user): CentralUser,
    params: ListParams,
) -> Result<Json<Page<PersonRow>>, AppError> {
    let f = filter(&state, List::Persons, params)?;
    let (found, stats) = with_index(&state, move |_, index| {
        let found = query::persons(index, &f);
        let stats: Vec<_> = found
            .ids
            .iter()
            .map(|id| query::person_stats(index, *id))
            .collect();
        (found, stats)
    })
    .await?;
    let mut items = Vec::with_capacity(found.ids.len());
    for (id, (contacts, referrals, last, teams)) in found.ids.iter().zip(stats) {
        if let Some(person) = person_of(state.store.as_ref(), *id)? {
            items.push(PersonRow {
                person,
                contacts,
                referrals,
                last_contact_at: last.map(rfc3339_ms),
                teams,
            });
        }
    }
    audit_read(&state, &user, Act::ReadPersons, found.ids.clone())?;
    Ok(Json(page_of(found, items)))
}

pub async fn person(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<PersonPage>, AppError> {
    require_central(&user)?;
    let id = parse_id(&id)?;
    let store = state.store.clone();
    let person = person_of(store.as_ref(), id)?
        .ok_or_else(|| AppError::NotFound("no person with that id".into()))?;
    let (contact_ids, survivors, referral_ids, family) = with_index(&state, move |_, index| {
        let contacts = query::newest_first(index, &index.contacts_of_person(id));
        let survivors = contact_survivors(index, &contacts);
        let referrals = index.referrals_of_person(id);
        (
            contacts,
            survivors,
            query::referrals_newest_first(index, &referrals),
            index.family.get(&id).cloned().unwrap_or_default(),
        )
    })
    .await?;
    let mut contacts = records(&contact_ids, |c| contact_of(store.as_ref(), c))?;
    name_survivors(store.as_ref(), &mut contacts, &survivors)?;
    let referrals = records(&referral_ids, |r| referral_of(&state, store.as_ref(), r))?;
    let merged = records(&family, |p| person_of(store.as_ref(), p))?;
    let merges = crate::merge::records_of(store.as_ref(), id)?;
    let (consent_history, merged_consent) = {
        let store = store.clone();
        let family = family.clone();
        tokio::task::spawn_blocking(move || {
            let own = consent_history(store.as_ref(), id)?;
            let mut merged = std::collections::BTreeMap::new();
            for p in family {
                let history = consent_history(store.as_ref(), p)?;
                if !history.is_empty() {
                    merged.insert(p.to_string(), history);
                }
            }
            Ok::<_, AppError>((own, merged))
        })
        .await
        .map_err(AppError::internal)??
    };
    let (not_same, user_names) = judgements_of(store.as_ref(), id, &family, &merges)?;
    let mut person_names = std::collections::BTreeMap::new();
    let mut person_teams = std::collections::BTreeMap::new();
    for p in merges.iter().flat_map(|m| [m.survivor, m.merged]) {
        if let std::collections::btree_map::Entry::Vacant(e) = person_teams.entry(p.to_string())
            && let Some(r) = person_of(store.as_ref(), p)?
        {
            e.insert(r.team.clone());
            if let Some(alias) = r.aliases.first() {
                person_names.insert(p.to_string(), alias.clone());
            }
        }
    }
    let shown = std::iter::once(id)
        .chain(family.iter().copied())
        .chain(contacts.iter().map(|c| c.id))
        .chain(referrals.iter().map(|r| r.id))
        .collect();
    audit_read(&state, &user, Act::ReadPerson, shown)?;
    Ok(Json(PersonPage {
        person,
        contacts,
        referrals,
        merged,
        merges,
        consent_history,
        merged_consent,
        not_same,
        user_names,
        person_names,
        person_teams,
    }))
}

pub async fn contacts(
    State(state): State<AppState>,
    CentralUser(user): CentralUser,
    params: ListParams,
) -> Result<Json<Page<ContactRecord>>, AppError> {
    let f = filter(&state, List::Contacts, params)?;
    let (found, survivors) = with_index(&state, move |_, index| {
        let found = query::contacts(index, &f);
        let survivors = contact_survivors(index, &found.ids);
        (found, survivors)
    })
    .await?;
    let mut items = records(&found.ids, |id| contact_of(state.store.as_ref(), id))?;
    name_survivors(state.store.as_ref(), &mut items, &survivors)?;
    audit_read(&state, &user, Act::ReadContacts, found.ids.clone())?;
    Ok(Json(page_of(found, items)))
}

/// The contacts of `ids` whose own person was merged into another, with the person
/// they count under (read in the same pass of the index as the list).
fn contact_survivors(index: &Index, ids: &[DocId]) -> HashMap<DocId, DocId> {
    ids.iter()
        .filter_map(|id| {
            let own = index.contacts.get(id).and_then(|c| c.person)?;
            let survivor = index.survivor_of(own);
            (survivor != own).then_some((*id, survivor))
        })
        .collect()
}

/// Names, by their first alias, the survivor each contact counts under
/// ([`contact_survivors`]; [`ContactRecord::survivor_name`]): a list after a merge reads
/// one person, not the merged-away record's alias (a new user's walk).
fn name_survivors(
    store: &dyn Store,
    items: &mut [ContactRecord],
    survivors: &HashMap<DocId, DocId>,
) -> Result<(), AppError> {
    let mut names: HashMap<DocId, Option<String>> = HashMap::new();
    for item in items.iter_mut() {
        let Some(&survivor) = survivors.get(&item.id) else {
            continue;
        };
        let name = cached(&mut names, survivor, || {
            Ok(person_of(store, survivor)?.and_then(|p| p.aliases.first().cloned()))
        })?;
        item.survivor_name = name;
    }
    Ok(())
}

pub async fn contact(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<ContactRecord>, AppError> {
    require_central(&user)?;
    let id = parse_id(&id)?;
    let mut record = contact_of(state.store.as_ref(), id)?
        .ok_or_else(|| AppError::NotFound("no contact with that id".into()))?;
    let survivors = with_index(&state, move |_, index| contact_survivors(index, &[id])).await?;
    name_survivors(
        state.store.as_ref(),
        std::slice::from_mut(&mut record),
        &survivors,
    )?;
    // Who recorded it, by name: an account's, else as an imported file gave it.
    let store = state.store.as_ref();
    record.author_name = match store.user_by_id(record.author)? {
        Some(u) => Some(u.username),
        None => store.exchange_external(
            crate::storage::ExchangeKind::User,
            &record.author.to_string(),
        )?,
    };
    audit_read(&state, &user, Act::ReadContact, vec![id])?;
    Ok(Json(record))
}

pub async fn referrals(
    State(state): State<AppState>,
    CentralUser(user): CentralUser,
    params: ListParams,
) -> Result<Json<Page<ReferralRecord>>, AppError> {
    let f = filter(&state, List::Referrals, params)?;
    let (found, persons) = with_index(&state, move |_, index| {
        let found = query::referrals(index, &f);
        let persons = referral_persons(index, &found.ids);
        (found, persons)
    })
    .await?;
    let mut items = records(&found.ids, |id| {
        referral_of(&state, state.store.as_ref(), id)
    })?;
    name_persons(state.store.as_ref(), &mut items, &persons)?;
    audit_read(&state, &user, Act::ReadReferrals, found.ids.clone())?;
    Ok(Json(page_of(found, items)))
}

pub async fn referral(
    State(state): State<AppState>,
    user: AuthUser,
    Path(id): Path<String>,
) -> Result<Json<ReferralRecord>, AppError> {
    require_central(&user)?;
    let id = parse_id(&id)?;
    let persons = with_index(&state, move |_, index| referral_persons(index, &[id])).await?;
    let mut record = referral_of(&state, state.store.as_ref(), id)?
        .ok_or_else(|| AppError::NotFound("no referral with that id".into()))?;
    name_persons(
        state.store.as_ref(),
        std::slice::from_mut(&mut record),
        &persons,
    )?;
    audit_read(&state, &user, Act::ReadReferral, vec![id])?;
    Ok(Json(record))
}

/// The most rows one CSV holds.
pub const MAX_CSV_ROWS: usize = 1_000_000;

pub(crate) use crate::csv::csv_row;

pub(crate) fn csv_response(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /api/csv/{list}` (or `POST`, the filters form-encoded in the body): every record of a filtered list (no `cursor`/`limit`), with
/// pseudonymous columns only — ids, team, dates and codes; no alias, phone, note, place
/// or free text.
pub async fn csv(
    State(state): State<AppState>,
    CentralUser(user): CentralUser,
    Path(list): Path<String>,
    params: ListParams,
) -> Result<Response, AppError> {
    let list = match list.as_str() {
        "persons" => List::Persons,
        "contacts" => List::Contacts,
        "referrals" => List::Referrals,
        _ => return Err(AppError::NotFound("no such list".into())),
    };
    let mut f = filter(&state, list, params)?;
    f.cursor = None;
    f.limit = MAX_CSV_ROWS;
    let store = state.store.clone();
    let state2 = state.clone();
    let (name, body, ids) = with_index(&state, move |_, index| -> Result<_, AppError> {
        let mut out = String::new();
        let (name, found) = match list {
            List::Persons => ("persons", query::persons(index, &f)),
            List::Contacts => ("contacts", query::contacts(index, &f)),
            List::Referrals => ("referrals", query::referrals(index, &f)),
        };
        match list {
            List::Persons => {
                csv_row(
                    &mut out,
                    &[
                        "id",
                        "team",
                        "birth_year",
                        "gender",
                        "documents",
                        "consent",
                        "created_at",
                        "contacts",
                        "referrals",
                        "last_contact_at",
                        "teams",
                    ],
                );
                for id in &found.ids {
                    let Some(p) = person_of(store.as_ref(), *id)? else {
                        continue;
                    };
                    let (contacts, referrals, last, teams) = query::person_stats(index, *id);
                    let teams: Vec<&str> = teams.iter().map(|t| t.as_str()).collect();
                    csv_row(
                        &mut out,
                        &[
                            &p.id.to_string(),
                            p.team.as_str(),
                            &p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                            strada_shared::vocab::Code::code(p.gender),
                            p.documents.code(),
                            strada_shared::vocab::Code::code(p.consent.status),
                            &p.created_at,
                            &contacts.to_string(),
                            &referrals.to_string(),
                            &last.map(rfc3339_ms).unwrap_or_default(),
                            &teams.join(" "),
                        ],
                    );
                }
            }
            List::Contacts => {
                csv_row(
                    &mut out,
                    &[
                        "id",
                        "team",
                        "author",
                        "occurred_at",
                        "person_id",
                        "who",
                        "people",
                        "channel",
                        "sector",
                        "needs",
                        "indicators",
                        "materials",
                        "language",
                        "mediator",
                        "follow_up",
                        "consent",
                    ],
                );
                for id in &found.ids {
                    let Some(c) = contact_of(store.as_ref(), *id)? else {
                        continue;
                    };
                    // A merged-away person's contact is the survivor's.
                    let person = c.person_id.map(|p| index.survivor_of(p));
                    csv_contact(&mut out, &c, person);
                }
            }
            List::Referrals => {
                csv_row(
                    &mut out,
                    &[
                        "id",
                        "team",
                        "author",
                        "created_at",
                        "contact",
                        "person_id",
                        "need",
                        "service_id",
                        "organisation",
                        "status",
                        "status_since",
                        "group_people",
                    ],
                );
                let persons = referral_persons(index, &found.ids);
                for id in &found.ids {
                    let Some(r) = referral_of(&state2, store.as_ref(), *id)? else {
                        continue;
                    };
                    // The person it is for (through its contact when it names none): the
                    // survivor, when merged.
                    let person = match persons.get(id) {
                        Some(ForWhom::Person(p)) => Some(*p),
                        _ => None,
                    };
                    csv_row(
                        &mut out,
                        &[
                            &r.id.to_string(),
                            r.team.as_str(),
                            &r.author.to_string(),
                            &r.created_at,
                            &r.contact.to_string(),
                            &person.map(|p| p.to_string()).unwrap_or_default(),
                            r.need.code(),
                            // A service of the directory only: a device may write any
                            // id-shaped text there (found by the attacker's seventh
                            // probe: «mario.rossi.tel.3331234567»).
                            r.service_id
                                .as_deref()
                                .filter(|_| r.organisation.is_some())
                                .unwrap_or_default(),
                            r.organisation.as_deref().unwrap_or_default(),
                            r.status.code(),
                            &r.status_since,
                            // How many people, when made in a group's contact (a new
                            // user's walk: no column told a group from an anonymous
                            // contact).
                            &match persons.get(id) {
                                Some(ForWhom::Group(people)) => people.to_string(),
                                _ => String::new(),
                            },
                        ],
                    );
                }
            }
        }
        Ok((name, out, found.ids))
    })
    .await??;
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::ExportCsv).by(&user).count(ids.len()),
    )?;
    Ok(csv_response(name, body))
}

fn csv_contact(out: &mut String, c: &ContactRecord, person: Option<DocId>) {
    use strada_shared::vocab::Code;
    let join = |codes: Vec<&str>| codes.join(" ");
    let who = match (&c.group, &c.person_id, &c.person) {
        (Some(_), _, _) => "group",
        (None, Some(_), _) => "person",
        (None, None, strada_shared::domain::PersonRef::Alias(_)) => "alias",
        (None, None, strada_shared::domain::PersonRef::Anonymous) => "anonymous",
    };
    csv_row(
        out,
        &[
            &c.id.to_string(),
            c.team.as_str(),
            &c.author.to_string(),
            &c.occurred_at,
            &person.map(|p| p.to_string()).unwrap_or_default(),
            who,
            &c.group.map_or(1, |g| g.people).to_string(),
            c.channel.code(),
            c.sector.map(|s| s.code()).unwrap_or_default(),
            &join(c.needs.iter().map(|n| n.code()).collect()),
            &join(c.indicators.iter().map(|i| i.code.code()).collect()),
            &join(c.materials.iter().map(|m| m.code()).collect()),
            // A code, never text kept from before the rule (`crate::sync::rules`).
            c.language
                .as_deref()
                .filter(|l| crate::exchange::codes::language(l) == Some(*l))
                .unwrap_or_default(),
            c.mediator.code(),
            c.follow_up.code(),
            c.consent.code(),
        ],
    );
}

/// The first alias of person `id`, or of the person it was merged into (a chain
/// followed a few steps): `None` without consent or when the record is not there.
fn first_alias(store: &dyn Store, mut id: DocId) -> Result<Option<String>, StoreError> {
    for _ in 0..8 {
        match store.record(DocType::Person, id)? {
            Some(Projection::Person(p)) => match p.merged_into {
                Some(next) => id = next,
                None => return Ok(p.aliases.first().cloned()),
            },
            _ => return Ok(None),
        }
    }
    Ok(None)
}

/// `GET /api/conflicts`: the "Da rivedere" list — every record with sensitive fields set
/// to different values on two devices apart, both values with who set each and when.
pub async fn conflicts(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<ConflictItem>>, AppError> {
    require_reconciler(&user)?;
    let ids: Vec<(DocId, DocType)> = with_index(&state, |_, index| {
        index
            .conflicted
            .iter()
            .take(MAX_CONFLICTS)
            .map(|(id, t)| (*id, *t))
            .collect()
    })
    .await?;
    let store = state.store.as_ref();
    let mut items = Vec::with_capacity(ids.len());
    for (id, doc_type) in ids {
        let item = match store.record(doc_type, id)? {
            // A person merged into another: the reviewer of the merge chose its values
            // field by field (a value kept on it would reach nobody).
            Some(Projection::Person(p)) if p.merged_into.is_none() => ConflictItem {
                id,
                doc_type,
                team: p.team.clone(),
                label: p.aliases.first().cloned().unwrap_or_default(),
                person: None,
                conflicts: p.conflicts,
            },
            Some(Projection::Contact(c)) => ConflictItem {
                id,
                doc_type,
                team: c.team.clone(),
                label: c.occurred_at.clone(),
                // Its person, to recognise the contact by (a walk: only a time).
                person: c
                    .person_id
                    .map(|p| first_alias(store, p))
                    .transpose()?
                    .flatten(),
                conflicts: c.conflicts,
            },
            Some(Projection::Referral(r)) => ConflictItem {
                id,
                doc_type,
                team: r.team.clone(),
                label: r.need.code().to_string(),
                person: r
                    .person_id
                    .map(|p| first_alias(store, p))
                    .transpose()?
                    .flatten(),
                conflicts: r.conflicts,
            },
            // A case: only for the roles that read cases (the list is the reconcilers').
            Some(Projection::Case(c)) if user.role.reads_cases() => ConflictItem {
                id,
                doc_type,
                team: c.case.team.clone(),
                label: c.case.opened_at.clone(),
                person: first_alias(store, c.case.person_id)?,
                conflicts: c.conflicts,
            },
            _ => continue,
        };
        let mut item = item;
        for c in &mut item.conflicts {
            for v in &mut c.values {
                if let Some(by) = v.by {
                    v.by_name = store.user_by_id(by)?.map(|u| u.username);
                }
            }
        }
        if !item.conflicts.is_empty() {
            items.push(item);
        }
    }
    audit_read(
        &state,
        &user,
        Act::ReadConflicts,
        items.iter().map(|i| i.id).collect(),
    )?;
    Ok(Json(items))
}

/// The most records the review list shows at once.
pub const MAX_CONFLICTS: usize = 500;

/// `POST /api/conflicts/resolve`: keeps one of a field's values (a normal change, synced
/// to every device holding the document); in the audit log.
pub async fn resolve(
    State(state): State<AppState>,
    Reconciler(user): Reconciler,
    super::extract::ApiJson(choice): super::extract::ApiJson<Resolve>,
) -> Result<Json<serde_json::Value>, AppError> {
    require_reconciler(&user)?;
    // A choice names a field that conflicts can name and a write by an automerge actor
    // (hex, at most 32 bytes): anything else is a malformed request, not a value gone
    // meanwhile (found by the attacker's eleventh probe: both answered 409).
    let field = choice.field.split('.').next().unwrap_or_default();
    if !strada_shared::schema::conflicts::FIELDS.contains(&field) || choice.field.len() > 200 {
        return Err(AppError::BadRequest {
            code: "invalid_choice",
            message: "no field under review is named so".into(),
        });
    }
    let hex = |a: &str| {
        !a.is_empty()
            && a.len() <= 64
            && a.len().is_multiple_of(2)
            && a.bytes().all(|b| b.is_ascii_hexdigit())
    };
    if !hex(&choice.actor) {
        return Err(AppError::BadRequest {
            code: "invalid_choice",
            message: "actor is not an automerge actor id (hex)".into(),
        });
    }
    let store = state.store.clone();
    let writer = state.writer.clone();
    let id = choice.id;
    let res = tokio::task::spawn_blocking(move || {
        crate::sync::resolve_conflict(store.as_ref(), &writer, &choice, crate::now_ms())
    })
    .await
    .map_err(AppError::internal)?;
    let advanced = match res {
        Ok(done) => done,
        Err(crate::sync::ResolveError::NotFound) => {
            return Err(AppError::NotFound("no document with that id".into()));
        }
        Err(crate::sync::ResolveError::NoSuchValue) => {
            return Err(AppError::Conflict(
                "that field has no such value to choose (resolved meanwhile?)".into(),
            ));
        }
        Err(e @ crate::sync::ResolveError::MergedAway) => {
            return Err(AppError::Conflict(e.to_string()));
        }
        Err(crate::sync::ResolveError::Invalid) => {
            return Err(AppError::Unprocessable {
                code: "invalid_choice",
                message: "the chosen value does not make a valid document".into(),
            });
        }
        Err(crate::sync::ResolveError::Store(e)) => return Err(e.into()),
    };
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::ConflictResolved).by(&user).docs(vec![id]),
    )?;
    state.notify.announce(state.store.as_ref(), advanced)?;
    Ok(Json(serde_json::json!({ "resolved": id })))
}

/// `GET /api/persons/duplicates`: candidate pairs of persons who may be one person,
/// across and within teams, best first, each with its score and reasons (see
/// `crate::reconcile`). `team` keeps pairs with a person of that team; `limit` (1..=50,000;
/// without it every pair, up to that many: a client asking once gets them all);
/// `threshold` (0..1, default the engine's); `cursor` (the `next` of the
/// page before: pages follow the order of the pairs, score then ids, so a pair judged
/// meanwhile shifts no other pair to another page).
pub async fn duplicates(
    State(state): State<AppState>,
    user: AuthUser,
    params: Params,
) -> Result<Json<Page<DuplicatePair>>, AppError> {
    require_reconciler(&user)?;
    let Query(params) = params.map_err(|_| AppError::BadRequest {
        code: "invalid_filter",
        message: "the query string is not form-encoded".into(),
    })?;
    let (mut team, mut limit, mut threshold, mut after) = (
        None,
        DUPLICATES_PAGE,
        crate::reconcile::DEFAULT_THRESHOLD,
        None,
    );
    for (k, v) in &params {
        let bad = |what: &str| AppError::BadRequest {
            code: "invalid_filter",
            message: format!("`{k}`: {what}"),
        };
        match k.as_str() {
            "team" => {
                team = Some(strada_shared::ids::TeamId::parse(v).map_err(|_| bad("not a team id"))?)
            }
            "limit" => {
                limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=DUPLICATES_MAX_PAGE).contains(n))
                    .ok_or_else(|| bad("expected a number 1..=50000"))?
            }
            "cursor" => {
                after = Some(DuplicatesCursor::parse(v).ok_or_else(|| bad("not a cursor"))?)
            }
            "threshold" => {
                threshold = v
                    .parse()
                    .ok()
                    .filter(|t: &f32| (LEAST_THRESHOLD..=1.0).contains(t))
                    .ok_or_else(|| bad("expected a number 0.05..1"))?
            }
            _ => {
                return Err(AppError::BadRequest {
                    code: "unknown_filter",
                    message: format!(
                        "`{}` is not a filter of this list",
                        crate::exchange::line::reported_key(k)
                    ),
                });
            }
        }
    }
    // Judgements hold between persons: a record merged into another carries its own.
    let roots = crate::merge::roots(state.store.as_ref())?;
    let not_same = crate::merge::judged_persons(state.store.as_ref(), &roots)?;
    // The persons' facts are copied out of the index when the pairs are not kept, and
    // the pairs computed without holding it.
    let central = state.central.clone();
    let judged_digest = digest(&not_same);
    let (key, facts) = with_index(&state, move |_, index| {
        let key = crate::central::CandidatesKey {
            version: index.version(),
            judged: judged_digest,
            threshold: threshold.to_bits(),
        };
        let facts = central
            .cached_candidates(&key)
            .is_none()
            .then(|| index.person_facts());
        (key, facts)
    })
    .await?;
    let kept = match &facts {
        None => state.central.cached_candidates(&key),
        Some(_) => None,
    };
    let all = match kept {
        Some(all) => all,
        None => {
            // Not kept (or dropped from what is kept meanwhile: the facts read again).
            let facts = match facts {
                Some(f) => f,
                None => with_index(&state, |_, index| index.person_facts()).await?,
            };
            let central = state.central.clone();
            tokio::task::spawn_blocking(move || {
                central.candidates(key, || {
                    let judged = |a: DocId, b: DocId| {
                        crate::merge::person_pair(&roots, a, b)
                            .is_some_and(|key| not_same.contains(&key))
                    };
                    crate::reconcile::candidates(&facts, &judged, threshold)
                })
            })
            .await
            .map_err(AppError::internal)?
        }
    };
    let (pairs, sides) = with_index(&state, move |store, index| {
        let mut found: Vec<&crate::reconcile::Candidate> = all.iter().collect();
        if let Some(team) = &team {
            found.retain(|c| {
                [c.a, c.b]
                    .iter()
                    .any(|id| index.persons.get(id).is_some_and(|p| &p.team == team))
            });
        }
        let total = found.len();
        if let Some(after) = &after {
            let start = found.partition_point(|c| after.covers(c));
            found.drain(..start);
        }
        let next = (found.len() > limit).then(|| DuplicatesCursor::of(found[limit - 1]));
        found.truncate(limit);
        let found: Vec<crate::reconcile::Candidate> = found.into_iter().cloned().collect();
        let side = |id: DocId| -> Result<DuplicateSide, AppError> {
            let p = index
                .persons
                .get(&id)
                .ok_or_else(|| AppError::internal(anyhow::anyhow!("a candidate is not indexed")))?;
            let (contacts, _, _, _) = query::person_stats(index, id);
            Ok(DuplicateSide {
                id,
                external_id: store
                    .exchange_external(crate::storage::ExchangeKind::Person, &id.to_string())?,
                team: p.team.clone(),
                aliases: p.facts.aliases.clone(),
                birth_year: p.facts.birth_year,
                contacts,
            })
        };
        let mut sides = Vec::with_capacity(found.len());
        for c in &found {
            sides.push((side(c.a)?, side(c.b)?));
        }
        Ok::<_, AppError>(((found, total, next), sides))
    })
    .await??;
    let (found, total, next) = pairs;
    let items: Vec<DuplicatePair> = found
        .into_iter()
        .zip(sides)
        .map(|(c, (a, b))| DuplicatePair {
            a,
            b,
            score: c.score,
            reasons: c.reasons,
        })
        .collect();
    audit_read(
        &state,
        &user,
        Act::ReadDuplicates,
        items.iter().flat_map(|p| [p.a.id, p.b.id]).collect(),
    )?;
    Ok(Json(Page {
        items,
        total: total as u64,
        next: next.map(|c| c.to_string()),
    }))
}

/// A digest of the pairs judged "not the same person", whatever their order.
fn digest(pairs: &std::collections::HashSet<(DocId, DocId)>) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let hasher = BuildHasherDefault::<DefaultHasher>::default();
    pairs
        .iter()
        .map(|p| hasher.hash_one(p))
        .fold(pairs.len() as u64, u64::wrapping_add)
}

/// The least threshold asked: at 0 every pair compared is a candidate (1.07 million
/// among the benchmark's 10,000 persons, 0.66 GB), and a pair this unlikely is not
/// worth a reviewer's time.
const LEAST_THRESHOLD: f32 = 0.05;

/// Pairs in a page of `GET /api/persons/duplicates` unless asked otherwise: as many as
/// a reviewer works through in a sitting, and every pair of most populations.
/// Without `limit`, every pair (up to the most a page holds): an independent check
/// asking once gets them all.
const DUPLICATES_PAGE: usize = DUPLICATES_MAX_PAGE;
const DUPLICATES_MAX_PAGE: usize = 50_000;

/// Where a page of candidate pairs ends: the last pair's score (its bits) and ids. The
/// pairs come best first, then by ids (`crate::reconcile::candidates`).
struct DuplicatesCursor {
    score: f32,
    a: DocId,
    b: DocId,
}

impl DuplicatesCursor {
    fn of(c: &crate::reconcile::Candidate) -> DuplicatesCursor {
        DuplicatesCursor {
            score: c.score,
            a: c.a,
            b: c.b,
        }
    }

    fn parse(s: &str) -> Option<DuplicatesCursor> {
        let mut parts = s.split('.');
        let bits = u32::from_str_radix(parts.next()?, 16).ok()?;
        let score = f32::from_bits(bits);
        let a = DocId::parse(parts.next()?).ok()?;
        let b = DocId::parse(parts.next()?).ok()?;
        (parts.next().is_none() && score.is_finite()).then_some(DuplicatesCursor { score, a, b })
    }

    /// Whether `c` comes at or before the cursor's pair in the order of the pairs.
    fn covers(&self, c: &crate::reconcile::Candidate) -> bool {
        c.score
            .total_cmp(&self.score)
            .reverse()
            .then(c.a.cmp(&self.a))
            .then(c.b.cmp(&self.b))
            .is_le()
    }
}

impl std::fmt::Display for DuplicatesCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:08x}.{}.{}", self.score.to_bits(), self.a, self.b)
    }
}

/// `POST /api/persons/not-same`: the pair is not one person; it is never proposed again.
pub async fn not_same(
    State(state): State<AppState>,
    Reconciler(user): Reconciler,
    super::extract::ApiJson(pair): super::extract::ApiJson<NotSame>,
) -> Result<Json<serde_json::Value>, AppError> {
    require_reconciler(&user)?;
    if pair.a == pair.b {
        return Err(AppError::BadRequest {
            code: "same_person",
            message: "a pair needs two different persons".into(),
        });
    }
    for id in [pair.a, pair.b] {
        match state.store.doc_meta(id)? {
            Some(m) if m.doc_type == DocType::Person => {}
            _ => return Err(AppError::NotFound("no person with that id".into())),
        }
    }
    // Checked and written holding the writer, as a merge is (the attacker's thirteenth
    // probe: a merge and a judgement of one pair at the same instant both succeeded).
    let store = state.store.clone();
    let writer = state.writer.clone();
    tokio::task::spawn_blocking(move || -> Result<(), AppError> {
        let now = crate::now_ms();
        let _held = writer.hold();
        let store = store.as_ref();
        // Two records already merged into one person are not two persons (a new user's walk:
        // a second desk judged "not the same" a pair the first had just merged, and both
        // stood). "Separa" undoes the merge, and judges the pair with it if asked.
        let roots = crate::merge::roots(store)?;
        if crate::merge::person_pair(&roots, pair.a, pair.b).is_none() {
            return Err(AppError::ConflictCode {
                code: "already_merged",
                message: "the two records were merged into one person: separate them first".into(),
            });
        }
        let cleaned = crate::merge::clean_reason(pair.reason.as_deref().unwrap_or_default());
        if cleaned.chars().count() > MAX_NOT_SAME_REASON {
            return Err(AppError::BadRequest {
                code: "reason_too_long",
                message: format!("`reason`: at most {MAX_NOT_SAME_REASON} characters"),
            });
        }
        // A reason about a person who withdrew consent is not kept (it may name them).
        let mut withdrawn = false;
        for id in [pair.a, pair.b] {
            withdrawn |= store.doc_meta(id)?.and_then(|m| m.consent)
                == Some(strada_shared::vocab::ConsentStatus::Withdrawn);
        }
        let reason = if withdrawn { "" } else { cleaned.as_str() };
        store.mark_not_same(pair.a, pair.b, user.id, now, reason)?;
        audit::record(
            store,
            now,
            Record::new(Act::NotSamePerson)
                .by(&user)
                .docs(vec![pair.a, pair.b]),
        )?;
        store.flush()?;
        Ok(())
    })
    .await
    .map_err(AppError::internal)??;
    Ok(Json(serde_json::json!({ "not_same": [pair.a, pair.b] })))
}

/// The longest reason a "not the same person" judgement keeps.
const MAX_NOT_SAME_REASON: usize = 500;

/// `POST /api/persons/not-same/undo`: the judgement on the pair is taken back; the pair
/// may be proposed again.
pub async fn not_same_undo(
    State(state): State<AppState>,
    Reconciler(user): Reconciler,
    super::extract::ApiJson(pair): super::extract::ApiJson<NotSame>,
) -> Result<Json<serde_json::Value>, AppError> {
    require_reconciler(&user)?;
    if !state.store.unmark_not_same(pair.a, pair.b)? {
        return Err(AppError::NotFound("no judgement on that pair".into()));
    }
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(Act::NotSameUndone)
            .by(&user)
            .docs(vec![pair.a, pair.b]),
    )?;
    state.store.flush()?;
    Ok(Json(serde_json::json!({ "undone": [pair.a, pair.b] })))
}

/// `GET /api/persons/not-same`: every pair judged "not the same person", newest first
/// (the newest [`MAX_JUDGED_LISTED`]), each person by its first alias (none without
/// consent), team and birth year, with who judged, when and why: a judgement made by
/// mistake is found here and taken back (`/undo`).
pub async fn judged(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<JudgedPairs>, AppError> {
    require_central(&user)?;
    let store = state.store.clone();
    let list = tokio::task::spawn_blocking(move || -> Result<JudgedPairs, AppError> {
        let store = store.as_ref();
        let mut all = store.not_same_judgements()?;
        all.sort_by(|x, y| y.at_ms.cmp(&x.at_ms).then((x.a, x.b).cmp(&(y.a, y.b))));
        let side = |id: DocId| -> Result<JudgedSide, AppError> {
            let p = person_of(store, id)?;
            Ok(JudgedSide {
                id,
                team: p.as_ref().map(|p| p.team.clone()),
                name: p.as_ref().and_then(|p| p.aliases.first().cloned()),
                birth_year: p.and_then(|p| p.birth_year),
            })
        };
        let mut names: std::collections::HashMap<_, Option<String>> =
            std::collections::HashMap::new();
        let mut items = Vec::new();
        for j in all.iter().take(MAX_JUDGED_LISTED) {
            let by_name = match names.entry(j.by) {
                std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
                std::collections::hash_map::Entry::Vacant(e) => e
                    .insert(store.user_by_id(j.by)?.map(|u| u.username))
                    .clone(),
            };
            items.push(JudgedPair {
                a: side(j.a)?,
                b: side(j.b)?,
                by: j.by,
                by_name,
                at: crate::projection::rfc3339_ms(j.at_ms),
                reason: j.reason.clone(),
            });
        }
        Ok(JudgedPairs {
            items,
            total: all.len() as u64,
        })
    })
    .await
    .map_err(AppError::internal)??;
    // Each person by a name, with a reviewer's reason: a read of other teams' records
    // (found by the attacker's sixth probe: it was not on record).
    audit_read(
        &state,
        &user,
        Act::ReadJudged,
        list.items.iter().flat_map(|p| [p.a.id, p.b.id]).collect(),
    )?;
    Ok(Json(list))
}

/// `GET /api/teams`: every team with records, for the central office's filters, with
/// the name and area an imported file gave it.
pub async fn teams(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Json<Vec<TeamInfo>>, AppError> {
    require_central(&user)?;
    let store = state.store.clone();
    let central = state.central.clone();
    let teams = tokio::task::spawn_blocking(move || {
        let named: std::collections::HashMap<String, crate::storage::ExchangeEntry> = store
            .exchange_entries(crate::storage::ExchangeKind::Team)?
            .into_iter()
            .map(|e| (e.internal.clone(), e))
            .collect();
        let teams = central.teams(store.as_ref())?;
        Ok::<_, AppError>(
            teams
                .into_iter()
                .map(|id| {
                    let entry = named.get(id.as_str());
                    let name = entry
                        .and_then(|e| e.name.clone())
                        .map(|n| n.trim().to_string())
                        .filter(|n| !n.is_empty() && n != id.as_str());
                    let area = entry
                        .and_then(|e| e.area.clone())
                        .filter(|a| !a.trim().is_empty());
                    TeamInfo { id, name, area }
                })
                .collect::<Vec<_>>(),
        )
    })
    .await
    .map_err(AppError::internal)??;
    Ok(Json(teams))
}

/// The judgements "not the same person" on `id` or a record merged into it, newest
/// first, with the user names of those who judged and merged.
fn judgements_of(
    store: &dyn Store,
    id: DocId,
    family: &[DocId],
    merges: &[MergeRecord],
) -> Result<
    (
        Vec<NotSameRecord>,
        std::collections::BTreeMap<String, String>,
    ),
    AppError,
> {
    let mine = |d: DocId| d == id || family.contains(&d);
    let mut out = Vec::new();
    for j in store.not_same_judgements()? {
        let other = match (mine(j.a), mine(j.b)) {
            (true, false) => j.b,
            (false, true) => j.a,
            _ => continue,
        };
        let other_name = person_of(store, other)?.and_then(|p| p.aliases.first().cloned());
        out.push(NotSameRecord {
            other,
            other_name,
            by: j.by,
            at: crate::projection::rfc3339_ms(j.at_ms),
            reason: j.reason,
        });
    }
    out.sort_by(|x, y| y.at.cmp(&x.at));
    let mut names = std::collections::BTreeMap::new();
    let users = out
        .iter()
        .map(|j| j.by)
        .chain(merges.iter().map(|m| m.by))
        .chain(
            merges
                .iter()
                .filter_map(|m| m.undone.as_ref().map(|u| u.by)),
        );
    for by in users {
        if let Some(u) = store.user_by_id(by)? {
            names.insert(by.to_string(), u.username);
        }
    }
    Ok((out, names))
}

fn merge_error(e: crate::merge::MergeError) -> AppError {
    use crate::merge::MergeError;
    match e {
        MergeError::Invalid(m) => AppError::BadRequest {
            code: "invalid_merge",
            message: m.into(),
        },
        MergeError::NotFound => AppError::NotFound("no person with that id".into()),
        MergeError::NoSuchMerge => AppError::NotFound("no merge with that id".into()),
        MergeError::AlreadyMerged(m) => AppError::ConflictCode {
            code: "already_merged",
            message: m.into(),
        },
        MergeError::AlreadyUnmerged => AppError::ConflictCode {
            code: "already_unmerged",
            message: "this merge was already undone".into(),
        },
        e @ MergeError::SurvivorMergedSince => AppError::ConflictCode {
            code: "survivor_merged_since",
            message: e.to_string(),
        },
        e @ MergeError::JudgedNotSame => AppError::ConflictCode {
            code: "judged_not_same",
            message: e.to_string(),
        },
        e @ MergeError::WithdrawsConsent => AppError::ConflictCode {
            code: "merge_withdraws_consent",
            message: e.to_string(),
        },
        // The push path's reasons name rules, never the documents' content.
        MergeError::Refused(reason) => AppError::Unprocessable {
            code: "merge_refused",
            message: reason,
        },
        MergeError::Push(e) => AppError::internal(e),
        MergeError::Store(e) => e.into(),
    }
}

/// Runs a merge or an unmerge, records it in the audit log and tells the devices.
async fn merging(
    state: AppState,
    user: AuthUser,
    act: Act,
    run: impl FnOnce(
        &dyn crate::storage::Store,
        &crate::sync::Writer,
        &AuthUser,
        i64,
    ) -> Result<crate::merge::Done, crate::merge::MergeError>
    + Send
    + 'static,
) -> Result<Json<MergeRecord>, AppError> {
    require_reconciler(&user)?;
    let store = state.store.clone();
    let writer = state.writer.clone();
    let by = user.clone();
    let done =
        tokio::task::spawn_blocking(move || run(store.as_ref(), &writer, &by, crate::now_ms()))
            .await
            .map_err(AppError::internal)?
            .map_err(merge_error)?;
    audit::record(
        state.store.as_ref(),
        crate::now_ms(),
        Record::new(act)
            .by(&user)
            .docs(vec![done.record.survivor, done.record.merged]),
    )?;
    state.store.flush()?;
    state.notify.announce(state.store.as_ref(), done.advanced)?;
    Ok(Json(done.record))
}

/// `POST /api/persons/merge`: `merged` becomes part of `survivor` (see `crate::merge`).
pub async fn merge(
    State(state): State<AppState>,
    Reconciler(user): Reconciler,
    super::extract::ApiJson(req): super::extract::ApiJson<MergeRequest>,
) -> Result<Json<MergeRecord>, AppError> {
    merging(
        state,
        user,
        Act::PersonsMerged,
        move |store, writer, by, now| crate::merge::merge(store, writer, by, &req, now),
    )
    .await
}

/// `POST /api/persons/unmerge`: undoes a merge.
pub async fn unmerge(
    State(state): State<AppState>,
    Reconciler(user): Reconciler,
    super::extract::ApiJson(req): super::extract::ApiJson<UnmergeRequest>,
) -> Result<Json<MergeRecord>, AppError> {
    merging(
        state,
        user,
        Act::PersonsUnmerged,
        move |store, writer, by, now| crate::merge::unmerge(store, writer, by, &req, now),
    )
    .await
}
