//! Persons: search by any alias (case, diacritics and transliteration forgiven), each
//! result with the last contacts so the worker recognises the person; open one to
//! complete what is known, add aliases, or record that consent was withdrawn.

use leptos::prelude::*;
use strada_shared::domain::{DocumentStatus, LANGUAGES};
use strada_shared::ids::DocId;
use strada_shared::schema::PersonDoc;
use strada_shared::vocab::{Code, ConsentStatus, Gender};

use crate::components::contact_list::ROWS_PER_TASK;
use crate::components::in_review::InReview;
use crate::components::later::{Later, progressive};
use crate::components::sync_state::SyncState;
use crate::state::{self, Ctx, RowStatus};
use crate::util;

#[component]
pub fn Persons() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let query = RwSignal::new(String::new());
    let open = RwSignal::new(None::<DocId>);
    let results = Memo::new(move |_| {
        let q = query.get();
        ctx.records.with(|r| {
            r.search(&q, 50)
                .into_iter()
                .map(|p| p.id)
                .collect::<Vec<_>>()
        })
    });
    let rows = progressive(results, ROWS_PER_TASK);
    let central = ctx
        .session
        .get_untracked()
        .is_some_and(|s| s.user.role.is_central());
    view! {
        <section class="card">
            <h2>{move || t().persons}</h2>
            <label for="person-search">{move || t().search_person}</label>
            <input id="person-search" type="search" autocomplete="off" data-testid="person-search"
                placeholder=move || t().search_person_hint
                prop:value=move || query.get() on:input=move |ev| query.set(event_target_value(&ev))/>
            <Show when=move || results.with(Vec::is_empty)>
                <p class="muted">
                    {move || if ctx.first_sync.get() && query.with(|q| q.trim().is_empty()) { t().persons_loading } else { t().no_persons }}
                </p>
                // A central device holds only what it keeps offline: a name not found
                // here may be in the central records (a new user's walk searched a
                // person not kept, offline, and was told only «no person found»).
                {move || (central && !query.with(|q| q.trim().is_empty())).then(|| view! {
                    <p class="hint" data-testid="persons-only-kept">{t().persons_only_kept}</p>
                })}
            </Show>
            <ul class="contacts" data-testid="person-results">
                // Keyed by id: a row follows its person (a pull, an edit) and an open
                // editor stays open while the row changes.
                <For each=move || rows.get() key=|id| *id let:id>
                    <PersonItem id=id open=open/>
                </For>
            </ul>
        </section>
    }
}

