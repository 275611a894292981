//! The periodic report (issue 13 §1, `EXCHANGE.md` §2): a generated PUA imported through
//! the exchange format, some of its persons merged, and every figure of
//! `GET /api/reports/summary` compared, for several periods, with the same figures
//! computed here straight from the generated lines (not with the server's code).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate};
use reqwest::StatusCode;
use serde_json::{Value, json};
use strada_server::storage::{ExchangeKind, Store};
use strada_server::testing::TestServer;
use strada_shared::domain::Role;
use strada_testkit::rng::Rng;

use crate::helpers::Api;

const TEAMS: [&str; 3] = ["Team A", "bassa-2", "Unità 3"];
const AUTHORS: [&str; 4] = ["marta", "Giulia Rossi", "ahmed", "lucia"];
const MANAGERS: [&str; 3] = ["sociale", "Anna Verdi", "lavoro"];
const CHANNELS: [&str; 4] = ["street", "itinerant_unit", "phone", "desk"];
const SECTORS: [&str; 4] = ["agriculture", "logistics", "construction", "hospitality"];
const NEEDS: [&str; 6] = [
    "food",
    "shelter",
    "hygiene",
    "health",
    "legal_aid",
    "mediation",
];
const INDICATORS: [&str; 4] = [
    "withholding_of_wages",
    "isolation",
    "excessive_overtime",
    "deception",
];
const OFFSETS: [&str; 5] = ["Z", "+02:00", "+01:00", "-05:00", "+09:30"];
const PARTNERS: [&str; 3] = [
    "Synthetic association",
    "Sportello sintetico",
    "Synthetic clinic",
];
const OUTCOMES: [&str; 5] = [
    "emerged",
    "partly_emerged",
    "not_emerged",
    "dropped_out",
    "transferred",
];

/// 2025-09-01 (the first day of the generated span) as a date.
fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 9, 1).unwrap()
}

/// The last day anything is dated (before the test's clock).
const LAST_DAY: i64 = 440;

/// A time near a day's edges, written with one of several offsets.
fn time_on(rng: &mut Rng, day: i64) -> String {
    let date = day0() + chrono::Days::new(day as u64);
    let hour = *rng.pick(&[0u32, 0, 1, 9, 13, 22, 23, 23]);
    let minute = rng.below(60);
    let offset = *rng.pick(&OFFSETS);
    format!("{date}T{hour:02}:{minute:02}:00{offset}")
}

fn date_of(day: i64) -> String {
    (day0() + chrono::Days::new(day.min(LAST_DAY) as u64)).to_string()
}

/// The generated PUA: exchange lines, and which persons are merged into which.
struct Pua {
    lines: Vec<Value>,
    /// (survivor, merged) external ids.
    merges: Vec<(String, String)>,
}

