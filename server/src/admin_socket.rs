//! The local administration socket: `strada-server user …` while the server runs.
//!
//! sled locks its data folder, so a second process cannot open the store while the
//! server holds it. The server therefore listens on a Unix socket in the data folder
//! (`admin.sock`, mode 0600: only the account that runs the server, or root, can
//! connect — the same people who could read the data folder), and the CLI sends it one
//! command per connection as a JSON line; the answer is one JSON line. The commands are
//! the central office's account acts (`auth::admin`), with the same guards, and they
//! end event streams like the workspace's, and the audit log's verification. Nothing
//! else is reachable through it. Every command is recorded in the audit log as the
//! operator's (no account).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use strada_shared::api::{AccountRecord, AccountSession};
use strada_shared::domain::Role;
use strada_shared::ids::{TeamId, UserId};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use crate::audit::{self, Act, Record};
use crate::auth::{self, AuthError, Password, admin};
use crate::notify::Notifier;
use crate::storage::Store;

/// The socket's name in the data folder.
pub const SOCKET: &str = "admin.sock";
/// Longest command line accepted.
const MAX_LINE: usize = 64 * 1024;

/// One administration command.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Command {
    List,
    Add {
        username: String,
        role: Role,
        team: String,
        /// Given with `--password-stdin`; generated otherwise.
        password: Option<String>,
    },
    Disable {
        username: String,
    },
    Enable {
        username: String,
    },
    ResetPassword {
        username: String,
    },
    Role {
        username: String,
        role: Role,
        team: String,
    },
    Unlock {
        username: String,
    },
    EndEverything {
        username: String,
    },
    Sessions {
        username: String,
    },
    RevokeDevices {
        username: String,
    },
    /// Recomputes the audit log's hash chain (`strada-server audit verify`).
    AuditVerify,
}

/// The answer to a command.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    Done { message: String },
    Password { username: String, password: String },
    Accounts { accounts: Vec<AccountRecord> },
    Sessions { sessions: Vec<AccountSession> },
    Audit { verified: audit::Verified },
    Error { message: String },
}

/// Nobody: the socket acts as the operator, never as one of the accounts.
fn operator() -> UserId {
    UserId::new_v7(0, [0; 10])
}

/// Runs a command on `store` (the server's, or one opened by the CLI when no server
/// runs); `notify` ends the event streams of the sessions it ended.
pub fn run(store: &dyn Store, notify: Option<&Notifier>, cmd: Command) -> Answer {
    let (act, username) = act_of(&cmd);
    let answer = match execute(store, notify, cmd) {
        Ok(a) => a,
        Err(e) => Answer::Error {
            message: e.to_string(),
        },
    };
    let record = Record::new(act);
    let record = match username.and_then(|n| store.user_by_name(&n).ok().flatten()) {
        Some(u) => record.user(u.id),
        None => record,
    };
    let record = match &answer {
        Answer::Error { .. } => record.refused("refused"),
        Answer::Accounts { accounts } => record.count(accounts.len()),
        _ => record,
    };
    audit::record_done(store, crate::now_ms(), record);
    answer
}

/// What a command is, for the audit log, and the account it concerns.
fn act_of(cmd: &Command) -> (Act, Option<String>) {
    let (act, name) = match cmd {
        Command::List => (Act::AccountsRead, None),
        Command::AuditVerify => (Act::AuditVerified, None),
        Command::Add { username, .. } => (Act::AccountCreated, Some(username)),
        Command::Disable { username } => (Act::AccountDisabled, Some(username)),
        Command::Enable { username } => (Act::AccountEnabled, Some(username)),
        Command::ResetPassword { username } => (Act::PasswordReset, Some(username)),
        Command::Role { username, .. } => (Act::RoleChanged, Some(username)),
        Command::Unlock { username } => (Act::AccountUnlocked, Some(username)),
        Command::EndEverything { username } => (Act::EverythingEnded, Some(username)),
        Command::Sessions { username } => (Act::AccountsRead, Some(username)),
        Command::RevokeDevices { username } => (Act::DevicesRevoked, Some(username)),
    };
    (act, name.cloned())
}

/// A team named on the command line: its slug, or the id an exchange file gave it (an
/// imported team `T1` whose slug is derived, `t1-…`).
fn team(store: &dyn Store, s: &str) -> Result<TeamId, AuthError> {
    if let Ok(slug) = TeamId::parse(s) {
        return Ok(slug);
    }
    store
        .exchange_entry(crate::storage::ExchangeKind::Team, s)?
        .and_then(|e| TeamId::parse(&e.internal).ok())
        .ok_or(AuthError::Refused(
            "a team is its slug (lowercase letters, digits or '-') or the id an imported file gave it",
        ))
}

