//! Blocking: only records that share a key are compared.
//!
//! Keys are a normalised phone, an alias skeleton (and its other reading, if its script
//! has one), two skeletons together, a skeleton with one letter deleted (so a slip of
//! the finger still meets its original), a skeleton with the usual place, and a
//! skeleton with a region (a cell of one degree) and two days, so that records met near
//! each other within a day, or living in one place, meet even under a common name. Two
//! sightings a kilometre apart on either side of a region's edge (about 2 in 100) do
//! not share that key.
//!
//! A block of names is dropped when what its records share cannot make a candidate: a
//! skeleton held by `k` records weighs about `ln(P / k)`, so "Mohamed" alone (thousands
//! of records) can never reach the threshold with a birth year and a country, and
//! neither can "Gurpreet Singh". Such records meet through what they share besides: a
//! rarer word, two words together, the phone, a day. The caller computes the largest
//! useful block of names from the threshold ([`Caps`]); deletions are only keyed for
//! skeletons that rare. No block exceeds [`MAX_BLOCK`], so pairs are bounded by
//! `records × keys × MAX_BLOCK`.

use super::facts::{Lexicon, Prepared};
use super::score::NEAR_MS;

/// Largest block compared pair by pair, and smallest cap.
pub(super) const MAX_BLOCK: usize = 300;
const MIN_BLOCK: usize = 8;
/// Skeletons of a record used alone in keys (its rarest), and in pairs of two.
const SINGLE_KEYS: usize = 4;
const PAIR_KEYS: usize = 3;
/// Sightings of a record used in keys (its latest).
const SIGHTING_KEYS: usize = 12;
/// Skeletons of a record (its rarest) whose one-letter deletions are keys, when they
/// are rare enough to make a candidate (held by no more records than `Caps::names`).
const DELETION_KEYS: usize = 2;

/// What a key is made of, so keys of different kinds never meet.
#[derive(Clone, Copy)]
#[repr(u64)]
enum Kind {
    Phone = 1,
    Skeleton,
    TwoSkeletons,
    SkeletonRegionDays,
    Deletion,
    SkeletonPlace,
}

/// The largest block kept for keys of names.
#[derive(Clone, Copy)]
pub(super) struct Caps {
    pub names: usize,
}

impl Caps {
    /// The caps for records of `population` (plus the prior) when a candidate needs
    /// `needed` weight and the facts besides the shared names give at most `other`.
    pub(super) fn new(population: f32, needed: f32, other: f32) -> Caps {
        let k = 1.0 + population * (other - needed).exp();
        Caps {
            names: (k.min(MAX_BLOCK as f32) as usize).max(MIN_BLOCK),
        }
    }

    fn of(self, kind: Kind) -> usize {
        match kind {
            Kind::Phone | Kind::SkeletonRegionDays | Kind::Deletion | Kind::SkeletonPlace => {
                MAX_BLOCK
            }
            _ => self.names,
        }
    }
}

