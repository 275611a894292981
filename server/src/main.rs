//! The `strada-server` binary: `serve` (default), `init`, `demo`, `user …` (accounts:
//! add, list, disable, enable, reset-password, role, unlock, end-everything, sessions),
//! `device revoke` and `audit verify` — the last three while the server runs too —, and
//! `import`/`export` of the PUA exchange format (the server stopped).

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use strada_server::admin_socket::{self, Answer, Command as Admin};
use strada_server::auth::{self, Password};
use strada_server::config::{self, Config};
use strada_server::storage::{SledStore, Store};
use strada_shared::domain::Role;
use strada_shared::ids::TeamId;

/// mimalloc instead of the system allocator: merging automerge documents allocates
/// many small, short-lived objects, and glibc's allocator spent a quarter of the push
/// path's CPU on them (measured with perf, `cargo xtask bench sync`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "strada-server",
    version,
    about = "Strada sync server and central records"
)]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "STRADA_LISTEN", default_value = config::DEFAULT_LISTEN, global = true)]
    listen: SocketAddr,
    /// Data folder (an embedded sled store; created if missing).
    #[arg(long, env = "STRADA_DATA_DIR", default_value = config::DEFAULT_DATA_DIR, global = true)]
    data_dir: PathBuf,
    /// Folder with the built PWA to serve.
    #[arg(long, env = "STRADA_DIST_DIR", default_value = config::DEFAULT_DIST_DIR, global = true)]
    dist_dir: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the PWA (the default).
    Serve,
    /// On an empty data folder, create the first accounts and print their one-time
    /// passwords: `admin` (central office) and `operatore` (field worker, team `demo`).
    Init,
    /// On a fresh data folder, create a synthetic year of outreach (teams, workers,
    /// persons, contacts, referrals) and print the accounts' one-time passwords.
    Demo {
        /// Seed of the generator: the same seed gives the same data from one noon (UTC)
        /// to the next, or on the same `--today`.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many contacts (about 400 persons per 3,000 contacts).
        #[arg(long, default_value_t = 3000)]
        contacts: usize,
        /// The last day of the demo year (YYYY-MM-DD; default: the last noon UTC that
        /// has passed): fixes the data for a reproducible run.
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
    /// Manage accounts (while the server runs too: through its administration socket).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage devices (while the server runs too).
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// The audit log (while the server runs too).
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import a PUA exchange file (JSON Lines: teams, persons, contacts, referrals,
    /// cases, job offers) with the server stopped. All or nothing: every invalid line is reported (number,
    /// field, reason) and nothing is stored; the same file twice changes nothing.
    Import {
        /// The exchange file.
        file: PathBuf,
        /// Check the file and report what it would do, storing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write every record in the PUA exchange format (JSON Lines), with the server
    /// stopped.
    Export {
        /// Write to this file (created readable by its owner only) instead of standard
        /// output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the audit log's hash chain from its first entry; print the number of
    /// entries and the head hash (write it down elsewhere), or the first broken entry
    /// (and exit with an error).
    Verify,
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Revoke every device of a user: at its next request each wipes its Strada data.
    Revoke { username: String },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. Prints a generated password unless --password-stdin is given.
    Add {
        username: String,
        /// field_worker, central_office, social_expert, labour_expert, director or
        /// auditor.
        #[arg(long)]
        role: String,
        /// Team slug, e.g. bergamo-1, or the id an imported exchange file gave the team.
        #[arg(long)]
        team: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List every account with its state, sessions and devices.
    List,
    /// Disable an account: no sign-in; its sessions end now.
    Disable { username: String },
    /// Enable a disabled account.
    Enable { username: String },
    /// Give an account a new one-time password (printed once); its sessions end.
    ResetPassword { username: String },
    /// Change an account's role and team; its sessions end.
    Role {
        username: String,
        #[arg(long)]
        role: String,
        /// Team slug, or the id an imported exchange file gave the team.
        #[arg(long)]
        team: String,
    },
    /// Lift the lock that wrong passwords put on an account and its devices.
    Unlock { username: String },
    /// A compromised account: end every session and revoke every device.
    EndEverything { username: String },
    /// List an account's open sessions.
    Sessions { username: String },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("STRADA_LOG")
                .unwrap_or_else(|_| "info,sled=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let config = Config {
                listen: cli.listen,
                data_dir: cli.data_dir,
                dist_dir: Some(cli.dist_dir),
            };
            tokio::runtime::Builder::new_multi_thread()
                // Merges and flushes run on blocking threads; a few are enough (merging is
                // serialised) and each thread's allocator arena costs memory.
                .max_blocking_threads(8)
                .enable_all()
                .build()?
                .block_on(strada_server::serve(config))
        }
        Command::Init => init(&cli.data_dir),
        Command::Device {
            command: DeviceCommand::Revoke { username },
        } => administer(&cli.data_dir, Admin::RevokeDevices { username }),
        Command::Audit {
            command: AuditCommand::Verify,
        } => administer(&cli.data_dir, Admin::AuditVerify),
        Command::Demo {
            seed,
            contacts,
            today,
        } => demo(&cli.data_dir, seed, contacts, today),
        Command::Import { file, dry_run } => import(&cli.data_dir, &file, dry_run),
        Command::Export { out } => export(&cli.data_dir, out.as_deref()),
        Command::User { command } => {
            let role = |r: &str| {
                Role::parse(r).context(
                    "role must be field_worker, central_office, social_expert, labour_expert, director or auditor",
                )
            };
            let cmd = match command {
                UserCommand::Add {
                    username,
                    role: r,
                    team,
                    password_stdin,
                } => {
                    let password = if password_stdin {
                        let mut s = String::new();
                        std::io::stdin().read_to_string(&mut s)?;
                        Some(s.trim_end_matches(['\r', '\n']).to_string())
                    } else {
                        None
                    };
                    Admin::Add {
                        username,
                        role: role(&r)?,
                        team,
                        password,
                    }
                }
                UserCommand::List => Admin::List,
                UserCommand::Disable { username } => Admin::Disable { username },
                UserCommand::Enable { username } => Admin::Enable { username },
                UserCommand::ResetPassword { username } => Admin::ResetPassword { username },
                UserCommand::Role {
                    username,
                    role: r,
                    team,
                } => Admin::Role {
                    username,
                    role: role(&r)?,
                    team,
                },
                UserCommand::Unlock { username } => Admin::Unlock { username },
                UserCommand::EndEverything { username } => Admin::EndEverything { username },
                UserCommand::Sessions { username } => Admin::Sessions { username },
            };
            administer(&cli.data_dir, cmd)
        }
    }
}

/// Runs an administration command: through the running server's socket when it runs
/// (sled locks the data folder), else on the store directly.
fn administer(data_dir: &std::path::Path, cmd: Admin) -> anyhow::Result<()> {
    let answer = match admin_socket::send(data_dir, &cmd) {
        Some(answer) => answer.context("the running server did not answer")?,
        None => {
            let (store, _) = SledStore::open(data_dir)?;
            admin_socket::run(&store, None, cmd)
        }
    };
    match answer {
        Answer::Done { message } => println!("{message}"),
        Answer::Password { username, password } => {
            println!("Password for {username}: {password}");
            println!("It is shown only once.");
        }
        Answer::Accounts { accounts } => {
            for a in accounts {
                let state = match (&a.disabled_at, &a.locked_until) {
                    (Some(at), _) => format!("disabled {at}"),
                    (None, Some(until)) => format!("locked until {until}"),
                    (None, None) => "active".into(),
                };
                println!(
                    "{:<20} {:<15} {:<22} {:<36} sessions {:<3} devices {}",
                    a.username,
                    a.role.as_str(),
                    a.team,
                    state,
                    a.sessions,
                    a.devices
                );
            }
        }
        Answer::Sessions { sessions } => {
            if sessions.is_empty() {
                println!("No open session.");
            }
            for s in sessions {
                println!(
                    "since {}  last used {}  until {}  device {}",
                    s.created_at,
                    s.last_used,
                    s.expires_at,
                    s.device.as_deref().unwrap_or("-")
                );
            }
        }
        Answer::Audit { verified } => match verified.broken {
            None => println!(
                "The audit log holds: {} entries, head {}.",
                verified.entries, verified.head
            ),
            Some(b) => anyhow::bail!(
                "the audit log is broken at entry {}: {} ({} entries hold before it, head {})",
                b.seq,
                b.why,
                verified.entries,
                verified.head
            ),
        },
        Answer::Error { message } => anyhow::bail!("{message}"),
    }
    Ok(())
}

fn init(data_dir: &std::path::Path) -> anyhow::Result<()> {
    let (store, _) = SledStore::open(data_dir)?;
    if store.user_count()? > 0 {
        println!(
            "Users already exist in {}: nothing to do.",
            data_dir.display()
        );
        return Ok(());
    }
    let now = strada_server::now_ms();
    let accounts = [
        ("admin", Role::CentralOffice, "pua"),
        ("operatore", Role::FieldWorker, "demo"),
    ];
    println!("First run: created these accounts. Their passwords are shown only once:");
    for (name, role, team) in accounts {
        let password = Password::generate();
        auth::create_user(&store, name, &password, role, TeamId::parse(team)?, now)?;
        println!(
            "  {name:<10} {:<15} team {team:<5} password: {}",
            role.as_str(),
            password.expose()
        );
    }
    store.flush()?;
    Ok(())
}

/// When the demo year ends: noon UTC of `today`, else the last noon UTC before `now_ms`,
/// so that the data never lie in the future and do not change with the hour.
fn demo_year_end(today: Option<chrono::NaiveDate>, now_ms: i64) -> anyhow::Result<i64> {
    const DAY_MS: i64 = 86_400_000;
    Ok(match today {
        Some(d) => d
            .and_hms_opt(12, 0, 0)
            .context("valid time")?
            .and_utc()
            .timestamp_millis(),
        None => {
            let noon = now_ms.div_euclid(DAY_MS) * DAY_MS + DAY_MS / 2;
            if noon > now_ms { noon - DAY_MS } else { noon }
        }
    })
}

fn demo(
    data_dir: &std::path::Path,
    seed: u64,
    contacts: usize,
    today: Option<chrono::NaiveDate>,
) -> anyhow::Result<()> {
    use strada_server::demo;
    if !(1..=200_000).contains(&contacts) {
        anyhow::bail!("--contacts must be between 1 and 200000");
    }
    let now_ms = demo_year_end(today, strada_server::now_ms())?;
    let (store, _) = SledStore::open(data_dir)?;
    if demo::holds_demo(&store)? {
        println!(
            "{} already holds the demo: nothing to do (its passwords were shown when it was written).",
            data_dir.display()
        );
        return Ok(());
    }
    let directory = strada_server::directory::ServedDirectory::load(data_dir)?;
    let directory = strada_shared::directory::Directory::from_json(&directory.json)
        .map_err(|e| anyhow::anyhow!("the services directory is not valid: {e}"))?;
    println!(
        "Writing the demo into {} (seed {seed}, {contacts} contacts)...",
        data_dir.display()
    );
    let s = demo::run(
        &store,
        &demo::Options {
            seed,
            contacts,
            now_ms,
        },
        &directory,
    )?;
    drop(store);
    let folder_bytes = folder_size(data_dir);
    println!(
        "Demo written in {:.1} s: {} teams, {} persons, {} contacts, {} referrals, {} cases, \
         {} job offers, {} records to review ({} document versions in {} pushes; documents \
         {:.1} MB, data folder {:.1} MB).",
        s.elapsed_ms as f64 / 1000.0,
        s.teams,
        s.persons,
        s.contacts,
        s.referrals,
        s.cases,
        s.job_offers,
        s.conflicts,
        s.versions,
        s.pushes,
        s.doc_bytes as f64 / 1e6,
        folder_bytes as f64 / 1e6,
    );
    for (team, docs) in &s.per_team {
        println!("  team {team:<22} {docs} documents");
    }
    println!("Accounts (passwords are shown only once):");
    for a in &s.accounts {
        println!(
            "  {:<18} {:<15} team {:<22} password: {}",
            a.username,
            a.role.as_str(),
            a.team,
            a.password.expose()
        );
    }
    Ok(())
}

/// Opens the store for `import`/`export`, which run with the server stopped (sled locks
/// the data folder; a running server answers on its administration socket).
fn open_stopped(data_dir: &std::path::Path) -> anyhow::Result<SledStore> {
    if admin_socket::server_runs(data_dir) {
        anyhow::bail!(
            "cannot open the data folder {} (is another server using it?): the server is \
             running — stop it first, or use the central workspace's import and export",
            data_dir.display()
        );
    }
    Ok(SledStore::open(data_dir)?.0)
}

fn import(data_dir: &std::path::Path, file: &std::path::Path, dry_run: bool) -> anyhow::Result<()> {
    use strada_server::exchange::{self, Importer, MAX_FILE_BYTES};
    let size = std::fs::metadata(file)
        .with_context(|| format!("cannot read {}", file.display()))?
        .len();
    if size > MAX_FILE_BYTES as u64 {
        anyhow::bail!("{} is larger than {MAX_FILE_BYTES} bytes", file.display());
    }
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let store = open_stopped(data_dir)?;
    let directory = strada_server::directory::ServedDirectory::load(data_dir)?;
    let writer = strada_server::sync::Writer::default();
    let imported = exchange::import(
        &store,
        &writer,
        &Importer::Operator,
        &directory,
        &bytes,
        dry_run,
        strada_server::now_ms(),
    )?;
    let report = imported.report;
    if !report.ok {
        for e in &report.errors {
            match e.field.as_str() {
                "" => println!("line {}: {}", e.line, e.reason),
                field => println!("line {}: {field}: {}", e.line, e.reason),
            }
        }
        anyhow::bail!(
            "{} invalid line(s): nothing was stored",
            report.errors.len()
        );
    }
    println!(
        "{}",
        if dry_run {
            "Checked (dry run, nothing stored): the file is valid and would give"
        } else {
            "Imported:"
        }
    );
    for kind in ["team", "person", "contact", "referral", "case", "job_offer"] {
        let n = |m: &std::collections::BTreeMap<String, u64>| m.get(kind).copied().unwrap_or(0);
        println!(
            "  {kind:<9} created {:>6}  updated {:>6}  unchanged {:>6}",
            n(&report.created),
            n(&report.updated),
            n(&report.unchanged)
        );
    }
    if report.withdrawals > 0 {
        println!(
            "  {} person(s) withdraw consent: their identifying data is erased for good",
            report.withdrawals
        );
    }
    if !report.notices.is_empty() {
        println!("Taken without part of what they give:");
        for e in &report.notices {
            println!("  line {}: {}: {}", e.line, e.field, e.reason);
        }
    }
    Ok(())
}

fn export(data_dir: &std::path::Path, out: Option<&std::path::Path>) -> anyhow::Result<()> {
    use std::io::Write;
    let target = out.map(|path| export_target(data_dir, path)).transpose()?;
    let store = open_stopped(data_dir)?;
    let directory = strada_server::directory::ServedDirectory::load(data_dir)?;
    let exported =
        strada_server::exchange::export(&store, &directory, None, strada_server::now_ms())?;
    match (out, target) {
        (Some(path), Some((folder, name))) => {
            use std::os::unix::fs::OpenOptionsExt;
            // Written beside it and renamed when whole: a file already there is replaced
            // only by a whole export, readable by its owner only (it holds personal data).
            let partial = folder.join(format!(
                ".{}.{}.partial",
                name.to_string_lossy(),
                std::process::id()
            ));
            let written = (|| -> anyhow::Result<()> {
                let mut f = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&partial)?;
                f.write_all(&exported.bytes)?;
                f.sync_all()?;
                std::fs::rename(&partial, folder.join(&name))?;
                std::fs::File::open(&folder)?.sync_all()?;
                Ok(())
            })();
            if let Err(e) = written {
                let _ = std::fs::remove_file(&partial);
                return Err(e.context(format!("cannot write {}", path.display())));
            }
        }
        _ => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&exported.bytes)?;
            stdout.flush()?;
        }
    }
    let counts: Vec<String> = exported
        .counts
        .iter()
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect();
    eprintln!("Exported: {}.", counts.join(", "));
    Ok(())
}

