//! Hand-made automerge chunks for hostile-input tests: the storage format's framing
//! (magic, checksum, type, LEB128 length, body) rebuilt around crafted bodies, with the
//! checksum a real client would compute, so a crafted chunk reaches past the checksum.

use std::io::Write;

use sha2::{Digest, Sha256};

pub const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
pub const DOCUMENT: u8 = 0;
pub const CHANGE: u8 = 1;
pub const COMPRESSED: u8 = 2;

pub fn uleb(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

/// Reads an unsigned LEB128 at `at`: (value, bytes read).
pub fn read_uleb(data: &[u8], at: usize) -> (u64, usize) {
    let mut value = 0u64;
    for (i, b) in data[at..].iter().enumerate() {
        value |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return (value, i + 1);
        }
    }
    panic!("unterminated LEB128");
}

/// The checksum automerge expects: the first 4 bytes of SHA-256 over type, length, body.
pub fn checksum(kind: u8, body: &[u8]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update([kind]);
    h.update(uleb(body.len() as u64));
    h.update(body);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

pub fn chunk(kind: u8, checksum: [u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.extend(checksum);
    out.push(kind);
    out.extend(uleb(body.len() as u64));
    out.extend(body);
    out
}

/// Type and body of the single chunk `data`.
pub fn split(data: &[u8]) -> (u8, &[u8]) {
    assert_eq!(data[..4], MAGIC);
    let (len, n) = read_uleb(data, 9);
    (data[8], &data[9 + n..9 + n + len as usize])
}

pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// `len` zero bytes, DEFLATE-compressed, without ever holding them all (about 1,000:1).
pub fn deflated_zeros(len: usize) -> Vec<u8> {
    let block = vec![0u8; 1 << 20];
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len());
        e.write_all(&block[..n]).unwrap();
        left -= n;
    }
    e.finish().unwrap()
}

/// A change chunk in automerge's compressed form: the same checksum (of the uncompressed
/// change), the body DEFLATE-compressed.
pub fn compressed(change: &[u8]) -> Vec<u8> {
    let (kind, body) = split(change);
    assert_eq!(kind, CHANGE);
    let sum: [u8; 4] = change[4..8].try_into().unwrap();
    chunk(COMPRESSED, sum, &deflate(body))
}

/// A compressed change whose body inflates to `len` bytes (a decompression bomb).
pub fn change_bomb(len: usize) -> Vec<u8> {
    chunk(COMPRESSED, [1, 2, 3, 4], &deflated_zeros(len))
}

/// A document chunk with one change column, DEFLATE-flagged, inflating to `len` bytes.
pub fn document_bomb(len: usize) -> Vec<u8> {
    let column = deflated_zeros(len);
    let mut body = Vec::new();
    body.extend(uleb(0)); // actors
    body.extend(uleb(0)); // heads
    body.extend(uleb(1)); // change columns: an actor column (id 1, type 1), deflated
    body.extend(uleb((1 << 4) | 1 | 0b1000));
    body.extend(uleb(column.len() as u64));
    body.extend(uleb(0)); // op columns
    body.extend(&column);
    chunk(DOCUMENT, checksum(DOCUMENT, &body), &body)
}

/// Where a change chunk's `seq`, column count and first column's data are (offsets in
/// the chunk).
pub struct ChangeLayout {
    pub seq: usize,
    pub data: usize,
}

pub fn change_layout(change: &[u8]) -> ChangeLayout {
    let (kind, body) = split(change);
    assert_eq!(kind, CHANGE);
    let base = change.len() - body.len();
    let mut at = 0;
    let (deps, n) = read_uleb(body, at);
    at += n + 32 * deps as usize;
    let (actor, n) = read_uleb(body, at);
    at += n + actor as usize;
    let seq = base + at;
    at += read_uleb(body, at).1; // seq
    at += read_uleb(body, at).1; // start op
    at += read_uleb(body, at).1; // time (its sign bit does not matter to skip it)
    let (message, n) = read_uleb(body, at);
    at += n + message as usize;
    let (others, n) = read_uleb(body, at);
    at += n;
    for _ in 0..others {
        let (len, n) = read_uleb(body, at);
        at += n + len as usize;
    }

    let (count, n) = read_uleb(body, at);
    at += n;
    for _ in 0..count {
        at += read_uleb(body, at).1; // spec
        at += read_uleb(body, at).1; // length
    }
    ChangeLayout {
        seq,
        data: base + at,
    }
}

/// `data` (one chunk, possibly damaged) with the checksum a client would compute, if its
/// framing still reads.
pub fn recheck(data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 10 || data[..4] != MAGIC {
        return None;
    }
    let mut at = 9;
    let mut len = 0u64;
    for i in 0..10 {
        let b = *data.get(at)?;
        len |= u64::from(b & 0x7f) << (7 * i);
        at += 1;
        if b & 0x80 == 0 {
            break;
        }
    }
    let body = data.get(at..at.checked_add(usize::try_from(len).ok()?)?)?;
    let mut out = data.to_vec();
    out[4..8].copy_from_slice(&checksum(data[8], body));
    Some(out)
}

/// `change` with the byte at `at` replaced, and the checksum recomputed.
pub fn with_byte(change: &[u8], at: usize, value: u8) -> Vec<u8> {
    let mut out = change.to_vec();
    out[at] = value;
    let (kind, body) = split(&out);
    let sum = checksum(kind, body);
    out[4..8].copy_from_slice(&sum);
    out
}
