//! Strada's field app: a Leptos CSR PWA that works offline.
//!
//! # Layout
//! - [`i18n`]: the catalogue, generated from `app/i18n/<lang>.ftl` by `build.rs`.
//! - [`crypto`]: the device's data key and record encryption.
//! - [`store`]: IndexedDB (documents, summaries, settings), encrypted.
//! - [`idle`]: the idle lock.
//! - [`api`]: fetch calls to the server.
//! - [`state`]: shared signals and the sync loop.
//! - [`geo`]: the Geolocation API.
//! - [`directory`]: the services directory kept on the device.
//! - [`pages`]: one page per file; [`components`]: pieces shared by pages.

mod api;
mod components;
mod contact_entry;
mod crypto;
mod directory;
mod geo;
mod i18n;
mod idle;
mod live;
mod pages;
mod records;
mod state;
mod store;
mod util;

fn main() {
    console_error_panic_hook::set_once();
    // Every change says when it was written (the review of conflicting values shows it).
    strada_shared::schema::set_clock(util::now_ms);
    leptos::mount::mount_to_body(pages::app::App);
}
