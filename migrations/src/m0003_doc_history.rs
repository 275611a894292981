//! Step 3: `doc_history` — each document's recent states in their own collection, out of
//! its JSON metadata, so committing a change stays cheap. Histories kept in the metadata
//! before this step are dropped (serde ignores the old field): the only effect is that
//! the next pull of those documents sends a snapshot instead of the changes.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("doc_history")
}
