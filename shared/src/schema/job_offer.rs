//! The job offer document: the survey of local job demand (*rilevazione della domanda di
//! lavoro*). The labour-policy expert records what employers of the territory look for;
//! a PIP's work plan proposes the offers that match the person (`crate::jobs`).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::case::{MAX_CASE_SHORT, MAX_CASE_TEXT, valid_date};
use super::shape::Shape;
use super::{DocType, Document, ValidationError};
use crate::domain::Place;
use crate::ids::{DocId, TeamId, UserId};
use crate::vocab::Sector;

/// Most positions one offer counts.
pub const MAX_POSITIONS: i64 = 10_000;

/// A job offer as stored in its automerge document (schema version 1).
///
/// Do not rename or retype fields: see the module note in `schema`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct JobOfferDoc {
    pub id: DocId,
    /// The employer's name.
    pub employer: String,
    pub sector: Sector,
    /// The area in words ("Bassa bergamasca"), or empty.
    pub area: String,
    /// Where the work is, when known.
    pub place: Option<Place>,
    /// How many people are looked for (at least 1).
    pub positions: i64,
    /// Languages useful for the job (ISO 639-1 codes).
    #[autosurgeon(with = "super::sets::string_set")]
    pub languages: Vec<String>,
    /// The season it covers, `YYYY-MM-DD` (either may be open).
    pub from: Option<String>,
    pub to: Option<String>,
    pub note: String,
    pub author: UserId,
    pub team: TeamId,
    /// Unix ms.
    pub created_at: i64,
}

impl JobOfferDoc {
    /// Whether the offer covers `date` (`YYYY-MM-DD`): open ends cover everything.
    pub fn covers(&self, date: &str) -> bool {
        self.from.as_deref().is_none_or(|f| f <= date)
            && self.to.as_deref().is_none_or(|t| date <= t)
    }
}

impl Document for JobOfferDoc {
    const TYPE: DocType = DocType::JobOffer;
    const SCHEMA: u64 = 1;
    const SHAPE: &'static [(&'static str, Shape)] = &[
        ("id", Shape::Value),
        ("employer", Shape::Value),
        ("sector", Shape::Value),
        ("area", Shape::Value),
        (
            "place",
            Shape::Map(&[
                ("lat", Shape::Value),
                ("lon", Shape::Value),
                ("accuracy_m", Shape::Value),
            ]),
        ),
        ("positions", Shape::Value),
        ("languages", Shape::Set),
        ("from", Shape::Value),
        ("to", Shape::Value),
        ("note", Shape::Value),
        ("author", Shape::Value),
        ("team", Shape::Value),
        ("created_at", Shape::Value),
    ];

    fn id(&self) -> DocId {
        self.id
    }

    fn free_texts_mut(&mut self) -> Vec<&mut String> {
        vec![&mut self.employer, &mut self.area, &mut self.note]
    }

    fn validate(&self) -> Result<(), ValidationError> {
        let employer = self.employer.trim();
        if employer.is_empty() || employer.chars().count() > MAX_CASE_SHORT {
            return Err(ValidationError::JobOffer);
        }
        if self.area.chars().count() > MAX_CASE_SHORT
            || self.note.chars().count() > MAX_CASE_TEXT
            || self.languages.len() > 50
            || self
                .languages
                .iter()
                .any(|l| l.chars().count() > MAX_CASE_SHORT)
            || !(1..=MAX_POSITIONS).contains(&self.positions)
        {
            return Err(ValidationError::JobOffer);
        }
        if let Some(p) = &self.place {
            let ok = (-90.0..=90.0).contains(&p.lat)
                && (-180.0..=180.0).contains(&p.lon)
                && p.accuracy_m.is_none_or(|a| a.is_finite() && a >= 0.0);
            if !ok {
                return Err(ValidationError::PlaceOutOfRange);
            }
        }
        for d in [&self.from, &self.to].into_iter().flatten() {
            if !valid_date(d) {
                return Err(ValidationError::CaseDate);
            }
        }
        if let (Some(f), Some(t)) = (&self.from, &self.to)
            && f > t
        {
            return Err(ValidationError::CaseDate);
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::schema;

    pub fn sample() -> JobOfferDoc {
        JobOfferDoc {
            id: DocId::new_v7(1_760_000_000_000, [7; 10]),
            employer: "Synthetic Farm Srl".into(),
            sector: Sector::Agriculture,
            area: "Bassa bergamasca".into(),
            place: Some(Place {
                lat: 45.5,
                lon: 9.7,
                accuracy_m: None,
            }),
            positions: 4,
            languages: vec!["it".into(), "pa".into()],
            from: Some("2026-06-01".into()),
            to: Some("2026-09-30".into()),
            note: String::new(),
            author: UserId::new_v7(1_760_000_000_000, [1; 10]),
            team: TeamId::parse("centrale").unwrap(),
            created_at: 1_760_000_000_000,
        }
    }

    #[test]
    fn an_offer_round_trips_and_keeps_its_rules() {
        let o = sample();
        let doc = schema::create(automerge::ActorId::from(vec![1u8; 16]), &o).unwrap();
        assert_eq!(schema::read::<JobOfferDoc>(&doc).unwrap(), o);
        assert_eq!(schema::check_shape::<JobOfferDoc>(&doc), Ok(()));
        assert!(o.covers("2026-07-01") && !o.covers("2026-10-01"));
        let bad = JobOfferDoc {
            positions: 0,
            ..o.clone()
        };
        assert_eq!(bad.validate(), Err(ValidationError::JobOffer));
        let bad = JobOfferDoc {
            from: Some("2026-10-01".into()),
            ..o
        };
        assert_eq!(bad.validate(), Err(ValidationError::CaseDate));
    }
}
