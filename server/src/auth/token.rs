//! Opaque session tokens: 32 random bytes, base64url; only their SHA-256 is stored.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A session token as handed to the client once. No `Clone`, redacted `Debug`.
pub struct SessionToken(Zeroizing<String>);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(<redacted>)")
    }
}

impl SessionToken {
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::Rng::fill(&mut rand::rng(), &mut bytes);
        SessionToken(Zeroizing::new(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Wraps a secret made elsewhere (a sign-out key).
    pub fn from_secret(secret: String) -> Self {
        SessionToken(Zeroizing::new(secret))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> [u8; 32] {
        hash_token(&self.0)
    }
}

/// The key a token is stored under.
pub fn hash_token(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hash_stably() {
        let a = SessionToken::generate();
        let b = SessionToken::generate();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 43);
        assert_eq!(a.hash(), hash_token(a.expose()));
        assert_ne!(a.hash(), b.hash());
    }
}
