//! The laptop's data (`cases` phase of `cargo xtask bench device`): a field team whose
//! persons were each met at least once (3 contacts for every 2 persons, a referral for
//! every 2 persons along its lifecycle), a labour-policy expert's job offers, and one
//! case per person opened by a social-services expert and carried through its states
//! edit by edit, as the expert's laptop would have pushed them over months: intake,
//! assessment, eligibility, the PIP's interventions (the first sent as one of the
//! person's referrals), the work plan, reviews, interventions done, closure with an
//! outcome. Every document goes through the sync API and must be accepted.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use strada_shared::domain::{NeedCategory, Place};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::case::{Grade, Intervention, Review};
use strada_shared::schema::{CaseDoc, JobOfferDoc, PersonDoc, ReferralDoc};
use strada_shared::vocab::{
    Code, Decision, Indicator, InterventionStatus, Mediator, Outcome, Sector,
};

use super::{Account, DAY_MS, Rng, Seeder, id_at, now_ms, seed_field};

/// The field worker whose team the laptop keeps offline.
pub const FIELD: Account = Account {
    name: "luca",
    role: "field_worker",
    team: "brescia-2",
    password: "password-luca-bench",
};
/// The case worker whose laptop is measured.
pub const SOCIAL: Account = Account {
    name: "sara",
    role: "social_expert",
    team: "pua",
    password: "password-sara-bench",
};
/// The labour-policy expert who writes the job offers.
pub const LABOUR: Account = Account {
    name: "leo",
    role: "labour_expert",
    team: "pua",
    password: "password-leo-bench",
};

/// What the phase seeded: its figures, and how many documents the laptop then keeps.
pub struct Seeded {
    pub figures: BTreeMap<&'static str, f64>,
    pub docs_on_laptop: usize,
}

/// Where a case stands at the end of its story.
#[derive(Clone, Copy, PartialEq)]
enum State {
    Opened,
    Assessed,
    UnderWay,
    Overdue,
    NotEligible,
    Closed(Outcome),
}

impl State {
    /// Case `n`'s state: 70 % open (most with a PIP under way), 30 % closed.
    fn of(n: usize) -> State {
        const OUTCOMES: [Outcome; 5] = [
            Outcome::Emerged,
            Outcome::PartlyEmerged,
            Outcome::NotEmerged,
            Outcome::DroppedOut,
            Outcome::Transferred,
        ];
        match n % 10 {
            0 => State::Opened,
            1 => State::Assessed,
            2..=4 => State::UnderWay,
            5 => State::Overdue,
            6 => State::NotEligible,
            _ => State::Closed(OUTCOMES[(n / 10) % OUTCOMES.len()]),
        }
    }

    fn eligible(self) -> bool {
        matches!(self, State::UnderWay | State::Overdue | State::Closed(_))
    }
}

fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string()
}

const EMPLOYERS: &[(&str, Sector, &[&str])] = &[
    (
        "Azienda agricola sintetica Nord",
        Sector::Agriculture,
        &["it", "pa"],
    ),
    (
        "Ortofrutta sintetica Pianura",
        Sector::Agriculture,
        &["it", "ar", "fr"],
    ),
    (
        "Vendemmie sintetiche Oltrepò",
        Sector::Agriculture,
        &["it", "ro"],
    ),
    (
        "Serre sintetiche Lomellina",
        Sector::Agriculture,
        &["it", "bn", "ur"],
    ),
    (
        "Polo logistico sintetico Est",
        Sector::Logistics,
        &["it", "en", "ar"],
    ),
    (
        "Magazzini sintetici Padani",
        Sector::Logistics,
        &["it", "ro", "ur"],
    ),
    (
        "Hotel sintetico del Lago",
        Sector::Hospitality,
        &["it", "en"],
    ),
    (
        "Ristorazione sintetica Riviera",
        Sector::Hospitality,
        &["it", "fr"],
    ),
    (
        "Cantiere sintetico Brescia",
        Sector::Construction,
        &["it", "sq"],
    ),
    (
        "Conserve sintetiche Padane",
        Sector::Manufacturing,
        &["it", "pa", "hi"],
    ),
    (
        "Assistenza famiglie sintetica",
        Sector::Domestic,
        &["it", "ro"],
    ),
    (
        "Pulizie industriali sintetiche",
        Sector::Other,
        &["it", "bn"],
    ),
];

