//! The shell: restores the device state, keeps sync running, and shows the page that
//! fits the session and the address (`#/centrale` for the central records, `#/servizi`
//! for the services directory).

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::nav::{Tab, TabBar};
use crate::components::status_bar::StatusBar;
use crate::pages::{
    field::Field, login::Login, persons::Persons, referrals::Referrals, services::Services,
    unlock::Unlock,
};
use crate::state::{self, Ctx, LockState};

/// How often the app tries to sync while open.
const SYNC_EVERY: Duration = Duration::from_secs(8);

fn current_route() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Asks the waiting service worker to take over; the page reloads when it has (see
/// the registration script in `index.html`).
fn apply_update() {
    let Some(w) = web_sys::window() else { return };
    let _ = js_sys::Reflect::set(&w, &"stradaUpdating".into(), &true.into());
    match js_sys::Reflect::get(&w, &"stradaApplyUpdate".into())
        .map(|f| f.dyn_into::<js_sys::Function>())
    {
        Ok(Ok(f)) => {
            let _ = f.call0(&w);
        }
        _ => {
            let _ = w.location().reload();
        }
    }
}

/// Removes the static shell `index.html` paints before the WASM runs (brand and
/// "loading"), so the page that fits the device state takes its place in one frame.
fn remove_shell() {
    if let Some(shell) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("shell"))
    {
        shell.remove();
    }
}

#[component]
pub fn App() -> impl IntoView {
    let ctx = Ctx::new();
    provide_context(ctx);
    crate::engine::listen(ctx);
    let directory = crate::directory::provide();
    // After each successful sync, fetch the services directory if it may have changed.
    Effect::new(move |_| {
        if ctx.last_sync.get().is_some() && ctx.session.with(|s| s.is_some()) {
            leptos::task::spawn_local(crate::directory::refresh_if_due(ctx, directory));
        }
    });
    // The directory on the device is read once the store is unlocked, and forgotten
    // with everything else when the device locks.
    Effect::new(move |_| match ctx.lock.get() {
        LockState::Unlocked => {
            leptos::task::spawn_local(crate::directory::load_from_device(directory))
        }
        _ => directory.dir.set(None),
    });
    let ready = RwSignal::new(false);
    let route = RwSignal::new(current_route());
    // The page the address names: every address of the workspace is one page (it moves
    // between its tabs and records itself, without being drawn again).
    // The bare address is the workspace too where this bundle carries it (a first Back
    // from a tab, the bare address left behind, drew the workspace anew and lost its
    // search: found by a new user's walk).
    let page_route = Memo::new(move |_| {
        let r = route.get();
        if r.starts_with("#/centrale") || (r.is_empty() && crate::has_central()) {
            "#/centrale".to_string()
        } else {
            r
        }
    });

    leptos::task::spawn_local(async move {
        state::start(ctx).await;
        remove_shell();
        ready.set(true);
    });
    crate::idle::watch(ctx);

    // Sync by itself: when the network comes back, and periodically.
    let online = window_event_listener_untyped("online", move |_| {
        ctx.online.set(true);
        leptos::task::spawn_local(state::send_pending_signout(ctx));
        leptos::task::spawn_local(state::sync(ctx));
    });
    let offline = window_event_listener_untyped("offline", move |_| ctx.online.set(false));
    let hash = window_event_listener_untyped("hashchange", move |_| route.set(current_route()));
    let update =
        window_event_listener_untyped("strada-update", move |_| ctx.update_ready.set(true));
    let timer = set_interval_with_handle(
        move || {
            if ctx.signout_pending.get_untracked() {
                leptos::task::spawn_local(state::send_pending_signout(ctx));
            }
            leptos::task::spawn_local(state::sync(ctx));
        },
        SYNC_EVERY,
    )
    .ok();
    on_cleanup(move || {
        online.remove();
        offline.remove();
        hash.remove();
        update.remove();
        if let Some(t) = timer {
            t.clear();
        }
    });

    Effect::new(move |_| {
        let lang = ctx.lang.get();
        if let Some(doc) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = doc.set_attribute("lang", lang.code());
            let _ = doc.set_attribute("dir", if lang.rtl() { "rtl" } else { "ltr" });
        }
    });

    let t = move || ctx.lang.get().t();
    view! {
        // Until the device state is restored, the static shell of `index.html` shows.
        <Show when=move || ready.get()>
            <Show when=move || ctx.update_ready.get()>
                <div class="banner update" role="status">
                    {move || t().update_available}
                    " "
                    <button class="link" on:click=|_| apply_update()>
                        {move || t().reload}
                    </button>
                </div>
            </Show>
            <Show when=move || ctx.storage_error.get().is_some()>
                <div class="banner error" role="alert">{move || match ctx.storage_error.get() {
                    Some(crate::store::StoreError::Corrupt(_)) => t().storage_corrupt,
                    _ => t().storage_unavailable,
                }}</div>
            </Show>
            {move || match (ctx.lock.get(), ctx.session.get()) {
                (LockState::Starting, _) => view! { <p class="loading">{move || t().loading}</p> }.into_any(),
                (LockState::Locked, _) => view! { <Unlock/> }.into_any(),
                (LockState::NoKey, _) | (LockState::Unlocked, None) => view! { <Login/> }.into_any(),
                (LockState::Unlocked, Some(s)) => {
                    let r = page_route.get();
                    // A central role lands on the workspace: at its address, and at the
                    // bare one where this bundle carries it (`#/` is the field app's
                    // contact form, for them too).
                    let central = s.user.role.is_central()
                        && (r == "#/centrale" || (r.is_empty() && crate::has_central()));
                    let page = if central {
                        crate::central_page()
                            .unwrap_or_else(|| view! { <CentralElsewhere/> }.into_any())
                    } else {
                        match Tab::from_route(&r) {
                            Tab::Contacts => view! { <Field/> }.into_any(),
                            Tab::Persons => view! { <Persons/> }.into_any(),
                            Tab::Referrals => view! { <Referrals/> }.into_any(),
                            Tab::Services => view! { <Services/> }.into_any(),
                        }
                    };
                    // The workspace has tabs of its own; the field app's bar would cover
                    // the record's last lines and mark a field page as the current one.
                    // The central records' address typed by a role that has none: say so
                    // above the role's own page (a new user's walk: the contact form came
                    // without a word).
                    let refused = !s.user.role.is_central()
                        && route.get_untracked().starts_with("#/centrale");
                    view! {
                        <StatusBar/>
                        {refused.then(|| view! {
                            <p class="banner" role="status" data-testid="central-refused">{move || t().central_not_for_role}</p>
                        })}
                        <main>{page}</main>
                        {(!central).then(|| view! { <TabBar route=route/> })}
                    }
                    .into_any()
                }
            }}
        </Show>
    }
}

