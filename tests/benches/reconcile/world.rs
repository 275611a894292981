//! The synthetic population: background persons across twelve teams, duplicates planted
//! among them (the same person recorded again, written differently) and look-alikes
//! (another person with the same or a similar name). Seeded: the same seed gives the
//! same population.

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use strada_server::demo::data::NICKNAMES;
use strada_server::reconcile::PersonFacts;
use strada_shared::domain::Place;
use strada_shared::ids::{DocId, TeamId};
use strada_shared::vocab::Gender;

use super::names::{Name, ORIGINS, Origin};

/// A name part as a person carries it: its Latin spellings and native spelling.
#[derive(Clone)]
struct Part {
    latin: Vec<String>,
    native: Option<String>,
}

impl Part {
    fn of(name: &Name) -> Part {
        Part {
            latin: name.latin.iter().map(|l| l.to_string()).collect(),
            native: name.native.map(str::to_string),
        }
    }

    /// Two parts as one family name: two words, or a stem and its ending.
    fn joined(first: &Name, second: &Name, words: bool) -> Part {
        let join = |a: &str, b: &str| {
            if words || a.ends_with(' ') {
                let mut b = b.to_string();
                if let Some(c) = b.get(..1) {
                    b = c.to_uppercase() + &b[1..];
                }
                format!("{} {b}", a.trim_end())
            } else {
                format!("{a}{b}")
            }
        };
        let mut latin = Vec::new();
        for a in first.latin {
            for b in second.latin {
                latin.push(join(a, b));
            }
        }
        let native = match (first.native, second.native) {
            (Some(a), Some(b)) if words => Some(format!("{a} {b}")),
            (Some(a), Some(b)) => Some(format!("{a}{b}")),
            _ => None,
        };
        Part { latin, native }
    }
}

/// A field team: where it works and where the people it meets come from.
struct Team {
    slug: &'static str,
    lat: f64,
    lon: f64,
    /// (index into ORIGINS, weight).
    origins: &'static [(usize, f64)],
}

const MA: usize = 0;
const EG: usize = 1;
const PK: usize = 2;
const IN: usize = 3;
const BD: usize = 4;
const SN: usize = 5;
const ML: usize = 6;
const NG: usize = 7;
const GH: usize = 8;
const RO: usize = 9;
const UA: usize = 10;
const AL: usize = 11;

const TEAMS: &[Team] = &[
    Team {
        slug: "bergamo-1",
        lat: 45.6983,
        lon: 9.6773,
        origins: &[
            (IN, 2.5),
            (SN, 3.0),
            (ML, 1.5),
            (PK, 1.5),
            (MA, 1.5),
            (RO, 1.0),
            (AL, 1.0),
            (GH, 1.0),
        ],
    },
    Team {
        slug: "brescia-franciacorta",
        lat: 45.5416,
        lon: 10.2118,
        origins: &[
            (IN, 3.0),
            (PK, 2.0),
            (RO, 2.0),
            (SN, 1.5),
            (AL, 1.5),
            (UA, 1.0),
            (NG, 1.0),
            (MA, 1.0),
        ],
    },
    Team {
        slug: "cremona-mantova",
        lat: 45.1332,
        lon: 10.0227,
        origins: &[
            (IN, 4.0),
            (PK, 1.5),
            (BD, 1.0),
            (MA, 2.0),
            (RO, 1.5),
            (SN, 1.0),
            (GH, 1.0),
            (UA, 0.8),
        ],
    },
    Team {
        slug: "milano-logistica",
        lat: 45.4336,
        lon: 9.2389,
        origins: &[
            (BD, 3.0),
            (EG, 2.0),
            (PK, 1.5),
            (NG, 1.5),
            (MA, 1.5),
            (SN, 1.0),
            (UA, 1.0),
            (AL, 1.0),
        ],
    },
    Team {
        slug: "latina-agro",
        lat: 41.4676,
        lon: 12.9037,
        origins: &[(IN, 5.0), (BD, 1.5), (RO, 1.5), (MA, 1.0), (NG, 0.5)],
    },
    Team {
        slug: "foggia-capitanata",
        lat: 41.4622,
        lon: 15.5446,
        origins: &[
            (SN, 2.0),
            (ML, 2.0),
            (GH, 2.0),
            (NG, 2.0),
            (RO, 2.0),
            (MA, 1.0),
            (BD, 0.5),
        ],
    },
    Team {
        slug: "caserta-litorale",
        lat: 41.0747,
        lon: 14.3327,
        origins: &[
            (NG, 3.0),
            (GH, 2.0),
            (UA, 2.0),
            (MA, 1.0),
            (SN, 1.0),
            (RO, 1.0),
        ],
    },
    Team {
        slug: "ragusa-serre",
        lat: 36.9269,
        lon: 14.7255,
        origins: &[
            (RO, 3.0),
            (MA, 2.0),
            (EG, 1.0),
            (SN, 1.0),
            (ML, 1.0),
            (AL, 0.5),
        ],
    },
    Team {
        slug: "cuneo-saluzzo",
        lat: 44.6431,
        lon: 7.4932,
        origins: &[
            (ML, 2.0),
            (SN, 2.0),
            (GH, 2.0),
            (AL, 1.5),
            (MA, 1.0),
            (RO, 1.0),
        ],
    },
    Team {
        slug: "verona-est",
        lat: 45.4384,
        lon: 10.9916,
        origins: &[
            (IN, 2.0),
            (MA, 2.0),
            (RO, 2.0),
            (UA, 1.5),
            (AL, 1.0),
            (BD, 1.0),
            (PK, 1.0),
        ],
    },
    Team {
        slug: "torino-nord",
        lat: 45.0703,
        lon: 7.6869,
        origins: &[
            (MA, 3.0),
            (RO, 3.0),
            (NG, 1.5),
            (EG, 1.0),
            (SN, 1.0),
            (UA, 1.0),
        ],
    },
    Team {
        slug: "bologna-interporto",
        lat: 44.4949,
        lon: 11.3426,
        origins: &[
            (PK, 2.0),
            (BD, 2.0),
            (MA, 2.0),
            (UA, 1.5),
            (AL, 1.0),
            (RO, 1.0),
            (NG, 1.0),
        ],
    },
];