fn generate(seed: u64, services: &[String]) -> Pua {
    let mut rng = Rng(seed);
    let mut lines = Vec::new();
    for t in TEAMS {
        lines.push(json!({"type": "team", "id": t, "name": format!("Synthetic {t}")}));
    }
    // Persons: most with consent given, some withdrawn (still counted), some refused
    // (never named by a contact), one never met.
    let mut nameable: Vec<(String, &str)> = Vec::new();
    let mut given = Vec::new();
    for i in 0..40 {
        let id = format!("P-{i}");
        let team = *rng.pick(&TEAMS);
        let status = match i % 10 {
            7 => "withdrawn",
            8 => "refused",
            _ => "given",
        };
        let aliases = if status != "given" {
            json!([])
        } else {
            json!([format!("Synthetic person {i}")])
        };
        lines.push(
            json!({"type": "person", "id": id, "team": team, "aliases": aliases,
            "consent": {"status": status, "at": "2025-10-01T10:00:00+02:00"},
            "created_at": "2025-10-01T10:00:00+02:00"}),
        );
        if status != "refused" && i != 39 {
            nameable.push((id.clone(), team));
        }
        if status == "given" && i != 39 {
            given.push(id);
        }
    }
    // Contacts over 14 months.
    let mut contacts = Vec::new();
    for i in 0..400 {
        let id = format!("C-{i}");
        let mut team = *rng.pick(&TEAMS);
        let day = rng.below(400) as i64;
        let mut line = json!({"type": "contact", "id": id, "team": team,
            "occurred_at": time_on(&mut rng, day), "channel": rng.pick(&CHANNELS)});
        if rng.chance(85) {
            line["author"] = json!(rng.pick(&AUTHORS));
        }
        match rng.below(10) {
            0..=5 => {
                let (person, theirs) = rng.pick(&nameable).clone();
                team = theirs;
                line["team"] = json!(team);
                line["who"] = json!("person");
                line["person"] = json!(person);
            }
            6 | 7 => line["who"] = json!("anonymous"),
            _ => {
                line["who"] = json!("group");
                line["group"] = json!({"people": 2 + rng.below(8)});
            }
        }
        if rng.chance(80) {
            line["sector"] = json!(rng.pick(&SECTORS));
        }
        let mut needs: Vec<&str> = (0..1 + rng.below(3)).map(|_| *rng.pick(&NEEDS)).collect();
        needs.sort_unstable();
        needs.dedup();
        line["needs"] = json!(needs);
        if rng.chance(40) {
            let mut ind: Vec<&str> = (0..1 + rng.below(2))
                .map(|_| *rng.pick(&INDICATORS))
                .collect();
            ind.sort_unstable();
            ind.dedup();
            line["indicators"] = json!(ind.iter().map(|c| json!({"code": c})).collect::<Vec<_>>());
        }
        contacts.push((
            id,
            team,
            day,
            line["person"].as_str().map(String::from),
            needs,
        ));
        lines.push(line);
    }
    // Referrals along the lifecycle, from their contact's day on.
    for i in 0..220 {
        let (contact, team, day, person, needs) = rng.pick(&contacts).clone();
        let mut at = day + rng.below(3) as i64;
        let mut history = vec![json!({"status": "proposed", "at": time_on(&mut rng, at)})];
        let steps = rng.below(5);
        if steps >= 1 {
            at += 1 + rng.below(4) as i64;
            history.push(json!({"status": "sent", "at": time_on(&mut rng, at)}));
        }
        if steps >= 2 {
            at += 1 + rng.below(20) as i64;
            let answer = if rng.chance(70) {
                "accepted"
            } else {
                "declined"
            };
            history.push(json!({"status": answer, "at": time_on(&mut rng, at)}));
            if steps >= 3 && answer == "accepted" {
                at += 1 + rng.below(10) as i64;
                let s = if rng.chance(70) {
                    "attended"
                } else {
                    "not_attended"
                };
                history.push(json!({"status": s, "at": time_on(&mut rng, at)}));
            }
            if steps >= 4 {
                at += 1 + rng.below(10) as i64;
                history.push(json!({"status": "closed", "at": time_on(&mut rng, at)}));
            }
        }
        if steps == 0 && rng.chance(30) {
            at += 1 + rng.below(5) as i64;
            history.push(json!({"status": "closed", "at": time_on(&mut rng, at)}));
        }
        let mut line = json!({"type": "referral", "id": format!("R-{i}"), "team": team,
            "contact": contact, "need": rng.pick(&needs), "history": history});
        if let Some(p) = person {
            line["person"] = json!(p);
        }
        if rng.chance(50) {
            line["service"] = json!(rng.pick(services));
        } else {
            line["partner"] = json!(rng.pick(&PARTNERS));
        }
        lines.push(line);
    }
    // Cases of persons whose consent is given.
    for i in 0..45 {
        let person = rng.pick(&given).clone();
        let opened = rng.below(400) as i64;
        let mut line = json!({"type": "case", "id": format!("K-{i}"), "person": person,
            "team": rng.pick(&TEAMS), "opened_at": date_of(opened)});
        if rng.chance(80) {
            line["case_manager"] = json!(rng.pick(&MANAGERS));
        }
        if rng.chance(50) {
            line["labour_expert"] = json!(rng.pick(&MANAGERS));
        }
        line["eligibility"] = match rng.below(3) {
            0 => json!({"decision": "pending"}),
            1 => json!({"decision": "eligible", "at": date_of(opened + rng.below(60) as i64),
                "reasons": "Synthetic reasons"}),
            _ => json!({"decision": "not_eligible", "at": date_of(opened + rng.below(60) as i64),
                "reasons": "Synthetic reasons"}),
        };
        let mut interventions = Vec::new();
        for j in 0..rng.below(4) {
            let planned = opened + rng.below(90) as i64;
            let status = *rng.pick(&["planned", "in_progress", "done", "cancelled"]);
            let mut iv = json!({"id": format!("i{j}"), "need": rng.pick(&NEEDS),
                "planned_at": date_of(planned), "status": status});
            if status == "done" {
                iv["done_at"] = json!(date_of(planned + rng.below(40) as i64));
            }
            interventions.push(iv);
        }
        line["interventions"] = json!(interventions);
        if rng.chance(50) {
            line["closed_at"] = json!(date_of(opened + 20 + rng.below(200) as i64));
            line["outcome"] = json!(rng.pick(&OUTCOMES));
        }
        lines.push(line);
    }
    // Merges between persons met (both given consent).
    let merges = vec![
        (given[0].clone(), given[1].clone()),
        (given[2].clone(), given[3].clone()),
        (given[2].clone(), given[4].clone()),
    ];
    Pua { lines, merges }
}

