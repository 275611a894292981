//! The PUA exchange format (`EXCHANGE.md` §1, JSON Lines): `import` reads a file into the
//! store, `export` writes every record of the PUA in the same format. Used by
//! `strada-server import`/`export` (server stopped) and `POST /api/exchange/import`,
//! `GET /api/exchange/export` (central office).
//!
//! # Layout
//! - [`line`]: one line → a typed record, with every rule the line alone decides
//!   (`line/fields.rs`: reading a field, reporting its path, never its value).
//! - [`resolve`]: external ids → Strada ids (teams, records, user names), references.
//! - [`build`]: a line (and the stored document it updates) → the typed document.
//! - [`import`]: the whole run: read (`import/file.rs`), resolve, build each record's
//!   document (`import/records.rs`), stage through the push path, commit.
//! - [`export`]: the store → lines.
//! - [`codes`]: the ISO 3166-1 alpha-2 and ISO 639-1 lists.
//!
//! # Invariants
//! - Imported records are real documents: written with `schema::create`/`update` under
//!   the import actor ([`crate::sync::import_actor`], no device's) and merged, checked and
//!   committed by the push path ([`crate::sync::Staging`]) — metadata, projection, links,
//!   team feed positions, erasure of a withdrawn person — so devices of the team pull
//!   them and the central records list them.
//! - All or nothing: a file with any invalid line stores nothing, and every invalid line
//!   is reported by number, field and reason, never by content.
//! - Idempotent: every external id is kept with its Strada id (the `exchange` collection);
//!   the same file again changes nothing (no document written, no feed position), a
//!   changed line is an ordinary change of its document.
//! - Fields the format cannot carry (a contact's alias, a place's accuracy, a country or
//!   language that is not an ISO code, who moved a referral, a case's first meeting,
//!   work plan and evidence, who wrote a review, a job offer's note) are kept from the
//!   stored document when a line updates it, so importing an export of the same store
//!   changes nothing.

pub mod build;
pub mod codes;
pub mod export;
pub mod import;
pub mod line;
pub mod resolve;

use sha2::{Digest, Sha256};
use strada_shared::domain::Role;
use strada_shared::ids::{TeamId, UserId};

use crate::auth::AuthUser;
use crate::directory::ServedDirectory;
use crate::storage::StoreError;
use crate::sync::PushError;

pub use export::export;
pub use import::{Imported, import};

/// Largest exchange file accepted (CLI and HTTP).
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// The most records (non-blank lines) a file holds: an import holds its documents in
/// memory until it commits them all in one store transaction (all or nothing). Measured
/// with 49,480 records (16,500 persons, 32,976 contacts, 12 MB): 0.75 GB at most for a
/// dry run, 3.0 GB for an import, most of it the commit (the attacker's third probe
/// took 4.4 GB with 148,000 persons before this bound).
pub const MAX_RECORDS: usize = 50_000;

/// The media type of an exchange file.
pub const MEDIA_TYPE: &str = "application/x-ndjson";

/// Who imports: the consent each person line records, the moves each referral line
/// adds, the cases and job offers it creates and the reviews it adds are theirs (the
/// format does not say who recorded them).
#[derive(Debug, Clone)]
pub enum Importer {
    /// A central office account, from the workspace.
    Account(AuthUser),
    /// The operator, from the command line (the server stopped): the fixed
    /// [`import_user`], and nobody's account in the audit log.
    Operator,
}

impl Importer {
    /// The user the import writes as, under the import actor.
    pub fn user(&self) -> AuthUser {
        let mut user = match self {
            Importer::Account(u) => u.clone(),
            Importer::Operator => AuthUser {
                id: import_user(),
                username: String::new(),
                role: Role::CentralOffice,
                team: TeamId::parse("pua").expect("a valid slug"),
                actor: None,
                session: [0; 32],
            },
        };
        user.actor = Some(crate::sync::import_actor().to_bytes().to_vec());
        user
    }

    /// The account the audit log names (`None`: the operator).
    pub fn account(&self) -> Option<&AuthUser> {
        match self {
            Importer::Account(u) => Some(u),
            Importer::Operator => None,
        }
    }
}

/// Why an import or an export could not run (the file's own faults are in the report).
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    #[error("the file is larger than {MAX_FILE_BYTES} bytes")]
    TooLarge,
    #[error(
        "the file holds more than {MAX_RECORDS} records: split it (an import changes nothing twice, and a line may name records already stored)"
    )]
    TooManyRecords,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Push(#[from] PushError),
}

/// The partner of a referral whose line names a directory service and no `partner`:
/// the organisation offering it, else the service id itself (cut to a partner's
/// length). An export writes `partner` only when it differs from this.
pub(crate) fn service_partner(directory: &ServedDirectory, service: &str) -> String {
    directory
        .organisation_of(service)
        .unwrap_or_else(|| service.to_string())
        .chars()
        .take(strada_shared::schema::referral::MAX_PARTNER_CHARS)
        .collect()
}

/// A stable id from a tag and a name: a name-based UUID (version 8), so the same user
/// name gets the same id in every store.
fn name_based(tag: &[u8], name: &str) -> UserId {
    let mut h = Sha256::new();
    h.update(tag);
    h.update([0]);
    h.update(name.as_bytes());
    let digest: [u8; 32] = h.finalize().into();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    UserId::from_bytes(bytes)
}

/// The id of an `author` who has no account: derived from the name as given.
pub fn derived_user(name: &str) -> UserId {
    name_based(b"strada-exchange-user", name)
}

/// The author of a new contact whose line names none: nobody's account and no name, so
/// the contact adds to no one's workload and is exported without `author` again.
pub fn unnamed_author() -> UserId {
    name_based(b"strada-exchange-unnamed-author", "")
}

/// The user a command-line import writes as (nobody's account).
pub fn import_user() -> UserId {
    name_based(b"strada-exchange-importer", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_per_name_and_apart_from_the_importer() {
        assert_eq!(derived_user("Giulia"), derived_user("Giulia"));
        assert_ne!(derived_user("Giulia"), derived_user("giulia"));
        assert_ne!(derived_user(""), import_user());
        // A version-8 UUID: never one of the v7 ids Strada gives accounts.
        assert_eq!(derived_user("Giulia").as_bytes()[6] >> 4, 8);
    }
}
