//! Step 7: `doc_links` — which documents refer to which (a contact to its person, a
//! referral to its contact and person), so a withdrawal of consent reaches every contact
//! and referral of the person on the server. Keys are the record referred to followed by
//! the document referring to it (16 + 16 bytes); values are empty. Documents stored
//! before this step are indexed once by the server at its next start.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("doc_links")
}