// ------------------------------------------------ the figures, computed from the lines ----

fn rome_date(t: &str) -> NaiveDate {
    DateTime::parse_from_rfc3339(t)
        .unwrap()
        .with_timezone(&chrono_tz::Europe::Rome)
        .date_naive()
}

fn date(d: &str) -> NaiveDate {
    NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
}

fn rate(part: usize, whole: usize) -> Value {
    if whole == 0 {
        Value::Null
    } else {
        json!(part as f64 / whole as f64)
    }
}

fn median(mut v: Vec<i64>) -> Value {
    if v.is_empty() {
        return Value::Null;
    }
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        json!(v[n / 2] as f64)
    } else {
        json!((v[n / 2 - 1] + v[n / 2]) as f64 / 2.0)
    }
}

fn bump(map: &mut BTreeMap<String, u64>, key: &str) {
    *map.entry(key.to_string()).or_default() += 1;
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    x.as_str()
                        .map_or_else(|| x["code"].as_str().unwrap().into(), String::from)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every figure of `EXCHANGE.md` §2, as its text says, from the lines alone.
fn expected(pua: &Pua, orgs: &HashMap<String, String>, from: &str, to: &str) -> Value {
    let (from, to) = (date(from), date(to));
    let within = |d: NaiveDate| from <= d && d <= to;
    let by_end = |d: NaiveDate| d <= to;
    let survivor: HashMap<&str, &str> = pua
        .merges
        .iter()
        .map(|(s, m)| (m.as_str(), s.as_str()))
        .collect();
    let who = |p: &str| -> String { survivor.get(p).copied().unwrap_or(p).to_string() };
    let of_type = |t: &'static str| pua.lines.iter().filter(move |l| l["type"] == t);

    let mut contacts = 0u64;
    let (mut by_channel, mut by_sector, mut by_team, mut by_month) = (
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
    );
    let (mut needs, mut indicators) = (BTreeMap::new(), BTreeMap::new());
    let mut persons = HashSet::new();
    let mut reached = 0u64;
    let mut first: HashMap<String, NaiveDate> = HashMap::new();
    let mut workload: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    let referrals_of = |contact: &str| {
        of_type("referral")
            .filter(|r| r["contact"] == contact)
            .count() as u64
    };
    for c in of_type("contact") {
        let d = rome_date(c["occurred_at"].as_str().unwrap());
        if let Some(p) = c["person"].as_str() {
            let e = first.entry(who(p)).or_insert(d);
            *e = (*e).min(d);
        }
        if !within(d) {
            continue;
        }
        contacts += 1;
        bump(&mut by_channel, c["channel"].as_str().unwrap());
        bump(&mut by_sector, c["sector"].as_str().unwrap_or("unknown"));
        bump(&mut by_team, c["team"].as_str().unwrap());
        bump(&mut by_month, &d.format("%Y-%m").to_string());
        match c["who"].as_str().unwrap() {
            "person" => {
                persons.insert(who(c["person"].as_str().unwrap()));
            }
            "group" => reached += c["group"]["people"].as_u64().unwrap(),
            _ => reached += 1,
        }
        for n in strs(&c["needs"]) {
            bump(&mut needs, &n);
        }
        for i in strs(&c["indicators"]) {
            bump(&mut indicators, &i);
        }
        if let Some(a) = c["author"].as_str() {
            let w = workload.entry(a.to_string()).or_default();
            w[0] += 1;
            w[1] += referrals_of(c["id"].as_str().unwrap());
        }
    }
    let new_persons = first.values().filter(|d| within(**d)).count();

    let mut referrals = 0u64;
    let mut by_need = BTreeMap::new();
    let (mut answered, mut accepted, mut waiting) = (0usize, 0usize, 0u64);
    let mut days = Vec::new();
    let mut partners: BTreeMap<String, (u64, u64, u64, Vec<i64>)> = BTreeMap::new();
    for r in of_type("referral") {
        let history: Vec<(&str, NaiveDate)> = r["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["status"].as_str().unwrap(),
                    rome_date(h["at"].as_str().unwrap()),
                )
            })
            .collect();
        let sent = history
            .iter()
            .find(|(s, d)| *s == "sent" && by_end(*d))
            .map(|h| h.1);
        let answer = history
            .iter()
            .find(|(s, d)| (*s == "accepted" || *s == "declined") && by_end(*d))
            .copied();
        if let Some(s) = sent
            && answer.is_none()
            && (to - s).num_days() >= 8
        {
            waiting += 1;
        }
        if !within(history[0].1) {
            continue;
        }
        referrals += 1;
        bump(&mut by_need, r["need"].as_str().unwrap());
        let org = match r["service"].as_str() {
            Some(s) => orgs[s].clone(),
            None => r["partner"].as_str().unwrap().to_string(),
        };
        let p = partners.entry(org).or_default();
        p.0 += 1;
        if let Some((status, at)) = answer {
            answered += 1;
            if status == "accepted" {
                accepted += 1;
                p.1 += 1;
            } else {
                p.2 += 1;
            }
            if let Some(s) = sent {
                days.push((at - s).num_days());
                p.3.push((at - s).num_days());
            }
        }
    }

    let (mut opened, mut decided, mut eligible, mut active) = (0u64, 0usize, 0usize, 0u64);
    let (mut closed, mut emerged, mut planned, mut done) = (0usize, 0usize, 0usize, 0usize);
    let mut by_outcome = BTreeMap::new();
    for c in of_type("case") {
        let open = date(c["opened_at"].as_str().unwrap());
        let close = c["closed_at"].as_str().map(date).filter(|d| by_end(*d));
        if within(open) {
            opened += 1;
            let e = &c["eligibility"];
            let taken = e["at"].as_str().is_some_and(|d| by_end(date(d)));
            match e["decision"].as_str().unwrap() {
                "eligible" if taken => {
                    decided += 1;
                    eligible += 1;
                }
                "not_eligible" if taken => decided += 1,
                _ => {}
            }
        }
        if by_end(open) && close.is_none() {
            active += 1;
        }
        if let Some(d) = close
            && within(d)
        {
            closed += 1;
            let o = c["outcome"].as_str().unwrap();
            bump(&mut by_outcome, o);
            emerged += usize::from(o == "emerged");
        }
        for i in c["interventions"].as_array().into_iter().flatten() {
            if i["status"] != "cancelled" && within(date(i["planned_at"].as_str().unwrap())) {
                planned += 1;
                done += usize::from(i["done_at"].as_str().is_some_and(|d| by_end(date(d))));
            }
        }
        if by_end(open) && close.is_none_or(|d| d >= from) {
            let mut names: Vec<&str> = [&c["case_manager"], &c["labour_expert"]]
                .iter()
                .filter_map(|v| v.as_str())
                .collect();
            names.dedup();
            for n in names {
                workload.entry(n.to_string()).or_default()[2] += 1;
            }
        }
    }

    json!({
        "from": from.to_string(), "to": to.to_string(),
        "contacts": contacts,
        "contacts_by_channel": by_channel, "contacts_by_sector": by_sector,
        "contacts_by_team": by_team, "contacts_by_month": by_month,
        "people_reached": reached + persons.len() as u64,
        "new_persons": new_persons,
        "needs": needs, "indicators": indicators,
        "referrals": referrals, "referrals_by_need": by_need,
        "referral_acceptance_rate": rate(accepted, answered),
        "referral_median_days_to_answer": median(days),
        "referrals_waiting_at_end": waiting,
        "referrals_by_partner": partners.into_iter().map(|(k, (n, a, d, days))| (k, json!({
            "referrals": n, "accepted": a, "declined": d, "median_days_to_answer": median(days),
        }))).collect::<serde_json::Map<_, _>>(),
        "cases_opened": opened,
        "cases_eligible_rate": rate(eligible, decided),
        "cases_active_at_end": active,
        "cases_closed_by_outcome": by_outcome,
        "case_success_rate": rate(emerged, closed),
        "pip_implementation_rate": rate(done, planned),
        "workload": workload.into_iter().map(|(k, [c, r, k2])| (k, json!({
            "contacts": c, "referrals": r, "cases": k2,
        }))).collect::<serde_json::Map<_, _>>(),
    })
}

