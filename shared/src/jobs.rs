//! Matching job offers to a case's work-reintegration plan: the offers of the survey of
//! local job demand ranked by sector, shared languages, distance and season, each with
//! the reasons shown to the labour-policy expert.
//!
//! The score (0–100) adds:
//! - **sector** (40): the offer's sector is the one the plan looks for;
//! - **languages** (up to 30): 15 per language the person speaks (the plan's, or the
//!   person's) that the offer asks for, at most two;
//! - **distance** (up to 20): 20 at the person's usual place, falling linearly to 0 at
//!   [`MAX_DISTANCE_KM`]; offers without a place, or a person without one, get 5;
//! - **season** (10): the offer covers today; 5 when it starts within
//!   [`SOON_DAYS`] days. An offer whose season ended is not proposed.
//!
//! Ties: more positions first, then the employer's name.

use serde::{Deserialize, Serialize};

use crate::directory::distance_m;
use crate::schema::JobOfferDoc;
use crate::vocab::Code;

/// Beyond this distance an offer gets no distance points.
pub const MAX_DISTANCE_KM: f64 = 100.0;
/// An offer starting within this many days still counts as in season (half).
pub const SOON_DAYS: i64 = 60;
/// How many offers a work plan is proposed.
pub const MAX_MATCHES: usize = 10;

/// Why an offer matches, for the expert to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MatchReason {
    /// The sector the plan looks for.
    Sector { sector: String },
    /// Languages the person speaks that the offer asks for.
    Languages { languages: Vec<String> },
    /// Kilometres from the person's usual place.
    Distance { km: f64 },
    /// The offer covers today.
    InSeason,
    /// The offer starts in `days` days.
    StartsSoon { days: i64 },
}

/// One offer proposed for a work plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferMatch {
    pub offer: crate::ids::DocId,
    pub employer: String,
    pub sector: String,
    pub positions: i64,
    pub score: u32,
    pub reasons: Vec<MatchReason>,
}

/// What the ranking knows of the person and their plan.
#[derive(Debug, Clone, Default)]
pub struct Seeker<'a> {
    /// The sector code the plan looks for (empty: any).
    pub sector: &'a str,
    /// Languages the person speaks (the plan's and the person's).
    pub languages: Vec<String>,
    /// The person's usual place (lat, lon): their latest contact's.
    pub place: Option<(f64, f64)>,
    /// Today, `YYYY-MM-DD`.
    pub today: &'a str,
}

fn days_between(from: &str, to: &str) -> Option<i64> {
    let f = chrono::NaiveDate::parse_from_str(from, "%Y-%m-%d").ok()?;
    let t = chrono::NaiveDate::parse_from_str(to, "%Y-%m-%d").ok()?;
    Some((t - f).num_days())
}

/// Scores one offer; `None` when its season is over.
pub fn score(seeker: &Seeker<'_>, offer: &JobOfferDoc) -> Option<OfferMatch> {
    if offer.to.as_deref().is_some_and(|t| t < seeker.today) {
        return None;
    }
    let mut score = 0u32;
    let mut reasons = Vec::new();
    if !seeker.sector.is_empty() && offer.sector.code() == seeker.sector {
        score += 40;
        reasons.push(MatchReason::Sector {
            sector: seeker.sector.to_string(),
        });
    }
    let mut shared: Vec<String> = offer
        .languages
        .iter()
        .filter(|l| seeker.languages.contains(l))
        .cloned()
        .collect();
    crate::sort::sort(&mut shared);
    shared.dedup();
    if !shared.is_empty() {
        score += 15 * shared.len().min(2) as u32;
        reasons.push(MatchReason::Languages { languages: shared });
    }
    match (seeker.place, offer.place) {
        (Some(at), Some(p)) => {
            let km = distance_m(at, (p.lat, p.lon)) / 1000.0;
            score += (20.0_f64 * (1.0 - km / MAX_DISTANCE_KM)).max(0.0).round() as u32;
            reasons.push(MatchReason::Distance {
                km: (km * 10.0).round() / 10.0,
            });
        }
        _ => score += 5,
    }
    if offer.covers(seeker.today) {
        score += 10;
        reasons.push(MatchReason::InSeason);
    } else if let Some(days) = offer
        .from
        .as_deref()
        .and_then(|f| days_between(seeker.today, f))
        .filter(|d| (1..=SOON_DAYS).contains(d))
    {
        score += 5;
        reasons.push(MatchReason::StartsSoon { days });
    }
    Some(OfferMatch {
        offer: offer.id,
        employer: offer.employer.clone(),
        sector: offer.sector.code().to_string(),
        positions: offer.positions,
        score,
        reasons,
    })
}

/// The offers proposed for a work plan, best first ([`MAX_MATCHES`] at most).
pub fn rank<'a>(
    seeker: &Seeker<'_>,
    offers: impl IntoIterator<Item = &'a JobOfferDoc>,
) -> Vec<OfferMatch> {
    let mut out: Vec<OfferMatch> = offers
        .into_iter()
        .filter_map(|o| score(seeker, o))
        .collect();
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then(b.positions.cmp(&a.positions))
            .then_with(|| a.employer.cmp(&b.employer))
    });
    out.truncate(MAX_MATCHES);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::job_offer::tests::sample;
    use crate::vocab::Sector;

    #[test]
    fn offers_rank_by_sector_languages_distance_and_season_with_reasons() {
        let near = sample();
        let far = JobOfferDoc {
            id: crate::ids::DocId::new_v7(1_760_000_000_001, [8; 10]),
            employer: "Synthetic Logistics".into(),
            sector: Sector::Logistics,
            place: Some(crate::domain::Place {
                lat: 45.0,
                lon: 12.0,
                accuracy_m: None,
            }),
            languages: vec!["ar".into()],
            from: Some("2026-11-01".into()),
            to: Some("2026-12-31".into()),
            ..sample()
        };
        let over = JobOfferDoc {
            id: crate::ids::DocId::new_v7(1_760_000_000_002, [9; 10]),
            to: Some("2026-05-01".into()),
            ..sample()
        };
        let seeker = Seeker {
            sector: "agriculture",
            languages: vec!["pa".into(), "it".into()],
            place: Some((45.51, 9.71)),
            today: "2026-07-01",
        };
        let ranked = rank(&seeker, [&far, &near, &over]);
        assert_eq!(
            ranked.len(),
            2,
            "an offer whose season ended is not proposed"
        );
        assert_eq!(ranked[0].offer, near.id);
        assert!(ranked[0].reasons.contains(&MatchReason::InSeason));
        assert!(
            ranked[0]
                .reasons
                .iter()
                .any(|r| matches!(r, MatchReason::Sector { .. }))
        );
        assert!(ranked[0].score > ranked[1].score);
        assert_eq!(ranked[0].score, 40 + 30 + 20 + 10);
    }
}
