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
use strada_shared::schema::{
    self, CaseDoc, ContactDoc, DocType, JobOfferDoc, PersonDoc, ReferralDoc,
};
use strada_shared::vocab::{ConsentStatus, Decision, InterventionStatus, Outcome};

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
    // The author as the file gave it, on the contact's page.
    let one = json_of(
        &admin,
        &format!("/api/contacts/{}", c1["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(one["author_name"], "marta");
    // The teams carry the names the file gave them (records show a team's id).
    let teams = json_of(&admin, "/api/teams").await;
    let bergamo = teams
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "bergamo-1")
        .expect("bergamo-1 listed");
    assert_eq!(bergamo["name"], "Unità di strada Bergamo");
    assert_eq!(bergamo["area"], "Bassa bergamasca");

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
        // Valid, naming the person of an invalid line: not reported a second time.
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
            "positions": 3, "to": secret})
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
                (5, "history[0].status"),
                (6, "group.people"),
                (7, "person"),
                (8, ""),
                (9, "to"),
                (10, "needs[0]"),
            ]
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
    // At most 50,000 records (the attacker's third probe: 148,000 persons held 4.4 GB
    // and the push path's writer for minutes), refused before any is read.
    let mut many = String::new();
    for i in 0..50_001 {
        many.push_str(&format!(
            "{{\"type\":\"team\",\"id\":\"t-{i}\",\"name\":\"T\"}}\n"
        ));
    }
    let (status, body) = import(&admin, many.into_bytes(), true).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body["error"], "too_many_records");
    assert!(s.store.doc_ids().unwrap().is_empty());
    drop(s);
}