fn file(lines: &[Value]) -> Vec<u8> {
    lines
        .iter()
        .map(|l| l.to_string() + "\n")
        .collect::<String>()
        .into_bytes()
}

/// The demo directory's services and their organisations' names.
async fn directory(api: &Api) -> HashMap<String, String> {
    let dir: Value = api.get("/api/directory").await.json().await.unwrap();
    let names: HashMap<&str, &str> = dir["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["id"].as_str().unwrap(), o["name"].as_str().unwrap()))
        .collect();
    dir["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                names[s["organization_id"].as_str().unwrap()].to_string(),
            )
        })
        .collect()
}

/// A server of its own holding a generated PUA, imported as the central office.
async fn imported(seed: u64) -> (TestServer, Api, Pua, HashMap<String, String>) {
    let s = TestServer::start().await;
    s.add_user("centrale", Role::CentralOffice, "pua");
    let central = Api::login(&s, "centrale").await;
    let orgs = directory(&central).await;
    let mut services: Vec<String> = orgs.keys().cloned().collect();
    services.sort();
    let pua = generate(seed, &services);
    let res = central
        .client
        .post(format!("{}/api/exchange/import", central.base))
        .bearer_auth(&central.token)
        .header("content-type", "application/x-ndjson")
        .body(file(&pua.lines))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let report: Value = res.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{report}");
    (s, central, pua, orgs)
}

