//! Configuration: defaults in code, overridden by flags or `STRADA_*` environment
//! variables, validated at start.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen; `STRADA_LISTEN`, default `127.0.0.1:8080`.
    pub listen: SocketAddr,
    /// The sled data folder; `STRADA_DATA_DIR`, default `./data`.
    pub data_dir: PathBuf,
    /// The built PWA (Trunk's `dist/`); `STRADA_DIST_DIR`, default `./dist`.
    pub dist_dir: Option<PathBuf>,
}

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "data";
pub const DEFAULT_DIST_DIR: &str = "dist";
