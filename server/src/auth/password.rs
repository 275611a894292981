//! Passwords: a secret type with no `Clone`/`Serialize`, a redacted `Debug`, zeroized on
//! drop; hashed with Argon2id.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use zeroize::Zeroizing;

/// Shortest password accepted.
pub const MIN_LEN: usize = 10;

/// A valid Argon2id hash of a random password nobody knows, verified against for
/// unknown usernames so a failed sign-in costs the same either way.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c3RyYWRhZHVtbXlzYWx0$ZDx7lB0SMbH5o7yVMVJRw3RB9wKzA7nOw3uFO5oIrUY";

pub struct Password(Zeroizing<String>);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

impl Password {
    pub fn new(s: String) -> Self {
        Password(Zeroizing::new(s))
    }

    /// A random password of 16 characters from an unambiguous alphabet.
    pub fn generate() -> Self {
        use rand::Rng;
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        let mut rng = rand::rng();
        let s: String = (0..16)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        Password::new(s)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// An Argon2id PHC string with a fresh salt.
    pub fn hash(&self) -> String {
        let mut salt = [0u8; 16];
        rand::Rng::fill(&mut rand::rng(), &mut salt);
        let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt length");
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .expect("argon2 with default parameters cannot fail on a valid salt")
            .to_string()
    }

    /// Whether this password matches `phc`; a malformed hash never matches.
    pub fn verify(&self, phc: &str) -> bool {
        PasswordHash::new(phc).is_ok_and(|h| {
            Argon2::default()
                .verify_password(self.0.as_bytes(), &h)
                .is_ok()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_same_password() {
        let p = Password::new("correct horse battery".into());
        let h = p.hash();
        assert!(h.starts_with("$argon2id$"));
        assert!(p.verify(&h));
        assert!(!Password::new("wrong password!".into()).verify(&h));
        assert!(!p.verify("not a hash"));
    }

    #[test]
    fn dummy_hash_is_well_formed() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!Password::new("anything at all".into()).verify(DUMMY_HASH));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        assert_eq!(
            format!("{:?}", Password::new("s3cret-value".into())),
            "Password(<redacted>)"
        );
    }
}
