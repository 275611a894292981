//! The case document: the PUA takes a person in charge (*presa in carico*). It holds the
//! first meeting, the access conditions checked, the exploitation assessment (the ILO
//! indicators graded), the eligibility decision, who follows the case, the **PIP**
//! (interventions and a work-reintegration plan), its reviews, and its closure with an
//! outcome.
//!
//! Collections are laid out so that concurrent edits on two laptops merge: interventions
//! and graded indicators are maps keyed by their id or code (two people adding different
//! ones keep both; editing different fields of one keeps both edits), reviews a list
//! (concurrent reviews are both kept). Dates are `YYYY-MM-DD` (the exchange format's).
//!
//! Case documents are the most sensitive data in the product: the server keeps them to the
//! case roles (`Role::reads_cases`), never on a field device.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::shape::Shape;
use super::{DocType, Document, ValidationError};
use crate::domain::NeedCategory;
use crate::ids::{DocId, TeamId, UserId};
use crate::vocab::{Code, Decision, Indicator, InterventionStatus, Mediator, Outcome, Strength};

/// Longest free text of a case (reasons, notes, evidence, skills), in characters.
pub const MAX_CASE_TEXT: usize = 2000;
/// Longest short field (a code, a name, a language), in characters.
pub const MAX_CASE_SHORT: usize = 120;
/// Most interventions one PIP holds.
pub const MAX_INTERVENTIONS: usize = 200;
/// Most reviews one case holds.
pub const MAX_REVIEWS: usize = 500;
/// Most items in a case's sets (access conditions, criteria, languages, offers).
pub const MAX_CASE_ITEMS: usize = 100;

/// How the first meeting of a case happened.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct FirstMeeting {
    /// A first-meeting mode of the PUA's rules (`desk`, `listening_centre`, …).
    pub mode: String,
    pub date: Option<String>,
    /// The language spoken (an ISO 639-1 code, or as typed).
    pub language: String,
    pub mediator: Mediator,
}

/// The eligibility decision, with the criteria of the PUA's rules found met.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Eligibility {
    pub decision: Decision,
    /// Required with a decision other than pending.
    pub at: Option<String>,
    /// Required with a decision other than pending.
    pub reasons: String,
    /// Codes of the eligibility criteria met.
    #[autosurgeon(with = "super::sets::string_set")]
    pub criteria: Vec<String>,
}

/// One ILO indicator as assessed: how strongly it is present, and on what evidence.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Grade {
    /// `strong`, `medium` or `weak` ([`Strength`]); kept as text so that anything else
    /// is refused with its own reason rather than as an unreadable document.
    pub strength: String,
    pub evidence: String,
}

impl Grade {
    pub fn strength(&self) -> Option<Strength> {
        Strength::from_code(&self.strength)
    }
}

/// The exploitation assessment: the ILO indicators graded, and an overall judgement.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Assessment {
    /// By indicator code.
    pub indicators: BTreeMap<String, Grade>,
    /// An overall judgement of the PUA's rules (`exploitation`, `at_risk`, …), or empty.
    pub judgement: String,
    pub note: String,
    pub at: Option<String>,
}

/// One intervention of the PIP.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Intervention {
    pub need: NeedCategory,
    /// The directory service, when picked from the directory.
    pub service_id: Option<String>,
    /// The partner's name (the service's organisation, or as typed).
    pub partner: String,
    pub planned_at: String,
    /// Present exactly when the status is done.
    pub done_at: Option<String>,
    pub status: InterventionStatus,
    /// The referral sending it to the partner created, once sent.
    pub referral_id: Option<DocId>,
    pub note: String,
}

/// The work-reintegration plan of the PIP.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct WorkPlan {
    pub skills: String,
    #[autosurgeon(with = "super::sets::string_set")]
    pub languages: Vec<String>,
    pub training: String,
    /// Ids of the job offers matched to the person.
    #[autosurgeon(with = "super::sets::string_set")]
    pub offers: Vec<String>,
    /// The sector the person looks for work in (a `Sector` code), or empty.
    pub sector: String,
}

