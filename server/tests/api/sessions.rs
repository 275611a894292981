//! Ending sessions without their token: a device that signed out offline sends its
//! sign-out key later; the central office ends the sessions of a device that never
//! came back, without revoking it.

use reqwest::StatusCode;
use serde_json::{Value, json};
use strada_server::testing::TestServer;
use strada_shared::domain::Role;

use crate::helpers::Api;

async fn end_session(s: &TestServer, key: &str) -> StatusCode {
    reqwest::Client::new()
        .post(s.url("/api/auth/end-session"))
        .json(&json!({ "logout_key": key }))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_sign_out_key_ends_its_own_session_and_nothing_else() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let laptop = Api::login(&s, "marta").await;

    // A wrong secret, another session's hash, garbage: nothing ends, and the answer does
    // not tell them apart.
    let (hash, _) = phone.logout_key.split_once('.').unwrap();
    let (_, other_secret) = laptop.logout_key.split_once('.').unwrap();
    for key in [
        format!("{hash}.{other_secret}"),
        format!("{hash}.x"),
        "no-dot".to_string(),
        format!("{}.{other_secret}", "zz".repeat(32)),
    ] {
        assert_eq!(end_session(&s, &key).await, StatusCode::NO_CONTENT);
    }
    assert_eq!(phone.get("/api/auth/me").await.status(), StatusCode::OK);
    // The token itself is no sign-out key.
    assert_eq!(end_session(&s, &phone.token).await, StatusCode::NO_CONTENT);
    assert_eq!(phone.get("/api/auth/me").await.status(), StatusCode::OK);
    // A key longer than any real one is refused as malformed.
    assert_eq!(
        end_session(&s, &"a".repeat(300)).await,
        StatusCode::BAD_REQUEST
    );

    // The right key ends that session only, once.
    assert_eq!(
        end_session(&s, &phone.logout_key).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        phone.get("/api/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(laptop.get("/api/auth/me").await.status(), StatusCode::OK);
    assert_eq!(
        end_session(&s, &phone.logout_key).await,
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn the_central_office_ends_a_devices_sessions_without_revoking_it() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("luca", Role::FieldWorker, "bergamo-1");
    s.add_user("admin", Role::CentralOffice, "pua");
    let phone = Api::login(&s, "marta").await;
    let other = Api::login(&s, "marta").await;
    let luca = Api::login(&s, "luca").await;
    let admin = Api::login(&s, "admin").await;
    let id = phone.actor.to_hex_string();

    let listed = |list: Value| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id.as_str())
            .cloned()
            .unwrap()
    };
    let before = listed(admin.get("/api/devices").await.json().await.unwrap());
    assert_eq!(before["active_sessions"], 1);

    // Field workers may not.
    let path = format!("/api/devices/{id}/end-sessions");
    assert_eq!(
        luca.post_json(&path, &json!({})).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(phone.get("/api/auth/me").await.status(), StatusCode::OK);

    let res = admin.post_json(&path, &json!({})).await;
    assert_eq!(res.status(), StatusCode::OK);
    let after: Value = res.json().await.unwrap();
    assert_eq!(after["active_sessions"], 0);
    assert_eq!(after["revoked_at"], Value::Null, "ended, not revoked");
    assert_eq!(
        phone.get("/api/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    // The user's other device and other users go on.
    assert_eq!(other.get("/api/auth/me").await.status(), StatusCode::OK);
    assert_eq!(luca.get("/api/auth/me").await.status(), StatusCode::OK);
    // Unknown device.
    let unknown = "00".repeat(16);
    assert_eq!(
        admin
            .post_json(&format!("/api/devices/{unknown}/end-sessions"), &json!({}))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
}