/// Places a team goes back to (stations, fields, warehouses): six per team.
const SPOTS_PER_TEAM: usize = 6;
/// Usual places a team's people state (a farm, a camp, a station, a house), the first
/// most often (Zipf); half the persons state one.
const PLACES_PER_TEAM: usize = 80;
const PLACE_KINDS: &[&str] = &[
    "Cascina",
    "Campo",
    "Casolare",
    "Stazione",
    "Dormitorio",
    "Via dei Mulini",
    "Borgo",
    "Capannone",
];
const STATES_A_PLACE: f64 = 0.5;
/// 2025-01-01T00:00Z.
const YEAR_START_MS: i64 = 1_735_689_600_000;
const DAY_MS: i64 = 86_400_000;
/// More of the nicknames workers give (beside the demo's), and what may follow one.
const MORE_NICKNAMES: &[&str] = &[
    "della cascina",
    "della fabbrica",
    "della piazza",
    "della fontana",
    "del ponte",
    "della chiesa",
    "del cantiere",
    "della vigna",
    "della stalla",
    "del frutteto",
    "del capannone",
    "del supermercato",
    "dell'autobus",
    "del treno",
    "del barbiere",
    "del kebab",
    "del panificio",
    "del benzinaio",
    "della rotonda",
    "col giubbotto",
    "con la barba",
    "con gli occhiali",
    "col telefono rotto",
    "il cuoco",
    "il meccanico",
    "il sarto",
    "lo spilungone",
    "il silenzioso",
    "il cugino",
    "il fratello grande",
];
const NICKNAME_PLACES: &[&str] = &[
    "",
    "",
    "",
    "",
    "di Treviglio",
    "di Latina",
    "di Sabaudia",
    "di Foggia",
    "di Saluzzo",
    "di Rovato",
    "di Lodi",
    "di Vittoria",
    "di Mondragone",
    "di Cremona",
    "di Melzo",
];

const ITALIAN_MOBILE: &[&str] = &[
    "320", "324", "327", "328", "329", "331", "333", "334", "338", "339", "340", "345", "347",
    "348", "349", "351", "366", "370", "377", "380", "388", "389", "392", "393",
];

/// How a planted duplicate's aliases differ from the first record's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AliasChange {
    /// The same words (case or diacritics may differ).
    Same,
    /// Written in the other script (Arabic, Urdu, Bengali, Gurmukhi, Cyrillic ↔ Latin).
    OtherScript,
    /// Another Latin spelling of a word (Mohamed / Mohammed).
    Spelling,
    /// A slip of the finger in one word.
    Typo,
}

