//! The person document: someone the teams meet more than once, identified progressively
//! and pseudonymously (aliases, never a legal name required), kept only with consent.

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::shape::Shape;
use super::{DocType, Document, ValidationError};
use crate::domain::DocumentStatus;
use crate::ids::{DocId, TeamId, UserId};
use crate::vocab::{ConsentStatus, Gender};

/// Most aliases kept for one person.
pub const MAX_ALIASES: usize = 12;
/// The most languages a person's record lists (the attacker's ninth probe: 10,000).
pub const MAX_LANGUAGES: usize = 24;
/// Longest alias, country, phone or usual place, in characters.
pub const MAX_FIELD_CHARS: usize = 120;
/// Accepted birth years.
pub const BIRTH_YEARS: std::ops::RangeInclusive<i64> = 1920..=2026;

/// The person's consent to having data recorded and shared: its state, when and by whom
/// it was recorded, and the partners it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Consent {
    pub status: ConsentStatus,
    /// Unix ms.
    pub at: i64,
    /// The worker who recorded it.
    pub recorded_by: UserId,
    /// Partners the data may be shared with (service or organisation ids).
    #[autosurgeon(with = "super::sets::string_set")]
    pub partners: Vec<String>,
}

/// A person as stored in its automerge document (schema version 1).
///
/// Do not rename or retype fields: see the module note in `schema`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct PersonDoc {
    pub id: DocId,
    /// Nicknames and aliases in any script; the first is shown first. Empty once consent
    /// is withdrawn.
    pub aliases: Vec<String>,
    /// Birth year, exact or estimated from an approximate age.
    pub birth_year: Option<i64>,
    pub birth_year_estimated: bool,
    pub gender: Gender,
    /// Country of origin as the person says it.
    pub country: String,
    /// Languages spoken (codes from `domain::LANGUAGES`, or as typed).
    #[autosurgeon(with = "super::sets::string_set")]
    pub languages: Vec<String>,
    pub phone: Option<String>,
    pub documents: DocumentStatus,
    /// Where the person is usually found, in the worker's words.
    pub usual_place: String,
    pub consent: Consent,
    /// The worker who first recorded the person.
    pub author: UserId,
    pub team: TeamId,
    /// Unix ms.
    pub created_at: i64,
    /// The person this record was merged into by the central office's reconciliation
    /// (`None`: a person of their own). Written only by the server's merge and unmerge
    /// (`strada_server::merge`); a device's push that changes it is refused. Contacts and
    /// referrals keep naming this record and count under the survivor, so an unmerge
    /// gives every link back exactly. A document written before the field existed reads
    /// as `None`.
    #[autosurgeon(missing = "Option::default")]
    pub merged_into: Option<DocId>,
}

/// How restrictive a consent status is: a merge keeps the most restrictive of the two
/// persons' (withdrawn, then refused, then not asked, then given).
pub fn consent_rank(s: ConsentStatus) -> u8 {
    match s {
        ConsentStatus::Given => 0,
        ConsentStatus::NotAsked => 1,
        ConsentStatus::Refused => 2,
        ConsentStatus::Withdrawn => 3,
    }
}

impl PersonDoc {
    /// The name to show: the first alias.
    pub fn display_name(&self) -> Option<&str> {
        self.aliases.first().map(String::as_str)
    }

    /// Applies to `self` — the document as the device holds it now — what a form changed:
    /// `base` as the form read it when it opened, `edited` as the form would save it.
    /// Only the fields the form changed are written, so a value another phone or the
    /// central office's review wrote since the form opened stays (a new user's walk: an
    /// editor left open and saved unchanged wrote back the old birth year), and what the
    /// form does not show (consent, a merge) is never written. Aliases and languages
    /// changed on both sides keep the other side's additions and removals too.
    pub fn apply_form(&mut self, base: &PersonDoc, edited: &PersonDoc) {
        fn list(current: &mut Vec<String>, base: &[String], edited: &[String]) {
            *current = super::rebase_list(current, base, edited);
        }
        fn field<T: Clone + PartialEq>(current: &mut T, base: &T, edited: &T) {
            if base != edited {
                *current = edited.clone();
            }
        }
        list(&mut self.aliases, &base.aliases, &edited.aliases);
        list(&mut self.languages, &base.languages, &edited.languages);
        let year = |p: &PersonDoc| (p.birth_year, p.birth_year_estimated);
        if year(base) != year(edited) {
            self.birth_year = edited.birth_year;
            self.birth_year_estimated = edited.birth_year_estimated;
        }
        field(&mut self.gender, &base.gender, &edited.gender);
        field(&mut self.country, &base.country, &edited.country);
        field(&mut self.phone, &base.phone, &edited.phone);
        field(&mut self.documents, &base.documents, &edited.documents);
        field(
            &mut self.usual_place,
            &base.usual_place,
            &edited.usual_place,
        );
    }

