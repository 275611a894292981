//! A line → the typed document it stands for: a new one, or the stored one with the
//! line's fields written over it.
//!
//! What the format does not carry is kept from the stored document (a contact's alias
//! and consent, a place's accuracy, who recorded a consent or moved a referral, a country
//! or a language that is not an ISO code; a case's first meeting, access conditions,
//! criteria, judgement, evidence, work plan, rules version, interventions' notes and
//! referrals, who wrote each review; a job offer's note, team and author), so a line that
//! says what the store holds changes nothing. What may not change (a record's team, a
//! contact's author and person, a referral's contact, need, creation and recorded moves;
//! a case's person and recorded reviews; a withdrawn consent) is refused here with its
//! field, before the push path would refuse it without one.

use strada_shared::domain::{PersonRef, Place};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::case::{Grade, Intervention, Review};
use strada_shared::schema::contact::MAX_ALIAS_CHARS;
use strada_shared::schema::erase::ERASED;
use strada_shared::schema::{
    CaseDoc, Consent, ContactDoc, JobOfferDoc, PersonDoc, ReferralDoc, ReferralStatus,
};
use strada_shared::vocab::{Code, ConsentStatus, Decision};

use super::codes;
use super::line::{self, FieldError, Who};

type Built<T> = Result<T, FieldError>;

fn same_team(stored: &TeamId, team: &TeamId) -> Built<()> {
    if stored != team {
        return Err(FieldError::new(
            "team",
            "a record cannot move to another team",
        ));
    }
    Ok(())
}

/// A person line: `importer` records a consent the line changes.
pub fn person(
    l: &line::Person,
    id: DocId,
    team: &TeamId,
    stored: Option<&PersonDoc>,
    importer: UserId,
) -> Built<PersonDoc> {
    if let Some(s) = stored {
        same_team(&s.team, team)?;
    }
    let given = l.consent.status == ConsentStatus::Given;
    // What the format cannot carry stays (for a person who consents).
    let kept = stored.filter(|_| given);
    let country = match (l.country, kept) {
        (Some(c), _) => c.to_string(),
        (None, Some(s)) if codes::country(&s.country).is_none() => s.country.clone(),
        (None, _) => String::new(),
    };
    let languages = with_typed_languages(&l.languages, kept.map(|s| s.languages.as_slice()));
    let consent = match stored {
        Some(s) if same_consent(&s.consent, &l.consent) => s.consent.clone(),
        Some(s) if s.consent.status == ConsentStatus::Withdrawn => {
            return Err(FieldError::new(
                "consent.status",
                "a withdrawal of consent is final: record the person again as a new person",
            ));
        }
        Some(s)
            if s.consent.status == ConsentStatus::Given
                && matches!(
                    l.consent.status,
                    ConsentStatus::NotAsked | ConsentStatus::Refused
                ) =>
        {
            return Err(FieldError::new("consent.status", CONSENT_ONLY_WITHDRAWN));
        }
        _ => Consent {
            status: l.consent.status,
            at: l.consent.at,
            recorded_by: importer,
            partners: l.consent.partners.clone(),
        },
    };
    Ok(PersonDoc {
        id,
        aliases: l.aliases.clone(),
        birth_year: l.birth_year,
        birth_year_estimated: l.birth_year_estimated,
        gender: l.gender,
        country,
        languages,
        phone: l.phone.clone(),
        documents: l.documents,
        usual_place: l.usual_place.clone().unwrap_or_default(),
        consent,
        author: stored.map_or(importer, |s| s.author),
        team: team.clone(),
        created_at: l.created_at,
        // The format does not carry merges: a merged person stays merged (only the
        // central office's merge and unmerge change it).
        merged_into: stored.and_then(|s| s.merged_into),
    })
}

/// Why a consent once given does not become "not asked" or "refused".
pub const CONSENT_ONLY_WITHDRAWN: &str = "a consent once given can only be withdrawn (write withdrawn): the records made with it stay linked";

