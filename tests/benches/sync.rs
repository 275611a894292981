//! `cargo xtask bench sync`: the sync engine's figures, measured on this machine over real
//! HTTP on loopback against a `strada-server` child process, beside a baseline doing the
//! same work with plain per-document automerge sync (one sync state per document).
//!
//! The devices are the test kit's (`strada_testkit::device`): they sync through the
//! app's own loop (`strada_shared::sync::run`) in the app's wire version, accept answers
//! in brotli or gzip (as a browser does over HTTPS) and, for a first sync, read the pull
//! stream as the app does.
//!
//! Bytes are counted on the wire (HTTP headers included) by a counting TCP proxy between
//! the simulated device and the server. Link times are computed for a slow 3G link:
//! 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, plus the time the sync took here
//! on loopback (the device's work and the server's).
//! Writes `$STRADA_BENCH_OUT` (default `target/bench/sync.json`) and prints the figures.
//!
//! `cargo xtask bench sync --instructions` runs the server under valgrind's callgrind
//! and adds the instructions it executed per pushed change (to
//! `target/bench/sync-instructions.json`): CPU seconds on a shared machine vary by a
//! quarter from run to run of one build, instruction counts hardly at all.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use automerge::sync::SyncDoc;
use automerge::{ActorId, AutoCommit};
use reqwest::Client;
use serde_json::Value;
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::{self, ContactDoc};
use strada_shared::sync::{PushOutcome, PushRequest, encode_as};
use strada_testkit::data::numbered_contact;
use strada_testkit::device::{Device, PullVia};
use strada_testkit::server::{Instructions, ServerProcess, add_user};
use strada_testkit::temp::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const DOWN_BPS: f64 = 1_600_000.0 / 8.0;
const UP_BPS: f64 = 750_000.0 / 8.0;
const RTT_S: f64 = 0.150;

fn link_seconds(up: u64, down: u64, round_trips: u64, local: Duration) -> f64 {
    up as f64 / UP_BPS + down as f64 / DOWN_BPS + round_trips as f64 * RTT_S + local.as_secs_f64()
}

// ------------------------------------------------------------------ the server ----

/// A release server over a temporary data folder with the benchmark's two users.
fn start_server(dir: &TempDir) -> ServerProcess {
    assert!(
        std::env::var_os("STRADA_SERVER_BIN").is_some(),
        "STRADA_SERVER_BIN names the release server: run through `cargo xtask bench sync`"
    );
    for name in ["marta", "ahmed"] {
        add_user(
            dir.path(),
            name,
            "field_worker",
            "bergamo-1",
            &password(name),
        );
    }
    ServerProcess::start(
        dir.path(),
        &[
            ("STRADA_LOG", "warn"),
            // One user stands for the 2,000 devices whose event streams are held below.
            ("STRADA_MAX_STREAMS_PER_USER", "2000"),
            // One device logs the benchmark's 10,000 records at once.
            ("STRADA_MAX_NEW_RECORDS_PER_DAY", "1000000"),
        ],
    )
}

fn password(name: &str) -> String {
    format!("password-{name}")
}

async fn sign_in(base: &str, name: &str) -> Device {
    Device::sign_in(base, name, &password(name), ActorId::random())
        .await
        .expect("sign in")
}

/// CPU time (user + system) a process has used, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may contain spaces) start after ") ".
    let rest = stat.rsplit_once(") ").map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0.0)
        + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    ticks / 100.0
}

fn rss_kb(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

// ------------------------------------------------------------- the counting proxy ----

#[derive(Default)]
struct Meter {
    up: AtomicU64,
    down: AtomicU64,
}

impl Meter {
    fn take(&self) -> (u64, u64) {
        (
            self.up.swap(0, Ordering::SeqCst),
            self.down.swap(0, Ordering::SeqCst),
        )
    }
}

async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    n: Arc<Meter>,
    up: bool,
) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let k = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(k) => k,
        };
        if up {
            n.up.fetch_add(k as u64, Ordering::SeqCst);
        } else {
            n.down.fetch_add(k as u64, Ordering::SeqCst);
        }
        if to.write_all(&buf[..k]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

async fn start_proxy(target: SocketAddr) -> (SocketAddr, Arc<Meter>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
    let addr = listener.local_addr().expect("addr");
    let meter = Arc::new(Meter::default());
    let m = meter.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(target).await else {
                continue;
            };
            let (cr, cw) = client.into_split();
            let (sr, sw) = server.into_split();
            tokio::spawn(pump(cr, sw, m.clone(), true));
            tokio::spawn(pump(sr, cw, m.clone(), false));
        }
    });
    (addr, meter)
}

// --------------------------------------------------------------------- baseline ----

