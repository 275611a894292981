//! The central office's page (online): the workspace over the PUA's records and what
//! this device keeps offline; and, at its own address («Gestione»), the exchange files,
//! the devices that signed in and the accounts.

use leptos::prelude::*;
use strada_shared::api::DeviceRecord;

use crate::api::{self, ApiError};
use crate::i18n::Lang;
use crate::pages::accounts::Accounts;
use crate::pages::offline_scope::OfflineScope;
use crate::pages::workspace::{ExchangeFiles, Workspace, html_element, shows_admin, unavailable};
use crate::state::Ctx;

#[component]
pub fn Central() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Accounts, devices and the exchange of records: the roles that administer.
    let administers = ctx
        .session
        .get_untracked()
        .is_some_and(|s| s.user.role.administers());
    crate::pages::offline_scope::provide_scope_saved();
    // The workspace's text is Italian where the chosen language's file leaves it out
    // (Arabic covers the field app only): such a language does not turn the page
    // right to left here.
    let shown = move || {
        let lang = ctx.lang.get();
        if lang.complete() {
            lang
        } else {
            Lang::default()
        }
    };
    // «Gestione» (its own address, a step of the history): the exchange files, the
    // devices and the accounts, which stood under every tab of the records (a new user's
    // walk). Both stay drawn, the one not shown hidden: each is as it was on the way
    // back.
    let admin = RwSignal::new(shows_admin(administers));
    let moved = window_event_listener_untyped("hashchange", move |_| {
        let now = shows_admin(administers);
        if now != admin.get_untracked() {
            admin.set(now);
            if now {
                // The page's heading takes the focus, as a new page's would.
                request_animation_frame(|| {
                    if let Some(h) = html_element("[data-testid=\"admin-page\"] h2") {
                        let _ = h.focus();
                    }
                });
            }
        }
    });
    on_cleanup(move || moved.remove());
    let t = move || ctx.lang.get().t();
    view! {
        <div class="desk-lang" lang=move || shown().code() dir=move || if shown().rtl() { "rtl" } else { "ltr" }>
            <div class="desk-records" hidden=move || admin.get()>
                <Workspace/>
                <OfflineScope/>
            </div>
            // Drawn once, hidden while the records show: a file chosen and an import's
            // report are still there on the way back.
            {administers.then(|| view! {
            <div class="desk-admin" hidden=move || !admin.get()>
                <section class="card" data-testid="admin-page">
                    <div class="row">
                        <h2 tabindex="-1">{move || t().admin_title}</h2>
                        <a href="#/centrale" class="big-link" data-testid="nav-records">{move || t().admin_back}</a>
                    </div>
                    <p class="hint">{move || t().admin_hint}</p>
                </section>
                <ExchangeFiles/>
                <Devices shown=admin.into()/>
                <Accounts/>
            </div>
            })}
        </div>
    }
}

/// The devices that signed in, and a way to revoke one (a lost or stolen phone): at its
/// next request it wipes its data. Read again each time «Gestione» is opened (`shown`).
#[component]
fn Devices(shown: Signal<bool>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let lang = move || ctx.lang.get();
    let devices = RwSignal::new(None::<Result<Vec<DeviceRecord>, ApiError>>);
    let mine_administers = ctx.session.get_untracked().is_some_and(|s| {
        strada_shared::domain::Role::ALL
            .into_iter()
            .any(|r| s.user.role.may_administer(r))
    });
    let load = move || {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let res = api::devices(&s.token).await;
            if let Err(e) = &res
                && e.is_revoked()
            {
                return crate::state::on_revoked(ctx).await;
            }
            devices.set(Some(res));
        });
    };
    load();
    // A phone signed in since the page started is listed when «Gestione» opens again (a
    // new user's walk: the list stayed as first read until «Aggiorna»).
    Effect::new(move |before: Option<bool>| {
        let now = shown.get();
        if now && before == Some(false) {
            load();
        }
        now
    });
    // Revoke the device (it wipes itself), or only end its sessions (it may sign in
    // again): both after a confirmation.
    let act = move |id: String, revoke: bool| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        let tr = ctx.lang.get_untracked().t();
        let question = if revoke {
            tr.revoke_confirm
        } else {
            tr.end_sessions_confirm
        };
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(question).ok())
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        leptos::task::spawn_local(async move {
            let res = if revoke {
                api::revoke_device(&s.token, &id).await
            } else {
                api::end_device_sessions(&s.token, &id).await
            };
            if let Err(e) = &res
                && e.is_revoked()
            {
                return crate::state::on_revoked(ctx).await;
            }
            load();
        });
    };
    let when = move |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| crate::util::format_local(d.timestamp_millis(), lang()))
            .unwrap_or_else(|_| s.to_string())
    };
    view! {
        <section class="card" data-testid="devices">
            <div class="row">
                <h2>{move || t().devices}</h2>
                <button class="secondary" on:click=move |_| load()>{move || t().refresh}</button>
            </div>
            {move || match devices.get() {
                None => view! { <p>{t().loading}</p> }.into_any(),
                Some(Err(e)) => unavailable(&e, t()),
                Some(Ok(list)) if list.is_empty() => view! { <p>{t().no_devices}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=t().devices>
                    <table>
                        <thead><tr>
                            <th scope="col">{t().col_user}</th>
                            <th scope="col">{t().col_team}</th>
                            <th scope="col">{t().col_device}</th>
                            <th scope="col">{t().col_signed_in}</th>
                            <th scope="col">{t().col_last_seen}</th>
                            <th scope="col">{t().col_sessions}</th>
                            <th scope="col">{t().col_state}</th>
                        </tr></thead>
                        <tbody>
                        // The director administers no account, nor its devices
                        // (`Role::may_administer`): the list only.
                        {list.into_iter().map(|d| {
                            let acts = mine_administers;
                            let id = d.id.clone();
                            let id2 = d.id.clone();
                            let sessions = d.active_sessions;
                            let state = match &d.revoked_at {
                                Some(at) => view! { <span>{t().device_is_revoked}" "{when(at)}</span> }.into_any(),
                                None if !acts => view! { <span>{t().device_active}</span> }.into_any(),
                                None => view! {
                                    <span>{t().device_active}" "
                                        <button class="secondary" data-testid="revoke" on:click=move |_| act(id.clone(), true)>
                                            {t().revoke}
                                        </button>
                                        {(sessions > 0).then(|| view! {
                                            " "
                                            <button class="secondary" data-testid="end-sessions" on:click=move |_| act(id2.clone(), false)>
                                                {t().end_sessions}
                                            </button>
                                        })}
                                    </span>
                                }.into_any(),
                            };
                            view! {
                                <tr data-testid="device-row" data-user=d.username.clone()>
                                    <td>{d.username.clone()}</td><td>{d.team.to_string()}</td>
                                    <td><code>{d.short_id.clone()}</code></td>
                                    <td>{when(&d.signed_in_at)}</td><td>{when(&d.last_seen)}</td>
                                    <td data-testid="device-sessions">{sessions}</td>
                                    <td>{state}</td>
                                </tr>
                            }
                        }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
