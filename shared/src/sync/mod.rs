//! Sync messages between a device and the server (JSON over HTTP).
//!
//! - *push*: the device sends, for many documents in one request, the automerge changes
//!   the server has not acknowledged yet; each document is answered on its own.
//! - *pull*: the device asks for the documents that moved on the server's change feed
//!   since its cursor, one page at a time.
//!
//! Do not rename fields: old devices in the field speak this format.
//!
//! [`device`] is the sans-IO device side: what to push, what an answer means, how a pulled
//! document merges. The app and the tests drive it with their own IO.

pub mod device;

use automerge::ChangeHash;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::DocId;
use crate::schema::DocType;

/// Most documents a single push may carry.
pub const MAX_PUSH_DOCS: usize = 500;
/// Largest page a pull returns, in documents.
pub const PULL_PAGE_DOCS: usize = 200;
/// Largest page a pull returns, in bytes of document data (a single larger document is
/// still sent alone).
pub const PULL_PAGE_BYTES: usize = 256 * 1024;

/// Binary data, carried as standard base64 in JSON.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Bytes(pub Vec<u8>);

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        STANDARD
            .decode(s.as_bytes())
            .map(Bytes)
            .map_err(|_| serde::de::Error::custom("binary data is not valid base64"))
    }
}

/// The changes of one document, as automerge bytes (a saved document or the changes
/// after the heads the server acknowledged last).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushDoc {
    pub id: DocId,
    pub doc_type: DocType,
    pub changes: Bytes,
    /// The device's heads after these changes: the server checks it holds all of them
    /// before acknowledging.
    pub heads: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub docs: Vec<PushDoc>,
}

/// The server's answer for one pushed document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PushOutcome {
    /// Stored durably; `heads` are the server's heads after merging.
    Accepted { heads: Vec<String> },
    /// Not stored; the device keeps the change and shows `reason` to the worker.
    Refused { reason: String },
    /// Not stored: the changes depend on changes the server does not have. The device
    /// sends its whole document next time.
    Incomplete,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResult {
    pub id: DocId,
    #[serde(flatten)]
    pub outcome: PushOutcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    pub results: Vec<PushResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    /// The position in the server's change feed the device has already applied; 0 at first.
    pub cursor: u64,
}

/// One document that moved on the feed: its whole compact state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PulledDoc {
    pub id: DocId,
    pub doc_type: DocType,
    pub data: Bytes,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub docs: Vec<PulledDoc>,
    /// The cursor to store, in the same transaction as the documents.
    pub cursor: u64,
    /// More pages are waiting.
    pub more: bool,
}

/// Heads as lowercase hex strings, sorted, for the wire and for comparisons.
pub fn heads_to_strings(heads: &[ChangeHash]) -> Vec<String> {
    let mut v: Vec<String> = heads.iter().map(|h| h.to_string()).collect();
    v.sort();
    v
}

/// Parses heads written by [`heads_to_strings`]; `None` if any is malformed.
pub fn heads_from_strings(heads: &[String]) -> Option<Vec<ChangeHash>> {
    heads.iter().map(|s| s.parse::<ChangeHash>().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_messages_have_a_stable_json_shape() {
        let id = DocId::new_v7(1_760_000_000_000, [3; 10]);
        let req = PushRequest {
            docs: vec![PushDoc {
                id,
                doc_type: DocType::Contact,
                changes: Bytes(vec![1, 2, 3]),
                heads: vec![],
            }],
        };
        let json = serde_json::to_value(&req).unwrap();
        assert_eq!(json["docs"][0]["doc_type"], "contact");
        assert_eq!(json["docs"][0]["changes"], "AQID");
        let back: PushRequest = serde_json::from_value(json).unwrap();
        assert_eq!(back, req);

        let res = PushResult {
            id,
            outcome: PushOutcome::Refused {
                reason: "no".into(),
            },
        };
        let json = serde_json::to_value(&res).unwrap();
        assert_eq!(json["status"], "refused");
        assert_eq!(json["reason"], "no");
    }

    #[test]
    fn unknown_doc_types_and_bad_base64_are_rejected_by_parsing() {
        let id = DocId::new_v7(1_760_000_000_000, [3; 10]);
        let bad_type = format!(
            r#"{{"docs":[{{"id":"{id}","doc_type":"spaceship","changes":"","heads":[]}}]}}"#
        );
        assert!(serde_json::from_str::<PushRequest>(&bad_type).is_err());
        let bad_b64 = format!(
            r#"{{"docs":[{{"id":"{id}","doc_type":"contact","changes":"!!","heads":[]}}]}}"#
        );
        assert!(serde_json::from_str::<PushRequest>(&bad_b64).is_err());
    }

    #[test]
    fn heads_round_trip_as_hex() {
        let mut doc = automerge::AutoCommit::new();
        use automerge::transaction::Transactable;
        doc.put(automerge::ROOT, "k", 1).unwrap();
        let heads = doc.get_heads();
        let s = heads_to_strings(&heads);
        assert_eq!(heads_from_strings(&s).unwrap(), heads);
        assert!(heads_from_strings(&["zz".into()]).is_none());
    }
}
