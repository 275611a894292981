//! What the worker always sees: online/offline, changes waiting, last sync, who is signed
//! in; plus the language switch and navigation.

use leptos::prelude::*;

use crate::components::later::Later;

use crate::i18n::Lang;
use crate::state::{self, Ctx};
use crate::store;

/// The language picker: every language of the catalogue, each in its own name and
/// script (so a worker finds theirs whatever the page's language).
#[component]
pub fn LangSwitch() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let on_change = move |ev| {
        let next = Lang::parse(&event_target_value(&ev));
        ctx.lang.set(next);
        leptos::task::spawn_local(async move {
            let _ = store::kv_set("lang", next.code()).await;
        });
    };
    view! {
        <select class="lang" data-testid="lang" aria-label=move || ctx.lang.get().t().language on:change=on_change>
            {Lang::ALL.into_iter().map(|l| view! {
                <option value=l.code() lang=l.code() dir=if l.rtl() { "rtl" } else { "ltr" }
                    selected=move || ctx.lang.get() == l>
                    {l.t().lang_name}
                </option>
            }).collect_view()}
        </select>
    }
}

#[component]
pub fn StatusBar() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let pending = move || ctx.pending();
    // What waits to be sent, and apart what the server refused (it waits for nothing).
    let refused = move || ctx.refused();
    let waiting = move || pending().saturating_sub(refused());
    let last = move || match ctx.last_sync.get() {
        Some(ms) => crate::util::format_local(ms, ctx.lang.get()),
        None => t().never.to_string(),
    };
    let is_central = move || {
        ctx.session
            .with(|s| s.as_ref().is_some_and(|s| s.user.role.is_central()))
    };
    // Signing out wipes the device: say so, and how many changes would be lost.
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let pending = state::pending_while_locked().await.max(ctx.pending());
            let tr = ctx.lang.get_untracked().t();
            if crate::pages::unlock::confirm_wipe(
                pending,
                tr.sign_out_confirm,
                tr.sign_out_confirm_pending,
            ) {
                state::sign_out(ctx).await;
            }
        });
    };
    // On a phone the form starts right below one line: the state, what waits and a
    // sync button; the rest is one tap away.
    let open = RwSignal::new(false);
    view! {
        <header class="status">
            <div class="row compact">
                <h1 class="brand-small">{move || t().app_title}</h1>
                <span data-testid="net-status" class=move || if ctx.online.get() { "pill ok" } else { "pill off" }>
                    {move || if ctx.syncing.get() { t().syncing } else if ctx.online.get() { t().online } else { t().offline }}
                </span>
                <span class="waiting" title=move || t().pending_changes>
                    <b data-testid="pending-count">{waiting}</b>" "{move || t().waiting_short}
                </span>

                <button class="secondary icon" data-testid="sync-now" aria-label=move || t().sync_now title=move || t().sync_now
                    on:click=move |_| leptos::task::spawn_local(state::sync(ctx))>
                    <span aria-hidden="true">"⟳"</span>
                </button>
                <button class="link more" data-testid="status-more" aria-controls="status-details"
                    aria-expanded=move || open.get().to_string() aria-label=move || t().status_details
                    title=move || t().status_details on:click=move |_| open.update(|o| *o = !*o)>
                    {move || if open.get() { "▴" } else { "▾" }}
                </button>
            </div>
            // What the server refused, on a line of its own (the first holds no more at
            // 360 px): it waits for nothing, a person discards or corrects it.
            <Show when=move || { refused() > 0 }>
                <p class="refused-line" role="status" data-testid="refused-count">{move || t().refused_line.n(refused())}</p>
            </Show>
            // Kept in the page while closed (its last-sync time is read by tests and
            // assistive technology alike), drawn in a later task.
            <Later>
            <div id="status-details" class="details" hidden=move || !open.get()>
                <div class="row small">
                    <span>{move || t().pending_changes}": "{waiting}</span>
                    <span>{move || t().last_sync}": "<span data-testid="last-sync" data-ms=move || ctx.last_sync.get().unwrap_or(0).to_string()>{last}</span></span>
                </div>
                <div class="row small">
                    <span>
                        {move || ctx.session.with(|s| s.as_ref().map(|s| t().signed_in_as.with("user", &format!("{} ({})", s.user.username, s.user.team))))}
                    </span>
                    <Show when=is_central>
                        <nav>
                            <a href="#/">{move || t().field_app}</a>" · "
                            <a href="#/centrale" data-testid="nav-central">{move || t().central_records}</a>
                        </nav>
                    </Show>
                </div>
                <div class="row small">
                    <LangSwitch/>
                    <IdleLockSelect/>
                    <button class="link" data-testid="sign-out" on:click=sign_out>{move || t().sign_out}</button>
                </div>
            </div>
            </Later>
            {move || ctx.sync_progress.get().map(|(done, total)| {
                let pct = (done * 100 / total.max(1)).min(100);
                view! {
                    <div class="row small sync-progress">
                        <label for="sync-progress">{move || t().first_sync}</label>
                        <progress id="sync-progress" data-testid="sync-progress" max="100" value=pct.to_string()>
                            {format!("{pct}%")}
                        </progress>
                        <span>{format!("{pct}%")}</span>
                    </div>
                }
            })}
            <Show when=move || ctx.session_expired.get()>
                <div class="banner error" role="alert">
                    {move || t().session_expired}" "
                    <button class="link" on:click=move |_| {
                        ctx.session_expired.set(false);
                        leptos::task::spawn_local(async move {
                            let _ = store::kv_delete("session").await;
                            ctx.session.set(None);
                        });
                    }>{move || t().sign_in}</button>
                </div>
            </Show>
        </header>
    }
}

/// The idle time before the app locks itself: 1, 5 or 15 minutes (a plain setting, read
/// before unlocking).
#[component]
pub fn IdleLockSelect() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let on_change = move |ev| {
        let Ok(s) = event_target_value(&ev).parse::<u32>() else {
            return;
        };
        ctx.idle_lock_s.set(s);
        leptos::task::spawn_local(async move {
            let _ = store::kv_set_plain("idle_lock_s", &s.to_string()).await;
        });
    };
    view! {
        <label class="idle-lock">{move || t().idle_lock}" "
            <select data-testid="idle-lock" on:change=on_change>
                {[1u32, 5, 15].into_iter().map(|m| {
                    let secs = m * 60;
                    view! {
                        <option value=secs.to_string() selected=move || ctx.idle_lock_s.get() == secs>
                            {move || t().minutes.n(m as usize)}
                        </option>
                    }
                }).collect_view()}
            </select>
        </label>
    }
}
