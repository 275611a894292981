//! Step 13: `records_cases` — the central records of case documents and job offers
//! (doc id → sealed JSON `CaseRecord` / `JobOfferRecord`). Stores older than this step
//! hold no such document, so there is nothing to project.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("records_cases")
}
