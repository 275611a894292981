//! Field rules by role: who may create or change what in a document, beyond its schema.
//! Each refusal carries the reason the device shows to the worker.
//!
//! Rules of origin: a document is created in the name of who pushes it, whatever the
//! role (the central office writes in its own name, never a field worker's); each move
//! a change adds to a referral's history, and each consent it records, is the pushing
//! user's, at a time between the referral's creation and now (give or take
//! [`CLOCK_SKEW_MS`] of device clock).
//!
//! Consent is checked on every change, not only at creation: a contact's consent only
//! ever moves to *withdrawn*, which is final (no alias comes back, the link to the person
//! stays); a contact's link to its person never changes once set; an alias without
//! consent is refused wherever it appears; a person without consent keeps no data about
//! them (languages, gender, documents included), and a withdrawal is final.

use automerge::AutoCommit;
use autosurgeon::Hydrate;
use strada_shared::domain::{NeedCategory, PersonRef, Role};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::contact::check_alias;
use strada_shared::schema::{
    self, CaseDoc, ContactDoc, DocType, JobOfferDoc, PersonDoc, PuaRulesDoc, ReferralDoc,
    ReferralStatus, SchemaError, ValidationError,
    referral::{HistoryError, StatusChange},
};
use strada_shared::vocab::ConsentStatus;

use crate::auth::AuthUser;
use strada_shared::sync::RefusalCode;

fn refusal(code: RefusalCode) -> (RefusalCode, String) {
    (code, code.reason().into())
}

/// A document read as its type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedDoc {
    Contact(ContactDoc),
    Referral(ReferralDoc),
    Person(PersonDoc),
    Case(Box<CaseDoc>),
    JobOffer(Box<JobOfferDoc>),
    PuaRules(Box<PuaRulesDoc>),
}

impl TypedDoc {
    pub fn read(doc_type: DocType, doc: &AutoCommit) -> Result<TypedDoc, SchemaError> {
        Ok(match doc_type {
            DocType::Contact => TypedDoc::Contact(schema::read(doc)?),
            DocType::Referral => TypedDoc::Referral(schema::read(doc)?),
            DocType::Person => TypedDoc::Person(schema::read(doc)?),
            DocType::Case => TypedDoc::Case(Box::new(schema::read(doc)?)),
            DocType::JobOffer => TypedDoc::JobOffer(Box::new(schema::read(doc)?)),
            DocType::PuaRules => TypedDoc::PuaRules(Box::new(schema::read(doc)?)),
        })
    }

    /// [`TypedDoc::read`], and the check that the document holds nothing beyond the
    /// value read (its type's shape), in one walk over each map.
    pub fn read_shaped(
        doc_type: DocType,
        doc: &AutoCommit,
        maps: &mut schema::prefetch::MapCache,
    ) -> Result<(TypedDoc, Result<(), schema::shape::ShapeError>), SchemaError> {
        Ok(match doc_type {
            DocType::Contact => {
                let (v, shape) = schema::read_shaped_cached(doc, maps)?;
                (TypedDoc::Contact(v), shape)
            }
            DocType::Referral => {
                let (v, shape) = schema::read_shaped_cached(doc, maps)?;
                (TypedDoc::Referral(v), shape)
            }
            DocType::Person => {
                let (v, shape) = schema::read_shaped_cached(doc, maps)?;
                (TypedDoc::Person(v), shape)
            }
            DocType::Case => {
                let (v, shape) = schema::read_shaped_cached(doc, maps)?;
                (TypedDoc::Case(Box::new(v)), shape)
            }
            DocType::JobOffer => {
                let (v, shape) = schema::read_shaped_cached(doc, maps)?;
                (TypedDoc::JobOffer(Box::new(v)), shape)
            }
            DocType::PuaRules => {
                let (v, shape) = schema::read_shaped_cached(doc, maps)?;
                (TypedDoc::PuaRules(Box::new(v)), shape)
            }
        })
    }

    pub fn doc_type(&self) -> DocType {
        match self {
            TypedDoc::Contact(_) => DocType::Contact,
            TypedDoc::Referral(_) => DocType::Referral,
            TypedDoc::Person(_) => DocType::Person,
            TypedDoc::Case(_) => DocType::Case,
            TypedDoc::JobOffer(_) => DocType::JobOffer,
            TypedDoc::PuaRules(_) => DocType::PuaRules,
        }
    }

    pub fn id(&self) -> DocId {
        match self {
            TypedDoc::Contact(c) => c.id,
            TypedDoc::Referral(r) => r.id,
            TypedDoc::Person(p) => p.id,
            TypedDoc::Case(c) => c.id,
            TypedDoc::JobOffer(o) => o.id,
            TypedDoc::PuaRules(r) => r.id,
        }
    }

    pub fn team(&self) -> &TeamId {
        match self {
            TypedDoc::Contact(c) => &c.team,
            TypedDoc::Referral(r) => &r.team,
            TypedDoc::Person(p) => &p.team,
            TypedDoc::Case(c) => &c.team,
            TypedDoc::JobOffer(o) => &o.team,
            TypedDoc::PuaRules(r) => &r.team,
        }
    }

    pub fn author(&self) -> UserId {
        match self {
            TypedDoc::Contact(c) => c.author,
            TypedDoc::Referral(r) => r.author,
            TypedDoc::Person(p) => p.author,
            TypedDoc::Case(c) => c.author,
            TypedDoc::JobOffer(o) => o.author,
            TypedDoc::PuaRules(r) => r.author,
        }
    }
}

/// How far a device's clock may run ahead of the server's, or a move be dated before
/// its referral was created on another device.
pub const CLOCK_SKEW_MS: i64 = 24 * 3600 * 1000;