#[component]
fn PersonItem(id: DocId, open: RwSignal<Option<DocId>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let row = Memo::new(move |_| ctx.records.with(|r| r.person(id).cloned()));
    let field = move |f: fn(&crate::records::PersonRow) -> String| {
        row.with(|r| r.as_ref().map(f).unwrap_or_default())
    };
    let status =
        Signal::derive(move || row.with(|r| r.as_ref().map_or(RowStatus::Pending, |r| r.status)));
    view! {
        <li data-testid="person-row" data-status=move || status.get().code()>
            <button class="pick" on:click=move |_| open.set(if open.get_untracked() == Some(id) { None } else { Some(id) })>
                <strong>{move || field(|p| p.aliases.first().cloned().unwrap_or_default())}</strong>
                {move || {
                    let others = field(|p| p.aliases.iter().skip(1).cloned().collect::<Vec<_>>().join(", "));
                    (!others.is_empty()).then(|| view! { <span class="muted">" · "{others}</span> })
                }}
                <span class="small muted block">
                    {move || { let c = field(|p| p.country.clone()); t().country(&c) }}
                    // No separator before the languages when no country precedes them (a
                    // new user's check read «· sg, Singalese»).
                    {move || {
                        let langs = row.with(|r| r.as_ref().map(|p| t().language_list(&p.languages, ", ")).unwrap_or_default());
                        let after_country = !field(|p| p.country.clone()).trim().is_empty();
                        (!langs.is_empty()).then(|| if after_country { format!(" · {langs}") } else { langs })
                    }}
                    // The birth year tells namesakes apart (a new user's walk: three
                    // "Kwame" rows read the same).
                    {move || row.with(|r| r.as_ref().and_then(|p| p.birth_year.map(|y| {
                        let tr = t();
                        let year = if p.birth_year_estimated { format!("{y} {}", tr.ws_estimated) } else { y.to_string() };
                        let before = !p.country.trim().is_empty() || !p.languages.is_empty();
                        view! { {before.then_some(" · ")} <span data-testid="person-born">{tr.born_in.with("year", &year)}</span> }
                    })))}
                </span>
            </button>
            <SyncState id=id status=status/>
            // Two phones set a field apart: which value stands is the central office's
            // review; the worker is told which fields wait for it.
            <InReview kind="person"
                fields=Signal::derive(move || row.with(|r| r.as_ref().map(|p| p.in_review.clone()).unwrap_or_default()))
                mine=Signal::derive(move || row.with(|r| r.as_ref().map(|p| p.in_review_mine.clone()).unwrap_or_default()))/>
            // Merged into another team's person (not on this device): the row stays, and
            // says so (a new user's walk: the phone showed no sign of the merge).
            {move || row.with(|r| r.as_ref().is_some_and(|p| p.merged_into.is_some())).then(|| view! {
                <p class="small muted" data-testid="person-merged-elsewhere">{move || t().person_merged_elsewhere}</p>
            })}
            <ul class="small last-contacts" aria-label=move || t().last_contacts>
                {move || row.with(|r| r.as_ref().map(|r| r.last_contacts.clone()).unwrap_or_default()).into_iter().map(|(at, needs)| {
                    view! {
                        <li>{move || util::format_local(at, ctx.lang.get())}" · "
                            {move || needs.iter().map(|n| t().need(*n)).collect::<Vec<_>>().join(", ")}</li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || open.get() == Some(id)>
                <PersonEditor id=id open=open/>
            </Show>
        </li>
    }
}

/// Edits one person; the document is read when the editor opens, and the form shows
/// once it is.
///
/// The editor may be gone by the time a save or a withdrawal finishes (a withdrawn person
/// leaves the list): after an await it only *sets* signals (a no-op once disposed) and
/// never reads its own.
#[component]
fn PersonEditor(id: DocId, open: RwSignal<Option<DocId>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let person = RwSignal::new(None::<PersonDoc>);
    let aliases = RwSignal::new(String::new());
    let birth_year = RwSignal::new(String::new());
    let estimated = RwSignal::new(false);
    let gender = RwSignal::new(Gender::Unknown);
    let country = RwSignal::new(String::new());
    // A country kept as typed (not a code): a choice of its own until changed.
    let legacy_country = Memo::new(move |_| {
        let c = country.get();
        (!c.trim().is_empty() && !strada_shared::countries::is_country(c.trim())).then_some(c)
    });
    let languages = RwSignal::new(Vec::<String>::new());
    let phone = RwSignal::new(String::new());
    let documents = RwSignal::new(DocumentStatus::Unknown);
    let usual_place = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        match state::read_doc::<PersonDoc>(id).await {
            Ok(p) => {
                aliases.set(p.aliases.join("\n"));
                birth_year.set(p.birth_year.map(|y| y.to_string()).unwrap_or_default());
                estimated.set(p.birth_year_estimated);
                gender.set(p.gender);
                country.set(p.country.clone());
                languages.set(p.languages.clone());
                phone.set(p.phone.clone().unwrap_or_default());
                documents.set(p.documents);
                usual_place.set(p.usual_place.clone());
                person.set(Some(p));
            }
            Err(e) => error.set(Some(e.message(ctx.lang.get_untracked().t()).into())),
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tr = ctx.lang.get_untracked().t();
        let Some(base) = person.get_untracked() else {
            return;
        };
        let mut p = base.clone();
        p.aliases = aliases
            .get_untracked()
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        let by = birth_year.get_untracked();
        p.birth_year = if by.trim().is_empty() {
            None
        } else {
            match by.trim().parse::<i64>() {
                // A small number is an age: the year is estimated from it.
                Ok(age) if (0..=110).contains(&age) => {
                    estimated.set(true);
                    let year = js_sys::Date::new_0().get_full_year() as i64;
                    Some(year - age)
                }
                Ok(y) => Some(y),
                Err(_) => return error.set(Some(tr.err_birth_year.into())),
            }
        };
        p.birth_year_estimated = estimated.get_untracked();
        p.gender = gender.get_untracked();
        p.country = country.get_untracked().trim().to_string();
        p.languages = languages.get_untracked();
        p.phone = Some(phone.get_untracked().trim().to_string()).filter(|s| !s.is_empty());
        p.documents = documents.get_untracked();
        p.usual_place = usual_place.get_untracked().trim().to_string();
        if let Err(e) = p.validate_entry() {
            return error.set(Some(tr.validation(&e).into()));
        }
        leptos::task::spawn_local(async move {
            // Only what the form changed, onto the device's version as it is now: values
            // another phone or the central office wrote since the form opened stay.
            let res = match state::read_doc::<PersonDoc>(id).await {
                Ok(mut current) => {
                    current.apply_form(&base, &p);
                    match current.validate_entry() {
                        Ok(()) => state::save_edit(ctx, current).await,
                        Err(e) => {
                            let tr = ctx.lang.get_untracked().t();
                            return error.set(Some(tr.validation(&e).into()));
                        }
                    }
                }
                Err(e) => Err(e),
            };
            match res {
                Ok(()) => open.set(None),
                Err(e) => error.set(Some(e.message(ctx.lang.get_untracked().t()).into())),
            }
        });
    };
    let withdraw = move |_| {
        let tr = ctx.lang.get_untracked().t();
        let sure = web_sys::window()
            .and_then(|w| w.confirm_with_message(tr.withdraw_confirm).ok())
            .unwrap_or(false);
        let (Some(p), Some(s)) = (person.get_untracked(), ctx.session.get_untracked()) else {
            return;
        };
        if !sure {
            return;
        }
        leptos::task::spawn_local(async move {
            match state::withdraw_consent(ctx, p.id, s.user.id).await {
                Ok(()) => open.set(None),
                Err(e) => error.set(Some(e.message(ctx.lang.get_untracked().t()).into())),
            }
        });
    };
    // The form shows once the document is read: typed into before, a field would be
    // overwritten by the document arriving (a slow phone lost an added alias so).
    let waiting = move || match error.get() {
        Some(e) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
        None => view! {
            <p class="muted" role="status" data-testid="person-editor-loading">{t().loading}</p>
        }
        .into_any(),
    };
    view! {
        <Show when=move || person.with(Option::is_some) fallback=waiting>
        <form class="editor" on:submit=save data-testid="person-editor">
            <label for="p-aliases">{move || t().aliases}</label>
            <textarea id="p-aliases" rows="2" prop:value=move || aliases.get()
                on:input=move |ev| aliases.set(event_target_value(&ev))></textarea>
            <p class="small muted">{move || t().aliases_hint}</p>
            <div class="grid2">
                <div>
                    <label for="p-birth">{move || t().birth_year_or_age}</label>
                    <input id="p-birth" inputmode="numeric" prop:value=move || birth_year.get()
                        on:input=move |ev| birth_year.set(event_target_value(&ev))/>
                </div>
                <div>
                    <label for="p-gender">{move || t().gender}</label>
                    <select id="p-gender" on:change=move |ev| if let Some(g) = Gender::from_code(&event_target_value(&ev)) { gender.set(g) }>
                        {Gender::ALL.iter().map(|g| view! {
                            <option value=g.code() selected=move || gender.get() == *g>{move || t().gender_name(*g)}</option>
                        }).collect_view()}
                    </select>
                </div>
            </div>
            // The country, the languages and the rest in later tasks: opening a person
            // stays short on a slow phone.
            <Later>
            <label for="p-country">{move || t().country}</label>
            // A code (ISO 3166-1), each named in the reader's language, by name; a
            // country an older version kept as typed stays a choice until changed.
            <select id="p-country" data-testid="p-country" on:change=move |ev| country.set(event_target_value(&ev))>
                <option value="" selected=move || country.with(String::is_empty)>{move || t().country_unknown}</option>
                {move || {
                    let names = crate::i18n::country_names(ctx.lang.get());
                    let mut options: Vec<(String, String)> = strada_shared::countries::COUNTRIES
                        .iter()
                        .map(|c| (names(c), c.to_string()))
                        .collect();
                    options.sort_by_cached_key(|(name, _)| strada_shared::search::fold(name));
                    if let Some(typed) = legacy_country.get() {
                        options.insert(0, (typed.clone(), typed));
                    }
                    options.into_iter().map(|(name, code)| {
                        let mine = code.clone();
                        view! { <option value=code selected=move || country.with(|c| *c == mine)>{name}</option> }
                    }).collect_view()
                }}
            </select>
            <fieldset>
                <legend>{move || t().languages_spoken}</legend>
                <div class="needs">
                    {LANGUAGES.iter().map(|(code, name)| {
                        let code = code.to_string();
                        let c2 = code.clone();
                        let lang_attr = code.clone();
                        view! {
                            <label class="need" lang=lang_attr>
                                <input type="checkbox" prop:checked=move || languages.with(|v| v.contains(&c2))
                                    on:change=move |_| { let c = code.clone(); languages.update(|v| if let Some(i) = v.iter().position(|x| *x == c) { v.remove(i); } else { v.push(c); }) }/>
                                <span>{*name}</span>
                            </label>
                        }
                    }).collect_view()}
                </div>
            </fieldset>
            </Later>
            <Later>
            <label for="p-phone">{move || t().phone}</label>
            <input id="p-phone" type="tel" maxlength="40" prop:value=move || phone.get()
                on:input=move |ev| phone.set(event_target_value(&ev))/>
            <label for="p-docs">{move || t().documents}</label>
            <select id="p-docs" on:change=move |ev| if let Some(d) = DocumentStatus::parse(&event_target_value(&ev)) { documents.set(d) }>
                {DocumentStatus::ALL.iter().map(|d| view! {
                    <option value=d.code() selected=move || documents.get() == *d>{move || t().documents_name(*d)}</option>
                }).collect_view()}
            </select>
            <label for="p-place">{move || t().usual_place}</label>
            <input id="p-place" maxlength="120" prop:value=move || usual_place.get()
                on:input=move |ev| usual_place.set(event_target_value(&ev))/>
            </Later>
            <p class="small muted">
                {move || person.with(|p| p.as_ref().map(|p| {
                    let partners = crate::contact_entry::partner_names(&p.consent.partners, t());
                    format!("{}: {} · {}{}", t().consent, t().consent_name(p.consent.status),
                        util::format_local(p.consent.at, ctx.lang.get()),
                        if partners.is_empty() { String::new() } else { format!(" · {partners}") })
                }))}
            </p>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <div class="row">
                <button type="submit" class="primary" data-testid="save-person">{move || t().save}</button>
                <Show when=move || person.with(|p| p.as_ref().is_some_and(|p| p.consent.status == ConsentStatus::Given))>
                    <button type="button" class="danger" data-testid="withdraw-consent" on:click=withdraw>{move || t().withdraw_consent}</button>
                </Show>
            </div>
        </form>
        </Show>
    }
}
