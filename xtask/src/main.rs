//! Developer commands, so the project needs no shell scripts:
//!
//! - `cargo xtask run`   — prepare what is missing, build the PWA and the server, start it
//!   (`--demo`: on a fresh data folder, fill it with the synthetic demo first).
//! - `cargo xtask demo`  — build the server and fill the data folder `run` uses with the demo.
//! - `cargo xtask screenshots` — regenerate `docs/screenshots/` from a demo data folder.
//! - `cargo xtask test`  — prepare what is missing, then every check and test, browser included.
//! - `cargo xtask setup` — only prepare the tools (wasm target, Trunk, wasm-bindgen, npm, Chromium).
//! - `cargo xtask dist`  — build the PWA into `dist/`.
//! - `cargo xtask post-build` — Trunk's hook: service-worker precache list, .br/.gz copies.
//! - `cargo xtask bench sync [--instructions]` — the sync benchmark; writes
//!   `target/bench/sync.json`. With `--instructions`, the server runs under valgrind's
//!   callgrind and the push phase's instructions per change (a figure that repeats) go
//!   to `target/bench/sync-instructions.json` (needs valgrind: `apt-get install
//!   valgrind`).
//! - `cargo xtask bench central` — the central workspace with 100,000 persons and
//!   1,000,000 contacts; writes `target/bench/central.json`.
//! - `cargo xtask bench report` — the report's figures over a year of 1,000,000 contacts;
//!   writes `target/bench/report.json`.
//! - `cargo xtask bench device [--cpu-throttle N] [--only phone|cases]` — in Chromium,
//!   the field app on a phone with 10,000 documents, then a case worker's laptop holding
//!   2,000 cases and their persons (kept offline, opened online and with the network
//!   cut; the `cases_` figures); writes `target/bench/device.json` (`device-cpu<N>x.json`
//!   with the CPU slowed N times, as on a low-end phone; `--only` runs one of the two and
//!   adds `-phone` or `-cases` to the name).
//! - `cargo xtask bench reconcile` — candidate duplicate persons among 100,000 synthetic
//!   ones: precision, recall, seconds; writes `target/bench/reconcile.json`.
//!
//! Every tool comes from a package registry (crates.io, npm, Debian); nothing is
//! downloaded from anywhere else, and what is already installed is skipped.

mod postbuild;
mod setup;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = root();
    std::env::set_current_dir(&root)?;
    match args.first().map(String::as_str) {
        Some("run") => match args.get(1).map(String::as_str) {
            None => run(&root, false),
            Some("--demo") => run(&root, true),
            Some(other) => bail!("unknown option {other} (cargo xtask run [--demo])"),
        },
        Some("demo") => demo(&root, &args[1..]),
        Some("screenshots") => screenshots(&root),
        Some("test") => test(&root),
        Some("setup") => setup::tools(&root, setup::Need::Browser),
        Some("dist") => {
            setup::tools(&root, setup::Need::Build)?;
            dist(&root)
        }
        Some("post-build") => postbuild::run(),
        Some("bench") if args.get(1).map(String::as_str) == Some("sync") => {
            match args.get(2).map(String::as_str) {
                None => bench_sync(&root, false),
                Some("--instructions") => bench_sync(&root, true),
                Some(other) => {
                    bail!("unknown option {other}: cargo xtask bench sync [--instructions]")
                }
            }
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("central") => bench_central(&root),
        Some("bench") if args.get(1).map(String::as_str) == Some("report") => bench_report(&root),
        Some("bench") if args.get(1).map(String::as_str) == Some("reconcile") => {
            bench_reconcile(&root)
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("device") => {
            let usage = "cargo xtask bench device [--cpu-throttle N] [--only phone|cases]";
            let mut throttle = 1;
            let mut only = None;
            let mut rest = args[2..].iter().map(String::as_str);
            while let Some(option) = rest.next() {
                match option {
                    "--cpu-throttle" => {
                        throttle = rest
                            .next()
                            .and_then(|n| n.parse::<u32>().ok())
                            .filter(|n| (1..=20).contains(n))
                            .context("--cpu-throttle takes a rate from 1 to 20")?
                    }
                    "--only" => {
                        only = Some(
                            rest.next()
                                .filter(|p| ["phone", "cases"].contains(p))
                                .context("--only takes phone or cases")?,
                        )
                    }
                    other => bail!("unknown option {other} ({usage})"),
                }
            }
            bench_device(&root, throttle, only)
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <run [--demo]|demo [--seed N] [--contacts N]|screenshots|test|setup|dist|post-build|bench sync [--instructions]|bench central|bench report|bench device [--cpu-throttle N] [--only phone|cases]|bench reconcile>"
            );
            std::process::exit(2);
        }
    }
}

/// The workspace root (the parent of this crate).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// The cargo target folder (honours `CARGO_TARGET_DIR`).
pub fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) => root.join(d),
        None => root.join("target"),
    }
}