    /// Consent withdrawn: every identifying field is emptied, only the id, the team and
    /// the consent record stay (contacts keep pointing to an anonymous person).
    pub fn withdraw_consent(&mut self, at: i64, by: UserId) {
        self.aliases.clear();
        self.birth_year = None;
        self.birth_year_estimated = false;
        self.gender = Gender::Unknown;
        self.country.clear();
        self.languages.clear();
        self.phone = None;
        self.documents = DocumentStatus::Unknown;
        self.usual_place.clear();
        self.consent = Consent {
            status: ConsentStatus::Withdrawn,
            at,
            recorded_by: by,
            partners: Vec::new(),
        };
    }

    /// Whether any field about the person holds data: what a person without consent
    /// may not keep. Every field [`PersonDoc::withdraw_consent`] empties counts —
    /// languages, gender, documents and the partners consented to as much as the aliases
    /// (together they single a person out).
    pub fn has_identifying_data(&self) -> bool {
        !self.aliases.is_empty()
            || self.phone.is_some()
            || !self.usual_place.is_empty()
            || !self.country.is_empty()
            || self.birth_year.is_some()
            || self.birth_year_estimated
            || self.gender != Gender::Unknown
            || !self.languages.is_empty()
            || self.documents != DocumentStatus::Unknown
            || !self.consent.partners.is_empty()
    }

    /// The rules a worker's entry must meet on top of [`Document::validate`]: consent
    /// given with at least one alias, or no identifying data at all. Not a document
    /// invariant: a withdrawal merged with an offline edit must still be readable (the
    /// server refuses that edit; see `server/src/sync/rules.rs`).
    pub fn validate_entry(&self) -> Result<(), ValidationError> {
        self.validate()?;
        for alias in &self.aliases {
            super::contact::check_alias(alias)?;
        }
        match self.consent.status {
            ConsentStatus::Given if self.aliases.is_empty() => Err(ValidationError::NoAlias),
            ConsentStatus::Given => Ok(()),
            _ if self.has_identifying_data() => Err(ValidationError::IdentifyingWithoutConsent),
            _ => Ok(()),
        }
    }
}

