//! What pushed automerge data would cost to decode, measured before automerge sees it.
//!
//! Automerge inflates DEFLATE-compressed chunks and columns with no limit, and expands
//! run-length-encoded columns into one value per row: a few bytes on the wire can stand
//! for gigabytes of memory or hours of CPU (a 1 MB push once drove the server to 3 GB).
//! [`measure`] walks the chunk headers and the column metadata itself, inflates
//! compressed parts into a buffer capped at the remaining budget (never beyond it), and
//! counts the rows every column would expand to, without building anything. Its cost is
//! proportional to the decoded bytes it allows, so a refusal is as cheap as the bytes that
//! provoked it.
//!
//! The counts are upper bounds of what automerge builds: a chunk's changes are at most
//! the rows of its longest change column, its ops at most the rows of its longest op
//! column (automerge reads one row of each column per op, and an absent column is all
//! nulls). Anything this walker cannot parse is malformed for automerge too.
//!
//! Accepted chunk types are the ones devices write: documents (`AutoCommit::save`),
//! changes and compressed changes (`save_after`). Bundles (experimental) are refused.
//! Each chunk's checksum is verified here too, so data that passes is well-framed
//! automerge chunks, and automerge first sees it in the merge (where a failure refuses
//! that document only).
//!
//! # Invariants
//! - Nothing is inflated beyond the budget left: a bomb is stopped after at most that many
//!   bytes, whatever it would inflate to.
//! - No panics on any input: every length is checked, every sum saturates.

use std::io::Read;

/// Chunk magic bytes (automerge's storage format).
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_DOCUMENT: u8 = 0;
const CHUNK_CHANGE: u8 = 1;
const CHUNK_COMPRESSED: u8 = 2;
/// The DEFLATE flag of a column specification.
const COLUMN_DEFLATE: u32 = 0b1000;

/// What decoding a piece of automerge data costs: bytes after inflating and expanding
/// runs, changes and ops.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cost {
    /// Bytes once inflated and with every run expanded (at least one byte per row).
    pub decoded: u64,
    pub changes: u64,
    pub ops: u64,
}

impl Cost {
    pub fn plus(self, other: Cost) -> Cost {
        Cost {
            decoded: self.decoded.saturating_add(other.decoded),
            changes: self.changes.saturating_add(other.changes),
            ops: self.ops.saturating_add(other.ops),
        }
    }

    /// What is left of `self` as a budget after spending `spent`.
    pub fn minus(self, spent: Cost) -> Cost {
        Cost {
            decoded: self.decoded.saturating_sub(spent.decoded),
            changes: self.changes.saturating_sub(spent.changes),
            ops: self.ops.saturating_sub(spent.ops),
        }
    }

    /// Each measure of `self` and `other`, the smaller.
    pub fn min(self, other: Cost) -> Cost {
        Cost {
            decoded: self.decoded.min(other.decoded),
            changes: self.changes.min(other.changes),
            ops: self.ops.min(other.ops),
        }
    }

    /// Which measure of `self` goes beyond `budget`, if any.
    fn over(self, budget: Cost) -> Option<Over> {
        if self.decoded > budget.decoded {
            Some(Over::Decoded)
        } else if self.changes > budget.changes {
            Some(Over::Changes)
        } else if self.ops > budget.ops {
            Some(Over::Ops)
        } else {
            None
        }
    }
}

/// The measure that went over its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Over {
    Decoded,
    Changes,
    Ops,
}

impl Over {
    pub fn as_str(self) -> &'static str {
        match self {
            Over::Decoded => "decoded bytes",
            Over::Changes => "changes",
            Over::Ops => "operations",
        }
    }
}

/// Why data was refused before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BoundError {
    #[error("the data would decode to more {} than allowed", .0.as_str())]
    Exceeds(Over),
    #[error("the data is not automerge chunks a device writes")]
    Malformed,
}

/// Measures `data` (a concatenation of automerge chunks) against `budget`, stopping as
/// soon as any measure goes over it.
pub fn measure(data: &[u8], budget: Cost) -> Result<Cost, BoundError> {
    let mut meter = Meter {
        spent: Cost::default(),
        budget,
    };
    let mut input = Cursor(data);
    while !input.0.is_empty() {
        chunk(&mut input, &mut meter)?;
    }
    Ok(meter.spent)
}

