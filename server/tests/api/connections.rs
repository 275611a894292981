//! Connections (issue 9): a client stopping mid-headers, an idle keep-alive connection, a
//! stalled body, too many connections, too many requests at once, too many event
//! streams. Byte-level clients on real TCP, against servers with short limits.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use strada_server::config::Limits;
use strada_server::testing::TestServer;
use strada_shared::domain::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{error_code, next_feed_event};
use crate::helpers::Api;

/// A server with `change` applied to the default limits.
async fn server_with(change: impl FnOnce(&mut Limits)) -> TestServer {
    let mut limits = Limits::default();
    change(&mut limits);
    TestServer::start_with(strada_server::Served {
        limits,
        ..Default::default()
    })
    .await
}

/// Everything the server sends until it closes the connection; fails if it is still
/// open after `within`.
async fn read_until_closed(stream: &mut TcpStream, within: Duration) -> String {
    let mut out = Vec::new();
    let read = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the connection is still open after {within:?}; received: {}",
        String::from_utf8_lossy(&out)
    );
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads one response head (up to the blank line).
async fn read_head(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    while !out.ends_with(b"\r\n\r\n") {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut byte))
            .await
            .expect("a response head within 10 s")
            .unwrap();
        assert_eq!(n, 1, "closed before a response head");
        out.push(byte[0]);
    }
    String::from_utf8(out).unwrap()
}

async fn connect(s: &TestServer) -> TcpStream {
    TcpStream::connect(s.addr).await.unwrap()
}

