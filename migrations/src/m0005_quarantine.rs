//! Step 5: `quarantine` — stored documents that no longer load, set aside by id with when
//! and why (and their bytes, for an operator to inspect), so one bad document never
//! fails a pull or a push for the others and is not retried at every request.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("quarantine")
}
