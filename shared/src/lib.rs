//! Strada's shared core: domain types, the automerge document schema, the sync and API
//! messages, and input validation.
//!
//! # Layout
//! - [`ids`]: identifier newtypes (UUIDv7) with `parse`.
//! - [`directory`]: the services directory (HSDS-like) and its offline ranking.
//! - [`domain`]: roles, first-need categories, places, validated user input.
//! - [`schema`]: the typed documents and the only functions that read or write automerge.
//! - [`sync`]: push/pull messages exchanged between a device and the server.
//! - [`api`]: sign-in, error and record messages of the REST API.
//! - [`central`]: the central workspace's records, pages and lists.
//! - [`reconcile`]: the reasons shown with a candidate pair of duplicate persons.
//! - [`report`]: the periodic report's figures (`EXCHANGE.md` §2).
//! - [`sort`]: stable sorting through one compiled sort (smaller WASM).
//!
//! # Invariants
//! - No IO: no files, no network, no clock, no randomness. Callers pass time and random
//!   bytes in, so the crate compiles and behaves the same on wasm32 and native.
//! - Code outside this crate never touches automerge keys directly; it goes through the
//!   typed structs in [`schema`], so the document layout lives in one place.

pub mod api;
pub mod central;
pub mod countries;
pub mod directory;
pub mod domain;
pub mod ids;
pub mod import_reasons;
pub mod jobs;
pub mod reconcile;
pub mod report;
pub mod schema;
pub mod search;
pub mod sort;
pub mod sync;
pub mod text;
pub mod vocab;
