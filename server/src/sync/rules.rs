//! Field rules by role: who may create or change what in a document, beyond its schema.
//! Each returns the reason the device shows when it refuses.

use strada_shared::domain::Role;
use strada_shared::schema::ContactDoc;

use crate::auth::AuthUser;

/// A new contact.
pub fn contact_create(user: &AuthUser, c: &ContactDoc) -> Result<(), &'static str> {
    if c.validate_entry().is_err() {
        return Err("a new contact needs at least one first need");
    }
    match user.role {
        Role::FieldWorker if c.team != user.team => {
            Err("a field worker can only log contacts of their own team")
        }
        Role::FieldWorker if c.author != user.id => {
            Err("a contact is logged in the name of who signs in")
        }
        _ => Ok(()),
    }
}

/// A change to an existing contact.
pub fn contact_change(
    _user: &AuthUser,
    old: &ContactDoc,
    new: &ContactDoc,
) -> Result<(), &'static str> {
    if new.team != old.team {
        return Err("a contact cannot move to another team");
    }
    if new.author != old.author {
        return Err("the author of a contact cannot change");
    }
    Ok(())
}