/// The length of the document chunk `data` starts with (`None` when it does not start
/// with one): what a stored document was last saved whole as, before the change chunks
/// appended since.
pub fn document_len(data: &[u8]) -> Option<usize> {
    let mut input = Cursor(data);
    if input.take(4).ok()? != MAGIC {
        return None;
    }
    input.take(4).ok()?;
    if input.byte().ok()? != CHUNK_DOCUMENT {
        return None;
    }
    let len = input.uleb().ok()?;
    input.take_u64(len).ok()?;
    Some(data.len() - input.0.len())
}

/// The change chunks `data` is made of, each whole (header included), in their order;
/// `None` when it holds a document chunk or is not a sequence of chunks. Checksums are
/// not checked here: each chunk is parsed again by automerge, which checks them.
pub fn change_chunks(data: &[u8]) -> Option<Vec<&[u8]>> {
    let mut input = Cursor(data);
    let mut chunks = Vec::new();
    while !input.0.is_empty() {
        let start = input.0;
        if input.take(4).ok()? != MAGIC {
            return None;
        }
        input.take(4).ok()?;
        if !matches!(input.byte().ok()?, CHUNK_CHANGE | CHUNK_COMPRESSED) {
            return None;
        }
        let len = input.uleb().ok()?;
        input.take_u64(len).ok()?;
        chunks.push(&start[..start.len() - input.0.len()]);
    }
    Some(chunks)
}

/// The running total, checked against the budget at every step.
struct Meter {
    spent: Cost,
    budget: Cost,
}

impl Meter {
    fn spend(&mut self, cost: Cost) -> Result<(), BoundError> {
        self.spent = self.spent.plus(cost);
        match self.spent.over(self.budget) {
            Some(over) => Err(BoundError::Exceeds(over)),
            None => Ok(()),
        }
    }

    /// Decoded bytes still allowed.
    fn bytes_left(&self) -> u64 {
        self.budget.decoded.saturating_sub(self.spent.decoded)
    }

    fn bytes(&mut self, n: usize) -> Result<(), BoundError> {
        self.spend(Cost {
            decoded: n as u64,
            ..Cost::default()
        })
    }
}

/// A byte reader that never panics.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BoundError> {
        if n > self.0.len() {
            return Err(BoundError::Malformed);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn take_u64(&mut self, n: u64) -> Result<&'a [u8], BoundError> {
        self.take(usize::try_from(n).map_err(|_| BoundError::Malformed)?)
    }

    fn byte(&mut self) -> Result<u8, BoundError> {
        Ok(self.take(1)?[0])
    }

    /// Unsigned LEB128, at most 64 bits.
    fn uleb(&mut self) -> Result<u64, BoundError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err(BoundError::Malformed);
            }
            value |= part << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(BoundError::Malformed)
    }

    /// Signed LEB128, at most 64 bits; the magnitude is what counts here.
    fn sleb(&mut self) -> Result<i64, BoundError> {
        let mut value = 0i64;
        let mut shift = 0u32;
        loop {
            let b = self.byte()?;
            if shift >= 64 {
                return Err(BoundError::Malformed);
            }
            value |= i64::from(b & 0x7f).wrapping_shl(shift);
            shift += 7;
            if b & 0x80 == 0 {
                if shift < 64 && b & 0x40 != 0 {
                    value |= -1i64 << shift;
                }
                return Ok(value);
            }
        }
    }

    /// A LEB128 length-prefixed run of bytes.
    fn prefixed(&mut self) -> Result<&'a [u8], BoundError> {
        let n = self.uleb()?;
        self.take_u64(n)
    }
}

/// One chunk: magic, checksum, type, length, body.
fn chunk(input: &mut Cursor<'_>, meter: &mut Meter) -> Result<(), BoundError> {
    if input.take(4)? != MAGIC {
        return Err(BoundError::Malformed);
    }
    let sum = input.take(4)?;
    let kind = input.byte()?;
    let len = input.uleb()?;
    let body = input.take_u64(len)?;
    meter.bytes(body.len() + 9)?;
    match kind {
        CHUNK_DOCUMENT => {
            checksum(sum, CHUNK_DOCUMENT, body)?;
            document(body, meter)
        }
        CHUNK_CHANGE => {
            checksum(sum, CHUNK_CHANGE, body)?;
            change(body, meter)
        }
        CHUNK_COMPRESSED => {
            let inflated = inflate(body, meter)?;
            // A compressed change carries the checksum of the change it inflates to.
            checksum(sum, CHUNK_CHANGE, &inflated)?;
            change(&inflated, meter)
        }
        _ => Err(BoundError::Malformed),
    }
}

