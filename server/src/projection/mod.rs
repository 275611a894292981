//! Projections: typed central records derived from documents. A projection is a pure
//! function of a document and its metadata, so it can always be rebuilt.

use chrono::{DateTime, SecondsFormat, Utc};
use strada_shared::api::ContactRecord;
use strada_shared::schema::ContactDoc;

use crate::storage::DocMeta;

pub fn rfc3339_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The central record of a contact.
pub fn contact_record(doc: &ContactDoc, meta: &DocMeta) -> ContactRecord {
    ContactRecord {
        id: doc.id,
        occurred_at: rfc3339_ms(doc.occurred_at),
        place: doc.place,
        person: doc.person.clone(),
        needs: doc.needs.clone(),
        note: doc.note.clone(),
        author: doc.author,
        team: doc.team.clone(),
        received_at: rfc3339_ms(meta.received_at),
        updated_at: rfc3339_ms(meta.updated_at),
        heads: strada_shared::sync::heads_to_strings(&meta.heads.0),
    }
}
