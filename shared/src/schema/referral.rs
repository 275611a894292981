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

/// A referral as stored in its automerge document (schema version 1).
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
}

impl Document for ReferralDoc {
    const TYPE: DocType = DocType::Referral;
    const SCHEMA: u64 = 1;

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
        }
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