/// Runs a command, failing with its name when it fails.
pub fn sh(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    eprintln!("xtask: {shown}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Builds the PWA with Trunk (offline, pinned tools on PATH).
fn dist(root: &Path) -> Result<()> {
    sh(Command::new("trunk")
        .arg("build")
        .env("PATH", setup::tool_path(root)))?;
    let mut wasm: Vec<_> = std::fs::read_dir(root.join("dist"))?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with("_bg.wasm"))
        .collect();
    anyhow::ensure!(!wasm.is_empty(), "trunk produced no .wasm");
    // The field bundle (`strada-app-<hash>`) first, then the central one.
    wasm.sort_by_key(|e| e.file_name());
    for w in &wasm {
        let raw = w.metadata()?.len();
        let br = std::fs::metadata(format!("{}.br", w.path().display()))
            .map(|m| m.len())
            .unwrap_or(0);
        let name = w.file_name().to_string_lossy().into_owned();
        println!("xtask: PWA built in dist/: {name} {raw} bytes raw, {br} bytes brotli");
    }
    Ok(())
}

/// The data folder `run` serves: `STRADA_DATA_DIR`, else `./data`.
fn data_dir(root: &Path) -> String {
    std::env::var("STRADA_DATA_DIR").unwrap_or_else(|_| root.join("data").display().to_string())
}

fn run(root: &Path, with_demo: bool) -> Result<()> {
    setup::tools(root, setup::Need::Build)?;
    dist(root)?;
    sh(cargo().args(["build", "--release", "--package", "strada-server"]))?;
    let server = target_dir(root).join("release").join("strada-server");
    let data = data_dir(root);
    let dist = root.join("dist");
    // The demo creates init's accounts too; on a folder that already holds it, it does
    // nothing, and on real data it refuses (never mixed).
    sh(Command::new(&server)
        .arg(if with_demo { "demo" } else { "init" })
        .env("STRADA_DATA_DIR", &data))?;
    let listen = std::env::var("STRADA_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".into());
    println!();
    println!("Open http://{listen}/ and sign in with one of the accounts above (first run only).");
    println!("Data folder: {data}. Stop the server with Ctrl-C.");
    println!();
    sh(Command::new(&server)
        .arg("serve")
        .env("STRADA_DATA_DIR", &data)
        .env("STRADA_DIST_DIR", &dist))
}

/// Fills the data folder `run` uses with the demo (extra arguments go to
/// `strada-server demo`: `--seed N`, `--contacts N`, `--today YYYY-MM-DD`).
fn demo(root: &Path, extra: &[String]) -> Result<()> {
    sh(cargo().args(["build", "--release", "--package", "strada-server"]))?;
    let server = target_dir(root).join("release").join("strada-server");
    let data = data_dir(root);
    sh(Command::new(&server)
        .arg("demo")
        .args(extra)
        .env("STRADA_DATA_DIR", &data))?;
    println!();
    println!("Start it with `cargo xtask run` and sign in with one of the accounts above.");
    Ok(())
}

/// Regenerates the README's screenshots (`docs/screenshots/*.png`) from a demo data folder
/// in a temporary folder, with Debian's Chromium.
fn screenshots(root: &Path) -> Result<()> {
    setup::tools(root, setup::Need::Browser)?;
    // Fonts for the aliases in Gurmukhi and Bengali script (Chromium draws boxes without).
    if !Path::new("/usr/share/fonts/truetype/lohit-punjabi/Lohit-Gurmukhi.ttf").exists()
        || !Path::new("/usr/share/fonts/truetype/lohit-bengali/Lohit-Bengali.ttf").exists()
    {
        setup::apt_install(&["fonts-lohit-guru", "fonts-lohit-beng-bengali"])?;
    }
    dist(root)?;
    sh(cargo().args(["build", "--release", "--package", "strada-server"]))?;
    sh(Command::new("node")
        .arg("tests/e2e/screenshots.mjs")
        .env(
            "STRADA_SERVER_BIN",
            target_dir(root).join("release").join("strada-server"),
        )
        .env("STRADA_DIST_DIR", root.join("dist"))
        .env("CHROMIUM", setup::CHROMIUM)
        .env(
            "STRADA_SCREENSHOTS_DIR",
            root.join("docs").join("screenshots"),
        ))
}

fn test(root: &Path) -> Result<()> {
    let started = std::time::Instant::now();
    setup::tools(root, setup::Need::Browser)?;
    sh(cargo().args(["fmt", "--all", "--", "--check"]))?;
    sh(cargo().args(["clippy", "--all-targets", "--", "-D", "warnings"]))?;
    sh(cargo().args([
        "clippy",
        "--package",
        "strada-app",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    sh(cargo().args(["test"]))?;
    // The app is not a default member (it targets wasm32), but its pure parts (record
    // encryption) have native unit tests.
    sh(cargo().args(["test", "--package", "strada-app"]))?;
    dist(root)?;
    sh(cargo().args(["build", "--package", "strada-server"]))?;
    let server = target_dir(root).join("debug").join("strada-server");
    // Each test has 10 minutes (the longest takes about one), and the run ends once its
    // tests did: a test that hangs, or leaves a process behind, fails instead of holding
    // CI until its time runs out.
    sh(Command::new("node")
        .args([
            "--test",
            "--test-concurrency=1",
            "--test-timeout=600000",
            "--test-force-exit",
            "tests/e2e/",
        ])
        .env("STRADA_SERVER_BIN", &server)
        .env("STRADA_DIST_DIR", root.join("dist"))
        .env("CHROMIUM", setup::CHROMIUM)
        .env(
            "STRADA_LIGHTHOUSE_OUT",
            target_dir(root).join("bench").join("lighthouse.json"),
        ))?;
    println!(
        "xtask: all checks and tests passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The sync benchmark against a release server, figures to `target/bench/sync.json`;
/// with `instructions`, under callgrind, to `target/bench/sync-instructions.json`.
fn bench_sync(root: &Path, instructions: bool) -> Result<()> {
    sh(cargo().args(["build", "--release", "--package", "strada-server"]))?;
    let bench = target_dir(root).join("bench");
    let mut cmd = cargo();
    cmd.args(["bench", "--package", "strada-tests", "--bench", "sync"])
        .env(
            "STRADA_SERVER_BIN",
            target_dir(root).join("release").join("strada-server"),
        );
    if instructions {
        let found = Command::new("valgrind")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            bail!("--instructions needs valgrind (apt-get install valgrind)");
        }
        std::fs::create_dir_all(&bench)?;
        // The profile and its dumps of an earlier run.
        for entry in std::fs::read_dir(&bench)? {
            let path = entry?.path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("callgrind.sync."))
            {
                std::fs::remove_file(path)?;
            }
        }
        cmd.env("STRADA_SERVER_CALLGRIND", bench.join("callgrind.sync.out"))
            .env("STRADA_BENCH_OUT", bench.join("sync-instructions.json"));
    } else {
        cmd.env("STRADA_BENCH_OUT", bench.join("sync.json"));
    }
    sh(&mut cmd)
}

/// The central workspace at scale (100,000 persons, 1,000,000 contacts) against a
/// release server, figures to `target/bench/central.json`.
fn bench_central(root: &Path) -> Result<()> {
    sh(cargo().args(["build", "--release", "--package", "strada-server"]))?;
    let out = target_dir(root).join("bench").join("central.json");
    sh(cargo()
        .args(["bench", "--package", "strada-tests", "--bench", "central"])
        .env(
            "STRADA_SERVER_BIN",
            target_dir(root).join("release").join("strada-server"),
        )
        .env("STRADA_BENCH_OUT", &out))
}

/// The report benchmark: the central benchmark's store with its 1,000,000 contacts in one
/// year, the report's summary, dashboard and anonymous export timed over HTTP; figures to
/// `target/bench/report.json`.
fn bench_report(root: &Path) -> Result<()> {
    sh(cargo().args(["build", "--release", "--package", "strada-server"]))?;
    let out = target_dir(root).join("bench").join("report.json");
    sh(cargo()
        .args(["bench", "--package", "strada-tests", "--bench", "central"])
        .env(
            "STRADA_SERVER_BIN",
            target_dir(root).join("release").join("strada-server"),
        )
        .env("STRADA_BENCH_KIND", "report")
        .env("STRADA_BENCH_OUT", &out))
}

/// The reconciliation benchmark (pure, no server), figures to
/// `target/bench/reconcile.json`.
fn bench_reconcile(root: &Path) -> Result<()> {
    let out = target_dir(root).join("bench").join("reconcile.json");
    sh(cargo()
        .args(["bench", "--package", "strada-tests", "--bench", "reconcile"])
        .env("STRADA_BENCH_OUT", &out))
}

/// The device benchmark: a release server filled with a phone's 10,000 documents and a
/// laptop's 2,000 cases with their persons, the built PWA in Chromium (phone, then laptop
/// viewport); figures to `target/bench/device.json`, or with the CPU slowed `throttle`
/// times (a low-end phone) to `target/bench/device-cpu<N>x.json`. `only` runs one of the
/// two phases (`phone`, `cases`) and names the file after it (`device-cases.json`).
fn bench_device(root: &Path, throttle: u32, only: Option<&str>) -> Result<()> {
    setup::tools(root, setup::Need::Browser)?;
    dist(root)?;
    sh(cargo().args(["build", "--release", "--package", "strada-server"]))?;
    let mut name = "device".to_string();
    if throttle > 1 {
        name.push_str(&format!("-cpu{throttle}x"));
    }
    if let Some(phase) = only {
        name.push_str(&format!("-{phase}"));
    }
    let out = target_dir(root).join("bench").join(format!("{name}.json"));
    sh(cargo()
        .args(["bench", "--package", "strada-tests", "--bench", "device"])
        .env("STRADA_BENCH_CPU_THROTTLE", throttle.to_string())
        .env("STRADA_BENCH_PHASES", only.unwrap_or("phone,cases"))
        .env(
            "STRADA_SERVER_BIN",
            target_dir(root).join("release").join("strada-server"),
        )
        .env("STRADA_DIST_DIR", root.join("dist"))
        .env("CHROMIUM", setup::CHROMIUM)
        .env("STRADA_BENCH_OUT", &out))
}
