//! Saving records on the device (new, edited, consent withdrawn, refused change
//! discarded), then syncing them.

use leptos::prelude::*;
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc, DocType, PersonDoc, ReferralDoc};
use strada_shared::sync::device::DeviceDoc;

use super::{Ctx, Summary, lists, refresh_rows, sync};
use crate::i18n::Catalogue;
use crate::store::{self, StoreError};

/// Why a record could not be read or saved on the device.
#[derive(Debug, Clone, PartialEq)]
pub enum EditError {
    /// The device's store failed (locked meanwhile, storage, cryptography).
    Store(StoreError),
    /// The record is not on this device (wiped meanwhile).
    NotOnDevice,
    /// The record does not read, or the edit does not write, as its type (data from a
    /// newer app, or a defect).
    Document(String),
}

impl From<StoreError> for EditError {
    fn from(e: StoreError) -> Self {
        EditError::Store(e)
    }
}

impl From<schema::SchemaError> for EditError {
    fn from(e: schema::SchemaError) -> Self {
        EditError::Document(e.to_string())
    }
}

impl EditError {
    /// What the worker reads.
    pub fn message(&self, t: &'static Catalogue) -> &'static str {
        match self {
            EditError::Store(StoreError::Locked) => t.err_locked_save,
            EditError::Store(StoreError::Db(_)) => t.err_storage_save,
            EditError::Store(StoreError::Crypto(_)) => t.err_crypto_save,
            EditError::Store(StoreError::Corrupt(_)) | EditError::Document(_) => t.err_save,
            EditError::NotOnDevice => t.err_not_on_device,
        }
    }
}

/// Saves a new contact on the device, with the person it introduces and the referrals
/// it makes, in one transaction, and tries to sync them.
pub async fn save_contact(
    ctx: Ctx,
    contact: ContactDoc,
    person: Option<PersonDoc>,
    referrals: Vec<ReferralDoc>,
) -> Result<(), EditError> {
    let actor = store::actor().await?;
    let mut docs = Vec::new();
    if let Some(p) = &person {
        let doc = schema::create(actor.clone(), p)?;
        docs.push(DeviceDoc::new(p.id, DocType::Person, doc));
    }
    let doc = schema::create(actor.clone(), &contact)?;
    docs.push(DeviceDoc::new(contact.id, DocType::Contact, doc));
    for r in &referrals {
        let doc = schema::create(actor.clone(), r)?;
        docs.push(DeviceDoc::new(r.id, DocType::Referral, doc));
    }
    store::put_docs(&mut docs).await?;
    refresh_rows(ctx).await;
    leptos::task::spawn_local(sync(ctx));
    Ok(())
}

/// Saves new documents on the device (a case, a job offer, a referral sent from a PIP)
/// in one transaction, and tries to sync them.
pub async fn save_new_docs(
    ctx: Ctx,
    docs: Vec<(DocId, DocType, automerge::AutoCommit)>,
) -> Result<(), EditError> {
    let mut docs: Vec<DeviceDoc> = docs
        .into_iter()
        .map(|(id, t, d)| DeviceDoc::new(id, t, d))
        .collect();
    store::put_docs(&mut docs).await?;
    refresh_rows(ctx).await;
    leptos::task::spawn_local(sync(ctx));
    Ok(())
}

/// A new document authored on this device (its actor), for [`save_new_docs`].
pub async fn new_doc<T: schema::Document>(
    value: &T,
) -> Result<(DocId, DocType, automerge::AutoCommit), EditError> {
    let actor = store::actor().await?;
    Ok((value.id(), T::TYPE, schema::create(actor, value)?))
}

/// A document the workspace opens to edit (a case, the PUA's rules): when online, the
/// server's copy is taken first and merged into the device's (which keeps what it
/// wrote offline); offline, the device's copy. It stays on the device, synced like
/// every other document.
///
/// Also says whether the server holds the document (`false` offline, or before a new
/// document's first sync).
pub async fn open_doc<T: schema::Document>(ctx: Ctx, id: DocId) -> Result<(T, bool), EditError> {
    let on_server = take_from_server(ctx, vec![id]).await?;
    Ok((read_doc(id).await?, on_server))
}

/// Takes the server's copies of `ids`, in one request, and merges them into the
/// device's (which keep what they wrote offline). Whether the server sent any: `false`
/// offline, or when it holds none of them.
pub async fn take_from_server(ctx: Ctx, ids: Vec<DocId>) -> Result<bool, EditError> {
    let actor = store::actor().await?;
    if let Some(s) = ctx.session.get_untracked()
        && let Ok(res) =
            crate::api::snapshots(&s.token, &strada_shared::sync::SnapshotsRequest { ids }).await
        && !res.docs.is_empty()
    {
        store::apply_pulled(&actor, &res.docs, None, None).await?;
        return Ok(true);
    }
    Ok(false)
}

/// Documents as the device holds them, read in one transaction with no request made
/// (a page that opens several at once waits for one read, not one per document).
pub struct Held(Vec<DeviceDoc>);

impl Held {
    /// The document `id` as `T`, and whether the server holds it too (it acknowledged
    /// changes of it); `None` when the device does not hold it.
    pub fn get<T: schema::Document>(&self, id: DocId) -> Result<Option<(T, bool)>, EditError> {
        match self.0.iter().find(|d| d.id == id) {
            Some(d) => Ok(Some((schema::read(&d.doc)?, !d.acked.is_empty()))),
            None => Ok(None),
        }
    }
}

/// Reads `ids` as the device holds them (see [`Held`]).
pub async fn read_held(ids: &[DocId]) -> Result<Held, EditError> {
    let actor = store::actor().await?;
    Ok(Held(store::get_docs(&actor, ids).await?))
}

/// Reads a typed document from the device.
pub async fn read_doc<T: schema::Document>(id: DocId) -> Result<T, EditError> {
    let actor = store::actor().await?;
    let d = store::get_doc(&actor, id)
        .await?
        .ok_or(EditError::NotOnDevice)?;
    Ok(schema::read(&d.doc)?)
}

/// Writes an edited document as the smallest set of changes, then syncs.
pub async fn save_edit<T: schema::Document>(ctx: Ctx, value: T) -> Result<(), EditError> {
    let actor = store::actor().await?;
    let mut d = store::get_doc(&actor, value.id())
        .await?
        .ok_or(EditError::NotOnDevice)?;
    // Fields only the server writes (a merge) come from the document as it is now, not
    // from the copy the form was opened on.
    let mut value = value;
    value.keep_server_fields(&schema::read::<T>(&d.doc)?);
    schema::update(&mut d.doc, &value)?;
    // A new edit is a new attempt: the worker has seen the refusal and acted on it.
    d.refused = None;
    store::put_doc(&mut d).await?;
    refresh_rows(ctx).await;
    leptos::task::spawn_local(sync(ctx));
    Ok(())
}

/// The person withdrew consent: the person keeps no identifying data, every contact on
/// the device that names the person loses the alias, and the person's names leave the
/// notes of those contacts and the outcomes of their referrals — all in one
/// transaction, then synced. (Contacts of the same person stay linked to it, now
/// anonymous.) The server does the same for every contact and referral it holds.
pub async fn withdraw_consent(
    ctx: Ctx,
    person: DocId,
    by: strada_shared::ids::UserId,
) -> Result<(), EditError> {
    let actor = store::actor().await?;
    let at = crate::util::now_ms();
    // The names to erase (every alias, and the alias each contact names the person by),
    // and the documents to erase them from.
    let (ids, names) = lists::with_summaries(|m| {
        let mut names: Vec<String> = Vec::new();
        let mut contacts = Vec::new();
        for s in m.values() {
            match s {
                Summary::Person(p) if p.id == person => names.extend(p.aliases.iter().cloned()),
                Summary::Contact(c) if c.person_id == Some(person) => {
                    names.extend(c.alias.iter().cloned());
                    contacts.push(c.id);
                }
                _ => {}
            }
        }
        let referrals = m.values().filter_map(|s| match s {
            Summary::Referral(r, _)
                if r.person_id == Some(person) || contacts.contains(&r.contact) =>
            {
                Some(r.id)
            }
            _ => None,
        });
        let ids: Vec<DocId> = std::iter::once(person)
            .chain(contacts.iter().copied())
            .chain(referrals)
            .collect();
        (ids, names)
    });
    let mut failed = None;
    store::update_docs(&actor, &ids, |d| {
        let res = match d.doc_type {
            DocType::Person => schema::read::<PersonDoc>(&d.doc).and_then(|mut p| {
                p.withdraw_consent(at, by);
                schema::update(&mut d.doc, &p)
            }),
            DocType::Contact => schema::read::<ContactDoc>(&d.doc).and_then(|mut c| {
                c.erase_person(&names);
                schema::update(&mut d.doc, &c)
            }),
            DocType::Referral => schema::read::<ReferralDoc>(&d.doc).and_then(|mut r| {
                r.erase_person(&names);
                schema::update(&mut d.doc, &r)
            }),
            DocType::Case => schema::read::<schema::CaseDoc>(&d.doc).and_then(|mut c| {
                c.erase_person();
                schema::update(&mut d.doc, &c)
            }),
            DocType::JobOffer | DocType::PuaRules => Ok(()),
        };
        match res {
            // A new edit is a new attempt (as in `save_edit`).
            Ok(()) => d.refused = None,
            Err(e) => failed = Some(EditError::from(e)),
        }
    })
    .await?;
    refresh_rows(ctx).await;
    leptos::task::spawn_local(sync(ctx));
    failed.map_or(Ok(()), Err)
}

/// A person chose to discard a refused change.
pub async fn discard(ctx: Ctx, id: DocId) {
    match store::actor().await {
        Ok(actor) => {
            if let Err(e) = store::discard(&actor, id).await {
                ctx.storage_error.set(Some(e));
            }
        }
        Err(e) => ctx.storage_error.set(Some(e)),
    }
    refresh_rows(ctx).await;
}
