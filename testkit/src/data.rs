//! Synthetic documents (never real people).

use std::collections::BTreeSet;

use strada_shared::domain::{NeedCategory, PersonRef, Place};
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

/// The `n`th contact of a field worker's log, as the benchmarks write thousands of them:
/// a place, an alias (every third one anonymous), one or two needs and a note, all
/// varying with `n`. The same `n` always gives the same id and content, so a benchmark's
/// figures do not depend on a random draw.
pub fn numbered_contact(n: u64, author: UserId, team: &TeamId) -> ContactDoc {
    let mut random = [0u8; 10];
    random[..8].copy_from_slice(&n.to_le_bytes());
    let needs: BTreeSet<NeedCategory> = [NeedCategory::ALL[(n % 12) as usize], NeedCategory::Food]
        .into_iter()
        .collect();
    ContactDoc {
        id: DocId::new_v7(1_760_000_000_000 + n, random),
        // A minute apart, within 2025-10 … 2026-07: never in the future, which the
        // server refuses (the push benchmark's numbers past 1,000,000 were in 2027).
        occurred_at: 1_760_000_000_000 + ((n % 400_000) as i64) * 60_000,
        place: Some(Place {
            lat: 45.6 + (n % 100) as f64 / 1000.0,
            lon: 9.6 + (n % 77) as f64 / 1000.0,
            accuracy_m: Some(12.0),
        }),
        person: if n.is_multiple_of(3) {
            PersonRef::Anonymous
        } else {
            PersonRef::Alias(format!("Alias sintetico {n}"))
        },
        needs: needs.into_iter().collect(),
        note: format!("Nota sintetica numero {n}: incontro al cancello dell'azienda agricola."),
        author,
        team: team.clone(),
        consent: ConsentStatus::Given,
        ..ContactDoc::blank()
    }
}
