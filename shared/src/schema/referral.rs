//! The referral document: a need turned into a referral to a partner service, with a
//! status that moves along its lifecycle (proposed → sent → accepted / declined →
//! attended / not attended → closed with an outcome).

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::shape::Shape;
use super::{DocType, Document, ValidationError};
use crate::domain::NeedCategory;
use crate::ids::{DocId, TeamId, UserId};

/// Longest partner/service name kept, in characters.
pub const MAX_PARTNER_CHARS: usize = 120;
/// Longest outcome note kept, in characters.
pub const MAX_OUTCOME_CHARS: usize = 2000;
/// Longest directory service id, in characters.
pub const MAX_SERVICE_ID_CHARS: usize = 64;

/// Whether `id` has the shape of a directory service id: 1 to
/// [`MAX_SERVICE_ID_CHARS`] ASCII letters, digits, `-`, `_`, `.` or `:`, no spaces. A
/// referral's `service_id` (and a case intervention's) holds nothing else: it is shown
/// in pseudonymous tables, where a name or a phone number typed in it must never be.
/// (Not part of [`Document::validate`]: a document stored before the rule must still
/// read; the server refuses a new or changed id of another shape.)
pub fn is_service_id(id: &str) -> bool {
    (1..=MAX_SERVICE_ID_CHARS).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

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
    /// Every status, in lifecycle order (the app names each by its code).
    pub const ALL: [ReferralStatus; 7] = [
        ReferralStatus::Proposed,
        ReferralStatus::Sent,
        ReferralStatus::Accepted,
        ReferralStatus::Declined,
        ReferralStatus::Attended,
        ReferralStatus::NotAttended,
        ReferralStatus::Closed,
    ];

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

/// A referral as stored in its automerge document (schema version 2; the history's
/// `from` and `round` are additive: a reader that ignores them still reads the status).
///
/// `status` is written with every move for such readers, but read back as the history
/// leads ([`ReferralDoc::walk`]): two concurrent writes of the field keep one value, the
/// history keeps both moves.
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
///
/// Moves are never removed or rewritten: the history is the referral's truth, and its
/// status is derived from it (see [`ReferralDoc::walk`]). Two workers moving the same
/// referral while apart both keep their move; the lifecycle then *forks*, and the fork
/// stays visible ([`ReferralDoc::conflict`]) until a worker chooses one branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Reconcile, Hydrate)]
pub struct StatusChange {
    pub status: ReferralStatus,
    /// Unix ms.
    pub at: i64,
    pub by: UserId,
    /// The status the worker saw when moving (schema version 3). Older entries have
    /// none: they moved from the entry before them.
    #[autosurgeon(missing = "Option::default")]
    #[serde(default)]
    pub from: Option<ReferralStatus>,
    /// 0 for a move; `n > 0` for a choice between concurrent moves from the same status
    /// (the n-th time that fork was decided). Among the moves from one status, only those
    /// of the highest round count.
    #[autosurgeon(missing = "zero")]
    #[serde(default)]
    pub round: u32,
}

fn zero() -> u32 {
    0
}

/// Concurrent moves from the same status to different ones, none chosen yet: the
/// workers see both and one of them decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusConflict {
    /// Where the lifecycle forked.
    pub from: ReferralStatus,
    /// The competing moves: the latest one per target status, the one the status
    /// follows for now first.
    pub options: Vec<StatusChange>,
    /// The round a choice between them gets.
    pub next_round: u32,
}

/// Where the history leads: the status, since when, and the first open fork.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub status: ReferralStatus,
    /// When the referral entered `status` (Unix ms; the creation time without moves).
    pub since: Option<i64>,
    pub conflict: Option<StatusConflict>,
}

/// Default number of days after which a referral without feedback is listed.
pub const DEFAULT_WAITING_DAYS: i64 = 7;

/// The status an entry written without `from` moved from, when it is the first one.
fn predecessor(s: ReferralStatus) -> ReferralStatus {
    use ReferralStatus::*;
    match s {
        Proposed | Sent | Closed => Proposed,
        Accepted | Declined => Sent,
        Attended | NotAttended => Accepted,
    }
}

