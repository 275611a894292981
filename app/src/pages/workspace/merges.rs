//! What merges made of a person, on their page in the workspace: the record they were
//! merged into (a link to it), the records merged into them, and the history of their
//! merges, each active one with a way to undo it ("Separa", a reason asked inline).
//!
//! Errors of the merge API are shown by their code, translated ([`error_text`]); the
//! server's own message is never shown.

use std::collections::HashMap;

use leptos::prelude::*;
use strada_shared::central::{MERGE_FIELDS, MergeRecord, PersonPage, PersonRecord, UnmergeRequest};
use strada_shared::ids::DocId;

use super::{Open, keep_code, when};
use crate::api::{self, ApiError};
use crate::i18n::Catalogue;
use crate::state::Ctx;

/// What the reviewer reads for a failed merge, unmerge or judgement.
pub(super) fn error_text(e: &ApiError, t: &Catalogue) -> &'static str {
    match (e, e.code()) {
        (ApiError::Network, _) => t.central_needs_network,
        (_, Some("already_merged")) => t.dup_err_already_merged,
        (_, Some("invalid_merge")) => t.dup_err_invalid,
        (_, Some("already_unmerged")) => t.dup_err_already_unmerged,
        (_, Some("survivor_merged_since")) => t.dup_err_survivor_merged_since,
        (_, Some("merge_withdraws_consent")) => t.dup_err_withdraws,
        (_, Some("judged_not_same")) => t.dup_err_judged,
        _ => t.dup_err_generic,
    }
}

/// `res`, after acting on what it says of the session (a revoked device wipes itself; an
/// expired session asks to sign in again).
pub(super) async fn checked<T>(ctx: Ctx, res: Result<T, ApiError>) -> Result<T, ApiError> {
    match &res {
        Err(e) if e.is_revoked() => crate::state::on_revoked(ctx).await,
        Err(ApiError::Unauthorized { .. }) => ctx.session_expired.set(true),
        _ => {}
    }
    res
}

/// A person's first alias, or "anonymous" once consent is withdrawn.
pub(super) fn first_alias(p: &PersonRecord, t: &Catalogue) -> String {
    p.aliases
        .first()
        .cloned()
        .unwrap_or_else(|| t.person_anonymous.to_string())
}

/// "This record was merged into …", with a link that opens the survivor; when that one
/// was merged in turn, "…, itself merged into …" and the person at the chain's end.
pub(super) fn merged_into(
    id: DocId,
    survivor: Option<&PersonRecord>,
    last: Option<&PersonRecord>,
    on_open: RwSignal<Option<Open>>,
    t: &'static Catalogue,
) -> AnyView {
    let name = survivor
        .map(|s| first_alias(s, t))
        .unwrap_or_else(|| t.ws_merged_into_other.to_string());
    let then = last.map(|l| {
        let (to, name) = (l.id, first_alias(l, t));
        view! {
            {t.ws_merged_into_then}" "
            <button type="button" class="link" data-testid="ws-open-last-survivor"
                on:click=move |_| on_open.set(Some(Open::Person(to)))>{name}</button>
        }
    });
    view! {
        <p class="warning" data-testid="ws-merged-into">
            {t.ws_merged_into}" "
            <button type="button" class="link" data-testid="ws-open-survivor"
                on:click=move |_| on_open.set(Some(Open::Person(id)))>{name}</button>
            {then}
        </p>
    }
    .into_any()
}

/// The records merged into this person, each opening its own page.
pub(super) fn merged_persons(
    merged: &[PersonRecord],
    on_open: RwSignal<Option<Open>>,
    t: &'static Catalogue,
) -> Option<AnyView> {
    if merged.is_empty() {
        return None;
    }
    let items = merged
        .iter()
        .map(|m| {
            let id = m.id;
            let aliases = if m.aliases.is_empty() {
                t.person_anonymous.to_string()
            } else {
                m.aliases.join(" · ")
            };
            view! {
                <li data-testid="ws-merged-person" data-id=id.to_string()>
                    <button type="button" class="link" on:click=move |_| on_open.set(Some(Open::Person(id)))>{aliases}</button>
                    " · "{crate::teams::label(&m.team)}
                    // The year tells namesakes apart (a new user's walk: "Besnic" twice).
                    {m.birth_year.map(|y| format!(" · {}", t.born_in.with("year", &y.to_string())))}
                </li>
            }
        })
        .collect_view();
    Some(
        view! {
            <h4>{t.ws_merged_persons}</h4>
            <ul data-testid="ws-merged">{items}</ul>
        }
        .into_any(),
    )
}

