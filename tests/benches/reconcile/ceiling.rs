//! An estimate of the best any engine could do on this population: the recall
//! reachable at a precision when every planted duplicate written with other names
//! (another skeleton: a typo, a dropped part, an unmerged script) is counted as found
//! at no cost, and the pairs carrying the same names are sorted into classes an engine
//! cannot tell apart — how many persons hold the names (2, 3, 4, ≤6, ≤10, ≤20, ≤50,
//! ≤200, more), the gap in birth years (and whether the year is a round one), gender,
//! country (by origin) and phone agreeing or not, met within a day and a kilometre or
//! at the same place on other days, the same usual place, the same team, a shared language, the same
//! spelling. An engine proposes a class whole or not at all; taking the classes richest
//! in duplicates first gives the highest recall reachable at a precision. Generous on
//! both counts (free recall, classes measured in-sample), so a bound, not a target.

use std::collections::{HashMap, HashSet};

use strada_server::reconcile::{PersonFacts, alias_skeletons, normalise_phone};
use strada_shared::directory::distance_m;
use strada_shared::ids::DocId;
use strada_shared::search::fold;
use strada_shared::vocab::Gender;

use super::names::ORIGINS;
use super::world::World;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Class {
    names: (u32, u32),
    year: u8,
    gender: u8,
    country: u8,
    phone: u8,
    met: u8,
    place: u8,
    team: bool,
    language: bool,
    spelling: bool,
}

struct Person<'a> {
    facts: &'a PersonFacts,
    names: u32,
    spelling: String,
    country: Option<usize>,
    phone: Option<String>,
}

fn class_of(a: &Person, b: &Person) -> Class {
    let (fa, fb) = (a.facts, b.facts);
    let year = match (fa.birth_year, fb.birth_year) {
        (Some(x), Some(y)) => match x.abs_diff(y) {
            0 if x % 5 == 0 => 2,
            0 => 1,
            1 => 3,
            2 => 4,
            _ => 5,
        },
        _ => 0,
    };
    let agree = |x: Option<bool>| match x {
        None => 0,
        Some(true) => 1,
        Some(false) => 2,
    };
    let gender = agree(
        (fa.gender != Gender::Unknown && fb.gender != Gender::Unknown)
            .then(|| fa.gender == fb.gender),
    );
    let country = agree(a.country.zip(b.country).map(|(x, y)| x == y));
    let phone = agree(a.phone.as_ref().zip(b.phone.as_ref()).map(|(x, y)| x == y));
    let mut met = 0;
    for (pa, ta) in &fa.sightings {
        for (pb, tb) in &fb.sightings {
            if distance_m((pa.lat, pa.lon), (pb.lat, pb.lon)) <= 1_000.0 {
                met = met.max(if (ta - tb).abs() <= 86_400_000 { 2 } else { 1 });
            }
        }
    }
    let stated = |f: &PersonFacts| Some(fold(&f.usual_place)).filter(|p| !p.is_empty());
    let place = agree(stated(fa).zip(stated(fb)).map(|(x, y)| x == y));
    Class {
        names: (a.names.min(b.names), a.names.max(b.names)),
        year,
        gender,
        country,
        phone,
        met,
        place,
        team: fa.team == fb.team,
        language: fa.languages.iter().any(|l| fb.languages.contains(l)),
        spelling: a.spelling == b.spelling,
    }
}

/// The highest recall reachable at each precision asked (in the order given), and the
/// planted pairs reached at the first precision.
pub fn ceiling(world: &World, precisions: &[f64]) -> (Vec<f64>, HashSet<(DocId, DocId)>) {
    let mut ids: HashMap<String, u32> = HashMap::new();
    let mut index = HashMap::new();
    let persons: Vec<Person> = world
        .persons
        .iter()
        .enumerate()
        .map(|(i, f)| {
            index.insert(f.id, i);
            let mut sk: Vec<String> = f.aliases.iter().flat_map(|a| alias_skeletons(a)).collect();
            sk.sort();
            sk.dedup();
            let n = ids.len() as u32;
            let names = *ids.entry(sk.join(" ")).or_insert(n);
            let country = (!f.country.is_empty())
                .then(|| {
                    ORIGINS
                        .iter()
                        .position(|o| o.countries.contains(&f.country.as_str()))
                })
                .flatten();
            Person {
                facts: f,
                names,
                spelling: f
                    .aliases
                    .iter()
                    .map(|a| fold(a))
                    .collect::<Vec<_>>()
                    .join("|"),
                country,
                phone: f.phone.as_deref().and_then(normalise_phone),
            }
        })
        .collect();
    let mut holders: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, p) in persons.iter().enumerate() {
        if !p.facts.aliases.is_empty() {
            holders.entry(p.names).or_default().push(i);
        }
    }
    // A class is named by how many hold the names, not by the names: an engine knows
    // how common a name is, and a rule for one name is a rule for all as common.
    let bucket = |names: u32| -> u32 {
        let k = holders.get(&names).map_or(0, Vec::len);
        [2, 3, 4, 6, 10, 20, 50, 200, usize::MAX]
            .iter()
            .position(|&b| k <= b)
            .unwrap_or(0) as u32
    };
    // Duplicates written with other names than the first record: counted as found, at
    // no cost (the bound is for records that carry the same names).
    let mut other_names = 0usize;
    let mut dups: HashMap<Class, usize> = HashMap::new();
    let mut class_of_dup = Vec::new();
    for d in &world.duplicates {
        let (a, b) = (&persons[index[&d.pair.0]], &persons[index[&d.pair.1]]);
        let c = Class {
            names: (bucket(a.names), 0),
            ..class_of(a, b)
        };
        if a.names != b.names {
            other_names += 1;
            class_of_dup.push(None);
            continue;
        }
        class_of_dup.push(Some(c));
        *dups.entry(c).or_default() += 1;
    }
    let mut all: HashMap<Class, usize> = dups.keys().map(|c| (*c, 0)).collect();
    for (&names, h) in &holders {
        let b = bucket(names);
        for (k, &i) in h.iter().enumerate() {
            for &j in &h[k + 1..] {
                let c = Class {
                    names: (b, 0),
                    ..class_of(&persons[i], &persons[j])
                };
                if let Some(n) = all.get_mut(&c) {
                    *n += 1;
                }
            }
        }
    }
    let mut classes: Vec<(usize, f64, Class)> =
        dups.iter().map(|(c, &d)| (d, all[c] as f64, *c)).collect();
    classes.sort_by(|p, q| {
        (q.0 as f64 * p.1)
            .total_cmp(&(p.0 as f64 * q.1))
            .then(q.0.cmp(&p.0))
    });
    let total = world.duplicates.len().max(1) as f64;
    let mut reached = HashSet::new();
    let recalls = precisions
        .iter()
        .enumerate()
        .map(|(k, &target)| {
            let (mut hit, mut proposed, mut best, mut upto) = (other_names, 0.0f64, 0.0f64, 0);
            for (i, &(d, n, _)) in classes.iter().enumerate() {
                hit += d;
                proposed += n;
                if hit as f64 >= target * proposed {
                    best = hit as f64 / total;
                    upto = i + 1;
                }
            }
            if k == 0 {
                let chosen: HashSet<Class> = classes[..upto].iter().map(|c| c.2).collect();
                reached = world
                    .duplicates
                    .iter()
                    .zip(&class_of_dup)
                    .filter(|(_, c)| c.is_none_or(|c| chosen.contains(&c)))
                    .map(|(d, _)| d.pair)
                    .collect();
            }
            best
        })
        .collect();
    (recalls, reached)
}