fn same_consent(stored: &Consent, l: &line::ConsentLine) -> bool {
    let mut partners = stored.partners.clone();
    partners.sort();
    (stored.status, stored.at, &partners) == (l.status, l.at, &l.partners)
}

/// The person a contact names, as this import leaves them.
#[derive(Debug, Clone)]
pub struct NamedPerson {
    pub id: DocId,
    pub consent: ConsentStatus,
    /// When the consent got its status (Unix ms): a withdrawal's day.
    pub consent_at: i64,
    /// The name a contact calls them by (their first alias).
    pub alias: Option<String>,
}

/// A contact line: `author` is the line's (resolved), `importer` writes it when the line
/// names none.
pub fn contact(
    l: &line::Contact,
    id: DocId,
    team: &TeamId,
    author: Option<UserId>,
    person: Option<&NamedPerson>,
    stored: Option<&ContactDoc>,
    importer: UserId,
) -> Built<ContactDoc> {
    if let Some(s) = stored {
        same_team(&s.team, team)?;
        if author.is_some_and(|a| a != s.author) {
            return Err(FieldError::new(
                "author",
                "the author of a record cannot change",
            ));
        }
    }
    let place = l
        .place
        .map(|(lat, lon)| match stored.and_then(|s| s.place) {
            // The accuracy the device measured stays.
            Some(p) if (p.lat, p.lon) == (lat, lon) => p,
            _ => Place {
                lat,
                lon,
                accuracy_m: None,
            },
        });
    let (person_ref, person_id, consent) = who(l, person, stored)?;
    // A contact of a person who withdrew consent keeps the text the erasure left: the
    // file may still hold the names it took out.
    let erased = stored.filter(|s| s.consent == ConsentStatus::Withdrawn);
    let (note, workplace, indicators) = match erased {
        Some(s) => (
            s.note.clone(),
            s.workplace.clone(),
            l.indicators
                .iter()
                .map(|(code, note)| {
                    let kept = s.indicators.iter().find(|(c, _)| c == code);
                    (*code, kept.map_or_else(|| note.clone(), |(_, n)| n.clone()))
                })
                .collect(),
        ),
        None => (l.note.clone(), l.workplace.clone(), l.indicators.clone()),
    };
    Ok(ContactDoc {
        id,
        occurred_at: l.occurred_at,
        place,
        person: person_ref,
        needs: l.needs.clone(),
        note,
        author: stored.map(|s| s.author).or(author).unwrap_or(importer),
        team: team.clone(),
        person_id,
        group: match l.who {
            Who::Group(g) => Some(g),
            _ => None,
        },
        channel: l.channel,
        sector: l.sector,
        workplace,
        indicators,
        materials: l.materials.clone(),
        language: l.language.clone(),
        mediator: l.mediator,
        follow_up: l.follow_up,
        consent,
    })
}

/// Who a contact was with, as stored: the alias, the person's id and the consent.
fn who(
    l: &line::Contact,
    person: Option<&NamedPerson>,
    stored: Option<&ContactDoc>,
) -> Built<(PersonRef, Option<DocId>, ConsentStatus)> {
    let linked = stored.and_then(|s| s.person_id);
    match (&l.who, person) {
        (Who::Person(_), Some(p)) => match stored {
            Some(s) if linked == Some(p.id) => Ok((s.person.clone(), s.person_id, s.consent)),
            Some(_) if linked.is_some() => Err(FieldError::new(
                "person",
                "a contact's person cannot change",
            )),
            Some(s) if s.consent != ConsentStatus::Given => Err(FieldError::new(
                "who",
                "a contact recorded without the person's consent cannot name a person",
            )),
            Some(s) => Ok((s.person.clone(), Some(p.id), s.consent)),
            None => match p.consent {
                ConsentStatus::Given => {
                    let alias = p
                        .alias
                        .as_deref()
                        .map(|a| a.chars().take(MAX_ALIAS_CHARS).collect::<String>())
                        .map_or(PersonRef::Anonymous, PersonRef::Alias);
                    Ok((alias, Some(p.id), ConsentStatus::Given))
                }
                ConsentStatus::Withdrawn => {
                    Ok((PersonRef::Anonymous, Some(p.id), ConsentStatus::Withdrawn))
                }
                // Consent never given: the contact is kept, anonymous and not linked to
                // the person (no history is kept of someone who did not consent; the
                // import says so).
                other => Ok((PersonRef::Anonymous, None, other)),
            },
        },
        (Who::Person(_), None) => Err(FieldError::new("person", "is missing")),
        (Who::Anonymous | Who::Group(_), _) => match stored {
            Some(_) if linked.is_some() => {
                Err(FieldError::new("who", "a contact's person cannot change"))
            }
            // An alias or a consent the format cannot carry stays.
            Some(s) => Ok((s.person.clone(), None, s.consent)),
            None => Ok((PersonRef::Anonymous, None, ConsentStatus::NotAsked)),
        },
    }
}

