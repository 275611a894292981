//! Document keys: what makes an erased value unreadable at once, wherever sled left it.
//!
//! sled is log-structured: a value overwritten or removed stays in its segment files
//! until sled reuses the segment, which may take megabytes of later writes. So every
//! document's bytes and central record are stored sealed (XChaCha20-Poly1305) under a key
//! of that document and generation, and the keys live outside sled, in
//! `<data dir>/doc-keys`: fixed 64-byte slots overwritten in place. When a document is
//! rewritten without its history (a withdrawal of consent raises its generation), the
//! new version gets a new key and the old key's slot is overwritten with zeros once the
//! new version is durable — every older copy in sled's files is then ciphertext nobody
//! can open.
//!
//! Slot layout: document id (16) ‖ generation (u32 BE) ‖ state (1 = live) ‖ 11 zero
//! bytes ‖ key (32). A slot of zeros is free.
//!
//! # Order of writes
//! A new key is written to the file before anything sealed with it is committed, and the
//! file is synced before sled flushes ([`KeyStore::sync`]); a key is destroyed only after
//! the flush that made its replacement durable ([`KeyStore::destroy_retired`]). At open,
//! a live key whose document is gone or at another generation (a crash between those
//! steps) is destroyed ([`KeyStore::retain`]).
//!
//! Residue: a file system that copies on write (btrfs, ZFS) or an SSD's wear levelling
//! may keep a zeroed slot's old blocks; the data folder should sit on an ordinary file
//! system, on an encrypted volume.

use std::collections::BTreeMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Mutex;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use strada_shared::ids::DocId;
use zeroize::Zeroizing;

use super::StoreError;

/// The key file's name in the data folder.
pub const FILE: &str = "doc-keys";
const SLOT: u64 = 64;
const LIVE: u8 = 1;
/// A sealed value: `MAGIC ‖ generation (u32 BE) ‖ nonce (24) ‖ ciphertext`. Neither an
/// automerge document nor JSON starts with 0xFF, so values stored before sealing are
/// told apart and read as they are.
const MAGIC: &[u8; 4] = b"\xffSE1";
const NONCE: usize = 24;

struct Key {
    slot: u64,
    bytes: Zeroizing<[u8; 32]>,
}

#[derive(Default)]
struct Slots {
    /// Live keys by document and generation.
    /// Ordered, so a document's generations are a range (no scan of every key).
    live: BTreeMap<(DocId, u32), Key>,
    /// Slots of zeros, to reuse.
    free: Vec<u64>,
    /// Slots in use or free: the file's length in slots.
    count: u64,
    /// Keys replaced by a newer generation, destroyed after the next flush.
    retired: Vec<(DocId, u32)>,
    /// New keys written since the last sync.
    dirty: bool,
}

/// The document keys of one data folder.
pub struct KeyStore {
    file: File,
    slots: Mutex<Slots>,
}

fn io(e: std::io::Error) -> StoreError {
    StoreError::Backend(format!("document keys: {e}"))
}

