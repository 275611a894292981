//! Crash safety: the server runs as a child process under load from several devices and
//! is killed with SIGKILL at random moments. After each restart the store opens cleanly,
//! and every change any device saw acknowledged is there; at the end the projections
//! equal a cold rebuild.
//!
//! CI runs a few kills; `STRADA_CRASH_ROUNDS=50 cargo test -p strada-tests --test crash`
//! runs a longer one. The random seed is printed (`STRADA_CRASH_SEED` replays it).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use automerge::{ActorId, ChangeHash};
use strada_server::storage::{SledStore, Store};
use strada_shared::ids::{DocId, TeamId};
use strada_shared::schema::ContactDoc;
use strada_testkit::data;
use strada_testkit::device::Device;
use strada_testkit::server::{ServerProcess, add_user};
use strada_testkit::temp::TempDir;

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

/// A device that logs and edits contacts and syncs through the app's loop as fast as it
/// can, until the server dies under it; what it saw acknowledged goes to `acked`.
async fn device_load(base: String, n: u8, acked: Acked) {
    let Ok(mut device) =
        Device::sign_in(&base, "marta", "password-marta-1", ActorId::random()).await
    else {
        return;
    };
    let team = TeamId::parse("bergamo-1").expect("team");
    let mut ids: Vec<DocId> = Vec::new();
    for i in 0u64.. {
        // Alternate: a new contact, then an edit of an earlier one.
        if i % 2 == 0 || ids.is_empty() {
            let id = DocId::new_v7(1_760_000_000_000 + i, [n; 10]);
            device.create(&data::contact(
                id,
                device.user,
                &team,
                &format!("crash {n}-{i}"),
            ));
            ids.push(id);
        } else {
            let id = ids[(i as usize / 2) % ids.len()];
            device.edit(id, |c: &mut ContactDoc| c.note = format!("edit {i}"));
        }
        let result = device.sync().await;
        acked
            .lock()
            .expect("lock")
            .extend(std::mem::take(&mut device.acked));
        if result.is_err() {
            return;
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
    let temp = TempDir::new("strada-crash");
    let dir = temp.path();
    add_user(
        dir,
        "marta",
        "field_worker",
        "bergamo-1",
        "password-marta-1",
    );

    let acked: Acked = Arc::default();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    for round in 0..rounds {
        // Devices push as fast as they can: no budget of new records (nor of new devices, three
        // a round) in the way.
        let server = ServerProcess::start(
            dir,
            &[
                ("STRADA_MAX_NEW_RECORDS_PER_DAY", "1000000"),
                ("STRADA_MAX_NEW_DEVICES_PER_DAY", "1000000"),
            ],
        );
        let tasks: Vec<_> = (0..3u8)
            .map(|n| {
                rt.spawn(device_load(
                    server.url.clone(),
                    n + 3 * round as u8,
                    acked.clone(),
                ))
            })
            .collect();
        let wait = Duration::from_millis(150 + rng.next() % 600);
        std::thread::sleep(wait);
        server.kill();
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
    let (store, applied) = SledStore::open(dir).expect("the store opens after SIGKILL");
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
    eprintln!("crash test: {} acknowledged pushes checked", acked.len());
}
