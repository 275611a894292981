//! Golden bytes of every sync message in every wire version: a test fails when a change
//! to a message (a field added, renamed, reordered, retyped; a variant moved) changes
//! what goes on the wire by accident. Wire version 1 is frozen: when its bytes must
//! change, keep a frozen copy of the old message for version-1 devices instead. Version
//! 2 may grow (new fields with defaults): regenerate its files on purpose with
//! `STRADA_BLESS=1 cargo test -p strada-shared golden` and say so in the commit.

use super::*;

/// Writes a sample in a version.
type Encode = Box<dyn Fn(WireVersion) -> Vec<u8>>;
/// Whether bytes of a version decode to the sample.
type Decodes = Box<dyn Fn(WireVersion, &[u8]) -> bool>;
/// A named sample message.
type Sample = (&'static str, Encode, Decodes);

/// Sample messages covering every message type and every variant.
fn samples() -> Vec<Sample> {
    fn case<T>(value: T) -> (Encode, Decodes)
    where
        T: Serialize + serde::de::DeserializeOwned + PartialEq + Clone + OnWire + 'static,
    {
        let v = value.clone();
        // As the server sends it to a device of each version.
        (
            Box::new(move |w| encode_as(w, &value.clone().for_version(w))),
            Box::new(move |w, b| decode_as::<T>(w, b).is_ok_and(|d| d == v.clone().for_version(w))),
        )
    }
    let id = |n: u8| DocId::new_v7(1_760_000_000_000 + n as u64, [n; 10]);
    let heads = Heads::new(vec![ChangeHash([7; 32]), ChangeHash([9; 32])]);
    let mut out = Vec::new();
    let mut add = |name: &'static str, (e, d): (Encode, Decodes)| {
        out.push((name, e, d));
    };
    add(
        "push_request",
        case(PushRequest {
            docs: vec![
                PushDoc {
                    id: id(1),
                    doc_type: DocType::Contact,
                    changes: Bytes(vec![1, 2, 3, 250]),
                    generation: 0,
                },
                PushDoc {
                    id: id(2),
                    doc_type: DocType::Referral,
                    changes: Bytes(vec![]),
                    generation: 3,
                },
                PushDoc {
                    id: id(3),
                    doc_type: DocType::Person,
                    changes: Bytes(vec![0; 5]),
                    generation: 1,
                },
            ],
        }),
    );
    add(
        "push_response",
        case(PushResponse {
            results: vec![
                PushResult {
                    id: id(1),
                    outcome: PushOutcome::Accepted {
                        heads: heads.clone(),
                    },
                },
                PushResult {
                    id: id(2),
                    outcome: PushOutcome::Refused {
                        code: RefusalCode::Replaced,
                        reason: "synthetic reason".into(),
                    },
                },
                PushResult {
                    id: id(3),
                    outcome: PushOutcome::Incomplete,
                },
            ],
        }),
    );
    add(
        "pull_request",
        case(PullRequest {
            cursor: 1234,
            since: Some(1200),
        }),
    );
    add(
        "pull_response",
        case(PullResponse {
            docs: vec![PulledDoc {
                id: id(4),
                doc_type: DocType::Contact,
                data: Bytes(vec![4, 5, 6]),
                snapshot: true,
                heads: heads.clone(),
                generation: 2,
            }],
            cursor: 1300,
            more: true,
            head: 5000,
        }),
    );
    add(
        "snapshots_request",
        case(SnapshotsRequest {
            ids: vec![id(5), id(6)],
        }),
    );
    add(
        "snapshots_response",
        case(SnapshotsResponse {
            docs: vec![PulledDoc {
                id: id(5),
                doc_type: DocType::Referral,
                data: Bytes(vec![9]),
                snapshot: true,
                heads,
                generation: 0,
            }],
        }),
    );
    out
}

fn path(name: &str, version: WireVersion) -> std::path::PathBuf {
    let v = match version {
        WireVersion::V1 => "v1",
        WireVersion::V2 => "v2",
        WireVersion::V3 => "v3",
    };
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join("sync")
        .join(format!("{name}.{v}.hex"))
}

