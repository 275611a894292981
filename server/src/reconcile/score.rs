//! The evidence two prepared records give, weighed (see the module note of
//! `reconcile` for the table), and the reasons shown for it.

use strada_shared::directory::distance_m;
use strada_shared::reconcile::{AliasMatch, Reason};

use super::facts::{Lexicon, PHONETIC_COST, Prepared, SPELLING_COST};

/// Per alias word of the shorter record left without a match: a given name the other
/// record does not have (Kwame Osei, Kwabena Osei). Relatives share a family name, and
/// often a phone and a place: at −2 they were a quarter of the pairs wrongly proposed on
/// an independent check's data set (precision 0.72 over five sets of 600 persons); at
/// −3.5 precision 0.77, recall 0.90 → 0.90, and the other sets' figures held.
const UNMATCHED_WORD: f32 = -3.5;
/// A phone is rarely shared by two people (housemates, a shared handset). People change
/// numbers, but two different numbers are much likelier from two people: namesakes born
/// the same year each give their own. At −1.5 they were a quarter of the pairs wrongly
/// proposed from an exchange file; at −3 the benchmark lost 2 of 300 duplicates and the
/// recall over ten exchange files did not change (0.943); at −6 an independent check's
/// sets (five of 600 persons) went from precision 0.766 to 0.789, recall 0.897 to 0.895,
/// ours from 0.914 to 0.919 (recall 0.950), and the benchmark's recall from 0.507 to
/// 0.497 (it plants changed numbers): a changed number now needs more besides.
/// A third independent check found 3 of 133 duplicates with a new SIM, met months apart;
/// −3 for numbers of records met 30 days or more apart found 2 more of its 967 true
/// pairs and lost precision on the first and third checks' sets (0.829 → 0.820 pooled);
/// −1.5 more so (its sets 0.852 → 0.811): a new SIM needs more besides.
const SAME_PHONE: f32 = 10.0;
const DIFFERENT_PHONE: f32 = -6.0;
/// Two numbers one digit apart (a digit mistyped, two neighbours swapped): one number
/// written wrong once far more often than two people's numbers that close. Less than the
/// same number, since the slip may be a relative's consecutive line. Measured on a second
/// independent check's sets (its own generator, four sets of 1,000 to 3,000 persons, a
/// one-digit slip planted in a few duplicates): with −6 (a different phone) those were
/// never found, not even at threshold 0.05.
const SIMILAR_PHONE: f32 = 5.0;
/// The share of a shared phone's weight kept when a word of a name is not matched
/// (Gurpreet Singh and Amandeep Singh, Fatma Ahmet and Ahmet Abdelrahman on one number):
/// kin and workmates share a handset, so the number no longer tells one person from two.
/// Not when no word matches at all (a nickname: Raci and Rachid El Amrani on one number)
/// nor when the words left look alike (a slip: Naïma Drisssi and Naïma Drisis).
/// Both independent checks plant such relatives; at full weight the number carried them
/// over a different given name and even a different gender (scores 0.93 to 0.98).
const PHONE_WITH_OTHER_NAME: f32 = 0.4;
/// By the difference in birth years: 0, 1, 2, 3, 4, 5, more. Stated years drift by a
/// year or two (a birthday not yet come, a document read wrong).
const BIRTH_YEAR: [f32; 7] = [2.8, 1.6, 0.8, -1.5, -3.0, -5.0, -5.0];
/// The same when either year is a worker's estimate ("about 30"): a guess misses by three
/// or four years as often as by one (that says little against); five years or more
/// apart still weighs against. The same year or one apart weigh as for stated years,
/// except the same round year: guesses heap on them ("about 30" is 1995 for everyone).
const ESTIMATED_BIRTH_YEAR: [f32; 7] = [2.8, 1.6, 1.0, 0.4, -0.5, -3.0, -5.0];
const SAME_ROUND_ESTIMATE: f32 = 1.8;
/// Gender, country and languages mostly follow from the name (Mohamed is a man, most
/// likely from an Arabic-speaking country), so agreeing says little; disagreeing says a
/// lot.
const SAME_GENDER: f32 = 0.2;
const DIFFERENT_GENDER: f32 = -5.0;
const SAME_COUNTRY: f32 = 0.5;
const DIFFERENT_COUNTRY: f32 = -3.5;
const SHARED_LANGUAGE: f32 = 0.3;
/// Met within [`NEAR_M`] and [`NEAR_MS`]: this much at 0 m, half of it at [`NEAR_M`].
const MET_NEAR: f32 = 5.0;
/// The most the facts besides names, phone and meetings can add (birth year, country,
/// gender, languages), with a margin for further matched words: what blocking assumes.
pub(super) const BESIDES_NAMES: f32 = 6.0;
/// The share of a usual place's weight kept when a word of a name is not matched (Shahid
/// Abbasi, Umer Amir Abasi): relatives share a family name and live together, so the
/// place no longer tells one person from two. Measured: an independent check's sets
/// (five of 600 persons) precision 0.802 → 0.814, recall 0.892 → 0.887; ours (15
/// exchange files) and the benchmark unchanged (±0.001). At 0 no better than at 0.5.
const PLACE_WITH_OTHER_NAME: f32 = 0.5;
/// Met within [`NEAR_M`] of each other on other days: the same fields, the same
/// station (a team's namesakes meet there too, so it says little).
const SAME_PLACE: f32 = 0.6;
/// Two different usual places: people move with the seasons, and a place is written in
/// more than one way, so this says little.
const DIFFERENT_PLACE: f32 = -0.5;
pub(super) const NEAR_M: f64 = 1_000.0;
pub(super) const NEAR_MS: i64 = 86_400_000;
/// Met within [`NEAR_M`] and a week: a team back at the same farm or station finds the
/// same person there, and namesakes too (less than within a day).
const MET_WEEK: f32 = 2.5;
const WEEK_MS: i64 = 7 * NEAR_MS;

