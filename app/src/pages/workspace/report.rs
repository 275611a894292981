//! The quarterly report for the SCC and the CCC: a chosen quarter (the last complete one
//! by default) as a document — the comparison with the quarter before; the seed's three
//! dimensions (volume of services and cases with their success rate; resources against
//! that volume, the workload; the work with the network, per partner); the territory;
//! the cases' monitoring in aggregate; and the director's observations on the context
//! (the CCC's seasonal notes), kept by the server per quarter.
//!
//! It prints from the browser (`window.print()`: the print stylesheet in `style.css`
//! shows the document alone on A4 pages, numbered) and downloads as one self-contained
//! HTML file (the document and the page's own CSS), beside the CSV of every table and
//! the anonymous export ([`Downloads`], also on the dashboard).

use leptos::prelude::*;
use strada_shared::report::{CSV_TABLES, Dashboard as Figures, MAX_NOTE_CHARS, ReportNote};

use super::charts::{Fmt, esc};
use super::dashboard::{day_label, query, team_counts};
use super::figures;
use super::period::{self, Quarter};
use super::{CsvExcel, fetch, save_file, save_file_as, when};
use crate::api::{self, ApiError};
use crate::i18n::{Catalogue, Lang};
use crate::state::Ctx;

fn quarter_name(q: Quarter, t: &Catalogue) -> String {
    t.rp_quarter_name
        .args(&[("q", &q.q.to_string()), ("year", &q.year.to_string())])
}

#[component]
pub fn QuarterReport(refreshed: RwSignal<u32>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let today = period::today();
    let last = Quarter::last_complete(today);
    // The quarters to choose from: this one (to date) and the eleven before, newest first.
    let choices: Vec<Quarter> =
        std::iter::successors(Some(Quarter::of(today)), |q| Some(q.previous()))
            .take(12)
            .collect();
    let quarter = RwSignal::new(last);
    let data = LocalResource::new(move || {
        refreshed.track();
        let q = quarter.get();
        // A quarter not over yet: up to today, as the page says (counted as of its last
        // day, a referral sent yesterday was waiting for a week: a new user's walk).
        let (from, to) = (
            period::iso(q.first_day()),
            period::iso(q.last_day().min(period::today())),
        );
        fetch::<Figures>(
            ctx,
            format!("/api/reports/dashboard?{}", query(&from, &to, "")),
        )
    });
    let print = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let download = move |_| {
        let q = quarter.get_untracked();
        let lang = ctx.lang.get_untracked();
        let title = format!(
            "{} — {}",
            lang.t().rp_report_title,
            quarter_name(q, lang.t())
        );
        if let Some(html) = standalone_html(lang, &title) {
            save_file_as(
                &format!("strada-report-{}.html", q.key()),
                &html,
                "text/html;charset=utf-8",
            );
        }
    };
    view! {
        <div class="rp-report" data-testid="rp-report">
            <div class="rp-toolbar rp-no-print">
                <label for="rp-quarter">{move || t().rp_quarter}
                    <select id="rp-quarter" data-testid="rp-quarter"
                        on:change=move |ev| if let Some(q) = Quarter::parse(&event_target_value(&ev)) { quarter.set(q) }>
                        {move || {
                            let t = t();
                            choices.iter().map(|q| view! {
                                <option value=q.key() selected=quarter.get_untracked() == *q>{quarter_name(*q, t)}</option>
                            }).collect_view()
                        }}
                    </select>
                </label>
                <div class="row ws-actions">
                    <button type="button" data-testid="rp-print" on:click=print>{move || t().rp_print}</button>
                    <button type="button" class="secondary" data-testid="rp-download" on:click=download>{move || t().rp_download}</button>
                </div>
            </div>
            <article class="rp-doc" data-testid="rp-doc">
                <div inner_html=move || {
                    let lang = ctx.lang.get();
                    document_head(quarter.get(), lang.t(), lang)
                }></div>
                {move || {
                    let lang = ctx.lang.get();
                    data.with(|res| res.as_ref().map(|res| match res {
                        Err(e) => super::unavailable(e, lang.t()),
                        // The quarter the figures are of (an answer may arrive after
                        // another quarter was chosen: the next one replaces it).
                        Ok(d) => {
                            let q = chrono::NaiveDate::parse_from_str(&d.summary.from, "%Y-%m-%d")
                                .map_or(last, Quarter::of);
                            view! {
                                <div data-testid="rp-doc-body" data-period=q.key()
                                    inner_html=sections(d, q, q.last_day() > period::today(), lang.t(), Fmt(lang))></div>
                            }.into_any()
                        }
                    })).unwrap_or_else(|| view! { <p role="status">{lang.t().loading}</p> }.into_any())
                }}
                <Observations quarter=quarter/>
                <footer class="rp-foot">{move || t().rp_doc_footer}</footer>
            </article>
            <Downloads period=Signal::derive(move || {
                let q = quarter.get();
                (period::iso(q.first_day()), period::iso(q.last_day()), String::new())
            }) open=true anonymous_export=true/>
        </div>
    }
}

