//! What a person record is reduced to before any comparison: alias words folded to Latin
//! with their consonant skeletons, the phone as a number, the country as a code, and
//! how informative each skeleton is in this population. Strings are interned once, so
//! comparing two records compares integers.

use std::collections::HashMap;

use strada_shared::reconcile::AliasMatch;
use strada_shared::search::{fold, search_skeleton};
use strada_shared::vocab::Gender;

use super::PersonFacts;
use super::country::{Countries, Country};
use super::phone::normalise_phone;

/// Words workers add to an alias to tell people apart ("Mamadou della serra"), and the
/// Arabic article written apart ("El Amrani"): they say nothing about who the person is.
const STOP_WORDS: &[&str] = &[
    "del", "della", "dello", "dei", "degli", "delle", "di", "da", "dal", "dalla", "col", "con",
    "il", "lo", "la", "le", "detto", "detta", "al", "el",
];

/// How much a looser match takes off a word's weight: another spelling or script is
/// almost as good as the same word; a word one edit away is often another name.
pub(super) const SPELLING_COST: f32 = 0.3;
pub(super) const PHONETIC_COST: f32 = 1.5;
/// Two words one edit apart that each other persons hold too (Ranjit and Manjit,
/// Popescu and Lupescu, Rajinder and Rupinder) are mostly two names, not a slip: a slip
/// makes a word no one else has. Measured: an independent check's sets (five of 600
/// persons) precision 0.795 → 0.802, recall 0.893 → 0.892; ours (15 exchange files)
/// 0.919 → 0.925, recall 0.954 → 0.952; the benchmark at 100,000 0.800 → 0.809,
/// recall 0.506 → 0.504.
pub(super) const NAMES_APART_COST: f32 = 3.0;
/// How many persons a small population is assumed to have when judging how rare a word
/// is: a word seen twice among three records is not taken to be common.
pub(super) const PRIOR_POPULATION: f32 = 200.0;
/// The most a usual place both records state can weigh: housemates share it, and a
/// family shares a surname too.
const MOST_PLACE: f32 = 4.0;
/// Skeletons of a person counted in pairs (twelve aliases of three words would make
/// hundreds of pairs): the first eight, by interned order.
const MAX_PAIRED: usize = 8;
/// Pairs at the strangers' rate assumed before counting how often namesakes share a
/// place (see [`namesakes_place_ratio`]), and how many persons of one name are counted
/// (the first by id). Measured at 0.5, 1 and 2: an independent check's sets (five of
/// 600 persons) precision 0.855, 0.844, 0.841, recall 0.871, 0.876, 0.878; at 0.25 as
/// at 0.5.
const KIN_PRIOR: f32 = 0.5;
const KIN_GROUP: usize = 64;

/// The writing system of an alias: the same letters in two scripts are a
/// transliteration, in one script a spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Script {
    Latin,
    Arabic,
    Cyrillic,
    Bengali,
    Gurmukhi,
    Devanagari,
    Other,
}

impl Script {
    /// The script of an alias: its first letter outside Latin, if any.
    fn of(alias: &str) -> Script {
        for c in alias.chars().filter(|c| c.is_alphabetic()) {
            let script = match c as u32 {
                0..=0x02AF | 0x1E00..=0x1EFF => continue,
                0x0400..=0x052F => Script::Cyrillic,
                0x0600..=0x06FF | 0x0750..=0x077F | 0xFB50..=0xFEFF => Script::Arabic,
                0x0900..=0x097F => Script::Devanagari,
                0x0980..=0x09FF => Script::Bengali,
                0x0A00..=0x0A7F => Script::Gurmukhi,
                _ => Script::Other,
            };
            return script;
        }
        Script::Latin
    }
}