/// Per matched word beyond the two that weigh most together: at least, and at most.
const EXTRA_WORD: f32 = 1.0;
const EXTRA_WORD_MOST: f32 = 2.0;

/// A possible match between a word of `a` and a word of `b`.
#[derive(Clone, Copy)]
struct WordMatch {
    /// `weight - cost`: the order in which matches are kept.
    value: f32,
    cost: f32,
    weight: f32,
    a: u16,
    b: u16,
    /// How many neighbouring words of `a` (`b`) the match covers: two where they are
    /// written as one word in the other record (Ben Ali, Benali).
    span_a: u8,
    span_b: u8,
    how: AliasMatch,
}

/// Buffers reused from one comparison to the next.
#[derive(Default)]
pub(super) struct Scratch {
    options: Vec<WordMatch>,
    kept: Vec<WordMatch>,
}

/// The total weight of the evidence `a` and `b` give; with `reasons`, also each piece of
/// evidence with its weight.
pub(super) fn weigh(
    a: &Prepared,
    b: &Prepared,
    lex: &Lexicon,
    scratch: &mut Scratch,
    mut reasons: Option<&mut Vec<(f32, Reason)>>,
) -> f32 {
    let (name_weight, unmatched) = names(a, b, lex, scratch, reasons.as_deref_mut());
    let mut e = Evidence {
        total: name_weight,
        reasons,
    };
    // Relatives live together: with a word of a name not matched (another given name),
    // the same usual place says less.
    let place_share = if unmatched > 0 {
        PLACE_WITH_OTHER_NAME
    } else {
        1.0
    };
    // Another name beside a name both share (the words left over look nothing alike):
    // asked only where a phone is shared or nearly, the rest of the time it is not needed.
    let kept = &scratch.kept;
    let phone_share = || {
        if unmatched > 0 && !kept.is_empty() && !unmatched_alike(a, b, lex, kept) {
            PHONE_WITH_OTHER_NAME
        } else {
            1.0
        }
    };
    if let (Some(pa), Some(pb)) = (a.phone, b.phone) {
        if pa == pb || same_abroad(lex.text(pa), lex.text(pb)) {
            e.add(phone_share() * SAME_PHONE, || Reason::SamePhone);
        } else if one_digit_apart(lex.text(pa), lex.text(pb)) {
            e.add(phone_share() * SIMILAR_PHONE, || Reason::SimilarPhone);
        } else {
            e.add(DIFFERENT_PHONE, || Reason::DifferentPhone);
        }
    }
    if let (Some(ya), Some(yb)) = (a.facts.birth_year, b.facts.birth_year) {
        let gap = ya.abs_diff(yb).min(6) as usize;
        let weight = if a.facts.birth_year_estimated || b.facts.birth_year_estimated {
            if gap == 0 && ya % 5 == 0 {
                SAME_ROUND_ESTIMATE
            } else {
                ESTIMATED_BIRTH_YEAR[gap]
            }
        } else {
            BIRTH_YEAR[gap]
        };
        e.add(weight, || {
            if weight > 0.0 {
                Reason::BirthYear { a: ya, b: yb }
            } else {
                Reason::DifferentBirthYear { a: ya, b: yb }
            }
        });
    }
    if let (Some(ga), Some(gb)) = (a.gender(), b.gender()) {
        if ga == gb {
            e.add(SAME_GENDER, || Reason::SameGender { gender: ga });
        } else {
            e.add(DIFFERENT_GENDER, || Reason::DifferentGender {
                a: ga,
                b: gb,
            });
        }
    }
    match a.country.agrees(b.country) {
        Some(true) => e.add(SAME_COUNTRY, || Reason::SameCountry {
            country: a.facts.country.trim().to_string(),
        }),
        Some(false) => e.add(DIFFERENT_COUNTRY, || Reason::DifferentCountry {
            a: a.facts.country.trim().to_string(),
            b: b.facts.country.trim().to_string(),
        }),
        None => {}
    }
    if a.languages.iter().any(|l| b.languages.contains(l)) {
        e.add(SHARED_LANGUAGE, || {
            let mut codes: Vec<String> = a
                .languages
                .iter()
                .filter(|l| b.languages.contains(l))
                .map(|&l| lex.text(l).to_string())
                .collect();
            codes.sort();
            Reason::SharedLanguages { codes }
        });
    }
    if let (Some(pa), Some(pb)) = (a.place, b.place) {
        let text = |p: &Prepared| p.facts.usual_place.trim().to_string();
        if pa == pb {
            e.add(place_share * lex.place_weight(pa), || {
                Reason::SameUsualPlace { place: text(a) }
            });
        } else if within_other(lex.text(pa), lex.text(pb)) {
            // «Pavia» and «Pavia stazione»: one place written more or less fully (a
            // second independent check: «different usual places» read wrong there).
        } else {
            e.add(DIFFERENT_PLACE, || Reason::DifferentUsualPlace {
                a: text(a),
                b: text(b),
            });
        }
    }
    if let Some((w, metres, ms)) = closest_sightings(a, b) {
        // Relatives and workmates travel together: met side by side says as little as a
        // shared phone of two records with another given name beside a shared one (a
        // third independent check: brothers on one phone, met the same day, at 0.94).
        // Measured: the second check's sets precision 0.732 → 0.746, 0.742 → 0.791,
        // 0.694 → 0.699 (recall −0.005 on one), the first's and the third's unchanged
        // (±0.005).
        let w = w * phone_share();
        e.add(w, || Reason::MetNear {
            metres: metres.round() as u32,
            days: (ms / NEAR_MS) as u32,
        });
    }
    e.total
}