fn offers(rng: &mut Rng, now: i64, user: UserId, team: &TeamId) -> Vec<JobOfferDoc> {
    let year = date(now)[..4].to_string();
    EMPLOYERS
        .iter()
        .map(|(employer, sector, languages)| {
            let created = now - (30 + rng.below(60) as i64) * DAY_MS;
            let seasonal = rng.chance(50);
            JobOfferDoc {
                id: id_at(rng, created),
                employer: (*employer).into(),
                sector: *sector,
                area: "Pianura lombarda".into(),
                place: Some(Place {
                    lat: 45.2 + rng.below(600) as f64 / 1000.0,
                    lon: 9.0 + rng.below(1500) as f64 / 1000.0,
                    accuracy_m: None,
                }),
                positions: 1 + rng.below(30) as i64,
                languages: languages.iter().map(|l| l.to_string()).collect(),
                from: seasonal.then(|| format!("{year}-05-01")),
                to: seasonal.then(|| format!("{year}-10-31")),
                note: String::new(),
                author: user,
                team: team.clone(),
                created_at: created,
            }
        })
        .collect()
}

/// The edits made to every case it applies to, in this order, one push each.
#[derive(Clone, Copy)]
enum Step {
    Assess,
    Decide,
    Plan,
    WorkPlan,
}

/// One case's story: the state it ends in and its dates.
struct Story {
    state: State,
    opened_ms: i64,
    /// When the story ends: the closure, or a few days ago for an open case.
    until_ms: i64,
}

/// The case of `p` as opened (the first meeting, the access conditions).
fn opened(
    rng: &mut Rng,
    n: usize,
    p: &PersonDoc,
    contact: Option<DocId>,
    author: UserId,
    now: i64,
) -> (CaseDoc, Story) {
    let state = State::of(n);
    let wanted = match state {
        State::Closed(_) => 150 + rng.below(150) as i64,
        State::Overdue => 80 + rng.below(40) as i64,
        _ => 20 + rng.below(50) as i64,
    };
    // Never before the person was met.
    let known_days = ((now - p.created_at) / DAY_MS - 1).max(0);
    let age = wanted.min(known_days);
    let opened_ms = now - age * DAY_MS;
    let until_ms = match state {
        State::Closed(_) => opened_ms + age * 2 / 3 * DAY_MS,
        State::Overdue => opened_ms + age.min(35) * DAY_MS,
        _ => now - 3 * DAY_MS,
    }
    .max(opened_ms);
    let mut c = CaseDoc::new(
        id_at(rng, opened_ms),
        p.id,
        p.team.clone(),
        author,
        opened_ms,
        date(opened_ms),
    );
    c.case_manager = SOCIAL.name.into();
    c.labour_expert = LABOUR.name.into();
    c.rules_version = 1;
    c.contact_id = contact;
    c.first_meeting.mode =
        ["desk", "outreach", "listening_centre", "partner_referral"][n % 4].into();
    c.first_meeting.date = Some(date(opened_ms));
    c.first_meeting.language = p.languages.first().cloned().unwrap_or_else(|| "it".into());
    c.first_meeting.mediator = if rng.chance(40) {
        Mediator::Present
    } else {
        Mediator::Absent
    };
    c.access = vec!["adult".into(), "consent".into(), "lombardy".into()];
    (
        c,
        Story {
            state,
            opened_ms,
            until_ms,
        },
    )
}

fn assess(rng: &mut Rng, c: &mut CaseDoc, s: &Story) {
    const EVIDENCE: &[&str] = &[
        "Racconto sintetico: contratto promesso e mai firmato.",
        "Racconto sintetico: paga trattenuta per mesi dal caporale.",
        "Racconto sintetico: turni di quattordici ore, nessun riposo.",
        "Racconto sintetico: alloggio sovraffollato fornito dal datore.",
    ];
    for _ in 0..2 + rng.below(3) {
        let i = rng.pick(Indicator::ALL);
        let strength = *rng.pick(&["strong", "medium", "weak"]);
        c.assessment.indicators.insert(
            i.code().into(),
            Grade {
                strength: strength.into(),
                evidence: rng.pick(EVIDENCE).to_string(),
            },
        );
    }
    c.assessment.judgement = if rng.chance(30) {
        "severe_exploitation"
    } else {
        "exploitation"
    }
    .into();
    c.assessment.note = "Valutazione sintetica per il benchmark.".into();
    c.assessment.at = Some(date((s.opened_ms + 7 * DAY_MS).min(s.until_ms)));
    c.eligibility.criteria = vec!["indicators".into(), "current".into(), "willing".into()];
}