/// Where `export --out PATH` may write: its folder (which must exist) and the file's
/// name. Refused before the store is opened: a path in the data folder (an attacker's
/// probe wrote the export over the store's `conf` and its document keys, and an
/// unsealed copy of every record does not belong there), a folder, a symbolic link.
fn export_target(
    data_dir: &std::path::Path,
    path: &std::path::Path,
) -> anyhow::Result<(PathBuf, std::ffi::OsString)> {
    let name = path
        .file_name()
        .filter(|n| *n != "." && *n != "..")
        .with_context(|| format!("--out {}: not a file name", path.display()))?
        .to_os_string();
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    let folder = parent
        .canonicalize()
        .with_context(|| format!("--out {}: its folder does not exist", path.display()))?;
    if let Ok(data) = data_dir.canonicalize()
        && folder.starts_with(&data)
    {
        anyhow::bail!(
            "--out {}: inside the data folder, which holds the store's own files; choose a \
             path outside {}",
            path.display(),
            data.display()
        );
    }
    if let Ok(meta) = std::fs::symlink_metadata(folder.join(&name)) {
        if meta.file_type().is_symlink() {
            anyhow::bail!("--out {}: a symbolic link; name a file", path.display());
        }
        if !meta.is_file() {
            anyhow::bail!("--out {}: not a file", path.display());
        }
    }
    Ok((folder, name))
}

/// Bytes of the files under `dir` (best effort).
fn folder_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => folder_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::demo_year_end;

    fn at(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn the_demo_year_ends_at_the_last_noon_utc_not_at_the_hour_it_is_written() {
        let noon = at("2026-12-04T12:00:00Z");
        for now in [
            "2026-12-04T12:00:00Z",
            "2026-12-04T16:00:00Z",
            "2026-12-05T11:59:59Z",
        ] {
            assert_eq!(demo_year_end(None, at(now)).unwrap(), noon, "{now}");
        }
        assert_eq!(
            demo_year_end(None, at("2026-12-04T05:00:00Z")).unwrap(),
            at("2026-12-03T12:00:00Z")
        );
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 4);
        assert_eq!(
            demo_year_end(today, at("2027-01-01T00:00:00Z")).unwrap(),
            noon
        );
    }
}
