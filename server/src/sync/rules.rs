//! Field rules by role: who may create or change what in a document, beyond its schema.
//! Each refusal carries the reason the device shows to the worker.

use automerge::AutoCommit;
use autosurgeon::Hydrate;
use strada_shared::domain::{NeedCategory, Role};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::{
    self, ContactDoc, DocType, PersonDoc, ReferralDoc, ReferralStatus, SchemaError,
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

/// What a referral change may not touch, and its status.
#[derive(Debug, Clone, PartialEq, Hydrate)]
pub struct ReferralFixed {
    pub contact: DocId,
    pub need: NeedCategory,
    pub status: ReferralStatus,
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
        TypedDoc::Referral(r) if !r.starts_well() => Err(refusal(RefusalCode::ReferralStart)),
        _ => Ok(()),
    }
}

/// A change to an existing document (`old`: what the stored state fixes).
pub fn change(_user: &AuthUser, old: &Fixed, new: &TypedDoc) -> Result<(), (RefusalCode, String)> {
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
            if n.status != o.status && !o.status.can_move_to(n.status) && !n.reached_from(o.status)
            {
                return Err((
                    RefusalCode::Lifecycle,
                    format!(
                        "a referral's status can only move along its lifecycle: {} → {} is not allowed",
                        o.status.code(),
                        n.status.code()
                    ),
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