/// One word of an alias.
#[derive(Debug, Clone, Copy)]
pub(super) struct Word {
    /// Which of the person's aliases it comes from.
    pub alias: u16,
    pub script: Script,
    /// The folded word and its skeleton, interned, and their lengths in bytes.
    pub folded: u32,
    pub skeleton: u32,
    /// The skeleton of the word's other reading where its script reads some letters two
    /// ways (see [`other_reading`]), else `skeleton`.
    pub alternate: u32,
    pub folded_len: u16,
    pub skeleton_len: u16,
}

/// A person ready for comparison.
pub(super) struct Prepared<'a> {
    pub facts: &'a PersonFacts,
    pub words: Vec<Word>,
    /// Distinct skeletons among the words, rarest first.
    pub skeletons: Vec<u32>,
    /// The other readings of skeletons (`skeleton`, `alternate`), for blocking.
    pub alternates: Vec<(u32, u32)>,
    /// Two neighbouring words of one alias as one word (Ben Ali as Benali): the
    /// skeleton, interned, and the index in `words` of the first of the two.
    pub joined: Vec<(u32, u16)>,
    pub phone: Option<u32>,
    pub country: Country,
    /// Lower-case codes, interned, without repeats.
    pub languages: Vec<u32>,
    /// (lat, lon, unix ms), oldest first.
    pub sightings: Vec<(f64, f64, i64)>,
    /// The usual place, folded and interned.
    pub place: Option<u32>,
}

impl Prepared<'_> {
    pub(super) fn gender(&self) -> Option<Gender> {
        Some(self.facts.gender).filter(|g| *g != Gender::Unknown)
    }
}

/// The interned strings and the weight of each skeleton in this population.
#[derive(Default)]
pub(super) struct Lexicon {
    ids: HashMap<String, u32>,
    strings: Vec<String>,
    /// By interned id; only meaningful for skeletons.
    weight: Vec<f32>,
    /// How many persons hold each skeleton, by interned id.
    df: Vec<u32>,
    /// How many persons hold both skeletons of a pair (see [`pair_key`]).
    pair_df: HashMap<u64, u32>,
    /// How many persons state each usual place, by interned id.
    place_df: HashMap<u32, u32>,
    /// The population the frequencies are judged against: persons plus the prior.
    population: f32,
    /// How many times more often than strangers people alike by name share a usual
    /// place (see [`namesakes_place_ratio`]).
    place_ratio: f32,
}

fn pair_key(a: u32, b: u32) -> u64 {
    (u64::from(a.min(b)) << 32) | u64::from(a.max(b))
}

impl Lexicon {
    pub(super) fn intern(&mut self, s: String) -> u32 {
        if let Some(&id) = self.ids.get(&s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.clone());
        self.ids.insert(s, id);
        id
    }

    /// The population frequencies are judged against: the persons compared plus the
    /// prior.
    pub(super) fn population(&self) -> f32 {
        self.population
    }

    pub(super) fn text(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }

    /// How much two records sharing this skeleton says: `ln(P / others)`, where
    /// `others` counts the persons holding it besides one of the two (at least 1) and `P`
    /// is the population plus a prior of 200 (so that in a small population a word is
    /// not taken for a common one).
    pub(super) fn weight(&self, skeleton: u32) -> f32 {
        self.weight[skeleton as usize]
    }

    /// How much two records stating this usual place says: `ln(0.6 P / (others × k))`,
    /// with `others` as in [`Lexicon::weight`] and `k` how many times more often than
    /// strangers people alike by name share a place in this population
    /// ([`namesakes_place_ratio`], at least 1), at most [`MOST_PLACE`]. 0.6: a person
    /// recorded twice states the same place, as written, about that often (people move
    /// with the seasons, and a place is written in more than one way). Measured with
    /// `k` (was 1): an independent check's sets (five of 600 persons, where look-alikes
    /// state their anchor's place as often as duplicates do, `k` 1.2 to 4.4) precision
    /// 0.814 → 0.855, recall 0.887 → 0.871; ours (15 exchange files, look-alikes placed
    /// at random, `k` 1 to 1.5) 0.925 / 0.952 → 0.925 / 0.951; the benchmark (100,000
    /// persons, `k` 2.0) 0.809 / 0.503 → 0.815 / 0.502. Halving every place's weight
    /// instead did as well on the first sets but cost the benchmark's plain profile
    /// 0.07 of recall, and ours 0.012.
    pub(super) fn place_weight(&self, place: u32) -> f32 {
        let others = self
            .place_df
            .get(&place)
            .map_or(1, |&d| d.saturating_sub(1).max(1)) as f32;
        ((0.6 * self.population / others).ln() - self.place_ratio.ln()).clamp(0.0, MOST_PLACE)
    }

