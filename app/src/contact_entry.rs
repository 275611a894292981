//! The contact form's documents, built from what the worker entered: a plain function
//! (no browser, no signals), so every rule of a new contact is tested natively.

use strada_shared::domain::{DocumentStatus, NeedCategory, PersonRef, Place};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::contact::Group;
use strada_shared::schema::{
    Consent, ContactDoc, Document, PersonDoc, ReferralDoc, ReferralStatus, ValidationError,
};
use strada_shared::vocab::{
    Channel, ConsentStatus, FollowUp, Gender, Indicator, Material, Mediator, Sector,
};

/// Partner codes recorded with a consent.
/// A consent's partners by name: the two the app records by code, others as written.
pub fn partner_names(partners: &[String], t: &crate::i18n::Catalogue) -> String {
    partners
        .iter()
        .map(|c| match c.as_str() {
            PARTNER_PUA => t.partner_pua.to_string(),
            PARTNER_REFERRAL_SERVICES => t.partner_services.to_string(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub const PARTNER_PUA: &str = "pua";
pub const PARTNER_REFERRAL_SERVICES: &str = "referral_services";

/// The partners a consent covers: the PUA always, the referral services if agreed.
pub fn consent_partners(share_with_services: bool) -> Vec<String> {
    let mut v = vec![PARTNER_PUA.to_string()];
    if share_with_services {
        v.push(PARTNER_REFERRAL_SERVICES.to_string());
    }
    v
}

/// Who the contact is with, as entered.
#[derive(Debug, Clone, PartialEq)]
pub enum WhoEntry {
    Anonymous,
    /// A group: counts as typed (blank or not a number counts 0).
    Group {
        people: String,
        women: String,
        men: String,
        minors: String,
    },
    /// A person already on the device, picked from the list, and the person's team
    /// (`None`: the author's): the contact and its referrals are that team's, as the
    /// person is (a central laptop keeping a team offline names that team's persons;
    /// filed under the central team, they were refused as references to another team's
    /// record, and retried for ever: a new user's walk).
    Known {
        id: DocId,
        alias: String,
        team: Option<TeamId>,
    },
    /// A person met for the first time: the alias typed and the consent asked.
    New {
        alias: String,
        consent: Option<ConsentStatus>,
        share_with_services: bool,
    },
}

/// What the worker entered in the contact form.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactEntry {
    pub occurred_at: i64,
    pub place: Option<Place>,
    pub who: WhoEntry,
    pub needs: Vec<NeedCategory>,
    /// Needs sent to a partner: (need, directory service, partner's name). A need
    /// unticked after choosing its partner makes no referral.
    pub referrals: Vec<(NeedCategory, Option<String>, String)>,
    pub channel: Channel,
    pub sector: Option<Sector>,
    pub workplace: String,
    pub indicators: Vec<(Indicator, String)>,
    pub materials: Vec<Material>,
    /// The language used (empty: not said).
    pub language: String,
    pub mediator: bool,
    pub follow_up: bool,
    pub note: String,
}

/// Who saves, and when.
#[derive(Debug, Clone)]
pub struct Author {
    pub user: UserId,
    pub team: TeamId,
    /// Unix ms.
    pub now: i64,
}

/// The documents a new contact saves together.
#[derive(Debug, Clone, PartialEq)]
pub struct NewContact {
    pub contact: ContactDoc,
    /// The person met for the first time, with consent.
    pub person: Option<PersonDoc>,
    pub referrals: Vec<ReferralDoc>,
}

/// Why the entry makes no contact.
#[derive(Debug, Clone, PartialEq)]
pub enum EntryError {
    /// "A person" was chosen without a name.
    NoWho,
    /// A new person's consent was not asked.
    ConsentMissing,
    /// A field breaks a rule of its document.
    Invalid(ValidationError),
}

impl From<ValidationError> for EntryError {
    fn from(e: ValidationError) -> Self {
        EntryError::Invalid(e)
    }
}

fn count(s: &str) -> u32 {
    s.trim().parse().unwrap_or(0)
}

/// Parses a place typed or located: both blank is no place; anything else must be two
/// numbers (a decimal comma is accepted).
pub fn parse_place(lat: &str, lon: &str, accuracy_m: Option<f64>) -> Result<Option<Place>, ()> {
    if lat.trim().is_empty() && lon.trim().is_empty() {
        return Ok(None);
    }
    let num = |s: &str| s.trim().replace(',', ".").parse::<f64>();
    match (num(lat), num(lon)) {
        (Ok(lat), Ok(lon)) if lat.is_finite() && lon.is_finite() => Ok(Some(Place {
            lat,
            lon,
            accuracy_m,
        })),
        _ => Err(()),
    }
}

/// Builds the contact, the new person (if met for the first time with consent) and the
/// referrals the worker made, each checked by its entry rules. `new_id` gives each new
/// document its id.
pub fn build(
    entry: ContactEntry,
    author: &Author,
    mut new_id: impl FnMut() -> DocId,
) -> Result<NewContact, EntryError> {
    let ContactEntry {
        occurred_at,
        place,
        who,
        mut needs,
        referrals,
        channel,
        sector,
        workplace,
        indicators,
        materials,
        language,
        mediator,
        follow_up,
        note,
    } = entry;
    strada_shared::sort::sort(&mut needs);
    needs.dedup();
    let language = Some(language.trim().to_string()).filter(|l| !l.is_empty());
    let mut contact = ContactDoc {
        place,
        needs,
        note: note.trim().to_string(),
        channel,
        sector,
        workplace: workplace.trim().to_string(),
        indicators,
        materials,
        language: language.clone(),
        mediator: if mediator {
            Mediator::Present
        } else {
            Mediator::Absent
        },
        follow_up: if follow_up {
            FollowUp::Needed
        } else {
            FollowUp::NotNeeded
        },
        ..ContactDoc::new(
            new_id(),
            occurred_at,
            PersonRef::Anonymous,
            Vec::new(),
            author.user,
            author.team.clone(),
        )
    };
    let mut person = None;
    match who {
        WhoEntry::Anonymous => {}
        WhoEntry::Group {
            people,
            women,
            men,
            minors,
        } => {
            contact.group = Some(Group {
                people: count(&people),
                women: count(&women),
                men: count(&men),
                minors: count(&minors),
            });
        }
        WhoEntry::Known { id, alias, team } => {
            if let Some(team) = team {
                contact.team = team;
            }
            contact.person = PersonRef::Alias(alias);
            contact.person_id = Some(id);
            contact.consent = ConsentStatus::Given;
        }
        WhoEntry::New {
            alias,
            consent,
            share_with_services,
        } => {
            let alias = alias.trim().to_string();
            if alias.is_empty() {
                return Err(EntryError::NoWho);
            }
            match consent.ok_or(EntryError::ConsentMissing)? {
                ConsentStatus::Given => {
                    let p = PersonDoc {
                        id: new_id(),
                        aliases: vec![alias.clone()],
                        birth_year: None,
                        birth_year_estimated: false,
                        gender: Gender::Unknown,
                        country: String::new(),
                        languages: language.into_iter().collect(),
                        phone: None,
                        documents: DocumentStatus::Unknown,
                        usual_place: String::new(),
                        consent: Consent {
                            status: ConsentStatus::Given,
                            at: author.now,
                            recorded_by: author.user,
                            partners: consent_partners(share_with_services),
                        },
                        author: author.user,
                        team: author.team.clone(),
                        created_at: author.now,
                        merged_into: None,
                    };
                    p.validate_entry()?;
                    contact.person = PersonRef::Alias(alias);
                    contact.person_id = Some(p.id);
                    contact.consent = ConsentStatus::Given;
                    person = Some(p);
                }
                // Refused (or withdrawn on the spot): the contact is kept, anonymous.
                other => contact.consent = other,
            }
        }
    }
    contact.validate_entry()?;
    let referrals: Vec<ReferralDoc> = referrals
        .into_iter()
        .filter(|(n, _, _)| contact.needs.contains(n))
        .map(|(need, service_id, partner)| ReferralDoc {
            id: new_id(),
            contact: contact.id,
            need,
            partner,
            status: ReferralStatus::Proposed,
            outcome: String::new(),
            author: author.user,
            team: contact.team.clone(),
            created_at: author.now,
            service_id,
            person_id: contact.person_id,
            history: Vec::new(),
        })
        .collect();
    for r in &referrals {
        r.validate()?;
    }
    Ok(NewContact {
        contact,
        person,
        referrals,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author() -> Author {
        Author {
            user: UserId::new_v7(1_760_000_000_000, [1; 10]),
            team: TeamId::parse("bergamo-1").unwrap(),
            now: 1_760_000_000_000,
        }
    }

    fn ids() -> impl FnMut() -> DocId {
        let mut n = 0u8;
        move || {
            n += 1;
            DocId::new_v7(1_760_000_000_000, [n; 10])
        }
    }

    fn entry(who: WhoEntry) -> ContactEntry {
        ContactEntry {
            occurred_at: 1_759_999_000_000,
            place: None,
            who,
            needs: vec![
                NeedCategory::Shelter,
                NeedCategory::Food,
                NeedCategory::Food,
            ],
            referrals: vec![],
            channel: Channel::Street,
            sector: None,
            workplace: "  azienda agricola  ".into(),
            indicators: vec![],
            materials: vec![],
            language: " ar ".into(),
            mediator: true,
            follow_up: false,
            note: " nota ".into(),
        }
    }

    fn new_person(consent: Option<ConsentStatus>) -> WhoEntry {
        WhoEntry::New {
            alias: " Karim ".into(),
            consent,
            share_with_services: false,
        }
    }

    #[test]
    fn a_new_person_with_consent_makes_a_person_linked_to_the_contact() {
        let built = build(
            entry(new_person(Some(ConsentStatus::Given))),
            &author(),
            ids(),
        )
        .unwrap();
        let p = built.person.expect("a person");
        assert_eq!(p.aliases, vec!["Karim".to_string()]);
        assert_eq!(p.languages, vec!["ar".to_string()]);
        assert_eq!(p.consent.partners, vec![PARTNER_PUA.to_string()]);
        assert_eq!(p.consent.recorded_by, author().user);
        let c = built.contact;
        assert_eq!(c.person, PersonRef::Alias("Karim".into()));
        assert_eq!(c.person_id, Some(p.id));
        assert_eq!(c.consent, ConsentStatus::Given);
        // Needs sorted, once each; text trimmed; the team and author are the signed-in
        // worker's.
        assert_eq!(c.needs, vec![NeedCategory::Food, NeedCategory::Shelter]);
        assert_eq!(
            (c.note.as_str(), c.workplace.as_str()),
            ("nota", "azienda agricola")
        );
        assert_eq!((c.author, c.team.clone()), (author().user, author().team));
        assert_eq!(c.mediator, Mediator::Present);
        assert_ne!(c.id, p.id);
    }

    #[test]
    fn a_refused_consent_keeps_the_contact_anonymous_and_makes_no_person() {
        let built = build(
            entry(new_person(Some(ConsentStatus::Refused))),
            &author(),
            ids(),
        )
        .unwrap();
        assert!(built.person.is_none());
        assert_eq!(built.contact.person, PersonRef::Anonymous);
        assert_eq!(built.contact.person_id, None);
        assert_eq!(built.contact.consent, ConsentStatus::Refused);
    }

    #[test]
    fn a_new_person_needs_a_name_and_a_consent_answer() {
        let blank = WhoEntry::New {
            alias: "   ".into(),
            consent: Some(ConsentStatus::Given),
            share_with_services: true,
        };
        assert_eq!(
            build(entry(blank), &author(), ids()),
            Err(EntryError::NoWho)
        );
        assert_eq!(
            build(entry(new_person(None)), &author(), ids()),
            Err(EntryError::ConsentMissing)
        );
    }

    #[test]
    fn a_contact_without_needs_is_refused_by_its_entry_rule() {
        let mut e = entry(WhoEntry::Anonymous);
        e.needs.clear();
        assert_eq!(
            build(e, &author(), ids()),
            Err(EntryError::Invalid(ValidationError::NoNeeds))
        );
    }

    #[test]
    fn a_known_person_is_named_by_the_alias_picked() {
        let id = DocId::new_v7(1, [9; 10]);
        let built = build(
            entry(WhoEntry::Known {
                id,
                alias: "محمد".into(),
                team: None,
            }),
            &author(),
            ids(),
        )
        .unwrap();
        assert!(built.person.is_none());
        assert_eq!(built.contact.person_id, Some(id));
        assert_eq!(built.contact.person, PersonRef::Alias("محمد".into()));
        assert_eq!(built.contact.team, author().team);
    }

    /// A new user's walk: a central laptop keeping a team offline recorded a contact
    /// with one of that team's persons under the central team; the server refused it.
    #[test]
    fn a_contact_with_a_known_person_and_its_referrals_are_the_persons_team() {
        let id = DocId::new_v7(1, [9; 10]);
        let team = TeamId::parse("cremona-2").unwrap();
        let mut e = entry(WhoEntry::Known {
            id,
            alias: "Gheorghe".into(),
            team: Some(team.clone()),
        });
        e.referrals = vec![(e.needs[0], None, "Banco".into())];
        let built = build(e, &author(), ids()).unwrap();
        assert_eq!(built.contact.team, team);
        assert_eq!(built.referrals.len(), 1);
        assert_eq!(built.referrals[0].team, team);
        // Written in the author's name all the same.
        assert_eq!(built.contact.author, author().user);
    }

    #[test]
    fn a_group_counts_what_was_typed() {
        let built = build(
            entry(WhoEntry::Group {
                people: "5".into(),
                women: " 2 ".into(),
                men: "".into(),
                minors: "x".into(),
            }),
            &author(),
            ids(),
        )
        .unwrap();
        let g = built.contact.group.expect("a group");
        assert_eq!((g.people, g.women, g.men, g.minors), (5, 2, 0, 0));
        assert_eq!(built.contact.person, PersonRef::Anonymous);
    }

    #[test]
    fn referrals_are_made_only_for_needs_still_ticked_and_carry_the_person() {
        let mut e = entry(new_person(Some(ConsentStatus::Given)));
        e.referrals = vec![
            (
                NeedCategory::Food,
                Some("svc-1".into()),
                "Banco alimentare".into(),
            ),
            // Unticked after its partner was chosen: no referral.
            (NeedCategory::LegalAid, None, "Sportello legale".into()),
        ];
        let built = build(e, &author(), ids()).unwrap();
        assert_eq!(built.referrals.len(), 1);
        let r = &built.referrals[0];
        assert_eq!(r.need, NeedCategory::Food);
        assert_eq!(r.contact, built.contact.id);
        assert_eq!(r.person_id, built.contact.person_id);
        assert_eq!(r.status, ReferralStatus::Proposed);
        assert_eq!(r.service_id.as_deref(), Some("svc-1"));
    }

    #[test]
    fn places_parse_with_a_decimal_comma_and_blank_is_none() {
        assert_eq!(parse_place(" ", "", None), Ok(None));
        assert_eq!(
            parse_place("45,69", "9.67", Some(12.0)),
            Ok(Some(Place {
                lat: 45.69,
                lon: 9.67,
                accuracy_m: Some(12.0)
            }))
        );
        assert_eq!(parse_place("45.6", "", None), Err(()));
        assert_eq!(parse_place("NaN", "9", None), Err(()));
    }
}