/// The merges the person took part in, newest first; `reload` reads the page again
/// after an unmerge.
pub(super) fn history(
    p: &PersonPage,
    survivor: Option<&PersonRecord>,
    reload: Callback<()>,
    notice: RwSignal<Option<&'static str>>,
    ctx: Ctx,
) -> Option<AnyView> {
    if p.merges.is_empty() {
        return None;
    }
    let t = ctx.lang.get_untracked().t();
    // The persons the page knows, to name both sides of each merge (and, after an
    // unmerge, the names the server gives for the persons its merges name).
    let mut names: HashMap<DocId, String> = std::iter::once(&p.person)
        .chain(&p.merged)
        .chain(survivor)
        .map(|r| (r.id, first_alias(r, t)))
        .collect();
    for (id, alias) in &p.person_names {
        if let Ok(id) = id.parse::<DocId>() {
            names.entry(id).or_insert_with(|| alias.clone());
        }
    }
    let mut teams: HashMap<DocId, String> = std::iter::once(&p.person)
        .chain(&p.merged)
        .chain(survivor)
        .map(|r| (r.id, crate::teams::label(&r.team)))
        .collect();
    for (id, team) in &p.person_teams {
        if let Ok(id) = id.parse::<DocId>() {
            teams.entry(id).or_insert_with(|| crate::teams::label(team));
        }
    }
    let items = p
        .merges
        .iter()
        .map(|m| {
            let name = |id: DocId| {
                names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| t.person_anonymous.to_string())
            };
            let persons = merge_label(
                (&name(m.merged), teams.get(&m.merged)),
                (&name(m.survivor), teams.get(&m.survivor)),
            );
            let user = |id: strada_shared::ids::UserId| user_name(p, id, t);
            let by = user(m.by);
            let undone_by = m.undone.as_ref().map(|u| user(u.by)).unwrap_or_default();
            view! { <MergeEntry merge=m.clone() persons=persons by=by undone_by=undone_by reload=reload notice=notice/> }
        })
        .collect_view();
    Some(
        view! {
            <h4>{t.ws_merges}</h4>
            <ul class="ws-merges" data-testid="ws-merges">{items}</ul>
        }
        .into_any(),
    )
}

/// "merged → survivor" by their names; two records of one name are told apart by their
/// teams ("Ilir (bergamo-1) → Ilir (cremona-2)", found by a new user's walk: "Ilir →
/// Ilir").
fn merge_label(merged: (&str, Option<&String>), survivor: (&str, Option<&String>)) -> String {
    match (merged, survivor) {
        ((a, Some(ta)), (b, Some(tb))) if a == b && ta != tb => format!("{a} ({ta}) → {b} ({tb})"),
        ((a, _), (b, _)) => format!("{a} → {b}"),
    }
}

/// A user's name as the page gives it (an account since removed: "unknown author").
fn user_name(p: &PersonPage, id: strada_shared::ids::UserId, t: &Catalogue) -> String {
    p.user_names
        .get(&id.to_string())
        .cloned()
        .unwrap_or_else(|| t.ws_unknown_writer.to_string())
}