/// A referral line: `partner` names the partner when the line gives only a service;
/// `erased` says its person withdrew consent (its outcome then stays as the erasure left
/// it); `importer` makes the moves the line adds.
#[allow(clippy::too_many_arguments)]
pub fn referral(
    l: &line::Referral,
    id: DocId,
    team: &TeamId,
    contact: DocId,
    person: Option<DocId>,
    partner: &str,
    stored: Option<&ReferralDoc>,
    erased: bool,
    importer: UserId,
) -> Built<ReferralDoc> {
    let created_at = l.history[0].1;
    let Some(s) = stored else {
        let mut r = ReferralDoc {
            id,
            contact,
            need: l.need,
            partner: l.partner.clone().unwrap_or_else(|| partner.to_string()),
            status: ReferralStatus::Proposed,
            outcome: l.outcome.clone(),
            author: importer,
            team: team.clone(),
            created_at,
            service_id: l.service.clone(),
            person_id: person,
            history: Vec::new(),
        };
        for (i, (status, at)) in l.history.iter().enumerate().skip(1) {
            if !r.move_to(*status, *at, importer) {
                return Err(FieldError::new(
                    format!("history[{i}].status"),
                    "does not follow the lifecycle",
                ));
            }
        }
        return Ok(r);
    };
    same_team(&s.team, team)?;
    let fixed = [
        (
            "contact",
            s.contact != contact,
            "a referral's contact cannot change",
        ),
        ("need", s.need != l.need, "a referral's need cannot change"),
        (
            "person",
            s.person_id.is_some() && s.person_id != person,
            "a referral's person cannot change",
        ),
        (
            "history[0].at",
            s.created_at != created_at,
            "when a referral was proposed cannot change",
        ),
    ];
    if let Some((field, _, reason)) = fixed.iter().find(|(_, changed, _)| *changed) {
        return Err(FieldError::new(*field, *reason));
    }
    let mut r = s.clone();
    let path = s.path();
    if let Some(i) = (0..path.len()).find(|&i| l.history.get(i) != Some(&path[i])) {
        return Err(FieldError::new(
            format!("history[{i}]"),
            "a referral's recorded moves cannot be changed or removed",
        ));
    }
    for (i, (status, at)) in l.history.iter().enumerate().skip(path.len()) {
        if r.conflict().is_some() {
            return Err(FieldError::new(
                format!("history[{i}]"),
                "the referral waits for a choice between moves made at the same time: choose in the app first",
            ));
        }
        if !r.move_to(*status, *at, importer) {
            return Err(FieldError::new(
                format!("history[{i}].status"),
                "does not follow the lifecycle",
            ));
        }
    }
    r.person_id = person.or(s.person_id);
    r.service_id = l.service.clone();
    r.partner = match &l.partner {
        Some(p) => p.clone(),
        // Named by its service, as before: the partner's name stays.
        None if s.service_id == l.service => s.partner.clone(),
        None => partner.to_string(),
    };
    if !erased {
        r.outcome = l.outcome.clone();
    }
    Ok(r)
}