    /// How many persons hold this skeleton.
    pub(super) fn holders(&self, skeleton: u32) -> u32 {
        self.df[skeleton as usize]
    }

    /// How much two records sharing both skeletons says: `-ln((others + 200 q_a q_b) / P)`,
    /// where `others` counts the other persons holding both, and `q` is each word's
    /// frequency as in [`Lexicon::weight`] (the prior assumes the words independent).
    /// Names go together (Singh with Gurpreet, a nickname's two words), so this is less
    /// than the sum of the two weights.
    pub(super) fn pair_weight(&self, a: u32, b: u32) -> f32 {
        let others = self
            .pair_df
            .get(&pair_key(a, b))
            .map_or(0.0, |&df| df.saturating_sub(2) as f32);
        let q = |s: u32| (-self.weight(s)).exp();
        let expected = PRIOR_POPULATION * q(a) * q(b);
        (self.population / (others + expected))
            .ln()
            .clamp(0.0, self.population.ln() + 1.0)
    }

    /// How two words match, what the looser match costs and what the word weighs.
    pub(super) fn matches(&self, x: &Word, y: &Word) -> Option<(AliasMatch, f32, f32)> {
        // One word read the other way of its script (عثمان read as in Urdu is Usman):
        // a transliteration, weighed by the word it matched as read.
        if x.skeleton != y.skeleton {
            let other = if x.alternate == y.skeleton {
                Some(y.skeleton)
            } else if y.alternate == x.skeleton {
                Some(x.skeleton)
            } else {
                None
            };
            if let Some(sk) = other {
                return Some((AliasMatch::Transliteration, SPELLING_COST, self.weight(sk)));
            }
        }
        if x.skeleton == y.skeleton {
            let how = if x.script != y.script {
                AliasMatch::Transliteration
            } else if x.folded == y.folded {
                AliasMatch::Same
            } else {
                AliasMatch::Spelling
            };
            let cost = if how == AliasMatch::Same {
                0.0
            } else {
                SPELLING_COST
            };
            return Some((how, cost, self.weight(x.skeleton)));
        }
        // Sound-alikes and slips: skeletons of four letters or more one edit apart, or
        // words of five letters or more one edit apart (a slip that changed a short
        // skeleton: Fathi, Famhi).
        // Not when the edit is the first letter changed: names that differ there are
        // other names (Gurpreet, Harpreet; Kamal, Jamal; Manjit, Ranjit — a new user's
        // check saw Gurpreet Singh and Harpreet Singh proposed at 99%), slips rarely
        // fall there.
        let near = |a: u16, b: u16, min: u16| a >= min && b >= min && a.abs_diff(b) <= 1;
        let one_edit = |p: u32, q: u32| {
            let (p, q) = (self.text(p).as_bytes(), self.text(q).as_bytes());
            within_one_edit(p, q) && !first_letter_changed(p, q)
        };
        let close = (near(x.skeleton_len, y.skeleton_len, 4) && one_edit(x.skeleton, y.skeleton))
            || (near(x.folded_len, y.folded_len, 5) && one_edit(x.folded, y.folded));
        close.then(|| {
            let w = self.weight(x.skeleton).min(self.weight(y.skeleton));
            let cost = if self.holders(x.skeleton) >= 2 && self.holders(y.skeleton) >= 2 {
                NAMES_APART_COST
            } else {
                PHONETIC_COST
            };
            (AliasMatch::Phonetic, cost, w)
        })
    }
}

