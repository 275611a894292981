//! The "story" every [`Store`] backend must pass. A new backend runs [`run_all`] from its
//! own test with a factory of empty stores, so sync and domain code can rely on the same
//! behaviour whatever the engine.

use strada_shared::api::ContactRecord;
use strada_shared::domain::{NeedCategory, PersonRef, Role};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::DocType;

use super::{DocMeta, Projection, Store, StoreError, StoredDevice, StoredSession, StoredUser};

fn user(name: &str, n: u8) -> StoredUser {
    StoredUser {
        id: UserId::new_v7(1_700_000_000_000, [n; 10]),
        username: name.into(),
        role: Role::FieldWorker,
        team: TeamId::parse("t-1").expect("team"),
        password_hash: "$argon2id$fake".into(),
        created_at: 1,
        disabled_at: None,
        failed_logins: 0,
        locked_until: None,
    }
}

fn meta(t: i64) -> DocMeta {
    DocMeta {
        doc_type: DocType::Contact,
        team: TeamId::parse("t-1").expect("team"),
        sensitivity: Default::default(),
        created_by: UserId::new_v7(1_700_000_000_000, [1; 10]),
        received_at: t,
        updated_at: t,
        seq: 0,
        heads: Default::default(),
        author: None,
        consent: None,
        generation: 0,
        verified: true,
        conflicted: false,
    }
}

/// A contact's record as projected (anonymous, team `t-1`), for tests to adjust.
pub(crate) fn record(id: DocId, occurred: &str) -> Projection {
    Projection::Contact(Box::new(ContactRecord {
        id,
        occurred_at: occurred.into(),
        place: None,
        person: PersonRef::Anonymous,
        needs: vec![NeedCategory::Food],
        note: String::new(),
        author: UserId::new_v7(1_700_000_000_000, [1; 10]),
        author_name: None,
        team: TeamId::parse("t-1").expect("team"),
        received_at: occurred.into(),
        updated_at: occurred.into(),
        heads: vec![],
        person_id: None,
        survivor_name: None,
        group: None,
        channel: Default::default(),
        sector: None,
        workplace: String::new(),
        indicators: vec![],
        materials: vec![],
        language: None,
        mediator: Default::default(),
        follow_up: Default::default(),
        consent: Default::default(),
        conflicts: vec![],
    }))
}

fn doc_id(n: u8) -> DocId {
    DocId::new_v7(1_760_000_000_000 + u64::from(n), [n; 10])
}

/// Runs every story against stores made by `fresh` (each call: a new, empty store).
pub fn run_all<S: Store>(fresh: impl Fn() -> S) {
    users_are_unique_by_name_case_insensitively(&fresh());
    sessions_round_trip_and_can_be_deleted(&fresh());
    devices_are_recorded_updated_and_listed(&fresh());
    committing_moves_a_document_to_the_head_of_the_feed(&fresh());
    the_feed_pages_from_a_cursor(&fresh());
    a_batch_commits_in_order_and_documents_keep_recent_history(&fresh());
    records_are_listed_newest_first(&fresh());
    a_quarantined_document_leaves_feed_and_records_until_committed_again(&fresh());
    a_legacy_document_is_marked_verified_only_at_the_heads_checked(&fresh());
    a_new_store_reports_the_latest_schema(&fresh());
    audit_entries_append_in_order_each_seeing_the_one_before(&fresh());
    documents_are_found_from_the_records_they_refer_to(&fresh());
    each_team_has_a_feed_of_its_field_documents_numbered_apart(&fresh());
    exchange_ids_map_both_ways_and_a_rewrite_replaces_the_old_pair(&fresh());
}

