//! The demo's case work: the central office's social-services expert, labour-policy
//! expert and director; the PUA's first rules; job offers of the territory (summer
//! harvests, the November–December logistics peak, the tourist season); and cases in
//! every state — just opened, assessed, eligible with a PIP under way (one review
//! overdue), not eligible, and closed with each outcome — for persons met with consent.
//! Written like everything else in the demo: documents under each user's device actor,
//! committed through the server's push path.

use automerge::ActorId;
use rand::rngs::StdRng;
use rand::{Rng, RngCore};
use strada_shared::domain::{NeedCategory, Place, Role};
use strada_shared::ids::{DocId, TeamId};
use strada_shared::schema::case::{Grade, Intervention, Review};
use strada_shared::schema::{self, CaseDoc, DocType, JobOfferDoc};
use strada_shared::sync::{Bytes, PushDoc, PushOutcome, PushRequest};
use strada_shared::vocab::{
    Code, ConsentStatus, Decision, Indicator, InterventionStatus, Mediator, Outcome, Sector,
};

use super::world::DAY;
use crate::auth::AuthUser;
use crate::storage::{Projection, Store, StoredUser};
use crate::sync::{self, Writer};

/// The demo's case roles: (username, role).
pub const CASE_USERS: [(&str, Role); 3] = [
    ("sociale", Role::SocialExpert),
    ("lavoro", Role::LabourExpert),
    ("direzione", Role::Director),
];

/// What the case work wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct Written {
    pub cases: usize,
    pub job_offers: usize,
}

fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

fn id(rng: &mut StdRng, at: i64) -> DocId {
    let mut random = [0u8; 10];
    rng.fill_bytes(&mut random);
    DocId::new_v7(at.max(0) as u64, random)
}

/// A user of the demo with a device: the session the push path expects.
fn device(
    store: &dyn Store,
    rng: &mut StdRng,
    user: &StoredUser,
) -> anyhow::Result<(ActorId, AuthUser)> {
    let mut actor = [0u8; 16];
    rng.fill_bytes(&mut actor);
    store.bind_actor(&actor, user.id)?;
    let mut auth = AuthUser::from(user);
    auth.actor = Some(actor.to_vec());
    Ok((ActorId::from(actor.to_vec()), auth))
}

fn push(
    store: &dyn Store,
    writer: &Writer,
    user: &AuthUser,
    docs: Vec<(DocId, DocType, Vec<u8>)>,
    at: i64,
) -> anyhow::Result<()> {
    for chunk in docs.chunks(strada_shared::sync::MAX_PUSH_DOCS) {
        let req = PushRequest {
            docs: chunk
                .iter()
                .map(|(id, t, bytes)| PushDoc {
                    id: *id,
                    doc_type: *t,
                    changes: Bytes(bytes.clone()),
                    generation: 0,
                })
                .collect(),
        };
        let report = sync::commit_unflushed(store, writer, user, req, at)?;
        for r in report.response.results {
            if !matches!(r.outcome, PushOutcome::Accepted { .. }) {
                anyhow::bail!(
                    "the server did not accept demo document {}: {:?}",
                    r.id,
                    r.outcome
                );
            }
        }
    }
    Ok(())
}

/// Job offers of the territory: (employer, sector, area, lat, lon, positions, languages,
/// season from month-day, to month-day).
type OfferRow = (
    &'static str,
    Sector,
    &'static str,
    f64,
    f64,
    i64,
    &'static [&'static str],
    &'static str,
    &'static str,
);

