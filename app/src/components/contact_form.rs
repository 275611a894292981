//! Logging a contact: time and place fill themselves (the worker may correct or skip
//! the place), the person is an alias or anonymous, one or more first needs, a note.
//! Saving works offline and is instant: the document goes to IndexedDB first.

use leptos::prelude::*;
use strada_shared::domain::{NeedCategory, PersonRef, Place};
use strada_shared::schema::ContactDoc;

use crate::state::{self, Ctx};
use crate::util;

#[derive(Debug, Clone, Copy, PartialEq)]
enum PlaceState {
    Locating,
    Found,
    Unavailable,
    Skipped,
}

#[component]
pub fn ContactForm() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();

    let when = RwSignal::new(util::to_local_input(util::now_ms()));
    let place_state = RwSignal::new(PlaceState::Locating);
    let lat = RwSignal::new(String::new());
    let lon = RwSignal::new(String::new());
    let accuracy = RwSignal::new(None::<f64>);
    let anonymous = RwSignal::new(false);
    let alias = RwSignal::new(String::new());
    let needs = RwSignal::new(Vec::<NeedCategory>::new());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let saved = RwSignal::new(false);

    let locate = move || {
        place_state.set(PlaceState::Locating);
        leptos::task::spawn_local(async move {
            match crate::geo::current_position().await {
                Some(p) => {
                    lat.set(format!("{:.6}", p.lat));
                    lon.set(format!("{:.6}", p.lon));
                    accuracy.set(p.accuracy_m);
                    place_state.set(PlaceState::Found);
                }
                None => {
                    if place_state.get_untracked() == PlaceState::Locating {
                        place_state.set(PlaceState::Unavailable);
                    }
                }
            }
        });
    };
    locate();

    let reset = move || {
        when.set(util::to_local_input(util::now_ms()));
        alias.set(String::new());
        anonymous.set(false);
        needs.set(Vec::new());
        note.set(String::new());
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let tr = ctx.lang.get_untracked().t();
        let Some(session) = ctx.session.get_untracked() else {
            return;
        };
        let Some(occurred_at) = util::from_local_input(&when.get_untracked()) else {
            return error.set(Some(tr.err_time.into()));
        };
        let place = match place_state.get_untracked() {
            PlaceState::Skipped => None,
            _ => {
                let (la, lo) = (lat.get_untracked(), lon.get_untracked());
                if la.trim().is_empty() && lo.trim().is_empty() {
                    None
                } else {
                    match (
                        la.trim().replace(',', ".").parse::<f64>(),
                        lo.trim().replace(',', ".").parse::<f64>(),
                    ) {
                        (Ok(lat), Ok(lon)) => Some(Place {
                            lat,
                            lon,
                            accuracy_m: accuracy.get_untracked(),
                        }),
                        _ => return error.set(Some(tr.err_place.into())),
                    }
                }
            }
        };
        let person = if anonymous.get_untracked() {
            PersonRef::Anonymous
        } else {
            PersonRef::Alias(alias.get_untracked().trim().to_string())
        };
        let mut chosen = needs.get_untracked();
        chosen.sort();
        let contact = ContactDoc {
            id: util::new_doc_id(),
            occurred_at,
            place,
            person,
            needs: chosen,
            note: note.get_untracked().trim().to_string(),
            author: session.user.id,
            team: session.user.team.clone(),
        };
        if let Err(e) = contact.validate_entry() {
            return error.set(Some(tr.validation(&e).into()));
        }
        error.set(None);
        leptos::task::spawn_local(async move {
            match state::save_contact(ctx, contact).await {
                Ok(()) => {
                    saved.set(true);
                    reset();
                }
                Err(_) => error.set(Some(ctx.lang.get_untracked().t().err_save.into())),
            }
        });
    };

    let toggle_need = move |n: NeedCategory| {
        needs.update(|v| {
            if let Some(i) = v.iter().position(|x| *x == n) {
                v.remove(i);
            } else {
                v.push(n);
            }
        })
    };

    view! {
        <form class="card" on:submit=submit data-testid="contact-form">
            <h2>{move || t().new_contact}</h2>

            <label for="when">{move || t().when}</label>
            <input id="when" type="datetime-local" required
                prop:value=move || when.get() on:input=move |ev| when.set(event_target_value(&ev))/>

            <fieldset>
                <legend>{move || t().place}</legend>
                <p class="small muted" data-testid="place-status">
                    {move || match place_state.get() {
                        PlaceState::Locating => t().locating.to_string(),
                        PlaceState::Found => accuracy.get()
                            .map(|a| format!("{} ±{:.0} m", t().accuracy, a)).unwrap_or_default(),
                        PlaceState::Unavailable => t().place_unavailable.to_string(),
                        PlaceState::Skipped => t().place_skipped.to_string(),
                    }}
                </p>
                <Show when=move || place_state.get() != PlaceState::Skipped>
                    <div class="grid2">
                        <div>
                            <label for="lat">{move || t().latitude}</label>
                            <input id="lat" inputmode="decimal" prop:value=move || lat.get()
                                on:input=move |ev| { lat.set(event_target_value(&ev)); accuracy.set(None); }/>
                        </div>
                        <div>
                            <label for="lon">{move || t().longitude}</label>
                            <input id="lon" inputmode="decimal" prop:value=move || lon.get()
                                on:input=move |ev| { lon.set(event_target_value(&ev)); accuracy.set(None); }/>
                        </div>
                    </div>
                </Show>
                <div class="row">
                    <button type="button" class="secondary" on:click=move |_| locate()>{move || t().use_my_position}</button>
                    <button type="button" class="secondary" data-testid="skip-place"
                        on:click=move |_| place_state.set(PlaceState::Skipped)>{move || t().skip_position}</button>
                </div>
            </fieldset>

            <fieldset>
                <legend>{move || t().person}</legend>
                <div class="row">
                    <label class="choice">
                        <input type="radio" name="person" prop:checked=move || !anonymous.get()
                            on:change=move |_| anonymous.set(false)/>
                        {move || t().person_alias}
                    </label>
                    <label class="choice">
                        <input type="radio" name="person" data-testid="person-anonymous" prop:checked=move || anonymous.get()
                            on:change=move |_| anonymous.set(true)/>
                        {move || t().person_anonymous}
                    </label>
                </div>
                <Show when=move || !anonymous.get()>
                    <label for="alias">{move || t().alias_label}</label>
                    <input id="alias" autocomplete="off" maxlength="80" placeholder=move || t().alias_hint
                        prop:value=move || alias.get() on:input=move |ev| alias.set(event_target_value(&ev))/>
                </Show>
            </fieldset>

            <fieldset>
                <legend>{move || t().needs}</legend>
                <div class="needs">
                    {NeedCategory::ALL.into_iter().map(|n| view! {
                        <label class="need">
                            <input type="checkbox" value=n.code() data-testid=format!("need-{}", n.code())
                                prop:checked=move || needs.with(|v| v.contains(&n))
                                on:change=move |_| toggle_need(n)/>
                            <span>{move || t().need(n)}</span>
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>

            <label for="note">{move || t().note}</label>
            <textarea id="note" rows="3" maxlength="4000" placeholder=move || t().note_hint
                prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>

            <Show when=move || error.get().is_some()>
                <p class="error" role="alert" data-testid="form-error">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <Show when=move || saved.get()>
                <p class="ok" role="status" data-testid="form-saved">{move || t().saved}</p>
            </Show>
            <button type="submit" class="primary big" data-testid="save-contact">{move || t().save_contact}</button>
        </form>
    }
}
