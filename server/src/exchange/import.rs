//! An import run: read every line, resolve ids and references once the whole file is
//! read, build each record's document, stage them all through the push path, and commit
//! only if every line is valid (and the run is not dry).
//!
//! Order: teams, persons, contacts, referrals, cases, job offers — each after what it
//! may refer to. New persons, referrals, cases and job offers are written as the importer
//! (who recorded the consent, who moved the referral, who opened the case and wrote its
//! reviews: the format does not say), new contacts as their `author` (or the importer),
//! as the push rules of origin require. A job offer names no team: a new one is the
//! importer's team's. Reading, resolving, building and staging hold nothing: phones'
//! pushes go on meanwhile. The push path's writer is taken to commit, and only if no
//! record the file touches was written meanwhile; else the file is staged again holding
//! it (see `sync::Staging::commit_unheld`).

mod file;
mod records;

use std::collections::{BTreeMap, HashMap, HashSet};

use strada_shared::api::{ImportLineError, ImportReport};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::DocType;
use strada_shared::sync::{PushDoc, PushOutcome, RefusalCode};
use strada_shared::vocab::ConsentStatus;

use super::build::NamedPerson;
use super::line::{self, FieldError, Kind, Line, Record};
use super::resolve::{Fail, Resolver, exchange_kind};
use super::{ExchangeError, Importer, MAX_FILE_BYTES};
use crate::audit::{self, Act};
use crate::auth::AuthUser;
use crate::directory::ServedDirectory;
use crate::storage::{ExchangeEntry, ExchangeKind, Store, StoreError};
use crate::sync::{Staging, Writer};

/// How many documents are staged at once (see `Run::stage`).
const STAGE_CHUNK: usize = 512;

/// What an import did, and where each team's feed moved (to tell live devices).
pub struct Imported {
    pub report: ImportReport,
    pub advanced: crate::sync::Advanced,
}

