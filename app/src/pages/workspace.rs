//! The central office's workspace (`#/centrale`): persons, contacts and referrals of the
//! whole PUA, read from the server's records (nothing of other teams is kept on this
//! device to work): search in any script, filters, totals, pages, a CSV of any filtered
//! list; on a wide screen (≥ 1280 px) the list and the open record side by side.
//! Keyboard: rows are focusable, ↑/↓ move between them, Enter opens one.
//!
//! Besides the lists: "Da rivedere" (values written apart on two devices), "Doppioni"
//! ([`duplicates`]: pairs of records that may be one person, reviewed side by side and
//! merged), and on a person's page what merges made of it ([`merges`]). For the roles
//! that read the PUA's figures: the "Cruscotto" ([`dashboard`]) and the quarterly
//! report ([`report`]).

mod cases;
mod charts;
mod dashboard;
mod duplicates;
mod figures;
mod merges;
mod period;
mod report;
mod route;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use strada_shared::api::ContactRecord;
use strada_shared::central::{
    ConflictItem, ConsentRecord, Keep, Page, PersonPage, PersonRecord, PersonRow, ReferralRecord,
    Resolve,
};
use strada_shared::domain::{NeedCategory, PersonRef, Place};
use strada_shared::ids::DocId;
use strada_shared::schema::ReferralStatus;
use strada_shared::vocab::{Channel, Code, ConsentStatus, Indicator, Sector};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiError};
use crate::i18n::{Catalogue, Lang};
use crate::state::Ctx;

pub(crate) use route::shows_admin;

/// The paragraph a central page shows for `e` ([`unavailable_text`]); offline, with a
/// link to where the device's own records are (a new user's walk: the text named the
/// place, the link was only in the menu).
pub(crate) fn unavailable(e: &ApiError, t: &'static Catalogue) -> AnyView {
    let text = unavailable_text(e, t);
    let link = matches!(e, ApiError::Network).then(|| {
        view! { " " <a href="#/" data-testid="open-field-app">{t.field_app}</a> }
    });
    view! { <p class="error" role="alert">{text}{link}</p> }.into_any()
}

/// What a central page says when the server's records could not be read or a request
/// was refused, by what happened: no answer (they need the network), the records being
/// prepared after a restart (503 `index_building`), the session over, a role that may
/// not see them, a record gone, a file too large, or the server failing.
pub(crate) fn unavailable_text(e: &ApiError, t: &Catalogue) -> &'static str {
    match e {
        // Offline, what the device keeps is in the field app (a new user's walk looked
        // for it here).
        ApiError::Network => t.central_lists_need_network,
        ApiError::Unauthorized { .. } => t.central_session_over,
        _ if e.code() == Some("index_building") => t.central_index_building,
        ApiError::Server { status: 403, .. } => t.central_forbidden,
        ApiError::Server { status: 404, .. } => t.central_not_found,
        _ if e.code() == Some("too_many_records") => t.xf_too_many_records,
        _ if e.code() == Some("import_running") => t.xf_import_running,
        ApiError::Server { status: 413, .. } => t.central_too_large,
        _ if e.code() == Some("invalid_period") => t.central_invalid_period,
        ApiError::Server { status: 400, .. } => t.central_invalid_filter,
        ApiError::TooMany { .. } | ApiError::Server { .. } => t.central_server_failed,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tab {
    Persons,
    Contacts,
    Referrals,
    /// Values set apart on two devices, to review.
    Review,
    /// Pairs of records that may be one person.
    Duplicates,
    /// Cases taken in charge (case roles).
    Cases,
    /// The survey of local job demand.
    JobOffers,
    /// The PUA's rules.
    Rules,
    /// The figures of a period, as charts (roles that read reports).
    Dashboard,
    /// The quarterly report.
    Report,
}

impl Tab {
    fn list(self) -> &'static str {
        match self {
            Tab::Persons => "persons",
            Tab::Contacts => "contacts",
            Tab::Referrals | Tab::Review => "referrals",
            Tab::Duplicates
            | Tab::Cases
            | Tab::JobOffers
            | Tab::Rules
            | Tab::Dashboard
            | Tab::Report => "persons",
        }
    }

    fn sorts(self) -> &'static [&'static str] {
        match self {
            Tab::Persons => &["relevance", "recent", "name", "newest"],
            Tab::Contacts => &["newest", "oldest"],
            Tab::Referrals | Tab::Review => &["newest", "oldest", "waiting"],
            Tab::Duplicates
            | Tab::Cases
            | Tab::JobOffers
            | Tab::Rules
            | Tab::Dashboard
            | Tab::Report => &[],
        }
    }

    /// Whether the tab is a list of records (with filters, pages and a record beside).
    fn is_list(self) -> bool {
        matches!(self, Tab::Persons | Tab::Contacts | Tab::Referrals)
    }
}

/// The stable code of a merge's choice for a field (the catalogue names it).
pub(crate) fn keep_code(k: Keep) -> &'static str {
    match k {
        Keep::Survivor => "survivor",
        Keep::Merged => "merged",
    }
}

/// Every order a list offers (the catalogue names each).
#[cfg(test)]
pub(crate) const ALL_SORTS: &[&str] =
    &["relevance", "recent", "name", "newest", "oldest", "waiting"];

thread_local! {
    /// The list's filters as last applied, and by whom (see `Workspace`).
    static LAST_FILTERS: std::cell::RefCell<Option<(strada_shared::ids::UserId, Filters)>> =
        const { std::cell::RefCell::new(None) };
}

/// Where a tab keeps its filters across a reload (`sessionStorage`: gone with the tab),
/// with whose they are.
const FILTERS_KEY: &str = "strada-ws-filters";

/// The filters this tab kept for `me` before a reload (a new user's walk: a reload lost
/// a team, a need and a month).
fn stored_filters(me: strada_shared::ids::UserId) -> Option<Filters> {
    let storage = web_sys::window()?.session_storage().ok()??;
    let text = storage.get_item(FILTERS_KEY).ok()??;
    let (by, filters): (strada_shared::ids::UserId, Filters) = serde_json::from_str(&text).ok()?;
    (by == me).then_some(filters)
}

/// Keeps `filters` for a reload of this tab — all but the search, which may be a name:
/// it stays in memory only.
fn store_filters(me: strada_shared::ids::UserId, filters: &Filters) {
    let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) else {
        return;
    };
    let kept = Filters {
        q: String::new(),
        ..filters.clone()
    };
    if let Ok(text) = serde_json::to_string(&(me, kept)) {
        let _ = storage.set_item(FILTERS_KEY, &text);
    }
}

/// The filters as typed; empty means "any".
#[derive(Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
struct Filters {
    q: String,
    team: String,
    from: String,
    to: String,
    channel: String,
    sector: String,
    need: String,
    indicator: String,
    consent: String,
    status: String,
    partner: String,
    sort: String,
}

impl Filters {
    /// The query string for `tab` (only the parameters its list takes).
    fn query(&self, tab: Tab) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("q", &self.q),
            ("team", &self.team),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
        ];
        match tab {
            Tab::Persons
            | Tab::Contacts
            | Tab::Duplicates
            | Tab::Cases
            | Tab::JobOffers
            | Tab::Rules
            | Tab::Dashboard
            | Tab::Report => pairs.extend([
                ("channel", self.channel.as_str()),
                ("sector", &self.sector),
                ("need", &self.need),
                ("indicator", &self.indicator),
                ("consent", &self.consent),
            ]),
            Tab::Referrals | Tab::Review => pairs.extend([
                ("need", self.need.as_str()),
                ("status", &self.status),
                ("partner", &self.partner),
            ]),
        }
        pairs
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    String::from(js_sys::encode_uri_component(v.trim()))
                )
            })
            .collect::<Vec<_>>()
            .join("&")
    }
}

impl Filters {
    /// The names of the search and the filters that narrow `tab`'s list (a new
    /// user's walk: filters set on Contatti narrowed a search on Persone to one person,
    /// with no word of them).
    fn narrowing(&self, tab: Tab, t: &Catalogue) -> Vec<&'static str> {
        let on = |v: &str| !v.trim().is_empty();
        let mut names = Vec::new();
        // The search too, which every tab shares (a new user's walk: a name searched on
        // Persone narrowed Contatti to one contact of a team's two, and the line said
        // only «filtrati per: Équipe»).
        if on(&self.q) {
            names.push(t.ws_narrow_name);
        }
        if on(&self.team) {
            names.push(t.col_team);
        }
        if on(&self.from) {
            names.push(t.ws_from);
        }
        if on(&self.to) {
            names.push(t.ws_to);
        }
        if on(&self.need) {
            names.push(t.ws_need);
        }
        if tab == Tab::Referrals {
            for (v, name) in [(&self.status, t.ws_status), (&self.partner, t.ws_partner)] {
                if on(v) {
                    names.push(name);
                }
            }
        } else {
            for (v, name) in [
                (&self.channel, t.ws_channel),
                (&self.sector, t.ws_sector),
                (&self.indicator, t.ws_indicator),
                (&self.consent, t.ws_consent),
            ] {
                if on(v) {
                    names.push(name);
                }
            }
        }
        names
    }
}

/// What the list shows.
#[derive(Clone, PartialEq)]
enum Rows {
    Persons(Vec<PersonRow>),
    Contacts(Vec<ContactRecord>),
    Referrals(Vec<ReferralRecord>),
}

impl Rows {
    /// The records of the rows, in order.
    fn opens(&self) -> Vec<Open> {
        match self {
            Rows::Persons(v) => v.iter().map(|r| Open::Person(r.person.id)).collect(),
            Rows::Contacts(v) => v.iter().map(|r| Open::Contact(r.id)).collect(),
            Rows::Referrals(v) => v.iter().map(|r| Open::Referral(r.id)).collect(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Rows::Persons(v) => v.len(),
            Rows::Contacts(v) => v.len(),
            Rows::Referrals(v) => v.len(),
        }
    }
}

/// The record open beside the list.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Open {
    Person(DocId),
    Contact(DocId),
    Referral(DocId),
    Case(DocId),
}

impl Open {
    fn id(self) -> DocId {
        match self {
            Open::Person(id) | Open::Contact(id) | Open::Referral(id) | Open::Case(id) => id,
        }
    }
}

fn when(s: &str, lang: Lang) -> String {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|d| crate::util::format_local(d.timestamp_millis(), lang))
        .unwrap_or_else(|_| s.to_string())
}

/// Who a contact is for: after a merge, the person it counts under, with the name the
/// contact was recorded with when it differs ("Kofi (registrato come «Cofi»)").
fn person_label(r: &ContactRecord, t: &Catalogue) -> String {
    match (&r.group, &r.person, &r.survivor_name) {
        (Some(g), _, _) => t.ws_group.n(g.people as usize),
        (None, PersonRef::Alias(a), Some(name)) if !a.trim().eq_ignore_ascii_case(name.trim()) => {
            t.ws_recorded_as.args(&[("name", name), ("alias", a)])
        }
        (None, PersonRef::Alias(_), Some(name)) => name.clone(),
        (None, PersonRef::Alias(a), None) => a.clone(),
        // Not named by the contact: not named here either.
        (None, PersonRef::Anonymous, _) => t.anonymous.to_string(),
    }
}

/// Whom a referral is for, in its list: the person's name, a group's size, or «Anonimo».
fn referral_for(r: &ReferralRecord, t: &Catalogue) -> String {
    match (&r.person_name, r.group_people) {
        (Some(name), _) => name.clone(),
        (None, Some(people)) => t.ws_group.n(people as usize),
        (None, None) => t.anonymous.to_string(),
    }
}

