//! Field rules by role: who may create or change what in a document, beyond its schema.
//! Each refusal carries the reason the device shows to the worker.

use automerge::AutoCommit;
use strada_shared::domain::Role;
use strada_shared::ids::{DocId, TeamId};
use strada_shared::schema::{self, ContactDoc, DocType, ReferralDoc, SchemaError};

use crate::auth::AuthUser;

/// A document read as its type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypedDoc {
    Contact(ContactDoc),
    Referral(ReferralDoc),
}

impl TypedDoc {
    pub fn read(doc_type: DocType, doc: &AutoCommit) -> Result<TypedDoc, SchemaError> {
        Ok(match doc_type {
            DocType::Contact => TypedDoc::Contact(schema::read(doc)?),
            DocType::Referral => TypedDoc::Referral(schema::read(doc)?),
        })
    }

    pub fn id(&self) -> DocId {
        match self {
            TypedDoc::Contact(c) => c.id,
            TypedDoc::Referral(r) => r.id,
        }
    }

    pub fn team(&self) -> &TeamId {
        match self {
            TypedDoc::Contact(c) => &c.team,
            TypedDoc::Referral(r) => &r.team,
        }
    }

    fn author(&self) -> strada_shared::ids::UserId {
        match self {
            TypedDoc::Contact(c) => c.author,
            TypedDoc::Referral(r) => r.author,
        }
    }
}

/// A new document.
pub fn create(user: &AuthUser, new: &TypedDoc) -> Result<(), String> {
    if user.role == Role::FieldWorker {
        if new.team() != &user.team {
            return Err("a field worker can only write documents of their own team".into());
        }
        if new.author() != user.id {
            return Err("a document is written in the name of who signs in".into());
        }
    }
    match new {
        TypedDoc::Contact(c) if c.validate_entry().is_err() => {
            Err("a new contact needs at least one first need".into())
        }
        TypedDoc::Referral(r)
            if !matches!(
                r.status,
                schema::ReferralStatus::Proposed | schema::ReferralStatus::Sent
            ) =>
        {
            Err("a new referral starts as proposed or sent".into())
        }
        _ => Ok(()),
    }
}

/// A change to an existing document (`old` is the stored state before the push).
pub fn change(_user: &AuthUser, old: &TypedDoc, new: &TypedDoc) -> Result<(), String> {
    if new.team() != old.team() {
        return Err("a document cannot move to another team".into());
    }
    if new.author() != old.author() {
        return Err("the author of a document cannot change".into());
    }
    match (old, new) {
        (TypedDoc::Referral(o), TypedDoc::Referral(n)) => {
            if n.contact != o.contact || n.need != o.need {
                return Err("a referral keeps its contact and need".into());
            }
            if n.status != o.status && !o.status.can_move_to(n.status) {
                return Err(format!(
                    "a referral's status can only move along its lifecycle: {} → {} is not allowed",
                    o.status.code(),
                    n.status.code()
                ));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
