//! `cargo xtask bench reconcile`: the reconciliation engine's precision, recall and speed
//! on a synthetic population (`strada_server::reconcile::candidates`).
//!
//! 100,000 persons across twelve teams, with names of twelve origins (Morocco, Egypt,
//! Pakistan, Punjab, Bangladesh, Senegal, Mali, Nigeria, Ghana, Romania, Ukraine,
//! Albania): common given and family names drawn Zipf-weighted from tables, with a
//! long tail of family names made of two parts (a father's name, a stem and an ending)
//! where the origin has one; a quarter go by one name or a name and a nickname, as
//! outreach aliases do. In them, seeded (`STRADA_BENCH_SEED`, default 2025):
//! - 3% planted duplicates: a background person recorded again, written in the other
//!   script (where the origin has one), in another spelling, with a typo or the same; a
//!   fifth with a name part dropped; birth year the same, ±1, ±2, missing, or guessed
//!   by the other team (marked an estimate, up to 4 years off); the phone
//!   retyped, missing or changed; most often by another team; a quarter met near the
//!   first record's place within a day.
//! - 3% planted look-alikes: a person with the same or a similar name but a birth year
//!   5–18 years away, another country or another gender, and their own phone.
//! - In the background, 1% sharing a phone with someone else, 1% with consent withdrawn,
//!   birth years often guessed (a round year, marked an estimate), people met at the
//!   same few spots of their team.
//!
//! Precision counts every proposed pair that is not a planted duplicate as false: the
//! look-alikes, the shared phones and any chance resemblance in the background. Recall
//! is over the planted duplicates. Seconds are the wall-clock time of one `candidates`
//! call over the whole population at the default threshold (`cpu_seconds` beside it:
//! the machine may be shared). Also reported: recall by kind of change, by origin and by
//! evidence; precision and recall by threshold (from a second, untimed call at 0.1); and
//! how many background namesakes there are — pairs whose first aliases have the same
//! skeletons, and of them those born within two years, which no engine can tell from
//! duplicates without a phone or a meeting; and the ceiling (`ceiling.rs`): the highest
//! recall any engine could reach at precision 0.9 and 0.8 with the facts records hold,
//! and how many duplicates within it the engine missed.
//!
//! Writes `$STRADA_BENCH_OUT` (default `<target>/bench/reconcile.json`, the target folder
//! being `CARGO_TARGET_DIR` or the workspace's `target`) and prints the figures.
//! `STRADA_BENCH_PERSONS` changes the population's size, `STRADA_BENCH_PLANT_PERCENT` the share
//! of planted duplicates and of look-alikes (3 each); `STRADA_BENCH_PROFILE=plain` plants
//! duplicates that differ only as the issue lists (the name's script, spelling or a typo,
//! the birth year by up to two or missing, the phone retyped or missing), with no name
//! part dropped, no guessed age, country, gender and languages kept: the background and
//! the look-alikes are the same (`"profile"` in the output says which); `STRADA_BENCH_VERBOSE` prints
//! sample false positives and misses (`STRADA_BENCH_ORIGIN=<index>`: misses of one
//! origin).

#[path = "reconcile/ceiling.rs"]
mod ceiling;
#[path = "reconcile/names.rs"]
mod names;
#[path = "reconcile/world.rs"]
mod world;

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use serde_json::{Value, json};
use strada_server::reconcile::{Candidate, DEFAULT_THRESHOLD, alias_skeletons, candidates};
use strada_shared::ids::DocId;

use world::{AliasChange, Generator, Planted, World};

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn out_path() -> PathBuf {
    if let Some(path) = std::env::var_os("STRADA_BENCH_OUT") {
        return PathBuf::from(path);
    }
    // Cargo runs a bench in its package's folder: the workspace is one up.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|d| root.join(d))
        .unwrap_or_else(|| root.join("target"));
    target.join("bench").join("reconcile.json")
}

/// Precision and recall of the pairs scoring at least `threshold`.
struct Tally {
    proposed: usize,
    true_positives: usize,
    look_alikes: usize,
    shared_phones: usize,
    other: usize,
}