/// Whether two normalised phone numbers differ by one digit, or by two neighbouring
/// digits swapped.
fn one_digit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut differ = (0..a.len()).filter(|&i| a[i] != b[i]);
    match (differ.next(), differ.next(), differ.next()) {
        (Some(_), None, _) => true,
        (Some(i), Some(j), None) => j == i + 1 && a[i] == b[j] && a[j] == b[i],
        _ => false,
    }
}

/// Whether a foreign number with its country code (`+40856940938`) and a number
/// written as dialled inside that country, with its trunk 0 (`0856940938`, which
/// normalising reads as Italian), are one number (a second independent check: a
/// Romanian number written both ways read as two phones).
fn same_abroad(a: &str, b: &str) -> bool {
    let (intl, national) = match (a.strip_prefix('+'), b.strip_prefix('+')) {
        (Some(i), None) => (i, b),
        (None, Some(i)) => (i, a),
        _ => return false,
    };
    let Some(rest) = national.strip_prefix('0') else {
        return false;
    };
    // Italy keeps its 0 after +39, which normalising already reads.
    !intl.starts_with("39")
        && rest.len() >= 6
        && intl.len() > rest.len()
        && (1..=3).contains(&(intl.len() - rest.len()))
        && intl.ends_with(rest)
}

/// Whether every word of one folded place is a word of the other (and they differ).
fn within_other(a: &str, b: &str) -> bool {
    fn words(t: &str) -> impl Iterator<Item = &str> {
        t.split(' ').filter(|w| !w.is_empty())
    }
    fn inside(x: &str, y: &str) -> bool {
        words(x).next().is_some() && words(x).all(|w| words(y).any(|v| v == w))
    }
    inside(a, b) || inside(b, a)
}