#[test]
fn golden_sync_messages_keep_their_bytes_in_every_wire_version() {
    let bless = std::env::var_os("STRADA_BLESS").is_some();
    for (name, encode, decodes) in samples() {
        for version in WireVersion::ALL {
            let bytes = encode(version);
            let file = path(name, version);
            if bless {
                std::fs::create_dir_all(file.parent().expect("folder")).expect("mkdir");
                std::fs::write(&file, hex::encode(&bytes) + "\n").expect("write golden");
                continue;
            }
            let golden = std::fs::read_to_string(&file).unwrap_or_else(|_| {
                panic!("{} is missing (STRADA_BLESS=1 writes it)", file.display())
            });
            let golden = hex::decode(golden.trim()).expect("hex");
            assert!(
                decodes(version, &golden),
                "{name} in {version:?}: the committed bytes no longer decode to the sample"
            );
            assert_eq!(
                hex::encode(&bytes),
                hex::encode(&golden),
                "{name} in {version:?}: the wire bytes changed"
            );
        }
    }
}

#[test]
fn a_version_2_reader_takes_fields_it_does_not_know_and_misses_new_ones() {
    // A message from a newer writer: an extra field, and a refusal code from the future.
    #[derive(Serialize)]
    struct Newer {
        results: Vec<NewerResult>,
        added_later: u32,
    }
    #[derive(Serialize)]
    struct NewerResult {
        id: DocId,
        outcome: NewerOutcome,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum NewerOutcome {
        Refused { code: &'static str, reason: String },
    }
    let id = DocId::new_v7(1_760_000_000_000, [1; 10]);
    let bytes = encode_as(
        WireVersion::V2,
        &Newer {
            results: vec![NewerResult {
                id,
                outcome: NewerOutcome::Refused {
                    code: "a_code_from_the_future",
                    reason: "x".into(),
                },
            }],
            added_later: 7,
        },
    );
    let read: PushResponse = decode_as(WireVersion::V2, &bytes).expect("reads");
    assert_eq!(
        read.results[0].outcome,
        PushOutcome::Refused {
            code: RefusalCode::Other,
            reason: "x".into()
        }
    );
    // An older writer's pull request without `since`: read as `None`.
    #[derive(Serialize)]
    struct Older {
        cursor: u64,
    }
    let req: PullRequest = decode_as(
        WireVersion::V2,
        &encode_as(WireVersion::V2, &Older { cursor: 5 }),
    )
    .expect("reads");
    assert_eq!(
        req,
        PullRequest {
            cursor: 5,
            since: None
        }
    );
}

#[test]
fn version_1_devices_get_only_refusal_codes_they_know() {
    let id = DocId::new_v7(1_760_000_000_000, [1; 10]);
    let res = PushResponse {
        results: vec![PushResult {
            id,
            outcome: PushOutcome::Refused {
                code: RefusalCode::TooLarge,
                reason: "big".into(),
            },
        }],
    };
    let v1 = res.clone().for_version(WireVersion::V1);
    assert!(matches!(
        v1.results[0].outcome,
        PushOutcome::Refused {
            code: RefusalCode::Schema,
            ..
        }
    ));
    let v2 = res.clone().for_version(WireVersion::V2);
    assert_eq!(v2, res);
}

#[test]
fn media_types_name_their_version() {
    use WireVersion::*;
    assert_eq!(
        WireVersion::from_media_type("application/x-strada-sync"),
        Some(Ok(V1))
    );
    assert_eq!(
        WireVersion::from_media_type("application/x-strada-sync; v=2"),
        Some(Ok(V2))
    );
    assert_eq!(
        WireVersion::from_media_type("application/x-strada-sync;v=9"),
        Some(Err(UnknownVersion))
    );
    assert_eq!(WireVersion::from_media_type("application/json"), None);
    assert_eq!(WireVersion::from_media_type(V2.media_type()), Some(Ok(V2)));
}
