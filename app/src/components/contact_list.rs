//! The contacts on this device, newest first, each with its sync state.

use leptos::prelude::*;

use strada_shared::ids::DocId;

use crate::components::contact_detail::ContactDetail;
use crate::components::later::progressive;
use crate::components::sync_state::DiscardButton;
use crate::state::{Ctx, RowStatus};

/// Contacts shown at first, and added by "show more".
const PAGE: usize = 50;
/// New rows drawn per browser task (a row is a few dozen elements).
pub const ROWS_PER_TASK: usize = 5;

#[component]
pub fn ContactList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    // Long lists grow a page at a time: the DOM stays small with thousands of contacts.
    let shown = RwSignal::new(PAGE);
    let open = RwSignal::new(None::<DocId>);
    let ids = Memo::new(move |_| {
        ctx.records.with(|r| {
            r.contacts
                .iter()
                .take(shown.get())
                .map(|c| c.id)
                .collect::<Vec<_>>()
        })
    });
    let rows = progressive(ids, ROWS_PER_TASK);
    view! {
        <section class="card">
            <h2>
                {move || t().contacts}" "
                <span class="muted" data-testid="contact-count">
                    {move || ctx.records.with(|r| r.contacts.len())}
                </span>
            </h2>
            <Show when=move || ctx.records.with(|r| r.contacts.is_empty())>
                // During a first sync the list is still coming: say so, not "none".
                <p class="muted" data-testid="contacts-empty">
                    {move || if ctx.first_sync.get() { t().contacts_loading } else { t().no_contacts }}
                </p>
            </Show>
            <ul class="contacts" data-testid="contact-list">
                // Rows are keyed by id and follow their contact: whatever a pull changes
                // (an alias erased by a withdrawal, a new need) is redrawn in place.
                <For each=move || rows.get() key=|id| *id let:id>
                    <ContactItem id=id open=open/>
                </For>
            </ul>
            <Show when=move || ctx.records.with(|r| r.contacts.len() > shown.get())>
                <button class="secondary" data-testid="show-more" on:click=move |_| shown.update(|n| *n += PAGE)>
                    {move || t().show_more}
                </button>
            </Show>
        </section>
    }
}

#[component]
fn ContactItem(id: DocId, open: RwSignal<Option<DocId>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let row = Memo::new(move |_| ctx.records.with(|r| r.contact(id).cloned()));
    let status = move || row.with(|r| r.as_ref().map_or(RowStatus::Pending, |r| r.status));
    view! {
        <li data-testid="contact-row" data-id=id.to_string() data-status=move || status().code()>
            <div class="row">
                <button class="link open" data-testid="open-contact" aria-expanded=move || (open.get() == Some(id)).to_string()
                    on:click=move |_| open.set(if open.get_untracked() == Some(id) { None } else { Some(id) })>
                    <strong>
                        // A group is a group, not one anonymous person (a new user's walk:
                        // twelve workers read «Anonimo · 12»).
                        {move || row.with(|r| r.as_ref().and_then(|r| r.alias.clone())).unwrap_or_else(|| {
                            let people = row.with(|r| r.as_ref().map_or(1, |r| r.people));
                            if people > 1 { t().group.to_string() } else { t().anonymous.to_string() }
                        })}
                        {move || {
                            let people = row.with(|r| r.as_ref().map_or(1, |r| r.people));
                            (people > 1).then(|| format!(" · {people}"))
                        }}
                    </strong>
                </button>
                <span class=move || format!("badge {}", status().code())>
                    {move || match status() {
                        RowStatus::Pending => t().status_pending.to_string(),
                        RowStatus::Synced => t().status_synced.to_string(),
                        RowStatus::Refused(code) => format!("{}: {}", t().status_refused, t().refusal(code)),
                    }}
                </span>
            </div>
            <div class="small muted">
                {move || row.with(|r| r.as_ref().map(|r| crate::util::format_local(r.occurred_at, ctx.lang.get())))}
                " · "
                {move || row.with(|r| r.as_ref().map(|r| r.needs.iter().map(|n| t().need(*n)).collect::<Vec<_>>().join(", ")))}
            </div>
            <Show when=move || open.get() == Some(id)>
                <ContactDetail id=id/>
            </Show>
            <Show when=move || matches!(status(), RowStatus::Refused(_))>
                <DiscardButton id=id/>
            </Show>
        </li>
    }
}
