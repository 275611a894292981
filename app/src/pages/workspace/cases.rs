//! Case work in the workspace: the cases taken in charge ([`CaseList`], overdue reviews
//! first), a person's cases with a way to open one ([`PersonCases`]), a case's page
//! ([`CaseView`]: first meeting and access conditions, assessment, eligibility, the PIP's
//! interventions — sending one creates the referral the person's team receives — the
//! work-reintegration plan with matching job offers, reviews, closure), the survey of
//! local job demand ([`JobOffers`]) and the PUA's rules ([`RulesEditor`]).
//!
//! A case is a document on this device, like a contact on a phone: a laptop that keeps
//! its cases offline (`SyncScope::cases`) opens one from its own copy at once, with or
//! without a network, while the server's copy is merged in beside; a case the device
//! does not hold is taken from the server first (`state::open_doc`). It is edited here,
//! saved on the device first and synced; without a network the device's copy is edited
//! and sent later. What only the server knows (the person's contacts and referrals
//! through merges, the matching job offers) fills its sections when it answers. The
//! list of cases is the server's, parsed and drawn a slice at a time. Each section saves
//! only its own fields onto the document as it is now, so two people editing different
//! sections of a case at once both keep their work. The server keeps the rules (a closed case needs an
//! outcome, …) and answers a refusal with a code the page shows translated.

use std::sync::Arc;

use leptos::prelude::*;
use strada_shared::api::ErrorBody;
use strada_shared::central::{CasePage, CaseRow, JobOfferRecord, PersonRecord};
use strada_shared::domain::{NeedCategory, Place, Role};
use strada_shared::ids::{DocId, UserId};
use strada_shared::jobs::MatchReason;
use strada_shared::schema::case::{Grade, Intervention, Review};
use strada_shared::schema::conflicts::FieldConflict;
use strada_shared::schema::pua_rules::{PuaRulesDoc, RuleItem, RulesVersion, rules_id};
use strada_shared::schema::referral::StatusChange;
use strada_shared::schema::{CaseDoc, JobOfferDoc, PersonDoc, ReferralDoc, ReferralStatus};
use strada_shared::vocab::{
    Code, Decision, Indicator, InterventionStatus, Mediator, Outcome, Sector, Strength,
};

use super::{Open, fetch};
use crate::api::ApiError;
use crate::components::later::{Later, progressive};
use crate::i18n::Catalogue;
use crate::state::{self, Ctx};
use crate::util;

fn role(ctx: Ctx) -> Option<Role> {
    ctx.session.get_untracked().map(|s| s.user.role)
}

fn me(ctx: Ctx) -> Option<(UserId, String)> {
    ctx.session
        .get_untracked()
        .map(|s| (s.user.id, s.user.username.clone()))
}

/// Takes the focus to a section of the open case, its heading first in sight.
fn jump_to(section: &str) {
    if let Some(legend) = super::html_element(&format!(
        "[data-testid=\"case-view\"] [data-testid=\"{section}\"] legend"
    )) {
        let _ = legend.set_attribute("tabindex", "-1");
        legend.scroll_into_view_with_bool(true);
        let _ = legend.focus();
    }
}

/// Where a case stands, as its heading says it: open and its stage, or closed with its
/// outcome and day (a new user's walk: a closed case said only «Chiuso»).
#[derive(Clone, PartialEq)]
struct Standing {
    stage: &'static str,
    closed: Option<(Option<Outcome>, String)>,
}

impl Standing {
    fn of(c: &CaseDoc) -> Self {
        Standing {
            stage: c.stage(),
            closed: (!c.is_open()).then(|| (c.outcome, c.closed_at.clone().unwrap_or_default())),
        }
    }

    fn label(&self, tr: &'static Catalogue) -> String {
        match &self.closed {
            None => format!("{} · {}", tr.case_open, tr.case_stage_names.get(self.stage)),
            Some((outcome, day)) => {
                let mut parts = vec![tr.case_closed.to_string()];
                if let Some(o) = outcome {
                    parts.push(tr.outcome_names.get(o.code()).to_string());
                }
                if !day.is_empty() {
                    parts.push(util::day_label(day, tr.lang()));
                }
                parts.join(" · ")
            }
        }
    }
}

/// The last day a fact of a case may be dated: tomorrow (a clock and a time zone
/// allowed, as the server allows).
fn last_day() -> String {
    strada_shared::schema::case::add_days(&today(), 1).unwrap_or_else(today)
}

/// Today on this device's clock, `YYYY-MM-DD`.
fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