/// A review of the PIP: which planned interventions really happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct Review {
    pub at: String,
    pub note: String,
    pub by: UserId,
}

/// A case as stored in its automerge document (schema version 1).
///
/// Do not rename or retype fields: see the module note in `schema`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct CaseDoc {
    pub id: DocId,
    /// The person taken in charge (counted under whoever they were merged into).
    pub person_id: DocId,
    /// The team the person belongs to.
    pub team: TeamId,
    /// Who opened the case.
    pub author: UserId,
    /// Unix ms.
    pub created_at: i64,
    /// The date of the *presa in carico*.
    pub opened_at: String,
    /// The contact the case was opened from, if any.
    pub contact_id: Option<DocId>,
    /// The version of the PUA's rules the case is assessed under (0: none yet).
    pub rules_version: u64,
    /// The social-services expert following the case (a user name), or empty.
    pub case_manager: String,
    /// The labour-policy expert following the work plan (a user name), or empty.
    pub labour_expert: String,
    pub first_meeting: FirstMeeting,
    /// Codes of the access conditions found met.
    #[autosurgeon(with = "super::sets::string_set")]
    pub access: Vec<String>,
    pub eligibility: Eligibility,
    pub assessment: Assessment,
    /// The PIP's interventions, by id.
    pub interventions: BTreeMap<String, Intervention>,
    pub work_plan: WorkPlan,
    /// Oldest first.
    pub reviews: Vec<Review>,
    /// Present exactly when the outcome is.
    pub closed_at: Option<String>,
    pub outcome: Option<Outcome>,
}

/// Whether `s` is a date `YYYY-MM-DD` between 2000 and 2100.
pub fn valid_date(s: &str) -> bool {
    s.len() == 10
        && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .is_ok_and(|d| (2000..=2100).contains(&chrono::Datelike::year(&d)))
}

impl CaseDoc {
    /// The first field recording a fact (the opening, the first meeting, the
    /// assessment, the decision, an intervention done, a review, the closure) dated
    /// after `last_day` (`YYYY-MM-DD`) that is new or changed since `old`: what happened
    /// is not dated ahead (a new user's walk: a case closed "on the 20th" left the open cases on the
    /// 7th, and the list and the report disagreed). Planned days may be ahead.
    pub fn dated_ahead(&self, old: Option<&CaseDoc>, last_day: &str) -> Option<&'static str> {
        let ahead = |new: Option<&String>, was: Option<&String>| {
            new.is_some_and(|d| d.as_str() > last_day && Some(d) != was)
        };
        let o = old;
        // Its opening too (the attacker's fifteenth probe: a case opened "in 2099" left
        // the quarter's active cases).
        if ahead(Some(&self.opened_at), o.map(|o| &o.opened_at)) {
            return Some("opened_at");
        }
        if ahead(
            self.first_meeting.date.as_ref(),
            o.and_then(|o| o.first_meeting.date.as_ref()),
        ) {
            return Some("first_meeting.date");
        }
        if ahead(
            self.assessment.at.as_ref(),
            o.and_then(|o| o.assessment.at.as_ref()),
        ) {
            return Some("assessment.at");
        }
        if ahead(
            self.eligibility.at.as_ref(),
            o.and_then(|o| o.eligibility.at.as_ref()),
        ) {
            return Some("eligibility.at");
        }
        for (key, i) in &self.interventions {
            let was = o.and_then(|o| o.interventions.get(key)?.done_at.as_ref());
            if ahead(i.done_at.as_ref(), was) {
                return Some("interventions.done_at");
            }
        }
        for r in &self.reviews {
            if r.at.as_str() > last_day && !o.is_some_and(|o| o.reviews.contains(r)) {
                return Some("reviews.at");
            }
        }
        if ahead(
            self.closed_at.as_ref(),
            o.and_then(|o| o.closed_at.as_ref()),
        ) {
            return Some("closed_at");
        }
        None
    }
}