/// Checks a chunk's checksum: the first 4 bytes of the SHA-256 of its type, LEB128
/// length and body (what automerge checks, and the start of a change's hash).
fn checksum(sum: &[u8], kind: u8, body: &[u8]) -> Result<(), BoundError> {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update([kind]);
    let mut len = body.len() as u64;
    loop {
        let b = (len & 0x7f) as u8;
        len >>= 7;
        if len == 0 {
            h.update([b]);
            break;
        }
        h.update([b | 0x80]);
    }
    h.update(body);
    if h.finalize()[..4] == *sum {
        Ok(())
    } else {
        Err(BoundError::Malformed)
    }
}

/// Inflates raw DEFLATE data into at most the decoded bytes left (counted as spent).
fn inflate(data: &[u8], meter: &mut Meter) -> Result<Vec<u8>, BoundError> {
    let cap = meter.bytes_left();
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(data)
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|_| BoundError::Malformed)?;
    meter.bytes(out.len())?;
    Ok(out)
}

/// A column specification and its data length, as in the column metadata.
struct ColumnMeta {
    spec: u32,
    len: u64,
}

fn column_metadata(input: &mut Cursor<'_>) -> Result<Vec<ColumnMeta>, BoundError> {
    let n = input.uleb()?;
    // Each column takes at least two bytes of metadata: a count beyond that is a lie.
    if n > input.0.len() as u64 / 2 {
        return Err(BoundError::Malformed);
    }
    (0..n)
        .map(|_| {
            let spec = u32::try_from(input.uleb()?).map_err(|_| BoundError::Malformed)?;
            let len = input.uleb()?;
            Ok(ColumnMeta { spec, len })
        })
        .collect()
}

/// The rows of the longest of `columns`, whose data follows in `input`, inflating
/// compressed ones when `deflate_allowed`.
fn columns(
    input: &mut Cursor<'_>,
    metas: &[ColumnMeta],
    deflate_allowed: bool,
    meter: &mut Meter,
) -> Result<u64, BoundError> {
    let mut longest = 0u64;
    for m in metas {
        let data = input.take_u64(m.len)?;
        let rows = if m.spec & COLUMN_DEFLATE != 0 {
            if !deflate_allowed {
                return Err(BoundError::Malformed);
            }
            let inflated = inflate(data, meter)?;
            rows(m.spec, &inflated, meter)?
        } else {
            rows(m.spec, data, meter)?
        };
        longest = longest.max(rows);
    }
    Ok(longest)
}

/// How many rows one column holds, spending their expanded size (at least one byte per
/// row, a repeated value as many times as it repeats).
fn rows(spec: u32, data: &[u8], meter: &mut Meter) -> Result<u64, BoundError> {
    let mut input = Cursor(data);
    let mut rows = 0u64;
    // Spends `count` rows of `size` bytes each.
    let mut add = |meter: &mut Meter, count: u64, size: usize| -> Result<(), BoundError> {
        rows = rows.saturating_add(count);
        meter.spend(Cost {
            decoded: count.saturating_mul(size.max(1) as u64),
            ..Cost::default()
        })
    };
    match spec & 0b111 {
        // Boolean: alternating run lengths.
        4 => {
            while !input.0.is_empty() {
                let n = input.uleb()?;
                add(meter, n, 1)?;
            }
        }
        // Raw values: their rows are counted by the metadata column beside them.
        7 => meter.bytes(data.len())?,
        // Group, actor, integer, delta, string, value metadata: run-length encoded.
        kind => {
            let value = |input: &mut Cursor<'_>| -> Result<usize, BoundError> {
                let before = input.0.len();
                match kind {
                    // String: a length-prefixed UTF-8 string.
                    5 => {
                        input.prefixed()?;
                    }
                    3 => {
                        input.sleb()?;
                    }
                    _ => {
                        input.uleb()?;
                    }
                }
                Ok(before - input.0.len())
            };
            while !input.0.is_empty() {
                let count = input.sleb()?;
                if count > 0 {
                    let size = value(&mut input)?;
                    add(meter, count.unsigned_abs(), size)?;
                } else if count < 0 {
                    for _ in 0..count.unsigned_abs() {
                        let size = value(&mut input)?;
                        add(meter, 1, size)?;
                    }
                } else {
                    let nulls = input.uleb()?;
                    add(meter, nulls, 1)?;
                }
            }
        }
    }
    Ok(rows)
}