/// The weight gathered so far and, when asked, each piece of evidence.
struct Evidence<'r> {
    total: f32,
    reasons: Option<&'r mut Vec<(f32, Reason)>>,
}

impl Evidence<'_> {
    /// Adds a weight; its reason is only made when reasons are asked for.
    fn add(&mut self, weight: f32, reason: impl FnOnce() -> Reason) {
        self.total += weight;
        if let Some(r) = self.reasons.as_deref_mut() {
            r.push((weight, reason()));
        }
    }
}

/// The alias evidence. Each skeleton is matched at most once on each side, best
/// matches first. One word matched weighs its rarity; two or more the rarity of the
/// rarest two together (in both records), plus 1 to 2 per further word; each
/// looser match costs a little. Each word of the record with fewer distinct words left
/// unmatched weighs [`UNMATCHED_WORD`]; also returns how many there are (the matches
/// stay in `scratch.kept`).
fn names(
    a: &Prepared,
    b: &Prepared,
    lex: &Lexicon,
    scratch: &mut Scratch,
    reasons: Option<&mut Vec<(f32, Reason)>>,
) -> (f32, usize) {
    scratch.options.clear();
    scratch.kept.clear();
    for (i, x) in a.words.iter().enumerate() {
        for (j, y) in b.words.iter().enumerate() {
            if let Some((how, cost, weight)) = lex.matches(x, y) {
                scratch.options.push(WordMatch {
                    value: weight - cost,
                    cost,
                    weight,
                    a: i as u16,
                    b: j as u16,
                    span_a: 1,
                    span_b: 1,
                    how,
                });
            }
        }
    }
    scratch.options.sort_by(|p, q| {
        q.value
            .total_cmp(&p.value)
            .then((p.a, p.b).cmp(&(q.a, q.b)))
    });
    for m in &scratch.options {
        let (x, y) = (&a.words[usize::from(m.a)], &b.words[usize::from(m.b)]);
        // A skeleton is matched once on each side, whichever of its spellings matched.
        let taken = scratch.kept.iter().any(|k| {
            a.words[usize::from(k.a)].skeleton == x.skeleton
                || b.words[usize::from(k.b)].skeleton == y.skeleton
        });
        if !taken {
            scratch.kept.push(*m);
        }
    }
    joined_matches(a, b, lex, &mut scratch.kept, true);
    joined_matches(b, a, lex, &mut scratch.kept, false);
    let kept = &scratch.kept;
    let mut total = match kept.len() {
        0 => 0.0,
        1 => kept[0].value,
        _ => {
            let cost = kept.iter().map(|m| m.cost).sum::<f32>();
            let skeleton_a = |m: &WordMatch| a.words[usize::from(m.a)].skeleton;
            let skeleton_b = |m: &WordMatch| b.words[usize::from(m.b)].skeleton;
            let mut rarity = kept.iter().map(|m| m.weight).fold(0.0, f32::max);
            let mut best = (0, 1);
            for (i, p) in kept.iter().enumerate() {
                for (j, q) in kept.iter().enumerate().skip(i + 1) {
                    let together = lex
                        .pair_weight(skeleton_a(p), skeleton_a(q))
                        .min(lex.pair_weight(skeleton_b(p), skeleton_b(q)))
                        .min(p.weight + q.weight);
                    if together > rarity {
                        rarity = together;
                        best = (i, j);
                    }
                }
            }
            // Each further word adds what it says besides the words of the best pair: how
            // much rarer it makes the rarer-made of them (`ln(held / held with it)`),
            // at least EXTRA_WORD, at most EXTRA_WORD_MOST or its own weight.
            // Full three-word names (Muhammad Kamran Shah) say more than two words; a
            // look-alike with the same three words born far apart still stays below.
            let mut extra = 0.0;
            for (k, t) in kept.iter().enumerate() {
                if k == best.0 || k == best.1 {
                    continue;
                }
                let besides = [best.0, best.1]
                    .iter()
                    .map(|&x| {
                        let x = &kept[x];
                        (lex.pair_weight(skeleton_a(t), skeleton_a(x)) - lex.weight(skeleton_a(x)))
                            .min(
                                lex.pair_weight(skeleton_b(t), skeleton_b(x))
                                    - lex.weight(skeleton_b(x)),
                            )
                    })
                    .fold(f32::INFINITY, f32::min);
                extra += besides.min(t.weight).clamp(EXTRA_WORD, EXTRA_WORD_MOST);
            }
            rarity + extra - cost
        }
    };
    let shorter = a.skeletons.len().min(b.skeletons.len());
    let unmatched = shorter.saturating_sub(kept.len());
    total += UNMATCHED_WORD * unmatched as f32;
    if let Some(reasons) = reasons {
        alias_reasons(a, b, kept, reasons);
    }
    (total, unmatched)
}

