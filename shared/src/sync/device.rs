//! The device side of sync, without IO: the app (IndexedDB + fetch) and the tests
//! (memory + reqwest) drive the same logic.
//!
//! A device keeps, per document, the heads the server is known to have (`acked`). A
//! document is *pending* while its own heads differ from them. A push carries the changes
//! after `acked`; an `accepted` answer moves `acked` to the heads that were sent, so an
//! edit made while the request was in flight stays pending.

use automerge::{AutoCommit, AutomergeError, ChangeHash};

use super::{Bytes, PulledDoc, PushDoc, PushOutcome, RefusalCode};
use crate::ids::DocId;
use crate::schema::DocType;

/// A document as a device holds it.
#[derive(Debug)]
pub struct DeviceDoc {
    pub id: DocId,
    pub doc_type: DocType,
    pub doc: AutoCommit,
    /// Heads the server has acknowledged or sent; empty when it has never seen the doc.
    pub acked: Vec<ChangeHash>,
    /// The server's reason, when it refused the last push of this document.
    pub refused: Option<Refusal>,
    /// The server's generation of this document (see [`PulledDoc::generation`]).
    pub generation: u32,
}

/// A refusal as the device keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: RefusalCode,
    pub reason: String,
    /// The document's heads when the refused push was sent: the same changes are not
    /// sent again (they would be refused again) until the document changes.
    pub heads: Vec<ChangeHash>,
}

/// What a push of one document carried, to interpret the answer.
#[derive(Debug, Clone)]
pub struct InFlight {
    pub id: DocId,
    pub sent_heads: Vec<ChangeHash>,
}

fn sorted(mut heads: Vec<ChangeHash>) -> Vec<ChangeHash> {
    crate::sort::sort(&mut heads);
    heads
}

impl DeviceDoc {
    pub fn new(id: DocId, doc_type: DocType, doc: AutoCommit) -> Self {
        DeviceDoc {
            id,
            doc_type,
            doc,
            acked: Vec::new(),
            refused: None,
            generation: 0,
        }
    }

    /// Whether the device has changes the server has not acknowledged.
    pub fn is_pending(&mut self) -> bool {
        sorted(self.doc.get_heads()) != sorted(self.acked.clone())
    }

    /// Whether the next push should carry this document: it has changes the server has
    /// not acknowledged, and they are not exactly the ones it refused (a refusal is not
    /// sent again unchanged; a new edit, a merge, a server fault or a record it refers to
    /// that had not reached the server make it worth another try).
    pub fn should_push(&mut self) -> bool {
        if !self.is_pending() {
            return false;
        }
        match &self.refused {
            Some(r)
                if !matches!(
                    r.code,
                    RefusalCode::ServerError | RefusalCode::UnknownReference
                ) =>
            {
                sorted(r.heads.clone()) != sorted(self.doc.get_heads())
            }
            _ => true,
        }
    }

    /// The push entry for this document: the changes after `acked`.
    pub fn push_entry(&mut self) -> (PushDoc, InFlight) {
        let sent_heads = self.doc.get_heads();
        let changes = if self.acked.is_empty() {
            self.doc.save()
        } else {
            self.doc.save_after(&self.acked)
        };
        (
            PushDoc {
                id: self.id,
                doc_type: self.doc_type,
                changes: Bytes(changes),
                generation: self.generation,
            },
            InFlight {
                id: self.id,
                sent_heads,
            },
        )
    }

    /// Applies the server's answer to a push of `sent`.
    pub fn on_push_outcome(&mut self, sent: &InFlight, outcome: &PushOutcome) {
        match outcome {
            PushOutcome::Accepted { .. } => {
                self.acked = sent.sent_heads.clone();
                self.refused = None;
            }
            PushOutcome::Refused { code, reason } => {
                self.refused = Some(Refusal {
                    code: *code,
                    reason: reason.clone(),
                    heads: sent.sent_heads.clone(),
                })
            }
            PushOutcome::Incomplete => self.acked.clear(),
        }
    }

