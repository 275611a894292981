//! Step 8: `team_feed` and `team_feed_by_doc` — the change feed of each team in its own
//! numbering (team slug ‖ 0 ‖ position, u64 BE → document; document → position), so a
//! field device's feed positions count its team's writes only and say nothing of other
//! teams' activity. Stores from before are numbered once, in the global feed's order,
//! when the store opens.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("team_feed")?;
    store.ensure_collection("team_feed_by_doc")
}