impl KeyStore {
    /// Opens (or creates, mode 0600) the key file in `dir`.
    pub fn open(dir: &Path) -> Result<KeyStore, StoreError> {
        use std::os::unix::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(dir.join(FILE))
            .map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let mut slots = Slots {
            count: len / SLOT,
            ..Slots::default()
        };
        let mut buf = [0u8; SLOT as usize];
        for slot in 0..slots.count {
            file.read_exact_at(&mut buf, slot * SLOT).map_err(io)?;
            if buf[20] != LIVE {
                slots.free.push(slot);
                continue;
            }
            let id = DocId::from_bytes(buf[..16].try_into().expect("16 bytes"));
            let generation = u32::from_be_bytes(buf[16..20].try_into().expect("4 bytes"));
            let mut bytes = Zeroizing::new([0u8; 32]);
            bytes.copy_from_slice(&buf[32..]);
            slots.live.insert((id, generation), Key { slot, bytes });
        }
        buf.fill(0);
        Ok(KeyStore {
            file,
            slots: Mutex::new(slots),
        })
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps only the live keys `keep` says yes to (given the document and generation),
    /// destroying the others now: keys a crash left behind.
    pub fn retain(&self, mut keep: impl FnMut(DocId, u32) -> bool) -> Result<usize, StoreError> {
        let gone: Vec<(DocId, u32)> = self
            .slots()
            .live
            .keys()
            .filter(|(id, g)| !keep(*id, *g))
            .copied()
            .collect();
        for k in &gone {
            self.destroy(*k)?;
        }
        if !gone.is_empty() {
            self.file.sync_data().map_err(io)?;
        }
        Ok(gone.len())
    }

    /// Seals `plain` for document `id` at `generation` (creating its key if needed) with
    /// `aad` (the value's place) bound to it. Keys of older generations stay until the
    /// caller committed the value and retires them ([`KeyStore::retire_older`]).
    pub fn seal(
        &self,
        id: DocId,
        generation: u32,
        aad: &[u8],
        plain: &[u8],
    ) -> Result<Vec<u8>, StoreError> {
        let key = self.key(id, generation)?;
        let nonce: [u8; NONCE] = rand::random();
        let ct = XChaCha20Poly1305::new(&(*key).into())
            .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad })
            .map_err(|_| StoreError::Corrupt("a value could not be sealed".into()))?;
        let mut out = Vec::with_capacity(MAGIC.len() + 4 + NONCE + ct.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&generation.to_be_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// Opens a value of document `id` sealed by [`KeyStore::seal`] with the same `aad`;
    /// a value stored before sealing is returned as it is. `None` when its key was
    /// destroyed (the value belongs to an erased generation).
    pub fn unseal(
        &self,
        id: DocId,
        aad: &[u8],
        value: &[u8],
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let Some(rest) = value.strip_prefix(MAGIC) else {
            return Ok(Some(value.to_vec()));
        };
        let bad = || StoreError::Corrupt("a sealed value is damaged".into());
        if rest.len() < 4 + NONCE + 16 {
            return Err(bad());
        }
        let generation = u32::from_be_bytes(rest[..4].try_into().map_err(|_| bad())?);
        let nonce: [u8; NONCE] = rest[4..4 + NONCE].try_into().map_err(|_| bad())?;
        let key = match self.slots().live.get(&(id, generation)) {
            Some(k) => k.bytes.clone(),
            None => return Ok(None),
        };
        XChaCha20Poly1305::new(&(*key).into())
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &rest[4 + NONCE..],
                    aad,
                },
            )
            .map(Some)
            .map_err(|_| bad())
    }

    /// The key of `id` at `generation`, written to the file first if new.
    fn key(&self, id: DocId, generation: u32) -> Result<Zeroizing<[u8; 32]>, StoreError> {
        let mut s = self.slots();
        if let Some(k) = s.live.get(&(id, generation)) {
            return Ok(k.bytes.clone());
        }
        let bytes = Zeroizing::new(rand::random::<[u8; 32]>());
        let slot = match s.free.pop() {
            Some(slot) => slot,
            None => {
                s.count += 1;
                s.count - 1
            }
        };
        let mut record = Zeroizing::new([0u8; SLOT as usize]);
        record[..16].copy_from_slice(id.as_bytes());
        record[16..20].copy_from_slice(&generation.to_be_bytes());
        record[20] = LIVE;
        record[32..].copy_from_slice(&*bytes);
        self.file
            .write_all_at(&record[..], slot * SLOT)
            .map_err(io)?;
        s.dirty = true;
        s.live.insert(
            (id, generation),
            Key {
                slot,
                bytes: bytes.clone(),
            },
        );
        Ok(bytes)
    }

    /// Retires the keys of `id` older than `generation`, once a version sealed at
    /// `generation` is committed: they are destroyed after the next flush.
    pub fn retire_older(&self, id: DocId, generation: u32) {
        let mut s = self.slots();
        let older: Vec<(DocId, u32)> = s
            .live
            .range((id, 0)..(id, generation))
            .map(|(k, _)| *k)
            .collect();
        s.retired.extend(older);
    }

    /// Whether `id` has a live key older than `generation` (its versions sealed under it
    /// are about to become unreadable).
    pub fn has_older(&self, id: DocId, generation: u32) -> bool {
        self.slots()
            .live
            .range((id, 0)..(id, generation))
            .next()
            .is_some()
    }

    /// Makes new keys durable: called before the store flushes what they sealed.
    pub fn sync(&self) -> Result<(), StoreError> {
        let mut s = self.slots();
        if s.dirty {
            self.file.sync_data().map_err(io)?;
            s.dirty = false;
        }
        Ok(())
    }

    /// Destroys the keys replaced since the last flush: called once the store flushed
    /// their replacements. Their slots are overwritten with zeros and synced.
    pub fn destroy_retired(&self) -> Result<(), StoreError> {
        let retired = std::mem::take(&mut self.slots().retired);
        if retired.is_empty() {
            return Ok(());
        }
        for k in retired {
            self.destroy(k)?;
        }
        self.file.sync_data().map_err(io)
    }

    fn destroy(&self, k: (DocId, u32)) -> Result<(), StoreError> {
        let mut s = self.slots();
        if let Some(key) = s.live.remove(&k) {
            self.file
                .write_all_at(&[0u8; SLOT as usize], key.slot * SLOT)
                .map_err(io)?;
            s.free.push(key.slot);
        }
        Ok(())
    }

    /// The key of `id` at `generation`, for tests that look for it in the data folder.
    #[cfg(any(test, feature = "fault-injection"))]
    pub fn key_bytes(&self, id: DocId, generation: u32) -> Option<[u8; 32]> {
        self.slots().live.get(&(id, generation)).map(|k| *k.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> crate::testing::TempDir {
        crate::testing::TempDir::new("strada-keys")
    }

    #[test]
    fn a_value_opens_with_its_place_and_not_once_its_generation_is_replaced() {
        let d = dir();
        let keys = KeyStore::open(&d.0).unwrap();
        let id = DocId::new_v7(1, [1; 10]);
        let sealed = keys.seal(id, 0, b"docs", b"Synthetic Canary").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"Canary"));
        assert_eq!(
            keys.unseal(id, b"docs", &sealed).unwrap().as_deref(),
            Some(&b"Synthetic Canary"[..])
        );
        assert!(
            keys.unseal(id, b"records", &sealed).is_err(),
            "bound to its place"
        );
        assert_eq!(
            keys.unseal(id, b"docs", b"plain").unwrap().as_deref(),
            Some(&b"plain"[..])
        );
        // Survives a restart.
        drop(keys);
        let keys = KeyStore::open(&d.0).unwrap();
        let old = keys.key_bytes(id, 0).unwrap();
        assert!(keys.unseal(id, b"docs", &sealed).unwrap().is_some());
        // Generation 1 replaces it: readable until the flush, then gone from the file.
        let newer = keys.seal(id, 1, b"docs", b"rewritten").unwrap();
        assert!(keys.has_older(id, 1));
        // Not committed yet: nothing is retired.
        keys.destroy_retired().unwrap();
        assert!(keys.unseal(id, b"docs", &sealed).unwrap().is_some());
        keys.retire_older(id, 1);
        keys.sync().unwrap();
        keys.destroy_retired().unwrap();
        assert_eq!(keys.unseal(id, b"docs", &sealed).unwrap(), None);
        assert!(keys.unseal(id, b"docs", &newer).unwrap().is_some());
        let file = std::fs::read(d.0.join(FILE)).unwrap();
        assert!(!file.windows(32).any(|w| w == old));
        // Its slot is reused.
        let other = DocId::new_v7(2, [2; 10]);
        keys.seal(other, 0, b"docs", b"x").unwrap();
        assert_eq!(
            std::fs::read(d.0.join(FILE)).unwrap().len(),
            2 * SLOT as usize
        );
    }

    #[test]
    fn keys_a_crash_left_behind_are_destroyed_at_open() {
        let d = dir();
        let keys = KeyStore::open(&d.0).unwrap();
        let id = DocId::new_v7(1, [1; 10]);
        keys.seal(id, 0, b"docs", b"old").unwrap();
        keys.seal(id, 1, b"docs", b"new").unwrap();
        keys.sync().unwrap();
        // The crash: the store flushed generation 1, the old key was never destroyed.
        drop(keys);
        let keys = KeyStore::open(&d.0).unwrap();
        assert_eq!(keys.retain(|_, g| g == 1).unwrap(), 1);
        assert!(keys.key_bytes(id, 0).is_none());
        assert!(keys.key_bytes(id, 1).is_some());
    }
}