/// Plain automerge sync of one document pair until quiet; returns bytes exchanged.
fn automerge_sync(
    a: &mut AutoCommit,
    b: &mut AutoCommit,
    sa: &mut automerge::sync::State,
    sb: &mut automerge::sync::State,
) -> (u64, u64) {
    let (mut bytes, mut msgs) = (0u64, 0u64);
    loop {
        let mut quiet = true;
        if let Some(m) = a.sync().generate_sync_message(sa) {
            let enc = m.encode();
            bytes += enc.len() as u64;
            msgs += 1;
            b.sync()
                .receive_sync_message(sb, automerge::sync::Message::decode(&enc).expect("decode"))
                .expect("recv");
            quiet = false;
        }
        if let Some(m) = b.sync().generate_sync_message(sb) {
            let enc = m.encode();
            bytes += enc.len() as u64;
            msgs += 1;
            a.sync()
                .receive_sync_message(sa, automerge::sync::Message::decode(&enc).expect("decode"))
                .expect("recv");
            quiet = false;
        }
        if quiet {
            return (bytes, msgs);
        }
    }
}

struct BaselinePair {
    device: AutoCommit,
    server: AutoCommit,
    ds: automerge::sync::State,
    ss: automerge::sync::State,
}

impl BaselinePair {
    /// A reconnect: sync states survive as their encoded form only (as automerge advises).
    fn reconnect(&mut self) {
        self.ds = automerge::sync::State::decode(&self.ds.encode()).expect("state");
        self.ss = automerge::sync::State::decode(&self.ss.encode()).expect("state");
    }
    fn sync(&mut self) -> (u64, u64) {
        automerge_sync(
            &mut self.device,
            &mut self.server,
            &mut self.ds,
            &mut self.ss,
        )
    }
}

