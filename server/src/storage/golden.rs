//! Golden bytes of every stored record: a test fails when a change to a stored struct
//! changes what is written by accident (a data folder lives for years and is read back
//! by later releases). Records are JSON (new fields need `#[serde(default)]`) except a
//! document's place and history (postcard, after a layout byte: frozen, like wire
//! version 1). After an intended change, regenerate with `STRADA_BLESS=1 cargo test -p
//! strada-server golden` and add a migration step if old records no longer read.

use strada_shared::domain::Role;
use strada_shared::ids::{TeamId, UserId};
use strada_shared::schema::DocType;
use strada_shared::sync::Heads;

use super::{
    DeviceBinding, DocMeta, DocVersion, Sensitivity, StoredDevice, StoredSession, StoredUser,
};

fn check(name: &str, bytes: Vec<u8>) {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join("storage")
        .join(format!("{name}.hex"));
    if std::env::var_os("STRADA_BLESS").is_some() {
        std::fs::create_dir_all(file.parent().expect("folder")).expect("mkdir");
        std::fs::write(&file, hex::encode(&bytes) + "\n").expect("write golden");
        return;
    }
    let golden = std::fs::read_to_string(&file)
        .unwrap_or_else(|_| panic!("{} is missing (STRADA_BLESS=1 writes it)", file.display()));
    assert_eq!(
        hex::encode(&bytes),
        golden.trim(),
        "{name}: the stored bytes changed"
    );
}

fn user_id() -> UserId {
    UserId::new_v7(1_700_000_000_000, [1; 10])
}

#[test]
fn golden_stored_records_keep_their_bytes_and_read_back() {
    let heads = Heads::new(vec![automerge::ChangeHash([7; 32])]);
    let meta = DocMeta {
        doc_type: DocType::Contact,
        team: TeamId::parse("bergamo-1").expect("team"),
        sensitivity: Sensitivity::Field,
        created_by: user_id(),
        received_at: 1_760_000_000_000,
        updated_at: 1_760_000_100_000,
        seq: 42,
        heads: heads.clone(),
        author: Some(user_id()),
        consent: Some(strada_shared::vocab::ConsentStatus::Given),
        generation: 1,
        verified: true,
        conflicted: false,
    };
    let json = serde_json::to_vec(&meta).expect("json");
    assert_eq!(
        serde_json::from_slice::<DocMeta>(&json).expect("reads"),
        meta
    );
    check("doc_meta.json", json);

    let user = StoredUser {
        id: user_id(),
        username: "marta".into(),
        role: Role::FieldWorker,
        team: TeamId::parse("bergamo-1").expect("team"),
        password_hash: "$argon2id$synthetic".into(),
        created_at: 1,
        disabled_at: Some(2),
        failed_logins: 3,
        locked_until: Some(4),
    };
    check("user.json", serde_json::to_vec(&user).expect("json"));

    let session = StoredSession {
        user_id: user_id(),
        created_at: 1,
        expires_at: 2,
        device: Some(DeviceBinding {
            actor: "00".repeat(16),
        }),
        logout_hash: Some("ab".repeat(32)),
        last_used: 3,
    };
    check("session.json", serde_json::to_vec(&session).expect("json"));

    let device = StoredDevice {
        actor: "00".repeat(16),
        user_id: user_id(),
        signed_in_at: 1,
        last_seen: 2,
        revoked_at: Some(3),
        failed_logins: 4,
        locked_until: Some(5),
        scope: Default::default(),
        key_hash: None,
    };
    check("device.json", serde_json::to_vec(&device).expect("json"));

    let team = super::ExchangeEntry {
        kind: super::ExchangeKind::Team,
        external: "Bassa 1".into(),
        internal: "bassa-1-0123abcd".into(),
        name: Some("Unità di strada".into()),
        area: Some("Bassa bergamasca".into()),
        line: None,
    };
    let json = serde_json::to_vec(&team).expect("json");
    assert_eq!(
        serde_json::from_slice::<super::ExchangeEntry>(&json).expect("reads"),
        team
    );
    check("exchange_entry.json", json);

    // The history as written before team feeds: still read, without team positions.
    let before = hex::decode(include_str!("../../golden/storage/doc_history.postcard.hex").trim())
        .expect("hex");
    let old = super::sled_store::decode_history(&before).expect("an old history reads");
    assert_eq!(
        old,
        vec![DocVersion {
            seq: 7,
            heads: heads.clone(),
            team_seq: None
        }]
    );
    let history = vec![DocVersion {
        seq: 7,
        heads,
        team_seq: Some(3),
    }];
    let bytes = super::sled_store::encode_history(&history).expect("encodes");
    assert_eq!(
        super::sled_store::decode_history(&bytes).expect("reads"),
        history
    );
    check("doc_history_team.postcard", bytes);

    // A document's place (step 15): feed position, team feed entry, recent states.
    let place = super::sled_store::StoredPlace {
        seq: 9,
        team_entry: Some((4, TeamId::parse("bergamo-1").expect("team"))),
        history,
    };
    let bytes = super::sled_store::encode_place(&place).expect("encodes");
    assert_eq!(
        super::sled_store::decode_place(&bytes).expect("reads"),
        place
    );
    check("doc_place.postcard", bytes);
}

#[test]
fn records_written_by_earlier_releases_still_read() {
    // As the release before accounts, sign-out keys and idle expiry wrote them.
    let user: StoredUser = serde_json::from_str(
        r#"{"id":"0189a5a3-9800-7101-0101-010101010101","username":"marta","role":"field_worker","team":"bergamo-1","password_hash":"x","created_at":1}"#,
    )
    .expect("an old user reads");
    assert_eq!((user.failed_logins, user.disabled_at), (0, None));
    let session: StoredSession = serde_json::from_str(
        r#"{"user_id":"0189a5a3-9800-7101-0101-010101010101","created_at":1,"expires_at":2}"#,
    )
    .expect("an old session reads");
    assert_eq!((session.last_used, session.logout_hash), (0, None));
    let device: StoredDevice = serde_json::from_str(
        r#"{"actor":"00","user_id":"0189a5a3-9800-7101-0101-010101010101","signed_in_at":1,"last_seen":2}"#,
    )
    .expect("an old device reads");
    assert_eq!(device.locked_until, None);
}