/// Found by the attacker: a client that sent half its headers and stopped was held for
/// more than 70 s. Now the header read timeout closes it.
#[tokio::test]
async fn a_client_that_stops_mid_headers_is_disconnected_after_the_header_timeout() {
    let s = server_with(|l| l.header_timeout = Duration::from_millis(300)).await;
    let mut slow = connect(&s).await;
    slow.write_all(b"POST /api/sync/push HTTP/1.1\r\nHost: strada\r\nContent-Type: appl")
        .await
        .unwrap();
    read_until_closed(&mut slow, Duration::from_secs(5)).await;
    // Meanwhile and afterwards, everyone else is served.
    let res = reqwest::get(s.url("/api/health")).await.unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_limit() {
    let s = server_with(|l| l.header_timeout = Duration::from_millis(300)).await;
    let mut idle = connect(&s).await;
    idle.write_all(b"GET /api/health HTTP/1.1\r\nHost: strada\r\n\r\n")
        .await
        .unwrap();
    let head = read_head(&mut idle).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(!head.to_ascii_lowercase().contains("connection: close"));
    // The answer's body, then nothing: the server closes the idle connection.
    read_until_closed(&mut idle, Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_stalled_body_is_answered_408_and_the_connection_closed() {
    let s = server_with(|l| l.body_timeout = Duration::from_millis(300)).await;
    let mut stalled = connect(&s).await;
    stalled
        .write_all(
            b"POST /api/auth/login HTTP/1.1\r\nHost: strada\r\n\
              Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user",
        )
        .await
        .unwrap();
    let answer = read_until_closed(&mut stalled, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"body_timeout\""), "{answer}");
}

#[tokio::test]
async fn connections_over_the_limit_are_answered_503_and_closed() {
    let s = server_with(|l| l.max_connections = 2).await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut c = connect(&s).await;
        c.write_all(b"GET /api/health HTTP/1.1\r\nHost: strada\r\n")
            .await
            .unwrap();
        held.push(c);
    }
    let mut third = connect(&s).await;
    let answer = read_until_closed(&mut third, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("");
    let body: Value = serde_json::from_str(body).expect("a JSON error body");
    assert_eq!(body["error"], "unavailable");
    // One held connection goes away: a new one is served again (once the server has
    // seen it close).
    drop(held.pop());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let mut c = connect(&s).await;
        c.write_all(b"GET /api/health HTTP/1.1\r\nHost: strada\r\nConnection: close\r\n\r\n")
            .await
            .unwrap();
        let answer = read_until_closed(&mut c, Duration::from_secs(5)).await;
        if answer.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{answer}");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn requests_over_the_in_flight_limit_are_answered_503_at_once() {
    let s = server_with(|l| l.max_in_flight = 1).await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let marta = Api::login(&s, "marta").await;
    // A push whose body is being read holds the only slot; `Expect: 100-continue`
    // tells us when the server started reading it.
    let mut busy = connect(&s).await;
    busy.write_all(
        format!(
            "POST /api/sync/push HTTP/1.1\r\nHost: strada\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n",
            marta.token
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let head = read_head(&mut busy).await;
    assert!(head.starts_with("HTTP/1.1 100"), "{head}");
    let res = reqwest::get(s.url("/api/health")).await.unwrap();
    let (status, code, _) = error_code(res).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    );
    // The slot comes back when that request is answered.
    busy.write_all(b"{}").await.unwrap();
    let head = read_head(&mut busy).await;
    assert!(head.starts_with("HTTP/1.1 4"), "{head}");
    let res = reqwest::get(s.url("/api/health")).await.unwrap();
    assert_eq!(res.status(), 200);
}

/// Found by the attacker's tenth probe: a body sent a byte at a time, each within the
/// body timeout, held its place for minutes. A request with a body and no session has
/// a few seconds in all to send it.
#[tokio::test]
async fn a_sign_in_body_sent_a_byte_at_a_time_is_cut_after_its_time_in_all() {
    let s = server_with(|l| l.body_timeout = Duration::from_millis(400)).await;
    let mut slow = connect(&s).await;
    slow.write_all(
        b"POST /api/auth/login HTTP/1.1\r\nHost: strada\r\n\
          Content-Type: application/json\r\nContent-Length: 100\r\n\r\n",
    )
    .await
    .unwrap();
    let started = tokio::time::Instant::now();
    // A byte every 100 ms: each well within the body timeout.
    let answer = loop {
        if slow.write_all(b" ").await.is_err() {
            break read_until_closed(&mut slow, Duration::from_secs(5)).await;
        }
        let mut buf = [0u8; 512];
        match tokio::time::timeout(Duration::from_millis(100), slow.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => {
                let mut answer = String::from_utf8_lossy(&buf[..n]).into_owned();
                answer.push_str(&read_until_closed(&mut slow, Duration::from_secs(5)).await);
                break answer;
            }
            Ok(_) => break String::new(),
            Err(_) => {}
        }
        assert!(started.elapsed() < Duration::from_secs(5), "still reading");
    };
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"body_timeout\""), "{answer}");
}

async fn ticket(api: &Api) -> String {
    let v: Value = api
        .post_json("/api/sync/events-ticket", &serde_json::json!({}))
        .await
        .json()
        .await
        .unwrap();
    v["ticket"].as_str().unwrap().to_string()
}

async fn open_stream(s: &TestServer, ticket: &str) -> reqwest::Response {
    reqwest::get(s.url(&format!("/api/sync/events?ticket={ticket}")))
        .await
        .unwrap()
}

#[tokio::test]
async fn an_events_ticket_opens_one_stream_only() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let t = ticket(&api).await;
    let mut first = open_stream(&s, &t).await;
    assert_eq!(first.status(), 200);
    assert_eq!(next_feed_event(&mut first).await, "0");
    let again = open_stream(&s, &t).await;
    assert_eq!(again.status(), 401);
    assert_eq!(error_code(again).await.1, "no_session");
    // Without a ticket: the same answer, as JSON (was axum's own text, a 400).
    let none = reqwest::get(s.url("/api/sync/events")).await.unwrap();
    assert_eq!(none.status(), 401);
    assert_eq!(error_code(none).await.1, "no_session");
}

