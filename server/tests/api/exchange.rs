//! The PUA exchange format (issue 11 §4, `EXCHANGE.md` §1): an import over HTTP and from
//! the command line makes real documents that the team's devices pull and the central
//! records list; all or nothing, every invalid line by number, field and reason and
//! never its content; idempotent by external id; references in any order and to stored
//! records; export → import into an empty store → export gives the same lines.

use automerge::AutoCommit;
use reqwest::StatusCode;
use serde_json::{Value, json};
use strada_server::storage::{ExchangeKind, Store};
use strada_server::testing::{TempDir, TestServer};
use strada_shared::domain::{PersonRef, Role};
use strada_shared::schema::{self, ContactDoc, DocType, PersonDoc, ReferralDoc};
use strada_shared::vocab::ConsentStatus;

use crate::consent::{accepted, person, referral};
use crate::helpers::{Api, contact_for};

/// A file with every type and every optional field, in an order where records come
/// before what they refer to and after it.
fn full_file() -> Vec<Value> {
    vec![
        json!({"type": "referral", "id": "R-1", "team": "bergamo-1", "contact": "C-1",
            "person": "P-1", "need": "shelter", "service": "svc-ponte-mensa",
            "history": [
                {"status": "proposed", "at": "2025-06-01T09:00:00+02:00"},
                {"status": "sent", "at": "2025-06-02T09:00:00+02:00"},
                {"status": "accepted", "at": "2025-06-04T09:00:00+02:00"},
                {"status": "attended", "at": "2025-06-10T09:00:00+02:00"},
                {"status": "closed", "at": "2025-06-20T09:00:00+02:00"}],
            "outcome": "Synthetic outcome"}),
        json!({"type": "contact", "id": "C-1", "team": "bergamo-1", "author": "marta",
            "occurred_at": "2025-06-01T08:30:00+02:00", "place": {"lat": 45.69, "lon": 9.67},
            "who": "person", "person": "P-1", "channel": "itinerant_unit",
            "sector": "agriculture", "workplace": "serra", "needs": ["shelter", "food"],
            "indicators": [{"code": "withholding_of_wages", "note": "paid half"},
                           {"code": "isolation"}],
            "materials": ["water", "info_leaflet"], "language": "ar", "mediator": "present",
            "follow_up": "needed", "note": "Synthetic note"}),
        json!({"type": "team", "id": "bergamo-1", "name": "Unità di strada Bergamo",
            "area": "Bassa bergamasca"}),
        json!({"type": "team", "id": "Bassa 2", "name": "Unità mobile"}),
        json!({"type": "person", "id": "P-1", "team": "bergamo-1", "aliases": ["Karim", "كريم"],
            "birth_year": 1990, "birth_year_estimated": true, "gender": "man", "country": "MA",
            "languages": ["ar", "fr"], "phone": "+39 000 0000001", "documents": "expired",
            "usual_place": "Synthetic farm road",
            "consent": {"status": "given", "at": "2025-05-30T10:00:00+02:00",
                        "partners": ["pua", "referral_services"]},
            "created_at": "2025-05-30T10:00:00+02:00"}),
        json!({"type": "person", "id": "P-2", "team": "Bassa 2", "aliases": [],
            "consent": {"status": "refused", "at": "2025-05-30T10:00:00Z"},
            "created_at": "2025-05-30T10:00:00Z"}),
        json!({"type": "contact", "id": "C-2", "team": "Bassa 2", "author": "Giulia Rossi",
            "occurred_at": "2025-06-02T08:30:00Z", "who": "group",
            "group": {"people": 6, "women": 2, "men": 3, "minors": 1}, "channel": "street",
            "needs": ["hygiene"]}),
        json!({"type": "contact", "id": "C-3", "team": "Bassa 2",
            "occurred_at": "2025-06-03T08:30:00Z", "who": "anonymous", "channel": "phone",
            "needs": ["legal_aid"]}),
        json!({"type": "referral", "id": "R-2", "team": "Bassa 2", "contact": "C-2",
            "need": "hygiene", "partner": "Synthetic association",
            "history": [{"status": "proposed", "at": "2025-06-02T09:00:00Z"}]}),
    ]
}

fn file(lines: &[Value]) -> Vec<u8> {
    lines
        .iter()
        .map(|l| l.to_string() + "\n")
        .collect::<String>()
        .into_bytes()
}

