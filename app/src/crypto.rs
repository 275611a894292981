//! Encryption of everything the app stores on the device.
//!
//! A random 32-byte **data key** encrypts every record (XChaCha20-Poly1305, a random
//! 24-byte nonce per record). It lives only in memory, and only while the app is
//! unlocked. On the device it is stored **wrapped**: encrypted under a key-encryption key
//! derived from the user's password with PBKDF2-HMAC-SHA256 (600,000 iterations, a 16-byte
//! random salt) through WebCrypto, which runs the derivation at native speed.
//!
//! A sealed record is `version (1 byte) ‖ nonce (24 bytes) ‖ ciphertext and tag`. Every
//! record is sealed with associated data naming where it lives (the store and the key), so
//! a record copied under another key or into another store does not open.
//!
//! Encryption is pure Rust and synchronous, so it runs inside an IndexedDB transaction
//! without awaiting anything but IndexedDB. The pure parts ([`seal_with`], [`open_with`],
//! [`wrap_with`], [`unwrap_with`]) take their key and nonce as arguments and are tested
//! natively; the rest reads the in-memory key and the browser's randomness.
//!
//! # Invariants
//! - The data key and the password are never logged, never stored unwrapped, and are
//!   zeroised when dropped ([`lock`], or when the last in-flight operation ends).
//! - A wrong password, a tampered record or a record moved to another place fails the
//!   AEAD: nothing is ever decrypted into garbage.

use std::cell::RefCell;

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

/// The sealed-record format version.
const FORMAT_V1: u8 = 1;
const NONCE_LEN: usize = 24;
/// PBKDF2-HMAC-SHA256 iterations for new wraps (OWASP's 2023 figure for SHA-256).
pub const PBKDF2_ITERATIONS: u32 = 600_000;
/// Fewer iterations than this in a stored wrap are refused (a downgraded record).
const MIN_ITERATIONS: u32 = 600_000;
const SALT_LEN: usize = 16;
/// Associated data of the wrapped data key.
const WRAP_AAD: &[u8] = b"strada/keywrap/v1";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum CryptoError {
    #[error("the device is locked")]
    Locked,
    /// The AEAD refused: wrong key, tampered or misplaced record.
    #[error("the record does not open with this key")]
    Undecryptable,
    #[error("the record is not in a known format")]
    BadFormat,
    #[error("the wrong password")]
    WrongPassword,
    #[error("the browser's cryptography failed")]
    Browser,
    /// No cryptographic randomness: nothing is sealed nor created without it.
    #[error("the browser's random number generator is unavailable")]
    NoRandomness,
}

impl From<crate::util::NoRandomness> for CryptoError {
    fn from(_: crate::util::NoRandomness) -> Self {
        CryptoError::NoRandomness
    }
}

/// The data key. No `Clone` on purpose outside this module, no `Debug` of its bytes,
/// zeroised on drop.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(<redacted>)")
    }
}

impl DataKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        DataKey(Zeroizing::new(bytes))
    }

    /// The key's bytes, only to hand the key to the engine bundle (see
    /// [`crate::engine`]), which keeps its own copy in its own memory.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn duplicate(&self) -> Self {
        DataKey(Zeroizing::new(*self.0))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&(*self.0).into())
    }

    /// Seals `plain` under this key with a fresh random nonce.
    pub fn seal(&self, aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal_with(self, random_nonce()?, aad, plain)
    }

    pub fn open(&self, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open_with(self, aad, sealed)
    }
}

/// Seals `plain` with `key` and `nonce` (which must never repeat under one key: callers
/// pass 24 random bytes, for which a collision is negligible).
pub fn seal_with(
    key: &DataKey,
    nonce: [u8; NONCE_LEN],
    aad: &[u8],
    plain: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let ct = key
        .cipher()
        .encrypt(&XNonce::from(nonce), Payload { msg: plain, aad })
        .map_err(|_| CryptoError::Undecryptable)?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
    out.push(FORMAT_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    Ok(out)
}

/// Opens a record sealed by [`seal_with`] with the same key and associated data.
pub fn open_with(key: &DataKey, aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let (&version, rest) = sealed.split_first().ok_or(CryptoError::BadFormat)?;
    if version != FORMAT_V1 || rest.len() < NONCE_LEN + 16 {
        return Err(CryptoError::BadFormat);
    }
    let (nonce, ct) = rest.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptoError::BadFormat)?;
    key.cipher()
        .decrypt(&XNonce::from(nonce), Payload { msg: ct, aad })
        .map_err(|_| CryptoError::Undecryptable)
}

/// The wrapped data key, stored in plain (it is useless without the password).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WrapRecord {
    pub v: u8,
    /// Hex.
    pub salt: String,
    pub iterations: u32,
    /// Hex.
    pub nonce: String,
    /// Hex: the data key sealed under the key-encryption key, with its tag.
    pub wrapped: String,
}

