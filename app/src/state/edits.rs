//! Saving records on the device (new, edited, consent withdrawn, refused change
//! discarded), then syncing them.

use leptos::prelude::*;
use strada_shared::ids::DocId;
use strada_shared::schema::{self, ContactDoc, PersonDoc, ReferralDoc};

use super::{Ctx, Summary, lists, refresh_rows, sync};
use crate::engine::{self, Answer, AnyDoc, Call, ReadDoc, Typed};
use crate::i18n::Catalogue;
use crate::store::StoreError;

/// Why a record could not be read or saved on the device.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// Asks the engine to write documents; the lists show the result.
async fn edit(ctx: Ctx, call: Call) -> Result<(), EditError> {
    let res = match engine::call(call).await? {
        Answer::Edit(res) => res,
        _ => Err(engine::mismatch().into()),
    };
    refresh_rows(ctx).await;
    leptos::task::spawn_local(sync(ctx));
    res
}

/// Saves a new contact on the device, with the person it introduces and the referrals
/// it makes, in one transaction, and tries to sync them.
pub async fn save_contact(
    ctx: Ctx,
    contact: ContactDoc,
    person: Option<PersonDoc>,
    referrals: Vec<ReferralDoc>,
) -> Result<(), EditError> {
    let mut docs: Vec<AnyDoc> = person.map(AnyDoc::Person).into_iter().collect();
    docs.push(AnyDoc::Contact(contact));
    docs.extend(referrals.into_iter().map(AnyDoc::Referral));
    edit(ctx, Call::SaveNew(docs)).await
}

/// Saves new documents on the device (a case, a job offer, a referral sent from a PIP)
/// in one transaction, and tries to sync them.
pub async fn save_new_docs(ctx: Ctx, docs: Vec<AnyDoc>) -> Result<(), EditError> {
    edit(ctx, Call::SaveNew(docs)).await
}

/// A new document, for [`save_new_docs`] (the engine writes it, authored on this
/// device).
pub async fn new_doc<T: Typed>(value: &T) -> Result<AnyDoc, EditError> {
    Ok(value.clone().into_any())
}

/// A document the workspace opens to edit (a case, the PUA's rules): when online, the
/// server's copy is taken first and merged into the device's (which keeps what it
/// wrote offline); offline, the device's copy. It stays on the device, synced like
/// every other document.
///
/// Also says whether the server holds the document (`false` offline, or before a new
/// document's first sync).
pub async fn open_doc<T: Typed>(ctx: Ctx, id: DocId) -> Result<(T, bool), EditError> {
    let on_server = take_from_server(ctx, vec![id]).await?;
    Ok((read_doc(id).await?, on_server))
}

/// Takes the server's copies of `ids`, in one request, and merges them into the
/// device's (which keep what they wrote offline). Whether the server sent any: `false`
/// offline, or when it holds none of them.
pub async fn take_from_server(ctx: Ctx, ids: Vec<DocId>) -> Result<bool, EditError> {
    if let Some(s) = ctx.session.get_untracked()
        && let Ok(res) =
            crate::api::snapshots(&s.token, &strada_shared::sync::SnapshotsRequest { ids }).await
        && !res.docs.is_empty()
    {
        match engine::call(Call::Merge(res.docs)).await? {
            Answer::Store(r) => r?,
            _ => return Err(engine::mismatch().into()),
        }
        return Ok(true);
    }
    Ok(false)
}

/// Documents as the device holds them, read in one transaction with no request made
/// (a page that opens several at once waits for one read, not one per document).
pub struct Held(Vec<ReadDoc>);

impl Held {
    /// The document `id` as `T`, and whether the server holds it too (it acknowledged
    /// changes of it); `None` when the device does not hold it.
    pub fn get<T: Typed>(&self, id: DocId) -> Result<Option<(T, bool)>, EditError> {
        match self.0.iter().find(|d| d.id == id) {
            Some(d) => Ok(Some((as_type(&d.doc)?, d.on_server))),
            None => Ok(None),
        }
    }
}

/// A document read by the engine, as `T`.
fn as_type<T: Typed>(doc: &Result<AnyDoc, String>) -> Result<T, EditError> {
    match doc {
        Ok(any) => T::from_any(any.clone())
            .ok_or_else(|| EditError::Document(format!("not a {}", T::TYPE.as_str()))),
        Err(e) => Err(EditError::Document(e.clone())),
    }
}

/// Reads `ids` as the device holds them (see [`Held`]).
pub async fn read_held(ids: &[DocId]) -> Result<Held, EditError> {
    match engine::call(Call::Read(ids.to_vec())).await? {
        Answer::Read(r) => Ok(Held(r?)),
        _ => Err(engine::mismatch().into()),
    }
}

/// Reads a typed document from the device.
pub async fn read_doc<T: Typed>(id: DocId) -> Result<T, EditError> {
    read_held(&[id])
        .await?
        .get::<T>(id)?
        .map(|(d, _)| d)
        .ok_or(EditError::NotOnDevice)
}

/// Writes an edited document as the smallest set of changes, then syncs.
pub async fn save_edit<T: Typed>(ctx: Ctx, value: T) -> Result<(), EditError> {
    edit(ctx, Call::SaveEdit(Box::new(value.into_any()))).await
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
    edit(ctx, Call::WithdrawConsent { ids, names, at, by }).await
}

/// A person chose to discard a refused change.
pub async fn discard(ctx: Ctx, id: DocId) {
    match engine::call(Call::Discard(id)).await {
        Ok(Answer::Store(Ok(()))) => {}
        Ok(Answer::Store(Err(e))) | Err(e) => ctx.storage_error.set(Some(e)),
        Ok(_) => ctx.storage_error.set(Some(engine::mismatch())),
    }
    refresh_rows(ctx).await;
}