/// One generated PUA in a store of its own: imported, merged, and every figure of
/// several periods compared.
async fn check(seed: u64) {
    let (s, central, pua, orgs) = imported(seed).await;
    let internal = |ext: &str| {
        s.store
            .exchange_entry(ExchangeKind::Person, ext)
            .unwrap()
            .unwrap()
            .internal
    };
    for (survivor, merged) in &pua.merges {
        let body = json!({"survivor": internal(survivor), "merged": internal(merged),
            "reason": "same person (synthetic)", "keep": {}});
        let res = central.post_json("/api/persons/merge", &body).await;
        assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    }
    for (from, to) in [
        ("2025-09-01", "2026-12-31"),
        ("2026-07-01", "2026-09-30"),
        ("2025-10-01", "2025-12-31"),
        ("2026-01-01", "2026-01-31"),
        ("2026-03-29", "2026-03-29"),
        ("2026-10-25", "2026-11-03"),
        ("2024-01-01", "2024-03-31"),
    ] {
        let got: Value = central
            .get(&format!("/api/reports/summary?from={from}&to={to}"))
            .await
            .json()
            .await
            .unwrap();
        let want = expected(&pua, &orgs, from, to);
        for (key, value) in want.as_object().unwrap() {
            assert_eq!(&got[key], value, "{key} for {from}..{to} (seed {seed:x})");
        }
    }
}

#[tokio::test]
async fn the_summary_of_a_generated_pua_equals_its_figures_computed_from_the_raw_records() {
    check(0x5eed_0001).await;
}

#[tokio::test]
async fn the_summary_of_another_generated_pua_equals_its_figures_too() {
    check(0x5eed_0002).await;
}

