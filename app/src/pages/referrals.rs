//! Referrals: the ones waiting for a partner's feedback for more than N days first (N is
//! a setting, 7 by default), then all of them; each moves one lifecycle step at a tap,
//! offline, and closing records the outcome.

use leptos::prelude::*;
use strada_shared::ids::DocId;
use strada_shared::schema::{ReferralDoc, ReferralStatus};

use crate::components::sync_state::SyncState;
use crate::records::ReferralRow;
use crate::state::{self, Ctx};
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
        ctx.records.with(|r| {
            r.referrals
                .iter()
                .filter(|x| x.doc.waiting_for_feedback(now, days))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let all = Memo::new(move |_| ctx.records.with(|r| r.referrals.clone()));
    let set_days = move |ev| {
        if let Ok(d) = event_target_value(&ev).trim().parse::<i64>() {
            let d = d.clamp(0, 365);
            ctx.waiting_days.set(d);
            leptos::task::spawn_local(async move {
                let _ = crate::store::kv_set("waiting_days", &d.to_string()).await;
            });
        }
    };
    view! {
        <section class="card">
            <h2>{move || t().waiting_feedback}</h2>
            <label for="waiting-days">{move || t().waiting_days}</label>
            <input id="waiting-days" type="number" min="0" max="365" inputmode="numeric" class="short"
                prop:value=move || ctx.waiting_days.get().to_string() on:change=set_days/>
            <Show when=move || waiting.with(Vec::is_empty)>
                <p class="muted">{move || t().nothing_waiting}</p>
            </Show>
            <ul class="contacts" data-testid="waiting-list">
                <For each=move || waiting.get() key=|r| (r.id, r.status, r.since) let:r>
                    <ReferralItem row=r/>
                </For>
            </ul>
        </section>
        <section class="card">
            <h2>{move || t().referrals}</h2>
            <Show when=move || all.with(Vec::is_empty)>
                <p class="muted">{move || t().no_referrals}</p>
            </Show>
            <ul class="contacts" data-testid="referral-list">
                <For each=move || all.get() key=|r| (r.id, r.status, r.sync.code()) let:r>
                    <ReferralItem row=r/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn ReferralItem(row: ReferralRow) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let id: DocId = row.id;
    let status = row.status;
    let outcome = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let step = move |next: ReferralStatus| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            // The device's current version is edited, not the row's copy.
            let res = match state::read_doc::<ReferralDoc>(id).await {
                Ok(mut current) => {
                    if next == ReferralStatus::Closed {
                        current.outcome = outcome.get_untracked().trim().to_string();
                    }
                    if current.move_to(next, util::now_ms(), s.user.id) {
                        state::save_edit(ctx, current).await
                    } else {
                        Ok(())
                    }
                }
                Err(e) => Err(e),
            };
            if res.is_err() {
                error.set(Some(ctx.lang.get_untracked().t().err_save.into()));
            }
        });
    };
    let person = row.person.clone();
    let partner = row.partner.clone();
    let since = row.since;
    let sync = row.sync;
    view! {
        <li data-testid="referral-row" data-status=status.code() data-sync=sync.code()>
            <div class="row">
                <strong>{move || t().need(row.need)}" → "{partner.clone()}</strong>
                <span class=format!("badge {}", status.code())>{move || t().referral_status(status)}</span>
            </div>
            <div class="small muted">
                {move || person.clone().unwrap_or_else(|| t().anonymous.to_string())}" · "
                {move || t().since}" "{move || util::format_local(since, ctx.lang.get())}
            </div>
            <SyncState id=id status=sync/>
            {(next_steps(status).contains(&ReferralStatus::Closed)).then(|| view! {
                <input class="note-inline" maxlength="2000" aria-label=move || t().outcome placeholder=move || t().outcome
                    prop:value=move || outcome.get() on:input=move |ev| outcome.set(event_target_value(&ev))/>
            })}
            <div class="row">
                {next_steps(status).into_iter().map(|n| view! {
                    <button class="secondary" data-testid=format!("move-{}", n.code()) on:click=move |_| step(n)>
                        {move || t().referral_action(n)}
                    </button>
                }).collect_view()}
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </li>
    }
}
