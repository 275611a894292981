//! Unlock (offline): the password unwraps the device's data key; nothing goes to the
//! network. "Use another account" wipes the device, after saying what would be lost.

use leptos::prelude::*;
use zeroize::Zeroizing;

use crate::components::status_bar::LangSwitch;
use crate::i18n::Msg;
use crate::state::{self, Ctx, UnlockError};

/// Asks to confirm a wipe; the message counts the changes not yet synced.
pub fn confirm_wipe(pending: usize, plain: &str, with_pending: Msg) -> bool {
    let msg = if pending > 0 {
        with_pending.n(pending)
    } else {
        plain.to_string()
    };
    web_sys::window()
        .and_then(|w| w.confirm_with_message(&msg).ok())
        .unwrap_or(false)
}

#[component]
pub fn Unlock() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
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
            let res = state::unlock(ctx, pw).await;
            busy.set(false);
            let tr = ctx.lang.get_untracked().t();
            match res {
                Ok(()) => {}
                Err(UnlockError::WrongPassword) => error.set(Some(tr.wrong_password)),
                Err(UnlockError::Broken) => error.set(Some(tr.unlock_broken)),
            }
        });
    };
    let other_account = move |_| {
        leptos::task::spawn_local(async move {
            let pending = state::pending_while_locked().await;
            let tr = ctx.lang.get_untracked().t();
            if confirm_wipe(pending, tr.wipe_confirm, tr.wipe_confirm_pending) {
                state::wipe(ctx).await;
            }
        });
    };

    view! {
        <main class="login">
            <header class="brand">
                <h1>{move || t().app_title}</h1>
                <p>{move || t().tagline}</p>
                <LangSwitch/>
            </header>
            <form on:submit=submit class="card" data-testid="unlock-form">
                <h2>{move || t().unlock_title}</h2>
                <p>{move || t().unlock_intro.split("user").0}
                    <b data-testid="unlock-owner">{move || ctx.owner.get().unwrap_or_default()}</b>
                    {move || t().unlock_intro.split("user").1}
                </p>
                <label for="unlock-password">{move || t().password}</label>
                <input id="unlock-password" name="password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get()
                    on:input=move |ev| { crate::engine::preload(); password.set(event_target_value(&ev)) }/>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
                </Show>
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { t().unlocking } else { t().unlock }}
                </button>
                <button type="button" class="link" data-testid="other-account" on:click=other_account>
                    {move || t().use_other_account}
                </button>
            </form>
        </main>
    }
}
