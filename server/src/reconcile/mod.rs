//! Reconciliation: pairs of person records, within a team or across teams, that may be
//! the same person, each with the reasons a worker reads before merging them.
//!
//! Pure and synchronous: facts in, candidates out, no store, no clock. The caller
//! gathers the facts (persons with their contacts' places) and the pairs already judged
//! "not the same person", which are never proposed again.
//!
//! # The score
//! Each piece of evidence adds a weight, the log of how much likelier it is for one
//! person recorded twice than for two people (Fellegi–Sunter). The score is the
//! probability that the pair is one person given that evidence, when a share
//! [`DUPLICATE_SHARE`] (3%, unless the records show more: below) of the `N` records
//! have a duplicate: the prior odds of a given pair are then `2 × 0.03 / N`, and
//!
//! `score = 1 / (1 + e^-(W - ln(P / 0.06)))`, with `P = N + 200`,
//!
//! so [`DEFAULT_THRESHOLD`] (0.5) proposes pairs whose evidence `W` reaches
//! `ln(P / 0.06)`: 8.3 among 40 records, 12.0 among 10,000, 14.3 among 100,000. The
//! more records, the likelier two strangers share a name and a birth year, and the more
//! evidence a pair needs.
//!
//! When the records themselves show a larger share (a register copied from
//! spreadsheets, teams meeting the same people every week), the share is theirs: the
//! pairs proposed at 3%, joined into groups, over the records — a cautious estimate,
//! since it leaves out the duplicates still below the threshold — and the pairs are
//! weighed again with it (at most three times, at most 30%). Among 1,000 records of
//! which 10% are duplicates, recall at 0.5 rises from 0.66 to 0.73 (precision 1.0 to
//! 0.94); at 3% nothing changes.
//!
//! | evidence | weight |
//! |---|---|
//! | one alias word matched | its rarity, `ln(P / others)` |
//! | two or more words matched | the rarity of the rarest two together, + 1 to 2 per further word (how much rarer it makes them) |
//! | … each word matched in another spelling or script (or its script's other reading: ث as s, г as h) / one edit away (not the first letter changed: Gurpreet, Harpreet) | −0.3 / −1.5 (−3 when other persons hold both words: Amandeep, Amardeep) |
//! | two neighbouring words of one record written as one word in the other (Ben Ali, Benali) | as one word matched in another spelling |
//! | a word of the record with fewer distinct words left unmatched | −3.5 |
//! | same normalised phone (a foreign number with its code or its trunk 0 is one) / one digit apart (a slip) / two different phones | +10 / +5 / −6 (the first two × 0.4 with a word of a name not matched: kin share a handset) |
//! | birth years 0, 1, 2, 3, 4, ≥ 5 apart | +2.8, +1.6, +0.8, −1.5, −3, −5 |
//! | … when either is a worker's estimate ("about 30"): 0 … 4, 5, ≥ 6 apart | +2.8 (+1.8 for the same round year), +1.6, +1.0, +0.4, −0.5, −3, −5 |
//! | same stated gender / different | +0.2 / −5 |
//! | same country (spellings and languages resolved) / different | +0.5 / −3.5 |
//! | a language both speak | +0.3 |
//! | met within 1 km and 24 hours / a week (the two sightings that say most) | +5 / +2.5 at 0 m, half at 1 km (× 0.4 as the phone: kin travel together); +0.6 on other days |
//! | the same usual place (case and accents aside) / different (one written more fully than the other, «Pavia» and «Pavia stazione», is neither) | `ln(0.6 P / (others × k))`, `k` how many times more often than strangers people alike by name but clearly two (born ≥ 5 years apart, other gender) share a place in these records; at most +4 (half with a word of a name not matched: relatives live together) / −0.5 |
//!
//! A missing fact weighs nothing. Words are compared folded to Latin by their consonant
//! skeleton (`strada_shared::search`, see [`alias_skeletons`]): the same skeleton is a
//! match (the same word, another spelling, or a transliteration: Mohamed, Muhammad,
//! محمد), and so are skeletons of four letters or more, or words of five letters or
//! more, one edit apart (sound-alikes, slips of the finger). Rarity counts the `others`
//! holding a skeleton, or both skeletons, besides the pair (at least one for a single
//! word): "Mohamed" held by 8,000 of 100,000 weighs 2.5, "Gurpreet Singh" held by 1,700
//! weighs 4.1, a name held by no one else up to 12.5. Names are weighed together
//! because they go together: Singh with Gurpreet, a nickname's two words.
//!
//! Gender, country and languages mostly follow from the name, so agreeing adds little;
//! disagreeing weighs a lot, and so does a birth year far off: a look-alike (the same
//! common name, born 1985 and 2001, or in another country) stays far below. A shared
//! phone with the names unrelated (housemates, a shared handset) stays below too.
//!
//! # Blocking
//! See [`block`]: records are compared only when they share a key, and a key too common
//! to make a candidate on its own is dropped, so 100,000 records take seconds.

