//! A test kit for the workspace's suites (never in a release build): what the
//! convergence, crash and sync tests and the benchmarks share.
//!
//! # Layout
//! - [`temp`]: a temporary folder removed on drop.
//! - [`server`]: the built `strada-server` as a child process over a data folder (start,
//!   SIGKILL, restart), and its CLI (`user add`).
//! - [`device`]: a simulated device — documents in memory, the real HTTP API (answers in
//!   brotli or gzip, page by page or through the pull stream) — that syncs through the
//!   same loop as the app (`strada_shared::sync::run`) and counts its round trips and its own work.
//! - [`data`]: synthetic documents; [`rng`]: the deterministic generator they use.

pub mod data;
pub mod device;
pub mod rng;
pub mod server;
pub mod temp;
