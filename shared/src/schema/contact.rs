//! The contact (encounter) document: one meeting of a field worker with a person or with
//! nobody identified, and the first needs referred.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::shape::Shape;
use super::{DocType, Document};
use crate::domain::{NeedCategory, PersonRef, Place};
use crate::ids::{DocId, TeamId, UserId};
use crate::vocab::{Channel, ConsentStatus, FollowUp, Indicator, Material, Mediator, Sector};

/// Longest alias kept, in characters.
pub const MAX_ALIAS_CHARS: usize = 80;
/// Longest free note kept, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;
/// Earliest accepted contact time (2020-01-01T00:00:00Z), in Unix milliseconds.
pub const MIN_OCCURRED_AT_MS: i64 = 1_577_836_800_000;

/// A contact as stored in its automerge document (schema version 2).
///
/// Do not rename or retype fields: see the module note in `schema`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct ContactDoc {
    pub id: DocId,
    /// When the contact happened, Unix milliseconds (UTC).
    pub occurred_at: i64,
    pub place: Option<Place>,
    pub person: PersonRef,
    /// A set: stored as a map from need code to `true`, so two devices ticking the same
    /// need concurrently merge into one, and ticking and unticking never duplicate.
    #[autosurgeon(with = "super::sets::code_set")]
    pub needs: Vec<NeedCategory>,
    pub note: String,
    /// The field worker who logged it.
    pub author: UserId,
    /// The team whose territory it belongs to; decides who may see it.
    pub team: TeamId,
    // --- Schema version 2: every field below reads as its default in version 1. ---
    /// The person document, when the person is known and consented.
    #[autosurgeon(missing = "Option::default")]
    pub person_id: Option<DocId>,
    /// A group contact (two people or more): counted in reports.
    #[autosurgeon(missing = "Option::default")]
    pub group: Option<Group>,
    #[autosurgeon(missing = "Channel::default")]
    pub channel: Channel,
    #[autosurgeon(missing = "Option::default")]
    pub sector: Option<Sector>,
    /// The type of workplace, in the worker's words ("serra", "magazzino").
    #[autosurgeon(missing = "String::new")]
    pub workplace: String,
    /// Observed indicators of exploitation, each with an optional note.
    #[autosurgeon(with = "super::sets::noted_set")]
    pub indicators: Vec<(Indicator, String)>,
    #[autosurgeon(with = "super::sets::code_set")]
    pub materials: Vec<Material>,
    /// The language the conversation was held in (a code from `domain::LANGUAGES`).
    #[autosurgeon(missing = "Option::default")]
    pub language: Option<String>,
    #[autosurgeon(missing = "Mediator::default")]
    pub mediator: Mediator,
    #[autosurgeon(missing = "FollowUp::default")]
    pub follow_up: FollowUp,
    /// Consent at the time of the contact; without it the contact is anonymous.
    #[autosurgeon(missing = "ConsentStatus::default")]
    pub consent: ConsentStatus,
}

/// The people met in a group contact, roughly.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Reconcile, Hydrate,
)]
pub struct Group {
    /// How many people, two or more.
    pub people: u32,
    pub women: u32,
    pub men: u32,
    pub minors: u32,
}

/// Most people counted in one group contact.
pub const MAX_GROUP: u32 = 500;
/// Longest workplace description and indicator note, in characters.
pub const MAX_SHORT_TEXT: usize = 500;

impl ContactDoc {
    /// A contact with the given essentials and every version-2 field at its default.
    pub fn new(
        id: DocId,
        occurred_at: i64,
        person: PersonRef,
        needs: Vec<NeedCategory>,
        author: UserId,
        team: TeamId,
    ) -> ContactDoc {
        ContactDoc {
            id,
            occurred_at,
            place: None,
            person,
            needs,
            note: String::new(),
            author,
            team,
            person_id: None,
            group: None,
            channel: Channel::default(),
            sector: None,
            workplace: String::new(),
            indicators: Vec::new(),
            materials: Vec::new(),
            language: None,
            mediator: Mediator::default(),
            follow_up: FollowUp::default(),
            consent: ConsentStatus::default(),
        }
    }

    /// Every field empty or at its default: the base for struct-update syntax where the
    /// caller sets the essentials. Not a valid contact as it is (no need, no team).
    pub fn blank() -> ContactDoc {
        ContactDoc::new(
            DocId::from_bytes([0; 16]),
            MIN_OCCURRED_AT_MS,
            PersonRef::Anonymous,
            Vec::new(),
            UserId::from_bytes([0; 16]),
            TeamId(String::new()),
        )
    }