    /// Merges a document pulled from the server (a snapshot or changes). Afterwards the
    /// server is known to have the pulled heads. Fails with [`PullError::NeedsSnapshot`]
    /// when the changes depend on changes this device lacks: the caller then asks for a
    /// snapshot (the repair path).
    ///
    /// A newer generation (the server erased the document's history) replaces the
    /// device's copy, unmerged: local changes not yet accepted are dropped with the old
    /// history. An older generation is ignored.
    pub fn merge_pulled(&mut self, pulled: &PulledDoc) -> Result<(), PullError> {
        if pulled.generation < self.generation {
            return Ok(());
        }
        // A whole document without heads (wire version 3): its heads are its own.
        let own_heads = pulled.snapshot && pulled.heads.0.is_empty();
        let heads = if pulled.generation > self.generation {
            if !pulled.snapshot {
                return Err(PullError::NeedsSnapshot);
            }
            let actor = self.doc.get_actor().clone();
            self.doc = AutoCommit::load(&pulled.data.0)
                .map_err(PullError::Automerge)?
                .with_actor(actor);
            self.generation = pulled.generation;
            self.refused = None;
            if own_heads {
                self.doc.get_heads()
            } else {
                pulled.heads.0.clone()
            }
        } else {
            let empty = self.doc.get_heads().is_empty();
            self.doc
                .load_incremental(&pulled.data.0)
                .map_err(PullError::Automerge)?;
            match (own_heads, empty) {
                (false, _) => pulled.heads.0.clone(),
                // Nothing here before: the document's heads are the snapshot's.
                (true, true) => self.doc.get_heads(),
                // Merged with changes of this device: the snapshot's own, read apart.
                (true, false) => AutoCommit::load(&pulled.data.0)
                    .map_err(PullError::Automerge)?
                    .get_heads(),
            }
        };
        // Changes held back for dependencies this device lacks, or pulled heads it does
        // not hold. (`get_change_by_hash` would answer too, but it rebuilds each change:
        // about a fifth of a first sync's work on the device, in a profile.)
        if !self.doc.get_missing_deps(&heads).is_empty() {
            return Err(PullError::NeedsSnapshot);
        }
        self.acked = heads;
        Ok(())
    }

    /// A document first seen through a pull (which must then be a snapshot).
    pub fn from_pulled(pulled: &PulledDoc, actor: automerge::ActorId) -> Result<Self, PullError> {
        if !pulled.snapshot {
            return Err(PullError::NeedsSnapshot);
        }
        let doc = AutoCommit::new().with_actor(actor);
        let mut d = DeviceDoc {
            id: pulled.id,
            doc_type: pulled.doc_type,
            doc,
            acked: Vec::new(),
            refused: None,
            generation: pulled.generation,
        };
        d.merge_pulled(pulled)?;
        Ok(d)
    }
}

