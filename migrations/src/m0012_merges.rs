//! Step 12: `merges` — the central office's merges of person records: merge id → JSON
//! (who, when, why, what was chosen, the survivor's heads before and after, and who undid
//! it). Never deleted: an unmerge is written into the same entry.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("merges")
}
