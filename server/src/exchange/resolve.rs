//! External ids → Strada ids.
//!
//! - A **team**'s external id that is a valid slug (`bergamo-1`) is its slug; any other
//!   (`Bassa 1`, `T-07`) gets one derived from it (`bassa-1-3f2a91c0`: readable part,
//!   then 8 hex digits of its SHA-256). Either way the pair is kept, with the team's
//!   name and area.
//! - A **record** (person, contact, referral, case, job offer) keeps the Strada id it got the first time.
//!   An id not seen before that is the Strada id of a stored record of the same type
//!   (what `export` writes for records never imported) names that record; one that is a
//!   free UUID becomes the new record's id (so an export imported into an empty store
//!   keeps its ids); any other gets a new UUIDv7.
//! - A **user name** (`author`) is the account of exactly that name if there is one
//!   (not another spelling of it), else an id derived from the name
//!   ([`super::derived_user`]); the name is kept as given.
//! - A **reference** names a record of the file, or a stored one by its external id (or
//!   its Strada id).
//! - A **job offer** names no team: a new one is the importer's team's (as an offer the
//!   importer records in the app), a stored one keeps its own.

use std::collections::HashSet;

use sha2::{Digest, Sha256};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::DocType;

use super::line::{FieldError, Kind};
use crate::storage::{DocMeta, ExchangeEntry, ExchangeKind, Store, StoreError};

/// Why a line cannot be resolved, or the store failed.
#[derive(Debug)]
pub enum Fail {
    Line(FieldError),
    Store(StoreError),
}

impl From<StoreError> for Fail {
    fn from(e: StoreError) -> Self {
        Fail::Store(e)
    }
}

impl From<FieldError> for Fail {
    fn from(e: FieldError) -> Self {
        Fail::Line(e)
    }
}

pub type Resolved<T> = Result<T, Fail>;

pub fn exchange_kind(kind: Kind) -> ExchangeKind {
    match kind {
        Kind::Team => ExchangeKind::Team,
        Kind::Person => ExchangeKind::Person,
        Kind::Contact => ExchangeKind::Contact,
        Kind::Referral => ExchangeKind::Referral,
        Kind::Case => ExchangeKind::Case,
        Kind::JobOffer => ExchangeKind::JobOffer,
    }
}

pub fn doc_type(kind: Kind) -> Option<DocType> {
    match kind {
        Kind::Team => None,
        Kind::Person => Some(DocType::Person),
        Kind::Contact => Some(DocType::Contact),
        Kind::Referral => Some(DocType::Referral),
        Kind::Case => Some(DocType::Case),
        Kind::JobOffer => Some(DocType::JobOffer),
    }
}

/// The Strada id a record of the file gets.
#[derive(Debug, Clone)]
pub struct Target {
    pub id: DocId,
    /// The stored document's metadata, when the line updates one.
    pub stored: Option<DocMeta>,
    /// Whether the store already keeps this external id for this id.
    pub mapped: bool,
    /// The digest of the line last imported for it (see [`ExchangeEntry::line`]).
    pub imported: Option<String>,
}

/// Resolves ids against the store, giving new records ids no other record has.
pub struct Resolver<'a> {
    store: &'a dyn Store,
    now_ms: i64,
    /// Ids given to new records of this import.
    assigned: HashSet<DocId>,
    /// Teams of accounts.
    account_teams: HashSet<TeamId>,
    /// Slugs given to teams of this import.
    slugs: HashSet<TeamId>,
}