/// Whether two words of one length differ only by their first letter (`j` and `y`, read
/// alike at a name's start, aside: Jusuf, Yusuf).
fn first_letter_changed(a: &[u8], b: &[u8]) -> bool {
    match (a.split_first(), b.split_first()) {
        (Some((x, ra)), Some((y, rb))) => {
            let alike = matches!((x, y), (b'j', b'y') | (b'y', b'j'));
            x != y && ra == rb && !alike
        }
        _ => false,
    }
}

/// Whether two strings differ by at most one insertion, deletion, substitution or swap
/// of neighbours.
pub(super) fn within_one_edit(a: &[u8], b: &[u8]) -> bool {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if b.len() - a.len() > 1 {
        return false;
    }
    let start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if start == a.len() {
        return true;
    }
    if a.len() == b.len() {
        let swapped = start + 1 < a.len()
            && a[start] == b[start + 1]
            && a[start + 1] == b[start]
            && a[start + 2..] == b[start + 2..];
        swapped || a[start + 1..] == b[start + 1..]
    } else {
        a[start..] == b[start + 1..]
    }
}

/// The words of an alias that say who the person is, each folded to Latin and with the
/// skeleton reconciliation compares: [`skeleton`] after merges of its own — `ch` is `sh`
/// and `dj` is `j` (French transliterations: Rachid, Djamel), `v` and `w` are one letter
/// (ਵ, و and в are written either way: Grewal, Naveed, Vasyl), and a final `h` after a
/// vowel is dropped (Bah and Ba, Miah and Mia). Words without a
/// consonant ("Yaw") or of a script without a table are their own skeleton: skeletons
/// never hold a vowel, so none collides. With each word, the skeleton of its other
/// reading ([`other_reading`]) when it has one.
fn alias_words(alias: &str, script: Script) -> Vec<(String, String, Option<String>)> {
    let words: Vec<(String, String)> = fold(alias)
        .split(' ')
        .filter_map(|token| word_of(token, script))
        .collect();
    let others: Option<Vec<String>> = other_reading(alias, script).and_then(|other| {
        let others: Vec<String> = fold(&other)
            .split(' ')
            .filter_map(|token| word_of(token, script))
            .map(|(_, sk)| sk)
            .collect();
        // Letters read another way never make or unmake a word.
        (others.len() == words.len()).then_some(others)
    });
    // A Latin word read another way ([`latin_other`]): Elidrissi as Idrissi, Md as
    // Muhammad, and each h after a consonant as a letter of its own: Fathy is فتحي (t,
    // h), Belhaj بلحاج, Adham أدهم, Ishaq إسحاق, where the skeleton reads th, lh, dh
    // and sh as one sound (the benchmark's fold left Fathy and Belhaj apart).
    let others = others.or_else(|| {
        (script == Script::Latin).then(|| {
            words
                .iter()
                .map(|(token, sk)| {
                    word_of(&latin_other(token), script).map_or_else(|| sk.clone(), |(_, o)| o)
                })
                .collect()
        })
    });
    words
        .into_iter()
        .enumerate()
        .map(|(i, (token, sk))| {
            let other = others.as_ref().map(|o| o[i].clone()).filter(|o| *o != sk);
            (token, sk, other)
        })
        .collect()
}

/// Two skeletons written as one word: one letter where the first ends with the letter
/// the second begins with (a skeleton never doubles a letter).
pub(super) fn join_skeletons(first: &str, second: &str) -> String {
    let mut out = first.to_string();
    let rest = match (first.chars().last(), second.chars().next()) {
        (Some(x), Some(y)) if x == y => &second[y.len_utf8()..],
        _ => second,
    };
    out.push_str(rest);
    out
}