async fn import(api: &Api, body: Vec<u8>, dry_run: bool) -> (StatusCode, Value) {
    let res = api
        .client
        .post(format!(
            "{}/api/exchange/import?dry_run={dry_run}",
            api.base
        ))
        .bearer_auth(&api.token)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap())
}

async fn import_ok(api: &Api, body: Vec<u8>) -> Value {
    let (status, report) = import(api, body, false).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["ok"], true);
    report
}

async fn export(api: &Api) -> String {
    let res = api.get("/api/exchange/export").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/x-ndjson"
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    res.text().await.unwrap()
}

async fn json_of(api: &Api, path: &str) -> Value {
    let res = api.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.unwrap()
}

fn counts(report: &Value, what: &str) -> [u64; 4] {
    ["team", "person", "contact", "referral"].map(|t| report[what][t].as_u64().unwrap())
}

/// A server with a central office account and a field worker of team `bergamo-1`.
async fn server() -> (TestServer, Api) {
    let s = TestServer::start().await;
    s.add_user("admin", Role::CentralOffice, "pua");
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let admin = Api::login(&s, "admin").await;
    (s, admin)
}

fn exported_line<'a>(lines: &'a [Value], kind: &str, id: &str) -> &'a Value {
    lines
        .iter()
        .find(|l| l["type"] == kind && l["id"] == id)
        .unwrap_or_else(|| panic!("no {kind} {id} exported"))
}

fn parse_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn a_full_file_becomes_documents_the_team_pulls_and_the_central_records_list() {
    let (s, admin) = server().await;
    let marta = Api::login(&s, "marta").await;
    // Marta's phone listens to her team's feed.
    let ticket: Value = marta
        .post_json("/api/sync/events-ticket", &Value::Null)
        .await
        .json()
        .await
        .unwrap();
    let mut live = reqwest::get(s.url(&format!(
        "/api/sync/events?ticket={}",
        ticket["ticket"].as_str().unwrap()
    )))
    .await
    .unwrap();
    assert_eq!(crate::next_feed_event(&mut live).await, "0");

    let report = import_ok(&admin, file(&full_file())).await;
    assert_eq!(counts(&report, "created"), [2, 2, 3, 2]);
    assert_eq!(counts(&report, "updated"), [0; 4]);
    assert_eq!(report["errors"], json!([]));

    // The central records list every record.
    let persons = json_of(&admin, "/api/persons").await;
    assert_eq!(persons["total"], 2);
    let contacts = json_of(&admin, "/api/contacts").await;
    assert_eq!(contacts["total"], 3);
    let referrals = json_of(&admin, "/api/referrals").await;
    assert_eq!(referrals["total"], 2);
    let c1 = contacts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["note"] == "Synthetic note")
        .expect("C-1 listed");
    assert_eq!(c1["person"]["alias"], "Karim");
    assert_eq!(c1["team"], "bergamo-1");
    assert_eq!(c1["indicators"].as_array().unwrap().len(), 2);
    let r1 = referrals["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["service_id"] == "svc-ponte-mensa")
        .expect("R-1 listed");
    assert_eq!(r1["status"], "closed");
    assert_eq!(r1["partner"], "Associazione Sintetica Ponte");
    assert_eq!(r1["contact"], c1["id"]);

    // Marta's phone heard the feed move, and pulls her team's three records as
    // documents of their types.
    let page = marta.pull_ok(0, 0).await;
    assert_eq!(
        crate::next_feed_event(&mut live).await,
        page.head.to_string()
    );
    assert_eq!(page.docs.len(), 3);
    for d in &page.docs {
        let doc = AutoCommit::load(&d.data.0).unwrap();
        match d.doc_type {
            DocType::Person => {
                let p: PersonDoc = schema::read(&doc).unwrap();
                assert_eq!(p.aliases, vec!["Karim", "كريم"]);
                assert_eq!(p.country, "MA");
                assert_eq!(p.languages, vec!["ar", "fr"]);
                assert_eq!(p.consent.partners, vec!["pua", "referral_services"]);
            }
            DocType::Contact => {
                let c: ContactDoc = schema::read(&doc).unwrap();
                let marta_id = s.store.user_by_name("marta").unwrap().unwrap().id;
                assert_eq!(
                    c.author, marta_id,
                    "an author with an account is that account"
                );
                assert_eq!(c.group, None);
            }
            DocType::Referral => {
                let r: ReferralDoc = schema::read(&doc).unwrap();
                assert_eq!(r.history.len(), 4);
                assert_eq!(r.status, strada_shared::schema::ReferralStatus::Closed);
            }
            other => panic!("a field device never receives a {other:?}"),
        }
    }
    // The other team's records are not hers; its slug is derived from its id.
    let teams = s.store.exchange_entries(ExchangeKind::Team).unwrap();
    let bassa = teams.iter().find(|t| t.external == "Bassa 2").unwrap();
    assert!(bassa.internal.starts_with("bassa-2-"), "{}", bassa.internal);
    assert_eq!(bassa.name.as_deref(), Some("Unità mobile"));
    // The import is in the audit log, with a count and no content.
    let acts: Vec<_> = strada_server::audit::entries(s.store.as_ref(), 0, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.entry.act == strada_server::audit::Act::Import)
        .collect();
    assert_eq!(acts.len(), 1);
    assert_eq!(acts[0].entry.count, 9);
}

