//! `cargo xtask bench central`: the central workspace at the PUA's scale — 100,000
//! persons, 1,000,000 contacts and 200,000 referrals in the store — answering filtered,
//! searched pages over real HTTP on loopback from a release `strada-server` child process.
//!
//! The store is filled directly through the `Store` trait (documents, metadata and their
//! central records committed as a push commits them, without going through automerge:
//! the workspace reads records only, and a million pushes would take the benchmark's
//! whole time). The document bytes are placeholders; the records are real projections
//! of synthetic documents (names in several scripts, teams, sectors, needs, indicators,
//! two years of dates).
//!
//! Measured: the first request after the start (the index built from the store), then
//! per kind of request (contacts filtered by team, period and sector; contacts searched
//! by a name in another script; persons searched; persons filtered by sector and period;
//! referrals by status and partner; a page further down a cursor) the latency of 100
//! requests, p50 and p95, client side (HTTP and JSON included). Goal: p95 ≤ 150 ms.
//! Writes `$STRADA_BENCH_OUT` (default `target/bench/central.json`).
//!
//! With `STRADA_BENCH_KIND=report` (`cargo xtask bench report`) the contacts fall in one
//! year (2026) and the report is measured instead: the year's summary (goal ≤ 1 s), a
//! quarter's, the year's dashboard and its anonymous export, 10–20 requests each, p50,
//! p95 and max; figures to `target/bench/report.json`.

use std::time::{Duration, Instant};

use reqwest::Client;
use serde_json::{Value, json};
use strada_server::demo::data::{ORIGINS, TEAMS};
use strada_server::projection;
use strada_server::storage::{DocCommit, DocMeta, Projection, Sensitivity, SledStore, Store};
use strada_shared::api::{ContactRecord, IndicatorNote};
use strada_shared::central::{ConsentRecord, HistoryEntry, PathStep, PersonRecord, ReferralRecord};
use strada_shared::domain::{DocumentStatus, NeedCategory, PersonRef, Place};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::{DocType, ReferralStatus};
use strada_shared::sync::Heads;
use strada_shared::vocab::{Channel, Code, ConsentStatus, Gender, Indicator, Sector};
use strada_testkit::rng::Rng;
use strada_testkit::server::{ServerProcess, add_user};
use strada_testkit::temp::TempDir;

const PERSONS: usize = 100_000;
const CONTACTS: usize = 1_000_000;
const REFERRALS: usize = 200_000;
const BATCH: usize = 2_000;
const REQUESTS: usize = 100;
/// 2025-01-01T00:00:00Z: the first day of the two years the contacts cover.
const START_MS: i64 = 1_735_689_600_000;
/// 2026-01-01T00:00:00+01:00 (Rome's midnight): the year of the report benchmark.
const REPORT_START_MS: i64 = 1_767_222_000_000;
const DAY_MS: i64 = 86_400_000;

/// `STRADA_BENCH_KIND=report` (`cargo xtask bench report`): the same store with its
/// 1,000,000 contacts in one year (2026), and the report's figures measured instead.
fn report_mode() -> bool {
    std::env::var("STRADA_BENCH_KIND").as_deref() == Ok("report")
}

/// The first day the data covers, and how many days.
fn span() -> (i64, usize) {
    if report_mode() {
        (REPORT_START_MS, 365)
    } else {
        (START_MS, 730)
    }
}

fn meta(doc_type: DocType, team: &TeamId, user: UserId, at: i64) -> DocMeta {
    DocMeta {
        doc_type,
        team: team.clone(),
        sensitivity: Sensitivity::Field,
        created_by: user,
        received_at: at,
        updated_at: at,
        seq: 0,
        heads: Heads::default(),
        author: Some(user),
        consent: None,
        generation: 0,
        verified: true,
        conflicted: false,
    }
}

struct Seeded {
    /// A native-script alias whose person exists (to search by).
    native: Vec<String>,
    latin: Vec<String>,
}