fn needs_label(needs: &[NeedCategory], t: &Catalogue) -> String {
    needs
        .iter()
        .map(|n| t.need(*n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Moves the focus to the row before or after the focused one (↑/↓), to the first or
/// last row shown (Home/End: a new user's walk saw them scroll the page), opens it
/// (Enter) and moves the focus to the record.
fn row_keys(ev: web_sys::KeyboardEvent) {
    let Some(row) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let next = match ev.key().as_str() {
        "ArrowDown" => row.next_element_sibling(),
        "ArrowUp" => row.previous_element_sibling(),
        "Home" => row
            .parent_element()
            .and_then(|list| list.first_element_child()),
        "End" => row
            .parent_element()
            .and_then(|list| list.last_element_child()),
        "Enter" | " " => {
            ev.prevent_default();
            row.click();
            // The record takes the focus, the one already open too (Esc came back from it).
            focus_soon(".ws-detail");
            return;
        }
        _ => return,
    };
    if let Some(el) = next.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        ev.prevent_default();
        let _ = el.focus();
    }
}

/// The element `selector` finds, as an HTML element.
pub(crate) fn html_element(selector: &str) -> Option<web_sys::HtmlElement> {
    web_sys::window()?
        .document()?
        .query_selector(selector)
        .ok()
        .flatten()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// The id of the list's row that has the focus, if one has it.
fn focused_list_row() -> Option<String> {
    let el = web_sys::window()?.document()?.active_element()?;
    el.closest(".ws-list tbody tr").ok().flatten()?;
    el.get_attribute("data-id")
}

/// Focuses what `selector` finds once the page is drawn again.
fn focus_soon(selector: &'static str) {
    request_animation_frame(move || {
        if let Some(el) = visible_element(selector) {
            let _ = el.focus();
        }
    });
}

/// The first element `selector` finds that is laid out (a tab's hidden pane is not: a
/// new user's walk at 1024 px clicked a case and the focus went to a pane out of sight,
/// so the case, drawn under the list, never came into view).
fn visible_element(selector: &str) -> Option<web_sys::HtmlElement> {
    let list = web_sys::window()?
        .document()?
        .query_selector_all(selector)
        .ok()?;
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .find(|e| e.offset_parent().is_some())
}

/// The list's selected row, else its first: where the focus goes back from the record.
const LIST_ROW: &str =
    ".ws-list tbody tr[aria-selected=\"true\"], .ws-list tbody tr[tabindex=\"0\"]";

/// ←/→ (and Home/End) move between the workspace's tabs and open the one reached, as
/// a tab list does.
fn tab_keys(ev: web_sys::KeyboardEvent) {
    let Some(tab) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let Some(list) = tab.parent_element() else {
        return;
    };
    let tabs: Vec<web_sys::HtmlElement> =
        std::iter::successors(list.first_element_child(), |e| e.next_element_sibling())
            .filter(|e| e.get_attribute("role").as_deref() == Some("tab"))
            .filter_map(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            .collect();
    let Some(at) = tabs.iter().position(|t| *t == tab) else {
        return;
    };
    let to = match ev.key().as_str() {
        "ArrowRight" => (at + 1) % tabs.len(),
        "ArrowLeft" => (at + tabs.len() - 1) % tabs.len(),
        "Home" => 0,
        "End" => tabs.len() - 1,
        _ => return,
    };
    ev.prevent_default();
    let _ = tabs[to].focus();
    tabs[to].click();
}

async fn fetch<T: DeserializeOwned>(ctx: Ctx, path: String) -> Result<T, ApiError> {
    let Some(s) = ctx.session.get_untracked() else {
        return Err(ApiError::Network);
    };
    let res = api::get_json::<T>(&s.token, &path).await;
    match &res {
        Err(e) if e.is_revoked() => crate::state::on_revoked(ctx).await,
        Err(ApiError::Unauthorized { .. }) => ctx.session_expired.set(true),
        _ => {}
    }
    res
}

#[component]
pub fn Workspace() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let role = ctx.session.get_untracked().map(|s| s.user.role);
    let reads_reports = role.is_some_and(|r| r.reads_reports());
    let reads_cases = role.is_some_and(|r| r.reads_cases());
    // "Da rivedere" and "Doppioni" are the reconcilers' (a new user's walk: the director
    // and the labour expert saw them, and every click answered "not your role").
    let reconciles = role.is_some_and(|r| r.reconciles());
    let administers = role.is_some_and(|r| r.administers());
    // The tabs this role has.
    let allowed = move |tab: Tab| match tab {
        Tab::Cases | Tab::JobOffers | Tab::Rules => reads_cases,
        Tab::Dashboard | Tab::Report => reads_reports,
        Tab::Review | Tab::Duplicates => reconciles,
        _ => true,
    };
    // The address names the tab and the open record (Back and Forward move between
    // them, a reload opens them again); else the director looks at the figures first.
    let start = route::parse(&route::current()).filter(|(t, _)| allowed(*t));
    let tab = RwSignal::new(match start {
        Some((t, _)) => t,
        None if role == Some(strada_shared::domain::Role::Director) => Tab::Dashboard,
        None => Tab::Contacts,
    });
    // The filters last applied by this user in this page's life: the device locks when
    // left idle, and unlocked the list is where it was (a new user's walk: a team, a need
    // and a month, lost at every lock). A reload of the tab keeps them but the search
    // (`store_filters`).
    let me = ctx.session.get_untracked().map(|s| s.user.id);
    let kept = LAST_FILTERS
        .with(|l| {
            l.borrow()
                .as_ref()
                .filter(|(by, _)| Some(*by) == me)
                .map(|(_, f)| f.clone())
        })
        .or_else(|| me.and_then(stored_filters));
    let draft = RwSignal::new(kept.clone().unwrap_or_default());
    // The teams to filter by: those with records (asked again when a pull came in: a
    // new team's first contact).
    let teams = LocalResource::new(move || {
        ctx.pulled.track();
        async move {
            match ctx.session.get_untracked() {
                Some(s) => api::teams(&s.token).await.unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let applied = RwSignal::new(kept.unwrap_or_default());
    Effect::new(move |_| {
        let now = applied.get();
        if let Some(me) = me {
            store_filters(me, &now);
            LAST_FILTERS.with(|l| *l.borrow_mut() = Some((me, now)));
        }
    });
    let rows = RwSignal::new(None::<Result<Rows, ApiError>>);
    let total = RwSignal::new(0u64);
    let next = RwSignal::new(None::<String>);
    // The record open beside the lists, beside the cases, beside "Da rivedere".
    let opened = |t: Tab| {
        RwSignal::new(
            start.and_then(|(tab, o)| o.filter(|_| route::detail_of(tab) == route::detail_of(t))),
        )
    };
    let open = opened(Tab::Persons);
    let case_open = opened(Tab::Cases);
    let review_open = opened(Tab::Review);
    let detail = move |t: Tab| match route::detail_of(t) {
        Some(route::Detail::Lists) => Some(open),
        Some(route::Detail::Cases) => Some(case_open),
        Some(route::Detail::Review) => Some(review_open),
        None => None,
    };
    // Answers to an older request (another tab, other filters) are dropped.
    let generation = StoredValue::new(0u64);

    let load = move |more: bool, quiet: bool| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        let tab_now = tab.get_untracked();
        if !tab_now.is_list() {
            return;
        }
        let mut query = applied.get_untracked().query(tab_now);
        if more {
            let Some(cursor) = next.get_untracked() else {
                return;
            };
            query.push_str(&format!("&cursor={cursor}"));
        } else if !quiet {
            rows.set(None);
        } else {
            // A reload in the background keeps as many rows as "Show more" had shown.
            let shown =
                rows.with_untracked(|r| r.as_ref().map_or(0, |r| r.as_ref().map_or(0, Rows::len)));
            if shown > strada_shared::central::DEFAULT_PAGE {
                query.push_str(&format!(
                    "&limit={}",
                    shown.min(strada_shared::central::MAX_PAGE)
                ));
            }
        }
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        leptos::task::spawn_local(async move {
            let list = tab_now.list();
            let res: Result<(Rows, u64, Option<String>), ApiError> = match tab_now {
                Tab::Persons => api::central_page::<PersonRow>(&s.token, list, &query)
                    .await
                    .map(|p: Page<_>| (Rows::Persons(p.items), p.total, p.next)),
                Tab::Contacts => api::central_page::<ContactRecord>(&s.token, list, &query)
                    .await
                    .map(|p| (Rows::Contacts(p.items), p.total, p.next)),
                Tab::Referrals
                | Tab::Review
                | Tab::Duplicates
                | Tab::Cases
                | Tab::JobOffers
                | Tab::Rules
                | Tab::Dashboard
                | Tab::Report => api::central_page::<ReferralRecord>(&s.token, list, &query)
                    .await
                    .map(|p| (Rows::Referrals(p.items), p.total, p.next)),
            };
            if generation.try_get_value() != Some(mine) {
                return;
            }
            match res {
                Ok((new, n, cursor)) => {
                    total.set(n);
                    next.set(cursor);
                    let merged = match (more, rows.get_untracked(), new) {
                        (true, Some(Ok(Rows::Persons(mut a))), Rows::Persons(b)) => {
                            a.extend(b);
                            Rows::Persons(a)
                        }
                        (true, Some(Ok(Rows::Contacts(mut a))), Rows::Contacts(b)) => {
                            a.extend(b);
                            Rows::Contacts(a)
                        }
                        (true, Some(Ok(Rows::Referrals(mut a))), Rows::Referrals(b)) => {
                            a.extend(b);
                            Rows::Referrals(a)
                        }
                        (_, _, new) => new,
                    };
                    // A reload in the background (a pull came in) that changes nothing
                    // leaves the list as it is; one that changes it keeps the focus on
                    // the row that had it (the rows are drawn anew).
                    if quiet
                        && rows.try_with_untracked(|r| matches!(r, Some(Ok(old)) if *old == merged))
                            != Some(false)
                    {
                        return;
                    }
                    let focused_row = quiet.then(focused_list_row).flatten();
                    rows.set(Some(Ok(merged)));
                    if let Some(id) = focused_row {
                        request_animation_frame(move || {
                            let row = html_element(&format!(".ws-list tbody tr[data-id=\"{id}\"]"))
                                .or_else(|| html_element(LIST_ROW));
                            if let Some(el) = row {
                                let _ = el.focus();
                            }
                        });
                    }
                }
                Err(e) => {
                    if e.is_revoked() {
                        return crate::state::on_revoked(ctx).await;
                    }
                    if matches!(e, ApiError::Unauthorized { .. }) {
                        ctx.session_expired.set(true);
                    }
                    rows.set(Some(Err(e)));
                }
            }
        });
    };
    load(false, false);
    // What a pull brought (a teammate's contact, a withdrawal that erased an alias) shows
    // without pressing "refresh".
    Effect::new(move |seen: Option<u64>| {
        let n = ctx.pulled.get();
        if seen.is_some_and(|s| s != n) {
            load(false, true);
        }
        n
    });

    // A record opened (from the list, a link in another record) takes the focus: beside
    // the list, keyboard work goes on in it (Esc goes back to the list); under the list
    // (narrower than 1024 px) focusing it also brings it into view.
    Effect::new(move |before: Option<Option<Open>>| {
        let now = open.get();
        if before.is_some_and(|b| b != now) && now.is_some() {
            focus_soon(".ws-detail");
        }
        now
    });
    // "Show more": the focus goes to the first row it added.
    let focus_row = RwSignal::new(None::<usize>);
    Effect::new(move |_| {
        let shown = rows.with(|r| match r {
            Some(Ok(list)) => list.len(),
            _ => 0,
        });
        if let Some(i) = focus_row.get_untracked().filter(|i| *i < shown) {
            focus_row.set(None);
            request_animation_frame(move || {
                let row = format!(".ws-list tbody tr:nth-child({})", i + 1);
                if let Some(el) = html_element(&row) {
                    let _ = el.focus();
                }
            });
        }
    });

    let switch = move |to: Tab| {
        let from = tab.get_untracked();
        if from != to {
            // From one list to another the record beside closes: it belonged to the
            // rows left behind (a new user's walk: a referral stayed open over persons).
            // Into a list from another tab, a record of another kind closes too (a new
            // user's walk: a person opened on Persone, then Doppioni, then Contatti,
            // showed beside the contacts).
            let lists = Some(route::Detail::Lists);
            let fits = matches!(
                (to, open.get_untracked()),
                (_, None)
                    | (Tab::Persons, Some(Open::Person(_)))
                    | (Tab::Contacts, Some(Open::Contact(_)))
                    | (Tab::Referrals, Some(Open::Referral(_)))
            );
            if route::detail_of(to) == lists && (route::detail_of(from) == lists || !fits) {
                open.set(None);
            }
            tab.set(to);
            draft.update(|d| d.sort.clear());
            applied.update(|a| a.sort.clear());
            load(false, false);
        }
    };
    // Each tab chosen and record opened is a step of the history (the first one takes
    // the place of the bare `#/centrale`); Back and Forward show what their address names.
    Effect::new(move |seen: Option<()>| {
        let now = tab.get();
        let shown = detail(now).and_then(|o| o.get());
        // "Doppioni" writes the pair it has open itself; «Gestione», shown over the
        // hidden workspace, keeps its own.
        if (now == Tab::Duplicates && route::pair_of(&route::current()).is_some())
            || route::shows_admin(administers)
        {
            return;
        }
        route::write(&route::format(now, shown), seen.is_none());
    });
    let moved = window_event_listener_untyped("hashchange", move |_| {
        match route::parse(&route::current()).filter(|(t, _)| allowed(*t)) {
            Some((to, o)) => {
                switch(to);
                if let Some(shown) = detail(to)
                    && shown.get_untracked() != o
                {
                    let was = shown.get_untracked();
                    shown.set(o);
                    // Back from a record: the focus on its row, where the keyboard left
                    // the list (a new user's walk: it went to the pane's hint, 25 Tabs
                    // from the list).
                    if let (Some(was), None) = (was, o) {
                        request_animation_frame(move || {
                            let row = format!(".ws-list tbody tr[data-id=\"{}\"]", was.id());
                            if let Some(el) = html_element(&row) {
                                let _ = el.focus();
                            }
                        });
                    }
                }
            }
            // The bare address (the status bar's link) or one naming nothing: what is
            // shown stays, and the address says it. (Another page's address is the
            // app's: it leaves the workspace.)
            None if route::current().starts_with(route::BASE)
                && !route::shows_admin(administers) =>
            {
                let now = tab.get_untracked();
                let shown = detail(now).and_then(|o| o.get_untracked());
                route::write(&route::format(now, shown), true)
            }
            None => {}
        }
    });
    on_cleanup(move || moved.remove());
    // A choice in a list (team, need, sort…) or a date applies at once; the words typed
    // in a text box apply with Enter or "Filtra".
    let apply_now = move |again: bool| {
        let d = draft.get_untracked();
        // Dates as the browser gives them (YYYY-MM-DD) compare as text.
        if !d.from.is_empty() && !d.to.is_empty() && d.from > d.to {
            rows.set(Some(Err(ApiError::Server {
                status: 400,
                code: "invalid_period".into(),
                message: String::new(),
            })));
            return;
        }
        if !again && applied.get_untracked() == d {
            return;
        }
        applied.set(d);
        load(false, false);
    };
    // The words typed apply once the typing pauses, as on the phone (a new user's walk:
    // the list stayed as it was until Enter); Enter or "Filtra" apply at once.
    let typing = StoredValue::new(None::<leptos::leptos_dom::helpers::TimeoutHandle>);
    let search_soon = move || {
        if let Some(h) = typing.get_value() {
            h.clear();
        }
        let handle = leptos::leptos_dom::helpers::set_timeout_with_handle(
            move || {
                typing.set_value(None);
                apply_now(false);
            },
            std::time::Duration::from_millis(SEARCH_PAUSE_MS),
        )
        .ok();
        typing.set_value(handle);
    };
    // The sort the list is in: the one chosen, else the list's first (the server's
    // default), so that the box never shows a choice left from another tab or before
    // "Azzera i filtri".
    let sort_shown = move || {
        let sorts = tab.get().sorts();
        let chosen = draft.with(|d| d.sort.clone());
        if sorts.contains(&chosen.as_str()) {
            chosen
        } else {
            sorts.first().map_or_else(String::new, |s| s.to_string())
        }
    };
    // Enter or "Filtra" reads the list again even when nothing changed.
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        apply_now(true);
    };
    let clear = move |_| {
        draft.set(Filters::default());
        applied.set(Filters::default());
        load(false, false);
    };
    // Bumped by "refresh": the tabs that are not lists read theirs again.
    let refreshed = RwSignal::new(0u32);
    let csv_error = RwSignal::new(None::<ApiError>);
    let more_filters = RwSignal::new(false);
    let download = move |_| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        let tab_now = tab.get_untracked();
        let query = applied.get_untracked().query(tab_now);
        leptos::task::spawn_local(async move {
            match api::central_csv(&s.token, tab_now.list(), &query).await {
                Ok(text) => {
                    csv_error.set(None);
                    save_file(&format!("strada-{}.csv", tab_now.list()), &text);
                }
                Err(e) => csv_error.set(Some(e)),
            }
        });
    };

    let tab_button =
        move |which: Tab, label: fn(&Catalogue) -> &'static str, testid: &'static str| {
            view! {
                <button type="button" role="tab" class="ws-tab" data-testid=testid
                    aria-selected=move || (tab.get() == which).to_string()
                    tabindex=move || if tab.get() == which { "0" } else { "-1" }
                    on:click=move |_| switch(which) on:keydown=tab_keys>
                    {move || label(t())}
                </button>
            }
        };

    let field = move |id: &'static str,
                      label: fn(&Catalogue) -> &'static str,
                      get: fn(&Filters) -> String,
                      set: fn(&mut Filters, String),
                      kind: &'static str| {
        view! {
            <label for=id>{move || label(t())}
                <input id=id type=kind node_ref=crate::components::typed::follows(move || get(&draft.get()))
                    on:input=move |ev| {
                        draft.update(|d| set(d, event_target_value(&ev)));
                        // A text (the partner) applies once the typing pauses, as the
                        // search does (a new user's walk: it waited for «Filtra»).
                        if kind == "text" { search_soon() }
                    }
                    on:change=move |_| if kind == "date" { apply_now(false) }/>
            </label>
        }
    };

    let select = move |id: &'static str,
                       label: fn(&Catalogue) -> &'static str,
                       options: fn(&Catalogue) -> Vec<(&'static str, &'static str)>,
                       get: fn(&Filters) -> String,
                       set: fn(&mut Filters, String)| {
        view! {
            <label for=id>{move || label(t())}
                <select id=id prop:value=move || get(&draft.get())
                    on:change=move |ev| { draft.update(|d| set(d, event_target_value(&ev))); apply_now(false) }>
                    <option value="">{move || t().ws_any}</option>
                    {move || options(t()).into_iter().map(|(code, name)| view! {
                        <option value=code selected=move || get(&draft.get()) == code>{name}</option>
                    }).collect_view()}
                </select>
            </label>
        }
    };

    view! {
        <section class="card workspace" data-testid="workspace">
            <div class="row">
                <h2>{move || t().central_records}</h2>
                <div class="row">
                    // Exchange files, devices and accounts: a page of their own (a new
                    // user's walk found them under every tab).
                    {administers.then(|| view! { <a href=route::ADMIN class="big-link" data-testid="nav-admin">{move || t().admin_title}</a> })}
                    <button class="secondary" on:click=move |_| { refreshed.update(|n| *n += 1); load(false, false) }>{move || t().refresh}</button>
                </div>
            </div>
            <div role="tablist" class="ws-tabs" aria-label=move || t().central_records>
                {tab_button(Tab::Persons, |t| t.ws_persons, "ws-tab-persons")}
                {tab_button(Tab::Contacts, |t| t.ws_contacts, "ws-tab-contacts")}
                {tab_button(Tab::Referrals, |t| t.ws_referrals, "ws-tab-referrals")}
                {reconciles.then(|| view! {
                    {tab_button(Tab::Review, |t| t.ws_review, "ws-tab-review")}
                    {tab_button(Tab::Duplicates, |t| t.ws_duplicates, "ws-tab-duplicates")}
                })}
                {reads_cases.then(|| view! {
                    {tab_button(Tab::Cases, |t| t.case_title_many, "ws-tab-cases")}
                    {tab_button(Tab::JobOffers, |t| t.job_title, "ws-tab-jobs")}
                    {tab_button(Tab::Rules, |t| t.rules_title, "ws-tab-rules")}
                })}
                {reads_reports.then(|| view! {
                    {tab_button(Tab::Dashboard, |t| t.rp_dashboard_tab, "ws-tab-dashboard")}
                    {tab_button(Tab::Report, |t| t.rp_report_tab, "ws-tab-report")}
                })}
            </div>
            <Show when=move || tab.get() == Tab::Dashboard>
                <dashboard::Dashboard refreshed=refreshed/>
            </Show>
            <Show when=move || tab.get() == Tab::Report>
                <report::QuarterReport refreshed=refreshed/>
            </Show>
            <Show when=move || tab.get() == Tab::Cases>
                <cases::CaseList refreshed=refreshed open=case_open/>
            </Show>
            <Show when=move || tab.get() == Tab::JobOffers>
                <cases::JobOffers refreshed=refreshed/>
            </Show>
            <Show when=move || tab.get() == Tab::Rules>
                <cases::RulesEditor/>
            </Show>
            <Show when=move || tab.get() == Tab::Review>
                <Review open=review_open refreshed=refreshed/>
            </Show>
            <Show when=move || tab.get() == Tab::Duplicates>
                <duplicates::Duplicates refreshed=refreshed/>
            </Show>
            <Show when=move || tab.get().is_list()>
            // Below 960 px (a tablet held upright) the filters besides the search fold
            // behind «Altri filtri», which counts those in use (a new user's walk at 768
            // px: they took 550 px before the first result).
            <form class=move || if more_filters.get() { "ws-filters ws-list-filters more" } else { "ws-filters ws-list-filters" } role="search" on:submit=apply data-testid="ws-filters">
                <label for="ws-q" class="ws-q">{move || t().ws_search}
                    <input id="ws-q" type="search" data-testid="ws-q" autocomplete="off"
                        maxlength=strada_shared::central::MAX_QUERY_CHARS
                        prop:value=move || draft.get().q
                        on:input=move |ev| {
                            draft.update(|d| d.q = event_target_value(&ev));
                            search_soon();
                        }
                        // ↓ goes from the search to the list's rows (a new user's walk:
                        // 19 Tabs over the filters to reach the first result).
                        on:keydown=move |ev| if ev.key() == "ArrowDown" && let Some(row) = html_element(LIST_ROW) {
                            ev.prevent_default();
                            let _ = row.focus();
                        }/>
                </label>
                <button type="button" class="secondary ws-more-toggle" data-testid="ws-more-filters"
                    aria-expanded=move || more_filters.get().to_string()
                    on:click=move |_| more_filters.update(|m| *m = !*m)>
                    {move || if more_filters.get() { t().ws_fewer_filters } else { t().ws_more_filters }}
                    {move || {
                        let n = applied.with(|f| f.narrowing(tab.get(), t()).len());
                        (n > 0).then(|| format!(" ({n})"))
                    }}
                </button>
                <label for="ws-team">{move || t().col_team}
                    <select id="ws-team" data-testid="ws-team" prop:value=move || draft.get().team
                        on:change=move |ev| { draft.update(|d| d.team = event_target_value(&ev)); apply_now(false) }>
                        <option value="">{move || t().ws_any_team}</option>
                        {move || teams.get().unwrap_or_default().into_iter().map(|team| {
                            let code = team.id.to_string();
                            let mine = code.clone();
                            let label = team.name.unwrap_or_else(|| code.clone());
                            view! { <option value=code selected=move || draft.get().team == mine>{label}</option> }
                        }).collect_view()}
                    </select>
                </label>
                {field("ws-from", |t| t.ws_from, |f| f.from.clone(), |f, v| f.from = v, "date")}
                {field("ws-to", |t| t.ws_to, |f| f.to.clone(), |f, v| f.to = v, "date")}
                {select("ws-need", |t| t.ws_need, |t| NeedCategory::ALL.iter().map(|n| (n.code(), t.need(*n))).collect(), |f| f.need.clone(), |f, v| f.need = v)}
                <Show when=move || tab.get() != Tab::Referrals>
                    {select("ws-channel", |t| t.ws_channel, |t| Channel::ALL.iter().map(|c| (c.code(), t.channel_name(*c))).collect(), |f| f.channel.clone(), |f, v| f.channel = v)}
                    {select("ws-sector", |t| t.ws_sector, |t| Sector::ALL.iter().map(|c| (c.code(), t.sector_name(*c))).collect(), |f| f.sector.clone(), |f, v| f.sector = v)}
                    {select("ws-indicator", |t| t.ws_indicator, |t| Indicator::ALL.iter().map(|c| (c.code(), t.indicator_name(*c))).collect(), |f| f.indicator.clone(), |f, v| f.indicator = v)}
                    {select("ws-consent", |t| t.ws_consent, |t| ConsentStatus::ALL.iter().map(|c| (c.code(), t.consent_name(*c))).collect(), |f| f.consent.clone(), |f, v| f.consent = v)}
                </Show>
                <Show when=move || tab.get() == Tab::Referrals>
                    {select("ws-status", |t| t.ws_status, |t| ReferralStatus::ALL.iter().map(|s| (s.code(), t.referral_status(*s))).collect(), |f| f.status.clone(), |f, v| f.status = v)}
                    {field("ws-partner", |t| t.ws_partner, |f| f.partner.clone(), |f, v| f.partner = v, "text")}
                </Show>
                <label for="ws-sort" class="ws-sort">{move || t().ws_sort}
                    <select id="ws-sort" data-testid="ws-sort" prop:value=sort_shown
                        on:change=move |ev| { draft.update(|d| d.sort = event_target_value(&ev)); apply_now(false) }>
                        {move || tab.get().sorts().iter().map(|code| view! {
                            <option value=*code selected=move || sort_shown() == *code>{t().ws_sort_names.get(code)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <div class="row ws-actions">
                    <button type="submit" data-testid="ws-apply">{move || t().ws_apply}</button>
                    <button type="button" class="secondary" on:click=clear>{move || t().ws_clear}</button>
                    <button type="button" class="secondary" data-testid="ws-csv" on:click=download
                        aria-describedby="ws-csv-hint">{move || t().ws_csv}</button>
                    <CsvExcel id="ws-csv-excel"/>
                    <small id="ws-csv-hint" class="hint">{move || t().ws_csv_hint}</small>
                </div>
                {move || csv_error.get().map(|e| unavailable(&e, t()))}
            </form>
            <div class="ws-split">
                // Esc in the record comes back to its row; Esc in the list closes it.
                <div class="ws-list table-wrap" on:keydown=move |ev| if ev.key() == "Escape" && open.get_untracked().is_some() {
                    ev.prevent_default();
                    open.set(None);
                }>
                    {move || { ctx.lang.track(); match rows.get() {
                        None => view! { <p>{t().loading}</p> }.into_any(),
                        Some(Err(e)) => unavailable(&e, t()),
                        Some(Ok(list)) => {
                            let shown = list.len();
                            view! {
                                <p class="ws-total" data-testid="ws-total" aria-live="polite">{t().ws_total.n(total.get() as usize)}
                                    {move || {
                                        let names = applied.with(|f| f.narrowing(tab.get(), t()));
                                        (!names.is_empty()).then(|| view! {
                                            " · "<span data-testid="ws-narrowed">{t().ws_narrowed_by}" "{names.join(", ")}</span>" "
                                            <button type="button" class="link" data-testid="ws-clear-filters" on:click=clear>{t().ws_clear_inline}</button>
                                        })
                                    }}
                                </p>
                                {list_table(list, open, ctx)}
                                <Show when=move || next.get().is_some()>
                                    <button class="secondary" data-testid="ws-more" on:click=move |_| { focus_row.set(Some(shown)); load(true, false) }>
                                        {move || t().ws_more}" ("{shown}"/"{move || total.get()}")"
                                    </button>
                                </Show>
                            }.into_any()
                        }
                    }}}
                </div>
                <div class="ws-detail" role="region" tabindex="-1" aria-label=move || t().ws_record
                    on:keydown=move |ev| if ev.key() == "Escape" && let Some(row) = html_element(LIST_ROW) {
                        ev.prevent_default();
                        let _ = row.focus();
                    }>
                    {move || { ctx.lang.track(); match open.get() {
                        None => view! { <p class="hint">{t().ws_select_hint}</p> }.into_any(),
                        Some(o) => view! { <Detail open=o on_open=open on_change=Callback::new(move |()| load(false, true))/> }.into_any(),
                    }}}
                </div>
            </div>
            </Show>
        </section>
    }
}

fn list_table(list: Rows, open: RwSignal<Option<Open>>, ctx: Ctx) -> AnyView {
    let t = ctx.lang.get_untracked().t();
    let lang = ctx.lang.get_untracked();
    if list.len() == 0 {
        return view! { <p data-testid="ws-empty">{t.ws_no_results}</p> }.into_any();
    }
    let selected = move |o: Open| move || (open.get() == Some(o)).to_string();
    // One tab stop for the list (↑/↓ move within it): the open record's row, else the first.
    let opens = std::sync::Arc::new(list.opens());
    let first = opens.first().copied();
    let stop = move |o: Open| {
        let opens = opens.clone();
        move || {
            let now = open.get();
            let here =
                now == Some(o) || (Some(o) == first && !now.is_some_and(|n| opens.contains(&n)));
            if here { "0" } else { "-1" }
        }
    };
    let head = |cols: Vec<&'static str>| {
        view! { <thead><tr>{cols.into_iter().map(|c| view! { <th scope="col">{c}</th> }).collect_view()}</tr></thead> }
    };
    let body = match list {
        Rows::Persons(items) => {
            let country = crate::i18n::country_names(lang);
            view! {
            <table data-testid="ws-persons">
                // Birth year and country beside the name: namesakes are told apart in the
                // list (found by a new user's walk: four rows of "Gezim · bergamo-1").
                {head(vec![t.ws_col_name, t.ws_birth_year, t.ws_country, t.col_team, t.ws_contacts, t.ws_col_last, t.ws_consent])}
                <tbody>
                {items.into_iter().map(|r| {
                    let o = Open::Person(r.person.id);
                    let name = r.person.aliases.first().cloned().unwrap_or_else(|| t.person_anonymous.to_string());
                    let others = r.person.aliases.iter().skip(1).cloned().collect::<Vec<_>>().join(", ");
                    let teams = {
                        let ids = r.teams.clone();
                        move || ids.iter().map(crate::teams::label).collect::<Vec<_>>().join(", ")
                    };
                    view! {
                        <tr tabindex=stop(o) data-testid="ws-person-row" data-id=r.person.id.to_string()
                            aria-selected=selected(o) on:click=move |_| open.set(Some(o)) on:keydown=row_keys>
                            <td><strong>{name}</strong>{(!others.is_empty()).then(|| view! { <br/><small>{others}</small> })}</td>
                            <td>{birth_label(&r.person, t)}</td>
                            <td>{country(&r.person.country)}</td>
                            <td>{teams}</td>
                            <td>{r.contacts}</td>
                            <td>{r.last_contact_at.as_deref().map(|s| when(s, lang)).unwrap_or_default()}</td>
                            <td>{t.consent_name(r.person.consent.status)}</td>
                        </tr>
                    }
                }).collect_view()}
                </tbody>
            </table>
            }.into_any()
        }
        Rows::Contacts(items) => view! {
            <table data-testid="central-table">
                {head(vec![t.col_when, t.col_person, t.col_team, t.ws_sector, t.col_needs, t.ws_indicators])}
                <tbody>
                {items.into_iter().map(|r| {
                    let o = Open::Contact(r.id);
                    view! {
                        <tr tabindex=stop(o) data-testid="central-row" data-id=r.id.to_string()
                            aria-selected=selected(o) on:click=move |_| open.set(Some(o)) on:keydown=row_keys>
                            <td>{when(&r.occurred_at, lang)}</td>
                            <td>{person_label(&r, t)}</td>
                            <td>{crate::teams::live(&r.team)}</td>
                            <td>{r.sector.map(|s| t.sector_name(s)).unwrap_or("—")}</td>
                            <td>{needs_label(&r.needs, t)}</td>
                            <td>{r.indicators.len()}</td>
                        </tr>
                    }
                }).collect_view()}
                </tbody>
            </table>
        }.into_any(),
        Rows::Referrals(items) => view! {
            <table data-testid="ws-referrals">
                {head(vec![t.ws_col_created, t.col_person, t.ws_need, t.ws_partner, t.ws_status, t.col_team])}
                <tbody>
                {items.into_iter().map(|r| {
                    let o = Open::Referral(r.id);
                    let partner = r.organisation.clone().unwrap_or_else(|| r.partner.clone());
                    view! {
                        <tr tabindex=stop(o) data-testid="ws-referral-row" data-id=r.id.to_string()
                            aria-selected=selected(o) on:click=move |_| open.set(Some(o)) on:keydown=row_keys>
                            <td>{when(&r.created_at, lang)}</td>
                            <td data-testid="ws-referral-person">{referral_for(&r, t)}</td>
                            <td>{t.need(r.need)}</td>
                            <td>{partner}</td>
                            <td>{t.referral_status(r.status)}{r.conflict.then_some(" ⚠")}</td>
                            <td>{crate::teams::live(&r.team)}</td>
                        </tr>
                    }
                }).collect_view()}
                </tbody>
            </table>
        }.into_any(),
    };
    view! { <div class="table-wrap" tabindex="-1">{body}</div> }.into_any()
}

/// A conflicting value as a person reads it: vocabulary codes by their names, a person
/// reference by its alias.
/// What part of a field a conflict names, in words: an indicator, a part of a case's
/// assessment, a field of an intervention of its PIP (never the intervention's key).
fn conflict_detail(field: &str, t: &Catalogue) -> Option<String> {
    let indicator = |code: &str| {
        Indicator::from_code(code).map_or(code.to_string(), |i| t.indicator_name(i).to_string())
    };
    let parts: Vec<&str> = field.split('.').collect();
    Some(match parts.as_slice() {
        [_] => return None,
        ["indicators", code] => indicator(code),
        ["assessment", "judgement"] => t.case_judgement.into(),
        ["assessment", "note"] => t.case_note.into(),
        ["assessment", "at"] => t.ws_assessment_date.into(),
        // A whole grade (an indicator graded first on two desks apart).
        ["assessment", "indicators", code] => indicator(code),
        ["eligibility", "decision"] => t.case_decision.into(),
        ["eligibility", "at"] => t.case_decision_date.into(),
        ["eligibility", "reasons"] => t.case_reasons.into(),
        ["assessment", "indicators", code, "strength"] => {
            format!("{} · {}", indicator(code), t.case_strength)
        }
        ["assessment", "indicators", code, _] => {
            format!("{} · {}", indicator(code), t.case_evidence)
        }
        ["interventions", _, "status"] => t.ws_status.into(),
        ["interventions", _, "done_at"] => t.case_done_at.into(),
        ["interventions", _, "planned_at"] => t.case_planned_at.into(),
        ["interventions", _, "partner"] => t.ws_partner.into(),
        ["interventions", _, _] => t.case_note.into(),
        [_, rest @ ..] => rest.join("."),
        [] => return None,
    })
}

/// A field up for review as a person reads it: the field's name and, where it names a
/// part (an indicator, an intervention's status...), that part.
fn conflict_label(field: &str, t: &Catalogue) -> String {
    let name = t
        .ws_field_names
        .find(field.split('.').next().unwrap_or_default())
        .unwrap_or_default();
    match conflict_detail(field, t) {
        Some(detail) => format!("{name} · {detail}"),
        None => name.to_string(),
    }
}

/// Who wrote a value no device wrote: the server, for a merge or an unmerge of persons,
/// a choice made in "Da rivedere" or an import (their actors are fixed,
/// `strada_shared::sync::*_ACTOR`); else nobody known (a new user's walk: an unmerge's value read
/// «autore sconosciuto»).
fn server_writer(actor_hex: &str, t: &Catalogue) -> &'static str {
    use strada_shared::sync::{IMPORT_ACTOR, MERGE_ACTOR, REVIEWER_ACTOR};
    let named = |actor: [u8; 16]| hex::encode(actor) == actor_hex;
    if named(MERGE_ACTOR) {
        t.ws_writer_merge
    } else if named(REVIEWER_ACTOR) {
        t.ws_writer_review
    } else if named(IMPORT_ACTOR) {
        t.ws_writer_import
    } else {
        t.ws_unknown_writer
    }
}

/// A conflicting value as a reader reads it (also on a phone's person row).
pub(crate) fn value_label(field: &str, json: &str, t: &Catalogue, lang: Lang) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or(serde_json::Value::Null);
    let last = field.rsplit('.').next().unwrap_or_default();
    match v {
        serde_json::Value::Null => "—".into(),
        // Days as the rest of the app writes them (a new user's walk: «2026-12-06»).
        serde_json::Value::String(day) if last == "at" || last.ends_with("_at") => {
            crate::util::day_label(&day, lang)
        }
        serde_json::Value::String(code) if field == "eligibility.decision" => {
            t.decision_names.name_of(&code)
        }
        // A case's outcome (a referral's is the worker's own words).
        serde_json::Value::String(code) if field == "outcome" => t.outcome_names.name_of(&code),
        // A grade: its strength and its evidence.
        serde_json::Value::Object(map) if map.contains_key("strength") => {
            let strength = map
                .get("strength")
                .and_then(|s| s.as_str())
                .unwrap_or_default();
            let evidence = map
                .get("evidence")
                .and_then(|s| s.as_str())
                .unwrap_or_default();
            let strength = t.strength_names.name_of(strength);
            if evidence.is_empty() {
                strength
            } else {
                format!("{strength} · {evidence}")
            }
        }
        serde_json::Value::String(code)
            if field.starts_with("interventions.") && last == "status" =>
        {
            t.intervention_status_names.name_of(&code)
        }
        serde_json::Value::String(code)
            if field.starts_with("assessment.indicators.") && last == "strength" =>
        {
            t.strength_names.name_of(&code)
        }
        serde_json::Value::String(code) => match field {
            "sector" => Sector::from_code(&code).map_or(code.clone(), |s| t.sector_name(s).into()),
            "gender" => strada_shared::vocab::Gender::from_code(&code)
                .map_or(code.clone(), |g| t.gender_name(g).into()),
            "documents" => strada_shared::domain::DocumentStatus::parse(&code)
                .map_or(code.clone(), |d| t.documents_name(d).into()),
            "person" if code == "anonymous" => t.anonymous.into(),
            _ => code,
        },
        serde_json::Value::Object(map) => map
            .get("alias")
            .and_then(|a| a.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| t.anonymous.into()),
        other => other.to_string(),
    }
}

/// The "Da rivedere" list: every record with sensitive fields set to different values on
/// two devices apart; the reviewer keeps one value (a normal change, synced to phones).
/// Each record opens beside the list, where it can be read whole and edited (a value
/// kept by mistake is changed there).
#[component]
fn Review(
    /// The record open beside the list (the workspace keeps it in the address).
    open: RwSignal<Option<Open>>,
    /// Bumped by the workspace's "Aggiorna".
    refreshed: RwSignal<u32>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let lang = ctx.lang.get_untracked();
    let version = RwSignal::new(0u32);
    let items = LocalResource::new(move || {
        version.get();
        refreshed.get();
        fetch::<Vec<ConflictItem>>(ctx, "/api/conflicts".into())
    });
    // Read again when the reviewer comes back to this tab of the browser: another desk
    // may have kept a value meanwhile (a new user's walk, two desks on one list).
    let shown = window_event_listener_untyped("visibilitychange", move |_| {
        let visible = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| !d.hidden());
        if visible {
            version.update(|v| *v += 1);
        }
    });
    on_cleanup(move || shown.remove());
    let error = RwSignal::new(false);
    // What was last kept, said where the focus goes once the list is read again (the
    // buttons it was on are gone, and the next record's would take a second Enter).
    let kept = RwSignal::new(None::<String>);
    let keep = move |choice: Resolve, value: String| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            let res = api::resolve_conflict(&s.token, &choice).await;
            error.set(res.is_err());
            kept.set(res.is_ok().then_some(value));
            version.update(|v| *v += 1);
            focus_soon(if res.is_ok() {
                "[data-testid=\"ws-review-kept\"]"
            } else {
                ".ws-review .error"
            });
        });
    };
    view! {
        <div class="ws-split">
        <div class="ws-review ws-list" data-testid="ws-review">
            <p class="hint" data-testid="ws-review-intro">{move || t().ws_review_intro}</p>
            <Show when=move || error.get()>
                <p class="error" role="alert" tabindex="-1">{move || t().ws_review_failed}</p>
            </Show>
            {move || kept.get().map(|v| view! {
                <p class="ok" role="status" tabindex="-1" data-testid="ws-review-kept">{t().ws_review_kept.with("value", &v)}</p>
            })}
            {move || items.get().map(|res| match res {
                Err(e) => unavailable(&e, t()),
                Ok(list) if list.is_empty() => view! { <p data-testid="ws-review-empty">{t().ws_review_empty}</p> }.into_any(),
                Ok(list) => {
                    let tr = t();
                    list.into_iter().map(|item| {
                        let kind = match item.doc_type {
                            strada_shared::schema::DocType::Person => tr.col_person,
                            strada_shared::schema::DocType::Contact => tr.ws_contact_kind,
                            strada_shared::schema::DocType::Referral => tr.ws_referral_kind,
                            strada_shared::schema::DocType::Case => tr.ws_case_kind,
                            strada_shared::schema::DocType::JobOffer
                            | strada_shared::schema::DocType::PuaRules => tr.ws_case_kind,
                        };
                        // A contact or a referral by its person too (a walk: a contact
                        // was only a time).
                        let of_person = |what: String| match &item.person {
                            Some(person) => format!("{person} · {what}"),
                            None => what,
                        };
                        let label = match item.doc_type {
                            strada_shared::schema::DocType::Contact => of_person(when(&item.label, lang)),
                            strada_shared::schema::DocType::Referral => of_person(NeedCategory::ALL
                                .iter()
                                .find(|n| n.code() == item.label)
                                .map_or(item.label.clone(), |n| tr.need(*n).to_string())),
                            // A case by its person and the day it was opened (a new
                            // user's walk: it was a bare ISO date).
                            strada_shared::schema::DocType::Case => {
                                let day = crate::util::day_label(&item.label, lang);
                                match &item.person {
                                    Some(person) => tr.ws_conflict_case.args(&[("person", person), ("day", &day)]),
                                    None => tr.ws_conflict_case_day.with("day", &day),
                                }
                            }
                            _ => item.label.clone(),
                        };
                        let id = item.id;
                        let target = match item.doc_type {
                            strada_shared::schema::DocType::Person => Some(Open::Person(id)),
                            strada_shared::schema::DocType::Contact => Some(Open::Contact(id)),
                            strada_shared::schema::DocType::Referral => Some(Open::Referral(id)),
                            strada_shared::schema::DocType::Case => Some(Open::Case(id)),
                            strada_shared::schema::DocType::JobOffer
                            | strada_shared::schema::DocType::PuaRules => None,
                        };
                        view! {
                            <article class="card ws-conflict" data-testid="ws-conflict" data-id=id.to_string()>
                                <h3>{kind}" · "{label.clone()}" · "{crate::teams::live(&item.team)}</h3>
                                {target.map(|o| view! {
                                    <button type="button" class="link" data-testid="ws-conflict-open"
                                        aria-pressed=move || (open.get() == Some(o)).to_string()
                                        on:click=move |_| {
                                            open.set(Some(o));
                                            focus_soon(".ws-review-detail");
                                        }>{tr.ws_conflict_open}</button>
                                })}
                                {item.conflicts.into_iter().map(|c| {
                                    let field_name = tr.ws_field_names.find(c.field.split('.').next().unwrap_or_default()).unwrap_or_default();
                                    let field = c.field.clone();
                                    view! {
                                        <fieldset data-testid="ws-conflict-field" data-field=c.field.clone()>
                                            <legend>{conflict_label(&c.field, tr)}</legend>
                                            <ul>
                                            {{
                                                // Oldest first (a new user's walk: the order
                                                // changed from one field to the next), the one
                                                // the lists show now said so.
                                                let mut values: Vec<(bool, _)> = c.values.into_iter().enumerate().map(|(i, v)| (i == 0, v)).collect();
                                                values.sort_by_key(|(_, v)| (v.at.is_none(), v.at));
                                                values
                                            }.into_iter().map(|(shown, v)| {
                                                let choice = Resolve { id, field: field.clone(), actor: v.actor.clone(), counter: v.counter };
                                                let who = v.by_name.clone().unwrap_or_else(|| server_writer(&v.actor, tr).to_string());
                                                let at = v.at.map(|ms| crate::util::format_local(ms, lang)).unwrap_or_default();
                                                let value = value_label(&field, &v.value, tr, lang);
                                                let said = format!("{} · {}", field_name, value);
                                                let aria = format!("{} · {} · {}", tr.ws_keep_label.with("value", &value), field_name, label);
                                                view! {
                                                    <li>
                                                        <strong data-testid="ws-conflict-value">{value}</strong>
                                                        " · "{who}" · "{at}" "
                                                        {shown.then(|| view! { <span class="badge" data-testid="ws-conflict-shown">{tr.ws_conflict_shown}</span>" " })}
                                                        <button type="button" class="secondary" data-testid="ws-keep" aria-label=aria
                                                            on:click=move |_| keep(choice.clone(), said.clone())>{tr.ws_keep}</button>
                                                    </li>
                                                }
                                            }).collect_view()}
                                            </ul>
                                        </fieldset>
                                    }
                                }).collect_view()}
                            </article>
                        }
                    }).collect_view().into_any()
                }
            })}
        </div>
        <div class="ws-detail ws-review-detail" role="region" tabindex="-1" aria-label=move || t().ws_record>
            // Drawn again after a choice: the open record shows the value kept (a new
            // user's walk: a contact's stayed as it was).
            {move || {
                version.track();
                match open.get() {
                    Some(o) => view! {
                        <Detail open=o on_open=open on_change=Callback::new(move |()| version.update(|v| *v += 1))/>
                    }.into_any(),
                    None => view! { <p class="hint">{t().ws_review_hint}</p> }.into_any(),
                }
            }}
        </div>
        </div>
    }
}

