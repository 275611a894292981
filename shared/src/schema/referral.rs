//! The referral document: a need turned into a referral to a partner service, with a
//! status that moves along its lifecycle (proposed → sent → accepted / declined →
//! attended / not attended → closed with an outcome).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::{DocType, Document, ValidationError};
use crate::domain::NeedCategory;
use crate::ids::{DocId, TeamId, UserId};

/// Longest partner/service name kept, in characters.
pub const MAX_PARTNER_CHARS: usize = 120;
/// Longest outcome note kept, in characters.
pub const MAX_OUTCOME_CHARS: usize = 2000;

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Reconcile, Hydrate)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    #[autosurgeon(rename = "proposed")]
    Proposed,
    #[autosurgeon(rename = "sent")]
    Sent,
    #[autosurgeon(rename = "accepted")]
    Accepted,
    #[autosurgeon(rename = "declined")]
    Declined,
    #[autosurgeon(rename = "attended")]
    Attended,
    #[autosurgeon(rename = "not_attended")]
    NotAttended,
    #[autosurgeon(rename = "closed")]
    Closed,
}

impl ReferralStatus {
    pub fn code(self) -> &'static str {
        match self {
            ReferralStatus::Proposed => "proposed",
            ReferralStatus::Sent => "sent",
            ReferralStatus::Accepted => "accepted",
            ReferralStatus::Declined => "declined",
            ReferralStatus::Attended => "attended",
            ReferralStatus::NotAttended => "not_attended",
            ReferralStatus::Closed => "closed",
        }
    }

    /// Whether the lifecycle allows moving from `self` to `next` in one step.
    pub fn can_move_to(self, next: ReferralStatus) -> bool {
        use ReferralStatus::*;
        matches!(
            (self, next),
            (Proposed, Sent)
                | (Proposed, Closed)
                | (Sent, Accepted)
                | (Sent, Declined)
                | (Accepted, Attended)
                | (Accepted, NotAttended)
                | (Declined, Closed)
                | (Attended, Closed)
                | (NotAttended, Closed)
        )
    }
}

/// A referral as stored in its automerge document (schema version 2).
///
/// Do not rename or retype fields: see the module note in `schema`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct ReferralDoc {
    pub id: DocId,
    /// The contact the need was referred in.
    pub contact: DocId,
    pub need: NeedCategory,
    /// The partner service referred to (a directory id or a name, until the directory).
    pub partner: String,
    pub status: ReferralStatus,
    /// What came of it, once closed.
    pub outcome: String,
    pub author: UserId,
    pub team: TeamId,
    /// Unix ms.
    pub created_at: i64,
    // --- Schema version 2: every field below reads as its default in version 1. ---
    /// The directory service referred to, when picked from the directory.
    #[autosurgeon(missing = "Option::default")]
    pub service_id: Option<String>,
    /// The person referred, when known and consented.
    #[autosurgeon(missing = "Option::default")]
    pub person_id: Option<DocId>,
    /// Every status change, oldest first (a list: concurrent changes keep both entries).
    #[autosurgeon(missing = "Vec::new")]
    pub history: Vec<StatusChange>,
}

/// One move along the lifecycle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct StatusChange {
    pub status: ReferralStatus,
    /// Unix ms.
    pub at: i64,
    pub by: UserId,
}

/// Default number of days after which a referral without feedback is listed.
pub const DEFAULT_WAITING_DAYS: i64 = 7;

impl ReferralDoc {
    /// When the referral entered its current status (Unix ms).
    pub fn status_since(&self) -> i64 {
        self.history
            .iter()
            .rev()
            .find(|c| c.status == self.status)
            .map_or(self.created_at, |c| c.at)
    }

    /// Whether the referral waits for the partner's feedback (sent but not answered, or
    /// accepted but attendance unknown) for more than `days` days at `now_ms`.
    pub fn waiting_for_feedback(&self, now_ms: i64, days: i64) -> bool {
        matches!(self.status, ReferralStatus::Sent | ReferralStatus::Accepted)
            && now_ms - self.status_since() > days * 86_400_000
    }

    /// Whether the status could have come from `from` one lifecycle step at a time, as
    /// the history records it: several steps taken offline arrive together.
    pub fn reached_from(&self, from: ReferralStatus) -> bool {
        if self.status == from {
            return true;
        }
        let steps: Vec<ReferralStatus> = self.history.iter().map(|c| c.status).collect();
        // The steps after the last time the history was at `from` (all of them when it
        // never was: `from` is then the status the document was created with).
        let after = steps.iter().rposition(|s| *s == from).map_or(0, |i| i + 1);
        let mut cur = from;
        for s in &steps[after..] {
            if !cur.can_move_to(*s) {
                return false;
            }
            cur = *s;
        }
        cur == self.status
    }