#[tokio::test]
async fn one_import_runs_at_a_time_and_the_next_one_is_told_to_wait() {
    let (s, admin) = server().await;
    // Enough persons that an import takes a while (seconds in a debug build).
    let mut lines = vec![json!({"type": "team", "id": "bergamo-1", "name": "Bergamo"})];
    for i in 0..3_000 {
        lines.push(
            json!({"type": "person", "id": format!("P-{i}"), "team": "bergamo-1",
            "aliases": [format!("Persona sintetica {i}")],
            "consent": {"status": "given", "at": "2025-05-30T10:00:00Z"},
            "created_at": "2025-05-30T10:00:00Z"}),
        );
    }
    let body = file(&lines);
    let (one, two) = tokio::join!(
        import(&admin, body.clone(), false),
        import(&admin, body.clone(), false)
    );
    let mut statuses = [one.0, two.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CONFLICT],
        "{one:?} {two:?}"
    );
    let refused = if one.0 == StatusCode::CONFLICT {
        &one.1
    } else {
        &two.1
    };
    assert_eq!(refused["error"], "import_running");
    // Once it has ended, the next one runs (and changes nothing: the same file).
    let report = import_ok(&admin, body).await;
    assert_eq!(counts(&report, "unchanged"), [1, 3_000, 0, 0]);
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
    // A person who then withdrew: their referral's outcome keeps what the withdrawal left
    // (no name in it), and so does an import of it (a new user's check: the import
    // erased it whole, as for a referral written offline after a withdrawal).
    let w = person(&marta_user, 4, "Synthetic Kwame");
    let mut wd = marta.typed(&w);
    let wc = ContactDoc {
        person: PersonRef::Alias("Synthetic Kwame".into()),
        person_id: Some(w.id),
        ..contact_for(&marta_user, 5)
    };
    let mut wcd = marta.typed(&wc);
    let wr = ReferralDoc {
        outcome: "Pratica avviata, Synthetic Kwame informato.".into(),
        ..referral(&marta_user, 6, wc.id)
    };
    let mut wrd = marta.typed(&wr);
    for o in marta.push(&mut [&mut wd, &mut wcd, &mut wrd]).await.results {
        accepted(&o.outcome);
    }
    crate::consent::withdraw(&marta, &marta_user, (&w, &mut wd), (&wc, &mut wcd)).await;
    import_ok(&admin_a, file(&full_file())).await;
    let exported = export(&admin_a).await;
    let lines = parse_lines(&exported);
    assert_eq!(lines.len(), 2 + 4 + 5 + 4);
    let wl = exported_line(&lines, "referral", &wr.id.to_string());
    assert_eq!(wl["outcome"], "Pratica avviata, […] informato.");
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
    assert_eq!(counts(&report, "created"), [2, 4, 5, 4]);
    assert_eq!(export(&admin_b).await, exported);
    // And into the store it came from: nothing to change (what the format does not
    // carry — the country as said, a typed language — stays).
    let back = import_ok(&admin_a, exported.into_bytes()).await;
    assert_eq!(counts(&back, "unchanged"), [2, 4, 5, 4]);
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
async fn a_director_imports_teams_and_each_record_line_it_may_not_write_is_refused() {
    let (s, _admin) = server().await;
    s.add_user("direzione", Role::Director, "pua");
    let director = Api::login(&s, "direzione").await;
    let lines = full_file();
    let (status, report) = import(&director, file(&lines), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    // Every record line refused for the role (not built and staged to be refused), the
    // teams' lines not; nothing stored.
    let records = lines.iter().filter(|l| l["type"] != "team").count();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), records, "{report}");
    for e in errors {
        assert_eq!(e["field"], "id", "{e}");
        assert_eq!(e["reason"], "your role may not make this change", "{e}");
    }
    assert!(s.store.doc_ids().unwrap().is_empty());
    // A file of teams alone is the director's to import.
    let teams: Vec<Value> = lines.into_iter().filter(|l| l["type"] == "team").collect();
    let report = import_ok(&director, file(&teams)).await;
    assert_eq!(counts(&report, "created"), [2, 0, 0, 0]);
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
    // An attacker's probe wrote the export over the store's own files (`conf`, the
    // document keys): a path in the data folder is refused, nothing written, the store
    // intact; so are a folder and a symbolic link. A file already there is replaced
    // whole, readable by its owner only.
    let conf = std::fs::read(a.join("conf")).unwrap();
    for inside in [
        a.join("conf"),
        a.join("copy.jsonl"),
        a.join("../a/doc-keys"),
    ] {
        let (ok, _, err) = cli(&a, &["export", "--out", inside.to_str().unwrap()]);
        assert!(!ok, "{}", inside.display());
        assert!(err.contains("inside the data folder"), "{err}");
    }
    assert_eq!(std::fs::read(a.join("conf")).unwrap(), conf);
    assert!(!a.join("copy.jsonl").exists());
    let (ok, _, err) = cli(&a, &["export", "--out", work.0.to_str().unwrap()]);
    assert!(!ok && err.contains("not a file"), "{err}");
    let link = work.0.join("link.jsonl");
    std::os::unix::fs::symlink(a.join("conf"), &link).unwrap();
    let (ok, _, err) = cli(&a, &["export", "--out", link.to_str().unwrap()]);
    assert!(!ok && err.contains("symbolic link"), "{err}");
    let (ok, _, err) = cli(&a, &["export", "--out", "/nonexistent-folder/x.jsonl"]);
    assert!(!ok && err.contains("does not exist"), "{err}");
    let older = work.0.join("older.jsonl");
    std::fs::write(&older, "an older file, readable by all\n").unwrap();
    std::fs::set_permissions(&older, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (ok, _, err) = cli(&a, &["export", "--out", older.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(std::fs::read_to_string(&older).unwrap(), first);
    let mode = std::fs::metadata(&older).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(
        std::fs::read_dir(&work.0).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".partial")),
        "no partial file left"
    );
    // Standard output by default; into an empty store and out again: the same lines.
    let (ok, stdout, _) = cli(&a, &["export"]);
    assert!(ok);
    assert_eq!(stdout, first);
    let (ok, _, err) = cli(&b, &["import", exported.to_str().unwrap()]);
    assert!(ok, "{err}");
    let (_, again, _) = cli(&b, &["export"]);
    assert_eq!(again, first);

    // An account for an imported team, named by the id the file gave it ("Bassa 2" is
    // not a slug: the team's slug is derived from it).
    let (ok, out, err) = cli(
        &a,
        &[
            "user",
            "add",
            "giulia",
            "--role",
            "field_worker",
            "--team",
            "Bassa 2",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("It is shown only once."), "{out}");
    let (ok, out, _) = cli(&a, &["user", "list"]);
    assert!(ok);
    let line = out.lines().find(|l| l.starts_with("giulia")).unwrap();
    assert!(line.contains(" bassa-2-"), "{line}");
    let (ok, out, err) = cli(
        &a,
        &[
            "user",
            "role",
            "giulia",
            "--role",
            "field_worker",
            "--team",
            "bergamo-1",
        ],
    );
    assert!(ok, "{err}");
    assert!(out.contains("of team bergamo-1"), "{out}");
    let (ok, _, err) = cli(
        &a,
        &[
            "user",
            "add",
            "ugo",
            "--role",
            "field_worker",
            "--team",
            "Nowhere 9",
        ],
    );
    assert!(!ok);
    assert!(err.contains("or the id an imported file gave it"), "{err}");

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

/// Cases in several states and job offers, each written as an export writes it (lists
/// in the order the store keeps them: grades by code, interventions by id).
fn case_lines() -> Vec<Value> {
    vec![
        json!({"type": "job_offer", "id": "J-1", "employer": "Synthetic Farm Srl",
            "sector": "agriculture", "area": "Bassa bergamasca",
            "place": {"lat": 45.5, "lon": 9.7}, "positions": 4, "languages": ["it", "pa"],
            "from": "2025-06-01", "to": "2025-09-30"}),
        // Pending: the least a case says.
        json!({"type": "case", "id": "K-1", "person": "P-1", "team": "bergamo-1",
            "opened_at": "2025-06-03", "eligibility": {"decision": "pending"}}),
        // Eligible, with its assessment, a PIP (one intervention done) and reviews.
        json!({"type": "case", "id": "K-2", "person": "P-3", "team": "bergamo-1",
            "opened_at": "2025-06-05", "case_manager": "Sara Bianchi",
            "labour_expert": "Leo Verdi",
            "eligibility": {"decision": "eligible", "at": "2025-06-10",
                            "reasons": "Synthetic: criteria met"},
            "assessment": {"indicators": [{"code": "deception", "strength": "strong"},
                                          {"code": "withholding_of_wages", "strength": "medium"}],
                           "note": "Synthetic assessment"},
            "interventions": [
                {"id": "i-1", "need": "shelter", "service": "svc-ponte-mensa",
                 "planned_at": "2025-06-11", "done_at": "2025-06-12", "status": "done"},
                {"id": "i-2", "need": "legal_aid", "planned_at": "2025-06-20",
                 "status": "in_progress"},
                {"id": "i-3", "need": "health", "planned_at": "2025-06-21",
                 "status": "cancelled"}],
            "reviews": [{"at": "2025-07-01", "note": "Synthetic review"}, {"at": "2025-08-01"}]}),
        // Closed with its outcome.
        json!({"type": "case", "id": "K-3", "person": "P-1", "team": "bergamo-1",
            "opened_at": "2025-01-10", "case_manager": "Sara Bianchi",
            "eligibility": {"decision": "eligible", "at": "2025-01-20",
                            "reasons": "Synthetic reasons"},
            "interventions": [{"id": "a", "need": "job_orientation", "planned_at": "2025-02-01",
                               "done_at": "2025-02-15", "status": "done"}],
            "closed_at": "2025-05-01", "outcome": "emerged"}),
        // Decided without reasons (the format makes them optional), and closed.
        json!({"type": "case", "id": "K-4", "person": "P-3", "team": "bergamo-1",
            "opened_at": "2025-06-01",
            "eligibility": {"decision": "not_eligible", "at": "2025-06-02"},
            "closed_at": "2025-06-03", "outcome": "transferred"}),
        json!({"type": "job_offer", "id": "J-2", "employer": "Synthetic Logistics",
            "sector": "logistics", "positions": 1}),
        json!({"type": "person", "id": "P-3", "team": "bergamo-1", "aliases": ["Rahul"],
            "consent": {"status": "given", "at": "2025-06-01T10:00:00Z"},
            "created_at": "2025-06-01T10:00:00Z"}),
    ]
}

/// created/updated/unchanged of cases and job offers.
fn case_counts(report: &Value, what: &str) -> [u64; 2] {
    ["case", "job_offer"].map(|t| report[what][t].as_u64().unwrap())
}

/// The stored document an external id of `kind` stands for.
fn stored<T: schema::Document>(s: &TestServer, kind: ExchangeKind, external: &str) -> T {
    let entry = s.store.exchange_entry(kind, external).unwrap().unwrap();
    let id = strada_shared::ids::DocId::parse(&entry.internal).unwrap();
    schema::read(&AutoCommit::load(&s.store.doc(id).unwrap().unwrap().bytes).unwrap()).unwrap()
}

#[tokio::test]
async fn cases_and_job_offers_import_export_the_same_lines_and_again_change_nothing() {
    let (s, admin) = server().await;
    let admin_id = s.store.user_by_name("admin").unwrap().unwrap().id;
    let mut lines = full_file();
    lines.extend(case_lines());

    // A dry run first: what it would create, nothing stored.
    let (status, dry) = import(&admin, file(&lines), true).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    assert_eq!(case_counts(&dry, "created"), [4, 2]);
    assert!(s.store.doc_ids().unwrap().is_empty());

    let report = import_ok(&admin, file(&lines)).await;
    assert_eq!(counts(&report, "created"), [2, 3, 3, 2]);
    assert_eq!(case_counts(&report, "created"), [4, 2]);

    // Real documents, with what the format does not carry filled in by the import.
    let k2: CaseDoc = stored(&s, ExchangeKind::Case, "K-2");
    let p3: PersonDoc = stored(&s, ExchangeKind::Person, "P-3");
    assert_eq!((k2.person_id, k2.author), (p3.id, admin_id));
    assert_eq!(k2.team.as_str(), "bergamo-1");
    assert_eq!(k2.case_manager, "Sara Bianchi");
    assert_eq!(k2.assessment.indicators["deception"].strength, "strong");
    assert_eq!(k2.assessment.note, "Synthetic assessment");
    assert_eq!(k2.interventions["i-1"].status, InterventionStatus::Done);
    assert_eq!(
        k2.interventions["i-1"].partner,
        "Associazione Sintetica Ponte"
    );
    assert_eq!(k2.implementation(), (2, 1));
    assert!(k2.reviews.iter().all(|r| r.by == admin_id));
    let k3: CaseDoc = stored(&s, ExchangeKind::Case, "K-3");
    assert_eq!(k3.outcome, Some(Outcome::Emerged));
    // Under the rules in force (the format has no version: a probe found 0, which no
    // rules have).
    assert_eq!(k3.rules_version, 1);
    let k4: CaseDoc = stored(&s, ExchangeKind::Case, "K-4");
    assert_eq!(k4.eligibility.decision, Decision::NotEligible);
    assert!(!k4.eligibility.reasons.is_empty(), "a decision has reasons");
    let j1: JobOfferDoc = stored(&s, ExchangeKind::JobOffer, "J-1");
    assert_eq!((j1.author, j1.team.as_str()), (admin_id, "pua"));
    assert_eq!(j1.languages, vec!["it", "pa"]);
    // A field device never hears of them.
    let marta = Api::login(&s, "marta").await;
    let page = marta.pull_ok(0, 0).await;
    assert!(page.docs.iter().all(|d| !d.doc_type.central_only()));

    // The export gives each case and job offer line back as it was written.
    let exported = export(&admin).await;
    let out = parse_lines(&exported);
    for line in case_lines().iter().filter(|l| l["type"] != "person") {
        let kind = line["type"].as_str().unwrap();
        let id = line["id"].as_str().unwrap();
        assert_eq!(exported_line(&out, kind, id), line, "{kind} {id}");
    }

    // The same file again: nothing changes.
    let head = s.store.feed_head().unwrap();
    let again = import_ok(&admin, file(&lines)).await;
    assert_eq!(case_counts(&again, "created"), [0, 0]);
    assert_eq!(case_counts(&again, "updated"), [0, 0]);
    assert_eq!(case_counts(&again, "unchanged"), [4, 2]);
    assert_eq!(s.store.feed_head().unwrap(), head, "nothing written");

    // Into an empty store, then out again: the same lines.
    let b = TestServer::start().await;
    b.add_user("admin", Role::CentralOffice, "pua");
    let admin_b = Api::login(&b, "admin").await;
    let report = import_ok(&admin_b, exported.clone().into_bytes()).await;
    assert_eq!(case_counts(&report, "created"), [4, 2]);
    assert_eq!(export(&admin_b).await, exported);
    // And back into the store it came from: no record changes.
    let back = import_ok(&admin, exported.into_bytes()).await;
    assert_eq!(case_counts(&back, "unchanged"), [4, 2]);
    assert_eq!(counts(&back, "unchanged")[1..], [3, 3, 2]);
    assert_eq!(s.store.feed_head().unwrap(), head, "nothing written");

    // A later file: a case of a person already stored, a decision taken on the pending
    // one with a review added, a job offer's season moved.
    let mut k1 = case_lines()[1].clone();
    k1["eligibility"] = json!({"decision": "eligible", "at": "2025-06-20",
        "reasons": "Synthetic: criteria met"});
    k1["reviews"] = json!([{"at": "2025-07-15"}]);
    let mut j2 = case_lines()[5].clone();
    j2["from"] = json!("2025-10-01");
    let k5 = json!({"type": "case", "id": "K-5", "person": "P-1", "team": "bergamo-1",
        "opened_at": "2025-09-01", "eligibility": {"decision": "pending"}});
    let later = import_ok(&admin, file(&[k1, j2, k5])).await;
    assert_eq!(case_counts(&later, "created"), [1, 0]);
    assert_eq!(case_counts(&later, "updated"), [1, 1]);
    let k1: CaseDoc = stored(&s, ExchangeKind::Case, "K-1");
    assert_eq!(k1.eligibility.decision, Decision::Eligible);
    assert_eq!(k1.reviews.len(), 1);
    assert_eq!(k1.reviews[0].by, admin_id);

    // A recorded review cannot be taken out by a file.
    let mut k2 = case_lines()[2].clone();
    k2["reviews"] = json!([{"at": "2025-07-01", "note": "Synthetic review"}]);
    let (status, report) = import(&admin, file(&[k2]), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(report["errors"][0]["line"], 1);
    assert_eq!(report["errors"][0]["field"], "reviews");
    // Nor can a case move to another person.
    let mut k3 = case_lines()[3].clone();
    k3["person"] = json!("P-3");
    let (status, report) = import(&admin, file(&[k3]), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(report["errors"][0]["field"], "person");
}

#[tokio::test]
async fn invalid_case_and_job_offer_lines_are_each_reported_and_nothing_is_stored() {
    let (s, admin) = server().await;
    let secret = "Zebulon-Quintavalle";
    let case = |id: &str| {
        json!({"type": "case", "id": id, "person": "P-1", "team": "bergamo-1",
            "opened_at": "2025-06-03", "case_manager": secret,
            "eligibility": {"decision": "eligible", "at": "2025-06-05", "reasons": secret},
            "assessment": {"indicators": [{"code": "deception", "strength": "strong"}],
                           "note": secret},
            "interventions": [{"id": "i-1", "need": "shelter", "planned_at": "2025-06-11",
                               "status": "planned"}]})
    };
    let offer = |id: &str| {
        json!({"type": "job_offer", "id": id, "employer": secret, "sector": "agriculture",
            "positions": 2})
    };
    let mut lines = full_file();
    let first = lines.len() + 1;
    let mut bad: Vec<(Value, &str)> = Vec::new();
    let mut l = case("K-1");
    l["closed_at"] = json!("2025-09-01");
    bad.push((l, "outcome"));
    let mut l = case("K-2");
    l["interventions"][0]["status"] = json!("done");
    bad.push((l, "interventions[0].done_at"));
    let mut l = case("K-3");
    l["eligibility"] = json!({"decision": "eligible", "reasons": secret});
    bad.push((l, "eligibility.at"));
    let mut l = case("K-4");
    l["assessment"]["indicators"][0]["strength"] = json!(secret);
    bad.push((l, "assessment.indicators[0].strength"));
    let mut l = case("K-5");
    l["first_meeting"] = json!({"mode": "desk"});
    bad.push((l, "first_meeting"));
    let mut l = case("K-6");
    l["opened_at"] = json!(format!("2025-06-03 {secret}"));
    bad.push((l, "opened_at"));
    let mut l = case("K-7");
    l["person"] = json!("P-404");
    bad.push((l, "person"));
    // P-2 refused consent: no case is opened for them.
    let mut l = case("K-8");
    l["person"] = json!("P-2");
    l["team"] = json!("Bassa 2");
    bad.push((l, "person"));
    let mut l = case("K-9");
    l["outcome"] = json!("emerged");
    bad.push((l, "closed_at"));
    // What happened is not dated ahead, as on the push path (an attacker's probe closed
    // a case and reviewed it "in 2027").
    let mut l = case("K-11");
    l["closed_at"] = json!("2099-01-01");
    l["outcome"] = json!("emerged");
    bad.push((l, "closed_at"));
    let mut l = case("K-12");
    l["reviews"] = json!([{"at": "2099-02-01"}]);
    bad.push((l, "reviews.at"));
    let mut l = offer("J-1");
    l["from"] = json!("2025-13-01");
    bad.push((l, "from"));
    let mut l = offer("J-2");
    l["team"] = json!("bergamo-1");
    bad.push((l, "team"));
    let mut l = offer("J-3");
    l["positions"] = json!(0);
    bad.push((l, "positions"));
    let mut l = offer("J-4");
    l["from"] = json!("2025-09-01");
    l["to"] = json!("2025-06-01");
    bad.push((l, "to"));
    lines.extend(bad.iter().map(|(l, _)| l.clone()));
    // A valid case and job offer beside them.
    lines.push(case("K-10"));
    lines.push(offer("J-5"));
    let expected: Vec<(u64, String)> = bad
        .iter()
        .enumerate()
        .map(|(i, (_, field))| ((first + i) as u64, field.to_string()))
        .collect();
    for dry_run in [true, false] {
        let (status, report) = import(&admin, file(&lines), dry_run).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(report["ok"], false);
        let errors: Vec<(u64, String)> = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                assert!(!e["reason"].as_str().unwrap().is_empty(), "{e}");
                (
                    e["line"].as_u64().unwrap(),
                    e["field"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(errors, expected, "{report}");
        assert!(
            !report.to_string().contains("Zebulon"),
            "the report quotes a value: {report}"
        );
        assert_eq!(case_counts(&report, "created"), [0, 0]);
        assert_eq!(counts(&report, "created"), [0; 4]);
    }
    // Nothing stored: no document, no feed position, no id kept.
    assert!(s.store.doc_ids().unwrap().is_empty());
    assert_eq!(s.store.feed_head().unwrap(), 0);
    for kind in ExchangeKind::ALL {
        assert!(
            s.store.exchange_entries(kind).unwrap().is_empty(),
            "{kind:?}"
        );
    }
}

#[tokio::test]
async fn a_withdrawal_erases_the_case_and_the_same_lines_do_not_bring_its_texts_back() {
    let (s, admin) = server().await;
    let team = json!({"type": "team", "id": "bergamo-1", "name": "Bergamo"});
    let given = json!({"type": "person", "id": "P-W", "team": "bergamo-1",
        "aliases": ["Amadou"], "consent": {"status": "given", "at": "2025-05-30T10:00:00Z"},
        "created_at": "2025-05-30T10:00:00Z"});
    let case = json!({"type": "case", "id": "K-W", "person": "P-W", "team": "bergamo-1",
        "opened_at": "2025-06-01",
        "eligibility": {"decision": "eligible", "at": "2025-06-02",
                        "reasons": "Amadou meets the criteria"},
        "assessment": {"indicators": [{"code": "deception", "strength": "weak"}],
                       "note": "Amadou was deceived"},
        "reviews": [{"at": "2025-07-01", "note": "Amadou came back"}]});
    import_ok(&admin, file(&[team.clone(), given, case.clone()])).await;
    // The next file: the person withdrew, the case line as before.
    let withdrawn = json!({"type": "person", "id": "P-W", "team": "bergamo-1",
        "aliases": [], "consent": {"status": "withdrawn", "at": "2025-07-10T10:00:00Z"},
        "created_at": "2025-05-30T10:00:00Z"});
    let second = file(&[team, withdrawn.clone(), case.clone()]);
    let report = import_ok(&admin, second.clone()).await;
    assert_eq!(case_counts(&report, "unchanged"), [1, 0]);
    let k: CaseDoc = stored(&s, ExchangeKind::Case, "K-W");
    assert!(!k.has_identifying_data(), "{k:?}");
    assert_eq!(
        k.eligibility.decision,
        Decision::Eligible,
        "the case still counts"
    );
    // The same file again: the names stay out.
    let again = import_ok(&admin, second).await;
    assert_eq!(case_counts(&again, "unchanged"), [1, 0]);
    let k: CaseDoc = stored(&s, ExchangeKind::Case, "K-W");
    assert!(!k.has_identifying_data(), "{k:?}");
    // The case goes on: closed by a file that still holds the texts, and a review added.
    let mut closed = case;
    closed["closed_at"] = json!("2025-07-20");
    closed["outcome"] = json!("dropped_out");
    closed["reviews"] = json!([{"at": "2025-07-01", "note": "Amadou came back"},
                               {"at": "2025-07-20", "note": "Amadou left"}]);
    let report = import_ok(&admin, file(&[withdrawn, closed])).await;
    assert_eq!(case_counts(&report, "updated"), [1, 0]);
    let k: CaseDoc = stored(&s, ExchangeKind::Case, "K-W");
    assert_eq!(k.outcome, Some(Outcome::DroppedOut));
    assert_eq!(k.reviews.len(), 2);
    assert!(!k.has_identifying_data(), "{k:?}");
    assert!(!export(&admin).await.contains("Amadou"));
}

/// Two persons of one team, each met once: the pair the tests below merge.
fn pair_file() -> Vec<Value> {
    vec![
        json!({"type": "team", "id": "bergamo-1", "name": "Bergamo"}),
        json!({"type": "person", "id": "P-K1", "team": "bergamo-1", "aliases": ["Karim"],
            "birth_year": 1990, "consent": {"status": "given", "at": "2025-05-30T10:00:00Z"},
            "created_at": "2025-05-30T10:00:00Z"}),
        json!({"type": "person", "id": "P-K2", "team": "bergamo-1", "aliases": ["Kareem"],
            "birth_year": 1990, "consent": {"status": "given", "at": "2025-06-30T10:00:00Z"},
            "created_at": "2025-06-30T10:00:00Z"}),
        json!({"type": "contact", "id": "C-K1", "team": "bergamo-1",
            "occurred_at": "2025-06-01T08:30:00Z", "who": "person", "person": "P-K1",
            "channel": "street", "needs": ["food"]}),
        json!({"type": "contact", "id": "C-K2", "team": "bergamo-1",
            "occurred_at": "2025-07-01T08:30:00Z", "who": "person", "person": "P-K2",
            "channel": "street", "needs": ["shelter"]}),
    ]
}

/// `lines` imported, then P-K2 merged into P-K1 by the central office: the two persons
/// as imported, and the merge's id.
async fn import_and_merge(
    s: &TestServer,
    admin: &Api,
    lines: &[Value],
) -> (PersonDoc, PersonDoc, Value) {
    import_ok(admin, file(lines)).await;
    let survivor: PersonDoc = stored(s, ExchangeKind::Person, "P-K1");
    let merged: PersonDoc = stored(s, ExchangeKind::Person, "P-K2");
    let res = admin
        .post_json(
            "/api/persons/merge",
            &json!({"survivor": survivor.id, "merged": merged.id,
                "reason": "same person (test)", "keep": {}}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let id = res.json::<Value>().await.unwrap()["id"].clone();
    (survivor, merged, id)
}

#[tokio::test]
async fn a_merged_person_stays_merged_when_the_same_file_or_the_export_is_imported_again() {
    let (s, admin) = server().await;
    let (survivor, _, _) = import_and_merge(&s, &admin, &pair_file()).await;
    let exported = export(&admin).await;

    // The store's own export (the survivor's line stands for both, and names both
    // contacts): nothing changes, the merge stays.
    let back = import_ok(&admin, exported.clone().into_bytes()).await;
    assert_eq!(counts(&back, "updated"), [0, 0, 0, 0], "{back}");
    assert_eq!(counts(&back, "unchanged"), [1, 1, 2, 0], "{back}");
    let p: PersonDoc = stored(&s, ExchangeKind::Person, "P-K2");
    assert_eq!(p.merged_into, Some(survivor.id));
    assert_eq!(export(&admin).await, exported);
    // The file the records came from: its survivor's line, written before the merge,
    // leaves the survivor as the merge made it (both aliases); the merged person stays
    // merged.
    let again = import_ok(&admin, file(&pair_file())).await;
    assert_eq!(counts(&again, "updated"), [0, 0, 0, 0], "{again}");
    let p: PersonDoc = stored(&s, ExchangeKind::Person, "P-K2");
    assert_eq!(p.merged_into, Some(survivor.id));
    // A changed line for the survivor (a new user's walk: a phone added took the merged
    // person's name off it, and the next export lost it): the change, and both aliases.
    let mut lines = pair_file();
    lines[1]["phone"] = json!("+39 333 1112223");
    let changed = import_ok(&admin, file(&lines)).await;
    assert_eq!(counts(&changed, "updated"), [0, 1, 0, 0], "{changed}");
    let after: PersonDoc = stored(&s, ExchangeKind::Person, "P-K1");
    assert_eq!(after.phone.as_deref(), Some("+39 333 1112223"));
    assert_eq!(
        after.aliases,
        vec!["Karim".to_string(), "Kareem".to_string()]
    );
    // The central records still count both contacts under the survivor.
    let page = json_of(&admin, &format!("/api/persons/{}", survivor.id)).await;
    assert_eq!(page["contacts"].as_array().map(Vec::len), Some(2), "{page}");
}

/// `export | import` into an empty store gives back the same records, merges included:
/// a person merged away is not written as a person of its own (a new user's walk: the
/// export of a merged pair, imported, gave two persons and counted them twice); what
/// named them names the survivor, which holds both aliases. The store the export came
/// from takes it back unchanged, and an unmerge there still gives back both persons.
#[tokio::test]
async fn a_merge_goes_through_an_export_into_an_empty_store_as_one_person() {
    let (s, admin) = server().await;
    let mut lines = pair_file();
    lines.push(
        json!({"type": "referral", "id": "R-K2", "team": "bergamo-1",
        "contact": "C-K2", "person": "P-K2", "need": "shelter", "partner": "Dormitorio",
        "history": [{"status": "proposed", "at": "2025-07-01T09:00:00Z"}]}),
    );
    lines.push(
        json!({"type": "case", "id": "K-K2", "person": "P-K2", "team": "bergamo-1",
        "opened_at": "2025-07-02", "eligibility": {"decision": "pending"}}),
    );
    let (_, merged, merge_id) = import_and_merge(&s, &admin, &lines).await;
    let period = "/api/reports/summary?from=2025-01-01&to=2025-12-31";
    let figures = json_of(&admin, period).await;
    assert_eq!(figures["new_persons"], 1, "{figures}");
    assert_eq!(figures["people_reached"], 1, "{figures}");

    let exported = export(&admin).await;
    let out = parse_lines(&exported);
    let persons: Vec<&Value> = out.iter().filter(|l| l["type"] == "person").collect();
    assert_eq!(persons.len(), 1, "{exported}");
    assert_eq!(persons[0]["id"], "P-K1");
    assert_eq!(persons[0]["aliases"], json!(["Karim", "Kareem"]));
    assert_eq!(exported_line(&out, "contact", "C-K2")["person"], "P-K1");
    assert_eq!(exported_line(&out, "referral", "R-K2")["person"], "P-K1");
    assert_eq!(exported_line(&out, "case", "K-K2")["person"], "P-K1");

    // Into an empty store: one person, both contacts under it, the same figures.
    let b = TestServer::start().await;
    b.add_user("admin", Role::CentralOffice, "pua");
    let admin_b = Api::login(&b, "admin").await;
    import_ok(&admin_b, exported.clone().into_bytes()).await;
    let persons_b = json_of(&admin_b, "/api/persons").await;
    assert_eq!(persons_b["total"], 1, "{persons_b}");
    let one = persons_b["items"][0]["person"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let page = json_of(&admin_b, &format!("/api/persons/{one}")).await;
    assert_eq!(page["contacts"].as_array().map(Vec::len), Some(2), "{page}");
    assert_eq!(
        page["referrals"].as_array().map(Vec::len),
        Some(1),
        "{page}"
    );
    assert_eq!(json_of(&admin_b, period).await, figures);
    assert_eq!(export(&admin_b).await, exported);

    // Back into the store it came from: nothing changes, each record keeps its link.
    let back = import_ok(&admin, exported.into_bytes()).await;
    assert_eq!(counts(&back, "updated"), [0, 0, 0, 0], "{back}");
    let res = admin
        .post_json(
            "/api/persons/unmerge",
            &json!({"merge": merge_id, "reason": "two people after all (test)"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = json_of(&admin, &format!("/api/persons/{}", merged.id)).await;
    assert_eq!(page["contacts"].as_array().map(Vec::len), Some(1), "{page}");
    assert_eq!(
        page["referrals"].as_array().map(Vec::len),
        Some(1),
        "{page}"
    );
    let case: strada_shared::schema::CaseDoc = stored(&s, ExchangeKind::Case, "K-K2");
    assert_eq!(case.person_id, merged.id);
}

/// A withdrawal of a person merged away withdraws the person it counts under too (the
/// more restrictive consent holds): the check says both (an attacker's probe: it said
/// one, and two persons' data were erased).
#[tokio::test]
async fn a_withdrawal_of_a_person_merged_away_is_counted_with_its_survivor() {
    let (s, admin) = server().await;
    import_and_merge(&s, &admin, &pair_file()).await;
    let mut lines = pair_file();
    lines[2]["aliases"] = json!([]);
    lines[2]["birth_year"] = Value::Null;
    lines[2]["consent"] = json!({"status": "withdrawn", "at": "2025-08-01T10:00:00Z"});
    let (status, check) = import(&admin, file(&lines), true).await;
    assert_eq!(status, StatusCode::OK, "{check}");
    assert_eq!(check["withdrawals"], 2, "{check}");
}

/// Found reading what a merge leaves: a line for a person the central office merged
/// away updated that record only, so what it said (a phone number, a name) reached
/// neither the survivor nor the lists. It is carried to the survivor as a phone's edit
/// is, and an unmerge takes it back.
#[tokio::test]
async fn a_line_for_a_person_merged_away_reaches_the_survivor_and_an_unmerge_takes_it_back() {
    let (s, admin) = server().await;
    let (survivor, _, merge_id) = import_and_merge(&s, &admin, &pair_file()).await;

    // The spreadsheet learnt the merged person's phone and another name.
    let mut lines = pair_file();
    lines[2]["phone"] = json!("+39 333 7654321");
    lines[2]["aliases"] = json!(["Kareem", "Karim B."]);
    let report = import_ok(&admin, file(&lines)).await;
    assert_eq!(counts(&report, "updated"), [0, 1, 0, 0], "{report}");
    let after: PersonDoc = stored(&s, ExchangeKind::Person, "P-K1");
    assert_eq!(after.phone.as_deref(), Some("+39 333 7654321"));
    assert!(
        after.aliases.contains(&"Karim B.".to_string()),
        "{:?}",
        after.aliases
    );
    let page = json_of(&admin, &format!("/api/persons/{}", survivor.id)).await;
    assert_eq!(page["person"]["phone"], "+39 333 7654321", "{page}");
    let p: PersonDoc = stored(&s, ExchangeKind::Person, "P-K2");
    assert_eq!(p.merged_into, Some(survivor.id));
    // The same file again changes nothing, on either record.
    let again = import_ok(&admin, file(&lines)).await;
    assert_eq!(counts(&again, "updated"), [0, 0, 0, 0], "{again}");

    // The unmerge gives the survivor back what it held before the merge.
    let res = admin
        .post_json(
            "/api/persons/unmerge",
            &json!({"merge": merge_id, "reason": "two people after all (test)"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let back: PersonDoc = stored(&s, ExchangeKind::Person, "P-K1");
    assert_eq!(back.phone, None);
    assert_eq!(back.aliases, vec!["Karim".to_string()]);
    let p: PersonDoc = stored(&s, ExchangeKind::Person, "P-K2");
    assert_eq!(p.merged_into, None);
    assert_eq!(p.phone.as_deref(), Some("+39 333 7654321"));
}

#[tokio::test]
async fn a_case_whose_person_withdrew_later_goes_from_an_export_into_an_empty_store() {
    let (_s, admin) = server().await;
    let team = json!({"type": "team", "id": "bergamo-1", "name": "Bergamo"});
    let given = json!({"type": "person", "id": "P-W", "team": "bergamo-1",
        "aliases": ["Amadou"], "consent": {"status": "given", "at": "2025-05-30T10:00:00Z"},
        "created_at": "2025-05-30T10:00:00Z"});
    let contact = json!({"type": "contact", "id": "C-W", "team": "bergamo-1",
        "occurred_at": "2025-06-01T08:30:00Z", "who": "person", "person": "P-W",
        "channel": "street", "needs": ["food"], "note": "Amadou asked for food"});
    let case = json!({"type": "case", "id": "K-W", "person": "P-W", "team": "bergamo-1",
        "opened_at": "2025-06-01",
        "eligibility": {"decision": "eligible", "at": "2025-06-02",
                        "reasons": "Amadou meets the criteria"},
        "reviews": [{"at": "2025-07-01", "note": "Amadou came back"}]});
    import_ok(&admin, file(&[team.clone(), given, contact, case])).await;
    let withdrawn = json!({"type": "person", "id": "P-W", "team": "bergamo-1",
        "aliases": [], "consent": {"status": "withdrawn", "at": "2025-07-10T10:00:00Z"},
        "created_at": "2025-05-30T10:00:00Z"});
    import_ok(&admin, file(&[team, withdrawn])).await;
    let exported = export(&admin).await;
    assert!(!exported.contains("Amadou"));

    let b = TestServer::start().await;
    b.add_user("admin", Role::CentralOffice, "pua");
    let admin_b = Api::login(&b, "admin").await;
    let report = import_ok(&admin_b, exported.clone().into_bytes()).await;
    assert_eq!(case_counts(&report, "created"), [1, 0], "{report}");
    assert_eq!(export(&admin_b).await, exported);
    let k: CaseDoc = stored(&b, ExchangeKind::Case, "K-W");
    assert!(!k.has_identifying_data(), "{k:?}");
    assert_eq!(k.eligibility.decision, Decision::Eligible);
    // A new case for that person is still refused in the app's way (a push).
    let marta = b.add_user("marta", Role::CentralOffice, "bergamo-1");
    let api = Api::login(&b, "marta").await;
    let new_case = CaseDoc::new(
        strada_shared::ids::DocId::new_v7(1_760_000_000_000, [7; 10]),
        k.person_id,
        k.team.clone(),
        marta.id,
        1_760_000_000_000,
        "2025-08-01".into(),
    );
    crate::consent::refused(
        &api.push_one(&mut api.typed(&new_case)).await,
        strada_shared::sync::RefusalCode::ConsentRequired,
    );
}

#[tokio::test]
async fn a_consent_once_given_is_only_withdrawn_never_refused_over_its_records() {
    let (s, admin) = server().await;
    import_ok(&admin, file(&pair_file())).await;
    let before = export(&admin).await;
    let mut refused = pair_file()[1].clone();
    refused["aliases"] = json!([]);
    refused.as_object_mut().unwrap().remove("birth_year");
    refused["consent"] = json!({"status": "refused", "at": "2025-08-01T10:00:00Z"});
    let (status, report) = import(&admin, file(&[pair_file()[0].clone(), refused]), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert_eq!(report["errors"][0]["line"], 2);
    assert_eq!(report["errors"][0]["field"], "consent.status");
    assert_eq!(export(&admin).await, before);
    // On a phone too: the push is refused.
    let marta_user = s.store.user_by_name("marta").unwrap().unwrap();
    let marta = Api::login(&s, "marta").await;
    let p = person(&marta_user, 40, "Synthetic alias");
    let mut doc = marta.typed(&p);
    accepted(&marta.push_one(&mut doc).await);
    let changed = PersonDoc {
        aliases: Vec::new(),
        birth_year: None,
        gender: strada_shared::vocab::Gender::Unknown,
        country: String::new(),
        languages: Vec::new(),
        usual_place: String::new(),
        consent: schema::Consent {
            status: ConsentStatus::Refused,
            at: p.consent.at + 1,
            ..p.consent.clone()
        },
        ..p.clone()
    };
    schema::update(&mut doc.doc, &changed).unwrap();
    crate::consent::refused(
        &marta.push_one(&mut doc).await,
        strada_shared::sync::RefusalCode::ConsentRequired,
    );
}

#[tokio::test]
async fn author_names_are_kept_as_given_even_when_an_account_has_another_spelling() {
    let (_s, admin) = server().await;
    let contact = |id: &str, author: &str| {
        json!({"type": "contact", "id": id, "team": "bergamo-1", "author": author,
            "occurred_at": "2025-06-01T08:30:00Z", "who": "anonymous", "channel": "street",
            "needs": ["food"]})
    };
    let team = json!({"type": "team", "id": "bergamo-1", "name": "Bergamo"});
    // The account is `admin`; `Admin` and ` admin` are other names.
    let lines = [
        team,
        contact("C-a", "admin"),
        contact("C-b", "Admin"),
        contact("C-c", " admin"),
    ];
    import_ok(&admin, file(&lines)).await;
    let exported = export(&admin).await;
    let out = parse_lines(&exported);
    for (id, author) in [("C-a", "admin"), ("C-b", "Admin"), ("C-c", " admin")] {
        assert_eq!(exported_line(&out, "contact", id)["author"], author, "{id}");
    }
    // The export imported again changes nothing, and exports the same.
    let again = import_ok(&admin, exported.clone().into_bytes()).await;
    assert_eq!(counts(&again, "unchanged"), [1, 0, 3, 0]);
    assert_eq!(counts(&again, "updated"), [0; 4]);
    assert_eq!(export(&admin).await, exported);
}

#[tokio::test]
async fn a_referral_naming_a_service_and_a_partner_keeps_both_through_export_and_import() {
    let (_a, admin_a) = server().await;
    let lines = vec![
        json!({"type": "team", "id": "bergamo-1", "name": "Bergamo"}),
        json!({"type": "contact", "id": "C-1", "team": "bergamo-1",
            "occurred_at": "2025-06-01T08:30:00Z", "who": "anonymous", "channel": "street",
            "needs": ["food", "shelter", "health"]}),
        // The service's own organisation is another: both are kept.
        json!({"type": "referral", "id": "R-both", "team": "bergamo-1", "contact": "C-1",
            "need": "food", "service": "svc-ponte-mensa", "partner": "Synthetic partner",
            "history": [{"status": "proposed", "at": "2025-06-01T09:00:00Z"}]}),
        // The service alone: its organisation is the partner, and no `partner` goes out.
        json!({"type": "referral", "id": "R-service", "team": "bergamo-1", "contact": "C-1",
            "need": "shelter", "service": "svc-ponte-mensa",
            "history": [{"status": "proposed", "at": "2025-06-01T09:00:00Z"}]}),
        // A service the directory does not know, and a partner.
        json!({"type": "referral", "id": "R-unknown", "team": "bergamo-1", "contact": "C-1",
            "need": "health", "service": "svc-elsewhere", "partner": "Other partner",
            "history": [{"status": "proposed", "at": "2025-06-01T09:00:00Z"}]}),
    ];
    import_ok(&admin_a, file(&lines)).await;
    let exported = export(&admin_a).await;
    let out = parse_lines(&exported);
    let both = exported_line(&out, "referral", "R-both");
    assert_eq!(
        (&both["service"], &both["partner"]),
        (&json!("svc-ponte-mensa"), &json!("Synthetic partner"))
    );
    let alone = exported_line(&out, "referral", "R-service");
    assert!(alone.get("partner").is_none(), "{alone}");
    assert_eq!(
        exported_line(&out, "referral", "R-unknown")["partner"],
        "Other partner"
    );
    // Into an empty store, and out again: the same lines; the partner stays the partner.
    let b = TestServer::start().await;
    b.add_user("admin", Role::CentralOffice, "pua");
    let admin_b = Api::login(&b, "admin").await;
    import_ok(&admin_b, exported.clone().into_bytes()).await;
    assert_eq!(export(&admin_b).await, exported);
    let r: ReferralDoc = stored(&b, ExchangeKind::Referral, "R-both");
    assert_eq!(r.partner, "Synthetic partner");
    assert_eq!(r.service_id.as_deref(), Some("svc-ponte-mensa"));
    let r: ReferralDoc = stored(&b, ExchangeKind::Referral, "R-service");
    assert_eq!(r.partner, "Associazione Sintetica Ponte");
}

#[tokio::test]
async fn what_names_a_team_of_an_invalid_line_is_not_reported_again() {
    let (s, admin) = server().await;
    let secret = "Mario Rossi +39 333 1234567";
    let lines = [
        // Invalid: a field the format does not have.
        json!({"type": "team", "id": "T-9", "name": "Nine", "zone": "north"}).to_string(),
        // Valid, naming that team (and a person naming it): not reported.
        json!({"type": "person", "id": "P-9", "team": "T-9", "aliases": [],
            "consent": {"status": "refused", "at": "2025-05-30T10:00:00Z"},
            "created_at": "2025-05-30T10:00:00Z"})
        .to_string(),
        json!({"type": "contact", "id": "C-9", "team": "T-9",
            "occurred_at": "2025-06-01T08:30:00Z", "who": "person", "person": "P-9",
            "channel": "street", "needs": ["food"]})
        .to_string(),
        // A key that holds data is not echoed; a key given twice is refused.
        format!(r#"{{"type":"team","id":"T-8","name":"Eight","{secret}":"x"}}"#),
        r#"{"type":"team","id":"T-7","name":"Seven","name":"Sette"}"#.to_string(),
        // A team no line and nothing stored has: reported.
        json!({"type": "contact", "id": "C-8", "team": "T-404",
            "occurred_at": "2025-06-01T08:30:00Z", "who": "anonymous", "channel": "street",
            "needs": ["food"]})
        .to_string(),
    ];
    let (status, report) = import(&admin, (lines.join("\n") + "\n").into_bytes(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        report["errors"],
        json!([
            {"line": 1, "field": "zone", "reason": "unknown field"},
            {"line": 4, "field": "(a field)", "reason": "unknown field"},
            {"line": 5, "field": "name", "reason": "given twice"},
            {"line": 6, "field": "team", "reason": "names no team in the file or the store"},
        ])
    );
    assert!(!report.to_string().contains("Mario"), "{report}");
    assert!(s.store.doc_ids().unwrap().is_empty());
}

#[tokio::test]
async fn a_service_is_a_directory_service_id_on_import_and_on_a_push() {
    let (s, admin) = server().await;
    let secret = "Mario Rossi +39 333 1234567";
    let mut lines = full_file();
    lines[0]["service"] = json!(secret);
    let mut case = case_lines();
    let k = case
        .iter_mut()
        .find(|l| l["type"] == "case" && l.get("interventions").is_some())
        .expect("a case with interventions");
    k["interventions"][0]["service"] = json!(secret);
    lines.extend(case);
    let (status, report) = import(&admin, file(&lines), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = report["errors"].as_array().unwrap();
    let fields: Vec<&str> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["service", "interventions[0].service"], "{report}");
    for e in errors {
        assert!(
            e["reason"]
                .as_str()
                .unwrap()
                .starts_with("is not a directory service id"),
            "{e}"
        );
    }
    assert!(!report.to_string().contains("Mario"), "{report}");
    assert!(s.store.doc_ids().unwrap().is_empty());
    // A phone's referral naming a text as its service: refused, nothing stored.
    let marta_user = s.store.user_by_name("marta").unwrap().unwrap();
    let marta = Api::login(&s, "marta").await;
    let c = contact_for(&marta_user, 50);
    accepted(&marta.push_one(&mut marta.typed(&c)).await);
    let r = ReferralDoc {
        service_id: Some(secret.into()),
        ..referral(&marta_user, 51, c.id)
    };
    crate::consent::refused(
        &marta.push_one(&mut marta.typed(&r)).await,
        strada_shared::sync::RefusalCode::Schema,
    );
    assert!(s.store.doc(r.id).unwrap().is_none());
    let r = ReferralDoc {
        service_id: Some("svc-ponte-mensa".into()),
        ..referral(&marta_user, 52, c.id)
    };
    accepted(&marta.push_one(&mut marta.typed(&r)).await);
    // Text with an id's shape passes the rule, but only the directory's services reach
    // the pseudonymous list (found by the attacker's seventh probe).
    let r = ReferralDoc {
        service_id: Some("mario.rossi.tel.3331234567".into()),
        ..referral(&marta_user, 53, c.id)
    };
    accepted(&marta.push_one(&mut marta.typed(&r)).await);
    let res = admin.get("/api/csv/referrals").await;
    assert_eq!(res.status(), StatusCode::OK);
    let csv = res.text().await.unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains("svc-ponte-mensa"), "{csv}");
    assert!(!csv.contains("mario"), "{csv}");
}

/// Found by the attacker: the import took a body of any declared type (an image, a
/// form). An exchange file is JSON Lines, JSON, plain text or bytes; anything else is
/// refused before it is read, and nothing is stored.
#[tokio::test]
async fn an_import_declared_as_another_type_is_refused() {
    let (_s, admin) = server().await;
    let before = export(&admin).await;
    let send = |kind: &'static str| {
        admin
            .client
            .post(format!("{}/api/exchange/import?dry_run=true", admin.base))
            .bearer_auth(&admin.token)
            .header("content-type", kind)
            .body(file(&pair_file()))
            .send()
    };
    for kind in [
        "image/png",
        "multipart/form-data; boundary=x",
        "application/xml",
    ] {
        let res = send(kind).await.unwrap();
        assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{kind}");
    }
    assert_eq!(export(&admin).await, before);
    for kind in [
        "application/x-ndjson",
        "text/plain; charset=utf-8",
        "application/octet-stream",
    ] {
        let res = send(kind).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{kind}");
    }
}

/// Found by the attacker's second probe: one import line withdrawing a person's consent
/// erased their data for good, and the check before said only that the file was valid.
/// The report counts the withdrawals, the check included.
#[tokio::test]
async fn an_import_says_how_many_persons_it_withdraws_before_and_when_it_does() {
    let (_s, admin) = server().await;
    import_ok(&admin, file(&pair_file())).await;
    let mut withdrawn = pair_file()[1].clone();
    withdrawn["aliases"] = json!([]);
    withdrawn.as_object_mut().unwrap().remove("birth_year");
    withdrawn["consent"] = json!({"status": "withdrawn", "at": "2025-08-01T10:00:00Z"});
    let lines = file(&[pair_file()[0].clone(), withdrawn]);
    let (status, check) = import(&admin, lines.clone(), true).await;
    assert_eq!(status, StatusCode::OK, "{check}");
    assert_eq!(check["withdrawals"], 1, "{check}");
    assert!(
        export(&admin).await.contains("Karim"),
        "a check stores nothing"
    );
    let done = import_ok(&admin, lines.clone()).await;
    assert_eq!(done["withdrawals"], 1);
    assert!(!export(&admin).await.contains("Karim"));
    // The same file again withdraws no one (already withdrawn).
    let again = import_ok(&admin, lines).await;
    assert_eq!(again["withdrawals"], 0);
}

/// Found by a new user's walk: the store's own export, imported back, reported every
/// team "new" (teams known by their accounts and records, which no file had named).
/// It changes nothing and says so.
#[tokio::test]
async fn the_stores_own_export_imported_back_changes_nothing_teams_included() {
    let (s, admin) = server().await;
    let marta_user = s.store.user_by_name("marta").unwrap().unwrap();
    let marta = Api::login(&s, "marta").await;
    let p = person(&marta_user, 1, "Ibrahim");
    accepted(&marta.push_one(&mut marta.typed(&p)).await);
    let out = export(&admin).await;
    assert!(out.contains(r#""type":"team""#), "{out}");
    for dry_run in [true, false] {
        let (status, report) = import(&admin, out.clone().into_bytes(), dry_run).await;
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(counts(&report, "created"), [0; 4], "{report}");
        assert_eq!(counts(&report, "updated"), [0; 4], "{report}");
        assert_eq!(counts(&report, "unchanged")[..2], [1, 1], "{report}");
    }
    assert_eq!(export(&admin).await, out);
}

/// A new user's walk: the same file imported again undid what a desk had changed in a
/// case since (and a phone number a merge had kept). A line that is the one imported
/// last changes nothing; a line changed in the file is written over the record.
#[tokio::test]
async fn the_same_line_again_keeps_what_was_edited_in_strada_since() {
    use strada_shared::sync::device::DeviceDoc;
    let (s, admin) = server().await;
    let mut lines = full_file();
    lines.extend(case_lines());
    import_ok(&admin, file(&lines)).await;
    let entry = s
        .store
        .exchange_entry(ExchangeKind::Case, "K-2")
        .unwrap()
        .unwrap();
    let id = strada_shared::ids::DocId::parse(&entry.internal).unwrap();
    // A desk edits the case.
    let mut desk = DeviceDoc::new(
        id,
        DocType::Case,
        AutoCommit::new().with_actor(admin.actor.clone()),
    );
    admin.take_snapshots(&mut [&mut desk]).await;
    let mut case: CaseDoc = schema::read(&desk.doc).unwrap();
    case.assessment.note = "Synthetic: written at a desk".into();
    schema::update(&mut desk.doc, &case).unwrap();
    accepted(&admin.push_one(&mut desk).await);
    // The same file: nothing changes, the desk's note stays.
    let report = import_ok(&admin, file(&lines)).await;
    assert_eq!(case_counts(&report, "updated"), [0, 0], "{report}");
    assert_eq!(counts(&report, "updated"), [0, 0, 0, 0], "{report}");
    let kept: CaseDoc = stored(&s, ExchangeKind::Case, "K-2");
    assert_eq!(kept.assessment.note, "Synthetic: written at a desk");
    // The line changed in the file: the file's values are written.
    let k2 = lines.iter_mut().find(|l| l["id"] == "K-2").expect("K-2");
    k2["assessment"]["note"] = json!("Synthetic: revised in the file");
    let report = import_ok(&admin, file(&lines)).await;
    assert_eq!(case_counts(&report, "updated"), [1, 0], "{report}");
    let kept: CaseDoc = stored(&s, ExchangeKind::Case, "K-2");
    assert_eq!(kept.assessment.note, "Synthetic: revised in the file");
    // And that line again changes nothing.
    let report = import_ok(&admin, file(&lines)).await;
    assert_eq!(case_counts(&report, "updated"), [0, 0], "{report}");
}

/// Found by a blind check of the reports: a file from a PUA that kept one row for a
/// person several teams met (contacts of two teams naming one person) was refused
/// whole, "names a person of another team". It is imported: the person counts once,
/// each team's phones pull their own contacts (not the other team's person), a
/// withdrawal reaches every contact, and the export gives the same lines back.
#[tokio::test]
async fn a_person_met_by_two_teams_is_one_person_with_both_teams_contacts() {
    let (s, admin) = server().await;
    let marta = Api::login(&s, "marta").await;
    let lines = vec![
        json!({"type": "team", "id": "bergamo-1", "name": "Bergamo"}),
        json!({"type": "team", "id": "cremona-2", "name": "Cremona"}),
        json!({"type": "person", "id": "P-2T", "team": "cremona-2", "aliases": ["Sunday Okoro"],
            "consent": {"status": "given", "at": "2025-05-01T10:00:00Z"},
            "created_at": "2025-05-01T10:00:00Z"}),
        json!({"type": "contact", "id": "C-CR", "team": "cremona-2",
            "occurred_at": "2025-05-01T10:00:00Z", "who": "person", "person": "P-2T",
            "channel": "street", "needs": ["food"]}),
        json!({"type": "contact", "id": "C-BG", "team": "bergamo-1",
            "occurred_at": "2025-06-01T10:00:00Z", "who": "person", "person": "P-2T",
            "channel": "street", "needs": ["shelter"], "note": "Sunday asked for a bed"}),
        json!({"type": "referral", "id": "R-BG", "team": "bergamo-1", "contact": "C-BG",
            "person": "P-2T", "need": "shelter", "partner": "Synthetic shelter",
            "history": [{"status": "proposed", "at": "2025-06-01T10:00:00Z"}]}),
    ];
    let report = import_ok(&admin, file(&lines)).await;
    assert_eq!(counts(&report, "created")[1..], [1, 2, 1]);
    let p = stored::<PersonDoc>(&s, ExchangeKind::Person, "P-2T");
    let page = json_of(&admin, &format!("/api/persons/{}", p.id)).await;
    assert_eq!(page["contacts"].as_array().unwrap().len(), 2, "{page}");
    assert_eq!(page["referrals"].as_array().unwrap().len(), 1, "{page}");
    let summary = json_of(&admin, "/api/reports/summary?from=2025-05-01&to=2025-06-30").await;
    assert_eq!(summary["people_reached"], 1, "{summary}");
    assert_eq!(summary["new_persons"], 1, "{summary}");
    // Bergamo's phone: its contact and referral, not Cremona's person.
    let pulled = marta.pull_ok(0, 0).await;
    let mut types: Vec<DocType> = pulled.docs.iter().map(|d| d.doc_type).collect();
    types.sort_by_key(|t| format!("{t:?}"));
    assert_eq!(types, vec![DocType::Contact, DocType::Referral]);
    // The export gives the same lines; imported into an empty store, the same again.
    let text = export(&admin).await;
    let exported = parse_lines(&text);
    for l in &lines[2..] {
        let out = exported_line(
            &exported,
            l["type"].as_str().unwrap(),
            l["id"].as_str().unwrap(),
        );
        assert_eq!(out["team"], l["team"]);
        assert_eq!(out.get("person"), l.get("person"));
    }
    let (other, other_admin) = server().await;
    import_ok(&other_admin, text.clone().into_bytes()).await;
    assert_eq!(export(&other_admin).await, text);
    drop(other);
    // A withdrawal reaches Bergamo's contact too.
    let withdrawn = json!({"type": "person", "id": "P-2T", "team": "cremona-2",
        "aliases": [], "consent": {"status": "withdrawn", "at": "2025-07-01T10:00:00Z"},
        "created_at": "2025-05-01T10:00:00Z"});
    import_ok(&admin, file(&[lines[1].clone(), withdrawn])).await;
    let c = stored::<ContactDoc>(&s, ExchangeKind::Contact, "C-BG");
    assert_eq!(c.person, PersonRef::Anonymous);
    assert!(!c.note.contains("Sunday"), "{}", c.note);
}

/// Found by a blind check of the reports: a person line whose consent was never given
/// (`not_asked`, `refused`) with aliases or a phone was refused, and so the whole file,
/// though the format says only a withdrawn person is written without them; so was a
/// contact naming such a person. The person is taken without identifying data (a
/// notice says so, by line and field), and the contact counts for them, naming no one.
#[tokio::test]
async fn a_person_without_consent_is_taken_without_identifying_data_and_said_so() {
    let (s, admin) = server().await;
    let lines = vec![
        json!({"type": "team", "id": "bergamo-1", "name": "Bergamo"}),
        json!({"type": "person", "id": "P-NA", "team": "bergamo-1", "aliases": ["Musa Kamara"],
            "phone": "+39 333 0000000", "gender": "man",
            "consent": {"status": "not_asked", "at": "2025-05-01T10:00:00Z"},
            "created_at": "2025-05-01T10:00:00Z"}),
        json!({"type": "person", "id": "P-RF", "team": "bergamo-1", "aliases": [],
            "consent": {"status": "refused", "at": "2025-05-01T10:00:00Z"},
            "created_at": "2025-05-01T10:00:00Z"}),
        json!({"type": "contact", "id": "C-NA1", "team": "bergamo-1",
            "occurred_at": "2025-05-02T10:00:00Z", "who": "person", "person": "P-NA",
            "channel": "street", "needs": ["food"]}),
        json!({"type": "contact", "id": "C-NA2", "team": "bergamo-1",
            "occurred_at": "2025-05-03T10:00:00Z", "who": "person", "person": "P-NA",
            "channel": "street", "needs": ["shelter"]}),
        json!({"type": "contact", "id": "C-RF", "team": "bergamo-1",
            "occurred_at": "2025-05-03T11:00:00Z", "who": "person", "person": "P-RF",
            "channel": "street", "needs": ["food"]}),
        json!({"type": "referral", "id": "R-NA", "team": "bergamo-1", "contact": "C-NA1",
            "person": "P-NA", "need": "food", "partner": "Synthetic canteen",
            "history": [{"status": "proposed", "at": "2025-05-02T10:00:00Z"}]}),
    ];
    let (status, dry) = import(&admin, file(&lines), true).await;
    assert_eq!(status, StatusCode::OK, "{dry}");
    let anonymous = "kept anonymous, not linked to the person: the person's consent is not given";
    assert_eq!(
        dry["notices"],
        json!([{"line": 2, "field": "aliases",
            "reason": "not kept, with every identifying field of the line: the person's consent is not given"},
            {"line": 4, "field": "person", "reason": anonymous},
            {"line": 5, "field": "person", "reason": anonymous},
            {"line": 6, "field": "person", "reason": anonymous},
            {"line": 7, "field": "person", "reason": anonymous}])
    );
    let report = import_ok(&admin, file(&lines)).await;
    assert_eq!(report["notices"], dry["notices"]);
    assert_eq!(counts(&report, "created")[1..], [2, 3, 1]);
    let p = stored::<PersonDoc>(&s, ExchangeKind::Person, "P-NA");
    assert!(!p.has_identifying_data(), "{p:?}");
    assert_eq!(p.consent.status, ConsentStatus::NotAsked);
    let c = stored::<ContactDoc>(&s, ExchangeKind::Contact, "C-NA1");
    assert_eq!((c.person, c.person_id), (PersonRef::Anonymous, None));
    assert_eq!(c.consent, ConsentStatus::NotAsked);
    let r = stored::<ReferralDoc>(&s, ExchangeKind::Referral, "R-NA");
    assert_eq!(r.person_id, None);
    // Anonymous contacts count one each; nothing of Musa is anywhere.
    let summary = json_of(&admin, "/api/reports/summary?from=2025-05-01&to=2025-05-31").await;
    assert_eq!(summary["people_reached"], 3, "{summary}");
    assert_eq!(summary["new_persons"], 0, "{summary}");
    let text = export(&admin).await;
    assert!(!text.contains("Musa") && !text.contains("333"), "{text}");
    // The same file again changes nothing.
    let again = import_ok(&admin, file(&lines)).await;
    assert_eq!(counts(&again, "unchanged")[1..], [2, 3, 1]);
}

/// The attacker's fourteenth probe: a contact's author of NUL, TAB and "=1+1" and a case's
/// labour expert with a full-width sign were imported, and the NUL reached the
/// dashboard and the workload CSV. A name shown on pages holds no control character nor
/// a mark that reorders text: the line is refused, naming the field, never the value.
#[tokio::test]
async fn a_user_name_with_control_or_direction_characters_is_refused() {
    let (s, admin) = server().await;
    let mut lines = full_file();
    let contact = lines
        .iter_mut()
        .find(|l| l["type"] == "contact")
        .expect("a contact line");
    contact["author"] = json!("\u{0}\t=1+1");
    let (status, report) = import(&admin, file(&lines), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    let errors = report["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["field"] == "author"
            && e["reason"].as_str().unwrap().contains("control character")),
        "{report}"
    );
    assert!(!report.to_string().contains("=1+1"), "{report}");
    assert!(s.store.contact_records().unwrap().is_empty());
    let mut lines = pair_file();
    lines.push(
        json!({"type": "case", "id": "K-1", "person": "P-K1", "team": "bergamo-1",
        "opened_at": "2025-06-02", "labour_expert": "Leo\u{200F}x",
        "eligibility": {"decision": "pending"}}),
    );
    let (status, report) = import(&admin, file(&lines), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert!(
        report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "labour_expert"),
        "{report}"
    );
}

/// The attacker's sixteenth probe, on the import: a case opened after its person
/// withdrew their consent was created (a push refuses it); a case closed, reviewed or
/// with an intervention done before its opening was taken (a push refuses those too;
/// September's report counted one as emerged before it was opened); a team's id with a
/// NUL, U+202E and a TAB became a key of the reports' CSV. Each is refused, naming the
/// line's field; nothing is stored. A case opened before the withdrawal still comes in
/// (an export of it goes back into an empty store).
#[tokio::test]
async fn an_import_refuses_what_a_push_refuses_on_cases_and_ids_that_reorder_text() {
    let (s, admin) = server().await;
    let withdrawn = || {
        let mut lines = pair_file();
        lines[1]["consent"] = json!({"status": "withdrawn", "at": "2025-09-01T10:00:00Z"});
        lines[1]["aliases"] = json!([]);
        lines[1].as_object_mut().unwrap().remove("birth_year");
        lines
    };
    let case = |opened: &str| {
        json!({"type": "case", "id": "K-1", "person": "P-K1", "team": "bergamo-1",
            "opened_at": opened, "eligibility": {"decision": "pending"}})
    };
    let refused = |report: &Value, line: u64, field: &str| {
        report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["line"] == line && e["field"] == field)
    };
    let mut after = withdrawn();
    after.push(case("2025-09-02"));
    let (status, report) = import(&admin, file(&after), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert!(refused(&report, 6, "opened_at"), "{report}");
    assert!(s.store.contact_records().unwrap().is_empty());

    for (field, late) in [
        (
            "closed_at",
            json!({"closed_at": "2025-08-01", "outcome": "emerged"}),
        ),
        ("reviews.at", json!({"reviews": [{"at": "2025-08-01"}]})),
        (
            "interventions.done_at",
            json!({"interventions": [{"id": "I-1", "need": "food", "planned_at": "2025-07-01",
                "done_at": "2025-08-01", "status": "done"}]}),
        ),
    ] {
        let mut lines = pair_file();
        let mut c = case("2025-10-01");
        for (k, v) in late.as_object().unwrap() {
            c[k] = v.clone();
        }
        lines.push(c);
        let (status, report) = import(&admin, file(&lines), false).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {report}"
        );
        assert!(refused(&report, 6, field), "{field}: {report}");
    }
    assert!(s.store.contact_records().unwrap().is_empty());

    let mut lines = pair_file();
    lines.push(json!({"type": "team", "id": "t5\u{0}\u{202E}evil\t=1", "name": "Cinque"}));
    let (status, report) = import(&admin, file(&lines), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{report}");
    assert!(refused(&report, 6, "id"), "{report}");
    assert!(!report.to_string().contains("evil"), "{report}");

    // Opened before the withdrawal: taken, without identifying text.
    let mut before = withdrawn();
    before.push(case("2025-08-20"));
    import_ok(&admin, file(&before)).await;
    let exported = export(&admin).await;
    assert!(exported.contains("\"K-1\""), "{exported}");
}