/// How far along the lifecycle a status is (a move always goes up).
fn rank(s: ReferralStatus) -> u8 {
    use ReferralStatus::*;
    match s {
        Proposed => 0,
        Sent => 1,
        Accepted | Declined => 2,
        Attended | NotAttended => 3,
        Closed => 4,
    }
}

/// Why a referral's history is not one the lifecycle allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryError {
    /// The referral does not start as proposed or sent.
    Start,
    /// A move skips a step or goes backwards (`from → to`).
    Step(ReferralStatus, ReferralStatus),
    /// A move from a status the referral never reached.
    Unreached(ReferralStatus),
    /// A choice between moves where the lifecycle did not fork.
    NoFork(ReferralStatus),
}

impl ReferralDoc {
    /// Each history entry with the status it moved from.
    fn moves(&self) -> Vec<(ReferralStatus, &StatusChange)> {
        let mut prev: Option<ReferralStatus> = None;
        self.history
            .iter()
            .map(|c| {
                let from = c.from.or(prev).unwrap_or_else(|| predecessor(c.status));
                prev = Some(c.status);
                (from, c)
            })
            .collect()
    }

    /// The status the referral was created with: where its first move started, or the
    /// stored status when it never moved.
    pub fn initial_status(&self) -> ReferralStatus {
        self.moves().first().map_or(self.status, |(from, _)| *from)
    }

    /// Follows the history from the initial status. At each status, the moves of the
    /// highest round count; if they disagree the lifecycle forked: the latest move is
    /// followed for now, and the fork is reported (the first one only). Deterministic,
    /// so every device and the server derive the same status from the same history.
    pub fn walk(&self) -> Walk {
        self.walk_with_path().0
    }

    /// The way the history leads, step by step: the initial status at the creation
    /// time, then each move [`ReferralDoc::walk`] follows (at a fork, the move followed
    /// for now), with its time. What a linear record of the referral shows (the
    /// exchange format's `history`).
    pub fn path(&self) -> Vec<(ReferralStatus, i64)> {
        let (_, followed) = self.walk_with_path();
        use ReferralStatus::*;
        // Created in a later status (or written before moves were recorded, its status
        // moved alone): it got there, the shortest way, when it was created.
        let reached: &[ReferralStatus] = match self.initial_status() {
            Proposed => &[],
            Sent => &[Sent],
            Accepted => &[Sent, Accepted],
            Declined => &[Sent, Declined],
            Attended => &[Sent, Accepted, Attended],
            NotAttended => &[Sent, Accepted, NotAttended],
            Closed => &[Closed],
        };
        std::iter::once(Proposed)
            .chain(reached.iter().copied())
            .map(|s| (s, self.created_at))
            .chain(followed.into_iter().map(|c| (c.status, c.at)))
            .collect()
    }

    fn walk_with_path(&self) -> (Walk, Vec<&StatusChange>) {
        let moves = self.moves();
        let mut followed = Vec::new();
        if moves.is_empty() {
            let walk = Walk {
                status: self.status,
                since: None,
                conflict: None,
            };
            return (walk, followed);
        }
        let mut cur = moves[0].0;
        let mut since = None;
        let mut conflict = None;
        loop {
            let here: Vec<&StatusChange> = moves
                .iter()
                .filter(|(from, c)| *from == cur && cur.can_move_to(c.status))
                .map(|(_, c)| *c)
                .collect();
            let Some(top) = here.iter().map(|c| c.round).max() else {
                break;
            };
            let tops: Vec<&StatusChange> = here.into_iter().filter(|c| c.round == top).collect();
            // The latest move wins for now (ties: further along, then by user id).
            let winner = tops
                .iter()
                .max_by_key(|c| (c.at, rank(c.status), c.status.code(), c.by))
                .copied()
                .expect("tops is not empty");
            let mut targets: Vec<ReferralStatus> = Vec::new();
            for c in &tops {
                if !targets.contains(&c.status) {
                    targets.push(c.status);
                }
            }
            if targets.len() > 1 && conflict.is_none() {
                let mut options = vec![winner.clone()];
                for t in targets.into_iter().filter(|t| *t != winner.status) {
                    let latest = tops
                        .iter()
                        .filter(|c| c.status == t)
                        .max_by_key(|c| (c.at, c.by))
                        .expect("a target has a move");
                    options.push((*latest).clone());
                }
                conflict = Some(StatusConflict {
                    from: cur,
                    options,
                    next_round: top + 1,
                });
            }
            // Entering a status twice (two workers agreeing) counts from the first.
            since = tops
                .iter()
                .filter(|c| c.status == winner.status)
                .map(|c| c.at)
                .min();
            cur = winner.status;
            followed.push(winner);
        }
        let walk = Walk {
            status: cur,
            since,
            conflict,
        };
        (walk, followed)
    }