/// Imports an exchange file (see the module note). Invalid lines are in the report, not
/// an error; nothing is stored unless every line is valid and `dry_run` is false. The
/// run is recorded in the audit log (counts only).
pub fn import(
    store: &dyn Store,
    writer: &Writer,
    importer: &Importer,
    directory: &ServedDirectory,
    file: &[u8],
    dry_run: bool,
    now_ms: i64,
) -> Result<Imported, ExchangeError> {
    if file.len() > MAX_FILE_BYTES {
        return Err(ExchangeError::TooLarge);
    }
    let records = file
        .split(|b| *b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count();
    if records > super::MAX_RECORDS {
        return Err(ExchangeError::TooManyRecords);
    }
    let user = importer.user();
    let started = std::time::Instant::now();
    let read = file::read(file, now_ms);
    let mut run = Run {
        store,
        user: user.clone(),
        now_ms,
        directory,
        resolver: Resolver::new(store, now_ms)?,
        errors: read.errors,
        notices: Vec::new(),
        invalid: read.invalid,
        teams: HashMap::new(),
        placed: HashMap::new(),
        named: HashMap::new(),
        contact_consent: HashMap::new(),
        entries: Vec::new(),
        user_names: HashSet::new(),
        counts: BTreeMap::new(),
        withdrawals: HashSet::new(),
        to_stage: Vec::new(),
        merged: None,
        roots: None,
        rules_version: None,
    };
    run.plan(read.lines)?;
    let planned = started.elapsed();
    // Staged without holding the push path's writer (phones' pushes go on meanwhile); the
    // writer is taken to commit, and the file staged again holding it only if a record
    // it touches was written meanwhile.
    let mut staging = writer.staging_unheld(store, now_ms)?.restoring();
    if run.errors.is_empty() {
        run.stage(&mut staging)?;
    }
    let staged = started.elapsed();
    let mut advanced = BTreeMap::new();
    let mut restaged = false;
    if run.errors.is_empty() && !dry_run {
        // The ids first: a crash before the documents leaves ids that name nothing yet
        // (the next import creates those documents under them), never documents
        // without ids.
        let entries = &run.entries;
        match staging.commit_unheld(writer, &user, || store.put_exchange(entries))? {
            Some(moved) => advanced = moved,
            None => {
                restaged = true;
                let mut staging = writer.staging(store, now_ms).restoring();
                run.stage(&mut staging)?;
                if run.errors.is_empty() {
                    store.put_exchange(&run.entries)?;
                    advanced = staging.commit(&user)?;
                }
            }
        }
        if run.errors.is_empty() {
            store.flush()?;
        }
    } else {
        drop(staging);
    }
    let committed = started.elapsed();
    run.errors
        .sort_by(|a, b| (a.line, &a.field).cmp(&(b.line, &b.field)));
    let ok = run.errors.is_empty();
    let mut report = ImportReport {
        ok,
        dry_run,
        errors: std::mem::take(&mut run.errors),
        notices: std::mem::take(&mut run.notices),
        withdrawals: if ok { run.withdrawals.len() as u64 } else { 0 },
        ..ImportReport::default()
    };
    for kind in Kind::ALL {
        let [created, updated, unchanged] = match ok {
            true => run.counts.get(&kind).copied().unwrap_or_default(),
            false => [0; 3],
        };
        let name = kind.as_str().to_string();
        report.created.insert(name.clone(), created);
        report.updated.insert(name.clone(), updated);
        report.unchanged.insert(name, unchanged);
    }
    let written: u64 = report.created.values().chain(report.updated.values()).sum();
    tracing::info!(
        ok,
        dry_run,
        written,
        invalid_lines = report.errors.len(),
        plan_ms = planned.as_millis() as u64,
        stage_ms = (staged - planned).as_millis() as u64,
        commit_ms = (committed - staged).as_millis() as u64,
        restaged,
        "exchange import"
    );
    let act = if dry_run {
        Act::ImportDryRun
    } else {
        Act::Import
    };
    let record = match importer.account() {
        Some(u) => audit::Record::new(act).by(u),
        None => audit::Record::new(act),
    };
    let record = match ok {
        true => record.count(written as usize),
        false => record.refused("invalid_lines").count(report.errors.len()),
    };
    audit::record(store, now_ms, record)?;
    Ok(Imported { report, advanced })
}

/// Where a record of the file goes.
#[derive(Debug, Clone)]
struct Placed {
    line: usize,
    id: DocId,
    team: TeamId,
    stored: bool,
    /// The store kept this external id for this id already.
    mapped: bool,
    /// This line, digested, and the line last imported for the record (see
    /// [`ExchangeEntry::line`]).
    digest: String,
    imported: Option<String>,
}

impl Placed {
    /// A stored record whose line is the one imported last: nothing to write, whatever
    /// was edited in Strada since (a new user's walk: the same file imported again
    /// undid a desk's work on a case, and a phone kept at a merge).
    fn as_imported(&self) -> bool {
        self.stored && self.imported.as_deref() == Some(self.digest.as_str())
    }
}

/// A document to stage, with the line it comes from.
struct ToStage {
    line: usize,
    kind: Kind,
    /// Who writes it: the importer, or a new contact's author.
    author: Option<UserId>,
    doc: PushDoc,
}

/// What a line refers to.
enum Ref {
    Found(DocId),
    /// A record of an invalid line: the file is refused for that line already.
    Invalid,
}

/// Why a contact naming a person is kept anonymous.
const KEPT_ANONYMOUS: &str =
    "kept anonymous, not linked to the person: the person's consent is not given";

/// Why a person line's identifying data is not kept.
const NOT_KEPT: &str =
    "not kept, with every identifying field of the line: the person's consent is not given";

struct Run<'a> {
    store: &'a dyn Store,
    user: AuthUser,
    /// The server's clock: a new case's or job offer's creation time.
    now_ms: i64,
    directory: &'a ServedDirectory,
    resolver: Resolver<'a>,
    errors: Vec<ImportLineError>,
    /// See [`ImportReport::notices`].
    notices: Vec<ImportLineError>,
    invalid: HashSet<(Kind, String)>,
    /// Team lines: external id → slug.
    teams: HashMap<String, TeamId>,
    /// Record lines: (kind, external id) → where it goes.
    placed: HashMap<(Kind, String), Placed>,
    /// Persons contacts may name, as this import leaves them.
    named: HashMap<DocId, NamedPerson>,
    /// Contacts referrals may name: their consent as this import leaves them.
    contact_consent: HashMap<DocId, ConsentStatus>,
    /// What the `exchange` collection gets.
    entries: Vec<ExchangeEntry>,
    /// User names among `entries`.
    user_names: HashSet<String>,
    /// Per kind: created, updated, unchanged.
    counts: BTreeMap<Kind, [u64; 3]>,
    /// Stored persons whose consent the file withdraws (and those a person it withdraws
    /// was merged into).
    withdrawals: HashSet<DocId>,
    to_stage: Vec<ToStage>,
    /// Each person others were merged into → those persons (read once, when a stored
    /// person's line is first built).
    merged: Option<HashMap<DocId, Vec<DocId>>>,
    /// Each person merged away → the person it counts under (read with `merged`).
    roots: Option<HashMap<DocId, DocId>>,
    /// The version of the PUA's rules in force (read once, for the first new case).
    rules_version: Option<u64>,
}