#[tokio::test]
async fn the_same_file_twice_changes_nothing_and_a_changed_line_updates_its_document() {
    let (s, admin) = server().await;
    let marta = Api::login(&s, "marta").await;
    import_ok(&admin, file(&full_file())).await;
    let head = s.store.feed_head().unwrap();
    let first = marta.pull_ok(0, 0).await;

    let again = import_ok(&admin, file(&full_file())).await;
    assert_eq!(counts(&again, "created"), [0; 4]);
    assert_eq!(counts(&again, "updated"), [0; 4]);
    assert_eq!(counts(&again, "unchanged"), [2, 2, 3, 2]);
    assert_eq!(s.store.feed_head().unwrap(), head, "no new feed position");
    assert!(
        marta
            .pull_ok(first.cursor, first.cursor)
            .await
            .docs
            .is_empty()
    );

    // One line changed: its document gets an ordinary change, the others stay.
    let mut lines = full_file();
    lines[1]["note"] = json!("Synthetic note, corrected");
    lines[2]["name"] = json!("Unità di strada Bergamo Est");
    let changed = import_ok(&admin, file(&lines)).await;
    assert_eq!(counts(&changed, "updated"), [1, 0, 1, 0]);
    assert_eq!(counts(&changed, "unchanged"), [1, 2, 2, 2]);
    assert_eq!(s.store.feed_head().unwrap(), head + 1);
    let next = marta.pull_ok(first.cursor, first.cursor).await;
    assert_eq!(next.docs.len(), 1);
    assert!(!next.docs[0].snapshot, "the change, not a new document");
    let contacts = json_of(&admin, "/api/contacts").await;
    assert!(
        contacts["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["note"] == "Synthetic note, corrected")
    );
    assert_eq!(contacts["total"], 3);
}

#[tokio::test]
async fn a_file_with_invalid_lines_stores_nothing_and_reports_each_without_its_content() {
    let (s, admin) = server().await;
    let secret = "Zebulon-Quintavalle";
    let lines = [
        json!({"type": "team", "id": "bergamo-1", "name": "Bergamo"}).to_string(),
        json!({"type": "person", "id": "P-9", "team": "bergamo-1", "aliases": [secret],
            "country": "Zebulonia", "consent": {"status": "given", "at": "2025-05-30T10:00:00Z"},
            "created_at": "2025-05-30T10:00:00Z"})
        .to_string(),
        json!({"type": "contact", "id": "C-9", "team": "bergamo-1",
            "occurred_at": "2025-06-01T08:30:00Z", "who": "anonymous", "channel": "street",
            "needs": ["food"], "nickname": secret})
        .to_string(),
        json!({"type": "case", "id": "K-1", "person": "P-9", "team": "bergamo-1",
            "opened_at": "2025-06-01", "eligibility": {"decision": "pending"}})
        .to_string(),
        json!({"type": "referral", "id": "R-9", "team": "bergamo-1", "contact": "C-8",
            "need": "food", "partner": secret,
            "history": [{"status": "sent", "at": "2025-06-01T08:30:00Z"}]})
        .to_string(),
        json!({"type": "contact", "id": "C-8", "team": "bergamo-1",
            "occurred_at": "2025-06-01T08:30:00Z", "who": "group", "group": {"people": 1},
            "channel": "street", "needs": ["food"], "note": secret})
        .to_string(),
        json!({"type": "contact", "id": "C-7", "team": "bergamo-1",
            "occurred_at": "2025-06-01T08:30:00Z", "who": "person", "person": "P-404",
            "channel": "street", "needs": ["food"], "note": secret})
        .to_string(),
        format!("{{\"type\": \"person\", \"id\": \"{secret}"),
        json!({"type": "job_offer", "id": "J-1", "employer": secret, "sector": "agriculture",
            "positions": 3})
        .to_string(),
        json!({"type": "contact", "id": "C-6", "team": "nowhere",
            "occurred_at": "2025-06-01T08:30:00Z", "who": "anonymous", "channel": "street",
            "needs": [secret]})
        .to_string(),
        // Valid, naming a contact of an invalid line: not reported a second time.
        json!({"type": "referral", "id": "R-8", "team": "bergamo-1", "contact": "C-8",
            "need": "food", "partner": "Banco sintetico",
            "history": [{"status": "proposed", "at": "2025-06-01T08:30:00Z"}]})
        .to_string(),
    ];
    let body = (lines.join("\n") + "\n").into_bytes();
    for dry_run in [true, false] {
        let (status, report) = import(&admin, body.clone(), dry_run).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(report["ok"], false);
        let errors: Vec<(u64, &str)> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                assert!(!e["reason"].as_str().unwrap().is_empty());
                (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap())
            })
            .collect();
        assert_eq!(
            errors,
            vec![
                (2, "country"),
                (3, "nickname"),
                (4, "type"),
                (5, "history[0].status"),
                (6, "group.people"),
                (7, "person"),
                (8, ""),
                (9, "type"),
                (10, "needs[0]"),
            ]
        );
        assert_eq!(
            report["errors"][2]["reason"],
            "not supported by this version yet"
        );
        assert!(
            !report.to_string().contains("Zebulon"),
            "the report quotes a value: {report}"
        );
        assert_eq!(counts(&report, "created"), [0; 4]);
    }
    // Nothing stored: no document, no feed position, no id kept.
    assert!(s.store.doc_ids().unwrap().is_empty());
    assert_eq!(s.store.feed_head().unwrap(), 0);
    assert!(
        s.store
            .exchange_entries(ExchangeKind::Team)
            .unwrap()
            .is_empty()
    );
    // The valid lines alone import.
    import_ok(&admin, lines[0].clone().into_bytes()).await;
}

