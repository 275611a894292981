//! The built `strada-server` as a child process: what a crash test kills and a benchmark
//! measures from outside.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The server binary: `STRADA_SERVER_BIN`, else the workspace's debug build.
pub fn server_bin() -> PathBuf {
    if let Ok(p) = std::env::var("STRADA_SERVER_BIN") {
        return PathBuf::from(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf();
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), |t| root.join(t));
    target.join("debug").join("strada-server")
}

/// Creates a user with the CLI (`role`: `field_worker`, `central_office`...).
pub fn add_user(dir: &Path, name: &str, role: &str, team: &str, password: &str) {
    let mut add = Command::new(server_bin())
        .args([
            "user",
            "add",
            name,
            "--role",
            role,
            "--team",
            team,
            "--password-stdin",
        ])
        .env("STRADA_DATA_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("strada-server user add (build it first: cargo build -p strada-server)");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(format!("{password}\n").as_bytes())
        .expect("write the password");
    assert!(add.wait().expect("wait").success(), "user add {name}");
}

/// A running server; killed (SIGKILL) when dropped.
pub struct ServerProcess {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub url: String,
}

impl ServerProcess {
    /// Serves `dir` on a free loopback port (no PWA), with `env` on top of the defaults.
    ///
    /// With `STRADA_SERVER_CALLGRIND` set to a file, the server runs under valgrind's
    /// callgrind with counting off, for a benchmark to count the instructions of one
    /// phase (see [`Instructions`]); its profile goes to that file.
    pub fn start(dir: &Path, env: &[(&str, &str)]) -> ServerProcess {
        let mut cmd = match std::env::var_os("STRADA_SERVER_CALLGRIND") {
            Some(out) => {
                let mut c = Command::new("valgrind");
                let mut file = std::ffi::OsString::from("--callgrind-out-file=");
                file.push(out);
                c.args(["--tool=callgrind", "--instr-atstart=no"])
                    .arg(file)
                    .arg(server_bin());
                c
            }
            None => Command::new(server_bin()),
        };
        cmd.arg("serve")
            .env("STRADA_DATA_DIR", dir)
            .env("STRADA_LISTEN", "127.0.0.1:0")
            .env("STRADA_DIST_DIR", "/nonexistent")
            .env("STRADA_LOG", "error")
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .spawn()
            .expect("start strada-server (build it first: cargo build -p strada-server)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("read the server's first line");
        let addr = line
            .split("running at ")
            .nth(1)
            .expect("the store opened and the server listens")
            .trim()
            .trim_end_matches('/')
            .to_string();
        ServerProcess { child, url: addr }
    }

    /// Its process id (a benchmark reads its CPU time and memory from `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.url
            .trim_start_matches("http://")
            .parse()
            .expect("the server prints host:port")
    }

    /// Kills it at once (SIGKILL), as a power cut would, and waits for it.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reap");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The instructions a server started under callgrind (`STRADA_SERVER_CALLGRIND`, see
/// [`ServerProcess::start`]) executes between [`Instructions::start`] and
/// [`Instructions::stop`]: a count that, unlike CPU time on a shared machine, repeats
/// from run to run, so two builds compare by it.
pub struct Instructions {
    pid: u32,
    out: PathBuf,
}

impl Instructions {
    /// Counting starts now, for `server`; `None` when it does not run under callgrind.
    pub fn start(server: &ServerProcess) -> Option<Instructions> {
        let out = PathBuf::from(std::env::var_os("STRADA_SERVER_CALLGRIND")?);
        let me = Instructions {
            pid: server.pid(),
            out,
        };
        // A dump an earlier run left would be read as this one's.
        let _ = std::fs::remove_file(me.dump());
        me.control(&["-z"]);
        me.control(&["-i", "on"]);
        Some(me)
    }

    /// Counting stops; the instructions counted.
    pub fn stop(self) -> u64 {
        self.control(&["-i", "off"]);
        self.control(&["-d", "phase"]);
        let dump = self.dump();
        let text = std::fs::read_to_string(&dump)
            .unwrap_or_else(|e| panic!("read the callgrind dump {}: {e}", dump.display()));
        text.lines()
            .find_map(|l| l.strip_prefix("totals: "))
            .and_then(|v| v.trim().parse().ok())
            .expect("the dump has its totals")
    }

    /// The first dump, written beside the profile, numbered.
    fn dump(&self) -> PathBuf {
        let mut name = self.out.clone().into_os_string();
        name.push(".1");
        PathBuf::from(name)
    }

    fn control(&self, args: &[&str]) {
        let status = Command::new("callgrind_control")
            .args(args)
            .arg(self.pid.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run callgrind_control (a valgrind tool)");
        assert!(status.success(), "callgrind_control {args:?} failed");
    }
}