/// Upload and download of the PUA exchange format (JSON Lines, `EXCHANGE.md`): the
/// whole PUA exported; a file checked (nothing stored) or imported, all or nothing,
/// every invalid line listed by number, field and reason.
#[component]
pub fn ExchangeFiles() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let report = RwSignal::new(None::<Result<strada_shared::api::ImportReport, ApiError>>);
    // How many records the last export wrote (said once the file is downloaded).
    let exported = RwSignal::new(None::<(usize, String)>);
    let busy = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let export = move |_| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            busy.set(true);
            match api::exchange_export(&s.token).await {
                Ok(text) => {
                    // Named as the API names it (a new user found the two apart).
                    let name = format!("strada-export-{}.jsonl", period::iso(period::today()));
                    save_file_as(&name, &text, "application/x-ndjson");
                    report.set(None);
                    let n = text.lines().filter(|l| !l.trim().is_empty()).count();
                    exported.set(Some((n, name)));
                }
                Err(e) => report.set(Some(Err(e))),
            }
            busy.set(false);
        });
    };
    // Said instead of a report: no file chosen, or an empty one.
    let notice = RwSignal::new(None::<fn(&Catalogue) -> &'static str>);
    let send = move |dry_run: bool| {
        let Some(s) = ctx.session.get_untracked() else {
            return;
        };
        let Some(file) = input
            .get_untracked()
            .and_then(|i| i.files())
            .and_then(|f| f.get(0))
        else {
            report.set(None);
            notice.set(Some(|t| t.xf_no_file));
            return;
        };
        notice.set(None);
        exported.set(None);
        leptos::task::spawn_local(async move {
            busy.set(true);
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            if text.trim().is_empty() {
                report.set(None);
                notice.set(Some(|t| t.xf_empty));
            } else {
                let answer = api::exchange_import(&s.token, text, dry_run).await;
                if !dry_run && answer.is_ok() {
                    // The teams the file named are shown by their names from now on.
                    let _ = api::teams(&s.token).await;
                    // What reads the server's records reads them again: the lists, the
                    // teams a device may keep offline (a new user's walk: an imported
                    // team was listed there only after a reload).
                    ctx.pulled.update(|n| *n += 1);
                }
                report.set(Some(answer));
            }
            busy.set(false);
        });
    };
    // "persone: 2, contatti: 5" — the kinds with records, by their names.
    let counts = move |m: &std::collections::BTreeMap<String, u64>| {
        let tr = t();
        let listed = m
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(k, n)| format!("{}: {n}", tr.xf_kind_names.name_of(k)))
            .collect::<Vec<_>>();
        if listed.is_empty() {
            tr.xf_none.to_string()
        } else {
            listed.join(", ")
        }
    };
    view! {
        <section class="card" data-testid="exchange-files">
            <h2>{move || t().xf_title}</h2>
            <p class="hint">{move || t().xf_intro}</p>
            <div class="row ws-actions">
                <button type="button" class="secondary" data-testid="xf-export" on:click=export
                    disabled=move || busy.get()>{move || t().xf_export}</button>
            </div>
            <label for="xf-file">{move || t().xf_file}
                <input id="xf-file" type="file" accept=".jsonl,.ndjson,application/x-ndjson,text/plain" node_ref=input data-testid="xf-file"/>
            </label>
            <div class="row ws-actions">
                <button type="button" class="secondary" data-testid="xf-check" disabled=move || busy.get()
                    on:click=move |_| send(true)>{move || t().xf_check}</button>
                <button type="button" data-testid="xf-import" disabled=move || busy.get()
                    on:click=move |_| send(false)>{move || t().xf_import}</button>
            </div>
            <div aria-live="polite" data-testid="xf-report">
                {move || notice.get().map(|n| view! { <p class="error" role="alert" data-testid="xf-notice">{n(t())}</p> })}
                {move || exported.get().map(|(n, file)| view! { <p class="ok" role="status" data-testid="xf-exported">{t().xf_exported.n_args(n, &[("file", &file)])}</p> })}
                {move || report.get().map(|r| match r {
                    Err(e) => unavailable(&e, t()),
                    Ok(r) if r.ok => view! {
                        <p data-testid="xf-ok">
                            {if r.dry_run { t().xf_checked_ok } else { t().xf_imported }}
                            " "{t().xf_created}" "{counts(&r.created)}" · "
                            {t().xf_updated}" "{counts(&r.updated)}" · "
                            {t().xf_unchanged}" "{counts(&r.unchanged)}
                        </p>
                        {(r.withdrawals > 0).then(|| view! {
                            <p class="warning" role="alert" data-testid="xf-withdrawals">{t().xf_withdrawals.n(r.withdrawals as usize)}</p>
                        })}
                        // Lines taken without part of what they give (consent never given).
                        {(!r.notices.is_empty()).then(|| view! {
                            <details class="warning" data-testid="xf-notices">
                                <summary>{t().xf_notices.n(r.notices.len())}</summary>
                                <ul>
                                    {r.notices.iter().map(|e| view! {
                                        <li>{t().xf_line}" "{e.line}" · "<code>{e.field.clone()}</code>" · "{t().import_reason(&e.reason)}</li>
                                    }).collect_view()}
                                </ul>
                            </details>
                        })}
                    }.into_any(),
                    Ok(r) => {
                        let total = r.errors.len();
                        // Many invalid lines are mostly one mistake repeated (a column of a
                        // spreadsheet): said once per field and reason, with the lines.
                        let groups = (total > GROUP_ERRORS_FROM).then(|| error_groups(&r.errors));
                        let all_open = total <= GROUP_ERRORS_FROM;
                        view! {
                            <p class="error" role="alert" data-testid="xf-invalid">{t().xf_invalid.n(total)}</p>
                            {groups.map(|groups| view! {
                                <h3>{t().xf_groups_title}</h3>
                                <ul data-testid="xf-error-groups">
                                    {groups.into_iter().map(|g| view! {
                                        <li>{(!g.field.is_empty()).then(|| view! { <code>{g.field.clone()}</code>" · " })}
                                            {t().import_reason(&g.reason)}" — "{t().xf_group_lines.n(g.count)}": "
                                            {g.first.iter().map(|l| l.to_string()).collect::<Vec<_>>().join(", ")}
                                            {(g.count > g.first.len()).then_some(" …")}</li>
                                    }).collect_view()}
                                </ul>
                            })}
                            <details open=all_open data-testid="xf-all-errors">
                                <summary>{t().xf_all_lines.n(total)}</summary>
                                <ul data-testid="xf-errors">
                                    {r.errors.into_iter().map(|e| view! {
                                        <li>{t().xf_line}" "{e.line}" · "{(!e.field.is_empty()).then(|| view! { <code>{e.field}</code>" · " })}{t().import_reason(&e.reason)}</li>
                                    }).collect_view()}
                                </ul>
                            </details>
                        }.into_any()
                    }
                })}
            </div>
        </section>
    }
}