impl AliasChange {
    pub fn name(self) -> &'static str {
        match self {
            AliasChange::Same => "same",
            AliasChange::OtherScript => "other_script",
            AliasChange::Spelling => "spelling",
            AliasChange::Typo => "typo",
        }
    }
}

/// A planted duplicate pair and how its second record was written.
pub struct Planted {
    pub pair: (DocId, DocId),
    /// Where the person comes from (index into `names::ORIGINS`).
    pub origin: usize,
    pub change: AliasChange,
    /// A name part dropped (given name or surname only).
    pub partial: bool,
    pub same_phone: bool,
    pub birth_year_missing: bool,
    /// The other team guessed the age (up to four years off the first record).
    pub birth_year_guessed: bool,
    pub met_near: bool,
    /// Both records state the same usual place.
    pub same_place: bool,
}

/// The population and what was planted in it.
pub struct World {
    pub persons: Vec<PersonFacts>,
    pub duplicates: Vec<Planted>,
    pub look_alikes: HashSet<(DocId, DocId)>,
    /// Pairs of different people sharing a phone (housemates, a shared handset).
    pub shared_phones: HashSet<(DocId, DocId)>,
    /// Persons whose consent was withdrawn (no alias, no phone).
    pub withdrawn: HashSet<DocId>,
}

pub fn ordered(a: DocId, b: DocId) -> (DocId, DocId) {
    (a.min(b), a.max(b))
}

/// How a person's name is made and written.
#[derive(Clone)]
struct Who {
    origin: usize,
    woman: bool,
    given: Part,
    /// Singh or Kaur.
    marker: Option<Part>,
    surname: Option<Part>,
    /// An Italian nickname added to the given name ("Mamadou della serra").
    nickname: Option<String>,
    /// The nickname as a second alias, the full name staying the first.
    nickname_alias: bool,
    /// Which parts the first alias carries: given name, marker/surname.
    with_given: bool,
    with_surname: bool,
    /// Latin spelling chosen for each part (given, marker, surname).
    spelling: [usize; 3],
    native: bool,
    upper: bool,
}

impl Who {
    fn parts(&self) -> Vec<(usize, &Part)> {
        let mut parts = Vec::new();
        if self.with_given {
            parts.push((0, &self.given));
        }
        if self.with_surname {
            parts.extend(self.marker.as_ref().map(|m| (1, m)));
            parts.extend(self.surname.as_ref().map(|s| (2, s)));
        }
        parts
    }

    /// The words of the full alias.
    fn words(&self) -> Vec<String> {
        self.parts()
            .into_iter()
            .map(|(slot, part)| match (self.native, &part.native) {
                (true, Some(native)) => native.clone(),
                _ => part.latin[self.spelling[slot] % part.latin.len()].clone(),
            })
            .collect()
    }

    fn aliases(&self, words: Vec<String>) -> Vec<String> {
        let mut main = words.join(" ");
        if self.upper {
            main = main.to_uppercase();
        }
        match &self.nickname {
            Some(nick) if self.nickname_alias => {
                let given = words.first().cloned().unwrap_or_default();
                vec![main, format!("{given} {nick}")]
            }
            Some(nick) => vec![format!("{main} {nick}")],
            None => vec![main],
        }
    }
}

pub struct Generator {
    rng: StdRng,
    /// For usual places only, so that adding them left every other draw as it was.
    place_rng: StdRng,
    /// Per team: the usual places of the people it meets, most stated first.
    places: Vec<Vec<String>>,
    /// Duplicates carry only the differences the issue names (`STRADA_BENCH_PROFILE=plain`).
    pub plain: bool,
    /// Per team: its spots (lat, lon).
    spots: Vec<Vec<(f64, f64)>>,
}

fn weighted<T>(rng: &mut StdRng, items: &[(T, f64)]) -> usize {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for (i, (_, w)) in items.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    items.len() - 1
}

