//! Step 1: the initial layout — the collections the first server release uses.

use crate::{MigrationError, MigrationStore};

/// Collections of the first layout; see `server/src/storage/sled_store.rs` for their keys.
/// Frozen: later steps add their own.
const COLLECTIONS: &[&str] = &[
    "docs",
    "doc_meta",
    "feed",
    "feed_by_doc",
    "records_contacts",
    "users",
    "users_by_name",
    "sessions",
];

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    for name in COLLECTIONS {
        store.ensure_collection(name)?;
    }
    Ok(())
}
