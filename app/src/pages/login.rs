//! Sign-in (online): the first on a device creates its data key; after a session expired
//! on an unlocked device, only the device's owner signs in again.

use leptos::prelude::*;
use zeroize::Zeroizing;

use crate::api::ApiError;
use crate::components::status_bar::LangSwitch;
use crate::state::{self, Ctx, SignInError};

#[component]
pub fn Login() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    // Re-authentication: the device is unlocked and belongs to its owner.
    let reauth = ctx.lock.get_untracked() == crate::state::LockState::Unlocked;
    let username = RwSignal::new(if reauth {
        ctx.owner.get_untracked().unwrap_or_default()
    } else {
        String::new()
    });
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let pw = Zeroizing::new(password.get_untracked());
        password.set(String::new());
        leptos::task::spawn_local(async move {
            let res = state::sign_in(ctx, username.get_untracked(), pw).await;
            busy.set(false);
            let tr = ctx.lang.get_untracked().t();
            match res {
                Ok(()) => {}
                Err(e) if e.is_revoked() => {}
                Err(SignInError::Device) => error.set(Some(tr.sign_in_device_error)),
                Err(SignInError::Api(ApiError::Unauthorized { code }))
                    if code == strada_shared::api::ACCOUNT_DISABLED =>
                {
                    error.set(Some(tr.sign_in_disabled))
                }
                Err(SignInError::Api(ApiError::Unauthorized { .. })) => {
                    error.set(Some(tr.bad_credentials))
                }
                Err(SignInError::Api(ApiError::TooMany { code }))
                    if code == strada_shared::api::TOO_MANY_DEVICES =>
                {
                    error.set(Some(tr.sign_in_too_many_devices))
                }
                // Wrong sign-ins from this network, not this account's: another wait,
                // and no unlock helps (a new user's check).
                Err(SignInError::Api(ApiError::TooMany { code }))
                    if code == strada_shared::api::TOO_MANY_ATTEMPTS =>
                {
                    error.set(Some(tr.sign_in_too_many_address))
                }
                Err(SignInError::Api(ApiError::TooMany { .. })) => {
                    error.set(Some(tr.sign_in_too_many))
                }
                Err(SignInError::Api(ApiError::Network | ApiError::Server { .. })) => {
                    error.set(Some(tr.sign_in_needs_network))
                }
            }
        });
    };

    // The first field to fill takes the focus (a new user's walk, keyboard only: the
    // page opened with the focus nowhere).
    let first = NodeRef::<leptos::html::Input>::new();
    let second = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let field = if reauth { second.get() } else { first.get() };
        match field {
            Some(el) => {
                let _ = el.focus();
                true
            }
            None => false,
        }
    });
    view! {
        <main class="login">
            <header class="brand">
                <h1>{move || t().app_title}</h1>
                <p>{move || t().tagline}</p>
                <LangSwitch/>
            </header>
            <Show when=move || ctx.revoked.get()>
                <div class="banner error" role="alert" data-testid="revoked">{move || t().device_revoked}</div>
            </Show>
            <Show when=move || ctx.signout_pending.get()>
                <div class="banner" role="status" data-testid="signout-pending">{move || t().signout_pending}</div>
            </Show>
            <form on:submit=submit class="card">
                <h2>{move || t().sign_in_title}</h2>
                <Show when=move || reauth>
                    <p>{move || t().reauth_hint}</p>
                </Show>
                <label for="username">{move || t().username}</label>
                <input id="username" name="username" autocomplete="username" required readonly=reauth node_ref=first
                    prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev))/>
                <label for="password">{move || t().password}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required node_ref=second
                    prop:value=move || password.get()
                    on:input=move |ev| { crate::engine::preload(); password.set(event_target_value(&ev)) }/>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { t().signing_in } else { t().sign_in }}
                </button>
            </form>
        </main>
    }
}
