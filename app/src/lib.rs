//! Strada's app: a Leptos CSR PWA that works offline, built as three WASM bundles from
//! this library (see ARCHITECTURE.md, "Two bundles and an engine"):
//! - `strada-app` (`src/main.rs`): the field app — sign-in, contacts, persons,
//!   referrals, services — what every phone downloads first;
//! - `strada-engine` (`src/bin/strada-engine.rs`): the field app's document engine
//!   (automerge, the sync loop), imported once a password is typed;
//! - `strada-central` (`src/bin/strada-central.rs`): the field app with the engine in
//!   its own module, plus the central office's workspace (`#/centrale`), loaded only at
//!   that address.
//!
//! # Layout
//! - [`i18n`]: the catalogue, generated from `app/i18n/<lang>.ftl` by `build.rs`.
//! - [`crypto`]: the device's data key and record encryption.
//! - [`store`]: IndexedDB (documents, summaries, settings), encrypted.
//! - [`idle`]: the idle lock.
//! - [`api`]: fetch calls to the server.
//! - [`engine`]: the document engine and the protocol that reaches it.
//! - [`state`]: shared signals and the sync loop.
//! - [`geo`]: the Geolocation API.
//! - [`directory`]: the services directory kept on the device.
//! - [`pages`]: one page per file; [`components`]: pieces shared by pages.

mod api;
mod components;
mod contact_entry;
mod crypto;
mod csv;
mod directory;
pub mod engine;
mod geo;
mod i18n;
mod idle;
mod live;
mod pages;
mod records;
mod state;
mod store;
mod teams;
mod util;

/// The central workspace, when this bundle carries it (see [`start_central`]).
static CENTRAL: std::sync::OnceLock<fn() -> leptos::prelude::AnyView> = std::sync::OnceLock::new();

/// The central workspace's page, if this bundle has it.
/// Whether this bundle carries the central workspace.
pub(crate) fn has_central() -> bool {
    CENTRAL.get().is_some()
}

pub(crate) fn central_page() -> Option<leptos::prelude::AnyView> {
    CENTRAL.get().map(|page| page())
}

fn start() {
    console_error_panic_hook::set_once();
    // Every change says when it was written (the review of conflicting values shows it).
    strada_shared::schema::set_clock(util::now_ms);
    leptos::mount::mount_to_body(pages::app::App);
}

/// The engine bundle (`strada-engine`): serves the field bundle's document calls.
pub fn start_engine() {
    console_error_panic_hook::set_once();
    store::engine_module();
    strada_shared::schema::set_clock(util::now_ms);
}

/// The engine bundle's listener: the page's function that takes its events.
pub fn engine_listen(f: js_sys::Function) {
    engine::set_listener(Box::new(move |json| {
        let _ = f.call1(&wasm_bindgen::JsValue::NULL, &json.into());
    }));
}

/// The field bundle: everything but the central workspace.
pub fn start_field() {
    start();
}

/// The central bundle: the field app and the central workspace.
pub fn start_central() {
    use leptos::prelude::IntoAny;
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.remove_item(pages::app::CENTRAL_RELOAD);
    }
    let _ = CENTRAL.set(|| leptos::view! { <pages::central::Central/> }.into_any());
    engine::use_local();
    start();
}
