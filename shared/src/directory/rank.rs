//! Ranking services for a person in front of the worker: by need, distance, "open now",
//! language and the access requirements the person meets.
//!
//! # The score
//! One row per service (its best location). The score is in *equivalent kilometres*,
//! lower is better, so that distance comes first and the other criteria weigh as a
//! detour would:
//!
//! | term | weight |
//! |---|---|
//! | distance from the worker (0 when the position is unknown) | 1 per km |
//! | closed now (hours known) | +3 |
//! | hours unknown, or no local time given | +1 |
//! | none of the person's languages spoken (when languages are given) | +2 |
//! | each requirement the person does not meet ([`RequirementCheck::Unmet`]) | +5 |
//! | each requirement to check with the person ([`RequirementCheck::ToCheck`]) | +0.5 |
//!
//! So an open service 2 km away comes before a closed one 0.5 km away, and a service the
//! person cannot enter (a permit required, none held) sinks unless nothing else is near.
//! Ties are broken by distance, then name, then id, so the order is deterministic.
//!
//! A need, when given, is a filter (a service must list that category); "open now only"
//! is a filter too (a location with unknown hours is not known to be open, so it is
//! left out; with no local time given the filter is not applied).
//!
//! # Requirements and the document situation
//! Only document requirements are judged against [`DocumentStatus`]; an unknown status
//! never makes a requirement unmet, only "to check":
//!
//! | requirement | unknown | none / expired / withheld | identity only | permit |
//! |---|---|---|---|---|
//! | identity document | to check | unmet | met | met |
//! | residence permit | to check | unmet | unmet | met |
//! | municipal residence | to check | unmet | to check (EU citizens) | to check |
//! | health card (tessera sanitaria or STP/ENI code, which needs no document) | to check | to check | to check | to check |
//!
//! Referral, appointment, adults/women/men only are conditions the worker reads
//! ([`RequirementCheck::Condition`]); they do not change the score.

use geo::{Distance, Haversine, Point};
use serde::{Deserialize, Serialize};

use super::{Directory, Location, OpeningHours, Requirement};
use crate::domain::{DocumentStatus, NeedCategory};
use crate::vocab::Gender;

/// The caller's local wall-clock time (the device's, or Europe/Rome on the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTime {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// 0..1440.
    pub minute_of_day: u16,
}

/// What the worker asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Query {
    /// Only services answering this need.
    pub need: Option<NeedCategory>,
    /// The worker's position (lat, lon) in WGS84 degrees.
    pub at: Option<(f64, f64)>,
    /// The person's languages (codes); empty = not asked.
    pub languages: Vec<String>,
    pub now: Option<LocalTime>,
    pub documents: DocumentStatus,
    /// The person's gender: a service for women only is unmet for a man, one for men
    /// only for a woman (a new user's walk: a man was offered women's shelters first).
    pub gender: Gender,
    pub open_now_only: bool,
    /// At most this many rows; 0 = all.
    pub max: usize,
}

/// One service, at its best location for the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub service_id: String,
    pub location_id: String,
    /// Metres from the worker; `None` without a position.
    pub distance_m: Option<f64>,
    /// `None` when the hours are unknown or no time was given.
    pub open_now: Option<bool>,
    /// The service speaks one of the person's languages (false when none are known).
    pub language_match: bool,
    /// Requirements the person does not meet today.
    pub unmet: Vec<Requirement>,
    /// Requirements to check with the person (unknown situation, or not decidable).
    pub to_check: Vec<Requirement>,
    /// Equivalent kilometres; lower is better (see the module doc).
    pub score: f64,
}

/// How one requirement stands for a person's document situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequirementCheck {
    Met,
    Unmet,
    ToCheck,
    /// Not about documents: a condition the worker reads (appointment, women only...).
    Condition,
}

