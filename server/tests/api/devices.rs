//! Device revocation: the central office lists devices and revokes one; the revoked
//! device's every request is refused with `device_revoked`, the user's other devices go on.

use reqwest::StatusCode;
use serde_json::{Value, json};
use strada_server::testing::TestServer;
use strada_shared::domain::Role;

use super::error_code;
use crate::helpers::Api;

async fn devices(admin: &Api) -> Vec<Value> {
    let res = admin.get("/api/devices").await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json::<Vec<Value>>().await.unwrap()
}

#[tokio::test]
async fn a_revoked_device_is_refused_with_device_revoked_and_the_users_other_devices_go_on() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("admin", Role::CentralOffice, "pua");
    let phone = Api::login(&s, "marta").await;
    let tablet = Api::login(&s, "marta").await;
    let admin = Api::login(&s, "admin").await;

    let list = devices(&admin).await;
    assert_eq!(list.len(), 3);
    let phone_id = phone.actor.to_hex_string();
    let entry = list
        .iter()
        .find(|d| d["id"] == phone_id.as_str())
        .expect("the phone is listed");
    assert_eq!(entry["username"], "marta");
    assert_eq!(entry["team"], "bergamo-1");
    assert_eq!(entry["short_id"], &phone_id[..8]);
    assert_eq!(entry["revoked_at"], Value::Null);
    // Who and when, nothing else.
    let mut keys: Vec<&str> = entry
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "active_sessions",
            "id",
            "last_seen",
            "revoked_at",
            "short_id",
            "signed_in_at",
            "team",
            "username"
        ]
    );

    let res = admin
        .post_json(&format!("/api/devices/{phone_id}/revoke"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let revoked: Value = res.json().await.unwrap();
    assert!(revoked["revoked_at"].is_string());

    // Every request of the revoked device: the same stable code.
    for res in [
        phone.get("/api/auth/me").await,
        phone
            .post_json("/api/sync/pull", &json!({"cursor": 0}))
            .await,
        phone.post_json("/api/sync/events-ticket", &json!({})).await,
    ] {
        let (status, code, _) = error_code(res).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "device_revoked")
        );
    }
    // It cannot sign in again either.
    let res = phone
        .client
        .post(s.url("/api/auth/login"))
        .json(&json!({
            "username": "marta",
            "password": "password-marta",
            "device_actor": phone_id,
        }))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNAUTHORIZED, "device_revoked")
    );

    // The same user's other device, and the admin, go on.
    assert_eq!(tablet.get("/api/auth/me").await.status(), StatusCode::OK);
    assert_eq!(
        tablet
            .post_json("/api/sync/pull", &json!({"cursor": 0}))
            .await
            .status(),
        StatusCode::OK
    );
    let list = devices(&admin).await;
    let revoked_count = list.iter().filter(|d| d["revoked_at"].is_string()).count();
    assert_eq!(revoked_count, 1);
}

#[tokio::test]
async fn only_the_central_office_lists_and_revokes_devices() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("luca", Role::FieldWorker, "bergamo-1");
    s.add_user("admin", Role::CentralOffice, "pua");
    let marta = Api::login(&s, "marta").await;
    let luca = Api::login(&s, "luca").await;
    let admin = Api::login(&s, "admin").await;

    assert_eq!(
        luca.get("/api/devices").await.status(),
        StatusCode::FORBIDDEN
    );
    let res = luca
        .post_json(
            &format!("/api/devices/{}/revoke", marta.actor.to_hex_string()),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(marta.get("/api/auth/me").await.status(), StatusCode::OK);

    // The director lists the devices and acts on none: a revoked device wipes what it
    // holds, unsynced changes included (the attacker's fifth probe; the director
    // administers no account). Its own device neither, nor the central office's.
    s.add_user("direzione", Role::Director, "pua");
    let director = Api::login(&s, "direzione").await;
    assert_eq!(director.get("/api/devices").await.status(), StatusCode::OK);
    for id in [&marta.actor, &admin.actor] {
        for act in ["revoke", "end-sessions"] {
            let res = director
                .post_json(
                    &format!("/api/devices/{}/{act}", id.to_hex_string()),
                    &json!({}),
                )
                .await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{act}");
        }
    }
    assert_eq!(marta.get("/api/auth/me").await.status(), StatusCode::OK);
    assert_eq!(admin.get("/api/auth/me").await.status(), StatusCode::OK);

    // No session at all.
    let res = reqwest::get(s.url("/api/devices")).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Unknown and malformed ids.
    let unknown = "00".repeat(16);
    let res = admin
        .post_json(&format!("/api/devices/{unknown}/revoke"), &json!({}))
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = admin
        .post_json("/api/devices/not-hex/revoke", &json!({}))
        .await;
    let (status, code, _) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_device")
    );
    assert_eq!(
        devices(&admin)
            .await
            .iter()
            .filter(|d| d["revoked_at"].is_string())
            .count(),
        0
    );
}