/// Whether a word left unmatched in `a` and one in `b` still look alike — the same
/// first three letters, or one edit apart (Drisssi and Drisis, Rubi and Rubel): a slip
/// or a short form of one name, not another given name (Gurpreet and Amandeep Singh).
fn unmatched_alike(a: &Prepared, b: &Prepared, lex: &Lexicon, kept: &[WordMatch]) -> bool {
    let left = |x: &Prepared, of_a: bool| -> Vec<String> {
        let covered: Vec<u32> = kept
            .iter()
            .map(|m| {
                let i = usize::from(if of_a { m.a } else { m.b });
                x.words[i].skeleton
            })
            .collect();
        x.words
            .iter()
            .filter(|w| !covered.contains(&w.skeleton))
            .map(|w| lex.text(w.folded).to_string())
            .collect()
    };
    let (la, lb) = (left(a, true), left(b, false));
    la.iter().any(|x| {
        lb.iter().any(|y| {
            let prefix = x.bytes().zip(y.bytes()).take_while(|(p, q)| p == q).count();
            prefix >= 3 || super::facts::within_one_edit(x.as_bytes(), y.as_bytes())
        })
    })
}

/// Two neighbouring words of one alias of `x` written as one word in `y` (Ben Ali and
/// Benali, N'Diaye and Ndiaye, عبد القادر and Abdelkader, Jian Hua and Jianhua), among
/// the words no match kept: the same skeleton, or one edit apart when both have four
/// letters or more. Weighed as the one word, as another spelling or a slip. `x_is_a`
/// says which side of the kept matches `x` is.
fn joined_matches(
    x: &Prepared,
    y: &Prepared,
    lex: &Lexicon,
    kept: &mut Vec<WordMatch>,
    x_is_a: bool,
) {
    if x.joined.is_empty() {
        return;
    }
    let side = |m: &WordMatch, of_x: bool| {
        if of_x == x_is_a {
            usize::from(m.a)
        } else {
            usize::from(m.b)
        }
    };
    for &(joined, first) in &x.joined {
        let first = usize::from(first);
        let parts = [x.words[first].skeleton, x.words[first + 1].skeleton];
        let x_taken = |kept: &[WordMatch]| {
            kept.iter()
                .any(|m| parts.contains(&x.words[side(m, true)].skeleton))
        };
        if x_taken(kept) {
            continue;
        }
        let text = lex.text(joined);
        for (j, w) in y.words.iter().enumerate() {
            let sk = w.skeleton;
            if kept.iter().any(|m| y.words[side(m, false)].skeleton == sk) {
                continue;
            }
            let other = lex.text(sk);
            let (how, cost) = if other == text {
                (AliasMatch::Spelling, SPELLING_COST)
            } else if other.len() >= 4
                && text.len() >= 4
                && super::facts::within_one_edit(other.as_bytes(), text.as_bytes())
            {
                (AliasMatch::Phonetic, PHONETIC_COST)
            } else {
                continue;
            };
            let weight = lex.weight(sk);
            let (ia, ib) = if x_is_a { (first, j) } else { (j, first) };
            let (span_a, span_b) = if x_is_a { (2, 1) } else { (1, 2) };
            kept.push(WordMatch {
                value: weight - cost,
                cost,
                weight,
                a: ia as u16,
                b: ib as u16,
                span_a,
                span_b,
                how,
            });
            break;
        }
    }
}

