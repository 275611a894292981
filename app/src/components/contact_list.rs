//! The contacts on this device, newest first, each with its sync state.

use leptos::prelude::*;

use strada_shared::ids::DocId;

use crate::components::contact_detail::ContactDetail;
use crate::components::sync_state::DiscardButton;
use crate::state::{Ctx, RowStatus};

/// Contacts shown at first, and added by "show more".
const PAGE: usize = 50;

#[component]
pub fn ContactList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    // Long lists grow a page at a time: the DOM stays small with thousands of contacts.
    let shown = RwSignal::new(PAGE);
    let open = RwSignal::new(None::<DocId>);
    view! {
        <section class="card">
            <h2>
                {move || t().contacts}" "
                <span class="muted" data-testid="contact-count">
                    {move || ctx.records.with(|r| r.contacts.len())}
                </span>
            </h2>
            <Show when=move || ctx.records.with(|r| r.contacts.is_empty())>
                <p class="muted">{move || t().no_contacts}</p>
            </Show>
            <ul class="contacts" data-testid="contact-list">
                <For each=move || ctx.records.with(|r| r.contacts.iter().take(shown.get()).cloned().collect::<Vec<_>>()) key=|r| (r.id, format!("{:?}", r.status)) let:row>
                    {
                        let status_code = match &row.status {
                            RowStatus::Pending => "pending",
                            RowStatus::Synced => "synced",
                            RowStatus::Refused(_) => "refused",
                        };
                        let status = row.status;
                        let refused = matches!(row.status, RowStatus::Refused(_));
                        let alias = row.alias.clone();
                        let needs = row.needs.clone();
                        let when = row.occurred_at;
                        let people = row.people;
                        let id = row.id;
                        view! {
                            <li data-testid="contact-row" data-id=row.id.to_string() data-status=status_code>
                                <div class="row">
                                    <button class="link open" data-testid="open-contact" aria-expanded=move || (open.get() == Some(id)).to_string()
                                        on:click=move |_| open.set(if open.get_untracked() == Some(id) { None } else { Some(id) })>
                                        <strong>{move || alias.clone().unwrap_or_else(|| t().anonymous.to_string())}
                                            {(people > 1).then(|| format!(" · {people}"))}</strong>
                                    </button>
                                    <span class=format!("badge {status_code}")>
                                        {
                                            move || match &status {
                                                RowStatus::Pending => t().status_pending.to_string(),
                                                RowStatus::Synced => t().status_synced.to_string(),
                                                RowStatus::Refused(code) => format!("{}: {}", t().status_refused, t().refusal(*code)),
                                            }
                                        }
                                    </span>
                                </div>
                                <div class="small muted">
                                    {move || crate::util::format_local(when, ctx.lang.get())}
                                    " · "
                                    {move || needs.iter().map(|n| t().need(*n)).collect::<Vec<_>>().join(", ")}
                                </div>
                                <Show when=move || open.get() == Some(id)>
                                    <ContactDetail id=id/>
                                </Show>
                                {refused.then(|| view! { <DiscardButton id=id/> })}
                            </li>
                        }
                    }
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
