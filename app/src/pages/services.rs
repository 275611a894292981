//! "Servizi" (`#/servizi`): services nearby, ranked offline from the directory on the
//! device — need chips, the person's language and documents, "open now", "near me" —
//! and a service's details (`#/servizi/<service id>`).

use std::time::Duration;

use leptos::prelude::*;
use strada_shared::directory::{Query, RequirementCheck, rank};
use strada_shared::domain::{DocumentStatus, LANGUAGES, NeedCategory};

use crate::components::service_card::ServiceCard;
use crate::directory::{DirState, format_distance, local_now, use_directory};
use crate::state::Ctx;

fn hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The service id in `#/servizi/<id>`, if any.
fn detail_id(hash: &str) -> Option<String> {
    hash.strip_prefix("#/servizi/")
        .filter(|id| !id.is_empty())
        .map(|id| {
            js_sys::decode_uri_component(id)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_else(|| id.to_string())
        })
}

#[component]
pub fn Services() -> impl IntoView {
    let st = use_directory();
    let route = RwSignal::new(hash());
    let listener = window_event_listener_untyped("hashchange", move |_| route.set(hash()));
    on_cleanup(move || listener.remove());
    if st.place.get_untracked().is_none() {
        st.locate();
    }
    view! {
        {move || match detail_id(&route.get()) {
            Some(id) => view! { <ServiceDetails id/> }.into_any(),
            None => view! { <ServiceList/> }.into_any(),
        }}
    }
}

