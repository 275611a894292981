//! A line → the typed document it stands for: a new one, or the stored one with the
//! line's fields written over it.
//!
//! What the format does not carry is kept from the stored document (a contact's alias
//! and consent, a place's accuracy, who recorded a consent or moved a referral, a country
//! or a language that is not an ISO code), so a line that says what the store holds
//! changes nothing. What may not change (a record's team, a contact's author and person,
//! a referral's contact, need, creation and recorded moves; a withdrawn consent) is
//! refused here with its field, before the push path would refuse it without one.

use strada_shared::domain::{PersonRef, Place};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::contact::MAX_ALIAS_CHARS;
use strada_shared::schema::{Consent, ContactDoc, PersonDoc, ReferralDoc, ReferralStatus};
use strada_shared::vocab::ConsentStatus;

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
    let mut languages = l.languages.clone();
    if let Some(s) = kept {
        languages.extend(
            s.languages
                .iter()
                .filter(|l| codes::language(l).is_none())
                .cloned(),
        );
        languages.sort();
        languages.dedup();
    }
    let consent = match stored {
        Some(s) if same_consent(&s.consent, &l.consent) => s.consent.clone(),
        Some(s) if s.consent.status == ConsentStatus::Withdrawn => {
            return Err(FieldError::new(
                "consent.status",
                "a withdrawal of consent is final: record the person again as a new person",
            ));
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
        merged_into: None,
    })
}

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
                _ => Err(FieldError::new(
                    "person",
                    "names a person whose consent is not given",
                )),
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

#[cfg(test)]
mod tests {
    use super::*;
    use strada_shared::domain::{DocumentStatus, NeedCategory};
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
        let e = contact(&l, id, &team(), None, Some(&refused), None, me()).unwrap_err();
        assert_eq!(e.field, "person");
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