/// A name from a list where the first are the most common (Zipf, exponent `s`).
fn zipf<'a, T>(rng: &mut StdRng, items: &'a [T], s: f64) -> &'a T {
    let weights: Vec<((), f64)> = (0..items.len())
        .map(|r| ((), 1.0 / ((r + 1) as f64).powf(s)))
        .collect();
    &items[weighted(rng, &weights)]
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        let mut rng = StdRng::seed_from_u64(seed);
        let spots = TEAMS
            .iter()
            .map(|t| {
                (0..SPOTS_PER_TEAM)
                    .map(|_| {
                        (
                            t.lat + rng.random_range(-0.2..0.2),
                            t.lon + rng.random_range(-0.25..0.25),
                        )
                    })
                    .collect()
            })
            .collect();
        let places = TEAMS
            .iter()
            .map(|t| {
                (0..PLACES_PER_TEAM)
                    .map(|i| {
                        let kind = PLACE_KINDS[i % PLACE_KINDS.len()];
                        format!("{kind} {}, {}", i / PLACE_KINDS.len() + 1, t.slug)
                    })
                    .collect()
            })
            .collect();
        Generator {
            rng,
            place_rng: StdRng::seed_from_u64(seed ^ 0x706c_6163_6573),
            places,
            spots,
            plain: false,
        }
    }

    fn id(&mut self) -> DocId {
        let mut random = [0u8; 10];
        self.rng.fill_bytes(&mut random);
        DocId::new_v7(
            YEAR_START_MS as u64 + self.rng.random_range(0..365 * DAY_MS) as u64,
            random,
        )
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn origin(&self, who: &Who) -> &'static Origin {
        &ORIGINS[who.origin]
    }

    fn spelling(&mut self, part: &Part) -> usize {
        if part.latin.len() > 1 && self.chance(0.35) {
            self.rng.random_range(1..part.latin.len())
        } else {
            0
        }
    }

    /// A family name: a common one, or one of the origin's long tail.
    fn surname(&mut self, o: &Origin) -> Part {
        match &o.tail {
            Some(tail) if self.chance(tail.share) => {
                let first = zipf(&mut self.rng, tail.first, 0.5);
                let second = zipf(&mut self.rng, tail.second, 0.5);
                Part::joined(first, second, tail.words)
            }
            _ => Part::of(zipf(&mut self.rng, o.surnames, 0.5)),
        }
    }

    fn who(&mut self, origin: usize, woman: bool) -> Who {
        let o = &ORIGINS[origin];
        let given = Part::of(if woman && !o.women_names.is_empty() {
            zipf(&mut self.rng, o.women_names, 0.7)
        } else {
            zipf(&mut self.rng, o.men, 0.7)
        });
        let marker = match &o.marker {
            Some((man, wom)) if self.chance(0.7) => Some(Part::of(if woman { wom } else { man })),
            _ => None,
        };
        let surname = if marker.is_some() && self.chance(0.4) {
            None
        } else {
            Some(self.surname(o))
        };
        let shape = self.rng.random::<f64>();
        let (with_given, with_surname, nickname_alias) = match shape {
            s if s < 0.66 => (true, true, false),
            s if s < 0.76 => (true, true, true),
            s if s < 0.88 => (true, false, false),
            s if s < 0.95 => (true, false, false),
            _ => (false, true, false),
        };
        let nickname = (nickname_alias || (0.76..0.88).contains(&shape)).then(|| self.nickname());
        let spelling = [
            self.spelling(&given),
            marker.as_ref().map_or(0, |m| self.spelling(m)),
            surname.as_ref().map_or(0, |s| self.spelling(s)),
        ];
        let native = given.native.is_some() && self.chance(0.15);
        Who {
            origin,
            woman,
            given,
            marker,
            surname,
            nickname,
            nickname_alias,
            with_given,
            with_surname,
            spelling,
            native,
            upper: self.chance(0.05),
        }
    }

    fn nickname(&mut self) -> String {
        let i = self
            .rng
            .random_range(0..NICKNAMES.len() + MORE_NICKNAMES.len());
        let phrase = NICKNAMES
            .get(i)
            .unwrap_or_else(|| &MORE_NICKNAMES[i - NICKNAMES.len()]);
        let place = NICKNAME_PLACES[self.rng.random_range(0..NICKNAME_PLACES.len())];
        format!("{phrase} {place}").trim_end().to_string()
    }

    /// A birth year, and whether it is the worker's estimate (a round one).
    fn birth_year(&mut self) -> (Option<i64>, bool) {
        if self.chance(0.15) {
            return (None, false);
        }
        // Ages 18 to 62, around 33 (± 9).
        let z = ((0..4).map(|_| self.rng.random::<f64>()).sum::<f64>() - 2.0) * 3f64.sqrt();
        let age = (33.0 + 9.0 * z).clamp(18.0, 62.0);
        let year = 2025 - age as i64;
        // An estimated age is often a round one.
        if self.chance(0.2) {
            (Some((year + 2) / 5 * 5), true)
        } else {
            (Some(year), false)
        }
    }

    fn italian_number(&mut self) -> String {
        let prefix = ITALIAN_MOBILE[self.rng.random_range(0..ITALIAN_MOBILE.len())];
        format!("{prefix}{:07}", self.rng.random_range(0..10_000_000))
    }

    fn phone_number(&mut self, o: &Origin) -> String {
        if self.chance(0.8) {
            self.italian_number()
        } else {
            format!(
                "+{}{:09}",
                o.phone_code,
                self.rng.random_range(0..1_000_000_000)
            )
        }
    }

    /// A number as a worker might type it.
    fn typed(&mut self, number: &str) -> String {
        if let Some(foreign) = number.strip_prefix('+') {
            let (code, rest) = foreign.split_at(foreign.len() - 9);
            return match self.rng.random_range(0..3) {
                0 => format!("+{code} {} {}", &rest[..3], &rest[3..]),
                1 => format!("00{code}{rest}"),
                _ => format!("+{code}{rest}"),
            };
        }
        let (p, r) = number.split_at(3);
        match self.rng.random_range(0..7) {
            0 => number.to_string(),
            1 => format!("{p} {r}"),
            2 => format!("{p}-{}-{}", &r[..3], &r[3..]),
            3 => format!("+39 {p} {r}"),
            4 => format!("0039 {number}"),
            5 => format!("+39{number}"),
            _ => format!("{p} {} {}", &r[..3], &r[3..]),
        }
    }

    fn sighting_near(&mut self, lat: f64, lon: f64, t: i64, metres: f64, ms: i64) -> (Place, i64) {
        let d = metres / 111_000.0;
        (
            Place {
                lat: lat + self.rng.random_range(-d..d) * 0.7,
                lon: lon + self.rng.random_range(-d..d) * 0.7 / lat.to_radians().cos(),
                accuracy_m: Some(20.0),
            },
            t + self.rng.random_range(-ms..=ms),
        )
    }

    fn sightings(&mut self, team: usize) -> Vec<(Place, i64)> {
        let n = self.rng.random_range(1..=3);
        (0..n)
            .map(|_| {
                let (lat, lon) = self.spots[team][self.rng.random_range(0..SPOTS_PER_TEAM)];
                let day = self.rng.random_range(0..365);
                let t = YEAR_START_MS + day * DAY_MS + self.rng.random_range(8..19) * 3_600_000;
                self.sighting_near(lat, lon, t, 400.0, 0)
            })
            .collect()
    }

    fn country(&mut self, o: &Origin) -> String {
        match self.rng.random::<f64>() {
            x if x < 0.1 => String::new(),
            x if x < 0.85 => o.countries[0].to_string(),
            _ => o.countries[self.rng.random_range(0..o.countries.len())].to_string(),
        }
    }

    fn languages(&mut self, o: &Origin) -> Vec<String> {
        if self.chance(0.15) {
            return Vec::new();
        }
        let mut langs: Vec<String> = o
            .languages
            .iter()
            .enumerate()
            .filter(|(i, _)| *i == 0 || self.chance(0.5))
            .map(|(_, l)| l.to_string())
            .collect();
        if self.chance(0.3) {
            langs.push("it".into());
        }
        langs
    }

    /// A usual place of a team's people, or none (not stated).
    fn usual_place(&mut self, team: usize) -> String {
        if self.place_rng.random::<f64>() >= STATES_A_PLACE {
            return String::new();
        }
        let weights: Vec<((), f64)> = (0..PLACES_PER_TEAM)
            .map(|r| ((), 1.0 / (r + 1) as f64))
            .collect();
        self.places[team][weighted(&mut self.place_rng, &weights)].clone()
    }

    fn team_for(&mut self, origin: usize) -> usize {
        let weights: Vec<((), f64)> = TEAMS
            .iter()
            .map(|t| {
                let w = t
                    .origins
                    .iter()
                    .find(|(o, _)| *o == origin)
                    .map_or(0.05, |(_, w)| *w);
                ((), w)
            })
            .collect();
        weighted(&mut self.rng, &weights)
    }

    /// A background person: who they are (for planting) and their record.
    fn background(&mut self) -> (Who, PersonFacts) {
        let team = self.rng.random_range(0..TEAMS.len());
        let origin = TEAMS[team].origins[weighted(&mut self.rng, TEAMS[team].origins)].0;
        let o = &ORIGINS[origin];
        let woman = self.chance(o.women);
        let who = self.who(origin, woman);
        let (birth_year, birth_year_estimated) = self.birth_year();
        let facts = PersonFacts {
            id: self.id(),
            team: TeamId::parse(TEAMS[team].slug).expect("team slug"),
            aliases: who.aliases(who.words()),
            birth_year,
            birth_year_estimated,
            gender: if self.chance(0.05) {
                Gender::Unknown
            } else if woman {
                Gender::Woman
            } else {
                Gender::Man
            },
            country: self.country(o),
            languages: self.languages(o),
            phone: self.chance(0.65).then(|| {
                let number = self.phone_number(o);
                self.typed(&number)
            }),
            sightings: self.sightings(team),
            usual_place: self.usual_place(team),
        };
        (who, facts)
    }

    /// A slip of the finger in one word: a letter dropped, doubled, swapped or replaced.
    fn typo(&mut self, word: &str) -> String {
        let mut chars: Vec<char> = word.chars().collect();
        if chars.len() < 3 {
            return word.to_string();
        }
        let i = self.rng.random_range(1..chars.len() - 1);
        match self.rng.random_range(0..4) {
            0 => {
                chars.remove(i);
            }
            1 => chars.insert(i, chars[i]),
            2 => chars.swap(i, i + 1),
            _ => chars[i] = (b'a' + self.rng.random_range(0..26u8)) as char,
        }
        chars.into_iter().collect()
    }

    /// The same person recorded again, by another worker, often of another team.
    fn duplicate(&mut self, who: &Who, first: &PersonFacts) -> (PersonFacts, Planted) {
        let o = self.origin(who);
        let mut again = who.clone();
        again.upper = self.chance(0.05);
        again.nickname_alias = who.nickname_alias && self.chance(0.5);
        if who.nickname.is_none() && self.chance(0.1) {
            again.nickname = Some(self.nickname());
            again.nickname_alias = true;
        }
        // Sometimes only the given name, or only the surname, is given the second time.
        let mut partial = false;
        if !self.plain && who.with_given && who.with_surname && self.chance(0.2) {
            partial = true;
            if self.chance(0.75) {
                again.with_surname = false;
            } else {
                again.with_given = false;
            }
        }
        let native_possible = who.given.native.is_some();
        let roll = self.rng.random::<f64>();
        // Where the origin writes another script: 40% the other script, 25% another
        // spelling, 20% a typo, 15% the same; elsewhere 65% another spelling.
        let mut change = if native_possible && roll < 0.4 {
            AliasChange::OtherScript
        } else if roll < 0.65 {
            AliasChange::Spelling
        } else if roll < 0.85 {
            AliasChange::Typo
        } else {
            AliasChange::Same
        };
        if change == AliasChange::Spelling {
            let parts = again.parts();
            let variable: Vec<usize> = parts
                .iter()
                .filter(|(_, part)| part.latin.len() > 1)
                .map(|(slot, _)| *slot)
                .collect();
            // A name with a single spelling is written again the same way (a record in
            // the native script, in Latin).
            if again.native {
                change = AliasChange::OtherScript;
            } else if variable.is_empty() {
                change = AliasChange::Same;
            } else {
                let slot = variable[self.rng.random_range(0..variable.len())];
                again.spelling[slot] += 1;
            }
        }
        let mut words = match change {
            AliasChange::OtherScript => {
                again.native = !who.native;
                again.words()
            }
            _ => again.words(),
        };
        if change == AliasChange::Typo {
            again.native = false;
            words = again.words();
            let i = self.rng.random_range(0..words.len());
            words[i] = self.typo(&words[i]);
        }
        if change == AliasChange::Same && !again.native && self.chance(0.5) {
            words = words.iter().map(|w| strip_marks(w)).collect();
        }
        let aliases = again.aliases(words);

        let birth_year_missing;
        let mut birth_year_guessed = false;
        let mut birth_year_estimated = first.birth_year_estimated;
        let birth_year = match first.birth_year {
            Some(y) => {
                let r = self.rng.random::<f64>();
                let r = if self.plain { r * 0.75 + 0.1 } else { r };
                birth_year_missing = r < 0.2;
                match r {
                    r if r < 0.2 => None,
                    r if r < 0.6 => Some(y),
                    r if r < 0.75 => Some(y + if self.chance(0.5) { 1 } else { -1 }),
                    r if r < 0.85 => Some(y + if self.chance(0.5) { 2 } else { -2 }),
                    // The other team guessed the age: up to four years off.
                    _ => {
                        birth_year_guessed = true;
                        birth_year_estimated = true;
                        Some(y + self.rng.random_range(-4..=4))
                    }
                }
            }
            None => {
                birth_year_missing = true;
                birth_year_estimated = true;
                self.chance(0.5)
                    .then(|| 2025 - self.rng.random_range(20..45))
            }
        };
        let mut same_phone = false;
        let phone = match &first.phone {
            Some(p) => match self.rng.random::<f64>() {
                r if r < 0.45 || (self.plain && r < 0.6) => {
                    same_phone = true;
                    let digits = strada_server::reconcile::normalise_phone(p).expect("phone");
                    Some(self.typed(&digits))
                }
                r if r < 0.8 || self.plain => None,
                _ => Some(self.phone_number(o)),
            },
            None if self.plain => None,
            None => self.chance(0.3).then(|| self.phone_number(o)),
        };
        let team = if self.chance(0.6) {
            self.rng.random_range(0..TEAMS.len())
        } else {
            TEAMS
                .iter()
                .position(|t| t.slug == first.team.as_str())
                .expect("team")
        };
        let mut sightings = self.sightings(team);
        let met_near = self.chance(0.25);
        if met_near {
            let (place, t) = first.sightings[self.rng.random_range(0..first.sightings.len())];
            sightings.push(self.sighting_near(place.lat, place.lon, t, 700.0, 20 * 3_600_000));
        }
        let country = match self.rng.random::<f64>() {
            _ if self.plain => first.country.clone(),
            r if r < 0.55 => first.country.clone(),
            r if r < 0.8 => o.countries[self.rng.random_range(0..o.countries.len())].to_string(),
            _ => String::new(),
        };
        let languages = match self.rng.random::<f64>() {
            _ if self.plain => first.languages.clone(),
            r if r < 0.5 => first.languages.clone(),
            r if r < 0.75 => self.languages(o),
            _ => Vec::new(),
        };
        let gender = if !self.plain && self.chance(0.08) {
            Gender::Unknown
        } else if who.woman {
            Gender::Woman
        } else {
            Gender::Man
        };
        // Where the person lives does not change with the team that meets them; the
        // other team may not ask, or the person may have moved.
        let r = self.place_rng.random::<f64>();
        let usual_place = if first.usual_place.is_empty() {
            if self.plain {
                String::new()
            } else {
                self.usual_place(team)
            }
        } else if self.plain || r < 0.5 {
            first.usual_place.clone()
        } else if r < 0.65 {
            let place = self.usual_place(team);
            if place.is_empty() {
                self.places[team][PLACES_PER_TEAM - 1].clone()
            } else {
                place
            }
        } else {
            String::new()
        };
        let same_place = !usual_place.is_empty() && usual_place == first.usual_place;
        let facts = PersonFacts {
            id: self.id(),
            team: TeamId::parse(TEAMS[team].slug).expect("team slug"),
            aliases,
            birth_year,
            birth_year_estimated,
            gender,
            country,
            languages,
            phone,
            sightings,
            usual_place,
        };
        let planted = Planted {
            pair: ordered(first.id, facts.id),
            origin: who.origin,
            change,
            partial,
            same_phone,
            birth_year_missing,
            birth_year_guessed,
            met_near,
            same_place,
        };
        (facts, planted)
    }

    /// Another person with the same or a similar name, who differs where a person cannot:
    /// a birth year far away, another country or another gender.
    fn look_alike(&mut self, who: &Who, first: &PersonFacts) -> PersonFacts {
        let mut other = who.clone();
        // A nickname names one person ("Walid dell'autobus di Treviglio"): another
        // person has their own, if any.
        if who.nickname.is_some() {
            other.nickname = Some(self.nickname());
        }
        match self.rng.random::<f64>() {
            // The very same alias.
            r if r < 0.5 => {}
            // Another spelling or script.
            r if r < 0.8 => {
                if who.given.native.is_some() && self.chance(0.5) {
                    other.native = !who.native;
                } else {
                    other.spelling[0] += 1;
                    other.spelling[2] += 1;
                }
            }
            // The same given name, another surname.
            _ => {
                other.surname = Some(self.surname(&ORIGINS[who.origin]));
                other.with_surname = true;
            }
        }
        let mut origin = who.origin;
        let mut woman = who.woman;
        let (mut birth_year, mut birth_year_estimated) = self.birth_year();
        let kind = self.rng.random::<f64>();
        if let Some(y) = first.birth_year.filter(|_| kind < 0.45) {
            birth_year_estimated = false;
            let gap = self.rng.random_range(5..=18);
            birth_year = Some(if y + gap <= 2007 && (self.chance(0.5) || y - gap < 1960) {
                y + gap
            } else {
                y - gap
            });
        } else if kind < 0.75 || first.gender == Gender::Unknown {
            // Same names are common across these countries' languages.
            let others: Vec<usize> = (0..ORIGINS.len()).filter(|&i| i != origin).collect();
            origin = others[self.rng.random_range(0..others.len())];
        } else {
            woman = !woman;
        }
        let o = &ORIGINS[origin];
        let team = if self.chance(0.5) {
            TEAMS
                .iter()
                .position(|t| t.slug == first.team.as_str())
                .expect("team")
        } else {
            self.team_for(origin)
        };
        let country = if origin == who.origin {
            first.country.clone()
        } else {
            o.countries[0].to_string()
        };
        PersonFacts {
            id: self.id(),
            team: TeamId::parse(TEAMS[team].slug).expect("team slug"),
            aliases: other.aliases(other.words()),
            birth_year,
            birth_year_estimated,
            gender: if woman { Gender::Woman } else { Gender::Man },
            country,
            languages: self.languages(o),
            phone: self.chance(0.65).then(|| {
                let number = self.phone_number(o);
                self.typed(&number)
            }),
            sightings: self.sightings(team),
            usual_place: self.usual_place(team),
        }
    }

    /// `total` persons: `plant` duplicates, `plant` look-alikes, the rest background
    /// (1% of which share a phone with another person, 1% withdrew their consent).
    pub fn world(&mut self, total: usize, plant: usize) -> World {
        let background = total - 2 * plant;
        let mut people: Vec<(Who, PersonFacts)> =
            (0..background).map(|_| self.background()).collect();
        let mut shared_phones = HashSet::new();
        let mut withdrawn = HashSet::new();
        for i in 0..background {
            let r = self.rng.random::<f64>();
            if r < 0.01 {
                let j = self.rng.random_range(0..background);
                if i != j
                    && let Some(number) = people[j]
                        .1
                        .phone
                        .as_deref()
                        .and_then(strada_server::reconcile::normalise_phone)
                {
                    let typed = self.typed(&number);
                    people[i].1.phone = Some(typed);
                    shared_phones.insert(ordered(people[i].1.id, people[j].1.id));
                }
            } else if r < 0.02 {
                let p = &mut people[i].1;
                p.aliases.clear();
                p.phone = None;
                p.birth_year = None;
                p.gender = Gender::Unknown;
                p.country.clear();
                p.languages.clear();
                p.usual_place.clear();
                withdrawn.insert(p.id);
            }
        }
        // Distinct first records for duplicates and look-alikes.
        let mut pool: Vec<usize> = (0..background)
            .filter(|&i| !withdrawn.contains(&people[i].1.id))
            .collect();
        for i in 0..2 * plant {
            let j = self.rng.random_range(i..pool.len());
            pool.swap(i, j);
        }
        let mut duplicates = Vec::new();
        let mut look_alikes = HashSet::new();
        let mut persons: Vec<PersonFacts> = Vec::with_capacity(total);
        for (k, &i) in pool[..2 * plant].iter().enumerate() {
            let (who, first) = &people[i];
            if k < plant {
                let (facts, planted) = self.duplicate(who, first);
                duplicates.push(planted);
                persons.push(facts);
            } else {
                let facts = self.look_alike(who, first);
                look_alikes.insert(ordered(first.id, facts.id));
                persons.push(facts);
            }
        }
        persons.extend(people.drain(..).map(|(_, f)| f));
        // Shuffle, so that the order says nothing.
        for i in (1..persons.len()).rev() {
            let j = self.rng.random_range(0..=i);
            persons.swap(i, j);
        }
        World {
            persons,
            duplicates,
            look_alikes,
            shared_phones,
            withdrawn,
        }
    }
}

/// The word without its Latin diacritics, as a keyboard without them writes it.
fn strip_marks(word: &str) -> String {
    word.chars()
        .map(|c| {
            let folded = strada_shared::search::fold(&c.to_string());
            match folded.chars().next() {
                Some(f) if !c.is_ascii() && folded.chars().count() == 1 && f.is_ascii() => {
                    if c.is_uppercase() {
                        f.to_ascii_uppercase()
                    } else {
                        f
                    }
                }
                _ => c,
            }
        })
        .collect()
}