    /// Whether a new referral starts where the lifecycle starts: proposed or sent, or
    /// further along through recorded steps from proposed.
    pub fn starts_well(&self) -> bool {
        matches!(self.status, ReferralStatus::Proposed | ReferralStatus::Sent)
            || self.reached_from(ReferralStatus::Proposed)
            || self.reached_from(ReferralStatus::Sent)
    }

    /// Moves the status one lifecycle step, recording who and when.
    pub fn move_to(&mut self, next: ReferralStatus, at: i64, by: UserId) -> bool {
        if !self.status.can_move_to(next) {
            return false;
        }
        self.status = next;
        self.history.push(StatusChange {
            status: next,
            at,
            by,
        });
        true
    }
}

impl Document for ReferralDoc {
    const TYPE: DocType = DocType::Referral;
    const SCHEMA: u64 = 2;

    fn id(&self) -> DocId {
        self.id
    }

    fn validate(&self) -> Result<(), ValidationError> {
        let partner = self.partner.trim();
        if partner.is_empty() || partner.chars().count() > MAX_PARTNER_CHARS {
            return Err(ValidationError::Partner);
        }
        if self.outcome.chars().count() > MAX_OUTCOME_CHARS {
            return Err(ValidationError::NoteTooLong);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;
    use automerge::ActorId;

    fn sample() -> ReferralDoc {
        ReferralDoc {
            id: DocId::new_v7(1_760_000_000_000, [8; 10]),
            contact: DocId::new_v7(1_760_000_000_000, [7; 10]),
            need: NeedCategory::Shelter,
            partner: "Dormitorio sintetico".into(),
            status: ReferralStatus::Proposed,
            outcome: String::new(),
            author: UserId::new_v7(1_700_000_000_000, [1; 10]),
            team: TeamId::parse("bergamo-1").unwrap(),
            created_at: 1_760_000_000_000,
            service_id: None,
            person_id: None,
            history: Vec::new(),
        }
    }

    #[test]
    fn steps_taken_offline_arrive_together_only_along_the_lifecycle() {
        let day = 86_400_000;
        let mut r = sample();
        let by = r.author;
        assert!(r.starts_well());
        for (i, s) in [
            ReferralStatus::Sent,
            ReferralStatus::Accepted,
            ReferralStatus::Attended,
            ReferralStatus::Closed,
        ]
        .into_iter()
        .enumerate()
        {
            assert!(r.move_to(s, r.created_at + i as i64 * day, by));
        }
        assert!(
            r.starts_well(),
            "created offline and closed before the first sync"
        );
        assert!(r.reached_from(ReferralStatus::Sent));
        assert!(r.reached_from(ReferralStatus::Accepted));
        assert!(!r.reached_from(ReferralStatus::Declined));
        // A status set without its steps is not reached.
        let jumped = ReferralDoc {
            status: ReferralStatus::Attended,
            history: vec![],
            ..sample()
        };
        assert!(!jumped.starts_well());
        assert!(!jumped.reached_from(ReferralStatus::Sent));
    }

    #[test]
    fn a_referral_waits_for_feedback_after_n_days_in_sent_or_accepted() {
        let day = 86_400_000;
        let mut r = sample();
        let by = r.author;
        assert!(
            !r.waiting_for_feedback(r.created_at + 30 * day, 7),
            "proposed"
        );
        assert!(r.move_to(ReferralStatus::Sent, r.created_at + day, by));
        assert!(!r.waiting_for_feedback(r.created_at + 8 * day, 7));
        assert!(r.waiting_for_feedback(r.created_at + 8 * day + 1, 7));
        assert!(!r.move_to(ReferralStatus::Attended, r.created_at + 9 * day, by));
        assert!(r.move_to(ReferralStatus::Declined, r.created_at + 9 * day, by));
        assert!(!r.waiting_for_feedback(r.created_at + 60 * day, 7));
        assert_eq!(r.history.len(), 2);
    }

    #[test]
    fn referral_round_trips_through_an_automerge_document() {
        let r = sample();
        let doc = schema::create(ActorId::from(vec![1u8; 16]), &r).unwrap();
        assert_eq!(schema::read::<ReferralDoc>(&doc).unwrap(), r);
        assert!(schema::read::<super::super::ContactDoc>(&doc).is_err());
    }

    #[test]
    fn the_lifecycle_only_moves_forward() {
        use ReferralStatus::*;
        assert!(Proposed.can_move_to(Sent));
        assert!(Sent.can_move_to(Accepted) && Sent.can_move_to(Declined));
        assert!(Accepted.can_move_to(Attended) && Accepted.can_move_to(NotAttended));
        assert!(Attended.can_move_to(Closed));
        assert!(!Accepted.can_move_to(Declined));
        assert!(!Closed.can_move_to(Proposed));
        assert!(!Proposed.can_move_to(Attended));
        assert!(!Sent.can_move_to(Sent));
    }

    #[test]
    fn a_referral_needs_a_partner() {
        let r = ReferralDoc {
            partner: "  ".into(),
            ..sample()
        };
        assert_eq!(r.validate(), Err(ValidationError::Partner));
    }
}
