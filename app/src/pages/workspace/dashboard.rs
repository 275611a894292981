//! The dashboard ("Cruscotto") for the roles that read the PUA's figures: for a period
//! and a team, the headline figures beside the period before, contacts by month and
//! sector (the seasons' peaks), contacts on the territory's grid, the referral funnel by
//! partner, the workload of each worker, and the cases' monitoring. Every chart has its
//! table one click away; the CSV of every table downloads from here too.
//!
//! Read from `GET /api/reports/dashboard` (online only: the figures are the server's).
//! A period the server would refuse (a missing day, `from` after `to`) is said here and
//! never sent.

use leptos::prelude::*;
use strada_shared::domain::NeedCategory;
use strada_shared::report::{Counts, Dashboard as Figures};

use super::charts::{self, Fmt};
use super::fetch;
use super::figures;
use super::period::{self, Choice};
use super::report::Downloads;
use crate::i18n::Catalogue;
use crate::state::Ctx;

/// A team's key (as the figures name it) as the workspace names the team: its slug.
pub fn team_counts(counts: &Counts, teams: &[(String, String)]) -> Counts {
    // Inserted one by one: `collect` into a map would compile a sort of its own.
    let mut out = Counts::new();
    for (key, n) in counts {
        let slug = teams
            .iter()
            .find(|(_, k)| k == key)
            .map_or(key, |(slug, _)| slug);
        // Shown by name; two teams of one name apart by their ids.
        let mut label = crate::teams::label_of(slug);
        if out.contains_key(&label) {
            label = format!("{label} ({slug})");
        }
        out.insert(label, *n);
    }
    out
}

fn choice_label(c: Choice, t: &Catalogue) -> &'static str {
    match c {
        Choice::ThisQuarter => t.rp_this_quarter,
        Choice::LastQuarter => t.rp_last_quarter,
        Choice::ThisYear => t.rp_this_year,
        Choice::LastTwelveMonths => t.rp_last_12_months,
    }
}

/// The query of a period (and a team) for the report endpoints.
pub fn query(from: &str, to: &str, team: &str) -> String {
    let mut q = format!("from={from}&to={to}");
    if !team.is_empty() {
        q.push_str("&team=");
        q.push_str(&String::from(js_sys::encode_uri_component(team)));
    }
    q
}

/// `YYYY-MM-DD` as the page's language writes a day (one way in the whole app: an
/// English range read `1/1/2026–12/31/2026`, found by a new user's walk).
pub fn day_label(iso: &str, lang: crate::i18n::Lang) -> String {
    crate::util::day_label(iso, lang)
}