/// From how many invalid lines an import's report also groups them by field and reason.
const GROUP_ERRORS_FROM: usize = 10;
/// The lines named in a group.
const GROUP_FIRST_LINES: usize = 8;

/// Invalid lines with one field and reason: how many, and the first few.
#[derive(Debug, PartialEq)]
struct ErrorGroup {
    field: String,
    reason: String,
    count: usize,
    first: Vec<usize>,
}

/// The invalid lines grouped by field and reason, the largest group first (then in the
/// order they first appear).
fn error_groups(errors: &[strada_shared::api::ImportLineError]) -> Vec<ErrorGroup> {
    let mut groups: Vec<ErrorGroup> = Vec::new();
    for e in errors {
        match groups
            .iter_mut()
            .find(|g| g.field == e.field && g.reason == e.reason)
        {
            Some(g) => {
                g.count += 1;
                if g.first.len() < GROUP_FIRST_LINES {
                    g.first.push(e.line);
                }
            }
            None => groups.push(ErrorGroup {
                field: e.field.clone(),
                reason: e.reason.clone(),
                count: 1,
                first: vec![e.line],
            }),
        }
    }
    // Stable: equal counts keep the order of their first line.
    groups.sort_by_key(|g| std::cmp::Reverse(g.count));
    groups
}