fn users_are_unique_by_name_case_insensitively(s: &dyn Store) {
    assert_eq!(s.user_count().expect("count"), 0);
    let u = user("Marta", 1);
    s.insert_user(&u).expect("insert");
    assert!(matches!(
        s.insert_user(&user("marta", 2)),
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        s.user_by_name("MARTA").expect("get").map(|x| x.id),
        Some(u.id)
    );
    assert_eq!(
        s.user_by_id(u.id).expect("get").map(|x| x.username),
        Some("Marta".to_string())
    );
    assert!(s.user_by_name("nobody").expect("get").is_none());
    assert_eq!(s.user_count().expect("count"), 1);
}

fn sessions_round_trip_and_can_be_deleted(s: &dyn Store) {
    let h = [7u8; 32];
    let sess = StoredSession {
        user_id: user("a", 1).id,
        created_at: 1,
        expires_at: 2,
        device: None,
        logout_hash: None,
        last_used: 1,
    };
    s.put_session(&h, &sess).expect("put");
    s.put_session(&[8u8; 32], &sess).expect("put");
    assert_eq!(s.session(&h).expect("get").map(|x| x.expires_at), Some(2));
    let listed: Vec<[u8; 32]> = s
        .sessions()
        .expect("list")
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(listed, vec![[7u8; 32], [8u8; 32]]);
    s.delete_session(&h).expect("delete");
    assert!(s.session(&h).expect("get").is_none());
    assert_eq!(s.sessions().expect("list").len(), 1);
}

fn committing_moves_a_document_to_the_head_of_the_feed(s: &dyn Store) {
    assert_eq!(s.feed_head().expect("head"), 0);
    let (a, b) = (doc_id(1), doc_id(2));
    let sa = s
        .commit_doc(a, b"a1", &meta(1), &record(a, "2025-01-01T00:00:00Z"))
        .expect("commit");
    let sb = s
        .commit_doc(b, b"b1", &meta(2), &record(b, "2025-01-02T00:00:00Z"))
        .expect("commit");
    assert!(sb > sa);
    let sa2 = s
        .commit_doc(a, b"a2", &meta(3), &record(a, "2025-01-01T00:00:00Z"))
        .expect("commit");
    assert!(sa2 > sb);
    assert_eq!(s.feed_head().expect("head"), sa2);
    // One entry per document, at its last change.
    let feed = s.feed_after(0, 100).expect("feed");
    assert_eq!(feed, vec![(sb, b), (sa2, a)]);
    let stored = s.doc(a).expect("doc").expect("present");
    assert_eq!(stored.bytes, b"a2");
    assert_eq!(stored.meta.seq, sa2);
    assert!(s.doc(doc_id(9)).expect("doc").is_none());
}

fn the_feed_pages_from_a_cursor(s: &dyn Store) {
    let mut seqs = Vec::new();
    for n in 1..=5 {
        let id = doc_id(n);
        seqs.push(
            s.commit_doc(id, &[n], &meta(1), &record(id, "2025-01-01T00:00:00Z"))
                .expect("commit"),
        );
    }
    assert_eq!(
        s.feed_after(0, 2)
            .expect("feed")
            .iter()
            .map(|e| e.0)
            .collect::<Vec<_>>(),
        seqs[..2]
    );
    assert_eq!(
        s.feed_after(seqs[1], 2)
            .expect("feed")
            .iter()
            .map(|e| e.0)
            .collect::<Vec<_>>(),
        seqs[2..4]
    );
    assert!(s.feed_after(seqs[4], 10).expect("feed").is_empty());
}

fn a_batch_commits_in_order_and_documents_keep_recent_history(s: &dyn Store) {
    let (a, b) = (doc_id(1), doc_id(2));
    let (ra, rb) = (
        record(a, "2025-01-01T00:00:00Z"),
        record(b, "2025-01-01T00:00:00Z"),
    );
    let m = meta(1);
    let seqs = s
        .commit_docs(&[
            super::DocCommit {
                id: a,
                bytes: b"a",
                meta: &m,
                projection: &ra,
                links: &[],
            },
            super::DocCommit {
                id: b,
                bytes: b"b",
                meta: &m,
                projection: &rb,
                links: &[],
            },
        ])
        .expect("batch");
    assert_eq!(seqs.len(), 2);
    assert_eq!(seqs[1], seqs[0] + 1);
    assert_eq!(
        s.feed_after(0, 10).expect("feed"),
        vec![(seqs[0], a), (seqs[1], b)]
    );
    for _ in 0..super::DOC_HISTORY + 3 {
        s.commit_doc(a, b"a", &m, &ra).expect("commit");
    }
    let stored = s.doc(a).expect("doc").expect("present");
    let history = s.doc_history(a).expect("history");
    assert_eq!(history.len(), super::DOC_HISTORY);
    assert_eq!(history.last().map(|v| v.seq), Some(stored.meta.seq));
    assert!(history.windows(2).all(|w| w[0].seq < w[1].seq));
}

fn records_are_listed_newest_first(s: &dyn Store) {
    let (a, b) = (doc_id(1), doc_id(2));
    s.commit_doc(a, b"a", &meta(1), &record(a, "2025-01-01T00:00:00Z"))
        .expect("commit");
    s.commit_doc(b, b"b", &meta(1), &record(b, "2025-03-01T00:00:00Z"))
        .expect("commit");
    let ids: Vec<DocId> = s
        .contact_records()
        .expect("records")
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert_eq!(ids, vec![b, a]);
    assert_eq!(s.contact_record(a).expect("record").map(|r| r.id), Some(a));
    s.flush().expect("flush");
}

fn a_quarantined_document_leaves_feed_and_records_until_committed_again(s: &dyn Store) {
    let (a, b) = (doc_id(1), doc_id(2));
    s.commit_doc(a, b"bad", &meta(1), &record(a, "2025-01-01T00:00:00Z"))
        .expect("commit");
    let sb = s
        .commit_doc(b, b"good", &meta(1), &record(b, "2025-01-02T00:00:00Z"))
        .expect("commit");
    assert!(
        s.quarantine_doc(a, "does not load", 42)
            .expect("quarantine")
    );
    assert!(!s.quarantine_doc(doc_id(9), "missing", 42).expect("nothing"));
    // Gone from everything a request reads; the other document untouched.
    assert!(s.doc(a).expect("doc").is_none());
    assert_eq!(s.feed_after(0, 10).expect("feed"), vec![(sb, b)]);
    assert!(s.doc_history(a).expect("history").is_empty());
    assert!(s.contact_record(a).expect("record").is_none());
    assert_eq!(s.doc_ids().expect("ids"), vec![b]);
    // Kept aside, with its metadata (scope) and its bytes.
    let (m, q) = s.quarantined(a).expect("get").expect("quarantined");
    assert_eq!(
        (m.team, q.at, q.reason.as_str()),
        (meta(1).team, 42, "does not load")
    );
    assert_eq!(q.bytes, b"bad");
    assert_eq!(s.quarantined_ids().expect("ids"), vec![a]);
    // Sent again whole: committed, out of quarantine, back on the feed.
    let sa = s
        .commit_doc(a, b"healed", &meta(2), &record(a, "2025-01-01T00:00:00Z"))
        .expect("commit");
    assert!(s.quarantined(a).expect("get").is_none());
    assert!(s.quarantined_ids().expect("ids").is_empty());
    assert_eq!(s.feed_after(sb, 10).expect("feed"), vec![(sa, a)]);
    assert_eq!(s.doc(a).expect("doc").expect("present").bytes, b"healed");
}

fn a_legacy_document_is_marked_verified_only_at_the_heads_checked(s: &dyn Store) {
    let a = doc_id(1);
    let legacy = DocMeta {
        verified: false,
        ..meta(1)
    };
    s.commit_doc(a, b"a", &legacy, &record(a, "2025-01-01T00:00:00Z"))
        .expect("commit");
    let other_heads = strada_shared::sync::Heads(vec![automerge::ChangeHash([7; 32])]);
    s.mark_doc_verified(a, &other_heads).expect("mark");
    assert!(!s.doc(a).expect("doc").expect("present").meta.verified);
    s.mark_doc_verified(a, &legacy.heads).expect("mark");
    let stored = s.doc(a).expect("doc").expect("present");
    assert!(stored.meta.verified);
    assert_eq!(stored.meta.seq, 1, "nothing else changes");
    // A missing document is not an error.
    s.mark_doc_verified(doc_id(9), &legacy.heads).expect("mark");
}

fn a_new_store_reports_the_latest_schema(s: &dyn Store) {
    assert_eq!(
        s.schema_version().expect("version"),
        strada_migrations::latest_version()
    );
}

fn devices_are_recorded_updated_and_listed(s: &dyn Store) {
    let owner = user("dev", 4).id;
    let device = |actor: &str, t: i64| StoredDevice {
        actor: actor.into(),
        user_id: owner,
        signed_in_at: t,
        last_seen: t,
        revoked_at: None,
        failed_logins: 0,
        locked_until: None,
        scope: Default::default(),
        key_hash: None,
    };
    assert_eq!(s.device(&[1; 16]).expect("device"), None);
    // Updating a missing record with a function that keeps it missing stores nothing.
    assert_eq!(s.update_device(&[1; 16], &mut |d| d).expect("update"), None);
    assert!(s.devices().expect("devices").is_empty());
    let a = s
        .update_device(&[1; 16], &mut |_| Some(device("01", 10)))
        .expect("insert");
    assert_eq!(a, Some(device("01", 10)));
    s.update_device(&[2; 16], &mut |_| Some(device("02", 20)))
        .expect("insert");
    let revoked = s
        .update_device(&[1; 16], &mut |d| {
            d.map(|mut d| {
                d.revoked_at = Some(30);
                d
            })
        })
        .expect("revoke");
    assert_eq!(revoked.and_then(|d| d.revoked_at), Some(30));
    assert_eq!(
        s.device(&[1; 16])
            .expect("device")
            .and_then(|d| d.revoked_at),
        Some(30)
    );
    assert_eq!(
        s.device(&[2; 16])
            .expect("device")
            .and_then(|d| d.revoked_at),
        None
    );
    let actors: Vec<String> = s
        .devices()
        .expect("devices")
        .into_iter()
        .map(|d| d.actor)
        .collect();
    assert_eq!(actors, vec!["01".to_string(), "02".to_string()]);
    s.flush().expect("flush");
}

fn audit_entries_append_in_order_each_seeing_the_one_before(s: &dyn Store) {
    assert!(s.audit_after(0, 10).expect("audit").is_empty());
    let mut seen = Vec::new();
    for n in 1..=3u8 {
        let seq = s
            .append_audit(&mut |seq, prev| {
                seen.push((seq, prev.map(<[u8]>::to_vec)));
                vec![n; 4]
            })
            .expect("append");
        assert_eq!(seq, u64::from(n));
    }
    assert_eq!(
        seen,
        vec![(1, None), (2, Some(vec![1; 4])), (3, Some(vec![2; 4]))]
    );
    assert_eq!(
        s.audit_after(1, 10).expect("audit"),
        vec![(2, vec![2; 4]), (3, vec![3; 4])]
    );
    assert_eq!(s.audit_after(0, 1).expect("audit"), vec![(1, vec![1; 4])]);
    s.flush().expect("flush");
}

fn documents_are_found_from_the_records_they_refer_to(s: &dyn Store) {
    assert!(
        s.links_indexed().expect("marker"),
        "a new store has nothing to index"
    );
    let (person, contact, referral, other) = (doc_id(1), doc_id(2), doc_id(3), doc_id(4));
    let m = meta(1);
    s.commit_docs(&[
        super::DocCommit {
            id: contact,
            bytes: b"c",
            meta: &m,
            projection: &Projection::None,
            links: &[person],
        },
        super::DocCommit {
            id: referral,
            bytes: b"r",
            meta: &m,
            projection: &Projection::None,
            links: &[contact, person],
        },
    ])
    .expect("commit");
    assert_eq!(s.linked_to(person).expect("links"), vec![contact, referral]);
    assert_eq!(s.linked_to(contact).expect("links"), vec![referral]);
    assert!(s.linked_to(referral).expect("links").is_empty());
    s.add_links(other, &[person]).expect("add");
    assert_eq!(
        s.linked_to(person).expect("links"),
        vec![contact, referral, other]
    );
}

fn each_team_has_a_feed_of_its_field_documents_numbered_apart(s: &dyn Store) {
    let (t1, t2) = (
        TeamId::parse("t-1").expect("team"),
        TeamId::parse("t-2").expect("team"),
    );
    let of = |team: &TeamId, sensitivity| DocMeta {
        team: team.clone(),
        sensitivity,
        ..meta(1)
    };
    let field = super::Sensitivity::Field;
    let (a, b, c, case) = (doc_id(1), doc_id(2), doc_id(3), doc_id(4));
    s.commit_doc(a, b"a", &of(&t1, field), &Projection::None)
        .expect("commit");
    for n in 0..3u8 {
        s.commit_doc(b, &[n], &of(&t2, field), &Projection::None)
            .expect("commit");
    }
    s.commit_doc(
        case,
        b"x",
        &of(&t1, super::Sensitivity::Case),
        &Projection::None,
    )
    .expect("commit");
    s.commit_doc(c, b"c", &of(&t1, field), &Projection::None)
        .expect("commit");
    // Team 1: its two field documents, at positions 1 and 2, whatever team 2 did.
    assert_eq!(
        s.team_feed_after(&t1, 0, 10).expect("feed"),
        vec![(1, a), (2, c)]
    );
    assert_eq!(s.team_feed_head(&t1).expect("head"), 2);
    assert_eq!(s.team_feed_after(&t1, 1, 10).expect("feed"), vec![(2, c)]);
    // Team 2: one document, at its last change.
    assert_eq!(s.team_feed_after(&t2, 0, 10).expect("feed"), vec![(3, b)]);
    assert_eq!(s.team_feed_head(&t2).expect("head"), 3);
    let history = s.doc_history(b).expect("history");
    assert_eq!(
        history.iter().map(|v| v.team_seq).collect::<Vec<_>>(),
        vec![Some(1), Some(2), Some(3)]
    );
    assert_eq!(s.doc_history(case).expect("history")[0].team_seq, None);
    // A quarantined document leaves its team's feed.
    assert!(s.quarantine_doc(c, "test", 1).expect("quarantine"));
    assert_eq!(s.team_feed_after(&t1, 0, 10).expect("feed"), vec![(1, a)]);
}

fn exchange_ids_map_both_ways_and_a_rewrite_replaces_the_old_pair(s: &dyn Store) {
    use super::{ExchangeEntry, ExchangeKind};
    let entry = |kind, external: &str, internal: &str| ExchangeEntry {
        kind,
        external: external.into(),
        internal: internal.into(),
        name: None,
        area: None,
        line: None,
    };
    assert_eq!(
        s.exchange_entry(ExchangeKind::Person, "P1").expect("get"),
        None
    );
    s.put_exchange(&[
        entry(ExchangeKind::Person, "P1", "id-1"),
        entry(ExchangeKind::Person, "P2", "id-2"),
        entry(ExchangeKind::Contact, "P1", "id-3"),
    ])
    .expect("put");
    assert_eq!(
        s.exchange_entry(ExchangeKind::Person, "P1").expect("get"),
        Some(entry(ExchangeKind::Person, "P1", "id-1"))
    );
    // Kinds are apart: the same external id names a contact too.
    assert_eq!(
        s.exchange_external(ExchangeKind::Contact, "id-3")
            .expect("get"),
        Some("P1".into())
    );
    assert_eq!(
        s.exchange_external(ExchangeKind::Person, "id-3")
            .expect("get"),
        None
    );
    // Rewritten to another Strada id: the old reverse pair goes.
    s.put_exchange(&[ExchangeEntry {
        name: Some("n".into()),
        ..entry(ExchangeKind::Person, "P1", "id-9")
    }])
    .expect("put");
    assert_eq!(
        s.exchange_external(ExchangeKind::Person, "id-1")
            .expect("get"),
        None
    );
    assert_eq!(
        s.exchange_external(ExchangeKind::Person, "id-9")
            .expect("get"),
        Some("P1".into())
    );
    let all = s.exchange_entries(ExchangeKind::Person).expect("list");
    let externals: Vec<&str> = all.iter().map(|e| e.external.as_str()).collect();
    assert_eq!(externals, ["P1", "P2"]);
    assert_eq!(all[0].name.as_deref(), Some("n"));
    assert!(
        s.exchange_entries(ExchangeKind::Team)
            .expect("list")
            .is_empty()
    );
}
