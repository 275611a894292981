//! Pushes an attacker would send (issue 9): decompression bombs, long histories, changes
//! that would not load back once stored, changes that make automerge panic. None may
//! hurt the service, and none may be acknowledged.

use automerge::transaction::Transactable;
use reqwest::StatusCode;
use strada_server::storage::{DocMeta, Projection, Store};
use strada_server::testing::TestServer;
use strada_shared::domain::Role;
use strada_shared::schema::{ContactDoc, DocType};
use strada_shared::sync::{Bytes, MAX_DOC_CHANGES, PushDoc, PushOutcome, RefusalCode};

use super::error_code;
use crate::chunks;
use crate::helpers::{Api, contact_for};

fn entry(id: strada_shared::ids::DocId, changes: Vec<u8>) -> PushDoc {
    PushDoc {
        id,
        doc_type: DocType::Contact,
        changes: Bytes(changes),
        generation: 0,
    }
}

fn is_refused(outcome: &PushOutcome, want: RefusalCode) -> bool {
    matches!(outcome, PushOutcome::Refused { code, .. } if *code == want)
}

/// The server still answers and still takes a normal push.
async fn still_serving(s: &TestServer, api: &Api, seed: u8) {
    let marta = s.store.user_by_name("marta").unwrap().unwrap();
    let mut d = api.doc(&contact_for(&marta, seed));
    let res = api.push(&mut [&mut d]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));
}

/// A pushed change that inflates to 256 MiB (a compressed change chunk, and a document
/// with a compressed column) once drove the server to gigabytes of memory: now it is
/// refused, as that document only, before anything is inflated beyond the bound.
#[tokio::test]
async fn a_decompression_bomb_is_refused_as_too_large_before_it_is_inflated() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let bomb = chunks::change_bomb(256 << 20);
    let doc_bomb = chunks::document_bomb(256 << 20);
    assert!(bomb.len() < 400 * 1024 && doc_bomb.len() < 400 * 1024);
    let good = contact_for(&marta, 1);
    let mut good_doc = api.doc(&good);
    let (good_entry, _) = good_doc.push_entry();
    let started = std::time::Instant::now();
    let outcomes = api
        .push_entries_ok(vec![
            entry(contact_for(&marta, 2).id, bomb.clone()),
            good_entry,
            entry(contact_for(&marta, 3).id, doc_bomb),
        ])
        .await;
    eprintln!("bombs refused in {:?}", started.elapsed());
    assert!(
        is_refused(&outcomes[0], RefusalCode::TooLarge),
        "{outcomes:?}"
    );
    assert!(matches!(outcomes[1], PushOutcome::Accepted { .. }));
    assert!(
        is_refused(&outcomes[2], RefusalCode::TooLarge),
        "{outcomes:?}"
    );
    assert_eq!(s.store.doc_ids().unwrap(), vec![good.id]);
    // Many bombs in one request exhaust the request's own bound: refused whole.
    let many: Vec<PushDoc> = (10..40)
        .map(|n| entry(contact_for(&marta, n).id, bomb.clone()))
        .collect();
    let (status, code, _) = error_code(api.push_entries(many).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "push_too_large")
    );
    still_serving(&s, &api, 4).await;
}

/// A contact written under the device's actor, with `extra` more changes (one counter
/// put each) after its creation.
fn long_history(api: &Api, c: &ContactDoc, extra: usize) -> automerge::AutoCommit {
    let mut doc = strada_shared::schema::create(api.actor.clone(), c).unwrap();
    for i in 0..extra {
        // A field of the schema: keys outside it are refused whatever the history.
        doc.put(automerge::ROOT, "note", format!("{i}")).unwrap();
        doc.commit();
    }
    doc
}

/// 180,000 tiny changes in one ~400 KB push once cost seconds of CPU and 100 MB: the
/// history is counted from the bytes first, and the document refused at once.
#[tokio::test]
async fn a_push_of_180000_tiny_changes_is_refused_before_decoding() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let c = contact_for(&marta, 1);
    let mut doc = long_history(&api, &c, 180_000);
    let bytes = doc.save();
    eprintln!("180,000 changes saved in {} bytes", bytes.len());
    let started = std::time::Instant::now();
    let outcomes = api.push_entries_ok(vec![entry(c.id, bytes)]).await;
    eprintln!("refused in {:?}", started.elapsed());
    assert!(
        is_refused(&outcomes[0], RefusalCode::TooLarge),
        "{outcomes:?}"
    );
    assert!(s.store.doc(c.id).unwrap().is_none());
    still_serving(&s, &api, 2).await;
}

