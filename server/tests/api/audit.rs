//! The audit log (issue 9 §4): who read other teams' records, who signed in or failed
//! to, who administered what; read by the auditor only; its chain verified by
//! `strada-server audit verify`, while the server runs and when it is stopped.

use reqwest::StatusCode;
use serde_json::{Value, json};
use strada_server::storage::SledStore;
use strada_server::testing::TestServer;
use strada_shared::domain::Role;

use crate::helpers::{Api, contact_for};

async fn audit_page(auditor: &Api, after: u64) -> Value {
    let res = auditor.get(&format!("/api/audit?after={after}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

fn acts(page: &Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["act"].as_str().unwrap().to_string())
        .collect()
}

fn entries_of<'a>(page: &'a Value, act: &str) -> Vec<&'a Value> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["act"] == act)
        .collect()
}

#[tokio::test]
async fn reads_of_other_teams_records_sign_ins_and_account_acts_are_in_the_audit_log() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let admin_user = s.add_user("admin", Role::CentralOffice, "pua");
    s.add_user("revisore", Role::Auditor, "pua");
    let phone = Api::login(&s, "marta").await;
    let c = contact_for(&marta, 1);
    let mut d = phone.doc(&c);
    phone.push(&mut [&mut d]).await;
    // The field worker pulls her own team's documents: not an audited read.
    assert_eq!(phone.pull_ok(0, 0).await.docs.len(), 1);

    let admin = Api::login(&s, "admin").await;
    admin.keep_teams(&["bergamo-1"]).await;
    assert_eq!(admin.get("/api/contacts").await.status(), StatusCode::OK);
    assert_eq!(
        admin.get(&format!("/api/contacts/{}", c.id)).await.status(),
        StatusCode::OK
    );
    assert_eq!(admin.pull_ok(0, 0).await.docs.len(), 1);
    // A wrong password for a real account, and a name that is no account.
    for (name, password) in [("marta", "not-her-password"), ("Synthetic-nobody", "x")] {
        let res = reqwest::Client::new()
            .post(s.url("/api/auth/login"))
            .json(&json!({"username": name, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        admin
            .post_json("/api/accounts/marta/disable", &json!({}))
            .await
            .status(),
        StatusCode::OK
    );

    let auditor = Api::login(&s, "revisore").await;
    let page = audit_page(&auditor, 0).await;
    let all = acts(&page);
    for act in [
        "sign_in",
        "read_contacts",
        "read_contact",
        "pull",
        "account_disabled",
    ] {
        assert!(all.iter().any(|a| a == act), "{act} missing from {all:?}");
    }
    // Exactly one pull is recorded: the central office's, naming the document it read.
    let pulls = entries_of(&page, "pull");
    assert_eq!(pulls.len(), 1, "{pulls:?}");
    assert_eq!(pulls[0]["by"], json!(admin_user.id));
    assert_eq!(pulls[0]["docs"], json!([c.id]));
    assert_eq!(entries_of(&page, "read_contact")[0]["docs"], json!([c.id]));
    assert_eq!(entries_of(&page, "read_contacts")[0]["count"], 1);
    // Refused sign-ins: the account tried (by id), or none; the address as a network.
    let refused: Vec<_> = entries_of(&page, "sign_in")
        .into_iter()
        .filter(|e| e["outcome"] == "refused")
        .collect();
    assert_eq!(refused.len(), 2);
    assert_eq!(refused[0]["user"], json!(marta.id));
    assert_eq!(refused[0]["reason"], "bad_credentials");
    assert_eq!(refused[0]["net"], "127.0.0.0/24");
    assert_eq!(refused[1]["user"], Value::Null);
    let disabled = &entries_of(&page, "account_disabled")[0];
    assert_eq!(
        (disabled["by"].clone(), disabled["user"].clone()),
        (json!(admin_user.id), json!(marta.id))
    );
    // Ids and acts, never personal data: no alias, note, name typed or password.
    let raw = page["entries"].to_string();
    for secret in [
        "Synthetic alias",
        "synthetic",
        "marta",
        "Synthetic-nobody",
        "not-her-password",
    ] {
        assert!(!raw.contains(secret), "{secret} is in the log");
    }
    // The page names the staff it mentions.
    assert!(
        page["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "marta")
    );
    // Reading the log is recorded too, and the chain holds.
    let again = audit_page(&auditor, page["next"].as_u64().unwrap()).await;
    assert!(acts(&again).contains(&"audit_read".to_string()));
    let verified: Value = auditor.get("/api/audit/verify").await.json().await.unwrap();
    assert_eq!(verified["broken"], Value::Null);
    assert!(verified["entries"].as_u64().unwrap() >= 10);
}

#[tokio::test]
async fn only_the_auditor_reads_the_audit_log_and_the_auditor_reads_nothing_else() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("admin", Role::CentralOffice, "pua");
    s.add_user("revisore", Role::Auditor, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let mut d = phone.doc(&contact_for(&marta, 1));
    phone.push(&mut [&mut d]).await;
    let admin = Api::login(&s, "admin").await;
    for who in [&phone, &admin] {
        assert_eq!(who.get("/api/audit").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            who.get("/api/audit/verify").await.status(),
            StatusCode::FORBIDDEN
        );
    }
    let auditor = Api::login(&s, "revisore").await;
    assert_eq!(auditor.get("/api/audit").await.status(), StatusCode::OK);
    for path in ["/api/contacts", "/api/accounts", "/api/devices"] {
        assert_eq!(
            auditor.get(path).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // Not even its own team's documents reach it.
    assert!(auditor.pull_ok(0, 0).await.docs.is_empty());
}

// The CLI runs as a child process the test waits for: the server needs threads of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_holds_while_the_server_runs_and_finds_an_altered_entry_once_stopped() {
    let s = TestServer::start_administered().await;
    s.add_user("admin", Role::CentralOffice, "pua");
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let admin = Api::login(&s, "admin").await;
    for path in ["disable", "enable", "unlock"] {
        let res = admin
            .post_json(&format!("/api/accounts/marta/{path}"), &json!({}))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let cli = |dir: &std::path::Path, args: &[&str]| {
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
    };
    // While the server runs: through its administration socket (sled locks the folder).
    let (ok, out, err) = cli(&s.dir, &["user", "unlock", "marta"]);
    assert!(ok, "{err}");
    let (ok, out2, err) = cli(&s.dir, &["audit", "verify"]);
    assert!(ok, "{out} {err}");
    assert!(out2.contains("The audit log holds: 5 entries"), "{out2}");
    // The operator's act is on record, as nobody's account.
    let unlocks: Vec<_> = strada_server::audit::entries(s.store.as_ref(), 0, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.entry.act == strada_server::audit::Act::AccountUnlocked)
        .map(|e| e.entry.by)
        .collect();
    assert_eq!(unlocks.len(), 2);
    assert_eq!(unlocks[1], None);

    // Stopped: someone with the data folder rewrites the second entry.
    let dir = s.stop().await;
    {
        let (store, _) = SledStore::open(&dir).unwrap();
        store.tamper_audit(2, &mut |v| {
            let mut v = v.to_vec();
            let at = v.len() - 2;
            v[at] = if v[at] == b'1' { b'2' } else { b'1' };
            v
        });
        use strada_server::storage::Store;
        store.flush().unwrap();
    }
    let (ok, out, err) = cli(&dir, &["audit", "verify"]);
    assert!(!ok, "{out}");
    assert!(err.contains("broken at entry 2"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Found by the attacker's sixth probe: what the central office wrote through its
/// devices (another team's person, a case) was on record only in the automerge history.
/// A push by a central role is on record with the documents it changed; a field
/// worker's, within their own team, is not.
#[tokio::test]
async fn what_a_central_role_writes_through_a_push_is_on_record() {
    use strada_shared::schema::{self, DocType, PersonDoc};
    use strada_shared::sync::PushOutcome;
    use strada_shared::sync::device::DeviceDoc;
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("centrale", Role::CentralOffice, "pua");
    s.add_user("revisore", Role::Auditor, "pua");
    let phone = Api::login(&s, "marta").await;
    let p = crate::consent::person(&marta, 40, "Synthetic Tariq");
    let mut on_phone = phone.typed(&p);
    assert!(matches!(
        phone.push_one(&mut on_phone).await,
        PushOutcome::Accepted { .. }
    ));
    let central = Api::login(&s, "centrale").await;
    let mut d = DeviceDoc::new(
        p.id,
        DocType::Person,
        automerge::AutoCommit::new().with_actor(central.actor.clone()),
    );
    central.take_snapshots(&mut [&mut d]).await;
    let mut edited: PersonDoc = schema::read(&d.doc).unwrap();
    edited.usual_place = "campi di Treviglio".into();
    schema::update(&mut d.doc, &edited).unwrap();
    assert!(matches!(
        central.push_one(&mut d).await,
        PushOutcome::Accepted { .. }
    ));
    let auditor = Api::login(&s, "revisore").await;
    let page = audit_page(&auditor, 0).await;
    let written = entries_of(&page, "records_written");
    assert_eq!(written.len(), 1, "{page}");
    assert_eq!(written[0]["docs"], json!([p.id.to_string()]));
    assert_eq!(written[0]["role"], "central_office", "{page}");
    // Marta's own push is not among them.
    assert_eq!(written[0]["count"], 1);
}