#[tokio::test]
async fn a_bad_period_gets_a_400_and_only_the_central_office_reads_the_figures() {
    let s = TestServer::start().await;
    s.add_user("centrale", Role::CentralOffice, "pua");
    s.add_user("direzione", Role::Director, "pua");
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("revisore", Role::Auditor, "pua");
    let central = Api::login(&s, "centrale").await;
    for query in [
        "from=2026-07-01&to=2026-06-30",
        "from=2026-7-1&to=2026-09-30",
        "from=2026-07-01&to=2026-09-31",
        "from=2026-07-01",
        "to=2026-07-01",
        "from=2020-01-01&to=2025-01-01",
        "from=yesterday&to=today",
    ] {
        let res = central.get(&format!("/api/reports/summary?{query}")).await;
        assert_eq!(res.status(), 400, "{query}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_period", "{query}");
        assert!(!body["message"].as_str().unwrap().is_empty());
    }
    let ok = "/api/reports/summary?from=2021-01-01&to=2025-12-31";
    let empty: Value = central.get(ok).await.json().await.unwrap();
    assert_eq!(empty["contacts"], 0);
    assert!(empty["referral_acceptance_rate"].is_null());
    assert!(empty["pip_implementation_rate"].is_null());
    let director = Api::login(&s, "direzione").await;
    assert_eq!(director.get(ok).await.status(), 200);
    for who in ["marta", "revisore"] {
        let api = Api::login(&s, who).await;
        assert_eq!(api.get(ok).await.status(), 403, "{who}");
    }
}

