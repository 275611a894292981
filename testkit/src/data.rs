//! Synthetic documents (never real people).

use strada_shared::domain::{NeedCategory, PersonRef};
use strada_shared::ids::{DocId, TeamId, UserId};
use strada_shared::schema::ContactDoc;
use strada_shared::vocab::ConsentStatus;

/// A contact with a synthetic alias and consent, one need.
pub fn contact(id: DocId, author: UserId, team: &TeamId, alias: &str) -> ContactDoc {
    ContactDoc {
        id,
        occurred_at: 1_760_000_000_000,
        place: None,
        person: PersonRef::Alias(alias.into()),
        needs: vec![NeedCategory::Food],
        note: String::new(),
        author,
        team: team.clone(),
        consent: ConsentStatus::Given,
        ..ContactDoc::blank()
    }
}