/// What a stored document fixes for the changes made to it: fields they may not touch,
/// and what the consent rules compare against (read without hydrating the whole
/// document, except a person's, which is small and rare).
#[derive(Debug, Clone, PartialEq)]
pub struct Fixed {
    pub team: TeamId,
    pub author: UserId,
    pub referral: Option<ReferralFixed>,
    /// A contact's consent and who it was with; `None` when the stored document could
    /// not be read (a quarantined one sent again): the change is then judged as new.
    pub contact: Option<ContactFixed>,
    /// A person as stored.
    pub person: Option<Box<PersonDoc>>,
    /// A case, a job offer or the PUA's rules as stored (what a role may change of them
    /// is judged field by field).
    pub central: Option<Box<TypedDoc>>,
}

/// What a referral change may not touch, its status and its history of moves (which
/// only grows).
#[derive(Debug, Clone, PartialEq, Hydrate)]
pub struct ReferralFixed {
    pub contact: DocId,
    pub need: NeedCategory,
    pub status: ReferralStatus,
    #[autosurgeon(missing = "Vec::new")]
    pub history: Vec<StatusChange>,
    #[autosurgeon(missing = "Option::default")]
    pub person_id: Option<DocId>,
    /// Unix ms.
    pub created_at: i64,
    /// The directory service (a new or changed one must have an id's shape).
    #[autosurgeon(missing = "Option::default")]
    pub service_id: Option<String>,
}

/// Who a stored contact was with, and the consent it recorded.
#[derive(Debug, Clone, PartialEq, Hydrate)]
pub struct ContactFixed {
    pub person: PersonRef,
    #[autosurgeon(missing = "Option::default")]
    pub person_id: Option<DocId>,
    #[autosurgeon(missing = "ConsentStatus::default")]
    pub consent: ConsentStatus,
    /// The language and the time as stored: a value kept from before their rules is
    /// kept, a new one must follow them (see [`contact_fields`]).
    #[autosurgeon(missing = "Option::default")]
    pub language: Option<String>,
    #[autosurgeon(missing = "i64::default")]
    pub occurred_at: i64,
    /// The needs as stored: a contact that lists some keeps at least one (see
    /// [`contact_fields`]).
    #[autosurgeon(
        missing = "Vec::default",
        with = "strada_shared::schema::sets::code_set"
    )]
    pub needs: Vec<NeedCategory>,
}

#[derive(Hydrate)]
struct Owner {
    team: TeamId,
    author: UserId,
}

impl Fixed {
    /// What a document stored as `value` fixes: the same as [`Fixed::read`] of it,
    /// without reading the document again.
    pub fn of(value: &TypedDoc) -> Fixed {
        let mut fixed = Fixed {
            team: value.team().clone(),
            author: value.author(),
            referral: None,
            contact: None,
            person: None,
            central: None,
        };
        match value {
            TypedDoc::Contact(c) => {
                fixed.contact = Some(ContactFixed {
                    person: c.person.clone(),
                    person_id: c.person_id,
                    consent: c.consent,
                    language: c.language.clone(),
                    occurred_at: c.occurred_at,
                    needs: c.needs.clone(),
                })
            }
            TypedDoc::Referral(r) => {
                fixed.referral = Some(ReferralFixed {
                    contact: r.contact,
                    need: r.need,
                    status: r.status,
                    history: r.history.clone(),
                    person_id: r.person_id,
                    created_at: r.created_at,
                    service_id: r.service_id.clone(),
                })
            }
            TypedDoc::Person(p) => fixed.person = Some(Box::new(p.clone())),
            TypedDoc::Case(_) | TypedDoc::JobOffer(_) | TypedDoc::PuaRules(_) => {
                fixed.central = Some(Box::new(value.clone()))
            }
        }
        fixed
    }

    pub fn read(doc_type: DocType, doc: &AutoCommit) -> Result<Fixed, autosurgeon::HydrateError> {
        let owner: Owner = autosurgeon::hydrate(doc)?;
        let mut fixed = Fixed {
            team: owner.team,
            author: owner.author,
            referral: None,
            contact: None,
            person: None,
            central: None,
        };
        match doc_type {
            DocType::Referral => fixed.referral = Some(autosurgeon::hydrate(doc)?),
            DocType::Contact => fixed.contact = Some(autosurgeon::hydrate(doc)?),
            DocType::Person => fixed.person = Some(Box::new(autosurgeon::hydrate(doc)?)),
            DocType::Case => {
                fixed.central = Some(Box::new(TypedDoc::Case(Box::new(autosurgeon::hydrate(
                    doc,
                )?))))
            }
            DocType::JobOffer => {
                fixed.central = Some(Box::new(TypedDoc::JobOffer(Box::new(
                    autosurgeon::hydrate(doc)?,
                ))))
            }
            DocType::PuaRules => {
                fixed.central = Some(Box::new(TypedDoc::PuaRules(Box::new(
                    autosurgeon::hydrate(doc)?,
                ))))
            }
        }
        Ok(fixed)
    }

    /// The records the stored document refers to (its person, its contact), as far as
    /// what was read of it says.
    pub fn references(&self) -> Vec<DocId> {
        let mut out = Vec::new();
        if let Some(c) = &self.contact {
            out.extend(c.person_id);
        }
        if let Some(r) = &self.referral {
            out.push(r.contact);
            out.extend(r.person_id);
        }
        if let Some(central) = &self.central {
            out.extend(super::references(central).into_iter().map(|(id, _)| id));
        }
        out
    }

    /// A contact's fixed fields from its metadata (team, author) and the stored document
    /// (consent), without hydrating the rest.
    pub fn contact(team: TeamId, author: UserId, doc: Option<&AutoCommit>) -> Fixed {
        Fixed {
            team,
            author,
            referral: None,
            contact: doc.and_then(|d| autosurgeon::hydrate(d).ok()),
            person: None,
            central: None,
        }
    }
}

