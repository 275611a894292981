//! Numbered, forward-only migration steps for the server's store, applied at server start.
//!
//! The store records the last applied version; [`run`] applies every later step in order,
//! recording each version durably right after its step, so a second start applies nothing
//! twice and an interrupted start resumes at the step that did not finish. Steps must be
//! idempotent for that reason (re-running a step whose version was not yet recorded is
//! harmless).
//!
//! # Invariants
//! - Steps are never edited or removed once released; a fix is a new step.
//! - A store whose version is newer than the code is refused, never "downgraded".
//! - Steps talk to the store only through [`MigrationStore`], so a second backend runs
//!   the same steps.

mod m0001_initial_layout;
mod m0002_device_actors;
mod m0003_doc_history;
mod m0004_devices;
mod m0005_quarantine;
mod m0006_audit;
mod m0007_doc_links;
mod m0008_team_feed;
mod m0009_records;
mod m0010_exchange;
mod m0011_reconcile;
mod m0012_merges;
mod m0013_case_records;
mod m0014_report_notes;
mod m0015_doc_place;

/// The operations a migration step may use on a store.
pub trait MigrationStore {
    /// The last applied version; 0 for a new store.
    fn schema_version(&self) -> Result<u32, MigrationError>;
    /// Records `version` as applied, durably (flushed) before returning.
    fn set_schema_version(&mut self, version: u32) -> Result<(), MigrationError>;
    /// Creates a named collection (a sled tree) if it does not exist.
    fn ensure_collection(&mut self, name: &str) -> Result<(), MigrationError>;
    /// The names of the collections that exist.
    fn collections(&self) -> Result<Vec<String>, MigrationError>;
}

/// A failure while migrating. The server refuses to start on any of them.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error(
        "the data folder was written by a newer Strada (schema {found}, this build knows up to {known})"
    )]
    NewerThanCode { found: u32, known: u32 },
    #[error("migration step {version} ({name}) failed: {detail}")]
    Step {
        version: u32,
        name: &'static str,
        detail: String,
    },
    #[error("store error during migration: {0}")]
    Store(String),
}

/// One step.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub apply: fn(&mut dyn MigrationStore) -> Result<(), MigrationError>,
}

/// Every step, in order. Versions are 1, 2, 3... without gaps.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "initial_layout",
        apply: m0001_initial_layout::apply,
    },
    Migration {
        version: 2,
        name: "device_actors",
        apply: m0002_device_actors::apply,
    },
    Migration {
        version: 3,
        name: "doc_history",
        apply: m0003_doc_history::apply,
    },
    Migration {
        version: 4,
        name: "devices",
        apply: m0004_devices::apply,
    },
    Migration {
        version: 5,
        name: "quarantine",
        apply: m0005_quarantine::apply,
    },
    Migration {
        version: 6,
        name: "audit",
        apply: m0006_audit::apply,
    },
    Migration {
        version: 7,
        name: "doc_links",
        apply: m0007_doc_links::apply,
    },
    Migration {
        version: 8,
        name: "team_feed",
        apply: m0008_team_feed::apply,
    },
    Migration {
        version: 9,
        name: "records",
        apply: m0009_records::apply,
    },
    Migration {
        version: 10,
        name: "exchange",
        apply: m0010_exchange::apply,
    },
    Migration {
        version: 11,
        name: "reconcile",
        apply: m0011_reconcile::apply,
    },
    Migration {
        version: 12,
        name: "merges",
        apply: m0012_merges::apply,
    },
    Migration {
        version: 13,
        name: "case_records",
        apply: m0013_case_records::apply,
    },
    Migration {
        version: 14,
        name: "report_notes",
        apply: m0014_report_notes::apply,
    },
    Migration {
        version: 15,
        name: "doc_place",
        apply: m0015_doc_place::apply,
    },
];

/// The collections the current layout has (after every step, and after the server
/// moved what `feed_by_doc`, `team_feed_by_doc` and `doc_history` held into `doc_place`
/// and dropped them: see step 15).
pub const COLLECTIONS: &[&str] = &[
    "docs",
    "doc_meta",
    "feed",
    "records_contacts",
    "users",
    "users_by_name",
    "sessions",
    "device_actors",
    "devices",
    "quarantine",
    "audit",
    "doc_links",
    "team_feed",
    "records_persons",
    "records_referrals",
    "exchange",
    "reconcile",
    "merges",
    "records_cases",
    "report_notes",
    "doc_place",
];

/// The newest version this build knows.
pub fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Applies every step newer than the store's version, in order; returns the versions
/// applied (empty when the store was up to date).
pub fn run(store: &mut dyn MigrationStore) -> Result<Vec<u32>, MigrationError> {
    run_steps(store, MIGRATIONS)
}

fn run_steps(
    store: &mut dyn MigrationStore,
    steps: &[Migration],
) -> Result<Vec<u32>, MigrationError> {
    let current = store.schema_version()?;
    let known = steps.last().map_or(0, |m| m.version);
    if current > known {
        return Err(MigrationError::NewerThanCode {
            found: current,
            known,
        });
    }
    let mut applied = Vec::new();
    for step in steps.iter().filter(|m| m.version > current) {
        (step.apply)(store)?;
        store.set_schema_version(step.version)?;
        applied.push(step.version);
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[derive(Default)]
    struct MemStore {
        version: u32,
        collections: BTreeSet<String>,
    }

    impl MigrationStore for MemStore {
        fn schema_version(&self) -> Result<u32, MigrationError> {
            Ok(self.version)
        }
        fn set_schema_version(&mut self, version: u32) -> Result<(), MigrationError> {
            self.version = version;
            Ok(())
        }
        fn ensure_collection(&mut self, name: &str) -> Result<(), MigrationError> {
            self.collections.insert(name.to_string());
            Ok(())
        }
        fn collections(&self) -> Result<Vec<String>, MigrationError> {
            Ok(self.collections.iter().cloned().collect())
        }
    }

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "step {} is out of order", m.name);
        }
    }

    #[test]
    fn a_new_store_gets_every_step_and_a_second_run_applies_nothing() {
        let mut s = MemStore::default();
        assert_eq!(
            run(&mut s).unwrap(),
            (1..=latest_version()).collect::<Vec<_>>()
        );
        assert_eq!(s.version, latest_version());
        for c in COLLECTIONS {
            assert!(s.collections.contains(*c), "missing collection {c}");
        }
        assert!(run(&mut s).unwrap().is_empty());
    }

    static CALLS: AtomicU32 = AtomicU32::new(0);
    fn counting(_: &mut dyn MigrationStore) -> Result<(), MigrationError> {
        CALLS.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }

    #[test]
    fn each_step_runs_exactly_once_across_restarts() {
        let steps = [
            Migration {
                version: 1,
                name: "a",
                apply: counting,
            },
            Migration {
                version: 2,
                name: "b",
                apply: counting,
            },
        ];
        let mut s = MemStore::default();
        assert_eq!(run_steps(&mut s, &steps[..1]).unwrap(), vec![1]);
        assert_eq!(run_steps(&mut s, &steps).unwrap(), vec![2]);
        assert_eq!(run_steps(&mut s, &steps).unwrap(), Vec::<u32>::new());
        assert_eq!(CALLS.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_store_newer_than_the_code_is_refused() {
        let mut s = MemStore {
            version: latest_version() + 1,
            ..Default::default()
        };
        assert!(matches!(
            run(&mut s),
            Err(MigrationError::NewerThanCode { .. })
        ));
    }
}