#[derive(Clone, Copy)]
enum State {
    Created = 0,
    Updated = 1,
    Unchanged = 2,
}

impl Run<'_> {
    fn fail(&mut self, line: usize, e: FieldError) {
        self.errors.push(line_error(line, e.field, e.reason));
    }

    /// Records a line's failure, or passes the store's on.
    fn check<T>(&mut self, line: usize, r: Result<T, Fail>) -> Result<Option<T>, StoreError> {
        match r {
            Ok(v) => Ok(Some(v)),
            Err(Fail::Line(e)) => {
                self.fail(line, e);
                Ok(None)
            }
            Err(Fail::Store(e)) => Err(e),
        }
    }

    fn count(&mut self, kind: Kind, state: State) {
        self.counts.entry(kind).or_default()[state as usize] += 1;
    }

    fn plan(&mut self, mut lines: Vec<(usize, Line)>) -> Result<(), StoreError> {
        lines.sort_by_key(|(n, l)| (l.kind(), *n));
        for (_, l) in &lines {
            if let Record::Team(t) = &l.record {
                self.team(&l.id, t)?;
            }
        }
        for (n, l) in &lines {
            let team = match &l.record {
                Record::Team(_) => continue,
                Record::Person(p) => Some(&p.team),
                Record::Contact(c) => Some(&c.team),
                Record::Referral(r) => Some(&r.team),
                Record::Case(c) => Some(&c.team),
                Record::JobOffer(_) => None,
            };
            // A team of an invalid line: the file is refused for that line already, and
            // what names the team is not reported too (nor what names this record).
            if let Some(team) = team
                && !self.teams.contains_key(team)
                && self.invalid.contains(&(Kind::Team, team.clone()))
            {
                self.invalid.insert((l.kind(), l.id.clone()));
                continue;
            }
            // A record the importer's role may not write is refused at once, not built
            // and staged to be refused (found by the attacker's fourth probe: a
            // director's 50,000 contacts took 14 s and 1.8 GB for nothing).
            let doc_type = match &l.record {
                Record::Team(_) => continue,
                Record::Person(_) => DocType::Person,
                Record::Contact(_) => DocType::Contact,
                Record::Referral(_) => DocType::Referral,
                Record::Case(_) => DocType::Case,
                Record::JobOffer(_) => DocType::JobOffer,
            };
            if !crate::sync::rules::role_writes(&self.user, doc_type) {
                let code = RefusalCode::RoleNotAllowed;
                self.fail(*n, refusal(l.kind(), code, code.reason().to_string()));
                self.invalid.insert((l.kind(), l.id.clone()));
                continue;
            }
            let placed = self.place(l.kind(), &l.id, team.map(String::as_str));
            match self.check(*n, placed)? {
                Some((id, team, stored, mapped, imported)) => {
                    let placed = Placed {
                        line: *n,
                        id,
                        team,
                        stored,
                        mapped,
                        digest: l.digest.clone(),
                        imported,
                    };
                    self.placed.insert((l.kind(), l.id.clone()), placed);
                }
                None => {
                    self.invalid.insert((l.kind(), l.id.clone()));
                }
            }
        }
        for (n, l) in &lines {
            let Some(at) = self.placed.get(&(l.kind(), l.id.clone())).cloned() else {
                continue;
            };
            if let Record::Person(p) = &l.record
                && let Some(field) = p.dropped
            {
                self.notices
                    .push(line_error(*n, field.to_string(), NOT_KEPT.to_string()));
            }
            let built = match &l.record {
                Record::Team(_) => continue,
                Record::Person(p) => self.person(&at, p),
                Record::Contact(c) => self.contact(&at, c),
                Record::Referral(r) => self.referral(&at, r),
                Record::Case(c) => self.case(&at, c),
                Record::JobOffer(o) => self.job_offer(&at, o),
            };
            let key = (l.kind(), l.id.clone());
            match self.check(*n, built)? {
                Some(()) => self.map_record(l.kind(), &l.id, &at),
                // What names it is not reported too: the file is refused already.
                None => {
                    self.placed.remove(&key);
                    self.invalid.insert(key);
                }
            }
        }
        Ok(())
    }

    fn team(&mut self, external: &str, t: &line::Team) -> Result<(), StoreError> {
        let (slug, kept) = self.resolver.team(external)?;
        let entry = ExchangeEntry {
            kind: ExchangeKind::Team,
            external: external.to_string(),
            internal: slug.to_string(),
            name: Some(t.name.clone()),
            area: t.area.clone(),
            line: None,
        };
        // A line that says of a team the store knows (by its accounts or documents) no
        // more than its slug — what an export writes of a team no file named — changes
        // nothing (a new user's walk: the store's own export imported back reported
        // every team "new").
        let plain = kept.is_none()
            && slug.as_str() == external
            && t.name == external
            && t.area.is_none()
            && self.resolver.known_slug(&slug)?;
        let state = match kept {
            None if plain => State::Unchanged,
            None => State::Created,
            Some(k) if k == entry => State::Unchanged,
            Some(_) => State::Updated,
        };
        if !matches!(state, State::Unchanged) {
            self.entries.push(entry);
        }
        self.count(Kind::Team, state);
        self.teams.insert(external.to_string(), slug);
        Ok(())
    }

    /// A record line's Strada id and team (`team`: the team the line names; none for a
    /// job offer, which is the stored offer's team or the importer's).
    fn place(
        &mut self,
        kind: Kind,
        external: &str,
        team: Option<&str>,
    ) -> Result<(DocId, TeamId, bool, bool, Option<String>), Fail> {
        let Some(team) = team else {
            let target = self.resolver.target(kind, external)?;
            let slug = match &target.stored {
                Some(meta) => meta.team.clone(),
                None => self.user.team.clone(),
            };
            return Ok((
                target.id,
                slug,
                target.stored.is_some(),
                target.mapped,
                target.imported,
            ));
        };
        let slug = match self.teams.get(team) {
            Some(slug) => slug.clone(),
            None => self
                .resolver
                .stored_team(team)?
                .ok_or_else(|| FieldError::new("team", "names no team in the file or the store"))?,
        };
        let target = self.resolver.target(kind, external)?;
        if let Some(meta) = &target.stored
            && meta.team != slug
        {
            return Err(FieldError::new("team", "a record cannot move to another team").into());
        }
        Ok((
            target.id,
            slug,
            target.stored.is_some(),
            target.mapped,
            target.imported,
        ))
    }

    /// Keeps the record's external id, and the line imported for it.
    fn map_record(&mut self, kind: Kind, external: &str, at: &Placed) {
        if !at.mapped || at.imported.as_deref() != Some(at.digest.as_str()) {
            self.entries.push(ExchangeEntry {
                kind: exchange_kind(kind),
                external: external.to_string(),
                internal: at.id.to_string(),
                name: None,
                area: None,
                line: Some(at.digest.clone()),
            });
        }
    }

    /// The record a reference names, of the referring record's team.
    fn reference(
        &self,
        kind: Kind,
        external: &str,
        field: &str,
        team: &TeamId,
    ) -> Result<Ref, Fail> {
        self.reference_in(kind, external, field, Some(team))
    }

    /// The record a reference names, of any team (a person: a case's, or a contact's or
    /// a referral's met by another team too).
    fn reference_any_team(&self, kind: Kind, external: &str, field: &str) -> Result<Ref, Fail> {
        self.reference_in(kind, external, field, None)
    }

    /// The record a reference names, of `team` when one is given.
    fn reference_in(
        &self,
        kind: Kind,
        external: &str,
        field: &str,
        team: Option<&TeamId>,
    ) -> Result<Ref, Fail> {
        let key = (kind, external.to_string());
        let found = match self.placed.get(&key) {
            Some(p) => Some((p.id, p.team.clone())),
            None if self.invalid.contains(&key) => return Ok(Ref::Invalid),
            None => self
                .resolver
                .stored_record(kind, external)?
                .map(|(id, meta)| (id, meta.team)),
        };
        match found {
            Some((id, t)) if team.is_none_or(|team| &t == team) => Ok(Ref::Found(id)),
            Some(_) => Err(FieldError::new(
                field,
                format!("names a {} of another team", kind.as_str()),
            )
            .into()),
            None => Err(FieldError::new(
                field,
                format!("names no {} in the file or the store", kind.as_str()),
            )
            .into()),
        }
    }

    /// Stages every queued document through the push path: persons, then contacts (new
    /// ones in their authors' names), then referrals, cases and job offers. A refusal is
    /// its line's error.
    fn stage(&mut self, staging: &mut Staging<'_>) -> Result<(), ExchangeError> {
        let mut batches: BTreeMap<(Kind, Option<UserId>), Vec<&ToStage>> = BTreeMap::new();
        for q in &self.to_stage {
            batches.entry((q.kind, q.author)).or_default().push(q);
        }
        let mut refused = Vec::new();
        for ((_, author), batch) in batches {
            let user = match author {
                Some(id) => AuthUser {
                    id,
                    ..self.user.clone()
                },
                None => self.user.clone(),
            };
            // In chunks: a staging keeps each chunk's documents decoded until the chunk
            // is staged (50,000 persons in one went to 3 GB).
            for chunk in batch.chunks(STAGE_CHUNK) {
                let (lines, docs): (Vec<(usize, Kind)>, Vec<PushDoc>) = chunk
                    .iter()
                    .map(|q| ((q.line, q.kind), q.doc.clone()))
                    .unzip();
                let results = staging.stage(&user, docs)?;
                for ((line, kind), r) in lines.into_iter().zip(results) {
                    let e = match r.outcome {
                        PushOutcome::Accepted { .. } => continue,
                        PushOutcome::Refused { code, reason } => refusal(kind, code, reason),
                        PushOutcome::Incomplete => FieldError::new(
                            "id",
                            "the stored record changed meanwhile: import the file again",
                        ),
                    };
                    refused.push((line, e));
                }
            }
        }
        for (line, e) in refused {
            self.fail(line, e);
        }
        // What a line changed on a person the central office merged away reaches the
        // survivor, as a phone's edit does.
        staging.carry_to_survivors()?;
        Ok(())
    }
}