impl Tally {
    fn of(
        found: &[Candidate],
        world: &World,
        truth: &HashSet<(DocId, DocId)>,
        threshold: f32,
    ) -> Tally {
        let mut t = Tally {
            proposed: 0,
            true_positives: 0,
            look_alikes: 0,
            shared_phones: 0,
            other: 0,
        };
        for c in found.iter().filter(|c| c.score >= threshold) {
            let pair = (c.a, c.b);
            t.proposed += 1;
            if truth.contains(&pair) {
                t.true_positives += 1;
            } else if world.look_alikes.contains(&pair) {
                t.look_alikes += 1;
            } else if world.shared_phones.contains(&pair) {
                t.shared_phones += 1;
            } else {
                t.other += 1;
            }
        }
        t
    }

    fn precision(&self) -> f64 {
        if self.proposed == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.proposed as f64
        }
    }

    fn recall(&self, planted: usize) -> f64 {
        self.true_positives as f64 / planted.max(1) as f64
    }
}

/// CPU time (user + system) this process has used, in seconds: on a machine shared
/// with other work the wall-clock time says less.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may contain spaces) start after ") ".
    let rest = stat.rsplit_once(") ").map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// Recall among the planted duplicates `select` picks.
fn recall_of(
    duplicates: &[Planted],
    found: &HashSet<(DocId, DocId)>,
    select: impl Fn(&Planted) -> bool,
) -> Value {
    let chosen: Vec<&Planted> = duplicates.iter().filter(|p| select(p)).collect();
    let hit = chosen.iter().filter(|p| found.contains(&p.pair)).count();
    json!({
        "planted": chosen.len(),
        "recall": round(hit as f64 / chosen.len().max(1) as f64, 4),
    })
}

/// Native spellings of the tables whose skeletons (as reconciliation computes them)
/// match none of their Latin spellings: transliterations not merged (found, if at all,
/// as sound-alikes or by other evidence).
fn unmerged_transliterations() -> (usize, usize, Vec<String>) {
    let mut total = 0;
    let mut unmerged = Vec::new();
    for o in names::ORIGINS {
        let markers = o.marker.iter().flat_map(|(m, w)| [m, w]);
        for name in o
            .men
            .iter()
            .chain(o.women_names)
            .chain(o.surnames)
            .chain(markers)
        {
            let Some(native) = name.native else { continue };
            total += 1;
            let native_sk = alias_skeletons(native);
            if !name.latin.iter().any(|l| alias_skeletons(l) == native_sk) {
                unmerged.push(format!("{} {native} ({:?})", name.latin[0], native_sk));
            }
        }
    }
    (total, unmerged.len(), unmerged)
}

/// Pairs of persons whose first alias has the same skeletons (namesakes as the engine
/// sees them, duplicates included), those of them born at most two years apart, and
/// the share of persons whose first alias has two words or more and is held by five
/// persons or more.
fn namesake_pairs(world: &World) -> (u64, u64, f64) {
    let mut by_name: std::collections::HashMap<Vec<String>, Vec<Option<i64>>> =
        std::collections::HashMap::new();
    for p in &world.persons {
        if let Some(first) = p.aliases.first() {
            by_name
                .entry(alias_skeletons(first))
                .or_default()
                .push(p.birth_year);
        }
    }
    let (mut same, mut close, mut common) = (0u64, 0u64, 0usize);
    for (name, years) in &by_name {
        if name.len() >= 2 && years.len() >= 5 {
            common += years.len();
        }
        let n = years.len() as u64;
        same += n * n.saturating_sub(1) / 2;
        let mut known: Vec<i64> = years.iter().flatten().copied().collect();
        known.sort_unstable();
        for (i, y) in known.iter().enumerate() {
            close += known[i + 1..].iter().take_while(|z| **z - y <= 2).count() as u64;
        }
    }
    (same, close, common as f64 / world.persons.len() as f64)
}

