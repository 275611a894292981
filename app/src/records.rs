//! What the pages list: small rows read once from the documents on the device (contacts,
//! persons with their search keys and last contacts, referrals), so lists, search and
//! counts never hydrate a document again. Opening a record reads its document.

use std::collections::HashMap;

use strada_shared::domain::{DocumentStatus, NeedCategory, PersonRef};
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc, DocType, PersonDoc, ReferralDoc, ReferralStatus};
use strada_shared::search::{Query, SearchKey};
use strada_shared::sync::RefusalCode;
use strada_shared::sync::device::DeviceDoc;

/// Where a document stands with the server.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RowStatus {
    Pending,
    Synced,
    /// The server's refusal: translated from its code.
    Refused(RefusalCode),
}

impl RowStatus {
    pub fn of(d: &mut DeviceDoc) -> RowStatus {
        let pending = d.is_pending();
        match (&d.refused, pending) {
            (_, false) => RowStatus::Synced,
            (Some(r), true) => RowStatus::Refused(r.code),
            (None, true) => RowStatus::Pending,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            RowStatus::Pending => "pending",
            RowStatus::Synced => "synced",
            RowStatus::Refused(_) => "refused",
        }
    }
}

/// A contact as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactRow {
    pub id: DocId,
    pub alias: Option<String>,
    pub person_id: Option<DocId>,
    pub occurred_at: i64,
    pub needs: Vec<NeedCategory>,
    /// People counted (1, or the group's size).
    pub people: u32,
    pub status: RowStatus,
}

/// A person as search and lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRow {
    pub id: DocId,
    pub aliases: Vec<String>,
    pub key: SearchKey,
    pub country: String,
    pub languages: Vec<String>,
    pub documents: DocumentStatus,
    /// Newest first, at most three: when and which needs.
    pub last_contacts: Vec<(i64, Vec<NeedCategory>)>,
    /// The newest contact (or the creation time), for "recent persons".
    pub last_seen: i64,
    pub consented: bool,
    pub status: RowStatus,
}

/// A referral as the lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralRow {
    pub id: DocId,
    pub contact: DocId,
    pub need: NeedCategory,
    pub partner: String,
    pub person: Option<String>,
    pub status: ReferralStatus,
    pub since: i64,
    pub created_at: i64,
    pub doc: ReferralDoc,
    pub sync: RowStatus,
}

/// Every list, built in one pass over the documents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Records {
    pub contacts: Vec<ContactRow>,
    pub persons: Vec<PersonRow>,
    pub referrals: Vec<ReferralRow>,
}

impl Records {
    pub fn build(docs: &mut [DeviceDoc]) -> Records {
        let mut contacts = Vec::new();
        let mut persons = Vec::new();
        let mut referrals = Vec::new();
        for d in docs.iter_mut() {
            let status = RowStatus::of(d);
            match d.doc_type {
                DocType::Contact => {
                    if let Ok(c) = schema::read::<ContactDoc>(&d.doc) {
                        contacts.push(ContactRow {
                            id: c.id,
                            alias: match &c.person {
                                PersonRef::Alias(a) => Some(a.clone()),
                                PersonRef::Anonymous => None,
                            },
                            person_id: c.person_id,
                            occurred_at: c.occurred_at,
                            people: c.people(),
                            needs: c.needs,
                            status,
                        });
                    }
                }
                DocType::Person => {
                    if let Ok(p) = schema::read::<PersonDoc>(&d.doc) {
                        persons.push(PersonRow {
                            id: p.id,
                            key: SearchKey::new(p.aliases.iter().map(String::as_str)),
                            aliases: p.aliases,
                            country: p.country,
                            languages: p.languages,
                            documents: p.documents,
                            last_contacts: Vec::new(),
                            last_seen: p.created_at,
                            consented: p.consent.status
                                == strada_shared::vocab::ConsentStatus::Given,
                            status,
                        });
                    }
                }
                DocType::Referral => {
                    if let Ok(r) = schema::read::<ReferralDoc>(&d.doc) {
                        referrals.push(ReferralRow {
                            id: r.id,
                            contact: r.contact,
                            need: r.need,
                            partner: r.partner.clone(),
                            person: None,
                            status: r.status,
                            since: r.status_since(),
                            created_at: r.created_at,
                            doc: r,
                            sync: status,
                        });
                    }
                }
            }
        }
        contacts.sort_by(|a, b| b.occurred_at.cmp(&a.occurred_at).then(b.id.cmp(&a.id)));
        // Last contacts per person (contacts are newest first already).
        let mut by_person: HashMap<DocId, Vec<&ContactRow>> = HashMap::new();
        for c in &contacts {
            if let Some(p) = c.person_id {
                by_person.entry(p).or_default().push(c);
            }
        }
        for p in &mut persons {
            if let Some(cs) = by_person.get(&p.id) {
                p.last_contacts = cs
                    .iter()
                    .take(3)
                    .map(|c| (c.occurred_at, c.needs.clone()))
                    .collect();
                p.last_seen = p.last_seen.max(cs[0].occurred_at);
            }
        }
        persons.sort_by(|a, b| b.last_seen.cmp(&a.last_seen).then(b.id.cmp(&a.id)));
        // A referral shows the person of its contact.
        let alias_of: HashMap<DocId, Option<String>> = contacts
            .iter()
            .map(|c| {
                let name = c
                    .person_id
                    .and_then(|p| persons.iter().find(|x| x.id == p))
                    .and_then(|p| p.aliases.first().cloned())
                    .or_else(|| c.alias.clone());
                (c.id, name)
            })
            .collect();
        for r in &mut referrals {
            r.person = alias_of.get(&r.contact).cloned().flatten();
        }
        referrals.sort_by(|a, b| b.since.cmp(&a.since).then(b.id.cmp(&a.id)));
        Records {
            contacts,
            persons,
            referrals,
        }
    }

    /// Persons matching `query`, best first (exact spelling before transliteration
    /// variants, then the most recently met). An empty query lists the recent ones.
    pub fn search(&self, query: &str, max: usize) -> Vec<PersonRow> {
        let q = Query::parse(query);
        let mut hits: Vec<(u8, &PersonRow)> = self
            .persons
            .iter()
            .filter(|p| p.consented)
            .filter_map(|p| p.key.score(&q).map(|s| (s, p)))
            .collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.last_seen.cmp(&a.1.last_seen)));
        hits.into_iter().take(max).map(|(_, p)| p.clone()).collect()
    }

    /// Documents not yet accepted by the server.
    pub fn pending(&self) -> usize {
        self.contacts
            .iter()
            .map(|c| &c.status)
            .chain(self.persons.iter().map(|p| &p.status))
            .chain(self.referrals.iter().map(|r| &r.sync))
            .filter(|s| **s != RowStatus::Synced)
            .count()
    }
}