#[tokio::test]
async fn an_exchange_file_may_be_larger_than_other_bodies_up_to_its_own_limit() {
    let (s, admin) = server().await;
    // 9 MB (over the 8 MB of other bodies): blank lines, then a team.
    let mut body = vec![b'\n'; 9 * 1024 * 1024];
    body.extend_from_slice(br#"{"type":"team","id":"bergamo-1","name":"Bergamo"}"#);
    let report = import_ok(&admin, body).await;
    assert_eq!(counts(&report, "created"), [1, 0, 0, 0]);
    let (status, body) = import(&admin, vec![b'\n'; 33 * 1024 * 1024], false).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"], "file_too_large");
    drop(s);
}

#[tokio::test]
async fn an_unknown_field_is_refused_not_ignored() {
    let (s, admin) = server().await;
    let mut lines = full_file();
    lines[4]["consent"]["recorded_by"] = json!("marta");
    let (status, report) = import(&admin, file(&lines), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        report["errors"],
        json!([{"line": 5, "field": "consent.recorded_by", "reason": "unknown field"}])
    );
    assert!(s.store.doc_ids().unwrap().is_empty());
}

#[tokio::test]
async fn references_resolve_in_any_order_and_to_records_already_in_the_store() {
    let (s, admin) = server().await;
    let marta_user = s.store.user_by_name("marta").unwrap().unwrap();
    let marta = Api::login(&s, "marta").await;
    // A contact Marta's phone recorded: never imported, named by its Strada id.
    let pushed = contact_for(&marta_user, 1);
    accepted(&marta.push_one(&mut marta.typed(&pushed)).await);
    // First file: persons and contacts.
    let all = full_file();
    let first: Vec<Value> = all
        .iter()
        .filter(|l| l["type"] != "referral")
        .cloned()
        .collect();
    import_ok(&admin, file(&first)).await;
    // Second file: referrals naming a contact of the first file, a person of it, and
    // the contact the phone pushed — before the team line they name.
    let second = vec![
        json!({"type": "referral", "id": "R-10", "team": "bergamo-1", "contact": "C-1",
            "person": "P-1", "need": "food", "partner": "Banco sintetico",
            "history": [{"status": "proposed", "at": "2025-06-01T09:00:00Z"}]}),
        json!({"type": "referral", "id": "R-11", "team": "bergamo-1",
            "contact": pushed.id.to_string(), "need": "food", "partner": "Banco sintetico",
            "history": [{"status": "proposed", "at": "2025-10-10T09:00:00Z"},
                        {"status": "closed", "at": "2025-10-11T09:00:00Z"}]}),
        json!({"type": "team", "id": "bergamo-1", "name": "Unità di strada Bergamo",
            "area": "Bassa bergamasca"}),
    ];
    let report = import_ok(&admin, file(&second)).await;
    assert_eq!(counts(&report, "created"), [0, 0, 0, 2]);
    assert_eq!(counts(&report, "unchanged"), [1, 0, 0, 0]);
    let referrals = json_of(&admin, "/api/referrals").await;
    let contacts: Vec<&str> = referrals["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["contact"].as_str().unwrap())
        .collect();
    assert!(contacts.contains(&pushed.id.to_string().as_str()));
    // A reference to another team's record answers like one to nothing of the team.
    let third = vec![json!({"type": "referral", "id": "R-12", "team": "Bassa 2",
        "contact": "C-1", "need": "food", "partner": "Banco sintetico",
        "history": [{"status": "proposed", "at": "2025-06-01T09:00:00Z"}]})];
    let (status, report) = import(&admin, file(&third), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(report["errors"][0]["field"], "contact");
}

#[tokio::test]
async fn withdrawn_consent_is_exported_with_no_alias_and_no_identifying_field() {
    let (s, admin) = server().await;
    let given = json!({"type": "person", "id": "P-W", "team": "bergamo-1",
        "aliases": ["Amadou"], "gender": "man", "languages": ["wo"],
        "consent": {"status": "given", "at": "2025-05-30T10:00:00Z", "partners": ["pua"]},
        "created_at": "2025-05-30T10:00:00Z"});
    let contact = json!({"type": "contact", "id": "C-W", "team": "bergamo-1",
        "occurred_at": "2025-06-01T08:30:00Z", "who": "person", "person": "P-W",
        "channel": "street", "needs": ["food"], "note": "met Amadou at the farm"});
    let team = json!({"type": "team", "id": "bergamo-1", "name": "Bergamo"});
    import_ok(&admin, file(&[team.clone(), given, contact.clone()])).await;
    // The person withdraws: the next file says so, the contact line as before.
    let withdrawn = json!({"type": "person", "id": "P-W", "team": "bergamo-1",
        "aliases": [], "consent": {"status": "withdrawn", "at": "2025-07-01T10:00:00Z"},
        "created_at": "2025-05-30T10:00:00Z"});
    let second = file(&[team, withdrawn, contact]);
    let report = import_ok(&admin, second.clone()).await;
    assert_eq!(counts(&report, "updated"), [0, 1, 0, 0]);
    // The withdrawal reached the contact that named him, as a push's would.
    let contacts = json_of(&admin, "/api/contacts").await;
    let c = &contacts["items"][0];
    assert_eq!(c["person"]["kind"], "anonymous");
    assert!(!c["note"].as_str().unwrap().contains("Amadou"), "{c}");
    // The same file again does not bring the name back.
    let again = import_ok(&admin, second).await;
    assert_eq!(counts(&again, "unchanged"), [1, 1, 1, 0]);
    let text = export(&admin).await;
    assert!(!text.contains("Amadou"));
    let lines = parse_lines(&text);
    let p = exported_line(&lines, "person", "P-W");
    assert_eq!(p["aliases"], json!([]));
    for field in [
        "birth_year",
        "birth_year_estimated",
        "gender",
        "country",
        "languages",
        "phone",
        "documents",
        "usual_place",
    ] {
        assert!(p.get(field).is_none(), "{field} exported: {p}");
    }
    assert_eq!(p["consent"]["status"], "withdrawn");
    assert!(p["consent"].get("partners").is_none());
    let c = exported_line(&lines, "contact", "C-W");
    assert_eq!((&c["who"], &c["person"]), (&json!("person"), &json!("P-W")));
    drop(s);
}

#[tokio::test]
async fn export_then_import_into_an_empty_store_gives_the_same_lines() {
    let (a, admin_a) = server().await;
    // Store A: records written on a phone (never imported) and imported ones.
    let marta_user = a.store.user_by_name("marta").unwrap().unwrap();
    let marta = Api::login(&a, "marta").await;
    let mut p = person(&marta_user, 1, "Ousmane");
    p.country = "Senegal, as he says it".into();
    p.languages = vec!["wo".into(), "wolof-as-typed".into()];
    accepted(&marta.push_one(&mut marta.typed(&p)).await);
    let c = ContactDoc {
        person: PersonRef::Alias("Ousmane".into()),
        person_id: Some(p.id),
        ..contact_for(&marta_user, 2)
    };
    accepted(&marta.push_one(&mut marta.typed(&c)).await);
    let mut r = referral(&marta_user, 3, c.id);
    assert!(r.move_to(
        strada_shared::schema::ReferralStatus::Sent,
        r.created_at + 3_600_000,
        marta_user.id
    ));
    accepted(&marta.push_one(&mut marta.typed(&r)).await);
    import_ok(&admin_a, file(&full_file())).await;
    let exported = export(&admin_a).await;
    let lines = parse_lines(&exported);
    assert_eq!(lines.len(), 2 + 3 + 4 + 3);
    // The phone's person: Strada ids, the free-text country left out, ISO codes only.
    let op = exported_line(&lines, "person", &p.id.to_string());
    assert!(op.get("country").is_none());
    assert_eq!(op["languages"], json!(["wo"]));
    let oc = exported_line(&lines, "contact", &c.id.to_string());
    assert_eq!(oc["author"], "marta");
    let or = exported_line(&lines, "referral", &r.id.to_string());
    assert_eq!(or["history"][0]["status"], "proposed");
    assert_eq!(or["history"][1]["status"], "sent");

    // Into an empty store, then out again: the same lines.
    let b = TestServer::start().await;
    b.add_user("admin", Role::CentralOffice, "pua");
    let admin_b = Api::login(&b, "admin").await;
    let report = import_ok(&admin_b, exported.clone().into_bytes()).await;
    assert_eq!(counts(&report, "created"), [2, 3, 4, 3]);
    assert_eq!(export(&admin_b).await, exported);
    // And into the store it came from: nothing to change (what the format does not
    // carry — the country as said, a typed language — stays).
    let back = import_ok(&admin_a, exported.into_bytes()).await;
    assert_eq!(counts(&back, "unchanged"), [2, 3, 4, 3]);
    let stored: PersonDoc =
        schema::read(&AutoCommit::load(&a.store.doc(p.id).unwrap().unwrap().bytes).unwrap())
            .unwrap();
    assert_eq!(stored.country, "Senegal, as he says it");
}

#[tokio::test]
async fn a_dry_run_reports_what_it_would_do_and_stores_nothing() {
    let (s, admin) = server().await;
    let (status, report) = import(&admin, file(&full_file()), true).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (&report["ok"], &report["dry_run"]),
        (&json!(true), &json!(true))
    );
    assert_eq!(counts(&report, "created"), [2, 2, 3, 2]);
    assert!(s.store.doc_ids().unwrap().is_empty());
    assert_eq!(s.store.feed_head().unwrap(), 0);
    assert!(
        s.store
            .exchange_entries(ExchangeKind::Person)
            .unwrap()
            .is_empty()
    );
    // The real run after it creates the same.
    let real = import_ok(&admin, file(&full_file())).await;
    assert_eq!(counts(&real, "created"), [2, 2, 3, 2]);
}

#[tokio::test]
async fn only_the_central_office_imports_and_exports() {
    let (s, _admin) = server().await;
    s.add_user("revisore", Role::Auditor, "pua");
    for name in ["marta", "revisore"] {
        let api = Api::login(&s, name).await;
        let (status, _) = import(&api, file(&full_file()), false).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{name}");
        let res = api.get("/api/exchange/export").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{name}");
    }
    assert!(s.store.doc_ids().unwrap().is_empty());
}

fn cli(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_strada-server"))
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[tokio::test]
async fn the_command_line_imports_and_exports_with_the_server_stopped() {
    let work = TempDir::new("strada-exchange-cli");
    let (a, b) = (work.0.join("a"), work.0.join("b"));
    let input = work.0.join("in.jsonl");
    std::fs::write(&input, file(&full_file())).unwrap();
    let input = input.to_str().unwrap();

    let (ok, out, err) = cli(&a, &["import", input, "--dry-run"]);
    assert!(ok, "{err}");
    assert!(out.contains("dry run"), "{out}");
    let (ok, out, err) = cli(&a, &["import", input]);
    assert!(ok, "{err}");
    assert!(out.contains("contact   created      3"), "{out}");
    let (ok, out, _) = cli(&a, &["import", input]);
    assert!(ok);
    assert!(
        out.contains("referral  created      0  updated      0  unchanged      2"),
        "{out}"
    );

    let exported = work.0.join("out.jsonl");
    let (ok, _, err) = cli(&a, &["export", "--out", exported.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert!(err.contains("Exported: 3 contact"), "{err}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&exported).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the file holds personal data");
    let first = std::fs::read_to_string(&exported).unwrap();
    assert_eq!(parse_lines(&first).len(), 9);
    // Standard output by default; into an empty store and out again: the same lines.
    let (ok, stdout, _) = cli(&a, &["export"]);
    assert!(ok);
    assert_eq!(stdout, first);
    let (ok, _, err) = cli(&b, &["import", exported.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (_, again, _) = cli(&b, &["export"]);
    assert_eq!(again, first);

    // Invalid lines: each printed by number, field and reason; nothing stored; an error.
    let bad = work.0.join("bad.jsonl");
    let mut lines = full_file();
    lines[4]["country"] = json!("Zebulonia");
    lines[6]["group"]["people"] = json!(0);
    std::fs::write(&bad, file(&lines)).unwrap();
    let c = work.0.join("c");
    let (ok, out, err) = cli(&c, &["import", bad.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        out.contains("line 5: country: not an ISO 3166-1 alpha-2 country code"),
        "{out}"
    );
    assert!(out.contains("line 7: group.people: "), "{out}");
    assert!(
        err.contains("2 invalid line(s): nothing was stored"),
        "{err}"
    );
    assert!(!out.contains("Zebulonia") && !err.contains("Zebulonia"));
    let (_, empty, _) = cli(&c, &["export"]);
    assert_eq!(empty, "");
}

#[tokio::test]
async fn the_command_line_refuses_while_the_server_runs() {
    let s = TestServer::start_administered().await;
    let work = TempDir::new("strada-exchange-cli");
    let input = work.0.join("in.jsonl");
    std::fs::write(&input, file(&full_file())).unwrap();
    for args in [vec!["import", input.to_str().unwrap()], vec!["export"]] {
        let (ok, _, err) = cli(&s.dir, &args);
        assert!(!ok);
        assert!(err.contains("is another server using it?"), "{err}");
    }
    assert!(s.store.doc_ids().unwrap().is_empty());
}

#[tokio::test]
async fn a_withdrawn_person_recorded_on_a_phone_exports_with_consent_only() {
    let (s, admin) = server().await;
    let marta_user = s.store.user_by_name("marta").unwrap().unwrap();
    let marta = Api::login(&s, "marta").await;
    let p = person(&marta_user, 1, "Ibrahim");
    let mut d = marta.typed(&p);
    accepted(&marta.push_one(&mut d).await);
    let mut gone = p.clone();
    gone.withdraw_consent(p.created_at + 1_000, marta_user.id);
    schema::update(&mut d.doc, &gone).unwrap();
    accepted(&marta.push_one(&mut d).await);
    let lines = parse_lines(&export(&admin).await);
    let line = exported_line(&lines, "person", &p.id.to_string());
    assert_eq!(line["aliases"], json!([]));
    assert_eq!(
        line["consent"]["status"],
        strada_shared::vocab::Code::code(ConsentStatus::Withdrawn)
    );
    // type, id, team, aliases, consent, created_at: nothing else.
    assert_eq!(line.as_object().unwrap().len(), 6, "{line}");
}
