//! A document's sync state where lists show it: waiting, or refused with the server's
//! reason and the way to discard the change (after a confirmation).

use leptos::prelude::*;
use strada_shared::ids::DocId;

use crate::state::{Ctx, RowStatus};

/// Discards a refused change after the worker confirms.
#[component]
pub fn DiscardButton(id: DocId) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    view! {
        <button class="secondary" data-testid="discard-change" on:click=move |_| {
            let sure = web_sys::window()
                .and_then(|w| w.confirm_with_message(t().discard_confirm).ok())
                .unwrap_or(false);
            if sure {
                leptos::task::spawn_local(crate::state::discard(ctx, id));
            }
        }>{move || t().discard_change}</button>
    }
}

/// Nothing when synced; a badge when waiting; the reason and [`DiscardButton`] when
/// refused. Follows the row's state as it changes.
#[component]
pub fn SyncState(id: DocId, #[prop(into)] status: Signal<RowStatus>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    move || {
        match status.get() {
        RowStatus::Synced => ().into_any(),
        RowStatus::Pending => view! {
            <span class="badge pending">{move || t().status_pending}</span>
        }
        .into_any(),
        RowStatus::Refused(code) => view! {
            <p class="small">
                <span class="badge refused">{move || format!("{}: {}", t().status_refused, t().refusal(code))}</span>
                " "
                <DiscardButton id=id/>
            </p>
        }
        .into_any(),
    }
    }
}
