//! Step 10: `exchange` — what the PUA exchange format (`strada-server import`/`export`)
//! keeps beside the documents: each imported record's external id and its Strada id, per
//! type, both ways; a team's name and area; the user names documents were imported with.
//! Keys and values are described in the server's `storage::sled_store`.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("exchange")
}
