//! Trunk's post-build hook, run in Trunk's staging folder: writes the service worker's
//! precache list (all but the central bundle, cached when first fetched) and version, and `.br`/`.gz` copies of text assets for the server.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// The central bundle's files begin with this (see `app/index.html`).
const CENTRAL_BUNDLE: &str = "strada-central";

/// The field bundle's document engine (see `app/src/engine`): precached, a phone needs it
/// offline from its first unlock on.
const ENGINE_BUNDLE: &str = "/strada-engine";

const COMPRESS: &[&str] = &["wasm", "js", "css", "html", "webmanifest", "svg"];

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            files(&p, out)?;
        } else {
            out.push(p);
        }
    }
    Ok(())
}

pub fn run() -> Result<()> {
    let staging = PathBuf::from(
        std::env::var("TRUNK_STAGING_DIR").context("run by Trunk as a post_build hook")?,
    );
    let mut all = Vec::new();
    files(&staging, &mut all)?;
    all.sort();
    let mut precache = Vec::new();
    let mut on_demand = Vec::new();
    let mut hasher = Sha256::new();
    for p in &all {
        let rel = p
            .strip_prefix(&staging)?
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "sw.js" || rel.ends_with(".br") || rel.ends_with(".gz") {
            continue;
        }
        hasher.update(rel.as_bytes());
        hasher.update(std::fs::read(p)?);
        // The central bundle is fetched at `#/centrale` only, then kept: a phone never
        // downloads it.
        if rel.starts_with(CENTRAL_BUNDLE) {
            on_demand.push(format!("/{rel}"));
        } else {
            precache.push(format!("/{rel}"));
        }
    }
    anyhow::ensure!(
        precache
            .iter()
            .filter(|p| p.starts_with(ENGINE_BUNDLE))
            .count()
            == 2,
        "the engine bundle ({ENGINE_BUNDLE}.js and _bg.wasm) is missing from the build"
    );
    anyhow::ensure!(
        on_demand.len() == 2,
        "the central bundle ({CENTRAL_BUNDLE}.js and _bg.wasm) is missing from the build"
    );
    let version = hex::encode(&hasher.finalize()[..8]);
    let sw_path = staging.join("sw.js");
    let sw = std::fs::read_to_string(&sw_path).context("sw.js missing from the build")?;
    let list = |paths: &[String]| {
        format!(
            "[{}]",
            paths
                .iter()
                .map(|p| format!("{p:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let sw = sw
        .replace("'__STRADA_VERSION__'", &format!("'{version}'"))
        .replace("__STRADA_PRECACHE__", &list(&precache))
        .replace("__STRADA_ON_DEMAND__", &list(&on_demand));
    std::fs::write(&sw_path, sw)?;

    let mut all = Vec::new();
    files(&staging, &mut all)?;
    for p in all {
        let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !COMPRESS.contains(&ext) {
            continue;
        }
        let data = std::fs::read(&p)?;
        let mut br = Vec::new();
        {
            let mut w = brotli::CompressorWriter::new(&mut br, 4096, 11, 22);
            w.write_all(&data)?;
        }
        std::fs::write(format!("{}.br", p.display()), br)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&data)?;
        std::fs::write(format!("{}.gz", p.display()), gz.finish()?)?;
    }
    eprintln!(
        "xtask: service worker {version} precaches {} files",
        precache.len()
    );
    Ok(())
}