/// Each push within the bounds, but the history they add up to is not: the merged
/// document is measured too, so a stored document always loads in bounded time. (Five
/// accounts of the team build the history: one account alone may make only a fifth of
/// a document's changes, `one_account_cannot_fill_a_record_with_changes`.)
#[tokio::test]
async fn a_history_grown_push_by_push_stops_at_the_bound() {
    use strada_server::sync::MAX_ACCOUNT_DOC_CHANGES;
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let c = contact_for(&marta, 1);
    let share = MAX_ACCOUNT_DOC_CHANGES as usize - 1;
    let mut doc = long_history(&api, &c, share);
    let outcomes = api.push_entries_ok(vec![entry(c.id, doc.save())]).await;
    assert!(
        matches!(outcomes[0], PushOutcome::Accepted { .. }),
        "{outcomes:?}"
    );
    // Each colleague adds their share, up to nine tenths of the bound.
    let mut total = share + 1;
    let mut last = None;
    for k in 1.. {
        let name = format!("colleague{k}");
        s.add_user(&name, Role::FieldWorker, "bergamo-1");
        let other = Api::login(&s, &name).await;
        let mut d = fetched(&other, c.id).await;
        let n = share.min(MAX_DOC_CHANGES as usize * 9 / 10 - total);
        if n == 0 {
            last = Some((other, d));
            break;
        }
        for i in 0..n {
            d.doc
                .put(automerge::ROOT, "note", format!("{k}-{i}"))
                .unwrap();
            d.doc.commit();
        }
        push_accepted(&other, &mut d).await;
        total += n;
    }
    // The last colleague's share would take the document past the bound.
    let (other, mut d) = last.unwrap();
    let acked = d.doc.get_heads();
    for i in 0..(MAX_DOC_CHANGES as usize) / 5 {
        d.doc.put(automerge::ROOT, "note", format!("-{i}")).unwrap();
        d.doc.commit();
    }
    let outcomes = other
        .push_entries_ok(vec![entry(c.id, d.doc.save_after(&acked))])
        .await;
    assert!(
        is_refused(&outcomes[0], RefusalCode::TooLarge),
        "{outcomes:?}"
    );
    // The document's bound, not the account's share.
    assert!(
        matches!(&outcomes[0], PushOutcome::Refused { reason, .. } if !reason.contains("account")),
        "{outcomes:?}"
    );
    let stored = s.store.doc(c.id).unwrap().unwrap();
    assert_eq!(stored.meta.heads.0, {
        let mut h = acked.clone();
        h.sort();
        h
    });
}

/// `change` (one op) with its first column's literal run of one value rewritten as a run
/// of length one, and the checksum recomputed.
fn non_canonical(change: &[u8]) -> Vec<u8> {
    let layout = chunks::change_layout(change);
    assert_eq!(change[layout.data], 0x7f, "a literal run of one value (-1)");
    chunks::with_byte(change, layout.data, 0x01)
}

/// `c` pushed whole by a new device of `api`'s account, accepted: the device's document.
async fn pushed_whole(api: &Api, c: &ContactDoc) -> strada_shared::sync::device::DeviceDoc {
    let mut d = api.doc(c);
    let outcomes = api.push_entries_ok(vec![entry(c.id, d.doc.save())]).await;
    assert!(
        matches!(outcomes[0], PushOutcome::Accepted { .. }),
        "{outcomes:?}"
    );
    d
}

/// A new contact `c` as the device first pushes it (its whole document), and the device's
/// next edit of it (the change chunk it pushes then).
fn created_and_edit(api: &Api, c: &ContactDoc) -> (Vec<u8>, Vec<u8>) {
    let mut d = api.doc(c);
    let created = d.doc.save();
    let acked = d.doc.get_heads();
    strada_shared::schema::update(
        &mut d.doc,
        &ContactDoc {
            note: "an edit".into(),
            ..c.clone()
        },
    )
    .unwrap();
    (created, d.doc.save_after(&acked))
}