/// The document's title: which quarter, which days, compared with which.
fn document_head(q: Quarter, t: &'static Catalogue, lang: Lang) -> String {
    let days = |q: Quarter| {
        (
            day_label(&period::iso(q.first_day()), lang),
            day_label(&period::iso(q.last_day()), lang),
        )
    };
    let (mut f, mut to) = days(q);
    let (mut bf, mut bt) = days(q.previous());
    let today = day_label(&period::iso(period::today()), lang);
    // Up to today (see `QuarterReport`), compared, as the server does, with the same
    // days of the quarter before.
    if q.last_day() > period::today() {
        let (first, last) = (q.first_day(), period::today());
        // The same days of the quarter before (30 November: 30 August).
        let before_first = q.previous().first_day();
        let before_last = last
            .checked_sub_months(chrono::Months::new(3))
            .unwrap_or(before_first);
        (f, to) = (
            day_label(&period::iso(first), lang),
            day_label(&period::iso(last), lang),
        );
        (bf, bt) = (
            day_label(&period::iso(before_first), lang),
            day_label(&period::iso(before_last), lang),
        );
    }
    // A quarter not yet over is compared, whole, with one that is (a new user's walk: the
    // Q4 report printed on 5 December read −52% with nothing to say why).
    let running = if q.last_day() >= period::today() {
        format!(
            "<p class=\"rp-provisional\" data-testid=\"rp-provisional\"><strong>{}</strong></p>",
            esc(&t.rp_provisional.with("date", &today))
        )
    } else {
        String::new()
    };
    format!(
        "<header class=\"rp-head\"><p class=\"rp-kicker\">{}</p>\
         <h3 class=\"rp-title\" data-testid=\"rp-title\">{} — {}</h3><p>{} · {}</p>{running}{}</header>",
        esc(t.rp_doc_kicker),
        esc(t.rp_report_title),
        esc(&quarter_name(q, t)),
        esc(&t.rp_from_to.args(&[("from", &f), ("to", &to)])),
        esc(&t.rp_compared_with.args(&[("from", &bf), ("to", &bt)])),
        figures::hint(&t.rp_generated.with("date", &today)),
    )
}

/// The report's figures, sections 1 to 6, as markup (see [`figures`]).
/// What a quarter is compared with: the quarter before, or, for one in progress (asked
/// up to today), the same days of the quarter before (a new user's walk: headed "3º
/// trimestre" it showed 879 of the quarter's 1,158 contacts).
fn before_name(q: Quarter, running: bool, t: &'static Catalogue) -> String {
    if running {
        t.rp_same_days_of
            .with("quarter", &quarter_name(q.previous(), t))
    } else {
        quarter_name(q.previous(), t)
    }
}

