//! Live sync: a server-sent event stream tells the app the feed advanced, so it pulls at
//! once. Polling in `pages::app` stays the fallback when the stream is down.
//!
//! A ticket opens one stream once. When the stream breaks (the server restarted, the
//! network went), the browser would retry the same URL with the spent ticket and get 401;
//! so the stream is closed at its first error instead, and the next successful sync opens
//! a new one with a new ticket.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::api;
use crate::state::{self, Ctx};

/// An open stream and its listeners (dropped with it).
struct Stream {
    es: web_sys::EventSource,
    _on_feed: Closure<dyn Fn(web_sys::MessageEvent)>,
    _on_error: Closure<dyn Fn(web_sys::Event)>,
}

thread_local! {
    static STREAM: RefCell<Option<Stream>> = const { RefCell::new(None) };
    /// A ticket request is in flight: a second `connect` waits for it.
    static CONNECTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn is_open() -> bool {
    STREAM.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|s| s.es.ready_state() != web_sys::EventSource::CLOSED)
    })
}

/// Opens the event stream if it is not open (needs the network and a session).
pub async fn connect(ctx: Ctx) {
    if is_open() || CONNECTING.with(|c| c.replace(true)) {
        return;
    }
    open(ctx).await;
    CONNECTING.with(|c| c.set(false));
}

async fn open(ctx: Ctx) {
    let Some(session) = ctx.session.get_untracked() else {
        return;
    };
    let ticket = match api::events_ticket(&session.token).await {
        Ok(t) => t,
        Err(e) if e.is_revoked() => return state::on_revoked(ctx).await,
        Err(_) => return,
    };
    // Locked or signed out while the ticket was requested.
    if ctx.session.with_untracked(Option::is_none) {
        return;
    }
    let url = format!("/api/sync/events?ticket={}", ticket.ticket);
    let Ok(es) = web_sys::EventSource::new(&url) else {
        return;
    };
    let on_feed =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_e: web_sys::MessageEvent| {
            leptos::task::spawn_local(state::sync(ctx));
        });
    // The ticket is spent: never let the browser retry with it.
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |_e: web_sys::Event| disconnect());
    let _ = es.add_event_listener_with_callback("feed", on_feed.as_ref().unchecked_ref());
    let _ = es.add_event_listener_with_callback("error", on_error.as_ref().unchecked_ref());
    let new = Stream {
        es,
        _on_feed: on_feed,
        _on_error: on_error,
    };
    STREAM.with(|s| {
        if let Some(old) = s.borrow_mut().replace(new) {
            old.es.close();
        }
    });
}

/// Closes the stream (on an error, a lock or a sign-out).
pub fn disconnect() {
    // Taken out first: dropping the listeners while the browser runs one of them is
    // fine once the stream is closed and no longer borrowed here.
    let old = STREAM.with(|s| s.borrow_mut().take());
    if let Some(old) = old {
        old.es.close();
        // The error listener may be the one running: drop it after this task.
        leptos::task::spawn_local(async move { drop(old) });
    }
}