#[tokio::test]
async fn each_user_holds_at_most_three_event_streams() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("luca", Role::FieldWorker, "bergamo-1");
    let marta = Api::login(&s, "marta").await;
    let luca = Api::login(&s, "luca").await;
    let mut streams = Vec::new();
    for _ in 0..3 {
        let mut res = open_stream(&s, &ticket(&marta).await).await;
        assert_eq!(res.status(), 200);
        next_feed_event(&mut res).await;
        streams.push(res);
    }
    let fourth = open_stream(&s, &ticket(&marta).await).await;
    assert_eq!(fourth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error_code(fourth).await.1, "too_many_streams");
    // Another user is not affected.
    let mut other = open_stream(&s, &ticket(&luca).await).await;
    assert_eq!(other.status(), 200);
    next_feed_event(&mut other).await;
    // One of Marta's streams closes: she may open another (once the server saw it go).
    drop(streams.pop());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let res = open_stream(&s, &ticket(&marta).await).await;
        if res.status() == 200 {
            break;
        }
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(
            tokio::time::Instant::now() < deadline,
            "the closed stream still counts"
        );
        tokio::task::yield_now().await;
    }
}

/// Graceful shutdown still ends promptly with an event stream and an idle keep-alive
/// connection open.
#[tokio::test]
async fn shutdown_ends_open_streams_and_idle_connections() {
    let s = TestServer::start().await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let api = Api::login(&s, "marta").await;
    let mut stream = open_stream(&s, &ticket(&api).await).await;
    next_feed_event(&mut stream).await;
    let mut idle = connect(&s).await;
    idle.write_all(b"GET /api/health HTTP/1.1\r\nHost: strada\r\n\r\n")
        .await
        .unwrap();
    read_head(&mut idle).await;
    let stopped = tokio::time::timeout(Duration::from_secs(5), s.stop()).await;
    let dir = stopped.expect("stopped within 5 s");
    // The stream ended and the idle connection was closed.
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = stream.chunk().await {}
    })
    .await;
    assert!(end.is_ok(), "the event stream ended");
    read_until_closed(&mut idle, Duration::from_secs(5)).await;
    let _ = std::fs::remove_dir_all(dir);
}

/// Starts a sign-in whose body never comes, from `addr` (as the reverse proxy says):
/// the first line of the answer, once the server started reading the body (`100`) or
/// refused it (`503`).
async fn slow_sign_in(s: &TestServer, addr: &str) -> (TcpStream, String) {
    let mut c = connect(s).await;
    c.write_all(
        format!(
            "POST /api/auth/login HTTP/1.1\r\nHost: strada\r\nContent-Type: application/json\r\n\
             X-Forwarded-For: {addr}\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n"
        )
        .as_bytes(),
    )
    .await
    .unwrap();
    let head = read_head(&mut c).await;
    (c, head.lines().next().unwrap_or("").to_string())
}