/// Found by an attacker: the device's own edit with one byte changed and a valid
/// checksum. Its first column starts with "a run of one value" instead of "one literal
/// value": the same operation, encoded differently. It merges, reads as a contact, and
/// was stored; but the change's hash covers its original bytes, the saved document
/// re-encodes it canonically, and the document no longer loads ("mismatching heads"):
/// every pull and push touching it answered 500, even after a restart. Nothing that does
/// not load back is acknowledged now.
#[tokio::test]
async fn a_crafted_change_whose_document_would_not_load_back_is_refused() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("anna", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let teammate = Api::login(&s, "anna").await;
    let c = contact_for(&marta, 1);
    let (created, change) = created_and_edit(&api, &c);
    let outcomes = api.push_entries_ok(vec![entry(c.id, created)]).await;
    assert!(matches!(outcomes[0], PushOutcome::Accepted { .. }));
    let page = teammate.pull_ok(0, 0).await;
    let before = s.store.doc(c.id).unwrap().unwrap();
    let crafted = non_canonical(&change);
    let outcomes = api.push_entries_ok(vec![entry(c.id, crafted)]).await;
    assert!(
        is_refused(&outcomes[0], RefusalCode::Malformed),
        "{outcomes:?}"
    );
    let after = s.store.doc(c.id).unwrap().unwrap();
    assert_eq!(
        (after.bytes, after.meta.seq),
        (before.bytes, before.meta.seq)
    );
    // Teammates and the device go on: the real edit is accepted and pulled.
    let outcomes = api.push_entries_ok(vec![entry(c.id, change)]).await;
    assert!(
        matches!(outcomes[0], PushOutcome::Accepted { .. }),
        "{outcomes:?}"
    );
    let next = teammate.pull_ok(page.cursor, page.cursor).await;
    assert_eq!(next.docs.len(), 1);
    assert!(!next.docs[0].snapshot);
}

/// An edit is stored as the bytes stored before followed by its changes (the whole
/// document is not saved and loaded back for each edit), and those bytes load to the
/// heads acknowledged. Once the changes appended outweigh the document's last whole
/// save, it is saved whole again.
#[tokio::test]
async fn edits_are_appended_to_the_stored_document_which_is_saved_whole_again_when_they_outweigh_it()
 {
    use strada_server::sync::bounds::document_len;
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let c = contact_for(&marta, 1);
    let mut d = pushed_whole(&api, &c).await;
    let mut stored = s.store.doc(c.id).unwrap().unwrap().bytes;
    assert_eq!(
        document_len(&stored),
        Some(stored.len()),
        "a new document is saved whole"
    );
    let (mut appended, mut whole) = (0, 0);
    for i in 0..40 {
        let acked = d.doc.get_heads();
        strada_shared::schema::update(
            &mut d.doc,
            &ContactDoc {
                note: format!("edit {i}: {}", "parole ".repeat(i)),
                ..c.clone()
            },
        )
        .unwrap();
        let outcomes = api
            .push_entries_ok(vec![entry(c.id, d.doc.save_after(&acked))])
            .await;
        let PushOutcome::Accepted { heads } = &outcomes[0] else {
            panic!("{outcomes:?}");
        };
        let now = s.store.doc(c.id).unwrap().unwrap();
        assert_eq!(heads, &now.meta.heads);
        let mut loaded = automerge::AutoCommit::load(&now.bytes).expect("stored bytes load");
        assert_eq!(
            strada_shared::sync::Heads::new(loaded.get_heads()),
            now.meta.heads
        );
        assert_eq!(loaded.get_heads(), d.doc.get_heads());
        let read: ContactDoc = strada_shared::schema::read(&loaded).unwrap();
        assert_eq!(read.note, format!("edit {i}: {}", "parole ".repeat(i)));
        if document_len(&now.bytes) == Some(now.bytes.len()) {
            whole += 1;
        } else {
            assert!(
                now.bytes.starts_with(&stored),
                "edit {i} appended to what was stored"
            );
            appended += 1;
        }
        stored = now.bytes;
    }
    assert!(appended > 20, "{appended} edits appended");
    assert!(whole >= 1, "saved whole again {whole} times");
}