fn opt(s: String) -> Option<String> {
    let s = s.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn alias_of(p: Option<&PersonRecord>, t: &Catalogue) -> String {
    p.and_then(|p| p.aliases.first().cloned())
        .unwrap_or_else(|| t.person_anonymous.to_string())
}

/// Sends what this device holds to the server now (after the sync already running, if
/// any), so that the server's page of a case shows it.
async fn send_now(ctx: Ctx) {
    for _ in 0..100 {
        if !ctx.syncing.get_untracked() {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(100).await;
    }
    state::sync(ctx).await;
}

/// The rules in force, read from the server once (which writes their first version the
/// first time) and then from the device.
async fn load_rules(ctx: Ctx) -> Option<PuaRulesDoc> {
    let _ = fetch::<PuaRulesDoc>(ctx, "/api/rules".into()).await;
    state::open_doc::<PuaRulesDoc>(ctx, rules_id())
        .await
        .ok()
        .map(|(r, _)| r)
}

/// The flags of a case row: overdue review, no contact for 90 days, closed.
/// A row of the case list: from the server's records, or from the device's own copy.
#[derive(PartialEq)]
struct ListRow {
    id: DocId,
    name: Option<String>,
    /// Whether the person's record was at hand (a laptop offline holds only the persons
    /// it keeps): a row without it says so, not "Anonima".
    person_held: bool,
    opened_at: String,
    manager: String,
    review_due: Option<String>,
    interventions: u32,
    interventions_done: u32,
    overdue: bool,
    /// Known from the server's records only (the device may not hold every contact).
    no_recent_contact: bool,
    outcome: Option<Outcome>,
    /// Where the case stands ([`CaseDoc::stage`]) and its interventions past their
    /// planned day, from the server's records (the device's summary lacks them).
    stage: Option<&'static str>,
    late: usize,
    closed_at: Option<String>,
}

impl ListRow {
    fn of(r: &CaseRow) -> ListRow {
        let c = &r.case.case;
        ListRow {
            id: c.id,
            name: r.person.as_ref().and_then(|p| p.aliases.first().cloned()),
            person_held: true,
            opened_at: c.opened_at.clone(),
            manager: c.case_manager.clone(),
            review_due: r.review_due.clone(),
            interventions: r.interventions,
            interventions_done: r.interventions_done,
            overdue: r.overdue,
            no_recent_contact: r.no_recent_contact,
            outcome: c.outcome,
            stage: Some(c.stage()),
            // A closed case has nothing late (a new user's walk: cases closed months
            // ago were flagged).
            late: if c.is_open() {
                c.late_interventions(&today())
            } else {
                0
            },
            closed_at: c.closed_at.clone(),
        }
    }
}

/// The cases the device holds, filtered and ordered as the server orders its list
/// (overdue reviews first, then by the date the review falls due), for a laptop with
/// no network. Reviews fall due by the interval of the rules the device holds.
async fn held_rows(status: &str, mine: Option<String>) -> Vec<ListRow> {
    let rules = state::read_held(&[rules_id()])
        .await
        .ok()
        .and_then(|h| h.get::<PuaRulesDoc>(rules_id()).ok().flatten())
        .map(|(r, _)| r);
    let today = today();
    let mut rows: Vec<ListRow> = state::held_cases()
        .await
        .into_iter()
        .filter(|(c, _)| match status {
            "open" => c.closed_at.is_none(),
            "closed" => c.closed_at.is_some(),
            _ => true,
        })
        .filter(|(c, _)| {
            mine.as_deref().is_none_or(|m| {
                c.case_manager.eq_ignore_ascii_case(m) || c.labour_expert.eq_ignore_ascii_case(m)
            })
        })
        .map(|(c, name)| {
            let interval = rules
                .as_ref()
                .and_then(|r| r.version(c.rules_version).or_else(|| r.current()))
                .map_or(30, |v| v.review_interval_days);
            let review_due = c
                .closed_at
                .is_none()
                .then(|| {
                    strada_shared::schema::case::add_days(
                        c.last_review.as_deref().unwrap_or(&c.opened_at),
                        interval,
                    )
                })
                .flatten();
            ListRow {
                id: c.id,
                person_held: name.is_some(),
                name: name.flatten(),
                overdue: review_due.as_deref().is_some_and(|d| d < today.as_str()),
                review_due,
                opened_at: c.opened_at,
                manager: c.case_manager,
                interventions: c.interventions,
                interventions_done: c.interventions_done,
                no_recent_contact: false,
                outcome: c.outcome,
                stage: None,
                late: 0,
                closed_at: c.closed_at,
            }
        })
        .collect();
    fn key(r: &ListRow) -> (bool, Option<&str>, &str, DocId) {
        (
            r.overdue,
            r.review_due.as_deref(),
            r.opened_at.as_str(),
            r.id,
        )
    }
    rows.sort_by(|a, b| strada_shared::central::case_list_order(key(a), key(b)));
    rows
}

fn row_flags(r: &ListRow, t: &'static Catalogue) -> impl IntoView + use<> {
    let overdue = r.overdue.then(
        || view! { <span class="badge warning" data-testid="case-overdue">{t.case_overdue}</span> },
    );
    let quiet = r.no_recent_contact.then(|| view! { <span class="badge warning" data-testid="case-no-contact">{t.case_no_contact}</span> });
    let late = (r.late > 0).then(|| {
        view! { <span class="badge warning" data-testid="case-late">{t.case_late_interventions.with("n", &r.late.to_string())}</span> }
    });
    // A closed case's outcome and day (a new user's walk: the closed list said neither
    // when).
    let closed = r.closed_at.as_deref().map(|d| util::day_label(d, t.lang()));
    let outcome = r.outcome.map(|o| {
        let text = match &closed {
            Some(day) => format!("{} · {day}", t.outcome_names.get(o.code())),
            None => t.outcome_names.get(o.code()).to_string(),
        };
        view! { <span class="badge" data-testid="case-outcome">{text}</span> }
    });
    // Where an open case stands (a closed one shows its outcome).
    let stage = r.stage.filter(|s| *s != "closed").map(
        |s| view! { <span class="badge" data-testid="case-stage">{t.case_stage_names.get(s)}</span> },
    );
    view! { {stage}{overdue}{late}{quiet}{outcome} }
}

/// Cases the list shows at first, and adds with "show more".
const LIST_PAGE: usize = 100;
/// Rows of the case list drawn per browser task.
const LIST_ROWS_PER_TASK: usize = 20;

/// The cases of `path` (`/api/cases?…`), read as bytes and parsed a few rows per browser
/// task (2,000 cases are megabytes of JSON: parsed at once, a task of hundreds of ms).
/// An error answer is reported as [`fetch`] reports it.
async fn fetch_rows(ctx: Ctx, path: String) -> Result<Vec<CaseRow>, ApiError> {
    let Some(s) = ctx.session.get_untracked() else {
        return Err(ApiError::Network);
    };
    let res = gloo_net::http::Request::get(&path)
        .header("Authorization", &format!("Bearer {}", s.token))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if !res.ok() {
        let status = res.status();
        let body: Option<ErrorBody> = res.json().await.ok();
        let (code, message) = body.map(|b| (b.error, b.message)).unwrap_or_default();
        let e = match status {
            401 => ApiError::Unauthorized { code },
            429 => ApiError::TooMany { code },
            _ => ApiError::Server {
                status,
                code,
                message,
            },
        };
        if e.is_revoked() {
            state::on_revoked(ctx).await;
        } else if matches!(e, ApiError::Unauthorized { .. }) {
            ctx.session_expired.set(true);
        }
        return Err(e);
    }
    let bytes = res.binary().await.map_err(|_| ApiError::Network)?;
    state::parse_array(&bytes)
        .await
        .map_err(|message| ApiError::Server {
            status: 200,
            code: String::new(),
            message,
        })
}

/// Where the focus is in a PIP: the intervention's key (none outside a row) and the
/// control's test id, to find its like once the case is drawn again.
fn pip_focus() -> Option<(Option<String>, String)> {
    let el = web_sys::window()?.document()?.active_element()?;
    let testid = el.get_attribute("data-testid")?;
    let key = el
        .closest("tr[data-key]")
        .ok()
        .flatten()
        .and_then(|tr| tr.get_attribute("data-key"));
    Some((key, testid))
}

/// Puts the focus back where [`pip_focus`] found it once the case is drawn again — on
/// the same control of the same intervention, else on that intervention's first control
/// (a sent one has no «Invia al partner»), else the PIP's section — scrolled into sight
/// (a new user's walk: «Salva» and «Invia al partner» threw the page 1,700 px up, the
/// focus on the page itself and the message out of sight). `then` runs each time the
/// focus is put back (to bring a message into sight).
///
/// The case may be drawn more than once after a save (read again, then again when the
/// server's change comes back): the focus follows each drawing for half a minute, unless
/// the user has moved it elsewhere meanwhile.
async fn restore_pip_focus(at: Option<(Option<String>, String)>, then: impl Fn()) {
    let Some((key, testid)) = at else { return };
    // Within an intervention's row, its first control and then the PIP's section stand
    // in for a control gone; outside one, only the same control (a page-wide «button»
    // was the status bar's ⟳: CI found the focus there after a closure).
    let selectors = match key {
        Some(k) => {
            let within = format!("tr[data-key=\"{k}\"] ");
            vec![
                format!("{within}[data-testid=\"{testid}\"]"),
                format!("{within}button, {within}select"),
                "[data-testid=\"case-pip\"] legend".to_string(),
            ]
        }
        None => vec![format!(
            "[data-testid=\"case-view\"] [data-testid=\"{testid}\"]"
        )],
    };
    let document = web_sys::window().and_then(|w| w.document());
    let active = || document.as_ref().and_then(|d| d.active_element());
    // Focus the user put on something of the page's own, still there — not the page nor
    // the record's pane, where the workspace puts it itself when it draws a record again.
    let moved_on = |ours: &web_sys::Element| {
        active().is_some_and(|a| {
            a.is_connected()
                && a.tag_name() != "BODY"
                && !a.matches(".ws-detail").unwrap_or(false)
                && !a.is_same_node(Some(ours))
        })
    };
    let old = active();
    let mut ours: Option<web_sys::HtmlElement> = None;
    // Frames since the focus was last put back: its control is kept in sight meanwhile.
    let mut settling = 0;
    // The case is read again and drawn, then drawn again when the server's copy comes
    // back, seconds later on a busy laptop (CI drew it after the first focus was put
    // back and done with): watched for half a minute.
    let deadline = crate::util::now_ms() + 30_000;
    while crate::util::now_ms() < deadline {
        gloo_timers::future::TimeoutFuture::new(50).await;
        match (&ours, &old) {
            (Some(el), _) if el.is_connected() => {
                // Kept in sight while the page settles (the verification of this
                // session's fixes: the closed case left the open list, the pane moved,
                // and «Chiudi il caso» with its message went below the pane's edge).
                if settling < 60 {
                    settling += 1;
                    if active().is_some_and(|a| a.is_same_node(Some(el))) && !in_sight(el) {
                        el.scroll_into_view_with_bool(false);
                        then();
                        settling = 0;
                    }
                }
                if moved_on(el) {
                    return;
                }
                // Taken by the page or the pane (a list drawn again): given back.
                if !active().is_some_and(|a| a.is_same_node(Some(el))) {
                    let _ = el.focus();
                    settling = 0;
                }
                continue;
            }
            // Drawn again: gone with it unless the user moved the focus meanwhile.
            (Some(el), _) if moved_on(el) => return,
            (None, Some(o)) if o.is_connected() && moved_on(o) => return,
            _ => {}
        }
        for sel in &selectors {
            if let Some(el) = super::html_element(sel)
                && old.as_ref().is_none_or(|o| !o.is_same_node(Some(&el)))
                && el.is_connected()
            {
                if sel.ends_with("legend") {
                    let _ = el.set_attribute("tabindex", "-1");
                }
                let _ = el.focus();
                then();
                settling = 0;
                ours = Some(el);
                break;
            }
        }
    }
}

/// Whether `el` shows whole within the window and the record's pane it scrolls in.
fn in_sight(el: &web_sys::HtmlElement) -> bool {
    let edges = |e: &web_sys::Element| -> Option<(f64, f64)> {
        let rect = js_sys::Reflect::get(e, &"getBoundingClientRect".into())
            .ok()
            .and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok())?
            .call0(e)
            .ok()?;
        let at = |k: &str| js_sys::Reflect::get(&rect, &k.into()).ok()?.as_f64();
        Some((at("top")?, at("bottom")?))
    };
    let Some((top, bottom)) = edges(el) else {
        return true;
    };
    let height = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(f64::MAX);
    let (pane_top, pane_bottom) = el
        .closest(".ws-detail")
        .ok()
        .flatten()
        .and_then(|p| edges(&p))
        .unwrap_or((0.0, height));
    top >= pane_top.max(0.0) - 1.0 && bottom <= pane_bottom.min(height) + 1.0
}

/// The id of the case list's row that has the focus, if one has.
fn focused_case_row() -> Option<String> {
    let el = web_sys::window()?.document()?.active_element()?;
    (el.get_attribute("data-testid").as_deref() == Some("case-row"))
        .then(|| el.get_attribute("data-id"))
        .flatten()
}

/// One row of the case list; a click opens the case beside the list. Worked as the other
/// lists: one stop of Tab (the case open, else the first row), ↑ ↓ between rows, Enter
/// opens, the open one marked (a new user's walk: every row a stop, none marked).
fn case_row(
    r: &ListRow,
    first: bool,
    tr: &'static Catalogue,
    open: RwSignal<Option<Open>>,
) -> impl IntoView + use<> {
    let id = r.id;
    let name = r.name.clone().unwrap_or_else(|| {
        if r.person_held {
            tr.person_anonymous.to_string()
        } else {
            tr.case_person_not_held.to_string()
        }
    });
    let pip = format!("{}/{}", r.interventions_done, r.interventions);
    view! {
        <tr data-testid="case-row" data-id=id.to_string()
            tabindex=move || match open.get() {
                Some(Open::Case(o)) if o == id => "0",
                Some(Open::Case(_)) => "-1",
                _ if first => "0",
                _ => "-1",
            }
            aria-selected=move || (open.get() == Some(Open::Case(id))).to_string()
            on:click=move |_| open.set(Some(Open::Case(id)))
            on:keydown=super::row_keys>
            <td>{name}</td>
            <td>{util::day_label(&r.opened_at, tr.lang())}</td>
            <td>{r.manager.clone()}</td>
            <td>{r.review_due.as_deref().map(|d| util::day_label(d, tr.lang())).unwrap_or_default()}</td>
            <td>{pip}</td>
            <td>{row_flags(r, tr)}</td>
        </tr>
    }
}

/// The cases taken in charge: open ones by default, overdue reviews first.
#[component]
pub fn CaseList(
    refreshed: RwSignal<u32>,
    /// The record open beside the list (the workspace keeps it in the address).
    open: RwSignal<Option<Open>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    // A case opened takes the focus, as a record of the other lists does: under the
    // list (narrower than 1280 px) that brings it into view (a new user's walk at
    // 1024 px: a click left the case 1,000 px below, only Enter showed it).
    Effect::new(move |before: Option<Option<Open>>| {
        let now = open.get();
        if before.is_some_and(|b| b != now) && now.is_some() {
            super::focus_soon(".ws-detail");
        }
        now
    });
    let status = RwSignal::new("open".to_string());
    let mine = RwSignal::new(false);
    // Read again when the feed moved (a case changed here or elsewhere, once synced):
    // a case closed beside the list leaves the open ones without "Aggiorna".
    // A row with the focus keeps it when the list is drawn again (the feed moved while
    // the list was worked with the keyboard).
    let refocus = StoredValue::new(None::<String>);
    let list = LocalResource::new(move || {
        refreshed.track();
        ctx.pulled.track();
        refocus.set_value(focused_case_row());
        let q = format!(
            "/api/cases?status={}{}",
            status.get(),
            if mine.get() { "&manager=me" } else { "" }
        );
        let (status, mine) = (
            status.get(),
            mine.get().then(|| me(ctx).map(|(_, n)| n)).flatten(),
        );
        async move {
            match fetch_rows(ctx, q).await {
                Ok(rows) => Ok((
                    Arc::new(rows.iter().map(ListRow::of).collect::<Vec<_>>()),
                    false,
                )),
                // Without the network: the cases this device keeps offline.
                Err(ApiError::Network) => Ok((Arc::new(held_rows(&status, mine).await), true)),
                Err(e) => Err(e),
            }
        }
    });
    // What the list shows: drawn again only when the rows changed (the feed moves often,
    // mostly with other records), and kept while they are read again.
    let shown = Memo::new(move |prev: Option<&Option<_>>| match list.get() {
        Some(now) => Some(now),
        None => prev.cloned().flatten(),
    });
    Effect::new(move |_| {
        if shown.with(|l| l.is_none()) {
            return;
        }
        if let Some(id) = refocus.get_value() {
            refocus.set_value(None);
            request_animation_frame(move || {
                if focused_case_row().as_deref() == Some(id.as_str()) {
                    return;
                }
                if let Some(row) =
                    super::html_element(&format!("[data-testid=\"case-row\"][data-id=\"{id}\"]"))
                {
                    let _ = row.focus();
                }
            });
        }
    });
    view! {
        <div class="row ws-filters" data-testid="case-filters">
            <label for="case-status">{move || t().ws_status}
                <select id="case-status" data-testid="case-status" on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="open" selected=move || status.get() == "open">{move || t().case_open}</option>
                    <option value="closed" selected=move || status.get() == "closed">{move || t().case_closed}</option>
                    <option value="all" selected=move || status.get() == "all">{move || t().ws_any}</option>
                </select>
            </label>
            <label class="check"><input type="checkbox" data-testid="case-mine" prop:checked=move || mine.get()
                on:change=move |ev| mine.set(event_target_checked(&ev))/>" "{move || t().case_mine}</label>
        </div>
        <div class="ws-split">
            <div class="ws-list">
                {move || shown.get().map(|res| match res {
                    Err(e) => super::unavailable(&e, t()),
                    Ok((rows, held)) if rows.is_empty() => view! {
                        {held.then(|| view! { <p class="hint" data-testid="cases-held">{t().case_list_offline}</p> })}
                        <p data-testid="cases-empty">{t().case_none}</p>
                    }.into_any(),
                    Ok((rows, held)) => {
                        let tr = t();
                        // Thousands of cases: a page of rows at first, drawn a few per
                        // browser task, and more on demand.
                        let total = rows.len();
                        let limit = RwSignal::new(LIST_PAGE);
                        let wanted = Memo::new(move |_| (0..total.min(limit.get())).collect::<Vec<usize>>());
                        let drawn = progressive(wanted, LIST_ROWS_PER_TASK);
                        let more = move || total > limit.get();
                        view! {
                            {held.then(|| view! { <p class="hint" data-testid="cases-held">{tr.case_list_offline}</p> })}
                            <table class="ws-table" data-testid="case-list">
                                <thead><tr><th>{tr.col_person}</th><th>{tr.case_opened_at}</th><th>{tr.case_manager}</th><th>{tr.case_review_due}</th><th>{tr.case_pip}</th><th>{tr.case_flags}</th></tr></thead>
                                <tbody>
                                    <For each=move || drawn.get() key=|i| *i let:i>
                                        {case_row(&rows[i], i == 0, tr, open)}
                                    </For>
                                </tbody>
                            </table>
                            <Show when=more>
                                <button type="button" class="secondary" data-testid="case-more" on:click=move |_| limit.update(|n| *n += LIST_PAGE)>{tr.show_more}</button>
                            </Show>
                        }.into_any()
                    }
                })}
            </div>
            <div class="ws-detail" role="region" tabindex="-1" aria-label=move || t().ws_record>
                {move || match open.get() {
                    Some(o) => view! { <super::Detail open=o on_open=open on_change=Callback::new(|()| {})/> }.into_any(),
                    None => view! { <p class="hint">{t().ws_select_hint}</p> }.into_any(),
                }}
            </div>
        </div>
    }
}

/// A person's cases on their page, and "open a case" for the roles that take cases in
/// charge (only with the person's consent).
#[component]
pub fn PersonCases(
    person: PersonRecord,
    on_open: RwSignal<Option<Open>>,
    /// The contact the case is opened from, when opened from a contact's page.
    #[prop(optional)]
    contact: Option<DocId>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let id = person.id;
    let list = LocalResource::new(move || {
        fetch::<Vec<CaseRow>>(ctx, format!("/api/cases?status=all&person={id}"))
    });
    let error = RwSignal::new(None::<&'static str>);
    let consented = person.consent.status == strada_shared::vocab::ConsentStatus::Given;
    // Not on a record merged into another: the survivor's page opens its cases.
    let can_open =
        role(ctx).is_some_and(|r| r.manages_cases()) && consented && person.merged_into.is_none();
    let team = person.team.clone();
    // One case open at a time: with one open (or its list not read yet) the button is
    // not offered (a new user's walk saw it beside an open case); once pressed, it waits.
    let busy = RwSignal::new(false);
    let has_open = move || match list.get() {
        None => true,
        Some(Ok(rows)) => rows.iter().any(|r| r.case.case.is_open()),
        // Offline the server's list is not read: the case may be opened here.
        Some(Err(_)) => false,
    };
    let open_case = move |_| {
        let Some((me_id, me_name)) = me(ctx) else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let mut case = CaseDoc::new(
            util::new_doc_id(),
            id,
            team.clone(),
            me_id,
            util::now_ms(),
            today(),
        );
        case.case_manager = me_name;
        case.contact_id = contact;
        let case_id = case.id;
        leptos::task::spawn_local(async move {
            let saved = match state::new_doc(&case).await {
                Ok(d) => state::save_new_docs(ctx, vec![d]).await,
                Err(e) => Err(e),
            };
            match saved {
                Ok(()) => {
                    // Sent first when online, so the case's page on the server exists.
                    send_now(ctx).await;
                    on_open.set(Some(Open::Case(case_id)))
                }
                Err(e) => error.set(Some(e.message(ctx.lang.get_untracked().t()))),
            }
            // The page may have moved to the case meanwhile.
            let _ = busy.try_set(false);
        });
    };
    view! {
        <h4>{move || t().case_title_many}</h4>
        {move || list.get().map(|res| match res {
            Ok(rows) => {
                let tr = t();
                view! {
                    <ul data-testid="person-cases">
                        {rows.into_iter().map(|r| {
                            let cid = r.case.case.id;
                            let state = if r.case.case.is_open() { tr.case_open } else { tr.case_closed };
                            let text = format!("{} · {}", util::day_label(&r.case.case.opened_at, ctx.lang.get_untracked()), state);
                            view! { <li><button type="button" class="link" data-testid="person-case" on:click=move |_| on_open.set(Some(Open::Case(cid)))>{text}</button>" "{row_flags(&ListRow::of(&r), tr)}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
            // A role that does not read cases sees nothing of them.
            Err(_) => ().into_any(),
        })}
        {move || (can_open && !has_open()).then(|| view! {
            <button type="button" data-testid="case-open-new" disabled=move || busy.get()
                on:click=open_case.clone()>{move || t().case_open_new}</button>
        })}
        {move || error.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
    }
}

/// What a save answered, shown under the section.
#[derive(Clone, Copy, PartialEq)]
enum Saved {
    Ok,
    Err(&'static str),
}

/// What the server knows of a case beyond its document — its person (through merges),
/// the contacts and referrals recorded about them, the job offers matching the plan —
/// asked beside the page, which meanwhile shows the device's copy.
#[derive(Clone, PartialEq)]
enum Remote {
    /// Asked, not answered yet.
    Waiting,
    Page(Box<CasePage>),
    /// Offline, not on the server yet, or the request failed.
    Unavailable,
}

impl Remote {
    fn page(&self) -> Option<&CasePage> {
        match self {
            Remote::Page(p) => Some(p),
            _ => None,
        }
    }
}

async fn ask_page(ctx: Ctx, id: DocId) -> Remote {
    match fetch::<CasePage>(ctx, format!("/api/cases/{id}")).await {
        Ok(p) => Remote::Page(Box::new(p)),
        Err(_) => Remote::Unavailable,
    }
}

/// A case as its page first draws it.
struct Loaded {
    case: Result<CaseDoc, state::EditError>,
    rules: Option<PuaRulesDoc>,
    /// The person's name as the device holds them (a laptop keeping the team or the
    /// person offline).
    alias: Option<String>,
    /// The server holds the case (so it has a page there).
    on_server: bool,
    /// Read from the device without asking the server: its copy is still to merge.
    from_device: bool,
}

/// The case and the rules as the device holds them — no request, so a laptop keeping
/// its cases offline opens one at once, with or without a network; what the device does
/// not hold is taken from the server (a case of a team or person not kept offline, the
/// rules the first time).
async fn load_case(ctx: Ctx, id: DocId) -> Loaded {
    let summarised = state::held_case_person(id);
    let held = state::read_held(&[id, rules_id()]).await;
    let (case, on_server, from_device) = match held.as_ref().map(|h| h.get::<CaseDoc>(id)) {
        Ok(Ok(Some((c, on_server)))) => (Ok(c), on_server, true),
        Ok(Ok(None)) => match state::open_doc::<CaseDoc>(ctx, id).await {
            Ok((c, on_server)) => (Ok(c), on_server, false),
            Err(e) => (Err(e), false, false),
        },
        Ok(Err(e)) => (Err(e), false, false),
        Err(e) => (Err(e.clone()), false, false),
    };
    let rules = match held.map(|h| h.get::<PuaRulesDoc>(rules_id())) {
        Ok(Ok(Some((r, _)))) => Some(r),
        _ => load_rules(ctx).await,
    };
    // The person's name from the summaries in memory when the case has one (the person
    // held or not), else from the person's document.
    let alias = match (&case, summarised) {
        (Ok(c), Some((person, alias))) if person == c.person_id => alias,
        (Ok(c), _) => state::read_held(&[c.person_id])
            .await
            .ok()
            .and_then(|h| h.get::<PersonDoc>(c.person_id).ok().flatten())
            .and_then(|(p, _)| p.aliases.first().cloned()),
        (Err(_), _) => None,
    };
    Loaded {
        case,
        rules,
        alias,
        on_server,
        from_device,
    }
}

/// A case's page. Every section edits `draft` and saves its own fields.
#[component]
pub fn CaseView(id: DocId, on_open: RwSignal<Option<Open>>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let version = RwSignal::new(0u32);
    let draft = RwSignal::new(None::<CaseDoc>);
    let saved = RwSignal::new(None::<(&'static str, Saved)>);
    let remote = RwSignal::new(Remote::Waiting);
    // Anything typed in the page since it was last drawn (the sections hold their own
    // fields besides the draft): the server's copy then waits for the next opening
    // rather than redraw the page over it.
    let typed = RwSignal::new(false);
    // The case as the page last drew or saved it, and whether a copy read since says
    // another desk (or the server) changed it: the page then says so and redraws when
    // asked, never by itself (the sections keep state the draft does not see).
    let baseline = StoredValue::new(None::<CaseDoc>);
    // The section whose save was just told that a colleague set its values otherwise.
    let warned = StoredValue::new(None::<&'static str>);
    // Whether the case is open and its stage, as last drawn or saved: the heading
    // follows a save (a new user's walk: «Aperto · Presa in carico» stayed after the
    // assessment was saved, until a reload).
    let standing = RwSignal::new(None::<Standing>);
    let changed = RwSignal::new(false);
    // The case and the rules as the device holds them, drawn at once; online, beside
    // the page, what only the server knows (`remote`) and the server's copy of the case
    // and the rules, merged into the device's — drawn again if they brought anything
    // and nothing was typed yet.
    let loaded = LocalResource::new(move || {
        version.track();
        async move {
            let l = load_case(ctx, id).await;
            let ask = l.on_server && ctx.online.get_untracked();
            let page_first = ask && l.alias.is_none();
            if !ask {
                let _ = remote.try_set(Remote::Unavailable);
            } else if page_first {
                // The device does not hold the person: their name comes with the page.
                let _ = remote.try_set(ask_page(ctx, id).await);
            }
            if ask && (l.from_device || !page_first) {
                let (shown, rules) = (l.case.clone().ok(), l.rules.clone());
                leptos::task::spawn_local(async move {
                    // Once the case is drawn: a first task lets the page queue the
                    // sections it draws later, a second comes after them (timers of one
                    // delay run in the order they were queued), so that handling what
                    // the server answers never delays the case on the screen.
                    gloo_timers::future::TimeoutFuture::new(0).await;
                    gloo_timers::future::TimeoutFuture::new(0).await;
                    if !page_first {
                        leptos::task::spawn_local(async move {
                            let _ = remote.try_set(ask_page(ctx, id).await);
                        });
                    }
                    if !l.from_device
                        || !matches!(
                            state::take_from_server(ctx, vec![id, rules_id()]).await,
                            Ok(true)
                        )
                    {
                        return;
                    }
                    let now = state::read_doc::<CaseDoc>(id).await.ok();
                    let rules_now = state::read_doc::<PuaRulesDoc>(rules_id()).await.ok();
                    let untouched = draft
                        .try_get_untracked()
                        .is_some_and(|d| d.is_none() || d == shown)
                        && typed.try_get_untracked() == Some(false);
                    if untouched && (now != shown || rules_now != rules) {
                        let _ = version.try_update(|v| *v += 1);
                    } else if now.is_some() && now != shown {
                        let _ = changed.try_set(true);
                    }
                });
            }
            (l.case, l.rules, l.alias)
        }
    });
    Effect::new(move |_| {
        if let Some((Ok(c), _, _)) = loaded.get() {
            standing.set(Some(Standing::of(&c)));
            baseline.set_value(Some(c.clone()));
            warned.set_value(None);
            draft.set(Some(c));
            typed.set(false);
            changed.set(false);
        }
    });
    // Whenever the feed moves (something was written somewhere, once synced), the
    // server's copy of the case is taken and compared with what the page drew: a
    // colleague's save shows as a notice with "Aggiorna" (a new user's walk: the open
    // case stayed as first drawn while another desk saved it). One check at a time; a
    // move during a check asks for one more, after a pause.
    let checking = StoredValue::new((false, false));
    Effect::new(move |seen: Option<u64>| {
        let moved = ctx.pulled.get();
        if seen.is_none_or(|s| s == moved) {
            return moved;
        }
        if checking.get_value().0 {
            checking.update_value(|c| c.1 = true);
            return moved;
        }
        checking.set_value((true, false));
        leptos::task::spawn_local(async move {
            loop {
                if ctx.online.get_untracked() {
                    let _ = state::take_from_server(ctx, vec![id]).await;
                }
                let now = state::read_doc::<CaseDoc>(id).await.ok();
                if let (Some(now), Some(Some(drawn))) = (now, baseline.try_get_value())
                    && now != drawn
                {
                    let _ = changed.try_set(true);
                }
                // Moves meanwhile are checked once more, a few seconds on: one request
                // per open case and burst of writes (each a read on the audit log).
                match checking.try_get_value() {
                    Some((_, true)) => {
                        checking.set_value((true, false));
                        gloo_timers::future::TimeoutFuture::new(3_000).await;
                    }
                    _ => break,
                }
            }
            let _ = checking.try_set_value((false, false));
        });
        moved
    });
    // Saves the section `key`: `apply` copies its fields from the draft onto the case as
    // the page drew it, and what that changed is written onto the case as the device
    // holds it now (`edited_over`): a field of the section this desk did not touch keeps
    // a colleague's value saved meanwhile (a new user's walk: a stale page's save of the
    // meeting's language wrote back the meeting's old date).
    let save = move |key: &'static str, apply: fn(&mut CaseDoc, &CaseDoc)| {
        let Some(d) = draft.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let tr = ctx.lang.get_untracked().t();
            let res = match state::read_doc::<CaseDoc>(id).await {
                Ok(mut current) => {
                    let stored = current.clone();
                    let drawn = baseline.try_get_value().flatten();
                    // What a colleague set otherwise meanwhile is not replaced without a
                    // word: the first save says so, a second one replaces it.
                    let over = drawn.as_ref().is_some_and(|base| {
                        let mut mine = base.clone();
                        apply(&mut mine, &d);
                        overlaps(base, &mine, &current)
                    });
                    if over && warned.try_get_value().flatten() != Some(key) {
                        warned.set_value(Some(key));
                        let _ = changed.try_set(true);
                        saved.set(Some((key, Saved::Err(tr.case_saved_over))));
                        return;
                    }
                    warned.set_value(None);
                    let merged = drawn.as_ref().and_then(|base| {
                        let mut mine = base.clone();
                        apply(&mut mine, &d);
                        edited_over(base, &mine, &current).map(|next| (next, mine))
                    });
                    // What the page now shows of the case: the next baseline.
                    let (next, shown) = match merged {
                        Some((next, mine)) => (next, mine),
                        None => {
                            apply(&mut current, &d);
                            (current.clone(), current)
                        }
                    };
                    match strada_shared::schema::Document::validate(&next) {
                        _ if next.dated_ahead(Some(&stored), &last_day()).is_some() => {
                            Err(tr.case_date_ahead)
                        }
                        _ if next.dated_before_opening(Some(&stored)).is_some() => {
                            Err(tr.case_date_before_opening)
                        }
                        Err(e) => Err(tr.validation(&e)),
                        Ok(()) => state::save_edit(ctx, next)
                            .await
                            .map(|()| {
                                let _ = standing.try_set(Some(Standing::of(&shown)));
                                baseline.set_value(Some(shown));
                            })
                            .map_err(|e| e.message(tr)),
                    }
                }
                Err(e) => Err(e.message(tr)),
            };
            saved.set(Some((key, res.map_or_else(Saved::Err, |()| Saved::Ok))));
            // The page is drawn again only where what it shows changed (a review, the
            // state, the offers matching the plan), once the server has it: drawing it
            // again drops what is being typed in other sections.
            if res.is_ok() && matches!(key, "review" | "closure" | "plan") {
                send_now(ctx).await;
                version.update(|v| *v += 1);
                // Back to the section saved, its message in sight (a new user's walk:
                // after «Chiudi il caso» the pane was thrown to the case's top).
                let (button, section) = match key {
                    "review" => ("review-add", "case-reviews"),
                    "closure" => ("case-close", "case-closure"),
                    _ => ("case-save-plan", "case-work-plan"),
                };
                // The message under the button too: its bottom edge to the pane's.
                restore_pip_focus(Some((None, button.to_string())), move || {
                    if let Some(said) = super::html_element(&format!(
                        "[data-testid=\"{section}\"] [data-testid=\"case-saved\"]"
                    )) {
                        said.scroll_into_view_with_bool(false);
                    }
                })
                .await;
            }
        });
    };
    let status_of = move |key: &'static str| {
        move || {
            saved.get().filter(|(k, _)| *k == key).map(|(_, s)| match s {
                Saved::Ok => view! { <p class="ok" role="status" data-testid="case-saved">{t().case_saved}</p> }.into_any(),
                Saved::Err(m) => view! { <p class="error" role="alert" data-testid="case-error">{m}</p> }.into_any(),
            })
        }
    };
    let manages = role(ctx).is_some_and(|r| r.manages_cases());
    let plans = role(ctx).is_some_and(|r| r.writes_work_plans());

    view! {
        <div class="case-view" data-testid="case-view" data-id=id.to_string() on:input=move |_| typed.set(true)>
        {move || changed.get().then(|| view! {
            <p class="banner update" role="status" data-testid="case-changed">{t().case_changed_elsewhere}" "
                <button type="button" class="secondary" data-testid="case-reload" on:click=move |_| version.update(|v| *v += 1)>{t().case_reload}</button>
            </p>
        })}
        {move || match loaded.get() {
            None => view! { <p>{t().loading}</p> }.into_any(),
            Some((Err(_), _, _)) => view! { <p class="error" role="alert">{t().central_needs_network}</p> }.into_any(),
            Some((Ok(case), rules, alias)) => {
                let tr = t();
                let rules_v: Option<RulesVersion> = rules.as_ref().and_then(|r| r.version(case.rules_version).or_else(|| r.current()).cloned());
                let rv = rules_v.clone().unwrap_or_else(|| RulesVersion::initial(case.author, 0));
                // The person as the server counts them (the survivor of merges) once it
                // answered; as the device holds them meanwhile, or without a network.
                let name = move || remote.with(|r| match r.page() {
                    Some(p) => alias_of(p.row.person.as_ref(), tr),
                    None => alias.clone().unwrap_or_else(|| tr.person_anonymous.to_string()),
                });
                let case_person = case.person_id;
                let person_id = move || remote.with_untracked(|r| r.page().and_then(|p| p.row.person.as_ref().map(|p| p.id))).unwrap_or(case_person);
                // Open, and where it stands (a new user's walk: "Aperto" from intake to
                // the PIP), or closed.
                let drawn_standing = Standing::of(&case);
                let state_label = move || standing.get().unwrap_or_else(|| drawn_standing.clone()).label(tr);
                // The next review as the server reckons it, or, until it answers, from the
                // device's copy under the same rules.
                let local_due = case.review_due(rules_v.as_ref().map_or(30, |v| v.review_interval_days));
                let due = Signal::derive({
                    let local_due = local_due.clone();
                    move || remote.with(|r| match r.page() {
                        Some(p) => p.row.review_due.clone(),
                        None => local_due.clone(),
                    }).unwrap_or_default()
                });
                let overdue = move || remote.with(|r| match r.page() {
                    Some(p) => p.row.overdue,
                    None => local_due.as_deref().is_some_and(|d| d < today().as_str()),
                });
                let quiet = move || remote.with(|r| r.page().is_some_and(|p| p.row.no_recent_contact));
                let chosen_offers = case.work_plan.offers.clone();
                view! {
                    // A role that writes no case, or only its work plan, is told so (a
                    // new user's walk: the director's page took typing and had no «Salva»).
                    {(!manages).then(|| view! {
                        <p class="hint" data-testid="case-read-only">{if plans { tr.case_plan_only } else { tr.case_read_only }}</p>
                    })}
                    <h3 data-testid="case-person">
                        <button type="button" class="link" on:click=move |_| on_open.set(Some(Open::Person(person_id())))>{name}</button>
                        " · "<span data-testid="case-state">{state_label}</span>
                    </h3>
                    <p class="hint">{tr.case_opened_at}": "{util::day_label(&case.opened_at, tr.lang())}
                        {rules_v.as_ref().map(|v| format!(" · {} {}", tr.case_rules_version, v.version))}</p>
                    {move || overdue().then(|| view! { <p class="warning" data-testid="case-overdue">{tr.case_overdue}": "{util::day_label(&due.get(), tr.lang())}</p> })}
                    {move || quiet().then(|| view! { <p class="warning" data-testid="case-no-contact">{tr.case_no_contact}</p> })}
                    // Fields two desks set apart: named here, chosen in "Da rivedere" (a
                    // new user's walk: the case page showed one value with no word).
                    {move || remote.with(|r| r.page().map(|p| under_review(&p.row.case.conflicts, tr))).flatten().map(|fields| view! {
                        <p class="warning" data-testid="case-under-review">{tr.case_under_review.with("fields", &fields)}</p>
                    })}
                    {move || remote.with(|r| *r == Remote::Unavailable).then(|| view! { <p class="hint">{tr.case_offline}</p> })}
                    // Straight to a section (a new user's walk, keyboard only: 122 Tabs
                    // from the case's top to a review).
                    <nav class="case-jump" aria-label=tr.case_jump data-testid="case-jump">
                        {[
                            ("case-intake", tr.case_intake),
                            ("case-assessment", tr.case_assessment),
                            ("case-eligibility", tr.case_eligibility),
                            ("case-pip", tr.case_pip_title),
                            ("case-work-plan", tr.case_work_plan),
                            ("case-reviews", tr.case_reviews),
                            ("case-closure", tr.case_closure),
                        ].into_iter().map(|(section, title)| view! {
                            <button type="button" class="link" data-section=section on:click=move |_| jump_to(section)>{title}</button>
                        }).collect_view()}
                    </nav>

                    // --- Presa in carico: who follows it, first meeting, access conditions.
                    <fieldset class="case-section" data-testid="case-intake">
                        <legend>{tr.case_intake}</legend>
                        <label>{tr.case_manager}" "
                            <input data-testid="case-manager" prop:value=case.case_manager.clone()
                                on:input=move |ev| draft.update(|d| if let Some(d) = d { d.case_manager = event_target_value(&ev) })/></label>
                        <label>{tr.case_labour_expert}" "
                            <input data-testid="case-labour-expert" prop:value=case.labour_expert.clone()
                                on:input=move |ev| draft.update(|d| if let Some(d) = d { d.labour_expert = event_target_value(&ev) })/></label>
                        <label>{tr.case_meeting_mode}" "
                            <select data-testid="case-mode" on:change=move |ev| draft.update(|d| if let Some(d) = d { d.first_meeting.mode = event_target_value(&ev) })>
                                <option value="">"—"</option>
                                {rv.meeting_modes.iter().map(|m| {
                                    let sel = m.code == case.first_meeting.mode;
                                    view! { <option value=m.code.clone() selected=sel title=m.explanation.clone()>{m.label.clone()}</option> }
                                }).collect_view()}
                            </select></label>
                        <label>{tr.case_meeting_date}" "
                            <input type="date" data-testid="case-meeting-date" prop:value=case.first_meeting.date.clone().unwrap_or_default()
                                on:input=move |ev| draft.update(|d| if let Some(d) = d { d.first_meeting.date = opt(event_target_value(&ev)) })/></label>
                        <label>{tr.case_language}" "
                            <select data-testid="case-language"
                                on:change=move |ev| draft.update(|d| if let Some(d) = d { d.first_meeting.language = event_target_value(&ev) })>
                                <option value="" selected=case.first_meeting.language.is_empty()>{tr.not_said}</option>
                                // A language kept as typed by an older version stays a choice.
                                {(!case.first_meeting.language.is_empty()
                                    && strada_shared::domain::language_name(&case.first_meeting.language).is_none())
                                    .then(|| view! { <option value=case.first_meeting.language.clone() selected=true>{case.first_meeting.language.clone()}</option> })}
                                {strada_shared::domain::LANGUAGES.iter().map(|(code, name)| {
                                    let sel = case.first_meeting.language == *code;
                                    view! { <option value=*code lang=*code selected=sel>{*name}</option> }
                                }).collect_view()}
                            </select></label>
                        <label><input type="checkbox" data-testid="case-mediator" prop:checked=case.first_meeting.mediator == Mediator::Present
                            on:change=move |ev| draft.update(|d| if let Some(d) = d { d.first_meeting.mediator = if event_target_checked(&ev) { Mediator::Present } else { Mediator::Absent } })/>" "{tr.case_mediator}</label>
                        <h4>{tr.case_access}</h4>
                        {rv.access_conditions.iter().map(|a| {
                            let code = a.code.clone();
                            let checked = case.access.contains(&a.code);
                            view! {
                                <label class="check" title=a.explanation.clone()>
                                    <input type="checkbox" data-testid=format!("case-access-{}", a.code) prop:checked=checked
                                        on:change=move |ev| { let on = event_target_checked(&ev); let code = code.clone(); draft.update(|d| if let Some(d) = d { d.access.retain(|c| *c != code); if on { d.access.push(code); d.access.sort(); } }) }/>
                                    " "{a.label.clone()}<small>" — "{a.explanation.clone()}</small>
                                </label>
                            }
                        }).collect_view()}
                        {manages.then(|| view! {
                            <button type="button" data-testid="case-save-intake" on:click=move |_| save("intake", |c, d| {
                                c.case_manager = d.case_manager.trim().to_string();
                                c.labour_expert = d.labour_expert.trim().to_string();
                                c.first_meeting = d.first_meeting.clone();
                                c.access = d.access.clone();
                            })>{tr.case_save}</button>
                        })}
                        {status_of("intake")}
                    </fieldset>

                    // The sections below the first one come in later browser tasks (a
                    // case is hundreds of elements: drawn at once, a long task).
                    {let (case, rv, rules) = (case.clone(), rv.clone(), rules.clone()); view! { <Later>
                    // --- Assessment: the ILO indicators graded, an overall judgement.
                    <fieldset class="case-section" data-testid="case-assessment">
                        <legend>{tr.case_assessment}</legend>
                        <table class="ws-table assess-table">
                            <thead><tr><th>{tr.ws_indicator}</th><th>{tr.case_strength}</th><th>{tr.case_evidence}</th></tr></thead>
                            <tbody>
                            {Indicator::ALL.iter().map(|i| {
                                let code = i.code();
                                let grade = case.assessment.indicators.get(code).cloned();
                                let strength = grade.as_ref().map(|g| g.strength.clone()).unwrap_or_default();
                                view! {
                                    <tr>
                                        <td>{tr.indicator_name(*i)}</td>
                                        <td><select data-testid=format!("case-assess-{code}") aria-label=format!("{} — {}", tr.case_strength, tr.indicator_name(*i)) on:change=move |ev| {
                                            let v = event_target_value(&ev);
                                            draft.update(|d| if let Some(d) = d {
                                                if v.is_empty() { d.assessment.indicators.remove(code); }
                                                else { d.assessment.indicators.entry(code.to_string()).or_insert_with(Grade::default).strength = v; }
                                            })
                                        }>
                                            <option value="">"—"</option>
                                            {Strength::ALL.iter().map(|s| {
                                                let sel = strength == s.code();
                                                view! { <option value=s.code() selected=sel>{tr.strength_names.get(s.code())}</option> }
                                            }).collect_view()}
                                        </select></td>
                                        <td><input data-testid=format!("case-evidence-{code}") aria-label=format!("{} — {}", tr.case_evidence, tr.indicator_name(*i)) prop:value=grade.map(|g| g.evidence).unwrap_or_default()
                                            on:input=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(d) = d && let Some(g) = d.assessment.indicators.get_mut(code) { g.evidence = v; }) }/></td>
                                    </tr>
                                }
                            }).collect_view()}
                            </tbody>
                        </table>
                        <label>{tr.case_judgement}" "
                            <select data-testid="case-judgement" on:change=move |ev| draft.update(|d| if let Some(d) = d { d.assessment.judgement = event_target_value(&ev) })>
                                <option value="">"—"</option>
                                {rv.judgements.iter().map(|j| {
                                    let sel = j.code == case.assessment.judgement;
                                    view! { <option value=j.code.clone() selected=sel title=j.explanation.clone()>{j.label.clone()}</option> }
                                }).collect_view()}
                            </select></label>
                        <label>{tr.case_note}" "
                            <textarea data-testid="case-assessment-note" prop:value=case.assessment.note.clone()
                                on:input=move |ev| draft.update(|d| if let Some(d) = d { d.assessment.note = event_target_value(&ev) })></textarea></label>
                        {manages.then(|| {
                            let version_now = rules.as_ref().and_then(|r| r.current()).map_or(0, |v| v.version);
                            view! {
                                <button type="button" data-testid="case-save-assessment" on:click=move |_| {
                                    let v = version_now;
                                    draft.update(|d| if let Some(d) = d && d.is_open() && v > 0 { d.rules_version = v; });
                                    save("assessment", |c, d| {
                                        c.assessment = d.assessment.clone();
                                        c.assessment.indicators.retain(|_, g| !g.strength.is_empty());
                                        if c.assessment.at.is_none() { c.assessment.at = Some(today()); }
                                        if c.is_open() { c.rules_version = d.rules_version; }
                                    })
                                }>{tr.case_save}</button>
                            }
                        })}
                        {status_of("assessment")}
                    </fieldset>

                    // --- Eligibility: the criteria met, the decision with date and reasons.
                    <fieldset class="case-section" data-testid="case-eligibility">
                        <legend>{tr.case_eligibility}</legend>
                        {rv.criteria.iter().map(|c| {
                            let code = c.code.clone();
                            let checked = case.eligibility.criteria.contains(&c.code);
                            view! {
                                <label class="check">
                                    <input type="checkbox" data-testid=format!("case-criterion-{}", c.code) prop:checked=checked
                                        on:change=move |ev| { let on = event_target_checked(&ev); let code = code.clone(); draft.update(|d| if let Some(d) = d { d.eligibility.criteria.retain(|x| *x != code); if on { d.eligibility.criteria.push(code); d.eligibility.criteria.sort(); } }) }/>
                                    " "{c.label.clone()}<small>" — "{c.explanation.clone()}</small>
                                </label>
                            }
                        }).collect_view()}
                        <label>{tr.case_decision}" "
                            <select data-testid="case-decision" on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(d) = d { d.eligibility.decision = Decision::from_code(&v).unwrap_or_default() }) }>
                                {Decision::ALL.iter().map(|x| {
                                    let sel = *x == case.eligibility.decision;
                                    view! { <option value=x.code() selected=sel>{tr.decision_names.get(x.code())}</option> }
                                }).collect_view()}
                            </select></label>
                        <label>{tr.case_decision_date}" "
                            <input type="date" data-testid="case-decision-date" prop:value=case.eligibility.at.clone().unwrap_or_default()
                                on:input=move |ev| draft.update(|d| if let Some(d) = d { d.eligibility.at = opt(event_target_value(&ev)) })/></label>
                        <label>{tr.case_reasons}" "
                            <textarea data-testid="case-reasons" prop:value=case.eligibility.reasons.clone()
                                on:input=move |ev| draft.update(|d| if let Some(d) = d { d.eligibility.reasons = event_target_value(&ev) })></textarea></label>
                        {manages.then(|| view! {
                            <button type="button" data-testid="case-save-eligibility" on:click=move |_| save("eligibility", |c, d| {
                                c.eligibility = d.eligibility.clone();
                            })>{tr.case_save}</button>
                        })}
                        {status_of("eligibility")}
                    </fieldset>

                    </Later> }}
                    {let case = case.clone(); view! { <Later>
                    // --- The PIP: interventions.
                    {pip_section(ctx, case.clone(), remote, draft, manages, (saved, baseline), version)}

                    // --- The work-reintegration plan.
                    <fieldset class="case-section" data-testid="case-work-plan">
                        <legend>{tr.case_work_plan}</legend>
                        <label>{tr.ws_sector}" "
                            <select data-testid="plan-sector" on:change=move |ev| draft.update(|d| if let Some(d) = d { d.work_plan.sector = event_target_value(&ev) })>
                                <option value="">"—"</option>
                                {Sector::ALL.iter().map(|s| {
                                    let sel = case.work_plan.sector == s.code();
                                    view! { <option value=s.code() selected=sel>{tr.sector_name(*s)}</option> }
                                }).collect_view()}
                            </select></label>
                        // Chosen from the languages the app knows, not typed as codes (a new
                        // user's walk: "rumeno, italiano" was kept as two unknown codes); a
                        // code kept from before stays a choice.
                        <fieldset data-testid="plan-languages">
                            <legend>{tr.case_plan_languages}</legend>
                            <div class="needs">
                                {strada_shared::domain::LANGUAGES
                                    .iter()
                                    .map(|(code, _)| code.to_string())
                                    .chain(case.work_plan.languages.iter().filter(|l| strada_shared::domain::language_name(l).is_none()).cloned())
                                    .map(|code| {
                                        let checked = case.work_plan.languages.contains(&code);
                                        let name = tr.language_name(&code);
                                        let c = code.clone();
                                        view! {
                                            <label class="need">
                                                <input type="checkbox" data-testid=format!("plan-language-{code}") prop:checked=checked
                                                    on:change=move |ev| { let on = event_target_checked(&ev); let c = c.clone(); draft.update(|d| if let Some(d) = d {
                                                        let l = &mut d.work_plan.languages;
                                                        l.retain(|x| *x != c);
                                                        if on { l.push(c); }
                                                        l.sort();
                                                    }) }/>
                                                <span>{name}</span>
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                            </div>
                        </fieldset>
                        <label>{tr.case_skills}" "
                            <textarea data-testid="plan-skills" prop:value=case.work_plan.skills.clone()
                                on:input=move |ev| draft.update(|d| if let Some(d) = d { d.work_plan.skills = event_target_value(&ev) })></textarea></label>
                        <label>{tr.case_training}" "
                            <textarea data-testid="plan-training" prop:value=case.work_plan.training.clone()
                                on:input=move |ev| draft.update(|d| if let Some(d) = d { d.work_plan.training = event_target_value(&ev) })></textarea></label>
                        <h4>{tr.case_matches}</h4>
                        {let chosen_offers = chosen_offers.clone(); move || remote.with(|r| {
                            let matches = r.page().map(|p| p.matches.clone()).unwrap_or_default();
                            let chosen_offers = chosen_offers.clone();
                            view! {
                                {matches.is_empty().then(|| view! { <p class="hint">{tr.case_no_matches}</p> })}
                                <ul data-testid="plan-matches">
                                {matches.into_iter().map(|m| {
                                    let oid = m.offer.to_string();
                                    let chosen = chosen_offers.contains(&oid);
                                    let reasons = m.reasons.iter().map(|r| reason_text(r, tr)).collect::<Vec<_>>().join(" · ");
                                    let o2 = oid.clone();
                                    view! {
                                        <li data-testid="plan-match" data-id=oid.clone()>
                                            <label class="check"><input type="checkbox" data-testid="plan-offer" prop:checked=chosen
                                                on:change=move |ev| { let on = event_target_checked(&ev); let o = o2.clone(); draft.update(|d| if let Some(d) = d { d.work_plan.offers.retain(|x| *x != o); if on { d.work_plan.offers.push(o); d.work_plan.offers.sort(); } }) }/>
                                            " "<strong>{m.employer.clone()}</strong>" · "{tr.sector_names.name_of(&m.sector)}" · "{tr.case_positions.n(m.positions.max(0) as usize)}
                                            " · "{tr.case_score.with("score", &m.score.to_string())}</label>
                                            <small data-testid="plan-reasons">{reasons}</small>
                                        </li>
                                    }
                                }).collect_view()}
                                </ul>
                            }
                        })}
                        {plans.then(|| view! {
                            <button type="button" data-testid="case-save-plan" on:click=move |_| save("plan", |c, d| {
                                c.work_plan = d.work_plan.clone();
                            })>{tr.case_save}</button>
                        })}
                        {status_of("plan")}
                    </fieldset>

                    </Later> }}
                    <Later>
                    // --- Reviews.
                    {reviews_section(ctx, case.clone(), due, draft, manages, save, status_of("review"))}

                    // --- What the teams recorded of the person (through merges).
                    {move || remote.with(|r| r.page().map(|p| {
                        let contacts = p.contacts.clone();
                        let referrals = p.referrals.clone();
                        view! {
                            <section class="case-section" data-testid="case-records">
                                <h4>{tr.ws_contacts}</h4>
                                <ul class="ws-timeline" data-testid="case-contacts">
                                    {contacts.into_iter().map(|c| {
                                        let cid = c.id;
                                        let text = format!("{} · {} · {}", util::day_label(c.occurred_at.get(..10).unwrap_or_default(), tr.lang()), crate::teams::label(&c.team), c.needs.iter().map(|n| tr.need(*n)).collect::<Vec<_>>().join(", "));
                                        view! { <li><button type="button" class="link" data-testid="case-contact" on:click=move |_| on_open.set(Some(Open::Contact(cid)))>{text}</button></li> }
                                    }).collect_view()}
                                </ul>
                                <h4>{tr.ws_referrals}</h4>
                                <ul class="ws-timeline" data-testid="case-referrals">
                                    {referrals.into_iter().map(|r| {
                                        let rid = r.id;
                                        let text = format!("{} · {} · {} · {}", util::day_label(r.created_at.get(..10).unwrap_or_default(), tr.lang()), tr.need(r.need), r.organisation.clone().unwrap_or_else(|| r.partner.clone()), tr.referral_status(r.status));
                                        view! { <li><button type="button" class="link" data-testid="case-referral" on:click=move |_| on_open.set(Some(Open::Referral(rid)))>{text}</button></li> }
                                    }).collect_view()}
                                </ul>
                            </section>
                        }
                    }))}

                    // --- Closure.
                    <fieldset class="case-section" data-testid="case-closure">
                        <legend>{tr.case_closure}</legend>
                        <label>{tr.case_closed_at}" "
                            <input type="date" data-testid="close-date" prop:value=case.closed_at.clone().unwrap_or_default()
                                on:input=move |ev| draft.update(|d| if let Some(d) = d { d.closed_at = opt(event_target_value(&ev)) })/></label>
                        <label>{tr.case_outcome}" "
                            <select data-testid="close-outcome" on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| if let Some(d) = d { d.outcome = Outcome::from_code(&v) }) }>
                                <option value="">"—"</option>
                                {Outcome::ALL.iter().map(|o| {
                                    let sel = case.outcome == Some(*o);
                                    view! { <option value=o.code() selected=sel>{tr.outcome_names.get(o.code())}</option> }
                                }).collect_view()}
                            </select></label>
                        {manages.then(|| view! {
                            <button type="button" data-testid="case-close" on:click=move |_| save("closure", |c, d| {
                                c.closed_at = d.closed_at.clone();
                                c.outcome = d.outcome;
                            })>{tr.case_save_closure}</button>
                        })}
                        {status_of("closure")}
                    </fieldset>
                    </Later>
                }.into_any()
            }
        }}
        </div>
    }
}

/// What a reason of a job match says.
fn reason_text(r: &MatchReason, t: &'static Catalogue) -> String {
    match r {
        MatchReason::Sector { sector } => t
            .case_reason_sector
            .with("sector", &t.sector_names.name_of(sector)),
        MatchReason::Languages { languages } => t
            .case_reason_languages
            .with("languages", &t.language_list(languages, ", ")),
        MatchReason::Distance { km } => t.case_reason_distance.with("km", &format!("{km:.0}")),
        MatchReason::InSeason => t.case_reason_season.to_string(),
        MatchReason::StartsSoon { days } => t.case_reason_soon.n(*days as usize),
    }
}

/// The PIP's interventions: each with its status and date; a new one; "send to the
/// partner" creates a referral in the person's latest contact (the team that met them
/// receives it) and links it.
/// `mine` (the case as the page drew it, `base`, with a section's edits) written onto
/// `theirs` (the case as the device holds it now, colleagues' saves merged in): each
/// field `mine` changed takes its value, every other keeps `theirs`; a list `mine`
/// only added to keeps what `theirs` added too (a review each). `None` when a value
/// does not read back as a case (then the section is written as before).
fn edited_over(base: &CaseDoc, mine: &CaseDoc, theirs: &CaseDoc) -> Option<CaseDoc> {
    let json = |c: &CaseDoc| serde_json::to_value(c).ok();
    let merged = three_way(&json(base)?, &json(mine)?, &json(theirs)?, &[]);
    serde_json::from_value(merged).ok()
}

/// Parts of a case written whole, never field by field: a grade with its evidence (one
/// desk's grade with the other's evidence would say what neither wrote).
fn whole(path: &[&str]) -> bool {
    matches!(path, ["assessment", "indicators", _])
}

/// A decision with its date and reasons, written together: this desk's when it changed
/// any of them (its criteria, a set, merge as sets do).
fn decision(
    base: &serde_json::Value,
    mine: &serde_json::Value,
    theirs: &serde_json::Value,
) -> serde_json::Value {
    let parts = ["decision", "at", "reasons"];
    let changed = |x: &serde_json::Value| parts.iter().any(|k| base.get(k) != x.get(k));
    // Both desks decided: this desk's decision goes whole, its criteria too (the
    // reviewer was told, and saved again): one desk's decision with the other's
    // criteria would say what neither decided.
    if changed(mine) && changed(theirs) {
        return mine.clone();
    }
    let mut out = theirs.clone();
    if changed(mine)
        && let (Some(out), Some(mine)) = (out.as_object_mut(), mine.as_object())
    {
        for k in parts {
            match mine.get(k) {
                Some(v) => out.insert(k.to_string(), v.clone()),
                None => out.remove(k),
            };
        }
    }
    let null = serde_json::Value::Null;
    let criteria = three_way(
        base.get("criteria").unwrap_or(&null),
        mine.get("criteria").unwrap_or(&null),
        theirs.get("criteria").unwrap_or(&null),
        &["eligibility", "criteria"],
    );
    if let Some(out) = out.as_object_mut() {
        out.insert("criteria".into(), criteria);
    }
    out
}

/// Whether this desk's save (`base` → `mine`) sets something a colleague set otherwise
/// since the page was drawn (`base` → `theirs`): a value both changed, a grade, or a
/// decision (with its date, reasons and criteria). Lists merge as sets and never
/// overlap. A new user's walk: a stale desk's "not eligible" was saved over a
/// colleague's "eligible" without a word, beside the colleague's criteria.
fn overlaps(base: &CaseDoc, mine: &CaseDoc, theirs: &CaseDoc) -> bool {
    let json = |c: &CaseDoc| serde_json::to_value(c).ok();
    match (json(base), json(mine), json(theirs)) {
        (Some(b), Some(m), Some(t)) => overlap(&b, &m, &t, &[]),
        _ => false,
    }
}

fn overlap(
    base: &serde_json::Value,
    mine: &serde_json::Value,
    theirs: &serde_json::Value,
    path: &[&str],
) -> bool {
    use serde_json::Value;
    if mine == base || theirs == base || mine == theirs {
        return false;
    }
    if whole(path) {
        return true;
    }
    if path == ["eligibility"] {
        // The decision with its date and reasons (criteria merge as sets).
        let parts = |x: &Value| ["decision", "at", "reasons"].map(|k| x.get(k).cloned());
        let (b, m, t) = (parts(base), parts(mine), parts(theirs));
        return m != b && t != b && m != t;
    }
    match (base, mine, theirs) {
        (Value::Object(b), Value::Object(m), Value::Object(t)) => {
            let null = Value::Null;
            b.keys().chain(m.keys()).any(|k| {
                let mut p = path.to_vec();
                p.push(k);
                overlap(
                    b.get(k).unwrap_or(&null),
                    m.get(k).unwrap_or(&null),
                    t.get(k).unwrap_or(&null),
                    &p,
                )
            })
        }
        (Value::Array(_), Value::Array(_), Value::Array(_)) => false,
        _ => true,
    }
}

/// The three-way merge of [`edited_over`], on JSON values (`path`: where they are).
fn three_way(
    base: &serde_json::Value,
    mine: &serde_json::Value,
    theirs: &serde_json::Value,
    path: &[&str],
) -> serde_json::Value {
    use serde_json::Value;
    if mine == base {
        return theirs.clone();
    }
    if theirs == base || whole(path) {
        return mine.clone();
    }
    if path == ["eligibility"] {
        return decision(base, mine, theirs);
    }
    match (base, mine, theirs) {
        (Value::Object(b), Value::Object(m), Value::Object(t)) => {
            let mut out = t.clone();
            fn at<'a>(path: &[&'a str], k: &'a str) -> Vec<&'a str> {
                let mut p = path.to_vec();
                p.push(k);
                p
            }
            for (k, bv) in b {
                if !m.contains_key(k) {
                    out.remove(k);
                } else if m.get(k) != Some(bv) {
                    let tv = t.get(k).unwrap_or(&Value::Null);
                    out.insert(k.clone(), three_way(bv, &m[k], tv, &at(path, k)));
                }
            }
            for (k, mv) in m {
                if !b.contains_key(k) {
                    let tv = t.get(k).unwrap_or(&Value::Null);
                    out.insert(k.clone(), three_way(&Value::Null, mv, tv, &at(path, k)));
                }
            }
            Value::Object(out)
        }
        // Lists as sets (conditions and criteria ticked, reviews added): what this desk
        // took away goes, what it added comes, the colleague's own changes stay (a new
        // user's walk: a stale save of one condition unticked another desk's).
        (Value::Array(b), Value::Array(m), Value::Array(t)) => {
            let mut out: Vec<Value> = t
                .iter()
                .filter(|x| !b.contains(x) || m.contains(x))
                .cloned()
                .collect();
            for x in m {
                if !b.contains(x) && !out.contains(x) {
                    out.push(x.clone());
                }
            }
            Value::Array(out)
        }
        _ => mine.clone(),
    }
}

/// The fields of a case up for review, in words (`None`: none).
fn under_review(conflicts: &[FieldConflict], t: &'static Catalogue) -> Option<String> {
    let mut fields: Vec<String> = conflicts
        .iter()
        .map(|c| super::conflict_label(&c.field, t))
        .collect();
    fields.dedup();
    (!fields.is_empty()).then(|| fields.join("; "))
}

/// Which section was saved last, and how it went.
type SavedSection = RwSignal<Option<(&'static str, Saved)>>;

fn pip_section(
    ctx: Ctx,
    case: CaseDoc,
    remote: RwSignal<Remote>,
    draft: RwSignal<Option<CaseDoc>>,
    manages: bool,
    (saved, baseline): (SavedSection, StoredValue<Option<CaseDoc>>),
    version: RwSignal<u32>,
) -> impl IntoView {
    let t = ctx.lang.get_untracked().t();
    let need = RwSignal::new(NeedCategory::Shelter);
    let partner = RwSignal::new(String::new());
    // The directory's service picked for the partner (a new user's walk: the partner
    // was free text only, so the referral named no service the partner could see).
    let service_id = RwSignal::new(None::<String>);
    let planned = RwSignal::new(today());
    let id = case.id;
    // The person's latest contact, from the server's page (the team that met them
    // receives the referral).
    let latest = move || remote.with(|r| r.page().and_then(|p| p.contacts.first().cloned()));
    // Where the person was last met (contacts come newest first): the directory's
    // services are ranked by their distance from it, as on the phone.
    let last_met = Signal::derive(move || {
        remote.with(|r| {
            r.page()
                .and_then(|p| p.contacts.iter().find_map(|c| c.place))
        })
    });
    // Writes `change` onto the case as the device holds it, then reloads the page.
    // `extra`: a referral sent for the intervention `key`, created first — unless the
    // server's copy of the case, taken just before, says a colleague already sent it (a
    // new user's walk: two desks on a page drawn before either pressed "Invia al
    // partner" sent two referrals; the intervention kept one).
    // The intervention whose save was refused: its message shows in its row, beside
    // the value not saved (a new user's walk: it showed under the form, far below).
    let failed_row = RwSignal::new(None::<String>);
    let write = move |change: Box<dyn FnOnce(&mut CaseDoc)>,
                      extra: Option<(String, ReferralDoc)>,
                      row: Option<String>| {
        let focus = pip_focus();
        leptos::task::spawn_local(async move {
            let tr = ctx.lang.get_untracked().t();
            let res: Result<(), &'static str> = async {
                if let Some((key, r)) = &extra {
                    if ctx.online.get_untracked() {
                        let _ = state::take_from_server(ctx, vec![id]).await;
                    }
                    let now = state::read_doc::<CaseDoc>(id)
                        .await
                        .map_err(|e| e.message(tr))?;
                    if now
                        .interventions
                        .get(key)
                        .is_some_and(|i| i.referral_id.is_some())
                    {
                        return Err(tr.case_sent_elsewhere);
                    }
                    let d = state::new_doc(r).await.map_err(|e| e.message(tr))?;
                    state::save_new_docs(ctx, vec![d])
                        .await
                        .map_err(|e| e.message(tr))?;
                }
                let mut current = state::read_doc::<CaseDoc>(id)
                    .await
                    .map_err(|e| e.message(tr))?;
                let before = current.clone();
                change(&mut current);
                if current.dated_ahead(Some(&before), &last_day()).is_some() {
                    return Err(tr.case_date_ahead);
                }
                if current.dated_before_opening(Some(&before)).is_some() {
                    return Err(tr.case_date_before_opening);
                }
                strada_shared::schema::Document::validate(&current)
                    .map_err(|e| tr.validation(&e))?;
                state::save_edit(ctx, current.clone())
                    .await
                    .map_err(|e| e.message(tr))?;
                baseline.set_value(Some(current));
                Ok(())
            }
            .await;
            let sent_elsewhere = res == Err(tr.case_sent_elsewhere);
            let _ = failed_row.try_set(row.filter(|_| res.is_err() && !sent_elsewhere));
            saved.set(Some(("pip", res.map_or_else(Saved::Err, |()| Saved::Ok))));
            if res.is_ok() {
                send_now(ctx).await;
                version.update(|v| *v += 1);
                restore_pip_focus(focus, || ()).await;
            } else if sent_elsewhere {
                // Drawn again: the intervention shows as sent.
                version.update(|v| *v += 1);
                restore_pip_focus(focus, || ()).await;
            }
        });
    };
    let add = move |_| {
        let p = partner.get_untracked();
        let i = Intervention {
            need: need.get_untracked(),
            service_id: service_id.get_untracked(),
            partner: p.trim().to_string(),
            planned_at: planned.get_untracked(),
            done_at: None,
            status: InterventionStatus::Planned,
            referral_id: None,
            note: String::new(),
        };
        let key = util::new_doc_id().to_string();
        write(
            Box::new(move |c| {
                c.interventions.insert(key, i);
            }),
            None,
            None,
        );
        partner.set(String::new());
        service_id.set(None);
    };
    let rows: Vec<(String, Intervention)> = case.interventions.clone().into_iter().collect();
    view! {
        <fieldset class="case-section" data-testid="case-pip">
            <legend>{t.case_pip_title}</legend>
            <div class="table-wrap pip-wrap">
            <table class="ws-table pip-table" data-testid="pip-list">
                <thead><tr><th>{t.ws_need}</th><th>{t.ws_partner}</th><th>{t.case_planned_at}</th><th>{t.ws_status}</th><th>{t.case_done_at}</th><th>{t.case_actions}</th></tr></thead>
                <tbody>
                {rows.into_iter().map(|(key, i)| {
                    let k1 = key.clone();
                    let k2 = key.clone();
                    let k3 = key.clone();
                    let k4 = key.clone();
                    let k5 = key.clone();
                    let k6 = key.clone();
                    let sent = i.referral_id.is_some();
                    let i_send = i.clone();
                    view! {
                        <tr data-testid="pip-row" data-key=key.clone()>
                            <td data-label=t.ws_need>{t.need(i.need)}</td>
                            <td data-label=t.ws_partner>{i.partner.clone()}</td>
                            <td class="nowrap" data-label=t.case_planned_at>{util::day_label(&i.planned_at, t.lang())}</td>
                            <td data-label=t.ws_status><select data-testid="pip-status" aria-label=t.ws_status on:change=move |ev| { let v = event_target_value(&ev); let k = k1.clone(); draft.update(|d| if let Some(d) = d && let Some(x) = d.interventions.get_mut(&k) { x.status = InterventionStatus::from_code(&v).unwrap_or_default(); }) }>
                                {InterventionStatus::ALL.iter().map(|s| {
                                    let sel = *s == i.status;
                                    view! { <option value=s.code() selected=sel>{t.intervention_status_names.get(s.code())}</option> }
                                }).collect_view()}
                            </select>
                            // Why it was cancelled, what came of it (a new user's walk: «the
                            // person refused» had nowhere to go but a review's note).
                            <input class="pip-note" data-testid="pip-note" maxlength="2000" aria-label=t.case_pip_note placeholder=t.case_note
                                prop:value=i.note.clone() readonly=!manages
                                on:input=move |ev| { let v = event_target_value(&ev); let k = k6.clone(); draft.update(|d| if let Some(d) = d && let Some(x) = d.interventions.get_mut(&k) { x.note = v; }) }/></td>
                            <td data-label=t.case_done_at><input type="date" data-testid="pip-done-at" aria-label=t.case_done_at prop:value=i.done_at.clone().unwrap_or_default()
                                on:input=move |ev| { let v = opt(event_target_value(&ev)); let k = k2.clone(); draft.update(|d| if let Some(d) = d && let Some(x) = d.interventions.get_mut(&k) { x.done_at = v; }) }/></td>
                            <td class="pip-actions">
                                {manages.then(|| view! {
                                    <button type="button" class="secondary" data-testid="pip-save" on:click=move |_| {
                                        let k = k3.clone();
                                        let Some(x) = draft.get_untracked().and_then(|d| d.interventions.get(&k).cloned()) else { return };
                                        write(Box::new(move |c| { if let Some(y) = c.interventions.get_mut(&k) { y.status = x.status; y.done_at = x.done_at; y.note = x.note; } }), None, Some(k3.clone()));
                                    }>{t.case_save}</button>
                                })}
                                // Nothing to send for an intervention done or cancelled (a new
                                // user's walk: offered on one «Svolto»).
                                {(manages && !sent && !matches!(i.status, InterventionStatus::Done | InterventionStatus::Cancelled)).then(|| view! {
                                    <button type="button" data-testid="pip-send" disabled=move || latest().is_none() title=move || latest().is_none().then_some(t.case_send_needs_contact) on:click=move |_| {
                                        let (Some(c), Some((me_id, _))) = (latest(), me(ctx)) else { return };
                                        let now = util::now_ms();
                                        let r = ReferralDoc {
                                            id: util::new_doc_id(),
                                            contact: c.id,
                                            need: i_send.need,
                                            partner: if i_send.partner.trim().is_empty() { t.need(i_send.need).to_string() } else { i_send.partner.clone() },
                                            status: ReferralStatus::Sent,
                                            outcome: String::new(),
                                            author: me_id,
                                            team: c.team.clone(),
                                            created_at: now,
                                            service_id: i_send.service_id.clone(),
                                            person_id: c.person_id,
                                            history: vec![StatusChange { status: ReferralStatus::Sent, at: now, by: me_id, from: Some(ReferralStatus::Proposed), round: 0 }],
                                        };
                                        let rid = r.id;
                                        let k = k4.clone();
                                        write(Box::new(move |c| { if let Some(y) = c.interventions.get_mut(&k) { y.referral_id = Some(rid); if y.status == InterventionStatus::Planned { y.status = InterventionStatus::InProgress; } } }), Some((k4.clone(), r)), Some(k4.clone()));
                                    }>{t.case_send}</button>
                                })}
                                {sent.then(|| view! { <span class="badge" data-testid="pip-sent">{t.case_sent}</span> })}
                                {move || (failed_row.get().as_deref() == Some(k5.as_str())).then(|| saved.get()).flatten().and_then(|(k, s)| match s {
                                    Saved::Err(m) if k == "pip" => Some(view! { <p class="error pip-row-error" role="alert" data-testid="pip-row-error">{m}</p> }),
                                    _ => None,
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
                </tbody>
            </table>
            </div>
            {manages.then(|| view! {
                <div class="row" data-testid="pip-new">
                    <label>{t.ws_need}" "
                        <select data-testid="interv-need" on:change=move |ev| { let v = event_target_value(&ev); if let Some(n) = NeedCategory::ALL.iter().find(|n| n.code() == v) { need.set(*n); service_id.set(None); } }>
                            {NeedCategory::ALL.iter().map(|n| view! { <option value=n.code() selected=*n == NeedCategory::Shelter>{t.need(*n)}</option> }).collect_view()}
                        </select></label>
                    <label>{t.ws_partner}" "
                        <input data-testid="interv-partner" maxlength="120" prop:value=move || partner.get()
                            on:input=move |ev| { partner.set(event_target_value(&ev)); service_id.set(None); }/></label>
                    <label>{t.case_planned_at}" "
                        <input type="date" data-testid="interv-planned" node_ref=crate::components::typed::follows(move || planned.get()) on:input=move |ev| planned.set(event_target_value(&ev))/></label>
                    <button type="button" data-testid="interv-add" on:click=add>{t.case_add_intervention}</button>
                </div>
                // Or a service of the directory for that need: it names the partner.
                <details class="pip-directory" data-testid="interv-directory">
                    <summary>{t.case_pick_from_directory}</summary>
                    {move || last_met.get().is_some().then(|| view! {
                        <p class="small muted" data-testid="interv-directory-from">{t.case_pick_from_last_contact}</p>
                    })}
                    {move || {
                        let n = need.get();
                        view! {
                            <crate::components::service_picker::ServicePicker need=n
                                place=last_met
                                languages=Signal::derive(move || remote.with(|r| r.page().and_then(|p| p.row.person.as_ref().map(|p| p.languages.clone())).unwrap_or_default()))
                                documents=Signal::derive(move || remote.with(|r| r.page().and_then(|p| p.row.person.as_ref().map(|p| p.documents)).unwrap_or_default()))
                                gender=Signal::derive(move || remote.with(|r| r.page().and_then(|p| p.row.person.as_ref().map(|p| p.gender)).unwrap_or_default()))
                                on_pick=Callback::new(move |(id, name): (String, String)| {
                                    partner.set(name);
                                    service_id.set(Some(id));
                                })/>
                        }
                    }}
                </details>
            })}
            {move || saved.get().filter(|(k, _)| *k == "pip" && failed_row.with(Option::is_none)).map(|(_, s)| match s {
                Saved::Ok => view! { <p class="ok" role="status" data-testid="case-saved">{t.case_saved}</p> }.into_any(),
                Saved::Err(m) => view! { <p class="error" role="alert" data-testid="case-error">{m}</p> }.into_any(),
            })}
        </fieldset>
    }
}

/// The reviews of the PIP, the next one due, and a new review.
fn reviews_section<F, V>(
    ctx: Ctx,
    case: CaseDoc,
    due: Signal<String>,
    draft: RwSignal<Option<CaseDoc>>,
    manages: bool,
    save: F,
    status: V,
) -> impl IntoView
where
    F: Fn(&'static str, fn(&mut CaseDoc, &CaseDoc)) + Copy + 'static,
    V: IntoView + 'static,
{
    let t = ctx.lang.get_untracked().t();
    let at = RwSignal::new(today());
    let note = RwSignal::new(String::new());
    let add = move |_| {
        let Some((me_id, _)) = me(ctx) else { return };
        let r = Review {
            at: at.get_untracked(),
            note: note.get_untracked(),
            by: me_id,
        };
        // The new review rides on the draft's last entry; the save appends it.
        draft.update(|d| {
            if let Some(d) = d {
                d.reviews.push(r)
            }
        });
        save("review", |c, d| {
            if let Some(r) = d.reviews.last()
                && !c.reviews.contains(r)
            {
                c.reviews.push(r.clone());
            }
        });
    };
    view! {
        <fieldset class="case-section" data-testid="case-reviews">
            <legend>{t.case_reviews}</legend>
            {move || due.with(|d| (!d.is_empty()).then(|| view! { <p data-testid="case-review-due">{t.case_review_due}": "{util::day_label(d, t.lang())}</p> }))}
            <ul data-testid="review-list">
                {case.reviews.iter().map(|r| view! { <li data-testid="review"><time datetime=r.at.clone()>{util::day_label(r.at.get(..10).unwrap_or(&r.at), t.lang())}</time>" · "{r.note.clone()}</li> }).collect_view()}
            </ul>
            {manages.then(|| view! {
                <div class="row">
                    <label>{t.case_review_date}" "<input type="date" data-testid="review-date" node_ref=crate::components::typed::follows(move || at.get()) on:input=move |ev| at.set(event_target_value(&ev))/></label>
                    <label>{t.case_note}" "<input data-testid="review-note" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))/></label>
                    <button type="button" data-testid="review-add" on:click=add>{t.case_add_review}</button>
                </div>
            })}
            {status}
        </fieldset>
    }
}

/// The survey of local job demand: every offer, and a new one (labour-policy expert).
#[component]
pub fn JobOffers(refreshed: RwSignal<u32>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let version = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        refreshed.track();
        version.track();
        fetch::<Vec<JobOfferRecord>>(ctx, "/api/job-offers".into())
    });
    let employer = RwSignal::new(String::new());
    let sector = RwSignal::new(Sector::Agriculture);
    let area = RwSignal::new(String::new());
    let positions = RwSignal::new("1".to_string());
    // Chosen from the languages the app knows, as the work plan's (a new user's walk:
    // "italiano, punjabi" typed as codes was kept as two unknown ones, matched no plan
    // and left the export).
    let languages = RwSignal::new(Vec::<String>::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let lat = RwSignal::new(String::new());
    let lon = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Saved>);
    let writes = role(ctx).is_some_and(|r| r.writes_job_offers());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        let mut langs: Vec<String> = languages.get_untracked();
        langs.sort();
        langs.dedup();
        let place = match (
            lat.get_untracked().trim().parse::<f64>(),
            lon.get_untracked().trim().parse::<f64>(),
        ) {
            (Ok(lat), Ok(lon)) => Some(Place {
                lat,
                lon,
                accuracy_m: None,
            }),
            _ => None,
        };
        let offer = JobOfferDoc {
            id: util::new_doc_id(),
            employer: employer.get_untracked().trim().to_string(),
            sector: sector.get_untracked(),
            area: area.get_untracked().trim().to_string(),
            place,
            positions: positions.get_untracked().trim().parse().unwrap_or(0),
            languages: langs,
            from: opt(from.get_untracked()),
            to: opt(to.get_untracked()),
            note: String::new(),
            author: s.user.id,
            team: s.user.team.clone(),
            created_at: util::now_ms(),
        };
        leptos::task::spawn_local(async move {
            let tr = ctx.lang.get_untracked().t();
            let res = match strada_shared::schema::Document::validate(&offer) {
                Err(e) => Err(tr.validation(&e)),
                Ok(()) => match state::new_doc(&offer).await {
                    Ok(d) => state::save_new_docs(ctx, vec![d])
                        .await
                        .map_err(|e| e.message(tr)),
                    Err(e) => Err(e.message(tr)),
                },
            };
            if res.is_ok() {
                employer.set(String::new());
                // The list reads the server, which has it once synced.
                state::sync(ctx).await;
                version.update(|v| *v += 1);
            }
            result.set(Some(res.map_or_else(Saved::Err, |()| Saved::Ok)));
        });
    };
    view! {
        <div data-testid="job-offers">
            {move || list.get().map(|res| match res {
                Err(e) => super::unavailable(&e, t()),
                Ok(offers) => {
                    let tr = t();
                    view! {
                        <table class="ws-table" data-testid="job-offer-list">
                            <thead><tr><th>{tr.job_employer}</th><th>{tr.ws_sector}</th><th>{tr.job_area}</th><th>{tr.job_positions}</th><th>{tr.job_languages_col}</th><th>{tr.job_season}</th></tr></thead>
                            <tbody>
                            {offers.into_iter().map(|o| {
                                let o = o.offer;
                                let day = |d: &Option<String>| d.as_deref().map(|d| util::day_label(d, tr.lang())).unwrap_or_default();
                                let season = format!("{} – {}", day(&o.from), day(&o.to));
                                view! { <tr data-testid="job-offer"><td>{o.employer.clone()}</td><td>{tr.sector_name(o.sector)}</td><td>{o.area.clone()}</td><td>{o.positions}</td><td>{tr.language_list(&o.languages, ", ")}</td><td>{season}</td></tr> }
                            }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            })}
            {writes.then(|| view! {
                <form class="ws-filters" data-testid="job-offer-new" on:submit=add>
                    <label>{move || t().job_employer}" "<input required maxlength="120" data-testid="job-employer" prop:value=move || employer.get() on:input=move |ev| employer.set(event_target_value(&ev))/></label>
                    <label>{move || t().ws_sector}" "
                        <select data-testid="job-sector" on:change=move |ev| { let v = event_target_value(&ev); if let Some(s) = Sector::from_code(&v) { sector.set(s) } }>
                            {move || Sector::ALL.iter().map(|s| view! { <option value=s.code() selected=*s == sector.get_untracked()>{t().sector_name(*s)}</option> }).collect_view()}
                        </select></label>
                    <label>{move || t().job_area}" "<input maxlength="120" data-testid="job-area" prop:value=move || area.get() on:input=move |ev| area.set(event_target_value(&ev))/></label>
                    <label>{move || t().job_positions}" "<input type="number" min="1" data-testid="job-positions" prop:value=move || positions.get() on:input=move |ev| positions.set(event_target_value(&ev))/></label>
                    <details class="job-languages" data-testid="job-languages">
                        <summary>{move || t().job_languages}{move || languages.with(|l| (!l.is_empty()).then(|| format!(" ({})", l.len())))}</summary>
                        <div class="needs">
                            {strada_shared::domain::LANGUAGES.iter().map(|(code, _)| {
                                let c = code.to_string();
                                let shown = c.clone();
                                view! {
                                    <label class="need">
                                        <input type="checkbox" data-testid=format!("job-language-{code}")
                                            prop:checked=move || languages.with(|l| l.contains(&shown))
                                            on:change=move |ev| { let on = event_target_checked(&ev); let c = c.clone(); languages.update(|l| { l.retain(|x| *x != c); if on { l.push(c); } }) }/>
                                        <span>{move || t().language_name(code)}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                    </details>
                    <label>{move || t().ws_from}" "<input type="date" data-testid="job-from" node_ref=crate::components::typed::follows(move || from.get()) on:input=move |ev| from.set(event_target_value(&ev))/></label>
                    <label>{move || t().ws_to}" "<input type="date" data-testid="job-to" node_ref=crate::components::typed::follows(move || to.get()) on:input=move |ev| to.set(event_target_value(&ev))/></label>
                    <label>{move || t().job_lat}" "<input data-testid="job-lat" inputmode="decimal" prop:value=move || lat.get() on:input=move |ev| lat.set(event_target_value(&ev))/></label>
                    <label>{move || t().job_lon}" "<input data-testid="job-lon" inputmode="decimal" prop:value=move || lon.get() on:input=move |ev| lon.set(event_target_value(&ev))/></label>
                    <button type="submit" data-testid="job-add">{move || t().job_add}</button>
                </form>
            })}
            {move || result.get().map(|s| match s {
                Saved::Ok => view! { <p class="ok" role="status" data-testid="job-saved">{t().case_saved}</p> }.into_any(),
                Saved::Err(m) => view! { <p class="error" role="alert">{m}</p> }.into_any(),
            })}
        </div>
    }
}

/// One list of the rules as the director edits it: one item per line,
/// `code | label | explanation`.
fn list_text(items: &[RuleItem]) -> String {
    items
        .iter()
        .map(|i| format!("{} | {} | {}", i.code, i.label, i.explanation))
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_list(text: &str) -> Vec<RuleItem> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut parts = l.splitn(3, '|').map(str::trim);
            RuleItem {
                code: parts.next().unwrap_or_default().to_string(),
                label: parts.next().unwrap_or_default().to_string(),
                explanation: parts.next().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

/// What is wrong in a rules editor's list, where: the list's index, the line (from 1,
/// as the text area counts them) and what (a new user's walk: one message for four
/// lists, naming neither). `None` when the lists are good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleProblem {
    /// Not a short code of lower-case letters, digits and `_`.
    Code,
    CodeTwice,
    /// No label after the code (the `|` missing).
    NoLabel,
    TooLong,
    TooMany,
}

fn rule_problem(text: &str) -> Option<(usize, RuleProblem)> {
    use strada_shared::schema::case::{MAX_CASE_SHORT, MAX_CASE_TEXT};
    let mut codes: Vec<String> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.splitn(3, '|').map(str::trim);
        let code = parts.next().unwrap_or_default();
        let label = parts.next().unwrap_or_default();
        let explanation = parts.next().unwrap_or_default();
        let problem = if code.is_empty()
            || code.len() > 40
            || !code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            Some(RuleProblem::Code)
        } else if codes.iter().any(|c| c == code) {
            Some(RuleProblem::CodeTwice)
        } else if label.is_empty() {
            Some(RuleProblem::NoLabel)
        } else if label.chars().count() > MAX_CASE_SHORT
            || explanation.chars().count() > MAX_CASE_TEXT
        {
            Some(RuleProblem::TooLong)
        } else if codes.len() >= strada_shared::schema::pua_rules::MAX_RULE_ITEMS {
            Some(RuleProblem::TooMany)
        } else {
            None
        };
        if let Some(p) = problem {
            return Some((n + 1, p));
        }
        codes.push(code.to_string());
    }
    None
}

/// The PUA's rules in force, and a new version (the director).
#[component]
pub fn RulesEditor() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let version = RwSignal::new(0u32);
    let lists: [RwSignal<String>; 4] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let interval = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Saved>);
    // Where a list is wrong, in words (see [`rule_problem`]).
    let problem = RwSignal::new(None::<String>);
    // The version the editor was drawn from, and one a colleague published since when a
    // publication found it (nothing is then published: it would have written this
    // desk's lists over the colleague's version without either knowing).
    let drawn = StoredValue::new(0u64);
    let superseded = RwSignal::new(None::<u64>);
    // A version published since the editor was drawn, found when the feed moved (a new
    // user's walk: a desk kept showing version 2, with no word, after version 3).
    let newer = RwSignal::new(None::<u64>);
    // The fields are filled before the rules count as loaded, and drawn only then: a
    // field on the page before the rules arrived would take typing that their arrival
    // overwrites.
    let rules = LocalResource::new(move || {
        version.track();
        async move {
            let rules = load_rules(ctx).await;
            superseded.set(None);
            newer.set(None);
            if let Some(v) = rules.as_ref().and_then(|r| r.current()) {
                drawn.set_value(v.version);
                lists[0].set(list_text(&v.access_conditions));
                lists[1].set(list_text(&v.meeting_modes));
                lists[2].set(list_text(&v.criteria));
                lists[3].set(list_text(&v.judgements));
                interval.set(v.review_interval_days.to_string());
            }
            rules
        }
    });
    let checking = StoredValue::new(false);
    Effect::new(move |seen: Option<u64>| {
        let moved = ctx.pulled.get();
        if seen.is_none_or(|s| s == moved) || checking.get_value() || !ctx.online.get_untracked() {
            return moved;
        }
        checking.set_value(true);
        leptos::task::spawn_local(async move {
            let _ = state::take_from_server(ctx, vec![rules_id()]).await;
            if let Ok(doc) = state::read_doc::<PuaRulesDoc>(rules_id()).await
                && let Some(v) = doc.current()
                && drawn
                    .try_get_value()
                    .is_some_and(|d| d > 0 && v.version > d)
            {
                let _ = newer.try_set(Some(v.version));
            }
            let _ = checking.try_set_value(false);
        });
        moved
    });
    let manages = role(ctx).is_some_and(|r| r.manages_rules());
    let publish = move |_| {
        let Some((me_id, _)) = me(ctx) else { return };
        let tr = ctx.lang.get_untracked().t();
        problem.set(None);
        // Which list, which line, what (nothing is published).
        let names = [
            tr.case_access,
            tr.case_meeting_mode,
            tr.rules_criteria,
            tr.case_judgement,
        ];
        for (i, name) in names.into_iter().enumerate() {
            if let Some((line, wrong)) = rule_problem(&lists[i].get_untracked()) {
                let what = match wrong {
                    RuleProblem::Code => tr.rules_bad_code,
                    RuleProblem::CodeTwice => tr.rules_code_twice,
                    RuleProblem::NoLabel => tr.rules_no_label,
                    RuleProblem::TooLong => tr.rules_too_long,
                    RuleProblem::TooMany => tr.rules_too_many,
                };
                let said = tr.rules_line_problem.args(&[
                    ("list", name),
                    ("line", &line.to_string()),
                    ("problem", what),
                ]);
                result.set(None);
                problem.set(Some(said));
                return;
            }
        }
        // Read now: the editor may be gone by the time the stored rules are read.
        let [access, modes, criteria, judgements] =
            [0, 1, 2, 3].map(|i| parse_list(&lists[i].get_untracked()));
        let days = interval.get_untracked().trim().parse().unwrap_or(0);
        if !strada_shared::schema::pua_rules::REVIEW_DAYS.contains(&days) {
            result.set(Some(Saved::Err(tr.rules_bad_interval)));
            return;
        }
        leptos::task::spawn_local(async move {
            let tr = ctx.lang.get_untracked().t();
            if ctx.online.get_untracked() {
                let _ = state::take_from_server(ctx, vec![rules_id()]).await;
            }
            let res = async {
                let mut doc = state::read_doc::<PuaRulesDoc>(rules_id())
                    .await
                    .map_err(|e| e.message(tr))?;
                let base = doc.current().cloned().ok_or(tr.err_rules)?;
                if base.version != drawn.get_value() {
                    superseded.set(Some(base.version));
                    return Ok(false);
                }
                let next = RulesVersion {
                    access_conditions: access,
                    meeting_modes: modes,
                    criteria,
                    judgements,
                    review_interval_days: days,
                    ..base
                };
                doc.publish(next, me_id, util::now_ms());
                strada_shared::schema::Document::validate(&doc).map_err(|e| tr.validation(&e))?;
                state::save_edit(ctx, doc)
                    .await
                    .map(|()| true)
                    .map_err(|e| e.message(tr))
            }
            .await;
            match res {
                Ok(true) => {
                    result.set(Some(Saved::Ok));
                    version.update(|v| *v += 1);
                }
                Ok(false) => result.set(None),
                Err(m) => result.set(Some(Saved::Err(m))),
            }
        });
    };
    let area = move |i: usize, label: fn(&Catalogue) -> &'static str, testid: &'static str| {
        view! {
            <label class="rules-list">{move || label(t())}
                <textarea rows="6" data-testid=testid prop:value=move || lists[i].get() disabled=!manages
                    on:input=move |ev| lists[i].set(event_target_value(&ev))></textarea>
            </label>
        }
    };
    view! {
        <div data-testid="rules-editor">
            {move || match rules.get() {
                None => view! { <p>{t().loading}</p> }.into_any(),
                Some(None) => view! { <p class="error" role="alert">{t().central_needs_network}</p> }.into_any(),
                Some(Some(r)) => {
                    let v = r.current().map_or(0, |v| v.version);
                    view! {
                        <p data-testid="rules-version">{t().rules_in_force.with("version", &v.to_string())}</p>
                        <p class="hint">{move || t().rules_hint}</p>
                        // Who may change them, for a role that reads them only (a new
                        // user's walk: the fields looked editable and were not).
                        {(!manages).then(|| view! { <p class="hint" data-testid="rules-read-only">{move || t().rules_read_only}</p> })}
                        {area(0, |t| t.case_access, "rules-access")}
                        {area(1, |t| t.case_meeting_mode, "rules-modes")}
                        {area(2, |t| t.rules_criteria, "rules-criteria")}
                        {area(3, |t| t.case_judgement, "rules-judgements")}
                        <label>{move || t().rules_interval}" "<input type="number" min="7" max="365" data-testid="rules-interval" disabled=!manages prop:value=move || interval.get() on:input=move |ev| interval.set(event_target_value(&ev))/></label>
                        {manages.then(|| view! { <button type="button" data-testid="rules-publish" on:click=publish>{move || t().rules_publish}</button> })}
                    }.into_any()
                }
            }}
            {move || newer.get().filter(|_| superseded.get().is_none()).map(|v| view! {
                <p class="banner update" role="status" data-testid="rules-newer">{t().rules_newer.with("version", &v.to_string())}" "
                    <button type="button" class="secondary" data-testid="rules-reload" on:click=move |_| version.update(|n| *n += 1)>{t().case_reload}</button>
                </p>
            })}
            {move || superseded.get().map(|v| view! {
                <p class="error" role="alert" data-testid="rules-superseded">{t().rules_superseded.with("version", &v.to_string())}" "
                    <button type="button" class="secondary" data-testid="rules-reload" on:click=move |_| version.update(|n| *n += 1)>{t().case_reload}</button>
                </p>
            })}
            {move || result.get().map(|s| match s {
                Saved::Ok => view! { <p class="ok" role="status" data-testid="rules-saved">{t().case_saved}</p> }.into_any(),
                Saved::Err(m) => view! { <p class="error" role="alert">{m}</p> }.into_any(),
            })}
            {move || problem.get().map(|m| view! { <p class="error" role="alert" data-testid="rules-problem">{m}</p> })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn conflict(field: &str) -> FieldConflict {
        FieldConflict {
            field: field.into(),
            values: Vec::new(),
        }
    }

    fn case() -> CaseDoc {
        let me = UserId::new_v7(1_760_000_000_000, [1; 10]);
        let mut c = CaseDoc::new(
            DocId::new_v7(1_760_000_000_000, [5; 10]),
            DocId::new_v7(1_760_000_000_000, [2; 10]),
            strada_shared::ids::TeamId::parse("bergamo-1").unwrap(),
            me,
            1_760_000_000_000,
            "2026-11-01".into(),
        );
        c.first_meeting.date = Some("2026-11-20".into());
        c.first_meeting.language = "it".into();
        c.reviews.push(Review {
            at: "2026-11-25".into(),
            note: "first".into(),
            by: me,
        });
        c
    }

    /// A new user's walk: one message for four lists named neither list nor line.
    #[test]
    fn a_rules_list_says_which_line_is_wrong_and_why() {
        assert_eq!(rule_problem("a | A\n\nb | B | why"), None);
        assert_eq!(
            rule_problem("a | A\nriga senza barra verticale"),
            Some((2, RuleProblem::Code))
        );
        assert_eq!(rule_problem("a | A\n\nb"), Some((3, RuleProblem::NoLabel)));
        assert_eq!(
            rule_problem("a | A\na | B"),
            Some((2, RuleProblem::CodeTwice))
        );
        assert_eq!(
            rule_problem(&format!("a | {}", "x".repeat(121))),
            Some((1, RuleProblem::TooLong))
        );
    }

    /// A section saved from a page drawn before a colleague's save writes only what
    /// this desk changed (a new user's walk: the meeting's old date came back), and a
    /// review added on each desk keeps both.
    #[test]
    fn a_section_saved_from_an_older_page_writes_only_what_it_changed() {
        let base = case();
        // A colleague moved the meeting's date and added a review.
        let mut theirs = base.clone();
        theirs.first_meeting.date = Some("2026-11-21".into());
        let by = theirs.author;
        theirs.reviews.push(Review {
            at: "2026-12-01".into(),
            note: "theirs".into(),
            by,
        });
        // This desk, from the page drawn before, sets the language and adds a review.
        let mut mine = base.clone();
        mine.first_meeting.language = "ar".into();
        mine.reviews.push(Review {
            at: "2026-12-02".into(),
            note: "mine".into(),
            by,
        });
        let next = edited_over(&base, &mine, &theirs).unwrap();
        assert_eq!(next.first_meeting.date.as_deref(), Some("2026-11-21"));
        assert_eq!(next.first_meeting.language, "ar");
        let notes: Vec<&str> = next.reviews.iter().map(|r| r.note.as_str()).collect();
        assert_eq!(notes, ["first", "theirs", "mine"]);
        // A field both changed: this desk's value (it saved it, on purpose).
        let mut both = theirs.clone();
        both.first_meeting.language = "fr".into();
        let next = edited_over(&base, &mine, &both).unwrap();
        assert_eq!(next.first_meeting.language, "ar");
        // Nothing changed meanwhile: exactly this desk's case.
        assert_eq!(edited_over(&base, &mine, &base).unwrap(), mine);
        // A decision is written whole: this desk's, with its own reasons and criteria
        // when the colleague decided too (one desk's decision with the other's
        // criteria would say what neither decided: a new user's walk) — the save was
        // told first (`overlaps`).
        let mut decided = base.clone();
        decided.eligibility.reasons = "mine".into();
        decided.eligibility.at = Some("2026-12-02".into());
        decided.eligibility.criteria = vec!["mine".into()];
        let mut reasoned = base.clone();
        reasoned.eligibility.reasons = "theirs".into();
        reasoned.eligibility.criteria = vec!["theirs".into()];
        assert!(overlaps(&base, &decided, &reasoned));
        let next = edited_over(&base, &decided, &reasoned).unwrap();
        assert_eq!(next.eligibility.reasons, "mine");
        assert_eq!(next.eligibility.at, decided.eligibility.at);
        assert_eq!(next.eligibility.criteria, ["mine"]);
        // A colleague who only ticked a criterion decided nothing: both kept, no word.
        let mut ticked_there = base.clone();
        ticked_there.eligibility.criteria = vec!["theirs".into()];
        assert!(!overlaps(&base, &decided, &ticked_there));
        let next = edited_over(&base, &decided, &ticked_there).unwrap();
        assert_eq!(next.eligibility.criteria, ["theirs", "mine"]);
        // Overlaps: a field both set otherwise; not one each, nor lists, nor the same.
        assert!(overlaps(&base, &mine, &both));
        assert!(!overlaps(&base, &mine, &theirs));
        assert!(!overlaps(&base, &mine, &mine));
        // Conditions: one unticked here, another there: both unticked.
        let mut ticked = base.clone();
        ticked.access = vec!["a".into(), "b".into(), "c".into()];
        let mut here = ticked.clone();
        here.access.retain(|x| x != "a");
        let mut there = ticked.clone();
        there.access.retain(|x| x != "b");
        let next = edited_over(&ticked, &here, &there).unwrap();
        assert_eq!(next.access, ["c"]);
        // An entry taken away (an intervention) is taken away; a colleague's other
        // field stays.
        let mut with = base.clone();
        with.interventions.insert(
            "k".into(),
            Intervention {
                need: NeedCategory::Shelter,
                service_id: None,
                partner: "p".into(),
                planned_at: "2026-12-03".into(),
                done_at: None,
                status: InterventionStatus::Planned,
                referral_id: None,
                note: String::new(),
            },
        );
        let mut without = with.clone();
        without.interventions.clear();
        let mut theirs = with.clone();
        theirs.labour_expert = "lavoro".into();
        let next = edited_over(&with, &without, &theirs).unwrap();
        assert!(next.interventions.is_empty());
        assert_eq!(next.labour_expert, "lavoro");
    }

    /// A case page names its fields up for review in words, never an intervention's key.
    #[test]
    fn a_case_names_its_fields_under_review_in_words() {
        let t = Lang::It.t();
        assert_eq!(under_review(&[], t), None);
        let key = "0199c82c-c000-7505-8505-050505050505";
        let said = under_review(
            &[
                conflict("assessment.indicators.deception.strength"),
                conflict(&format!("interventions.{key}.status")),
            ],
            t,
        )
        .unwrap();
        assert!(said.contains(t.case_strength), "{said}");
        assert!(said.contains("; "), "{said}");
        assert!(!said.contains(key) && !said.contains("deception"), "{said}");
    }
}