/// The refusal of a service id that is not an id (a name, a phone number typed there).
fn service_refusal() -> (RefusalCode, String) {
    (
        RefusalCode::Schema,
        "the service is not a directory service id (1 to 64 letters, digits, '-', '_', '.' or ':')"
            .into(),
    )
}

/// A service id a change sets (one it keeps as stored is not judged again: a document
/// stored before the rule still changes) has an id's shape
/// ([`strada_shared::schema::referral::is_service_id`]).
fn service_set(
    old: Option<&Option<String>>,
    new: &Option<String>,
) -> Result<(), (RefusalCode, String)> {
    match new {
        Some(id) if old != Some(new) && !strada_shared::schema::referral::is_service_id(id) => {
            Err(service_refusal())
        }
        _ => Ok(()),
    }
}

/// The service ids of a case's interventions that are new or changed (see [`service_set`]).
fn intervention_services(
    old: Option<&CaseDoc>,
    new: &CaseDoc,
) -> Result<(), (RefusalCode, String)> {
    for (id, i) in &new.interventions {
        let before = old.map(|o| o.interventions.get(id).and_then(|k| k.service_id.clone()));
        service_set(before.as_ref(), &i.service_id)?;
    }
    Ok(())
}

/// Whether `user` writes as a merge or an unmerge (see [`crate::sync::merge_actor`]).
/// The free texts of a document a device writes hold nothing that makes them read
/// otherwise than they are (see [`strada_shared::text`]). Not asked of a merge (the
/// server's, carrying what is stored).
fn clean_texts(user: &AuthUser, new: &TypedDoc) -> Result<(), (RefusalCode, String)> {
    use strada_shared::schema::Document;
    if is_merge(user) {
        return Ok(());
    }
    let clean = match new.clone() {
        TypedDoc::Contact(mut d) => d.free_texts_clean(),
        TypedDoc::Person(mut d) => d.free_texts_clean(),
        TypedDoc::Referral(mut d) => d.free_texts_clean(),
        TypedDoc::Case(mut d) => d.free_texts_clean(),
        TypedDoc::JobOffer(mut d) => d.free_texts_clean(),
        TypedDoc::PuaRules(_) => true,
    };
    if clean {
        Ok(())
    } else {
        Err((
            RefusalCode::Schema,
            "a text holds control or text-direction characters".into(),
        ))
    }
}

fn is_merge(user: &AuthUser) -> bool {
    user.actor.as_deref() == Some(crate::sync::merge_actor().to_bytes())
}

fn merge_refusal() -> (RefusalCode, String) {
    (
        RefusalCode::NotAllowed,
        "only the central office's merge and unmerge change whom a person was merged into".into(),
    )
}

fn consent_refusal(reason: &str) -> (RefusalCode, String) {
    (RefusalCode::ConsentRequired, reason.into())
}

/// Whether the user's role writes documents of this type at all (least privilege: a
/// field worker never a case; a labour-policy expert job offers and work plans; the
/// director the PUA's rules).
pub(crate) fn role_writes(user: &AuthUser, doc_type: DocType) -> bool {
    let role = user.role;
    match doc_type {
        DocType::Person | DocType::Contact | DocType::Referral => {
            role.writes_field_documents() || is_merge(user)
        }
        DocType::Case => role.manages_cases() || role.writes_work_plans(),
        DocType::JobOffer => role.writes_job_offers(),
        DocType::PuaRules => role.manages_rules(),
    }
}

fn role_refusal() -> (RefusalCode, String) {
    refusal(RefusalCode::RoleNotAllowed)
}

/// A case, a job offer or the PUA's rules, new (`old`: `None`) or changed.
fn central_doc(
    user: &AuthUser,
    old: Option<&TypedDoc>,
    new: &TypedDoc,
    now_ms: i64,
) -> Result<(), (RefusalCode, String)> {
    match (old, new) {
        (None, TypedDoc::Case(c)) => {
            if !user.role.manages_cases() {
                return Err(role_refusal());
            }
            if c.created_at > now_ms + CLOCK_SKEW_MS
                || c.created_at < strada_shared::schema::contact::MIN_OCCURRED_AT_MS
            {
                return Err((
                    RefusalCode::InvalidDate,
                    "a case's creation time is in the future or before 2020".into(),
                ));
            }
            intervention_services(None, c)?;
            reviews_added(user, &[], c)
        }
        (Some(TypedDoc::Case(o)), TypedDoc::Case(n)) => {
            if n.person_id != o.person_id || n.created_at != o.created_at {
                return Err((
                    RefusalCode::NotAllowed,
                    "a case keeps its person and its creation time".into(),
                ));
            }
            if !o.is_open() && !n.is_open() && n.rules_version != o.rules_version {
                return Err((
                    RefusalCode::NotAllowed,
                    "a closed case keeps the version of the rules it was assessed under".into(),
                ));
            }
            if !user.role.manages_cases() {
                // The labour-policy expert: the work plan, nothing else.
                let mut only_plan = (**o).clone();
                only_plan.work_plan = n.work_plan.clone();
                if !user.role.writes_work_plans() || only_plan != **n {
                    return Err(role_refusal());
                }
            }
            intervention_services(Some(o), n)?;
            reviews_added(user, &o.reviews, n)
        }
        (_, TypedDoc::JobOffer(o)) => {
            if !user.role.writes_job_offers() {
                return Err(role_refusal());
            }
            if let Some(TypedDoc::JobOffer(old)) = old
                && old.created_at != o.created_at
            {
                return Err((
                    RefusalCode::NotAllowed,
                    "a job offer keeps its creation time".into(),
                ));
            }
            // Languages are codes, as the exchange format writes them (a new user's
            // walk: "italiano" was kept, matched no work plan and left the export).
            let changed = match old {
                Some(TypedDoc::JobOffer(old)) => old.languages != o.languages,
                _ => true,
            };
            if changed
                && o.languages
                    .iter()
                    .any(|l| crate::exchange::codes::language(l) != Some(l.as_str()))
            {
                return Err((
                    RefusalCode::Schema,
                    "a job offer's languages are language codes (ISO 639-1, lower case)".into(),
                ));
            }
            Ok(())
        }
        (old, TypedDoc::PuaRules(n)) => {
            if !user.role.manages_rules() {
                return Err(role_refusal());
            }
            let published: &[strada_shared::schema::pua_rules::RulesVersion] = match old {
                Some(TypedDoc::PuaRules(o)) => &o.versions,
                _ => &[],
            };
            // Versions are only ever added, each in the name of who publishes it.
            let mut kept: Vec<_> = n.versions.iter().collect();
            for v in published {
                match kept.iter().position(|k| *k == v) {
                    Some(i) => {
                        kept.swap_remove(i);
                    }
                    None => return Err(refusal(RefusalCode::RulesPublished)),
                }
            }
            if kept.iter().any(|v| v.by != user.id) {
                return Err(refusal(RefusalCode::NotAuthor));
            }
            if kept.iter().any(|v| v.published_at > now_ms + CLOCK_SKEW_MS) {
                return Err((
                    RefusalCode::InvalidDate,
                    "a version of the rules cannot be published in the future".into(),
                ));
            }
            Ok(())
        }
        _ => Err(refusal(RefusalCode::TypeMismatch)),
    }
}