    /// The first fork of the lifecycle still waiting for a worker's choice.
    pub fn conflict(&self) -> Option<StatusConflict> {
        self.walk().conflict
    }

    /// When the referral entered its current status (Unix ms).
    pub fn status_since(&self) -> i64 {
        self.walk().since.unwrap_or(self.created_at)
    }

    /// Whether the referral waits for the partner's feedback (sent but not answered, or
    /// accepted but attendance unknown) for more than `days` days at `now_ms`.
    pub fn waiting_for_feedback(&self, now_ms: i64, days: i64) -> bool {
        matches!(self.status, ReferralStatus::Sent | ReferralStatus::Accepted)
            && now_ms - self.status_since() > days * 86_400_000
    }

    /// Checks the history against the lifecycle: it starts as proposed or sent, every
    /// move is one step from a status the referral reached, and a choice is made only
    /// where the lifecycle forked. Closed under merge: concurrent valid moves stay valid.
    pub fn check_history(&self) -> Result<(), HistoryError> {
        let initial = self.initial_status();
        if !matches!(initial, ReferralStatus::Proposed | ReferralStatus::Sent) {
            return Err(HistoryError::Start);
        }
        let moves = self.moves();
        for (from, c) in &moves {
            if !from.can_move_to(c.status) {
                return Err(HistoryError::Step(*from, c.status));
            }
            if *from != initial && !self.history.iter().any(|h| h.status == *from) {
                return Err(HistoryError::Unreached(*from));
            }
            if c.round > 0
                && !moves
                    .iter()
                    .any(|(f, o)| f == from && o.status != c.status && o.round < c.round)
            {
                return Err(HistoryError::NoFork(*from));
            }
        }
        Ok(())
    }

    /// Moves the status one lifecycle step, recording who, when and from where. Refused
    /// while the lifecycle waits for a choice between concurrent moves.
    pub fn move_to(&mut self, next: ReferralStatus, at: i64, by: UserId) -> bool {
        if !self.status.can_move_to(next) || self.conflict().is_some() {
            return false;
        }
        self.history.push(StatusChange {
            status: next,
            at,
            by,
            from: Some(self.status),
            round: 0,
        });
        self.status = next;
        true
    }

    /// Decides an open fork for `chosen`, one of its options (a normal change, synced
    /// like any other). Returns whether there was such a choice to make.
    pub fn resolve(&mut self, chosen: ReferralStatus, at: i64, by: UserId) -> bool {
        let Some(c) = self.conflict() else {
            return false;
        };
        if !c.options.iter().any(|o| o.status == chosen) {
            return false;
        }
        self.history.push(StatusChange {
            status: chosen,
            at,
            by,
            from: Some(c.from),
            round: c.next_round,
        });
        self.status = self.walk().status;
        true
    }
}