fn execute(
    store: &dyn Store,
    notify: Option<&Notifier>,
    cmd: Command,
) -> Result<Answer, AuthError> {
    let now = crate::now_ms();
    let end = |sessions: Vec<[u8; 32]>| -> usize {
        if let Some(n) = notify {
            n.end_sessions(&sessions);
        }
        sessions.len()
    };
    let done = |message: String| Ok(Answer::Done { message });
    match cmd {
        Command::List => Ok(Answer::Accounts {
            accounts: admin::list(store, now)?,
        }),
        Command::Add {
            username,
            role,
            team: t,
            password,
        } => {
            let team = team(store, &t)?;
            match password {
                Some(p) => {
                    let u =
                        auth::create_user(store, &username, &Password::new(p), role, team, now)?;
                    store.flush()?;
                    done(format!("Created user {}.", u.username))
                }
                None => {
                    let (u, p) = admin::create(store, &username, role, team, now)?;
                    Ok(Answer::Password {
                        username: u.username,
                        password: p.expose().to_string(),
                    })
                }
            }
        }
        Command::Disable { username } => {
            let n = end(admin::disable(store, operator(), &username, now)?);
            done(format!("Disabled {username}; {n} session(s) ended."))
        }
        Command::Enable { username } => {
            admin::enable(store, &username)?;
            done(format!("Enabled {username}."))
        }
        Command::ResetPassword { username } => {
            let (p, sessions) = admin::reset_password(store, &username)?;
            end(sessions);
            Ok(Answer::Password {
                username,
                password: p.expose().to_string(),
            })
        }
        Command::Role {
            username,
            role,
            team: t,
        } => {
            let team = team(store, &t)?;
            let n = end(admin::set_role(
                store,
                operator(),
                &username,
                role,
                team.clone(),
            )?);
            done(format!(
                "{username} is now {} of team {team}; {n} session(s) ended.",
                role.as_str()
            ))
        }
        Command::Unlock { username } => {
            admin::unlock(store, &username)?;
            done(format!("Unlocked {username}."))
        }
        Command::EndEverything { username } => {
            let n = end(admin::end_everything(store, operator(), &username, now)?);
            done(format!(
                "Every device of {username} revoked and {n} session(s) ended."
            ))
        }
        Command::Sessions { username } => Ok(Answer::Sessions {
            sessions: admin::sessions(store, &username, now)?,
        }),
        Command::RevokeDevices { username } => {
            let r =
                auth::revoke_user_devices(store, &username, now)?.ok_or(AuthError::NoSuchUser)?;
            end(r.sessions);
            done(format!("Revoked {} device(s) of {username}.", r.devices))
        }
        Command::AuditVerify => Ok(Answer::Audit {
            verified: audit::verify(store)?,
        }),
    }
}

/// Listens on `<data_dir>/admin.sock` until the task is dropped. A stale socket file
/// from a previous run is replaced.
pub fn listen(
    data_dir: &Path,
    store: Arc<dyn Store>,
    notify: Arc<Notifier>,
) -> std::io::Result<tokio::task::JoinHandle<()>> {
    use std::os::unix::fs::PermissionsExt;
    let path = data_dir.join(SOCKET);
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    Ok(tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let (store, notify) = (store.clone(), notify.clone());
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut line = String::new();
                let mut reader =
                    BufReader::new(tokio::io::AsyncReadExt::take(read, MAX_LINE as u64));
                if reader.read_line(&mut line).await.is_err() {
                    return;
                }
                let answer = match serde_json::from_str::<Command>(&line) {
                    Ok(cmd) => {
                        tokio::task::spawn_blocking(move || run(store.as_ref(), Some(&notify), cmd))
                            .await
                            .unwrap_or(Answer::Error {
                                message: "the command failed".into(),
                            })
                    }
                    Err(_) => Answer::Error {
                        message: "not a command".into(),
                    },
                };
                let mut out = serde_json::to_vec(&answer).unwrap_or_default();
                out.push(b'\n');
                let _ = write.write_all(&out).await;
            });
        }
    }))
}

/// Sends a command to a running server, if one listens in `data_dir`. `None` when no
/// server answers there (the CLI then opens the store itself).
/// Whether a server answers on `data_dir`'s administration socket (it holds the store).
/// A socket file a stopped server left behind refuses connections: no.
pub fn server_runs(data_dir: &Path) -> bool {
    std::os::unix::net::UnixStream::connect(data_dir.join(SOCKET)).is_ok()
}

pub fn send(data_dir: &Path, cmd: &Command) -> Option<std::io::Result<Answer>> {
    use std::io::{BufRead, Write};
    let path: PathBuf = data_dir.join(SOCKET);
    let mut stream = std::os::unix::net::UnixStream::connect(&path).ok()?;
    let res = (|| {
        let mut line = serde_json::to_vec(cmd)?;
        line.push(b'\n');
        stream.write_all(&line)?;
        let mut answer = String::new();
        std::io::BufReader::new(stream).read_line(&mut answer)?;
        serde_json::from_str(&answer).map_err(std::io::Error::other)
    })();
    Some(res)
}