fn main() {
    let seed = env_number("STRADA_BENCH_SEED", 2025);
    let total = env_number("STRADA_BENCH_PERSONS", 100_000) as usize;
    // Planted duplicates (and as many look-alikes), in percent of the persons.
    let plant = total * env_number("STRADA_BENCH_PLANT_PERCENT", 3) as usize / 100;
    let started = Instant::now();
    let mut generator = Generator::new(seed);
    let generator_plain = std::env::var("STRADA_BENCH_PROFILE").is_ok_and(|p| p == "plain");
    generator.plain = generator_plain;
    let world = generator.world(total, plant);
    let generated = started.elapsed().as_secs_f64();
    let truth: HashSet<(DocId, DocId)> = world.duplicates.iter().map(|p| p.pair).collect();
    eprintln!(
        "bench reconcile: {} persons generated in {generated:.1} s ({} duplicates, {} look-alikes planted)",
        world.persons.len(),
        truth.len(),
        world.look_alikes.len()
    );

    let none_judged = |_: DocId, _: DocId| false;
    let (started, cpu) = (Instant::now(), cpu_seconds());
    let found = candidates(&world.persons, &none_judged, DEFAULT_THRESHOLD);
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;

    let tally = Tally::of(&found, &world, &truth, DEFAULT_THRESHOLD);
    let found_pairs: HashSet<(DocId, DocId)> = found.iter().map(|c| (c.a, c.b)).collect();
    let withdrawn_proposed = found
        .iter()
        .filter(|c| world.withdrawn.contains(&c.a) || world.withdrawn.contains(&c.b))
        .count();

    // The same population at a low threshold (not timed): precision and recall by
    // threshold, to see where the default sits.
    let low = candidates(&world.persons, &none_judged, 0.1);
    let mut by_threshold = BTreeMap::new();
    for t in [0.1f32, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9] {
        let tl = Tally::of(&low, &world, &truth, t);
        by_threshold.insert(
            format!("{t:.1}"),
            json!({
                "precision": round(tl.precision(), 4),
                "recall": round(tl.recall(truth.len()), 4),
                "proposed": tl.proposed,
            }),
        );
    }

    let mut by_change = BTreeMap::new();
    for change in [
        AliasChange::Same,
        AliasChange::OtherScript,
        AliasChange::Spelling,
        AliasChange::Typo,
    ] {
        by_change.insert(
            change.name(),
            recall_of(&world.duplicates, &found_pairs, |p| p.change == change),
        );
    }
    let mut by_origin = BTreeMap::new();
    for (i, o) in names::ORIGINS.iter().enumerate() {
        by_origin.insert(
            o.countries[0],
            recall_of(&world.duplicates, &found_pairs, |p| p.origin == i),
        );
    }
    let (natives, unmerged, unmerged_list) = unmerged_transliterations();
    let (namesakes, namesakes_close, common_full_names) = namesake_pairs(&world);
    let started = Instant::now();
    let (ceiling, reachable) = ceiling::ceiling(&world, &[0.9, 0.8]);
    eprintln!(
        "bench reconcile: ceiling computed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let out = json!({
        "precision": round(tally.precision(), 4),
        "recall": round(tally.recall(truth.len()), 4),
        "seconds_100k_persons": round(seconds * 100_000.0 / total as f64, 3),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 2),
        "persons": world.persons.len(),
        "threshold": DEFAULT_THRESHOLD,
        "seed": seed,
        "profile": if generator_plain { "plain" } else { "default" },
        "threads": std::thread::available_parallelism().map_or(1, |n| n.get()),
        "planted_duplicates": truth.len(),
        "planted_look_alikes": world.look_alikes.len(),
        "shared_phone_pairs": world.shared_phones.len(),
        "withdrawn_persons": world.withdrawn.len(),
        "proposed": tally.proposed,
        "true_positives": tally.true_positives,
        "false_positives": tally.proposed - tally.true_positives,
        "false_positives_look_alikes": tally.look_alikes,
        "false_positives_shared_phones": tally.shared_phones,
        "false_positives_background": tally.other,
        "missed": truth.len() - tally.true_positives,
        "withdrawn_proposed": withdrawn_proposed,
        "recall_by_alias_change": by_change,
        "recall_by_origin": by_origin,
        "recall_name_part_dropped": recall_of(&world.duplicates, &found_pairs, |p| p.partial),
        "recall_same_phone": recall_of(&world.duplicates, &found_pairs, |p| p.same_phone),
        "recall_no_shared_phone": recall_of(&world.duplicates, &found_pairs, |p| !p.same_phone),
        "recall_birth_year_missing": recall_of(&world.duplicates, &found_pairs, |p| p.birth_year_missing),
        "recall_birth_year_guessed": recall_of(&world.duplicates, &found_pairs, |p| p.birth_year_guessed),
        "recall_met_near": recall_of(&world.duplicates, &found_pairs, |p| p.met_near),
        "recall_same_usual_place": recall_of(&world.duplicates, &found_pairs, |p| p.same_place),
        "by_threshold": by_threshold,
        "namesake_pairs": namesakes,
        "namesake_pairs_born_within_2_years": namesakes_close,
        "share_with_a_full_name_held_by_5_or_more": round(common_full_names, 4),
        "ceiling_recall_at_precision_0.9": round(ceiling[0], 4),
        "ceiling_recall_at_precision_0.8": round(ceiling[1], 4),
        "missed_within_ceiling": world
            .duplicates
            .iter()
            .filter(|p| reachable.contains(&p.pair) && !found_pairs.contains(&p.pair))
            .count(),
        "native_spellings": natives,
        "native_spellings_not_merged_by_fold": unmerged,
    });
    let path = out_path();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("bench dir");
    }
    std::fs::write(&path, serde_json::to_string_pretty(&out).expect("json"))
        .expect("write bench json");
    println!("reconcile benchmark, written to {}:", path.display());
    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
    if std::env::var_os("STRADA_BENCH_VERBOSE").is_some() {
        for u in unmerged_list {
            println!("not merged: {u}");
        }
        let by_id: std::collections::HashMap<DocId, &strada_server::reconcile::PersonFacts> =
            world.persons.iter().map(|p| (p.id, p)).collect();
        let show = |a: DocId, b: DocId| {
            let (pa, pb) = (by_id[&a], by_id[&b]);
            format!(
                "{:?} {:?} {:?} {:?} {:?}\n     {:?} {:?} {:?} {:?} {:?}",
                pa.aliases,
                pa.birth_year,
                pa.gender,
                pa.country,
                pa.phone,
                pb.aliases,
                pb.birth_year,
                pb.gender,
                pb.country,
                pb.phone
            )
        };
        let false_ones: Vec<&Candidate> = found
            .iter()
            .filter(|c| !truth.contains(&(c.a, c.b)))
            .collect();
        let step = (false_ones.len() / 40).max(1);
        for c in false_ones.iter().step_by(step) {
            let reasons: Vec<String> = c.reasons.iter().map(|r| r.describe_en()).collect();
            println!("FP {:.3} {}\n     {reasons:?}", c.score, show(c.a, c.b));
        }
        let low_by_pair: std::collections::HashMap<(DocId, DocId), &Candidate> =
            low.iter().map(|c| ((c.a, c.b), c)).collect();
        let only: Option<usize> = std::env::var("STRADA_BENCH_ORIGIN")
            .ok()
            .and_then(|v| v.parse().ok());
        for p in world
            .duplicates
            .iter()
            .filter(|p| {
                !found_pairs.contains(&p.pair)
                    && reachable.contains(&p.pair)
                    && only.is_none_or(|o| o == p.origin)
            })
            .take(80)
        {
            let why = low_by_pair.get(&p.pair).map(|c| {
                (
                    c.score,
                    c.reasons
                        .iter()
                        .map(|r| r.describe_en())
                        .collect::<Vec<_>>(),
                )
            });
            println!(
                "MISS {:?} {}\n     {why:?}",
                p.change,
                show(p.pair.0, p.pair.1)
            );
        }
    }
}
