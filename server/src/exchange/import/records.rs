//! Each record line → its document: the stored one read, the line built over it
//! ([`build`]), and queued for staging when it is new or changed.

use std::collections::HashMap;

use automerge::AutoCommit;
use strada_shared::ids::{DocId, UserId};
use strada_shared::schema::{self, Document};
use strada_shared::sync::{Bytes, PushDoc};
use strada_shared::vocab::ConsentStatus;

use super::{Placed, Ref, Run, State, ToStage};

/// The longest chain of merges a stored record's person is followed along.
const MAX_CHAIN: usize = 64;
use crate::exchange::build::{self, NamedPerson};
use crate::exchange::line::{self, FieldError, Kind, Who};
use crate::exchange::resolve::Fail;
use crate::storage::{ExchangeEntry, ExchangeKind};
use crate::sync::rules::TypedDoc;

impl Run<'_> {
    /// The stored document a line updates, decoded and read.
    fn stored(&self, id: DocId) -> Result<(AutoCommit, TypedDoc, u32), Fail> {
        let unreadable = || FieldError::new("id", "the stored record cannot be read");
        let stored = self.store.doc(id)?.ok_or_else(unreadable)?;
        let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let doc = AutoCommit::load(&stored.bytes).ok()?;
            let value = TypedDoc::read(stored.meta.doc_type, &doc).ok()?;
            Some((doc, value))
        }));
        match loaded {
            Ok(Some((doc, value))) => Ok((doc, value, stored.meta.generation)),
            _ => Err(unreadable().into()),
        }
    }

    /// Whether the record's line is the one imported last (see [`Placed::as_imported`]):
    /// counted unchanged, nothing built.
    fn unchanged_since_import(&mut self, at: &Placed, kind: Kind) -> bool {
        let same = at.as_imported();
        if same {
            self.count(kind, State::Unchanged);
        }
        same
    }

    /// Queues a built document: new, changed (the changes from the stored one), or the
    /// same as stored (nothing to write).
    fn queue<T: Document + PartialEq>(
        &mut self,
        at: &Placed,
        kind: Kind,
        author: Option<UserId>,
        value: &T,
        stored: Option<(AutoCommit, T, u32)>,
    ) -> Result<(), Fail> {
        // A field rule's message names the rule, never the value; other failures may
        // quote the document. Either concerns the record as a whole.
        let invalid = |e: schema::SchemaError| match e {
            schema::SchemaError::Invalid(v) => FieldError::new("id", v.to_string()),
            _ => FieldError::new("id", "the record cannot be written as a document"),
        };
        let (doc_type, state, changes, generation) = match stored {
            Some((_, old, _)) if old == *value => {
                self.count(kind, State::Unchanged);
                return Ok(());
            }
            Some((mut doc, _, generation)) => {
                doc.set_actor(crate::sync::import_actor());
                let before = doc.get_heads();
                schema::update(&mut doc, value).map_err(invalid)?;
                (T::TYPE, State::Updated, doc.save_after(&before), generation)
            }
            None => {
                let mut doc =
                    schema::create(crate::sync::import_actor(), value).map_err(invalid)?;
                (T::TYPE, State::Created, doc.save(), 0)
            }
        };
        self.count(kind, state);
        self.to_stage.push(ToStage {
            line: at.line,
            kind,
            author,
            doc: PushDoc {
                id: at.id,
                doc_type,
                changes: Bytes(changes),
                generation,
            },
        });
        Ok(())
    }

    pub(super) fn person(&mut self, at: &Placed, l: &line::Person) -> Result<(), Fail> {
        let stored = match at.stored {
            true => match self.stored(at.id)? {
                (doc, TypedDoc::Person(p), generation) => Some((doc, p, generation)),
                _ => return Err(FieldError::new("id", "names a record of another type").into()),
            },
            false => None,
        };
        // Its line as imported last: the person as stored is the one contacts name.
        if let (true, Some((_, p, _))) = (at.as_imported(), &stored) {
            self.named.insert(
                at.id,
                NamedPerson {
                    id: at.id,
                    consent: p.consent.status,
                    consent_at: p.consent.at,
                    alias: p.aliases.first().cloned(),
                },
            );
            self.count(Kind::Person, State::Unchanged);
            return Ok(());
        }
        let mut value = build::person(
            l,
            at.id,
            &at.team,
            stored.as_ref().map(|(_, p, _)| p),
            self.user.id,
        )?;
        // The aliases of the persons merged into this one stay on it: a line written
        // before the merge does not know them (a new user's walk: a phone added to the
        // survivor's line took the merged person's name off it, and the next export
        // lost it).
        if stored.is_some() && value.consent.status == ConsentStatus::Given {
            for m in self.merged_into(at.id)? {
                if let (_, TypedDoc::Person(p), _) = self.stored(m)? {
                    crate::merge::add_missing(
                        &mut value.aliases,
                        p.aliases.iter(),
                        schema::person::MAX_ALIASES,
                    );
                }
            }
        }
        if stored
            .as_ref()
            .is_some_and(|(_, p, _)| p.consent.status != ConsentStatus::Withdrawn)
            && value.consent.status == ConsentStatus::Withdrawn
        {
            self.withdrawals.insert(at.id);
            // Merged away: the person it counts under is withdrawn too (the more
            // restrictive consent holds), and the report counts them (an attacker's
            // probe: the check said one person, two were erased).
            if let Some(root) = self.root_of(at.id)?
                && let (_, TypedDoc::Person(r), _) = self.stored(root)?
                && r.consent.status != ConsentStatus::Withdrawn
            {
                self.withdrawals.insert(root);
            }
        }
        self.named.insert(
            at.id,
            NamedPerson {
                id: at.id,
                consent: value.consent.status,
                consent_at: value.consent.at,
                alias: value.aliases.first().cloned(),
            },
        );
        self.queue(at, Kind::Person, None, &value, stored)
    }

    /// Reads the merges on record once: who counts under whom, both ways.
    fn read_merges(&mut self) -> Result<(), Fail> {
        if self.roots.is_none() {
            let roots = crate::merge::roots(self.store)?;
            let mut into: HashMap<DocId, Vec<DocId>> = HashMap::new();
            for (&merged, &root) in &roots {
                into.entry(root).or_default().push(merged);
            }
            for v in into.values_mut() {
                v.sort();
            }
            self.merged = Some(into);
            self.roots = Some(roots);
        }
        Ok(())
    }

    /// The persons merged into `id` (merges on record, chains followed), by id.
    fn merged_into(&mut self, id: DocId) -> Result<Vec<DocId>, Fail> {
        self.read_merges()?;
        Ok(self
            .merged
            .as_ref()
            .and_then(|m| m.get(&id).cloned())
            .unwrap_or_default())
    }

    /// The person `id` counts under, when it was merged away.
    fn root_of(&mut self, id: DocId) -> Result<Option<DocId>, Fail> {
        self.read_merges()?;
        Ok(self.roots.as_ref().and_then(|r| r.get(&id).copied()))
    }

    /// The version of the PUA's rules in force (their first before any was written).
    fn rules_in_force(&mut self) -> Result<u64, Fail> {
        if self.rules_version.is_none() {
            let current = crate::rules_cache::stored(self.store)?
                .and_then(|r| r.current().map(|v| v.version));
            self.rules_version = Some(current.unwrap_or(1));
        }
        Ok(self.rules_version.unwrap_or(1))
    }

    /// A person a contact names: of this file, or stored.
    fn named(&mut self, id: DocId) -> Result<NamedPerson, Fail> {
        if let Some(p) = self.named.get(&id) {
            return Ok(p.clone());
        }
        let (_, value, _) = self.stored(id)?;
        let TypedDoc::Person(p) = value else {
            return Err(FieldError::new("person", "names a record of another type").into());
        };
        let named = NamedPerson {
            id,
            consent: p.consent.status,
            consent_at: p.consent.at,
            alias: p.aliases.first().cloned(),
        };
        self.named.insert(id, named.clone());
        Ok(named)
    }

    /// The person a stored record names, when the line names the person it was merged
    /// into (an export writes the survivor for a person merged away): the same person,
    /// and the record keeps its link (an unmerge gives it back). Else `found`.
    fn as_stored(&mut self, found: DocId, stored: Option<DocId>) -> Result<DocId, Fail> {
        let Some(linked) = stored.filter(|s| *s != found) else {
            return Ok(found);
        };
        let mut at = linked;
        for _ in 0..MAX_CHAIN {
            let (_, value, _) = self.stored(at)?;
            match value {
                TypedDoc::Person(p) => match p.merged_into {
                    Some(next) if next == found => return Ok(linked),
                    Some(next) => at = next,
                    None => break,
                },
                _ => break,
            }
        }
        Ok(found)
    }

    pub(super) fn contact(&mut self, at: &Placed, l: &line::Contact) -> Result<(), Fail> {
        if at.as_imported()
            && let (_, TypedDoc::Contact(c), _) = self.stored(at.id)?
        {
            self.contact_consent.insert(at.id, c.consent);
            self.count(Kind::Contact, State::Unchanged);
            return Ok(());
        }
        let stored = match at.stored {
            true => match self.stored(at.id)? {
                (doc, TypedDoc::Contact(c), generation) => Some((doc, c, generation)),
                _ => return Err(FieldError::new("id", "names a record of another type").into()),
            },
            false => None,
        };
        let person = match &l.who {
            // A person of any team: a PUA moving from spreadsheets keeps one row for a
            // person several teams met (the blind check of the reports wrote its file so).
            Who::Person(ext) => match self.reference_any_team(Kind::Person, ext, "person")? {
                Ref::Found(id) => {
                    let linked = stored.as_ref().and_then(|(_, c, _)| c.person_id);
                    let id = self.as_stored(id, linked)?;
                    Some(self.named(id)?)
                }
                Ref::Invalid => return Ok(()),
            },
            _ => None,
        };
        if let Some(p) = &person
            && matches!(p.consent, ConsentStatus::NotAsked | ConsentStatus::Refused)
            && !at.stored
        {
            self.notices.push(super::line_error(
                at.line,
                "person".into(),
                super::KEPT_ANONYMOUS.into(),
            ));
        }
        let author = match &l.author {
            Some(name) => {
                let id = self.resolver.user(name)?;
                let kept = self.store.exchange_entry(ExchangeKind::User, name)?;
                let queued = self.user_names.contains(name);
                if !queued && kept.is_none_or(|k| k.internal != id.to_string()) {
                    self.user_names.insert(name.clone());
                    self.entries.push(ExchangeEntry {
                        kind: ExchangeKind::User,
                        external: name.clone(),
                        internal: id.to_string(),
                        name: None,
                        area: None,
                        line: None,
                    });
                }
                Some(id)
            }
            // A stored contact keeps its author; a new one is nobody's.
            None if !at.stored => Some(crate::exchange::unnamed_author()),
            None => None,
        };
        let value = build::contact(
            l,
            at.id,
            &at.team,
            author,
            person.as_ref(),
            stored.as_ref().map(|(_, c, _)| c),
            self.user.id,
        )?;
        self.contact_consent.insert(at.id, value.consent);
        // A new contact is written in its author's name (the rules of origin).
        let writer = stored.is_none().then_some(value.author);
        self.queue(at, Kind::Contact, writer, &value, stored)
    }

    pub(super) fn referral(&mut self, at: &Placed, l: &line::Referral) -> Result<(), Fail> {
        if self.unchanged_since_import(at, Kind::Referral) {
            return Ok(());
        }
        let contact = match self.reference(Kind::Contact, &l.contact, "contact", &at.team)? {
            Ref::Found(id) => id,
            Ref::Invalid => return Ok(()),
        };
        let stored = match at.stored {
            true => match self.stored(at.id)? {
                (doc, TypedDoc::Referral(r), generation) => Some((doc, r, generation)),
                _ => return Err(FieldError::new("id", "names a record of another type").into()),
            },
            false => None,
        };
        let person = match &l.person {
            Some(ext) => match self.reference_any_team(Kind::Person, ext, "person")? {
                Ref::Found(id) => {
                    let linked = stored.as_ref().and_then(|(_, r, _)| r.person_id);
                    Some(self.as_stored(id, linked)?)
                }
                Ref::Invalid => return Ok(()),
            },
            None => None,
        };
        // Not linked to a person who never consented, as their contacts (said so).
        let person = match person {
            Some(id)
                if matches!(
                    self.named(id)?.consent,
                    ConsentStatus::NotAsked | ConsentStatus::Refused
                ) =>
            {
                if !at.stored {
                    self.notices.push(super::line_error(
                        at.line,
                        "person".into(),
                        super::KEPT_ANONYMOUS.into(),
                    ));
                }
                None
            }
            other => other,
        };
        // Erased by a withdrawal: the person's, or the contact's person's.
        let withdrawn = |s: Option<ConsentStatus>| s == Some(ConsentStatus::Withdrawn);
        let contact_consent = match self.contact_consent.get(&contact) {
            Some(c) => Some(*c),
            None => self.store.doc_meta(contact)?.and_then(|m| m.consent),
        };
        let person_consent = match person.or(stored.as_ref().and_then(|(_, r, _)| r.person_id)) {
            Some(p) => match self.named.get(&p) {
                Some(n) => Some(n.consent),
                None => self.store.doc_meta(p)?.and_then(|m| m.consent),
            },
            None => None,
        };
        let erased = stored.is_some() && (withdrawn(contact_consent) || withdrawn(person_consent));
        // Named by a directory service only: the organisation offering it.
        let partner: String = match &l.service {
            Some(s) => crate::exchange::service_partner(self.directory, s),
            None => String::new(),
        };
        let value = build::referral(
            l,
            at.id,
            &at.team,
            contact,
            person,
            &partner,
            stored.as_ref().map(|(_, r, _)| r),
            erased,
            self.user.id,
        )?;
        self.queue(at, Kind::Referral, None, &value, stored)
    }

    pub(super) fn case(&mut self, at: &Placed, l: &line::Case) -> Result<(), Fail> {
        if self.unchanged_since_import(at, Kind::Case) {
            return Ok(());
        }
        // A case may name a person of any team (as the push path allows: a person met
        // by several teams).
        let person = match self.reference_any_team(Kind::Person, &l.person, "person")? {
            Ref::Found(id) => id,
            Ref::Invalid => return Ok(()),
        };
        let stored = match at.stored {
            true => match self.stored(at.id)? {
                (doc, TypedDoc::Case(c), generation) => Some((doc, *c, generation)),
                _ => return Err(FieldError::new("id", "names a record of another type").into()),
            },
            false => None,
        };
        let linked = stored.as_ref().map(|(_, c, _)| c.person_id);
        let person = self.as_stored(person, linked)?;
        let named = self.named(person)?;
        // A case is opened only for a person whose consent is given; one opened before
        // a withdrawal stays, without identifying text (a new one — a file restoring
        // it — is erased by the push path). One opened after the withdrawal's day is
        // refused, as a push refuses it (an attacker's probe took a person in charge,
        // with an assessment and a decision, after they withdrew).
        let erased = match named.consent {
            ConsentStatus::Given => false,
            ConsentStatus::Withdrawn
                if chrono::DateTime::from_timestamp_millis(named.consent_at).is_none_or(|at| {
                    l.opened_at.as_str() > at.format("%Y-%m-%d").to_string().as_str()
                }) =>
            {
                return Err(FieldError::new(
                    "opened_at",
                    "after the person's consent was withdrawn: a case is opened only with the person's consent",
                )
                .into());
            }
            ConsentStatus::Withdrawn => stored.is_some(),
            _ => {
                return Err(FieldError::new(
                    "person",
                    "names a person whose consent is not given: a case is opened only with the person's consent",
                )
                .into());
            }
        };
        let directory = self.directory;
        let partner_of = |service: &str| -> String {
            directory
                .organisation_of(service)
                .unwrap_or_default()
                .chars()
                .take(strada_shared::schema::case::MAX_CASE_SHORT)
                .collect()
        };
        let mut value = build::case(
            l,
            at.id,
            &at.team,
            person,
            stored.as_ref().map(|(_, c, _)| c),
            erased,
            &partner_of,
            self.user.id,
            self.now_ms,
        )?;
        // A new case is assessed under the rules in force (the format does not carry the
        // version: an attacker's probe found imported cases under version 0, which no
        // rules have, and an export of cases under version 1 came back under 0).
        if stored.is_none() && value.rules_version == 0 {
            value.rules_version = self.rules_in_force()?;
        }
        // What happened on it is not dated ahead, as on the push path (the probe closed
        // a case, reviewed it and did an intervention "in 2027": the case counted as
        // active now and closed in a later quarter).
        let last_day = chrono::DateTime::from_timestamp_millis(
            self.now_ms + 2 * crate::sync::rules::CLOCK_SKEW_MS,
        )
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string();
        if let Some(field) = value.dated_ahead(stored.as_ref().map(|(_, c, _)| c), &last_day) {
            return Err(FieldError::new(field, "in the future").into());
        }
        // Its closure, reviews and interventions done are not dated before its opening,
        // as on the push path (an attacker's probe imported a case opened on 1 October
        // and closed on 1 September, which September's report counted as emerged).
        if let Some(field) = value.dated_before_opening(stored.as_ref().map(|(_, c, _)| c)) {
            return Err(FieldError::new(field, "dated before the case was opened").into());
        }
        self.queue(at, Kind::Case, None, &value, stored)
    }

    pub(super) fn job_offer(&mut self, at: &Placed, l: &line::JobOffer) -> Result<(), Fail> {
        if self.unchanged_since_import(at, Kind::JobOffer) {
            return Ok(());
        }
        let stored = match at.stored {
            true => match self.stored(at.id)? {
                (doc, TypedDoc::JobOffer(o), generation) => Some((doc, *o, generation)),
                _ => return Err(FieldError::new("id", "names a record of another type").into()),
            },
            false => None,
        };
        let value = build::job_offer(
            l,
            at.id,
            &at.team,
            stored.as_ref().map(|(_, o, _)| o),
            self.user.id,
            self.now_ms,
        );
        self.queue(at, Kind::JobOffer, None, &value, stored)
    }
}
