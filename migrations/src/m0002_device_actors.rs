//! Step 2: `device_actors` — which user each device's automerge actor belongs to, so the
//! server refuses changes authored under another device's actor.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("device_actors")
}