/// Reviews are only ever added, each in the name of who writes it.
fn reviews_added(
    user: &AuthUser,
    old: &[strada_shared::schema::case::Review],
    new: &CaseDoc,
) -> Result<(), (RefusalCode, String)> {
    let mut kept: Vec<_> = new.reviews.iter().collect();
    for r in old {
        match kept.iter().position(|k| *k == r) {
            Some(i) => {
                kept.swap_remove(i);
            }
            None => {
                return Err((
                    RefusalCode::NotAllowed,
                    "a case's recorded reviews cannot be removed or changed".into(),
                ));
            }
        }
    }
    if kept.iter().any(|r| r.by != user.id) {
        return Err(refusal(RefusalCode::NotAuthor));
    }
    Ok(())
}

/// A new document (`now_ms`: the server's clock).
pub fn create(user: &AuthUser, new: &TypedDoc, now_ms: i64) -> Result<(), (RefusalCode, String)> {
    if !role_writes(user, new.doc_type()) {
        return Err(role_refusal());
    }
    if user.role == Role::FieldWorker && new.team() != &user.team {
        return Err(refusal(RefusalCode::OtherTeam));
    }
    // Whatever the role: the central office writes in its own name, never a worker's.
    if new.author() != user.id {
        return Err(refusal(RefusalCode::NotAuthor));
    }
    clean_texts(user, new)?;
    match new {
        TypedDoc::Contact(c) => {
            c.validate_entry().map_err(entry_refusal)?;
            contact_fields(None, c, now_ms)
        }
        TypedDoc::Person(p) => {
            if p.merged_into.is_some() {
                return Err(merge_refusal());
            }
            // As a contact's (the eighteenth attacker's probe: 9e15 was kept, and the
            // export wrote it as 1970).
            if p.created_at > now_ms + CLOCK_SKEW_MS
                || p.created_at < strada_shared::schema::contact::MIN_OCCURRED_AT_MS
            {
                return Err((
                    RefusalCode::InvalidDate,
                    "a person's creation time is in the future or before 2020".into(),
                ));
            }
            p.validate_entry().map_err(entry_refusal)?;
            consent_record(user, None, p, now_ms)
        }
        TypedDoc::Referral(r) => {
            if r.check_history() == Err(HistoryError::Start) {
                return Err(refusal(RefusalCode::ReferralStart));
            }
            if r.created_at > now_ms + CLOCK_SKEW_MS
                || r.created_at < strada_shared::schema::contact::MIN_OCCURRED_AT_MS
            {
                return Err((
                    RefusalCode::Lifecycle,
                    "a referral's creation time is in the future or before 2020".into(),
                ));
            }
            service_set(None, &r.service_id)?;
            referral_moves(user, &[], r, now_ms)
        }
        TypedDoc::Case(_) | TypedDoc::JobOffer(_) | TypedDoc::PuaRules(_) => {
            central_doc(user, None, new, now_ms)
        }
    }
}

/// The refusal for an entry rule a new document breaks.
fn entry_refusal(e: ValidationError) -> (RefusalCode, String) {
    match e {
        ValidationError::NoNeeds => refusal(RefusalCode::NeedRequired),
        ValidationError::ConsentRequired
        | ValidationError::IdentifyingWithoutConsent
        | ValidationError::NoAlias => refusal(RefusalCode::ConsentRequired),
        other => (RefusalCode::Schema, other.to_string()),
    }
}

/// Aliases a change adds (those not in `old`) meet the alias rules.
fn added_aliases<'a>(
    old: &[String],
    new: impl IntoIterator<Item = &'a String>,
) -> Result<(), (RefusalCode, String)> {
    for alias in new.into_iter().filter(|a| !old.contains(a)) {
        check_alias(alias).map_err(|e| (RefusalCode::Schema, e.to_string()))?;
    }
    Ok(())
}