/// The other reading of a folded Latin token (`None` when it reads one way): the Arabic
/// article joined to a name read without it (Elidrissi is El Idrissi, Alhassan Al
/// Hassan); "Md", "Mohd", "Muhd" and "Mhd" written out (Muhammad); and each h after a
/// consonant read as a letter of its own ([`h_apart`]).
fn latin_other(token: &str) -> String {
    if matches!(token, "md" | "mohd" | "muhd" | "mhd") {
        return "muhammad".to_string();
    }
    let token = match token
        .strip_prefix("el")
        .or_else(|| token.strip_prefix("al"))
    {
        Some(rest) if rest.len() >= 4 => rest,
        _ => token,
    };
    h_apart(token)
}

/// A folded Latin token with a vowel put before each `h` that follows a consonant which
/// is not the first letter of a digraph of one sound (`ch`, `kh`, `gh`, `ph`, `bh`), so
/// that the skeleton keeps the `h`.
fn h_apart(token: &str) -> String {
    let mut out = String::with_capacity(token.len() + 2);
    let mut prev = None;
    for c in token.chars() {
        if c == 'h'
            && prev.is_some_and(|p| {
                matches!(p, 't' | 'd' | 's' | 'l' | 'r' | 'm' | 'n' | 'f' | 'z' | 'j')
            })
        {
            out.push('a');
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

/// One folded token as a word and its skeleton; `None` for stop words and tokens
/// without a letter.
fn word_of(token: &str, script: Script) -> Option<(String, String)> {
    if !token.chars().any(char::is_alphabetic) || STOP_WORDS.contains(&token) {
        return None;
    }
    // The Arabic article, written joined in Arabic script (العمراني) and mostly
    // left out in Latin (Amrani).
    let token = match token.strip_prefix("al") {
        Some(rest) if script == Script::Arabic && rest.len() >= 3 => rest,
        _ => token,
    };
    // The merges the search makes too (French ch and dj, v and w, a final h after a
    // vowel): one place for both, so a name found as one person there is one here.
    let sk = search_skeleton(token);
    let sk = if sk.is_empty() { token.to_string() } else { sk };
    Some((token.to_string(), sk))
}

/// The alias read the other way its script allows, if that changes a letter
/// ([`strada_shared::search::other_reading`], as the search reads it): Arabic script as
/// Urdu and Persian read it (عثمان Usman, رضوان Rizwan, حياة Hayat), Cyrillic as
/// Ukrainian reads it (Галина Halyna).
fn other_reading(alias: &str, script: Script) -> Option<String> {
    matches!(script, Script::Arabic | Script::Cyrillic)
        .then(|| strada_shared::search::other_reading(alias))
        .flatten()
}

/// The skeletons reconciliation compares an alias by, one per word (for diagnostics:
/// two aliases can only match word for word where these are equal or one edit apart).
pub fn alias_skeletons(alias: &str) -> Vec<String> {
    alias_words(alias, Script::of(alias))
        .into_iter()
        .map(|(_, sk, _)| sk)
        .collect()
}

/// The persons that can be candidates, prepared, and the lexicon of their words. Persons
/// without an alias word and without a phone (consent withdrawn) are left out.
pub(super) fn prepare(persons: &[PersonFacts]) -> (Vec<Prepared<'_>>, Lexicon) {
    let countries = Countries::new();
    let mut lex = Lexicon::default();
    let mut prepared = Vec::with_capacity(persons.len());
    // Aliases repeat (common names): each is folded once, its words kept as of alias 0.
    let mut seen: HashMap<&str, Vec<Word>> = HashMap::new();
    for facts in persons {
        let mut words = Vec::new();
        for (i, alias) in facts.aliases.iter().enumerate().take(usize::from(u16::MAX)) {
            let known = seen.entry(alias.as_str()).or_insert_with(|| {
                let script = Script::of(alias);
                alias_words(alias, script)
                    .into_iter()
                    .map(|(folded, sk, other)| {
                        let skeleton_len = sk.len() as u16;
                        let skeleton = lex.intern(sk);
                        Word {
                            alias: 0,
                            script,
                            folded_len: folded.len() as u16,
                            skeleton_len,
                            folded: lex.intern(folded),
                            skeleton,
                            alternate: other.map_or(skeleton, |o| lex.intern(o)),
                        }
                    })
                    .collect()
            });
            words.extend(known.iter().map(|w| Word {
                alias: i as u16,
                ..*w
            }));
        }
        let phone = facts
            .phone
            .as_deref()
            .and_then(normalise_phone)
            .map(|p| lex.intern(p));
        if words.is_empty() && phone.is_none() {
            continue;
        }
        let mut skeletons: Vec<u32> = words.iter().map(|w| w.skeleton).collect();
        skeletons.sort_unstable();
        skeletons.dedup();
        let country = countries.resolve(&facts.country, &mut |s| lex.intern(s));
        let languages: Vec<String> = facts
            .languages
            .iter()
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .collect();
        // A Ukrainian's name in Latin letters is written from Ukrainian (Halyna, Ihor,
        // Hrytsenko) or from its Russian form (Galina, Igor, Gritsenko): h is also g.
        if country.code() == Some("UA") || languages.iter().any(|l| l == "uk") {
            for w in words.iter_mut().filter(|w| w.script == Script::Latin) {
                let sk = lex.text(w.skeleton);
                if w.alternate == w.skeleton && sk.contains('h') {
                    let other = sk.replace('h', "g");
                    w.alternate = lex.intern(other);
                }
            }
        }
        let joined: Vec<(u32, u16)> = words
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0].alias == w[1].alias)
            .map(|(k, w)| {
                let text = join_skeletons(lex.text(w[0].skeleton), lex.text(w[1].skeleton));
                (lex.intern(text), k as u16)
            })
            .collect();
        let mut alternates: Vec<(u32, u32)> = words
            .iter()
            .filter(|w| w.alternate != w.skeleton)
            .map(|w| (w.skeleton, w.alternate))
            .collect();
        alternates.sort_unstable();
        alternates.dedup();
        let mut languages: Vec<u32> = languages.into_iter().map(|l| lex.intern(l)).collect();
        languages.sort_unstable();
        languages.dedup();
        let mut sightings: Vec<(f64, f64, i64)> = facts
            .sightings
            .iter()
            .filter(|(p, _)| p.lat.is_finite() && p.lon.is_finite())
            .map(|(p, t)| (p.lat, p.lon, *t))
            .collect();
        sightings.sort_by_key(|s| s.2);
        let place = Some(fold(&facts.usual_place))
            .filter(|p| !p.is_empty())
            .map(|p| lex.intern(p));
        if let Some(place) = place {
            *lex.place_df.entry(place).or_default() += 1;
        }
        prepared.push(Prepared {
            facts,
            words,
            skeletons,
            alternates,
            joined,
            phone,
            country,
            languages,
            sightings,
            place,
        });
    }
    weigh_skeletons(&mut lex, &mut prepared);
    lex.place_ratio = namesakes_place_ratio(&prepared, &lex);
    (prepared, lex)
}

/// How many times more often than two strangers two people alike by name who are
/// clearly two people state the same usual place: kin (a father and his son, brothers,
/// cousins) and people of one village live and work together, so among people alike by
/// name the same place says less than its rarity. Counted over the pairs holding the
/// same two rarest alias words and born five years or more apart (seven when a year is
/// a guess) or of different genders, both stating a place: how many state the same one,
/// against how many would if each stated places as often as everyone does. At least 1;
/// with [`KIN_PRIOR`] pairs at the strangers' rate, so that a pair or two says little.
fn namesakes_place_ratio(prepared: &[Prepared], lex: &Lexicon) -> f32 {
    let stated: u64 = lex.place_df.values().map(|&d| u64::from(d)).sum();
    if stated < 2 {
        return 1.0;
    }
    let mut groups: HashMap<&[u32], Vec<usize>> = HashMap::new();
    for (i, p) in prepared.iter().enumerate() {
        if p.skeletons.len() >= 2 && p.place.is_some() {
            groups.entry(&p.skeletons[..2]).or_default().push(i);
        }
    }
    let df = |p: u32| u64::from(lex.place_df.get(&p).copied().unwrap_or(0));
    // Counts, so that the sum does not depend on the order of the groups.
    let (mut seen, mut expected_twice) = (0u64, 0u64);
    for members in groups.values_mut() {
        // The same records give the same ratio, whatever order they came in.
        members.sort_by_key(|&i| prepared[i].facts.id);
        let members = &members[..members.len().min(KIN_GROUP)];
        for (k, &i) in members.iter().enumerate() {
            for &j in &members[k + 1..] {
                let (a, b) = (&prepared[i], &prepared[j]);
                let years_apart = match (a.facts.birth_year, b.facts.birth_year) {
                    (Some(x), Some(y)) => {
                        let guessed = a.facts.birth_year_estimated || b.facts.birth_year_estimated;
                        x.abs_diff(y) >= if guessed { 7 } else { 5 }
                    }
                    _ => false,
                };
                let genders_apart =
                    matches!((a.gender(), b.gender()), (Some(x), Some(y)) if x != y);
                if !(years_apart || genders_apart) {
                    continue;
                }
                let (Some(pa), Some(pb)) = (a.place, b.place) else {
                    continue;
                };
                expected_twice += df(pa) + df(pb);
                seen += u64::from(pa == pb);
            }
        }
    }
    let expected = expected_twice as f64 / (2.0 * stated as f64);
    let prior = f64::from(KIN_PRIOR);
    (((seen as f64 + prior) / (expected + prior)) as f32).max(1.0)
}

/// Counts in how many persons each skeleton, and each pair of skeletons, appears, and
/// orders each person's skeletons rarest first (the blocking keys favour them).
fn weigh_skeletons(lex: &mut Lexicon, prepared: &mut [Prepared]) {
    let mut df = vec![0u32; lex.strings.len()];
    let mut pair_df: HashMap<u64, u32> = HashMap::new();
    for p in prepared.iter() {
        for (i, &s) in p.skeletons.iter().enumerate() {
            df[s as usize] += 1;
            for &t in p.skeletons.iter().take(MAX_PAIRED).skip(i + 1) {
                *pair_df.entry(pair_key(s, t)).or_default() += 1;
            }
        }
    }
    lex.population = prepared.len() as f32 + PRIOR_POPULATION;
    lex.weight = df
        .iter()
        .map(|&d| {
            let others = d.saturating_sub(1).max(1) as f32;
            (lex.population / others).ln().max(0.0)
        })
        .collect();
    lex.pair_df = pair_df;
    lex.df = df;
    for p in prepared.iter_mut() {
        p.skeletons.sort_by(|a, b| {
            (lex.weight(*b).total_cmp(&lex.weight(*a))).then(lex.text(*a).cmp(lex.text(*b)))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_apart_is_a_slip_and_two_are_not() {
        for (a, b) in [
            ("brhm", "brhm"),
            ("brhm", "brhn"),
            ("brhm", "brm"),
            ("brhm", "bhrm"),
            ("grprt", "grprtt"),
        ] {
            assert!(within_one_edit(a.as_bytes(), b.as_bytes()), "{a} {b}");
        }
        for (a, b) in [("brhm", "bhmr"), ("brhm", "br"), ("mhmd", "hmdm")] {
            assert!(!within_one_edit(a.as_bytes(), b.as_bytes()), "{a} {b}");
        }
    }

    #[test]
    fn scripts_are_told_apart_by_their_letters() {
        assert_eq!(Script::of("Mamadú Diallo"), Script::Latin);
        assert_eq!(Script::of("محمد"), Script::Arabic);
        assert_eq!(Script::of("Олена"), Script::Cyrillic);
        assert_eq!(Script::of("রহিম"), Script::Bengali);
        assert_eq!(Script::of("ਸਿੰਘ"), Script::Gurmukhi);
    }
}