fn sections(d: &Figures, q: Quarter, running: bool, t: &'static Catalogue, fmt: Fmt) -> String {
    use figures::Value::{Count, Days, Rate};
    let s = &d.summary;
    let p = d.previous.as_ref();
    let v = &d.views;
    let show = |value: figures::Value| value.show(t, fmt);
    // Resources against the volume: who recorded contacts, who follows cases.
    let workers = s.workload.values().filter(|w| w.contacts > 0).count();
    let managers = s.workload.values().filter(|w| w.cases > 0).count();
    let cases: u64 = s.workload.values().map(|w| w.cases).sum();
    let per = |total: u64, n: usize| fmt.dec(if n == 0 { 0.0 } else { total as f64 / n as f64 });
    let resources = format!(
        "{} {}",
        t.rp_resources_field
            .n_args(workers, &[("per", &per(s.contacts, workers))]),
        t.rp_resources_cases
            .n_args(managers, &[("per", &per(cases, managers))])
    );
    let teams_now = team_counts(&s.contacts_by_team, &d.teams);
    let teams_before = p.map(|p| team_counts(&p.contacts_by_team, &d.teams));
    let counts = [
        figures::counts(
            (t.rp_channels_title, t.ws_channel),
            &s.contacts_by_channel,
            p.map(|p| &p.contacts_by_channel),
            Some(t.channel_names),
            "rp-channels-table",
            t,
            fmt,
        ),
        figures::counts(
            (t.rp_teams_title, t.col_team),
            &teams_now,
            teams_before.as_ref(),
            None,
            "rp-teams-table",
            t,
            fmt,
        ),
        figures::counts(
            (t.rp_needs_title, t.ws_need),
            &s.needs,
            p.map(|p| &p.needs),
            Some(t.need_names),
            "rp-needs-table",
            t,
            fmt,
        ),
        figures::counts(
            (t.rp_referral_needs_title, t.ws_need),
            &s.referrals_by_need,
            p.map(|p| &p.referrals_by_need),
            Some(t.need_names),
            "rp-referral-needs-table",
            t,
            fmt,
        ),
        figures::counts(
            (t.rp_indicators_title, t.ws_indicator),
            &s.indicators,
            p.map(|p| &p.indicators),
            Some(t.indicator_names),
            "rp-indicators-table",
            t,
            fmt,
        ),
    ]
    .concat();
    let volume = [
        figures::facts(
            "rp-volume",
            &[
                (t.rp_fig_contacts, show(Count(s.contacts))),
                (t.rp_fig_people_reached, show(Count(s.people_reached))),
                (t.rp_fig_new_persons, show(Count(s.new_persons))),
                (t.rp_fig_referrals, show(Count(s.referrals))),
            ],
        ),
        format!("<h5>{}</h5>", esc(t.rp_seasonal_title)),
        figures::seasonal(v, false, t, fmt),
        format!("<div class=\"rp-grid\">{counts}</div>"),
        format!("<h5>{}</h5>", esc(t.rp_cases_title)),
        figures::facts(
            "rp-cases",
            &[
                (t.rp_fig_cases_opened, show(Count(s.cases_opened))),
                (t.rp_fig_eligible, show(Rate(s.cases_eligible_rate))),
                (t.rp_fig_active, show(Count(s.cases_active_at_end))),
                (t.rp_fig_success, show(Rate(s.case_success_rate))),
            ],
        ),
        figures::counts(
            (t.rp_outcomes_title, t.ws_outcome),
            &s.cases_closed_by_outcome,
            p.map(|p| &p.cases_closed_by_outcome),
            Some(t.outcome_names),
            "rp-outcomes-table",
            t,
            fmt,
        ),
    ]
    .concat();
    let network = figures::facts(
        "rp-network",
        &[
            (t.rp_fig_referrals, show(Count(s.referrals))),
            (t.rp_fig_acceptance, show(Rate(s.referral_acceptance_rate))),
            (
                t.rp_fig_median_days,
                show(Days(s.referral_median_days_to_answer)),
            ),
            (t.rp_fig_waiting, show(Count(s.referrals_waiting_at_end))),
        ],
    ) + &figures::funnel(v, false, t, fmt);
    let monitoring = figures::facts(
        "rp-pip",
        &[(t.rp_fig_pip, show(Rate(s.pip_implementation_rate)))],
    ) + &figures::monitoring(&d.monitoring, t, fmt);
    let numbered = |n: u8, title: &str| format!("{n}. {title}");
    [
        figures::section(
            4,
            &numbered(1, t.rp_sec_summary),
            &(figures::comparison(d, quarter_name(q, t), before_name(q, running, t), t, fmt)
                + &figures::hint(t.rp_definitions)),
        ),
        figures::section(4, &numbered(2, t.rp_sec_volume), &volume),
        figures::section(
            4,
            &numbered(3, t.rp_sec_resources),
            &(format!("<p>{}</p>", esc(&resources)) + &figures::workload(s, t, fmt)),
        ),
        figures::section(4, &numbered(4, t.rp_sec_network), &network),
        figures::section(
            4,
            &numbered(5, t.rp_sec_area),
            &(figures::hint(t.rp_area_hint) + &figures::area(v, false, None, t, fmt)),
        ),
        figures::section(4, &numbered(6, t.rp_sec_monitoring), &monitoring),
    ]
    .concat()
}

