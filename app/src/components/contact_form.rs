//! Logging a contact: who (a known person picked from recent ones or by search, a new
//! person with their consent, anonymous, or a group), first needs — each of which can
//! become a referral — then optional details (channel, sector, ILO indicators, materials,
//! language and mediator, follow-up), time and place, a note. Saving works offline and
//! is instant: the documents go to IndexedDB first, in one transaction.

use leptos::prelude::*;
use strada_shared::domain::{DocumentStatus, LANGUAGES, NeedCategory, Place};
use strada_shared::ids::DocId;
use strada_shared::vocab::{Channel, Code, ConsentStatus, Indicator, Material, Sector};

use crate::components::later::Later;
use crate::components::saved_places::{SavedPlace, SavedPlaces};
use crate::components::service_picker::ServicePicker;
use crate::contact_entry::{self, ContactEntry, EntryError, NewContact, WhoEntry};
use crate::state::{self, Ctx};
use crate::util;

#[derive(Debug, Clone, Copy, PartialEq)]
enum PlaceState {
    Locating,
    Found,
    Unavailable,
    Skipped,
}

/// Who the contact is with.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Person,
    Anonymous,
    Group,
}

/// Whether the `<details>` element a `toggle` event comes from is now open.
fn details_open(ev: &leptos::ev::Event) -> bool {
    ev.target()
        .and_then(|t| js_sys::Reflect::get(&t, &"open".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// How far ahead of this device's clock a contact's time may be (a clock a little
/// off, a form opened before the hour turned).
const FUTURE_SLACK_MS: i64 = 3_600_000;

#[component]
pub fn ContactForm() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();

    let when = RwSignal::new(util::to_local_input(util::now_ms()));
    let place_state = RwSignal::new(PlaceState::Locating);
    let lat = RwSignal::new(String::new());
    let lon = RwSignal::new(String::new());
    let accuracy = RwSignal::new(None::<f64>);
    let who = RwSignal::new(Who::Person);
    let alias = RwSignal::new(String::new());
    let picked = RwSignal::new(None::<(DocId, String)>);
    let consent = RwSignal::new(None::<ConsentStatus>);
    // Consent covers the PUA; sharing with the services the person is referred to is a
    // separate choice.
    let share_with_services = RwSignal::new(true);
    let group_people = RwSignal::new(String::from("2"));
    let group_women = RwSignal::new(String::new());
    let group_men = RwSignal::new(String::new());
    let group_minors = RwSignal::new(String::new());
    let needs = RwSignal::new(Vec::<NeedCategory>::new());
    // Referrals to make: need → (directory service id, service name).
    let referrals = RwSignal::new(Vec::<(NeedCategory, Option<String>, String)>::new());
    let referring = RwSignal::new(None::<NeedCategory>);
    let channel = RwSignal::new(Channel::Street);
    let sector = RwSignal::new(None::<Sector>);
    let workplace = RwSignal::new(String::new());
    let indicators = RwSignal::new(Vec::<(Indicator, String)>::new());
    let materials = RwSignal::new(Vec::<Material>::new());
    let language = RwSignal::new(String::new());
    let mediator = RwSignal::new(false);
    let follow_up = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    // The optional sections are built when first opened: a lighter form to start with.
    let details_open_sig = RwSignal::new(false);
    let indicators_open = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    // What is wrong with «Quando», said under it (a new user's walk: a contact dated
    // 2027 was saved, then refused by the server, and could only be discarded).
    let when_error = RwSignal::new(None::<&'static str>);
    // The group's counts do not add up.
    let group_error = RwSignal::new(false);
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
                    if place_state.try_get_untracked() == Some(PlaceState::Locating) {
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
        picked.set(None);
        consent.set(None);
        who.set(Who::Person);
        needs.set(Vec::new());
        referrals.set(Vec::new());
        referring.set(None);
        indicators.set(Vec::new());
        materials.set(Vec::new());
        sector.set(None);
        workplace.set(String::new());
        mediator.set(false);
        follow_up.set(false);
        note.set(String::new());
    };

    let current_place = move || -> Result<Option<Place>, ()> {
        if place_state.get_untracked() == PlaceState::Skipped {
            return Ok(None);
        }
        contact_entry::parse_place(
            &lat.get_untracked(),
            &lon.get_untracked(),
            accuracy.get_untracked(),
        )
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let tr = ctx.lang.get_untracked().t();
        let Some(session) = ctx.session.get_untracked() else {
            return;
        };
        let wrong_when = |message: &'static str| {
            when_error.set(Some(message));
            error.set(Some(message.into()));
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("when"))
                .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = el.focus();
            }
        };
        let Some(occurred_at) = util::from_local_input(&when.get_untracked()) else {
            return wrong_when(tr.err_time);
        };
        // A contact is logged once it happened: a time ahead of this device's clock by
        // more than an hour is a slip (the server refuses a day ahead, and a refused
        // contact can only be discarded).
        if occurred_at > util::now_ms() + FUTURE_SLACK_MS {
            return wrong_when(tr.err_time_future);
        }
        when_error.set(None);
        let Ok(place) = current_place() else {
            return error.set(Some(tr.err_place.into()));
        };
        let who = match who.get_untracked() {
            Who::Anonymous => WhoEntry::Anonymous,
            Who::Group => WhoEntry::Group {
                people: group_people.get_untracked(),
                women: group_women.get_untracked(),
                men: group_men.get_untracked(),
                minors: group_minors.get_untracked(),
            },
            Who::Person => match picked.get_untracked() {
                Some((id, alias)) => WhoEntry::Known {
                    id,
                    alias,
                    team: ctx
                        .records
                        .with_untracked(|r| r.person(id).and_then(|p| p.team.clone())),
                },
                None => WhoEntry::New {
                    alias: alias.get_untracked(),
                    consent: consent.get_untracked(),
                    share_with_services: share_with_services.get_untracked(),
                },
            },
        };
        let entry = ContactEntry {
            occurred_at,
            place,
            who,
            needs: needs.get_untracked(),
            referrals: referrals.get_untracked(),
            channel: channel.get_untracked(),
            sector: sector.get_untracked(),
            workplace: workplace.get_untracked(),
            indicators: indicators.get_untracked(),
            materials: materials.get_untracked(),
            language: language.get_untracked(),
            mediator: mediator.get_untracked(),
            follow_up: follow_up.get_untracked(),
            note: note.get_untracked(),
        };
        let author = contact_entry::Author {
            user: session.user.id,
            team: session.user.team.clone(),
            now: util::now_ms(),
        };
        let NewContact {
            contact,
            person: new_person,
            referrals: refs,
        } = match contact_entry::build(entry, &author, util::new_doc_id) {
            Ok(built) => built,
            Err(EntryError::NoWho) => return error.set(Some(tr.err_who.into())),
            Err(EntryError::ConsentMissing) => {
                return error.set(Some(tr.err_consent_missing.into()));
            }
            // The group's counts: said under them, the first one focused (a new user's
            // walk: the message stood a screen below, above «Salva»).
            Err(EntryError::Invalid(strada_shared::schema::ValidationError::Group)) => {
                group_error.set(true);
                error.set(Some(tr.err_group.into()));
                if let Some(el) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("group-people"))
                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                {
                    let _ = el.focus();
                }
                return;
            }
            Err(EntryError::Invalid(e)) => return error.set(Some(tr.validation(&e).into())),
        };
        error.set(None);
        group_error.set(false);
        leptos::task::spawn_local(async move {
            match state::save_contact(ctx, contact, new_person, refs).await {
                Ok(()) => {
                    saved.set(true);
                    reset();
                }
                Err(e) => error.set(Some(e.message(ctx.lang.get_untracked().t()).into())),
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

    // Persons offered: the recent ones, or those matching what is typed.
    let matches = Memo::new(move |_| {
        let q = alias.get();
        ctx.records.with(|r| r.search(&q, 5))
    });

    // What the services picker ranks with: the place, the person's languages (and the
    // one used now), the person's document situation.
    let picker_place = Signal::derive(move || {
        lat.track();
        lon.track();
        current_place().ok().flatten()
    });
    let picked_row = move || {
        picked
            .with(|p| p.as_ref().map(|(id, _)| *id))
            .and_then(|id| ctx.records.with(|r| r.person(id).cloned()))
    };
    let picker_languages = Signal::derive(move || {
        let mut v = picked_row().map(|p| p.languages).unwrap_or_default();
        let l = language.get();
        if !l.is_empty() && !v.contains(&l) {
            v.push(l);
        }
        v
    });
    let picker_documents =
        Signal::derive(move || picked_row().map_or(DocumentStatus::Unknown, |p| p.documents));

    view! {
        // "Saved" is about the contact just saved: gone once the next one is begun.
        <form class="card" on:submit=submit data-testid="contact-form"
            on:input=move |_| saved.set(false) on:change=move |_| saved.set(false)>
            <h2>{move || t().new_contact}</h2>

            <fieldset>
                <legend>{move || t().person}</legend>
                <div class="seg" role="group">
                    {[(Who::Person, "who-person"), (Who::Anonymous, "person-anonymous"), (Who::Group, "who-group")]
                        .into_iter()
                        .map(|(w, id)| view! {
                            <label class="choice">
                                <input type="radio" name="who" data-testid=id prop:checked=move || who.get() == w
                                    on:change=move |_| who.set(w)/>
                                {move || match w {
                                    Who::Person => t().person_alias,
                                    Who::Anonymous => t().person_anonymous,
                                    Who::Group => t().group,
                                }}
                            </label>
                        })
                        .collect_view()}
                </div>
                <Show when=move || who.get() == Who::Person>
                    {move || match picked.get() {
                        Some((_, name)) => view! {
                            <p class="picked" data-testid="picked-person">
                                <strong>{name}</strong>" "
                                <button type="button" class="link" on:click=move |_| picked.set(None)>
                                    {move || t().change}
                                </button>
                            </p>
                        }.into_any(),
                        None => view! {
                            <label for="alias">{move || t().alias_label}</label>
                            // The hint stays visible under the field, not as a placeholder: at
                            // 360 px a placeholder was cut (a new user's walk), and it goes
                            // when the worker starts typing.
                            <input id="alias" autocomplete="off" maxlength="80" aria-describedby="alias-hint"
                                prop:value=move || alias.get() on:input=move |ev| alias.set(event_target_value(&ev))/>
                            <small id="alias-hint" class="field-hint muted">{move || t().alias_hint}</small>
                            // The persons offered come a task later than the input.
                            <Later>
                            <ul class="choices" data-testid="person-matches">
                                <For each=move || matches.get() key=|p| p.id let:p>
                                    {
                                        let name = p.aliases.first().cloned().unwrap_or_default();
                                        let others = p.aliases.iter().skip(1).cloned().collect::<Vec<_>>().join(", ");
                                        let last = p.last_contacts.first().map(|(at, _)| *at);
                                        // Country and birth year tell namesakes apart where
                                        // the choice is made (a new user's walk: four «Kwame»
                                        // rows differed only by their last meeting).
                                        let (country, born) = (p.country.clone(), p.birth_year.map(|y| (y, p.birth_year_estimated)));
                                        // Merged into another team's person: said here too
                                        // (a new user's walk: two «Drissa», one of them
                                        // merged away, looked alike).
                                        let merged = p.merged_into.is_some();
                                        let id = p.id;
                                        let pick_name = name.clone();
                                        view! {
                                            <li>
                                                <button type="button" class="pick" data-testid="pick-person" data-id=id.to_string()
                                                    on:click=move |_| picked.set(Some((id, pick_name.clone())))>
                                                    <strong>{name}</strong>
                                                    {(!others.is_empty()).then(|| view! { <span class="small muted">" ("{others.clone()}")"</span> })}
                                                    <span class="small muted block" data-testid="pick-person-facts">
                                                        {move || {
                                                            let tr = t();
                                                            let mut facts: Vec<String> = Vec::new();
                                                            let c = tr.country(&country);
                                                            if !country.is_empty() && !c.is_empty() {
                                                                facts.push(c.to_string());
                                                            }
                                                            if let Some((y, estimated)) = born {
                                                                let year = if estimated { format!("{y} {}", tr.ws_estimated) } else { y.to_string() };
                                                                facts.push(tr.born_in.with("year", &year));
                                                            }
                                                            if let Some(ms) = last {
                                                                facts.push(tr.last_met.with("date", &util::format_local(ms, ctx.lang.get())));
                                                            }
                                                            if merged {
                                                                facts.push(tr.pick_merged_elsewhere.to_string());
                                                            }
                                                            facts.join(" · ")
                                                        }}
                                                    </span>
                                                </button>
                                            </li>
                                        }
                                    }
                                </For>
                            </ul>
                            </Later>
                            <Show when=move || !alias.get().trim().is_empty()>
                                <fieldset class="consent" data-testid="consent">
                                    <legend>{move || t().consent_question}</legend>
                                    <label class="choice">
                                        <input type="radio" name="consent" data-testid="consent-given"
                                            prop:checked=move || consent.get() == Some(ConsentStatus::Given)
                                            on:change=move |_| consent.set(Some(ConsentStatus::Given))/>
                                        {move || t().consent_given}
                                    </label>
                                    <label class="choice">
                                        <input type="radio" name="consent" data-testid="consent-refused"
                                            prop:checked=move || consent.get() == Some(ConsentStatus::Refused)
                                            on:change=move |_| consent.set(Some(ConsentStatus::Refused))/>
                                        {move || t().consent_refused}
                                    </label>
                                    <Show when=move || consent.get() == Some(ConsentStatus::Given)>
                                        <label class="choice">
                                            <input type="checkbox" data-testid="consent-share-services"
                                                prop:checked=move || share_with_services.get()
                                                on:change=move |_| share_with_services.update(|v| *v = !*v)/>
                                            {move || t().consent_share_services}
                                        </label>
                                    </Show>
                                    <Show when=move || consent.get() == Some(ConsentStatus::Refused)>
                                        <p class="small muted">{move || t().consent_refused_hint}</p>
                                    </Show>
                                </fieldset>
                            </Show>
                        }.into_any(),
                    }}
                </Show>
                <Show when=move || who.get() == Who::Group>
                    <div class="grid4">
                        {[(group_people, "group-people", 0u8), (group_women, "group-women", 1), (group_men, "group-men", 2), (group_minors, "group-minors", 3)]
                            .into_iter()
                            .map(|(sig, id, which)| view! {
                                <div>
                                    <label for=id>{move || match which { 0 => t().group_people, 1 => t().group_women, 2 => t().group_men, _ => t().group_minors }}</label>
                                    <input id=id type="number" min="0" max="500" inputmode="numeric"
                                        aria-invalid=move || group_error.get().then_some("true")
                                        aria-describedby=move || group_error.get().then_some("group-error")
                                        prop:value=move || sig.get() on:input=move |ev| { group_error.set(false); sig.set(event_target_value(&ev)) }/>
                                </div>
                            })
                            .collect_view()}
                    </div>
                    <Show when=move || group_error.get()>
                        <p class="error" id="group-error" data-testid="group-error">{move || t().err_group}</p>
                    </Show>
                </Show>
            </fieldset>

            // The needs in a task of their own (the first task stays short on a slow phone).
            <Later>
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
                <ul class="referrals-draft">
                    <For each=move || needs.get() key=|n| *n let:n>
                        <li data-testid=format!("referral-draft-{}", n.code())>
                            <span>{move || t().need(n)}</span>" → "
                            {move || match referrals.with(|r| r.iter().find(|x| x.0 == n).map(|x| x.2.clone())) {
                                Some(name) => view! {
                                    <strong data-testid="referral-chosen">{name}</strong>" "
                                    <button type="button" class="link" on:click=move |_| referrals.update(|r| r.retain(|x| x.0 != n))>
                                        {move || t().remove}
                                    </button>
                                }.into_any(),
                                None => view! {
                                    <button type="button" class="secondary" data-testid=format!("refer-{}", n.code())
                                        on:click=move |_| referring.set(if referring.get_untracked() == Some(n) { None } else { Some(n) })>
                                        {move || t().refer_to_service}
                                    </button>
                                }.into_any(),
                            }}
                            <Show when=move || referring.get() == Some(n) && referrals.with(|r| !r.iter().any(|x| x.0 == n))>
                                <ReferralTarget need=n place=picker_place languages=picker_languages documents=picker_documents on_pick=Callback::new(move |(id, name): (Option<String>, String)| {
                                    referrals.update(|r| { r.retain(|x| x.0 != n); r.push((n, id, name)); });
                                    referring.set(None);
                                })/>
                            </Show>
                        </li>
                    </For>
                </ul>
            </fieldset>
            </Later>

            // The rest of the form is drawn in later tasks.
            <Later>
            <details class="more" on:toggle=move |ev| details_open_sig.set(details_open(&ev))>
                <summary>{move || t().contact_details}</summary>
                <Show when=move || details_open_sig.get()>
                <label for="channel">{move || t().channel}</label>
                <select id="channel" on:change=move |ev| {
                    if let Some(c) = Channel::from_code(&event_target_value(&ev)) { channel.set(c) }
                }>
                    {Channel::ALL.iter().map(|c| view! {
                        <option value=c.code() selected=move || channel.get() == *c>{move || t().channel_name(*c)}</option>
                    }).collect_view()}
                </select>
                <label for="sector">{move || t().sector}</label>
                <select id="sector" on:change=move |ev| sector.set(Sector::from_code(&event_target_value(&ev)))>
                    <option value="" selected=move || sector.get().is_none()>{move || t().not_said}</option>
                    {Sector::ALL.iter().map(|s| view! {
                        <option value=s.code() selected=move || sector.get() == Some(*s)>{move || t().sector_name(*s)}</option>
                    }).collect_view()}
                </select>
                <label for="workplace">{move || t().workplace}</label>
                <input id="workplace" maxlength="500" placeholder=move || t().workplace_hint
                    prop:value=move || workplace.get() on:input=move |ev| workplace.set(event_target_value(&ev))/>
                <label for="language">{move || t().language_used}</label>
                <select id="language" on:change=move |ev| language.set(event_target_value(&ev))>
                    <option value="" selected=move || language.get().is_empty()>{move || t().not_said}</option>
                    {LANGUAGES.iter().map(|(code, name)| view! {
                        <option value=*code lang=*code selected=move || language.get() == *code>{*name}</option>
                    }).collect_view()}
                </select>
                <label class="choice">
                    <input type="checkbox" data-testid="mediator" prop:checked=move || mediator.get()
                        on:change=move |_| mediator.update(|m| *m = !*m)/>
                    {move || t().mediator_present}
                </label>
                <label class="choice">
                    <input type="checkbox" data-testid="follow-up" prop:checked=move || follow_up.get()
                        on:change=move |_| follow_up.update(|m| *m = !*m)/>
                    {move || t().follow_up_needed}
                </label>
                <fieldset>
                    <legend>{move || t().materials}</legend>
                    <div class="needs">
                        {Material::ALL.iter().map(|m| {
                            let m = *m;
                            view! {
                                <label class="need">
                                    <input type="checkbox" data-testid=format!("material-{}", m.code())
                                        prop:checked=move || materials.with(|v| v.contains(&m))
                                        on:change=move |_| materials.update(|v| if let Some(i) = v.iter().position(|x| *x == m) { v.remove(i); } else { v.push(m); strada_shared::sort::sort(v); })/>
                                    <span>{move || t().material_name(m)}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                </Show>
            </details>

            <details class="more" on:toggle=move |ev| indicators_open.set(details_open(&ev))>
                <summary>{move || t().indicators}{move || { let n = indicators.with(Vec::len); if n > 0 { format!(" ({n})") } else { String::new() } }}</summary>
                <Show when=move || indicators_open.get()>
                <p class="small muted">{move || t().indicators_hint}</p>
                <IndicatorList indicators=indicators prefix="indicator"/>
                </Show>
            </details>

            </Later>
            // Each section below in a task of its own (the date field alone is costly).
            <Later>
            <details class="more" open>
                <summary>{move || t().when_and_where}</summary>
                <label for="when">{move || t().when}</label>
                <input id="when" type="datetime-local" required
                    aria-invalid=move || when_error.get().map(|_| "true")
                    aria-describedby=move || when_error.get().map(|_| "when-error")
                    node_ref=crate::components::typed::follows(move || when.get())
                    on:input=move |ev| { when_error.set(None); when.set(event_target_value(&ev)) }/>
                <Show when=move || when_error.get().is_some()>
                    <p class="error" id="when-error" data-testid="when-error">{move || when_error.get().unwrap_or_default()}</p>
                </Show>
                <p class="small muted">{move || t().place}": "<span data-testid="place-status">
                    {move || match place_state.get() {
                        PlaceState::Locating => t().locating.to_string(),
                        PlaceState::Found => accuracy.get()
                            .map(|a| format!("{} ±{:.0} m", t().accuracy, a)).unwrap_or_default(),
                        PlaceState::Unavailable => t().place_unavailable.to_string(),
                        PlaceState::Skipped => t().place_skipped.to_string(),
                    }}
                </span></p>
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
                <SavedPlaces
                    current=Signal::derive(move || picker_place.get().map(|p| (p.lat, p.lon)))
                    on_pick=Callback::new(move |p: SavedPlace| {
                        lat.set(format!("{:.6}", p.lat));
                        lon.set(format!("{:.6}", p.lon));
                        accuracy.set(None);
                        place_state.set(PlaceState::Found);
                    })/>
                <div class="row">
                    <button type="button" class="secondary" on:click=move |_| locate()>{move || t().use_my_position}</button>
                    <button type="button" class="secondary" data-testid="skip-place"
                        on:click=move |_| place_state.set(PlaceState::Skipped)>{move || t().skip_position}</button>
                </div>
            </details>

            </Later>
            <Later>
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
            </Later>
        </form>
    }
}

/// Where a need is referred: the best services of the directory on the device for this
/// need, place, language and document situation (one tap), or a service typed by name.
/// The indicators of exploitation to tick, each ticked one with its note: the contact
/// form's and its correction's (`prefix` starts each box's test id: `{prefix}-{code}`,
/// its note's `{prefix}-note-{code}`).
#[component]
pub fn IndicatorList(
    indicators: RwSignal<Vec<(Indicator, String)>>,
    prefix: &'static str,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    view! {
        <ul class="indicators">
            {Indicator::ALL.iter().map(|i| {
                let i = *i;
                let on = move || indicators.with(|v| v.iter().any(|x| x.0 == i));
                view! {
                    <li>
                        <label class="choice">
                            <input type="checkbox" data-testid=format!("{prefix}-{}", i.code()) prop:checked=on
                                on:change=move |_| indicators.update(|v| if let Some(p) = v.iter().position(|x| x.0 == i) { v.remove(p); } else { v.push((i, String::new())); strada_shared::sort::sort_by_key(v, |x| x.0); })/>
                            {move || t().indicator_name(i)}
                        </label>
                        <Show when=on>
                            <input class="note-inline" maxlength="500" data-testid=format!("{prefix}-note-{}", i.code())
                                aria-label=move || format!("{}: {}", t().indicator_note, t().indicator_name(i))
                                placeholder=move || t().indicator_note
                                prop:value=move || indicators.with(|v| v.iter().find(|x| x.0 == i).map(|x| x.1.clone()).unwrap_or_default())
                                on:input=move |ev| { let val = event_target_value(&ev); indicators.update(|v| if let Some(x) = v.iter_mut().find(|x| x.0 == i) { x.1 = val.clone(); }) }/>
                        </Show>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn ReferralTarget(
    need: NeedCategory,
    place: Signal<Option<Place>>,
    languages: Signal<Vec<String>>,
    documents: Signal<DocumentStatus>,
    on_pick: Callback<(Option<String>, String)>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let name = RwSignal::new(String::new());
    let id = format!("partner-{}", need.code());
    view! {
        <div class="referral-target">
            <ServicePicker need=need place=place languages=languages documents=documents
                on_pick=Callback::new(move |(id, name): (String, String)| on_pick.run((Some(id), name)))/>
            <label for=id.clone()>{move || t().service_other}</label>
            <div class="row">
                <input id=id maxlength="120" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))/>
                <button type="button" class="secondary" data-testid="referral-ok" on:click=move |_| {
                    let n = name.get_untracked().trim().to_string();
                    if !n.is_empty() { on_pick.run((None, n)); }
                }>{move || t().ok}</button>
            </div>
        </div>
    }
}