/// The reasons a case's decision gets when its line gives none: Strada records every
/// decision with its reasons, the format makes them optional. An export leaves them out.
pub const NO_REASONS: &str = "(no reasons in the exchange file)";

/// A case line over the stored case. `person` is the person's Strada id; `erased` says
/// the person withdrew consent (the stored case's texts then stay as they are: the
/// withdrawal erases them, or erased them already, and the file may still hold the names
/// it took out); `partner_of` names the organisation of a directory service;
/// `importer` opens a new case and writes the reviews the line adds; `now_ms` is a new
/// case's creation time.
#[allow(clippy::too_many_arguments)]
pub fn case(
    l: &line::Case,
    id: DocId,
    team: &TeamId,
    person: DocId,
    stored: Option<&CaseDoc>,
    erased: bool,
    partner_of: &dyn Fn(&str) -> String,
    importer: UserId,
    now_ms: i64,
) -> Built<CaseDoc> {
    let mut c = match stored {
        Some(s) => {
            same_team(&s.team, team)?;
            if s.person_id != person {
                return Err(FieldError::new("person", "a case's person cannot change"));
            }
            s.clone()
        }
        None => CaseDoc::new(
            id,
            person,
            team.clone(),
            importer,
            now_ms,
            l.opened_at.clone(),
        ),
    };
    c.opened_at = l.opened_at.clone();
    c.case_manager = l.case_manager.clone().unwrap_or_default();
    c.labour_expert = l.labour_expert.clone().unwrap_or_default();
    c.eligibility.decision = l.decision;
    c.eligibility.at = l.decided_at.clone();
    if !erased {
        c.eligibility.reasons = match (&l.reasons, l.decision) {
            (Some(r), _) => r.clone(),
            (None, Decision::Pending) => String::new(),
            (None, _) => NO_REASONS.to_string(),
        };
        c.assessment.note = l.assessment_note.clone();
    }
    c.assessment.indicators = l
        .indicators
        .iter()
        .map(|(code, strength)| {
            let evidence = stored
                .and_then(|s| s.assessment.indicators.get(code.code()))
                .map(|g| g.evidence.clone())
                .unwrap_or_default();
            let grade = Grade {
                strength: strength.code().to_string(),
                evidence,
            };
            (code.code().to_string(), grade)
        })
        .collect();
    c.interventions = l
        .interventions
        .iter()
        .map(|i| {
            let kept = stored.and_then(|s| s.interventions.get(&i.id));
            let partner = match (kept, &i.service) {
                // The same service (or none, and a partner typed): the name stays.
                (Some(k), service) if k.service_id == *service => k.partner.clone(),
                (_, Some(service)) => partner_of(service),
                (_, None) => String::new(),
            };
            let intervention = Intervention {
                need: i.need,
                service_id: i.service.clone(),
                partner,
                planned_at: i.planned_at.clone(),
                done_at: i.done_at.clone(),
                status: i.status,
                referral_id: kept.and_then(|k| k.referral_id),
                note: kept.map(|k| k.note.clone()).unwrap_or_default(),
            };
            (i.id.clone(), intervention)
        })
        .collect();
    // Reviews are only added: the recorded ones first, as they are.
    let recorded = stored.map_or(&[][..], |s| s.reviews.as_slice());
    if l.reviews.len() < recorded.len() {
        return Err(FieldError::new(
            "reviews",
            "a case's recorded reviews cannot be removed",
        ));
    }
    for (i, (r, (at, note))) in recorded.iter().zip(&l.reviews).enumerate() {
        // After a withdrawal the stored note is what the erasure left.
        if r.at != *at || (!erased && r.note != *note) {
            return Err(FieldError::new(
                format!("reviews[{i}]"),
                "a case's recorded reviews cannot be changed or removed",
            ));
        }
    }
    c.reviews = recorded.to_vec();
    c.reviews
        .extend(l.reviews[recorded.len()..].iter().map(|(at, note)| Review {
            at: at.clone(),
            // A review added after a withdrawal keeps no text about the person.
            note: match erased && !note.is_empty() {
                true => ERASED.to_string(),
                false => note.clone(),
            },
            by: importer,
        }));
    c.closed_at = l.closed.as_ref().map(|(at, _)| at.clone());
    c.outcome = l.closed.as_ref().map(|(_, outcome)| *outcome);
    Ok(c)
}

