//! Step 9: `records_persons` and `records_referrals` — the central records of persons and
//! referrals (doc id → sealed JSON), beside `records_contacts`, for the central workspace.
//! The server projects every stored document again at start when its records are from an
//! older layout (`projection_version` in the default tree), so stores from before get
//! their new records then.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("records_persons")?;
    store.ensure_collection("records_referrals")
}