impl Requirement {
    /// How this requirement stands for `docs` (see the module doc's table).
    pub fn check(self, docs: DocumentStatus) -> RequirementCheck {
        use RequirementCheck::*;
        let known = docs != DocumentStatus::Unknown;
        match self {
            Requirement::IdentityDocument if !known => ToCheck,
            Requirement::IdentityDocument if docs.has_identity_document() => Met,
            Requirement::IdentityDocument => Unmet,
            Requirement::ResidencePermit if !known => ToCheck,
            Requirement::ResidencePermit if docs.has_residence_permit() => Met,
            Requirement::ResidencePermit => Unmet,
            Requirement::MunicipalResidence if known && !docs.has_identity_document() => Unmet,
            Requirement::MunicipalResidence | Requirement::HealthCard => ToCheck,
            Requirement::Referral
            | Requirement::Appointment
            | Requirement::AdultsOnly
            | Requirement::WomenOnly
            | Requirement::MenOnly => Condition,
        }
    }
}

/// Whether a location is open at `now`; `None` when its hours are unknown.
pub fn is_open(schedule: &[OpeningHours], now: LocalTime) -> Option<bool> {
    if schedule.is_empty() {
        return None;
    }
    let m = now.minute_of_day;
    let yesterday = if now.weekday == 1 { 7 } else { now.weekday - 1 };
    Some(schedule.iter().any(|h| {
        let Some((o, c)) = h.minutes() else {
            return false;
        };
        if o < c {
            h.weekday == now.weekday && o <= m && m < c
        } else {
            // Spans midnight: the evening of its day and the morning after.
            (h.weekday == now.weekday && m >= o) || (h.weekday == yesterday && m < c)
        }
    }))
}

/// Great-circle distance in metres (Haversine, mean Earth radius).
pub fn distance_m(from: (f64, f64), to: (f64, f64)) -> f64 {
    Haversine.distance(Point::new(from.1, from.0), Point::new(to.1, to.0))
}

/// Ranks the directory's services for `q` (see the module doc). Pure.
pub fn rank(dir: &Directory, q: &Query) -> Vec<Ranked> {
    let mut rows: Vec<(Ranked, &str)> = Vec::new();
    for s in &dir.services {
        if q.need.is_some_and(|n| !s.categories.contains(&n)) {
            continue;
        }
        // Said only where the person's languages are known (a new user's walk: «Parla
        // la lingua della persona» on every service for a person of no known language);
        // with none known, no service is ranked lower for it.
        let language_match = s.languages.iter().any(|l| q.languages.contains(l));
        let (mut unmet, mut to_check) = (Vec::new(), Vec::new());
        for r in &s.requirements {
            if matches!(
                (r, q.gender),
                (Requirement::WomenOnly, Gender::Man) | (Requirement::MenOnly, Gender::Woman)
            ) {
                unmet.push(*r);
                continue;
            }
            match r.check(q.documents) {
                RequirementCheck::Unmet => unmet.push(*r),
                RequirementCheck::ToCheck => to_check.push(*r),
                RequirementCheck::Met | RequirementCheck::Condition => {}
            }
        }
        let fixed = if language_match || q.languages.is_empty() {
            0.0
        } else {
            2.0
        } + 5.0 * unmet.len() as f64
            + 0.5 * to_check.len() as f64;
        let best = dir
            .locations_of(&s.id)
            .filter_map(|l| {
                let open_now = q.now.and_then(|now| is_open(&l.schedule, now));
                if q.open_now_only && q.now.is_some() && open_now != Some(true) {
                    return None;
                }
                Some(row_for(l, q, open_now, fixed))
            })
            .min_by(order);
        if let Some((location_id, distance_m, open_now, score)) = best {
            rows.push((
                Ranked {
                    service_id: s.id.clone(),
                    location_id,
                    distance_m,
                    open_now,
                    language_match,
                    unmet,
                    to_check,
                    score,
                },
                s.name.as_str(),
            ));
        }
    }
    crate::sort::sort_by(&mut rows, |(a, an), (b, bn)| {
        a.score
            .total_cmp(&b.score)
            .then(cmp_distance(a.distance_m, b.distance_m))
            .then(an.cmp(bn))
            .then(a.service_id.cmp(&b.service_id))
    });
    if q.max > 0 {
        rows.truncate(q.max);
    }
    rows.into_iter().map(|(r, _)| r).collect()
}

type LocationRow = (String, Option<f64>, Option<bool>, f64);

