//! Referrals: the ones waiting for a partner's feedback for more than N days first (N is
//! a setting, 7 by default), then all of them; each moves one lifecycle step at a tap,
//! offline, and closing records the outcome.

use leptos::prelude::*;
use strada_shared::ids::{DocId, UserId};
use strada_shared::schema::{ReferralDoc, ReferralStatus};

use crate::components::contact_list::ROWS_PER_TASK;
use crate::components::later::progressive;
use crate::components::sync_state::SyncState;

/// Referrals listed at first, and added by "show more".
const PAGE: usize = 50;
use crate::state::{self, Ctx, RowStatus};
use crate::util;

/// The steps offered from a status, in the order a worker meets them.
fn next_steps(s: ReferralStatus) -> Vec<ReferralStatus> {
    use ReferralStatus::*;
    [Sent, Accepted, Declined, Attended, NotAttended, Closed]
        .into_iter()
        .filter(|n| s.can_move_to(*n))
        .collect()
}

#[component]
pub fn Referrals() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let waiting = Memo::new(move |_| {
        let days = ctx.waiting_days.get();
        // Read when the referrals or the setting change, so a status moved a moment ago
        // is measured from now.
        let now = util::now_ms() + 1;
        ctx.records.with(|r| r.waiting(now, days))
    });
    // Long lists grow a page at a time, like the contacts.
    let shown = RwSignal::new(PAGE);
    let all = Memo::new(move |_| {
        ctx.records.with(|r| {
            r.referrals
                .iter()
                .take(shown.get())
                .map(|x| x.id)
                .collect::<Vec<_>>()
        })
    });
    let waiting_rows = progressive(waiting, ROWS_PER_TASK);
    let all_rows = progressive(all, ROWS_PER_TASK);
    // Applied as it is typed (a new user's walk: 3 then 30 changed nothing until Tab);
    // once left, the field shows the number applied (it kept «-5»).
    let set_days = move |ev| {
        if let Ok(d) = event_target_value(&ev).trim().parse::<i64>() {
            let d = d.clamp(0, 365);
            if ctx.waiting_days.get_untracked() != d {
                ctx.waiting_days.set(d);
                leptos::task::spawn_local(async move {
                    let _ = crate::store::kv_set("waiting_days", &d.to_string()).await;
                });
            }
        }
    };
    let show_days = move |ev: leptos::ev::Event| {
        if let Some(input) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok())
        {
            input.set_value(&ctx.waiting_days.get_untracked().to_string());
        }
    };
    view! {
        <section class="card">
            <h2>{move || t().waiting_feedback}</h2>
            <label for="waiting-days">{move || t().waiting_days}</label>
            <input id="waiting-days" type="number" min="0" max="365" inputmode="numeric" class="short"
                prop:value=move || ctx.waiting_days.get().to_string() on:input=set_days on:change=show_days/>
            <Show when=move || waiting.with(Vec::is_empty)>
                <p class="muted">{move || t().nothing_waiting}</p>
            </Show>
            <ul class="contacts" data-testid="waiting-list">
                <For each=move || waiting_rows.get() key=|id| *id let:id>
                    <ReferralItem id=id/>
                </For>
            </ul>
        </section>
        <section class="card">
            <h2>{move || t().referrals}</h2>
            <Show when=move || all.with(Vec::is_empty)>
                <p class="muted">{move || t().no_referrals}</p>
            </Show>
            <ul class="contacts" data-testid="referral-list">
                <For each=move || all_rows.get() key=|id| *id let:id>
                    <ReferralItem id=id/>
                </For>
            </ul>
            <Show when=move || ctx.records.with(|r| r.referrals.len() > shown.get())>
                <button class="secondary" data-testid="show-more-referrals" on:click=move |_| shown.update(|n| *n += PAGE)>
                    {move || t().show_more}
                </button>
            </Show>
        </section>
    }
}

/// A change to a referral by the signed-in user; `false` when there was nothing to do.
type Edit = Box<dyn FnOnce(&mut ReferralDoc, UserId) -> bool>;