mod block;
mod country;
mod facts;
mod phone;
mod score;

use strada_shared::domain::Place;
use strada_shared::ids::{DocId, TeamId};
use strada_shared::reconcile::Reason;
use strada_shared::vocab::Gender;

pub use facts::alias_skeletons;
pub use phone::normalise_phone;

/// Most threads comparing records.
const MAX_WORKERS: usize = 8;

/// The share of records assumed to have a duplicate, for the prior odds of a pair.
pub const DUPLICATE_SHARE: f32 = 0.03;

/// The most the share of records with a duplicate is estimated at, and how many times
/// the pairs are weighed again with a higher estimate.
const MAX_SHARE: f32 = 0.3;
const SHARE_ROUNDS: usize = 3;

/// The score from which a pair is proposed.
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// What reconciliation knows of one person record.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonFacts {
    pub id: DocId,
    pub team: TeamId,
    /// In any script; empty once consent is withdrawn.
    pub aliases: Vec<String>,
    pub birth_year: Option<i64>,
    /// The birth year is the worker's guess from the person's looks ("about 30").
    pub birth_year_estimated: bool,
    pub gender: Gender,
    /// As the person says it, in any language.
    pub country: String,
    /// Language codes.
    pub languages: Vec<String>,
    /// As typed.
    pub phone: Option<String>,
    /// Where the person usually lives or sleeps, as written ("campi di Treviglio").
    pub usual_place: String,
    /// Where and when the person was met (their contacts with a place): unix ms.
    pub sightings: Vec<(Place, i64)>,
}

/// Two records that may be one person: `a < b`, the score in 0..=1, and the reasons,
/// evidence for first (weightiest first), then evidence against.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub a: DocId,
    pub b: DocId,
    pub score: f32,
    pub reasons: Vec<Reason>,
}

/// The evidence a pair needs for even odds among `population` records (plus the
/// prior population) when a `share` of them have a duplicate: the log of the prior odds
/// against a given pair being one person, `ln(P / (2 × share))`.
fn even_odds(population: f32, share: f32) -> f32 {
    (population / (2.0 * share)).ln()
}

/// The probability that a pair is one person, from its evidence.
fn score_of(weight: f32, even_odds: f32) -> f32 {
    1.0 / (1.0 + (even_odds - weight).exp())
}