/// Wraps `data_key` under `kek` (a key derived from the password with `salt`/`iterations`).
pub fn wrap_with(
    kek: &DataKey,
    data_key: &DataKey,
    salt: [u8; SALT_LEN],
    iterations: u32,
    nonce: [u8; NONCE_LEN],
) -> Result<WrapRecord, CryptoError> {
    let sealed = seal_with(kek, nonce, WRAP_AAD, &data_key.0[..])?;
    Ok(WrapRecord {
        v: FORMAT_V1,
        salt: hex::encode(salt),
        iterations,
        nonce: hex::encode(nonce),
        wrapped: hex::encode(&sealed[1 + NONCE_LEN..]),
    })
}

/// Unwraps the data key; a wrong key-encryption key (a wrong password) fails the AEAD.
pub fn unwrap_with(kek: &DataKey, wrap: &WrapRecord) -> Result<DataKey, CryptoError> {
    if wrap.v != FORMAT_V1 {
        return Err(CryptoError::BadFormat);
    }
    let nonce = hex::decode(&wrap.nonce).map_err(|_| CryptoError::BadFormat)?;
    let wrapped = hex::decode(&wrap.wrapped).map_err(|_| CryptoError::BadFormat)?;
    let mut sealed = Vec::with_capacity(1 + nonce.len() + wrapped.len());
    sealed.push(FORMAT_V1);
    sealed.extend_from_slice(&nonce);
    sealed.extend_from_slice(&wrapped);
    let mut plain = open_with(kek, WRAP_AAD, &sealed).map_err(|e| match e {
        CryptoError::Undecryptable => CryptoError::WrongPassword,
        other => other,
    })?;
    let bytes: Result<[u8; 32], _> = plain.as_slice().try_into();
    plain.zeroize();
    bytes
        .map(DataKey::from_bytes)
        .map_err(|_| CryptoError::BadFormat)
}

// --- In-memory key (browser) ---

thread_local! {
    static KEY: RefCell<Option<DataKey>> = const { RefCell::new(None) };
}

pub fn is_unlocked() -> bool {
    KEY.with(|k| k.borrow().is_some())
}

/// Keeps `key` as the data key (the engine bundle, given the page's key with a call).
pub fn install(key: DataKey) {
    KEY.with(|k| *k.borrow_mut() = Some(key));
}

/// Drops (and zeroises) the data key. Operations already running finish with their own
/// copy, dropped when they end.
pub fn lock() {
    KEY.with(|k| k.borrow_mut().take());
}

/// A copy of the data key for one store operation, so that a lock in the middle of an
/// IndexedDB transaction does not break it half-way.
pub fn key() -> Result<DataKey, CryptoError> {
    KEY.with(|k| k.borrow().as_ref().map(DataKey::duplicate))
        .ok_or(CryptoError::Locked)
}

