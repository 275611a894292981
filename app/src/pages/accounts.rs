//! The central office's account administration (in `#/centrale`): every account with
//! its state; create one, disable or enable it, give it a new one-time password, change
//! its role or team, unlock it after wrong passwords, shut out a compromised one (every
//! session ended, every device revoked). A one-time password is shown once.

use leptos::prelude::*;
use strada_shared::api::{AccountPassword, AccountRecord};
use strada_shared::domain::Role;

use crate::api::{self, ApiError};
use crate::pages::workspace::{unavailable, unavailable_text};
use crate::state::Ctx;

/// What an account button does.
#[derive(Clone, Copy, PartialEq)]
enum Act {
    Disable,
    Enable,
    ResetPassword,
    Unlock,
    EndEverything,
}

#[component]
pub fn Accounts() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let lang = move || ctx.lang.get();
    let accounts = RwSignal::new(None::<Result<Vec<AccountRecord>, ApiError>>);
    let shown_password = RwSignal::new(None::<AccountPassword>);
    let error = RwSignal::new(None::<String>);
    // The roles this user may give or administer (`Role::may_administer`): the director
    // administers none (the list only).
    let mine = ctx
        .session
        .get_untracked()
        .map_or(Role::FieldWorker, |s| s.user.role);
    let (name, role, team) = (
        RwSignal::new(String::new()),
        RwSignal::new(Role::FieldWorker),
        RwSignal::new(String::new()),
    );
    let load = move || {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let res = api::accounts(&s.token).await;
            if let Err(e) = &res
                && e.is_revoked()
            {
                return crate::state::on_revoked(ctx).await;
            }
            accounts.set(Some(res));
        });
    };
    load();
    let failed = move |e: ApiError| {
        let tr = ctx.lang.get_untracked().t();
        error.set(Some(match e {
            ApiError::Server { message, .. } if !message.is_empty() => message,
            e => unavailable_text(&e, tr).to_string(),
        }));
    };
    let act = move |username: String, what: Act| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        let tr = ctx.lang.get_untracked().t();
        let question = match what {
            Act::Disable => Some(tr.account_disable_confirm),
            Act::ResetPassword => Some(tr.account_reset_confirm),
            Act::EndEverything => Some(tr.account_end_everything_confirm),
            Act::Enable | Act::Unlock => None,
        };
        if let Some(q) = question {
            let sure = web_sys::window()
                .and_then(|w| w.confirm_with_message(&format!("{username}: {q}")).ok())
                .unwrap_or(false);
            if !sure {
                return;
            }
        }
        error.set(None);
        leptos::task::spawn_local(async move {
            let res = match what {
                Act::ResetPassword => api::reset_password(&s.token, &username)
                    .await
                    .map(|p| shown_password.set(Some(p))),
                other => {
                    let path = match other {
                        Act::Disable => "disable",
                        Act::Enable => "enable",
                        Act::Unlock => "unlock",
                        _ => "end-everything",
                    };
                    api::account_act(&s.token, &username, path)
                        .await
                        .map(|_| ())
                }
            };
            match res {
                Ok(()) => load(),
                Err(e) => failed(e),
            }
        });
    };
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        let req = strada_shared::api::NewAccount {
            username: name.get_untracked().trim().to_string(),
            role: role.get_untracked(),
            team: team.get_untracked().trim().to_string(),
        };
        error.set(None);
        leptos::task::spawn_local(async move {
            match api::create_account(&s.token, &req).await {
                Ok(p) => {
                    shown_password.set(Some(p));
                    name.set(String::new());
                    load();
                }
                Err(e) => failed(e),
            }
        });
    };
    let change_role = move |username: String, new_role: Role, new_team: String| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let req = strada_shared::api::RoleChange {
                role: new_role,
                team: new_team,
            };
            match api::set_role(&s.token, &username, &req).await {
                Ok(_) => load(),
                Err(e) => failed(e),
            }
        });
    };
    let when = move |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .map(|d| crate::util::format_local(d.timestamp_millis(), lang()))
            .unwrap_or_else(|_| s.to_string())
    };
    view! {
        <section class="card" data-testid="accounts">
            <div class="row">
                <h2>{move || t().accounts}</h2>
                <button class="secondary" on:click=move |_| load()>{move || t().refresh}</button>
            </div>
            {move || shown_password.get().map(|p| view! {
                <div class="banner" role="status" data-testid="one-time-password">
                    {move || t().one_time_password_for.split("user").0}<strong>{p.username.clone()}</strong>{move || t().one_time_password_for.split("user").1}" "
                    <code data-testid="password-value">{p.password.clone()}</code>
                    <p class="small">{move || t().one_time_password_hint}</p>
                    <button class="secondary" on:click=move |_| shown_password.set(None)>{move || t().done}</button>
                </div>
            })}
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <Show when=move || !Role::ALL.into_iter().any(|r| mine.may_administer(r))>
                <p data-testid="accounts-read-only">{move || t().accounts_read_only}</p>
            </Show>
            <Show when=move || Role::ALL.into_iter().any(|r| mine.may_administer(r))>
            <form class="row" on:submit=create data-testid="new-account">
                <label>{move || t().username}" "
                    <input required maxlength="40" autocomplete="off" data-testid="new-username"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label>{move || t().role}" "
                    <select data-testid="new-role" on:change=move |ev| if let Some(r) = Role::parse(&event_target_value(&ev)) { role.set(r) }>
                        {Role::ALL.into_iter().filter(|r| mine.may_administer(*r)).map(|r| view! {
                            <option value=r.as_str() selected=move || role.get() == r>{move || t().role_name(r)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || t().col_team}" "
                    <input required maxlength="40" autocomplete="off" data-testid="new-team"
                        prop:value=move || team.get() on:input=move |ev| team.set(event_target_value(&ev))/>
                </label>
                <button type="submit" class="primary">{move || t().create_account}</button>
            </form>
            </Show>
            {move || match accounts.get() {
                None => view! { <p>{t().loading}</p> }.into_any(),
                Some(Err(e)) => unavailable(&e, t()),
                Some(Ok(list)) => view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=t().accounts>
                    <table>
                        <thead><tr>
                            <th scope="col">{t().col_user}</th>
                            <th scope="col">{t().role}</th>
                            <th scope="col">{t().col_team}</th>
                            <th scope="col">{t().col_state}</th>
                            <th scope="col">{t().col_sessions}</th>
                            <th scope="col">{t().col_devices}</th>
                            <th scope="col">{t().col_actions}</th>
                        </tr></thead>
                        <tbody>
                        {list.into_iter().map(|a| {
                            let name = a.username.clone();
                            let state = match (&a.disabled_at, &a.locked_until) {
                                (Some(at), _) => t().account_disabled_since.with("date", &when(at)),
                                (None, Some(until)) => t().account_locked_until.with("date", &when(until)),
                                (None, None) => t().device_active.to_string(),
                            };
                            let disabled = a.disabled_at.is_some();
                            let locked = a.locked_until.is_some();
                            let (n1, n2, n3, n4, n5) = (name.clone(), name.clone(), name.clone(), name.clone(), name.clone());
                            let role_now = a.role;
                            let team_now = a.team.to_string();
                            let new_team = RwSignal::new(team_now.clone());
                            view! {
                                <tr data-testid="account-row" data-user=name.clone()>
                                    <td>{name.clone()}</td>
                                    <td>
                                        <select aria-label=t().role data-testid="account-role"
                                            disabled=!mine.may_administer(role_now)
                                            on:change=move |ev| {
                                            if let Some(r) = Role::parse(&event_target_value(&ev)) {
                                                change_role(n5.clone(), r, new_team.get_untracked());
                                            }
                                        }>
                                            {Role::ALL.into_iter().filter(|r| *r == role_now || mine.may_administer(*r)).map(|r| view! {
                                                <option value=r.as_str() selected=role_now == r>{t().role_name(r)}</option>
                                            }).collect_view()}
                                        </select>
                                    </td>
                                    <td>{team_now}</td>
                                    <td data-testid="account-state">{state}</td>
                                    <td>{a.sessions}</td>
                                    <td>{a.devices}</td>
                                    <td class="actions">
                                        {mine.may_administer(role_now).then(|| view! {
                                        {if disabled {
                                            view! { <button class="secondary" data-testid="account-enable" on:click=move |_| act(n1.clone(), Act::Enable)>{t().account_enable}</button> }.into_any()
                                        } else {
                                            view! { <button class="secondary" data-testid="account-disable" on:click=move |_| act(n1.clone(), Act::Disable)>{t().account_disable}</button> }.into_any()
                                        }}
                                        <button class="secondary" data-testid="account-reset" on:click=move |_| act(n2.clone(), Act::ResetPassword)>{t().account_reset}</button>
                                        {locked.then(|| view! { <button class="secondary" data-testid="account-unlock" on:click=move |_| act(n3.clone(), Act::Unlock)>{t().account_unlock}</button> })}
                                        <button class="danger" data-testid="account-end-everything" on:click=move |_| act(n4.clone(), Act::EndEverything)>{t().account_end_everything}</button>
                                        })}
                                    </td>
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