/// A job offer line over the stored offer: a new one is `team`'s (the importer's) and
/// `importer`'s, created at `now_ms`.
pub fn job_offer(
    l: &line::JobOffer,
    id: DocId,
    team: &TeamId,
    stored: Option<&JobOfferDoc>,
    importer: UserId,
    now_ms: i64,
) -> JobOfferDoc {
    let place = l
        .place
        .map(|(lat, lon)| match stored.and_then(|s| s.place) {
            Some(p) if (p.lat, p.lon) == (lat, lon) => p,
            _ => Place {
                lat,
                lon,
                accuracy_m: None,
            },
        });
    let languages = with_typed_languages(&l.languages, stored.map(|s| s.languages.as_slice()));
    JobOfferDoc {
        id,
        employer: l.employer.clone(),
        sector: l.sector,
        area: l.area.clone().unwrap_or_default(),
        place,
        positions: l.positions,
        languages,
        from: l.from.clone(),
        to: l.to.clone(),
        note: stored.map(|s| s.note.clone()).unwrap_or_default(),
        author: stored.map_or(importer, |s| s.author),
        team: stored.map_or_else(|| team.clone(), |s| s.team.clone()),
        created_at: stored.map_or(now_ms, |s| s.created_at),
    }
}

/// The languages of a line (ISO codes) and, from the stored record, those typed as words
/// (not codes, which the format cannot carry): an import keeps them.
fn with_typed_languages(line: &[String], stored: Option<&[String]>) -> Vec<String> {
    let mut languages = line.to_vec();
    if let Some(stored) = stored {
        languages.extend(
            stored
                .iter()
                .filter(|l| codes::language(l).is_none())
                .cloned(),
        );
        languages.sort();
        languages.dedup();
    }
    languages
}

#[cfg(test)]
mod tests {
    use super::*;
    use strada_shared::domain::{DocumentStatus, NeedCategory};
    use strada_shared::schema::Document;
    use strada_shared::vocab::{Channel, FollowUp, Gender, Mediator};

    const T: i64 = 1_760_000_000_000;

    fn me() -> UserId {
        UserId::new_v7(1, [1; 10])
    }

    fn team() -> TeamId {
        TeamId::parse("bergamo-1").unwrap()
    }

    fn person_line() -> line::Person {
        line::Person {
            team: "bergamo-1".into(),
            aliases: vec!["Karim".into()],
            birth_year: Some(1990),
            birth_year_estimated: false,
            gender: Gender::Man,
            country: Some("SN"),
            languages: vec!["fr".into()],
            phone: None,
            documents: DocumentStatus::Unknown,
            usual_place: None,
            consent: line::ConsentLine {
                status: ConsentStatus::Given,
                at: T,
                partners: vec!["pua".into()],
            },
            dropped: None,
            created_at: T,
        }
    }

    #[test]
    fn a_person_line_that_says_what_is_stored_keeps_what_the_format_cannot_carry() {
        let id = DocId::new_v7(1, [2; 10]);
        let worker = UserId::new_v7(1, [9; 10]);
        let stored = PersonDoc {
            country: "Senegal (as told)".into(),
            languages: vec!["fr".into(), "wolof as typed".into()],
            author: worker,
            consent: Consent {
                recorded_by: worker,
                ..person(&person_line(), id, &team(), None, me())
                    .unwrap()
                    .consent
            },
            ..person(&person_line(), id, &team(), None, me()).unwrap()
        };
        let mut l = person_line();
        l.country = None;
        let again = person(&l, id, &team(), Some(&stored), me()).unwrap();
        assert_eq!(again, stored);
        // A consent the line changes is the importer's.
        l.consent.partners.push("referral_services".into());
        let changed = person(&l, id, &team(), Some(&stored), me()).unwrap();
        assert_eq!(changed.consent.recorded_by, me());
        assert_eq!(changed.author, worker);
    }