fn seed(store: &SledStore) -> Seeded {
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    let teams: Vec<TeamId> = TEAMS
        .iter()
        .map(|t| TeamId::parse(t.slug).unwrap())
        .collect();
    let users: Vec<UserId> = (0..40)
        .map(|i| UserId::new_v7(START_MS as u64 + i, rng.bytes()))
        .collect();
    let mut persons: Vec<(DocId, usize, String)> = Vec::with_capacity(PERSONS);
    let mut seeded = Seeded {
        native: Vec::new(),
        latin: Vec::new(),
    };
    let mut pending: Vec<(DocId, DocMeta, Projection)> = Vec::with_capacity(BATCH);
    let flush = |pending: &mut Vec<(DocId, DocMeta, Projection)>| {
        let commits: Vec<DocCommit<'_>> = pending
            .iter()
            .map(|(id, meta, projection)| DocCommit {
                id: *id,
                bytes: b"placeholder",
                meta,
                projection,
                links: &[],
            })
            .collect();
        store.commit_docs(&commits).expect("commit");
        pending.clear();
    };
    let started = Instant::now();
    for _ in 0..PERSONS {
        let origin = rng.pick(ORIGINS);
        let name = rng.pick(origin.names);
        let mut aliases = vec![rng.pick(name.latin).to_string()];
        if let Some(native) = name.native
            && rng.probability(0.5)
        {
            aliases.push(native.to_string());
            if seeded.native.len() < 50 && !seeded.native.iter().any(|n| n == native) {
                seeded.native.push(native.to_string());
            }
        }
        if seeded.latin.len() < 50 && !seeded.latin.contains(&aliases[0]) {
            seeded.latin.push(aliases[0].clone());
        }
        let team_ix = rng.below(teams.len());
        let user = *rng.pick(&users);
        let at = span().0 + rng.below(span().1 - 30) as i64 * DAY_MS;
        let id = DocId::new_v7(at as u64, rng.bytes());
        let m = meta(DocType::Person, &teams[team_ix], user, at);
        let record = PersonRecord {
            id,
            team: teams[team_ix].clone(),
            aliases: aliases.clone(),
            birth_year: Some(1960 + rng.below(45) as i64),
            birth_year_estimated: rng.probability(0.5),
            gender: if name.woman {
                Gender::Woman
            } else {
                Gender::Man
            },
            country: origin.country.to_string(),
            languages: origin.languages.iter().map(|l| l.to_string()).collect(),
            phone: rng
                .probability(0.4)
                .then(|| format!("+39 3{:02} {:07}", rng.below(100), rng.below(10_000_000))),
            documents: *rng.pick(&[
                DocumentStatus::Unknown,
                DocumentStatus::NoDocument,
                DocumentStatus::ResidencePermit,
            ]),
            usual_place: "Synthetic place".into(),
            consent: ConsentRecord {
                status: ConsentStatus::Given,
                at: projection::rfc3339_ms(at),
                recorded_by: user,
                partners: vec![],
            },
            author: user,
            merged_into: None,
            conflicts: vec![],
            created_at: projection::rfc3339_ms(at),
            received_at: projection::rfc3339_ms(at),
            updated_at: projection::rfc3339_ms(at),
            heads: vec![],
        };
        persons.push((id, team_ix, aliases[0].clone()));
        pending.push((id, m, Projection::Person(Box::new(record))));
        if pending.len() == BATCH {
            flush(&mut pending);
        }
    }
    flush(&mut pending);
    eprintln!(
        "{PERSONS} persons stored in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut contact_ids: Vec<(DocId, usize, Option<DocId>, i64)> = Vec::with_capacity(CONTACTS);
    for i in 0..CONTACTS {
        let named = rng.probability(0.7);
        let (team_ix, person) = if named {
            let p = rng.pick(&persons);
            (p.1, Some((p.0, p.2.clone())))
        } else {
            (rng.below(teams.len()), None)
        };
        let user = *rng.pick(&users);
        let at = span().0 + rng.below(span().1) as i64 * DAY_MS + rng.below(86_400) as i64 * 1000;
        let id = DocId::new_v7(at as u64, rng.bytes());
        let needs: Vec<NeedCategory> = (0..1 + rng.below(3))
            .map(|_| *rng.pick(&NeedCategory::ALL))
            .fold(Vec::new(), |mut v, n| {
                if !v.contains(&n) {
                    v.push(n);
                }
                v
            });
        let indicators = if rng.probability(0.3) {
            vec![IndicatorNote {
                code: *rng.pick(Indicator::ALL),
                note: String::new(),
            }]
        } else {
            vec![]
        };
        let record = ContactRecord {
            id,
            occurred_at: projection::rfc3339_ms(at),
            place: Some(Place {
                lat: 45.0 + rng.below(10_000) as f64 / 10_000.0,
                lon: 9.0 + rng.below(10_000) as f64 / 10_000.0,
                accuracy_m: None,
            }),
            person: match &person {
                Some((_, alias)) => PersonRef::Alias(alias.clone()),
                None => PersonRef::Anonymous,
            },
            needs,
            note: String::new(),
            author: user,
            author_name: None,
            team: teams[team_ix].clone(),
            received_at: projection::rfc3339_ms(at),
            updated_at: projection::rfc3339_ms(at),
            heads: vec![],
            person_id: person.as_ref().map(|p| p.0),
            survivor_name: None,
            group: None,
            channel: *rng.pick(Channel::ALL),
            sector: Some(*rng.pick(Sector::ALL)),
            workplace: String::new(),
            indicators,
            materials: vec![],
            language: None,
            mediator: Default::default(),
            follow_up: Default::default(),
            consent: if named {
                ConsentStatus::Given
            } else {
                ConsentStatus::NotAsked
            },
            conflicts: vec![],
        };
        contact_ids.push((id, team_ix, record.person_id, at));
        let m = meta(DocType::Contact, &teams[team_ix], user, at);
        pending.push((id, m, Projection::Contact(Box::new(record))));
        if pending.len() == BATCH {
            flush(&mut pending);
        }
        if (i + 1) % 200_000 == 0 {
            eprintln!(
                "{} contacts stored ({:.0} s)",
                i + 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    flush(&mut pending);
    let partners = [
        "Caritas sintetica",
        "Dormitorio sintetico",
        "Sindacato sintetico",
        "ASST sintetica",
    ];
    for _ in 0..REFERRALS {
        let (contact, team_ix, person_id, at) = *rng.pick(&contact_ids);
        let user = *rng.pick(&users);
        let id = DocId::new_v7(at as u64, rng.bytes());
        let status = *rng.pick(&[
            ReferralStatus::Proposed,
            ReferralStatus::Sent,
            ReferralStatus::Accepted,
        ]);
        let record = ReferralRecord {
            id,
            contact,
            person_id,
            person_name: None,
            group_people: None,
            need: *rng.pick(&NeedCategory::ALL),
            partner: rng.pick(&partners).to_string(),
            service_id: None,
            organisation: None,
            status,
            status_since: projection::rfc3339_ms(at),
            conflict: false,
            history: vec![HistoryEntry {
                status: ReferralStatus::Proposed,
                at: projection::rfc3339_ms(at),
                by: user,
            }],
            path: [
                ReferralStatus::Proposed,
                ReferralStatus::Sent,
                ReferralStatus::Accepted,
            ]
            .iter()
            .take(match status {
                ReferralStatus::Proposed => 1,
                ReferralStatus::Sent => 2,
                _ => 3,
            })
            .enumerate()
            .map(|(i, s)| PathStep {
                status: *s,
                at: projection::rfc3339_ms(at + i as i64 * 2 * DAY_MS),
            })
            .collect(),
            outcome: String::new(),
            conflicts: vec![],
            author: user,
            team: teams[team_ix].clone(),
            created_at: projection::rfc3339_ms(at),
            received_at: projection::rfc3339_ms(at),
            updated_at: projection::rfc3339_ms(at),
            heads: vec![],
        };
        let m = meta(DocType::Referral, &teams[team_ix], user, at);
        pending.push((id, m, Projection::Referral(Box::new(record))));
        if pending.len() == BATCH {
            flush(&mut pending);
        }
    }
    flush(&mut pending);
    // The records are of the current layout: nothing to project again at start.
    store
        .set_projection_version(projection::VERSION)
        .expect("version");
    store.flush().expect("flush");
    eprintln!("store filled in {:.0} s", started.elapsed().as_secs_f64());
    seeded
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn get(client: &Client, base: &str, token: &str, path: &str) -> (Duration, Value) {
    let started = Instant::now();
    let res = client
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200, "{path}");
    let body: Value = res.json().await.expect("json");
    (started.elapsed(), body)
}

/// The report's figures over a year of 1,000,000 contacts: the summary of the year, of
/// a quarter, and the dashboard of the year (its figures, the year before's, the views).
async fn report(client: &Client, base: &str, token: &str, cold: Duration) {
    let mut figures = serde_json::Map::new();
    figures.insert("persons".into(), json!(PERSONS));
    figures.insert("contacts".into(), json!(CONTACTS));
    figures.insert("referrals".into(), json!(REFERRALS));
    figures.insert("first_request_seconds".into(), json!(cold.as_secs_f64()));
    figures.insert("goal_year_summary_ms".into(), json!(1000));
    for (kind, path, runs) in [
        (
            "year_summary",
            "/api/reports/summary?from=2026-01-01&to=2026-12-31",
            20,
        ),
        (
            "quarter_summary",
            "/api/reports/summary?from=2026-07-01&to=2026-09-30",
            20,
        ),
        (
            "year_dashboard",
            "/api/reports/dashboard?from=2026-01-01&to=2026-12-31",
            10,
        ),
        (
            // One calendar quarter: the only periods the export is made for.
            "quarter_anonymous_export",
            "/api/reports/anonymous?from=2026-07-01&to=2026-09-30",
            10,
        ),
    ] {
        let mut times = Vec::with_capacity(runs);
        let mut contacts = Value::Null;
        for _ in 0..runs {
            let started = Instant::now();
            let res = client
                .get(format!("{base}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .expect("request");
            assert_eq!(res.status(), 200, "{path}");
            let body = res.text().await.expect("body");
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            if let Ok(v) = serde_json::from_str::<Value>(&body) {
                contacts = v["contacts"].clone();
                if contacts.is_null() {
                    contacts = v["summary"]["contacts"].clone();
                }
            }
        }
        times.sort_by(|a, b| a.total_cmp(b));
        eprintln!(
            "{kind}: p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms (contacts {contacts})",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times.last().copied().unwrap_or(0.0)
        );
        figures.insert(
            kind.into(),
            json!({
                "p50_ms": percentile(&times, 0.5),
                "p95_ms": percentile(&times, 0.95),
                "max_ms": times.last(),
                "contacts_in_period": contacts,
            }),
        );
    }
    let figures = Value::Object(figures);
    println!("{}", serde_json::to_string_pretty(&figures).unwrap());
    let out =
        std::env::var("STRADA_BENCH_OUT").unwrap_or_else(|_| "target/bench/report.json".into());
    if let Some(parent) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(parent).expect("bench folder");
    }
    std::fs::write(&out, serde_json::to_string_pretty(&figures).unwrap()).expect("write figures");
    eprintln!("figures written to {out}");
}

#[tokio::main]
async fn main() {
    assert!(
        std::env::var_os("STRADA_SERVER_BIN").is_some(),
        "STRADA_SERVER_BIN names the release server: run through `cargo xtask bench central`"
    );
    let temp = TempDir::new("strada-bench-central-");
    // `STRADA_BENCH_STORE=<folder>` keeps the filled store there and uses it again on the
    // next run of the same kind (filling takes most of the benchmark's time).
    let kept = std::env::var_os("STRADA_BENCH_STORE").map(std::path::PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let marker = dir.join(".strada-bench-filled");
    let seeded = if kept.is_some() && marker.exists() {
        eprintln!("using the store kept in {}", dir.display());
        Seeded {
            native: vec!["محمد".into()],
            latin: vec!["Mohamed".into()],
        }
    } else {
        let seeded = {
            let (store, _) = SledStore::open(&dir).expect("open");
            seed(&store)
        };
        add_user(
            &dir,
            "centrale",
            "central_office",
            "pua",
            "bench-central-pw",
        );
        std::fs::write(&marker, b"filled\n").expect("marker");
        seeded
    };
    let server = ServerProcess::start(&dir, &[]);
    let base = format!("http://{}", server.addr());
    let client = Client::new();
    let login: Value = client
        .post(format!("{base}/api/auth/login"))
        .json(&json!({ "username": "centrale", "password": "bench-central-pw" }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login json");
    let token = login["token"].as_str().expect("token").to_string();

    // The first request waits for the index the server builds from the store at start:
    // 10 s at most, then the server answers 503 `index_building` (a 408 if the request
    // timeout came first). Asked again until it answers, the time counted from the first
    // ask.
    let asked = Instant::now();
    let first = loop {
        let res = client
            .get(format!("{base}/api/contacts?limit=50"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("request");
        if res.status() == 408 || res.status() == 503 {
            eprintln!(
                "the index is still being built ({}): asking again",
                res.status().as_u16()
            );
            tokio::time::sleep(Duration::from_secs(1)).await;
            continue;
        }
        assert_eq!(res.status(), 200, "/api/contacts?limit=50");
        break res.json::<Value>().await.expect("json");
    };
    let cold = asked.elapsed();
    assert_eq!(first["total"], CONTACTS as u64);
    eprintln!("first request (index built): {:.1} s", cold.as_secs_f64());
    if report_mode() {
        report(&client, &base, &token, cold).await;
        server.kill();
        return;
    }

    let mut rng = Rng(42);
    let teams: Vec<&str> = TEAMS.iter().map(|t| t.slug).collect();
    let mut kinds: Vec<(&str, Vec<f64>, u64)> = Vec::new();
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    for kind in [
        "contacts_filtered",
        "contacts_searched",
        "persons_searched",
        "persons_filtered",
        "referrals_filtered",
        "contacts_next_page",
    ] {
        let mut times = Vec::with_capacity(REQUESTS);
        let mut matched = 0u64;
        for _ in 0..REQUESTS {
            let month = 1 + rng.below(12);
            let year = 2025 + rng.below(2);
            let period = format!("from={year}-{month:02}-01&to={year}-{month:02}-28");
            let path = match kind {
                "contacts_filtered" => format!(
                    "/api/contacts?team={}&{period}&sector={}",
                    rng.pick(&teams),
                    rng.pick(Sector::ALL).code()
                ),
                "contacts_searched" => format!(
                    "/api/contacts?q={}&{period}",
                    enc(rng.pick::<String>(&seeded.native))
                ),
                "persons_searched" => {
                    format!("/api/persons?q={}", enc(rng.pick::<String>(&seeded.latin)))
                }
                "persons_filtered" => format!(
                    "/api/persons?sector={}&{period}&team={}",
                    rng.pick(Sector::ALL).code(),
                    rng.pick(&teams)
                ),
                "referrals_filtered" => {
                    format!("/api/referrals?status=sent&partner=dormitorio&{period}")
                }
                _ => {
                    let (_, page) =
                        get(&client, &base, &token, &format!("/api/contacts?{period}")).await;
                    let next = page["next"].as_str().unwrap_or_default().to_string();
                    format!("/api/contacts?{period}&cursor={next}")
                }
            };
            let (took, body) = get(&client, &base, &token, &path).await;
            matched += body["total"].as_u64().unwrap_or(0);
            times.push(took.as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        eprintln!(
            "{kind}: p50 {:.1} ms, p95 {:.1} ms (mean total {})",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            matched / REQUESTS as u64
        );
        kinds.push((kind, times, matched / REQUESTS as u64));
    }
    let mut all: Vec<f64> = kinds.iter().flat_map(|(_, t, _)| t.clone()).collect();
    all.sort_by(|a, b| a.total_cmp(b));
    let mut figures = serde_json::Map::new();
    figures.insert("persons".into(), json!(PERSONS));
    figures.insert("contacts".into(), json!(CONTACTS));
    figures.insert("referrals".into(), json!(REFERRALS));
    figures.insert("first_request_seconds".into(), json!(cold.as_secs_f64()));
    figures.insert("page_p50_ms".into(), json!(percentile(&all, 0.5)));
    figures.insert("page_p95_ms".into(), json!(percentile(&all, 0.95)));
    figures.insert("goal_page_p95_ms".into(), json!(150));
    for (kind, times, matched) in &kinds {
        figures.insert(
            (*kind).into(),
            json!({
                "p50_ms": percentile(times, 0.5),
                "p95_ms": percentile(times, 0.95),
                "mean_total": matched,
            }),
        );
    }
    let figures = Value::Object(figures);
    println!("{}", serde_json::to_string_pretty(&figures).unwrap());
    let out =
        std::env::var("STRADA_BENCH_OUT").unwrap_or_else(|_| "target/bench/central.json".into());
    if let Some(parent) = std::path::Path::new(&out).parent() {
        std::fs::create_dir_all(parent).expect("bench folder");
    }
    std::fs::write(&out, serde_json::to_string_pretty(&figures).unwrap()).expect("write figures");
    eprintln!("figures written to {out}");
    server.kill();
}
