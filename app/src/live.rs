//! Live sync: a server-sent event stream tells the app the feed advanced, so it pulls at
//! once. Polling in `pages::app` stays the fallback when the stream is down.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::api;
use crate::state::{self, Ctx};

thread_local! {
    static STREAM: RefCell<Option<web_sys::EventSource>> = const { RefCell::new(None) };
}

fn is_open() -> bool {
    STREAM.with(|s| {
        s.borrow()
            .as_ref()
            .is_some_and(|es| es.ready_state() != web_sys::EventSource::CLOSED)
    })
}

/// Opens the event stream if it is not open (needs the network and a session).
pub async fn connect(ctx: Ctx) {
    if is_open() {
        return;
    }
    let Some(session) = ctx.session.get_untracked() else {
        return;
    };
    let ticket = match api::events_ticket(&session.token).await {
        Ok(t) => t,
        Err(e) if e.is_revoked() => return state::on_revoked(ctx).await,
        Err(_) => return,
    };
    let url = format!("/api/sync/events?ticket={}", ticket.ticket);
    let Ok(es) = web_sys::EventSource::new(&url) else {
        return;
    };
    let on_feed =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |_e: web_sys::MessageEvent| {
            leptos::task::spawn_local(state::sync(ctx));
        });
    let _ = es.add_event_listener_with_callback("feed", on_feed.as_ref().unchecked_ref());
    // The stream lives as long as the page: the closure is leaked on purpose, once.
    on_feed.forget();
    STREAM.with(|s| {
        if let Some(old) = s.borrow_mut().replace(es) {
            old.close();
        }
    });
}

/// Closes the stream (on sign-out).
pub fn disconnect() {
    STREAM.with(|s| {
        if let Some(es) = s.borrow_mut().take() {
            es.close();
        }
    });
}