/// A consent the change records (`old`: the person as stored) is the pushing user's,
/// dated no later than now; a consent given is only withdrawn; a withdrawal is final.
fn consent_record(
    user: &AuthUser,
    old: Option<&PersonDoc>,
    new: &PersonDoc,
    now_ms: i64,
) -> Result<(), (RefusalCode, String)> {
    let (o, n) = (old.map(|p| &p.consent), &new.consent);
    if o.is_some_and(|o| o.status == ConsentStatus::Withdrawn) && o != Some(n) {
        return Err(consent_refusal(
            "a withdrawal of consent is final: record the person again as a new person",
        ));
    }
    // Once given, a consent is withdrawn (which erases the names in the records made
    // with it), never turned back into "not asked" or "refused" over them.
    if o.is_some_and(|o| o.status == ConsentStatus::Given)
        && matches!(n.status, ConsentStatus::NotAsked | ConsentStatus::Refused)
    {
        return Err(consent_refusal(
            "a consent once given can only be withdrawn",
        ));
    }
    let recorded =
        o.is_none_or(|o| (o.status, o.at, o.recorded_by) != (n.status, n.at, n.recorded_by));
    if recorded && n.recorded_by != user.id {
        return Err(refusal(RefusalCode::NotAuthor));
    }
    if recorded && n.at > now_ms + CLOCK_SKEW_MS {
        return Err(consent_refusal(
            "a consent cannot be recorded in the future",
        ));
    }
    Ok(())
}

/// A change to who a contact was with (`old`: as stored, when it could be read).
/// A contact's language, when set or changed, is a language code (ISO 639-1, as the
/// exchange format's); its time, when set or changed, is not later than the server's
/// clock allows for a device's. Found by the attacker's sixth probe: free text written
/// as the language reached the pseudonymous CSV (a name, on a contact recorded without
/// consent), and a contact dated in 2100 hid a case's "no recent contact" for good.
fn contact_fields(
    old: Option<&ContactFixed>,
    new: &ContactDoc,
    now_ms: i64,
) -> Result<(), (RefusalCode, String)> {
    if let Some(language) = &new.language
        && old.is_none_or(|o| o.language.as_ref() != Some(language))
        && crate::exchange::codes::language(language) != Some(language.as_str())
    {
        return Err((
            RefusalCode::Schema,
            "a contact's language is a language code (ISO 639-1, lower case)".into(),
        ));
    }
    // A contact lists at least one need (the exchange format says so): a push that
    // takes the last one away is refused. Found by the attacker's seventh probe: one
    // field worker emptied a contact's needs, and the PUA's whole export no longer
    // imported. (Two devices unticking the last two needs apart would be refused too,
    // the second to arrive; its worker ticks one again.)
    if new.needs.is_empty() && old.is_some_and(|o| !o.needs.is_empty()) {
        return Err((
            RefusalCode::Schema,
            "a contact lists at least one first need".into(),
        ));
    }
    if old.is_none_or(|o| o.occurred_at != new.occurred_at)
        && new.occurred_at > now_ms + CLOCK_SKEW_MS
    {
        return Err((
            RefusalCode::Schema,
            "a contact's time is in the future: check the device's clock".into(),
        ));
    }
    Ok(())
}

fn contact_consent(
    old: Option<&ContactFixed>,
    new: &ContactDoc,
) -> Result<(), (RefusalCode, String)> {
    let alias_of = |p: &PersonRef| match p {
        PersonRef::Alias(a) => vec![a.clone()],
        PersonRef::Anonymous => Vec::new(),
    };
    added_aliases(
        &old.map_or_else(Vec::new, |o| alias_of(&o.person)),
        &alias_of(&new.person),
    )?;
    let Some(o) = old else {
        return new
            .check_consent()
            .map_err(|_| refusal(RefusalCode::ConsentRequired));
    };
    // The consent recorded at the contact only ever moves to withdrawn, which is final.
    if new.consent != o.consent && new.consent != ConsentStatus::Withdrawn {
        return Err(consent_refusal(
            "a contact's consent can only be withdrawn, never changed otherwise",
        ));
    }
    if o.consent == ConsentStatus::Withdrawn && new.person != PersonRef::Anonymous {
        return Err(consent_refusal(
            "the person withdrew consent: the contact keeps no alias",
        ));
    }
    // Removing the link would free the contact from its person's withdrawal.
    if o.person_id.is_some() && new.person_id != o.person_id {
        return Err(consent_refusal(
            "a contact's link to its person cannot change",
        ));
    }
    // Who it was with is unchanged: a version-1 contact keeps the alias it predates the
    // rule with.
    if new.person == o.person && new.person_id == o.person_id {
        return Ok(());
    }
    new.check_consent()
        .map_err(|_| refusal(RefusalCode::ConsentRequired))
}

/// The moves a change adds to a referral's history: each one is the pushing user's,
/// dated between the referral's creation and now, and the whole history follows the
/// lifecycle (concurrent moves from one status included: they fork it, and the workers
/// choose). Nothing recorded may go.
fn referral_moves(
    user: &AuthUser,
    old: &[StatusChange],
    new: &ReferralDoc,
    now_ms: i64,
) -> Result<(), (RefusalCode, String)> {
    let mut kept: Vec<&StatusChange> = new.history.iter().collect();
    for o in old {
        match kept.iter().position(|n| *n == o) {
            Some(i) => {
                kept.swap_remove(i);
            }
            None => {
                return Err((
                    RefusalCode::Lifecycle,
                    "a referral's recorded moves cannot be removed or changed".into(),
                ));
            }
        }
    }
    // What is left in `kept` is what this change adds.
    if kept.iter().any(|m| m.by != user.id) {
        return Err(refusal(RefusalCode::NotAuthor));
    }
    if kept
        .iter()
        .any(|m| m.at > now_ms + CLOCK_SKEW_MS || m.at < new.created_at - CLOCK_SKEW_MS)
    {
        return Err((
            RefusalCode::Lifecycle,
            "a move is dated before the referral was created, or in the future".into(),
        ));
    }
    match new.check_history() {
        Ok(()) => Ok(()),
        Err(HistoryError::Start) => Err(refusal(RefusalCode::ReferralStart)),
        Err(HistoryError::Step(from, to)) => Err(lifecycle(from, to)),
        Err(HistoryError::Unreached(from)) => Err((
            RefusalCode::Lifecycle,
            format!(
                "a referral's status can only move along its lifecycle: it never was {}",
                from.code()
            ),
        )),
        Err(HistoryError::NoFork(from)) => Err((
            RefusalCode::Lifecycle,
            format!(
                "a referral's status can only move along its lifecycle: nothing to choose after {}",
                from.code()
            ),
        )),
    }
}