/// Whether the observations are being saved, and how it went.
#[derive(Clone, Copy, PartialEq)]
enum Saving {
    Idle,
    Busy,
    Saved,
    Failed,
    /// Someone saved other observations meanwhile: theirs are shown, the text stays.
    Changed,
}

/// Section 7: the director's observations on the context of the quarter. The roles
/// that may write them (the director, the central office) edit them here; the others
/// read them. Printed and downloaded as text, never as a form.
#[component]
fn Observations(quarter: RwSignal<Quarter>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    // The server's rule: the roles that set the PUA's rules write its report's notes.
    let writes = ctx
        .session
        .get_untracked()
        .is_some_and(|s| s.user.role.manages_rules());
    let text = RwSignal::new(String::new());
    let meta = RwSignal::new(None::<ReportNote>);
    let saving = RwSignal::new(Saving::Idle);
    // Observations a colleague saved while these were written (see `save`).
    let theirs = RwSignal::new(None::<ReportNote>);
    // The quarter's note, read again when another quarter is chosen (an answer for a
    // quarter no longer chosen is dropped).
    Effect::new(move |_| {
        let key = quarter.get().key();
        leptos::task::spawn_local(async move {
            let path = format!("/api/reports/notes?period={key}");
            if let Ok(n) = fetch::<ReportNote>(ctx, path).await
                && quarter.try_get_untracked().is_some_and(|q| q.key() == key)
            {
                text.set(n.text.clone());
                meta.set(Some(n));
                theirs.set(None);
                saving.set(Saving::Idle);
            }
        });
    });
    let save = move |_| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        let key = quarter.get_untracked().key();
        let body = text.get_untracked();
        // What the text was written over: a colleague's save meanwhile is told, never
        // overwritten unseen (a new user's walk: the director's observations went).
        let based_on = meta
            .get_untracked()
            .and_then(|m| m.updated_at)
            .unwrap_or_default();
        saving.set(Saving::Busy);
        leptos::task::spawn_local(async move {
            match api::put_report_note(&s.token, &key, &body, &based_on).await {
                Ok(n) => {
                    text.set(n.text.clone());
                    meta.set(Some(n));
                    theirs.set(None);
                    saving.set(Saving::Saved);
                }
                Err(e) if e.code() == Some("note_changed") => {
                    let path = format!("/api/reports/notes?period={key}");
                    if let Ok(n) = fetch::<ReportNote>(ctx, path).await {
                        theirs.set(Some(n.clone()));
                        meta.set(Some(n));
                    }
                    saving.set(Saving::Changed);
                }
                Err(_) => saving.set(Saving::Failed),
            }
        });
    };
    let text_class = if writes {
        "rp-note-text rp-print-only"
    } else {
        "rp-note-text"
    };
    view! {
        <section class="rp-section" data-testid="rp-notes">
            <h4>"7. "{move || t().rp_sec_notes}</h4>
            {writes.then(|| view! {
                <label for="rp-note" class="rp-screen-only">{move || t().rp_notes_label}</label>
                <textarea id="rp-note" class="rp-screen-only" data-testid="rp-note" rows="8"
                    maxlength=MAX_NOTE_CHARS.to_string()
                    prop:value=move || text.get()
                    on:input=move |ev| { text.set(event_target_value(&ev)); saving.set(Saving::Idle); }></textarea>
                <div class="row ws-actions rp-no-print">
                    <button type="button" data-testid="rp-note-save" on:click=save
                        disabled=move || saving.get() == Saving::Busy>{move || t().rp_notes_save}</button>
                    <span aria-live="polite" data-testid="rp-note-state">{move || match saving.get() {
                        Saving::Saved => view! { <span class="ok">{t().rp_notes_saved}</span> }.into_any(),
                        Saving::Failed => view! { <span class="error" role="alert">{t().rp_notes_failed}</span> }.into_any(),
                        Saving::Changed => view! { <span class="error" role="alert">{t().rp_notes_changed.with("by", theirs.get().and_then(|n| n.by).as_deref().unwrap_or("—"))}</span> }.into_any(),
                        Saving::Idle | Saving::Busy => ().into_any(),
                    }}</span>
                </div>
                {move || theirs.get().map(|n| view! {
                    <blockquote class="rp-note-text rp-no-print" data-testid="rp-note-theirs">{n.text}</blockquote>
                })}
            })}
            <div class=text_class data-testid="rp-note-text">
                {move || {
                    let s = text.get();
                    if s.trim().is_empty() { t().rp_notes_none.to_string() } else { s }
                }}
            </div>
            {move || meta.get().and_then(|m| {
                let lang = ctx.lang.get();
                let at = m.updated_at.as_deref().map(|a| when(a, lang))?;
                Some(view! {
                    <p class="hint">{lang.t().rp_notes_updated.args(&[("when", &at), ("by", m.by.as_deref().unwrap_or("—"))])}</p>
                })
            })}
        </section>
    }
}