/// Seals with the in-memory key.
#[allow(dead_code, reason = "for records sealed outside the store module")]
pub fn seal(aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, CryptoError> {
    key()?.seal(aad, plain)
}

/// Opens with the in-memory key.
#[allow(dead_code, reason = "for records sealed outside the store module")]
pub fn open(aad: &[u8], sealed: &[u8]) -> Result<Vec<u8>, CryptoError> {
    key()?.open(aad, sealed)
}

fn random_nonce() -> Result<[u8; NONCE_LEN], CryptoError> {
    Ok(crate::util::random_bytes::<NONCE_LEN>()?)
}

/// Creates a new data key, keeps it in memory and returns it wrapped with `password`.
pub async fn create(password: &str) -> Result<WrapRecord, CryptoError> {
    let data_key = DataKey::from_bytes(crate::util::random_bytes::<32>()?);
    let wrap = wrap_new(password, &data_key).await?;
    KEY.with(|k| *k.borrow_mut() = Some(data_key));
    Ok(wrap)
}

/// Wraps the in-memory data key with a (new) password: after a password change.
pub async fn rewrap(password: &str) -> Result<WrapRecord, CryptoError> {
    let data_key = key()?;
    wrap_new(password, &data_key).await
}

async fn wrap_new(password: &str, data_key: &DataKey) -> Result<WrapRecord, CryptoError> {
    let salt = crate::util::random_bytes::<SALT_LEN>()?;
    let kek = derive(password, &salt, PBKDF2_ITERATIONS).await?;
    wrap_with(&kek, data_key, salt, PBKDF2_ITERATIONS, random_nonce()?)
}

/// Unwraps the stored data key with `password` and keeps it in memory.
pub async fn unlock(password: &str, wrap: &WrapRecord) -> Result<(), CryptoError> {
    if wrap.iterations < MIN_ITERATIONS {
        return Err(CryptoError::BadFormat);
    }
    let salt = hex::decode(&wrap.salt).map_err(|_| CryptoError::BadFormat)?;
    let kek = derive(password, &salt, wrap.iterations).await?;
    let data_key = unwrap_with(&kek, wrap)?;
    KEY.with(|k| *k.borrow_mut() = Some(data_key));
    Ok(())
}

/// PBKDF2-HMAC-SHA256 through WebCrypto: 32 bytes from the password.
async fn derive(password: &str, salt: &[u8], iterations: u32) -> Result<DataKey, CryptoError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let subtle = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.subtle())
        .ok_or(CryptoError::Browser)?;
    let pw = js_sys::Uint8Array::from(password.as_bytes());
    let usages = js_sys::Array::of1(&"deriveBits".into());
    let base = subtle
        .import_key_with_str("raw", &pw, "PBKDF2", false, &usages)
        .map_err(|_| CryptoError::Browser)?;
    // The JS copy of the password is overwritten as soon as WebCrypto has imported it.
    let base = JsFuture::from(base).await;
    pw.fill(0, 0, pw.length());
    let base: web_sys::CryptoKey = base
        .map_err(|_| CryptoError::Browser)?
        .dyn_into()
        .map_err(|_| CryptoError::Browser)?;
    let params = web_sys::Pbkdf2Params::new_with_str(
        "PBKDF2",
        "SHA-256",
        iterations,
        &js_sys::Uint8Array::from(salt),
    );
    let bits = subtle
        .derive_bits_with_object(&params, &base, 256)
        .map_err(|_| CryptoError::Browser)?;
    let bits = JsFuture::from(bits)
        .await
        .map_err(|_| CryptoError::Browser)?;
    let view = js_sys::Uint8Array::new(&bits);
    let mut out = Zeroizing::new([0u8; 32]);
    if view.length() != 32 {
        return Err(CryptoError::Browser);
    }
    view.copy_to(&mut out[..]);
    view.fill(0, 0, 32);
    Ok(DataKey(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(b: u8) -> DataKey {
        DataKey::from_bytes([b; 32])
    }

    #[test]
    fn a_sealed_record_opens_with_the_same_key_and_place() {
        let k = key(1);
        let sealed = seal_with(&k, [7; 24], b"docs/a", b"CANARY alias").unwrap();
        assert_eq!(sealed[0], FORMAT_V1);
        assert!(
            !sealed.windows(6).any(|w| w == b"CANARY"),
            "the plaintext shows through"
        );
        assert_eq!(open_with(&k, b"docs/a", &sealed).unwrap(), b"CANARY alias");
    }

    #[test]
    fn a_wrong_key_does_not_open_a_record() {
        let sealed = seal_with(&key(1), [7; 24], b"kv/x", b"secret").unwrap();
        assert_eq!(
            open_with(&key(2), b"kv/x", &sealed),
            Err(CryptoError::Undecryptable)
        );
    }

    #[test]
    fn a_tampered_record_is_refused() {
        let k = key(1);
        let sealed = seal_with(&k, [7; 24], b"kv/x", b"secret").unwrap();
        for i in 1..sealed.len() {
            let mut bad = sealed.clone();
            bad[i] ^= 0x01;
            assert!(open_with(&k, b"kv/x", &bad).is_err(), "byte {i} flipped");
        }
        assert_eq!(
            open_with(&k, b"kv/x", &sealed[..sealed.len() - 1]),
            Err(CryptoError::Undecryptable)
        );
        assert_eq!(open_with(&k, b"kv/x", &[]), Err(CryptoError::BadFormat));
        let mut v2 = sealed.clone();
        v2[0] = 2;
        assert_eq!(open_with(&k, b"kv/x", &v2), Err(CryptoError::BadFormat));
    }

    #[test]
    fn a_record_moved_to_another_key_is_refused() {
        let k = key(1);
        let sealed = seal_with(&k, [7; 24], b"kv/session", b"token").unwrap();
        assert_eq!(
            open_with(&k, b"kv/cursor", &sealed),
            Err(CryptoError::Undecryptable)
        );
    }

    #[test]
    fn two_seals_of_the_same_plaintext_differ() {
        let k = key(1);
        let a = seal_with(&k, [1; 24], b"", b"same").unwrap();
        let b = seal_with(&k, [2; 24], b"", b"same").unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn the_data_key_unwraps_only_with_the_right_kek() {
        let data = key(9);
        let wrap = wrap_with(&key(3), &data, [5; 16], PBKDF2_ITERATIONS, [6; 24]).unwrap();
        assert_eq!(wrap.iterations, 600_000);
        assert_eq!(wrap.salt.len(), 32);
        let back = unwrap_with(&key(3), &wrap).unwrap();
        assert_eq!(*back.0, *data.0);
        assert_eq!(
            unwrap_with(&key(4), &wrap).unwrap_err(),
            CryptoError::WrongPassword
        );
        let json = serde_json::to_string(&wrap).unwrap();
        assert!(
            !json.contains(&hex::encode([9u8; 32])),
            "the key shows through"
        );
        let mut bad = wrap.clone();
        bad.wrapped = "zz".into();
        assert_eq!(
            unwrap_with(&key(3), &bad).unwrap_err(),
            CryptoError::BadFormat
        );
    }

    #[test]
    fn the_key_does_not_show_in_debug() {
        assert_eq!(format!("{:?}", key(1)), "DataKey(<redacted>)");
    }
}
