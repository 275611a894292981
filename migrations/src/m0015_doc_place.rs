//! Step 15: `doc_place` — a document's place in one value: its position in the global
//! feed, its team feed entry and its recent states (what `feed_by_doc`,
//! `team_feed_by_doc` and `doc_history` held apart: three writes per commit become one).
//! The server moves what those trees hold into it once, when the store opens, then
//! drops them.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("doc_place")
}