/// The CSV of every table of a period `(from, to, team)` (the server's
/// `/api/reports/csv`), and the anonymous export of the period, as downloads.
#[component]
pub fn Downloads(
    period: Signal<(String, String, String)>,
    /// Shown unfolded (the report), or one click away (the dashboard).
    #[prop(optional)]
    open: bool,
    /// Offers the anonymous export: the report's periods are calendar quarters, the only
    /// periods the server exports it for (overlapping ones would give away what it hides).
    #[prop(optional)]
    anonymous_export: bool,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let failed = RwSignal::new(None::<ApiError>);
    let get = move |path: String, name: String| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::report_file(&s.token, &path).await {
                Ok(text) => {
                    failed.set(None);
                    save_file(&name, &text);
                }
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    let table = move |table: &'static str| {
        let (from, to, team) = period.get_untracked();
        let team_part = if team.is_empty() {
            String::new()
        } else {
            format!("{team}-")
        };
        get(
            format!(
                "/api/reports/csv?table={table}&{}",
                query(&from, &to, &team)
            ),
            format!("strada-{table}-{team_part}{from}-{to}.csv"),
        );
    };
    let anonymous = move |_| {
        let (from, to, _) = period.get_untracked();
        get(
            format!("/api/reports/anonymous?{}", query(&from, &to, "")),
            format!("strada-anonymous-{from}-{to}.csv"),
        );
    };
    view! {
        <details class="rp-downloads rp-no-print" data-testid="rp-downloads" open=open>
            <summary>{move || t().rp_downloads}</summary>
            <p class="hint">{move || t().rp_downloads_hint}</p>
            <div class="rp-buttons">
                {CSV_TABLES.into_iter().map(|name| view! {
                    <button type="button" class="secondary" data-testid=format!("rp-csv-{name}")
                        on:click=move |_| table(name)>{move || t().rp_csv_names.get(name)}</button>
                }).collect_view()}
            </div>
            // Published once the quarter is over, the same file ever after (two exports
            // of a quarter under way would give a hidden count away by their difference).
            <Show when=move || anonymous_export && period.with(|p| p.1 < period::iso(period::today()))>
                <p class="hint">{move || t().rp_anonymous_hint}</p>
                <button type="button" class="secondary" data-testid="rp-anonymous" on:click=anonymous>{move || t().rp_anonymous}</button>
            </Show>
            <Show when=move || anonymous_export && period.with(|p| p.1 >= period::iso(period::today()))>
                <p class="hint" data-testid="rp-anonymous-later">{move || t().rp_anonymous_later}</p>
            </Show>
            <CsvExcel id="rp-csv-excel"/>
            {move || failed.get().map(|e| super::unavailable(&e, t()))}
        </details>
    }
}