/// A change chunk's body (also the inflated body of a compressed change).
fn change(body: &[u8], meter: &mut Meter) -> Result<(), BoundError> {
    let mut input = Cursor(body);
    let deps = input.uleb()?;
    input.take_u64(deps.checked_mul(32).ok_or(BoundError::Malformed)?)?;
    input.prefixed()?; // actor
    input.uleb()?; // seq
    input.uleb()?; // start op
    input.sleb()?; // time
    input.prefixed()?; // message
    let others = input.uleb()?;
    if others > input.0.len() as u64 {
        return Err(BoundError::Malformed);
    }
    for _ in 0..others {
        input.prefixed()?;
    }
    let metas = column_metadata(&mut input)?;
    // Change columns are never compressed (automerge refuses them too).
    let ops = columns(&mut input, &metas, false, meter)?;
    meter.spend(Cost {
        changes: 1,
        ops,
        ..Cost::default()
    })
}

/// A document chunk's body: actors, heads, change and op column metadata, their data.
fn document(body: &[u8], meter: &mut Meter) -> Result<(), BoundError> {
    let mut input = Cursor(body);
    let actors = input.uleb()?;
    if actors > input.0.len() as u64 {
        return Err(BoundError::Malformed);
    }
    for _ in 0..actors {
        input.prefixed()?;
    }
    let heads = input.uleb()?;
    input.take_u64(heads.checked_mul(32).ok_or(BoundError::Malformed)?)?;
    let change_metas = column_metadata(&mut input)?;
    let op_metas = column_metadata(&mut input)?;
    let changes = columns(&mut input, &change_metas, true, meter)?;
    let ops = columns(&mut input, &op_metas, true, meter)?;
    // What follows (the heads' indices) is read by automerge; it expands nothing.
    meter.spend(Cost {
        changes,
        ops,
        ..Cost::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    const WIDE: Cost = Cost {
        decoded: u64::MAX,
        changes: u64::MAX,
        ops: u64::MAX,
    };

    fn doc_with(changes: usize, puts_per_change: usize) -> AutoCommit {
        let mut doc = AutoCommit::new();
        for c in 0..changes {
            for p in 0..puts_per_change {
                doc.put(ROOT, format!("k{p}"), (c * 1000 + p) as i64)
                    .unwrap();
            }
            doc.commit();
        }
        doc
    }

    #[test]
    fn counts_the_changes_and_ops_of_saved_documents_and_of_changes() {
        let mut doc = doc_with(12, 5);
        let saved = measure(&doc.save(), WIDE).unwrap();
        assert!(saved.changes >= 12, "{saved:?}");
        assert!(saved.ops >= 60, "{saved:?}");
        let after = doc.get_changes(&[])[..2]
            .iter()
            .map(|c| c.hash())
            .collect::<Vec<_>>();
        let tail = measure(&doc.save_after(&after[1..]), WIDE).unwrap();
        assert_eq!(tail.changes, 10);
        assert_eq!(tail.ops, 50);
        // The bound is an upper bound that stays close to the truth.
        assert!(saved.changes <= 24 && saved.ops <= 120, "{saved:?}");
    }

    #[test]
    fn large_changes_are_compressed_and_still_measured() {
        let mut doc = AutoCommit::new();
        let long: String = "synthetic note ".repeat(200);
        doc.put(ROOT, "note", long.as_str()).unwrap();
        doc.commit();
        // `Change::bytes` is the compressed form (devices send `raw_bytes`, but anyone
        // may send this).
        let bytes = doc.get_changes(&[])[0].clone().bytes().into_owned();
        assert_eq!(
            bytes[8], CHUNK_COMPRESSED,
            "automerge compresses a large change"
        );
        let cost = measure(&bytes, WIDE).unwrap();
        assert_eq!((cost.changes, cost.ops), (1, 1));
        assert!(cost.decoded >= long.len() as u64);
    }

    #[test]
    fn a_budget_stops_the_measure_at_the_first_measure_over_it() {
        let mut doc = doc_with(50, 2);
        let bytes = doc.save();
        let budget = Cost {
            changes: 10,
            ..WIDE
        };
        assert_eq!(
            measure(&bytes, budget),
            Err(BoundError::Exceeds(Over::Changes))
        );
        let budget = Cost { ops: 10, ..WIDE };
        assert_eq!(measure(&bytes, budget), Err(BoundError::Exceeds(Over::Ops)));
        let budget = Cost {
            decoded: 20,
            ..WIDE
        };
        assert_eq!(
            measure(&bytes, budget),
            Err(BoundError::Exceeds(Over::Decoded))
        );
    }

    #[test]
    fn garbage_and_truncations_are_malformed_never_a_panic() {
        let mut doc = doc_with(3, 3);
        let bytes = doc.save();
        for cut in 1..bytes.len() {
            let _ = measure(&bytes[..cut], WIDE);
        }
        assert_eq!(measure(&[1, 2, 3], WIDE), Err(BoundError::Malformed));
        let mut bad = bytes.clone();
        bad[0] ^= 1;
        assert_eq!(measure(&bad, WIDE), Err(BoundError::Malformed));
        // A body that does not match its checksum.
        let mut bad = bytes.clone();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        assert_eq!(measure(&bad, WIDE), Err(BoundError::Malformed));
        // Bundles are not what devices write.
        let mut bundle = bytes;
        bundle[8] = 3;
        assert_eq!(measure(&bundle, WIDE), Err(BoundError::Malformed));
    }

    #[test]
    fn documents_with_compressed_columns_pass_their_checksum() {
        let mut doc = AutoCommit::new();
        for i in 0..300 {
            doc.put(ROOT, format!("key number {i}"), format!("value number {i}"))
                .unwrap();
        }
        doc.commit();
        let bytes = doc.save();
        let cost = measure(&bytes, WIDE).expect("automerge's own document passes");
        assert!(
            cost.decoded > bytes.len() as u64,
            "columns were inflated: {cost:?}"
        );
        assert_eq!(cost.ops, 300);
    }

    #[test]
    fn the_length_of_the_leading_document_chunk_is_read_from_its_header() {
        let mut doc = doc_with(3, 4);
        let whole = doc.save_nocompress();
        assert_eq!(document_len(&whole), Some(whole.len()));
        let heads = doc.get_heads();
        doc.put(ROOT, "later", 1).unwrap();
        let mut appended = whole.clone();
        appended.extend(doc.save_after(&heads));
        assert_eq!(document_len(&appended), Some(whole.len()));
        // Not a document first, or cut short: none.
        assert_eq!(document_len(&doc.save_after(&heads)), None);
        assert_eq!(document_len(&whole[..whole.len() - 1]), None);
        assert_eq!(document_len(&[]), None);
    }

    #[test]
    fn change_chunks_are_cut_whole_and_a_document_chunk_is_none() {
        let mut doc = AutoCommit::new();
        doc.put(automerge::ROOT, "a", 1).unwrap();
        doc.commit();
        let first = doc.save_incremental();
        doc.put(automerge::ROOT, "b", "x".repeat(600)).unwrap();
        doc.commit();
        let second = doc.save_incremental();
        let both = [first.clone(), second.clone()].concat();
        assert_eq!(
            change_chunks(&both),
            Some(vec![first.as_slice(), second.as_slice()])
        );
        assert_eq!(change_chunks(&[]), Some(vec![]));
        assert_eq!(change_chunks(&doc.save()), None);
        assert_eq!(change_chunks(&both[..both.len() - 1]), None);
        assert_eq!(change_chunks(b"garbage"), None);
    }

    #[test]
    fn the_empty_input_costs_nothing() {
        assert_eq!(measure(&[], WIDE), Ok(Cost::default()));
    }
}