const OFFERS: &[OfferRow] = &[
    (
        "Azienda agricola Cascina Nord (demo)",
        Sector::Agriculture,
        "Bassa bergamasca",
        45.52,
        9.59,
        12,
        &["it", "pa", "hi"],
        "06-01",
        "09-30",
    ),
    (
        "Ortofrutta Pianura (demo)",
        Sector::Agriculture,
        "Cremonese",
        45.13,
        10.02,
        20,
        &["it", "ar", "fr"],
        "05-15",
        "10-15",
    ),
    (
        "Vendemmia Oltrepò (demo)",
        Sector::Agriculture,
        "Oltrepò pavese",
        44.99,
        9.18,
        30,
        &["it", "ro", "ar"],
        "08-20",
        "10-31",
    ),
    (
        "Serre Lomellina (demo)",
        Sector::Agriculture,
        "Lomellina",
        45.16,
        8.75,
        8,
        &["it", "bn", "ur"],
        "03-01",
        "11-30",
    ),
    (
        "Polo logistico Est (demo)",
        Sector::Logistics,
        "Hinterland milanese",
        45.46,
        9.35,
        40,
        &["it", "en", "ar"],
        "11-01",
        "12-31",
    ),
    (
        "Magazzini Padani (demo)",
        Sector::Logistics,
        "Lodigiano",
        45.31,
        9.50,
        25,
        &["it", "ro", "ur"],
        "10-15",
        "01-15",
    ),
    (
        "Corriere Rapido (demo)",
        Sector::Logistics,
        "Bergamo",
        45.69,
        9.67,
        10,
        &["it", "en"],
        "",
        "",
    ),
    (
        "Hotel Lago (demo)",
        Sector::Hospitality,
        "Lago di Garda",
        45.60,
        10.55,
        15,
        &["it", "en", "ro"],
        "04-01",
        "10-15",
    ),
    (
        "Ristorazione Riviera (demo)",
        Sector::Hospitality,
        "Lago di Como",
        45.81,
        9.08,
        6,
        &["it", "en", "fr"],
        "05-01",
        "09-30",
    ),
    (
        "Cantiere Nord (demo)",
        Sector::Construction,
        "Brescia",
        45.54,
        10.21,
        5,
        &["it", "sq", "ro"],
        "",
        "",
    ),
    (
        "Assistenza Famiglie (demo)",
        Sector::Domestic,
        "Milano",
        45.46,
        9.19,
        4,
        &["it", "uk", "ro"],
        "",
        "",
    ),
    (
        "Conserve Padane (demo)",
        Sector::Manufacturing,
        "Mantovano",
        45.16,
        10.79,
        18,
        &["it", "pa", "hi"],
        "07-01",
        "10-31",
    ),
];

/// The season of an offer in the demo's year (a season ending before it starts ends
/// the next year).
fn season(now_ms: i64, from: &str, to: &str) -> (Option<String>, Option<String>) {
    if from.is_empty() {
        return (None, None);
    }
    let year = chrono::DateTime::from_timestamp_millis(now_ms)
        .map_or(2026, |d| chrono::Datelike::year(&d));
    let to_year = if to < from { year + 1 } else { year };
    (
        Some(format!("{year}-{from}")),
        Some(format!("{to_year}-{to}")),
    )
}

/// The states the demo's cases go through, in turn.
#[derive(Clone, Copy)]
enum State {
    Opened,
    Assessed,
    UnderWay,
    Overdue,
    NotEligible,
    Closed(Outcome),
}

const STATES: [State; 10] = [
    State::Opened,
    State::Assessed,
    State::UnderWay,
    State::Overdue,
    State::NotEligible,
    State::Closed(Outcome::Emerged),
    State::Closed(Outcome::PartlyEmerged),
    State::Closed(Outcome::NotEmerged),
    State::Closed(Outcome::DroppedOut),
    State::Closed(Outcome::Transferred),
];

