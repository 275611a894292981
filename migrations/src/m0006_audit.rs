//! Step 6: `audit` — the append-only, hash-chained record of who read or did what
//! (reads of other teams' records, sign-ins, revocations, administration acts). Keys are
//! entry numbers from 1; each value carries its hash, chained to the entry before it.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("audit")
}