#[component]
pub fn Dashboard(refreshed: RwSignal<u32>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let (f0, t0) = Choice::LastTwelveMonths.days(period::today());
    let from = RwSignal::new(period::iso(f0));
    let to = RwSignal::new(period::iso(t0));
    let team = RwSignal::new(String::new());
    // What the figures below are for: (from, to, team).
    let applied = RwSignal::new((from.get_untracked(), to.get_untracked(), String::new()));
    let invalid = RwSignal::new(false);
    let teams = RwSignal::new(Vec::<(String, String)>::new());
    // What the map shades: every contact (empty), or those recording a need.
    let map_need = RwSignal::new(String::new());
    let data = LocalResource::new(move || {
        refreshed.track();
        let (f, to, team) = applied.get();
        fetch::<Figures>(
            ctx,
            format!("/api/reports/dashboard?{}", query(&f, &to, &team)),
        )
    });
    Effect::new(move |_| {
        if let Some(list) = data.with(|d| {
            d.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|d| d.teams.clone())
        }) {
            teams.set(list);
        }
    });
    let apply = move || {
        let (f, to_day) = (from.get_untracked(), to.get_untracked());
        if period::checked(&f, &to_day).is_none() {
            invalid.set(true);
            return;
        }
        invalid.set(false);
        applied.set((f, to_day, team.get_untracked()));
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        apply();
    };
    let quick = move |c: Choice| {
        let (f, to_day) = c.days(period::today());
        from.set(period::iso(f));
        to.set(period::iso(to_day));
        apply();
    };
    view! {
        <div class="rp-dash" data-testid="rp-dashboard">
            <form class="ws-filters rp-no-print" on:submit=submit data-testid="rp-period-form">
                <label for="rp-from">{move || t().ws_from}
                    <input id="rp-from" type="date" data-testid="rp-from" node_ref=crate::components::typed::follows(move || from.get())
                        on:input=move |ev| from.set(event_target_value(&ev))/>
                </label>
                <label for="rp-to">{move || t().ws_to}
                    <input id="rp-to" type="date" data-testid="rp-to" node_ref=crate::components::typed::follows(move || to.get())
                        on:input=move |ev| to.set(event_target_value(&ev))/>
                </label>
                <label for="rp-team">{move || t().col_team}
                    <select id="rp-team" data-testid="rp-team" on:change=move |ev| team.set(event_target_value(&ev))>
                        <option value="" selected=move || team.get().is_empty()>{move || t().rp_whole_pua}</option>
                        {move || teams.get().into_iter().map(|(slug, _)| {
                            let (value, name) = (slug.clone(), crate::teams::label_of(&slug));
                            view! { <option value=slug selected=move || team.get() == value>{name}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label for="rp-map-need">{move || t().rp_map_show}
                    <select id="rp-map-need" data-testid="rp-map-need" on:change=move |ev| map_need.set(event_target_value(&ev))>
                        {move || {
                            let t = t();
                            let all = view! { <option value="">{t.rp_map_all}</option> };
                            let needs = NeedCategory::ALL.iter().map(|n| view! {
                                <option value=n.code() selected=map_need.get_untracked() == n.code()>{t.need(*n)}</option>
                            }).collect_view();
                            (all, needs)
                        }}
                    </select>
                </label>
                <div class="row ws-actions">
                    <button type="submit" data-testid="rp-apply">{move || t().rp_show}</button>
                </div>
            </form>
            <div class="row rp-quick rp-no-print" role="group" aria-label=move || t().rp_quick>
                {Choice::ALL.into_iter().map(|c| view! {
                    <button type="button" class="secondary" on:click=move |_| quick(c)>{move || choice_label(c, t())}</button>
                }).collect_view()}
            </div>
            {move || invalid.get().then(|| view! {
                <p class="error" role="alert" data-testid="rp-invalid">{t().rp_invalid_period}</p>
            })}
            {move || {
                let lang = ctx.lang.get();
                data.with(|res| res.as_ref().map(|res| match res {
                    Err(e) => super::unavailable(e, t()),
                    Ok(d) => view! {
                        <div data-testid="rp-dash-body" data-from=d.summary.from.clone() data-to=d.summary.to.clone()
                            inner_html=body(d, Some(map_need.get()).filter(|n| !n.is_empty()).as_deref(), lang.t(), Fmt(lang))></div>
                    }.into_any(),
                })).unwrap_or_else(|| view! { <p role="status">{lang.t().loading}</p> }.into_any())
            }}
            <Downloads period=Signal::derive(move || applied.get())/>
        </div>
    }
}

/// The figures and views of one answer, as markup (see [`figures`]); the map shades the
/// contacts recording `need`, when given.
pub fn body(d: &Figures, need: Option<&str>, t: &'static Catalogue, fmt: Fmt) -> String {
    let lang = fmt.0;
    let s = &d.summary;
    let mut span = t.rp_from_to.args(&[
        ("from", &day_label(&s.from, lang)),
        ("to", &day_label(&s.to, lang)),
    ]);
    if let Some(p) = &d.previous {
        span.push_str(" · ");
        span.push_str(&t.rp_compared_with.args(&[
            ("from", &day_label(&p.from, lang)),
            ("to", &day_label(&p.to, lang)),
        ]));
    }
    let teams_now = team_counts(&s.contacts_by_team, &d.teams);
    let teams_before = d
        .previous
        .as_ref()
        .map(|p| team_counts(&p.contacts_by_team, &d.teams));
    let workload = figures::workload(s, t, fmt)
        + &figures::counts(
            (t.rp_teams_title, t.col_team),
            &teams_now,
            teams_before.as_ref(),
            None,
            "rp-teams-table",
            t,
            fmt,
        );
    [
        format!("<p class=\"rp-span\">{}</p>", charts::esc(&span)),
        figures::section(
            3,
            t.rp_headline_title,
            &(figures::tiles(d, t, fmt) + &figures::hint(t.rp_definitions)),
        ),
        figures::section(
            3,
            t.rp_seasonal_title,
            &(figures::hint(t.rp_seasonal_hint) + &figures::seasonal(&d.views, true, t, fmt)),
        ),
        figures::section(
            3,
            t.rp_area_title,
            &(figures::hint(t.rp_area_hint) + &figures::area(&d.views, true, need, t, fmt)),
        ),
        figures::section(
            3,
            t.rp_network_title,
            &figures::funnel(&d.views, true, t, fmt),
        ),
        figures::section(3, t.rp_workload_title, &workload),
        figures::section(
            3,
            t.rp_monitoring_title,
            &figures::monitoring(&d.monitoring, t, fmt),
        ),
    ]
    .concat()
}