#[tokio::test]
async fn the_cli_revokes_every_device_of_a_user_and_no_other() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("luca", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let tablet = Api::login(&s, "marta").await;
    let luca = Api::login(&s, "luca").await;
    let dir = s.stop().await;

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_strada-server"))
        .args(["device", "revoke", "marta", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Revoked 2 device(s) of marta."
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_strada-server"))
        .args(["device", "revoke", "nobody", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!out.status.success());

    let s = TestServer::start_in(dir).await;
    for api in [&phone, &tablet] {
        let res = api
            .client
            .get(s.url("/api/auth/me"))
            .bearer_auth(&api.token)
            .send()
            .await
            .unwrap();
        let (status, code, _) = error_code(res).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "device_revoked")
        );
    }
    let res = luca
        .client
        .get(s.url("/api/auth/me"))
        .bearer_auth(&luca.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
}

/// Reads `stream` until it ends; panics if it tells a `feed` event first, or is still
/// open after 10 s.
async fn ends_untold(stream: &mut reqwest::Response) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("the stream ends within 10 s")
            .unwrap();
        match chunk {
            None => return,
            Some(c) => assert!(
                !String::from_utf8_lossy(&c).contains("event: feed"),
                "an event told to a revoked device"
            ),
        }
    }
}

/// Found by the attacker's seventh probe: a revoked phone's live stream stayed open and
/// went on telling it when its team wrote, and a ticket it took before the revocation
/// still opened a stream.
#[tokio::test]
async fn a_revoked_devices_live_stream_ends_and_a_ticket_it_took_before_opens_none() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let luca = s.add_user("luca", Role::FieldWorker, "bergamo-1");
    s.add_user("admin", Role::CentralOffice, "pua");
    let phone = Api::login(&s, "marta").await;
    let tablet = Api::login(&s, "marta").await;
    let colleague = Api::login(&s, "luca").await;
    let admin = Api::login(&s, "admin").await;

    // Revoked by the central office: the stream ends at once.
    let mut stream = phone.event_stream(&s).await;
    crate::next_feed_event(&mut stream).await;
    let res = phone.post_json("/api/sync/events-ticket", &json!({})).await;
    let spare: Value = res.json().await.unwrap();
    let res = admin
        .post_json(
            &format!("/api/devices/{}/revoke", phone.actor.to_hex_string()),
            &json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    ends_untold(&mut stream).await;
    let res = reqwest::get(s.url(&format!(
        "/api/sync/events?ticket={}",
        spare["ticket"].as_str().unwrap()
    )))
    .await
    .unwrap();
    assert_eq!(error_code(res).await.1, "no_session");

    // Revoked where no stream is told (the administrator's socket): the team's next
    // write is not told, and the stream ends.
    let mut stream = tablet.event_stream(&s).await;
    crate::next_feed_event(&mut stream).await;
    strada_server::auth::revoke_user_devices(s.store.as_ref(), "marta", 1).unwrap();
    let mut doc = colleague.doc(&crate::helpers::contact_for(&luca, 7));
    let res = colleague.push(&mut [&mut doc]).await;
    assert!(matches!(
        res.results[0].outcome,
        strada_shared::sync::PushOutcome::Accepted { .. }
    ));
    ends_untold(&mut stream).await;
}
