//! Step 11: `reconcile` — what reconciliation remembers: pairs of person records a
//! reviewer judged *not the same person* (smaller id ‖ larger id → JSON: who, when), so
//! they are never proposed again.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("reconcile")
}