/// The pairs with this person judged "not the same person", each with a way to take the
/// judgement back (the pair may then be proposed again); `reload` reads the page again,
/// `notice` says it was taken back.
pub(super) fn not_same(
    p: &PersonPage,
    on_open: RwSignal<Option<Open>>,
    reload: Callback<()>,
    notice: RwSignal<Option<&'static str>>,
    ctx: Ctx,
) -> Option<AnyView> {
    if p.not_same.is_empty() {
        return None;
    }
    let t = ctx.lang.get_untracked().t();
    let lang = ctx.lang.get_untracked();
    let me = p.person.id;
    let error = RwSignal::new(false);
    let items = p
        .not_same
        .iter()
        .map(|j| {
            let other = j.other;
            let name = j
                .other_name
                .clone()
                .unwrap_or_else(|| t.person_anonymous.to_string());
            let (before, after) = t.ws_not_same_item.split("name");
            let meta = t.ws_not_same_meta.args(&[
                ("when", &when(&j.at, lang)),
                ("by", &user_name(p, j.by, t)),
            ]);
            let reason = (!j.reason.is_empty()).then(|| format!(": {}", j.reason));
            let undo = move |_| {
                let Some(s) = ctx.session.get_untracked() else {
                    return;
                };
                leptos::task::spawn_local(async move {
                    let pair = strada_shared::central::NotSame {
                        a: me,
                        b: other,
                        reason: None,
                    };
                    let res = checked(ctx, api::not_same_undo(&s.token, &pair).await).await;
                    error.set(res.is_err());
                    if res.is_ok() {
                        notice.set(Some(ctx.lang.get_untracked().t().ws_not_same_undone));
                    }
                    // The page may have closed meanwhile.
                    reload.try_run(());
                });
            };
            view! {
                <li data-testid="ws-not-same" data-id=other.to_string()>
                    {before}
                    <button type="button" class="link" on:click=move |_| on_open.set(Some(Open::Person(other)))>{name}</button>
                    {after}<br/>
                    <small>{meta}{reason}</small>" "
                    <button type="button" class="secondary" data-testid="ws-not-same-undo"
                        on:click=undo>{t.ws_not_same_undo}</button>
                </li>
            }
        })
        .collect_view();
    Some(
        view! {
            <h4>{t.ws_not_same_title}</h4>
            <Show when=move || error.get()>
                <p class="error" role="alert">{t.ws_not_same_failed}</p>
            </Show>
            <ul class="ws-merges" data-testid="ws-not-same-list">{items}</ul>
        }
        .into_any(),
    )
}