impl CaseDoc {
    /// The first of the case's later facts (a review, an intervention done, the
    /// closure) dated before its opening, new or changed since `old` (the verification
    /// of this session's fixes: a case taken in charge on 26/10 was closed on 12/04).
    pub fn dated_before_opening(&self, old: Option<&CaseDoc>) -> Option<&'static str> {
        let opened = self.opened_at.as_str();
        let before = |d: &String| valid_date(d) && d.as_str() < opened;
        if let Some(d) = &self.closed_at
            && before(d)
            && old.is_none_or(|o| o.closed_at.as_ref() != Some(d) || o.opened_at != self.opened_at)
        {
            return Some("closed_at");
        }
        for (key, i) in &self.interventions {
            if let Some(d) = &i.done_at
                && before(d)
                && old.is_none_or(|o| {
                    o.interventions.get(key).and_then(|x| x.done_at.as_ref()) != Some(d)
                        || o.opened_at != self.opened_at
                })
            {
                return Some("interventions.done_at");
            }
        }
        for r in &self.reviews {
            if before(&r.at)
                && old.is_none_or(|o| !o.reviews.contains(r) || o.opened_at != self.opened_at)
            {
                return Some("reviews.at");
            }
        }
        None
    }
}

/// The date `days` after `date` (`YYYY-MM-DD`), if it is one.
pub fn add_days(date: &str, days: i64) -> Option<String> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some(
        (d + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string(),
    )
}

fn text(s: &str, max: usize) -> Result<(), ValidationError> {
    if s.chars().count() > max {
        return Err(ValidationError::CaseTextTooLong);
    }
    Ok(())
}

fn date(s: &str) -> Result<(), ValidationError> {
    if valid_date(s) {
        Ok(())
    } else {
        Err(ValidationError::CaseDate)
    }
}

fn items(v: &[String]) -> Result<(), ValidationError> {
    if v.len() > MAX_CASE_ITEMS {
        return Err(ValidationError::CaseTextTooLong);
    }
    v.iter().try_for_each(|s| text(s, MAX_CASE_SHORT))
}

/// The stages of a case, in order ([`CaseDoc::stage`]).
pub const STAGES: [&str; 6] = [
    "intake",
    "assessed",
    "eligible",
    "not_eligible",
    "pip",
    "closed",
];

impl CaseDoc {
    /// A new open case of `person`, opened today by `author`.
    pub fn new(
        id: DocId,
        person_id: DocId,
        team: TeamId,
        author: UserId,
        created_at: i64,
        opened_at: String,
    ) -> CaseDoc {
        CaseDoc {
            id,
            person_id,
            team,
            author,
            created_at,
            opened_at,
            contact_id: None,
            rules_version: 0,
            case_manager: String::new(),
            labour_expert: String::new(),
            first_meeting: FirstMeeting::default(),
            access: Vec::new(),
            eligibility: Eligibility::default(),
            assessment: Assessment::default(),
            interventions: BTreeMap::new(),
            work_plan: WorkPlan::default(),
            reviews: Vec::new(),
            closed_at: None,
            outcome: None,
        }
    }

    pub fn is_open(&self) -> bool {
        self.closed_at.is_none()
    }

    /// When the next review falls due: `interval_days` after the last review, or after
    /// the opening when there is none yet. `None` for a closed case.
    pub fn review_due(&self, interval_days: i64) -> Option<String> {
        if !self.is_open() {
            return None;
        }
        self.review_due_as_of(interval_days, "9999-12-31")
    }

