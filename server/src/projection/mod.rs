//! Projections: typed central records derived from documents. A projection is a pure
//! function of a document and its metadata, so it can always be rebuilt; the central
//! workspace's index (`crate::central`) is built from these records.

use chrono::{DateTime, SecondsFormat, Utc};
use strada_shared::api::{ContactRecord, IndicatorNote};
use strada_shared::central::{
    CaseRecord, ConsentRecord, HistoryEntry, JobOfferRecord, PathStep, PersonRecord, ReferralRecord,
};
use strada_shared::schema::{ContactDoc, PersonDoc, ReferralDoc};

use crate::storage::{DocMeta, Projection};
use crate::sync::rules::TypedDoc;

/// The version of the records' layout. A store whose records are older is projected
/// again from its documents at start (`sync::reproject`). 5: a conflict's values list
/// the one shown first (they were oldest first).
pub const VERSION: u32 = 5;

pub fn rfc3339_ms(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn heads(meta: &DocMeta) -> Vec<String> {
    strada_shared::sync::heads_to_strings(&meta.heads.0)
}

/// The central record of any document the server stores.
pub fn of(doc: &TypedDoc, meta: &DocMeta) -> Projection {
    match doc {
        TypedDoc::Contact(c) => Projection::Contact(Box::new(contact_record(c, meta))),
        TypedDoc::Person(p) => Projection::Person(Box::new(person_record(p, meta))),
        TypedDoc::Referral(r) => Projection::Referral(Box::new(referral_record(r, meta))),
        TypedDoc::Case(c) => Projection::Case(Box::new(CaseRecord {
            case: (**c).clone(),
            conflicts: Vec::new(),
            received_at: rfc3339_ms(meta.received_at),
            updated_at: rfc3339_ms(meta.updated_at),
            heads: heads(meta),
        })),
        TypedDoc::JobOffer(o) => Projection::JobOffer(Box::new(JobOfferRecord {
            offer: (**o).clone(),
            updated_at: rfc3339_ms(meta.updated_at),
            heads: heads(meta),
        })),
        TypedDoc::PuaRules(_) => Projection::None,
    }
}

/// The central record of a contact: every field of its document.
pub fn contact_record(doc: &ContactDoc, meta: &DocMeta) -> ContactRecord {
    ContactRecord {
        id: doc.id,
        occurred_at: rfc3339_ms(doc.occurred_at),
        place: doc.place,
        person: doc.person.clone(),
        needs: doc.needs.clone(),
        note: doc.note.clone(),
        author: doc.author,
        author_name: None,
        team: doc.team.clone(),
        received_at: rfc3339_ms(meta.received_at),
        updated_at: rfc3339_ms(meta.updated_at),
        heads: heads(meta),
        person_id: doc.person_id,
        survivor_name: None,
        group: doc.group,
        channel: doc.channel,
        sector: doc.sector,
        workplace: doc.workplace.clone(),
        indicators: doc
            .indicators
            .iter()
            .map(|(code, note)| IndicatorNote {
                code: *code,
                note: note.clone(),
            })
            .collect(),
        materials: doc.materials.clone(),
        language: doc.language.clone(),
        mediator: doc.mediator,
        follow_up: doc.follow_up,
        consent: doc.consent,
        conflicts: Vec::new(),
    }
}

/// The central record of a person: every field of its document.
pub fn person_record(doc: &PersonDoc, meta: &DocMeta) -> PersonRecord {
    PersonRecord {
        id: doc.id,
        team: doc.team.clone(),
        aliases: doc.aliases.clone(),
        birth_year: doc.birth_year,
        birth_year_estimated: doc.birth_year_estimated,
        gender: doc.gender,
        country: doc.country.clone(),
        languages: doc.languages.clone(),
        phone: doc.phone.clone(),
        documents: doc.documents,
        usual_place: doc.usual_place.clone(),
        consent: ConsentRecord {
            status: doc.consent.status,
            at: rfc3339_ms(doc.consent.at),
            recorded_by: doc.consent.recorded_by,
            partners: doc.consent.partners.clone(),
        },
        author: doc.author,
        merged_into: doc.merged_into,
        conflicts: Vec::new(),
        created_at: rfc3339_ms(doc.created_at),
        received_at: rfc3339_ms(meta.received_at),
        updated_at: rfc3339_ms(meta.updated_at),
        heads: heads(meta),
    }
}

/// The central record of a referral: every field of its document, and where its history
/// leads.
pub fn referral_record(doc: &ReferralDoc, meta: &DocMeta) -> ReferralRecord {
    let walk = doc.walk();
    ReferralRecord {
        id: doc.id,
        contact: doc.contact,
        person_id: doc.person_id,
        person_name: None,
        group_people: None,
        need: doc.need,
        partner: doc.partner.clone(),
        service_id: doc.service_id.clone(),
        organisation: None,
        status: walk.status,
        status_since: rfc3339_ms(doc.status_since()),
        conflict: walk.conflict.is_some(),
        history: doc
            .history
            .iter()
            .map(|h| HistoryEntry {
                status: h.status,
                at: rfc3339_ms(h.at),
                by: h.by,
            })
            .collect(),
        path: doc
            .path()
            .into_iter()
            .map(|(status, at)| PathStep {
                status,
                at: rfc3339_ms(at),
            })
            .collect(),
        outcome: doc.outcome.clone(),
        conflicts: Vec::new(),
        author: doc.author,
        team: doc.team.clone(),
        created_at: rfc3339_ms(doc.created_at),
        received_at: rfc3339_ms(meta.received_at),
        updated_at: rfc3339_ms(meta.updated_at),
        heads: heads(meta),
    }
}