impl Document for PersonDoc {
    const TYPE: DocType = DocType::Person;
    const SCHEMA: u64 = 1;
    const SHAPE: &'static [(&'static str, Shape)] = &[
        ("id", Shape::Value),
        ("aliases", Shape::List(&Shape::Value)),
        ("birth_year", Shape::Value),
        ("birth_year_estimated", Shape::Value),
        ("gender", Shape::Value),
        ("country", Shape::Value),
        ("languages", Shape::Set),
        ("phone", Shape::Value),
        ("documents", Shape::Value),
        ("usual_place", Shape::Value),
        (
            "consent",
            Shape::Map(&[
                ("status", Shape::Value),
                ("at", Shape::Value),
                ("recorded_by", Shape::Value),
                ("partners", Shape::Set),
            ]),
        ),
        ("author", Shape::Value),
        ("team", Shape::Value),
        ("created_at", Shape::Value),
        ("merged_into", Shape::Value),
    ];

    fn id(&self) -> DocId {
        self.id
    }

    fn free_texts_mut(&mut self) -> Vec<&mut String> {
        let mut out = vec![&mut self.country, &mut self.usual_place];
        out.extend(self.phone.as_mut());
        out
    }

    fn keep_server_fields(&mut self, current: &Self) {
        self.merged_into = current.merged_into;
    }

    fn validate(&self) -> Result<(), ValidationError> {
        if self.aliases.len() > MAX_ALIASES {
            return Err(ValidationError::AliasTooLong);
        }
        if self.aliases.iter().any(|a| a.trim().is_empty()) {
            return Err(ValidationError::EmptyAlias);
        }
        let long = |s: &str| s.chars().count() > MAX_FIELD_CHARS;
        if self.aliases.iter().any(|a| long(a)) {
            return Err(ValidationError::AliasTooLong);
        }
        if long(&self.country)
            || long(&self.usual_place)
            || self.phone.as_deref().is_some_and(long)
            || self.languages.iter().any(|l| l.chars().count() > 16)
            || self.consent.partners.iter().any(|p| long(p))
        {
            return Err(ValidationError::ShortTextTooLong);
        }
        if self.birth_year.is_some_and(|y| !BIRTH_YEARS.contains(&y)) {
            return Err(ValidationError::BirthYear);
        }
        if self.languages.len() > MAX_LANGUAGES {
            return Err(ValidationError::TooManyLanguages);
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::schema;
    use automerge::ActorId;

    #[test]
    fn a_form_writes_only_what_its_user_changed() {
        let base = sample();
        // Since the form opened: another phone set the year and added an alias, the
        // central office's review chose a phone number.
        let mut current = base.clone();
        current.birth_year = Some(1998);
        current.birth_year_estimated = false;
        current.aliases.push("Mamadu".into());
        current.phone = Some("+39 333 1111111".into());
        // Saved unchanged: nothing written back.
        let mut saved = current.clone();
        saved.apply_form(&base, &base.clone());
        assert_eq!(saved, current);
        // The form changed the usual place and dropped an alias: only that.
        let mut edited = base.clone();
        edited.usual_place = "campi di Treviglio".into();
        edited.aliases.retain(|a| a != "ਸਿੰਘ");
        let mut saved = current.clone();
        saved.apply_form(&base, &edited);
        assert_eq!(saved.usual_place, "campi di Treviglio");
        assert_eq!(saved.aliases, vec!["Mamadou", "محمد", "Mamadu"]);
        assert_eq!(
            (saved.birth_year, saved.birth_year_estimated),
            (Some(1998), false)
        );
        assert_eq!(saved.phone.as_deref(), Some("+39 333 1111111"));
        // A field the form changed takes the form's value, whatever came meanwhile.
        let mut edited = base.clone();
        edited.birth_year = Some(1990);
        let mut saved = current.clone();
        saved.apply_form(&base, &edited);
        assert_eq!(
            (saved.birth_year, saved.birth_year_estimated),
            (Some(1990), true)
        );
        // Nothing changed meanwhile: the form's order of aliases is kept (the first shows).
        let mut edited = base.clone();
        edited.aliases.reverse();
        let mut saved = base.clone();
        saved.apply_form(&base, &edited);
        assert_eq!(saved.aliases, edited.aliases);
        // What the form does not show is never written: a merge or a withdrawal since.
        let mut merged = base.clone();
        merged.merged_into = Some(DocId::new_v7(1_760_000_000_001, [9; 10]));
        merged.consent.status = ConsentStatus::Withdrawn;
        merged.aliases.clear();
        let mut saved = merged.clone();
        saved.apply_form(&base, &base.clone());
        assert_eq!(saved, merged);
    }

    pub(crate) fn sample() -> PersonDoc {
        let worker = UserId::new_v7(1_700_000_000_000, [1; 10]);
        PersonDoc {
            id: DocId::new_v7(1_760_000_000_000, [5; 10]),
            aliases: vec!["Mamadou".into(), "محمد".into(), "ਸਿੰਘ".into()],
            birth_year: Some(1995),
            birth_year_estimated: true,
            gender: Gender::Man,
            country: "Senegal".into(),
            languages: vec!["fr".into(), "wo".into()],
            phone: None,
            documents: DocumentStatus::Expired,
            usual_place: "Synthetic farm road".into(),
            consent: Consent {
                status: ConsentStatus::Given,
                at: 1_760_000_000_000,
                recorded_by: worker,
                partners: vec!["pua-network".into()],
            },
            author: worker,
            team: TeamId::parse("bergamo-1").unwrap(),
            created_at: 1_760_000_000_000,
            merged_into: None,
        }
    }

    /// Found by the attacker's sixth probe: a name written into a field of codes came
    /// back quoted in the refusal, which the server logged.
    #[test]
    fn a_value_the_schema_refuses_is_not_quoted_in_the_error() {
        use automerge::transaction::Transactable;
        let p = sample();
        for (field, value) in [
            ("gender", "Mario Rossi +39 333"),
            ("team", "Mario Rossi"),
            ("documents", "Mario Rossi"),
        ] {
            let mut doc = schema::create(ActorId::from(vec![1u8; 16]), &p).unwrap();
            doc.put(automerge::ROOT, field, value).unwrap();
            let err = schema::read::<PersonDoc>(&doc).unwrap_err().to_string();
            assert!(!err.contains("Mario"), "{field}: {err}");
            assert!(
                err.contains("does not match the person schema"),
                "{field}: {err}"
            );
        }
    }

    #[test]
    fn a_person_round_trips_with_aliases_in_any_script() {
        let p = sample();
        let doc = schema::create(ActorId::from(vec![1u8; 16]), &p).unwrap();
        let back: PersonDoc = schema::read(&doc).unwrap();
        assert_eq!(back, p);
        assert!(schema::read::<super::super::ContactDoc>(&doc).is_err());
        assert!(p.validate_entry().is_ok());
    }

    #[test]
    fn withdrawing_consent_keeps_no_identifying_data() {
        let mut p = sample();
        p.withdraw_consent(1_760_000_100_000, p.author);
        assert!(!p.has_identifying_data());
        assert_eq!(p.consent.status, ConsentStatus::Withdrawn);
        assert!(p.validate_entry().is_ok());
        // An offline edit merged after the withdrawal is readable but not a valid entry.
        p.aliases.push("late alias".into());
        assert!(p.validate().is_ok());
        assert_eq!(
            p.validate_entry(),
            Err(ValidationError::IdentifyingWithoutConsent)
        );
    }

    /// The attacker's ninth probe: a record listing 10,000 languages.
    #[test]
    fn a_person_lists_a_bounded_number_of_languages() {
        let mut p = sample();
        p.languages = (0..MAX_LANGUAGES).map(|n| format!("l{n}")).collect();
        assert_eq!(p.validate(), Ok(()));
        p.languages.push("xx".into());
        assert_eq!(p.validate(), Err(ValidationError::TooManyLanguages));
    }

    #[test]
    fn languages_gender_and_documents_count_as_identifying_without_consent() {
        let mut blank = sample();
        blank.withdraw_consent(1_760_000_100_000, blank.author);
        let refills: [fn(&mut PersonDoc); 5] = [
            |p| p.languages.push("wo".into()),
            |p| p.gender = Gender::Man,
            |p| p.documents = DocumentStatus::Expired,
            |p| p.birth_year_estimated = true,
            |p| p.consent.partners.push("pua-network".into()),
        ];
        for refill in refills {
            let mut p = blank.clone();
            refill(&mut p);
            assert!(p.has_identifying_data(), "{p:?}");
            assert_eq!(
                p.validate_entry(),
                Err(ValidationError::IdentifyingWithoutConsent)
            );
        }
    }

    #[test]
    fn a_document_without_the_merge_field_reads_as_a_person_of_their_own() {
        let p = sample();
        let mut doc = schema::create(ActorId::from(vec![1u8; 16]), &p).unwrap();
        automerge::transaction::Transactable::delete(&mut doc, automerge::ROOT, "merged_into")
            .unwrap();
        let back: PersonDoc = schema::read(&doc).unwrap();
        assert_eq!(back.merged_into, None);
        assert_eq!(back, p);
    }

    #[test]
    fn an_edit_written_from_a_stale_copy_keeps_the_merge() {
        let p = sample();
        let mut doc = schema::create(ActorId::from(vec![1u8; 16]), &p).unwrap();
        let survivor = DocId::new_v7(1_760_000_000_001, [6; 10]);
        // The server merges the person while the worker's form holds the old copy.
        let mut merged = p.clone();
        merged.merged_into = Some(survivor);
        schema::update(&mut doc, &merged).unwrap();
        let mut edit = p.clone();
        edit.country = "Mali".into();
        let current: PersonDoc = schema::read(&doc).unwrap();
        edit.keep_server_fields(&current);
        schema::update(&mut doc, &edit).unwrap();
        let back: PersonDoc = schema::read(&doc).unwrap();
        assert_eq!(back.merged_into, Some(survivor));
        assert_eq!(back.country, "Mali");
    }

    #[test]
    fn a_struct_without_the_merge_field_leaves_it_in_the_document() {
        // What an app built before merges existed writes: its struct has no such field.
        #[derive(Reconcile)]
        struct OldPerson {
            country: String,
        }
        let p = sample();
        let mut doc = schema::create(ActorId::from(vec![1u8; 16]), &p).unwrap();
        let survivor = DocId::new_v7(1_760_000_000_001, [6; 10]);
        let mut merged = p.clone();
        merged.merged_into = Some(survivor);
        schema::update(&mut doc, &merged).unwrap();
        autosurgeon::reconcile(
            &mut doc,
            &OldPerson {
                country: "Mali".into(),
            },
        )
        .unwrap();
        let back: PersonDoc = schema::read(&doc).unwrap();
        assert_eq!(back.merged_into, Some(survivor));
        assert_eq!(back.country, "Mali");
    }

    #[test]
    fn bad_fields_are_refused() {
        let mut p = sample();
        p.aliases = vec![" ".into()];
        assert_eq!(p.validate(), Err(ValidationError::EmptyAlias));
        let mut p = sample();
        p.birth_year = Some(1800);
        assert_eq!(p.validate(), Err(ValidationError::BirthYear));
        let mut p = sample();
        p.aliases.clear();
        assert_eq!(p.validate_entry(), Err(ValidationError::NoAlias));
    }
}