    /// When the next review fell due as the case stood at the end of `day`
    /// (`YYYY-MM-DD`): only the reviews dated by then count.
    pub fn review_due_as_of(&self, interval_days: i64, day: &str) -> Option<String> {
        let last = self
            .reviews
            .iter()
            .map(|r| r.at.as_str())
            .filter(|d| valid_date(d) && *d <= day)
            .max()
            .unwrap_or(&self.opened_at);
        add_days(last, interval_days)
    }

    /// Interventions whose status is not cancelled, and how many of them are done: the
    /// PIP's implementation so far.
    pub fn implementation(&self) -> (usize, usize) {
        let live: Vec<&Intervention> = self
            .interventions
            .values()
            .filter(|i| i.status != InterventionStatus::Cancelled)
            .collect();
        let done = live
            .iter()
            .filter(|i| i.status == InterventionStatus::Done)
            .count();
        (live.len(), done)
    }

    /// Where the case stands (a code, [`STAGES`]): `closed`; else `pip` once an
    /// intervention is planned and not cancelled; else the eligibility decided
    /// (`eligible`, `not_eligible`); else `assessed` once the assessment holds anything;
    /// else `intake` (a new user's walk: a case read "Aperto" from intake to its PIP).
    pub fn stage(&self) -> &'static str {
        if !self.is_open() {
            "closed"
        } else if self.implementation().0 > 0 {
            "pip"
        } else if self.eligibility.decision == Decision::Eligible {
            "eligible"
        } else if self.eligibility.decision == Decision::NotEligible {
            "not_eligible"
        } else if self.assessment.at.is_some()
            || !self.assessment.indicators.is_empty()
            || !self.assessment.judgement.is_empty()
        {
            "assessed"
        } else {
            "intake"
        }
    }

    /// The interventions still to do whose planned day is before `today` (`YYYY-MM-DD`).
    pub fn late_interventions(&self, today: &str) -> usize {
        self.interventions
            .values()
            .filter(|i| {
                matches!(
                    i.status,
                    InterventionStatus::Planned | InterventionStatus::InProgress
                ) && valid_date(&i.planned_at)
                    && i.planned_at.as_str() < today
            })
            .count()
    }

    /// The free texts of the case: what a withdrawal of consent clears of the person's
    /// names.
    fn texts_mut(&mut self) -> Vec<&mut String> {
        let mut out = vec![
            &mut self.eligibility.reasons,
            &mut self.assessment.note,
            &mut self.work_plan.skills,
            &mut self.work_plan.training,
        ];
        for g in self.assessment.indicators.values_mut() {
            out.push(&mut g.evidence);
        }
        for i in self.interventions.values_mut() {
            out.push(&mut i.note);
        }
        for r in &mut self.reviews {
            out.push(&mut r.note);
        }
        out
    }

    /// The person withdrew consent: the case keeps no identifying data. Its free texts
    /// (reasons, evidence, notes, skills, training) describe the person whatever names
    /// they hold, so each one written becomes [`super::erase::ERASED`]; the first
    /// meeting's language and the work plan's languages go. The decisions, dates, grades,
    /// interventions and outcome stay, so the case still counts.
    pub fn erase_person(&mut self) {
        for t in self.texts_mut() {
            if !t.is_empty() {
                *t = super::erase::ERASED.to_string();
            }
        }
        self.first_meeting.language.clear();
        self.work_plan.languages.clear();
    }

    /// Whether the case holds any data a withdrawal erases.
    pub fn has_identifying_data(&self) -> bool {
        let mut copy = self.clone();
        let erased = super::erase::ERASED;
        !self.first_meeting.language.is_empty()
            || !self.work_plan.languages.is_empty()
            || copy
                .texts_mut()
                .iter()
                .any(|t| !t.is_empty() && t.as_str() != erased)
    }
}