impl Document for ReferralDoc {
    const TYPE: DocType = DocType::Referral;
    const SCHEMA: u64 = 2;
    const SHAPE: &'static [(&'static str, Shape)] = &[
        ("id", Shape::Value),
        ("contact", Shape::Value),
        ("need", Shape::Value),
        ("partner", Shape::Value),
        ("status", Shape::Value),
        ("outcome", Shape::Value),
        ("author", Shape::Value),
        ("team", Shape::Value),
        ("created_at", Shape::Value),
        ("service_id", Shape::Value),
        ("person_id", Shape::Value),
        (
            "history",
            Shape::List(&Shape::Map(&[
                ("status", Shape::Value),
                ("at", Shape::Value),
                ("by", Shape::Value),
                ("from", Shape::Value),
                ("round", Shape::Value),
            ])),
        ),
    ];

    fn id(&self) -> DocId {
        self.id
    }

    fn free_texts_mut(&mut self) -> Vec<&mut String> {
        vec![&mut self.partner, &mut self.outcome]
    }

    fn derive(&mut self) {
        self.status = self.walk().status;
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
        assert_eq!(r.check_history(), Ok(()));
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
        assert_eq!(
            r.check_history(),
            Ok(()),
            "created offline and closed before the first sync"
        );
        assert_eq!(r.walk().status, ReferralStatus::Closed);
        // A status set without its steps is not a lifecycle.
        let jumped = ReferralDoc {
            status: ReferralStatus::Attended,
            history: vec![],
            ..sample()
        };
        assert_eq!(jumped.check_history(), Err(HistoryError::Start));
        let skipped = ReferralDoc {
            history: vec![StatusChange {
                status: ReferralStatus::Attended,
                at: 1,
                by,
                from: Some(ReferralStatus::Sent),
                round: 0,
            }],
            ..sample()
        };
        assert_eq!(
            skipped.check_history(),
            Err(HistoryError::Step(
                ReferralStatus::Sent,
                ReferralStatus::Attended
            ))
        );
    }

    /// Two devices move the same referral from `sent` while apart (one to accepted, the
    /// other to declined), then merge in either order.
    fn forked() -> (AutoCommitPair, ReferralDoc) {
        let day = 86_400_000;
        let mut r = sample();
        let by = r.author;
        assert!(r.move_to(ReferralStatus::Sent, r.created_at + day, by));
        let mut a = schema::create(ActorId::from(vec![1u8; 16]), &r).unwrap();
        let mut b = a.fork().with_actor(ActorId::from(vec![2u8; 16]));
        let other = UserId::new_v7(1_700_000_000_000, [2; 10]);
        let mut ra: ReferralDoc = schema::read(&a).unwrap();
        assert!(ra.move_to(ReferralStatus::Accepted, r.created_at + 2 * day, by));
        schema::update(&mut a, &ra).unwrap();
        let mut rb: ReferralDoc = schema::read(&b).unwrap();
        assert!(rb.move_to(ReferralStatus::Declined, r.created_at + 3 * day, other));
        schema::update(&mut b, &rb).unwrap();
        (AutoCommitPair(a, b), r)
    }

    struct AutoCommitPair(automerge::AutoCommit, automerge::AutoCommit);

    #[test]
    fn concurrent_moves_keep_both_and_show_the_fork_until_a_worker_chooses() {
        let (AutoCommitPair(mut a, mut b), _) = forked();
        let mut ab = a.fork();
        ab.merge(&mut b).unwrap();
        let mut ba = b.fork();
        ba.merge(&mut a).unwrap();
        let x: ReferralDoc = schema::read(&ab).unwrap();
        let y: ReferralDoc = schema::read(&ba).unwrap();
        // Both moves are kept, and both devices derive the same state.
        assert_eq!(x.history.len(), 3);
        assert_eq!(x.walk(), y.walk());
        assert_eq!(x.check_history(), Ok(()), "a merge of valid moves is valid");
        let c = x.conflict().expect("the fork is shown");
        assert_eq!(c.from, ReferralStatus::Sent);
        let shown: Vec<ReferralStatus> = c.options.iter().map(|o| o.status).collect();
        // The latest move is followed for now, and listed first.
        assert_eq!(
            shown,
            vec![ReferralStatus::Declined, ReferralStatus::Accepted]
        );
        assert_eq!(x.status, ReferralStatus::Declined);
        // Nobody moves on from an undecided fork.
        let mut z = x.clone();
        assert!(!z.move_to(ReferralStatus::Closed, 5, z.author));
        // A worker chooses "accepted": the fork is closed, and the next step is possible.
        assert!(z.resolve(ReferralStatus::Accepted, 6, z.author));
        assert_eq!(z.conflict(), None);
        assert_eq!(z.status, ReferralStatus::Accepted);
        assert_eq!(z.check_history(), Ok(()));
        schema::update(&mut ab, &z).unwrap();
        let back: ReferralDoc = schema::read(&ab).unwrap();
        assert_eq!(back.status, ReferralStatus::Accepted);
        assert!(z.move_to(ReferralStatus::Attended, 7, z.author));
        // A choice must be one of the fork's options.
        let mut w = x.clone();
        assert!(!w.resolve(ReferralStatus::Closed, 6, w.author));
    }

    #[test]
    fn two_concurrent_choices_fork_again_and_a_later_round_decides() {
        let (AutoCommitPair(mut a, mut b), _) = forked();
        a.merge(&mut b).unwrap();
        b.merge(&mut a).unwrap();
        let mut ra: ReferralDoc = schema::read(&a).unwrap();
        let mut rb: ReferralDoc = schema::read(&b).unwrap();
        assert!(ra.resolve(ReferralStatus::Accepted, 10, ra.author));
        assert!(rb.resolve(ReferralStatus::Declined, 11, rb.author));
        schema::update(&mut a, &ra).unwrap();
        schema::update(&mut b, &rb).unwrap();
        a.merge(&mut b).unwrap();
        let merged: ReferralDoc = schema::read(&a).unwrap();
        let c = merged.conflict().expect("the choices disagree");
        assert_eq!(c.next_round, 2);
        let mut m = merged.clone();
        assert!(m.resolve(ReferralStatus::Accepted, 12, m.author));
        assert_eq!(m.conflict(), None);
        assert_eq!(m.check_history(), Ok(()));
        // A "choice" where nothing forked is not a lifecycle.
        let mut bogus = sample();
        assert!(bogus.move_to(ReferralStatus::Sent, 1, bogus.author));
        bogus.history.push(StatusChange {
            status: ReferralStatus::Accepted,
            at: 2,
            by: bogus.author,
            from: Some(ReferralStatus::Sent),
            round: 1,
        });
        assert_eq!(
            bogus.check_history(),
            Err(HistoryError::NoFork(ReferralStatus::Sent))
        );
    }

    #[test]
    fn entries_written_before_from_existed_moved_from_the_entry_before() {
        let by = UserId::new_v7(1_700_000_000_000, [1; 10]);
        let entry = |status, at| StatusChange {
            status,
            at,
            by,
            from: None,
            round: 0,
        };
        let r = ReferralDoc {
            status: ReferralStatus::Accepted,
            history: vec![
                entry(ReferralStatus::Sent, 10),
                entry(ReferralStatus::Accepted, 20),
            ],
            ..sample()
        };
        assert_eq!(r.initial_status(), ReferralStatus::Proposed);
        assert_eq!(r.check_history(), Ok(()));
        assert_eq!(r.walk().status, ReferralStatus::Accepted);
        assert_eq!(r.status_since(), 20);
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
        let mut r = sample();
        assert!(r.move_to(ReferralStatus::Sent, r.created_at + 1, r.author));
        let doc = schema::create(ActorId::from(vec![1u8; 16]), &r).unwrap();
        assert_eq!(schema::read::<ReferralDoc>(&doc).unwrap(), r);
        assert_eq!(schema::check_shape::<ReferralDoc>(&doc), Ok(()));
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
    fn the_path_starts_proposed_and_follows_the_move_chosen_at_a_fork() {
        use ReferralStatus::*;
        let (AutoCommitPair(mut a, mut b), r) = forked();
        a.merge(&mut b).unwrap();
        let x: ReferralDoc = schema::read(&a).unwrap();
        let day = 86_400_000;
        // The fork is followed where the status is (declined, the latest move).
        assert_eq!(
            x.path(),
            vec![
                (Proposed, r.created_at),
                (Sent, r.created_at + day),
                (Declined, r.created_at + 3 * day)
            ]
        );
        // Written before moves were recorded: the status reached when created.
        let old = ReferralDoc {
            status: Attended,
            ..sample()
        };
        let statuses: Vec<ReferralStatus> = old.path().into_iter().map(|(s, _)| s).collect();
        assert_eq!(statuses, vec![Proposed, Sent, Accepted, Attended]);
        assert_eq!(sample().path(), vec![(Proposed, sample().created_at)]);
    }

    #[test]
    fn a_service_id_is_an_id_not_a_text() {
        for id in [
            "svc-1",
            "svc-ponte-mensa",
            "casa",
            "org.x:svc_2",
            &"a".repeat(64),
        ] {
            assert!(is_service_id(id), "{id}");
        }
        for id in [
            "",
            "Mario Rossi +39 333 1234567",
            "svc 1",
            "svc-1\n",
            "servizio-città",
            &"a".repeat(65),
        ] {
            assert!(!is_service_id(id), "{id}");
        }
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