/// Saves `text` as a CSV file the browser downloads, for Excel set to Italian when this
/// browser chose so ([`CsvExcel`]).
fn save_file(name: &str, text: &str) {
    save_file_as(name, &crate::csv::as_chosen(text), "text/csv;charset=utf-8");
}

/// The choice of CSV files for a spreadsheet set to Italian (`;` between fields, a byte
/// order mark), kept in this browser; every CSV the workspace saves follows it.
#[component]
fn CsvExcel(id: &'static str) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    let on = RwSignal::new(crate::csv::excel_chosen());
    view! {
        <label class="check" for=id>
            <input type="checkbox" id=id data-testid=id prop:checked=move || on.get()
                on:change=move |ev| {
                    let v = event_target_checked(&ev);
                    on.set(v);
                    crate::csv::choose_excel(v);
                }/>
            {move || t().csv_excel}
        </label>
    }
}

/// Saves `text` as a file of type `mime` the browser downloads.
fn save_file_as(name: &str, text: &str, mime: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(a) = document
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The record open beside the list. `on_change` is told when the record changed what the
/// list shows (an unmerge).
#[component]
fn Detail(open: Open, on_open: RwSignal<Option<Open>>, on_change: Callback<()>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let t = move || ctx.lang.get().t();
    // Closed: the focus goes back to the record's row (else the list's first).
    let close = move |_| {
        let row = html_element(LIST_ROW);
        on_open.set(None);
        if let Some(row) = row {
            let _ = row.focus();
        }
    };
    // Anything typed in the record since it was drawn (a reason, a choice).
    let typed = RwSignal::new(false);
    let body = match open {
        Open::Person(id) => {
            // Read again after an unmerge made from the page.
            let version = RwSignal::new(0u32);
            let page = LocalResource::new(move || {
                version.track();
                async move {
                    let page = fetch::<PersonPage>(ctx, format!("/api/persons/{id}")).await?;
                    // A record merged into another: the survivor's name, for the link.
                    let survivor = match page.person.merged_into {
                        Some(s) => fetch::<PersonPage>(ctx, format!("/api/persons/{s}"))
                            .await
                            .ok()
                            .map(|s| s.person),
                        None => None,
                    };
                    // A survivor merged in turn (a chain): the person at its end, where
                    // the contacts count (a new user's walk could not follow the chain).
                    let mut last = None::<PersonRecord>;
                    let mut at = survivor.as_ref().and_then(|s| s.merged_into);
                    for _ in 0..8 {
                        let Some(next) = at else { break };
                        let Ok(p) = fetch::<PersonPage>(ctx, format!("/api/persons/{next}")).await
                        else {
                            break;
                        };
                        at = p.person.merged_into;
                        last = Some(p.person);
                    }
                    Ok::<_, ApiError>((page, (survivor, last)))
                }
            });
            let reload = Callback::new(move |()| {
                version.update(|v| *v += 1);
                on_change.run(());
            });
            // What the page shows: the last answer (a reload in the background keeps it
            // on the screen until the next one is in).
            let shown = RwSignal::new(None::<Result<(PersonPage, Survivors), ApiError>>);
            Effect::new(move |_| {
                if let Some(res) = page.get() {
                    shown.set(Some(res));
                    typed.set(false);
                }
            });
            // What a pull brought (a teammate's contact with the person) shows in the open
            // record too — unless something was typed in it, which a redraw would drop
            // (found by a new user's walk: the timeline stayed as it was until reopened).
            Effect::new(move |seen: Option<u64>| {
                let n = ctx.pulled.get();
                if seen.is_some_and(|s| s != n) && !typed.get_untracked() {
                    leptos::task::spawn_local(async move {
                        let Ok(now) = fetch::<PersonPage>(ctx, format!("/api/persons/{id}")).await
                        else {
                            return;
                        };
                        // The record may have been closed meanwhile.
                        let Some(changed) = shown.try_with_untracked(
                            |s| !matches!(s, Some(Ok((old, _))) if *old == now),
                        ) else {
                            return;
                        };
                        if changed && typed.try_get_untracked() == Some(false) {
                            let _ = version.try_update(|v| *v += 1);
                        }
                    });
                }
                n
            });
            // Said once a judgement is taken back (its entry is then gone from the page:
            // found by a new user's walk, "it vanishes with no message").
            let notice = RwSignal::new(None::<&'static str>);
            view! {
                {move || notice.get().map(|n| view! { <p class="ok" role="status" data-testid="ws-notice">{n}</p> })}
                {move || shown.get().map(|res| match res {
                    Ok((p, (survivor, last))) => person_view(p, survivor, last, on_open, reload, notice, ctx),
                    Err(e) => unavailable(&e, t()),
                })}
            }.into_any()
        }
        Open::Contact(id) => {
            let page = LocalResource::new(move || async move {
                let contact = fetch::<ContactRecord>(ctx, format!("/api/contacts/{id}")).await?;
                let referrals = fetch::<Page<ReferralRecord>>(
                    ctx,
                    format!("/api/referrals?contact={id}&limit=200"),
                )
                .await?;
                let person = match contact.person_id {
                    Some(p) => fetch::<PersonPage>(ctx, format!("/api/persons/{p}"))
                        .await
                        .ok()
                        .map(|p| p.person),
                    None => None,
                };
                Ok::<_, ApiError>((contact, person, referrals.items))
            });
            view! {
                {move || page.get().map(|res| match res {
                    Ok((c, p, r)) => contact_view(c, p, r, on_open, ctx),
                    Err(e) => unavailable(&e, t()),
                })}
            }
            .into_any()
        }
        Open::Case(id) => view! { <cases::CaseView id=id on_open=on_open/> }.into_any(),
        Open::Referral(id) => {
            let page = LocalResource::new(move || {
                fetch::<ReferralRecord>(ctx, format!("/api/referrals/{id}"))
            });
            view! {
                {move || page.get().map(|res| match res {
                    Ok(r) => referral_view(r, on_open, ctx),
                    Err(e) => unavailable(&e, t()),
                })}
            }
            .into_any()
        }
    };
    view! {
        <div class="ws-record" data-testid="ws-record" on:input=move |_| typed.set(true)>
            <div class="row">
                <span></span>
                <button type="button" class="secondary" on:click=close>{move || t().ws_close}</button>
            </div>
            {body}
        </div>
    }
}

fn dl_row(label: &'static str, value: String) -> impl IntoView {
    (!value.is_empty()).then(|| view! { <dt>{label}</dt><dd>{value}</dd> })
}

/// How long the typing pauses before the words typed in the search box apply.
const SEARCH_PAUSE_MS: u64 = 400;

/// A person's birth year as shown ("1990", "1990 stimato"; empty when not known).
fn birth_label(p: &PersonRecord, t: &Catalogue) -> String {
    p.birth_year
        .map(|y| {
            if p.birth_year_estimated {
                format!("{y} {}", t.ws_estimated)
            } else {
                y.to_string()
            }
        })
        .unwrap_or_default()
}

fn person_fields(p: &PersonRecord, t: &Catalogue, lang: Lang) -> AnyView {
    let birth = birth_label(p, t);
    let languages = t.language_list(&p.languages, ", ");
    let consent = format!(
        "{} · {}",
        t.consent_name(p.consent.status),
        when(&p.consent.at, lang)
    );
    view! {
        <dl class="ws-fields">
            {dl_row(t.ws_aliases, p.aliases.join(" · "))}
            {dl_row(t.ws_birth_year, birth)}
            {dl_row(t.ws_gender, t.gender_name(p.gender).to_string())}
            {dl_row(t.ws_country, t.country(&p.country))}
            {dl_row(t.ws_languages, languages)}
            {dl_row(t.ws_phone, p.phone.clone().unwrap_or_default())}
            {dl_row(t.ws_documents, t.documents_name(p.documents).to_string())}
            {dl_row(t.ws_usual_place, p.usual_place.clone())}
            {dl_row(t.ws_consent, consent)}
            {dl_row(t.ws_partners, crate::contact_entry::partner_names(&p.consent.partners, t))}
            {dl_row(t.col_team, crate::teams::label(&p.team))}
        </dl>
    }
    .into_any()
}

/// The consent as it was recorded over time, when it changed at least once or records
/// merged into the person held their own: oldest first, each merged record's entries
/// named by it.
fn consent_history(p: &PersonPage, t: &'static Catalogue, lang: Lang) -> Option<AnyView> {
    let mut entries: Vec<(&ConsentRecord, Option<String>)> =
        p.consent_history.iter().map(|c| (c, None)).collect();
    for (id, history) in &p.merged_consent {
        let name = p
            .merged
            .iter()
            .find(|m| m.id.to_string() == *id)
            .map(|m| {
                let alias = m
                    .aliases
                    .first()
                    .cloned()
                    .unwrap_or_else(|| t.person_anonymous.to_string());
                format!("{alias} ({})", crate::teams::label(&m.team))
            })
            .unwrap_or_else(|| t.ws_merged_persons.to_string());
        entries.extend(history.iter().map(|c| (c, Some(name.clone()))));
    }
    if entries.len() < 2 {
        return None;
    }
    // Oldest first; the times are RFC 3339 in UTC, so they sort as text.
    strada_shared::sort::sort_by(&mut entries, |a, b| a.0.at.cmp(&b.0.at));
    let items = entries
        .into_iter()
        .map(|(c, on)| {
            let mut text = format!("{} · {}", t.consent_name(c.status), when(&c.at, lang));
            if !c.partners.is_empty() {
                text.push_str(" · ");
                text.push_str(&crate::contact_entry::partner_names(&c.partners, t));
            }
            let merged = on.is_some();
            if let Some(name) = on {
                text.push_str(" · ");
                text.push_str(&t.ws_consent_on_merged.with("name", &name));
            }
            view! { <li data-merged=merged.then_some("true")>{text}</li> }
        })
        .collect_view();
    Some(
        view! {
            <h4>{t.ws_consent_history}</h4>
            <ol class="ws-consent-history" data-testid="ws-consent-history">{items}</ol>
        }
        .into_any(),
    )
}

/// Keeps the person (with their contacts and referrals) on this device, or stops.
fn keep_offline(id: DocId, ctx: Ctx) -> AnyView {
    let kept = RwSignal::new(None::<bool>);
    let busy = RwSignal::new(false);
    if let Some(s) = ctx.session.get_untracked() {
        leptos::task::spawn_local(async move {
            if let Ok(p) = api::sync_scope(&s.token).await {
                kept.set(Some(p.scope.persons.contains(&id)));
            }
        });
    }
    let saved = use_context::<crate::pages::offline_scope::ScopeSaved>();
    let toggle = move |_| {
        busy.set(true);
        leptos::task::spawn_local(async move {
            if let Ok(now) = crate::pages::offline_scope::toggle_person(ctx, id, saved).await {
                kept.set(Some(now));
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=move || kept.get().is_some()>
            <p>
                <button
                    type="button"
                    class="secondary"
                    data-testid="ws-keep-offline"
                    prop:disabled=move || busy.get()
                    on:click=toggle
                >
                    {move || {
                        let t = ctx.lang.get().t();
                        if kept.get() == Some(true) { t.scope_drop_person } else { t.scope_keep_person }
                    }}
                </button>
            </p>
        </Show>
    }
    .into_any()
}

/// The record a merged-away record was merged into, and the person at the end of the
/// chain when that one was merged in turn.
type Survivors = (Option<PersonRecord>, Option<PersonRecord>);

fn person_view(
    p: PersonPage,
    survivor: Option<PersonRecord>,
    last: Option<PersonRecord>,
    on_open: RwSignal<Option<Open>>,
    reload: Callback<()>,
    notice: RwSignal<Option<&'static str>>,
    ctx: Ctx,
) -> AnyView {
    let t = ctx.lang.get_untracked().t();
    let lang = ctx.lang.get_untracked();
    let name = p
        .person
        .aliases
        .first()
        .cloned()
        .unwrap_or_else(|| t.person_anonymous.to_string());
    let places: Vec<(Place, String)> = p
        .contacts
        .iter()
        .filter_map(|c| c.place.map(|pl| (pl, when(&c.occurred_at, lang))))
        .collect();
    // One timeline: contacts and referrals, newest first.
    let mut events: Vec<(String, AnyView)> = Vec::new();
    for c in &p.contacts {
        let id = c.id;
        let text = format!(
            "{} · {} · {}",
            t.ws_contact_kind,
            crate::teams::label(&c.team),
            needs_label(&c.needs, t)
        );
        events.push((
            c.occurred_at.clone(),
            view! {
                <li data-testid="ws-timeline-contact">
                    <time>{when(&c.occurred_at, lang)}</time>" "
                    <button type="button" class="link" on:click=move |_| on_open.set(Some(Open::Contact(id)))>{text}</button>
                </li>
            }
            .into_any(),
        ));
    }
    for r in &p.referrals {
        let id = r.id;
        let text = format!(
            "{} · {} · {} · {}",
            t.ws_referral_kind,
            t.need(r.need),
            r.organisation.clone().unwrap_or_else(|| r.partner.clone()),
            t.referral_status(r.status)
        );
        events.push((
            r.created_at.clone(),
            view! {
                <li data-testid="ws-timeline-referral">
                    <time>{when(&r.created_at, lang)}</time>" "
                    <button type="button" class="link" on:click=move |_| on_open.set(Some(Open::Referral(id)))>{text}</button>
                </li>
            }
            .into_any(),
        ));
    }
    strada_shared::sort::sort_by(&mut events, |a, b| b.0.cmp(&a.0));
    let merged_into = p
        .person
        .merged_into
        .map(|id| merges::merged_into(id, survivor.as_ref(), last.as_ref(), on_open, t));
    let merged = merges::merged_persons(&p.merged, on_open, t);
    let history = merges::history(&p, survivor.as_ref(), reload, notice, ctx);
    let not_same = merges::not_same(&p, on_open, reload, notice, ctx);
    let consents = consent_history(&p, t, lang);
    let keep = keep_offline(p.person.id, ctx);
    let reads_cases = ctx
        .session
        .get_untracked()
        .is_some_and(|s| s.user.role.reads_cases());
    let person_record = p.person.clone();
    let cases = reads_cases.then(|| {
        view! { <cases::PersonCases person=person_record on_open=on_open/> }
    });
    view! {
        <h3 data-testid="ws-person-name">{name}</h3>
        {merged_into}
        {person_fields(&p.person, t, lang)}
        {consents}
        {keep}
        {cases}
        {merged}
        <h4>{t.ws_places}</h4>
        {mini_map(&places, t)}
        <h4>{t.ws_timeline}</h4>
        <ul class="ws-timeline">{events.into_iter().map(|(_, v)| v).collect_view()}</ul>
        {history}
        {not_same}
    }
    .into_any()
}

fn contact_view(
    c: ContactRecord,
    person: Option<PersonRecord>,
    referrals: Vec<ReferralRecord>,
    on_open: RwSignal<Option<Open>>,
    ctx: Ctx,
) -> AnyView {
    let t = ctx.lang.get_untracked().t();
    let lang = ctx.lang.get_untracked();
    // The composition only when it was recorded (all zero: not counted).
    let group = c
        .group
        .map(|g| {
            let people = t.ws_group.n(g.people as usize);
            if g.women + g.men + g.minors == 0 {
                people
            } else {
                format!("{people} ({} · {} · {})", g.women, g.men, g.minors)
            }
        })
        .unwrap_or_default();
    let indicators = c
        .indicators
        .iter()
        .map(|i| {
            if i.note.is_empty() {
                t.indicator_name(i.code).to_string()
            } else {
                format!("{}: {}", t.indicator_name(i.code), i.note)
            }
        })
        .collect::<Vec<_>>();
    let materials = c
        .materials
        .iter()
        .map(|m| t.material_name(*m))
        .collect::<Vec<_>>()
        .join(", ");
    let places: Vec<(Place, String)> = c
        .place
        .map(|p| (p, when(&c.occurred_at, lang)))
        .into_iter()
        .collect();
    // A person met is named once, by the link to their record below (a new user's walk:
    // "Persona" twice); an anonymous person or a group is said here.
    let linked = person.is_some();
    view! {
        <h3>{t.ws_contact_kind}" · "{when(&c.occurred_at, lang)}</h3>
        <dl class="ws-fields" data-testid="ws-contact-fields">
            {(!linked).then(|| dl_row(t.col_person, person_label(&c, t)))}
            {dl_row(t.ws_group_label, group)}
            {dl_row(t.col_team, crate::teams::label(&c.team))}
            {dl_row(t.ws_author, c.author_name.clone().unwrap_or_default())}
            {dl_row(t.ws_channel, t.channel_name(c.channel).to_string())}
            {dl_row(t.ws_sector, c.sector.map(|s| t.sector_name(s).to_string()).unwrap_or_default())}
            {dl_row(t.ws_workplace, c.workplace.clone())}
            {dl_row(t.col_needs, needs_label(&c.needs, t))}
            {dl_row(t.ws_materials, materials)}
            {dl_row(t.ws_language, c.language.as_deref().map(|l| t.language_name(l)).unwrap_or_default())}
            // A group gives no consent of its own (a new user's walk: «Consenso: non
            // chiesto» on a group of four).
            {dl_row(t.ws_consent, if c.group.is_some() && !linked { String::new() } else { t.consent_name(c.consent).to_string() })}
            {dl_row(t.col_note, c.note.clone())}
        </dl>
        {(!indicators.is_empty()).then(|| view! {
            <h4>{t.ws_indicators}</h4>
            <ul data-testid="ws-indicators">{indicators.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
        })}
        {person.map(|p| {
            let id = p.id;
            let reads_cases = ctx
                .session
                .get_untracked()
                .is_some_and(|s| s.user.role.reads_cases());
            let name = p.aliases.first().cloned().unwrap_or_else(|| t.person_anonymous.to_string());
            // The person's cases, and a case opened from this contact.
            let from = c.id;
            let cases = reads_cases.then(|| view! { <cases::PersonCases person=p on_open=on_open contact=from/> });
            view! {
                <h4>{t.col_person}</h4>
                <button type="button" class="link" data-testid="ws-open-person" on:click=move |_| on_open.set(Some(Open::Person(id)))>
                    {name}
                </button>
                {cases}
            }
        })}
        <h4>{t.ws_places}</h4>
        {mini_map(&places, t)}
        {(!referrals.is_empty()).then(|| view! {
            <h4>{t.ws_referrals}</h4>
            <ul>{referrals.into_iter().map(|r| {
                let id = r.id;
                let text = format!("{} · {} · {}", t.need(r.need), r.organisation.clone().unwrap_or(r.partner.clone()), t.referral_status(r.status));
                view! { <li><button type="button" class="link" on:click=move |_| on_open.set(Some(Open::Referral(id)))>{text}</button></li> }
            }).collect_view()}</ul>
        })}
    }
    .into_any()
}

fn referral_view(r: ReferralRecord, on_open: RwSignal<Option<Open>>, ctx: Ctx) -> AnyView {
    let t = ctx.lang.get_untracked().t();
    let lang = ctx.lang.get_untracked();
    let contact = r.contact;
    let person = r.person_id;
    view! {
        <h3>{t.ws_referral_kind}" · "{t.need(r.need)}</h3>
        <dl class="ws-fields">
            // Whom it is for, always: a person, a group, or «Anonimo» (a new user's walk:
            // an anonymous contact's referral said nothing).
            {dl_row(t.col_person, referral_for(&r, t))}
            {dl_row(t.ws_partner, r.organisation.clone().map(|o| format!("{o} ({})", r.partner)).unwrap_or(r.partner.clone()))}
            {dl_row(t.ws_status, format!("{} · {}", t.referral_status(r.status), when(&r.status_since, lang)))}
            {dl_row(t.ws_outcome, r.outcome.clone())}
            {dl_row(t.col_team, crate::teams::label(&r.team))}
        </dl>
        {r.conflict.then(|| view! { <p class="warning">{t.ws_conflict}</p> })}
        <h4>{t.ws_history}</h4>
        // From "proposed", as the exchange format's history reads.
        <ol data-testid="ws-referral-path">{r.path.iter().map(|h| view! { <li><time>{when(&h.at, lang)}</time>" "{t.referral_status(h.status)}</li> }).collect_view()}</ol>
        <p>
            <button type="button" class="link" on:click=move |_| on_open.set(Some(Open::Contact(contact)))>{t.ws_open_contact}</button>
            {person.map(|p| view! { " · " <button type="button" class="link" on:click=move |_| on_open.set(Some(Open::Person(p)))>{t.ws_open_person}</button> })}
        </p>
    }
    .into_any()
}

/// The places of a record on a small SVG map: no tiles, no background, only the points
/// in their true relative positions (equirectangular, scaled to fit), and a scale bar.
fn mini_map(places: &[(Place, String)], t: &Catalogue) -> AnyView {
    if places.is_empty() {
        return view! { <p class="hint">{t.ws_no_places}</p> }.into_any();
    }
    const W: f64 = 320.0;
    const H: f64 = 180.0;
    const PAD: f64 = 16.0;
    let lat0 = places.iter().map(|(p, _)| p.lat).sum::<f64>() / places.len() as f64;
    let k = lat0.to_radians().cos().max(0.01);
    // Metres per degree of latitude; x in metres east, y in metres north.
    let m = 111_320.0;
    let pts: Vec<(f64, f64, &str)> = places
        .iter()
        .map(|(p, label)| (p.lon * k * m, p.lat * m, label.as_str()))
        .collect();
    let (min_x, max_x) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (min_y, max_y) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    // At least 1 km across, so a single point sits in the middle.
    let span = (max_x - min_x).max(max_y - min_y).max(1000.0);
    let scale = ((W - 2.0 * PAD) / span).min((H - 2.0 * PAD) / span);
    let cx = (min_x + max_x) / 2.0;
    let cy = (min_y + max_y) / 2.0;
    let bar_m = nice_length(span / 4.0);
    let bar_px = bar_m * scale;
    let bar_label = if bar_m >= 1000.0 {
        format!("{} km", bar_m / 1000.0)
    } else {
        format!("{bar_m} m")
    };
    view! {
        <svg class="ws-map" data-testid="ws-map" viewBox=format!("0 0 {W} {H}") role="img" aria-label=t.ws_map_label>
            <rect x="0" y="0" width=W height=H class="ws-map-bg"/>
            {pts.iter().map(|(x, y, label)| {
                let px = W / 2.0 + (x - cx) * scale;
                let py = H / 2.0 - (y - cy) * scale;
                view! { <circle cx=format!("{px:.1}") cy=format!("{py:.1}") r="5" class="ws-map-point"><title>{label.to_string()}</title></circle> }
            }).collect_view()}
            <line x1=PAD y1=H - 8.0 x2=PAD + bar_px y2=H - 8.0 class="ws-map-scale"/>
            <text x=PAD y=H - 12.0 class="ws-map-text">{bar_label}</text>
        </svg>
    }
    .into_any()
}

/// 1, 2 or 5 times a power of ten, at most `x`.
fn nice_length(x: f64) -> f64 {
    let p = 10f64.powf(x.max(1.0).log10().floor());
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|f| f * p)
        .find(|v| *v <= x)
        .unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_lines_are_grouped_by_field_and_reason_largest_first() {
        let e = |line: usize, field: &str, reason: &str| strada_shared::api::ImportLineError {
            line,
            field: field.into(),
            reason: reason.into(),
        };
        let mut errors = vec![e(1, "type", "unknown_type")];
        errors.extend((2..=20).map(|l| e(l, "gender", "unknown_code")));
        errors.push(e(21, "consent.at", "not_time"));
        errors.push(e(22, "type", "unknown_type"));
        let groups = error_groups(&errors);
        assert_eq!(groups.len(), 3);
        assert_eq!(
            groups[0],
            ErrorGroup {
                field: "gender".into(),
                reason: "unknown_code".into(),
                count: 19,
                first: (2..2 + GROUP_FIRST_LINES).collect(),
            }
        );
        assert_eq!((groups[1].count, groups[1].first.clone()), (2, vec![1, 22]));
        assert_eq!(groups[2].field, "consent.at");
    }

    /// A case's fields up for review say which part, in words, never an intervention's
    /// key (a new user's walk: a case edited apart was not up for review at all).
    #[test]
    fn a_case_conflict_names_its_part_in_words() {
        let t = Lang::It.t();
        let key = "0199c82c-c000-7505-8505-050505050505";
        let said = |f: &str| conflict_detail(f, t);
        assert_eq!(
            said(&format!("interventions.{key}.status")).as_deref(),
            Some("Stato")
        );
        assert_eq!(
            said(&format!("interventions.{key}.done_at")).as_deref(),
            Some(t.case_done_at)
        );
        assert_eq!(said("assessment.note").as_deref(), Some(t.case_note));
        let grade = said("assessment.indicators.deception.strength").unwrap();
        assert!(
            grade.contains(t.case_strength) && !grade.contains("deception"),
            "{grade}"
        );
        assert_eq!(said("sector"), None);
        assert_eq!(
            value_label(
                &format!("interventions.{key}.status"),
                "\"cancelled\"",
                t,
                Lang::It
            ),
            t.intervention_status_names.get("cancelled")
        );
        assert_eq!(
            server_writer(&hex::encode(strada_shared::sync::MERGE_ACTOR), t),
            t.ws_writer_merge
        );
        assert_eq!(server_writer("aa", t), t.ws_unknown_writer);
        // A new user's walk: codes, dates and a whole grade were shown raw.
        assert_eq!(
            said("assessment.indicators.deception"),
            Some(t.indicator_name(Indicator::Deception).to_string())
        );
        assert_eq!(said("eligibility.reasons").as_deref(), Some(t.case_reasons));
        let value = |f: &str, json: &str| value_label(f, json, t, Lang::It);
        assert_eq!(
            value("eligibility.decision", "\"not_eligible\""),
            "Non ammissibile"
        );
        assert_eq!(value("eligibility.at", "\"2026-12-06\""), "06/12/2026");
        assert_eq!(value("closed_at", "\"2026-12-06\""), "06/12/2026");
        assert_eq!(value("outcome", "\"emerged\""), "Emersione");
        assert_eq!(
            value(
                "assessment.indicators.deception",
                r#"{"strength":"strong","evidence":"Synthetic: documents kept"}"#
            ),
            "Forte · Synthetic: documents kept"
        );
    }

    #[test]
    fn a_central_page_says_what_went_wrong_not_always_the_network() {
        let t = Lang::It.t();
        let server = |status: u16, code: &str| ApiError::Server {
            status,
            code: code.into(),
            message: String::new(),
        };
        let cases = [
            (ApiError::Network, t.central_lists_need_network),
            (server(503, "index_building"), t.central_index_building),
            (
                ApiError::Unauthorized {
                    code: "session_expired".into(),
                },
                t.central_session_over,
            ),
            (server(403, "forbidden"), t.central_forbidden),
            (server(404, "not_found"), t.central_not_found),
            (server(413, "payload_too_large"), t.central_too_large),
            (server(500, ""), t.central_server_failed),
            (server(408, "timeout"), t.central_server_failed),
        ];
        for (e, text) in cases {
            assert_eq!(unavailable_text(&e, t), text, "{e:?}");
        }
        // Only a request that got no answer blames the network.
        let texts: std::collections::HashSet<&str> = [
            t.central_lists_need_network,
            t.central_session_over,
            t.central_forbidden,
            t.central_not_found,
            t.central_too_large,
            t.central_server_failed,
        ]
        .into_iter()
        .collect();
        assert_eq!(texts.len(), 6);
    }

    #[test]
    fn every_order_a_list_offers_has_a_name() {
        for tab in [
            Tab::Persons,
            Tab::Contacts,
            Tab::Referrals,
            Tab::Review,
            Tab::Duplicates,
        ] {
            for sort in tab.sorts() {
                assert!(ALL_SORTS.contains(sort), "{sort}");
            }
        }
    }
}