/// Set before the field bundle reloads the page for the central one, cleared when the
/// central bundle starts: a second reload would be a loop (the central bundle cannot
/// be fetched), so the page says so instead.
pub(crate) const CENTRAL_RELOAD: &str = "strada-central-reload";

/// Set (in `localStorage`) when a central role signs in: the loader in `index.html` then
/// starts the central bundle at any address of this browser, so that opening the
/// workspace never reloads the page (which would lock the device again).
pub(crate) const DESK: &str = "strada-desk";

/// `#/centrale` in the field bundle, which does not carry the workspace: the page
/// reloads, and the loader in `index.html` starts the central bundle at this address.
#[component]
fn CentralElsewhere() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let storage = web_sys::window().and_then(|w| w.session_storage().ok().flatten());
    // Offline, a reload cannot fetch the central bundle and only locks the device again
    // (a new user's walk: the first unlock after an offline reload seemed to fail): the
    // page says so at once, with the way to what this device keeps offline.
    let offline = web_sys::window().is_some_and(|w| !w.navigator().on_line());
    let tried = offline
        || storage
            .as_ref()
            .and_then(|s| s.get_item(CENTRAL_RELOAD).ok().flatten())
            .is_some();
    if !tried {
        if let Some(s) = &storage {
            let _ = s.set_item(CENTRAL_RELOAD, "1");
        }
        if let Some(w) = web_sys::window() {
            let _ = w.location().reload();
        }
    }
    view! {
        <p class=if tried { "error" } else { "loading" } role=if tried { "alert" } else { "status" }
            data-testid="central-unavailable">
            {move || if tried { t().central_unavailable } else { t().loading }}
        </p>
        {tried.then(|| view! {
            <p><a href="#/" data-testid="central-unavailable-field">{move || t().central_unavailable_field}</a></p>
        })}
    }
}
