//! Installs what a fresh machine lacks, skipping what is there. Versions are pinned and
//! every tool comes from a package registry.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::sh;

pub const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Need {
    /// Enough to build the PWA.
    Build,
    /// Also a browser and the browser-test packages.
    Browser,
}

fn output(cmd: &mut Command) -> Option<String> {
    cmd.output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// PATH with the project's npm tools (wasm-opt) and cargo's bin folder first.
pub fn tool_path(root: &Path) -> String {
    let mut parts = vec![root.join("app/node_modules/.bin").display().to_string()];
    if let Some(home) = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")))
    {
        parts.push(home.join("bin").display().to_string());
    }
    parts.push(std::env::var("PATH").unwrap_or_default());
    parts.join(":")
}

/// The wasm-bindgen version Cargo.lock pins (the CLI must match it exactly).
fn locked_wasm_bindgen(root: &Path) -> Result<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).context("Cargo.lock is missing")?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    bail!("Cargo.lock does not pin wasm-bindgen")
}

pub fn apt_install(packages: &[&str]) -> Result<()> {
    let root_user = output(Command::new("id").arg("-u")).as_deref() == Some("0");
    let (prog, pre): (&str, &[&str]) = if root_user {
        ("apt-get", &[])
    } else {
        ("sudo", &["apt-get"])
    };
    sh(Command::new(prog).args(pre).arg("update"))?;
    sh(Command::new(prog)
        .args(pre)
        .args(["install", "-y", "--no-install-recommends"])
        .args(packages))
}

pub fn tools(root: &Path, need: Need) -> Result<()> {
    let path = tool_path(root);
    // 1. The WASM target.
    let targets =
        output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !targets.lines().any(|t| t == "wasm32-unknown-unknown") {
        sh(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    // 2. Trunk. Installs are forced: they run only when the binary is missing or another
    // version, and Cargo skips a package its records say is installed even when the
    // binary was deleted (wasm-bindgen-cli's other binaries remaining, measured here).
    let trunk =
        output(Command::new("trunk").arg("--version").env("PATH", &path)).unwrap_or_default();
    if trunk != format!("trunk {TRUNK_VERSION}") {
        sh(Command::new("cargo").args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
            "--force",
        ]))?;
    }
    // 3. wasm-bindgen-cli matching Cargo.lock (without --locked: see ../shared/TOOLCHAIN.md).
    let wanted = locked_wasm_bindgen(root)?;
    let have = output(
        Command::new("wasm-bindgen")
            .arg("--version")
            .env("PATH", &path),
    )
    .unwrap_or_default();
    if have != format!("wasm-bindgen {wanted}") {
        sh(Command::new("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &format!("={wanted}"),
            "--force",
        ]))?;
    }
    // 4. Node.js for the npm tools.
    if output(Command::new("npm").arg("--version")).is_none() {
        apt_install(&["nodejs", "npm"])?;
    }
    // 5. wasm-opt from npm binaryen (Debian's breaks the WASM).
    if !root.join("app/node_modules/.bin/wasm-opt").exists() {
        sh(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(root.join("app")))?;
    }
    // 6. The rustfmt/clippy components the test command uses.
    if need == Need::Browser {
        let comps = output(Command::new("rustup").args(["component", "list", "--installed"]))
            .unwrap_or_default();
        for c in ["rustfmt", "clippy"] {
            if !comps.lines().any(|l| l.starts_with(c)) {
                sh(Command::new("rustup").args(["component", "add", c]))?;
            }
        }
        // 7. Chromium from Debian, and the browser-test packages from npm.
        if !Path::new(CHROMIUM).exists() {
            apt_install(&["chromium"])?;
        }
        let e2e = root.join("tests/e2e/node_modules");
        if [
            "playwright-core",
            "axe-core",
            "lighthouse",
            "chrome-launcher",
            "pdfjs-dist",
        ]
        .iter()
        .any(|p| !e2e.join(p).exists())
        {
            sh(Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(root.join("tests/e2e")))?;
        }
    }
    Ok(())
}