// ------------------------------------------------------------------------ main ----

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut out: BTreeMap<&'static str, f64> = BTreeMap::new();
    let n_docs: u64 = std::env::var("STRADA_BENCH_DOCS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let data = TempDir::new("strada-bench");
    let server = start_server(&data);
    let direct = server.url.clone();
    let (proxy_addr, meter) = start_proxy(server.addr()).await;
    let via_proxy = format!("http://{proxy_addr}");
    eprintln!("bench: {n_docs} documents; server pid {}", server.pid());

    // A field device logs n_docs contacts and syncs them (setup, not measured).
    let mut phone = sign_in(&direct, "marta").await;
    for n in 0..n_docs {
        phone.create(&numbered_contact(n, phone.user, &phone.team));
    }
    let setup = Instant::now();
    phone.sync().await.expect("setup sync");
    eprintln!(
        "bench: setup push of {n_docs} docs took {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    // -- initial sync: a new device of the team, from cursor 0: one compressed stream of
    // pages, as the app does.
    let mut fresh = sign_in(&via_proxy, "ahmed").await;
    fresh.pull_via = PullVia::Stream;
    meter.take();
    fresh.take_counters();
    let t = Instant::now();
    let report = fresh.sync().await.expect("initial sync");
    let wall = t.elapsed();
    let (up, down) = meter.take();
    let cost = fresh.take_counters();
    assert_eq!(report.pulled as u64, n_docs);
    eprintln!(
        "bench: initial sync: device work {:.2} s of {:.2} s",
        cost.cpu.as_secs_f64(),
        wall.as_secs_f64()
    );
    out.insert("initial_sync_10k_bytes", (up + down) as f64);
    out.insert("initial_sync_10k_round_trips", cost.round_trips as f64);
    out.insert(
        "initial_sync_10k_seconds",
        link_seconds(up, down, cost.round_trips, wall),
    );

    // -- idle reconnect: nothing changed anywhere.
    phone.reconnect(&via_proxy);
    phone.take_counters();
    meter.take();
    let report = phone.sync().await.expect("idle sync");
    let (up, down) = meter.take();
    assert_eq!((report.pushed, report.pulled), (0, 0));
    out.insert("idle_reconnect_bytes_10k", (up + down) as f64);
    out.insert(
        "idle_reconnect_round_trips",
        phone.take_counters().round_trips as f64,
    );

    // -- incremental: 100 edited docs, pushed, then pulled.
    let ids: Vec<DocId> = phone.docs.keys().copied().collect();
    for id in ids.iter().take(100) {
        phone.edit(*id, |c: &mut ContactDoc| {
            c.note = "Nota aggiornata dopo il secondo incontro.".into()
        });
    }
    phone.take_counters();
    meter.take();
    let pushed = phone.push_pending().await.expect("push").pushed;
    let (up_push, _) = meter.take();
    phone.sync().await.expect("pull");
    meter.take();
    out.insert(
        "upload_bytes_per_edited_doc",
        up_push as f64 / pushed as f64,
    );
    out.insert(
        "round_trips_incremental_sync",
        phone.take_counters().round_trips as f64,
    );

    // -- catch-up after 3 days offline: 150 local edits while a teammate made 1,000.
    fresh.reconnect(&direct);
    let fresh_ids: Vec<DocId> = fresh.docs.keys().copied().collect();
    for (i, id) in fresh_ids.iter().rev().take(1000).enumerate() {
        fresh.edit(*id, |c: &mut ContactDoc| {
            c.note = format!("Aggiornamento remoto {i}")
        });
    }
    fresh.push_pending().await.expect("teammate's push");
    for id in ids.iter().skip(200).take(150) {
        phone.edit(*id, |c: &mut ContactDoc| {
            c.note = "Modifica locale fatta senza rete.".into()
        });
    }
    phone.take_counters();
    meter.take();
    let t = Instant::now();
    let report = phone.sync().await.expect("catch-up");
    let wall = t.elapsed();
    let (up, down) = meter.take();
    let cost = phone.take_counters();
    eprintln!(
        "bench: catch-up pulled {} documents; device work {:.2} s of {:.2} s",
        report.pulled,
        cost.cpu.as_secs_f64(),
        wall.as_secs_f64()
    );
    out.insert("catchup_3days_bytes", (up + down) as f64);
    out.insert("catchup_3days_round_trips", cost.round_trips as f64);
    out.insert(
        "catchup_3days_seconds",
        link_seconds(up, down, cost.round_trips, wall),
    );

    // -- server throughput: several devices push batches of edits, validated and durable.
    // The request bodies are prepared before the clock starts, so the figure is the
    // server's (the client shares this machine's two cores); each carries a device's 500
    // documents, as many as a push may. Sixteen rounds (32,000 changes, several seconds
    // of the server's CPU) so the figure varies less from run to run.
    let rounds = 16;
    let mut bodies = Vec::new();
    for p in 0..4u64 {
        let mut d = sign_in(&direct, "marta").await;
        for n in 0..500 {
            d.create(&numbered_contact(
                1_000_000 + p * 10_000 + n,
                d.user,
                &d.team,
            ));
        }
        d.push_pending().await.expect("push");
        let ids: Vec<DocId> = d.docs.keys().copied().collect();
        let mut mine = Vec::new();
        for r in 0..rounds {
            for id in &ids {
                d.edit(*id, |c: &mut ContactDoc| c.note = format!("Giro {r}"));
            }
            let mut entries = Vec::new();
            for dd in d.docs.values_mut() {
                let (e, s) = dd.push_entry();
                dd.on_push_outcome(
                    &s,
                    &PushOutcome::Accepted {
                        heads: Default::default(),
                    },
                );
                entries.push(e);
            }
            mine.push(encode_as(d.version, &PushRequest { docs: entries }));
        }
        bodies.push((d, mine));
    }
    // Marks for a profiler attached to the server (`perf record -p`): the measured phase.
    eprintln!("bench: push throughput phase starts");
    let counting = Instructions::start(&server);
    let cpu_before = cpu_seconds(server.pid());
    let t = Instant::now();
    let mut handles = Vec::new();
    for (mut d, mine) in bodies {
        handles.push(tokio::spawn(async move {
            let mut total = 0;
            for body in mine {
                let res = d.push_encoded(body).await.expect("push");
                total += res
                    .results
                    .iter()
                    .filter(|r| matches!(r.outcome, PushOutcome::Accepted { .. }))
                    .count();
            }
            total
        }));
    }
    let mut changes = 0;
    for h in handles {
        changes += h.await.expect("pusher");
    }
    assert_eq!(changes, 4 * 500 * rounds);
    eprintln!("bench: push throughput phase ends");
    // Under callgrind (`cargo xtask bench sync --instructions`): the instructions the
    // server executed per change pushed, a figure that repeats (the other figures of
    // such a run are valgrind's, not the server's).
    if let Some(counting) = counting {
        let instructions = counting.stop() as f64;
        out.insert("server_push_instructions", instructions);
        out.insert(
            "server_push_instructions_per_change",
            instructions / changes as f64,
        );
    }
    out.insert(
        "server_push_changes_per_sec",
        changes as f64 / t.elapsed().as_secs_f64(),
    );
    // Per core: changes per second of CPU the server process used (all its threads).
    let cpu = cpu_seconds(server.pid()) - cpu_before;
    out.insert("server_push_cpu_seconds", cpu);
    out.insert(
        "server_push_changes_per_cpu_sec",
        changes as f64 / cpu.max(0.01),
    );

    // -- acknowledgement latency: one-document pushes, each acked after the flush.
    let mut lat = Vec::new();
    let probe = numbered_contact(5_000_000, phone.user, &phone.team);
    phone.create(&probe);
    phone.push_pending().await.expect("push");
    for i in 0..200 {
        phone.edit(probe.id, |c: &mut ContactDoc| {
            c.note = format!("Latenza {i}")
        });
        let t = Instant::now();
        phone.push_pending().await.expect("push");
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    out.insert("push_ack_p50_ms", percentile(&lat, 0.50));
    out.insert("push_ack_p99_ms", percentile(&lat, 0.99));

    // -- live connections held: event streams from many devices.
    out.insert(
        "server_rss_kb_before_streams",
        rss_kb(server.pid(), "VmRSS:") as f64,
    );
    let held = concurrent_streams(&direct, &phone.token, 2000).await;
    out.insert("concurrent_devices_held", held as f64);
    out.insert("server_peak_rss_kb", rss_kb(server.pid(), "VmHWM:") as f64);
    out.insert(
        "server_rss_kb_holding_devices",
        rss_kb(server.pid(), "VmRSS:") as f64,
    );
    drop(server);
    drop(data);

    // -- baseline: the same idle reconnect and catch-up with per-document automerge sync.
    let (idle, catchup) = baseline(n_docs);
    out.insert("baseline_idle_reconnect_bytes_10k", idle as f64);
    out.insert("baseline_catchup_3days_bytes", catchup as f64);
    out.insert(
        "ratio_idle_reconnect_vs_baseline",
        out["idle_reconnect_bytes_10k"] / idle as f64,
    );
    out.insert(
        "ratio_catchup_vs_baseline",
        out["catchup_3days_bytes"] / catchup as f64,
    );

    let json = serde_json::to_string_pretty(&out).expect("json");
    let path = PathBuf::from(
        std::env::var("STRADA_BENCH_OUT").unwrap_or_else(|_| "target/bench/sync.json".into()),
    );
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("bench dir");
    }
    std::fs::write(&path, &json).expect("write bench json");
    println!(
        "sync benchmark ({n_docs} documents), written to {}:",
        path.display()
    );
    for (k, v) in &out {
        println!("  {k:<36} {v:>14.2}");
    }
}

/// Opens `n` event streams (each with its own ticket and connection) and counts those
/// that delivered their first event and are still open.
async fn concurrent_streams(base: &str, token: &str, n: usize) -> usize {
    let client = Client::new();
    let mut streams = Vec::with_capacity(n);
    for _ in 0..n {
        let v: Value = client
            .post(format!("{base}/api/sync/events-ticket"))
            .bearer_auth(token)
            .send()
            .await
            .expect("ticket")
            .json()
            .await
            .expect("ticket json");
        let ticket = v["ticket"].as_str().expect("ticket").to_string();
        // One client per stream: one TCP connection per device.
        let c = Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .expect("client");
        let res = c
            .get(format!("{base}/api/sync/events?ticket={ticket}"))
            .send()
            .await;
        let Ok(mut res) = res else { continue };
        if !res.status().is_success() {
            continue;
        }
        match tokio::time::timeout(Duration::from_secs(5), res.chunk()).await {
            Ok(Ok(Some(c))) if String::from_utf8_lossy(&c).contains("feed") => {
                streams.push((c, res))
            }
            _ => {}
        }
    }
    streams.len()
}

fn baseline(n_docs: u64) -> (u64, u64) {
    let actor = ActorId::random();
    let user = UserId::new_v7(1_700_000_000_000, [1; 10]);
    let team = TeamId::parse("bergamo-1").expect("team");
    let mut pairs: Vec<BaselinePair> = (0..n_docs)
        .map(|n| {
            let device =
                schema::create(actor.clone(), &numbered_contact(n, user, &team)).expect("create");
            BaselinePair {
                device,
                server: AutoCommit::new(),
                ds: automerge::sync::State::new(),
                ss: automerge::sync::State::new(),
            }
        })
        .collect();
    for p in &mut pairs {
        p.sync();
    }
    // Idle reconnect: every document's states ask the other side whether anything moved.
    let mut idle = 0;
    for p in &mut pairs {
        p.reconnect();
        idle += p.sync().0;
    }
    // Catch-up: 1,000 remote edits (on the server copy) and 150 local ones.
    let other = ActorId::random();
    for (i, p) in pairs.iter_mut().rev().take(1000).enumerate() {
        let mut server = std::mem::take(&mut p.server).with_actor(other.clone());
        let mut c: ContactDoc = schema::read(&server).expect("read");
        c.note = format!("Aggiornamento remoto {i}");
        schema::update(&mut server, &c).expect("update");
        p.server = server;
    }
    for p in pairs.iter_mut().skip(200).take(150) {
        let mut c: ContactDoc = schema::read(&p.device).expect("read");
        c.note = "Modifica locale fatta senza rete.".into();
        schema::update(&mut p.device, &c).expect("update");
    }
    let mut catchup = 0;
    for p in &mut pairs {
        p.reconnect();
        catchup += p.sync().0;
    }
    (idle, catchup)
}