    #[test]
    fn a_withdrawal_is_final_and_a_team_fixed() {
        let id = DocId::new_v7(1, [2; 10]);
        let mut stored = person(&person_line(), id, &team(), None, me()).unwrap();
        stored.withdraw_consent(T + 1, me());
        let e = person(&person_line(), id, &team(), Some(&stored), me()).unwrap_err();
        assert_eq!(e.field, "consent.status");
        let other = TeamId::parse("cremona-2").unwrap();
        let e = person(&person_line(), id, &other, Some(&stored), me()).unwrap_err();
        assert_eq!(e.field, "team");
    }

    fn contact_line(who: Who) -> line::Contact {
        line::Contact {
            team: "bergamo-1".into(),
            author: None,
            occurred_at: T,
            place: Some((45.0, 9.0)),
            who,
            channel: Channel::Street,
            sector: None,
            workplace: String::new(),
            needs: vec![NeedCategory::Food],
            indicators: vec![],
            materials: vec![],
            language: None,
            mediator: Mediator::Absent,
            follow_up: FollowUp::NotNeeded,
            note: "n".into(),
        }
    }

    #[test]
    fn a_contact_names_a_consenting_person_by_alias_and_a_withdrawn_one_by_id_only() {
        let id = DocId::new_v7(1, [3; 10]);
        let p = NamedPerson {
            id: DocId::new_v7(1, [2; 10]),
            consent: ConsentStatus::Given,
            consent_at: 0,
            alias: Some("K".repeat(100)),
        };
        let l = contact_line(Who::Person("P".into()));
        let c = contact(&l, id, &team(), None, Some(&p), None, me()).unwrap();
        assert_eq!(c.person, PersonRef::Alias("K".repeat(MAX_ALIAS_CHARS)));
        assert_eq!((c.person_id, c.consent), (Some(p.id), ConsentStatus::Given));
        assert_eq!(c.validate_entry(), Ok(()));
        let gone = NamedPerson {
            consent: ConsentStatus::Withdrawn,
            ..p.clone()
        };
        let c = contact(&l, id, &team(), None, Some(&gone), None, me()).unwrap();
        assert_eq!(c.person, PersonRef::Anonymous);
        let refused = NamedPerson {
            consent: ConsentStatus::Refused,
            ..p.clone()
        };
        let c = contact(&l, id, &team(), None, Some(&refused), None, me()).unwrap();
        assert_eq!(c.person, PersonRef::Anonymous);
        assert_eq!((c.person_id, c.consent), (None, ConsentStatus::Refused));
        // Stored: its person and author cannot change; its accuracy stays.
        let mut stored = contact(&l, id, &team(), None, Some(&p), None, me()).unwrap();
        stored.place = Some(Place {
            lat: 45.0,
            lon: 9.0,
            accuracy_m: Some(12.0),
        });
        let again = contact(&l, id, &team(), None, Some(&p), Some(&stored), me()).unwrap();
        assert_eq!(again, stored);
        let anon = contact_line(Who::Anonymous);
        let e = contact(&anon, id, &team(), None, None, Some(&stored), me()).unwrap_err();
        assert_eq!(e.field, "who");
        let e = contact(
            &l,
            id,
            &team(),
            Some(UserId::new_v7(1, [7; 10])),
            Some(&p),
            Some(&stored),
            me(),
        )
        .unwrap_err();
        assert_eq!(e.field, "author");
    }