fn row_for(l: &Location, q: &Query, open_now: Option<bool>, fixed: f64) -> LocationRow {
    let distance_m = q.at.map(|at| distance_m(at, (l.lat, l.lon)));
    let hours = match open_now {
        Some(true) => 0.0,
        Some(false) => 3.0,
        None => 1.0,
    };
    let score = distance_m.unwrap_or(0.0) / 1000.0 + hours + fixed;
    (l.id.clone(), distance_m, open_now, score)
}

fn order(a: &LocationRow, b: &LocationRow) -> std::cmp::Ordering {
    a.3.total_cmp(&b.3)
        .then(cmp_distance(a.1, b.1))
        .then(a.0.cmp(&b.0))
}

fn cmp_distance(a: Option<f64>, b: Option<f64>) -> std::cmp::Ordering {
    a.unwrap_or(f64::MAX).total_cmp(&b.unwrap_or(f64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::tests::{hours, sample};

    /// Bergamo, Piazza Matteotti (synthetic position).
    const BERGAMO: (f64, f64) = (45.6949, 9.6696);
    const MONDAY_NOON: LocalTime = LocalTime {
        weekday: 1,
        minute_of_day: 12 * 60,
    };

    fn ids(rows: &[Ranked]) -> Vec<&str> {
        rows.iter().map(|r| r.service_id.as_str()).collect()
    }

    #[test]
    fn haversine_distance_matches_a_known_figure() {
        // Bergamo → Milano Duomo is about 45 km as the crow flies.
        let d = distance_m(BERGAMO, (45.4642, 9.1900));
        assert!((d - 45_300.0).abs() < 700.0, "{d}");
        assert_eq!(distance_m(BERGAMO, BERGAMO), 0.0);
    }

    #[test]
    fn a_need_filters_services_by_category() {
        let d = sample();
        let q = Query {
            need: Some(NeedCategory::Food),
            ..Query::default()
        };
        assert_eq!(ids(&rank(&d, &q)), ["mensa"]);
        let q = Query {
            need: Some(NeedCategory::Protection),
            ..Query::default()
        };
        assert!(rank(&d, &q).is_empty());
        let q = Query::default();
        assert_eq!(rank(&d, &q).len(), 3);
    }

    #[test]
    fn the_nearest_location_of_a_service_is_chosen_and_distance_orders_the_list() {
        let d = sample();
        // In Treviglio, the second "casa" location is the nearer one.
        let q = Query {
            need: Some(NeedCategory::Housing),
            at: Some((45.5200, 9.5900)),
            documents: DocumentStatus::ResidencePermit,
            ..Query::default()
        };
        let r = rank(&d, &q);
        assert_eq!(r[0].location_id, "casa-2");
        assert!(r[0].distance_m.expect("distance") < 1_000.0);

        // Tuesday 10:00, 1.2 km from the (closed) night shelter and 2.6 km from the
        // (open) housing desk: 1.2 + 3 > 2.6, so the open one comes first.
        let tuesday = |h: u16| {
            Some(LocalTime {
                weekday: 2,
                minute_of_day: h * 60,
            })
        };
        let q = Query {
            need: Some(NeedCategory::Shelter),
            at: Some((45.6880, 9.6900)),
            documents: DocumentStatus::ResidencePermit,
            now: tuesday(10),
            ..Query::default()
        };
        let r = rank(&d, &q);
        assert_eq!(ids(&r), ["casa", "dormitorio"]);
        assert_eq!(r[0].open_now, Some(true));
        assert_eq!(r[1].open_now, Some(false));
        assert!(r[0].distance_m > r[1].distance_m);
        // At the shelter's door (55 m) it stays first even while closed: 0.06 + 3 < 3.8.
        let q = Query {
            at: Some((45.6900, 9.6750)),
            ..q
        };
        assert_eq!(ids(&rank(&d, &q)), ["dormitorio", "casa"]);
        // At 21:00 the shelter is open; the desk is closed.
        let q = Query {
            now: tuesday(21),
            ..q
        };
        let r = rank(&d, &q);
        assert_eq!(ids(&r), ["dormitorio", "casa"]);
        assert_eq!(r[0].open_now, Some(true));
    }

    #[test]
    fn scores_are_sorted_and_max_truncates() {
        let d = sample();
        let q = Query {
            at: Some(BERGAMO),
            now: Some(MONDAY_NOON),
            ..Query::default()
        };
        let r = rank(&d, &q);
        assert!(r.windows(2).all(|w| w[0].score <= w[1].score));
        let q = Query { max: 1, ..q };
        assert_eq!(rank(&d, &q).len(), 1);
    }

    #[test]
    fn open_now_follows_the_schedule_including_overnight_intervals() {
        let night = [hours(5, "20:00", "08:00")]; // Friday night into Saturday morning.
        let at = |weekday, h: u16, m: u16| LocalTime {
            weekday,
            minute_of_day: h * 60 + m,
        };
        assert_eq!(is_open(&night, at(5, 19, 59)), Some(false));
        assert_eq!(is_open(&night, at(5, 20, 0)), Some(true));
        assert_eq!(is_open(&night, at(6, 7, 59)), Some(true));
        assert_eq!(is_open(&night, at(6, 8, 0)), Some(false));
        assert_eq!(is_open(&night, at(4, 7, 0)), Some(false));
        let sunday_night = [hours(7, "21:00", "07:00")];
        assert_eq!(is_open(&sunday_night, at(1, 6, 0)), Some(true));
        let day = [hours(1, "09:00", "12:30"), hours(1, "14:00", "24:00")];
        assert_eq!(is_open(&day, at(1, 12, 30)), Some(false));
        assert_eq!(is_open(&day, at(1, 23, 59)), Some(true));
        assert_eq!(is_open(&day, at(2, 10, 0)), Some(false));
        assert_eq!(is_open(&[], at(1, 10, 0)), None);
    }

    #[test]
    fn open_now_only_drops_closed_locations() {
        let d = sample();
        let q = Query {
            open_now_only: true,
            now: Some(LocalTime {
                weekday: 6,
                minute_of_day: 12 * 60,
            }),
            ..Query::default()
        };
        // Saturday noon: only weekday services, all closed; the night shelter is closed.
        assert!(rank(&d, &q).is_empty());
        let q = Query {
            now: Some(MONDAY_NOON),
            ..q
        };
        let r = rank(&d, &q);
        assert_eq!(ids(&r), ["mensa", "casa"]);
        assert!(r.iter().all(|r| r.open_now == Some(true)));
        // Without a local time the filter cannot apply: everything is listed.
        let q = Query { now: None, ..q };
        assert_eq!(rank(&d, &q).len(), 3);
        assert!(rank(&d, &q).iter().all(|r| r.open_now.is_none()));
    }

    #[test]
    fn unmet_requirements_follow_the_document_situation_and_unknown_is_to_check() {
        let d = sample();
        let shelter = |docs| {
            let q = Query {
                need: Some(NeedCategory::Shelter),
                documents: docs,
                ..Query::default()
            };
            rank(&d, &q)
        };
        let none = shelter(DocumentStatus::NoDocument);
        let dorm = none.iter().find(|r| r.service_id == "dormitorio").unwrap();
        assert_eq!(dorm.unmet, [Requirement::IdentityDocument]);
        let casa = none.iter().find(|r| r.service_id == "casa").unwrap();
        assert_eq!(casa.unmet, [Requirement::ResidencePermit]);
        // Conditions (men only, referral) are never "unmet".
        assert!(!dorm.to_check.contains(&Requirement::MenOnly));

        let identity = shelter(DocumentStatus::IdentityDocument);
        assert!(
            identity
                .iter()
                .all(|r| r.service_id != "dormitorio" || r.unmet.is_empty())
        );
        let casa = identity.iter().find(|r| r.service_id == "casa").unwrap();
        assert_eq!(casa.unmet, [Requirement::ResidencePermit]);

        let unknown = shelter(DocumentStatus::Unknown);
        assert!(unknown.iter().all(|r| r.unmet.is_empty()));
        let casa = unknown.iter().find(|r| r.service_id == "casa").unwrap();
        assert_eq!(casa.to_check, [Requirement::ResidencePermit]);

        for docs in [DocumentStatus::Expired, DocumentStatus::WithheldByEmployer] {
            assert_eq!(
                Requirement::IdentityDocument.check(docs),
                RequirementCheck::Unmet
            );
            assert_eq!(
                Requirement::MunicipalResidence.check(docs),
                RequirementCheck::Unmet
            );
        }
        assert_eq!(
            Requirement::HealthCard.check(DocumentStatus::NoDocument),
            RequirementCheck::ToCheck
        );
        assert_eq!(
            Requirement::WomenOnly.check(DocumentStatus::Unknown),
            RequirementCheck::Condition
        );
    }

    #[test]
    fn an_unmet_requirement_sinks_a_nearer_service() {
        let d = sample();
        // At the night shelter's door at night, a person with no document: the shelter
        // needs an identity document and sinks by 5 km, still ahead of the closed
        // housing desk that needs a permit.
        let q = Query {
            need: Some(NeedCategory::Shelter),
            at: Some((45.6905, 9.6750)),
            now: Some(LocalTime {
                weekday: 2,
                minute_of_day: 21 * 60,
            }),
            documents: DocumentStatus::NoDocument,
            ..Query::default()
        };
        let r = rank(&d, &q);
        // dormitorio: 0 km + 5 (identity unmet) = 5; casa: 3.8 + 3 (closed) + 5 (permit) = 11.8.
        assert_eq!(ids(&r), ["dormitorio", "casa"]);
        assert!((r[0].score - 5.0).abs() < 0.01, "{}", r[0].score);
        // With a permit the shelter's score drops to its distance.
        let q = Query {
            documents: DocumentStatus::ResidencePermit,
            ..q
        };
        assert!(rank(&d, &q)[0].score < 0.01);
    }

    /// A new user's walk: a man was offered women's shelters first. A service for men
    /// only is unmet for a woman (and one for women only for a man), an unknown gender
    /// leaves it a condition to read.
    #[test]
    fn a_service_for_the_other_gender_only_is_unmet() {
        let d = sample();
        let q = Query {
            need: Some(NeedCategory::Shelter),
            at: Some((45.6905, 9.6750)),
            documents: DocumentStatus::ResidencePermit,
            ..Query::default()
        };
        let base = rank(&d, &q);
        assert_eq!(base[0].service_id, "dormitorio");
        assert!(base[0].unmet.is_empty());
        let man = rank(
            &d,
            &Query {
                gender: Gender::Man,
                ..q.clone()
            },
        );
        assert_eq!(man[0].service_id, "dormitorio");
        let woman = rank(
            &d,
            &Query {
                gender: Gender::Woman,
                ..q
            },
        );
        let dorm = woman.iter().find(|r| r.service_id == "dormitorio").unwrap();
        assert_eq!(dorm.unmet, vec![Requirement::MenOnly]);
        assert!((dorm.score - base[0].score - 5.0).abs() < 0.01);
        assert_ne!(woman[0].service_id, "dormitorio");
    }

    #[test]
    fn language_match_is_reported_and_weighs_in_the_score() {
        let d = sample();
        let q = Query {
            need: Some(NeedCategory::Shelter),
            languages: vec!["ar".into()],
            documents: DocumentStatus::ResidencePermit,
            ..Query::default()
        };
        let r = rank(&d, &q);
        let dorm = r.iter().find(|r| r.service_id == "dormitorio").unwrap();
        let casa = r.iter().find(|r| r.service_id == "casa").unwrap();
        assert!(dorm.language_match);
        assert!(!casa.language_match);
        assert!((casa.score - dorm.score - 2.0).abs() < 1e-9);
        // No language known: no service is said to speak it, none ranked lower for it.
        let q = Query {
            languages: vec![],
            ..q
        };
        let none = rank(&d, &q);
        assert!(none.iter().all(|r| !r.language_match));
        let (dorm, casa) = (
            none.iter().find(|r| r.service_id == "dormitorio").unwrap(),
            none.iter().find(|r| r.service_id == "casa").unwrap(),
        );
        assert!((casa.score - dorm.score).abs() < 2.0 - 1e-9);
    }
}