/// The pairs of `persons` scoring at least `threshold`, best first (then by ids), except
/// those `not_same` says were judged different people (asked in both orders). Records
/// without any alias and without a phone are never proposed. Deterministic: the same
/// records give the same candidates. Uses the machine's cores (scoped threads, up to
/// eight); call it from a blocking task.
///
/// The share of records with a duplicate is [`DUPLICATE_SHARE`] unless the records
/// themselves show more (see [`estimated_share`]): a register kept by hand, or teams
/// that meet the same people every week, hold more duplicates than 3%.
pub fn candidates(
    persons: &[PersonFacts],
    not_same: &dyn Fn(DocId, DocId) -> bool,
    threshold: f32,
) -> Vec<Candidate> {
    let (prepared, lex) = facts::prepare(persons);
    // Pairs from the default threshold down are needed to estimate the share.
    let floor = threshold.min(DEFAULT_THRESHOLD);
    let mut share = DUPLICATE_SHARE;
    // Pairs judged "not the same person" are left out before the share is estimated.
    let unjudged = |found: &mut Vec<(f32, usize, usize)>| {
        found.retain(|&(_, i, j)| {
            let (a, b) = oriented(&prepared, i, j);
            !(not_same(a.facts.id, b.facts.id) || not_same(b.facts.id, a.facts.id))
        })
    };
    let mut found = weighed_pairs(&prepared, &lex, even_odds(lex.population(), share), floor);
    unjudged(&mut found);
    for _ in 0..SHARE_ROUNDS {
        let even = even_odds(lex.population(), share);
        let estimate = estimated_share(&found, even, prepared.len());
        if estimate <= share * 1.02 {
            break;
        }
        share = estimate;
        let even = even_odds(lex.population(), share);
        // Each round only adds pairs: the prior rises, so every weight scores higher.
        found = weighed_pairs(&prepared, &lex, even, floor);
        unjudged(&mut found);
    }
    let even = even_odds(lex.population(), share);
    let found: Vec<(f32, usize, usize)> = found
        .into_iter()
        .map(|(weight, i, j)| (score_of(weight, even), i, j))
        .filter(|&(score, _, _)| score >= threshold)
        .collect();
    let mut scratch = score::Scratch::default();
    let mut out: Vec<Candidate> = found
        .into_iter()
        .map(|(score, i, j)| {
            let (a, b) = oriented(&prepared, i, j);
            let mut reasons = Vec::new();
            score::weigh(a, b, &lex, &mut scratch, Some(&mut reasons));
            // Evidence for, weightiest first, then against, weightiest first.
            reasons.sort_by(|x, y| {
                (x.0 < 0.0)
                    .cmp(&(y.0 < 0.0))
                    .then(y.0.abs().total_cmp(&x.0.abs()))
            });
            Candidate {
                a: a.facts.id,
                b: b.facts.id,
                score,
                reasons: reasons.into_iter().map(|(_, r)| r).collect(),
            }
        })
        .collect();
    out.sort_by(|x, y| {
        y.score
            .total_cmp(&x.score)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    out
}

/// The pairs whose weight scores at least `threshold` with these prior odds: (weight,
/// record, record). Records are shared out among the cores (record `i` to worker
/// `i % workers`); the pairs found do not depend on how many there are.
fn weighed_pairs(
    prepared: &[facts::Prepared],
    lex: &facts::Lexicon,
    even: f32,
    threshold: f32,
) -> Vec<(f32, usize, usize)> {
    let needed = even + (threshold / (1.0 - threshold)).ln();
    let caps = block::Caps::new(lex.population(), needed, score::BESIDES_NAMES);
    let blocks = block::Blocks::build(prepared, lex, caps);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_WORKERS));
    std::thread::scope(|scope| {
        let blocks = &blocks;
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                scope.spawn(move || {
                    let mut scratch = score::Scratch::default();
                    let mut seen = vec![0u32; prepared.len()];
                    let mut found = Vec::new();
                    blocks.pairs(
                        |i| i % workers == w,
                        &mut seen,
                        |i, j| {
                            let (a, b) = oriented(prepared, i, j);
                            if a.facts.id == b.facts.id {
                                return;
                            }
                            let weight = score::weigh(a, b, lex, &mut scratch, None);
                            if score_of(weight, even) >= threshold {
                                found.push((weight, i, j));
                            }
                        },
                    );
                    found
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// A cautious estimate of the share of the `records` that are another record of someone:
/// the pairs scoring at least [`DEFAULT_THRESHOLD`] with these prior odds, joined into
/// groups (three records of one person are two duplicates, not three pairs), counted
/// over the records. It can only fall short of the truth, since the pairs below the
/// threshold are duplicates it does not count; it overshoots only by the proposals that
/// are wrong, which the threshold keeps few. Counted as if the prior population (at
/// [`DUPLICATE_SHARE`]) were among them; at most [`MAX_SHARE`].
fn estimated_share(found: &[(f32, usize, usize)], even: f32, records: usize) -> f32 {
    if records == 0 {
        return DUPLICATE_SHARE;
    }
    let mut parent: Vec<usize> = (0..records).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut joined = 0usize;
    for &(weight, i, j) in found {
        if score_of(weight, even) < DEFAULT_THRESHOLD {
            continue;
        }
        let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
        if ri != rj {
            parent[ri] = rj;
            joined += 1;
        }
    }
    // As many records again as the prior population, at the assumed share: a handful
    // of records with one duplicate between them says little about a register.
    let prior = facts::PRIOR_POPULATION;
    ((joined as f32 + DUPLICATE_SHARE * prior) / (records as f32 + prior)).min(MAX_SHARE)
}

/// The two prepared records in id order, so a pair is weighed and told the same way
/// whatever order the records came in.
fn oriented<'p, 'a>(
    prepared: &'p [facts::Prepared<'a>],
    i: usize,
    j: usize,
) -> (&'p facts::Prepared<'a>, &'p facts::Prepared<'a>) {
    let (a, b) = (&prepared[i], &prepared[j]);
    if a.facts.id <= b.facts.id {
        (a, b)
    } else {
        (b, a)
    }
}

#[cfg(test)]
mod tests;