/// One key from its parts (FxHash-style mixing, then an avalanche); its kind in the
/// low bits, so a block's cap is known from its key.
fn key(kind: Kind, parts: &[u64]) -> u64 {
    let mut h = kind as u64;
    for &p in parts {
        h = (h.rotate_left(5) ^ p).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    ((h ^ (h >> 33)) & !7) | kind as u64
}

fn kind_of(key: u64) -> Kind {
    match key & 7 {
        1 => Kind::Phone,
        2 => Kind::Skeleton,
        3 => Kind::TwoSkeletons,
        4 => Kind::SkeletonRegionDays,
        5 => Kind::Deletion,
        _ => Kind::SkeletonPlace,
    }
}

fn text_key(s: &[u8]) -> u64 {
    s.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The blocking keys of one record, with repeats.
fn keys_of(p: &Prepared, lex: &Lexicon, caps: Caps, out: &mut Vec<u64>) {
    if let Some(phone) = p.phone {
        out.push(key(Kind::Phone, &[u64::from(phone)]));
    }
    // Regions of one degree, and buckets of two days with each sighting in two of them
    // (its own and the one a day on): two sightings within a day share one.
    let mut region_days = Vec::new();
    for &(lat, lon, t) in p.sightings.iter().rev().take(SIGHTING_KEYS) {
        let region = ((lat.floor() as i64 as u64) << 32) ^ (lon.floor() as i64 as u64);
        region_days.push([region, t.div_euclid(2 * NEAR_MS) as u64]);
        region_days.push([
            region,
            (t + NEAR_MS).div_euclid(2 * NEAR_MS) as u64 | (1 << 63),
        ]);
    }
    // A skeleton and its other reading, if any (`Word::alternate`): a record in Arabic
    // script meets the Latin records of either reading.
    let readings = |s: u32| {
        std::iter::once(s).chain(
            p.alternates
                .iter()
                .filter(move |(from, _)| *from == s)
                .map(|(_, to)| *to),
        )
    };
    for &s in p.skeletons.iter().take(SINGLE_KEYS) {
        for s in readings(s) {
            let s = u64::from(s);
            out.push(key(Kind::Skeleton, &[s]));
            if let Some(place) = p.place {
                out.push(key(Kind::SkeletonPlace, &[s, u64::from(place)]));
            }
            for &[region, days] in &region_days {
                out.push(key(Kind::SkeletonRegionDays, &[s, region, days]));
            }
        }
    }
    // Two neighbouring words as one (Ben Ali meets Benali).
    for &(j, _) in &p.joined {
        out.push(key(Kind::Skeleton, &[u64::from(j)]));
    }
    let rare = &p.skeletons[..p.skeletons.len().min(PAIR_KEYS)];
    for (i, &s) in rare.iter().enumerate() {
        for &t in &rare[i + 1..] {
            for s in readings(s) {
                for t in readings(t) {
                    let (s, t) = (u64::from(s.min(t)), u64::from(s.max(t)));
                    out.push(key(Kind::TwoSkeletons, &[s, t]));
                }
            }
        }
    }
    for &s in p.skeletons.iter().take(DELETION_KEYS) {
        let text = lex.text(s).as_bytes();
        if lex.holders(s) as usize > caps.names || text.len() < 4 || !text.is_ascii() {
            continue;
        }
        out.push(key(Kind::Deletion, &[text_key(text)]));
        let mut shorter = Vec::with_capacity(text.len());
        for i in 0..text.len() {
            shorter.clear();
            shorter.extend_from_slice(&text[..i]);
            shorter.extend_from_slice(&text[i + 1..]);
            out.push(key(Kind::Deletion, &[text_key(&shorter)]));
        }
    }
}

/// The blocks kept (between 2 records and their cap), and for each record the blocks
/// it is in.
pub(super) struct Blocks {
    /// Records of block `g`: `members[starts[g]..starts[g + 1]]`, in ascending order.
    starts: Vec<usize>,
    members: Vec<u32>,
    /// Blocks of record `i`: `of_record[record_starts[i]..record_starts[i + 1]]`.
    record_starts: Vec<usize>,
    of_record: Vec<u32>,
}

impl Blocks {
    pub(super) fn build(prepared: &[Prepared], lex: &Lexicon, caps: Caps) -> Blocks {
        let mut entries: Vec<(u64, u32)> = Vec::new();
        let mut keys = Vec::new();
        for (i, p) in prepared.iter().enumerate() {
            keys.clear();
            keys_of(p, lex, caps, &mut keys);
            keys.sort_unstable();
            keys.dedup();
            entries.extend(keys.iter().map(|&k| (k, i as u32)));
        }
        entries.sort_unstable();
        let mut starts = vec![0];
        let mut members = Vec::new();
        let mut count = vec![0usize; prepared.len() + 1];
        for run in entries.chunk_by(|x, y| x.0 == y.0) {
            if (2..=caps.of(kind_of(run[0].0))).contains(&run.len()) {
                members.extend(run.iter().map(|e| e.1));
                starts.push(members.len());
                for e in run {
                    count[e.1 as usize + 1] += 1;
                }
            }
        }
        // Counting sort of (record, block) by record.
        for i in 1..count.len() {
            count[i] += count[i - 1];
        }
        let record_starts = count.clone();
        let mut of_record = vec![0u32; members.len()];
        for g in 0..starts.len() - 1 {
            for &m in &members[starts[g]..starts[g + 1]] {
                of_record[count[m as usize]] = g as u32;
                count[m as usize] += 1;
            }
        }
        Blocks {
            starts,
            members,
            record_starts,
            of_record,
        }
    }

    /// Calls `compare(i, j)` once for every pair `i < j` sharing at least one block, for
    /// the records `i` that `take(i)` accepts. `seen` is scratch of one entry per record.
    pub(super) fn pairs(
        &self,
        take: impl Fn(usize) -> bool,
        seen: &mut [u32],
        mut compare: impl FnMut(usize, usize),
    ) {
        seen.fill(u32::MAX);
        for i in (0..self.record_starts.len() - 1).filter(|&i| take(i)) {
            for &g in &self.of_record[self.record_starts[i]..self.record_starts[i + 1]] {
                let block = &self.members[self.starts[g as usize]..self.starts[g as usize + 1]];
                let after = block.partition_point(|&m| m as usize <= i);
                for &j in &block[after..] {
                    if seen[j as usize] != i as u32 {
                        seen[j as usize] = i as u32;
                        compare(i, j as usize);
                    }
                }
            }
        }
    }
}
