//! The idle lock: after `Ctx::idle_lock_s` seconds without a pointer, touch or key
//! event, the app drops the data key and the records in memory and shows the unlock page.
//! A background tab's timers are throttled, so the check compares clock times: the lock
//! happens at the latest when the page runs again, before anything is shown.

use std::cell::Cell;
use std::time::Duration;

use leptos::prelude::*;

use crate::state::{self, Ctx, LockState};

/// How often the idle time is checked.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// The events that count as activity.
const ACTIVITY: &[&str] = &["pointerdown", "keydown", "touchstart", "wheel", "input"];

thread_local! {
    static LAST_ACTIVITY: Cell<f64> = const { Cell::new(0.0) };
}

/// Records activity now.
pub fn touch() {
    LAST_ACTIVITY.with(|t| t.set(js_sys::Date::now()));
}

/// Starts watching for inactivity while the component that calls it lives.
pub fn watch(ctx: Ctx) {
    touch();
    let listeners: Vec<_> = ACTIVITY
        .iter()
        .map(|name| window_event_listener_untyped(name, |_| touch()))
        .collect();
    let timer = set_interval_with_handle(
        move || {
            if ctx.lock.get_untracked() != LockState::Unlocked {
                return;
            }
            let idle_ms = js_sys::Date::now() - LAST_ACTIVITY.with(Cell::get);
            if idle_ms >= f64::from(ctx.idle_lock_s.get_untracked()) * 1000.0 {
                state::lock(ctx);
            }
        },
        CHECK_EVERY,
    )
    .ok();
    on_cleanup(move || {
        for l in listeners {
            l.remove();
        }
        if let Some(t) = timer {
            t.clear();
        }
    });
}