/// A line's error for the report. Its reason is one the app translates
/// (`strada_shared::import_reasons`): debug builds (the tests) check it.
pub(crate) fn line_error(line: usize, field: String, reason: String) -> ImportLineError {
    debug_assert!(
        strada_shared::import_reasons::read(&reason).is_some(),
        "an import reason the app cannot translate: {reason:?}"
    );
    ImportLineError {
        line,
        field,
        reason,
    }
}

/// A refusal of the push path as a line's error: the field it concerns (`id`, the
/// record as a whole, when no field says more; never empty), and its reason (a schema
/// refusal's detail may quote the document: its general reason instead).
fn refusal(kind: Kind, code: RefusalCode, reason: String) -> FieldError {
    let field = match (code, kind) {
        (RefusalCode::TeamMove, _) => "team",
        (RefusalCode::AuthorChange, _) => "author",
        (RefusalCode::ReferralFixed, _) => "contact",
        (RefusalCode::Lifecycle | RefusalCode::ReferralStart, _) => "history",
        (RefusalCode::NeedRequired, _) => "needs",
        (RefusalCode::ConsentRequired, Kind::Person) => "consent.status",
        (RefusalCode::ConsentRequired, Kind::Contact | Kind::Case | Kind::Referral) => "person",
        (RefusalCode::UnknownReference, Kind::Contact | Kind::Case) => "person",
        (RefusalCode::NotAuthor, Kind::Case) => "reviews",
        (RefusalCode::UnknownReference, _) => "contact",
        (RefusalCode::OutcomeRequired, _) => "outcome",
        (RefusalCode::EligibilityIncomplete, _) => "eligibility",
        (RefusalCode::InterventionDate, _) => "interventions",
        (RefusalCode::AssessmentGrade, _) => "assessment",
        _ => "id",
    };
    let reason = match code {
        RefusalCode::Schema | RefusalCode::Malformed | RefusalCode::ServerError => {
            code.reason().to_string()
        }
        // The push path's detail where the app can translate it, else the code's own.
        _ if strada_shared::import_reasons::read(&reason).is_some() => reason,
        _ => code.reason().to_string(),
    };
    FieldError::new(field, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_of_the_push_path_names_a_field() {
        for code in RefusalCode::ALL {
            for kind in Kind::ALL {
                let e = refusal(kind, code, "a reason".into());
                assert!(!e.field.is_empty(), "{code:?} of a {}", kind.as_str());
            }
        }
        assert_eq!(
            refusal(Kind::Person, RefusalCode::NotAllowed, "r".into()).field,
            "id"
        );
        assert_eq!(
            refusal(Kind::Case, RefusalCode::OutcomeRequired, "r".into()).field,
            "outcome"
        );
    }
}