    /// How many people the contact counts in reports.
    pub fn people(&self) -> u32 {
        self.group.map_or(1, |g| g.people)
    }
}

/// A field rule a document breaks. Messages name the field, never its content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    #[error("the alias is empty: use 'anonymous' instead")]
    EmptyAlias,
    #[error("the alias is longer than {MAX_ALIAS_CHARS} characters")]
    AliasTooLong,
    #[error("choose at least one first need")]
    NoNeeds,
    #[error("a first need is listed twice")]
    DuplicateNeed,
    #[error("the note is longer than {MAX_NOTE_CHARS} characters")]
    NoteTooLong,
    #[error("the place is not a valid latitude/longitude")]
    PlaceOutOfRange,
    #[error("the contact time is before 2020 or invalid")]
    TimeOutOfRange,
    #[error("the partner service is missing or longer than 120 characters")]
    Partner,
    #[error("without the person's consent only anonymous data is kept")]
    ConsentRequired,
    #[error("a group counts from 2 to 500 people, and its parts cannot exceed the whole")]
    Group,
    #[error("a short text field is longer than 500 characters")]
    ShortTextTooLong,
    #[error("a person needs at least one alias while consent is given")]
    NoAlias,
    #[error("a person without consent keeps no identifying data")]
    IdentifyingWithoutConsent,
    #[error("the birth year is out of range")]
    BirthYear,
    #[error("the alias holds control, hidden or text-direction characters")]
    AliasCharacters,
    #[error("a date is not a valid YYYY-MM-DD date between 2000 and 2100")]
    CaseDate,
    #[error("a closed case needs an outcome, and an outcome needs the closing date")]
    OutcomeRequired,
    #[error("an eligibility decision needs its date and its reasons")]
    EligibilityIncomplete,
    #[error("a done intervention needs the date it was done (and only a done one has it)")]
    InterventionDate,
    #[error("an assessment grades ILO indicators strong, medium or weak only")]
    AssessmentGrade,
    #[error("a text of the case is too long, or a list holds too many items")]
    CaseTextTooLong,
    #[error("a job offer needs an employer, 1 to 10,000 positions and short texts")]
    JobOffer,
    #[error(
        "the PUA's rules need unique short codes, labels, and a review interval of 7 to 365 days"
    )]
    Rules,
    #[error("a person speaks at most 24 languages")]
    TooManyLanguages,
}

impl ValidationError {
    /// Every rule, for the app's catalogue (which names each) and for reading a rule
    /// back from its message (an import's line reasons).
    pub const ALL: [ValidationError; 24] = [
        ValidationError::EmptyAlias,
        ValidationError::AliasTooLong,
        ValidationError::NoNeeds,
        ValidationError::DuplicateNeed,
        ValidationError::NoteTooLong,
        ValidationError::PlaceOutOfRange,
        ValidationError::TimeOutOfRange,
        ValidationError::Partner,
        ValidationError::ConsentRequired,
        ValidationError::Group,
        ValidationError::ShortTextTooLong,
        ValidationError::NoAlias,
        ValidationError::IdentifyingWithoutConsent,
        ValidationError::BirthYear,
        ValidationError::AliasCharacters,
        ValidationError::CaseDate,
        ValidationError::OutcomeRequired,
        ValidationError::EligibilityIncomplete,
        ValidationError::InterventionDate,
        ValidationError::AssessmentGrade,
        ValidationError::CaseTextTooLong,
        ValidationError::JobOffer,
        ValidationError::Rules,
        ValidationError::TooManyLanguages,
    ];
}

/// Characters an alias never holds: control characters, the explicit text-direction
/// embeddings, overrides and isolates (which make an alias read differently from what it
/// is), tag characters (invisible text) and interlinear annotations.
fn forbidden_in_alias(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{FFF9}'..='\u{FFFB}')
}

/// Characters that show nothing by themselves: an alias made only of them (and spaces)
/// is empty. Inside a word some are needed (zero-width joiners in Bengali or Devanagari).
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
            | '\u{17B5}' | '\u{180E}' | '\u{2800}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{E0100}'..='\u{E01EF}')
}