fn decide(c: &mut CaseDoc, s: &Story) {
    let at = Some(date((s.opened_ms + 10 * DAY_MS).min(s.until_ms)));
    if s.state == State::NotEligible {
        c.eligibility.decision = Decision::NotEligible;
        c.eligibility.reasons = "Situazione non in atto (sintetico).".into();
    } else {
        c.eligibility.decision = Decision::Eligible;
        c.eligibility.reasons = "Criteri soddisfatti, adesione al percorso (sintetico).".into();
    }
    c.eligibility.at = at;
}

/// The PIP's interventions as planned; the first sent as one of the person's referrals.
fn plan(rng: &mut Rng, c: &mut CaseDoc, s: &Story, referral: Option<&ReferralDoc>) {
    const PARTNERS: [(NeedCategory, &str); 4] = [
        (NeedCategory::Shelter, "Dormitorio sintetico della rete"),
        (NeedCategory::LegalAid, "Sportello legale sintetico"),
        (
            NeedCategory::JobOrientation,
            "Centro per l'impiego sintetico",
        ),
        (NeedCategory::Health, "Ambulatorio sintetico"),
    ];
    for (k, (need, partner)) in PARTNERS.iter().take(2 + rng.below(3)).enumerate() {
        let planned = s.opened_ms + (14 + 20 * k as i64) * DAY_MS;
        let sent = if k == 0 { referral } else { None };
        c.interventions.insert(
            format!("i{}", k + 1),
            Intervention {
                need: sent.map_or(*need, |r| r.need),
                service_id: None,
                partner: sent.map_or_else(|| (*partner).into(), |r| r.partner.clone()),
                planned_at: date(planned),
                done_at: None,
                status: if sent.is_some() {
                    InterventionStatus::InProgress
                } else {
                    InterventionStatus::Planned
                },
                referral_id: sent.map(|r| r.id),
                note: if rng.chance(50) {
                    "Nota sintetica sull'intervento.".into()
                } else {
                    String::new()
                },
            },
        );
    }
}

fn work_plan(rng: &mut Rng, c: &mut CaseDoc, offers: &[JobOfferDoc]) {
    let o = rng.pick(offers);
    c.work_plan.sector = o.sector.code().into();
    c.work_plan.languages = vec!["it".into()];
    c.work_plan.skills = "Raccolta, potatura, guida del muletto (sintetico).".into();
    c.work_plan.training = "Corso sulla sicurezza sul lavoro (sintetico).".into();
    c.work_plan.offers = vec![o.id.to_string()];
}

/// The reviews due every 30 days of the story.
fn review_dates(s: &Story) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = s.opened_ms + 30 * DAY_MS;
    while at <= s.until_ms {
        out.push(date(at));
        at += 30 * DAY_MS;
    }
    out
}

/// The story's end: interventions done or moving, and a closed case's outcome.
fn conclude(c: &mut CaseDoc, s: &Story) {
    let last = c.interventions.len();
    for (k, i) in c.interventions.values_mut().enumerate() {
        let planned = chrono::NaiveDate::parse_from_str(&i.planned_at, "%Y-%m-%d")
            .map(|d| {
                d.and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
                    .and_utc()
                    .timestamp_millis()
            })
            .unwrap_or(s.until_ms);
        let done_by = planned + 2 * DAY_MS;
        if k + 1 == last && s.state == State::Closed(Outcome::DroppedOut) {
            i.status = InterventionStatus::Cancelled;
        } else if done_by <= s.until_ms && (k < 2 || s.state == State::Closed(Outcome::Emerged)) {
            i.status = InterventionStatus::Done;
            i.done_at = Some(date(done_by));
        } else if planned <= s.until_ms {
            i.status = InterventionStatus::InProgress;
        }
    }
    if let State::Closed(outcome) = s.state {
        c.closed_at = Some(date(s.until_ms));
        c.outcome = Some(outcome);
    }
}

