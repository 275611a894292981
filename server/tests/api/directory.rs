//! `GET /api/directory`: signed-in users only, ETag / If-None-Match, no caching; a bad
//! override file stops the server's start.

use reqwest::StatusCode;
use strada_server::testing::TestServer;
use strada_shared::directory::Directory;
use strada_shared::domain::Role;

use crate::helpers::Api;

#[tokio::test]
async fn the_directory_needs_a_session() {
    let s = TestServer::start().await;
    let res = reqwest::get(s.url("/api/directory")).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = reqwest::Client::new()
        .get(s.url("/api/directory"))
        .bearer_auth("not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn field_and_central_users_get_the_directory_with_an_etag_and_a_304_after() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("centrale", Role::CentralOffice, "pua");
    for user in ["marta", "centrale"] {
        let api = Api::login(&s, user).await;
        let res = api.get("/api/directory").await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["cache-control"], "no-store");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/json")
        );
        let etag = res.headers()["etag"].to_str().unwrap().to_string();
        assert_eq!(etag, "W/\"directory-1\"");
        let dir: Directory = res.json().await.unwrap();
        dir.validate().unwrap();
        assert_eq!(dir.version, 1);
        assert!(dir.services.len() >= 80);

        // The same version again: 304, no body.
        let res = api
            .client
            .get(s.url("/api/directory"))
            .bearer_auth(&api.token)
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(res.headers()["etag"], etag.as_str());
        assert!(res.bytes().await.unwrap().is_empty());

        // An older version: the whole directory.
        let res = api
            .client
            .get(s.url("/api/directory"))
            .bearer_auth(&api.token)
            .header("if-none-match", "W/\"directory-0\"")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_bad_directory_override_stops_the_start_with_a_clear_message() {
    let dir = std::env::temp_dir().join(format!("strada-dir-bad-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("directory.json"),
        r#"{"version":2,"updated_at":"2026-11-01","organizations":[],"services":[],"locations":[{"id":"loc-x","service_id":"svc-missing","name":"x","address":"Via Roma 1","city":"Bergamo","province":"BG","lat":45.7,"lon":9.6}]}"#,
    )
    .unwrap();
    let config = strada_server::config::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.clone(),
        dist_dir: None,
    };
    let e = strada_server::serve(config).await.unwrap_err().to_string();
    assert!(e.contains("directory.json is not valid"), "{e}");
    assert!(e.contains("loc-x") && e.contains("svc-missing"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