/// The rules a name shown on pages and written into files (a user's, who follows a
/// case) meets: those of an alias, and no direction mark either (U+200E, U+200F,
/// U+061C: the verification of the fifteenth probe's fixes found them let through).
/// An alias may hold one (a worker's keyboard puts them in right-to-left text); a
/// user's name has no use for them.
pub fn check_name(name: &str) -> Result<(), ValidationError> {
    if name
        .chars()
        .any(|c| matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}'))
    {
        return Err(ValidationError::AliasCharacters);
    }
    check_alias(name)
}

/// The rules an alias typed by a worker meets, in any script: something visible, and no
/// control, hidden or direction-override characters.
pub fn check_alias(alias: &str) -> Result<(), ValidationError> {
    if alias.chars().any(forbidden_in_alias) {
        return Err(ValidationError::AliasCharacters);
    }
    if alias.chars().all(invisible) {
        return Err(ValidationError::EmptyAlias);
    }
    Ok(())
}

impl ContactDoc {
    /// The person withdrew consent: the contact keeps no alias (only the link to the
    /// person, now anonymous, so contacts with the same person still count as one).
    pub fn withdraw_consent(&mut self) {
        self.person = PersonRef::Anonymous;
        self.consent = ConsentStatus::Withdrawn;
    }

    /// The rules a worker's entry must meet on top of [`Document::validate`]: at least one
    /// need. Not a document invariant: concurrent unticking on two devices may merge into
    /// an empty set, and a merge of valid edits is never refused.
    /// Applies to `self` — the contact as the device holds it now — what an edit form
    /// changed (`base` as the form read it, `edited` as its user left it): only the
    /// fields and set members the user changed, so what another device wrote since the
    /// form opened stays (as [`PersonDoc::apply_form`](super::PersonDoc::apply_form)).
    /// An indicator's note is its own value: a note changed here replaces the note, an
    /// indicator unticked here goes, one ticked here comes with its note.
    pub fn apply_form(&mut self, base: &ContactDoc, edited: &ContactDoc) {
        fn field<T: Clone + PartialEq>(current: &mut T, base: &T, edited: &T) {
            if base != edited {
                *current = edited.clone();
            }
        }
        self.needs = super::rebase_list(&self.needs, &base.needs, &edited.needs);
        crate::sort::sort(&mut self.needs);
        let note_of = |list: &[(Indicator, String)], i: Indicator| {
            list.iter().find(|x| x.0 == i).map(|x| x.1.clone())
        };
        for &i in <Indicator as crate::vocab::Code>::ALL {
            match (note_of(&base.indicators, i), note_of(&edited.indicators, i)) {
                (Some(_), None) => self.indicators.retain(|x| x.0 != i),
                (before, Some(note)) if before.as_ref() != Some(&note) => {
                    match self.indicators.iter_mut().find(|x| x.0 == i) {
                        Some(x) => x.1 = note,
                        None => self.indicators.push((i, note)),
                    }
                }
                _ => {}
            }
        }
        crate::sort::sort_by_key(&mut self.indicators, |x| x.0);
        field(&mut self.sector, &base.sector, &edited.sector);
        field(&mut self.workplace, &base.workplace, &edited.workplace);
        field(&mut self.follow_up, &base.follow_up, &edited.follow_up);
        field(&mut self.note, &base.note, &edited.note);
    }

    pub fn validate_entry(&self) -> Result<(), ValidationError> {
        self.validate()?;
        if self.needs.is_empty() {
            return Err(ValidationError::NoNeeds);
        }
        if let PersonRef::Alias(alias) = &self.person {
            check_alias(alias)?;
        }
        self.check_consent()
    }

    /// Without consent only anonymous data is kept: an alias only with consent given, a
    /// link to a person only with consent given or withdrawn (the person is anonymous by
    /// then, and a contact logged offline may reach the server only after it).
    /// Version-1 contacts (consent not recorded) with an alias predate the rule and stay
    /// readable: the server checks it on new contacts and on every change that touches
    /// who the contact was with.
    pub fn check_consent(&self) -> Result<(), ValidationError> {
        let linked_ok = matches!(
            self.consent,
            ConsentStatus::Given | ConsentStatus::Withdrawn
        );
        if self.consent != ConsentStatus::Given && self.person != PersonRef::Anonymous
            || self.person_id.is_some() && !linked_ok
        {
            return Err(ValidationError::ConsentRequired);
        }
        Ok(())
    }
}