/// A device offline for a while pushes several edits of one document at once; their
/// chunks may come in any order. They are appended as the device wrote them (its own
/// bytes, each after its parents), the stored bytes load to the heads acknowledged, and
/// the document's next edit, read through what the server kept of the last read, reads
/// as the device's.
#[tokio::test]
async fn several_edits_sent_in_any_order_are_appended_after_their_parents_and_load_back() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let c = contact_for(&marta, 1);
    let mut d = pushed_whole(&api, &c).await;
    let stored = s.store.doc(c.id).unwrap().unwrap().bytes;
    let acked = d.doc.get_heads();
    let mut chunks = Vec::new();
    for i in 0..3 {
        let before = d.doc.get_heads();
        strada_shared::schema::update(
            &mut d.doc,
            &ContactDoc {
                note: format!("offline {i}"),
                workplace: format!("serra {i}"),
                ..c.clone()
            },
        )
        .unwrap();
        chunks.push(d.doc.save_after(&before));
    }
    assert_eq!(
        chunks.concat(),
        d.doc.save_after(&acked),
        "one chunk per edit"
    );
    chunks.reverse();
    let outcomes = api
        .push_entries_ok(vec![entry(c.id, chunks.concat())])
        .await;
    let PushOutcome::Accepted { heads } = &outcomes[0] else {
        panic!("{outcomes:?}");
    };
    let now = s.store.doc(c.id).unwrap().unwrap();
    assert_eq!(heads, &now.meta.heads);
    chunks.reverse();
    assert_eq!(
        now.bytes,
        [stored, chunks.concat()].concat(),
        "the device's changes appended after their parents"
    );
    let mut loaded = automerge::AutoCommit::load(&now.bytes).expect("stored bytes load");
    assert_eq!(loaded.get_heads(), d.doc.get_heads());
    // The next edit touches one field; the rest is read as kept from the last read.
    let acked = d.doc.get_heads();
    let last = ContactDoc {
        note: "back online".into(),
        workplace: "serra 2".into(),
        ..c.clone()
    };
    strada_shared::schema::update(&mut d.doc, &last).unwrap();
    let outcomes = api
        .push_entries_ok(vec![entry(c.id, d.doc.save_after(&acked))])
        .await;
    assert!(
        matches!(outcomes[0], PushOutcome::Accepted { .. }),
        "{outcomes:?}"
    );
    let record = s.store.contact_record(c.id).unwrap().expect("record");
    assert_eq!(
        (record.note.as_str(), record.workplace.as_str()),
        ("back online", "serra 2")
    );
    let now = s.store.doc(c.id).unwrap().unwrap();
    let loaded = automerge::AutoCommit::load(&now.bytes).expect("stored bytes load");
    let read: ContactDoc = strada_shared::schema::read(&loaded).unwrap();
    assert_eq!(
        read,
        strada_shared::schema::read::<ContactDoc>(&d.doc).unwrap()
    );
}

/// The device's edit with its `seq` moved on (and a valid checksum) makes automerge
/// panic while merging: the document is refused as malformed, the server logs one line
/// without a backtrace (checked on the real binary, whose panic hook is installed), and
/// the request answers normally.
#[tokio::test]
async fn a_change_that_makes_automerge_panic_is_refused_as_malformed() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let c = contact_for(&marta, 1);
    let (created, change) = created_and_edit(&api, &c);
    let good = contact_for(&marta, 2);
    let good_bytes = api.doc(&good).doc.save();
    let outcomes = api.push_entries_ok(vec![entry(c.id, created)]).await;
    assert!(matches!(outcomes[0], PushOutcome::Accepted { .. }));
    let layout = chunks::change_layout(&change);
    let seq = change[layout.seq];
    let crafted = chunks::with_byte(&change, layout.seq, seq + 3);
    let outcomes = api
        .push_entries_ok(vec![entry(c.id, crafted), entry(good.id, good_bytes)])
        .await;
    assert!(
        is_refused(&outcomes[0], RefusalCode::Malformed),
        "{outcomes:?}"
    );
    assert!(matches!(outcomes[1], PushOutcome::Accepted { .. }));
}