    fn referral_line(history: &[(ReferralStatus, i64)]) -> line::Referral {
        line::Referral {
            team: "bergamo-1".into(),
            contact: "C".into(),
            person: None,
            need: NeedCategory::Shelter,
            service: None,
            partner: Some("Dormitorio".into()),
            history: history.to_vec(),
            outcome: String::new(),
        }
    }

    fn case_line() -> line::Case {
        line::Case {
            person: "P".into(),
            team: "bergamo-1".into(),
            opened_at: "2025-06-01".into(),
            case_manager: Some("Sara".into()),
            labour_expert: None,
            decision: Decision::Eligible,
            decided_at: Some("2025-06-05".into()),
            reasons: Some("Synthetic reasons".into()),
            indicators: vec![(
                strada_shared::vocab::Indicator::Deception,
                strada_shared::vocab::Strength::Strong,
            )],
            assessment_note: "Synthetic note".into(),
            interventions: vec![line::InterventionLine {
                id: "i1".into(),
                need: NeedCategory::Shelter,
                service: Some("svc-1".into()),
                planned_at: "2025-06-06".into(),
                done_at: None,
                status: strada_shared::vocab::InterventionStatus::Planned,
            }],
            reviews: vec![("2025-07-01".into(), "Synthetic review".into())],
            closed: None,
        }
    }

    fn build_case(
        l: &line::Case,
        person: DocId,
        stored: Option<&CaseDoc>,
        erased: bool,
        importer: UserId,
    ) -> Built<CaseDoc> {
        let partner_of = |s: &str| format!("Organisation of {s}");
        let id = DocId::new_v7(1, [5; 10]);
        case(
            l,
            id,
            &team(),
            person,
            stored,
            erased,
            &partner_of,
            importer,
            T,
        )
    }

    #[test]
    fn a_case_line_over_its_stored_case_keeps_what_the_format_cannot_carry() {
        let person = DocId::new_v7(1, [2; 10]);
        let c = build_case(&case_line(), person, None, false, me()).unwrap();
        assert_eq!(c.validate(), Ok(()));
        assert_eq!((c.author, c.created_at), (me(), T));
        assert_eq!(c.interventions["i1"].partner, "Organisation of svc-1");
        assert_eq!(c.reviews[0].by, me());
        // What the app added stays; the same line changes nothing.
        let mut stored = c.clone();
        stored
            .assessment
            .indicators
            .get_mut("deception")
            .unwrap()
            .evidence = "seen".into();
        stored.interventions.get_mut("i1").unwrap().note = "Synthetic".into();
        stored.interventions.get_mut("i1").unwrap().partner = "As typed".into();
        stored.work_plan.skills = "Synthetic skills".into();
        stored.rules_version = 3;
        let other = UserId::new_v7(1, [8; 10]);
        let again = build_case(&case_line(), person, Some(&stored), false, other).unwrap();
        assert_eq!(again, stored);
        // A review added is the importer's; recorded ones stay theirs.
        let mut l = case_line();
        l.reviews.push(("2025-08-01".into(), String::new()));
        let grown = build_case(&l, person, Some(&stored), false, other).unwrap();
        assert_eq!(
            grown.reviews.iter().map(|r| r.by).collect::<Vec<_>>(),
            vec![me(), other]
        );
        // A recorded review is neither changed nor taken out; the person stays.
        let mut l = case_line();
        l.reviews[0].1 = "Changed".into();
        let e = build_case(&l, person, Some(&stored), false, me()).unwrap_err();
        assert_eq!(e.field, "reviews[0]");
        let mut l = case_line();
        l.reviews.clear();
        let e = build_case(&l, person, Some(&stored), false, me()).unwrap_err();
        assert_eq!(e.field, "reviews");
        let e = build_case(
            &case_line(),
            DocId::new_v7(1, [9; 10]),
            Some(&stored),
            false,
            me(),
        )
        .unwrap_err();
        assert_eq!(e.field, "person");
    }

