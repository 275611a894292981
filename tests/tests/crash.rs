//! Crash safety: the server runs as a child process under load from several devices and
//! is killed with SIGKILL at random moments. After each restart the store opens cleanly,
//! and every change any device saw acknowledged is there; at the end the projections
//! equal a cold rebuild.
//!
//! CI runs a few kills; `STRADA_CRASH_ROUNDS=50 cargo test -p strada-tests --test crash`
//! runs a longer one. The random seed is printed (`STRADA_CRASH_SEED` replays it).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::{ActorId, ChangeHash};
use reqwest::Client;
use serde_json::{Value, json};
use strada_server::storage::{SledStore, Store};
use strada_shared::domain::{NeedCategory, PersonRef};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::{self, ContactDoc, DocType};
use strada_shared::sync::device::DeviceDoc;
use strada_shared::sync::{PushOutcome, PushRequest, PushResponse};

fn server_bin() -> PathBuf {
    if let Ok(p) = std::env::var("STRADA_SERVER_BIN") {
        return PathBuf::from(p);
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace")
        .to_path_buf();
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or(root.join("target"), |t| root.join(t));
    target.join("debug").join("strada-server")
}

fn start(dir: &PathBuf) -> (Child, String) {
    let mut child = Command::new(server_bin())
        .arg("serve")
        .env("STRADA_DATA_DIR", dir)
        .env("STRADA_LISTEN", "127.0.0.1:0")
        .env("STRADA_DIST_DIR", "/nonexistent")
        .env("STRADA_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start strada-server (build it first: cargo build -p strada-server)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read");
    let addr = line
        .split("running at ")
        .nth(1)
        .expect("the store opened and the server listens")
        .trim();
    (child, addr.trim_end_matches('/').to_string())
}

/// A tiny deterministic generator for the kill moments.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// What a device saw acknowledged: the document and the heads it sent.
type Acked = Arc<Mutex<Vec<(DocId, Vec<ChangeHash>)>>>;

async fn device_load(base: String, n: u8, acked: Acked) {
    let client = Client::new();
    let actor = ActorId::random();
    let Ok(res) = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({"username": "marta", "password": "password-marta-1", "device_actor": actor.to_hex_string()}))
        .send()
        .await
    else {
        return;
    };
    let Ok(body) = res.json::<Value>().await else {
        return;
    };
    let token = body["token"].as_str().unwrap_or_default().to_string();
    let user = UserId::parse(body["user"]["id"].as_str().unwrap_or_default()).expect("user");
    let mut docs: Vec<DeviceDoc> = Vec::new();
    for i in 0u64.. {
        // Alternate: a new contact, then an edit of an earlier one.
        if i % 2 == 0 || docs.is_empty() {
            let c = ContactDoc {
                id: DocId::new_v7(1_760_000_000_000 + i, [n; 10]),
                occurred_at: 1_760_000_000_000,
                place: None,
                person: PersonRef::Alias(format!("crash {n}-{i}")),
                needs: vec![NeedCategory::Shelter],
                note: String::new(),
                author: user,
                team: TeamId::parse("bergamo-1").expect("team"),
                consent: strada_shared::vocab::ConsentStatus::Given,
                ..ContactDoc::blank()
            };
            docs.push(DeviceDoc::new(
                c.id,
                DocType::Contact,
                schema::create(actor.clone(), &c).expect("create"),
            ));
        } else {
            let k = (i as usize / 2) % docs.len();
            let d = &mut docs[k];
            let mut c: ContactDoc = schema::read(&d.doc).expect("read");
            c.note = format!("edit {i}");
            schema::update(&mut d.doc, &c).expect("update");
        }
        let mut entries = Vec::new();
        let mut sent = Vec::new();
        for d in docs.iter_mut() {
            if !d.is_pending() {
                continue;
            }
            let (e, s) = d.push_entry();
            entries.push(e);
            sent.push(s);
        }
        let res = client
            .post(format!("{base}/api/sync/push"))
            .bearer_auth(&token)
            .json(&PushRequest { docs: entries })
            .send()
            .await;
        let Ok(res) = res else { return };
        let Ok(answer) = res.json::<PushResponse>().await else {
            return;
        };
        for (s, r) in sent.iter().zip(&answer.results) {
            if matches!(r.outcome, PushOutcome::Accepted { .. }) {
                acked
                    .lock()
                    .expect("lock")
                    .push((s.id, s.sent_heads.clone()));
            }
            if let Some(d) = docs.iter_mut().find(|d| d.id == s.id) {
                d.on_push_outcome(s, &r.outcome);
            }
        }
    }
}

#[test]
fn every_acknowledged_change_survives_sigkill() {
    let rounds: usize = std::env::var("STRADA_CRASH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let seed: u64 = std::env::var("STRADA_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("time")
                .as_nanos() as u64
        });
    eprintln!("crash test: {rounds} rounds, seed {seed}");
    let mut rng = Lcg(seed);
    let dir = std::env::temp_dir().join(format!("strada-crash-{}", uuid::Uuid::now_v7()));
    let mut add = Command::new(server_bin())
        .args([
            "user",
            "add",
            "marta",
            "--role",
            "field_worker",
            "--team",
            "bergamo-1",
            "--password-stdin",
        ])
        .env("STRADA_DATA_DIR", &dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("user add");
    std::io::Write::write_all(&mut add.stdin.take().expect("stdin"), b"password-marta-1\n")
        .expect("write");
    assert!(add.wait().expect("wait").success());

    let acked: Acked = Arc::default();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    for round in 0..rounds {
        let (mut child, base) = start(&dir);
        let tasks: Vec<_> = (0..3u8)
            .map(|n| {
                rt.spawn(device_load(
                    base.clone(),
                    n + 3 * round as u8,
                    acked.clone(),
                ))
            })
            .collect();
        let wait = Duration::from_millis(150 + rng.next() % 600);
        std::thread::sleep(wait);
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        for t in tasks {
            let _ = rt.block_on(t);
        }
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(
        !acked.is_empty(),
        "the devices got some acknowledgements before the kills"
    );

    // The store opens cleanly, applies no migration again, and holds every acked change.
    let (store, applied) = SledStore::open(&dir).expect("the store opens after SIGKILL");
    assert!(applied.is_empty());
    for (id, heads) in &acked {
        let stored = store
            .doc(*id)
            .expect("read")
            .unwrap_or_else(|| panic!("acked document {id} is missing"));
        let mut doc = automerge::AutoCommit::load(&stored.bytes).expect("stored document loads");
        for h in heads {
            assert!(
                doc.get_change_by_hash(h).is_some(),
                "an acknowledged change of {id} is missing"
            );
        }
    }
    let mut rebuilt = strada_server::sync::rebuild_contact_records(&store).expect("rebuild");
    rebuilt.sort_by_key(|r| r.id);
    let mut live = store.contact_records().expect("records");
    live.sort_by_key(|r| r.id);
    assert_eq!(rebuilt, live);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("crash test: {} acknowledged pushes checked", acked.len());
}