/// The same panic against the real binary: one log line, no backtrace.
#[tokio::test]
async fn a_panic_on_pushed_data_logs_one_line_without_a_backtrace() {
    let bin = env!("CARGO_BIN_EXE_strada-server");
    let dir = std::env::temp_dir().join(format!("strada-panic-{}", uuid::Uuid::now_v7()));
    let add = std::process::Command::new(bin)
        .args([
            "user",
            "add",
            "marta",
            "--role",
            "field_worker",
            "--team",
            "bergamo-1",
        ])
        .arg("--password-stdin")
        .env("STRADA_DATA_DIR", &dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(b"password-marta\n")?;
            child.wait()
        })
        .unwrap();
    assert!(add.success());
    let mut server = tokio::process::Command::new(bin)
        .arg("serve")
        .env("STRADA_DATA_DIR", &dir)
        .env("STRADA_LISTEN", "127.0.0.1:0")
        .env("STRADA_DIST_DIR", dir.join("no-dist"))
        .env("RUST_BACKTRACE", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    use tokio::io::AsyncBufReadExt;
    let mut stdout = tokio::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let base = loop {
        let line = stdout
            .next_line()
            .await
            .unwrap()
            .expect("the server prints its address");
        if let Some(rest) = line.strip_prefix("Strada is running at ") {
            break rest.trim_end_matches('/').to_string();
        }
    };
    let client = reqwest::Client::new();
    let actor = automerge::ActorId::random();
    let login: serde_json::Value = client
        .post(format!("{base}/api/auth/login"))
        .json(&serde_json::json!({
            "username": "marta", "password": "password-marta",
            "device_actor": actor.to_hex_string(),
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_string();
    let user = strada_server::storage::StoredUser {
        id: login["user"]["id"]
            .as_str()
            .and_then(|i| i.parse().ok())
            .unwrap_or_else(|| panic!("the login answer names the user: {login}")),
        username: "marta".into(),
        role: Role::FieldWorker,
        team: strada_shared::ids::TeamId::parse("bergamo-1").unwrap(),
        password_hash: String::new(),
        created_at: 0,
        disabled_at: None,
        failed_logins: 0,
        locked_until: None,
    };
    let api = Api {
        client,
        base,
        token,
        actor,
        logout_key: login["logout_key"].as_str().unwrap_or_default().to_string(),
        device_key: login["device_key"].as_str().unwrap_or_default().to_string(),
    };
    let c = contact_for(&user, 1);
    let (created, change) = created_and_edit(&api, &c);
    let outcomes = api.push_entries_ok(vec![entry(c.id, created)]).await;
    assert!(
        matches!(outcomes[0], PushOutcome::Accepted { .. }),
        "{outcomes:?}"
    );
    let layout = chunks::change_layout(&change);
    let crafted = chunks::with_byte(&change, layout.seq, change[layout.seq] + 3);
    for _ in 0..3 {
        let outcomes = api
            .push_entries_ok(vec![entry(c.id, crafted.clone())])
            .await;
        assert!(
            is_refused(&outcomes[0], RefusalCode::Malformed),
            "{outcomes:?}"
        );
    }
    // Found by the attacker's seventh probe: one line per refused document let one
    // account write 19 MB of log a second, with pushes naming 500 records it may not
    // write. A push's refusals are one line, counted by code.
    let elsewhere = strada_server::storage::StoredUser {
        team: strada_shared::ids::TeamId::parse("cremona-mantova").unwrap(),
        ..user.clone()
    };
    let others: Vec<PushDoc> = (10..15)
        .map(|seed| {
            let c = contact_for(&elsewhere, seed);
            entry(c.id, created_and_edit(&api, &c).0)
        })
        .collect();
    let outcomes = api.push_entries_ok(others).await;
    assert!(
        outcomes
            .iter()
            .all(|o| is_refused(o, RefusalCode::OtherTeam)),
        "{outcomes:?}"
    );
    server.start_kill().unwrap();
    let out = server.wait_with_output().await.unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    let refusals: Vec<&str> = log.lines().filter(|l| l.contains("push refused")).collect();
    assert_eq!(refusals.len(), 4, "one line per push:\n{log}");
    assert!(refusals[3].contains("OtherTeam 5"), "{log}");
    let panics = log.lines().filter(|l| l.contains("panic")).count();
    assert_eq!(panics, 3, "one line per panic:\n{log}");
    assert!(!log.contains("stack backtrace"), "{log}");
    assert!(!log.contains("panicked at"), "{log}");
    let _ = std::fs::remove_dir_all(dir);
}

/// A stored document that does not load (stored before the load-back check, or damaged
/// on disk) once made every pull and push touching it answer 500. Now it is quarantined
/// the first time a request meets it, and everything else goes on; the device that sends
/// it whole again brings it back.
#[tokio::test]
async fn a_stored_document_that_does_not_load_is_quarantined_and_the_others_still_sync() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("anna", Role::FieldWorker, "bergamo-1");
    s.add_user("centrale", Role::CentralOffice, "pua");
    let phone = Api::login(&s, "marta").await;
    let teammate = Api::login(&s, "anna").await;
    let central = Api::login(&s, "centrale").await;
    central.keep_teams(&["bergamo-1"]).await;
    let (a, b, z) = (
        contact_for(&marta, 1),
        contact_for(&marta, 2),
        contact_for(&marta, 3),
    );
    let (mut da, mut db, mut dz) = (phone.doc(&a), phone.doc(&b), phone.doc(&z));
    phone.push(&mut [&mut da, &mut db, &mut dz]).await;
    // The teammate holds a and b; z is new to everyone but the phone.
    let first = teammate.pull_ok(0, 0).await;
    assert_eq!(first.docs.len(), 3);
    // Damage a and z on the server as an older version would have stored them: merged
    // with the crafted change (which loads incrementally but not back).
    for (c, d) in [(&a, &mut da), (&z, &mut dz)] {
        let stored = s.store.doc(c.id).unwrap().unwrap();
        let mut doc = automerge::AutoCommit::load(&stored.bytes).unwrap();
        let mut edit = d.doc.fork().with_actor(phone.actor.clone());
        let heads = edit.get_heads();
        strada_shared::schema::update(
            &mut edit,
            &ContactDoc {
                note: "damaged".into(),
                ..c.clone()
            },
        )
        .unwrap();
        let change = edit.save_after(&heads);
        doc.load_incremental(&non_canonical(&change)).unwrap();
        let bytes = doc.save();
        assert!(
            automerge::AutoCommit::load(&bytes).is_err(),
            "the damage is real"
        );
        let meta = DocMeta {
            heads: strada_shared::sync::Heads::new(doc.get_heads()),
            verified: false,
            ..stored.meta
        };
        s.store
            .commit_doc(c.id, &bytes, &meta, &Projection::None)
            .unwrap();
    }
    // A push with the damaged document and a new one: the new one is stored; the
    // damaged one is quarantined and, since the edit alone cannot rebuild it, the device
    // is asked for the whole document.
    let new = contact_for(&marta, 4);
    let mut dnew = phone.doc(&new);
    strada_shared::schema::update(
        &mut da.doc,
        &ContactDoc {
            note: "edited on the phone".into(),
            ..a.clone()
        },
    )
    .unwrap();
    let res = phone.push(&mut [&mut da, &mut dnew]).await;
    assert!(
        matches!(res.results[0].outcome, PushOutcome::Incomplete),
        "{:?}",
        res.results[0]
    );
    assert!(matches!(
        res.results[1].outcome,
        PushOutcome::Accepted { .. }
    ));
    assert_eq!(s.store.quarantined_ids().unwrap(), vec![a.id]);
    // The teammate's incremental pull and the central office's first pull answer, with
    // every document but the damaged ones (z is found and set aside on the way).
    let next = teammate.pull_ok(first.cursor, first.cursor).await;
    let ids: Vec<_> = next.docs.iter().map(|d| d.id).collect();
    assert_eq!(ids, vec![new.id]);
    let all = central.pull_ok(0, 0).await;
    let mut ids: Vec<_> = all.docs.iter().map(|d| d.id).collect();
    ids.sort();
    let mut want = vec![b.id, new.id];
    want.sort();
    assert_eq!(ids, want);
    let mut quarantined = s.store.quarantined_ids().unwrap();
    quarantined.sort();
    let mut want = vec![a.id, z.id];
    want.sort();
    assert_eq!(quarantined, want);
    // The phone sends a whole again (its copy is sound): back in the feed, out of
    // quarantine, and the teammate pulls it.
    let res = phone.push(&mut [&mut da]).await;
    assert!(
        matches!(res.results[0].outcome, PushOutcome::Accepted { .. }),
        "{:?}",
        res.results[0]
    );
    assert_eq!(s.store.quarantined_ids().unwrap(), vec![z.id]);
    let healed = teammate.pull_ok(next.cursor, next.cursor).await;
    assert_eq!(healed.docs.len(), 1);
    assert_eq!(healed.docs[0].id, a.id);
    let doc = automerge::AutoCommit::load(&healed.docs[0].data.0).unwrap();
    let back: ContactDoc = strada_shared::schema::read(&doc).unwrap();
    assert_eq!(back.note, "edited on the phone");
    // Restarted, the server serves the same.
    let dir = s.stop().await;
    let s = TestServer::start_in(dir).await;
    let central = Api::login(&s, "centrale").await;
    central.keep_teams(&["bergamo-1"]).await;
    assert_eq!(central.pull_ok(0, 0).await.docs.len(), 3);
}

/// The server's copy of contact `id`, to edit on `api`'s device.
async fn fetched(
    api: &Api,
    id: strada_shared::ids::DocId,
) -> strada_shared::sync::device::DeviceDoc {
    let mut d = strada_shared::sync::device::DeviceDoc::new(
        id,
        DocType::Contact,
        automerge::AutoCommit::new().with_actor(api.actor.clone()),
    );
    api.take_snapshots(&mut [&mut d]).await;
    d
}

/// `api` pushes `d`: accepted.
async fn push_accepted(api: &Api, d: &mut strada_shared::sync::device::DeviceDoc) {
    let res = api.push(&mut [d]).await;
    assert!(
        matches!(res.results[0].outcome, PushOutcome::Accepted { .. }),
        "{:?}",
        res.results[0].outcome
    );
}

/// Found by the attacker's sixth probe: one field worker pushed 10,000 one-operation
/// changes to a record of their team, and every later edit of it, by anyone, was
/// refused as too large. One account's devices now make at most a fifth of a record's
/// changes; the others can still edit it.
#[tokio::test]
async fn one_account_cannot_fill_a_record_with_changes() {
    use strada_server::sync::MAX_ACCOUNT_DOC_CHANGES;
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("giulia", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let mut d = phone.doc(&contact_for(&marta, 1));
    let note = |d: &mut strada_shared::sync::device::DeviceDoc, n: u64| {
        for i in 0..n {
            d.doc
                .put(automerge::ROOT, "note", format!("note {i}"))
                .unwrap();
            d.doc.commit();
        }
    };
    // Up to the account's share: accepted (the contact's first change included).
    note(&mut d, MAX_ACCOUNT_DOC_CHANGES - 1);
    let res = phone.push(&mut [&mut d]).await;
    assert!(matches!(
        res.results[0].outcome,
        PushOutcome::Accepted { .. }
    ));
    // One more: refused, with why.
    note(&mut d, 1);
    let res = phone.push(&mut [&mut d]).await;
    match &res.results[0].outcome {
        PushOutcome::Refused { code, reason } => {
            assert_eq!(*code, RefusalCode::TooLarge);
            assert!(reason.contains("account"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    // The same account on another device: refused too.
    let tablet = Api::login(&s, "marta").await;
    let mut t = fetched(&tablet, d.id).await;
    note(&mut t, 1);
    let res = tablet.push(&mut [&mut t]).await;
    assert!(is_refused(&res.results[0].outcome, RefusalCode::TooLarge));
    // The same push again: refused again (found by the attacker's seventh probe: each
    // one counted the record's whole history again, holding every team's pushes; the
    // shares are now kept, and such a push is refused before it is merged).
    let res = phone.push(&mut [&mut d]).await;
    assert!(is_refused(&res.results[0].outcome, RefusalCode::TooLarge));
    // A colleague still edits the record, and the account is still refused after.
    let other = Api::login(&s, "giulia").await;
    let mut g = fetched(&other, d.id).await;
    note(&mut g, 1);
    push_accepted(&other, &mut g).await;
    note(&mut g, 2);
    push_accepted(&other, &mut g).await;
    let res = phone.push(&mut [&mut d]).await;
    assert!(is_refused(&res.results[0].outcome, RefusalCode::TooLarge));
    let mut t = fetched(&tablet, d.id).await;
    note(&mut t, 1);
    let res = tablet.push(&mut [&mut t]).await;
    assert!(is_refused(&res.results[0].outcome, RefusalCode::TooLarge));
    // What the colleague wrote is there, nothing of the refused pushes.
    let stored = fetched(&other, d.id).await;
    let value: ContactDoc = strada_shared::schema::read(&stored.doc).unwrap();
    assert_eq!(value.note, "note 1");
}

/// Found by the verification of the fix above: the same account filled a record's
/// bytes instead, with 47 notes of 4,000 four-byte characters, and every later edit of
/// it was refused. One account's share of a record's bytes is bounded too.
#[tokio::test]
async fn one_account_cannot_fill_a_record_with_long_notes() {
    use strada_server::sync::ACCOUNT_DOC_BOUNDS;
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("giulia", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let mut d = phone.doc(&contact_for(&marta, 1));
    let note_bytes = 4 * 3_990;
    let mut accepted = 0u64;
    let refusal = loop {
        let note = format!("{accepted:04}{}", "𝄞".repeat(3_990));
        d.doc.put(automerge::ROOT, "note", note).unwrap();
        d.doc.commit();
        let res = phone.push(&mut [&mut d]).await;
        match &res.results[0].outcome {
            PushOutcome::Accepted { .. } => accepted += 1,
            other => break other.clone(),
        }
        assert!(accepted < 100, "never refused");
    };
    assert!(is_refused(&refusal, RefusalCode::TooLarge), "{refusal:?}");
    assert!(
        matches!(&refusal, PushOutcome::Refused { reason, .. } if reason.contains("account")),
        "{refusal:?}"
    );
    // Refused once past the account's share (the notes' bytes, as a change measures
    // them), not before: a few long notes are fine.
    assert!(accepted >= 3, "{accepted}");
    assert!(
        accepted * note_bytes <= ACCOUNT_DOC_BOUNDS.decoded,
        "{accepted}"
    );
    // A colleague still edits the record.
    let other = Api::login(&s, "giulia").await;
    let mut g = fetched(&other, d.id).await;
    g.doc.put(automerge::ROOT, "note", "met again").unwrap();
    g.doc.commit();
    push_accepted(&other, &mut g).await;
}

/// Found by the attacker's eighth probe: one large record asked for 200 times in one
/// snapshots request answered 81 MB, built in memory (a dozen slow readers held 4.4 GB).
/// Each id is answered once, and an answer stops past a pull page's bytes; the device
/// asks again for the rest.
#[tokio::test]
async fn snapshots_answer_each_document_once_and_no_more_than_a_page() {
    use strada_shared::sync::{PULL_PAGE_BYTES, SnapshotsResponse};
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    // Records of about 50 KB each: three long notes written over one another.
    let mut ids = Vec::new();
    for seed in 1..=8u8 {
        let mut d = phone.doc(&contact_for(&marta, seed));
        for n in 0..3 {
            let note = format!("{seed:02}{n}{}", "𝄞".repeat(3_990));
            d.doc.put(automerge::ROOT, "note", note).unwrap();
            d.doc.commit();
        }
        push_accepted(&phone, &mut d).await;
        ids.push(d.id);
    }
    let ask = |ids: Vec<strada_shared::ids::DocId>| {
        let phone = &phone;
        async move {
            let res = phone
                .post_json("/api/sync/snapshots", &serde_json::json!({ "ids": ids }))
                .await;
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<SnapshotsResponse>().await.unwrap()
        }
    };
    // One id 200 times: one document.
    let once = ask(vec![ids[0]; 200]).await;
    assert_eq!(once.docs.len(), 1);
    let size = once.docs[0].data.0.len();
    assert!(size > 40_000, "{size}");
    // All eight: the answer stops once past a page's bytes, in the order asked.
    let first = ask(ids.clone()).await;
    let n = first.docs.len();
    assert!(n < ids.len(), "{n}");
    let bytes: Vec<usize> = first.docs.iter().map(|d| d.data.0.len()).collect();
    assert!(
        bytes[..n - 1].iter().sum::<usize>() < PULL_PAGE_BYTES,
        "{bytes:?}"
    );
    assert!(bytes.iter().sum::<usize>() >= PULL_PAGE_BYTES, "{bytes:?}");
    let got: Vec<_> = first.docs.iter().map(|d| d.id).collect();
    assert_eq!(got, ids[..n]);
    // The rest when asked again.
    let rest = ask(ids[n..].to_vec()).await;
    assert_eq!(rest.docs.len(), ids.len() - n);
}

/// Found by the attacker's tenth probe: one field worker created 5,000 records in 2 s
/// (the data folder grew by 100 MB), with nothing to stop it going on. An account's
/// devices create at most a day's budget of records; past it a push is answered 429
/// and stores nothing, its edits to records it has still go through, and other
/// accounts are not touched.
#[tokio::test]
async fn an_account_creates_at_most_a_day_s_budget_of_records() {
    let s = TestServer::start_with(strada_server::Served {
        limits: strada_server::config::Limits {
            max_new_records_per_day: 5,
            ..Default::default()
        },
        ..Default::default()
    })
    .await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let luca = s.add_user("luca", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let mut docs: Vec<_> = (1..=8u8)
        .map(|n| phone.doc(&contact_for(&marta, n)))
        .collect();
    // Pushes that create nothing cost nothing (the attacker's eleventh probe spent a
    // day's budget with garbage): four new records of bytes that are no automerge.
    for n in 0..3u8 {
        let garbage: Vec<PushDoc> = (0..4u8)
            .map(|i| {
                entry(
                    strada_shared::ids::DocId::new_v7(1_760_000_100_000, [n * 4 + i; 10]),
                    vec![0; 4],
                )
            })
            .collect();
        assert!(phone.push_entries(garbage).await.status().is_client_error());
    }
    // Three, then three more: over the budget of five.
    let (first, rest) = docs.split_at_mut(3);
    let res = phone.push(&mut first.iter_mut().collect::<Vec<_>>()).await;
    assert!(
        res.results
            .iter()
            .all(|r| matches!(r.outcome, PushOutcome::Accepted { .. }))
    );
    let over: Vec<PushDoc> = rest[..3].iter_mut().map(|d| d.push_entry().0).collect();
    let (status, code, _) = error_code(phone.push_entries(over).await).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "too_many_new_records")
    );
    for d in &rest[..3] {
        assert!(s.store.doc_meta(d.id).unwrap().is_none(), "nothing stored");
    }
    // An edit of a record the account has still goes through.
    first[0]
        .doc
        .put(automerge::ROOT, "note", "synthetic, edited")
        .unwrap();
    first[0].doc.commit();
    push_accepted(&phone, &mut first[0]).await;
    // Two more fit the budget.
    let res = phone
        .push(&mut rest[..2].iter_mut().collect::<Vec<_>>())
        .await;
    assert!(
        res.results
            .iter()
            .all(|r| matches!(r.outcome, PushOutcome::Accepted { .. }))
    );
    // Another account has its own.
    let other = Api::login(&s, "luca").await;
    let mut d = other.doc(&contact_for(&luca, 20));
    push_accepted(&other, &mut d).await;
}