/// Writes the case work after the year of outreach: users, rules, offers, cases.
pub fn write(
    store: &dyn Store,
    rng: &mut StdRng,
    now_ms: i64,
    created: i64,
    mut new_user: impl FnMut(&mut StdRng, &str, Role, &str) -> anyhow::Result<StoredUser>,
    cases_wanted: usize,
) -> anyhow::Result<Written> {
    let writer = Writer::default();
    let social = new_user(rng, CASE_USERS[0].0, CASE_USERS[0].1, "pua")?;
    let labour = new_user(rng, CASE_USERS[1].0, CASE_USERS[1].1, "pua")?;
    new_user(rng, CASE_USERS[2].0, CASE_USERS[2].1, "pua")?;
    let (social_actor, social_auth) = device(store, rng, &social)?;
    let (labour_actor, labour_auth) = device(store, rng, &labour)?;
    sync::seed_rules(store, &writer, created)?;
    let mut written = Written::default();

    // Job offers, by the labour-policy expert.
    let mut offers = Vec::new();
    for (employer, sector, area, lat, lon, positions, languages, from, to) in OFFERS {
        let (from, to) = season(now_ms, from, to);
        let offer = JobOfferDoc {
            id: id(rng, now_ms - 60 * DAY),
            employer: (*employer).into(),
            sector: *sector,
            area: (*area).into(),
            place: Some(Place {
                lat: *lat,
                lon: *lon,
                accuracy_m: None,
            }),
            positions: *positions,
            languages: languages.iter().map(|l| (*l).to_string()).collect(),
            from,
            to,
            note: String::new(),
            author: labour.id,
            team: labour.team.clone(),
            created_at: now_ms - 60 * DAY,
        };
        let mut doc = schema::create(labour_actor.clone(), &offer)?;
        offers.push((offer.id, DocType::JobOffer, doc.save()));
        written.job_offers += 1;
    }
    push(store, &writer, &labour_auth, offers, now_ms - 60 * DAY)?;

    // Persons met with consent, in id order, spread over the teams.
    let mut persons: Vec<(DocId, TeamId, Vec<String>)> = Vec::new();
    for doc_id in store.doc_ids()? {
        if let Some(meta) = store.doc_meta(doc_id)?
            && meta.doc_type == DocType::Person
            && meta.consent == Some(ConsentStatus::Given)
            && let Some(Projection::Person(p)) = store.record(DocType::Person, doc_id)?
            && p.merged_into.is_none()
        {
            persons.push((doc_id, p.team.clone(), p.languages.clone()));
        }
    }
    let step = (persons.len() / cases_wanted.max(1)).max(1);
    let chosen: Vec<_> = persons
        .into_iter()
        .step_by(step)
        .take(cases_wanted)
        .collect();
    let mut docs = Vec::new();
    let mut plans = Vec::new();
    for (n, (person, team, languages)) in chosen.into_iter().enumerate() {
        let state = STATES[n % STATES.len()];
        // Opened between 20 and 300 days ago; closed cases are the older ones.
        let age = match state {
            State::Closed(_) => rng.random_range(150..300),
            State::Overdue => rng.random_range(80..120),
            _ => rng.random_range(20..60),
        };
        let opened_ms = now_ms - age * DAY;
        let opened = date(opened_ms);
        let mut c = CaseDoc::new(
            id(rng, opened_ms),
            person,
            team,
            social.id,
            opened_ms,
            opened.clone(),
        );
        c.case_manager = social.username.clone();
        c.labour_expert = labour.username.clone();
        c.rules_version = 1;
        c.first_meeting.mode =
            ["desk", "outreach", "listening_centre", "partner_referral"][n % 4].into();
        c.first_meeting.date = Some(opened.clone());
        c.first_meeting.language = languages.first().cloned().unwrap_or_else(|| "it".into());
        c.first_meeting.mediator = if n % 2 == 0 {
            Mediator::Present
        } else {
            Mediator::Absent
        };
        c.access = vec!["adult".into(), "consent".into(), "lombardy".into()];
        if !matches!(state, State::Opened) {
            let picks = [
                (Indicator::Deception, "strong"),
                (Indicator::WithholdingOfWages, "strong"),
                (Indicator::ExcessiveOvertime, "medium"),
                (Indicator::AbusiveConditions, "medium"),
                (Indicator::RetentionOfDocuments, "weak"),
            ];
            for (i, strength) in picks.iter().skip(n % 3).take(3) {
                c.assessment.indicators.insert(
                    i.code().into(),
                    Grade {
                        strength: (*strength).into(),
                        evidence: "Racconto sintetico della persona (demo)".into(),
                    },
                );
            }
            c.assessment.judgement = if n % 3 == 0 {
                "severe_exploitation"
            } else {
                "exploitation"
            }
            .into();
            c.assessment.at = Some(date(opened_ms + 7 * DAY));
            c.eligibility.criteria = vec!["indicators".into(), "current".into(), "willing".into()];
        }
        let decided = date(opened_ms + 10 * DAY);
        match state {
            State::Opened | State::Assessed => {}
            State::NotEligible => {
                c.eligibility.decision = Decision::NotEligible;
                c.eligibility.at = Some(decided);
                c.eligibility.reasons = "Situazione non in atto (demo)".into();
            }
            _ => {
                c.eligibility.decision = Decision::Eligible;
                c.eligibility.at = Some(decided);
                c.eligibility.reasons = "Criteri soddisfatti (demo)".into();
                let needs = [
                    NeedCategory::Shelter,
                    NeedCategory::LegalAid,
                    NeedCategory::JobOrientation,
                    NeedCategory::Health,
                ];
                for (k, need) in needs.iter().enumerate() {
                    let planned_ms = opened_ms + (14 + 20 * k as i64) * DAY;
                    let done = planned_ms < now_ms - 5 * DAY
                        && (k < 2 || matches!(state, State::Closed(Outcome::Emerged)));
                    let status = if done {
                        InterventionStatus::Done
                    } else if k == 3 && matches!(state, State::Closed(Outcome::DroppedOut)) {
                        InterventionStatus::Cancelled
                    } else if planned_ms < now_ms {
                        InterventionStatus::InProgress
                    } else {
                        InterventionStatus::Planned
                    };
                    c.interventions.insert(
                        format!("i{}", k + 1),
                        Intervention {
                            need: *need,
                            service_id: None,
                            partner: [
                                "Dormitorio della rete (demo)",
                                "Sportello legale (demo)",
                                "Centro per l'impiego (demo)",
                                "Ambulatorio (demo)",
                            ][k]
                                .into(),
                            planned_at: date(planned_ms),
                            done_at: done.then(|| date(planned_ms + 2 * DAY)),
                            status,
                            referral_id: None,
                            note: String::new(),
                        },
                    );
                }
                // Reviews every 30 days until recently; an overdue case's last one is
                // long ago.
                let until = match state {
                    State::Overdue => opened_ms + 35 * DAY,
                    State::Closed(_) => opened_ms + 120 * DAY,
                    _ => now_ms - 3 * DAY,
                };
                let mut at = opened_ms + 30 * DAY;
                while at <= until {
                    c.reviews.push(Review {
                        at: date(at),
                        note: "Verifica del PIP (demo)".into(),
                        by: social.id,
                    });
                    at += 30 * DAY;
                }
            }
        }
        if let State::Closed(outcome) = state {
            c.closed_at = Some(date(opened_ms + 130 * DAY));
            c.outcome = Some(outcome);
        }
        let mut doc = schema::create(social_actor.clone(), &c)?;
        // The work plan, later, by the labour-policy expert.
        if matches!(
            state,
            State::UnderWay | State::Overdue | State::Closed(Outcome::Emerged)
        ) {
            plans.push((c.clone(), doc.clone()));
        }
        docs.push((c.id, DocType::Case, doc.save()));
        written.cases += 1;
    }
    push(store, &writer, &social_auth, docs, now_ms - DAY)?;
    let mut changed = Vec::new();
    for (mut c, mut doc) in plans {
        let heads = doc.get_heads();
        doc.set_actor(labour_actor.clone());
        c.work_plan.sector = "agriculture".into();
        c.work_plan.languages = vec!["it".into()];
        c.work_plan.skills = "Raccolta, potatura (demo)".into();
        c.work_plan.training = "Corso sicurezza sul lavoro (demo)".into();
        schema::update(&mut doc, &c)?;
        changed.push((c.id, DocType::Case, doc.save_after(&heads)));
    }
    push(store, &writer, &labour_auth, changed, now_ms - DAY / 2)?;
    Ok(written)
}