/// One referral, following its document by id: a move made on another phone, or a
/// fork between two concurrent moves, shows as soon as a pull brings it.
#[component]
fn ReferralItem(id: DocId) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let row = Memo::new(move |_| ctx.records.with(|r| r.referral(id).cloned()));
    let status = move || row.with(|r| r.as_ref().map_or(ReferralStatus::Proposed, |r| r.status));
    let conflict = Memo::new(move |_| row.with(|r| r.as_ref().and_then(|r| r.conflict.clone())));
    let sync =
        Signal::derive(move || row.with(|r| r.as_ref().map_or(RowStatus::Pending, |r| r.sync)));
    let outcome = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    // «Chiudi con esito» pressed with no outcome: the field is marked.
    let missing_outcome = RwSignal::new(false);
    // Edits the device's current version (not the row's copy), then saves and syncs.
    let edit = move |f: Edit| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let res = match state::read_doc::<ReferralDoc>(id).await {
                Ok(mut current) => {
                    if f(&mut current, s.user.id) {
                        state::save_edit(ctx, current).await
                    } else {
                        Ok(())
                    }
                }
                Err(e) => Err(e),
            };
            if let Err(e) = res {
                error.set(Some(e.message(ctx.lang.get_untracked().t()).into()));
            }
        });
    };
    let step = move |next: ReferralStatus| {
        let note = outcome.get_untracked().trim().to_string();
        // «Chiudi con esito» says what came of it: closed, the field is gone (a new user's
        // walk closed a referral with none, and its outcome could never be written).
        if next == ReferralStatus::Closed && note.is_empty() {
            missing_outcome.set(true);
            error.set(Some(ctx.lang.get_untracked().t().outcome_required.into()));
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| {
                    d.query_selector(&format!(
                        "[data-testid=\"referral-row\"][data-id=\"{id}\"] [data-testid=\"referral-outcome\"]"
                    ))
                    .ok()
                    .flatten()
                })
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = el.focus();
            }
            return;
        }
        error.set(None);
        missing_outcome.set(false);
        edit(Box::new(move |r, me| {
            if next == ReferralStatus::Closed {
                r.outcome = note;
            }
            r.move_to(next, util::now_ms(), me)
        }));
    };
    let choose = move |chosen: ReferralStatus| {
        edit(Box::new(move |r, me| r.resolve(chosen, util::now_ms(), me)));
    };
    let me = move || ctx.session.with(|s| s.as_ref().map(|s| s.user.id));
    view! {
        <li data-testid="referral-row" data-id=id.to_string() data-status=move || status().code()
            data-sync=move || sync.get().code() data-conflict=move || conflict.with(Option::is_some).to_string()>
            <div class="row">
                <strong>
                    {move || row.with(|r| r.as_ref().map(|r| t().need(r.need)))}" → "
                    {move || row.with(|r| r.as_ref().map(|r| r.partner.clone()))}
                </strong>
                <span class=move || format!("badge {}", status().code())>{move || t().referral_status(status())}</span>
            </div>
            <div class="small muted">
                // A group's referral names the group (the verification of this session's
                // fixes: «Anonimo» here, «Gruppo · 10» in the contacts).
                {move || row.with(|r| r.as_ref().and_then(|r| r.person.clone())).unwrap_or_else(|| {
                    let contact = row.with(|r| r.as_ref().map(|r| r.contact));
                    let people = contact
                        .and_then(|c| ctx.records.with(|rs| rs.contact(c).map(|c| c.people)))
                        .unwrap_or(1);
                    if people > 1 { format!("{} · {people}", t().group) } else { t().anonymous.to_string() }
                })}" · "
                {move || row.with(|r| r.as_ref().map(|r| t().since.with("date", &util::format_local(r.since, ctx.lang.get()))))}
            </div>
            <SyncState id=id status=sync/>
            {move || match conflict.get() {
                // Two workers moved it differently while apart: both moves are kept and
                // shown; one of them decides (a normal edit, synced like any other).
                Some(c) => view! {
                    <div class="conflict" role="group" data-testid="referral-conflict" aria-label=move || t().referral_conflict>
                        <p class="small"><strong>{move || t().referral_conflict}</strong>" "{move || t().referral_conflict_hint}</p>
                        <ul class="small">
                            {c.options.into_iter().map(|o| {
                                let who = if Some(o.by) == me() { t().moved_by_you } else { t().moved_by_colleague };
                                let chosen = o.status;
                                view! {
                                    <li>
                                        <strong>{move || t().referral_status(chosen)}</strong>" · "{who}" · "
                                        {move || util::format_local(o.at, ctx.lang.get())}" "
                                        <button class="secondary" data-testid=format!("choose-{}", chosen.code()) on:click=move |_| choose(chosen)>
                                            {move || t().choose_this}
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                }.into_any(),
                None => {
                    let steps = next_steps(status());
                    view! {
                        {steps.contains(&ReferralStatus::Closed).then(|| view! {
                            <input class="note-inline" maxlength="2000" aria-label=move || t().outcome placeholder=move || t().outcome
                                data-testid="referral-outcome"
                                aria-invalid=move || missing_outcome.get().then_some("true")
                                aria-describedby=move || missing_outcome.get().then(|| format!("referral-error-{id}"))
                                prop:value=move || outcome.get() on:input=move |ev| { missing_outcome.set(false); outcome.set(event_target_value(&ev)) }/>
                        })}
                        <div class="row">
                            {steps.into_iter().map(|n| view! {
                                <button class="secondary" data-testid=format!("move-{}", n.code()) on:click=move |_| step(n)>
                                    {move || t().referral_action(n)}
                                </button>
                            }).collect_view()}
                        </div>
                    }.into_any()
                }
            }}
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" id=format!("referral-error-{id}")>{move || error.get().unwrap_or_default()}</p>
            </Show>
        </li>
    }
}
