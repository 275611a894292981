//! Step 4: `devices` — each signed-in device (by its automerge actor): who, when it
//! signed in, when it was last seen, and whether the central office revoked it. Sessions
//! opened before this step have no device record: they keep working, and their device
//! appears in the list at its next sign-in.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("devices")
}
