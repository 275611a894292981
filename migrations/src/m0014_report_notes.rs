//! Step 14: `report_notes` — the director's context observations for a period's report:
//! period key (`YYYY-Qn`) → JSON (`strada_shared::report::ReportNote`). Overwritten by
//! each save; the audit log records who wrote.

use crate::{MigrationError, MigrationStore};

pub fn apply(store: &mut dyn MigrationStore) -> Result<(), MigrationError> {
    store.ensure_collection("report_notes")
}