    #[test]
    fn a_decision_without_reasons_gets_the_marker_and_a_pending_one_none() {
        let person = DocId::new_v7(1, [2; 10]);
        let mut l = case_line();
        l.reasons = None;
        let c = build_case(&l, person, None, false, me()).unwrap();
        assert_eq!(c.eligibility.reasons, NO_REASONS);
        assert_eq!(c.validate(), Ok(()));
        l.decision = Decision::Pending;
        l.decided_at = None;
        let c = build_case(&l, person, None, false, me()).unwrap();
        assert_eq!(c.eligibility.reasons, "");
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn after_a_withdrawal_a_case_line_brings_no_text_back() {
        let person = DocId::new_v7(1, [2; 10]);
        let mut stored = build_case(&case_line(), person, None, false, me()).unwrap();
        // The line as stored before the erasure reached the case: nothing to change
        // (the push path's erasure does it).
        assert_eq!(
            build_case(&case_line(), person, Some(&stored), true, me()).unwrap(),
            stored
        );
        stored.erase_person();
        let again = build_case(&case_line(), person, Some(&stored), true, me()).unwrap();
        assert_eq!(again, stored);
        assert!(!again.has_identifying_data());
        let mut l = case_line();
        l.reviews
            .push(("2025-08-01".into(), "Names the person".into()));
        let grown = build_case(&l, person, Some(&stored), true, me()).unwrap();
        assert!(!grown.has_identifying_data());
        assert_eq!(grown.reviews.len(), 2);
    }

    #[test]
    fn a_job_offer_line_keeps_the_stored_offer_s_team_author_note_and_typed_languages() {
        let l = line::JobOffer {
            employer: "Synthetic Farm".into(),
            sector: strada_shared::vocab::Sector::Agriculture,
            area: None,
            place: Some((45.5, 9.7)),
            positions: 2,
            languages: vec!["it".into()],
            from: Some("2025-06-01".into()),
            to: None,
        };
        let id = DocId::new_v7(1, [6; 10]);
        let new = job_offer(&l, id, &team(), None, me(), T);
        assert_eq!(
            (new.author, new.created_at, new.team.clone()),
            (me(), T, team())
        );
        let stored = JobOfferDoc {
            author: UserId::new_v7(1, [8; 10]),
            team: TeamId::parse("pua").unwrap(),
            note: "Synthetic".into(),
            languages: vec!["it".into(), "punjabi as typed".into()],
            place: Some(Place {
                lat: 45.5,
                lon: 9.7,
                accuracy_m: Some(20.0),
            }),
            created_at: T - 5,
            ..new.clone()
        };
        assert_eq!(job_offer(&l, id, &team(), Some(&stored), me(), T), stored);
    }

    #[test]
    fn a_referral_history_only_grows() {
        use ReferralStatus::*;
        let (id, c) = (DocId::new_v7(1, [4; 10]), DocId::new_v7(1, [3; 10]));
        let build = |h: &[(ReferralStatus, i64)], stored: Option<&ReferralDoc>| {
            referral(
                &referral_line(h),
                id,
                &team(),
                c,
                None,
                "",
                stored,
                false,
                me(),
            )
        };
        let two = [(Proposed, T), (Sent, T + 1)];
        let r = build(&two, None).unwrap();
        assert_eq!((r.status, r.created_at), (Sent, T));
        assert_eq!(r.path(), two.to_vec());
        assert_eq!(build(&two, Some(&r)).unwrap(), r);
        let three = [(Proposed, T), (Sent, T + 1), (Accepted, T + 2)];
        let grown = build(&three, Some(&r)).unwrap();
        assert_eq!(grown.path(), three.to_vec());
        let e = build(&[(Proposed, T), (Closed, T + 1)], Some(&grown)).unwrap_err();
        assert_eq!(e.field, "history[1]");
        let e = build(&two, Some(&grown)).unwrap_err();
        assert_eq!(e.field, "history[2]");
        let e = build(&[(Proposed, T + 5)], Some(&r)).unwrap_err();
        assert_eq!(e.field, "history[0].at");
    }
}