/// The fields a merge chose, with whose value was kept: "Telefono: dalla scheda unita".
fn kept_text(m: &MergeRecord, t: &Catalogue) -> String {
    MERGE_FIELDS
        .iter()
        .filter_map(|f| {
            m.kept.get(*f).map(|k| {
                format!(
                    "{}: {}",
                    t.ws_merge_field_names.get(f),
                    t.ws_kept_names.get(keep_code(*k))
                )
            })
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One merge of the history; an active one can be undone with a reason.
#[component]
fn MergeEntry(
    merge: MergeRecord,
    persons: String,
    by: String,
    undone_by: String,
    reload: Callback<()>,
    notice: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let lang = ctx.lang.get_untracked();
    let asking = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    // Separated as two persons: also judged so, with the same reason, when the reviewer
    // says so (else the pair is proposed again at once). Not ticked from the start: a
    // reviewer who separates a merge that kept the wrong record has not judged the two
    // different (a new user's check found the judgement recorded unasked).
    let different = RwSignal::new(false);
    let (survivor_id, merged_id) = (merge.survivor, merge.merged);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let id = merge.id;
    let input_id = format!("unmerge-reason-{id}");
    let confirm = move |_| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        let why = reason.get_untracked().trim().to_string();
        if why.is_empty() {
            return;
        }
        // Read now: the entry may be gone by the time the unmerge answers.
        let judge = different.get_untracked();
        busy.set(true);
        leptos::task::spawn_local(async move {
            let req = UnmergeRequest {
                merge: id,
                reason: why,
            };
            let done = checked(ctx, api::unmerge(&s.token, &req).await).await;
            let done = match done {
                Ok(_) if judge => {
                    let pair = strada_shared::central::NotSame {
                        a: survivor_id,
                        b: merged_id,
                        reason: Some(req.reason.clone()),
                    };
                    checked(ctx, api::not_same(&s.token, &pair).await).await
                }
                Ok(_) => Ok(()),
                Err(e) => Err(e),
            };
            match done {
                Ok(()) => {
                    reload.try_run(());
                }
                Err(e) => {
                    let stale = e.code() == Some("already_unmerged");
                    busy.set(false);
                    if stale {
                        // Said above the page, which is read again without this entry's
                        // error (a new user's walk: the second desk's "Separa" said
                        // nothing).
                        notice.set(Some(error_text(&e, ctx.lang.get_untracked().t())));
                        reload.try_run(());
                    } else {
                        error.set(Some(e));
                    }
                }
            }
        });
    };
    let tr = ctx.lang.get_untracked().t();
    // A withdrawal of consent blanks the reasons (they may name the person).
    let or_erased = |r: &str| {
        if r.is_empty() {
            tr.ws_reason_erased.to_string()
        } else {
            r.to_string()
        }
    };
    let undone = merge.undone.clone().map(|u| {
        view! {
            <p data-testid="ws-merge-undone">
                {tr.ws_merge_undone.args(&[("when", &when(&u.at, lang)), ("by", &undone_by), ("reason", &or_erased(&u.reason))])}
            </p>
        }
    });
    let active = merge.undone.is_none();
    let state = if active { "active" } else { "undone" };
    view! {
        <li class="ws-merge" data-testid="ws-merge" data-id=id.to_string() data-state=state>
            <strong>{tr.ws_merge_title.with("when", &when(&merge.at, lang))}</strong>
            <dl class="ws-fields">
                <dt>{tr.ws_merge_persons}</dt><dd>{persons}</dd>
                <dt>{tr.ws_merge_by}</dt><dd data-testid="ws-merge-by">{by}</dd>
                <dt>{tr.ws_merge_reason}</dt><dd>{or_erased(&merge.reason)}</dd>
                <dt>{tr.ws_merge_kept}</dt><dd>{kept_text(&merge, tr)}</dd>
                <dt>{tr.ws_merge_consent}</dt><dd>{tr.consent_name(merge.consent)}</dd>
            </dl>
            {undone}
            <Show when=move || active && !asking.get()>
                <button type="button" class="secondary" data-testid="unmerge"
                    on:click={
                        // The reason box opens below the history, often under the
                        // window's edge (a new user's walk): it takes the focus, in view,
                        // and so does the button that confirms (a later walk: it stayed
                        // under the record pane's edge).
                        let selector = format!("#unmerge-reason-{id}");
                        let button = format!("#unmerge-confirm-{id}");
                        move |_| {
                            asking.set(true);
                            let (selector, button) = (selector.clone(), button.clone());
                            request_animation_frame(move || {
                                if let Some(el) = super::html_element(&button) {
                                    el.scroll_into_view_with_bool(false);
                                }
                                if let Some(el) = super::html_element(&selector) {
                                    let _ = el.focus();
                                }
                            });
                        }
                    }>{move || t().ws_unmerge}</button>
            </Show>
            <Show when=move || active && asking.get()>
                <label for=input_id.clone()>{move || t().ws_unmerge_reason}</label>
                <textarea id=input_id.clone() rows="2" data-testid="unmerge-reason" maxlength="500"
                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                <label class="choice">
                    <input type="checkbox" data-testid="unmerge-not-same" prop:checked=move || different.get()
                        on:change=move |ev| different.set(event_target_checked(&ev))/>
                    {move || t().ws_unmerge_not_same}
                </label>
                <div class="row">
                    <button type="button" class="danger" data-testid="unmerge-confirm" id=format!("unmerge-confirm-{id}") on:click=confirm
                        disabled=move || busy.get() || reason.with(|r| r.trim().is_empty())>{move || t().ws_unmerge_confirm}</button>
                    <button type="button" class="secondary" on:click=move |_| { asking.set(false); error.set(None); }>
                        {move || t().ws_unmerge_cancel}</button>
                </div>
            </Show>
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert" data-testid="unmerge-error">
                    {move || error.with(|e| e.as_ref().map(|e| error_text(e, t())))}
                </p>
            </Show>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::merge_label;

    #[test]
    fn two_records_of_one_name_are_told_apart_by_their_teams() {
        let (b1, c2) = ("bergamo-1".to_string(), "cremona-2".to_string());
        assert_eq!(
            merge_label(("Ilir", Some(&b1)), ("Ilir", Some(&c2))),
            "Ilir (bergamo-1) → Ilir (cremona-2)"
        );
        assert_eq!(
            merge_label(("Ilir", Some(&b1)), ("Илир", Some(&c2))),
            "Ilir → Илир"
        );
        assert_eq!(
            merge_label(("Ilir", Some(&b1)), ("Ilir", Some(&b1))),
            "Ilir → Ilir"
        );
    }
}
