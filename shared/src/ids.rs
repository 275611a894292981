//! Identifier newtypes. Every id is a UUIDv7 (time-ordered), written as its hyphenated
//! string in documents and on the wire.

use std::fmt;
use std::str::FromStr;

use autosurgeon::{Hydrate, HydrateError, Reconcile, Reconciler};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Reads a UUID as a string (human-readable formats) or 16 bytes (binary formats).
fn uuid_from<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Uuid, D::Error> {
    struct V;
    impl serde::de::Visitor<'_> for V {
        type Value = Uuid;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a UUID")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Uuid, E> {
            Uuid::parse_str(s.trim()).map_err(|_| E::custom(InvalidId))
        }
        fn visit_bytes<E: serde::de::Error>(self, b: &[u8]) -> Result<Uuid, E> {
            Uuid::from_slice(b).map_err(|_| E::custom(InvalidId))
        }
    }
    if d.is_human_readable() {
        d.deserialize_str(V)
    } else {
        d.deserialize_bytes(V)
    }
}

/// Why a string is not a valid identifier.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid identifier (expected a UUID)")]
pub struct InvalidId;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        /// A string in JSON, 16 raw bytes in the binary sync encoding.
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if s.is_human_readable() {
                    s.collect_str(&self.0.hyphenated())
                } else {
                    s.serialize_bytes(self.0.as_bytes())
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                uuid_from(d).map(Self)
            }
        }

        impl $name {
            /// Builds a UUIDv7 from a Unix time in milliseconds and 10 random bytes, so the
            /// caller (not this pure crate) owns the clock and the random source.
            pub fn new_v7(unix_ms: u64, random: [u8; 10]) -> Self {
                Self(uuid::Builder::from_unix_timestamp_millis(unix_ms, &random).into_uuid())
            }

            /// Parses the hyphenated or simple form of a UUID.
            pub fn parse(s: &str) -> Result<Self, InvalidId> {
                Uuid::parse_str(s.trim()).map(Self).map_err(|_| InvalidId)
            }

            /// From the raw 16 bytes (as stored in keys).
            pub fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(Uuid::from_bytes(bytes))
            }

            /// The raw 16 bytes.
            pub fn as_bytes(&self) -> &[u8; 16] {
                self.0.as_bytes()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidId;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.to_string()
            }
        }

        impl Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
                reconciler.str(self.to_string())
            }
        }

        impl Hydrate for $name {
            fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
                Self::parse(s).map_err(|_| HydrateError::unexpected("a UUID", s.to_string()))
            }
        }
    };
}

uuid_id!(
    /// One automerge document (a contact, later a person, a referral, a case...).
    DocId
);
uuid_id!(
    /// A person who signs in (field worker, central office...).
    UserId
);

/// A team slug such as `bergamo-1`: lowercase ASCII letters, digits and `-`, 1–40 chars.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TeamId(pub(crate) String);

/// Why a string is not a valid team slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("team must be 1-40 characters: lowercase letters, digits or '-'")]
pub struct InvalidTeam;

impl TeamId {
    pub fn parse(s: &str) -> Result<Self, InvalidTeam> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 40
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(s.to_string()))
        } else {
            Err(InvalidTeam)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TeamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for TeamId {
    type Error = InvalidTeam;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<TeamId> for String {
    fn from(t: TeamId) -> String {
        t.0
    }
}

impl Reconcile for TeamId {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(&self.0)
    }
}

impl Hydrate for TeamId {
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        Self::parse(s).map_err(|_| HydrateError::unexpected("a team slug", s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v7_ids_are_time_ordered_and_round_trip_through_strings() {
        let a = DocId::new_v7(1_700_000_000_000, [1; 10]);
        let b = DocId::new_v7(1_700_000_000_001, [0; 10]);
        assert!(a < b);
        assert_eq!(DocId::parse(&a.to_string()), Ok(a));
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<DocId>(&json).unwrap(), a);
    }

    #[test]
    fn garbage_is_not_an_id() {
        assert_eq!(DocId::parse("not-a-uuid"), Err(InvalidId));
        assert!(serde_json::from_str::<DocId>("\"xyz\"").is_err());
    }

    #[test]
    fn team_slugs_are_strict() {
        assert!(TeamId::parse("bergamo-1").is_ok());
        assert!(TeamId::parse("Bergamo").is_err());
        assert!(TeamId::parse("").is_err());
        assert!(TeamId::parse("a b").is_err());
        assert!(TeamId::parse(&"x".repeat(41)).is_err());
    }
}