impl Document for ContactDoc {
    const TYPE: DocType = DocType::Contact;
    const SCHEMA: u64 = 2;
    const SHAPE: &'static [(&'static str, Shape)] = &[
        ("id", Shape::Value),
        ("occurred_at", Shape::Value),
        (
            "place",
            Shape::Map(&[
                ("lat", Shape::Value),
                ("lon", Shape::Value),
                ("accuracy_m", Shape::Value),
            ]),
        ),
        ("person", Shape::Map(&[("alias", Shape::Value)])),
        ("needs", Shape::Set),
        ("note", Shape::Value),
        ("author", Shape::Value),
        ("team", Shape::Value),
        ("person_id", Shape::Value),
        (
            "group",
            Shape::Map(&[
                ("people", Shape::Value),
                ("women", Shape::Value),
                ("men", Shape::Value),
                ("minors", Shape::Value),
            ]),
        ),
        ("channel", Shape::Value),
        ("sector", Shape::Value),
        ("workplace", Shape::Value),
        ("indicators", Shape::Noted),
        ("materials", Shape::Set),
        ("language", Shape::Value),
        ("mediator", Shape::Value),
        ("follow_up", Shape::Value),
        ("consent", Shape::Value),
    ];

    fn id(&self) -> DocId {
        self.id
    }

    fn free_texts_mut(&mut self) -> Vec<&mut String> {
        let mut out = vec![&mut self.note, &mut self.workplace];
        out.extend(self.indicators.iter_mut().map(|(_, n)| n));
        out
    }

    fn validate(&self) -> Result<(), ValidationError> {
        if let PersonRef::Alias(alias) = &self.person {
            if alias.trim().is_empty() {
                return Err(ValidationError::EmptyAlias);
            }
            if alias.chars().count() > MAX_ALIAS_CHARS {
                return Err(ValidationError::AliasTooLong);
            }
        }
        let mut seen = self.needs.clone();
        crate::sort::sort(&mut seen);
        seen.dedup();
        if seen.len() != self.needs.len() {
            return Err(ValidationError::DuplicateNeed);
        }
        if self.note.chars().count() > MAX_NOTE_CHARS {
            return Err(ValidationError::NoteTooLong);
        }
        if let Some(p) = &self.place {
            let ok = p.lat.is_finite()
                && p.lon.is_finite()
                && (-90.0..=90.0).contains(&p.lat)
                && (-180.0..=180.0).contains(&p.lon)
                && p.accuracy_m.is_none_or(|a| a.is_finite() && a >= 0.0);
            if !ok {
                return Err(ValidationError::PlaceOutOfRange);
            }
        }
        if self.occurred_at < MIN_OCCURRED_AT_MS {
            return Err(ValidationError::TimeOutOfRange);
        }
        if let Some(g) = self.group {
            let parts = u64::from(g.women) + u64::from(g.men);
            if g.people < 2
                || g.people > MAX_GROUP
                || parts > u64::from(g.people)
                || g.minors > g.people
            {
                return Err(ValidationError::Group);
            }
        }
        let long = |s: &str| s.chars().count() > MAX_SHORT_TEXT;
        // A language is a code: the server's rules say so, in words that name the language
        // (bounded here at 16 characters, a longer one was refused as a long text).
        if long(&self.workplace)
            || self.indicators.iter().any(|(_, n)| long(n))
            || self.language.as_deref().is_some_and(long)
        {
            return Err(ValidationError::ShortTextTooLong);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{self, SchemaError};
    use automerge::ActorId;
    use proptest::prelude::*;

    fn sample() -> ContactDoc {
        ContactDoc {
            id: DocId::new_v7(1_760_000_000_000, [7; 10]),
            occurred_at: 1_760_000_000_000,
            place: Some(Place {
                lat: 45.69,
                lon: 9.67,
                accuracy_m: Some(12.0),
            }),
            person: PersonRef::Alias("Mamadou 'il lungo'".into()),
            needs: vec![NeedCategory::Food, NeedCategory::Shelter],
            note: "Synthetic note — no real person.".into(),
            author: UserId::new_v7(1_700_000_000_000, [1; 10]),
            team: TeamId::parse("bergamo-1").unwrap(),
            consent: crate::vocab::ConsentStatus::Given,
            ..ContactDoc::blank()
        }
    }

    #[test]
    fn contact_round_trips_through_an_automerge_document() {
        let c = sample();
        let doc = schema::create(ActorId::from(vec![1u8; 16]), &c).unwrap();
        let back: ContactDoc = schema::read(&doc).unwrap();
        assert_eq!(back, c);
        // And through the saved bytes, as a device stores it.
        let mut bytes_doc = automerge::AutoCommit::load(&doc.clone().save()).unwrap();
        let back2: ContactDoc = schema::read(&bytes_doc).unwrap();
        assert_eq!(back2, c);
        assert_eq!(
            schema::header(&bytes_doc).unwrap().doc_type,
            DocType::Contact
        );
        assert!(!bytes_doc.get_heads().is_empty());
    }

    #[test]
    fn a_version_1_contact_reads_with_the_version_2_defaults() {
        use automerge::transaction::Transactable;
        let c = ContactDoc {
            channel: Channel::Phone,
            materials: vec![Material::Water],
            indicators: vec![(Indicator::Deception, "synthetic".into())],
            ..sample()
        };
        let mut doc = schema::create(ActorId::from(vec![1u8; 16]), &c).unwrap();
        // What a version-1 device wrote: none of the version-2 keys, schema 1.
        for key in [
            "person_id",
            "group",
            "channel",
            "sector",
            "workplace",
            "indicators",
            "materials",
            "language",
            "mediator",
            "follow_up",
            "consent",
        ] {
            doc.delete(automerge::ROOT, key).unwrap();
        }
        doc.put(automerge::ROOT, "schema", 1u64).unwrap();
        let v1: ContactDoc = schema::read(&doc).unwrap();
        assert_eq!(v1.channel, Channel::Street);
        assert!(v1.materials.is_empty() && v1.indicators.is_empty());
        assert_eq!(v1.consent, ConsentStatus::NotAsked);
        assert_eq!(v1.needs, c.needs);
        assert_eq!(v1.person, c.person);
    }

    #[test]
    fn without_consent_a_new_contact_is_anonymous() {
        let named = ContactDoc {
            consent: ConsentStatus::Refused,
            ..sample()
        };
        assert_eq!(
            named.validate_entry(),
            Err(ValidationError::ConsentRequired)
        );
        let anonymous = ContactDoc {
            person: PersonRef::Anonymous,
            ..named.clone()
        };
        assert!(anonymous.validate_entry().is_ok());
        // A refused consent links to no person record...
        let linked = ContactDoc {
            person_id: Some(DocId::new_v7(1_760_000_000_000, [9; 10])),
            ..anonymous
        };
        assert_eq!(
            linked.validate_entry(),
            Err(ValidationError::ConsentRequired)
        );
        // ...a withdrawn one keeps the link to the person, now anonymous, and no alias.
        let mut withdrawn = ContactDoc {
            consent: ConsentStatus::Given,
            ..linked
        };
        withdrawn.withdraw_consent();
        assert_eq!(withdrawn.person, PersonRef::Anonymous);
        assert!(withdrawn.person_id.is_some());
        assert!(withdrawn.validate_entry().is_ok());
    }

    #[test]
    fn aliases_refuse_control_direction_override_and_invisible_only_text() {
        for bad in [
            "Karim\u{202E}dneirf",
            "\u{2066}Karim\u{2069}",
            "Kar\nim",
            "Karim\u{E0041}",
        ] {
            assert_eq!(
                check_alias(bad),
                Err(ValidationError::AliasCharacters),
                "{bad:?}"
            );
        }
        for empty in ["\u{200B}", "\u{200B}\u{200D} \u{FEFF}", "\u{3164}"] {
            assert_eq!(
                check_alias(empty),
                Err(ValidationError::EmptyAlias),
                "{empty:?}"
            );
        }
        // Joiners inside a word, Arabic, Bengali, Gurmukhi: fine.
        for good in ["Karim", "محمد", "রহি\u{200D}ম", "ਸਿੰਘ", "Mamadou 'il lungo'"]
        {
            assert_eq!(check_alias(good), Ok(()), "{good:?}");
        }
        let c = ContactDoc {
            person: PersonRef::Alias("\u{202E}x".into()),
            ..sample()
        };
        assert_eq!(c.validate_entry(), Err(ValidationError::AliasCharacters));
    }

    #[test]
    fn group_counts_must_add_up() {
        let g = |people, women, men, minors| ContactDoc {
            group: Some(Group {
                people,
                women,
                men,
                minors,
            }),
            ..sample()
        };
        assert!(g(5, 2, 3, 0).validate().is_ok());
        assert_eq!(g(1, 0, 0, 0).validate(), Err(ValidationError::Group));
        assert_eq!(g(3, 2, 2, 0).validate(), Err(ValidationError::Group));
        assert_eq!(g(501, 0, 0, 0).validate(), Err(ValidationError::Group));
        assert_eq!(g(5, 2, 3, 0).people(), 5);
    }

    #[test]
    fn anonymous_contact_without_place_round_trips() {
        let c = ContactDoc {
            person: PersonRef::Anonymous,
            place: None,
            ..sample()
        };
        let doc = schema::create(ActorId::from(vec![2u8; 16]), &c).unwrap();
        assert_eq!(schema::read::<ContactDoc>(&doc).unwrap(), c);
    }

    #[test]
    fn update_writes_only_the_change_and_merges_with_a_concurrent_edit() {
        let c = sample();
        let mut a = schema::create(ActorId::from(vec![3u8; 16]), &c).unwrap();
        let mut b = a.fork().with_actor(ActorId::from(vec![4u8; 16]));
        schema::update(
            &mut a,
            &ContactDoc {
                note: "edited on A".into(),
                ..c.clone()
            },
        )
        .unwrap();
        schema::update(
            &mut b,
            &ContactDoc {
                needs: vec![
                    NeedCategory::Food,
                    NeedCategory::Shelter,
                    NeedCategory::Health,
                ],
                ..c.clone()
            },
        )
        .unwrap();
        a.merge(&mut b).unwrap();
        let merged: ContactDoc = schema::read(&a).unwrap();
        assert_eq!(merged.note, "edited on A");
        assert_eq!(merged.needs.len(), 3);
    }

    #[test]
    fn field_rules_refuse_bad_values() {
        let c = sample();
        let bad = [
            (
                ContactDoc {
                    person: PersonRef::Alias("  ".into()),
                    ..c.clone()
                },
                ValidationError::EmptyAlias,
            ),
            (
                ContactDoc {
                    person: PersonRef::Alias("x".repeat(81)),
                    ..c.clone()
                },
                ValidationError::AliasTooLong,
            ),
            (
                ContactDoc {
                    needs: vec![NeedCategory::Food, NeedCategory::Food],
                    ..c.clone()
                },
                ValidationError::DuplicateNeed,
            ),
            (
                ContactDoc {
                    note: "n".repeat(4001),
                    ..c.clone()
                },
                ValidationError::NoteTooLong,
            ),
            (
                ContactDoc {
                    place: Some(Place {
                        lat: 91.0,
                        lon: 0.0,
                        accuracy_m: None,
                    }),
                    ..c.clone()
                },
                ValidationError::PlaceOutOfRange,
            ),
            (
                ContactDoc {
                    occurred_at: 0,
                    ..c.clone()
                },
                ValidationError::TimeOutOfRange,
            ),
        ];
        // A language longer than a code is the server's rule to refuse (in words that
        // name the language); a very long one is a long text.
        let named = ContactDoc {
            language: Some("rumeno e un po' di italiano".into()),
            ..c.clone()
        };
        assert_eq!(named.validate(), Ok(()));
        let bad = bad.into_iter().chain([(
            ContactDoc {
                language: Some("l".repeat(501)),
                ..c.clone()
            },
            ValidationError::ShortTextTooLong,
        )]);
        for (doc, err) in bad {
            assert_eq!(doc.validate(), Err(err.clone()));
            assert!(
                matches!(schema::create(ActorId::random(), &doc), Err(SchemaError::Invalid(e)) if e == err)
            );
        }
    }

    #[test]
    fn an_entry_needs_at_least_one_need_but_a_merged_document_may_have_none() {
        let c = ContactDoc {
            needs: vec![],
            ..sample()
        };
        assert_eq!(c.validate_entry(), Err(ValidationError::NoNeeds));
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn ticking_the_same_need_on_two_devices_merges_into_one() {
        let c = ContactDoc {
            needs: vec![NeedCategory::Food],
            ..sample()
        };
        let mut a = schema::create(ActorId::from(vec![5u8; 16]), &c).unwrap();
        let mut b = a.fork().with_actor(ActorId::from(vec![6u8; 16]));
        let both = ContactDoc {
            needs: vec![NeedCategory::Food, NeedCategory::Training],
            ..c.clone()
        };
        schema::update(&mut a, &both).unwrap();
        schema::update(&mut b, &both).unwrap();
        // Meanwhile B also unticks food, A keeps it: the untick of what A re-ticked stays.
        a.merge(&mut b).unwrap();
        let merged: ContactDoc = schema::read(&a).unwrap();
        assert_eq!(
            merged.needs,
            vec![NeedCategory::Food, NeedCategory::Training]
        );
    }

    #[test]
    fn a_document_without_header_or_with_wrong_shape_is_refused() {
        let mut doc = automerge::AutoCommit::new();
        assert!(matches!(
            schema::read::<ContactDoc>(&doc),
            Err(SchemaError::MissingHeader)
        ));
        use automerge::transaction::Transactable;
        doc.put(automerge::ROOT, "doc_type", "contact").unwrap();
        doc.put(automerge::ROOT, "schema", 1_u64).unwrap();
        doc.put(automerge::ROOT, "id", c_id().to_string()).unwrap();
        assert!(matches!(
            schema::read::<ContactDoc>(&doc),
            Err(SchemaError::Shape { .. })
        ));
        doc.put(automerge::ROOT, "schema", 99_u64).unwrap();
        assert!(matches!(
            schema::read::<ContactDoc>(&doc),
            Err(SchemaError::UnsupportedSchema { .. })
        ));
    }

    fn c_id() -> DocId {
        sample().id
    }

    fn arb_need() -> impl Strategy<Value = NeedCategory> {
        proptest::sample::select(NeedCategory::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn any_valid_contact_round_trips(
            alias in proptest::option::of("\\PC{1,80}"),
            needs in proptest::collection::btree_set(arb_need(), 1..5),
            note in "\\PC{0,200}",
            lat in -90.0f64..90.0, lon in -180.0f64..180.0,
            ms in MIN_OCCURRED_AT_MS..4_000_000_000_000i64,
        ) {
            let person = match alias {
                Some(a) if !a.trim().is_empty() => PersonRef::Alias(a),
                _ => PersonRef::Anonymous,
            };
            let c = ContactDoc { person, needs: needs.into_iter().collect(), note, occurred_at: ms,
                place: Some(Place { lat, lon, accuracy_m: None }), ..sample() };
            let doc = schema::create(ActorId::random(), &c).unwrap();
            let loaded = automerge::AutoCommit::load(&doc.clone().save()).unwrap();
            prop_assert_eq!(schema::read::<ContactDoc>(&loaded).unwrap(), c);
        }
    }

    /// A contact edited on a phone while another phone changed it: each keeps what the
    /// other wrote (the edit form of a new user's walk, which found none).
    #[test]
    fn an_edit_form_applies_only_what_its_user_changed() {
        let base = ContactDoc {
            needs: vec![NeedCategory::Food],
            indicators: vec![(Indicator::Isolation, "a".into())],
            sector: Some(Sector::Agriculture),
            ..ContactDoc::blank()
        };
        // The other phone, meanwhile: a need, an indicator, the workplace.
        let mut current = ContactDoc {
            needs: vec![NeedCategory::Food, NeedCategory::Shelter],
            indicators: vec![
                (Indicator::Isolation, "a".into()),
                (Indicator::Deception, String::new()),
            ],
            workplace: "serra".into(),
            ..base.clone()
        };
        // This form: the sector, the isolation's note, a need added.
        let edited = ContactDoc {
            needs: vec![NeedCategory::Food, NeedCategory::Health],
            indicators: vec![(Indicator::Isolation, "b".into())],
            sector: Some(Sector::Logistics),
            ..base.clone()
        };
        current.apply_form(&base, &edited);
        assert_eq!(current.sector, Some(Sector::Logistics));
        assert_eq!(current.workplace, "serra");
        let mut needs = vec![
            NeedCategory::Food,
            NeedCategory::Shelter,
            NeedCategory::Health,
        ];
        crate::sort::sort(&mut needs);
        assert_eq!(current.needs, needs);
        let mut indicators = vec![
            (Indicator::Isolation, "b".to_string()),
            (Indicator::Deception, String::new()),
        ];
        crate::sort::sort_by_key(&mut indicators, |x| x.0);
        assert_eq!(current.indicators, indicators);
        // An indicator unticked here goes, whatever note the other phone gave it.
        let mut other = current.clone();
        other.indicators = vec![(Indicator::Isolation, "c".into())];
        let untick = ContactDoc {
            indicators: vec![],
            ..current.clone()
        };
        other.apply_form(&current, &untick);
        assert!(other.indicators.is_empty());
    }
}