/// One reason per pair of aliases that matched (the three weightiest), saying the
/// loosest way its words matched.
fn alias_reasons(a: &Prepared, b: &Prepared, kept: &[WordMatch], reasons: &mut Vec<(f32, Reason)>) {
    let mut pairs: Vec<(u16, u16, f32, AliasMatch)> = Vec::new();
    for m in kept {
        let (w, how) = (m.value, m.how);
        let (ai, bj) = (
            a.words[usize::from(m.a)].alias,
            b.words[usize::from(m.b)].alias,
        );
        match pairs.iter_mut().find(|p| p.0 == ai && p.1 == bj) {
            Some(p) => {
                p.2 += w;
                p.3 = p.3.max(how);
            }
            None => pairs.push((ai, bj, w, how)),
        }
    }
    pairs.sort_by(|p, q| q.2.total_cmp(&p.2).then((p.0, p.1).cmp(&(q.0, q.1))));
    for (ai, bj, w, how) in pairs.into_iter().take(3) {
        // A word of either alias left without a match: only part of the names match (a
        // second independent check read «Gurpreet Singh = Amandeep Singh»).
        let how = if whole(a, ai, kept, true) && whole(b, bj, kept, false) {
            how
        } else {
            AliasMatch::Partial
        };
        reasons.push((
            w,
            Reason::Alias {
                a: a.facts.aliases[usize::from(ai)].trim().to_string(),
                b: b.facts.aliases[usize::from(bj)].trim().to_string(),
                how,
            },
        ));
    }
}

/// Whether every word of alias `alias` of `x` has its name matched, through this alias
/// or another (Людмила Чобану beside Ludmila Ciobanu; a name written twice in one alias
/// needs one match: Ali Ali). `x_is_a` says which side of the kept matches `x` is.
fn whole(x: &Prepared, alias: u16, kept: &[WordMatch], x_is_a: bool) -> bool {
    let mut covered: Vec<u32> = Vec::new();
    for m in kept {
        let (i, span) = if x_is_a {
            (m.a, m.span_a)
        } else {
            (m.b, m.span_b)
        };
        covered.extend(
            x.words[usize::from(i)..]
                .iter()
                .take(usize::from(span))
                .map(|w| w.skeleton),
        );
    }
    x.words
        .iter()
        .filter(|w| w.alias == alias)
        .all(|w| covered.contains(&w.skeleton))
}

/// What two sightings within [`NEAR_M`] say: [`MET_NEAR`] within a day, [`MET_WEEK`]
/// within a week (each halved at [`NEAR_M`]), [`SAME_PLACE`] on other days.
fn sighting_weight(metres: f64, ms: i64) -> f32 {
    let near = 1.0 - 0.5 * (metres / NEAR_M) as f32;
    if ms <= NEAR_MS {
        MET_NEAR * near
    } else if ms <= WEEK_MS {
        (MET_WEEK * near).max(SAME_PLACE)
    } else {
        SAME_PLACE
    }
}

/// The two sightings within [`NEAR_M`] that say most ([`sighting_weight`]): their
/// weight, metres and milliseconds apart.
fn closest_sightings(a: &Prepared, b: &Prepared) -> Option<(f32, f64, i64)> {
    let mut best: Option<(f32, f64, i64)> = None;
    for &(lat, lon, t) in &a.sightings {
        for &(blat, blon, bt) in &b.sightings {
            let ms = (t - bt).abs();
            let d = distance_m((lat, lon), (blat, blon));
            if d > NEAR_M {
                continue;
            }
            let w = sighting_weight(d, ms);
            if best.is_none_or(|(bw, bd, _)| (w, -d) > (bw, -bd)) {
                best = Some((w, d, ms));
            }
        }
    }
    best
}