fn lifecycle(from: ReferralStatus, to: ReferralStatus) -> (RefusalCode, String) {
    (
        RefusalCode::Lifecycle,
        format!(
            "a referral's status can only move along its lifecycle: {} → {} is not allowed",
            from.code(),
            to.code()
        ),
    )
}

/// A change to an existing document (`old`: what the stored state fixes; `now_ms`: the
/// server's clock).
pub fn change(
    user: &AuthUser,
    old: &Fixed,
    new: &TypedDoc,
    now_ms: i64,
) -> Result<(), (RefusalCode, String)> {
    if !role_writes(user, new.doc_type()) {
        return Err(role_refusal());
    }
    if new.team() != &old.team {
        return Err(refusal(RefusalCode::TeamMove));
    }
    if new.author() != old.author {
        return Err(refusal(RefusalCode::AuthorChange));
    }
    clean_texts(user, new)?;
    match new {
        // A person whose consent is not given keeps no data about them: an edit made
        // offline before a withdrawal reached the device is refused, never merged in.
        TypedDoc::Person(p) => {
            if p.consent.status != ConsentStatus::Given && p.has_identifying_data() {
                return Err(refusal(RefusalCode::ConsentRequired));
            }
            if old
                .person
                .as_deref()
                .is_some_and(|o| o.created_at != p.created_at)
            {
                return Err((
                    RefusalCode::NotAllowed,
                    "a person keeps its creation time".into(),
                ));
            }
            added_aliases(
                old.person
                    .as_ref()
                    .map_or(&[][..], |o| o.aliases.as_slice()),
                &p.aliases,
            )?;
            let merging = is_merge(user);
            let moved = match old.person.as_deref() {
                Some(o) => o.merged_into != p.merged_into,
                None => p.merged_into.is_some(),
            };
            if moved && !merging {
                return Err(merge_refusal());
            }
            match old.person.as_deref() {
                // A merge keeps the more restrictive consent, and an unmerge restores
                // the one recorded before: not the merging reviewer's own records. A
                // withdrawal stays final.
                Some(o) if merging => {
                    if o.consent.status == ConsentStatus::Withdrawn && o.consent != p.consent {
                        return Err(consent_refusal(
                            "a withdrawal of consent is final: record the person again as a new person",
                        ));
                    }
                    Ok(())
                }
                Some(o) => consent_record(user, Some(o), p, now_ms),
                // A quarantined person sent again: nothing stored to compare with.
                None => Ok(()),
            }
        }
        TypedDoc::Contact(c) => {
            contact_fields(old.contact.as_ref(), c, now_ms)?;
            contact_consent(old.contact.as_ref(), c)
        }
        TypedDoc::Referral(n) => {
            let Some(o) = &old.referral else {
                // A quarantined referral sent again: judged as new.
                return service_set(None, &n.service_id);
            };
            service_set(Some(&o.service_id), &n.service_id)?;
            if n.contact != o.contact
                || n.need != o.need
                || n.created_at != o.created_at
                || o.person_id.is_some() && n.person_id != o.person_id
            {
                return Err(refusal(RefusalCode::ReferralFixed));
            }
            // A referral written before moves were recorded: its status field moves alone.
            if n.history.is_empty() && n.status != o.status && !o.status.can_move_to(n.status) {
                return Err(lifecycle(o.status, n.status));
            }
            referral_moves(user, &o.history, n, now_ms)
        }
        TypedDoc::Case(_) | TypedDoc::JobOffer(_) | TypedDoc::PuaRules(_) => {
            // A quarantined document sent again: nothing stored to compare with.
            central_doc(user, old.central.as_deref(), new, now_ms)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strada_shared::domain::DocumentStatus;
    use strada_shared::schema::referral::StatusChange;
    use strada_shared::schema::{Consent, ReferralStatus};
    use strada_shared::vocab::Gender;

    #[test]
    fn what_a_value_fixes_is_what_reading_its_document_fixes() {
        const T: i64 = 1_760_000_000_000;
        let team = TeamId::parse("bergamo-1").unwrap();
        let me = UserId::new_v7(1_760_000_000_000, [1; 10]);
        let person = karim(me, &team, T);
        let contact = ContactDoc {
            person: PersonRef::Alias("Karim".into()),
            person_id: Some(person.id),
            consent: ConsentStatus::Given,
            needs: vec![NeedCategory::Food],
            ..ContactDoc::new(
                DocId::new_v7(1, [3; 10]),
                T,
                PersonRef::Anonymous,
                vec![],
                me,
                team.clone(),
            )
        };
        let referral = ReferralDoc {
            id: DocId::new_v7(1, [4; 10]),
            contact: contact.id,
            need: NeedCategory::Food,
            partner: "Banco".into(),
            status: ReferralStatus::Sent,
            outcome: String::new(),
            author: me,
            team: team.clone(),
            created_at: T + 1,
            service_id: None,
            person_id: Some(person.id),
            history: vec![StatusChange {
                status: ReferralStatus::Sent,
                at: T + 2,
                by: me,
                from: Some(ReferralStatus::Proposed),
                round: 0,
            }],
        };
        let actor = automerge::ActorId::from(vec![9u8; 16]);
        for (value, doc) in [
            (
                TypedDoc::Person(person.clone()),
                schema::create(actor.clone(), &person).unwrap(),
            ),
            (
                TypedDoc::Contact(contact.clone()),
                schema::create(actor.clone(), &contact).unwrap(),
            ),
            (
                TypedDoc::Referral(referral.clone()),
                schema::create(actor.clone(), &referral).unwrap(),
            ),
        ] {
            let doc_type = value.doc_type();
            assert_eq!(Fixed::of(&value), Fixed::read(doc_type, &doc).unwrap());
        }
    }

    /// Karim, a person of `team` recorded by `me` at `at`, consent given.
    fn karim(me: UserId, team: &TeamId, at: i64) -> PersonDoc {
        PersonDoc {
            id: DocId::new_v7(1, [2; 10]),
            aliases: vec!["Karim".into()],
            birth_year: Some(1990),
            birth_year_estimated: true,
            gender: Gender::Unknown,
            country: String::new(),
            languages: vec!["ar".into()],
            phone: None,
            documents: DocumentStatus::Unknown,
            usual_place: String::new(),
            consent: Consent {
                status: ConsentStatus::Given,
                at,
                recorded_by: me,
                partners: vec!["pua".into()],
            },
            author: me,
            team: team.clone(),
            created_at: at,
            merged_into: None,
        }
    }

    /// Marta, a field worker of bergamo-1: her team, her id, her session.
    fn marta() -> (TeamId, UserId, AuthUser) {
        let team = TeamId::parse("bergamo-1").unwrap();
        let me = UserId::new_v7(1_760_000_000_000, [1; 10]);
        let user = AuthUser {
            id: me,
            username: "marta".into(),
            role: Role::FieldWorker,
            team: team.clone(),
            actor: None,
            session: [0; 32],
        };
        (team, me, user)
    }

    /// Found by the eighteenth attacker's probe: a person's creation time took any
    /// number (9e15 was exported as 1970) and a field worker could rewrite it.
    #[test]
    fn a_persons_creation_time_is_bounded_and_kept() {
        const T: i64 = 1_760_000_000_000;
        let (team, me, user) = marta();
        let person = |created_at: i64| {
            TypedDoc::Person(PersonDoc {
                created_at,
                ..karim(me, &team, T)
            })
        };
        assert_eq!(create(&user, &person(T), T), Ok(()));
        for bad in [
            9_000_000_000_000_000,
            -9_000_000_000_000_000,
            T + 3 * 86_400_000,
            0,
        ] {
            assert_eq!(
                create(&user, &person(bad), T).unwrap_err().0,
                RefusalCode::InvalidDate
            );
        }
        let stored = Fixed::of(&person(T));
        assert_eq!(change(&user, &stored, &person(T), T), Ok(()));
        let moved = change(&user, &stored, &person(T - 1), T).unwrap_err();
        assert_eq!(moved.0, RefusalCode::NotAllowed);
    }

    /// Found by the attacker's seventh probe: a contact whose needs one field worker
    /// emptied made the PUA's export a file that does not import.
    #[test]
    fn a_contact_that_lists_needs_keeps_at_least_one() {
        const T: i64 = 1_760_000_000_000;
        let (team, me, user) = marta();
        let contact = |needs: Vec<NeedCategory>| {
            TypedDoc::Contact(ContactDoc {
                needs,
                ..ContactDoc::new(
                    DocId::new_v7(T as u64, [4; 10]),
                    T,
                    PersonRef::Anonymous,
                    vec![],
                    me,
                    team.clone(),
                )
            })
        };
        let stored = Fixed::of(&contact(vec![NeedCategory::Food, NeedCategory::Shelter]));
        assert_eq!(
            change(&user, &stored, &contact(vec![NeedCategory::Shelter]), T),
            Ok(())
        );
        let refused = change(&user, &stored, &contact(vec![]), T).unwrap_err();
        assert_eq!(refused.0, RefusalCode::Schema);
        assert!(refused.1.contains("at least one"), "{}", refused.1);
        // One stored without any (two devices' unticks merged, before the rule) still
        // takes an edit.
        let legacy = Fixed::of(&contact(vec![]));
        assert_eq!(change(&user, &legacy, &contact(vec![]), T), Ok(()));
    }

    /// Found by the nineteenth attacker's probe: a contact's correction stored a
    /// right-to-left override, NUL and ESC in its workplace and note (the phone showed
    /// the workplace reversed, the export carried them). Refused in any free text, new
    /// or changed; line breaks, direction marks and scripts stay.
    #[test]
    fn free_texts_hold_no_control_or_direction_override_characters() {
        const T: i64 = 1_760_000_000_000;
        let (team, me, user) = marta();
        let contact = |note: &str, workplace: &str| {
            TypedDoc::Contact(ContactDoc {
                needs: vec![NeedCategory::Food],
                note: note.into(),
                workplace: workplace.into(),
                indicators: vec![(strada_shared::vocab::Indicator::Isolation, "sola".into())],
                ..ContactDoc::new(
                    DocId::new_v7(T as u64, [5; 10]),
                    T,
                    PersonRef::Anonymous,
                    vec![],
                    me,
                    team.clone(),
                )
            })
        };
        let fine = contact("riga uno\nriga due \u{200F}قال", "serra");
        assert_eq!(create(&user, &fine, T), Ok(()));
        let stored = Fixed::of(&fine);
        for (note, workplace) in [
            ("ok", "PROBE \u{202E}evil\u{202C}"),
            ("\u{0}\u{8}\u{1b}[2J", "serra"),
            ("a\u{2066}b\u{2069}", "serra"),
        ] {
            let bad = contact(note, workplace);
            let refused = create(&user, &bad, T).unwrap_err();
            assert_eq!(refused.0, RefusalCode::Schema);
            assert!(refused.1.contains("text-direction"), "{}", refused.1);
            assert_eq!(
                change(&user, &stored, &bad, T).unwrap_err().0,
                RefusalCode::Schema
            );
        }
        let mut referral_outcome = ReferralDoc {
            id: DocId::new_v7(1, [6; 10]),
            contact: DocId::new_v7(T as u64, [5; 10]),
            need: NeedCategory::Food,
            partner: "Banco".into(),
            status: ReferralStatus::Proposed,
            outcome: "Pratica \u{202E}avviata".into(),
            author: me,
            team: team.clone(),
            created_at: T,
            service_id: None,
            person_id: None,
            history: Vec::new(),
        };
        let refused = create(&user, &TypedDoc::Referral(referral_outcome.clone()), T);
        assert_eq!(refused.unwrap_err().0, RefusalCode::Schema);
        // What the app saves: the same text, cleaned.
        strada_shared::schema::Document::clean_free_texts(&mut referral_outcome);
        assert_eq!(referral_outcome.outcome, "Pratica avviata");
        let mut person = karim(me, &team, T);
        person.usual_place = "Stazione\u{1b}".into();
        let refused = create(&user, &TypedDoc::Person(person), T).unwrap_err();
        assert_eq!(refused.0, RefusalCode::Schema);
    }

    /// Found by the attacker's sixth probe: a name written as a contact's language (on a
    /// contact recorded without consent) reached the pseudonymous CSV, and a contact
    /// dated in 2100 was accepted.
    #[test]
    fn a_contacts_language_is_a_code_and_its_time_is_not_in_the_future() {
        const T: i64 = 1_760_000_000_000;
        let (team, me, user) = marta();
        let contact = |language: Option<&str>, at: i64| ContactDoc {
            needs: vec![NeedCategory::Food],
            language: language.map(String::from),
            ..ContactDoc::new(
                DocId::new_v7(T as u64, [3; 10]),
                at,
                PersonRef::Anonymous,
                vec![],
                me,
                team.clone(),
            )
        };
        let typed = |l: Option<&str>, at: i64| TypedDoc::Contact(contact(l, at));
        // Every language the contact form offers is a code.
        for (code, _) in strada_shared::domain::LANGUAGES {
            assert_eq!(create(&user, &typed(Some(code), T), T), Ok(()), "{code}");
        }
        assert_eq!(create(&user, &typed(None, T), T), Ok(()));
        for bad in ["Mario Rossi", "AR", "ara", ""] {
            let refused = create(&user, &typed(Some(bad), T), T).unwrap_err();
            assert_eq!(refused.0, RefusalCode::Schema, "{bad}");
            assert!(!refused.1.contains("Mario"), "{}", refused.1);
        }
        // A language's name, longer than any code, is told it is not a code (it was told
        // it was a text longer than 500 characters).
        let refused = create(&user, &typed(Some("rumeno e un po' di italiano"), T), T).unwrap_err();
        assert!(refused.1.contains("language code"), "{}", refused.1);
        // A device's clock a little ahead is allowed for; a day and more is not.
        assert_eq!(create(&user, &typed(None, T + 3_600_000), T), Ok(()));
        let future = T + CLOCK_SKEW_MS + 1;
        assert_eq!(
            create(&user, &typed(None, future), T).unwrap_err().0,
            RefusalCode::Schema
        );
        let stored = Fixed::of(&typed(Some("ar"), T));
        assert_eq!(
            change(&user, &stored, &typed(Some("ar"), future), T)
                .unwrap_err()
                .0,
            RefusalCode::Schema
        );
        assert_eq!(
            change(&user, &stored, &typed(Some("Mario"), T), T)
                .unwrap_err()
                .0,
            RefusalCode::Schema
        );
        // Stored before the rules: an edit that keeps them is judged on the rest.
        let legacy = Fixed::of(&typed(Some("arabo"), future));
        let mut edited = contact(Some("arabo"), future);
        edited.note = "met again".into();
        assert_eq!(
            change(&user, &legacy, &TypedDoc::Contact(edited), T),
            Ok(())
        );
    }

    #[test]
    fn a_new_or_changed_service_id_has_an_ids_shape_and_a_stored_one_stays() {
        const T: i64 = 1_760_000_000_000;
        let (team, me, user) = marta();
        let referral = |service: &str| ReferralDoc {
            id: DocId::new_v7(1_760_000_000_000, [4; 10]),
            contact: DocId::new_v7(1_760_000_000_000, [3; 10]),
            need: NeedCategory::Food,
            partner: "Banco".into(),
            status: ReferralStatus::Proposed,
            outcome: String::new(),
            author: me,
            team: team.clone(),
            created_at: T,
            service_id: Some(service.into()),
            person_id: None,
            history: Vec::new(),
        };
        let typed = |s: &str| TypedDoc::Referral(referral(s));
        let text = "Mario Rossi +39 333 1234567";
        assert_eq!(create(&user, &typed("svc-ponte-mensa"), T), Ok(()));
        let refused = create(&user, &typed(text), T).unwrap_err();
        assert_eq!(refused.0, RefusalCode::Schema);
        assert!(!refused.1.contains("Mario"), "{}", refused.1);
        // Stored before the rule: an edit that keeps it is judged on the rest.
        let stored = Fixed::of(&typed(text));
        let mut edited = referral(text);
        edited.outcome = "closed".into();
        assert_eq!(
            change(&user, &stored, &TypedDoc::Referral(edited), T),
            Ok(())
        );
        // Set by the change: refused, whatever was stored.
        let stored = Fixed::of(&typed("svc-1"));
        assert_eq!(
            change(&user, &stored, &typed(text), T).unwrap_err().0,
            RefusalCode::Schema
        );
        assert_eq!(change(&user, &stored, &typed("svc-2"), T), Ok(()));
    }
}