/// Seeds the laptop's data; `n_cases` persons, each with one case.
pub async fn seed(base: &str, n_cases: usize) -> Seeded {
    let mut rng = Rng(0xCA5E_2000_5EED);
    let now = now_ms();
    let t = Instant::now();
    let (n_persons, n_contacts, n_referrals) = (n_cases, n_cases * 3 / 2, n_cases / 2);
    let mut field = Seeder::sign_in(base, &FIELD).await;
    let team = seed_field(
        &mut field,
        &mut rng,
        now,
        (n_persons, n_contacts, n_referrals),
        true,
    )
    .await;
    let field_seconds = t.elapsed().as_secs_f64();

    let mut labour = Seeder::sign_in(base, &LABOUR).await;
    let offers = offers(&mut rng, now, labour.user, &labour.team);
    for o in &offers {
        labour.add(o);
    }
    labour.push().await;

    let t = Instant::now();
    let mut social = Seeder::sign_in(base, &SOCIAL).await;
    // The rules' first version is written the first time a case role asks, as the app
    // does when it opens a case.
    let res = social
        .client
        .get(format!("{base}/api/rules"))
        .bearer_auth(&social.token)
        .send()
        .await
        .expect("rules");
    assert!(res.status().is_success(), "rules: {}", res.status());

    // The contacts `seed_field` made name each person in turn first.
    let first_contact: HashMap<DocId, DocId> = team
        .contacts
        .iter()
        .rev()
        .filter_map(|c| Some((c.person_id?, c.id)))
        .collect();
    let mut referral_of: HashMap<DocId, &ReferralDoc> = HashMap::new();
    for r in &team.referrals {
        if let Some(p) = r.person_id {
            referral_of.entry(p).or_insert(r);
        }
    }
    let me = social.user;
    let mut cases: Vec<(CaseDoc, Story)> = team
        .persons
        .iter()
        .take(n_cases)
        .enumerate()
        .map(|(n, p)| opened(&mut rng, n, p, first_contact.get(&p.id).copied(), me, now))
        .collect();
    for (c, _) in &cases {
        social.add(c);
    }
    let mut rounds = 0;
    assert_eq!(social.push().await, cases.len());
    // Each later step is one push of every case it changes, as the expert's laptop
    // would have sent them.
    for step in [Step::Assess, Step::Decide, Step::Plan, Step::WorkPlan] {
        let mut changed = 0;
        for (c, s) in cases.iter_mut() {
            match step {
                Step::Assess if s.state != State::Opened => assess(&mut rng, c, s),
                Step::Decide if !matches!(s.state, State::Opened | State::Assessed) => decide(c, s),
                Step::Plan if s.state.eligible() => {
                    plan(&mut rng, c, s, referral_of.get(&c.person_id).copied())
                }
                Step::WorkPlan if s.state.eligible() => work_plan(&mut rng, c, &offers),
                _ => continue,
            }
            social.edit(c);
            changed += 1;
        }
        if changed > 0 {
            social.push().await;
            rounds += 1;
        }
    }
    // Reviews, one a push.
    let dates: Vec<Vec<String>> = cases
        .iter()
        .map(|(_, s)| {
            if s.state.eligible() {
                review_dates(s)
            } else {
                Vec::new()
            }
        })
        .collect();
    let most = dates.iter().map(Vec::len).max().unwrap_or(0);
    let mut reviews = 0;
    for k in 0..most {
        for ((c, _), d) in cases.iter_mut().zip(&dates) {
            if let Some(at) = d.get(k) {
                c.reviews.push(Review {
                    at: at.clone(),
                    note: "Verifica del PIP con la persona (sintetico).".into(),
                    by: me,
                });
                social.edit(c);
                reviews += 1;
            }
        }
        social.push().await;
        rounds += 1;
    }
    for (c, s) in cases.iter_mut() {
        if s.state.eligible() {
            conclude(c, s);
            social.edit(c);
        }
    }
    social.push().await;
    rounds += 1;

    let closed = cases.iter().filter(|(c, _)| !c.is_open()).count();
    let mut figures = BTreeMap::new();
    figures.insert("cases_seed_persons", n_persons as f64);
    figures.insert("cases_seed_contacts", n_contacts as f64);
    figures.insert("cases_seed_referrals", n_referrals as f64);
    figures.insert("cases_seed_job_offers", offers.len() as f64);
    figures.insert("cases_seed_cases", cases.len() as f64);
    figures.insert("cases_seed_closed", closed as f64);
    figures.insert("cases_seed_reviews", f64::from(reviews));
    figures.insert("cases_seed_case_pushes", f64::from(rounds));
    figures.insert("cases_seed_field_seconds", field_seconds);
    figures.insert("cases_seed_cases_seconds", t.elapsed().as_secs_f64());
    Seeded {
        figures,
        // The team's documents, the cases, the offers and the rules.
        docs_on_laptop: n_persons + n_contacts + n_referrals + cases.len() + offers.len() + 1,
    }
}