impl<'a> Resolver<'a> {
    pub fn new(store: &'a dyn Store, now_ms: i64) -> Result<Resolver<'a>, StoreError> {
        Ok(Resolver {
            store,
            now_ms,
            assigned: HashSet::new(),
            account_teams: store.users()?.into_iter().map(|u| u.team).collect(),
            slugs: HashSet::new(),
        })
    }

    /// The slug of a team line, and what the store kept of it before.
    pub fn team(&mut self, external: &str) -> Result<(TeamId, Option<ExchangeEntry>), StoreError> {
        let kept = self.store.exchange_entry(ExchangeKind::Team, external)?;
        if let Some(slug) = kept.as_ref().and_then(|e| TeamId::parse(&e.internal).ok()) {
            self.slugs.insert(slug.clone());
            return Ok((slug, kept));
        }
        // The id itself, unless another external id has it already.
        if let Ok(slug) = TeamId::parse(external)
            && slug.as_str() == external
            && !self.slugs.contains(&slug)
            && self
                .store
                .exchange_external(ExchangeKind::Team, slug.as_str())?
                .is_none_or(|other| other == external)
        {
            self.slugs.insert(slug.clone());
            return Ok((slug, None));
        }
        let digest = hex::encode(Sha256::digest(external.as_bytes()));
        for hex_len in [8, 16, 32] {
            let slug = derived_slug(external, &digest[..hex_len]);
            if !self.slugs.contains(&slug)
                && self
                    .store
                    .exchange_external(ExchangeKind::Team, slug.as_str())?
                    .is_none()
            {
                self.slugs.insert(slug.clone());
                return Ok((slug, None));
            }
        }
        Err(StoreError::Corrupt(
            "no free team slug for an external id".into(),
        ))
    }

    /// The slug of a team a record names that is not in the file: one the store keeps
    /// an external id for, or a slug with accounts or documents.
    pub fn stored_team(&self, external: &str) -> Result<Option<TeamId>, StoreError> {
        if let Some(e) = self.store.exchange_entry(ExchangeKind::Team, external)? {
            return Ok(TeamId::parse(&e.internal).ok());
        }
        let Ok(slug) = TeamId::parse(external) else {
            return Ok(None);
        };
        let known = slug.as_str() == external
            && (self.account_teams.contains(&slug) || self.store.team_feed_head(&slug)? > 0);
        Ok(known.then_some(slug))
    }

    /// Whether the store knows the team `slug` by itself: accounts or documents of it.
    pub fn known_slug(&self, slug: &TeamId) -> Result<bool, StoreError> {
        Ok(self.account_teams.contains(slug) || self.store.team_feed_head(slug)? > 0)
    }

    /// The Strada id of a record line of `kind` (not a team).
    pub fn target(&mut self, kind: Kind, external: &str) -> Resolved<Target> {
        let doc_type = doc_type(kind).expect("a record kind");
        let unreadable = || {
            FieldError::new(
                "id",
                "the stored record cannot be read (it is set aside): import it again later",
            )
        };
        if let Some(e) = self.store.exchange_entry(exchange_kind(kind), external)? {
            let id = DocId::parse(&e.internal)
                .map_err(|_| StoreError::Corrupt("an exchange entry holds no id".into()))?;
            let stored = self.store.doc_meta(id)?;
            if stored.is_some() && self.store.doc(id)?.is_none() {
                return Err(unreadable().into());
            }
            self.assigned.insert(id);
            return Ok(Target {
                id,
                stored,
                mapped: true,
                imported: e.line,
            });
        }
        if let Ok(id) = DocId::parse(external)
            && !self.assigned.contains(&id)
        {
            match self.store.doc_meta(id)? {
                Some(meta) if meta.doc_type == doc_type => {
                    if self.store.doc(id)?.is_none() {
                        return Err(unreadable().into());
                    }
                    self.assigned.insert(id);
                    return Ok(Target {
                        id,
                        stored: Some(meta),
                        mapped: false,
                        imported: None,
                    });
                }
                None if self.store.quarantined(id)?.is_none() => {
                    self.assigned.insert(id);
                    return Ok(Target {
                        id,
                        stored: None,
                        mapped: false,
                        imported: None,
                    });
                }
                // Another type's id: the record gets a new one.
                _ => {}
            }
        }
        let id = loop {
            let id = DocId::new_v7(self.now_ms.max(0) as u64, rand::random());
            if !self.assigned.contains(&id) && self.store.doc_meta(id)?.is_none() {
                break id;
            }
        };
        self.assigned.insert(id);
        Ok(Target {
            id,
            stored: None,
            mapped: false,
            imported: None,
        })
    }

    /// A stored record of `kind` an id names (its external id, or its Strada id), with
    /// its metadata.
    pub fn stored_record(
        &self,
        kind: Kind,
        external: &str,
    ) -> Result<Option<(DocId, DocMeta)>, StoreError> {
        let doc_type = doc_type(kind).expect("a record kind");
        let id = match self.store.exchange_entry(exchange_kind(kind), external)? {
            Some(e) => DocId::parse(&e.internal).ok(),
            None => DocId::parse(external).ok(),
        };
        let Some(id) = id else {
            return Ok(None);
        };
        Ok(self
            .store
            .doc_meta(id)?
            .filter(|m| m.doc_type == doc_type)
            .map(|m| (id, m)))
    }

    /// The user an `author` name stands for: the account whose name it is exactly (the
    /// store finds accounts whatever the case and surrounding spaces: `Admin` is not
    /// the account `admin`), else the id derived from the name as given — so every
    /// spelling keeps its own id, and its name on export.
    pub fn user(&self, name: &str) -> Result<UserId, StoreError> {
        Ok(match self.store.user_by_name(name)? {
            Some(u) if u.username == name => u.id,
            _ => super::derived_user(name),
        })
    }
}

/// A slug from a team's external id: its letters and digits, lower case, joined by `-`
/// (at most 23 characters), then `-` and `hex`.
fn derived_slug(external: &str, hex: &str) -> TeamId {
    let mut base = String::new();
    for c in external.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            base.push(c);
        } else if !base.is_empty() && !base.ends_with('-') {
            base.push('-');
        }
        if base.len() >= 23 {
            break;
        }
    }
    let base = base.trim_end_matches('-');
    let slug = if base.is_empty() {
        format!("team-{hex}")
    } else {
        format!("{base}-{hex}")
    };
    TeamId::parse(&slug).expect("letters, digits and '-' only, at most 40")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::temp_store;

    #[test]
    fn team_ids_that_are_slugs_stay_and_others_get_a_derived_slug() {
        let (_dir, store) = temp_store("strada-resolve");
        let mut r = Resolver::new(&store, 1_760_000_000_000).unwrap();
        assert_eq!(r.team("bergamo-1").unwrap().0.as_str(), "bergamo-1");
        let (slug, kept) = r.team("Bassa Bergamasca / Nord").unwrap();
        assert!(kept.is_none());
        assert!(
            slug.as_str().starts_with("bassa-bergamasca-nord-"),
            "{slug}"
        );
        assert_eq!(slug.as_str().len(), "bassa-bergamasca-nord-".len() + 8);
        // The same id always gives the same slug; a slug of upper case is not a slug.
        let mut again = Resolver::new(&store, 1).unwrap();
        assert_eq!(again.team("Bassa Bergamasca / Nord").unwrap().0, slug);
        assert_ne!(again.team("Bergamo-1").unwrap().0.as_str(), "bergamo-1");
        assert!(r.team("€€€").unwrap().0.as_str().starts_with("team-"));
        let long = "x".repeat(300);
        assert!(TeamId::parse(r.team(&long).unwrap().0.as_str()).is_ok());
    }

    #[test]
    fn a_free_uuid_becomes_the_record_id_and_a_taken_one_does_not() {
        let (_dir, store) = temp_store("strada-resolve");
        let mut r = Resolver::new(&store, 1_760_000_000_000).unwrap();
        let uuid = DocId::new_v7(1_760_000_000_000, [3; 10]);
        let t = r.target(Kind::Person, &uuid.to_string()).unwrap();
        assert_eq!((t.id, t.stored.is_none()), (uuid, true));
        // The same UUID for a contact of this import: a new id.
        let t = r.target(Kind::Contact, &uuid.to_string()).unwrap();
        assert_ne!(t.id, uuid);
        let a = r.target(Kind::Person, "P-1").unwrap().id;
        let b = r.target(Kind::Person, "P-2").unwrap().id;
        assert_ne!(a, b);
        assert_eq!(r.stored_record(Kind::Person, "P-1").unwrap(), None);
    }
}
