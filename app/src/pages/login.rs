//! Sign-in (online, once per session).

use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::status_bar::LangSwitch;
use crate::state::{self, Ctx};

#[component]
pub fn Login() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<&'static str>);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let res = state::sign_in(ctx, username.get_untracked(), password.get_untracked()).await;
            busy.set(false);
            let tr = ctx.lang.get_untracked().t();
            match res {
                Ok(()) => password.set(String::new()),
                Err(ApiError::Unauthorized { .. }) => error.set(Some(tr.bad_credentials)),
                Err(ApiError::Network) => error.set(Some(tr.sign_in_needs_network)),
                Err(ApiError::Server { .. }) => error.set(Some(tr.sign_in_needs_network)),
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
            <form on:submit=submit class="card">
                <h2>{move || t().sign_in_title}</h2>
                <label for="username">{move || t().username}</label>
                <input id="username" name="username" autocomplete="username" required
                    prop:value=move || username.get()
                    on:input=move |ev| username.set(event_target_value(&ev))/>
                <label for="password">{move || t().password}</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get()
                    on:input=move |ev| password.set(event_target_value(&ev))/>
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