#[tokio::test]
async fn the_dashboard_compares_with_the_quarter_before_and_its_tables_download_as_csv() {
    let (_server, central, _, _) = imported(0x5eed_0003).await;

    let q3 = "from=2026-07-01&to=2026-09-30";
    let d: Value = central
        .get(&format!("/api/reports/dashboard?{q3}"))
        .await
        .json()
        .await
        .unwrap();
    // The summary is the summary; the previous one is Q2's.
    let summary: Value = central
        .get(&format!("/api/reports/summary?{q3}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["summary"], summary);
    let q2: Value = central
        .get("/api/reports/summary?from=2026-04-01&to=2026-06-30")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(d["previous"], q2);
    // The seasonal picture adds up to the contacts, month by month.
    let seasonal = d["views"]["seasonal"].as_object().unwrap();
    assert_eq!(
        d["views"]["months"],
        json!(["2026-07", "2026-08", "2026-09"])
    );
    for (month, sectors) in seasonal {
        let n: u64 = sectors
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(json!(n), summary["contacts_by_month"][month], "{month}");
    }
    // The grid holds every contact with a place, in cells, never a point per contact.
    let cells = d["views"]["area"]["cells"].as_array().unwrap();
    let on_map: u64 = cells.iter().map(|c| c["contacts"].as_u64().unwrap()).sum();
    let without = d["views"]["area"]["without_place"].as_u64().unwrap();
    assert_eq!(json!(on_map + without), summary["contacts"]);
    // The funnel narrows.
    for f in d["views"]["funnel"].as_array().unwrap() {
        let n = |k: &str| f[k].as_u64().unwrap();
        assert!(
            n("proposed") >= n("sent") && n("sent") >= n("answered"),
            "{f}"
        );
        assert!(
            n("answered") >= n("accepted") && n("accepted") >= n("attended"),
            "{f}"
        );
        assert_eq!(
            json!(n("proposed")),
            summary["referrals_by_partner"][f["organisation"].as_str().unwrap()]["referrals"]
        );
    }
    // One team: only its contacts.
    let team = "Team A";
    let one: Value = central
        .get(&format!("/api/reports/dashboard?{q3}&team=Team%20A"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        one["summary"]["contacts"],
        summary["contacts_by_team"][team]
    );
    assert_eq!(
        one["summary"]["contacts_by_team"]
            .as_object()
            .unwrap()
            .len(),
        1
    );
    // Every table downloads as CSV; the seasonal one matches the view.
    for table in strada_shared::report::CSV_TABLES {
        let res = central
            .get(&format!("/api/reports/csv?table={table}&{q3}"))
            .await;
        assert_eq!(res.status(), 200, "{table}");
        assert!(
            res.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains(&format!("strada-{table}-2026-07-01-2026-09-30.csv"))
        );
        let text = res.text().await.unwrap();
        assert!(text.lines().count() >= 1, "{table}");
        if table == "seasonal" {
            let lines: Vec<&str> = text.lines().collect();
            assert!(lines[0].starts_with("month,agriculture,logistics"));
            let july: u64 = lines[1]
                .split(',')
                .skip(1)
                .map(|v| v.parse::<u64>().unwrap())
                .sum();
            assert_eq!(json!(july), summary["contacts_by_month"]["2026-07"]);
        }
        if table == "figures" {
            assert!(text.contains(&format!(
                "contacts,{},{}",
                summary["contacts"], q2["contacts"]
            )));
        }
    }
    let res = central
        .get(&format!("/api/reports/csv?table=secrets&{q3}"))
        .await;
    assert_eq!(res.status(), 400);
}

#[tokio::test]
async fn the_director_s_observations_are_kept_per_quarter_and_only_the_director_writes_them() {
    let s = TestServer::start().await;
    s.add_user("direzione", Role::Director, "pua");
    s.add_user("sociale", Role::SocialExpert, "pua");
    let director = Api::login(&s, "direzione").await;
    let path = "/api/reports/notes?period=2026-Q3";
    let empty: Value = director.get(path).await.json().await.unwrap();
    assert_eq!(empty["text"], "");
    assert!(empty["updated_at"].is_null());
    let text = "Vendemmia anticipata in Franciacorta; picco logistico a novembre (sintetico).";
    let res = director
        .client
        .put(format!("{}{path}", director.base))
        .bearer_auth(&director.token)
        .json(&json!({ "text": text }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["text"], text);
    assert_eq!(saved["by"], "direzione");
    // Kept across a restart, for that quarter only.
    let dir = s.stop().await;
    let s = TestServer::start_in(dir).await;
    let director = Api::login(&s, "direzione").await;
    let back: Value = director.get(path).await.json().await.unwrap();
    assert_eq!(back["text"], text);
    let other: Value = director
        .get("/api/reports/notes?period=2026-Q2")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["text"], "");
    // The social expert reads them but may not write them.
    let social = Api::login(&s, "sociale").await;
    assert_eq!(social.get(path).await.status(), 200);
    let res = social
        .client
        .put(format!("{}{path}", social.base))
        .bearer_auth(&social.token)
        .json(&json!({ "text": "no" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
    // A bad period, an unknown field, too long a text: clear 400s, nothing changed.
    for (query, body) in [
        ("period=2026-Q5", json!({"text": "x"})),
        ("period=Q3", json!({"text": "x"})),
        // Quarters of no year the records have (the attacker's eighth probe).
        ("period=0000-Q1", json!({"text": "x"})),
        ("period=1999-Q4", json!({"text": "x"})),
        ("period=9999-Q4", json!({"text": "x"})),
        ("period=2026-Q3", json!({"text": "x", "extra": 1})),
        (
            "period=2026-Q3",
            json!({"text": "x".repeat(strada_shared::report::MAX_NOTE_CHARS + 1)}),
        ),
    ] {
        let res = director
            .client
            .put(format!("{}/api/reports/notes?{query}", director.base))
            .bearer_auth(&director.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{query}");
    }
    let back: Value = director.get(path).await.json().await.unwrap();
    assert_eq!(back["text"], text);
    // Control characters and direction overrides are not kept; lines are.
    let res = director
        .client
        .put(format!("{}{path}", director.base))
        .bearer_auth(&director.token)
        .json(&json!({"text": "nota \u{202e}rovesciata\u{0}\u{7}\nriga due", "based_on": back["updated_at"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let back: Value = director.get(path).await.json().await.unwrap();
    assert_eq!(back["text"], "nota rovesciata\nriga due");
}

#[tokio::test]
async fn the_anonymous_export_publishes_no_figure_under_eleven_people() {
    let (s, central, _, _) = imported(0x5eed_0004).await;
    // One calendar quarter only (an attacker's probe: January from its first and from
    // its second day differed by one person, a count the export hides).
    for period in [
        "from=2026-01-01&to=2026-01-31",
        "from=2026-01-02&to=2026-03-31",
        "from=2026-01-01&to=2026-06-30",
        "from=2026-02-01&to=2026-04-30",
        "from=2025-09-01&to=2026-12-31",
    ] {
        let res = central
            .get(&format!("/api/reports/anonymous?{period}"))
            .await;
        assert_eq!(res.status(), 400, "{period}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_period");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("calendar quarter")
        );
    }
    let res = central
        .get("/api/reports/anonymous?from=2026-07-01&to=2026-09-30")
        .await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = res.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("table,row,column,count"));
    let mut published = 0;
    let mut hidden = 0;
    let mut tables = HashSet::new();
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        tables.insert(fields[0].to_string());
        match fields.last().unwrap().parse::<u64>() {
            Ok(n) => {
                assert!(n >= 11, "{line}");
                published += 1;
            }
            Err(_) => hidden += 1,
        }
    }
    assert!(published > 0 && hidden > 0, "{text}");
    assert_eq!(tables.len(), 3, "{tables:?}");
    // Published once: a contact dated back into the quarter since changes nothing of
    // it (the attacker's fifteenth probe: two exports one contact apart gave that one
    // person away).
    let late = json!({"type": "contact", "id": "C-late", "team": TEAMS[0],
        "occurred_at": "2026-08-14T09:00:00Z", "who": "anonymous", "channel": "phone",
        "sector": "construction", "needs": ["food"]});
    let res = central
        .client
        .post(format!("{}/api/exchange/import", central.base))
        .bearer_auth(&central.token)
        .header("content-type", "application/x-ndjson")
        .body(file(&[late]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let again = central
        .get("/api/reports/anonymous?from=2026-07-01&to=2026-09-30")
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(again, text);
    // A quarter not over yet is not published.
    let today = chrono::Utc::now().date_naive();
    let first = chrono::NaiveDate::from_ymd_opt(
        chrono::Datelike::year(&today),
        (chrono::Datelike::month(&today) - 1) / 3 * 3 + 1,
        1,
    )
    .unwrap();
    let last = first
        .checked_add_months(chrono::Months::new(3))
        .unwrap()
        .pred_opt()
        .unwrap();
    let res = central
        .get(&format!("/api/reports/anonymous?from={first}&to={last}"))
        .await;
    assert_eq!(res.status(), 400);
    assert_eq!(super::error_code(res).await.1, "quarter_not_over");
    // No alias, no note, no place: counts only.
    assert!(!text.contains("Synthetic person"));
    // Field workers never export it.
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let marta = Api::login(&s, "marta").await;
    assert_eq!(
        marta
            .get("/api/reports/anonymous?from=2026-07-01&to=2026-09-30")
            .await
            .status(),
        403
    );
}

/// A new user's walk: the director and the central office saved a quarter's
/// observations one after the other, and the director's went without a word. A save
/// says what it was written over; when that changed meanwhile, nothing is written.
#[tokio::test]
async fn observations_saved_meanwhile_by_a_colleague_are_never_overwritten_unseen() {
    let s = TestServer::start().await;
    s.add_user("direzione", Role::Director, "pua");
    s.add_user("admin", Role::CentralOffice, "pua");
    let director = Api::login(&s, "direzione").await;
    let admin = Api::login(&s, "admin").await;
    let path = "/api/reports/notes?period=2026-Q3";
    let put = |api: &Api, body: Value| {
        api.client
            .put(format!("{}{path}", api.base))
            .bearer_auth(&api.token)
            .json(&body)
            .send()
    };
    // Both read "none yet"; the director saves first.
    let res = put(
        &director,
        json!({"text": "Synthetic: the director's", "based_on": ""}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let first: Value = res.json().await.unwrap();
    let res = put(
        &admin,
        json!({"text": "Synthetic: the office's", "based_on": ""}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 409);
    assert_eq!(super::error_code(res).await.1, "note_changed");
    let kept: Value = admin.get(path).await.json().await.unwrap();
    assert_eq!(kept["text"], "Synthetic: the director's");
    // Written over what is now stored: saved.
    let res = put(
        &admin,
        json!({"text": "Synthetic: the office's", "based_on": first["updated_at"]}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), 200);
    let kept: Value = director.get(path).await.json().await.unwrap();
    assert_eq!(kept["text"], "Synthetic: the office's");
}