impl Document for CaseDoc {
    const TYPE: DocType = DocType::Case;
    const SCHEMA: u64 = 1;
    const SHAPE: &'static [(&'static str, Shape)] = &[
        ("id", Shape::Value),
        ("person_id", Shape::Value),
        ("team", Shape::Value),
        ("author", Shape::Value),
        ("created_at", Shape::Value),
        ("opened_at", Shape::Value),
        ("contact_id", Shape::Value),
        ("rules_version", Shape::Value),
        ("case_manager", Shape::Value),
        ("labour_expert", Shape::Value),
        (
            "first_meeting",
            Shape::Map(&[
                ("mode", Shape::Value),
                ("date", Shape::Value),
                ("language", Shape::Value),
                ("mediator", Shape::Value),
            ]),
        ),
        ("access", Shape::Set),
        (
            "eligibility",
            Shape::Map(&[
                ("decision", Shape::Value),
                ("at", Shape::Value),
                ("reasons", Shape::Value),
                ("criteria", Shape::Set),
            ]),
        ),
        (
            "assessment",
            Shape::Map(&[
                (
                    "indicators",
                    Shape::Keyed(&Shape::Map(&[
                        ("strength", Shape::Value),
                        ("evidence", Shape::Value),
                    ])),
                ),
                ("judgement", Shape::Value),
                ("note", Shape::Value),
                ("at", Shape::Value),
            ]),
        ),
        (
            "interventions",
            Shape::Keyed(&Shape::Map(&[
                ("need", Shape::Value),
                ("service_id", Shape::Value),
                ("partner", Shape::Value),
                ("planned_at", Shape::Value),
                ("done_at", Shape::Value),
                ("status", Shape::Value),
                ("referral_id", Shape::Value),
                ("note", Shape::Value),
            ])),
        ),
        (
            "work_plan",
            Shape::Map(&[
                ("skills", Shape::Value),
                ("languages", Shape::Set),
                ("training", Shape::Value),
                ("offers", Shape::Set),
                ("sector", Shape::Value),
            ]),
        ),
        (
            "reviews",
            Shape::List(&Shape::Map(&[
                ("at", Shape::Value),
                ("note", Shape::Value),
                ("by", Shape::Value),
            ])),
        ),
        ("closed_at", Shape::Value),
        ("outcome", Shape::Value),
    ];

    fn id(&self) -> DocId {
        self.id
    }

    fn free_texts_mut(&mut self) -> Vec<&mut String> {
        self.texts_mut()
    }

    fn validate(&self) -> Result<(), ValidationError> {
        date(&self.opened_at)?;
        for s in [&self.case_manager, &self.labour_expert] {
            text(s, MAX_CASE_SHORT)?;
        }
        let m = &self.first_meeting;
        text(&m.mode, MAX_CASE_SHORT)?;
        text(&m.language, MAX_CASE_SHORT)?;
        if let Some(d) = &m.date {
            date(d)?;
        }
        items(&self.access)?;
        let e = &self.eligibility;
        items(&e.criteria)?;
        text(&e.reasons, MAX_CASE_TEXT)?;
        if let Some(d) = &e.at {
            date(d)?;
        }
        if e.decision != Decision::Pending && (e.at.is_none() || e.reasons.trim().is_empty()) {
            return Err(ValidationError::EligibilityIncomplete);
        }
        let a = &self.assessment;
        if a.indicators.len() > Indicator::ALL.len() {
            return Err(ValidationError::AssessmentGrade);
        }
        for (code, g) in &a.indicators {
            if Indicator::from_code(code).is_none() || g.strength().is_none() {
                return Err(ValidationError::AssessmentGrade);
            }
            text(&g.evidence, MAX_CASE_TEXT)?;
        }
        text(&a.judgement, MAX_CASE_SHORT)?;
        text(&a.note, MAX_CASE_TEXT)?;
        if let Some(d) = &a.at {
            date(d)?;
        }
        if self.interventions.len() > MAX_INTERVENTIONS {
            return Err(ValidationError::CaseTextTooLong);
        }
        for (id, i) in &self.interventions {
            text(id, MAX_CASE_SHORT)?;
            text(&i.partner, MAX_CASE_SHORT)?;
            text(&i.note, MAX_CASE_TEXT)?;
            if let Some(s) = &i.service_id {
                text(s, MAX_CASE_SHORT)?;
            }
            date(&i.planned_at)?;
            match (&i.done_at, i.status) {
                (Some(d), InterventionStatus::Done) => date(d)?,
                (None, InterventionStatus::Done) | (Some(_), _) => {
                    return Err(ValidationError::InterventionDate);
                }
                (None, _) => {}
            }
        }
        let w = &self.work_plan;
        text(&w.skills, MAX_CASE_TEXT)?;
        text(&w.training, MAX_CASE_TEXT)?;
        text(&w.sector, MAX_CASE_SHORT)?;
        items(&w.languages)?;
        items(&w.offers)?;
        if self.reviews.len() > MAX_REVIEWS {
            return Err(ValidationError::CaseTextTooLong);
        }
        for r in &self.reviews {
            date(&r.at)?;
            text(&r.note, MAX_CASE_TEXT)?;
        }
        match (&self.closed_at, self.outcome) {
            (Some(d), Some(_)) => date(d),
            (None, None) => Ok(()),
            _ => Err(ValidationError::OutcomeRequired),
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::schema;

    pub fn sample() -> CaseDoc {
        let me = UserId::new_v7(1_760_000_000_000, [1; 10]);
        let mut c = CaseDoc::new(
            DocId::new_v7(1_760_000_000_000, [5; 10]),
            DocId::new_v7(1_760_000_000_000, [2; 10]),
            TeamId::parse("bergamo-1").unwrap(),
            me,
            1_760_000_000_000,
            "2026-03-02".into(),
        );
        c.assessment.indicators.insert(
            "deception".into(),
            Grade {
                strength: "strong".into(),
                evidence: "Synthetic: promised a contract".into(),
            },
        );
        c.interventions.insert(
            "i1".into(),
            Intervention {
                need: NeedCategory::Shelter,
                service_id: None,
                partner: "Synthetic shelter".into(),
                planned_at: "2026-03-10".into(),
                done_at: None,
                status: InterventionStatus::Planned,
                referral_id: None,
                note: String::new(),
            },
        );
        c.reviews.push(Review {
            at: "2026-04-01".into(),
            note: "Synthetic review".into(),
            by: me,
        });
        c
    }

    #[test]
    fn a_case_round_trips_through_its_document_and_has_its_shape() {
        let c = sample();
        let doc = schema::create(automerge::ActorId::from(vec![1u8; 16]), &c).unwrap();
        assert_eq!(schema::read::<CaseDoc>(&doc).unwrap(), c);
        assert_eq!(schema::check_shape::<CaseDoc>(&doc), Ok(()));
    }

    #[test]
    fn a_case_says_where_it_stands_and_which_interventions_are_late() {
        let mut c = sample();
        // The sample has a graded indicator and a planned intervention.
        assert_eq!(c.stage(), "pip");
        assert_eq!(c.late_interventions("2026-03-10"), 0);
        assert_eq!(c.late_interventions("2026-03-11"), 1);
        c.interventions.get_mut("i1").unwrap().status = InterventionStatus::Cancelled;
        assert_eq!(c.late_interventions("2026-03-11"), 0);
        assert_eq!(c.stage(), "assessed");
        c.eligibility.decision = Decision::NotEligible;
        assert_eq!(c.stage(), "not_eligible");
        c.eligibility.decision = Decision::Pending;
        c.assessment.indicators.clear();
        assert_eq!(c.stage(), "intake");
        c.closed_at = Some("2026-06-01".into());
        assert_eq!(c.stage(), "closed");
        assert!(STAGES.contains(&c.stage()));
    }

    #[test]
    fn the_rules_a_case_keeps() {
        let mut c = sample();
        c.closed_at = Some("2026-06-01".into());
        assert_eq!(c.validate(), Err(ValidationError::OutcomeRequired));
        c.outcome = Some(Outcome::Emerged);
        assert_eq!(c.validate(), Ok(()));

        let mut c = sample();
        c.eligibility.decision = Decision::Eligible;
        assert_eq!(c.validate(), Err(ValidationError::EligibilityIncomplete));
        c.eligibility.at = Some("2026-03-05".into());
        assert_eq!(c.validate(), Err(ValidationError::EligibilityIncomplete));
        c.eligibility.reasons = "Synthetic: criteria met".into();
        assert_eq!(c.validate(), Ok(()));

        let mut c = sample();
        c.interventions.get_mut("i1").unwrap().status = InterventionStatus::Done;
        assert_eq!(c.validate(), Err(ValidationError::InterventionDate));
        c.interventions.get_mut("i1").unwrap().done_at = Some("2026-03-11".into());
        assert_eq!(c.validate(), Ok(()));

        let mut c = sample();
        c.assessment
            .indicators
            .get_mut("deception")
            .unwrap()
            .strength = "extreme".into();
        assert_eq!(c.validate(), Err(ValidationError::AssessmentGrade));

        let mut c = sample();
        c.opened_at = "2026-13-01".into();
        assert_eq!(c.validate(), Err(ValidationError::CaseDate));
    }

    #[test]
    fn reviews_fall_due_from_the_last_one_and_implementation_counts_live_interventions() {
        let mut c = sample();
        assert_eq!(c.review_due(30).as_deref(), Some("2026-05-01"));
        c.reviews.clear();
        assert_eq!(c.review_due(30).as_deref(), Some("2026-04-01"));
        assert_eq!(c.implementation(), (1, 0));
        c.closed_at = Some("2026-06-01".into());
        c.outcome = Some(Outcome::Emerged);
        assert_eq!(c.review_due(30), None);
    }

    #[test]
    fn concurrent_interventions_and_reviews_are_both_kept() {
        let c = sample();
        let mut a = schema::create(automerge::ActorId::from(vec![1u8; 16]), &c).unwrap();
        let mut b = a.fork().with_actor(automerge::ActorId::from(vec![2u8; 16]));
        let mut ca = c.clone();
        ca.interventions.insert(
            "a".into(),
            Intervention {
                need: NeedCategory::Health,
                service_id: None,
                partner: "Synthetic clinic".into(),
                planned_at: "2026-03-12".into(),
                done_at: None,
                status: InterventionStatus::Planned,
                referral_id: None,
                note: String::new(),
            },
        );
        ca.interventions.get_mut("i1").unwrap().note = "Synthetic note".into();
        schema::update(&mut a, &ca).unwrap();
        let mut cb = c.clone();
        cb.interventions.get_mut("i1").unwrap().status = InterventionStatus::InProgress;
        cb.reviews.push(Review {
            at: "2026-05-01".into(),
            note: String::new(),
            by: c.author,
        });
        schema::update(&mut b, &cb).unwrap();
        a.merge(&mut b).unwrap();
        let merged: CaseDoc = schema::read(&a).unwrap();
        assert_eq!(merged.interventions.len(), 2);
        let i1 = &merged.interventions["i1"];
        assert_eq!(i1.note, "Synthetic note");
        assert_eq!(i1.status, InterventionStatus::InProgress);
        assert_eq!(merged.reviews.len(), 2);
    }

    #[test]
    fn a_withdrawal_leaves_no_name_in_the_case() {
        let mut c = sample();
        c.eligibility.reasons = "Karim meets the criteria".into();
        c.work_plan.languages = vec!["ar".into()];
        assert!(c.has_identifying_data());
        c.erase_person();
        assert!(!c.has_identifying_data());
        assert_eq!(c.eligibility.reasons, "[…]");
        assert!(c.work_plan.languages.is_empty());
        assert_eq!(c.validate(), Ok(()));
    }
}
