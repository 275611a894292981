//! Feed positions tell a team nothing of other teams' writes (issue 9 §3): a field
//! device's cursor and head count its team's documents only, in the pull and in the
//! live events.

use strada_server::testing::TestServer;
use strada_shared::domain::Role;

use crate::helpers::{Api, contact_for};

async fn first_event(s: &TestServer, api: &Api) -> String {
    let mut stream = api.event_stream(s).await;
    crate::next_feed_event(&mut stream).await
}

#[tokio::test]
async fn field_devices_see_nothing_of_other_teams_write_activity() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let luca = s.add_user("luca", Role::FieldWorker, "cremona-2");
    s.add_user("admin", Role::CentralOffice, "pua");
    let bergamo = Api::login(&s, "marta").await;
    let cremona = Api::login(&s, "luca").await;
    let mut d = bergamo.doc(&contact_for(&marta, 1));
    bergamo.push(&mut [&mut d]).await;
    let before = bergamo.pull_ok(0, 0).await;
    assert_eq!(before.docs.len(), 1);
    let event_before = first_event(&s, &bergamo).await;
    assert_eq!(event_before, before.head.to_string());

    // Cremona writes a lot.
    for n in 10..20 {
        let mut d = cremona.doc(&contact_for(&luca, n));
        cremona.push(&mut [&mut d]).await;
    }
    // Bergamo's positions did not move: not in a pull, not in the live stream.
    let after = bergamo.pull_ok(before.cursor, before.cursor).await;
    assert!(after.docs.is_empty());
    assert_eq!((after.cursor, after.head), (before.cursor, before.head));
    assert_eq!(first_event(&s, &bergamo).await, event_before);
    // Its next document is the next position, with no gap where Cremona wrote.
    let mut d = bergamo.doc(&contact_for(&marta, 2));
    bergamo.push(&mut [&mut d]).await;
    let next = bergamo.pull_ok(before.cursor, before.cursor).await;
    assert_eq!(next.docs.len(), 1);
    assert_eq!(next.cursor, before.cursor + 1);
    assert_eq!(next.head, next.cursor);
    // The central office reads the whole feed, in its own positions (a device that
    // keeps both teams offline).
    let admin = Api::login(&s, "admin").await;
    admin.keep_teams(&["bergamo-1", "cremona-2"]).await;
    let all = admin.pull_ok(0, 0).await;
    assert_eq!(all.docs.len(), 12);
    assert_eq!(all.head, 12);
}

#[tokio::test]
async fn a_cursor_from_another_feed_starts_the_device_again_from_the_start() {
    let s = TestServer::start().await;
    let marta = s.add_user("marta", Role::FieldWorker, "bergamo-1");
    let phone = Api::login(&s, "marta").await;
    let mut docs: Vec<_> = (1..=3)
        .map(|n| phone.doc(&contact_for(&marta, n)))
        .collect();
    let mut refs: Vec<&mut _> = docs.iter_mut().collect();
    phone.push(&mut refs).await;
    // A position of the global feed, as a device kept it before team feeds existed (or
    // one of another team): every document comes again, whole.
    for stale in [2, phone.pull_ok(0, 0).await.cursor ^ (1 << 45)] {
        let page = phone.pull_ok(stale, stale).await;
        assert_eq!(page.docs.len(), 3, "from {stale}");
        assert!(page.docs.iter().all(|d| d.snapshot));
    }
}