/// The report as one HTML file that needs nothing else: the document as the page shows
/// it, with the page's own stylesheet (its print rules too), and no script.
fn standalone_html(lang: Lang, title: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let report = document.query_selector("[data-testid=rp-doc]").ok()??;
    let styles = document.get_elements_by_tag_name("style");
    let mut css = String::new();
    for i in 0..styles.length() {
        if let Some(text) = styles.item(i).and_then(|n| n.text_content()) {
            css.push_str(&text);
            css.push('\n');
        }
    }
    Some(format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{css}</style></head>\
         <body class=\"rp-standalone\"><main>{}</main></body></html>\n",
        lang.code(),
        esc(title),
        report.outer_html()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_holds_the_comparison_the_three_dimensions_the_territory_and_the_monitoring() {
        let mut d = Figures::default();
        d.summary.contacts = 12;
        d.summary.workload.insert(
            "marta".into(),
            strada_shared::report::Workload {
                contacts: 12,
                referrals: 4,
                cases: 0,
            },
        );
        d.previous = Some(strada_shared::report::Summary::default());
        let q3 = Quarter::new(2026, 3).unwrap();
        let html = sections(&d, q3, false, Lang::It.t(), Fmt(Lang::It));
        let headings: Vec<&str> = html
            .split("<h4>")
            .skip(1)
            .filter_map(|h| h.split("</h4>").next())
            .collect();
        assert_eq!(
            headings,
            [
                "1. Sintesi e confronto con il trimestre precedente",
                "2. Volume dei servizi e dei casi",
                "3. Risorse rispetto al volume: carico di lavoro",
                "4. Il lavoro con la rete",
                "5. Il territorio",
                "6. Monitoraggio dei casi (in aggregato)",
            ]
        );
        for table in [
            "rp-comparison",
            "rp-seasonal-table",
            "rp-channels-table",
            "rp-outcomes-table",
            "rp-workload-table",
            "rp-network-table",
            "rp-area-table",
            "rp-pip-table",
        ] {
            assert!(
                html.contains(&format!("data-testid=\"{table}\"")),
                "{table}"
            );
        }
        assert!(
            html.contains(">3º trimestre 2026</th>") && html.contains(">2º trimestre 2026</th>")
        );
        assert!(html.contains("1 persona ha registrato contatti: in media 12 contatti a testa."));
        // Unfolded for print: no table one click away.
        assert!(!html.contains("<details"));
    }
}
