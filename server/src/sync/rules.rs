//! Field rules by role: who may create or change what in a document, beyond its schema.
//! Each refusal carries the reason the device shows to the worker.

use automerge::AutoCommit;
use autosurgeon::Hydrate;
use strada_shared::domain::{NeedCategory, Role};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::{
    self, ContactDoc, DocType, PersonDoc, ReferralDoc, ReferralStatus, SchemaError,
    referral::{HistoryError, StatusChange},
};
use strada_shared::vocab::ConsentStatus;

use crate::auth::AuthUser;
use strada_shared::sync::RefusalCode;

fn refusal(code: RefusalCode) -> (RefusalCode, String) {
    (code, code.reason().into())
}

/// A document read as its type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedDoc {
    Contact(ContactDoc),
    Referral(ReferralDoc),
    Person(PersonDoc),
}

impl TypedDoc {
    pub fn read(doc_type: DocType, doc: &AutoCommit) -> Result<TypedDoc, SchemaError> {
        Ok(match doc_type {
            DocType::Contact => TypedDoc::Contact(schema::read(doc)?),
            DocType::Referral => TypedDoc::Referral(schema::read(doc)?),
            DocType::Person => TypedDoc::Person(schema::read(doc)?),
        })
    }

    pub fn id(&self) -> DocId {
        match self {
            TypedDoc::Contact(c) => c.id,
            TypedDoc::Referral(r) => r.id,
            TypedDoc::Person(p) => p.id,
        }
    }

    pub fn team(&self) -> &TeamId {
        match self {
            TypedDoc::Contact(c) => &c.team,
            TypedDoc::Referral(r) => &r.team,
            TypedDoc::Person(p) => &p.team,
        }
    }

    pub fn author(&self) -> UserId {
        match self {
            TypedDoc::Contact(c) => c.author,
            TypedDoc::Referral(r) => r.author,
            TypedDoc::Person(p) => p.author,
        }
    }
}

/// The fields of a stored document that changes may not touch (read without hydrating
/// the whole document).
#[derive(Debug, Clone, PartialEq, Hydrate)]
pub struct Fixed {
    pub team: TeamId,
    pub author: UserId,
    #[autosurgeon(missing = "Option::default")]
    pub referral: Option<ReferralFixed>,
}

/// What a referral change may not touch, its status and its history of moves (which
/// only grows).
#[derive(Debug, Clone, PartialEq, Hydrate)]
pub struct ReferralFixed {
    pub contact: DocId,
    pub need: NeedCategory,
    pub status: ReferralStatus,
    #[autosurgeon(missing = "Vec::new")]
    pub history: Vec<StatusChange>,
}

#[derive(Hydrate)]
struct Owner {
    team: TeamId,
    author: UserId,
}

impl Fixed {
    pub fn read(doc_type: DocType, doc: &AutoCommit) -> Result<Fixed, autosurgeon::HydrateError> {
        let owner: Owner = autosurgeon::hydrate(doc)?;
        let referral = match doc_type {
            DocType::Referral => Some(autosurgeon::hydrate::<_, ReferralFixed>(doc)?),
            DocType::Contact | DocType::Person => None,
        };
        Ok(Fixed {
            team: owner.team,
            author: owner.author,
            referral,
        })
    }
}

/// A new document.
pub fn create(user: &AuthUser, new: &TypedDoc) -> Result<(), (RefusalCode, String)> {
    if user.role == Role::FieldWorker {
        if new.team() != &user.team {
            return Err(refusal(RefusalCode::OtherTeam));
        }
        if new.author() != user.id {
            return Err(refusal(RefusalCode::NotAuthor));
        }
    }
    match new {
        TypedDoc::Contact(c) if c.needs.is_empty() => Err(refusal(RefusalCode::NeedRequired)),
        TypedDoc::Contact(c) if c.validate_entry().is_err() => {
            Err(refusal(RefusalCode::ConsentRequired))
        }
        TypedDoc::Person(p) if p.validate_entry().is_err() => {
            Err(refusal(RefusalCode::ConsentRequired))
        }
        TypedDoc::Referral(r) => {
            if r.check_history() == Err(HistoryError::Start) {
                return Err(refusal(RefusalCode::ReferralStart));
            }
            referral_moves(user, &[], r)
        }
        _ => Ok(()),
    }
}

/// The moves a change adds to a referral's history: each one is the pushing user's, and
/// the whole history follows the lifecycle (concurrent moves from one status included:
/// they fork it, and the workers choose). Nothing recorded may go.
fn referral_moves(
    user: &AuthUser,
    old: &[StatusChange],
    new: &ReferralDoc,
) -> Result<(), (RefusalCode, String)> {
    let mut kept: Vec<&StatusChange> = new.history.iter().collect();
    for o in old {
        match kept.iter().position(|n| *n == o) {
            Some(i) => {
                kept.swap_remove(i);
            }
            None => {
                return Err((
                    RefusalCode::Lifecycle,
                    "a referral's recorded moves cannot be removed or changed".into(),
                ));
            }
        }
    }
    // What is left in `kept` is what this change adds.
    if kept.iter().any(|m| m.by != user.id) {
        return Err(refusal(RefusalCode::NotAuthor));
    }
    match new.check_history() {
        Ok(()) => Ok(()),
        Err(HistoryError::Start) => Err(refusal(RefusalCode::ReferralStart)),
        Err(HistoryError::Step(from, to)) => Err(lifecycle(from, to)),
        Err(HistoryError::Unreached(from)) => Err((
            RefusalCode::Lifecycle,
            format!(
                "a referral's status can only move along its lifecycle: it never was {}",
                from.code()
            ),
        )),
        Err(HistoryError::NoFork(from)) => Err((
            RefusalCode::Lifecycle,
            format!(
                "a referral's status can only move along its lifecycle: nothing to choose after {}",
                from.code()
            ),
        )),
    }
}

fn lifecycle(from: ReferralStatus, to: ReferralStatus) -> (RefusalCode, String) {
    (
        RefusalCode::Lifecycle,
        format!(
            "a referral's status can only move along its lifecycle: {} → {} is not allowed",
            from.code(),
            to.code()
        ),
    )
}

/// A change to an existing document (`old`: what the stored state fixes).
pub fn change(user: &AuthUser, old: &Fixed, new: &TypedDoc) -> Result<(), (RefusalCode, String)> {
    if new.team() != &old.team {
        return Err(refusal(RefusalCode::TeamMove));
    }
    if new.author() != old.author {
        return Err(refusal(RefusalCode::AuthorChange));
    }
    // A person whose consent is not given keeps no identifying data: an edit made
    // offline before a withdrawal reached the device is refused, never merged in.
    if let TypedDoc::Person(p) = new
        && p.consent.status != ConsentStatus::Given
        && p.has_identifying_data()
    {
        return Err(refusal(RefusalCode::ConsentRequired));
    }
    match (&old.referral, new) {
        (Some(o), TypedDoc::Referral(n)) => {
            if n.contact != o.contact || n.need != o.need {
                return Err(refusal(RefusalCode::ReferralFixed));
            }
            // A referral written before moves were recorded: its status field moves alone.
            if n.history.is_empty() && n.status != o.status && !o.status.can_move_to(n.status) {
                return Err(lifecycle(o.status, n.status));
            }
            referral_moves(user, &o.history, n)
        }
        _ => Ok(()),
    }
}