/// Found by the attacker: 64 connections each sending a sign-in's body a byte every 10 s
/// held every place, and the whole server answered 503 (pages, signed-in phones); then
/// (tenth probe) 16 such connections from four addresses held every sign-in's place,
/// and nobody could sign in. Now a body still coming holds only one of its address's
/// few places; the places for processing are taken once it has come.
#[tokio::test]
async fn slow_sign_in_bodies_hold_only_their_own_address_places() {
    let s = server_with(|l| {
        l.max_in_flight = 8;
        l.max_in_flight_anonymous = 4;
        l.max_in_flight_anonymous_per_address = 2;
        l.behind_proxy = true;
    })
    .await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("luca", Role::FieldWorker, "bergamo-1");
    let marta = Api::login(&s, "marta").await;
    let mut held = Vec::new();
    // Ten from five addresses: more than every place of the server.
    for addr in ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"] {
        for _ in 0..2 {
            let (c, first) = slow_sign_in(&s, addr).await;
            assert!(first.starts_with("HTTP/1.1 100"), "{first}");
            held.push(c);
        }
    }
    // A third from the same address: refused at once.
    let (_c, first) = slow_sign_in(&s, "10.0.0.1").await;
    assert!(first.starts_with("HTTP/1.1 503"), "{first}");
    // Everyone else is served: a page, the health check, a signed-in phone's request
    // with a body, and someone signing in from elsewhere.
    let res = reqwest::get(s.url("/api/health")).await.unwrap();
    assert_eq!(res.status(), 200);
    let res = marta
        .post_json("/api/sync/events-ticket", &serde_json::json!({}))
        .await;
    assert_eq!(res.status(), 200);
    let luca = Api::login(&s, "luca").await;
    assert_eq!(luca.get("/api/auth/me").await.status(), 200);
    // The places come back when those requests end.
    drop(held);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let (_c, first) = slow_sign_in(&s, "10.0.0.1").await;
        if first.starts_with("HTTP/1.1 100") {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{first}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Found by the attacker: 70 slow pushes with one field worker's token held every place
/// and the whole server answered 503. One account, all its sessions together, holds a
/// few places at most.
#[tokio::test]
async fn one_account_holds_only_a_few_places_with_bodies_being_read() {
    let s = server_with(|l| {
        l.max_in_flight = 8;
        l.max_in_flight_per_account = 2;
    })
    .await;
    s.add_user("marta", Role::FieldWorker, "bergamo-1");
    s.add_user("luca", Role::FieldWorker, "bergamo-1");
    let marta = Api::login(&s, "marta").await;
    let luca = Api::login(&s, "luca").await;
    let slow_push = |token: String| {
        let s = &s;
        async move {
            let mut c = connect(s).await;
            c.write_all(
                format!(
                    "POST /api/sync/push HTTP/1.1\r\nHost: strada\r\nAuthorization: Bearer {token}\r\n\
                     Content-Type: application/x-strada-sync\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n"
                )
                .as_bytes(),
            )
            .await
            .unwrap();
            let head = read_head(&mut c).await;
            (c, head.lines().next().unwrap_or("").to_string())
        }
    };
    let mut held = Vec::new();
    for _ in 0..2 {
        let (c, first) = slow_push(marta.token.clone()).await;
        assert!(first.starts_with("HTTP/1.1 100"), "{first}");
        held.push(c);
    }
    let (_c, first) = slow_push(marta.token.clone()).await;
    assert!(first.starts_with("HTTP/1.1 503"), "{first}");
    // Nor from another session of the same account (the attacker's fifth probe: eight
    // sign-ins of one field worker held every place).
    let marta_again = Api::login(&s, "marta").await;
    let (_c, first) = slow_push(marta_again.token.clone()).await;
    assert!(first.starts_with("HTTP/1.1 503"), "{first}");
    // Another user is served; the same session's requests without a body count too
    // (the attacker's third probe: 80 exports at once with one token held every place).
    let res = luca
        .post_json("/api/sync/events-ticket", &serde_json::json!({}))
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(marta.get("/api/auth/me").await.status(), 503);
    drop(held);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while marta.get("/api/auth/me").await.status() != 200 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the places come back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Found by the attacker's tenth probe: one field worker opened 1,500 pull streams and
/// never read them; each held its pages (the server grew by 2 GB), since a request's
/// place was given back as soon as its answer started. An answer now holds its
/// account's place until it is sent (or its client goes away).
#[tokio::test]
async fn an_answer_left_unread_holds_its_account_s_place() {
    use automerge::transaction::Transactable;
    use strada_shared::sync::{PullRequest, WireVersion, encode_as};
    let s = server_with(|l| l.max_in_flight_per_account = 1).await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    // About 2 MB of the team's records: a stream of several pages.
    for seed in 1..=40u8 {
        let mut d = phone.doc(&crate::helpers::contact_for(&marta, seed));
        for n in 0..3 {
            let note = format!("{seed:02}{n}{}", "𝄞".repeat(3_990));
            d.doc.put(automerge::ROOT, "note", note).unwrap();
            d.doc.commit();
        }
        let res = phone.push(&mut [&mut d]).await;
        assert!(
            matches!(
                res.results[0].outcome,
                strada_shared::sync::PushOutcome::Accepted { .. }
            ),
            "{:?}",
            res.results[0].outcome
        );
    }
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut reader = socket.connect(s.addr).await.unwrap();
    let version = WireVersion::V3;
    let body = encode_as(
        version,
        &PullRequest {
            cursor: 0,
            since: None,
        },
    );
    reader
        .write_all(
            format!(
                "POST /api/sync/pull-stream HTTP/1.1\r\nHost: strada\r\nAuthorization: Bearer {}\r\n\
                 Content-Type: {}\r\nAccept: {}\r\nContent-Length: {}\r\n\r\n",
                phone.token,
                version.media_type(),
                version.media_type(),
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    reader.write_all(&body).await.unwrap();
    let head = read_head(&mut reader).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    // The stream is not read: the account's one place is still held.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(phone.get("/api/auth/me").await.status(), 503);
    // The client goes away: the place comes back.
    drop(reader);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while phone.get("/api/auth/me").await.status() != 200 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the place comes back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The attacker's fifteenth probe: a device revoked while its pull stream was open went
/// on receiving the stream's later pages, records written after the revocation among
/// them. The session is checked before each page: the stream ends there.
#[tokio::test]
async fn a_pull_stream_ends_when_its_device_is_revoked() {
    use automerge::transaction::Transactable;
    use strada_shared::sync::{PullRequest, PullResponse, WireVersion, decode_as, encode_as};
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let ahmed = s.add_user("ahmed", Role::FieldWorker, "bergamo-1");
    s.add_user("admin", Role::CentralOffice, "pua");
    let phone = Api::login(&s, "marta").await;
    // About 3 MB of the team's records that do not compress: a stream of a dozen pages,
    // more than the server holds ready for a client that does not read.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut noise = || {
        (0..3_990)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from(b'a' + (state % 26) as u8)
            })
            .collect::<String>()
    };
    for seed in 1..=90u8 {
        let mut d = phone.doc(&crate::helpers::contact_for(&marta, seed));
        for n in 0..8 {
            d.doc
                .put(automerge::ROOT, "note", format!("{seed:02}{n}{}", noise()))
                .unwrap();
            d.doc.commit();
        }
        phone.push(&mut [&mut d]).await;
    }
    let tablet = Api::login(&s, "marta").await;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut reader = socket.connect(s.addr).await.unwrap();
    let version = WireVersion::V3;
    let body = encode_as(
        version,
        &PullRequest {
            cursor: 0,
            since: None,
        },
    );
    reader
        .write_all(
            format!(
                "POST /api/sync/pull-stream HTTP/1.1\r\nHost: strada\r\nAuthorization: Bearer {}\r\n\
                 Content-Type: {}\r\nAccept: {}\r\nContent-Length: {}\r\n\r\n",
                tablet.token,
                version.media_type(),
                version.media_type(),
                body.len()
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    reader.write_all(&body).await.unwrap();
    let head = read_head(&mut reader).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.to_lowercase().contains("chunked"), "{head}");
    // Unread, the stream waits; meanwhile the tablet is revoked and a teammate writes.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let admin = Api::login(&s, "admin").await;
    let res = admin
        .post_json(
            &format!("/api/devices/{}/revoke", tablet.actor.to_hex_string()),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let other = Api::login(&s, "ahmed").await;
    let late = crate::helpers::contact_for(&ahmed, 200);
    other.push(&mut [&mut other.doc(&late)]).await;
    // The rest of the stream, to its last chunk.
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !raw.ends_with(b"\r\n0\r\n\r\n") {
        let n = tokio::time::timeout_at(deadline, reader.read(&mut buf))
            .await
            .expect("the stream ends")
            .unwrap();
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    // Chunks, then frames (4 bytes of length, a page).
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let line_end = at + raw[at..].windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&raw[at..line_end]).unwrap(), 16).unwrap();
        if size == 0 {
            break;
        }
        body.extend_from_slice(&raw[line_end + 2..line_end + 2 + size]);
        at = line_end + 2 + size + 2;
    }
    let mut pages: Vec<PullResponse> = Vec::new();
    let mut at = 0;
    while at < body.len() {
        let len = u32::from_be_bytes(body[at..at + 4].try_into().unwrap()) as usize;
        pages.push(decode_as(version, &body[at + 4..at + 4 + len]).unwrap());
        at += 4 + len;
    }
    let ids: Vec<_> = pages.iter().flat_map(|p| &p.docs).map(|d| d.id).collect();
    assert!(
        !ids.contains(&late.id),
        "a record written after the revocation"
    );
    assert!(
        ids.len() < 90,
        "{} records, {} bytes",
        ids.len(),
        body.len()
    );
    assert!(
        pages.last().is_some_and(|p| p.more),
        "the stream ended early"
    );
}
