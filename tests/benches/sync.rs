//! `cargo xtask bench sync`: the sync engine's figures, measured on this machine over real
//! HTTP on loopback against a `strada-server` child process, beside a baseline doing the
//! same work with plain per-document automerge sync (one sync state per document).
//!
//! Bytes are counted on the wire (HTTP headers included) by a counting TCP proxy between
//! the simulated device and the server. Link times are computed for a slow 3G link:
//! 1.6 Mbit/s down, 750 kbit/s up, 150 ms round trip, plus the CPU time measured here.
//! Writes `$STRADA_BENCH_OUT` (default `target/bench/sync.json`) and prints the figures.

use std::collections::BTreeMap;
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use automerge::sync::SyncDoc;
use automerge::{ActorId, AutoCommit};
use reqwest::Client;
use serde_json::{Value, json};
use strada_shared::domain::{NeedCategory, PersonRef, Place};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::{self, ContactDoc, DocType};
use strada_shared::sync::device::DeviceDoc;
use strada_shared::sync::{
    self as wire, PullRequest, PullResponse, PushRequest, PushResponse, SYNC_CONTENT_TYPE,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const DOWN_BPS: f64 = 1_600_000.0 / 8.0;
const UP_BPS: f64 = 750_000.0 / 8.0;
const RTT_S: f64 = 0.150;

fn link_seconds(up: u64, down: u64, round_trips: u64, cpu: Duration) -> f64 {
    up as f64 / UP_BPS + down as f64 / DOWN_BPS + round_trips as f64 * RTT_S + cpu.as_secs_f64()
}

// ---------------------------------------------------------------- the server child ----

struct Server {
    child: Child,
    addr: SocketAddr,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn server_bin() -> PathBuf {
    PathBuf::from(std::env::var("STRADA_SERVER_BIN").expect("run through `cargo xtask bench sync`"))
}

fn add_user(dir: &PathBuf, name: &str, role: &str, team: &str) {
    let mut child = Command::new(server_bin())
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
        .expect("strada-server user add");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("password-{name}\n").as_bytes())
        .expect("write");
    assert!(child.wait().expect("wait").success());
}

fn start_server() -> Server {
    let dir = std::env::temp_dir().join(format!("strada-bench-{}", uuid::Uuid::now_v7()));
    add_user(&dir, "marta", "field_worker", "bergamo-1");
    add_user(&dir, "ahmed", "field_worker", "bergamo-1");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let mut child = Command::new(server_bin())
        .arg("serve")
        .env("STRADA_DATA_DIR", &dir)
        .env("STRADA_LISTEN", addr.to_string())
        .env("STRADA_DIST_DIR", "/nonexistent")
        .env("STRADA_LOG", "warn")
        // One user stands for the 2,000 devices whose event streams are held below.
        .env("STRADA_MAX_STREAMS_PER_USER", "2000")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("strada-server serve");
    let mut out = child.stdout.take().expect("stdout");
    let mut buf = [0u8; 256];
    let n = out.read(&mut buf).expect("server prints its address");
    assert!(
        String::from_utf8_lossy(&buf[..n]).contains("running at"),
        "server did not start"
    );
    Server { child, addr, dir }
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

// ------------------------------------------------------------ a simulated device ----

struct Device {
    actor: ActorId,
    user: UserId,
    team: TeamId,
    docs: BTreeMap<DocId, DeviceDoc>,
    cursor: u64,
    /// Where the last complete pull ended.
    baseline: u64,
    token: String,
    base: String,
    client: Client,
    round_trips: u64,
    cpu: Duration,
}

fn contact(user: UserId, team: &TeamId, n: u64) -> ContactDoc {
    let mut rnd = [0u8; 10];
    rnd[..8].copy_from_slice(&n.to_le_bytes());
    ContactDoc {
        id: DocId::new_v7(1_760_000_000_000 + n, rnd),
        occurred_at: 1_760_000_000_000 + (n as i64) * 60_000,
        place: Some(Place {
            lat: 45.6 + (n % 100) as f64 / 1000.0,
            lon: 9.6 + (n % 77) as f64 / 1000.0,
            accuracy_m: Some(12.0),
        }),
        person: if n.is_multiple_of(3) {
            PersonRef::Anonymous
        } else {
            PersonRef::Alias(format!("Alias sintetico {n}"))
        },
        needs: vec![NeedCategory::ALL[(n % 12) as usize], NeedCategory::Food]
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        note: format!("Nota sintetica numero {n}: incontro al cancello dell'azienda agricola."),
        author: user,
        team: team.clone(),
        consent: strada_shared::vocab::ConsentStatus::Given,
        ..ContactDoc::blank()
    }
}

impl Device {
    async fn sign_in(base: &str, username: &str) -> Device {
        let client = Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .expect("client");
        let actor = ActorId::random();
        let body: Value = client
            .post(format!("{base}/api/auth/login"))
            .json(&json!({"username": username, "password": format!("password-{username}"), "device_actor": actor.to_hex_string()}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("login json");
        Device {
            actor,
            user: body["user"]["id"]
                .as_str()
                .and_then(|s| UserId::parse(s).ok())
                .expect("user id"),
            team: TeamId::parse(body["user"]["team"].as_str().expect("team")).expect("team"),
            docs: BTreeMap::new(),
            cursor: 0,
            baseline: 0,
            token: body["token"].as_str().expect("token").into(),
            base: base.into(),
            client,
            round_trips: 0,
            cpu: Duration::ZERO,
        }
    }

    /// Rebuilds the HTTP client: a reconnect after the network came back.
    fn reconnect(&mut self, base: &str) {
        self.client = Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .expect("client");
        self.base = base.into();
    }

    fn create(&mut self, n: u64) -> DocId {
        let t = Instant::now();
        let c = contact(self.user, &self.team, n);
        let doc = schema::create(self.actor.clone(), &c).expect("create");
        self.docs
            .insert(c.id, DeviceDoc::new(c.id, DocType::Contact, doc));
        self.cpu += t.elapsed();
        c.id
    }

    fn edit(&mut self, id: DocId, note: &str) {
        let t = Instant::now();
        let d = self.docs.get_mut(&id).expect("doc");
        let mut c: ContactDoc = schema::read(&d.doc).expect("read");
        c.note = note.into();
        schema::update(&mut d.doc, &c).expect("update");
        self.cpu += t.elapsed();
    }

    async fn post_bin<T: serde::de::DeserializeOwned>(&mut self, path: &str, body: Vec<u8>) -> T {
        self.round_trips += 1;
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .header("content-type", SYNC_CONTENT_TYPE)
            .header("accept", SYNC_CONTENT_TYPE)
            .header("accept-encoding", "gzip")
            .body(body)
            .send()
            .await
            .expect("request");
        assert!(res.status().is_success(), "{path}: {}", res.status());
        let gz = res
            .headers()
            .get("content-encoding")
            .is_some_and(|v| v == "gzip");
        let bytes = res.bytes().await.expect("body").to_vec();
        let t = Instant::now();
        let bytes = if gz {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(bytes.as_slice())
                .read_to_end(&mut out)
                .expect("gunzip");
            out
        } else {
            bytes
        };
        let v = wire::decode(&bytes).expect("decode");
        self.cpu += t.elapsed();
        v
    }

    /// Pushes every pending document (in requests of at most 500).
    async fn push(&mut self) -> usize {
        let t = Instant::now();
        let mut entries = Vec::new();
        let mut sent = Vec::new();
        for d in self.docs.values_mut() {
            if d.is_pending() {
                let (e, s) = d.push_entry();
                entries.push(e);
                sent.push(s);
            }
        }
        self.cpu += t.elapsed();
        let n = entries.len();
        while !entries.is_empty() {
            let rest = entries.split_off(entries.len().min(wire::MAX_PUSH_DOCS));
            let batch = std::mem::replace(&mut entries, rest);
            let sent_batch: Vec<_> = sent.drain(..batch.len()).collect();
            let res: PushResponse = self
                .post_bin("/api/sync/push", wire::encode(&PushRequest { docs: batch }))
                .await;
            for (s, r) in sent_batch.iter().zip(&res.results) {
                self.docs
                    .get_mut(&s.id)
                    .expect("doc")
                    .on_push_outcome(s, &r.outcome);
            }
        }
        n
    }

    /// Pulls until the feed is exhausted; returns the documents received.
    async fn pull(&mut self) -> usize {
        let mut n = 0;
        loop {
            let page: PullResponse = self
                .post_bin(
                    "/api/sync/pull",
                    wire::encode(&PullRequest {
                        cursor: self.cursor,
                        since: Some(self.baseline),
                    }),
                )
                .await;
            let t = Instant::now();
            for p in &page.docs {
                match self.docs.get_mut(&p.id) {
                    Some(d) => d.merge_pulled(p).expect("merge"),
                    None => {
                        self.docs.insert(
                            p.id,
                            DeviceDoc::from_pulled(p, self.actor.clone()).expect("snapshot"),
                        );
                    }
                }
            }
            self.cpu += t.elapsed();
            n += page.docs.len();
            self.cursor = page.cursor;
            if !page.more {
                self.baseline = self.cursor;
                return n;
            }
        }
    }

    /// Pulls the feed as the app does on a first sync: one stream of pages per request
    /// (`/api/sync/pull-stream`, wire version 2), another only if the server ended the
    /// stream before the feed's end.
    async fn pull_stream(&mut self) -> usize {
        use strada_shared::sync::{WireVersion, decode_as, encode_as};
        let v = WireVersion::NEWEST;
        let mut n = 0;
        loop {
            self.round_trips += 1;
            let res = self
                .client
                .post(format!("{}/api/sync/pull-stream", self.base))
                .bearer_auth(&self.token)
                .header("content-type", v.media_type())
                .header("accept", v.media_type())
                .header("accept-encoding", "gzip")
                .body(encode_as(
                    v,
                    &PullRequest {
                        cursor: self.cursor,
                        since: Some(self.baseline),
                    },
                ))
                .send()
                .await
                .expect("request");
            assert!(res.status().is_success(), "pull-stream: {}", res.status());
            let gz = res
                .headers()
                .get("content-encoding")
                .is_some_and(|v| v == "gzip");
            let bytes = res.bytes().await.expect("body").to_vec();
            let t = Instant::now();
            let bytes = if gz {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(bytes.as_slice())
                    .read_to_end(&mut out)
                    .expect("gunzip");
                out
            } else {
                bytes
            };
            let mut rest = bytes.as_slice();
            let mut more = false;
            while rest.len() >= 4 {
                let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
                let page: PullResponse = decode_as(v, &rest[4..4 + len]).expect("decode");
                rest = &rest[4 + len..];
                for p in &page.docs {
                    match self.docs.get_mut(&p.id) {
                        Some(d) => d.merge_pulled(p).expect("merge"),
                        None => {
                            self.docs.insert(
                                p.id,
                                DeviceDoc::from_pulled(p, self.actor.clone()).expect("snapshot"),
                            );
                        }
                    }
                }
                n += page.docs.len();
                self.cursor = page.cursor;
                more = page.more;
            }
            self.cpu += t.elapsed();
            if !more {
                self.baseline = self.cursor;
                return n;
            }
        }
    }

    fn reset_counters(&mut self) {
        self.round_trips = 0;
        self.cpu = Duration::ZERO;
    }
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
    let server = start_server();
    let direct = format!("http://{}", server.addr);
    let (proxy_addr, meter) = start_proxy(server.addr).await;
    let via_proxy = format!("http://{proxy_addr}");
    eprintln!(
        "bench: {n_docs} documents; server pid {}",
        server.child.id()
    );

    // A field device logs n_docs contacts and syncs them (setup, not measured).
    let mut phone = Device::sign_in(&direct, "marta").await;
    for n in 0..n_docs {
        phone.create(n);
    }
    let setup = Instant::now();
    phone.push().await;
    phone.pull().await;
    eprintln!(
        "bench: setup push of {n_docs} docs took {:.1} s",
        setup.elapsed().as_secs_f64()
    );

    // -- initial sync: a new device of the team, from cursor 0: one compressed stream of
    // pages, as the app does.
    let mut fresh = Device::sign_in(&via_proxy, "ahmed").await;
    meter.take();
    fresh.reset_counters();
    let t = Instant::now();
    let got = fresh.pull_stream().await;
    let wall = t.elapsed();
    let (up, down) = meter.take();
    assert_eq!(got as u64, n_docs);
    out.insert("initial_sync_10k_bytes", (up + down) as f64);
    out.insert("initial_sync_10k_round_trips", fresh.round_trips as f64);
    out.insert(
        "initial_sync_10k_seconds",
        link_seconds(up, down, fresh.round_trips, wall),
    );

    // -- idle reconnect: nothing changed anywhere.
    phone.reconnect(&via_proxy);
    phone.reset_counters();
    meter.take();
    let pushed = phone.push().await;
    let pulled = phone.pull().await;
    let (up, down) = meter.take();
    assert_eq!((pushed, pulled), (0, 0));
    out.insert("idle_reconnect_bytes_10k", (up + down) as f64);
    out.insert("idle_reconnect_round_trips", phone.round_trips as f64);

    // -- incremental: 100 edited docs, one push and one pull.
    let ids: Vec<DocId> = phone.docs.keys().copied().collect();
    for id in ids.iter().take(100) {
        phone.edit(*id, "Nota aggiornata dopo il secondo incontro.");
    }
    phone.reset_counters();
    meter.take();
    let pushed = phone.push().await;
    let (up_push, _) = meter.take();
    phone.pull().await;
    meter.take();
    out.insert(
        "upload_bytes_per_edited_doc",
        up_push as f64 / pushed as f64,
    );
    out.insert("round_trips_incremental_sync", phone.round_trips as f64);

    // -- catch-up after 3 days offline: 150 local edits while a teammate made 1,000.
    fresh.reconnect(&direct);
    let fresh_ids: Vec<DocId> = fresh.docs.keys().copied().collect();
    for (i, id) in fresh_ids.iter().rev().take(1000).enumerate() {
        fresh.edit(*id, &format!("Aggiornamento remoto {i}"));
    }
    fresh.push().await;
    for id in ids.iter().skip(200).take(150) {
        phone.edit(*id, "Modifica locale fatta senza rete.");
    }
    phone.reset_counters();
    meter.take();
    let t = Instant::now();
    phone.push().await;
    let got = phone.pull().await;
    let wall = t.elapsed();
    let (up, down) = meter.take();
    eprintln!("bench: catch-up pulled {got} documents");
    out.insert("catchup_3days_bytes", (up + down) as f64);
    out.insert("catchup_3days_round_trips", phone.round_trips as f64);
    out.insert(
        "catchup_3days_seconds",
        link_seconds(up, down, phone.round_trips, wall),
    );

    // -- server throughput: several devices push batches of edits, validated and durable.
    // The request bodies are prepared before the clock starts, so the figure is the
    // server's (the client shares this machine's two cores).
    let rounds = 8;
    let mut bodies = Vec::new();
    for p in 0..4u64 {
        let mut d = Device::sign_in(&direct, "marta").await;
        for n in 0..500 {
            d.create(1_000_000 + p * 10_000 + n);
        }
        d.push().await;
        let ids: Vec<DocId> = d.docs.keys().copied().collect();
        let mut mine = Vec::new();
        for r in 0..rounds {
            for id in &ids {
                d.edit(*id, &format!("Giro {r}"));
            }
            let mut entries = Vec::new();
            for dd in d.docs.values_mut() {
                let (e, s) = dd.push_entry();
                dd.on_push_outcome(
                    &s,
                    &wire::PushOutcome::Accepted {
                        heads: Default::default(),
                    },
                );
                entries.push(e);
            }
            mine.push(wire::encode(&PushRequest { docs: entries }));
        }
        bodies.push((d, mine));
    }
    let cpu_before = cpu_seconds(server.child.id());
    let t = Instant::now();
    let mut handles = Vec::new();
    for (mut d, mine) in bodies {
        handles.push(tokio::spawn(async move {
            let mut total = 0;
            for body in mine {
                let res: PushResponse = d.post_bin("/api/sync/push", body).await;
                total += res
                    .results
                    .iter()
                    .filter(|r| matches!(r.outcome, wire::PushOutcome::Accepted { .. }))
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
    out.insert(
        "server_push_changes_per_sec",
        changes as f64 / t.elapsed().as_secs_f64(),
    );
    // Per core: changes per second of CPU the server process used (all its threads).
    let cpu = cpu_seconds(server.child.id()) - cpu_before;
    out.insert("server_push_cpu_seconds", cpu);
    out.insert(
        "server_push_changes_per_cpu_sec",
        changes as f64 / cpu.max(0.01),
    );

    // -- acknowledgement latency: one-document pushes, each acked after the flush.
    let mut lat = Vec::new();
    let probe_id = phone.create(5_000_000);
    phone.push().await;
    for i in 0..200 {
        phone.edit(probe_id, &format!("Latenza {i}"));
        let t = Instant::now();
        phone.push().await;
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    lat.sort_by(|a, b| a.total_cmp(b));
    out.insert("push_ack_p50_ms", percentile(&lat, 0.50));
    out.insert("push_ack_p99_ms", percentile(&lat, 0.99));

    // -- live connections held: event streams from many devices.
    out.insert(
        "server_rss_kb_before_streams",
        rss_kb(server.child.id(), "VmRSS:") as f64,
    );
    let held = concurrent_streams(&direct, &phone.token, 2000).await;
    out.insert("concurrent_devices_held", held as f64);
    out.insert(
        "server_peak_rss_kb",
        rss_kb(server.child.id(), "VmHWM:") as f64,
    );
    out.insert(
        "server_rss_kb_holding_devices",
        rss_kb(server.child.id(), "VmRSS:") as f64,
    );
    drop(server);

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
            let device = schema::create(actor.clone(), &contact(user, &team, n)).expect("create");
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