#[component]
fn Filters(st: DirState) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let chip = move |need: Option<NeedCategory>| {
        let code = need.map(|n| n.code()).unwrap_or("all");
        view! {
            <button type="button" class="chip" data-testid=format!("svc-need-{code}")
                aria-pressed=move || (st.need.get() == need).to_string()
                on:click=move |_| st.need.set(need)>
                {move || need.map(|n| t().need(n)).unwrap_or(t().svc_all_needs)}
            </button>
        }
    };
    view! {
        <fieldset>
            <legend>{move || t().svc_need}</legend>
            <div class="chips">
                {chip(None)}
                {NeedCategory::ALL.into_iter().map(|n| chip(Some(n))).collect_view()}
            </div>
        </fieldset>
        <div class="grid2">
            <div>
                <label for="svc-lang">{move || t().svc_language}</label>
                <select id="svc-lang" data-testid="svc-lang"
                    on:change=move |ev| st.language.set(event_target_value(&ev))>
                    <option value="" selected=move || st.language.get().is_empty()>{move || t().svc_any_language}</option>
                    {LANGUAGES.iter().map(|(code, name)| view! {
                        <option value=*code lang=*code selected=move || st.language.get() == *code>{*name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div>
                <label for="svc-docs">{move || t().svc_documents}</label>
                <select id="svc-docs" data-testid="svc-docs"
                    on:change=move |ev| st.documents.set(
                        DocumentStatus::parse(&event_target_value(&ev)).unwrap_or_default())>
                    {DocumentStatus::ALL.into_iter().map(|d| view! {
                        <option value=d.code() selected=move || st.documents.get() == d>
                            {move || t().document_status(d)}
                        </option>
                    }).collect_view()}
                </select>
            </div>
        </div>
        <div class="row">
            <label class="choice">
                <input type="checkbox" data-testid="svc-open-now" prop:checked=move || st.open_now_only.get()
                    on:change=move |ev| st.open_now_only.set(event_target_checked(&ev))/>
                {move || t().svc_open_now_only}
            </label>
            <button type="button" class="secondary" data-testid="svc-near-me" on:click=move |_| st.locate()>
                {move || t().svc_near_me}
            </button>
        </div>
        <p class="small muted" data-testid="svc-position" role="status">
            {move || if st.locating.get() {
                t().svc_locating
            } else if st.place.get().is_some() {
                t().svc_position_ok
            } else {
                t().svc_no_position
            }}
        </p>
    }
}

#[component]
fn ServiceList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let st = use_directory();
    let t = move || ctx.lang.get().t();
    // "Open now" follows the clock while the page is open.
    let now = RwSignal::new(local_now());
    let tick = set_interval_with_handle(move || now.set(local_now()), Duration::from_secs(30)).ok();
    on_cleanup(move || {
        if let Some(h) = tick {
            h.clear();
        }
    });
    let results = move || {
        let dir = st.dir.get()?;
        let language = st.language.get();
        let q = Query {
            need: st.need.get(),
            at: st.place.get().map(|p| (p.lat, p.lon)),
            languages: if language.is_empty() {
                vec![]
            } else {
                vec![language]
            },
            now: Some(now.get()),
            documents: st.documents.get(),
            open_now_only: st.open_now_only.get(),
            max: 0,
            ..Query::default()
        };
        Some((rank(&dir, &q), dir))
    };
    view! {
        <section class="card" aria-labelledby="svc-title">
            <h2 id="svc-title">{move || t().svc_title}</h2>
            <Filters st/>
        </section>
        <div class="card" data-testid="service-list">
            {move || match results() {
                None => view! { <p data-testid="svc-no-directory">{move || t().svc_no_directory}</p> }.into_any(),
                Some((list, dir)) => {
                    let docs = st.documents.get_untracked();
                    let count = list.len();
                    let updated = dir.updated_at.format("%Y-%m-%d").to_string();
                    view! {
                        <p class="small muted">
                            {move || t().svc_results.split_n(count).0}
                            <span data-testid="svc-count">{count}</span>
                            {move || t().svc_results.split_n(count).1}
                            " · "{move || t().svc_updated.with("date", &crate::util::day_label(&updated, ctx.lang.get()))}
                        </p>
                        {(count == 0).then(|| view! { <p>{move || t().svc_none}</p> })}
                        <ul class="svc-list">
                            {list.into_iter().map(|r| {
                                let href = format!("#/servizi/{}", r.service_id);
                                view! {
                                    <li><a class="svc-link" href=href>
                                        <ServiceCard dir=dir.clone() ranked=r documents=docs/>
                                    </a></li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }
            }}
        </div>
    }
}

#[component]
fn ServiceDetails(id: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let st = use_directory();
    let t = move || ctx.lang.get().t();
    let body = move || {
        let dir = st.dir.get()?;
        let s = dir.service(&id)?.clone();
        let org = dir.organization(&s.organization_id).cloned();
        let now = local_now();
        let docs = st.documents.get();
        let place = st.place.get();
        let phone = s
            .phone
            .clone()
            .or_else(|| org.as_ref().and_then(|o| o.phone.clone()));
        let email = s
            .email
            .clone()
            .or_else(|| org.as_ref().and_then(|o| o.email.clone()));
        let locations = dir.locations_of(&s.id).cloned().collect::<Vec<_>>();
        let requirements = s.requirements.clone();
        let languages = t().language_list(&s.languages, " · ");
        Some(view! {
            <h2 data-testid="svc-detail-name">{s.name.clone()}</h2>
            <p class="muted">{s.description.clone()}</p>
            <dl class="svc-dl">
                <dt>{move || t().svc_organization}</dt>
                <dd>{org.as_ref().map(|o| o.name.clone()).unwrap_or_default()}
                    {org.as_ref().and_then(|o| o.url.clone()).map(|u| view! {
                        " · "<a href=u.clone() target="_blank" rel="noopener noreferrer">{move || t().svc_website}</a>
                    })}
                </dd>
                {phone.map(|p| {
                    let tel = format!("tel:{}", p.replace(' ', ""));
                    view! {
                        <dt>{move || t().svc_phone}</dt>
                        <dd><a class="big-link" data-testid="svc-phone" href=tel>{p}</a></dd>
                    }
                })}
                {email.map(|e| {
                    let mailto = format!("mailto:{e}");
                    view! {
                        <dt>{move || t().svc_email}</dt>
                        <dd><a class="big-link" href=mailto>{e}</a></dd>
                    }
                })}
                {s.capacity.clone().map(|c| view! {
                    <dt>{move || t().svc_capacity}</dt>
                    <dd data-testid="svc-capacity">
                        {move || c.places.map(|n| t().svc_places.n(n as usize))}
                        {(!c.note.is_empty()).then(|| format!(" ({})", c.note))}
                    </dd>
                })}
                <dt>{move || t().svc_languages_spoken}</dt>
                <dd>{languages}</dd>
                <dt>{move || t().svc_requirements}</dt>
                <dd>
                    {requirements.is_empty().then(|| view! { <span>{move || t().svc_no_requirements}</span> })}
                    <ul class="svc-flags">
                        {requirements.into_iter().map(|r| {
                            let (class, suffix) = match r.check(docs) {
                                RequirementCheck::Unmet => ("flag unmet", Some(true)),
                                RequirementCheck::ToCheck => ("flag check", Some(false)),
                                RequirementCheck::Met => ("flag met", None),
                                RequirementCheck::Condition => ("flag cond", None),
                            };
                            view! {
                                <li class=class data-req=r.code()>{move || t().requirement(r)}
                                    {move || match suffix {
                                        Some(true) => format!(" — {}", t().svc_not_met),
                                        Some(false) => format!(" — {}", t().svc_to_check),
                                        None => String::new(),
                                    }}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </dd>
                <dt>{move || if s.free_of_charge { t().svc_free } else { t().svc_paid }}</dt>
                <dd></dd>
            </dl>
            {locations.into_iter().map(|l| {
                let open = strada_shared::directory::is_open(&l.schedule, now);
                let distance = place.map(|p| strada_shared::directory::distance_m((p.lat, p.lon), (l.lat, l.lon)));
                let known = !l.schedule.is_empty();
                let days = (1u8..=7).map(|d| {
                    let slots = l.schedule.iter().filter(|h| h.weekday == d)
                        .map(|h| format!("{}–{}", h.opens, h.closes)).collect::<Vec<_>>();
                    let text = (!slots.is_empty()).then(|| slots.join(", "));
                    view! {
                        <tr>
                            <th scope="row">{move || t().weekday(d)}</th>
                            <td>{move || text.clone().unwrap_or_else(|| {
                                if known { t().svc_closed_day.to_string() } else { String::new() }
                            })}</td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <section class="svc-loc" data-testid="svc-location">
                        <h3>{l.name.clone()}</h3>
                        <p>{move || t().svc_address}": "{format!("{}, {} ({:?})", l.address, l.city, l.province)}
                            {distance.map(|d| view! { " · "{move || format_distance(d, ctx.lang.get())} })}
                        </p>
                        <p><span class=match open { Some(true) => "badge synced", Some(false) => "badge refused", _ => "badge neutral" }>
                            {move || match open { Some(true) => t().svc_open, Some(false) => t().svc_closed, None => t().svc_hours_unknown }}
                        </span></p>
                        <table class="svc-hours">
                            <caption>{move || t().svc_hours}</caption>
                            <tbody>{days}</tbody>
                        </table>
                    </section>
                }
            }).collect_view()}
        })
    };
    view! {
        <div class="card" data-testid="service-details">
            <a class="svc-back" href="#/servizi">{move || format!("← {}", t().svc_back)}</a>
            {move || body().map(|b| b.into_any()).unwrap_or_else(|| view! { <p>{move || t().svc_not_found}</p> }.into_any())}
        </div>
    }
}