/// Why a pulled document could not be merged.
#[derive(Debug, thiserror::Error)]
pub enum PullError {
    #[error("the pulled data is not valid automerge data: {0}")]
    Automerge(AutomergeError),
    #[error("the pulled changes depend on changes this device lacks; a snapshot is needed")]
    NeedsSnapshot,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NeedCategory, PersonRef};
    use crate::ids::{TeamId, UserId};
    use crate::schema::{self, ContactDoc};
    use automerge::ActorId;

    fn contact() -> ContactDoc {
        ContactDoc {
            id: DocId::new_v7(1_760_000_000_000, [9; 10]),
            occurred_at: 1_760_000_000_000,
            place: None,
            person: PersonRef::Anonymous,
            needs: vec![NeedCategory::Hygiene],
            note: String::new(),
            author: UserId::new_v7(1_700_000_000_000, [1; 10]),
            team: TeamId::parse("t").unwrap(),
            ..ContactDoc::blank()
        }
    }

    #[test]
    fn an_edit_during_a_push_stays_pending_after_the_ack() {
        let c = contact();
        let mut d = DeviceDoc::new(
            c.id,
            DocType::Contact,
            schema::create(ActorId::from(vec![1u8; 16]), &c).unwrap(),
        );
        assert!(d.is_pending());
        let (_entry, sent) = d.push_entry();
        schema::update(
            &mut d.doc,
            &ContactDoc {
                note: "later".into(),
                ..c.clone()
            },
        )
        .unwrap();
        d.on_push_outcome(
            &sent,
            &PushOutcome::Accepted {
                heads: Default::default(),
            },
        );
        assert!(d.is_pending(), "the later edit was never sent");
        let (entry, sent) = d.push_entry();
        assert!(!entry.changes.0.is_empty());
        d.on_push_outcome(
            &sent,
            &PushOutcome::Accepted {
                heads: Default::default(),
            },
        );
        assert!(!d.is_pending());
    }

    #[test]
    fn a_refused_push_keeps_the_change_pending_with_its_reason() {
        let c = contact();
        let mut d = DeviceDoc::new(
            c.id,
            DocType::Contact,
            schema::create(ActorId::from(vec![1u8; 16]), &c).unwrap(),
        );
        let (_, sent) = d.push_entry();
        d.on_push_outcome(
            &sent,
            &PushOutcome::Refused {
                code: RefusalCode::NotAllowed,
                reason: "nope".into(),
            },
        );
        assert!(d.is_pending());
        assert_eq!(
            d.refused,
            Some(Refusal {
                code: RefusalCode::NotAllowed,
                reason: "nope".into(),
                heads: sent.sent_heads.clone(),
            })
        );
        // The same changes are not sent again: they would be refused again.
        assert!(!d.should_push());
        // A new edit is a new attempt.
        let edited = ContactDoc {
            note: "corrected".into(),
            ..c.clone()
        };
        schema::update(&mut d.doc, &edited).unwrap();
        assert!(d.should_push());
        // A server fault is always worth another try.
        let (_, sent) = d.push_entry();
        d.on_push_outcome(
            &sent,
            &PushOutcome::Refused {
                code: RefusalCode::ServerError,
                reason: "fault".into(),
            },
        );
        assert!(d.should_push());
        // So is a record it refers to that had not reached the server yet.
        let (_, sent) = d.push_entry();
        d.on_push_outcome(
            &sent,
            &PushOutcome::Refused {
                code: RefusalCode::UnknownReference,
                reason: "later".into(),
            },
        );
        assert!(d.should_push());
    }

    #[test]
    fn a_whole_document_without_heads_is_acknowledged_at_its_own_heads() {
        use super::super::{Heads, OnWire, PullResponse, WireVersion};
        let c = contact();
        let mut server = schema::create(ActorId::from(vec![7u8; 16]), &c).unwrap();
        let server_heads = server.get_heads();
        let pulled = PulledDoc {
            id: c.id,
            doc_type: DocType::Contact,
            data: Bytes(server.save()),
            snapshot: true,
            heads: Heads::new(server_heads.clone()),
            generation: 0,
        };
        let page = PullResponse {
            docs: vec![pulled.clone()],
            cursor: 1,
            more: false,
            head: 1,
        };
        // Version 3 leaves the heads out of whole documents only; older versions keep them.
        let v3 = page.clone().for_version(WireVersion::V3);
        assert!(v3.docs[0].heads.0.is_empty());
        assert_eq!(page.clone().for_version(WireVersion::V2), page);
        let bare = &v3.docs[0];
        // A new document: acknowledged at the server's heads, nothing pending.
        let mut d = DeviceDoc::from_pulled(bare, ActorId::from(vec![1u8; 16])).unwrap();
        assert_eq!(d.acked, server_heads);
        assert!(!d.is_pending());
        // A copy with a local edit, then the whole document again: the acknowledged heads
        // are the snapshot's, and the local edit stays pending.
        schema::update(
            &mut d.doc,
            &ContactDoc {
                note: "locale".into(),
                ..c.clone()
            },
        )
        .unwrap();
        d.merge_pulled(bare).unwrap();
        assert_eq!(d.acked, server_heads);
        assert!(d.is_pending());
    }

    #[test]
    fn a_newer_generation_replaces_the_copy_and_an_older_one_is_ignored() {
        use super::super::Heads;
        let c = contact();
        let actor = ActorId::from(vec![1u8; 16]);
        let mut d = DeviceDoc::new(
            c.id,
            DocType::Contact,
            schema::create(actor.clone(), &c).unwrap(),
        );
        // An edit the server never accepted, in the old history.
        let old_note = ContactDoc {
            note: "erased later".into(),
            ..c.clone()
        };
        schema::update(&mut d.doc, &old_note).unwrap();
        // The server's rewrite: the same content, a fresh history, generation 1.
        let mut fresh = schema::create(ActorId::from(vec![9u8; 16]), &c).unwrap();
        let rewritten = |snapshot: bool, generation: u32, fresh: &mut AutoCommit| PulledDoc {
            id: c.id,
            doc_type: DocType::Contact,
            data: super::super::Bytes(fresh.save()),
            snapshot,
            heads: Heads::new(fresh.get_heads()),
            generation,
        };
        // Changes (not a snapshot) of a newer generation cannot be merged.
        assert!(matches!(
            d.merge_pulled(&rewritten(false, 1, &mut fresh)),
            Err(PullError::NeedsSnapshot)
        ));
        d.merge_pulled(&rewritten(true, 1, &mut fresh)).unwrap();
        assert_eq!(d.generation, 1);
        assert!(!d.is_pending());
        let back: ContactDoc = schema::read(&d.doc).unwrap();
        assert_eq!(back.note, "");
        // Nothing of the old history is left, and the device still writes as itself.
        assert_eq!(d.doc.get_changes(&[]).len(), 1);
        assert_eq!(d.doc.get_actor(), &actor);
        let (entry, _) = d.push_entry();
        assert_eq!(entry.generation, 1);
        // A late page of the old generation changes nothing.
        let mut old = schema::create(ActorId::from(vec![7u8; 16]), &old_note).unwrap();
        d.merge_pulled(&rewritten(true, 0, &mut old)).unwrap();
        assert_eq!(d.doc.get_changes(&[]).len(), 1);
    }

    #[test]
    fn changes_on_a_history_the_device_lacks_or_heads_it_does_not_hold_need_a_snapshot() {
        use super::super::Heads;
        let c = contact();
        let mut server = schema::create(ActorId::from(vec![9u8; 16]), &c).unwrap();
        let first_heads = server.get_heads();
        let pulled = |data: Vec<u8>, snapshot: bool, heads: Vec<ChangeHash>| PulledDoc {
            id: c.id,
            doc_type: DocType::Contact,
            data: super::super::Bytes(data),
            snapshot,
            heads: Heads::new(heads),
            generation: 0,
        };
        let mut d = DeviceDoc::from_pulled(
            &pulled(server.save(), true, first_heads.clone()),
            ActorId::from(vec![1u8; 16]),
        )
        .unwrap();
        assert_eq!(d.acked, first_heads);
        // Two edits on the server; the device is sent only the second.
        for note in ["one", "two"] {
            let edit = ContactDoc {
                note: note.into(),
                ..c.clone()
            };
            schema::update(&mut server, &edit).unwrap();
        }
        let changes = server.get_changes(&first_heads);
        assert_eq!(changes.len(), 2);
        let second = changes[1].raw_bytes().to_vec();
        let result = d.merge_pulled(&pulled(second, false, server.get_heads()));
        assert!(matches!(result, Err(PullError::NeedsSnapshot)));
        assert_eq!(d.acked, first_heads, "nothing acknowledged on a gap");
        // Heads the data does not reach: the device cannot say the server has them.
        let mut other = d.doc.clone();
        let edit = ContactDoc {
            note: "elsewhere".into(),
            ..c.clone()
        };
        schema::update(&mut other, &edit).unwrap();
        let result = d.merge_pulled(&pulled(Vec::new(), false, other.get_heads()));
        assert!(matches!(result, Err(PullError::NeedsSnapshot)));
        // The whole document repairs it.
        d.merge_pulled(&pulled(server.save(), true, server.get_heads()))
            .unwrap();
        assert_eq!(d.acked, server.get_heads());
        assert_eq!(schema::read::<ContactDoc>(&d.doc).unwrap().note, "two");
    }
}
